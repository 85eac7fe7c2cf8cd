/* image/commit-json.h - the JSON of an image made here (commit, import): its config (docker's
 * --change instructions applied) and its OCI manifest. Pure functions of their inputs.
 */
#ifndef CR_IMAGE_COMMIT_JSON_H
#define CR_IMAGE_COMMIT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "error.h"

#define IMAGE_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define IMAGE_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define IMAGE_MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"

/* What a container ran (its config): the base of a committed image's config, as docker's
 * commit takes the container's, not the image's. Any field may be NULL/empty: the parent's
 * value stays. */
struct image_run_config {
	const struct cr_strv *entrypoint;
	const struct cr_strv *cmd;
	const struct cr_strv *env;
	const struct cr_strv *labels; /* K=V */
	const struct cr_strv *expose; /* PORT/PROTO */
	const char *cwd;
	const char *user;
	const char *stop_signal;
};

/* A layer the new image adds on top of its parent's. */
struct image_new_layer {
	const char *digest; /* hex of the blob (gzip) */
	unsigned long long size;
	const char *diff_id; /* hex of the tar */
	const char *created_by;
	const char *comment;
};

struct image_commit_in {
	const char *parent_config; /* the parent image's config JSON, NULL: a new one */
	const struct image_run_config *run;
	const char *const *changes; /* docker's --change instructions, in order */
	size_t nchanges;
	const char *author;  /* -a, may be NULL */
	const char *message; /* -m: the history entry's comment, may be NULL */
	const struct image_new_layer *layers;
	size_t nlayers;
	long long created; /* seconds since the epoch */
};

/* The config JSON of the new image into a malloc'ed *out: the parent's (or a new one with this
 * machine's architecture and os), the container's run config, the changes, author, created,
 * one history entry and one diff_id per new layer. A bad change or parent fails naming it. */
int image_config_build(const struct image_commit_in *in, char **out, struct cr_error *err);

/* The OCI manifest JSON into a malloc'ed *out: the config descriptor, the parent manifest's
 * layers (NULL: none; docker media types mapped to OCI ones) and the new layers. */
int image_manifest_build(const char *parent_manifest, const char *config_hex,
			 unsigned long long config_size, const struct image_new_layer *layers,
			 size_t nlayers, char **out, struct cr_error *err);

/* The GOARCH name of this machine ("amd64", "arm64", ...) and its variant ("" or "v7"). */
const char *image_machine_arch(const char **variant);

/* The manifest's mediaType ("" when it has none: an OCI manifest then) into mt (len bytes). */
int image_manifest_type(const char *manifest, char *mt, size_t len, struct cr_error *err);

#endif
