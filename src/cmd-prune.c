/* cmd-prune.c - rm -a and container prune: remove every stopped container. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "lifecycle.h"
#include "utils.h"

/* docker's question, on stderr; only y or yes (any case) goes on. */
static bool confirmed(void)
{
	char line[64] = "";

	fputs("WARNING! This will remove all stopped containers.\n"
	      "Are you sure you want to continue? [y/N] ",
	      stderr);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return !strcasecmp(line, "y") || !strcasecmp(line, "yes");
}

/* The names of the exited containers (every one with all). */
static void select_names(const struct cr_paths *paths, bool all, struct cr_strv *out)
{
	size_t n;
	char **names = state_list(paths, &n);

	for (size_t i = 0; i < n; i++) {
		struct cr_state st;
		struct cr_status s;
		struct cr_error ignored;

		if (all) {
			strv_push(out, names[i]);
		} else if (state_open_unlocked(paths, names[i], &st, &ignored) == 0) {
			lifecycle_status(&st, &s);
			if (!strcmp(s.status, "exited"))
				strv_push(out, names[i]);
			state_release(&st);
		}
		free(names[i]);
	}
	free(names);
}

int cmd_prune(bool ask, bool all, struct cr_error *err)
{
	struct cr_paths paths;
	struct cr_strv names = {0};
	int ret = 0;

	if (ask && !confirmed())
		return 0;
	if (state_paths_init(&paths, err) < 0)
		return -1;
	select_names(&paths, all, &names);
	if (names.n)
		ret = lifecycle_rm(&names, all, err);
	strv_free(&names);
	state_paths_free(&paths);
	return ret;
}
