/* cgroup/cgroup.h - a cgroup of the container's own, under the user's delegated cgroup v2
 * subtree.
 *
 * The host's cgroup v2 mount is /sys/fs/cgroup (unified) or /sys/fs/cgroup/unified
 * (hybrid). The user's own cgroup comes from /proc/self/cgroup ("0::PATH"); the delegated
 * subtree is the highest ancestor of it (itself included) whose directory and cgroup.procs
 * the user owns, as systemd's Delegate=yes leaves user@UID.service. Containers go into
 * DELEGATED/conti-rootless/NAME-RANDOM ("conti-rootless" holds no process, so controllers
 * can be enabled in its cgroup.subtree_control), which holds the limits; the container's
 * processes live in its leaf DIR/container (CR_CGROUP_LEAF): PID 1 is cloned into the leaf
 * (clone3 CLONE_INTO_CGROUP, else its pid is written to cgroup.procs before it runs
 * anything), then unshares a cgroup namespace rooted there, as crun does. A container whose
 * root may write its own cgroup (CAP_SYS_ADMIN, a cgroup2 mount without nsdelegate) can
 * then never reach the files that limit it, which are its leaf's parent's.
 * Everything here takes the mount's directory fd, so unit tests give a fake tree in a
 * temporary directory.
 */
#ifndef CR_CGROUP_CGROUP_H
#define CR_CGROUP_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

/* The controllers a container's limits use. */
enum {
	CR_CTL_CPU = 1 << 0,
	CR_CTL_MEMORY = 1 << 1,
	CR_CTL_PIDS = 1 << 2,
	CR_CTL_IO = 1 << 3,
	CR_CTL_CPUSET = 1 << 4,
};

/* The fix where a controller is not delegated (cgroup_check's hint, `check`'s fix). */
#define CR_CGROUP_DROPIN_FIX                                                                       \
	"create /etc/systemd/system/user@.service.d/delegate.conf with the lines [Service] and "   \
	"Delegate=cpu cpuset io memory pids, run systemctl daemon-reload and log in again"
/* ... and first, where cgroup v1 holds the controllers. */
#define CR_CGROUP_UNIFIED_FIX                                                                      \
	"boot with systemd.unified_cgroup_hierarchy=1 on the kernel command line, then delegate "  \
	"them: " CR_CGROUP_DROPIN_FIX

/* The names of the controllers in set, space-separated ("cpu memory"; "" for none). */
void cgroup_controller_names(unsigned set, char *buf, size_t len);

enum cr_cgroup_mode {
	CR_CG_NONE,	     /* no cgroup v2 mount at all (v1 only) */
	CR_CG_NOT_DELEGATED, /* v2 mounted, but no ancestor of our cgroup is ours */
	CR_CG_DELEGATED,     /* a delegated subtree: containers get a cgroup of their own */
};

/* What the host gives this user (cgroup_probe). */
struct cr_cgroup_host {
	int mnt_fd;		  /* the cgroup2 mount, O_PATH|O_DIRECTORY; -1: none */
	char mnt[64];		  /* its path: "/sys/fs/cgroup" or "/sys/fs/cgroup/unified" */
	bool hybrid;		  /* cgroup v1 hierarchies are mounted beside it */
	char own[512];		  /* our cgroup relative to the mount ("" for the root) */
	char delegated[512];	  /* the delegated subtree relative to the mount ("" if none) */
	enum cr_cgroup_mode mode; /* what was found */
	unsigned available;	  /* CR_CTL_* in the delegated subtree's cgroup.controllers */
	unsigned on_v1;		  /* CR_CTL_* held by a cgroup v1 hierarchy (/proc/self/cgroup) */
};

/* The sub-cgroup of a container's cgroup its processes live in. */
#define CR_CGROUP_LEAF "container"

/* A container's cgroup (made by cgroup_create). */
struct cr_cgroup {
	int dirfd;	  /* its leaf (path/CR_CGROUP_LEAF), O_DIRECTORY: what clone3 takes; -1 */
	char path[640];	  /* absolute: MNT/DELEGATED/conti-rootless/NAME-RANDOM, which holds
			     the limits, the one state records ("" if none) */
	unsigned applied; /* CR_CTL_* enabled for it */
};

/* Reads /proc/self/cgroup and the mounts into h; never fails: a host without a usable
 * cgroup is h->mode != CR_CG_DELEGATED (close h->mnt_fd with cgroup_host_release). */
void cgroup_probe(struct cr_cgroup_host *h);
/* As cgroup_probe, with the mount's fd and /proc/self/cgroup's text given (unit tests). */
void cgroup_probe_at(struct cr_cgroup_host *h, int mnt_fd, const char *mnt, bool hybrid,
		     const char *proc_self_cgroup, uid_t uid);
/* Closes what cgroup_probe opened. */
void cgroup_host_release(struct cr_cgroup_host *h);

/* The controllers res asks for (CR_CTL_*; pids only when res->pids_limit was given). */
unsigned cgroup_needed(const struct cr_resources *res);

/* Fails, with one line naming the cause (v1 host, no delegation, controller X not
 * delegated) and the fix (the Delegate= drop-in for user@.service: its file and lines),
 * when res asks for a limit h cannot apply; 0 when all can, or none was asked. */
int cgroup_check(const struct cr_cgroup_host *h, const struct cr_resources *res,
		 struct cr_error *err);

/* Makes NAME's cgroup under the delegated subtree, enables the controllers its limits
 * need (and pids for the default limit, where delegated), writes the limits, and makes its
 * leaf; on failure nothing is left. cg->dirfd, the leaf's, is what clone3's
 * CLONE_INTO_CGROUP takes. */
int cgroup_create(const struct cr_cgroup_host *h, const char *name, const struct cr_resources *res,
		  struct cr_cgroup *cg, struct cr_error *err);

/* Moves pid into cg's leaf (cgroup.procs): the fallback where clone3 has no
 * CLONE_INTO_CGROUP. */
int cgroup_enter(const struct cr_cgroup *cg, pid_t pid, struct cr_error *err);

/* update: the controllers of want that the container's cgroup at dirfd lacks, enabled in
 * conti-rootless/ and the delegated cgroup above it where the host delegates them; returns
 * the cgroup's controllers after it (CR_CTL_*). */
unsigned cgroup_enable_missing(int dirfd, unsigned want);

/* Writes res's limits into the cgroup at dirfd (create and `update`): the controllers
 * they need must be enabled; a value the kernel refuses names the file and the value. */
int cgroup_apply(int dirfd, const struct cr_resources *res, unsigned available,
		 struct cr_error *err);

/* Opens the leaf of the container's cgroup at path (a recorded cgroup=, checked), where an
 * exec'd process goes: O_DIRECTORY|O_CLOEXEC, or -1 with errno. */
int cgroup_open_leaf(const char *path);

/* Kills what is left in the cgroup at path (cgroup.kill, else SIGKILL to each of
 * cgroup.procs, its sub-cgroups' too), waits for it to empty (1 s at most) and removes it,
 * its leaf and any sub-cgroup first; 0 if it is gone
 * (or was never there). For rm, the garbage collection and the runner's own exit. */
int cgroup_destroy(const char *path, struct cr_error *err);

/* Closes cg's fd (the directory stays: cgroup_destroy removes it). */
void cgroup_release(struct cr_cgroup *cg);

/* Removes empty cgroups under DELEGATED/conti-rootless whose container is gone (no live
 * process and no state dir claims them): what a crash between create and record left. */
void cgroup_sweep(const struct cr_cgroup_host *h);

#endif
