/* import.c - `import SOURCE [REF]`: a rootfs tarball or directory as a one-layer image; and
 * `load [-i FILE]`: an archive docker save / podman save wrote (docker-archive or
 * oci-archive, told apart by what it holds), through pull's path. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "image/build.h"
#include "image/commands.h"
#include "image/format.h"
#include "image/oci.h"
#include "utils.h"

struct import_opts {
	struct cr_strv changes;
	const char *message;
	bool quiet;
	const char *source;
	const char *ref;
};

static const char import_usage[] =
    "Usage: conti-rootless import [OPTIONS] FILE|DIR|- [IMAGE[:TAG]]\n"
    "  -c, --change INSTR   a Dockerfile instruction to apply (CMD, ENTRYPOINT, ENV, ...)\n"
    "  -m, --message MSG    the history entry's comment\n"
    "  -q, --quiet          print nothing but the id\n"
    "FILE: a tar of a root filesystem (plain, gzip, zstd, xz, bzip2); -: from stdin\n";

static int import_parse(int argc, char **argv, struct import_opts *o, struct cr_error *err)
{
	static const struct option longs[] = {{"change", required_argument, NULL, 'c'},
					      {"message", required_argument, NULL, 'm'},
					      {"quiet", no_argument, NULL, 'q'},
					      {"help", no_argument, NULL, 'h'},
					      {NULL, 0, NULL, 0}};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:m:qh", longs, NULL)) != -1) {
		switch (c) {
		case 'c':
			strv_push(&o->changes, optarg);
			break;
		case 'm':
			o->message = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			fputs(import_usage, stdout);
			return 1;
		default:
			return image_bad_option("import", argv[optind - 1],
						"[-c INSTR]... [-m MSG] FILE|DIR|- [IMAGE[:TAG]]",
						err);
		}
	}
	if (argc - optind < 1 || argc - optind > 2) {
		cr_fail(err, 0, "import takes a tar file, a directory or -, and an optional name");
		return cr_hint(err, "conti-rootless import rootfs.tar.gz mine:1");
	}
	o->source = argv[optind];
	o->ref = argc - optind == 2 ? argv[optind + 1] : NULL;
	return 0;
}

/* Packs the tarball (a file, or stdin for "-") into tmp/layer.tar.gz, as the user. */
static int pack_file(const char *source, const char *tmp, struct image_packed *p,
		     struct cr_error *err)
{
	bool is_stdin = !strcmp(source, "-");
	cleanup_close int own = -1;
	int in = 0;
	struct stat st;

	if (is_stdin && isatty(0)) {
		cr_fail(err, 0, "import -: stdin is a terminal");
		return cr_hint(err,
			       "pipe a tar into it: tar -C rootfs -c . | conti-rootless import - "
			       "mine");
	}
	if (!is_stdin) {
		own = open(source, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (own < 0)
			return cr_fail(err, errno, "%s", source);
		if (fstat(own, &st) < 0)
			return cr_fail(err, errno, "%s", source);
		if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
			cr_fail(err, 0, "%s is not a tar file nor a directory", source);
			return cr_hint(err, "give a tar archive, a directory or - (stdin)");
		}
		/* blocking reads from here: a FIFO's writer may come later */
		fcntl(own, F_SETFL, fcntl(own, F_GETFL) & ~O_NONBLOCK);
		in = own;
	}
	memset(p, 0, sizeof(*p));
	p->path = cr_xasprintf("%s/layer.tar.gz", tmp);
	cleanup_close int out =
	    open(p->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return cr_fail(err, errno, "%s", p->path);
	if (pack_tar(in, out, &p->res, err) < 0)
		return cr_prefix(err, "%s", is_stdin ? "stdin" : source);
	return 0;
}

static int import(const struct import_opts *o, struct cr_error *err)
{
	struct image_store s = {.root_fd = -1, .lock_fd = -1, .names_fd = -1};
	char name[IMAGE_NAME_MAX + IMAGE_TAG_MAX + 80], id[IMAGE_HEX_LEN + 1];
	cleanup_free char *tmp = NULL, *comment = NULL, *src_abs = NULL;
	struct image_packed p = {0};
	struct stat st;
	int ret = -1;

	if (o->ref && image_local_name(o->ref, name, sizeof(name), err) < 0)
		return -1;
	if (!strncmp(o->source, "http://", 7) || !strncmp(o->source, "https://", 8)) {
		cr_fail(err, 0, "import from a URL is not supported");
		return cr_hint(err, "download it first: curl -fLO %s", o->source);
	}
	bool is_dir = strcmp(o->source, "-") && stat(o->source, &st) == 0 && S_ISDIR(st.st_mode);
	if (image_store_open(&s, err) < 0 || image_store_lock(&s, false, err) < 0)
		goto out;
	if (image_store_mkdtemp(&s, "import", &tmp, err) < 0)
		goto out;
	if (is_dir) {
		src_abs = realpath(o->source, NULL);
		if (!src_abs) {
			cr_fail(err, errno, "%s", o->source);
			goto out;
		}
		if (image_pack_in_userns("dir", src_abs, tmp, "layer", &p, err) < 0)
			goto out;
	} else if (pack_file(o->source, tmp, &p, err) < 0) {
		goto out;
	}
	if (image_add_packed(&s, &p, err) < 0)
		goto out;
	comment = o->message ? cr_xstrdup(o->message)
			     : cr_xasprintf("Imported from %s", is_dir ? src_abs : o->source);
	struct image_new_layer nl = {.digest = p.res.digest,
				     .size = p.res.size,
				     .diff_id = p.res.diff_id,
				     .created_by = "",
				     .comment = comment};
	struct image_commit_in in = {.changes = (const char *const *)o->changes.v,
				     .nchanges = o->changes.n,
				     .message = comment,
				     .layers = &nl,
				     .nlayers = 1,
				     .created = (long long)time(NULL)};
	if (image_write(&s, &in, NULL, o->ref ? name : NULL, id, err) < 0)
		goto out;
	printf("%s\n", id);
	ret = 0;
out:
	if (tmp) {
		struct cr_error ignored;
		cr_rm_rf(tmp, &ignored);
	}
	free(p.path);
	image_store_close(&s);
	return ret;
}

int image_cmd_import(int argc, char **argv, struct cr_error *err)
{
	struct import_opts o = {0};
	int r = import_parse(argc, argv, &o, err);

	if (r == 0)
		r = import(&o, err);
	strv_free(&o.changes);
	return r < 0 ? -1 : 0;
}

/* --- load --- */

enum archive_kind { KIND_UNKNOWN, KIND_DOCKER, KIND_OCI };

/* What the archive at path is: a docker-archive has manifest.json, an oci-archive oci-layout
 * and index.json (read through any compression libarchive knows). */
static enum archive_kind archive_kind(const char *path, char **index, size_t *index_len,
				      struct cr_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	enum archive_kind kind = KIND_UNKNOWN;
	char name[64];

	if (!a)
		return KIND_UNKNOWN;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		cr_fail(err, archive_os_errno(a), "reading the archive: %s",
			archive_error_string(a));
		archive_read_free(a);
		return KIND_UNKNOWN;
	}
	for (int i = 0; i < 100000 && kind == KIND_UNKNOWN; i++) {
		int r = archive_read_next_header(a, &e);
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			if (r != ARCHIVE_EOF)
				cr_fail(err, archive_os_errno(a), "reading the archive: %s",
					archive_error_string(a));
			break;
		}
		const char *n = archive_entry_pathname(e);
		if (!n || pack_clean_name(n, name, sizeof(name)) < 0)
			continue;
		if (!strcmp(name, "manifest.json"))
			kind = KIND_DOCKER;
		else if (!strcmp(name, "index.json") && archive_entry_size(e) <= IMAGE_JSON_MAX) {
			kind = KIND_OCI;
			*index = cr_xmalloc((size_t)archive_entry_size(e) + 1);
			la_ssize_t got =
			    archive_read_data(a, *index, (size_t)archive_entry_size(e));
			*index_len = got > 0 ? (size_t)got : 0;
			(*index)[*index_len] = '\0';
		}
	}
	archive_read_free(a);
	return kind;
}

/* Copies stdin into the new file path. */
static int spool_stdin(const char *path, struct cr_error *err)
{
	cleanup_close int out =
	    open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	char buf[1 << 16];

	if (out < 0)
		return cr_fail(err, errno, "%s", path);
	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cr_fail(err, errno, "reading stdin");
		if (n == 0)
			return 0;
		if (cr_write_all(out, buf, (size_t)n) < 0)
			return cr_fail(err, errno, "%s", path);
	}
}

/* Runs pull (image_cmd_pull) on source in a child whose stdout we read: the id it prints. */
static int pull_source(const char *source, bool quiet, char id[IMAGE_HEX_LEN + 1],
		       struct cr_error *err)
{
	int fds[2];
	char buf[512];
	size_t got = 0;
	int status;

	fflush(stdout);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return cr_fail(err, errno, "pipe");
	pid_t pid = fork();
	if (pid < 0)
		return cr_fail(err, errno, "fork");
	if (pid == 0) {
		struct cr_error e = {.status = CR_EXIT_TOOL};
		char pull[] = "pull", q[] = "-q";
		char *qargv[] = {pull, q, (char *)source, NULL};
		char *pargv[] = {pull, (char *)source, NULL};
		if (dup2(fds[1], 1) < 0)
			_exit(CR_EXIT_TOOL);
		int r = quiet ? image_cmd_pull(3, qargv, &e) : image_cmd_pull(2, pargv, &e);
		fflush(stdout);
		if (r < 0) {
			cr_error_print(&e);
			_exit(e.status ? e.status : CR_EXIT_TOOL);
		}
		_exit(r);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], buf + got, sizeof(buf) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof(buf) - 1)
			got = 0; /* only the last line matters */
	}
	buf[got] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return cr_fail(err, errno, "waitpid");
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cr_fail(err, 0, "load: the archive could not be loaded (see above)");
		err->status = WIFEXITED(status) ? WEXITSTATUS(status) : CR_EXIT_TOOL;
		return -1;
	}
	while (got && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
		buf[--got] = '\0';
	const char *last = strrchr(buf, '\n') ? strrchr(buf, '\n') + 1 : buf;
	if (!image_is_hex64(last))
		return cr_fail(err, 0, "load: pull printed no image id");
	memcpy(id, last, IMAGE_HEX_LEN + 1);
	return 0;
}

/* Names image id after the ref name an oci-archive's index carries, when it is a reference
 * (a short one under localhost/, as podman); a bare tag names nothing. */
static int name_from_index(struct image_store *s, const char *index, size_t len, const char *id,
			   struct cr_error *err)
{
	char hex[IMAGE_HEX_LEN + 1], ref[512], name[IMAGE_NAME_MAX + IMAGE_TAG_MAX + 80];
	struct cr_error ignored;
	int nested = 0;

	if (image_index_pick(index, len, NULL, hex, ref, sizeof(ref), &nested, &ignored) < 0 ||
	    !ref[0] || (!strchr(ref, '/') && !strchr(ref, ':')))
		return 0;
	if (image_local_name(ref, name, sizeof(name), &ignored) < 0)
		return 0;
	return image_repos_set(s, name, id, err);
}

/* Prints "Loaded image: NAME" for each name of id (podman's form), else its id. */
static void print_loaded(struct image_store *s, const char *id)
{
	struct image_name *names = NULL;
	size_t n = 0, shown = 0;
	struct cr_error ignored;

	if (image_repos_read(s, &names, &n, &ignored) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(names[i].id, id)) {
				printf("Loaded image: %s\n", names[i].name);
				shown++;
			}
		}
		image_names_free(names, n);
	}
	if (!shown)
		printf("Loaded image ID: sha256:%s\n", id);
}

static const char load_usage[] = "Usage: conti-rootless load [-q] [-i FILE]\n"
				 "  -i, --input FILE   the archive (default: stdin)\n"
				 "  -q, --quiet        no progress\n";

int image_cmd_load(int argc, char **argv, struct cr_error *err)
{
	static const struct option longs[] = {{"input", required_argument, NULL, 'i'},
					      {"quiet", no_argument, NULL, 'q'},
					      {"help", no_argument, NULL, 'h'},
					      {NULL, 0, NULL, 0}};
	struct image_store s = {.root_fd = -1, .lock_fd = -1, .names_fd = -1};
	const char *input = NULL;
	bool quiet = false;
	cleanup_free char *tmp = NULL, *path = NULL, *source = NULL;
	char id[IMAGE_HEX_LEN + 1];
	int c, ret = -1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+i:qh", longs, NULL)) != -1) {
		if (c == 'i') {
			input = optarg;
		} else if (c == 'q') {
			quiet = true;
		} else if (c == 'h') {
			fputs(load_usage, stdout);
			return 0;
		} else {
			return image_bad_option("load", argv[optind - 1], "[-q] [-i FILE]", err);
		}
	}
	if (optind != argc) {
		cr_fail(err, 0, "load takes no operand");
		return cr_hint(err, "conti-rootless load -i FILE (or the archive on stdin)");
	}
	if (!input && isatty(0)) {
		cr_fail(err, 0, "requested load from stdin, but stdin is a terminal");
		return cr_hint(err, "conti-rootless load -i FILE, or < FILE");
	}
	/* shared from the spool to the end: no collection of tmp/ meanwhile */
	if (image_store_open(&s, err) < 0 || image_store_lock(&s, false, err) < 0)
		goto out;
	if (image_store_mkdtemp(&s, "load", &tmp, err) < 0)
		goto out;
	path = cr_xasprintf("%s/archive", tmp);
	if (input) {
		/* skopeo takes no ':' in a path: a link of ours to it */
		cleanup_free char *abs = realpath(input, NULL);
		struct stat st;
		if (!abs || stat(abs, &st) < 0) {
			cr_fail(err, errno, "%s", input);
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			cr_fail(err, 0, "%s is not a file", input);
			goto out;
		}
		if (symlink(abs, path) < 0) {
			cr_fail(err, errno, "%s", path);
			goto out;
		}
	} else if (spool_stdin(path, err) < 0) {
		goto out;
	}
	cleanup_free char *index = NULL;
	size_t index_len = 0;
	enum archive_kind kind = archive_kind(path, &index, &index_len, err);
	if (kind == KIND_UNKNOWN) {
		if (!err->msg[0] || !strstr(err->msg, "archive"))
			cr_fail(err, 0,
				"%s holds no image: no manifest.json (docker-archive) nor "
				"index.json (oci-archive)",
				input ? input : "stdin");
		cr_hint(err, "give what docker save, podman save or conti-rootless save wrote");
		goto out;
	}
	source =
	    cr_xasprintf("%s:%s", kind == KIND_DOCKER ? "docker-archive" : "oci-archive", path);
	if (pull_source(source, quiet, id, err) < 0)
		goto out;
	if (index && name_from_index(&s, index, index_len, id, err) < 0)
		goto out;
	print_loaded(&s, id);
	ret = 0;
out:
	if (tmp) {
		struct cr_error ignored;
		cr_rm_rf(tmp, &ignored);
	}
	image_store_close(&s);
	return ret;
}
