/* run.h - running a container: in the foreground, detached under a monitor, or
 * created to be started later; and starting a created or exited one. */
#ifndef CR_RUN_H
#define CR_RUN_H

#include <stdbool.h>

#include "config.h"
#include "error.h"

enum cr_run_mode {
	CR_RUN_FOREGROUND, /* run: wait for the command, relaying signals and the terminal */
	CR_RUN_DETACHED,   /* run -d: a monitor process waits for it; we print its name */
	CR_RUN_CREATE,	   /* create: set up under a monitor, the command waits for start */
};

/* Runs the container cfg describes (cfg's paths are made absolute, its name filled in).
 * Returns the exit status to report: the command's, 126/127, 0 once a detached or
 * created container is up, or -1 with err filled when the tool itself failed. */
int run_container(struct cr_config *cfg, enum cr_run_mode mode, struct cr_error *err);

/* Starts the container NAME: a created one is let go; an exited one (or one from before a
 * reboot) runs again, detached, with its saved configuration on its writable layer.
 * With attach, prints its output and returns its exit status. */
int run_start(const char *name, bool attach, bool trace, struct cr_error *err);

#endif
