/* remove.c - deleting from the store: layer dirs (as root in the user namespace, they hold
 * files of many owners). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image/commands.h"
#include "image/store.h"
#include "utils.h"

/* True when rel is a dir the rm step may delete: tmp/NAME, layers/HEX or layers/.tmp-NAME,
 * one component beneath them, no dots. */
static bool removable(const char *rel)
{
	const char *base;

	if (!strncmp(rel, "tmp/", 4))
		base = rel + 4;
	else if (!strncmp(rel, "layers/", 7))
		base = rel + 7;
	else
		return false;
	if (!*base || strchr(base, '/') || !strcmp(base, ".") || !strcmp(base, ".."))
		return false;
	return base == rel + 4 || image_is_hex64(base) || !strncmp(base, ".tmp-", 5);
}

int image_step_rm(int argc, char **argv, struct cr_error *err)
{
	struct image_store s;
	int ret = 0;

	if (argc < 2)
		return cr_fail(err, EINVAL, "rm step: usage: rm STORE_ROOT REL...");
	if (image_store_open_at(&s, argv[1], err) < 0)
		return -1;
	for (int i = 2; i < argc; i++) {
		cleanup_free char *path = NULL;

		if (!removable(argv[i])) {
			ret = cr_fail(err, EINVAL, "rm step: %s is no layer or work dir", argv[i]);
			break;
		}
		path = image_store_path(&s, argv[i]);
		if (cr_rm_rf(path, err) < 0) {
			ret = -1;
			break;
		}
	}
	image_store_close(&s);
	return ret;
}
