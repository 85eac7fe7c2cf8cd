/* test_image_commit.c - integration tests of the images made here (issue #13): commit of a
 * directory-rootfs container and of an image container, then run of the result; save, then
 * rmi, then run docker-archive:FILE; podman load of what save wrote; import of a tarball, of
 * stdin and of a directory; load; the refusals. As the unprivileged user, through the built
 * front end and image helper (build/helpers/conti-rootless-image).
 *
 * Environment: CONTI_BIN, CONTI_MKROOTFS (set by meson); CK_RUN_CASE=NAME runs one TCase.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "harness.h"

#define CONTI(r, ...) h_conti((r), NULL, __VA_ARGS__, NULL)

static pid_t runner;

/* DATA/images/REL (DATA = H.data/conti-rootless); caller frees. */
static char *store_path(const char *rel)
{
	return h_strf("%s/conti-rootless/images/%s", H.data, rel);
}

/* The id a command printed: its stdout, 64 hex and a newline. */
static void assert_id(const struct h_result *r, char id[65])
{
	ck_assert_msg(strlen(r->out) == 65 && r->out[64] == '\n' &&
			  strspn(r->out, "0123456789abcdef") == 64,
		      "expected an image id on stdout, got '%s' (stderr: %s)", r->out, r->err);
	memcpy(id, r->out, 64);
	id[64] = '\0';
}

/* The record of image id (caller frees). */
static char *record_of(const char *id)
{
	char *rel = h_strf("records/%s", id);
	char *path = store_path(rel);
	char *text = h_read_file(path);

	ck_assert_msg(text, "no record %s", path);
	free(rel), free(path);
	return text;
}

/* The nth layer= line's hex of a record (0-based), NULL past the last (caller frees). */
static char *layer_of(const char *record, int n)
{
	for (const char *p = record; (p = strstr(p, "layer=")); p += 6) {
		if ((p == record || p[-1] == '\n') && n-- == 0)
			return h_strf("%.64s", p + 6);
	}
	return NULL;
}

static int layer_count(const char *record)
{
	int n = 0;

	for (char *l; (l = layer_of(record, n)); n++)
		free(l);
	return n;
}

/* The rootfs gets /keep/old.txt, which the containers replace by an opaque /keep. */
static void prepare_rootfs(void)
{
	char *dir = h_strf("%s/keep", H.rootfs);
	char *file = h_strf("%s/old.txt", dir);

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	h_write_file(file, "old\n", 0644);
	free(dir), free(file);
}

/* A container of H.rootfs that installs /new, deletes /bin/vi and replaces /keep, committed
 * as NAME (with two --change); its id into id. */
static void commit_dir_container(const char *image, char id[65])
{
	char *name = h_new_name("c", runner);
	struct h_result r;

	prepare_rootfs();
	CONTI(&r, "run", "--name", name, H.rootfs, "sh", "-c",
	      "echo installed > /new && rm /bin/vi && rm -rf /keep && mkdir /keep && "
	      "echo n > /keep/new.txt");
	h_assert_status(&r, 0, "run of the container to commit");
	h_result_free(&r);
	CONTI(&r, "commit", "-c", "CMD [\"cat\", \"/new\"]", "-c", "ENV GREETING=hello", "-m",
	      "installed new", name, image);
	h_assert_status(&r, 0, "commit");
	assert_id(&r, id);
	h_result_free(&r);
	free(name);
}

START_TEST(test_commit_dir_container)
{
	char id[65];
	struct h_result r;
	struct stat st;
	char v[8];

	commit_dir_container("img:1", id);
	/* the record: the rootfs as the base layer, the container's layer on top, the changes */
	char *rec = record_of(id);
	ck_assert_int_eq(layer_count(rec), 2);
	ck_assert_msg(strstr(rec, "\narg=cat\narg=/new\n") && strstr(rec, "\nenv=GREETING=hello\n"),
		      "record: %s", rec);
	char *repos = store_path("repositories");
	char *names = h_read_file(repos);
	char *want = h_strf("localhost/img:1 %s\n", id);
	ck_assert_msg(names && strstr(names, want), "repositories: %s", names);
	/* the new layer: a whiteout of /bin/vi, /keep opaque, /new */
	char *top = layer_of(rec, 1);
	char *rel = h_strf("layers/%s/bin/vi", top);
	char *vi = store_path(rel);
	ck_assert_int_eq(lstat(vi, &st), 0);
	ck_assert_msg(S_ISCHR(st.st_mode) && st.st_rdev == 0, "bin/vi is not a whiteout");
	free(rel);
	rel = h_strf("layers/%s/keep", top);
	char *keep = store_path(rel);
	ck_assert_int_eq(lgetxattr(keep, "user.overlay.opaque", v, sizeof(v)), 1);
	ck_assert_int_eq(v[0], 'y');
	/* the rootfs dir itself is untouched */
	char *host_vi = h_strf("%s/bin/vi", H.rootfs);
	ck_assert(h_exists(host_vi));
	/* and the image runs with what the container did */
	CONTI(&r, "run", "--rm", "img:1");
	h_assert_status(&r, 0, "run --rm img:1");
	ck_assert_str_eq(r.out, "installed\n");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "img:1", "sh", "-c",
	      "test -e /bin/vi && echo vi-there; ls /keep; echo $GREETING");
	h_assert_status(&r, 0, "run --rm img:1 sh");
	ck_assert_str_eq(r.out, "new.txt\nhello\n");
	h_result_free(&r);
	free(rec), free(repos), free(names), free(want), free(top), free(rel), free(vi), free(keep);
	free(host_vi);
}
END_TEST

START_TEST(test_commit_image_container)
{
	char id1[65], id2[65];
	char *name = h_new_name("i", runner);
	struct h_result r;

	commit_dir_container("img:1", id1);
	CONTI(&r, "run", "--name", name, "img:1", "sh", "-c", "echo more > /more && rm /new");
	h_assert_status(&r, 0, "run of img:1");
	h_result_free(&r);
	CONTI(&r, "commit", "-a", "Ann", name, "img:2");
	h_assert_status(&r, 0, "commit of an image container");
	assert_id(&r, id2);
	h_result_free(&r);
	/* one new layer on top of img:1's, which are shared (3 layer dirs in the store) */
	char *rec1 = record_of(id1), *rec2 = record_of(id2);
	ck_assert_int_eq(layer_count(rec2), 3);
	for (int i = 0; i < 2; i++) {
		char *a = layer_of(rec1, i), *b = layer_of(rec2, i);
		ck_assert_str_eq(a, b);
		free(a), free(b);
	}
	char *layers = store_path("layers");
	char *cmd = h_strf("test $(ls -d '%s'/*/ | wc -l) -eq 3", layers);
	ck_assert_msg(system(cmd) == 0, "the store holds other than 3 layer dirs");
	/* docker: the container's command is the new image's Cmd */
	ck_assert_msg(strstr(rec2, "\narg=sh\narg=-c\narg=echo more > /more && rm /new\n"), "%s",
		      rec2);
	CONTI(&r, "run", "--rm", "img:2", "sh", "-c", "cat /more; test -e /new || echo new-gone");
	h_assert_status(&r, 0, "run --rm img:2");
	ck_assert_str_eq(r.out, "more\nnew-gone\n");
	h_result_free(&r);
	free(name), free(rec1), free(rec2), free(layers), free(cmd);
}
END_TEST

START_TEST(test_save_rmi_run_archive)
{
	char id[65];
	char *file = h_strf("%s/img.tar", H.base);
	char *oci = h_strf("%s/img-oci.tar", H.base);
	char *src = h_strf("docker-archive:%s", file);
	struct h_result r;

	commit_dir_container("img:1", id);
	CONTI(&r, "save", "-o", file, "img:1");
	h_assert_status(&r, 0, "save -o");
	ck_assert_str_eq(r.out, "");
	h_result_free(&r);
	CONTI(&r, "save", "--format", "oci-archive", "-o", oci, "img:1");
	h_assert_status(&r, 0, "save --format oci-archive");
	h_result_free(&r);
	char *tmp = store_path("tmp");
	ck_assert_int_eq(h_count_entries(tmp), 0);
	CONTI(&r, "rmi", "img:1");
	h_assert_status(&r, 0, "rmi");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", src);
	h_assert_status(&r, 0, "run docker-archive:FILE");
	ck_assert_str_eq(r.out, "installed\n");
	h_result_free(&r);
	char *osrc = h_strf("oci-archive:%s", oci);
	CONTI(&r, "run", "--rm", osrc, "sh", "-c", "test -e /bin/vi || echo vi-gone");
	h_assert_status(&r, 0, "run oci-archive:FILE");
	ck_assert_str_eq(r.out, "vi-gone\n");
	h_result_free(&r);
	/* stdout: refused on a terminal, as docker */
	const char *argv[] = {h_conti_bin(), "save", "img:1", NULL};
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	struct termios before, after;
	h_run_pty(&r, (char *const *)argv, &ws, NULL, &before, &after);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.out, "refusing to save to a terminal"), "%s", r.out);
	h_result_free(&r);
	free(file), free(oci), free(src), free(osrc), free(tmp);
}
END_TEST

START_TEST(test_podman_loads_save)
{
	char podman[4096];
	char id[65];
	struct h_result r;

	if (system("command -v podman >/dev/null") != 0) {
		h_skip("podman is not installed");
		return;
	}
	snprintf(podman, sizeof(podman),
		 "podman --root '%s/proot' --runroot '%s/prun' --storage-driver vfs "
		 "--runtime runc --cgroup-manager cgroupfs",
		 H.base, H.base);
	commit_dir_container("img:1", id);
	char *file = h_strf("%s/img.tar", H.base);
	CONTI(&r, "save", "-o", file, "img:1");
	h_assert_status(&r, 0, "save");
	h_result_free(&r);
	char *load = h_strf("%s load -q -i '%s' && %s run --rm --net=host localhost/img:1 && "
			    "%s run --rm --net=host localhost/img:1 sh -c 'test -e /bin/vi || echo "
			    "vi-gone'",
			    podman, file, podman, podman);
	const char *argv[] = {"sh", "-c", load, NULL};
	struct h_opts o = {.timeout_ms = 120000};
	h_run(&r, &o, (char *const *)argv);
	h_assert_status(&r, 0, "podman load + run");
	ck_assert_msg(strstr(r.out, "installed\nvi-gone\n"), "podman run printed: %s", r.out);
	h_result_free(&r);
	char *clean = h_strf("podman unshare rm -rf '%s/proot' '%s/prun'", H.base, H.base);
	if (system(clean) != 0)
		fprintf(stderr, "note: podman's storage in %s was not removed\n", H.base);
	free(file), free(load), free(clean);
}
END_TEST

START_TEST(test_import_tar_stdin_dir)
{
	char id[65];
	char *tgz = h_strf("%s/rootfs.tgz", H.base);
	char *mk = h_strf("tar -C '%s' -czf '%s' .", H.rootfs, tgz);
	struct h_result r;

	ck_assert_int_eq(system(mk), 0);
	CONTI(&r, "import", "-c", "CMD [\"echo\", \"from-import\"]", tgz, "imp:tar");
	h_assert_status(&r, 0, "import FILE");
	assert_id(&r, id);
	h_result_free(&r);
	char *rec = record_of(id);
	ck_assert_int_eq(layer_count(rec), 1);
	CONTI(&r, "run", "--rm", "imp:tar");
	h_assert_status(&r, 0, "run imp:tar");
	ck_assert_str_eq(r.out, "from-import\n");
	h_result_free(&r);
	/* from stdin, and the same tree as a directory: the same layer */
	char *pipe = h_strf("'%s' import - imp:stdin < '%s'", h_conti_bin(), tgz);
	const char *argv[] = {"sh", "-c", pipe, NULL};
	h_run(&r, NULL, (char *const *)argv);
	h_assert_status(&r, 0, "import -");
	h_result_free(&r);
	CONTI(&r, "import", H.rootfs, "imp:dir");
	h_assert_status(&r, 0, "import DIR");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "imp:dir", "sh", "-c", "cat /keep/old.txt 2>/dev/null; echo ok");
	h_assert_status(&r, 0, "run imp:dir");
	ck_assert_str_eq(r.out, "ok\n");
	h_result_free(&r);
	free(tgz), free(mk), free(rec), free(pipe);
}
END_TEST

START_TEST(test_import_refuses_escapes)
{
	struct h_result r;
	char *evil = h_strf("%s/evil.tar", H.base);
	char *py = h_strf("python3 -c \"import tarfile, io; t = tarfile.open('%s', 'w'); "
			  "i = tarfile.TarInfo('a/../../escaped'); i.size = 3; "
			  "t.addfile(i, io.BytesIO(b'bad')); t.close()\"",
			  evil);
	char *junk = h_strf("%s/junk.tar", H.base);

	ck_assert_int_eq(system(py), 0);
	CONTI(&r, "import", evil, "evil:1");
	ck_assert_int_eq(r.status, 125);
	char *line = h_error_line(&r);
	ck_assert_msg(strstr(line, "leads out of the tree"), "%s", line);
	h_result_free(&r);
	h_write_file(junk, "not a tar at all\n", 0644);
	CONTI(&r, "import", junk);
	ck_assert_int_eq(r.status, 125);
	free(h_error_line(&r));
	h_result_free(&r);
	CONTI(&r, "import", "/dev/null");
	ck_assert_int_eq(r.status, 125);
	free(h_error_line(&r));
	h_result_free(&r);
	/* nothing of them kept: no record, no work dir */
	char *records = store_path("records"), *tmp = store_path("tmp");
	ck_assert_int_eq(h_count_entries(records), 0);
	ck_assert_int_eq(h_count_entries(tmp), 0);
	free(evil), free(py), free(junk), free(line), free(records), free(tmp);
}
END_TEST

START_TEST(test_load)
{
	char id[65];
	char *file = h_strf("%s/img.tar", H.base);
	struct h_result r;

	commit_dir_container("img:1", id);
	CONTI(&r, "save", "-o", file, "img:1");
	h_assert_status(&r, 0, "save");
	h_result_free(&r);
	/* an oci-archive of an image the store holds (the manifest commit wrote is there already)
	 */
	char *oci = h_strf("%s/img-oci.tar", H.base);
	CONTI(&r, "save", "--format", "oci-archive", "-o", oci, "img:1");
	h_assert_status(&r, 0, "save --format oci-archive");
	h_result_free(&r);
	CONTI(&r, "load", "-q", "-i", oci);
	h_assert_status(&r, 0, "load -i OCI-ARCHIVE of an image in the store");
	ck_assert_str_eq(r.out, "Loaded image: localhost/img:1\n");
	h_result_free(&r);
	free(oci);
	CONTI(&r, "rmi", "img:1");
	h_assert_status(&r, 0, "rmi");
	h_result_free(&r);
	CONTI(&r, "load", "-q", "-i", file);
	h_assert_status(&r, 0, "load -i");
	ck_assert_str_eq(r.out, "Loaded image: localhost/img:1\n");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "img:1");
	h_assert_status(&r, 0, "run of the loaded image");
	ck_assert_str_eq(r.out, "installed\n");
	h_result_free(&r);
	/* from stdin; then what is no image archive */
	char *pipe = h_strf("'%s' load -q < '%s'", h_conti_bin(), file);
	const char *argv[] = {"sh", "-c", pipe, NULL};
	h_run(&r, NULL, (char *const *)argv);
	h_assert_status(&r, 0, "load < FILE");
	ck_assert_str_eq(r.out, "Loaded image: localhost/img:1\n");
	h_result_free(&r);
	CONTI(&r, "load", "-i", "/etc/passwd");
	ck_assert_int_eq(r.status, 125);
	free(h_error_line(&r));
	h_result_free(&r);
	char *tmp = store_path("tmp");
	ck_assert_int_eq(h_count_entries(tmp), 0);
	free(file), free(pipe), free(tmp);
}
END_TEST

START_TEST(test_commit_refusals)
{
	char *name = h_new_name("r", runner);
	struct h_result r;

	CONTI(&r, "commit", "no-such-container", "x:1");
	ck_assert_int_eq(r.status, 125);
	free(h_error_line(&r));
	h_result_free(&r);
	CONTI(&r, "run", "--name", name, H.rootfs, "true");
	h_assert_status(&r, 0, "run");
	h_result_free(&r);
	CONTI(&r, "commit", "-c", "FROM debian", name, "x:1");
	ck_assert_int_eq(r.status, 125);
	char *line = h_error_line(&r);
	ck_assert_msg(strstr(line, "not an instruction commit takes"), "%s", line);
	h_result_free(&r);
	CONTI(&r, "commit", name, "Bad:Name:x");
	ck_assert_int_eq(r.status, 125);
	free(h_error_line(&r));
	h_result_free(&r);
	char *records = store_path("records"), *tmp = store_path("tmp");
	ck_assert_int_eq(h_count_entries(records), 0);
	ck_assert_int_eq(h_count_entries(tmp), 0);
	free(name), free(line), free(records), free(tmp);
}
END_TEST

/* A Debian rootfs (files of many owners, setuid sudo) committed as a directory container: the
 * base layer keeps owners and modes, and the image runs sudo as a user. */
START_TEST(test_commit_debian_rootfs)
{
	const char *deb = h_debian_rootfs("commit of a Debian rootfs");
	char *name = h_new_name("d", runner);
	char id[65];
	struct h_result r;

	if (!deb)
		return;
	char *before;

	/* the owners and modes as the rootfs has them (mkrootfs and mmdebstrap differ on apt's
	 * partial dir): the committed image must show the same */
	CONTI(&r, "run", "--name", name, deb, "sh", "-c",
	      "useradd -m ann && echo 'ann ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/ann && "
	      "stat -c '%a %U' /usr/bin/sudo /var/cache/apt/archives/partial");
	h_assert_status(&r, 0, "run in the Debian rootfs");
	ck_assert_msg(!strncmp(r.out, "4755 root\n", 10), "sudo in the rootfs: %s", r.out);
	before = h_strf("%s0\n", r.out);
	h_result_free(&r);
	struct h_opts o = {.timeout_ms = 300000};
	const char *commit[] = {"commit", name, "deb:1", NULL};
	h_conti_v(&r, &o, commit);
	h_assert_status(&r, 0, "commit of the Debian container");
	assert_id(&r, id);
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "-u", "ann", "deb:1", "sh", "-c",
	      "stat -c '%a %U' /usr/bin/sudo /var/cache/apt/archives/partial; sudo id -u");
	h_assert_status(&r, 0, "run of the committed Debian image");
	ck_assert_str_eq(r.out, before);
	h_result_free(&r);
	free(name), free(before);
}
END_TEST

int main(void)
{
	const char *only = getenv("CK_RUN_CASE");
	Suite *s = suite_create("image_commit");
	SRunner *sr;
	TCase *tc;
	int failed;

	runner = getpid();
	tc = h_tcase("commit");
	tcase_add_test(tc, test_commit_dir_container);
	tcase_add_test(tc, test_commit_image_container);
	tcase_add_test(tc, test_commit_refusals);
	suite_add_tcase(s, tc);
	tc = h_tcase("debian");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_commit_debian_rootfs);
	suite_add_tcase(s, tc);
	tc = h_tcase("save");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_save_rmi_run_archive);
	tcase_add_test(tc, test_podman_loads_save);
	tcase_add_test(tc, test_load);
	suite_add_tcase(s, tc);
	tc = h_tcase("import");
	tcase_add_test(tc, test_import_tar_stdin_dir);
	tcase_add_test(tc, test_import_refuses_escapes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run(sr, NULL, only && *only ? only : NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
