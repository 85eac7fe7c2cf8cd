/* image/ref.c - parsing and matching image references (image/ref.h). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "image/ref.h"

static const struct {
	const char *prefix;
	enum image_source src;
} transports[] = {
    {"docker://", IMAGE_SRC_REGISTRY},
    {"oci:", IMAGE_SRC_OCI},
    {"oci-archive:", IMAGE_SRC_OCI_ARCHIVE},
    {"docker-archive:", IMAGE_SRC_DOCKER_ARCHIVE},
};

enum image_source image_source_of(const char *arg, const char **rest)
{
	struct stat st;

	*rest = arg;
	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
		size_t n = strlen(transports[i].prefix);

		if (!strncmp(arg, transports[i].prefix, n)) {
			*rest = arg + n;
			return transports[i].src;
		}
	}
	if (arg[0] == '/' || arg[0] == '.' || (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)))
		return IMAGE_SRC_DIR;
	return IMAGE_SRC_REGISTRY;
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

/* One PATH component, s[0..n): alnum runs joined by '.', '_', '__' or one or more '-'. */
static bool valid_component(const char *s, size_t n)
{
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i < n; i++) {
		if (is_lower_alnum(s[i]) || s[i] == '-')
			continue;
		if (s[i] == '.' && is_lower_alnum(s[i + 1]))
			continue;
		if (s[i] == '_' && (is_lower_alnum(s[i + 1]) ||
				    (s[i + 1] == '_' && is_lower_alnum(s[i + 2]) && i++)))
			continue;
		return false;
	}
	return true;
}

static bool valid_path(const char *s)
{
	for (const char *c = s;; c = strchr(c, '/') + 1) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);

		if (!valid_component(c, n))
			return false;
		if (!end)
			return true;
	}
}

static bool valid_domain(const char *s, size_t n)
{
	if (n == 0 || n > IMAGE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
			return false;
	}
	return s[0] != '-' && s[0] != '.' && s[0] != ':';
}

static bool valid_tag(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > IMAGE_TAG_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* Splits "@sha256:HEX" off the end of name (in place) into r->digest. */
static int take_digest(char *name, struct image_ref *r, const char *s, struct cr_error *err)
{
	char *at = strchr(name, '@');
	char cut[CR_CUT_SIZE];

	if (!at)
		return 0;
	*at = '\0';
	if (strncmp(at + 1, "sha256:", 7) || strlen(at + 8) != IMAGE_DIGEST_HEX ||
	    !is_hex(at + 8, IMAGE_DIGEST_HEX)) {
		cr_fail(err, 0, "image %s: the digest is not sha256: and 64 lowercase hex digits",
			cr_cut(s, cut, sizeof(cut)));
		return cr_hint(err, "write NAME@sha256:HEX, as `images --digests` shows it");
	}
	memcpy(r->digest, at + 8, IMAGE_DIGEST_HEX + 1);
	return 0;
}

/* Splits ":TAG" off the last component of name (in place) into r->tag. */
static int take_tag(char *name, struct image_ref *r, const char *s, struct cr_error *err)
{
	char *slash = strrchr(name, '/');
	char *colon = strrchr(slash ? slash : name, ':');
	char cut[CR_CUT_SIZE];

	if (!colon)
		return 0;
	*colon = '\0';
	if (!valid_tag(colon + 1)) {
		cr_fail(err, 0, "image %s: the tag %s is not valid", cr_cut(s, cut, sizeof(cut)),
			colon + 1);
		return cr_hint(err, "a tag is up to 128 of A-Z a-z 0-9 _ . - and does not start "
				    "with . or -");
	}
	snprintf(r->tag, sizeof(r->tag), "%s", colon + 1);
	return 0;
}

int image_ref_parse(const char *s, struct image_ref *r, struct cr_error *err)
{
	char name[2 * IMAGE_NAME_MAX + IMAGE_TAG_MAX + 80];
	char cut[CR_CUT_SIZE];
	char *slash;

	memset(r, 0, sizeof(*r));
	if (!*s || strlen(s) >= sizeof(name)) {
		cr_fail(err, 0, "image name %s is %s", cr_cut(s, cut, sizeof(cut)),
			*s ? "too long" : "empty");
		return cr_hint(err, "name an image as REGISTRY/NAME:TAG, e.g. docker.io/library/"
				    "debian:12, or a directory as ./DIR");
	}
	snprintf(name, sizeof(name), "%s", s);
	if (take_digest(name, r, s, err) < 0 || take_tag(name, r, s, err) < 0)
		return -1;
	slash = strchr(name, '/');
	if (slash && (memchr(name, '.', (size_t)(slash - name)) ||
		      memchr(name, ':', (size_t)(slash - name)) || !strncmp(name, "localhost/", 10))) {
		if (!valid_domain(name, (size_t)(slash - name)))
			goto bad;
		*slash = '\0';
		snprintf(r->domain, sizeof(r->domain), "%s", name);
		memmove(name, slash + 1, strlen(slash + 1) + 1);
	}
	if (strlen(name) + strlen(r->domain) + 1 > IMAGE_NAME_MAX || !valid_path(name))
		goto bad;
	if (!strcmp(r->domain, "docker.io") && !strchr(name, '/'))
		snprintf(r->path, sizeof(r->path), "library/%s", name);
	else
		snprintf(r->path, sizeof(r->path), "%s", name);
	if (!r->tag[0] && !r->digest[0])
		snprintf(r->tag, sizeof(r->tag), "latest");
	return 0;
bad:
	cr_fail(err, 0, "image name %s is not valid", cr_cut(s, cut, sizeof(cut)));
	return cr_hint(err, "names are lowercase [a-z0-9] parts joined by . _ - and /, as "
			    "REGISTRY/NAME:TAG; a directory is named ./DIR or /DIR");
}

bool image_ref_is_short(const struct image_ref *r)
{
	return r->domain[0] == '\0';
}

size_t image_ref_format(const struct image_ref *r, char *buf, size_t len)
{
	int n;

	if (r->digest[0])
		n = snprintf(buf, len, "%s%s%s@sha256:%s", r->domain, r->domain[0] ? "/" : "",
			     r->path, r->digest);
	else
		n = snprintf(buf, len, "%s%s%s:%s", r->domain, r->domain[0] ? "/" : "", r->path,
			     r->tag);
	if (n < 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

bool image_ref_matches(const struct image_ref *want, const char *stored)
{
	struct image_ref have;
	struct cr_error ignored;

	if (image_ref_parse(stored, &have, &ignored) < 0 || image_ref_is_short(&have))
		return false;
	if (want->digest[0] ? strcmp(want->digest, have.digest) != 0
			    : (have.digest[0] || strcmp(want->tag, have.tag) != 0))
		return false;
	if (!image_ref_is_short(want))
		return !strcmp(want->domain, have.domain) && !strcmp(want->path, have.path);
	return !strcmp(want->path, have.path) ||
	       (!strncmp(have.path, "library/", 8) && !strcmp(want->path, have.path + 8));
}

bool image_is_id_prefix(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= IMAGE_DIGEST_HEX && is_hex(s, n);
}
