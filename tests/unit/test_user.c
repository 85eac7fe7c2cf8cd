/* Unit tests: -u NAME[:GROUP] resolved in passwd and group text, and keep-id's maps. */
#include "unit.h"
#include <string.h>

#include "user.h"
#include "userns.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "# a comment\n"
			     "+::::::\n"
			     "\x01\xff junk without colons\n"
			     "dev:x:1000:1000:Dev,,,:/home/dev:/bin/sh\n"
			     "nohome:x:1001:1001::relative:/bin/sh\n"
			     "dev:x:2000:2000:a second dev:/other:/bin/sh\n"
			     "short:x:1002\n"
			     "last:x:1003:1003::/home/last:/bin/sh"; /* no newline at the end */
static const char group[] = "root:x:0:\n"
			    "dev:x:1000:\n"
			    "wheel:x:10:dev,other\n"
			    "audio:x:29:other,dev\n"
			    "video:x:44:devil\n"
			    "wheel2:x:10:dev\n"
			    "staff:x:50:last\n";

START_TEST(name_gets_ids_groups_and_home)
{
	struct cr_user u;
	struct cr_error err;

	ck_assert_int_eq(user_resolve("dev", passwd, group, &u, &err), 0);
	ck_assert_uint_eq(u.uid, 1000);
	ck_assert_uint_eq(u.gid, 1000);
	ck_assert_str_eq(u.home, "/home/dev");
	/* the groups listing "dev" (not "devil"), each once */
	ck_assert_uint_eq(u.ngroups, 2);
	ck_assert_uint_eq(u.groups[0], 10);
	ck_assert_uint_eq(u.groups[1], 29);
	ck_assert_int_eq(user_resolve("last", passwd, group, &u, &err), 0);
	ck_assert_str_eq(u.home, "/home/last");
	ck_assert_uint_eq(u.ngroups, 1);
}
END_TEST

START_TEST(numeric_uid_with_an_entry_gets_its_groups)
{
	struct cr_user u;
	struct cr_error err;

	ck_assert_int_eq(user_resolve("1000", passwd, group, &u, &err), 0);
	ck_assert_uint_eq(u.gid, 1000);
	ck_assert_uint_eq(u.ngroups, 2);
	ck_assert_str_eq(u.home, "/home/dev");
	/* without one: gid 0 and HOME=/ as docker */
	ck_assert_int_eq(user_resolve("4242", passwd, group, &u, &err), 0);
	ck_assert_uint_eq(u.uid, 4242);
	ck_assert_uint_eq(u.gid, 0);
	ck_assert_uint_eq(u.ngroups, 0);
	ck_assert_str_eq(u.home, "/");
	/* a home that is not absolute is not taken */
	ck_assert_int_eq(user_resolve("nohome", passwd, group, &u, &err), 0);
	ck_assert_str_eq(u.home, "/");
	/* no files at all */
	ck_assert_int_eq(user_resolve("7:8", NULL, NULL, &u, &err), 0);
	ck_assert_uint_eq(u.uid, 7);
	ck_assert_uint_eq(u.gid, 8);
}
END_TEST

START_TEST(explicit_group_takes_precedence)
{
	struct cr_user u;
	struct cr_error err;

	ck_assert_int_eq(user_resolve("dev:audio", passwd, group, &u, &err), 0);
	ck_assert_uint_eq(u.uid, 1000);
	ck_assert_uint_eq(u.gid, 29);
	ck_assert_uint_eq(u.ngroups, 0);
	ck_assert_int_eq(user_resolve("dev:44", passwd, group, &u, &err), 0);
	ck_assert_uint_eq(u.gid, 44);
	ck_assert_int_eq(user_resolve("5:wheel", passwd, group, &u, &err), 0);
	ck_assert_uint_eq(u.uid, 5);
	ck_assert_uint_eq(u.gid, 10);
}
END_TEST

START_TEST(unknown_names_fail_with_126)
{
	struct cr_user u;
	struct cr_error err = {0};

	ck_assert_int_eq(user_resolve("nosuch", passwd, group, &u, &err), -1);
	ck_assert_int_eq(err.status, 126);
	ck_assert_ptr_nonnull(strstr(err.msg, "unable to find user nosuch"));
	ck_assert_int_eq(user_resolve("dev:nosuch", passwd, group, &u, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "unable to find group nosuch"));
	ck_assert_int_eq(user_resolve("short", passwd, group, &u, &err), -1);
	ck_assert_int_eq(user_resolve("dev", NULL, group, &u, &err), -1);
	/* invalid specs */
	ck_assert(!user_spec_valid(""));
	ck_assert(!user_spec_valid("a b"));
	ck_assert(!user_spec_valid("1:"));
	ck_assert(!user_spec_valid(":1"));
	ck_assert(!user_spec_valid("-x"));
	ck_assert(!user_spec_valid("4294967295"));
	ck_assert(!user_spec_valid("a:b:c"));
	ck_assert(user_spec_valid("www-data:adm"));
	ck_assert(user_spec_valid("host$"));
	ck_assert_int_eq(user_resolve("a/b", passwd, group, &u, &err), -1);
	ck_assert_int_eq(err.status, CR_EXIT_TOOL);
}
END_TEST

START_TEST(keepid_maps)
{
	char map[128], fuse[128];

	/* uid 1000, 65536 subordinate ids: 0..999 -> 1..1000, 1000 -> you, the rest as is */
	userns_keepid_maps(1000, 65536, map, sizeof(map), fuse, sizeof(fuse));
	ck_assert_str_eq(map, "0 1 1000\n1000 0 1\n1001 1001 64536\n");
	ck_assert_str_eq(fuse, "0:1:1000:1000:0:1:1001:1001:64536");
	/* a uid beyond the range: the subordinate ids from 0, you at your uid */
	userns_keepid_maps(200000, 65536, map, sizeof(map), fuse, sizeof(fuse));
	ck_assert_str_eq(map, "0 1 65536\n200000 0 1\n");
	ck_assert_str_eq(fuse, "0:1:65536:65536:0:1");
	/* uid 0: the keeper's own map */
	userns_keepid_maps(0, 65536, map, sizeof(map), fuse, sizeof(fuse));
	ck_assert_str_eq(map, "0 0 1\n1 1 65536\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("user");
	TCase *tc = tcase_create("resolve");

	tcase_add_test(tc, name_gets_ids_groups_and_home);
	tcase_add_test(tc, numeric_uid_with_an_entry_gets_its_groups);
	tcase_add_test(tc, explicit_group_takes_precedence);
	tcase_add_test(tc, unknown_names_fail_with_126);
	suite_add_tcase(s, tc);
	tc = tcase_create("keepid");
	tcase_add_test(tc, keepid_maps);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
