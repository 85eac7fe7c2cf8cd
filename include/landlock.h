/* landlock.h - Landlock scoping of a container (Linux 6.12+, Landlock ABI 6): its
 * processes cannot connect to abstract unix sockets made outside it.
 *
 * Used where the container shares the host's network namespace (--net host), whose
 * abstract socket namespace holds the user's and root's sockets (X11, D-Bus, ...). A
 * Landlock domain is a property of a process tree: PID 1 makes one, and each exec'd
 * process one of its own (the kernel has no way to join a domain), so signals are not
 * scoped this way (the container's PID namespace already keeps outside processes out of
 * its reach, and an exec'd process must still signal the container's).
 */
#ifndef CR_LANDLOCK_H
#define CR_LANDLOCK_H

#include <stdbool.h>

#include "error.h"

/* The highest Landlock ABI the kernel offers; 0 when Landlock is off or absent. */
int landlock_abi(void);

/* True when the kernel can scope abstract unix sockets (ABI 6 and later). */
bool landlock_can_scope(void);

/* Restricts the caller and its future children: no connecting to an abstract unix
 * socket made by a process outside the new domain. Needs no_new_privs or CAP_SYS_ADMIN
 * in the caller's user namespace. */
int landlock_scope_abstract_unix(struct cr_error *err);

#endif
