/* oci/state.h - an OCI container's state under --root.
 *
 * Layout: ROOT/ID/ (0700, made by create, removed by delete)
 *   state.json  what `state` prints plus our own fields (pid start time, rootfs, ...)
 *   exec.fifo   exists from create until start: the container's PID 1 waits on it
 * ROOT and every path under it are opened beneath ROOT's fd without following symlinks.
 */
#ifndef CR_OCI_STATE_H
#define CR_OCI_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"
#include "oci/runtime.h"

#define OCI_ID_MAX 1024
#define OCI_STATE_FILE "state.json"
#define OCI_EXEC_FIFO "exec.fifo"
#define OCI_STATE_MAX (1 << 20) /* a state.json larger than this is damaged */

enum oci_status {
	OCI_CREATING,
	OCI_CREATED,
	OCI_RUNNING,
	OCI_STOPPED,
	OCI_PAUSED,
};

struct oci_state {
	char *id;
	pid_t pid;		       /* the container's process, in our PID namespace */
	unsigned long long start_time; /* its start time (/proc/PID/stat field 22): a reused pid
					  is not the container */
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339 */
	char *owner;
	struct cr_strv annotations; /* KEY=VALUE */
	bool own_pidns;		    /* the container has a PID namespace of its own */
	bool creating;		    /* create has not finished (or was killed) */
	char *hooks;  /* config.json's poststart and poststop hooks (its "hooks" syntax), NULL */
	int dir_fd;   /* ROOT/ID, -1 when not open */
	char *cgroup; /* the container's own cgroup (absolute path), NULL: none */
};

/* True when id is a valid container ID (runc's: letters, digits, "_+-.", not "." or ".."). */
bool oci_id_valid(const char *id);

/* Opens ROOT (O_DIRECTORY, not through a symlink), making it 0700 with its parents when
 * create is true; returns its fd. */
int oci_root_open(const struct oci_global *g, bool create, struct cr_error *err);

/* Opens ROOT/ID and reads its state.json into st; fails "container ID does not exist". */
int oci_state_load(const struct oci_global *g, const char *id, struct oci_state *st,
		   struct cr_error *err);

/* Writes st as dir_fd's state.json (a temp file renamed over it). */
int oci_state_save(const struct oci_state *st, struct cr_error *err);

/* What the container is now: created (exec.fifo there), running, paused or stopped. */
enum oci_status oci_state_status(const struct oci_state *st);

/* The runtime spec's name of a status ("created", ...). */
const char *oci_status_name(enum oci_status s);

/* The runtime-spec state document of st (ociVersion, id, status, pid, bundle,
 * annotations); caller frees. */
char *oci_state_json(const struct oci_state *st, enum oci_status status);

/* A pidfd of the container's process while it is the one recorded (pid and start time),
 * else -1. */
int oci_state_pidfd(const struct oci_state *st);

/* Frees st's strings and closes its dir. */
void oci_state_free(struct oci_state *st);

#endif
