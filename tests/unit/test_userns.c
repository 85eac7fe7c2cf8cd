/* Unit tests: id-map computation, formatting, and the diagnosis of refused user namespaces. */
#include "unit.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userns.h"

START_TEST(map_one_range)
{
	struct cr_idrange r[] = {{100000, 65536}};
	struct cr_idmap m;
	char buf[256];

	userns_compute_map(1000, r, 1, &m);
	ck_assert_int_eq((int)m.n, 2);
	userns_map_format(&m, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0 1000 1 1 100000 65536");
	ck_assert(userns_map_has(&m, 0));
	ck_assert(userns_map_has(&m, 1));
	ck_assert(userns_map_has(&m, 65536));
	ck_assert(!userns_map_has(&m, 65537));
}
END_TEST

START_TEST(map_several_ranges_are_contiguous_inside)
{
	struct cr_idrange r[] = {{100000, 1000}, {300000, 0}, {200000, 5000}};
	struct cr_idmap m;
	char buf[256];

	userns_compute_map(1001, r, 3, &m);
	userns_map_format(&m, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0 1001 1 1 100000 1000 1001 200000 5000");
	ck_assert(userns_map_has(&m, 6000));
	ck_assert(!userns_map_has(&m, 6001));
}
END_TEST

START_TEST(map_single)
{
	struct cr_idmap m;
	char buf[64];

	userns_compute_map(4242, NULL, 0, &m);
	userns_map_format(&m, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0 4242 1");
	ck_assert(!userns_map_has(&m, 1));
}
END_TEST

START_TEST(map_is_capped_at_kernel_limit)
{
	static struct cr_idrange r[CR_IDMAP_MAX + 10];
	struct cr_idmap m;

	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		r[i] = (struct cr_idrange){100000 + 10 * i, 10};
	userns_compute_map(1000, r, sizeof(r) / sizeof(r[0]), &m);
	ck_assert_int_eq((int)m.n, CR_IDMAP_MAX);
}
END_TEST

static struct cr_userns_env env_ok(void)
{
	return (struct cr_userns_env){.max_user_namespaces = 1000,
				      .unprivileged_userns_clone = -1,
				      .apparmor_restrict = -1,
				      .seccomp_mode = 0};
}

START_TEST(explain_disabled_by_sysctl)
{
	struct cr_userns_env e = env_ok();
	struct cr_error err;

	e.max_user_namespaces = 0;
	userns_explain(ENOSPC, &e, &err);
	ck_assert_ptr_nonnull(strstr(err.msg, "user.max_user_namespaces"));
	ck_assert_ptr_nonnull(strstr(err.hint, "sysctl -w user.max_user_namespaces"));
	e = env_ok();
	e.unprivileged_userns_clone = 0;
	userns_explain(EPERM, &e, &err);
	ck_assert_ptr_nonnull(strstr(err.hint, "kernel.unprivileged_userns_clone=1"));
}
END_TEST

START_TEST(explain_limit_apparmor_seccomp)
{
	struct cr_userns_env e = env_ok();
	struct cr_error err;

	userns_explain(ENOSPC, &e, &err);
	ck_assert_ptr_nonnull(strstr(err.hint, "nested"));
	e.apparmor_restrict = 1;
	userns_explain(EPERM, &e, &err);
	ck_assert_ptr_nonnull(strstr(err.hint, "contrib/apparmor/conti-rootless"));
	e = env_ok();
	e.seccomp_mode = 2;
	userns_explain(EPERM, &e, &err);
	ck_assert_ptr_nonnull(strstr(err.hint, "seccomp"));
	e = env_ok();
	userns_explain(EPERM, &e, &err);
	ck_assert_int_eq(err.errnum, EPERM);
	ck_assert(err.hint[0] != '\0');
}
END_TEST

START_TEST(helper_without_setuid_is_refused)
{
	char path[] = "/tmp/cr-helper-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_ptr_nonnull(userns_helper_problem(path, false));
	ck_assert_ptr_nonnull(strstr(userns_helper_problem(path, true), "cap_setgid"));
	unlink(path);
	ck_assert_str_eq(userns_helper_problem(path, false), "it cannot be found");
}
END_TEST

START_TEST(idmap_output_is_parsed)
{
	struct cr_subids ids;

	ck_assert_int_eq(userns_parse_subids("user alice\nuid 100000 65536\ngid 100000 65536\n"
					     "uid 300000 1000\n",
					     &ids),
			 0);
	ck_assert_str_eq(ids.user, "alice");
	ck_assert_uint_eq(ids.nuid, 2);
	ck_assert_uint_eq(ids.ngid, 1);
	ck_assert_uint_eq(ids.uid[1].start, 300000);
	ck_assert_uint_eq(ids.uid[1].count, 1000);
	/* A user without ranges parses, with none. */
	ck_assert_int_eq(userns_parse_subids("user bob\n", &ids), 0);
	ck_assert_uint_eq(ids.nuid + ids.ngid, 0);
	/* No user, a bad line, an empty range: refused. */
	ck_assert_int_eq(userns_parse_subids("uid 100000 65536\n", &ids), -1);
	ck_assert_int_eq(userns_parse_subids("user alice\nuid 100000\n", &ids), -1);
	ck_assert_int_eq(userns_parse_subids("user alice\nuid 1 2 3\n", &ids), -1);
	ck_assert_int_eq(userns_parse_subids("user alice\nuid 100000 0\n", &ids), -1);
	ck_assert_int_eq(userns_parse_subids("user alice\nsid 100000 5\n", &ids), -1);
	ck_assert_int_eq(userns_parse_subids("user alice\nuid -1 5\n", &ids), -1);
	ck_assert_int_eq(userns_parse_subids("", &ids), -1);
}
END_TEST

START_TEST(free_subid_range)
{
	ck_assert_uint_eq(userns_free_subid_start(NULL, NULL), 100000);
	ck_assert_uint_eq(userns_free_subid_start("", ""), 100000);
	ck_assert_uint_eq(userns_free_subid_start("alice:100000:65536\n", NULL), 165536);
	ck_assert_uint_eq(userns_free_subid_start("alice:100000:65536\nbob:165536:65536\n",
						  "alice:100000:65536\n"),
			  231072);
	ck_assert_uint_eq(userns_free_subid_start("# comment 900000:1\nbroken\nx:1000:10\n",
						  "carol:300000:65536"),
			  365536);
}
END_TEST

/* On Debian the first user made by adduser has 100000-165535: the suggestion for a
 * second user (run, check and mkrootfs print the same) must not be that range. */
START_TEST(subid_fix_suggests_a_free_range)
{
	char buf[256];

	userns_format_subid_fix("alice:100000:65536\n", "alice:100000:65536\n", "bob", buf,
				sizeof(buf));
	ck_assert_str_eq(buf, "sudo usermod --add-subuids 165536-231071 --add-subgids "
			      "165536-231071 bob");
	/* gids further on than uids: one range free in both */
	userns_format_subid_fix("alice:100000:65536\n", "alice:100000:65536\nx:500000:10\n", "bob",
				buf, sizeof(buf));
	ck_assert_str_eq(buf, "sudo usermod --add-subuids 500010-565545 --add-subgids "
			      "500010-565545 bob");
	/* no file: the first range useradd would give */
	userns_format_subid_fix(NULL, NULL, "carol", buf, sizeof(buf));
	ck_assert_str_eq(buf, "sudo usermod --add-subuids 100000-165535 --add-subgids "
			      "100000-165535 carol");
}
END_TEST

/* ping_group_range: the mapped gids with the lowest and highest host gid, so that the kernel's
 * range (host gids) holds every mapped one: "0 65536" for the usual map; with subordinate ids
 * below your own, they set the low end; keep-id's nested map is seen through the keeper's,
 * where your gid (1006, the keeper's 0) is the lowest host gid. */
START_TEST(ping_group_range_covers_the_mapped_gids)
{
	struct cr_idmap map, keeper;
	char buf[64];

	/* the default: 0 is you, 1-65536 your subordinate range */
	ck_assert_int_eq(userns_map_parse("0 1000 1\n1 100000 65536\n", &map), 0);
	ck_assert(userns_ping_group_range(&map, NULL, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "0 65536");
	/* a single map (no subordinate ids) */
	ck_assert_int_eq(userns_map_parse("0 1000 1\n", &map), 0);
	ck_assert(userns_ping_group_range(&map, NULL, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "0 0");
	/* subordinate ids below your own, and a second range above */
	ck_assert_int_eq(userns_map_parse("0 200000 1\n1 100000 65536\n65537 300000 10\n", &map),
			 0);
	ck_assert(userns_ping_group_range(&map, NULL, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "1 65546");
	/* keep-id as gid 1006: nested 0-1005 are the keeper's 1-1006, 1006 its 0 (you) */
	ck_assert_int_eq(userns_map_parse("0 1 1006\n1006 0 1\n1007 1007 64530\n", &map), 0);
	ck_assert_int_eq(userns_map_parse("0 1006 1\n1 362144 65536\n", &keeper), 0);
	ck_assert(userns_ping_group_range(&map, &keeper, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "1006 65536");
	map.n = 0;
	ck_assert(!userns_ping_group_range(&map, NULL, buf, sizeof(buf)));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("userns");
	TCase *tc = tcase_create("maps");

	tcase_add_test(tc, map_one_range);
	tcase_add_test(tc, map_several_ranges_are_contiguous_inside);
	tcase_add_test(tc, map_single);
	tcase_add_test(tc, map_is_capped_at_kernel_limit);
	tcase_add_test(tc, explain_disabled_by_sysctl);
	tcase_add_test(tc, explain_limit_apparmor_seccomp);
	tcase_add_test(tc, idmap_output_is_parsed);
	tcase_add_test(tc, helper_without_setuid_is_refused);
	tcase_add_test(tc, free_subid_range);
	tcase_add_test(tc, subid_fix_suggests_a_free_range);
	tcase_add_test(tc, ping_group_range_covers_the_mapped_gids);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
