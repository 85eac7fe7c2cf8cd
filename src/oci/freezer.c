/* freezer.c - the cgroup v2 freezer of one cgroup, for pause and resume: refused on the root
 * cgroup and on a cgroup (or one below it) holding a process of another PID namespace. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/pause.h"
#include "utils.h"

#define FREEZE_WAIT_MS 5000

/* True when pid is in the PID namespace whose /proc/PID/ns/pid stat is ns. */
static bool in_pidns(pid_t pid, const struct stat *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	return stat(path, &st) == 0 && st.st_dev == ns->st_dev && st.st_ino == ns->st_ino;
}

/* Checks that every process of the cgroup dir (its cgroup.procs, and its children's) is
 * the container's; depth-bounded. */
static int only_ours(int dir, const char *rel, const struct stat *ns, const char *verb, int depth,
		     struct cr_error *err)
{
	cleanup_close int procs = openat(dir, "cgroup.procs", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[65536];
	ssize_t n;
	DIR *d;
	struct dirent *de;
	int sub;

	if (procs < 0)
		return cr_fail(err, errno, "cannot %s: read %s/cgroup.procs", verb, rel);
	n = cr_read_all(procs, buf, sizeof(buf) - 1);
	if (n < 0)
		return cr_fail(err, errno, "cannot %s: read %s/cgroup.procs", verb, rel);
	buf[n] = '\0';
	for (char *p = buf; *p;) {
		pid_t pid = (pid_t)strtol(p, &p, 10);

		if (pid > 0 && !in_pidns(pid, ns)) {
			cr_fail(err, 0,
				"cannot %s: cgroup %s holds process %d, which is not the "
				"container's",
				verb, rel, (int)pid);
			return cr_hint(err, "freezing it would stop that process too: give the "
					    "container a cgroup of its own (the engine's cgroup "
					    "manager)");
		}
		p += strspn(p, "\n");
	}
	if (depth > 32)
		return 0;
	sub = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = sub < 0 ? NULL : fdopendir(sub);
	if (!d)
		return cr_fail(err, errno, "cannot %s: list %s", verb, rel);
	while ((de = readdir(d))) {
		cleanup_close int child = -1;
		cleanup_free char *crel = NULL;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		child = openat(dirfd(d), de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (child < 0)
			continue;
		crel = cr_xasprintf("%s/%s", rel, de->d_name);
		if (only_ours(child, crel, ns, verb, depth + 1, err) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

/* Reads "frozen N" of dir's cgroup.events: 1, 0, or -1. */
static int frozen_state(int dir)
{
	cleanup_close int fd = openat(dir, "cgroup.events", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[512], *f;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	f = strstr(buf, "frozen ");
	return f ? f[7] == '1' : -1;
}

int oci_freeze_cgroup(const char *mount, const char *rel, const struct stat *pidns, bool freeze,
		      struct cr_error *err)
{
	const char *verb = freeze ? "pause" : "resume";
	cleanup_close int dir = -1;
	cleanup_close int fd = -1;
	long long waited = 0;

	if (!rel[0] || !strcmp(rel, "/")) {
		cr_fail(err, 0,
			"cannot %s: the container's process is in the root cgroup of %s, shared "
			"with the whole machine",
			verb, mount);
		return cr_hint(err, "this runtime makes no cgroups: give the container one of "
				    "its own (the engine's cgroup manager), or use kill -STOP");
	}
	if (strstr(rel, "/..") || rel[0] != '/')
		return cr_fail(err, 0, "cannot %s: cgroup path %s", verb, rel);
	{
		cleanup_free char *path = cr_xasprintf("%s%s", mount, rel);

		dir = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dir < 0)
			return cr_fail(err, errno, "cannot %s: open cgroup %s", verb, path);
	}
	if (pidns && only_ours(dir, rel, pidns, verb, 0, err) < 0)
		return -1;
	fd = openat(dir, "cgroup.freeze", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		cr_fail(err, errno, "cannot %s: open %s%s/cgroup.freeze", verb, mount, rel);
		return cr_hint(err, errno == ENOENT ? "the kernel has no cgroup v2 freezer (5.2+)"
						    : "the cgroup is not delegated to you");
	}
	if (write(fd, freeze ? "1" : "0", 1) != 1)
		return cr_fail(err, errno, "cannot %s: write %s%s/cgroup.freeze", verb, mount, rel);
	/* frozen is reported once every task has stopped */
	while (frozen_state(dir) != (freeze ? 1 : 0)) {
		if (waited >= FREEZE_WAIT_MS)
			return cr_fail(err, 0, "%s: cgroup %s%s did not become %s in %d ms", verb,
				       mount, rel, freeze ? "frozen" : "thawed", FREEZE_WAIT_MS);
		usleep(10000);
		waited += 10;
	}
	return 0;
}
