/* state.c - state and data directories, names, locks. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "state.h"
#include "utils.h"

#ifndef RENAME_NOREPLACE /* musl does not define it */
#define RENAME_NOREPLACE (1 << 0)
#endif

int state_validate_name(const char *name, struct cr_error *err)
{
	size_t len = strlen(name);
	char cut[CR_CUT_SIZE];

	if (len == 0 || len > CR_NAME_MAX || !isalnum((unsigned char)name[0]))
		goto bad;
	for (size_t i = 1; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '_' && c != '.' && c != '-')
			goto bad;
	}
	return 0;
bad:
	cr_fail(err, 0, "invalid container name '%s'", cr_cut(name, cut, sizeof(cut)));
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
	{
		cleanup_free char *trash = cr_xasprintf("%s/trash", dir);

		if (mkdir(trash, 0700) < 0 && errno != EEXIST)
			return cr_fail(err, errno, "mkdir %s", trash);
	}
	*out = dir;
	dir = NULL;
	return 0;
}

int state_paths_init(struct cr_paths *paths, struct cr_error *err)
{
	memset(paths, 0, sizeof(*paths));
	if (runtime_root(getuid(), &paths->runtime, err) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		cleanup_free char *sub =
		    cr_xasprintf("%s/%s", paths->runtime, i ? ".trash" : ".rm");

		if (mkdir(sub, 0700) < 0 && errno != EEXIST) {
			cr_fail(err, errno, "mkdir %s", sub);
			state_paths_free(paths);
			return -1;
		}
	}
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

static void fill_paths(const struct cr_paths *paths, const char *name, struct cr_state *st)
{
	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->dir = cr_xasprintf("%s/%s", paths->runtime, name);
	st->rootfs_mnt = cr_xasprintf("%s/rootfs", st->dir);
	st->data_dir = cr_xasprintf("%s/containers/%s", paths->data, name);
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

/* Opens path (creating it) and takes its flock; -1 with errno EWOULDBLOCK when held
 * and wait is false. */
static int lock_file(const char *path, bool wait)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		int saved = errno;

		if (saved == EINTR)
			continue;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* The registry lock: held while a name is claimed, opened or given up. */
static int registry_lock(const struct cr_paths *paths, struct cr_error *err)
{
	cleanup_free char *path = cr_xasprintf("%s/.registry.lock", paths->runtime);
	int fd = lock_file(path, true);

	if (fd < 0)
		return cr_fail(err, errno, "lock %s", path);
	return fd;
}

/* Makes RUNTIME/NAME (and its rootfs mount point) and takes its lock without waiting. */
static int lock_container(struct cr_state *st, struct cr_error *err)
{
	cleanup_free char *path = cr_xasprintf("%s/lock", st->dir);

	if (mkdir(st->dir, 0700) < 0 && errno != EEXIST)
		return cr_fail(err, errno, "mkdir %s", st->dir);
	if (mkdir(st->rootfs_mnt, 0700) < 0 && errno != EEXIST)
		return cr_fail(err, errno, "mkdir %s", st->rootfs_mnt);
	st->lock_fd = lock_file(path, false);
	if (st->lock_fd >= 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return cr_fail(err, errno, "lock %s", path);
	cr_fail(err, 0, "container '%s' is running (or another command is working on it)",
		st->name);
	err->errnum = 0;
	return cr_hint(err, "stop it first with 'conti-rootless stop %s'", st->name);
}

bool state_is_locked(const struct cr_state *st)
{
	cleanup_free char *path = cr_xasprintf("%s/lock", st->dir);
	cleanup_close int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);

	return fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
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

char *state_read_config(const struct cr_state *st)
{
	cleanup_free char *path = cr_xasprintf("%s/config", st->data_dir);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	struct stat sb;
	ssize_t n;

	if (fd < 0 || fstat(fd, &sb) < 0 || sb.st_size > (1 << 20))
		return NULL;
	buf = cr_xmalloc((size_t)sb.st_size + 1);
	n = cr_read_all(fd, buf, (size_t)sb.st_size);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int state_runtime_write(const struct cr_state *st, const char *text, struct cr_error *err)
{
	cleanup_free char *tmp = cr_xasprintf("%s/state.tmp", st->dir);
	cleanup_free char *path = cr_xasprintf("%s/state", st->dir);

	if (cr_write_file(tmp, text, strlen(text), 0600, err) < 0)
		return -1;
	if (rename(tmp, path) < 0)
		return cr_fail(err, errno, "rename %s", tmp);
	return 0;
}

void state_runtime_read(const struct cr_state *st, char *buf, size_t len)
{
	cleanup_free char *path = cr_xasprintf("%s/state", st->dir);
	struct cr_error ignored;

	if (cr_read_file(path, buf, len, &ignored) < 0)
		buf[0] = '\0';
}

/* Opens a grave (a dir in a trash) and locks it, so that no one else deletes it at the same
 * time; -1 if it is gone or locked by its remover. */
static int lock_grave(const char *grave)
{
	int fd = open(grave, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Moves dir aside into trash (a dir on the same file system), under a unique name; the
 * caller removes it. It is locked before the move (the lock's fd goes to *lock, -1 if it
 * could not be taken), so that garbage collection, which deletes only unlocked graves,
 * never deletes it at the same time as its remover. NULL (errno set) if it could not be
 * moved. */
static char *move_aside(const char *dir, const char *trash, int *lock)
{
	char hex[17];
	char *grave;
	int saved;

	*lock = lock_grave(dir);
	random_hex(hex, 8);
	grave = cr_xasprintf("%s/%s", trash, hex);
	if (rename(dir, grave) < 0) {
		saved = errno;
		free(grave);
		if (*lock >= 0)
			close(*lock);
		*lock = -1;
		errno = saved;
		return NULL;
	}
	return grave;
}

static char *to_trash(const struct cr_paths *paths, const char *dir, int *lock)
{
	cleanup_free char *trash = cr_xasprintf("%s/trash", paths->data);

	return move_aside(dir, trash, lock);
}

/* Removes a runtime dir: its namespace handles are mounts, detached rather than crossed. */
static int rm_runtime_dir(const char *dir, struct cr_error *err)
{
	cleanup_free char *ns = cr_xasprintf("%s/" CR_NS_DIR, dir);

	umount2(ns, MNT_DETACH);
	return cr_rm_rf(dir, err);
}

static bool is_dir(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* A container made with --rm whose runner is gone: its name may be taken over. */
static bool stale_rm(struct cr_state *st)
{
	cleanup_free char *config = NULL;
	char flag[8] = "";

	if (state_is_locked(st))
		return false;
	config = state_read_config(st);
	return !config ||
	       (state_record_get(config, "remove", flag, sizeof(flag)) == 0 && !strcmp(flag, "1"));
}

/* Makes DATA/containers/.tmp-X with config, upper and work, then renames it to NAME. */
static int make_data(const struct cr_paths *paths, struct cr_state *st, const char *config,
		     mode_t root_mode, struct cr_error *err)
{
	char hex[17];
	cleanup_free char *tmp = NULL;
	cleanup_free char *path = NULL;
	struct cr_error ignored;

	random_hex(hex, 8);
	tmp = cr_xasprintf("%s/containers/.tmp-%s", paths->data, hex);
	path = cr_xasprintf("%s/config", tmp);
	if (mkdir(tmp, 0700) < 0)
		return cr_fail(err, errno, "mkdir %s", tmp);
	if (cr_write_file(path, config, strlen(config), 0600, err) < 0)
		goto fail;
	free(path);
	path = cr_xasprintf("%s/upper", tmp);
	/* The upper dir is the container's "/": it gets the mode of the rootfs's own root, so
	 * that non-root users inside can enter it (the data dir stays 0700). */
	if (mkdir(path, 0700) < 0 || chmod(path, root_mode) < 0) {
		cr_fail(err, errno, "mkdir %s", path);
		goto fail;
	}
	free(path);
	path = cr_xasprintf("%s/work", tmp);
	if (mkdir(path, 0700) < 0) {
		cr_fail(err, errno, "mkdir %s", path);
		goto fail;
	}
	if (syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, st->data_dir, RENAME_NOREPLACE) < 0) {
		cr_fail(err, errno, "rename %s to %s", tmp, st->data_dir);
		goto fail;
	}
	return 0;
fail:
	cr_rm_rf(tmp, &ignored);
	return -1;
}

static int name_taken(struct cr_state *st, struct cr_error *err)
{
	bool running = state_is_locked(st);

	cr_fail(err, 0, "the name '%s' is in use by %s container", st->name,
		running ? "a running" : "an exited");
	if (running)
		return cr_hint(err, "pick another --name");
	return cr_hint(err, "remove it with 'conti-rootless rm %s', or pick another --name",
		       st->name);
}

/* Under the registry lock: the name is free (or held by a stale --rm container, buried). */
static int claim(const struct cr_paths *paths, struct cr_state *st, const char *config,
		 mode_t root_mode, struct cr_error *err)
{
	if (is_dir(st->data_dir)) {
		cleanup_free char *grave = NULL;
		cleanup_close int lock = -1;

		/* Unlocked at once: the next garbage collection deletes it. */
		if (!stale_rm(st) || !(grave = to_trash(paths, st->data_dir, &lock)))
			return name_taken(st, err);
	}
	if (lock_container(st, err) < 0)
		return -1;
	if (strstr(config, "\nremove=1\n")) {
		cleanup_free char *marker = cr_xasprintf("%s/.rm/%s", paths->runtime, st->name);

		close(open(marker, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	}
	if (make_data(paths, st, config, root_mode, err) < 0) {
		struct cr_error ignored;

		cr_rm_rf(st->dir, &ignored);
		return -1;
	}
	return 0;
}

int state_create(const struct cr_paths *paths, const char *name, const char *config,
		 mode_t root_mode, struct cr_state *st, struct cr_error *err)
{
	cleanup_close int reg = registry_lock(paths, err);

	fill_paths(paths, name, st);
	if (reg < 0 || claim(paths, st, config, root_mode, err) < 0) {
		state_release(st);
		return -1;
	}
	return 0;
}

static int no_such(const char *name, struct cr_error *err)
{
	cr_fail(err, 0, "no container named '%s'", name);
	return cr_hint(err, "'conti-rootless ps -a' lists them");
}

int state_open_unlocked(const struct cr_paths *paths, const char *name, struct cr_state *st,
			struct cr_error *err)
{
	fill_paths(paths, name, st);
	if (!is_dir(st->data_dir)) {
		state_release(st);
		return no_such(name, err);
	}
	return 0;
}

int state_open(const struct cr_paths *paths, const char *name, struct cr_state *st,
	       struct cr_error *err)
{
	cleanup_close int reg = registry_lock(paths, err);

	if (reg < 0 || state_open_unlocked(paths, name, st, err) < 0)
		return -1;
	if (lock_container(st, err) < 0) {
		state_release(st);
		return -1;
	}
	return 0;
}

/* Deletes what is in a trash dir that no remover holds (runtime: runtime dirs, with their
 * handles). */
static void empty_trash(const char *dir, bool runtime)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct cr_error ignored;

	while (d && (de = readdir(d))) {
		cleanup_free char *path = NULL;
		cleanup_close int lock = -1;

		if (de->d_name[0] == '.')
			continue;
		path = cr_xasprintf("%s/%s", dir, de->d_name);
		lock = lock_grave(path);
		if (lock < 0)
			continue;
		if (runtime)
			rm_runtime_dir(path, &ignored);
		else
			cr_rm_rf(path, &ignored);
	}
	if (d)
		closedir(d);
}

/* True when a trash dir holds a grave that no remover holds. */
static bool trash_unattended(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	while (!found && d && (de = readdir(d))) {
		cleanup_free char *path = NULL;
		int lock;

		if (de->d_name[0] == '.')
			continue;
		path = cr_xasprintf("%s/%s", dir, de->d_name);
		lock = lock_grave(path);
		found = lock >= 0;
		if (lock >= 0)
			close(lock);
	}
	if (d)
		closedir(d);
	return found;
}

/* Turns the calling process into a remover that outlives its parent: a session of its own,
 * /dev/null for stdio, no other descriptor but keep (moved to 3 and up), no blocked signal. */
static void become_remover(int *keep, int n)
{
	sigset_t none;

	setsid();
	for (int fd = 0; fd < 3; fd++) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0 && null != fd) {
			dup2(null, fd);
			close(null);
		}
	}
	for (int i = 0; i < n; i++) {
		if (keep[i] >= 0 && keep[i] != 3 + i && dup2(keep[i], 3 + i) >= 0)
			keep[i] = 3 + i;
	}
	syscall(SYS_close_range, (unsigned)(3 + n), ~0U, 0U);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Deletes the graves (either may be NULL) in a process of its own that outlives us: the
 * caller, about to exit, need not wait for a large writable layer to go. They are locked
 * (locks: their fds, closed here), so that garbage collection leaves them to it; a killed
 * remover leaves them unlocked in the trash, for the next collection. */
static void remove_in_background(const char *runtime_grave, const char *data_grave, int *locks)
{
	struct cr_error ignored;

	/* One fork, not waited for: only a command about to exit removes in the background,
	 * and init adopts the remover then. */
	if (fork() == 0) {
		become_remover(locks, 2);
		if (runtime_grave)
			rm_runtime_dir(runtime_grave, &ignored);
		if (data_grave)
			cr_rm_rf(data_grave, &ignored);
		_exit(0);
	}
	for (int i = 0; i < 2; i++) {
		if (locks[i] >= 0)
			close(locks[i]);
	}
}

/* Moves the container's dirs to the trash under the registry lock (the name is free at once,
 * and a new container of that name never meets a remover of the old one); the graves go
 * into the two pointers, locked: their locks' fds into locks[0] and locks[1] (-1 if none). */
static int bury(const struct cr_paths *paths, struct cr_state *st, char **runtime_grave,
		char **data_grave, int *locks, struct cr_error *err)
{
	cleanup_free char *runtime_trash = cr_xasprintf("%s/.trash", paths->runtime);
	cleanup_free char *marker = cr_xasprintf("%s/.rm/%s", paths->runtime, st->name);
	int reg = registry_lock(paths, err);
	int ret = 0;

	*runtime_grave = *data_grave = NULL;
	locks[0] = locks[1] = -1;
	if (reg < 0) {
		rm_runtime_dir(st->dir, &(struct cr_error){0}); /* the handles go in any case */
		return -1;
	}
	*data_grave = to_trash(paths, st->data_dir, &locks[1]);
	if (!*data_grave && errno != ENOENT)
		ret = cr_fail(err, errno, "remove %s", st->data_dir);
	*runtime_grave = move_aside(st->dir, runtime_trash, &locks[0]);
	if (!*runtime_grave && errno != ENOENT)
		rm_runtime_dir(st->dir, &(struct cr_error){0});
	unlink(marker);
	close(reg);
	return ret;
}

int state_remove(const struct cr_paths *paths, struct cr_state *st, bool background,
		 struct cr_error *err)
{
	cleanup_free char *runtime_grave = NULL;
	cleanup_free char *data_grave = NULL;
	int locks[2];
	int ret = bury(paths, st, &runtime_grave, &data_grave, locks, err);

	if (background) {
		remove_in_background(runtime_grave, data_grave, locks);
		return ret;
	}
	/* The graves stay locked while they are deleted: garbage collection leaves them. */
	if (runtime_grave)
		rm_runtime_dir(runtime_grave, &(struct cr_error){0});
	if (data_grave && cr_rm_rf(data_grave, err) < 0)
		ret = -1;
	for (int i = 0; i < 2; i++) {
		if (locks[i] >= 0)
			close(locks[i]);
	}
	return ret;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **state_list(const struct cr_paths *paths, size_t *n)
{
	cleanup_free char *dir = cr_xasprintf("%s/containers", paths->data);
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = cr_xcalloc(1, sizeof(char *));
	struct cr_error ignored;

	*n = 0;
	while (d && (de = readdir(d))) {
		if (state_validate_name(de->d_name, &ignored) < 0)
			continue;
		names = cr_xrealloc(names, (*n + 2) * sizeof(char *));
		names[(*n)++] = cr_xstrdup(de->d_name);
		names[*n] = NULL;
	}
	if (d)
		closedir(d);
	qsort(names, *n, sizeof(char *), compare_names);
	return names;
}

/* Moves name to the trash if it is a stale --rm container. */
static void collect_one(const struct cr_paths *paths, const char *name)
{
	struct cr_state st;
	struct cr_error ignored;
	bool stale;

	fill_paths(paths, name, &st);
	stale = is_dir(st.data_dir) ? stale_rm(&st) : true;
	state_release(&st);
	if (!stale)
		return;
	if (state_open(paths, name, &st, &ignored) == 0) {
		cleanup_free char *runtime_grave = NULL;
		cleanup_free char *data_grave = NULL;
		int locks[2];

		/* The trash is emptied once, below: the graves are left unlocked for it. */
		bury(paths, &st, &runtime_grave, &data_grave, locks, &ignored);
		for (int i = 0; i < 2; i++) {
			if (locks[i] >= 0)
				close(locks[i]);
		}
		state_release(&st);
	} else {
		cleanup_free char *marker = cr_xasprintf("%s/.rm/%s", paths->runtime, name);

		unlink(marker);
	}
}

/* Empties both trash dirs in a process of its own (two forks: no zombie of ours to reap). */
static void empty_trash_in_background(const char *data_trash, const char *runtime_trash)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (fork() == 0) {
			become_remover(NULL, 0);
			empty_trash(runtime_trash, true);
			empty_trash(data_trash, false);
		}
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

void state_collect_garbage(const struct cr_paths *paths, bool full)
{
	cleanup_free char *markers = cr_xasprintf("%s/.rm", paths->runtime);
	cleanup_free char *data_trash = cr_xasprintf("%s/trash", paths->data);
	cleanup_free char *runtime_trash = cr_xasprintf("%s/.trash", paths->runtime);
	size_t n = 0;
	char **names = NULL;
	DIR *d;
	struct dirent *de;
	struct cr_error ignored;

	if (full) {
		names = state_list(paths, &n);
	} else if ((d = opendir(markers))) {
		names = cr_xcalloc(1, sizeof(char *));
		while ((de = readdir(d))) {
			if (state_validate_name(de->d_name, &ignored) < 0)
				continue;
			names = cr_xrealloc(names, (n + 2) * sizeof(char *));
			names[n++] = cr_xstrdup(de->d_name);
			names[n] = NULL;
		}
		closedir(d);
	}
	for (size_t i = 0; i < n; i++) {
		collect_one(paths, names[i]);
		free(names[i]);
	}
	free(names);
	if (trash_unattended(runtime_trash) || trash_unattended(data_trash))
		empty_trash_in_background(data_trash, runtime_trash);
}

void state_save_exit(const struct cr_state *st, int code)
{
	cleanup_free char *path = cr_xasprintf("%s/exit_code", st->data_dir);
	char num[16];
	struct cr_error ignored;

	snprintf(num, sizeof(num), "%d\n", code);
	cr_write_file(path, num, strlen(num), 0600, &ignored);
}

int state_saved_exit(const struct cr_state *st)
{
	cleanup_free char *path = cr_xasprintf("%s/exit_code", st->data_dir);
	char num[16];
	struct cr_error ignored;

	return cr_read_file(path, num, sizeof(num), &ignored) > 0 ? atoi(num) : -1;
}

long long state_log_size(const struct cr_state *st)
{
	cleanup_free char *path = cr_xasprintf("%s/log", st->dir);
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}
