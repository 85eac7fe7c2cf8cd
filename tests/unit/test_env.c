/* Unit tests: the container's environment. */
#include "unit.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* A scratch file path under $TMPDIR (caller frees). */
static char *tmp_path(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	char *p = NULL;

	ck_assert_int_gt(
	    asprintf(&p, "%s/cr-env-%d-%s", tmp && *tmp ? tmp : "/tmp", (int)getpid(), name), 0);
	return p;
}

/* Anything but a regular file is refused before a byte is read: /dev/zero filled memory
 * without bound; a FIFO with no writer would hang the open; a directory. */
START_TEST(env_file_not_regular)
{
	const char *paths[] = {"/dev/zero", "/dev/null", "/", NULL};
	char *fifo = tmp_path("fifo");
	struct cr_strv env = {0};
	struct cr_error err;

	for (int i = 0; paths[i]; i++) {
		ck_assert_int_eq(env_add_file(&env, paths[i], &err), -1);
		ck_assert_msg(strstr(err.msg, "not a regular file"), "%s: %s", paths[i], err.msg);
	}
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(env_add_file(&env, fifo, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a regular file"));
	ck_assert_uint_eq(env.n, 0);
	unlink(fifo);
	free(fifo);
	strv_free(&env);
}
END_TEST

/* A file larger than the limit is refused without being read; one at the limit is read. */
START_TEST(env_file_size_bounded)
{
	char *path = tmp_path("big");
	struct cr_strv env = {0};
	struct cr_error err;
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)CR_ENV_FILE_MAX + 1), 0);
	ck_assert_int_eq(env_add_file(&env, path, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger than"));
	/* 8 TiB of holes: refused as quickly. */
	ck_assert_int_eq(ftruncate(fd, (off_t)8 << 40), 0);
	ck_assert_int_eq(env_add_file(&env, path, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger than"));
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(write(fd, "A=1\n# c\n\n  B=2\r\n", 16), 16);
	close(fd);
	ck_assert_int_eq(env_add_file(&env, path, &err), 0);
	ck_assert_uint_eq(env.n, 2);
	ck_assert_str_eq(env.v[0], "A=1");
	ck_assert_str_eq(env.v[1], "B=2");
	unlink(path);
	free(path);
	strv_free(&env);
}
END_TEST

/* Text parsing: NUL bytes refused, the last line without a newline kept, bad keys named by
 * their line. */
START_TEST(env_text_lines)
{
	struct cr_strv env = {0};
	struct cr_error err;

	ck_assert_int_eq(env_add_text(&env, "A=1\0B=2\n", 8, "f", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "NUL"));
	ck_assert_int_eq(env_add_text(&env, "X=1\nY=2", 7, "f", &err), 0);
	ck_assert_uint_eq(env.n, 2);
	ck_assert_str_eq(env.v[1], "Y=2");
	ck_assert_int_eq(env_add_text(&env, "X=1\n\nBAD KEY=1\n", 15, "f", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "f line 3"));
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
	tc = tcase_create("file");
	tcase_add_test(tc, env_file_not_regular);
	tcase_add_test(tc, env_file_size_bounded);
	tcase_add_test(tc, env_text_lines);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
