/* store.c - the image store on disk: dirs, locks, blobs, records, repositories, and the
 * steps that run in the tool's user namespace. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/lookup.h"
#include "image/store.h"
#include "state.h"
#include "utils.h"

#define REPOS_MAX (16u << 20) /* repositories larger than this is damaged */
#define RECORD_MAX (4u << 20) /* a record larger than this is damaged */
#define STEP_ERR_ENV "CONTI_IMAGE_STEP_ERRFD"

static const char *const store_dirs[] = {"blobs", "blobs/sha256", "layers", "records", "tmp"};

int image_store_openat(const struct image_store *s, const char *rel, int flags, mode_t mode)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_CLOEXEC | O_NOFOLLOW),
	    .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return cr_openat2(s->root_fd, rel, &how);
}

/* Opens dir name beneath dirfd, making it 0700 when missing; refuses a symlink, another
 * owner's dir, or one open to others. */
static int open_own_dir(int dirfd, const char *name, const char *shown, struct cr_error *err)
{
	struct stat st;
	int fd;

	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return cr_fail(err, errno, "mkdir %s", shown);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		cr_fail(err, errno, "open %s", shown);
		if (errno == ENOTDIR || errno == ELOOP)
			cr_hint(
			    err,
			    "it is not a directory conti-rootless made: move it out of the way");
		return -1;
	}
	if (fstat(fd, &st) < 0 || st.st_uid != getuid() || (st.st_mode & 077)) {
		close(fd);
		cr_fail(err, 0, "%s belongs to another user or is open to others", shown);
		return cr_hint(err, "it must be the user's own directory, mode 0700: move it away");
	}
	return fd;
}

int image_store_open_at(struct image_store *s, const char *root, struct cr_error *err)
{
	cleanup_free char *parent = cr_xstrdup(root);
	cleanup_close int pfd = -1;
	char *slash = strrchr(parent, '/');

	memset(s, 0, sizeof(*s));
	s->root_fd = s->lock_fd = s->names_fd = -1;
	if (!slash || !slash[1])
		return cr_fail(err, EINVAL, "image store %s: not an absolute path", root);
	*slash = '\0';
	pfd = open(parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return cr_fail(err, errno, "open %s", parent);
	s->root_fd = open_own_dir(pfd, slash + 1, root, err);
	if (s->root_fd < 0)
		return -1;
	s->root = cr_xstrdup(root);
	for (size_t i = 0; i < sizeof(store_dirs) / sizeof(store_dirs[0]); i++) {
		cleanup_free char *shown = image_store_path(s, store_dirs[i]);
		int fd = open_own_dir(s->root_fd, store_dirs[i], shown, err);

		if (fd < 0) {
			image_store_close(s);
			return -1;
		}
		close(fd);
	}
	return 0;
}

int image_store_open(struct image_store *s, struct cr_error *err)
{
	struct cr_paths paths;
	cleanup_free char *root = NULL;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	root = cr_xasprintf("%s/images", paths.data);
	state_paths_free(&paths);
	return image_store_open_at(s, root, err);
}

void image_store_close(struct image_store *s)
{
	if (s->names_fd >= 0)
		close(s->names_fd);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	if (s->root_fd >= 0)
		close(s->root_fd);
	free(s->root);
	memset(s, 0, sizeof(*s));
	s->root_fd = s->lock_fd = s->names_fd = -1;
}

/* flock on ROOT/name, opened (made 0600) beneath the root. */
static int take_lock(const struct image_store *s, const char *name, int *fdp, int op,
		     struct cr_error *err)
{
	if (*fdp < 0) {
		*fdp = image_store_openat(s, name, O_RDWR | O_CREAT, 0600);
		if (*fdp < 0)
			return cr_fail(err, errno, "open %s/%s", s->root, name);
	}
	while (flock(*fdp, op) < 0) {
		if (errno != EINTR)
			return cr_fail(err, errno, "lock %s/%s", s->root, name);
	}
	return 0;
}

int image_store_lock(struct image_store *s, bool exclusive, struct cr_error *err)
{
	return take_lock(s, "lock", &s->lock_fd, exclusive ? LOCK_EX : LOCK_SH, err);
}

void image_store_unlock(struct image_store *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
}

int image_store_names_lock(struct image_store *s, struct cr_error *err)
{
	return take_lock(s, "names.lock", &s->names_fd, LOCK_EX, err);
}

void image_store_names_unlock(struct image_store *s)
{
	if (s->names_fd >= 0)
		close(s->names_fd);
	s->names_fd = -1;
}

char *image_store_path(const struct image_store *s, const char *rel)
{
	return cr_xasprintf("%s/%s", s->root, rel);
}

bool image_is_hex64(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return i == IMAGE_HEX_LEN;
}

char *image_blob_path(const struct image_store *s, const char *hex)
{
	return cr_xasprintf("%s/blobs/sha256/%s", s->root, hex);
}

bool image_blob_exists(const struct image_store *s, const char *hex)
{
	cleanup_free char *rel = cr_xasprintf("blobs/sha256/%s", hex);
	cleanup_close int fd = -1;
	struct stat st;

	if (!image_is_hex64(hex))
		return false;
	fd = image_store_openat(s, rel, O_PATH, 0);
	return fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

static void to_hex(const unsigned char *md, char hex[IMAGE_HEX_LEN + 1])
{
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	hex[IMAGE_HEX_LEN] = '\0';
}

/* Hashes what fd reads; with out >= 0 also copies it there. */
static int hash_copy(int fd, int out, char hex[IMAGE_HEX_LEN + 1], unsigned long long *size,
		     struct cr_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	unsigned long long total = 0;
	static __thread char buf[1 << 16];
	int ret = -1;

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		cr_fail(err, ENOMEM, "sha256: cannot set up the digest");
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cr_fail(err, errno, "read");
			goto out;
		}
		if (n == 0)
			break;
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		total += (unsigned long long)n;
		if (out >= 0 && cr_write_all(out, buf, (size_t)n) < 0) {
			cr_fail(err, errno, "write");
			goto out;
		}
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	to_hex(md, hex);
	if (size)
		*size = total;
	ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	return ret;
}

int image_sha256_fd(int fd, char hex[IMAGE_HEX_LEN + 1], unsigned long long *size,
		    struct cr_error *err)
{
	return hash_copy(fd, -1, hex, size, err);
}

int image_blob_verify(const struct image_store *s, const char *hex, struct cr_error *err)
{
	cleanup_free char *rel = cr_xasprintf("blobs/sha256/%s", hex);
	cleanup_close int fd = -1;
	char got[IMAGE_HEX_LEN + 1];
	struct stat st;

	if (!image_is_hex64(hex))
		return cr_fail(err, EINVAL, "blob digest sha256:%.80s is not 64 hex digits", hex);
	fd = image_store_openat(s, rel, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0)
		return cr_fail(err, errno, "blob sha256:%s", hex);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return cr_fail(err, EINVAL, "blob sha256:%s is not a regular file", hex);
	if (hash_copy(fd, -1, got, NULL, err) < 0)
		return cr_prefix(err, "blob sha256:%s", hex);
	if (strcmp(got, hex) != 0) {
		unlinkat(s->root_fd, rel, 0);
		cr_fail(
		    err, 0,
		    "blob sha256:%s is corrupted (its content hashes to sha256:%.12s...): deleted",
		    hex, got);
		return cr_hint(err, "pull the image again");
	}
	return 0;
}

int image_blob_add_fd(const struct image_store *s, int fd, char hex[IMAGE_HEX_LEN + 1],
		      struct cr_error *err)
{
	cleanup_close int tmp = image_store_openat(s, "blobs/sha256", O_TMPFILE | O_WRONLY, 0444);
	char proc[64];

	if (tmp < 0)
		return cr_fail(err, errno, "create a blob in %s/blobs/sha256", s->root);
	if (hash_copy(fd, tmp, hex, NULL, err) < 0)
		return cr_prefix(err, "store a blob");
	if (fsync(tmp) < 0)
		return cr_fail(err, errno, "store a blob: fsync");
	if (image_blob_exists(s, hex))
		return 0;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", tmp);
	{
		cleanup_free char *rel = cr_xasprintf("blobs/sha256/%s", hex);

		if (linkat(AT_FDCWD, proc, s->root_fd, rel, AT_SYMLINK_FOLLOW) < 0 &&
		    errno != EEXIST)
			return cr_fail(err, errno, "store blob sha256:%s", hex);
	}
	return 0;
}

int image_blob_add_file(const struct image_store *s, const char *path, char hex[IMAGE_HEX_LEN + 1],
			struct cr_error *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return cr_fail(err, errno, "open %s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return cr_fail(err, EINVAL, "%s is not a regular file", path);
	return image_blob_add_fd(s, fd, hex, err);
}

int image_blob_add_buf(const struct image_store *s, const void *buf, size_t len,
		       char hex[IMAGE_HEX_LEN + 1], struct cr_error *err)
{
	cleanup_close int fd = memfd_create("blob", MFD_CLOEXEC);

	if (fd < 0)
		return cr_fail(err, errno, "memfd_create");
	if (cr_write_all(fd, buf, len) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return cr_fail(err, errno, "write a blob");
	return image_blob_add_fd(s, fd, hex, err);
}

/* Reads all of fd (at most max bytes) into a malloc'ed NUL-terminated buffer. */
static char *read_all_fd(int fd, size_t max, size_t *len, const char *what, struct cr_error *err)
{
	size_t cap = 4096, n = 0;
	char *buf = cr_xmalloc(cap + 1);

	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= max) {
				free(buf);
				cr_fail(err, EFBIG, "%s is larger than %zu bytes", what, max);
				return NULL;
			}
			cap = cap * 2 > max ? max : cap * 2;
			buf = cr_xrealloc(buf, cap + 1);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			cr_fail(err, errno, "read %s", what);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		free(buf);
		cr_fail(err, EFBIG, "%s is larger than %zu bytes", what, max);
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *image_blob_read(const struct image_store *s, const char *hex, size_t max, size_t *len,
		      struct cr_error *err)
{
	cleanup_free char *rel = cr_xasprintf("blobs/sha256/%s", hex);
	cleanup_free char *what = cr_xasprintf("blob sha256:%s", hex);
	cleanup_close int fd = -1;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char got[IMAGE_HEX_LEN + 1];
	struct stat st;
	size_t n = 0;
	char *buf;

	if (!image_is_hex64(hex)) {
		cr_fail(err, EINVAL, "blob digest sha256:%.80s is not 64 hex digits", hex);
		return NULL;
	}
	fd = image_store_openat(s, rel, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cr_fail(err, fd < 0 ? errno : EINVAL, "%s", what);
		return NULL;
	}
	buf = read_all_fd(fd, max, &n, what, err);
	if (!buf)
		return NULL;
	EVP_Digest(buf, n, md, &mdlen, EVP_sha256(), NULL);
	to_hex(md, got);
	if (strcmp(got, hex) != 0) {
		free(buf);
		unlinkat(s->root_fd, rel, 0);
		cr_fail(
		    err, 0,
		    "blob sha256:%s is corrupted (its content hashes to sha256:%.12s...): deleted",
		    hex, got);
		cr_hint(err, "pull the image again");
		return NULL;
	}
	if (len)
		*len = n;
	return buf;
}

int image_blob_remove(const struct image_store *s, const char *hex, struct cr_error *err)
{
	cleanup_free char *rel = cr_xasprintf("blobs/sha256/%s", hex);

	if (!image_is_hex64(hex))
		return cr_fail(err, EINVAL, "blob digest sha256:%.80s is not 64 hex digits", hex);
	if (unlinkat(s->root_fd, rel, 0) < 0 && errno != ENOENT)
		return cr_fail(err, errno, "delete blob sha256:%s", hex);
	return 0;
}

/* Replaces ROOT/rel with len bytes of text: a temp file beside it, fsync, rename. */
static int replace_file(const struct image_store *s, const char *rel, const char *text, size_t len,
			struct cr_error *err)
{
	char rnd[8];
	cleanup_free char *tmp = NULL;
	cleanup_close int fd = -1;
	unsigned long long r = 0;

	if (getrandom(&r, sizeof(r), 0) < 0)
		r = (unsigned long long)cr_now_ns();
	snprintf(rnd, sizeof(rnd), "%06llx", r & 0xffffff);
	tmp = cr_xasprintf("%s.tmp-%s", rel, rnd);
	fd = image_store_openat(s, tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return cr_fail(err, errno, "create %s/%s", s->root, tmp);
	if (cr_write_all(fd, text, len) < 0 || fsync(fd) < 0) {
		cr_fail(err, errno, "write %s/%s", s->root, rel);
		unlinkat(s->root_fd, tmp, 0);
		return -1;
	}
	if (renameat(s->root_fd, tmp, s->root_fd, rel) < 0) {
		cr_fail(err, errno, "rename into %s/%s", s->root, rel);
		unlinkat(s->root_fd, tmp, 0);
		return -1;
	}
	return 0;
}

/* Reads ROOT/rel (a regular file, at most max bytes); NULL with err. */
static char *read_store_file(const struct image_store *s, const char *rel, size_t max,
			     struct cr_error *err)
{
	cleanup_free char *what = image_store_path(s, rel);
	cleanup_close int fd = image_store_openat(s, rel, O_RDONLY | O_NONBLOCK, 0);
	struct stat st;

	if (fd < 0) {
		cr_fail(err, errno, "open %s", what);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cr_fail(err, EINVAL, "%s is not a regular file", what);
		return NULL;
	}
	return read_all_fd(fd, max, NULL, what, err);
}

int image_record_write(struct image_store *s, const char *id, const char *text,
		       struct cr_error *err)
{
	cleanup_free char *rel = cr_xasprintf("records/%s", id);
	bool held = s->names_fd >= 0;
	int ret;

	if (!image_is_hex64(id))
		return cr_fail(err, EINVAL, "image id %.80s is not 64 hex digits", id);
	if (!held && image_store_names_lock(s, err) < 0)
		return -1;
	ret = replace_file(s, rel, text, strlen(text), err);
	if (!held)
		image_store_names_unlock(s);
	return ret;
}

char *image_record_text(const struct image_store *s, const char *id, struct cr_error *err)
{
	cleanup_free char *rel = cr_xasprintf("records/%s", id);

	if (!image_is_hex64(id)) {
		cr_fail(err, EINVAL, "image id %.80s is not 64 hex digits", id);
		return NULL;
	}
	return read_store_file(s, rel, RECORD_MAX, err);
}

int image_record_remove(const struct image_store *s, const char *id, struct cr_error *err)
{
	cleanup_free char *rel = cr_xasprintf("records/%s", id);

	if (!image_is_hex64(id))
		return cr_fail(err, EINVAL, "image id %.80s is not 64 hex digits", id);
	if (unlinkat(s->root_fd, rel, 0) < 0 && errno != ENOENT)
		return cr_fail(err, errno, "delete %s/%s", s->root, rel);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in ROOT/rel that pass keep (sorted, NULL-terminated). */
static char **list_dir(const struct image_store *s, const char *rel, bool (*keep)(const char *),
		       size_t *n)
{
	int fd = image_store_openat(s, rel, O_RDONLY | O_DIRECTORY, 0);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	char **v = cr_xcalloc(1, sizeof(*v));
	struct dirent *e;

	*n = 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return v;
	}
	while ((e = readdir(d))) {
		if (!keep(e->d_name))
			continue;
		v = cr_xrealloc(v, (*n + 2) * sizeof(*v));
		v[(*n)++] = cr_xstrdup(e->d_name);
		v[*n] = NULL;
	}
	closedir(d);
	qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

char **image_record_list(const struct image_store *s, size_t *n)
{
	return list_dir(s, "records", image_is_hex64, n);
}

void image_names_free(struct image_name *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i].name);
	free(names);
}

int image_repos_read(const struct image_store *s, struct image_name **names, size_t *n,
		     struct cr_error *err)
{
	cleanup_free char *text = NULL;
	char *save = NULL;

	*names = NULL;
	*n = 0;
	text = read_store_file(s, "repositories", REPOS_MAX, err);
	if (!text) {
		if (err->errnum == ENOENT)
			return 0;
		return -1;
	}
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(line, ' ');

		if (!sp || sp == line || !image_is_hex64(sp + 1))
			continue;
		*sp = '\0';
		*names = cr_xrealloc(*names, (*n + 1) * sizeof(**names));
		(*names)[*n].name = cr_xstrdup(line);
		memcpy((*names)[*n].id, sp + 1, IMAGE_HEX_LEN + 1);
		(*n)++;
	}
	return 0;
}

/* Rewrites repositories: every line but name's, then "name id" when id is not NULL. */
static int repos_rewrite(struct image_store *s, const char *name, const char *id, int *found,
			 struct cr_error *err)
{
	struct image_name *v = NULL;
	size_t n = 0, len = 0;
	cleanup_free char *out = cr_xstrdup("");
	bool held = s->names_fd >= 0;
	int ret = -1;

	*found = 0;
	if (!held && image_store_names_lock(s, err) < 0)
		return -1;
	if (image_repos_read(s, &v, &n, err) < 0)
		goto done;
	for (size_t i = 0; i <= n; i++) {
		const char *nm = i < n ? v[i].name : name;
		const char *idv = i < n ? v[i].id : id;
		size_t need;

		if (i < n && !strcmp(v[i].name, name)) {
			*found = 1;
			continue;
		}
		if (!idv)
			continue;
		need = strlen(nm) + IMAGE_HEX_LEN + 3;
		out = cr_xrealloc(out, len + need);
		len += (size_t)snprintf(out + len, need, "%s %s\n", nm, idv);
	}
	ret = replace_file(s, "repositories", out, len, err);
done:
	image_names_free(v, n);
	if (!held)
		image_store_names_unlock(s);
	return ret;
}

int image_repos_set(struct image_store *s, const char *name, const char *id, struct cr_error *err)
{
	int found;

	if (!image_is_hex64(id))
		return cr_fail(err, EINVAL, "image id %.80s is not 64 hex digits", id);
	if (!*name || strchr(name, ' ') || strchr(name, '\n'))
		return cr_fail(err, EINVAL, "image name %.80s has a space or a newline", name);
	return repos_rewrite(s, name, id, &found, err);
}

int image_repos_remove(struct image_store *s, const char *name, struct cr_error *err)
{
	int found;

	if (repos_rewrite(s, name, NULL, &found, err) < 0)
		return -1;
	return found;
}

/* Fails as docker's "No such image", with the hint to pull it. */
static int not_known(const char *arg, struct cr_error *err)
{
	char cut[CR_CUT_SIZE];

	cr_fail(err, 0, "image %s not known", cr_cut(arg, cut, sizeof(cut)));
	return cr_hint(err, "pull it with `conti-rootless pull %s`", cr_cut(arg, cut, sizeof(cut)));
}

int image_store_resolve(const struct image_store *s, const char *arg, char id[IMAGE_HEX_LEN + 1],
			char *matched, size_t len, struct cr_error *err)
{
	struct image_name *v = NULL;
	size_t n = 0, nrec = 0, tlen = 0;
	struct cr_strv ids = {0};
	struct image_ref want;
	struct cr_error ignored;
	char name[IMAGE_NAME_LEN];
	cleanup_free char *repos = cr_xstrdup("");
	char **recs;
	int ret;

	if (matched && len)
		matched[0] = '\0';
	if (image_repos_read(s, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t need = strlen(v[i].name) + IMAGE_HEX_LEN + 3;

		repos = cr_xrealloc(repos, tlen + need);
		tlen += (size_t)snprintf(repos + tlen, need, "%s %s\n", v[i].name, v[i].id);
	}
	image_names_free(v, n);
	recs = image_record_list(s, &nrec);
	for (size_t i = 0; i < nrec; i++) {
		ids.v = cr_xrealloc(ids.v, (i + 1) * sizeof(*ids.v));
		ids.v[ids.n++] = recs[i];
	}
	free(recs);
	ret = image_find(repos, &ids, arg, id, name, sizeof(name), err);
	strv_free(&ids);
	if (ret == 0)
		return not_known(arg, err);
	/* matched: the name when one was named (rmi NAME untags it), "" for an id */
	if (ret == 1 && matched && image_ref_parse(arg, &want, &ignored) == 0 &&
	    image_ref_matches(&want, name))
		snprintf(matched, len, "%s", name);
	return ret == 1 ? 0 : -1;
}

char *image_layer_path(const struct image_store *s, const char *hex)
{
	return cr_xasprintf("%s/layers/%s", s->root, hex);
}

bool image_layer_exists(const struct image_store *s, const char *hex)
{
	cleanup_free char *rel = cr_xasprintf("layers/%s", hex);
	cleanup_close int fd = -1;

	if (!image_is_hex64(hex))
		return false;
	fd = image_store_openat(s, rel, O_PATH | O_DIRECTORY, 0);
	return fd >= 0;
}

int image_store_remove(const struct image_store *s, const char *rel, struct cr_error *err)
{
	cleanup_free char *dir = cr_xstrdup(rel);
	cleanup_close int dfd = -1;
	char *base = strrchr(dir, '/');

	if (!base || base == dir || !base[1] || !strcmp(base + 1, ".") || !strcmp(base + 1, ".."))
		return cr_fail(err, EINVAL, "remove %s/%s: not DIR/NAME of the store", s->root,
			       rel);
	*base++ = '\0';
	dfd = image_store_openat(s, dir, O_RDONLY | O_DIRECTORY, 0);
	if (dfd < 0) {
		cr_fail(err, errno, "open %s/%s", s->root, dir);
		if (errno == ELOOP || errno == EXDEV)
			cr_hint(err, "it is not a directory conti-rootless made: move it out of "
				     "the way");
		return -1;
	}
	return cr_rm_rf_at(dfd, base, err);
}

int image_store_mkdtemp(const struct image_store *s, const char *prefix, char **path,
			struct cr_error *err)
{
	for (int i = 0; i < 100; i++) {
		unsigned long long r = 0;
		cleanup_free char *rel = NULL;

		if (getrandom(&r, sizeof(r), 0) < 0)
			r = cr_now_ns() + (unsigned long long)i;
		rel = cr_xasprintf("tmp/%s-%06llx", prefix, r & 0xffffff);
		if (mkdirat(s->root_fd, rel, 0700) == 0) {
			*path = image_store_path(s, rel);
			return 0;
		}
		if (errno != EEXIST)
			return cr_fail(err, errno, "mkdir %s/%s", s->root, rel);
	}
	return cr_fail(err, EEXIST, "mkdir %s/tmp/%s-*: no free name", s->root, prefix);
}

/* image_userns_step with the step's stdout on out_fd (-1: ours). */
static int userns_step(const char *op, const char *const *args, int in_fd, int out_fd,
		       struct cr_error *err)
{
	const char *bin = getenv("CONTI_ROOTLESS_BIN");
	char self[4096];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int pipefd[2];
	size_t nargs = 0;
	pid_t pid;
	int status;
	char msg[sizeof(err->msg) + sizeof(err->hint) + 2];
	ssize_t got = 0;

	if (!bin || bin[0] != '/') {
		cr_fail(err, 0, "CONTI_ROOTLESS_BIN is not set to the front end's absolute path");
		return cr_hint(err, "run image commands through conti-rootless, not this helper");
	}
	if (sl <= 0)
		return cr_fail(err, errno, "readlink /proc/self/exe");
	self[sl] = '\0';
	while (args && args[nargs])
		nargs++;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return cr_fail(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return cr_fail(err, errno, "fork");
	}
	if (pid == 0) {
		const char **argv = cr_xcalloc(nargs + 6, sizeof(*argv));
		char num[16];
		int wfd = fcntl(pipefd[1], F_DUPFD, 10);

		argv[0] = bin;
		argv[1] = "unshare";
		argv[2] = self;
		argv[3] = "--userns-step";
		argv[4] = op;
		for (size_t i = 0; i < nargs; i++)
			argv[5 + i] = args[i];
		snprintf(num, sizeof(num), "%d", wfd);
		setenv(STEP_ERR_ENV, num, 1);
		snprintf(num, sizeof(num), "%d", (int)getppid());
		setenv(IMAGE_STEP_PARENT_ENV, num, 1);
		if (in_fd >= 0 && dup2(in_fd, 0) < 0)
			_exit(CR_EXIT_TOOL);
		if (out_fd >= 0 && dup2(out_fd, 1) < 0)
			_exit(CR_EXIT_TOOL);
		execv(bin, (char *const *)argv);
		_exit(CR_EXIT_NOT_FOUND);
	}
	close(pipefd[1]);
	for (;;) {
		ssize_t r = read(pipefd[0], msg + got, sizeof(msg) - 1 - (size_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
		if ((size_t)got == sizeof(msg) - 1)
			break;
	}
	msg[got] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return cr_fail(err, errno, "waitpid");
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (got > 0) {
		char *sep = strchr(msg, '\x1f');

		if (sep)
			*sep = '\0';
		cr_fail(err, 0, "%s", msg);
		if (sep && sep[1])
			cr_hint(err, "%s", sep + 1);
		return -1;
	}
	if (WIFSIGNALED(status))
		return cr_fail(err, 0, "%s step in the user namespace killed by signal %d", op,
			       WTERMSIG(status));
	cr_fail(err, 0, "%s step in the user namespace failed (exit %d)", op, WEXITSTATUS(status));
	return cr_hint(err, "see the message above; `conti-rootless check` tells what is missing");
}

int image_userns_step(const char *op, const char *const *args, int in_fd, struct cr_error *err)
{
	return userns_step(op, args, in_fd, -1, err);
}

char *image_userns_step_output(const char *op, const char *const *args, size_t max,
			       struct cr_error *err)
{
	cleanup_close int fd = memfd_create("step-output", MFD_CLOEXEC);

	if (fd < 0) {
		cr_fail(err, errno, "memfd_create");
		return NULL;
	}
	if (userns_step(op, args, -1, fd, err) < 0)
		return NULL;
	if (lseek(fd, 0, SEEK_SET) < 0) {
		cr_fail(err, errno, "lseek");
		return NULL;
	}
	return read_all_fd(fd, max, NULL, "the step's output", err);
}

void image_step_report(const struct cr_error *err)
{
	const char *e = getenv(STEP_ERR_ENV);
	unsigned long fd;
	char buf[sizeof(err->msg) + sizeof(err->hint) + 2];
	int n;

	if (!e || !cr_parse_ulong(e, &fd) || fd < 3 || fd > 1024) {
		cr_error_print(err);
		return;
	}
	if (err->errnum)
		n = snprintf(buf, sizeof(buf), "%s: %s\x1f%s", err->msg, strerror(err->errnum),
			     err->hint);
	else
		n = snprintf(buf, sizeof(buf), "%s\x1f%s", err->msg, err->hint);
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	if (cr_write_all((int)fd, buf, (size_t)n) < 0)
		cr_error_print(err);
}

/* True when config text has a line key=value. */
static bool has_line(const char *text, const char *key, const char *value)
{
	size_t kl = strlen(key), vl = strlen(value);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, key, kl) && p[kl] == '=' && !strncmp(p + kl + 1, value, vl) &&
		    (p[kl + 1 + vl] == '\n' || p[kl + 1 + vl] == '\0'))
			return true;
	}
	return false;
}

char **image_containers_using(const struct image_store *s, const char *id, const char *layer)
{
	cleanup_free char *data = cr_xstrdup(s->root);
	cleanup_free char *dir = NULL;
	char **v = cr_xcalloc(1, sizeof(*v));
	size_t n = 0;
	DIR *d;
	struct dirent *e;

	*strrchr(data, '/') = '\0';
	dir = cr_xasprintf("%s/containers", data);
	d = opendir(dir);
	if (!d)
		return v;
	while ((e = readdir(d))) {
		cleanup_close int fd = -1;
		cleanup_free char *text = NULL;
		struct cr_error ignored;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		{
			cleanup_close int cfd =
			    openat(fd, "config", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

			if (cfd < 0 || fstat(cfd, &st) < 0 || !S_ISREG(st.st_mode))
				continue;
			text = read_all_fd(cfd, RECORD_MAX, NULL, "config", &ignored);
		}
		if (!text)
			continue;
		if ((id && has_line(text, "image", id)) ||
		    (layer && has_line(text, "layer", layer))) {
			v = cr_xrealloc(v, (n + 2) * sizeof(*v));
			v[n++] = cr_xstrdup(e->d_name);
			v[n] = NULL;
		}
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

/* True for what collection deletes in layers/: .tmp-* (a killed unpack). */
static bool is_tmp_layer(const char *name)
{
	return !strncmp(name, ".tmp-", 5);
}

static bool is_any(const char *name)
{
	return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static bool is_size_file(const char *name)
{
	size_t l = strlen(name);

	return l == IMAGE_HEX_LEN + 5 && !strcmp(name + IMAGE_HEX_LEN, ".size");
}

/* A temp file of replace_file (NAME.tmp-XXXXXX) a killed command left. */
static bool is_tmp_file(const char *name)
{
	const char *t = strstr(name, ".tmp-");

	return t && t != name && strlen(t) == 11;
}

static bool is_repos_tmp(const char *name)
{
	return !strncmp(name, "repositories.tmp-", 17) && strlen(name) == 23;
}

/* Deletes the temp files of record and repositories writes killed midway, under names.lock
 * (every writer of those holds it). */
static void collect_tmp_files(struct image_store *s)
{
	static const struct {
		const char *dir;
		bool (*keep)(const char *);
	} where[] = {{"records", is_tmp_file}, {".", is_repos_tmp}};
	bool held = s->names_fd >= 0;
	struct cr_error ignored;

	if (!held && image_store_names_lock(s, &ignored) < 0)
		return;
	for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
		size_t n = 0;
		char **v = list_dir(s, where[w].dir, where[w].keep, &n);
		cleanup_close int dfd =
		    image_store_openat(s, where[w].dir, O_RDONLY | O_DIRECTORY, 0);

		for (size_t i = 0; dfd >= 0 && i < n; i++)
			unlinkat(dfd, v[i], 0);
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
	}
	if (!held)
		image_store_names_unlock(s);
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int image_store_collect(struct image_store *s, struct cr_error *err)
{
	size_t nt = 0, nl = 0, ns = 0, na = 0;
	char **tmp = list_dir(s, "tmp", is_any, &nt);
	char **layers = list_dir(s, "layers", is_tmp_layer, &nl);
	char **sizes = list_dir(s, "layers", is_size_file, &ns);
	const char **args = cr_xcalloc(nt + nl + 2, sizeof(*args));
	int ret = 0;

	args[na++] = s->root;
	for (size_t i = 0; i < nt; i++)
		args[na++] = cr_xasprintf("tmp/%s", tmp[i]);
	for (size_t i = 0; i < nl; i++) {
		/* A .tmp-*.size file is the user's; a .tmp-* dir the namespace's. */
		if (strstr(layers[i], ".size")) {
			cleanup_free char *rel = cr_xasprintf("layers/%s", layers[i]);

			unlinkat(s->root_fd, rel, 0);
			continue;
		}
		args[na++] = cr_xasprintf("layers/%s", layers[i]);
	}
	for (size_t i = 0; i < ns; i++) {
		char hex[IMAGE_HEX_LEN + 1];

		memcpy(hex, sizes[i], IMAGE_HEX_LEN);
		hex[IMAGE_HEX_LEN] = '\0';
		if (!image_layer_exists(s, hex)) {
			cleanup_free char *rel = cr_xasprintf("layers/%s", sizes[i]);

			unlinkat(s->root_fd, rel, 0);
		}
	}
	collect_tmp_files(s);
	if (na > 1)
		ret = image_userns_step("rm", args, -1, err);
	for (size_t i = 1; i < na; i++)
		free((char *)args[i]);
	free(args);
	free_list(tmp, nt);
	free_list(layers, nl);
	free_list(sizes, ns);
	return ret;
}

int image_store_lock_shared_collect(struct image_store *s, struct cr_error *err)
{
	if (take_lock(s, "lock", &s->lock_fd, LOCK_EX | LOCK_NB, err) == 0) {
		struct cr_error ignored = {0};

		/* Best effort: a failure to collect must not fail the caller's work. */
		image_store_collect(s, &ignored);
		if (take_lock(s, "lock", &s->lock_fd, LOCK_SH, err) < 0)
			return -1;
		return 1;
	}
	if (err->errnum != EWOULDBLOCK)
		return -1;
	return image_store_lock(s, false, err) < 0 ? -1 : 0;
}

unsigned long long image_layer_size(const struct image_store *s, const char *hex)
{
	cleanup_free char *rel = cr_xasprintf("layers/%s.size", hex);
	struct cr_error ignored;
	cleanup_free char *text = NULL;
	unsigned long long n = 0;

	if (!image_is_hex64(hex))
		return 0;
	text = read_store_file(s, rel, 64, &ignored);
	if (text)
		n = strtoull(text, NULL, 10);
	return n;
}
