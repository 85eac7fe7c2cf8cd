/* conti-rootless-keeper - holds the user namespace of a user's containers, mapped
 * with the user's subordinate ids, and a mount namespace owned by it in which the
 * containers' namespace handles are bind-mounted (under RUNTIME_DIR, made a
 * private mount). It only holds them: commands join with setns (keeper.c); it
 * speaks no protocol once it is ready.
 *
 * Usage: conti-rootless-keeper RUNTIME_DIR, with fd 3 a socket to the front end
 * that starts it, fd 4 a sealed memfd copy of the init helper and fd 5 the open
 * RUNTIME_DIR/.keeper.lock, with an OFD lock on its first byte: both are held,
 * untouched, for its life.
 * Commands open fd 4 through /proc/PID/fd/4 and exec it as every container's PID 1
 * and exec'd process, so that no container process ever has a path to a host binary;
 * the lock tells commands that a keeper lives, whatever RUNTIME_DIR/.keeper.pid says.
 * The protocol on fd 3:
 *   keeper -> 'u' and its pid once its user namespace exists (or 'E' and an errno)
 *   front end -> 'm' once it has written the id maps
 *   keeper -> 'r' once the mount namespace is ready (or 'E' and an errno)
 * Then it waits, and exits on SIGTERM or when RUNTIME_DIR is removed (a reboot
 * wipes it; so do tests). Linked statically: it is small and starts fast.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#define SYNC_FD 3
#define INIT_FD 4
#define ALIVE_FD 5

static int report(char what, int err)
{
	char msg[1 + sizeof(int)] = {what};

	memcpy(msg + 1, &err, sizeof(int));
	return write(SYNC_FD, msg, what == 'E' ? sizeof(msg) : 1) < 0 ? -1 : 0;
}

/* A mount namespace of our own in which RUNTIME_DIR is a private mount: the handles
 * bound under it propagate nowhere. Host mounts still reach us: the copy made them
 * slaves of the host's. */
static int make_mount_ns(const char *dir)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -1;
	if (mount(dir, dir, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -1;
	return mount(NULL, dir, NULL, MS_PRIVATE, NULL);
}

/* True when an inotify event read from ino says that dir (watch dir_wd) or .keeper.lock
 * in it (watch alive_wd, which we hold open: it pins dir, whose own removal then tells
 * nothing until we let go) was removed. */
static bool removed(int ino, int dir_wd, int alive_wd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(ino, buf, sizeof(buf));
	struct stat st;

	for (char *p = buf; n > 0 && p < buf + n;) {
		const struct inotify_event *ev = (const struct inotify_event *)p;

		if (ev->wd == dir_wd && (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)))
			return true;
		if (ev->wd == alive_wd && (fstat(ALIVE_FD, &st) < 0 || st.st_nlink == 0))
			return true;
		p += sizeof(*ev) + ev->len;
	}
	return n <= 0 && errno != EINTR && errno != EAGAIN;
}

/* Waits for SIGTERM/SIGINT, or for dir (or our .keeper.lock in it) to be removed. */
static void hold(const char *dir)
{
	sigset_t set;
	int ino = inotify_init1(IN_CLOEXEC), dir_wd = -1, alive_wd = -1;
	char alive[64];
	int sfd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGHUP, SIG_IGN);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	snprintf(alive, sizeof(alive), "/proc/self/fd/%d", ALIVE_FD);
	if (ino >= 0) {
		dir_wd = inotify_add_watch(ino, dir, IN_DELETE_SELF | IN_MOVE_SELF);
		alive_wd = inotify_add_watch(ino, alive, IN_ATTRIB); /* its link count */
	}
	for (;;) {
		struct pollfd p[2] = {{.fd = sfd, .events = POLLIN}, {.fd = ino, .events = POLLIN}};

		if (poll(p, 2, -1) < 0 && errno == EINTR)
			continue;
		if (p[0].revents || (p[1].revents & ~POLLIN))
			return;
		if ((p[1].revents & POLLIN) && removed(ino, dir_wd, alive_wd))
			return;
	}
}

int main(int argc, char **argv)
{
	pid_t self = getpid();
	char go;

	if (argc != 2 || fcntl(SYNC_FD, F_GETFD) < 0 || fcntl(INIT_FD, F_GETFD) < 0 ||
	    fcntl(ALIVE_FD, F_GETFD) < 0) {
		fprintf(stderr,
			"usage: conti-rootless-keeper RUNTIME_DIR (started by conti-rootless)\n");
		return 2;
	}
	if (unshare(CLONE_NEWUSER) < 0)
		return report('E', errno), 1;
	if (report('u', 0) < 0 || write(SYNC_FD, &self, sizeof(self)) != sizeof(self) ||
	    read(SYNC_FD, &go, 1) != 1 || go != 'm')
		return 1;
	if (make_mount_ns(argv[1]) < 0)
		return report('E', errno), 1;
	if (chdir("/") < 0 || report('r', 0) < 0)
		return 1;
	close(SYNC_FD);
	hold(argv[1]);
	return 0;
}
