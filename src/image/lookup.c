/* image/lookup.c - the store as the front end reads it (image/lookup.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/lookup.h"
#include "image/record.h"
#include "utils.h"

/* One "NAME ID" line of repositories: NAME in name, ID in id; false for a damaged line. */
static bool repos_line(const char *line, size_t n, char *name, size_t name_len,
		       char id[IMAGE_DIGEST_HEX + 1])
{
	const char *sp = memchr(line, ' ', n);
	size_t nl;

	if (!sp)
		return false;
	nl = (size_t)(sp - line);
	if (nl == 0 || nl >= name_len || n - nl - 1 != IMAGE_DIGEST_HEX)
		return false;
	memcpy(id, sp + 1, IMAGE_DIGEST_HEX);
	id[IMAGE_DIGEST_HEX] = '\0';
	if (strspn(id, "0123456789abcdef") != IMAGE_DIGEST_HEX)
		return false;
	memcpy(name, line, nl);
	name[nl] = '\0';
	return true;
}

/* Walks repos; with want: the NAME it matches (1), or -1 (err) when names of two images do;
 * else the first NAME of id. 0: none. */
static int repos_search(const char *repos, const struct image_ref *want, char id[], char *name,
			size_t name_len, struct cr_error *err)
{
	int found = 0;

	for (const char *p = repos; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line_name[IMAGE_NAME_LEN], line_id[IMAGE_DIGEST_HEX + 1];
		const char *line = p;

		p = nl ? nl + 1 : NULL;
		if (!repos_line(line, n, line_name, sizeof(line_name), line_id) ||
		    !(want ? image_ref_matches(want, line_name) : !strcmp(line_id, id)))
			continue;
		if (found && strcmp(id, line_id) != 0) {
			cr_fail(err, 0, "%s:%s names more than one image (%s and %s)", want->path,
				want->tag[0] ? want->tag : "latest", name, line_name);
			return cr_hint(err, "give the full name, REGISTRY/NAME:TAG");
		}
		if (!found)
			snprintf(name, name_len, "%s", line_name);
		strcpy(id, line_id);
		found = 1;
		if (!want)
			return 1;
	}
	return found;
}

/* The name an image found by ID shows: its first NAME, else its short ID. */
static void name_of_id(const char *repos, char id[], char *name, size_t name_len)
{
	if (!repos || repos_search(repos, NULL, id, name, name_len, NULL) != 1)
		snprintf(name, name_len, "%.12s", id);
}

int image_find(const char *repos, const struct cr_strv *ids, const char *want,
	       char id[IMAGE_DIGEST_HEX + 1], char *name, size_t name_len, struct cr_error *err)
{
	struct image_ref ref;
	struct cr_error ignored;
	size_t wl = strlen(want), found = 0;

	if (!strncmp(want, "sha256:", 7))
		want += 7, wl -= 7;
	for (size_t i = 0; i < ids->n && wl == IMAGE_DIGEST_HEX; i++) {
		if (!strcmp(ids->v[i], want)) {
			strcpy(id, want);
			name_of_id(repos, id, name, name_len);
			return 1;
		}
	}
	if (repos && image_ref_parse(want, &ref, &ignored) == 0) {
		int ret = repos_search(repos, &ref, id, name, name_len, err);

		if (ret != 0)
			return ret;
	}
	if (!image_is_id_prefix(want))
		return 0;
	for (size_t i = 0; i < ids->n; i++) {
		if (strncmp(ids->v[i], want, wl))
			continue;
		if (found++ && strcmp(id, ids->v[i])) {
			cr_fail(err, 0, "image ID prefix '%s' is ambiguous", want);
			return cr_hint(err,
				       "give more of the ID (conti-rootless images --no-trunc)");
		}
		strcpy(id, ids->v[i]);
	}
	if (found)
		name_of_id(repos, id, name, name_len);
	return found ? 1 : 0;
}

/* Reads DATA/images/FILE whole (a regular file under max bytes, never through a symlink);
 * NULL when missing. */
static char *read_store_file(const char *data, const char *file, size_t max, struct cr_error *err)
{
	cleanup_free char *path = cr_xasprintf("%s/images/%s", data, file);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	char *buf;
	ssize_t n;

	if (fd < 0) {
		if (errno != ENOENT)
			cr_fail(err, errno, "open %s", path);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size >= max) {
		cr_fail(err, 0, "%s is not a regular file under %zu bytes", path, max);
		return NULL;
	}
	buf = cr_xmalloc((size_t)st.st_size + 1);
	n = cr_read_all(fd, buf, (size_t)st.st_size);
	if (n < 0) {
		free(buf);
		cr_fail(err, errno, "read %s", path);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static bool is_id(const char *s)
{
	return strlen(s) == IMAGE_DIGEST_HEX && strspn(s, "0123456789abcdef") == IMAGE_DIGEST_HEX;
}

/* The IDs that have a record. */
static void list_ids(const char *data, struct cr_strv *ids)
{
	cleanup_free char *dir = cr_xasprintf("%s/images/records", data);
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		if (is_id(de->d_name))
			strv_push(ids, de->d_name);
	}
	if (d)
		closedir(d);
}

int image_store_find(const char *data, const char *want, char id[IMAGE_DIGEST_HEX + 1], char *name,
		     size_t name_len, struct cr_error *err)
{
	cleanup_free char *repos = NULL;
	struct cr_strv ids = {0};
	int ret;

	err->msg[0] = '\0';
	repos = read_store_file(data, "repositories", 64 << 20, err);
	if (!repos && err->msg[0])
		return -1;
	if (image_is_id_prefix(want) || !strncmp(want, "sha256:", 7))
		list_ids(data, &ids);
	ret = image_find(repos, &ids, want, id, name, name_len, err);
	strv_free(&ids);
	return ret;
}

int image_store_lock_shared(const char *data, int *fd, struct cr_error *err)
{
	cleanup_free char *dir = cr_xasprintf("%s/images", data);
	cleanup_free char *lock = cr_xasprintf("%s/images/lock", data);

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return cr_fail(err, errno, "mkdir %s", dir);
	*fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*fd < 0)
		return cr_fail(err, errno, "open %s", lock);
	while (flock(*fd, LOCK_SH) < 0) {
		if (errno != EINTR) {
			cr_fail(err, errno, "lock %s", lock);
			close(*fd);
			*fd = -1;
			return -1;
		}
	}
	return 0;
}

int image_record_read(const char *data, const char *id, struct cr_config *rec, struct cr_error *err)
{
	cleanup_free char *file = cr_xasprintf("records/%s", id);
	cleanup_free char *text = NULL;

	err->msg[0] = '\0';
	if (!is_id(id))
		return cr_fail(err, 0, "'%s' is not an image ID", id);
	text = read_store_file(data, file, IMAGE_RECORD_MAX, err);
	if (!text && !err->msg[0]) {
		cr_fail(err, 0, "image %.12s has no record in the store", id);
		return cr_hint(err, "pull it again: conti-rootless pull IMAGE");
	}
	if (!text)
		return -1;
	if (config_parse_record(text, rec) < 0 || strcmp(rec->image, id)) {
		cr_fail(err, 0, "the record of image %.12s (%s/images/records/%s) is damaged", id,
			data, id);
		return cr_hint(err, "remove it with 'conti-rootless rmi %.12s' and pull it again",
			       id);
	}
	if (rec->layers.n > IMAGE_MAX_LAYERS) {
		cr_fail(err, 0, "image %.12s has %zu layers: kernel overlayfs takes at most %d", id,
			rec->layers.n, IMAGE_MAX_LAYERS);
		return cr_hint(err,
			       "rebuild it with fewer layers (buildah or docker build --squash)");
	}
	if (rec->layers.n == 0) {
		cr_fail(err, 0, "image %.12s has no layers: it holds no file to run", id);
		return cr_hint(err, "import a root filesystem into it: conti-rootless import "
				    "ROOTFS.tar NAME");
	}
	return 0;
}

void image_lower_dirs(const char *data, const struct cr_strv *layers, struct cr_strv *out)
{
	for (size_t i = layers->n; i-- > 0;) {
		cleanup_free char *dir = cr_xasprintf("%s/images/layers/%s", data, layers->v[i]);

		strv_push(out, dir);
	}
}

int image_check_layers(const struct cr_config *cfg, const struct cr_strv *lowers,
		       struct cr_error *err)
{
	for (size_t i = 0; i < lowers->n; i++) {
		struct stat st;

		if (stat(lowers->v[i], &st) == 0 && S_ISDIR(st.st_mode))
			continue;
		cr_fail(err, 0, "image %s: its layer %s is missing from the store",
			cfg->image_name ? cfg->image_name : cfg->image, lowers->v[i]);
		return cr_hint(err, "pull the image again: conti-rootless pull %s",
			       cfg->image_name ? cfg->image_name : cfg->image);
	}
	return 0;
}

/* Sets CONTI_ROOTLESS_BIN to this program's absolute path, for the helper's userns steps. */
static void export_self(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		setenv("CONTI_ROOTLESS_BIN", self, 1);
	}
}

static int find_helper(char *path, size_t len, struct cr_error *err)
{
	if (cr_find_helper(IMAGE_HELPER, path, len, err) == 0)
		return 0;
	cr_fail(err, 0, "the image helper %s is not installed", IMAGE_HELPER);
	return cr_hint(err, "build it (meson: needs libjson-c-dev, libarchive-dev) and install "
			    "conti-rootless again, or run it from its build directory");
}

int image_exec_helper(char **argv, struct cr_error *err)
{
	char path[PATH_MAX + 64];
	size_t n = 0;
	char **full;

	if (find_helper(path, sizeof(path), err) < 0)
		return -1;
	while (argv[n])
		n++;
	/* its own name first, then the user's words from the command word on */
	full = cr_xcalloc(n + 2, sizeof(*full));
	full[0] = IMAGE_HELPER;
	memcpy(full + 1, argv, n * sizeof(*full));
	export_self();
	fflush(NULL);
	execv(path, full);
	free(full);
	return cr_fail(err, errno, "exec %s", path);
}

/* The last line of out (n bytes) as an image ID. */
static bool last_line_id(char *out, size_t n, char id[IMAGE_DIGEST_HEX + 1])
{
	char *line;

	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	line = memrchr(out, '\n', n);
	line = line ? line + 1 : out;
	if (!strncmp(line, "sha256:", 7))
		line += 7;
	if (!is_id(line))
		return false;
	strcpy(id, line);
	return true;
}

int image_pull(const char *source, char id[IMAGE_DIGEST_HEX + 1], struct cr_error *err)
{
	char path[PATH_MAX + 64], out[4096];
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	if (find_helper(path, sizeof(path), err) < 0)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return cr_fail(err, errno, "pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return cr_fail(err, errno, "fork");
	}
	if (pid == 0) {
		sigset_t none;

		/* run blocks the signals it relays: ^C must reach the pull */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(pipefd[1], 1);
		export_self();
		execl(path, IMAGE_HELPER, "pull", source, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(CR_EXIT_TOOL);
	}
	close(pipefd[1]);
	/* only the ID matters: what does not fit shifts the window to the end */
	n = 0;
	for (;;) {
		ssize_t r = read(pipefd[0], out + n, sizeof(out) - 1 - (size_t)n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
		if ((size_t)n == sizeof(out) - 1) {
			memmove(out, out + n / 2, (size_t)(n - n / 2));
			n -= n / 2;
		}
	}
	out[n] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* the helper said why on stderr: exit as it did, adding nothing */
		err->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		err->msg[0] = '\0';
		return -1;
	}
	if (!last_line_id(out, (size_t)n, id))
		return cr_fail(err, 0, "%s pull %s printed no image ID", IMAGE_HELPER, source);
	return 0;
}

static const char *const helper_commands[] = {"pull", "load",	"images", "image",  "rmi",
					      "tag",  "import", "save",	  "commit", "system"};

bool image_is_helper_command(const char *word)
{
	for (size_t i = 0; i < sizeof(helper_commands) / sizeof(helper_commands[0]); i++) {
		if (!strcmp(word, helper_commands[i]))
			return true;
	}
	return false;
}

/* Pulls SOURCE (cfg->rootfs as typed) and names the result: the store's name for what was
 * typed, when it is that image, else what was typed. */
static int pull_and_name(const char *data, const char *typed, const char *ref, char *id, char *name,
			 size_t name_len, struct cr_error *err)
{
	char found[IMAGE_DIGEST_HEX + 1];

	if (image_pull(typed, id, err) < 0)
		return err->msg[0] ? cr_prefix(err, "image %s is not in the store", typed) : -1;
	if (!ref || image_store_find(data, ref, found, name, name_len, err) != 1 ||
	    strcmp(found, id))
		snprintf(name, name_len, "%s", typed);
	return 0;
}

int image_resolve(struct cr_config *cfg, const char *data, int *lock_fd, struct cr_error *err)
{
	const char *rest;
	enum image_source src = image_source_of(cfg->rootfs, &rest);
	char id[IMAGE_DIGEST_HEX + 1], name[IMAGE_NAME_LEN];
	struct cr_config rec;
	int found = 0, ret;

	if (image_store_lock_shared(data, lock_fd, err) < 0)
		return -1;
	if (src == IMAGE_SRC_REGISTRY && cfg->pull != CR_PULL_ALWAYS) {
		found = image_store_find(data, rest, id, name, sizeof(name), err);
		if (found < 0)
			return -1;
	}
	if (!found && cfg->pull == CR_PULL_NEVER) {
		cr_fail(err, 0, "image %s not known", cfg->rootfs);
		return cr_hint(err, "pull it with `conti-rootless pull %s`", cfg->rootfs);
	}
	if (!found && pull_and_name(data, cfg->rootfs, src == IMAGE_SRC_REGISTRY ? rest : NULL, id,
				    name, sizeof(name), err) < 0)
		return -1;
	config_init(&rec);
	ret = image_record_read(data, id, &rec, err);
	if (ret == 0)
		ret = image_apply_record(cfg, &rec, err);
	config_free(&rec);
	if (ret < 0)
		return -1;
	free(cfg->image_name);
	cfg->image_name = cr_xstrdup(name);
	free(cfg->rootfs);
	cfg->rootfs = cr_xstrdup("");
	return 0;
}
