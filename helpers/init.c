/* conti-rootless-init - PID 1 of a conti-rootless container.
 *
 * Usage: conti-rootless-init [--user UID:GID [--groups GID,...]] [--tty] [--in-place] -- CMD
 * [ARG...]
 *
 * Starts CMD (searched in the container's PATH), forwards SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH to it, reaps every orphan,
 * and exits with CMD's status: its exit code, 128+N when killed by signal N,
 * 127 when CMD is not found, 126 when it cannot be executed. Linked
 * statically: the rootfs need not have a C library.
 *
 * With --in-place (run --init=false) it execs CMD itself, after the same set-up, so that
 * CMD is PID 1 (systemd and other inits): CMD then reaps, and a signal it has no handler
 * for is ignored, as the kernel does for every PID 1.
 *
 * Exec'd into a running container (not PID 1), it dies with the front end that
 * started it and takes CMD and all CMD's descendants with it: the front end
 * gives it a parent-death signal, which it turns into PARENT_GONE, and as a
 * child subreaper it finds every descendant whose parent died.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../include/init-signals.h"

struct opts {
	int set_user;
	uid_t uid;
	gid_t gid;
	gid_t groups[64]; /* supplementary groups (user.h: CR_USER_GROUPS_MAX) */
	size_t ngroups;
	int tty;
	int in_place;
	char **argv;
};

static const int forwarded[] = {CR_INIT_FORWARDED_SIGNALS};

/* Our parent-death signal when exec'd into a running container: not one we forward. */
#define PARENT_GONE SIGPWR

/* "GID,GID,..." (what the front end resolved from the container's /etc/group). */
static int parse_groups(const char *s, struct opts *o)
{
	while (*s) {
		char *end;
		unsigned long g = strtoul(s, &end, 10);

		if (end == s || (*end && *end != ',') ||
		    o->ngroups == sizeof(o->groups) / sizeof(o->groups[0]))
			return -1;
		o->groups[o->ngroups++] = (gid_t)g;
		s = *end ? end + 1 : end;
	}
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "--tty")) {
			o->tty = 1;
		} else if (!strcmp(argv[i], "--in-place")) {
			o->in_place = 1;
		} else if (!strcmp(argv[i], "--user") && i + 1 < argc) {
			unsigned long u, g;

			if (sscanf(argv[++i], "%lu:%lu", &u, &g) != 2)
				return -1;
			o->set_user = 1;
			o->uid = (uid_t)u;
			o->gid = (gid_t)g;
		} else if (!strcmp(argv[i], "--groups") && i + 1 < argc) {
			if (parse_groups(argv[++i], o) < 0)
				return -1;
		} else {
			return -1;
		}
	}
	if (i >= argc)
		return -1;
	o->argv = argv + i;
	return 0;
}

/* Becomes CMD: default signals and mask, the terminal, the user, then exec; returns the
 * errno of what failed. init is our PID 1's pid: not 1 when exec'd into a container. */
static int become_command(const struct opts *o, pid_t init)
{
	sigset_t none;

	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		signal(forwarded[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (o->tty) {
		setsid(); /* in place, PID 1 leads its session already */
		ioctl(0, TIOCSCTTY, 0);
	}
	if (o->set_user) {
		/* EPERM: /proc/self/setgroups is "deny" (one id mapped without newgidmap) */
		if (setgroups(o->ngroups, o->groups) < 0 && errno != EPERM)
			return errno;
		if (setresgid(o->gid, o->gid, o->gid) < 0 || setresuid(o->uid, o->uid, o->uid) < 0)
			return errno;
	}
	/* CMD dies with its parent even if that is killed outright: with us, exec'd into a
	 * running container; with the front end, in place (the front end set it, the id change
	 * cleared it: set after it). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || (init != 1 && getppid() != init))
		_exit(137);
	execvp(o->argv[0], o->argv);
	return errno;
}

static void __attribute__((noreturn)) child(const struct opts *o, int errfd, pid_t init)
{
	int e = become_command(o, init);

	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(e == ENOENT ? 127 : 126);
}

/* Appends s to buf (of len, holding a string) as printable text: control bytes and bytes
 * past ASCII as \xHH, cut after max bytes (the command and PATH are the container's). */
static void put_safe(char *buf, size_t len, const char *s, size_t max)
{
	size_t n = strlen(s), at = strlen(buf);

	for (size_t i = 0; i < n && i < max && at + 5 < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch >= 0x7f || ch == '\\')
			at += (size_t)snprintf(buf + at, len - at, "\\x%02x", ch);
		else
			buf[at++] = (char)ch;
		buf[at] = '\0';
	}
	if (n > max)
		snprintf(buf + at, len - at, "... (%zu bytes)", n);
}

/* Says on one line why cmd could not run; 127 when it is not there, else 126. */
static int report_exec_failure(const char *cmd, int e)
{
	const char *path = getenv("PATH");
	char line[2048] = "conti-rootless: ";

	put_safe(line, sizeof(line), cmd, 120);
	if (e == ENOENT && !strchr(cmd, '/')) {
		put_safe(line, sizeof(line), ": command not found in the container (PATH=", 64);
		put_safe(line, sizeof(line), path ? path : "", 200);
		put_safe(line, sizeof(line), ")", 1);
	} else {
		put_safe(line, sizeof(line), ": ", 2);
		put_safe(line, sizeof(line), strerror(e), 100);
	}
	fprintf(stderr, "%s\n", line);
	return e == ENOENT ? 127 : 126;
}

static int status_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* SIGKILLs our children (/proc/self/task/T/children) and reaps them; as a subreaper we
 * inherit their children, so each round reaches one generation further, until none is
 * left. Without that file, CMD, its process group and ours (with us in it) are killed. */
static void __attribute__((noreturn)) kill_descendants(pid_t cmd)
{
	char path[64], buf[4096];

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	for (;;) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

		if (fd >= 0)
			close(fd);
		if (n < 0) {
			kill(-cmd, SIGKILL);
			kill(cmd, SIGKILL);
			kill(0, SIGKILL);
			_exit(137);
		}
		buf[n] = '\0';
		if (n == (ssize_t)sizeof(buf) - 1 && strrchr(buf, ' '))
			*strrchr(buf, ' ') = '\0'; /* a cut pid: the rest come next round */
		for (char *p = buf, *end; *p; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			if (pid > 1)
				kill((pid_t)pid, SIGKILL);
		}
		if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD)
			_exit(137);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

/* Reaps every exited child; returns the command's code once it is among them. */
static int reap(pid_t cmd)
{
	int status, code = -1;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == cmd)
			code = status_code(status);
	}
	return code;
}

int main(int argc, char **argv)
{
	struct opts o;
	sigset_t set;
	int errpipe[2], e, code = -1;
	pid_t cmd, self = getpid();
	ssize_t n;

	prctl(PR_SET_DUMPABLE, 0);
	if (parse(argc, argv, &o) < 0) {
		fprintf(stderr,
			"usage: conti-rootless-init [--user UID:GID [--groups GID,...]] [--tty] "
			"[--in-place] -- CMD [ARG...]\n");
		return 125;
	}
	if (o.in_place)
		return report_exec_failure(o.argv[0], become_command(&o, self));
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	if (self != 1)
		sigaddset(&set, PARENT_GONE);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (self != 1) {
		/* The front end set SIGKILL: if it died before this, we are gone already. */
		prctl(PR_SET_PDEATHSIG, PARENT_GONE);
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	}
	if (pipe2(errpipe, O_CLOEXEC) < 0) {
		perror("conti-rootless-init: pipe");
		return 125;
	}
	cmd = fork();
	if (cmd < 0) {
		perror("conti-rootless-init: fork");
		return 125;
	}
	if (cmd == 0)
		child(&o, errpipe[1], self);
	close(errpipe[1]);
	do
		n = read(errpipe[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(errpipe[0]);
	if (n == sizeof(e)) {
		waitpid(cmd, NULL, 0);
		return report_exec_failure(o.argv[0], e);
	}
	while (code < 0) {
		siginfo_t si;

		if (sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_signo == SIGCHLD)
			code = reap(cmd);
		else if (si.si_signo != PARENT_GONE)
			kill(cmd, si.si_signo);
		else if (si.si_pid == 0) /* from outside the container: the front end's death */
			kill_descendants(cmd);
	}
	return code;
}
