/* Unit tests: names, the runtime dir check, and the state-dir life cycle
 * (claim, name taken, remove, garbage of killed --rm runs). */
#include "unit.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"
#include "utils.h"

static char tmpdir[64];
static struct cr_paths paths;

static void setup(void)
{
	struct cr_error err;
	char *runtime, *data;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cr-state-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	runtime = cr_xasprintf("%s/run", tmpdir);
	data = cr_xasprintf("%s/data", tmpdir);
	mkdir(runtime, 0700);
	setenv("XDG_RUNTIME_DIR", runtime, 1);
	setenv("XDG_DATA_HOME", data, 1);
	ck_assert_int_eq(state_paths_init(&paths, &err), 0);
	free(runtime);
	free(data);
}

static void teardown(void)
{
	struct cr_error err;

	state_paths_free(&paths);
	cr_rm_rf(tmpdir, &err);
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* True when RUNTIME/name exists. */
static bool in_runtime(const char *name)
{
	char *p = cr_xasprintf("%s/%s", paths.runtime, name);
	bool e = exists(p);

	free(p);
	return e;
}

START_TEST(names)
{
	struct cr_error err;
	char buf[32];

	ck_assert_int_eq(state_validate_name("web", &err), 0);
	ck_assert_int_eq(state_validate_name("a.b-c_d9", &err), 0);
	ck_assert_int_eq(state_validate_name("0", &err), 0);
	ck_assert_int_eq(state_validate_name("", &err), -1);
	ck_assert_int_eq(state_validate_name("-a", &err), -1);
	ck_assert_int_eq(state_validate_name(".hidden", &err), -1);
	ck_assert_int_eq(state_validate_name("a/b", &err), -1);
	ck_assert_int_eq(state_validate_name("a b", &err), -1);
	ck_assert_int_eq(
	    state_validate_name("a1234567890123456789012345678901234567890123456789012345678901234",
				&err),
	    -1);
	state_generate_name(buf, sizeof(buf));
	ck_assert_int_eq(state_validate_name(buf, &err), 0);
}
END_TEST

START_TEST(runtime_dir_rules)
{
	char *d = cr_xasprintf("%s/rt", tmpdir);

	ck_assert_str_eq(state_runtime_dir_problem(NULL, getuid()), "it is not set");
	ck_assert_str_eq(state_runtime_dir_problem("rel", getuid()), "it is not an absolute path");
	ck_assert_str_eq(state_runtime_dir_problem(d, getuid()), "it does not exist");
	mkdir(d, 0755);
	chmod(d, 0755);
	ck_assert_str_eq(state_runtime_dir_problem(d, getuid()), "its mode is not 0700");
	chmod(d, 0700);
	ck_assert_ptr_null(state_runtime_dir_problem(d, getuid()));
	ck_assert_str_eq(state_runtime_dir_problem(d, getuid() + 1), "it belongs to another user");
	free(d);
}
END_TEST

START_TEST(unusable_xdg_falls_back_to_tmp)
{
	struct cr_paths p;
	struct cr_error err;
	char *expect = cr_xasprintf("/tmp/conti-rootless-%u", (unsigned)getuid());

	unsetenv("XDG_RUNTIME_DIR");
	ck_assert_int_eq(state_paths_init(&p, &err), 0);
	ck_assert_str_eq(p.runtime, expect);
	ck_assert_ptr_null(state_runtime_dir_problem(p.runtime, getuid()));
	state_paths_free(&p);
	free(expect);
}
END_TEST

START_TEST(claim_take_remove)
{
	struct cr_state a, b;
	struct cr_error err;

	ck_assert_int_eq(state_create(&paths, "box", "remove=0\n", 0755, &a, &err), 0);
	ck_assert(in_runtime("box/state"));
	ck_assert(exists(a.upper));
	ck_assert_int_eq(state_create(&paths, "box", "remove=0\n", 0755, &b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "running container"));
	state_release(&a);
	ck_assert_int_eq(state_create(&paths, "box", "remove=0\n", 0755, &b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "exited container"));
	ck_assert_ptr_nonnull(strstr(err.hint, "conti-rootless rm box"));
	ck_assert_int_eq(state_open(&paths, "box", &a, &err), 0);
	ck_assert_int_eq(state_remove(&paths, &a, &err), 0);
	ck_assert(!in_runtime("box"));
	ck_assert(!exists(a.data_dir));
	state_release(&a);
	ck_assert_int_eq(state_open(&paths, "box", &a, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "no container"));
}
END_TEST

START_TEST(open_refuses_a_running_container)
{
	struct cr_state a, b;
	struct cr_error err;

	ck_assert_int_eq(state_create(&paths, "busy", "", 0755, &a, &err), 0);
	ck_assert_int_eq(state_open(&paths, "busy", &b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "is running"));
	state_release(&a);
}
END_TEST

START_TEST(garbage_of_killed_rm_runs)
{
	struct cr_state keep, gone, live;
	struct cr_error err;
	char *keep_data, *gone_data;

	ck_assert_int_eq(state_create(&paths, "keep", "remove=0\n", 0755, &keep, &err), 0);
	ck_assert_int_eq(state_create(&paths, "gone", "remove=1\n", 0755, &gone, &err), 0);
	ck_assert_int_eq(state_create(&paths, "live", "remove=1\n", 0755, &live, &err), 0);
	keep_data = cr_xstrdup(keep.data_dir);
	gone_data = cr_xstrdup(gone.data_dir);
	state_release(&keep); /* as if their front ends had been killed */
	state_release(&gone);
	state_collect_garbage(&paths);
	ck_assert(in_runtime("keep"));
	ck_assert(exists(keep_data));
	ck_assert(!in_runtime("gone"));
	ck_assert(!exists(gone_data));
	ck_assert(in_runtime("live"));
	state_release(&live);
	free(keep_data);
	free(gone_data);
}
END_TEST

START_TEST(upper_takes_the_root_mode)
{
	struct cr_state a;
	struct cr_error err;
	struct stat st;

	ck_assert_int_eq(state_create(&paths, "m", "", 0751, &a, &err), 0);
	ck_assert_int_eq(stat(a.upper, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0751);
	ck_assert_int_eq(stat(a.data_dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	state_release(&a);
}
END_TEST

START_TEST(record_lookup)
{
	char v[32];

	ck_assert_int_eq(state_record_get("id=abc\nremove=1\n", "remove", v, sizeof(v)), 0);
	ck_assert_str_eq(v, "1");
	ck_assert_int_eq(state_record_get("id=abc\nremove=1\n", "id", v, sizeof(v)), 0);
	ck_assert_str_eq(v, "abc");
	ck_assert_int_eq(state_record_get("idx=1\n", "id", v, sizeof(v)), -1);
	ck_assert_int_eq(state_record_get("", "id", v, sizeof(v)), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("state");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, names);
	tcase_add_test(tc, runtime_dir_rules);
	tcase_add_test(tc, unusable_xdg_falls_back_to_tmp);
	tcase_add_test(tc, claim_take_remove);
	tcase_add_test(tc, open_refuses_a_running_container);
	tcase_add_test(tc, garbage_of_killed_rm_runs);
	tcase_add_test(tc, upper_takes_the_root_mode);
	tcase_add_test(tc, record_lookup);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
