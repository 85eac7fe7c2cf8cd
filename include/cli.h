/* cli.h - command-line parsing: each command's options into a struct cr_cli (the
 * container configuration for run and create). Pure: no system calls beyond
 * reading an --env-file, so every rule is unit-tested. */
#ifndef CR_CLI_H
#define CR_CLI_H

#include <stdio.h>

#include "config.h"
#include "error.h"
#include "exec.h"
#include "log.h"

/* What main() should do after parsing. */
enum cr_command {
	CR_CMD_NONE, /* help or version was printed: exit 0 */
	CR_CMD_RUN,
	CR_CMD_CREATE,
	CR_CMD_START,
	CR_CMD_EXEC,
	CR_CMD_PS,
	CR_CMD_INSPECT,
	CR_CMD_LOGS,
	CR_CMD_STOP,
	CR_CMD_KILL,
	CR_CMD_RM,
	CR_CMD_UNSHARE,
	CR_CMD_CHECK,
	CR_CMD_VERSION,
	CR_CMD_RESTART,
	CR_CMD_WAIT,
	CR_CMD_CP,
	CR_CMD_TOP,
	CR_CMD_PORT,
	CR_CMD_PRUNE,
	CR_CMD_STATS,
	CR_CMD_UPDATE,
	CR_CMD_IMAGE, /* an image command (pull, images, ...): names holds the helper's argv */
};

struct cr_cli {
	enum cr_command command;
	const char *name; /* the command's name, for messages */
	bool trace;
	struct cr_config cfg;	/* run, create; update: its limits in cfg.res */
	bool detach;		/* run -d */
	const char *port;	/* port NAME PORT[/PROTO]: the PORT, NULL: all */
	bool net_given;		/* run, create: --net given (-p keeps it, or refuses it) */
	struct cr_exec exec;	/* exec */
	struct cr_strv names;	/* the NAME operands; unshare: its command */
	bool force;		/* rm -f */
	bool all;		/* ps -a */
	bool json;		/* ps --format json */
	bool quiet;		/* ps -q */
	bool no_trunc;		/* ps --no-trunc */
	const char *format;	/* ps, stats --format TEMPLATE (in argv) */
	struct cr_strv filters; /* ps --filter KEY=VALUE */
	bool attach;		/* start -a */
	bool follow;		/* logs -f */
	int timeout;		/* stop -t, seconds */
	int signal;		/* kill -s */
	bool follow_links;	/* cp -L */
	bool no_stream;		/* stats --no-stream */

	struct cr_log_filter logs; /* logs --tail, --since, -t */
};

/* Parses the whole command line (argv[0] is the program); fills cli or err (status 125). */
int cli_parse(int argc, char **argv, struct cr_cli *cli, FILE *out, struct cr_error *err);

/* version: the version, the build's choices (libc, seccomp) and the kernel. */
void cli_print_version(FILE *out);

/* Frees what cli_parse allocated. */
void cli_free(struct cr_cli *cli);

/* Checks -u's "USER[:GROUP]": 0 when both are numbers (uid, gid filled; a missing GID is 0,
 * as docker does for unknown users), 1 when a name is to be resolved inside the container. */
int cli_parse_user(const char *s, uid_t *uid, gid_t *gid, struct cr_error *err);

/* Parses a limit option's value (its long name without "--": memory, memory-swap,
 * memory-reservation, cpus, cpu-shares, cpu-weight, pids-limit, io-weight, blkio-weight)
 * into cfg->res; one line naming the option when bad. run, create and update use it. */
int cli_parse_limit(const char *opt, const char *arg, struct cr_config *cfg, struct cr_error *err);

/* The rules between the limit options (swap needs memory and is not below it, the
 * reservation is not above it, no limit with --cgroups=disabled). */
int cli_check_limits(const struct cr_config *cfg, struct cr_error *err);

/* Parses "SRC:DST[:ro|:rw]" into cfg's mounts; DST must be absolute. */
int cli_parse_volume(const char *s, struct cr_config *cfg, struct cr_error *err);

#endif
