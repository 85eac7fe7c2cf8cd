/* Unit tests: capability names and sets, --security-opt, the default filter's list. */
#include "unit.h"
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>

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
	ck_assert(cfg.sec.no_new_privs && cfg.sec.seccomp && !cfg.sec.privileged);
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

START_TEST(filter_refuses_the_dangerous_ones)
{
	static const char *const must[] = {"kexec_load",     "init_module",	  "bpf",
					   "keyctl",	     "open_by_handle_at", "userfaultfd",
					   "perf_event_open"};

	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
		bool found = false;

		for (size_t j = 0; cr_seccomp_refused[j]; j++)
			found = found || !strcmp(cr_seccomp_refused[j], must[i]);
		ck_assert_msg(found, "%s is not refused", must[i]);
	}
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
	ck_assert(b.sec.privileged && !b.sec.seccomp && b.sec.no_new_privs);
	free(text);
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
	tcase_add_test(tc, config_keeps_security);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
