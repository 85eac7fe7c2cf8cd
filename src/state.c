/* state.c - state and data directories, names, locks. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "state.h"
#include "cgroup/cgroup.h"
#include "net/net.h"
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

/* True when path is a directory, not a symlink to one. */
static bool is_real_dir(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
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

/* Makes dir (0700) when missing and says why it cannot hold state (NULL when it can); a
 * dir of ours with another mode is made 0700. */
static const char *private_dir(const char *dir, uid_t uid)
{
	struct stat sb;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return "it cannot be made";
	if (lstat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) && sb.st_uid == uid &&
	    (sb.st_mode & 07777) != 0700)
		chmod(dir, 0700);
	return state_runtime_dir_problem(dir, uid);
}

/* The user's home, from the passwd entry ($HOME only when there is none). */
static const char *home_of(uid_t uid)
{
	struct passwd *pw = getpwuid(uid);
	const char *home = pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : getenv("HOME");

	return home && home[0] == '/' ? home : NULL;
}

/* The fallback when /tmp/conti-rootless-UID is another user's: under the user's home. */
static int home_runtime(const char *home, uid_t uid, char **out, struct cr_error *err)
{
	cleanup_free char *dir = NULL;
	const char *problem;

	if (!home) {
		cr_fail(err, 0,
			"no place for runtime state: /run/user/%u is missing, "
			"/tmp/conti-rootless-%u belongs to someone else, and you have no home",
			(unsigned)uid, (unsigned)uid);
		return cr_hint(err, "set CONTI_ROOTLESS_RUNTIME_DIR to a directory of yours with "
				    "mode 0700");
	}
	dir = cr_xasprintf("%s/.cache/conti-rootless", home);
	if (cr_mkdir_p(dir, 0700, err) < 0)
		return -1;
	free(dir);
	dir = cr_xasprintf("%s/.cache/conti-rootless/run", home);
	problem = private_dir(dir, uid);
	if (problem) {
		cr_fail(err, 0, "cannot keep state in %s: %s", dir, problem);
		return cr_hint(err,
			       "remove it, or set CONTI_ROOTLESS_RUNTIME_DIR to a directory of "
			       "yours with mode 0700");
	}
	*out = dir;
	dir = NULL;
	return 0;
}

int state_runtime_root_in(const char *run_base, const char *tmp_base, const char *home, uid_t uid,
			  char **out, char **squatted, struct cr_error *err)
{
	const char *over = getenv("CONTI_ROOTLESS_RUNTIME_DIR");
	cleanup_free char *run_user = cr_xasprintf("%s/%u", run_base, (unsigned)uid);
	cleanup_free char *dir = NULL;
	const char *problem;

	*out = NULL;
	if (squatted)
		*squatted = NULL;
	if (over && *over) {
		problem = over[0] == '/' ? private_dir(over, uid) : "it is not an absolute path";
		if (problem) {
			cr_fail(err, 0, "CONTI_ROOTLESS_RUNTIME_DIR=%s is unusable: %s", over,
				problem);
			return cr_hint(err,
				       "give a directory of yours with mode 0700, or unset it");
		}
		*out = cr_xstrdup(over);
		return 0;
	}
	if (!state_runtime_dir_problem(run_user, uid)) {
		dir = cr_xasprintf("%s/conti-rootless", run_user);
		problem = private_dir(dir, uid);
		if (problem) {
			cr_fail(err, 0, "cannot keep state in %s: %s", dir, problem);
			return cr_hint(err, "remove it (conti-rootless makes it anew)");
		}
		*out = dir;
		dir = NULL;
		return 0;
	}
	dir = cr_xasprintf("%s/conti-rootless-%u", tmp_base, (unsigned)uid);
	if (!private_dir(dir, uid)) {
		*out = dir;
		dir = NULL;
		return 0;
	}
	/* Another user made it (or a link in its place): never ours, so not used. */
	if (home_runtime(home, uid, out, err) < 0)
		return -1;
	if (squatted) {
		*squatted = dir;
		dir = NULL;
	}
	return 0;
}

int state_runtime_root(uid_t uid, char **out, char **squatted, struct cr_error *err)
{
	return state_runtime_root_in("/run/user", "/tmp", home_of(uid), uid, out, squatted, err);
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
	if (!is_real_dir(dir)) {
		cr_fail(err, 0, "%s is not a directory conti-rootless made", dir);
		return cr_hint(err, "move it out of the way (it is a symbolic link or a file)");
	}
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
	cleanup_free char *squatted = NULL;

	memset(paths, 0, sizeof(*paths));
	if (state_runtime_root(getuid(), &paths->runtime, &squatted, err) < 0)
		return -1;
	if (squatted)
		cr_warn(
		    "%s belongs to another user (or is not a directory), so state is kept in %s",
		    squatted, paths->runtime);
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
	st->lock_fd = st->data_lock_fd = -1;
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->runtime_root = cr_xstrdup(paths->runtime);
	st->data_root = cr_xstrdup(paths->data);
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
	if (st->data_lock_fd >= 0)
		close(st->data_lock_fd);
	free(st->runtime_root);
	free(st->data_root);
	free(st->dir);
	free(st->rootfs_mnt);
	free(st->data_dir);
	free(st->upper);
	free(st->work);
	memset(st, 0, sizeof(*st));
	st->lock_fd = st->data_lock_fd = -1;
}

/* openat of rel beneath dirfd, one component at a time, never following a symlink (for
 * kernels without openat2). */
static int open_walk(int dirfd, const char *rel, int flags, mode_t mode)
{
	cleanup_free char *copy = cr_xstrdup(rel);
	char *p = copy, *slash;
	int fd = dup(dirfd);

	while (fd >= 0 && (slash = strchr(p, '/'))) {
		int next;

		*slash = '\0';
		if (!strcmp(p, "..")) {
			close(fd);
			errno = EXDEV;
			return -1;
		}
		next = openat(fd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		p = slash + 1;
	}
	if (fd < 0)
		return -1;
	{
		int last = openat(fd, p, flags | O_NOFOLLOW | O_CLOEXEC, mode);

		close(fd);
		return last;
	}
}

/* Opens root/rel without following a symlink anywhere beneath root (root itself was checked
 * when it was chosen); -1 with errno (ELOOP for a symlink). */
static int open_beneath(const char *root, const char *rel, int flags, mode_t mode)
{
	cleanup_close int rfd = open(root, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_NOFOLLOW | O_CLOEXEC),
	    .mode = flags & O_CREAT ? mode : 0,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (rfd < 0)
		return -1;
	fd = cr_openat2(rfd, rel, &how);
	if (fd < 0 && (errno == ENOSYS || errno == E2BIG))
		fd = open_walk(rfd, rel, flags, mode);
	return fd;
}

/* Opens a regular file beneath root for reading (a FIFO or device is refused: ENXIO). */
static int open_regular_beneath(const char *root, const char *rel)
{
	int fd = open_beneath(root, rel, O_RDONLY | O_NONBLOCK, 0);
	struct stat sb;

	if (fd >= 0 && (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))) {
		close(fd);
		errno = ENXIO;
		return -1;
	}
	return fd;
}

int state_open_runtime_file(const struct cr_state *st, const char *rel, int flags, mode_t mode)
{
	cleanup_free char *path = cr_xasprintf("%s/%s", st->name, rel);

	return open_beneath(st->runtime_root, path, flags, mode);
}

int state_write_runtime_files(const struct cr_state *st, const char *const *names,
			      const char *const *texts, size_t n, struct cr_error *err)
{
	cleanup_close int dfd = open_beneath(st->runtime_root, st->name, O_PATH | O_DIRECTORY, 0);
	mode_t old = umask(022);
	int ret = 0;

	if (dfd < 0)
		ret = cr_fail(err, errno, "open %s", st->dir);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		int fd;

		if (!texts[i])
			continue;
		fd = openat(dfd, names[i],
			    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
			    0644);
		if (fd < 0 || cr_write_all(fd, texts[i], strlen(texts[i])) < 0)
			ret = cr_fail(err, errno, "write %s/%s", st->dir, names[i]);
		if (fd >= 0)
			close(fd);
	}
	umask(old);
	return ret;
}

/* Takes the flock of fd (which it closes on failure); -1 with errno EWOULDBLOCK when held
 * and wait is false. */
static int lock_fd(int fd, bool wait)
{
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

/* True when fd's flock is held by another open file (fd is closed). */
static bool held(int fd)
{
	bool busy = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;

	if (fd >= 0)
		close(fd);
	return busy;
}

/* The registry lock: held while a name is claimed, opened or given up. */
static int registry_lock(const struct cr_paths *paths, struct cr_error *err)
{
	int fd =
	    lock_fd(open_beneath(paths->runtime, ".registry.lock", O_RDWR | O_CREAT, 0600), true);

	if (fd < 0)
		return cr_fail(err, errno, "lock %s/.registry.lock", paths->runtime);
	return fd;
}

/* Refuses what is not what the tool made: rel (beneath root) must be absent, or of type
 * (S_IFDIR, S_IFREG ...) and, when owned is set, ours. */
static int check_made(const char *root, const char *rel, mode_t type, bool owned,
		      struct cr_error *err)
{
	cleanup_close int fd = open_beneath(root, rel, O_PATH, 0);
	struct stat sb;
	const char *problem = NULL;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 && errno == ELOOP)
		problem = "a symbolic link (in its path)";
	else if (fd < 0 || fstat(fd, &sb) < 0)
		return cr_fail(err, errno, "%s/%s", root, rel);
	else if (S_ISLNK(sb.st_mode))
		problem = "a symbolic link";
	else if ((sb.st_mode & S_IFMT) != type)
		problem = type == S_IFDIR ? "not a directory" : "not a regular file";
	else if (owned && sb.st_uid != getuid())
		problem = "owned by another user";
	if (!problem)
		return 0;
	cr_fail(err, 0, "%s/%s is %s, not what conti-rootless made: refusing to use it", root, rel,
		problem);
	return cr_hint(err, "look at it and remove it yourself (rm removes a link, not what it "
			    "points to)");
}

/* One part of a container's dirs: its path below RUNTIME/NAME or DATA/containers/NAME
 * ("" for the dir itself) and the kind of file conti-rootless makes there. */
struct made_part {
	const char *rel;
	mode_t type;
};

/* Checks that each of n parts below root/prefix is what conti-rootless made (the first, the
 * dir itself, must be there), never following a symlink. */
static int check_parts(const char *root, const char *prefix, const struct made_part *parts,
		       size_t n, struct cr_error *err)
{
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *rel = cr_xasprintf("%s%s", prefix, parts[i].rel);

		if (check_made(root, rel, parts[i].type, i == 0, err) < 0)
			return -1;
	}
	return 0;
}

/* Checks the runtime dir of st: a dir of ours; its files what conti-rootless makes there. */
static int check_runtime_dir(const struct cr_state *st, struct cr_error *err)
{
	static const struct made_part parts[] = {
	    {"", S_IFDIR},	     {"/lock", S_IFREG},  {"/state", S_IFREG},
	    {"/state.tmp", S_IFREG}, {"/log", S_IFREG},	  {"/rootfs", S_IFDIR},
	    {"/ns", S_IFDIR},	     {"/start", S_IFIFO}, {"/fuse-overlayfs.log", S_IFREG}};

	return check_parts(st->runtime_root, st->name, parts, sizeof(parts) / sizeof(parts[0]),
			   err);
}

/* Checks the data dir of st: a dir of ours; its layer dirs, config and lock no symlinks. */
static int check_data_dir(const struct cr_state *st, struct cr_error *err)
{
	static const struct made_part parts[] = {{"", S_IFDIR},	      {"/config", S_IFREG},
						 {"/.lock", S_IFREG}, {"/upper", S_IFDIR},
						 {"/work", S_IFDIR},  {"/exit_code", S_IFREG}};
	cleanup_free char *prefix = cr_xasprintf("containers/%s", st->name);

	return check_parts(st->data_root, prefix, parts, sizeof(parts) / sizeof(parts[0]), err);
}

/* Makes RUNTIME/NAME (and its rootfs mount point) and takes its lock without waiting. */
static int lock_container(struct cr_state *st, struct cr_error *err)
{
	cleanup_free char *lock = cr_xasprintf("%s/lock", st->name);
	cleanup_close int dfd = -1;

	if (mkdir(st->dir, 0700) < 0) {
		if (errno != EEXIST)
			return cr_fail(err, errno, "mkdir %s", st->dir);
		if (check_runtime_dir(st, err) < 0)
			return -1;
	}
	dfd = open_beneath(st->runtime_root, st->name, O_PATH | O_DIRECTORY, 0);
	if (dfd < 0)
		return cr_fail(err, errno, "open %s", st->dir);
	if (mkdirat(dfd, "rootfs", 0700) < 0 && errno != EEXIST)
		return cr_fail(err, errno, "mkdir %s", st->rootfs_mnt);
	st->lock_fd =
	    lock_fd(openat(dfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600), false);
	if (st->lock_fd >= 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return cr_fail(err, errno, "lock %s/lock", st->dir);
	cr_fail(err, 0, "container '%s' is running (or another command is working on it)",
		st->name);
	err->errnum = 0;
	return cr_hint(err, "stop it first with 'conti-rootless stop %s'", st->name);
}

/* Writes our runtime dir into the data lock file fd (for whoever finds it held). */
static void note_holder(int fd, const struct cr_state *st)
{
	cleanup_free char *text = cr_xasprintf("%s\n", st->runtime_root);

	if (ftruncate(fd, 0) == 0 && pwrite(fd, text, strlen(text), 0) < 0)
		return;
}

/* The runtime dir a data lock file names (the holder's), into buf; "" if unreadable. */
static void read_holder(const struct cr_state *st, char *buf, size_t len)
{
	cleanup_free char *rel = cr_xasprintf("containers/%s/.lock", st->name);
	cleanup_close int fd = open_regular_beneath(st->data_root, rel);
	ssize_t n = fd >= 0 ? pread(fd, buf, len - 1, 0) : -1;

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Takes DATA/containers/NAME/.lock without waiting: the layer is ours to mount or delete. */
static int lock_data(struct cr_state *st, struct cr_error *err)
{
	cleanup_free char *rel = cr_xasprintf("containers/%s/.lock", st->name);
	char where[512];

	if (check_data_dir(st, err) < 0)
		return -1;
	st->data_lock_fd = lock_fd(open_beneath(st->data_root, rel, O_RDWR | O_CREAT, 0600), false);
	if (st->data_lock_fd >= 0) {
		note_holder(st->data_lock_fd, st);
		return 0;
	}
	if (errno != EWOULDBLOCK)
		return cr_fail(err, errno, "lock %s/.lock", st->data_dir);
	read_holder(st, where, sizeof(where));
	cr_fail(err, 0, "container '%s' is in use by conti-rootless with its runtime state in %s",
		st->name, where[0] ? where : "another directory");
	err->errnum = 0;
	return cr_hint(err,
		       "run this command where CONTI_ROOTLESS_RUNTIME_DIR is %s (its layer "
		       "cannot be used from two runtime dirs)",
		       where[0] ? where : "the same");
}

bool state_is_locked(const struct cr_state *st)
{
	return held(state_open_runtime_file(st, "lock", O_RDWR, 0));
}

bool state_data_locked_elsewhere(const struct cr_state *st, char *where, size_t len)
{
	cleanup_free char *rel = cr_xasprintf("containers/%s/.lock", st->name);
	char buf[512];

	if (!held(open_beneath(st->data_root, rel, O_RDONLY, 0)))
		return false;
	read_holder(st, buf, sizeof(buf));
	if (where)
		snprintf(where, len, "%s", buf);
	return strcmp(buf, st->runtime_root) != 0;
}

void state_boot_id(char *buf, size_t len)
{
	struct cr_error ignored;

	if (cr_read_file("/proc/sys/kernel/random/boot_id", buf, len, &ignored) < 0)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* True when process pid (a /proc entry) has the file (dev, ino) open. */
static bool pid_has_open(const char *pid, dev_t dev, ino_t ino)
{
	cleanup_free char *path = cr_xasprintf("/proc/%s/fd", pid);
	DIR *d = opendir(path);
	struct dirent *de;
	bool found = false;

	while (!found && d && (de = readdir(d))) {
		struct stat sb;

		found = de->d_name[0] != '.' && fstatat(dirfd(d), de->d_name, &sb, 0) == 0 &&
			sb.st_dev == dev && sb.st_ino == ino;
	}
	if (d)
		closedir(d);
	return found;
}

pid_t state_lock_holder(const struct cr_state *st)
{
	cleanup_close int fd = state_open_runtime_file(st, "lock", O_PATH, 0);
	struct stat lk;
	DIR *d;
	struct dirent *de;
	pid_t found = 0;

	if (fd < 0 || fstat(fd, &lk) < 0 || !(d = opendir("/proc")))
		return 0;
	while (!found && (de = readdir(d))) {
		unsigned long n;
		struct stat sb;

		/* Only our own processes: the others' fds are not ours to read anyway. */
		if (!cr_parse_ulong(de->d_name, &n) || (pid_t)n == getpid() ||
		    fstatat(dirfd(d), de->d_name, &sb, 0) < 0 || sb.st_uid != getuid())
			continue;
		if (pid_has_open(de->d_name, lk.st_dev, lk.st_ino))
			found = (pid_t)n;
	}
	closedir(d);
	return found;
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

/* A component of a cgroup path as systemd and we name them. */
static bool cgroup_component_ok(const char *s, size_t n)
{
	if (n == 0 || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("@._:+-", s[i]))
			return false;
	return true;
}

bool state_cgroup_path_ok(const char *path, const char *name)
{
	static const char root[] = "/sys/fs/cgroup/";
	const char *last, *parent, *p;
	size_t nlen = strlen(name);

	if (strncmp(path, root, sizeof(root) - 1) || strlen(path) >= 640)
		return false;
	for (p = path + sizeof(root) - 1; *p;) {
		size_t n = strcspn(p, "/");

		if (!cgroup_component_ok(p, n))
			return false;
		p += n + (p[n] == '/');
		if (p[-1] == '/' && !*p)
			return false; /* a trailing slash */
	}
	last = strrchr(path, '/') + 1;
	if (last - path < (ptrdiff_t)sizeof("/conti-rootless/"))
		return false;
	parent = last - sizeof("/conti-rootless/") + 1;
	/* NAME-XXXXXX under conti-rootless, which is under some cgroup (the delegated one) */
	return parent > path + sizeof(root) - 1 &&
	       !strncmp(parent, "/conti-rootless/", sizeof("/conti-rootless/") - 1) &&
	       !strncmp(last, name, nlen) && last[nlen] == '-' && strlen(last + nlen + 1) == 6;
}

/* True when path is a directory on a cgroup2 mount that the caller owns (no symlink). */
static bool owned_cgroup_dir(const char *path)
{
	struct stat sb;
	struct statfs sfs;

	return lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && sb.st_uid == getuid() &&
	       statfs(path, &sfs) == 0 && sfs.f_type == 0x63677270 /* CGROUP2_SUPER_MAGIC */;
}

bool state_cgroup_ours(const char *path, const char *name)
{
	cleanup_free char *p = NULL;

	if (!state_cgroup_path_ok(path, name))
		return false;
	/* it, conti-rootless and the delegated cgroup: ours, never a second user's */
	p = cr_xstrdup(path);
	for (int i = 0; i < 3; i++) {
		if (!owned_cgroup_dir(p))
			return false;
		*strrchr(p, '/') = '\0';
	}
	return true;
}

int state_recorded_cgroup(const struct cr_state *st, char *buf, size_t len)
{
	char text[4096];

	buf[0] = '\0';
	state_runtime_read(st, text, sizeof(text));
	if (state_record_get(text, "cgroup", buf, len) < 0 || strlen(buf) + 1 >= len ||
	    !state_cgroup_ours(buf, st->name)) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

char *state_read_config(const struct cr_state *st)
{
	cleanup_free char *rel = cr_xasprintf("containers/%s/config", st->name);
	cleanup_close int fd = open_regular_beneath(st->data_root, rel);
	char *buf;
	struct stat sb;
	ssize_t n;

	if (fd < 0 || fstat(fd, &sb) < 0 || sb.st_size > (1 << 20))
		return NULL;
	buf = cr_xmalloc((size_t)sb.st_size + 1);
	n = cr_read_all(fd, buf, (size_t)sb.st_size);
	if (n < 0 || memchr(buf, '\0', (size_t)n)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int state_write_config(const struct cr_state *st, const char *text, struct cr_error *err)
{
	cleanup_free char *rel = cr_xasprintf("containers/%s", st->name);
	cleanup_close int dfd = open_beneath(st->data_root, rel, O_PATH | O_DIRECTORY, 0);
	cleanup_close int fd = -1;
	char tmp[32];

	if (dfd < 0)
		return cr_fail(err, errno, "open %s", st->data_dir);
	/* a name of our own: two updates of a running container must not write one file */
	snprintf(tmp, sizeof(tmp), "config.tmp.%d", (int)getpid());
	unlinkat(dfd, tmp, 0); /* a killed update's, of a pid since reused */
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || cr_write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0) {
		cr_fail(err, errno, "write %s/%s", st->data_dir, tmp);
		if (fd >= 0)
			unlinkat(dfd, tmp, 0);
		return -1;
	}
	if (renameat(dfd, tmp, dfd, "config") < 0) {
		cr_fail(err, errno, "rename %s/%s", st->data_dir, tmp);
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	return 0;
}

int state_runtime_write(const struct cr_state *st, const char *text, struct cr_error *err)
{
	cleanup_close int dfd = open_beneath(st->runtime_root, st->name, O_PATH | O_DIRECTORY, 0);
	cleanup_close int fd = -1;
	cleanup_free char *full = NULL;
	char boot[64];

	state_boot_id(boot, sizeof(boot));
	/* boot first: a long last line (ports=) cut by a reader's buffer must not take it */
	full = cr_xasprintf("boot=%s\n%s", boot, text);
	if (dfd < 0)
		return cr_fail(err, errno, "open %s", st->dir);
	fd = openat(dfd, "state.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || cr_write_all(fd, full, strlen(full)) < 0)
		return cr_fail(err, errno, "write %s/state.tmp", st->dir);
	if (renameat(dfd, "state.tmp", dfd, "state") < 0)
		return cr_fail(err, errno, "rename %s/state.tmp", st->dir);
	return 0;
}

void state_runtime_read(const struct cr_state *st, char *buf, size_t len)
{
	cleanup_free char *rel = cr_xasprintf("%s/state", st->name);
	cleanup_close int fd = open_regular_beneath(st->runtime_root, rel);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	if (n > 0 && memchr(buf, '\0', (size_t)n))
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

/* True while anyone (this runtime dir or another) holds the container's data lock. */
static bool data_locked(const struct cr_state *st)
{
	cleanup_free char *rel = cr_xasprintf("containers/%s/.lock", st->name);

	return held(open_beneath(st->data_root, rel, O_RDONLY, 0));
}

/* A container made with --rm whose runner is gone: its name may be taken over. */
static bool stale_rm(struct cr_state *st)
{
	cleanup_free char *config = NULL;
	char flag[8] = "";

	if (state_is_locked(st) || data_locked(st))
		return false;
	config = state_read_config(st);
	return !config ||
	       (state_record_get(config, "remove", flag, sizeof(flag)) == 0 && !strcmp(flag, "1"));
}

/* Fills the fresh dir tfd with config, upper (mode root_mode) and work. */
static int fill_data(int tfd, const char *tmp, const char *config, mode_t root_mode,
		     struct cr_error *err)
{
	cleanup_close int fd =
	    openat(tfd, "config", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || cr_write_all(fd, config, strlen(config)) < 0)
		return cr_fail(err, errno, "write %s/config", tmp);
	/* The upper dir is the container's "/": it gets the mode of the rootfs's own root, so
	 * that non-root users inside can enter it (the data dir stays 0700). */
	if (mkdirat(tfd, "upper", 0700) < 0 || fchmodat(tfd, "upper", root_mode, 0) < 0)
		return cr_fail(err, errno, "mkdir %s/upper", tmp);
	if (mkdirat(tfd, "work", 0700) < 0)
		return cr_fail(err, errno, "mkdir %s/work", tmp);
	return 0;
}

/* Makes DATA/containers/.tmp-PID-X with its lock (taken: it becomes the data lock), config,
 * upper and work, then renames it to NAME. A killed maker's .tmp dir is collected (its PID
 * is gone and its lock free: collect_half_made). */
static int make_data(const struct cr_paths *paths, struct cr_state *st, const char *config,
		     mode_t root_mode, struct cr_error *err)
{
	char hex[17];
	cleanup_free char *rel = NULL;
	cleanup_free char *tmp = NULL;
	cleanup_close int cfd = -1;
	cleanup_close int tfd = -1;
	struct cr_error ignored;

	random_hex(hex, 8);
	rel = cr_xasprintf(".tmp-%d-%s", (int)getpid(), hex);
	tmp = cr_xasprintf("%s/containers/%s", paths->data, rel);
	cfd = open_beneath(paths->data, "containers", O_PATH | O_DIRECTORY, 0);
	if (cfd < 0 || mkdirat(cfd, rel, 0700) < 0)
		return cr_fail(err, errno, "mkdir %s", tmp);
	tfd = openat(cfd, rel, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	st->data_lock_fd = lock_fd(
	    tfd < 0 ? -1 : openat(tfd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600),
	    false);
	if (st->data_lock_fd < 0) {
		cr_fail(err, errno, "lock %s/.lock", tmp);
		goto fail;
	}
	note_holder(st->data_lock_fd, st);
	if (fill_data(tfd, tmp, config, root_mode, err) < 0)
		goto fail;
	if (syscall(SYS_renameat2, cfd, rel, cfd, st->name, RENAME_NOREPLACE) < 0) {
		cr_fail(err, errno, "rename %s to %s", tmp, st->data_dir);
		goto fail;
	}
	return 0;
fail:
	cr_rm_rf(tmp, &ignored);
	if (st->data_lock_fd >= 0)
		close(st->data_lock_fd);
	st->data_lock_fd = -1;
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
	if (is_real_dir(st->data_dir)) {
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
	if (!is_real_dir(st->data_dir)) {
		int ret = check_made(st->data_root, st->data_dir + strlen(st->data_root) + 1,
				     S_IFDIR, true, err);

		state_release(st);
		return ret < 0 ? -1 : no_such(name, err);
	}
	if (check_made(st->runtime_root, st->name, S_IFDIR, true, err) < 0) {
		state_release(st);
		return -1;
	}
	return 0;
}

int state_open(const struct cr_paths *paths, const char *name, struct cr_state *st,
	       struct cr_error *err)
{
	cleanup_close int reg = registry_lock(paths, err);

	if (reg < 0 || state_open_unlocked(paths, name, st, err) < 0)
		return -1;
	if (lock_container(st, err) < 0 || lock_data(st, err) < 0) {
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

/* A runner killed before it could stop the container's network helper (which dies with it,
 * PR_SET_PDEATHSIG, unless something failed): the helper it recorded goes with the state. */
static void kill_recorded_helper(const struct cr_state *st)
{
	char text[1024], pid[16] = "", start[32] = "";
	unsigned long p;
	unsigned long long s;

	state_runtime_read(st, text, sizeof(text));
	if (state_record_get(text, "net_pid", pid, sizeof(pid)) < 0 ||
	    state_record_get(text, "net_start", start, sizeof(start)) < 0 ||
	    !cr_parse_ulong(pid, &p) || p > INT_MAX || sscanf(start, "%llu", &s) != 1)
		return;
	net_kill_recorded((pid_t)p, s);
}

/* A runner killed before it could remove the container's cgroup: the cgroup it recorded, once
 * checked to be one of ours (state_recorded_cgroup), goes with the state. */
static void destroy_recorded_cgroup(const struct cr_state *st)
{
	char path[640];
	struct cr_error ignored;

	if (state_recorded_cgroup(st, path, sizeof(path)) == 0)
		cgroup_destroy(path, &ignored);
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
	kill_recorded_helper(st);
	destroy_recorded_cgroup(st);
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
	stale = is_real_dir(st.data_dir) ? stale_rm(&st) : true;
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

/* True when the maker named in DATA/containers/.tmp-PID-X is gone and its lock is free. */
static bool tmp_abandoned(int cfd, const char *name)
{
	cleanup_free char *lock = cr_xasprintf("%s/.lock", name);
	long pid = strtol(name + 5, NULL, 10);

	if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
		return false;
	return !held(openat(cfd, lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
}

/* True when RUNTIME/NAME is a runtime dir with no data dir that no one holds. */
static bool runtime_orphan(const struct cr_paths *paths, int rfd, const char *name)
{
	cleanup_free char *data = cr_xasprintf("%s/containers/%s", paths->data, name);
	cleanup_free char *lock = cr_xasprintf("%s/lock", name);
	struct stat sb;
	struct cr_error ignored;

	if (state_validate_name(name, &ignored) < 0 ||
	    fstatat(rfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sb.st_mode) ||
	    sb.st_uid != getuid() || lstat(data, &sb) == 0 || errno != ENOENT)
		return false;
	return !held(openat(rfd, lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
}

/* What a command killed during set-up left half-made goes to the trash: DATA/containers/
 * .tmp-* dirs whose maker is gone, and runtime dirs without a data dir that no one holds.
 * Under the registry lock, so no claim of this runtime dir is half-way. */
static void collect_half_made(const struct cr_paths *paths)
{
	struct cr_error ignored;
	cleanup_close int reg = registry_lock(paths, &ignored);
	cleanup_free char *runtime_trash = cr_xasprintf("%s/.trash", paths->runtime);
	int fds[2] = {open_beneath(paths->runtime, ".", O_RDONLY | O_DIRECTORY, 0),
		      open_beneath(paths->data, "containers", O_RDONLY | O_DIRECTORY, 0)};

	for (int i = 0; i < 2 && reg >= 0; i++) {
		DIR *d = fds[i] >= 0 ? fdopendir(fds[i]) : NULL;
		struct dirent *de;

		if (!d)
			continue;
		fds[i] = -1;
		while ((de = readdir(d))) {
			cleanup_free char *path = NULL;
			cleanup_free char *grave = NULL;
			int lock = -1;

			if (i == 0 ? !runtime_orphan(paths, dirfd(d), de->d_name)
				   : strncmp(de->d_name, ".tmp-", 5) ||
					 !tmp_abandoned(dirfd(d), de->d_name))
				continue;
			path = cr_xasprintf("%s/%s%s", i ? paths->data : paths->runtime,
					    i ? "containers/" : "", de->d_name);
			/* unlocked at once: the collection that follows deletes it */
			grave = i ? to_trash(paths, path, &lock)
				  : move_aside(path, runtime_trash, &lock);
			if (lock >= 0)
				close(lock);
		}
		closedir(d);
	}
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Empty cgroups under our delegated subtree's conti-rootless whose container is gone (a
 * runner killed between making one and recording it, or one whose state is gone). */
static void sweep_cgroups(void)
{
	struct cr_cgroup_host h;

	cgroup_probe(&h);
	if (h.mode == CR_CG_DELEGATED)
		cgroup_sweep(&h);
	cgroup_host_release(&h);
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
	collect_half_made(paths);
	sweep_cgroups();
	if (trash_unattended(runtime_trash) || trash_unattended(data_trash))
		empty_trash_in_background(data_trash, runtime_trash);
}

void state_save_exit(const struct cr_state *st, int code)
{
	cleanup_free char *rel = cr_xasprintf("containers/%s/exit_code", st->name);
	cleanup_close int fd = open_beneath(st->data_root, rel, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	char num[16];

	snprintf(num, sizeof(num), "%d\n", code);
	if (fd >= 0)
		cr_write_all(fd, num, strlen(num));
}

int state_saved_exit(const struct cr_state *st)
{
	cleanup_free char *rel = cr_xasprintf("containers/%s/exit_code", st->name);
	cleanup_close int fd = open_regular_beneath(st->data_root, rel);
	char num[16];
	ssize_t n = fd >= 0 ? read(fd, num, sizeof(num) - 1) : -1;

	if (n <= 0)
		return -1;
	num[n] = '\0';
	return atoi(num);
}

long long state_saved_exit_time(const struct cr_state *st)
{
	cleanup_free char *rel = cr_xasprintf("containers/%s/exit_code", st->name);
	cleanup_close int fd = open_regular_beneath(st->data_root, rel);
	struct stat sb;

	return fd >= 0 && fstat(fd, &sb) == 0 ? (long long)sb.st_mtime : 0;
}

long long state_log_size(const struct cr_state *st)
{
	cleanup_close int fd = state_open_runtime_file(st, "log", O_PATH, 0);
	struct stat sb;

	return fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? (long long)sb.st_size : 0;
}

void state_generate_id(char buf[CR_ID_LEN + 1])
{
	random_hex(buf, 16);
	random_hex(buf + 32, 16);
}

static bool is_hex(const char *s, size_t min, size_t max)
{
	size_t n = strspn(s, "0123456789abcdef");

	return !s[n] && n >= min && n <= max;
}

/* FNV-1a over a seed byte and s, then a final mix: one 64-bit part of a derived id. */
static unsigned long long derive_part(unsigned char seed, const char *s)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	h = (h ^ seed) * 0x100000001b3ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

void state_config_id(const char *config, const char *name, char buf[CR_ID_LEN + 1])
{
	char created[32] = "";
	cleanup_free char *key = NULL;

	if (config && state_record_get(config, "id", buf, CR_ID_LEN + 1) == 0 &&
	    is_hex(buf, CR_ID_LEN, CR_ID_LEN))
		return;
	if (config)
		state_record_get(config, "created", created, sizeof(created));
	key = cr_xasprintf("%s\n%s", name, created);
	for (int i = 0; i < 4; i++)
		snprintf(buf + 16 * i, 17, "%016llx", derive_part((unsigned char)i, key));
}

bool state_may_be_id(const char *s)
{
	return is_hex(s, 1, CR_ID_LEN);
}

/* The id of the container name, or "" when its config cannot be read. */
static void id_of(const struct cr_paths *paths, const char *name, char id[CR_ID_LEN + 1])
{
	struct cr_state st;
	struct cr_error ignored;
	cleanup_free char *text = NULL;

	id[0] = '\0';
	if (state_open_unlocked(paths, name, &st, &ignored) < 0)
		return;
	text = state_read_config(&st);
	if (text)
		state_config_id(text, name, id);
	state_release(&st);
}

/* The container whose id is arg (full) or starts with it (not full): its name into name;
 * 0 when there is none, 1 when one, -1 (err filled) when several. */
static int find_id(const struct cr_paths *paths, const char *arg, bool full,
		   char name[CR_NAME_MAX + 1], struct cr_error *err)
{
	size_t n, len = strlen(arg);
	char **names = state_list(paths, &n);
	char id[CR_ID_LEN + 1], match[2][CR_NAME_MAX + 1] = {"", ""};
	int found = 0;

	for (size_t i = 0; i < n; i++) {
		id_of(paths, names[i], id);
		if (id[0] && (full ? !strcmp(id, arg) : !strncmp(id, arg, len))) {
			if (found < 2)
				snprintf(match[found], sizeof(match[found]), "%s", names[i]);
			found++;
		}
		free(names[i]);
	}
	free(names);
	if (found > 1) {
		cr_fail(err, 0, "'%s' is the start of the ids of %d containers (%s, %s%s)", arg,
			found, match[0], match[1], found > 2 ? ", ..." : "");
		return cr_hint(err, "give more of the id, or the name ('conti-rootless ps -a "
				    "--no-trunc' shows both)");
	}
	if (found == 1)
		snprintf(name, CR_NAME_MAX + 1, "%s", match[0]);
	return found;
}

int state_resolve(const struct cr_paths *paths, const char *arg, char name[CR_NAME_MAX + 1],
		  struct cr_error *err)
{
	cleanup_free char *dir = NULL;
	struct cr_error invalid;
	int found;

	if (state_validate_name(arg, &invalid) < 0)
		return 0; /* the command says what is wrong with it */
	if (is_hex(arg, CR_ID_LEN, CR_ID_LEN)) {
		found = find_id(paths, arg, true, name, err);
		if (found != 0)
			return found;
	}
	dir = cr_xasprintf("%s/containers/%s", paths->data, arg);
	if (is_real_dir(dir) || !is_hex(arg, 1, CR_ID_LEN - 1))
		return 0;
	return find_id(paths, arg, false, name, err);
}
