/* spec.c - a bundle's config.json (OCI runtime spec 1.x) read with json-c into struct oci_spec:
 * the container configuration (struct cr_config) the plan, mounts.c and security.c carry
 * out, plus what only the runtime uses. Unknown properties are ignored, as the spec says;
 * a property this runtime knows and does not support is refused with one line naming it. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/caps.h"
#include "cgroup/limits.h"
#include "oci/hooks.h"
#include "oci/seccomp.h"
#include "oci/spec.h"
#include "utils.h"

/* --- typed access: a member of the wrong type is refused naming its path; null = absent --- */

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v; /* NULL when the value is JSON null */
}

static int bad_type(const char *path, const char *want, struct cr_error *err)
{
	return cr_fail(err, 0, "config.json: %s is not %s", path, want);
}

/* A string with no NUL byte; the path names it in messages. */
static int as_string(json_object *v, const char *path, const char **out, struct cr_error *err)
{
	if (!json_object_is_type(v, json_type_string))
		return bad_type(path, "a string", err);
	*out = json_object_get_string(v);
	if (strlen(*out) != (size_t)json_object_get_string_len(v))
		return cr_fail(err, 0, "config.json: %s holds a NUL byte", path);
	return 0;
}

/* Gets o.key as a string (NULL when absent). */
static int get_string(json_object *o, const char *key, const char *path, const char **out,
		      struct cr_error *err)
{
	json_object *v = member(o, key);

	*out = NULL;
	return v ? as_string(v, path, out, err) : 0;
}

static int get_bool(json_object *o, const char *key, const char *path, bool *out,
		    struct cr_error *err)
{
	json_object *v = member(o, key);

	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return bad_type(path, "true or false", err);
	*out = json_object_get_boolean(v);
	return 0;
}

/* An integer in [min, max] (a JSON number with no fraction); as uint64 when unsigned. */
static int as_int(json_object *v, const char *path, int64_t min, int64_t max, int64_t *out,
		  struct cr_error *err)
{
	if (!json_object_is_type(v, json_type_int))
		return bad_type(path, "an integer", err);
	*out = json_object_get_int64(v);
	if (*out == INT64_MAX && json_object_get_uint64(v) > (uint64_t)INT64_MAX)
		return cr_fail(err, 0, "config.json: %s is out of range", path);
	if (*out < min || *out > max)
		return cr_fail(err, 0, "config.json: %s is out of range (%lld to %lld)", path,
			       (long long)min, (long long)max);
	return 0;
}

static int as_uint64(json_object *v, const char *path, uint64_t *out, struct cr_error *err)
{
	if (!json_object_is_type(v, json_type_int))
		return bad_type(path, "an integer", err);
	if (json_object_get_int64(v) < 0)
		return cr_fail(err, 0, "config.json: %s is negative", path);
	*out = json_object_get_uint64(v);
	return 0;
}

static int get_u32(json_object *o, const char *key, const char *path, uint32_t *out, bool *set,
		   struct cr_error *err)
{
	json_object *v = member(o, key);
	int64_t n;

	if (set)
		*set = v != NULL;
	if (!v)
		return 0;
	if (as_int(v, path, 0, UINT32_MAX, &n, err) < 0)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

static int need_object(json_object *v, const char *path, struct cr_error *err)
{
	return json_object_is_type(v, json_type_object) ? 0 : bad_type(path, "an object", err);
}

static int need_array(json_object *v, const char *path, struct cr_error *err)
{
	return json_object_is_type(v, json_type_array) ? 0 : bad_type(path, "an array", err);
}

/* Fills v (emptied first) from an array of strings; the path names each entry. */
static int get_strv(json_object *o, const char *key, const char *path, struct cr_strv *out,
		    bool *set, struct cr_error *err)
{
	json_object *a = member(o, key);
	char where[128];

	if (set)
		*set = a != NULL;
	if (!a)
		return 0;
	if (need_array(a, path, err) < 0)
		return -1;
	strv_free(out);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *s;

		snprintf(where, sizeof(where), "%s[%zu]", path, i);
		if (as_string(json_object_array_get_idx(a, i), where, &s, err) < 0)
			return -1;
		strv_push(out, s);
	}
	return 0;
}

/* A property this runtime knows and does not carry out: refused when given (not null, and
 * not an empty string, array or object). */
static bool given(json_object *v)
{
	if (!v)
		return false;
	switch (json_object_get_type(v)) {
	case json_type_string:
		return json_object_get_string_len(v) > 0;
	case json_type_array:
		return json_object_array_length(v) > 0;
	case json_type_object:
		return json_object_object_length(v) > 0;
	default:
		return true;
	}
}

static int refuse_given(json_object *o, const char *key, const char *path, const char *why,
			struct cr_error *err)
{
	if (!given(member(o, key)))
		return 0;
	cr_fail(err, 0, "config.json: %s is not supported: %s", path, why);
	return cr_hint(err, "remove %s from the bundle's config.json", path);
}

/* --- process --- */

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static int parse_rlimit(json_object *r, size_t i, struct cr_config *cfg, struct cr_error *err)
{
	char path[96];
	const char *type;
	uint64_t soft, hard;
	size_t k;

	snprintf(path, sizeof(path), "process.rlimits[%zu]", i);
	if (need_object(r, path, err) < 0 ||
	    get_string(r, "type", "process.rlimits[].type", &type, err) < 0)
		return -1;
	if (!type)
		return cr_fail(err, 0, "config.json: %s has no type", path);
	for (k = 0; k < sizeof(rlimit_names) / sizeof(rlimit_names[0]); k++) {
		if (!strcmp(rlimit_names[k].name, type))
			break;
	}
	if (k == sizeof(rlimit_names) / sizeof(rlimit_names[0])) {
		char cut[CR_CUT_SIZE];

		return cr_fail(err, 0, "config.json: %s: unknown rlimit type \"%s\"", path,
			       cr_cut(type, cut, sizeof(cut)));
	}
	for (size_t j = 0; j < cfg->nrlimits; j++) {
		if (cfg->rlimits[j].resource == rlimit_names[k].resource)
			return cr_fail(err, 0, "config.json: process.rlimits: %s given twice",
				       type);
	}
	if (!member(r, "soft") || !member(r, "hard"))
		return cr_fail(err, 0, "config.json: %s (%s) needs soft and hard", path, type);
	if (as_uint64(member(r, "soft"), "process.rlimits[].soft", &soft, err) < 0 ||
	    as_uint64(member(r, "hard"), "process.rlimits[].hard", &hard, err) < 0)
		return -1;
	if (soft > hard)
		return cr_fail(err, 0, "config.json: %s (%s): soft %llu is above hard %llu", path,
			       type, (unsigned long long)soft, (unsigned long long)hard);
	cfg->rlimits = cr_xrealloc(cfg->rlimits, (cfg->nrlimits + 1) * sizeof(*cfg->rlimits));
	cfg->rlimits[cfg->nrlimits++] = (struct cr_rlimit){rlimit_names[k].resource, soft, hard};
	return 0;
}

static int parse_rlimits(json_object *p, struct cr_config *cfg, struct cr_error *err)
{
	json_object *a = member(p, "rlimits");

	if (!a)
		return 0;
	if (need_array(a, "process.rlimits", err) < 0)
		return -1;
	free(cfg->rlimits);
	cfg->rlimits = NULL;
	cfg->nrlimits = 0;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		if (parse_rlimit(json_object_array_get_idx(a, i), i, cfg, err) < 0)
			return -1;
	}
	return 0;
}

static int parse_user(json_object *p, struct cr_config *cfg, struct cr_error *err)
{
	json_object *u = member(p, "user"), *gids;
	uint32_t umask_v = 0;
	bool set;

	if (!u)
		return 0;
	if (need_object(u, "process.user", err) < 0)
		return -1;
	if (get_u32(u, "uid", "process.user.uid", &cfg->uid, NULL, err) < 0 ||
	    get_u32(u, "gid", "process.user.gid", &cfg->gid, NULL, err) < 0 ||
	    get_u32(u, "umask", "process.user.umask", &umask_v, &set, err) < 0)
		return -1;
	if (set && umask_v > 0777)
		return cr_fail(err, 0, "config.json: process.user.umask %o is above 0777", umask_v);
	if (set)
		cfg->umask = (int)umask_v;
	cfg->user_set = true;
	if (refuse_given(u, "username", "process.user.username", "it is for Windows", err) < 0)
		return -1;
	gids = member(u, "additionalGids");
	if (!gids)
		return 0;
	if (need_array(gids, "process.user.additionalGids", err) < 0)
		return -1;
	if (json_object_array_length(gids) > 65536)
		return cr_fail(err, 0,
			       "config.json: process.user.additionalGids has more than "
			       "65536 groups");
	free(cfg->additional_gids);
	cfg->nadditional_gids = json_object_array_length(gids);
	cfg->additional_gids = cr_xcalloc(cfg->nadditional_gids + 1, sizeof(gid_t));
	for (size_t i = 0; i < cfg->nadditional_gids; i++) {
		int64_t g;

		if (as_int(json_object_array_get_idx(gids, i), "process.user.additionalGids[]", 0,
			   UINT32_MAX, &g, err) < 0)
			return -1;
		cfg->additional_gids[i] = (gid_t)g;
	}
	return 0;
}

static int check_env(const struct cr_strv *env, struct cr_error *err)
{
	for (size_t i = 0; i < env->n; i++) {
		const char *eq = strchr(env->v[i], '=');

		if (!eq || eq == env->v[i]) {
			char cut[CR_CUT_SIZE];

			cr_fail(err, 0, "config.json: process.env[%zu] \"%s\" is not KEY=VALUE", i,
				cr_cut(env->v[i], cut, sizeof(cut)));
			return cr_hint(err, "write each entry as KEY=VALUE");
		}
	}
	return 0;
}

/* process.capabilities through libcap (oci/caps.h): none at all is five empty sets, as runc
 * 1.1.5 starts from an empty set. */
static int parse_caps(json_object *p, struct cr_security *sec, struct cr_error *err)
{
	if (oci_caps_parse(member(p, "capabilities"), sec, err) < 0)
		return cr_prefix(err, "config.json");
	return 0;
}

static int parse_console(json_object *p, struct oci_spec *s, struct cr_error *err)
{
	json_object *c = member(p, "consoleSize");
	uint32_t h = 0, w = 0;

	if (!c)
		return 0;
	if (need_object(c, "process.consoleSize", err) < 0 ||
	    get_u32(c, "height", "process.consoleSize.height", &h, NULL, err) < 0 ||
	    get_u32(c, "width", "process.consoleSize.width", &w, NULL, err) < 0)
		return -1;
	if (h > USHRT_MAX || w > USHRT_MAX)
		return cr_fail(err, 0, "config.json: process.consoleSize is above 65535");
	s->console_rows = (unsigned short)h;
	s->console_cols = (unsigned short)w;
	return 0;
}

static int parse_process_refusals(json_object *p, struct cr_error *err)
{
	static const struct {
		const char *key, *path, *why;
	} no[] = {
	    {"apparmorProfile", "process.apparmorProfile", "AppArmor is not enabled here"},
	    {"selinuxLabel", "process.selinuxLabel", "SELinux is not enabled here"},
	    {"commandLine", "process.commandLine", "it is for Windows"},
	    {"ioPriority", "process.ioPriority", "I/O priorities are not set by this runtime"},
	    {"scheduler", "process.scheduler", "scheduling policies are not set by this runtime"},
	    {"execCPUAffinity", "process.execCPUAffinity",
	     "CPU affinity is not set by this runtime"},
	};

	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (refuse_given(p, no[i].key, no[i].path, no[i].why, err) < 0)
			return -1;
	}
	return 0;
}

int oci_spec_parse_process(struct json_object *p, struct oci_spec *s, struct cr_error *err)
{
	struct cr_config *cfg = &s->cfg;
	const char *cwd;
	json_object *v;
	bool set;

	if (need_object(p, "process", err) < 0 || parse_process_refusals(p, err) < 0)
		return -1;
	if (get_bool(p, "terminal", "process.terminal", &s->terminal, err) < 0 ||
	    parse_console(p, s, err) < 0 || parse_user(p, cfg, err) < 0 ||
	    get_strv(p, "args", "process.args", &cfg->args, NULL, err) < 0 ||
	    get_strv(p, "env", "process.env", &cfg->env, NULL, err) < 0 ||
	    check_env(&cfg->env, err) < 0 || get_string(p, "cwd", "process.cwd", &cwd, err) < 0 ||
	    parse_rlimits(p, cfg, err) < 0 ||
	    get_bool(p, "noNewPrivileges", "process.noNewPrivileges", &cfg->sec.no_new_privs, err) <
		0 ||
	    parse_caps(p, &cfg->sec, err) < 0)
		return -1;
	cfg->tty = s->terminal ? 1 : 0;
	if (cfg->args.n && !*cfg->args.v[0])
		return cr_fail(err, 0, "config.json: process.args[0] is empty");
	if (cwd) {
		if (cwd[0] != '/')
			return cr_fail(err, 0,
				       "config.json: process.cwd \"%.200s\" is not absolute", cwd);
		free(cfg->cwd);
		cfg->cwd = cr_xstrdup(cwd);
	}
	v = member(p, "oomScoreAdj");
	set = v != NULL;
	if (set) {
		int64_t n;

		if (as_int(v, "process.oomScoreAdj", -1000, 1000, &n, err) < 0)
			return -1;
		cfg->oom_score_adj_set = true;
		cfg->oom_score_adj = (int)n;
	}
	return 0;
}

/* --- mounts --- */

static const struct {
	const char *name;
	unsigned long set, clear;
} mount_flags[] = {
    {"async", 0, MS_SYNCHRONOUS},
    {"atime", 0, MS_NOATIME},
    {"bind", MS_BIND, 0},
    {"defaults", 0, 0},
    {"dev", 0, MS_NODEV},
    {"diratime", 0, MS_NODIRATIME},
    {"dirsync", MS_DIRSYNC, 0},
    {"exec", 0, MS_NOEXEC},
    {"iversion", MS_I_VERSION, 0},
    {"lazytime", MS_LAZYTIME, 0},
    {"loud", 0, MS_SILENT},
    {"mand", MS_MANDLOCK, 0},
    {"noatime", MS_NOATIME, 0},
    {"nodev", MS_NODEV, 0},
    {"nodiratime", MS_NODIRATIME, 0},
    {"noexec", MS_NOEXEC, 0},
    {"noiversion", 0, MS_I_VERSION},
    {"nolazytime", 0, MS_LAZYTIME},
    {"nomand", 0, MS_MANDLOCK},
    {"norelatime", 0, MS_RELATIME},
    {"nostrictatime", 0, MS_STRICTATIME},
    {"nosuid", MS_NOSUID, 0},
    {"rbind", MS_BIND | MS_REC, 0},
    {"relatime", MS_RELATIME, 0},
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"silent", MS_SILENT, 0},
    {"strictatime", MS_STRICTATIME, 0},
    {"suid", 0, MS_NOSUID},
    {"sync", MS_SYNCHRONOUS, 0},
};

static const struct {
	const char *name;
	unsigned long flags;
} propagations[] = {
    {"private", MS_PRIVATE},	   {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},	   {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},	   {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

static unsigned long propagation_of(const char *name)
{
	for (size_t i = 0; i < sizeof(propagations) / sizeof(propagations[0]); i++) {
		if (!strcmp(propagations[i].name, name))
			return propagations[i].flags;
	}
	return 0;
}

/* Options no mount(2) flag or data carries here: runc's recursive mount_setattr flags,
 * id-mapped mounts and tmpfs copy-up. */
static bool unsupported_option(const char *o)
{
	static const char *const no[] = {"tmpcopyup", "idmap", "ridmap"};

	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (!strcmp(o, no[i]))
			return true;
	}
	/* rro, rrw, rnosuid, rnoexec, ratime...: "r" and a flag name (not rbind, rprivate...) */
	if (o[0] == 'r' && strcmp(o, "rbind") && !propagation_of(o)) {
		for (size_t i = 0; i < sizeof(mount_flags) / sizeof(mount_flags[0]); i++) {
			if (!strcmp(o + 1, mount_flags[i].name))
				return true;
		}
	}
	return false;
}

/* Splits one option into m's flags, clear_flags, propagation or data. */
static int mount_option(struct cr_mount *m, const char *o, size_t i, struct cr_error *err)
{
	char cut[CR_CUT_SIZE];

	if (unsupported_option(o)) {
		cr_fail(err, 0, "config.json: mounts[%zu] (%s): option \"%s\" is not supported", i,
			cr_cut(m->dst, cut, sizeof(cut)), o);
		return cr_hint(err, "drop it from the mount's options");
	}
	if (propagation_of(o)) {
		m->propagation = propagation_of(o);
		return 0;
	}
	for (size_t k = 0; k < sizeof(mount_flags) / sizeof(mount_flags[0]); k++) {
		if (!strcmp(mount_flags[k].name, o)) {
			m->flags = (m->flags & ~mount_flags[k].clear) | mount_flags[k].set;
			m->clear_flags =
			    (m->clear_flags & ~mount_flags[k].set) | mount_flags[k].clear;
			return 0;
		}
	}
	if (!*o)
		return 0;
	if (strchr(o, ',') && strcmp(m->fstype, "bind"))
		return cr_fail(err, 0, "config.json: mounts[%zu] option \"%s\" holds a comma", i,
			       cr_cut(o, cut, sizeof(cut)));
	if (!strcmp(m->fstype, "bind")) /* data means nothing to a bind: runc drops it too */
		return 0;
	if (*m->data) {
		char *d = cr_xasprintf("%s,%s", m->data, o);

		free(m->data);
		m->data = d;
	} else {
		free(m->data);
		m->data = cr_xstrdup(o);
	}
	return 0;
}

static int parse_mount(json_object *o, size_t i, const char *bundle, struct cr_config *cfg,
		       struct cr_error *err)
{
	const char *dst, *type, *src;
	struct cr_strv opts = {0};
	struct cr_mount *m;
	char path[64];
	bool bind = false;
	int r = -1;

	snprintf(path, sizeof(path), "mounts[%zu]", i);
	if (need_object(o, path, err) < 0 ||
	    get_string(o, "destination", "mounts[].destination", &dst, err) < 0 ||
	    get_string(o, "type", "mounts[].type", &type, err) < 0 ||
	    get_string(o, "source", "mounts[].source", &src, err) < 0 ||
	    get_strv(o, "options", "mounts[].options", &opts, NULL, err) < 0 ||
	    refuse_given(o, "uidMappings", "mounts[].uidMappings", "id-mapped mounts", err) < 0 ||
	    refuse_given(o, "gidMappings", "mounts[].gidMappings", "id-mapped mounts", err) < 0)
		goto out;
	if (!dst || !*dst) {
		cr_fail(err, 0, "config.json: %s has no destination", path);
		goto out;
	}
	for (size_t k = 0; k < opts.n; k++)
		bind |= !strcmp(opts.v[k], "bind") || !strcmp(opts.v[k], "rbind");
	bind |= type && !strcmp(type, "bind");
	if (!bind && (!type || !*type || !strcmp(type, "none"))) {
		cr_fail(err, 0, "config.json: %s (%.200s) has no type", path, dst);
		goto out;
	}
	/* A relative destination is relative to the root, as runc takes it (spec 1.1). */
	cfg->mounts = cr_xrealloc(cfg->mounts, (cfg->nmounts + 1) * sizeof(*cfg->mounts));
	m = &cfg->mounts[cfg->nmounts++];
	memset(m, 0, sizeof(*m));
	m->kind = CR_MOUNT_FS;
	m->dst = dst[0] == '/' ? cr_xstrdup(dst) : cr_xasprintf("/%s", dst);
	m->fstype = cr_xstrdup(bind ? "bind" : type);
	m->data = cr_xstrdup("");
	/* A bind's relative source is relative to the bundle, as runc takes it. */
	if (bind && src && src[0] != '/')
		m->src = cr_xasprintf("%s/%s", bundle, src);
	else
		m->src = cr_xstrdup(src ? src : m->fstype);
	if (bind && (!src || !*src)) {
		cr_fail(err, 0, "config.json: %s (%.200s) is a bind with no source", path, dst);
		goto out;
	}
	for (size_t k = 0; k < opts.n; k++) {
		if (mount_option(m, opts.v[k], i, err) < 0)
			goto out;
	}
	m->readonly = m->flags & MS_RDONLY;
	r = 0;
out:
	strv_free(&opts);
	return r;
}

static int parse_mounts(json_object *root, const char *bundle, struct cr_config *cfg,
			struct cr_error *err)
{
	json_object *a = member(root, "mounts");

	if (!a)
		return 0;
	if (need_array(a, "mounts", err) < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		if (parse_mount(json_object_array_get_idx(a, i), i, bundle, cfg, err) < 0)
			return -1;
	}
	return 0;
}

/* --- linux --- */

static const struct {
	const char *name;
	unsigned long flag;
} ns_types[] = {
    {"pid", CLONE_NEWPID},	 {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},
    {"ipc", CLONE_NEWIPC},	 {"uts", CLONE_NEWUTS},	    {"user", CLONE_NEWUSER},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

static int parse_namespace(json_object *o, size_t i, struct cr_config *cfg, struct cr_error *err)
{
	const char *type, *path;
	char where[64], cut[CR_CUT_SIZE];
	unsigned long flag = 0;

	snprintf(where, sizeof(where), "linux.namespaces[%zu]", i);
	if (need_object(o, where, err) < 0 ||
	    get_string(o, "type", "linux.namespaces[].type", &type, err) < 0 ||
	    get_string(o, "path", "linux.namespaces[].path", &path, err) < 0)
		return -1;
	if (!type)
		return cr_fail(err, 0, "config.json: %s has no type", where);
	for (size_t k = 0; k < sizeof(ns_types) / sizeof(ns_types[0]); k++) {
		if (!strcmp(ns_types[k].name, type))
			flag = ns_types[k].flag;
	}
	if (!flag)
		return cr_fail(err, 0, "config.json: %s: unknown namespace type \"%s\"", where,
			       cr_cut(type, cut, sizeof(cut)));
	for (size_t k = 0; k < cfg->nnamespaces; k++) {
		if (cfg->namespaces[k].type == flag)
			return cr_fail(err, 0, "config.json: linux.namespaces: %s given twice",
				       type);
	}
	if (path && path[0] != '/')
		return cr_fail(err, 0, "config.json: %s (%s): path \"%s\" is not absolute", where,
			       type, cr_cut(path, cut, sizeof(cut)));
	cfg->namespaces =
	    cr_xrealloc(cfg->namespaces, (cfg->nnamespaces + 1) * sizeof(*cfg->namespaces));
	cfg->namespaces[cfg->nnamespaces++] =
	    (struct cr_namespace){flag, path && *path ? cr_xstrdup(path) : NULL};
	if (flag == CLONE_NEWNET && !(path && *path))
		cfg->net = CR_NET_NONE;
	return 0;
}

static const struct cr_namespace *find_ns(const struct cr_config *cfg, unsigned long type)
{
	for (size_t i = 0; i < cfg->nnamespaces; i++) {
		if (cfg->namespaces[i].type == type)
			return &cfg->namespaces[i];
	}
	return NULL;
}

/* uidMappings or gidMappings into uid_map text ("inside outside count" lines). */
static int parse_idmap(json_object *linux_o, const char *key, char **out, struct cr_error *err)
{
	json_object *a = member(linux_o, key);
	char *text = cr_xstrdup("");

	if (!a) {
		free(text);
		return 0;
	}
	if (need_array(a, key, err) < 0 || json_object_array_length(a) > 340) {
		free(text);
		return json_object_is_type(a, json_type_array)
			   ? cr_fail(err, 0, "config.json: linux.%s has more than 340 lines", key)
			   : -1;
	}
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		uint32_t in = 0, host = 0, size = 0;
		bool s1, s2, s3;
		char *next;

		if (need_object(e, key, err) < 0 ||
		    get_u32(e, "containerID", "linux.*Mappings[].containerID", &in, &s1, err) < 0 ||
		    get_u32(e, "hostID", "linux.*Mappings[].hostID", &host, &s2, err) < 0 ||
		    get_u32(e, "size", "linux.*Mappings[].size", &size, &s3, err) < 0) {
			free(text);
			return -1;
		}
		if (!s1 || !s2 || !s3 || size == 0 || (uint64_t)in + size > 1ULL << 32 ||
		    (uint64_t)host + size > 1ULL << 32) {
			free(text);
			return cr_fail(err, 0,
				       "config.json: linux.%s[%zu] needs containerID, hostID and a "
				       "size above 0 within 32-bit ids",
				       key, i);
		}
		next = cr_xasprintf("%s%u %u %u\n", text, in, host, size);
		free(text);
		text = next;
	}
	free(*out);
	*out = text;
	return 0;
}

static int parse_userns(json_object *l, struct cr_config *cfg, struct cr_error *err)
{
	const struct cr_namespace *user = find_ns(cfg, CLONE_NEWUSER);

	if (parse_idmap(l, "uidMappings", &cfg->uid_map, err) < 0 ||
	    parse_idmap(l, "gidMappings", &cfg->gid_map, err) < 0)
		return -1;
	if (user && !user->path &&
	    (!cfg->uid_map || !*cfg->uid_map || !cfg->gid_map || !*cfg->gid_map)) {
		cr_fail(err, 0,
			"config.json: a new user namespace needs linux.uidMappings and "
			"linux.gidMappings");
		return cr_hint(err, "map at least your own uid and gid (conti-runtime spec "
				    "--rootless writes such a config)");
	}
	if (!user && ((cfg->uid_map && *cfg->uid_map) || (cfg->gid_map && *cfg->gid_map)))
		return cr_fail(err, 0,
			       "config.json: linux.uidMappings/gidMappings given without a user "
			       "namespace in linux.namespaces");
	if (user && user->path) { /* a joined namespace has its map already */
		free(cfg->uid_map);
		free(cfg->gid_map);
		cfg->uid_map = cfg->gid_map = NULL;
	}
	return 0;
}

static int parse_namespaces(json_object *l, struct cr_config *cfg, struct cr_error *err)
{
	json_object *a = member(l, "namespaces");

	if (!a)
		return 0;
	if (need_array(a, "linux.namespaces", err) < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		if (parse_namespace(json_object_array_get_idx(a, i), i, cfg, err) < 0)
			return -1;
	}
	return 0;
}

static int parse_device(json_object *o, size_t i, struct cr_config *cfg, struct cr_error *err)
{
	const char *type, *path;
	char where[64];
	int64_t major = 0, minor = 0;
	uint32_t mode = 0666, uid = 0, gid = 0;
	bool mode_set;
	struct cr_device *d;

	snprintf(where, sizeof(where), "linux.devices[%zu]", i);
	if (need_object(o, where, err) < 0 ||
	    get_string(o, "type", "linux.devices[].type", &type, err) < 0 ||
	    get_string(o, "path", "linux.devices[].path", &path, err) < 0 ||
	    get_u32(o, "fileMode", "linux.devices[].fileMode", &mode, &mode_set, err) < 0 ||
	    get_u32(o, "uid", "linux.devices[].uid", &uid, NULL, err) < 0 ||
	    get_u32(o, "gid", "linux.devices[].gid", &gid, NULL, err) < 0)
		return -1;
	if (!path || path[0] != '/' || !strcmp(path, "/"))
		return cr_fail(err, 0, "config.json: %s needs an absolute path", where);
	if (!type || strlen(type) != 1 || !strchr("cbup", type[0]))
		return cr_fail(err, 0, "config.json: %s (%.200s): type must be c, b, u or p", where,
			       path);
	if (type[0] != 'p') {
		json_object *maj = member(o, "major"), *min = member(o, "minor");

		if (!maj || !min)
			return cr_fail(err, 0, "config.json: %s (%.200s) needs major and minor",
				       where, path);
		if (as_int(maj, "linux.devices[].major", 0, UINT32_MAX, &major, err) < 0 ||
		    as_int(min, "linux.devices[].minor", 0, UINT32_MAX, &minor, err) < 0)
			return -1;
	}
	if (mode_set && (mode & ~(uint32_t)07777))
		return cr_fail(err, 0,
			       "config.json: %s (%.200s): fileMode %o has bits beyond 07777", where,
			       path, mode);
	cfg->devices = cr_xrealloc(cfg->devices, (cfg->ndevices + 1) * sizeof(*cfg->devices));
	d = &cfg->devices[cfg->ndevices++];
	*d = (struct cr_device){
	    cr_xstrdup(path), type[0], (unsigned long)major, (unsigned long)minor, mode, uid, gid};
	return 0;
}

static int parse_devices(json_object *l, struct cr_config *cfg, struct cr_error *err)
{
	json_object *a = member(l, "devices");

	if (!a)
		return 0;
	if (need_array(a, "linux.devices", err) < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		if (parse_device(json_object_array_get_idx(a, i), i, cfg, err) < 0)
			return -1;
	}
	return 0;
}

/* A sysctl key: dotted (or slashed) names of letters, digits, '_', '-'; no empty part. */
static bool sysctl_key_ok(const char *k)
{
	size_t part = 0;

	for (const char *c = k; *c; c++) {
		if (*c == '.' || *c == '/') {
			if (!part)
				return false;
			part = 0;
			continue;
		}
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
			return false;
		part++;
	}
	return part > 0;
}

static int parse_sysctl(json_object *l, struct cr_config *cfg, struct cr_error *err)
{
	json_object *o = member(l, "sysctl");
	char cut[CR_CUT_SIZE];

	if (!o)
		return 0;
	if (need_object(o, "linux.sysctl", err) < 0)
		return -1;
	json_object_object_foreach(o, key, val)
	{
		const char *s;
		char *kv;

		if (!sysctl_key_ok(key))
			return cr_fail(err, 0,
				       "config.json: linux.sysctl: \"%s\" is not a sysctl name",
				       cr_cut(key, cut, sizeof(cut)));
		if (!val || as_string(val, "linux.sysctl's values", &s, err) < 0)
			return val ? -1
				   : cr_fail(err, 0, "config.json: linux.sysctl.%s is null",
					     cr_cut(key, cut, sizeof(cut)));
		kv = cr_xasprintf("%s=%s", key, s);
		strv_push(&cfg->sysctl, kv);
		free(kv);
	}
	return 0;
}

/* The namespace a sysctl belongs to (runc's list), 0 when none of the container's: such a
 * key would set the host's value, and is refused. */
static unsigned long sysctl_namespace(const char *key)
{
	static const char *const ipc[] = {"kernel.msgmax", "kernel.msgmnb",	    "kernel.msgmni",
					  "kernel.sem",	   "kernel.shmall",	    "kernel.shmmax",
					  "kernel.shmmni", "kernel.shm_rmid_forced"};

	for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++) {
		if (!strcmp(key, ipc[i]))
			return CLONE_NEWIPC;
	}
	if (!strncmp(key, "fs.mqueue.", 10) || !strncmp(key, "fs/mqueue/", 10))
		return CLONE_NEWIPC;
	if (!strncmp(key, "net.", 4) || !strncmp(key, "net/", 4))
		return CLONE_NEWNET;
	if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
		return CLONE_NEWUTS;
	return 0;
}

/* Each sysctl must belong to a namespace the container has of its own (new, or joined by
 * path: an engine's pod namespace). */
static int check_sysctl(const struct cr_config *cfg, struct cr_error *err)
{
	for (size_t i = 0; i < cfg->sysctl.n; i++) {
		cleanup_free char *key = cr_xstrdup(cfg->sysctl.v[i]);
		unsigned long ns;

		key[strcspn(key, "=")] = '\0';
		ns = sysctl_namespace(key);
		if (!ns) {
			cr_fail(err, 0,
				"config.json: linux.sysctl: %s is not in a namespace of the "
				"container's: it would set the host's",
				key);
			return cr_hint(err,
				       "only net.*, IPC (kernel.shm*, kernel.msg*, kernel.sem, "
				       "fs.mqueue.*) and UTS sysctls are allowed");
		}
		if (!find_ns(cfg, ns))
			return cr_fail(
			    err, 0,
			    "config.json: linux.sysctl: %s needs its own %s namespace in "
			    "linux.namespaces",
			    key,
			    ns == CLONE_NEWNET	 ? "network"
			    : ns == CLONE_NEWIPC ? "ipc"
						 : "uts");
	}
	return 0;
}

static int parse_paths(json_object *l, const char *key, const char *path, struct cr_strv *out,
		       struct cr_error *err)
{
	if (get_strv(l, key, path, out, NULL, err) < 0)
		return -1;
	for (size_t i = 0; i < out->n; i++) {
		if (out->v[i][0] != '/') {
			char cut[CR_CUT_SIZE];

			return cr_fail(err, 0, "config.json: %s[%zu] \"%s\" is not absolute", path,
				       i, cr_cut(out->v[i], cut, sizeof(cut)));
		}
	}
	return 0;
}

/* linux.seccomp compiled with libseccomp (oci/seccomp.h); none: no filter at all, as runc
 * (never the user CLI's default one). */
static int parse_seccomp(json_object *l, struct cr_security *sec, struct cr_error *err)
{
	if (oci_seccomp_compile(l ? member(l, "seccomp") : NULL, sec, err) < 0)
		return cr_prefix(err, "config.json");
	return 0;
}

static int parse_linux_refusals(json_object *l, struct cr_error *err)
{
	static const struct {
		const char *key, *path, *why;
	} no[] = {
	    {"mountLabel", "linux.mountLabel", "SELinux is not enabled here"},
	    {"intelRdt", "linux.intelRdt", "Intel RDT is not set by this runtime"},
	    {"personality", "linux.personality", "execution domains are not set by this runtime"},
	    {"timeOffsets", "linux.timeOffsets",
	     "time namespace offsets are not set by this runtime"},
	    {"netDevices", "linux.netDevices", "network devices are not moved by this runtime"},
	    {"memoryPolicy", "linux.memoryPolicy", "NUMA policies are not set by this runtime"},
	};

	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (refuse_given(l, no[i].key, no[i].path, no[i].why, err) < 0)
			return -1;
	}
	return 0;
}

/* A linux.resources number (int64) in [min, max] into *out; absent or null: untouched.
 * Only the type is checked beyond the spec's ranges: a value the kernel refuses is
 * create's to report (runc fails no earlier), and the conversions clamp v1 units. */
static int get_res(json_object *o, const char *key, const char *path, int64_t min, int64_t max,
		   long long *out, struct cr_error *err)
{
	json_object *v = member(o, key);
	int64_t n;

	if (!v)
		return 0;
	if (as_int(v, path, min, max, &n, err) < 0)
		return -1;
	*out = (long long)n;
	return 0;
}

/* memory.limit/swap/reservation (bytes; -1: unlimited, as crun and runc take it): the same
 * fields as --memory, --memory-swap (memory plus swap, as docker's) and
 * --memory-reservation. */
static int parse_res_memory(json_object *r, struct cr_resources *res, struct cr_error *err)
{
	json_object *m = member(r, "memory");
	long long limit = 0, swap = 0, low = 0;

	if (!m)
		return 0;
	if (need_object(m, "linux.resources.memory", err) < 0 ||
	    get_res(m, "limit", "linux.resources.memory.limit", INT64_MIN, INT64_MAX, &limit, err) <
		0 ||
	    get_res(m, "swap", "linux.resources.memory.swap", INT64_MIN, INT64_MAX, &swap, err) <
		0 ||
	    get_res(m, "reservation", "linux.resources.memory.reservation", INT64_MIN, INT64_MAX,
		    &low, err) < 0)
		return -1;
	res->memory = limit > 0 ? limit : 0; /* -1 (or below) and 0: no limit, the default */
	res->memory_swap = swap < 0 ? CR_RES_UNLIMITED : swap;
	res->memory_reservation = low > 0 ? low : 0;
	return 0;
}

/* cpu.shares (v1 units: cpu.weight as crun converts), cpu.quota/period (cpu.max). */
static int parse_res_cpu(json_object *r, struct cr_resources *res, struct cr_error *err)
{
	json_object *c = member(r, "cpu");
	long long shares = 0, quota = 0, period = 0;

	if (!c)
		return 0;
	if (need_object(c, "linux.resources.cpu", err) < 0 ||
	    get_res(c, "shares", "linux.resources.cpu.shares", 0, INT64_MAX, &shares, err) < 0 ||
	    get_res(c, "quota", "linux.resources.cpu.quota", INT64_MIN, INT64_MAX, &quota, err) <
		0 ||
	    get_res(c, "period", "linux.resources.cpu.period", 0, INT64_MAX, &period, err) < 0)
		return -1;
	res->cpu_weight = limits_shares_to_weight((unsigned long long)shares);
	res->cpu_quota = quota > 0 ? quota : 0; /* -1: "max" */
	res->cpu_period = period;
	return 0;
}

/* linux.resources (runtime spec, cgroup v1 units) into cfg->res, the struct --memory,
 * --cpus, --pids-limit fill: memory, cpu shares/quota/period, pids.limit, blockIO.weight.
 * Which members are not carried is note_unapplied's. */
static int parse_resources(json_object *l, struct cr_config *cfg, struct cr_error *err)
{
	json_object *r = member(l, "resources"), *p, *b;
	long long pids = 0, weight = 0;

	if (!r)
		return 0;
	if (need_object(r, "linux.resources", err) < 0 || parse_res_memory(r, &cfg->res, err) < 0 ||
	    parse_res_cpu(r, &cfg->res, err) < 0)
		return -1;
	p = member(r, "pids");
	if (p && (need_object(p, "linux.resources.pids", err) < 0 ||
		  get_res(p, "limit", "linux.resources.pids.limit", INT64_MIN, INT64_MAX, &pids,
			  err) < 0))
		return -1;
	/* negative: unlimited; 0: not set (runc's), the default applies */
	cfg->res.pids_limit = pids < 0 ? CR_RES_UNLIMITED : pids;
	b = member(r, "blockIO");
	if (b && (need_object(b, "linux.resources.blockIO", err) < 0 ||
		  get_res(b, "weight", "linux.resources.blockIO.weight", 0, UINT16_MAX, &weight,
			  err) < 0))
		return -1;
	cfg->res.io_weight = limits_blkio_to_io_weight((unsigned long long)weight);
	return 0;
}

static int parse_linux(json_object *root, struct cr_config *cfg, struct cr_error *err)
{
	json_object *l = member(root, "linux");
	const char *prop, *cgpath;

	if (!l)
		return parse_seccomp(NULL, &cfg->sec, err);
	if (need_object(l, "linux", err) < 0 || parse_linux_refusals(l, err) < 0 ||
	    parse_namespaces(l, cfg, err) < 0 || parse_userns(l, cfg, err) < 0 ||
	    parse_devices(l, cfg, err) < 0 || parse_sysctl(l, cfg, err) < 0 ||
	    check_sysctl(cfg, err) < 0 ||
	    parse_paths(l, "maskedPaths", "linux.maskedPaths", &cfg->masked_paths, err) < 0 ||
	    parse_paths(l, "readonlyPaths", "linux.readonlyPaths", &cfg->readonly_paths, err) < 0 ||
	    parse_seccomp(l, &cfg->sec, err) < 0 ||
	    get_string(l, "rootfsPropagation", "linux.rootfsPropagation", &prop, err) < 0 ||
	    get_string(l, "cgroupsPath", "linux.cgroupsPath", &cgpath, err) < 0)
		return -1;
	if (parse_resources(l, cfg, err) < 0)
		return -1;
	if (prop && *prop) {
		cfg->rootfs_propagation = propagation_of(prop);
		if (!cfg->rootfs_propagation) {
			char cut[CR_CUT_SIZE];

			return cr_fail(err, 0,
				       "config.json: linux.rootfsPropagation \"%s\" is not one of "
				       "private, rprivate, shared, rshared, slave, rslave, "
				       "unbindable, runbindable",
				       cr_cut(prop, cut, sizeof(cut)));
		}
	}
	return 0;
}

/* --- the document --- */

static int parse_root(json_object *doc, const char *bundle, struct cr_config *cfg,
		      struct cr_error *err)
{
	json_object *r = member(doc, "root");
	const char *path;

	if (!r) {
		cr_fail(err, 0, "config.json has no root");
		return cr_hint(err, "add \"root\": {\"path\": \"rootfs\"}");
	}
	if (need_object(r, "root", err) < 0 || get_string(r, "path", "root.path", &path, err) < 0 ||
	    get_bool(r, "readonly", "root.readonly", &cfg->readonly_root, err) < 0)
		return -1;
	if (!path || !*path)
		return cr_fail(err, 0, "config.json: root.path is missing");
	cfg->rootfs = path[0] == '/' ? cr_xstrdup(path) : cr_xasprintf("%s/%s", bundle, path);
	return 0;
}

static int parse_annotations(json_object *doc, struct oci_spec *s, struct cr_error *err)
{
	json_object *a = member(doc, "annotations");

	if (!a)
		return 0;
	if (need_object(a, "annotations", err) < 0)
		return -1;
	json_object_object_foreach(a, key, val)
	{
		const char *v;
		char *kv;

		if (!*key || strchr(key, '='))
			return cr_fail(err, 0,
				       "config.json: an annotation key is empty or has '='");
		if (!val || as_string(val, "annotations' values", &v, err) < 0)
			return val ? -1 : bad_type("annotations' values", "a string", err);
		kv = cr_xasprintf("%s=%s", key, v);
		strv_push(&s->annotations, kv);
		free(kv);
	}
	return 0;
}

/* True when linux.resources' member key (and, for an object, its member sub) is carried
 * into cfg->res by parse_resources. */
static bool carried(const char *key, const char *sub)
{
	static const char *const kept[] = {"memory.limit", "memory.swap",   "memory.reservation",
					   "cpu.shares",   "cpu.quota",	    "cpu.period",
					   "pids.limit",   "blockIO.weight"};
	size_t klen = strlen(key);

	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		if (!strncmp(kept[i], key, klen) && kept[i][klen] == '.' &&
		    (!sub || !strcmp(kept[i] + klen + 1, sub)))
			return true;
	}
	return false;
}

static bool empty_value(json_object *val)
{
	return !val ||
	       (json_object_is_type(val, json_type_object) && !json_object_object_length(val)) ||
	       (json_object_is_type(val, json_type_array) && !json_object_array_length(val));
}

static void note(struct oci_spec *s, const char *key, const char *sub)
{
	char *next = cr_xasprintf("%s%s%s%s%s", s->unapplied ? s->unapplied : "",
				  s->unapplied ? ", " : "", key, sub ? "." : "", sub ? sub : "");

	free(s->unapplied);
	s->unapplied = next;
}

/* The members of linux.resources that set a limit parse_resources does not carry into
 * cfg->res (cpu.cpus, memory.swappiness, hugepageLimits, unified, ...; never devices, whose
 * rules the runtime's own device nodes and its dropped CAP_MKNOD stand for): accepted, as
 * a rootless runc accepts them, and named in s->unapplied for create's warning. */
static void note_unapplied(json_object *doc, struct oci_spec *s)
{
	json_object *l = member(doc, "linux"), *r = l ? member(l, "resources") : NULL;

	if (!r || !json_object_is_type(r, json_type_object))
		return;
	json_object_object_foreach(r, key, val)
	{
		if (!strcmp(key, "devices") || empty_value(val))
			continue;
		if (!carried(key, NULL) || !json_object_is_type(val, json_type_object)) {
			note(s, key, NULL);
			continue;
		}
		json_object_object_foreach(val, sub, subval)
		{
			if (!carried(key, sub) && subval)
				note(s, key, sub);
		}
	}
}

/* hooks (oci/hooks.h): the six phases' lists. */
static int parse_hooks(json_object *doc, struct oci_spec *s, struct cr_error *err)
{
	json_object *h = member(doc, "hooks");

	if (!h)
		return 0;
	if (need_object(h, "hooks", err) < 0)
		return -1;
	if (oci_hooks_parse(h, &s->hooks, err) < 0)
		return cr_prefix(err, "config.json");
	return 0;
}

static int parse_version(json_object *doc, struct oci_spec *s, struct cr_error *err)
{
	const char *v;
	char cut[CR_CUT_SIZE];

	if (get_string(doc, "ociVersion", "ociVersion", &v, err) < 0)
		return -1;
	if (!v)
		return cr_fail(err, 0, "config.json has no ociVersion");
	if (strncmp(v, "1.", 2)) {
		cr_fail(err, 0, "config.json: ociVersion \"%s\" is not 1.x",
			cr_cut(v, cut, sizeof(cut)));
		return cr_hint(err, "this runtime implements the OCI runtime spec 1.x");
	}
	s->oci_version = cr_xstrdup(v);
	return 0;
}

/* linux.cgroupsPath (parse_linux checked it is a string), for create's cgroup. */
static void keep_cgroups_path(json_object *doc, struct oci_spec *s)
{
	json_object *l = member(doc, "linux"), *c = l ? member(l, "cgroupsPath") : NULL;

	free(s->cgroups_path);
	s->cgroups_path =
	    c && json_object_get_string_len(c) > 0 ? cr_xstrdup(json_object_get_string(c)) : NULL;
}

static int parse_doc(json_object *doc, const char *bundle, struct oci_spec *s, struct cr_error *err)
{
	struct cr_config *cfg = &s->cfg;
	json_object *p;
	const char *host, *domain;

	if (parse_version(doc, s, err) < 0 || parse_root(doc, bundle, cfg, err) < 0 ||
	    refuse_given(doc, "solaris", "solaris", "this runtime runs Linux containers", err) <
		0 ||
	    refuse_given(doc, "windows", "windows", "this runtime runs Linux containers", err) <
		0 ||
	    refuse_given(doc, "vm", "vm", "this runtime runs no virtual machine", err) < 0 ||
	    refuse_given(doc, "zos", "zos", "this runtime runs Linux containers", err) < 0 ||
	    get_string(doc, "hostname", "hostname", &host, err) < 0 ||
	    get_string(doc, "domainname", "domainname", &domain, err) < 0 ||
	    parse_mounts(doc, bundle, cfg, err) < 0 || parse_linux(doc, cfg, err) < 0 ||
	    parse_annotations(doc, s, err) < 0 || parse_hooks(doc, s, err) < 0)
		return -1;
	note_unapplied(doc, s);
	keep_cgroups_path(doc, s);
	p = member(doc, "process");
	if (!p) {
		cr_fail(err, 0, "config.json has no process");
		return cr_hint(err, "add \"process\": {\"args\": [...], \"cwd\": \"/\"}");
	}
	if (oci_spec_parse_process(p, s, err) < 0)
		return -1;
	if (!cfg->args.n)
		return cr_fail(err, 0, "config.json: process.args is empty");
	if (!cfg->cwd)
		return cr_fail(err, 0, "config.json: process.cwd is missing");
	if ((host && *host) || (domain && *domain)) {
		const struct cr_namespace *uts = find_ns(cfg, CLONE_NEWUTS);

		/* runc sets it in a joined one too (a pod's) */
		if (!uts)
			return cr_fail(err, 0,
				       "config.json: hostname or domainname set without a uts "
				       "namespace in linux.namespaces");
	}
	cfg->hostname = host && *host ? cr_xstrdup(host) : NULL;
	cfg->domainname = domain && *domain ? cr_xstrdup(domain) : NULL;
	return 0;
}

void oci_spec_init(struct oci_spec *s)
{
	memset(s, 0, sizeof(*s));
	config_init(&s->cfg);
	/* What config.json does not say, an OCI container does not get: no seccomp filter and
	 * no Landlock of ours, no capability but what process.capabilities names (parse_caps),
	 * the command as PID 1 (no init helper), the rootfs as it is. */
	s->cfg.oci = true;
	s->cfg.overlay = CR_OVERLAY_NONE;
	s->cfg.init = false;
	s->cfg.tty = 0;
	s->cfg.sec.seccomp = false;
	s->cfg.sec.landlock = false;
	s->cfg.sec.caps = 0;
}

void oci_spec_free(struct oci_spec *s)
{
	config_free(&s->cfg);
	free(s->bundle);
	free(s->oci_version);
	strv_free(&s->annotations);
	oci_hooks_free(&s->hooks);
	free(s->unapplied);
	free(s->cgroups_path);
	oci_spec_init(s);
}

int oci_spec_parse(const char *json, size_t len, const char *bundle, struct oci_spec *s,
		   struct cr_error *err)
{
	json_tokener *tok;
	json_object *doc;
	size_t end;
	int r;

	if (!bundle || bundle[0] != '/')
		return cr_fail(err, 0, "the bundle path must be absolute");
	if (len > OCI_CONFIG_MAX)
		return cr_fail(err, EFBIG, "config.json is larger than %d bytes", OCI_CONFIG_MAX);
	tok = json_tokener_new_ex(64);
	if (!tok)
		return cr_fail(err, ENOMEM, "config.json");
	doc = json_tokener_parse_ex(tok, json, (int)len);
	end = json_tokener_get_parse_end(tok);
	while (doc && end < len && strchr(" \t\r\n", json[end]) && json[end])
		end++;
	if (!doc || end < len) {
		cr_fail(err, 0, "config.json is not valid JSON: %s",
			doc ? "trailing data"
			    : json_tokener_error_desc(json_tokener_get_error(tok) ==
							      json_tokener_continue
							  ? json_tokener_error_parse_eof
							  : json_tokener_get_error(tok)));
		json_tokener_free(tok);
		json_object_put(doc);
		return -1;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(doc, json_type_object)) {
		json_object_put(doc);
		return cr_fail(err, 0, "config.json is not a JSON object");
	}
	free(s->bundle);
	s->bundle = cr_xstrdup(bundle);
	r = parse_doc(doc, bundle, s, err);
	json_object_put(doc);
	return r;
}

int oci_spec_load(const char *bundle, struct oci_spec *s, struct cr_error *err)
{
	cleanup_free char *abs = NULL, *buf = NULL;
	cleanup_close int dfd = -1, fd = -1;
	char cwd[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (!bundle || !*bundle)
		return cr_fail(err, 0, "no bundle given");
	if (bundle[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return cr_fail(err, errno, "getcwd");
		abs = cr_xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", bundle);
	} else {
		abs = cr_xstrdup(bundle);
	}
	for (size_t l = strlen(abs); l > 1 && abs[l - 1] == '/'; l--)
		abs[l - 1] = '\0';
	dfd = open(abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cr_fail(err, errno, "bundle %.512s", abs);
	fd = openat(dfd, "config.json", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cr_fail(err, errno, "%.512s/config.json", abs);
		return errno == ELOOP ? cr_hint(err, "config.json must not be a symlink") : -1;
	}
	if (fstat(fd, &st) < 0)
		return cr_fail(err, errno, "%.512s/config.json", abs);
	if (!S_ISREG(st.st_mode))
		return cr_fail(err, 0, "%.512s/config.json is not a regular file", abs);
	if (st.st_size > OCI_CONFIG_MAX)
		return cr_fail(err, EFBIG, "%.512s/config.json is larger than %d bytes", abs,
			       OCI_CONFIG_MAX);
	buf = cr_xmalloc((size_t)st.st_size + 1);
	n = cr_read_all(fd, buf, (size_t)st.st_size);
	if (n < 0)
		return cr_fail(err, errno, "read %.512s/config.json", abs);
	return oci_spec_parse(buf, (size_t)n, abs, s, err);
}
