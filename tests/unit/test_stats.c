/* Unit tests: what `stats` reads (cgroup/stats.c): cpu.stat, io.stat and /proc/PID/net/dev as
 * the kernel writes them, and as a damaged or hostile file could be; a fake cgroup dir with
 * and without the controllers' files; CPU % between two readings. */
#include "unit.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/stats.h"
#include "utils.h"

START_TEST(cpu_stat)
{
	/* a v2 cgroup without the cpu controller has only these three */
	ck_assert_int_eq(stats_parse_cpu_stat("usage_usec 123456\nuser_usec 100000\n"
					      "system_usec 23456\n"),
			 123456);
	ck_assert_int_eq(stats_parse_cpu_stat("nr_periods 0\nusage_usec 7\n"), 7);
	ck_assert_int_eq(stats_parse_cpu_stat("usage_usec 7"), 7);
	ck_assert_int_eq(stats_parse_cpu_stat(""), -1);
	ck_assert_int_eq(stats_parse_cpu_stat("user_usec 5\n"), -1);
	ck_assert_int_eq(stats_parse_cpu_stat("xusage_usec 5\n"), -1);
	ck_assert_int_eq(stats_parse_cpu_stat("usage_usec -5\n"), -1);
	ck_assert_int_eq(stats_parse_cpu_stat("usage_usec 12abc\n"), -1);
	ck_assert_int_eq(stats_parse_cpu_stat("usage_usec 99999999999999999999999\n"), -1);
	ck_assert_int_eq(stats_parse_cpu_stat("usage_usec 9223372036854775807\n"),
			 9223372036854775807LL);
}
END_TEST

START_TEST(io_stat)
{
	long long r, w;

	stats_parse_io_stat("8:0 rbytes=1024 wbytes=2048 rios=1 wios=2 dbytes=0 dios=0\n"
			    "253:0 rbytes=10 wbytes=20 rios=1 wios=1 dbytes=0 dios=0\n",
			    &r, &w);
	ck_assert_int_eq(r, 1034);
	ck_assert_int_eq(w, 2068);
	stats_parse_io_stat("", &r, &w);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(w, 0);
	/* damaged: no number, a huge one (saturates), a field name in a value */
	stats_parse_io_stat("8:0 rbytes= wbytes=x\n8:1 rbytes=9223372036854775807\n"
			    "8:2 rbytes=5 xwbytes=7 wbytes=3",
			    &r, &w);
	ck_assert_int_eq(r, 9223372036854775807LL);
	ck_assert_int_eq(w, 3);
}
END_TEST

START_TEST(net_dev)
{
	static const char text[] =
	    "Inter-|   Receive                                                |  Transmit\n"
	    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    "
	    "packets errs drop fifo colls carrier compressed\n"
	    "    lo:  500000     100    0    0    0     0          0         0   500000     "
	    "100    0    0    0     0       0          0\n"
	    "  eth0:    1500      10    0    0    0     0          0         0      700      "
	    "7    0    0    0     0       0          0\n"
	    "  tap0: 100 1 0 0 0 0 0 0 50 1 0 0 0 0 0 0\n";
	long long rx, tx;

	stats_parse_net_dev(text, &rx, &tx);
	ck_assert_int_eq(rx, 1600);
	ck_assert_int_eq(tx, 750);
	/* only lo: nothing; a short line counts for nothing */
	stats_parse_net_dev("    lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n  eth0: 5 5\n", &rx, &tx);
	ck_assert_int_eq(rx, 0);
	ck_assert_int_eq(tx, 0);
	/* "lo0" is not lo */
	stats_parse_net_dev("  lo0: 3 1 0 0 0 0 0 0 4 1 0 0 0 0 0 0", &rx, &tx);
	ck_assert_int_eq(rx, 3);
	ck_assert_int_eq(tx, 4);
}
END_TEST

START_TEST(cpu_percent)
{
	struct cr_stats a = {.cpu_usec = 1000000, .when = 1000000000ULL};
	struct cr_stats b = {.cpu_usec = 1500000, .when = 2000000000ULL};

	ck_assert_double_eq_tol(stats_cpu_percent(&a, &b), 50.0, 0.001);
	b.cpu_usec = 3000000; /* two CPUs busy */
	ck_assert_double_eq_tol(stats_cpu_percent(&a, &b), 200.0, 0.001);
	/* unknown, going backwards, no time between: 0, never a division by zero */
	a.cpu_usec = -1;
	ck_assert_double_eq(stats_cpu_percent(&a, &b), 0.0);
	a.cpu_usec = 4000000;
	ck_assert_double_eq(stats_cpu_percent(&a, &b), 0.0);
	a.cpu_usec = 0;
	b.when = a.when;
	ck_assert_double_eq(stats_cpu_percent(&a, &b), 0.0);
}
END_TEST

static void put(const char *dir, const char *name, const char *text)
{
	cleanup_free char *path = cr_xasprintf("%s/%s", dir, name);
	struct cr_error err = {0};

	ck_assert_int_eq(cr_write_file(path, text, strlen(text), 0600, &err), 0);
}

START_TEST(read_fake_cgroup)
{
	char dir[] = "/tmp/test-stats-XXXXXX";
	struct cr_stats s;
	struct cr_error err = {0};
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* no controller enabled: cpu.stat's usage and cgroup.procs' lines only */
	put(dir, "cpu.stat", "usage_usec 42\nuser_usec 40\nsystem_usec 2\n");
	put(dir, "cgroup.procs", "100\n101\n102\n");
	ck_assert_int_eq(stats_read(fd, 0, &s, &err), 0);
	ck_assert_int_eq(s.cpu_usec, 42);
	ck_assert_int_eq(s.pids, 3);
	ck_assert_int_eq(s.pids_limit, -1);
	ck_assert_int_eq(s.mem_current, -1);
	ck_assert_int_eq(s.mem_limit, -1);
	ck_assert_int_eq(s.blk_read, -1);
	ck_assert_int_eq(s.net_rx, -1);
	ck_assert_uint_gt(s.when, 0);
	/* the controllers' files: they win over cgroup.procs; "max" is -1 */
	put(dir, "pids.current", "5\n");
	put(dir, "pids.max", "50\n");
	put(dir, "memory.current", "1048576\n");
	put(dir, "memory.max", "max\n");
	put(dir, "io.stat", "8:0 rbytes=7 wbytes=9 rios=1 wios=1 dbytes=0 dios=0\n");
	ck_assert_int_eq(stats_read(fd, 0, &s, &err), 0);
	ck_assert_int_eq(s.pids, 5);
	ck_assert_int_eq(s.pids_limit, 50);
	ck_assert_int_eq(s.mem_current, 1048576);
	ck_assert_int_eq(s.mem_limit, -1);
	ck_assert_int_eq(s.blk_read, 7);
	ck_assert_int_eq(s.blk_write, 9);
	/* a symlink in the cgroup dir is not followed */
	cleanup_free char *link = cr_xasprintf("%s/memory.current", dir);
	unlink(link);
	ck_assert_int_eq(symlink("/proc/self/stat", link), 0);
	ck_assert_int_eq(stats_read(fd, 0, &s, &err), 0);
	ck_assert_int_eq(s.mem_current, -1);
	/* our own net/dev: it exists for any process */
	ck_assert_int_eq(stats_read(-1, getpid(), &s, &err), 0);
	ck_assert_int_ge(s.net_rx, 0);
	ck_assert_int_eq(s.pids, -1);
	close(fd);
	/* a dir with neither file is not a cgroup: an error, one line */
	fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_eq(stats_read(fd, 0, &s, &err), -1);
	ck_assert_str_eq(err.msg, "read the container's cgroup");
	close(fd);
	ck_assert_int_eq(cr_rm_rf(dir, &err), 0);
}
END_TEST

START_TEST(human_sizes)
{
	char b[32];
	static const struct {
		long long v;
		const char *s;
	} cases[] = {{0, "0B"},
		     {999, "999B"},
		     {1000, "1kB"},
		     {1500, "1.5kB"},
		     {1048576, "1.049MB"},
		     {2000000000, "2GB"},
		     {536870912, "536.9MB"},
		     {-1, "--"},
		     {9223372036854775807LL, "9.223EB"}};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		stats_human_size(cases[i].v, b, sizeof(b));
		ck_assert_str_eq(b, cases[i].s);
	}
}
END_TEST

START_TEST(cells)
{
	struct cr_stats s = {.cpu_usec = 1234567,
			     .mem_current = 1000000,
			     .mem_limit = -1,
			     .pids = 3,
			     .pids_limit = -1,
			     .blk_read = -1,
			     .blk_write = -1,
			     .net_rx = 1500,
			     .net_tx = 700};
	struct cr_stats_cells c;

	/* no memory.max: the host's memory is the limit, as podman shows it */
	stats_cells(&s, 12.345, 4000000000LL, &c);
	ck_assert_str_eq(c.cpu_perc, "12.35%");
	ck_assert_str_eq(c.cpu_time, "1.234s");
	ck_assert_str_eq(c.mem_usage, "1MB / 4GB");
	ck_assert_str_eq(c.mem_perc, "0.03%");
	ck_assert_str_eq(c.net_io, "1.5kB / 700B");
	ck_assert_str_eq(c.block_io, "-- / --");
	ck_assert_str_eq(c.pids, "3");
	s.mem_limit = 2000000;
	stats_cells(&s, 0, 4000000000LL, &c);
	ck_assert_str_eq(c.mem_usage, "1MB / 2MB");
	ck_assert_str_eq(c.mem_perc, "50.00%");
	/* nothing known (no cgroup, host network): "--" everywhere, as the issue asks */
	s = (struct cr_stats){-1, -1, -1, -1, -1, -1, -1, -1, -1, 0};
	stats_cells(&s, 0, 4000000000LL, &c);
	ck_assert_str_eq(c.cpu_perc, "--");
	ck_assert_str_eq(c.mem_usage, "-- / --");
	ck_assert_str_eq(c.mem_perc, "--");
	ck_assert_str_eq(c.net_io, "-- / --");
	ck_assert_str_eq(c.pids, "--");
}
END_TEST

/* Without the pids controller, the processes are counted in the container's leaf and below
 * (cgroup.h: they live there, the limits' cgroup has none of its own). */
START_TEST(read_leaf_procs)
{
	char dir[] = "/tmp/test-stats-XXXXXX";
	struct cr_stats s;
	struct cr_error err = {0};
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	put(dir, "cpu.stat", "usage_usec 42\n");
	put(dir, "cgroup.procs", "");
	cleanup_free char *leaf = cr_xasprintf("%s/container", dir);
	cleanup_free char *sub = cr_xasprintf("%s/container/made-inside", dir);
	ck_assert_int_eq(mkdir(leaf, 0700), 0);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	put(leaf, "cgroup.procs", "100\n101\n");
	put(sub, "cgroup.procs", "102\n");
	ck_assert_int_eq(stats_read(fd, 0, &s, &err), 0);
	ck_assert_int_eq(s.pids, 3);
	close(fd);
	ck_assert_int_eq(cr_rm_rf(dir, &err), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, cpu_stat);
	tcase_add_test(tc, io_stat);
	tcase_add_test(tc, net_dev);
	tcase_add_test(tc, cpu_percent);
	tcase_add_test(tc, human_sizes);
	tcase_add_test(tc, cells);
	suite_add_tcase(s, tc);
	tc = tcase_create("read");
	tcase_add_test(tc, read_fake_cgroup);
	tcase_add_test(tc, read_leaf_procs);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
