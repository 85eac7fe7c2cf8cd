/* log.c - a detached container's log: written with a cap and one rotation, read back. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "utils.h"

#define LOG_NAME "log"
#define LOG_OLD "log.1"

static int open_dir(const char *dir)
{
	return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Opens name in dirfd for writing (created 0600; a symlink is refused); -1 with errno. */
static int open_for_writing(int dirfd, const char *name, int flags)
{
	return openat(dirfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, 0600);
}

int log_open(struct cr_log *l, const char *dir, long long max, struct cr_error *err)
{
	struct stat sb;

	l->fd = -1;
	l->max = max < CR_LOG_SIZE_MIN ? CR_LOG_SIZE_DEFAULT : max;
	l->dirfd = open_dir(dir);
	if (l->dirfd < 0)
		return cr_fail(err, errno, "open %s", dir);
	l->fd = open_for_writing(l->dirfd, LOG_NAME, 0);
	if (l->fd < 0 || fstat(l->fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		cr_fail(err, l->fd < 0 ? errno : EINVAL, "open %s/" LOG_NAME, dir);
		log_close(l);
		return -1;
	}
	l->size = lseek(l->fd, 0, SEEK_END);
	if (l->size < 0)
		l->size = 0;
	return 0;
}

/* log becomes log.1 (the older log.1 goes) and a new, empty log is started; where that
 * cannot be done, log is emptied: the cap holds either way. */
static void rotate(struct cr_log *l)
{
	int fd = -1;

	if (renameat(l->dirfd, LOG_NAME, l->dirfd, LOG_OLD) == 0)
		fd = open_for_writing(l->dirfd, LOG_NAME, O_TRUNC);
	if (fd >= 0) {
		close(l->fd);
		l->fd = fd;
	} else if (ftruncate(l->fd, 0) < 0 || lseek(l->fd, 0, SEEK_SET) < 0) {
		return;
	}
	l->size = 0;
}

size_t log_room(struct cr_log *l)
{
	long long half = l->max / 2;

	if (l->size >= half)
		rotate(l);
	return l->size >= half ? 0 : (size_t)(half - l->size);
}

void log_wrote(struct cr_log *l, size_t n)
{
	l->size += (long long)n;
}

void log_close(struct cr_log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	if (l->dirfd >= 0)
		close(l->dirfd);
	l->fd = l->dirfd = -1;
}

/* Opens name in dirfd for reading: a regular file, never through a symlink; -1 if none. */
static int open_for_reading(int dirfd, const char *name, struct stat *sb)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && (fstat(fd, sb) < 0 || !S_ISREG(sb->st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Makes the cursor read fd (whose stat is sb) from off. */
static void cursor_set(struct cr_log_cursor *c, int fd, const struct stat *sb, long long off)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = fd;
	c->dev = sb->st_dev;
	c->ino = sb->st_ino;
	c->off = off;
}

int log_cursor_open(struct cr_log_cursor *c, const char *dir, bool at_end, struct cr_error *err)
{
	struct stat sb;
	int fd;

	c->fd = -1;
	c->off = 0;
	c->dir = cr_xstrdup(dir);
	c->dirfd = open_dir(dir);
	if (c->dirfd < 0 && errno == ENOENT)
		return 0; /* not run since a reboot: no log yet */
	if (c->dirfd < 0) {
		cr_fail(err, errno, "open %s", dir);
		log_cursor_close(c);
		return -1;
	}
	fd = at_end ? -1 : open_for_reading(c->dirfd, LOG_OLD, &sb);
	if (fd < 0)
		fd = open_for_reading(c->dirfd, LOG_NAME, &sb);
	if (fd >= 0)
		cursor_set(c, fd, &sb, at_end ? sb.st_size : 0);
	return 0;
}

/* Copies what fd holds from *off to its end, skipping holes: only what was written. */
static int copy_written(int fd, long long *off, int out)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		off_t data = lseek(fd, (off_t)*off, SEEK_DATA);

		if (data < 0 && errno == ENXIO)
			return 0; /* nothing but a hole up to the end */
		if (data > *off)
			*off = data;
		n = pread(fd, buf, sizeof(buf), (off_t)*off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		if (cr_write_all(out, buf, (size_t)n) < 0)
			return -1;
		*off += n;
	}
}

static bool same_file(const struct cr_log_cursor *c, const struct stat *sb)
{
	return c->dev == sb->st_dev && c->ino == sb->st_ino;
}

int log_cursor_copy(struct cr_log_cursor *c, int out)
{
	struct stat sb, old;
	int fd;

	if (c->dirfd < 0 && c->dir)
		c->dirfd = open_dir(c->dir);
	if (c->dirfd < 0)
		return 0;
	/* A few rotations at most per call: a writer faster than us must not keep us here. */
	for (int i = 0; i < 8; i++) {
		if (c->fd >= 0 && copy_written(c->fd, &c->off, out) < 0)
			return -1;
		fd = open_for_reading(c->dirfd, LOG_NAME, &sb);
		if (fd < 0)
			return 0; /* none yet, or being rotated: what we hold is still written to */
		if (c->fd >= 0 && same_file(c, &sb)) {
			close(fd);
			return 0;
		}
		/* log is a new file: ours was renamed to log.1, and what was written to it
		 * before is all copied above. If log.1 is not ours either, we missed one
		 * rotation: what log.1 holds comes before log. */
		if (c->fd >= 0) {
			int prev = open_for_reading(c->dirfd, LOG_OLD, &old);

			if (prev >= 0 && !same_file(c, &old) &&
			    !(old.st_dev == sb.st_dev && old.st_ino == sb.st_ino)) {
				long long off = 0;

				if (copy_written(prev, &off, out) < 0) {
					close(prev);
					close(fd);
					return -1;
				}
			}
			if (prev >= 0)
				close(prev);
		}
		cursor_set(c, fd, &sb, 0);
	}
	return 0;
}

void log_cursor_close(struct cr_log_cursor *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->dirfd >= 0)
		close(c->dirfd);
	c->fd = c->dirfd = -1;
	free(c->dir);
	c->dir = NULL;
}

long long log_parse_size(const char *s)
{
	static const char units[] = "bkmg";
	unsigned long long n = 0;
	const char *u;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || n > (unsigned long long)CR_LOG_SIZE_LIMIT)
		return -1;
	if (*end) {
		u = strchr(units, tolower((unsigned char)*end));
		if (!u ||
		    (end[1] && (u == units || tolower((unsigned char)end[1]) != 'b' || end[2])))
			return -1;
		for (long shift = (u - units) * 10; shift > 0; shift -= 10) {
			n <<= 10;
			if (n > (unsigned long long)CR_LOG_SIZE_LIMIT)
				return -1;
		}
	}
	return (long long)n;
}
