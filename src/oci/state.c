/* state.c - an OCI container's state under --root: ROOT/ID/state.json and its status. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "keeper.h"
#include "oci/state.h"
#include "utils.h"

bool oci_id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > OCI_ID_MAX || !strcmp(id, ".") || !strcmp(id, ".."))
		return false;
	for (const char *p = id; *p; p++) {
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("_+-.", *p))
			return false;
	}
	return true;
}

int oci_root_open(const struct oci_global *g, bool create, struct cr_error *err)
{
	struct stat sb = {0};
	int fd;

	if (!g->root[0] || g->root[0] != '/')
		return cr_fail(err, 0, "--root %s: not an absolute path", g->root);
	if (create && cr_mkdir_p(g->root, 0700, err) < 0)
		return -1;
	fd = open(g->root, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cr_fail(err, errno, "open the state dir %s", g->root);
	/* another user's dir (/tmp/conti-runtime-UID made first by someone else) would let
	 * them read and replace our state: refused */
	if (fstat(fd, &sb) < 0 || sb.st_uid != geteuid() || (sb.st_mode & 022)) {
		close(fd);
		cr_fail(err, EPERM, "the state dir %s is not yours alone (owner uid %u, mode %o)",
			g->root, (unsigned)sb.st_uid, (unsigned)(sb.st_mode & 07777));
		return cr_hint(err, "remove it, or pass --root DIR");
	}
	return fd;
}

static char *str_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return cr_xstrdup(json_object_get_string(v));
}

static long long int_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_get_int64(v);
}

/* Reads dir_fd's state.json (regular, not a symlink, bounded) into st. */
static int read_state(struct oci_state *st, struct cr_error *err)
{
	cleanup_close int fd =
	    openat(st->dir_fd, OCI_STATE_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_free char *buf = NULL;
	struct json_object *o, *ann;
	struct stat sb;
	ssize_t n;

	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size > OCI_STATE_MAX)
		return cr_fail(err, fd < 0 ? errno : EINVAL, "container %s: no readable %s", st->id,
			       OCI_STATE_FILE);
	buf = cr_xmalloc((size_t)sb.st_size + 1);
	n = cr_read_all(fd, buf, (size_t)sb.st_size);
	if (n < 0)
		return cr_fail(err, errno, "container %s: read %s", st->id, OCI_STATE_FILE);
	buf[n] = '\0';
	o = json_tokener_parse(buf);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return cr_fail(err, 0, "container %s: %s is damaged", st->id, OCI_STATE_FILE);
	}
	st->pid = (pid_t)int_of(o, "pid");
	st->start_time = (unsigned long long)int_of(o, "x-conti-start-time");
	st->own_pidns = int_of(o, "x-conti-own-pidns") != 0;
	st->creating = int_of(o, "x-conti-creating") != 0;
	st->bundle = str_of(o, "bundle");
	st->rootfs = str_of(o, "rootfs");
	st->created = str_of(o, "created");
	st->owner = str_of(o, "owner");
	st->cgroup = str_of(o, "x-conti-cgroup");
	if (json_object_object_get_ex(o, "x-conti-hooks", &ann) &&
	    json_object_is_type(ann, json_type_object))
		st->hooks = cr_xstrdup(json_object_to_json_string_ext(
		    ann, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	if (json_object_object_get_ex(o, "annotations", &ann) &&
	    json_object_is_type(ann, json_type_object)) {
		json_object_object_foreach(ann, k, v)
		{
			cleanup_free char *kv =
			    cr_xasprintf("%s=%s", k, v ? json_object_get_string(v) : "");

			strv_push(&st->annotations, kv);
		}
	}
	json_object_put(o);
	if (!st->bundle)
		return cr_fail(err, 0, "container %s: %s is damaged", st->id, OCI_STATE_FILE);
	return 0;
}

int oci_state_load(const struct oci_global *g, const char *id, struct oci_state *st,
		   struct cr_error *err)
{
	cleanup_close int root = -1;

	memset(st, 0, sizeof(*st));
	st->dir_fd = -1;
	if (!oci_id_valid(id))
		return cr_fail(err, 0, "container %s does not exist", id);
	st->id = cr_xstrdup(id);
	root = oci_root_open(g, false, err);
	if (root < 0 && err->errnum != ENOENT)
		return -1;
	if (root >= 0)
		st->dir_fd = openat(root, id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->dir_fd < 0)
		return cr_fail(err, 0, "container %s does not exist", id);
	return read_state(st, err);
}

int oci_state_save(const struct oci_state *st, struct cr_error *err)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ann = json_object_new_object();
	const char *text;
	cleanup_close int fd = -1;
	int ret = 0;

	json_object_object_add(o, "ociVersion", json_object_new_string(OCI_SPEC_VERSION));
	json_object_object_add(o, "id", json_object_new_string(st->id));
	json_object_object_add(o, "pid", json_object_new_int64(st->pid));
	json_object_object_add(o, "bundle", json_object_new_string(st->bundle));
	json_object_object_add(o, "rootfs", json_object_new_string(st->rootfs ? st->rootfs : ""));
	json_object_object_add(o, "created",
			       json_object_new_string(st->created ? st->created : ""));
	json_object_object_add(o, "owner", json_object_new_string(st->owner ? st->owner : ""));
	json_object_object_add(o, "x-conti-start-time",
			       json_object_new_int64((int64_t)st->start_time));
	json_object_object_add(o, "x-conti-own-pidns", json_object_new_int(st->own_pidns));
	if (st->creating)
		json_object_object_add(o, "x-conti-creating", json_object_new_int(1));
	if (st->cgroup)
		json_object_object_add(o, "x-conti-cgroup", json_object_new_string(st->cgroup));
	for (size_t i = 0; i < st->annotations.n; i++) {
		const char *kv = st->annotations.v[i], *eq = strchr(kv, '=');
		cleanup_free char *k = eq ? strndup(kv, (size_t)(eq - kv)) : cr_xstrdup(kv);

		json_object_object_add(ann, k, json_object_new_string(eq ? eq + 1 : ""));
	}
	json_object_object_add(o, "annotations", ann);
	if (st->hooks) {
		struct json_object *h = json_tokener_parse(st->hooks);

		if (h)
			json_object_object_add(o, "x-conti-hooks", h);
	}
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE);
	fd = openat(st->dir_fd, OCI_STATE_FILE ".tmp",
		    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || cr_write_all(fd, text, strlen(text)) < 0 ||
	    renameat(st->dir_fd, OCI_STATE_FILE ".tmp", st->dir_fd, OCI_STATE_FILE) < 0)
		ret = cr_fail(err, errno, "write the state of container %s", st->id);
	json_object_put(o);
	return ret;
}

/* True when the process's cgroup v2 says frozen (pause.c freezes it there). */
static bool frozen(pid_t pid)
{
	static const char *const mounts[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	char path[4200], buf[4096], events[512];
	struct cr_error ignored;
	char *line;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (cr_read_file(path, buf, sizeof(buf), &ignored) < 0 || !(line = strstr(buf, "0::/")))
		return false;
	if (line != buf && line[-1] != '\n')
		return false;
	line += 3;
	line[strcspn(line, "\n")] = '\0';
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s%s/cgroup.events", mounts[i], line);
		if (cr_read_file(path, events, sizeof(events), &ignored) > 0)
			return strstr(events, "frozen 1") != NULL;
	}
	return false;
}

int oci_state_pidfd(const struct oci_state *st)
{
	return cr_pidfd_verified(st->pid, st->start_time);
}

enum oci_status oci_state_status(const struct oci_state *st)
{
	cleanup_close int pidfd = oci_state_pidfd(st);
	struct stat sb;

	if (pidfd < 0)
		return OCI_STOPPED;
	if (st->creating)
		return OCI_CREATING;
	if (fstatat(st->dir_fd, OCI_EXEC_FIFO, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		return OCI_CREATED;
	return frozen(st->pid) ? OCI_PAUSED : OCI_RUNNING;
}

const char *oci_status_name(enum oci_status s)
{
	switch (s) {
	case OCI_CREATING:
		return "creating";
	case OCI_CREATED:
		return "created";
	case OCI_RUNNING:
		return "running";
	case OCI_PAUSED:
		return "paused";
	case OCI_STOPPED:
		break;
	}
	return "stopped";
}

char *oci_state_json(const struct oci_state *st, enum oci_status status)
{
	struct json_object *o = json_object_new_object();
	char *text;

	json_object_object_add(o, "ociVersion", json_object_new_string(OCI_SPEC_VERSION));
	json_object_object_add(o, "id", json_object_new_string(st->id));
	json_object_object_add(o, "status", json_object_new_string(oci_status_name(status)));
	/* the spec: pid is required when created or running; stopped shows 0, as runc */
	json_object_object_add(o, "pid",
			       json_object_new_int64(status == OCI_STOPPED ? 0 : st->pid));
	json_object_object_add(o, "bundle", json_object_new_string(st->bundle ? st->bundle : ""));
	if (st->annotations.n) {
		struct json_object *ann = json_object_new_object();

		for (size_t i = 0; i < st->annotations.n; i++) {
			const char *kv = st->annotations.v[i], *eq = strchr(kv, '=');
			cleanup_free char *k = eq ? strndup(kv, (size_t)(eq - kv)) : cr_xstrdup(kv);

			json_object_object_add(ann, k, json_object_new_string(eq ? eq + 1 : ""));
		}
		json_object_object_add(o, "annotations", ann);
	}
	if (st->rootfs)
		json_object_object_add(o, "rootfs", json_object_new_string(st->rootfs));
	if (st->created)
		json_object_object_add(o, "created", json_object_new_string(st->created));
	if (st->owner)
		json_object_object_add(o, "owner", json_object_new_string(st->owner));
	text = cr_xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

void oci_state_free(struct oci_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->owner);
	free(st->hooks);
	free(st->cgroup);
	strv_free(&st->annotations);
	if (st->dir_fd >= 0)
		close(st->dir_fd);
	memset(st, 0, sizeof(*st));
	st->dir_fd = -1;
}
