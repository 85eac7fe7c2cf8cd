/* tty.h - the container's pseudo-terminal and the caller's terminal. */
#ifndef CR_TTY_H
#define CR_TTY_H

#include <stdbool.h>
#include <termios.h>

#include "error.h"

/* The caller's terminal, put in raw mode while a pty container runs. */
struct cr_term {
	int fd;	  /* the caller's terminal (stdin), -1 when not a terminal */
	bool raw; /* raw mode set: must be restored */
	struct termios saved;
};

/* In the container (after pivot_root): opens a pty in its devpts, makes the
 * slave stdin, stdout and stderr, and returns the master's descriptor. */
int tty_open_container_pty(struct cr_error *err);

/* Puts the caller's stdin terminal (if it is one) in raw mode, saving its state. */
int tty_make_raw(struct cr_term *term, struct cr_error *err);

/* Restores the caller's terminal; safe to call more than once. */
void tty_restore(struct cr_term *term);

/* Copies the window size of from (a terminal) to to; nothing if from is not one. */
void tty_copy_winsize(int from, int to);

/* Copies what is readable on from to to; returns bytes copied, 0 at end, -1 on error. */
ssize_t tty_pump(int from, int to);

#endif
