/* Unit tests of the image helper's pure parts and of the store's files: registries.conf
 * reading, OCI JSON to a record, docker's sizes and names, tar path rules, blobs verified,
 * repositories rewritten, image lookup. */
#include "unit.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/format.h"
#include "image/oci.h"
#include "image/registries.h"
#include "image/store.h"
#include "image/unpack.h"
#include "utils.h"

static int parse_conf(const char *text, struct image_registries *r)
{
	struct cr_error err = {0};

	return image_registries_parse(text, strlen(text), r, "test.conf", &err);
}

START_TEST(registries_search_and_aliases)
{
	struct image_registries r = {0};
	const char *conf = "# comment\n"
			   "unqualified-search-registries = [\"registry.example:5000\", # first\n"
			   "  'docker.io',\n"
			   "]\n"
			   "short-name-mode = \"permissive\"\n"
			   "[[registry]]\n"
			   "location = \"127.0.0.1:5000\"\n"
			   "insecure = true\n"
			   "[[registry.mirror]]\n"
			   "location = \"m.example\"\n"
			   "[aliases]\n"
			   "\"debian\" = \"docker.io/library/debian\"\n"
			   "mine = 'localhost:5000/x/mine'\n"
			   "\"esc\\u00e9\" = \"q\\\"uote\"\n";

	ck_assert_int_eq(parse_conf(conf, &r), 0);
	ck_assert_int_eq(r.nsearch, 2);
	ck_assert_str_eq(r.search[0], "registry.example:5000");
	ck_assert_str_eq(r.search[1], "docker.io");
	ck_assert_str_eq(image_registries_alias(&r, "debian"), "docker.io/library/debian");
	ck_assert_str_eq(image_registries_alias(&r, "mine"), "localhost:5000/x/mine");
	ck_assert_str_eq(image_registries_alias(&r, "esc\xc3\xa9"), "q\"uote");
	ck_assert_ptr_null(image_registries_alias(&r, "location"));
	/* A drop-in replaces the list and adds aliases. */
	ck_assert_int_eq(
	    parse_conf("unqualified-search-registries = []\n[aliases]\nb = \"c.io/b\"\n", &r), 0);
	ck_assert_int_eq(r.nsearch, 0);
	ck_assert_str_eq(image_registries_alias(&r, "debian"), "docker.io/library/debian");
	ck_assert_str_eq(image_registries_alias(&r, "b"), "c.io/b");
	image_registries_free(&r);
}
END_TEST

START_TEST(registries_v1_and_errors)
{
	struct image_registries r = {0};
	struct cr_error err = {0};
	const char *bad = "unqualified-search-registries = [\"a\"\n";

	ck_assert_int_eq(parse_conf("[registries.search]\nregistries = ['quay.io']\n", &r), 0);
	ck_assert_int_eq(r.nsearch, 1);
	ck_assert_str_eq(r.search[0], "quay.io");
	/* An error names the line, and r keeps what it had. */
	ck_assert_int_eq(image_registries_parse(bad, strlen(bad), &r, "x.conf", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "x.conf: line"));
	ck_assert_int_eq(r.nsearch, 1);
	ck_assert_int_eq(parse_conf("key = \"unterminated\n", &r), -1);
	ck_assert_int_eq(parse_conf("= 1\n", &r), -1);
	ck_assert_int_eq(parse_conf("a = 1 b = 2\n", &r), -1);
	ck_assert_int_eq(parse_conf("a = \"\\u0000\"\n", &r), -1);
	ck_assert_int_eq(parse_conf("a = [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]\n", &r), -1);
	ck_assert_int_eq(
	    parse_conf("a = { b = [1, 2], c = \"}\" }\nx = 2024-01-01 10:00:00Z # when\n", &r), 0);
	image_registries_free(&r);
}
END_TEST

static const char config_json[] =
    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-05-01T10:00:00.5Z\","
    "\"config\":{\"Env\":[\"PATH=/usr/bin\",\"A=b\\nc\"],\"Entrypoint\":[\"/init\"],"
    "\"Cmd\":[\"sh\",\"-c\",\"echo \\\\ hi\"],\"WorkingDir\":\"/srv\",\"User\":\"www-data:www\","
    "\"StopSignal\":\"SIGQUIT\",\"Labels\":{\"a\":\"1\"},\"ExposedPorts\":{\"80/tcp\":{}}},"
    "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
    "\"sha256:1111111111111111111111111111111111111111111111111111111111111111\","
    "\"sha256:2222222222222222222222222222222222222222222222222222222222222222\"]}}";

START_TEST(record_from_config)
{
	struct cr_error err = {0};
	char id[] = "abababababababababababababababababababababababababababababababab";
	char *rec = image_record_from_config(config_json, strlen(config_json), id, "cd", 42, &err);
	size_t n;
	char **v;

	ck_assert_msg(rec, "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(rec, "image=abab"));
	ck_assert_ptr_nonnull(strstr(
	    rec, "layer=1111111111111111111111111111111111111111111111111111111111111111\n"
		 "layer=2222222222222222222222222222222222222222222222222222222222222222\n"));
	ck_assert_ptr_nonnull(strstr(rec, "entrypoint=/init\narg=sh\narg=-c\narg=echo \\\\ hi\n"));
	ck_assert_ptr_nonnull(strstr(rec, "env=A=b\\nc\n"));
	ck_assert_ptr_nonnull(strstr(rec, "cwd=/srv\nuser=www-data:www\nstop_signal=SIGQUIT\n"));
	ck_assert_ptr_nonnull(strstr(rec, "label=a=1\nexpose=80/tcp\n"));
	ck_assert_ptr_nonnull(strstr(rec, "created=2024-05-01T10:00:00.5Z\nsize=42\nmanifest=cd\n"
					  "arch=amd64\nos=linux\n"));
	v = image_record_values(rec, "env", &n);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(v[1], "A=b\nc");
	image_ids_free(v, n);
	v = image_record_values(rec, "arg", &n);
	ck_assert_str_eq(v[2], "echo \\ hi");
	image_ids_free(v, n);
	free(rec);
	/* Damaged configs are refused with a line. */
	ck_assert_ptr_null(image_record_from_config("{", 1, id, "", 0, &err));
	ck_assert_ptr_null(image_record_from_config("[]", 2, id, "", 0, &err));
	ck_assert_ptr_null(image_record_from_config("{\"rootfs\":{\"diff_ids\":[\"md5:00\"]}}", 35,
						    id, "", 0, &err));
}
END_TEST

START_TEST(manifest_and_index)
{
	struct cr_error err = {0};
	struct image_manifest m;
	char hex[IMAGE_HEX_LEN + 1], ref[64];
	int nested;
	const char *man =
	    "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:"
	    "3333333333333333333333333333333333333333333333333333333333333333\"},"
	    "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"size\":7,"
	    "\"digest\":\"sha256:"
	    "4444444444444444444444444444444444444444444444444444444444444444\"}]}";
	const char *idx =
	    "{\"manifests\":[{\"digest\":\"sha256:"
	    "5555555555555555555555555555555555555555555555555555555555555555\","
	    "\"annotations\":{\"org.opencontainers.image.ref.name\":\"a\"}},{\"digest\":\"sha256:"
	    "6666666666666666666666666666666666666666666666666666666666666666\","
	    "\"annotations\":{\"org.opencontainers.image.ref.name\":\"b\"}}]}";

	ck_assert_int_eq(image_manifest_parse(man, strlen(man), &m, &err), 0);
	ck_assert_str_eq(m.config,
			 "3333333333333333333333333333333333333333333333333333333333333333");
	ck_assert_int_eq(m.nlayers, 1);
	ck_assert_int_eq(m.layers[0].size, 7);
	ck_assert_str_eq(m.layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
	image_manifest_free(&m);
	ck_assert_int_eq(
	    image_index_pick(idx, strlen(idx), "b", hex, ref, sizeof(ref), &nested, &err), 0);
	ck_assert_str_eq(hex, "6666666666666666666666666666666666666666666666666666666666666666");
	ck_assert_str_eq(ref, "b");
	ck_assert_int_eq(
	    image_index_pick(idx, strlen(idx), "c", hex, ref, sizeof(ref), &nested, &err), -1);
	/* Two images and no tag: which one? */
	ck_assert_int_eq(
	    image_index_pick(idx, strlen(idx), NULL, hex, ref, sizeof(ref), &nested, &err), -1);
	ck_assert_int_eq(image_manifest_parse("{\"config\":{}}", 13, &m, &err), -1);
}
END_TEST

START_TEST(sizes_times_names)
{
	char buf[64], repo[128], tag[64], dg[128];

	image_human_size(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0B");
	image_human_size(512, buf, sizeof(buf));
	ck_assert_str_eq(buf, "512B");
	image_human_size(4261234, buf, sizeof(buf));
	ck_assert_str_eq(buf, "4.26MB");
	image_human_size(77800000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "77.8MB");
	image_human_size(1200000000ULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1.2GB");
	ck_assert_int_eq(image_parse_time("1970-01-02T00:00:00Z"), 86400);
	ck_assert_int_eq(image_parse_time("1970-01-02T02:00:00.123456789+02:00"), 86400);
	ck_assert_int_eq(image_parse_time("yesterday"), 0);
	ck_assert_int_eq(image_parse_time("1970-01-02T00:00:00"), 0);
	image_split_name("docker.io/library/debian:12", repo, sizeof(repo), tag, sizeof(tag), dg,
			 sizeof(dg));
	ck_assert_str_eq(repo, "docker.io/library/debian");
	ck_assert_str_eq(tag, "12");
	ck_assert_str_eq(dg, "");
	image_split_name("127.0.0.1:5000/bb@sha256:ab", repo, sizeof(repo), tag, sizeof(tag), dg,
			 sizeof(dg));
	ck_assert_str_eq(repo, "127.0.0.1:5000/bb");
	ck_assert_str_eq(tag, "<none>");
	ck_assert_str_eq(dg, "sha256:ab");
}
END_TEST

START_TEST(tar_paths)
{
	char out[256];
	const char *target = NULL;

	ck_assert_int_eq(image_tar_path_normalize("./usr//bin/./sh", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "usr/bin/sh");
	ck_assert_int_eq(image_tar_path_normalize("./", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(image_tar_path_normalize("etc/", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "etc");
	ck_assert_int_eq(image_tar_path_normalize("../etc/passwd", out, sizeof(out)), -1);
	ck_assert_int_eq(image_tar_path_normalize("a/../../b", out, sizeof(out)), -1);
	ck_assert_int_eq(image_tar_path_normalize("a/..", out, sizeof(out)), -1);
	ck_assert_int_eq(image_tar_path_normalize("/etc/passwd", out, sizeof(out)), -1);
	ck_assert_int_eq(image_tar_path_normalize("a...b/..c", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "a...b/..c");
	ck_assert_int_eq(image_tar_path_normalize("abcdef", out, 4), -1);
	ck_assert_int_eq(image_tar_whiteout("file", &target), 0);
	ck_assert_int_eq(image_tar_whiteout(".wh..wh..opq", &target), 2);
	ck_assert_int_eq(image_tar_whiteout(".wh.gone", &target), 1);
	ck_assert_str_eq(target, "gone");
	ck_assert(image_xattr_kept("user.test"));
	ck_assert(image_xattr_kept("security.capability"));
	ck_assert(!image_xattr_kept("security.selinux"));
	ck_assert(!image_xattr_kept("trusted.overlay.opaque"));
	ck_assert(!image_xattr_kept("user.overlay.opaque"));
	ck_assert(!image_xattr_kept("user.fuseoverlayfs.opaque"));
}
END_TEST

/* A store in a temp dir: blobs, repositories, records, lookup. */
static char *tmp_store(struct image_store *s)
{
	char tmpl[] = "/tmp/test-image-store.XXXXXX";
	char *dir = cr_xstrdup(mkdtemp(tmpl)), *root = cr_xasprintf("%s/images", dir);
	struct cr_error err = {0};

	ck_assert_msg(image_store_open_at(s, root, &err) == 0, "%s", err.msg);
	free(root);
	return dir;
}

START_TEST(store_blobs)
{
	struct image_store s;
	char *dir = tmp_store(&s), hex[IMAGE_HEX_LEN + 1], *p, *text;
	struct cr_error err = {0};
	struct stat st;

	ck_assert_int_eq(image_blob_add_buf(&s, "hello\n", 6, hex, &err), 0);
	ck_assert_str_eq(hex, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	ck_assert(image_blob_exists(&s, hex));
	p = image_blob_path(&s, hex);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0444);
	ck_assert_int_eq(image_blob_verify(&s, hex, &err), 0);
	text = image_blob_read(&s, hex, 100, NULL, &err);
	ck_assert_str_eq(text, "hello\n");
	free(text);
	ck_assert_ptr_null(image_blob_read(&s, hex, 3, NULL, &err));
	/* Corrupted: refused and deleted. */
	ck_assert_int_eq(chmod(p, 0644), 0);
	{
		int fd = open(p, O_WRONLY | O_TRUNC);

		ck_assert_int_eq(write(fd, "bye\n", 4), 4);
		close(fd);
	}
	ck_assert_int_eq(image_blob_verify(&s, hex, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "corrupted"));
	ck_assert(!image_blob_exists(&s, hex));
	/* A symlink put in place of a blob is not followed. */
	ck_assert_int_eq(symlink("/etc/passwd", p), 0);
	ck_assert(!image_blob_exists(&s, hex));
	ck_assert_int_eq(image_blob_verify(&s, hex, &err), -1);
	free(p);
	image_store_close(&s);
	{
		struct cr_error e2;

		cr_rm_rf(dir, &e2);
	}
	free(dir);
}
END_TEST

START_TEST(store_names)
{
	struct image_store s;
	char *dir = tmp_store(&s), id[IMAGE_HEX_LEN + 1], matched[256];
	const char *a = "aaaa111111111111111111111111111111111111111111111111111111111111";
	const char *b = "aaaa222222222222222222222222222222222222222222222222222222222222";
	struct cr_error err = {0};
	struct image_name *v;
	size_t n;

	ck_assert_int_eq(image_record_write(&s, a, "image=a\n", &err), 0);
	ck_assert_int_eq(image_record_write(&s, b, "image=b\n", &err), 0);
	ck_assert_int_eq(image_repos_set(&s, "docker.io/library/debian:12", a, &err), 0);
	ck_assert_int_eq(image_repos_set(&s, "localhost/x:1", b, &err), 0);
	ck_assert_int_eq(image_repos_set(&s, "docker.io/library/debian:12", b, &err), 0);
	ck_assert_int_eq(image_repos_read(&s, &v, &n, &err), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(v[1].name, "docker.io/library/debian:12");
	ck_assert_str_eq(v[1].id, b);
	image_names_free(v, n);
	ck_assert_int_eq(image_store_resolve(&s, "debian:12", id, matched, sizeof(matched), &err),
			 0);
	ck_assert_str_eq(id, b);
	ck_assert_str_eq(matched, "docker.io/library/debian:12");
	ck_assert_int_eq(image_store_resolve(&s, "aaaa2", id, NULL, 0, &err), 0);
	ck_assert_str_eq(id, b);
	ck_assert_int_eq(image_store_resolve(&s, a, id, matched, sizeof(matched), &err), 0);
	ck_assert_str_eq(id, a);
	ck_assert_str_eq(matched, ""); /* an id names no name: rmi ID removes every name */
	ck_assert_int_eq(image_store_resolve(&s, "aaaa", id, NULL, 0, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "ambiguous"));
	ck_assert_int_eq(image_store_resolve(&s, "nope", id, NULL, 0, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.hint, "pull it with"));
	ck_assert_int_eq(image_repos_remove(&s, "localhost/x:1", &err), 1);
	ck_assert_int_eq(image_repos_remove(&s, "localhost/x:1", &err), 0);
	ck_assert_int_eq(image_repos_set(&s, "bad name", a, &err), -1);
	ck_assert_int_eq(image_repos_set(&s, "x", "123", &err), -1);
	image_store_close(&s);
	{
		struct cr_error e2;

		cr_rm_rf(dir, &e2);
	}
	free(dir);
}
END_TEST

/* Entries of dir but . and .. */
static int h_count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

/* A store dir that is a symlink, or open to others, is refused. */
START_TEST(store_refuses_symlink)
{
	char tmpl[] = "/tmp/test-image-store.XXXXXX";
	char *dir = mkdtemp(tmpl), *root = cr_xasprintf("%s/images", dir);
	char *other = cr_xasprintf("%s/elsewhere", dir);
	struct image_store s;
	struct cr_error err = {0};

	ck_assert_int_eq(mkdir(other, 0700), 0);
	ck_assert_int_eq(symlink(other, root), 0);
	ck_assert_int_eq(image_store_open_at(&s, root, &err), -1);
	ck_assert_int_eq(h_count(other), 0);
	unlink(root);
	ck_assert_int_eq(mkdir(root, 0755), 0);
	ck_assert_int_eq(image_store_open_at(&s, root, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "open to others"));
	rmdir(root);
	rmdir(other);
	rmdir(dir);
	free(root);
	free(other);
}
END_TEST

/* A store dir swapped for a symlink after the store was opened (a second shell of the user)
 * is not followed by a removal: what the symlink points to stays. */
START_TEST(store_remove_no_follow)
{
	struct image_store s;
	char *dir = tmp_store(&s);
	char *layers = cr_xasprintf("%s/images/layers", dir);
	char *real = cr_xasprintf("%s/images/layers.real", dir);
	char *other = cr_xasprintf("%s/elsewhere", dir);
	char *victim = cr_xasprintf("%s/elsewhere/.tmp-x/keep", dir);
	char *mine = cr_xasprintf("%s/images/layers/.tmp-x/keep", dir);
	struct cr_error err = {0};
	struct stat st;

	ck_assert_int_eq(mkdir(other, 0700), 0);
	ck_assert_int_eq(cr_mkdir_p(victim, 0700, &err), 0);
	ck_assert_int_eq(rename(layers, real), 0);
	ck_assert_int_eq(symlink(other, layers), 0);
	image_store_remove(&s, "layers/.tmp-x", &err);
	ck_assert_msg(stat(victim, &st) == 0, "removed %s through the symlinked layers/", victim);
	/* The real one goes. */
	ck_assert_int_eq(unlink(layers), 0);
	ck_assert_int_eq(rename(real, layers), 0);
	ck_assert_int_eq(cr_mkdir_p(mine, 0700, &err), 0);
	ck_assert_msg(image_store_remove(&s, "layers/.tmp-x", &err) == 0, "%s", err.msg);
	ck_assert_int_ne(lstat(mine, &st), 0);
	ck_assert_int_eq(image_store_remove(&s, "layers/.tmp-x", &err), 0); /* gone: no error */
	ck_assert_int_eq(image_store_remove(&s, "../elsewhere", &err), -1);
	ck_assert_int_eq(stat(victim, &st), 0);
	image_store_close(&s);
	cr_rm_rf(dir, &err);
	free(dir);
	free(layers);
	free(real);
	free(other);
	free(victim);
	free(mine);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image-store");
	TCase *tc = tcase_create("image");

	tcase_add_test(tc, registries_search_and_aliases);
	tcase_add_test(tc, registries_v1_and_errors);
	tcase_add_test(tc, record_from_config);
	tcase_add_test(tc, manifest_and_index);
	tcase_add_test(tc, sizes_times_names);
	tcase_add_test(tc, tar_paths);
	tcase_add_test(tc, store_blobs);
	tcase_add_test(tc, store_names);
	tcase_add_test(tc, store_refuses_symlink);
	tcase_add_test(tc, store_remove_no_follow);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
