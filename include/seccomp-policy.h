/* seccomp-policy.h - what the default seccomp filter refuses, as data.
 *
 * gen-seccomp (src/gen-seccomp.c) compiles this policy with libseccomp into BPF
 * at build time; security.c loads that BPF into each container.
 */
#ifndef CR_SECCOMP_POLICY_H
#define CR_SECCOMP_POLICY_H

/* The names of the syscalls the default filter refuses with EPERM (NULL-terminated). Beside
 * them it refuses unshare and clone with CLONE_NEWUSER (EPERM), and clone3 (ENOSYS, whose
 * flags a filter cannot read: libc then falls back to clone). */
extern const char *const cr_seccomp_refused[];

#endif
