/* registries.c - short-name aliases and search registries from registries.conf: a TOML
 * subset reader for just those keys (the rest of the file is skopeo's to read). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/registries.h"
#include "utils.h"

#define CONF_MAX (1u << 20) /* a registries.conf larger than this is refused */
#define DEPTH_MAX 16	    /* nested arrays and inline tables */

struct lexer {
	const char *p, *end;
	int line;
	const char *file;
	struct cr_error *err;
};

/* A value: a string, an array of strings (other members skipped), or something skipped. */
struct value {
	char *str;
	char **arr;
	size_t n;
	bool is_array;
};

static void value_free(struct value *v)
{
	free(v->str);
	for (size_t i = 0; i < v->n; i++)
		free(v->arr[i]);
	free(v->arr);
	memset(v, 0, sizeof(*v));
}

static int syntax(struct lexer *l, const char *what)
{
	return cr_fail(l->err, 0, "%s: line %d: %s", l->file, l->line, what);
}

/* Skips spaces and tabs; with nl also newlines and comments. */
static void skip_ws(struct lexer *l, bool nl)
{
	while (l->p < l->end) {
		char c = *l->p;

		if (c == ' ' || c == '\t' || c == '\r') {
			l->p++;
		} else if (c == '#') {
			while (l->p < l->end && *l->p != '\n')
				l->p++;
		} else if (c == '\n' && nl) {
			l->line++;
			l->p++;
		} else {
			break;
		}
	}
}

static void put_utf8(char **o, unsigned long cp)
{
	if (cp < 0x80) {
		*(*o)++ = (char)cp;
	} else if (cp < 0x800) {
		*(*o)++ = (char)(0xc0 | (cp >> 6));
		*(*o)++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*(*o)++ = (char)(0xe0 | (cp >> 12));
		*(*o)++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*(*o)++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*(*o)++ = (char)(0xf0 | (cp >> 18));
		*(*o)++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*(*o)++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*(*o)++ = (char)(0x80 | (cp & 0x3f));
	}
}

/* A string at l->p ("basic", 'literal', or their triple-quoted multi-line forms) into a
 * malloc'ed *out; NUL bytes and escapes of them are refused. */
static int lex_string(struct lexer *l, char **out)
{
	char q = *l->p;
	bool triple = l->end - l->p >= 3 && l->p[1] == q && l->p[2] == q;
	char *buf = cr_xmalloc((size_t)(l->end - l->p) * 2 + 1), *o = buf;

	l->p += triple ? 3 : 1;
	if (triple && l->p < l->end && *l->p == '\n') {
		l->line++;
		l->p++;
	}
	for (;;) {
		char c;

		if (l->p >= l->end) {
			free(buf);
			return syntax(l, "a string is not closed");
		}
		c = *l->p;
		if (c == q && (!triple || (l->end - l->p >= 3 && l->p[1] == q && l->p[2] == q))) {
			l->p += triple ? 3 : 1;
			break;
		}
		if (c == '\0' || (c == '\n' && !triple)) {
			free(buf);
			return syntax(l, c ? "a string is not closed on its line" : "a NUL byte");
		}
		if (c == '\n')
			l->line++;
		if (c == '\\' && q == '"') {
			char e;

			if (++l->p >= l->end) {
				free(buf);
				return syntax(l, "a string ends in a backslash");
			}
			e = *l->p++;
			switch (e) {
			case 'n':
				*o++ = '\n';
				break;
			case 't':
				*o++ = '\t';
				break;
			case 'r':
				*o++ = '\r';
				break;
			case 'b':
				*o++ = '\b';
				break;
			case 'f':
				*o++ = '\f';
				break;
			case '"':
				*o++ = '"';
				break;
			case '\\':
				*o++ = '\\';
				break;
			case 'u':
			case 'U': {
				int digits = e == 'u' ? 4 : 8;
				unsigned long cp = 0;

				for (int i = 0; i < digits; i++, l->p++) {
					char h = l->p < l->end ? *l->p : 'x';
					int d = h >= '0' && h <= '9'   ? h - '0'
						: h >= 'a' && h <= 'f' ? h - 'a' + 10
						: h >= 'A' && h <= 'F' ? h - 'A' + 10
								       : -1;

					if (d < 0) {
						free(buf);
						return syntax(l, "a bad \\u escape");
					}
					cp = cp * 16 + (unsigned long)d;
				}
				if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
					free(buf);
					return syntax(l, "a \\u escape of no character");
				}
				put_utf8(&o, cp);
				break;
			}
			case '\n':
				/* A line-ending backslash in a multi-line string: trimmed. */
				if (!triple) {
					free(buf);
					return syntax(l, "a bad escape");
				}
				l->line++;
				while (l->p < l->end && strchr(" \t\r\n", *l->p)) {
					if (*l->p == '\n')
						l->line++;
					l->p++;
				}
				break;
			default:
				free(buf);
				return syntax(l, "a bad escape in a string");
			}
			continue;
		}
		*o++ = c;
		l->p++;
	}
	*o = '\0';
	*out = buf;
	return 0;
}

static int lex_value(struct lexer *l, struct value *v, int depth);

/* Skips an inline table { ... } (its contents are no key of ours). */
static int skip_inline_table(struct lexer *l, int depth)
{
	l->p++;
	for (;;) {
		skip_ws(l, true);
		if (l->p >= l->end)
			return syntax(l, "an inline table is not closed");
		if (*l->p == '}') {
			l->p++;
			return 0;
		}
		if (*l->p == '"' || *l->p == '\'') {
			char *s = NULL;

			if (lex_string(l, &s) < 0)
				return -1;
			free(s);
		} else if (*l->p == '[' || *l->p == '{') {
			struct value v = {0};

			if (lex_value(l, &v, depth + 1) < 0)
				return -1;
			value_free(&v);
		} else {
			l->p++;
		}
	}
}

static int lex_value(struct lexer *l, struct value *v, int depth)
{
	memset(v, 0, sizeof(*v));
	if (depth > DEPTH_MAX)
		return syntax(l, "values nested too deep");
	if (l->p >= l->end || *l->p == '\n')
		return syntax(l, "a key has no value");
	if (*l->p == '"' || *l->p == '\'')
		return lex_string(l, &v->str);
	if (*l->p == '{')
		return skip_inline_table(l, depth);
	if (*l->p == '[') {
		v->is_array = true;
		v->arr = cr_xcalloc(1, sizeof(*v->arr));
		l->p++;
		for (;;) {
			struct value e;

			skip_ws(l, true);
			if (l->p >= l->end) {
				value_free(v);
				return syntax(l, "an array is not closed");
			}
			if (*l->p == ']') {
				l->p++;
				return 0;
			}
			if (lex_value(l, &e, depth + 1) < 0) {
				value_free(v);
				return -1;
			}
			if (e.str) {
				v->arr = cr_xrealloc(v->arr, (v->n + 2) * sizeof(*v->arr));
				v->arr[v->n++] = e.str;
				v->arr[v->n] = NULL;
				e.str = NULL;
			}
			value_free(&e);
			skip_ws(l, true);
			if (l->p < l->end && *l->p == ',') {
				l->p++;
			} else if (l->p < l->end && *l->p != ']') {
				value_free(v);
				return syntax(l, "array members must be separated by commas");
			}
		}
	}
	/* A number, a boolean, a date: not ours, skipped. */
	{
		const char *start = l->p;

		while (l->p < l->end && !strchr("\n,]}# \t\r", *l->p))
			l->p++;
		/* A date and time may hold one space: "1979-05-27 07:32:00Z". */
		if (l->p - start == 10 && start[4] == '-' && start[7] == '-' && l->end - l->p > 1 &&
		    l->p[0] == ' ' && l->p[1] >= '0' && l->p[1] <= '9') {
			l->p++;
			while (l->p < l->end && !strchr("\n,]}# \t\r", *l->p))
				l->p++;
		}
	}
	return 0;
}

/* A key (bare, quoted, dotted) into buf. */
static int lex_key(struct lexer *l, char *buf, size_t len, char stop)
{
	size_t o = 0;

	for (;;) {
		skip_ws(l, false);
		if (l->p < l->end && (*l->p == '"' || *l->p == '\'')) {
			char *s = NULL;

			if (lex_string(l, &s) < 0)
				return -1;
			if (o + strlen(s) + 1 >= len) {
				free(s);
				return syntax(l, "a key is too long");
			}
			memcpy(buf + o, s, strlen(s));
			o += strlen(s);
			free(s);
		} else {
			size_t start = o;

			while (l->p < l->end &&
			       (strchr("_-", *l->p) || (*l->p >= 'a' && *l->p <= 'z') ||
				(*l->p >= 'A' && *l->p <= 'Z') || (*l->p >= '0' && *l->p <= '9'))) {
				if (o + 2 >= len)
					return syntax(l, "a key is too long");
				buf[o++] = *l->p++;
			}
			if (o == start)
				return syntax(l, "a key was expected");
		}
		skip_ws(l, false);
		if (l->p < l->end && *l->p == '.') {
			buf[o++] = '.';
			l->p++;
			continue;
		}
		break;
	}
	buf[o] = '\0';
	if (l->p >= l->end || *l->p != stop)
		return syntax(l,
			      stop == '=' ? "a key without '='" : "a table header is not closed");
	l->p++;
	return 0;
}

static void set_search(struct image_registries *r, struct value *v)
{
	for (size_t i = 0; i < r->nsearch; i++)
		free(r->search[i]);
	free(r->search);
	r->search = v->arr;
	r->nsearch = v->n;
	r->search_set = true;
	v->arr = NULL;
	v->n = 0;
}

static void set_alias(struct image_registries *r, const char *name, char **value)
{
	for (size_t i = 0; i < r->naliases; i++) {
		if (!strcmp(r->aliases[i].name, name)) {
			free(r->aliases[i].value);
			r->aliases[i].value = *value;
			*value = NULL;
			return;
		}
	}
	r->aliases = cr_xrealloc(r->aliases, (r->naliases + 1) * sizeof(*r->aliases));
	r->aliases[r->naliases].name = cr_xstrdup(name);
	r->aliases[r->naliases++].value = *value;
	*value = NULL;
}

int image_registries_parse(const char *text, size_t len, struct image_registries *r,
			   const char *file, struct cr_error *err)
{
	struct lexer l = {.p = text, .end = text + len, .line = 1, .file = file, .err = err};
	struct image_registries out = {0};
	char table[256] = "", key[256];
	int ret = -1;

	/* Work on a copy: on an error r keeps what it had. */
	for (size_t i = 0; i < r->nsearch; i++) {
		out.search = cr_xrealloc(out.search, (i + 2) * sizeof(*out.search));
		out.search[i] = cr_xstrdup(r->search[i]);
		out.search[i + 1] = NULL;
	}
	out.nsearch = r->nsearch;
	out.search_set = r->search_set;
	for (size_t i = 0; i < r->naliases; i++) {
		char *v = cr_xstrdup(r->aliases[i].value);

		set_alias(&out, r->aliases[i].name, &v);
	}
	for (;;) {
		struct value v;

		skip_ws(&l, true);
		if (l.p >= l.end)
			break;
		if (*l.p == '[') {
			bool array = l.end - l.p > 1 && l.p[1] == '[';

			l.p += array ? 2 : 1;
			if (lex_key(&l, table, sizeof(table), ']') < 0)
				goto out;
			if (array) {
				if (l.p >= l.end || *l.p != ']') {
					syntax(&l, "an array-of-tables header is not closed");
					goto out;
				}
				l.p++;
				/* [[registry]] and the like: skopeo's, not ours. */
				snprintf(table, sizeof(table), "[[]]");
			}
		} else {
			if (lex_key(&l, key, sizeof(key), '=') < 0)
				goto out;
			skip_ws(&l, false);
			if (lex_value(&l, &v, 0) < 0)
				goto out;
			if (((!table[0] && !strcmp(key, "unqualified-search-registries")) ||
			     (!strcmp(table, "registries.search") && !strcmp(key, "registries"))) &&
			    v.is_array)
				set_search(&out, &v);
			else if (!strcmp(table, "aliases") && v.str && !strchr(key, '.'))
				set_alias(&out, key, &v.str);
			value_free(&v);
		}
		skip_ws(&l, false);
		if (l.p < l.end && *l.p != '\n') {
			syntax(&l, "unexpected text after a value");
			goto out;
		}
	}
	image_registries_free(r);
	*r = out;
	memset(&out, 0, sizeof(out));
	ret = 0;
out:
	image_registries_free(&out);
	return ret;
}

void image_registries_free(struct image_registries *r)
{
	for (size_t i = 0; i < r->nsearch; i++)
		free(r->search[i]);
	free(r->search);
	for (size_t i = 0; i < r->naliases; i++) {
		free(r->aliases[i].name);
		free(r->aliases[i].value);
	}
	free(r->aliases);
	memset(r, 0, sizeof(*r));
}

const char *image_registries_alias(const struct image_registries *r, const char *name)
{
	for (size_t i = 0; i < r->naliases; i++) {
		if (!strcmp(r->aliases[i].name, name))
			return r->aliases[i].value;
	}
	return NULL;
}

/* Reads one file into r; a missing file is fine. */
static int load_file(struct image_registries *r, const char *path, struct cr_error *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	cleanup_free char *buf = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0
							   : cr_fail(err, errno, "open %s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return cr_fail(err, 0, "%s is not a regular file", path);
	if (st.st_size > (off_t)CONF_MAX)
		return cr_fail(err, EFBIG, "%s is larger than %u bytes", path, CONF_MAX);
	buf = cr_xmalloc((size_t)st.st_size + 1);
	n = cr_read_all(fd, buf, (size_t)st.st_size);
	if (n < 0)
		return cr_fail(err, errno, "read %s", path);
	if (image_registries_parse(buf, (size_t)n, r, path, err) < 0)
		return cr_hint(err, "fix the file (containers-registries.conf(5))");
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.conf files of dir, in name order. */
static int load_dropins(struct image_registries *r, const char *dir, struct cr_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int ret = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l < 6 || strcmp(e->d_name + l - 5, ".conf") != 0 || e->d_name[0] == '.')
			continue;
		names = cr_xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = cr_xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *path = cr_xasprintf("%s/%s", dir, names[i]);

		if (!ret && load_file(r, path, err) < 0)
			ret = -1;
		free(names[i]);
	}
	free(names);
	return ret;
}

int image_registries_load(struct image_registries *r, struct cr_error *err)
{
	const char *env = getenv("CONTAINERS_REGISTRIES_CONF");
	const char *home = getenv("HOME");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	cleanup_free char *user = NULL;
	cleanup_free char *dropins = NULL;
	const char *conf;

	memset(r, 0, sizeof(*r));
	if (xdg && xdg[0] == '/')
		user = cr_xasprintf("%s/containers/registries.conf", xdg);
	else if (home && home[0] == '/')
		user = cr_xasprintf("%s/.config/containers/registries.conf", home);
	if (env && *env)
		conf = env;
	else if (user && access(user, F_OK) == 0)
		conf = user;
	else
		conf = "/etc/containers/registries.conf";
	if (load_file(r, conf, err) < 0)
		return -1;
	/* The drop-ins of the file's own dir (the system's with the system's file, the user's
	 * with the user's); none with $CONTAINERS_REGISTRIES_CONF, which names the whole set. */
	if (env && *env)
		return 0;
	dropins = cr_xasprintf("%s.d", conf);
	return load_dropins(r, dropins, err);
}
