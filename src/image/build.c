/* build.c - packing trees in the user namespace, adding layers and writing new images: what
 * commit, import and load share. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/build.h"
#include "image/oci.h"
#include "image/ref.h"
#include "utils.h"

#define RESULT_MAX 512

int image_step_pack(int argc, char **argv, struct cr_error *err)
{
	struct pack_result res;
	char line[RESULT_MAX];
	enum pack_mode mode;

	/* argv: pack MODE SRC OUT RESULT */
	if (argc != 5)
		return cr_fail(err, 0, "pack step: MODE SRC OUT RESULT expected");
	if (!strcmp(argv[1], "dir"))
		mode = PACK_DIR;
	else if (!strcmp(argv[1], "upper"))
		mode = PACK_UPPER;
	else
		return cr_fail(err, 0, "pack step: unknown mode %s", argv[1]);
	/* SRC is the user's rootfs (theirs to name through links) or the container's upper dir
	 * (its last component never a link) */
	cleanup_close int src = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC |
						  (mode == PACK_UPPER ? O_NOFOLLOW : 0));
	if (src < 0)
		return cr_fail(err, errno, "%s", argv[2]);
	cleanup_close int out =
	    open(argv[3], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return cr_fail(err, errno, "%s", argv[3]);
	if (pack_dir(src, mode, out, &res, err) < 0)
		return cr_prefix(err, "packing %s", argv[2]);
	if (fsync(out) < 0)
		return cr_fail(err, errno, "%s", argv[3]);
	int n = snprintf(line, sizeof(line), "%s %s %llu %llu\n", res.diff_id, res.digest, res.size,
			 res.tar_size);
	if (cr_write_file(argv[4], line, (size_t)n, 0600, err) < 0)
		return -1;
	return 0;
}

int image_pack_in_userns(const char *mode, const char *src, const char *tmpdir, const char *stem,
			 struct image_packed *out, struct cr_error *err)
{
	cleanup_free char *result = cr_xasprintf("%s/%s.result", tmpdir, stem);
	char line[RESULT_MAX];
	const char *args[5];

	memset(out, 0, sizeof(*out));
	out->path = cr_xasprintf("%s/%s.tar.gz", tmpdir, stem);
	args[0] = mode;
	args[1] = src;
	args[2] = out->path;
	args[3] = result;
	args[4] = NULL;
	if (image_userns_step("pack", args, -1, err) < 0)
		return -1;
	if (cr_read_file(result, line, sizeof(line), err) < 0)
		return -1;
	struct pack_result *r = &out->res;
	if (sscanf(line, "%64s %64s %llu %llu", r->diff_id, r->digest, &r->size, &r->tar_size) !=
		4 ||
	    !image_is_hex64(r->diff_id) || !image_is_hex64(r->digest))
		return cr_fail(err, 0, "pack step: a damaged result in %s", result);
	unlink(result);
	return 0;
}

int image_add_packed(struct image_store *s, struct image_packed *p, struct cr_error *err)
{
	char hex[IMAGE_HEX_LEN + 1];
	const char *args[3];

	if (image_blob_add_file(s, p->path, hex, err) < 0)
		return -1;
	unlink(p->path);
	if (strcmp(hex, p->res.digest) != 0)
		return cr_fail(err, 0, "the layer written hashes to %s, not %s: a disk error?", hex,
			       p->res.digest);
	if (image_layer_exists(s, p->res.diff_id))
		return 0;
	cleanup_free char *pair = cr_xasprintf("%s:%s", p->res.digest, p->res.diff_id);
	args[0] = s->root;
	args[1] = pair;
	args[2] = NULL;
	return image_userns_step("unpack", args, -1, err);
}

/* What the layers of the config hold, from the layers/HEX.size files unpacking writes. */
static unsigned long long layers_size(const struct image_store *s, const char *config)
{
	struct cr_error ignored;
	char **ids = NULL;
	size_t n = 0;
	unsigned long long total = 0;

	if (image_config_diff_ids(config, strlen(config), &ids, &n, &ignored) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		total += image_layer_size(s, ids[i]);
	image_ids_free(ids, n);
	return total;
}

int image_write(struct image_store *s, const struct image_commit_in *in,
		const char *parent_manifest, const char *name, char id[IMAGE_HEX_LEN + 1],
		struct cr_error *err)
{
	cleanup_free char *config = NULL;
	cleanup_free char *manifest = NULL;
	cleanup_free char *record = NULL;
	char mhex[IMAGE_HEX_LEN + 1];

	if (image_config_build(in, &config, err) < 0)
		return -1;
	if (image_blob_add_buf(s, config, strlen(config), id, err) < 0)
		return -1;
	if (image_manifest_build(parent_manifest, id, strlen(config), in->layers, in->nlayers,
				 &manifest, err) < 0)
		return -1;
	if (image_blob_add_buf(s, manifest, strlen(manifest), mhex, err) < 0)
		return -1;
	/* skopeo, copying into a layout over the store's blob dir, reuses the layers and the
	 * config there but writes the manifest again: a 0444 one would fail every later pull or
	 * load of this image (its own are 0644) */
	cleanup_free char *rel = cr_xasprintf("blobs/sha256/%s", mhex);
	cleanup_close int mfd = image_store_openat(s, rel, O_RDONLY | O_NONBLOCK, 0);
	if (mfd < 0 || fchmod(mfd, 0644) < 0)
		return cr_fail(err, errno, "blob %s", mhex);
	record =
	    image_record_from_config(config, strlen(config), id, mhex, layers_size(s, config), err);
	if (!record)
		return -1;
	if (image_record_write(s, id, record, err) < 0)
		return -1;
	if (name && image_repos_set(s, name, id, err) < 0)
		return -1;
	return 0;
}

int image_local_name(const char *arg, char *out, size_t len, struct cr_error *err)
{
	struct image_ref r;

	if (image_ref_parse(arg, &r, err) < 0)
		return -1;
	if (image_ref_is_short(&r))
		snprintf(r.domain, sizeof(r.domain), "localhost");
	image_ref_format(&r, out, len);
	return 0;
}

int image_run_skopeo(const char *const *args, bool quiet, struct cr_error *err)
{
	char path[4096];
	size_t n = 0;
	int status;

	if (!cr_find_on_path("skopeo", path, sizeof(path))) {
		cr_fail(err, ENOENT, "skopeo is not installed");
		return cr_hint(err, "install it (Debian: apt-get install skopeo); `conti-rootless "
				    "check` says what else is missing");
	}
	while (args[n])
		n++;
	const char **argv = cr_xcalloc(n + 2, sizeof(*argv));
	argv[0] = "skopeo";
	memcpy(argv + 1, args, n * sizeof(*argv));
	pid_t pid = fork();
	if (pid < 0) {
		free(argv);
		return cr_fail(err, errno, "fork");
	}
	if (pid == 0) {
		int fd = quiet ? open("/dev/null", O_WRONLY | O_CLOEXEC) : 2;
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(CR_EXIT_TOOL);
		execv(path, (char *const *)argv);
		_exit(CR_EXIT_NOT_FOUND);
	}
	free(argv);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return cr_fail(err, errno, "waitpid");
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return cr_fail(err, 0, "skopeo %s failed (%s %d): see its message above", args[0],
		       WIFSIGNALED(status) ? "signal" : "exit",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}
