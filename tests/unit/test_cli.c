/* Unit tests: option parsing into struct cr_config. */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "utils.h"

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

/* The limit options into cfg->res, as docker and podman mean them, kept by the saved config. */
START_TEST(limit_options)
{
	struct cr_cli cli;
	struct cr_error err;
	struct cr_config back;
	char *text;

	ck_assert_msg(PARSE(&cli, &err, "run", "-m", "512m", "--memory-swap", "1g",
			    "--memory-reservation", "256m", "--cpus", "1.5", "-c", "1024",
			    "--pids-limit", "50", "--io-weight", "300", "--ulimit",
			    "nofile=1024:2048", "--ulimit", "core=0", "--shm-size", "1g", "r") == 0,
		      "%s", err.msg);
	ck_assert_int_eq(cli.cfg.res.memory, 512LL << 20);
	ck_assert_int_eq(cli.cfg.res.memory_swap, 1LL << 30);
	ck_assert_int_eq(cli.cfg.res.memory_reservation, 256LL << 20);
	ck_assert_int_eq(cli.cfg.res.cpu_quota, 150000);
	ck_assert_int_eq(cli.cfg.res.cpu_period, 100000);
	ck_assert_uint_eq(cli.cfg.res.cpu_weight, 39); /* crun's conversion of 1024 shares */
	ck_assert_int_eq(cli.cfg.res.pids_limit, 50);
	ck_assert_uint_eq(cli.cfg.res.io_weight, 300);
	ck_assert_int_eq(cli.cfg.shm_size, 1LL << 30);
	ck_assert(cli.cfg.cgroups);
	ck_assert_uint_eq(cli.cfg.nrlimits, 2);
	ck_assert_int_eq(cli.cfg.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(cli.cfg.rlimits[0].soft, 1024);
	ck_assert_uint_eq(cli.cfg.rlimits[0].hard, 2048);
	ck_assert_uint_eq(cli.cfg.rlimits[1].hard, 0);

	/* the saved config gives back the same limits */
	text = config_serialize(&cli.cfg);
	config_init(&back);
	ck_assert_int_eq(config_parse(text, &back), 0);
	ck_assert_mem_eq(&back.res, &cli.cfg.res, sizeof(back.res));
	ck_assert_int_eq(back.shm_size, 1LL << 30);
	ck_assert_uint_eq(back.nrlimits, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(back.rlimits[i].resource, cli.cfg.rlimits[i].resource);
		ck_assert_uint_eq(back.rlimits[i].soft, cli.cfg.rlimits[i].soft);
		ck_assert_uint_eq(back.rlimits[i].hard, cli.cfg.rlimits[i].hard);
	}
	config_free(&back);
	free(text);
	cli_free(&cli);

	/* podman's: -1 and 0 are unlimited; --blkio-weight converted; --cgroups=disabled kept */
	ck_assert_int_eq(PARSE(&cli, &err, "create", "--pids-limit=-1", "--blkio-weight", "500",
			       "--memory-swap=-1", "--memory=6m", "--cpu-weight", "10000", "r"),
			 0);
	ck_assert_int_eq(cli.cfg.res.pids_limit, CR_RES_UNLIMITED);
	ck_assert_int_eq(cli.cfg.res.memory_swap, CR_RES_UNLIMITED);
	ck_assert_uint_eq(cli.cfg.res.io_weight, 1 + (490U * 9999) / 990);
	ck_assert_uint_eq(cli.cfg.res.cpu_weight, 10000);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "run", "--memory-swap", "-1", "r"), 0);
	ck_assert_int_eq(cli.cfg.res.memory_swap, CR_RES_UNLIMITED);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "run", "--pids-limit", "0", "r"), 0);
	ck_assert_int_eq(cli.cfg.res.pids_limit, CR_RES_UNLIMITED);
	cli_free(&cli);
	ck_assert_int_eq(
	    PARSE(&cli, &err, "run", "--cgroups=disabled", "--ulimit", "nproc=10", "r"), 0);
	ck_assert(!cli.cfg.cgroups);
	text = config_serialize(&cli.cfg);
	config_init(&back);
	ck_assert_int_eq(config_parse(text, &back), 0);
	ck_assert(!back.cgroups);
	ck_assert_int_eq(back.shm_size, CR_SHM_SIZE_DEFAULT);
	config_free(&back);
	free(text);
	cli_free(&cli);
}
END_TEST

/* Each bad limit is one line naming the option, status 125, with a hint. */
START_TEST(limit_options_refused)
{
	static const struct {
		const char *opt, *arg, *msg;
	} bad[] = {
	    {"--memory", "lots", "invalid --memory 'lots': not a size"},
	    {"-m", "1k", "invalid --memory '1k': the least is 6m"},
	    {"--memory", "-5m", "invalid --memory '-5m': not a size"},
	    {"--memory-reservation", "0", "invalid --memory-reservation '0'"},
	    {"--cpus", "0", "invalid --cpus '0': give a number of CPUs from 0.01"},
	    {"--cpus", "1,5", "invalid --cpus '1,5'"},
	    {"--cpus", "0.001", "invalid --cpus '0.001'"},
	    {"--cpu-shares", "1", "invalid --cpu-shares '1': give a number from 2 to 262144"},
	    {"--cpu-weight", "0", "invalid --cpu-weight '0': give a number from 1 to 10000"},
	    {"--cpu-weight", "10001", "invalid --cpu-weight '10001'"},
	    {"--pids-limit", "-2", "invalid --pids-limit '-2'"},
	    {"--pids-limit", "99999999999", "invalid --pids-limit '99999999999'"},
	    {"--io-weight", "x", "invalid --io-weight 'x'"},
	    {"--blkio-weight", "5", "invalid --blkio-weight '5': give a number from 10 to 1000"},
	    {"--cgroups", "split", "invalid --cgroups 'split': valid values are enabled|disabled"},
	    {"--ulimit", "nofile", "--ulimit nofile: no '='"},
	    {"--ulimit", "nofiles=1", "--ulimit nofiles=1: unknown limit type"},
	    {"--ulimit", "nofile=20:10", "--ulimit nofile=20:10: the soft limit is above"},
	    {"--shm-size", "0", "invalid --shm-size '0'"},
	    {"--shm-size", "big", "invalid --shm-size 'big': not a size"},
	    {"--tmpfs", "/t:size=huge", "invalid --tmpfs option 'size=huge'"},
	    {"--tmpfs", "/t:mode=999", "invalid --tmpfs option 'mode=999'"},
	    {"--tmpfs", "/t:suid", "invalid --tmpfs option 'suid'"},
	    {"--tmpfs", "t:size=1m", "--tmpfs needs an absolute path, not 't:size=1m'"},
	};
	struct cr_cli cli;
	struct cr_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(
		    PARSE(&cli, &err, "run", (char *)bad[i].opt, (char *)bad[i].arg, "r"), -1);
		ck_assert_int_eq(err.status, 125);
		ck_assert_msg(!strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)), "%s %s: '%s'",
			      bad[i].opt, bad[i].arg, err.msg);
		ck_assert_msg(err.hint[0], "%s %s: no hint", bad[i].opt, bad[i].arg);
		cli_free(&cli);
	}
	/* docker's rules between them */
	ck_assert_int_eq(PARSE(&cli, &err, "run", "--memory-swap", "1g", "r"), -1);
	ck_assert_str_eq(err.msg, "--memory-swap needs --memory (it is memory plus swap)");
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "run", "--memory-swap", "64m", "-m", "128m", "r"), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "is less than --memory"));
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "run", "--memory-reservation", "1g", "-m", "128m", "r"),
			 -1);
	ck_assert_str_eq(err.msg, "--memory-reservation is more than --memory");
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "create", "--cgroups", "disabled", "--cpus", "1", "r"),
			 -1);
	ck_assert_str_eq(err.msg, "--cpus needs a cgroup, and --cgroups=disabled makes none");
	ck_assert_int_eq(err.status, 125);
	cli_free(&cli);
}
END_TEST

/* --tmpfs DST:OPTS into the kernel's data (sizes in bytes), ro and noexec; kept and checked
 * again by the saved config. */
START_TEST(tmpfs_options)
{
	struct cr_cli cli;
	struct cr_error err;
	struct cr_config back;
	char *text;

	ck_assert_msg(PARSE(&cli, &err, "run", "--tmpfs", "/a", "--tmpfs",
			    "/b:size=64m,mode=700,noexec,ro,uid=1000,gid=1000,nr_inodes=400",
			    "r") == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(cli.cfg.nmounts, 2);
	ck_assert_str_eq(cli.cfg.mounts[0].dst, "/a");
	ck_assert_str_eq(cli.cfg.mounts[0].data, "mode=1777");
	ck_assert_str_eq(cli.cfg.mounts[1].dst, "/b");
	ck_assert_str_eq(cli.cfg.mounts[1].data,
			 "size=67108864,mode=700,uid=1000,gid=1000,nr_inodes=400");
	ck_assert(cli.cfg.mounts[1].readonly);
	ck_assert(cli.cfg.mounts[1].flags & MS_NOEXEC);
	ck_assert(!(cli.cfg.mounts[0].flags & MS_NOEXEC));
	text = config_serialize(&cli.cfg);
	config_init(&back);
	ck_assert_int_eq(config_parse(text, &back), 0);
	ck_assert_uint_eq(back.nmounts, 2);
	ck_assert_str_eq(back.mounts[1].data, cli.cfg.mounts[1].data);
	ck_assert(back.mounts[1].readonly);
	ck_assert(back.mounts[1].flags & MS_NOEXEC);
	ck_assert_str_eq(back.mounts[0].data, "mode=1777");
	config_free(&back);
	free(text);
	cli_free(&cli);
	/* a size alone keeps the default mode */
	ck_assert_int_eq(PARSE(&cli, &err, "run", "--tmpfs", "/tmp:size=1g", "r"), 0);
	ck_assert_str_eq(cli.cfg.mounts[0].data, "mode=1777,size=1073741824");
	cli_free(&cli);
}
END_TEST

/* A damaged saved config's limit is refused, never written into a cgroup or a mount. */
START_TEST(damaged_limits_refused)
{
	static const char *const lines[] = {
	    "res_memory=-5\n",	    "res_memory=12abc\n",
	    "res_memory_swap=0\n",  "res_cpu_quota=10\n",
	    "res_cpu_weight=0\n",   "res_cpu_weight=20000\n",
	    "res_pids_limit=-7\n",  "res_io_weight=99999\n",
	    "cgroups=2\n",	    "shm_size=0\n",
	    "shm_size=\n",	    "ulimit=nofile=5:1\n",
	    "ulimit=bogus=1\n",	    "mount=tmpfs\nmount.dst=/t\nmount.data=mode=1777,suid\n",
	    "mount.data=size=1m\n", "mount=bind\nmount.dst=/t\nmount.data=size=1m\n",
	    "res_cpu_period=5\n",
	};
	static const char head[] = "name=x\nrootfs=/r\n";

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct cr_config cfg;
		char *text = cr_xasprintf("%s%s", head, lines[i]);

		config_init(&cfg);
		ck_assert_msg(config_parse(text, &cfg) == -1, "accepted: %s", lines[i]);
		config_free(&cfg);
		free(text);
	}
}
END_TEST

/* The largest value each limit option takes is one the saved config takes back: a container
 * made with it must not become "damaged" for inspect, start and update (--shm-size 8191p was
 * refused by config_parse once the config held it). */
START_TEST(limit_extremes_round_trip)
{
	static char *opts[][2] = {
	    {"--shm-size", "8191p"},
	    {"--memory", "8191p"},
	    {"--memory-reservation", "8191p"},
	    {"--cpus", "90000000"},
	    {"--tmpfs", "/scratch:size=8191p"},
	};
	struct cr_cli cli;
	struct cr_error err;
	struct cr_config back;
	char *text;

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		ck_assert_msg(PARSE(&cli, &err, "run", opts[i][0], opts[i][1], "r") == 0,
			      "%s %s: %s", opts[i][0], opts[i][1], err.msg);
		text = config_serialize(&cli.cfg);
		config_init(&back);
		ck_assert_msg(config_parse(text, &back) == 0,
			      "%s %s is taken, but its saved config is refused:\n%s", opts[i][0],
			      opts[i][1], text);
		ck_assert_mem_eq(&back.res, &cli.cfg.res, sizeof(back.res));
		ck_assert_int_eq(back.shm_size, cli.cfg.shm_size);
		config_free(&back);
		free(text);
		cli_free(&cli);
	}
	ck_assert_int_eq(PARSE(&cli, &err, "run", "-m", "8191p", "--memory-swap", "8191p", "r"), 0);
	text = config_serialize(&cli.cfg);
	config_init(&back);
	ck_assert_msg(config_parse(text, &back) == 0, "saved config refused:\n%s", text);
	config_free(&back);
	free(text);
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
	tcase_add_test(tc, limit_options);
	tcase_add_test(tc, limit_options_refused);
	tcase_add_test(tc, tmpfs_options);
	tcase_add_test(tc, damaged_limits_refused);
	tcase_add_test(tc, limit_extremes_round_trip);
	suite_add_tcase(s, tc);
	tc = tcase_create("stats_update");
	tcase_add_test(tc, stats_and_update);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
