/* pull.c - `pull [-q] SOURCE`: skopeo copies the image, as the user and outside any user
 * namespace (so the user's auth files, registries.conf mirrors and policy apply), into a
 * temporary OCI layout whose blobs land in the store's blob dir; then, holding the store's
 * lock shared, the manifest and config are read and verified, the missing layers unpacked
 * in one userns step, the record written and the name set. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/commands.h"
#include "image/oci.h"
#include "image/ref.h"
#include "image/registries.h"
#include "image/store.h"
#include "image/unpack.h"
#include "utils.h"

#define LAYOUT_TAG "conti"   /* the tag of the image in the temporary layout */
#define SKOPEO_ERR_MAX 65536 /* what is kept of skopeo's stderr */

struct pull_opts {
	bool quiet;
	bool progress; /* skopeo's bars on our stderr */
	char skopeo[4096];
};

/* What skopeo said last, as one line: its last error sentence (after the last ": "). */
static void skopeo_error(const char *text, char *out, size_t len)
{
	const char *end = text + strlen(text);
	const char *line, *msg, *cut;

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	line = end;
	while (line > text && line[-1] != '\n')
		line--;
	msg = line;
	/* logrus: `time="..." level=fatal msg="..."` or `FATA[0000] ...`. */
	if ((cut = strstr(msg, "msg=\"")) && cut < end) {
		msg = cut + 5;
		if (end > msg && end[-1] == '"')
			end--;
	} else if (!strncmp(msg, "FATA[", 5) && (cut = strchr(msg, ']')) && cut < end) {
		msg = cut + 1;
	}
	while (msg < end && *msg == ' ')
		msg++;
	/* logrus quotes the message: \" back to " */
	{
		size_t o = 0;

		for (const char *c = msg; c < end && o + 1 < len; c++) {
			if (c[0] == '\\' && c + 1 < end && (c[1] == '"' || c[1] == '\\'))
				c++;
			out[o++] = *c;
		}
		out[o] = '\0';
	}
}

static const char *skopeo_hint(const char *msg)
{
	if (strstr(msg, "HTTP response to HTTPS client"))
		return "the registry speaks plain HTTP: mark it insecure = true in "
		       "registries.conf ([[registry]] location = \"HOST:PORT\")";
	if (strstr(msg, "unauthorized") || strstr(msg, "authentication required") ||
	    strstr(msg, "denied"))
		return "log in first (podman login / skopeo login), or check the name";
	if (strstr(msg, "manifest unknown") || strstr(msg, "not found") ||
	    strstr(msg, "no such file"))
		return "check the name and tag";
	if (strstr(msg, "connection refused") || strstr(msg, "no such host") ||
	    strstr(msg, "timeout"))
		return "is the registry reachable? (a proxy in HTTPS_PROXY, a mirror in "
		       "registries.conf)";
	return "run skopeo copy with that source yourself to see all it says";
}

/* Runs skopeo copy SRC DEST; its failure as one line in err. */
static int run_skopeo(const struct pull_opts *o, const char *blobs, const char *src,
		      const char *dest, struct cr_error *err)
{
	const char *argv[16];
	int n = 0, status;
	cleanup_close int errfd = memfd_create("skopeo-stderr", MFD_CLOEXEC);
	pid_t pid, parent;

	if (errfd < 0)
		return cr_fail(err, errno, "memfd_create");
	const char *conf = getenv("CONTAINERS_REGISTRIES_CONF");

	argv[n++] = o->skopeo;
	/* skopeo (1.9, Debian 12) ignores CONTAINERS_REGISTRIES_CONF, which podman and our short
	 * names read: hand it over, so mirrors and insecure registries of that file apply. */
	if (conf && *conf) {
		argv[n++] = "--registries-conf";
		argv[n++] = conf;
	}
	argv[n++] = "copy";
	if (!o->progress)
		argv[n++] = "-q";
	argv[n++] = "--dest-shared-blob-dir";
	argv[n++] = blobs;
	argv[n++] = src;
	argv[n++] = dest;
	argv[n] = NULL;
	parent = getpid();
	pid = fork();
	if (pid < 0)
		return cr_fail(err, errno, "fork");
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* skopeo goes with us: killed, we hold no lock for what it writes. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(CR_EXIT_TOOL);

		/* skopeo writes its progress on stdout; ours is for the id. */
		if (null < 0 || dup2(null, 0) < 0 || dup2(o->progress ? 2 : null, 1) < 0 ||
		    dup2(errfd, 2) < 0)
			_exit(CR_EXIT_TOOL);
		execv(o->skopeo, (char *const *)argv);
		_exit(CR_EXIT_NOT_FOUND);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return cr_fail(err, errno, "waitpid skopeo");
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	{
		char text[SKOPEO_ERR_MAX], line[512];
		ssize_t got;
		off_t size = lseek(errfd, 0, SEEK_END);
		off_t from = size > (off_t)sizeof(text) - 1 ? size - (off_t)sizeof(text) + 1 : 0;

		got = pread(errfd, text, sizeof(text) - 1, from);
		text[got > 0 ? got : 0] = '\0';
		skopeo_error(text, line, sizeof(line));
		if (!line[0])
			snprintf(line, sizeof(line), "skopeo copy failed (%s %d)",
				 WIFSIGNALED(status) ? "signal" : "exit",
				 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		cr_fail(err, 0, "pull %s: %s", src, line);
		return cr_hint(err, "%s", skopeo_hint(line));
	}
}

/* The candidates of a registry reference: itself when full; else its alias, or each
 * unqualified-search registry in order. Names (as the store keeps them) into a
 * NULL-terminated malloc'ed array. */
static char **candidates(const struct image_ref *ref, size_t *n, struct cr_error *err)
{
	struct image_registries regs;
	char **v = cr_xcalloc(1, sizeof(*v));
	char buf[2 * IMAGE_NAME_MAX + 100];
	const char *alias;

	*n = 0;
	if (!image_ref_is_short(ref)) {
		image_ref_format(ref, buf, sizeof(buf));
		v = cr_xrealloc(v, 2 * sizeof(*v));
		v[(*n)++] = cr_xstrdup(buf);
		v[*n] = NULL;
		return v;
	}
	if (image_registries_load(&regs, err) < 0) {
		free(v);
		return NULL;
	}
	alias = image_registries_alias(&regs, ref->path);
	for (size_t i = 0; i < (alias ? 1 : regs.nsearch); i++) {
		struct image_ref full;
		struct cr_error perr;
		cleanup_free char *s = NULL;

		if (alias && (strchr(alias, '@') || strrchr(alias, ':') > strrchr(alias, '/')))
			s = cr_xstrdup(alias); /* the alias names a tag or digest itself */
		else if (ref->digest[0])
			s = cr_xasprintf("%s/%s@sha256:%s", alias ? alias : regs.search[i],
					 alias ? "" : ref->path, ref->digest);
		else
			s = cr_xasprintf("%s/%s:%s", alias ? alias : regs.search[i],
					 alias ? "" : ref->path, ref->tag);
		if (alias) {
			/* "ALIAS/:TAG" -> "ALIAS:TAG" */
			char *slash = strstr(s, "/:");

			if (!slash)
				slash = strstr(s, "/@");
			if (slash)
				memmove(slash, slash + 1, strlen(slash));
		}
		if (image_ref_parse(s, &full, &perr) < 0 || image_ref_is_short(&full))
			continue;
		image_ref_format(&full, buf, sizeof(buf));
		v = cr_xrealloc(v, (*n + 2) * sizeof(*v));
		v[(*n)++] = cr_xstrdup(buf);
		v[*n] = NULL;
	}
	image_registries_free(&regs);
	if (!*n) {
		char cut[CR_CUT_SIZE];

		free(v);
		image_ref_format(ref, buf, sizeof(buf));
		cr_fail(err, 0,
			"%s is a short name and registries.conf has no alias for it nor "
			"unqualified-search-registries",
			cr_cut(buf, cut, sizeof(cut)));
		cr_hint(err,
			"give the full name (docker.io/library/%s), or set "
			"unqualified-search-registries = [\"docker.io\"] in "
			"~/.config/containers/registries.conf",
			cr_cut(buf, cut, sizeof(cut)));
		return NULL;
	}
	return v;
}

/* Reads member (manifest.json of a docker archive, index.json of an OCI archive) of the tar
 * file. */
static char *archive_member(const char *file, const char *member, size_t *len, struct cr_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *buf = NULL;

	image_archive_filters(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, file, 1 << 16) != ARCHIVE_OK) {
		cr_fail(err, archive_errno(a), "open %s: %s", file, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *p = archive_entry_pathname(e);
		la_int64_t size = archive_entry_size(e);

		if (!p || (strcmp(p, member) && (strncmp(p, "./", 2) || strcmp(p + 2, member))))
			continue;
		if (size < 0 || size > (la_int64_t)IMAGE_JSON_MAX)
			break;
		buf = cr_xmalloc((size_t)size + 1);
		if (archive_read_data(a, buf, (size_t)size) != (la_ssize_t)size) {
			free(buf);
			buf = NULL;
			break;
		}
		buf[size] = '\0';
		*len = (size_t)size;
		break;
	}
	archive_read_free(a);
	if (!buf)
		cr_fail(err, 0, "%s is not an image archive (no %s)", file, member);
	return buf;
}

/* A valid name for what a layout or archive carries: a full reference as it is, a bare tag
 * as localhost/BASENAME:TAG (podman names such an image after its file). "" when none. */
static void name_of_local(const char *carried, const char *file, char *out, size_t len)
{
	struct image_ref ref;
	struct cr_error perr;
	char base[IMAGE_NAME_MAX + 1], *dot;
	const char *slash;
	cleanup_free char *s = NULL;

	out[0] = '\0';
	if (!carried || !*carried)
		return;
	if (image_ref_parse(carried, &ref, &perr) == 0 && !image_ref_is_short(&ref) &&
	    strchr(carried, '/')) {
		image_ref_format(&ref, out, len);
		return;
	}
	slash = strrchr(file, '/');
	snprintf(base, sizeof(base), "%s", slash ? slash + 1 : file);
	dot = strchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	for (char *c = base; *c; c++) {
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	}
	if (image_ref_parse(carried, &ref, &perr) == 0 && image_ref_is_short(&ref) &&
	    strchr(carried, ':'))
		s = cr_xasprintf("localhost/%s", carried); /* "name:tag" */
	else
		s = cr_xasprintf("localhost/%s:%s", base, carried);
	if (image_ref_parse(s, &ref, &perr) == 0)
		image_ref_format(&ref, out, len);
}

/* Splits "PATH[:TAG]" of an oci: source: the tag is what follows the last ':' when no '/'
 * comes after it. */
static void split_tag(const char *rest, char *path, size_t plen, const char **tag)
{
	const char *colon = strrchr(rest, ':');

	*tag = NULL;
	if (colon && !strchr(colon, '/')) {
		snprintf(path, plen, "%.*s", (int)(colon - rest), rest);
		*tag = colon + 1;
	} else {
		snprintf(path, plen, "%s", rest);
	}
}

/* Reads the layout skopeo wrote, unpacks the missing layers, writes the record; the id
 * into id. The caller holds the lock shared. */
static int import_layout(struct image_store *s, const char *layout, char id[IMAGE_HEX_LEN + 1],
			 char *carried, size_t clen, struct cr_error *err)
{
	cleanup_free char *index_path = cr_xasprintf("%s/index.json", layout);
	cleanup_free char *index = NULL, *manifest = NULL, *config = NULL, *record = NULL;
	char mhex[IMAGE_HEX_LEN + 1];
	struct image_manifest m = {0};
	char **diff_ids = NULL;
	size_t ndiff = 0, mlen = 0, clen2 = 0;
	unsigned long long size = 0;
	const char **args = NULL;
	size_t nargs = 0;
	int is_index = 0, ret = -1;
	ssize_t ilen;

	index = cr_xmalloc(IMAGE_JSON_MAX + 1);
	ilen = cr_read_file(index_path, index, IMAGE_JSON_MAX + 1, err);
	if (ilen < 0)
		return -1;
	if (image_index_pick(index, (size_t)ilen, LAYOUT_TAG, mhex, NULL, 0, &is_index, err) < 0)
		return -1;
	if (carried && clen)
		carried[0] = '\0';
	for (int depth = 0; is_index && depth < 2; depth++) {
		cleanup_free char *sub = image_blob_read(s, mhex, IMAGE_JSON_MAX, &mlen, err);

		if (!sub || image_index_pick(sub, mlen, NULL, mhex, NULL, 0, &is_index, err) < 0)
			return -1;
	}
	manifest = image_blob_read(s, mhex, IMAGE_JSON_MAX, &mlen, err);
	if (!manifest || image_manifest_parse(manifest, mlen, &m, err) < 0)
		return -1;
	config = image_blob_read(s, m.config, IMAGE_JSON_MAX, &clen2, err);
	if (!config || image_config_diff_ids(config, clen2, &diff_ids, &ndiff, err) < 0)
		goto out;
	if (ndiff != m.nlayers) {
		cr_fail(err, 0, "the image's manifest has %zu layers, its config %zu diff_ids",
			m.nlayers, ndiff);
		goto out;
	}
	args = cr_xcalloc(ndiff + 2, sizeof(*args));
	args[nargs++] = s->root;
	for (size_t i = 0; i < ndiff; i++) {
		if (strstr(m.layers[i].media_type, "encrypted")) {
			cr_fail(err, 0, "layer %zu of the image is encrypted", i + 1);
			cr_hint(err, "decrypt it first (skopeo copy --decryption-key)");
			goto out;
		}
		if (image_layer_exists(s, diff_ids[i]))
			continue;
		/* The same layer twice in one image: unpacked once. */
		for (size_t j = 1; j < nargs; j++) {
			if (!strcmp(args[j] + IMAGE_HEX_LEN + 1, diff_ids[i]))
				goto next;
		}
		args[nargs++] = cr_xasprintf("%s:%s", m.layers[i].digest, diff_ids[i]);
	next:;
	}
	if (nargs > 1 && image_userns_step("unpack", args, -1, err) < 0)
		goto out;
	for (size_t i = 0; i < ndiff; i++)
		size += image_layer_size(s, diff_ids[i]);
	memcpy(id, m.config, IMAGE_HEX_LEN + 1);
	record = image_record_from_config(config, clen2, id, mhex, size, err);
	if (!record || image_record_write(s, id, record, err) < 0)
		goto out;
	ret = 0;
out:
	if (args) {
		for (size_t i = 1; i < nargs; i++)
			free((char *)args[i]);
		free(args);
	}
	image_ids_free(diff_ids, ndiff);
	image_manifest_free(&m);
	return ret;
}

static int parse_opts(int argc, char **argv, struct pull_opts *o, const char **source,
		      struct cr_error *err)
{
	*source = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			o->quiet = true;
		} else if (!strcmp(argv[i], "--")) {
			if (i + 1 < argc)
				*source = argv[i + 1];
			if (i + 2 < argc)
				*source = NULL;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cr_fail(err, 0, "pull: unknown option %s", argv[i]);
			return cr_hint(err, "usage: conti-rootless pull [-q] IMAGE");
		} else if (*source) {
			cr_fail(err, 0, "pull takes one image");
			return cr_hint(err, "usage: conti-rootless pull [-q] IMAGE");
		} else {
			*source = argv[i];
		}
	}
	if (!*source) {
		cr_fail(err, 0, "pull needs an image");
		return cr_hint(err, "usage: conti-rootless pull [-q] IMAGE (debian:12, "
				    "docker://REGISTRY/NAME:TAG, oci:DIR[:TAG], "
				    "oci-archive:FILE, docker-archive:FILE)");
	}
	o->progress = !o->quiet && isatty(2);
	if (!cr_find_on_path("skopeo", o->skopeo, sizeof(o->skopeo))) {
		cr_fail(err, 0, "skopeo is not installed: install it (Debian: apt install skopeo)");
		return cr_hint(err, "conti-rootless pulls images with skopeo");
	}
	return 0;
}

/* The skopeo sources to try, and the name each gives the image (NULL: none). */
struct source {
	char **src;
	char **names;
	size_t n;
};

static void source_free(struct source *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		free(sv->src[i]);
		free(sv->names[i]);
	}
	free(sv->src);
	free(sv->names);
}

static void source_add(struct source *sv, char *src, const char *name)
{
	sv->src = cr_xrealloc(sv->src, (sv->n + 1) * sizeof(*sv->src));
	sv->names = cr_xrealloc(sv->names, (sv->n + 1) * sizeof(*sv->names));
	sv->src[sv->n] = src;
	sv->names[sv->n++] = name && *name ? cr_xstrdup(name) : NULL;
}

static int sources_of(const char *arg, struct source *sv, struct cr_error *err)
{
	const char *rest;
	enum image_source kind = image_source_of(arg, &rest);
	char path[4096], name[2 * IMAGE_NAME_MAX + 100];
	const char *tag;

	memset(sv, 0, sizeof(*sv));
	switch (kind) {
	case IMAGE_SRC_DIR:
		cr_fail(err, 0, "%s is a directory, not an image", arg);
		return cr_hint(err,
			       "run it as it is (conti-rootless run %s CMD), or import it: "
			       "conti-rootless import %s NAME",
			       arg, arg);
	case IMAGE_SRC_REGISTRY: {
		struct image_ref ref;
		size_t n;
		char **v;

		if (image_ref_parse(rest, &ref, err) < 0)
			return -1;
		v = candidates(&ref, &n, err);
		if (!v)
			return -1;
		for (size_t i = 0; i < n; i++) {
			source_add(sv, cr_xasprintf("docker://%s", v[i]), v[i]);
			free(v[i]);
		}
		free(v);
		return 0;
	}
	case IMAGE_SRC_OCI:
	case IMAGE_SRC_OCI_ARCHIVE:
		split_tag(rest, path, sizeof(path), &tag);
		if (!tag) {
			/* The layout's only image: name it after what its index carries. */
			char ihex[IMAGE_HEX_LEN + 1], carried[512];
			cleanup_free char *ip = cr_xasprintf("%s/index.json", path);
			cleanup_free char *idx = NULL;
			struct cr_error ignored;
			ssize_t il = -1;
			size_t alen = 0;
			int nested;

			if (kind == IMAGE_SRC_OCI) {
				idx = cr_xmalloc(IMAGE_JSON_MAX + 1);
				il = cr_read_file(ip, idx, IMAGE_JSON_MAX + 1, &ignored);
			} else {
				idx = archive_member(path, "index.json", &alen, &ignored);
				il = idx ? (ssize_t)alen : -1;
			}
			carried[0] = '\0';
			if (il > 0)
				image_index_pick(idx, (size_t)il, NULL, ihex, carried,
						 sizeof(carried), &nested, &ignored);
			name_of_local(carried, path, name, sizeof(name));
		} else {
			name_of_local(tag, path, name, sizeof(name));
		}
		source_add(
		    sv, cr_xasprintf("%s:%s", kind == IMAGE_SRC_OCI ? "oci" : "oci-archive", rest),
		    name);
		return 0;
	case IMAGE_SRC_DOCKER_ARCHIVE: {
		size_t len = 0;
		cleanup_free char *mj = NULL;

		split_tag(rest, path, sizeof(path), &tag);
		if (tag && tag[0] != '@' && strchr(rest, ':') != strrchr(rest, ':')) {
			/* FILE:NAME:TAG: the reference is all after the first ':'. */
			const char *c = strchr(rest, ':');

			snprintf(path, sizeof(path), "%.*s", (int)(c - rest), rest);
			tag = c + 1;
		}
		if (tag && *tag && tag[0] != '@') {
			name_of_local(tag, path, name, sizeof(name));
		} else {
			char carried[512];
			unsigned long index = 0;

			if (tag && tag[0] == '@' && !cr_parse_ulong(tag + 1, &index))
				index = 0;
			mj = archive_member(path, "manifest.json", &len, err);
			if (!mj || image_docker_archive_tag(mj, len, index, carried,
							    sizeof(carried), err) < 0)
				return -1;
			name_of_local(carried, path, name, sizeof(name));
		}
		source_add(sv, cr_xasprintf("docker-archive:%s", rest), name);
		return 0;
	}
	}
	return cr_fail(err, 0, "%s: unknown kind of image", arg);
}

int image_cmd_pull(int argc, char **argv, struct cr_error *err)
{
	struct pull_opts o = {0};
	const char *arg;
	struct source sv;
	struct image_store s;
	cleanup_free char *work = NULL, *layout = NULL, *dest = NULL, *blobs = NULL;
	char id[IMAGE_HEX_LEN + 1];
	const char *name = NULL;
	struct cr_error first = {0};
	int ret = -1;
	size_t i;

	if (parse_opts(argc, argv, &o, &arg, err) < 0)
		return -1;
	if (sources_of(arg, &sv, err) < 0)
		return -1;
	if (image_store_open(&s, err) < 0) {
		source_free(&sv);
		return -1;
	}
	/* Shared from before skopeo writes a blob until the name is set: an rmi (exclusive)
	 * never deletes a blob or layer this pull is about to use. */
	if (image_store_lock_shared_collect(&s, err) < 0)
		goto out;
	/* skopeo's oci: transport ends the destination's path at its first ':': with one in
	 * the store's path, skopeo would write a layout (index.json, blobs/) outside the store,
	 * over what is there. */
	if (strchr(s.root, ':')) {
		cr_fail(err, 0,
			"the image store %s has a ':' in its path, which skopeo's oci: transport "
			"cannot name",
			s.root);
		cr_hint(err, "set XDG_DATA_HOME to a directory without ':'");
		goto out;
	}
	if (image_store_mkdtemp(&s, "pull", &work, err) < 0)
		goto out;
	layout = cr_xasprintf("%s/layout", work);
	dest = cr_xasprintf("oci:%s:%s", layout, LAYOUT_TAG);
	blobs = image_store_path(&s, "blobs");
	for (i = 0; i < sv.n; i++) {
		struct cr_error e = {0};

		if (run_skopeo(&o, blobs, sv.src[i], dest, &e) == 0)
			break;
		if (!i)
			first = e;
		if (sv.n > 1 && !o.quiet)
			cr_warn("%s", e.msg);
	}
	if (i == sv.n) {
		*err = first;
		if (sv.n > 1) {
			cr_fail(err, 0,
				"pull %s: no registry of unqualified-search-registries has it "
				"(tried %zu)",
				arg, sv.n);
			cr_hint(err, "give the full name; the first registry said: %.300s",
				first.msg);
		}
		goto out;
	}
	name = sv.names[i];
	if (import_layout(&s, layout, id, NULL, 0, err) < 0)
		goto out;
	if (name && image_repos_set(&s, name, id, err) < 0)
		goto out;
	printf("%s\n", id);
	fflush(stdout);
	ret = 0;
out:
	if (work) {
		struct cr_error ignored;
		cleanup_free char *rel = cr_xasprintf("tmp/%s", strrchr(work, '/') + 1);

		image_store_remove(&s, rel, &ignored);
	}
	image_store_close(&s);
	source_free(&sv);
	return ret;
}
