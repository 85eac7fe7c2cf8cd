/* tty.c - pseudo-terminals and raw mode. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "mounts.h"
#include "tty.h"
#include "utils.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int tty_open_container_pty(struct cr_error *err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int slave = -1;
	int master;

	/* The container may have replaced /dev/ptmx or /dev/pts by a link to /proc/self/fd/N
	 * (one of the caller's files): no magic link, and the slave by its master, not by
	 * a path. */
	master = root < 0 ? cr_fail(err, errno, "open the container's root")
			  : mounts_open_in_root(root, "/dev/ptmx", O_RDWR | O_NOCTTY, err);
	if (master < 0)
		return -1;
	if (unlockpt(master) < 0) {
		cr_fail(err, errno, "unlock the container's pseudo-terminal");
		close(master);
		return -1;
	}
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		cr_fail(err, errno, "open the container's pseudo-terminal");
		close(master);
		return -1;
	}
	for (int fd = 0; fd < 3; fd++) {
		if (dup2(slave, fd) < 0) {
			cr_fail(err, errno, "dup2");
			close(master);
			return -1;
		}
	}
	return master;
}

int tty_make_raw(struct cr_term *term, struct cr_error *err)
{
	struct termios raw;

	term->raw = false;
	term->fd = isatty(0) ? 0 : -1;
	if (term->fd < 0)
		return 0;
	if (tcgetattr(term->fd, &term->saved) < 0)
		return cr_fail(err, errno, "read the terminal's settings");
	raw = term->saved;
	cfmakeraw(&raw);
	if (tcsetattr(term->fd, TCSADRAIN, &raw) < 0)
		return cr_fail(err, errno, "put the terminal in raw mode");
	term->raw = true;
	return 0;
}

void tty_restore(struct cr_term *term)
{
	if (term->raw)
		tcsetattr(term->fd, TCSADRAIN, &term->saved);
	term->raw = false;
}

void tty_copy_winsize(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		ioctl(to, TIOCSWINSZ, &ws);
}

ssize_t tty_pump(int from, int to)
{
	char buf[16384];
	ssize_t n;

	do
		n = read(from, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n;
	if (cr_write_all(to, buf, (size_t)n) < 0)
		return -1;
	return n;
}
