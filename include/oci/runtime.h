/* oci/runtime.h - the OCI runtime CLI (conti-runtime): global options and its commands.
 *
 * conti-runtime is a separately linked program (src/oci/, json-c, libseccomp, libcap) that
 * speaks the command line of runc and crun, so that podman, containerd and CRI-O can drive
 * it. It fills the one container configuration (config.h) from a bundle's config.json and
 * sets the container up with the same plan, mounts and security code as conti-rootless.
 * Each command is a function in a file of its own, named for it.
 */
#ifndef CR_OCI_RUNTIME_H
#define CR_OCI_RUNTIME_H

#include <stdbool.h>

#include "error.h"

#define OCI_RUNTIME_NAME "conti-runtime"
#define OCI_SPEC_VERSION "1.2.0" /* the runtime-spec version we implement */

/* The global options, before the command word (runc's). */
struct oci_global {
	const char *root;    /* --root: state dir; oci_global_init picks the default */
	const char *log;     /* --log FILE: errors (and --debug lines) also go there */
	bool log_json;	     /* --log-format json: one JSON object per line, as runc */
	bool debug;	     /* --debug: every set-up step (the plan, as --trace) to the log */
	bool systemd_cgroup; /* --systemd-cgroup: accepted (cgroups are not managed yet) */
	bool rootless_set;   /* --rootless true|false|auto given */
	bool rootless;
};

/* One command: argv[0] is the command word; returns the exit status (0 on success) or -1
 * with err filled. */
typedef int (*oci_command_fn)(const struct oci_global *g, int argc, char **argv,
			      struct cr_error *err);

/* Fills g's defaults: root is /run/conti-runtime for root of the initial user namespace,
 * else $XDG_RUNTIME_DIR/conti-runtime, else /tmp/conti-runtime-UID. */
void oci_global_init(struct oci_global *g);

/* Writes a --debug line (printf-style) to the log when --debug is on. */
void oci_debug(const struct oci_global *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes a warning (printf-style) on stderr and to the --log. */
void oci_warn(const struct oci_global *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The commands (src/oci/NAME.c). */
int oci_cmd_create(const struct oci_global *g, int argc, char **argv, struct cr_error *err);
int oci_cmd_start(const struct oci_global *g, int argc, char **argv, struct cr_error *err);
int oci_cmd_run(const struct oci_global *g, int argc, char **argv, struct cr_error *err);
int oci_cmd_state(const struct oci_global *g, int argc, char **argv, struct cr_error *err);
int oci_cmd_kill(const struct oci_global *g, int argc, char **argv, struct cr_error *err);
int oci_cmd_delete(const struct oci_global *g, int argc, char **argv, struct cr_error *err);
int oci_cmd_list(const struct oci_global *g, int argc, char **argv, struct cr_error *err);
int oci_cmd_ps(const struct oci_global *g, int argc, char **argv, struct cr_error *err);
int oci_cmd_exec(const struct oci_global *g, int argc, char **argv, struct cr_error *err);
int oci_cmd_pause(const struct oci_global *g, int argc, char **argv, struct cr_error *err);
int oci_cmd_resume(const struct oci_global *g, int argc, char **argv, struct cr_error *err);
int oci_cmd_spec(const struct oci_global *g, int argc, char **argv, struct cr_error *err);
int oci_cmd_features(const struct oci_global *g, int argc, char **argv, struct cr_error *err);

/* spec's config.json template (runc's), with --rootless's user namespace mapping the
 * caller's uid and gid to root when rootless; caller frees. */
char *oci_spec_template(bool rootless);

#endif
