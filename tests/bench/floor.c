/* floor.c - the least a rootless container start can do, for the benchmark to compare with:
 * only the kernel steps of a default `conti-rootless run --rm ROOTFS /bin/true`, with no
 * options, no state and no error reporting (a failed step only sets the exit status).
 *
 *   bench-floor [--single] [--no-overlay | --fuse] ROOTFS SCRATCH
 *
 * The parent clones a child in new user, mount, PID, UTS and IPC namespaces and maps it:
 * newuidmap and newgidmap with the user's /etc/subuid and /etc/subgid ranges, run for each
 * container (as conti-rootless did before it had a keeper), or with --single "0 UID 1"
 * written directly (setgroups deny). The child makes / rprivate, mounts a kernel overlay of
 * ROOTFS (upper and work in a new directory under SCRATCH, option userxattr; --no-overlay:
 * a bind mount of ROOTFS instead; --fuse: fuse-overlayfs, run in the namespaces, mounts the
 * same overlay), /proc, and a tmpfs /dev with /dev/null bound in it, then
 * pivot_root(".", "."), umount2(".", MNT_DETACH) and exec /bin/true. The parent waits,
 * removes its directory and exits with the child's status.
 */
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_RANGES 16

extern char **environ;

struct idmap {
	char *argv[2 + 3 * (MAX_RANGES + 1) + 1]; /* newuidmap PID inside outside count ... */
	char nums[2 + 3 * (MAX_RANGES + 1)][24];
	size_t argc;
};

static void push(struct idmap *m, unsigned long value)
{
	char *num = m->nums[m->argc - 1];

	snprintf(num, sizeof(m->nums[0]), "%lu", value);
	m->argv[m->argc++] = num;
}

/* newuidmap/newgidmap arguments: 0 -> self, then the user's ranges from 1 up. */
static void subid_args(struct idmap *m, const char *helper, const char *file, pid_t pid,
		       unsigned long self)
{
	struct passwd *pw = getpwuid(getuid());
	unsigned long next = 1, start, count;
	char line[256], name[128], own[24];
	FILE *f = fopen(file, "re");

	snprintf(own, sizeof(own), "%lu", (unsigned long)getuid());
	m->argc = 0;
	m->argv[m->argc++] = (char *)helper;
	push(m, (unsigned long)pid);
	push(m, 0);
	push(m, self);
	push(m, 1);
	while (f && fgets(line, sizeof(line), f) &&
	       m->argc + 3 < sizeof(m->argv) / sizeof(char *)) {
		if (sscanf(line, "%127[^:]:%lu:%lu", name, &start, &count) != 3 ||
		    (strcmp(name, own) && (!pw || strcmp(name, pw->pw_name))))
			continue;
		push(m, next);
		push(m, start);
		push(m, count);
		next += count;
	}
	if (f)
		fclose(f);
	m->argv[m->argc] = NULL;
}

static int wait_ok(pid_t pid)
{
	int status;

	if (pid <= 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Both setuid helpers at once, as conti-rootless ran them. */
static int map_subid(pid_t pid)
{
	struct idmap u, g;
	pid_t up = -1, gp = -1;
	int ret;

	subid_args(&u, "newuidmap", "/etc/subuid", pid, (unsigned long)getuid());
	subid_args(&g, "newgidmap", "/etc/subgid", pid, (unsigned long)getgid());
	if (posix_spawnp(&up, u.argv[0], NULL, NULL, u.argv, environ) != 0)
		up = -1;
	if (posix_spawnp(&gp, g.argv[0], NULL, NULL, g.argv, environ) != 0)
		gp = -1;
	ret = wait_ok(up);
	return wait_ok(gp) < 0 ? -1 : ret;
}

static int write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

static int map_single(pid_t pid)
{
	char map[64];

	if (write_proc(pid, "setgroups", "deny") < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %lu 1\n", (unsigned long)getuid());
	if (write_proc(pid, "uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %lu 1\n", (unsigned long)getgid());
	return write_proc(pid, "gid_map", map);
}

enum layer { LAYER_KERNEL, LAYER_NONE, LAYER_FUSE };

/* fuse-overlayfs, which returns once it has mounted and gone to the background. */
static int mount_fuse(const char *opts, const char *root)
{
	char *argv[] = {"fuse-overlayfs", "-o", (char *)opts, (char *)root, NULL};
	pid_t pid;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -1;
	return wait_ok(pid);
}

/* The child, PID 1 of its namespaces, once it is mapped. */
static int container(const char *rootfs, const char *dir, enum layer layer)
{
	char root[PATH_MAX], opts[3 * PATH_MAX];
	char *argv[] = {"true", NULL};

	snprintf(root, sizeof(root), "%s/root", dir);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 10;
	if (layer == LAYER_FUSE) {
		snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s/upper,workdir=%s/work",
			 rootfs, dir, dir);
		if (mount_fuse(opts, root) < 0)
			return 11;
	} else if (layer == LAYER_KERNEL) {
		snprintf(opts, sizeof(opts),
			 "lowerdir=%s,upperdir=%s/upper,workdir=%s/work,userxattr", rootfs, dir,
			 dir);
		if (mount("overlay", root, "overlay", 0, opts) < 0)
			return 11;
	} else if (mount(rootfs, root, NULL, MS_BIND | MS_REC, NULL) < 0) {
		return 11;
	}
	if (chdir(root) < 0 ||
	    mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return 12;
	if (mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755") < 0)
		return 13;
	close(open("dev/null", O_CREAT | O_WRONLY | O_CLOEXEC, 0666));
	if (mount("/dev/null", "dev/null", NULL, MS_BIND, NULL) < 0)
		return 14;
	if (syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return 15;
	execve("/bin/true", argv, environ);
	return 127;
}

static void remove_dir(const char *dir)
{
	const char *sub[] = {"work/work", "work/index", "work", "upper", "root", ""};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sub[i]);
		rmdir(path);
	}
}

int main(int argc, char **argv)
{
	bool single = false;
	enum layer layer = LAYER_KERNEL;
	char dir[PATH_MAX], path[PATH_MAX + 8];
	int i = 1, sync[2], status;
	pid_t pid;
	char go = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--single"))
			single = true;
		else if (!strcmp(argv[i], "--no-overlay"))
			layer = LAYER_NONE;
		else if (!strcmp(argv[i], "--fuse"))
			layer = LAYER_FUSE;
		else
			break;
	}
	if (argc - i != 2) {
		fprintf(stderr,
			"usage: bench-floor [--single] [--no-overlay | --fuse] ROOTFS SCRATCH\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/floor.XXXXXX", argv[i + 1]);
	if (!mkdtemp(dir))
		return 3;
	snprintf(path, sizeof(path), "%s/root", dir);
	mkdir(path, 0755);
	if (layer != LAYER_NONE) {
		snprintf(path, sizeof(path), "%s/upper", dir);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/work", dir);
		mkdir(path, 0755);
	}
	if (pipe2(sync, O_CLOEXEC) < 0)
		return 3;
	pid = (pid_t)syscall(SYS_clone,
			     CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |
				 CLONE_NEWIPC | SIGCHLD,
			     NULL, NULL, NULL, NULL);
	if (pid < 0)
		return 4;
	if (pid == 0) {
		close(sync[1]);
		if (read(sync[0], &go, 1) != 1 || go != 'g')
			_exit(5);
		_exit(container(argv[i], dir, layer));
	}
	close(sync[0]);
	if ((single ? map_single(pid) : map_subid(pid)) == 0 && write(sync[1], "g", 1) != 1)
		kill(pid, SIGKILL);
	close(sync[1]);
	if (waitpid(pid, &status, 0) != pid)
		status = 6 << 8;
	remove_dir(dir);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
