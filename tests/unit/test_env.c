/* Unit tests: the container's environment. */
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "env.h"

static const char *get(const struct cr_strv *v, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < v->n; i++) {
		if (!strncmp(v->v[i], key, klen) && v->v[i][klen] == '=')
			return v->v[i] + klen + 1;
	}
	return NULL;
}

START_TEST(defaults)
{
	struct cr_config cfg;
	struct cr_strv env = {0};

	config_init(&cfg);
	env_build(&cfg, "box", NULL, &env);
	ck_assert_str_eq(get(&env, "PATH"), CR_DEFAULT_PATH);
	ck_assert_str_eq(get(&env, "HOME"), "/root");
	ck_assert_str_eq(get(&env, "HOSTNAME"), "box");
	ck_assert_str_eq(get(&env, "container"), "conti-rootless");
	ck_assert_ptr_null(get(&env, "TERM"));
	ck_assert_ptr_null(env.v[env.n]);
	strv_free(&env);
	config_free(&cfg);
}
END_TEST

START_TEST(user_entries_override_in_order)
{
	struct cr_config cfg;
	struct cr_strv env = {0};
	struct cr_error err;

	config_init(&cfg);
	ck_assert_int_eq(env_add_option(&cfg.env, "PATH=/x", &err), 0);
	ck_assert_int_eq(env_add_option(&cfg.env, "A=1", &err), 0);
	ck_assert_int_eq(env_add_option(&cfg.env, "A=2", &err), 0);
	ck_assert_int_eq(env_add_option(&cfg.env, "EQ=a=b", &err), 0);
	cfg.user_set = true;
	cfg.uid = 1000;
	env_build(&cfg, "h", "xterm-256color", &env);
	ck_assert_str_eq(get(&env, "PATH"), "/x");
	ck_assert_str_eq(get(&env, "A"), "2");
	ck_assert_str_eq(get(&env, "EQ"), "a=b");
	ck_assert_str_eq(get(&env, "HOME"), "/");
	ck_assert_str_eq(get(&env, "TERM"), "xterm-256color");
	strv_free(&env);
	config_free(&cfg);
}
END_TEST

START_TEST(key_alone_takes_callers_value)
{
	struct cr_strv env = {0};
	struct cr_error err;

	setenv("CR_TEST_VALUE", "from-caller", 1);
	unsetenv("CR_TEST_UNSET");
	ck_assert_int_eq(env_add_option(&env, "CR_TEST_VALUE", &err), 0);
	ck_assert_int_eq(env_add_option(&env, "CR_TEST_UNSET", &err), 0);
	ck_assert_int_eq((int)env.n, 1);
	ck_assert_str_eq(env.v[0], "CR_TEST_VALUE=from-caller");
	ck_assert_int_eq(env_add_option(&env, "", &err), -1);
	ck_assert_int_eq(env_add_option(&env, "BAD KEY=1", &err), -1);
	strv_free(&env);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("env");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, user_entries_override_in_order);
	tcase_add_test(tc, key_alone_takes_callers_value);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
