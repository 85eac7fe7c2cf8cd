/* fuzz_oci_spec.c - libFuzzer target: a bundle's config.json (src/oci/spec.c) and the plan
 * built from what it parses (plan-oci.c). The first byte picks: even, the whole document;
 * odd, a process object as exec --process passes it, over a parsed minimal config.
 * Promises: no crash, leak or hang on any bytes; failures are one printable line; what parses
 * plans (or is refused by the plan in one printable line), every step formats as one line. */
#include <json-c/json.h>

#include "fuzz.h"
#include "oci/spec.h"
#include "plan.h"

static void check_plan(const struct oci_spec *s)
{
	struct cr_facts f = {.rootfs = s->cfg.rootfs, .root_mnt = s->cfg.rootfs};
	struct cr_error err = {0};
	struct cr_plan p;
	char line[4096];

	if (plan_build(&s->cfg, &f, &p, &err) < 0) {
		fuzz_check_error_line(&err);
		return;
	}
	for (size_t i = 0; i < p.n; i++) {
		plan_format_op(&p.ops[i], f.root_mnt, line, sizeof(line));
		if (!strcmp(line, "?"))
			abort();
	}
	plan_free(&p);
}

static void parse_process(const char *json, size_t len)
{
	static const char min[] = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
				  "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"}}";
	struct oci_spec s;
	struct cr_error err = {0};
	json_tokener *tok = json_tokener_new_ex(64);
	json_object *p;

	if (!tok)
		abort();
	p = json_tokener_parse_ex(tok, json, (int)len);
	json_tokener_free(tok);
	if (!p)
		return;
	oci_spec_init(&s);
	if (oci_spec_parse(min, sizeof(min) - 1, "/b", &s, &err) < 0)
		abort();
	if (oci_spec_parse_process(p, &s, &err) < 0)
		fuzz_check_error_line(&err);
	json_object_put(p);
	oci_spec_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_spec s;
	struct cr_error err = {0};

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		parse_process((const char *)data + 1, size - 1);
		return 0;
	}
	oci_spec_init(&s);
	if (oci_spec_parse((const char *)data + 1, size - 1, "/bundle", &s, &err) < 0)
		fuzz_check_error_line(&err);
	else
		check_plan(&s);
	oci_spec_free(&s);
	return 0;
}
