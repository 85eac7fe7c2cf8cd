/* image/lookup.h - the front end's side of the image store: finding what `run IMAGE` names,
 * reading its record, the layer dirs of a container made from it, and the image helper.
 *
 * Store layout (DATA = state.h's; the helper, conti-rootless-image, writes it):
 *   DATA/images/lock           flock: shared while content is added or used (run holds it
 *                              from reading a record until its container's config is
 *                              written), exclusive while content is deleted (rmi, prune)
 *   DATA/images/repositories   "NAME ID" lines, NAME normalized (image_ref_format)
 *   DATA/images/records/ID     what a start needs, in config.h's syntax (image/record.h)
 *   DATA/images/layers/HEX/    a layer unpacked: an overlay lower dir as it is
 * Only small, pure code: the front end links no JSON, archive or crypto library.
 */
#ifndef CR_IMAGE_LOOKUP_H
#define CR_IMAGE_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "error.h"
#include "image/ref.h"

#define IMAGE_HELPER "conti-rootless-image"
#define IMAGE_NAME_LEN (IMAGE_NAME_MAX + IMAGE_TAG_MAX + IMAGE_DIGEST_HEX + 16)
#define IMAGE_RECORD_MAX (1024 * 1024) /* a record bigger than this is damaged */
#define IMAGE_MAX_LAYERS 500	       /* kernel overlayfs's limit of lower layers */

/* Finds want in the store: a full ID among ids, else the line of repos ("NAME ID") whose
 * NAME want matches (image_ref_matches: a short name matches any registry), else a unique ID
 * prefix among ids. 1: found (id, and name: the matched NAME, or the first NAME of that ID,
 * or its 12-digit short ID); 0: not there; -1 (err): a short name that names two images
 * (in two registries: podman asks, we ask for the full name) or an ambiguous prefix. Pure.
 * The one lookup of an IMAGE operand: run's and the image helper's commands. */
int image_find(const char *repos, const struct cr_strv *ids, const char *want,
	       char id[IMAGE_DIGEST_HEX + 1], char *name, size_t name_len, struct cr_error *err);

/* image_find on DATA/images (a missing store is an empty one). */
int image_store_find(const char *data, const char *want, char id[IMAGE_DIGEST_HEX + 1], char *name,
		     size_t name_len, struct cr_error *err);

/* Takes DATA/images/lock shared (making the store dir and lock when missing); the fd (close
 * it to let go) in *fd. */
int image_store_lock_shared(const char *data, int *fd, struct cr_error *err);

/* Reads DATA/images/records/ID into rec (config_init'ed by the caller). */
int image_record_read(const char *data, const char *id, struct cr_config *rec,
		      struct cr_error *err);

/* The overlay's lower dirs of layers (base first, as configs keep them): absolute paths
 * DATA/images/layers/HEX, TOP FIRST (overlayfs's lowerdir order), into out. */
void image_lower_dirs(const char *data, const struct cr_strv *layers, struct cr_strv *out);

/* Each of cfg's layer dirs is there (a directory); else fails naming the image and pull. */
int image_check_layers(const struct cr_config *cfg, const struct cr_strv *lowers,
		       struct cr_error *err);

/* Resolves run's IMAGE operand (cfg->rootfs, not a directory form): finds it in the store or
 * pulls it through the helper (cfg->pull), reads its record and applies it to cfg; rootfs
 * becomes "". Holds the store lock shared in *lock_fd (the caller closes it once the
 * container's config is written). */
int image_resolve(struct cr_config *cfg, const char *data, int *lock_fd, struct cr_error *err);

/* Runs `conti-rootless-image pull SOURCE`, its stderr passed through (progress), and reads
 * the image ID from the last line of its stdout. */
int image_pull(const char *source, char id[IMAGE_DIGEST_HEX + 1], struct cr_error *err);

/* True when argv[0] is a command of the image helper (pull, images, rmi, ...). */
bool image_is_helper_command(const char *word);

/* Execs the image helper as `conti-rootless-image ARGV...` (argv: the user's words from the
 * command word on), stdio as they are and CONTI_ROOTLESS_BIN set to this program; returns
 * only on failure (err). */
int image_exec_helper(char **argv, struct cr_error *err);

#endif
