/* test_oci_state.c - the OCI lifecycle's pure parts: container IDs, signal names, the
 * runtime spec's state document, and state.json written and read back. */
#include <check.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/lifecycle.h"
#include "oci/state.h"
#include "utils.h"

START_TEST(test_id_valid)
{
	char longest[OCI_ID_MAX + 2];

	ck_assert(oci_id_valid("abc-DEF_1.2+3"));
	ck_assert(oci_id_valid("b10e7b99-ffa4-48f7-a51a-e1c99343a05f"));
	ck_assert(!oci_id_valid(""));
	ck_assert(!oci_id_valid("."));
	ck_assert(!oci_id_valid(".."));
	ck_assert(!oci_id_valid("a/b"));
	ck_assert(!oci_id_valid("../x"));
	ck_assert(!oci_id_valid("a b"));
	ck_assert(!oci_id_valid("a\nb"));
	ck_assert(!oci_id_valid("caf\xc3\xa9"));
	memset(longest, 'a', sizeof(longest));
	longest[OCI_ID_MAX] = '\0';
	ck_assert(oci_id_valid(longest));
	longest[OCI_ID_MAX] = 'a';
	longest[OCI_ID_MAX + 1] = '\0';
	ck_assert(!oci_id_valid(longest));
}
END_TEST

START_TEST(test_parse_signal)
{
	ck_assert_int_eq(oci_parse_signal("KILL"), SIGKILL);
	ck_assert_int_eq(oci_parse_signal("SIGKILL"), SIGKILL);
	ck_assert_int_eq(oci_parse_signal("sigterm"), SIGTERM);
	ck_assert_int_eq(oci_parse_signal("9"), 9);
	ck_assert_int_eq(oci_parse_signal("HUP"), SIGHUP);
	ck_assert_int_eq(oci_parse_signal("RTMIN"), SIGRTMIN);
	ck_assert_int_eq(oci_parse_signal("RTMIN+2"), SIGRTMIN + 2);
	ck_assert_int_eq(oci_parse_signal("SIGRTMAX-1"), SIGRTMAX - 1);
	ck_assert_int_eq(oci_parse_signal("RTMAX+1"), -1);
	ck_assert_int_eq(oci_parse_signal("0"), -1);
	ck_assert_int_eq(oci_parse_signal("65"), -1);
	ck_assert_int_eq(oci_parse_signal("-9"), -1);
	ck_assert_int_eq(oci_parse_signal("NOSUCH"), -1);
	ck_assert_int_eq(oci_parse_signal(""), -1);
	ck_assert_int_eq(oci_parse_signal("SIG"), -1);
}
END_TEST

static const char *member_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

/* The spec's document: its fields and types; a stopped container shows pid 0. */
START_TEST(test_state_json)
{
	struct oci_state st = {.id = "c1", .pid = 4242, .bundle = "/b/\"q\"", .dir_fd = -1};
	struct json_object *o, *v, *ann;
	char *text;

	strv_push(&st.annotations, "org.example.key=va=lue");
	text = oci_state_json(&st, OCI_CREATED);
	o = json_tokener_parse(text);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(member_string(o, "ociVersion"), OCI_SPEC_VERSION);
	ck_assert_str_eq(member_string(o, "id"), "c1");
	ck_assert_str_eq(member_string(o, "status"), "created");
	ck_assert_str_eq(member_string(o, "bundle"), "/b/\"q\"");
	ck_assert(json_object_object_get_ex(o, "pid", &v) && json_object_is_type(v, json_type_int));
	ck_assert_int_eq(json_object_get_int(v), 4242);
	ck_assert(json_object_object_get_ex(o, "annotations", &ann));
	ck_assert_str_eq(member_string(ann, "org.example.key"), "va=lue");
	json_object_put(o);
	free(text);
	text = oci_state_json(&st, OCI_STOPPED);
	o = json_tokener_parse(text);
	ck_assert_str_eq(member_string(o, "status"), "stopped");
	ck_assert(json_object_object_get_ex(o, "pid", &v));
	ck_assert_int_eq(json_object_get_int(v), 0);
	json_object_put(o);
	free(text);
	strv_free(&st.annotations);
	ck_assert_str_eq(oci_status_name(OCI_CREATING), "creating");
	ck_assert_str_eq(oci_status_name(OCI_RUNNING), "running");
	ck_assert_str_eq(oci_status_name(OCI_PAUSED), "paused");
}
END_TEST

/* state.json written by oci_state_save reads back the same; a symlink in its place, or a
 * damaged one, is refused, never followed. */
START_TEST(test_state_round_trip)
{
	char base[] = "/tmp/oci-state.XXXXXX";
	struct oci_global g = {0};
	struct oci_state st = {0}, back;
	struct cr_error err = {0};
	char *dir, *file;

	ck_assert_ptr_nonnull(mkdtemp(base));
	g.root = base;
	dir = cr_xasprintf("%s/c1", base);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	st.id = cr_xstrdup("c1");
	st.pid = 77;
	st.start_time = 123456789ULL;
	st.bundle = cr_xstrdup("/some/bundle");
	st.rootfs = cr_xstrdup("/some/bundle/rootfs");
	st.created = cr_xstrdup("2026-11-24T05:00:00.000000001Z");
	st.owner = cr_xstrdup("me");
	st.own_pidns = true;
	st.creating = true;
	st.hooks = cr_xstrdup("{\"poststop\":[{\"path\":\"/bin/true\"}]}");
	strv_push(&st.annotations, "a=b");
	st.dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_eq(oci_state_save(&st, &err), 0);
	ck_assert_int_eq(oci_state_load(&g, "c1", &back, &err), 0);
	ck_assert_int_eq(back.pid, 77);
	ck_assert(back.start_time == 123456789ULL);
	ck_assert_str_eq(back.bundle, "/some/bundle");
	ck_assert_str_eq(back.rootfs, "/some/bundle/rootfs");
	ck_assert_str_eq(back.created, st.created);
	ck_assert_str_eq(back.owner, "me");
	ck_assert(back.own_pidns && back.creating);
	ck_assert_ptr_nonnull(strstr(back.hooks, "/bin/true"));
	ck_assert_uint_eq(back.annotations.n, 1);
	ck_assert_str_eq(back.annotations.v[0], "a=b");
	/* a pid that is not the recorded process: stopped */
	ck_assert_int_eq(oci_state_status(&back), OCI_STOPPED);
	oci_state_free(&back);
	ck_assert_int_eq(oci_state_load(&g, "nosuch", &back, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "does not exist"));
	oci_state_free(&back);
	ck_assert_int_eq(oci_state_load(&g, "../c1", &back, &err), -1);
	oci_state_free(&back);
	file = cr_xasprintf("%s/state.json", dir);
	ck_assert_int_eq(unlink(file), 0);
	ck_assert_int_eq(symlink("/etc/passwd", file), 0);
	ck_assert_int_eq(oci_state_load(&g, "c1", &back, &err), -1);
	oci_state_free(&back);
	ck_assert_int_eq(unlink(file), 0);
	cr_write_file(file, "{\"pid\":", 7, 0600, &err);
	ck_assert_int_eq(oci_state_load(&g, "c1", &back, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "damaged"));
	oci_state_free(&back);
	oci_state_free(&st);
	ck_assert_int_eq(cr_rm_rf(base, &err), 0);
	free(file);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oci_state");
	TCase *tc = tcase_create("state");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_id_valid);
	tcase_add_test(tc, test_parse_signal);
	tcase_add_test(tc, test_state_json);
	tcase_add_test(tc, test_state_round_trip);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
