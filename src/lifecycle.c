/* lifecycle.c - status, ps, inspect, logs, stop, kill, rm, unshare. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/limits.h"
#include "commands.h"
#include "keeper.h"
#include "lifecycle.h"
#include "log.h"
#include "net/ports.h"
#include "ps-format.h"
#include "utils.h"

static long long field_ll(const char *text, const char *key)
{
	char buf[32];

	return state_record_get(text, key, buf, sizeof(buf)) == 0 ? atoll(buf) : 0;
}

/* PID 1 of a container whose runner is holder: the runner's child in a PID namespace of its
 * own; 0 if there is none. */
static pid_t pid1_of(pid_t holder)
{
	cleanup_free char *children =
	    cr_xasprintf("/proc/%d/task/%d/children", (int)holder, (int)holder);
	cleanup_free char *own = cr_xasprintf("/proc/%d/ns/pid", (int)holder);
	char list[512];
	struct stat ours, theirs;
	struct cr_error ignored;

	if (cr_read_file(children, list, sizeof(list), &ignored) < 0 || stat(own, &ours) < 0)
		return 0;
	for (char *tok = strtok(list, " \n"); tok; tok = strtok(NULL, " \n")) {
		cleanup_free char *ns = cr_xasprintf("/proc/%s/ns/pid", tok);

		if (stat(ns, &theirs) == 0 && theirs.st_ino != ours.st_ino)
			return (pid_t)atoi(tok);
	}
	return 0;
}

/* When the record cannot be trusted (deleted, damaged): what the kernel says, the process
 * that holds the lock and its PID 1. False when no container process is found. */
static bool status_from_kernel(const struct cr_state *st, struct cr_status *out)
{
	pid_t holder = state_lock_holder(st);
	pid_t pid = holder > 0 ? pid1_of(holder) : 0;

	if (pid <= 0 || !(out->pid_start = cr_proc_start_time(pid)))
		return false;
	out->pid = pid;
	snprintf(out->status, sizeof(out->status), "running");
	return true;
}

/* The status a command of another runtime dir keeps of st, when it holds st's layer: that
 * dir is named in the data lock and must be a private dir of ours. */
static bool status_elsewhere(const struct cr_state *st, struct cr_status *out)
{
	char where[512];
	struct cr_state other;

	if (!state_data_locked_elsewhere(st, where, sizeof(where)) || !where[0] ||
	    state_runtime_dir_problem(where, getuid()))
		return false;
	other = *st;
	other.runtime_root = where;
	other.dir = cr_xasprintf("%s/%s", where, st->name);
	lifecycle_status(&other, out);
	free(other.dir);
	if (!strcmp(out->status, "exited"))
		snprintf(out->status, sizeof(out->status), "running"); /* its layer is in use */
	return true;
}

void lifecycle_status(const struct cr_state *st, struct cr_status *out)
{
	char text[1024], boot[64], rec_boot[64];
	bool locked = state_is_locked(st);

	memset(out, 0, sizeof(*out));
	state_runtime_read(st, text, sizeof(text));
	state_record_get(text, "status", out->status, sizeof(out->status));
	out->pid = (pid_t)field_ll(text, "pid");
	out->pid_start = (unsigned long long)field_ll(text, "pid_start");
	out->own_net = field_ll(text, "net") != 0;
	out->started = field_ll(text, "started");
	out->finished = field_ll(text, "finished");
	out->exit_code = -1;
	if (locked) {
		/* The record holds while its PID 1 is the process it names. */
		if ((!strcmp(out->status, "running") || !strcmp(out->status, "created")) &&
		    out->pid > 0 && out->pid_start &&
		    cr_proc_start_time(out->pid) == out->pid_start)
			return;
		if (status_from_kernel(st, out))
			return;
		snprintf(out->status, sizeof(out->status), "created"); /* or being set up */
		out->pid = 0;
		return;
	}
	if (status_elsewhere(st, out))
		return;
	state_boot_id(boot, sizeof(boot));
	if (state_record_get(text, "boot", rec_boot, sizeof(rec_boot)) == 0 &&
	    strcmp(rec_boot, boot))
		out->status[0] = '\0'; /* a record of an earlier boot: the container is gone */
	if (!strcmp(out->status, "exited"))
		out->exit_code = (int)field_ll(text, "exit_code");
	else if (out->status[0])
		out->exit_code = 137; /* its runner was killed, and PID 1 with it */
	else
		out->exit_code = state_saved_exit(st); /* nothing since a reboot */
	if (!out->status[0] && out->exit_code >= 0)
		out->finished = state_saved_exit_time(st); /* kept with it */
	else if (strcmp(out->status, "exited"))
		out->finished = 0;
	snprintf(out->status, sizeof(out->status), "exited");
	out->pid = 0;
}

/* Opens name's state without a lock, filling err for an unknown or invalid name. */
static int open_state(const struct cr_paths *paths, const char *name, struct cr_state *st,
		      struct cr_error *err)
{
	if (state_validate_name(name, err) < 0)
		return -1;
	return state_open_unlocked(paths, name, st, err);
}

/* A pidfd of name's PID 1 when it runs (or is created), else -1. */
static int running_pidfd(const struct cr_state *st, struct cr_status *s)
{
	lifecycle_status(st, s);
	if (!strcmp(s->status, "exited"))
		return -1;
	return cr_pidfd_verified(s->pid, s->pid_start);
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* The command line of a container, from its config, joined by spaces. */
static void command_of(const struct cr_config *cfg, char *buf, size_t len)
{
	size_t off = 0;

	snprintf(buf, len, "%s", cfg->args.n ? "" : "/bin/sh");
	for (size_t i = 0; i < cfg->args.n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", cfg->args.v[i]);
}

struct entry {
	const struct cr_state *st;
	struct cr_config cfg;
	struct cr_status s;
	long long created;
	char command[256];
	char id[CR_ID_LEN + 1];
};

/* Fills e for st; -1 (e still filled, as damaged) when its config cannot be read. */
static int load(const struct cr_state *st, struct entry *e)
{
	cleanup_free char *text = state_read_config(st);

	memset(e, 0, sizeof(*e));
	e->st = st;
	config_init(&e->cfg);
	lifecycle_status(st, &e->s);
	if (!text || config_parse(text, &e->cfg) < 0) {
		state_config_id(text, st->name, e->id);
		snprintf(e->s.status, sizeof(e->s.status), "damaged");
		snprintf(e->command, sizeof(e->command), "-");
		return -1;
	}
	e->created = field_ll(text, "created");
	state_config_id(text, st->name, e->id);
	command_of(&e->cfg, e->command, sizeof(e->command));
	return 0;
}

/* An entry for a container whose dirs are not what the tool made: only its name. */
static void load_damaged(struct cr_state *st, const char *name, struct entry *e)
{
	memset(st, 0, sizeof(*st));
	st->lock_fd = st->data_lock_fd = -1;
	snprintf(st->name, sizeof(st->name), "%s", name);
	memset(e, 0, sizeof(*e));
	e->st = st;
	config_init(&e->cfg);
	state_config_id(NULL, name, e->id);
	snprintf(e->s.status, sizeof(e->s.status), "damaged");
	snprintf(e->command, sizeof(e->command), "-");
}

/* True for what ps without -a lists: containers whose PID 1 runs. */
static bool is_live(const struct entry *e)
{
	return !strcmp(e->s.status, "running") || (!strcmp(e->s.status, "damaged") && e->s.pid);
}

static void json_strv(FILE *f, const struct cr_strv *v, size_t from)
{
	putc('[', f);
	for (size_t i = from; i < v->n; i++) {
		fputs(i > from ? "," : "", f);
		json_string(f, v->v[i]);
	}
	putc(']', f);
}

/* K=V entries as a JSON object {"K":"V"}; with empty_values, {"K":{}} (docker's ports). */
static void json_kv(FILE *f, const struct cr_strv *v, bool empty_values)
{
	putc('{', f);
	for (size_t i = 0; i < v->n; i++) {
		const char *eq = empty_values ? NULL : strchr(v->v[i], '=');
		cleanup_free char *key = cr_xstrdup(v->v[i]);

		key[eq ? (size_t)(eq - v->v[i]) : strlen(key)] = '\0';
		fputs(i ? "," : "", f);
		json_string(f, key);
		putc(':', f);
		if (empty_values)
			fputs("{}", f);
		else
			json_string(f, eq ? eq + 1 : "");
	}
	putc('}', f);
}

/* inspect's "Image" (the image ID, "" for a directory) and docker's "Config": what runs. */
static void print_json_config(FILE *f, const struct entry *e)
{
	const struct cr_config *c = &e->cfg;
	size_t ep = c->entrypoint.n <= c->args.n ? c->entrypoint.n : 0;

	fputs(",\"Image\":", f);
	json_string(f, c->image ? c->image : "");
	fputs(",\"Config\":{\"Image\":", f);
	json_string(f, c->image ? (c->image_name ? c->image_name : c->image)
				: (c->rootfs ? c->rootfs : ""));
	fputs(",\"Entrypoint\":", f);
	json_strv(f, &c->entrypoint, 0);
	fputs(",\"Cmd\":", f);
	json_strv(f, &c->args, ep);
	fputs(",\"Env\":", f);
	json_strv(f, &c->env, 0);
	fputs(",\"WorkingDir\":", f);
	json_string(f, c->cwd ? c->cwd : "");
	fputs(",\"User\":", f);
	json_string(f, c->user ? c->user : "");
	fputs(",\"Labels\":", f);
	json_kv(f, &c->labels, false);
	fputs(",\"ExposedPorts\":", f);
	json_kv(f, &c->expose, true);
	fputs(",\"StopSignal\":", f);
	json_string(f, c->stop_signal ? c->stop_signal : "");
	putc('}', f);
}

/* docker's HostConfig: the limits as given (0: not given; -1: unlimited). NanoCpus is
 * --cpus in 1e-9 CPUs; CpuWeight and IoWeight are cgroup v2's (--cpu-shares and
 * --blkio-weight are kept converted); PidsLimit 0 is the default (2048, or half the user's
 * RLIMIT_NPROC, where the pids controller is delegated). */
static void print_json_host_config(FILE *f, const struct entry *e)
{
	const struct cr_config *c = &e->cfg;
	const struct cr_resources *r = &c->res;
	long long period = r->cpu_period > 0 ? r->cpu_period : 100000;

	fprintf(f,
		",\"HostConfig\":{\"Memory\":%lld,\"MemorySwap\":%lld,"
		"\"MemoryReservation\":%lld,\"NanoCpus\":%lld,\"CpuPeriod\":%lld,"
		"\"CpuQuota\":%lld,\"CpuWeight\":%u,\"PidsLimit\":%lld,\"IoWeight\":%u,"
		"\"ShmSize\":%lld,\"Cgroups\":\"%s\",\"Ulimits\":[",
		r->memory, r->memory_swap, r->memory_reservation,
		r->cpu_quota > 0
		    ? (long long)((unsigned __int128)r->cpu_quota * 1000000000 / period)
		    : 0,
		r->cpu_period, r->cpu_quota, r->cpu_weight, r->pids_limit, r->io_weight,
		c->shm_size, c->cgroups ? "enabled" : "disabled");
	for (size_t i = 0; i < c->nrlimits; i++) {
		char spec[96];

		limits_format_ulimit(&c->rlimits[i], spec, sizeof(spec));
		spec[strcspn(spec, "=")] = '\0';
		fprintf(f, "%s{\"Name\":\"%s\",\"Soft\":%lld,\"Hard\":%lld}", i ? "," : "", spec,
			c->rlimits[i].soft == RLIM_INFINITY ? -1LL : (long long)c->rlimits[i].soft,
			c->rlimits[i].hard == RLIM_INFINITY ? -1LL : (long long)c->rlimits[i].hard);
	}
	fputs("]}", f);
}

/* One port of a range, for inspect's grouping by container port. */
struct port_item {
	unsigned ctr, host;
	unsigned char proto;
	const char *ip;
	size_t order;
};

static int by_ctr_port(const void *a, const void *b)
{
	const struct port_item *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->ctr != y->ctr)
		return x->ctr < y->ctr ? -1 : 1;
	if (!x->host != !y->host) /* the bound ones first */
		return !x->host ? 1 : -1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* docker's NetworkSettings.Ports: {"80/tcp":[{"HostIp":"","HostPort":"8080"}],...}, a
 * container port with no host port yet (a stopped container's random one) null; HostIp ""
 * is every address (podman's). */
static void json_ports(FILE *f, const struct entry *e)
{
	struct cr_port *p = NULL;
	struct port_item *items;
	size_t n = 0, total = 0, k = 0;

	cmd_port_list(e->st, &e->cfg, e->s.status, &p, &n);
	for (size_t i = 0; i < n; i++)
		total += p[i].count;
	items = cr_xcalloc(total + 1, sizeof(*items));
	for (size_t i = 0; i < n; i++)
		for (unsigned c = 0; c < p[i].count; c++, k++)
			items[k] = (struct port_item){p[i].ctr_port + c,
						      p[i].host_port ? p[i].host_port + c : 0,
						      p[i].proto, p[i].host_ip, k};
	qsort(items, total, sizeof(*items), by_ctr_port);
	fputs(",\"NetworkSettings\":{\"Ports\":{", f);
	for (size_t i = 0; i < total;) {
		size_t j = i;

		fprintf(f, "%s\"%u/%s\":", i ? "," : "", items[i].ctr,
			items[i].proto == CR_PROTO_UDP ? "udp" : "tcp");
		fputs(items[i].host ? "[" : "null", f);
		/* the group of one container port: its bound ones, then the unbound */
		for (;
		     j < total && items[j].ctr == items[i].ctr && items[j].proto == items[i].proto;
		     j++) {
			if (!items[j].host)
				continue;
			fputs(j > i ? ",{\"HostIp\":" : "{\"HostIp\":", f);
			json_string(f, items[j].ip);
			fprintf(f, ",\"HostPort\":\"%u\"}", items[j].host);
		}
		if (items[i].host)
			putc(']', f);
		i = j;
	}
	fputs("}}", f);
	free(items);
	free(p);
}

static void print_json(FILE *f, const struct entry *e, bool full)
{
	char when[32];

	fputs("{\"name\":", f);
	json_string(f, e->st->name);
	fprintf(f, ",\"id\":\"%s\"", e->id);
	fputs(",\"status\":", f);
	json_string(f, e->s.status);
	fprintf(f, ",\"pid\":%d,\"rootfs\":", (int)e->s.pid);
	json_string(f, e->cfg.rootfs ? e->cfg.rootfs : "");
	fputs(",\"image\":", f);
	json_string(f, e->cfg.image ? (e->cfg.image_name ? e->cfg.image_name : e->cfg.image) : "");
	fputs(",\"image_id\":", f);
	json_string(f, e->cfg.image ? e->cfg.image : "");
	fputs(",\"command\":", f);
	json_string(f, e->command);
	fprintf(f, ",\"created\":%lld", e->created);
	/* the exact times, RFC 3339 as docker's; "" when not known */
	psf_rfc3339(e->created, when, sizeof(when));
	fprintf(f, ",\"created_at\":\"%s\"", when);
	psf_rfc3339(strcmp(e->s.status, "running") ? 0 : e->s.started, when, sizeof(when));
	fprintf(f, ",\"started_at\":\"%s\"", when);
	psf_rfc3339(e->s.finished, when, sizeof(when));
	fprintf(f, ",\"finished_at\":\"%s\"", when);
	fprintf(f, ",\"log_size_max\":%lld", e->cfg.log_size_max);
	if (!strcmp(e->s.status, "exited"))
		fprintf(f, ",\"exit_code\":%d", e->s.exit_code);
	fputs(",\"namespaces\":{", f);
	for (int k = 0, first = 1; k < CR_NS_KINDS && e->s.pid && e->st->dir; k++) {
		cleanup_free char *path = NULL;

		if (!strcmp(cr_ns_names[k], "net") && !e->s.own_net)
			continue;
		path = cr_xasprintf("%s/ns/%s", e->st->dir, cr_ns_names[k]);
		fprintf(f, "%s\"%s\":", first ? "" : ",", cr_ns_names[k]);
		json_string(f, path);
		first = 0;
	}
	putc('}', f);
	if (full) {
		/* the running container's own cgroup (podman's State.CgroupPath), "" if none */
		char cg[640] = "";

		if (e->s.pid && e->st->dir)
			state_recorded_cgroup(e->st, cg, sizeof(cg));
		fputs(",\"cgroup\":", f);
		json_string(f, cg);
		print_json_config(f, e);
		print_json_host_config(f, e);
		json_ports(f, e);
	} else {
		cleanup_free char *ports = NULL;
		struct cr_port *p = NULL;
		size_t n = 0;

		cmd_port_list(e->st, &e->cfg, e->s.status, &p, &n);
		ports = ports_format_list(p, n);
		free(p);
		fputs(",\"ports\":", f);
		json_string(f, ports);
	}
	putc('}', f);
}

/* The cells of a row of the ps table, or the values of a --format template. */
struct row {
	char id[CR_ID_LEN + 1];
	char rootfs[4200];
	char image[4200]; /* the image's name, or the rootfs */
	char command[1100];
	char created[48];
	char created_at[48];
	char status[64];
	char pid[16];
	char exit_code[16];
	char ports[1024];
	char name[CR_NAME_MAX + 1];
};

/* docker's IMAGE column: the image's name, or (as podman shows --rootfs) the directory */
static const char *const ps_header[] = {"CONTAINER ID", "IMAGE", "COMMAND", "CREATED",
					"STATUS",	"PID",	 "PORTS",   "NAMES"};
#define PS_COLUMNS (sizeof(ps_header) / sizeof(ps_header[0]))

static void fill_row(const struct entry *e, bool trunc, long long now, struct row *r)
{
	char cmd[1024];
	time_t t = (time_t)e->created;
	struct tm tm;

	snprintf(r->id, sizeof(r->id), "%.*s", trunc ? CR_SHORT_ID_LEN : CR_ID_LEN, e->id);
	/* docker's cuts: COMMAND at 20 columns, quoted; a path keeps its end */
	psf_cut(e->cfg.rootfs ? e->cfg.rootfs : "-", trunc ? 30 : 0, true, r->rootfs,
		sizeof(r->rootfs));
	psf_cut(e->cfg.image ? (e->cfg.image_name ? e->cfg.image_name : e->cfg.image)
			     : (e->cfg.rootfs ? e->cfg.rootfs : "-"),
		trunc ? 30 : 0, true, r->image, sizeof(r->image));
	psf_cut(e->command, trunc ? 20 : 0, false, cmd, sizeof(cmd));
	snprintf(r->command, sizeof(r->command), "\"%s\"", cmd);
	psf_ago(e->created, now, r->created, sizeof(r->created));
	r->created_at[0] = '\0';
	if (e->created)
		strftime(r->created_at, sizeof(r->created_at), "%Y-%m-%d %H:%M:%S %z %Z",
			 localtime_r(&t, &tm));
	psf_status(e->s.status, e->s.exit_code, e->s.started, e->s.finished, now, r->status,
		   sizeof(r->status));
	snprintf(r->pid, sizeof(r->pid), "%d", (int)e->s.pid);
	snprintf(r->exit_code, sizeof(r->exit_code), "%d",
		 !strcmp(e->s.status, "exited") ? e->s.exit_code : 0);
	snprintf(r->name, sizeof(r->name), "%s", e->st->name);
	{
		struct cr_port *p = NULL;
		size_t n = 0;
		cleanup_free char *list = NULL;

		cmd_port_list(e->st, &e->cfg, e->s.status, &p, &n);
		list = ports_format_list(p, n);
		free(p);
		psf_cut(list, 0, false, r->ports, sizeof(r->ports));
	}
}

static void row_cells(const struct row *r, const char *cells[PS_COLUMNS])
{
	cells[0] = r->id;
	cells[1] = r->image;
	cells[2] = r->command;
	cells[3] = r->created[0] ? r->created : "-";
	cells[4] = r->status;
	cells[5] = strcmp(r->pid, "0") ? r->pid : "-";
	cells[6] = r->ports;
	cells[7] = r->name;
}

/* One line of the table: each cell padded to its column's width, 3 spaces apart. */
static void print_cells(const char *const cells[PS_COLUMNS], const size_t width[PS_COLUMNS])
{
	for (size_t c = 0; c < PS_COLUMNS; c++) {
		fputs(cells[c], stdout);
		for (size_t w = psf_width(cells[c]); c + 1 < PS_COLUMNS && w < width[c] + 3; w++)
			putchar(' ');
	}
	putchar('\n');
}

/* The table, its columns as wide as their widest cell, so that they stay aligned. */
static void print_table(const struct row *rows, size_t n)
{
	size_t width[PS_COLUMNS];
	const char *cells[PS_COLUMNS];

	for (size_t c = 0; c < PS_COLUMNS; c++)
		width[c] = psf_width(ps_header[c]);
	for (size_t i = 0; i < n; i++) {
		row_cells(&rows[i], cells);
		for (size_t c = 0; c < PS_COLUMNS; c++) {
			size_t w = psf_width(cells[c]);

			width[c] = w > width[c] ? w : width[c];
		}
	}
	print_cells(ps_header, width);
	for (size_t i = 0; i < n; i++) {
		row_cells(&rows[i], cells);
		print_cells(cells, width);
	}
}

/* The TEMPLATE of --format "table TEMPLATE" (docker's: aligned, under a header), or NULL. */
static const char *table_template(const char *format)
{
	return format && !strncmp(format, "table ", 6) ? format + 6 : NULL;
}

static void print_template(FILE *out, const char *tmpl, const struct entry *e, const struct row *r)
{
	const char *values[PSF_NFIELDS] = {
	    [PSF_ID] = r->id,
	    [PSF_NAMES] = r->name,
	    [PSF_ROOTFS] = r->rootfs,
	    [PSF_IMAGE] = r->image,
	    [PSF_PORTS] = r->ports,
	    [PSF_COMMAND] = r->command,
	    [PSF_CREATED_AT] = r->created_at,
	    [PSF_RUNNING_FOR] = r->created,
	    [PSF_STATUS] = r->status,
	    [PSF_STATE] = e->s.status,
	    [PSF_PID] = r->pid,
	    [PSF_EXIT_CODE] = r->exit_code,
	};

	psf_template_print(out, tmpl, values);
}

/* Prints the lines of a "table TEMPLATE" under their header, aligned. */
static void print_template_table(const char *tmpl, struct cr_strv *lines)
{
	char *header = NULL, **all;
	size_t len = 0;
	FILE *f = open_memstream(&header, &len);

	if (!f)
		return;
	psf_template_print(f, tmpl, psf_field_headers);
	fclose(f);
	all = cr_xcalloc(lines->n + 1, sizeof(*all));
	all[0] = header;
	for (size_t i = 0; i < lines->n; i++)
		all[i + 1] = lines->v[i];
	psf_print_columns(stdout, all, lines->n + 1);
	free(all);
	free(header);
}

/* Reads the filters of o into f; docker's rule: a status filter lists more than running. */
static int ps_filters(const struct cr_ps_opts *o, struct psf_filter *f, bool *all,
		      struct cr_error *err)
{
	memset(f, 0, sizeof(*f));
	*all = o->all;
	if (o->format && psf_template_check(o->format, err) < 0)
		return -1;
	for (size_t i = 0; o->filters && i < o->filters->n; i++) {
		if (psf_filter_add(f, o->filters->v[i], err) < 0) {
			psf_filter_free(f);
			return -1;
		}
	}
	*all = *all || f->has_states;
	return 0;
}

/* Prints one container as o asks (the table's rows, and the lines of a table template, are
 * kept in *rows and lines for the end). */
static void ps_one(const struct cr_ps_opts *o, const struct entry *e, bool *first,
		   struct row **rows, size_t *nrows, struct cr_strv *lines)
{
	struct row r;
	char *line = NULL;
	size_t len = 0;
	FILE *f;

	if (o->json) {
		fputs(*first ? "" : ",", stdout);
		print_json(stdout, e, false);
	} else {
		fill_row(e, !o->no_trunc, (long long)time(NULL), &r);
		if (o->quiet) {
			puts(r.id);
		} else if (table_template(o->format) && (f = open_memstream(&line, &len))) {
			print_template(f, table_template(o->format), e, &r);
			fclose(f);
			strv_push(lines, line);
			free(line);
		} else if (o->format) {
			print_template(stdout, o->format, e, &r);
		} else {
			*rows = cr_xrealloc(*rows, (*nrows + 1) * sizeof(**rows));
			(*rows)[(*nrows)++] = r;
		}
	}
	*first = false;
}

int lifecycle_ps(const struct cr_ps_opts *o, struct cr_error *err)
{
	struct cr_paths paths;
	struct psf_filter filter;
	struct row *rows = NULL;
	struct cr_strv lines = {0};
	size_t n, nrows = 0;
	char **names;
	bool first = true, all;

	if (ps_filters(o, &filter, &all, err) < 0)
		return -1;
	if (state_paths_init(&paths, err) < 0) {
		psf_filter_free(&filter);
		return -1;
	}
	names = state_list(&paths, &n);
	if (o->json)
		putchar('[');
	for (size_t i = 0; i < n; i++) {
		struct cr_state st;
		struct entry e;
		struct cr_error ignored;

		if (state_open_unlocked(&paths, names[i], &st, &ignored) == 0)
			load(&st, &e);
		else
			load_damaged(&st, names[i], &e);
		if ((all || is_live(&e)) && psf_filter_match(&filter, e.st->name, e.id, e.s.status))
			ps_one(o, &e, &first, &rows, &nrows, &lines);
		config_free(&e.cfg);
		state_release(&st);
		free(names[i]);
	}
	if (o->json)
		puts("]");
	else if (!o->quiet && !o->format)
		print_table(rows, nrows);
	else if (!o->quiet && table_template(o->format))
		print_template_table(table_template(o->format), &lines);
	if (keeper_mapping_stale(&paths))
		cr_warn("/etc/subuid or /etc/subgid changed: running containers keep the old "
			"mapping; the new one applies once they have all stopped");
	free(rows);
	strv_free(&lines);
	free(names);
	psf_filter_free(&filter);
	state_paths_free(&paths);
	return 0;
}

int lifecycle_inspect(const struct cr_strv *names, struct cr_error *err)
{
	struct cr_paths paths;
	struct cr_error *failed = cr_xcalloc(names->n ? names->n : 1, sizeof(*failed));
	size_t nfailed = 0;
	bool first = true;

	if (state_paths_init(&paths, err) < 0) {
		free(failed);
		return -1;
	}
	/* As docker: one array of those found; an error line for each other name, after it,
	 * and exit 1. */
	putchar('[');
	for (size_t i = 0; i < names->n; i++) {
		struct cr_state st;
		struct entry e;

		if (open_state(&paths, names->v[i], &st, &failed[nfailed]) < 0) {
			nfailed++;
			continue;
		}
		if (load(&st, &e) < 0) {
			cr_fail(&failed[nfailed++], 0, "the configuration of '%s' is damaged",
				names->v[i]);
		} else {
			fputs(first ? "" : ",", stdout);
			print_json(stdout, &e, true);
			first = false;
		}
		config_free(&e.cfg);
		state_release(&st);
	}
	puts("]");
	fflush(stdout);
	for (size_t i = 0; i < nfailed; i++)
		cr_error_print(&failed[i]);
	free(failed);
	state_paths_free(&paths);
	return nfailed ? 1 : 0;
}

/* Refuses a log (or its rotated half) that is not a regular file conti-rootless made: the
 * log cursor would pass over it in silence. */
static int check_log_files(const struct cr_state *st, struct cr_error *err)
{
	static const char *const names[] = {"log", "log.1"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cleanup_close int fd = state_open_runtime_file(st, names[i], O_PATH, 0);
		struct stat sb;

		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
			continue;
		cr_fail(err, fd < 0 ? errno : 0, "%s/%s is not a file conti-rootless made", st->dir,
			names[i]);
		return cr_hint(err, "remove it (never a link or a device): its log is made anew");
	}
	return 0;
}

int lifecycle_follow_log(const struct cr_paths *paths, const char *name, struct cr_log_cursor *from,
			 const struct cr_log_filter *filter, bool follow, struct cr_error *err)
{
	struct cr_state st;
	struct cr_status s;
	struct cr_log_cursor whole = {.fd = -1, .dirfd = -1, .idx = -1, .filter = filter};
	struct cr_log_cursor *c = from ? from : &whole;
	struct timespec pause = {0, 50 * 1000 * 1000};
	bool running = true;
	int ret = 0;

	if (open_state(paths, name, &st, err) < 0)
		return -1;
	if (check_log_files(&st, err) < 0) {
		state_release(&st);
		return -1;
	}
	if (!from && log_cursor_open(&whole, st.dir, false, err) < 0) {
		state_release(&st);
		return -1;
	}
	if (!from && filter && filter->tail >= 0)
		log_cursor_tail(&whole, filter->tail);
	while (running) {
		running = follow && state_is_locked(&st);
		if (log_cursor_copy(c, 1) < 0)
			break; /* our output is gone (logs -f | head) */
		if (running)
			nanosleep(&pause, NULL);
	}
	lifecycle_status(&st, &s);
	state_release(&st);
	log_cursor_close(&whole);
	if (follow && s.exit_code >= 0)
		ret = s.exit_code;
	return ret;
}

int lifecycle_logs(const char *name, bool follow, const struct cr_log_filter *filter,
		   struct cr_error *err)
{
	struct cr_paths paths;
	bool plain = !filter->timestamps && !filter->since && filter->tail < 0;
	int ret;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	/* without options, the bytes as they are: no index read, no line scan */
	ret = lifecycle_follow_log(&paths, name, NULL, plain ? NULL : filter, follow, err);
	state_paths_free(&paths);
	return ret < 0 ? -1 : 0;
}

static bool wait_exit(int pidfd, int ms)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};

	return poll(&p, 1, ms) == 1;
}

/* Waits (up to 10 s) until the runner has recorded the exit and let go of the lock. */
static void wait_unlocked(const struct cr_state *st)
{
	struct timespec pause = {0, 5 * 1000 * 1000};

	for (int i = 0; i < 2000 && state_is_locked(st); i++)
		nanosleep(&pause, NULL);
}

/* The image's StopSignal (docker's stop sends it), else SIGTERM. */
static int stop_signal(const struct cr_state *st)
{
	cleanup_free char *text = state_read_config(st);
	struct cr_config cfg;
	int sig = SIGTERM;

	config_init(&cfg);
	if (text && config_parse(text, &cfg) == 0 && cfg.stop_signal &&
	    lifecycle_parse_signal(cfg.stop_signal) > 0)
		sig = lifecycle_parse_signal(cfg.stop_signal);
	config_free(&cfg);
	return sig;
}

int lifecycle_stop_one(const struct cr_paths *paths, const char *name, int timeout,
		       struct cr_error *err)
{
	struct cr_state st;
	struct cr_status s;
	int pidfd;

	if (open_state(paths, name, &st, err) < 0)
		return -1;
	pidfd = running_pidfd(&st, &s);
	if (pidfd >= 0) {
		/* A created PID 1 has no handler yet: only SIGKILL reaches it. */
		int sig = strcmp(s.status, "created") && timeout > 0 ? stop_signal(&st) : SIGKILL;

		syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
		if (sig != SIGKILL && !wait_exit(pidfd, timeout * 1000))
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		wait_exit(pidfd, 10000);
		close(pidfd);
	}
	wait_unlocked(&st);
	state_release(&st);
	return 0;
}

int lifecycle_stop(const struct cr_strv *names, int timeout, struct cr_error *err)
{
	struct cr_paths paths;
	int ret = 0;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	for (size_t i = 0; i < names->n; i++) {
		if (lifecycle_stop_one(&paths, names->v[i], timeout, err) < 0)
			ret = -1;
		else
			printf("%s\n", names->v[i]);
	}
	state_paths_free(&paths);
	return ret;
}

int lifecycle_kill(const struct cr_strv *names, int sig, struct cr_error *err)
{
	struct cr_paths paths;
	int ret = 0;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	for (size_t i = 0; i < names->n; i++) {
		struct cr_state st;
		struct cr_status s;
		int pidfd;

		if (open_state(&paths, names->v[i], &st, err) < 0) {
			ret = -1;
			continue;
		}
		pidfd = running_pidfd(&st, &s);
		if (pidfd < 0 || syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
			ret = cr_fail(err, 0, "container '%s' is not running", names->v[i]);
			cr_hint(err, "start it with 'conti-rootless start %s'", names->v[i]);
		} else {
			printf("%s\n", names->v[i]);
		}
		if (pidfd >= 0)
			close(pidfd);
		state_release(&st);
	}
	state_paths_free(&paths);
	return ret;
}

/* Files the container's users made belong to subordinate ids: they are removed as the
 * keeper's root, and the handles are dropped in its mount namespace. Joined at the
 * first container to remove, so that rm of unknown names starts no keeper. */
static int join_keeper_once(const struct cr_paths *paths, bool *joined, bool *started,
			    struct cr_error *err)
{
	struct cr_keeper k;

	if (*joined)
		return 0;
	if (keeper_join(paths, CR_UIDMAP_AUTO, false, false, NULL, &k, err) < 0)
		return -1;
	keeper_release(&k);
	*joined = true;
	*started = k.started;
	return 0;
}

/* Rewrites a failed lock of name as what the user can do: a running or created container is
 * stopped, or removed with rm -f. */
static int rm_busy(const struct cr_paths *paths, const char *name, struct cr_error *err)
{
	struct cr_state st;
	struct cr_status s;
	struct cr_error ignored;

	if (state_open_unlocked(paths, name, &st, &ignored) < 0)
		return -1;
	if (state_is_locked(&st)) {
		lifecycle_status(&st, &s);
		if (!strcmp(s.status, "running")) {
			cr_fail(err, 0, "container '%s' is running", name);
			cr_hint(err,
				"stop it first with 'conti-rootless stop %s', or use "
				"'conti-rootless rm -f %s'",
				name, name);
		} else if (!strcmp(s.status, "created")) {
			cr_fail(err, 0, "container '%s' is created and waits for 'start'", name);
			cr_hint(err, "remove it with 'conti-rootless rm -f %s'", name);
		}
	}
	state_release(&st);
	return -1;
}

/* True (err filled) when name's layer is held from another runtime dir: rm -f must not stop
 * what this runtime dir cannot remove. */
static bool used_elsewhere(const struct cr_paths *paths, const char *name, struct cr_error *err)
{
	struct cr_state st;
	struct cr_error ignored;
	bool elsewhere;

	if (state_open_unlocked(paths, name, &st, &ignored) < 0)
		return false;
	elsewhere = state_data_locked_elsewhere(&st, NULL, 0);
	state_release(&st);
	if (!elsewhere || state_open(paths, name, &st, err) < 0)
		return elsewhere;
	state_release(&st); /* let go of in the meantime */
	return false;
}

/* Locks name for rm; a runner that has recorded its container's exit still holds the lock
 * while it cleans up (the network helper's stop, the layer's unmount): waited for, up to 3 s,
 * so that rm right after the command ended does not fail. */
static int open_for_rm(const struct cr_paths *paths, const char *name, struct cr_state *st,
		       struct cr_error *err)
{
	struct timespec pause = {0, 5 * 1000 * 1000};

	for (int i = 0; i < 600; i++) {
		struct cr_state probe;
		struct cr_error ignored;
		char text[1024], status[16] = "";

		if (state_open(paths, name, st, err) == 0)
			return 0;
		if (state_open_unlocked(paths, name, &probe, &ignored) < 0)
			return -1;
		state_runtime_read(&probe, text, sizeof(text));
		state_record_get(text, "status", status, sizeof(status));
		state_release(&probe);
		if (strcmp(status, "exited"))
			return -1;
		nanosleep(&pause, NULL);
	}
	return -1;
}

static int rm_one(const struct cr_paths *paths, const char *name, bool force, bool *joined,
		  bool *started, struct cr_error *err)
{
	struct cr_state st;

	if (state_validate_name(name, err) < 0)
		return -1;
	if (state_open_unlocked(paths, name, &st, err) < 0) {
		/* -f: an unknown name is no error; a dir not made by the tool is. */
		return force && !strncmp(err->msg, "no container", 12) ? 0 : -1;
	}
	state_release(&st);
	if (used_elsewhere(paths, name, err))
		return -1;
	if (join_keeper_once(paths, joined, started, err) < 0)
		return -1;
	if (open_for_rm(paths, name, &st, err) < 0) {
		if (!force)
			return rm_busy(paths, name, err);
		if (lifecycle_stop_one(paths, name, 0, err) < 0)
			return -1;
		if (state_open(paths, name, &st, err) < 0) {
			struct cr_state gone;

			/* A --rm container's monitor removes it when it stops: done, then. */
			if (state_open_unlocked(paths, name, &gone, err) == 0) {
				state_release(&gone);
				return -1;
			}
			printf("%s\n", name);
			return 0;
		}
	}
	if (state_remove(paths, &st, false, err) < 0) {
		state_release(&st);
		return -1;
	}
	state_release(&st);
	printf("%s\n", name);
	return 0;
}

int lifecycle_rm(const struct cr_strv *names, bool force, struct cr_error *err)
{
	struct cr_paths paths;
	bool joined = false, started = false;
	int ret = 0;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	for (size_t i = 0; i < names->n; i++) {
		if (rm_one(&paths, names->v[i], force, &joined, &started, err) < 0)
			ret = -1;
	}
	if (joined)
		state_collect_garbage(&paths, true);
	if (started)
		keeper_stop_if_idle(&paths);
	state_paths_free(&paths);
	return ret;
}

int lifecycle_unshare(char **argv, struct cr_error *err)
{
	struct cr_paths paths;
	struct cr_keeper k;
	const char *shell = getenv("SHELL");
	char *dflt[] = {(char *)(shell && *shell ? shell : "/bin/sh"), NULL};
	char **cmd = argv && argv[0] ? argv : dflt;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	if (keeper_join(&paths, CR_UIDMAP_AUTO, false, false, NULL, &k, err) < 0) {
		state_paths_free(&paths);
		return -1;
	}
	keeper_release(&k);
	setenv("CONTI_ROOTLESS_RUNTIME", paths.runtime, 1);
	state_paths_free(&paths);
	execvp(cmd[0], cmd);
	cr_fail(err, errno, "%s", cmd[0]);
	err->status = errno == ENOENT ? CR_EXIT_NOT_FOUND : CR_EXIT_CANNOT_EXEC;
	return -1;
}

int lifecycle_parse_signal(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} sigs[] = {{"HUP", SIGHUP},   {"INT", SIGINT},	    {"QUIT", SIGQUIT}, {"KILL", SIGKILL},
		    {"USR1", SIGUSR1}, {"USR2", SIGUSR2},   {"TERM", SIGTERM}, {"CONT", SIGCONT},
		    {"STOP", SIGSTOP}, {"WINCH", SIGWINCH}, {"ALRM", SIGALRM}};
	unsigned long n;

	if (cr_parse_ulong(s, &n))
		return n > 0 && n < 65 ? (int)n : -1;
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (!strcmp(s, sigs[i].name))
			return sigs[i].sig;
	}
	return -1;
}
