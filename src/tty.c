/* tty.c - pseudo-terminals and raw mode. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tty.h"
#include "utils.h"

int tty_open_container_pty(struct cr_error *err)
{
	cleanup_close int slave = -1;
	int master;
	char name[64];

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return cr_fail(err, errno, "open /dev/ptmx in the container");
	if (unlockpt(master) < 0 || ptsname_r(master, name, sizeof(name)) != 0) {
		cr_fail(err, errno, "unlock the container's pseudo-terminal");
		close(master);
		return -1;
	}
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		cr_fail(err, errno, "open %s in the container", name);
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
