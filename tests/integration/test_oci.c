/* test_oci.c - the OCI runtime's lifecycle through the built conti-runtime, as the
 * unprivileged user: each case twice, directly with a config that asks for a user
 * namespace (as `spec --rootless` makes), and inside `conti-rootless unshare` (root of the
 * user's mapped namespace, as podman runs a runtime) with one that asks for none. */
#include <check.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <poll.h>
#include <fcntl.h>
#include <unistd.h>

#include "harness.h"

enum mode { DIRECT, UNSHARE, MODES };

static const char *runtime_bin(void)
{
	const char *b = getenv("CONTI_RUNTIME");

	ck_assert_msg(b && b[0] == '/', "CONTI_RUNTIME must name the built conti-runtime");
	return b;
}

/* The state dir of the runtime in this test. */
static char *root_dir(void)
{
	return h_strf("%s/oci-root", H.base);
}

/* Runs conti-runtime --root ROOT ARGS... (inside unshare in that mode). */
static void rt(struct h_result *r, enum mode m, ...)
{
	const char *argv[64];
	char *root = root_dir();
	size_t n = 0;
	va_list ap;

	if (m == UNSHARE) {
		argv[n++] = h_conti_bin();
		argv[n++] = "unshare";
	}
	argv[n++] = runtime_bin();
	argv[n++] = "--root";
	argv[n++] = root;
	va_start(ap, m);
	for (const char *a; (a = va_arg(ap, const char *)) && n < 63;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	h_run(r, NULL, (char *const *)argv);
	free(root);
}

/* A bundle in H.base/NAME whose process runs args_json (a JSON array), with a user
 * namespace mapping our ids in DIRECT mode; returns its path. */
static char *bundle_tty(enum mode m, const char *name, const char *args_json, bool terminal);

static char *bundle(enum mode m, const char *name, const char *args_json)
{
	return bundle_tty(m, name, args_json, false);
}

/* bundle() with process.terminal as given. */
static char *bundle_tty(enum mode m, const char *name, const char *args_json, bool terminal)
{
	char *dir = h_strf("%s/%s", H.base, name);
	char *cfg = h_strf("%s/config.json", dir);
	char *userns = h_strf(",\"uidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":1}],"
			      "\"gidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":1}]",
			      (unsigned)getuid(), (unsigned)getgid());
	char *text = h_strf(
	    "{\"ociVersion\":\"1.0.2\",\"process\":{\"terminal\":%s,"
	    "\"user\":{\"uid\":0,\"gid\":0},\"args\":%s,"
	    "\"env\":[\"PATH=/usr/local/bin:/usr/bin:/bin\",\"TERM=xterm\"],\"cwd\":\"/\","
	    "\"noNewPrivileges\":true},"
	    "\"root\":{\"path\":\"%s\",\"readonly\":false},\"hostname\":\"oci-test\","
	    "\"mounts\":[{\"destination\":\"/"
	    "proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
	    "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
	    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
	    "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\","
	    "\"mode=0620\"]},"
	    "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
	    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size="
	    "65536k\"]}],"
	    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"
	    "{\"type\":\"mount\"}%s]%s,"
	    "\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"]}}",
	    terminal ? "true" : "false", args_json, H.rootfs,
	    m == DIRECT ? ",{\"type\":\"user\"}" : "", m == DIRECT ? userns : "");

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	h_write_file(cfg, text, 0644);
	free(cfg);
	free(userns);
	free(text);
	return dir;
}

/* The value of "key" (a string or a number) in the state JSON text, caller frees. */
static char *json_field(const char *json, const char *key)
{
	char *needle = h_strf("\"%s\"", key);
	const char *p = strstr(json, needle);
	size_t n;

	free(needle);
	if (!p)
		return NULL;
	p += strlen(key) + 2;
	p += strspn(p, " :");
	if (*p == '"') {
		p++;
		n = strcspn(p, "\"");
	} else {
		n = strcspn(p, ",}\n ");
	}
	return strndup(p, n);
}

static char *status_of(enum mode m, const char *id)
{
	struct h_result r;
	char *s;

	rt(&r, m, "state", id, NULL);
	h_assert_status(&r, 0, "state");
	s = json_field(r.out, "status");
	h_result_free(&r);
	return s;
}

/* ROOT holds no container (no entry at all). */
static void assert_root_empty(void)
{
	char *root = root_dir();

	ck_assert_msg(h_count_entries(root) == 0, "%s is not empty", root);
	free(root);
}

/* create, state (created, the pid of the pid file, not ours), start (running), kill,
 * stopped, delete: nothing left. */
START_TEST(test_create_start_kill_delete)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "b1", "[\"sleep\",\"1000\"]");
	char *pidfile = h_strf("%s/pid", H.base);
	struct h_result r;
	char *s, *pid, *text;

	rt(&r, m, "create", "--bundle", b, "--pid-file", pidfile, "c1", NULL);
	h_assert_status(&r, 0, "create");
	h_result_free(&r);
	rt(&r, m, "state", "c1", NULL);
	h_assert_status(&r, 0, "state");
	s = json_field(r.out, "status");
	pid = json_field(r.out, "pid");
	ck_assert_str_eq(s, "created");
	text = h_read_file(pidfile);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, pid);
	ck_assert_msg(h_pid_alive(atoi(pid)), "the container's process %s is not there", pid);
	ck_assert_msg(strstr(r.out, b) != NULL, "state names no bundle: %s", r.out);
	h_result_free(&r);
	free(s);
	rt(&r, m, "start", "c1", NULL);
	h_assert_status(&r, 0, "start");
	h_result_free(&r);
	s = status_of(m, "c1");
	ck_assert_str_eq(s, "running");
	free(s);
	rt(&r, m, "delete", "c1", NULL);
	ck_assert_int_ne(r.status, 0); /* running: refused */
	h_result_free(&r);
	rt(&r, m, "kill", "c1", "KILL", NULL);
	h_assert_status(&r, 0, "kill");
	h_result_free(&r);
	ck_assert_msg(h_wait_pid_gone(atoi(pid), 5000), "kill left %s alive", pid);
	s = status_of(m, "c1");
	ck_assert_str_eq(s, "stopped");
	free(s);
	rt(&r, m, "delete", "c1", NULL);
	h_assert_status(&r, 0, "delete");
	h_result_free(&r);
	assert_root_empty();
	free(pid);
	free(text);
	free(pidfile);
	free(b);
}
END_TEST

/* run: the process's exit status, 128+N for signal N (a kill from outside: PID 1 of its
 * namespace ignores its own); the container removed after. */
START_TEST(test_run_status)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "b1", "[\"sh\",\"-c\",\"echo in-$(hostname); exit 3\"]");
	char *k = bundle(m, "b2", "[\"sleep\",\"1000\"]");
	char *root = root_dir();
	const char *argv[12];
	size_t n = 0;
	struct h_result r;
	struct h_proc p;
	char *s = NULL;

	rt(&r, m, "run", "--bundle", b, "r1", NULL);
	h_assert_status(&r, 3, "run exit 3");
	ck_assert_msg(strstr(r.out, "in-oci-test") != NULL, "no output of the container: %s",
		      r.out);
	h_result_free(&r);
	if (m == UNSHARE) {
		argv[n++] = h_conti_bin();
		argv[n++] = "unshare";
	}
	argv[n++] = runtime_bin();
	argv[n++] = "--root";
	argv[n++] = root;
	argv[n++] = "run";
	argv[n++] = "--bundle";
	argv[n++] = k;
	argv[n++] = "r2";
	argv[n] = NULL;
	h_spawn(&p, (char *const *)argv, NULL);
	for (int i = 0; i < 100 && !(s && !strcmp(s, "running")); i++) {
		free(s);
		usleep(50000);
		rt(&r, m, "state", "r2", NULL);
		s = json_field(r.out, "status");
		h_result_free(&r);
	}
	ck_assert_msg(s && !strcmp(s, "running"), "r2 is %s", s ? s : "(none)");
	rt(&r, m, "kill", "r2", "9", NULL);
	h_assert_status(&r, 0, "kill 9");
	h_result_free(&r);
	h_finish(&p, &r, 10000);
	h_assert_status(&r, 137, "run killed by SIGKILL");
	h_result_free(&r);
	assert_root_empty();
	free(s);
	free(root);
	free(b);
	free(k);
}
END_TEST

/* A second create of the same ID fails, the first container untouched; delete of a created
 * one kills its waiting process. */
START_TEST(test_id_exists)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "b1", "[\"sleep\",\"1000\"]");
	struct h_result r;
	char *s, *pid;

	rt(&r, m, "create", "--bundle", b, "dup", NULL);
	h_assert_status(&r, 0, "create");
	h_result_free(&r);
	rt(&r, m, "create", "--bundle", b, "dup", NULL);
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(strstr(r.err, "exists") != NULL, "not 'exists': %s", r.err);
	ck_assert_int_eq(h_count_lines(r.err), 1);
	h_result_free(&r);
	rt(&r, m, "state", "dup", NULL);
	s = json_field(r.out, "status");
	pid = json_field(r.out, "pid");
	ck_assert_str_eq(s, "created");
	h_result_free(&r);
	rt(&r, m, "delete", "dup", NULL);
	h_assert_status(&r, 0, "delete of a created container");
	h_result_free(&r);
	ck_assert_msg(h_wait_pid_gone(atoi(pid), 5000), "delete left %s alive", pid);
	assert_root_empty();
	free(s);
	free(pid);
	free(b);
}
END_TEST

/* Failures leave nothing: a missing command (127, named), a bundle without config.json. */
START_TEST(test_failures_leave_nothing)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "b1", "[\"no-such-command\"]");
	char *empty = h_strf("%s/empty", H.base);
	struct h_result r;

	rt(&r, m, "create", "--bundle", b, "f1", NULL);
	ck_assert_msg(r.status == 127, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "no-such-command") != NULL, "not named: %s", r.err);
	ck_assert_int_eq(h_count_lines(r.err), 1);
	h_result_free(&r);
	assert_root_empty();
	ck_assert_int_eq(mkdir(empty, 0755), 0);
	rt(&r, m, "create", "--bundle", empty, "f2", NULL);
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(strstr(r.err, "config.json") != NULL, "not named: %s", r.err);
	h_result_free(&r);
	assert_root_empty();
	rt(&r, m, "state", "f2", NULL);
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(strstr(r.err, "does not exist") != NULL, "%s", r.err);
	h_result_free(&r);
	free(empty);
	free(b);
}
END_TEST

/* Directly as the user, a config without a user namespace is refused with the fix. */
START_TEST(test_unprivileged_needs_userns)
{
	char *b = bundle(UNSHARE, "b1", "[\"true\"]"); /* no user namespace in it */
	struct h_result r;

	rt(&r, DIRECT, "create", "--bundle", b, "u1", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "no user namespace") && strstr(r.err, "spec --rootless"), "%s",
		      r.err);
	ck_assert_int_eq(h_count_lines(r.err), 1);
	h_result_free(&r);
	assert_root_empty();
	free(b);
}
END_TEST

/* kill --all reaches every process of the container's PID namespace; delete --force of a
 * running container kills it; list and ps show it while it runs. */
START_TEST(test_kill_all_force_list_ps)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "b1", "[\"sh\",\"-c\",\"sleep 1000 & wait\"]");
	struct h_result r;
	char *pid, *s;

	rt(&r, m, "run", "-d", "--bundle", b, "k1", NULL);
	h_assert_status(&r, 0, "run -d");
	h_result_free(&r);
	rt(&r, m, "state", "k1", NULL);
	pid = json_field(r.out, "pid");
	h_result_free(&r);
	rt(&r, m, "list", NULL);
	h_assert_status(&r, 0, "list");
	ck_assert_msg(strstr(r.out, "k1") && strstr(r.out, "running"), "%s", r.out);
	h_result_free(&r);
	rt(&r, m, "list", "-q", NULL);
	ck_assert_str_eq(r.out, "k1\n");
	h_result_free(&r);
	for (int i = 0; i < 50; i++) { /* the shell forks its sleep */
		rt(&r, m, "ps", "--format", "json", "k1", NULL);
		if (strchr(r.out, ','))
			break;
		h_result_free(&r);
		usleep(100000);
	}
	h_assert_status(&r, 0, "ps");
	ck_assert_msg(strstr(r.out, pid) && strchr(r.out, ','), "ps: %s", r.out);
	h_result_free(&r);
	/* TERM, which the shell (PID 1, no handler) does not get, kills its sleep: its wait
	 * returns and it exits */
	rt(&r, m, "kill", "--all", "k1", "TERM", NULL);
	h_assert_status(&r, 0, "kill --all");
	h_result_free(&r);
	ck_assert_msg(h_wait_pid_gone(atoi(pid), 5000), "kill --all left %s alive", pid);
	s = status_of(m, "k1");
	ck_assert_str_eq(s, "stopped");
	free(s);
	rt(&r, m, "delete", "k1", NULL);
	h_assert_status(&r, 0, "delete");
	h_result_free(&r);
	free(pid);
	rt(&r, m, "run", "-d", "--bundle", b, "k2", NULL);
	h_assert_status(&r, 0, "run -d");
	h_result_free(&r);
	rt(&r, m, "state", "k2", NULL);
	pid = json_field(r.out, "pid");
	h_result_free(&r);
	rt(&r, m, "delete", "--force", "k2", NULL);
	h_assert_status(&r, 0, "delete --force");
	h_result_free(&r);
	ck_assert_msg(h_wait_pid_gone(atoi(pid), 5000), "delete --force left %s alive", pid);
	assert_root_empty();
	free(pid);
	free(b);
}
END_TEST

/* --preserve-fds 1: the container's process gets fd 3 (it writes there) and not fd 4. */
START_TEST(test_preserve_fds)
{
	enum mode m = (enum mode)_i;
	char *b =
	    bundle(m, "b1",
		   "[\"sh\",\"-c\",\"echo kept >&3; test -e /proc/self/fd/4 && echo leaked >&3; "
		   "exit 0\"]");
	char *out = h_strf("%s/fd3", H.base), *other = h_strf("%s/fd4", H.base);
	char *root = root_dir();
	char *full =
	    h_strf("exec 3>%s 4<%s; %s %s %s --root %s run --preserve-fds 1 --bundle %s p1", out, b,
		   m == UNSHARE ? h_conti_bin() : "", m == UNSHARE ? "unshare" : "", runtime_bin(),
		   root, b);
	const char *argv[] = {"sh", "-c", full, NULL};
	struct h_result r;
	char *text;

	h_run(&r, NULL, (char *const *)argv);
	h_assert_status(&r, 0, "run --preserve-fds 1");
	h_result_free(&r);
	text = h_read_file(out);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "kept\n");
	assert_root_empty();
	free(text);
	free(full);
	free(root);
	free(out);
	free(other);
	free(b);
}
END_TEST

/* A listening unix socket for --console-socket at path; returns it. */
static int console_listener(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	ck_assert_uint_lt(strlen(path), sizeof(a.sun_path));
	strcpy(a.sun_path, path);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(s, 1), 0);
	return s;
}

/* The descriptor a runtime sent on the accepted connection c (SCM_RIGHTS), -1 if none. */
static int receive_fd(int c)
{
	char data[4096], ctl[CMSG_SPACE(sizeof(int))];
	struct iovec io = {.iov_base = data, .iov_len = sizeof(data)};
	struct msghdr mh = {
	    .msg_iov = &io, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(c, &mh, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

/* process.terminal: create passes the pty's master over --console-socket; after start the
 * process's output comes through it, on a terminal; without the socket create refuses. */
START_TEST(test_console_socket)
{
	enum mode m = (enum mode)_i;
	char *b = bundle_tty(m, "b1", "[\"sh\",\"-c\",\"test -t 0 && test -t 1 && echo on-a-tty\"]",
			     true);
	char *sock = h_strf("%s/console.sock", H.base);
	int l = console_listener(sock), c, master;
	struct h_result r;
	struct h_buf got = {0};
	long long until;

	rt(&r, m, "create", "--bundle", b, "t1", NULL);
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(strstr(r.err, "console-socket") != NULL, "%s", r.err);
	h_result_free(&r);
	assert_root_empty();
	rt(&r, m, "create", "--bundle", b, "--console-socket", sock, "t1", NULL);
	h_assert_status(&r, 0, "create --console-socket");
	h_result_free(&r);
	c = accept4(l, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	ck_assert_int_ge(c, 0);
	fcntl(c, F_SETFL, 0);
	master = receive_fd(c);
	ck_assert_int_ge(master, 0);
	rt(&r, m, "start", "t1", NULL);
	h_assert_status(&r, 0, "start");
	h_result_free(&r);
	for (until = h_mono_ms() + 10000;
	     h_mono_ms() < until && !strstr(got.s ? got.s : "", "on-a-tty");) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		char buf[256];
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(master, buf, sizeof(buf) - 1);
		if (n <= 0)
			break;
		buf[n] = '\0';
		{
			char *more = h_strf("%s%s", got.s ? got.s : "", buf);

			free(got.s);
			got.s = more;
		}
	}
	ck_assert_msg(got.s && strstr(got.s, "on-a-tty"), "the terminal said: %s",
		      got.s ? got.s : "(nothing)");
	free(got.s);
	close(master);
	close(c);
	close(l);
	for (int i = 0; i < 100; i++) {
		char *s = status_of(m, "t1");
		bool stopped = !strcmp(s, "stopped");

		free(s);
		if (stopped)
			break;
		usleep(50000);
	}
	rt(&r, m, "delete", "t1", NULL);
	h_assert_status(&r, 0, "delete");
	h_result_free(&r);
	assert_root_empty();
	free(sock);
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oci");
	TCase *tc = h_tcase("lifecycle");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_create_start_kill_delete, 0, MODES);
	tcase_add_loop_test(tc, test_run_status, 0, MODES);
	tcase_add_loop_test(tc, test_id_exists, 0, MODES);
	tcase_add_loop_test(tc, test_failures_leave_nothing, 0, MODES);
	tcase_add_test(tc, test_unprivileged_needs_userns);
	tcase_add_loop_test(tc, test_kill_all_force_list_ps, 0, MODES);
	tcase_add_loop_test(tc, test_preserve_fds, 0, MODES);
	tcase_add_loop_test(tc, test_console_socket, 0, MODES);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
