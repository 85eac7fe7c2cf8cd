/* oci.c - OCI/docker JSON (index, manifest, config) read with json-c, and the record made of
 * a config. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "image/oci.h"
#include "utils.h"

/* Parses len bytes of untrusted JSON into an object; NULL with err. */
static json_object *parse(const char *json, size_t len, const char *what, struct cr_error *err)
{
	json_tokener *tok;
	json_object *o;

	if (len > IMAGE_JSON_MAX) {
		cr_fail(err, EFBIG, "the image's %s is larger than %u bytes", what, IMAGE_JSON_MAX);
		return NULL;
	}
	tok = json_tokener_new_ex(32);
	if (!tok) {
		cr_fail(err, ENOMEM, "json");
		return NULL;
	}
	o = json_tokener_parse_ex(tok, json, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) < len) {
		/* Trailing white space is fine. */
		size_t end = json_tokener_get_parse_end(tok);

		while (o && end < len && strchr(" \t\r\n", json[end]))
			end++;
		if (!o || end < len) {
			cr_fail(err, 0, "the image's %s is not valid JSON: %s", what,
				o ? "trailing data"
				  : json_tokener_error_desc(json_tokener_get_error(tok)));
			json_object_put(o);
			o = NULL;
		}
	}
	json_tokener_free(tok);
	if (o && !json_object_is_type(o, json_type_object)) {
		cr_fail(err, 0, "the image's %s is not a JSON object", what);
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *get(json_object *o, const char *key, json_type type)
{
	json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v = get(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

/* "sha256:HEX" into hex; -1 for anything else. */
static int digest_hex(const char *d, char hex[IMAGE_HEX_LEN + 1])
{
	if (!d || strncmp(d, "sha256:", 7) != 0 || !image_is_hex64(d + 7))
		return -1;
	memcpy(hex, d + 7, IMAGE_HEX_LEN + 1);
	return 0;
}

static bool is_index_type(const char *mt)
{
	return mt && (!strcmp(mt, "application/vnd.oci.image.index.v1+json") ||
		      !strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json"));
}

static const char *machine_arch(void)
{
#if defined(__x86_64__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__i386__)
	return "386";
#else
	return "";
#endif
}

int image_index_pick(const char *json, size_t len, const char *tag, char hex[IMAGE_HEX_LEN + 1],
		     char *ref_name, size_t ref_len, int *is_index, struct cr_error *err)
{
	json_object *o = parse(json, len, "index", err);
	json_object *ms;
	size_t n, hits = 0;
	int ret = -1;

	if (ref_name && ref_len)
		ref_name[0] = '\0';
	*is_index = 0;
	if (!o)
		return -1;
	ms = get(o, "manifests", json_type_array);
	n = ms ? json_object_array_length(ms) : 0;
	for (size_t i = 0; i < n && !hits; i++) {
		json_object *m = json_object_array_get_idx(ms, i);
		json_object *ann = get(m, "annotations", json_type_object);
		json_object *plat = get(m, "platform", json_type_object);
		const char *name = get_str(ann, "org.opencontainers.image.ref.name");
		const char *arch = get_str(plat, "architecture");
		const char *os = get_str(plat, "os");

		if (tag && *tag) {
			if (!name || strcmp(name, tag) != 0)
				continue;
		} else if (n > 1 && (!arch || strcmp(arch, machine_arch()) != 0 || !os ||
				     strcmp(os, "linux") != 0)) {
			continue;
		}
		if (digest_hex(get_str(m, "digest"), hex) < 0) {
			cr_fail(err, 0,
				"the image's index names a manifest by a digest that is not "
				"sha256");
			goto out;
		}
		*is_index = is_index_type(get_str(m, "mediaType"));
		if (ref_name && ref_len)
			snprintf(ref_name, ref_len, "%s", name ? name : "");
		hits++;
	}
	if (hits) {
		ret = 0;
	} else if (tag && *tag) {
		cr_fail(err, ENOENT, "the image layout has no image tagged %s", tag);
	} else if (n > 1) {
		cr_fail(err, ENOENT, "the image index has %zu manifests, none for linux/%s", n,
			machine_arch());
		cr_hint(err, "name one: oci:DIR:TAG");
	} else {
		cr_fail(err, ENOENT, "the image index lists no manifest");
	}
out:
	json_object_put(o);
	return ret;
}

int image_manifest_parse(const char *json, size_t len, struct image_manifest *m,
			 struct cr_error *err)
{
	json_object *o = parse(json, len, "manifest", err);
	json_object *layers;
	size_t n;

	memset(m, 0, sizeof(*m));
	if (!o)
		return -1;
	if (is_index_type(get_str(o, "mediaType")) || get(o, "manifests", json_type_array)) {
		json_object_put(o);
		return cr_fail(err, 0, "the image's manifest is an index, not an image manifest");
	}
	if (digest_hex(get_str(get(o, "config", json_type_object), "digest"), m->config) < 0) {
		json_object_put(o);
		return cr_fail(err, 0, "the image's manifest names no sha256 config");
	}
	layers = get(o, "layers", json_type_array);
	n = layers ? json_object_array_length(layers) : 0;
	if (n > IMAGE_LAYERS_MAX) {
		json_object_put(o);
		return cr_fail(err, 0, "the image has %zu layers, more than %d", n,
			       IMAGE_LAYERS_MAX);
	}
	m->layers = cr_xcalloc(n ? n : 1, sizeof(*m->layers));
	for (size_t i = 0; i < n; i++) {
		json_object *l = json_object_array_get_idx(layers, i);
		json_object *size = get(l, "size", json_type_int);
		const char *mt = get_str(l, "mediaType");

		if (digest_hex(get_str(l, "digest"), m->layers[i].digest) < 0) {
			json_object_put(o);
			image_manifest_free(m);
			return cr_fail(err, 0,
				       "layer %zu of the image's manifest has no sha256 digest",
				       i + 1);
		}
		snprintf(m->layers[i].media_type, sizeof(m->layers[i].media_type), "%s",
			 mt ? mt : "");
		m->layers[i].size = size ? (unsigned long long)json_object_get_int64(size) : 0;
	}
	m->nlayers = n;
	json_object_put(o);
	return 0;
}

void image_manifest_free(struct image_manifest *m)
{
	free(m->layers);
	m->layers = NULL;
	m->nlayers = 0;
}

void image_ids_free(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

static int diff_ids_of(json_object *o, char ***ids, size_t *n, struct cr_error *err)
{
	json_object *d = get(get(o, "rootfs", json_type_object), "diff_ids", json_type_array);
	size_t cnt = d ? json_object_array_length(d) : 0;

	*ids = NULL;
	*n = 0;
	if (cnt > IMAGE_LAYERS_MAX)
		return cr_fail(err, 0, "the image has %zu layers, more than %d", cnt,
			       IMAGE_LAYERS_MAX);
	*ids = cr_xcalloc(cnt + 1, sizeof(**ids));
	for (size_t i = 0; i < cnt; i++) {
		char hex[IMAGE_HEX_LEN + 1];
		json_object *e = json_object_array_get_idx(d, i);

		if (!json_object_is_type(e, json_type_string) ||
		    digest_hex(json_object_get_string(e), hex) < 0) {
			image_ids_free(*ids, *n);
			*ids = NULL;
			*n = 0;
			return cr_fail(err, 0, "diff_id %zu of the image's config is not sha256",
				       i + 1);
		}
		(*ids)[(*n)++] = cr_xstrdup(hex);
	}
	return 0;
}

int image_config_diff_ids(const char *json, size_t len, char ***ids, size_t *n,
			  struct cr_error *err)
{
	json_object *o = parse(json, len, "config", err);
	int ret;

	*ids = NULL;
	*n = 0;
	if (!o)
		return -1;
	ret = diff_ids_of(o, ids, n, err);
	json_object_put(o);
	return ret;
}

/* Each string of array key of o as a key= line (an entry holding a NUL byte is cut there,
 * as the record's text cannot carry it). */
static void put_strings(char **buf, size_t *len, json_object *o, const char *jkey, const char *key)
{
	json_object *a = get(o, jkey, json_type_array);
	size_t n = a ? json_object_array_length(a) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(a, i);

		if (json_object_is_type(e, json_type_string))
			config_put_line(buf, len, key, json_object_get_string(e));
	}
}

static void put_str(char **buf, size_t *len, json_object *o, const char *jkey, const char *key)
{
	const char *v = get_str(o, jkey);

	if (v && *v)
		config_put_line(buf, len, key, v);
}

char *image_record_from_config(const char *json, size_t len, const char *id,
			       const char *manifest_hex, unsigned long long size,
			       struct cr_error *err)
{
	json_object *o = parse(json, len, "config", err);
	json_object *c, *labels, *ports;
	char **ids = NULL;
	size_t nids = 0, blen = 0;
	char *buf = cr_xstrdup("");
	char num[32];

	if (!o || diff_ids_of(o, &ids, &nids, err) < 0) {
		json_object_put(o);
		free(buf);
		return NULL;
	}
	c = get(o, "config", json_type_object);
	config_put_line(&buf, &blen, "image", id);
	for (size_t i = 0; i < nids; i++)
		config_put_line(&buf, &blen, "layer", ids[i]);
	image_ids_free(ids, nids);
	put_strings(&buf, &blen, c, "Entrypoint", "entrypoint");
	put_strings(&buf, &blen, c, "Cmd", "arg");
	put_strings(&buf, &blen, c, "Env", "env");
	put_str(&buf, &blen, c, "WorkingDir", "cwd");
	put_str(&buf, &blen, c, "User", "user");
	put_str(&buf, &blen, c, "StopSignal", "stop_signal");
	labels = get(c, "Labels", json_type_object);
	if (labels) {
		json_object_object_foreach(labels, k, v)
		{
			if (json_object_is_type(v, json_type_string)) {
				cleanup_free char *kv =
				    cr_xasprintf("%s=%s", k, json_object_get_string(v));

				config_put_line(&buf, &blen, "label", kv);
			}
		}
	}
	ports = get(c, "ExposedPorts", json_type_object);
	if (ports) {
		json_object_object_foreach(ports, k, v)
		{
			(void)v;
			config_put_line(&buf, &blen, "expose", k);
		}
	}
	put_str(&buf, &blen, o, "created", "created");
	snprintf(num, sizeof(num), "%llu", size);
	config_put_line(&buf, &blen, "size", num);
	if (manifest_hex && *manifest_hex)
		config_put_line(&buf, &blen, "manifest", manifest_hex);
	put_str(&buf, &blen, o, "architecture", "arch");
	put_str(&buf, &blen, o, "os", "os");
	json_object_put(o);
	return buf;
}

/* Undoes image_record_put's escaping of the n bytes at s (malloc'ed). */
static char *unescape(const char *s, size_t n)
{
	char *out = cr_xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			*o++ = s[i] == 'n' ? '\n' : s[i];
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

char **image_record_values(const char *record, const char *key, size_t *n)
{
	char **v = cr_xcalloc(1, sizeof(*v));
	size_t kl = strlen(key);

	*n = 0;
	for (const char *p = record; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);

		if (ll > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			v = cr_xrealloc(v, (*n + 2) * sizeof(*v));
			v[(*n)++] = unescape(p + kl + 1, ll - kl - 1);
			v[*n] = NULL;
		}
		p = nl ? nl + 1 : NULL;
	}
	return v;
}

char *image_record_value(const char *record, const char *key)
{
	size_t n;
	char **v = image_record_values(record, key, &n);
	char *first = n ? v[0] : NULL;

	for (size_t i = 1; i < n; i++)
		free(v[i]);
	free(v);
	return first;
}

int image_docker_archive_tag(const char *json, size_t len, size_t index, char *buf, size_t buflen,
			     struct cr_error *err)
{
	json_tokener *tok = json_tokener_new_ex(32);
	json_object *o, *img, *tags, *t;

	buf[0] = '\0';
	if (len > IMAGE_JSON_MAX)
		return cr_fail(err, EFBIG, "the archive's manifest.json is too large");
	if (!tok)
		return cr_fail(err, ENOMEM, "json");
	o = json_tokener_parse_ex(tok, json, (int)len);
	json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		return cr_fail(err, 0, "the archive's manifest.json is not a JSON array");
	}
	img = index < json_object_array_length(o) ? json_object_array_get_idx(o, index) : NULL;
	tags = get(img, "RepoTags", json_type_array);
	t = tags && json_object_array_length(tags) ? json_object_array_get_idx(tags, 0) : NULL;
	if (t && json_object_is_type(t, json_type_string))
		snprintf(buf, buflen, "%s", json_object_get_string(t));
	json_object_put(o);
	return 0;
}
