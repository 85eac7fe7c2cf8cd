/* cli.c - options into a struct cr_config. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "cgroup/limits.h"
#include "cr-build-config.h"
#include "cli.h"
#include "env.h"
#include "image/lookup.h"
#include "lifecycle.h"
#include "log.h"
#include "net/ports.h"
#include "netfiles.h"
#include "state.h"
#include "user.h"
#include "utils.h"

static const char usage_main[] =
    "Usage: conti-rootless [--trace] COMMAND [OPTIONS] ...\n"
    "\n"
    "Run an image or a directory as a container, without root.\n"
    "\n"
    "Commands:\n"
    "  run IMAGE|ROOTFS [CMD...]  run CMD (default: the image's, or /bin/sh) on a writable\n"
    "                          overlay of the image's layers or of the directory ROOTFS\n"
    "  create IMAGE|ROOTFS [CMD...]  set a container up without starting its command\n"
    "  start NAME              start a created or exited container\n"
    "  exec NAME CMD...        run CMD inside a running container\n"
    "  ps, list                list containers\n"
    "  inspect NAME...         one container's details, as JSON\n"
    "  logs NAME               the output of a container (detached, or run without --rm)\n"
    "  stop NAME...            stop containers (SIGTERM, then SIGKILL)\n"
    "  kill NAME...            send a signal to containers\n"
    "  rm NAME...              remove containers and their writable layers\n"
    "  restart NAME...         stop containers, then start them again\n"
    "  wait NAME...            wait until containers exit; print their exit codes\n"
    "  cp SRC DEST             copy between the host and a container (NAME:PATH)\n"
    "  top NAME                the processes of a container\n"
    "  port NAME [PORT]        the ports a container publishes (-p)\n"
    "  stats [NAME...]         CPU, memory, network, block I/O and PIDs of running containers\n"
    "  update [OPTIONS] NAME   change a container's limits (--memory, --cpus, --pids-limit ...)\n"
    "  container prune         remove every stopped container\n"
    "  unshare [CMD...]        a shell in the namespaces that hold the containers' handles\n"
    "  pull IMAGE              fetch an image into the store (docker://, oci:, oci-archive:,\n"
    "                          docker-archive:, or a name such as debian:12)\n"
    "  images                  list the images in the store\n"
    "  rmi IMAGE...            remove images (not while a container uses them)\n"
    "  tag IMAGE NAME          give an image another name\n"
    "  import FILE|DIR [NAME]  a rootfs tarball or directory as a one-layer image\n"
    "  save [-o FILE] IMAGE    write an image as a docker-archive or oci-archive\n"
    "  load [-i FILE]          read an archive that save (or docker/podman save) wrote\n"
    "  commit NAME [IMAGE]     a container's writable layer as a new image\n"
    "  image SUBCOMMAND        ls, inspect, rm, prune, tag, pull, save, import, load, history\n"
    "  system df               disk used by images, containers and layers\n"
    "  check                   will run work here? what to fix if not\n"
    "  version                 the version, how it was built, the kernel\n"
    "  help [COMMAND]          this text, or COMMAND's (as COMMAND --help)\n"
    "\n"
    "Global options:\n"
    "  --trace      print each kernel step, as the shell command that does it, with its time\n"
    "               (also after run, create, start, exec: conti-rootless run --trace ...)\n"
    "  -h, --help   this text ('conti-rootless COMMAND --help' for a command's)\n"
    "  --version    the version\n"
    "\n"
    "Examples: conti-rootless run --rm debian:12 cat /etc/os-release\n"
    "          conti-rootless run --rm ./rootfs sh\n";

static const char usage_run[] =
    "Usage: conti-rootless run [OPTIONS] IMAGE|ROOTFS [CMD [ARG...]]\n"
    "       conti-rootless create [OPTIONS] IMAGE|ROOTFS [CMD [ARG...]]\n"
    "\n"
    "IMAGE: a name (debian:12, registry.example/x/y:tag, docker://REF), an ID or a unique\n"
    "prefix of one, oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:REF];\n"
    "pulled into the store when it is not there. ROOTFS: a directory (a path starting with\n"
    "'/' or '.', or an existing directory).\n"
    "\n"
    "Options:\n"
    "  --entrypoint CMD         replace the image's Entrypoint ('': none); the image's Cmd\n"
    "                           is dropped unless CMD ARGs are given\n"
    "  --pull missing|always|never  pull the image when missing (default), every time, or\n"
    "                           never\n"
    "  -d, --detach             run in the background; print the name (run only)\n"
    "  --name NAME              name of the container (default: generated)\n"
    "  --rm                     remove the state and writable layer when the command exits\n"
    "  -t, --tty                allocate a pseudo-terminal (default: when stdin is one)\n"
    "  -i, --interactive        keep stdin open (always the case; accepted for compatibility)\n"
    "  -e, --env KEY[=VAL]      set an environment variable (KEY alone: the caller's value)\n"
    "  --env-file FILE          read KEY=VAL lines from FILE\n"
    "  -w, --workdir DIR        working directory inside the container\n"
    "  -u, --user USER[:GROUP]  user and group inside (names from the container's /etc/passwd\n"
    "                           and /etc/group, or numbers; default 0:0)\n"
    "  -h, --hostname NAME      hostname inside (default: the container's name)\n"
    "  -v, --volume SRC:DST[:ro]  bind-mount host path SRC at DST\n"
    "  --tmpfs DST[:OPTS]       mount a tmpfs at DST; OPTS: size=SIZE, mode=OCTAL, ro,\n"
    "                           noexec, uid=N, gid=N, nr_inodes=N (comma-separated)\n"
    "  --read-only              make / read-only\n"
    "  --uidmap auto|subid|single  id mapping (default auto: subordinate ids when set up)\n"
    "  --userns host|keep-id[:uid=N,gid=N]  container root is you (default), or your own\n"
    "                           uid and gid inside, and the command runs as you\n"
    "  --overlay auto|kernel|fuse|none  how ROOTFS is made writable (default auto)\n"
    "  --net MODE               network: host (the caller's, default), none (loopback only),\n"
    "                           private (its own, NAT'd through pasta or slirp4netns),\n"
    "                           pasta, slirp4netns[:allow_host_loopback=true]\n"
    "  -p, --publish [IP:][HOSTPORT:]CPORT[/tcp|/udp]  publish the container's port CPORT\n"
    "                           on HOSTPORT of the host (every address unless IP is given;\n"
    "                           no HOSTPORT: a free one, see 'conti-rootless port NAME');\n"
    "                           ranges as 8080-8081:80-81, IPv6 as [::1]:8080:80. A port is\n"
    "                           published from a network of the container's own: -p gives\n"
    "                           it --net private unless --net says private, pasta or\n"
    "                           slirp4netns (host and none are refused)\n"
    "  -P, --publish-all        publish every port the image exposes on a free host port\n"
    "  --cap-add CAP, --cap-drop CAP  change the capabilities (default: docker's set; ALL)\n"
    "  --privileged             keep every capability of the user namespace, no masked paths\n"
    "  --security-opt OPT       no-new-privileges[=true] (a setuid binary gains nothing),\n"
    "                           nested[=true] (user namespaces inside: bwrap, podman),\n"
    "                           seccomp=unconfined, landlock=unconfined\n"
    "  --init=false             the command itself is PID 1 (default --init=true: a small\n"
    "                           init runs it, passes signals on and reaps orphans)\n"
    "  --log-size-max SIZE      cap of the container's log (default 20m; e.g. 512k)\n"
    "  --ulimit TYPE=SOFT[:HARD]  a resource limit of the command (nofile, nproc, core,\n"
    "                           stack, memlock, ...; -1 or unlimited), repeatable\n"
    "  --shm-size SIZE          size of /dev/shm (default 64m)\n"
    "  --dns IP                 nameserver of the container's /etc/resolv.conf (repeatable;\n"
    "                           default: the host's)\n"
    "  --dns-search DOMAIN      search domain of /etc/resolv.conf ('.': none)\n"
    "  --dns-option OPT         option of /etc/resolv.conf (e.g. ndots:2)\n"
    "  --add-host NAME:IP       a line of the container's /etc/hosts\n"
    "  --no-hosts               keep the rootfs's own /etc/hosts\n"
    "  --trace                  print each kernel step with its time (as before the command)\n"
    "  --help                   this text\n"
    "\n"
    "Limits through a cgroup of the container's own (the host must delegate its\n"
    "controllers to you: see 'conti-rootless check'):\n"
    "  -m, --memory SIZE        memory limit (at least 6m)\n"
    "  --memory-swap SIZE       memory plus swap (-1: unlimited swap; default: twice\n"
    "                           --memory, i.e. as much swap as memory)\n"
    "  --memory-reservation SIZE  memory kept from reclaim (memory.low)\n"
    "  --cpus N                 CPU time, in CPUs (0.5: half of one)\n"
    "  -c, --cpu-shares N       relative CPU weight in cgroup v1 units (2..262144)\n"
    "  --cpu-weight N           relative CPU weight (1..10000, default 100)\n"
    "  --pids-limit N           processes at most (-1 or 0: unlimited; default 2048, or\n"
    "                           half of your RLIMIT_NPROC, where the pids controller is)\n"
    "  --io-weight N            relative block I/O weight (1..10000)\n"
    "  --blkio-weight N         relative block I/O weight in cgroup v1 units (10..1000)\n"
    "  --cgroups enabled|disabled  a cgroup of the container's own where the host\n"
    "                           delegates one (default), or none\n"
    "\n"
    "Without -d, the output goes to the caller and, unless --rm is given, to the log too\n"
    "(conti-rootless logs NAME).\n"
    "\n"
    "Example: conti-rootless run --rm -v $PWD:/src -w /src ./rootfs sh -c 'ls'\n";

static int bad_usage(struct cr_error *err, const char *cmd, const char *what, const char *arg)
{
	char cut[CR_CUT_SIZE];

	cr_fail(err, 0, "%s '%s'", what, cr_cut(arg, cut, sizeof(cut)));
	return cr_hint(err, "see 'conti-rootless %s--help'", cmd);
}

int cli_parse_user(const char *s, uid_t *uid, gid_t *gid, struct cr_error *err)
{
	cleanup_free char *copy = cr_xstrdup(s);
	char *colon = strchr(copy, ':');
	unsigned long u, g = 0;

	if (!user_spec_valid(s)) {
		char cut[CR_CUT_SIZE];

		cr_fail(err, 0, "invalid --user '%s'", cr_cut(s, cut, sizeof(cut)));
		return cr_hint(err, "give USER[:GROUP], each a name from the container's "
				    "/etc/passwd and /etc/group or a number, e.g. -u 1000:1000");
	}
	if (colon)
		*colon = '\0';
	if (!cr_parse_ulong(copy, &u) || (colon && !cr_parse_ulong(colon + 1, &g)))
		return 1; /* names: resolved inside the container */
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

/* --userns host|keep-id[:uid=N,gid=N] (podman's names). */
static int parse_userns(const char *arg, struct cr_config *cfg, struct cr_error *err)
{
	cleanup_free char *copy = cr_xstrdup(arg);
	char *opts = strchr(copy, ':'), *save = NULL;

	if (opts)
		*opts++ = '\0';
	cfg->keepid_uid = cfg->keepid_gid = -1;
	if (!strcmp(copy, "host") && !opts) {
		cfg->userns = CR_USERNS_HOST;
		return 0;
	}
	if (strcmp(copy, "keep-id"))
		goto bad;
	cfg->userns = CR_USERNS_KEEP_ID;
	for (char *o = opts ? strtok_r(opts, ",", &save) : NULL; o;
	     o = strtok_r(NULL, ",", &save)) {
		unsigned long n;

		if (!strncmp(o, "uid=", 4) && cr_parse_ulong(o + 4, &n) && n < 0xffffffffUL)
			cfg->keepid_uid = (long)n;
		else if (!strncmp(o, "gid=", 4) && cr_parse_ulong(o + 4, &n) && n < 0xffffffffUL)
			cfg->keepid_gid = (long)n;
		else
			goto bad;
	}
	return 0;
bad:
	cr_fail(err, 0, "invalid --userns '%s'", arg);
	return cr_hint(err, "give host (the default: container root is you) or "
			    "keep-id[:uid=N,gid=N] (your own ids inside)");
}

static bool path_is_absolute(const char *p)
{
	return p && p[0] == '/';
}

/* --tmpfs DST[:OPTS] (docker's): OPTS as config_tmpfs_options reads them. */
static int tmpfs_option(struct cr_config *cfg, const char *arg, struct cr_error *err)
{
	cleanup_free char *dst = cr_xstrdup(arg);
	char *opts = strchr(dst, ':');

	if (opts)
		*opts++ = '\0';
	if (!path_is_absolute(dst))
		return bad_usage(err, "run ", "--tmpfs needs an absolute path, not", arg);
	config_add_mount(cfg, CR_MOUNT_TMPFS, NULL, dst, false);
	if (config_tmpfs_options(&cfg->mounts[cfg->nmounts - 1], opts, err) < 0) {
		cfg->nmounts--;
		free(cfg->mounts[cfg->nmounts].dst);
		free(cfg->mounts[cfg->nmounts].data);
		return -1;
	}
	return 0;
}

int cli_parse_volume(const char *s, struct cr_config *cfg, struct cr_error *err)
{
	cleanup_free char *copy = cr_xstrdup(s);
	char *dst, *opt;
	char cut[CR_CUT_SIZE], cut_dst[CR_CUT_SIZE];
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
		cr_fail(err, 0, "invalid --volume '%s': the container path '%s' is not absolute",
			cr_cut(s, cut, sizeof(cut)), cr_cut(dst, cut_dst, sizeof(cut_dst)));
		return cr_hint(err, "write it as SRC:/path/in/container");
	}
	config_add_mount(cfg, CR_MOUNT_BIND, copy, dst, ro);
	return 0;
bad:
	cr_fail(err, 0, "invalid --volume '%s'", cr_cut(s, cut, sizeof(cut)));
	return cr_hint(err, "write it as SRC:DST or SRC:DST:ro");
}

static int parse_mode(const char *opt, const char *arg, const char *const *names, int n, int *out,
		      struct cr_error *err)
{
	char cut[CR_CUT_SIZE], valid[128] = "";

	for (int i = 0; i < n; i++) {
		if (!strcmp(arg, names[i])) {
			*out = i;
			return 0;
		}
	}
	for (int i = 0; i < n; i++)
		snprintf(valid + strlen(valid), sizeof(valid) - strlen(valid), "%s%s", i ? "|" : "",
			 names[i]);
	cr_fail(err, 0, "invalid --%s '%s': valid values are %s", opt,
		cr_cut(arg, cut, sizeof(cut)), valid);
	return cr_hint(err, "e.g. --%s=%s; see 'conti-rootless run --help'", opt, names[0]);
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
	OPT_FORMAT,
	OPT_CAP_ADD,
	OPT_CAP_DROP,
	OPT_PRIVILEGED,
	OPT_SECURITY_OPT,
	OPT_FOLLOW_LINK,
	OPT_LOG_SIZE_MAX,
	OPT_NO_TRUNC,
	OPT_TRACE,
	OPT_TAIL,
	OPT_SINCE,
	OPT_INIT,
	OPT_DNS,
	OPT_DNS_SEARCH,
	OPT_DNS_OPTION,
	OPT_ADD_HOST,
	OPT_NO_HOSTS,
	OPT_USERNS,
	OPT_ENTRYPOINT,
	OPT_PULL,
	OPT_MEMORY_SWAP,
	OPT_MEMORY_RESERVATION,
	OPT_CPUS,
	OPT_CPU_WEIGHT,
	OPT_PIDS_LIMIT,
	OPT_IO_WEIGHT,
	OPT_BLKIO_WEIGHT,
	OPT_CGROUPS,
	OPT_ULIMIT,
	OPT_SHM_SIZE,
	OPT_NO_STREAM,
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
    {"userns", required_argument, NULL, OPT_USERNS},
    {"overlay", required_argument, NULL, OPT_OVERLAY},
    {"net", required_argument, NULL, OPT_NET},
    {"network", required_argument, NULL, OPT_NET},
    {"detach", no_argument, NULL, 'd'},
    {"cap-add", required_argument, NULL, OPT_CAP_ADD},
    {"cap-drop", required_argument, NULL, OPT_CAP_DROP},
    {"privileged", no_argument, NULL, OPT_PRIVILEGED},
    {"security-opt", required_argument, NULL, OPT_SECURITY_OPT},
    {"log-size-max", required_argument, NULL, OPT_LOG_SIZE_MAX},
    {"trace", no_argument, NULL, OPT_TRACE},
    {"init", optional_argument, NULL, OPT_INIT},
    {"dns", required_argument, NULL, OPT_DNS},
    {"dns-search", required_argument, NULL, OPT_DNS_SEARCH},
    {"dns-option", required_argument, NULL, OPT_DNS_OPTION},
    {"dns-opt", required_argument, NULL, OPT_DNS_OPTION},
    {"add-host", required_argument, NULL, OPT_ADD_HOST},
    {"no-hosts", no_argument, NULL, OPT_NO_HOSTS},
    {"entrypoint", required_argument, NULL, OPT_ENTRYPOINT},
    {"pull", required_argument, NULL, OPT_PULL},
    {"publish", required_argument, NULL, 'p'},
    {"publish-all", no_argument, NULL, 'P'},
    {"memory", required_argument, NULL, 'm'},
    {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
    {"memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {"cpu-shares", required_argument, NULL, 'c'},
    {"cpu-weight", required_argument, NULL, OPT_CPU_WEIGHT},
    {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
    {"io-weight", required_argument, NULL, OPT_IO_WEIGHT},
    {"blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT},
    {"cgroups", required_argument, NULL, OPT_CGROUPS},
    {"ulimit", required_argument, NULL, OPT_ULIMIT},
    {"shm-size", required_argument, NULL, OPT_SHM_SIZE},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static const char *const uidmap_names[] = {"auto", "subid", "single"};
static const char *const overlay_names[] = {"auto", "kernel", "fuse", "none"};
static const char *const net_names[] = {"host", "none", "private", "pasta", "slirp4netns"};

/* --net host|none|private|pasta|slirp4netns[:allow_host_loopback=true|false] (podman's
 * names: private is the rootless default helper, pasta where it is installed). */
static int net_mode_option(struct cr_config *cfg, const char *arg, struct cr_error *err)
{
	cleanup_free char *mode_name = cr_xstrdup(arg);
	char *opts = strchr(mode_name, ':');
	int mode;

	if (opts)
		*opts++ = '\0';
	if (parse_mode("net", mode_name, net_names, 5, &mode, err) < 0)
		return -1;
	cfg->net = mode <= CR_NET_PRIVATE ? (enum cr_net_mode)mode : CR_NET_PRIVATE;
	cfg->net_helper = mode == 3   ? CR_NETH_PASTA
			  : mode == 4 ? CR_NETH_SLIRP4NETNS
				      : CR_NETH_AUTO;
	cfg->net_host_loopback = false;
	if (!opts)
		return 0;
	if (cfg->net == CR_NET_PRIVATE && !strcmp(opts, "allow_host_loopback=true")) {
		cfg->net_host_loopback = true;
		return 0;
	}
	if (cfg->net == CR_NET_PRIVATE && !strcmp(opts, "allow_host_loopback=false"))
		return 0;
	cr_fail(err, 0, "invalid --net option '%s'", opts);
	return cr_hint(err, "the only option is allow_host_loopback=true|false, after private, "
			    "pasta or slirp4netns");
}
static const char *const pull_names[] = {"missing", "always", "never"};

static int net_option(struct cr_config *cfg, int c, const char *arg, struct cr_error *err);

static int run_option(struct cr_cli *cli, int c, const char *arg, struct cr_error *err)
{
	struct cr_config *cfg = &cli->cfg;
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
	case OPT_CAP_ADD:
		return security_change_caps(&cfg->sec.caps, arg, true, err);
	case OPT_CAP_DROP:
		return security_change_caps(&cfg->sec.caps, arg, false, err);
	case OPT_PRIVILEGED:
		cfg->sec.privileged = true;
		return 0;
	case OPT_SECURITY_OPT:
		return security_set_option(&cfg->sec, arg, err);
	case OPT_INIT:
		/* docker's and podman's boolean --init, here true by default */
		if (arg && strcmp(arg, "true") && strcmp(arg, "false"))
			return bad_usage(err, "run ", "--init takes true or false, not", arg);
		cfg->init = !arg || !strcmp(arg, "true");
		return 0;
	case OPT_LOG_SIZE_MAX:
		cfg->log_size_max = log_parse_size(arg);
		if (cfg->log_size_max < CR_LOG_SIZE_MIN)
			return bad_usage(err, "run ",
					 "--log-size-max must be a size from 8k to 1t, not", arg);
		return 0;
	case 'd':
		if (cli->command != CR_CMD_RUN)
			return bad_usage(err, "create ", "unknown option", "--detach");
		cli->detach = true;
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
		free(cfg->user);
		cfg->user = cr_xstrdup(arg);
		cfg->uid = 0;
		cfg->gid = 0;
		return cli_parse_user(arg, &cfg->uid, &cfg->gid, err) < 0 ? -1 : 0;
	case OPT_USERNS:
		return parse_userns(arg, cfg, err);
	case OPT_TRACE:
		cli->trace = cfg->trace = true;
		return 0;
	case 'h': /* docker's -h: the hostname, for run and create */
	case OPT_HOSTNAME:
		if (!*arg || strlen(arg) > 64 || netfiles_check_word(arg, "--hostname", err) < 0)
			return bad_usage(err, "run ", "invalid --hostname", arg);
		free(cfg->hostname);
		cfg->hostname = cr_xstrdup(arg);
		return 0;
	case 'v':
		return cli_parse_volume(arg, cfg, err);
	case OPT_TMPFS:
		return tmpfs_option(cfg, arg, err);
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
		cli->net_given = true;
		return net_mode_option(cfg, arg, err);
	case 'p':
		return ports_parse(arg, &cfg->ports, &cfg->nports, err);
	case 'P':
		cfg->publish_all = true;
		return 0;
	}
	return net_option(cfg, c, arg, err);
}

/* One integer option in [min, max], for the weights and limits. */
static int int_option(const char *opt, const char *arg, unsigned long min, unsigned long max,
		      unsigned long *out, struct cr_error *err)
{
	char cut[CR_CUT_SIZE];

	if (cr_parse_ulong(arg, out) && *out >= min && *out <= max)
		return 0;
	cr_fail(err, 0, "invalid --%s '%s': give a number from %lu to %lu", opt,
		cr_cut(arg, cut, sizeof(cut)), min, max);
	return cr_hint(err, "see 'conti-rootless run --help'");
}

/* A size option (docker's units: b, k, m, g, t), at least min bytes. */
static int size_option(const char *opt, const char *arg, long long min, long long *out,
		       struct cr_error *err)
{
	char cut[CR_CUT_SIZE];

	*out = limits_parse_size(arg);
	if (*out >= min && *out > 0)
		return 0;
	if (*out >= 0) {
		if (min % (1LL << 20) == 0)
			cr_fail(err, 0, "invalid --%s '%s': the least is %lldm", opt,
				cr_cut(arg, cut, sizeof(cut)), min >> 20);
		else
			cr_fail(err, 0, "invalid --%s '%s': give more than 0 bytes", opt,
				cr_cut(arg, cut, sizeof(cut)));
		return cr_hint(err, "give a larger size, e.g. --%s=64m", opt);
	}
	cr_fail(err, 0, "invalid --%s '%s': not a size", opt, cr_cut(arg, cut, sizeof(cut)));
	return cr_hint(err, "give a number with b, k, m, g or t, e.g. --%s=512m", opt);
}

#define CLI_MEMORY_MIN (6LL << 20) /* docker's and podman's least --memory */
#define CLI_PIDS_MAX 4194304UL	   /* the kernel's PID_MAX_LIMIT */

/* --memory, --memory-swap, --memory-reservation. */
static int memory_option(const char *opt, const char *arg, struct cr_resources *res,
			 struct cr_error *err)
{
	if (!strcmp(opt, "memory"))
		return size_option(opt, arg, CLI_MEMORY_MIN, &res->memory, err);
	if (!strcmp(opt, "memory-reservation"))
		return size_option(opt, arg, 1, &res->memory_reservation, err);
	if (!strcmp(arg, "-1")) {
		res->memory_swap = CR_RES_UNLIMITED;
		return 0;
	}
	return size_option(opt, arg, CLI_MEMORY_MIN, &res->memory_swap, err);
}

/* --cpus, --cpu-shares, --cpu-weight. */
static int cpu_option(const char *opt, const char *arg, struct cr_resources *res,
		      struct cr_error *err)
{
	unsigned long n;
	char cut[CR_CUT_SIZE];

	if (!strcmp(opt, "cpus")) {
		long long quota = limits_parse_cpus(arg, 100000);

		/* the kernel's least quota is 1 ms of a period */
		if (quota < 1000) {
			cr_fail(err, 0, "invalid --cpus '%s': give a number of CPUs from 0.01",
				cr_cut(arg, cut, sizeof(cut)));
			return cr_hint(err, "e.g. --cpus=0.5 for half of one CPU");
		}
		res->cpu_quota = quota;
		res->cpu_period = 100000;
		return 0;
	}
	if (!strcmp(opt, "cpu-shares")) {
		if (int_option(opt, arg, 2, 262144, &n, err) < 0)
			return -1;
		res->cpu_weight = limits_shares_to_weight(n);
		return 0;
	}
	if (int_option(opt, arg, 1, 10000, &n, err) < 0)
		return -1;
	res->cpu_weight = (unsigned)n;
	return 0;
}

int cli_parse_limit(const char *opt, const char *arg, struct cr_config *cfg, struct cr_error *err)
{
	struct cr_resources *res = &cfg->res;
	unsigned long n;

	if (!strncmp(opt, "memory", 6))
		return memory_option(opt, arg, res, err);
	if (!strncmp(opt, "cpu", 3))
		return cpu_option(opt, arg, res, err);
	if (!strcmp(opt, "pids-limit")) {
		/* podman's: -1 and 0 are unlimited */
		if (!strcmp(arg, "-1") || !strcmp(arg, "0")) {
			res->pids_limit = CR_RES_UNLIMITED;
			return 0;
		}
		if (int_option(opt, arg, 1, CLI_PIDS_MAX, &n, err) < 0)
			return -1;
		res->pids_limit = (long long)n;
		return 0;
	}
	if (!strcmp(opt, "io-weight") || !strcmp(opt, "blkio-weight")) {
		bool v1 = opt[0] == 'b';

		if (int_option(opt, arg, v1 ? 10 : 1, v1 ? 1000 : 10000, &n, err) < 0)
			return -1;
		res->io_weight = v1 ? limits_blkio_to_io_weight(n) : (unsigned)n;
		return 0;
	}
	return cr_fail(err, EINVAL, "internal error: limit option --%s", opt);
}

/* The first limit res gives that needs a cgroup, as its option's name; NULL: none. */
static const char *limit_given(const struct cr_resources *res)
{
	if (res->memory)
		return "--memory";
	if (res->memory_swap)
		return "--memory-swap";
	if (res->memory_reservation)
		return "--memory-reservation";
	if (res->cpu_quota)
		return "--cpus";
	if (res->cpu_weight)
		return "--cpu-weight";
	if (res->pids_limit)
		return "--pids-limit";
	if (res->io_weight)
		return "--io-weight";
	return NULL;
}

int cli_check_limits(const struct cr_config *cfg, struct cr_error *err)
{
	const struct cr_resources *res = &cfg->res;
	const char *given = limit_given(res);

	if (!cfg->cgroups && given) {
		cr_fail(err, 0, "%s needs a cgroup, and --cgroups=disabled makes none", given);
		return cr_hint(err, "drop --cgroups=disabled, or the limit");
	}
	/* docker's rules: swap is memory plus swap, so it needs the memory limit (-1 alone:
	 * unlimited swap, allowed) */
	if (res->memory_swap > 0 && !res->memory) {
		cr_fail(err, 0, "--memory-swap needs --memory (it is memory plus swap)");
		return cr_hint(err, "give --memory too, e.g. -m 512m --memory-swap 1g");
	}
	if (res->memory_swap > 0 && res->memory_swap < res->memory) {
		cr_fail(err, 0, "--memory-swap (%lld bytes) is less than --memory (%lld bytes)",
			res->memory_swap, res->memory);
		return cr_hint(err, "--memory-swap is memory plus swap: give at least --memory, "
				    "or -1 for unlimited swap");
	}
	if (res->memory && res->memory_reservation > res->memory) {
		cr_fail(err, 0, "--memory-reservation is more than --memory");
		return cr_hint(err, "give a reservation below the limit");
	}
	return 0;
}

/* The limit options (cgroup/limits.h), --cgroups, --ulimit and --shm-size. */
static int limit_option(struct cr_config *cfg, int c, const char *arg, struct cr_error *err)
{
	static const struct {
		int c;
		const char *name;
	} names[] = {
	    {'m', "memory"},
	    {OPT_MEMORY_SWAP, "memory-swap"},
	    {OPT_MEMORY_RESERVATION, "memory-reservation"},
	    {OPT_CPUS, "cpus"},
	    {'c', "cpu-shares"},
	    {OPT_CPU_WEIGHT, "cpu-weight"},
	    {OPT_PIDS_LIMIT, "pids-limit"},
	    {OPT_IO_WEIGHT, "io-weight"},
	    {OPT_BLKIO_WEIGHT, "blkio-weight"},
	};
	static const char *const cgroups_names[] = {"enabled", "disabled"};
	int mode = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].c == c)
			return cli_parse_limit(names[i].name, arg, cfg, err);
	}
	switch (c) {
	case OPT_CGROUPS:
		if (parse_mode("cgroups", arg, cgroups_names, 2, &mode, err) < 0)
			return -1;
		cfg->cgroups = mode == 0;
		return 0;
	case OPT_ULIMIT:
		return limits_parse_ulimit(arg, cfg, err);
	case OPT_SHM_SIZE:
		return size_option("shm-size", arg, 1, &cfg->shm_size, err);
	}
	return cr_fail(err, EINVAL, "internal error: option %d", c);
}

/* --entrypoint and --pull: how an IMAGE is run (image/record.h, image/lookup.h). */
static int image_option(struct cr_config *cfg, int c, const char *arg, struct cr_error *err)
{
	int mode = 0;

	switch (c) {
	case OPT_ENTRYPOINT:
		/* docker's: one word, the image's Entrypoint replaced; '' clears it */
		strv_free(&cfg->entrypoint);
		strv_push(&cfg->entrypoint, arg);
		cfg->entrypoint_set = true;
		return 0;
	case OPT_PULL:
		if (parse_mode("pull", arg, pull_names, 3, &mode, err) < 0)
			return -1;
		cfg->pull = mode;
		return 0;
	}
	return limit_option(cfg, c, arg, err);
}

/* The options of the container's /etc/resolv.conf and /etc/hosts (netfiles.h). */
static int net_option(struct cr_config *cfg, int c, const char *arg, struct cr_error *err)
{
	switch (c) {
	case OPT_DNS:
		if (netfiles_check_ip(arg, "--dns", err) < 0)
			return -1;
		strv_push(&cfg->dns, arg);
		return 0;
	case OPT_DNS_SEARCH:
		if (netfiles_check_word(arg, "--dns-search", err) < 0)
			return -1;
		strv_push(&cfg->dns_search, arg);
		return 0;
	case OPT_DNS_OPTION:
		if (netfiles_check_word(arg, "--dns-option", err) < 0)
			return -1;
		strv_push(&cfg->dns_opts, arg);
		return 0;
	case OPT_ADD_HOST:
		if (netfiles_check_add_host(arg, err) < 0)
			return -1;
		strv_push(&cfg->add_hosts, arg);
		return 0;
	case OPT_NO_HOSTS:
		cfg->no_hosts = true;
		return 0;
	}
	return image_option(cfg, c, arg, err);
}

/* The option text getopt stopped at, for the error line. */

static const char usage_start[] = "Usage: conti-rootless start [-a] NAME\n"
				  "\n"
				  "Start a created container, or run an exited one again on its "
				  "writable layer.\n"
				  "  -a, --attach   print its output and return its exit status\n"
				  "  --trace        print each kernel step with its time\n"
				  "\n"
				  "Example: conti-rootless start -a dev\n";
static const char usage_exec[] =
    "Usage: conti-rootless exec [OPTIONS] NAME CMD [ARG...]\n"
    "\n"
    "Run CMD inside the running container NAME.\n"
    "  -d, --detach           return at once; the command runs on, its output discarded\n"
    "  -t, --tty              allocate a pseudo-terminal (default: when stdin is one)\n"
    "  -i, --interactive      keep stdin open (always the case)\n"
    "  -e, --env KEY[=VAL]    set an environment variable\n"
    "  -w, --workdir DIR      working directory (default: the container's)\n"
    "  -u, --user USER[:GROUP]  user and group, names or numbers (default: the container's)\n"
    "  --trace                print each kernel step with its time\n"
    "\n"
    "Example: conti-rootless exec -it dev sh\n";
static const char usage_ps[] =
    "Usage: conti-rootless ps [-a] [-q] [--filter KEY=VALUE]... [--no-trunc] [--format FORMAT]\n"
    "\n"
    "List running containers (-a: also created and exited ones).\n"
    "  -a, --all               also created and exited ones\n"
    "  -q, --quiet             only the ids, one a line\n"
    "  -f, --filter KEY=VALUE  name=REGEX, id=PREFIX, status=created|running|exited;\n"
    "                          repeated: values of one key or'ed, keys and'ed\n"
    "  --no-trunc              full ids, cells never cut\n"
    "  --format json           a JSON array, with exact times and the namespace handles\n"
    "  --format TEMPLATE       a line per container, e.g. '{{.Names}}\\t{{.Status}}'\n"
    "                          ('table TEMPLATE': aligned, with a header); fields:\n"
    "                          ID Names Image Rootfs Command CreatedAt RunningFor Status\n"
    "                          State Pid ExitCode\n"
    "\n"
    "Example: conti-rootless ps -a --filter status=exited -q\n";
static const char usage_inspect[] = "Usage: conti-rootless inspect NAME...\n"
				    "\n"
				    "Print the containers' details as one JSON array, an object "
				    "each. An unknown\n"
				    "name: the others are printed, an error line for it, exit 1.\n"
				    "\n"
				    "Example: conti-rootless inspect dev\n";
static const char usage_logs[] =
    "Usage: conti-rootless logs [OPTIONS] NAME\n"
    "\n"
    "Print the output of a container run detached, or in the foreground without --rm.\n"
    "  -f, --follow       keep printing until it exits\n"
    "  -n, --tail N       only the last N lines (default all)\n"
    "  --since T          only lines since T: a time (2026-11-23T22:40:01Z, 2026-11-23),\n"
    "                     Unix seconds, or a duration before now (10m, 1h30m)\n"
    "  -t, --timestamps   begin each line with the time it came (RFC 3339, UTC)\n"
    "\n"
    "Example: conti-rootless logs --tail 20 -t dev\n";
static const char usage_stop[] =
    "Usage: conti-rootless stop [-t SECS] NAME...\n"
    "\n"
    "Send SIGTERM to each container's PID 1, SIGKILL after SECS (10).\n"
    "  -t, --time SECS   the grace period\n"
    "\n"
    "Example: conti-rootless stop -t 2 dev\n";
static const char usage_kill[] = "Usage: conti-rootless kill [-s SIG] NAME...\n"
				 "\n"
				 "Send a signal (default KILL) to each container's PID 1, which "
				 "passes it on.\n"
				 "  -s, --signal SIG   a name (TERM, SIGUSR1) or a number\n"
				 "\n"
				 "Example: conti-rootless kill -s USR1 dev\n";
static const char usage_rm[] =
    "Usage: conti-rootless rm [-f] NAME...\n"
    "       conti-rootless rm -a [-f]\n"
    "\n"
    "Remove stopped containers' state and writable layers.\n"
    "  -f, --force   stop running ones first; no error for unknown names\n"
    "  -a, --all     every exited container (with -f: every container)\n"
    "\n"
    "Example: conti-rootless rm -f dev\n";
static const char usage_restart[] =
    "Usage: conti-rootless restart [-t SECS] NAME...\n"
    "\n"
    "Stop each container (as stop does), then start it again on its writable layer.\n"
    "  -t, --time SECS   the grace period before SIGKILL (10)\n"
    "\n"
    "Example: conti-rootless restart dev\n";
static const char usage_wait[] =
    "Usage: conti-rootless wait NAME...\n"
    "\n"
    "Wait until each container has exited and print its exit code, one line each\n"
    "(at once for one that has already exited).\n"
    "\n"
    "Example: conti-rootless wait dev\n";
static const char usage_cp[] =
    "Usage: conti-rootless cp [-L] NAME:SRC DEST\n"
    "       conti-rootless cp [-L] SRC NAME:DEST\n"
    "\n"
    "Copy files or directories (recursively) between the host and a running or stopped\n"
    "container. Container paths are resolved inside its root only. Copies into the\n"
    "container belong to its root, copies out to you; modes and times are kept.\n"
    "  -L, --follow-link   follow a symbolic link given as SRC (else it is copied as a link)\n"
    "\n"
    "Example: conti-rootless cp ./app.conf dev:/etc/app.conf\n";
static const char usage_stats[] =
    "Usage: conti-rootless stats [--no-stream] [--format json|table|TEMPLATE] [NAME...]\n"
    "\n"
    "Show the resource use of running containers (every running one when no NAME is given),\n"
    "redrawn every second until interrupted, as podman stats: ID, NAME, CPU % (100% is one\n"
    "CPU busy), MEM USAGE / LIMIT, MEM %, NET IO (a network of its own), BLOCK IO and PIDS,\n"
    "read from the container's cgroup. \"--\" where the host gives nothing to read (no\n"
    "cgroup delegated to you, a controller cgroup v1 holds, --net host's traffic).\n"
    "\n"
    "  --no-stream              print once and exit\n"
    "  --format FORMAT          table (default), json, or a template of {{.ID}}, {{.Name}},\n"
    "                           {{.CPUPerc}}, {{.MemUsage}}, {{.MemPerc}}, {{.NetIO}},\n"
    "                           {{.BlockIO}}, {{.PIDs}} (\"table \" before it: a header)\n"
    "\n"
    "Example: conti-rootless stats --no-stream web\n";
static const char usage_update[] =
    "Usage: conti-rootless update [OPTIONS] NAME\n"
    "\n"
    "Change the limits of a container: a running one's cgroup at once, and its saved\n"
    "configuration, so that its next start keeps them (a stopped one: only that). The\n"
    "limits not given stay as they were.\n"
    "\n"
    "  -m, --memory SIZE        memory limit\n"
    "  --memory-swap SIZE       memory plus swap (-1: unlimited swap)\n"
    "  --memory-reservation SIZE  memory kept from reclaim (memory.low)\n"
    "  --cpus N                 CPU time, in CPUs (0.5: half of one)\n"
    "  -c, --cpu-shares N       relative CPU weight, 2..262144 (cgroup v1 units)\n"
    "  --cpu-weight N           relative CPU weight, 1..10000\n"
    "  --pids-limit N           most processes (-1 or 0: unlimited)\n"
    "  --io-weight N            relative block I/O weight, 1..10000\n"
    "  --blkio-weight N         the same in cgroup v1 units, 10..1000\n"
    "\n"
    "Example: conti-rootless update --pids-limit 100 --memory 1g web\n";
static const char usage_top[] = "Usage: conti-rootless top NAME\n"
				"\n"
				"List the processes of a running container, as ps -ef does, with\n"
				"the PIDs and user ids it sees.\n"
				"\n"
				"Example: conti-rootless top dev\n";
static const char usage_port[] =
    "Usage: conti-rootless port NAME [PORT[/tcp|/udp]]\n"
    "\n"
    "List the ports container NAME publishes (-p, --publish-all), one a line as\n"
    "\"80/tcp -> 0.0.0.0:8080\"; with PORT, only the host address and port it is published\n"
    "on. A running container's random host ports are those chosen at its start.\n"
    "\n"
    "Example: conti-rootless port web 80\n";
static const char usage_prune[] =
    "Usage: conti-rootless container prune [-f]\n"
    "\n"
    "Remove every exited container, after asking; print their names.\n"
    "  -f, --force   do not ask\n"
    "\n"
    "Example: conti-rootless container prune -f\n";
static const char usage_check[] =
    "Usage: conti-rootless check [--format json]\n"
    "\n"
    "Check whether run will work on this machine, and say how to fix what is missing:\n"
    "one line per check, ok, warn or FAIL. Exit 0 when run will work, 1 otherwise.\n"
    "  --format json    the same as a JSON object, for scripts\n"
    "\n"
    "Example: conti-rootless check\n";
static const char usage_unshare[] =
    "Usage: conti-rootless unshare [CMD [ARG...]]\n"
    "\n"
    "Run CMD (default: $SHELL) in the user and mount namespaces that hold the containers'\n"
    "namespace handles, RUNTIME/NAME/ns/*, for lsns, findmnt, nsenter; RUNTIME (where\n"
    "runtime state is) is in $CONTI_ROOTLESS_RUNTIME there.\n"
    "\n"
    "Example: conti-rootless unshare sh -c 'nsenter --mount=$CONTI_ROOTLESS_RUNTIME/dev/ns/mnt "
    "sh'\n";

static const char usage_version[] =
    "Usage: conti-rootless version\n"
    "\n"
    "Print the version, how it was built and the kernel it runs on.\n";
static const char usage_help[] = "Usage: conti-rootless help [COMMAND]\n"
				 "\n"
				 "Print the list of commands, or COMMAND's options.\n";

/* The value of a logs option into cli->logs. */
static int logs_option(struct cr_cli *cli, int c, const char *arg, struct cr_error *err)
{
	struct timespec now;
	unsigned long n;

	switch (c) {
	case 'f':
		cli->follow = true;
		return 0;
	case 't':
		cli->logs.timestamps = true;
		return 0;
	case 'n':
	case OPT_TAIL:
		if (!strcmp(arg, "all")) {
			cli->logs.tail = -1;
			return 0;
		}
		if (!cr_parse_ulong(arg, &n) || n > (1UL << 40))
			return bad_usage(err, "logs ", "--tail takes a number of lines or all, not",
					 arg);
		cli->logs.tail = (long long)n;
		return 0;
	case OPT_SINCE:
		clock_gettime(CLOCK_REALTIME, &now);
		if (log_parse_since(arg, (long long)now.tv_sec * 1000000000LL + now.tv_nsec,
				    &cli->logs.since) < 0) {
			char cut[CR_CUT_SIZE];

			cr_fail(err, 0, "invalid --since '%s'", cr_cut(arg, cut, sizeof(cut)));
			return cr_hint(err, "give a time (2026-11-23T22:40:01Z), Unix seconds or "
					    "a duration (10m, 1h30m)");
		}
		if (cli->logs.since <= 0)
			cli->logs.since = 1; /* 0 is "no --since" */
		return 0;
	}
	return cr_fail(err, EINVAL, "internal error: option %d", c);
}

/* The value of an exec option into cli->exec. */
static int exec_option(struct cr_cli *cli, int c, const char *arg, struct cr_error *err)
{
	struct cr_exec *x = &cli->exec;

	switch (c) {
	case 'd':
		x->detach = true;
		return 0;
	case 't':
		x->tty = 1;
		return 0;
	case 'i':
		return 0;
	case 'e':
		return env_add_option(&x->env, arg, err);
	case 'w':
		if (!path_is_absolute(arg))
			return bad_usage(err, "exec ", "--workdir must be an absolute path, not",
					 arg);
		free(x->cwd);
		x->cwd = cr_xstrdup(arg);
		return 0;
	case 'u':
		x->user_set = true;
		free(x->user);
		x->user = cr_xstrdup(arg);
		return cli_parse_user(arg, &x->uid, &x->gid, err) < 0 ? -1 : 0;
	case OPT_TRACE:
		cli->trace = x->trace = true;
		return 0;
	}
	return cr_fail(err, EINVAL, "internal error: option %d", c);
}

static int simple_option(struct cr_cli *cli, int c, const char *arg, struct cr_error *err)
{
	unsigned long n;

	switch (c) {
	case 'a':
		cli->all = cli->attach = true;
		return 0;
	case OPT_TRACE:
		cli->trace = cli->cfg.trace = true;
		return 0;
	case 'f':
		cli->force = cli->follow = true;
		return 0;
	case 't':
		if (!cr_parse_ulong(arg, &n) || n > 86400)
			return bad_usage(err, "stop ", "invalid --time", arg);
		cli->timeout = (int)n;
		return 0;
	case 's':
		cli->signal = lifecycle_parse_signal(arg);
		if (cli->signal < 0)
			return bad_usage(err, "kill ", "unknown signal", arg);
		return 0;
	case 'L':
	case OPT_FOLLOW_LINK:
		cli->follow_links = true;
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "json") && strcmp(arg, "table"))
			return bad_usage(err, "ps ", "--format takes table or json, not", arg);
		cli->json = !strcmp(arg, "json");
		return 0;
	}
	return cr_fail(err, EINVAL, "internal error: option %d", c);
}

/* The value of a ps option into cli. */
static int ps_option(struct cr_cli *cli, int c, const char *arg, struct cr_error *err)
{
	switch (c) {
	case 'q':
		cli->quiet = true;
		return 0;
	case 'f':
		strv_push(&cli->filters, arg);
		return 0;
	case OPT_NO_TRUNC:
		cli->no_trunc = true;
		return 0;
	case OPT_FORMAT:
		if (strstr(arg, "{{")) {
			cli->format = arg;
			cli->json = false;
			return 0;
		}
		if (strcmp(arg, "json") && strcmp(arg, "table"))
			return bad_usage(err, "ps ",
					 "--format takes table, json or a template like "
					 "'{{.Names}}', not",
					 arg);
		cli->json = !strcmp(arg, "json");
		cli->format = NULL;
		return 0;
	}
	return simple_option(cli, c, arg, err);
}

/* A port is published from a network of the container's own: -p and -P alone give it a
 * private one; with --net host or none there is nothing to publish from. */
static int publish_network(struct cr_cli *cli, struct cr_error *err)
{
	struct cr_config *cfg = &cli->cfg;

	if (!cfg->nports && !cfg->publish_all)
		return 0;
	if (!cli->net_given) {
		cfg->net = CR_NET_PRIVATE;
		return 0;
	}
	if (cfg->net == CR_NET_PRIVATE)
		return 0;
	cr_fail(err, 0,
		"%s publishes ports, but --net %s has no network of its own to publish "
		"from",
		cfg->nports ? "-p" : "--publish-all", cfg->net == CR_NET_HOST ? "host" : "none");
	return cr_hint(err, "drop --net (publishing then gives the container a private network), "
			    "or use --net private; on --net host a server's port is the host's "
			    "already");
}

static int run_operands(struct cr_cli *cli, int argc, char **argv, struct cr_error *err)
{
	if (argc < 1) {
		cr_fail(err, 0, "%s needs an IMAGE or a ROOTFS directory",
			cli->command == CR_CMD_RUN ? "run" : "create");
		return cr_hint(err,
			       "usage: conti-rootless run [OPTIONS] IMAGE|ROOTFS [CMD [ARG...]]");
	}
	if (!argv[0][0])
		return bad_usage(err, "run ", "empty IMAGE or ROOTFS", argv[0]);
	cli->cfg.rootfs = cr_xstrdup(argv[0]);
	for (int i = 1; i < argc; i++)
		strv_push(&cli->cfg.args, argv[i]);
	if (cli_check_limits(&cli->cfg, err) < 0)
		return -1;
	return publish_network(cli, err);
}

static int exec_operands(struct cr_cli *cli, int argc, char **argv, struct cr_error *err)
{
	if (argc < 2) {
		cr_fail(err, 0, "exec needs a container NAME and a command");
		return cr_hint(err, "usage: conti-rootless exec [OPTIONS] NAME CMD [ARG...]");
	}
	if (state_validate_name(argv[0], err) < 0)
		return -1;
	cli->exec.name = argv[0];
	for (int i = 1; i < argc; i++)
		strv_push(&cli->exec.args, argv[i]);
	return 0;
}

/* NAME... operands: at least one (exactly one with one_only). */
static int name_operands(struct cr_cli *cli, int argc, char **argv, bool one_only,
			 struct cr_error *err)
{
	if (argc < 1 || (one_only && argc > 1)) {
		cr_fail(err, 0, "%s container NAME",
			one_only ? "give exactly one" : "give at least one");
		return cr_hint(err, "see 'conti-rootless %s --help'", cli->name);
	}
	for (int i = 0; i < argc; i++) {
		if (cli->command != CR_CMD_RM && state_validate_name(argv[i], err) < 0)
			return -1;
		strv_push(&cli->names, argv[i]);
	}
	return 0;
}

static int names_operands(struct cr_cli *cli, int argc, char **argv, struct cr_error *err)
{
	return name_operands(cli, argc, argv, false, err);
}

static int name_operand(struct cr_cli *cli, int argc, char **argv, struct cr_error *err)
{
	return name_operands(cli, argc, argv, true, err);
}

/* port: NAME [PORT[/PROTO]]. */
static int port_operands(struct cr_cli *cli, int argc, char **argv, struct cr_error *err)
{
	if (argc < 1 || argc > 2) {
		cr_fail(err, 0, "give a container NAME and at most one PORT[/PROTO]");
		return cr_hint(err, "see 'conti-rootless port --help'");
	}
	cli->port = argc > 1 ? argv[1] : NULL;
	return name_operands(cli, 1, argv, true, err);
}

/* rm: NAME..., or none with -a. */
static int rm_operands(struct cr_cli *cli, int argc, char **argv, struct cr_error *err)
{
	if (cli->all && argc > 0)
		return bad_usage(err, "rm ", "rm -a takes no NAME, got", argv[0]);
	if (cli->all)
		return 0;
	return name_operands(cli, argc, argv, false, err);
}

/* cp: SRC DEST, one of them NAME:PATH (checked by copy_parse_args before anything runs). */
static int cp_operands(struct cr_cli *cli, int argc, char **argv, struct cr_error *err)
{
	if (argc != 2) {
		cr_fail(err, 0, "cp takes a SRC and a DEST, one of them NAME:PATH");
		return cr_hint(err, "usage: conti-rootless cp NAME:SRC DEST, or cp SRC NAME:DEST");
	}
	strv_push(&cli->names, argv[0]);
	strv_push(&cli->names, argv[1]);
	return 0;
}

static int no_operands(struct cr_cli *cli, int argc, char **argv, struct cr_error *err)
{
	char usage_of[32];

	snprintf(usage_of, sizeof(usage_of), "%s ", cli->name);
	if (argc > 0)
		return bad_usage(err, usage_of, "unexpected argument", argv[0]);
	return 0;
}

static int any_operands(struct cr_cli *cli, int argc, char **argv, struct cr_error *err)
{
	for (int i = 0; i < argc; i++)
		strv_push(&cli->names, argv[i]);
	return 0;
}

/* stats: --no-stream, --format as ps takes it. */
static int stats_option(struct cr_cli *cli, int c, const char *arg, struct cr_error *err)
{
	if (c == OPT_NO_STREAM) {
		cli->no_stream = true;
		return 0;
	}
	if (strstr(arg, "{{")) {
		cli->format = arg;
		cli->json = false;
		return 0;
	}
	if (strcmp(arg, "json") && strcmp(arg, "table"))
		return bad_usage(err, "stats ",
				 "--format takes table, json or a template like '{{.Name}}', not",
				 arg);
	cli->json = !strcmp(arg, "json");
	cli->format = NULL;
	return 0;
}

/* update: the limit options, parsed as run's (cli_parse_limit); their rules are checked
 * against the container's saved limits they change (cmd-update.c). */
static int update_option(struct cr_cli *cli, int c, const char *arg, struct cr_error *err)
{
	return limit_option(&cli->cfg, c, arg, err);
}

/* update: one NAME, and at least one limit to change. */
static int update_operands(struct cr_cli *cli, int argc, char **argv, struct cr_error *err)
{
	static const struct cr_resources none;

	if (!memcmp(&cli->cfg.res, &none, sizeof(none))) {
		cr_fail(err, 0, "update: give at least one limit to change");
		return cr_hint(err, "e.g. conti-rootless update --pids-limit 100 %s",
			       argc ? argv[0] : "NAME");
	}
	return name_operands(cli, argc, argv, true, err);
}

/* stats: NAME..., or none for every running container. */
static int any_names(struct cr_cli *cli, int argc, char **argv, struct cr_error *err)
{
	return argc ? name_operands(cli, argc, argv, false, err) : 0;
}

#define HELP_OPT                                                                                   \
	{                                                                                          \
		"help", no_argument, NULL, OPT_HELP                                                \
	}
static const struct option exec_options[] = {{"detach", no_argument, NULL, 'd'},
					     {"tty", no_argument, NULL, 't'},
					     {"interactive", no_argument, NULL, 'i'},
					     {"env", required_argument, NULL, 'e'},
					     {"workdir", required_argument, NULL, 'w'},
					     {"user", required_argument, NULL, 'u'},
					     {"trace", no_argument, NULL, OPT_TRACE},
					     HELP_OPT,
					     {NULL, 0, NULL, 0}};
static const struct option start_options[] = {{"attach", no_argument, NULL, 'a'},
					      {"trace", no_argument, NULL, OPT_TRACE},
					      HELP_OPT,
					      {NULL, 0, NULL, 0}};
static const struct option ps_options[] = {{"all", no_argument, NULL, 'a'},
					   {"format", required_argument, NULL, OPT_FORMAT},
					   {"quiet", no_argument, NULL, 'q'},
					   {"filter", required_argument, NULL, 'f'},
					   {"no-trunc", no_argument, NULL, OPT_NO_TRUNC},
					   HELP_OPT,
					   {NULL, 0, NULL, 0}};
static const struct option logs_options[] = {{"follow", no_argument, NULL, 'f'},
					     {"tail", required_argument, NULL, OPT_TAIL},
					     {"since", required_argument, NULL, OPT_SINCE},
					     {"timestamps", no_argument, NULL, 't'},
					     HELP_OPT,
					     {NULL, 0, NULL, 0}};
static const struct option stop_options[] = {
    {"time", required_argument, NULL, 't'}, HELP_OPT, {NULL, 0, NULL, 0}};
static const struct option kill_options[] = {
    {"signal", required_argument, NULL, 's'}, HELP_OPT, {NULL, 0, NULL, 0}};
static const struct option rm_options[] = {{"force", no_argument, NULL, 'f'},
					   {"all", no_argument, NULL, 'a'},
					   HELP_OPT,
					   {NULL, 0, NULL, 0}};
static const struct option prune_options[] = {
    {"force", no_argument, NULL, 'f'}, HELP_OPT, {NULL, 0, NULL, 0}};
static const struct option cp_options[] = {
    {"follow-link", no_argument, NULL, 'L'}, HELP_OPT, {NULL, 0, NULL, 0}};
static const struct option help_only[] = {HELP_OPT, {NULL, 0, NULL, 0}};
static const struct option check_options[] = {
    {"format", required_argument, NULL, OPT_FORMAT}, HELP_OPT, {NULL, 0, NULL, 0}};

static const struct option stats_options[] = {{"no-stream", no_argument, NULL, OPT_NO_STREAM},
					      {"format", required_argument, NULL, OPT_FORMAT},
					      HELP_OPT,
					      {NULL, 0, NULL, 0}};
static const struct option update_options[] = {
    {"memory", required_argument, NULL, 'm'},
    {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
    {"memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {"cpu-shares", required_argument, NULL, 'c'},
    {"cpu-weight", required_argument, NULL, OPT_CPU_WEIGHT},
    {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
    {"io-weight", required_argument, NULL, OPT_IO_WEIGHT},
    {"blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT},
    HELP_OPT,
    {NULL, 0, NULL, 0}};

/* Every command as data: its options, how it takes them and its operands. */
static const struct command {
	const char *name;
	enum cr_command cmd;
	const char *usage;
	const char *shortopts; /* getopt's: "+" stops at the first operand */
	const struct option *longopts;
	int (*option)(struct cr_cli *cli, int c, const char *arg, struct cr_error *err);
	int (*operands)(struct cr_cli *cli, int argc, char **argv, struct cr_error *err);
} commands[] = {
    {"run", CR_CMD_RUN, usage_run, "+:dtie:w:u:v:h:p:Pm:c:", run_options, run_option, run_operands},
    {"create", CR_CMD_CREATE, usage_run, "+:tie:w:u:v:h:p:Pm:c:", run_options, run_option,
     run_operands},
    {"start", CR_CMD_START, usage_start, "+:a", start_options, simple_option, name_operand},
    {"exec", CR_CMD_EXEC, usage_exec, "+:dtie:w:u:", exec_options, exec_option, exec_operands},
    {"ps", CR_CMD_PS, usage_ps, "+:aqf:", ps_options, ps_option, no_operands},
    {"list", CR_CMD_PS, usage_ps, "+:aqf:", ps_options, ps_option, no_operands},
    {"inspect", CR_CMD_INSPECT, usage_inspect, "+:", help_only, simple_option, names_operands},
    {"logs", CR_CMD_LOGS, usage_logs, "+:fn:t", logs_options, logs_option, name_operand},
    {"stop", CR_CMD_STOP, usage_stop, "+:t:", stop_options, simple_option, names_operands},
    {"kill", CR_CMD_KILL, usage_kill, "+:s:", kill_options, simple_option, names_operands},
    {"rm", CR_CMD_RM, usage_rm, "+:fa", rm_options, simple_option, rm_operands},
    {"unshare", CR_CMD_UNSHARE, usage_unshare, "+", help_only, simple_option, any_operands},
    {"check", CR_CMD_CHECK, usage_check, "+:", check_options, simple_option, no_operands},
    {"version", CR_CMD_VERSION, usage_version, "+:", help_only, simple_option, no_operands},
    {"help", CR_CMD_NONE, usage_help, "+", help_only, simple_option, any_operands},
    {"restart", CR_CMD_RESTART, usage_restart, "+:t:", stop_options, simple_option, names_operands},
    {"wait", CR_CMD_WAIT, usage_wait, "+:", help_only, simple_option, names_operands},
    {"cp", CR_CMD_CP, usage_cp, "+:L", cp_options, simple_option, cp_operands},
    {"top", CR_CMD_TOP, usage_top, "+:", help_only, simple_option, name_operand},
    {"port", CR_CMD_PORT, usage_port, "+:", help_only, simple_option, port_operands},
    {"stats", CR_CMD_STATS, usage_stats, "+:", stats_options, stats_option, any_names},
    {"update", CR_CMD_UPDATE, usage_update, "+:m:c:", update_options, update_option,
     update_operands},
    {"container prune", CR_CMD_PRUNE, usage_prune, "+:f", prune_options, simple_option,
     no_operands},
};

/* The option text getopt stopped at, for the error line. */
static const char *failed_option(char **argv, int optind_after)
{
	return argv[optind_after - 1] ? argv[optind_after - 1] : "?";
}

static int parse_command(const struct command *c, int argc, char **argv, struct cr_cli *cli,
			 FILE *out, struct cr_error *err)
{
	char usage_of[64];
	int opt;

	snprintf(usage_of, sizeof(usage_of), "%s ", c->name);
	cli->command = c->cmd;
	cli->name = c->name;
	/* 0, not 1: a full reset of getopt (glibc, musl), which otherwise may go on inside an
	 * earlier argv's option cluster (the fuzz target parses many). */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, c->shortopts, c->longopts, NULL)) != -1) {
		/* -h is help, as docker has it, but where it is the hostname (run, create) */
		if (opt == OPT_HELP ||
		    (opt == '?' && optopt == 'h' && !strchr(c->shortopts, 'h'))) {
			fputs(c->usage, out);
			cli->command = CR_CMD_NONE;
			return 0;
		}
		if (opt == '?')
			return bad_usage(err, usage_of, "unknown option",
					 failed_option(argv, optind));
		if (opt == ':')
			return bad_usage(err, usage_of, "missing value for option",
					 failed_option(argv, optind));
		if (c->option(cli, opt, optarg, err) < 0)
			return -1;
	}
	return c->operands(cli, argc - optind, argv + optind, err);
}

/* help [COMMAND]: the main text, or COMMAND's (as COMMAND --help). */
static int help_command(int argc, char **argv, struct cr_cli *cli, FILE *out, struct cr_error *err)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage_help, out);
		return 0;
	}
	if (argc > 2)
		return bad_usage(err, "help ", "unexpected argument", argv[2]);
	if (argc == 1) {
		fputs(usage_main, out);
		return 0;
	}
	if (image_is_helper_command(argv[1])) {
		cli->command = CR_CMD_IMAGE; /* the helper prints its own usage */
		cli->name = argv[1];
		strv_push(&cli->names, argv[1]);
		strv_push(&cli->names, "--help");
		return 0;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (!strcmp(argv[1], commands[c].name)) {
			fputs(commands[c].usage, out);
			return 0;
		}
	}
	return bad_usage(err, "", "unknown command", argv[1]);
}

void cli_print_version(FILE *out)
{
	struct utsname u;

	fprintf(out, "conti-rootless version %s\n", CR_VERSION);
#ifdef __GLIBC__
	fputs(" libc:     glibc\n", out);
#else
	fputs(" libc:     musl (static)\n", out);
#endif
	fputs(" seccomp:  compiled in (docker's default profile, a cBPF filter; no libseccomp)\n",
	      out);
	fputs(" landlock: used when the kernel has it\n", out);
	if (uname(&u) == 0)
		fprintf(out, " kernel:   %s %s %s\n", u.sysname, u.release, u.machine);
}

/* argv[0] is the command; docker's `container CMD` spelling of each (`container prune`
 * only so, `container ls` for ps) is taken too. */
static int find_command(int argc, char **argv, struct cr_cli *cli, FILE *out, struct cr_error *err)
{
	size_t n = sizeof(commands) / sizeof(commands[0]);

	if (!strcmp(argv[0], "container") && argc > 1) {
		/* docker's container ls is ps */
		const char *want = strcmp(argv[1], "ls") ? argv[1] : "ps";

		for (size_t c = 0; c < n; c++) {
			const char *sub = commands[c].name;

			if (!strncmp(sub, "container ", 10))
				sub += 10;
			if (!strcmp(want, sub))
				return parse_command(&commands[c], argc - 1, argv + 1, cli, out,
						     err);
		}
		return bad_usage(err, "", "unknown command", argv[1]);
	}
	for (size_t c = 0; c < n; c++) {
		if (!strcmp(argv[0], commands[c].name))
			return parse_command(&commands[c], argc, argv, cli, out, err);
	}
	return bad_usage(err, "", "unknown command", argv[0]);
}

int cli_parse(int argc, char **argv, struct cr_cli *cli, FILE *out, struct cr_error *err)
{
	int i;

	memset(cli, 0, sizeof(*cli));
	config_init(&cli->cfg);
	cli->logs.tail = -1;
	cli->exec.tty = -1;
	cli->timeout = 10;
	cli->signal = SIGKILL;
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
	cli->cfg.trace = cli->exec.trace = cli->trace;
	if (image_is_helper_command(argv[i])) {
		/* the image helper's command line, from the command word on (image/lookup.h) */
		cli->command = CR_CMD_IMAGE;
		cli->name = argv[i];
		for (; i < argc; i++)
			strv_push(&cli->names, argv[i]);
		return 0;
	}
	if (!strcmp(argv[i], "help"))
		return help_command(argc - i, argv + i, cli, out, err);
	return find_command(argc - i, argv + i, cli, out, err);
}

void cli_free(struct cr_cli *cli)
{
	config_free(&cli->cfg);
	strv_free(&cli->names);
	strv_free(&cli->filters);
	strv_free(&cli->exec.args);
	strv_free(&cli->exec.env);
	free(cli->exec.cwd);
	free(cli->exec.user);
}
