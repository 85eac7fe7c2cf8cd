/* oci/spec.h - a bundle's config.json read into the one container configuration.
 *
 * Every field that sets mounts, namespaces, ids or security goes into struct cr_config
 * (config.h), which the plan (plan.h), mounts.c and security.c carry out as they do for the
 * user CLI; what only the runtime uses (hooks, annotations, the terminal) stays here. A
 * field this runtime does not support is refused with one line naming it (never ignored),
 * except those the runtime spec says may be ignored.
 */
#ifndef CR_OCI_SPEC_H
#define CR_OCI_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "error.h"
#include "oci/hooks.h"

#define OCI_CONFIG_MAX (4 << 20) /* config.json larger than this is refused */

struct json_object;

struct oci_spec {
	struct cr_config cfg; /* rootfs (absolute), args, env, cwd, ids, mounts, ns, security */
	char *bundle;	      /* absolute path of the bundle */
	char *oci_version;
	bool terminal; /* process.terminal */
	unsigned short console_rows, console_cols;
	struct cr_strv annotations; /* KEY=VALUE */
	struct oci_hooks hooks;
	char *unapplied;    /* linux.resources members that set limits cfg->res does not carry
			       ("cpu.cpus, hugepageLimits"), NULL: none */
	char *cgroups_path; /* linux.cgroupsPath as given, NULL: none */
};

/* Empties s (cfg config_init'ed). */
void oci_spec_init(struct oci_spec *s);

/* Frees what the parser allocated; leaves s empty. */
void oci_spec_free(struct oci_spec *s);

/* Parses config.json's text (len bytes, any bytes) for the bundle at the absolute path
 * bundle into s (oci_spec_init'ed); -1 naming the first bad or unsupported field. */
int oci_spec_parse(const char *json, size_t len, const char *bundle, struct oci_spec *s,
		   struct cr_error *err);

/* Reads BUNDLE/config.json (a regular file of at most OCI_CONFIG_MAX bytes, not followed
 * through a symlink) and parses it. */
int oci_spec_load(const char *bundle, struct oci_spec *s, struct cr_error *err);

/* Parses a process object (config.json's, or exec --process FILE's) into s->cfg's args,
 * env, cwd, user, rlimits, capabilities, noNewPrivileges, oomScoreAdj, and s's terminal. */
int oci_spec_parse_process(struct json_object *process, struct oci_spec *s, struct cr_error *err);

#endif
