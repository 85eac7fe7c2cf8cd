/* main.c - conti-rootless: parse, dispatch, report. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "copy.h"
#include "cr-check.h"
#include "error.h"
#include "exec.h"
#include "lifecycle.h"
#include "run.h"

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
		return lifecycle_ps(cli->all, cli->json, err);
	case CR_CMD_INSPECT:
		return lifecycle_inspect(&cli->names, err);
	case CR_CMD_LOGS:
		return lifecycle_logs(cli->names.v[0], cli->follow, err);
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
	case CR_CMD_CP:
		return copy_run(cli->names.v[0], cli->names.v[1], cli->follow_links, err);
	case CR_CMD_UNSHARE:
		return lifecycle_unshare(cli->names.v, err);
	case CR_CMD_CHECK:
		return check_run(cli->json, stdout);
	case CR_CMD_NONE:
		break;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cr_error err = {0};
	struct cr_cli cli;
	int status;

	if (cli_parse(argc, argv, &cli, stdout, &err) < 0) {
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
