/* oci/hooks.h - config.json's hooks: parsed, and run with the container's state on stdin. */
#ifndef CR_OCI_HOOKS_H
#define CR_OCI_HOOKS_H

#include <stddef.h>

#include "config.h"
#include "error.h"

struct json_object;

struct oci_hook {
	char *path;	     /* absolute */
	struct cr_strv args; /* argv, args[0] included when given */
	struct cr_strv env;  /* KEY=VALUE; the hook gets only these */
	int timeout;	     /* seconds, 0: none */
};

struct oci_hook_list {
	struct oci_hook *v;
	size_t n;
};

struct oci_hooks {
	struct oci_hook_list prestart, create_runtime, create_container, start_container, poststart,
	    poststop;
};

/* Parses config.json's "hooks" object into h (zeroed); -1 naming a bad entry. */
int oci_hooks_parse(struct json_object *hooks, struct oci_hooks *h, struct cr_error *err);

/* Frees h's lists; leaves it empty. */
void oci_hooks_free(struct oci_hooks *h);

/* Runs each hook of l in order, state (the state JSON) on its stdin, no other fd of ours;
 * a hook that exits non-zero, dies, or outlives its timeout (killed) fails with a message
 * naming phase ("prestart", ...) and the hook's path. */
int oci_hooks_run(const struct oci_hook_list *l, const char *phase, const char *state,
		  struct cr_error *err);

#endif
