/* log.h - a container's output: RUNTIME/NAME/log and, once it has rotated, log.1 (the
 * older part), each exactly the bytes the command wrote. Its monitor (detached) or front end
 * (foreground without --rm) alone writes them, from a pipe (the container never holds
 * either file); together they never exceed the container's --log-size-max: log rotates to
 * log.1 when it reaches half of it. logs and start -a read them.
 *
 * Beside each, log.idx (log.1.idx) says when its bytes came: a 16-byte header ("CRLOGIX1"
 * and the log's inode number, so that an index is never paired with another log) and one
 * 16-byte record {offset, Unix time in ns} (native byte order) per chunk read from the pipe,
 * at most one a millisecond: the bytes from offset on came at that time (within a ms). A
 * line's time is that of the chunk its first byte came in (logs -t, --since). An index
 * takes at most an eighth of its log's share of the cap: log rotates early when log.idx
 * reaches it (a command that writes a few bytes every ms), so log, log.1 and their indexes
 * together stay within 1.125 times --log-size-max. */
#ifndef CR_LOG_H
#define CR_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define CR_LOG_SIZE_DEFAULT (20LL << 20) /* docker's local log driver's max-size, 20m */
#define CR_LOG_SIZE_MIN 8192LL		 /* podman's smallest --log-size-max */
#define CR_LOG_SIZE_LIMIT (1LL << 40)

/* The writing side, in the monitor. */
struct cr_log {
	int dirfd;	    /* the container's runtime dir */
	int fd;		    /* log, open for writing at its end (not O_APPEND: splice refuses it) */
	int idx;	    /* log.idx, O_APPEND */
	long long size;	    /* bytes in log */
	long long idx_size; /* bytes in log.idx */
	long long last_stamp; /* the time of log.idx's last record, 0 before the first */
	long long max;	      /* log and log.1 together: log rotates at max / 2 */
};

/* Opens (creating) log in dir to go on at its end; -1 with err. */
int log_open(struct cr_log *l, const char *dir, long long max, struct cr_error *err);

/* How many bytes log takes before it must rotate; rotates first when that is none. */
size_t log_room(struct cr_log *l);

/* Counts n bytes written at l->fd. */
void log_wrote(struct cr_log *l, size_t n);

/* Says in log.idx that what is written next at l->fd came now. */
void log_stamp(struct cr_log *l);

/* Writes n bytes (that came now) to the log, rotating as the cap says; what cannot be
 * written (a full disk) is dropped: never waits, never fails the caller. */
void log_write(struct cr_log *l, const void *buf, size_t n);

/* What logs prints of each line: all (the default), or as its options say. */
struct cr_log_filter {
	bool timestamps; /* -t: each line begins with its RFC 3339 time (UTC, ns) and a space */
	long long since; /* --since: only lines that came at or after it (Unix ns); 0: all */
	long long tail;	 /* --tail: only the last N lines; -1: all */
};

/* One record of an index: the log's bytes from off on came at ns. */
struct cr_log_stamp {
	long long off, ns;
};

/* Parses an index's bytes (len of them) for the log whose inode is ino: its valid
 * records, in order of offset, into *out (malloc'd; NULL when none); returns how many, 0
 * when the header is not that log's. Never trusts the text: any bytes give some answer. */
size_t log_index_parse(const void *buf, size_t len, unsigned long long ino,
		       struct cr_log_stamp **out);

/* When the byte at off came, by stamps (n of them, in order); fallback when none says. */
long long log_index_time(const struct cr_log_stamp *stamps, size_t n, long long off,
			 long long fallback);

/* Formats ns (Unix) as RFC 3339 with ns, UTC, trailing zeros cut (Go's RFC3339Nano, as
 * docker logs -t prints): 2026-11-23T22:40:01.12345Z. buf has room for 40. */
void log_format_time(long long ns, char *buf, size_t len);

/* Parses --since as docker does: an RFC 3339 time (2026-11-23T22:40:01Z, with a fraction
 * or an offset; without a zone it is local; 2026-11-23 or 2026-11-23T22:40 too), Unix
 * seconds (1700000000 or 1700000000.5), or a duration before now_ns (10m, 1h30m, 1.5h,
 * 300ms; units ns us ms s m h). Returns 0 with *ns, -1 when it is none of these. */
int log_parse_since(const char *s, long long now_ns, long long *ns);

/* Closes l's descriptors. */
void log_close(struct cr_log *l);

/* The reading side: where a reader is in the log. */
struct cr_log_cursor {
	char *dir;
	int dirfd; /* dir, -1 until it exists */
	int fd;	   /* the log being read, -1 before there is one */
	dev_t dev;
	ino_t ino;
	long long off;			    /* bytes of fd already copied */
	const struct cr_log_filter *filter; /* NULL: the bytes as they are */
	int idx;			    /* filter: fd's index, -1 when none matches */
	long long idx_off;		    /* bytes of idx already parsed */
	struct cr_log_stamp *stamps;
	size_t nstamps;
	long long mtime; /* fd's mtime (ns): the time of bytes no record covers */
	bool in_line;	 /* filter: the next byte is not the first of a line */
	bool printing;	 /* filter: the current line is printed */
};

/* A cursor on the log of the container whose runtime dir is dir: at its current end
 * (start -a: only what comes next) or at the start of log.1 and log (logs). */
int log_cursor_open(struct cr_log_cursor *c, const char *dir, bool at_end, struct cr_error *err);

/* Moves a cursor that log_cursor_open put at the start to the first of the last n lines
 * (of log.1 and log together). */
void log_cursor_tail(struct cr_log_cursor *c, long long n);

/* Copies to out what was written past the cursor, following log to its new file when it
 * has rotated; holes (never written) are skipped; through c->filter when it is set.
 * Returns -1 when out fails. */
int log_cursor_copy(struct cr_log_cursor *c, int out);

/* Closes the cursor's descriptors. */
void log_cursor_close(struct cr_log_cursor *c);

/* Parses a size for --log-size-max: a number with an optional b, k, m, g (or kb, mb, gb,
 * any case; 1024-based) suffix; -1 when it is not one. */
long long log_parse_size(const char *s);

#endif
