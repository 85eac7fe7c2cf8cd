/* Unit tests: the log's time index and what logs and the everyday commands parse
 * (--since, --tail, -t, -h, help, version). */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"

#define NOW 1800000000000000000LL /* 2027-01-15T08:00:00Z, in ns */

static long long since(const char *s)
{
	long long ns = -42;

	return log_parse_since(s, NOW, &ns) < 0 ? -1 : ns;
}

/* docker's forms of --since: RFC 3339 (Z, offsets, a fraction, shorter forms), Unix
 * seconds, durations before now. */
START_TEST(since_forms)
{
	ck_assert_int_eq(since("2027-01-15T08:00:00Z"), NOW);
	ck_assert_int_eq(since("2027-01-15T08:00:00.5Z"), NOW + 500000000LL);
	ck_assert_int_eq(since("2027-01-15T08:00:00.123456789Z"), NOW + 123456789LL);
	ck_assert_int_eq(since("2027-01-15T10:00:00+02:00"), NOW);
	ck_assert_int_eq(since("2027-01-15T07:30:00-00:30"), NOW);
	ck_assert_int_eq(since("1800000000"), NOW);
	ck_assert_int_eq(since("1800000000.25"), NOW + 250000000LL);
	ck_assert_int_eq(since("10m"), NOW - 600000000000LL);
	ck_assert_int_eq(since("1h30m"), NOW - 5400000000000LL);
	ck_assert_int_eq(since("1.5h"), NOW - 5400000000000LL);
	ck_assert_int_eq(since("300ms"), NOW - 300000000LL);
	ck_assert_int_eq(since("0"), NOW);
	ck_assert_int_gt(since("2027-01-15"), 0);
	ck_assert_int_gt(since("2027-01-15T08:00"), 0);
}
END_TEST

START_TEST(since_refused)
{
	static const char *const bad[] = {"", "yesterday", "10", "10x", "1h30", "-5m", "2027-13-01",
					  "2027-01-15T25:00Z", "2027-1-5", "1800000000.", "5m ",
					  "2027-01-15T08:00:00+0200",
					  /* beyond what ns since 1970 hold (the fuzzer's find) */
					  "180000000080.25", "9999-01-01T00:00:00Z", "0001-01-01"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* "10" alone is Unix seconds, as docker: accepted */
		if (!strcmp(bad[i], "10"))
			ck_assert_int_eq(since(bad[i]), 10000000000LL);
		else
			ck_assert_msg(since(bad[i]) == -1, "--since '%s' was accepted", bad[i]);
	}
}
END_TEST

/* Go's RFC3339Nano in UTC, as docker logs -t prints: trailing zeros of the fraction cut. */
START_TEST(format_time)
{
	char buf[48];

	log_format_time(NOW, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2027-01-15T08:00:00Z");
	log_format_time(NOW + 120000000LL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2027-01-15T08:00:00.12Z");
	log_format_time(NOW + 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2027-01-15T08:00:00.000000001Z");
	/* what it prints, --since takes back */
	ck_assert_int_eq(since("2027-01-15T08:00:00.000000001Z"), NOW + 1);
}
END_TEST

static size_t make_index(unsigned char *buf, unsigned long long ino, const long long *recs,
			 size_t n)
{
	memcpy(buf, "CRLOGIX1", 8);
	memcpy(buf + 8, &ino, 8);
	memcpy(buf + 16, recs, n * 16);
	return 16 + n * 16;
}

/* An index gives each byte the time of the last record at or before it; a record that
 * goes back, a negative one, a partial one, another log's header: left out. */
START_TEST(index_parse_and_lookup)
{
	const long long recs[] = {0, 100, 10, 200, 5, 999, 20, 300, -1, 5, 20, 400};
	unsigned char buf[256];
	size_t len = make_index(buf, 77, recs, 6);
	struct cr_log_stamp *st;
	size_t n = log_index_parse(buf, len + 7, 77, &st);

	ck_assert_int_eq((int)n, 4); /* 5:999 goes back; -1:5 is negative */
	ck_assert_int_eq(log_index_time(st, n, 0, 1), 100);
	ck_assert_int_eq(log_index_time(st, n, 9, 1), 100);
	ck_assert_int_eq(log_index_time(st, n, 10, 1), 200);
	ck_assert_int_eq(log_index_time(st, n, 19, 1), 200);
	ck_assert_int_eq(log_index_time(st, n, 20, 1), 400); /* the later of two at 20 */
	ck_assert_int_eq(log_index_time(st, n, 1000, 1), 400);
	ck_assert_int_eq(log_index_time(st, 0, 5, 7), 7);
	free(st);
	ck_assert_int_eq((int)log_index_parse(buf, len, 78, &st), 0);
	ck_assert_ptr_null(st);
	buf[0] = 'X';
	ck_assert_int_eq((int)log_index_parse(buf, len, 77, &st), 0);
	ck_assert_int_eq((int)log_index_parse(buf, 3, 77, &st), 0);
}
END_TEST

static FILE *devnull;

#define ARGV(...) ((char *[]){"conti-rootless", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"conti-rootless", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(cli, err, ...) parse(cli, err, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static int parse(struct cr_cli *cli, struct cr_error *err, int argc, char **argv)
{
	memset(err, 0, sizeof(*err));
	return cli_parse(argc, argv, cli, devnull, err);
}

START_TEST(logs_options)
{
	struct cr_cli cli;
	struct cr_error err;

	ck_assert_int_eq(PARSE(&cli, &err, "logs", "name"), 0);
	ck_assert(!cli.logs.timestamps && cli.logs.since == 0 && cli.logs.tail == -1);
	cli_free(&cli);
	ck_assert_int_eq(
	    PARSE(&cli, &err, "logs", "-f", "-t", "--tail", "3", "--since", "1800000000", "name"),
	    0);
	ck_assert(cli.follow && cli.logs.timestamps && cli.logs.tail == 3);
	ck_assert_int_eq(cli.logs.since, NOW);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "logs", "-n", "0", "--timestamps", "name"), 0);
	ck_assert(cli.logs.tail == 0 && cli.logs.timestamps);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "logs", "--tail", "-1", "name"), -1);
	ck_assert_int_eq(err.status, 125);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "logs", "--since", "soon", "name"), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "--since"));
	cli_free(&cli);
}
END_TEST

/* -h: the hostname for run and create (docker's), help elsewhere; --trace after run,
 * create and start; help and version as commands. */
START_TEST(h_trace_help_version)
{
	struct cr_cli cli;
	struct cr_error err;

	ck_assert_int_eq(PARSE(&cli, &err, "run", "-h", "box", "r"), 0);
	ck_assert_str_eq(cli.cfg.hostname, "box");
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "create", "-hbox", "--trace", "r"), 0);
	ck_assert_str_eq(cli.cfg.hostname, "box");
	ck_assert(cli.trace && cli.cfg.trace);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "start", "--trace", "x"), 0);
	ck_assert(cli.trace && cli.cfg.trace);
	cli_free(&cli);
	static const char *const helped[] = {"ps", "logs", "inspect", "stop",
					     "rm", "exec", "check"};
	for (size_t i = 0; i < sizeof(helped) / sizeof(helped[0]); i++) {
		ck_assert_int_eq(PARSE(&cli, &err, (char *)helped[i], "-h"), 0);
		ck_assert_int_eq(cli.command, CR_CMD_NONE);
		cli_free(&cli);
	}
	ck_assert_int_eq(PARSE(&cli, &err, "help"), 0);
	ck_assert_int_eq(cli.command, CR_CMD_NONE);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "help", "run"), 0);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "help", "nosuch"), -1);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "help", "run", "ps"), -1);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "version"), 0);
	ck_assert_int_eq(cli.command, CR_CMD_VERSION);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "version", "x"), -1);
	cli_free(&cli);
	ck_assert_int_eq(PARSE(&cli, &err, "run", "--net", "bogus", "r"), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "host|none"));
	cli_free(&cli);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("logs");
	TCase *tc = tcase_create("index");
	int ret;

	devnull = fopen("/dev/null", "w");
	tcase_add_test(tc, since_forms);
	tcase_add_test(tc, since_refused);
	tcase_add_test(tc, format_time);
	tcase_add_test(tc, index_parse_and_lookup);
	suite_add_tcase(s, tc);
	tc = tcase_create("cli");
	tcase_add_test(tc, logs_options);
	tcase_add_test(tc, h_trace_help_version);
	suite_add_tcase(s, tc);
	ret = unit_run(s);
	fclose(devnull);
	return ret;
}
