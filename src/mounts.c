/* mounts.c - rootfs layer, /dev, /proc, /sys, volumes and pivot_root. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <grp.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/limits.h"
#include "landlock.h"
#include "mounts.h"
#include "trace.h"
#include "utils.h"

#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC 0x65735546
#endif

void mounts_ctx_init(struct cr_mount_ctx *ctx, const char *root_mnt, bool trace)
{
	ctx->root_mnt = root_mnt;
	ctx->root_fd = -1;
	ctx->trace = trace;
	ctx->start_fuse = NULL;
	ctx->fuse_arg = NULL;
	ctx->fell_back = false;
}

void mounts_ctx_close(struct cr_mount_ctx *ctx)
{
	if (ctx->root_fd >= 0)
		close(ctx->root_fd);
	ctx->root_fd = -1;
}

static int sys_openat2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = {.flags = (unsigned long long)flags | O_CLOEXEC, .resolve = resolve};

	return cr_openat2(dirfd, path, &how);
}

/* The hint for ELOOP from openat2: a magic link on the way (or a symlink loop). */
static int magic_link_hint(struct cr_error *err)
{
	return cr_hint(err, "the path must lead there without /proc magic links "
			    "(/proc/self/fd/N, /proc/PID/cwd) or symlink loops");
}

int mounts_open_in_root(int root_fd, const char *path, int flags, struct cr_error *err)
{
	const char *rel = path;
	int fd;

	while (*rel == '/')
		rel++;
	if (!*rel)
		rel = ".";
	/* No fallback without openat2 (Linux < 5.6): openat would follow an absolute symlink,
	 * or a /proc magic link, out of the root. */
	fd = sys_openat2(root_fd, rel, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0) {
		cr_fail(err, errno, "open %s in the container", path);
		return err->errnum == ELOOP ? magic_link_hint(err) : -1;
	}
	return fd;
}

/* True when dir leads up (by ..) to root: for a path too long for getcwd. */
static bool below_root(int root, int dir)
{
	struct stat r, d, up;
	int cur = dup(dir), next;
	bool found = false;

	if (cur < 0 || fstat(root, &r) < 0)
		goto out;
	while (fstat(cur, &d) == 0) {
		if (d.st_dev == r.st_dev && d.st_ino == r.st_ino) {
			found = true;
			break;
		}
		next = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (next < 0 || fstat(next, &up) < 0 ||
		    (up.st_dev == d.st_dev && up.st_ino == d.st_ino)) {
			if (next >= 0)
				close(next);
			break; /* the top of a tree that is not ours */
		}
		close(cur);
		cur = next;
	}
out:
	if (cur >= 0)
		close(cur);
	return found;
}

int mounts_chdir_in_root(const char *path, struct cr_error *err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int dir = -1;
	char cwd[4096];
	bool inside;

	if (root < 0)
		return cr_fail(err, errno, "open the container's root");
	dir = mounts_open_in_root(root, path, O_PATH | O_DIRECTORY, err);
	if (dir < 0)
		return cr_prefix(err, "working directory");
	if (fchdir(dir) < 0)
		return cr_fail(err, errno, "working directory: cd %s in the container", path);
	/* The kernel's getcwd names a directory outside our root "(unreachable)/...". */
	if (syscall(SYS_getcwd, cwd, sizeof(cwd)) >= 0)
		inside = cwd[0] == '/';
	else /* too long for the buffer: walk up */
		inside = (errno == ERANGE || errno == ENAMETOOLONG) && below_root(root, dir);
	if (!inside) {
		cr_fail(err, 0, "working directory: %s leads outside the container", path);
		return cr_hint(err, "use a directory inside the container");
	}
	return 0;
}

static int root_fd(struct cr_mount_ctx *ctx, struct cr_error *err)
{
	if (ctx->root_fd < 0) {
		ctx->root_fd = open(ctx->root_mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (ctx->root_fd < 0)
			return cr_fail(err, errno, "open %s", ctx->root_mnt);
	}
	return ctx->root_fd;
}

/* mkdir -p of path under the root; returns an O_PATH fd of it. */
static int mkdir_in_root(struct cr_mount_ctx *ctx, const char *path, struct cr_error *err)
{
	cleanup_free char *copy = cr_xstrdup(path);
	int rfd = root_fd(ctx, err), fd;
	char *p;

	if (rfd < 0)
		return -1;
	for (p = copy + 1;; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		fd = sys_openat2(rfd, copy[1] ? copy + 1 : ".", O_PATH | O_DIRECTORY,
				 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		if (fd < 0 && errno == ENOENT) {
			char *slash = strrchr(copy, '/');
			cleanup_close int parent = -1;

			*slash = '\0';
			parent = mounts_open_in_root(rfd, copy[0] ? copy : "/",
						     O_PATH | O_DIRECTORY, err);
			*slash = '/';
			if (parent < 0)
				return -1;
			if (mkdirat(parent, slash + 1, 0755) < 0 && errno != EEXIST)
				return cr_fail(err, errno, "mkdir %s in the container", copy);
			fd = mounts_open_in_root(rfd, copy, O_PATH | O_DIRECTORY, err);
		}
		if (fd < 0) {
			cr_fail(err, errno, "mkdir %s in the container", copy);
			return err->errnum == ELOOP ? magic_link_hint(err) : -1;
		}
		if (last)
			return fd;
		close(fd);
		*p = '/';
	}
}

static int mkfile_in_root_depth(struct cr_mount_ctx *ctx, const char *path, int depth,
				struct cr_error *err);

/* path is a dangling symlink in the directory dfd (its parent dir is dir): creates what it
 * points to, resolved inside the root as runc does (e.g. /etc/resolv.conf ->
 * ../run/systemd/resolve/stub-resolv.conf); -1 when it is not a symlink. */
static int mkfile_link_target(struct cr_mount_ctx *ctx, int dfd, const char *dir, const char *name,
			      int depth, struct cr_error *err)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);
	cleanup_free char *full = NULL;

	if (n <= 0 || depth > 8)
		return -1;
	target[n] = '\0';
	full = target[0] == '/' ? cr_xstrdup(target) : cr_xasprintf("%s/%s", dir, target);
	return mkfile_in_root_depth(ctx, full, depth + 1, err);
}

/* Creates an empty file at path under the root (its parent made as needed). */
static int mkfile_in_root(struct cr_mount_ctx *ctx, const char *path, struct cr_error *err)
{
	return mkfile_in_root_depth(ctx, path, 0, err);
}

static int mkfile_in_root_depth(struct cr_mount_ctx *ctx, const char *path, int depth,
				struct cr_error *err)
{
	cleanup_free char *dir = cr_xstrdup(path);
	char *slash = strrchr(dir, '/');
	cleanup_close int parent = -1;
	int fd;

	*slash = '\0';
	parent = mkdir_in_root(ctx, dir[0] ? dir : "/", err);
	if (parent < 0)
		return -1;
	fd = mounts_open_in_root(ctx->root_fd, path, O_PATH, err);
	if (fd >= 0)
		return fd;
	/* O_PATH descriptors cannot create: reopen the parent as a real directory. */
	{
		cleanup_close int dfd = mounts_open_in_root(ctx->root_fd, dir[0] ? dir : "/",
							    O_RDONLY | O_DIRECTORY, err);
		int nfd;

		if (dfd < 0)
			return -1;
		/* O_EXCL: never open what another process put there meanwhile (a FIFO would
		 * block us; a link is not followed). */
		nfd = openat(dfd, slash + 1, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
			     0644);
		if (nfd < 0 && errno != EEXIST)
			return cr_fail(err, errno, "create %s in the container", path);
		if (nfd >= 0)
			close(nfd);
		else if (mkfile_link_target(ctx, dfd, dir, slash + 1, depth, err) >= 0)
			return mounts_open_in_root(ctx->root_fd, path, O_PATH, err);
	}
	return mounts_open_in_root(ctx->root_fd, path, O_PATH, err);
}

static unsigned long ms_flags(unsigned f)
{
	return (f & CR_OPF_RDONLY ? MS_RDONLY : 0) | (f & CR_OPF_NOSUID ? MS_NOSUID : 0) |
	       (f & CR_OPF_NODEV ? MS_NODEV : 0) | (f & CR_OPF_NOEXEC ? MS_NOEXEC : 0);
}

static void fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

static int do_mount(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	cleanup_close int fd = mkdir_in_root(ctx, op->dst, err);
	char target[64];

	if (fd < 0)
		return -1;
	fd_path(fd, target, sizeof(target));
	if (mount(op->src, target, op->fstype, ms_flags(op->flags), op->data) < 0)
		return cr_fail(err, errno, "mount %s on %s", op->fstype, op->dst);
	return 0;
}

static int do_bind(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	struct mount_attr attr = {.attr_set = 0};
	cleanup_close int target = -1;
	cleanup_close int tree = -1;

	target = mounts_open_in_root(root_fd(ctx, err), op->dst, O_PATH, err);
	if (target < 0)
		return -1;
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, op->src,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return cr_fail(err, errno, "bind %s", op->src);
	attr.attr_set = (op->flags & CR_OPF_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
			(op->flags & CR_OPF_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
			(op->flags & CR_OPF_NODEV ? MOUNT_ATTR_NODEV : 0);
	if (attr.attr_set && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE,
				     &attr, sizeof(attr)) < 0)
		return cr_fail(err, errno, "set the flags of the bind mount of %s", op->src);
	if (syscall(SYS_move_mount, tree, "", target, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cr_fail(err, errno, "bind %s on %s", op->src, op->dst);
	return 0;
}

/* Hides dst: an empty read-only tmpfs over a directory, /dev/null over a file. */
static int do_mask(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	cleanup_close int fd = mounts_open_in_root(root_fd(ctx, err), op->dst, O_PATH, err);
	char target[64];
	struct stat st;

	if (fd < 0)
		return -1;
	fd_path(fd, target, sizeof(target));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "size=0,mode=000") < 0)
			return cr_fail(err, errno, "mask %s", op->dst);
		return 0;
	}
	if (mount("/dev/null", target, NULL, MS_BIND, NULL) < 0)
		return cr_fail(err, errno, "mask %s", op->dst);
	return 0;
}

/* Makes dst a read-only bind mount of itself (and what is mounted below it). */
static int do_readonly(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	struct mount_attr attr = {.attr_set =
				      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
	cleanup_close int target = mounts_open_in_root(root_fd(ctx, err), op->dst, O_PATH, err);
	cleanup_close int tree = -1;

	if (target < 0)
		return -1;
	tree = (int)syscall(SYS_open_tree, target, "",
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0 ||
	    syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
		    sizeof(attr)) < 0 ||
	    syscall(SYS_move_mount, tree, "", target, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cr_fail(err, errno, "make %s read-only", op->dst);
	return 0;
}

/* Removes ",opt" from the mount options data, in place. */
static void drop_option(char *data, const char *opt)
{
	char *x = strstr(data, opt);

	if (x)
		memmove(x, x + strlen(opt), strlen(x + strlen(opt)) + 1);
}

/* The next piece of *p up to an unescaped sep (overlayfs escapes ',' ':' '\\' with '\\');
 * NULL at the end. The piece keeps its escapes. */
static char *next_piece(char **p, char sep)
{
	char *start = *p, *c;

	if (!start)
		return NULL;
	for (c = start; *c && *c != sep; c++) {
		if (*c == '\\' && c[1])
			c++;
	}
	*p = *c ? c + 1 : NULL;
	*c = '\0';
	return start;
}

static void unescape_piece(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1])
			s++;
		*o++ = *s;
	}
	*o = '\0';
}

int mounts_overlay_fsconfig(int fsfd, const char *data)
{
	cleanup_free char *copy = cr_xstrdup(data);
	char *cursor = copy, *opt;

	while ((opt = next_piece(&cursor, ','))) {
		char *value = strchr(opt, '=');
		int ret = 0;

		if (value)
			*value++ = '\0';
		if (!value) {
			ret = (int)syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
		} else if (!strcmp(opt, "lowerdir")) {
			/* one layer a call: no page limit on the list */
			char *layer;

			while (ret == 0 && (layer = next_piece(&value, ':'))) {
				unescape_piece(layer);
				ret = (int)syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING,
						   "lowerdir+", layer, 0);
			}
		} else {
			unescape_piece(value);
			ret = (int)syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, opt, value, 0);
		}
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* An overlay whose options pass mount(2)'s one page: the new mount API, a lower layer per
 * fsconfig "lowerdir+" (Linux 6.8). */
static int mount_overlay_long(const struct cr_op *op, struct cr_error *err)
{
	cleanup_close int fsfd = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	cleanup_close int mfd = -1;
	size_t layers = 1;

	for (const char *c = strstr(op->data, "lowerdir="); c && *c && *c != ','; c++)
		layers += *c == ':' && c[-1] != '\\';
	if (fsfd < 0 || mounts_overlay_fsconfig(fsfd, op->data) < 0 ||
	    syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		cr_fail(err, errno,
			"mount kernel overlayfs on %s: its options (%zu lower layers) pass "
			"mount(2)'s limit of one page (%ld bytes), and the kernel's mount API "
			"takes no layer a call (\"lowerdir+\" needs Linux 6.8)",
			op->dst, layers, sysconf(_SC_PAGESIZE));
		return cr_hint(err, "squash the image (commit a container made from it), or "
				    "use a shorter XDG_DATA_HOME");
	}
	mfd = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0 ||
	    syscall(SYS_move_mount, mfd, "", AT_FDCWD, op->dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return cr_fail(err, errno, "mount kernel overlayfs on %s", op->dst);
	return 0;
}

static int mount_overlay(const struct cr_op *op, struct cr_error *err)
{
	cleanup_free char *data = NULL;

	if (strlen(op->data) >= (size_t)sysconf(_SC_PAGESIZE))
		return mount_overlay_long(op, err);
	if (mount("overlay", op->dst, "overlay", 0, op->data) == 0)
		return 0;
	if (errno == EINVAL && strstr(op->data, ",volatile")) {
		/* Before Linux 5.10 overlayfs has no volatile: the layer is synced, that is all. */
		data = cr_xstrdup(op->data);
		drop_option(data, ",volatile");
		if (mount("overlay", op->dst, "overlay", 0, data) == 0)
			return 0;
	}
	return cr_fail(err, errno, "mount kernel overlayfs on %s", op->dst);
}

bool mounts_is_fuse(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && (unsigned long)sfs.f_type == FUSE_SUPER_MAGIC;
}

/* fuse-overlayfs options from the step's: a kernel overlay step (falling back) carries
 * "userxattr" and maybe "volatile", which fuse-overlayfs does not know. */
static char *fuse_options(const struct cr_op *op)
{
	char *data = cr_xasprintf("%s,allow_other", op->data);

	drop_option(data, ",userxattr");
	drop_option(data, ",volatile");
	return data;
}

pid_t mounts_spawn_fuse(const struct cr_op *op, int userns_fd, int mntns_fd, int log_fd,
			struct cr_error *err)
{
	cleanup_free char *data = fuse_options(op);
	pid_t pid = fork();

	if (pid < 0)
		return cr_fail(err, errno, "fork");
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (log_fd >= 0)
			dup2(log_fd, 2);
		/* A copy of the container's mount namespace: its pivot_root must not move our
		 * root, and the mount point is shared, so the mount reaches the container. */
		/* as its root: with our own uid (not 0 there) the exec would drop every
		 * capability, and the daemon could not mount */
		if (userns_fd >= 0 &&
		    (setns(userns_fd, CLONE_NEWUSER) < 0 || setgroups(0, NULL) < 0 ||
		     setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0 ||
		     prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)) {
			fprintf(stderr, "join the container's user namespace: %s\n",
				strerror(errno));
			_exit(125);
		}
		if (setns(mntns_fd, CLONE_NEWNS) < 0 || unshare(CLONE_NEWNS) < 0) {
			fprintf(stderr, "join the container's mount namespace: %s\n",
				strerror(errno));
			_exit(125);
		}
		execlp("fuse-overlayfs", "fuse-overlayfs", "-f", "-o", data, op->dst, (char *)NULL);
		fprintf(stderr, "%s\n", strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	return pid;
}

int mounts_fuse_failed(int status, int log_fd, const char *dst, struct cr_error *err)
{
	char said[256] = "";
	ssize_t n = log_fd >= 0 ? pread(log_fd, said, sizeof(said) - 1, 0) : 0;

	said[n > 0 ? n : 0] = '\0';
	said[strcspn(said, "\n")] = '\0';
	cr_fail(err, 0, "fuse-overlayfs failed (exit %d) on %s%s%s",
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), dst,
		said[0] ? ": " : "", said);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return cr_hint(err, "install it: sudo apt install fuse-overlayfs");
	return cr_hint(err, "check that /dev/fuse is usable (mode 0666), or use --overlay=kernel "
			    "or --overlay=none");
}

void mounts_stop_fuse(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static int mount_fuse(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	if (!ctx->start_fuse)
		return cr_fail(err, ENOTSUP, "fuse-overlayfs cannot be started from here");
	return ctx->start_fuse(ctx->fuse_arg, op, err);
}

static int do_rootfs(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	int ret;

	mounts_ctx_close(ctx);
	switch (op->kind) {
	case CR_OP_MOUNT_OVERLAY:
		ret = mount_overlay(op, err);
		if (ret < 0 && (op->flags & CR_OPF_FALLBACK)) {
			char line[1200];

			cr_error_format(err, line, sizeof(line));
			cr_warn("%s; using fuse-overlayfs instead", line);
			ctx->fell_back = true;
			ret = mount_fuse(op, ctx, err);
		}
		return ret;
	case CR_OP_MOUNT_FUSE:
		return mount_fuse(op, ctx, err);
	default:
		if (mount(op->src, op->dst, NULL, MS_BIND | MS_REC, NULL) < 0)
			return cr_fail(err, errno, "bind %s on %s", op->src, op->dst);
		return 0;
	}
}

/* The flags a read-only remount must keep: the kernel refuses to drop locked ones. */
static unsigned long kept_flags(const char *path)
{
	struct statvfs vfs;
	unsigned long f = 0;

	if (statvfs(path, &vfs) < 0)
		return 0;
	f |= vfs.f_flag & ST_NOSUID ? MS_NOSUID : 0;
	f |= vfs.f_flag & ST_NODEV ? MS_NODEV : 0;
	f |= vfs.f_flag & ST_NOEXEC ? MS_NOEXEC : 0;
	f |= vfs.f_flag & ST_NOATIME ? MS_NOATIME : 0;
	f |= vfs.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0;
	f |= vfs.f_flag & ST_RELATIME ? MS_RELATIME : 0;
	return f;
}

static int pivot(const char *root, struct cr_error *err)
{
	cleanup_close int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fchdir(fd) < 0)
		return cr_fail(err, errno, "enter %s", root);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return cr_fail(err, errno, "pivot_root into %s", root);
	if (umount2(".", MNT_DETACH) < 0)
		return cr_fail(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return cr_fail(err, errno, "chdir /");
	return 0;
}

static int symlink_in_root(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	cleanup_free char *dir = cr_xstrdup(op->dst);
	char *slash = strrchr(dir, '/');
	cleanup_close int parent = -1;
	cleanup_close int dfd = -1;

	*slash = '\0';
	parent = mkdir_in_root(ctx, dir[0] ? dir : "/", err);
	if (parent < 0)
		return -1;
	dfd = mounts_open_in_root(ctx->root_fd, dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY, err);
	if (dfd < 0)
		return -1;
	if (symlinkat(op->src, dfd, slash + 1) < 0 && errno != EEXIST)
		return cr_fail(err, errno, "symlink %s in the container", op->dst);
	return 0;
}

/* True when text (n bytes) has a line whose third ':' field is id (a passwd or group
 * entry for that id). */
static bool has_id(const char *text, size_t n, const char *id, size_t idlen)
{
	for (size_t at = 0; at < n;) {
		const char *line = text + at, *nl = memchr(line, '\n', n - at);
		size_t len = nl ? (size_t)(nl - line) : n - at;
		const char *f = line;

		for (int colons = 0; colons < 2 && f; colons++) {
			f = memchr(f, ':', len - (size_t)(f - line));
			f = f ? f + 1 : NULL;
		}
		if (f && (size_t)(line + len - f) >= idlen && !memcmp(f, id, idlen) &&
		    (f + idlen == line + len || f[idlen] == ':'))
			return true;
		at += len + 1;
	}
	return false;
}

/* Appends entry ("name:x:ID:...\n") to file in the root unless a line there has its ID. The
 * file is the container's: opened without following a link out of the root, a regular file
 * of at most 4 MiB, or left alone. */
static int add_entry(struct cr_mount_ctx *ctx, const char *file, const char *entry,
		     struct cr_error *err)
{
	const char *id = strchr(strchr(entry, ':') + 1, ':') + 1;
	cleanup_close int fd = -1;
	cleanup_free char *text = NULL;
	struct stat st;
	ssize_t n;

	if (mkfile_in_root(ctx, file, err) < 0)
		return -1;
	fd = mounts_open_in_root(ctx->root_fd, file,
				 O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, err);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (4 << 20)) {
		cr_fail(err, 0, "%s in the container is not a regular file of at most 4 MiB", file);
		return cr_hint(err, "fix the rootfs's %s, or run without --userns=keep-id", file);
	}
	text = cr_xmalloc((size_t)st.st_size + 1);
	n = cr_read_all(fd, text, (size_t)st.st_size);
	if (n < 0)
		return cr_fail(err, errno, "read %s in the container", file);
	if (has_id(text, (size_t)n, id, strcspn(id, ":")))
		return 0;
	/* a last line without its newline gets one first */
	if ((n > 0 && text[n - 1] != '\n' && cr_write_all(fd, "\n", 1) < 0) ||
	    cr_write_all(fd, entry, strlen(entry)) < 0)
		return cr_fail(err, errno, "add your entry to %s in the container", file);
	return 0;
}

/* keep-id: your passwd and group entries where the rootfs lacks them, and your home. */
static int add_user(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	const char *ids = strchr(strchr(op->src, ':') + 1, ':') + 1;
	unsigned long uid = strtoul(ids, NULL, 10);
	unsigned long gid = strtoul(strchr(ids, ':') + 1, NULL, 10);
	cleanup_close int home = -1;
	struct cr_error ignored;

	if (add_entry(ctx, "/etc/passwd", op->src, err) < 0 ||
	    add_entry(ctx, "/etc/group", op->data, err) < 0)
		return -1;
	home = mounts_open_in_root(ctx->root_fd, op->dst, O_PATH, &ignored);
	if (home >= 0)
		return 0; /* the rootfs's own: left as it is */
	home = mkdir_in_root(ctx, op->dst, err);
	if (home < 0)
		return -1;
	if (fchownat(home, "", (uid_t)uid, (gid_t)gid, AT_EMPTY_PATH) < 0)
		return cr_fail(err, errno, "chown %s in the container", op->dst);
	return 0;
}

/* --- an OCI container's steps (plan-oci.c) --- */

/* mount_setattr's flags for MS_* ones (the access time mode replaced when one is given). */
static void mount_attrs(unsigned long mflags, struct mount_attr *attr)
{
	attr->attr_set = (mflags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
			 (mflags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
			 (mflags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) |
			 (mflags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0) |
			 (mflags & MS_NODIRATIME ? MOUNT_ATTR_NODIRATIME : 0);
	if (mflags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) {
		attr->attr_clr |= MOUNT_ATTR__ATIME;
		attr->attr_set |= mflags & MS_NOATIME	    ? MOUNT_ATTR_NOATIME
				  : mflags & MS_STRICTATIME ? MOUNT_ATTR_STRICTATIME
							    : MOUNT_ATTR_RELATIME;
	}
}

/* mount_setattr of attr on the detached tree. A user namespace cannot change the access
 * time mode of a mount it got from a more privileged one (locked): that mode is kept, as
 * runc (1.1.8 on) keeps locked flags, and the other options still set. */
static int set_bind_attrs(int tree, bool rec, struct mount_attr *attr)
{
	unsigned flags = AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0);

	if (!attr->attr_set && !attr->attr_clr)
		return 0;
	if (syscall(SYS_mount_setattr, tree, "", flags, attr, sizeof(*attr)) == 0)
		return 0;
	if (errno != EPERM || !(attr->attr_clr & MOUNT_ATTR__ATIME))
		return -1;
	attr->attr_clr &= ~(unsigned long long)MOUNT_ATTR__ATIME;
	attr->attr_set &= ~(unsigned long long)MOUNT_ATTR__ATIME;
	if (!attr->attr_set && !attr->attr_clr)
		return 0;
	return (int)syscall(SYS_mount_setattr, tree, "", flags, attr, sizeof(*attr));
}

/* Binds the host's src (recursively with rec) on dst in the root, made a directory or a
 * file as src is; mflags (ro, nosuid, ...) set on the new mount, and on all of it with rec. */
static int bind_in_root(struct cr_mount_ctx *ctx, const char *src, const char *dst, bool rec,
			unsigned long mflags, struct cr_error *err)
{
	struct mount_attr attr = {0};
	cleanup_close int target = -1;
	cleanup_close int tree = -1;
	struct stat st;

	if (stat(src, &st) < 0)
		return cr_fail(err, errno, "bind %s on %s", src, dst);
	target = S_ISDIR(st.st_mode) ? mkdir_in_root(ctx, dst, err) : mkfile_in_root(ctx, dst, err);
	if (target < 0)
		return -1;
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, src,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
	if (tree < 0)
		return cr_fail(err, errno, "bind %s", src);
	mount_attrs(mflags, &attr);
	if (set_bind_attrs(tree, rec, &attr) < 0)
		return cr_fail(err, errno, "set the options of the bind mount of %s on %s", src,
			       dst);
	if (syscall(SYS_move_mount, tree, "", target, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cr_fail(err, errno, "bind %s on %s", src, dst);
	return 0;
}

/* Sets the propagation of the mount at dst in the root (opened again: the new mount). */
static int propagate_in_root(struct cr_mount_ctx *ctx, const char *dst, unsigned long prop,
			     struct cr_error *err)
{
	cleanup_close int fd = mounts_open_in_root(root_fd(ctx, err), dst, O_PATH, err);
	char target[64];

	if (fd < 0)
		return -1;
	fd_path(fd, target, sizeof(target));
	if (mount(NULL, target, NULL, prop, NULL) < 0)
		return cr_fail(err, errno, "set the propagation of %s", dst);
	return 0;
}

/* A cgroup mount on a cgroup v2 host is a cgroup2 one, as runc makes it. */
static const char *fs_type(const char *fstype)
{
	struct statfs sfs;

	if (!strcmp(fstype, "cgroup") && statfs("/sys/fs/cgroup", &sfs) == 0 &&
	    (unsigned long)sfs.f_type == CGROUP2_SUPER_MAGIC)
		return "cgroup2";
	return fstype;
}

/* dst in the root as a directory that is no symlink (proc and sysfs, as runc wants them): a
 * link there would put them elsewhere than the later steps (masked and read-only paths,
 * sysctl) look for them, and a link in a volume shared with another container may change
 * between those steps (runc's CVE-2019-19921). */
static int plain_dir_in_root(struct cr_mount_ctx *ctx, const char *dst, const char *type,
			     struct cr_error *err)
{
	int rfd = root_fd(ctx, err), fd;
	const char *rel = dst;

	if (rfd < 0)
		return -1;
	while (*rel == '/')
		rel++;
	fd = sys_openat2(rfd, *rel ? rel : ".", O_PATH | O_DIRECTORY | O_NOFOLLOW,
			 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0) {
		cr_fail(err, errno,
			"mount %s on %s: it must be an ordinary directory, not a symlink", type,
			dst);
		return cr_hint(err, "remove the link %s from the root", dst);
	}
	return fd;
}

static int mount_fs(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	const char *type = fs_type(op->fstype);
	char target[64];
	int r;

	if (!strcmp(op->fstype, "bind")) {
		r = bind_in_root(ctx, op->src, op->dst, op->mflags & MS_REC, op->mflags, err);
	} else {
		cleanup_close int fd = mkdir_in_root(ctx, op->dst, err);

		if (fd >= 0 && (!strcmp(type, "proc") || !strcmp(type, "sysfs"))) {
			close(fd);
			fd = plain_dir_in_root(ctx, op->dst, type, err);
		}
		if (fd < 0)
			return -1;
		fd_path(fd, target, sizeof(target));
		r = mount((op->flags & CR_OPF_FALLBACK) ? type : op->src, target, type,
			  op->mflags & ~(MS_BIND | MS_REC), op->data);
		if (r < 0) {
			cr_fail(err, errno, "mount %s on %s", type, op->dst);
			/* A user namespace that does not own the network (IPC) namespace
			 * gets no sysfs (mqueue) of its own, nor a cgroup v1 hierarchy: the
			 * host's, bound, as runc does. */
			if (op->flags & CR_OPF_FALLBACK) {
				ctx->fell_back = true;
				r = bind_in_root(ctx, op->src, op->dst, true, op->mflags, err);
			}
		}
	}
	if (r < 0)
		return -1;
	if (op->propagation)
		return propagate_in_root(ctx, op->dst, op->propagation, err);
	return 0;
}

/* The mount point that holds path (path itself when it is one). */
static int set_parent_propagation(const char *path, unsigned long prop, struct cr_error *err)
{
	cleanup_free char *p = cr_xstrdup(path);
	bool is_root = false;

	while (strcmp(p, "/")) {
		char *slash;

		if (cr_mount_info_at(AT_FDCWD, p, NULL, &is_root) < 0)
			return cr_fail(err, errno, "find the mount that holds %s", path);
		if (is_root)
			break;
		slash = strrchr(p, '/');
		if (slash == p)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (mount(NULL, p, NULL, prop, NULL) < 0)
		return cr_fail(err, errno, "set the propagation of %s (holding %s)", p, path);
	return 0;
}

static int do_propagation(const struct cr_op *op, struct cr_error *err)
{
	if (op->flags & CR_OPF_PARENT)
		return set_parent_propagation(op->dst, op->propagation, err);
	if (mount(NULL, op->dst, NULL, op->propagation, NULL) < 0)
		return cr_fail(err, errno, "set the propagation of %s", op->dst);
	return 0;
}

/* mknod of op's device at dst in the root; where the kernel refuses (a user namespace),
 * the host's node src bound on an empty file there, as runc does. */
static int do_mknod(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	cleanup_free char *dir = cr_xstrdup(op->dst);
	char *slash = strrchr(dir, '/'), type;
	cleanup_close int parent = -1;
	cleanup_close int dfd = -1;
	unsigned long major, minor;
	unsigned mode, uid, gid;
	struct stat st;
	mode_t fmt;

	if (sscanf(op->data, "%c %lu %lu %o %u %u", &type, &major, &minor, &mode, &uid, &gid) != 6)
		return cr_fail(err, EINVAL, "internal error: device %s", op->dst);
	fmt = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
	*slash = '\0';
	parent = mkdir_in_root(ctx, dir[0] ? dir : "/", err);
	if (parent < 0)
		return -1;
	dfd = mounts_open_in_root(ctx->root_fd, dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY, err);
	if (dfd < 0)
		return -1;
	if (mknodat(dfd, slash + 1, fmt | (mode & 07777),
		    fmt == S_IFIFO ? 0 : makedev(major, minor)) == 0) {
		if (fchownat(dfd, slash + 1, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(dfd, slash + 1, mode & 07777, 0) < 0)
			return cr_fail(err, errno, "chown or chmod the device %s", op->dst);
		return 0;
	}
	if (errno == EEXIST)
		return 0; /* the rootfs's own node, as runc leaves it */
	if (errno != EPERM || fmt == S_IFIFO)
		return cr_fail(err, errno, "mknod %s in the container", op->dst);
	/* Only the very device is bound: never another kind of file at that host path. */
	if (stat(op->src, &st) < 0 || (st.st_mode & S_IFMT) != fmt ||
	    st.st_rdev != makedev(major, minor)) {
		cr_fail(err, EPERM,
			"device %s (%c %lu:%lu): mknod is refused here (a user namespace) and the "
			"host's %s is not that device to bind",
			op->dst, type, major, minor, op->src);
		return cr_hint(err, "run as real root, or give a device the host has");
	}
	return bind_in_root(ctx, op->src, op->dst, false, 0, err);
}

/* sysctl -w key=value through the container's /proc/sys (its namespaces' values). */
static int do_sysctl(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	cleanup_free char *path = cr_xasprintf("/proc/sys/%s", op->src);
	cleanup_close int fd = -1;

	for (char *c = path + 10; *c; c++)
		*c = *c == '.' ? '/' : *c;
	fd = mounts_open_in_root(root_fd(ctx, err), path, O_WRONLY | O_NOCTTY | O_NOFOLLOW, err);
	if (fd < 0)
		return cr_prefix(err, "sysctl %s", op->src);
	if (cr_write_all(fd, op->data, strlen(op->data)) < 0)
		return cr_fail(err, errno, "sysctl %s=%s", op->src, op->data);
	return 0;
}

static int loopback_up(struct cr_error *err)
{
	cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	if (s < 0)
		return cr_fail(err, errno, "socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return cr_fail(err, errno, "read the flags of lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return cr_fail(err, errno, "bring lo up");
	return 0;
}

/* A hard limit above the caller's needs CAP_SYS_RESOURCE in the host's user namespace,
 * which no rootless container has: said with the caller's limit. */
int mounts_set_rlimit(const struct cr_rlimit *r, struct cr_error *err)
{
	struct rlimit now, want = {.rlim_cur = (rlim_t)r->soft, .rlim_max = (rlim_t)r->hard};
	char spec[96], cur[24];

	limits_format_ulimit(r, spec, sizeof(spec));
	if (setrlimit(r->resource, &want) == 0)
		return 0;
	if (errno != EPERM || getrlimit(r->resource, &now) < 0 ||
	    (now.rlim_max != RLIM_INFINITY && want.rlim_max <= now.rlim_max))
		return cr_fail(err, errno, "--ulimit %s", spec); /* nofile above fs.nr_open */
	if (now.rlim_max == RLIM_INFINITY)
		snprintf(cur, sizeof(cur), "unlimited");
	else
		snprintf(cur, sizeof(cur), "%llu", (unsigned long long)now.rlim_max);
	cr_fail(err, 0,
		"--ulimit %s: the hard limit is above yours (%s); raising it needs "
		"CAP_SYS_RESOURCE on the host",
		spec, cur);
	return cr_hint(err,
		       "give a hard limit of at most %s, or raise yours first (as root, "
		       "limits.conf)",
		       cur);
}

static int apply(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	int fd;

	switch (op->kind) {
	case CR_OP_LOOPBACK_UP:
		return loopback_up(err);
	case CR_OP_MAKE_RPRIVATE:
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			return cr_fail(err, errno, "make / private");
		return 0;
	case CR_OP_MOUNT_OVERLAY:
	case CR_OP_MOUNT_FUSE:
	case CR_OP_BIND_ROOTFS:
		return do_rootfs(op, ctx, err);
	case CR_OP_MKDIR:
		fd = mkdir_in_root(ctx, op->dst, err);
		break;
	case CR_OP_MKFILE:
		fd = mkfile_in_root(ctx, op->dst, err);
		break;
	case CR_OP_SYMLINK:
		return symlink_in_root(op, ctx, err);
	case CR_OP_ADD_USER:
		return add_user(op, ctx, err);
	case CR_OP_MOUNT:
		return do_mount(op, ctx, err);
	case CR_OP_BIND:
		return do_bind(op, ctx, err);
	case CR_OP_MASK:
		return do_mask(op, ctx, err);
	case CR_OP_READONLY:
		return do_readonly(op, ctx, err);
	case CR_OP_REMOUNT_RO:
		if (mount(NULL, op->dst, NULL,
			  MS_REMOUNT | MS_BIND | MS_RDONLY | kept_flags(op->dst), NULL) < 0)
			return cr_fail(err, errno, "make / read-only");
		return 0;
	case CR_OP_HOSTNAME:
		if (sethostname(op->src, strlen(op->src)) < 0)
			return cr_fail(err, errno, "set the hostname to %s", op->src);
		return 0;
	case CR_OP_PIVOT_ROOT:
		mounts_ctx_close(ctx);
		if (pivot(op->dst, err) < 0)
			return -1;
		ctx->root_mnt = "/"; /* later steps in the root are beneath the new "/" */
		return 0;
	case CR_OP_PROPAGATION:
		return do_propagation(op, err);
	case CR_OP_MOUNT_FS:
		return mount_fs(op, ctx, err);
	case CR_OP_MKNOD:
		return do_mknod(op, ctx, err);
	case CR_OP_SYSCTL:
		return do_sysctl(op, ctx, err);
	case CR_OP_DOMAINNAME:
		if (setdomainname(op->src, strlen(op->src)) < 0)
			return cr_fail(err, errno, "set the domain name to %s", op->src);
		return 0;
	case CR_OP_CHDIR:
		return mounts_chdir_in_root(op->dst, err);
	case CR_OP_LANDLOCK:
		return landlock_scope_abstract_unix(err);
	case CR_OP_RLIMIT:
		return mounts_set_rlimit(&op->rlimit, err);
	default:
		return cr_fail(err, EINVAL, "internal error: step %d is not a mount step",
			       (int)op->kind);
	}
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int mounts_apply(const struct cr_op *op, struct cr_mount_ctx *ctx, struct cr_error *err)
{
	unsigned long long t0 = cr_now_ns();
	char line[4096];
	struct cr_op done = *op;
	int ret;

	ctx->fell_back = false;
	ret = apply(op, ctx, err);
	if (ret < 0 && (op->flags & CR_OPF_OPTIONAL))
		ret = 0;
	else if (ret < 0 && (op->flags & CR_OPF_MISSING_OK) &&
		 (err->errnum == ENOENT || err->errnum == ENOTDIR))
		ret = 0;
	else if (ret < 0)
		return -1;
	if (ctx->trace) {
		/* What was done: fuse-overlayfs when the kernel refused the overlay. */
		if (ctx->fell_back && op->kind == CR_OP_MOUNT_FS) {
			/* the host's, bound: what the kernel refused is said */
			trace_step(true, t0, "# the kernel refused %s on %s: %s", op->fstype,
				   op->dst, strerror(err->errnum));
			done.fstype = (char *)"bind";
			done.mflags |= MS_BIND | MS_REC;
			done.flags &= ~(unsigned)CR_OPF_FALLBACK;
		} else if (ctx->fell_back) {
			done.kind = CR_OP_MOUNT_FUSE;
		}
		plan_format_op(&done, ctx->root_mnt, line, sizeof(line));
		trace_step(true, t0, "%s", line);
	}
	return ret;
}
