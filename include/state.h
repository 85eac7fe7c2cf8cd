/* state.h - where containers live on disk, names, and locking.
 *
 * Layout:
 *   RUNTIME = $XDG_RUNTIME_DIR/conti-rootless   (or /tmp/conti-rootless-UID)
 *   RUNTIME/NAME/lock      flock held by the front end while the container runs
 *   RUNTIME/NAME/state     key=value record (id, rootfs, remove, pid, ...)
 *   RUNTIME/NAME/rootfs    mount point of the container's root, inside its namespaces
 *   DATA = $XDG_DATA_HOME/conti-rootless        (or ~/.local/share/conti-rootless)
 *   DATA/containers/ID/{upper,work}  the writable overlay layer
 * A state dir is made under a temporary name and renamed into place, so a
 * name is claimed atomically and a half-made dir is never seen under it.
 */
#ifndef CR_STATE_H
#define CR_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

#define CR_NAME_MAX 64

struct cr_paths {
	char *runtime; /* RUNTIME above */
	char *data;    /* DATA above */
};

/* One container's on-disk state, as held by the command working on it. */
struct cr_state {
	char name[CR_NAME_MAX + 1];
	char id[33];	  /* random hex, names the data dir */
	char *dir;	  /* RUNTIME/NAME */
	char *rootfs_mnt; /* RUNTIME/NAME/rootfs */
	char *data_dir;	  /* DATA/containers/ID */
	char *upper;
	char *work;
	int lock_fd; /* holds the flock, -1 when not held */
};

/* Checks a container name against [A-Za-z0-9][A-Za-z0-9_.-]{0,63}. */
int state_validate_name(const char *name, struct cr_error *err);

/* Writes a fresh random name ("conti-" and 8 hex digits) into buf (>= 16 bytes). */
void state_generate_name(char *buf, size_t len);

/* Says why dir cannot hold state for uid (NULL when it can): must be a directory,
 * not a symlink, owned by uid, mode 0700. */
const char *state_runtime_dir_problem(const char *dir, uid_t uid);

/* Resolves RUNTIME and DATA from the environment, creating them 0700; warns once on
 * stderr when falling back from an unusable XDG_RUNTIME_DIR. */
int state_paths_init(struct cr_paths *paths, struct cr_error *err);

/* Frees the strings of paths. */
void state_paths_free(struct cr_paths *paths);

/* Claims NAME: makes its state dir (locked, with the record) and data dirs; the upper
 * dir gets root_mode, the mode of the rootfs's root directory. */
int state_create(const struct cr_paths *paths, const char *name, const char *record,
		 mode_t root_mode, struct cr_state *st, struct cr_error *err);

/* True when a container named name has a state dir. */
bool state_exists(const struct cr_paths *paths, const char *name);

/* Opens and locks an existing container; EBUSY when another command holds it. */
int state_open(const struct cr_paths *paths, const char *name, struct cr_state *st,
	       struct cr_error *err);

/* Removes the container's state and data dirs; the name is free at once. */
int state_remove(const struct cr_paths *paths, struct cr_state *st, struct cr_error *err);

/* Releases the lock and frees st (the dirs stay). */
void state_release(struct cr_state *st);

/* Removes what killed commands left: unlocked temporary dirs and unlocked
 * containers that were started with --rm. Errors are ignored: best effort. */
void state_collect_garbage(const struct cr_paths *paths);

/* Reads the value of key from a state record file into buf; -1 if absent. */
int state_record_get(const char *record, const char *key, char *buf, size_t len);

#endif
