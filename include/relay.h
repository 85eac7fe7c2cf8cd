/* relay.h - the caller's stdio, as the container gets it.
 *
 * A container must never hold a host object it could change through its descriptor:
 * a regular file (fchmod, ftruncate, reopen through /proc/self/fd), a terminal (termios,
 * reading the user's keystrokes), a device, a directory. Those of fds 0-2 are relayed
 * through pipes by the front end (or, for a detached container, by its monitor into the
 * log), as podman's conmon does; pipes, sockets and /dev/null are passed as they are.
 */
#ifndef CR_RELAY_H
#define CR_RELAY_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "log.h"

/* One direction of one stream: from src to dst, through a pipe on the container's side. */
struct cr_relay_stream {
	int src, dst;	  /* input: the caller's fd to our pipe end; output: ours to the caller's */
	int child;	  /* the container's end of the pipe, until relay_restore() */
	unsigned targets; /* the container's fds (bit N: fd N) that get child */
	int keep;      /* input from a regular file: the pipe's read end, to count what is unread */
	int host;      /* the caller's fd of this stream (input: src, output: dst) */
	bool input;    /* caller -> container */
	bool own_dst;  /* dst is ours to close at the end (input: the pipe's write end) */
	bool splice;   /* splice works between src and dst (until it says EINVAL) */
	bool wait_dst; /* input: the pipe is full; wait until it can take more */
	struct cr_log *log; /* output to a log: instead of dst (a detached container, dst -1),
			     * or as well as dst (foreground without --rm) */
	char *buf;	    /* read/write path: bytes read but not yet written */
	size_t off, len;
	unsigned long long fed; /* input: bytes read from the caller's file */
};

/* The relayed streams of one container process: at most one per fd 0-2. */
struct cr_relay {
	struct cr_relay_stream s[3];
	int n;
	int saved[3]; /* the caller's fds 0-2 while the container's ends are in their place */
	struct cr_log *tty_log; /* foreground without --rm: where a pty's output is copied too */
};

/* Empties r: nothing relayed. */
void relay_init(struct cr_relay *r);

/* Makes a pipe for each of the caller's fds 0-2 that may not be handed to the container
 * (stdout and stderr on the same host object share one); a closed one becomes /dev/null. */
int relay_open(struct cr_relay *r, struct cr_error *err);

/* Foreground without --rm: as relay_open, but fds 1 and 2 always through pipes (whatever
 * the caller's are), whose output goes to the caller and to log, as does a pty's. */
int relay_open_logged(struct cr_relay *r, struct cr_log *log, struct cr_error *err);

/* A detached container: fd 0 /dev/null, fds 1 and 2 one pipe whose output goes to log;
 * the calling process's own 0-2 are set so for good (its messages go to the log too). */
int relay_open_log(struct cr_relay *r, struct cr_log *log, struct cr_error *err);

/* Before the container's process is cloned or forked: its pipe ends in place of our fds
 * 0-2, the caller's saved aside. */
int relay_install(struct cr_relay *r, struct cr_error *err);

/* After the clone or fork: the caller's fds back at 0-2; the container's ends closed. */
void relay_restore(struct cr_relay *r);

/* Fills p (room for 3) with what the relay waits for; returns how many entries. */
int relay_poll_fds(const struct cr_relay *r, struct pollfd *p);

/* Moves what p's events say is ready (p as relay_poll_fds filled it, n entries). */
void relay_handle(struct cr_relay *r, const struct pollfd *p, int n);

/* After the container's process has exited: copies what its pipes still hold, without
 * waiting for writers that outlive it; gives an input file back what was not read. */
void relay_drain(struct cr_relay *r);

/* Closes every descriptor of r (never the caller's). */
void relay_close(struct cr_relay *r);

#endif
