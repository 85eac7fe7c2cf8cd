/* test_oci.c - the OCI runtime's lifecycle through the built conti-runtime, as the
 * unprivileged user: each case twice, directly with a config that asks for a user
 * namespace (as `spec --rootless` makes), and inside `conti-rootless unshare` (root of the
 * user's mapped namespace, as podman runs a runtime) with one that asks for none. */
#include <check.h>
#include <dirent.h>
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

/* Fills argv with [conti-rootless unshare] conti-runtime --root ROOT; returns how many. */
static size_t rt_prefix(const char **argv, enum mode m, const char *root)
{
	size_t n = 0;

	if (m == UNSHARE) {
		argv[n++] = h_conti_bin();
		argv[n++] = "unshare";
	}
	argv[n++] = runtime_bin();
	argv[n++] = "--root";
	argv[n++] = root;
	return n;
}

/* Runs conti-runtime --root ROOT ARGS... (inside unshare in that mode). */
static void rt(struct h_result *r, enum mode m, ...)
{
	const char *argv[64];
	char *root = root_dir();
	size_t n = 0;
	va_list ap;

	n = rt_prefix(argv, m, root);
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
	rt(&r, m, "run", "--keep", "--bundle", b, "r3", NULL); /* kept once it has exited */
	h_assert_status(&r, 3, "run --keep exit 3");
	h_result_free(&r);
	s = status_of(m, "r3");
	ck_assert_str_eq(s, "stopped");
	free(s);
	s = NULL;
	rt(&r, m, "delete", "r3", NULL);
	h_assert_status(&r, 0, "delete of a kept container");
	h_result_free(&r);
	n = rt_prefix(argv, m, root);
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

/* The descriptor a runtime sent on the accepted connection c (SCM_RIGHTS), -1 if none; its
 * payload (the pty's name) in name when name is not NULL. */
static int receive_fd(int c, char *name, size_t len)
{
	char data[4096], ctl[CMSG_SPACE(sizeof(int))];
	struct iovec io = {.iov_base = name ? name : data,
			   .iov_len = name ? len - 1 : sizeof(data)};
	struct msghdr mh = {
	    .msg_iov = &io, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	struct cmsghdr *cm;
	ssize_t got;
	int fd = -1;

	got = recvmsg(c, &mh, MSG_CMSG_CLOEXEC);
	if (got <= 0)
		return -1;
	if (name)
		name[got] = '\0';
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

/* Accepts one connection (within 10 s) and receives the descriptor sent on it, its payload
 * in name. */
static int console_receive(int listener, char *name, size_t len)
{
	struct pollfd p = {.fd = listener, .events = POLLIN};
	int conn, fd;

	ck_assert_msg(poll(&p, 1, 10000) == 1, "nobody connected to the console socket");
	conn = accept(listener, NULL, NULL);
	ck_assert_int_ge(conn, 0);
	fd = receive_fd(conn, name, len);
	ck_assert_int_ge(fd, 0);
	close(conn);
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
	master = receive_fd(c, NULL, 0);
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

/* The runtime process (its argv[0] is the runtime) that is not the container's process
 * (not_pid, a copy of it until exec) or -1. */
static pid_t runtime_pid(pid_t not_pid)
{
	DIR *d = opendir("/proc");
	pid_t found = -1;

	for (struct dirent *e; d && found < 0 && (e = readdir(d));) {
		char *path = h_strf("/proc/%s/cmdline", e->d_name), *cmd;

		cmd = e->d_name[0] >= '1' && e->d_name[0] <= '9' ? h_read_file(path) : NULL;
		if (cmd && !strcmp(cmd, runtime_bin()) && atoi(e->d_name) != not_pid)
			found = atoi(e->d_name);
		free(cmd);
		free(path);
	}
	if (d)
		closedir(d);
	return found;
}

/* create killed (SIGKILL) while a prestart hook runs: state said creating, the container's
 * process goes with it, and delete removes what is left. */
START_TEST(test_create_killed)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "b1", "[\"sleep\",\"1000\"]");
	char *cfg = h_strf("%s/config.json", b), *text = h_read_file(cfg);
	char *hooked = h_strf("{\"hooks\":{\"prestart\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\","
			      "\"-c\",\"sleep 30\"]}]},%s",
			      text + 1);
	char *root = root_dir();
	const char *argv[12];
	size_t n = 0;
	struct h_proc p;
	struct h_result r;
	char *s = NULL, *pid = NULL;

	h_write_file(cfg, hooked, 0644);
	n = rt_prefix(argv, m, root);
	argv[n++] = "create";
	argv[n++] = "--bundle";
	argv[n++] = b;
	argv[n++] = "k1";
	argv[n] = NULL;
	h_spawn(&p, (char *const *)argv, NULL);
	for (int i = 0; i < 100 && !(s && !strcmp(s, "creating")); i++) {
		free(s);
		s = NULL;
		usleep(50000);
		rt(&r, m, "state", "k1", NULL);
		if (r.status == 0) {
			s = json_field(r.out, "status");
			free(pid);
			pid = json_field(r.out, "pid");
		}
		h_result_free(&r);
	}
	ck_assert_msg(s && !strcmp(s, "creating"), "k1 is %s", s ? s : "(none)");
	ck_assert_int_eq(kill(runtime_pid(atoi(pid)), SIGKILL), 0); /* in unshare: not p.pid */
	h_finish(&p, &r, 10000);
	h_result_free(&r);
	/* C sees the runtime's end of their socket close and exits */
	ck_assert_msg(h_wait_pid_gone(atoi(pid), 5000), "C (%s) outlived its runtime", pid);
	rt(&r, m, "delete", "k1", NULL);
	h_assert_status(&r, 0, "delete after a killed create");
	h_result_free(&r);
	assert_root_empty();
	free(s);
	free(pid);
	free(root);
	free(hooked);
	free(text);
	free(cfg);
	free(b);
}
END_TEST

/* --- exec (H4) --- */

/* Runs `sh -c 'PREFIX; exec "$@"' sh conti-runtime --root ROOT ARGS...` (inside unshare in
 * that mode): PREFIX opens descriptors the runtime inherits, as an engine could leak them. */
static void rt_sh(struct h_result *r, enum mode m, const char *prefix, ...)
{
	const char *argv[64];
	char *root = root_dir();
	char *script = h_strf("%s; exec \"$@\"", prefix);
	size_t n = 0;
	va_list ap;

	if (m == UNSHARE) {
		argv[n++] = h_conti_bin();
		argv[n++] = "unshare";
	}
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = script;
	argv[n++] = "sh";
	argv[n++] = runtime_bin();
	argv[n++] = "--root";
	argv[n++] = root;
	va_start(ap, prefix);
	for (const char *a; (a = va_arg(ap, const char *)) && n < 63;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	h_run(r, NULL, (char *const *)argv);
	free(script);
	free(root);
}

/* A running container ID of a bundle that sleeps; returns its pid (caller frees). */
static char *start_sleeper(enum mode m, const char *id)
{
	char *b = bundle(m, id, "[\"sleep\",\"1000\"]");
	struct h_result r;
	char *pid;

	rt(&r, m, "run", "-d", "--bundle", b, id, NULL);
	h_assert_status(&r, 0, "run -d");
	h_result_free(&r);
	rt(&r, m, "state", id, NULL);
	pid = json_field(r.out, "pid");
	h_result_free(&r);
	free(b);
	ck_assert_ptr_nonnull(pid);
	return pid;
}

static void remove_container(enum mode m, const char *id)
{
	struct h_result r;

	rt(&r, m, "delete", "--force", id, NULL);
	h_assert_status(&r, 0, "delete --force");
	h_result_free(&r);
}

/* exec runs in the container's namespaces (its PID namespace, its hostname, its root), with
 * the flags over config.json's process, and returns the status as a shell does. */
START_TEST(test_exec_status_env_cwd)
{
	enum mode m = (enum mode)_i;
	char *pid = start_sleeper(m, "e1");
	struct h_result r;
	char *want;

	rt(&r, m, "exec", "e1", "sh", "-c",
	   "echo pid=$$ host=$(hostname) uid=$(id -u) cwd=$(pwd) term=$TERM foo=$FOO; "
	   "ls /proc | grep -c '^[0-9]'",
	   NULL);
	h_assert_status(&r, 0, "exec");
	/* the third process of its PID namespace (sleep is 1) in the container's hostname */
	ck_assert_msg(strstr(r.out, "host=oci-test uid=0 cwd=/ term=xterm foo=\n"), "%s", r.out);
	ck_assert_msg(!strstr(r.out, "pid=1 ") && strstr(r.out, "pid="), "%s", r.out);
	h_result_free(&r);
	rt(&r, m, "exec", "--env", "FOO=bar", "-e", "TERM=dumb", "--cwd", "/tmp", "e1", "sh", "-c",
	   "echo term=$TERM foo=$FOO cwd=$(pwd)", NULL);
	h_assert_status(&r, 0, "exec --env --cwd");
	ck_assert_str_eq(r.out, "term=dumb foo=bar cwd=/tmp\n");
	h_result_free(&r);
	rt(&r, m, "exec", "e1", "sh", "-c", "exit 7", NULL);
	h_assert_status(&r, 7, "exec exit 7");
	h_result_free(&r);
	rt(&r, m, "exec", "e1", "sh", "-c", "kill -TERM $$", NULL);
	h_assert_status(&r, 143, "exec killed by SIGTERM");
	h_result_free(&r);
	if (m == UNSHARE) { /* the subordinate ids are mapped there */
		rt(&r, m, "exec", "--user", "1000:1001", "-g", "1002", "e1", "id", NULL);
		h_assert_status(&r, 0, "exec --user");
		want = h_strf("uid=1000 gid=1001 groups=1002");
		ck_assert_msg(strstr(r.out, want), "%s", r.out);
		free(want);
		h_result_free(&r);
	}
	/* the container's process is untouched */
	ck_assert(h_pid_alive(atoi(pid)));
	remove_container(m, "e1");
	free(pid);
}
END_TEST

/* Not found is 127, not executable 126, each one line; a stopped container is refused. */
START_TEST(test_exec_failures)
{
	enum mode m = (enum mode)_i;
	char *pid = start_sleeper(m, "e2");
	struct h_result r;

	rt(&r, m, "exec", "e2", "no-such-program", NULL);
	h_assert_status(&r, 127, "exec of a missing program");
	ck_assert_msg(strstr(r.err, "no-such-program") && h_count_lines(r.err) == 1, "%s", r.err);
	h_result_free(&r);
	rt(&r, m, "exec", "e2", "/etc/passwd", NULL);
	h_assert_status(&r, 126, "exec of a file that is not executable");
	ck_assert_msg(strstr(r.err, "/etc/passwd") && h_count_lines(r.err) == 1, "%s", r.err);
	h_result_free(&r);
	rt(&r, m, "exec", "e2", NULL);
	h_assert_status(&r, 125, "exec without a command");
	h_result_free(&r);
	rt(&r, m, "exec", "nonexistent", "true", NULL);
	h_assert_status(&r, 125, "exec in no container");
	h_result_free(&r);
	rt(&r, m, "kill", "e2", "KILL", NULL);
	h_assert_status(&r, 0, "kill");
	h_result_free(&r);
	ck_assert(h_wait_pid_gone(atoi(pid), 5000));
	rt(&r, m, "exec", "e2", "true", NULL);
	h_assert_status(&r, 125, "exec in a stopped container");
	ck_assert_msg(strstr(r.err, "stopped") && h_count_lines(r.err) == 1, "%s", r.err);
	h_result_free(&r);
	rt(&r, m, "delete", "e2", NULL);
	h_assert_status(&r, 0, "delete");
	h_result_free(&r);
	assert_root_empty();
	free(pid);
}
END_TEST

/* runc's CVE-2024-21626: a descriptor of the host's (a directory the caller leaked to the
 * runtime as fd 7) must be no way out: --cwd /proc/self/fd/7 and a link in the rootfs to it
 * are refused, the process never sees fd 7, and /proc/self/exe (the runtime's own binary,
 * which a container could rewrite) is not run. */
START_TEST(test_exec_no_way_out)
{
	enum mode m = (enum mode)_i;
	char *pid = start_sleeper(m, "e3");
	char *secret = h_strf("%s/host-secret", H.base);
	char *leak = h_strf("exec 7<%s", H.base);
	char *link = h_strf("%s/tmp/out", H.rootfs);
	char *script = h_strf("%s/tmp/self", H.rootfs);
	struct h_result r;

	h_write_file(secret, "host-only\n", 0644);
	rt_sh(&r, m, leak, "exec", "--cwd", "/proc/self/fd/7", "e3", "cat", "host-secret", NULL);
	ck_assert_msg(r.status == 125 && !strstr(r.out, "host-only"), "status %d out %s err %s",
		      r.status, r.out, r.err);
	ck_assert_msg(strstr(r.err, "/proc/self/fd/7") && h_count_lines(r.err) == 1, "%s", r.err);
	h_result_free(&r);
	ck_assert_int_eq(symlink("/proc/self/fd/7", link), 0);
	rt_sh(&r, m, leak, "exec", "--cwd", "/tmp/out", "e3", "cat", "host-secret", NULL);
	ck_assert_msg(r.status == 125 && !strstr(r.out, "host-only"), "status %d out %s err %s",
		      r.status, r.out, r.err);
	h_result_free(&r);
	/* the leaked descriptor does not reach the process, nor any of the runtime's */
	rt_sh(&r, m, leak, "exec", "e3", "ls", "/proc/self/fd", NULL);
	h_assert_status(&r, 0, "exec ls /proc/self/fd");
	ck_assert_msg(!strcmp(r.out, "0\n1\n2\n3\n"), "descriptors: %s", r.out);
	h_result_free(&r);
	/* a cwd with .. stays inside */
	rt(&r, m, "exec", "--cwd", "/../../../..", "e3", "pwd", NULL);
	h_assert_status(&r, 0, "exec --cwd /../..");
	ck_assert_str_eq(r.out, "/\n");
	h_result_free(&r);
	/* the runtime's own program, directly or as a script's interpreter */
	rt(&r, m, "exec", "e3", "/proc/self/exe", "--version", NULL);
	ck_assert_msg(r.status == 126 && !strstr(r.out, "conti-runtime"), "status %d out %s",
		      r.status, r.out);
	h_result_free(&r);
	/* a script of the container's runs as the kernel would run it */
	h_write_file(script, "#!/bin/sh -e\necho s0=$0 args=$*\n", 0755);
	rt(&r, m, "exec", "e3", "/tmp/self", "a", "b c", NULL);
	h_assert_status(&r, 0, "exec of a script");
	ck_assert_str_eq(r.out, "s0=/tmp/self args=a b c\n");
	h_result_free(&r);
	h_write_file(script, "#!/proc/self/exe\n", 0755);
	rt(&r, m, "exec", "e3", "/tmp/self", "--version", NULL);
	ck_assert_msg(r.status == 126 && !strstr(r.out, "conti-runtime"), "status %d out %s",
		      r.status, r.out);
	h_result_free(&r);
	unlink(link);
	unlink(script);
	remove_container(m, "e3");
	free(pid);
	free(secret);
	free(leak);
	free(link);
	free(script);
}
END_TEST

/* --preserve-fds N passes 3..3+N-1 on; -d returns at once with the pid file written, the
 * process running in the container. */
START_TEST(test_exec_preserve_detach)
{
	enum mode m = (enum mode)_i;
	char *pid = start_sleeper(m, "e4");
	char *file = h_strf("%s/passed", H.base);
	char *open3 = h_strf("exec 3<%s 4<%s", file, file);
	char *pidfile = h_strf("%s/exec.pid", H.base);
	struct h_result r;
	char *text, *cmdline, *p;

	h_write_file(file, "passed-on\n", 0644);
	rt_sh(&r, m, open3, "exec", "--preserve-fds", "1", "e4", "sh", "-c",
	      "cat <&3; ls /proc/self/fd", NULL);
	h_assert_status(&r, 0, "exec --preserve-fds 1");
	/* 3 is passed, 4 (beyond N) is not: ls's own directory takes 4, not 5 */
	ck_assert_msg(!strcmp(r.out, "passed-on\n0\n1\n2\n3\n4\n"), "%s", r.out);
	h_result_free(&r);
	rt(&r, m, "exec", "-d", "--pid-file", pidfile, "e4", "sleep", "999", NULL);
	h_assert_status(&r, 0, "exec -d");
	ck_assert_msg(r.elapsed_ms < 5000, "exec -d took %ld ms", r.elapsed_ms);
	h_result_free(&r);
	text = h_read_file(pidfile);
	ck_assert_ptr_nonnull(text);
	ck_assert(h_pid_alive(atoi(text)));
	p = h_strf("/proc/%d/cmdline", atoi(text));
	cmdline = h_read_file(p);
	ck_assert_ptr_nonnull(cmdline);
	ck_assert_str_eq(cmdline, "sleep");
	rt(&r, m, "ps", "--format", "json", "e4", NULL);
	ck_assert_msg(strstr(r.out, text), "ps does not list %s: %s", text, r.out);
	h_result_free(&r);
	remove_container(m, "e4");
	ck_assert(h_wait_pid_gone(atoi(text), 5000));
	free(p);
	free(cmdline);
	free(text);
	free(pidfile);
	free(open3);
	free(file);
	free(pid);
}
END_TEST

/* pause on this host: where no cgroup is delegated to the user, the container's process sits
 * in a cgroup that is not its own, so pause is refused with one line saying why and the
 * container runs on; where create made it a cgroup of its own (.../conti-rootless/ID-...),
 * pause freezes it (paused) and resume thaws it (running). Resume of a running container is
 * refused either way. */
START_TEST(test_pause_refused_here)
{
	enum mode m = (enum mode)_i;
	char *pid = start_sleeper(m, "p1");
	char *path = h_strf("/proc/%s/cgroup", pid);
	char *cg = h_read_file(path);
	bool own = cg && strstr(cg, "/conti-rootless/p1-");
	struct h_result r;
	char *s;

	rt(&r, m, "pause", "p1", NULL);
	if (own) {
		h_assert_status(&r, 0, "pause of a container with a cgroup of its own");
		h_result_free(&r);
		s = status_of(m, "p1");
		ck_assert_str_eq(s, "paused");
		free(s);
		rt(&r, m, "resume", "p1", NULL);
		h_assert_status(&r, 0, "resume");
	} else {
		h_assert_status(&r, 125, "pause");
		ck_assert_msg(strstr(r.err, "cannot pause") && h_count_lines(r.err) == 1, "%s",
			      r.err);
	}
	h_result_free(&r);
	s = status_of(m, "p1");
	ck_assert_str_eq(s, "running");
	free(s);
	rt(&r, m, "resume", "p1", NULL);
	h_assert_status(&r, 125, "resume");
	ck_assert_msg(strstr(r.err, "cannot resume") && strstr(r.err, "running"), "%s", r.err);
	h_result_free(&r);
	rt(&r, m, "pause", NULL);
	h_assert_status(&r, 125, "pause without an ID");
	h_result_free(&r);
	ck_assert(h_pid_alive(atoi(pid)));
	remove_container(m, "p1");
	free(cg);
	free(path);
	free(pid);
}
END_TEST

/* Reads from fd until want shows up (10 s at most); returns what was read (static). */
static const char *pty_read_until(int fd, const char *want)
{
	static char buf[8192];
	size_t n = 0;

	buf[0] = '\0';
	while (!strstr(buf, want) && n < sizeof(buf) - 1) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t k;

		if (poll(&p, 1, 10000) <= 0)
			break;
		k = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		buf[n] = '\0';
	}
	return buf;
}

/* exec -t --console-socket, as conmon drives it: the master arrives on the socket, the
 * process's stdio is a pty of the container's own devpts (its controlling terminal), input
 * typed on the master reaches it; exec --process FILE (podman's way) with its args, env,
 * cwd and terminal. */
START_TEST(test_exec_console_and_process_file)
{
	enum mode m = (enum mode)_i;
	char *pid = start_sleeper(m, "t1");
	char *sock = h_strf("%s/console.sock", H.base);
	char *pfile = h_strf("%s/process.json", H.base);
	int listener = console_listener(sock), master;
	char name[256];
	const char *out;
	struct h_proc p;
	struct h_result r;
	const char *argv[16];
	char *root = root_dir();
	size_t n = 0;

	n = rt_prefix(argv, m, root);
	argv[n++] = "exec";
	argv[n++] = "-t";
	argv[n++] = "--console-socket";
	argv[n++] = sock;
	argv[n++] = "t1";
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = "echo tty=$(readlink /proc/self/fd/0) ctty=$(ps -o tty= -p $$ 2>/dev/null);"
		    " [ -t 0 ] && [ -t 1 ] && echo IS-TTY; read x; echo got-$x; exit 5";
	argv[n] = NULL;
	h_spawn(&p, (char *const *)argv, NULL);
	master = console_receive(listener, name, sizeof(name));
	ck_assert_int_ge(master, 0);
	ck_assert(isatty(master));
	ck_assert_msg(!strncmp(name, "/dev/pts/", 9), "payload %s", name);
	out = pty_read_until(master, "IS-TTY");
	ck_assert_msg(strstr(out, "tty=/dev/pts/0") && strstr(out, "IS-TTY"), "%s", out);
	ck_assert_int_eq(write(master, "hello\n", 6), 6);
	out = pty_read_until(master, "got-hello");
	ck_assert_msg(strstr(out, "got-hello"), "%s", out);
	h_finish(&p, &r, 10000);
	h_assert_status(&r, 5, "exec -t");
	h_result_free(&r);
	close(master);

	/* --process FILE, as podman passes it, terminal included */
	h_write_file(pfile,
		     "{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":0},"
		     "\"args\":[\"sh\",\"-c\",\"echo proc=$FROM cwd=$(pwd); [ -t 1 ] && echo PT\"],"
		     "\"env\":[\"PATH=/bin:/usr/bin\",\"FROM=file\"],\"cwd\":\"/etc\"}",
		     0644);
	argv[n - 7] = "--process";
	argv[n - 6] = pfile;
	argv[n - 5] = "--console-socket";
	argv[n - 4] = sock;
	argv[n - 3] = "t1";
	argv[n - 2] = NULL;
	h_spawn(&p, (char *const *)argv, NULL);
	master = console_receive(listener, name, sizeof(name));
	out = pty_read_until(master, "PT");
	ck_assert_msg(strstr(out, "proc=file cwd=/etc") && strstr(out, "PT"), "%s", out);
	h_finish(&p, &r, 10000);
	h_assert_status(&r, 0, "exec --process");
	h_result_free(&r);
	close(master);

	/* a terminal with --detach and no socket: refused, one line */
	rt(&r, m, "exec", "-t", "-d", "t1", "true", NULL);
	h_assert_status(&r, 125, "exec -t -d without --console-socket");
	ck_assert_int_eq(h_count_lines(r.err), 1);
	h_result_free(&r);
	close(listener);
	remove_container(m, "t1");
	free(root);
	free(pfile);
	free(sock);
	free(pid);
}
END_TEST

/* The bundle dir's config.json with hooks_json (a "hooks" object's text) added. */
static void add_hooks(const char *dir, const char *hooks_json)
{
	char *path = h_strf("%s/config.json", dir);
	char *text = h_read_file(path), *with;

	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(text[0], '{');
	with = h_strf("{\"hooks\":%s,%s", hooks_json, text + 1);
	h_write_file(path, with, 0644);
	free(with);
	free(text);
	free(path);
}

/* Hooks run by create, start and delete: the state on the hook's stdin (status creating,
 * the container's pid); a createRuntime hook that fails makes create fail naming phase and
 * path and quoting what it said, leaving nothing; one that hangs past its timeout is killed
 * and create fails the same way; a failing poststop hook is a warning, delete goes on. */
START_TEST(test_hooks)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "b1", "[\"sleep\",\"1000\"]");
	char *b2 = bundle(m, "b2", "[\"sleep\",\"1000\"]");
	char *b3 = bundle(m, "b3", "[\"true\"]");
	char *got = h_strf("%s/prestart-state", H.base);
	char *stopped = h_strf("%s/poststop-state", H.base);
	char *hooks =
	    h_strf("{\"prestart\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"cat > %s\"]}],"
		   "\"createRuntime\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\","
		   "\"echo no network for you >&2; exit 4\"]}]}",
		   got);
	char *hang = h_strf("{\"createRuntime\":[{\"path\":\"/bin/sleep\",\"args\":[\"sleep\","
			    "\"60\"],\"timeout\":1}]}");
	char *post = h_strf("{\"poststop\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\","
			    "\"cat > %s; exit 2\"]}]}",
			    stopped);
	struct h_result r;
	char *text;

	add_hooks(b, hooks);
	rt(&r, m, "create", "--bundle", b, "h1", NULL);
	ck_assert_msg(r.status == 125, "create with a failing hook: %d %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "createRuntime hook /bin/sh: exited with status 4: no "
				    "network for you") &&
			  h_count_lines(r.err) == 1,
		      "%s", r.err);
	h_result_free(&r);
	assert_root_empty();
	text = h_read_file(got);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "\"id\":\"h1\"") && strstr(text, "\"status\":\"creating\"") &&
			  strstr(text, "\"pid\":"),
		      "the prestart hook read: %s", text);
	free(text);

	add_hooks(b2, hang);
	rt(&r, m, "create", "--bundle", b2, "h2", NULL);
	ck_assert_msg(r.status == 125 && r.elapsed_ms < 10000, "create: %d after %ld ms", r.status,
		      r.elapsed_ms);
	ck_assert_msg(strstr(r.err, "createRuntime hook /bin/sleep: did not finish within its "
				    "timeout of 1 s (killed)"),
		      "%s", r.err);
	h_result_free(&r);
	assert_root_empty();

	add_hooks(b3, post);
	rt(&r, m, "run", "--bundle", b3, "h3", NULL);
	h_assert_status(&r, 0, "run with a failing poststop hook");
	ck_assert_msg(strstr(r.err, "poststop hook /bin/sh: exited with status 2"), "%s", r.err);
	h_result_free(&r);
	assert_root_empty();
	text = h_read_file(stopped);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "\"id\":\"h3\"") && strstr(text, "\"status\":\"stopped\""),
		      "the poststop hook read: %s", text);
	free(text);
	free(post);
	free(hang);
	free(hooks);
	free(stopped);
	free(got);
	free(b3);
	free(b2);
	free(b);
}
END_TEST

/* exec -t in the foreground with no --console-socket (runc's): the runtime carries the
 * caller's terminal to the process's pty and back, its size along, and restores the
 * caller's terminal settings; the process's status comes back. */
START_TEST(test_exec_tty_foreground)
{
	enum mode m = (enum mode)_i;
	char *pid = start_sleeper(m, "t2");
	struct winsize ws = {.ws_row = 31, .ws_col = 97};
	struct termios before, after;
	struct h_result r;
	const char *argv[16];
	char *root = root_dir();
	size_t n = 0;

	n = rt_prefix(argv, m, root);
	argv[n++] = "exec";
	argv[n++] = "-t";
	argv[n++] = "t2";
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = "echo tty=$(readlink /proc/self/fd/0) size=$(stty size); exit 4";
	argv[n] = NULL;
	h_run_pty(&r, (char *const *)argv, &ws, NULL, &before, &after);
	ck_assert_msg(r.status == 4, "status %d: %s", r.status, r.out);
	ck_assert_msg(strstr(r.out, "tty=/dev/pts/0 size=31 97"), "%s", r.out);
	ck_assert_msg(before.c_lflag == after.c_lflag && before.c_iflag == after.c_iflag &&
			  before.c_oflag == after.c_oflag,
		      "the caller's terminal was left changed");
	h_result_free(&r);
	remove_container(m, "t2");
	free(root);
	free(pid);
}
END_TEST

/* exec in a created (not started) container: joined where the runtime may ptrace its
 * process (inside unshare, as engines run it), else refused in one line saying to start it
 * (directly as the user: the process is not dumpable until it runs the program). */
START_TEST(test_exec_created)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "c1", "[\"sleep\",\"1000\"]");
	struct h_result r;

	rt(&r, m, "create", "--bundle", b, "c1", NULL);
	h_assert_status(&r, 0, "create");
	h_result_free(&r);
	rt(&r, m, "exec", "c1", "sh", "-c", "echo beside-$(cat /proc/1/comm)", NULL);
	if (m == UNSHARE) {
		h_assert_status(&r, 0, "exec in a created container");
		ck_assert_msg(strstr(r.out, "beside-"), "%s", r.out);
	} else {
		h_assert_status(&r, 125, "exec in a created container, directly");
		ck_assert_msg(strstr(r.err, "start it first") && h_count_lines(r.err) == 1, "%s",
			      r.err);
	}
	h_result_free(&r);
	remove_container(m, "c1");
	assert_root_empty();
	free(b);
}
END_TEST

/* exec in the foreground passes a signal sent to the runtime on to the process (runc's
 * signal proxy): SIGTERM ends its sleep, the runtime returns 143 at once, and the
 * container's process is the only one left. Directly (inside unshare the signal would go to
 * conti-rootless unshare, not to the runtime). */
START_TEST(test_exec_passes_signals)
{
	char *pid = start_sleeper(DIRECT, "s1");
	char *root = root_dir();
	const char *argv[] = {runtime_bin(), "--root", root, "exec", "s1", "sleep", "60", NULL};
	struct h_proc p;
	struct h_result r;
	long long t0;

	h_spawn(&p, (char *const *)argv, NULL);
	for (int i = 0; i < 50; i++) { /* until the sleep runs in the container */
		rt(&r, DIRECT, "ps", "--format", "json", "s1", NULL);
		bool two = strchr(r.out, ',') != NULL;

		h_result_free(&r);
		if (two)
			break;
		usleep(100000);
	}
	t0 = h_mono_ms();
	ck_assert_int_eq(kill(p.pid, SIGTERM), 0);
	h_finish(&p, &r, 10000);
	h_assert_status(&r, 143, "exec sleep, SIGTERM to the runtime");
	ck_assert_msg(h_mono_ms() - t0 < 5000, "took %lld ms", h_mono_ms() - t0);
	h_result_free(&r);
	rt(&r, DIRECT, "ps", "--format", "json", "s1", NULL);
	ck_assert_msg(!strchr(r.out, ','), "the exec'd sleep lives on: %s", r.out);
	h_result_free(&r);
	remove_container(DIRECT, "s1");
	free(root);
	free(pid);
}
END_TEST

/* Deletes with --force every container under root (killing its processes). */
static void delete_all(const char *root)
{
	DIR *d = opendir(root);

	for (struct dirent *e; d && (e = readdir(d));) {
		const char *argv[] = {runtime_bin(), "--root",	root, "delete",
				      "--force",     e->d_name, NULL};
		struct h_result r;

		if (e->d_name[0] == '.')
			continue;
		h_run(&r, NULL, (char *const *)argv);
		h_result_free(&r);
	}
	if (d)
		closedir(d);
}

/* The case's teardown: a failed test skips its own, so the containers every test of the
 * case left (TESTDIR/oci-root) are deleted here, then the case dir removed. */
static void oci_case_teardown(void)
{
	const char *dir = h_case_dir();
	DIR *d = dir ? opendir(dir) : NULL;

	for (struct dirent *e; d && (e = readdir(d));) {
		char *root = h_strf("%s/%s/oci-root", dir, e->d_name);

		if (e->d_name[0] != '.')
			delete_all(root);
		free(root);
	}
	if (d)
		closedir(d);
	h_case_teardown();
}

/* A root.path that is a symlink, or has one on the way, is refused as runc refuses it (the
 * root is bound by that path later: a link there is followed to wherever it points then),
 * with one line, nothing left; the same root by its real path runs. */
START_TEST(test_symlinked_rootfs_refused)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "b1", "[\"true\"]");
	char *cfg = h_strf("%s/config.json", b);
	char *link = h_strf("%s/rootlink", H.base), *dirlink = h_strf("%s/baselink", H.base);
	char *text = h_read_file(cfg), *at = strstr(text, H.rootfs);
	struct h_result r;

	ck_assert_ptr_nonnull(at);
	ck_assert_int_eq(symlink(H.rootfs, link), 0);
	ck_assert_int_eq(symlink(H.base, dirlink), 0);
	for (int i = 0; i < 2; i++) {
		/* the root itself a link, then a link on the way (baselink/rootfs) */
		char *sym =
		    i == 0 ? h_strf("%.*s%s%s", (int)(at - text), text, link, at + strlen(H.rootfs))
			   : h_strf("%.*s%s%s%s", (int)(at - text), text, dirlink,
				    strrchr(H.rootfs, '/'), at + strlen(H.rootfs));

		h_write_file(cfg, sym, 0644);
		free(sym);
		rt(&r, m, "run", "--bundle", b, "s1", NULL);
		ck_assert_msg(r.status == 125, "%d: exit %d: %s", i, r.status, r.err);
		ck_assert_msg(strstr(r.err, "root.path") && strstr(r.err, "symlink"), "%s", r.err);
		ck_assert_int_eq(h_count_lines(r.err), 1);
		h_result_free(&r);
		assert_root_empty();
	}
	h_write_file(cfg, text, 0644);
	rt(&r, m, "run", "--bundle", b, "s1", NULL);
	h_assert_status(&r, 0, "run with the real root.path");
	h_result_free(&r);
	assert_root_empty();
	free(text);
	free(dirlink);
	free(link);
	free(cfg);
	free(b);
}
END_TEST

/* A namespace path that is a FIFO (or any file not a namespace) is refused with one line
 * and nothing left: create opened it for reading and blocked forever. */
START_TEST(test_namespace_path_not_a_namespace)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "b1", "[\"true\"]");
	char *cfg = h_strf("%s/config.json", b);
	char *fifo = h_strf("%s/fifo", H.base);
	char *text = h_read_file(cfg), *at = strstr(text, "\"namespaces\":[");
	char *bad;
	struct h_result r;

	ck_assert_ptr_nonnull(at);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	at += strlen("\"namespaces\":[");
	bad = h_strf("%.*s{\"type\":\"network\",\"path\":\"%s\"},%s", (int)(at - text), text, fifo,
		     at);
	h_write_file(cfg, bad, 0644);
	rt(&r, m, "run", "--bundle", b, "n1", NULL);
	ck_assert_msg(r.status == 125, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, fifo) && strstr(r.err, "not a namespace"), "%s", r.err);
	ck_assert_int_eq(h_count_lines(r.err), 1);
	h_result_free(&r);
	assert_root_empty();
	free(bad);
	free(text);
	free(fifo);
	free(cfg);
	free(b);
}
END_TEST

/* exec without a terminal of its own, from a shell on a terminal: the process is in a
 * session of its own, so the caller's controlling terminal is not its /dev/tty (it could push
 * input into the caller's shell with TIOCSTI), as runc's exec. */
START_TEST(test_exec_not_in_callers_session)
{
	enum mode m = (enum mode)_i;
	char *pid = start_sleeper(m, "s2");
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	struct termios before, after;
	struct h_result r;
	const char *argv[16];
	char *root = root_dir();
	size_t n = 0;

	n = rt_prefix(argv, m, root);
	argv[n++] = "exec";
	argv[n++] = "s2";
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = "if true 3<>/dev/tty 2>/dev/null; then echo CALLERS-TTY; else echo NO-TTY; fi";
	argv[n] = NULL;
	h_run_pty(&r, (char *const *)argv, &ws, NULL, &before, &after);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.out);
	ck_assert_msg(strstr(r.out, "NO-TTY") && !strstr(r.out, "CALLERS-TTY"), "%s", r.out);
	h_result_free(&r);
	remove_container(m, "s2");
	free(root);
	free(pid);
}
END_TEST

/* exec --preserve-fds N passes the caller's descriptors 3..N+2 and nothing of the
 * runtime's: its own (the O_PATH one of ROOT/ID, a host directory outside the container's
 * root; its socket) sat in that range when the caller passed fewer, were made inheritable,
 * and /proc/self/fd/N/../.. listed the host's files (runc's CVE-2024-21626 class). */
START_TEST(test_exec_preserve_fds_no_runtime_fd)
{
	enum mode m = (enum mode)_i;
	char *pid = start_sleeper(m, "p5");
	char *file = h_strf("%s/passed", H.base), *secret = h_strf("%s/host-secret", H.base);
	char *open3 = h_strf("exec 3<%s", file);
	struct h_result r;

	h_write_file(file, "passed-on\n", 0644);
	h_write_file(secret, "", 0644);
	rt_sh(&r, m, open3, "exec", "--preserve-fds", "8", "p5", "sh", "-c",
	      "cat <&3; for f in 4 5 6 7 8 9 10; do [ -e /proc/self/fd/$f ] && "
	      "echo LEAK $f $(readlink /proc/self/fd/$f) && ls /proc/self/fd/$f/../..; done; "
	      "echo done",
	      NULL);
	h_assert_status(&r, 0, "exec --preserve-fds 8");
	ck_assert_msg(!strcmp(r.out, "passed-on\ndone\n") && !strstr(r.out, "host-secret"), "%s",
		      r.out);
	h_result_free(&r);
	remove_container(m, "p5");
	free(open3);
	free(secret);
	free(file);
	free(pid);
}
END_TEST

/* proc mounted on a destination that is a symlink in the root is refused (runc: "must be
 * mounted on ordinary directory"): it went to wherever the link led, the container's /proc
 * a link that the masked and read-only paths followed later (runc's CVE-2019-19921 class
 * when the link lies in a volume another container may change). One line, nothing left. */
START_TEST(test_proc_on_symlink_refused)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "b1", "[\"true\"]");
	char *rootfs = h_strf("%s/rootfs2", H.base);
	char *cfg = h_strf("%s/config.json", b);
	char *text = h_read_file(cfg), *at = strstr(text, H.rootfs), *moved;
	char *cmd = h_strf("cp -a %s %s && rmdir %s/proc && mkdir %s/tmp/fakeproc && "
			   "ln -s /tmp/fakeproc %s/proc",
			   H.rootfs, rootfs, rootfs, rootfs, rootfs);
	struct h_result r;

	ck_assert_ptr_nonnull(at);
	ck_assert_int_eq(system(cmd), 0);
	moved = h_strf("%.*s%s%s", (int)(at - text), text, rootfs, at + strlen(H.rootfs));
	h_write_file(cfg, moved, 0644);
	rt(&r, m, "run", "--bundle", b, "y1", NULL);
	ck_assert_msg(r.status == 125, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "/proc") && strstr(r.err, "symlink"), "%s", r.err);
	ck_assert_int_eq(h_count_lines(r.err), 1);
	h_result_free(&r);
	assert_root_empty();
	free(moved);
	free(cmd);
	free(text);
	free(cfg);
	free(rootfs);
	free(b);
}
END_TEST

/* create --pid-file writes through a new file of its own: a symlink someone put at the
 * temporary name beside the pid file was followed and the file it named overwritten. */
START_TEST(test_pid_file_no_symlink_followed)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "b1", "[\"true\"]");
	char *pidfile = h_strf("%s/c.pid", H.base), *victim = h_strf("%s/victim", H.base);
	char *tmp = h_strf("%s.conti-tmp", pidfile), *text;
	struct h_result r;

	h_write_file(victim, "precious\n", 0644);
	ck_assert_int_eq(symlink(victim, tmp), 0);
	rt(&r, m, "create", "--bundle", b, "--pid-file", pidfile, "q1", NULL);
	h_assert_status(&r, 0, "create --pid-file");
	h_result_free(&r);
	text = h_read_file(victim);
	ck_assert_str_eq(text, "precious\n");
	free(text);
	text = h_read_file(pidfile);
	ck_assert_msg(text && atoi(text) > 0, "pid file: %s", text ? text : "(none)");
	free(text);
	rt(&r, m, "delete", "--force", "q1", NULL);
	h_assert_status(&r, 0, "delete");
	h_result_free(&r);
	assert_root_empty();
	free(tmp);
	free(victim);
	free(pidfile);
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oci");
	TCase *tc = tcase_create("lifecycle"); /* h_tcase's, with oci_case_teardown */
	SRunner *sr;
	int failed;

	tcase_add_unchecked_fixture(tc, h_case_setup, oci_case_teardown);
	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	if (!getenv("CK_DEFAULT_TIMEOUT"))
		tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_create_start_kill_delete, 0, MODES);
	tcase_add_loop_test(tc, test_run_status, 0, MODES);
	tcase_add_loop_test(tc, test_id_exists, 0, MODES);
	tcase_add_loop_test(tc, test_failures_leave_nothing, 0, MODES);
	tcase_add_test(tc, test_unprivileged_needs_userns);
	tcase_add_loop_test(tc, test_kill_all_force_list_ps, 0, MODES);
	tcase_add_loop_test(tc, test_preserve_fds, 0, MODES);
	tcase_add_loop_test(tc, test_console_socket, 0, MODES);
	tcase_add_loop_test(tc, test_create_killed, 0, MODES);
	suite_add_tcase(s, tc);
	tc = h_tcase("exec");
	tcase_add_loop_test(tc, test_exec_status_env_cwd, 0, MODES);
	tcase_add_loop_test(tc, test_exec_failures, 0, MODES);
	tcase_add_loop_test(tc, test_exec_no_way_out, 0, MODES);
	tcase_add_loop_test(tc, test_exec_preserve_detach, 0, MODES);
	tcase_add_loop_test(tc, test_pause_refused_here, 0, MODES);
	tcase_add_loop_test(tc, test_exec_console_and_process_file, 0, MODES);
	tcase_add_loop_test(tc, test_exec_tty_foreground, 0, MODES);
	tcase_add_loop_test(tc, test_exec_created, 0, MODES);
	tcase_add_test(tc, test_exec_passes_signals);
	suite_add_tcase(s, tc);
	tc = h_tcase("hooks");
	tcase_add_loop_test(tc, test_hooks, 0, MODES);
	suite_add_tcase(s, tc);
	tc = tcase_create("attacks"); /* with oci_case_teardown: a failed test's containers go */
	tcase_add_unchecked_fixture(tc, h_case_setup, oci_case_teardown);
	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	if (!getenv("CK_DEFAULT_TIMEOUT"))
		tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_symlinked_rootfs_refused, 0, MODES);
	tcase_add_loop_test(tc, test_namespace_path_not_a_namespace, 0, MODES);
	tcase_add_loop_test(tc, test_exec_not_in_callers_session, 0, MODES);
	tcase_add_loop_test(tc, test_exec_preserve_fds_no_runtime_fd, 0, MODES);
	tcase_add_loop_test(tc, test_proc_on_symlink_refused, 0, MODES);
	tcase_add_loop_test(tc, test_pid_file_no_symlink_followed, 0, MODES);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
