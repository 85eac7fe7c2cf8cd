/* test_containers.c - integration tests of the everyday commands people know from docker:
 * restart, wait, cp (both ways, running and stopped containers, links that point out of
 * the container, special files), rm -a, container prune, top and exec -d, with their bad
 * input. Each test runs the built front end as the calling (unprivileged) user on a fresh
 * busybox rootfs with private runtime and data dirs, and asserts what the user sees.
 *
 * Cleaning up: the checked teardown runs `rm -f` on every name the test made, kills the
 * test's keeper and whatever of the test is still alive (found by the sleep marks
 * "8RUNNER.TESTPID07NN" or the case dir); a process left after rm -f fails the test.
 *
 * Environment: CONTI_BIN, CONTI_MKROOTFS (set by meson); CK_RUN_CASE=NAME runs one TCase.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define CONTI(r, ...) h_conti((r), NULL, __VA_ARGS__, NULL)
#define CONTI_OPTS(r, o, ...) h_conti((r), (o), __VA_ARGS__, NULL)
#define DETACH(name, ...) h_run_detached((name), NULL, (const char *const[]){__VA_ARGS__, NULL})

static pid_t runner;

static char *new_name(void)
{
	return h_new_name("ev", runner);
}

static char *new_mark(void)
{
	return h_new_mark('8', runner);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

static void kill_keeper(void)
{
	char *path = h_strf("%s/conti-rootless/keeper.pid", H.runtime);
	char *text = h_read_file(path);
	pid_t pid = text ? (pid_t)atoi(text) : 0;

	if (pid > 0 && h_pid_alive(pid) && h_proc_mentions(pid, H.base))
		kill(pid, SIGKILL);
	free(path);
	free(text);
}

static void ev_setup(void)
{
	h_setup();
}

static void ev_teardown(void)
{
	char *needle = h_strf("sleep 8%d.%07d", (int)runner, (int)getpid());
	long long deadline = h_mono_ms() + 3000;
	int left;

	h_remove_names();
	kill_keeper();
	while ((left = h_count_procs_mentioning(needle)) > 0 && h_mono_ms() < deadline)
		sleep_ms(50);
	h_kill_procs(needle);
	h_kill_procs(H.base);
	h_teardown();
	free(needle);
	ck_assert_msg(left == 0, "%d process(es) of the test alive 3 s after rm -f", left);
}

static void ev_case_setup(void)
{
	h_case_setup();
}

static void ev_case_teardown(void)
{
	char *needle = h_strf("sleep 8%d.", (int)runner);

	h_kill_procs(needle);
	if (h_case_dir())
		h_kill_procs(h_case_dir());
	h_case_teardown();
	free(needle);
}

/* ---- helpers ---- */

/* The value of "key": in inspect's JSON of name (a number or a string, unquoted); caller
 * frees; NULL when absent. */
static char *inspect_field(const char *name, const char *key)
{
	struct h_result r;
	char *needle = h_strf("\"%s\":", key), *at, *val = NULL;

	CONTI(&r, "inspect", name);
	if (r.status == 0 && (at = strstr(r.out, needle))) {
		at += strlen(needle);
		if (*at == '"')
			at++;
		val = strndup(at, strcspn(at, "\",}"));
	}
	h_result_free(&r);
	free(needle);
	return val;
}

/* Polls inspect until name's status is want (up to ms). */
static void expect_state(const char *name, const char *want, int ms)
{
	long long deadline = h_mono_ms() + ms;
	char *status = NULL;

	for (;;) {
		free(status);
		status = inspect_field(name, "status");
		if ((status && !strcmp(status, want)) || h_mono_ms() >= deadline)
			break;
		sleep_ms(50);
	}
	ck_assert_msg(status && !strcmp(status, want), "%s: status %s, expected %s", name,
		      status ? status : "(none)", want);
	free(status);
}

/* `exec name sh -c script`, asserting exit 0; its stdout (caller frees). */
static char *exec_sh(const char *name, const char *script)
{
	struct h_result r;
	char *out;

	CONTI(&r, "exec", name, "sh", "-c", script);
	h_assert_status(&r, 0, script);
	out = strdup(r.out);
	h_result_free(&r);
	return out;
}

static void assert_error_125(struct h_result *r, const char *what, const char *needle)
{
	char *line;

	ck_assert_msg(r->status == 125, "%s: exit %d, expected 125; stderr: %s", what, r->status,
		      r->err);
	line = h_error_line(r);
	ck_assert_msg(!needle || strstr(line, needle), "%s: '%s' does not say '%s'", what, line,
		      needle);
	free(line);
}

/* ---- restart ---- */

/* restart of a running container: a new PID 1, on the same layer (a file written before
 * is still there). */
START_TEST(test_restart_running)
{
	char *name = new_name(), *mark = new_mark(), *script, *pid1, *pid2, *out;
	struct h_result r;

	script = h_strf("test -e /kept || echo before > /kept; exec sleep %s", mark);
	DETACH(name, "sh", "-c", script);
	expect_state(name, "running", 5000);
	pid1 = inspect_field(name, "pid");
	CONTI(&r, "restart", "-t", "1", name);
	h_assert_status(&r, 0, "restart");
	ck_assert_msg(!strcmp(r.out, h_strf("%s\n", name)), "restart printed '%s'", r.out);
	h_result_free(&r);
	expect_state(name, "running", 5000);
	pid2 = inspect_field(name, "pid");
	ck_assert_msg(pid1 && pid2 && strcmp(pid1, pid2), "PID 1 is the same after restart: %s",
		      pid2);
	out = exec_sh(name, "cat /kept");
	ck_assert_str_eq(out, "before\n");
	free(out), free(pid1), free(pid2), free(script), free(name), free(mark);
}
END_TEST

/* restart of an exited container runs its command again on its layer. */
START_TEST(test_restart_exited)
{
	char *name = new_name(), *mark = new_mark(), *script, *out;
	struct h_result r;

	script =
	    h_strf("echo run >> /runs; test $(wc -l < /runs) -ge 2 && exec sleep %s; exit 4", mark);
	DETACH(name, "sh", "-c", script);
	expect_state(name, "exited", 5000);
	CONTI(&r, "restart", name);
	h_assert_status(&r, 0, "restart of an exited container");
	h_result_free(&r);
	expect_state(name, "running", 5000);
	out = exec_sh(name, "cat /runs");
	ck_assert_str_eq(out, "run\nrun\n");
	free(out), free(script), free(name), free(mark);
}
END_TEST

/* ---- wait ---- */

/* wait on a running container returns when it exits and prints its code. */
START_TEST(test_wait_running)
{
	char *name = new_name();
	struct h_result r;

	DETACH(name, "sh", "-c", "sleep 1; exit 3");
	CONTI(&r, "wait", name);
	h_assert_status(&r, 0, "wait");
	ck_assert_str_eq(r.out, "3\n");
	ck_assert_msg(r.elapsed_ms >= 400, "wait returned after %ld ms, before the exit",
		      r.elapsed_ms);
	h_result_free(&r);
	expect_state(name, "exited", 1000);
	free(name);
}
END_TEST

/* wait on exited containers returns at once, one line each. */
START_TEST(test_wait_exited)
{
	char *a = new_name(), *b = new_name();
	struct h_result r;

	DETACH(a, "sh", "-c", "exit 7");
	DETACH(b, "true");
	expect_state(a, "exited", 5000);
	expect_state(b, "exited", 5000);
	CONTI(&r, "wait", a, b);
	h_assert_status(&r, 0, "wait");
	ck_assert_str_eq(r.out, "7\n0\n");
	ck_assert_msg(r.elapsed_ms < 3000, "wait took %ld ms", r.elapsed_ms);
	h_result_free(&r);
	free(a), free(b);
}
END_TEST

/* ---- cp ---- */

static char *host_dir(const char *leaf)
{
	char *dir = h_strf("%s/%s", H.base, leaf);

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	return dir;
}

static void assert_host_file(const char *path, const char *text, mode_t mode)
{
	struct stat sb;
	char *got = h_read_file(path);

	ck_assert_msg(lstat(path, &sb) == 0, "%s not copied", path);
	ck_assert_msg(S_ISREG(sb.st_mode), "%s is not a regular file", path);
	ck_assert_msg(sb.st_uid == getuid(), "%s belongs to %u, not to us", path,
		      (unsigned)sb.st_uid);
	ck_assert_msg((sb.st_mode & 07777) == mode, "%s has mode %o, not %o", path,
		      sb.st_mode & 07777, mode);
	ck_assert_msg(got && !strcmp(got, text), "%s holds '%s'", path, got ? got : "(null)");
	free(got);
}

/* Both ways for a container in the state the caller made: a file (content, mode, owner on
 * both sides) and a directory, recursively. */
static void cp_both_ways(const char *name, bool running)
{
	char *dir = host_dir("cp"), *src = h_strf("%s/in.txt", dir), *sub = h_strf("%s/tree", dir);
	char *deep = h_strf("%s/tree/a", dir), *deepf = h_strf("%s/tree/a/f", dir);
	char *cin = h_strf("%s:/in.txt", name), *cout = h_strf("%s:/made", name);
	char *ctree = h_strf("%s:/ctree", name), *out = NULL;
	struct h_result r;

	h_write_file(src, "from host\n", 0640);
	ck_assert_int_eq(mkdir(sub, 0750), 0);
	ck_assert_int_eq(mkdir(deep, 0700), 0);
	h_write_file(deepf, "deep\n", 0600);
	CONTI(&r, "cp", src, cin);
	h_assert_status(&r, 0, "cp into the container");
	h_result_free(&r);
	CONTI(&r, "cp", sub, ctree);
	h_assert_status(&r, 0, "cp of a directory into the container");
	h_result_free(&r);
	/* out again: what the container made (owned by a user of its own, mode 0604) */
	CONTI(&r, "cp", cout, h_strf("%s/made.txt", dir));
	h_assert_status(&r, 0, "cp out of the container");
	h_result_free(&r);
	assert_host_file(h_strf("%s/made.txt", dir), "made inside\n", 0604);
	CONTI(&r, "cp", ctree, h_strf("%s/back", dir));
	h_assert_status(&r, 0, "cp of a directory out of the container");
	h_result_free(&r);
	assert_host_file(h_strf("%s/back/a/f", dir), "deep\n", 0600);
	if (!running) {
		CONTI(&r, "start", name);
		h_assert_status(&r, 0, "start");
		h_result_free(&r);
		expect_state(name, "running", 5000);
	}
	out = exec_sh(name, "stat -c '%u:%g %a' /in.txt /ctree /ctree/a /ctree/a/f; cat /in.txt "
			    "/ctree/a/f");
	ck_assert_str_eq(out, "0:0 640\n0:0 750\n0:0 700\n0:0 600\nfrom host\ndeep\n");
	free(out), free(dir), free(src), free(sub), free(deep), free(deepf), free(cin), free(cout),
	    free(ctree);
}

static const char make_files[] = "echo made inside > /made; chown 1000:1000 /made; "
				 "chmod 0604 /made; ";

START_TEST(test_cp_running)
{
	char *name = new_name(), *mark = new_mark(), *script;

	script = h_strf("%sexec sleep %s", make_files, mark);
	DETACH(name, "sh", "-c", script);
	expect_state(name, "running", 5000);
	cp_both_ways(name, true);
	free(script), free(name), free(mark);
}
END_TEST

/* A stopped container: its layer is mounted as start does, so a file it deleted from the
 * rootfs stays deleted (the overlay's whiteout counts), and start sees what was copied. */
START_TEST(test_cp_stopped)
{
	char *name = new_name(), *mark = new_mark(), *script;
	struct h_result r;

	script =
	    h_strf("%srm /etc/group; test -e /in.txt && exec sleep %s; exit 0", make_files, mark);
	DETACH(name, "sh", "-c", script);
	expect_state(name, "exited", 5000);
	CONTI(&r, "cp", h_strf("%s:/etc/group", name), h_strf("%s/group", H.base));
	assert_error_125(&r, "cp of a file the container deleted", "No such file");
	h_result_free(&r);
	CONTI(&r, "cp", h_strf("%s:/etc/passwd", name), h_strf("%s/passwd", H.base));
	h_assert_status(&r, 0, "cp of a rootfs file out of a stopped container");
	h_result_free(&r);
	cp_both_ways(name, false);
	free(script), free(name), free(mark);
}
END_TEST

/* A stopped container's volumes are mounted for the copy, and a --read-only root stays
 * read-only, as when it runs. */
START_TEST(test_cp_stopped_volume_read_only)
{
	char *name = new_name(), *vol = h_volume_dir(), *src = h_strf("%s/src", H.base);
	char *vopt = h_strf("%s:/vol", vol), *got;
	struct h_result r;

	h_run_detached(name, (const char *const[]){"--read-only", "-v", vopt, NULL},
		       (const char *const[]){"true", NULL});
	expect_state(name, "exited", 5000);
	h_write_file(src, "to the volume\n", 0644);
	CONTI(&r, "cp", src, h_strf("%s:/vol/copied", name));
	h_assert_status(&r, 0, "cp into a stopped container's volume");
	h_result_free(&r);
	got = h_read_file(h_strf("%s/copied", vol));
	ck_assert_msg(got && !strcmp(got, "to the volume\n"), "the volume holds '%s'", got);
	free(got);
	CONTI(&r, "cp", src, h_strf("%s:/copied", name));
	assert_error_125(&r, "cp into a read-only root", "Read-only");
	h_result_free(&r);
	free(name), free(vol), free(src), free(vopt);
}
END_TEST

/* Links in the container that point out of it resolve inside it: -L of /x ->
 * /../../../../etc/hostname and of /y -> /etc/hostname reads the container's file, not the
 * host's; without -L the link itself is copied. */
START_TEST(test_cp_link_escape)
{
	char *name = new_name(), *mark = new_mark(), *script, *got, target[256];
	char *dst = h_strf("%s/x", H.base), *dst2 = h_strf("%s/y", H.base);
	char *dst3 = h_strf("%s/ylink", H.base);
	struct h_result r;
	ssize_t n;

	script = h_strf("echo inside > /etc/hostname; ln -s /../../../../etc/hostname /x; "
			"ln -s /etc/hostname /y; exec sleep %s",
			mark);
	DETACH(name, "sh", "-c", script);
	expect_state(name, "running", 5000);
	sleep_ms(200);
	CONTI(&r, "cp", "-L", h_strf("%s:/x", name), dst);
	h_assert_status(&r, 0, "cp -L of a relative escape link");
	h_result_free(&r);
	got = h_read_file(dst);
	ck_assert_msg(got && !strcmp(got, "inside\n"), "cp -L /x read '%s'", got);
	free(got);
	CONTI(&r, "cp", "-L", h_strf("%s:/y", name), dst2);
	h_assert_status(&r, 0, "cp -L of an absolute link");
	h_result_free(&r);
	got = h_read_file(dst2);
	ck_assert_msg(got && !strcmp(got, "inside\n"), "cp -L /y read '%s'", got);
	free(got);
	CONTI(&r, "cp", h_strf("%s:/y", name), dst3);
	h_assert_status(&r, 0, "cp of a link");
	h_result_free(&r);
	n = readlink(dst3, target, sizeof(target) - 1);
	ck_assert_msg(n > 0, "cp without -L did not copy the link");
	target[n] = '\0';
	ck_assert_str_eq(target, "/etc/hostname");
	free(script), free(name), free(mark), free(dst), free(dst2), free(dst3);
}
END_TEST

/* Links on the host: -L copies what a link leads to (resolved on the host, not in the
 * container), without it the link itself. */
START_TEST(test_cp_host_link)
{
	char *name = new_name(), *mark = new_mark(), *out;
	char *file = h_strf("%s/real", H.base), *link = h_strf("%s/link", H.base);
	struct h_result r;

	DETACH(name, "sleep", mark);
	expect_state(name, "running", 5000);
	h_write_file(file, "host file\n", 0644);
	ck_assert_int_eq(symlink(file, link), 0);
	CONTI(&r, "cp", "-L", link, h_strf("%s:/followed", name));
	h_assert_status(&r, 0, "cp -L of a host link");
	h_result_free(&r);
	CONTI(&r, "cp", link, h_strf("%s:/aslink", name));
	h_assert_status(&r, 0, "cp of a host link");
	h_result_free(&r);
	out = exec_sh(name, "cat /followed; readlink /aslink");
	ck_assert_str_eq(out, h_strf("host file\n%s\n", file));
	free(out), free(name), free(mark), free(file), free(link);
}
END_TEST

/* A copy to a path under a linked dir (/tl -> /../../../tmp/inner) lands in the container's
 * dir, never the host's. */
START_TEST(test_cp_into_linked_dir)
{
	char *name = new_name(), *mark = new_mark(), *script, *out, *src;
	char *leaf = h_unique("evleaf"), *host_twin;
	struct h_result r;

	host_twin = h_strf("/tmp/inner/%s", leaf);
	script = h_strf("mkdir -p /tmp/inner; ln -s /../../../tmp/inner /tl; exec sleep %s", mark);
	DETACH(name, "sh", "-c", script);
	expect_state(name, "running", 5000);
	sleep_ms(200);
	src = h_strf("%s/src", H.base);
	h_write_file(src, "via link\n", 0644);
	CONTI(&r, "cp", src, h_strf("%s:/tl/%s", name, leaf));
	h_assert_status(&r, 0, "cp under a linked dir");
	h_result_free(&r);
	out = exec_sh(name, h_strf("cat /tmp/inner/%s", leaf));
	ck_assert_str_eq(out, "via link\n");
	ck_assert_msg(!h_exists(host_twin), "cp wrote the host's %s", host_twin);
	free(out), free(script), free(name), free(mark), free(src), free(leaf), free(host_twin);
}
END_TEST

/* A device or FIFO is refused with one line, either way. */
START_TEST(test_cp_special_refused)
{
	char *name = new_name(), *mark = new_mark(), *script, *dst = h_strf("%s/got", H.base);
	struct h_result r;

	script = h_strf("mkfifo /fifo; exec sleep %s", mark);
	DETACH(name, "sh", "-c", script);
	expect_state(name, "running", 5000);
	sleep_ms(200);
	CONTI(&r, "cp", h_strf("%s:/fifo", name), dst);
	assert_error_125(&r, "cp of a FIFO", "FIFO");
	h_result_free(&r);
	CONTI(&r, "cp", h_strf("%s:/dev/zero", name), dst);
	assert_error_125(&r, "cp of a device", "device");
	h_result_free(&r);
	CONTI(&r, "cp", "/dev/zero", h_strf("%s:/zero", name));
	assert_error_125(&r, "cp of a host device", "device");
	h_result_free(&r);
	ck_assert_msg(!h_exists(dst), "something was copied to %s", dst);
	free(script), free(name), free(mark), free(dst);
}
END_TEST

/* ---- rm -a, container prune ---- */

START_TEST(test_rm_all)
{
	char *done = new_name(), *live = new_name(), *mark = new_mark();
	struct h_result r;

	DETACH(done, "true");
	DETACH(live, "sleep", mark);
	expect_state(done, "exited", 5000);
	CONTI(&r, "rm", "-a");
	h_assert_status(&r, 0, "rm -a");
	ck_assert_msg(strstr(r.out, done) && !strstr(r.out, live), "rm -a printed '%s'", r.out);
	h_result_free(&r);
	CONTI(&r, "inspect", done); /* an unknown name: exit 1 and an empty array, as docker */
	ck_assert_msg(r.status == 1 && !strstr(r.out, done), "the exited container is still there");
	h_result_free(&r);
	expect_state(live, "running", 1000);
	free(done), free(live), free(mark);
}
END_TEST

START_TEST(test_container_prune)
{
	char *done = new_name(), *live = new_name(), *mark = new_mark();
	struct h_opts no = {.input = "n\n"}, yes = {.input = "y\n"};
	struct h_result r;

	DETACH(done, "true");
	DETACH(live, "sleep", mark);
	expect_state(done, "exited", 5000);
	CONTI_OPTS(&r, &no, "container", "prune");
	h_assert_status(&r, 0, "container prune, answered n");
	ck_assert_msg(strstr(r.err, "Are you sure"), "no question asked: %s", r.err);
	h_result_free(&r);
	expect_state(done, "exited", 1000);
	CONTI_OPTS(&r, &yes, "container", "prune");
	h_assert_status(&r, 0, "container prune, answered y");
	ck_assert_str_eq(r.out, h_strf("%s\n", done));
	h_result_free(&r);
	expect_state(live, "running", 1000);
	DETACH(done, "true");
	expect_state(done, "exited", 5000);
	CONTI(&r, "container", "prune", "-f");
	h_assert_status(&r, 0, "container prune -f");
	ck_assert_str_eq(r.out, h_strf("%s\n", done));
	h_result_free(&r);
	free(done), free(live), free(mark);
}
END_TEST

/* ---- top, exec -d ---- */

START_TEST(test_top)
{
	char *name = new_name(), *mark = new_mark(), *line;
	struct h_result r;

	DETACH(name, "sleep", mark);
	expect_state(name, "running", 5000);
	CONTI(&r, "top", name);
	h_assert_status(&r, 0, "top");
	line = h_line(r.out, 0);
	ck_assert_msg(strstr(line, "PID") && strstr(line, "TIME") && strstr(line, "CMD"),
		      "top's header: %s", line);
	ck_assert_msg(strstr(r.out, h_strf("sleep %s", mark)), "top does not show the command:\n%s",
		      r.out);
	ck_assert_msg(strstr(r.out, "root "), "top does not show the user:\n%s", r.out);
	free(line);
	h_result_free(&r);
	free(name), free(mark);
}
END_TEST

/* exec -d returns at once; its command runs on in the container (top and the container's
 * own ps see it) after the front end has gone. */
START_TEST(test_exec_detach)
{
	char *name = new_name(), *mark = new_mark(), *mark2 = new_mark(), *out;
	struct h_result r;

	DETACH(name, "sleep", mark);
	expect_state(name, "running", 5000);
	CONTI(&r, "exec", "-d", name, "sleep", mark2);
	h_assert_status(&r, 0, "exec -d");
	ck_assert_msg(r.elapsed_ms < 3000, "exec -d took %ld ms", r.elapsed_ms);
	ck_assert_str_eq(r.out, "");
	h_result_free(&r);
	sleep_ms(500);
	CONTI(&r, "top", name);
	h_assert_status(&r, 0, "top");
	ck_assert_msg(strstr(r.out, h_strf("sleep %s", mark2)), "exec -d's command is gone:\n%s",
		      r.out);
	h_result_free(&r);
	out = exec_sh(name, "ps -o args");
	ck_assert_msg(strstr(out, h_strf("sleep %s", mark2)), "ps inside: %s", out);
	free(out), free(name), free(mark), free(mark2);
}
END_TEST

/* ---- bad input ---- */

START_TEST(test_bad_input)
{
	char *name = new_name(), *mark = new_mark();
	struct h_result r;

	DETACH(name, "sleep", mark);
	CONTI(&r, "wait", "nosuch");
	assert_error_125(&r, "wait of an unknown container", "nosuch");
	h_result_free(&r);
	CONTI(&r, "restart", "nosuch");
	assert_error_125(&r, "restart of an unknown container", "nosuch");
	h_result_free(&r);
	CONTI(&r, "top", "nosuch");
	assert_error_125(&r, "top of an unknown container", "nosuch");
	h_result_free(&r);
	CONTI(&r, "cp", "nosuch:/etc/passwd", H.base);
	assert_error_125(&r, "cp of an unknown container", "nosuch");
	h_result_free(&r);
	CONTI(&r, "cp", h_strf("%s:", name), H.base);
	assert_error_125(&r, "cp NAME:", "no path");
	h_result_free(&r);
	CONTI(&r, "cp", "a", "b");
	assert_error_125(&r, "cp of two host paths", "container path");
	h_result_free(&r);
	CONTI(&r, "cp", h_strf("%s:/a", name), h_strf("%s:/b", name));
	assert_error_125(&r, "cp between containers", "two containers");
	h_result_free(&r);
	CONTI(&r, "cp", "-", h_strf("%s:/b", name));
	assert_error_125(&r, "cp -", "tar");
	h_result_free(&r);
	CONTI(&r, "rm", "-a", name);
	assert_error_125(&r, "rm -a NAME", "NAME");
	h_result_free(&r);
	free(name), free(mark);
}
END_TEST

static TCase *tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, ev_case_setup, ev_case_teardown);
	tcase_add_checked_fixture(tc, ev_setup, ev_teardown);
	if (!getenv("CK_DEFAULT_TIMEOUT"))
		tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tc;
}

int main(void)
{
	const char *only = getenv("CK_RUN_CASE");
	Suite *s = suite_create("containers");
	SRunner *sr;
	TCase *tc;
	int failed;

	runner = getpid();
	tc = tcase(s, "restart_wait");
	tcase_add_test(tc, test_restart_running);
	tcase_add_test(tc, test_restart_exited);
	tcase_add_test(tc, test_wait_running);
	tcase_add_test(tc, test_wait_exited);
	tc = tcase(s, "cp");
	tcase_add_test(tc, test_cp_running);
	tcase_add_test(tc, test_cp_stopped);
	tcase_add_test(tc, test_cp_stopped_volume_read_only);
	tcase_add_test(tc, test_cp_link_escape);
	tcase_add_test(tc, test_cp_into_linked_dir);
	tcase_add_test(tc, test_cp_host_link);
	tcase_add_test(tc, test_cp_special_refused);
	tc = tcase(s, "remove_all");
	tcase_add_test(tc, test_rm_all);
	tcase_add_test(tc, test_container_prune);
	tc = tcase(s, "processes");
	tcase_add_test(tc, test_top);
	tcase_add_test(tc, test_exec_detach);
	tc = tcase(s, "bad_input");
	tcase_add_test(tc, test_bad_input);
	sr = srunner_create(s);
	srunner_run(sr, NULL, only && *only ? only : NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
