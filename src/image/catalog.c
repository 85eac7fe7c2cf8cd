/* catalog.c - every image of the store with its names, layers, size and users. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/catalog.h"
#include "image/format.h"
#include "image/oci.h"
#include "utils.h"

static int newest_first(const void *a, const void *b)
{
	const struct image_info *x = a, *y = b;

	if (x->created != y->created)
		return x->created > y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void push(char ***v, size_t *n, const char *s)
{
	*v = cr_xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = cr_xstrdup(s);
	(*v)[*n] = NULL;
}

int image_catalog_load(const struct image_store *s, struct image_catalog *c, struct cr_error *err)
{
	struct image_name *names = NULL;
	size_t nnames = 0, nrec = 0;
	char **recs;

	memset(c, 0, sizeof(*c));
	if (image_repos_read(s, &names, &nnames, err) < 0)
		return -1;
	recs = image_record_list(s, &nrec);
	c->v = cr_xcalloc(nrec ? nrec : 1, sizeof(*c->v));
	for (size_t i = 0; i < nrec; i++) {
		struct image_info *im = &c->v[c->n];
		struct cr_error ignored;
		char *text = image_record_text(s, recs[i], &ignored);
		char *created, *size;
		char **users;

		if (!text) {
			free(recs[i]);
			continue;
		}
		snprintf(im->id, sizeof(im->id), "%s", recs[i]);
		free(recs[i]);
		c->n++;
		im->record = text;
		created = image_record_value(text, "created");
		size = image_record_value(text, "size");
		im->created = image_parse_time(created);
		im->size = size ? strtoull(size, NULL, 10) : 0;
		free(created);
		free(size);
		im->layers = image_record_values(text, "layer", &im->nlayers);
		im->names = cr_xcalloc(1, sizeof(*im->names));
		for (size_t j = 0; j < nnames; j++) {
			if (!strcmp(names[j].id, im->id))
				push(&im->names, &im->nnames, names[j].name);
		}
		users = image_containers_using(s, im->id, NULL);
		for (char **u = users; *u; u++) {
			im->containers++;
			free(*u);
		}
		free(users);
	}
	free(recs);
	image_names_free(names, nnames);
	qsort(c->v, c->n, sizeof(*c->v), newest_first);
	return 0;
}

void image_catalog_free(struct image_catalog *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct image_info *im = &c->v[i];

		free(im->record);
		for (size_t j = 0; j < im->nnames; j++)
			free(im->names[j]);
		free(im->names);
		for (size_t j = 0; j < im->nlayers; j++)
			free(im->layers[j]);
		free(im->layers);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

struct image_info *image_catalog_find(struct image_catalog *c, const char *id)
{
	for (size_t i = 0; i < c->n; i++) {
		if (!strcmp(c->v[i].id, id))
			return &c->v[i];
	}
	return NULL;
}

size_t image_catalog_layer_users(const struct image_catalog *c, const char *hex,
				 const struct image_info *skip)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (&c->v[i] == skip)
			continue;
		for (size_t j = 0; j < c->v[i].nlayers; j++) {
			if (!strcmp(c->v[i].layers[j], hex)) {
				n++;
				break;
			}
		}
	}
	return n;
}
