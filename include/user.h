/* user.h - who the command runs as: -u NAME[:GROUP] resolved in the container's
 * /etc/passwd and /etc/group, as docker does (runc's GetExecUser rules).
 *
 * user_resolve() is pure (unit-tested and fuzzed): the files' text in, ids out.
 * user_resolve_in_root() reads the two files from inside the container, whose root
 * is then "/", with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): regular files
 * only, at most CR_USER_FILE_MAX bytes, so that a link or a device in the rootfs
 * leads nowhere outside it.
 */
#ifndef CR_USER_H
#define CR_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define CR_USER_GROUPS_MAX 64	   /* supplementary groups kept (the kernel allows more) */
#define CR_USER_FILE_MAX (4 << 20) /* larger passwd or group files are refused */
#define CR_USER_HOME_MAX 256

struct cr_user {
	uid_t uid;
	gid_t gid;
	gid_t groups[CR_USER_GROUPS_MAX]; /* supplementary, from /etc/group */
	size_t ngroups;
	char home[CR_USER_HOME_MAX]; /* from passwd; "/" for a uid without an entry */
};

/* True when spec is a valid -u value: USER[:GROUP], each a decimal id or a name of
 * letters, digits, '_', '.', '-' (and a trailing '$'), at most 32 bytes (pure). */
bool user_spec_valid(const char *spec);

/* Resolves spec against the text of passwd and group (either may be NULL: no file).
 * A name not in passwd (or a group name not in group) fails with status 126, as in
 * docker; a numeric uid without an entry gets gid 0 (unless given) and HOME "/".
 * Supplementary groups: those listing the user's name, only when no GROUP was given
 * (runc's rule). Pure. */
int user_resolve(const char *spec, const char *passwd, const char *group, struct cr_user *out,
		 struct cr_error *err);

/* Inside the container (after pivot_root or setns): reads /etc/passwd and /etc/group
 * safely and resolves spec. */
int user_resolve_in_root(const char *spec, struct cr_user *out, struct cr_error *err);

/* Reads FILE (absolute, inside the root root_fd) into a NUL-terminated buffer, *text NULL
 * when it is not there; a link out of the root, a non-regular file or one larger than
 * CR_USER_FILE_MAX is refused. NUL bytes become line ends, so binary junk only ends a line. */
int user_read_in_root(int root_fd, const char *file, char **text, struct cr_error *err);

/* The name of uid in passwd text (any bytes; NULL: none), else the number: a name that is
 * not a valid user name (user_spec_valid's rule) or does not fit in len is not used (pure). */
void user_name_of(const char *passwd, unsigned long uid, char *buf, size_t len);

#endif
