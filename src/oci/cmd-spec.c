/* cmd-spec.c - `spec [--rootless] [--bundle DIR]`: writes a config.json template in the
 * bundle, runc's: sh on a terminal, the default mounts, masked and read-only paths; with
 * --rootless a user namespace mapping the caller's uid and gid to root, no network
 * namespace of its own and the host's /sys bound read-only (sysfs cannot be mounted there). */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/runtime.h"
#include "utils.h"

static const char template_json[] =
    "{\"ociVersion\":\"" OCI_SPEC_VERSION "\","
    "\"process\":{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
    "\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
    "\"TERM=xterm\"],\"cwd\":\"/\","
    "\"capabilities\":{"
    "\"bounding\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"ambient\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]},"
    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
    "\"noNewPrivileges\":true},"
    "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
    "\"hostname\":\"conti\","
    "\"mounts\":["
    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
    "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
    "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\","
    "\"gid=5\"]},"
    "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
    "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
    "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}],"
    "\"linux\":{"
    "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
    "{\"type\":\"uts\"},{\"type\":\"mount\"}],"
    "\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\","
    "\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\","
    "\"/proc/sched_debug\",\"/sys/firmware\",\"/proc/scsi\"],"
    "\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\","
    "\"/proc/sysrq-trigger\"]}}";

static struct json_object *id_map(unsigned id)
{
	struct json_object *a = json_object_new_array(), *m = json_object_new_object();

	json_object_object_add(m, "containerID", json_object_new_int64(0));
	json_object_object_add(m, "hostID", json_object_new_int64(id));
	json_object_object_add(m, "size", json_object_new_int64(1));
	json_object_array_add(a, m);
	return a;
}

/* runc's rootless changes: a user namespace instead of a network one, the caller's ids
 * mapped to root, /sys a read-only rbind of the host's, no gid=5 for devpts (no group 5 is
 * mapped). */
static void make_rootless(struct json_object *doc)
{
	struct json_object *l, *ns, *keep, *mounts, *user;

	json_object_object_get_ex(doc, "linux", &l);
	json_object_object_get_ex(l, "namespaces", &ns);
	keep = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(ns); i++) {
		struct json_object *n = json_object_array_get_idx(ns, i), *t;

		json_object_object_get_ex(n, "type", &t);
		if (strcmp(json_object_get_string(t), "network"))
			json_object_array_add(keep, json_object_get(n));
	}
	user = json_object_new_object();
	json_object_object_add(user, "type", json_object_new_string("user"));
	json_object_array_add(keep, user);
	json_object_object_add(l, "namespaces", keep);
	json_object_object_add(l, "uidMappings", id_map((unsigned)geteuid()));
	json_object_object_add(l, "gidMappings", id_map((unsigned)getegid()));

	json_object_object_get_ex(doc, "mounts", &mounts);
	for (size_t i = 0; i < json_object_array_length(mounts); i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i), *dst, *opts;

		json_object_object_get_ex(m, "destination", &dst);
		json_object_object_get_ex(m, "options", &opts);
		if (!strcmp(json_object_get_string(dst), "/sys")) {
			static const char *const o[] = {"rbind", "nosuid", "noexec", "nodev", "ro"};
			struct json_object *a = json_object_new_array();

			for (size_t k = 0; k < sizeof(o) / sizeof(o[0]); k++)
				json_object_array_add(a, json_object_new_string(o[k]));
			json_object_object_add(m, "type", json_object_new_string("none"));
			json_object_object_add(m, "source", json_object_new_string("/sys"));
			json_object_object_add(m, "options", a);
		} else if (!strcmp(json_object_get_string(dst), "/dev/pts")) {
			size_t n = json_object_array_length(opts);

			if (n &&
			    !strcmp(json_object_get_string(json_object_array_get_idx(opts, n - 1)),
				    "gid=5"))
				json_object_array_del_idx(opts, n - 1, 1);
		}
	}
}

char *oci_spec_template(bool rootless)
{
	struct json_object *doc = json_tokener_parse(template_json);
	char *text;

	if (!doc)
		abort(); /* the template above is valid JSON: a unit test parses it */
	if (rootless)
		make_rootless(doc);
	text = cr_xasprintf("%s\n", json_object_to_json_string_ext(
					doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB |
						 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return text;
}

int oci_cmd_spec(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	const char *bundle = ".";
	bool rootless = false;
	cleanup_close int dir = -1;
	cleanup_close int fd = -1;
	cleanup_free char *text = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--rootless"))
			rootless = true;
		else if ((!strcmp(a, "--bundle") || !strcmp(a, "-b")) && i + 1 < argc)
			bundle = argv[++i];
		else if (!strncmp(a, "--bundle=", 9))
			bundle = a + 9;
		else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf("usage: %s spec [--rootless] [--bundle DIR]\n"
			       "Writes a config.json template in DIR (default: here); --rootless: "
			       "with a user namespace mapping your uid and gid to root.\n",
			       OCI_RUNTIME_NAME);
			return 0;
		} else {
			cr_fail(err, 0, "spec: unexpected argument %s", a);
			return cr_hint(err, "usage: %s spec [--rootless] [--bundle DIR]",
				       OCI_RUNTIME_NAME);
		}
	}
	dir = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return cr_fail(err, errno, "spec: bundle %s", bundle);
	/* never over an existing config.json, nor through a link planted as one */
	fd = openat(dir, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST) {
		cr_fail(err, EEXIST, "spec: %s/config.json", bundle);
		return cr_hint(err, "remove it first");
	}
	if (fd < 0)
		return cr_fail(err, errno, "spec: create %s/config.json", bundle);
	text = oci_spec_template(rootless);
	if (cr_write_all(fd, text, strlen(text)) < 0) {
		cr_fail(err, errno, "spec: write %s/config.json", bundle);
		unlinkat(dir, "config.json", 0);
		return -1;
	}
	return 0;
}
