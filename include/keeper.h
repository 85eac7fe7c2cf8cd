/* keeper.h - the user's keeper process and the namespace handles it holds.
 *
 * The keeper (helpers/keeper.c) holds the user namespace mapped with the user's
 * subordinate ids (made once, so that starting a container needs no setuid
 * helper) and a mount namespace owned by it, in which RUNTIME is a private mount
 * and each container's namespaces are bind-mounted as handles at
 * RUNTIME/NAME/ns/{user,mnt,pid,uts,ipc,net}. It also holds, for its life, a sealed
 * memfd copy of the init helper (which every container's PID 1 and exec'd process
 * execs, so that none has a path to a host binary), and an OFD lock on the first byte of
 * RUNTIME/.keeper.lock (a command that can take it knows that no keeper of ours lives;
 * commands flock the same file one at a time, a lock of another kind). Its pid file,
 * RUNTIME/.keeper.pid, records its start time and user namespace, so that a reused pid
 * is never taken for it, and what its mapping and init copy were made from; a keeper is
 * only joined or signalled once its uid and command line say it is ours; commands join
 * it through a pidfd.
 */
#ifndef CR_KEEPER_H
#define CR_KEEPER_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"
#include "state.h"
#include "userns.h"

/* The namespaces a container has handles for, in this order. */
#define CR_NS_KINDS 6
extern const char *const cr_ns_names[CR_NS_KINDS]; /* "user", "mnt", "pid", "uts", "ipc", "net" */

struct cr_keeper {
	pid_t pid;
	enum cr_uidmap_mode mode; /* how its namespace is mapped: SUBID or SINGLE */
	struct cr_idmap uid;	  /* its maps, as seen from the host */
	struct cr_idmap gid;
	bool started;		     /* this command started it */
	int pidfd;		     /* a pidfd of it, for keeper_join_mounts; -1 */
	unsigned long long mntns_id; /* its mount namespace's id (NS_GET_MNTNS_ID), 0 unknown */
	char init_stamp[128];	     /* the init helper file its sealed copy was made from */
	bool init_current;	     /* that file is the helper on disk now */
};

/* Moves the caller into the keeper's user and (unless user_only) mount namespaces,
 * starting a keeper (mapped as mode resolves) when none of ours is alive (one dying as we
 * join is replaced; one a damaged record lost is stopped), or when the user's own
 * subordinate ranges or the init helper changed and no container but own (the one the
 * caller holds locked, NULL: none) runs; while some run, a changed mapping is kept with a
 * warning. run joins the user namespace alone: a container's mount namespace is then a
 * copy of the host's, not of the keeper's with every handle in it, so that starting one
 * costs the same however many run. */
int keeper_join(const struct cr_paths *paths, enum cr_uidmap_mode mode, bool trace, bool user_only,
		const char *own, struct cr_keeper *k, struct cr_error *err);

/* The init helper to execveat, never a path to the host's file: the keeper's sealed copy
 * of it (k joined, or NULL), else, when there is none or it is not of the helper now on
 * disk, a sealed copy of our own. */
int keeper_open_init(const struct cr_keeper *k, struct cr_error *err);

/* keeper_open_init for a command that does not join the keeper (exec). */
int keeper_find_init(const struct cr_paths *paths, struct cr_error *err);

/* After keeper_join(user_only): moves the caller into the keeper's mount namespace too. */
int keeper_join_mounts(struct cr_keeper *k, bool trace, struct cr_error *err);

/* Closes k's pidfd. */
void keeper_release(struct cr_keeper *k);

/* Stops the keeper when no container runs (a command that started it and then failed
 * leaves nothing behind). */
void keeper_stop_if_idle(const struct cr_paths *paths);

/* True when the user's own subordinate ranges changed since the live keeper was made and
 * some container still runs with the old mapping (the next start after they stop remaps). */
bool keeper_mapping_stale(const struct cr_paths *paths);

/* Reads the live keeper's pid without joining it (0 when there is none of ours). */
pid_t keeper_pid(const struct cr_paths *paths);

/* In the keeper's mount namespace: binds the namespace file fd (of kind, an index
 * into cr_ns_names) at STATE_DIR/ns/KIND. */
int keeper_add_handle(const char *state_dir, int kind, int fd, struct cr_error *err);

/* In the keeper's mount namespace: detaches every handle of STATE_DIR at once. */
void keeper_drop_handles(const char *state_dir);

/* 0 when text reads as a .keeper.pid record, -1 if not (for the fuzz target). */
int keeper_record_valid(const char *text);

/* The start time of process pid (clock ticks since boot, /proc/PID/stat), 0 if gone. */
unsigned long long cr_proc_start_time(pid_t pid);

/* A pidfd for pid if it is still the process that started at start_time, else -1. */
int cr_pidfd_verified(pid_t pid, unsigned long long start_time);

/* The id of the caller's mount namespace (NS_GET_MNTNS_ID), 0 where the kernel lacks it. */
unsigned long long cr_mntns_id(void);

/* Makes sure the caller's (fresh, empty-handed) mount namespace has a larger id than
 * parent, unsharing it again on each CPU in turn if needed. Since Linux 6.18 ids come
 * from per-CPU batches, so a newer namespace may get a smaller id, and the kernel then
 * refuses to bind its handle in the keeper's namespace (mnt_ns_loop: EINVAL). */
int cr_mntns_newer_than(unsigned long long parent);

#endif
