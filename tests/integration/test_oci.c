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
#include <sys/stat.h>
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
static char *bundle(enum mode m, const char *name, const char *args_json)
{
	char *dir = h_strf("%s/%s", H.base, name);
	char *cfg = h_strf("%s/config.json", dir);
	char *userns = h_strf(",\"uidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":1}],"
			      "\"gidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":1}]",
			      (unsigned)getuid(), (unsigned)getgid());
	char *text = h_strf(
	    "{\"ociVersion\":\"1.0.2\",\"process\":{\"terminal\":false,"
	    "\"user\":{\"uid\":0,\"gid\":0},\"args\":%s,"
	    "\"env\":[\"PATH=/usr/local/bin:/usr/bin:/bin\",\"TERM=xterm\"],\"cwd\":\"/\","
	    "\"noNewPrivileges\":true},"
	    "\"root\":{\"path\":\"%s\",\"readonly\":false},\"hostname\":\"oci-test\","
	    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
	    "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
	    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
	    "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\"]},"
	    "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
	    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]}],"
	    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"
	    "{\"type\":\"mount\"}%s]%s,"
	    "\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"]}}",
	    args_json, H.rootfs, m == DIRECT ? ",{\"type\":\"user\"}" : "",
	    m == DIRECT ? userns : "");

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

/* run: the process's exit status, 128+N for signal N; the container removed after. */
START_TEST(test_run_status)
{
	enum mode m = (enum mode)_i;
	char *b = bundle(m, "b1", "[\"sh\",\"-c\",\"echo in-$(hostname); exit 3\"]");
	char *k = bundle(m, "b2", "[\"sh\",\"-c\",\"kill -9 $$\"]");
	struct h_result r;

	rt(&r, m, "run", "--bundle", b, "r1", NULL);
	h_assert_status(&r, 3, "run exit 3");
	ck_assert_msg(strstr(r.out, "in-oci-test") != NULL, "no output of the container: %s",
		      r.out);
	h_result_free(&r);
	rt(&r, m, "run", "--bundle", k, "r2", NULL);
	h_assert_status(&r, 137, "run killed by SIGKILL");
	h_result_free(&r);
	assert_root_empty();
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
	ck_assert_int_eq(r.status, 127);
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
	char *b = bundle(m, "b1", "[\"sh\",\"-c\",\"trap '' TERM; sleep 1000 & wait\"]");
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
	/* TERM is ignored by the shell (PID 1) but kills its sleep: the shell's wait returns */
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
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
