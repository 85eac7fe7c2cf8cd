/* kill.c - `kill [--all] ID [SIGNAL]`: a signal to the container's process (by pidfd, the
 * recorded start time checked), or to every process of its PID namespace. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "oci/lifecycle.h"
#include "oci/state.h"
#include "utils.h"

int oci_parse_signal(const char *s)
{
	unsigned long n;

	if (cr_parse_ulong(s, &n))
		return n >= 1 && n <= (unsigned long)SIGRTMAX ? (int)n : -1;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *name = sigabbrev_np(sig);

		if (name && !strcasecmp(s, name))
			return sig;
	}
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5)) {
		long off = 0;
		char *end;

		if (s[5]) {
			off = strtol(s + 5, &end, 10);
			if (*end || (s[5] != '+' && s[5] != '-'))
				return -1;
		}
		off += toupper((unsigned char)s[4]) == 'N' ? SIGRTMIN : SIGRTMAX;
		return off >= SIGRTMIN && off <= SIGRTMAX ? (int)off : -1;
	}
	return -1;
}

/* Signals every process whose PID namespace is the container's (pidns: its inode). */
static void signal_namespace(ino_t pidns, dev_t dev, int sig)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[300];
		struct stat sb;
		unsigned long pid;
		int fd;

		if (!cr_parse_ulong(e->d_name, &pid) || pid == (unsigned long)getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%lu/ns/pid", pid);
		if (stat(path, &sb) < 0 || sb.st_ino != pidns || sb.st_dev != dev)
			continue;
		fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
		/* the pidfd pins it: still in the namespace, not a reused pid */
		if (fd >= 0 && stat(path, &sb) == 0 && sb.st_ino == pidns)
			syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
}

int oci_container_kill(const struct oci_state *st, int sig, bool all, struct cr_error *err)
{
	cleanup_close int fd = oci_state_pidfd(st);
	char path[64];
	struct stat ns;

	if (fd < 0)
		return cr_fail(err, ESRCH, "container %s is not running", st->id);
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)st->pid);
	if (all && st->own_pidns && stat(path, &ns) == 0)
		signal_namespace(ns.st_ino, ns.st_dev, sig);
	if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0 && errno != ESRCH)
		return cr_fail(err, errno, "signal %d to container %s", sig, st->id);
	return 0;
}

int oci_cmd_kill(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	struct oci_state st;
	const char *id = NULL, *signame = "SIGTERM";
	bool all = false;
	int sig, ret = -1, i;
	enum oci_status s;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] && !isdigit(argv[i][1]); i++) {
		if (!strcmp(argv[i], "--all") || !strcmp(argv[i], "-a") || !strcmp(argv[i], "-all"))
			all = true;
		else
			return cr_fail(err, 0, "kill: unknown option %s", argv[i]);
	}
	if (i < argc)
		id = argv[i++];
	if (i < argc)
		signame = argv[i++];
	if (!id || i != argc)
		return cr_fail(err, 0, "usage: %s kill [--all] ID [SIGNAL]", OCI_RUNTIME_NAME);
	sig = oci_parse_signal(signame);
	if (sig < 0)
		return cr_fail(err, 0, "kill: %s is not a signal", signame);
	if (oci_state_load(g, id, &st, err) < 0)
		goto out;
	s = oci_state_status(&st);
	if (s == OCI_STOPPED) {
		cr_fail(err, 0, "container %s is not running", id);
		goto out;
	}
	ret = oci_container_kill(&st, sig, all, err);
out:
	oci_state_free(&st);
	return ret;
}
