/* Unit tests: error lines are one printable line, whatever the user gave. */
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "error.h"

static const char *esc(const char *s, char *buf, size_t len)
{
	cr_escape(s, strlen(s), buf, len);
	return buf;
}

START_TEST(printable_kept)
{
	char buf[256];

	ck_assert_str_eq(esc("plain text: 'x' /a/b", buf, sizeof(buf)), "plain text: 'x' /a/b");
	/* Valid UTF-8 letters stay (names in other scripts are readable). */
	ck_assert_str_eq(esc("caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x90\xb3", buf, sizeof(buf)),
			 "caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x90\xb3");
}
END_TEST

START_TEST(controls_escaped)
{
	char buf[256];

	ck_assert_str_eq(esc("a\nb\rc\td", buf, sizeof(buf)), "a\\nb\\rc\\td");
	ck_assert_str_eq(esc("\x1b[2J\x07\x7f", buf, sizeof(buf)), "\\x1b[2J\\x07\\x7f");
	/* C1 controls (a CSI as U+009B), bytes that are not UTF-8, overlong forms, surrogates. */
	ck_assert_str_eq(esc("\xc2\x9b"
			     "1",
			     buf, sizeof(buf)),
			 "\\xc2\\x9b1");
	ck_assert_str_eq(esc("\xff\xfe", buf, sizeof(buf)), "\\xff\\xfe");
	ck_assert_str_eq(esc("\xc0\x8a", buf, sizeof(buf)), "\\xc0\\x8a");
	ck_assert_str_eq(esc("\xed\xa0\x80", buf, sizeof(buf)), "\\xed\\xa0\\x80");
	ck_assert_str_eq(esc("\xe6\x97", buf, sizeof(buf)), "\\xe6\\x97");
}
END_TEST

START_TEST(long_values_cut)
{
	size_t n = 131000;
	char *big = malloc(n + 1), buf[64];

	memset(big, 'A', n);
	big[n] = '\0';
	ck_assert_uint_eq(cr_escape(big, n, buf, sizeof(buf)), sizeof(buf) - 1);
	ck_assert_uint_eq(strlen(buf), sizeof(buf) - 1);
	ck_assert_str_eq(buf + sizeof(buf) - 4, "...");
	/* Escapes are never split by the cut. */
	memset(big, '\n', n);
	cr_escape(big, n, buf, sizeof(buf));
	ck_assert_ptr_null(strchr(buf, '\n'));
	ck_assert_str_eq(buf + strlen(buf) - 5, "\\n...");
	free(big);
}
END_TEST

START_TEST(cut_values)
{
	char buf[CR_CUT_SIZE], *big = malloc(131001);
	const char *c;

	ck_assert_str_eq(cr_cut("short", buf, sizeof(buf)), "short");
	memset(big, 'x', 131000);
	big[131000] = '\0';
	c = cr_cut(big, buf, sizeof(buf));
	ck_assert_uint_lt(strlen(c), CR_CUT_SIZE);
	ck_assert_ptr_nonnull(strstr(c, "... (131000 bytes)"));
	free(big);
}
END_TEST

/* The formatted error: one line, with the message, errno text and hint. */
START_TEST(format_one_line)
{
	struct cr_error err;
	char line[2048];

	cr_fail(&err, 2, "invalid --volume 'a\nb'");
	cr_hint(&err, "write it\nas SRC:DST");
	cr_error_format(&err, line, sizeof(line));
	ck_assert_str_eq(
	    line, "invalid --volume 'a\\nb': No such file or directory; write it\\nas SRC:DST");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("escape");

	tcase_add_test(tc, printable_kept);
	tcase_add_test(tc, controls_escaped);
	tcase_add_test(tc, long_values_cut);
	tcase_add_test(tc, cut_values);
	tcase_add_test(tc, format_one_line);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
