/* image/pack.h - making an OCI layer: a directory tree, a container's overlay upper dir or a
 * rootfs tarball into a gzip-compressed tar (pax), hashed on the way.
 *
 * The layer is written once, as it is made, to a descriptor: the sha256 of the tar (the
 * diff_id, what the image config lists and the store names layer dirs by) and of the gzip
 * stream (the blob's digest) come out of the same pass. Entries are in a fixed order (names
 * sorted, parents first) with numeric ids only, so the same tree gives the same layer.
 *
 * The walk opens everything beneath the tree's root without following a symlink (a link is
 * stored as a link), never crosses into another mount, and checks each directory it comes
 * back to: a tree changed under it in a way that would lead it elsewhere is an error, never a
 * way out. A tree holding files of many owners is packed as root of the tool's user namespace
 * (a userns step, image/store.h).
 */
#ifndef CR_IMAGE_PACK_H
#define CR_IMAGE_PACK_H

#include <stdbool.h>

#include "error.h"

struct archive;

#define PACK_HEX_LEN 64

enum pack_mode {
	PACK_DIR,   /* a plain directory (a rootfs): device nodes, sockets and names starting
		       with ".wh." are skipped with a note */
	PACK_UPPER, /* an overlay upper dir (kernel overlayfs with userxattr, or fuse-overlayfs):
		       whiteouts (0/0 character devices) become ".wh.NAME" entries, opaque
		       directories a ".wh..wh..opq" entry; the overlay's own xattrs are dropped */
};

struct pack_result {
	char diff_id[PACK_HEX_LEN + 1]; /* sha256 of the tar */
	char digest[PACK_HEX_LEN + 1];	/* sha256 of the gzip stream (the blob) */
	unsigned long long size;	/* bytes of the gzip stream */
	unsigned long long tar_size;	/* bytes of the tar */
	unsigned long entries;		/* entries written */
	unsigned long skipped;		/* entries left out (each kind noted on stderr) */
};

/* Packs the tree under the directory dirfd into a layer written to outfd. */
int pack_dir(int dirfd, enum pack_mode mode, int outfd, struct pack_result *res,
	     struct cr_error *err);

/* Re-packs the tar stream infd reads (plain, gzip, zstd, xz, bzip2) into a layer written to
 * outfd: names made relative and clean, a name or link target with a ".." component refused,
 * whiteout names (".wh.*") left out with a note, xattrs of the overlay dropped. */
int pack_tar(int infd, int outfd, struct pack_result *res, struct cr_error *err);

/* Cleans a tar member's name into out (len bytes): leading "/" and "./" and "." components
 * dropped, "//" folded, trailing '/' dropped. -1 when a component is "..", the name is empty
 * (the root itself) or too long. */
int pack_clean_name(const char *name, char *out, size_t len);

/* True for the xattrs a layer never carries: all but user.* and security.capability, and of
 * user.* the overlay's (user.overlay.*, user.fuseoverlayfs.*). Unpacking keeps the same. */
bool pack_xattr_dropped(const char *name);

/* The errno of libarchive's last error when it is the system's (a read failed), 0 when it is
 * libarchive's own (a format error: its message says it all). */
int archive_os_errno(struct archive *a);

#endif
