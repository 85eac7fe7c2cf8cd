/* delete.c - `delete [--force] ID`: a stopped (or created) container's state removed, its
 * poststop hooks run; --force kills a running one first. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "oci/lifecycle.h"
#include "oci/state.h"
#include "state.h"
#include "utils.h"

/* SIGKILL to the container (its whole PID namespace) and wait until its process is gone. */
static void kill_and_wait(const struct oci_state *st)
{
	cleanup_close int fd = oci_state_pidfd(st);
	struct pollfd p = {.fd = fd, .events = POLLIN};
	struct cr_error ignored;

	if (fd < 0)
		return;
	oci_container_kill(st, SIGKILL, true, &ignored);
	while (poll(&p, 1, 10000) < 0 && errno == EINTR)
		;
	waitpid(st->pid, NULL, WNOHANG); /* run's child, as its subreaper */
}

/* A directory under ROOT with no readable state (an aborted create) is removed, as runc
 * does; the load's error stands unless --force (a container that is not there is gone). */
static int remove_broken(const struct oci_global *g, const char *id, bool force)
{
	struct cr_error ignored;
	cleanup_close int root = oci_root_open(g, false, &ignored);

	if (root >= 0 && oci_id_valid(id))
		cr_rm_rf_at(root, id, &ignored);
	return force ? 0 : -1;
}

int oci_container_delete(const struct oci_global *g, const char *id, bool force,
			 struct cr_error *err)
{
	cleanup_close int root = -1;
	struct oci_state st;
	enum oci_status s;
	int ret = -1;

	if (oci_state_load(g, id, &st, err) < 0) {
		oci_state_free(&st);
		return remove_broken(g, id, force);
	}
	s = oci_state_status(&st);
	if ((s == OCI_RUNNING || s == OCI_PAUSED) && !force) {
		cr_fail(err, 0, "cannot delete container %s: it is %s", id, oci_status_name(s));
		cr_hint(err, "stop it first (%s kill %s KILL), or delete --force", OCI_RUNTIME_NAME,
			id);
		goto out;
	}
	if (s != OCI_STOPPED)
		kill_and_wait(&st); /* created (waiting on exec.fifo), or forced */
	/* its cgroup (what is left in it killed), once checked to be one create made for it:
	 * state.json is ours, but a path in it is never removed blindly */
	if (st.cgroup && state_cgroup_ours(st.cgroup, id))
		cgroup_destroy(st.cgroup, &(struct cr_error){0});
	root = oci_root_open(g, false, err);
	if (root < 0 || cr_rm_rf_at(root, id, err) < 0)
		goto out;
	oci_kept_hooks_run(&st, "poststop", OCI_STOPPED);
	ret = 0;
out:
	oci_state_free(&st);
	return ret;
}

int oci_cmd_delete(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	bool force = false;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f") ||
		    !strcmp(argv[i], "-force"))
			force = true;
		else
			return cr_fail(err, 0, "delete: unknown option %s", argv[i]);
	}
	if (i != argc - 1)
		return cr_fail(err, 0, "usage: %s delete [--force] ID", OCI_RUNTIME_NAME);
	return oci_container_delete(g, argv[i], force, err);
}
