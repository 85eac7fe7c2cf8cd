/* fuzz_oci_seccomp.c - libFuzzer target: linux.seccomp and process.capabilities of a
 * config.json (oci_seccomp_compile, oci_caps_parse), which whoever writes the bundle
 * controls. The input is one JSON object: the profile, with "capabilities" beside it for
 * the capability sets (no name above what libcap and the headers know). A profile compiles to a
 * program the kernel can take (1 to 4096 instructions) or to none; every refusal is one printable
 * line. */
#include <json-c/json.h>
#include <linux/capability.h>
#include <linux/filter.h>

#include "fuzz.h"
#include "oci/caps.h"
#include "oci/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct json_object *o = json_tokener_parse(text), *caps = NULL;
	struct cr_security sec = {.seccomp = true};
	struct cr_error err = {0};

	if (oci_seccomp_compile(o, &sec, &err) == 0) {
		if (sec.seccomp ||
		    (sec.filter && (sec.filter_len == 0 || sec.filter_len > BPF_MAXINSNS)))
			abort();
		if (!sec.filter && sec.filter_len)
			abort();
	} else
		fuzz_check_error_line(&err);
	free(sec.filter);
	memset(&sec, 0, sizeof(sec));
	if (json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, "capabilities", &caps);
	if (oci_caps_parse(caps, &sec, &err) == 0) {
		if (!sec.cap_sets || ((sec.cap_bounding | sec.cap_effective | sec.cap_permitted |
				       sec.cap_inheritable | sec.cap_ambient) >>
				      (CAP_LAST_CAP + 1)))
			abort();
	} else
		fuzz_check_error_line(&err);
	json_object_put(o);
	free(text);
	return 0;
}
