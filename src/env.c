/* env.c - building the container's environment. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "env.h"
#include "utils.h"

static bool valid_key(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '=' || s[i] == '\0' || s[i] == ' ' || s[i] == '\t')
			return false;
	}
	return true;
}

int env_add_option(struct cr_strv *env, const char *arg, struct cr_error *err)
{
	const char *eq = strchr(arg, '=');
	const char *val;

	if (!valid_key(arg, eq ? (size_t)(eq - arg) : strlen(arg))) {
		char cut[CR_CUT_SIZE];

		cr_fail(err, 0, "invalid environment variable '%s'", cr_cut(arg, cut, sizeof(cut)));
		return cr_hint(err, "write it as KEY=VALUE");
	}
	if (eq) {
		strv_push(env, arg);
		return 0;
	}
	val = getenv(arg);
	if (val) {
		cleanup_free char *entry = cr_xasprintf("%s=%s", arg, val);
		strv_push(env, entry);
	}
	return 0;
}

int env_add_text(struct cr_strv *env, const char *text, size_t len, const char *name,
		 struct cr_error *err)
{
	const char *p = text, *end = text + len;
	int lineno = 0;

	if (memchr(text, '\0', len)) {
		cr_fail(err, 0, "--env-file %s: not a text file (it holds a NUL byte)", name);
		return cr_hint(err, "give a file of KEY=VALUE lines");
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		cleanup_free char *line = NULL;
		char *s;

		lineno++;
		line = cr_xmalloc(n + 1);
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl ? 1 : 0);
		while (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		if (env_add_option(env, s, err) < 0)
			return cr_prefix(err, "%s line %d", name, lineno);
	}
	return 0;
}

int env_add_file(struct cr_strv *env, const char *path, struct cr_error *err)
{
	/* O_NONBLOCK: a FIFO must not hang the open; O_NOCTTY: nor a terminal become ours. */
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	cleanup_free char *text = NULL;
	char cut[CR_CUT_SIZE];
	const char *name = cr_cut(path, cut, sizeof(cut));
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return cr_fail(err, errno, "--env-file %s", name);
	if (fstat(fd, &st) < 0)
		return cr_fail(err, errno, "--env-file %s", name);
	if (!S_ISREG(st.st_mode)) {
		cr_fail(err, 0, "--env-file %s: not a regular file", name);
		return cr_hint(err, "give a file of KEY=VALUE lines");
	}
	if (st.st_size > CR_ENV_FILE_MAX)
		goto too_big;
	/* One byte more than the limit: a file that grows after fstat is caught too. */
	text = cr_xmalloc((size_t)st.st_size + 2);
	n = cr_read_all(fd, text, (size_t)st.st_size + 1);
	if (n < 0)
		return cr_fail(err, errno, "--env-file %s", name);
	if (n > CR_ENV_FILE_MAX)
		goto too_big;
	return env_add_text(env, text, (size_t)n, name, err);
too_big:
	cr_fail(err, 0, "--env-file %s: larger than %d KiB", name, CR_ENV_FILE_MAX / 1024);
	return cr_hint(err, "give a smaller file of KEY=VALUE lines");
}

void env_set(struct cr_strv *env, const char *entry)
{
	size_t klen = strcspn(entry, "=");

	for (size_t i = 0; i < env->n; i++) {
		if (!strncmp(env->v[i], entry, klen) && env->v[i][klen] == '=') {
			free(env->v[i]);
			env->v[i] = cr_xstrdup(entry);
			return;
		}
	}
	strv_push(env, entry);
}

bool env_has(const struct cr_strv *env, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < env->n; i++) {
		if (!strncmp(env->v[i], key, klen) && env->v[i][klen] == '=')
			return true;
	}
	return false;
}

void env_build(const struct cr_config *cfg, const char *hostname, const char *term,
	       struct cr_strv *out)
{
	cleanup_free char *host = cr_xasprintf("HOSTNAME=%s", hostname);

	env_set(out, "PATH=" CR_DEFAULT_PATH);
	env_set(out, cfg->user_set && cfg->uid != 0 ? "HOME=/" : "HOME=/root");
	if (term) {
		cleanup_free char *t = cr_xasprintf("TERM=%s", term);
		env_set(out, t);
	}
	env_set(out, host);
	env_set(out, "container=conti-rootless");
	for (size_t i = 0; i < cfg->env.n; i++)
		env_set(out, cfg->env.v[i]);
}
