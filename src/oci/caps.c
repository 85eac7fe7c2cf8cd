/* caps.c - process.capabilities: the five sets of capability names, through libcap. */
#include <json-c/json.h>
#include <string.h>
#include <sys/capability.h>

#include "oci/caps.h"
#include "security.h"

/* A name as the runtime spec writes it: CAP_ and upper case letters, digits, '_' (libcap
 * alone would also take "chown" or "12"). */
static bool spec_name(const char *s)
{
	if (strncmp(s, "CAP_", 4) || !s[4])
		return false;
	for (s += 4; *s; s++) {
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	}
	return true;
}

/* One set: an array of names into *mask; names this kernel lacks are left out. */
static int parse_set(struct json_object *names, const char *set, int last, uint64_t *mask,
		     struct cr_error *err)
{
	char cut[CR_CUT_SIZE];

	*mask = 0;
	if (!names)
		return 0;
	if (!json_object_is_type(names, json_type_array))
		return cr_fail(err, 0, "process.capabilities.%s is not an array of names", set);
	for (size_t i = 0; i < json_object_array_length(names); i++) {
		struct json_object *v = json_object_array_get_idx(names, i);
		const char *name = json_object_get_string(v);
		cap_value_t cap;

		if (!json_object_is_type(v, json_type_string))
			return cr_fail(err, 0, "process.capabilities.%s[%zu] is not a string", set,
				       i);
		if (!spec_name(name) || cap_from_name(name, &cap) < 0) {
			cr_fail(err, 0, "unknown capability '%s' in process.capabilities.%s",
				cr_cut(name, cut, sizeof(cut)), set);
			return cr_hint(err, "use names of capabilities(7), like CAP_NET_ADMIN");
		}
		if (cap < 0 || cap > last || cap > 63)
			continue; /* libcap knows it, this kernel does not: dropped, as runc */
		*mask |= 1ULL << cap;
	}
	return 0;
}

/* Refuses a key of process.capabilities that is not one of the five sets. */
static int unknown_set(struct json_object *caps, const char *const sets[5], struct cr_error *err)
{
	json_object_object_foreach(caps, key, val)
	{
		size_t i = 0;

		(void)val;
		while (i < 5 && strcmp(key, sets[i]))
			i++;
		if (i == 5) {
			char cut[CR_CUT_SIZE];

			cr_fail(err, 0, "process.capabilities.%s is not a capability set",
				cr_cut(key, cut, sizeof(cut)));
			return cr_hint(err, "the sets are bounding, effective, permitted, "
					    "inheritable and ambient");
		}
	}
	return 0;
}

int oci_caps_parse(struct json_object *caps, struct cr_security *sec, struct cr_error *err)
{
	static const char *const sets[] = {"bounding", "effective", "permitted", "inheritable",
					   "ambient"};
	uint64_t *masks[] = {&sec->cap_bounding, &sec->cap_effective, &sec->cap_permitted,
			     &sec->cap_inheritable, &sec->cap_ambient};
	int last = security_last_cap();

	if (caps && !json_object_is_type(caps, json_type_object))
		return cr_fail(err, 0, "process.capabilities is not an object");
	if (caps && unknown_set(caps, sets, err) < 0)
		return -1;
	for (size_t i = 0; i < 5; i++) {
		struct json_object *names = NULL;

		if (caps)
			json_object_object_get_ex(caps, sets[i], &names);
		if (parse_set(names, sets[i], last, masks[i], err) < 0)
			return -1;
	}
	sec->cap_sets = true;
	return 0;
}
