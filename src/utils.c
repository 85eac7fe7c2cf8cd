/* utils.c - cleanup helpers, allocation and file utilities. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cr-build-config.h"
#include "utils.h"

void cr_freep(void *p)
{
	free(*(void **)p);
}

void cr_closep(int *fd)
{
	int saved = errno;

	if (*fd >= 0)
		close(*fd);
	errno = saved;
}

static void *oom(void)
{
	static const char msg[] = "conti-rootless: out of memory\n";

	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing more can be done */
	}
	abort();
}

void *cr_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p ? p : oom();
}

void *cr_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	return p ? p : oom();
}

void *cr_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	return q ? q : oom();
}

char *cr_xstrdup(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	return d ? d : oom();
}

char *cr_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? oom() : s;
}

int cr_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		struct pollfd out = {.fd = fd, .events = POLLOUT};

		if (n < 0 && errno == EAGAIN && poll(&out, 1, -1) >= 0)
			continue; /* a non-blocking fd (the caller's, relayed): wait for room */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t cr_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int cr_write_file(const char *path, const char *buf, size_t len, mode_t mode, struct cr_error *err)
{
	int flags = O_WRONLY | O_TRUNC | O_CLOEXEC | (mode ? O_CREAT : 0);
	cleanup_close int fd = open(path, flags, mode);

	if (fd < 0)
		return cr_fail(err, errno, "open %s", path);
	if (cr_write_all(fd, buf, len) < 0)
		return cr_fail(err, errno, "write %s", path);
	return 0;
}

ssize_t cr_read_file(const char *path, char *buf, size_t len, struct cr_error *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return cr_fail(err, errno, "open %s", path);
	n = cr_read_all(fd, buf, len - 1);
	if (n < 0)
		return cr_fail(err, errno, "read %s", path);
	buf[n] = '\0';
	return n;
}

int cr_mkdir_p(const char *path, mode_t mode, struct cr_error *err)
{
	cleanup_free char *copy = NULL;
	char *p;

	/* Every command makes its dirs: one syscall when they are there already. */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	copy = cr_xstrdup(path);
	for (p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return cr_fail(err, errno, "mkdir %s", copy);
		*p = '/';
	}
	if (mkdir(copy, mode) < 0 && errno != EEXIST)
		return cr_fail(err, errno, "mkdir %s", copy);
	return 0;
}

/* The kernel's struct statx (include/uapi/linux/stat.h) up to stx_mnt_id, padded to its
 * fixed 256 bytes: a stable ABI, declared here because C libraries differ in whether (musl
 * before 1.2.5) and how they declare it. */
struct kernel_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct {
		int64_t sec;
		uint32_t nsec;
		int32_t reserved;
	} atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint64_t spare[13];
};
_Static_assert(sizeof(struct kernel_statx) == 256, "struct statx is 256 bytes");
_Static_assert(offsetof(struct kernel_statx, mnt_id) == 0x90, "stx_mnt_id is at 0x90");

#define KERNEL_STATX_MNT_ID 0x00001000U
#define KERNEL_STATX_ATTR_MOUNT_ROOT 0x00002000ULL

int cr_mount_info_at(int dirfd, const char *name, unsigned long long *mnt_id, bool *is_root)
{
	struct kernel_statx stx;

	memset(&stx, 0, sizeof(stx));
	if (syscall(SYS_statx, dirfd, name, AT_SYMLINK_NOFOLLOW, KERNEL_STATX_MNT_ID, &stx) < 0)
		return -1;
	if (mnt_id)
		*mnt_id = (stx.mask & KERNEL_STATX_MNT_ID) ? stx.mnt_id : 0;
	if (is_root)
		*is_root = (stx.attributes_mask & KERNEL_STATX_ATTR_MOUNT_ROOT) &&
			   (stx.attributes & KERNEL_STATX_ATTR_MOUNT_ROOT);
	return 0;
}

/* The mount id of what fd is open on (0 when the kernel cannot tell). */
static int mount_id_of_fd(int fd, unsigned long long *mnt_id)
{
	struct kernel_statx stx;

	memset(&stx, 0, sizeof(stx));
	if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH, KERNEL_STATX_MNT_ID, &stx) < 0)
		return -1;
	*mnt_id = (stx.mask & KERNEL_STATX_MNT_ID) ? stx.mnt_id : 0;
	return 0;
}

/* Removes dirfd/name if it is not a directory; if it is, checks that it is on the tree's
 * mount (top: the tree's root, on mount mnt), makes it readable and opens it into *sub
 * (else -1). Something already gone is fine: another remover may have been there first. */
static int rm_entry(int dirfd, const char *name, const struct stat *top, unsigned long long mnt,
		    int *sub, struct cr_error *err)
{
	unsigned long long here;
	struct stat st, opened;
	int fd;

	*sub = -1;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : cr_fail(err, errno, "stat %s", name);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
			return cr_fail(err, errno, "remove %s", name);
		return 0;
	}
	/* Never cross a mount point: its root would be chmod'ed and emptied. */
	if (cr_mount_info_at(dirfd, name, &here, NULL) < 0)
		return errno == ENOENT ? 0 : cr_fail(err, errno, "stat %s", name);
	if (here != mnt || st.st_dev != top->st_dev)
		return cr_fail(err, EBUSY, "remove %s (a mount point)", name);
	if ((st.st_mode & 0700) != 0700)
		fchmodat(dirfd, name, (st.st_mode & 07777) | 0700, 0);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : cr_fail(err, errno, "open directory %s", name);
	/* What was opened is what was looked at, on the same mount. */
	if (fstat(fd, &opened) < 0 || opened.st_dev != st.st_dev || opened.st_ino != st.st_ino ||
	    mount_id_of_fd(fd, &here) < 0 || here != mnt) {
		close(fd);
		return cr_fail(err, EBUSY, "remove %s (replaced while being removed)", name);
	}
	*sub = fd;
	return 0;
}

/* A directory the remover went down into: its name in its parent, the parent (to check that
 * ".." leads back to it) and where the parent's listing resumes. */
struct rm_level {
	char *name;
	dev_t parent_dev;
	ino_t parent_ino;
	long resume;
	bool parent_removed_any;
};

/* The remover's walk: one directory open at a time (the one being listed), the way back up
 * on the heap, so that neither the stack nor the descriptors grow with the depth. */
struct rm_walk {
	struct rm_level *levels;
	size_t depth, cap;
	DIR *dir;
	dev_t dev; /* the directory being listed */
	ino_t ino;
	bool removed_any; /* since its listing (re)started: list it again at its end */
	struct stat top;
	unsigned long long mnt;
};

static void rm_walk_free(struct rm_walk *w)
{
	if (w->dir)
		closedir(w->dir);
	for (size_t i = 0; i < w->depth; i++)
		free(w->levels[i].name);
	free(w->levels);
}

/* Goes down into fd, the directory name listed in the current one. */
static int rm_down(struct rm_walk *w, int fd, const char *name, struct cr_error *err)
{
	struct rm_level *l;
	struct stat st;
	DIR *d;

	if (fstat(fd, &st) < 0 || !(d = fdopendir(fd))) {
		close(fd);
		return cr_fail(err, errno, "open directory %s", name);
	}
	if (w->depth == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->levels = cr_xrealloc(w->levels, w->cap * sizeof(*w->levels));
	}
	l = &w->levels[w->depth++];
	l->name = cr_xstrdup(name);
	l->parent_dev = w->dev;
	l->parent_ino = w->ino;
	l->resume = telldir(w->dir);
	l->parent_removed_any = w->removed_any;
	closedir(w->dir);
	w->dir = d;
	w->dev = st.st_dev;
	w->ino = st.st_ino;
	w->removed_any = false;
	return 0;
}

/* Goes back up from the current directory, now empty, and removes it. */
static int rm_up(struct rm_walk *w, struct cr_error *err)
{
	struct rm_level *l = &w->levels[w->depth - 1];
	int fd = openat(dirfd(w->dir), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	DIR *d;

	if (fd < 0)
		return cr_fail(err, errno, "open the parent of %s", l->name);
	if (fstat(fd, &st) < 0 || st.st_dev != l->parent_dev || st.st_ino != l->parent_ino) {
		close(fd);
		return cr_fail(err, EBUSY, "remove %s (moved while being removed)", l->name);
	}
	if (!(d = fdopendir(fd))) {
		close(fd);
		return cr_fail(err, errno, "open the parent of %s", l->name);
	}
	closedir(w->dir);
	w->dir = d;
	w->dev = st.st_dev;
	w->ino = st.st_ino;
	if (unlinkat(fd, l->name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return cr_fail(err, errno, "remove directory %s", l->name);
	seekdir(d, l->resume);
	w->removed_any = true;
	free(l->name);
	w->depth--;
	return 0;
}

/* Empties the open directory w->dir, depth first. A listing that removed something is
 * read again at its end: a file system may shift the positions of what follows. */
static int rm_walk(struct rm_walk *w, struct cr_error *err)
{
	for (;;) {
		struct dirent *de;
		int sub;

		errno = 0;
		de = readdir(w->dir);
		if (!de && errno)
			return cr_fail(err, errno, "read directory %s",
				       w->depth ? w->levels[w->depth - 1].name : ".");
		if (!de && w->removed_any) {
			rewinddir(w->dir);
			w->removed_any = false;
			continue;
		}
		if (!de && !w->depth)
			return 0;
		if (!de) {
			if (rm_up(w, err) < 0)
				return -1;
			continue;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rm_entry(dirfd(w->dir), de->d_name, &w->top, w->mnt, &sub, err) < 0)
			return -1;
		w->removed_any = true;
		if (sub >= 0 && rm_down(w, sub, de->d_name, err) < 0)
			return -1;
	}
}

/* Removes dirfd/name (st: its stat, on mount mnt) and everything below it. */
static int rm_tree(int dirfd, const char *name, const struct stat *st, unsigned long long mnt,
		   struct cr_error *err)
{
	struct rm_walk w = {.top = *st, .mnt = mnt, .dev = st->st_dev, .ino = st->st_ino};
	int fd, ret;

	if (rm_entry(dirfd, name, st, mnt, &fd, err) < 0)
		return -1;
	if (fd < 0)
		return 0;
	if (!(w.dir = fdopendir(fd))) {
		close(fd);
		return cr_fail(err, errno, "open directory %s", name);
	}
	ret = rm_walk(&w, err);
	rm_walk_free(&w);
	if (ret == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		ret = cr_fail(err, errno, "remove directory %s", name);
	return ret;
}

int cr_rm_rf_at(int dirfd, const char *name, struct cr_error *err)
{
	unsigned long long mnt;
	struct stat st;

	if (cr_mount_info_at(dirfd, name, &mnt, NULL) < 0 ||
	    fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : cr_fail(err, errno, "stat %s", name);
	if (rm_tree(dirfd, name, &st, mnt, err) < 0)
		return cr_prefix(err, "remove %s", name);
	return 0;
}

int cr_rm_rf(const char *path, struct cr_error *err)
{
	return cr_rm_rf_at(AT_FDCWD, path, err);
}

unsigned long long cr_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

bool cr_parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	if (!s || !*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0';
}

int cr_send_msg(int sock, const void *buf, size_t len, int fd)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cmsg;

	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

ssize_t cr_recv_msg(int sock, void *buf, size_t len, int *fd)
{
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cmsg;
	ssize_t n;

	*fd = -1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	}
	return n;
}

int cr_find_helper(const char *name, char *path, size_t len, struct cr_error *err)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
	} else {
		snprintf(exe, sizeof(exe), "/nonexistent");
	}
	for (int i = 0; i < 3; i++) {
		if (i == 0)
			snprintf(path, len, "%s/helpers/%s", exe, name);
		else if (i == 1)
			snprintf(path, len, "%s/../libexec/conti-rootless/%s", exe, name);
		else
			snprintf(path, len, "%s/%s", CR_LIBEXECDIR, name);
		if (access(path, X_OK) == 0)
			return 0;
	}
	cr_fail(err, ENOENT, "the helper %s", path);
	return cr_hint(err, "reinstall conti-rootless (meson install), or run it from its build "
			    "directory");
}

int cr_open_helper(const char *name, struct cr_error *err)
{
	char path[PATH_MAX + 64];
	int fd;

	if (cr_find_helper(name, path, sizeof(path), err) < 0)
		return -1;
	fd = open(path, O_PATH | O_CLOEXEC);
	return fd >= 0 ? fd : cr_fail(err, errno, "open the helper %s", path);
}

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#define F_SEAL_EXEC_ 0x0020 /* F_SEAL_EXEC, which older headers lack */

int cr_sealed_copy(int fd, const char *name, struct cr_error *err)
{
	cleanup_close int src = -1;
	char path[64];
	struct stat st;
	int mfd;
	off_t off = 0;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	src = open(path, O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return cr_fail(err, errno, "open the helper %s", name);
	if (fstat(src, &st) < 0)
		return cr_fail(err, errno, "stat the helper %s", name);
	mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL)
		mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return cr_fail(err, errno, "memfd_create");
	while (off < st.st_size) {
		ssize_t n = sendfile(mfd, src, &off, (size_t)(st.st_size - off));

		if (n <= 0) {
			close(mfd);
			return cr_fail(err, n < 0 ? errno : EIO, "copy the helper %s", name);
		}
	}
	/* 0500, and where the kernel has it (6.3+) F_SEAL_EXEC, which keeps its execute bits:
	 * the container's root is its owner, and may chmod what /proc/1/exe names. */
	if (fchmod(mfd, 0500) < 0 ||
	    (fcntl(mfd, F_ADD_SEALS, F_SEAL_EXEC_) < 0 && errno != EINVAL) ||
	    fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
		close(mfd);
		return cr_fail(err, errno, "seal the copy of the helper %s", name);
	}
	return mfd;
}

bool cr_find_on_path(const char *prog, char *out, size_t len)
{
	const char *path = getenv("PATH");
	cleanup_free char *copy = cr_xstrdup(path && *path ? path : "/usr/bin:/bin");
	char *save = NULL;

	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", dir, prog);
		if (access(out, X_OK) == 0)
			return true;
	}
	return false;
}

void cr_close_fds(const int *keep, size_t n, bool only_inherited)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		bool kept =
		    fd <= 2 || fd == dirfd(d) || (only_inherited && fcntl(fd, F_GETFD) != 0);

		for (size_t i = 0; i < n; i++)
			kept = kept || fd == keep[i];
		if (!kept)
			close(fd);
	}
	closedir(d);
}

int cr_openat2(int dirfd, const char *path, const struct open_how *how)
{
	int fd;

	/* bounded: a machine renaming without pause would otherwise hold us forever */
	for (int i = 0; i < 128; i++) {
		fd = (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}
