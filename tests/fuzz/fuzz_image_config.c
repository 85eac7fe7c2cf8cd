/* fuzz_image_config.c - libFuzzer target: the JSON an image brings (oci.c): its config turned
 * into a record, its manifest, an index, a docker archive's manifest.json. The first byte
 * picks the parser. Promises: no crash or leak on any bytes; failures are one printable line;
 * a record made is one key=value per line, every value read back by image_record_values
 * as it was written (escapes undone), its layer= lines 64 hex digits each. */
#include "fuzz.h"
#include "image/oci.h"

static void check_record(const char *rec)
{
	size_t n;
	char **layers = image_record_values(rec, "layer", &n);

	for (const char *l = rec; *l; l = strchr(l, '\n') + 1) {
		if (!strchr(l, '\n') || !strchr(l, '=') || strchr(l, '=') > strchr(l, '\n'))
			abort();
	}
	for (size_t i = 0; i < n; i++) {
		if (!image_is_hex64(layers[i]))
			abort();
	}
	image_ids_free(layers, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_error err = {0};
	const char *id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	const char *json;
	size_t len;

	if (size < 1)
		return 0;
	json = (const char *)data + 1;
	len = size - 1;
	switch (data[0] % 4) {
	case 0: {
		char *rec = image_record_from_config(json, len, id, "ab", 7, &err);

		if (rec) {
			check_record(rec);
			free(rec);
		} else {
			fuzz_check_error_line(&err);
		}
		break;
	}
	case 1: {
		struct image_manifest m;

		if (image_manifest_parse(json, len, &m, &err) == 0) {
			if (!image_is_hex64(m.config))
				abort();
			for (size_t i = 0; i < m.nlayers; i++) {
				if (!image_is_hex64(m.layers[i].digest))
					abort();
			}
			image_manifest_free(&m);
		} else {
			fuzz_check_error_line(&err);
		}
		break;
	}
	case 2: {
		char hex[IMAGE_HEX_LEN + 1], ref[128];
		int nested;

		if (image_index_pick(json, len, data[0] & 4 ? "latest" : NULL, hex, ref,
				     sizeof(ref), &nested, &err) == 0) {
			if (!image_is_hex64(hex))
				abort();
		} else {
			fuzz_check_error_line(&err);
		}
		break;
	}
	default: {
		char tag[256];

		if (image_docker_archive_tag(json, len, 0, tag, sizeof(tag), &err) < 0)
			fuzz_check_error_line(&err);
		break;
	}
	}
	return 0;
}
