/* oci/process.h - the last steps of a process entering an OCI container, before execve:
 * rlimits, oom_score_adj, umask, groups and ids, capabilities (five sets), no_new_privs,
 * the seccomp filter (security.h carries the capability and seccomp parts out). */
#ifndef CR_OCI_PROCESS_H
#define CR_OCI_PROCESS_H

#include "config.h"
#include "error.h"

/* Applies cfg's process settings to the calling process (root of the container's user
 * namespace, after pivot_root): rlimits, oom_score_adj, umask, setgroups(additionalGids),
 * setresgid/setresuid(cfg->gid/uid) keeping the capabilities cfg->sec asks for, then
 * security_apply. */
int oci_process_enter(const struct cr_config *cfg, struct cr_error *err);

/* Writes process.oomScoreAdj (if set) to /proc/self/oom_score_adj: for the runtime's
 * process that will become the container's, before it is made non-dumpable (then the file
 * is root's of the runtime's user namespace, and a rootless runtime cannot write it) and
 * while the host's /proc is at hand, as runc does; oci_process_enter then finds the value
 * there and writes nothing. The value is inherited by fork and clone. */
int oci_process_oom_score_adj(const struct cr_config *cfg, struct cr_error *err);

#endif
