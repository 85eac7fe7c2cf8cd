/* cgroup/limits.h - resource limits as the user writes them and as cgroup v2 takes them.
 *
 * Pure: the option parsers (sizes, --cpus, --cpu-shares, --ulimit) and the translation of
 * struct cr_resources into the list of cgroup v2 file writes, unit-tested and fuzzed; the
 * OCI runtime's linux.resources (v1 units: shares, quota/period, blkio weight) lands in the
 * same struct through cgroup_shares_to_weight and friends.
 */
#ifndef CR_CGROUP_LIMITS_H
#define CR_CGROUP_LIMITS_H

#include <stddef.h>

#include "config.h"
#include "error.h"

/* One write into a container's cgroup: FILE gets VALUE. */
struct cr_cgroup_write {
	const char *file; /* "memory.max", "memory.swap.max", "cpu.max", "cpu.weight", ... */
	char value[48];	  /* "536870912", "max", "50000 100000", "default 100" */
	unsigned ctl;	  /* the CR_CTL_* it belongs to */
};

/* Fills out (max entries) with the writes res needs, in the order they must be made
 * (memory.max before memory.swap.max); returns their number. pids_default (> 0) is the
 * pids.max written when res gives none and the pids controller is among available. */
size_t limits_writes(const struct cr_resources *res, long long pids_default, unsigned available,
		     struct cr_cgroup_write *out, size_t max);

/* "512m", "1g", "1024", "1.5g": bytes (b, k, m, g, t; 1024-based, as docker); -1 if bad. */
long long limits_parse_size(const char *s);
/* --cpus "0.5", "2", "1.25": quota µs for period (100000 µs); -1 if bad or not > 0. */
long long limits_parse_cpus(const char *s, long long period);
/* --cpu-shares (v1 units, 2..262144) to cpu.weight (1..10000), as crun converts. */
unsigned limits_shares_to_weight(unsigned long long shares);
/* blkio weight (10..1000) to io.weight (1..10000), as crun converts. */
unsigned limits_blkio_to_io_weight(unsigned long long weight);

/* --ulimit TYPE=SOFT[:HARD] (TYPE: nofile, nproc, core, ... as docker; "unlimited" or -1),
 * appended to cfg->rlimits (a later one of the same type replaces it). */
int limits_parse_ulimit(const char *spec, struct cr_config *cfg, struct cr_error *err);
/* The ulimit's text back ("nofile=1024:2048"), as the saved config keeps it. */
void limits_format_ulimit(const struct cr_rlimit *r, char *buf, size_t len);

/* The default pids limit for a user whose RLIMIT_NPROC soft limit is nproc (RLIM_INFINITY
 * for none): CR_PIDS_LIMIT_DEFAULT, lowered to half of nproc so that a container can never
 * take all of the user's processes. */
long long limits_pids_default(unsigned long long nproc);

#endif
