/* cmd-stats.c - stats: the resource use of running containers, as podman stats shows it.
 *
 * Each container's numbers come from its own cgroup (cgroup/stats.c: cpu.stat, memory.*,
 * pids.*, io.stat), named by RUNTIME/NAME/state's cgroup= line and checked to be ours
 * (state_recorded_cgroup), and NET IO from its PID 1's /proc/PID/net/dev when it has a
 * network of its own. A container without a cgroup (none delegated, --cgroups=disabled)
 * shows "--" where there is nothing to read, and its PIDS from its PID namespace's
 * processes. CPU % is over the last second when streaming; the first reading's (and
 * --no-stream's) is the average since the container started, as podman's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/stats.h"
#include "commands.h"
#include "keeper.h"
#include "lifecycle.h"
#include "ps-format.h"
#include "state.h"
#include "utils.h"

struct row {
	char name[CR_NAME_MAX + 1];
	char id[CR_ID_LEN + 1];
	int cgfd; /* its cgroup, -1: none */
	pid_t pid;
	unsigned long long pid_start;
	bool own_net;
	struct stat pidns; /* PID 1's PID namespace, for PIDS without a cgroup */
	struct cr_stats s;
};

struct rows {
	struct row *v;
	size_t n;
};

/* The template fields, podman's names, and their table headers. */
enum field { F_ID, F_NAME, F_CPU, F_MEM, F_MEMP, F_NET, F_BLOCK, F_PIDS, F_TIME, F_N };
static const char *const field_names[F_N] = {"ID",    "Name",	 "CPUPerc", "MemUsage", "MemPerc",
					     "NetIO", "BlockIO", "PIDs",    "CPU"};
static const char *const field_headers[F_N] = {
    "ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET IO", "BLOCK IO", "PIDS", "CPU TIME"};
static const char default_table[] = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t"
				    "{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

static void rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].cgfd >= 0)
			close(r->v[i].cgfd);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

/* Adds name when it runs: 0; 1 when it does not (or is gone); -1 on a damaged state. */
static int add(const struct cr_paths *paths, const char *name, struct rows *r)
{
	struct cr_state st;
	struct cr_status s;
	struct cr_error ignored;
	struct row *w;
	char cg[640], path[64];
	cleanup_free char *config = NULL;

	if (state_open_unlocked(paths, name, &st, &ignored) < 0)
		return 1;
	lifecycle_status(&st, &s);
	if (strcmp(s.status, "running") || s.pid <= 0) {
		state_release(&st);
		return 1;
	}
	r->v = cr_xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	w = &r->v[r->n++];
	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "%s", name);
	config = state_read_config(&st);
	state_config_id(config, name, w->id);
	w->pid = s.pid;
	w->pid_start = s.pid_start;
	w->own_net = s.own_net;
	w->cgfd = -1;
	if (state_recorded_cgroup(&st, cg, sizeof(cg)) == 0)
		w->cgfd = open(cg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)s.pid);
	if (stat(path, &w->pidns) < 0)
		w->pidns.st_ino = 0;
	state_release(&st);
	return 0;
}

/* The containers to show: those named (each must run), or every running one. */
static int gather(const struct cr_paths *paths, const struct cr_strv *names, struct rows *r,
		  struct cr_error *err)
{
	char **all;
	size_t n;

	for (size_t i = 0; i < names->n; i++) {
		if (add(paths, names->v[i], r) != 0) {
			cr_fail(err, 0, "container '%s' is not running", names->v[i]);
			return cr_hint(err, "see 'conti-rootless ps -a'");
		}
	}
	if (names->n)
		return 0;
	all = state_list(paths, &n);
	for (size_t i = 0; i < n; i++) {
		add(paths, all[i], r);
		free(all[i]);
	}
	free(all);
	return 0;
}

/* PIDS of the containers without a cgroup: the processes of their PID namespace (one walk
 * of /proc for all of them). */
static void count_namespaces(struct rows *r)
{
	bool any = false;
	DIR *d;
	struct dirent *de;

	for (size_t i = 0; i < r->n; i++)
		any = any || (r->v[i].s.pids < 0 && r->v[i].pidns.st_ino);
	if (!any || !(d = opendir("/proc")))
		return;
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].s.pids < 0 && r->v[i].pidns.st_ino)
			r->v[i].s.pids = 0;
	while ((de = readdir(d))) {
		char path[64];
		struct stat ns;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
		if (stat(path, &ns) < 0)
			continue;
		for (size_t i = 0; i < r->n; i++)
			if (r->v[i].cgfd < 0 && r->v[i].pidns.st_ino == ns.st_ino &&
			    r->v[i].pidns.st_dev == ns.st_dev)
				r->v[i].s.pids++;
	}
	closedir(d);
}

static void read_all(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct row *w = &r->v[i];
		struct cr_error ignored;

		/* still the PID 1 recorded: its net/dev is the container's, not a reused pid's */
		bool alive = cr_proc_start_time(w->pid) == w->pid_start;

		stats_read(w->cgfd, alive && w->own_net ? w->pid : 0, &w->s, &ignored);
	}
	count_namespaces(r);
}

/* The average CPU % since PID 1 started (its start time in clock ticks since boot). */
static double average_cpu(const struct row *w)
{
	struct timespec now;
	double up;

	if (w->s.cpu_usec < 0 || clock_gettime(CLOCK_BOOTTIME, &now) < 0)
		return 0.0;
	up = (double)now.tv_sec + (double)now.tv_nsec / 1e9 -
	     (double)w->pid_start / (double)sysconf(_SC_CLK_TCK);
	return up > 0.001 ? (double)w->s.cpu_usec / 1e6 / up * 100.0 : 0.0;
}

/* The previous reading of name, NULL when there is none. */
static const struct cr_stats *previous(const struct rows *prev, const char *name)
{
	for (size_t i = 0; i < prev->n; i++)
		if (!strcmp(prev->v[i].name, name))
			return &prev->v[i].s;
	return NULL;
}

/* Checks a template: {{.Field}} of field_names, text, \t and \n escapes. */
static int check_template(const char *t, struct cr_error *err)
{
	for (const char *p = strstr(t, "{{"); p; p = strstr(p, "{{")) {
		const char *end = strstr(p, "}}");
		const char *f = p + 2;
		size_t n;
		bool known = false;

		if (!end) {
			cr_fail(err, 0, "--format: an unclosed {{ in '%s'", t);
			return cr_hint(err, "e.g. --format '{{.Name}} {{.PIDs}}'");
		}
		while (*f == ' ')
			f++;
		n = (size_t)(end - f);
		while (n && f[n - 1] == ' ')
			n--;
		for (int i = 0; i < F_N && *f == '.'; i++)
			known = known || (strlen(field_names[i]) == n - 1 &&
					  !strncmp(f + 1, field_names[i], n - 1));
		if (!known) {
			cr_fail(err, 0, "--format: unknown field '%.*s'", (int)(end - p - 2),
				p + 2);
			return cr_hint(err,
				       "the fields: .ID .Name .CPUPerc .MemUsage .MemPerc .NetIO "
				       ".BlockIO .PIDs .CPU");
		}
		p = end + 2;
	}
	return 0;
}

/* The template t with values in place of its fields (and \t, \n), into a new string. */
static char *expand(const char *t, const char *const values[F_N])
{
	size_t cap = strlen(t) + 256, at = 0;
	char *out = cr_xmalloc(cap);

	for (const char *p = t; *p;) {
		const char *add = NULL;
		size_t n = 1;
		char c[2] = {*p, 0};

		if (!strncmp(p, "{{", 2) && strstr(p, "}}")) {
			const char *end = strstr(p, "}}");
			const char *f = p + 2;
			size_t len;

			while (*f == ' ' || *f == '.')
				f++;
			len = (size_t)(end - f);
			while (len && f[len - 1] == ' ')
				len--;
			for (int i = 0; i < F_N; i++)
				if (strlen(field_names[i]) == len &&
				    !strncmp(f, field_names[i], len))
					add = values[i];
			n = (size_t)(end + 2 - p);
		} else if (!strncmp(p, "\\t", 2) || !strncmp(p, "\\n", 2)) {
			c[0] = p[1] == 't' ? '\t' : '\n';
			n = 2;
		}
		if (!add)
			add = c;
		if (at + strlen(add) + 2 > cap) {
			cap = (at + strlen(add) + 2) * 2;
			out = cr_xrealloc(out, cap);
		}
		memcpy(out + at, add, strlen(add));
		at += strlen(add);
		p += n;
	}
	out[at++] = '\n';
	out[at] = '\0';
	return out;
}

static void json_string(FILE *out, const char *key, const char *v, bool last)
{
	fprintf(out, "  \"%s\": \"", key);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fprintf(out, "\"%s\n", last ? "" : ",");
}

/* Prints one reading of every row, in the chosen form. */
static void print(const struct rows *r, const struct rows *prev, bool json, const char *format)
{
	struct sysinfo si;
	long long total = sysinfo(&si) == 0 ? (long long)si.totalram * si.mem_unit : -1;
	const char *t = format ? format : default_table;
	bool table = !strncmp(t, "table", 5) && (t[5] == ' ' || t[5] == '\0');
	char **lines = cr_xcalloc(r->n + 2, sizeof(char *));
	size_t n = 0;

	if (table)
		t += 5 + (t[5] == ' ');
	if (json)
		printf("[\n");
	if (!json && table)
		lines[n++] = expand(t, field_headers);
	for (size_t i = 0; i < r->n; i++) {
		const struct row *w = &r->v[i];
		const struct cr_stats *before = previous(prev, w->name);
		double cpu = before ? stats_cpu_percent(before, &w->s) : average_cpu(w);
		char id[13], avg[16];
		struct cr_stats_cells c;

		snprintf(id, sizeof(id), "%.12s", w->id);
		stats_cells(&w->s, cpu, total, &c);
		if (json) {
			snprintf(avg, sizeof(avg), "%.2f%%", average_cpu(w));
			printf(" {\n");
			json_string(stdout, "id", w->id, false);
			json_string(stdout, "name", w->name, false);
			json_string(stdout, "cpu_time", c.cpu_time, false);
			json_string(stdout, "cpu_percent", c.cpu_perc, false);
			json_string(stdout, "avg_cpu", w->s.cpu_usec >= 0 ? avg : "--", false);
			json_string(stdout, "mem_usage", c.mem_usage, false);
			json_string(stdout, "mem_percent", c.mem_perc, false);
			json_string(stdout, "net_io", c.net_io, false);
			json_string(stdout, "block_io", c.block_io, false);
			json_string(stdout, "pids", c.pids, true);
			printf(" }%s\n", i + 1 < r->n ? "," : "");
			continue;
		}
		lines[n++] = expand(t, (const char *const[F_N]){id, w->name, c.cpu_perc,
								c.mem_usage, c.mem_perc, c.net_io,
								c.block_io, c.pids, c.cpu_time});
	}
	if (json)
		printf("]\n");
	else if (table)
		psf_print_columns(stdout, lines, n);
	else
		for (size_t i = 0; i < n; i++)
			fputs(lines[i], stdout);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	fflush(stdout);
}

int cmd_stats(const struct cr_strv *names, bool no_stream, bool json, const char *format,
	      struct cr_error *err)
{
	struct cr_paths paths;
	struct rows prev = {0}, cur = {0};
	bool tty = isatty(1);
	int ret = 0;

	if (format && check_template(format, err) < 0)
		return -1;
	if (state_paths_init(&paths, err) < 0)
		return -1;
	for (;;) {
		if (gather(&paths, names, &cur, err) < 0) {
			ret = prev.n ? 0 : -1; /* a named one ended while we streamed: done */
			break;
		}
		read_all(&cur);
		if (!no_stream && tty)
			fputs("\033[H\033[2J", stdout); /* podman's redraw */
		print(&cur, &prev, json, format);
		if (no_stream || (names->n && !cur.n))
			break;
		rows_free(&prev);
		prev = cur;
		cur = (struct rows){0};
		sleep(1);
	}
	rows_free(&prev);
	rows_free(&cur);
	state_paths_free(&paths);
	return ret;
}
