/* save.c - `save [-o FILE] [--format docker-archive|oci-archive] IMAGE`: an image of the store
 * as the archive docker save / podman save write, through skopeo reading the store's blobs in
 * place (a temporary OCI layout whose blobs are the store's). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/build.h"
#include "image/commands.h"
#include "image/format.h"
#include "image/oci.h"
#include "state.h"
#include "utils.h"

#define BLOB_JSON_MAX IMAGE_JSON_MAX

struct save_opts {
	const char *output; /* NULL: stdout */
	bool oci;	    /* --format oci-archive */
	bool quiet;
	const char *image;
};

static const char usage[] =
    "Usage: conti-rootless save [-o FILE] [--format docker-archive|oci-archive] IMAGE\n"
    "  -o, --output FILE   write to FILE (default: stdout, which may not be a terminal)\n"
    "  --format FORMAT     docker-archive (default: what docker save writes) or oci-archive\n"
    "  -q, --quiet         no progress\n";

static int parse_opts(int argc, char **argv, struct save_opts *o, struct cr_error *err)
{
	static const struct option longs[] = {{"output", required_argument, NULL, 'o'},
					      {"format", required_argument, NULL, 'f'},
					      {"quiet", no_argument, NULL, 'q'},
					      {"help", no_argument, NULL, 'h'},
					      {NULL, 0, NULL, 0}};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:qh", longs, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "oci-archive")) {
				o->oci = true;
			} else if (strcmp(optarg, "docker-archive") != 0) {
				cr_fail(err, 0, "save --format %s: not a format save writes",
					optarg);
				return cr_hint(err, "use docker-archive or oci-archive");
			}
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		default:
			return image_bad_option(
			    "save", argv[optind - 1],
			    "[-o FILE] [--format docker-archive|oci-archive] IMAGE", err);
		}
	}
	if (argc - optind != 1) {
		cr_fail(err, 0, "save takes one image");
		return cr_hint(err, "conti-rootless save -o FILE IMAGE");
	}
	o->image = argv[optind];
	return 0;
}

/* An OCI layout at dir with one manifest (hex, its media type and size), named ref. */
static int write_layout(const char *dir, const char *mhex, const char *mt, size_t msize,
			const char *ref, struct cr_error *err)
{
	cleanup_free char *blobs = cr_xasprintf("%s/blobs/sha256", dir);
	cleanup_free char *layout = cr_xasprintf("%s/oci-layout", dir);
	cleanup_free char *index = cr_xasprintf("%s/index.json", dir);
	static const char layout_text[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	cleanup_free char *index_text = cr_xasprintf(
	    "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"%s\",\"digest\":\"sha256:%s\","
	    "\"size\":%zu,\"annotations\":{\"org.opencontainers.image.ref.name\":\"%s\"}}]}",
	    mt, mhex, msize, ref);

	if (cr_mkdir_p(blobs, 0700, err) < 0 ||
	    cr_write_file(layout, layout_text, sizeof(layout_text) - 1, 0600, err) < 0 ||
	    cr_write_file(index, index_text, strlen(index_text), 0600, err) < 0)
		return -1;
	return 0;
}

/* Copies the file at path to fd (the user's stdout or their file). */
static int copy_to(const char *path, int fd, const char *what, struct cr_error *err)
{
	cleanup_close int in = open(path, O_RDONLY | O_CLOEXEC);
	char buf[1 << 16];

	if (in < 0)
		return cr_fail(err, errno, "%s", path);
	for (;;) {
		ssize_t n = sendfile(fd, in, NULL, 1 << 30);
		if (n > 0)
			continue;
		if (n == 0)
			return 0;
		if (errno != EINVAL && errno != ENOSYS)
			return cr_fail(err, errno, "writing %s", what);
		break; /* not a file sendfile writes to: read and write */
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cr_fail(err, errno, "%s", path);
		if (n == 0)
			return 0;
		if (cr_write_all(fd, buf, (size_t)n) < 0)
			return cr_fail(err, errno, "writing %s", what);
	}
}

/* Puts the archive at path where the user asked: their file (renamed when on the same file
 * system, else copied) or stdout. */
static int deliver(const char *path, const char *output, struct cr_error *err)
{
	if (!output)
		return copy_to(path, 1, "the archive to stdout", err);
	if (rename(path, output) == 0)
		return 0;
	if (errno != EXDEV)
		return cr_fail(err, errno, "%s", output);
	cleanup_close int fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return cr_fail(err, errno, "%s", output);
	return copy_to(path, fd, output, err);
}

static int save(const struct save_opts *o, struct cr_error *err)
{
	struct image_store s = {.root_fd = -1, .lock_fd = -1, .names_fd = -1};
	char id[IMAGE_HEX_LEN + 1], matched[IMAGE_NAME_MAX + IMAGE_TAG_MAX + 80];
	char mhex[IMAGE_HEX_LEN + 1], mt[128];
	cleanup_free char *tmp = NULL, *record = NULL, *manifest = NULL;
	size_t msize = 0;
	int ret = -1;

	if (image_store_open(&s, err) < 0 || image_store_lock(&s, false, err) < 0)
		goto out;
	if (image_store_resolve(&s, o->image, id, matched, sizeof(matched), err) < 0)
		goto out;
	record = image_record_text(&s, id, err);
	if (!record)
		goto out;
	if (state_record_get(record, "manifest", mhex, sizeof(mhex)) < 0 || !image_is_hex64(mhex)) {
		cr_fail(err, 0, "the record of image %.12s names no manifest", id);
		goto out;
	}
	manifest = image_blob_read(&s, mhex, BLOB_JSON_MAX, &msize, err);
	if (!manifest || image_manifest_type(manifest, mt, sizeof(mt), err) < 0)
		goto out;
	if (!mt[0])
		snprintf(mt, sizeof(mt), "%s", IMAGE_MT_OCI_MANIFEST);
	if (image_store_mkdtemp(&s, "save", &tmp, err) < 0)
		goto out;
	/* a name by digest is no tag an archive can carry */
	bool named = matched[0] && !strchr(matched, '@');
	cleanup_free char *layout = cr_xasprintf("%s/layout", tmp);
	cleanup_free char *archive = cr_xasprintf("%s/archive.tar", tmp);
	if (write_layout(layout, mhex, mt, msize, "image", err) < 0)
		goto out;
	cleanup_free char *blobs = image_store_path(&s, "blobs");
	cleanup_free char *src = cr_xasprintf("oci:%s:image", layout);
	cleanup_free char *dst =
	    cr_xasprintf("%s:%s%s%s", o->oci ? "oci-archive" : "docker-archive", archive,
			 named ? ":" : "", named ? matched : "");
	bool quiet = o->quiet || !isatty(2);
	const char *args[8];
	size_t k = 0;
	args[k++] = "copy";
	if (quiet)
		args[k++] = "-q";
	args[k++] = "--src-shared-blob-dir";
	args[k++] = blobs;
	args[k++] = src;
	args[k++] = dst;
	args[k] = NULL;
	if (image_run_skopeo(args, quiet, err) < 0 || deliver(archive, o->output, err) < 0)
		goto out;
	ret = 0;
out:
	if (tmp) {
		struct cr_error ignored;
		cr_rm_rf(tmp, &ignored);
	}
	image_store_close(&s);
	return ret;
}

int image_cmd_save(int argc, char **argv, struct cr_error *err)
{
	struct save_opts o = {0};
	int r = parse_opts(argc, argv, &o, err);

	if (r != 0)
		return r < 0 ? -1 : 0;
	if (!o.output && isatty(1)) {
		cr_fail(err, 0, "cowardly refusing to save to a terminal");
		return cr_hint(err,
			       "use -o FILE or redirect stdout: conti-rootless save %s > "
			       "image.tar",
			       o.image);
	}
	return save(&o, err);
}
