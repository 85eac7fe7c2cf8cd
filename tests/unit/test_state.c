/* Unit tests: names, the runtime dir check, and the life cycle of a container's dirs
 * (claim, name taken, locks, remove, garbage of killed --rm runs). */
#include "unit.h"
#include <dirent.h>
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
	setenv("CONTI_ROOTLESS_RUNTIME_DIR", runtime, 1);
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

/* Without the override and /run/user/UID, whatever XDG_RUNTIME_DIR says: /tmp/conti-rootless-UID.
 */
START_TEST(unusable_xdg_falls_back_to_tmp)
{
	struct cr_paths p;
	struct cr_error err;
	char *expect = cr_xasprintf("/tmp/conti-rootless-%u", (unsigned)getuid());
	char *run_user = cr_xasprintf("/run/user/%u", (unsigned)getuid());

	if (!state_runtime_dir_problem(run_user, getuid())) {
		free(expect);
		expect = cr_xasprintf("%s/conti-rootless", run_user);
	}
	free(run_user);
	unsetenv("CONTI_ROOTLESS_RUNTIME_DIR");
	setenv("XDG_RUNTIME_DIR", tmpdir, 1);
	ck_assert_int_eq(state_paths_init(&p, &err), 0);
	ck_assert_str_eq(p.runtime, expect);
	ck_assert_ptr_null(state_runtime_dir_problem(p.runtime, getuid()));
	state_paths_free(&p);
	free(expect);
}
END_TEST

/* Entries of dir but . and .. */
static int h_count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

/* The runtime root follows the user: /run/user/UID when it is a 0700 dir of the user, else
 * /tmp/conti-rootless-UID (made 0700, or made 0700 again when ours), else, when that is
 * squatted (here: a symlink in its place), a dir under the home, the squatted path named;
 * the override must be an absolute, private dir, never a symlink. */
START_TEST(runtime_root_rules)
{
	char *run = cr_xasprintf("%s/runbase", tmpdir), *tmp = cr_xasprintf("%s/tmpbase", tmpdir);
	char *home = cr_xasprintf("%s/home", tmpdir), *victim = cr_xasprintf("%s/victim", tmpdir);
	char *mine = cr_xasprintf("%s/%u", run, (unsigned)getuid());
	char *fallback = cr_xasprintf("%s/conti-rootless-%u", tmp, (unsigned)getuid());
	char *out = NULL, *squatted = NULL, *expect;
	struct cr_error err;
	struct stat sb;

	unsetenv("CONTI_ROOTLESS_RUNTIME_DIR");
	setenv("XDG_RUNTIME_DIR", victim, 1); /* not what decides */
	mkdir(run, 0755), mkdir(tmp, 0777), mkdir(home, 0700), mkdir(victim, 0700);
	chmod(tmp, 01777);
	/* No /run/user/UID: the fixed fallback, made 0700. */
	ck_assert_int_eq(state_runtime_root_in(run, tmp, home, getuid(), &out, &squatted, &err), 0);
	ck_assert_str_eq(out, fallback);
	ck_assert_ptr_null(squatted);
	ck_assert_int_eq(lstat(fallback, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0700);
	free(out);
	/* Ours with a loose mode: made 0700 again. */
	chmod(fallback, 0755);
	ck_assert_int_eq(state_runtime_root_in(run, tmp, home, getuid(), &out, &squatted, &err), 0);
	ck_assert_str_eq(out, fallback);
	ck_assert_int_eq(lstat(fallback, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0700);
	free(out);
	/* Squatted: a symlink to someone's dir in its place; the home fallback, the link and
	 * its target untouched. */
	rmdir(fallback);
	ck_assert_int_eq(symlink(victim, fallback), 0);
	ck_assert_int_eq(state_runtime_root_in(run, tmp, home, getuid(), &out, &squatted, &err), 0);
	expect = cr_xasprintf("%s/.cache/conti-rootless/run", home);
	ck_assert_str_eq(out, expect);
	ck_assert_str_eq(squatted, fallback);
	ck_assert_int_eq(h_count(victim), 0);
	ck_assert_int_eq(lstat(fallback, &sb), 0);
	ck_assert(S_ISLNK(sb.st_mode));
	free(out), free(squatted), free(expect);
	/* /run/user/UID of ours: used, whatever else exists. */
	mkdir(mine, 0700);
	ck_assert_int_eq(state_runtime_root_in(run, tmp, home, getuid(), &out, &squatted, &err), 0);
	expect = cr_xasprintf("%s/conti-rootless", mine);
	ck_assert_str_eq(out, expect);
	free(out), free(expect);
	/* /run/user/UID with another mode is not the user's session dir. */
	chmod(mine, 0755);
	ck_assert_int_eq(state_runtime_root_in(run, tmp, home, getuid(), &out, &squatted, &err), 0);
	ck_assert_str_ne(out, mine);
	free(out), free(squatted);
	/* The override: relative or a symlink is refused. */
	setenv("CONTI_ROOTLESS_RUNTIME_DIR", "rel/dir", 1);
	ck_assert_int_eq(state_runtime_root_in(run, tmp, home, getuid(), &out, &squatted, &err),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "CONTI_ROOTLESS_RUNTIME_DIR"));
	setenv("CONTI_ROOTLESS_RUNTIME_DIR", fallback, 1);
	ck_assert_int_eq(state_runtime_root_in(run, tmp, home, getuid(), &out, &squatted, &err),
			 -1);
	setenv("CONTI_ROOTLESS_RUNTIME_DIR", victim, 1);
	ck_assert_int_eq(state_runtime_root_in(run, tmp, home, getuid(), &out, &squatted, &err), 0);
	ck_assert_str_eq(out, victim);
	free(out);
	unsetenv("CONTI_ROOTLESS_RUNTIME_DIR");
	free(run), free(tmp), free(home), free(victim), free(mine), free(fallback);
}
END_TEST

START_TEST(claim_take_remove)
{
	struct cr_state a, b;
	struct cr_error err;
	char *config;

	ck_assert_int_eq(state_create(&paths, "box", "name=box\nremove=0\n", 0755, &a, &err), 0);
	ck_assert(exists(a.upper));
	ck_assert(exists(a.rootfs_mnt));
	config = state_read_config(&a);
	ck_assert_str_eq(config, "name=box\nremove=0\n");
	free(config);
	ck_assert(state_is_locked(&a));
	ck_assert_int_eq(state_create(&paths, "box", "name=box\n", 0755, &b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "a running container"));
	state_release(&a);
	ck_assert_int_eq(state_create(&paths, "box", "name=box\n", 0755, &b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "an exited container"));
	ck_assert_ptr_nonnull(strstr(err.hint, "conti-rootless rm box"));
	ck_assert_int_eq(state_open(&paths, "box", &a, &err), 0);
	ck_assert_int_eq(state_open(&paths, "box", &b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "is running"));
	ck_assert_int_eq(state_remove(&paths, &a, false, &err), 0);
	ck_assert(!exists(a.dir));
	ck_assert(!exists(a.data_dir));
	state_release(&a);
	ck_assert_int_eq(state_open(&paths, "box", &a, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "no container"));
}
END_TEST

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

START_TEST(background_removal_frees_the_name_at_once)
{
	struct cr_state a, b;
	struct cr_error err;
	char *trash[2];
	int i;

	ck_assert_int_eq(state_create(&paths, "gone", "name=gone\n", 0755, &a, &err), 0);
	ck_assert_int_eq(state_remove(&paths, &a, true, &err), 0);
	ck_assert(!exists(a.dir));
	ck_assert(!exists(a.data_dir));
	state_release(&a);
	/* The same name again, while the remover may still be at work. */
	ck_assert_int_eq(state_create(&paths, "gone", "name=gone\n", 0755, &b, &err), 0);
	ck_assert(exists(b.upper));
	trash[0] = cr_xasprintf("%s/.trash", paths.runtime);
	trash[1] = cr_xasprintf("%s/trash", paths.data);
	for (i = 0; i < 500 && entries(trash[0]) + entries(trash[1]) > 0; i++)
		usleep(10000);
	ck_assert_int_eq(entries(trash[0]) + entries(trash[1]), 0);
	ck_assert(exists(b.upper));
	ck_assert_int_eq(state_remove(&paths, &b, false, &err), 0);
	state_release(&b);
	free(trash[0]);
	free(trash[1]);
}
END_TEST

START_TEST(runtime_record_and_exit_code)
{
	struct cr_state a;
	struct cr_error err;
	char buf[256], v[16];

	ck_assert_int_eq(state_create(&paths, "r", "name=r\n", 0755, &a, &err), 0);
	state_runtime_read(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(state_runtime_write(&a, "status=running\npid=42\n", &err), 0);
	state_runtime_read(&a, buf, sizeof(buf));
	ck_assert_int_eq(state_record_get(buf, "pid", v, sizeof(v)), 0);
	ck_assert_str_eq(v, "42");
	ck_assert_int_eq(state_saved_exit(&a), -1);
	state_save_exit(&a, 7);
	ck_assert_int_eq(state_saved_exit(&a), 7);
	state_release(&a);
}
END_TEST

START_TEST(list_is_sorted)
{
	struct cr_state a;
	struct cr_error err;
	const char *const make[] = {"zeta", "alpha", "mid"};
	size_t n;
	char **list;

	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(state_create(&paths, make[i], "x=1\n", 0755, &a, &err), 0);
		state_release(&a);
	}
	list = state_list(&paths, &n);
	ck_assert_int_eq((int)n, 3);
	ck_assert_str_eq(list[0], "alpha");
	ck_assert_str_eq(list[2], "zeta");
	ck_assert_ptr_null(list[3]);
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}
END_TEST

START_TEST(garbage_of_killed_rm_runs)
{
	struct cr_state keep, gone, live, again;
	struct cr_error err;
	char *keep_data, *gone_data;

	ck_assert_int_eq(state_create(&paths, "keep", "name=keep\nremove=0\n", 0755, &keep, &err),
			 0);
	ck_assert_int_eq(state_create(&paths, "gone", "name=gone\nremove=1\n", 0755, &gone, &err),
			 0);
	ck_assert_int_eq(state_create(&paths, "live", "name=live\nremove=1\n", 0755, &live, &err),
			 0);
	keep_data = cr_xstrdup(keep.data_dir);
	gone_data = cr_xstrdup(gone.data_dir);
	state_release(&keep); /* as if their runners had been killed */
	state_release(&gone);
	state_collect_garbage(&paths, false);
	ck_assert(exists(keep_data));
	ck_assert(!exists(gone_data));
	ck_assert(exists(live.data_dir));
	/* a killed --rm run's name is free at once, even before any garbage collection */
	ck_assert_int_eq(
	    state_create(&paths, "again", "name=again\nremove=1\n", 0755, &again, &err), 0);
	state_release(&again);
	ck_assert_int_eq(
	    state_create(&paths, "again", "name=again\nremove=1\n", 0755, &again, &err), 0);
	state_release(&again);
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

/* A state file's cgroup= is the user's own text: only a container cgroup's form, named for
 * the container, is ever taken for one (rm and the garbage collection remove it). */
START_TEST(recorded_cgroup_is_checked)
{
	static const char good[] =
	    "/sys/fs/cgroup/unified/user.slice/user-1000.slice/user@1000.service/conti-rootless/"
	    "web-a1b2c3";
	static const char *const bad[] = {
	    "/sys/fs/cgroup/unified/user.slice/user-1000.slice/user@1000.service/conti-rootless/"
	    "web-a1b2c3/",
	    "/sys/fs/cgroup/user.slice/../../../tmp/conti-rootless/web-a1b2c3",
	    "/sys/fs/cgroup/x/./conti-rootless/web-a1b2c3",
	    "/sys/fs/cgroup/x//conti-rootless/web-a1b2c3",
	    "/sys/fs/cgroup/x/conti-rootless/../conti-rootless/web-a1b2c3",
	    "/sys/fs/cgroup/x/conti-rootless/db-a1b2c3",   /* another container's */
	    "/sys/fs/cgroup/x/conti-rootless/web-a1b2c3d", /* not NAME-XXXXXX */
	    "/sys/fs/cgroup/x/conti-rootless/web",
	    "/sys/fs/cgroup/x/conti-runtime/web-a1b2c3",
	    "/sys/fs/cgroup/conti-rootless/web-a1b2c3", /* the root's own */
	    "/tmp/x/conti-rootless/web-a1b2c3",
	    "sys/fs/cgroup/x/conti-rootless/web-a1b2c3",
	    "/sys/fs/cgroup/x y/conti-rootless/web-a1b2c3",
	    "/sys/fs/cgroup/x\n/conti-rootless/web-a1b2c3",
	    "",
	};
	struct cr_state a;
	struct cr_error err;
	char buf[640], *text;

	ck_assert(state_cgroup_path_ok(good, "web"));
	ck_assert(state_cgroup_path_ok("/sys/fs/cgroup/u/conti-rootless/web-000000", "web"));
	/* an OCI container's id may hold a "+" (runc's rule) */
	ck_assert(state_cgroup_path_ok("/sys/fs/cgroup/u/conti-rootless/a+b-000000", "a+b"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!state_cgroup_path_ok(bad[i], "web"), "%s", bad[i]);
	/* recorded, well formed, but no cgroup of ours there (or a second user's): refused */
	ck_assert_int_eq(state_create(&paths, "web", "name=web\n", 0755, &a, &err), 0);
	text = cr_xasprintf("status=running\ncgroup=%s\n", good);
	ck_assert_int_eq(state_runtime_write(&a, text, &err), 0);
	ck_assert_int_eq(state_recorded_cgroup(&a, buf, sizeof(buf)), -1);
	ck_assert_str_eq(buf, "");
	free(text);
	/* one that is the user's own dir, but not on a cgroup mount */
	text = cr_xasprintf("status=running\ncgroup=/sys/fs/cgroup/../../..%s/conti-rootless/"
			    "web-a1b2c3\n",
			    tmpdir);
	ck_assert_int_eq(state_runtime_write(&a, text, &err), 0);
	ck_assert_int_eq(state_recorded_cgroup(&a, buf, sizeof(buf)), -1);
	free(text);
	state_release(&a);
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
	tcase_add_test(tc, runtime_root_rules);
	tcase_add_test(tc, claim_take_remove);
	tcase_add_test(tc, background_removal_frees_the_name_at_once);
	tcase_add_test(tc, runtime_record_and_exit_code);
	tcase_add_test(tc, list_is_sorted);
	tcase_add_test(tc, garbage_of_killed_rm_runs);
	tcase_add_test(tc, upper_takes_the_root_mode);
	tcase_add_test(tc, record_lookup);
	tcase_add_test(tc, recorded_cgroup_is_checked);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
