/* security.c - capabilities, no_new_privs and the default seccomp filter. */
#include <ctype.h>
#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cr-seccomp-filter.h"
#include "seccomp-policy.h"
#include "security.h"
#include "utils.h"

#define CAP(x) (1ULL << (x))

const uint64_t cr_default_caps =
    CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | CAP(CAP_FOWNER) | CAP(CAP_FSETID) | CAP(CAP_KILL) |
    CAP(CAP_SETGID) | CAP(CAP_SETUID) | CAP(CAP_SETPCAP) | CAP(CAP_NET_BIND_SERVICE) |
    CAP(CAP_SYS_CHROOT) | CAP(CAP_SETFCAP) | CAP(CAP_AUDIT_WRITE) | CAP(CAP_MKNOD);

static const char *const cap_names[] = {
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
};

#define NCAPS (sizeof(cap_names) / sizeof(cap_names[0]))

uint64_t security_cap_mask(const char *name)
{
	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	if (!strcasecmp(name, "ALL"))
		return (1ULL << NCAPS) - 1;
	for (size_t i = 0; i < NCAPS; i++) {
		if (!strcasecmp(name, cap_names[i]))
			return CAP(i);
	}
	return 0;
}

int security_change_caps(uint64_t *caps, const char *arg, bool add, struct cr_error *err)
{
	uint64_t mask = security_cap_mask(arg);

	if (!mask) {
		char cut[CR_CUT_SIZE];

		cr_fail(err, 0, "unknown capability '%s'", cr_cut(arg, cut, sizeof(cut)));
		return cr_hint(err, "use names like NET_ADMIN or CAP_NET_ADMIN, or ALL");
	}
	*caps = add ? *caps | mask : *caps & ~mask;
	return 0;
}

/* A boolean --security-opt: "KEY" alone, or KEY=true|false (docker's KEY:true too); false
 * when arg is not one of them. */
static bool bool_option(const char *arg, const char *key, bool *out)
{
	size_t n = strlen(key);
	const char *value;

	if (strncmp(arg, key, n))
		return false;
	if (!arg[n]) {
		*out = true;
		return true;
	}
	value = arg + n + 1;
	if ((arg[n] != '=' && arg[n] != ':') || (strcmp(value, "true") && strcmp(value, "false")))
		return false;
	*out = !strcmp(value, "true");
	return true;
}

int security_set_option(struct cr_security *sec, const char *arg, struct cr_error *err)
{
	if (bool_option(arg, "no-new-privileges", &sec->no_new_privs) ||
	    bool_option(arg, "nested", &sec->nested))
		return 0;
	if (!strcmp(arg, "seccomp=unconfined") || !strcmp(arg, "seccomp:unconfined"))
		sec->seccomp = false;
	else if (!strcmp(arg, "landlock=unconfined") || !strcmp(arg, "landlock:unconfined"))
		sec->landlock = false;
	else {
		char cut[CR_CUT_SIZE];

		cr_fail(err, 0, "unknown --security-opt '%s'", cr_cut(arg, cut, sizeof(cut)));
		return cr_hint(err, "use no-new-privileges[=true|false], nested[=true|false], "
				    "seccomp=unconfined or landlock=unconfined");
	}
	return 0;
}

/* The default filter (src/seccomp-policy.c), compiled to BPF for this machine by
 * gen-seccomp at build time: no filter is compiled at run time. Its placeholders for the
 * syscalls allowed with a capability become ALLOW or EPERM for caps, docker's rule. */
int security_load_seccomp(uint64_t caps, struct cr_error *err)
{
	struct sock_filter insns[sizeof(cr_seccomp_filter) / sizeof(cr_seccomp_filter[0])];
	struct sock_fprog prog = {.len = (unsigned short)(sizeof(insns) / sizeof(insns[0])),
				  .filter = insns};

	memcpy(insns, cr_seccomp_filter, sizeof(insns));
	for (size_t i = 0; i < prog.len; i++) {
		uint32_t k = insns[i].k, m = (k & SECCOMP_RET_DATA) - CR_SECCOMP_MARK;

		if (insns[i].code != (BPF_RET | BPF_K) ||
		    (k & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ERRNO || m >= CR_SECCOMP_NMARKS)
			continue;
		insns[i].k =
		    (caps & cr_seccomp_marks[m]) ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EPERM;
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return cr_fail(err, errno, "load the seccomp filter");
	return 0;
}

int security_last_cap(void)
{
	int last = 0, absent = 64;

	/* by bisection: 6 prctls, not 41 */
	while (absent - last > 1) {
		int mid = (last + absent) / 2;

		if (prctl(PR_CAPBSET_READ, mid, 0, 0, 0) >= 0)
			last = mid;
		else
			absent = mid;
	}
	return last;
}

/* Drops from the bounding set every capability this kernel knows that keep lacks. */
static int drop_bounding(uint64_t keep, struct cr_error *err)
{
	long last = security_last_cap();

	for (long c = 0; c <= last; c++) {
		if (c < 64 && (keep & CAP(c)))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return cr_fail(err, errno, "drop capability %ld from the bounding set", c);
	}
	return 0;
}

/* capset(2) of the three sets a process holds. */
static int set_caps(uint64_t effective, uint64_t permitted, uint64_t inheritable,
		    struct cr_error *err)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {
	    {(uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable},
	    {(uint32_t)(effective >> 32), (uint32_t)(permitted >> 32),
	     (uint32_t)(inheritable >> 32)},
	};

	if (syscall(SYS_capset, &hdr, data) < 0)
		return cr_fail(err, errno, "set the capabilities");
	return 0;
}

static int drop_caps(uint64_t keep, struct cr_error *err)
{
	if (drop_bounding(keep, err) < 0)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return cr_fail(err, errno, "clear the ambient capabilities");
	return set_caps(keep, keep, 0, err);
}

/* Loads the filter compiled at run time (sec->filter, oci/seccomp.h) with the raw
 * seccomp(2): the core library links no libseccomp. */
static int load_filter(const struct cr_security *sec, struct cr_error *err)
{
	struct sock_fprog prog = {.len = sec->filter_len, .filter = sec->filter};

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, sec->filter_flags, &prog) < 0)
		return cr_fail(err, errno, "load the seccomp filter of linux.seccomp");
	return 0;
}

/* The five sets of an OCI config (cap_sets). Without no_new_privs the filter needs
 * CAP_SYS_ADMIN, so it goes in first (the caller left the effective set full, as runc
 * loads it before its capability changes); with no_new_privs it goes in last, so that
 * the profile needs to allow nothing of ours but execve. Ambient capabilities are raised
 * where permitted and inheritable hold them (the kernel refuses the others; runc warns). */
static int apply_cap_sets(const struct cr_security *sec, struct cr_error *err)
{
	bool filter = sec->filter && sec->filter_len;

	if (filter && !sec->no_new_privs && load_filter(sec, err) < 0)
		return -1;
	if (drop_bounding(sec->cap_bounding, err) < 0)
		return -1;
	if (set_caps(sec->cap_effective, sec->cap_permitted, sec->cap_inheritable, err) < 0)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return cr_fail(err, errno, "clear the ambient capabilities");
	for (int c = 0; c < 64; c++) {
		if (!(sec->cap_ambient & sec->cap_permitted & sec->cap_inheritable & CAP(c)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			return cr_fail(err, errno, "raise ambient capability %d", c);
	}
	if (sec->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cr_fail(err, errno, "set no_new_privs");
	if (filter && sec->no_new_privs && load_filter(sec, err) < 0)
		return -1;
	return 0;
}

/* Appends the names of mask's capabilities to buf at *off, after lead, comma-separated,
 * each after prefix ("+chown,+kill"). */
static void append_caps(char *buf, size_t len, size_t *off, const char *lead, const char *prefix,
			uint64_t mask)
{
	const char *sep = "";

	if (*off >= len)
		return;
	*off += (size_t)snprintf(buf + *off, len - *off, "%s", lead);
	for (size_t i = 0; i < NCAPS && *off + 1 < len; i++) {
		if (!(mask & CAP(i)))
			continue;
		*off += (size_t)snprintf(buf + *off, len - *off, "%s%s", sep, prefix);
		for (const char *c = cap_names[i]; *c && *off + 1 < len; c++)
			buf[(*off)++] = (char)tolower((unsigned char)*c);
		if (*off < len)
			buf[*off] = '\0';
		sep = ",";
	}
}

/* The five sets of an OCI config, as the setpriv(1) command for what setpriv can say. */
static void describe_cap_sets(const struct cr_security *sec, char *buf, size_t len)
{
	size_t off =
	    (size_t)snprintf(buf, len, "setpriv%s", sec->no_new_privs ? " --no-new-privs" : "");

	append_caps(buf, len, &off, " --bounding-set=-all,", "+", sec->cap_bounding);
	append_caps(buf, len, &off, " --inh-caps=-all,", "+", sec->cap_inheritable);
	append_caps(buf, len, &off, " --ambient-caps=-all,", "+", sec->cap_ambient);
	append_caps(buf, len, &off, "  # effective ", "", sec->cap_effective);
	append_caps(buf, len, &off, ", permitted ", "", sec->cap_permitted);
	if (off < len)
		snprintf(buf + off, len - off, "; %s",
			 sec->filter ? "and the seccomp filter of linux.seccomp"
				     : "no seccomp filter");
}

void security_describe(const struct cr_security *sec, char *buf, size_t len)
{
	size_t off;

	if (sec->cap_sets) {
		describe_cap_sets(sec, buf, len);
		return;
	}

	if (sec->privileged) {
		snprintf(buf, len, "setpriv --inh-caps=-all%s  # privileged: all capabilities",
			 sec->no_new_privs ? " --no-new-privs" : "");
		return;
	}
	off = (size_t)snprintf(buf, len,
			       "setpriv%s --inh-caps=-all --ambient-caps=-all "
			       "--bounding-set=-all",
			       sec->no_new_privs ? " --no-new-privs" : "");
	for (size_t i = 0; i < NCAPS && off < len; i++) {
		if (!(sec->caps & CAP(i)))
			continue;
		off += (size_t)snprintf(buf + off, len - off, ",+");
		for (const char *c = cap_names[i]; *c && off + 1 < len; c++)
			buf[off++] = (char)tolower((unsigned char)*c);
		buf[off] = '\0';
	}
	if (off < len)
		snprintf(buf + off, len - off, "%s%s",
			 sec->seccomp ? "  # and the seccomp filter" : "  # no seccomp filter",
			 sec->seccomp && sec->nested ? ", nested user namespaces allowed" : "");
}

int security_apply(const struct cr_security *sec, struct cr_error *err)
{
	if (sec->cap_sets)
		return apply_cap_sets(sec, err);
	/* The filter goes in while we still hold CAP_SYS_ADMIN (no_new_privs may be off);
	 * what comes after it (prctl, capset, execveat) it lets through. */
	if (sec->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cr_fail(err, errno, "set no_new_privs");
	if (sec->filter && sec->filter_len && !sec->privileged) {
		if (load_filter(sec, err) < 0)
			return -1;
	} else if (sec->seccomp && !sec->privileged &&
		   security_load_seccomp(sec->caps | (sec->nested ? CR_SECCOMP_NESTED : 0), err) <
		       0)
		return -1;
	if (!sec->privileged && drop_caps(sec->caps, err) < 0)
		return -1;
	return 0;
}
