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
	long long started;  /* running: when its command started (seconds since the epoch) */
	long long finished; /* exited: when it ended, 0 unknown (a runner killed, a reboot) */
};

/* Reads the status of st (never "running" unless its runner holds the lock). */
void lifecycle_status(const struct cr_state *st, struct cr_status *out);

/* Prints the log of name (log.1, then log) from the cursor from (NULL: all of it, through
 * filter when not NULL); with follow, until the container exits, then returns its exit
 * code (else 0). */
int lifecycle_follow_log(const struct cr_paths *paths, const char *name, struct cr_log_cursor *from,
			 const struct cr_log_filter *filter, bool follow, struct cr_error *err);

/* What ps shows, from its options. */
struct cr_ps_opts {
	bool all;		       /* -a: also created and exited ones */
	bool json;		       /* --format json */
	bool quiet;		       /* -q: only the ids */
	bool no_trunc;		       /* --no-trunc: full ids, cells never cut */
	const char *format;	       /* --format TEMPLATE, or NULL */
	const struct cr_strv *filters; /* --filter KEY=VALUE, each */
};

/* ps: the containers (all, or the running ones) that pass the filters, as a table, ids, JSON
 * or a template. */
int lifecycle_ps(const struct cr_ps_opts *o, struct cr_error *err);

/* inspect: one JSON array, an object per name found; 1 (after the array, an error line
 * for each) when a name is not found, as docker. */
int lifecycle_inspect(const struct cr_strv *names, struct cr_error *err);

/* logs [-f] [--tail N] [--since T] [-t] NAME. */
int lifecycle_logs(const char *name, bool follow, const struct cr_log_filter *filter,
		   struct cr_error *err);

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
