/* cgroup/stats.h - what `stats` shows of a container: read from its cgroup (cpu.stat,
 * memory.current/max, pids.current, io.stat) and PID 1's /proc/PID/net/dev. The parsers are
 * pure (unit-tested, fuzzed); a file the cgroup lacks (a controller not enabled) leaves
 * its field at -1, shown "--".
 */
#ifndef CR_CGROUP_STATS_H
#define CR_CGROUP_STATS_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct cr_stats {
	long long cpu_usec;    /* cpu.stat usage_usec */
	long long mem_current; /* memory.current bytes */
	long long mem_limit;   /* memory.max bytes, -1 "max" or unknown */
	long long pids;	       /* pids.current, else the lines of cgroup.procs */
	long long pids_limit;  /* pids.max, -1: max or unknown */
	long long blk_read;    /* io.stat rbytes, summed over devices */
	long long blk_write;   /* io.stat wbytes */
	long long net_rx;      /* /proc/PID/net/dev, every interface but lo */
	long long net_tx;
	unsigned long long when; /* CLOCK_MONOTONIC ns of the reading (for CPU %) */
};

/* Reads the cgroup at dirfd (and pid's net/dev, pid > 0) into s. */
int stats_read(int dirfd, pid_t pid, struct cr_stats *s, struct cr_error *err);

/* cpu.stat's usage_usec; -1 if absent. */
long long stats_parse_cpu_stat(const char *text);
/* io.stat's rbytes and wbytes, summed over its lines. */
void stats_parse_io_stat(const char *text, long long *rbytes, long long *wbytes);
/* /proc/PID/net/dev's received and sent bytes, lo excluded. */
void stats_parse_net_dev(const char *text, long long *rx, long long *tx);
/* CPU % between two readings (100% = one CPU busy), as docker and podman show it. */
double stats_cpu_percent(const struct cr_stats *before, const struct cr_stats *after);

/* bytes as podman shows them (go-units' HumanSize: 1000-based, 4 significant digits):
 * "0B", "999B", "1.5kB", "1.049MB", "2GB"; "--" for -1 (unknown). */
void stats_human_size(long long bytes, char *buf, size_t len);

/* The cells `stats` shows of a reading (cpu %: stats_cpu_percent's, mem_total: the host's
 * memory, the limit shown where the cgroup has none), as podman names them. */
struct cr_stats_cells {
	char cpu_perc[16];  /* "12.34%" */
	char mem_usage[48]; /* "1.049MB / 2GB", "-- / --" */
	char mem_perc[16];  /* "0.05%", "--" */
	char net_io[48];    /* "1.5kB / 700B", "-- / --" */
	char block_io[48];  /* "0B / 4.096kB", "-- / --" */
	char pids[24];	    /* "3", "--" */
	char cpu_time[24];  /* "1.234s", "--" */
};
void stats_cells(const struct cr_stats *s, double cpu_percent, long long mem_total,
		 struct cr_stats_cells *out);

#endif
