/* main.c - conti-rootless: parse, run, report. */
#include <stdio.h>

#include "cli.h"
#include "error.h"
#include "run.h"

int main(int argc, char **argv)
{
	struct cr_error err = {0};
	struct cr_cli cli;
	int status = 0;

	if (cli_parse(argc, argv, &cli, stdout, &err) < 0) {
		cr_error_print(&err);
		cli_free(&cli);
		return err.status;
	}
	switch (cli.command) {
	case CR_CMD_RUN:
		status = run_container(&cli.cfg, &err);
		break;
	case CR_CMD_RM:
		status = run_remove(&cli.names, cli.force, &err);
		break;
	case CR_CMD_NONE:
		break;
	}
	if (status < 0) {
		cr_error_print(&err);
		status = err.status;
	}
	cli_free(&cli);
	return status;
}
