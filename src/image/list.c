/* list.c - `images` (docker's table, -q, --no-trunc, --digests, --format) and
 * `image inspect` (docker's JSON). Both read the store as the user, without a lock: records
 * and repositories are replaced by rename, so each read sees a whole file. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image/catalog.h"
#include "image/commands.h"
#include "image/format.h"
#include "image/oci.h"
#include "image/ref.h"
#include "ps-format.h"
#include "utils.h"

struct images_opts {
	bool quiet, no_trunc, digests;
	const char *format; /* NULL: the table */
	const char *filter; /* REF operand */
};

static int images_usage(struct cr_error *err, const char *what)
{
	cr_fail(err, 0, "images: %s", what);
	return cr_hint(err, "usage: conti-rootless images [-a] [-q] [--no-trunc] [--digests] "
			    "[--format json|table|TEMPLATE] [REPOSITORY[:TAG]]");
}

static int parse_images(int argc, char **argv, struct images_opts *o, struct cr_error *err)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-a") || !strcmp(a, "--all"))
			continue; /* no intermediate images here: all are shown */
		if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
			o->quiet = true;
		else if (!strcmp(a, "--no-trunc"))
			o->no_trunc = true;
		else if (!strcmp(a, "--digests"))
			o->digests = true;
		else if (!strcmp(a, "--format") && i + 1 < argc)
			o->format = argv[++i];
		else if (!strncmp(a, "--format=", 9))
			o->format = a + 9;
		else if (a[0] == '-' && a[1])
			return images_usage(err, "unknown option");
		else if (o->filter)
			return images_usage(err, "one REPOSITORY[:TAG] at most");
		else
			o->filter = a;
	}
	return 0;
}

/* True when name passes the REF operand: docker matches the repository, and the tag when
 * one is given. */
static bool name_passes(const char *filter, const char *name)
{
	struct image_ref want;
	struct cr_error perr;
	char repo[512], tag[256], digest[128];
	bool tagged = strrchr(filter, ':') > strrchr(filter, '/') || strchr(filter, '@');

	if (image_ref_parse(filter, &want, &perr) < 0)
		return false;
	if (tagged)
		return image_ref_matches(&want, name);
	image_split_name(name, repo, sizeof(repo), tag, sizeof(tag), digest, sizeof(digest));
	{
		struct image_ref any = want;

		/* Any tag of the repository: compare with the tag set to the name's own. */
		snprintf(any.tag, sizeof(any.tag), "%s", digest[0] ? "" : tag);
		if (digest[0])
			snprintf(any.digest, sizeof(any.digest), "%s", digest + 7);
		return image_ref_matches(&any, name);
	}
}

static void fmt_id(const char *id, bool no_trunc, char *buf, size_t len)
{
	if (no_trunc)
		snprintf(buf, len, "sha256:%s", id);
	else
		snprintf(buf, len, "%.12s", id);
}

static char *repo_digest_of(const struct image_info *im)
{
	char *m = image_record_value(im->record, "manifest");
	char *d = m ? cr_xasprintf("sha256:%s", m) : cr_xstrdup("<none>");

	free(m);
	return d;
}

static json_object *strings(char *const *v, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static json_object *labels_of(const char *record)
{
	size_t n;
	char **v = image_record_values(record, "label", &n);
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(v[i], '=');

		if (eq) {
			*eq = '\0';
			json_object_object_add(o, v[i], json_object_new_string(eq + 1));
		}
		free(v[i]);
	}
	free(v);
	return o;
}

/* The names split into RepoTags (NAME:TAG) and RepoDigests (NAME@sha256:...). */
static void tags_digests(const struct image_info *im, json_object **tags, json_object **digests)
{
	char *m = image_record_value(im->record, "manifest");

	*tags = json_object_new_array();
	*digests = json_object_new_array();
	for (size_t i = 0; i < im->nnames; i++) {
		if (strchr(im->names[i], '@')) {
			json_object_array_add(*digests, json_object_new_string(im->names[i]));
		} else {
			char repo[512], tag[256], dg[128];

			json_object_array_add(*tags, json_object_new_string(im->names[i]));
			image_split_name(im->names[i], repo, sizeof(repo), tag, sizeof(tag), dg,
					 sizeof(dg));
			if (m) {
				cleanup_free char *rd = cr_xasprintf("%s@sha256:%s", repo, m);

				json_object_array_add(*digests, json_object_new_string(rd));
			}
		}
	}
	free(m);
}

static void print_json(const struct image_catalog *c, const struct images_opts *o)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < c->n; i++) {
		const struct image_info *im = &c->v[i];
		json_object *e = json_object_new_object(), *tags, *digests;
		char when[64];
		char *digest = repo_digest_of(im);

		tags_digests(im, &tags, &digests);
		psf_rfc3339(im->created, when, sizeof(when));
		json_object_object_add(e, "Id", json_object_new_string(im->id));
		json_object_object_add(e, "ParentId", json_object_new_string(""));
		json_object_object_add(e, "RepoTags", tags);
		json_object_object_add(e, "RepoDigests", digests);
		json_object_object_add(e, "Size", json_object_new_int64((int64_t)im->size));
		json_object_object_add(e, "SharedSize", json_object_new_int64(0));
		json_object_object_add(e, "VirtualSize", json_object_new_int64((int64_t)im->size));
		json_object_object_add(e, "Labels", labels_of(im->record));
		json_object_object_add(e, "Containers",
				       json_object_new_int64((int64_t)im->containers));
		json_object_object_add(e, "Names", strings(im->names, im->nnames));
		json_object_object_add(e, "Digest", json_object_new_string(digest));
		json_object_object_add(e, "Created", json_object_new_int64(im->created));
		json_object_object_add(e, "CreatedAt", json_object_new_string(when));
		json_object_array_add(a, e);
		free(digest);
	}
	(void)o;
	printf("%s\n",
	       json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
}

/* One row of the table, or of a template: the fields docker's `images` knows. */
struct row {
	char repo[512], tag[256], digest[128], id[80], since[64], created_at[64], size[32];
};

static void fill_row(struct row *r, const struct image_info *im, const char *name,
		     const struct images_opts *o, long long now)
{
	if (name) {
		image_split_name(name, r->repo, sizeof(r->repo), r->tag, sizeof(r->tag), r->digest,
				 sizeof(r->digest));
	} else {
		snprintf(r->repo, sizeof(r->repo), "<none>");
		snprintf(r->tag, sizeof(r->tag), "<none>");
		r->digest[0] = '\0';
	}
	if (!r->digest[0]) {
		char *d = repo_digest_of(im);

		snprintf(r->digest, sizeof(r->digest), "%s", name ? d : "<none>");
		free(d);
	}
	fmt_id(im->id, o->no_trunc, r->id, sizeof(r->id));
	psf_ago(im->created, now, r->since, sizeof(r->since));
	if (!r->since[0])
		snprintf(r->since, sizeof(r->since), "N/A");
	psf_rfc3339(im->created, r->created_at, sizeof(r->created_at));
	image_human_size(im->size, r->size, sizeof(r->size));
}

/* A --format template: {{.Repository}} {{.Tag}} {{.Digest}} {{.ID}} {{.CreatedSince}}
 * {{.CreatedAt}} {{.Size}}, \t and \n. */
static int print_template(FILE *out, const char *tmpl, const struct row *r, struct cr_error *err)
{
	static const char *const keys[] = {"Repository",   "Tag",	"Digest", "ID",
					   "CreatedSince", "CreatedAt", "Size"};
	const char *vals[] = {r->repo, r->tag, r->digest, r->id, r->since, r->created_at, r->size};

	for (const char *p = tmpl; *p;) {
		if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n')) {
			fputc(p[1] == 't' ? '\t' : '\n', out);
			p += 2;
		} else if (!strncmp(p, "{{", 2)) {
			const char *end = strstr(p, "}}");
			char field[64];
			size_t k;

			if (!end)
				return cr_fail(err, 0, "--format: a {{ is not closed");
			snprintf(field, sizeof(field), "%.*s", (int)(end - p - 2), p + 2);
			{
				char *f = field;

				while (*f == ' ')
					f++;
				if (*f == '.')
					f++;
				for (char *t = f + strlen(f); t > f && t[-1] == ' ';)
					*--t = '\0';
				for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
					if (!strcmp(f, keys[k]))
						break;
				}
				if (k == sizeof(keys) / sizeof(keys[0]))
					return cr_fail(err, 0, "--format: unknown field %s", field);
			}
			fputs(vals[k], out);
			p = end + 2;
		} else {
			fputc(*p++, out);
		}
	}
	fputc('\n', out);
	return 0;
}

/* The template filled for r as one malloc'ed line (for a table); NULL with err. */
static char *template_line(const char *tmpl, const struct row *r, struct cr_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int ret;

	if (!m)
		return NULL;
	ret = print_template(m, tmpl, r, err);
	fclose(m);
	if (ret < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int image_cmd_images(int argc, char **argv, struct cr_error *err)
{
	struct images_opts o;
	struct image_store s;
	struct image_catalog c;
	char **lines = NULL;
	size_t nlines = 0;
	const char *tmpl = NULL;
	bool table = false;
	long long now = (long long)time(NULL);
	int ret = 0;

	if (parse_images(argc, argv, &o, err) < 0)
		return -1;
	if (o.format && !strcmp(o.format, "table"))
		o.format = NULL;
	if (o.format && !strncmp(o.format, "table ", 6)) {
		tmpl = o.format + 6;
		table = true;
		o.format = NULL;
	} else if (o.format && strcmp(o.format, "json") != 0) {
		tmpl = o.format;
	}
	if (image_store_open(&s, err) < 0)
		return -1;
	if (image_catalog_load(&s, &c, err) < 0) {
		image_store_close(&s);
		return -1;
	}
	if (o.filter) {
		/* Keep the images (and names) the operand names. */
		for (size_t i = 0; i < c.n; i++) {
			size_t k = 0;

			for (size_t j = 0; j < c.v[i].nnames; j++) {
				if (name_passes(o.filter, c.v[i].names[j]))
					c.v[i].names[k++] = c.v[i].names[j];
				else
					free(c.v[i].names[j]);
			}
			c.v[i].nnames = k;
			c.v[i].names[k] = NULL;
		}
	}
	if (o.format && !strcmp(o.format, "json")) {
		struct image_catalog shown = c;

		if (o.filter) {
			/* Only images with a name left. */
			size_t k = 0;

			shown.v = cr_xcalloc(c.n ? c.n : 1, sizeof(*shown.v));
			for (size_t i = 0; i < c.n; i++) {
				if (c.v[i].nnames)
					shown.v[k++] = c.v[i];
			}
			shown.n = k;
		}
		print_json(&shown, &o);
		if (shown.v != c.v)
			free(shown.v);
		goto out;
	}
	if (!o.quiet && table) {
		/* docker's header for a table template: the fields' names. */
		struct row h = {"REPOSITORY", "TAG",	    "DIGEST", "IMAGE ID",
				"CREATED",    "CREATED AT", "SIZE"};

		lines = cr_xrealloc(lines, (nlines + 1) * sizeof(*lines));
		lines[nlines++] = template_line(tmpl, &h, err);
		if (!lines[nlines - 1]) {
			nlines--;
			ret = -1;
		}
	}
	if (!o.quiet && !tmpl) {
		lines = cr_xrealloc(lines, (nlines + 1) * sizeof(*lines));
		lines[nlines++] =
		    cr_xstrdup(o.digests ? "REPOSITORY\tTAG\tDIGEST\tIMAGE ID\tCREATED\tSIZE\n"
					 : "REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n");
	}
	for (size_t i = 0; i < c.n && ret == 0; i++) {
		const struct image_info *im = &c.v[i];
		size_t rows = im->nnames ? im->nnames : 1;

		if (o.filter && !im->nnames)
			continue;
		if (o.quiet) {
			char id[80];

			fmt_id(im->id, o.no_trunc, id, sizeof(id));
			printf("%s\n", id);
			continue;
		}
		for (size_t j = 0; j < rows; j++) {
			struct row r;

			fill_row(&r, im, im->nnames ? im->names[j] : NULL, &o, now);
			if (tmpl && table) {
				lines = cr_xrealloc(lines, (nlines + 1) * sizeof(*lines));
				lines[nlines++] = template_line(tmpl, &r, err);
				if (!lines[nlines - 1]) {
					nlines--;
					ret = -1;
				}
				continue;
			}
			if (tmpl) {
				if (print_template(stdout, tmpl, &r, err) < 0)
					ret = -1;
				continue;
			}
			lines = cr_xrealloc(lines, (nlines + 1) * sizeof(*lines));
			if (o.digests)
				lines[nlines++] =
				    cr_xasprintf("%s\t%s\t%s\t%s\t%s\t%s\n", r.repo, r.tag,
						 r.digest, r.id, r.since, r.size);
			else
				lines[nlines++] = cr_xasprintf("%s\t%s\t%s\t%s\t%s\n", r.repo,
							       r.tag, r.id, r.since, r.size);
		}
	}
	if (nlines && ret == 0)
		psf_print_columns(stdout, lines, nlines);
	for (size_t i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
out:
	image_catalog_free(&c);
	image_store_close(&s);
	return ret;
}

/* Copies key of the config's config object (when it is there) into out as docker names it. */
static void copy_key(json_object *from, json_object *to, const char *key)
{
	json_object *v;

	if (from && json_object_object_get_ex(from, key, &v))
		json_object_object_add(to, key, json_object_get(v));
	else
		json_object_object_add(to, key, NULL);
}

static json_object *inspect_one(const struct image_store *s, const struct image_info *im)
{
	json_object *e = json_object_new_object(), *cfg = json_object_new_object();
	json_object *rootfs = json_object_new_object(), *layers = json_object_new_array();
	json_object *tags, *digests, *parsed = NULL, *inner = NULL;
	struct cr_error ignored;
	size_t len = 0;
	cleanup_free char *config = image_blob_read(s, im->id, IMAGE_JSON_MAX, &len, &ignored);
	cleanup_free char *arch = image_record_value(im->record, "arch");
	cleanup_free char *os = image_record_value(im->record, "os");
	cleanup_free char *created = image_record_value(im->record, "created");
	cleanup_free char *id = cr_xasprintf("sha256:%s", im->id);

	if (config) {
		parsed = json_tokener_parse(config);
		if (parsed)
			json_object_object_get_ex(parsed, "config", &inner);
	}
	tags_digests(im, &tags, &digests);
	json_object_object_add(e, "Id", json_object_new_string(id));
	json_object_object_add(e, "RepoTags", tags);
	json_object_object_add(e, "RepoDigests", digests);
	json_object_object_add(e, "Parent", json_object_new_string(""));
	json_object_object_add(e, "Comment", json_object_new_string(""));
	json_object_object_add(e, "Created", json_object_new_string(created ? created : ""));
	if (inner) {
		static const char *const keys[] = {"User",   "ExposedPorts", "Env",
						   "Cmd",    "WorkingDir",   "Entrypoint",
						   "Labels", "StopSignal"};

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			copy_key(inner, cfg, keys[i]);
	} else {
		/* No config blob (an image made before blobs were kept): the record's. */
		size_t n;
		char **v;
		cleanup_free char *cwd = image_record_value(im->record, "cwd");
		cleanup_free char *user = image_record_value(im->record, "user");

		json_object_object_add(cfg, "User", json_object_new_string(user ? user : ""));
		v = image_record_values(im->record, "env", &n);
		json_object_object_add(cfg, "Env", strings(v, n));
		image_ids_free(v, n);
		v = image_record_values(im->record, "arg", &n);
		json_object_object_add(cfg, "Cmd", n ? strings(v, n) : NULL);
		image_ids_free(v, n);
		json_object_object_add(cfg, "WorkingDir", json_object_new_string(cwd ? cwd : ""));
		v = image_record_values(im->record, "entrypoint", &n);
		json_object_object_add(cfg, "Entrypoint", n ? strings(v, n) : NULL);
		image_ids_free(v, n);
		json_object_object_add(cfg, "Labels", labels_of(im->record));
	}
	json_object_object_add(e, "Config", cfg);
	json_object_object_add(e, "Architecture", json_object_new_string(arch ? arch : ""));
	json_object_object_add(e, "Os", json_object_new_string(os ? os : ""));
	json_object_object_add(e, "Size", json_object_new_int64((int64_t)im->size));
	json_object_object_add(e, "VirtualSize", json_object_new_int64((int64_t)im->size));
	json_object_object_add(rootfs, "Type", json_object_new_string("layers"));
	for (size_t i = 0; i < im->nlayers; i++) {
		cleanup_free char *l = cr_xasprintf("sha256:%s", im->layers[i]);

		json_object_array_add(layers, json_object_new_string(l));
	}
	json_object_object_add(rootfs, "Layers", layers);
	json_object_object_add(e, "RootFS", rootfs);
	json_object_put(parsed);
	return e;
}

int image_cmd_inspect(int argc, char **argv, struct cr_error *err)
{
	struct image_store s;
	struct image_catalog c;
	json_object *a;
	int ret = 0, first = 1;

	if (argc > 1 && (!strcmp(argv[1], "--type=image") || !strcmp(argv[1], "--type")))
		first += strcmp(argv[1], "--type") == 0 ? 2 : 1;
	if (argc <= first) {
		cr_fail(err, 0, "image inspect needs an image");
		return cr_hint(err, "usage: conti-rootless image inspect IMAGE...");
	}
	if (image_store_open(&s, err) < 0)
		return -1;
	if (image_catalog_load(&s, &c, err) < 0) {
		image_store_close(&s);
		return -1;
	}
	a = json_object_new_array();
	for (int i = first; i < argc; i++) {
		char id[IMAGE_HEX_LEN + 1];
		struct cr_error e = {.status = CR_EXIT_TOOL};
		struct image_info *im;

		if (image_store_resolve(&s, argv[i], id, NULL, 0, &e) < 0 ||
		    !(im = image_catalog_find(&c, id))) {
			cr_error_print(&e);
			*err = e;
			ret = CR_EXIT_TOOL;
			continue;
		}
		json_object_array_add(a, inspect_one(&s, im));
	}
	printf("%s\n",
	       json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
	image_catalog_free(&c);
	image_store_close(&s);
	return ret;
}
