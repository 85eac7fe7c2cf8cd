/* fuzz_registries.c - libFuzzer target: registries.conf text (registries.c), which a user or
 * a package writes. Promises: no crash or leak on any bytes; a failure is one printable line
 * and leaves the previous contents untouched; what is read back is consistent (every search
 * registry and alias a NUL-free string). */
#include "fuzz.h"
#include "image/registries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_registries r = {0};
	struct cr_error err = {0};
	const char *seed =
	    "unqualified-search-registries = [\"a.io\"]\n[aliases]\nx = \"b.io/x\"\n";

	if (image_registries_parse(seed, strlen(seed), &r, "seed", &err) < 0)
		abort();
	if (image_registries_parse((const char *)data, size, &r, "fuzz.conf", &err) < 0) {
		fuzz_check_error_line(&err);
		/* The failed text changed nothing. */
		if (r.nsearch != 1 || strcmp(r.search[0], "a.io") != 0 || r.naliases != 1)
			abort();
	}
	for (size_t i = 0; i < r.nsearch; i++) {
		if (!r.search[i])
			abort();
	}
	for (size_t i = 0; i < r.naliases; i++) {
		if (!r.aliases[i].name || !r.aliases[i].value ||
		    image_registries_alias(&r, r.aliases[i].name) == NULL)
			abort();
	}
	image_registries_free(&r);
	return 0;
}
