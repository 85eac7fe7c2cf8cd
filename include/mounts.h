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
	pid_t fuse_pid;	      /* fuse-overlayfs serving the root, 0 if none */
	bool trace;
};

/* Prepares ctx for root_mnt. */
void mounts_ctx_init(struct cr_mount_ctx *ctx, const char *root_mnt, bool trace);

/* Carries out one mount, directory, link or pivot step of a plan. */
int mounts_apply(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err);

/* Detaches the root and stops fuse-overlayfs (after the container has exited). */
void mounts_teardown(struct cr_mount_ctx *ctx);

/* Closes ctx's descriptors (in the container's PID 1 before exec, and on exit). */
void mounts_ctx_close(struct cr_mount_ctx *ctx);

/* Opens path (absolute, inside the root) under root_fd with RESOLVE_IN_ROOT. */
int mounts_open_in_root(int root_fd, const char *path, int flags, struct cr_error *err);

#endif
