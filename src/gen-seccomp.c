/* gen-seccomp - compiles the default seccomp policy (seccomp-policy.c) to BPF.
 *
 * Usage: gen-seccomp OUTPUT.h
 *
 * Run at build time: writes a C header holding cr_seccomp_filter[], the filter for the
 * build machine's native architecture as libseccomp compiles it (a binary tree of the
 * syscall numbers; syscalls of any other architecture's ABI are killed), and
 * cr_seccomp_marks[]. A syscall allowed only with a capability is answered in the BPF
 * with the placeholder ERRNO(CR_SECCOMP_MARK + i), i an index into cr_seccomp_marks
 * (the capabilities that allow it): security.c turns each placeholder into ALLOW or
 * ERRNO(EPERM) for the container's capabilities as it loads the filter, so that one
 * precompiled program serves every --cap-add, and nothing is compiled on a start. What
 * --security-opt nested=true allows is marked the same way, with CR_SECCOMP_NESTED, a bit
 * no capability uses.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <sched.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "seccomp-policy.h"

#define CR_SECCOMP_MARK 4000 /* above every real errno, below libseccomp's limit (4095) */
#define MAX_MARKS 64	     /* 4000 + 64 < 4096 */

#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif
#define AF_VSOCK_NR 40

struct marks {
	uint64_t caps[MAX_MARKS];
	int n;
};

static int die(const char *what, int ret)
{
	fprintf(stderr, "gen-seccomp: %s failed (%d)\n", what, ret);
	exit(1);
}

/* The placeholder action for a syscall allowed with one of caps. */
static uint32_t mark(struct marks *m, uint64_t caps)
{
	int i;

	for (i = 0; i < m->n && m->caps[i] != caps; i++)
		;
	if (i == m->n) {
		if (m->n == MAX_MARKS)
			die("too many capability groups", -E2BIG);
		m->caps[m->n++] = caps;
	}
	return SCMP_ACT_ERRNO(CR_SECCOMP_MARK + i);
}

/* name's number on this architecture; __NR_SCMP_ERROR where it has none. Names newer
 * than the libseccomp we build with come from cr_seccomp_numbers (one number on every
 * architecture but alpha and mips, whose tables are offset). */
static int resolve(const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

#if !defined(__alpha__) && !defined(__mips__)
	for (size_t i = 0; nr == __NR_SCMP_ERROR && cr_seccomp_numbers[i].name; i++) {
		if (!strcmp(cr_seccomp_numbers[i].name, name))
			nr = cr_seccomp_numbers[i].nr;
	}
#endif
	return nr;
}

static bool nested(const char *name)
{
	for (size_t i = 0; cr_seccomp_nested[i]; i++) {
		if (!strcmp(cr_seccomp_nested[i], name))
			return true;
	}
	return false;
}

static void add(scmp_filter_ctx ctx, uint32_t action, const char *name)
{
	int nr = resolve(name), ret;

	/* A syscall this architecture lacks needs no rule. */
	if (nr == __NR_SCMP_ERROR)
		return;
	ret = seccomp_rule_add(ctx, action, nr, 0);
	if (ret < 0 && ret != -EDOM)
		die(name, ret);
}

/* clone and unshare may not make a user namespace (the way out of the capability set)
 * unless nested user namespaces are allowed; unshare needs CAP_SYS_ADMIN besides, as in
 * docker's profile; clone3 passes its flags in memory a filter cannot read: ENOSYS makes
 * libc fall back to clone. */
static void namespaces(scmp_filter_ctx ctx, struct marks *m)
{
	const uint32_t newuser = mark(m, CR_SECCOMP_NESTED); /* else EPERM */
	int ret;

#if defined(__s390__) || defined(__s390x__)
	/* s390 swaps clone's first two arguments. */
	ret = seccomp_rule_add(ctx, newuser, SCMP_SYS(clone), 1,
			       SCMP_A1(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	ret = ret
		  ?: seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				      SCMP_A1(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, 0));
#else
	ret = seccomp_rule_add(ctx, newuser, SCMP_SYS(clone), 1,
			       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	ret = ret
		  ?: seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, 0));
#endif
	ret = ret
		  ?: seccomp_rule_add(ctx, newuser, SCMP_SYS(unshare), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	ret = ret
		  ?: seccomp_rule_add(ctx, mark(m, (1ULL << CAP_SYS_ADMIN) | CR_SECCOMP_NESTED),
				      SCMP_SYS(unshare), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, 0));
	if (ret < 0)
		die("the namespace rules", ret);
	/* clone3 is in no list: the default action answers it ENOSYS (libseccomp refuses a
	 * rule that repeats the default). */
}

/* personality: the values docker allows (0, PER_LINUX32, UNAME26, both, and 0xffffffff to
 * query); the others get the default answer, ENOSYS (libseccomp 2.5 compares an argument
 * once per rule, and a rule without comparisons would override these); socket: every
 * family but AF_VSOCK (the hypervisor's), which gets EPERM. */
static void by_args(scmp_filter_ctx ctx)
{
	static const uint64_t persona[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};
	int ret = 0;

	for (size_t i = 0; i < sizeof(persona) / sizeof(persona[0]) && !ret; i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(personality), 1,
				       SCMP_A0(SCMP_CMP_EQ, persona[i]));
	ret = ret
		  ?: seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				      SCMP_A0(SCMP_CMP_NE, AF_VSOCK_NR));
	ret = ret
		  ?: seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
				      SCMP_A0(SCMP_CMP_EQ, AF_VSOCK_NR));
	if (ret < 0)
		die("the argument rules", ret);
}

static scmp_filter_ctx build(struct marks *m)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));

	if (!ctx)
		die("seccomp_init", -ENOMEM);
	/* a binary tree of the syscall numbers, not one long chain */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		die("SCMP_FLTATR_CTL_OPTIMIZE", -EINVAL);
	for (size_t i = 0; cr_seccomp_allowed[i]; i++)
		add(ctx, SCMP_ACT_ALLOW, cr_seccomp_allowed[i]);
	for (size_t i = 0; cr_seccomp_capped[i].name; i++) {
		const char *name = cr_seccomp_capped[i].name;

		add(ctx,
		    mark(m, cr_seccomp_capped[i].caps | (nested(name) ? CR_SECCOMP_NESTED : 0)),
		    name);
	}
	for (size_t i = 0; cr_seccomp_refused[i]; i++) {
		const char *name = cr_seccomp_refused[i];

		add(ctx, nested(name) ? mark(m, CR_SECCOMP_NESTED) : SCMP_ACT_ERRNO(EPERM), name);
	}
	namespaces(ctx, m);
	by_args(ctx);
	return ctx;
}

static void write_header(FILE *out, const struct sock_filter *prog, size_t n, const struct marks *m)
{
	const struct scmp_version *v = seccomp_version();

	fprintf(out,
		"/* Generated by gen-seccomp (src/gen-seccomp.c) with libseccomp %u.%u.%u: the "
		"default\n * seccomp filter of src/seccomp-policy.c, as BPF for this "
		"architecture. */\n#include <linux/filter.h>\n#include <stdint.h>\n\n"
		"/* ERRNO(CR_SECCOMP_MARK + i): allowed with one of cr_seccomp_marks[i]. */\n"
		"#define CR_SECCOMP_MARK %d\n#define CR_SECCOMP_NMARKS %d\n\n"
		"static const uint64_t cr_seccomp_marks[CR_SECCOMP_NMARKS] = {\n",
		v->major, v->minor, v->micro, CR_SECCOMP_MARK, m->n);
	for (int i = 0; i < m->n; i++)
		fprintf(out, "\t0x%llxULL,\n", (unsigned long long)m->caps[i]);
	fprintf(out, "};\n\nstatic const struct sock_filter cr_seccomp_filter[] = {\n");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "\t{0x%04x, %u, %u, 0x%08x},\n", prog[i].code, prog[i].jt, prog[i].jf,
			prog[i].k);
	fprintf(out, "};\n");
}

int main(int argc, char **argv)
{
	struct marks m = {.n = 0};
	scmp_filter_ctx ctx;
	struct sock_filter *prog;
	int mem = memfd_create("bpf", 0);
	FILE *out;
	off_t size;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: gen-seccomp OUTPUT.h\n");
		return 2;
	}
	ctx = build(&m);
	if (mem < 0 || (ret = seccomp_export_bpf(ctx, mem)) < 0)
		die("seccomp_export_bpf", mem < 0 ? -errno : ret);
	size = lseek(mem, 0, SEEK_END);
	prog = malloc((size_t)size);
	if (!prog || pread(mem, prog, (size_t)size, 0) != size)
		die("reading the BPF back", -errno);
	out = fopen(argv[1], "w");
	if (!out)
		die(argv[1], -errno);
	write_header(out, prog, (size_t)size / sizeof(*prog), &m);
	seccomp_release(ctx);
	free(prog);
	return fclose(out) == 0 ? 0 : 1;
}
