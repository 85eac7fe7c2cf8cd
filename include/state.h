/* state.h - where containers live on disk, names, and locking.
 *
 * Layout:
 *   DATA = $XDG_DATA_HOME/conti-rootless        (or ~/.local/share/conti-rootless)
 *   DATA/containers/NAME/config   the configuration (config_serialize), kept across reboots
 *   DATA/containers/NAME/{upper,work}  the writable overlay layer
 *   DATA/containers/NAME/.lock   held (flock) by every command that mounts, starts or
 *                                deletes the layer, whatever its runtime dir; it holds
 *                                the path of that runtime dir
 *   RUNTIME = the user's, never the environment's (state_runtime_root):
 *     $CONTI_ROOTLESS_RUNTIME_DIR (an explicit override), else /run/user/UID/conti-rootless
 *     when /run/user/UID is the user's, else /tmp/conti-rootless-UID, else (when another
 *     user holds that) ~/.cache/conti-rootless/run
 *   RUNTIME/.registry.lock held for the moment a name is claimed or given up
 *   RUNTIME/NAME/lock      held by the process that runs or removes the container
 *   RUNTIME/NAME/state     key=value: status, pids, exit status (state_runtime_*)
 *   RUNTIME/NAME/rootfs    mount point of the container's root, in its namespaces
 *   RUNTIME/NAME/ns/       namespace handles (keeper.h), each a mount over a file
 *   RUNTIME/NAME/log       stdout and stderr of a detached container
 *   RUNTIME/NAME/{resolv.conf,hosts,hostname}  the container's, bound over its /etc ones
 *   RUNTIME/.rm/NAME       marks a running --rm container, for garbage collection
 * The tool's own files in RUNTIME start with a dot, which no container name does.
 *   RUNTIME/.trash/        runtime dirs of removed containers, being deleted
 * A container is claimed by renaming a fully made DATA dir into place, so a
 * half-made one is never seen under its name; it is removed by renaming its
 * dirs to DATA/trash/ and RUNTIME/.trash/ first, so the name is free at once.
 * What a killed command left half-made (DATA/containers/.tmp-*, RUNTIME/NAME with no
 * DATA dir) is collected by the next command's garbage collection.
 * Every path under RUNTIME/NAME and DATA/containers/NAME is opened beneath its root
 * without following a symlink: what the tool did not make is refused, never followed.
 * Records under RUNTIME carry the boot id: a runtime dir may outlive a reboot.
 */
#ifndef CR_STATE_H
#define CR_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

#define CR_NAME_MAX 64
#define CR_NS_DIR "ns" /* RUNTIME/NAME/ns */

struct cr_paths {
	char *runtime; /* RUNTIME above */
	char *data;    /* DATA above */
};

/* One container's dirs, as held by the command working on it. */
struct cr_state {
	char name[CR_NAME_MAX + 1];
	char *runtime_root; /* RUNTIME */
	char *data_root;    /* DATA */
	char *dir;	    /* RUNTIME/NAME */
	char *rootfs_mnt;   /* RUNTIME/NAME/rootfs */
	char *data_dir;	    /* DATA/containers/NAME */
	char *upper;
	char *work;
	int lock_fd;	  /* holds RUNTIME/NAME/lock, -1 when not held */
	int data_lock_fd; /* holds DATA/containers/NAME/.lock, -1 when not held */
};

/* Checks a container name against [A-Za-z0-9][A-Za-z0-9_.-]{0,63}. */
int state_validate_name(const char *name, struct cr_error *err);

/* Writes a fresh random name ("conti-" and 8 hex digits) into buf (>= 16 bytes). */
void state_generate_name(char *buf, size_t len);

#define CR_ID_LEN 64	   /* a container id: 64 hex digits, as docker's */
#define CR_SHORT_ID_LEN 12 /* what ps shows of it */

/* Writes a fresh random container id (CR_ID_LEN hex digits, getrandom) into buf. */
void state_generate_id(char buf[CR_ID_LEN + 1]);

/* The id of a container from its config text: its id= line, or, for a container made before
 * ids were (no valid id= line), one derived from its name and creation time: stable, and hex
 * like the others. */
void state_config_id(const char *config, const char *name, char buf[CR_ID_LEN + 1]);

/* True when s could be an id or a prefix of one (1 to CR_ID_LEN lowercase hex digits). */
bool state_may_be_id(const char *s);

/* What a user typed for a container, in docker's order: a full id, a name, a unique prefix
 * of an id. 1 (name filled) for an id or a prefix of one; 0 for a name, or what is no
 * container (the command then says what is wrong with it); -1 (err) for an ambiguous prefix. */
int state_resolve(const struct cr_paths *paths, const char *arg, char name[CR_NAME_MAX + 1],
		  struct cr_error *err);

/* Says why dir cannot hold state for uid (NULL when it can): must be a directory,
 * not a symlink, owned by uid, mode 0700. */
const char *state_runtime_dir_problem(const char *dir, uid_t uid);

/* Finds RUNTIME for uid (see the layout above), making it 0700 when missing; *squatted
 * gets the /tmp path another user holds when it had to go to the home dir (else NULL). */
int state_runtime_root(uid_t uid, char **out, char **squatted, struct cr_error *err);

/* state_runtime_root with /run/user, /tmp and the home dir given (for tests). */
int state_runtime_root_in(const char *run_base, const char *tmp_base, const char *home, uid_t uid,
			  char **out, char **squatted, struct cr_error *err);

/* Resolves RUNTIME (state_runtime_root, warning once when /tmp was squatted) and DATA,
 * creating them 0700. */
int state_paths_init(struct cr_paths *paths, struct cr_error *err);

/* Frees the strings of paths. */
void state_paths_free(struct cr_paths *paths);

/* Claims NAME for a new container with config text: makes its data dir (the upper
 * dir gets root_mode, the mode of the rootfs's root) and its runtime dir, locked. */
int state_create(const struct cr_paths *paths, const char *name, const char *config,
		 mode_t root_mode, struct cr_state *st, struct cr_error *err);

/* Opens an existing container and takes its locks (runtime and data); a running one (or one
 * used from another runtime dir): EBUSY in err->errnum. */
int state_open(const struct cr_paths *paths, const char *name, struct cr_state *st,
	       struct cr_error *err);

/* Opens an existing container without locking it (to look at it or signal it); refuses one
 * whose runtime dir is not what the tool made (a symlink, a file, another owner). */
int state_open_unlocked(const struct cr_paths *paths, const char *name, struct cr_state *st,
			struct cr_error *err);

/* True while some process holds the container's lock (it runs, or is being removed). */
bool state_is_locked(const struct cr_state *st);

/* True while a command of another runtime dir holds the container's data lock; its runtime
 * dir goes into where (when not NULL). */
bool state_data_locked_elsewhere(const struct cr_state *st, char *where, size_t len);

/* The pid of a process that holds st's runtime lock, found through the kernel (/proc: who has
 * the lock file open); 0 if none. */
pid_t state_lock_holder(const struct cr_state *st);

/* The current boot id (/proc/sys/kernel/random/boot_id) into buf; "" when unknown. */
void state_boot_id(char *buf, size_t len);

/* Opens RUNTIME/NAME/rel (O_NOFOLLOW everywhere beneath RUNTIME); -1 with errno. */
int state_open_runtime_file(const struct cr_state *st, const char *rel, int flags, mode_t mode);

/* Writes each texts[i] (NULL: skipped) to RUNTIME/NAME/names[i], mode 0644 whatever the umask
 * (the container's users read them), from one descriptor of the dir: a symlink, FIFO or
 * directory put there is refused, never followed or waited on. */
int state_write_runtime_files(const struct cr_state *st, const char *const *names,
			      const char *const *texts, size_t n, struct cr_error *err);

/* Reads the container's config text into a malloc'ed string (NULL if damaged). */
char *state_read_config(const struct cr_state *st);

/* Replaces DATA/containers/NAME/config with text, atomically (update). */
int state_write_config(const struct cr_state *st, const char *text, struct cr_error *err);

/* Replaces RUNTIME/NAME/state with text and the boot id, atomically. */
int state_runtime_write(const struct cr_state *st, const char *text, struct cr_error *err);

/* Reads RUNTIME/NAME/state into buf ("" when there is none). */
void state_runtime_read(const struct cr_state *st, char *buf, size_t len);

/* Keeps the exit code of the container's last run with its data (it outlives a reboot). */
void state_save_exit(const struct cr_state *st, int code);

/* The exit code state_save_exit kept, or -1. */
int state_saved_exit(const struct cr_state *st);

/* When state_save_exit kept it (seconds since the epoch), 0 when unknown. */
long long state_saved_exit_time(const struct cr_state *st);

/* The size of RUNTIME/NAME/log (0 when there is none). */
long long state_log_size(const struct cr_state *st);

/* Removes the container's data and runtime dirs, namespace handles included (caller holds
 * its lock); the name is free at once. With background (only for a caller about to exit),
 * they are deleted by a process of its own. */
int state_remove(const struct cr_paths *paths, struct cr_state *st, bool background,
		 struct cr_error *err);

/* Releases the lock and frees st (the dirs stay). */
void state_release(struct cr_state *st);

/* Lists the names of all containers (sorted) into a NULL-terminated array; caller frees. */
char **state_list(const struct cr_paths *paths, size_t *n);

/* Collects what killed commands left: containers made with --rm whose runner is gone go to
 * the trash (full: look at every container; else only those marked in RUNTIME/.rm, which a
 * reboot forgets), and trash that no remover holds is deleted by a process of its own, so
 * that the caller does not wait. Best effort: errors are ignored. */
void state_collect_garbage(const struct cr_paths *paths, bool full);

/* True when path has the form of a container's cgroup (cgroup/cgroup.h) named for name:
 * /sys/fs/cgroup/.../conti-rootless/NAME-XXXXXX, absolute, no ".", ".." or empty component,
 * no byte outside [A-Za-z0-9@._:+-] in any (pure: what a state file's cgroup= must be). */
bool state_cgroup_path_ok(const char *path, const char *name);

/* True when path is state_cgroup_path_ok for name and a directory of a cgroup2 mount that we
 * own, as its parent (conti-rootless) and the delegated cgroup above it are. */
bool state_cgroup_ours(const char *path, const char *name);

/* The cgroup RUNTIME/NAME/state records (cgroup=) into buf, when state_cgroup_path_ok and it
 * is a directory of a cgroup2 mount that we own, as its parent (conti-rootless) and the
 * delegated cgroup above it are: 0; else -1 ("" in buf), whatever the file says. */
int state_recorded_cgroup(const struct cr_state *st, char *buf, size_t len);

/* Reads the value of key from key=value text into buf; -1 if absent. */
int state_record_get(const char *record, const char *key, char *buf, size_t len);

#endif
