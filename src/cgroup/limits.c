/* cgroup/limits.c - resource limits as the user writes them and as cgroup v2 takes them.
 *
 * Pure functions: no file is touched here. The units follow docker and podman (sizes are
 * 1024-based, --cpus is a number of CPUs, --memory-swap is memory plus swap) and the
 * conversions of v1 units (shares, blkio weight) follow crun's linear ones, so that a
 * container made by podman with crun and one made here get the same cgroup values.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cgroup/cgroup.h"
#include "cgroup/limits.h"
#include "utils.h"

#define CPU_PERIOD_DEFAULT 100000LL
#define CPU_QUOTA_MIN 1000LL /* the kernel refuses a cpu.max quota below 1 ms */

/* Appends FILE=value to out if there is room; returns the new count. */
static size_t add(struct cr_cgroup_write *out, size_t n, size_t max, const char *file, unsigned ctl,
		  const char *value)
{
	if (n >= max)
		return n;
	out[n].file = file;
	out[n].ctl = ctl;
	snprintf(out[n].value, sizeof(out[n].value), "%s", value);
	return n + 1;
}

/* FILE=v as a decimal number, or "max" for a negative v (CR_RES_UNLIMITED). */
static size_t add_num(struct cr_cgroup_write *out, size_t n, size_t max, const char *file,
		      unsigned ctl, long long v)
{
	char text[24];

	if (v < 0)
		return add(out, n, max, file, ctl, "max");
	snprintf(text, sizeof(text), "%lld", v);
	return add(out, n, max, file, ctl, text);
}

/* A byte count of the memory controller, or "max". */
static size_t add_bytes(struct cr_cgroup_write *out, size_t n, size_t max, const char *file,
			long long v)
{
	return add_num(out, n, max, file, CR_CTL_MEMORY, v);
}

static size_t memory_writes(const struct cr_resources *res, struct cr_cgroup_write *out, size_t n,
			    size_t max)
{
	if (res->memory)
		n = add_bytes(out, n, max, "memory.max", res->memory);
	/* --memory-swap is memory plus swap (docker's sense); v2's memory.swap.max is the
	 * swap alone. Not given with --memory: as much swap as memory, as docker does. */
	if (res->memory_swap < 0)
		n = add_bytes(out, n, max, "memory.swap.max", -1);
	else if (res->memory_swap > 0 && res->memory > 0)
		n = add_bytes(out, n, max, "memory.swap.max",
			      res->memory_swap > res->memory ? res->memory_swap - res->memory : 0);
	else if (res->memory_swap > 0)
		n = add_bytes(out, n, max, "memory.swap.max", res->memory_swap);
	else if (res->memory) /* unlimited memory: unlimited swap */
		n = add_bytes(out, n, max, "memory.swap.max", res->memory);
	if (res->memory_reservation)
		n = add_bytes(out, n, max, "memory.low", res->memory_reservation);
	return n;
}

static size_t cpu_writes(const struct cr_resources *res, struct cr_cgroup_write *out, size_t n,
			 size_t max)
{
	long long period = res->cpu_period > 0 ? res->cpu_period : CPU_PERIOD_DEFAULT;
	char text[48];

	if (res->cpu_quota > 0)
		snprintf(text, sizeof(text), "%lld %lld", res->cpu_quota, period);
	else
		snprintf(text, sizeof(text), "max %lld", period);
	if (res->cpu_quota || res->cpu_period > 0)
		n = add(out, n, max, "cpu.max", CR_CTL_CPU, text);
	if (res->cpu_weight)
		n = add_num(out, n, max, "cpu.weight", CR_CTL_CPU, res->cpu_weight);
	return n;
}

size_t limits_writes(const struct cr_resources *res, long long pids_default, unsigned available,
		     struct cr_cgroup_write *out, size_t max)
{
	size_t n = memory_writes(res, out, 0, max);
	char text[32];

	n = cpu_writes(res, out, n, max);
	if (res->pids_limit)
		n = add_num(out, n, max, "pids.max", CR_CTL_PIDS, res->pids_limit);
	else if (pids_default > 0 && (available & CR_CTL_PIDS))
		n = add_num(out, n, max, "pids.max", CR_CTL_PIDS, pids_default);
	if (res->io_weight) {
		snprintf(text, sizeof(text), "default %u", res->io_weight);
		n = add(out, n, max, "io.weight", CR_CTL_IO, text);
	}
	return n;
}

/* Reads the decimal number at *s ("12", "1.5", ".5"): its integer part in *whole and up to
 * 18 digits of its fraction as frac / *scale; false when there is no digit or it overflows. */
static bool parse_decimal(const char **s, unsigned long long *whole, unsigned long long *frac,
			  unsigned long long *scale)
{
	const char *p = *s;
	bool digits = false;

	*whole = 0;
	*frac = 0;
	*scale = 1;
	for (; *p >= '0' && *p <= '9'; p++, digits = true) {
		if (*whole > (ULLONG_MAX - 9) / 10)
			return false;
		*whole = *whole * 10 + (unsigned)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits = true) {
			if (*scale >= 1000000000000000000ULL)
				continue; /* finer than 1e-18: ignored */
			*frac = *frac * 10 + (unsigned)(*p - '0');
			*scale *= 10;
		}
	}
	*s = p;
	return digits;
}

/* whole.frac * mult, rounded down; -1 past LLONG_MAX. */
static long long scale_decimal(unsigned long long whole, unsigned long long frac,
			       unsigned long long scale, unsigned long long mult)
{
	unsigned long long v, part;

	if (whole && mult > (unsigned long long)LLONG_MAX / whole)
		return -1;
	v = whole * mult;
	/* frac / scale < 1, so frac * mult / scale < mult: computed in 128 bits */
	part = (unsigned long long)((unsigned __int128)frac * mult / scale);
	if (part > (unsigned long long)LLONG_MAX - v)
		return -1;
	return (long long)(v + part);
}

long long limits_parse_size(const char *s)
{
	unsigned long long whole, frac, scale, mult = 1;
	const char *p = s;

	if (!s || !parse_decimal(&p, &whole, &frac, &scale))
		return -1;
	switch (tolower((unsigned char)*p)) {
	case 'k':
		mult = 1ULL << 10;
		break;
	case 'm':
		mult = 1ULL << 20;
		break;
	case 'g':
		mult = 1ULL << 30;
		break;
	case 't':
		mult = 1ULL << 40;
		break;
	case 'p':
		mult = 1ULL << 50;
		break;
	}
	if (mult > 1) {
		p++;
		if (*p == 'i' || *p == 'I') /* "MiB" */
			p++;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p)
		return -1;
	return scale_decimal(whole, frac, scale, mult);
}

long long limits_parse_cpus(const char *s, long long period)
{
	unsigned long long whole, frac, scale;
	const char *p = s;
	long long quota;

	if (period <= 0)
		period = CPU_PERIOD_DEFAULT;
	if (!s || !parse_decimal(&p, &whole, &frac, &scale) || *p)
		return -1;
	quota = scale_decimal(whole, frac, scale, (unsigned long long)period);
	if (quota < CPU_QUOTA_MIN)
		return -1;
	return quota;
}

unsigned limits_shares_to_weight(unsigned long long shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return (unsigned)(1 + ((shares - 2) * 9999) / 262142);
}

unsigned limits_blkio_to_io_weight(unsigned long long weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return (unsigned)(1 + ((weight - 10) * 9999) / 990);
}

/* docker's --ulimit names */
static const struct {
	const char *name;
	int resource;
} ulimit_names[] = {
    {"as", RLIMIT_AS},		 {"core", RLIMIT_CORE},		{"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},	 {"fsize", RLIMIT_FSIZE},	{"locks", RLIMIT_LOCKS},
    {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},	 {"nproc", RLIMIT_NPROC},	{"rss", RLIMIT_RSS},
    {"rtprio", RLIMIT_RTPRIO},	 {"rttime", RLIMIT_RTTIME},	{"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};

#define NULIMITS (sizeof(ulimit_names) / sizeof(ulimit_names[0]))

/* "unlimited", "-1" or a decimal number up to RLIM_INFINITY - 1. */
static bool parse_rlim(const char *s, size_t len, unsigned long long *out)
{
	unsigned long long v = 0;

	if ((len == 9 && !strncmp(s, "unlimited", 9)) || (len == 2 && !strncmp(s, "-1", 2))) {
		*out = RLIM_INFINITY;
		return true;
	}
	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (ULLONG_MAX - 9) / 10)
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v >= (unsigned long long)RLIM_INFINITY)
		return false;
	*out = v;
	return true;
}

static int ulimit_fail(struct cr_error *err, const char *spec, const char *why)
{
	char cut[CR_CUT_SIZE];

	cr_fail(err, 0, "--ulimit %s: %s", cr_cut(spec, cut, sizeof(cut)), why);
	return cr_hint(err, "write TYPE=SOFT[:HARD], e.g. --ulimit nofile=1024:2048 (TYPE: "
			    "nofile, nproc, core, stack, memlock, ...; a limit: a number, "
			    "unlimited or -1)");
}

int limits_parse_ulimit(const char *spec, struct cr_config *cfg, struct cr_error *err)
{
	const char *eq = strchr(spec, '='), *colon;
	unsigned long long soft, hard;
	size_t k;

	if (!eq)
		return ulimit_fail(err, spec, "no '='");
	for (k = 0; k < NULIMITS; k++) {
		if (strlen(ulimit_names[k].name) == (size_t)(eq - spec) &&
		    !strncmp(ulimit_names[k].name, spec, (size_t)(eq - spec)))
			break;
	}
	if (k == NULIMITS)
		return ulimit_fail(err, spec, "unknown limit type");
	colon = strchr(eq + 1, ':');
	if (!parse_rlim(eq + 1, colon ? (size_t)(colon - eq - 1) : strlen(eq + 1), &soft))
		return ulimit_fail(err, spec, "the soft limit is not a number");
	hard = soft;
	if (colon && !parse_rlim(colon + 1, strlen(colon + 1), &hard))
		return ulimit_fail(err, spec, "the hard limit is not a number");
	if (soft > hard)
		return ulimit_fail(err, spec, "the soft limit is above the hard one");
	for (size_t i = 0; i < cfg->nrlimits; i++) {
		if (cfg->rlimits[i].resource == ulimit_names[k].resource) {
			cfg->rlimits[i].soft = soft;
			cfg->rlimits[i].hard = hard;
			return 0;
		}
	}
	cfg->rlimits = cr_xrealloc(cfg->rlimits, (cfg->nrlimits + 1) * sizeof(*cfg->rlimits));
	cfg->rlimits[cfg->nrlimits++] = (struct cr_rlimit){ulimit_names[k].resource, soft, hard};
	return 0;
}

static void format_rlim(unsigned long long v, char *buf, size_t len)
{
	if (v == (unsigned long long)RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%llu", v);
}

void limits_format_ulimit(const struct cr_rlimit *r, char *buf, size_t len)
{
	const char *name = "unknown";
	char soft[24], hard[24];

	for (size_t k = 0; k < NULIMITS; k++) {
		if (ulimit_names[k].resource == r->resource)
			name = ulimit_names[k].name;
	}
	format_rlim(r->soft, soft, sizeof(soft));
	format_rlim(r->hard, hard, sizeof(hard));
	snprintf(buf, len, "%s=%s:%s", name, soft, hard);
}

long long limits_pids_default(unsigned long long nproc)
{
	if (nproc == (unsigned long long)RLIM_INFINITY || nproc / 2 >= CR_PIDS_LIMIT_DEFAULT)
		return CR_PIDS_LIMIT_DEFAULT;
	return nproc / 2 ? (long long)(nproc / 2) : 1;
}
