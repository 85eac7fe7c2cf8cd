/* Unit tests: config.json (runc's `spec` output, a podman-like config, broken ones) read into
 * struct oci_spec; what the runtime refuses, and how. */
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/capability.h>

#include "oci/spec.h"
#include "utils.h"

#define DATA CR_SOURCE_ROOT "/tests/unit/oci/"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Parses text; returns parse's result, err filled. */
static int parse(const char *text, struct oci_spec *s, struct cr_error *err)
{
	memset(err, 0, sizeof(*err));
	oci_spec_init(s);
	return oci_spec_parse(text, strlen(text), "/b", s, err);
}

static char *data_file(const char *name)
{
	cleanup_free char *path = cr_xasprintf(DATA "%s", name);

	return slurp(path);
}

static const struct cr_mount *mount_at(const struct cr_config *cfg, const char *dst)
{
	for (size_t i = 0; i < cfg->nmounts; i++) {
		if (!strcmp(cfg->mounts[i].dst, dst))
			return &cfg->mounts[i];
	}
	return NULL;
}

START_TEST(runc_spec_rootless)
{
	cleanup_free char *text = data_file("runc-spec-rootless.json");
	struct oci_spec s;
	struct cr_error err;
	const struct cr_mount *m;

	ck_assert_msg(parse(text, &s, &err) == 0, "%s", err.msg);
	ck_assert(s.cfg.oci);
	ck_assert_str_eq(s.oci_version, "1.0.2-dev");
	ck_assert_str_eq(s.bundle, "/b");
	ck_assert_str_eq(s.cfg.rootfs, "/b/rootfs");
	ck_assert(s.cfg.readonly_root);
	ck_assert(s.terminal);
	ck_assert_int_eq(s.cfg.tty, 1);
	ck_assert_str_eq(s.cfg.hostname, "runc");
	ck_assert_int_eq(s.cfg.args.n, 1);
	ck_assert_str_eq(s.cfg.args.v[0], "sh");
	ck_assert_int_eq(s.cfg.env.n, 2);
	ck_assert_str_eq(s.cfg.env.v[1], "TERM=xterm");
	ck_assert_str_eq(s.cfg.cwd, "/");
	ck_assert(s.cfg.user_set);
	ck_assert_int_eq(s.cfg.uid, 0);
	ck_assert(s.cfg.sec.no_new_privs);
	ck_assert(!s.cfg.sec.seccomp);
	ck_assert_ptr_null(s.cfg.sec.filter); /* no linux.seccomp: no filter at all */
	ck_assert(s.cfg.sec.cap_sets);
	ck_assert_uint_eq(s.cfg.sec.cap_bounding, (1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) |
						      (1ULL << CAP_NET_BIND_SERVICE));
	ck_assert_uint_eq(s.cfg.sec.cap_ambient, s.cfg.sec.cap_bounding);
	ck_assert_uint_eq(s.cfg.sec.cap_inheritable, 0);
	ck_assert_int_eq(s.cfg.nrlimits, 1);
	ck_assert_int_eq(s.cfg.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_int_eq(s.cfg.rlimits[0].soft, 1024);
	ck_assert_int_eq(s.cfg.nmounts, 7);
	ck_assert_str_eq(s.cfg.mounts[0].dst, "/proc"); /* in config order */
	ck_assert_str_eq(s.cfg.mounts[6].dst, "/sys/fs/cgroup");
	m = mount_at(&s.cfg, "/dev");
	ck_assert_str_eq(m->fstype, "tmpfs");
	ck_assert_str_eq(m->data, "mode=755,size=65536k");
	ck_assert_uint_eq(m->flags, MS_NOSUID | MS_STRICTATIME);
	m = mount_at(&s.cfg, "/sys"); /* type "none" with rbind: a bind */
	ck_assert_str_eq(m->fstype, "bind");
	ck_assert_str_eq(m->src, "/sys");
	ck_assert_uint_eq(m->flags,
			  MS_BIND | MS_REC | MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
	ck_assert(m->readonly);
	m = mount_at(&s.cfg, "/sys/fs/cgroup");
	ck_assert_uint_eq(m->flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY);
	ck_assert_str_eq(m->data, "");
	ck_assert_int_eq(s.cfg.nnamespaces, 5);
	ck_assert_uint_eq(s.cfg.namespaces[4].type, CLONE_NEWUSER);
	ck_assert_ptr_null(s.cfg.namespaces[4].path);
	ck_assert_str_eq(s.cfg.uid_map, "0 0 1\n");
	ck_assert_str_eq(s.cfg.gid_map, "0 0 1\n");
	ck_assert_int_eq(s.cfg.masked_paths.n, 10);
	ck_assert_str_eq(s.cfg.masked_paths.v[0], "/proc/acpi");
	ck_assert_int_eq(s.cfg.readonly_paths.n, 5);
	ck_assert_uint_eq(s.cfg.rootfs_propagation, 0);
	oci_spec_free(&s);
}
END_TEST

START_TEST(runc_spec_root)
{
	cleanup_free char *text = data_file("runc-spec.json");
	struct oci_spec s;
	struct cr_error err;

	ck_assert_msg(parse(text, &s, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(s.cfg.nnamespaces, 5);
	ck_assert_ptr_null(s.cfg.uid_map);
	ck_assert_int_eq(s.cfg.net, CR_NET_NONE);
	oci_spec_free(&s);
}
END_TEST

START_TEST(podman_like)
{
	cleanup_free char *text = data_file("podman-rootless.json");
	struct oci_spec s;
	struct cr_error err;
	const struct cr_mount *m;

	ck_assert_msg(parse(text, &s, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(s.cfg.uid, 1000);
	ck_assert_int_eq(s.cfg.umask, 022);
	ck_assert_int_eq(s.cfg.nadditional_gids, 2);
	ck_assert_int_eq(s.cfg.additional_gids[1], 10);
	ck_assert(s.cfg.oom_score_adj_set);
	ck_assert_int_eq(s.cfg.oom_score_adj, 200);
	ck_assert_int_eq(s.cfg.nrlimits, 2);
	ck_assert(s.cfg.rlimits[1].hard == (unsigned long long)RLIM_INFINITY);
	ck_assert(!s.terminal);
	ck_assert_int_eq(s.cfg.tty, 0);
	ck_assert(!s.cfg.readonly_root);
	ck_assert_str_eq(s.cfg.cwd, "/home/user");
	m = mount_at(&s.cfg, "/data");
	ck_assert_str_eq(m->fstype, "bind");
	ck_assert_uint_eq(m->flags, MS_BIND | MS_REC | MS_RDONLY);
	ck_assert_uint_eq(m->propagation, MS_SLAVE | MS_REC);
	m = mount_at(&s.cfg, "/dev/pts");
	ck_assert_str_eq(m->data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	m = mount_at(&s.cfg, "/etc/hostname");
	ck_assert_uint_eq(m->propagation, MS_PRIVATE | MS_REC);
	ck_assert_uint_eq(s.cfg.namespaces[1].type, CLONE_NEWNET);
	ck_assert_str_eq(s.cfg.namespaces[1].path, "/run/user/1000/netns/netns-5b0c7e1a");
	ck_assert_int_eq(s.cfg.net, CR_NET_HOST); /* joined, not new */
	ck_assert_uint_eq(s.cfg.namespaces[5].type, CLONE_NEWCGROUP);
	ck_assert_int_eq(s.cfg.sysctl.n, 1);
	ck_assert_str_eq(s.cfg.sysctl.v[0], "net.ipv4.ping_group_range=0 0");
	ck_assert_int_eq(s.cfg.ndevices, 1);
	ck_assert_str_eq(s.cfg.devices[0].path, "/dev/fuse");
	ck_assert_int_eq(s.cfg.devices[0].type, 'c');
	ck_assert_uint_eq(s.cfg.devices[0].major, 10);
	ck_assert_uint_eq(s.cfg.devices[0].minor, 229);
	ck_assert_uint_eq(s.cfg.devices[0].mode, 0666);
	ck_assert_uint_eq(s.cfg.rootfs_propagation, MS_SLAVE | MS_REC);
	ck_assert_int_eq(s.annotations.n, 2);
	ck_assert_str_eq(s.annotations.v[0], "io.container.manager=libpod");
	oci_spec_free(&s);
}
END_TEST

#define MIN_HEAD "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
#define MIN_PROC "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"}"
#define MIN MIN_HEAD MIN_PROC "}"

START_TEST(minimal_defaults_and_unknown_fields)
{
	struct oci_spec s;
	struct cr_error err;

	ck_assert_msg(parse(MIN, &s, &err) == 0, "%s", err.msg);
	ck_assert(!s.cfg.sec.seccomp);
	ck_assert(!s.cfg.sec.landlock);
	ck_assert(!s.cfg.init);
	ck_assert_int_eq(s.cfg.overlay, CR_OVERLAY_NONE);
	ck_assert_int_eq(s.cfg.umask, -1);
	ck_assert(!s.cfg.oom_score_adj_set);
	ck_assert_ptr_null(s.cfg.hostname);
	oci_spec_free(&s);
	/* unknown properties are ignored (runtime spec: "MUST ignore unknown properties") */
	ck_assert_msg(parse(MIN_HEAD "\"x-vendor\":{\"a\":[1]},\"process\":{\"args\":[\"sh\"],"
				     "\"cwd\":\"/\",\"newThing\":true},\"linux\":{\"future\":1}}",
			    &s, &err) == 0,
		      "%s", err.msg);
	oci_spec_free(&s);
	/* null is absent; empty strings, arrays and objects of unsupported fields are fine */
	/* a hostname for a joined uts namespace (a pod's) is set there, as runc does */
	ck_assert_msg(parse(MIN_HEAD MIN_PROC ",\"hostname\":\"h\",\"linux\":{\"namespaces\":[{"
					      "\"type\":\"uts\",\"path\":\"/proc/1/ns/uts\"}]}}",
			    &s, &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(s.cfg.hostname, "h");
	oci_spec_free(&s);
	ck_assert_msg(parse(MIN_HEAD MIN_PROC ",\"hooks\":{\"prestart\":[]},\"linux\":{\"seccomp\":"
					      "null,\"mountLabel\":\"\",\"intelRdt\":null}}",
			    &s, &err) == 0,
		      "%s", err.msg);
	oci_spec_free(&s);
}
END_TEST

/* Each broken or unsupported config fails with one line naming the field. */
START_TEST(refusals_name_the_field)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
	    {"", "not valid JSON"},
	    {"{", "not valid JSON"},
	    {MIN " x", "trailing data"},
	    {"[1]", "not a JSON object"},
	    {"{\"root\":{\"path\":\"r\"}," MIN_PROC "}", "no ociVersion"},
	    {"{\"ociVersion\":\"2.0.0\",\"root\":{\"path\":\"r\"}," MIN_PROC "}", "not 1.x"},
	    {"{\"ociVersion\":\"1.0.0\"," MIN_PROC "}", "no root"},
	    {MIN_HEAD "\"process\":{\"args\":[\"sh\"]}}", "process.cwd is missing"},
	    {MIN_HEAD "\"process\":{\"args\":[],\"cwd\":\"/\"}}", "process.args is empty"},
	    {MIN_HEAD "\"process\":{\"args\":[\"sh\",3],\"cwd\":\"/\"}}", "process.args[1]"},
	    {MIN_HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"tmp\"}}", "not absolute"},
	    {MIN_HEAD "\"process\":{\"args\":[\"a\\u0000b\"],\"cwd\":\"/\"}}", "NUL"},
	    {MIN_HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"env\":[\"NOEQ\"]}}",
	     "process.env[0]"},
	    {MIN_HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":-1}}}",
	     "process.user.uid"},
	    {MIN_HEAD
	     "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":4294967296}}}",
	     "process.user.uid"},
	    {MIN_HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"oomScoreAdj\":1001}}",
	     "process.oomScoreAdj"},
	    {MIN_HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"rlimits\":[{\"type\":"
		      "\"RLIMIT_BOGUS\",\"soft\":1,\"hard\":1}]}}",
	     "RLIMIT_BOGUS"},
	    {MIN_HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"rlimits\":[{\"type\":"
		      "\"RLIMIT_CORE\",\"soft\":2,\"hard\":1}]}}",
	     "above hard"},
	    {MIN_HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"apparmorProfile\":\"x\"}}",
	     "process.apparmorProfile is not supported"},
	    {MIN_HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"selinuxLabel\":\"x\"}}",
	     "process.selinuxLabel is not supported"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"intelRdt\":{\"closID\":\"x\"}}}",
	     "linux.intelRdt is not supported"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"mountLabel\":\"x\"}}", "linux.mountLabel"},
	    {MIN_HEAD MIN_PROC
	     ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}",
	     "pid given twice"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"namespaces\":[{\"type\":\"bogus\"}]}}",
	     "unknown namespace type"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"namespaces\":[{\"type\":\"net\",\"path\":\"x\"}]}}",
	     "unknown namespace type"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}",
	     "needs linux.uidMappings"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,"
			       "\"size\":1}]}}",
	     "without a user namespace"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":[{"
			       "\"containerID\":0,\"hostID\":1000,\"size\":0}]}}",
	     "uidMappings[0]"},
	    {MIN_HEAD MIN_PROC ",\"hostname\":\"h\"}", "without a uts namespace"},
	    {MIN_HEAD MIN_PROC ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\","
			       "\"options\":[\"rro\"]}]}",
	     "option \"rro\" is not supported"},
	    {MIN_HEAD MIN_PROC ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\","
			       "\"options\":[\"tmpcopyup\"]}]}",
	     "tmpcopyup"},
	    {MIN_HEAD MIN_PROC ",\"mounts\":[{\"type\":\"tmpfs\"}]}",
	     "mounts[0] has no destination"},
	    {MIN_HEAD MIN_PROC ",\"mounts\":[{\"destination\":\"/x\"}]}", "has no type"},
	    {MIN_HEAD MIN_PROC ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\"}]}",
	     "bind with no source"},
	    {MIN_HEAD MIN_PROC ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\","
			       "\"uidMappings\":[{}]}]}",
	     "mounts[].uidMappings"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"rootfsPropagation\":\"sideways\"}}", "sideways"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"sysctl\":{\"../../x\":\"1\"}}}", "not a sysctl name"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"sysctl\":{\"net.x\":1}}}", "linux.sysctl"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"namespaces\":[{\"type\":\"network\"}],\"sysctl\":{"
			       "\"vm.swappiness\":\"1\"}}}",
	     "would set the host's"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}}",
	     "needs its own network namespace"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"namespaces\":[{\"type\":\"uts\"}],\"sysctl\":{"
			       "\"kernel.shmmax\":\"1\"}}}",
	     "needs its own ipc namespace"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\"}]}}",
	     "needs major and minor"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"devices\":[{\"path\":\"dev/x\",\"type\":\"c\"}]}}",
	     "absolute path"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"z\"}]}}",
	     "type must be"},
	    {MIN_HEAD MIN_PROC ",\"linux\":{\"maskedPaths\":[\"proc/kcore\"]}}",
	     "linux.maskedPaths[0]"},
	    {MIN_HEAD MIN_PROC ",\"windows\":{\"layerFolders\":[\"c\"]}}", "windows"},
	    {MIN_HEAD MIN_PROC ",\"annotations\":{\"a\":1}}", "annotations"},
	    {MIN_HEAD MIN_PROC ",\"linux\":[]}", "linux is not an object"},
	};
	struct oci_spec s;
	struct cr_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = parse(cases[i].json, &s, &err);

		ck_assert_msg(r == -1, "case %zu parsed: %s", i, cases[i].json);
		ck_assert_msg(strstr(err.msg, cases[i].want), "case %zu: \"%s\" lacks \"%s\"", i,
			      err.msg, cases[i].want);
		ck_assert_msg(!strchr(err.msg, '\n'), "case %zu: two lines", i);
		oci_spec_free(&s);
	}
}
END_TEST

/* capabilities, seccomp and hooks go through the security and hooks parts' parsers; their
 * refusals come out as config.json's. */
START_TEST(caps_seccomp_hooks)
{
	struct oci_spec s;
	struct cr_error err;

	ck_assert_msg(parse(MIN_HEAD
			    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
			    "\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}},"
			    "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
			    "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":"
			    "\"SCMP_ACT_ERRNO\"}]}},"
			    "\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\",\"timeout\":5}],"
			    "\"poststop\":[{\"path\":\"/bin/echo\",\"args\":[\"echo\",\"x\"]}]}}",
			    &s, &err) == 0,
		      "%s", err.msg);
	ck_assert(s.cfg.sec.cap_sets);
	ck_assert_uint_eq(s.cfg.sec.cap_bounding, 1ULL << CAP_KILL);
	ck_assert_uint_eq(s.cfg.sec.cap_effective, 0);
	ck_assert_ptr_nonnull(s.cfg.sec.filter);
	ck_assert_uint_gt(s.cfg.sec.filter_len, 0);
	ck_assert(!s.cfg.sec.seccomp);
	ck_assert_int_eq(s.hooks.prestart.n, 1);
	ck_assert_str_eq(s.hooks.prestart.v[0].path, "/bin/true");
	ck_assert_int_eq(s.hooks.prestart.v[0].timeout, 5);
	ck_assert_int_eq(s.hooks.poststop.n, 1);
	oci_spec_free(&s);
	/* no capabilities object: five empty sets, as runc 1.1.5 */
	ck_assert(parse(MIN, &s, &err) == 0);
	ck_assert(s.cfg.sec.cap_sets);
	ck_assert_uint_eq(
	    s.cfg.sec.cap_bounding | s.cfg.sec.cap_effective | s.cfg.sec.cap_permitted, 0);
	oci_spec_free(&s);
	ck_assert_int_eq(parse(MIN_HEAD "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
					"\"capabilities\":{\"bounding\":[\"CAP_BOGUS\"]}}}",
			       &s, &err),
			 -1);
	ck_assert_msg(!strncmp(err.msg, "config.json: ", 13) && strstr(err.msg, "CAP_BOGUS"), "%s",
		      err.msg);
	oci_spec_free(&s);
	ck_assert_int_eq(parse(MIN_HEAD MIN_PROC ",\"linux\":{\"seccomp\":{\"defaultAction\":"
						 "\"SCMP_ACT_BOGUS\"}}}",
			       &s, &err),
			 -1);
	ck_assert_msg(strstr(err.msg, "SCMP_ACT_BOGUS"), "%s", err.msg);
	oci_spec_free(&s);
	ck_assert_int_eq(
	    parse(MIN_HEAD MIN_PROC ",\"hooks\":{\"prestart\":[{\"path\":\"rel\"}]}}", &s, &err),
	    -1);
	ck_assert_msg(strstr(err.msg, "config.json: "), "%s", err.msg);
	oci_spec_free(&s);
}
END_TEST

START_TEST(relative_paths_and_huge)
{
	struct oci_spec s;
	struct cr_error err;
	char *big;

	ck_assert_msg(parse(MIN_HEAD MIN_PROC
			    ",\"mounts\":[{\"destination\":\"data\",\"type\":"
			    "\"bind\",\"source\":\"vol\",\"options\":[\"ro\"]},"
			    "{\"destination\":\"/abs\",\"source\":\"/h\",\"options\":"
			    "[\"bind\",\"mode=1\"]}]}",
			    &s, &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(s.cfg.mounts[0].dst, "/data");
	ck_assert_str_eq(s.cfg.mounts[0].src, "/b/vol");
	ck_assert_uint_eq(s.cfg.mounts[0].flags, MS_RDONLY);
	ck_assert_str_eq(s.cfg.mounts[1].fstype, "bind");
	ck_assert_uint_eq(s.cfg.mounts[1].flags, MS_BIND);
	oci_spec_free(&s);
	/* a later option wins: rw after ro clears it */
	ck_assert(parse(MIN_HEAD MIN_PROC ",\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\","
					  "\"options\":[\"ro\",\"rw\",\"nodev\",\"dev\"]}]}",
			&s, &err) == 0);
	ck_assert_uint_eq(s.cfg.mounts[0].flags, 0);
	ck_assert_uint_eq(s.cfg.mounts[0].clear_flags, MS_RDONLY | MS_NODEV);
	ck_assert(!s.cfg.mounts[0].readonly);
	oci_spec_free(&s);
	big = calloc(1, OCI_CONFIG_MAX + 2);
	memset(big, ' ', OCI_CONFIG_MAX + 1);
	oci_spec_init(&s);
	ck_assert_int_eq(oci_spec_parse(big, OCI_CONFIG_MAX + 1, "/b", &s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger than"));
	oci_spec_free(&s);
	free(big);
	oci_spec_init(&s);
	ck_assert_int_eq(oci_spec_parse(MIN, strlen(MIN), "rel", &s, &err), -1);
	oci_spec_free(&s);
}
END_TEST

/* exec --process: a process object over the container's; what it leaves out stays. */
START_TEST(process_object_overrides)
{
	struct oci_spec s;
	struct cr_error err;
	json_object *p;

	ck_assert(parse(MIN_HEAD
			"\"process\":{\"args\":[\"sh\"],\"cwd\":\"/w\",\"env\":[\"A=1\"]}}",
			&s, &err) == 0);
	p = json_tokener_parse("{\"args\":[\"ls\",\"-l\"],\"terminal\":true,\"user\":{\"uid\":5,"
			       "\"gid\":6}}");
	ck_assert_int_eq(oci_spec_parse_process(p, &s, &err), 0);
	ck_assert_int_eq(s.cfg.args.n, 2);
	ck_assert_str_eq(s.cfg.args.v[1], "-l");
	ck_assert_str_eq(s.cfg.cwd, "/w");
	ck_assert_str_eq(s.cfg.env.v[0], "A=1");
	ck_assert(s.terminal);
	ck_assert_int_eq(s.cfg.uid, 5);
	ck_assert_int_eq(s.cfg.gid, 6);
	json_object_put(p);
	p = json_tokener_parse("[]");
	ck_assert_int_eq(oci_spec_parse_process(p, &s, &err), -1);
	json_object_put(p);
	oci_spec_free(&s);
}
END_TEST

static char *tmpbundle(void)
{
	char tmpl[] = "/tmp/oci-spec-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return cr_xstrdup(tmpl);
}

START_TEST(load_from_bundle)
{
	cleanup_free char *dir = tmpbundle();
	cleanup_free char *cfgpath = cr_xasprintf("%s/config.json", dir);
	cleanup_free char *other = cr_xasprintf("%s/other.json", dir);
	cleanup_free char *rootfs = cr_xasprintf("%s/rootfs", dir);
	struct oci_spec s;
	struct cr_error err = {0};
	char cwd[4096];
	FILE *f;

	f = fopen(other, "w");
	fputs(MIN, f);
	fclose(f);
	/* a symlink is not followed */
	ck_assert_int_eq(symlink("other.json", cfgpath), 0);
	oci_spec_init(&s);
	ck_assert_int_eq(oci_spec_load(dir, &s, &err), -1);
	ck_assert_int_eq(err.errnum, ELOOP);
	oci_spec_free(&s);
	unlink(cfgpath);
	/* a fifo does not block */
	ck_assert_int_eq(mkfifo(cfgpath, 0600), 0);
	ck_assert_int_eq(oci_spec_load(dir, &s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a regular file"));
	oci_spec_free(&s);
	unlink(cfgpath);
	ck_assert_int_eq(rename(other, cfgpath), 0);
	/* a relative bundle is made absolute; root.path is resolved against it */
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir("/tmp"), 0);
	ck_assert_msg(oci_spec_load(dir + 5, &s, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(s.bundle, dir);
	ck_assert_str_eq(s.cfg.rootfs, rootfs);
	oci_spec_free(&s);
	ck_assert_int_eq(chdir(cwd), 0);
	unlink(cfgpath);
	ck_assert_int_eq(oci_spec_load(dir, &s, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	oci_spec_free(&s);
	rmdir(dir);
}
END_TEST

/* linux.resources (cgroup v1 units) land in cfg->res as --memory, --cpus, --pids-limit and
 * --blkio-weight put them; what is not carried is named in unapplied; cgroupsPath is kept. */
START_TEST(resources_into_cfg_res)
{
	struct oci_spec s;
	struct cr_error err;
	char *text;

	ck_assert_msg(
	    parse(MIN_HEAD MIN_PROC
		  ",\"linux\":{\"cgroupsPath\":\"/user.slice/x/libpod-1\",\"resources\":{"
		  "\"memory\":{\"limit\":536870912,\"swap\":1073741824,\"reservation\":"
		  "268435456,\"swappiness\":10},\"cpu\":{\"shares\":1024,\"quota\":50000,"
		  "\"period\":100000,\"cpus\":\"0-1\"},\"pids\":{\"limit\":50},"
		  "\"blockIO\":{\"weight\":500},\"hugepageLimits\":[{\"pageSize\":\"2MB\","
		  "\"limit\":0}],\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}}",
		  &s, &err) == 0,
	    "%s", err.msg);
	ck_assert_int_eq(s.cfg.res.memory, 536870912);
	ck_assert_int_eq(s.cfg.res.memory_swap, 1073741824);
	ck_assert_int_eq(s.cfg.res.memory_reservation, 268435456);
	ck_assert_uint_eq(s.cfg.res.cpu_weight, 1 + (1022ULL * 9999) / 262142); /* crun's: 39 */
	ck_assert_int_eq(s.cfg.res.cpu_quota, 50000);
	ck_assert_int_eq(s.cfg.res.cpu_period, 100000);
	ck_assert_int_eq(s.cfg.res.pids_limit, 50);
	ck_assert_uint_eq(s.cfg.res.io_weight, 1 + (490U * 9999) / 990);
	ck_assert_str_eq(s.cgroups_path, "/user.slice/x/libpod-1");
	ck_assert_ptr_nonnull(s.unapplied);
	ck_assert_str_eq(s.unapplied, "memory.swappiness, cpu.cpus, hugepageLimits");
	oci_spec_free(&s);

	/* -1: unlimited swap and pids; a -1 memory limit and quota are no limit at all */
	ck_assert_msg(parse(MIN_HEAD MIN_PROC ",\"linux\":{\"resources\":{\"memory\":{\"limit\":"
					      "-1,\"swap\":-1},\"cpu\":{\"quota\":-1},\"pids\":{"
					      "\"limit\":-1}}}}",
			    &s, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(s.cfg.res.memory, 0);
	ck_assert_int_eq(s.cfg.res.memory_swap, CR_RES_UNLIMITED);
	ck_assert_int_eq(s.cfg.res.cpu_quota, 0);
	ck_assert_int_eq(s.cfg.res.pids_limit, CR_RES_UNLIMITED);
	ck_assert_ptr_null(s.unapplied);
	ck_assert_ptr_null(s.cgroups_path);
	oci_spec_free(&s);

	/* podman's rootless config: pids 2048, nothing unapplied */
	text = data_file("podman-rootless.json");
	ck_assert_msg(parse(text, &s, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(s.cfg.res.pids_limit, 2048);
	ck_assert_ptr_null(s.unapplied);
	oci_spec_free(&s);
	free(text);

	/* a wrong type or a value out of range names its path */
	ck_assert_int_eq(parse(MIN_HEAD MIN_PROC ",\"linux\":{\"resources\":{\"memory\":{\"limit\":"
						 "\"1g\"}}}}",
			       &s, &err),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.memory.limit is not an integer"));
	oci_spec_free(&s);
	/* v1 units beyond their range are clamped as crun clamps them, not refused */
	ck_assert_msg(parse(MIN_HEAD MIN_PROC ",\"linux\":{\"resources\":{\"cpu\":{\"shares\":"
					      "999999999},\"blockIO\":{\"weight\":5}}}}",
			    &s, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(s.cfg.res.cpu_weight, 10000);
	ck_assert_uint_eq(s.cfg.res.io_weight, 1);
	oci_spec_free(&s);
	ck_assert_int_eq(parse(MIN_HEAD MIN_PROC ",\"linux\":{\"resources\":{\"cpu\":{\"shares\":"
						 "-1}}}}",
			       &s, &err),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.cpu.shares is out of range"));
	oci_spec_free(&s);
	ck_assert_int_eq(
	    parse(MIN_HEAD MIN_PROC ",\"linux\":{\"resources\":{\"pids\":[]}}}", &s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.pids is not an object"));
	oci_spec_free(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oci_spec");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, runc_spec_rootless);
	tcase_add_test(tc, runc_spec_root);
	tcase_add_test(tc, podman_like);
	tcase_add_test(tc, minimal_defaults_and_unknown_fields);
	tcase_add_test(tc, refusals_name_the_field);
	tcase_add_test(tc, caps_seccomp_hooks);
	tcase_add_test(tc, relative_paths_and_huge);
	tcase_add_test(tc, process_object_overrides);
	tcase_add_test(tc, load_from_bundle);
	tcase_add_test(tc, resources_into_cfg_res);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
