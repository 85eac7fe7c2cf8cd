/* image/ref.h - image references as people type them, and where an image comes from.
 *
 * Pure functions shared by the front end (run IMAGE looks an image up in the store) and the
 * image helper (pull, tag, images). Rules are docker's (distribution/reference):
 *   [DOMAIN/]PATH[:TAG][@sha256:HEX]
 * DOMAIN is the first component when it has a '.' or a ':' or is "localhost"; without one
 * the name is short ("debian:12"), resolved through registries.conf by the helper and
 * matched against any registry by the store lookup. PATH components are lowercase
 * [a-z0-9] runs joined by '.', '_', '__' or '-'; TAG is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
 * No tag and no digest means ":latest".
 */
#ifndef CR_IMAGE_REF_H
#define CR_IMAGE_REF_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define IMAGE_DIGEST_HEX 64 /* a sha256 digest: 64 lowercase hex digits */
#define IMAGE_NAME_MAX 255  /* DOMAIN/PATH, as docker limits it */
#define IMAGE_TAG_MAX 128

/* Where IMAGE (run's first operand, pull's SOURCE) comes from. */
enum image_source {
	IMAGE_SRC_DIR,	    /* a directory rootfs: "/x", "./x", "../x", ".", or an existing dir */
	IMAGE_SRC_REGISTRY, /* "docker://REF" or a bare REF */
	IMAGE_SRC_OCI,	    /* "oci:DIR[:TAG]", an OCI image layout */
	IMAGE_SRC_OCI_ARCHIVE,	  /* "oci-archive:FILE[:TAG]" */
	IMAGE_SRC_DOCKER_ARCHIVE, /* "docker-archive:FILE[:REF]" (docker save, podman save) */
};

struct image_ref {
	char domain[IMAGE_NAME_MAX + 1];   /* "" for a short name */
	char path[IMAGE_NAME_MAX + 1];	   /* "library/debian", "debian" (short), "x/y" */
	char tag[IMAGE_TAG_MAX + 1];	   /* "" when only a digest was given */
	char digest[IMAGE_DIGEST_HEX + 1]; /* hex of "@sha256:HEX", "" if none */
};

/* Classifies arg; *rest points after the transport prefix ("docker://", "oci:", ...).
 * A directory is any arg starting with '/' or '.', or naming an existing directory. */
enum image_source image_source_of(const char *arg, const char **rest);

/* Parses s (no transport prefix) into r; docker.io names get "library/" for one component
 * and an empty tag with no digest becomes "latest". Fails naming what is wrong. */
int image_ref_parse(const char *s, struct image_ref *r, struct cr_error *err);

/* True when r has no domain (resolved through registries.conf when pulled). */
bool image_ref_is_short(const struct image_ref *r);

/* Writes r as the store names it: "DOMAIN/PATH:TAG", "DOMAIN/PATH@sha256:HEX" (a digest
 * wins over a tag), or, short, "PATH:TAG". Returns the length (truncated to len - 1). */
size_t image_ref_format(const struct image_ref *r, char *buf, size_t len);

/* True when the store's name (a full "DOMAIN/PATH:TAG" or "DOMAIN/PATH@sha256:HEX") is what
 * want names. A short want matches any domain, its PATH equal to the stored PATH or to the
 * stored PATH without "library/" ("debian" matches docker.io/library/debian). */
bool image_ref_matches(const struct image_ref *want, const char *stored);

/* True when s is 1..64 lowercase hex digits: an image id or a prefix of one. */
bool image_is_id_prefix(const char *s);

#endif
