/* commit.c - `commit CONTAINER [IMAGE]`: a container's writable layer as a new layer on top of
 * its image (or of its directory rootfs, which becomes the base layer). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "image/build.h"
#include "image/commands.h"
#include "image/format.h"
#include "image/oci.h"
#include "state.h"
#include "utils.h"

#define BLOB_JSON_MAX IMAGE_JSON_MAX

/* What commit reads of a container's config. */
struct container_view {
	struct cr_config cfg;	       /* rootfs, args, env, cwd, user (config_parse) */
	char image[IMAGE_HEX_LEN + 1]; /* "" for a directory rootfs */
	struct cr_strv layers;	       /* layer= lines, base first */
	struct cr_strv entrypoint;     /* entrypoint= lines */
	struct cr_strv labels, expose;
	char *stop_signal;
};

/* The values of every key= line of text, unescaped as config_parse does. */
static void lines_of(const char *text, const char *key, struct cr_strv *out)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, kl) || p[kl] != '=')
			continue;
		size_t n = strcspn(p + kl + 1, "\n");
		char *v = cr_xmalloc(n + 1), *o = v;
		for (const char *s = p + kl + 1; s < p + kl + 1 + n; s++) {
			if (*s == '\\' && s + 1 < p + kl + 1 + n) {
				s++;
				*o++ = *s == 'n' ? '\n' : *s;
			} else {
				*o++ = *s;
			}
		}
		*o = '\0';
		strv_push(out, v);
		free(v);
	}
}

static void view_free(struct container_view *v)
{
	config_free(&v->cfg);
	strv_free(&v->layers);
	strv_free(&v->entrypoint);
	strv_free(&v->labels);
	strv_free(&v->expose);
	free(v->stop_signal);
}

/* Reads the config of container arg (a name, an id or a unique prefix) into v; its name and
 * upper dir into name and *upper. */
static int read_container(const char *arg, struct container_view *v, char name[CR_NAME_MAX + 1],
			  char **upper, struct cr_error *err)
{
	struct cr_paths paths;
	struct cr_state st;
	struct cr_strv one = {0};

	memset(v, 0, sizeof(*v));
	config_init(&v->cfg);
	if (state_paths_init(&paths, err) < 0)
		return -1;
	int r = state_resolve(&paths, arg, name, err);
	if (r < 0) {
		state_paths_free(&paths);
		return -1;
	}
	if (r == 0)
		snprintf(name, CR_NAME_MAX + 1, "%s", arg);
	if (state_validate_name(name, err) < 0 || state_open_unlocked(&paths, name, &st, err) < 0) {
		state_paths_free(&paths);
		return -1;
	}
	cleanup_free char *text = state_read_config(&st);
	*upper = cr_xstrdup(st.upper);
	state_release(&st);
	state_paths_free(&paths);
	if (!text || config_parse(text, &v->cfg) < 0)
		return cr_fail(err, 0, "the config of container %s is damaged", name);
	lines_of(text, "image", &one);
	if (one.n && image_is_hex64(one.v[0]))
		memcpy(v->image, one.v[0], IMAGE_HEX_LEN + 1);
	strv_free(&one);
	lines_of(text, "layer", &v->layers);
	lines_of(text, "entrypoint", &v->entrypoint);
	lines_of(text, "label", &v->labels);
	lines_of(text, "expose", &v->expose);
	lines_of(text, "stop_signal", &one);
	v->stop_signal = one.n ? cr_xstrdup(one.v[0]) : NULL;
	strv_free(&one);
	if (!v->image[0] && (!v->cfg.rootfs || !v->cfg.rootfs[0]))
		return cr_fail(err, 0, "container %s has neither an image nor a rootfs", name);
	return 0;
}

/* The parent image's manifest and config (blobs read through the record). */
static int read_parent(struct image_store *s, const char *id, char **manifest, char **config,
		       struct cr_error *err)
{
	cleanup_free char *record = image_record_text(s, id, err);
	char mhex[IMAGE_HEX_LEN + 1], chex[IMAGE_HEX_LEN + 1];

	if (!record)
		return cr_prefix(err, "the container's image %.12s", id);
	if (state_record_get(record, "manifest", mhex, sizeof(mhex)) < 0 || !image_is_hex64(mhex))
		return cr_fail(err, 0, "the record of image %.12s names no manifest", id);
	*manifest = image_blob_read(s, mhex, BLOB_JSON_MAX, NULL, err);
	if (!*manifest)
		return -1;
	struct image_manifest m = {0};
	if (image_manifest_parse(*manifest, strlen(*manifest), &m, err) < 0)
		return -1;
	memcpy(chex, m.config, sizeof(chex));
	image_manifest_free(&m);
	*config = image_blob_read(s, chex, BLOB_JSON_MAX, NULL, err);
	return *config ? 0 : -1;
}

/* The container's command as a history line: its args joined by spaces. */
static char *created_by(const struct cr_strv *args)
{
	char *s = cr_xstrdup("");

	for (size_t i = 0; i < args->n; i++) {
		char *t = cr_xasprintf("%s%s%s", s, i ? " " : "", args->v[i]);
		free(s);
		s = t;
	}
	return s;
}

struct commit_opts {
	struct cr_strv changes;
	const char *message;
	const char *author;
	bool quiet;
	const char *container;
	const char *image;
};

static const char usage[] =
    "Usage: conti-rootless commit [OPTIONS] CONTAINER [IMAGE[:TAG]]\n"
    "  -c, --change INSTR   a Dockerfile instruction to apply (CMD, ENTRYPOINT, ENV, EXPOSE,\n"
    "                       LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR); repeatable\n"
    "  -m, --message MSG    the commit message (the history entry's comment)\n"
    "  -a, --author TEXT    the author\n"
    "  -p, --pause[=BOOL]   accepted; the container is not paused (no freezer without\n"
    "                       cgroups): commit a stopped container for a consistent layer\n"
    "  -q, --quiet          print nothing but the id\n";

static int parse_opts(int argc, char **argv, struct commit_opts *o, struct cr_error *err)
{
	static const struct option longs[] = {{"change", required_argument, NULL, 'c'},
					      {"message", required_argument, NULL, 'm'},
					      {"author", required_argument, NULL, 'a'},
					      {"pause", optional_argument, NULL, 'p'},
					      {"quiet", no_argument, NULL, 'q'},
					      {"help", no_argument, NULL, 'h'},
					      {NULL, 0, NULL, 0}};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:m:a:pqh", longs, NULL)) != -1) {
		switch (c) {
		case 'c':
			strv_push(&o->changes, optarg);
			break;
		case 'm':
			o->message = optarg;
			break;
		case 'a':
			o->author = optarg;
			break;
		case 'p':
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		default:
			return image_bad_option("commit", argv[optind - 1],
						"[-c INSTR]... [-m MSG] [-a AUTHOR] "
						"CONTAINER [IMAGE[:TAG]]",
						err);
		}
	}
	if (argc - optind < 1 || argc - optind > 2) {
		cr_fail(err, 0, "commit takes a container and, optionally, an image name");
		return cr_hint(err, "conti-rootless commit CONTAINER [IMAGE[:TAG]]");
	}
	o->container = argv[optind];
	o->image = argc - optind == 2 ? argv[optind + 1] : NULL;
	return 0;
}

/* Packs what the container adds (and its directory rootfs, first) into layers[]; n into *n. */
static int pack_container(struct image_store *s, const struct container_view *v, const char *upper,
			  const char *tmp, struct image_packed layers[2], size_t *n,
			  struct cr_error *err)
{
	*n = 0;
	if (!v->image[0]) {
		if (image_pack_in_userns("dir", v->cfg.rootfs, tmp, "base", &layers[0], err) < 0)
			return cr_prefix(err, "the container's rootfs");
		(*n)++;
	}
	if (image_pack_in_userns("upper", upper, tmp, "upper", &layers[*n], err) < 0)
		return cr_prefix(err, "the container's writable layer");
	(*n)++;
	for (size_t i = 0; i < *n; i++) {
		if (image_add_packed(s, &layers[i], err) < 0)
			return -1;
	}
	return 0;
}

/* The container's run config, its Cmd without the Entrypoint the args may start with. */
static void run_config(const struct container_view *v, struct image_run_config *run,
		       struct cr_strv *cmd)
{
	const struct cr_strv *args = &v->cfg.args;
	size_t skip = 0;

	if (v->entrypoint.n && args->n >= v->entrypoint.n) {
		skip = v->entrypoint.n;
		for (size_t i = 0; i < v->entrypoint.n; i++) {
			if (strcmp(args->v[i], v->entrypoint.v[i]))
				skip = 0;
		}
	}
	for (size_t i = skip; i < args->n; i++)
		strv_push(cmd, args->v[i]);
	memset(run, 0, sizeof(*run));
	run->entrypoint = &v->entrypoint;
	run->cmd = cmd;
	run->env = &v->cfg.env;
	run->labels = &v->labels;
	run->expose = &v->expose;
	run->cwd = v->cfg.cwd;
	run->user = v->cfg.user_set ? v->cfg.user : NULL;
	run->stop_signal = v->stop_signal;
}

static int commit(struct commit_opts *o, struct cr_error *err)
{
	struct container_view v;
	char name[CR_NAME_MAX + 1], image_name[IMAGE_NAME_MAX + IMAGE_TAG_MAX + 80];
	cleanup_free char *upper = NULL, *tmp = NULL, *pmanifest = NULL, *pconfig = NULL;
	cleanup_free char *by = NULL;
	struct image_store s = {.root_fd = -1, .lock_fd = -1, .names_fd = -1};
	struct image_packed packed[2] = {0};
	struct image_new_layer nl[2];
	struct cr_strv cmd = {0};
	struct image_run_config run;
	char id[IMAGE_HEX_LEN + 1];
	size_t n = 0;
	int ret = -1;

	if (o->image && image_local_name(o->image, image_name, sizeof(image_name), err) < 0)
		return -1;
	if (read_container(o->container, &v, name, &upper, err) < 0)
		goto out;
	if (image_store_open(&s, err) < 0 || image_store_lock(&s, false, err) < 0)
		goto out;
	if (v.image[0] && read_parent(&s, v.image, &pmanifest, &pconfig, err) < 0)
		goto out;
	if (image_store_mkdtemp(&s, "commit", &tmp, err) < 0)
		goto out;
	if (pack_container(&s, &v, upper, tmp, packed, &n, err) < 0)
		goto out;
	run_config(&v, &run, &cmd);
	by = created_by(&v.cfg.args);
	cleanup_free char *base_by = cr_xasprintf("conti-rootless commit: the directory %s",
						  v.cfg.rootfs ? v.cfg.rootfs : "");
	for (size_t i = 0; i < n; i++) {
		nl[i] = (struct image_new_layer){.digest = packed[i].res.digest,
						 .size = packed[i].res.size,
						 .diff_id = packed[i].res.diff_id,
						 .created_by = i + 1 < n ? base_by : by};
	}
	struct image_commit_in in = {.parent_config = pconfig,
				     .run = &run,
				     .changes = (const char *const *)o->changes.v,
				     .nchanges = o->changes.n,
				     .author = o->author,
				     .message = o->message,
				     .layers = nl,
				     .nlayers = n,
				     .created = (long long)time(NULL)};
	if (image_write(&s, &in, pmanifest, o->image ? image_name : NULL, id, err) < 0)
		goto out;
	printf("%s\n", id);
	ret = 0;
out:
	if (tmp) {
		struct cr_error ignored;
		cr_rm_rf(tmp, &ignored);
	}
	for (size_t i = 0; i < 2; i++)
		free(packed[i].path);
	strv_free(&cmd);
	view_free(&v);
	image_store_close(&s);
	return ret;
}

int image_cmd_commit(int argc, char **argv, struct cr_error *err)
{
	struct commit_opts o = {0};
	int r = parse_opts(argc, argv, &o, err);

	if (r == 0)
		r = commit(&o, err);
	strv_free(&o.changes);
	return r < 0 ? -1 : 0;
}
