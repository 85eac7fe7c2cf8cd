/* image/unpack.h - unpacking a layer tarball into the store (a userns step) and the path
 * rules a layer's entries must follow. */
#ifndef CR_IMAGE_UNPACK_H
#define CR_IMAGE_UNPACK_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Normalizes a tar entry path into out (len bytes): leading "./" and "/." runs and repeated
 * slashes dropped, "" for the layer's root ("."). Refuses (-1) an absolute path, a ".."
 * component, an empty name or one that does not fit. */
int image_tar_path_normalize(const char *path, char *out, size_t len);

/* What the name of an entry (its last component) says for overlay: 0 a plain file, 1 a
 * whiteout ".wh.NAME" (NAME into *target), 2 the opaque marker ".wh..wh..opq". */
int image_tar_whiteout(const char *base, const char **target);

/* True when an xattr of a layer entry is kept on the unpacked file: not user.overlay.*,
 * user.fuseoverlayfs.* or trusted.* (the overlay's own), nor a security.* but
 * security.capability. */
bool image_xattr_kept(const char *name);

struct archive;

/* Lets a libarchive reader decompress what image layers and archives use (gzip, zstd, xz,
 * bzip2; plain needs nothing) and nothing else: not lz4, uuencode, lrzip, lzop or grzip
 * (the last three through a program libarchive would run from PATH). */
void image_archive_filters(struct archive *a);

/* Unpacks blob DIGEST (gzip, zstd, xz or plain tar) of the store at root into
 * layers/DIFF_ID, as root in the user namespace: checks the blob's sha256 and the diff_id
 * (sha256 of the uncompressed tar) on the way, refuses escaping paths, and renames the
 * layer into place only when complete. Writes layers/DIFF_ID.size (the bytes its files
 * hold). */
int image_unpack_layer(const char *root, const char *digest, const char *diff_id,
		       struct cr_error *err);

#endif
