/* commands.h - the everyday commands people know from docker: restart, wait, rm -a and
 * container prune, top (each in src/cmd-*.c; cp is in copy.h). */
#ifndef CR_COMMANDS_H
#define CR_COMMANDS_H

#include <stdbool.h>

#include "config.h"
#include "error.h"

/* restart: stops each container (timeout as stop's), then starts it; prints each name. */
int cmd_restart(const struct cr_strv *names, int timeout, bool trace, struct cr_error *err);

/* wait: blocks until each container has exited, printing its exit code, one line each. */
int cmd_wait(const struct cr_strv *names, struct cr_error *err);

/* rm -a and container prune (ask: docker's question first): removes every exited
 * container (all: every container, running ones stopped first, as rm -a -f), printing
 * each name. */
int cmd_prune(bool ask, bool all, struct cr_error *err);

/* top: the processes of a running container, as ps -ef prints them. */
int cmd_top(const char *name, struct cr_error *err);

#endif
