/* fuzz_image_store.c - libFuzzer target: what run IMAGE reads from the image store, which
 * anyone with the user's files may have damaged: a record (config_parse_record) and the
 * repositories file searched for a name or an ID prefix (image_find). A record that parses
 * has an image and layers that are 64-hex path components; a found image has a 64-hex ID. */
#include "config.h"
#include "fuzz.h"
#include "image/lookup.h"

static bool hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *nl = strchr(text, '\n');
	char id[IMAGE_DIGEST_HEX + 1], name[IMAGE_NAME_LEN];
	struct cr_strv ids = {0};
	struct cr_error err = {0};
	struct cr_config rec;
	int ret;

	config_init(&rec);
	if (config_parse_record(text, &rec) == 0) {
		if (!hex64(rec.image))
			abort();
		for (size_t i = 0; i < rec.layers.n; i++) {
			if (!hex64(rec.layers.v[i]))
				abort();
		}
	}
	config_free(&rec);
	/* the first line is what the user typed; the rest the repositories file and the IDs */
	if (nl) {
		*nl = '\0';
		for (char *p = nl + 1; (p = strchr(p, ' ')); p++) {
			if (hex64(p + 1) || (strlen(p + 1) > 64 && p[65] == '\n')) {
				char one[65];

				memcpy(one, p + 1, 64);
				one[64] = '\0';
				if (hex64(one))
					strv_push(&ids, one);
			}
		}
		ret = image_find(nl + 1, &ids, text, id, name, sizeof(name), &err);
		if (ret == 1 && (!hex64(id) || !name[0]))
			abort();
		if (ret < 0)
			fuzz_check_error_line(&err);
	}
	strv_free(&ids);
	free(text);
	return 0;
}
