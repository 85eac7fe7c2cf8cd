/* relay.c - relaying the caller's stdio to and from a container through pipes. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "relay.h"
#include "utils.h"

#define CHUNK 65536

static void stream_init(struct cr_relay_stream *s)
{
	memset(s, 0, sizeof(*s));
	s->src = s->dst = s->child = s->keep = s->host = -1;
	s->splice = true;
}

void relay_init(struct cr_relay *r)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 3; i++)
		stream_init(&r->s[i]);
}

/* Only what holds no host inode the container could change: an anonymous pipe (a named
 * FIFO is a host file: fchmod reaches it), a socket, /dev/null (root's: EPERM). */
static bool passes(int fd, const struct stat *sb)
{
	struct statfs sfs;

	if (S_ISSOCK(sb->st_mode))
		return true;
	if (S_ISCHR(sb->st_mode))
		return major(sb->st_rdev) == 1 && minor(sb->st_rdev) == 3;
	return S_ISFIFO(sb->st_mode) && fstatfs(fd, &sfs) == 0 && sfs.f_type == PIPEFS_MAGIC;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* A stream for the caller's fd: a pipe whose one end the container gets as fd. */
static int add_stream(struct cr_relay *r, int fd, const struct stat *sb, struct cr_error *err)
{
	struct cr_relay_stream *s = &r->s[r->n];
	int p[2];

	s->host = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (s->host < 0)
		return cr_fail(err, errno, "dup fd %d", fd);
	r->n++; /* relay_close() closes what is made from here on */
	if (pipe2(p, O_CLOEXEC) < 0)
		return cr_fail(err, errno, "make a pipe for fd %d", fd);
	s->input = fd == 0;
	s->targets = 1U << fd;
	s->own_dst = s->input;
	s->src = s->input ? s->host : p[0];
	s->dst = s->input ? p[1] : s->host;
	s->child = s->input ? p[0] : p[1];
	if (set_nonblock(s->input ? s->dst : s->src) < 0)
		return cr_fail(err, errno, "make a pipe for fd %d", fd);
	/* Input from a file: what the container leaves unread is given back at the end. */
	if (s->input && S_ISREG(sb->st_mode))
		s->keep = fcntl(p[0], F_DUPFD_CLOEXEC, 3);
	return 0;
}

/* relay_open, and with log: fds 1 and 2 always relayed, and copied to log as well. */
static int open_streams(struct cr_relay *r, struct cr_log *log, struct cr_error *err)
{
	struct stat sb[3];

	for (int fd = 0; fd < 3; fd++) {
		if (fstat(fd, &sb[fd]) < 0) {
			/* Closed: /dev/null, so that no fd of ours ever lands there. */
			int null = open("/dev/null", O_RDWR);

			if (null < 0 || (null != fd && (dup2(null, fd) < 0 || close(null) < 0)) ||
			    fstat(fd, &sb[fd]) < 0)
				return cr_fail(err, errno, "open /dev/null as fd %d", fd);
		}
		if (passes(fd, &sb[fd]) && !(log && fd > 0))
			continue;
		/* stdout and stderr on one host object: one pipe keeps their order. */
		if (fd == 2 && r->n && r->s[r->n - 1].targets == 2U &&
		    sb[1].st_dev == sb[2].st_dev && sb[1].st_ino == sb[2].st_ino) {
			r->s[r->n - 1].targets |= 4U;
			continue;
		}
		if (add_stream(r, fd, &sb[fd], err) < 0)
			return -1;
		if (fd > 0)
			r->s[r->n - 1].log = log;
	}
	r->tty_log = log;
	return 0;
}

int relay_open(struct cr_relay *r, struct cr_error *err)
{
	return open_streams(r, NULL, err);
}

int relay_open_logged(struct cr_relay *r, struct cr_log *log, struct cr_error *err)
{
	return open_streams(r, log, err);
}

int relay_open_log(struct cr_relay *r, struct cr_log *log, struct cr_error *err)
{
	struct cr_relay_stream *s = &r->s[0];
	cleanup_close int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int p[2];

	if (null < 0 || dup2(null, 0) < 0)
		return cr_fail(err, errno, "open /dev/null");
	if (pipe2(p, O_CLOEXEC) < 0)
		return cr_fail(err, errno, "make a pipe for the log");
	r->n = 1;
	s->src = p[0];
	s->log = log;
	if (set_nonblock(p[0]) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0) {
		close(p[1]);
		return cr_fail(err, errno, "make a pipe for the log");
	}
	close(p[1]);
	return 0;
}

int relay_install(struct cr_relay *r, struct cr_error *err)
{
	for (int i = 0; i < r->n; i++) {
		for (int fd = 0; fd < 3; fd++) {
			if ((r->s[i].targets & (1U << fd)) && dup2(r->s[i].child, fd) < 0) {
				relay_restore(r);
				return cr_fail(err, errno, "dup2");
			}
		}
	}
	return 0;
}

void relay_restore(struct cr_relay *r)
{
	for (int i = 0; i < r->n; i++) {
		struct cr_relay_stream *s = &r->s[i];

		for (int fd = 0; fd < 3; fd++) {
			if (s->targets & (1U << fd))
				dup2(s->host, fd);
		}
		if (s->child >= 0)
			close(s->child);
		s->child = -1;
	}
}

int relay_poll_fds(const struct cr_relay *r, struct pollfd *p)
{
	for (int i = 0; i < r->n; i++) {
		const struct cr_relay_stream *s = &r->s[i];

		p[i].revents = 0;
		p[i].fd = s->src < 0 ? -1 : s->wait_dst ? s->dst : s->src;
		p[i].events = s->wait_dst ? POLLOUT : POLLIN;
	}
	return r->n;
}

/* The container's side of an input stream ends: it reads EOF. */
static void end_input(struct cr_relay_stream *s)
{
	if (s->dst >= 0)
		close(s->dst);
	s->dst = s->src = -1;
	s->wait_dst = false;
}

/* An output stream ends (EOF, or the caller's side fails: the container then gets EPIPE
 * as it would have from the caller's own file). */
static void end_output(struct cr_relay_stream *s)
{
	if (s->src >= 0)
		close(s->src);
	s->src = -1;
}

/* Writes the input bytes read but not yet taken by the pipe; 1 when it took them all. */
static int flush_input(struct cr_relay_stream *s)
{
	while (s->off < s->len) {
		ssize_t n = write(s->dst, s->buf + s->off, s->len - s->off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			s->wait_dst = true;
			return 0;
		}
		if (n < 0) {
			end_input(s); /* EPIPE: the container closed its stdin */
			return 0;
		}
		s->off += (size_t)n;
	}
	s->off = s->len = 0;
	s->wait_dst = false;
	return 1;
}

/* splice said EAGAIN on an input stream: a full pipe, or nothing to read yet. */
static void input_blocked(struct cr_relay_stream *s)
{
	int queued = 0, size = fcntl(s->dst, F_GETPIPE_SZ);

	s->wait_dst = ioctl(s->dst, FIONREAD, &queued) < 0 || size < 0 || queued >= size;
}

static void pump_input(struct cr_relay_stream *s)
{
	ssize_t n;

	if (s->len && !flush_input(s))
		return;
	if (s->src < 0)
		return;
	if (s->splice) {
		n = splice(s->src, NULL, s->dst, NULL, CHUNK, SPLICE_F_NONBLOCK);
		if (n > 0)
			s->fed += (unsigned long long)n;
		if (n > 0 || (n < 0 && errno == EINTR))
			return;
		if (n < 0 && errno == EAGAIN) {
			input_blocked(s);
			return;
		}
		if (n < 0 && errno == EINVAL)
			s->splice = false; /* a terminal, say: read and write */
		else
			return end_input(s);
	}
	if (!s->buf)
		s->buf = cr_xmalloc(CHUNK);
	n = read(s->src, s->buf, CHUNK);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0)
		return end_input(s); /* EOF (or a hung-up terminal) */
	s->off = 0;
	s->len = (size_t)n;
	s->fed += (unsigned long long)n;
	flush_input(s);
}

/* Waits until the caller's fd takes more (it may be non-blocking): output never waits on
 * the container, only on the caller, as the container's own writes would have. */
static int wait_writable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};

	return poll(&p, 1, -1) < 0 && errno != EINTR ? -1 : 0;
}

/* n bytes at the head of s->src, already given to the caller by tee: spliced to the log
 * (rotating as its cap says); what the log does not take is read and dropped, so that
 * the pipe moves on. */
static void log_teed(struct cr_relay_stream *s, size_t n)
{
	while (n > 0) {
		size_t room = log_room(s->log), want = n < room ? n : room;
		ssize_t k = -1;

		if (want > 0) {
			log_stamp(s->log);
			k = splice(s->src, NULL, s->log->fd, NULL, want, SPLICE_F_NONBLOCK);
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (!s->buf)
				s->buf = cr_xmalloc(CHUNK);
			k = read(s->src, s->buf, n < CHUNK ? n : CHUNK); /* a full disk: dropped */
			if (k <= 0)
				return;
		} else {
			log_wrote(s->log, (size_t)k);
		}
		n -= (size_t)k;
	}
}

/* Output to the caller and to the log (foreground without --rm): a caller's pipe gets it
 * by tee (no copy) and the log by splice; else read once, written to both. The caller's
 * side failing ends the stream as it does without a log. */
static ssize_t pump_both(struct cr_relay_stream *s)
{
	ssize_t n;

	while (s->splice) {
		int queued = 0;

		n = tee(s->src, s->dst, CHUNK, SPLICE_F_NONBLOCK);
		if (n > 0) {
			log_teed(s, (size_t)n);
			return n;
		}
		if (n == 0) {
			end_output(s);
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno == EINVAL) {
			s->splice = false; /* not a pipe: read and write */
			break;
		}
		if (errno != EAGAIN) {
			end_output(s);
			return 0;
		}
		/* EAGAIN: nothing to read, or the caller's pipe is full */
		if (ioctl(s->src, FIONREAD, &queued) < 0 || queued == 0 ||
		    wait_writable(s->dst) < 0)
			return 0;
	}
	if (!s->buf)
		s->buf = cr_xmalloc(CHUNK);
	n = read(s->src, s->buf, CHUNK);
	if (n < 0 && errno == EINTR)
		return 1;
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0 || cr_write_all(s->dst, s->buf, (size_t)n) < 0) {
		end_output(s);
		return 0;
	}
	log_write(s->log, s->buf, (size_t)n);
	return n;
}

/* Moves one chunk of output; returns bytes moved, 0 when none is there now (or the
 * stream ended). */
static ssize_t pump_output(struct cr_relay_stream *s)
{
	size_t room;
	int dst, queued = 0;
	bool stamped = false;
	ssize_t n;

	if (s->src < 0)
		return 0;
	if (s->log && s->dst >= 0)
		return pump_both(s);
	room = s->log ? log_room(s->log) : CHUNK;
	dst = s->log ? s->log->fd : s->dst;
	if (room > CHUNK || room == 0)
		room = CHUNK; /* 0: the log could be neither rotated nor emptied */
	/* The time of what comes goes to the index first, so that a reader never sees bytes
	 * without theirs (but when they come between this and the splice: stamped after). */
	if (s->log && s->splice && ioctl(s->src, FIONREAD, &queued) == 0 && queued > 0) {
		log_stamp(s->log);
		stamped = true;
	}
	while (s->splice) {
		n = splice(s->src, NULL, dst, NULL, room, SPLICE_F_NONBLOCK);
		if (n > 0 && s->log && !stamped)
			log_stamp(s->log);
		if (n > 0 && s->log)
			log_wrote(s->log, (size_t)n);
		if (n > 0)
			return n;
		if (n == 0) {
			end_output(s);
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno == EINVAL) {
			s->splice = false; /* a terminal, an O_APPEND file: read and write */
			break;
		}
		if (errno != EAGAIN && s->log) {
			s->splice = false; /* a full disk, say: dropped, never waited for */
			break;
		}
		if (errno != EAGAIN) {
			end_output(s);
			return 0;
		}
		if (s->log)
			return 0;
		/* EAGAIN: an empty pipe, or a caller's fd that is full and non-blocking. */
		if (ioctl(s->src, FIONREAD, &queued) < 0 || queued == 0 || wait_writable(dst) < 0)
			return 0;
	}
	if (!s->buf)
		s->buf = cr_xmalloc(CHUNK);
	n = read(s->src, s->buf, room);
	if (n < 0 && errno == EINTR)
		return 1;
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0) {
		end_output(s);
		return 0;
	}
	if (s->log) {
		log_write(s->log, s->buf, (size_t)n);
		return n;
	}
	if (cr_write_all(dst, s->buf, (size_t)n) < 0) {
		end_output(s);
		return 0;
	}
	return n;
}

void relay_handle(struct cr_relay *r, const struct pollfd *p, int n)
{
	for (int i = 0; i < n && i < r->n; i++) {
		struct cr_relay_stream *s = &r->s[i];

		if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLOUT | POLLHUP | POLLERR)))
			continue;
		if (s->input)
			pump_input(s);
		else
			pump_output(s);
	}
}

/* What an input file gave the pipe but the container did not read goes back to the file,
 * so that the next reader of the caller's stdin starts where the container stopped. */
static void give_back(struct cr_relay_stream *s)
{
	int queued = 0;

	if (s->keep < 0 || ioctl(s->keep, FIONREAD, &queued) < 0)
		return;
	queued += (int)(s->len - s->off);
	/* The container may have written to its own stdin pipe: never before where it began. */
	if ((unsigned long long)queued > s->fed)
		queued = (int)s->fed;
	if (queued > 0)
		lseek(s->host, -(off_t)queued, SEEK_CUR);
	close(s->keep);
	s->keep = -1;
}

void relay_drain(struct cr_relay *r)
{
	for (int i = 0; i < r->n; i++) {
		struct cr_relay_stream *s = &r->s[i];

		if (s->input) {
			give_back(s);
			end_input(s);
			continue;
		}
		while (pump_output(s) > 0)
			;
	}
}

void relay_close(struct cr_relay *r)
{
	for (int i = 0; i < r->n; i++) {
		struct cr_relay_stream *s = &r->s[i];

		if (s->input)
			end_input(s);
		else
			end_output(s);
		if (s->child >= 0)
			close(s->child);
		if (s->keep >= 0)
			close(s->keep);
		if (s->host >= 0)
			close(s->host);
		free(s->buf);
		stream_init(s);
	}
	r->n = 0;
}
