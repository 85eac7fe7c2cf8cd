/* test_everyday.c - integration tests of the everyday commands and options people type
 * (issue #12): logs --tail/--since/-t, logs of foreground runs, inspect of several names,
 * version, help, --trace after the command, run -h NAME, the values an option takes. */
#include <check.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define CONTI(r, ...) h_conti((r), NULL, __VA_ARGS__, NULL)
#define CONTI_OPTS(r, o, ...) h_conti((r), (o), __VA_ARGS__, NULL)

static pid_t runner;

static char *new_name(void)
{
	return h_new_name("ev", runner);
}

/* Waits (up to ms) until `ps -a` says name has exited. */
static void wait_exited(const char *name, int ms)
{
	long long deadline = h_mono_ms() + ms;
	struct h_result r;
	bool done = false;

	while (!done && h_mono_ms() < deadline) {
		CONTI(&r, "ps", "-a", "--format", "{{.Names}} {{.State}}");
		for (int i = 0; i < h_count_lines(r.out) && !done; i++) {
			char *line = h_line(r.out, i);

			done = !strncmp(line, name, strlen(name)) &&
			       !strcmp(line + strlen(name), " exited");
			free(line);
		}
		h_result_free(&r);
		if (!done)
			usleep(50 * 1000);
	}
	ck_assert_msg(done, "%s has not exited after %d ms", name, ms);
}

/* True when s begins with an RFC 3339 time in UTC with an optional fraction and a space:
 * 2026-11-23T22:40:01.123Z (what docker logs -t prints). */
static bool starts_with_rfc3339(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";

	for (size_t i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	}
	s += sizeof(shape) - 1;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return s[0] == 'Z' && s[1] == ' ';
}

/* ---- logs --tail, --since, -t ---- */

/* logs --tail 2 of a 5-line output prints the last 2; -n 0 nothing; all (and no --tail)
 * the 5. Before: --tail was an unknown option (125). */
START_TEST(test_logs_tail)
{
	char *name = new_name();
	struct h_result r;

	h_run_detached(
	    name, NULL,
	    (const char *const[]){"sh", "-c", "for i in 1 2 3 4 5; do echo l$i; done", NULL});
	wait_exited(name, 10000);
	CONTI(&r, "logs", "--tail", "2", name);
	h_assert_status(&r, 0, "logs --tail 2");
	ck_assert_str_eq(r.out, "l4\nl5\n");
	h_result_free(&r);
	CONTI(&r, "logs", "-n", "0", name);
	h_assert_status(&r, 0, "logs -n 0");
	ck_assert_str_eq(r.out, "");
	h_result_free(&r);
	CONTI(&r, "logs", "--tail", "all", name);
	h_assert_status(&r, 0, "logs --tail all");
	ck_assert_str_eq(r.out, "l1\nl2\nl3\nl4\nl5\n");
	h_result_free(&r);
	CONTI(&r, "logs", "--tail", "9", name);
	h_assert_status(&r, 0, "logs --tail 9");
	ck_assert_str_eq(r.out, "l1\nl2\nl3\nl4\nl5\n");
	h_result_free(&r);
	CONTI(&r, "logs", "--tail", "x", name);
	h_assert_status(&r, 125, "logs --tail x");
	h_result_free(&r);
	free(name);
}
END_TEST

/* logs -t: each line starts with an RFC 3339 time; --since the time of the second line
 * (written 1.5 s after the first) prints only it, --since 1h both, a bad --since is 125
 * with one line. Before: -t and --since were unknown options. */
START_TEST(test_logs_since_timestamps)
{
	char *name = new_name(), *first, *second, *since;
	struct h_result r;

	h_run_detached(
	    name, NULL,
	    (const char *const[]){"sh", "-c", "echo first; sleep 1.5; echo second", NULL});
	wait_exited(name, 10000);
	CONTI(&r, "logs", "-t", name);
	h_assert_status(&r, 0, "logs -t");
	ck_assert_int_eq(h_count_lines(r.out), 2);
	first = h_line(r.out, 0);
	second = h_line(r.out, 1);
	ck_assert_msg(starts_with_rfc3339(first) && starts_with_rfc3339(second),
		      "logs -t lines do not start with an RFC 3339 time:\n%s", r.out);
	ck_assert_msg(strstr(first, " first") && strstr(second, " second"), "logs -t:\n%s", r.out);
	since = strndup(second, (size_t)(strchr(second, ' ') - second));
	h_result_free(&r);
	CONTI(&r, "logs", "--since", since, name);
	h_assert_status(&r, 0, "logs --since");
	ck_assert_msg(!strcmp(r.out, "second\n"), "logs --since %s printed:\n%s", since, r.out);
	h_result_free(&r);
	CONTI(&r, "logs", "--since", "1h", name);
	h_assert_status(&r, 0, "logs --since 1h");
	ck_assert_str_eq(r.out, "first\nsecond\n");
	h_result_free(&r);
	CONTI(&r, "logs", "--since", "yesterday", name);
	h_assert_status(&r, 125, "logs --since yesterday");
	free(h_error_line(&r));
	h_result_free(&r);
	/* without options: the bytes as written, no time */
	CONTI(&r, "logs", name);
	h_assert_status(&r, 0, "logs");
	ck_assert_str_eq(r.out, "first\nsecond\n");
	h_result_free(&r);
	free(name), free(first), free(second), free(since);
}
END_TEST

/* ---- logs of a foreground run without --rm ---- */

/* A foreground run without --rm: its stdout and stderr reach the caller unchanged (the
 * caller's pipes; 200000 bytes and the exit status), and logs shows both. Before: the
 * foreground run kept no log (logs printed nothing). */
START_TEST(test_logs_foreground)
{
	char *name = new_name(), *out;
	struct h_result r;

	CONTI(&r, "run", "--name", name, H.rootfs, "sh", "-c",
	      "echo to-out; echo to-err >&2; yes 0123456789abcdefghi | head -c 200000; exit 3");
	h_assert_status(&r, 3, "run");
	ck_assert_msg(strlen(r.out) == 200007 && !strncmp(r.out, "to-out\n", 7),
		      "the caller got %zu bytes on stdout", strlen(r.out));
	out = h_strip_warnings(r.err);
	ck_assert_str_eq(out, "to-err\n");
	free(out);
	out = strdup(r.out);
	h_result_free(&r);
	CONTI(&r, "logs", name);
	h_assert_status(&r, 0, "logs");
	ck_assert_msg(strstr(r.out, "to-out\n") && strstr(r.out, "to-err\n"), "logs: %.200s",
		      r.out);
	ck_assert_msg(strlen(r.out) == 200014, "logs printed %zu bytes, not 200014", strlen(r.out));
	h_result_free(&r);
	CONTI(&r, "logs", "--tail", "1", name);
	h_assert_status(&r, 0, "logs --tail 1");
	ck_assert_msg(!strcmp(r.out, out + strlen(out) - strlen(r.out)) && strlen(r.out) < 30,
		      "logs --tail 1: '%s'", r.out);
	h_result_free(&r);
	free(name), free(out);
}
END_TEST

/* The -t (pty) path keeps its log too. Before: none. */
START_TEST(test_logs_foreground_tty)
{
	char *name = new_name();
	char *argv[] = {(char *)h_conti_bin(), "run", "-t", "--name", name, H.rootfs, "echo",
			"from-the-pty",	       NULL};
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	struct termios before, after;
	struct h_result r;

	h_run_pty(&r, argv, &ws, NULL, &before, &after);
	ck_assert_msg(r.status == 0 && strstr(r.out, "from-the-pty"), "run -t: %d %s", r.status,
		      r.out);
	h_result_free(&r);
	CONTI(&r, "logs", name);
	h_assert_status(&r, 0, "logs");
	ck_assert_msg(strstr(r.out, "from-the-pty"), "logs of run -t: '%s'", r.out);
	h_result_free(&r);
	free(name);
}
END_TEST

/* ---- inspect, version, help ---- */

/* inspect a b: one JSON array of 2; inspect a: an array of 1; inspect a nosuch: a's array
 * on stdout, an error line naming nosuch, exit 1 (docker's). Before: one object per line. */
START_TEST(test_inspect_array)
{
	char *a = new_name(), *b = new_name(), *line;
	struct h_result r;
	int n = 0;

	CONTI(&r, "create", "--name", a, H.rootfs, "true");
	h_assert_status(&r, 0, "create a");
	h_result_free(&r);
	CONTI(&r, "create", "--name", b, H.rootfs, "true");
	h_assert_status(&r, 0, "create b");
	h_result_free(&r);
	CONTI(&r, "inspect", a, b);
	h_assert_status(&r, 0, "inspect a b");
	ck_assert_msg(r.out[0] == '[' && !strcmp(r.out + strlen(r.out) - 2, "]\n") &&
			  h_count_lines(r.out) == 1,
		      "inspect a b is not one array: %s", r.out);
	for (const char *p = r.out; (p = strstr(p, "{\"name\":")); p++)
		n++;
	ck_assert_msg(n == 2 && strstr(r.out, a) && strstr(r.out, b), "inspect a b: %s", r.out);
	h_result_free(&r);
	CONTI(&r, "inspect", a);
	h_assert_status(&r, 0, "inspect a");
	ck_assert_msg(!strncmp(r.out, "[{\"name\":", 9) &&
			  !strcmp(r.out + strlen(r.out) - 3, "}]\n"),
		      "inspect a: %s", r.out);
	h_result_free(&r);
	CONTI(&r, "inspect", a, "nosuch");
	h_assert_status(&r, 1, "inspect a nosuch");
	ck_assert_msg(r.out[0] == '[' && strstr(r.out, a), "inspect a nosuch: %s", r.out);
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "nosuch"), "error line: %s", line);
	free(line);
	h_result_free(&r);
	free(a), free(b);
}
END_TEST

/* version: the version line, the build and the kernel; help = --help; help CMD = CMD
 * --help; help nosuch: 125. Before: unknown commands. */
START_TEST(test_version_help)
{
	struct h_result r, want;

	CONTI(&r, "version");
	h_assert_status(&r, 0, "version");
	ck_assert_msg(!strncmp(r.out, "conti-rootless version ", 23) && strstr(r.out, "kernel:") &&
			  strstr(r.out, "libc:") && strstr(r.out, "seccomp:"),
		      "version: %s", r.out);
	h_result_free(&r);
	CONTI(&r, "help");
	CONTI(&want, "--help");
	h_assert_status(&r, 0, "help");
	ck_assert_str_eq(r.out, want.out);
	ck_assert_msg(strstr(r.out, "version") && strstr(r.out, "help"), "help: %s", r.out);
	h_result_free(&r);
	h_result_free(&want);
	CONTI(&r, "help", "logs");
	CONTI(&want, "logs", "--help");
	h_assert_status(&r, 0, "help logs");
	ck_assert_str_eq(r.out, want.out);
	ck_assert_msg(strstr(r.out, "--tail"), "help logs: %s", r.out);
	h_result_free(&r);
	h_result_free(&want);
	CONTI(&r, "help", "nosuch");
	h_assert_status(&r, 125, "help nosuch");
	free(h_error_line(&r));
	h_result_free(&r);
}
END_TEST

/* ---- --trace after the command, -h, the values of an option ---- */

/* run --trace ... prints the trace (as conti-rootless --trace run does); run --help lists
 * it. Before: an unknown option. */
START_TEST(test_trace_after_command)
{
	struct h_result r;

	CONTI(&r, "run", "--trace", "--rm", H.rootfs, "true");
	h_assert_status(&r, 0, "run --trace");
	ck_assert_msg(strstr(r.err, "+ unshare ") && strstr(r.err, " ms\n"),
		      "run --trace printed no trace: %s", r.err);
	h_result_free(&r);
	CONTI(&r, "run", "--help");
	ck_assert_msg(strstr(r.out, "--trace"), "run --help does not list --trace");
	h_result_free(&r);
}
END_TEST

/* exec --trace (and --trace exec) prints the steps of the exec: the namespaces joined, the
 * fork, the wait. Before: exec printed no trace, and --trace after it was refused. */
START_TEST(test_exec_trace)
{
	char *name = new_name();
	struct h_result r;

	h_run_detached(name, NULL, (const char *const[]){"sleep", "30", NULL});
	CONTI(&r, "exec", "--trace", name, "echo", "hi");
	h_assert_status(&r, 0, "exec --trace");
	ck_assert_str_eq(r.out, "hi\n");
	ck_assert_msg(strstr(r.err, "+ nsenter --user --mount --pid") && strstr(r.err, "+ wait"),
		      "exec --trace printed no trace: %s", r.err);
	h_result_free(&r);
	CONTI(&r, "--trace", "exec", name, "true");
	h_assert_status(&r, 0, "--trace exec");
	ck_assert_msg(strstr(r.err, "+ nsenter "), "--trace exec printed no trace: %s", r.err);
	h_result_free(&r);
	free(name);
}
END_TEST

/* run -h NAME sets the hostname (docker's -h); ps -h and -h are help. Before: -h was an
 * unknown option of run. */
START_TEST(test_run_h_hostname)
{
	struct h_result r;

	CONTI(&r, "run", "--rm", "-h", "myhost", H.rootfs, "hostname");
	h_assert_status(&r, 0, "run -h myhost");
	ck_assert_str_eq(r.out, "myhost\n");
	h_result_free(&r);
	CONTI(&r, "ps", "-h");
	h_assert_status(&r, 0, "ps -h");
	ck_assert_msg(!strncmp(r.out, "Usage: conti-rootless ps", 24), "ps -h: %s", r.out);
	h_result_free(&r);
}
END_TEST

/* An enumerated option's error lists its values: --net host|none, --uidmap, --overlay.
 * Before: "invalid --net 'bogus'" and a pointer to --help. */
START_TEST(test_option_values_listed)
{
	static const char *const cases[][3] = {{"--net", "bogus", "host|none"},
					       {"--uidmap", "bogus", "auto|subid|single"},
					       {"--overlay", "bogus", "auto|kernel|fuse|none"}};
	struct h_result r;
	char *line;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CONTI(&r, "run", "--rm", cases[i][0], cases[i][1], H.rootfs, "true");
		h_assert_status(&r, 125, cases[i][0]);
		line = h_error_line(&r);
		ck_assert_msg(strstr(line, cases[i][2]), "%s: the error does not list %s: %s",
			      cases[i][0], cases[i][2], line);
		free(line);
		h_result_free(&r);
	}
}
END_TEST

static void ev_setup(void)
{
	h_setup();
}

static void ev_teardown(void)
{
	h_remove_names();
	h_teardown();
}

static TCase *tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, h_case_setup, h_case_teardown);
	tcase_add_checked_fixture(tc, ev_setup, ev_teardown);
	if (!getenv("CK_DEFAULT_TIMEOUT"))
		tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tc;
}

int main(void)
{
	const char *only = getenv("CK_RUN_CASE");
	Suite *s = suite_create("everyday");
	SRunner *sr;
	TCase *tc;
	int failed;

	runner = getpid();
	tc = tcase(s, "logs");
	tcase_add_test(tc, test_logs_tail);
	tcase_add_test(tc, test_logs_since_timestamps);
	tcase_add_test(tc, test_logs_foreground);
	tcase_add_test(tc, test_logs_foreground_tty);
	tc = tcase(s, "commands");
	tcase_add_test(tc, test_inspect_array);
	tcase_add_test(tc, test_version_help);
	tcase_add_test(tc, test_trace_after_command);
	tcase_add_test(tc, test_exec_trace);
	tcase_add_test(tc, test_run_h_hostname);
	tcase_add_test(tc, test_option_values_listed);
	sr = srunner_create(s);
	srunner_run(sr, NULL, only && *only ? only : NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
