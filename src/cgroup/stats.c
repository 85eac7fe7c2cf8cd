/* cgroup/stats.c - what `stats` reads of a container: its cgroup's cpu.stat, memory.current
 * and memory.max, pids.current and pids.max (else cgroup.procs' lines), io.stat, and PID 1's
 * /proc/PID/net/dev. Every file is the kernel's text, yet read as untrusted: bounded reads,
 * numbers parsed with overflow checks, anything odd is "unknown" (-1), never a crash. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/stats.h"
#include "utils.h"

/* Parses the decimal number at *p (no sign), moving *p past it; false on none or overflow. */
static bool parse_num(const char **p, long long *out)
{
	const char *s = *p;
	long long v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (__LONG_LONG_MAX__ - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*p = s;
	*out = v;
	return true;
}

/* Adds b to *a, saturating (a sum of counters never wraps to a negative). */
static void add_sat(long long *a, long long b)
{
	*a = *a > __LONG_LONG_MAX__ - b ? __LONG_LONG_MAX__ : *a + b;
}

long long stats_parse_cpu_stat(const char *text)
{
	const char *p = text;

	while (p && *p) {
		long long v;

		if (!strncmp(p, "usage_usec ", 11)) {
			const char *q = p + 11;

			if (parse_num(&q, &v) && (*q == '\n' || *q == '\0'))
				return v;
			return -1;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

void stats_parse_io_stat(const char *text, long long *rbytes, long long *wbytes)
{
	const char *p = text;

	*rbytes = *wbytes = 0;
	/* "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" a device */
	while (p && *p) {
		const char *end = strchr(p, '\n');
		const char *q = p;

		if (!end)
			end = p + strlen(p);
		while (q < end) {
			long long v;
			long long *to = NULL;
			const char *f;

			while (q < end && *q == ' ')
				q++;
			f = q;
			if ((size_t)(end - f) > 7 && !strncmp(f, "rbytes=", 7))
				to = rbytes;
			else if ((size_t)(end - f) > 7 && !strncmp(f, "wbytes=", 7))
				to = wbytes;
			if (to) {
				q = f + 7;
				if (parse_num(&q, &v))
					add_sat(to, v);
			}
			while (q < end && *q != ' ')
				q++;
		}
		p = *end ? end + 1 : end;
	}
}

void stats_parse_net_dev(const char *text, long long *rx, long long *tx)
{
	const char *p = text;

	*rx = *tx = 0;
	/* two header lines, then "  IFACE: rx_bytes packets errs drop fifo frame compressed
	 * multicast tx_bytes ..." */
	while (p && *p) {
		const char *end = strchr(p, '\n');
		const char *colon, *q, *name;
		long long v[9];
		int n = 0;

		if (!end)
			end = p + strlen(p);
		colon = memchr(p, ':', (size_t)(end - p));
		name = p;
		while (name < end && *name == ' ')
			name++;
		if (colon && !(colon - name == 2 && !strncmp(name, "lo", 2))) {
			for (q = colon + 1; n < 9 && q < end; n++) {
				while (q < end && *q == ' ')
					q++;
				if (q >= end || !parse_num(&q, &v[n]))
					break;
			}
			if (n == 9) {
				add_sat(rx, v[0]);
				add_sat(tx, v[8]);
			}
		}
		p = *end ? end + 1 : end;
	}
}

double stats_cpu_percent(const struct cr_stats *before, const struct cr_stats *after)
{
	double wall_us;

	if (before->cpu_usec < 0 || after->cpu_usec < before->cpu_usec ||
	    after->when <= before->when)
		return 0.0;
	wall_us = (double)(after->when - before->when) / 1000.0;
	return (double)(after->cpu_usec - before->cpu_usec) * 100.0 / wall_us;
}

/* Reads fd into buf (len bytes, NUL-terminated, the rest cut); its length, -1 if fd < 0. */
static ssize_t read_fd(int fd, char *buf, size_t len)
{
	size_t got = 0;

	if (fd < 0)
		return -1;
	while (got + 1 < len) {
		ssize_t n = read(fd, buf + got, len - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return (ssize_t)got;
}

/* Reads NAME beneath dirfd (never through a symlink) into buf; its length, -1 if absent. */
static ssize_t read_at(int dirfd, const char *name, char *buf, size_t len)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	return read_fd(fd, buf, len);
}

/* A file of one number ("max": -1), or -1 when absent or not a number. */
static long long read_value(int dirfd, const char *name)
{
	char buf[64];
	const char *p = buf;
	long long v;

	if (read_at(dirfd, name, buf, sizeof(buf)) <= 0 || !parse_num(&p, &v) ||
	    (*p != '\n' && *p != '\0'))
		return -1;
	return v;
}

/* The number of lines of cgroup.procs of the cgroup at dirfd and of its sub-cgroups (its
 * processes live in its leaf, cgroup.h), depth first: the processes, without the pids
 * controller. */
static long long count_procs(int dirfd, int depth)
{
	cleanup_close int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char buf[4096];
	long long lines = 0;
	ssize_t n;
	DIR *d;
	struct dirent *e;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	if (n < 0)
		return -1;
	close(fd);
	fd = depth < 8 ? dup(dirfd) : -1;
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d)
		return lines;
	fd = -1; /* the DIR owns it */
	while ((e = readdir(d))) {
		int sub;
		long long more;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue;
		more = count_procs(sub, depth + 1);
		close(sub);
		lines += more > 0 ? more : 0;
	}
	closedir(d);
	return lines;
}

int stats_read(int dirfd, pid_t pid, struct cr_stats *s, struct cr_error *err)
{
	char *buf = cr_xmalloc(65536);

	*s = (struct cr_stats){-1, -1, -1, -1, -1, -1, -1, -1, -1, 0};
	s->when = cr_now_ns();
	if (dirfd >= 0) {
		if (read_at(dirfd, "cpu.stat", buf, 65536) > 0)
			s->cpu_usec = stats_parse_cpu_stat(buf);
		s->mem_current = read_value(dirfd, "memory.current");
		s->mem_limit = read_value(dirfd, "memory.max");
		s->pids = read_value(dirfd, "pids.current");
		if (s->pids < 0)
			s->pids = count_procs(dirfd, 0);
		s->pids_limit = read_value(dirfd, "pids.max");
		if (read_at(dirfd, "io.stat", buf, 65536) >= 0)
			stats_parse_io_stat(buf, &s->blk_read, &s->blk_write);
		if (s->cpu_usec < 0 && s->pids < 0) {
			free(buf);
			return cr_fail(err, errno, "read the container's cgroup");
		}
	}
	if (pid > 0) {
		char path[64];
		cleanup_close int fd = -1;

		snprintf(path, sizeof(path), "/proc/%d/net/dev", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (read_fd(fd, buf, 65536) >= 0)
			stats_parse_net_dev(buf, &s->net_rx, &s->net_tx);
	}
	free(buf);
	return 0;
}

void stats_human_size(long long bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 0) {
		snprintf(buf, len, "--");
		return;
	}
	while (v >= 1000.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000.0;
		u++;
	}
	snprintf(buf, len, "%.4g%s", v, units[u]);
}

/* "A / B" of two sizes, "-- / --" when the first is unknown. */
static void pair(long long a, long long b, char *buf, size_t len)
{
	char x[24], y[24];

	stats_human_size(a, x, sizeof(x));
	stats_human_size(a < 0 ? -1 : b, y, sizeof(y));
	snprintf(buf, len, "%s / %s", x, y);
}

void stats_cells(const struct cr_stats *s, double cpu_percent, long long mem_total,
		 struct cr_stats_cells *out)
{
	long long limit = s->mem_limit > 0 ? s->mem_limit : mem_total;

	if (s->cpu_usec >= 0) {
		snprintf(out->cpu_perc, sizeof(out->cpu_perc), "%.2f%%", cpu_percent);
		snprintf(out->cpu_time, sizeof(out->cpu_time), "%lld.%03llds",
			 s->cpu_usec / 1000000, (s->cpu_usec / 1000) % 1000);
	} else {
		snprintf(out->cpu_perc, sizeof(out->cpu_perc), "--");
		snprintf(out->cpu_time, sizeof(out->cpu_time), "--");
	}
	pair(s->mem_current, limit, out->mem_usage, sizeof(out->mem_usage));
	if (s->mem_current >= 0 && limit > 0)
		snprintf(out->mem_perc, sizeof(out->mem_perc), "%.2f%%",
			 (double)s->mem_current * 100.0 / (double)limit);
	else
		snprintf(out->mem_perc, sizeof(out->mem_perc), "--");
	pair(s->net_rx, s->net_tx, out->net_io, sizeof(out->net_io));
	pair(s->blk_read, s->blk_write, out->block_io, sizeof(out->block_io));
	if (s->pids >= 0)
		snprintf(out->pids, sizeof(out->pids), "%lld", s->pids);
	else
		snprintf(out->pids, sizeof(out->pids), "--");
}
