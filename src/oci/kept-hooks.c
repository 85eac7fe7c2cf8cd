/* kept-hooks.c - the poststart and poststop hooks, kept in state.json by create for start
 * and delete (which do not read the bundle's config.json again: it may have changed). */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "oci/hooks.h"
#include "oci/lifecycle.h"
#include "oci/state.h"
#include "utils.h"

static struct json_object *strv_json(const struct cr_strv *v)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->n; i++)
		json_object_array_add(a, json_object_new_string(v->v[i]));
	return a;
}

static struct json_object *list_json(const struct oci_hook_list *l)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->n; i++) {
		struct json_object *h = json_object_new_object();

		json_object_object_add(h, "path", json_object_new_string(l->v[i].path));
		if (l->v[i].args.n)
			json_object_object_add(h, "args", strv_json(&l->v[i].args));
		if (l->v[i].env.n)
			json_object_object_add(h, "env", strv_json(&l->v[i].env));
		if (l->v[i].timeout)
			json_object_object_add(h, "timeout", json_object_new_int(l->v[i].timeout));
		json_object_array_add(a, h);
	}
	return a;
}

char *oci_kept_hooks_json(const struct oci_hooks *h)
{
	struct json_object *o;
	char *text;

	if (!h->poststart.n && !h->poststop.n)
		return NULL;
	o = json_object_new_object();
	if (h->poststart.n)
		json_object_object_add(o, "poststart", list_json(&h->poststart));
	if (h->poststop.n)
		json_object_object_add(o, "poststop", list_json(&h->poststop));
	text = cr_xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

void oci_kept_hooks_run(const struct oci_state *st, const char *phase, int status)
{
	struct oci_hooks h = {0};
	struct cr_error err = {0};
	struct json_object *o;
	cleanup_free char *state = NULL;
	const struct oci_hook_list *l;

	if (!st->hooks || !(o = json_tokener_parse(st->hooks)))
		return;
	if (oci_hooks_parse(o, &h, &err) < 0) {
		json_object_put(o);
		cr_warn("%s hooks of container %s: %s", phase, st->id, err.msg);
		return;
	}
	json_object_put(o);
	l = !strcmp(phase, "poststart") ? &h.poststart : &h.poststop;
	state = oci_state_json(st, (enum oci_status)status);
	if (l->n && oci_hooks_run(l, phase, state, &err) < 0) {
		char line[2048];

		cr_error_format(&err, line, sizeof(line));
		cr_warn("%s", line); /* the spec: a poststart or poststop failure is a warning */
	}
	oci_hooks_free(&h);
}
