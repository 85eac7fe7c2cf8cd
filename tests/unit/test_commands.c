/* Unit tests: the everyday commands' pure parts: cp's NAME:PATH arguments, top's reading
 * of a container's /etc/passwd, and the command line of restart, wait, cp, top, rm -a,
 * container prune and exec -d. */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "user.h"
#include "copy.h"

static FILE *devnull;

#define ARGV(...) ((char *[]){"conti-rootless", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"conti-rootless", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(cli, err, ...) cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), cli, devnull, err)

START_TEST(cp_out_and_in)
{
	struct cr_copy_spec c;
	struct cr_error err = {0};

	ck_assert_int_eq(copy_parse_args("web:/etc/passwd", "./out", &c, &err), 0);
	ck_assert(!c.into);
	ck_assert_str_eq(c.name, "web");
	ck_assert_str_eq(c.cpath, "/etc/passwd");
	ck_assert_str_eq(c.hpath, "./out");
	copy_spec_free(&c);
	ck_assert_int_eq(copy_parse_args("/tmp/a:b", "web:etc", &c, &err), 0);
	ck_assert(c.into);
	ck_assert_str_eq(c.name, "web");
	ck_assert_str_eq(c.cpath, "/etc"); /* relative: from the container's / */
	ck_assert_str_eq(c.hpath, "/tmp/a:b");
	copy_spec_free(&c);
	/* a colon after a slash, or a leading dot: a host path */
	ck_assert_int_eq(copy_parse_args("dir/a:b", "web:/x", &c, &err), 0);
	ck_assert_str_eq(c.hpath, "dir/a:b");
	copy_spec_free(&c);
	ck_assert_int_eq(copy_parse_args("./web:x", "web:/x", &c, &err), 0);
	ck_assert_str_eq(c.hpath, "./web:x");
	copy_spec_free(&c);
}
END_TEST

START_TEST(cp_bad_arguments)
{
	static const char *const bad[][3] = {
	    {"a", "b", "two host paths"},      {"web:/a", "db:/b", "two containers"},
	    {"web:", "/tmp", "no path after"}, {"-", "web:/x", "tar stream"},
	    {"web:/x", "-", "tar stream"},     {"", "web:/x", "non-empty"},
	    {"bad name:/x", "/tmp", "name"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cr_copy_spec c;
		struct cr_error err = {0};

		ck_assert_int_eq(copy_parse_args(bad[i][0], bad[i][1], &c, &err), -1);
		ck_assert_msg(strstr(err.msg, bad[i][2]), "%s %s: %s", bad[i][0], bad[i][1],
			      err.msg);
		ck_assert_int_eq(err.status, 125);
	}
}
END_TEST

START_TEST(top_names_from_passwd)
{
	const char *passwd = "root:x:0:0:root:/root:/bin/sh\n"
			     "evil\x1b[2J:x:5:5::/:/bin/sh\n"
			     ":x:6:6::/:/bin/sh\n"
			     "broken line\n"
			     "averyveryverylongusernamethatdoesnotfit:x:7:7::/:/bin/sh\n"
			     "app:x:1000:1000::/home/app:/bin/sh";
	char buf[16];

	user_name_of(passwd, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "root");
	user_name_of(passwd, 1000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "app");
	user_name_of(passwd, 5, buf, sizeof(buf)); /* control bytes: the number */
	ck_assert_str_eq(buf, "5");
	user_name_of(passwd, 6, buf, sizeof(buf));
	ck_assert_str_eq(buf, "6");
	user_name_of(passwd, 7, buf, sizeof(buf));
	ck_assert_str_eq(buf, "7");
	user_name_of(passwd, 42, buf, sizeof(buf));
	ck_assert_str_eq(buf, "42");
	user_name_of(NULL, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0");
}
END_TEST

START_TEST(cli_new_commands)
{
	struct cr_cli cli;
	struct cr_error err = {0};

	ck_assert_int_eq(PARSE(&cli, &err, "container", "prune", "-f"), 0);
	ck_assert_int_eq(cli.command, CR_CMD_PRUNE);
	ck_assert(cli.force);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "container", "ls", "-a"), 0); /* docker's spelling */
	ck_assert_int_eq(cli.command, CR_CMD_PS);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "prune"), -1); /* docker has no bare prune */
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "rm", "-a"), 0);
	ck_assert(cli.all);
	ck_assert_int_eq((int)cli.names.n, 0);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "rm", "-a", "web"), -1);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "restart", "-t", "3", "a", "b"), 0);
	ck_assert_int_eq(cli.command, CR_CMD_RESTART);
	ck_assert_int_eq(cli.timeout, 3);
	ck_assert_int_eq((int)cli.names.n, 2);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "wait"), -1);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "top", "a", "-o", "pid"), -1);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "cp", "-L", "a:/x", "y"), 0);
	ck_assert_int_eq(cli.command, CR_CMD_CP);
	ck_assert(cli.follow_links);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "cp", "a:/x"), -1);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "exec", "-d", "web", "sleep", "1"), 0);
	ck_assert(cli.exec.detach);
	cli_free(&cli);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("commands");
	TCase *tc = tcase_create("commands");

	devnull = fopen("/dev/null", "w");
	tcase_add_test(tc, cp_out_and_in);
	tcase_add_test(tc, cp_bad_arguments);
	tcase_add_test(tc, top_names_from_passwd);
	tcase_add_test(tc, cli_new_commands);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
