/* start.c - `start ID`: a created container's process told to exec (exec.fifo). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

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
