/* Unit tests: capability names and sets, --security-opt, the default filter's lists
 * (against docker's profile) and the loaded filter's answers. */
#include "unit.h"
#include <errno.h>
#include <sched.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "seccomp-policy.h"
#include "security.h"

START_TEST(cap_names)
{
	ck_assert_uint_eq(security_cap_mask("NET_ADMIN"), 1ULL << CAP_NET_ADMIN);
	ck_assert_uint_eq(security_cap_mask("cap_net_admin"), 1ULL << CAP_NET_ADMIN);
	ck_assert_uint_eq(security_cap_mask("CAP_SYS_ADMIN"), 1ULL << CAP_SYS_ADMIN);
	ck_assert_uint_eq(security_cap_mask("CHECKPOINT_RESTORE"), 1ULL << 40);
	ck_assert(security_cap_mask("ALL") & (1ULL << CAP_SYS_MODULE));
	ck_assert_uint_eq(security_cap_mask("FLY"), 0);
}
END_TEST

START_TEST(default_set_is_dockers)
{
	struct cr_config cfg;

	config_init(&cfg);
	ck_assert_uint_eq(cfg.sec.caps, cr_default_caps);
	ck_assert(cfg.sec.caps & (1ULL << CAP_CHOWN));
	ck_assert(cfg.sec.caps & (1ULL << CAP_NET_BIND_SERVICE));
	ck_assert(!(cfg.sec.caps & (1ULL << CAP_SYS_ADMIN)));
	ck_assert(!(cfg.sec.caps & (1ULL << CAP_SYS_PTRACE)));
	ck_assert(!(cfg.sec.caps & (1ULL << CAP_NET_ADMIN)));
	/* as docker and podman: no_new_privs off, so that sudo works for a -u user */
	ck_assert(!cfg.sec.no_new_privs && cfg.sec.seccomp && !cfg.sec.privileged);
	ck_assert(!cfg.sec.nested && cfg.init);
	config_free(&cfg);
}
END_TEST

START_TEST(add_and_drop)
{
	uint64_t caps = cr_default_caps;
	struct cr_error err;

	ck_assert_int_eq(security_change_caps(&caps, "NET_ADMIN", true, &err), 0);
	ck_assert(caps & (1ULL << CAP_NET_ADMIN));
	ck_assert_int_eq(security_change_caps(&caps, "CHOWN", false, &err), 0);
	ck_assert(!(caps & (1ULL << CAP_CHOWN)));
	ck_assert_int_eq(security_change_caps(&caps, "ALL", false, &err), 0);
	ck_assert_uint_eq(caps, 0);
	ck_assert_int_eq(security_change_caps(&caps, "NOPE", true, &err), -1);
	ck_assert_int_eq(err.status, CR_EXIT_TOOL);
}
END_TEST

START_TEST(security_options)
{
	struct cr_security sec = {.no_new_privs = true, .seccomp = true};
	struct cr_error err;

	ck_assert_int_eq(security_set_option(&sec, "no-new-privileges=false", &err), 0);
	ck_assert(!sec.no_new_privs);
	ck_assert_int_eq(security_set_option(&sec, "seccomp=unconfined", &err), 0);
	ck_assert(!sec.seccomp);
	ck_assert_int_eq(security_set_option(&sec, "apparmor=foo", &err), -1);
}
END_TEST

/* The index of name in a NULL-terminated list, -1 when absent. */
static int in_list(const char *const *list, const char *name)
{
	for (int i = 0; list[i]; i++) {
		if (!strcmp(list[i], name))
			return i;
	}
	return -1;
}

/* The capabilities that allow name (0 when it is not in cr_seccomp_capped). */
static uint64_t capped(const char *name)
{
	for (size_t i = 0; cr_seccomp_capped[i].name; i++) {
		if (!strcmp(cr_seccomp_capped[i].name, name))
			return cr_seccomp_capped[i].caps;
	}
	return 0;
}

/* Refused always, or allowed only with a capability the default set lacks. */
START_TEST(filter_refuses_the_dangerous_ones)
{
	static const char *const must[] = {"kexec_load",     "init_module",	  "bpf",
					   "keyctl",	     "open_by_handle_at", "userfaultfd",
					   "perf_event_open"};

	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
		bool refused = in_list(cr_seccomp_refused, must[i]) >= 0;
		uint64_t caps = capped(must[i]);

		ck_assert_msg(refused || (caps && !(caps & cr_default_caps)), "%s is not refused",
			      must[i]);
		ck_assert_msg(in_list(cr_seccomp_allowed, must[i]) < 0, "%s is allowed", must[i]);
	}
}
END_TEST

/* Issue 11: io_uring (docker and podman block it) and the newer syscalls that read or
 * change the mount tree are refused with EPERM; mount, umount2, unshare and setns come with
 * CAP_SYS_ADMIN, as in docker's profile. */
START_TEST(filter_refuses_io_uring_and_new_mount_calls)
{
	static const char *const must[] = {"io_uring_setup", "io_uring_enter", "io_uring_register",
					   "open_tree_attr", "listmount",      "statmount"};

	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
		ck_assert_msg(in_list(cr_seccomp_refused, must[i]) >= 0, "%s is not refused",
			      must[i]);
		ck_assert_msg(in_list(cr_seccomp_allowed, must[i]) < 0 && !capped(must[i]),
			      "%s is allowed", must[i]);
	}
	ck_assert_uint_eq(capped("quotactl_fd"), 1ULL << CAP_SYS_ADMIN);
	ck_assert_uint_eq(capped("mount"), 1ULL << CAP_SYS_ADMIN);
	ck_assert_uint_eq(capped("umount2"), 1ULL << CAP_SYS_ADMIN);
	ck_assert_uint_eq(capped("setns"), 1ULL << CAP_SYS_ADMIN);
	ck_assert_int_ge(in_list(cr_seccomp_by_args, "unshare"), 0);
	ck_assert_int_ge(in_list(cr_seccomp_allowed, "read"), 0);
}
END_TEST

/* No syscall is in two of the lists: each has one answer. */
START_TEST(filter_lists_are_disjoint)
{
	const char *const *lists[] = {cr_seccomp_allowed, cr_seccomp_refused, cr_seccomp_by_args};

	for (size_t l = 0; l < 3; l++) {
		for (size_t i = 0; lists[l][i]; i++) {
			const char *name = lists[l][i];

			ck_assert_msg(!capped(name), "%s is also capped", name);
			for (size_t m = 0; m < 3; m++)
				ck_assert_msg(m == l || in_list(lists[m], name) < 0,
					      "%s is in two lists", name);
		}
	}
}
END_TEST

/* The profile's names (src/seccomp-moby-default.txt) and the tables agree: what the
 * profile allows is allowed (or decided by arguments, or refused on purpose and listed in
 * cr_seccomp_stricter); what it allows with a capability is capped with that capability;
 * and nothing is allowed that the profile does not allow. */
START_TEST(filter_is_dockers_profile)
{
	FILE *f = fopen(CR_SOURCE_ROOT "/src/seccomp-moby-default.txt", "r");
	char line[256], kind[16], a[64], b[64];
	int names = 0;

	ck_assert_msg(f, "open the profile's names: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		int n = sscanf(line, "%15s %63s %63s", kind, a, b);
		const char *name = n == 3 ? b : a;
		bool stricter = in_list(cr_seccomp_stricter, name) >= 0;

		if (line[0] == '#' || n < 2)
			continue;
		names++;
		if (stricter) {
			ck_assert_msg(in_list(cr_seccomp_refused, name) >= 0, "%s", name);
		} else if (!strcmp(kind, "allow") || !strcmp(kind, "arch")) {
			ck_assert_msg(in_list(cr_seccomp_allowed, name) >= 0 ||
					  in_list(cr_seccomp_by_args, name) >= 0,
				      "the profile allows %s", name);
		} else if (!strcmp(kind, "cap")) {
			uint64_t cap = security_cap_mask(a);

			ck_assert_msg(cap, "unknown capability %s", a);
			ck_assert_msg((capped(name) & cap) ||
					  in_list(cr_seccomp_by_args, name) >= 0 ||
					  in_list(cr_seccomp_allowed, name) >= 0,
				      "the profile allows %s with %s", name, a);
		} else {
			ck_assert_msg(!strcmp(kind, "args"), "%s", line);
			ck_assert_msg(in_list(cr_seccomp_by_args, name) >= 0, "%s", name);
		}
	}
	ck_assert_int_gt(names, 400);
	/* the other way: each allowed name is in the profile as allowed */
	for (size_t i = 0; cr_seccomp_allowed[i]; i++) {
		bool found = false;

		rewind(f);
		while (!found && fgets(line, sizeof(line), f)) {
			int n = sscanf(line, "%15s %63s %63s", kind, a, b);

			found =
			    (n == 2 && !strcmp(kind, "allow") &&
			     !strcmp(a, cr_seccomp_allowed[i])) ||
			    (n == 3 && !strcmp(kind, "arch") && !strcmp(b, cr_seccomp_allowed[i]));
		}
		ck_assert_msg(found, "%s is not in the profile", cr_seccomp_allowed[i]);
	}
	/* and each capped name with each of its capabilities */
	for (size_t i = 0; cr_seccomp_capped[i].name; i++) {
		uint64_t seen = 0;

		rewind(f);
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%15s %63s %63s", kind, a, b) == 3 &&
			    !strcmp(kind, "cap") && !strcmp(b, cr_seccomp_capped[i].name))
				seen |= security_cap_mask(a);
		}
		ck_assert_msg(seen == cr_seccomp_capped[i].caps,
			      "%s: capabilities %llx, profile %llx", cr_seccomp_capped[i].name,
			      (unsigned long long)cr_seccomp_capped[i].caps,
			      (unsigned long long)seen);
	}
	fclose(f);
}
END_TEST

/* The loaded filter answers as the tables say: allowed, EPERM, ENOSYS for a syscall
 * newer than the profile (cachestat, 451), and a capability-dependent one (kcmp, allowed
 * with SYS_PTRACE) by the capabilities given. */
static int filtered_child(uint64_t caps)
{
	struct cr_error err;
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    security_load_seccomp(caps, &err) < 0)
			_exit(10);
		if (syscall(SYS_getpid) != getpid())
			_exit(11);
		if (syscall(425 /* io_uring_setup */, 1, NULL) != -1 || errno != EPERM)
			_exit(12);
		if (syscall(451 /* cachestat */, -1, NULL, NULL, 0) != -1 || errno != ENOSYS)
			_exit(13);
		if (syscall(SYS_keyctl, 0, -3, 0) != -1 || errno != EPERM)
			_exit(14);
		errno = 0;
		syscall(SYS_kcmp, getpid(), getpid(), 0 /* KCMP_FILE */, 0, 0);
		_exit(errno == EPERM ? 20 : 21);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(filter_answers_by_capability)
{
	ck_assert_int_eq(filtered_child(cr_default_caps), 20);
	ck_assert_int_eq(filtered_child(cr_default_caps | (1ULL << CAP_SYS_PTRACE)), 21);
}
END_TEST

START_TEST(config_keeps_security)
{
	struct cr_config a, b;
	char *text;

	config_init(&a);
	config_init(&b);
	a.name = strdup("n");
	a.rootfs = strdup("/r");
	a.sec.caps = 0x5;
	a.sec.privileged = true;
	a.sec.seccomp = false;
	text = config_serialize(&a);
	ck_assert_int_eq(config_parse(text, &b), 0);
	ck_assert_uint_eq(b.sec.caps, 0x5);
	ck_assert(b.sec.privileged && !b.sec.seccomp && !b.sec.no_new_privs);
	free(text);
	config_free(&a);
	config_free(&b);
}
END_TEST

/* Issue 12: no-new-privileges and nested take KEY, KEY=true|false and docker's KEY:VALUE;
 * anything else is refused, the setting unchanged. */
START_TEST(boolean_security_options)
{
	struct cr_security sec = {.seccomp = true};
	struct cr_error err;

	ck_assert_int_eq(security_set_option(&sec, "no-new-privileges", &err), 0);
	ck_assert(sec.no_new_privs);
	ck_assert_int_eq(security_set_option(&sec, "no-new-privileges:false", &err), 0);
	ck_assert(!sec.no_new_privs);
	ck_assert_int_eq(security_set_option(&sec, "no-new-privileges=true", &err), 0);
	ck_assert(sec.no_new_privs);
	ck_assert_int_eq(security_set_option(&sec, "nested", &err), 0);
	ck_assert(sec.nested);
	ck_assert_int_eq(security_set_option(&sec, "nested=false", &err), 0);
	ck_assert(!sec.nested);
	ck_assert_int_eq(security_set_option(&sec, "nested=true", &err), 0);
	ck_assert(sec.nested);
	ck_assert_int_eq(security_set_option(&sec, "nested=yes", &err), -1);
	ck_assert_int_eq(security_set_option(&sec, "nestedx", &err), -1);
	ck_assert_int_eq(security_set_option(&sec, "no-new-privileges=", &err), -1);
	ck_assert(sec.nested && sec.no_new_privs);
}
END_TEST

/* A new user namespace: EPERM under the default filter, made under the filter with
 * CR_SECCOMP_NESTED (--security-opt nested=true), where the kernel allows it here. */
static int unshare_child(uint64_t caps)
{
	struct cr_error err;
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    security_load_seccomp(caps, &err) < 0)
			_exit(10);
		if (unshare(CLONE_NEWUSER) == 0)
			_exit(0);
		_exit(errno == EPERM ? 1 : 2);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(filter_nested_user_namespaces)
{
	pid_t pid = fork();
	int status;

	/* can this machine make one at all, without a filter? */
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(unshare_child(cr_default_caps), 1);
	ck_assert_int_eq(unshare_child(cr_default_caps | (1ULL << CAP_SYS_ADMIN)), 1);
	if (WEXITSTATUS(status) == 0)
		ck_assert_int_eq(unshare_child(cr_default_caps | CR_SECCOMP_NESTED), 0);
	ck_assert_int_ge(in_list(cr_seccomp_nested, "pivot_root"), 0);
	ck_assert_int_ge(in_list(cr_seccomp_refused, "pivot_root"), 0);
	ck_assert(capped("mount") && in_list(cr_seccomp_nested, "mount") >= 0);
	ck_assert_int_lt(in_list(cr_seccomp_nested, "keyctl"), 0);
	ck_assert_int_lt(in_list(cr_seccomp_nested, "bpf"), 0);
}
END_TEST

START_TEST(config_keeps_init_and_nested)
{
	struct cr_config a, b;
	char *text;

	config_init(&a);
	config_init(&b);
	a.name = strdup("n");
	a.rootfs = strdup("/r");
	a.init = false;
	a.sec.nested = true;
	a.sec.no_new_privs = true;
	text = config_serialize(&a);
	ck_assert_int_eq(config_parse(text, &b), 0);
	ck_assert(!b.init && b.sec.nested && b.sec.no_new_privs);
	free(text);
	config_free(&b);
	/* a config saved before these keys existed: the init, no nesting */
	config_init(&b);
	ck_assert_int_eq(config_parse("name=n\nrootfs=/r\n", &b), 0);
	ck_assert(b.init && !b.sec.nested);
	config_free(&a);
	config_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("security");
	TCase *tc = tcase_create("security");

	tcase_add_test(tc, cap_names);
	tcase_add_test(tc, default_set_is_dockers);
	tcase_add_test(tc, add_and_drop);
	tcase_add_test(tc, security_options);
	tcase_add_test(tc, filter_refuses_the_dangerous_ones);
	tcase_add_test(tc, filter_refuses_io_uring_and_new_mount_calls);
	tcase_add_test(tc, filter_lists_are_disjoint);
	tcase_add_test(tc, filter_is_dockers_profile);
	tcase_add_test(tc, filter_answers_by_capability);
	tcase_add_test(tc, config_keeps_security);
	tcase_add_test(tc, boolean_security_options);
	tcase_add_test(tc, filter_nested_user_namespaces);
	tcase_add_test(tc, config_keeps_init_and_nested);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
