/* Unit tests: what commit and import make: the config JSON (docker's --change), the manifest,
 * and layers packed from a directory, an overlay upper dir and a tarball. */
#include "unit.h"
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "image/commit-json.h"
#include "image/oci.h"
#include "image/pack.h"
#include "utils.h"

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static const struct image_new_layer one_layer = {
    .digest = HEX_A, .size = 123, .diff_id = HEX_B, .created_by = "sh -c make"};

/* The config built from parent (may be NULL) and the changes, parsed; NULL with err. */
static json_object *build(const char *parent, const char *const *changes, size_t n,
			  const struct image_run_config *run, struct cr_error *err)
{
	struct image_commit_in in = {.parent_config = parent,
				     .run = run,
				     .changes = changes,
				     .nchanges = n,
				     .author = "Ann <a@x>",
				     .message = "fixed it",
				     .layers = &one_layer,
				     .nlayers = 1,
				     .created = 1700000000};
	char *out = NULL;

	if (image_config_build(&in, &out, err) < 0) {
		ck_assert_ptr_null(out);
		return NULL;
	}
	json_object *o = json_tokener_parse(out);
	free(out);
	ck_assert_ptr_nonnull(o);
	return o;
}

/* The string at a dotted path ("config.User"), NULL when missing. */
static const char *str_at(json_object *o, const char *path)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		if (!json_object_object_get_ex(o, k, &o))
			return NULL;
	}
	return json_object_get_string(o);
}

/* The JSON text of a member at a dotted path. */
static const char *json_at(json_object *o, const char *path)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		if (!json_object_object_get_ex(o, k, &o))
			return "(missing)";
	}
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE);
}

START_TEST(new_config_has_machine_and_layer)
{
	struct cr_error err;
	json_object *o = build(NULL, NULL, 0, NULL, &err);

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(str_at(o, "architecture"), image_machine_arch(NULL));
	ck_assert_str_eq(str_at(o, "os"), "linux");
	ck_assert_str_eq(str_at(o, "created"), "2023-11-14T22:13:20Z");
	ck_assert_str_eq(str_at(o, "author"), "Ann <a@x>");
	ck_assert_str_eq(json_at(o, "rootfs"),
			 "{\"type\":\"layers\",\"diff_ids\":[\"sha256:" HEX_B "\"]}");
	ck_assert_str_eq(json_at(o, "config.Env"),
			 "[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"]");
	ck_assert_str_eq(json_at(o, "history"),
			 "[{\"created\":\"2023-11-14T22:13:20Z\",\"author\":\"Ann <a@x>\","
			 "\"created_by\":\"sh -c make\",\"comment\":\"fixed it\"}]");
	json_object_put(o);
}
END_TEST

static const char parent[] =
    "{\"architecture\":\"arm64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\",\"A=1\"],"
    "\"Cmd\":[\"bash\"],\"Entrypoint\":[\"/init\"],\"WorkingDir\":\"/srv\"},"
    "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" HEX_C "\"]},"
    "\"history\":[{\"created_by\":\"base\"}]}";

START_TEST(parent_config_gets_the_layer_appended)
{
	struct cr_error err;
	json_object *o = build(parent, NULL, 0, NULL, &err);
	char **ids = NULL;
	size_t nids = 0;
	char *text = NULL;

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(str_at(o, "architecture"), "arm64");
	ck_assert_str_eq(json_at(o, "rootfs.diff_ids"),
			 "[\"sha256:" HEX_C "\",\"sha256:" HEX_B "\"]");
	ck_assert_str_eq(json_at(o, "config.Env"), "[\"PATH=/bin\",\"A=1\"]");
	ck_assert_int_eq(json_object_array_length(json_object_object_get(o, "history")), 2);
	text = cr_xstrdup(json_object_to_json_string(o));
	/* what the store reads of it (image/oci.h) */
	ck_assert_int_eq(image_config_diff_ids(text, strlen(text), &ids, &nids, &err), 0);
	ck_assert_uint_eq(nids, 2);
	ck_assert_str_eq(ids[0], HEX_C);
	ck_assert_str_eq(ids[1], HEX_B);
	image_ids_free(ids, nids);
	free(text);
	json_object_put(o);
}
END_TEST

START_TEST(container_run_config_is_the_base)
{
	struct cr_error err;
	struct cr_strv cmd = {0}, env = {0}, labels = {0};
	struct image_run_config run = {
	    .cmd = &cmd, .env = &env, .labels = &labels, .cwd = "/work", .user = "app"};
	json_object *o;

	strv_push(&cmd, "apt-get");
	strv_push(&cmd, "install");
	strv_push(&env, "A=2");
	strv_push(&env, "B=3");
	strv_push(&labels, "team=x");
	o = build(parent, NULL, 0, &run, &err);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_at(o, "config.Cmd"), "[\"apt-get\",\"install\"]");
	ck_assert_str_eq(json_at(o, "config.Env"), "[\"PATH=/bin\",\"A=2\",\"B=3\"]");
	ck_assert_str_eq(str_at(o, "config.WorkingDir"), "/work");
	ck_assert_str_eq(str_at(o, "config.User"), "app");
	ck_assert_str_eq(str_at(o, "config.Labels.team"), "x");
	json_object_put(o);
	strv_free(&cmd);
	strv_free(&env);
	strv_free(&labels);
}
END_TEST

START_TEST(change_cmd_and_entrypoint_forms)
{
	struct cr_error err;
	const char *c1[] = {"CMD [\"nginx\", \"-g\", \"daemon off;\"]"};
	const char *c2[] = {"cmd echo $HOME && ls"};
	const char *c3[] = {"ENTRYPOINT [\"/e\"]"};
	const char *c4[] = {"CMD [\"x\"]", "ENTRYPOINT /e"};
	const char *c5[] = {"ENTRYPOINT []"};
	const char *c6[] = {"CMD [\"unterminated\""};
	json_object *o;

	o = build(parent, c1, 1, NULL, &err);
	ck_assert_str_eq(json_at(o, "config.Cmd"), "[\"nginx\",\"-g\",\"daemon off;\"]");
	json_object_put(o);
	o = build(parent, c2, 1, NULL, &err);
	ck_assert_str_eq(json_at(o, "config.Cmd"), "[\"/bin/sh\",\"-c\",\"echo $HOME && ls\"]");
	ck_assert_str_eq(json_at(o, "config.Entrypoint"), "[\"/init\"]");
	json_object_put(o);
	/* docker: an ENTRYPOINT drops the inherited Cmd, not one set in the same changes */
	o = build(parent, c3, 1, NULL, &err);
	ck_assert_str_eq(json_at(o, "config.Entrypoint"), "[\"/e\"]");
	ck_assert_str_eq(json_at(o, "config.Cmd"), "(missing)");
	json_object_put(o);
	o = build(parent, c4, 2, NULL, &err);
	ck_assert_str_eq(json_at(o, "config.Entrypoint"), "[\"/bin/sh\",\"-c\",\"/e\"]");
	ck_assert_str_eq(json_at(o, "config.Cmd"), "[\"x\"]");
	json_object_put(o);
	o = build(parent, c5, 1, NULL, &err);
	ck_assert_str_eq(json_at(o, "config.Entrypoint"), "(missing)");
	json_object_put(o);
	/* not JSON: the shell form, as docker */
	o = build(parent, c6, 1, NULL, &err);
	ck_assert_str_eq(json_at(o, "config.Cmd"),
			 "[\"/bin/sh\",\"-c\",\"[\\\"unterminated\\\"\"]");
	json_object_put(o);
}
END_TEST

START_TEST(change_env_label_forms)
{
	struct cr_error err;
	const char *c[] = {"ENV PATH=/opt/bin:$PATH GREETING=\"hello world\" Q='$A'",
			   "ENV OLD some  value ${A}", "LABEL a=1 \"b c\"=2",
			   "LABEL legacy the value"};
	json_object *o = build(parent, c, 4, NULL, &err);

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_at(o, "config.Env"),
			 "[\"PATH=/opt/bin:/bin\",\"A=1\",\"GREETING=hello world\",\"Q=$A\","
			 "\"OLD=some value 1\"]");
	ck_assert_str_eq(json_at(o, "config.Labels"),
			 "{\"a\":\"1\",\"b c\":\"2\",\"legacy\":\"the value\"}");
	json_object_put(o);
}
END_TEST

START_TEST(change_other_instructions)
{
	struct cr_error err;
	const char *c[] = {"WORKDIR app/../data",	  "USER 1000:1000",
			   "EXPOSE 80 53/udp 8000-8001",  "STOPSIGNAL SIGQUIT",
			   "VOLUME [\"/v1\", \"/v2\"]",	  "VOLUME /v3",
			   "# a comment\n\nonbuild RUN x"};
	json_object *o = build(parent, c, 7, NULL, &err);

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(str_at(o, "config.WorkingDir"), "/srv/data");
	ck_assert_str_eq(str_at(o, "config.User"), "1000:1000");
	ck_assert_str_eq(json_at(o, "config.ExposedPorts"),
			 "{\"80/tcp\":{},\"53/udp\":{},\"8000/tcp\":{},\"8001/tcp\":{}}");
	ck_assert_str_eq(str_at(o, "config.StopSignal"), "SIGQUIT");
	ck_assert_str_eq(json_at(o, "config.Volumes"), "{\"/v1\":{},\"/v2\":{},\"/v3\":{}}");
	ck_assert_str_eq(json_at(o, "config.OnBuild"), "[\"RUN x\"]");
	json_object_put(o);
}
END_TEST

START_TEST(change_errors_name_the_problem)
{
	struct cr_error err;
	static const struct {
		const char *change, *msg;
	} cases[] = {
	    {"FROM debian", "not an instruction commit takes"},
	    {"RUN apt-get update", "not an instruction commit takes"},
	    {"EXPOSE 70000", "not a port"},
	    {"EXPOSE 80/icmp", "not a port"},
	    {"STOPSIGNAL SIGNOPE", "not a signal"},
	    {"ENV A=1 B", "NAME=VALUE"},
	    {"ENV A", "needs a value"},
	    {"ENV A=\"open", "unmatched"},
	    {"USER", "needs an argument"},
	    {"CMD", "needs an argument"},
	    {"ENV X=${A", "bad substitution"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *c[] = {cases[i].change};
		memset(&err, 0, sizeof(err));
		ck_assert_msg(build(parent, c, 1, NULL, &err) == NULL, "%s", cases[i].change);
		ck_assert_msg(strstr(err.msg, cases[i].msg), "%s: %s", cases[i].change, err.msg);
	}
}
END_TEST

START_TEST(bad_parent_config_is_refused)
{
	struct cr_error err;

	ck_assert_ptr_null(build("[1,2]", NULL, 0, NULL, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "not a JSON object"));
	ck_assert_ptr_null(build("{\"a\":1} trailing", NULL, 0, NULL, &err));
	ck_assert_ptr_null(build("{\"a\":", NULL, 0, NULL, &err));
}
END_TEST

START_TEST(manifest_maps_docker_layers)
{
	struct cr_error err;
	char *out = NULL;
	const char pm[] = "{\"schemaVersion\":2,\"mediaType\":"
			  "\"application/vnd.docker.distribution.manifest.v2+json\","
			  "\"layers\":[{\"mediaType\":"
			  "\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
			  "\"digest\":\"sha256:" HEX_C "\",\"size\":77}]}";

	ck_assert_int_eq(image_manifest_build(pm, HEX_A, 10, &one_layer, 1, &out, &err), 0);
	ck_assert_str_eq(out,
			 "{\"schemaVersion\":2,\"mediaType\":\"" IMAGE_MT_OCI_MANIFEST
			 "\",\"config\":{\"mediaType\":\"" IMAGE_MT_OCI_CONFIG
			 "\",\"digest\":\"sha256:" HEX_A "\",\"size\":10},\"layers\":["
			 "{\"mediaType\":\"" IMAGE_MT_OCI_LAYER_GZIP "\",\"digest\":\"sha256:" HEX_C
			 "\",\"size\":77},{\"mediaType\":\"" IMAGE_MT_OCI_LAYER_GZIP
			 "\",\"digest\":\"sha256:" HEX_A "\",\"size\":123}]}");
	free(out);
	ck_assert_int_eq(
	    image_manifest_build("{\"layers\":[{\"size\":1}]}", HEX_A, 1, NULL, 0, &out, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "damaged"));
}
END_TEST

START_TEST(clean_names)
{
	char out[64];

	ck_assert_int_eq(pack_clean_name("./etc//passwd", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "etc/passwd");
	ck_assert_int_eq(pack_clean_name("/usr/./bin/", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "usr/bin");
	ck_assert_int_eq(pack_clean_name("a/../../etc", out, sizeof(out)), -1);
	ck_assert_int_eq(pack_clean_name("..", out, sizeof(out)), -1);
	ck_assert_int_eq(pack_clean_name("./", out, sizeof(out)), -1);
	ck_assert_int_eq(pack_clean_name("a..b/..c", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "a..b/..c");
	ck_assert_int_eq(pack_clean_name("0123456789", out, 8), -1);
	ck_assert(pack_xattr_dropped("user.overlay.opaque"));
	ck_assert(pack_xattr_dropped("user.fuseoverlayfs.opaque"));
	ck_assert(pack_xattr_dropped("trusted.overlay.opaque"));
	ck_assert(pack_xattr_dropped("security.selinux"));
	ck_assert(!pack_xattr_dropped("security.capability"));
	ck_assert(!pack_xattr_dropped("user.mime_type"));
}
END_TEST

/* --- packing --- */

static char tmpdir[256];

static void mk_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-image-commit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void rm_tmp(void)
{
	struct cr_error err;

	if (!getenv("KEEP"))
		cr_rm_rf(tmpdir, &err);
}

static void put(const char *rel, const char *text)
{
	char p[512];
	struct cr_error err;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	ck_assert_int_eq(cr_write_file(p, text, strlen(text), 0644, &err), 0);
}

static char *sha256_hex(const unsigned char *d, size_t n, char hex[65])
{
	unsigned char md[32];
	unsigned int len = 0;

	EVP_Digest(d, n, md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return hex;
}

/* One entry of a packed layer, as read back. */
struct got {
	char name[256];
	unsigned int type;
	mode_t perm;
	char link[256];
	char hardlink[256];
	char data[64];
	char xattr[128];
};

/* Reads back the layer in file at path: entries into g (up to max), their count; checks that
 * the result's digest and diff_id are the sha256 of the file and of its gunzipped tar. */
static size_t read_layer(const char *path, const struct pack_result *res, struct got *g, size_t max)
{
	static unsigned char blob[1 << 20], tar[1 << 21];
	char hex[65];
	int fd = open(path, O_RDONLY);
	ssize_t n = read(fd, blob, sizeof(blob));
	size_t count = 0;

	close(fd);
	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq((size_t)n, res->size);
	ck_assert_str_eq(sha256_hex(blob, (size_t)n, hex), res->digest);
	/* the tar: through libarchive's gzip reader, raw */
	struct archive *r = archive_read_new();
	archive_read_support_filter_gzip(r);
	archive_read_support_format_raw(r);
	ck_assert_int_eq(archive_read_open_memory(r, blob, (size_t)n), ARCHIVE_OK);
	struct archive_entry *e;
	ck_assert_int_eq(archive_read_next_header(r, &e), ARCHIVE_OK);
	la_ssize_t t = archive_read_data(r, tar, sizeof(tar));
	archive_read_free(r);
	ck_assert_int_gt(t, 0);
	ck_assert_uint_eq((size_t)t, res->tar_size);
	ck_assert_str_eq(sha256_hex(tar, (size_t)t, hex), res->diff_id);

	r = archive_read_new();
	archive_read_support_format_tar(r);
	ck_assert_int_eq(archive_read_open_memory(r, tar, (size_t)t), ARCHIVE_OK);
	while (archive_read_next_header(r, &e) == ARCHIVE_OK && count < max) {
		struct got *x = &g[count++];
		const char *k;
		const void *v;
		size_t vn;
		memset(x, 0, sizeof(*x));
		snprintf(x->name, sizeof(x->name), "%s", archive_entry_pathname(e));
		x->type = archive_entry_filetype(e);
		x->perm = archive_entry_perm(e);
		if (archive_entry_symlink(e))
			snprintf(x->link, sizeof(x->link), "%s", archive_entry_symlink(e));
		if (archive_entry_hardlink(e))
			snprintf(x->hardlink, sizeof(x->hardlink), "%s", archive_entry_hardlink(e));
		archive_read_data(r, x->data, sizeof(x->data) - 1);
		archive_entry_xattr_reset(e);
		while (archive_entry_xattr_next(e, &k, &v, &vn) == ARCHIVE_OK)
			snprintf(x->xattr + strlen(x->xattr), sizeof(x->xattr) - strlen(x->xattr),
				 "%s=%.*s;", k, (int)vn, (const char *)v);
	}
	archive_read_free(r);
	return count;
}

static const struct got *find_entry(const struct got *g, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(g[i].name, name))
			return &g[i];
	}
	return NULL;
}

static int pack_into(const char *dir, enum pack_mode mode, const char *out, struct pack_result *res,
		     struct cr_error *err)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	int ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int r = pack_dir(dfd, mode, ofd, res, err);

	close(dfd);
	close(ofd);
	return r;
}

START_TEST(pack_upper_dir)
{
	char tree[300], out[300], p[400];
	struct pack_result res;
	struct cr_error err;
	struct got g[32];

	mk_tmp();
	snprintf(tree, sizeof(tree), "%s/upper", tmpdir);
	snprintf(out, sizeof(out), "%s/layer.tar.gz", tmpdir);
	ck_assert_int_eq(mkdir(tree, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc", tree);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc/new", tree);
	ck_assert_int_eq(cr_write_file(p, "hello\n", 6, 04755, &err), 0);
	ck_assert_int_eq(chmod(p, 04755), 0);
	snprintf(p, sizeof(p), "%s/etc/gone", tree); /* a whiteout, as the kernel makes it */
	ck_assert_int_eq(mknod(p, S_IFCHR | 0, makedev(0, 0)), 0);
	snprintf(p, sizeof(p), "%s/etc/link", tree);
	ck_assert_int_eq(symlink("/etc/passwd", p), 0);
	snprintf(p, sizeof(p), "%s/etc/hard", tree);
	char q[400];
	snprintf(q, sizeof(q), "%s/etc/new", tree);
	ck_assert_int_eq(link(q, p), 0);
	snprintf(p, sizeof(p), "%s/opq", tree); /* an opaque dir (kernel overlayfs, userxattr) */
	ck_assert_int_eq(mkdir(p, 0700), 0);
	bool xattrs = setxattr(p, "user.overlay.opaque", "y", 1, 0) == 0;
	snprintf(p, sizeof(p), "%s/opq/inside", tree);
	ck_assert_int_eq(cr_write_file(p, "x", 1, 0644, &err), 0);
	if (xattrs)
		ck_assert_int_eq(setxattr(p, "user.note", "kept", 4, 0), 0);
	snprintf(p, sizeof(p), "%s/fuse", tree); /* fuse-overlayfs: xattr and marker file */
	ck_assert_int_eq(mkdir(p, 0755), 0);
	if (xattrs)
		ck_assert_int_eq(setxattr(p, "user.fuseoverlayfs.opaque", "y", 1, 0), 0);
	snprintf(p, sizeof(p), "%s/fuse/.wh..wh..opq", tree);
	ck_assert_int_eq(cr_write_file(p, "", 0, 0600, &err), 0);
	snprintf(p, sizeof(p), "%s/fuse/.wh.old", tree); /* a fuse-overlayfs whiteout file */
	ck_assert_int_eq(cr_write_file(p, "", 0, 0600, &err), 0);

	snprintf(p, sizeof(p), "%s/etc/hostname", tree); /* a run's empty mount point: left out */
	ck_assert_int_eq(cr_write_file(p, "", 0, 0644, &err), 0);
	snprintf(p, sizeof(p), "%s/etc/hosts", tree); /* but not one with content */
	ck_assert_int_eq(cr_write_file(p, "1.2.3.4 x\n", 10, 0644, &err), 0);

	ck_assert_int_eq(pack_into(tree, PACK_UPPER, out, &res, &err), 0);
	size_t n = read_layer(out, &res, g, 32);
	ck_assert_ptr_null(find_entry(g, n, "etc/hostname"));
	ck_assert_ptr_nonnull(find_entry(g, n, "etc/hosts"));
	const struct got *e;
	ck_assert_ptr_nonnull(e = find_entry(g, n, "etc/"));
	ck_assert_uint_eq(e->type, AE_IFDIR);
	ck_assert_ptr_nonnull(e = find_entry(g, n, "etc/new"));
	ck_assert_uint_eq(e->perm, 04755);
	ck_assert_str_eq(e->hardlink, "etc/hard"); /* names sorted: "hard" came first */
	ck_assert_ptr_nonnull(e = find_entry(g, n, "etc/hard"));
	ck_assert_str_eq(e->data, "hello\n");
	ck_assert_ptr_nonnull(e = find_entry(g, n, "etc/.wh.gone"));
	ck_assert_uint_eq(e->type, AE_IFREG);
	ck_assert_ptr_null(find_entry(g, n, "etc/gone"));
	ck_assert_ptr_nonnull(e = find_entry(g, n, "etc/link"));
	ck_assert_str_eq(e->link, "/etc/passwd");
	ck_assert_ptr_nonnull(find_entry(g, n, "fuse/.wh.old"));
	ck_assert_ptr_nonnull(find_entry(g, n, "fuse/.wh..wh..opq"));
	if (xattrs) {
		ck_assert_ptr_nonnull(find_entry(g, n, "opq/.wh..wh..opq"));
		ck_assert_ptr_nonnull(e = find_entry(g, n, "opq/"));
		ck_assert_str_eq(e->xattr, "");
		ck_assert_ptr_nonnull(e = find_entry(g, n, "opq/inside"));
		ck_assert_str_eq(e->xattr, "user.note=kept;");
		/* one marker in fuse/, not two */
		size_t markers = 0;
		for (size_t i = 0; i < n; i++)
			markers += !strcmp(g[i].name, "fuse/.wh..wh..opq");
		ck_assert_uint_eq(markers, 1);
	}
	rm_tmp();
}
END_TEST

START_TEST(pack_plain_dir_never_leaves_the_tree)
{
	char tree[300], out[300], p[400];
	struct pack_result res, again;
	struct cr_error err;
	struct got g[32];
	char first[65];

	mk_tmp();
	snprintf(tree, sizeof(tree), "%s/rootfs", tmpdir);
	snprintf(out, sizeof(out), "%s/layer.tar.gz", tmpdir);
	ck_assert_int_eq(mkdir(tree, 0755), 0);
	put("rootfs/file", "content");
	put("rootfs/.wh.looks-like-a-whiteout", "");
	put("outside-secret", "secret");
	snprintf(p, sizeof(p), "%s/up", tree); /* a link out: stored as a link, not followed */
	ck_assert_int_eq(symlink("..", p), 0);
	snprintf(p, sizeof(p), "%s/fifo", tree);
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	snprintf(p, sizeof(p), "%s/a/b/c/d/e/f/g/h", tree); /* deep */
	ck_assert_int_eq(cr_mkdir_p(p, 0755, &err), 0);
	put("rootfs/a/b/c/d/e/f/g/h/deep", "bottom");
	put("rootfs/a/b/after", "back up");

	ck_assert_int_eq(pack_into(tree, PACK_DIR, out, &res, &err), 0);
	ck_assert_uint_eq(res.skipped, 1);
	size_t n = read_layer(out, &res, g, 32);
	const struct got *e;
	ck_assert_ptr_nonnull(e = find_entry(g, n, "up"));
	ck_assert_uint_eq(e->type, AE_IFLNK);
	ck_assert_str_eq(e->link, "..");
	ck_assert_ptr_nonnull(e = find_entry(g, n, "fifo"));
	ck_assert_uint_eq(e->type, AE_IFIFO);
	ck_assert_ptr_null(find_entry(g, n, ".wh.looks-like-a-whiteout"));
	ck_assert_ptr_nonnull(e = find_entry(g, n, "a/b/c/d/e/f/g/h/deep"));
	ck_assert_str_eq(e->data, "bottom");
	ck_assert_ptr_nonnull(e = find_entry(g, n, "a/b/after"));
	ck_assert_str_eq(e->data, "back up");
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(!strstr(g[i].name, "secret") && strncmp(g[i].name, "up/", 3), "%s",
			      g[i].name);
	/* the same tree, the same layer */
	snprintf(first, sizeof(first), "%s", res.digest);
	ck_assert_int_eq(pack_into(tree, PACK_DIR, out, &again, &err), 0);
	ck_assert_str_eq(again.digest, first);
	rm_tmp();
}
END_TEST

/* Writes a tar (gzip'ed when gz) of the given entries to path: name, type, content/link. */
static void make_tar(const char *path, bool gz, const char *const (*ents)[3], size_t n)
{
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	if (gz)
		archive_write_add_filter_gzip(a);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, ents[i][0]);
		archive_entry_set_mode(e, (ents[i][1][0] == 'd'	  ? AE_IFDIR
					   : ents[i][1][0] == 'l' ? AE_IFLNK
								  : AE_IFREG) |
					      0644);
		if (ents[i][1][0] == 'l')
			archive_entry_set_symlink(e, ents[i][2]);
		if (ents[i][1][0] == 'h')
			archive_entry_set_hardlink(e, ents[i][2]);
		if (ents[i][1][0] == 'f')
			archive_entry_set_size(e, (la_int64_t)strlen(ents[i][2]));
		archive_write_header(a, e);
		if (ents[i][1][0] == 'f')
			archive_write_data(a, ents[i][2], strlen(ents[i][2]));
		archive_entry_free(e);
	}
	archive_write_free(a);
}

static int pack_tar_file(const char *in, const char *out, struct pack_result *res,
			 struct cr_error *err)
{
	int ifd = open(in, O_RDONLY);
	int ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int r = pack_tar(ifd, ofd, res, err);

	close(ifd);
	close(ofd);
	return r;
}

START_TEST(pack_tar_normalizes)
{
	static const char *const ents[][3] = {{"./", "d", ""},
					      {"./etc/", "d", ""},
					      {"/etc/abs", "f", "A"},
					      {"./etc//x", "f", "X"},
					      {"etc/.wh.passwd", "f", ""},
					      {"etc/l", "l", "../../host"},
					      {"./etc/h", "h", "/etc/abs"}};
	char in[300], out[300];
	struct pack_result res;
	struct cr_error err;
	struct got g[16];

	mk_tmp();
	snprintf(in, sizeof(in), "%s/in.tar.gz", tmpdir);
	snprintf(out, sizeof(out), "%s/layer.tar.gz", tmpdir);
	make_tar(in, true, ents, sizeof(ents) / sizeof(ents[0]));
	ck_assert_int_eq(pack_tar_file(in, out, &res, &err), 0);
	size_t n = read_layer(out, &res, g, 16);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(g[0].name, "etc/");
	ck_assert_str_eq(g[1].name, "etc/abs");
	ck_assert_str_eq(g[1].data, "A");
	ck_assert_str_eq(g[2].name, "etc/x");
	ck_assert_str_eq(g[3].name, "etc/l");
	ck_assert_str_eq(g[3].link, "../../host"); /* a link's target is the container's */
	ck_assert_str_eq(g[4].name, "etc/h");
	ck_assert_str_eq(g[4].hardlink, "etc/abs");
	ck_assert_uint_eq(res.skipped, 1);
	rm_tmp();
}
END_TEST

START_TEST(pack_tar_refuses_escapes_and_junk)
{
	static const char *const up[][3] = {{"a/../../etc/passwd", "f", "x"}};
	static const char *const hard[][3] = {{"x", "h", "../../etc/shadow"}};
	char in[300], out[300];
	struct pack_result res;
	struct cr_error err;

	mk_tmp();
	snprintf(in, sizeof(in), "%s/in.tar", tmpdir);
	snprintf(out, sizeof(out), "%s/layer.tar.gz", tmpdir);
	make_tar(in, false, up, 1);
	ck_assert_int_eq(pack_tar_file(in, out, &res, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "leads out of the tree"));
	make_tar(in, false, hard, 1);
	ck_assert_int_eq(pack_tar_file(in, out, &res, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "leads out of the tree"));
	put("in.tar", "this is not a tar archive at all, just some text\n");
	ck_assert_int_eq(pack_tar_file(in, out, &res, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.hint, "tar archive"));
	rm_tmp();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image_commit");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, new_config_has_machine_and_layer);
	tcase_add_test(tc, parent_config_gets_the_layer_appended);
	tcase_add_test(tc, container_run_config_is_the_base);
	tcase_add_test(tc, change_cmd_and_entrypoint_forms);
	tcase_add_test(tc, change_env_label_forms);
	tcase_add_test(tc, change_other_instructions);
	tcase_add_test(tc, change_errors_name_the_problem);
	tcase_add_test(tc, bad_parent_config_is_refused);
	tcase_add_test(tc, manifest_maps_docker_layers);
	suite_add_tcase(s, tc);
	tc = tcase_create("pack");
	tcase_add_test(tc, clean_names);
	tcase_add_test(tc, pack_upper_dir);
	tcase_add_test(tc, pack_plain_dir_never_leaves_the_tree);
	tcase_add_test(tc, pack_tar_normalizes);
	tcase_add_test(tc, pack_tar_refuses_escapes_and_junk);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
