/* Unit tests: what ps prints (docker's durations and status texts, cut cells, filters,
 * templates) and container ids (kept, derived for older containers, told from names). */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps-format.h"
#include "state.h"

static const char *dur(long long secs)
{
	static char buf[64];

	psf_duration(secs, buf, sizeof(buf));
	return buf;
}

/* docker's go-units HumanDuration, at each boundary. */
START_TEST(durations_as_docker)
{
	ck_assert_str_eq(dur(-5), "Less than a second");
	ck_assert_str_eq(dur(0), "Less than a second");
	ck_assert_str_eq(dur(1), "1 second");
	ck_assert_str_eq(dur(2), "2 seconds");
	ck_assert_str_eq(dur(59), "59 seconds");
	ck_assert_str_eq(dur(60), "About a minute");
	ck_assert_str_eq(dur(119), "About a minute");
	ck_assert_str_eq(dur(120), "2 minutes");
	ck_assert_str_eq(dur(3599), "59 minutes");
	/* hours are rounded: 89 minutes are about an hour, 90 are 2 hours */
	ck_assert_str_eq(dur(3600), "About an hour");
	ck_assert_str_eq(dur(89 * 60 + 59), "About an hour");
	ck_assert_str_eq(dur(90 * 60), "2 hours");
	ck_assert_str_eq(dur(47 * 3600 + 1799), "47 hours");
	ck_assert_str_eq(dur(47 * 3600 + 1800), "2 days");
	ck_assert_str_eq(dur(13 * 86400), "13 days");
	ck_assert_str_eq(dur(14 * 86400), "2 weeks");
	ck_assert_str_eq(dur(59 * 86400), "8 weeks");
	ck_assert_str_eq(dur(60 * 86400), "2 months");
	ck_assert_str_eq(dur(729 * 86400), "24 months");
	ck_assert_str_eq(dur(730 * 86400), "2 years");
}
END_TEST

START_TEST(status_texts)
{
	char buf[64];
	long long now = 1800000000;

	psf_status("running", -1, now - 3 * 60, 0, now, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Up 3 minutes");
	psf_status("running", -1, now, 0, now, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Up Less than a second");
	psf_status("exited", 0, 0, now - 2 * 3600, now, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Exited (0) 2 hours ago");
	psf_status("exited", 137, 0, 0, now, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Exited (137)");
	psf_status("exited", 3, 0, now + 100, now, buf, sizeof(buf)); /* a clock set back */
	ck_assert_str_eq(buf, "Exited (3) Less than a second ago");
	psf_status("created", -1, now - 5, 0, now, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Created");
	psf_status("damaged", -1, 0, 0, now, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Damaged");
	psf_ago(now - 3600 * 5, now, buf, sizeof(buf));
	ck_assert_str_eq(buf, "5 hours ago");
	psf_ago(0, now, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	psf_rfc3339(1800000000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2027-01-15T08:00:00Z");
	psf_rfc3339(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

static const char *cut(const char *s, size_t width, bool tail)
{
	static char buf[512];

	psf_cut(s, width, tail, buf, sizeof(buf));
	return buf;
}

/* A cell is at most width columns, its cut marked with "…", whatever its bytes. */
START_TEST(cells_cut)
{
	ck_assert_str_eq(cut("sleep 1000", 20, false), "sleep 1000");
	ck_assert_str_eq(cut("sh -c while true; do date; done", 20, false), "sh -c while true; d…");
	ck_assert_uint_eq(psf_width(cut("sh -c while true; do date; done", 20, false)), 20);
	ck_assert_str_eq(cut("/home/user/a/very/long/path/to/a/rootfs", 20, true),
			 "…ng/path/to/a/rootfs");
	ck_assert_uint_eq(psf_width(cut("/home/user/a/very/long/path/to/a/rootfs", 20, true)), 20);
	ck_assert_str_eq(cut("/home/user/a/very/long/path/to/a/rootfs", 0, true),
			 "/home/user/a/very/long/path/to/a/rootfs");
	/* code points, not bytes: a multibyte name is never split */
	ck_assert_str_eq(cut("caf\xc3\xa9-caf\xc3\xa9", 5, false), "caf\xc3\xa9…");
	ck_assert_str_eq(cut("caf\xc3\xa9-caf\xc3\xa9", 5, true), "…caf\xc3\xa9");
	ck_assert_uint_eq(psf_width("caf\xc3\xa9…"), 5);
	/* a newline or an escape sequence never breaks the table */
	ck_assert_str_eq(cut("echo a\nb\x1b[2J", 0, false), "echo a\\nb\\x1b[2J");
	ck_assert_str_eq(cut("abc", 1, false), "…");
}
END_TEST

START_TEST(templates)
{
	struct cr_error err;
	const char *v[PSF_NFIELDS] = {"abc",	      "web", "/r",	"\"sh\"", "t",
				      "1 second ago", "Up",  "running", "42",	  "0"};
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(psf_template_check("{{.Names}}", &err), 0);
	ck_assert_int_eq(psf_template_check("{{ .ID }}\\t{{.Status}} {{.Pid}}", &err), 0);
	ck_assert_int_eq(psf_template_check("plain", &err), 0);
	ck_assert_int_eq(psf_template_check("{{.Nope}}", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "unknown field '{{.Nope}}'"));
	ck_assert_int_eq(psf_template_check("{{.Names", &err), -1);
	ck_assert_int_eq(psf_template_check("{{Names}}", &err), -1);
	ck_assert_int_eq(psf_template_check("{{.Names x}}", &err), -1);
	f = open_memstream(&out, &len);
	psf_template_print(f, "{{ .ID }}\\t{{.Names}}|{{.State}} {{.Pid}}\\n{", v);
	fclose(f);
	ck_assert_str_eq(out, "abc\tweb|running 42\n{\n");
	free(out);
}
END_TEST

/* "table TEMPLATE": tab-separated cells aligned in columns 3 spaces apart, by code points,
 * under docker's header names. */
START_TEST(template_columns)
{
	char *lines[] = {"CONTAINER ID\tNAMES\tSTATUS\n", "abc\tweb\tUp 1 second\n",
			 "abcdef012345\tcaf\xc3\xa9-long\tCreated\n", "x\n"};
	char *out = NULL, *header = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	const char *names[PSF_NFIELDS];

	psf_print_columns(f, lines, 4);
	fclose(f);
	ck_assert_str_eq(out, "CONTAINER ID   NAMES       STATUS\n"
			      "abc            web         Up 1 second\n"
			      "abcdef012345   caf\xc3\xa9-long   Created\n"
			      "x\n");
	free(out);
	for (int i = 0; i < PSF_NFIELDS; i++)
		names[i] = psf_field_headers[i];
	f = open_memstream(&header, &len);
	psf_template_print(f, "{{.ID}}\\t{{.Names}}\\t{{.RunningFor}}", names);
	fclose(f);
	ck_assert_str_eq(header, "CONTAINER ID\tNAMES\tCREATED\n");
	free(header);
}
END_TEST

/* docker's rules: values of a key or'ed, keys and'ed; name= is an unanchored regex. */
START_TEST(filters)
{
	struct psf_filter f = {0};
	struct cr_error err;

	ck_assert(psf_filter_match(&f, "web", "abc", "exited"));
	ck_assert_int_eq(psf_filter_add(&f, "name=eb", &err), 0);
	ck_assert(psf_filter_match(&f, "web", "abc", "exited"));
	ck_assert(!psf_filter_match(&f, "db", "abc", "exited"));
	ck_assert_int_eq(psf_filter_add(&f, "name=^db$", &err), 0);
	ck_assert(psf_filter_match(&f, "db", "abc", "exited"));
	ck_assert(!psf_filter_match(&f, "dbx", "abc", "exited"));
	ck_assert_int_eq(psf_filter_add(&f, "status=running", &err), 0);
	ck_assert_int_eq(psf_filter_add(&f, "status=created", &err), 0);
	ck_assert(f.has_states);
	ck_assert(!psf_filter_match(&f, "web", "abc", "exited"));
	ck_assert(psf_filter_match(&f, "web", "abc", "running"));
	ck_assert(psf_filter_match(&f, "db", "abc", "created"));
	ck_assert_int_eq(psf_filter_add(&f, "id=ab", &err), 0);
	ck_assert(psf_filter_match(&f, "web", "abc", "running"));
	ck_assert(!psf_filter_match(&f, "web", "bbc", "running"));
	ck_assert_int_eq(psf_filter_add(&f, "status=paused", &err), 0); /* docker's, never ours */
	ck_assert_int_eq(psf_filter_add(&f, "status=sleeping", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "invalid --filter 'status=sleeping'"));
	ck_assert_int_eq(psf_filter_add(&f, "label=a", &err), -1);
	ck_assert_int_eq(psf_filter_add(&f, "name", &err), 0); /* an empty regex: all */
	ck_assert_int_eq(psf_filter_add(&f, "name=(", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a regular expression"));
	psf_filter_free(&f);
}
END_TEST

/* A new container's id is kept in its config; an older one gets one derived from its name
 * and creation time: the same every time, different for another container. */
START_TEST(container_ids)
{
	char a[CR_ID_LEN + 1], b[CR_ID_LEN + 1], c[CR_ID_LEN + 1];
	const char *kept = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char *config = NULL;

	state_generate_id(a);
	state_generate_id(b);
	ck_assert_uint_eq(strlen(a), CR_ID_LEN);
	ck_assert_uint_eq(strspn(a, "0123456789abcdef"), CR_ID_LEN);
	ck_assert_str_ne(a, b);
	config = malloc(200);
	snprintf(config, 200, "name=web\nrootfs=/r\ncreated=1700000000\nid=%s\n", kept);
	state_config_id(config, "web", a);
	ck_assert_str_eq(a, kept);
	state_config_id("name=web\nrootfs=/r\ncreated=1700000000\n", "web", a);
	state_config_id("name=web\nrootfs=/r\ncreated=1700000000\n", "web", b);
	state_config_id("name=web\nrootfs=/r\ncreated=1700000001\n", "web", c);
	ck_assert_uint_eq(strspn(a, "0123456789abcdef"), CR_ID_LEN);
	ck_assert_uint_eq(strlen(a), CR_ID_LEN);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	state_config_id("name=web\nid=XYZ\ncreated=1700000000\n", "web", c); /* damaged: derived */
	ck_assert_str_eq(a, c);
	state_config_id(NULL, "web", c);
	ck_assert_uint_eq(strlen(c), CR_ID_LEN);
	ck_assert(state_may_be_id("3fa"));
	ck_assert(state_may_be_id(kept));
	ck_assert(!state_may_be_id("web"));
	ck_assert(!state_may_be_id("conti-1234abcd"));
	ck_assert(!state_may_be_id("3FA"));
	ck_assert(!state_may_be_id(""));
	free(config);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ps");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, durations_as_docker);
	tcase_add_test(tc, status_texts);
	tcase_add_test(tc, cells_cut);
	tcase_add_test(tc, templates);
	tcase_add_test(tc, template_columns);
	tcase_add_test(tc, filters);
	tcase_add_test(tc, container_ids);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
