/* cgattack.c - run inside a container by the limits suite: tries to change the container's
 * own cgroup limits, as its root would. Prints one line per attempt that worked:
 * "WROTE FILE" or "MADE DIR"; "TRIED N" at the end (N attempts). It tries the host's cgroup
 * v2 mount as the container sees it (its own cgroup, from /proc/self/cgroup: pids.max,
 * memory.max, cpu.max, cgroup.max.depth, cgroup.procs of the parent) and a cgroup2 mount of
 * its own, in a new cgroup namespace whose root is its cgroup (no nsdelegate on the host's
 * mount: the kernel then lets the namespace's root write its own files).
 * Static: it runs in a busybox rootfs.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static int tried;

/* Writes value into dir/file; says so when it worked. */
static void try_write(const char *dir, const char *file, const char *value)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (access(path, F_OK) != 0)
		return;
	tried++;
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return;
	if (write(fd, value, strlen(value)) == (ssize_t)strlen(value))
		printf("WROTE %s\n", path);
	close(fd);
}

static void try_mkdir(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/attack", dir);
	tried++;
	if (mkdir(path, 0755) == 0) {
		printf("MADE %s\n", path);
		rmdir(path);
	}
}

/* Every limit file of the cgroup at dir, and a child cgroup in it. */
static void attack(const char *dir)
{
	static const char *const files[] = {
	    "pids.max",	  "memory.max", "memory.swap.max",  "cpu.max",
	    "cpu.weight", "io.weight",	"cgroup.max.depth", "cgroup.max.descendants"};
	/* none of them a default or a value the suite sets: a write shows from the host */
	static const char *const values[] = {"4242", "424242688",    "424242688", "4242 100000",
					     "4242", "default 4242", "4242",	  "4242"};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		try_write(dir, files[i], values[i]);
	try_mkdir(dir);
}

int main(void)
{
	char line[4096], own[4096] = "", dir[8192], parent[8192];
	FILE *f = fopen("/proc/self/cgroup", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(own, sizeof(own), "%s", line + 3);
		}
	if (f)
		fclose(f);
	for (int m = 0; m < 2; m++) {
		const char *mnt = m ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup";
		char *slash;

		snprintf(dir, sizeof(dir), "%s%s", mnt, own);
		attack(dir);
		snprintf(parent, sizeof(parent), "%s", dir);
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			/* out of its own cgroup, into the parent's (limits do not bind there) */
			snprintf(line, sizeof(line), "%d", (int)getpid());
			try_write(parent, "cgroup.procs", line);
		}
	}
	if (unshare(CLONE_NEWNS | CLONE_NEWCGROUP) != 0)
		printf("unshare of a cgroup namespace: %m\n");
	else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
		 (mkdir("/tmp/cgattack", 0700) == 0 || access("/tmp/cgattack", F_OK) == 0)) {
		if (mount("none", "/tmp/cgattack", "cgroup2", 0, NULL) != 0) {
			printf("mount of cgroup2 in a cgroup namespace of its own: %m\n");
		} else {
			printf("MOUNTED cgroup2 in a cgroup namespace of its own\n");
			attack("/tmp/cgattack");
			umount("/tmp/cgattack");
		}
		rmdir("/tmp/cgattack");
	}
	printf("TRIED %d\n", tried);
	return 0;
}
