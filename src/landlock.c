/* landlock.c - Landlock scoping of abstract unix sockets, by raw syscalls. */
#include <errno.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "utils.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#endif

#define ABI_SCOPE 6 /* the first ABI with the scoped field */

/* The kernel's struct landlock_ruleset_attr up to ABI 6 (older headers lack fields). */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : (int)abi;
}

bool landlock_can_scope(void)
{
	return landlock_abi() >= ABI_SCOPE;
}

int landlock_scope_abstract_unix(struct cr_error *err)
{
	struct ruleset_attr attr = {.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET};
	cleanup_close int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0U);

	if (fd < 0)
		return cr_fail(err, errno, "make a Landlock ruleset scoping abstract unix sockets");
	if (syscall(SYS_landlock_restrict_self, fd, 0U) < 0)
		return cr_fail(err, errno, "scope abstract unix sockets with Landlock");
	return 0;
}
