/* commit-json.c - the config and manifest JSON of an image made by commit or import, and
 * docker's --change instructions (a Dockerfile's CMD, ENTRYPOINT, ENV, ... applied to it). */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "image/commit-json.h"
#include "utils.h"

#define CHANGE_MAX (64 * 1024) /* one --change: as long as a Dockerfile line may sensibly be */

/* --- small json-c helpers --- */

static void json_freep(json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define cleanup_json __attribute__((cleanup(json_freep)))

/* The object member key of o, made (an empty object) when missing or not an object. */
static json_object *member_obj(json_object *o, const char *key)
{
	json_object *v;

	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_object))
		return v;
	v = json_object_new_object();
	json_object_object_add(o, key, v);
	return v;
}

/* The array member key of o, made (empty) when missing or not an array. */
static json_object *member_arr(json_object *o, const char *key)
{
	json_object *v;

	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_array))
		return v;
	v = json_object_new_array();
	json_object_object_add(o, key, v);
	return v;
}

static json_object *strv_json(const struct cr_strv *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < v->n; i++)
		json_object_array_add(a, json_object_new_string(v->v[i]));
	return a;
}

/* Parses text as a JSON object; NULL with err naming what when it is not one. */
static json_object *parse_object(const char *text, const char *what, struct cr_error *err)
{
	json_tokener *tok = json_tokener_new();
	json_object *o;
	size_t len = strlen(text);

	if (!tok) {
		cr_fail(err, ENOMEM, "json-c");
		return NULL;
	}
	o = json_tokener_parse_ex(tok, text, (int)(len > 0x7fffffff ? 0x7fffffff : len));
	enum json_tokener_error je = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || je != json_tokener_success || used != len ||
	    !json_object_is_type(o, json_type_object)) {
		if (o)
			json_object_put(o);
		cr_fail(err, 0, "%s is not a JSON object%s%s", what,
			je != json_tokener_success ? ": " : "",
			je != json_tokener_success ? json_tokener_error_desc(je) : "");
		return NULL;
	}
	return o;
}

static char *to_text(json_object *o)
{
	return cr_xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* --- the words of ENV and LABEL: quotes, escapes and $VAR as docker's shell lexer --- */

struct buf {
	char *s;
	size_t n, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = cr_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

/* The value of NAME (n bytes) in the config's Env (an array of "K=V"), or NULL. */
static const char *env_lookup(json_object *env, const char *name, size_t n)
{
	size_t len = env ? json_object_array_length(env) : 0;

	for (size_t i = 0; i < len; i++) {
		const char *kv = json_object_get_string(json_object_array_get_idx(env, i));
		if (kv && !strncmp(kv, name, n) && kv[n] == '=')
			return kv + n + 1;
	}
	return NULL;
}

/* Expands $NAME or ${NAME} at *p (on the '$') into b. */
static int expand_var(const char **p, json_object *env, struct buf *b, struct cr_error *err)
{
	const char *s = *p + 1;
	bool braced = *s == '{';
	const char *name = braced ? s + 1 : s;
	size_t n = 0;

	while (isalnum((unsigned char)name[n]) || name[n] == '_')
		n++;
	if (n == 0 && !braced) {
		buf_add(b, "$", 1);
		*p = s;
		return 0;
	}
	if (braced && name[n] != '}')
		return cr_fail(err, 0, "bad substitution ${%.*s in a --change", (int)n, name);
	const char *v = env_lookup(env, name, n);
	if (v)
		buf_add(b, v, strlen(v));
	*p = name + n + (braced ? 1 : 0);
	return 0;
}

/* One word at *p (leading blanks skipped) into a malloc'ed *out, quotes removed, escapes and
 * variables done; 0 at the end of the text (*out NULL). */
static int next_word(const char **p, json_object *env, char **out, struct cr_error *err)
{
	const char *s = *p;
	struct buf b = {0};
	char quote = 0;

	*out = NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*p = s;
		return 0;
	}
	buf_add(&b, "", 0);
	for (; *s && (quote || (*s != ' ' && *s != '\t'));) {
		if (quote == '\'' && *s != '\'') {
			buf_add(&b, s++, 1);
		} else if (*s == quote) {
			quote = 0;
			s++;
		} else if (!quote && (*s == '\'' || *s == '"')) {
			quote = *s++;
		} else if (*s == '\\' && s[1] && (!quote || strchr("\"\\$", s[1]))) {
			buf_add(&b, s + 1, 1);
			s += 2;
		} else if (*s == '$') {
			if (expand_var(&s, env, &b, err) < 0) {
				free(b.s);
				return -1;
			}
		} else {
			buf_add(&b, s++, 1);
		}
	}
	if (quote) {
		free(b.s);
		return cr_fail(err, 0, "unmatched %c quote in a --change", quote);
	}
	*p = s;
	*out = b.s;
	return 1;
}

/* --- the instructions --- */

struct change_state {
	json_object *cfg; /* the image config's "config" object */
	bool cmd_set;	  /* a CMD came in these changes: ENTRYPOINT keeps it */
};

/* CMD or ENTRYPOINT's argument: a JSON array of strings (exec form), else the shell form
 * ["/bin/sh", "-c", TEXT]. NULL for "[]". */
static json_object *command_form(const char *rest)
{
	if (*rest == '[') {
		json_object *a = json_tokener_parse(rest);
		bool ok = a && json_object_is_type(a, json_type_array);
		for (size_t i = 0; ok && i < json_object_array_length(a); i++)
			ok = json_object_is_type(json_object_array_get_idx(a, i), json_type_string);
		if (ok && json_object_array_length(a) == 0) {
			json_object_put(a);
			return NULL;
		}
		if (ok)
			return a;
		if (a)
			json_object_put(a);
	}
	json_object *sh = json_object_new_array();
	json_object_array_add(sh, json_object_new_string("/bin/sh"));
	json_object_array_add(sh, json_object_new_string("-c"));
	json_object_array_add(sh, json_object_new_string(rest));
	return sh;
}

/* Replaces or appends K=V in the Env array. */
static void env_set(json_object *cfg, const char *key, const char *value)
{
	json_object *env = member_arr(cfg, "Env");
	size_t n = strlen(key);
	char *kv = cr_xasprintf("%s=%s", key, value);

	for (size_t i = 0; i < json_object_array_length(env); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(env, i));
		if (s && !strncmp(s, key, n) && s[n] == '=') {
			json_object_array_put_idx(env, i, json_object_new_string(kv));
			free(kv);
			return;
		}
	}
	json_object_array_add(env, json_object_new_string(kv));
	free(kv);
}

/* ENV and LABEL: "K=V [K2=V2...]" or the old form "K VALUE". */
static int name_values(struct change_state *cs, const char *instr, const char *rest,
		       struct cr_error *err)
{
	json_object *env = NULL;
	bool is_env = !strcmp(instr, "ENV");
	const char *first_end = rest + strcspn(rest, " \t");
	const char *eq = memchr(rest, '=', (size_t)(first_end - rest));

	json_object_object_get_ex(cs->cfg, "Env", &env);
	if (!eq) { /* the old form: the first word is the name, the rest the value */
		cleanup_free char *key = NULL, *value = NULL;
		const char *p = rest;
		if (next_word(&p, env, &key, err) < 0)
			return -1;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return cr_fail(err, 0, "%s %s needs a value: %s NAME=VALUE", instr, key,
				       instr);
		struct buf b = {0};
		buf_add(&b, "", 0);
		for (const char *q = p; *q;) {
			cleanup_free char *w = NULL;
			if (next_word(&q, env, &w, err) < 0) {
				free(b.s);
				return -1;
			}
			if (!w)
				break;
			if (b.n)
				buf_add(&b, " ", 1);
			buf_add(&b, w, strlen(w));
		}
		value = b.s;
		if (is_env)
			env_set(cs->cfg, key, value);
		else
			json_object_object_add(member_obj(cs->cfg, "Labels"), key,
					       json_object_new_string(value));
		return 0;
	}
	for (const char *p = rest;;) {
		cleanup_free char *w = NULL;
		int r = next_word(&p, env, &w, err);
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		char *e = strchr(w, '=');
		if (!e || e == w)
			return cr_fail(err, 0, "%s %s: each word must be NAME=VALUE", instr, w);
		*e = '\0';
		if (is_env) {
			env_set(cs->cfg, w, e + 1);
			json_object_object_get_ex(cs->cfg, "Env", &env);
		} else {
			json_object_object_add(member_obj(cs->cfg, "Labels"), w,
					       json_object_new_string(e + 1));
		}
	}
}

/* EXPOSE 80 443/tcp 5000-5002/udp */
static int expose(struct change_state *cs, const char *rest, struct cr_error *err)
{
	json_object *ports = member_obj(cs->cfg, "ExposedPorts");
	char show[CR_CUT_SIZE];

	for (const char *p = rest;;) {
		cleanup_free char *w = NULL;
		int r = next_word(&p, NULL, &w, err);
		if (r <= 0)
			return r;
		char *slash = strchr(w, '/');
		const char *proto = slash ? slash + 1 : "tcp";
		if (slash)
			*slash = '\0';
		unsigned long lo, hi;
		char *dash = strchr(w, '-');
		if (dash)
			*dash = '\0';
		bool ok = cr_parse_ulong(w, &lo) && (!dash || cr_parse_ulong(dash + 1, &hi));
		if (!dash)
			hi = lo;
		if (!ok || lo == 0 || hi > 65535 || lo > hi ||
		    (strcmp(proto, "tcp") && strcmp(proto, "udp") && strcmp(proto, "sctp")))
			return cr_fail(err, 0, "EXPOSE %s: not a port (PORT[-PORT][/tcp|udp|sctp])",
				       cr_cut(rest, show, sizeof(show)));
		for (unsigned long port = lo; port <= hi; port++) {
			char key[32];
			snprintf(key, sizeof(key), "%lu/%s", port, proto);
			json_object_object_add(ports, key, json_object_new_object());
		}
	}
}

/* VOLUME ["/a", "/b"] or VOLUME /a /b */
static int volume(struct change_state *cs, const char *rest, struct cr_error *err)
{
	json_object *vols = member_obj(cs->cfg, "Volumes");
	json_object *arr = *rest == '[' ? json_tokener_parse(rest) : NULL;

	if (arr && json_object_is_type(arr, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *v = json_object_array_get_idx(arr, i);
			const char *s = json_object_get_string(v);
			if (!json_object_is_type(v, json_type_string) || !*s) {
				json_object_put(arr);
				return cr_fail(err, 0, "VOLUME: a path may not be empty");
			}
			json_object_object_add(vols, s, json_object_new_object());
		}
		json_object_put(arr);
		return 0;
	}
	if (arr)
		json_object_put(arr);
	for (const char *p = rest;;) {
		cleanup_free char *w = NULL;
		int r = next_word(&p, NULL, &w, err);
		if (r <= 0)
			return r;
		json_object_object_add(vols, w, json_object_new_object());
	}
}

/* True for a signal docker's STOPSIGNAL takes: a number 1..64 or a name (SIG optional). */
static bool valid_signal(const char *s)
{
	static const char *const names[] = {
	    "HUP",  "INT",   "QUIT", "ILL",  "TRAP", "ABRT", "IOT",   "BUS",	"FPE",
	    "KILL", "USR1",  "SEGV", "USR2", "PIPE", "ALRM", "TERM",  "STKFLT", "CHLD",
	    "CONT", "STOP",  "TSTP", "TTIN", "TTOU", "URG",  "XCPU",  "XFSZ",	"VTALRM",
	    "PROF", "WINCH", "IO",   "POLL", "PWR",  "SYS",  "RTMIN", "RTMAX"};
	unsigned long n;

	if (cr_parse_ulong(s, &n))
		return n >= 1 && n <= 64;
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t l = strlen(names[i]);
		if (strncmp(s, names[i], l))
			continue;
		if (!s[l])
			return true;
		if ((s[l] == '+' || s[l] == '-') && !strncmp(names[i], "RT", 2) &&
		    cr_parse_ulong(s + l + 1, &n) && n <= 30)
			return true;
	}
	return false;
}

/* WORKDIR: relative to the current one, cleaned. */
static void workdir(struct change_state *cs, const char *dir)
{
	json_object *cur = NULL;
	struct buf b = {0};

	json_object_object_get_ex(cs->cfg, "WorkingDir", &cur);
	const char *base = cur ? json_object_get_string(cur) : "";
	cleanup_free char *joined =
	    dir[0] == '/' ? cr_xstrdup(dir) : cr_xasprintf("%s/%s", base ? base : "", dir);
	buf_add(&b, "", 0);
	for (char *save = NULL, *c = strtok_r(joined, "/", &save); c;
	     c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			char *slash = strrchr(b.s, '/');
			b.n = slash ? (size_t)(slash - b.s) : 0;
			b.s[b.n] = '\0';
			continue;
		}
		buf_add(&b, "/", 1);
		buf_add(&b, c, strlen(c));
	}
	json_object_object_add(cs->cfg, "WorkingDir", json_object_new_string(b.n ? b.s : "/"));
	free(b.s);
}

/* One value (USER, WORKDIR, STOPSIGNAL): the words expanded and joined. */
static int one_value(struct change_state *cs, const char *instr, const char *rest, char **out,
		     struct cr_error *err)
{
	json_object *env = NULL;
	struct buf b = {0};

	json_object_object_get_ex(cs->cfg, "Env", &env);
	buf_add(&b, "", 0);
	for (const char *p = rest;;) {
		cleanup_free char *w = NULL;
		int r = next_word(&p, env, &w, err);
		if (r < 0) {
			free(b.s);
			return -1;
		}
		if (r == 0)
			break;
		if (b.n)
			buf_add(&b, " ", 1);
		buf_add(&b, w, strlen(w));
	}
	if (!b.n) {
		free(b.s);
		return cr_fail(err, 0, "%s needs a value", instr);
	}
	*out = b.s;
	return 0;
}

/* Applies one instruction line ("CMD ...") to cs. */
static int change_line(struct change_state *cs, const char *line, struct cr_error *err)
{
	char instr[16], show[CR_CUT_SIZE];
	size_t n = strcspn(line, " \t");
	const char *rest = line + n;
	cleanup_free char *value = NULL;

	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (n == 0 || n >= sizeof(instr))
		goto unknown;
	for (size_t i = 0; i < n; i++)
		instr[i] = (char)toupper((unsigned char)line[i]);
	instr[n] = '\0';
	if (!*rest && strcmp(instr, "CMD") && strcmp(instr, "ENTRYPOINT"))
		return cr_fail(err, 0, "%s needs an argument", instr);
	if (!strcmp(instr, "CMD") || !strcmp(instr, "ENTRYPOINT")) {
		if (!*rest)
			return cr_fail(err, 0, "%s needs an argument (\"%s []\" clears it)", instr,
				       instr);
		json_object *cmd = command_form(rest);
		bool is_cmd = instr[0] == 'C';
		if (cmd)
			json_object_object_add(cs->cfg, is_cmd ? "Cmd" : "Entrypoint", cmd);
		else
			json_object_object_del(cs->cfg, is_cmd ? "Cmd" : "Entrypoint");
		if (is_cmd)
			cs->cmd_set = true;
		else if (!cs->cmd_set)
			json_object_object_del(cs->cfg, "Cmd"); /* docker: a new entrypoint drops
								   the old Cmd */
		return 0;
	}
	if (!strcmp(instr, "ENV") || !strcmp(instr, "LABEL"))
		return name_values(cs, instr, rest, err);
	if (!strcmp(instr, "EXPOSE"))
		return expose(cs, rest, err);
	if (!strcmp(instr, "VOLUME"))
		return volume(cs, rest, err);
	if (!strcmp(instr, "ONBUILD")) {
		json_object_array_add(member_arr(cs->cfg, "OnBuild"), json_object_new_string(rest));
		return 0;
	}
	if (strcmp(instr, "USER") && strcmp(instr, "WORKDIR") && strcmp(instr, "STOPSIGNAL"))
		goto unknown;
	if (one_value(cs, instr, rest, &value, err) < 0)
		return -1;
	if (!strcmp(instr, "USER")) {
		json_object_object_add(cs->cfg, "User", json_object_new_string(value));
	} else if (!strcmp(instr, "WORKDIR")) {
		workdir(cs, value);
	} else {
		if (!valid_signal(value))
			return cr_fail(err, 0, "STOPSIGNAL %s: not a signal",
				       cr_cut(value, show, sizeof(show)));
		json_object_object_add(cs->cfg, "StopSignal", json_object_new_string(value));
	}
	return 0;
unknown:
	cr_fail(err, 0, "--change %s: not an instruction commit takes",
		cr_cut(line, show, sizeof(show)));
	return cr_hint(err, "use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, "
			    "VOLUME or WORKDIR");
}

/* Applies one --change (lines of instructions; blank lines and # comments skipped). */
static int change_apply(struct change_state *cs, const char *change, struct cr_error *err)
{
	if (strlen(change) > CHANGE_MAX)
		return cr_fail(err, 0, "a --change of %zu bytes: at most %d", strlen(change),
			       CHANGE_MAX);
	cleanup_free char *copy = cr_xstrdup(change);
	char *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		while (*l == ' ' || *l == '\t' || *l == '\r')
			l++;
		size_t n = strlen(l);
		while (n && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
			l[--n] = '\0';
		if (!*l || *l == '#')
			continue;
		if (change_line(cs, l, err) < 0)
			return -1;
	}
	return 0;
}

/* --- the config --- */

const char *image_machine_arch(const char **variant)
{
	static const struct {
		const char *uname, *arch, *variant;
	} map[] = {{"x86_64", "amd64", ""},    {"aarch64", "arm64", ""}, {"armv7l", "arm", "v7"},
		   {"armv6l", "arm", "v6"},    {"i686", "386", ""},	 {"i386", "386", ""},
		   {"ppc64le", "ppc64le", ""}, {"s390x", "s390x", ""},	 {"riscv64", "riscv64", ""},
		   {"mips64", "mips64", ""}};
	struct utsname u;

	if (variant)
		*variant = "";
	if (uname(&u) < 0)
		return "amd64";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!strcmp(u.machine, map[i].uname)) {
			if (variant)
				*variant = map[i].variant;
			return map[i].arch;
		}
	}
	return "amd64";
}

static void rfc3339(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The run config of the container over the config object (docker: the container's config is
 * the new image's). */
static void apply_run(json_object *cfg, const struct image_run_config *run)
{
	if (!run)
		return;
	if (run->entrypoint && run->entrypoint->n)
		json_object_object_add(cfg, "Entrypoint", strv_json(run->entrypoint));
	if (run->cmd && run->cmd->n)
		json_object_object_add(cfg, "Cmd", strv_json(run->cmd));
	for (size_t i = 0; run->env && i < run->env->n; i++) {
		const char *kv = run->env->v[i];
		const char *eq = strchr(kv, '=');
		if (!eq || eq == kv)
			continue;
		cleanup_free char *key = strndup(kv, (size_t)(eq - kv));
		if (key)
			env_set(cfg, key, eq + 1);
	}
	for (size_t i = 0; run->labels && i < run->labels->n; i++) {
		const char *kv = run->labels->v[i];
		const char *eq = strchr(kv, '=');
		cleanup_free char *key = eq ? strndup(kv, (size_t)(eq - kv)) : cr_xstrdup(kv);
		if (key && *key)
			json_object_object_add(member_obj(cfg, "Labels"), key,
					       json_object_new_string(eq ? eq + 1 : ""));
	}
	for (size_t i = 0; run->expose && i < run->expose->n; i++)
		json_object_object_add(member_obj(cfg, "ExposedPorts"), run->expose->v[i],
				       json_object_new_object());
	if (run->cwd && *run->cwd)
		json_object_object_add(cfg, "WorkingDir", json_object_new_string(run->cwd));
	if (run->user && *run->user)
		json_object_object_add(cfg, "User", json_object_new_string(run->user));
	if (run->stop_signal && *run->stop_signal)
		json_object_object_add(cfg, "StopSignal", json_object_new_string(run->stop_signal));
}

/* Docker's default PATH, for a new config whose Env has none (a directory rootfs's). */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int image_config_build(const struct image_commit_in *in, char **out, struct cr_error *err)
{
	cleanup_json json_object *root = NULL;
	char created[64];

	*out = NULL;
	if (in->parent_config) {
		root = parse_object(in->parent_config, "the parent image's config", err);
		if (!root)
			return -1;
	} else {
		const char *variant;
		root = json_object_new_object();
		json_object_object_add(root, "architecture",
				       json_object_new_string(image_machine_arch(&variant)));
		if (*variant)
			json_object_object_add(root, "variant", json_object_new_string(variant));
		json_object_object_add(root, "os", json_object_new_string("linux"));
	}
	rfc3339(in->created, created, sizeof(created));
	json_object_object_add(root, "created", json_object_new_string(created));
	if (in->author && *in->author)
		json_object_object_add(root, "author", json_object_new_string(in->author));

	struct change_state cs = {.cfg = member_obj(root, "config")};
	apply_run(cs.cfg, in->run);
	if (!in->parent_config && !env_lookup(member_arr(cs.cfg, "Env"), "PATH", 4))
		env_set(cs.cfg, "PATH", DEFAULT_PATH);
	for (size_t i = 0; i < in->nchanges; i++) {
		if (change_apply(&cs, in->changes[i], err) < 0)
			return -1;
	}

	json_object *rootfs = member_obj(root, "rootfs");
	json_object_object_add(rootfs, "type", json_object_new_string("layers"));
	json_object *ids = member_arr(rootfs, "diff_ids");
	json_object *hist = member_arr(root, "history");
	for (size_t i = 0; i < in->nlayers; i++) {
		const struct image_new_layer *l = &in->layers[i];
		char *d = cr_xasprintf("sha256:%s", l->diff_id);
		json_object_array_add(ids, json_object_new_string(d));
		free(d);
		json_object *h = json_object_new_object();
		json_object_object_add(h, "created", json_object_new_string(created));
		if (in->author && *in->author)
			json_object_object_add(h, "author", json_object_new_string(in->author));
		if (l->created_by)
			json_object_object_add(h, "created_by",
					       json_object_new_string(l->created_by));
		const char *comment =
		    i + 1 == in->nlayers && in->message ? in->message : l->comment;
		if (comment && *comment)
			json_object_object_add(h, "comment", json_object_new_string(comment));
		json_object_array_add(hist, h);
	}
	*out = to_text(root);
	return 0;
}

/* --- the manifest --- */

/* An OCI layer media type for one a parent manifest gives (docker's mapped). */
static const char *oci_layer_type(const char *mt)
{
	if (!mt)
		return IMAGE_MT_OCI_LAYER_GZIP;
	if (!strcmp(mt, "application/vnd.docker.image.rootfs.diff.tar.gzip"))
		return IMAGE_MT_OCI_LAYER_GZIP;
	if (!strcmp(mt, "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"))
		return "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
	if (!strcmp(mt, "application/vnd.docker.image.rootfs.diff.tar"))
		return "application/vnd.oci.image.layer.v1.tar";
	return mt;
}

static json_object *descriptor(const char *mt, const char *hex, unsigned long long size)
{
	json_object *d = json_object_new_object();
	char *digest = cr_xasprintf("sha256:%s", hex);

	json_object_object_add(d, "mediaType", json_object_new_string(mt));
	json_object_object_add(d, "digest", json_object_new_string(digest));
	json_object_object_add(d, "size", json_object_new_int64((int64_t)size));
	free(digest);
	return d;
}

/* The parent manifest's layers, copied into layers as OCI descriptors. */
static int parent_layers(const char *parent, json_object *layers, struct cr_error *err)
{
	cleanup_json json_object *m = parse_object(parent, "the parent image's manifest", err);
	json_object *arr;

	if (!m)
		return -1;
	if (!json_object_object_get_ex(m, "layers", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return cr_fail(err, 0, "the parent image's manifest has no layers");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *l = json_object_array_get_idx(arr, i);
		json_object *mt = NULL, *dg = NULL, *sz = NULL, *ann = NULL;
		json_object_object_get_ex(l, "mediaType", &mt);
		json_object_object_get_ex(l, "annotations", &ann);
		if (!json_object_object_get_ex(l, "digest", &dg) ||
		    !json_object_object_get_ex(l, "size", &sz) ||
		    !json_object_is_type(dg, json_type_string) ||
		    !json_object_is_type(sz, json_type_int))
			return cr_fail(err, 0, "the parent image's manifest: layer %zu is damaged",
				       i);
		json_object *d = json_object_new_object();
		json_object_object_add(
		    d, "mediaType",
		    json_object_new_string(oci_layer_type(json_object_get_string(mt))));
		json_object_object_add(d, "digest", json_object_get(dg));
		json_object_object_add(d, "size", json_object_get(sz));
		if (ann && json_object_is_type(ann, json_type_object))
			json_object_object_add(d, "annotations", json_object_get(ann));
		json_object_array_add(layers, d);
	}
	return 0;
}

int image_manifest_build(const char *parent_manifest, const char *config_hex,
			 unsigned long long config_size, const struct image_new_layer *layers,
			 size_t nlayers, char **out, struct cr_error *err)
{
	cleanup_json json_object *m = json_object_new_object();
	json_object *arr = json_object_new_array();

	*out = NULL;
	json_object_object_add(m, "schemaVersion", json_object_new_int(2));
	json_object_object_add(m, "mediaType", json_object_new_string(IMAGE_MT_OCI_MANIFEST));
	json_object_object_add(m, "config",
			       descriptor(IMAGE_MT_OCI_CONFIG, config_hex, config_size));
	json_object_object_add(m, "layers", arr);
	if (parent_manifest && parent_layers(parent_manifest, arr, err) < 0)
		return -1;
	for (size_t i = 0; i < nlayers; i++)
		json_object_array_add(
		    arr, descriptor(IMAGE_MT_OCI_LAYER_GZIP, layers[i].digest, layers[i].size));
	*out = to_text(m);
	return 0;
}

/* The string member key of o, "" when missing or not a string. */
static const char *rec_str(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

int image_manifest_type(const char *manifest, char *mt, size_t len, struct cr_error *err)
{
	cleanup_json json_object *m = parse_object(manifest, "the manifest", err);

	if (!m)
		return -1;
	snprintf(mt, len, "%s", rec_str(m, "mediaType"));
	return 0;
}
