/* Unit tests: the limits' parsers and their cgroup v2 writes (cgroup/limits.c): sizes as
 * docker takes them, --cpus, --ulimit, crun's conversions of v1 units, the default pids
 * limit, and the exact files and values each option writes. */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cgroup/cgroup.h"
#include "cgroup/limits.h"
#include "config.h"

START_TEST(size_forms)
{
	ck_assert_int_eq(limits_parse_size("1024"), 1024);
	ck_assert_int_eq(limits_parse_size("0"), 0);
	ck_assert_int_eq(limits_parse_size("10b"), 10);
	ck_assert_int_eq(limits_parse_size("4k"), 4096);
	ck_assert_int_eq(limits_parse_size("512m"), 512LL << 20);
	ck_assert_int_eq(limits_parse_size("512M"), 512LL << 20);
	ck_assert_int_eq(limits_parse_size("512mb"), 512LL << 20);
	ck_assert_int_eq(limits_parse_size("512MiB"), 512LL << 20);
	ck_assert_int_eq(limits_parse_size("1g"), 1LL << 30);
	ck_assert_int_eq(limits_parse_size("1.5g"), 3LL << 29);
	ck_assert_int_eq(limits_parse_size(".5k"), 512);
	ck_assert_int_eq(limits_parse_size("2t"), 2LL << 40);
	ck_assert_int_eq(limits_parse_size("8191p"), 8191LL << 50);
}
END_TEST

START_TEST(size_bad)
{
	const char *bad[] = {"",
			     "m",
			     "-1",
			     "-5m",
			     "1x",
			     "1mm",
			     "1 m",
			     "1.5.5g",
			     "0x10",
			     "1e3",
			     " 1",
			     "1m ",
			     "8192p",
			     "9223372036854775808",
			     "99999999999999999999999",
			     ".",
			     "1kib2",
			     "nan"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(limits_parse_size(bad[i]) == -1, "\"%s\" accepted", bad[i]);
	ck_assert_int_eq(limits_parse_size("9223372036854775807"), 9223372036854775807LL);
	ck_assert_int_eq(limits_parse_size(NULL), -1);
}
END_TEST

START_TEST(cpus)
{
	ck_assert_int_eq(limits_parse_cpus("0.5", 100000), 50000);
	ck_assert_int_eq(limits_parse_cpus("2", 100000), 200000);
	ck_assert_int_eq(limits_parse_cpus("1.25", 100000), 125000);
	ck_assert_int_eq(limits_parse_cpus("0.01", 100000), 1000);
	ck_assert_int_eq(limits_parse_cpus("1.5", 0), 150000); /* 0: the default period */
	ck_assert_int_eq(limits_parse_cpus("1.5", 50000), 75000);
	/* not > 0, below the kernel's 1 ms quota, not a number, too big */
	ck_assert_int_eq(limits_parse_cpus("0", 100000), -1);
	ck_assert_int_eq(limits_parse_cpus("0.0", 100000), -1);
	ck_assert_int_eq(limits_parse_cpus("0.001", 100000), -1);
	ck_assert_int_eq(limits_parse_cpus("-1", 100000), -1);
	ck_assert_int_eq(limits_parse_cpus("1m", 100000), -1);
	ck_assert_int_eq(limits_parse_cpus("", 100000), -1);
	ck_assert_int_eq(limits_parse_cpus("99999999999999999999", 100000), -1);
	ck_assert_int_eq(limits_parse_cpus("92233720368548", 100000), -1);
}
END_TEST

START_TEST(v1_conversions)
{
	/* crun's linear maps: 2..262144 -> 1..10000, 10..1000 -> 1..10000 */
	ck_assert_uint_eq(limits_shares_to_weight(0), 0);
	ck_assert_uint_eq(limits_shares_to_weight(2), 1);
	ck_assert_uint_eq(limits_shares_to_weight(1024), 39);
	ck_assert_uint_eq(limits_shares_to_weight(262144), 10000);
	ck_assert_uint_eq(limits_shares_to_weight(1), 1);
	ck_assert_uint_eq(limits_shares_to_weight(1ULL << 40), 10000);
	ck_assert_uint_eq(limits_blkio_to_io_weight(0), 0);
	ck_assert_uint_eq(limits_blkio_to_io_weight(10), 1);
	ck_assert_uint_eq(limits_blkio_to_io_weight(500), 4950);
	ck_assert_uint_eq(limits_blkio_to_io_weight(1000), 10000);
	ck_assert_uint_eq(limits_blkio_to_io_weight(5), 1);
	ck_assert_uint_eq(limits_blkio_to_io_weight(5000), 10000);
}
END_TEST

START_TEST(pids_default_limit)
{
	ck_assert_int_eq(limits_pids_default(RLIM_INFINITY), CR_PIDS_LIMIT_DEFAULT);
	ck_assert_int_eq(limits_pids_default(100000), CR_PIDS_LIMIT_DEFAULT);
	ck_assert_int_eq(limits_pids_default(4096), 2048);
	ck_assert_int_eq(limits_pids_default(1000), 500);
	ck_assert_int_eq(limits_pids_default(1), 1);
	ck_assert_int_eq(limits_pids_default(0), 1);
}
END_TEST

START_TEST(ulimit_parse)
{
	struct cr_config cfg;
	struct cr_error err = {0};
	char text[64];

	config_init(&cfg);
	ck_assert_int_eq(limits_parse_ulimit("nofile=1024:2048", &cfg, &err), 0);
	ck_assert_int_eq(limits_parse_ulimit("core=0", &cfg, &err), 0);
	ck_assert_int_eq(limits_parse_ulimit("stack=unlimited:-1", &cfg, &err), 0);
	ck_assert_uint_eq(cfg.nrlimits, 3);
	ck_assert_int_eq(cfg.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(cfg.rlimits[0].soft, 1024);
	ck_assert_uint_eq(cfg.rlimits[0].hard, 2048);
	ck_assert_int_eq(cfg.rlimits[1].resource, RLIMIT_CORE);
	ck_assert_uint_eq(cfg.rlimits[1].soft, 0);
	ck_assert_uint_eq(cfg.rlimits[1].hard, 0);
	ck_assert(cfg.rlimits[2].soft == RLIM_INFINITY && cfg.rlimits[2].hard == RLIM_INFINITY);
	/* a later one of the same type replaces it */
	ck_assert_int_eq(limits_parse_ulimit("nofile=100", &cfg, &err), 0);
	ck_assert_uint_eq(cfg.nrlimits, 3);
	ck_assert_uint_eq(cfg.rlimits[0].soft, 100);
	ck_assert_uint_eq(cfg.rlimits[0].hard, 100);
	/* the saved form parses back */
	limits_format_ulimit(&cfg.rlimits[2], text, sizeof(text));
	ck_assert_str_eq(text, "stack=unlimited:unlimited");
	limits_format_ulimit(&cfg.rlimits[0], text, sizeof(text));
	ck_assert_str_eq(text, "nofile=100:100");
	ck_assert_int_eq(limits_parse_ulimit("nproc=-1:unlimited", &cfg, &err), 0);
	limits_format_ulimit(&cfg.rlimits[3], text, sizeof(text));
	ck_assert_str_eq(text, "nproc=unlimited:unlimited");
	config_free(&cfg);
}
END_TEST

START_TEST(ulimit_bad)
{
	const char *bad[] = {"nofile",
			     "nofile=",
			     "nofile=:5",
			     "nofile=5:",
			     "nofile=x",
			     "nofile=2048:1024",
			     "nofiles=1",
			     "=1",
			     "NOFILE=1",
			     "nofile=1:2:3",
			     "nofile=-2",
			     "nofile= 1",
			     "nofile=18446744073709551615",
			     "nofile=99999999999999999999999",
			     "nofile=unlimited:5"};
	struct cr_config cfg;

	config_init(&cfg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cr_error err = {0};

		ck_assert_msg(limits_parse_ulimit(bad[i], &cfg, &err) == -1, "%s accepted", bad[i]);
		ck_assert_msg(!strncmp(err.msg, "--ulimit ", 9), "%s: %s", bad[i], err.msg);
		ck_assert(strstr(err.hint, "nofile=1024:2048"));
		ck_assert(!strchr(err.msg, '\n'));
	}
	ck_assert_uint_eq(cfg.nrlimits, 0);
	config_free(&cfg);
}
END_TEST

/* The writes of res as "file=value" lines. */
static const char *writes(const struct cr_resources *res, long long pids_default,
			  unsigned available)
{
	static char text[1024];
	struct cr_cgroup_write w[16];
	size_t n = limits_writes(res, pids_default, available, w, 16), len = 0;

	text[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s=%s", i ? " " : "",
					w[i].file, w[i].value);
	return text;
}

START_TEST(writes_each_option)
{
	struct cr_resources r = {0};
	unsigned all = CR_CTL_CPU | CR_CTL_MEMORY | CR_CTL_PIDS | CR_CTL_IO;

	ck_assert_str_eq(writes(&r, 0, all), "");
	ck_assert_str_eq(writes(&r, 2048, all), "pids.max=2048");
	ck_assert_str_eq(writes(&r, 2048, CR_CTL_CPU), ""); /* no pids controller: no default */
	/* --memory alone: as much swap as memory (docker) */
	r = (struct cr_resources){.memory = 512LL << 20};
	ck_assert_str_eq(writes(&r, 0, all), "memory.max=536870912 memory.swap.max=536870912");
	/* --memory-swap is memory + swap */
	r.memory_swap = 1LL << 30;
	ck_assert_str_eq(writes(&r, 0, all), "memory.max=536870912 memory.swap.max=536870912");
	r.memory_swap = 512LL << 20; /* = memory: no swap */
	ck_assert_str_eq(writes(&r, 0, all), "memory.max=536870912 memory.swap.max=0");
	r.memory_swap = CR_RES_UNLIMITED;
	ck_assert_str_eq(writes(&r, 0, all), "memory.max=536870912 memory.swap.max=max");
	r = (struct cr_resources){.memory = CR_RES_UNLIMITED, .memory_reservation = 1LL << 20};
	ck_assert_str_eq(writes(&r, 0, all),
			 "memory.max=max memory.swap.max=max memory.low=1048576");
	/* --cpus 0.5, --cpu-weight, a period of its own */
	r = (struct cr_resources){.cpu_quota = 50000};
	ck_assert_str_eq(writes(&r, 0, all), "cpu.max=50000 100000");
	r = (struct cr_resources){.cpu_quota = 25000, .cpu_period = 50000, .cpu_weight = 39};
	ck_assert_str_eq(writes(&r, 0, all), "cpu.max=25000 50000 cpu.weight=39");
	r = (struct cr_resources){.cpu_quota = CR_RES_UNLIMITED};
	ck_assert_str_eq(writes(&r, 0, all), "cpu.max=max 100000");
	/* --pids-limit N, -1 (podman's 0 is stored as -1): max; a given limit wins */
	r = (struct cr_resources){.pids_limit = 50};
	ck_assert_str_eq(writes(&r, 2048, all), "pids.max=50");
	r.pids_limit = CR_RES_UNLIMITED;
	ck_assert_str_eq(writes(&r, 2048, all), "pids.max=max");
	/* --io-weight */
	r = (struct cr_resources){.io_weight = 500};
	ck_assert_str_eq(writes(&r, 0, all), "io.weight=default 500");
	/* all of them, in order; each with its controller */
	r = (struct cr_resources){.memory = 1LL << 30,
				  .cpu_quota = 200000,
				  .cpu_weight = 100,
				  .pids_limit = 100,
				  .io_weight = 100};
	ck_assert_str_eq(writes(&r, 2048, all),
			 "memory.max=1073741824 memory.swap.max=1073741824 cpu.max=200000 100000 "
			 "cpu.weight=100 pids.max=100 io.weight=default 100");
	{
		struct cr_cgroup_write w[8];
		size_t n = limits_writes(&r, 0, all, w, 8);
		unsigned ctl[] = {CR_CTL_MEMORY, CR_CTL_MEMORY, CR_CTL_CPU,
				  CR_CTL_CPU,	 CR_CTL_PIDS,	CR_CTL_IO};

		ck_assert_uint_eq(n, 6);
		for (size_t i = 0; i < n; i++)
			ck_assert_uint_eq(w[i].ctl, ctl[i]);
		/* never past max */
		ck_assert_uint_eq(limits_writes(&r, 0, all, w, 3), 3);
		ck_assert_uint_eq(limits_writes(&r, 0, all, w, 0), 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("limits");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, size_forms);
	tcase_add_test(tc, size_bad);
	tcase_add_test(tc, cpus);
	tcase_add_test(tc, v1_conversions);
	tcase_add_test(tc, pids_default_limit);
	tcase_add_test(tc, ulimit_parse);
	tcase_add_test(tc, ulimit_bad);
	suite_add_tcase(s, tc);
	tc = tcase_create("writes");
	tcase_add_test(tc, writes_each_option);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
