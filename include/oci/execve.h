/* oci/execve.h - the last call of a process entering an OCI container: process.args[0] found
 * in process.env's PATH inside the container's root and executed, never a host file reached
 * through a /proc magic link (runc's CVE-2019-5736 and CVE-2024-21626 classes). */
#ifndef CR_OCI_EXECVE_H
#define CR_OCI_EXECVE_H

#include <stddef.h>

#include "config.h"
#include "error.h"

/* Finds cfg->args.v[0] (through PATH of cfg->env when it has no '/') beneath the calling
 * process's root with RESOLVE_IN_ROOT and no magic links: a regular file with an execute
 * bit that is not this runtime's own program. Returns a descriptor of it (close-on-exec,
 * open for reading where it may be) and its path in path; -1 with err->status 127 (not
 * found) or 126 (not executable). */
int oci_exec_find(const struct cr_config *cfg, char *path, size_t len, struct cr_error *err);

/* Executes the file oci_exec_find returned with cfg's args and env, by execveat on that
 * descriptor; a script through its interpreter, opened and checked the same way and run
 * with the arguments the kernel would give it; returns only on failure, err->status 126 or
 * 127. */
int oci_exec_run(int fd, const char *path, const struct cr_config *cfg, struct cr_error *err);

/* The container's first process (create): a binary oci_exec_find checked is executed by its
 * path, so that the kernel names the process for it ("sh", not the "busybox" its link leads
 * to, as runc's and crun's do: ps and /proc/PID/comm show that name) — nothing of the
 * container runs yet that could swap it between the check and the exec; a script goes
 * through oci_exec_run (its interpreter is looked up by us, not by the kernel). Returns only
 * on failure. */
int oci_exec_first(int fd, const char *path, const struct cr_config *cfg, struct cr_error *err);

#endif
