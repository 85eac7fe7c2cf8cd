/* mounts.h - carrying out the mount steps of a plan: the rootfs layer (kernel
 * overlayfs, fuse-overlayfs or a bind), /dev, /sys, /proc, volumes, pivot_root.
 * Every target inside the container is resolved under its root (openat2
 * RESOLVE_IN_ROOT), so a symlink in the rootfs cannot lead a mount outside. */
#ifndef CR_MOUNTS_H
#define CR_MOUNTS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"

struct cr_mount_ctx {
	const char *root_mnt; /* host path where the root is assembled */
	int root_fd;	      /* O_PATH of the assembled root; -1 until it is mounted */
	bool trace;
	/* Has fuse-overlayfs mount op's overlay on op->dst and returns once it is mounted:
	 * the daemon must run outside the container's PID namespace, so the front end
	 * starts it (mounts_spawn_fuse) on the container's request. */
	int (*start_fuse)(void *arg, const struct cr_op *op, struct cr_error *err);
	void *fuse_arg;
	bool fell_back; /* the step being applied fell back to fuse-overlayfs (for --trace) */
};

/* Prepares ctx for root_mnt. */
void mounts_ctx_init(struct cr_mount_ctx *ctx, const char *root_mnt, bool trace);

/* Carries out one step of a plan after CR_OP_CLONE, in the container's PID 1. */
int mounts_apply(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err);

/* Closes ctx's descriptors (in the container's PID 1 before exec). */
void mounts_ctx_close(struct cr_mount_ctx *ctx);

/* Opens path (absolute, inside the root) under root_fd with RESOLVE_IN_ROOT. */
int mounts_open_in_root(int root_fd, const char *path, int flags, struct cr_error *err);

/* --ulimit: setrlimit for this process (PID 1 before it execs, an exec'd command before
 * it runs), which what it execs inherits; a hard limit above ours is one line saying so. */
int mounts_set_rlimit(const struct cr_rlimit *r, struct cr_error *err);

/* Makes path (inside the root "/" of the calling process) its working directory, resolved
 * with RESOLVE_IN_ROOT and no magic links, and checks that it is below that root. */
int mounts_chdir_in_root(const char *path, struct cr_error *err);

/* Front end: starts fuse-overlayfs -f for op in a copy of the mount namespace mntns_fd
 * (op->dst must be a shared mount there), in the user namespace userns_fd first when it is
 * not -1 (the container's own: a copy made from another would not pass its mount back), its
 * messages into log_fd, killed if we die; returns its pid or -1. */
pid_t mounts_spawn_fuse(const struct cr_op *op, int userns_fd, int mntns_fd, int log_fd,
			struct cr_error *err);

/* True when path is the root of a FUSE mount. */
bool mounts_is_fuse(const char *path);

/* Fills err with why fuse-overlayfs exited with status before mounting. */
int mounts_fuse_failed(int status, int log_fd, const char *dst, struct cr_error *err);

/* Stops fuse-overlayfs (once the container has exited) and reaps it. */
void mounts_stop_fuse(pid_t pid);

/* Passes overlayfs mount data ("lowerdir=A:B,upperdir=U,...", escaped as the plan writes it)
 * to fsconfig on fsfd: each lower dir as its own "lowerdir+", each flag alone; -1 (errno) at
 * the first the kernel refuses. */
int mounts_overlay_fsconfig(int fsfd, const char *data);

#endif
