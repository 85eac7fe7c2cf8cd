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

#endif
