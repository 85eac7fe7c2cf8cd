/* log.h - a detached container's output: RUNTIME/NAME/log and, once it has rotated,
 * log.1 (the older part). Its monitor alone writes them, from a pipe (the container never
 * holds either file); together they never exceed the container's --log-size-max: log
 * rotates to log.1 when it reaches half of it. logs and start -a read them. */
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
	int dirfd;	/* the container's runtime dir */
	int fd;		/* log, open for writing at its end (not O_APPEND: splice refuses it) */
	long long size; /* bytes in log */
	long long max;	/* log and log.1 together: log rotates at max / 2 */
};

/* Opens (creating) log in dir to go on at its end; -1 with err. */
int log_open(struct cr_log *l, const char *dir, long long max, struct cr_error *err);

/* How many bytes log takes before it must rotate; rotates first when that is none. */
size_t log_room(struct cr_log *l);

/* Counts n bytes written at l->fd. */
void log_wrote(struct cr_log *l, size_t n);

/* Closes l's descriptors. */
void log_close(struct cr_log *l);

/* The reading side: where a reader is in the log. */
struct cr_log_cursor {
	char *dir;
	int dirfd; /* dir, -1 until it exists */
	int fd;	   /* the log being read, -1 before there is one */
	dev_t dev;
	ino_t ino;
	long long off; /* bytes of fd already copied */
};

/* A cursor on the log of the container whose runtime dir is dir: at its current end
 * (start -a: only what comes next) or at the start of log.1 and log (logs). */
int log_cursor_open(struct cr_log_cursor *c, const char *dir, bool at_end, struct cr_error *err);

/* Copies to out what was written past the cursor, following log to its new file when it
 * has rotated; holes (never written) are skipped. Returns -1 when out fails. */
int log_cursor_copy(struct cr_log_cursor *c, int out);

/* Closes the cursor's descriptors. */
void log_cursor_close(struct cr_log_cursor *c);

/* Parses a size for --log-size-max: a number with an optional b, k, m, g (or kb, mb, gb,
 * any case; 1024-based) suffix; -1 when it is not one. */
long long log_parse_size(const char *s);

#endif
