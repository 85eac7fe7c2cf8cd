/* unpack.c - a layer tarball into its own directory of the store, as root in the tool's user
 * namespace (so a file owned by uid 33 in the image is owned by uid 33 in the container).
 *
 * The blob is read once: a raw-format libarchive reader decompresses it (any filter: gzip,
 * zstd, xz, none) while its bytes are hashed (the blob's digest), and feeds a tar reader
 * through a read callback that hashes the uncompressed stream (the diff_id). Entries go
 * through archive_write_disk with its SECURE flags plus checks of our own (normalized
 * relative paths, no parent through a symlink, hard link targets inside the layer). OCI
 * whiteouts become what overlayfs reads: ".wh.NAME" a 0/0 character device NAME,
 * ".wh..wh..opq" the xattr user.overlay.opaque=y on its directory, which the kernel's
 * userxattr mounts and fuse-overlayfs (1.10) both read. Not user.fuseoverlayfs.opaque: the
 * kernel overlay copies that xattr up like any other, and a committed upper dir would then
 * read as opaque and hide the lower layers' files. Block and character
 * devices cannot be made in a user namespace: skipped, with one note per layer (as podman
 * rootless does). The layer is made as layers/.tmp-DIFF_ID-RANDOM and renamed into place
 * only when complete and verified: a killed unpack leaves a .tmp-* dir that nothing uses,
 * collected under the store's exclusive lock. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "image/commands.h"
#include "image/store.h"
#include "image/unpack.h"
#include "utils.h"

#define READ_BLOCK (1 << 17)

int image_tar_path_normalize(const char *path, char *out, size_t len)
{
	size_t o = 0;
	const char *p = path;

	if (!path || path[0] == '/' || len < 2)
		return -1;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n + (end ? 1 : 0);
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (o + (o ? 1 : 0) + n + 1 > len)
			return -1;
		if (o)
			out[o++] = '/';
		memcpy(out + o, p, n);
		o += n;
		p += n + (end ? 1 : 0);
	}
	out[o] = '\0';
	return 0;
}

int image_tar_whiteout(const char *base, const char **target)
{
	if (strncmp(base, ".wh.", 4) != 0)
		return 0;
	if (!strcmp(base, ".wh..wh..opq"))
		return 2;
	*target = base + 4;
	return 1;
}

bool image_xattr_kept(const char *name)
{
	if (!strncmp(name, "trusted.", 8) || !strncmp(name, "user.overlay.", 13) ||
	    !strncmp(name, "user.fuseoverlayfs.", 19))
		return false;
	if (!strncmp(name, "security.", 9))
		return !strcmp(name, "security.capability");
	return true;
}

void image_archive_filters(struct archive *a)
{
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_bzip2(a);
}

/* The compressed side: reads the blob's fd, hashing what it reads. */
struct blob_src {
	int fd;
	EVP_MD_CTX *md;
	char *buf;
};

static la_ssize_t blob_read(struct archive *a, void *data, const void **buf)
{
	struct blob_src *b = data;
	ssize_t n;

	do
		n = read(b->fd, b->buf, READ_BLOCK);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read the blob");
		return -1;
	}
	EVP_DigestUpdate(b->md, b->buf, (size_t)n);
	*buf = b->buf;
	return n;
}

/* The uncompressed side: the raw reader's data, hashed, for the tar reader. */
struct tar_src {
	struct archive *raw;
	EVP_MD_CTX *md;
	unsigned long long bytes;
};

static la_ssize_t tar_read(struct archive *a, void *data, const void **buf)
{
	struct tar_src *t = data;
	size_t size = 0;
	la_int64_t off;
	int r = archive_read_data_block(t->raw, buf, &size, &off);

	if (r == ARCHIVE_EOF)
		return 0;
	if (r < ARCHIVE_WARN) {
		archive_set_error(a, archive_errno(t->raw) ? archive_errno(t->raw) : EIO, "%s",
				  archive_error_string(t->raw) ? archive_error_string(t->raw)
							       : "decompression failed");
		return -1;
	}
	EVP_DigestUpdate(t->md, *buf, size);
	t->bytes += size;
	return (la_ssize_t)size;
}

/* The id ranges of /proc/self/{uid,gid}_map, to refuse an owner the namespace lacks. */
struct id_map {
	unsigned long first[64], count[64];
	size_t n;
};

static void read_id_map(const char *file, struct id_map *m)
{
	FILE *f = fopen(file, "re");
	unsigned long in, out, cnt;

	m->n = 0;
	if (!f)
		return;
	while (m->n < 64 && fscanf(f, "%lu %lu %lu", &in, &out, &cnt) == 3) {
		m->first[m->n] = in;
		m->count[m->n++] = cnt;
	}
	fclose(f);
}

static bool id_mapped(const struct id_map *m, unsigned long id)
{
	for (size_t i = 0; i < m->n; i++) {
		if (id >= m->first[i] && id - m->first[i] < m->count[i])
			return true;
	}
	return false;
}

struct unpack {
	const char *diff_id;
	int root_fd; /* the layer being made (.tmp-*) */
	struct archive *disk;
	struct id_map uids, gids;
	unsigned long devices;
	unsigned long long size;
	struct cr_error *err;
};

/* Opens the directory rel of the layer (made, with parents, 0755 when missing), never
 * through a symlink. */
static int open_dir(struct unpack *u, const char *rel)
{
	char buf[4096];
	int fd = dup(u->root_fd);
	char *save = NULL;

	if (!*rel)
		return fd;
	snprintf(buf, sizeof(buf), "%s", rel);
	for (char *c = strtok_r(buf, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		int next;

		if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
			close(fd);
			return -1;
		}
		next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	return fd;
}

/* Splits rel into its directory (into dir) and last component (returned). */
static const char *split(const char *rel, char *dir, size_t len)
{
	const char *slash = strrchr(rel, '/');

	if (!slash) {
		dir[0] = '\0';
		return rel;
	}
	snprintf(dir, len, "%.*s", (int)(slash - rel), rel);
	return slash + 1;
}

static int refuse(struct unpack *u, const char *path, const char *why)
{
	char cut[CR_CUT_SIZE];

	cr_fail(u->err, 0, "layer sha256:%.12s: entry %s %s: refused", u->diff_id,
		cr_cut(path, cut, sizeof(cut)), why);
	return cr_hint(u->err, "the image is broken or hostile; do not use it");
}

/* A whiteout or the opaque marker: what overlayfs reads in its place. */
static int apply_whiteout(struct unpack *u, const char *dir, int kind, const char *target)
{
	cleanup_close int dfd = open_dir(u, dir);

	if (dfd < 0)
		return refuse(u, dir, "has a parent that is not a directory");
	if (kind == 2) {
		if (fsetxattr(dfd, "user.overlay.opaque", "y", 1, 0) < 0) {
			cr_fail(u->err, errno, "layer sha256:%.12s: mark %s opaque", u->diff_id,
				*dir ? dir : "/");
			return cr_hint(u->err, "the store's file system must take user xattrs");
		}
		return 0;
	}
	if (!*target || strchr(target, '/') || !strcmp(target, ".") || !strcmp(target, ".."))
		return refuse(u, target, "is a whiteout of no name");
	/* What this layer itself made of that name goes (an empty directory too). */
	if (unlinkat(dfd, target, 0) < 0 && errno == EISDIR)
		unlinkat(dfd, target, AT_REMOVEDIR);
	if (mknodat(dfd, target, S_IFCHR | 0000, makedev(0, 0)) < 0) {
		cr_fail(u->err, errno, "layer sha256:%.12s: make the whiteout %s/%s", u->diff_id,
			dir, target);
		return cr_hint(u->err, "whiteouts need Linux 5.8 or later in a user namespace");
	}
	return 0;
}

/* Keeps the entry's xattrs but the overlay's own and those a user namespace cannot set. */
static void filter_xattrs(struct archive_entry *e)
{
	const char *name;
	const void *value;
	size_t size, n = 0, kept = 0;
	struct {
		char *name;
		void *value;
		size_t size;
	} *v = NULL;

	if (archive_entry_xattr_reset(e) == 0)
		return;
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		n++;
		if (!image_xattr_kept(name))
			continue;
		v = cr_xrealloc(v, (kept + 1) * sizeof(*v));
		v[kept].name = cr_xstrdup(name);
		v[kept].value = cr_xmalloc(size ? size : 1);
		memcpy(v[kept].value, value, size);
		v[kept].size = size;
		kept++;
	}
	if (kept != n) {
		archive_entry_xattr_clear(e);
		for (size_t i = 0; i < kept; i++)
			archive_entry_xattr_add_entry(e, v[i].name, v[i].value, v[i].size);
	}
	for (size_t i = 0; i < kept; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

/* True when the directory rel resolves beneath the layer without a symlink (or is missing,
 * to be made). */
static bool dir_safe(struct unpack *u, const char *rel)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve =
				   RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	int fd;

	if (!*rel)
		return true;
	fd = cr_openat2(u->root_fd, rel, &how);
	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno == ENOENT;
}

static int write_data(struct unpack *u, struct archive *tar, const char *path)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(tar, &buf, &size, &off)) == ARCHIVE_OK) {
		if (archive_write_data_block(u->disk, buf, size, off) < ARCHIVE_OK) {
			cr_fail(u->err, archive_errno(u->disk), "layer sha256:%.12s: write %s: %s",
				u->diff_id, path, archive_error_string(u->disk));
			return cr_hint(u->err, "is the disk full?");
		}
	}
	if (r != ARCHIVE_EOF)
		return cr_fail(u->err, archive_errno(tar), "layer sha256:%.12s: read %s: %s",
			       u->diff_id, path, archive_error_string(tar));
	return 0;
}

/* One entry of the tar: checked, then made in the layer. */
static int unpack_entry(struct unpack *u, struct archive *tar, struct archive_entry *e)
{
	char path[4096], link[4096], dir[4096];
	const char *raw = archive_entry_pathname(e);
	const char *hard = archive_entry_hardlink(e);
	const char *base, *target = NULL;
	mode_t type = archive_entry_filetype(e);
	int kind;

	if (raw && strlen(raw) >= sizeof(path))
		return refuse(u, raw, "has a path longer than 4095 bytes, which is not unpacked");
	if (!raw || image_tar_path_normalize(raw, path, sizeof(path)) < 0)
		return refuse(u, raw ? raw : "(no name)",
			      "escapes the layer (an absolute path or ..)");
	base = split(path, dir, sizeof(dir));
	if (!dir_safe(u, dir))
		return refuse(u, raw, "goes through a symbolic link");
	kind = image_tar_whiteout(base, &target);
	if (kind)
		return apply_whiteout(u, dir, kind, target);
	if (type == AE_IFBLK || type == AE_IFCHR) {
		u->devices++;
		return 0;
	}
	if (!id_mapped(&u->uids, (unsigned long)archive_entry_uid(e)) ||
	    !id_mapped(&u->gids, (unsigned long)archive_entry_gid(e))) {
		char cut[CR_CUT_SIZE];

		cr_fail(u->err, 0,
			"layer sha256:%.12s: %s is owned by %lld:%lld, which the user namespace "
			"does not map",
			u->diff_id, cr_cut(raw, cut, sizeof(cut)), (long long)archive_entry_uid(e),
			(long long)archive_entry_gid(e));
		return cr_hint(u->err,
			       "give the user a range of 65536 ids in /etc/subuid and "
			       "/etc/subgid (usermod --add-subuids/--add-subgids), as podman "
			       "needs; `conti-rootless check` shows the ranges in use");
	}
	if (hard) {
		cleanup_close int fd = -1;
		struct open_how how = {.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
						  RESOLVE_NO_MAGICLINKS};

		if (strlen(hard) >= sizeof(link))
			return refuse(u, raw, "is a hard link to a path longer than 4095 bytes");
		if (image_tar_path_normalize(hard, link, sizeof(link)) < 0 || !link[0])
			return refuse(u, raw, "is a hard link out of the layer");
		fd = cr_openat2(u->root_fd, link, &how);
		if (fd < 0)
			return refuse(u, raw, "is a hard link to what the layer does not hold");
		archive_entry_set_hardlink(e, link);
	}
	archive_entry_set_pathname(e, path[0] ? path : ".");
	filter_xattrs(e);
	if (archive_write_header(u->disk, e) != ARCHIVE_OK) {
		cr_fail(u->err, archive_errno(u->disk), "layer sha256:%.12s: %s: %s", u->diff_id,
			raw, archive_error_string(u->disk));
		return cr_hint(u->err, "the layer cannot be unpacked as it is: refused");
	}
	if (!hard && type == AE_IFREG) {
		u->size += (unsigned long long)archive_entry_size(e);
		if (archive_entry_size(e) > 0 && write_data(u, tar, raw) < 0)
			return -1;
	}
	if (archive_write_finish_entry(u->disk) != ARCHIVE_OK) {
		cr_fail(u->err, archive_errno(u->disk), "layer sha256:%.12s: %s: %s", u->diff_id,
			raw, archive_error_string(u->disk));
		return cr_hint(u->err, "the layer cannot be unpacked as it is: refused");
	}
	return 0;
}

static void md_hex(EVP_MD_CTX *md, char hex[IMAGE_HEX_LEN + 1])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_DigestFinal_ex(md, d, &n);
	for (unsigned int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	hex[IMAGE_HEX_LEN] = '\0';
}

/* Reads every entry of the blob into the layer at u->root_fd; digests into zhex (blob) and
 * thex (diff_id). */
static int unpack_stream(struct unpack *u, int blob_fd, char zhex[IMAGE_HEX_LEN + 1],
			 char thex[IMAGE_HEX_LEN + 1])
{
	struct blob_src b = {.fd = blob_fd, .md = EVP_MD_CTX_new(), .buf = cr_xmalloc(READ_BLOCK)};
	struct tar_src t = {.md = EVP_MD_CTX_new()};
	struct archive *tar = archive_read_new();
	struct archive_entry *e;
	int ret = -1, r;

	t.raw = archive_read_new();
	EVP_DigestInit_ex(b.md, EVP_sha256(), NULL);
	EVP_DigestInit_ex(t.md, EVP_sha256(), NULL);
	image_archive_filters(t.raw);
	archive_read_support_format_raw(t.raw);
	archive_read_support_format_tar(tar);
	if (archive_read_open(t.raw, &b, NULL, blob_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(t.raw, &e) != ARCHIVE_OK) {
		cr_fail(u->err, 0, "layer sha256:%.12s: %s", u->diff_id,
			archive_error_string(t.raw) ? archive_error_string(t.raw)
						    : "not a compressed stream libarchive reads");
		goto out;
	}
	if (archive_read_open(tar, &t, NULL, tar_read, NULL) != ARCHIVE_OK) {
		cr_fail(u->err, 0,
			"layer sha256:%.12s: not a tar, plain or compressed with gzip, zstd, xz "
			"or bzip2: %s",
			u->diff_id, archive_error_string(tar));
		goto out;
	}
	while ((r = archive_read_next_header(tar, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (unpack_entry(u, tar, e) < 0)
			goto out;
	}
	if (r != ARCHIVE_EOF) {
		cr_fail(u->err, 0, "layer sha256:%.12s: a damaged tar: %s", u->diff_id,
			archive_error_string(tar));
		goto out;
	}
	/* The diff_id covers the whole uncompressed stream (the zero blocks after the end
	 * marker too), the digest the whole blob. */
	{
		const void *buf;

		while ((r = (int)tar_read(tar, &t, &buf)) > 0)
			;
		if (r < 0) {
			cr_fail(u->err, 0, "layer sha256:%.12s: %s", u->diff_id,
				archive_error_string(tar));
			goto out;
		}
		while ((r = (int)blob_read(t.raw, &b, &buf)) > 0)
			;
	}
	if (archive_write_close(u->disk) != ARCHIVE_OK) {
		cr_fail(u->err, archive_errno(u->disk), "layer sha256:%.12s: %s", u->diff_id,
			archive_error_string(u->disk));
		goto out;
	}
	md_hex(b.md, zhex);
	md_hex(t.md, thex);
	ret = 0;
out:
	archive_read_free(tar);
	archive_read_free(t.raw);
	EVP_MD_CTX_free(b.md);
	EVP_MD_CTX_free(t.md);
	free(b.buf);
	return ret;
}

/* Writes layers/HEX.size: the bytes the layer's files hold, for images and system df. */
static int write_size(int layers_fd, const char *hex, const char *tmpdir, unsigned long long size,
		      struct cr_error *err)
{
	char name[IMAGE_HEX_LEN + 32], tmp[IMAGE_HEX_LEN + 64], text[32];
	int fd, n;

	/* The temp name is this unpack's own: two pulls unpacking one layer at once each
	 * rename theirs (a shared name made the second rename fail with ENOENT). */
	snprintf(name, sizeof(name), "%s.size", hex);
	snprintf(tmp, sizeof(tmp), "%s.size", tmpdir);
	n = snprintf(text, sizeof(text), "%llu\n", size);
	fd = openat(layers_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || cr_write_all(fd, text, (size_t)n) < 0) {
		cr_fail(err, errno, "write the size of layer %.12s", hex);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (renameat(layers_fd, tmp, layers_fd, name) < 0)
		return cr_fail(err, errno, "write the size of layer %.12s", hex);
	return 0;
}

int image_unpack_layer(const char *root, const char *digest, const char *diff_id,
		       struct cr_error *err)
{
	struct image_store s;
	struct unpack u = {.diff_id = diff_id, .root_fd = -1, .err = err};
	cleanup_close int blob_fd = -1, layers_fd = -1;
	cleanup_free char *blob_rel = NULL;
	char tmp[IMAGE_HEX_LEN + 32], zhex[IMAGE_HEX_LEN + 1], thex[IMAGE_HEX_LEN + 1];
	unsigned int rnd = 0;
	int ret = -1;

	if (!image_is_hex64(digest) || !image_is_hex64(diff_id))
		return cr_fail(err, EINVAL, "unpack: digests must be 64 hex digits");
	if (image_store_open_at(&s, root, err) < 0)
		return -1;
	if (image_layer_exists(&s, diff_id)) {
		image_store_close(&s);
		return 0;
	}
	blob_rel = cr_xasprintf("blobs/sha256/%s", digest);
	blob_fd = image_store_openat(&s, blob_rel, O_RDONLY | O_NONBLOCK, 0);
	layers_fd = image_store_openat(&s, "layers", O_RDONLY | O_DIRECTORY, 0);
	if (blob_fd < 0 || layers_fd < 0) {
		cr_fail(err, errno, "layer blob sha256:%s", digest);
		goto out;
	}
	if (getrandom(&rnd, sizeof(rnd), 0) < 0)
		rnd = (unsigned int)cr_now_ns();
	snprintf(tmp, sizeof(tmp), ".tmp-%s-%08x", diff_id, rnd);
	if (mkdirat(layers_fd, tmp, 0755) < 0) {
		cr_fail(err, errno, "mkdir %s/layers/%s", root, tmp);
		goto out;
	}
	u.root_fd = openat(layers_fd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (u.root_fd < 0 || fchdir(u.root_fd) < 0) {
		cr_fail(err, errno, "open %s/layers/%s", root, tmp);
		goto cleanup;
	}
	read_id_map("/proc/self/uid_map", &u.uids);
	read_id_map("/proc/self/gid_map", &u.gids);
	u.disk = archive_write_disk_new();
	archive_write_disk_set_options(
	    u.disk, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
			ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
			ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
			ARCHIVE_EXTRACT_UNLINK);
	if (unpack_stream(&u, blob_fd, zhex, thex) < 0) {
		struct cr_error ignored;

		/* A blob that is not what its digest says is reported as that, whatever
		 * libarchive made of it. */
		if (lseek(blob_fd, 0, SEEK_SET) == 0 &&
		    image_sha256_fd(blob_fd, zhex, NULL, &ignored) == 0 &&
		    strcmp(zhex, digest) != 0)
			goto corrupted;
		goto cleanup;
	}
	if (strcmp(zhex, digest) != 0) {
	corrupted:
		unlinkat(s.root_fd, blob_rel, 0);
		cr_fail(
		    err, 0,
		    "blob sha256:%s is corrupted (its content hashes to sha256:%.12s...): deleted",
		    digest, zhex);
		cr_hint(err, "pull the image again");
		goto cleanup;
	}
	if (strcmp(thex, diff_id) != 0) {
		cr_fail(err, 0,
			"layer sha256:%.12s: its uncompressed tar hashes to sha256:%.12s..., not "
			"the diff_id the image's config names: refused",
			diff_id, thex);
		cr_hint(err, "the image is broken; pull it again or ask its maintainer");
		goto cleanup;
	}
	if (u.devices)
		fprintf(stderr,
			"conti-rootless: note: layer sha256:%.12s: %lu device node%s skipped (a "
			"user namespace cannot make them; podman skips them too)\n",
			diff_id, u.devices, u.devices == 1 ? "" : "s");
	if (write_size(layers_fd, diff_id, tmp, u.size, err) < 0)
		goto cleanup;
	if (renameat(layers_fd, tmp, layers_fd, diff_id) < 0) {
		if (errno != EEXIST && errno != ENOTEMPTY) {
			cr_fail(err, errno, "rename %s/layers/%s into place", root, tmp);
			goto cleanup;
		}
		/* Another pull unpacked it first: keep that one. */
	} else {
		ret = 0;
		goto out;
	}
	ret = 0;
cleanup:
	if (fchdir(layers_fd) == 0) {
		struct cr_error ignored;
		cleanup_free char *rel = cr_xasprintf("layers/%s", tmp);

		image_store_remove(&s, rel, &ignored);
	}
out:
	if (u.disk)
		archive_write_free(u.disk);
	if (u.root_fd >= 0)
		close(u.root_fd);
	image_store_close(&s);
	return ret;
}

int image_step_unpack(int argc, char **argv, struct cr_error *err)
{
	if (argc < 3)
		return cr_fail(err, EINVAL,
			       "unpack step: usage: unpack STORE_ROOT DIGEST:DIFF_ID...");
	for (int i = 2; i < argc; i++) {
		char digest[IMAGE_HEX_LEN + 1];
		const char *colon = strchr(argv[i], ':');

		if (!colon || colon - argv[i] != IMAGE_HEX_LEN)
			return cr_fail(err, EINVAL, "unpack step: %s is not DIGEST:DIFF_ID",
				       argv[i]);
		memcpy(digest, argv[i], IMAGE_HEX_LEN);
		digest[IMAGE_HEX_LEN] = '\0';
		if (image_unpack_layer(argv[1], digest, colon + 1, err) < 0)
			return -1;
	}
	return 0;
}
