/* keeper.c - starting, checking and joining the keeper; namespace handles. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
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
#include <time.h>
#include <unistd.h>

#include "container.h"
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

/* The fds the keeper holds for its life (helpers/keeper.c): the sealed init helper, and
 * RUNTIME/.keeper.lock, on which it holds an OFD lock. */
#define KEEPER_INIT_FD 4
#define KEEPER_ALIVE_FD 5
#define MAP_TEXT_MAX 4096
#define RECORD_MAX 16384
/* How long a command waits for a dying keeper to let go of its lock. */
#define ALIVE_WAIT_MS 3000

/* What RUNTIME/.keeper.pid records (first line: the pid alone, for people and scripts). */
struct record {
	pid_t pid;
	unsigned long long start;  /* /proc/PID/stat start time */
	unsigned long long userns; /* inode of its user namespace */
	int mode;
	char subids[128]; /* stamp of /etc/subuid and /etc/subgid (stamp_of) */
	char init[128];	  /* stamp of the init helper its memfd copies */
	char uidmap[MAP_TEXT_MAX], gidmap[MAP_TEXT_MAX]; /* userns_map_format text */
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

/* "DEV:INO:SIZE:MTIME" of st: a file replaced (rename), rewritten or touched differs. */
static void stamp_stat(const struct stat *st, char *buf, size_t len)
{
	snprintf(buf, len, "%llu:%llu:%lld:%lld.%09ld", (unsigned long long)st->st_dev,
		 (unsigned long long)st->st_ino, (long long)st->st_size,
		 (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

/* The stamps of /etc/subuid and /etc/subgid, "-" for a missing one: when they are
 * unchanged, so are the user's ranges, and the idmap helper need not run. */
static void stamp_subids(char *buf, size_t len)
{
	char one[2][64];
	const char *files[2] = {"/etc/subuid", "/etc/subgid"};

	for (int i = 0; i < 2; i++) {
		struct stat st;

		if (stat(files[i], &st) == 0)
			stamp_stat(&st, one[i], sizeof(one[i]));
		else
			snprintf(one[i], sizeof(one[i]), "-");
	}
	snprintf(buf, len, "%s,%s", one[0], one[1]);
}

/* Reads the text of .keeper.pid into rec; -1 unless it is a whole record. */
static int parse_record(const char *buf, struct record *rec)
{
	char num[32];
	char *end;
	long pid;

	memset(rec, 0, sizeof(*rec));
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno || end == buf || *end != '\n' || pid <= 1 || pid > INT_MAX)
		return -1;
	rec->pid = (pid_t)pid;
	if (state_record_get(buf, "start", num, sizeof(num)) < 0 ||
	    sscanf(num, "%llu", &rec->start) != 1 ||
	    state_record_get(buf, "userns", num, sizeof(num)) < 0 ||
	    sscanf(num, "%llu", &rec->userns) != 1 ||
	    state_record_get(buf, "mode", num, sizeof(num)) < 0 ||
	    sscanf(num, "%d", &rec->mode) != 1 ||
	    (rec->mode != CR_UIDMAP_SUBID && rec->mode != CR_UIDMAP_SINGLE) ||
	    state_record_get(buf, "subids", rec->subids, sizeof(rec->subids)) < 0 ||
	    state_record_get(buf, "init", rec->init, sizeof(rec->init)) < 0 ||
	    state_record_get(buf, "uidmap", rec->uidmap, sizeof(rec->uidmap)) < 0 ||
	    state_record_get(buf, "gidmap", rec->gidmap, sizeof(rec->gidmap)) < 0)
		return -1;
	return 0;
}

int keeper_record_valid(const char *text)
{
	struct record rec;

	return parse_record(text, &rec);
}

/* Reads RUNTIME/.keeper.pid: a regular file of ours, never followed through a symlink,
 * never a FIFO or device; whatever it holds, -1 unless it is a whole record. */
static int read_record(const struct cr_paths *paths, struct record *rec)
{
	cleanup_free char *path = cr_xasprintf("%s/.keeper.pid", paths->runtime);
	char buf[RECORD_MAX];
	cleanup_close int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	memset(rec, 0, sizeof(*rec));
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != getuid() ||
	    st.st_size >= RECORD_MAX)
		return -1;
	n = cr_read_all(fd, buf, RECORD_MAX - 1);
	if (n <= 0 || memchr(buf, '\0', (size_t)n))
		return -1;
	buf[n] = '\0';
	return parse_record(buf, rec);
}

/* Replaces RUNTIME/.keeper.pid atomically; whatever was there (a directory, a symlink)
 * goes, never followed. */
static int write_record(const struct cr_paths *paths, const struct record *rec,
			struct cr_error *err)
{
	cleanup_free char *tmp = cr_xasprintf("%s/.keeper.pid.tmp", paths->runtime);
	cleanup_free char *path = cr_xasprintf("%s/.keeper.pid", paths->runtime);
	cleanup_free char *text = cr_xasprintf(
	    "%d\nstart=%llu\nuserns=%llu\nmode=%d\nsubids=%s\ninit=%s\nuidmap=%s\ngidmap=%s\n",
	    (int)rec->pid, rec->start, rec->userns, rec->mode, rec->subids, rec->init, rec->uidmap,
	    rec->gidmap);
	cleanup_close int fd = -1;
	struct cr_error ignored;

	if (unlink(tmp) < 0 && errno == EISDIR)
		cr_rm_rf(tmp, &ignored);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cr_fail(err, errno, "create %s", tmp);
	if (cr_write_all(fd, text, strlen(text)) < 0)
		return cr_fail(err, errno, "write %s", tmp);
	if (rename(tmp, path) < 0 && (errno != EISDIR && errno != ENOTEMPTY && errno != EEXIST))
		return cr_fail(err, errno, "rename %s", tmp);
	if (access(tmp, F_OK) == 0) { /* a directory was in the way */
		cr_rm_rf(path, &ignored);
		if (rename(tmp, path) < 0)
			return cr_fail(err, errno, "rename %s", tmp);
	}
	return 0;
}

/* True when pid is a process of ours running the keeper for runtime (its command line
 * is exactly "conti-rootless-keeper RUNTIME"). */
static bool is_our_keeper(pid_t pid, const char *runtime)
{
	char path[64], buf[PATH_MAX + 64];
	cleanup_close int fd = -1;
	size_t nlen = strlen(KEEPER_NAME) + 1, rlen = strlen(runtime) + 1;
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != getuid())
		return false;
	n = cr_read_all(fd, buf, sizeof(buf));
	return n == (ssize_t)(nlen + rlen) && !memcmp(buf, KEEPER_NAME, nlen) &&
	       !memcmp(buf + nlen, runtime, rlen);
}

/* A pidfd of the keeper rec names, if it is alive and is our keeper (same start, same
 * userns, our uid, the keeper's command line for this runtime dir): a damaged or forged
 * record never makes us join or signal another process. */
static int verified_keeper(const struct cr_paths *paths, const struct record *rec)
{
	int fd = cr_pidfd_verified(rec->pid, rec->start);

	if (fd >= 0 &&
	    (userns_inode(rec->pid) != rec->userns || !is_our_keeper(rec->pid, paths->runtime))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Opens RUNTIME/.keeper.lock anew (a directory or symlink there is replaced): commands
 * flock it, one at a time; a keeper holds an OFD lock on its first byte for its life
 * (Linux keeps the two kinds apart). */
static int open_alive(const struct cr_paths *paths)
{
	cleanup_free char *path = cr_xasprintf("%s/.keeper.lock", paths->runtime);
	struct cr_error ignored;
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 && (errno == ELOOP || errno == EISDIR)) {
		if (unlink(path) < 0)
			cr_rm_rf(path, &ignored);
		fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	return fd;
}

/* Takes the OFD lock that says "a keeper lives"; -1 with errno (EAGAIN: one holds it). */
static int lock_alive(int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};

	return fcntl(fd, F_OFD_SETLK, &fl);
}

/* SIGKILLs every live keeper of ours for this runtime dir that the record does not name
 * (a damaged record lost it); returns how many. */
static int kill_lost_keepers(const struct cr_paths *paths)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		int fd;

		if (*end || pid <= 1 || pid == getpid() ||
		    !is_our_keeper((pid_t)pid, paths->runtime))
			continue;
		fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
		/* checked again through the pidfd: the pid may have been reused meanwhile */
		if (fd >= 0 && is_our_keeper((pid_t)pid, paths->runtime) &&
		    syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) == 0)
			n++;
		if (fd >= 0)
			close(fd);
	}
	if (d)
		closedir(d);
	return n;
}

/* The OFD lock of .keeper.lock, which a keeper holds for its life: once we have it, no
 * keeper of ours lives (a dying one lets go as it exits), and the new keeper inherits it.
 * Called only when no keeper could be verified: keepers the record lost (damaged, or
 * written by an older version, whose keepers hold no lock) are killed first; waits up to
 * ALIVE_WAIT_MS for them to go. */
static int take_alive(const struct cr_paths *paths, struct cr_error *err)
{
	unsigned long long deadline = cr_now_ns() + ALIVE_WAIT_MS * 1000000ULL;
	struct timespec pause = {0, 500 * 1000};
	int fd = open_alive(paths);

	if (fd < 0)
		return cr_fail(err, errno, "open %s/.keeper.lock", paths->runtime);
	kill_lost_keepers(paths);
	while (lock_alive(fd) < 0) {
		if (errno != EAGAIN && errno != EACCES && errno != EINTR) {
			close(fd);
			return cr_fail(err, errno, "lock %s/.keeper.lock", paths->runtime);
		}
		if (cr_now_ns() > deadline) {
			close(fd);
			cr_fail(
			    err, EBUSY,
			    "a process holds a lock on %s/.keeper.lock but no keeper of ours runs",
			    paths->runtime);
			return cr_hint(err, "end the process that holds it (fuser %s/.keeper.lock)",
				       paths->runtime);
		}
		nanosleep(&pause, NULL);
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

/* Starts the keeper helper with sock as fd 3, the init helper's sealed copy as fd 4 and
 * .keeper.lock, with the OFD lock that says it lives, as fd 5 (both kept for its life), in a
 * session of its own, as a grandchild that init adopts at once (it must not be the child of one
 * command). */
static int spawn(const char *runtime, int sock, int init, int alive, struct cr_error *err)
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
		int from[3] = {sock, init, alive};

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
		/* out of the way of 3-5 first, then in place (dup2 clears close-on-exec) */
		for (int i = 0; i < 3; i++)
			if ((from[i] = fcntl(from[i], F_DUPFD_CLOEXEC, 10)) < 0)
				_exit(127);
		for (int i = 0; i < 3; i++)
			if (dup2(from[i], 3 + i) < 0)
				_exit(127);
		syscall(SYS_close_range, 6U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
		syscall(SYS_execveat, exe, "", argv, envp, AT_EMPTY_PATH);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/* A sealed copy of the init helper, for the keeper to hold; its file's stamp to stamp. */
static int copy_init(char *stamp, size_t len, struct cr_error *err)
{
	char path[PATH_MAX + 64];
	cleanup_close int fd = -1;
	struct stat st;

	if (cr_find_helper(CR_INIT_NAME, path, sizeof(path), err) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return cr_fail(err, errno, "open the helper %s", path);
	stamp_stat(&st, stamp, len); /* before the copy: a change during it shows later */
	return cr_sealed_copy(fd, CR_INIT_NAME, err);
}

static int start(const struct cr_paths *paths, enum cr_uidmap_mode mode, bool trace,
		 struct record *rec, struct cr_error *err)
{
	unsigned long long t0 = cr_now_ns();
	struct cr_userns_plan plan;
	char subids[128], init_stamp[128];
	cleanup_close int alive = -1, init = -1;
	int sv[2];
	pid_t pid;

	stamp_subids(subids, sizeof(subids)); /* before the ranges are read, as above */
	if (userns_resolve(mode, &plan, err) < 0)
		return -1;
	init = copy_init(init_stamp, sizeof(init_stamp), err);
	if (init < 0)
		return -1;
	alive = take_alive(paths, err);
	if (alive < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return cr_fail(err, errno, "socketpair");
	pid = -1;
	if (spawn(paths->runtime, sv[1], init, alive, err) < 0) {
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
	memset(rec, 0, sizeof(*rec));
	rec->pid = pid;
	rec->start = cr_proc_start_time(pid);
	rec->userns = userns_inode(pid);
	rec->mode = plan.mode;
	snprintf(rec->subids, sizeof(rec->subids), "%s", subids);
	snprintf(rec->init, sizeof(rec->init), "%s", init_stamp);
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

/* True when the user's own subordinate ranges are no longer those the keeper maps.
 * Cheap while /etc/subuid and /etc/subgid are untouched; when they changed, the idmap
 * helper says what the ranges are now (another user's entry changes nothing). */
static bool ranges_changed(const struct record *rec, bool *restamp)
{
	char subids[128], uidmap[MAP_TEXT_MAX], gidmap[MAP_TEXT_MAX];

	*restamp = false;
	stamp_subids(subids, sizeof(subids));
	if (!strcmp(subids, rec->subids))
		return false;
	if (userns_current_maps(uidmap, sizeof(uidmap), gidmap, sizeof(gidmap)) < 0)
		return false; /* cannot tell: keep what works */
	if (strcmp(uidmap, rec->uidmap) || strcmp(gidmap, rec->gidmap))
		return true;
	*restamp = true;
	return false;
}

/* The init helper's file is no longer the one the keeper's copy was made from. */
static bool init_changed(const struct record *rec)
{
	char path[PATH_MAX + 64], stamp[128];
	struct cr_error ignored;
	struct stat st;

	if (cr_find_helper(CR_INIT_NAME, path, sizeof(path), &ignored) < 0 || stat(path, &st) < 0)
		return false;
	stamp_stat(&st, stamp, sizeof(stamp));
	return strcmp(stamp, rec->init) != 0;
}

/* True when no container but own (the caller's, NULL: none) holds its lock, so that the
 * keeper may be replaced. */
static bool none_running(const struct cr_paths *paths, const char *own)
{
	size_t n;
	char **names = state_list(paths, &n);
	bool none = true;

	for (size_t i = 0; i < n; i++) {
		struct cr_state st;
		struct cr_error ignored;

		if (none && (!own || strcmp(own, names[i])) &&
		    state_open_unlocked(paths, names[i], &st, &ignored) == 0) {
			none = !state_is_locked(&st);
			state_release(&st);
		}
		free(names[i]);
	}
	free(names);
	return none;
}

bool keeper_mapping_stale(const struct cr_paths *paths)
{
	struct record rec;
	bool restamp;
	int fd;

	if (read_record(paths, &rec) < 0 || (fd = verified_keeper(paths, &rec)) < 0)
		return false;
	close(fd);
	return ranges_changed(&rec, &restamp) && !none_running(paths, NULL);
}

pid_t keeper_pid(const struct cr_paths *paths)
{
	struct record rec;
	int fd;

	if (read_record(paths, &rec) < 0 || (fd = verified_keeper(paths, &rec)) < 0)
		return 0;
	close(fd);
	return rec.pid;
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

/* Stops the keeper pidfd names and waits until it has let go of its lock. */
static void stop_keeper(int pidfd)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};

	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	/* not our child: a pidfd turns readable once it has exited (its files closed) */
	while (poll(&p, 1, ALIVE_WAIT_MS) < 0 && errno == EINTR)
		;
}

/* A live, verified keeper for the caller (started if need be), its pidfd in *pidfd. */
static int find_or_start(const struct cr_paths *paths, enum cr_uidmap_mode mode, bool trace,
			 const char *own, struct record *rec, struct cr_keeper *k,
			 struct cr_error *err)
{
	int pidfd = -1;
	bool restamp = false;

	if (read_record(paths, rec) == 0)
		pidfd = verified_keeper(paths, rec);
	if (pidfd >= 0) {
		bool ranges = ranges_changed(rec, &restamp);

		k->init_current = !init_changed(rec);
		if ((ranges || !k->init_current) && none_running(paths, own)) {
			stop_keeper(pidfd);
			close(pidfd);
			pidfd = -1;
		} else if (ranges) {
			cr_warn("your subordinate ids changed: running containers keep the old "
				"mapping; the new one applies once they have all stopped");
		} else if (restamp) {
			struct cr_error ignored;

			stamp_subids(rec->subids, sizeof(rec->subids));
			write_record(paths, rec, &ignored);
		}
	}
	if (pidfd >= 0)
		return pidfd;
	if (start(paths, mode == CR_UIDMAP_SINGLE ? CR_UIDMAP_AUTO : mode, trace, rec, err) < 0)
		return -1;
	k->started = true;
	k->init_current = true;
	pidfd = verified_keeper(paths, rec);
	if (pidfd < 0)
		return cr_fail(err, ESRCH, "the keeper (pid %d) exited at once", (int)rec->pid);
	return pidfd;
}

int keeper_join(const struct cr_paths *paths, enum cr_uidmap_mode mode, bool trace, bool user_only,
		const char *own, struct cr_keeper *k, struct cr_error *err)
{
	cleanup_free char *lockpath = cr_xasprintf("%s/.keeper.lock", paths->runtime);
	cleanup_close int lock = open(lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	int nstypes = CLONE_NEWUSER | (user_only ? 0 : CLONE_NEWNS);
	struct record rec;
	int pidfd = -1;

	memset(k, 0, sizeof(*k));
	k->pidfd = -1;
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return cr_fail(err, errno, "lock %s", lockpath);
	/* A keeper killed a moment ago can pass the checks and then refuse the join (ESRCH):
	 * it is replaced, at most twice. */
	for (int tries = 0;; tries++) {
		unsigned long long t0 = cr_now_ns();

		pidfd = find_or_start(paths, mode, trace, own, &rec, k, err);
		if (pidfd < 0)
			return -1;
		if (userns_map_parse(rec.uidmap, &k->uid) < 0 ||
		    userns_map_parse(rec.gidmap, &k->gid) < 0) {
			close(pidfd);
			return cr_fail(err, EINVAL, "damaged keeper record in %s", paths->runtime);
		}
		if (setns(pidfd, nstypes) == 0) {
			trace_step(trace, t0, "nsenter --user%s --target %d",
				   nstypes & CLONE_NEWNS ? " --mount" : "", (int)rec.pid);
			break;
		}
		if (errno != ESRCH || tries == 2) {
			cr_fail(err, errno, "join the keeper (pid %d)", (int)rec.pid);
			close(pidfd);
			return -1;
		}
		stop_keeper(pidfd);
		close(pidfd);
	}
	k->pid = rec.pid;
	k->mode = (enum cr_uidmap_mode)rec.mode;
	snprintf(k->init_stamp, sizeof(k->init_stamp), "%s", rec.init);
	k->mntns_id = keeper_mntns_id(rec.pid);
	k->pidfd = pidfd;
	return 0;
}

/* The keeper's sealed init helper, opened through /proc/PID/fd (read access, as for its
 * other files: no ptrace attach) if it is what we expect: a regular file of the helper's
 * size, ours, mode 0500, and a memfd with every seal (only memfds take seals). A keeper we
 * verified (its pidfd) holds it at KEEPER_INIT_FD; a pid only a record names could hold
 * anything there, which is looked at through O_PATH first, so that a FIFO or device is
 * never opened. */
static int open_keepers_init(pid_t pid, int pidfd, const char *stamp)
{
	char path[64];
	cleanup_close int at = -1;
	struct stat st;
	long long size;
	int fd, seals, want = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

	if (sscanf(stamp, "%*u:%*u:%lld:", &size) != 1)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, KEEPER_INIT_FD);
	if (pidfd < 0) {
		at = open(path, O_PATH | O_CLOEXEC);
		if (at < 0 || fstat(at, &st) < 0 || !S_ISREG(st.st_mode))
			return -1;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", at);
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || (seals & want) != want || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size != size || st.st_uid != getuid() || (st.st_mode & 07777) != 0500) {
		close(fd);
		return -1;
	}
	return fd;
}

int keeper_open_init(const struct cr_keeper *k, struct cr_error *err)
{
	char path[PATH_MAX + 64];
	cleanup_close int file = -1;
	int fd;

	if (k && k->pidfd >= 0 && k->init_current &&
	    (fd = open_keepers_init(k->pid, k->pidfd, k->init_stamp)) >= 0)
		return fd;
	/* no keeper, or its copy is of another build, or damaged: a copy of our own */
	if (cr_find_helper(CR_INIT_NAME, path, sizeof(path), err) < 0)
		return -1;
	file = open(path, O_RDONLY | O_CLOEXEC);
	if (file < 0)
		return cr_fail(err, errno, "open the helper %s", path);
	return cr_sealed_copy(file, CR_INIT_NAME, err);
}

int keeper_find_init(const struct cr_paths *paths, struct cr_error *err)
{
	struct record rec;
	int fd;

	/* No pidfd, no join: what is opened is checked for what it is (a sealed memfd of the
	 * helper's size, ours, 0500), whichever process it came from. */
	if (read_record(paths, &rec) == 0 && !init_changed(&rec) &&
	    (fd = open_keepers_init(rec.pid, -1, rec.init)) >= 0)
		return fd;
	return keeper_open_init(NULL, err);
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
	pidfd = verified_keeper(paths, &rec);
	if (pidfd < 0 || !none_running(paths, NULL))
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
