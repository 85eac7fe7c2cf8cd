/* Unit tests: option parsing into struct cr_config. */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"

static FILE *devnull;

static int parse(struct cr_cli *cli, struct cr_error *err, int argc, char **argv)
{
	memset(err, 0, sizeof(*err));
	return cli_parse(argc, argv, cli, devnull, err);
}

#define ARGV(...) ((char *[]){"conti-rootless", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"conti-rootless", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(cli, err, ...) parse(cli, err, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

START_TEST(run_defaults)
{
	struct cr_cli cli;
	struct cr_error err;

	ck_assert_int_eq(PARSE(&cli, &err, "run", "./rootfs"), 0);
	ck_assert_int_eq(cli.command, CR_CMD_RUN);
	ck_assert_str_eq(cli.cfg.rootfs, "./rootfs");
	ck_assert_int_eq((int)cli.cfg.args.n, 0);
	ck_assert_int_eq(cli.cfg.uidmap, CR_UIDMAP_AUTO);
	ck_assert_int_eq(cli.cfg.overlay, CR_OVERLAY_AUTO);
	ck_assert_int_eq(cli.cfg.net, CR_NET_HOST);
	ck_assert_int_eq(cli.cfg.tty, -1);
	ck_assert(!cli.cfg.remove);
	ck_assert_ptr_null(cli.cfg.name);
	cli_free(&cli);
}
END_TEST

START_TEST(run_command_options_stay_with_command)
{
	struct cr_cli cli;
	struct cr_error err;

	ck_assert_int_eq(PARSE(&cli, &err, "run", "--rm", "r", "ls", "-l", "--rm"), 0);
	ck_assert(cli.cfg.remove);
	ck_assert_int_eq((int)cli.cfg.args.n, 3);
	ck_assert_str_eq(cli.cfg.args.v[0], "ls");
	ck_assert_str_eq(cli.cfg.args.v[1], "-l");
	ck_assert_str_eq(cli.cfg.args.v[2], "--rm");
	cli_free(&cli);
}
END_TEST

START_TEST(run_all_options)
{
	struct cr_cli cli;
	struct cr_error err;

	ck_assert_int_eq(PARSE(&cli, &err, "--trace", "run", "--name", "web.1", "-t", "-i", "-e",
			       "A=1", "-w", "/srv", "-u", "1000:100", "--hostname", "box", "-v",
			       "/h:/c:ro", "--tmpfs", "/scratch", "--read-only", "--uidmap=single",
			       "--overlay", "fuse", "--net=none", "r", "sh"),
			 0);
	ck_assert(cli.trace && cli.cfg.trace);
	ck_assert_str_eq(cli.cfg.name, "web.1");
	ck_assert_int_eq(cli.cfg.tty, 1);
	ck_assert_str_eq(cli.cfg.env.v[0], "A=1");
	ck_assert_str_eq(cli.cfg.cwd, "/srv");
	ck_assert(cli.cfg.user_set);
	ck_assert_uint_eq(cli.cfg.uid, 1000);
	ck_assert_uint_eq(cli.cfg.gid, 100);
	ck_assert_str_eq(cli.cfg.hostname, "box");
	ck_assert_int_eq((int)cli.cfg.nmounts, 2);
	ck_assert_str_eq(cli.cfg.mounts[0].src, "/h");
	ck_assert_str_eq(cli.cfg.mounts[0].dst, "/c");
	ck_assert(cli.cfg.mounts[0].readonly);
	ck_assert_int_eq(cli.cfg.mounts[1].kind, CR_MOUNT_TMPFS);
	ck_assert(cli.cfg.readonly_root);
	ck_assert_int_eq(cli.cfg.uidmap, CR_UIDMAP_SINGLE);
	ck_assert_int_eq(cli.cfg.overlay, CR_OVERLAY_FUSE);
	ck_assert_int_eq(cli.cfg.net, CR_NET_NONE);
	cli_free(&cli);
}
END_TEST

START_TEST(bad_input_is_status_125_with_a_hint)
{
	static const char *const cases[][4] = {
	    {"run", "--bogus", "r", NULL},
	    {"run", NULL, NULL, NULL},
	    {"run", "--name", "-x", "r"},
	    {"run", "--name", "a/b", "r"},
	    {"run", "-u", "a/b", "r"},
	    {"run", "-u", "1:x y", "r"},
	    {"run", "-v", "nodst", "r"},
	    {"run", "-v", "/a:rel", "r"},
	    {"run", "-v", "/a:/b:rx", "r"},
	    {"run", "--uidmap", "some", "r"},
	    {"run", "--overlay", "zfs", "r"},
	    {"run", "--net", "bridge", "r"},
	    {"run", "-w", "relative", "r"},
	    {"frobnicate", NULL, NULL, NULL},
	    {"--bogus", NULL, NULL, NULL},
	    {"run", "-e", "=x", "r"},
	    {"run", "--name", NULL, NULL},
	    {"run", "--userns", "auto", "r"},
	    {"run", "--userns", "keep-id:uid=x", "r"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[6] = {"conti-rootless"};
		int argc = 1;
		struct cr_cli cli;
		struct cr_error err;

		for (int j = 0; j < 4 && cases[i][j]; j++)
			argv[argc++] = (char *)cases[i][j];
		ck_assert_msg(parse(&cli, &err, argc, argv) == -1, "case %zu parsed", i);
		ck_assert_int_eq(err.status, CR_EXIT_TOOL);
		ck_assert_msg(err.msg[0] != '\0', "case %zu has no message", i);
		cli_free(&cli);
	}
}
END_TEST

START_TEST(help_and_version_do_nothing_else)
{
	struct cr_cli cli;
	struct cr_error err;

	ck_assert_int_eq(PARSE(&cli, &err, "--version"), 0);
	ck_assert_int_eq(cli.command, CR_CMD_NONE);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "run", "--help"), 0);
	ck_assert_int_eq(cli.command, CR_CMD_NONE);
	cli_free(&cli);
}
END_TEST

START_TEST(user_parsing)
{
	uid_t u;
	gid_t g;
	struct cr_error err;

	ck_assert_int_eq(cli_parse_user("0", &u, &g, &err), 0);
	ck_assert_uint_eq(u, 0);
	ck_assert_uint_eq(g, 0);
	ck_assert_int_eq(cli_parse_user("1000", &u, &g, &err), 0);
	ck_assert_uint_eq(g, 0);
	ck_assert_int_eq(cli_parse_user("65534:65534", &u, &g, &err), 0);
	ck_assert_uint_eq(u, 65534);
	ck_assert_int_eq(cli_parse_user("", &u, &g, &err), -1);
	ck_assert_int_eq(cli_parse_user("-1", &u, &g, &err), -1);
	ck_assert_int_eq(cli_parse_user("4294967295", &u, &g, &err), -1);
	ck_assert_int_eq(cli_parse_user("1:", &u, &g, &err), -1);
}
END_TEST

START_TEST(rm_names)
{
	struct cr_cli cli;
	struct cr_error err;

	ck_assert_int_eq(PARSE(&cli, &err, "rm", "-f", "a", "b"), 0);
	ck_assert_int_eq(cli.command, CR_CMD_RM);
	ck_assert(cli.force);
	ck_assert_int_eq((int)cli.names.n, 2);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "rm"), -1);
	cli_free(&cli);
}
END_TEST

START_TEST(env_file_lines)
{
	char path[] = "/tmp/cr-envfile-XXXXXX";
	int fd = mkstemp(path);
	struct cr_cli cli;
	struct cr_error err;
	static const char text[] = "# comment\n\nA=1\n  B=two words\r\nC=\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (int)sizeof(text) - 1);
	close(fd);
	ck_assert_int_eq(PARSE(&cli, &err, "run", "--env-file", path, "r"), 0);
	ck_assert_int_eq((int)cli.cfg.env.n, 3);
	ck_assert_str_eq(cli.cfg.env.v[0], "A=1");
	ck_assert_str_eq(cli.cfg.env.v[1], "B=two words");
	ck_assert_str_eq(cli.cfg.env.v[2], "C=");
	cli_free(&cli);
	unlink(path);
	ck_assert_int_eq(PARSE(&cli, &err, "run", "--env-file", path, "r"), -1);
	cli_free(&cli);
}
END_TEST

START_TEST(log_size_max)
{
	static const char *const bad[] = {
	    "", "k", "-1", "1x", "1mm", "1kbb", "1b5", " 1", "99999999999999999999", "2000g"};
	struct cr_config back;
	struct cr_cli cli;
	struct cr_error err;
	char *text;

	ck_assert_int_eq(log_parse_size("8192"), 8192);
	ck_assert_int_eq(log_parse_size("512k"), 512 * 1024);
	ck_assert_int_eq(log_parse_size("20M"), 20 << 20);
	ck_assert_int_eq(log_parse_size("1gb"), 1LL << 30);
	ck_assert_int_eq(log_parse_size("7b"), 7);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(log_parse_size(bad[i]) == -1, "'%s' was taken", bad[i]);
	ck_assert_int_eq(PARSE(&cli, &err, "run", "r"), 0);
	ck_assert_int_eq(cli.cfg.log_size_max, CR_LOG_SIZE_DEFAULT);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "run", "--log-size-max", "4k", "r"), -1);
	ck_assert_int_eq(err.status, 125);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "create", "--log-size-max", "64k", "r"), 0);
	text = config_serialize(&cli.cfg);
	config_init(&back);
	ck_assert_int_eq(config_parse(text, &back), 0);
	ck_assert_int_eq(back.log_size_max, 65536);
	config_free(&back);
	free(text);
	cli_free(&cli);
}
END_TEST

/* -p and -P: a private network unless --net says one; host and none refused in one line; the
 * ports and publish_all kept through the saved configuration; port NAME [PORT]. */
START_TEST(publish_options)
{
	struct cr_config back;
	struct cr_cli cli;
	struct cr_error err;
	char *text;

	ck_assert_int_eq(
	    PARSE(&cli, &err, "run", "-p", "8080:80", "--publish", "127.0.0.1::53/udp", "-P", "r"),
	    0);
	ck_assert_int_eq(cli.cfg.net, CR_NET_PRIVATE);
	ck_assert_int_eq(cli.cfg.net_helper, CR_NETH_AUTO);
	ck_assert_uint_eq(cli.cfg.nports, 2);
	ck_assert_uint_eq(cli.cfg.ports[0].host_port, 8080);
	ck_assert_str_eq(cli.cfg.ports[1].host_ip, "127.0.0.1");
	ck_assert(cli.cfg.publish_all);
	text = config_serialize(&cli.cfg);
	ck_assert_ptr_nonnull(strstr(text, "\nport=8080:80/tcp\nport=127.0.0.1::53/udp\n"));
	config_init(&back);
	ck_assert_int_eq(config_parse(text, &back), 0);
	ck_assert_uint_eq(back.nports, 2);
	ck_assert_mem_eq(back.ports, cli.cfg.ports, 2 * sizeof(*back.ports));
	ck_assert(back.publish_all);
	ck_assert_int_eq(back.net, CR_NET_PRIVATE);
	config_free(&back);
	free(text);
	cli_free(&cli);

	/* the helper named, or named first: kept */
	ck_assert_int_eq(PARSE(&cli, &err, "create", "-p", "80", "--net", "slirp4netns", "r"), 0);
	ck_assert_int_eq(cli.cfg.net_helper, CR_NETH_SLIRP4NETNS);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "run", "--network=pasta", "-p", "80", "r"), 0);
	ck_assert_int_eq(cli.cfg.net_helper, CR_NETH_PASTA);
	cli_free(&cli);

	ck_assert_int_eq(PARSE(&cli, &err, "run", "--net", "host", "-p", "80", "r"), -1);
	ck_assert_int_eq(err.status, 125);
	ck_assert_str_eq(err.msg, "-p publishes ports, but --net host has no network of its own "
				  "to publish from");
	ck_assert(err.hint[0]);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "create", "-P", "--net=none", "r"), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "--net none"));
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "run", "-p", "80:80:80", "r"), -1);
	ck_assert_int_eq(err.status, 125);
	ck_assert_ptr_nonnull(strstr(err.msg, "bad port spec \"80:80:80\""));
	cli_free(&cli);

	ck_assert_int_eq(PARSE(&cli, &err, "port", "web", "80/udp"), 0);
	ck_assert_int_eq(cli.command, CR_CMD_PORT);
	ck_assert_str_eq(cli.names.v[0], "web");
	ck_assert_str_eq(cli.port, "80/udp");
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "port", "web"), 0);
	ck_assert_ptr_null(cli.port);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "port", "web", "80", "81"), -1);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "port"), -1);
	cli_free(&cli);
}
END_TEST

/* stats [--no-stream] [--format F] [NAME...] and update LIMITS NAME (#16). */
START_TEST(stats_and_update)
{
	struct cr_cli cli;
	struct cr_error err;

	ck_assert_int_eq(PARSE(&cli, &err, "stats"), 0);
	ck_assert_int_eq(cli.command, CR_CMD_STATS);
	ck_assert(!cli.no_stream);
	ck_assert_int_eq((int)cli.names.n, 0);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "stats", "--no-stream", "--format", "json", "a", "b"),
			 0);
	ck_assert(cli.no_stream);
	ck_assert(cli.json);
	ck_assert_int_eq((int)cli.names.n, 2);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "stats", "--format", "table {{.Name}}\t{{.PIDs}}"), 0);
	ck_assert_str_eq(cli.format, "table {{.Name}}\t{{.PIDs}}");
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "stats", "--format", "yaml"), -1);
	ck_assert_int_eq(err.status, 125);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "stats", "../x"), -1);
	cli_free(&cli);

	ck_assert_int_eq(PARSE(&cli, &err, "update", "--pids-limit", "100", "-m", "1g", "--cpus",
			       "0.5", "-c", "1024", "web"),
			 0);
	ck_assert_int_eq(cli.command, CR_CMD_UPDATE);
	ck_assert_str_eq(cli.names.v[0], "web");
	ck_assert_int_eq(cli.cfg.res.pids_limit, 100);
	ck_assert_int_eq(cli.cfg.res.memory, 1LL << 30);
	ck_assert_int_eq(cli.cfg.res.cpu_quota, 50000);
	ck_assert_uint_gt(cli.cfg.res.cpu_weight, 0);
	cli_free(&cli);
	/* update's --memory-swap alone is fine: the saved --memory is its base */
	ck_assert_int_eq(PARSE(&cli, &err, "update", "--memory-swap", "-1", "web"), 0);
	ck_assert_int_eq(cli.cfg.res.memory_swap, CR_RES_UNLIMITED);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "update", "--pids-limit", "0", "web"), 0);
	ck_assert_int_eq(cli.cfg.res.pids_limit, CR_RES_UNLIMITED);
	cli_free(&cli);
	/* no limit, no name, two names, a bad value, a run option: one line, 125 */
	ck_assert_int_eq(PARSE(&cli, &err, "update", "web"), -1);
	ck_assert_str_eq(err.msg, "update: give at least one limit to change");
	ck_assert_int_eq(err.status, 125);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "update", "--pids-limit", "5"), -1);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "update", "--pids-limit", "5", "a", "b"), -1);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "update", "--memory", "lots", "web"), -1);
	ck_assert_int_eq(err.status, 125);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "update", "--ulimit", "nofile=1:2", "web"), -1);
	cli_free(&cli);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("parse");

	devnull = fopen("/dev/null", "w");
	tcase_add_test(tc, run_defaults);
	tcase_add_test(tc, run_command_options_stay_with_command);
	tcase_add_test(tc, run_all_options);
	tcase_add_test(tc, bad_input_is_status_125_with_a_hint);
	tcase_add_test(tc, help_and_version_do_nothing_else);
	tcase_add_test(tc, user_parsing);
	tcase_add_test(tc, rm_names);
	tcase_add_test(tc, env_file_lines);
	tcase_add_test(tc, log_size_max);
	tcase_add_test(tc, publish_options);
	suite_add_tcase(s, tc);
	tc = tcase_create("stats_update");
	tcase_add_test(tc, stats_and_update);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
