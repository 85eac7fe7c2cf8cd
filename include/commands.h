/* commands.h - the everyday commands people know from docker: restart, wait, rm -a and
 * container prune, top, port, stats, update (each in src/cmd-*.c; cp is in copy.h). */
#ifndef CR_COMMANDS_H
#define CR_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

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

/* port: the published ports of a container ("80/tcp -> 0.0.0.0:8080"), or the host side of
 * one container port (which: "PORT[/tcp|/udp]", NULL for all). */
int cmd_port(const char *name, const char *which, struct cr_error *err);

/* stats: the resource use of the running containers names (every one when empty), as podman
 * shows it, once (no_stream) or redrawn every second; json or a {{.Field}} template. */
int cmd_stats(const struct cr_strv *names, bool no_stream, bool json, const char *format,
	      struct cr_error *err);

/* update: the limits res gives (the others as they were) into the container's saved
 * configuration and, when it runs, its cgroup. */
int cmd_update(const char *name, const struct cr_resources *res, struct cr_error *err);

struct cr_state;
struct cr_port;
/* The ports a container publishes (*out, *n, the caller frees): the concrete ones of its
 * start while status is "running" or "created" (RUNTIME/NAME/state's ports=, when there), else its
 * configuration's (host port 0: chosen at the next start). For ps and inspect. */
void cmd_port_list(const struct cr_state *st, const struct cr_config *cfg, const char *status,
		   struct cr_port **out, size_t *n);

#endif
