/* log.c - a container's log: written with a cap and one rotation, read back. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "utils.h"

#define LOG_NAME "log"
#define LOG_OLD "log.1"
#define IDX_NAME "log.idx"
#define IDX_OLD "log.1.idx"
#define IDX_MAGIC "CRLOGIX1"
#define IDX_REC 16		   /* the header and each record */
#define IDX_READ_MAX (256LL << 20) /* what a reader loads of an index: 16 Mi records */
#define MAX_SECONDS 9000000000LL   /* what a time in ns holds: the year 2255 */

static int open_dir(const char *dir)
{
	return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Opens name in dirfd for writing (created 0600; a symlink is refused); -1 with errno. */
static int open_for_writing(int dirfd, const char *name, int flags)
{
	return openat(dirfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, 0600);
}

/* Starts an empty log.idx for the log whose inode is ino: its header; -1 when it fails. */
static int index_start(int dirfd, unsigned long long ino)
{
	char head[IDX_REC];
	int fd = openat(
	    dirfd, IDX_NAME,
	    O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	struct stat sb;

	memcpy(head, IDX_MAGIC, 8);
	memcpy(head + 8, &ino, 8);
	if (fd >= 0 && (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
			cr_write_all(fd, head, sizeof(head)) < 0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Opens log.idx to go on after it, if it is the index of the log whose inode is ino and
 * whole records; else starts it anew (the log's bytes so far have no time). */
static int index_open(struct cr_log *l, unsigned long long ino)
{
	char head[IDX_REC];
	int fd =
	    openat(l->dirfd, IDX_NAME, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat sb;
	unsigned long long got;

	if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size % IDX_REC == 0 &&
	    pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head) &&
	    !memcmp(head, IDX_MAGIC, 8) && (memcpy(&got, head + 8, 8), got == ino)) {
		l->idx_size = sb.st_size;
		return fd;
	}
	if (fd >= 0)
		close(fd);
	fd = index_start(l->dirfd, ino);
	l->idx_size = fd >= 0 ? IDX_REC : 0;
	return fd;
}

int log_open(struct cr_log *l, const char *dir, long long max, struct cr_error *err)
{
	struct stat sb;

	l->fd = l->idx = -1;
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
	l->last_stamp = 0;
	l->idx = index_open(l, (unsigned long long)sb.st_ino);
	return 0;
}

/* log becomes log.1 (the older log.1 goes) and a new, empty log is started; where that
 * cannot be done, log is emptied: the cap holds either way. */
static void rotate(struct cr_log *l)
{
	struct stat sb;
	int fd = -1;

	if (renameat(l->dirfd, LOG_NAME, l->dirfd, LOG_OLD) == 0) {
		/* log.1.idx goes with it; an index left of an older log.1 would not match */
		if (renameat(l->dirfd, IDX_NAME, l->dirfd, IDX_OLD) < 0)
			unlinkat(l->dirfd, IDX_OLD, 0);
		fd = open_for_writing(l->dirfd, LOG_NAME, O_TRUNC);
	}
	if (fd >= 0) {
		close(l->fd);
		l->fd = fd;
	} else if (ftruncate(l->fd, 0) < 0 || lseek(l->fd, 0, SEEK_SET) < 0) {
		return;
	}
	if (l->idx >= 0)
		close(l->idx);
	l->idx = fstat(l->fd, &sb) == 0 ? index_start(l->dirfd, (unsigned long long)sb.st_ino) : -1;
	l->size = 0;
	l->idx_size = l->idx >= 0 ? IDX_REC : 0;
	l->last_stamp = 0; /* the new log's first bytes get a record of their own */
}

size_t log_room(struct cr_log *l)
{
	long long half = l->max / 2;

	/* the index rotates with its log when it reaches an eighth of the log's share: only a
	 * command that writes a few bytes every millisecond takes it there */
	if (l->size >= half || l->idx_size >= half / 8)
		rotate(l);
	return l->size >= half || l->idx_size >= half / 8 ? 0 : (size_t)(half - l->size);
}

void log_wrote(struct cr_log *l, size_t n)
{
	l->size += (long long)n;
}

/* The time now, Unix, in ns. */
static long long realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void log_stamp(struct cr_log *l)
{
	long long rec[2] = {l->size, realtime_ns()};

	/* one record a millisecond at most: what comes sooner gets the time of the last */
	if (l->idx < 0 || (l->last_stamp && rec[1] - l->last_stamp < 1000000))
		return;
	if (write(l->idx, rec, sizeof(rec)) == (ssize_t)sizeof(rec)) {
		l->idx_size += IDX_REC;
		l->last_stamp = rec[1];
	}
}

void log_write(struct cr_log *l, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		size_t room = log_room(l);
		ssize_t w;

		if (room == 0)
			return; /* the log could be neither rotated nor emptied */
		log_stamp(l);
		w = write(l->fd, p, n < room ? n : room);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* a full disk: dropped */
		log_wrote(l, (size_t)w);
		p += w;
		n -= (size_t)w;
	}
}

void log_close(struct cr_log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	if (l->idx >= 0)
		close(l->idx);
	if (l->dirfd >= 0)
		close(l->dirfd);
	l->fd = l->idx = l->dirfd = -1;
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

/* Appends the valid records of p (len bytes, whole records) to *out (n so far): offsets
 * that never go back, times that are not negative; returns the new count. */
static size_t parse_records(const unsigned char *p, size_t len, struct cr_log_stamp **out, size_t n)
{
	size_t room = n;

	for (size_t i = 0; i + IDX_REC <= len; i += IDX_REC) {
		long long rec[2];

		memcpy(rec, p + i, sizeof(rec));
		if (rec[0] < 0 || rec[1] < 0 || (n && rec[0] < (*out)[n - 1].off))
			continue;
		if (n == room) {
			room = room ? room * 2 : 64;
			*out = cr_xrealloc(*out, room * sizeof(**out));
		}
		(*out)[n].off = rec[0];
		(*out)[n].ns = rec[1];
		n++;
	}
	return n;
}

size_t log_index_parse(const void *buf, size_t len, unsigned long long ino,
		       struct cr_log_stamp **out)
{
	const unsigned char *p = buf;
	unsigned long long got;

	*out = NULL;
	if (len < IDX_REC || memcmp(p, IDX_MAGIC, 8))
		return 0;
	memcpy(&got, p + 8, 8);
	if (got != ino)
		return 0;
	return parse_records(p + IDX_REC, len - IDX_REC, out, 0);
}

long long log_index_time(const struct cr_log_stamp *stamps, size_t n, long long off,
			 long long fallback)
{
	size_t lo = 0, hi = n;

	if (n == 0)
		return fallback;
	/* the last record at or before off; before the first: the first's (it is no earlier) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (stamps[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return stamps[lo].ns;
}

void log_format_time(long long ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000LL);
	long frac = (long)(ns % 1000000000LL);
	char digits[16];
	struct tm tm;
	size_t end;

	if (frac < 0) {
		frac += 1000000000L;
		sec--;
	}
	if (!gmtime_r(&sec, &tm)) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(digits, sizeof(digits), ".%09ld", frac);
	for (end = strlen(digits); end > 1 && digits[end - 1] == '0'; end--)
		digits[end - 1] = '\0';
	if (end == 1)
		digits[0] = '\0';
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, digits);
}

/* Parses exactly n decimal digits at *s into *v, moving *s past them. */
static bool take_digits(const char **s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return false;
		*v = *v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return true;
}

/* A fraction ".ddd" (up to 9 digits used, any more ignored) at *s into ns. */
static bool take_fraction(const char **s, long long *ns)
{
	long long scale = 100000000LL;

	*ns = 0;
	if (**s != '.')
		return true;
	(*s)++;
	if (!isdigit((unsigned char)**s))
		return false;
	for (; isdigit((unsigned char)**s); (*s)++, scale /= 10)
		*ns += (**s - '0') * scale;
	return true;
}

/* YYYY-MM-DD[THH[:MM[:SS[.frac]]]][Z|+HH:MM|-HH:MM] */
static int parse_rfc3339(const char *s, long long *ns)
{
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	long long frac = 0;
	time_t t;

	if (!take_digits(&s, 4, &y) || *s++ != '-' || !take_digits(&s, 2, &mo) || *s++ != '-' ||
	    !take_digits(&s, 2, &d))
		return -1;
	if (*s == 'T' || *s == 't') {
		s++;
		if (!take_digits(&s, 2, &h))
			return -1;
		if (*s == ':' && (s++, !take_digits(&s, 2, &mi)))
			return -1;
		if (*s == ':' && (s++, !take_digits(&s, 2, &sec) || !take_fraction(&s, &frac)))
			return -1;
	}
	if (*s == 'Z' || *s == 'z') {
		sign = 1, oh = om = 0, s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (!take_digits(&s, 2, &oh) || *s++ != ':' || !take_digits(&s, 2, &om))
			return -1;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	t = sign ? timegm(&tm) - sign * (oh * 3600 + om * 60) : mktime(&tm);
	if ((t == (time_t)-1 && y != 1969) || t > MAX_SECONDS || t < -MAX_SECONDS)
		return -1;
	*ns = (long long)t * 1000000000LL + frac;
	return 0;
}

/* Go's durations: [number unit]... (10m, 1h30m, 1.5h); 0 alone is one. */
static int parse_duration(const char *s, long long *ns)
{
	static const struct {
		const char *name;
		double ns;
	} units[] = {{"ns", 1},	 {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"ms", 1e6},
		     {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
	double total = 0;

	if (!strcmp(s, "0")) {
		*ns = 0;
		return 0;
	}
	if (!*s)
		return -1;
	while (*s) {
		char *end;
		double v;
		size_t best = 0, k = sizeof(units) / sizeof(units[0]);

		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
		v = strtod(s, &end);
		if (end == s)
			return -1;
		s = end;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].name);

			if (!strncmp(s, units[i].name, l) && l > best)
				best = l, k = i;
		}
		if (k == sizeof(units) / sizeof(units[0]))
			return -1;
		total += v * units[k].ns;
		s += best;
	}
	if (total > 9.2e18)
		return -1;
	*ns = (long long)total;
	return 0;
}

int log_parse_since(const char *s, long long now_ns, long long *ns)
{
	long long d, frac;
	const char *p = s;

	if (!s || !*s)
		return -1;
	if (parse_rfc3339(s, ns) == 0)
		return 0;
	if (parse_duration(s, &d) == 0) {
		*ns = now_ns - d;
		return 0;
	}
	/* Unix seconds, with an optional fraction */
	for (d = 0; isdigit((unsigned char)*p) && d <= MAX_SECONDS; p++)
		d = d * 10 + (*p - '0');
	if (p == s || d > MAX_SECONDS || !take_fraction(&p, &frac) || *p)
		return -1;
	*ns = d * 1000000000LL + frac;
	return 0;
}

/* Loads the index named name for the log whose inode is ino into c (from its start). */
static void index_load(struct cr_log_cursor *c, const char *name, unsigned long long ino)
{
	unsigned char head[IDX_REC];
	unsigned long long got;
	int fd = openat(c->dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat sb;

	free(c->stamps);
	c->stamps = NULL;
	c->nstamps = 0;
	if (c->idx >= 0)
		close(c->idx);
	c->idx = -1;
	c->idx_off = 0;
	if (fd < 0)
		return;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    pread(fd, head, sizeof(head), 0) != (ssize_t)sizeof(head) ||
	    memcmp(head, IDX_MAGIC, 8) || (memcpy(&got, head + 8, 8), got != ino)) {
		close(fd);
		return;
	}
	c->idx = fd;
	c->idx_off = IDX_REC;
}

/* Reads the records added to c's index since the last time. */
static void index_refresh(struct cr_log_cursor *c)
{
	unsigned char buf[IDX_REC * 4096];
	ssize_t n;

	/* at most IDX_READ_MAX of it: an index made by hand could be any size; past that,
	 * lines get the time of the last record read */
	while (c->idx >= 0 && c->idx_off < IDX_READ_MAX) {
		n = pread(c->idx, buf, sizeof(buf), (off_t)c->idx_off);
		if (n < 0 && errno == EINTR)
			continue;
		n -= n > 0 ? n % IDX_REC : 0; /* a record being written: next time */
		if (n <= 0)
			return;
		c->nstamps = parse_records(buf, (size_t)n, &c->stamps, c->nstamps);
		c->idx_off += n;
	}
}

/* Makes the cursor read fd (whose stat is sb; its index is idx_name) from off. */
static void cursor_set(struct cr_log_cursor *c, int fd, const struct stat *sb, long long off,
		       const char *idx_name)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = fd;
	c->dev = sb->st_dev;
	c->ino = sb->st_ino;
	c->off = off;
	c->mtime = (long long)sb->st_mtim.tv_sec * 1000000000LL + sb->st_mtim.tv_nsec;
	if (c->filter)
		index_load(c, idx_name, (unsigned long long)sb->st_ino);
}

int log_cursor_open(struct cr_log_cursor *c, const char *dir, bool at_end, struct cr_error *err)
{
	struct stat sb;
	int fd;
	bool old = false;

	c->fd = c->idx = -1;
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
	if (fd >= 0)
		old = true;
	else
		fd = open_for_reading(c->dirfd, LOG_NAME, &sb);
	if (fd >= 0)
		cursor_set(c, fd, &sb, at_end ? sb.st_size : 0, old ? IDX_OLD : IDX_NAME);
	return 0;
}

/* Walks fd back from end (exclusive) to find where the last *need lines begin: counts the
 * newlines before end (skip_last: the one at end - 1 ends the last line, not counted);
 * returns the offset after the newline that completes the count, -1 when fd has too few
 * (then *need is what is left to find before it). */
static long long find_back(int fd, long long end, long long *need, bool skip_last)
{
	char buf[65536];

	while (end > 0) {
		long long from = end > (long long)sizeof(buf) ? end - (long long)sizeof(buf) : 0;
		ssize_t n = pread(fd, buf, (size_t)(end - from), (off_t)from);

		if (n <= 0)
			return -1;
		for (ssize_t i = n - 1; i >= 0; i--) {
			if (buf[i] != '\n')
				continue;
			if (skip_last && from + i == end - 1 && end == from + n) {
				skip_last = false;
				continue;
			}
			if (--*need == 0)
				return from + i + 1;
		}
		skip_last = false;
		end = from;
	}
	return -1;
}

static bool last_byte_is_newline(int fd, long long size)
{
	char c = 0;

	return size > 0 && pread(fd, &c, 1, (off_t)size - 1) == 1 && c == '\n';
}

void log_cursor_tail(struct cr_log_cursor *c, long long n)
{
	struct stat sb, cur;
	int fd = -1;
	long long pos, need = n;
	bool skip;

	if (c->fd < 0 || n < 0 || fstat(c->fd, &cur) < 0)
		return;
	/* the cursor is at the start of log.1 (then log comes after it) or of log */
	fd = open_for_reading(c->dirfd, LOG_NAME, &sb);
	if (fd >= 0 && sb.st_dev == cur.st_dev && sb.st_ino == cur.st_ino) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0) {
		skip = sb.st_size > 0 ? last_byte_is_newline(fd, sb.st_size)
				      : last_byte_is_newline(c->fd, cur.st_size);
		pos = n == 0 ? sb.st_size : find_back(fd, sb.st_size, &need, skip);
		if (pos >= 0) {
			cursor_set(c, fd, &sb, pos, IDX_NAME);
			return;
		}
		close(fd);
		skip = sb.st_size == 0 && skip;
	} else {
		skip = last_byte_is_newline(c->fd, cur.st_size);
		if (n == 0) {
			c->off = cur.st_size;
			return;
		}
	}
	pos = find_back(c->fd, cur.st_size, &need, skip);
	if (pos >= 0)
		c->off = pos;
}

/* Output in blocks: one write per block, not per line. */
struct outbuf {
	int fd;
	size_t len;
	char buf[65536];
};

static int out_put(struct outbuf *o, const char *p, size_t n)
{
	if (o->len + n > sizeof(o->buf)) {
		if (cr_write_all(o->fd, o->buf, o->len) < 0)
			return -1;
		o->len = 0;
	}
	if (n > sizeof(o->buf))
		return cr_write_all(o->fd, p, n);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

/* Passes buf (n bytes of c's file, at offset at) through c->filter into o. */
static int filter_block(struct cr_log_cursor *c, const char *buf, size_t n, long long at,
			struct outbuf *o)
{
	const struct cr_log_filter *f = c->filter;
	size_t i = 0;

	while (i < n) {
		const char *nl = memchr(buf + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - buf) + 1 : n;

		if (!c->in_line) {
			long long t =
			    log_index_time(c->stamps, c->nstamps, at + (long long)i, c->mtime);
			char stamp[48];

			c->printing = !f->since || t >= f->since;
			c->in_line = true;
			if (c->printing && f->timestamps) {
				log_format_time(t, stamp, sizeof(stamp) - 1);
				strcat(stamp, " ");
				if (out_put(o, stamp, strlen(stamp)) < 0)
					return -1;
			}
		}
		if (c->printing && out_put(o, buf + i, end - i) < 0)
			return -1;
		if (nl)
			c->in_line = false;
		i = end;
	}
	return 0;
}

/* Copies what fd holds from *off to its end, skipping holes: only what was written; through
 * c's filter when it has one. */
static int copy_written(struct cr_log_cursor *c, int fd, long long *off, int out)
{
	cleanup_free struct outbuf *o = c->filter ? cr_xmalloc(sizeof(*o)) : NULL;
	char buf[65536];
	ssize_t n;

	if (o) {
		o->fd = out;
		o->len = 0;
		index_refresh(c);
	}
	for (;;) {
		off_t data = lseek(fd, (off_t)*off, SEEK_DATA);

		if (data < 0 && errno == ENXIO)
			break; /* nothing but a hole up to the end */
		if (data > *off)
			*off = data;
		n = pread(fd, buf, sizeof(buf), (off_t)*off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (o ? filter_block(c, buf, (size_t)n, *off, o) < 0
		      : cr_write_all(out, buf, (size_t)n) < 0)
			return -1;
		*off += n;
	}
	return o && o->len && cr_write_all(out, o->buf, o->len) < 0 ? -1 : 0;
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
		if (c->fd >= 0 && copy_written(c, c->fd, &c->off, out) < 0)
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
				cursor_set(c, prev, &old, 0, IDX_OLD);
				prev = -1;
				if (copy_written(c, c->fd, &c->off, out) < 0) {
					close(fd);
					return -1;
				}
			}
			if (prev >= 0)
				close(prev);
		}
		cursor_set(c, fd, &sb, 0, IDX_NAME);
	}
	return 0;
}

void log_cursor_close(struct cr_log_cursor *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->idx >= 0)
		close(c->idx);
	if (c->dirfd >= 0)
		close(c->dirfd);
	c->fd = c->idx = c->dirfd = -1;
	free(c->stamps);
	c->stamps = NULL;
	c->nstamps = 0;
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
