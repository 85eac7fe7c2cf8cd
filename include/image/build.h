/* image/build.h - what commit, import and load share: packing a tree in the user namespace,
 * adding a packed layer to the store (blob and unpacked dir), writing an image's config,
 * manifest, record and name, and running skopeo for save.
 */
#ifndef CR_IMAGE_BUILD_H
#define CR_IMAGE_BUILD_H

#include <stdbool.h>

#include "error.h"
#include "image/commit-json.h"
#include "image/pack.h"
#include "image/store.h"

/* A layer packed into the store's tmp dir, waiting to be added. */
struct image_packed {
	char *path; /* the gzip'ed tar, in tmp/ */
	struct pack_result res;
};

/* Packs the tree at src ("dir": a rootfs, "upper": an overlay upper dir) as root of the
 * tool's user namespace (the step `pack`) into tmpdir/STEM.tar.gz. */
int image_pack_in_userns(const char *mode, const char *src, const char *tmpdir, const char *stem,
			 struct image_packed *out, struct cr_error *err);

/* Step pack MODE SRC OUT RESULT: packs SRC (mode dir|upper) into the new file OUT and writes
 * "DIFF_ID DIGEST SIZE TAR_SIZE" to the new file RESULT. */
int image_step_pack(int argc, char **argv, struct cr_error *err);

/* Adds a packed layer to the store: its blob (checked against the digest packing computed)
 * and its unpacked dir layers/DIFF_ID (unless there), through the unpack step. Removes
 * p->path. */
int image_add_packed(struct image_store *s, struct image_packed *p, struct cr_error *err);

/* Writes a new image: its config (image_config_build of in) and manifest (the parent
 * manifest's layers, then in's) as blobs, its record, and name (NULL: none) pointing at it;
 * its id into id. The caller holds the store's shared lock. */
int image_write(struct image_store *s, const struct image_commit_in *in,
		const char *parent_manifest, const char *name, char id[IMAGE_HEX_LEN + 1],
		struct cr_error *err);

/* The name a user gave an image made here, as the store keeps it: a short "x[:tag]" becomes
 * "localhost/x:tag" (podman's rule), a full one is kept normalized. */
int image_local_name(const char *arg, char *out, size_t len, struct cr_error *err);

/* Runs skopeo with args (NULL-terminated, after "skopeo") as the user; its stdout goes to
 * our stderr (or nowhere when quiet), so that ours stays for what the command prints. */
int image_run_skopeo(const char *const *args, bool quiet, struct cr_error *err);

#endif
