/* Unit tests: config.json's hooks parsed (bad entries named) and run (state on stdin, only
 * the hook's env, none of our fds, a timeout that kills, a failure naming phase and path). */
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/hooks.h"
#include "utils.h"

static char tmpdir[] = "/tmp/conti-hooks-XXXXXX";

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	struct cr_error err = {0};

	cr_rm_rf(tmpdir, &err);
	strcpy(tmpdir, "/tmp/conti-hooks-XXXXXX");
}

/* Parses text as a hooks object; returns parse's result, err filled. */
static int parse(const char *text, struct oci_hooks *h, struct cr_error *err)
{
	struct json_object *o = json_tokener_parse(text);
	int ret;

	ck_assert_ptr_nonnull(o);
	ret = oci_hooks_parse(o, h, err);
	json_object_put(o);
	return ret;
}

/* A list of one hook: /bin/sh -c script, env as given (NULL: none). */
static void one_sh(struct oci_hook_list *l, const char *script, const char *env, int timeout)
{
	l->n = 1;
	l->v = cr_xcalloc(1, sizeof(*l->v));
	l->v[0].path = cr_xstrdup("/bin/sh");
	strv_push(&l->v[0].args, "sh");
	strv_push(&l->v[0].args, "-c");
	strv_push(&l->v[0].args, script);
	if (env)
		strv_push(&l->v[0].env, env);
	l->v[0].timeout = timeout;
}

static void list_free(struct oci_hook_list *l)
{
	struct oci_hooks h = {.poststop = *l};

	oci_hooks_free(&h);
	memset(l, 0, sizeof(*l));
}

static char *slurp(const char *name)
{
	static char buf[65536];
	char path[256];
	struct cr_error err = {0};

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if (cr_read_file(path, buf, sizeof(buf), &err) < 0)
		return NULL;
	return buf;
}

START_TEST(parse_all_phases)
{
	struct oci_hooks h;
	struct cr_error err = {0};

	ck_assert_int_eq(parse("{\"prestart\":[{\"path\":\"/a\"}],"
			       "\"createRuntime\":[{\"path\":\"/b\",\"args\":[\"b\",\"1\"],"
			       "\"env\":[\"X=1\"],\"timeout\":5}],"
			       "\"createContainer\":[{\"path\":\"/c\"},{\"path\":\"/c2\"}],"
			       "\"startContainer\":[{\"path\":\"/d\"}],\"poststart\":null,"
			       "\"poststop\":[{\"path\":\"/f\"}],\"somethingNew\":1}",
			       &h, &err),
			 0);
	ck_assert_uint_eq(h.prestart.n, 1);
	ck_assert_str_eq(h.prestart.v[0].path, "/a");
	ck_assert_uint_eq(h.prestart.v[0].args.n, 0);
	ck_assert_int_eq(h.prestart.v[0].timeout, 0);
	ck_assert_uint_eq(h.create_runtime.n, 1);
	ck_assert_uint_eq(h.create_runtime.v[0].args.n, 2);
	ck_assert_str_eq(h.create_runtime.v[0].args.v[1], "1");
	ck_assert_str_eq(h.create_runtime.v[0].env.v[0], "X=1");
	ck_assert_int_eq(h.create_runtime.v[0].timeout, 5);
	ck_assert_uint_eq(h.create_container.n, 2);
	ck_assert_str_eq(h.create_container.v[1].path, "/c2");
	ck_assert_uint_eq(h.start_container.n, 1);
	ck_assert_uint_eq(h.poststart.n, 0);
	ck_assert_uint_eq(h.poststop.n, 1);
	oci_hooks_free(&h);
	ck_assert_uint_eq(h.poststop.n, 0);
	ck_assert_ptr_null(h.poststop.v);
}
END_TEST

START_TEST(parse_refuses_bad_entries)
{
	static const struct {
		const char *json, *named;
	} bad[] = {
	    {"[]", "hooks: not an object"},
	    {"{\"prestart\":{}}", "hooks.prestart: not an array"},
	    {"{\"poststop\":[1]}", "hooks.poststop[0]: not an object"},
	    {"{\"poststop\":[{}]}", "hooks.poststop[0].path: missing"},
	    {"{\"poststop\":[{\"path\":\"rel/x\"}]}", "hooks.poststop[0].path: not an absolute"},
	    {"{\"poststop\":[{\"path\":\"/a\"},{\"path\":\"/b\",\"args\":[1]}]}",
	     "hooks.poststop[1].args[0]: not a string"},
	    {"{\"poststart\":[{\"path\":\"/a\",\"env\":\"X=1\"}]}",
	     "hooks.poststart[0].env: not an array"},
	    {"{\"prestart\":[{\"path\":\"/a\",\"timeout\":0}]}", "hooks.prestart[0].timeout"},
	    {"{\"prestart\":[{\"path\":\"/a\",\"timeout\":-3}]}", "hooks.prestart[0].timeout"},
	    {"{\"prestart\":[{\"path\":\"/a\",\"timeout\":\"5\"}]}", "hooks.prestart[0].timeout"},
	    {"{\"prestart\":[{\"path\":\"/a\",\"timeout\":1.5}]}", "hooks.prestart[0].timeout"},
	    {"{\"prestart\":[{\"path\":\"/a\",\"timeout\":99999999999}]}",
	     "hooks.prestart[0].timeout"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct oci_hooks h;
		struct cr_error err = {0};

		ck_assert_msg(parse(bad[i].json, &h, &err) == -1, "%s parsed", bad[i].json);
		ck_assert_msg(strstr(err.msg, bad[i].named), "%s: %s", bad[i].json, err.msg);
		/* nothing left allocated: the lists are empty after a failure */
		ck_assert_uint_eq(h.poststop.n + h.prestart.n + h.poststart.n, 0);
	}
}
END_TEST

START_TEST(state_on_stdin)
{
	const char *state = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\","
			    "\"pid\":42,\"bundle\":\"/b\"}";
	struct oci_hook_list l;
	struct cr_error err = {0};
	char script[512];

	snprintf(script, sizeof(script), "cat > %s/state", tmpdir);
	one_sh(&l, script, NULL, 0);
	ck_assert_int_eq(oci_hooks_run(&l, "prestart", state, &err), 0);
	ck_assert_str_eq(slurp("state"), state);
	list_free(&l);
}
END_TEST

/* A state larger than a pipe holds, to a hook that reads none of it and exits 0: no SIGPIPE
 * kills us, no write blocks forever. */
START_TEST(hook_ignoring_stdin)
{
	size_t n = 1 << 20;
	char *state = cr_xmalloc(n + 1);
	struct oci_hook_list l;
	struct cr_error err = {0};

	memset(state, 'x', n);
	state[n] = '\0';
	one_sh(&l, "exit 0", NULL, 10);
	ck_assert_int_eq(oci_hooks_run(&l, "poststart", state, &err), 0);
	/* and one reading half of it, then sleeping: the timeout still counts */
	list_free(&l);
	one_sh(&l, "head -c 1000 >/dev/null; sleep 5", NULL, 1);
	ck_assert_int_eq(oci_hooks_run(&l, "poststart", state, &err), -1);
	ck_assert_msg(strstr(err.msg, "timeout"), "%s", err.msg);
	free(state);
	list_free(&l);
}
END_TEST

START_TEST(only_its_env_and_no_fd_of_ours)
{
	struct oci_hook_list l;
	struct cr_error err = {0};
	char script[512];
	int p[2];

	/* a descriptor of ours that is not close-on-exec: the hook must not get it */
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(dup2(p[0], 42), 42);
	setenv("CONTI_SECRET", "leak", 1);
	snprintf(script, sizeof(script),
		 "env > %s/env; if [ -e /proc/self/fd/42 ]; then echo fd42 leaked; exit 9; fi",
		 tmpdir);
	one_sh(&l, script, "ONLY=this", 0);
	ck_assert_msg(oci_hooks_run(&l, "createRuntime", "{}", &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(slurp("env"), "ONLY=this\n"));
	ck_assert_ptr_null(strstr(slurp("env"), "CONTI_SECRET"));
	ck_assert_ptr_null(strstr(slurp("env"), "HOME="));
	close(42);
	close(p[0]);
	close(p[1]);
	list_free(&l);
}
END_TEST

/* True when pid is gone or a zombie waiting for its parent. */
static bool dead(pid_t pid)
{
	char path[64], buf[512], *rp;
	struct cr_error err = {0};

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (cr_read_file(path, buf, sizeof(buf), &err) < 0)
		return true;
	rp = strrchr(buf, ')');
	return rp && (rp[2] == 'Z' || rp[2] == 'X');
}

START_TEST(timeout_kills_the_hook_and_its_children)
{
	struct oci_hook_list l;
	struct cr_error err = {0};
	unsigned long long t0 = cr_now_ns();
	char script[512];
	unsigned long child;
	char *pidtext;

	snprintf(script, sizeof(script), "sleep 60 & echo $! > %s/pid; wait", tmpdir);
	one_sh(&l, script, NULL, 1);
	ck_assert_int_eq(oci_hooks_run(&l, "createRuntime", "{}", &err), -1);
	ck_assert_msg(cr_now_ns() - t0 < 5000000000ULL, "took %llu ms",
		      (cr_now_ns() - t0) / 1000000);
	ck_assert_msg(cr_now_ns() - t0 >= 900000000ULL, "took %llu ms",
		      (cr_now_ns() - t0) / 1000000);
	ck_assert_msg(strstr(err.msg, "createRuntime hook /bin/sh") &&
			  strstr(err.msg, "timeout of 1 s (killed)"),
		      "%s", err.msg);
	pidtext = slurp("pid");
	ck_assert_ptr_nonnull(pidtext);
	pidtext[strcspn(pidtext, "\n")] = '\0';
	ck_assert(cr_parse_ulong(pidtext, &child));
	for (int i = 0; i < 100 && !dead((pid_t)child); i++)
		usleep(10000);
	ck_assert_msg(dead((pid_t)child), "the hook's child %lu lives on", child);
	list_free(&l);
}
END_TEST

START_TEST(failure_names_phase_path_and_output)
{
	struct oci_hook_list l;
	struct cr_error err = {0};

	one_sh(&l, "echo first; echo 'no network here' >&2; exit 3", NULL, 0);
	ck_assert_int_eq(oci_hooks_run(&l, "poststop", "{}", &err), -1);
	ck_assert_str_eq(err.msg, "poststop hook /bin/sh: exited with status 3: first\n"
				  "no network here");
	list_free(&l);

	one_sh(&l, "kill -TERM $$", NULL, 0);
	ck_assert_int_eq(oci_hooks_run(&l, "startContainer", "{}", &err), -1);
	ck_assert_msg(strstr(err.msg, "startContainer hook /bin/sh: killed by signal 15"), "%s",
		      err.msg);
	list_free(&l);

	/* a hook's huge output is cut in the message */
	one_sh(&l, "yes | head -c 100000; exit 1", NULL, 0);
	ck_assert_int_eq(oci_hooks_run(&l, "poststop", "{}", &err), -1);
	ck_assert_uint_lt(strlen(err.msg), 700);
	ck_assert_msg(strstr(err.msg, "y\ny\n") && strstr(err.msg, "..."), "%s", err.msg);
	list_free(&l);
}
END_TEST

START_TEST(missing_hook_and_order)
{
	struct oci_hooks h;
	struct cr_error err = {0};
	char json[1024];

	/* the first fails: the second never runs */
	snprintf(json, sizeof(json),
		 "{\"prestart\":[{\"path\":\"/nonexistent/hook\"},"
		 "{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"touch %s/second\"]}]}",
		 tmpdir);
	ck_assert_int_eq(parse(json, &h, &err), 0);
	ck_assert_int_eq(oci_hooks_run(&h.prestart, "prestart", "{}", &err), -1);
	ck_assert_msg(strstr(err.msg, "prestart hook /nonexistent/hook: cannot run it"), "%s",
		      err.msg);
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_ptr_null(slurp("second"));
	oci_hooks_free(&h);

	/* in order: each appends its name */
	snprintf(json, sizeof(json),
		 "{\"poststart\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"echo 1 >> "
		 "%s/order\"]},{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"echo 2 >> "
		 "%s/order\"]}]}",
		 tmpdir, tmpdir);
	ck_assert_int_eq(parse(json, &h, &err), 0);
	ck_assert_int_eq(oci_hooks_run(&h.poststart, "poststart", "{}", &err), 0);
	ck_assert_str_eq(slurp("order"), "1\n2\n");
	/* no hooks: nothing to do */
	ck_assert_int_eq(oci_hooks_run(&h.poststop, "poststop", "{}", &err), 0);
	oci_hooks_free(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oci_hooks");
	TCase *tc = tcase_create("hooks");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, parse_all_phases);
	tcase_add_test(tc, parse_refuses_bad_entries);
	tcase_add_test(tc, state_on_stdin);
	tcase_add_test(tc, hook_ignoring_stdin);
	tcase_add_test(tc, only_its_env_and_no_fd_of_ours);
	tcase_add_test(tc, timeout_kills_the_hook_and_its_children);
	tcase_add_test(tc, failure_names_phase_path_and_output);
	tcase_add_test(tc, missing_hook_and_order);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
