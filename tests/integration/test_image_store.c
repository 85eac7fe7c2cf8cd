/* test_image_store.c - the image store as the user sees it through the image helper
 * (conti-rootless-image, run with CONTI_ROOTLESS_BIN as the front end runs it): pull of an
 * OCI layout (built once per run with umoci, tests/integration/image-layout.sh), the layer
 * dirs it makes (whiteouts, opaque dirs, owners in the user namespace), hostile layers
 * refused leaving nothing, a killed unpack leaving nothing used, a corrupted blob refused,
 * shared layers, images/rmi/prune. */
#include <check.h>
#include <stdarg.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static char *layout_dir; /* the test images: LAYOUT/oci, LAYOUT/outside */

static char *helper(void)
{
	char *bin = h_strf("%s", h_conti_bin());

	return h_strf("%s/helpers/conti-rootless-image", dirname(bin));
}

/* Runs the image helper with args (NULL-terminated), as the front end would. */
static void img(struct h_result *r, const char *input, ...)
{
	char *argv[32], *env0 = h_strf("CONTI_ROOTLESS_BIN=%s", h_conti_bin());
	const char *env[] = {env0, NULL};
	struct h_opts o = {.input = input, .env = env, .timeout_ms = 120000};
	size_t n = 0;
	va_list ap;

	argv[n++] = helper();
	va_start(ap, input);
	while (n < 31 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	h_run(r, &o, argv);
	free(argv[0]);
	free(env0);
}

static char *store(const char *rel)
{
	return h_strf("%s/conti-rootless/images/%s", H.data, rel);
}

static char *src(const char *tag)
{
	return h_strf("oci:%s/oci:%s", layout_dir, tag);
}

/* Pulls tag, asserting success; returns the id (caller frees). */
static char *pull_ok(const char *tag)
{
	struct h_result r;
	char *s = src(tag), *id;

	img(&r, NULL, "pull", "-q", s, NULL);
	ck_assert_msg(r.status == 0, "pull %s: %d %s", tag, r.status, r.err);
	id = h_line(r.out, h_count_lines(r.out) - 1);
	ck_assert_int_eq(strlen(id), 64);
	h_result_free(&r);
	free(s);
	return id;
}

/* The layer= values of a record, base first (NULL-terminated, caller frees). */
static char **record_layers(const char *id, size_t *n)
{
	char *rel = h_strf("records/%s", id), *path = store(rel), *text = h_read_file(path);
	char **v = calloc(64, sizeof(*v));

	ck_assert_msg(text, "no record %s", path);
	*n = 0;
	for (char *p = text; (p = strstr(p, "layer=")); p += 6) {
		if (p != text && p[-1] != '\n')
			continue;
		v[(*n)++] = h_strf("%.64s", p + 6);
	}
	free(rel);
	free(path);
	free(text);
	return v;
}

static char *layer_file(const char *layer, const char *rel)
{
	char *r = h_strf("layers/%s/%s", layer, rel), *p = store(r);

	free(r);
	return p;
}

/* Entries of layers/ that are dirs (HEX or .tmp-*), counted by kind. */
static void count_layers(int *done, int *tmp)
{
	char *dir = store("layers");
	DIR *d = opendir(dir);
	struct dirent *e;

	*done = *tmp = 0;
	while (d && (e = readdir(d))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strncmp(e->d_name, ".tmp-", 5))
			(*tmp)++;
		else
			(*done)++;
	}
	if (d)
		closedir(d);
	free(dir);
}

/* The output of `conti-rootless unshare stat -c FMT path` (caller frees). */
static char *stat_in_userns(const char *fmt, const char *path)
{
	struct h_result r;
	char *line;

	h_conti(&r, NULL, "unshare", "stat", "-c", fmt, path, NULL);
	ck_assert_msg(r.status == 0, "stat %s: %s", path, r.err);
	line = h_line(r.out, 0);
	h_result_free(&r);
	return line;
}

static void setup(void)
{
	h_setup();
}

/* The store holds files of other ids: removed from inside the user namespace first. */
static void teardown(void)
{
	if (H.data) {
		struct h_result r;
		char *s = h_strf("%s/conti-rootless/images", H.data);

		h_conti(&r, NULL, "unshare", "rm", "-rf", s, NULL);
		h_result_free(&r);
		free(s);
	}
	h_teardown();
}

static TCase *tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, h_case_setup, h_case_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	return tc;
}

/* Three layers: the whiteout is a 0/0 char device in layer 2, the opaque dir carries the
 * xattrs overlayfs and fuse-overlayfs read, owners and modes are the tar's inside the user
 * namespace, a device is skipped with one note, xattrs of the overlay's own are dropped. */
START_TEST(pull_layers)
{
	struct h_result r;
	char *s = src("three"), *id, **layers, *p, *line;
	char val[16];
	struct stat st, st2;
	size_t n;
	int done, tmp;

	img(&r, NULL, "pull", s, NULL);
	ck_assert_msg(r.status == 0, "pull: %s", r.err);
	ck_assert_msg(strstr(r.err, "1 device node skipped"), "no device note: %s", r.err);
	id = h_line(r.out, h_count_lines(r.out) - 1);
	h_result_free(&r);
	layers = record_layers(id, &n);
	ck_assert_int_eq(n, 3);
	count_layers(&done, &tmp);
	ck_assert_int_eq(done, 3);
	ck_assert_int_eq(tmp, 0);
	/* Layer 2 deletes etc/gone.txt: a whiteout. */
	p = layer_file(layers[1], "etc/gone.txt");
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert_msg(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0), "%s: not a whiteout", p);
	free(p);
	/* Layer 3 makes opt/d opaque. */
	p = layer_file(layers[2], "opt/d");
	ck_assert_int_eq(lgetxattr(p, "user.overlay.opaque", val, sizeof(val)), 1);
	ck_assert_int_eq(val[0], 'y');
	/* only the kernel's xattr, which fuse-overlayfs reads too: fuse-overlayfs's own would be
	 * copied up by the kernel overlay and make a commit's layer opaque */
	ck_assert_int_eq(lgetxattr(p, "user.fuseoverlayfs.opaque", val, sizeof(val)), -1);
	free(p);
	p = layer_file(layers[2], "opt/d/.wh..wh..opq");
	ck_assert_msg(!h_exists(p), "the opaque marker was unpacked as a file");
	free(p);
	/* Owners as in the tar, inside the user namespace; setuid kept; hard link kept. */
	p = layer_file(layers[2], "srv/www-data");
	line = stat_in_userns("%u:%g", p);
	ck_assert_str_eq(line, "33:33");
	free(line);
	free(p);
	p = layer_file(layers[2], "bin/suid-tool");
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 04755);
	free(p);
	p = layer_file(layers[2], "bin/suid-link");
	ck_assert_int_eq(stat(p, &st2), 0);
	ck_assert_int_eq(st.st_ino, st2.st_ino);
	free(p);
	p = h_strf("long/%0150d", 0);
	for (char *c = p + 5; *c; c++)
		*c = 'n';
	{
		char *f = layer_file(layers[2], p);

		ck_assert_msg(h_exists(f), "the long name is missing");
		free(f);
	}
	free(p);
	p = layer_file(layers[2], "run-fifo");
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	free(p);
	p = layer_file(layers[2], "dev-null");
	ck_assert_msg(!h_exists(p), "a device node was made");
	free(p);
	p = layer_file(layers[2], "xattr-file");
	ck_assert_int_eq(lgetxattr(p, "user.test", val, sizeof(val)), 4);
	ck_assert_int_lt(lgetxattr(p, "user.overlay.redirect", val, sizeof(val)), 0);
	free(p);
	p = layer_file(layers[2], "etc/motd-link");
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	free(p);
	/* The record: the image's config. */
	{
		char *rel = h_strf("records/%s", id), *rp = store(rel), *text = h_read_file(rp);

		ck_assert_ptr_nonnull(strstr(text, "\narg=/bin/sh\n"));
		ck_assert_ptr_nonnull(strstr(text, "\nenv=PATH=/bin:/usr/bin\n"));
		ck_assert_ptr_nonnull(strstr(text, "\ncwd=/opt\n"));
		ck_assert_ptr_nonnull(strstr(text, "\nlabel=org.test=yes\n"));
		free(rel);
		free(rp);
		free(text);
	}
	for (size_t i = 0; i < n; i++)
		free(layers[i]);
	free(layers);
	free(id);
	free(s);
}
END_TEST

/* Escaping entries (../, absolute, through a symlink, a hard link out) are refused with one
 * line, and leave no layer, no .tmp-* dir, no record, no name, nothing outside. */
START_TEST(pull_refuses_escapes)
{
	static const char *const tags[] = {"dotdot", "absolute", "symlink", "hardlink"};

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		struct h_result r;
		char *s = src(tags[i]), *line, *recs = store("records"), *out;
		int done, tmp;

		img(&r, NULL, "pull", "-q", s, NULL);
		ck_assert_msg(r.status == 125, "%s: status %d, %s", tags[i], r.status, r.err);
		line = h_error_line(&r);
		ck_assert_msg(strstr(line, "refused") || strstr(line, "symbolic link") ||
				  strstr(line, "symlink"),
			      "%s: %s", tags[i], line);
		ck_assert_str_eq(r.out, "");
		count_layers(&done, &tmp);
		ck_assert_msg(done == 0 && tmp == 0, "%s: layers left: %d + %d tmp", tags[i], done,
			      tmp);
		ck_assert_int_eq(h_count_entries(recs), 0);
		out = h_strf("%s/outside/evil", layout_dir);
		ck_assert_msg(!h_exists(out), "%s: wrote through the symlink", tags[i]);
		free(out);
		out = store("evil");
		ck_assert(!h_exists(out));
		free(out);
		out = store("layers/evil");
		ck_assert(!h_exists(out));
		free(out);
		ck_assert(!h_exists("/abs-evil"));
		free(line);
		free(recs);
		free(s);
		h_result_free(&r);
	}
}
END_TEST

/* A file owned by an id the user namespace does not map: one line with the fix, nothing
 * left. */
START_TEST(pull_refuses_unmapped_owner)
{
	struct h_result r;
	char *s = src("unmapped"), *line;
	int done, tmp;

	img(&r, NULL, "pull", "-q", s, NULL);
	ck_assert_int_eq(r.status, 125);
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "does not map") && strstr(line, "/etc/subuid"), "%s", line);
	count_layers(&done, &tmp);
	ck_assert_int_eq(done + tmp, 0);
	free(line);
	free(s);
	h_result_free(&r);
}
END_TEST

/* A blob in the store whose content does not match its digest (skopeo then reuses it) is
 * refused and deleted; the next pull fetches it again and works. */
START_TEST(pull_refuses_corrupted_blob)
{
	struct h_result r;
	char *s = src("base"), *idx, *text, *line;
	char *blob = NULL;

	/* Find the base layer's blob in the layout: the largest file. */
	{
		char *dir = h_strf("%s/oci/blobs/sha256", layout_dir);
		DIR *d = opendir(dir);
		struct dirent *e;
		off_t best = 0;
		char *bp;

		while ((e = readdir(d))) {
			struct stat st;

			if (e->d_name[0] == '.')
				continue;
			bp = h_strf("%s/%s", dir, e->d_name);
			/* The big test layer is larger still: it is not in "base". */
			if (stat(bp, &st) == 0 && st.st_size > best && st.st_size < 8 << 20) {
				best = st.st_size;
				free(blob);
				blob = h_strf("%s", e->d_name);
			}
			free(bp);
		}
		closedir(d);
		free(dir);
	}
	ck_assert_ptr_nonnull(blob);
	{
		char *rel = h_strf("blobs/sha256/%s", blob), *dst = store(rel);
		char *bs = store("blobs/sha256");

		img(&r, NULL, "images", NULL); /* makes the store */
		h_result_free(&r);
		ck_assert_int_eq(access(bs, F_OK), 0);
		h_write_file(dst, "not the layer\n", 0644);
		img(&r, NULL, "pull", "-q", s, NULL);
		ck_assert_msg(r.status == 125, "status %d: %s", r.status, r.err);
		line = h_error_line(&r);
		ck_assert_msg(strstr(line, "corrupted"), "%s", line);
		ck_assert_msg(!h_exists(dst), "the corrupted blob was kept");
		free(line);
		h_result_free(&r);
		{
			int done, tmp;

			count_layers(&done, &tmp);
			ck_assert_int_eq(done + tmp, 0);
		}
		free(pull_ok("base"));
		free(rel);
		free(dst);
		free(bs);
	}
	idx = store("repositories");
	text = h_read_file(idx);
	ck_assert_ptr_nonnull(strstr(text, ":base "));
	free(text);
	free(idx);
	free(blob);
	free(s);
}
END_TEST

/* Two images on one base store the base once; rmi of one keeps what the other uses, rmi
 * of the last deletes every layer, blob and record. */
START_TEST(shared_layers_and_rmi)
{
	char *a = pull_ok("three"), *b = pull_ok("other"), *p;
	struct h_result r;
	int done, tmp;
	size_t na, nb;
	char **la = record_layers(a, &na), **lb = record_layers(b, &nb);

	ck_assert_str_eq(la[0], lb[0]);
	count_layers(&done, &tmp);
	ck_assert_int_eq(done, 4); /* base, whiteout, top, other */
	img(&r, NULL, "images", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(h_count_lines(r.out), 3);
	ck_assert_ptr_nonnull(strstr(r.out, "REPOSITORY"));
	ck_assert_ptr_nonnull(strstr(r.out, "three"));
	h_result_free(&r);
	{
		char *name = h_strf("%.12s", a);

		img(&r, NULL, "rmi", name, NULL);
		ck_assert_msg(r.status == 0, "%s", r.err);
		ck_assert_ptr_nonnull(strstr(r.out, "Untagged: "));
		h_result_free(&r);
		free(name);
	}
	count_layers(&done, &tmp);
	ck_assert_int_eq(done, 2);
	p = layer_file(lb[0], "bin/busybox");
	ck_assert(h_exists(p));
	free(p);
	img(&r, NULL, "rmi", b, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	h_result_free(&r);
	count_layers(&done, &tmp);
	ck_assert_int_eq(done, 0);
	p = store("blobs/sha256");
	ck_assert_int_eq(h_count_entries(p), 0);
	free(p);
	p = store("records");
	ck_assert_int_eq(h_count_entries(p), 0);
	free(p);
	img(&r, NULL, "rmi", "nothing-here", NULL);
	ck_assert_int_eq(r.status, 125);
	free(h_error_line(&r));
	h_result_free(&r);
	for (size_t i = 0; i < na; i++)
		free(la[i]);
	for (size_t i = 0; i < nb; i++)
		free(lb[i]);
	free(la);
	free(lb);
	free(a);
	free(b);
}
END_TEST

/* rmi refuses an image a container's config names (docker's conflict, exit 1) and deletes
 * nothing; image prune -a keeps it too. */
START_TEST(rmi_refuses_used_image)
{
	char *id = pull_ok("base"), *dir = h_strf("%s/conti-rootless/containers/user1", H.data);
	char *cfg = h_strf("%s/config", dir), *text = h_strf("name=user1\nimage=%s\n", id);
	struct h_result r;
	int done, tmp;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	h_write_file(cfg, text, 0600);
	img(&r, NULL, "rmi", id, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "conflict"));
	ck_assert_ptr_nonnull(strstr(r.err, "user1"));
	h_result_free(&r);
	img(&r, NULL, "image", "prune", "-a", "-f", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "Total reclaimed space: 0B"));
	h_result_free(&r);
	count_layers(&done, &tmp);
	ck_assert_int_eq(done, 1);
	unlink(cfg);
	rmdir(dir);
	/* Without the container, prune -a (answered y on stdin) takes it. */
	img(&r, "y\n", "image", "prune", "-a", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "WARNING!"));
	ck_assert_ptr_nonnull(strstr(r.out, "deleted: sha256:"));
	h_result_free(&r);
	count_layers(&done, &tmp);
	ck_assert_int_eq(done, 0);
	free(id);
	free(dir);
	free(cfg);
	free(text);
}
END_TEST

/* SIGKILL of the unpack step midway leaves only a .tmp-* dir: no layer, no record, no
 * name; the next pull (finding the store idle) deletes it and unpacks the layer whole. */
START_TEST(killed_unpack_leaves_nothing_used)
{
	char *s = src("big"), *hlp = helper(),
	     *env0 = h_strf("CONTI_ROOTLESS_BIN=%s", h_conti_bin());
	char *argv[] = {hlp, "pull", "-q", s, NULL};
	const char *env[] = {env0, NULL};
	struct h_opts o = {.env = env, .timeout_ms = 120000};
	struct h_proc p;
	struct h_result r;
	int done = 0, tmp = 0, killed = 0;
	long long deadline = h_mono_ms() + 60000;
	char *recs = store("records"), *repos = store("repositories"), *id;

	h_spawn(&p, argv, &o);
	while (h_mono_ms() < deadline) {
		struct timespec ts = {0, 5 * 1000000};

		count_layers(&done, &tmp);
		if (tmp) {
			nanosleep(&ts, NULL);
			nanosleep(&ts, NULL);
			killed = h_kill_procs("--userns-step");
			break;
		}
		nanosleep(&ts, NULL);
	}
	ck_assert_msg(killed > 0, "the unpack step was never seen (tmp %d done %d)", tmp, done);
	h_finish(&p, &r, 60000);
	ck_assert_int_eq(r.status, 125);
	h_result_free(&r);
	count_layers(&done, &tmp);
	ck_assert_int_eq(done, 0);
	ck_assert_int_eq(tmp, 1);
	ck_assert_int_eq(h_count_entries(recs), 0);
	{
		char *text = h_read_file(repos);

		ck_assert_msg(!text || !strstr(text, ":big "), "the name was set");
		free(text);
	}
	id = pull_ok("big");
	count_layers(&done, &tmp);
	ck_assert_int_eq(done, 1);
	ck_assert_int_eq(tmp, 0);
	{
		size_t n;
		char **l = record_layers(id, &n);
		char *f = layer_file(l[0], "big/7");
		struct stat st;

		ck_assert_int_eq(stat(f, &st), 0);
		ck_assert_int_gt(st.st_size, 1 << 20);
		free(f);
		free(l[0]);
		free(l);
	}
	free(id);
	free(recs);
	free(repos);
	free(s);
	free(hlp);
	free(env0);
}
END_TEST

/* SIGKILL of the helper and skopeo while skopeo copies leaves a work dir under tmp/ and
 * no record, name or layer; the next pull collects the work dir and succeeds. */
START_TEST(killed_pull_leaves_nothing_used)
{
	char *s = src("big"), *hlp = helper(),
	     *env0 = h_strf("CONTI_ROOTLESS_BIN=%s", h_conti_bin());
	char *argv[] = {hlp, "pull", "-q", s, NULL};
	const char *env[] = {env0, NULL};
	struct h_opts o = {.env = env, .timeout_ms = 120000};
	char *tmpdir = store("tmp"), *recs = store("records"), *id;
	long long deadline = h_mono_ms() + 60000;
	struct h_proc p;
	struct h_result r;
	int killed = 0, done, tmp;

	h_spawn(&p, argv, &o);
	while (h_mono_ms() < deadline && !killed) {
		struct timespec ts = {0, 2 * 1000000};

		if (h_count_entries(tmpdir) > 0 && h_count_procs_mentioning("skopeo") > 0) {
			kill(p.pid, SIGKILL);
			killed = h_kill_procs("--dest-shared-blob-dir") + 1;
		}
		nanosleep(&ts, NULL);
	}
	ck_assert_msg(killed, "skopeo was never seen running");
	h_finish(&p, &r, 60000);
	ck_assert_int_eq(r.status, 128 + SIGKILL);
	h_result_free(&r);
	ck_assert_int_eq(h_count_entries(recs), 0);
	count_layers(&done, &tmp);
	ck_assert_int_eq(done + tmp, 0);
	id = pull_ok("big");
	ck_assert_int_eq(h_count_entries(tmpdir), 0);
	count_layers(&done, &tmp);
	ck_assert_int_eq(done, 1);
	free(id);
	free(tmpdir);
	free(recs);
	free(s);
	free(hlp);
	free(env0);
}
END_TEST

/* Two pulls of one image at once both succeed with the same id and one set of layers. */
START_TEST(concurrent_pulls)
{
	char *s = src("three"), *hlp = helper(),
	     *env0 = h_strf("CONTI_ROOTLESS_BIN=%s", h_conti_bin());
	char *argv[] = {hlp, "pull", "-q", s, NULL};
	const char *env[] = {env0, NULL};
	struct h_opts o = {.env = env, .timeout_ms = 120000};
	struct h_proc p1, p2;
	struct h_result r1, r2;
	int done, tmp;

	h_spawn(&p1, argv, &o);
	h_spawn(&p2, argv, &o);
	h_finish(&p1, &r1, 120000);
	h_finish(&p2, &r2, 120000);
	ck_assert_msg(r1.status == 0 && r2.status == 0, "%s / %s", r1.err, r2.err);
	ck_assert_str_eq(r1.out, r2.out);
	count_layers(&done, &tmp);
	ck_assert_int_eq(done, 3);
	ck_assert_int_eq(tmp, 0);
	h_result_free(&r1);
	h_result_free(&r2);
	free(s);
	free(hlp);
	free(env0);
}
END_TEST

/* images -q / --format json / inspect / tag / system df show what the store holds. */
START_TEST(listing)
{
	char *id = pull_ok("three");
	struct h_result r;
	char *short_id = h_strf("%.12s", id), *ref = h_strf("localhost/oci:three");

	img(&r, NULL, "images", "-q", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, h_strf("%s\n", short_id));
	h_result_free(&r);
	img(&r, NULL, "tag", ref, "mine:v1", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	h_result_free(&r);
	img(&r, NULL, "images", "--format", "json", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"localhost/mine:v1\""));
	ck_assert_ptr_nonnull(strstr(r.out, id));
	h_result_free(&r);
	img(&r, NULL, "image", "inspect", "mine:v1", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "\"Cmd\": [ \"/bin/sh\" ]") ? r.out
									: strstr(r.out, "/bin/sh"));
	ck_assert_ptr_nonnull(strstr(r.out, "\"WorkingDir\": \"/opt\""));
	ck_assert_ptr_nonnull(strstr(r.out, "\"Type\": \"layers\""));
	h_result_free(&r);
	img(&r, NULL, "image", "inspect", "nope:1", NULL);
	ck_assert_int_eq(r.status, 125);
	ck_assert_ptr_nonnull(strstr(r.err, "pull it with"));
	h_result_free(&r);
	img(&r, NULL, "system", "df", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "Images "));
	ck_assert_ptr_nonnull(strstr(r.out, "RECLAIMABLE"));
	h_result_free(&r);
	/* rmi of one name of two only untags. */
	img(&r, NULL, "rmi", "mine:v1", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "Untagged: localhost/mine:v1\n");
	h_result_free(&r);
	free(short_id);
	free(ref);
	free(id);
}
END_TEST

/* docker-archive: and oci-archive: sources (what podman/docker save and skopeo write) are
 * pulled as oci: is; their names come from what they carry (RepoTags, the index's ref
 * name). A short name registries.conf cannot resolve fails with one line naming the fix. */
START_TEST(pull_archives_and_short_names)
{
	char *base = src("base"), *da = h_strf("%s/da.tar", H.base),
	     *oa = h_strf("%s/oa.tar", H.base);
	char *dst = h_strf("docker-archive:%s:example.com/bb:v1", da);
	char *ost = h_strf("oci-archive:%s:v2", oa), *dsrc = h_strf("docker-archive:%s", da);
	char *osrc = h_strf("oci-archive:%s", oa), *conf = h_strf("%s/registries.conf", H.base);
	char *env0 = h_strf("CONTAINERS_REGISTRIES_CONF=%s", conf), *repos, *text;
	char *argv1[] = {"skopeo", "copy", "-q", base, dst, NULL};
	char *argv2[] = {"skopeo", "copy", "-q", base, ost, NULL};
	struct h_result r;

	h_run(&r, NULL, argv1);
	ck_assert_msg(r.status == 0, "%s", r.err);
	h_result_free(&r);
	h_run(&r, NULL, argv2);
	ck_assert_msg(r.status == 0, "%s", r.err);
	h_result_free(&r);
	img(&r, NULL, "pull", "-q", dsrc, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	h_result_free(&r);
	img(&r, NULL, "pull", "-q", osrc, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	h_result_free(&r);
	repos = store("repositories");
	text = h_read_file(repos);
	ck_assert_ptr_nonnull(strstr(text, "example.com/bb:v1 "));
	ck_assert_ptr_nonnull(strstr(text, "localhost/oa:v2 "));
	free(text);
	/* No alias and no search registries: one line and the fix. */
	h_write_file(conf, "# nothing\n[aliases]\n\"other\" = \"example.com/other\"\n", 0644);
	{
		char *b = h_strf("CONTI_ROOTLESS_BIN=%s", h_conti_bin()), *hlp = helper();
		const char *env[] = {b, env0, NULL};
		char *argv[] = {hlp, "pull", "-q", "shortname:1", NULL};
		struct h_opts o = {.env = env};
		char *line;

		h_run(&r, &o, argv);
		ck_assert_int_eq(r.status, 125);
		line = h_error_line(&r);
		ck_assert_ptr_nonnull(strstr(line, "short name"));
		ck_assert_ptr_nonnull(strstr(line, "unqualified-search-registries"));
		free(line);
		h_result_free(&r);
		free(b);
		free(hlp);
	}
	free(repos);
	free(base);
	free(da);
	free(oa);
	free(dst);
	free(ost);
	free(dsrc);
	free(osrc);
	free(conf);
	free(env0);
}
END_TEST

/* A pull and an rmi at once, sharing the base layer: the locks order them, both succeed,
 * and the pulled image keeps every layer it names. */
START_TEST(pull_and_rmi_at_once)
{
	char *a = pull_ok("three"), *s = src("other"), *hlp = helper();
	char *env0 = h_strf("CONTI_ROOTLESS_BIN=%s", h_conti_bin());
	char *argv1[] = {hlp, "pull", "-q", s, NULL}, *argv2[] = {hlp, "rmi", a, NULL};
	const char *env[] = {env0, NULL};
	struct h_opts o = {.env = env, .timeout_ms = 120000};
	struct h_proc p1, p2;
	struct h_result r1, r2;
	char *b, **layers;
	size_t n;

	h_spawn(&p1, argv1, &o);
	h_spawn(&p2, argv2, &o);
	h_finish(&p1, &r1, 120000);
	h_finish(&p2, &r2, 120000);
	ck_assert_msg(r1.status == 0 && r2.status == 0, "%s / %s", r1.err, r2.err);
	b = h_line(r1.out, 0);
	layers = record_layers(b, &n);
	ck_assert_int_eq(n, 2);
	for (size_t i = 0; i < n; i++) {
		char *f = layer_file(layers[i], "");

		ck_assert_msg(h_exists(f), "layer %zu of the pulled image is gone", i);
		free(f);
		free(layers[i]);
	}
	h_result_free(&r1);
	h_result_free(&r2);
	free(layers);
	free(a);
	free(b);
	free(s);
	free(hlp);
	free(env0);
}
END_TEST

/* Layers compressed with zstd and xz, or not at all, unpack as gzip ones do (libarchive's
 * filters), through the unpack step as pull runs it. */
START_TEST(unpack_filters)
{
	static const char *const comp[] = {"zstd -q -c", "xz -c", "cat"};
	char *dir = h_strf("%s/filters", H.base), *script, *hlp = helper();
	struct h_result r;
	char *argv[] = {"sh", "-c", NULL, NULL};

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	img(&r, NULL, "images", NULL); /* makes the store */
	h_result_free(&r);
	for (size_t i = 0; i < sizeof(comp) / sizeof(comp[0]); i++) {
		script = h_strf(
		    "set -e; cd %s; python3 %s/tests/integration/image-layer.py top top.tar; "
		    "D=$(sha256sum top.tar | cut -c1-64); %s top.tar >l; "
		    "Z=$(sha256sum l | cut -c1-64); cp l %s/conti-rootless/images/blobs/sha256/$Z; "
		    "%s unshare %s --userns-step unpack %s/conti-rootless/images $Z:$D; "
		    "test -f %s/conti-rootless/images/layers/$D/opt/d/new; "
		    "%s unshare rm -rf %s/conti-rootless/images/layers/$D",
		    dir, CR_SOURCE_ROOT, comp[i], H.data, h_conti_bin(), hlp, H.data, H.data,
		    h_conti_bin(), H.data);
		argv[2] = script;
		h_run(&r, NULL, argv);
		ck_assert_msg(r.status == 0, "%s: %s", comp[i], r.err);
		h_result_free(&r);
		free(script);
	}
	free(dir);
	free(hlp);
}
END_TEST

/* True when prog is on PATH. */
static bool on_path(const char *prog)
{
	const char *path = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";
	char *copy = strdup(path), *save = NULL;
	bool found = false;

	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char f[4096];

		snprintf(f, sizeof(f), "%s/%s", d, prog);
		found = access(f, X_OK) == 0;
	}
	free(copy);
	return found;
}

/* A layer in a compression neither OCI nor docker names (lz4, uuencode: libarchive reads
 * them, and would run lrzip/lzop/grzip from PATH for others) is refused by the unpack
 * step, leaving no layer: only gzip, zstd, xz, bzip2 and plain tar are read. */
START_TEST(unpack_refuses_other_filters)
{
	static const char *const comp[] = {
	    "lz4 -q -c",
	    "python3 -c 'import binascii,sys; d=open(sys.argv[1],\"rb\").read(); "
	    "sys.stdout.buffer.write(b\"begin 644 x\\n\"+b\"\".join(binascii.b2a_uu(d[i:i+45]) "
	    "for i in range(0,len(d),45))+b\"`\\nend\\n\")'"};
	char *dir = h_strf("%s/other-filters", H.base), *script, *hlp = helper();
	struct h_result r;
	char *argv[] = {"sh", "-c", NULL, NULL};

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	img(&r, NULL, "images", NULL); /* makes the store */
	h_result_free(&r);
	for (size_t i = 0; i < sizeof(comp) / sizeof(comp[0]); i++) {
		int done, tmp;

		if (i == 0 && !on_path("lz4"))
			continue;
		script = h_strf(
		    "set -e; cd %s; python3 %s/tests/integration/image-layer.py top top.tar; "
		    "D=$(sha256sum top.tar | cut -c1-64); %s top.tar >l; "
		    "Z=$(sha256sum l | cut -c1-64); cp l %s/conti-rootless/images/blobs/sha256/$Z; "
		    "%s unshare %s --userns-step unpack %s/conti-rootless/images $Z:$D",
		    dir, CR_SOURCE_ROOT, comp[i], H.data, h_conti_bin(), hlp, H.data);
		argv[2] = script;
		h_run(&r, NULL, argv);
		ck_assert_msg(r.status != 0, "%s: a layer in that compression was unpacked",
			      comp[i]);
		ck_assert_msg(strstr(r.err, "compress") != NULL, "%s: %s", comp[i], r.err);
		h_result_free(&r);
		free(script);
		count_layers(&done, &tmp);
		ck_assert_msg(done == 0 && tmp == 0, "%s: layers left: %d + %d tmp", comp[i], done,
			      tmp);
	}
	free(dir);
	free(hlp);
}
END_TEST

/* A command killed while it replaced a record or repositories leaves its temp file
 * (records/ID.tmp-XXXXXX, repositories.tmp-XXXXXX): the next collection deletes it. */
START_TEST(collect_removes_killed_writes)
{
	struct h_result r;
	char *rec, *repos, *real;
	int fd;

	img(&r, NULL, "images", NULL); /* makes the store */
	h_result_free(&r);
	rec = store("records/"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.tmp-1a2b3c");
	repos = store("repositories.tmp-4d5e6f");
	real = store("repositories");
	ck_assert_int_ge(fd = open(rec, O_WRONLY | O_CREAT | O_EXCL, 0600), 0);
	close(fd);
	ck_assert_int_ge(fd = open(repos, O_WRONLY | O_CREAT | O_EXCL, 0600), 0);
	close(fd);
	ck_assert_int_ge(fd = open(real, O_WRONLY | O_CREAT, 0600), 0);
	close(fd);
	img(&r, NULL, "image", "prune", "-f", NULL);
	ck_assert_msg(r.status == 0, "prune: %d %s", r.status, r.err);
	h_result_free(&r);
	ck_assert_msg(!h_exists(rec), "a killed record write's temp file is left");
	ck_assert_msg(!h_exists(repos), "a killed repositories write's temp file is left");
	ck_assert(h_exists(real));
	free(rec);
	free(repos);
	free(real);
}
END_TEST

/* A store whose path has a ':' (XDG_DATA_HOME=/x/a:b): skopeo's oci: transport cuts the
 * destination at the first ':', so it wrote a layout (index.json, blobs/) at /x/a, outside
 * the store, over what is there. Refused with one line before skopeo runs. */
START_TEST(pull_refuses_colon_in_store)
{
	char *dir = h_strf("%s/co", H.base), *data = h_strf("%s/co:lon", H.base);
	char *s = src("base"), *hlp = helper(), *script, *out;
	struct h_result r;
	char *argv[] = {"sh", "-c", NULL, NULL};

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	script = h_strf("XDG_DATA_HOME='%s' CONTI_ROOTLESS_BIN='%s' '%s' pull -q '%s'", data,
			h_conti_bin(), hlp, s);
	argv[2] = script;
	h_run(&r, NULL, argv);
	ck_assert_msg(r.status == 125, "status %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "':'") != NULL, "%s", r.err);
	ck_assert_int_eq(h_count_lines(r.err), 1);
	ck_assert_int_eq(h_count_entries(dir), 0);
	out = h_strf("%s/conti-rootless/images/tmp", data);
	ck_assert_int_eq(h_count_entries(out), 0);
	h_result_free(&r);
	free(out);
	free(script);
	free(s);
	free(hlp);
	free(data);
	free(dir);
}
END_TEST

/* A path longer than PATH_MAX (20 components of 250 bytes: each a valid name) is refused
 * saying so, not as an escape, leaving no layer. */
START_TEST(unpack_refuses_overlong_path)
{
	char *dir = h_strf("%s/overlong", H.base), *script, *hlp = helper();
	struct h_result r;
	char *argv[] = {"sh", "-c", NULL, NULL};
	int done, tmp;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	img(&r, NULL, "images", NULL); /* makes the store */
	h_result_free(&r);
	script =
	    h_strf("set -e; cd %s; python3 -c 'import io,tarfile; t=tarfile.open(\"l\",\"w\","
		   "format=tarfile.PAX_FORMAT); i=tarfile.TarInfo(\"/\".join([\"a\"*250]*20)); "
		   "i.size=1; t.addfile(i, io.BytesIO(b\"x\")); t.close()'; "
		   "Z=$(sha256sum l | cut -c1-64); cp l %s/conti-rootless/images/blobs/sha256/$Z; "
		   "%s unshare %s --userns-step unpack %s/conti-rootless/images $Z:$Z",
		   dir, H.data, h_conti_bin(), hlp, H.data);
	argv[2] = script;
	h_run(&r, NULL, argv);
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(strstr(r.err, "longer than 4095") != NULL, "%s", r.err);
	h_result_free(&r);
	count_layers(&done, &tmp);
	ck_assert_msg(done == 0 && tmp == 0, "layers left: %d + %d tmp", done, tmp);
	free(script);
	free(dir);
	free(hlp);
}
END_TEST

/* SIGKILL of the helper alone (OOM, kill -9 of its pid) while its unpack step runs: the
 * step goes with it. An orphaned step went on writing its .tmp dir with no lock held, so
 * an rmi or prune collecting it meanwhile could leave the step renaming a half-deleted
 * layer into place. */
START_TEST(killed_helper_stops_its_step)
{
	char *s = src("big"), *hlp = helper(),
	     *env0 = h_strf("CONTI_ROOTLESS_BIN=%s", h_conti_bin());
	char *argv[] = {hlp, "pull", "-q", s, NULL};
	const char *env[] = {env0, NULL};
	struct h_opts o = {.env = env, .timeout_ms = 120000};
	struct h_proc p;
	struct h_result r;
	int done = 0, tmp = 0, left;
	long long deadline = h_mono_ms() + 60000;
	struct timespec ts = {0, 5 * 1000000}, second = {1, 0};

	h_spawn(&p, argv, &o);
	while (h_mono_ms() < deadline && !tmp) {
		count_layers(&done, &tmp);
		nanosleep(&ts, NULL);
	}
	ck_assert_msg(tmp, "the unpack step was never seen");
	ck_assert_int_eq(kill(p.pid, SIGKILL), 0);
	h_finish(&p, &r, 60000);
	h_result_free(&r);
	nanosleep(&second, NULL);
	left = h_kill_procs("--userns-step");
	ck_assert_msg(left == 0, "the unpack step outlived its killed helper");
	count_layers(&done, &tmp);
	ck_assert_int_eq(done, 0);
	free(s);
	free(hlp);
	free(env0);
}
END_TEST

/* SIGKILL of the helper alone while skopeo copies: skopeo goes with it, not left copying
 * into the store's blob dir and a work dir with no lock held. */
START_TEST(killed_helper_stops_skopeo)
{
	char *s = src("big"), *hlp = helper(),
	     *env0 = h_strf("CONTI_ROOTLESS_BIN=%s", h_conti_bin());
	char *argv[] = {hlp, "pull", "-q", s, NULL};
	const char *env[] = {env0, NULL};
	struct h_opts o = {.env = env, .timeout_ms = 120000};
	struct h_proc p;
	struct h_result r;
	long long deadline = h_mono_ms() + 60000;
	struct timespec ts = {0, 2 * 1000000}, wait = {0, 300 * 1000000};
	char *needle = h_strf("%s/conti-rootless/images/tmp/pull-", H.data);
	bool seen = false;

	h_spawn(&p, argv, &o);
	while (h_mono_ms() < deadline && !seen) {
		seen = h_count_procs_mentioning(needle) > 0;
		if (!seen)
			nanosleep(&ts, NULL);
	}
	ck_assert_msg(seen, "skopeo was never seen");
	ck_assert_int_eq(kill(p.pid, SIGKILL), 0);
	h_finish(&p, &r, 60000);
	h_result_free(&r);
	nanosleep(&wait, NULL);
	ck_assert_msg(h_kill_procs(needle) == 0, "skopeo outlived its killed helper");
	free(needle);
	free(s);
	free(hlp);
	free(env0);
}
END_TEST

/* Two unpacks of one layer at once (two pulls sharing a base) both succeed, 30 times:
 * each writes its size file under its own temp name (a shared one made the second rename
 * fail: "write the size of layer ...: No such file or directory"). */
START_TEST(concurrent_unpacks_of_one_layer)
{
	char *dir = h_strf("%s/twice", H.base), *script, *hlp = helper();
	struct h_result r;
	char *argv[] = {"sh", "-c", NULL, NULL};

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	img(&r, NULL, "images", NULL); /* makes the store */
	h_result_free(&r);
	script = h_strf("set -e; cd %s; python3 %s/tests/integration/image-layer.py top l; "
			"Z=$(sha256sum l | cut -c1-64); I=%s/conti-rootless/images; "
			"cp l $I/blobs/sha256/$Z; "
			"for i in $(seq 30); do "
			"%s unshare %s --userns-step unpack $I $Z:$Z & a=$!; "
			"%s unshare %s --userns-step unpack $I $Z:$Z & b=$!; "
			"wait $a; wait $b; test -f $I/layers/$Z.size; "
			"%s unshare rm -rf $I/layers/$Z $I/layers/$Z.size; done",
			dir, CR_SOURCE_ROOT, H.data, h_conti_bin(), hlp, h_conti_bin(), hlp,
			h_conti_bin());
	argv[2] = script;
	h_run(&r, NULL, argv);
	ck_assert_msg(r.status == 0, "%s", r.err);
	h_result_free(&r);
	free(script);
	free(dir);
	free(hlp);
}
END_TEST

/* Builds the test images once (tests/integration/image-layout.sh), outside any test (the
 * harness's helpers assert, which only a test may). */
static bool build_layout(void)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char buf[4096], cmd[8192];
	int st;

	snprintf(buf, sizeof(buf), "%s/conti-image-store.XXXXXX", tmp);
	if (!mkdtemp(buf))
		return false;
	layout_dir = strdup(buf);
	snprintf(cmd, sizeof(cmd), "sh '%s/tests/integration/image-layout.sh' '%s' >'%s/log' 2>&1",
		 CR_SOURCE_ROOT, layout_dir, layout_dir);
	st = system(cmd);
	if (st != 0) {
		snprintf(cmd, sizeof(cmd), "cat '%s/log' >&2", layout_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "(no log)\n");
		fprintf(stderr, "image-layout.sh failed (%d)\n", st);
		return false;
	}
	return true;
}

int main(void)
{
	Suite *s = suite_create("image-store");
	SRunner *sr;
	int failed;
	TCase *tc = tcase("store");

	if (getuid() == 0) {
		fprintf(stderr, "integration tests must run as an unprivileged user\n");
		return 1;
	}
	if (!on_path("umoci") || !on_path("skopeo") || !on_path("python3")) {
		fprintf(stderr, "note: image-store tests skipped: umoci, skopeo and python3 are "
				"needed\n");
		return 77;
	}
	if (!build_layout())
		return 1;
	tcase_add_test(tc, pull_layers);
	tcase_add_test(tc, pull_refuses_escapes);
	tcase_add_test(tc, pull_refuses_unmapped_owner);
	tcase_add_test(tc, pull_refuses_corrupted_blob);
	tcase_add_test(tc, shared_layers_and_rmi);
	tcase_add_test(tc, rmi_refuses_used_image);
	tcase_add_test(tc, killed_unpack_leaves_nothing_used);
	tcase_add_test(tc, killed_pull_leaves_nothing_used);
	tcase_add_test(tc, concurrent_pulls);
	tcase_add_test(tc, pull_and_rmi_at_once);
	tcase_add_test(tc, listing);
	tcase_add_test(tc, unpack_filters);
	tcase_add_test(tc, unpack_refuses_other_filters);
	tcase_add_test(tc, collect_removes_killed_writes);
	tcase_add_test(tc, pull_refuses_colon_in_store);
	tcase_add_test(tc, unpack_refuses_overlong_path);
	tcase_add_test(tc, killed_helper_stops_its_step);
	tcase_add_test(tc, killed_helper_stops_skopeo);
	tcase_add_test(tc, concurrent_unpacks_of_one_layer);
	tcase_add_test(tc, pull_archives_and_short_names);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	{
		char cmd[8192];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", layout_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", layout_dir);
	}
	return failed ? 1 : 0;
}
