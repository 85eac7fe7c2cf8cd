/* fuzz_idmap.c - libFuzzer target: the idmap helper's output (userns_parse_subids) and the
 * id maps kept in the keeper's record (userns_map_parse). */
#include "fuzz.h"
#include "userns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct cr_subids ids;
	struct cr_idmap map;

	if (userns_parse_subids(text, &ids) == 0) {
		if (!ids.user[0] || ids.nuid > CR_IDMAP_MAX || ids.ngid > CR_IDMAP_MAX)
			abort();
	}
	if (userns_map_parse(text, &map) == 0) {
		char buf[4096];

		if (map.n == 0 || map.n > CR_IDMAP_MAX)
			abort();
		userns_map_format(&map, buf, sizeof(buf));
	}
	free(text);
	return 0;
}
