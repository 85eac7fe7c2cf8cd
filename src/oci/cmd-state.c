/* cmd-state.c - `state ID`: the runtime spec's state document of a container. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci/state.h"
#include "utils.h"

int oci_cmd_state(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	struct oci_state st;
	cleanup_free char *json = NULL;

	if (argc != 2 || argv[1][0] == '-')
		return cr_fail(err, 0, "usage: %s state ID", OCI_RUNTIME_NAME);
	if (oci_state_load(g, argv[1], &st, err) < 0) {
		oci_state_free(&st);
		return -1;
	}
	json = oci_state_json(&st, oci_state_status(&st));
	oci_state_free(&st);
	printf("%s\n", json);
	return fflush(stdout) == 0 ? 0 : cr_fail(err, 0, "write the state");
}
