/* test_limits_attacks.c - the container's own cgroup (issue #16) under attack, as an
 * unprivileged user: a container given CAP_SYS_ADMIN that nests a deep tree of sub-cgroups
 * in its cgroup still leaves nothing behind at rm; one sharing the host's network (whose /sys
 * is the host's, bound) cannot move out of its cgroup; a state file whose cgroup= names a
 * sibling container's cgroup does not make rm kill that sibling.
 * Each case needs the delegated cgroup v2 subtree (a cgroup= line in the state): SKIP with
 * the reason where there is none.
 *
 * Environment: CONTI_BIN, CONTI_MKROOTFS, CONTI_CGABUSE (set by meson); CK_RUN_CASE=NAME.
 */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static pid_t runner;

/* The value of KEY= in RUNTIME/NAME/state (malloc'd), NULL when missing. */
static char *state_get(const char *name, const char *key)
{
	char *rt = h_runtime_dir(), *path = h_strf("%s/%s/state", rt, name);
	char *text = h_read_file(path), *needle = h_strf("\n%s=", key), *at, *v = NULL;

	if (text && !strncmp(text, needle + 1, strlen(needle) - 1))
		at = text - 1;
	else
		at = text ? strstr(text, needle) : NULL;
	if (at) {
		at += strlen(needle);
		v = h_strf("%.*s", (int)strcspn(at, "\n"), at);
	}
	free(rt), free(path), free(text), free(needle);
	return v;
}

/* The container's recorded cgroup, waiting for the state to have it; NULL (the case skips)
 * where the host delegates none. */
static char *cgroup_of_container(const char *name)
{
	for (int i = 0; i < 100; i++) {
		char *cg = state_get(name, "cgroup"), *pid = state_get(name, "pid");

		free(pid);
		if (cg)
			return cg;
		if (pid && i > 10)
			return NULL; /* running, and no cgroup: none is delegated */
		usleep(50000);
	}
	return NULL;
}

/* The v2 cgroup of pid ("/user.slice/..."), malloc'd; NULL when it is gone. */
static char *cgroup_of_pid(pid_t pid)
{
	char *path = h_strf("/proc/%d/cgroup", (int)pid), *text = h_read_file(path), *at, *v = NULL;

	at = text ? strstr(text, "0::") : NULL;
	if (at)
		v = h_strf("%.*s", (int)strcspn(at + 3, "\n"), at + 3);
	free(path), free(text);
	return v;
}

/* Whether the host's cgroup2 mount has nsdelegate (systemd mounts it so; tests/run-all
 * remounts it so): only then does the kernel keep a cgroup namespace's processes inside it. */
static bool nsdelegate(void)
{
	char *text = h_read_file("/proc/self/mountinfo"), *line, *save = NULL;
	bool on = false;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !on;
	     line = strtok_r(NULL, "\n", &save))
		on = strstr(line, " - cgroup2 ") && strstr(line, "nsdelegate");
	free(text);
	return on;
}

static void copy_cgabuse(void)
{
	char *dst = h_strf("%s/cgabuse", H.rootfs);

	h_copy_file(getenv("CONTI_CGABUSE"), dst, 0755);
	free(dst);
}

/* A container with CAP_SYS_ADMIN mounts cgroup2 in a cgroup namespace of its own and nests
 * 40 sub-cgroups in its cgroup (the kernel's default cgroup.max.depth is unlimited): rm -f
 * removes the container's cgroup whole. Before: remove_children stopped at 32 levels, the
 * rmdir of the top got EBUSY, and the cgroup stayed behind for good (the sweep takes only
 * empty top-level ones). */
START_TEST(test_deep_subcgroups)
{
	char *name = h_new_name("deep", runner), *cg, *mon;
	const char *opts[] = {"--cap-add", "SYS_ADMIN", NULL};
	struct h_result r;
	struct h_proc p;
	struct stat st;
	char *argv[] = {(char *)h_conti_bin(), "exec", name, "/cgabuse", "deep", "40", NULL};

	copy_cgabuse();
	h_run_detached(name, opts, (const char *const[]){"sleep", "1000", NULL});
	cg = cgroup_of_container(name);
	if (!cg) {
		h_remove_names();
		h_skip("no delegated cgroup v2 subtree: the container has no cgroup to nest in");
		free(name);
		return;
	}
	mon = state_get(name, "monitor");
	h_spawn(&p, argv, NULL);
	ck_assert_msg(h_wait_output(&p, "DEPTH", 20000), "cgabuse deep did not report");
	ck_assert_msg(stat(cg, &st) == 0, "the container's cgroup %s is not there", cg);
	h_conti(&r, &(struct h_opts){.timeout_ms = 20000}, "rm", "-f", name, NULL);
	h_assert_status(&r, 0, "rm -f");
	h_result_free(&r);
	h_finish(&p, &r, 10000);
	fprintf(stderr, "cgabuse deep 40: %s", r.out);
	h_result_free(&r);
	ck_assert_msg(stat(cg, &st) != 0,
		      "rm -f left the cgroup %s behind (sub-cgroups nested by the container)", cg);
	if (mon)
		ck_assert_msg(h_wait_pid_gone(atoi(mon), 5000), "the monitor is still there");
	h_remove_names();
	free(cg), free(mon), free(name);
}
END_TEST

/* --net host binds the host's /sys, with its cgroup mounts, read-only; the container's root
 * given CAP_SYS_ADMIN remounts the cgroup2 one read-write and moves itself into its cgroup's
 * parent, out of its limits. It must stay in its cgroup: the kernel refuses the move out of a
 * cgroup namespace where the mount has nsdelegate, and the container now has one of its own
 * (before, in ours, it moved out even there). Without nsdelegate nothing in the kernel stops
 * it: SKIP with the reason (it breaks on this hybrid host). */
START_TEST(test_nethost_escape)
{
	char *name = h_new_name("esc", runner), *cg, *pid, *in, *leaf;
	const char *opts[] = {"--net", "host", "--cap-add", "SYS_ADMIN", NULL};
	struct h_result r;

	copy_cgabuse();
	h_run_detached(name, opts, (const char *const[]){"sleep", "1000", NULL});
	cg = cgroup_of_container(name);
	if (!cg) {
		h_remove_names();
		h_skip("no delegated cgroup v2 subtree: the container has no cgroup to leave");
		free(name);
		return;
	}
	if (!nsdelegate()) {
		h_remove_names();
		h_skip("the host's cgroup2 mount lacks nsdelegate: a container given CAP_SYS_ADMIN "
		       "and --net host moves out of its cgroup there (check warns of it; "
		       "mount -o remount,nsdelegate fixes it)");
		free(cg), free(name);
		return;
	}
	h_conti(&r, NULL, "exec", name, "/cgabuse", "escape", NULL);
	pid = state_get(name, "pid");
	in = pid ? cgroup_of_pid(atoi(pid)) : NULL;
	/* removed before the verdict: an escaped process must not outlive a failed case */
	h_remove_names();
	h_assert_status(&r, 0, "exec /cgabuse escape");
	ck_assert_msg(!strstr(r.out, "ESCAPED"),
		      "the container moved a process out of its cgroup %s:\n%s", cg, r.out);
	ck_assert_msg(strstr(r.out, "HELD"), "cgabuse escape did not finish: %s", r.out);
	leaf = h_strf("%s/container", strrchr(cg, '/'));
	ck_assert_msg(in && strlen(in) > strlen(leaf) &&
			  !strcmp(in + strlen(in) - strlen(leaf), leaf),
		      "PID 1 is in %s, not in %s's leaf", in ? in : "?", cg);
	h_result_free(&r);
	free(leaf), free(in), free(pid), free(cg), free(name);
}
END_TEST

/* Two containers; the first one's runner is killed (monitor, then PID 1), and its state's
 * cgroup= is made to name the second one's cgroup (the user's own file, but rm must not take
 * it blindly): rm -f of the first leaves the second running, in its cgroup. */
START_TEST(test_state_names_sibling)
{
	char *a = h_new_name("sa", runner), *b = h_new_name("sb", runner);
	char *cga, *cgb, *rt, *state, *text, *at, *forged, *mon, *pid, *pidb;
	struct h_result r;
	struct stat st;

	h_run_detached(a, NULL, (const char *const[]){"sleep", "1000", NULL});
	h_run_detached(b, NULL, (const char *const[]){"sleep", "1000", NULL});
	cga = cgroup_of_container(a);
	cgb = cgroup_of_container(b);
	if (!cga || !cgb) {
		h_remove_names();
		h_skip("no delegated cgroup v2 subtree: no sibling cgroup to aim at");
		free(cga), free(cgb), free(a), free(b);
		return;
	}
	mon = state_get(a, "monitor");
	pid = state_get(a, "pid");
	pidb = state_get(b, "pid");
	ck_assert_ptr_nonnull(mon);
	ck_assert_ptr_nonnull(pid);
	ck_assert_ptr_nonnull(pidb);
	kill(atoi(mon), SIGKILL);
	h_wait_pid_gone(atoi(mon), 5000);
	kill(atoi(pid), SIGKILL);
	h_wait_pid_gone(atoi(pid), 5000);
	rt = h_runtime_dir();
	state = h_strf("%s/%s/state", rt, a);
	text = h_read_file(state);
	ck_assert_ptr_nonnull(text);
	at = strstr(text, cga);
	ck_assert_msg(at, "the state does not record %s:\n%s", cga, text);
	forged = h_strf("%.*s%s%s", (int)(at - text), text, cgb, at + strlen(cga));
	h_write_file(state, forged, 0600);
	h_conti(&r, &(struct h_opts){.timeout_ms = 20000}, "rm", "-f", a, NULL);
	h_result_free(&r);
	ck_assert_msg(stat(cgb, &st) == 0, "rm -f %s removed %s's cgroup %s", a, b, cgb);
	ck_assert_msg(h_pid_alive(atoi(pidb)), "rm -f %s killed %s's PID 1", a, b);
	h_conti(&r, NULL, "exec", b, "true", NULL);
	h_assert_status(&r, 0, "exec in the sibling");
	h_result_free(&r);
	h_remove_names();
	free(cga), free(cgb), free(rt), free(state), free(text), free(forged), free(mon);
	free(pid), free(pidb), free(a), free(b);
}
END_TEST

int main(void)
{
	const char *only = getenv("CK_RUN_CASE");
	Suite *s = suite_create("limits-attacks");
	TCase *tc = h_tcase("attacks");
	SRunner *sr;
	int failed;

	runner = getpid();
	tcase_add_test(tc, test_deep_subcgroups);
	tcase_add_test(tc, test_nethost_escape);
	tcase_add_test(tc, test_state_names_sibling);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run(sr, NULL, only && *only ? only : NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
