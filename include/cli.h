/* cli.h - command-line parsing into a struct cr_config. Pure: no system calls
 * beyond reading an --env-file, so every rule is unit-tested. */
#ifndef CR_CLI_H
#define CR_CLI_H

#include <stdio.h>

#include "config.h"
#include "error.h"

/* What main() should do after parsing. */
enum cr_command {
	CR_CMD_NONE, /* help or version was printed: exit 0 */
	CR_CMD_RUN,
	CR_CMD_RM,
};

struct cr_cli {
	enum cr_command command;
	bool trace;
	struct cr_config cfg; /* filled by run */
	struct cr_strv names; /* operands of rm */
	bool force;	      /* rm -f */
};

/* Parses the whole command line (argv[0] is the program); fills cli or err (status 125). */
int cli_parse(int argc, char **argv, struct cr_cli *cli, FILE *out, struct cr_error *err);

/* Frees what cli_parse allocated. */
void cli_free(struct cr_cli *cli);

/* Parses "UID[:GID]" (decimal); a missing GID is 0, as docker does for unknown users. */
int cli_parse_user(const char *s, uid_t *uid, gid_t *gid, struct cr_error *err);

/* Parses "SRC:DST[:ro|:rw]" into cfg's mounts; DST must be absolute. */
int cli_parse_volume(const char *s, struct cr_config *cfg, struct cr_error *err);

#endif
