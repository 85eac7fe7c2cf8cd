/* image/catalog.h - the store's images as the listing and removal commands see them: each
 * record with its names, layers, size, and the containers that use it. */
#ifndef CR_IMAGE_CATALOG_H
#define CR_IMAGE_CATALOG_H

#include <stddef.h>

#include "image/store.h"

struct image_info {
	char id[IMAGE_HEX_LEN + 1];
	char *record; /* the record's text */
	char **names; /* its names in repositories (NULL-terminated) */
	size_t nnames;
	char **layers; /* diff_ids, base first */
	size_t nlayers;
	long long created;	 /* seconds since the epoch, 0 unknown */
	unsigned long long size; /* what its layers hold */
	size_t containers;	 /* containers whose config says image=ID */
};

struct image_catalog {
	struct image_info *v;
	size_t n;
};

/* Reads every record, repositories and the containers' configs; sorted newest first. */
int image_catalog_load(const struct image_store *s, struct image_catalog *c, struct cr_error *err);

/* Frees c. */
void image_catalog_free(struct image_catalog *c);

/* The image of id in c, or NULL. */
struct image_info *image_catalog_find(struct image_catalog *c, const char *id);

/* How many images of c (but skip, may be NULL) use layer hex. */
size_t image_catalog_layer_users(const struct image_catalog *c, const char *hex,
				 const struct image_info *skip);

#endif
