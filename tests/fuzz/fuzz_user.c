/* fuzz_user.c - libFuzzer target: -u resolved in passwd and group text (user_resolve, what
 * PID 1 reads from the container's files); the input is SPEC\0PASSWD\0GROUP. Every failure
 * must format as one printable line; a success has a HOME that is absolute; the name top
 * shows for a uid (user_name_of) is a printable word that fits, or the number. */
#include <ctype.h>

#include "fuzz.h"
#include "user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 3);
	const char *spec, *passwd, *group;
	struct cr_error err = {0};
	struct cr_user u;

	memcpy(copy, data, size);
	copy[size] = copy[size + 1] = copy[size + 2] = '\0';
	spec = copy;
	passwd = spec + strlen(spec) + 1;
	group = passwd + strlen(passwd) + 1;
	if (group > copy + size + 2)
		group = copy + size + 2;
	if (user_resolve(spec, passwd, group, &u, &err) < 0)
		fuzz_check_error_line(&err);
	else if (u.home[0] != '/' || u.ngroups > CR_USER_GROUPS_MAX)
		abort();
	/* top's names: a valid user name that fits, or the number */
	for (unsigned long uid = 0; uid < 3; uid++) {
		char name[16];

		user_name_of(passwd, uid == 2 ? 4294967295UL : uid, name, sizeof(name));
		if (!name[0] || strlen(name) >= sizeof(name) || strchr(name, ':'))
			abort();
		for (const char *c = name; *c; c++) {
			if (!isgraph((unsigned char)*c))
				abort();
		}
	}
	free(copy);
	return 0;
}
