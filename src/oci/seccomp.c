/* seccomp.c - linux.seccomp, the OCI profile an engine passes, compiled with libseccomp at run
 * time into the BPF program security_apply loads (with the raw seccomp(2), not libseccomp). */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/seccomp.h"
#include "utils.h"

/* The kernel's largest errno (include/linux/err.h): a bigger errnoRet is no errno. */
#define MAX_ERRNO 4095

static void ctx_release(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

#define cleanup_seccomp __attribute__((cleanup(ctx_release)))

static const char *cut(const char *s, char *buf)
{
	return cr_cut(s, buf, CR_CUT_SIZE);
}

/* A string member, NULL when absent or null; -1 when it is something else. */
static int get_string(struct json_object *obj, const char *key, const char *where, const char **out,
		      struct cr_error *err)
{
	struct json_object *v = NULL;

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return cr_fail(err, 0, "%s.%s is not a string", where, key);
	*out = json_object_get_string(v);
	return 0;
}

/* An array member, NULL when absent or null; -1 when it is something else. */
static int get_array(struct json_object *obj, const char *key, const char *where,
		     struct json_object **out, struct cr_error *err)
{
	*out = NULL;
	if (!json_object_object_get_ex(obj, key, out) || !*out)
		return 0;
	if (!json_object_is_type(*out, json_type_array))
		return cr_fail(err, 0, "%s.%s is not an array", where, key);
	return 0;
}

/* A non-negative integer member no bigger than max; *set false when absent or null. */
static int get_uint(struct json_object *obj, const char *key, const char *where, uint64_t max,
		    uint64_t *out, bool *set, struct cr_error *err)
{
	struct json_object *v = NULL;

	*set = false;
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	/* json-c keeps a number above INT64_MAX as uint64: get_int64 then says INT64_MAX */
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		return cr_fail(err, 0, "%s.%s is not a non-negative integer", where, key);
	*out = json_object_get_uint64(v);
	if (*out > max)
		return cr_fail(err, 0, "%s.%s %llu is out of range (at most %llu)", where, key,
			       (unsigned long long)*out, (unsigned long long)max);
	*set = true;
	return 0;
}

/* SCMP_ACT_NAME with its errnoRet (ERRNO and TRACE; EPERM when not given, as runc; the
 * other actions take none and ignore it, as runc) into a libseccomp action. */
static int parse_action(const char *name, bool errno_set, uint64_t errno_ret, const char *where,
			uint32_t *action, struct cr_error *err)
{
	uint32_t code = errno_set ? (uint32_t)errno_ret : EPERM;
	char buf[CR_CUT_SIZE];

	if (!name || !*name)
		return cr_fail(err, 0, "%s has no action", where);
	if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*action = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*action = SCMP_ACT_ERRNO(code);
	else if (!strcmp(name, "SCMP_ACT_TRACE"))
		*action = SCMP_ACT_TRACE(code);
	else if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*action = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*action = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*action = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*action = SCMP_ACT_LOG;
	else if (!strcmp(name, "SCMP_ACT_NOTIFY")) {
		cr_fail(err, 0, "%s: SCMP_ACT_NOTIFY is not supported (no seccomp agent)", where);
		return cr_hint(err, "use SCMP_ACT_ERRNO or SCMP_ACT_ALLOW, or run it with runc");
	} else {
		cr_fail(err, 0, "%s: unknown action '%s'", where, cut(name, buf));
		return cr_hint(err, "the actions are SCMP_ACT_ALLOW, ERRNO, KILL, KILL_THREAD, "
				    "KILL_PROCESS, TRAP, TRACE and LOG");
	}
	return 0;
}

static int parse_op(const char *name, const char *where, enum scmp_compare *op,
		    struct cr_error *err)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
	    {"SCMP_CMP_NE", SCMP_CMP_NE},
	    {"SCMP_CMP_LT", SCMP_CMP_LT},
	    {"SCMP_CMP_LE", SCMP_CMP_LE},
	    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
	    {"SCMP_CMP_GE", SCMP_CMP_GE},
	    {"SCMP_CMP_GT", SCMP_CMP_GT},
	    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
	};
	char buf[CR_CUT_SIZE];

	for (size_t i = 0; name && i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!strcmp(name, ops[i].name)) {
			*op = ops[i].op;
			return 0;
		}
	}
	cr_fail(err, 0, "%s.op: unknown operator '%s'", where, cut(name ? name : "", buf));
	return cr_hint(err, "the operators are SCMP_CMP_NE, LT, LE, EQ, GE, GT and MASKED_EQ");
}

/* args[]: up to 6 conditions (index, value, valueTwo, op); *same_index when two compare
 * the same argument (then each is a rule of its own, as runc does). */
static int parse_args(struct json_object *args, const char *where, struct scmp_arg_cmp *cmp,
		      unsigned *n, bool *same_index, struct cr_error *err)
{
	unsigned seen = 0;

	*n = 0;
	*same_index = false;
	if (!args)
		return 0;
	if (json_object_array_length(args) > 6)
		return cr_fail(err, 0, "%s.args has %zu conditions: a syscall has 6 arguments",
			       where, json_object_array_length(args));
	for (size_t i = 0; i < json_object_array_length(args); i++) {
		struct json_object *a = json_object_array_get_idx(args, i);
		char at[96];
		uint64_t index = 0, value = 0, two = 0;
		bool set, vset, tset;
		const char *op_name;
		enum scmp_compare op = SCMP_CMP_EQ;

		snprintf(at, sizeof(at), "%s.args[%zu]", where, i);
		if (!json_object_is_type(a, json_type_object))
			return cr_fail(err, 0, "%s is not an object", at);
		if (get_uint(a, "index", at, 5, &index, &set, err) < 0 ||
		    get_uint(a, "value", at, UINT64_MAX, &value, &vset, err) < 0 ||
		    get_uint(a, "valueTwo", at, UINT64_MAX, &two, &tset, err) < 0 ||
		    get_string(a, "op", at, &op_name, err) < 0 ||
		    parse_op(op_name, at, &op, err) < 0)
			return -1;
		if (!set)
			return cr_fail(err, 0, "%s has no index", at);
		if (seen & (1u << index))
			*same_index = true;
		seen |= 1u << index;
		cmp[(*n)++] = (struct scmp_arg_cmp){
		    .arg = (unsigned)index, .op = op, .datum_a = value, .datum_b = two};
	}
	return 0;
}

/* One syscalls[] entry: its names, action and conditions into rules of ctx. */
static int add_rules(scmp_filter_ctx ctx, struct json_object *entry, size_t i,
		     uint32_t default_action, struct cr_error *err)
{
	char where[64], buf[CR_CUT_SIZE];
	struct json_object *names, *args;
	struct scmp_arg_cmp cmp[6];
	const char *action_name;
	uint64_t errno_ret = 0;
	uint32_t action;
	bool errno_set, same_index;
	unsigned n;

	snprintf(where, sizeof(where), "linux.seccomp.syscalls[%zu]", i);
	if (!json_object_is_type(entry, json_type_object))
		return cr_fail(err, 0, "%s is not an object", where);
	if (get_array(entry, "names", where, &names, err) < 0 ||
	    get_array(entry, "args", where, &args, err) < 0 ||
	    get_string(entry, "action", where, &action_name, err) < 0 ||
	    get_uint(entry, "errnoRet", where, MAX_ERRNO, &errno_ret, &errno_set, err) < 0 ||
	    parse_action(action_name, errno_set, errno_ret, where, &action, err) < 0 ||
	    parse_args(args, where, cmp, &n, &same_index, err) < 0)
		return -1;
	for (size_t j = 0; names && j < json_object_array_length(names); j++) {
		struct json_object *v = json_object_array_get_idx(names, j);
		const char *name = json_object_get_string(v);
		int nr, rc = 0;

		if (!json_object_is_type(v, json_type_string) || !*name)
			return cr_fail(err, 0, "%s.names[%zu] is not a syscall name", where, j);
		if (action == default_action)
			continue; /* the default does it; libseccomp refuses such a rule */
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR)
			continue; /* unknown to this libseccomp: skipped, as runc and crun */
		if (same_index) {
			for (unsigned k = 0; k < n && rc == 0; k++)
				rc = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[k]);
		} else
			rc = seccomp_rule_add_array(ctx, action, nr, n, cmp);
		if (rc < 0)
			return cr_fail(err, -rc, "%s: add the rule for %s", where, cut(name, buf));
	}
	return 0;
}

/* architectures[]: SCMP_ARCH_X86_64 and friends, added beside the native one. */
static int add_arches(scmp_filter_ctx ctx, struct json_object *arches, struct cr_error *err)
{
	for (size_t i = 0; arches && i < json_object_array_length(arches); i++) {
		struct json_object *v = json_object_array_get_idx(arches, i);
		const char *name = json_object_get_string(v);
		char lower[32], buf[CR_CUT_SIZE];
		uint32_t arch = 0;
		size_t k = 0;
		int rc;

		if (!json_object_is_type(v, json_type_string))
			return cr_fail(err, 0, "linux.seccomp.architectures[%zu] is not a string",
				       i);
		if (!strncmp(name, "SCMP_ARCH_", 10)) {
			for (const char *c = name + 10; *c && k + 1 < sizeof(lower); c++)
				lower[k++] = (char)tolower((unsigned char)*c);
			lower[k] = '\0';
			if (strlen(name + 10) < sizeof(lower) && strcmp(lower, "native"))
				arch = seccomp_arch_resolve_name(lower);
		}
		if (!arch) {
			cr_fail(err, 0, "linux.seccomp.architectures: unknown architecture '%s'",
				cut(name, buf));
			return cr_hint(err, "use names like SCMP_ARCH_X86_64, SCMP_ARCH_X86 or "
					    "SCMP_ARCH_AARCH64");
		}
		rc = seccomp_arch_add(ctx, arch);
		if (rc < 0 && rc != -EEXIST)
			return cr_fail(err, -rc, "linux.seccomp: add architecture %s",
				       cut(name, buf));
	}
	return 0;
}

/* flags[]: SECCOMP_FILTER_FLAG_TSYNC, _LOG and _SPEC_ALLOW, given to seccomp(2) at load. */
static int parse_flags(struct json_object *flags, unsigned *out, struct cr_error *err)
{
	*out = 0;
	for (size_t i = 0; flags && i < json_object_array_length(flags); i++) {
		struct json_object *v = json_object_array_get_idx(flags, i);
		const char *name = json_object_get_string(v);
		char buf[CR_CUT_SIZE];

		if (!json_object_is_type(v, json_type_string))
			return cr_fail(err, 0, "linux.seccomp.flags[%zu] is not a string", i);
		if (!strcmp(name, "SECCOMP_FILTER_FLAG_TSYNC"))
			*out |= SECCOMP_FILTER_FLAG_TSYNC;
		else if (!strcmp(name, "SECCOMP_FILTER_FLAG_LOG"))
			*out |= SECCOMP_FILTER_FLAG_LOG;
		else if (!strcmp(name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
			*out |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		else {
			cr_fail(err, 0, "linux.seccomp.flags: unsupported flag '%s'",
				cut(name, buf));
			return cr_hint(
			    err, "the flags are SECCOMP_FILTER_FLAG_TSYNC, "
				 "SECCOMP_FILTER_FLAG_LOG and SECCOMP_FILTER_FLAG_SPEC_ALLOW");
		}
	}
	return 0;
}

/* The compiled program, read back from a memfd libseccomp wrote it to. */
static int export_bpf(scmp_filter_ctx ctx, struct cr_security *sec, struct cr_error *err)
{
	cleanup_close int fd = memfd_create("conti-seccomp", MFD_CLOEXEC);
	cleanup_free struct sock_filter *prog = NULL;
	struct stat st;
	size_t len;
	int rc;

	if (fd < 0)
		return cr_fail(err, errno, "linux.seccomp: memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return cr_fail(err, -rc, "linux.seccomp: compile the filter");
	if (fstat(fd, &st) < 0)
		return cr_fail(err, errno, "linux.seccomp: stat the compiled filter");
	len = (size_t)st.st_size / sizeof(struct sock_filter);
	if (len == 0 || (size_t)st.st_size % sizeof(struct sock_filter))
		return cr_fail(err, 0, "linux.seccomp: the compiled filter is %lld bytes",
			       (long long)st.st_size);
	if (len > BPF_MAXINSNS) {
		cr_fail(err, 0,
			"linux.seccomp: the compiled filter has %zu instructions, more "
			"than the kernel's %d",
			len, BPF_MAXINSNS);
		return cr_hint(err, "list fewer syscalls or conditions in the profile");
	}
	prog = cr_xmalloc((size_t)st.st_size);
	if (pread(fd, prog, (size_t)st.st_size, 0) != st.st_size)
		return cr_fail(err, errno, "linux.seccomp: read the compiled filter back");
	free(sec->filter);
	sec->filter = prog;
	prog = NULL;
	sec->filter_len = (unsigned short)len;
	return 0;
}

int oci_seccomp_compile(struct json_object *seccomp, struct cr_security *sec, struct cr_error *err)
{
	cleanup_seccomp scmp_filter_ctx ctx = NULL;
	struct json_object *arches, *flags, *syscalls;
	const char *default_name, *listener;
	uint64_t errno_ret = 0;
	uint32_t default_action;
	bool errno_set;
	unsigned filter_flags;

	sec->seccomp = false; /* the profile replaces the default filter, or there is none */
	if (!seccomp)
		return 0;
	if (!json_object_is_type(seccomp, json_type_object))
		return cr_fail(err, 0, "linux.seccomp is not an object");
	if (get_string(seccomp, "defaultAction", "linux.seccomp", &default_name, err) < 0 ||
	    get_uint(seccomp, "defaultErrnoRet", "linux.seccomp", MAX_ERRNO, &errno_ret, &errno_set,
		     err) < 0 ||
	    get_array(seccomp, "architectures", "linux.seccomp", &arches, err) < 0 ||
	    get_array(seccomp, "flags", "linux.seccomp", &flags, err) < 0 ||
	    get_array(seccomp, "syscalls", "linux.seccomp", &syscalls, err) < 0 ||
	    get_string(seccomp, "listenerPath", "linux.seccomp", &listener, err) < 0)
		return -1;
	/* no default action and no syscalls: no filter at all, as runc */
	if ((!default_name || !*default_name) &&
	    (!syscalls || json_object_array_length(syscalls) == 0))
		return 0;
	if (listener && *listener) {
		cr_fail(err, 0, "linux.seccomp.listenerPath is not supported (no seccomp agent)");
		return cr_hint(err, "remove it and SCMP_ACT_NOTIFY from the profile");
	}
	if (parse_action(default_name, errno_set, errno_ret, "linux.seccomp.defaultAction",
			 &default_action, err) < 0 ||
	    parse_flags(flags, &filter_flags, err) < 0)
		return -1;
	ctx = seccomp_init(default_action);
	if (!ctx)
		return cr_fail(err, 0, "linux.seccomp: libseccomp refuses the default action %s",
			       default_name);
	if (add_arches(ctx, arches, err) < 0)
		return -1;
	for (size_t i = 0; syscalls && i < json_object_array_length(syscalls); i++) {
		if (add_rules(ctx, json_object_array_get_idx(syscalls, i), i, default_action, err) <
		    0)
			return -1;
	}
	if (export_bpf(ctx, sec, err) < 0)
		return -1;
	sec->filter_flags = filter_flags;
	return 0;
}
