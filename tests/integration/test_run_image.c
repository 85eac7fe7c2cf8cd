/* test_run_image.c - integration tests of run IMAGE (issue #13), the front end's part: a store
 * built by hand as the image helper writes it (DATA/images/{layers,records,repositories}),
 * so that these tests need no helper, no registry and no network:
 *   layer 1 (base): a busybox rootfs, with /etc/deleted.txt and /opq/old.txt
 *   layer 2: /etc/top.txt, a whiteout of /etc/deleted.txt (a 0/0 character device made in
 *            the user namespace), /opq opaque (user.overlay.opaque=y) holding new.txt
 *   layer 3: /etc/motd
 * Then run NAME, a short name, an ID prefix; the image's Env/Cmd/WorkingDir/User and the
 * options over them; stop with the image's StopSignal; ps and inspect; restart, cp; a missing
 * layer; more layers than fit in mount(2)'s page; no helper.
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

#define IMG_ID "c0ffee0000000000000000000000000000000000000000000000000000000001"
#define IMG_NAME "localhost/h3test:latest"
#define L1 "1111111111111111111111111111111111111111111111111111111111111111"
#define L2 "2222222222222222222222222222222222222222222222222222222222222222"
#define L3 "3333333333333333333333333333333333333333333333333333333333333333"

static pid_t runner;

/* DATA/images (DATA = H.data/conti-rootless); caller frees. */
static char *store(void)
{
	return h_strf("%s/conti-rootless/images", H.data);
}

static char *layer_dir(const char *hex)
{
	return h_strf("%s/conti-rootless/images/layers/%s", H.data, hex);
}

static void mkdirs(const char *path)
{
	char *cmd = h_strf("mkdir -p '%s'", path);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* A whiteout of path: a 0/0 character device, made as root of the user namespace. */
static void whiteout(const char *path)
{
	struct h_result r;
	struct stat st;

	CONTI(&r, "unshare", "mknod", path, "c", "0", "0");
	h_assert_status(&r, 0, "unshare mknod");
	h_result_free(&r);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == 0);
}

static void write_record(const char *id, const char *text)
{
	char *dir = store();
	char *path = h_strf("%s/records/%s", dir, id);
	char *full = h_strf("image=%s\n%s", id, text);

	mkdirs(h_strf("%s/records", dir));
	h_write_file(path, full, 0644);
	free(dir), free(path), free(full);
}

static void write_repositories(const char *text)
{
	char *path = h_strf("%s/conti-rootless/images/repositories", H.data);

	h_write_file(path, text, 0644);
	free(path);
}

/* The three-layer image of the file's comment, named IMG_NAME. */
static void make_image(const char *record_extra)
{
	char *l1 = layer_dir(L1), *l2 = layer_dir(L2), *l3 = layer_dir(L3);
	char *cp = h_strf("cp -a '%s' '%s'", H.rootfs, l1);
	char *p;
	char *rec;

	mkdirs(h_strf("%s/conti-rootless/images/layers", H.data));
	ck_assert_int_eq(system(cp), 0);
	h_write_file((p = h_strf("%s/etc/deleted.txt", l1)), "old\n", 0644), free(p);
	mkdirs((p = h_strf("%s/opq", l1))), free(p);
	h_write_file((p = h_strf("%s/opq/old.txt", l1)), "old\n", 0644), free(p);
	mkdirs((p = h_strf("%s/etc", l2))), free(p);
	mkdirs((p = h_strf("%s/srv", l2))), free(p);
	h_write_file((p = h_strf("%s/etc/top.txt", l2)), "top\n", 0644), free(p);
	whiteout((p = h_strf("%s/etc/deleted.txt", l2))), free(p);
	mkdirs((p = h_strf("%s/opq", l2))), free(p);
	ck_assert_msg(setxattr(p = h_strf("%s/opq", l2), "user.overlay.opaque", "y", 1, 0) == 0,
		      "setxattr: %s", strerror(errno));
	free(p);
	h_write_file((p = h_strf("%s/opq/new.txt", l2)), "new\n", 0644), free(p);
	mkdirs((p = h_strf("%s/etc", l3))), free(p);
	h_write_file((p = h_strf("%s/etc/motd", l3)), "layer3\n", 0644), free(p);
	rec = h_strf("layer=" L1 "\nlayer=" L2 "\nlayer=" L3 "\n"
		     "arg=sh\narg=-c\narg=echo foo=$FOO; pwd; id -u\n"
		     "env=PATH=/usr/bin:/bin\nenv=FOO=from-image\n"
		     "cwd=/srv\nuser=1000\nstop_signal=SIGQUIT\nlabel=org.test=yes\n"
		     "expose=8080/tcp\ncreated=2026-01-01T00:00:00Z\nsize=1\narch=amd64\nos=linux\n"
		     "%s",
		     record_extra ? record_extra : "");
	write_record(IMG_ID, rec);
	write_repositories(
	    "127.0.0.1:5000/other/thing:v1 "
	    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\n" IMG_NAME " " IMG_ID
	    "\n");
	free(rec), free(cp), free(l1), free(l2), free(l3);
}

/* `run --rm IMAGE sh -c SCRIPT`, asserting exit 0; its stdout (caller frees). */
static char *run_script(const char *image, const char *script)
{
	struct h_result r;
	char *out;

	CONTI(&r, "run", "--rm", "-u", "0", image, "sh", "-c", script);
	h_assert_status(&r, 0, image);
	out = r.out;
	r.out = NULL;
	h_result_free(&r);
	return out;
}

/* The top layer's files, not the deleted one, not the opaque dir's old content. */
START_TEST(test_image_layers)
{
	char *out;

	make_image(NULL);
	out = run_script(IMG_NAME, "cat /etc/top.txt /etc/motd; ls /opq; "
				   "test -e /etc/deleted.txt && echo deleted-present; "
				   "test -x /bin/busybox && echo base-ok");
	ck_assert_str_eq(out, "top\nlayer3\nnew.txt\nbase-ok\n");
	free(out);
	h_assert_no_containers_left();
}
END_TEST

/* A full name, a short name, an ID, sha256:ID and a unique prefix all run it. */
START_TEST(test_image_names)
{
	const char *const names[] = {IMG_NAME, "h3test",	 "h3test:latest",
				     IMG_ID,   "sha256:" IMG_ID, "c0ffee"};

	make_image(NULL);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *out = run_script(names[i], "cat /etc/top.txt");

		ck_assert_msg(!strcmp(out, "top\n"), "%s: %s", names[i], out);
		free(out);
	}
}
END_TEST

/* The record's Cmd, Env, WorkingDir and User; -e, -w, -u, --entrypoint over them. */
START_TEST(test_image_config_applied)
{
	struct h_result r;

	make_image(NULL);
	CONTI(&r, "run", "--rm", IMG_NAME);
	h_assert_status(&r, 0, "run IMAGE");
	ck_assert_str_eq(r.out, "foo=from-image\n/srv\n1000\n");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "-e", "FOO=mine", "-w", "/etc", "-u", "0", IMG_NAME);
	h_assert_status(&r, 0, "run -e -w -u IMAGE");
	ck_assert_str_eq(r.out, "foo=mine\n/etc\n0\n");
	h_result_free(&r);
	/* args replace Cmd; the image's PATH is the one used */
	CONTI(&r, "run", "--rm", IMG_NAME, "sh", "-c", "echo $PATH");
	h_assert_status(&r, 0, "run IMAGE CMD");
	ck_assert_str_eq(r.out, "/usr/bin:/bin\n");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--entrypoint", "/bin/echo", IMG_NAME, "hi");
	h_assert_status(&r, 0, "run --entrypoint");
	ck_assert_str_eq(r.out, "hi\n");
	h_result_free(&r);
	/* --entrypoint alone drops Cmd */
	CONTI(&r, "run", "--rm", "--entrypoint", "/bin/pwd", IMG_NAME);
	h_assert_status(&r, 0, "run --entrypoint without args");
	ck_assert_str_eq(r.out, "/srv\n");
	h_result_free(&r);
}
END_TEST

/* An image with neither Cmd nor Entrypoint and no command given: 125, one line. */
START_TEST(test_image_no_command)
{
	struct h_result r;
	char *line;

	write_record(IMG_ID, "layer=" L1 "\n");
	write_repositories(IMG_NAME " " IMG_ID "\n");
	mkdirs(h_strf("%s/conti-rootless/images/layers", H.data));
	{
		char *l1 = layer_dir(L1), *cp = h_strf("cp -a '%s' '%s'", H.rootfs, l1);

		ck_assert_int_eq(system(cp), 0);
		free(l1), free(cp);
	}
	CONTI(&r, "run", "--rm", IMG_NAME);
	h_assert_status(&r, 125, "run IMAGE without a command");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "no command: the image has no Cmd or Entrypoint") &&
			  strstr(line, "give one after IMAGE"),
		      "%s", line);
	free(line);
	h_result_free(&r);
	h_assert_no_containers_left();
}
END_TEST

/* stop sends the image's StopSignal (SIGQUIT here), not SIGTERM, before SIGKILL. */
START_TEST(test_image_stop_signal)
{
	char *name = h_new_name("img", runner);
	struct h_result r;
	long long t0;

	make_image(NULL);
	CONTI(&r, "run", "-d", "--name", name, IMG_NAME, "sh", "-c",
	      "trap 'exit 7' QUIT; trap '' TERM; echo ready; while :; do sleep 0.1; done");
	h_assert_status(&r, 0, "run -d");
	h_result_free(&r);
	usleep(300 * 1000);
	t0 = h_mono_ms();
	CONTI(&r, "stop", "-t", "20", name);
	h_assert_status(&r, 0, "stop");
	h_result_free(&r);
	ck_assert_msg(h_mono_ms() - t0 < 10000, "stop waited for SIGKILL: SIGQUIT was not sent");
	CONTI(&r, "wait", name);
	ck_assert_str_eq(r.out, "7\n");
	h_result_free(&r);
	h_remove_names();
	free(name);
}
END_TEST

/* ps shows the image's name (IMAGE column, {{.Image}}), inspect its ID and Config; a stopped
 * one starts again on its layers; cp reads through them. */
START_TEST(test_image_ps_inspect_restart)
{
	char *name = h_new_name("img", runner);
	char *host = h_strf("%s/copied", H.base);
	struct h_result r;
	char *line, *got;

	make_image(NULL);
	CONTI(&r, "run", "-d", "--name", name, IMG_NAME, "sleep", "60");
	h_assert_status(&r, 0, "run -d");
	h_result_free(&r);
	CONTI(&r, "ps", "--format", "{{.Names}} {{.Image}}");
	got = h_strf("%s %s\n", name, IMG_NAME);
	ck_assert_msg(strstr(r.out, got), "%s", r.out);
	free(got);
	h_result_free(&r);
	CONTI(&r, "ps");
	line = h_line(r.out, 0);
	ck_assert_msg(!strncmp(line, "CONTAINER ID   IMAGE", 20), "%s", r.out);
	ck_assert_msg(strstr(r.out, IMG_NAME), "%s", r.out);
	free(line);
	h_result_free(&r);
	CONTI(&r, "inspect", name);
	h_assert_status(&r, 0, "inspect");
	ck_assert_msg(strstr(r.out, "\"Image\":\"" IMG_ID "\""), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\"Config\":{\"Image\":\"" IMG_NAME "\""), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\"Cmd\":[\"sleep\",\"60\"]"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\"WorkingDir\":\"/srv\""), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\"User\":\"1000\""), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\"Labels\":{\"org.test\":\"yes\"}"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\"ExposedPorts\":{\"8080/tcp\":{}}"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\"StopSignal\":\"SIGQUIT\""), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\"Env\":[\"PATH=/usr/bin:/bin\",\"FOO=from-image\"]"), "%s",
		      r.out);
	h_result_free(&r);
	CONTI(&r, "stop", "-t", "1", name);
	h_assert_status(&r, 0, "stop");
	h_result_free(&r);
	/* the record is gone: start reads the layers from the container's own config */
	{
		char *rec = h_strf("%s/conti-rootless/images/records/" IMG_ID, H.data);

		ck_assert_int_eq(unlink(rec), 0);
		free(rec);
	}
	CONTI(&r, "cp", h_strf("%s:/etc/top.txt", name), host);
	h_assert_status(&r, 0, "cp out of a stopped image container");
	h_result_free(&r);
	got = h_read_file(host);
	ck_assert_str_eq(got, "top\n");
	free(got);
	CONTI(&r, "start", name);
	h_assert_status(&r, 0, "start");
	h_result_free(&r);
	CONTI(&r, "exec", name, "cat", "/etc/motd");
	h_assert_status(&r, 0, "exec");
	ck_assert_str_eq(r.out, "layer3\n");
	h_result_free(&r);
	h_remove_names();
	free(name), free(host);
}
END_TEST

/* --trace prints the overlay mount with every layer, top first. */
START_TEST(test_image_trace)
{
	struct h_result r;
	char *want;

	make_image(NULL);
	CONTI(&r, "run", "--rm", "--trace", IMG_NAME, "true");
	h_assert_status(&r, 0, "run --trace");
	want = h_strf("lowerdir=%s/conti-rootless/images/layers/" L3 ":%s/conti-rootless/images/"
		      "layers/" L2 ":%s/conti-rootless/images/layers/" L1 ",upperdir=",
		      H.data, H.data, H.data);
	ck_assert_msg(strstr(r.err, "mount -t overlay overlay -o ") && strstr(r.err, want),
		      "no overlay line with %s in:\n%s", want, r.err);
	free(want);
	h_result_free(&r);
}
END_TEST

/* A layer removed behind our back: 125, one line naming the image and pull. */
START_TEST(test_image_missing_layer)
{
	struct h_result r;
	char *line, *l2 = layer_dir(L2);

	make_image(NULL);
	ck_assert(h_rm_rf(l2));
	CONTI(&r, "run", "--rm", IMG_NAME, "true");
	h_assert_status(&r, 125, "run with a layer missing");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, IMG_NAME) && strstr(line, L2) && strstr(line, "pull"), "%s",
		      line);
	free(line), free(l2);
	h_result_free(&r);
	h_assert_no_containers_left();
}
END_TEST

/* An image of no layer (a FROM scratch with nothing added) holds no file: run refuses it with
 * one line, leaving no container. */
START_TEST(test_image_without_layers)
{
	struct h_result r;
	char *line;

	write_record(IMG_ID, "arg=true\n");
	write_repositories(IMG_NAME " " IMG_ID "\n");
	CONTI(&r, "run", "--rm", IMG_NAME);
	h_assert_status(&r, 125, "run of an image without layers");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "no layers"), "%s", line);
	free(line);
	h_result_free(&r);
	h_assert_no_containers_left();
}
END_TEST

/* 48 layers under a long DATA path: their lowerdir= passes mount(2)'s page, so the layers go
 * one by one (fsconfig "lowerdir+"); every layer is seen. */
START_TEST(test_image_many_layers)
{
	char *rec = h_strf("layer=" L1 "\n"), *repos, *out, *want = h_strf("%s", "");
	char *longdata = h_strf("%s/%s", H.data,
				"a-long-directory-name-to-pass-the-page-"
				"of-mount-options-0123456789-0123456789-0123456789");
	char *l1, *cp;
	struct h_result r;

	mkdirs(longdata);
	setenv("XDG_DATA_HOME", longdata, 1);
	free(H.data);
	H.data = longdata;
	mkdirs(h_strf("%s/conti-rootless/images/layers", H.data));
	l1 = layer_dir(L1);
	cp = h_strf("cp -a '%s' '%s'", H.rootfs, l1);
	ck_assert_int_eq(system(cp), 0);
	for (int i = 2; i <= 48; i++) {
		char hex[65], *dir, *file, *next;

		snprintf(hex, sizeof(hex), "%064x", i);
		dir = layer_dir(hex);
		mkdirs(h_strf("%s/layers", dir));
		file = h_strf("%s/layers/%02d", dir, i);
		h_write_file(file, "", 0644);
		next = h_strf("%slayer=%s\n", rec, hex);
		free(rec);
		rec = next;
		next = h_strf("%s%02d\n", want, i);
		free(want);
		want = next;
		free(dir), free(file);
	}
	ck_assert_int_gt(strlen(rec) * 2, 4096 + 1000); /* lowerdir= alone passes the page */
	write_record(IMG_ID, rec);
	repos = h_strf(IMG_NAME " " IMG_ID "\n");
	write_repositories(repos);
	out = run_script(IMG_NAME, "ls /layers; test -x /bin/busybox || echo no-base");
	ck_assert_str_eq(out, want);
	free(out);
	CONTI(&r, "run", "--rm", "--trace", IMG_NAME, "true");
	h_assert_status(&r, 0, "run --trace");
	h_result_free(&r);
	free(rec), free(repos), free(want), free(l1), free(cp);
}
END_TEST

/* The directory forms run as before: ./rootfs, /abs, an existing dir by its bare name. */
START_TEST(test_rootfs_forms_unchanged)
{
	char *cwd = getcwd(NULL, 0);
	char *out;

	make_image(NULL); /* a store, to be sure a directory never goes through it */
	ck_assert_int_eq(chdir(H.base), 0);
	out = run_script("./rootfs", "test -e /etc/top.txt || echo dir");
	ck_assert_str_eq(out, "dir\n");
	free(out);
	out = run_script("rootfs", "test -e /etc/top.txt || echo dir");
	ck_assert_str_eq(out, "dir\n");
	free(out);
	out = run_script(H.rootfs, "test -e /etc/top.txt || echo dir");
	ck_assert_str_eq(out, "dir\n");
	free(out);
	ck_assert_int_eq(chdir(cwd), 0);
	free(cwd);
}
END_TEST

/* Without the image helper (a copy of the front end alone): an image not in the store is
 * 125 and one line naming the fix; --pull=never: not known; --overlay=none: refused. */
START_TEST(test_image_unknown_and_refused)
{
	char *dir = h_strf("%s/bin", H.base), *copy = h_strf("%s/bin/conti-rootless", H.base);
	const char *const argv[] = {copy, "run", "--rm", "unknown:tag", "true", NULL};
	struct h_result r;
	char *line;

	make_image(NULL);
	mkdirs(dir);
	h_copy_file(h_conti_bin(), copy, 0755);
	h_run(&r, NULL, (char *const *)argv);
	h_assert_status(&r, 125, "run unknown:tag without the helper");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "conti-rootless-image"), "%s", line);
	free(line);
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--pull=never", "unknown:tag", "true");
	h_assert_status(&r, 125, "run --pull=never");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "not known") && strstr(line, "pull"), "%s", line);
	free(line);
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--overlay=none", IMG_NAME, "true");
	h_assert_status(&r, 125, "run --overlay=none IMAGE");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "--overlay=none"), "%s", line);
	free(line);
	h_result_free(&r);
	/* the image commands without the helper: 125, one line */
	{
		const char *const images[] = {copy, "images", NULL};

		h_run(&r, NULL, (char *const *)images);
		h_assert_status(&r, 125, "images without the helper");
		free(h_error_line(&r));
		h_result_free(&r);
	}
	h_assert_no_containers_left();
	free(dir), free(copy);
}
END_TEST

/* A front end of its own (a copy) whose helpers dir holds the real helpers and a fake image
 * helper that logs its argv and CONTI_ROOTLESS_BIN, "pulls" by naming an image whose layers
 * and record are there already, says something on stderr and prints the ID last. */
static char *fake_frontend(void)
{
	char *dir = h_strf("%s/fe", H.base), *bin = h_strf("%s/fe/conti-rootless", H.base);
	char *real = h_strf("%s", h_conti_bin());
	const char *const helpers[] = {"conti-rootless-init", "conti-rootless-keeper",
				       "conti-rootless-idmap"};
	char *script;

	*strrchr(real, '/') = '\0';
	mkdirs(h_strf("%s/helpers", dir));
	h_copy_file(h_conti_bin(), bin, 0755);
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		char *from = h_strf("%s/helpers/%s", real, helpers[i]);
		char *to = h_strf("%s/helpers/%s", dir, helpers[i]);

		if (h_exists(from))
			ck_assert_int_eq(symlink(from, to), 0);
		free(from), free(to);
	}
	script = h_strf("#!/bin/sh\n"
			"echo \"argv=$*\" >>'%s/fake.log'\n"
			"echo \"bin=$CONTI_ROOTLESS_BIN\" >>'%s/fake.log'\n"
			"[ \"$1\" = pull ] || exit 0\n"
			"echo 'fake progress' >&2\n"
			"[ -n \"$FAKE_FAIL\" ] && { echo 'fake: cannot pull' >&2; exit 125; }\n"
			"echo 'docker.io/library/h3pulled:v1 " IMG_ID "' >>'%s/conti-rootless/"
			"images/repositories'\n"
			"echo 'Writing manifest'\n"
			"echo " IMG_ID "\n",
			H.base, H.base, H.data);
	{
		char *helper = h_strf("%s/helpers/conti-rootless-image", dir);

		h_write_file(helper, script, 0755);
		free(helper);
	}
	free(script), free(dir), free(real);
	return bin;
}

/* An image not in the store is pulled through the helper (its stderr passed on, the ID read
 * from its last line), then run; --pull=never asks nothing, --pull=always asks again; a
 * failed pull exits as the helper did with its line alone; pull itself is forwarded. */
START_TEST(test_image_pulled_through_helper)
{
	char *bin = fake_frontend(), *log = h_strf("%s/fake.log", H.base), *text;
	const char *const run[] = {bin, "run", "--rm", "h3pulled:v1", "cat", "/etc/top.txt", NULL};
	const char *const never[] = {bin, "run", "--rm", "--pull=never", "nothere", "true", NULL};
	const char *const always[] = {bin,	"run", "--rm",	    "--pull=always",
				      IMG_NAME, "cat", "/etc/motd", NULL};
	const char *const pull[] = {bin, "--trace", "pull", "-q", "x:1", NULL};
	const char *const fail_env[] = {"FAKE_FAIL=1", NULL};
	struct h_opts fail = {.env = fail_env};
	struct h_result r;

	make_image(NULL);
	write_repositories("");
	h_run(&r, NULL, (char *const *)run);
	h_assert_status(&r, 0, "run of an image not in the store");
	ck_assert_str_eq(r.out, "top\n");
	ck_assert_msg(strstr(r.err, "fake progress"), "%s", r.err);
	h_result_free(&r);
	text = h_read_file(log);
	ck_assert_msg(text && strstr(text, "argv=pull h3pulled:v1\n"), "%s", text);
	{
		char *want = h_strf("bin=%s\n", bin);

		ck_assert_msg(strstr(text, want), "%s", text);
		free(want);
	}
	free(text);
	unlink(log);
	/* now it is in the store: no pull */
	h_run(&r, NULL, (char *const *)run);
	h_assert_status(&r, 0, "run of a pulled image");
	h_result_free(&r);
	ck_assert(!h_exists(log));
	h_run(&r, NULL, (char *const *)never);
	h_assert_status(&r, 125, "run --pull=never");
	free(h_error_line(&r));
	h_result_free(&r);
	ck_assert(!h_exists(log));
	h_run(&r, NULL, (char *const *)always);
	h_assert_status(&r, 0, "run --pull=always");
	ck_assert_str_eq(r.out, "layer3\n");
	h_result_free(&r);
	text = h_read_file(log);
	ck_assert_msg(text && strstr(text, "argv=pull " IMG_NAME "\n"), "%s", text);
	free(text);
	unlink(log);
	/* the helper failed: its line, its status, nothing of ours, no container left */
	{
		const char *const other[] = {bin, "run", "--rm", "other:1", "true", NULL};

		h_run(&r, &fail, (char *const *)other);
		ck_assert_int_eq(r.status, 125);
		ck_assert_msg(!strcmp(r.err, "fake progress\nfake: cannot pull\n"), "%s", r.err);
		h_result_free(&r);
	}
	h_run(&r, NULL, (char *const *)pull);
	h_assert_status(&r, 0, "pull, forwarded");
	h_result_free(&r);
	text = h_read_file(log);
	ck_assert_msg(text && strstr(text, "argv=pull -q x:1\n"), "%s", text);
	free(text);
	h_assert_no_containers_left();
	free(bin), free(log);
}
END_TEST

/* run holds the store's lock shared from reading the record until its config names the
 * layers: while an rmi (or prune) holds it exclusive, run waits. */
START_TEST(test_image_waits_for_store_lock)
{
	char *lock = h_strf("%s/conti-rootless/images/lock", H.data);
	const char *const holder[] = {"flock", "-x", lock, "sleep", "2", NULL};
	struct h_proc p;
	struct h_result r, held;
	long long t0;

	make_image(NULL);
	h_write_file(lock, "", 0600);
	t0 = h_mono_ms();
	h_spawn(&p, (char *const *)holder, NULL);
	usleep(300 * 1000); /* flock has the lock */
	CONTI(&r, "run", "--rm", IMG_NAME, "cat", "/etc/top.txt");
	h_assert_status(&r, 0, "run while the store is locked");
	ck_assert_str_eq(r.out, "top\n");
	/* it finished only after the holder let go (2 s after it started) */
	ck_assert_msg(h_mono_ms() - t0 >= 1900, "run did not wait for the lock (%lld ms)",
		      h_mono_ms() - t0);
	h_result_free(&r);
	h_finish(&p, &held, 0);
	ck_assert_int_eq(held.status, 0);
	h_result_free(&held);
	free(lock);
}
END_TEST

int main(void)
{
	const char *only = getenv("CK_RUN_CASE");
	Suite *s = suite_create("run_image");
	SRunner *sr;
	TCase *tc;
	int failed;

	runner = getpid();
	tc = h_tcase("layers");
	tcase_add_test(tc, test_image_layers);
	tcase_add_test(tc, test_image_names);
	tcase_add_test(tc, test_image_trace);
	tcase_add_test(tc, test_image_many_layers);
	suite_add_tcase(s, tc);
	tc = h_tcase("config");
	tcase_add_test(tc, test_image_config_applied);
	tcase_add_test(tc, test_image_no_command);
	tcase_add_test(tc, test_image_stop_signal);
	tcase_add_test(tc, test_image_ps_inspect_restart);
	suite_add_tcase(s, tc);
	tc = h_tcase("errors");
	tcase_add_test(tc, test_image_missing_layer);
	tcase_add_test(tc, test_image_without_layers);
	tcase_add_test(tc, test_rootfs_forms_unchanged);
	tcase_add_test(tc, test_image_unknown_and_refused);
	tcase_add_test(tc, test_image_pulled_through_helper);
	tcase_add_test(tc, test_image_waits_for_store_lock);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run(sr, NULL, only && *only ? only : NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
