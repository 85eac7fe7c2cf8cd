/* seccomp-policy.h - the default seccomp filter, as data: an allow-list.
 *
 * Derived from moby's default profile (its syscall names are kept in
 * src/seccomp-moby-default.txt; the unit test checks the tables against it).
 * gen-seccomp (src/gen-seccomp.c) compiles these tables with libseccomp into BPF at
 * build time; security.c loads that BPF into each container, after marking the
 * capability-dependent answers for the container's capabilities.
 *
 * A syscall is answered, in this order:
 *   - by its arguments (clone, clone3, unshare, personality, socket: see gen-seccomp.c);
 *   - allowed when in cr_seccomp_allowed;
 *   - allowed when in cr_seccomp_capped and the container holds one of its capabilities,
 *     else EPERM;
 *   - EPERM when in cr_seccomp_refused (kept out on purpose);
 *   - with --security-opt nested=true, those of cr_seccomp_nested are allowed too, as is a
 *     new user namespace (clone, unshare): root of a nested user namespace needs them, and
 *     the kernel still checks the capability in the namespace that owns what they change;
 *   - ENOSYS otherwise: a syscall newer than the profile, so that programs fall back to
 *     an older one, as podman's profile does (defaultErrnoRet 38).
 */
#ifndef CR_SECCOMP_POLICY_H
#define CR_SECCOMP_POLICY_H

#include <stdint.h>

/* Not a capability: the mark of what --security-opt nested=true allows (above every
 * CAP_* number). */
#define CR_SECCOMP_NESTED (1ULL << 63)

/* A syscall allowed only to a container holding one of the capabilities in caps. */
struct cr_seccomp_capped {
	const char *name;
	uint64_t caps; /* a mask of 1 << CAP_* */
};

/* A syscall's number where libseccomp may not know its name (those added since Linux 5.1
 * have one number on every architecture but alpha and mips). */
struct cr_seccomp_number {
	const char *name;
	int nr;
};

/* Allowed to every container (NULL-terminated). */
extern const char *const cr_seccomp_allowed[];

/* Allowed with a capability ({NULL, 0}-terminated). */
extern const struct cr_seccomp_capped cr_seccomp_capped[];

/* Refused with EPERM (NULL-terminated). */
extern const char *const cr_seccomp_refused[];

/* Allowed besides with CR_SECCOMP_NESTED: what root of a nested user namespace does to
 * set it up (mount, pivot_root, setns, ...); each is in cr_seccomp_capped or
 * cr_seccomp_refused too, for the default (NULL-terminated). */
extern const char *const cr_seccomp_nested[];

/* Answered by their arguments in gen-seccomp.c (NULL-terminated). */
extern const char *const cr_seccomp_by_args[];

/* Names moby's profile allows that this filter refuses on purpose (NULL-terminated). */
extern const char *const cr_seccomp_stricter[];

/* Numbers of the syscalls above that libseccomp 2.5 may not know ({NULL, 0}-terminated). */
extern const struct cr_seccomp_number cr_seccomp_numbers[];

#endif
