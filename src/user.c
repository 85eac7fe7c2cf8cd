/* user.c - -u NAME[:GROUP] resolved in the container's passwd and group files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts.h"
#include "user.h"
#include "utils.h"

#define NAME_MAX_LEN 32
#define FIELDS_MAX 7

/* A decimal id below (id_t)-1, nothing else (no sign, no space, no hex). */
static bool parse_id(const char *s, size_t n, unsigned long *out)
{
	unsigned long v = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v >= 0xffffffffUL)
		return false;
	*out = v;
	return true;
}

/* A name: not all digits (that is an id), not starting with '-'. */
static bool name_valid(const char *s, size_t n)
{
	if (n == 0 || n > NAME_MAX_LEN || s[0] == '-' || strspn(s, "0123456789") >= n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-' || (c == '$' && i == n - 1)))
			return false;
	}
	return true;
}

bool user_spec_valid(const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t un = colon ? (size_t)(colon - spec) : strlen(spec);
	unsigned long id = 0;

	if (!parse_id(spec, un, &id) && !name_valid(spec, un))
		return false;
	if (!colon)
		return true;
	return parse_id(colon + 1, strlen(colon + 1), &id) ||
	       name_valid(colon + 1, strlen(colon + 1));
}

/* Splits one line (not NUL-terminated, len bytes) at ':' into at most FIELDS_MAX fields;
 * returns how many. */
static size_t split(const char *line, size_t len, const char *f[], size_t fl[])
{
	size_t n = 0, start = 0;

	for (size_t i = 0; i <= len && n < FIELDS_MAX; i++) {
		if (i == len || line[i] == ':') {
			f[n] = line + start;
			fl[n++] = i - start;
			start = i + 1;
		}
	}
	return n;
}

static bool field_is(const char *f, size_t fl, const char *s, size_t sl)
{
	return fl == sl && !memcmp(f, s, sl);
}

/* Calls fn on each line of text (NULL: none) split into fields, until fn returns true. */
typedef bool (*line_fn)(const char *f[], const size_t fl[], size_t n, void *arg);

static void each_line(const char *text, line_fn fn, void *arg)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *f[FIELDS_MAX];
		size_t fl[FIELDS_MAX];
		size_t n = split(p, len, f, fl);

		if (fn(f, fl, n, arg))
			return;
		p = nl ? nl + 1 : NULL;
	}
}

struct pw_query {
	const char *name; /* by name, or */
	size_t nlen;
	unsigned long uid; /* by uid when name is NULL */
	bool found;
	unsigned long pw_uid, pw_gid;
	char pw_name[NAME_MAX_LEN + 1];
	char home[CR_USER_HOME_MAX];
};

static bool match_passwd(const char *f[], const size_t fl[], size_t n, void *arg)
{
	struct pw_query *q = arg;
	unsigned long uid, gid;

	if (n < 6 || !parse_id(f[2], fl[2], &uid) || !parse_id(f[3], fl[3], &gid) ||
	    !name_valid(f[0], fl[0]))
		return false; /* junk, a comment, a NIS "+" line: skipped */
	if (q->name ? !field_is(f[0], fl[0], q->name, q->nlen) : uid != q->uid)
		return false;
	q->found = true;
	q->pw_uid = uid;
	q->pw_gid = gid;
	memcpy(q->pw_name, f[0], fl[0]);
	q->pw_name[fl[0]] = '\0';
	if (fl[5] > 0 && fl[5] < sizeof(q->home) && f[5][0] == '/' && !memchr(f[5], '\0', fl[5])) {
		memcpy(q->home, f[5], fl[5]);
		q->home[fl[5]] = '\0';
	}
	return true;
}

struct gr_query {
	const char *name; /* the group to find, or */
	size_t nlen;
	bool found;
	unsigned long gid;
	const char *member; /* the user whose groups to collect */
	struct cr_user *out;
};

static bool lists_member(const char *list, size_t len, const char *name)
{
	size_t nl = strlen(name);

	for (size_t start = 0, i = 0; i <= len; i++) {
		if (i == len || list[i] == ',') {
			if (field_is(list + start, i - start, name, nl))
				return true;
			start = i + 1;
		}
	}
	return false;
}

static bool match_group(const char *f[], const size_t fl[], size_t n, void *arg)
{
	struct gr_query *q = arg;
	unsigned long gid;

	if (n < 3 || !parse_id(f[2], fl[2], &gid) || !name_valid(f[0], fl[0]))
		return false;
	if (q->name) {
		if (!field_is(f[0], fl[0], q->name, q->nlen))
			return false;
		q->found = true;
		q->gid = gid;
		return true;
	}
	if (n >= 4 && lists_member(f[3], fl[3], q->member)) {
		for (size_t i = 0; i < q->out->ngroups; i++) {
			if (q->out->groups[i] == (gid_t)gid)
				return false;
		}
		q->out->groups[q->out->ngroups++] = (gid_t)gid;
	}
	return q->out->ngroups == CR_USER_GROUPS_MAX;
}

static int unknown(struct cr_error *err, const char *what, const char *name, size_t len,
		   const char *file)
{
	cr_fail(err, 0, "unable to find %s %.*s: no matching entries in %s file", what, (int)len,
		name, file);
	err->status = CR_EXIT_CANNOT_EXEC;
	return cr_hint(err, "give a numeric id, or add the entry to the rootfs's /etc/%s", file);
}

int user_resolve(const char *spec, const char *passwd, const char *group, struct cr_user *out,
		 struct cr_error *err)
{
	const char *colon = strchr(spec, ':');
	size_t un = colon ? (size_t)(colon - spec) : strlen(spec);
	struct pw_query pw = {0};
	struct gr_query gr = {0};
	unsigned long id = 0;

	memset(out, 0, sizeof(*out));
	if (!user_spec_valid(spec)) {
		char cut[CR_CUT_SIZE];

		cr_fail(err, 0, "invalid --user '%s'", cr_cut(spec, cut, sizeof(cut)));
		return cr_hint(err, "give USER[:GROUP], each a name or a number");
	}
	if (parse_id(spec, un, &id)) {
		pw.uid = id;
	} else {
		pw.name = spec;
		pw.nlen = un;
	}
	each_line(passwd, match_passwd, &pw);
	if (!pw.found && pw.name)
		return unknown(err, "user", spec, un, "passwd");
	out->uid = (uid_t)(pw.found ? pw.pw_uid : id);
	out->gid = (gid_t)(pw.found ? pw.pw_gid : 0);
	snprintf(out->home, sizeof(out->home), "%s", pw.home[0] ? pw.home : "/");
	if (colon) {
		const char *g = colon + 1;

		if (parse_id(g, strlen(g), &id)) {
			out->gid = (gid_t)id;
			return 0;
		}
		gr.name = g;
		gr.nlen = strlen(g);
		each_line(group, match_group, &gr);
		if (!gr.found)
			return unknown(err, "group", g, gr.nlen, "group");
		out->gid = (gid_t)gr.gid;
		return 0; /* an explicit group: no supplementary ones (runc's rule) */
	}
	if (pw.found) {
		gr.member = pw.pw_name;
		gr.out = out;
		each_line(group, match_group, &gr);
	}
	return 0;
}

int user_read_in_root(int root_fd, const char *file, char **text, struct cr_error *err)
{
	cleanup_close int fd = -1;
	struct stat st;
	ssize_t n;

	*text = NULL;
	fd = mounts_open_in_root(root_fd, file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, err);
	if (fd < 0)
		return err->errnum == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0)
		return cr_fail(err, errno, "stat %s in the container", file);
	if (!S_ISREG(st.st_mode) || st.st_size > CR_USER_FILE_MAX) {
		cr_fail(err, 0, "%s in the container is not a regular file of at most %d MiB", file,
			CR_USER_FILE_MAX >> 20);
		return cr_hint(err, "give a numeric -u UID:GID, or fix the rootfs's %s", file);
	}
	*text = cr_xmalloc((size_t)st.st_size + 1);
	n = cr_read_all(fd, *text, (size_t)st.st_size);
	if (n < 0) {
		free(*text);
		*text = NULL;
		return cr_fail(err, errno, "read %s in the container", file);
	}
	for (ssize_t i = 0; i < n; i++) {
		if ((*text)[i] == '\0')
			(*text)[i] = '\n';
	}
	(*text)[n] = '\0';
	return 0;
}

int user_resolve_in_root(const char *spec, struct cr_user *out, struct cr_error *err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_free char *passwd = NULL;
	cleanup_free char *group = NULL;

	if (root < 0)
		return cr_fail(err, errno, "open the container's root");
	if (user_read_in_root(root, "/etc/passwd", &passwd, err) < 0 ||
	    user_read_in_root(root, "/etc/group", &group, err) < 0)
		return -1;
	return user_resolve(spec, passwd, group, out, err);
}

void user_name_of(const char *passwd, unsigned long uid, char *buf, size_t len)
{
	struct pw_query q = {.uid = uid};

	each_line(passwd, match_passwd, &q);
	if (q.found && strlen(q.pw_name) < len)
		snprintf(buf, len, "%s", q.pw_name);
	else
		snprintf(buf, len, "%lu", uid);
}
