/* lifecycle.h - named containers after they start: status, ps, inspect, logs, stop,
 * kill, rm, and unshare (a shell in the keeper's namespaces). */
#ifndef CR_LIFECYCLE_H
#define CR_LIFECYCLE_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"
#include "log.h"
#include "state.h"

/* What a container is doing, from its lock and RUNTIME/NAME/state. */
struct cr_status {
	char status[16]; /* "created", "running" or "exited" */
	pid_t pid;	 /* PID 1, as the host sees it (created and running) */
	unsigned long long pid_start;
	int exit_code; /* exited: the last run's, -1 unknown */
	bool own_net;
	long long started;
};

/* Reads the status of st (never "running" unless its runner holds the lock). */
void lifecycle_status(const struct cr_state *st, struct cr_status *out);

/* Prints the log of name (log.1, then log) from the cursor from (NULL: all of it); with
 * follow, until the container exits, then returns its exit code (else 0). */
int lifecycle_follow_log(const struct cr_paths *paths, const char *name, struct cr_log_cursor *from,
			 bool follow, struct cr_error *err);

/* ps: the containers (all, or the running and created ones), as a table or JSON. */
int lifecycle_ps(bool all, bool json, struct cr_error *err);

/* inspect: one JSON object per name. */
int lifecycle_inspect(const struct cr_strv *names, struct cr_error *err);

/* logs [-f] NAME. */
int lifecycle_logs(const char *name, bool follow, struct cr_error *err);

/* stop: SIGTERM to PID 1, SIGKILL after timeout seconds; waits until it is cleaned up. */
int lifecycle_stop(const struct cr_strv *names, int timeout, struct cr_error *err);

/* Stops one container as stop does, printing nothing; returns once its runner let go. */
int lifecycle_stop_one(const struct cr_paths *paths, const char *name, int timeout,
		       struct cr_error *err);

/* kill: one signal to PID 1 of each running container. */
int lifecycle_kill(const struct cr_strv *names, int sig, struct cr_error *err);

/* rm: removes stopped containers (force: stops running ones first). */
int lifecycle_rm(const struct cr_strv *names, bool force, struct cr_error *err);

/* unshare: runs argv (default: $SHELL) in the keeper's user and mount namespaces. */
int lifecycle_unshare(char **argv, struct cr_error *err);

/* Parses a signal as a name (TERM, SIGTERM) or a number; -1 if it is neither. */
int lifecycle_parse_signal(const char *s);

#endif
