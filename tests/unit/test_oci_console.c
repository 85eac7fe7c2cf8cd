/* Unit tests: the console of process.terminal: a process connects to a listening unix
 * socket (as conmon's), makes a pty its stdio and controlling terminal and sends the
 * master; the receiver drives a shell through it. */
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/console.h"
#include "utils.h"

static char tmpdir[] = "/tmp/conti-console-XXXXXX";

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	struct cr_error err = {0};

	cr_rm_rf(tmpdir, &err);
	strcpy(tmpdir, "/tmp/conti-console-XXXXXX");
}

/* A listening unix socket at path (made through its directory when too long). */
static int listen_at(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char *dir = strdup(path), *slash = strrchr(dir, '/');
	int cwd = open(".", O_PATH | O_DIRECTORY), s = socket(AF_UNIX, SOCK_STREAM, 0);

	*slash = '\0';
	ck_assert_int_eq(chdir(dir), 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", slash + 1);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(s, 1), 0);
	ck_assert_int_eq(fchdir(cwd), 0);
	close(cwd);
	free(dir);
	return s;
}

/* Reads from fd until want appears (or 5 s pass); returns what was read. */
static const char *read_until(int fd, const char *want)
{
	static char buf[4096];
	size_t n = 0;

	buf[0] = '\0';
	while (!strstr(buf, want) && n < sizeof(buf) - 1) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t k;

		if (poll(&p, 1, 5000) <= 0)
			break;
		k = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		buf[n] = '\0';
	}
	return buf;
}

/* The "container": connects, sets the console up (rows x cols) and runs a shell script. */
static pid_t start_console_child(const char *sock_path, unsigned short rows, unsigned short cols,
				 const char *script)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct cr_error err = {0};
		int sock = oci_console_connect(sock_path, &err);

		if (sock < 0 || oci_console_setup(sock, rows, cols, &err) < 0) {
			fprintf(stderr, "console: %s\n", err.msg);
			_exit(99);
		}
		close(sock);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(98);
	}
	return pid;
}

static int receive_master(int listener, char *name, size_t len)
{
	int conn = accept(listener, NULL, NULL), fd = -1;
	ssize_t n;

	ck_assert_int_ge(conn, 0);
	n = cr_recv_msg(conn, name, len - 1, &fd);
	ck_assert_int_gt(n, 0);
	name[n] = '\0';
	close(conn);
	return fd;
}

START_TEST(master_received_and_working)
{
	char path[256], name[256];
	int listener, master, status;
	const char *out;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/console.sock", tmpdir);
	listener = listen_at(path);
	pid =
	    start_console_child(path, 33, 101,
				"tty; stty size; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo ALL-TTY;"
				" read line; echo \"got:$line\"; exit 7");
	master = receive_master(listener, name, sizeof(name));
	ck_assert_int_ge(master, 0);
	ck_assert_msg(!strncmp(name, "/dev/pts/", 9), "payload %s", name);
	ck_assert(isatty(master));
	out = read_until(master, "ALL-TTY");
	/* the shell's tty is the pty named in the payload, sized as asked */
	ck_assert_msg(strstr(out, name), "%s (name %s)", out, name);
	ck_assert_msg(strstr(out, "33 101"), "%s", out);
	ck_assert_msg(strstr(out, "ALL-TTY"), "%s", out);
	ck_assert_int_eq(write(master, "hello\n", 6), 6);
	out = read_until(master, "got:hello");
	ck_assert_msg(strstr(out, "got:hello"), "%s", out);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 7);
	close(master);
	close(listener);
}
END_TEST

/* The pty is the controlling terminal: ^C typed on the master interrupts the process. */
START_TEST(controlling_terminal)
{
	char path[256], name[256];
	int listener, master, status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/c.sock", tmpdir);
	listener = listen_at(path);
	pid = start_console_child(path, 0, 0, "echo READY; exec sleep 30");
	master = receive_master(listener, name, sizeof(name));
	ck_assert_ptr_nonnull(strstr(read_until(master, "READY"), "READY"));
	usleep(200000); /* the exec of sleep */
	ck_assert_int_eq(write(master, "\003", 1), 1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT, "status %x", status);
	close(master);
	close(listener);
}
END_TEST

/* A socket path longer than sun_path (an engine's deep run dir) still connects. */
START_TEST(long_socket_path)
{
	char dir[512], path[600], name[256];
	int listener, master, status;
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/%0120d", tmpdir, 0);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/console.sock", dir);
	ck_assert_uint_gt(strlen(path), sizeof(((struct sockaddr_un *)0)->sun_path));
	listener = listen_at(path);
	pid = start_console_child(path, 0, 0, "echo LONG-OK");
	master = receive_master(listener, name, sizeof(name));
	ck_assert_ptr_nonnull(strstr(read_until(master, "LONG-OK"), "LONG-OK"));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(master);
	close(listener);
}
END_TEST

START_TEST(nobody_listening)
{
	struct cr_error err = {0};
	char path[256];

	snprintf(path, sizeof(path), "%s/none.sock", tmpdir);
	ck_assert_int_eq(oci_console_connect(path, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_msg(strstr(err.msg, "--console-socket") && strstr(err.msg, path), "%s", err.msg);
	ck_assert_int_eq(oci_console_connect("", &err), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oci_console");
	TCase *tc = tcase_create("console");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, master_received_and_working);
	tcase_add_test(tc, controlling_terminal);
	tcase_add_test(tc, long_socket_path);
	tcase_add_test(tc, nobody_listening);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
