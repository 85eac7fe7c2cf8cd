/* cmd-update.c - update: a container's limits changed, as podman update and docker update
 * do: the limits given replace the saved ones (the others stay), a running container's
 * cgroup gets them at once (cgroup_apply), and its saved configuration keeps them for its
 * next start. A running container without a cgroup of its own cannot be changed: nothing is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cli.h"
#include "commands.h"
#include "lifecycle.h"
#include "state.h"
#include "utils.h"

/* res's given limits over the saved ones in cfg. */
static void merge(struct cr_resources *into, const struct cr_resources *res)
{
	if (res->memory)
		into->memory = res->memory;
	if (res->memory_swap)
		into->memory_swap = res->memory_swap;
	if (res->memory_reservation)
		into->memory_reservation = res->memory_reservation;
	if (res->cpu_quota) {
		into->cpu_quota = res->cpu_quota;
		into->cpu_period = res->cpu_period;
	}
	if (res->cpu_weight)
		into->cpu_weight = res->cpu_weight;
	if (res->pids_limit)
		into->pids_limit = res->pids_limit;
	if (res->io_weight)
		into->io_weight = res->io_weight;
}

/* The running container's cgroup gets the limits (all of them: swap follows memory). */
static int apply_running(const struct cr_state *st, const struct cr_config *cfg,
			 struct cr_error *err)
{
	char path[640];
	cleanup_close int dirfd = -1;
	unsigned available;

	if (state_recorded_cgroup(st, path, sizeof(path)) < 0) {
		cr_fail(err, 0,
			"container '%s' runs without a cgroup of its own: its limits cannot change "
			"while it runs",
			st->name);
		return cr_hint(err, "it was started where no cgroup is delegated to you, or with "
				    "--cgroups=disabled; stop it, update it, and start it again");
	}
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return cr_fail(err, errno, "open the cgroup of container '%s'", st->name);
	available = cgroup_enable_missing(dirfd, cgroup_needed(&cfg->res));
	return cgroup_apply(dirfd, &cfg->res, available, err);
}

/* The saved configuration with the new limits, its created= and id= lines kept. */
static int save(const struct cr_state *st, const char *old, const struct cr_config *cfg,
		struct cr_error *err)
{
	cleanup_free char *text = config_serialize(cfg);
	cleanup_free char *full = NULL;
	char created[32] = "", id[CR_ID_LEN + 1] = "";

	state_record_get(old, "created", created, sizeof(created));
	state_record_get(old, "id", id, sizeof(id));
	full = cr_xasprintf("%s%s%s%s%s%s%s", text, created[0] ? "created=" : "", created,
			    created[0] ? "\n" : "", id[0] ? "id=" : "", id, id[0] ? "\n" : "");
	return state_write_config(st, full, err);
}

/* locked: we hold its lock, so it is stopped (a runner would hold it). */
static int update(const struct cr_state *st, bool locked, const struct cr_resources *res,
		  struct cr_error *err)
{
	cleanup_free char *text = state_read_config(st);
	struct cr_config cfg;
	struct cr_status s;
	int ret = -1;

	config_init(&cfg);
	if (!text || config_parse(text, &cfg) < 0) {
		cr_fail(err, 0, "the configuration of '%s' is damaged", st->name);
		cr_hint(err, "remove it with 'conti-rootless rm %s'", st->name);
		goto out;
	}
	merge(&cfg.res, res);
	if (cli_check_limits(&cfg, err) < 0) {
		cr_prefix(err, "update %s", st->name);
		goto out;
	}
	if (!locked)
		lifecycle_status(st, &s);
	if (!locked && (!strcmp(s.status, "running") || !strcmp(s.status, "created")) &&
	    apply_running(st, &cfg, err) < 0)
		goto out;
	ret = save(st, text, &cfg, err);
out:
	config_free(&cfg);
	return ret;
}

/* Opens name locked where it is stopped, so that no start or rm changes it under us (as
 * cp does): 1; a running one (its runner holds the lock) unlocked: 0. Updates of one
 * container take turns first (*turn, a lock on its data dir): one holding the container's
 * lock must not make the next take the container for a running one. */
static int open_container(const struct cr_paths *paths, const char *name, struct cr_state *st,
			  int *turn, struct cr_error *err)
{
	struct cr_error ignored;

	if (state_open_unlocked(paths, name, st, err) < 0)
		return -1;
	*turn = open(st->data_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*turn < 0 || flock(*turn, LOCK_EX) < 0) {
		cr_fail(err, errno, "lock %s", st->data_dir);
		state_release(st);
		return -1;
	}
	state_release(st);
	if (state_open(paths, name, st, &ignored) == 0)
		return 1;
	return state_open_unlocked(paths, name, st, err);
}

int cmd_update(const char *name, const struct cr_resources *res, struct cr_error *err)
{
	struct cr_paths paths;
	struct cr_state st;
	cleanup_close int turn = -1;
	int locked, ret;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	locked = open_container(&paths, name, &st, &turn, err);
	if (locked < 0) {
		state_paths_free(&paths);
		return -1;
	}
	ret = update(&st, locked == 1, res, err);
	if (ret == 0)
		printf("%s\n", name);
	state_release(&st);
	state_paths_free(&paths);
	return ret;
}
