/* copy.c - cp between the host and a container.
 *
 * The host side is opened first, as the caller, in the host's namespaces. Then the command
 * enters the container's: a running (or created) one's user and mount namespaces through
 * its verified PID 1 (as exec does), or, for a stopped one, the keeper's, where it mounts
 * the container's layer (overlayfs, whose whiteouts and opaque dirs then count, as they do
 * when it runs) and its volumes in a mount namespace of its own, holding the container's
 * locks so that no start mounts the layer meanwhile. There it is root of the container's
 * user namespace: what it writes belongs to the container's root (the caller on the host),
 * it reads every file of the container. The container path is resolved under the root with
 * RESOLVE_IN_ROOT and no magic links; every entry below it is opened relative to its parent
 * dir without following a link, so that a link in the container (or one it swaps in while
 * we copy) never leads outside. Regular files, dirs and links are copied with their mode
 * (setuid and setgid dropped on the host) and times; a device, FIFO or socket is refused
 * (skipped, with a warning, inside a dir); a file is copied up to the size it had when
 * opened, so that a file the container keeps growing does not make cp run forever.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "copy.h"
#include "image/lookup.h"
#include "keeper.h"
#include "lifecycle.h"
#include "mounts.h"
#include "plan.h"
#include "utils.h"

#define COPY_MAX_DEPTH 200 /* three descriptors a level: within the default 1024 */

/* ---- the arguments ---- */

/* NAME:PATH into name and path (1), a host path (0); -1 with err for bad syntax. */
static int split_arg(const char *arg, char **name, char **path, struct cr_error *err)
{
	const char *colon = strchr(arg, ':');
	char cut[CR_CUT_SIZE];

	if (!strcmp(arg, "-")) {
		cr_fail(err, 0, "cp with - (a tar stream) is not supported");
		return cr_hint(err, "give a file or directory path");
	}
	if (!*arg) {
		cr_fail(err, 0, "cp needs non-empty paths");
		return cr_hint(err, "usage: conti-rootless cp NAME:SRC DEST, or cp SRC NAME:DEST");
	}
	if (arg[0] == '/' || arg[0] == '.' || !colon || memchr(arg, '/', (size_t)(colon - arg)))
		return 0;
	*name = strndup(arg, (size_t)(colon - arg));
	if (!*name || state_validate_name(*name, err) < 0)
		return -1;
	if (!colon[1]) {
		cr_fail(err, 0, "no path after the container name in '%s'",
			cr_cut(arg, cut, sizeof(cut)));
		return cr_hint(err, "write it as NAME:/path/in/container");
	}
	*path = colon[1] == '/' ? cr_xstrdup(colon + 1) : cr_xasprintf("/%s", colon + 1);
	return 1;
}

int copy_parse_args(const char *src, const char *dst, struct cr_copy_spec *c, struct cr_error *err)
{
	char *sname = NULL, *spath = NULL, *dname = NULL, *dpath = NULL;
	int s, d;

	memset(c, 0, sizeof(*c));
	s = split_arg(src, &sname, &spath, err);
	d = s < 0 ? -1 : split_arg(dst, &dname, &dpath, err);
	if (s >= 0 && d >= 0 && s == d) {
		if (s) {
			cr_fail(err, 0, "cp between two containers is not supported");
			cr_hint(err, "copy to the host first, then into the other container");
		} else {
			cr_fail(err, 0,
				"cp needs one container path (NAME:PATH), got two host paths");
			cr_hint(err, "usage: conti-rootless cp NAME:SRC DEST, or cp SRC NAME:DEST");
		}
		s = -1;
	}
	if (s < 0 || d < 0) {
		free(sname), free(spath), free(dname), free(dpath);
		return -1;
	}
	c->into = d == 1;
	c->name = c->into ? dname : sname;
	c->cpath = c->into ? dpath : spath;
	c->hpath = cr_xstrdup(c->into ? src : dst);
	return 0;
}

void copy_spec_free(struct cr_copy_spec *c)
{
	free(c->name);
	free(c->cpath);
	free(c->hpath);
}

/* ---- opening paths on either side ---- */

/* Opens path on the host (root < 0) or in the container under root. */
static int open_side(int root, const char *path, int flags, struct cr_error *err)
{
	int fd;

	if (root >= 0)
		return mounts_open_in_root(root, path, flags, err);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		cr_fail(err, errno, "%s", path);
	return fd;
}

/* The last component of path ("" for /, a trailing slash, . or ..): the name a copy gets. */
static char *last_name(const char *path)
{
	cleanup_free char *copy = cr_xstrdup(path);
	size_t n = strlen(copy);
	char *base;

	if (n && copy[n - 1] == '/')
		return cr_xstrdup("");
	base = basename(copy);
	if (!strcmp(base, ".") || !strcmp(base, "..") || !strcmp(base, "/"))
		return cr_xstrdup("");
	return cr_xstrdup(base);
}

static char *parent_of(const char *path)
{
	cleanup_free char *copy = cr_xstrdup(path);

	return cr_xstrdup(dirname(copy));
}

/* The source: either a parent dir and a name (its last component looked at, not followed),
 * or, with follow or a path ending in /, ., .., the object the whole path leads to (name
 * ""). */
struct source {
	int dir;      /* the parent; or the object itself, O_PATH */
	char *name;   /* "" for the object itself */
	char *path;   /* for messages and reopening */
	char *copied; /* the name the copy gets ("": the dir's contents) */
	int root;     /* the container's root, -1 on the host */
	int file;     /* a followed regular file, opened for reading; -1 */
};

static int open_source(int root, const char *path, bool follow, struct source *s,
		       struct cr_error *err)
{
	s->root = root;
	s->path = cr_xstrdup(path);
	s->copied = last_name(path);
	if (follow || !s->copied[0]) {
		struct stat sb, fb;

		s->name = cr_xstrdup("");
		s->dir = open_side(root, path, O_PATH, err);
		if (s->dir < 0 || fstat(s->dir, &sb) < 0 || !S_ISREG(sb.st_mode))
			return s->dir < 0 ? -1 : 0;
		/* Now, while the path means what it meant (the host's paths mean nothing in the
		 * container's mount namespace). */
		s->file = open_side(root, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, err);
		if (s->file < 0 || fstat(s->file, &fb) < 0)
			return -1;
		if (fb.st_ino != sb.st_ino || fb.st_dev != sb.st_dev)
			return cr_fail(err, EAGAIN, "%s changed while it was opened", path);
	} else {
		cleanup_free char *parent = parent_of(path);

		s->name = cr_xstrdup(s->copied);
		s->dir = open_side(root, parent, O_PATH | O_DIRECTORY, err);
	}
	return s->dir < 0 ? -1 : 0;
}

static void source_free(struct source *s)
{
	if (s->dir >= 0)
		close(s->dir);
	if (s->file >= 0)
		close(s->file);
	free(s->name);
	free(s->path);
	free(s->copied);
}

/* The destination: a dir and the name to make in it (NULL: into the dir itself). */
struct dest {
	int dir;
	char *name;
};

static int open_dest(int root, const char *path, const char *copied, struct dest *d,
		     struct cr_error *err)
{
	struct cr_error ignored;
	cleanup_free char *parent = NULL;
	struct stat sb;
	size_t n = strlen(path);

	d->name = NULL;
	d->dir = open_side(root, path, O_PATH, &ignored);
	if (d->dir >= 0 && fstat(d->dir, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		d->name = copied[0] ? cr_xstrdup(copied) : NULL;
		return 0;
	}
	if (d->dir >= 0)
		close(d->dir);
	else if (ignored.errnum != ENOENT)
		return cr_fail(err, ignored.errnum, "%s%s", root >= 0 ? "in the container: " : "",
			       path);
	if (n && path[n - 1] == '/') {
		cr_fail(err, ENOENT, "destination directory %s", path);
		return cr_hint(err, "make the directory first");
	}
	parent = parent_of(path);
	d->dir = open_side(root, parent, O_PATH | O_DIRECTORY, err);
	if (d->dir < 0)
		return cr_prefix(err, "the destination's directory");
	d->name = last_name(path);
	if (!d->name[0]) {
		close(d->dir);
		d->dir = -1;
		return cr_fail(err, EINVAL, "destination %s", path);
	}
	return 0;
}

static void dest_free(struct dest *d)
{
	if (d->dir >= 0)
		close(d->dir);
	free(d->name);
}

/* ---- the copy ---- */

struct copier {
	bool into; /* writing into the container */
	int depth;
};

static int special_refused(const char *path, struct cr_error *err)
{
	cr_fail(err, 0, "%s is a device, FIFO or socket", path);
	return cr_hint(err, "cp copies regular files, directories and symbolic links");
}

/* Filesystems of the kernel's own (/proc, /sys, ...) are not copied out of a container. */
static bool kernel_fs(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return false;
	switch ((unsigned long)sfs.f_type) {
	case 0x9fa0:	 /* proc */
	case 0x62656572: /* sysfs */
	case 0x1cd1:	 /* devpts */
	case 0x27e0eb:	 /* cgroup */
	case 0x63677270: /* cgroup2 */
	case 0x19800202: /* mqueue */
	case 0x64626720: /* debugfs */
	case 0x73636673: /* securityfs */
		return true;
	}
	return false;
}

/* Makes room for a non-dir at dir/name: an old file or link there goes, as tar's extraction
 * does; a dir or special file stays and is an error. */
static int clear_for_file(int dir, const char *name, const char *path, struct cr_error *err)
{
	struct stat sb;

	if (fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : cr_fail(err, errno, "%s", path);
	if (S_ISDIR(sb.st_mode))
		return cr_fail(err, EISDIR, "cannot overwrite directory %s with a non-directory",
			       path);
	if (!S_ISREG(sb.st_mode) && !S_ISLNK(sb.st_mode))
		return cr_fail(err, EEXIST, "%s exists and is not a regular file", path);
	if (unlinkat(dir, name, 0) < 0)
		return cr_fail(err, errno, "replace %s", path);
	return 0;
}

static mode_t kept_mode(const struct copier *c, mode_t mode)
{
	return mode & (c->into ? 07777 : 01777);
}

static void set_times(int fd, const struct stat *sb)
{
	struct timespec t[2] = {sb->st_atim, sb->st_mtim};

	futimens(fd, t);
}

/* Copies at most size bytes from in to out. */
static int copy_bytes(int in, int out, off_t size, const char *path, struct cr_error *err)
{
	static char buf[128 * 1024];

	while (size > 0) {
		ssize_t n = read(in, buf, (size_t)size < sizeof(buf) ? (size_t)size : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cr_fail(err, errno, "read %s", path);
		if (n == 0)
			break;
		if (cr_write_all(out, buf, (size_t)n) < 0)
			return cr_fail(err, errno, "write %s", path);
		size -= n;
	}
	return 0;
}

static int copy_file(struct copier *c, int in, const struct stat *sb, int dir, const char *name,
		     const char *to, struct cr_error *err)
{
	cleanup_close int out = -1;

	if (clear_for_file(dir, name, to, err) < 0)
		return -1;
	out = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return cr_fail(err, errno, "create %s", to);
	if (copy_bytes(in, out, sb->st_size, to, err) < 0)
		return -1;
	if (fchmod(out, kept_mode(c, sb->st_mode)) < 0)
		return cr_fail(err, errno, "chmod %s", to);
	set_times(out, sb);
	return 0;
}

static int copy_link(int sdir, const char *sname, const struct stat *sb, int dir, const char *name,
		     const char *to, struct cr_error *err)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(sdir, sname, target, sizeof(target));
	struct timespec t[2] = {sb->st_atim, sb->st_mtim};

	if (n < 0 || n == (ssize_t)sizeof(target))
		return cr_fail(err, n < 0 ? errno : ENAMETOOLONG, "read link %s", to);
	target[n] = '\0';
	if (clear_for_file(dir, name, to, err) < 0)
		return -1;
	if (symlinkat(target, dir, name) < 0)
		return cr_fail(err, errno, "create link %s", to);
	utimensat(dir, name, t, AT_SYMLINK_NOFOLLOW);
	return 0;
}

static int copy_entry(struct copier *c, int sdir, const char *sname, const char *from, int dir,
		      const char *name, const char *to, struct cr_error *err);

/* Copies the entries of the open dir in into the open dir out. */
static int copy_children(struct copier *c, int in, const char *from, int out, const char *to,
			 struct cr_error *err)
{
	int fd = dup(in);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return cr_fail(err, errno, "read directory %s", from);
	}
	while (ret == 0 && (errno = 0, de = readdir(d))) {
		cleanup_free char *f = NULL, *t = NULL;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		f = cr_xasprintf("%s/%s", from, de->d_name);
		t = cr_xasprintf("%s/%s", to, de->d_name);
		ret = copy_entry(c, in, de->d_name, f, out, de->d_name, t, err);
	}
	if (ret == 0 && errno)
		ret = cr_fail(err, errno, "read directory %s", from);
	closedir(d);
	return ret;
}

static int copy_dir(struct copier *c, int in, const struct stat *sb, const char *from, int dir,
		    const char *name, const char *to, struct cr_error *err)
{
	cleanup_close int out = -1;
	struct stat db;
	int ret;

	if (c->depth >= COPY_MAX_DEPTH) {
		cr_fail(err, 0, "%s is more than %d directories deep", from, COPY_MAX_DEPTH);
		return cr_hint(err, "copy a directory further down");
	}
	if (fstatat(dir, name, &db, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(db.st_mode))
		return cr_fail(err, ENOTDIR, "cannot overwrite non-directory %s with a directory",
			       to);
	if (mkdirat(dir, name, 0700) < 0 && errno != EEXIST)
		return cr_fail(err, errno, "mkdir %s", to);
	out = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (out < 0)
		return cr_fail(err, errno, "open %s", to);
	c->depth++;
	ret = copy_children(c, in, from, out, to, err);
	c->depth--;
	if (ret < 0)
		return -1;
	if (fchmod(out, kept_mode(c, sb->st_mode)) < 0)
		return cr_fail(err, errno, "chmod %s", to);
	set_times(out, sb);
	return 0;
}

/* Copies sdir/sname (never followed) to dir/name. */
static int copy_entry(struct copier *c, int sdir, const char *sname, const char *from, int dir,
		      const char *name, const char *to, struct cr_error *err)
{
	cleanup_close int in = -1;
	struct stat sb, ib;

	if (fstatat(sdir, sname, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return cr_fail(err, errno, "%s", from);
	if (S_ISLNK(sb.st_mode))
		return copy_link(sdir, sname, &sb, dir, name, to, err);
	if (!S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
		if (c->depth == 0)
			return special_refused(from, err);
		cr_warn("skipped %s: a device, FIFO or socket", from);
		return 0;
	}
	in = openat(sdir, sname,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
			(S_ISDIR(sb.st_mode) ? O_DIRECTORY : 0));
	if (in < 0 || fstat(in, &ib) < 0)
		return cr_fail(err, errno, "open %s", from);
	if (ib.st_ino != sb.st_ino || ib.st_dev != sb.st_dev)
		return cr_fail(err, EAGAIN, "%s changed while it was copied", from);
	if (S_ISREG(ib.st_mode))
		return copy_file(c, in, &ib, dir, name, to, err);
	if (kernel_fs(in) && !c->into) {
		cr_warn("skipped %s: a filesystem of the kernel's (proc, sysfs)", from);
		return 0;
	}
	return copy_dir(c, in, &ib, from, dir, name, to, err);
}

/* The source is the object s->dir itself (followed): reopened for reading, checked to be
 * the same. */
static int copy_object(struct copier *c, struct source *s, struct dest *d, const char *to,
		       struct cr_error *err)
{
	cleanup_close int in = -1;
	struct stat sb, ib;

	if (fstat(s->dir, &sb) < 0)
		return cr_fail(err, errno, "%s", s->path);
	if (S_ISDIR(sb.st_mode))
		in = openat(s->dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else if (S_ISREG(sb.st_mode) && s->file >= 0)
		in = fcntl(s->file, F_DUPFD_CLOEXEC, 0);
	else
		return special_refused(s->path, err);
	if (in < 0 || fstat(in, &ib) < 0)
		return cr_fail(err, errno, "open %s", s->path);
	if (ib.st_ino != sb.st_ino || ib.st_dev != sb.st_dev)
		return cr_fail(err, EAGAIN, "%s changed while it was copied", s->path);
	if (S_ISREG(ib.st_mode)) {
		if (!d->name)
			return cr_fail(err, EISDIR, "cannot copy a file onto directory %s", to);
		return copy_file(c, in, &ib, d->dir, d->name, to, err);
	}
	if (kernel_fs(in) && !c->into) {
		cr_fail(err, 0, "%s is a filesystem of the kernel's (proc, sysfs)", s->path);
		return cr_hint(err, "copy the files you need from it one by one");
	}
	if (!d->name) { /* a dir's contents into an existing dir: cp SRC/. DEST */
		int ret;

		c->depth++; /* what is inside is skipped, not refused, when special */
		ret = copy_children(c, in, s->path, d->dir, to, err);
		c->depth--;
		return ret;
	}
	return copy_dir(c, in, &ib, s->path, d->dir, d->name, to, err);
}

static int copy(bool into, struct source *s, struct dest *d, const char *to, struct cr_error *err)
{
	struct copier c = {.into = into};

	if (s->name[0])
		return copy_entry(&c, s->dir, s->name, s->path, d->dir, d->name, to, err);
	return copy_object(&c, s, d, to, err);
}

/* ---- entering the container ---- */

struct target {
	struct cr_paths paths;
	struct cr_state st;
	bool locked;	     /* st holds the container's locks: it is stopped, its layer ours */
	bool mounted;	     /* its layer is mounted at st.rootfs_mnt */
	int pidfd;	     /* running: its PID 1 */
	bool keeper_started; /* stopped: this copy started the keeper (stopped when idle) */
	int root;	     /* its root */
};

/* Opens name: stopped (locked, to mount its layer) or running (its PID 1's pidfd). */
static int find_target(const char *name, struct target *t, struct cr_error *err)
{
	struct cr_status s;
	struct cr_error ignored;

	if (state_paths_init(&t->paths, err) < 0)
		return -1;
	if (state_open_unlocked(&t->paths, name, &t->st, err) < 0)
		return -1;
	state_release(&t->st);
	if (state_open(&t->paths, name, &t->st, err) == 0) {
		t->locked = true;
		return 0;
	}
	/* Locked: it runs (or is created), or another command works on it (that error). */
	if (state_open_unlocked(&t->paths, name, &t->st, &ignored) < 0)
		return -1;
	lifecycle_status(&t->st, &s);
	if (strcmp(s.status, "exited") && s.pid > 0)
		t->pidfd = cr_pidfd_verified(s.pid, s.pid_start);
	return t->pidfd < 0 ? -1 : 0;
}

/* The lowerdir= of the container's overlay: its rootfs, or its image's layers (top first);
 * NULL when a layer is missing. */
static char *copy_lowerdir(const struct target *t, const struct cr_config *cfg)
{
	struct cr_strv lowers = {0};
	struct cr_error ignored;
	char *out = NULL;

	if (!cfg->image)
		return plan_escape_overlay_path(cfg->rootfs);
	image_lower_dirs(t->paths.data, &cfg->layers, &lowers);
	if (image_check_layers(cfg, &lowers, &ignored) == 0)
		out = plan_lowerdir((const char *const *)lowers.v, lowers.n);
	strv_free(&lowers);
	return out;
}

/* Mounts the stopped container's layer as start does (not the fuse-overlayfs fallback,
 * which needs a daemon) and its volumes, in a mount namespace of our own in the keeper's. */
static int mount_layer(struct target *t, const struct cr_config *cfg, struct cr_error *err)
{
	cleanup_free char *lower = copy_lowerdir(t, cfg);
	cleanup_free char *upper = plan_escape_overlay_path(t->st.upper);
	cleanup_free char *work = plan_escape_overlay_path(t->st.work);
	struct cr_mount_ctx ctx;
	struct cr_op op = {.dst = t->st.rootfs_mnt};
	int ret;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return cr_fail(err, errno, "make a mount namespace for the copy");
	if (!lower)
		return cr_fail(err, 0, "image %s: a layer is missing from the store",
			       cfg->image_name);
	if (cfg->overlay == CR_OVERLAY_FUSE) {
		cr_fail(err, 0, "the layer of '%s' is kept by fuse-overlayfs", t->st.name);
		return cr_hint(err, "start the container, then copy");
	}
	mounts_ctx_init(&ctx, t->st.rootfs_mnt, false);
	op.kind = cfg->overlay == CR_OVERLAY_NONE ? CR_OP_BIND_ROOTFS : CR_OP_MOUNT_OVERLAY;
	op.src = cfg->overlay == CR_OVERLAY_NONE ? cfg->rootfs : "overlay";
	op.fstype = "overlay";
	op.data = cr_xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,userxattr", lower, upper, work);
	ret = mounts_apply(&op, &ctx, err);
	free(op.data);
	if (ret < 0)
		return cr_hint(err, "start the container, then copy");
	t->mounted = true;
	for (size_t i = 0; i < cfg->nmounts && ret == 0; i++) {
		const struct cr_mount *m = &cfg->mounts[i];
		struct stat sb;
		struct cr_op mk = {.flags = CR_OPF_IN_ROOT, .dst = m->dst};
		struct cr_op bind = {.kind = CR_OP_BIND,
				     .flags = CR_OPF_IN_ROOT | CR_OPF_NOSUID | CR_OPF_NODEV |
					      (m->readonly ? CR_OPF_RDONLY : 0),
				     .src = m->src,
				     .dst = m->dst};

		if (m->kind != CR_MOUNT_BIND)
			continue; /* a tmpfs is made anew at each start */
		if (stat(m->src, &sb) < 0) {
			ret = cr_fail(err, errno, "volume %s", m->src);
			break;
		}
		mk.kind = S_ISDIR(sb.st_mode) ? CR_OP_MKDIR : CR_OP_MKFILE;
		ret = mounts_apply(&mk, &ctx, err);
		if (ret == 0)
			ret = mounts_apply(&bind, &ctx, err);
	}
	mounts_ctx_close(&ctx);
	/* --read-only: as it runs (a copy into it fails, into a volume works) */
	if (ret == 0 && cfg->readonly_root &&
	    mount(NULL, t->st.rootfs_mnt, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		ret = cr_fail(err, errno, "make the root of '%s' read-only", t->st.name);
	return ret;
}

/* Enters the container's namespaces and opens its root. */
static int enter_target(struct target *t, struct cr_error *err)
{
	cleanup_free char *text = NULL;
	struct cr_config cfg;
	struct cr_keeper k;
	int ret;

	/* Nothing in the container may open our /proc/PID/exe or trace us. */
	prctl(PR_SET_DUMPABLE, 0);
	if (!t->locked) {
		if (setns(t->pidfd, CLONE_NEWUSER | CLONE_NEWNS) < 0)
			return cr_fail(err, errno, "join the namespaces of container '%s'",
				       t->st.name);
		t->root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		return t->root < 0 ? cr_fail(err, errno, "open the container's root") : 0;
	}
	text = state_read_config(&t->st);
	config_init(&cfg);
	if (!text || config_parse(text, &cfg) < 0) {
		config_free(&cfg);
		cr_fail(err, 0, "the configuration of '%s' is damaged", t->st.name);
		return cr_hint(err, "remove it with 'conti-rootless rm %s'", t->st.name);
	}
	ret = keeper_join(&t->paths, cfg.uidmap, false, false, t->st.name, &k, err);
	if (ret == 0) {
		t->keeper_started = k.started;
		keeper_release(&k);
		ret = mount_layer(t, &cfg, err);
	}
	config_free(&cfg);
	if (ret < 0)
		return -1;
	t->root = open(t->st.rootfs_mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return t->root < 0 ? cr_fail(err, errno, "open %s", t->st.rootfs_mnt) : 0;
}

/* Lets go of the container: its layer unmounted before its locks are. */
static void leave_target(struct target *t)
{
	if (t->root >= 0)
		close(t->root);
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->mounted)
		umount2(t->st.rootfs_mnt, MNT_DETACH);
	state_release(&t->st);
	if (t->keeper_started)
		keeper_stop_if_idle(&t->paths);
	state_paths_free(&t->paths);
}

static int run_copy(const struct cr_copy_spec *spec, bool follow, struct target *t,
		    struct cr_error *err)
{
	struct source s = {.dir = -1, .file = -1};
	struct dest d = {.dir = -1};
	int ret = -1;

	/* The host side first, as the caller, in the host's namespaces. */
	if (spec->into ? open_source(-1, spec->hpath, follow, &s, err)
		       : (s.copied = last_name(spec->cpath),
			  open_dest(-1, spec->hpath, s.copied, &d, err))) {
		goto out;
	}
	if (enter_target(t, err) < 0)
		goto out;
	if (spec->into ? open_dest(t->root, spec->cpath, s.copied, &d, err)
		       : (free(s.copied), s.copied = NULL,
			  open_source(t->root, spec->cpath, follow, &s, err))) {
		cr_prefix(err, "container '%s'", spec->name);
		goto out;
	}
	ret = copy(spec->into, &s, &d, spec->into ? spec->cpath : spec->hpath, err);
out:
	source_free(&s);
	dest_free(&d);
	return ret;
}

int copy_run(const char *src, const char *dst, bool follow, struct cr_error *err)
{
	struct cr_copy_spec spec;
	struct target t = {.pidfd = -1, .root = -1};
	int ret = -1;

	if (copy_parse_args(src, dst, &spec, err) < 0)
		return -1;
	memset(&t.st, 0, sizeof(t.st));
	t.st.lock_fd = t.st.data_lock_fd = -1;
	if (find_target(spec.name, &t, err) == 0)
		ret = run_copy(&spec, follow, &t, err);
	leave_target(&t);
	copy_spec_free(&spec);
	return ret;
}
