/* test_lifecycle.c - integration tests of the container lifecycle: `run -d`, `logs`,
 * `create`, `start`, `exec`, `ps`, `inspect`, `stop`, `kill`, `rm`, the namespace
 * handles and `unshare`, the keeper process, a simulated reboot, concurrent commands and
 * a killed front end. Each test runs the built front end as the calling (unprivileged)
 * user on a fresh busybox rootfs with private XDG_RUNTIME_DIR and XDG_DATA_HOME, and
 * asserts what the user sees.
 *
 * Cleaning up: the checked teardown runs `rm -f` on every name the test made, kills the
 * test's keeper and fails the test when a process of the test is still alive after that.
 * When a test fails midway (its teardown does not run), the TCase's unchecked teardown
 * kills every process of the suite: they are found by the markers below (the sleep
 * argument "9RUNNER.TESTPID07NN", HOSTNAME=lcRUNNER-...) or by the case dir in their
 * command line or environment.
 *
 * Environment: CONTI_BIN, CONTI_MKROOTFS (set by meson); CK_RUN_CASE=NAME runs one TCase.
 */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define CONTI(r, ...) h_conti((r), NULL, __VA_ARGS__, NULL)
#define CONTI_OPTS(r, o, ...) h_conti((r), (o), __VA_ARGS__, NULL)
/* `run -d --name NAME ROOTFS CMD...`, asserting it printed the name. */
#define DETACH(name, ...) h_run_detached((name), NULL, (const char *const[]){__VA_ARGS__, NULL})
/* The same with options before ROOTFS (a NULL-terminated list). */
#define DETACH_OPTS(name, opts, ...)                                                               \
	h_run_detached((name), (opts), (const char *const[]){__VA_ARGS__, NULL})

#define NS_KINDS 5
static const char *const ns_kinds[NS_KINDS] = {"user", "mnt", "pid", "uts", "ipc"};

static pid_t runner; /* the check runner, parent of every test process */

/* ---- names, markers and cleanup ---- */

/* A new container name, "lcRUNNER-TESTPID-N", removed (rm -f) at teardown. */
static char *new_name(void)
{
	return h_new_name("lc", runner);
}

/* A sleep mark ("9RUNNER.PPPPPPPNN", h_new_mark) of this test. */
static char *new_mark(void)
{
	return h_new_mark('9', runner);
}

/* What the command lines of this test's containers contain. */
static char *test_sleep_needle(void)
{
	return h_strf("sleep 9%d.%07d", (int)runner, (int)getpid());
}

/* What the environments of this test's containers contain (HOSTNAME is the name). */
static char *test_host_needle(void)
{
	return h_strf("HOSTNAME=lc%d-%d-", (int)runner, (int)getpid());
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* Counts our processes matching one of the needles. */
static int count_test_procs(const char *const *needles)
{
	int n = 0;

	for (; *needles; needles++)
		n += h_count_procs_mentioning(*needles);
	return n;
}

/* SIGKILLs H's keeper when a pid file in RUNTIME (keeper.pid, or the dot-named one some
 * versions write) names a live process of this test (its command line or environment has
 * H.base). Cleanup only: tests assert on keeper.pid itself. */
static void kill_keeper(void)
{
	static const char *const files[] = {"keeper.pid", ".keeper.pid"};

	for (int i = 0; i < 2 && H.base; i++) {
		char *path = h_strf("%s/conti-rootless/%s", H.runtime, files[i]);
		char *text = h_read_file(path);
		pid_t pid = text ? (pid_t)atoi(text) : 0;

		if (pid > 0 && h_pid_alive(pid) && h_proc_mentions(pid, H.base))
			kill(pid, SIGKILL);
		free(path);
		free(text);
	}
}

static void lc_setup(void)
{
	h_setup();
}

/* rm -f of every name the test made, then the keeper; anything of the test still alive
 * after that is left behind by the tool and fails the test (after being killed). */
static void lc_teardown(void)
{
	char *sleep_needle = test_sleep_needle(), *host_needle = test_host_needle();
	const char *needles[] = {sleep_needle, host_needle, H.base, NULL};
	long long deadline = h_mono_ms() + 3000;
	int left;

	h_remove_names();
	kill_keeper();
	while ((left = count_test_procs(needles)) > 0 && h_mono_ms() < deadline)
		sleep_ms(50);
	for (int i = 0; needles[i]; i++)
		h_kill_procs(needles[i]);
	h_teardown();
	free(sleep_needle);
	free(host_needle);
	ck_assert_msg(left == 0,
		      "%d process(es) of the test still alive 3 s after rm -f of its "
		      "containers and the keeper's end",
		      left);
}

static void lc_case_setup(void)
{
	h_case_setup();
}

/* In the runner: kills whatever a failed test left (its teardown did not run). */
static void lc_case_teardown(void)
{
	char *sleep_needle = h_strf("sleep 9%d.", (int)runner);
	char *host_needle = h_strf("HOSTNAME=lc%d-", (int)runner);

	h_kill_procs(sleep_needle);
	h_kill_procs(host_needle);
	if (h_case_dir())
		h_kill_procs(h_case_dir());
	h_case_teardown();
	free(sleep_needle);
	free(host_needle);
}

/* ---- running the front end ---- */

/* ---- reading `ps` tables ---- */

/* The whitespace-separated tokens of line (at most max), copied into tok. */
static int tokens(const char *line, char tok[][64], int max)
{
	int n = 0;

	while (*line && n < max) {
		size_t len;

		line += strspn(line, " \t");
		len = strcspn(line, " \t");
		if (!len)
			break;
		snprintf(tok[n++], 64, "%.*s", (int)len, line);
		line += len;
	}
	return n;
}

/* Name's row in a `ps` table: its STATUS ("running", "created", "exited (N)"; caller
 * frees) and PID (0 when not a number); NULL when the table has no row for name. */
static char *table_status(const char *table, const char *name, long *pid)
{
	int lines = h_count_lines(table);

	for (int i = 1; i < lines; i++) {
		char *line = h_line(table, i), *p = line, *status;
		size_t len = strcspn(line, " \t");

		if (len != strlen(name) || strncmp(line, name, len)) {
			free(line);
			continue;
		}
		p += len;
		p += strspn(p, " \t");
		if (!strncmp(p, "exited (", 8) && strchr(p, ')'))
			len = (size_t)(strchr(p, ')') - p) + 1;
		else
			len = strcspn(p, " \t");
		status = strndup(p, len);
		p += len;
		p += strspn(p, " \t");
		if (pid)
			*pid = isdigit((unsigned char)*p) ? strtol(p, NULL, 10) : 0;
		free(line);
		return status;
	}
	return NULL;
}

/* The template the helpers read ps through, and what they make of it. */
#define PS_SIMPLE "{{.Names}} {{.State}} {{.ExitCode}} {{.Pid}}"

/* Rewrites the output of `ps --format PS_SIMPLE` in r as a header line and a row "NAME
 * STATUS PID" per container, STATUS as "running", "created", "damaged" or "exited (N)": the
 * rows the table helpers below read, whatever columns the table itself has. */
static void ps_simple(struct h_result *r)
{
	size_t len = strlen(r->out) * 2 + 16, off;
	char *rows = malloc(len);
	int lines = h_count_lines(r->out);

	ck_assert(rows);
	off = (size_t)snprintf(rows, len, "NAME STATUS PID\n");
	for (int i = 0; i < lines; i++) {
		char *line = h_line(r->out, i), name[80] = "", state[32] = "";
		int code = -1;
		long pid = 0;

		sscanf(line, "%79s %31s %d %ld", name, state, &code, &pid);
		if (!strcmp(state, "exited") && code >= 0)
			off += (size_t)snprintf(rows + off, len - off, "%s exited (%d) %ld\n", name,
						code, pid);
		else
			off += (size_t)snprintf(rows + off, len - off, "%s %s %ld\n", name, state,
						pid);
		free(line);
	}
	free(r->out);
	r->out = rows;
}

/* Runs `ps` (all: `ps -a`), asserting exit 0; returns its stdout as ps_simple's rows (caller
 * frees). */
static char *ps_table(bool all)
{
	struct h_result r;
	char *out;

	if (all)
		CONTI(&r, "ps", "-a", "--format", PS_SIMPLE);
	else
		CONTI(&r, "ps", "--format", PS_SIMPLE);
	h_assert_status(&r, 0, all ? "ps -a" : "ps");
	ps_simple(&r);
	out = r.out;
	r.out = NULL;
	h_result_free(&r);
	return out;
}

/* True when status is want; a want ending in '*' is a prefix. */
static bool status_is(const char *status, const char *want)
{
	size_t len = strlen(want);

	if (!status)
		return false;
	if (len && want[len - 1] == '*')
		return !strncmp(status, want, len - 1);
	return !strcmp(status, want);
}

/* Polls `ps -a` (all) or `ps` for up to ms until name's status is want; fails with the
 * last table otherwise. Returns the PID column. */
static long expect_status(const char *name, bool all, const char *want, int ms)
{
	long long deadline = h_mono_ms() + ms;
	char *table = NULL, *status = NULL;
	long pid = 0;

	for (;;) {
		free(table);
		free(status);
		table = ps_table(all);
		status = table_status(table, name, &pid);
		if (status_is(status, want) || h_mono_ms() >= deadline)
			break;
		sleep_ms(100);
	}
	ck_assert_msg(status_is(status, want), "%s: status '%s' in `ps%s`, expected '%s':\n%s",
		      name, status ? status : "(not listed)", all ? " -a" : "", want, table);
	free(table);
	free(status);
	return pid;
}

/* Polls `ps -a` for up to ms until name is not listed; fails otherwise. */
static void expect_not_listed(const char *name, bool all, int ms)
{
	long long deadline = h_mono_ms() + ms;
	char *table = NULL, *status = NULL;

	for (;;) {
		free(table);
		free(status);
		table = ps_table(all);
		status = table_status(table, name, NULL);
		if (!status || h_mono_ms() >= deadline)
			break;
		sleep_ms(100);
	}
	ck_assert_msg(!status, "%s still listed by `ps%s` (status %s):\n%s", name, all ? " -a" : "",
		      status, table);
	free(table);
}

/* Polls `logs name` for up to ms until its stdout contains needle; returns it. */
static char *wait_logs(const char *name, const char *needle, int ms)
{
	long long deadline = h_mono_ms() + ms;
	struct h_result r;
	char *out;

	for (;;) {
		CONTI(&r, "logs", name);
		if ((r.status == 0 && strstr(r.out, needle)) || h_mono_ms() >= deadline)
			break;
		h_result_free(&r);
		sleep_ms(100);
	}
	h_assert_status(&r, 0, "logs");
	ck_assert_msg(strstr(r.out, needle), "`logs %s` has no '%s' after %d ms:\n%s", name, needle,
		      ms, r.out);
	out = r.out;
	r.out = NULL;
	h_result_free(&r);
	return out;
}

/* Polls `exec name cmd...` for up to ms until it exits 0; returns its stdout. */
static char *exec_until_ok(const char *name, const char *const *cmd, int ms)
{
	const char *args[32] = {"exec", name};
	long long deadline = h_mono_ms() + ms;
	struct h_result r;
	char *out;
	int n = 2;

	for (; *cmd && n < 31; cmd++)
		args[n++] = *cmd;
	args[n] = NULL;
	for (;;) {
		h_conti_v(&r, NULL, args);
		if (r.status == 0 || h_mono_ms() >= deadline)
			break;
		h_result_free(&r);
		sleep_ms(100);
	}
	h_assert_status(&r, 0, "exec");
	out = r.out;
	r.out = NULL;
	h_result_free(&r);
	return out;
}

/* ---- reading JSON (enough to check the shape and pick fields) ---- */

static const char *json_ws(const char *p)
{
	while (*p && isspace((unsigned char)*p))
		p++;
	return p;
}

/* The end of the JSON value at p (after it), NULL when it is malformed. */
static const char *json_skip(const char *p)
{
	const char *start;

	p = json_ws(p);
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
		}
		return *p == '"' ? p + 1 : NULL;
	}
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';

		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				if (*p != '"' || !(p = json_skip(p)))
					return NULL;
				p = json_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			if (!(p = json_skip(p)))
				return NULL;
			p = json_ws(p);
			if (*p == ',') {
				p = json_ws(p + 1);
				continue;
			}
			return *p == close ? p + 1 : NULL;
		}
	}
	start = p;
	while (*p && (isalnum((unsigned char)*p) || strchr("+-.", *p)))
		p++;
	return p > start ? p : NULL;
}

/* True when text is one JSON value starting with open ('[' or '{') and nothing else. */
static bool json_is(const char *text, char open)
{
	const char *end;

	if (*json_ws(text) != open || !(end = json_skip(text)))
		return false;
	return *json_ws(end) == '\0';
}

/* The value at p, p..end: a string decoded, anything else as its text (caller frees). */
static char *json_value_text(const char *p, const char *end)
{
	char *out, *o;

	p = json_ws(p);
	if (*p != '"')
		return strndup(p, (size_t)(end - p));
	out = o = calloc(1, (size_t)(end - p) + 1);
	ck_assert(out);
	for (p++; p < end - 1; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		p++;
		*o++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'u' ? '?' : *p;
		if (*p == 'u')
			p += 4;
	}
	return out;
}

/* The value of key among obj's own members (caller frees); NULL when absent. */
static char *json_get(const char *obj, const char *key)
{
	const char *p = json_ws(obj);

	if (*p != '{')
		return NULL;
	p = json_ws(p + 1);
	while (*p == '"') {
		const char *kend = json_skip(p), *vstart, *vend;
		char *k;
		bool match;

		if (!kend)
			return NULL;
		k = json_value_text(p, kend);
		match = !strcmp(k, key);
		free(k);
		p = json_ws(kend);
		if (*p++ != ':')
			return NULL;
		vstart = json_ws(p);
		if (!(vend = json_skip(vstart)))
			return NULL;
		if (match)
			return json_value_text(vstart, vend);
		p = json_ws(vend);
		if (*p == ',')
			p = json_ws(p + 1);
	}
	return NULL;
}

/* The object of array arr whose "name" is name (caller frees); NULL when none. */
static char *json_find_named(const char *arr, const char *name)
{
	const char *p = json_ws(arr);

	if (*p != '[')
		return NULL;
	p = json_ws(p + 1);
	while (*p == '{') {
		const char *end = json_skip(p);
		char *obj, *n;

		if (!end)
			return NULL;
		obj = strndup(p, (size_t)(end - p));
		n = json_get(obj, "name");
		if (n && !strcmp(n, name)) {
			free(n);
			return obj;
		}
		free(n);
		free(obj);
		p = json_ws(end);
		if (*p == ',')
			p = json_ws(p + 1);
	}
	return NULL;
}

/* `inspect name`: exit 0 and a JSON array of one object (docker's); returns the object
 * (caller frees). */
static char *inspect(const char *name)
{
	struct h_result r;
	char *out;
	size_t len;

	CONTI(&r, "inspect", name);
	h_assert_status(&r, 0, "inspect");
	ck_assert_msg(json_is(r.out, '['), "`inspect %s` is not one JSON array:\n%s", name, r.out);
	len = strlen(r.out);
	ck_assert_msg(len > 4 && !strcmp(r.out + len - 2, "]\n"), "inspect: %s", r.out);
	out = strndup(r.out + 1, len - 3);
	ck_assert_msg(json_is(out, '{'), "`inspect %s` is not an array of one object:\n%s", name,
		      r.out);
	h_result_free(&r);
	return out;
}

/* Field key of obj, which must be there (caller frees). */
static char *json_need(const char *obj, const char *key)
{
	char *v = json_get(obj, key);

	ck_assert_msg(v, "no \"%s\" in:\n%s", key, obj);
	return v;
}

/* ---- other helpers ---- */

static char *ns_handle(const char *name, const char *kind)
{
	return h_strf("%s/conti-rootless/%s/ns/%s", H.runtime, name, kind);
}

/* True when text has a line equal to want. */
static bool has_line(const char *text, const char *want)
{
	int n = h_count_lines(text);
	bool found = false;

	for (int i = 0; i < n && !found; i++) {
		char *line = h_line(text, i);

		found = !strcmp(line, want);
		free(line);
	}
	return found;
}

/* The first range of the caller in FILE (/etc/subuid or /etc/subgid), by name or uid. */
static bool own_subid_range(const char *file)
{
	struct passwd *pw = getpwuid(getuid());
	char *text = h_read_file(file), *save = NULL, uid[32];
	bool found = false;

	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l && !found;
	     l = strtok_r(NULL, "\n", &save)) {
		char owner[256];
		unsigned long start, count;

		found = sscanf(l, "%255[^:]:%lu:%lu", owner, &start, &count) == 3 &&
			(!strcmp(owner, uid) || (pw && !strcmp(owner, pw->pw_name)));
	}
	free(text);
	return found;
}

static bool same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag && a->c_cflag == b->c_cflag &&
	       a->c_lflag == b->c_lflag && !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc));
}

/* Simulates a reboot: SIGKILLs the keeper, removes XDG_RUNTIME_DIR and makes it again,
 * empty. */
static void wipe_runtime(void)
{
	pid_t keeper = h_keeper_pid();

	ck_assert_msg(keeper > 0 && h_pid_alive(keeper), "no live keeper in .keeper.pid");
	kill(keeper, SIGKILL);
	ck_assert_msg(h_wait_pid_gone(keeper, 2000), "keeper %d survived SIGKILL", (int)keeper);
	ck_assert_msg(h_rm_rf(H.runtime), "cannot remove %s", H.runtime);
	ck_assert_int_eq(mkdir(H.runtime, 0700), 0);
}

/* ---- detach: run -d, logs ---- */

/* `run -d` prints the name and returns at once, its stdout and stderr closed (as a
 * `$(...)` caller needs); `ps` shows the container running with the PID of a live
 * process inside the container's own PID namespace. */
START_TEST(test_detach_prints_name_and_returns)
{
	char *name = new_name(), *mark = new_mark(), *self_ns, *ns;
	char self[64] = "", other[64] = "";
	long long t0 = h_mono_ms();
	long pid;

	DETACH(name, "sleep", mark);
	ck_assert_msg(h_mono_ms() - t0 < 2000,
		      "run -d took %lld ms to exit and close its stdout/stderr (< 2000 expected)",
		      h_mono_ms() - t0);
	pid = expect_status(name, false, "running", 0);
	ck_assert_msg(pid > 0 && h_pid_alive((pid_t)pid), "PID column %ld is not a live process",
		      pid);
	self_ns = h_strf("/proc/%d/ns/pid", (int)getpid());
	ns = h_strf("/proc/%ld/ns/pid", pid);
	ck_assert(readlink(self_ns, self, sizeof(self) - 1) > 0);
	ck_assert_msg(readlink(ns, other, sizeof(other) - 1) > 0, "readlink %s: %s", ns,
		      strerror(errno));
	ck_assert_msg(strcmp(self, other), "PID %ld is not in the container's PID namespace", pid);
	ck_assert_msg(h_count_procs(mark) > 0, "no process of the container runs");
	free(self_ns), free(ns);
	free(name), free(mark);
}
END_TEST

/* Output written after `run -d` returned and its pipes were closed goes to the log, and
 * the container lives on (no SIGPIPE, nothing tied to the caller's stdio). */
START_TEST(test_detach_survives_closed_stdio)
{
	char *name = new_name(), *mark = new_mark(), *out;
	char *script = h_strf("sleep 1; echo late-out; echo late-err >&2; sleep %s", mark);

	DETACH(name, "sh", "-c", script);
	sleep_ms(1500);
	out = wait_logs(name, "late-err", 3000);
	ck_assert_msg(strstr(out, "late-out\n") && strstr(out, "late-err\n"), "logs: %s", out);
	expect_status(name, false, "running", 0);
	ck_assert_msg(h_count_procs(mark) > 0, "the container's processes are gone");
	free(name), free(mark), free(script), free(out);
}
END_TEST

/* `run -d` from a terminal that is closed right after (an ssh session ending): the
 * container is not hung up with it. */
START_TEST(test_detach_survives_terminal_hangup)
{
	char *name = new_name(), *mark = new_mark(), *want = h_strf("%s", name), *first;
	char *argv[] = {
	    (char *)h_conti_bin(), "run", "-d", "--name", name, H.rootfs, "sleep", mark, NULL};
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	struct termios before, after;
	struct h_result r;

	h_run_pty(&r, argv, &ws, NULL, &before, &after);
	h_assert_status(&r, 0, "run -d on a terminal");
	first = h_line(r.out, 0);
	ck_assert_msg(!strcmp(first, want), "run -d printed '%s' on the terminal", r.out);
	sleep_ms(1000);
	expect_status(name, false, "running", 0);
	ck_assert_msg(h_count_procs(mark) > 0, "the container died with its terminal");
	h_result_free(&r);
	free(name), free(mark), free(want), free(first);
}
END_TEST

/* `logs` prints what the container wrote. */
START_TEST(test_detach_logs)
{
	char *name = new_name(), *mark = new_mark(), *script = h_strf("echo hello; sleep %s", mark);
	char *out;

	DETACH(name, "sh", "-c", script);
	out = wait_logs(name, "hello", 5000);
	ck_assert_str_eq(out, "hello\n");
	free(name), free(mark), free(script), free(out);
}
END_TEST

/* `logs -f` follows until the container exits, and shows its last line. */
START_TEST(test_detach_logs_follow)
{
	char *name = new_name();
	const struct h_opts o = {.timeout_ms = 15000};
	struct h_result r;

	DETACH(name, "sh", "-c", "echo first; sleep 2; echo last");
	CONTI_OPTS(&r, &o, "logs", "-f", name);
	h_assert_status(&r, 0, "logs -f");
	ck_assert_str_eq(r.out, "first\nlast\n");
	ck_assert_msg(r.elapsed_ms >= 1000, "logs -f returned after %ld ms, before the exit",
		      r.elapsed_ms);
	h_result_free(&r);
	expect_status(name, true, "exited (0)", 2000);
	/* on an exited container it prints the whole log and returns at once */
	CONTI_OPTS(&r, &o, "logs", "-f", name);
	h_assert_status(&r, 0, "logs -f of an exited container");
	ck_assert_str_eq(r.out, "first\nlast\n");
	ck_assert_msg(r.elapsed_ms < 2000, "logs -f of an exited container took %ld ms",
		      r.elapsed_ms);
	h_result_free(&r);
	free(name);
}
END_TEST

/* ---- exec ---- */

/* Starts a container running `sleep MARK`; returns its name. */
static char *sleeping_container(void)
{
	char *name = new_name(), *mark = new_mark();

	DETACH(name, "sleep", mark);
	free(mark);
	return name;
}

/* exec sees the files of PID 1's command (on /tmp, a tmpfs of the container's mount
 * namespace, and on /), and a second exec sees what the first wrote. */
START_TEST(test_exec_sees_pid1_files)
{
	char *name = new_name(), *mark = new_mark(), *out;
	char *script = h_strf("echo from-pid1 > /tmp/p1; echo root > /r1; sleep %s", mark);
	struct h_result r;

	DETACH(name, "sh", "-c", script);
	out = exec_until_ok(name, (const char *const[]){"cat", "/tmp/p1", "/r1", NULL}, 5000);
	ck_assert_str_eq(out, "from-pid1\nroot\n");
	CONTI(&r, "exec", name, "sh", "-c", "echo from-exec > /tmp/e1 && echo x > /e2");
	h_assert_status(&r, 0, "exec writing /tmp/e1");
	h_result_free(&r);
	CONTI(&r, "exec", name, "cat", "/tmp/e1", "/e2");
	h_assert_status(&r, 0, "exec cat /tmp/e1 /e2");
	ck_assert_str_eq(r.out, "from-exec\nx\n");
	h_result_free(&r);
	free(name), free(mark), free(script), free(out);
}
END_TEST

/* exec runs in the container's UTS namespace: the hostname is the name. */
START_TEST(test_exec_hostname)
{
	char *name = sleeping_container(), *want = h_strf("%s\n", name);
	struct h_result r;

	CONTI(&r, "exec", name, "hostname");
	h_assert_status(&r, 0, "exec hostname");
	ck_assert_str_eq(r.out, want);
	h_result_free(&r);
	free(name), free(want);
}
END_TEST

/* exec runs in the container's PID namespace: ps shows PID 1 (init) and ps itself, and
 * no host process (such as this test). */
START_TEST(test_exec_ps_sees_pid1)
{
	char *name = sleeping_container(), self[256] = "";
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	bool init = false, ps = false;
	struct h_result r;
	int n;

	ck_assert(len > 0);
	CONTI(&r, "exec", name, "ps");
	h_assert_status(&r, 0, "exec ps");
	n = h_count_lines(r.out);
	for (int i = 1; i < n; i++) {
		char *line = h_line(r.out, i);
		size_t l = strlen(line);

		if (atoi(line) == 1 && strstr(line, "conti-rootless-init"))
			init = true;
		if (l >= 3 && !strcmp(line + l - 3, " ps"))
			ps = true;
		free(line);
	}
	ck_assert_msg(init, "no PID 1 conti-rootless-init in exec's ps:\n%s", r.out);
	ck_assert_msg(ps, "the exec'd ps is not in its own listing:\n%s", r.out);
	ck_assert_msg(!strstr(r.out, strrchr(self, '/') + 1), "a host process is visible:\n%s",
		      r.out);
	h_result_free(&r);
	free(name);
}
END_TEST

static const struct {
	const char *argv[4];
	int status;
} exec_exit_cases[] = {
    {{"true"}, 0},	  {{"sh", "-c", "exit 3"}, 3},	     {{"no-such-command"}, 127},
    {{"/etc/motd"}, 126}, {{"sh", "-c", "kill -9 $$"}, 137},
};

/* exec exits with the command's status: its code, 127 not found, 126 not executable,
 * 128+N killed by signal N; the container runs on. */
START_TEST(test_exec_exit_status)
{
	char *name = sleeping_container();
	const char *args[8] = {"exec", name};
	struct h_result r;
	int n = 2;

	for (int i = 0; i < 4 && exec_exit_cases[_i].argv[i]; i++)
		args[n++] = exec_exit_cases[_i].argv[i];
	args[n] = NULL;
	h_conti_v(&r, NULL, args);
	h_assert_status(&r, exec_exit_cases[_i].status, exec_exit_cases[_i].argv[0]);
	h_result_free(&r);
	expect_status(name, false, "running", 0);
	free(name);
}
END_TEST

/* exec -e sets a variable for the command. */
START_TEST(test_exec_env)
{
	char *name = sleeping_container();
	struct h_result r;

	CONTI(&r, "exec", "-e", "FOO=bar baz", name, "sh", "-c", "echo \"$FOO\"");
	h_assert_status(&r, 0, "exec -e");
	ck_assert_str_eq(r.out, "bar baz\n");
	h_result_free(&r);
	free(name);
}
END_TEST

/* exec -w starts in that directory. */
START_TEST(test_exec_workdir)
{
	char *name = sleeping_container();
	struct h_result r;

	CONTI(&r, "exec", "-w", "/etc", name, "pwd");
	h_assert_status(&r, 0, "exec -w /etc");
	ck_assert_str_eq(r.out, "/etc\n");
	h_result_free(&r);
	free(name);
}
END_TEST

/* exec -u 1000:1000 runs the command as that user and group. */
START_TEST(test_exec_user)
{
	char *name;
	struct h_result r;

	if (!own_subid_range("/etc/subuid")) {
		h_skip("test_exec_user: uid 1000 needs a subordinate range");
		return;
	}
	name = sleeping_container();
	CONTI(&r, "exec", "-u", "1000:1000", name, "sh", "-c", "id -u; id -g");
	h_assert_status(&r, 0, "exec -u 1000:1000");
	ck_assert_str_eq(r.out, "1000\n1000\n");
	h_result_free(&r);
	free(name);
}
END_TEST

/* exec -i passes stdin. */
START_TEST(test_exec_stdin)
{
	char *name = sleeping_container();
	const struct h_opts o = {.input = "piped\n"};
	struct h_result r;

	CONTI_OPTS(&r, &o, "exec", "-i", name, "cat");
	h_assert_status(&r, 0, "exec -i cat");
	ck_assert_str_eq(r.out, "piped\n");
	h_result_free(&r);
	free(name);
}
END_TEST

/* exec -t -i on a terminal: the command has a pty of the container, the status comes
 * back and the caller's terminal is restored. */
START_TEST(test_exec_tty_on_terminal)
{
	char *name = sleeping_container(), *tty, *out;
	char *argv[] = {(char *)h_conti_bin(),	  "exec", "-t", "-i", name, "sh", "-c",
			"tty; stty size; exit 5", NULL};
	struct winsize ws = {.ws_row = 33, .ws_col = 111};
	struct termios before, after;
	struct h_result r;
	char *size;

	h_run_pty(&r, argv, &ws, NULL, &before, &after);
	h_assert_status(&r, 5, "exec -t -i on a terminal");
	out = h_strip_warnings(r.out);
	tty = h_line(out, 0);
	size = h_line(out, 1);
	ck_assert_msg(!strncmp(tty, "/dev/pts/", 9), "tty printed '%s' (all: %s)", tty, out);
	ck_assert_str_eq(size, "33 111");
	ck_assert_msg(same_termios(&before, &after), "the caller's terminal settings changed");
	h_result_free(&r);
	free(name), free(tty), free(out), free(size);
}
END_TEST

/* exec -t with stdin not a terminal still gives the command a pty. */
START_TEST(test_exec_tty_without_terminal)
{
	char *name = sleeping_container(), *tty;
	struct h_result r;

	CONTI(&r, "exec", "-t", name, "tty");
	h_assert_status(&r, 0, "exec -t tty");
	tty = h_line(r.out, 0);
	ck_assert_msg(!strncmp(tty, "/dev/pts/", 9), "tty printed '%s'", r.out);
	h_result_free(&r);
	free(name), free(tty);
}
END_TEST

/* exec into a container that is not running (created, or exited) fails: 125, one line. */
START_TEST(test_exec_not_running)
{
	char *created = new_name(), *exited = new_name(), *line;
	struct h_result r;

	CONTI(&r, "create", "--name", created, H.rootfs, "true");
	h_assert_status(&r, 0, "create");
	h_result_free(&r);
	DETACH(exited, "true");
	expect_status(exited, true, "exited (0)", 5000);
	CONTI(&r, "exec", created, "true");
	h_assert_status(&r, 125, "exec into a created container");
	free(h_error_line(&r));
	h_result_free(&r);
	CONTI(&r, "exec", exited, "true");
	h_assert_status(&r, 125, "exec into an exited container");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, exited), "the error does not name the container: %s", line);
	h_result_free(&r);
	free(created), free(exited), free(line);
}
END_TEST

/* ---- ps, list, inspect ---- */

/* docker's columns; IMAGE: the image's name, or the rootfs (as podman shows --rootfs) */
static const char *const ps_columns[] = {"CONTAINER", "ID",  "IMAGE", "COMMAND", "CREATED",
					 "STATUS",    "PID", "PORTS", "NAMES"};
#define PS_NCOLUMNS (int)(sizeof(ps_columns) / sizeof(ps_columns[0]))

static void assert_ps_header(const char *table)
{
	char *header = h_line(table, 0), tok[10][64];
	int n = tokens(header, tok, 10);

	ck_assert_msg(n == PS_NCOLUMNS, "header '%s' does not have docker's columns", header);
	for (int i = 0; i < PS_NCOLUMNS; i++)
		ck_assert_msg(!strcmp(tok[i], ps_columns[i]), "header '%s': word %d is not %s",
			      header, i + 1, ps_columns[i]);
	free(header);
}

/* The line of the real `ps` table whose last cell (NAMES) is name (caller frees), or NULL. */
static char *table_line(const char *table, const char *name)
{
	for (int i = 1, n = h_count_lines(table); i < n; i++) {
		char *line = h_line(table, i);
		size_t len = strlen(line), nlen = strlen(name);

		if (len > nlen && !strcmp(line + len - nlen, name) && line[len - nlen - 1] == ' ')
			return line;
		free(line);
	}
	return NULL;
}

/* Runs `ps` (all: `ps -a`), the real table, asserting exit 0; returns its stdout (caller
 * frees). */
static char *ps_real(bool all)
{
	struct h_result r;
	char *out;

	if (all)
		CONTI(&r, "ps", "-a");
	else
		CONTI(&r, "ps");
	h_assert_status(&r, 0, "ps");
	out = r.out;
	r.out = NULL;
	h_result_free(&r);
	return out;
}

/* With no container `ps` and `ps -a` print the header only. */
START_TEST(test_ps_no_containers)
{
	char *table = ps_real(false), *all = ps_real(true);

	assert_ps_header(table);
	ck_assert_msg(h_count_lines(table) == 1, "ps with no container:\n%s", table);
	assert_ps_header(all);
	ck_assert_msg(h_count_lines(all) == 1, "ps -a with no container:\n%s", all);
	free(table), free(all);
}
END_TEST

/* The table: docker's columns, and a running row "Up ..." with its PID and command. */
START_TEST(test_ps_table)
{
	char *name = sleeping_container(), *table = ps_real(false), *line;
	char *simple = ps_table(false), *status;
	long pid = 0;

	assert_ps_header(table);
	status = table_status(simple, name, &pid);
	ck_assert_msg(status && !strcmp(status, "running"), "no running row for %s:\n%s", name,
		      simple);
	ck_assert_msg(pid > 0 && h_pid_alive((pid_t)pid), "PID %ld is not alive:\n%s", pid, table);
	line = table_line(table, name);
	ck_assert_msg(line && strstr(line, " Up ") && strstr(line, "\"sleep "),
		      "no running row (Up, \"sleep ...\") for %s:\n%s", name, table);
	free(name), free(table), free(status), free(simple), free(line);
}
END_TEST

/* `list` is `ps`. */
START_TEST(test_ps_list_alias)
{
	char *name = sleeping_container(), *line;
	struct h_result r;

	CONTI(&r, "list");
	h_assert_status(&r, 0, "list");
	assert_ps_header(r.out);
	line = table_line(r.out, name);
	ck_assert_msg(line && strstr(line, " Up "), "list:\n%s", r.out);
	h_result_free(&r);
	free(name), free(line);
}
END_TEST

/* The fields of a running container's JSON object (from ps or inspect). */
static void assert_running_object(const char *obj, const char *name, long table_pid)
{
	char *status = json_need(obj, "status"), *pid = json_need(obj, "pid");
	char *rootfs = json_need(obj, "rootfs"), *command = json_need(obj, "command");
	char *created = json_need(obj, "created"), *ns = json_need(obj, "namespaces");

	ck_assert_msg(!strcmp(status, "running"), "status %s:\n%s", status, obj);
	ck_assert_msg(atol(pid) > 0 && (!table_pid || atol(pid) == table_pid),
		      "pid %s (ps table: %ld):\n%s", pid, table_pid, obj);
	ck_assert_msg(!strcmp(rootfs, H.rootfs), "rootfs %s, expected %s", rootfs, H.rootfs);
	ck_assert_msg(strstr(command, "sleep"), "command %s", command);
	ck_assert_msg(*created && strcmp(created, "null"), "created '%s'", created);
	ck_assert_msg(json_is(ns, '{'), "namespaces is not an object: %s", ns);
	for (int i = 0; i < NS_KINDS; i++) {
		char *want = ns_handle(name, ns_kinds[i]), *got = json_get(ns, ns_kinds[i]);

		ck_assert_msg(got && !strcmp(got, want), "namespaces.%s is %s, expected %s",
			      ns_kinds[i], got ? got : "missing", want);
		free(want), free(got);
	}
	free(status), free(pid), free(rootfs), free(command), free(created), free(ns);
}

/* `ps --format json`: a JSON array with an object per container, with the table's
 * fields and the namespace handles. */
START_TEST(test_ps_json)
{
	char *name = sleeping_container(), *table = ps_table(false), *obj, *status;
	struct h_result r;
	long pid = 0;

	status = table_status(table, name, &pid);
	CONTI(&r, "ps", "--format", "json");
	h_assert_status(&r, 0, "ps --format json");
	ck_assert_msg(json_is(r.out, '['), "not a JSON array:\n%s", r.out);
	obj = json_find_named(r.out, name);
	ck_assert_msg(obj, "no object with \"name\": \"%s\":\n%s", name, r.out);
	assert_running_object(obj, name, pid);
	h_result_free(&r);
	free(name), free(table), free(obj), free(status);
}
END_TEST

/* `inspect NAME`: one JSON object with the same fields. */
START_TEST(test_inspect)
{
	char *name = sleeping_container(), *obj = inspect(name), *n = json_need(obj, "name");

	ck_assert_str_eq(n, name);
	assert_running_object(obj, name, 0);
	free(name), free(obj), free(n);
}
END_TEST

/* `ps` lists running containers only; `ps -a` shows exited ones with their code, and
 * inspect gives the code as exit_code. */
START_TEST(test_ps_exited)
{
	char *ok = new_name(), *seven = new_name(), *table, *obj, *status, *code;

	DETACH(ok, "true");
	DETACH(seven, "sh", "-c", "exit 7");
	expect_status(ok, true, "exited (0)", 5000);
	expect_status(seven, true, "exited (7)", 5000);
	table = ps_table(false);
	ck_assert_msg(!table_status(table, ok, NULL) && !table_status(table, seven, NULL),
		      "`ps` without -a lists exited containers:\n%s", table);
	obj = inspect(seven);
	status = json_need(obj, "status");
	code = json_need(obj, "exit_code");
	ck_assert_msg(!strncmp(status, "exited", 6), "inspect: status %s", status);
	ck_assert_str_eq(code, "7");
	free(ok), free(seven), free(table), free(obj), free(status), free(code);
}
END_TEST

/* ---- stop, kill, rm ---- */

/* stop: SIGTERM reaches `sleep infinity` through init; it returns at once and the
 * container is exited (143). */
START_TEST(test_stop_sigterm)
{
	char *name = new_name();
	struct h_result r;

	DETACH(name, "sleep", "infinity");
	expect_status(name, false, "running", 0);
	CONTI(&r, "stop", name);
	h_assert_status(&r, 0, "stop");
	ck_assert_msg(r.elapsed_ms < 2500, "stop took %ld ms", r.elapsed_ms);
	h_result_free(&r);
	expect_status(name, true, "exited (143)", 0);
	expect_not_listed(name, false, 0);
	free(name);
}
END_TEST

/* stop -t 1 of a command ignoring SIGTERM: SIGKILL after 1 s, exited (137). */
START_TEST(test_stop_timeout_sigkill)
{
	char *name = new_name(), *mark = new_mark();
	char *script = h_strf("trap '' TERM; echo ready; sleep %s", mark);
	struct h_result r;

	DETACH(name, "sh", "-c", script);
	free(wait_logs(name, "ready", 5000));
	CONTI(&r, "stop", "-t", "1", name);
	h_assert_status(&r, 0, "stop -t 1");
	ck_assert_msg(r.elapsed_ms >= 1000 && r.elapsed_ms < 5000,
		      "stop -t 1 took %ld ms (1000..5000 expected)", r.elapsed_ms);
	h_result_free(&r);
	expect_status(name, true, "exited (137)", 0);
	h_assert_no_procs(mark, 2000);
	free(name), free(mark), free(script);
}
END_TEST

/* kill -s USR1 reaches a trap of the command, which runs on. */
START_TEST(test_kill_signal_reaches_trap)
{
	char *name = new_name(), *mark = new_mark(), *out;
	char *script = h_strf("trap 'echo got-usr1' USR1; echo ready; test -z x && sleep %s; "
			      "while :; do sleep 0.2; done",
			      mark);
	struct h_result r;

	DETACH(name, "sh", "-c", script);
	free(wait_logs(name, "ready", 5000));
	CONTI(&r, "kill", "-s", "USR1", name);
	h_assert_status(&r, 0, "kill -s USR1");
	h_result_free(&r);
	out = wait_logs(name, "got-usr1", 5000);
	expect_status(name, false, "running", 0);
	free(name), free(mark), free(script), free(out);
}
END_TEST

/* rm of a running container without -f: 125, one error line, the container runs on. */
START_TEST(test_rm_running_refused)
{
	char *name = new_name(), *mark = new_mark(), *line;
	struct h_result r;

	DETACH(name, "sleep", mark);
	CONTI(&r, "rm", name);
	h_assert_status(&r, 125, "rm of a running container");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, name), "the error does not name the container: %s", line);
	h_result_free(&r);
	expect_status(name, false, "running", 0);
	ck_assert_msg(h_count_procs(mark) > 0, "the container's processes are gone");
	free(name), free(mark), free(line);
}
END_TEST

/* rm -f stops and removes a running container: not listed, no process, no state, no
 * writable layer. */
START_TEST(test_rm_force_running)
{
	char *name = new_name(), *mark = new_mark();
	struct h_result r;

	DETACH(name, "sleep", mark);
	CONTI(&r, "rm", "-f", name);
	h_assert_status(&r, 0, "rm -f");
	h_result_free(&r);
	expect_not_listed(name, true, 0);
	h_assert_no_procs(mark, 2000);
	h_assert_no_containers_left();
	free(name), free(mark);
}
END_TEST

/* rm -f of a running --rm container: its monitor removes it as it stops, which rm -f
 * reports as done (docker rm -f does), not as a missing container. */
START_TEST(test_rm_force_running_rm)
{
	char *name = new_name(), *mark = new_mark();
	struct h_result r;

	DETACH_OPTS(name, ((const char *const[]){"--rm", NULL}), "sleep", mark);
	CONTI(&r, "rm", "-f", name);
	h_assert_status(&r, 0, "rm -f of a running --rm container");
	ck_assert_msg(strstr(r.out, name), "rm -f did not print the name: %s", r.out);
	h_result_free(&r);
	expect_not_listed(name, true, 0);
	h_assert_no_procs(mark, 2000);
	h_assert_no_containers_left();
	free(name), free(mark);
}
END_TEST

/* rm of an exited container removes its state and writable layer. */
START_TEST(test_rm_exited)
{
	char *name = new_name(), *containers = h_containers_dir();
	struct h_result r;

	DETACH(name, "sh", "-c", "echo x > /written");
	expect_status(name, true, "exited (0)", 5000);
	ck_assert_msg(h_count_entries(containers) == 1, "no writable layer in %s", containers);
	CONTI(&r, "rm", name);
	h_assert_status(&r, 0, "rm");
	h_result_free(&r);
	expect_not_listed(name, true, 0);
	h_assert_no_containers_left();
	free(name), free(containers);
}
END_TEST

/* run -d --rm: the container removes itself when its command exits. */
START_TEST(test_detach_rm_removes_itself)
{
	char *name = new_name();

	DETACH_OPTS(name, ((const char *const[]){"--rm", NULL}), "sh", "-c", "sleep 0.5");
	expect_not_listed(name, true, 5000);
	h_assert_no_containers_left();
	free(name);
}
END_TEST

/* ---- create, start ---- */

/* create sets up without running the command (status created, not in `ps`, no output);
 * start runs it. */
START_TEST(test_create_then_start)
{
	char *name = new_name(), *mark = new_mark(), *out;
	char *script = h_strf("echo output; sleep %s", mark);
	struct h_result r;

	CONTI(&r, "create", "--name", name, H.rootfs, "sh", "-c", script);
	h_assert_status(&r, 0, "create");
	h_result_free(&r);
	expect_status(name, true, "created", 0);
	expect_not_listed(name, false, 0);
	sleep_ms(500);
	CONTI(&r, "logs", name);
	h_assert_status(&r, 0, "logs of a created container");
	ck_assert_msg(!strstr(r.out, "output"), "the command ran at create: %s", r.out);
	h_result_free(&r);
	CONTI(&r, "start", name);
	h_assert_status(&r, 0, "start");
	h_result_free(&r);
	expect_status(name, false, "running", 0);
	out = wait_logs(name, "output", 5000);
	ck_assert_str_eq(out, "output\n");
	free(name), free(mark), free(script), free(out);
}
END_TEST

/* start -a prints the command's output and returns its status. */
START_TEST(test_start_attach)
{
	char *name = new_name();
	struct h_result r;

	CONTI(&r, "create", "--name", name, H.rootfs, "sh", "-c", "echo attached; exit 4");
	h_assert_status(&r, 0, "create");
	h_result_free(&r);
	CONTI(&r, "start", "-a", name);
	h_assert_status(&r, 4, "start -a");
	ck_assert_str_eq(r.out, "attached\n");
	h_result_free(&r);
	expect_status(name, true, "exited (4)", 2000);
	free(name);
}
END_TEST

/* start of an exited container runs its command again on the same writable layer. */
START_TEST(test_start_exited_again)
{
	char *name = new_name();
	struct h_result r;

	DETACH(name, "sh", "-c", "echo run >> /runs; wc -l < /runs");
	expect_status(name, true, "exited (0)", 5000);
	CONTI(&r, "start", "-a", name);
	h_assert_status(&r, 0, "start -a of an exited container");
	ck_assert_msg(!strcmp(r.out, "2\n"), "the second run counted %s runs", r.out);
	h_result_free(&r);
	free(name);
}
END_TEST

/* ---- handles, unshare ---- */

/* The mount targets `unshare findmnt` lists, one a line. */
static char *unshare_targets(void)
{
	struct h_result r;
	char *out;

	CONTI(&r, "unshare", "findmnt", "-n", "-l", "-o", "TARGET");
	h_assert_status(&r, 0, "unshare findmnt");
	out = r.out;
	r.out = NULL;
	h_result_free(&r);
	return out;
}

/* In `unshare`, findmnt lists the handles user, mnt, pid, uts, ipc (no net by default). */
START_TEST(test_handles_mounted_in_unshare)
{
	char *name = sleeping_container(), *targets = unshare_targets(), *net;

	for (int i = 0; i < NS_KINDS; i++) {
		char *h = ns_handle(name, ns_kinds[i]);

		ck_assert_msg(has_line(targets, h), "%s is not mounted in unshare:\n%s", h,
			      targets);
		free(h);
	}
	net = ns_handle(name, "net");
	ck_assert_msg(!has_line(targets, net), "a net handle without --net=none");
	free(name), free(targets), free(net);
}
END_TEST

/* With --net=none there is a net handle too. */
START_TEST(test_handles_net_none)
{
	char *name = new_name(), *mark = new_mark(), *targets, *net;

	DETACH_OPTS(name, ((const char *const[]){"--net=none", NULL}), "sleep", mark);
	targets = unshare_targets();
	net = ns_handle(name, "net");
	ck_assert_msg(has_line(targets, net), "%s is not mounted in unshare:\n%s", net, targets);
	free(name), free(mark), free(targets), free(net);
}
END_TEST

/* In the host's view the handles are plain files. */
START_TEST(test_handles_plain_files_on_host)
{
	char *name = sleeping_container();

	for (int i = 0; i < NS_KINDS; i++) {
		char *h = ns_handle(name, ns_kinds[i]);
		struct stat st;

		ck_assert_msg(lstat(h, &st) == 0, "%s: %s", h, strerror(errno));
		ck_assert_msg(S_ISREG(st.st_mode), "%s is not a plain file (mode %o)", h,
			      st.st_mode);
		free(h);
	}
	free(name);
}
END_TEST

/* nsenter through the mnt and uts handles reaches the container: its hostname. */
START_TEST(test_unshare_nsenter_hostname)
{
	char *name = sleeping_container(), *want = h_strf("%s\n", name);
	char *mnt = ns_handle(name, "mnt"), *uts = ns_handle(name, "uts");
	char *mnt_opt = h_strf("--mount=%s", mnt), *uts_opt = h_strf("--uts=%s", uts);
	struct h_result r;

	CONTI(&r, "unshare", "nsenter", mnt_opt, uts_opt, "hostname");
	h_assert_status(&r, 0, "unshare nsenter --mount --uts hostname");
	ck_assert_str_eq(r.out, want);
	h_result_free(&r);
	free(name), free(want), free(mnt), free(uts), free(mnt_opt), free(uts_opt);
}
END_TEST

/* nsenter through the mnt and pid handles: a shell sees the container's PID 1. */
START_TEST(test_unshare_nsenter_pid)
{
	char *name = sleeping_container();
	char *mnt = ns_handle(name, "mnt"), *pid = ns_handle(name, "pid");
	char *mnt_opt = h_strf("--mount=%s", mnt), *pid_opt = h_strf("--pid=%s", pid);
	struct h_result r;

	CONTI(&r, "unshare", "nsenter", mnt_opt, pid_opt, "sh", "-c",
	      "cat /proc/1/cmdline | tr '\\0' ' '; echo");
	h_assert_status(&r, 0, "unshare nsenter --mount --pid sh");
	ck_assert_msg(!strncmp(r.out, "conti-rootless-init ", 20) && strstr(r.out, "sleep"),
		      "PID 1 there is: %s", r.out);
	h_result_free(&r);
	free(name), free(mnt), free(pid), free(mnt_opt), free(pid_opt);
}
END_TEST

/* lsns works in unshare. */
START_TEST(test_unshare_lsns)
{
	char *name = sleeping_container();
	struct h_result r;

	CONTI(&r, "unshare", "lsns", "-t", "mnt");
	h_assert_status(&r, 0, "unshare lsns -t mnt");
	ck_assert_msg(strstr(r.out, "mnt"), "lsns printed: %s", r.out);
	h_result_free(&r);
	free(name);
}
END_TEST

/* unshare without a command runs a shell (here reading its commands from stdin). */
START_TEST(test_unshare_default_shell)
{
	const struct h_opts o = {.input = "echo in-unshare-$((20 + 22))\n"};
	struct h_result r;

	CONTI_OPTS(&r, &o, "unshare");
	h_assert_status(&r, 0, "unshare (a shell)");
	ck_assert_msg(strstr(r.out, "in-unshare-42\n"), "the shell printed: %s", r.out);
	h_result_free(&r);
}
END_TEST

/* unshare exits with its command's status. */
START_TEST(test_unshare_exit_status)
{
	struct h_result r;

	CONTI(&r, "unshare", "sh", "-c", "exit 5");
	h_assert_status(&r, 5, "unshare sh -c 'exit 5'");
	h_result_free(&r);
}
END_TEST

/* ---- keeper ---- */

/* SIGKILLs the keeper and waits for it to be gone; returns its pid. */
static pid_t kill_keeper_now(void)
{
	pid_t keeper = h_keeper_pid();

	ck_assert_msg(keeper > 0 && h_pid_alive(keeper), "no live keeper in .keeper.pid (%d)",
		      (int)keeper);
	ck_assert_int_eq(kill(keeper, SIGKILL), 0);
	ck_assert_msg(h_wait_pid_gone(keeper, 2000), "keeper %d survived SIGKILL", (int)keeper);
	return keeper;
}

/* After SIGKILL of the keeper a running container runs on (ps, exec), the next run
 * works, and a new keeper with a new pid is there. */
START_TEST(test_keeper_killed_container_runs)
{
	char *name = sleeping_container(), *out;
	pid_t old = kill_keeper_now(), now;
	struct h_result r;

	expect_status(name, false, "running", 0);
	out = exec_until_ok(name, (const char *const[]){"echo", "ok", NULL}, 0);
	ck_assert_str_eq(out, "ok\n");
	CONTI(&r, "run", "--rm", H.rootfs, "true");
	h_assert_status(&r, 0, "run --rm true after the keeper's death");
	h_result_free(&r);
	now = h_keeper_pid();
	ck_assert_msg(now > 0 && h_pid_alive(now),
		      "no live keeper in .keeper.pid after the next run (%d)", (int)now);
	ck_assert_msg(now != old, "keeper.pid still names the dead keeper %d", (int)old);
	free(name), free(out);
}
END_TEST

/* After SIGKILL of the keeper: exec into a running container works (through its own
 * PID 1), and the handles of a container started after work. */
START_TEST(test_keeper_killed_handles_work)
{
	char *name = sleeping_container(), *want = h_strf("%s\n", name);
	char *uts = ns_handle(name, "uts"), *uts_opt = h_strf("--uts=%s", uts);
	char *second = NULL, *want2 = NULL, *uts2 = NULL, *uts2_opt = NULL;
	struct h_result r;

	kill_keeper_now();
	CONTI(&r, "exec", name, "hostname");
	h_assert_status(&r, 0, "exec after the keeper's death");
	ck_assert_str_eq(r.out, want);
	h_result_free(&r);
	second = sleeping_container();
	want2 = h_strf("%s\n", second);
	uts2 = ns_handle(second, "uts");
	uts2_opt = h_strf("--uts=%s", uts2);
	CONTI(&r, "unshare", "nsenter", uts2_opt, "hostname");
	h_assert_status(&r, 0, "unshare nsenter --uts hostname of a container started after it");
	ck_assert_str_eq(r.out, want2);
	h_result_free(&r);
	/* The older container's handles went with the dead keeper's mount namespace; its
	 * namespaces belong to the dead keeper's user namespace, which the new keeper (a new
	 * user namespace) cannot enter: exec, through its PID 1, is the way in (README). */
	free(name), free(want), free(uts), free(uts_opt);
	free(second), free(want2), free(uts2), free(uts2_opt);
}
END_TEST

/* Keeper and container processes SIGKILLed: the container shows as exited, never
 * running. */
START_TEST(test_keeper_killed_dead_container_exited)
{
	char *name = new_name(), *mark = new_mark();

	DETACH(name, "sleep", mark);
	expect_status(name, false, "running", 0);
	kill_keeper_now();
	ck_assert_int_gt(h_kill_procs(mark), 0);
	h_assert_no_procs(mark, 2000);
	expect_not_listed(name, false, 5000);
	expect_status(name, true, "exited*", 0);
	free(name), free(mark);
}
END_TEST

/* keeper.pid naming a live process of ours that is not the keeper (a sleep, with a
 * wrong start time): the next commands work and leave the sleep alone. */
START_TEST(test_keeper_pid_foreign_process)
{
	char *mark = new_mark(), *runtime = h_runtime_dir();
	char *pidfile = h_strf("%s/.keeper.pid", runtime), *text, *name;
	char *argv[] = {"sleep", mark, NULL};
	struct h_result r;
	struct h_proc p;
	int status;

	h_spawn(&p, argv, NULL);
	ck_assert_int_eq(mkdir(runtime, 0700), 0);
	text = h_strf("%d\n1\n", (int)p.pid);
	h_write_file(pidfile, text, 0644);
	name = sleeping_container();
	CONTI(&r, "exec", name, "hostname");
	h_assert_status(&r, 0, "exec with a foreign keeper.pid");
	h_result_free(&r);
	CONTI(&r, "unshare", "true");
	h_assert_status(&r, 0, "unshare true with a foreign keeper.pid");
	h_result_free(&r);
	ck_assert_msg(waitpid(p.pid, &status, WNOHANG) == 0, "the foreign sleep was killed");
	ck_assert_msg(h_keeper_pid() != p.pid, "keeper.pid still names the foreign sleep");
	kill(p.pid, SIGKILL);
	h_finish(&p, &r, 5000);
	h_result_free(&r);
	free(mark), free(runtime), free(pidfile), free(text), free(name);
}
END_TEST

/* The keeper exits by itself within 2 s when its runtime dir is removed. */
START_TEST(test_keeper_exits_when_runtime_removed)
{
	char *name = sleeping_container(), *runtime = h_runtime_dir();
	struct h_result r;
	pid_t keeper;

	CONTI(&r, "stop", name);
	h_assert_status(&r, 0, "stop");
	h_result_free(&r);
	keeper = h_keeper_pid();
	ck_assert_msg(keeper > 0 && h_pid_alive(keeper), "no live keeper in .keeper.pid (%d)",
		      (int)keeper);
	ck_assert_msg(h_rm_rf(runtime), "cannot remove %s", runtime);
	ck_assert_msg(h_wait_pid_gone(keeper, 2000),
		      "keeper %d still alive 2 s after its runtime dir was removed", (int)keeper);
	free(name), free(runtime);
}
END_TEST

/* ---- reboot: the runtime dir wiped, the data dir kept ---- */

/* Starts a container that records in /first whether it ran before, and a file written
 * by exec; returns its name. */
static char *container_with_files(void)
{
	char *name = new_name(), *mark = new_mark(), *out;
	char *script = h_strf("if test -e /first; then echo found; else echo new > /first; "
			      "echo created; fi; echo ready; sleep %s",
			      mark);
	struct h_result r;

	DETACH(name, "sh", "-c", script);
	out = wait_logs(name, "ready", 5000);
	ck_assert_msg(strstr(out, "created\n"), "first run: %s", out);
	CONTI(&r, "exec", name, "sh", "-c", "echo by-exec > /by-exec");
	h_assert_status(&r, 0, "exec writing /by-exec");
	h_result_free(&r);
	free(mark), free(script), free(out);
	return name;
}

/* After the reboot: exited in `ps -a`, and start runs it again on the same layer. */
static void check_after_reboot(const char *name)
{
	struct h_result r;
	char *out;

	expect_not_listed(name, false, 0);
	expect_status(name, true, "exited*", 0);
	CONTI(&r, "start", name);
	h_assert_status(&r, 0, "start after the reboot");
	h_result_free(&r);
	out = wait_logs(name, "ready", 5000);
	ck_assert_msg(strstr(out, "found\n"), "the second run did not find /first: %s", out);
	free(out);
	out = exec_until_ok(name, (const char *const[]){"cat", "/first", "/by-exec", NULL}, 0);
	ck_assert_str_eq(out, "new\nby-exec\n");
	expect_status(name, false, "running", 0);
	free(out);
}

/* Stop, keeper killed, runtime dir wiped: the container is exited and starts again. */
START_TEST(test_reboot_stopped_container_restarts)
{
	char *name = container_with_files();
	struct h_result r;

	CONTI(&r, "stop", name);
	h_assert_status(&r, 0, "stop");
	h_result_free(&r);
	wipe_runtime();
	check_after_reboot(name);
	free(name);
}
END_TEST

/* The same when the container was not stopped but its processes died (a real reboot). */
START_TEST(test_reboot_killed_container_restarts)
{
	char *name = container_with_files(), *needle = test_sleep_needle();

	ck_assert_int_gt(h_kill_procs(needle), 0);
	h_assert_no_procs(needle, 2000);
	wipe_runtime();
	h_kill_procs(H.base); /* what ran outside the container (a monitor) died too */
	check_after_reboot(name);
	free(name), free(needle);
}
END_TEST

/* ---- concurrency ---- */

#define PARALLEL 20

/* 20 run -d with distinct names at once all succeed, and all run. */
START_TEST(test_parallel_distinct_names)
{
	char *name[PARALLEL], *mark = new_mark(), *table;
	struct h_proc p[PARALLEL];

	for (int i = 0; i < PARALLEL; i++) {
		char *argv[] = {(char *)h_conti_bin(),
				"run",
				"-d",
				"--name",
				NULL,
				H.rootfs,
				"sleep",
				mark,
				NULL};

		name[i] = new_name();
		argv[4] = name[i];
		h_spawn(&p[i], argv, NULL);
	}
	for (int i = 0; i < PARALLEL; i++) {
		struct h_result r;
		char *want = h_strf("%s\n", name[i]);

		h_finish(&p[i], &r, 60000);
		h_assert_status(&r, 0, name[i]);
		ck_assert_str_eq(r.out, want);
		h_result_free(&r);
		free(want);
	}
	table = ps_table(false);
	for (int i = 0; i < PARALLEL; i++) {
		char *status = table_status(table, name[i], NULL);

		ck_assert_msg(status && !strcmp(status, "running"), "%s is not running:\n%s",
			      name[i], table);
		free(status);
		free(name[i]);
	}
	free(mark), free(table);
}
END_TEST

/* 20 run -d of the same name at once: one container, one exit 0, 19 exit 125 with one
 * error line each. */
START_TEST(test_parallel_same_name)
{
	char *name = new_name(), *mark = new_mark(), *table;
	char *argv[] = {
	    (char *)h_conti_bin(), "run", "-d", "--name", name, H.rootfs, "sleep", mark, NULL};
	struct h_proc p[PARALLEL];
	int ok = 0, taken = 0, rows = 0, lines;

	for (int i = 0; i < PARALLEL; i++)
		h_spawn(&p[i], argv, NULL);
	for (int i = 0; i < PARALLEL; i++) {
		struct h_result r;

		h_finish(&p[i], &r, 60000);
		if (r.status == 0) {
			ok++;
		} else {
			h_assert_status(&r, 125, "a losing run -d");
			free(h_error_line(&r));
			taken++;
		}
		h_result_free(&r);
	}
	ck_assert_msg(ok == 1 && taken == PARALLEL - 1, "%d succeeded, %d got 125", ok, taken);
	table = ps_table(true);
	lines = h_count_lines(table);
	for (int i = 1; i < lines; i++) {
		char *line = h_line(table, i), tok[1][64];

		if (tokens(line, tok, 1) == 1 && !strcmp(tok[0], name))
			rows++;
		free(line);
	}
	ck_assert_msg(rows == 1, "%d rows for %s:\n%s", rows, name, table);
	free(name), free(mark), free(table);
}
END_TEST

/* ---- killed_front_end ---- */

/* SIGKILL of a foreground `run`: ps -a shows the container exited, and rm -f removes
 * everything (state, layer, processes). */
START_TEST(test_killed_front_end)
{
	char *name = new_name(), *mark = new_mark(), *script = h_strf("echo ready; sleep %s", mark);
	char *argv[] = {
	    (char *)h_conti_bin(), "run", "--name", name, H.rootfs, "sh", "-c", script, NULL};
	struct h_result r;
	struct h_proc p;

	h_spawn(&p, argv, NULL);
	ck_assert_msg(h_wait_output(&p, "ready", 10000), "the container did not start");
	kill(p.pid, SIGKILL);
	h_finish(&p, &r, 10000);
	ck_assert_int_eq(r.status, 137);
	h_result_free(&r);
	expect_status(name, true, "exited*", 5000);
	CONTI(&r, "rm", "-f", name);
	h_assert_status(&r, 0, "rm -f after the killed run");
	h_result_free(&r);
	expect_not_listed(name, true, 0);
	h_assert_no_containers_left();
	h_assert_no_procs(mark, 2000);
	free(name), free(mark), free(script);
}
END_TEST

/* ---- bad_names: unknown containers, bad names ---- */

static const struct {
	const char *argv[4];
	const char *named; /* the error line contains this */
} unknown_cases[] = {
    {{"exec", "nosuch", "true"}, "nosuch"}, {{"stop", "nosuch"}, "nosuch"},
    {{"logs", "nosuch"}, "nosuch"},	    {{"logs", "-f", "nosuch"}, "nosuch"},
    {{"rm", "nosuch"}, "nosuch"},	    {{"start", "nosuch"}, "nosuch"},
    {{"kill", "nosuch"}, "nosuch"},	    {{"exec", "bad/name", "true"}, "bad/name"},
};

/* Each command on an unknown container or a bad name: 125, one error line naming it, no
 * stdout, nothing made. */
START_TEST(test_unknown_container)
{
	const char *args[6] = {NULL};
	char *line;
	struct h_result r;

	for (int i = 0; i < 4 && unknown_cases[_i].argv[i]; i++)
		args[i] = unknown_cases[_i].argv[i];
	h_conti_v(&r, NULL, args);
	h_assert_status(&r, 125, args[0]);
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, unknown_cases[_i].named), "%s: the error does not name '%s': %s",
		      args[0], unknown_cases[_i].named, line);
	ck_assert_str_eq(r.out, "");
	h_assert_no_containers_left();
	h_result_free(&r);
	free(line);
}
END_TEST

/* Valid names that are also names of the tool's own files in XDG_RUNTIME_DIR/conti-rootless
 * (or were in some version): a container may have them. */
static const char *const own_file_names[] = {
    "rm", "keeper.pid", "keeper.lock", "registry.lock", "keeper.pid.tmp",
};

/* A container named like one of the tool's own files (a valid name) either is refused at
 * once (125, one error line naming it, nothing made, nothing else disturbed), or works
 * fully: it runs, is listed, answers exec, does not disturb the next container, and rm -f
 * removes it. Accepting it and then losing track of it is the bug. */
START_TEST(test_names_like_own_files)
{
	const char *name = own_file_names[_i];
	char *mark = new_mark(), *want = h_strf("%s\n", name), *line;
	struct h_result r;
	bool accepted;

	h_keep_name(name);
	CONTI(&r, "run", "-d", "--name", name, H.rootfs, "sleep", mark);
	accepted = r.status != 125;
	if (!accepted) {
		line = h_error_line(&r);
		ck_assert_msg(strstr(line, name), "the refusal does not name '%s': %s", name, line);
		ck_assert_str_eq(r.out, "");
		h_result_free(&r);
		free(line);
		h_assert_no_procs(mark, 2000);
		h_assert_no_containers_left();
	} else {
		h_assert_status(&r, 0, "run -d");
		ck_assert_str_eq(r.out, want);
		h_result_free(&r);
		expect_status(name, false, "running", 1000);
		CONTI(&r, "exec", name, "hostname");
		h_assert_status(&r, 0, "exec hostname");
		ck_assert_str_eq(r.out, want);
		h_result_free(&r);
	}
	CONTI(&r, "run", "--rm", H.rootfs, "true");
	h_assert_status(&r, 0, "the next run --rm");
	h_result_free(&r);
	if (accepted) {
		expect_status(name, false, "running", 0);
		CONTI(&r, "rm", "-f", name);
		h_assert_status(&r, 0, "rm -f");
		h_result_free(&r);
		expect_not_listed(name, true, 0);
		h_assert_no_procs(mark, 2000);
		h_assert_no_containers_left();
	}
	free(mark), free(want);
}
END_TEST

/* ---- state: one runtime dir per user, the data lock, state from the kernel ---- */

/* The row of name in `ps -a` output (caller frees), NULL when it is not listed. */
static char *ps_row(const char *out, const char *name)
{
	for (int i = 0, n = h_count_lines(out); i < n; i++) {
		char *line = h_line(out, i);

		if (!strncmp(line, name, strlen(name)) && line[strlen(name)] == ' ')
			return line;
		free(line);
	}
	return NULL;
}

/* Asserts that `ps -a` (with o) lists name with a STATUS starting with want. */
static void assert_ps_status(const struct h_opts *o, const char *name, const char *want)
{
	struct h_result r;
	char *row, status[32] = "";

	CONTI_OPTS(&r, o, "ps", "-a", "--format", PS_SIMPLE);
	h_assert_status(&r, 0, "ps -a");
	ps_simple(&r);
	row = ps_row(r.out, name);
	ck_assert_msg(row, "ps -a does not list %s:\n%s%s", name, r.out, r.err);
	sscanf(row + strlen(name), " %31s", status);
	ck_assert_msg(!strncmp(status, want, strlen(want)), "ps -a shows %s as '%s', not %s:\n%s",
		      name, status, want, r.out);
	free(row);
	h_result_free(&r);
}

/* Two runtime dirs (two CONTI_ROOTLESS_RUNTIME_DIR values), one data dir: while the
 * container runs from one, start, rm and rm -f from the other are refused with 125 and one
 * line naming the runtime dir in use; ps there shows it running; its layer stays. */
START_TEST(test_data_lock_two_runtime_dirs)
{
	char *name = new_name(), *mark = new_mark(), *line;
	char *other = h_strf("%s/run2", H.base), *own = h_runtime_dir();
	char *env_other = h_strf("CONTI_ROOTLESS_RUNTIME_DIR=%s", other);
	char *kept = h_strf("%s/conti-rootless/containers/%s/upper/kept", H.data, name);
	const char *env[] = {env_other, NULL};
	struct h_opts o = {.env = env};
	const char *cmds[][3] = {{"start", name, NULL}, {"rm", name, NULL}, {"rm", "-f", name}};
	struct h_result r;

	ck_assert_int_eq(mkdir(other, 0700), 0);
	DETACH(name, "sh", "-c", h_strf("echo layer > /kept; exec sleep %s", mark));
	for (int i = 0; i < 50 && !h_exists(kept); i++)
		sleep_ms(20);
	ck_assert_msg(h_exists(kept), "%s missing", kept);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *args[] = {cmds[i][0], cmds[i][1], cmds[i][2], NULL};

		h_conti_v(&r, &o, args);
		h_assert_status(&r, 125, cmds[i][0]);
		line = h_error_line(&r);
		ck_assert_msg(strstr(line, "in use") && strstr(line, own), "%s: %s", cmds[i][0],
			      line);
		free(line);
		h_result_free(&r);
	}
	assert_ps_status(&o, name, "running");
	assert_ps_status(NULL, name, "running");
	ck_assert_msg(h_count_procs(mark) > 0, "the container died");
	ck_assert_msg(h_exists(kept), "the layer was touched: %s is gone", kept);
	free(name), free(mark), free(other), free(own), free(env_other), free(kept);
}
END_TEST

/* With /run/user/UID missing (as on CI) and no override, the runtime dir is the user's,
 * whatever XDG_RUNTIME_DIR says: a container run with it set shows running from a shell
 * without it (su), and rm -f there removes it. */
START_TEST(test_runtime_dir_not_from_environment)
{
	char *name = h_unique("xdgsame"), *mark = new_mark();
	const char *with[] = {"CONTI_ROOTLESS_RUNTIME_DIR", NULL};
	const char *without[] = {"CONTI_ROOTLESS_RUNTIME_DIR", "XDG_RUNTIME_DIR", NULL};
	struct h_opts o1 = {.env = with}, o2 = {.env = without};
	struct h_result r, rm;

	CONTI_OPTS(&r, &o1, "run", "-d", "--name", name, H.rootfs, "sleep", mark);
	h_assert_status(&r, 0, "run -d with XDG_RUNTIME_DIR set");
	h_result_free(&r);
	CONTI_OPTS(&r, &o2, "ps", "-a", "--format", PS_SIMPLE);
	ps_simple(&r);
	CONTI_OPTS(&rm, &o2, "rm", "-f", name);
	{
		char *row = ps_row(r.out, name);
		char status[32] = "";

		if (row)
			sscanf(row + strlen(name), " %31s", status);
		ck_assert_msg(!strcmp(status, "running"),
			      "without XDG_RUNTIME_DIR, ps shows '%s' as '%s':\n%s%s", name, status,
			      r.out, r.err);
		free(row);
	}
	h_assert_status(&rm, 0, "rm -f without XDG_RUNTIME_DIR");
	h_assert_no_procs(mark, 3000);
	h_result_free(&r);
	h_result_free(&rm);
	free(name), free(mark);
}
END_TEST

/* The status file of a running container deleted: ps -a still shows it running (from the
 * kernel), exec and kill reach it, stop stops it, and rm -f removes it. */
START_TEST(test_status_file_deleted)
{
	char *name = new_name(), *name2 = new_name(), *mark = new_mark(), *mark2 = new_mark();
	char *own = h_runtime_dir();
	char *state = h_strf("%s/%s/state", own, name), *state2 = h_strf("%s/%s/state", own, name2);
	struct h_result r;

	DETACH(name, "sleep", mark);
	DETACH(name2, "sleep", mark2);
	ck_assert_int_eq(unlink(state), 0);
	ck_assert_int_eq(unlink(state2), 0);
	assert_ps_status(NULL, name, "running");
	CONTI(&r, "exec", name, "true");
	h_assert_status(&r, 0, "exec without a status file");
	h_result_free(&r);
	CONTI(&r, "kill", "-s", "CONT", name);
	h_assert_status(&r, 0, "kill -s CONT without a status file");
	h_result_free(&r);
	CONTI(&r, "stop", "-t", "1", name);
	h_assert_status(&r, 0, "stop without a status file");
	h_result_free(&r);
	h_assert_no_procs(mark, 3000);
	assert_ps_status(NULL, name, "exited");
	CONTI(&r, "rm", "-f", name2);
	h_assert_status(&r, 0, "rm -f without a status file");
	h_result_free(&r);
	h_assert_no_procs(mark2, 3000);
	CONTI(&r, "rm", name);
	h_assert_status(&r, 0, "rm of the stopped one");
	h_result_free(&r);
	h_assert_nothing_left();
	free(name), free(name2), free(mark), free(mark2), free(own), free(state), free(state2);
}
END_TEST

static const char *const damaged_configs[] = {"", "\001\002garbage\nname=\n\377", "x"};

/* A running container's config damaged (empty, garbage): ps -a shows it as damaged, with its
 * PID; rm -f stops and removes it. */
START_TEST(test_config_damaged)
{
	char *name = new_name(), *mark = new_mark();
	char *config = h_strf("%s/conti-rootless/containers/%s/config", H.data, name);
	struct h_result r;
	char *row;

	DETACH(name, "sleep", mark);
	h_write_file(config, damaged_configs[_i], 0600);
	assert_ps_status(NULL, name, "damaged");
	CONTI(&r, "ps", "--format", PS_SIMPLE);
	ps_simple(&r);
	row = ps_row(r.out, name);
	ck_assert_msg(row, "ps (running only) omits the damaged running %s:\n%s", name, r.out);
	free(row);
	h_result_free(&r);
	CONTI(&r, "rm", "-f", name);
	h_assert_status(&r, 0, "rm -f of a damaged container");
	h_result_free(&r);
	h_assert_no_procs(mark, 3000);
	h_assert_nothing_left();
	free(name), free(mark), free(config);
}
END_TEST

/* Entries of dir whose name starts with prefix. */
static int count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += !strncmp(de->d_name, prefix, strlen(prefix));
	if (d)
		closedir(d);
	return n;
}

/* SIGKILL of run, run -d, run --rm and create at random points of set-up (a few dozen
 * times, CONTI_TEST_ITERATIONS for more): after one more command, every container left is
 * listed by ps -a and removed by rm -f, and then nothing is left: no runtime dir without a
 * container, no DATA/containers/.tmp-*, no process but the keeper. */
START_TEST(test_sigkill_during_setup)
{
	const char *iters = getenv("CONTI_TEST_ITERATIONS");
	int n = iters && atoi(iters) > 0 ? atoi(iters) : 60;
	char *containers = h_containers_dir(), *own = h_runtime_dir();
	char *sleep_needle = test_sleep_needle();
	struct h_result r;

	srand((unsigned)getpid());
	for (int i = 0; i < n; i++) {
		/* Not new_name(): more than its 64 names; ps -a below finds and removes them. */
		char *name = h_strf("lc%d-%d-k%d", (int)runner, (int)getpid(), i);
		const char *modes[][2] = {
		    {"run", NULL}, {"run", "-d"}, {"run", "--rm"}, {"create", NULL}};
		const char **m = modes[i % 4];
		const char *argv[] = {h_conti_bin(),
				      m[0],
				      "--name",
				      name,
				      m[1] ? m[1] : "-e",
				      m[1] ? H.rootfs : "A=1",
				      m[1] ? "true" : H.rootfs,
				      m[1] ? NULL : "true",
				      NULL};
		struct h_proc p;

		h_spawn(&p, (char *const *)argv, NULL);
		/* 0 to 3 ms: most of set-up, the name's claim and the layer's making included. */
		usleep((useconds_t)(rand() % 3000));
		kill(p.pid, SIGKILL);
		h_finish(&p, &r, 5000);
		h_result_free(&r);
		free(name);
	}
	/* One more command: its garbage collection takes what the kills left half-made. */
	CONTI(&r, "run", "--rm", H.rootfs, "true");
	h_assert_status(&r, 0, "run --rm after the kills");
	h_result_free(&r);
	ck_assert_msg(count_prefixed(containers, ".tmp-") == 0, "half-made data left in %s",
		      containers);
	CONTI(&r, "ps", "-a", "--format", PS_SIMPLE);
	ps_simple(&r);
	for (int i = 1, lines = h_count_lines(r.out); i < lines; i++) {
		char *line = h_line(r.out, i), name[80] = "";
		struct h_result rm;

		sscanf(line, "%79s", name);
		CONTI(&rm, "rm", "-f", name);
		h_assert_status(&rm, 0, "rm -f of what ps -a lists");
		h_result_free(&rm);
		free(line);
	}
	h_result_free(&r);
	h_assert_nothing_left();
	ck_assert_msg(count_prefixed(containers, ".tmp-") == 0, "half-made data left in %s",
		      containers);
	h_assert_no_procs(sleep_needle, 3000);
	{
		pid_t keeper = h_keeper_pid();
		int others = 0;

		for (int i = 0; i < 30; i++) {
			others =
			    h_count_procs_mentioning(H.base) - (keeper > 0 && h_pid_alive(keeper));
			if (others <= 0)
				break;
			sleep_ms(100);
		}
		ck_assert_msg(others <= 0, "%d processes of the test left besides the keeper",
			      others);
	}
	free(containers), free(own), free(sleep_needle);
}
END_TEST

/* rm of a created container says so and how to remove it (not "is running"); rm of a
 * running one suggests rm -f. */
START_TEST(test_rm_messages)
{
	char *name = new_name(), *name2 = new_name(), *mark = new_mark(), *line;
	struct h_result r;

	CONTI(&r, "create", "--name", name, H.rootfs, "true");
	h_assert_status(&r, 0, "create");
	h_result_free(&r);
	CONTI(&r, "rm", name);
	h_assert_status(&r, 125, "rm of a created container");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "created") && !strstr(line, "running") && strstr(line, "rm -f"),
		      "%s", line);
	free(line);
	h_result_free(&r);
	DETACH(name2, "sleep", mark);
	CONTI(&r, "rm", name2);
	h_assert_status(&r, 125, "rm of a running container");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "running") && strstr(line, "rm -f"), "%s", line);
	free(line);
	h_result_free(&r);
	free(name), free(name2), free(mark);
}
END_TEST

/* ---- a SIGKILLed exec (issue #11) ---- */

/* Iterations of the killed-exec loop: CONTI_EXEC_KILLS, else a few dozen (CI). */
static int exec_kills(void)
{
	const char *n = getenv("CONTI_EXEC_KILLS");

	return n && atoi(n) > 0 ? atoi(n) : 30;
}

/* Waits up to wait_ms for at least n processes of ours with needle in their command line
 * (the front end, the init helper and the command each have the mark). */
static bool wait_procs(const char *needle, int n, int wait_ms)
{
	long long deadline = h_mono_ms() + wait_ms;

	while (h_count_procs(needle) < n && h_mono_ms() < deadline)
		sleep_ms(5);
	return h_count_procs(needle) >= n;
}

/* SIGKILLs the front end p and reaps it (its pipes are closed unread: a command that
 * survived it would hold them). */
static void kill_front_end(struct h_proc *p)
{
	kill(p->pid, SIGKILL);
	while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (p->in >= 0)
		close(p->in);
	close(p->out);
	close(p->err);
	free(p->obuf.s);
	free(p->ebuf.s);
}

/* Zombies in the container whose parent is in it (ppid not 0): one of ours not reaped. */
static void assert_no_zombie_inside(const char *name)
{
	struct h_result r;

	CONTI(&r, "exec", name, "ps", "-o", "stat,ppid,args");
	h_assert_status(&r, 0, "exec ps");
	for (int i = 1; i < h_count_lines(r.out); i++) {
		char *line = h_line(r.out, i), stat[16];
		int ppid = -1;

		if (sscanf(line, "%15s %d", stat, &ppid) == 2)
			ck_assert_msg(stat[0] != 'Z' || ppid == 0,
				      "a zombie of a process in the container: %s\n%s", line,
				      r.out);
		free(line);
	}
	h_result_free(&r);
}

/* Fails the test for an exec (p) whose command did not start in try i, saying what the
 * front end said and what ps -a says of the container. */
static void exec_did_not_start(struct h_proc *p, const char *name, int i)
{
	struct h_result r, ps;

	h_finish(p, &r, 2000);
	CONTI(&ps, "ps", "-a");
	ck_abort_msg("try %d: the exec'd command did not start: exec %s (exit %d%s): %s%s\n"
		     "ps -a:\n%s%s",
		     i, name, r.status, r.timed_out ? ", killed after 2 s more" : "", r.out, r.err,
		     ps.out, ps.err);
}

/* `exec NAME sleep MARK` (or a shell running it, whose child the sleep is), its front end
 * SIGKILLed once the command runs, or at a random point of its set-up: within a second no
 * process of it is left, in any of exec_kills() tries (was: the sleep ran on, 195 of 200,
 * reparented to the container's PID 1). */
START_TEST(test_exec_killed_front_end)
{
	char *name = new_name(), *pid1 = new_mark();
	int n = exec_kills();

	DETACH(name, "sleep", pid1);
	srand((unsigned)getpid());
	for (int i = 0; i < n; i++) {
		char *mark = new_mark(), *shell;
		bool in_shell = i % 2, early = i % 4 >= 2;
		const char *argv[] = {h_conti_bin(), "exec", name, "sleep", NULL, NULL};
		const char *sh_argv[] = {h_conti_bin(), "exec", name, "sh", "-c", NULL, NULL};
		struct h_proc p;

		if (!strcmp(mark, pid1)) { /* marks repeat every 100 */
			free(mark);
			mark = new_mark();
		}
		shell = h_strf("sleep %s; true", mark);
		argv[4] = mark;
		sh_argv[5] = shell;
		h_spawn(&p, (char *const *)(in_shell ? sh_argv : argv), NULL);
		if (early)
			sleep_ms(rand() % 15);
		else if (!wait_procs(mark, in_shell ? 4 : 3, 10000))
			exec_did_not_start(&p, name, i);
		kill_front_end(&p);
		h_assert_no_procs(mark, 1000);
		free(mark), free(shell);
	}
	assert_no_zombie_inside(name);
	free(name), free(pid1);
}
END_TEST

/* ---- the log (issue #11, item 4) ---- */

static long long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* RUNTIME/NAME/FILE (caller frees). */
static char *runtime_file(const char *name, const char *file)
{
	char *runtime = h_runtime_dir(), *path = h_strf("%s/%s/%s", runtime, name, file);

	free(runtime);
	return path;
}

/* A detached container's fd 1 is a pipe to its monitor, not the log: `chmod 0` and
 * `truncate -s 8T` of /proc/self/fd/1 change nothing, and logs shows exactly the output.
 * Before: the log became mode 0 and 8 TiB long (sparse), and logs streamed NULs. */
START_TEST(test_log_untouchable)
{
	char *name = new_name(), *log;
	struct h_result r;
	struct stat sb;

	DETACH(name, "sh", "-c",
	       "echo before; chmod 0 /proc/self/fd/1 /proc/self/fd/2 2>/dev/null;"
	       "truncate -s 8796093022208 /proc/self/fd/1 2>/dev/null; echo after");
	expect_status(name, true, "exited (0)", 10000);
	log = runtime_file(name, "log");
	ck_assert_int_eq(stat(log, &sb), 0);
	ck_assert_msg((sb.st_mode & 07777) == 0600 && sb.st_size == 13,
		      "the log has mode %04o and %lld bytes", (unsigned)(sb.st_mode & 07777),
		      (long long)sb.st_size);
	CONTI(&r, "logs", name);
	h_assert_status(&r, 0, "logs");
	ck_assert_str_eq(r.out, "before\nafter\n");
	h_result_free(&r);
	free(name), free(log);
}
END_TEST

/* 50 MB of output (17-byte lines) with --log-size-max 1m: log and log.1 stay within 512 KiB each,
 * logs shows the last of it (at most 1 MiB, ending with the last line), inspect shows the cap, and
 * a second run (start) keeps it. Before: the option was refused (and the log grew without bound).
 */
START_TEST(test_log_size_max)
{
	char *name = new_name(), *log = runtime_file(name, "log"),
	     *old = runtime_file(name, "log.1");
	const char *const opts[] = {"--log-size-max", "1m", NULL};
	const struct h_opts o = {.timeout_ms = 60000};
	struct h_result r;
	size_t len;

	h_run_detached(name, opts,
		       (const char *const[]){"sh", "-c",
					     "yes 0123456789abcdef | head -c 52428799; "
					     "echo THE-END",
					     NULL});
	for (int run = 0; run < 2; run++) {
		expect_status(name, true, "exited (0)", 60000);
		ck_assert_msg(file_size(log) <= 524288 && file_size(old) == 524288,
			      "run %d: log has %lld bytes, log.1 %lld", run, file_size(log),
			      file_size(old));
		CONTI_OPTS(&r, &o, "logs", name);
		h_assert_status(&r, 0, "logs");
		len = strlen(r.out);
		ck_assert_msg(len > 524288 && len <= 1048576, "logs printed %zu bytes", len);
		ck_assert_msg(len > 30 && !strcmp(r.out + len - 25, "0123456789abcdef\nTHE-END\n"),
			      "logs does not end with the last lines: '%s'", r.out + len - 30);
		h_result_free(&r);
		CONTI(&r, "inspect", name);
		h_assert_status(&r, 0, "inspect");
		ck_assert_msg(strstr(r.out, "\"log_size_max\":1048576"), "inspect: %s", r.out);
		h_result_free(&r);
		if (run == 0) {
			CONTI(&r, "start", name);
			h_assert_status(&r, 0, "start");
			h_result_free(&r);
			expect_status(name, true, "running", 5000);
		}
	}
	free(name), free(log), free(old);
}
END_TEST

/* A size that is not one, or below 8k, is refused with 125 and one line; the default is a
 * finite one (20m), shown by inspect. */
START_TEST(test_log_size_max_option)
{
	const char *bad[] = {"1x", "100", "", "-5", "1mm", "99999999999999999999"};
	char *name = new_name();
	struct h_result r;
	char *line;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CONTI(&r, "run", "--rm", "--log-size-max", bad[i], H.rootfs, "true");
		h_assert_status(&r, 125, bad[i]);
		line = h_error_line(&r);
		ck_assert_msg(strstr(line, "--log-size-max"), "error line: %s", line);
		free(line);
		h_result_free(&r);
	}
	CONTI(&r, "create", "--name", name, H.rootfs, "true");
	h_assert_status(&r, 0, "create");
	h_result_free(&r);
	CONTI(&r, "inspect", name);
	h_assert_status(&r, 0, "inspect");
	ck_assert_msg(strstr(r.out, "\"log_size_max\":20971520"), "inspect: %s", r.out);
	h_result_free(&r);
	free(name);
}
END_TEST

/* logs -f follows the log across its rotations: every line, once, in order, while logs
 * alone shows at most the cap. */
START_TEST(test_log_follow_rotation)
{
	char *name = new_name();
	const char *const opts[] = {"--log-size-max", "16k", NULL};
	const struct h_opts o = {.timeout_ms = 30000};
	struct h_buf want = {0};
	struct h_result r;
	char *text;

	h_run_detached(name, opts,
		       (const char *const[]){"sh", "-c",
					     "i=0; while [ $i -lt 3000 ]; do echo line-$i; "
					     "i=$((i+1)); [ $((i%100)) = 0 ] && sleep 0.05; done;"
					     "echo END",
					     NULL});
	CONTI_OPTS(&r, &o, "logs", "-f", name);
	h_assert_status(&r, 0, "logs -f");
	want.s = h_strf("%s", "");
	for (int i = 0; i < 3000; i++) {
		text = h_strf("%sline-%d\n", want.s, i);
		free(want.s);
		want.s = text;
	}
	text = h_strf("%sEND\n", want.s);
	ck_assert_msg(!strcmp(r.out, text), "logs -f printed %zu bytes, not the %zu written",
		      strlen(r.out), strlen(text));
	h_result_free(&r);
	CONTI(&r, "logs", name);
	h_assert_status(&r, 0, "logs");
	ck_assert_msg(strlen(r.out) <= 16384 && strlen(r.out) > 8192, "logs printed %zu bytes",
		      strlen(r.out));
	ck_assert_msg(!strcmp(r.out, text + strlen(text) - strlen(r.out)),
		      "logs is not the tail of the output");
	h_result_free(&r);
	free(name), free(want.s), free(text);
}
END_TEST

/* ---- the monitor's descriptors (issue #11, item 18) ---- */

/* The detached monitor keeps none of the caller's other descriptors: with `7>&1 | cat`,
 * the pipe reaches EOF as soon as run -d has exited. Before: it stayed open for the
 * container's whole life (the monitor held fd 7). */
START_TEST(test_detach_keeps_no_caller_fd)
{
	char *name = new_name(), *mark = new_mark(), *want = h_strf("%s\n", name);
	const char *argv[] = {h_conti_bin(), "run",   "-d", "--name", name,
			      H.rootfs,	     "sleep", mark, NULL};
	struct pollfd pfd;
	char buf[256] = "";
	size_t got = 0;
	long long exited;
	int p[2], status;
	ssize_t n = 1;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 2);
		dup2(p[1], 1);
		dup2(p[1], 7); /* the shell's 7>&1 */
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	exited = h_mono_ms();
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "run -d: status %d", status);
	pfd = (struct pollfd){.fd = p[0], .events = POLLIN};
	while (n > 0 && poll(&pfd, 1, 3000) == 1) {
		n = read(p[0], buf + got, sizeof(buf) - 1 - got);
		got += n > 0 ? (size_t)n : 0;
	}
	close(p[0]);
	ck_assert_msg(n == 0 && h_mono_ms() - exited < 1000,
		      "the pipe was still open %lld ms after run -d exited", h_mono_ms() - exited);
	ck_assert_str_eq(buf, want);
	free(name), free(mark), free(want);
}
END_TEST

/* ---- removal (issue 11, items 10 and 11) ---- */

/* A shell script making a chain of at least depth dirs at /deep, as a container's code can:
 * 1,025 levels per round (a path of 2,047 bytes), each new round's chain moved on top of
 * the chain so far (a shell cannot cd below PATH_MAX). */
static char *deep_chain_script(int depth)
{
	return h_strf("s=d; i=0; while [ $i -lt 10 ]; do s=$s/$s; i=$((i+1)); done; "
		      "mkdir -p /deep/$s || exit 1; n=1; "
		      "while [ $n -lt %d ]; do "
		      "mkdir -p /t/$s && mv /deep /t/$s/ && mv /t /deep || exit 1; n=$((n+1)); "
		      "done",
		      (depth + 1024) / 1025);
}

/* Waits up to ms for both trash dirs to be empty; true when they are. */
static bool trash_empties(int ms)
{
	char *runtime_trash = h_strf("%s/conti-rootless/.trash", H.runtime);
	char *data_trash = h_strf("%s/conti-rootless/trash", H.data);
	long long deadline = h_mono_ms() + ms;
	bool empty;

	while (!(empty = h_count_entries(runtime_trash) <= 0 && h_count_entries(data_trash) <= 0) &&
	       h_mono_ms() < deadline)
		sleep_ms(50);
	free(runtime_trash), free(data_trash);
	return empty;
}

/* What a failed removal left would crash the harness's own recursive remover: coreutils'
 * rm (which walks any depth) deletes it first. */
static void remove_leftovers(void)
{
	char *dir = h_strf("%s/conti-rootless", H.data);
	char *argv[] = {"rm", "-rf", dir, NULL};
	struct h_result r;

	h_run(&r, &(struct h_opts){.timeout_ms = 120000}, argv);
	h_result_free(&r);
	free(dir);
}

/* A 60,000-deep chain in a container's layer: rm removed it with a stack overflow (rm
 * died of SIGSEGV, every later collection too). Now rm exits 0 and leaves nothing. */
START_TEST(test_rm_deep_tree)
{
	char *name = new_name(), *script = deep_chain_script(60000);
	const char *args[] = {"run", "--name", name, H.rootfs, "sh", "-c", script, NULL};
	struct h_result r;
	bool ok;

	h_conti_v(&r, &(struct h_opts){.timeout_ms = 300000}, args);
	h_assert_status(&r, 0, "run making a 60,000-deep chain");
	h_result_free(&r);
	CONTI_OPTS(&r, &(struct h_opts){.timeout_ms = 300000}, "rm", name);
	ok = r.status == 0 && trash_empties(300000);
	if (!ok)
		remove_leftovers();
	h_assert_status(&r, 0, "rm of a container with a 60,000-deep chain");
	ck_assert_msg(ok, "the trash did not empty after rm");
	h_result_free(&r);
	h_assert_no_containers_left();
	free(name), free(script);
}
END_TEST

/* The same chain made in a --rm container: its background remover (it died of SIGSEGV,
 * and so did every later collection) empties the trash. */
START_TEST(test_run_rm_deep_tree)
{
	char *script = deep_chain_script(60000);
	struct h_result r;
	bool ok;

	CONTI_OPTS(&r, &(struct h_opts){.timeout_ms = 300000}, "run", "--rm", H.rootfs, "sh", "-c",
		   script);
	ok = r.status == 0 && trash_empties(300000);
	if (!ok)
		remove_leftovers();
	h_assert_status(&r, 0, "run --rm making a 60,000-deep chain");
	ck_assert_msg(ok, "the background remover did not empty the trash");
	h_result_free(&r);
	h_assert_no_containers_left();
	free(script);
}
END_TEST

/* 3,000 deep with 64 descriptors: rm failed with EMFILE (one descriptor per level). */
START_TEST(test_rm_deep_tree_few_fds)
{
	char *name = new_name(), *script = deep_chain_script(3000);
	char *argv[] = {"sh", "-c", "ulimit -n 64 && exec \"$0\" rm \"$1\"", (char *)h_conti_bin(),
			name, NULL};
	const char *args[] = {"run", "--name", name, H.rootfs, "sh", "-c", script, NULL};
	struct h_result r;

	h_conti_v(&r, NULL, args);
	h_assert_status(&r, 0, "run making a 3,000-deep chain");
	h_result_free(&r);
	h_run(&r, NULL, argv);
	if (r.status != 0)
		remove_leftovers();
	h_assert_status(&r, 0, "rm of a 3,000-deep chain with ulimit -n 64");
	h_result_free(&r);
	h_assert_no_containers_left();
	free(name), free(script);
}
END_TEST

/* Rounds of the race (CONTI_STRESS_ROUNDS, else 24: a few dozen in CI, more by hand). */
static int stress_rounds(void)
{
	const char *s = getenv("CONTI_STRESS_ROUNDS");

	return s && atoi(s) > 0 ? atoi(s) : 24;
}

/* rm -f of a container with a large layer (3,000 dirs) while another rm -f collects
 * garbage: the collection deleted the first one's grave under it ("open directory ...: No such file
 * or directory", or "a mount point: Resource busy", exit 125). Both must exit 0, nothing left. */
START_TEST(test_rm_races_collection)
{
	static const char fill_script[] = "mkdir /junk && cd /junk && seq 3000 | xargs mkdir && "
					  "seq 3000 | sed s,$,/f, | xargs touch";
	int rounds = stress_rounds();

	for (int round = 0; round < rounds; round++) {
		char *big = new_name(), *small = new_name();
		char *argv_big[] = {(char *)h_conti_bin(), "rm", "-f", big, NULL};
		char *argv_small[] = {(char *)h_conti_bin(), "rm", "-f", small, NULL};
		const char *fill[] = {"run", "--name", big,	    H.rootfs,
				      "sh",  "-c",     fill_script, NULL};
		const char *empty[] = {"run", "--name", small, H.rootfs, "true", NULL};
		struct h_proc p[2];
		struct h_result r;

		h_conti_v(&r, NULL, fill);
		h_assert_status(&r, 0, "run filling a layer");
		h_result_free(&r);
		h_conti_v(&r, NULL, empty);
		h_assert_status(&r, 0, "run true");
		h_result_free(&r);
		h_spawn(&p[0], argv_big, NULL);
		h_spawn(&p[1], argv_small, NULL);
		for (int i = 0; i < 2; i++) {
			h_finish(&p[i], &r, 60000);
			if (r.status != 0)
				ck_abort_msg("round %d: rm -f of the %s container exited %d: %s",
					     round, i ? "empty" : "filled", r.status, r.err);
			h_result_free(&r);
		}
		ck_assert_msg(trash_empties(10000), "round %d: the trash did not empty", round);
		h_assert_no_containers_left();
		free(big), free(small);
	}
}
END_TEST

/* ---- bad input (issue 11, items 19 and 20) ---- */

/* Asserts that r is a refusal: 125, stderr one printable line (no control character but its
 * final newline, at most max bytes). */
static void assert_one_clean_line_status(const struct h_result *r, int status, size_t max,
					 const char *what)
{
	char *line;

	h_assert_status(r, status, what);
	line = h_error_line(r);
	for (const unsigned char *p = (const unsigned char *)r->err; *p; p++)
		ck_assert_msg(*p >= 0x20 || (*p == '\n' && !p[1]),
			      "%s: stderr holds the control character 0x%02x: %s", what, *p,
			      r->err);
	ck_assert_msg(strlen(r->err) <= max, "%s: an error line of %zu bytes", what,
		      strlen(r->err));
	free(line);
}

/* The tool's own failure: 125 and one clean line of at most max bytes. */
static void assert_one_clean_line(const struct h_result *r, size_t max, const char *what)
{
	assert_one_clean_line_status(r, 125, max, what);
}

static const char *const env_file_cases[] = {"/dev/zero", "fifo", "dir", "huge"};

/* --env-file of what is not a small regular file: /dev/zero ate memory without bound (3.6 GB
 * in 6 s), a FIFO hung the open, a directory read as empty, an 8 GiB sparse file was read
 * whole. Each is refused at once with 125 and one line, under a 1 GiB address-space limit. */
START_TEST(test_env_file_refused)
{
	const char *kind = env_file_cases[_i];
	char *path =
	    strcmp(kind, "/dev/zero") ? h_strf("%s/env-%s", H.base, kind) : strdup("/dev/zero");
	char *argv[] = {"sh",
			"-c",
			"ulimit -v 1048576 && exec \"$@\"",
			"sh",
			(char *)h_conti_bin(),
			"run",
			"--rm",
			"--env-file",
			path,
			H.rootfs,
			"true",
			NULL};
	struct h_result r;

	if (!strcmp(kind, "fifo"))
		ck_assert_int_eq(mkfifo(path, 0600), 0);
	else if (!strcmp(kind, "dir"))
		ck_assert_int_eq(mkdir(path, 0700), 0);
	if (!strcmp(kind, "huge")) {
		h_write_file(path, "A=1\n", 0600);
		ck_assert_int_eq(truncate(path, 8LL << 30), 0);
	}
	h_run(&r, &(struct h_opts){.timeout_ms = 10000}, argv);
	ck_assert_msg(!r.timed_out, "--env-file %s: still running after 10 s", kind);
	assert_one_clean_line(&r, 400, kind);
	ck_assert_msg(r.elapsed_ms < 3000, "--env-file %s: refused after %ld ms", kind,
		      r.elapsed_ms);
	h_result_free(&r);
	h_assert_no_containers_left();
	free(path);
}
END_TEST

/* A value of n bytes of c. */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* Error lines echoed raw input: newlines, escape sequences and a 131,000-byte argument
 * reached the terminal. Each of these is refused with 125 and one printable line of at most
 * 600 bytes. */
START_TEST(test_bad_argv_one_line)
{
	char *big = repeat('A', 131000), *bign = repeat('\n', 131000);
	const char *const cases[][8] = {
	    {"run", "--name", "a\nb", H.rootfs, "true", NULL},
	    {"run", "--name", big, H.rootfs, "true", NULL},
	    {"run", "-v", "x\ny", H.rootfs, "true", NULL},
	    {"run", "-v", big, H.rootfs, "true", NULL},
	    {"run", "--bogus\n\x1b[31mred", H.rootfs, NULL},
	    {"run", "-e", "BAD KEY\n=1", H.rootfs, "true", NULL},
	    {"run", "-u", "1\n2", H.rootfs, "true", NULL},
	    {"run", "--overlay", "fu\r\nse", H.rootfs, "true", NULL},
	    {"run", "--overlay", bign, H.rootfs, "true", NULL},
	    {"run", "--env-file", "/nonexistent\nline two", H.rootfs, "true", NULL},
	    {"run", "--env-file", big, H.rootfs, "true", NULL},
	    {"run", "--cap-add", big, H.rootfs, "true", NULL},
	    {"run", "--security-opt", bign, H.rootfs, "true", NULL},
	    {"run", "--rm", "/nonexistent/root\nfs\x07", "true", NULL},
	    {"exec", "na\x1bme", "true", NULL},
	    {"logs", "x\ny", NULL},
	    {"rm", "a\nb", NULL},
	    {"stop", big, NULL},
	    {"kill", "-s", "TE\nRM", "x", NULL},
	    {"bogus\ncommand", NULL},
	    {big, NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[64];
		struct h_result r;

		snprintf(what, sizeof(what), "bad argv case %zu (%s)", i,
			 strlen(cases[i][0]) > 20 ? "long" : cases[i][0]);
		h_conti_v(&r, NULL, cases[i]);
		assert_one_clean_line(&r, 600, what);
		h_result_free(&r);
	}
	h_assert_no_containers_left();
	free(big), free(bign);
}
END_TEST

/* A command that is not in the container, named with control characters or 131,000 bytes:
 * the init helper's 127 line is one clean line too (it printed the name raw). */
START_TEST(test_command_not_found_one_line)
{
	char *big = repeat('A', 131000);
	const char *const names[] = {"no\nsuch\x1b[31m", big, "/no/such\rpath"};
	const int status[] = {127, 126 /* ENAMETOOLONG: it cannot be run */, 127};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *args[] = {"run", "--rm", H.rootfs, names[i], NULL};
		char what[64];
		struct h_result r;

		snprintf(what, sizeof(what), "command not found, case %zu", i);
		h_conti_v(&r, NULL, args);
		assert_one_clean_line_status(&r, status[i], 600, what);
		h_result_free(&r);
	}
	h_assert_no_containers_left();
	free(big);
}
END_TEST

/* A small deterministic generator (the runs are the same each time). */
static unsigned int next_random(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) & 0xffffff;
}

/* Random junk: printable text, control characters, bytes >= 0x80, now and then 131,000
 * bytes of it. */
static char *junk(unsigned int *seed)
{
	size_t n = next_random(seed) % 13 == 0 ? 131000 : next_random(seed) % 40;
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < n; i++) {
		unsigned int r = next_random(seed) % 8;

		s[i] = r == 0	? (char)(1 + next_random(seed) % 31)
		       : r == 1 ? (char)(0x80 + next_random(seed) % 128)
				: (char)(0x20 + next_random(seed) % 95);
	}
	s[n] = '\0';
	return s;
}

/* Fuzzed argument vectors (commands and options of the tool with junk values): every one
 * that ends in 125 says so in one printable line. */
START_TEST(test_fuzzed_argv_one_line)
{
	static const char *const commands[] = {"run",  "create", "exec", "start",   "logs",
					       "stop", "kill",	 "rm",	 "inspect", "ps"};
	static const char *const options[] = {
	    "--name",	      "-v",	  "-e",	   "-u",	"-w",
	    "--overlay",      "--uidmap", "--net", "--cap-add", "--env-file",
	    "--security-opt", "-s",	  "-t",	   "--tmpfs",	"--hostname"};
	unsigned int seed = 11;
	int rounds = 60, refused = 0;

	for (int round = 0; round < rounds; round++) {
		const char *args[16];
		char *owned[16];
		int n = 0, k = 0;
		struct h_result r;
		char what[64];

		args[n++] = commands[next_random(&seed) % 10];
		for (int i = 0, m = (int)(next_random(&seed) % 4); i < m; i++) {
			args[n++] = options[next_random(&seed) % 15];
			args[n++] = owned[k++] = junk(&seed);
		}
		args[n++] = owned[k++] = junk(&seed);
		args[n] = NULL;
		h_conti_v(&r, &(struct h_opts){.timeout_ms = 10000}, args);
		snprintf(what, sizeof(what), "fuzzed argv %d (%s)", round, args[0]);
		if (r.status == 125) {
			assert_one_clean_line(&r, 600, what);
			refused++;
		}
		h_result_free(&r);
		while (k > 0)
			free(owned[--k]);
	}
	ck_assert_msg(refused > rounds / 2, "only %d of %d fuzzed vectors refused", refused,
		      rounds);
	h_assert_no_containers_left();
}
END_TEST

/* The message of a command that takes one NAME given two. */
START_TEST(test_exactly_one_name_message)
{
	struct h_result r;
	char *line;

	CONTI(&r, "logs", "a", "b");
	h_assert_status(&r, 125, "logs with two names");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "give exactly one container NAME"), "%s", line);
	h_result_free(&r);
	free(line);
}
END_TEST

/* ---- the suite ---- */

/* ---- ps as docker's: ids, -q, --filter, --no-trunc, an aligned table, id prefixes ---- */

/* The stdout of `conti-rootless ARGS...`, asserting exit 0 (caller frees). */
static char *conti_out(const char *const *args)
{
	struct h_result r;
	char *out;

	h_conti_v(&r, NULL, args);
	h_assert_status(&r, 0, args[0]);
	out = r.out;
	r.out = NULL;
	h_result_free(&r);
	return out;
}
#define OUT(...) conti_out((const char *const[]){__VA_ARGS__, NULL})

/* True when line is n lowercase hex digits. */
static bool is_hex_id(const char *line, size_t n)
{
	return strlen(line) == n && strspn(line, "0123456789abcdef") == n;
}

/* `create --name NAME ROOTFS CMD...` of a new name, asserting exit 0; returns the name. */
static char *created_container(const char *cmd)
{
	char *name = new_name();
	struct h_result r;

	CONTI(&r, "create", "--name", name, H.rootfs, "sh", "-c", cmd);
	h_assert_status(&r, 0, "create");
	h_result_free(&r);
	return name;
}

/* `run --name NAME ROOTFS sh -c CMD` (kept: no --rm) of a new name, asserting it exited
 * with code; returns the name. */
static char *exited_container(const char *cmd, int code)
{
	char *name = new_name();
	struct h_result r;

	CONTI(&r, "run", "--name", name, H.rootfs, "sh", "-c", cmd);
	h_assert_status(&r, code, "run");
	h_result_free(&r);
	return name;
}

/* `ps -q` prints the short ids of the running containers only, one a line; -a those of all;
 * --no-trunc the full ids (64 hex digits), which start with the short ones and are the
 * "id" of the JSON objects (was: -q an unknown option). */
START_TEST(test_ps_quiet_ids)
{
	char *run = sleeping_container(), *made = created_container("true");
	char *done = exited_container("true", 0);
	char *q = OUT("ps", "-q"), *all = OUT("ps", "-a", "-q");
	char *full = OUT("ps", "-a", "-q", "--no-trunc"),
	     *json = OUT("ps", "-a", "--format", "json");
	char *obj = json_find_named(json, run), *id;

	ck_assert_msg(h_count_lines(q) == 1, "ps -q with one running container:\n%s", q);
	ck_assert_msg(h_count_lines(all) == 3 && h_count_lines(full) == 3,
		      "ps -a -q with three containers:\n%s\n--no-trunc:\n%s", all, full);
	for (int i = 0; i < 3; i++) {
		char *s = h_line(all, i), *f = h_line(full, i);

		ck_assert_msg(is_hex_id(s, 12), "ps -a -q line %d is not a short id: '%s'", i, s);
		ck_assert_msg(is_hex_id(f, 64), "ps -a -q --no-trunc line %d: '%s'", i, f);
		ck_assert_msg(!strncmp(f, s, 12), "full id %s does not start with %s", f, s);
		free(s), free(f);
	}
	ck_assert_msg(obj, "no JSON object for %s:\n%s", run, json);
	id = json_need(obj, "id");
	ck_assert_msg(is_hex_id(id, 64) && !strncmp(id, q, 12) && strstr(full, id),
		      "JSON id '%s', ps -q '%s', ps -a -q --no-trunc:\n%s", id, q, full);
	free(run), free(made), free(done), free(q), free(all), free(full), free(json), free(obj);
	free(id);
}
END_TEST

/* The names `ps ARGS... --format {{.Names}}` prints, as one line "a b c" (sorted). */
#define NAMES(...) names_line(OUT("ps", __VA_ARGS__, "--format", "{{.Names}}"))
static char *names_line(char *out)
{
	char *line = h_strf("%s", "");

	for (int i = 0, n = h_count_lines(out); i < n; i++) {
		char *l = h_line(out, i), *next = h_strf("%s%s%s", line, *line ? " " : "", l);

		free(line), free(l);
		line = next;
	}
	free(out);
	return line;
}

/* --filter status= and name= select as docker's do: values of one key or'ed, keys and'ed, a
 * status filter lists more than running ones; STATUS reads "Up ...", "Exited (3) ... ago",
 * "Created"; an unknown status is refused with one line, 125 (was: --filter unknown). */
START_TEST(test_ps_filters)
{
	char *run = sleeping_container(), *made = created_container("true");
	char *done = exited_container("exit 3", 3);
	char *re = h_strf("name=^%s$", made), *both = h_strf("%s %s", made, run);
	char *sub = h_strf("name=%s", done + strlen(done) - 4), *got, *status;
	char *run_name = h_strf("name=%s", run);
	struct h_result r;

	got = NAMES("--filter", "status=running");
	ck_assert_str_eq(got, run);
	free(got);
	got = NAMES("--filter", "status=exited"); /* no -a: the filter asks for exited ones */
	ck_assert_str_eq(got, done);
	free(got);
	got = NAMES("-a", "--filter", "status=created");
	ck_assert_str_eq(got, made);
	free(got);
	got = NAMES("-a", "--filter", "status=created", "--filter", "status=running");
	ck_assert_msg(strstr(got, run) && strstr(got, made) && strlen(got) == strlen(both),
		      "status=created or running: '%s'", got);
	free(got);
	got = NAMES("-a", "--filter", re);
	ck_assert_str_eq(got, made);
	free(got);
	got = NAMES("-a", "--filter", sub);
	ck_assert_str_eq(got, done);
	free(got);
	got = NAMES("-a", "--filter", run_name, "--filter", "status=exited");
	ck_assert_str_eq(got, "");
	free(got);
	got = NAMES("-a", "-f", run_name);
	ck_assert_str_eq(got, run);
	free(got);
	status = OUT("ps", "-a", "--filter", "status=exited", "--format", "{{.Status}}");
	ck_assert_msg(!strncmp(status, "Exited (3) ", 11) && strstr(status, " ago\n"),
		      "STATUS of an exited container: '%s'", status);
	free(status);
	status = OUT("ps", "--format", "{{.Status}}|{{.State}}");
	ck_assert_msg(!strncmp(status, "Up ", 3) && strstr(status, "|running\n"),
		      "STATUS of a running container: '%s'", status);
	free(status);
	status = OUT("ps", "-a", "--filter", "status=created", "--format", "{{.Status}}");
	ck_assert_str_eq(status, "Created\n");
	free(status);
	CONTI(&r, "ps", "--filter", "status=sleeping");
	h_assert_status(&r, 125, "ps --filter status=sleeping");
	free(h_error_line(&r));
	h_result_free(&r);
	free(run), free(made), free(done), free(re), free(both), free(sub), free(run_name);
}
END_TEST

/* line with each "…" as one byte, so that offsets are columns (caller frees). */
static char *columns_of(const char *line)
{
	char *out = strdup(line), *o = out;

	ck_assert(out);
	for (const char *p = line; *p;) {
		if (!strncmp(p, "…", strlen("…"))) {
			*o++ = '~';
			p += strlen("…");
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

/* Asserts that every row of table has each cell where its header's column starts. */
static void assert_aligned(const char *table)
{
	static const char *const heads[] = {"IMAGE",  "COMMAND", "CREATED",
					    "STATUS", "PID",	 "NAMES"}; /* PORTS may be empty */
	char *header = h_line(table, 0);

	for (int i = 1, n = h_count_lines(table); i < n; i++) {
		char *raw = h_line(table, i), *row = columns_of(raw);

		for (size_t c = 0; c < sizeof(heads) / sizeof(heads[0]); c++) {
			size_t off = (size_t)(strstr(header, heads[c]) - header);

			ck_assert_msg(strlen(row) > off && row[off - 1] == ' ' && row[off] != ' ',
				      "column %s (at %zu) is not aligned on line %d:\n%s", heads[c],
				      off, i, table);
		}
		free(raw), free(row);
	}
	free(header);
}

/* The table stays aligned with a rootfs path of over 150 characters and a long command: both cut
 * with "…" (COMMAND to 20 columns, quoted, as docker); --no-trunc shows them whole, still
 * aligned (was: a 30-wide %s that a long path pushed out of line). */
START_TEST(test_ps_table_aligned)
{
	char *longdir = h_strf("%s/%0150d-rootfs", H.base, 0), *name = new_name();
	char *mark = new_mark(), *pad = h_strf("%0100d", 7), *table, *whole, *line;
	char *other = sleeping_container(), *done = exited_container("exit 0", 0);
	struct h_result r;

	for (char *p = strrchr(longdir, '/') + 1; *p == '0'; p++)
		*p = 'r';
	/* the rootfs moved to the long path (run keeps it resolved), and a link back */
	ck_assert_msg(rename(H.rootfs, longdir) == 0 && symlink(longdir, H.rootfs) == 0,
		      "move %s to %s", H.rootfs, longdir);
	CONTI(&r, "run", "-d", "--name", name, longdir, "sh", "-c", "exec sleep \"$0\"", mark, pad);
	h_assert_status(&r, 0, "run -d with a long rootfs path");
	h_result_free(&r);
	table = OUT("ps", "-a");
	assert_aligned(table);
	ck_assert_msg(!strstr(table, longdir) && strstr(table, "…"),
		      "the long rootfs is not cut with a marker:\n%s", table);
	line = table_line(table, name);
	ck_assert_msg(line && strstr(line, "\"sh -c exec sleep \"$…\""),
		      "COMMAND is not cut to 20 columns, quoted:\n%s", table);
	free(line);
	whole = OUT("ps", "-a", "--no-trunc");
	assert_aligned(whole);
	ck_assert_msg(strstr(whole, longdir) && strstr(whole, pad) && !strstr(whole, "…"),
		      "--no-trunc cuts:\n%s", whole);
	free(longdir), free(name), free(mark), free(pad), free(table), free(whole), free(other);
	free(done);
}
END_TEST

/* NAME operands also take a container's id or a unique prefix of it, as docker's: inspect,
 * exec and stop by a prefix; a prefix that starts several ids is refused with one line,
 * 125, and nothing is stopped or removed (was: "no container named ..."). */
START_TEST(test_id_prefix)
{
	char *name = sleeping_container(), *filter = h_strf("name=^%s$", name);
	char *id = OUT("ps", "-q", "--no-trunc", "--filter", filter), *out, *ids, *line;
	char prefix[9], first[2] = "";
	char *made[17];
	int n = 0;
	struct h_result r;

	snprintf(prefix, sizeof(prefix), "%s", id);
	out = OUT("inspect", prefix);
	line = h_strf("\"name\":\"%s\"", name);
	ck_assert_msg(strstr(out, line), "inspect %s:\n%s", prefix, out);
	free(out), free(line);
	CONTI(&r, "exec", prefix, "echo", "in");
	h_assert_status(&r, 0, "exec by an id prefix");
	ck_assert_str_eq(r.out, "in\n");
	h_result_free(&r);
	CONTI(&r, "stop", "-t", "1", prefix);
	h_assert_status(&r, 0, "stop by an id prefix");
	h_result_free(&r);
	expect_status(name, true, "exited*", 5000);
	/* two ids that start alike: among 17 containers two share their first digit */
	do {
		made[n++] = created_container("true");
		ids = OUT("ps", "-a", "-q", "--filter", "status=created");
		for (int i = 0, k = h_count_lines(ids); i < k && !first[0]; i++) {
			line = h_line(ids, i);
			for (int j = i + 1; j < k && !first[0]; j++) {
				char *other = h_line(ids, j);

				if (other[0] == line[0])
					first[0] = line[0];
				free(other);
			}
			free(line);
		}
		free(ids);
	} while (!first[0] && n < 17);
	ck_assert_msg(first[0], "no two of 17 ids start alike");
	CONTI(&r, "rm", first);
	h_assert_status(&r, 125, "rm of an ambiguous id prefix");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "ids of"), "the error does not say the prefix is ambiguous: %s",
		      line);
	free(line);
	h_result_free(&r);
	ids = OUT("ps", "-a", "-q", "--filter", "status=created");
	ck_assert_msg(h_count_lines(ids) == n, "rm of an ambiguous prefix removed some:\n%s", ids);
	free(ids);
	for (int i = 0; i < n; i++)
		free(made[i]);
	free(name), free(filter), free(id);
}
END_TEST

/* A container made by an earlier version has no id in its config: it gets one derived from
 * its name and creation time, the same at every ps, and usable as a prefix. */
START_TEST(test_id_of_older_container)
{
	char *name = created_container("true");
	char *config = h_strf("%s/conti-rootless/containers/%s/config", H.data, name);
	char *text = h_read_file(config), *idline, *id1, *id2, *out, prefix[11];

	ck_assert(text);
	idline = strstr(text, "\nid=");
	ck_assert_msg(idline, "no id= line in the config:\n%s", text);
	memmove(idline + 1, strchr(idline + 1, '\n') + 1, strlen(strchr(idline + 1, '\n') + 1) + 1);
	h_write_file(config, text, 0600);
	id1 = OUT("ps", "-a", "-q", "--no-trunc");
	id2 = OUT("ps", "-a", "-q", "--no-trunc");
	ck_assert_msg(h_count_lines(id1) == 1 && is_hex_id(strtok(id1, "\n"), 64),
		      "derived id: '%s'", id1);
	ck_assert_str_eq(id1, strtok(id2, "\n"));
	snprintf(prefix, sizeof(prefix), "%s", id1);
	out = OUT("inspect", prefix);
	ck_assert_msg(strstr(out, name), "inspect by a derived id's prefix:\n%s", out);
	free(name), free(config), free(text), free(id1), free(id2), free(out);
}
END_TEST

/* After a reboot (the runtime dir wiped), an exited container's STATUS still says how long
 * ago it ended, from the exit code kept with its data (was: "Exited (3)" alone). */
START_TEST(test_ps_exited_after_reboot)
{
	char *done = exited_container("exit 3", 3), *keep = sleeping_container(), *status;
	char *filter = h_strf("name=^%s$", done);
	struct h_result r;

	CONTI(&r, "stop", keep); /* it kept the keeper up; the reboot kills that */
	h_assert_status(&r, 0, "stop");
	h_result_free(&r);
	wipe_runtime();
	status = OUT("ps", "-a", "--filter", filter, "--format", "{{.Status}}");
	ck_assert_msg(!strncmp(status, "Exited (3) ", 11) && strstr(status, " ago\n"),
		      "STATUS after a reboot: '%s'", status);
	free(done), free(keep), free(status), free(filter);
}
END_TEST

static TCase *tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, lc_case_setup, lc_case_teardown);
	tcase_add_checked_fixture(tc, lc_setup, lc_teardown);
	if (!getenv("CK_DEFAULT_TIMEOUT"))
		tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tc;
}

/* ---- the keeper found by what can be verified (#11 items 13, 14) ---- */

/* Live keepers of ours for H's runtime dir (command line "conti-rootless-keeper RUNTIME"). */
static int count_keepers(void)
{
	char *marker = h_strf("conti-rootless-keeper %s/conti-rootless", H.runtime);
	int n = h_count_procs(marker);

	free(marker);
	return n;
}

#define KILLED_KEEPER_ROUNDS 10
#define KILLED_KEEPER_RUNS 20
#define KILLED_KEEPER_BURST 8 /* started 1 ms apart: one of them lands in the window */

/* kill -9 of the keeper, then at once (the keeper not yet reaped: it may still pass the
 * liveness checks while its namespaces are going) KILLED_KEEPER_RUNS `run --rm true`,
 * the first KILLED_KEEPER_BURST side by side, started 1 ms apart: every one exits 0, with
 * nothing on stderr, and one keeper is left. ~1000 mounts in the keeper's namespace (a recursive
 * bind doubled ten times, as many containers' handles would) make its exit last ~10 ms, the window
 * the runs must hit. On main a join of the dying keeper failed: "join the keeper (pid N): No such
 * process", exit 125. */
START_TEST(test_keeper_killed_runs_at_once)
{
	char *argv[] = {(char *)h_conti_bin(), "run", "--rm", H.rootfs, "true", NULL};
	char *m = h_strf("%s/conti-rootless/.m", H.runtime), *first = NULL;
	char *mounts = h_strf("mkdir -p %s && mount -t tmpfs t %s && mkdir %s/a && for i in 1 2 3 "
			      "4 5 6 7 8 9 10; do mount --rbind %s %s/a || exit 1; done",
			      m, m, m, m, m);
	int failed = 0;

	for (int round = 0; round < KILLED_KEEPER_ROUNDS; round++) {
		struct h_proc p[KILLED_KEEPER_BURST];
		struct h_result r;
		pid_t keeper;

		CONTI(&r, "run", "--rm", H.rootfs, "true");
		h_assert_status(&r, 0, "run --rm true");
		h_result_free(&r);
		CONTI(&r, "unshare", "sh", "-c", mounts);
		h_assert_status(&r, 0, "unshare: ~1000 mounts in the keeper's namespace");
		h_result_free(&r);
		keeper = h_keeper_pid();
		ck_assert_msg(keeper > 0, "no keeper pid");
		ck_assert_int_eq(kill(keeper, SIGKILL), 0);
		for (int i = 0; i < KILLED_KEEPER_BURST; i++) {
			h_spawn(&p[i], argv, NULL);
			sleep_ms(1);
		}
		for (int i = 0; i < KILLED_KEEPER_RUNS; i++) {
			if (i < KILLED_KEEPER_BURST)
				h_finish(&p[i], &r, 0);
			else
				h_run(&r, NULL, argv);
			if (r.status != 0 || r.err[0]) {
				if (!first)
					first = h_strf("round %d, run %d: exit %d: %s", round, i,
						       r.status, r.err);
				failed++;
			}
			h_result_free(&r);
		}
		ck_assert_msg(h_wait_pid_gone(keeper, 2000), "keeper %d survived", (int)keeper);
	}
	ck_assert_msg(failed == 0, "%d of %d runs after kill -9 of the keeper failed, first: %s",
		      failed, KILLED_KEEPER_ROUNDS * KILLED_KEEPER_RUNS, first);
	ck_assert_int_eq(count_keepers(), 1);
	free(first), free(m), free(mounts);
}
END_TEST

/* What .keeper.pid is turned into, in a row, each followed by `run --rm true`. */
enum garbage {
	GARBAGE_BYTES,
	GARBAGE_HUGE,
	GARBAGE_OTHER_PROCESS,
	GARBAGE_OTHER_USER,
	GARBAGE_DIRECTORY,
	GARBAGE_SYMLINK_FIFO,
	GARBAGE_KINDS
};

static const char *const garbage_names[GARBAGE_KINDS] = {"random bytes",
							 "a 16 MiB file",
							 "a record naming a sleep of ours",
							 "a record naming root's PID 1",
							 "a directory",
							 "a symlink to a FIFO"};

/* A record as the keeper's, naming pid with its true start time and user namespace. */
static char *forged_record(pid_t pid)
{
	char *path = h_strf("/proc/%d/stat", (int)pid), *line = h_read_file(path), *p;
	char *nspath = h_strf("/proc/%d/ns/user", (int)pid), *text;
	unsigned long long start = 0;
	struct stat ns;

	ck_assert_msg(line && (p = strrchr(line, ')')), "read %s", path);
	ck_assert(sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu",
			 &start) == 1);
	if (stat(nspath, &ns) < 0)
		ns.st_ino = 4026531837; /* another user's: the initial user namespace's inode */
	text = h_strf("%d\nstart=%llu\nuserns=%llu\nmode=1\nsubids=x\ninit=x\n"
		      "uidmap=0 %u 1\ngidmap=0 %u 1\n",
		      (int)pid, start, (unsigned long long)ns.st_ino, (unsigned)getuid(),
		      (unsigned)getgid());
	free(path), free(line), free(nspath);
	return text;
}

static void write_garbage(const char *pidfile, enum garbage kind, pid_t sleeper)
{
	char *text = NULL;

	h_rm_rf(pidfile);
	switch (kind) {
	case GARBAGE_BYTES: {
		int fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		unsigned char buf[4096];

		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (unsigned char)(i * 7919 + 13);
		ck_assert(fd >= 0 && write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
		close(fd);
		return;
	}
	case GARBAGE_HUGE: {
		int fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		ck_assert(fd >= 0 && ftruncate(fd, 16 << 20) == 0 && write(fd, "4242\n", 5) == 5);
		close(fd);
		return;
	}
	case GARBAGE_OTHER_PROCESS:
		text = forged_record(sleeper);
		break;
	case GARBAGE_OTHER_USER:
		text = forged_record(1);
		break;
	case GARBAGE_DIRECTORY: {
		char *inside = h_strf("%s/x", pidfile);

		ck_assert_int_eq(mkdir(pidfile, 0700), 0);
		h_write_file(inside, "1\n", 0600);
		free(inside);
		return;
	}
	case GARBAGE_SYMLINK_FIFO: {
		char *fifo = h_strf("%s/keeper-fifo", H.base);

		unlink(fifo);
		ck_assert_int_eq(mkfifo(fifo, 0600), 0);
		ck_assert_int_eq(symlink(fifo, pidfile), 0);
		free(fifo);
		return;
	}
	default:
		return;
	}
	h_write_file(pidfile, text, 0600);
	free(text);
}

/* .keeper.pid turned into garbage (GARBAGE_KINDS kinds in a row), each followed by
 * `run --rm true`: every run exits 0 with nothing on stderr (the damaged record is
 * replaced, silently), exactly one keeper of ours lives after each, and the processes the
 * garbage named are neither signalled nor joined (the sleep lives on). On main the old
 * keeper stayed alive each time (5 keepers after 4 corruptions), and the FIFO hung it. */
START_TEST(test_keeper_record_garbage)
{
	char *pidfile = h_strf("%s/conti-rootless/.keeper.pid", H.runtime), *mark = new_mark();
	char *argv[] = {"sleep", mark, NULL};
	struct h_result r;
	struct h_proc p;
	int status;

	h_spawn(&p, argv, NULL);
	CONTI(&r, "run", "--rm", H.rootfs, "true");
	h_assert_status(&r, 0, "run --rm true");
	h_result_free(&r);
	ck_assert_int_eq(count_keepers(), 1);
	for (int kind = 0; kind < GARBAGE_KINDS; kind++) {
		write_garbage(pidfile, (enum garbage)kind, p.pid);
		CONTI_OPTS(&r, &(struct h_opts){.timeout_ms = 10000}, "run", "--rm", H.rootfs,
			   "true");
		ck_assert_msg(r.status == 0 && !r.err[0],
			      "run --rm true after .keeper.pid became %s: exit %d%s, stderr: %s",
			      garbage_names[kind], r.status, r.timed_out ? " (hung)" : "", r.err);
		h_result_free(&r);
		ck_assert_msg(count_keepers() == 1,
			      "%d keepers of ours after .keeper.pid became %s", count_keepers(),
			      garbage_names[kind]);
		ck_assert_msg(waitpid(p.pid, &status, WNOHANG) == 0,
			      "the sleep that .keeper.pid named was signalled");
	}
	kill(p.pid, SIGKILL);
	h_finish(&p, &r, 5000);
	h_result_free(&r);
	free(pidfile), free(mark);
}
END_TEST

static void add_run_cases(Suite *s)
{
	TCase *tc = tcase(s, "detach");

	tcase_add_test(tc, test_detach_prints_name_and_returns);
	tcase_add_test(tc, test_detach_survives_closed_stdio);
	tcase_add_test(tc, test_detach_survives_terminal_hangup);
	tcase_add_test(tc, test_detach_logs);
	tcase_add_test(tc, test_detach_logs_follow);
	tc = tcase(s, "exec");
	tcase_add_test(tc, test_exec_sees_pid1_files);
	tcase_add_test(tc, test_exec_hostname);
	tcase_add_test(tc, test_exec_ps_sees_pid1);
	tcase_add_loop_test(tc, test_exec_exit_status, 0,
			    sizeof(exec_exit_cases) / sizeof(exec_exit_cases[0]));
	tcase_add_test(tc, test_exec_env);
	tcase_add_test(tc, test_exec_workdir);
	tcase_add_test(tc, test_exec_user);
	tcase_add_test(tc, test_exec_stdin);
	tcase_add_test(tc, test_exec_tty_on_terminal);
	tcase_add_test(tc, test_exec_tty_without_terminal);
	tcase_add_test(tc, test_exec_not_running);
	tc = tcase(s, "ps");
	tcase_add_test(tc, test_ps_no_containers);
	tcase_add_test(tc, test_ps_table);
	tcase_add_test(tc, test_ps_list_alias);
	tcase_add_test(tc, test_ps_json);
	tcase_add_test(tc, test_inspect);
	tcase_add_test(tc, test_ps_exited);
	tc = tcase(s, "stop");
	tcase_add_test(tc, test_stop_sigterm);
	tcase_add_test(tc, test_stop_timeout_sigkill);
	tcase_add_test(tc, test_kill_signal_reaches_trap);
	tcase_add_test(tc, test_rm_running_refused);
	tcase_add_test(tc, test_rm_force_running);
	tcase_add_test(tc, test_rm_force_running_rm);
	tcase_add_test(tc, test_rm_exited);
	tcase_add_test(tc, test_detach_rm_removes_itself);
	tc = tcase(s, "create");
	tcase_add_test(tc, test_create_then_start);
	tcase_add_test(tc, test_start_attach);
	tcase_add_test(tc, test_start_exited_again);
	tc = tcase(s, "log");
	tcase_add_test(tc, test_log_untouchable);
	tcase_add_test(tc, test_log_size_max);
	tcase_add_test(tc, test_log_size_max_option);
	tcase_add_test(tc, test_log_follow_rotation);
	tcase_add_test(tc, test_detach_keeps_no_caller_fd);
}

static void add_keeper_cases(Suite *s)
{
	TCase *tc = tcase(s, "handles");

	tcase_add_test(tc, test_handles_mounted_in_unshare);
	tcase_add_test(tc, test_handles_net_none);
	tcase_add_test(tc, test_handles_plain_files_on_host);
	tcase_add_test(tc, test_unshare_nsenter_hostname);
	tcase_add_test(tc, test_unshare_nsenter_pid);
	tcase_add_test(tc, test_unshare_lsns);
	tcase_add_test(tc, test_unshare_default_shell);
	tcase_add_test(tc, test_unshare_exit_status);
	tc = tcase(s, "keeper");
	tcase_add_test(tc, test_keeper_killed_container_runs);
	tcase_add_test(tc, test_keeper_killed_handles_work);
	tcase_add_test(tc, test_keeper_killed_dead_container_exited);
	tcase_add_test(tc, test_keeper_pid_foreign_process);
	tcase_add_test(tc, test_keeper_exits_when_runtime_removed);
	tc = tcase(s, "reboot");
	tcase_add_test(tc, test_reboot_stopped_container_restarts);
	tcase_add_test(tc, test_reboot_killed_container_restarts);
	tc = tcase(s, "concurrency");
	tcase_add_test(tc, test_parallel_distinct_names);
	tcase_add_test(tc, test_parallel_same_name);
	tc = tcase(s, "killed_front_end");
	tcase_add_test(tc, test_killed_front_end);
	tc = tcase(s, "bad_names");
	tcase_add_loop_test(tc, test_unknown_container, 0,
			    sizeof(unknown_cases) / sizeof(unknown_cases[0]));
	tcase_add_loop_test(tc, test_names_like_own_files, 0,
			    sizeof(own_file_names) / sizeof(own_file_names[0]));
	tc = tcase(s, "exec_killed");
	tcase_add_test(tc, test_exec_killed_front_end);
	tc = tcase(s, "keeper_verified");
	tcase_add_test(tc, test_keeper_killed_runs_at_once);
	tcase_add_test(tc, test_keeper_record_garbage);
}

static void add_state_cases(Suite *s)
{
	TCase *tc = tcase(s, "state");

	tcase_add_test(tc, test_data_lock_two_runtime_dirs);
	tcase_add_test(tc, test_runtime_dir_not_from_environment);
	tcase_add_test(tc, test_status_file_deleted);
	tcase_add_loop_test(tc, test_config_damaged, 0,
			    sizeof(damaged_configs) / sizeof(damaged_configs[0]));
	tcase_add_test(tc, test_rm_messages);
	tc = tcase(s, "killed_setup");
	tcase_add_test(tc, test_sigkill_during_setup);
}

static void add_removal_cases(Suite *s)
{
	TCase *tc = tcase(s, "removal");

	/* A 60,000-deep tree takes ~10 s to make and as long to delete, on a busy disk minutes. */
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, test_rm_deep_tree);
	tcase_add_test(tc, test_run_rm_deep_tree);
	tcase_add_test(tc, test_rm_deep_tree_few_fds);
	tcase_add_test(tc, test_rm_races_collection);
	tc = tcase(s, "bad_input");
	tcase_add_loop_test(tc, test_env_file_refused, 0,
			    sizeof(env_file_cases) / sizeof(env_file_cases[0]));
	tcase_add_test(tc, test_bad_argv_one_line);
	tcase_add_test(tc, test_command_not_found_one_line);
	tcase_add_test(tc, test_fuzzed_argv_one_line);
	tcase_add_test(tc, test_exactly_one_name_message);
}

static void add_ps_cases(Suite *s)
{
	TCase *tc = tcase(s, "ps-docker");

	tcase_add_test(tc, test_ps_quiet_ids);
	tcase_add_test(tc, test_ps_filters);
	tcase_add_test(tc, test_ps_table_aligned);
	tcase_add_test(tc, test_id_prefix);
	tcase_add_test(tc, test_id_of_older_container);
	tcase_add_test(tc, test_ps_exited_after_reboot);
}

/* ==== issue 12: --init=false, the command as PID 1 ==== */

/* --init=false makes the command PID 1 and returns its exit code, 127 when it is missing;
 * the default (--init, --init=true) keeps the init as PID 1, with the command below it. A
 * signal a PID 1 has no handler for is ignored (the kernel's rule), so `kill -TERM $$`
 * ends the shell under the init (143) and not as PID 1. On the old code --init=false was
 * an unknown option (125). */
START_TEST(test_init_false_pid1)
{
	static const char *const script = "echo $$; kill -TERM $$; echo survived; exit 7";
	static const char *const dflt[][1] = {{NULL}, {"--init"}, {"--init=true"}};
	struct h_result r;

	CONTI(&r, "run", "--rm", "--init=false", H.rootfs, "sh", "-c", script);
	h_assert_status(&r, 7, "--init=false sh -c 'echo $$; ...; exit 7'");
	ck_assert_str_eq(r.out, "1\nsurvived\n");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--init=false", H.rootfs, "cat", "/proc/1/cmdline");
	h_assert_status(&r, 0, "--init=false cat /proc/1/cmdline");
	ck_assert_str_eq(r.out, "cat");
	ck_assert_int_eq(memcmp(r.out, "cat\0/proc/1/cmdline", 20), 0);
	h_result_free(&r);
	for (int i = 0; i < 3; i++) {
		const char *argv[8] = {"run", "--rm"};
		int n = 2;

		if (dflt[i][0])
			argv[n++] = dflt[i][0];
		argv[n++] = H.rootfs;
		argv[n++] = "sh";
		argv[n++] = "-c";
		argv[n++] = "tr '\\0' ' ' < /proc/1/cmdline; echo; echo $$; kill -TERM $$; echo no";
		argv[n] = NULL;
		h_conti_v(&r, NULL, argv);
		h_assert_status(&r, 143, dflt[i][0] ? dflt[i][0] : "the default");
		ck_assert_msg(!strncmp(r.out, "conti-rootless-init -- sh -c ", 29) &&
				  strstr(r.out, "\n2\n") && !strstr(r.out, "no\n"),
			      "%s: PID 1 is not the init: %s", dflt[i][0] ? dflt[i][0] : "default",
			      r.out);
		h_result_free(&r);
	}
	CONTI(&r, "run", "--rm", "--init=false", H.rootfs, "no-such-command");
	h_assert_status(&r, 127, "--init=false no-such-command");
	ck_assert_msg(strstr(r.err, "no-such-command: command not found"), "stderr: %s", r.err);
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--init=no", H.rootfs, "true");
	h_assert_status(&r, 125, "--init=no");
	ck_assert_msg(strstr(r.err, "--init takes true or false"), "stderr: %s", r.err);
	h_result_free(&r);
	h_assert_nothing_left();
}
END_TEST

/* stop of a --init=false container: a PID 1 without a TERM handler ignores SIGTERM (as
 * `kill -s TERM` shows), so stop waits the grace period and SIGKILLs it: exited (137); one
 * that traps TERM ends at once with its own code. exec works beside it, and `start` runs
 * it again with the saved --init=false. On the old code --init=false was refused. */
START_TEST(test_init_false_stop)
{
	char *name = new_name(), *name2 = new_name(), *mark = new_mark(), *out;
	char *script = h_strf("trap 'exit 3' TERM; while :; do sleep %s & wait $!; done", mark);
	struct h_result r;

	DETACH_OPTS(name, ((const char *const[]){"--init=false", NULL}), "sleep", mark);
	DETACH_OPTS(name2, ((const char *const[]){"--init=false", NULL}), "sh", "-c", script);
	out = exec_until_ok(name, (const char *const[]){"cat", "/proc/1/cmdline", NULL}, 5000);
	ck_assert_msg(!strcmp(out, "sleep") && !strcmp(out + 6, mark), "PID 1: %s", out);
	free(out);
	CONTI(&r, "kill", "-s", "TERM", name);
	h_assert_status(&r, 0, "kill -s TERM");
	h_result_free(&r);
	sleep_ms(300);
	expect_status(name, false, "running", 0);
	CONTI(&r, "stop", "-t", "1", name);
	h_assert_status(&r, 0, "stop -t 1");
	ck_assert_msg(r.elapsed_ms >= 900 && r.elapsed_ms < 6000,
		      "stop -t 1 of a PID 1 without handler took %ld ms", r.elapsed_ms);
	h_result_free(&r);
	expect_status(name, true, "exited (137)", 3000);
	CONTI(&r, "stop", "-t", "20", name2);
	h_assert_status(&r, 0, "stop -t 20 of a shell that traps TERM");
	ck_assert_msg(r.elapsed_ms < 5000, "stop took %ld ms", r.elapsed_ms);
	h_result_free(&r);
	expect_status(name2, true, "exited (3)", 3000);
	CONTI(&r, "start", name);
	h_assert_status(&r, 0, "start");
	h_result_free(&r);
	out = exec_until_ok(name, (const char *const[]){"cat", "/proc/1/cmdline", NULL}, 5000);
	ck_assert_msg(!strcmp(out, "sleep"), "PID 1 after start: %s", out);
	free(out);
	CONTI(&r, "kill", name);
	h_assert_status(&r, 0, "kill");
	h_result_free(&r);
	expect_status(name, true, "exited (137)", 3000);
	free(name), free(name2), free(mark), free(script);
}
END_TEST

/* Pids (up to max) of processes of any user whose whole command line is cmd (words joined
 * by spaces): the container's, which run as subordinate ids. */
static int procs_running(const char *cmd, pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	ck_assert(d);
	while ((de = readdir(d)) && n < max) {
		char *path, line[256];
		ssize_t len;
		int fd;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		path = h_strf("/proc/%s/cmdline", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		free(path);
		len = fd < 0 ? -1 : read(fd, line, sizeof(line) - 1);
		if (fd >= 0)
			close(fd);
		if (len <= 0)
			continue;
		line[len] = '\0';
		for (ssize_t i = 0; i + 1 < len; i++)
			line[i] = line[i] ? line[i] : ' ';
		if (!strcmp(line, cmd))
			pids[n++] = (pid_t)atoi(de->d_name);
	}
	closedir(d);
	return n;
}

/* A --init=false container whose command changed user (-u 1000:1000, which clears the
 * parent-death signal the front end set) still dies with its front end killed by SIGKILL.
 * On the first --init=false code the sleep went on running. */
START_TEST(test_init_false_front_end_killed)
{
	char *name = new_name(), *mark = new_mark(), *cmd = h_strf("sleep %s", mark);
	char *argv[] = {(char *)h_conti_bin(),
			"run",
			"--name",
			name,
			"--init=false",
			"-u",
			"1000:1000",
			H.rootfs,
			"sleep",
			mark,
			NULL};
	long long deadline = h_mono_ms() + 10000;
	struct h_proc p;
	pid_t pids[4];
	int n = 0;

	if (!own_subid_range("/etc/subuid")) {
		h_skip("test_init_false_front_end_killed: uid 1000 needs a subordinate range");
		free(name), free(mark), free(cmd);
		return;
	}
	h_spawn(&p, argv, NULL);
	while (procs_running(cmd, pids, 4) == 0 && h_mono_ms() < deadline)
		sleep_ms(20);
	ck_assert_msg(procs_running(cmd, pids, 4) == 1, "the container's sleep did not start");
	kill_front_end(&p);
	deadline = h_mono_ms() + 3000;
	while ((n = procs_running(cmd, pids, 4)) > 0 && h_mono_ms() < deadline)
		sleep_ms(20);
	for (int i = 0; i < n; i++) {
		char *pid = h_strf("%d", (int)pids[i]);
		struct h_result r;

		CONTI(&r, "unshare", "kill", "-9", pid); /* a subordinate id's: not ours to kill */
		h_result_free(&r);
		free(pid);
	}
	ck_assert_msg(n == 0, "the --init=false command (uid 1000) outlived its killed front end");
	free(name), free(mark), free(cmd);
}
END_TEST

static void add_issue12_cases(Suite *s)
{
	TCase *tc = tcase(s, "issue12_init");

	tcase_add_test(tc, test_init_false_pid1);
	tcase_add_test(tc, test_init_false_stop);
	tcase_add_test(tc, test_init_false_front_end_killed);
}

int main(void)
{
	const char *only = getenv("CK_RUN_CASE");
	Suite *s = suite_create("lifecycle");
	SRunner *sr;
	int failed;

	runner = getpid();
	add_run_cases(s);
	add_keeper_cases(s);
	add_state_cases(s);
	add_removal_cases(s);
	add_ps_cases(s);
	add_issue12_cases(s);
	sr = srunner_create(s);
	srunner_run(sr, NULL, only && *only ? only : NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
