/* main.c - conti-rootless: parse, dispatch, report. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "copy.h"
#include "cr-check.h"
#include "error.h"
#include "exec.h"
#include "image/lookup.h"
#include "lifecycle.h"
#include "run.h"
#include "state.h"
#include "utils.h"

/* Commands whose NAME operands may also be a container's id or a unique prefix of it. */
static bool takes_names(enum cr_command cmd)
{
	return cmd == CR_CMD_START || cmd == CR_CMD_EXEC || cmd == CR_CMD_INSPECT ||
	       cmd == CR_CMD_LOGS || cmd == CR_CMD_STOP || cmd == CR_CMD_KILL || cmd == CR_CMD_RM ||
	       cmd == CR_CMD_RESTART || cmd == CR_CMD_WAIT || cmd == CR_CMD_TOP ||
	       cmd == CR_CMD_PORT || cmd == CR_CMD_STATS || cmd == CR_CMD_UPDATE;
}

/* Replaces each id (or id prefix) among the NAME operands with its container's name. */
static int resolve_names(struct cr_cli *cli, char exec_name[CR_NAME_MAX + 1], struct cr_error *err)
{
	struct cr_paths paths;
	char name[CR_NAME_MAX + 1];
	int ret = 0;
	bool any = cli->command == CR_CMD_EXEC && state_may_be_id(cli->exec.name);

	for (size_t i = 0; i < cli->names.n; i++)
		any = any || state_may_be_id(cli->names.v[i]);
	if (!takes_names(cli->command) || !any)
		return 0; /* names only: nothing to look up, nothing on the start path */
	if (state_paths_init(&paths, err) < 0)
		return -1;
	for (size_t i = 0; i < cli->names.n && ret >= 0; i++) {
		ret = state_resolve(&paths, cli->names.v[i], name, err);
		if (ret == 1) {
			free(cli->names.v[i]);
			cli->names.v[i] = cr_xstrdup(name);
		}
	}
	if (ret >= 0 && cli->command == CR_CMD_EXEC) {
		ret = state_resolve(&paths, cli->exec.name, exec_name, err);
		if (ret == 1)
			cli->exec.name = exec_name;
	}
	state_paths_free(&paths);
	return ret < 0 ? -1 : 0;
}

static int dispatch(struct cr_cli *cli, struct cr_error *err)
{
	switch (cli->command) {
	case CR_CMD_RUN:
		return run_container(&cli->cfg, cli->detach ? CR_RUN_DETACHED : CR_RUN_FOREGROUND,
				     err);
	case CR_CMD_CREATE:
		return run_container(&cli->cfg, CR_RUN_CREATE, err);
	case CR_CMD_START:
		return run_start(cli->names.v[0], cli->attach, cli->trace, err);
	case CR_CMD_EXEC:
		return exec_in_container(&cli->exec, err);
	case CR_CMD_PS:
		return lifecycle_ps(&(struct cr_ps_opts){.all = cli->all,
							 .json = cli->json,
							 .quiet = cli->quiet,
							 .no_trunc = cli->no_trunc,
							 .format = cli->format,
							 .filters = &cli->filters},
				    err);
	case CR_CMD_INSPECT:
		return lifecycle_inspect(&cli->names, err);
	case CR_CMD_LOGS:
		return lifecycle_logs(cli->names.v[0], cli->follow, &cli->logs, err);
	case CR_CMD_STOP:
		return lifecycle_stop(&cli->names, cli->timeout, err);
	case CR_CMD_KILL:
		return lifecycle_kill(&cli->names, cli->signal, err);
	case CR_CMD_RM:
		if (cli->all)
			return cmd_prune(false, cli->force, err);
		return lifecycle_rm(&cli->names, cli->force, err);
	case CR_CMD_PRUNE:
		return cmd_prune(!cli->force, false, err);
	case CR_CMD_RESTART:
		return cmd_restart(&cli->names, cli->timeout, cli->trace, err);
	case CR_CMD_WAIT:
		return cmd_wait(&cli->names, err);
	case CR_CMD_TOP:
		return cmd_top(cli->names.v[0], err);
	case CR_CMD_PORT:
		return cmd_port(cli->names.v[0], cli->port, err);
	case CR_CMD_STATS:
		return cmd_stats(&cli->names, cli->no_stream, cli->json, cli->format, err);
	case CR_CMD_UPDATE:
		return cmd_update(cli->names.v[0], &cli->cfg.res, err);
	case CR_CMD_CP:
		return copy_run(cli->names.v[0], cli->names.v[1], cli->follow_links, err);
	case CR_CMD_UNSHARE:
		return lifecycle_unshare(cli->names.v, err);
	case CR_CMD_IMAGE:
		return image_exec_helper(cli->names.v, err);
	case CR_CMD_CHECK:
		return check_run(cli->json, stdout);
	case CR_CMD_VERSION:
		cli_print_version(stdout);
		return 0;
	case CR_CMD_NONE:
		break;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cr_error err = {0};
	struct cr_cli cli;
	char exec_name[CR_NAME_MAX + 1];
	int status;

	if (cli_parse(argc, argv, &cli, stdout, &err) < 0 ||
	    resolve_names(&cli, exec_name, &err) < 0) {
		cr_error_print(&err);
		cli_free(&cli);
		return err.status;
	}
	fflush(stdout);
	status = dispatch(&cli, &err);
	if (status < 0) {
		fflush(stdout);
		cr_error_print(&err);
		status = err.status;
	}
	cli_free(&cli);
	return status;
}
