/* console.c - process.terminal: a pseudo-terminal made in the container's own devpts, its
 * slave the process's stdio and controlling terminal, its master handed to the engine
 * (conmon, containerd's shim) over --console-socket, as runc does. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "mounts.h"
#include "oci/console.h"
#include "utils.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int oci_console_connect(const char *path, struct cr_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_close int dir = -1;
	const char *name = path;
	int sock;

	if (!path || !*path)
		return cr_fail(err, 0, "--console-socket: empty path");
	/* a path longer than sun_path is reached through its directory's descriptor */
	if (strlen(path) >= sizeof(sa.sun_path)) {
		const char *slash = strrchr(path, '/');
		char *parent;

		if (!slash || strlen(slash + 1) + 32 >= sizeof(sa.sun_path))
			return cr_fail(err, ENAMETOOLONG, "--console-socket %s", path);
		parent = strndup(path, slash == path ? 1 : (size_t)(slash - path));
		if (!parent)
			abort();
		dir = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
		free(parent);
		if (dir < 0)
			return cr_fail(err, errno, "--console-socket %s", path);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dir, slash + 1);
	} else {
		memcpy(sa.sun_path, name, strlen(name) + 1);
	}
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return cr_fail(err, errno, "--console-socket: socket");
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		cr_fail(err, errno, "--console-socket %s: connect", path);
		close(sock);
		return cr_hint(err, "the engine must listen there (a unix stream socket)");
	}
	return sock;
}

/* Opens a new pty master on the devpts mounted at the calling process's /dev/pts (found as
 * the container's /dev/ptmx or /dev/pts/ptmx, inside its root, no magic link), checked to be
 * a real ptmx on a real devpts: the container's files must not hand us anything else. */
static int open_ptmx(struct cr_error *err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct cr_error ignored = {0};
	struct statfs fs;
	struct stat st;
	int master;

	if (root < 0)
		return cr_fail(err, errno, "open the container's root");
	master =
	    mounts_open_in_root(root, "/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC, &ignored);
	if (master < 0)
		master = mounts_open_in_root(root, "/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC, err);
	if (master < 0)
		return cr_prefix(err, "open the container's pseudo-terminal master");
	if (fstatfs(master, &fs) < 0 || fstat(master, &st) < 0 ||
	    (fs.f_type != DEVPTS_SUPER_MAGIC &&
	     !(major(st.st_rdev) == 5 && minor(st.st_rdev) == 2)) ||
	    !S_ISCHR(st.st_mode)) {
		close(master);
		cr_fail(err, 0, "the container's /dev/ptmx is not a pseudo-terminal multiplexer");
		return cr_hint(err, "mount devpts on /dev/pts (newinstance,ptmxmode=0666)");
	}
	return master;
}

/* The slave of master, by the master (never by a path the container could swap). */
static int open_slave(int master, struct cr_error *err)
{
	int slave;

	if (unlockpt(master) < 0)
		return cr_fail(err, errno, "unlock the container's pseudo-terminal");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return cr_fail(err, errno, "open the container's pseudo-terminal");
	return slave;
}

int oci_console_setup(int sock, unsigned short rows, unsigned short cols, struct cr_error *err)
{
	cleanup_close int master = -1;
	cleanup_close int slave = -1;
	char name[64] = "/dev/ptmx";
	unsigned n;

	master = open_ptmx(err);
	if (master < 0)
		return -1;
	slave = open_slave(master, err);
	if (slave < 0)
		return -1;
	if (rows && cols) {
		struct winsize ws = {.ws_row = rows, .ws_col = cols};

		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return cr_fail(err, errno, "set the console's size to %ux%u", cols, rows);
	}
	/* a session of our own, whose controlling terminal is the slave */
	if (setsid() < 0 && getsid(0) != getpid())
		return cr_fail(err, errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return cr_fail(err, errno, "make the pseudo-terminal the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return cr_fail(err, errno, "dup2 the pseudo-terminal onto %d", fd);
	/* the payload: the pty's name, as runc sends its master's file name */
	if (ioctl(master, TIOCGPTN, &n) == 0)
		snprintf(name, sizeof(name), "/dev/pts/%u", n);
	if (cr_send_msg(sock, name, strlen(name), master) < 0)
		return cr_fail(err, errno, "send the console to --console-socket");
	return 0;
}

int oci_console_mount(struct cr_error *err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int target = -1;
	cleanup_close int tree = -1;
	const unsigned long long in_root = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	struct open_how how_path = {.flags = O_PATH | O_CLOEXEC, .resolve = in_root};
	struct open_how how_create = {
	    .flags = O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, .mode = 0666, .resolve = in_root};
	struct statfs fs;

	if (fstatfs(0, &fs) < 0 || fs.f_type != DEVPTS_SUPER_MAGIC || !isatty(0))
		return cr_fail(err, 0, "bind /dev/console: stdin is not the container's terminal");
	if (root < 0)
		return cr_fail(err, errno, "open the container's root");
	/* the node there, or an empty file made to mount on, inside the root (where a link
	 * cannot lead out) */
	target = cr_openat2(root, "dev/console", &how_path);
	if (target < 0 && errno == ENOENT)
		target = cr_openat2(root, "dev/console", &how_create);
	if (target < 0)
		return cr_fail(err, errno, "bind /dev/console: open it in the container");
	tree =
	    (int)syscall(SYS_open_tree, 0, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return cr_fail(err, errno, "bind /dev/console: open_tree of the terminal");
	if (syscall(SYS_move_mount, tree, "", target, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cr_fail(err, errno, "bind the terminal onto /dev/console");
	return 0;
}
