/* start.c - `start ID`: a created container's process told to exec (exec.fifo). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "keeper.h"
#include "oci/lifecycle.h"
#include "oci/state.h"
#include "utils.h"

/* Writes the byte the container's process waits for; ENXIO: no reader, it died. */
static int release(struct oci_state *st, struct cr_error *err)
{
	cleanup_close int fd =
	    openat(st->dir_fd, OCI_EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENXIO)
		return cr_fail(err, 0, "container %s: its process has exited", st->id);
	if (fd < 0)
		return cr_fail(err, errno, "container %s: open %s", st->id, OCI_EXEC_FIFO);
	if (write(fd, "0", 1) != 1)
		return cr_fail(err, errno, "container %s: write %s", st->id, OCI_EXEC_FIFO);
	/* the byte is read; the process no longer needs the fifo: status is running */
	if (unlinkat(st->dir_fd, OCI_EXEC_FIFO, 0) < 0 && errno != ENOENT)
		return cr_fail(err, errno, "container %s: remove %s", st->id, OCI_EXEC_FIFO);
	return 0;
}

/* True while pid is still our copy (its command name ours: it has not exec'd yet). */
static bool not_yet_exec(pid_t pid)
{
	char path[64], buf[512];
	struct cr_error ignored;
	const char *name;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (cr_read_file(path, buf, sizeof(buf), &ignored) < 0 || !(name = strchr(buf, '(')))
		return false;
	return !strncmp(name + 1, OCI_RUNTIME_NAME ")", strlen(OCI_RUNTIME_NAME) + 1) &&
	       cr_proc_start_time(pid) != 0;
}

/* Waits (at most 2 s) until the container's process has exec'd its program or exited: a
 * signal sent once start returns reaches the program, never our set-up (startContainer
 * hooks, capabilities, seccomp) before it, as engines and the conformance suite expect. */
static void wait_for_exec(pid_t pid)
{
	unsigned long long until = cr_now_ns() + 2000000000ULL;

	while (not_yet_exec(pid) && cr_now_ns() < until)
		usleep(500);
}

int oci_container_start(const struct oci_global *g, const char *id, struct cr_error *err)
{
	struct oci_state st;
	enum oci_status s;
	int ret = -1;

	if (oci_state_load(g, id, &st, err) < 0)
		goto out;
	s = oci_state_status(&st);
	if (s != OCI_CREATED) {
		cr_fail(err, 0, "cannot start container %s: it is %s, not created", id,
			oci_status_name(s));
		goto out;
	}
	if (release(&st, err) < 0)
		goto out;
	wait_for_exec(st.pid);
	oci_debug(g, "container %s: started process %d", id, (int)st.pid);
	oci_kept_hooks_run(&st, "poststart", OCI_RUNNING);
	ret = 0;
out:
	oci_state_free(&st);
	return ret;
}

int oci_cmd_start(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	if (argc != 2 || argv[1][0] == '-')
		return cr_fail(err, 0, "usage: %s start ID", OCI_RUNTIME_NAME);
	return oci_container_start(g, argv[1], err);
}
