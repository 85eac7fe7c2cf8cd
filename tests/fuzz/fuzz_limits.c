/* fuzz_limits.c - libFuzzer target: the limits' parsers (cgroup/limits.c), each line of the
 * input given to each of them: sizes, --cpus, --ulimit. Promises: a size is -1 or >= 0, a
 * --cpus quota -1 or at least the kernel's 1 ms; every --ulimit failure is one printable
 * line; every one accepted has soft <= hard and its saved form parses back to the same
 * limit; the writes of what was parsed fit their buffer and each names its controller. */
#include <sys/resource.h>

#include "cgroup/cgroup.h"
#include "cgroup/limits.h"
#include "config.h"
#include "fuzz.h"

static void check_ulimit(const struct cr_rlimit *r)
{
	struct cr_config back;
	struct cr_error err = {0};
	char text[96];

	if (r->soft > r->hard)
		abort();
	limits_format_ulimit(r, text, sizeof(text));
	config_init(&back);
	if (limits_parse_ulimit(text, &back, &err) < 0 || back.nrlimits != 1 ||
	    back.rlimits[0].resource != r->resource || back.rlimits[0].soft != r->soft ||
	    back.rlimits[0].hard != r->hard)
		abort();
	config_free(&back);
}

static void check_writes(const struct cr_resources *res)
{
	struct cr_cgroup_write w[16];
	size_t n = limits_writes(res, 2048, CR_CTL_PIDS, w, 16);

	if (n > 7)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (!w[i].file || !w[i].value[0] || !w[i].ctl || (w[i].ctl & (w[i].ctl - 1)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct cr_config cfg;
	struct cr_resources res = {0};

	config_init(&cfg);
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct cr_error err = {0};
		long long v = limits_parse_size(line), q = limits_parse_cpus(line, 100000);

		if (v < -1 || (q != -1 && q < 1000))
			abort();
		if (v > 0) {
			res.memory = v;
			res.memory_swap = v / 3;
		}
		if (q > 0)
			res.cpu_quota = q;
		res.cpu_weight = limits_shares_to_weight((unsigned long long)v);
		res.io_weight = limits_blkio_to_io_weight((unsigned long long)v);
		if (res.cpu_weight > 10000 || res.io_weight > 10000)
			abort();
		if (limits_parse_ulimit(line, &cfg, &err) < 0)
			fuzz_check_error_line(&err);
	}
	for (size_t i = 0; i < cfg.nrlimits; i++)
		check_ulimit(&cfg.rlimits[i]);
	check_writes(&res);
	config_free(&cfg);
	free(text);
	return 0;
}
