/* env.c - building the container's environment. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		cr_fail(err, 0, "invalid environment variable '%s'", arg);
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

int env_add_file(struct cr_strv *env, const char *path, struct cr_error *err)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = 0, lineno = 0;

	if (!f)
		return cr_fail(err, errno, "--env-file %s", path);
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *s = line;

		lineno++;
		while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
			s[--n] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		if (env_add_option(env, s, err) < 0) {
			cr_prefix(err, "%s line %d", path, lineno);
			ret = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
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
