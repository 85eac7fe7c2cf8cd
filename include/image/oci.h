/* image/oci.h - what the image helper reads of OCI (and docker v2) JSON: an image layout's
 * index, a manifest, an image config; and the record (records/ID) made from a config.
 * Every input is untrusted: sizes are capped, types checked, digests must be sha256. */
#ifndef CR_IMAGE_OCI_H
#define CR_IMAGE_OCI_H

#include <stddef.h>

#include "error.h"
#include "image/store.h"

#define IMAGE_JSON_MAX (4u << 20) /* a manifest, index or config larger than this is refused */
#define IMAGE_LAYERS_MAX 500	  /* more layers than this is refused */

struct image_layer_ref {
	char digest[IMAGE_HEX_LEN + 1]; /* the blob */
	char media_type[128];
	unsigned long long size;
};

struct image_manifest {
	char config[IMAGE_HEX_LEN + 1];
	struct image_layer_ref *layers;
	size_t nlayers;
};

/* Picks the manifest of an index.json (len bytes): the one whose
 * org.opencontainers.image.ref.name is tag, or, tag NULL/"", the only one. Its hex into hex;
 * the ref name it carries (or "") into ref_name (len ref_len). A nested index (a manifest
 * list) is reported in *is_index so the caller reads that blob and calls again with
 * tag NULL, which then picks linux/amd64 (the machine's architecture). */
int image_index_pick(const char *json, size_t len, const char *tag, char hex[IMAGE_HEX_LEN + 1],
		     char *ref_name, size_t ref_len, int *is_index, struct cr_error *err);

/* Reads a manifest (OCI or docker v2 schema 2). */
int image_manifest_parse(const char *json, size_t len, struct image_manifest *m,
			 struct cr_error *err);

/* Frees a manifest's layers. */
void image_manifest_free(struct image_manifest *m);

/* The diff_ids of a config (rootfs.diff_ids, base first) into a malloc'ed array of hex
 * strings (*n of them). */
int image_config_diff_ids(const char *json, size_t len, char ***ids, size_t *n,
			  struct cr_error *err);

/* Frees what image_config_diff_ids returned. */
void image_ids_free(char **ids, size_t n);

/* The record text of image id from its config (len bytes): image=, layer= (the diff_ids,
 * base first), entrypoint=, arg=, env=, cwd=, user=, stop_signal=, label=, expose=,
 * created=, size=, manifest=, arch=, os= lines, escaped as config_serialize does. */
char *image_record_from_config(const char *json, size_t len, const char *id,
			       const char *manifest_hex, unsigned long long size,
			       struct cr_error *err);

/* The first RepoTags entry of image index (0: the first) in a docker-archive's
 * manifest.json (len bytes) into buf; "" when it has none. */
int image_docker_archive_tag(const char *json, size_t len, size_t index, char *buf, size_t buflen,
			     struct cr_error *err);

/* Reads the values of key in record text (unescaped) into a NULL-terminated malloc'ed
 * array (*n of them). */
char **image_record_values(const char *record, const char *key, size_t *n);

/* The first value of key in record text (unescaped, malloc'ed), or NULL. */
char *image_record_value(const char *record, const char *key);

#endif
