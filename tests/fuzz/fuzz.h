/* fuzz.h - what the libFuzzer targets share: the input as a NUL-terminated string, and the
 * promise every error line keeps (one printable line). */
#ifndef CR_FUZZ_H
#define CR_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* A NUL-terminated copy of the fuzzer's bytes (caller frees). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Aborts (a crash for libFuzzer) unless err formats as one line of printable text. */
static inline void fuzz_check_error_line(const struct cr_error *err)
{
	char line[2048];

	cr_error_format(err, line, sizeof(line));
	for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			abort();
	}
}

#endif
