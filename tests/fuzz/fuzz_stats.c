/* fuzz_stats.c - libFuzzer target: the cgroup and /proc texts `stats` reads (cgroup/stats.c):
 * cpu.stat, io.stat, /proc/PID/net/dev. Promises: no crash or overflow on any bytes; the
 * sums are never negative (they saturate); usage_usec is -1 or a number >= 0. */
#include "cgroup/stats.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	long long a, b, cpu = stats_parse_cpu_stat(text);
	struct cr_stats x = {.cpu_usec = 0, .when = 1}, y = {.cpu_usec = cpu, .when = 2};

	if (cpu < -1)
		abort();
	stats_parse_io_stat(text, &a, &b);
	if (a < 0 || b < 0)
		abort();
	stats_parse_net_dev(text, &a, &b);
	if (a < 0 || b < 0)
		abort();
	if (stats_cpu_percent(&x, &y) < 0.0)
		abort();
	free(text);
	return 0;
}
