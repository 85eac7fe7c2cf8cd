/* fuzz_passwd.c - libFuzzer target: a container's /etc/passwd as top reads it
 * (top_user_name); the name it gives is a printable word that fits, or the number. */
#include <ctype.h>

#include "commands.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), buf[32];
	unsigned uids[] = {0, 1, 1000, 65534, 4294967295U};

	for (size_t i = 0; i < sizeof(uids) / sizeof(uids[0]); i++) {
		top_user_name(text, uids[i], buf, sizeof(buf));
		if (!buf[0] || strlen(buf) >= sizeof(buf))
			abort();
		for (const char *c = buf; *c; c++) {
			if (!isgraph((unsigned char)*c) || *c == ':')
				abort();
		}
	}
	free(text);
	return 0;
}
