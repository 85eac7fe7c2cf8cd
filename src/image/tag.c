/* tag.c - `tag SOURCE TARGET`: one more name for an image. */
#include <string.h>

#include "image/commands.h"
#include "image/ref.h"
#include "image/store.h"

int image_cmd_tag(int argc, char **argv, struct cr_error *err)
{
	struct image_store s;
	struct image_ref ref;
	char id[IMAGE_HEX_LEN + 1], name[2 * IMAGE_NAME_MAX + 16];
	int ret = -1;

	if (argc != 3) {
		cr_fail(err, 0, "tag needs 2 arguments, SOURCE_IMAGE and TARGET_IMAGE[:TAG]");
		return cr_hint(err, "conti-rootless tag debian:12 mine:latest");
	}
	if (image_ref_parse(argv[2], &ref, err) < 0)
		return -1;
	if (ref.digest[0]) {
		cr_fail(err, 0, "tag %s: a target name cannot carry a digest", argv[2]);
		return cr_hint(err, "give a NAME[:TAG]");
	}
	/* docker tags a short name as docker.io's; podman as localhost/: the store keeps full
	 * names, and a short target is local, as podman has it. */
	if (image_ref_is_short(&ref))
		strcpy(ref.domain, "localhost");
	image_ref_format(&ref, name, sizeof(name));
	if (image_store_open(&s, err) < 0)
		return -1;
	if (image_store_lock(&s, false, err) < 0 || image_store_names_lock(&s, err) < 0)
		goto out;
	if (image_store_resolve(&s, argv[1], id, NULL, 0, err) < 0)
		goto out;
	ret = image_repos_set(&s, name, id, err);
out:
	image_store_close(&s);
	return ret;
}
