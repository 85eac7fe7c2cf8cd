/* Unit tests: `spec`'s config.json template (plain and --rootless) read back by the runtime's
 * own parser, and `features`: valid JSON whose every listed mount option, namespace,
 * capability, seccomp action, operator and architecture the parsers accept. */
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/caps.h"
#include "oci/runtime.h"
#include "oci/seccomp.h"
#include "oci/spec.h"
#include "utils.h"

/* Parses config text (its capabilities object apart, through oci_caps_parse) for /b. */
static int parse_config(const char *text, struct oci_spec *s, struct cr_error *err)
{
	json_object *doc = json_tokener_parse(text), *p = NULL, *caps = NULL;
	int ret;

	ck_assert_ptr_nonnull(doc);
	oci_spec_init(s);
	if (json_object_object_get_ex(doc, "process", &p) &&
	    json_object_object_get_ex(p, "capabilities", &caps)) {
		json_object_get(caps);
		json_object_object_del(p, "capabilities");
	}
	ret = oci_spec_parse(json_object_to_json_string(doc),
			     strlen(json_object_to_json_string(doc)), "/b", s, err);
	if (ret == 0 && caps)
		ret = oci_caps_parse(caps, &s->cfg.sec, err);
	json_object_put(caps);
	json_object_put(doc);
	return ret;
}

static const struct cr_namespace *ns_of(const struct cr_config *cfg, unsigned long type)
{
	for (size_t i = 0; i < cfg->nnamespaces; i++)
		if (cfg->namespaces[i].type == type)
			return &cfg->namespaces[i];
	return NULL;
}

START_TEST(template_parses)
{
	cleanup_free char *text = oci_spec_template(false);
	struct oci_spec s;
	struct cr_error err = {0};

	ck_assert_msg(parse_config(text, &s, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(s.cfg.rootfs, "/b/rootfs");
	ck_assert(s.terminal && s.cfg.readonly_root);
	ck_assert_str_eq(s.cfg.args.v[0], "sh");
	ck_assert_uint_eq(s.cfg.nmounts, 7);
	ck_assert_ptr_nonnull(ns_of(&s.cfg, CLONE_NEWNET));
	ck_assert_ptr_null(ns_of(&s.cfg, CLONE_NEWUSER));
	ck_assert_ptr_null(s.cfg.uid_map);
	ck_assert(s.cfg.sec.cap_sets);
	ck_assert_uint_eq(s.cfg.sec.cap_bounding, (1ULL << 29) | (1ULL << 5) | (1ULL << 10));
	ck_assert(s.cfg.sec.no_new_privs);
	oci_spec_free(&s);
}
END_TEST

START_TEST(template_rootless_maps_our_ids)
{
	cleanup_free char *text = oci_spec_template(true);
	cleanup_free char *uid_map = cr_xasprintf("0 %u 1", (unsigned)geteuid());
	cleanup_free char *gid_map = cr_xasprintf("0 %u 1", (unsigned)getegid());
	struct oci_spec s;
	struct cr_error err = {0};

	ck_assert_msg(parse_config(text, &s, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(ns_of(&s.cfg, CLONE_NEWUSER));
	ck_assert_ptr_null(ns_of(&s.cfg, CLONE_NEWNET));
	ck_assert_msg(s.cfg.uid_map && !strncmp(s.cfg.uid_map, uid_map, strlen(uid_map)), "%s",
		      s.cfg.uid_map);
	ck_assert_msg(s.cfg.gid_map && !strncmp(s.cfg.gid_map, gid_map, strlen(gid_map)), "%s",
		      s.cfg.gid_map);
	for (size_t i = 0; i < s.cfg.nmounts; i++) {
		const struct cr_mount *m = &s.cfg.mounts[i];

		if (!strcmp(m->dst, "/sys"))
			ck_assert_msg(m->flags & MS_BIND, "/sys is not bound from the host's");
		if (!strcmp(m->dst, "/dev/pts"))
			ck_assert_ptr_null(strstr(m->data, "gid=5"));
	}
	oci_spec_free(&s);
}
END_TEST

/* The features document as the command prints it. */
static json_object *features(void)
{
	char path[] = "/tmp/conti-features-XXXXXX";
	int fd = mkstemp(path), saved = dup(1);
	struct oci_global g;
	struct cr_error err = {0};
	char *argv[] = {"features", NULL};
	static char buf[1 << 16];
	json_object *doc;
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	memset(&g, 0, sizeof(g));
	fflush(stdout);
	dup2(fd, 1);
	ck_assert_int_eq(oci_cmd_features(&g, 1, argv, &err), 0);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	close(fd);
	unlink(path);
	doc = json_tokener_parse(buf);
	ck_assert_msg(doc && json_object_is_type(doc, json_type_object), "not JSON: %s", buf);
	return doc;
}

static json_object *at(json_object *o, const char *a, const char *b, const char *c)
{
	const char *keys[] = {a, b, c};

	for (int i = 0; i < 3 && keys[i]; i++) {
		json_object *v = NULL;

		ck_assert_msg(json_object_object_get_ex(o, keys[i], &v), "no %s", keys[i]);
		o = v;
	}
	return o;
}

/* A config: head, value and tail spliced. */
static int parse_with(const char *head, const char *value, const char *tail, struct cr_error *err)
{
	cleanup_free char *text = cr_xasprintf("%s%s%s", head, value, tail);
	struct oci_spec s;
	int ret;

	oci_spec_init(&s);
	ret = oci_spec_parse(text, strlen(text), "/b", &s, err);
	oci_spec_free(&s);
	return ret;
}

START_TEST(features_lists_what_we_take)
{
	json_object *doc = features(), *a;
	struct cr_error err = {0};

	ck_assert_str_eq(json_object_get_string(at(doc, "ociVersionMax", NULL, NULL)),
			 OCI_SPEC_VERSION);
	a = at(doc, "hooks", NULL, NULL);
	ck_assert_uint_eq(json_object_array_length(a), 6);
	/* every listed mount option parses in a mount */
	a = at(doc, "mountOptions", NULL, NULL);
	ck_assert_uint_ge(json_object_array_length(a), 30);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *o = json_object_get_string(json_object_array_get_idx(a, i));

		ck_assert_msg(parse_with("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
					 "\"process\":{\"args\":[\"sh\"],"
					 "\"cwd\":\"/\"},\"mounts\":[{\"destination\":\"/m\","
					 "\"type\":\"bind\",\"source\":\"/tmp\",\"options\":"
					 "[\"rbind\",\"",
					 o, "\"]}]}", &err) == 0,
			      "mount option %s: %s", o, err.msg);
	}
	a = at(doc, "linux", "namespaces", NULL);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *n = json_object_get_string(json_object_array_get_idx(a, i));

		ck_assert_msg(parse_with("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
					 "\"process\":{\"args\":[\"sh\"],"
					 "\"cwd\":\"/\"},\"linux\":{\"namespaces\":[{\"type\":"
					 "\"",
					 n,
					 strcmp(n, "user")
					     ? "\"}]}}"
					     : "\"}],\"uidMappings\":[{\"containerID\":0,"
					       "\"hostID\":1000,\"size\":1}],\"gidMappings\":"
					       "[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}}",
					 &err) == 0,
			      "namespace %s: %s", n, err.msg);
	}
	/* every capability through libcap's parser, all five sets */
	a = at(doc, "linux", "capabilities", NULL);
	ck_assert_uint_ge(json_object_array_length(a), 38);
	{
		json_object *caps = json_object_new_object();
		struct cr_security sec = {0};

		json_object_object_add(caps, "bounding", json_object_get(a));
		ck_assert_msg(oci_caps_parse(caps, &sec, &err) == 0, "%s", err.msg);
		ck_assert_uint_eq((unsigned)__builtin_popcountll(sec.cap_bounding),
				  json_object_array_length(a));
		json_object_put(caps);
	}
	/* every action, operator and architecture compiles */
	ck_assert(json_object_get_boolean(at(doc, "linux", "seccomp", "enabled")));
	a = at(doc, "linux", "seccomp", "actions");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *act = json_object_get_string(json_object_array_get_idx(a, i));
		cleanup_free char *p = cr_xasprintf(
		    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getcwd\"],"
		    "\"action\":\"%s\"}]}",
		    act);
		json_object *prof = json_tokener_parse(p);
		struct cr_security sec = {0};

		ck_assert_msg(oci_seccomp_compile(prof, &sec, &err) == 0, "%s: %s", act, err.msg);
		free(sec.filter);
		json_object_put(prof);
	}
	a = at(doc, "linux", "seccomp", "operators");
	ck_assert_uint_eq(json_object_array_length(a), 7);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *op = json_object_get_string(json_object_array_get_idx(a, i));
		cleanup_free char *p = cr_xasprintf(
		    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getcwd\"],"
		    "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":1,\"value\":1,"
		    "\"valueTwo\":1,\"op\":\"%s\"}]}]}",
		    op);
		json_object *prof = json_tokener_parse(p);
		struct cr_security sec = {0};

		ck_assert_msg(oci_seccomp_compile(prof, &sec, &err) == 0, "%s: %s", op, err.msg);
		free(sec.filter);
		json_object_put(prof);
	}
	a = at(doc, "linux", "seccomp", "archs");
	ck_assert_uint_ge(json_object_array_length(a), 3);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *arch = json_object_get_string(json_object_array_get_idx(a, i));
		cleanup_free char *p = cr_xasprintf(
		    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
		    "\"%s\"]}",
		    arch);
		json_object *prof = json_tokener_parse(p);
		struct cr_security sec = {0};

		ck_assert_msg(oci_seccomp_compile(prof, &sec, &err) == 0, "%s: %s", arch, err.msg);
		free(sec.filter);
		json_object_put(prof);
	}
	ck_assert(!json_object_get_boolean(at(doc, "linux", "apparmor", "enabled")));
	ck_assert(!json_object_get_boolean(at(doc, "linux", "selinux", "enabled")));
	json_object_put(doc);
}
END_TEST

START_TEST(spec_command_writes_once)
{
	char dir[] = "/tmp/conti-spec-XXXXXX";
	char *argv[] = {"spec", "--rootless", "--bundle", dir, NULL};
	struct oci_global g;
	struct cr_error err = {0};
	cleanup_free char *path = NULL;
	char buf[65536];
	struct oci_spec s;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = cr_xasprintf("%s/config.json", dir);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(oci_cmd_spec(&g, 4, argv, &err), 0);
	ck_assert_int_gt(cr_read_file(path, buf, sizeof(buf), &err), 0);
	ck_assert_msg(parse_config(buf, &s, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(ns_of(&s.cfg, CLONE_NEWUSER));
	oci_spec_free(&s);
	/* a second time: refused, the file unchanged */
	ck_assert_int_eq(oci_cmd_spec(&g, 4, argv, &err), -1);
	ck_assert_msg(strstr(err.msg, "config.json") && err.errnum == EEXIST, "%s", err.msg);
	unlink(path);
	/* a link planted as config.json is not followed */
	ck_assert_int_eq(symlink("/tmp/conti-spec-target-nonexistent", path), 0);
	ck_assert_int_eq(oci_cmd_spec(&g, 4, argv, &err), -1);
	ck_assert_int_eq(access("/tmp/conti-spec-target-nonexistent", F_OK), -1);
	unlink(path);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oci_template");
	TCase *tc = tcase_create("template");

	tcase_add_test(tc, template_parses);
	tcase_add_test(tc, template_rootless_maps_our_ids);
	tcase_add_test(tc, features_lists_what_we_take);
	tcase_add_test(tc, spec_command_writes_once);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
