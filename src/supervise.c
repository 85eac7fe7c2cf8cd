/* supervise.c - relaying signals and the terminal until a child exits. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "relay.h"
#include "supervise.h"
#include "tty.h"
#include "utils.h"

static const int relayed[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

void supervise_block_signals(sigset_t *set, sigset_t *old)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(relayed) / sizeof(relayed[0]); i++)
		sigaddset(set, relayed[i]);
	sigaddset(set, SIGCHLD);
	sigprocmask(SIG_BLOCK, set, old);
	signal(SIGPIPE, SIG_IGN);
}

int supervise_interrupted(void)
{
	sigset_t pending;

	sigpending(&pending);
	for (size_t i = 0; i < 4; i++) {
		if (sigismember(&pending, relayed[i]))
			return relayed[i];
	}
	return 0;
}

int cr_exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Handles one signal from sfd; returns child's exit code once it has exited, else -1. */
static int on_signal(pid_t child, int master, int sfd)
{
	struct signalfd_siginfo si;
	int status;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return -1;
	if (si.ssi_signo == SIGCHLD)
		return waitpid(child, &status, WNOHANG) == child ? cr_exit_code(status) : -1;
	if (si.ssi_signo == SIGWINCH) {
		if (master >= 0)
			tty_copy_winsize(0, master);
		return -1;
	}
	kill(child, (int)si.ssi_signo);
	return -1;
}

/* The pty's output to the caller, and to the log when there is one. */
static ssize_t pump_master(int master, struct cr_log *log)
{
	char buf[16384];
	ssize_t n;

	if (!log)
		return tty_pump(master, 1);
	do
		n = read(master, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n;
	if (cr_write_all(1, buf, (size_t)n) < 0)
		return -1;
	log_write(log, buf, (size_t)n);
	return n;
}

static void drain(int master, struct cr_log *log)
{
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	while (pump_master(master, log) > 0)
		;
}

int supervise(pid_t child, int master, const sigset_t *set, struct cr_relay *relay)
{
	int sfd = signalfd(-1, set, SFD_CLOEXEC);
	struct cr_term term = {.fd = -1};
	bool stdin_open = master >= 0, master_open = master >= 0;
	int code = -1, status, n;
	struct cr_error ignored;
	struct cr_log *log = relay ? relay->tty_log : NULL;

	if (master >= 0) {
		tty_make_raw(&term, &ignored);
		tty_copy_winsize(0, master);
	}
	while (code < 0) {
		struct pollfd p[6] = {{.fd = sfd, .events = POLLIN},
				      {.fd = stdin_open ? 0 : -1, .events = POLLIN},
				      {.fd = master_open ? master : -1, .events = POLLIN}};

		n = relay ? relay_poll_fds(relay, p + 3) : 0;
		if (sfd < 0 || (poll(p, (nfds_t)(3 + n), -1) < 0 && errno != EINTR)) {
			code = waitpid(child, &status, 0) == child ? cr_exit_code(status) : 255;
			break;
		}
		if (n)
			relay_handle(relay, p + 3, n);
		if (p[0].revents & POLLIN)
			code = on_signal(child, master, sfd);
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR) && tty_pump(0, master) <= 0)
			stdin_open = false;
		if (p[2].revents & (POLLIN | POLLHUP) && pump_master(master, log) <= 0)
			master_open = false; /* EIO: every slave is closed; the child ends soon */
	}
	if (master >= 0)
		drain(master, log);
	if (relay)
		relay_drain(relay);
	tty_restore(&term);
	if (sfd >= 0)
		close(sfd);
	return code;
}
