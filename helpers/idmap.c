/* conti-rootless-idmap - the calling user's name and subordinate id ranges.
 *
 * Usage: conti-rootless-idmap
 *
 * Prints "user NAME", then one "uid START COUNT" line per subordinate uid range
 * and one "gid START COUNT" line per gid range, as the system gives them: the
 * user name through NSS (LDAP and the like included), the ranges through
 * libsubid (shadow-utils: /etc/subuid and /etc/subgid, or the subid service
 * that /etc/nsswitch.conf names). Exits 0; 1 with a line on stderr when the
 * user has no name; 3 when it cannot write its output.
 *
 * conti-rootless runs it only when it makes the user namespace its containers
 * share (and for `check`): libsubid pulls in libpam, libaudit, libselinux...,
 * which a container start should not load, and the front end is static.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <shadow/subid.h>

static void print_ranges(const char *kind, struct subid_range *ranges, int n)
{
	for (int i = 0; i < n; i++)
		printf("%s %lu %lu\n", kind, ranges[i].start, ranges[i].count);
	free(ranges);
}

int main(void)
{
	struct passwd *pw = getpwuid(getuid());
	struct subid_range *ranges = NULL;
	int n;

	if (!pw) {
		fprintf(stderr, "conti-rootless-idmap: uid %u has no user name\n",
			(unsigned)getuid());
		return 1;
	}
	subid_init("conti-rootless", stderr);
	printf("user %s\n", pw->pw_name);
	n = subid_get_uid_ranges(pw->pw_name, &ranges);
	print_ranges("uid", ranges, n);
	ranges = NULL;
	n = subid_get_gid_ranges(pw->pw_name, &ranges);
	print_ranges("gid", ranges, n);
	return fflush(stdout) == 0 ? 0 : 3;
}
