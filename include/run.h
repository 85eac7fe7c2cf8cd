/* run.h - `conti-rootless run` and `rm`: from a configuration to a finished container. */
#ifndef CR_RUN_H
#define CR_RUN_H

#include "config.h"
#include "error.h"

/* Runs the container cfg describes in the foreground; returns the exit status to report
 * (the command's, 126/127, or -1 with err filled when the tool itself failed). */
int run_container(const struct cr_config *cfg, struct cr_error *err);

/* Removes stopped containers by name; returns 0 or -1 with err filled. */
int run_remove(const struct cr_strv *names, bool force, struct cr_error *err);

#endif
