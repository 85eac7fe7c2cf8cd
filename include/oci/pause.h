/* oci/pause.h - pause and resume through the cgroup v2 freezer of a container's own cgroup. */
#ifndef CR_OCI_PAUSE_H
#define CR_OCI_PAUSE_H

#include <stdbool.h>
#include <sys/stat.h>

#include "error.h"

/* Freezes (or thaws) the cgroup rel ("/a/b") of the v2 hierarchy mounted at mount and waits
 * until cgroup.events says so; refused with one line when rel is the root cgroup or, when
 * pidns is given (the stat of the container's /proc/PID/ns/pid), when a process of the
 * cgroup or of a cgroup below it is in another PID namespace. */
int oci_freeze_cgroup(const char *mount, const char *rel, const struct stat *pidns, bool freeze,
		      struct cr_error *err);

#endif
