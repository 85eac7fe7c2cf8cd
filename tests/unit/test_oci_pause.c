/* Unit tests: the cgroup v2 freezer of pause and resume, on a cgroup tree made of plain files
 * (cgroup.procs, cgroup.freeze, cgroup.events): the root cgroup and a cgroup holding a
 * process of another PID namespace are refused, a cgroup of the container's own frozen. */
#include "unit.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/pause.h"
#include "utils.h"

static char dir[] = "/tmp/conti-pause-XXXXXX";

static void put(const char *rel, const char *text)
{
	cleanup_free char *p = cr_xasprintf("%s%s", dir, rel);
	struct cr_error err = {0};

	ck_assert_int_eq(cr_write_file(p, text, strlen(text), 0644, &err), 0);
}

static char *get(const char *rel)
{
	static char buf[256];
	cleanup_free char *p = cr_xasprintf("%s%s", dir, rel);
	struct cr_error err = {0};

	ck_assert_int_ge(cr_read_file(p, buf, sizeof(buf), &err), 0);
	return buf;
}

static void setup(void)
{
	cleanup_free char *c = NULL, *sub = NULL;
	char pid[32];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	c = cr_xasprintf("%s/c1", dir);
	sub = cr_xasprintf("%s/c1/sub", dir);
	ck_assert_int_eq(mkdir(c, 0755), 0);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	put("/c1/cgroup.procs", pid);
	put("/c1/sub/cgroup.procs", pid);
	put("/c1/cgroup.freeze", "0");
	put("/c1/cgroup.events", "populated 1\nfrozen 1\n");
}

static void teardown(void)
{
	struct cr_error err = {0};

	cr_rm_rf(dir, &err);
	strcpy(dir, "/tmp/conti-pause-XXXXXX");
}

START_TEST(root_cgroup_refused)
{
	struct stat ns;
	struct cr_error err = {0};

	ck_assert_int_eq(stat("/proc/self/ns/pid", &ns), 0);
	ck_assert_int_eq(oci_freeze_cgroup(dir, "/", &ns, true, &err), -1);
	ck_assert_msg(strstr(err.msg, "cannot pause") && strstr(err.msg, "root cgroup"), "%s",
		      err.msg);
	ck_assert_int_eq(oci_freeze_cgroup(dir, "", &ns, false, &err), -1);
	ck_assert_msg(strstr(err.msg, "cannot resume"), "%s", err.msg);
	ck_assert_int_eq(oci_freeze_cgroup(dir, "/c1/../..", &ns, true, &err), -1);
}
END_TEST

START_TEST(foreign_process_refused)
{
	struct stat other;
	struct cr_error err = {0};
	char want[64];

	/* a PID namespace none of the listed processes is in */
	ck_assert_int_eq(stat("/proc/self/ns/pid", &other), 0);
	other.st_ino++;
	snprintf(want, sizeof(want), "holds process %d", (int)getpid());
	ck_assert_int_eq(oci_freeze_cgroup(dir, "/c1", &other, true, &err), -1);
	ck_assert_msg(strstr(err.msg, "cannot pause: cgroup /c1 ") && strstr(err.msg, want), "%s",
		      err.msg);
	ck_assert_str_eq(get("/c1/cgroup.freeze"), "0"); /* nothing written */
	/* one below counts too */
	put("/c1/cgroup.procs", "");
	ck_assert_int_eq(oci_freeze_cgroup(dir, "/c1", &other, true, &err), -1);
	ck_assert_msg(strstr(err.msg, "cgroup /c1/sub "), "%s", err.msg);
	ck_assert_str_eq(get("/c1/cgroup.freeze"), "0");
}
END_TEST

START_TEST(own_cgroup_frozen_and_thawed)
{
	cleanup_free char *freeze = NULL;
	struct stat ns;
	struct cr_error err = {0};

	ck_assert_int_eq(stat("/proc/self/ns/pid", &ns), 0);
	ck_assert_msg(oci_freeze_cgroup(dir, "/c1", &ns, true, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("/c1/cgroup.freeze"), "1");
	put("/c1/cgroup.events", "populated 1\nfrozen 0\n");
	ck_assert_msg(oci_freeze_cgroup(dir, "/c1", &ns, false, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("/c1/cgroup.freeze"), "0");
	/* no freezer file (a kernel before 5.2): refused saying so */
	freeze = cr_xasprintf("%s/c1/cgroup.freeze", dir);
	ck_assert_int_eq(unlink(freeze), 0);
	ck_assert_int_eq(oci_freeze_cgroup(dir, "/c1", &ns, true, &err), -1);
	ck_assert_msg(strstr(err.hint, "freezer"), "%s / %s", err.msg, err.hint);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oci_pause");
	TCase *tc = tcase_create("freezer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, root_cgroup_refused);
	tcase_add_test(tc, foreign_process_refused);
	tcase_add_test(tc, own_cgroup_frozen_and_thawed);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
