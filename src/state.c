/* state.c - state and data directories, names, locks. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "state.h"
#include "utils.h"

int state_validate_name(const char *name, struct cr_error *err)
{
	size_t len = strlen(name);

	if (len == 0 || len > CR_NAME_MAX || !isalnum((unsigned char)name[0]))
		goto bad;
	for (size_t i = 1; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '_' && c != '.' && c != '-')
			goto bad;
	}
	return 0;
bad:
	cr_fail(err, 0, "invalid container name '%s'", name);
	return cr_hint(err, "use 1 to 64 of A-Z a-z 0-9 _ . - starting with a letter or digit");
}

static void random_hex(char *buf, size_t nbytes)
{
	unsigned char raw[16];
	static const char hex[] = "0123456789abcdef";

	if (nbytes > sizeof(raw))
		nbytes = sizeof(raw);
	if (getrandom(raw, nbytes, 0) != (ssize_t)nbytes) {
		unsigned long long t = cr_now_ns() ^ ((unsigned long long)getpid() << 32);

		for (size_t i = 0; i < nbytes; i++, t = t * 6364136223846793005ULL + 1)
			raw[i] = (unsigned char)(t >> 56);
	}
	for (size_t i = 0; i < nbytes; i++) {
		buf[2 * i] = hex[raw[i] >> 4];
		buf[2 * i + 1] = hex[raw[i] & 15];
	}
	buf[2 * nbytes] = '\0';
}

void state_generate_name(char *buf, size_t len)
{
	char hex[9];

	random_hex(hex, 4);
	snprintf(buf, len, "conti-%s", hex);
}

const char *state_runtime_dir_problem(const char *dir, uid_t uid)
{
	struct stat st;

	if (!dir || !*dir)
		return "it is not set";
	if (dir[0] != '/')
		return "it is not an absolute path";
	if (lstat(dir, &st) < 0)
		return "it does not exist";
	if (!S_ISDIR(st.st_mode))
		return "it is not a directory";
	if (st.st_uid != uid)
		return "it belongs to another user";
	if ((st.st_mode & 07777) != 0700)
		return "its mode is not 0700";
	return NULL;
}

static int ensure_private_dir(const char *dir, uid_t uid, struct cr_error *err)
{
	const char *problem;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return cr_fail(err, errno, "mkdir %s", dir);
	problem = state_runtime_dir_problem(dir, uid);
	if (problem) {
		cr_fail(err, 0, "cannot keep state in %s: %s", dir, problem);
		return cr_hint(err, "remove it, or set XDG_RUNTIME_DIR to a directory of yours "
				    "with mode 0700");
	}
	return 0;
}

static int runtime_root(uid_t uid, char **out, struct cr_error *err)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	const char *problem = state_runtime_dir_problem(xdg, uid);
	char *dir;

	if (!problem) {
		dir = cr_xasprintf("%s/conti-rootless", xdg);
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			cr_fail(err, errno, "mkdir %s", dir);
			free(dir);
			return -1;
		}
		*out = dir;
		return 0;
	}
	dir = cr_xasprintf("/tmp/conti-rootless-%u", (unsigned)uid);
	if (ensure_private_dir(dir, uid, err) < 0) {
		free(dir);
		return -1;
	}
	if (xdg && *xdg)
		cr_warn("XDG_RUNTIME_DIR %s is unusable (%s), so state is kept in %s", xdg, problem,
			dir);
	else
		cr_warn("XDG_RUNTIME_DIR is not set, so state is kept in %s", dir);
	*out = dir;
	return 0;
}

static int data_root(char **out, struct cr_error *err)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	cleanup_free char *dir = NULL;

	if (xdg && xdg[0] == '/')
		dir = cr_xasprintf("%s/conti-rootless/containers", xdg);
	else if (home && home[0] == '/')
		dir = cr_xasprintf("%s/.local/share/conti-rootless/containers", home);
	else {
		cr_fail(err, 0, "neither XDG_DATA_HOME nor HOME is set to an absolute path");
		return cr_hint(err, "set HOME, or XDG_DATA_HOME to where writable layers may go");
	}
	if (cr_mkdir_p(dir, 0700, err) < 0)
		return -1;
	*strrchr(dir, '/') = '\0';
	*out = dir;
	dir = NULL;
	return 0;
}

int state_paths_init(struct cr_paths *paths, struct cr_error *err)
{
	memset(paths, 0, sizeof(*paths));
	if (runtime_root(getuid(), &paths->runtime, err) < 0)
		return -1;
	if (data_root(&paths->data, err) < 0) {
		state_paths_free(paths);
		return -1;
	}
	return 0;
}

void state_paths_free(struct cr_paths *paths)
{
	free(paths->runtime);
	free(paths->data);
	paths->runtime = paths->data = NULL;
}

static void fill_paths(const struct cr_paths *paths, const char *dir, struct cr_state *st)
{
	st->dir = cr_xstrdup(dir);
	st->rootfs_mnt = cr_xasprintf("%s/rootfs", dir);
	st->data_dir = cr_xasprintf("%s/containers/%s", paths->data, st->id);
	st->upper = cr_xasprintf("%s/upper", st->data_dir);
	st->work = cr_xasprintf("%s/work", st->data_dir);
}

void state_release(struct cr_state *st)
{
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	free(st->dir);
	free(st->rootfs_mnt);
	free(st->data_dir);
	free(st->upper);
	free(st->work);
	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
}

/* Opens DIR/lock and takes it without waiting; -1 with errno EWOULDBLOCK when held. */
static int lock_dir(const char *dir, bool create)
{
	cleanup_free char *path = cr_xasprintf("%s/lock", dir);
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);

	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int state_record_get(const char *record, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = record; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			size_t vlen = strcspn(p + klen + 1, "\n");

			if (vlen >= len)
				vlen = len - 1;
			memcpy(buf, p + klen + 1, vlen);
			buf[vlen] = '\0';
			return 0;
		}
	}
	return -1;
}

static int read_record(const char *dir, char *buf, size_t len)
{
	cleanup_free char *path = cr_xasprintf("%s/state", dir);
	struct cr_error ignored;

	return cr_read_file(path, buf, len, &ignored) < 0 ? -1 : 0;
}

static int name_taken(const struct cr_paths *paths, const char *name, struct cr_error *err)
{
	cleanup_free char *dir = cr_xasprintf("%s/%s", paths->runtime, name);
	cleanup_close int fd = lock_dir(dir, false);

	if (fd < 0 && errno == EWOULDBLOCK) {
		cr_fail(err, 0, "the name '%s' is in use by a running container", name);
		return cr_hint(err, "pick another --name");
	}
	cr_fail(err, 0, "the name '%s' is in use by an exited container", name);
	return cr_hint(err, "remove it with 'conti-rootless rm %s', or pick another --name", name);
}

/* Moves aside the dir of a --rm container whose front end was killed, so that its name is
 * free at once; state_collect_garbage() removes it and its data later. */
static bool bury_if_stale(const struct cr_paths *paths, const char *dir)
{
	cleanup_close int fd = lock_dir(dir, false);
	cleanup_free char *grave = NULL;
	char record[4096], flag[8] = "", id[33] = "";

	if (fd < 0 || read_record(dir, record, sizeof(record)) < 0)
		return false;
	state_record_get(record, "remove", flag, sizeof(flag));
	state_record_get(record, "id", id, sizeof(id));
	if (strcmp(flag, "1") || !id[0])
		return false;
	grave = cr_xasprintf("%s/.tmp-rm-%s", paths->runtime, id);
	if (rename(dir, grave) < 0)
		return false;
	return true;
}

/* Renames the made dir tmp to final, the name; a killed --rm run's dir is moved aside. */
static int claim(const struct cr_paths *paths, const char *tmp, const char *final,
		 struct cr_error *err)
{
	int e;

	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
		return 0;
	e = errno;
	if (e != EEXIST && e != ENOTEMPTY)
		return cr_fail(err, e, "rename %s to %s", tmp, final);
	if (bury_if_stale(paths, final) &&
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
		return 0;
	return name_taken(paths, strrchr(final, '/') + 1, err);
}

int state_create(const struct cr_paths *paths, const char *name, const char *record,
		 mode_t root_mode, struct cr_state *st, struct cr_error *err)
{
	cleanup_free char *tmp = NULL;
	cleanup_free char *full = NULL;
	cleanup_free char *final = cr_xasprintf("%s/%s", paths->runtime, name);
	cleanup_free char *path = NULL;

	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	snprintf(st->name, sizeof(st->name), "%s", name);
	random_hex(st->id, 16);
	tmp = cr_xasprintf("%s/.tmp-%s", paths->runtime, st->id);
	if (mkdir(tmp, 0700) < 0)
		return cr_fail(err, errno, "mkdir %s", tmp);
	fill_paths(paths, final, st);
	st->lock_fd = lock_dir(tmp, true);
	if (st->lock_fd < 0) {
		cr_fail(err, errno, "lock %s", tmp);
		goto fail;
	}
	full = cr_xasprintf("id=%s\nname=%s\n%s", st->id, name, record);
	path = cr_xasprintf("%s/state", tmp);
	if (cr_write_file(path, full, strlen(full), 0600, err) < 0)
		goto fail;
	free(path);
	path = cr_xasprintf("%s/rootfs", tmp);
	if (mkdir(path, 0700) < 0) {
		cr_fail(err, errno, "mkdir %s", path);
		goto fail;
	}
	if (cr_mkdir_p(st->upper, 0700, err) < 0 || cr_mkdir_p(st->work, 0700, err) < 0)
		goto fail;
	/* The upper dir is the container's "/": give it the mode of the rootfs's own root, so
	 * that non-root users inside can enter it (DATA/containers/ID stays 0700). */
	if (chmod(st->upper, root_mode) < 0) {
		cr_fail(err, errno, "chmod %s", st->upper);
		goto fail;
	}
	if (claim(paths, tmp, final, err) < 0)
		goto fail;
	return 0;
fail : {
	struct cr_error ignored;

	cr_rm_rf(st->data_dir, &ignored);
	cr_rm_rf(tmp, &ignored);
}
	state_release(st);
	return -1;
}

bool state_exists(const struct cr_paths *paths, const char *name)
{
	cleanup_free char *dir = cr_xasprintf("%s/%s", paths->runtime, name);
	struct stat sb;

	return lstat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int state_open(const struct cr_paths *paths, const char *name, struct cr_state *st,
	       struct cr_error *err)
{
	cleanup_free char *dir = cr_xasprintf("%s/%s", paths->runtime, name);
	char record[4096];
	struct stat sb;

	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	if (lstat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		cr_fail(err, 0, "no container named '%s'", name);
		return cr_hint(err, "names are those given with --name to run");
	}
	st->lock_fd = lock_dir(dir, false);
	if (st->lock_fd < 0 && errno == EWOULDBLOCK) {
		cr_fail(err, 0, "container '%s' is running", name);
		return cr_hint(err, "stop its command first");
	}
	snprintf(st->name, sizeof(st->name), "%s", name);
	if (read_record(dir, record, sizeof(record)) < 0 ||
	    state_record_get(record, "id", st->id, sizeof(st->id)) < 0 || !st->id[0] ||
	    strchr(st->id, '/') || st->id[0] == '.')
		st->id[0] = '\0';
	fill_paths(paths, dir, st);
	return 0;
}

int state_remove(const struct cr_paths *paths, struct cr_state *st, struct cr_error *err)
{
	cleanup_free char *grave =
	    cr_xasprintf("%s/.tmp-rm-%s", paths->runtime, st->id[0] ? st->id : st->name);

	/* Free the name first; the renamed dir still records which data dir to remove. */
	if (rename(st->dir, grave) < 0)
		return cr_fail(err, errno, "rename %s", st->dir);
	if (st->id[0] && cr_rm_rf(st->data_dir, err) < 0)
		return -1;
	return cr_rm_rf(grave, err);
}

static bool recently_made(const char *dir)
{
	struct stat st;
	struct timespec now;

	if (lstat(dir, &st) < 0)
		return false;
	clock_gettime(CLOCK_REALTIME, &now);
	return now.tv_sec - st.st_mtim.tv_sec < 60;
}

static void collect_one(const struct cr_paths *paths, const char *entry)
{
	cleanup_free char *dir = cr_xasprintf("%s/%s", paths->runtime, entry);
	cleanup_close int fd = lock_dir(dir, false);
	char record[4096], flag[8] = "", id[33] = "";
	bool temporary = entry[0] == '.';
	struct cr_error ignored;

	if (fd < 0 && errno == EWOULDBLOCK)
		return; /* in use */
	if (fd < 0 && temporary && recently_made(dir))
		return; /* being made: its lock file is not there yet */
	if (read_record(dir, record, sizeof(record)) == 0) {
		state_record_get(record, "remove", flag, sizeof(flag));
		state_record_get(record, "id", id, sizeof(id));
	}
	if (!temporary && strcmp(flag, "1"))
		return; /* an exited container: kept until rm */
	if (id[0] && !strchr(id, '/') && id[0] != '.') {
		cleanup_free char *data = cr_xasprintf("%s/containers/%s", paths->data, id);
		cr_rm_rf(data, &ignored);
	}
	cr_rm_rf(dir, &ignored);
}

void state_collect_garbage(const struct cr_paths *paths)
{
	DIR *d = opendir(paths->runtime);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		collect_one(paths, de->d_name);
	}
	closedir(d);
}
