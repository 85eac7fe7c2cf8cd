/* oci/lifecycle.h - what create, start and run share: making a container from a bundle and
 * starting it (the runtime's process model: R forks P, P joins namespaces and clones C). */
#ifndef CR_OCI_LIFECYCLE_H
#define CR_OCI_LIFECYCLE_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci/runtime.h"

struct oci_create_opts {
	const char *id;
	const char *bundle;	    /* default: the working directory */
	const char *pid_file;	    /* NULL: none */
	const char *console_socket; /* NULL: none (process.terminal needs one) */
	int preserve_fds;	    /* fds 3..3+N-1 pass to the container's process */
	bool no_pivot;		    /* MS_MOVE + chroot instead of pivot_root */
	bool no_new_keyring;	    /* keep the caller's session keyring */
	bool subreaper;		    /* run: the container's process becomes our child */
};

/* Creates the container opts names: on success its process waits on exec.fifo, state.json
 * and the pid file are written, *pid is its pid; on failure nothing is left (its process
 * killed, ROOT/ID removed). */
int oci_container_create(const struct oci_global *g, const struct oci_create_opts *opts, pid_t *pid,
			 struct cr_error *err);

/* Parses create's (run's, with run true: -d/--detach into *detach) options and ID. */
int oci_parse_create_args(int argc, char **argv, struct oci_create_opts *o, bool run, bool *detach,
			  struct cr_error *err);

/* Starts a created container: its process runs startContainer hooks and execs; then
 * poststart hooks run here (a failure is a warning). */
int oci_container_start(const struct oci_global *g, const char *id, struct cr_error *err);

struct oci_hooks;
struct oci_state;

/* config.json's poststart and poststop hooks as a "hooks" object's text, NULL when none:
 * what create keeps in state.json. */
char *oci_kept_hooks_json(const struct oci_hooks *h);

/* Runs the kept hooks of phase ("poststart" or "poststop") with st's state (status); a
 * failure is a warning on stderr, as the runtime spec says. */
void oci_kept_hooks_run(const struct oci_state *st, const char *phase, int status);

/* Sends sig to st's process (gone or reused: fails "not running"); all: first to every
 * process in its PID namespace when it has its own. */
int oci_container_kill(const struct oci_state *st, int sig, bool all, struct cr_error *err);

/* Deletes container id: a running one refused unless force (then killed, waited for);
 * ROOT/ID removed, poststop hooks run (failures are warnings). */
int oci_container_delete(const struct oci_global *g, const char *id, bool force,
			 struct cr_error *err);

/* Parses a signal: a number, or a name with or without "SIG" (any case); -1 if none. */
int oci_parse_signal(const char *s);

#endif
