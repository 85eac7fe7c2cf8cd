/* config.c - the container configuration struct. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cgroup/limits.h"
#include "config.h"
#include "log.h"
#include "net/ports.h"
#include "netfiles.h"
#include "utils.h"

void config_init(struct cr_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->uidmap = CR_UIDMAP_AUTO;
	cfg->keepid_uid = cfg->keepid_gid = -1;
	cfg->overlay = CR_OVERLAY_AUTO;
	cfg->net = CR_NET_HOST;
	cfg->tty = -1;
	cfg->log_size_max = CR_LOG_SIZE_DEFAULT;
	cfg->cgroups = true;
	cfg->shm_size = CR_SHM_SIZE_DEFAULT;
	cfg->tmp_size = CR_TMP_SIZE_DEFAULT;
	cfg->sec = (struct cr_security){.caps = cr_default_caps, .seccomp = true, .landlock = true};
	cfg->init = true;
	cfg->umask = -1;
}

void strv_push(struct cr_strv *v, const char *s)
{
	v->v = cr_xrealloc(v->v, (v->n + 2) * sizeof(*v->v));
	v->v[v->n++] = cr_xstrdup(s);
	v->v[v->n] = NULL;
}

void strv_free(struct cr_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

void config_add_mount(struct cr_config *cfg, enum cr_mount_kind kind, const char *src,
		      const char *dst, bool readonly)
{
	struct cr_mount *m;

	cfg->mounts = cr_xrealloc(cfg->mounts, (cfg->nmounts + 1) * sizeof(*cfg->mounts));
	m = &cfg->mounts[cfg->nmounts++];
	m->kind = kind;
	m->src = cr_xstrdup(src);
	m->dst = cr_xstrdup(dst);
	m->readonly = readonly;
	m->fstype = NULL;
	m->data = NULL;
	m->flags = m->clear_flags = m->propagation = 0;
}

/* Appends text to the string *s. */
static void append(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(char **s, const char *fmt, ...)
{
	va_list ap;
	char piece[64];

	va_start(ap, fmt);
	vsnprintf(piece, sizeof(piece), fmt, ap);
	va_end(ap);
	*s = cr_xrealloc(*s, strlen(*s) + strlen(piece) + 1);
	strcat(*s, piece);
}

/* One --tmpfs option into data (appended, comma-separated); ro and noexec set m. */
static int tmpfs_option(struct cr_mount *m, char *o, char **data)
{
	char *eq = strchr(o, '=');
	unsigned long n;
	long long size;
	char *end;

	if (!strcmp(o, "ro") || !strcmp(o, "rw")) {
		m->readonly = o[1] == 'o';
		return 0;
	}
	if (!strcmp(o, "noexec") || !strcmp(o, "exec")) {
		m->flags =
		    o[0] == 'n' ? m->flags | MS_NOEXEC : m->flags & ~(unsigned long)MS_NOEXEC;
		return 0;
	}
	if (!strcmp(o, "nosuid") || !strcmp(o, "nodev"))
		return 0; /* always */
	if (!eq)
		return -1;
	*eq = '\0';
	if (!strcmp(o, "size")) {
		size = limits_parse_size(eq + 1);
		if (size <= 0)
			return -1;
		append(data, ",size=%lld", size);
	} else if (!strcmp(o, "mode")) {
		errno = 0;
		n = strtoul(eq + 1, &end, 8);
		if (!eq[1] || *end || errno || n > 07777)
			return -1;
		append(data, ",mode=%lo", n);
	} else if (!strcmp(o, "uid") || !strcmp(o, "gid") || !strcmp(o, "nr_inodes")) {
		if (!cr_parse_ulong(eq + 1, &n) || n >= 0xffffffffUL)
			return -1;
		append(data, ",%s=%lu", o, n);
	} else {
		return -1;
	}
	return 0;
}

int config_tmpfs_options(struct cr_mount *m, const char *opts, struct cr_error *err)
{
	cleanup_free char *copy = cr_xstrdup(opts ? opts : "");
	cleanup_free char *data = cr_xstrdup("");
	char *save = NULL;
	char cut[CR_CUT_SIZE];

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *bad = cr_xstrdup(o);
		int ret = tmpfs_option(m, o, &data);

		if (ret < 0) {
			cr_fail(err, 0, "invalid --tmpfs option '%s'",
				cr_cut(bad, cut, sizeof(cut)));
			free(bad);
			return cr_hint(err,
				       "give size=SIZE, mode=OCTAL, ro, rw, noexec, exec, uid=N, "
				       "gid=N or nr_inodes=N, comma-separated");
		}
		free(bad);
	}
	free(m->data);
	/* a later size= or mode= wins in the kernel's parser, so the default goes first */
	m->data = cr_xasprintf("%s%s", strstr(data, ",mode=") ? "" : ",mode=1777", data);
	memmove(m->data, m->data + 1, strlen(m->data));
	return 0;
}

void config_free(struct cr_config *cfg)
{
	free(cfg->name);
	free(cfg->rootfs);
	free(cfg->cwd);
	free(cfg->hostname);
	free(cfg->user);
	strv_free(&cfg->args);
	strv_free(&cfg->env);
	strv_free(&cfg->dns);
	strv_free(&cfg->dns_search);
	strv_free(&cfg->dns_opts);
	strv_free(&cfg->add_hosts);
	free(cfg->image);
	free(cfg->image_name);
	free(cfg->stop_signal);
	strv_free(&cfg->layers);
	strv_free(&cfg->entrypoint);
	strv_free(&cfg->labels);
	strv_free(&cfg->expose);
	for (size_t i = 0; i < cfg->nmounts; i++) {
		free(cfg->mounts[i].src);
		free(cfg->mounts[i].dst);
		free(cfg->mounts[i].fstype);
		free(cfg->mounts[i].data);
	}
	free(cfg->mounts);
	free(cfg->ports);
	cfg->ports = NULL;
	cfg->nports = 0;
	for (size_t i = 0; i < cfg->nnamespaces; i++)
		free(cfg->namespaces[i].path);
	free(cfg->namespaces);
	free(cfg->uid_map);
	free(cfg->gid_map);
	free(cfg->domainname);
	strv_free(&cfg->masked_paths);
	strv_free(&cfg->readonly_paths);
	strv_free(&cfg->sysctl);
	for (size_t i = 0; i < cfg->ndevices; i++)
		free(cfg->devices[i].path);
	free(cfg->devices);
	free(cfg->additional_gids);
	free(cfg->rlimits);
	free(cfg->apparmor_profile);
	free(cfg->sec.filter);
	config_init(cfg);
}

void config_put_line(char **buf, size_t *len, const char *key, const char *value)
{
	size_t need = strlen(key) + 2 * strlen(value) + 3;
	char *o;

	*buf = cr_xrealloc(*buf, *len + need + 1);
	o = *buf + *len;
	o += sprintf(o, "%s=", key);
	for (const char *v = value; *v; v++) {
		if (*v == '\\' || *v == '\n')
			*o++ = '\\';
		*o++ = *v == '\n' ? 'n' : *v;
	}
	*o++ = '\n';
	*o = '\0';
	*len = (size_t)(o - *buf);
}

static void put_num(char **buf, size_t *len, const char *key, long value)
{
	char num[32];

	snprintf(num, sizeof(num), "%ld", value);
	config_put_line(buf, len, key, num);
}

static void put_strv(char **buf, size_t *len, const char *key, const struct cr_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		config_put_line(buf, len, key, v->v[i]);
}

/* The image fields: rmi and prune find a container's use of an image by its image= and
 * layer= lines. */
static void put_image(char **buf, size_t *len, const struct cr_config *cfg)
{
	if (!cfg->image)
		return;
	config_put_line(buf, len, "image", cfg->image);
	config_put_line(buf, len, "image_name", cfg->image_name ? cfg->image_name : cfg->image);
	put_strv(buf, len, "layer", &cfg->layers);
	put_strv(buf, len, "entrypoint", &cfg->entrypoint);
	if (cfg->stop_signal)
		config_put_line(buf, len, "stop_signal", cfg->stop_signal);
	put_strv(buf, len, "label", &cfg->labels);
	put_strv(buf, len, "expose", &cfg->expose);
}

static void put_ll(char **buf, size_t *len, const char *key, long long value)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", value);
	config_put_line(buf, len, key, num);
}

/* The limits (#16): res_* lines where given, cgroups, shm_size, one ulimit= a limit. */
static void put_limits(char **buf, size_t *len, const struct cr_config *cfg)
{
	const struct cr_resources *r = &cfg->res;
	const struct {
		const char *key;
		long long v;
	} res[] = {
	    {"res_memory", r->memory},
	    {"res_memory_swap", r->memory_swap},
	    {"res_memory_reservation", r->memory_reservation},
	    {"res_cpu_quota", r->cpu_quota},
	    {"res_cpu_period", r->cpu_period},
	    {"res_cpu_weight", r->cpu_weight},
	    {"res_pids_limit", r->pids_limit},
	    {"res_io_weight", r->io_weight},
	};

	for (size_t i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		if (res[i].v)
			put_ll(buf, len, res[i].key, res[i].v);
	}
	if (!cfg->cgroups)
		put_num(buf, len, "cgroups", 0);
	if (cfg->shm_size != CR_SHM_SIZE_DEFAULT)
		put_ll(buf, len, "shm_size", cfg->shm_size);
	for (size_t i = 0; i < cfg->nrlimits; i++) {
		char spec[96];

		limits_format_ulimit(&cfg->rlimits[i], spec, sizeof(spec));
		config_put_line(buf, len, "ulimit", spec);
	}
}

char *config_serialize(const struct cr_config *cfg)
{
	char *buf = cr_xstrdup("");
	size_t len = 0;

	config_put_line(&buf, &len, "name", cfg->name ? cfg->name : "");
	config_put_line(&buf, &len, "rootfs", cfg->rootfs ? cfg->rootfs : "");
	for (size_t i = 0; i < cfg->args.n; i++)
		config_put_line(&buf, &len, "arg", cfg->args.v[i]);
	for (size_t i = 0; i < cfg->env.n; i++)
		config_put_line(&buf, &len, "env", cfg->env.v[i]);
	if (cfg->cwd)
		config_put_line(&buf, &len, "cwd", cfg->cwd);
	if (cfg->hostname)
		config_put_line(&buf, &len, "hostname", cfg->hostname);
	if (cfg->user_set) {
		put_num(&buf, &len, "uid", (long)cfg->uid);
		put_num(&buf, &len, "gid", (long)cfg->gid);
	}
	if (cfg->user)
		config_put_line(&buf, &len, "user", cfg->user);
	for (size_t i = 0; i < cfg->nmounts; i++) {
		const struct cr_mount *m = &cfg->mounts[i];

		config_put_line(&buf, &len, "mount", m->kind == CR_MOUNT_TMPFS ? "tmpfs" : "bind");
		if (m->src)
			config_put_line(&buf, &len, "mount.src", m->src);
		config_put_line(&buf, &len, "mount.dst", m->dst);
		put_num(&buf, &len, "mount.ro", m->readonly);
		if (m->kind == CR_MOUNT_TMPFS && m->data)
			config_put_line(&buf, &len, "mount.data", m->data);
		if (m->kind == CR_MOUNT_TMPFS && (m->flags & MS_NOEXEC))
			put_num(&buf, &len, "mount.noexec", 1);
	}
	put_num(&buf, &len, "uidmap", cfg->uidmap);
	put_num(&buf, &len, "userns", cfg->userns);
	put_num(&buf, &len, "keepid_uid", cfg->keepid_uid);
	put_num(&buf, &len, "keepid_gid", cfg->keepid_gid);
	put_num(&buf, &len, "overlay", cfg->overlay);
	put_num(&buf, &len, "net", cfg->net);
	put_num(&buf, &len, "net_helper", cfg->net_helper);
	put_num(&buf, &len, "net_host_loopback", cfg->net_host_loopback);
	for (size_t i = 0; i < cfg->nports; i++) {
		char spec[96];

		ports_format_spec(&cfg->ports[i], spec, sizeof(spec));
		config_put_line(&buf, &len, "port", spec);
	}
	if (cfg->publish_all)
		put_num(&buf, &len, "publish_all", 1);
	put_num(&buf, &len, "read_only", cfg->readonly_root);
	put_num(&buf, &len, "remove", cfg->remove);
	put_num(&buf, &len, "init", cfg->init);
	put_num(&buf, &len, "tty", cfg->tty);
	put_num(&buf, &len, "log_size_max", (long)cfg->log_size_max);
	{
		char caps[32];

		snprintf(caps, sizeof(caps), "%llx", (unsigned long long)cfg->sec.caps);
		config_put_line(&buf, &len, "caps", caps);
	}
	put_num(&buf, &len, "privileged", cfg->sec.privileged);
	put_num(&buf, &len, "no_new_privs", cfg->sec.no_new_privs);
	put_num(&buf, &len, "seccomp", cfg->sec.seccomp);
	put_num(&buf, &len, "landlock", cfg->sec.landlock);
	put_num(&buf, &len, "nested", cfg->sec.nested);
	for (size_t i = 0; i < cfg->dns.n; i++)
		config_put_line(&buf, &len, "dns", cfg->dns.v[i]);
	for (size_t i = 0; i < cfg->dns_search.n; i++)
		config_put_line(&buf, &len, "dns_search", cfg->dns_search.v[i]);
	for (size_t i = 0; i < cfg->dns_opts.n; i++)
		config_put_line(&buf, &len, "dns_option", cfg->dns_opts.v[i]);
	for (size_t i = 0; i < cfg->add_hosts.n; i++)
		config_put_line(&buf, &len, "add_host", cfg->add_hosts.v[i]);
	if (cfg->no_hosts)
		put_num(&buf, &len, "no_hosts", 1);
	put_limits(&buf, &len, cfg);
	put_image(&buf, &len, cfg);
	return buf;
}

/* Undoes config_put_line()'s escaping in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*o++ = *s == 'n' ? '\n' : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static void set_str(char **field, const char *value)
{
	free(*field);
	*field = cr_xstrdup(value);
}

/* One of the modes (uidmap, overlay, net): a damaged config's value out of range is refused,
 * never carried as an enum no switch knows. */
static int parse_mode(struct cr_config *cfg, const char *key, long n)
{
	if (!strcmp(key, "uidmap") && n >= CR_UIDMAP_AUTO && n <= CR_UIDMAP_SINGLE)
		cfg->uidmap = (enum cr_uidmap_mode)n;
	else if (!strcmp(key, "overlay") && n >= CR_OVERLAY_AUTO && n <= CR_OVERLAY_NONE)
		cfg->overlay = (enum cr_overlay_mode)n;
	else if (!strcmp(key, "net") && n >= CR_NET_HOST && n <= CR_NET_PRIVATE)
		cfg->net = (enum cr_net_mode)n;
	else if (!strcmp(key, "net_helper") && n >= CR_NETH_AUTO && n <= CR_NETH_SLIRP4NETNS)
		cfg->net_helper = (enum cr_net_helper)n;
	else if (!strcmp(key, "userns") && n >= CR_USERNS_HOST && n <= CR_USERNS_KEEP_ID)
		cfg->userns = (enum cr_userns_mode)n;
	else
		return -1;
	return 0;
}

/* The options of /etc/resolv.conf and /etc/hosts; checked again, as the command line does:
 * a damaged config must not write a line of its own into the container's files. */
static int parse_net_line(struct cr_config *cfg, const char *key, const char *v)
{
	struct cr_error ignored;

	if (!strcmp(key, "dns") && netfiles_check_ip(v, "--dns", &ignored) == 0)
		strv_push(&cfg->dns, v);
	else if (!strcmp(key, "dns_search") &&
		 netfiles_check_word(v, "--dns-search", &ignored) == 0)
		strv_push(&cfg->dns_search, v);
	else if (!strcmp(key, "dns_option") &&
		 netfiles_check_word(v, "--dns-option", &ignored) == 0)
		strv_push(&cfg->dns_opts, v);
	else if (!strcmp(key, "add_host") && netfiles_check_add_host(v, &ignored) == 0)
		strv_push(&cfg->add_hosts, v);
	else if (!strcmp(key, "no_hosts"))
		cfg->no_hosts = strcmp(v, "0") != 0;
	else if (!strcmp(key, "port")) /* checked again: a damaged line is refused */
		return ports_parse(v, &cfg->ports, &cfg->nports, &ignored);
	else if (!strcmp(key, "publish_all"))
		cfg->publish_all = strcmp(v, "0") != 0;
	else if (!strcmp(key, "dns") || !strcmp(key, "dns_search") || !strcmp(key, "dns_option") ||
		 !strcmp(key, "add_host"))
		return -1;
	return 0;
}

/* True when s is a layer's diff_id hex: 64 lowercase hex digits (a path component). */
static bool is_layer_hex(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n == 64 && !s[n];
}

/* The image lines; 1 when key is none of them. */
static int parse_image_line(struct cr_config *cfg, const char *key, const char *v)
{
	if (!strcmp(key, "image")) {
		if (!is_layer_hex(v))
			return -1;
		set_str(&cfg->image, v);
	} else if (!strcmp(key, "image_name")) {
		set_str(&cfg->image_name, v);
	} else if (!strcmp(key, "layer")) {
		/* a path component under DATA/images/layers: never "..", never a '/' */
		if (!is_layer_hex(v))
			return -1;
		strv_push(&cfg->layers, v);
	} else if (!strcmp(key, "entrypoint")) {
		strv_push(&cfg->entrypoint, v);
	} else if (!strcmp(key, "stop_signal")) {
		set_str(&cfg->stop_signal, v);
	} else if (!strcmp(key, "label")) {
		strv_push(&cfg->labels, v);
	} else if (!strcmp(key, "expose")) {
		strv_push(&cfg->expose, v);
	} else {
		return 1;
	}
	return 0;
}

/* A decimal integer in [min, max], the whole of v; false otherwise. */
static bool parse_ll(const char *v, long long min, long long max, long long *out)
{
	char *end;

	if (!*v || (*v != '-' && (*v < '0' || *v > '9')))
		return false;
	errno = 0;
	*out = strtoll(v, &end, 10);
	return !errno && !*end && *out >= min && *out <= max;
}

/* The limit lines (put_limits); checked as the options are: a damaged value is refused,
 * never written into a cgroup. 1 when key is none of them. */
static int parse_limit_line(struct cr_config *cfg, const char *key, const char *v)
{
	struct cr_resources *r = &cfg->res;
	struct cr_error ignored;
	long long n;

	if (!strcmp(key, "ulimit"))
		return limits_parse_ulimit(v, cfg, &ignored) < 0 ? -1 : 0;
	if (!strcmp(key, "mount.data") || !strcmp(key, "mount.noexec")) {
		struct cr_mount *m = cfg->nmounts ? &cfg->mounts[cfg->nmounts - 1] : NULL;

		if (!m || m->kind != CR_MOUNT_TMPFS)
			return -1;
		if (!strcmp(key, "mount.noexec")) {
			m->flags |= MS_NOEXEC;
			return 0;
		}
		return config_tmpfs_options(m, v, &ignored) < 0 ? -1 : 0;
	}
	if (!strcmp(key, "cgroups") && parse_ll(v, 0, 1, &n))
		cfg->cgroups = n;
	/* sizes and the quota up to what the options' parsers give (limits_parse_size: any
	 * long long): a container made with a value its config refuses would be "damaged" */
	else if (!strcmp(key, "shm_size") && parse_ll(v, 1, LLONG_MAX, &n))
		cfg->shm_size = n;
	else if (!strcmp(key, "res_memory") && parse_ll(v, 1, LLONG_MAX, &n))
		r->memory = n;
	else if (!strcmp(key, "res_memory_swap") && parse_ll(v, -1, LLONG_MAX, &n) && n)
		r->memory_swap = n;
	else if (!strcmp(key, "res_memory_reservation") && parse_ll(v, 1, LLONG_MAX, &n))
		r->memory_reservation = n;
	else if (!strcmp(key, "res_cpu_quota") && parse_ll(v, 1000, LLONG_MAX, &n))
		r->cpu_quota = n;
	else if (!strcmp(key, "res_cpu_period") && parse_ll(v, 1000, 1000000, &n))
		r->cpu_period = n;
	else if (!strcmp(key, "res_cpu_weight") && parse_ll(v, 1, 10000, &n))
		r->cpu_weight = (unsigned)n;
	else if (!strcmp(key, "res_pids_limit") && parse_ll(v, -1, 4194304, &n) && n)
		r->pids_limit = n;
	else if (!strcmp(key, "res_io_weight") && parse_ll(v, 1, 10000, &n))
		r->io_weight = (unsigned)n;
	else if (!strcmp(key, "cgroups") || !strcmp(key, "shm_size") || !strncmp(key, "res_", 4))
		return -1;
	else
		return 1;
	return 0;
}

static int parse_line(struct cr_config *cfg, const char *key, const char *v)
{
	int ret = parse_image_line(cfg, key, v);

	if (ret <= 0)
		return ret;
	ret = parse_limit_line(cfg, key, v);
	if (ret <= 0)
		return ret;

	struct cr_mount *last = cfg->nmounts ? &cfg->mounts[cfg->nmounts - 1] : NULL;
	long n = strtol(v, NULL, 10);

	if (!strcmp(key, "name"))
		set_str(&cfg->name, v);
	else if (!strcmp(key, "rootfs"))
		set_str(&cfg->rootfs, v);
	else if (!strcmp(key, "arg"))
		strv_push(&cfg->args, v);
	else if (!strcmp(key, "env"))
		strv_push(&cfg->env, v);
	else if (!strcmp(key, "cwd"))
		set_str(&cfg->cwd, v);
	else if (!strcmp(key, "hostname"))
		set_str(&cfg->hostname, v);
	else if (!strcmp(key, "uid"))
		cfg->user_set = true, cfg->uid = (uid_t)n;
	else if (!strcmp(key, "gid"))
		cfg->gid = (gid_t)n;
	else if (!strcmp(key, "mount"))
		config_add_mount(cfg, strcmp(v, "tmpfs") ? CR_MOUNT_BIND : CR_MOUNT_TMPFS, NULL,
				 "/", false);
	else if (!strncmp(key, "mount.", 6) && !last)
		return -1;
	else if (!strcmp(key, "mount.src"))
		set_str(&last->src, v);
	else if (!strcmp(key, "mount.dst"))
		set_str(&last->dst, v);
	else if (!strcmp(key, "mount.ro"))
		last->readonly = n != 0;
	else if (!strcmp(key, "user"))
		set_str(&cfg->user, v);
	else if (!strcmp(key, "keepid_uid"))
		cfg->keepid_uid = n < 0 || n >= 0xffffffffL ? -1 : n;
	else if (!strcmp(key, "keepid_gid"))
		cfg->keepid_gid = n < 0 || n >= 0xffffffffL ? -1 : n;
	else if (!strcmp(key, "uidmap") || !strcmp(key, "overlay") || !strcmp(key, "net") ||
		 !strcmp(key, "userns") || !strcmp(key, "net_helper"))
		return parse_mode(cfg, key, n);
	else if (!strcmp(key, "net_host_loopback"))
		cfg->net_host_loopback = n != 0;
	else if (!strcmp(key, "read_only"))
		cfg->readonly_root = n != 0;
	else if (!strcmp(key, "remove"))
		cfg->remove = n != 0;
	else if (!strcmp(key, "init"))
		cfg->init = n != 0;
	else if (!strcmp(key, "tty"))
		cfg->tty = (int)n;
	else if (!strcmp(key, "log_size_max"))
		cfg->log_size_max =
		    log_parse_size(v) < CR_LOG_SIZE_MIN ? CR_LOG_SIZE_DEFAULT : log_parse_size(v);
	else if (!strcmp(key, "caps"))
		cfg->sec.caps = strtoull(v, NULL, 16);
	else if (!strcmp(key, "privileged"))
		cfg->sec.privileged = n != 0;
	else if (!strcmp(key, "no_new_privs"))
		cfg->sec.no_new_privs = n != 0;
	else if (!strcmp(key, "seccomp"))
		cfg->sec.seccomp = n != 0;
	else if (!strcmp(key, "landlock"))
		cfg->sec.landlock = n != 0;
	else if (!strcmp(key, "nested"))
		cfg->sec.nested = n != 0;
	else
		return parse_net_line(cfg, key, v);
	return 0;
}

static int parse_lines(const char *text, struct cr_config *cfg)
{
	cleanup_free char *copy = cr_xstrdup(text);
	char *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (!eq)
			return -1;
		*eq = '\0';
		unescape(eq + 1);
		if (parse_line(cfg, line, eq + 1) < 0)
			return -1;
	}
	return 0;
}

int config_parse(const char *text, struct cr_config *cfg)
{
	if (parse_lines(text, cfg) < 0 || !cfg->name || !cfg->rootfs)
		return -1;
	if (cfg->image && cfg->layers.n == 0)
		return -1;
	return cfg->rootfs[0] || cfg->image ? 0 : -1;
}

int config_parse_record(const char *text, struct cr_config *rec)
{
	if (parse_lines(text, rec) < 0)
		return -1;
	return rec->image ? 0 : -1;
}
