/* image/store.h - the image store: DATA/images (see the layout in the team's design).
 *
 *   DATA/images/             0700, made on first use
 *     lock                   flock: shared by what adds or uses content, exclusive by what
 *                            deletes it (rmi, prune)
 *     names.lock             flock, exclusive around every read-modify-write of
 *                            repositories and around writing a record
 *     blobs/sha256/HEX       verified content, 0444 (also skopeo's --dest-shared-blob-dir)
 *     layers/HEX/            a layer unpacked (HEX = its diff_id); made as .tmp-HEX-RANDOM
 *                            in the user namespace and renamed into place when complete
 *     records/ID             what a start needs of image ID ("key=value" lines)
 *     repositories           "NAME ID" lines, rewritten through a temp file + rename
 *     tmp/                   work dirs of operations in progress
 * Every file the store opens is opened beneath its root without following a symlink: what
 * the store did not make is refused, never followed. Functions run as the user unless they
 * say otherwise (image_userns_step runs a step as root in the tool's user namespace).
 */
#ifndef CR_IMAGE_STORE_H
#define CR_IMAGE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "image/ref.h"

#define IMAGE_HEX_LEN 64 /* sha256 in hex */

struct image_store {
	char *root;   /* DATA/images */
	int root_fd;  /* O_DIRECTORY descriptor of root (close-on-exec) */
	int lock_fd;  /* holds `lock` (shared or exclusive), -1 when not held */
	int names_fd; /* holds `names.lock`, -1 when not held */
};

/* One line of repositories. */
struct image_name {
	char *name;		    /* as image_ref_format writes it */
	char id[IMAGE_HEX_LEN + 1]; /* the image id (hex of the config's sha256) */
};

/* Opens DATA/images (DATA from state_paths_init), making it and its subdirs 0700 when
 * missing; refuses a store dir that is a symlink, not ours, or open to others. */
int image_store_open(struct image_store *s, struct cr_error *err);

/* image_store_open for the store at root (its parent must exist): for tests and steps. */
int image_store_open_at(struct image_store *s, const char *root, struct cr_error *err);

/* Releases the locks and closes the store. */
void image_store_close(struct image_store *s);

/* Takes `lock` shared (exclusive: true for deleting), waiting for it; a held lock is
 * converted. */
int image_store_lock(struct image_store *s, bool exclusive, struct cr_error *err);

/* Releases `lock`. */
void image_store_unlock(struct image_store *s);

/* Takes names.lock (exclusive), waiting for it. */
int image_store_names_lock(struct image_store *s, struct cr_error *err);

/* Releases names.lock. */
void image_store_names_unlock(struct image_store *s);

/* The malloc'ed path ROOT/rel. */
char *image_store_path(const struct image_store *s, const char *rel);

/* Opens ROOT/rel beneath the store root, never following a symlink; -1 with errno. */
int image_store_openat(const struct image_store *s, const char *rel, int flags, mode_t mode);

/* True when s is exactly 64 lowercase hex digits. */
bool image_is_hex64(const char *s);

/* The malloc'ed path of blob HEX (ROOT/blobs/sha256/HEX). */
char *image_blob_path(const struct image_store *s, const char *hex);

/* True when blob HEX is in the store (a regular file; not verified). */
bool image_blob_exists(const struct image_store *s, const char *hex);

/* The sha256 of what fd reads to its end, as hex into hex; its length into *size (may be
 * NULL). */
int image_sha256_fd(int fd, char hex[IMAGE_HEX_LEN + 1], unsigned long long *size,
		    struct cr_error *err);

/* Checks that blob HEX hashes to HEX; a mismatch deletes the blob and fails with one line
 * ("blob sha256:HEX is corrupted (its content hashes to ...): deleted"); a missing blob
 * fails with ENOENT. */
int image_blob_verify(const struct image_store *s, const char *hex, struct cr_error *err);

/* Stores what fd reads (to its end) as a blob, verified on the way (temp file + rename,
 * 0444); its digest into hex. An existing blob of that digest is kept. */
int image_blob_add_fd(const struct image_store *s, int fd, char hex[IMAGE_HEX_LEN + 1],
		      struct cr_error *err);

/* image_blob_add_fd of the file at path. */
int image_blob_add_file(const struct image_store *s, const char *path, char hex[IMAGE_HEX_LEN + 1],
			struct cr_error *err);

/* Stores len bytes of buf as a blob (a manifest, a config); its digest into hex. */
int image_blob_add_buf(const struct image_store *s, const void *buf, size_t len,
		       char hex[IMAGE_HEX_LEN + 1], struct cr_error *err);

/* Reads blob HEX (at most max bytes, else fails) into a malloc'ed NUL-terminated buffer,
 * verified against its digest; its length into *len (may be NULL). */
char *image_blob_read(const struct image_store *s, const char *hex, size_t max, size_t *len,
		      struct cr_error *err);

/* Deletes blob HEX (absent is fine). */
int image_blob_remove(const struct image_store *s, const char *hex, struct cr_error *err);

/* Writes records/ID with text (temp file + rename), under names.lock (taken here unless the
 * caller holds it). */
int image_record_write(struct image_store *s, const char *id, const char *text,
		       struct cr_error *err);

/* Reads records/ID into a malloc'ed string; NULL with err (ENOENT: no such image). */
char *image_record_text(const struct image_store *s, const char *id, struct cr_error *err);

/* Deletes records/ID (absent is fine). */
int image_record_remove(const struct image_store *s, const char *id, struct cr_error *err);

/* Lists the ids of all records (sorted, NULL-terminated, malloc'ed); count into *n. */
char **image_record_list(const struct image_store *s, size_t *n);

/* Reads repositories into a malloc'ed array (*n entries); malformed lines are skipped. */
int image_repos_read(const struct image_store *s, struct image_name **names, size_t *n,
		     struct cr_error *err);

/* Frees what image_repos_read returned. */
void image_names_free(struct image_name *names, size_t n);

/* Points name at id in repositories (replacing what it named), under names.lock (taken here
 * unless the caller holds it). */
int image_repos_set(struct image_store *s, const char *name, const char *id, struct cr_error *err);

/* Removes name from repositories (1 when it was there, 0 when not), under names.lock (taken
 * here unless the caller holds it). */
int image_repos_remove(struct image_store *s, const char *name, struct cr_error *err);

/* Finds the image IMAGE names, as the commands take it: a full id, a name (full or short,
 * image_ref_matches), a unique id prefix. id gets the id; matched (may be NULL, len) the
 * repositories name that matched ("" for an id). Not known: fails with docker's hint
 * (status 125); an ambiguous prefix or short name fails naming the choices. The lookup is
 * the front end's (image_find, image/lookup.h): an IMAGE means the same to run and rmi. */
int image_store_resolve(const struct image_store *s, const char *arg, char id[IMAGE_HEX_LEN + 1],
			char *matched, size_t len, struct cr_error *err);

/* The malloc'ed path of layer HEX (ROOT/layers/HEX). */
char *image_layer_path(const struct image_store *s, const char *hex);

/* True when layer HEX is unpacked (ROOT/layers/HEX is a directory). */
bool image_layer_exists(const struct image_store *s, const char *hex);

/* Makes a fresh work dir ROOT/tmp/PREFIX-XXXXXX (0700); its malloc'ed path into *path. */
int image_store_mkdtemp(const struct image_store *s, const char *prefix, char **path,
			struct cr_error *err);

/* The environment variable naming the pid a userns step must die with (the helper). */
#define IMAGE_STEP_PARENT_ENV "CONTI_IMAGE_STEP_PARENT"

/* Removes ROOT/rel recursively (rel is DIR/NAME: tmp/X, layers/HEX): DIR is opened beneath
 * the root without following a symlink and NAME removed beneath that fd, so a store dir
 * swapped for a symlink (by a second shell, after the store was opened) is never followed. */
int image_store_remove(const struct image_store *s, const char *rel, struct cr_error *err);

/* Deletes what killed commands left (every entry of tmp/, layers/.tmp-*, layers/HEX.size
 * without its layer, through a userns step; records/ID.tmp-* and repositories.tmp-*, under
 * names.lock); the caller holds `lock` exclusive. */
int image_store_collect(struct image_store *s, struct cr_error *err);

/* Takes `lock` exclusive when nobody holds it (1), collects what killed commands left, and
 * leaves `lock` shared; 0 (lock shared, nothing collected) when another command works. */
int image_store_lock_shared_collect(struct image_store *s, struct cr_error *err);

/* The bytes layer HEX's files hold (layers/HEX.size), 0 when unknown. */
unsigned long long image_layer_size(const struct image_store *s, const char *hex);

/* Runs `$CONTI_ROOTLESS_BIN unshare SELF --userns-step OP ARGS...` (SELF: this program),
 * i.e. image_step_main(OP, ARGS) as root in the tool's user namespace, and waits for it.
 * in_fd (-1: none) becomes its stdin. Its failure comes back as its own one-line error. */
int image_userns_step(const char *op, const char *const *args, int in_fd, struct cr_error *err);

/* image_userns_step with the step's stdout (at most max bytes) returned, malloc'ed; NULL
 * with err. */
char *image_userns_step_output(const char *op, const char *const *args, size_t max,
			       struct cr_error *err);

/* In a userns step: reports err to the parent (image_userns_step) instead of stderr. */
void image_step_report(const struct cr_error *err);

/* The names of containers (DATA/containers/NAME/config) whose config names image id
 * (image=ID) or layer hex (layer=HEX; either may be NULL); NULL-terminated, malloc'ed. */
char **image_containers_using(const struct image_store *s, const char *id, const char *layer);

#endif
