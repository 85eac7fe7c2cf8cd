/* pause.c - `pause ID` and `resume ID`: the cgroup v2 freezer (cgroup.freeze) of the cgroup
 * the container's process sits in, when that cgroup is the container's own: this runtime
 * makes no cgroups (they are their own issue), so an engine or a delegated systemd scope must
 * have put it there. Anywhere else (the v2 root, a cgroup shared with processes outside the
 * container, a host with no v2 hierarchy) the command is refused with one line saying why:
 * freezing a shared cgroup would stop processes that are not the container's. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "oci/pause.h"
#include "oci/runtime.h"
#include "oci/state.h"
#include "utils.h"

/* The cgroup v2 mount: /sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified on a hybrid
 * one; NULL when there is none. */
static const char *cgroup2_mount(void)
{
	static const char *const at[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	struct statfs fs;

	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		if (statfs(at[i], &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
			return at[i];
	}
	return NULL;
}

/* pid's cgroup v2 path ("/a/b") from /proc/PID/cgroup, in buf; NULL when it has none. */
static const char *cgroup_of(pid_t pid, char *buf, size_t len)
{
	char path[64], text[8192], *line;
	struct cr_error ignored;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (cr_read_file(path, text, sizeof(text), &ignored) < 0)
		return NULL;
	for (line = text; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (!strncmp(line, "0::", 3)) {
			snprintf(buf, len, "%.*s", (int)strcspn(line + 3, "\n"), line + 3);
			return buf;
		}
	}
	return NULL;
}

static int pause_or_resume(const struct oci_global *g, int argc, char **argv, bool freeze,
			   struct cr_error *err)
{
	const char *verb = freeze ? "pause" : "resume", *mount, *rel;
	struct oci_state st = {.dir_fd = -1};
	enum oci_status status;
	char cg[4096], nspath[64];
	struct stat ns;
	int ret = -1;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: %s %s ID\n", OCI_RUNTIME_NAME, verb);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		cr_fail(err, 0, "%s: %s", verb, argc < 2 ? "no container ID given" : "one ID only");
		return cr_hint(err, "usage: %s %s ID", OCI_RUNTIME_NAME, verb);
	}
	if (oci_state_load(g, argv[1], &st, err) < 0)
		goto out;
	status = oci_state_status(&st);
	if (freeze ? (status != OCI_RUNNING && status != OCI_CREATED) : status != OCI_PAUSED) {
		cr_fail(err, 0, "cannot %s container %s: it is %s", verb, st.id,
			oci_status_name(status));
		goto out;
	}
	mount = cgroup2_mount();
	if (!mount) {
		cr_fail(err, 0, "cannot %s: this host has no cgroup v2 hierarchy", verb);
		cr_hint(err, "the v1 freezer is not used by this runtime");
		goto out;
	}
	rel = cgroup_of(st.pid, cg, sizeof(cg));
	if (!rel) {
		cr_fail(err, 0, "cannot %s: process %d is in no cgroup v2 group", verb,
			(int)st.pid);
		goto out;
	}
	snprintf(nspath, sizeof(nspath), "/proc/%d/ns/pid", (int)st.pid);
	if (stat(nspath, &ns) < 0) {
		cr_fail(err, errno, "cannot %s: %s", verb, nspath);
		goto out;
	}
	/* without a PID namespace of its own, the container is no set of processes we can
	 * tell apart from the cgroup's others */
	if (!st.own_pidns) {
		cr_fail(err, 0, "cannot %s: container %s shares its PID namespace", verb, st.id);
		cr_hint(err, "pause needs a container with its own PID namespace and cgroup");
		goto out;
	}
	oci_debug(g, "%s: cgroup %s%s", verb, mount, rel);
	ret = oci_freeze_cgroup(mount, rel, &ns, freeze, err);
out:
	oci_state_free(&st);
	return ret;
}

int oci_cmd_pause(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	return pause_or_resume(g, argc, argv, true, err);
}

int oci_cmd_resume(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	return pause_or_resume(g, argc, argv, false, err);
}
