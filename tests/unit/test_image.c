/* Unit tests: run IMAGE's pure parts: an image record applied to the options (docker's
 * rules), the store lookup's matching, the configuration's image lines, the plan of a
 * multi-layer overlay and its --trace line, the options and the forwarded commands. */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "image/lookup.h"
#include "image/record.h"
#include "plan.h"

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define ID_1 "1111111111111111111111111111111111111111111111111111111111111111"
#define ID_2 "1122222222222222222222222222222222222222222222222222222222222222"
#define ID_3 "3333333333333333333333333333333333333333333333333333333333333333"

static const char record_text[] = "image=" ID_1 "\n"
				  "layer=" HEX_A "\n"
				  "layer=" HEX_B "\n"
				  "entrypoint=/docker-entrypoint.sh\n"
				  "arg=nginx\n"
				  "arg=-g\n"
				  "arg=daemon off;\n"
				  "env=PATH=/usr/local/bin:/usr/bin:/bin\n"
				  "env=NGINX_VERSION=1.25\n"
				  "cwd=/srv\n"
				  "user=101:101\n"
				  "stop_signal=SIGQUIT\n"
				  "label=maintainer=someone\n"
				  "expose=80/tcp\n"
				  "created=2024-01-01T00:00:00Z\n"
				  "size=123\n"
				  "manifest=" HEX_A "\n"
				  "arch=amd64\n"
				  "os=linux\n";

static void record(struct cr_config *rec)
{
	config_init(rec);
	ck_assert_int_eq(config_parse_record(record_text, rec), 0);
}

/* Parses run's command line (after "run"). */
static void parse_run(struct cr_cli *cli, const char *const *args)
{
	char *argv[32] = {"conti-rootless", "run"};
	int argc = 2;
	struct cr_error err;

	for (; *args; args++)
		argv[argc++] = (char *)*args;
	ck_assert_int_eq(cli_parse(argc, argv, cli, stdout, &err), 0);
}

static void apply(const char *const *args, struct cr_cli *cli, int want)
{
	struct cr_config rec;
	struct cr_error err = {0};

	record(&rec);
	parse_run(cli, args);
	ck_assert_int_eq(image_apply_record(&cli->cfg, &rec, &err), want);
	config_free(&rec);
}

static void assert_argv(const struct cr_strv *v, const char *const *want)
{
	size_t n = 0;

	for (; want[n]; n++) {
		ck_assert_uint_gt(v->n, n);
		ck_assert_str_eq(v->v[n], want[n]);
	}
	ck_assert_uint_eq(v->n, n);
}

START_TEST(record_parsed)
{
	struct cr_config rec;

	record(&rec);
	ck_assert_str_eq(rec.image, ID_1);
	ck_assert_uint_eq(rec.layers.n, 2);
	ck_assert_str_eq(rec.layers.v[0], HEX_A); /* base first */
	ck_assert_str_eq(rec.stop_signal, "SIGQUIT");
	ck_assert_uint_eq(rec.entrypoint.n, 1);
	ck_assert_uint_eq(rec.args.n, 3);
	config_free(&rec);
	/* no layer parses (run refuses it by name); a layer that is a path, no image: damaged */
	config_init(&rec);
	ck_assert_int_eq(config_parse_record("image=" ID_1 "\n", &rec), 0);
	ck_assert_uint_eq(rec.layers.n, 0);
	config_free(&rec);
	config_init(&rec);
	ck_assert_int_eq(config_parse_record("image=" ID_1 "\nlayer=../../etc\n", &rec), -1);
	config_free(&rec);
	config_init(&rec);
	ck_assert_int_eq(config_parse_record("layer=" HEX_A "\n", &rec), -1);
	config_free(&rec);
}
END_TEST

START_TEST(image_defaults_applied)
{
	struct cr_cli cli;

	apply((const char *const[]){"IMG", NULL}, &cli, 0);
	assert_argv(&cli.cfg.args, (const char *const[]){"/docker-entrypoint.sh", "nginx", "-g",
							 "daemon off;", NULL});
	assert_argv(&cli.cfg.env, (const char *const[]){"PATH=/usr/local/bin:/usr/bin:/bin",
							"NGINX_VERSION=1.25", NULL});
	ck_assert_str_eq(cli.cfg.cwd, "/srv");
	ck_assert(cli.cfg.user_set);
	ck_assert_str_eq(cli.cfg.user, "101:101");
	ck_assert_uint_eq(cli.cfg.uid, 101);
	ck_assert_uint_eq(cli.cfg.gid, 101);
	ck_assert_str_eq(cli.cfg.image, ID_1);
	ck_assert_uint_eq(cli.cfg.layers.n, 2);
	ck_assert_str_eq(cli.cfg.stop_signal, "SIGQUIT");
	ck_assert_str_eq(cli.cfg.labels.v[0], "maintainer=someone");
	ck_assert_str_eq(cli.cfg.expose.v[0], "80/tcp");
	cli_free(&cli);
}
END_TEST

START_TEST(options_win)
{
	struct cr_cli cli;

	apply((const char *const[]){"-e", "NGINX_VERSION=2", "-e", "MINE=1", "-w", "/tmp", "-u",
				    "0", "IMG", "sh", "-c", "x", NULL},
	      &cli, 0);
	/* args replace Cmd, the Entrypoint stays (docker) */
	assert_argv(&cli.cfg.args,
		    (const char *const[]){"/docker-entrypoint.sh", "sh", "-c", "x", NULL});
	/* the image's Env first, -e wins per key and keeps its place */
	assert_argv(&cli.cfg.env, (const char *const[]){"PATH=/usr/local/bin:/usr/bin:/bin",
							"NGINX_VERSION=2", "MINE=1", NULL});
	ck_assert_str_eq(cli.cfg.cwd, "/tmp");
	ck_assert_str_eq(cli.cfg.user, "0");
	ck_assert_uint_eq(cli.cfg.uid, 0);
	cli_free(&cli);
}
END_TEST

START_TEST(entrypoint_option)
{
	struct cr_cli cli;

	/* --entrypoint replaces Entrypoint and drops Cmd */
	apply((const char *const[]){"--entrypoint", "/bin/date", "IMG", NULL}, &cli, 0);
	assert_argv(&cli.cfg.args, (const char *const[]){"/bin/date", NULL});
	assert_argv(&cli.cfg.entrypoint, (const char *const[]){"/bin/date", NULL});
	cli_free(&cli);
	/* ... unless args are given */
	apply((const char *const[]){"--entrypoint", "/bin/echo", "IMG", "a", "b", NULL}, &cli, 0);
	assert_argv(&cli.cfg.args, (const char *const[]){"/bin/echo", "a", "b", NULL});
	cli_free(&cli);
	/* '' clears it: the args alone */
	apply((const char *const[]){"--entrypoint=", "IMG", "ls", NULL}, &cli, 0);
	assert_argv(&cli.cfg.args, (const char *const[]){"ls", NULL});
	ck_assert_uint_eq(cli.cfg.entrypoint.n, 0);
	cli_free(&cli);
}
END_TEST

START_TEST(no_command_is_125)
{
	struct cr_cli cli;
	struct cr_config rec;
	struct cr_error err = {0};

	config_init(&rec);
	ck_assert_int_eq(config_parse_record("image=" ID_1 "\nlayer=" HEX_A "\n", &rec), 0);
	parse_run(&cli, (const char *const[]){"IMG", NULL});
	ck_assert_int_eq(image_apply_record(&cli.cfg, &rec, &err), -1);
	ck_assert_int_eq(err.status, 125);
	ck_assert_ptr_nonnull(strstr(err.msg, "no command: the image has no Cmd or Entrypoint"));
	ck_assert_ptr_nonnull(strstr(err.hint, "give one after IMAGE"));
	cli_free(&cli);
	/* --entrypoint '' and no args: nothing either */
	parse_run(&cli, (const char *const[]){"--entrypoint", "", "IMG", NULL});
	config_free(&rec);
	record(&rec);
	ck_assert_int_eq(image_apply_record(&cli.cfg, &rec, &err), -1);
	cli_free(&cli);
	config_free(&rec);
}
END_TEST

START_TEST(relative_workdir_and_bad_user)
{
	struct cr_cli cli;
	struct cr_config rec;
	struct cr_error err = {0};

	config_init(&rec);
	ck_assert_int_eq(config_parse_record("image=" ID_1 "\nlayer=" HEX_A
					     "\narg=true\ncwd=app\nuser=a/b\n",
					     &rec),
			 0);
	parse_run(&cli, (const char *const[]){"IMG", NULL});
	ck_assert_int_eq(image_apply_record(&cli.cfg, &rec, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "the image's User"));
	cli_free(&cli);
	parse_run(&cli, (const char *const[]){"-u", "0", "IMG", NULL});
	ck_assert_int_eq(image_apply_record(&cli.cfg, &rec, &err), 0);
	ck_assert_str_eq(cli.cfg.cwd, "/app");
	cli_free(&cli);
	config_free(&rec);
}
END_TEST

static const char repos[] = "docker.io/library/debian:12 " ID_1 "\n"
			    "127.0.0.1:5000/busybox:test " ID_2 "\n"
			    "quay.io/x/debian:12 " ID_3 "\n"
			    "localhost/mine:latest " ID_3 "\n"
			    "damaged line\n";

/* A short name in two registries names two images: refused with the full name asked for
 * (podman asks which); one image under both names is found. */
START_TEST(lookup_short_name_in_two_registries)
{
	const char two[] = "docker.io/library/debian:12 " ID_1 "\n"
			   "127.0.0.1:5000/debian:12 " ID_2 "\n";
	const char same[] = "docker.io/library/debian:12 " ID_1 "\n"
			    "127.0.0.1:5000/debian:12 " ID_1 "\n";
	struct cr_strv ids = {0};
	struct cr_error err = {0};
	char id[IMAGE_DIGEST_HEX + 1], name[IMAGE_NAME_LEN];

	strv_push(&ids, ID_1);
	strv_push(&ids, ID_2);
	ck_assert_int_eq(image_find(two, &ids, "debian:12", id, name, sizeof(name), &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "more than one image"));
	ck_assert_ptr_nonnull(strstr(err.hint, "full name"));
	ck_assert_int_eq(
	    image_find(two, &ids, "127.0.0.1:5000/debian:12", id, name, sizeof(name), &err), 1);
	ck_assert_str_eq(id, ID_2);
	ck_assert_int_eq(image_find(same, &ids, "debian:12", id, name, sizeof(name), &err), 1);
	ck_assert_str_eq(id, ID_1);
	ck_assert_str_eq(name, "docker.io/library/debian:12");
	strv_free(&ids);
}
END_TEST

static int find_in(const char *want, char *id, char *name)
{
	struct cr_strv ids = {0};
	struct cr_error err = {0};
	int ret;

	strv_push(&ids, ID_1);
	strv_push(&ids, ID_2);
	strv_push(&ids, ID_3);
	ret = image_find(repos, &ids, want, id, name, IMAGE_NAME_LEN, &err);
	strv_free(&ids);
	return ret;
}

START_TEST(lookup_matching)
{
	char id[IMAGE_DIGEST_HEX + 1], name[IMAGE_NAME_LEN];

	/* full names, docker's normalization */
	ck_assert_int_eq(find_in("docker.io/library/debian:12", id, name), 1);
	ck_assert_str_eq(id, ID_1);
	ck_assert_int_eq(find_in("127.0.0.1:5000/busybox:test", id, name), 1);
	ck_assert_str_eq(id, ID_2);
	ck_assert_str_eq(name, "127.0.0.1:5000/busybox:test");
	/* a short name matches in any registry ("library/" optional) */
	ck_assert_int_eq(find_in("debian:12", id, name), 1);
	ck_assert_str_eq(id, ID_1);
	ck_assert_str_eq(name, "docker.io/library/debian:12");
	/* a short name without a tag is :latest */
	ck_assert_int_eq(find_in("mine", id, name), 1);
	ck_assert_str_eq(id, ID_3);
	ck_assert_int_eq(find_in("debian", id, name), 0);
	ck_assert_int_eq(find_in("busybox:other", id, name), 0);
	/* an ID, sha256:ID, a unique prefix; the name shown is the ID's first */
	ck_assert_int_eq(find_in(ID_3, id, name), 1);
	ck_assert_str_eq(name, "quay.io/x/debian:12");
	ck_assert_int_eq(find_in("sha256:" ID_2, id, name), 1);
	ck_assert_str_eq(id, ID_2);
	ck_assert_int_eq(find_in("333", id, name), 1);
	ck_assert_str_eq(id, ID_3);
	ck_assert_int_eq(find_in("112", id, name), 1);
	ck_assert_str_eq(id, ID_2);
	/* an ambiguous prefix is an error, an unknown one is not there */
	ck_assert_int_eq(find_in("11", id, name), -1);
	ck_assert_int_eq(find_in("4", id, name), 0);
}
END_TEST

START_TEST(lookup_id_without_name)
{
	char id[IMAGE_DIGEST_HEX + 1], name[IMAGE_NAME_LEN];
	struct cr_strv ids = {0};
	struct cr_error err = {0};

	strv_push(&ids, HEX_A);
	ck_assert_int_eq(image_find(NULL, &ids, "aaa", id, name, sizeof(name), &err), 1);
	ck_assert_str_eq(name, "aaaaaaaaaaaa"); /* the short ID */
	ck_assert_int_eq(image_find(NULL, &ids, "debian", id, name, sizeof(name), &err), 0);
	strv_free(&ids);
}
END_TEST

START_TEST(container_config_with_image)
{
	struct cr_config cfg, back;
	char *text;

	config_init(&cfg);
	cfg.name = strdup("web");
	cfg.rootfs = strdup("");
	cfg.image = strdup(ID_1);
	cfg.image_name = strdup("docker.io/library/nginx:latest");
	strv_push(&cfg.layers, HEX_A);
	strv_push(&cfg.layers, HEX_B);
	strv_push(&cfg.entrypoint, "/e.sh");
	strv_push(&cfg.args, "/e.sh");
	cfg.stop_signal = strdup("SIGQUIT");
	strv_push(&cfg.labels, "a=b\nc");
	strv_push(&cfg.expose, "80/tcp");
	text = config_serialize(&cfg);
	ck_assert_ptr_nonnull(strstr(text, "image=" ID_1 "\nimage_name="));
	ck_assert_ptr_nonnull(strstr(text, "layer=" HEX_A "\nlayer=" HEX_B "\n"));
	config_init(&back);
	ck_assert_int_eq(config_parse(text, &back), 0);
	ck_assert_str_eq(back.rootfs, "");
	ck_assert_str_eq(back.image, ID_1);
	ck_assert_str_eq(back.image_name, "docker.io/library/nginx:latest");
	ck_assert_uint_eq(back.layers.n, 2);
	ck_assert_str_eq(back.layers.v[1], HEX_B);
	ck_assert_str_eq(back.stop_signal, "SIGQUIT");
	ck_assert_str_eq(back.labels.v[0], "a=b\nc");
	ck_assert_str_eq(back.expose.v[0], "80/tcp");
	config_free(&back);
	free(text);
	config_free(&cfg);
	/* an empty rootfs without an image, or an image without layers: damaged */
	config_init(&back);
	ck_assert_int_eq(config_parse("name=x\nrootfs=\n", &back), -1);
	config_free(&back);
	config_init(&back);
	ck_assert_int_eq(config_parse("name=x\nrootfs=\nimage=" ID_1 "\n", &back), -1);
	config_free(&back);
}
END_TEST

static struct cr_facts image_facts(const char *const *lowers, size_t n)
{
	static const bool no_dirs[8];

	return (struct cr_facts){.rootfs = "",
				 .lowers = lowers,
				 .nlowers = n,
				 .root_mnt = "/run/c/rootfs",
				 .upper = "/d/containers/c/upper",
				 .work = "/d/containers/c/work",
				 .hostname = "c",
				 .overlay = CR_OVERLAY_KERNEL,
				 .overlay_fallback = true,
				 .tty_gid_mapped = true,
				 .src_is_dir = no_dirs};
}

START_TEST(plan_multi_layer_overlay)
{
	struct cr_config cfg;
	struct cr_strv layers = {0}, lowers = {0};
	struct cr_plan p;
	struct cr_error err;
	struct cr_facts f;
	char line[4096];
	const struct cr_op *op = NULL;

	config_init(&cfg);
	strv_push(&layers, HEX_A); /* base */
	strv_push(&layers, HEX_B); /* top */
	image_lower_dirs("/d", &layers, &lowers);
	ck_assert_str_eq(lowers.v[0], "/d/images/layers/" HEX_B); /* top first */
	ck_assert_str_eq(lowers.v[1], "/d/images/layers/" HEX_A);
	f = image_facts((const char *const *)lowers.v, lowers.n);
	ck_assert_int_eq(plan_build(&cfg, &f, &p, &err), 0);
	for (size_t i = 0; i < p.n && !op; i++)
		op = p.ops[i].kind == CR_OP_MOUNT_OVERLAY ? &p.ops[i] : NULL;
	ck_assert_ptr_nonnull(op);
	ck_assert_str_eq(op->data, "lowerdir=/d/images/layers/" HEX_B ":/d/images/layers/" HEX_A
				   ",upperdir=/d/containers/c/upper,workdir=/d/containers/c/work,"
				   "userxattr");
	/* --trace prints it with its layers */
	plan_format_op(op, "/run/c/rootfs", line, sizeof(line));
	ck_assert_str_eq(line, "mount -t overlay overlay -o lowerdir=/d/images/layers/" HEX_B
			       ":/d/images/layers/" HEX_A
			       ",upperdir=/d/containers/c/upper,workdir=/d/containers/c/work,"
			       "userxattr /run/c/rootfs");
	plan_free(&p);
	/* fuse-overlayfs gets the same lowerdir list */
	f.overlay = CR_OVERLAY_FUSE;
	ck_assert_int_eq(plan_build(&cfg, &f, &p, &err), 0);
	ck_assert_int_eq(p.ops[2].kind, CR_OP_MOUNT_FUSE);
	ck_assert_ptr_nonnull(
	    strstr(p.ops[2].data, "lowerdir=/d/images/layers/" HEX_B ":/d/images/layers/" HEX_A));
	plan_free(&p);
	/* --overlay=none: refused, one line */
	f.overlay = CR_OVERLAY_NONE;
	ck_assert_int_eq(plan_build(&cfg, &f, &p, &err), -1);
	ck_assert_int_eq(err.status, 125);
	ck_assert_ptr_nonnull(strstr(err.msg, "--overlay=none cannot run an image"));
	strv_free(&layers);
	strv_free(&lowers);
	config_free(&cfg);
}
END_TEST

START_TEST(plan_layer_limit)
{
	struct cr_config cfg;
	struct cr_strv lowers = {0};
	struct cr_plan p;
	struct cr_error err;
	struct cr_facts f;

	config_init(&cfg);
	for (int i = 0; i < PLAN_MAX_LOWERS; i++)
		strv_push(&lowers, "/l");
	f = image_facts((const char *const *)lowers.v, lowers.n);
	ck_assert_int_eq(plan_build(&cfg, &f, &p, &err), 0);
	plan_free(&p);
	strv_push(&lowers, "/l");
	f = image_facts((const char *const *)lowers.v, lowers.n);
	ck_assert_int_eq(plan_build(&cfg, &f, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "501 layers"));
	ck_assert_ptr_nonnull(strstr(err.msg, "at most 500"));
	strv_free(&lowers);
	config_free(&cfg);
}
END_TEST

START_TEST(lowerdir_escaped)
{
	const char *const dirs[] = {"/a:b", "/c,d", "/e\\f"};
	char *s = plan_lowerdir(dirs, 3);

	ck_assert_str_eq(s, "/a\\:b:/c\\,d:/e\\\\f");
	free(s);
}
END_TEST

START_TEST(run_options_and_forwarding)
{
	struct cr_cli cli;
	struct cr_error err;
	char *bad[] = {"conti-rootless", "run", "--pull", "sometimes", "x", NULL};
	char *pull[] = {"conti-rootless", "--trace", "pull", "-q", "debian:12", NULL};
	char *image[] = {"conti-rootless", "image", "inspect", "x", NULL};
	char *help[] = {"conti-rootless", "help", "rmi", NULL};

	parse_run(&cli, (const char *const[]){"--pull=always", "IMG", NULL});
	ck_assert_int_eq(cli.cfg.pull, CR_PULL_ALWAYS);
	cli_free(&cli);
	parse_run(&cli, (const char *const[]){"--pull", "never", "IMG", NULL});
	ck_assert_int_eq(cli.cfg.pull, CR_PULL_NEVER);
	cli_free(&cli);
	parse_run(&cli, (const char *const[]){"IMG", NULL});
	ck_assert_int_eq(cli.cfg.pull, CR_PULL_MISSING);
	cli_free(&cli);
	ck_assert_int_eq(cli_parse(5, bad, &cli, stdout, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "missing|always|never"));
	cli_free(&cli);
	/* the helper gets the user's argv from the command word on */
	ck_assert_int_eq(cli_parse(5, pull, &cli, stdout, &err), 0);
	ck_assert_int_eq(cli.command, CR_CMD_IMAGE);
	assert_argv(&cli.names, (const char *const[]){"pull", "-q", "debian:12", NULL});
	ck_assert_ptr_null(cli.names.v[cli.names.n]); /* execv's */
	cli_free(&cli);
	ck_assert_int_eq(cli_parse(4, image, &cli, stdout, &err), 0);
	assert_argv(&cli.names, (const char *const[]){"image", "inspect", "x", NULL});
	cli_free(&cli);
	ck_assert_int_eq(cli_parse(3, help, &cli, stdout, &err), 0);
	ck_assert_int_eq(cli.command, CR_CMD_IMAGE);
	assert_argv(&cli.names, (const char *const[]){"rmi", "--help", NULL});
	cli_free(&cli);
	for (const char *const *w =
		 (const char *const[]){"pull", "load", "images", "image", "rmi", "tag", "import",
				       "save", "commit", "system", NULL};
	     *w; w++)
		ck_assert(image_is_helper_command(*w));
	ck_assert(!image_is_helper_command("run"));
	ck_assert(!image_is_helper_command("ps"));
}
END_TEST

/* -P: the image's ExposedPorts (80/tcp) on a free host port, unless -p publishes it; without
 * -P nothing is published. */
START_TEST(publish_all_exposed)
{
	struct cr_cli cli;

	apply((const char *const[]){"-P", "IMG", NULL}, &cli, 0);
	ck_assert_int_eq(cli.cfg.net, CR_NET_PRIVATE);
	ck_assert_uint_eq(cli.cfg.nports, 1);
	ck_assert_uint_eq(cli.cfg.ports[0].ctr_port, 80);
	ck_assert_uint_eq(cli.cfg.ports[0].host_port, 0);
	ck_assert_uint_eq(cli.cfg.ports[0].proto, CR_PROTO_TCP);
	cli_free(&cli);
	apply((const char *const[]){"-P", "-p", "8080:80", "IMG", NULL}, &cli, 0);
	ck_assert_uint_eq(cli.cfg.nports, 1);
	ck_assert_uint_eq(cli.cfg.ports[0].host_port, 8080);
	cli_free(&cli);
	apply((const char *const[]){"IMG", NULL}, &cli, 0);
	ck_assert_uint_eq(cli.cfg.nports, 0);
	ck_assert_int_eq(cli.cfg.net, CR_NET_HOST);
	cli_free(&cli);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("image");

	tcase_add_test(tc, record_parsed);
	tcase_add_test(tc, image_defaults_applied);
	tcase_add_test(tc, options_win);
	tcase_add_test(tc, entrypoint_option);
	tcase_add_test(tc, no_command_is_125);
	tcase_add_test(tc, relative_workdir_and_bad_user);
	tcase_add_test(tc, lookup_matching);
	tcase_add_test(tc, lookup_id_without_name);
	tcase_add_test(tc, lookup_short_name_in_two_registries);
	tcase_add_test(tc, container_config_with_image);
	tcase_add_test(tc, plan_multi_layer_overlay);
	tcase_add_test(tc, plan_layer_limit);
	tcase_add_test(tc, lowerdir_escaped);
	tcase_add_test(tc, run_options_and_forwarding);
	tcase_add_test(tc, publish_all_exposed);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
