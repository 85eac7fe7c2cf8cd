/* cli.c - options into a struct cr_config. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cr-build-config.h"
#include "cli.h"
#include "env.h"
#include "state.h"
#include "utils.h"

static const char usage_main[] =
    "Usage: conti-rootless [--trace] COMMAND [OPTIONS] ...\n"
    "\n"
    "Run a directory as a container, without root.\n"
    "\n"
    "Commands:\n"
    "  run ROOTFS [CMD [ARG...]]  run CMD (default /bin/sh) in ROOTFS on a writable overlay\n"
    "  rm [-f] NAME...            remove a container's state and writable layer\n"
    "\n"
    "Global options:\n"
    "  --trace      print each kernel step, as the shell command that does it, with its time\n"
    "  --help       this text\n"
    "  --version    the version\n"
    "\n"
    "Example: conti-rootless run --rm ./rootfs sh\n";

static const char usage_run[] =
    "Usage: conti-rootless run [OPTIONS] ROOTFS [CMD [ARG...]]\n"
    "\n"
    "Options:\n"
    "  --name NAME              name of the container (default: generated)\n"
    "  --rm                     remove the state and writable layer when the command exits\n"
    "  -t, --tty                allocate a pseudo-terminal (default: when stdin is one)\n"
    "  -i, --interactive        keep stdin open (always the case; accepted for compatibility)\n"
    "  -e, --env KEY[=VAL]      set an environment variable (KEY alone: the caller's value)\n"
    "  --env-file FILE          read KEY=VAL lines from FILE\n"
    "  -w, --workdir DIR        working directory inside the container\n"
    "  -u, --user UID[:GID]     user and group inside the container (default 0:0)\n"
    "  --hostname NAME          hostname inside (default: the container's name)\n"
    "  -v, --volume SRC:DST[:ro]  bind-mount host path SRC at DST\n"
    "  --tmpfs DST              mount a tmpfs at DST\n"
    "  --read-only              make / read-only\n"
    "  --uidmap auto|subid|single  id mapping (default auto: subordinate ids when set up)\n"
    "  --overlay auto|kernel|fuse|none  how ROOTFS is made writable (default auto)\n"
    "  --net host|none          network: the caller's (default) or loopback only\n"
    "\n"
    "Example: conti-rootless run --rm -v $PWD:/src -w /src ./rootfs sh -c 'ls'\n";

static const char usage_rm[] = "Usage: conti-rootless rm [-f] NAME...\n"
			       "\n"
			       "Remove stopped containers' state and writable layers.\n"
			       "  -f, --force   no error for names that do not exist\n";

static int bad_usage(struct cr_error *err, const char *cmd, const char *what, const char *arg)
{
	cr_fail(err, 0, "%s '%s'", what, arg);
	return cr_hint(err, "see 'conti-rootless %s--help'", cmd);
}

int cli_parse_user(const char *s, uid_t *uid, gid_t *gid, struct cr_error *err)
{
	cleanup_free char *copy = cr_xstrdup(s);
	char *colon = strchr(copy, ':');
	unsigned long u, g = 0;

	if (colon)
		*colon = '\0';
	if (!cr_parse_ulong(copy, &u) || u >= (unsigned long)(uid_t)-1 ||
	    (colon && (!cr_parse_ulong(colon + 1, &g) || g >= (unsigned long)(gid_t)-1))) {
		cr_fail(err, 0, "invalid --user '%s'", s);
		return cr_hint(err, "give numeric UID or UID:GID, e.g. -u 1000:1000");
	}
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

static bool path_is_absolute(const char *p)
{
	return p && p[0] == '/';
}

int cli_parse_volume(const char *s, struct cr_config *cfg, struct cr_error *err)
{
	cleanup_free char *copy = cr_xstrdup(s);
	char *dst, *opt;
	bool ro = false;

	dst = strchr(copy, ':');
	if (!dst || dst == copy || !dst[1])
		goto bad;
	*dst++ = '\0';
	opt = strchr(dst, ':');
	if (opt) {
		*opt++ = '\0';
		if (!strcmp(opt, "ro"))
			ro = true;
		else if (strcmp(opt, "rw"))
			goto bad;
	}
	if (!path_is_absolute(dst)) {
		cr_fail(err, 0, "invalid --volume '%s': the container path '%s' is not absolute", s,
			dst);
		return cr_hint(err, "write it as SRC:/path/in/container");
	}
	config_add_mount(cfg, CR_MOUNT_BIND, copy, dst, ro);
	return 0;
bad:
	cr_fail(err, 0, "invalid --volume '%s'", s);
	return cr_hint(err, "write it as SRC:DST or SRC:DST:ro");
}

static int parse_mode(const char *opt, const char *arg, const char *const *names, int n, int *out,
		      struct cr_error *err)
{
	for (int i = 0; i < n; i++) {
		if (!strcmp(arg, names[i])) {
			*out = i;
			return 0;
		}
	}
	cr_fail(err, 0, "invalid --%s '%s'", opt, arg);
	return cr_hint(err, "see 'conti-rootless run --help'");
}

enum {
	OPT_NAME = 256,
	OPT_RM,
	OPT_ENV_FILE,
	OPT_HOSTNAME,
	OPT_TMPFS,
	OPT_READ_ONLY,
	OPT_UIDMAP,
	OPT_OVERLAY,
	OPT_NET,
	OPT_HELP,
};

static const struct option run_options[] = {
    {"name", required_argument, NULL, OPT_NAME},
    {"rm", no_argument, NULL, OPT_RM},
    {"tty", no_argument, NULL, 't'},
    {"interactive", no_argument, NULL, 'i'},
    {"env", required_argument, NULL, 'e'},
    {"env-file", required_argument, NULL, OPT_ENV_FILE},
    {"workdir", required_argument, NULL, 'w'},
    {"user", required_argument, NULL, 'u'},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"volume", required_argument, NULL, 'v'},
    {"tmpfs", required_argument, NULL, OPT_TMPFS},
    {"read-only", no_argument, NULL, OPT_READ_ONLY},
    {"uidmap", required_argument, NULL, OPT_UIDMAP},
    {"overlay", required_argument, NULL, OPT_OVERLAY},
    {"net", required_argument, NULL, OPT_NET},
    {"network", required_argument, NULL, OPT_NET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static const char *const uidmap_names[] = {"auto", "subid", "single"};
static const char *const overlay_names[] = {"auto", "kernel", "fuse", "none"};
static const char *const net_names[] = {"host", "none"};

static int run_option(int c, const char *arg, struct cr_config *cfg, struct cr_error *err)
{
	int mode = 0;

	switch (c) {
	case OPT_NAME:
		if (state_validate_name(arg, err) < 0)
			return -1;
		free(cfg->name);
		cfg->name = cr_xstrdup(arg);
		return 0;
	case OPT_RM:
		cfg->remove = true;
		return 0;
	case 't':
		cfg->tty = 1;
		return 0;
	case 'i':
		cfg->interactive = true;
		return 0;
	case 'e':
		return env_add_option(&cfg->env, arg, err);
	case OPT_ENV_FILE:
		return env_add_file(&cfg->env, arg, err);
	case 'w':
		if (!path_is_absolute(arg))
			return bad_usage(err, "run ", "--workdir must be an absolute path, not",
					 arg);
		free(cfg->cwd);
		cfg->cwd = cr_xstrdup(arg);
		return 0;
	case 'u':
		cfg->user_set = true;
		return cli_parse_user(arg, &cfg->uid, &cfg->gid, err);
	case OPT_HOSTNAME:
		if (!*arg || strlen(arg) > 64)
			return bad_usage(err, "run ", "invalid --hostname", arg);
		free(cfg->hostname);
		cfg->hostname = cr_xstrdup(arg);
		return 0;
	case 'v':
		return cli_parse_volume(arg, cfg, err);
	case OPT_TMPFS:
		if (!path_is_absolute(arg))
			return bad_usage(err, "run ", "--tmpfs needs an absolute path, not", arg);
		config_add_mount(cfg, CR_MOUNT_TMPFS, NULL, arg, false);
		return 0;
	case OPT_READ_ONLY:
		cfg->readonly_root = true;
		return 0;
	case OPT_UIDMAP:
		if (parse_mode("uidmap", arg, uidmap_names, 3, &mode, err) < 0)
			return -1;
		cfg->uidmap = (enum cr_uidmap_mode)mode;
		return 0;
	case OPT_OVERLAY:
		if (parse_mode("overlay", arg, overlay_names, 4, &mode, err) < 0)
			return -1;
		cfg->overlay = (enum cr_overlay_mode)mode;
		return 0;
	case OPT_NET:
		if (parse_mode("net", arg, net_names, 2, &mode, err) < 0)
			return -1;
		cfg->net = (enum cr_net_mode)mode;
		return 0;
	}
	return cr_fail(err, EINVAL, "internal error: option %d", c);
}

/* The option text getopt stopped at, for the error line. */
static const char *failed_option(char **argv, int optind_after)
{
	return argv[optind_after - 1] ? argv[optind_after - 1] : "?";
}

static int parse_run(int argc, char **argv, struct cr_cli *cli, FILE *out, struct cr_error *err)
{
	struct cr_config *cfg = &cli->cfg;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:tie:w:u:v:", run_options, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage_run, out);
			cli->command = CR_CMD_NONE;
			return 0;
		}
		if (c == '?')
			return bad_usage(err, "run ", "unknown option",
					 failed_option(argv, optind));
		if (c == ':')
			return bad_usage(err, "run ", "missing value for option",
					 failed_option(argv, optind));
		if (run_option(c, optarg, cfg, err) < 0)
			return -1;
	}
	if (optind >= argc) {
		cr_fail(err, 0, "run needs a ROOTFS directory");
		return cr_hint(err, "usage: conti-rootless run [OPTIONS] ROOTFS [CMD [ARG...]]");
	}
	cfg->rootfs = cr_xstrdup(argv[optind++]);
	for (; optind < argc; optind++)
		strv_push(&cfg->args, argv[optind]);
	cfg->trace = cli->trace;
	cli->command = CR_CMD_RUN;
	return 0;
}

static int parse_rm(int argc, char **argv, struct cr_cli *cli, FILE *out, struct cr_error *err)
{
	static const struct option rm_options[] = {
	    {"force", no_argument, NULL, 'f'},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f", rm_options, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage_rm, out);
			cli->command = CR_CMD_NONE;
			return 0;
		}
		if (c != 'f')
			return bad_usage(err, "rm ", "unknown option", failed_option(argv, optind));
		cli->force = true;
	}
	if (optind >= argc)
		return cr_fail(err, 0, "rm needs at least one container NAME");
	for (; optind < argc; optind++) {
		if (state_validate_name(argv[optind], err) < 0)
			return -1;
		strv_push(&cli->names, argv[optind]);
	}
	cli->command = CR_CMD_RM;
	return 0;
}

int cli_parse(int argc, char **argv, struct cr_cli *cli, FILE *out, struct cr_error *err)
{
	int i;

	memset(cli, 0, sizeof(*cli));
	config_init(&cli->cfg);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--trace")) {
			cli->trace = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_main, out);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			fprintf(out, "conti-rootless version %s\n", CR_VERSION);
			return 0;
		} else {
			return bad_usage(err, "", "unknown option", argv[i]);
		}
	}
	if (i >= argc) {
		cr_fail(err, 0, "no command given");
		return cr_hint(err, "see 'conti-rootless --help'");
	}
	if (!strcmp(argv[i], "run"))
		return parse_run(argc - i, argv + i, cli, out, err);
	if (!strcmp(argv[i], "rm"))
		return parse_rm(argc - i, argv + i, cli, out, err);
	return bad_usage(err, "", "unknown command", argv[i]);
}

void cli_free(struct cr_cli *cli)
{
	config_free(&cli->cfg);
	strv_free(&cli->names);
}
