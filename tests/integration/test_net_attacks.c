/* test_net_attacks.c - the private network (issue #15) under attack, as an unprivileged user:
 * the helper (pasta, slirp4netns) holds only its own fds (nothing of the test's, nor the
 * front end's), bad -p specs (a newline that would add a line to the saved configuration,
 * huge, binary, out of range) are one line and exit 125 with nothing left, a privileged host
 * port is refused with the sysctl named, and a range too big for the helper's fds fails in
 * one line with no helper and no container left.
 *
 * Environment: CONTI_BIN, CONTI_MKROOTFS (set by meson); CK_RUN_CASE=NAME.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

static const char *const helpers[] = {"pasta", "slirp4netns"};
static pid_t runner;

/* The value of KEY= in RUNTIME/NAME/state, 0 when missing. */
static long state_value(const char *name, const char *key)
{
	char *rt = h_runtime_dir(), *path = h_strf("%s/%s/state", rt, name);
	char *text = h_read_file(path), *needle = h_strf("\n%s=", key), *at;
	long v = 0;

	at = text ? strstr(text, needle) : NULL;
	if (at)
		v = strtol(at + strlen(needle), NULL, 10);
	free(rt), free(path), free(text), free(needle);
	return v;
}

/* Whether /proc/PID/comm at path is of a process of ours (other users run helpers too). */
static bool own_proc(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_uid == getuid();
}

/* Processes of ours whose comm starts with pasta, passt or slirp4netns. */
static int count_helpers(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d))) {
		char *path, *comm;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		path = h_strf("/proc/%s/comm", de->d_name);
		comm = own_proc(path) ? h_read_file(path) : NULL;
		if (comm && (!strncmp(comm, "pasta", 5) || !strncmp(comm, "passt", 5) ||
			     !strncmp(comm, "slirp4netns", 11)))
			n++;
		free(path), free(comm);
	}
	if (d)
		closedir(d);
	return n;
}

static void assert_no_helper(const char *after)
{
	long long deadline = h_mono_ms() + 2000;
	int n;

	while ((n = count_helpers()) != 0 && h_mono_ms() < deadline)
		usleep(20000);
	ck_assert_msg(n == 0, "%d helper process(es) left after %s", n, after);
}

/* Whether a link of the helper's fd table is one of its own: its log, /dev/null, the tun
 * device, the container's namespaces, its sockets and pipes, and (slirp4netns) the
 * container's state dir for its API socket. */
static bool own_fd(const char *link, const char *state_dir, const char *userns, const char *netns)
{
	static const char *const kinds[] = {"socket:", "pipe:", "anon_inode:"};

	/* the container's namespaces only: not the keeper's user namespace, nor the host's */
	if (!strcmp(link, userns) || !strcmp(link, netns))
		return true;

	for (int i = 0; i < N(kinds); i++)
		if (!strncmp(link, kinds[i], strlen(kinds[i])))
			return true;
	if (!strcmp(link, "/dev/null") || !strcmp(link, "/dev/net/tun") || !strcmp(link, state_dir))
		return true;
	return !strncmp(link, state_dir, strlen(state_dir)) &&
	       !strcmp(link + strlen(state_dir), "/net.log");
}

/* The link of /proc/PID/ns/KIND ("user:[N]"), "" when unreadable. */
static void ns_link(long pid, const char *kind, char out[64])
{
	char *p = h_strf("/proc/%ld/ns/%s", pid, kind);
	ssize_t n = readlink(p, out, 63);

	out[n > 0 ? n : 0] = '\0';
	ck_assert_msg(n > 0, "cannot read %s", p);
	free(p);
}

/* The helper holds nothing of its caller's: the test holds a file open (inherited by the
 * front end, as a shell's redirection would be) and it must not reach the helper; nor the
 * keeper's user namespace (slirp4netns joins it, pasta must not hold it). */
START_TEST(test_helper_fds)
{
	char *name = h_new_name("atk", runner), *rt = h_runtime_dir();
	char *state_dir = h_strf("%s/%s", rt, name), *secret = h_strf("%s/secret", H.base);
	char *fddir, userns[64], netns[64];
	struct h_result r;
	int fd, bad = 0;
	DIR *d;
	struct dirent *de;
	long pid;

	h_write_file(secret, "host secret\n", 0600);
	fd = open(secret, O_RDONLY); /* no O_CLOEXEC: the front end inherits it */
	ck_assert_int_ge(fd, 0);
	/* 2, 3: under keep-id the container's user namespace is not the keeper's */
	h_conti(&r, NULL, "run", "-d", "--name", name, h_strf("--net=%s", helpers[_i % 2]),
		"--userns", _i >= 2 ? "keep-id" : "host", H.rootfs, "sleep", "60", NULL);
	close(fd);
	h_assert_status(&r, 0, "run -d --net");
	h_result_free(&r);
	pid = state_value(name, "net_pid");
	ck_assert_msg(pid > 1, "no net_pid= in the state");
	ns_link(state_value(name, "pid"), "user", userns);
	ns_link(state_value(name, "pid"), "net", netns);
	fddir = h_strf("/proc/%ld/fd", pid);
	d = opendir(fddir);
	ck_assert_msg(d, "the helper %ld is gone", pid);
	while ((de = readdir(d))) {
		char *p, link[4096];
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		p = h_strf("%s/%s", fddir, de->d_name);
		n = readlink(p, link, sizeof(link) - 1);
		free(p);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (!own_fd(link, state_dir, userns, netns)) {
			fprintf(stderr, "%s holds fd %s -> %s\n", helpers[_i % 2], de->d_name,
				link);
			bad++;
		}
	}
	closedir(d);
	ck_assert_msg(bad == 0, "%s holds %d fd(s) that are not its own (see above)",
		      helpers[_i % 2], bad);
	h_remove_names();
	assert_no_helper("rm -f");
	free(name), free(rt), free(state_dir), free(secret), free(fddir);
}
END_TEST

/* A -p spec that is not one is refused in one line, before anything is made; a newline
 * cannot add a line (port=, net=...) to the saved configuration. */
START_TEST(test_bad_specs)
{
	static const char *const specs[] = {
	    "18080:80\nnet=0", "18080:80\nport=1:1", "65536:80",
	    "0-5:1-6",	       "65535-65536:1-2",    "18080:0",
	    "18080:80/sctp",   "1.2.3:18080:80",     "[::1%lo]:18080:80",
	    "\x01\xff:80",     "80:80:80:80",	     "-1:80",
	};
	char *huge = malloc(100001);

	memset(huge, '9', 100000);
	huge[100000] = '\0';
	for (int i = 0; i <= N(specs); i++) {
		const char *spec = i < N(specs) ? specs[i] : huge;
		struct h_result r;
		char *line;

		h_conti(&r, NULL, "create", "-p", spec, H.rootfs, "true", NULL);
		h_assert_status(&r, 125, "create -p BAD");
		line = h_error_line(&r);
		ck_assert_msg(strlen(line) < 1024, "a %zu-byte error line", strlen(line));
		free(line);
		h_result_free(&r);
		h_assert_no_containers_left();
	}
	free(huge);
}
END_TEST

/* A host port below ip_unprivileged_port_start: one line naming the sysctl, nothing left. */
START_TEST(test_privileged_port)
{
	char *start = h_read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start");
	long first = start ? strtol(start, NULL, 10) : 1024;
	struct h_result r;
	char *line, *spec;

	free(start);
	if (first <= 1) {
		h_skip("every port is unprivileged here");
		return;
	}
	spec = h_strf("%ld:80", first - 1);
	h_conti(&r, NULL, "run", "--rm", h_strf("--net=%s", helpers[_i]), "-p", spec, H.rootfs,
		"true", NULL);
	h_assert_status(&r, 125, "run -p PRIVILEGED");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "ip_unprivileged_port_start"),
		      "the error does not name the sysctl: %s", line);
	free(line), free(spec);
	h_result_free(&r);
	h_assert_no_containers_left();
	assert_no_helper("a refused privileged port");
}
END_TEST

/* More ports than the helper can open (its RLIMIT_NOFILE): one line, exit 125, no helper and
 * no container left, in bounded time (the slirp4netns path asks for each port). */
START_TEST(test_too_many_ports)
{
	struct h_result r;
	long long t0 = h_mono_ms();
	char *line;

	h_conti(&r, NULL, "run", "--rm", h_strf("--net=%s", helpers[_i]), "-p",
		"20000-40000:20000-40000", H.rootfs, "true", NULL);
	if (r.status == 0) {
		h_skip("the helper could open 20001 ports here (a high RLIMIT_NOFILE)");
		h_result_free(&r);
		return;
	}
	h_assert_status(&r, 125, "run -p 20001 ports");
	line = h_error_line(&r);
	ck_assert_msg(strlen(line) < 1024, "a %zu-byte error line", strlen(line));
	free(line);
	h_result_free(&r);
	ck_assert_msg(h_mono_ms() - t0 < 30000, "%lld ms to fail", h_mono_ms() - t0);
	h_assert_no_containers_left();
	assert_no_helper("too many ports");
}
END_TEST

/* The real program NAME on PATH (caller frees), NULL when none. */
static char *on_path(const char *name)
{
	char *path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"), *save = NULL;

	for (char *dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *p = h_strf("%s/%s", dir, name);

		if (access(p, X_OK) == 0) {
			free(path);
			return p;
		}
		free(p);
	}
	free(path);
	return NULL;
}

/* Another process takes 0.0.0.0:PORT after ports_resolve checked it free and before pasta
 * binds it (a wrapper named pasta does it first, deterministically, what a second user's
 * loop did on this machine): pasta binds [::]:PORT only and goes on, and that process gets
 * the IPv4 connections. The start must fail in one line, with nothing left. */
START_TEST(test_port_stolen_during_start)
{
	char *pasta = on_path("pasta"), *python = on_path("python3");
	char *bin = h_strf("%s/bin", H.base), *pidfile = h_strf("%s/thief.pid", H.base);
	char *wrapper = h_strf("%s/pasta", bin), *script, *envpath, *text, *line;
	const char *env[2];
	struct h_result r;
	long thief;

	if (!pasta || !python) {
		h_skip("needs pasta and python3");
		free(pasta), free(python);
		return;
	}
	ck_assert_int_eq(mkdir(bin, 0755), 0);
	script = h_strf("#!/bin/sh\n"
			"%s -c 'import socket,os,time\n"
			"s=socket.socket()\n"
			"s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
			"s.bind((\"0.0.0.0\", 18961)); s.listen()\n"
			"open(\"%s.tmp\",\"w\").write(str(os.getpid()))\n"
			"os.rename(\"%s.tmp\", \"%s\")\n"
			"time.sleep(120)' </dev/null >/dev/null 2>&1 &\n"
			"while [ ! -s %s ]; do sleep 0.01; done\n"
			"exec %s \"$@\"\n",
			python, pidfile, pidfile, pidfile, pidfile, pasta);
	h_write_file(wrapper, script, 0755);
	envpath = h_strf("PATH=%s:%s", bin, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	env[0] = envpath;
	env[1] = NULL;
	{
		const struct h_opts o = {.env = env};

		h_conti(&r, &o, "run", "--rm", "--net=pasta", "-p", "18961:80", H.rootfs, "true",
			NULL);
	}
	text = h_read_file(pidfile);
	thief = text ? strtol(text, NULL, 10) : 0;
	if (thief > 1)
		kill((pid_t)thief, SIGKILL);
	ck_assert_msg(thief > 1, "the wrapper did not run: %s", r.err);
	h_assert_status(&r, 125, "run -p with the port taken during the start");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "18961"), "the error does not name the port: %s", line);
	free(line);
	h_result_free(&r);
	h_assert_no_containers_left();
	assert_no_helper("a port taken during the start");
	free(pasta), free(python), free(bin), free(pidfile), free(wrapper), free(script);
	free(envpath), free(text);
}
END_TEST

int main(void)
{
	const char *only = getenv("CK_RUN_CASE");
	Suite *s = suite_create("net-attacks");
	TCase *tc = h_tcase("attacks");
	SRunner *sr;
	int failed;

	runner = getpid();
	tcase_add_loop_test(tc, test_helper_fds, 0, 4);
	tcase_add_test(tc, test_bad_specs);
	tcase_add_loop_test(tc, test_privileged_port, 0, 2);
	tcase_add_loop_test(tc, test_too_many_ports, 0, 2);
	tcase_add_test(tc, test_port_stolen_during_start);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run(sr, NULL, only && *only ? only : NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
