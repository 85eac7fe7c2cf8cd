/* cmd-restart.c - restart: stop as stop does, then start on the same writable layer. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "lifecycle.h"
#include "run.h"
#include "utils.h"

/* A --rm container is removed by its monitor when it stops: nothing is left to start. */
static int refuse_removed_on_stop(const struct cr_paths *paths, const char *name,
				  struct cr_error *err)
{
	struct cr_state st;
	struct cr_config cfg;
	cleanup_free char *text = NULL;
	bool remove;

	if (state_validate_name(name, err) < 0 || state_open_unlocked(paths, name, &st, err) < 0)
		return -1;
	text = state_read_config(&st);
	state_release(&st);
	config_init(&cfg);
	if (!text || config_parse(text, &cfg) < 0) {
		config_free(&cfg);
		cr_fail(err, 0, "the configuration of '%s' is damaged", name);
		return cr_hint(err, "remove it with 'conti-rootless rm -f %s'", name);
	}
	remove = cfg.remove;
	config_free(&cfg);
	if (!remove)
		return 0;
	cr_fail(err, 0, "container '%s' was run with --rm: stopping it removes it", name);
	return cr_hint(err, "stop it, then run it again with 'conti-rootless run'");
}

int cmd_restart(const struct cr_strv *names, int timeout, bool trace, struct cr_error *err)
{
	struct cr_paths paths;
	int ret = 0;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	for (size_t i = 0; i < names->n && ret == 0; i++) {
		const char *name = names->v[i];

		if (refuse_removed_on_stop(&paths, name, err) < 0 ||
		    lifecycle_stop_one(&paths, name, timeout, err) < 0 ||
		    run_start(name, false, trace, err) < 0)
			ret = -1;
		fflush(stdout);
	}
	state_paths_free(&paths);
	return ret;
}
