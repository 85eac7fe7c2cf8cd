/* plan.h - the declarative setup plan of a container.
 *
 * plan_build() turns a configuration and the facts found on the machine into
 * a list of steps (each mount, namespace and pivot as data) without touching
 * the system; mounts_apply() carries each out; --trace prints each as the
 * shell command that does it. The first step, CR_OP_CLONE, is the front end's
 * (inside the user namespace): it starts the container's PID 1 in new
 * namespaces. Every later step runs in that PID 1 before it execs the init
 * helper, so that all mounts live in the container's own mount namespace.
 */
#ifndef CR_PLAN_H
#define CR_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "error.h"
#include "userns.h"

enum cr_op_kind {
	CR_OP_CLONE,	     /* PID 1 starts in new namespaces (nsflags); always the first step */
	CR_OP_LOOPBACK_UP,   /* ip link set lo up */
	CR_OP_MAKE_RPRIVATE, /* mount --make-rprivate / */
	CR_OP_MOUNT_OVERLAY, /* kernel overlayfs of the rootfs at the root mount point */
	CR_OP_MOUNT_FUSE,    /* fuse-overlayfs of the rootfs at the root mount point */
	CR_OP_BIND_ROOTFS,   /* the rootfs itself bound at the root mount point */
	CR_OP_MKDIR,	     /* mkdir -p DST under the root */
	CR_OP_MKFILE,	     /* an empty file at DST, to bind a file over */
	CR_OP_SYMLINK,	     /* ln -s SRC DST */
	CR_OP_ADD_USER,	     /* keep-id: SRC's passwd line, DATA's group line, unless their
				ids have one; mkdir -p DST (the home), owned by them */
	CR_OP_MOUNT,	     /* mount -t FSTYPE -o DATA FSTYPE DST */
	CR_OP_BIND,	     /* mount --rbind SRC DST (read-only with CR_OPF_RDONLY) */
	CR_OP_REMOUNT_RO,    /* mount -o remount,bind,ro DST */
	CR_OP_MASK,	     /* hide DST: an empty read-only tmpfs, or /dev/null over a file */
	CR_OP_READONLY,	     /* mount --bind -o ro DST DST */
	CR_OP_HOSTNAME,	     /* hostname SRC */
	CR_OP_PIVOT_ROOT,    /* pivot_root into the root, old root detached */
	CR_OP_CHDIR,	     /* cd DST */
	CR_OP_LANDLOCK,	     /* Landlock: no abstract unix socket outside the container */
	CR_OP_RLIMIT,	     /* prlimit --pid 1 --TYPE=SOFT:HARD (--ulimit), just before exec */
	CR_OP_EXEC,	     /* exec the init helper, which runs the command (SRC "--in-place":
				which execs it as PID 1, --init=false) */
	/* An OCI container's (cfg->oci, plan-oci.c): */
	CR_OP_PROPAGATION, /* mount --make-PROPAGATION DST (with CR_OPF_PARENT: of the mount
			      that holds DST) */
	CR_OP_MOUNT_FS,	   /* a config.json mount at DST: FSTYPE ("bind": SRC bound, its dir or
			      file made to match) with MFLAGS and DATA, then PROPAGATION; with
			      CR_OPF_FALLBACK the host's SRC of a refused sysfs, mqueue or cgroup
			      bound instead */
	CR_OP_MKNOD,	   /* mknod DST as DATA says ("c MAJOR MINOR MODE UID GID"); where the
			      kernel refuses (a user namespace), the host's node SRC bound on it */
	CR_OP_SYSCTL,	   /* sysctl -w SRC=DATA, through the container's /proc/sys */
	CR_OP_DOMAINNAME,  /* domainname SRC */
	CR_OP_CGROUPNS,	   /* unshare --cgroup: PID 1, in its cgroup's leaf, roots a cgroup
			      namespace there (cgroup/cgroup.h), before its mounts */
};

enum {
	CR_OPF_RDONLY = 1 << 0,	  /* read-only */
	CR_OPF_OPTIONAL = 1 << 1, /* a failure is ignored (e.g. mqueue where refused) */
	CR_OPF_NOSUID = 1 << 2,
	CR_OPF_NODEV = 1 << 3,
	CR_OPF_NOEXEC = 1 << 4,
	CR_OPF_FALLBACK = 1 << 5,   /* overlay: fuse-overlayfs if the kernel refuses */
	CR_OPF_IN_ROOT = 1 << 6,    /* DST is a path inside the container's root */
	CR_OPF_PARENT = 1 << 7,	    /* CR_OP_PROPAGATION: of the mount that holds DST */
	CR_OPF_MISSING_OK = 1 << 8, /* DST missing (ENOENT) is no error: nothing to do */
};

struct cr_op {
	enum cr_op_kind kind;
	unsigned flags;
	unsigned long nsflags; /* CR_OP_CLONE: CLONE_NEW* */
	char *src;	       /* host path, fs source, hostname or symlink target */
	char *dst;	       /* container path (CR_OPF_IN_ROOT) or host path */
	char *fstype;
	char *data;
	unsigned long mflags;	   /* CR_OP_MOUNT_FS: MS_* of its options */
	unsigned long propagation; /* CR_OP_MOUNT_FS, CR_OP_PROPAGATION: MS_SHARED... (|MS_REC) */
	struct cr_rlimit rlimit;   /* CR_OP_RLIMIT */
};

/* Facts about the machine and this container, gathered before planning. */
struct cr_facts {
	const char *rootfs;	   /* absolute, resolved host path ("" for an image) */
	const char *const *lowers; /* an image's layer dirs, top first (image/lookup.h) */
	size_t nlowers;		   /* 0: the rootfs is the one lower dir */
	const char *root_mnt;	   /* where the container's root is assembled */
	const char *upper;	   /* overlay upper and work dirs */
	const char *work;
	const char *hostname;
	enum cr_overlay_mode overlay; /* what auto resolved to (KERNEL, FUSE or NONE) */
	bool overlay_fallback;	      /* kernel overlay may fall back to fuse */
	bool tmp_has_content;	      /* the rootfs's /tmp has entries */
	bool tty_gid_mapped;	      /* gid 5 (tty) is mapped: devpts gets gid=5 */
	const bool *src_is_dir;	      /* per cfg->mounts entry: bind source is a directory */
	bool landlock_scope;	      /* the kernel scopes abstract unix sockets (Landlock 6) */
	const char *netfiles_dir;     /* holds resolv.conf, hosts, hostname (netfiles.h); NULL:
					 none is bound */
	const char *fuse_idmap;	      /* keep-id: fuse-overlayfs's uidmapping=...,gidmapping=... */
	const char *passwd_line;      /* keep-id: your passwd and group entries, added when the */
	const char *group_line;	      /* rootfs has none for your ids; and your home */
	const char *home;
	const char
	    *ping_group_range; /* "L H", every gid mapped: net.ipv4.ping_group_range
				  in a network namespace of the container's own, so that
				  ping's ICMP sockets work; NULL: left as the kernel has it */
	bool cgroupns;	       /* the container has a cgroup of its own: PID 1 unshares a cgroup
				  namespace rooted in it */
};

#define PLAN_MAX_LOWERS 500 /* the lower layers kernel overlayfs takes (OVL_MAX_STACK) */

struct cr_plan {
	struct cr_op *ops;
	size_t n;
	size_t cap; /* ops allocated */
};

/* Builds the plan for cfg from facts; fails only on a configuration the facts rule out. */
int plan_build(const struct cr_config *cfg, const struct cr_facts *facts, struct cr_plan *plan,
	       struct cr_error *err);

/* The plan of an OCI container (cfg->oci; plan_build calls it): config.json's mounts in its
 * order, the runtime spec's default devices and linux.devices, pivot_root, then hostname,
 * domainname, sysctl, readonlyPaths, maskedPaths, the read-only root and cwd. */
int plan_build_oci(const struct cr_config *cfg, const struct cr_facts *facts, struct cr_plan *plan,
		   struct cr_error *err);

/* Appends a step (copies src and dst, either may be NULL) to plan; returns it. */
struct cr_op *plan_add(struct cr_plan *plan, enum cr_op_kind kind, unsigned flags, const char *src,
		       const char *dst);

/* Formats an OCI step (plan-oci.c's kinds) as plan_format_op does; false for another kind. */
bool plan_format_oci_op(const struct cr_op *op, const char *root_mnt, char *buf, size_t len);

/* Frees the plan's steps. */
void plan_free(struct cr_plan *plan);

/* Formats step op as the shell command that does it (root_mnt prefixes container paths). */
void plan_format_op(const struct cr_op *op, const char *root_mnt, char *buf, size_t len);

/* Names the filesystem type f_type when it cannot hold an overlay upper dir
 * (network and FUSE filesystems, overlayfs itself); NULL when it can. */
const char *plan_upper_fs_problem(long f_type);

/* Escapes ',' ':' and '\' for overlayfs mount data; caller frees. */
char *plan_escape_overlay_path(const char *path);

/* The value of overlayfs's lowerdir= for n dirs (top first): each escaped, joined by ':'. */
char *plan_lowerdir(const char *const *dirs, size_t n);

#endif
