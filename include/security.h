/* security.h - what a container may do: its capabilities, no_new_privs and a seccomp
 * filter, applied by each process that is about to exec into the container (PID 1
 * before the init helper, exec's process). */
#ifndef CR_SECURITY_H
#define CR_SECURITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct sock_filter;

/* The capabilities docker and podman give a container by default. */
extern const uint64_t cr_default_caps;

struct cr_security {
	uint64_t caps;	   /* bounding, permitted, effective; ambient and inheritable empty */
	bool privileged;   /* keep the user namespace's full set */
	bool no_new_privs; /* PR_SET_NO_NEW_PRIVS (default off, as docker and podman) */
	bool seccomp;	   /* the default seccomp filter (default on) */
	bool landlock;	   /* Landlock scoping with --net host, where the kernel can (default on) */
	bool nested;	   /* nested user namespaces allowed (default off, as docker) */

	/* OCI (process.capabilities): the five sets given apart; caps is then unused */
	bool cap_sets;
	uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
	/* OCI (linux.seccomp): a filter compiled at run time from config.json's profile
	 * (oci/seccomp.h), loaded in place of the default one; filter_flags: SECCOMP_FILTER_FLAG_*
	 */
	struct sock_filter *filter;
	unsigned short filter_len;
	unsigned filter_flags;
};

/* The highest capability the running kernel knows (PR_CAPBSET_READ answers EINVAL above). */
int security_last_cap(void);

/* Parses a capability name ("NET_ADMIN", "CAP_NET_ADMIN", case-insensitive, or "ALL")
 * into a mask of it; 0 if unknown. */
uint64_t security_cap_mask(const char *name);

/* Adds or drops the capabilities of a --cap-add/--cap-drop value to *caps (pure). */
int security_change_caps(uint64_t *caps, const char *arg, bool add, struct cr_error *err);

/* Sets --security-opt KEY[=VALUE] (no-new-privileges[=true|false], nested[=true|false],
 * seccomp=unconfined, landlock=unconfined); docker's KEY:VALUE is accepted too. */
int security_set_option(struct cr_security *sec, const char *arg, struct cr_error *err);

/* In a process about to exec into the container: drops the bounding set to sec->caps,
 * clears ambient and inheritable, sets no_new_privs and loads the seccomp filter. */
int security_apply(const struct cr_security *sec, struct cr_error *err);

/* Loads the default seccomp filter (as security_apply does), its capability-dependent
 * syscalls allowed where caps holds one of their capabilities, EPERM otherwise; caps with
 * CR_SECCOMP_NESTED (seccomp-policy.h) allows nested user namespaces. */
int security_load_seccomp(uint64_t caps, struct cr_error *err);

/* Describes what security_apply does as the setpriv(1) command that does it, for --trace. */
void security_describe(const struct cr_security *sec, char *buf, size_t len);

#endif
