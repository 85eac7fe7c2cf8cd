/* image/registries.h - what the image helper takes from registries.conf
 * (containers-registries.conf(5)): short-name aliases and the unqualified-search registries.
 * Everything else in it (mirrors, insecure, blocked) is skopeo's, which reads the same files.
 * The reader is a small TOML subset, for just those keys: comments, [tables], [[arrays of
 * tables]] (skipped), key = "string" | 'literal' | [array of strings, multi-line] | other
 * scalars (skipped). */
#ifndef CR_IMAGE_REGISTRIES_H
#define CR_IMAGE_REGISTRIES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct image_alias {
	char *name;  /* "debian", "library/debian" */
	char *value; /* "docker.io/library/debian" */
};

struct image_registries {
	char **search; /* unqualified-search-registries, in order */
	size_t nsearch;
	bool search_set; /* a file set the list (a later drop-in replaces it) */
	struct image_alias *aliases;
	size_t naliases;
};

/* Reads registries.conf text (len bytes) into r, on top of what r holds: a list it sets
 * replaces r's, its aliases replace r's of the same name. A syntax error fails naming its
 * line; r then keeps what it had. */
int image_registries_parse(const char *text, size_t len, struct image_registries *r,
			   const char *file, struct cr_error *err);

/* Reads the files podman reads: $CONTAINERS_REGISTRIES_CONF, else
 * ~/.config/containers/registries.conf when it exists, else /etc/containers/registries.conf;
 * then the *.conf drop-ins of registries.conf.d beside it, in name order. Missing files are
 * fine. */
int image_registries_load(struct image_registries *r, struct cr_error *err);

/* The alias of name (a short PATH without tag), or NULL. */
const char *image_registries_alias(const struct image_registries *r, const char *name);

/* Frees r's contents. */
void image_registries_free(struct image_registries *r);

#endif
