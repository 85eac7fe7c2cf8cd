/* cmd-top.c - top: the processes of a container, read from /proc of the processes that
 * share its PID 1's PID namespace, printed as ps -ef does with the PIDs and user ids the
 * container sees (podman's choice; docker prints the host's).
 *
 * The command joins the container's user namespace (as root there it may read every
 * process's /proc entries; /proc/PID/status then gives the ids as the container sees
 * them) and nothing else: the host's /proc is read, never the container's own. */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "keeper.h"
#include "lifecycle.h"
#include "mounts.h"
#include "user.h"
#include "utils.h"

struct proc {
	pid_t host, pid, ppid_host;
	unsigned uid;
	int tty;
	unsigned long long ticks, start;
	char cmd[512];
};

struct procs {
	struct proc *v;
	size_t n;
};

/* Reads /proc/PID/name (at most len-1 bytes) into buf; -1 when it is gone. */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t len)
{
	cleanup_free char *path = cr_xasprintf("/proc/%d/%s", (int)pid, name);
	struct cr_error gone = {0};

	return cr_read_file(path, buf, len, &gone);
}

/* The command line, arguments joined by spaces and unprintable bytes as '?' (it is the
 * container's text); [comm] when it has none (a kernel-style thread, a zombie). */
static void command_line(pid_t pid, char *buf, size_t len)
{
	char raw[512], comm[64];
	ssize_t n = read_proc(pid, "cmdline", raw, sizeof(raw));

	if (n <= 0) {
		if (read_proc(pid, "comm", comm, sizeof(comm)) < 0)
			comm[0] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		snprintf(buf, len, "[%s]", comm);
		return;
	}
	while (n > 0 && raw[n - 1] == '\0')
		n--;
	for (ssize_t i = 0; i < n; i++)
		raw[i] = raw[i] == '\0' ? ' ' : isprint((unsigned char)raw[i]) ? raw[i] : '?';
	raw[n] = '\0';
	snprintf(buf, len, "%s", raw);
}

/* Fills p from /proc/PID/stat and status; false when the process went away. */
static bool read_one(pid_t host, struct proc *p)
{
	char stat[1024], status[4096], *s, *line;
	unsigned long long ut = 0, st = 0, start = 0;
	int ppid = 0, tty = 0;

	memset(p, 0, sizeof(*p));
	if (read_proc(host, "stat", stat, sizeof(stat)) < 0 ||
	    read_proc(host, "status", status, sizeof(status)) < 0 || !(s = strrchr(stat, ')')))
		return false;
	/* after "pid (comm)": state ppid pgrp session tty_nr ... utime(14) stime(15) ...
	 * starttime(22) */
	if (sscanf(s + 2,
		   "%*c %d %*d %*d %d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d "
		   "%*d %*d %llu",
		   &ppid, &tty, &ut, &st, &start) != 5)
		return false;
	p->host = host;
	p->ppid_host = ppid;
	p->tty = tty;
	p->ticks = ut + st;
	p->start = start;
	if ((line = strstr(status, "\nUid:")))
		p->uid = (unsigned)strtoul(line + 5, NULL, 10);
	if ((line = strstr(status, "\nNSpid:"))) {
		char *end = strchr(line + 1, '\n');

		if (end)
			*end = '\0';
		line = strrchr(line, '\t'); /* the innermost: the container's */
		p->pid = line ? (pid_t)atoi(line + 1) : 0;
	}
	command_line(host, p->cmd, sizeof(p->cmd));
	return p->pid > 0;
}

/* Every process in the PID namespace ns (dev, ino), sorted by their PID in it. */
static void collect(const struct stat *ns, struct procs *out)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[64];
		struct stat sb;
		struct proc p;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
		if (stat(path, &sb) < 0 || sb.st_ino != ns->st_ino || sb.st_dev != ns->st_dev)
			continue;
		if (!read_one((pid_t)atoi(de->d_name), &p))
			continue;
		out->v = cr_xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = p;
	}
	closedir(d);
}

static int by_pid(const void *a, const void *b)
{
	return ((const struct proc *)a)->pid - ((const struct proc *)b)->pid;
}

/* The container's /etc/passwd (read inside its root, as user.c reads it for -u NAME);
 * NULL when there is none or it cannot be read: top then shows numbers. */
static char *read_passwd(pid_t pid1)
{
	cleanup_free char *root = cr_xasprintf("/proc/%d/root", (int)pid1);
	cleanup_close int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct cr_error ignored = {0};
	char *text = NULL;

	if (rfd < 0 || user_read_in_root(rfd, "/etc/passwd", &text, &ignored) < 0)
		return NULL;
	return text;
}

static pid_t container_pid(const struct procs *ps, pid_t host)
{
	for (size_t i = 0; i < ps->n; i++) {
		if (ps->v[i].host == host)
			return ps->v[i].pid;
	}
	return 0;
}

static void print(const struct procs *ps, const char *passwd)
{
	long hz = sysconf(_SC_CLK_TCK);
	struct timespec now;
	time_t boot, started, today = time(NULL);
	struct tm tm, tm_now;

	clock_gettime(CLOCK_BOOTTIME, &now);
	boot = today - now.tv_sec;
	localtime_r(&today, &tm_now);
	printf("%-8s %7s %7s %2s %5s %-8s %8s %s\n", "UID", "PID", "PPID", "C", "STIME", "TTY",
	       "TIME", "CMD");
	for (size_t i = 0; i < ps->n; i++) {
		const struct proc *p = &ps->v[i];
		unsigned long long secs = p->ticks / (unsigned long long)hz;
		unsigned long long up =
		    (unsigned long long)now.tv_sec - p->start / (unsigned long long)hz;
		char user[32], stime[16], tty[16], cpu[16];

		user_name_of(passwd, p->uid, user, sizeof(user));
		started = boot + (time_t)(p->start / (unsigned long long)hz);
		localtime_r(&started, &tm);
		strftime(stime, sizeof(stime), tm.tm_yday == tm_now.tm_yday ? "%H:%M" : "%b%d",
			 &tm);
		if (major((dev_t)p->tty) == 136)
			snprintf(tty, sizeof(tty), "pts/%u", minor((dev_t)p->tty));
		else
			snprintf(tty, sizeof(tty), "?");
		snprintf(cpu, sizeof(cpu), "%llu", up ? secs * 100 / up : 0);
		printf("%-8s %7d %7d %2s %5s %-8s %02llu:%02llu:%02llu %s\n", user, (int)p->pid,
		       (int)container_pid(ps, p->ppid_host), cpu, stime, tty, secs / 3600,
		       secs / 60 % 60, secs % 60, p->cmd);
	}
}

/* Joins the user namespace of the running container's PID 1; its pid into *pid1. */
static int join_container(const char *name, pid_t *pid1, struct cr_error *err)
{
	struct cr_paths paths;
	struct cr_state st;
	struct cr_status s;
	int pidfd = -1, ret = -1;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	if (state_validate_name(name, err) < 0 || state_open_unlocked(&paths, name, &st, err) < 0)
		goto out;
	lifecycle_status(&st, &s);
	state_release(&st);
	if (strcmp(s.status, "running") || (pidfd = cr_pidfd_verified(s.pid, s.pid_start)) < 0) {
		cr_fail(err, 0, "container '%s' is not running", name);
		cr_hint(err, "start it with 'conti-rootless start %s'", name);
	} else if (setns(pidfd, CLONE_NEWUSER) < 0) {
		cr_fail(err, errno, "join the user namespace of container '%s'", name);
	} else {
		*pid1 = s.pid;
		ret = 0;
	}
	if (pidfd >= 0)
		close(pidfd);
out:
	state_paths_free(&paths);
	return ret;
}

int cmd_top(const char *name, struct cr_error *err)
{
	struct procs ps = {0};
	struct stat ns;
	cleanup_free char *passwd = NULL;
	cleanup_free char *ns_path = NULL;
	pid_t pid1 = 0;

	if (join_container(name, &pid1, err) < 0)
		return -1;
	ns_path = cr_xasprintf("/proc/%d/ns/pid", (int)pid1);
	if (stat(ns_path, &ns) < 0)
		return cr_fail(err, errno, "container '%s' stopped", name);
	passwd = read_passwd(pid1);
	collect(&ns, &ps);
	qsort(ps.v, ps.n, sizeof(*ps.v), by_pid);
	print(&ps, passwd);
	free(ps.v);
	return 0;
}
