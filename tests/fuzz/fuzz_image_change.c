/* fuzz_image_change.c - libFuzzer target: the config commit and import write (image/commit-json.h):
 * docker's --change instructions (quotes, escapes, $VAR, JSON arrays) and the parent config
 * JSON they apply to. An input is "CHANGES" or, after a NUL byte, "CHANGES\0PARENT_JSON".
 * Every failure must format as one printable line; every success must be a JSON object. */
#include <json-c/json.h>

#include "fuzz.h"
#include "image/commit-json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	const char *nul = memchr(data, '\0', size);
	const char *changes[] = {text};
	struct image_new_layer layer = {.digest = "0", .diff_id = "1", .created_by = "fuzz"};
	struct image_commit_in in = {.parent_config =
					 nul ? text + (nul - (const char *)data) + 1 : NULL,
				     .changes = changes,
				     .nchanges = 1,
				     .layers = &layer,
				     .nlayers = 1};
	struct cr_error err = {0};
	char *out = NULL;

	if (image_config_build(&in, &out, &err) < 0) {
		fuzz_check_error_line(&err);
	} else {
		json_object *o = json_tokener_parse(out);
		if (!o || !json_object_is_type(o, json_type_object))
			abort();
		json_object_put(o);
	}
	free(out);
	free(text);
	return 0;
}
