/* keeper.c - starting, checking and joining the keeper; namespace handles. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <linux/types.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keeper.h"
#include "state.h"
#include "trace.h"
#include "userns.h"
#include "utils.h"

#define KEEPER_NAME "conti-rootless-keeper"

#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(0xb7, 0x5, __u64)
#endif
#define NS_GET_MNTNS_ID_ NS_GET_MNTNS_ID

const char *const cr_ns_names[CR_NS_KINDS] = {"user", "mnt", "pid", "uts", "ipc", "net"};

/* What RUNTIME/.keeper.pid records (first line: the pid alone, for people and scripts). */
struct record {
	pid_t pid;
	unsigned long long start;  /* /proc/PID/stat start time */
	unsigned long long userns; /* inode of its user namespace */
	int mode;
	long long subuid_mtime, subgid_mtime;
	char uidmap[512], gidmap[512]; /* userns_map_format text */
};

unsigned long long cr_proc_start_time(pid_t pid)
{
	char path[64], buf[1024], state = 0;
	struct cr_error ignored;
	unsigned long long start = 0;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (pid <= 0 || cr_read_file(path, buf, sizeof(buf), &ignored) < 0)
		return 0;
	p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
	if (!p || sscanf(p + 2,
			 "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu",
			 &state, &start) != 2)
		return 0;
	return state == 'Z' || state == 'X' ? 0 : start; /* dead, not yet reaped: gone */
}

int cr_pidfd_verified(pid_t pid, unsigned long long start_time)
{
	int fd;

	if (pid <= 0 || !start_time)
		return -1;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -1;
	/* The pidfd pins the process it names; if that one is no longer pid's owner, the
	 * start time read now is another process's. */
	if (cr_proc_start_time(pid) != start_time ||
	    syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static unsigned long long userns_inode(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	return stat(path, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

static long long mtime_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0
		   ? (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec
		   : 0;
}

/* Reads the text of .keeper.pid into rec; -1 if it is not one. */
static int parse_record(const char *buf, struct record *rec)
{
	int pid;

	memset(rec, 0, sizeof(*rec));
	if (sscanf(buf,
		   "%d\nstart=%llu\nuserns=%llu\nmode=%d\nsubuid_mtime=%lld\nsubgid_mtime=%lld",
		   &pid, &rec->start, &rec->userns, &rec->mode, &rec->subuid_mtime,
		   &rec->subgid_mtime) != 6 ||
	    state_record_get(buf, "uidmap", rec->uidmap, sizeof(rec->uidmap)) < 0 ||
	    state_record_get(buf, "gidmap", rec->gidmap, sizeof(rec->gidmap)) < 0)
		return -1;
	rec->pid = pid;
	return 0;
}

int keeper_record_valid(const char *text)
{
	struct record rec;

	return parse_record(text, &rec);
}

static int read_record(const struct cr_paths *paths, struct record *rec)
{
	cleanup_free char *path = cr_xasprintf("%s/.keeper.pid", paths->runtime);
	char buf[2048];
	struct cr_error ignored;

	memset(rec, 0, sizeof(*rec));
	if (cr_read_file(path, buf, sizeof(buf), &ignored) < 0)
		return -1;
	return parse_record(buf, rec);
}

static int write_record(const struct cr_paths *paths, const struct record *rec,
			struct cr_error *err)
{
	cleanup_free char *tmp = cr_xasprintf("%s/.keeper.pid.tmp", paths->runtime);
	cleanup_free char *path = cr_xasprintf("%s/.keeper.pid", paths->runtime);
	cleanup_free char *text = cr_xasprintf(
	    "%d\nstart=%llu\nuserns=%llu\nmode=%d\nsubuid_mtime=%lld\nsubgid_mtime=%lld\n"
	    "uidmap=%s\ngidmap=%s\n",
	    (int)rec->pid, rec->start, rec->userns, rec->mode, rec->subuid_mtime, rec->subgid_mtime,
	    rec->uidmap, rec->gidmap);

	if (cr_write_file(tmp, text, strlen(text), 0600, err) < 0)
		return -1;
	if (rename(tmp, path) < 0)
		return cr_fail(err, errno, "rename %s", tmp);
	return 0;
}

/* A pidfd of the keeper rec names, if it is alive and ours (same start, same userns). */
static int verified_keeper(const struct record *rec)
{
	int fd = cr_pidfd_verified(rec->pid, rec->start);

	if (fd >= 0 && userns_inode(rec->pid) != rec->userns) {
		close(fd);
		return -1;
	}
	return fd;
}

static int sync_read(int sock, char want, struct cr_error *err)
{
	char msg[1 + sizeof(int)];
	ssize_t n = cr_read_all(sock, msg, 1);
	int e = 0;

	if (n == 1 && msg[0] == want)
		return 0;
	if (n == 1 && msg[0] == 'E' && cr_read_all(sock, msg + 1, sizeof(int)) == sizeof(int))
		memcpy(&e, msg + 1, sizeof(int));
	if (want == 'u')
		return userns_explain_errno(e ? e : ECHILD, err);
	return cr_fail(err, e ? e : ECHILD, "the keeper could not make its mount namespace");
}

/* Starts the keeper helper with sock as fd 3, in a session of its own, as a grandchild
 * that init adopts at once (it must not be the child of one command). */
static int spawn(const char *runtime, int sock, struct cr_error *err)
{
	cleanup_close int exe = cr_open_helper(KEEPER_NAME, err);
	char *argv[] = {KEEPER_NAME, (char *)runtime, NULL};
	char *envp[] = {NULL};
	pid_t pid;
	int status;

	if (exe < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return cr_fail(err, errno, "fork");
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		if (fork() != 0)
			_exit(0);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (sock == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(sock, 3) < 0)
			_exit(127);
		syscall(SYS_close_range, 4U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
		syscall(SYS_execveat, exe, "", argv, envp, AT_EMPTY_PATH);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static int start(const struct cr_paths *paths, enum cr_uidmap_mode mode, bool trace,
		 struct record *rec, struct cr_error *err)
{
	unsigned long long t0 = cr_now_ns();
	struct cr_userns_plan plan;
	int sv[2];
	pid_t pid;

	if (userns_resolve(mode, &plan, err) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return cr_fail(err, errno, "socketpair");
	pid = -1;
	if (spawn(paths->runtime, sv[1], err) < 0) {
		close(sv[1]);
		goto fail;
	}
	close(sv[1]);
	if (sync_read(sv[0], 'u', err) < 0)
		goto fail;
	if (cr_read_all(sv[0], &pid, sizeof(pid)) != sizeof(pid)) {
		pid = -1;
		cr_fail(err, ECHILD, "the keeper did not start");
		goto fail;
	}
	trace_step(trace, t0, "unshare --user %s %s &  # the keeper, pid %d", KEEPER_NAME,
		   paths->runtime, (int)pid);
	if (userns_map_process(&plan, pid, trace, err) < 0 || cr_write_all(sv[0], "m", 1) < 0 ||
	    sync_read(sv[0], 'r', err) < 0)
		goto fail;
	close(sv[0]);
	*rec = (struct record){.pid = pid,
			       .start = cr_proc_start_time(pid),
			       .userns = userns_inode(pid),
			       .mode = plan.mode,
			       .subuid_mtime = mtime_of("/etc/subuid"),
			       .subgid_mtime = mtime_of("/etc/subgid")};
	userns_map_format(&plan.uid, rec->uidmap, sizeof(rec->uidmap));
	userns_map_format(&plan.gid, rec->gidmap, sizeof(rec->gidmap));
	trace_step(trace, t0, "mount --bind --make-private %s %s  # in the keeper", paths->runtime,
		   paths->runtime);
	return write_record(paths, rec, err);
fail:
	close(sv[0]);
	if (pid > 0)
		kill(pid, SIGKILL);
	return -1;
}

/* /etc/subuid or /etc/subgid changed since the keeper was made. */
static bool ids_changed(const struct record *rec)
{
	return mtime_of("/etc/subuid") != rec->subuid_mtime ||
	       mtime_of("/etc/subgid") != rec->subgid_mtime;
}

bool keeper_mapping_stale(const struct cr_paths *paths)
{
	struct record rec;
	int fd;

	if (read_record(paths, &rec) < 0 || (fd = verified_keeper(&rec)) < 0)
		return false;
	close(fd);
	return ids_changed(&rec);
}

pid_t keeper_pid(const struct cr_paths *paths)
{
	struct record rec;
	int fd;

	if (read_record(paths, &rec) < 0 || (fd = verified_keeper(&rec)) < 0)
		return 0;
	close(fd);
	return rec.pid;
}

/* True when no container holds its lock (so the keeper may be replaced). */
static bool none_running(const struct cr_paths *paths)
{
	size_t n;
	char **names = state_list(paths, &n);
	bool none = true;

	for (size_t i = 0; i < n; i++) {
		struct cr_state st;
		struct cr_error ignored;

		if (none && state_open_unlocked(paths, names[i], &st, &ignored) == 0) {
			none = !state_is_locked(&st);
			state_release(&st);
		}
		free(names[i]);
	}
	free(names);
	return none;
}

static int join(int pidfd, int nstypes, bool trace, const struct record *rec, struct cr_error *err)
{
	unsigned long long t0 = cr_now_ns();

	if (setns(pidfd, nstypes) < 0)
		return cr_fail(err, errno, "join the keeper (pid %d)", (int)rec->pid);
	trace_step(trace, t0, "nsenter --user%s --target %d",
		   nstypes & CLONE_NEWNS ? " --mount" : "", (int)rec->pid);
	return 0;
}

int keeper_join_mounts(struct cr_keeper *k, bool trace, struct cr_error *err)
{
	unsigned long long t0 = cr_now_ns();

	if (k->pidfd < 0 || setns(k->pidfd, CLONE_NEWNS) < 0)
		return cr_fail(err, k->pidfd < 0 ? EBADF : errno,
			       "join the keeper's mount namespace (pid %d)", (int)k->pid);
	trace_step(trace, t0, "nsenter --mount --target %d", (int)k->pid);
	return 0;
}

void keeper_release(struct cr_keeper *k)
{
	if (k->pidfd >= 0)
		close(k->pidfd);
	k->pidfd = -1;
}

/* The id of the keeper's mount namespace (0 where the kernel cannot tell). */
static unsigned long long keeper_mntns_id(pid_t pid)
{
	char path[64];
	cleanup_close int fd = -1;
	__u64 id = 0;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, NS_GET_MNTNS_ID_, &id) < 0)
		return 0;
	return id;
}

int keeper_join(const struct cr_paths *paths, enum cr_uidmap_mode mode, bool trace, bool user_only,
		struct cr_keeper *k, struct cr_error *err)
{
	cleanup_free char *lockpath = cr_xasprintf("%s/.keeper.lock", paths->runtime);
	cleanup_close int lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	cleanup_close int pidfd = -1;
	struct record rec;
	int ret = -1;

	memset(k, 0, sizeof(*k));
	k->pidfd = -1;
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return cr_fail(err, errno, "lock %s", lockpath);
	if (read_record(paths, &rec) == 0)
		pidfd = verified_keeper(&rec);
	if (pidfd >= 0 && ids_changed(&rec)) {
		if (none_running(paths)) {
			syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
			close(pidfd);
			pidfd = -1;
		}
	}
	if (pidfd < 0) {
		if (start(paths, mode == CR_UIDMAP_SINGLE ? CR_UIDMAP_AUTO : mode, trace, &rec,
			  err) < 0)
			goto out;
		k->started = true;
		pidfd = verified_keeper(&rec);
		if (pidfd < 0) {
			ret =
			    cr_fail(err, ESRCH, "the keeper (pid %d) exited at once", (int)rec.pid);
			goto out;
		}
	}
	k->pid = rec.pid;
	k->mode = (enum cr_uidmap_mode)rec.mode;
	if (userns_map_parse(rec.uidmap, &k->uid) < 0 || userns_map_parse(rec.gidmap, &k->gid) < 0)
		ret = cr_fail(err, EINVAL, "damaged keeper record in %s", paths->runtime);
	else
		ret = join(pidfd, CLONE_NEWUSER | (user_only ? 0 : CLONE_NEWNS), trace, &rec, err);
	if (ret == 0) {
		k->mntns_id = keeper_mntns_id(rec.pid);
		k->pidfd = pidfd;
		pidfd = -1;
	}
out:
	return ret;
}

static bool is_mount_root(const char *path)
{
	bool root = false;

	return cr_mount_info_at(AT_FDCWD, path, NULL, &root) == 0 && root;
}

void keeper_stop_if_idle(const struct cr_paths *paths)
{
	cleanup_free char *lockpath = cr_xasprintf("%s/.keeper.lock", paths->runtime);
	cleanup_free char *pidpath = cr_xasprintf("%s/.keeper.pid", paths->runtime);
	cleanup_close int lock = open(lockpath, O_RDWR | O_CLOEXEC);
	cleanup_close int pidfd = -1;
	struct record rec;

	if (lock < 0 || flock(lock, LOCK_EX) < 0 || read_record(paths, &rec) < 0)
		return;
	pidfd = verified_keeper(&rec);
	if (pidfd < 0 || !none_running(paths))
		return;
	syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
	unlink(pidpath);
}

int keeper_add_handle(const char *state_dir, int kind, int fd, struct cr_error *err)
{
	cleanup_free char *dir = cr_xasprintf("%s/" CR_NS_DIR, state_dir);
	cleanup_free char *file = cr_xasprintf("%s/%s", dir, cr_ns_names[kind]);
	char src[64];
	int made;

	/* ns/ is made a mount point, so that one detach drops every handle. */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return cr_fail(err, errno, "mkdir %s", dir);
	if (!is_mount_root(dir) && (mount(dir, dir, NULL, MS_BIND, NULL) < 0 ||
				    mount(NULL, dir, NULL, MS_PRIVATE, NULL) < 0))
		return cr_fail(err, errno, "make %s a mount point", dir);
	made = open(file, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (made < 0)
		return cr_fail(err, errno, "create %s", file);
	close(made);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	if (mount(src, file, NULL, MS_BIND, NULL) < 0)
		return cr_fail(err, errno, "bind the %s namespace to %s", cr_ns_names[kind], file);
	return 0;
}

void keeper_drop_handles(const char *state_dir)
{
	cleanup_free char *dir = cr_xasprintf("%s/" CR_NS_DIR, state_dir);
	struct cr_error ignored;

	umount2(dir, MNT_DETACH);
	cr_rm_rf(dir, &ignored);
}

unsigned long long cr_mntns_id(void)
{
	cleanup_close int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	__u64 id = 0;

	if (fd < 0 || ioctl(fd, NS_GET_MNTNS_ID, &id) < 0)
		return 0;
	return id;
}

int cr_mntns_newer_than(unsigned long long parent)
{
	cpu_set_t saved, one;
	int ret = -1;

	if (!parent || cr_mntns_id() > parent)
		return 0;
	if (sched_getaffinity(0, sizeof(saved), &saved) < 0)
		return -1;
	/* Every CPU we may run on (not sysconf's count: musl's is that of the allowed ones). */
	for (int cpu = 0; cpu < CPU_SETSIZE && ret < 0; cpu++) {
		if (!CPU_ISSET(cpu, &saved))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one) == 0 && unshare(CLONE_NEWNS) == 0 &&
		    cr_mntns_id() > parent)
			ret = 0;
	}
	sched_setaffinity(0, sizeof(saved), &saved);
	return ret;
}
