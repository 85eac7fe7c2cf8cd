/* main.c - conti-rootless-image: the image commands of conti-rootless (pull, images, rmi,
 * ...), a program of its own so that the front end never loads json-c, libarchive or
 * libcrypto. The front end execs it with the user's argv from the command word on and
 * CONTI_ROOTLESS_BIN set; it runs itself again as `--userns-step OP ARGS` inside the tool's
 * user namespace for what must be done as root there (unpacking and removing layers). */
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "image/build.h"
#include "image/commands.h"
#include "image/store.h"
#include "utils.h"

typedef int (*image_fn)(int argc, char **argv, struct cr_error *err);

struct image_entry {
	const char *name;
	image_fn fn;
};

/* The top-level commands; `image NAME` takes the same (plus ls/list/rm). */
static const struct image_entry commands[] = {
    {"pull", image_cmd_pull},	  {"images", image_cmd_images}, {"inspect", image_cmd_inspect},
    {"tag", image_cmd_tag},	  {"rmi", image_cmd_rmi},	{"prune", image_cmd_prune},
    {"df", image_cmd_df},	  {"commit", image_cmd_commit}, {"save", image_cmd_save},
    {"import", image_cmd_import}, {"load", image_cmd_load},
};

/* What `image SUB` means, where SUB is not a top-level name. */
static const struct image_entry image_subs[] = {
    {"ls", image_cmd_images},
    {"list", image_cmd_images},
    {"rm", image_cmd_rmi},
};

/* The steps run as root in the user namespace. */
static const struct image_entry steps[] = {
    {"unpack", image_step_unpack},
    {"pack", image_step_pack},
    {"rm", image_step_rm},
    {"du", image_step_du},
};

static image_fn find(const struct image_entry *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].name, name))
			return v[i].fn;
	}
	return NULL;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int run_step(int argc, char **argv)
{
	struct cr_error err = {.status = CR_EXIT_TOOL};
	image_fn fn = argc > 2 ? find(steps, N(steps), argv[2]) : NULL;

	if (!fn) {
		cr_fail(&err, 0, "unknown userns step %s", argc > 2 ? argv[2] : "(none)");
		image_step_report(&err);
		return CR_EXIT_TOOL;
	}
	umask(022);
	/* The step dies with the helper that runs it (joining the user namespace reset what
	 * the helper's child could have set): an orphan would go on writing the store with no
	 * lock held, under an rmi collecting its work. */
	{
		const char *parent = getenv(IMAGE_STEP_PARENT_ENV);
		unsigned long ppid;

		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
		    (parent && cr_parse_ulong(parent, &ppid) && (pid_t)ppid != getppid())) {
			cr_fail(&err, 0, "userns step %s: the helper that ran it is gone", argv[2]);
			image_step_report(&err);
			return CR_EXIT_TOOL;
		}
	}
	if (fn(argc - 2, argv + 2, &err) < 0) {
		image_step_report(&err);
		return err.status ? err.status : CR_EXIT_TOOL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cr_error err = {.status = CR_EXIT_TOOL};
	image_fn fn = NULL;
	int ret;

	if (argc > 1 && !strcmp(argv[1], "--userns-step"))
		return run_step(argc, argv);
	if (argc < 2) {
		fprintf(stderr, "Usage: conti-rootless-image COMMAND [ARG...] (run it through "
				"conti-rootless: `conti-rootless images`)\n");
		return CR_EXIT_TOOL;
	}
	argc--;
	argv++;
	if (!strcmp(argv[0], "image") || !strcmp(argv[0], "system")) {
		bool system = argv[0][0] == 's';

		if (argc < 2) {
			cr_fail(&err, 0, "%s: which command?", argv[0]);
			cr_hint(&err, system ? "conti-rootless system df"
					     : "conti-rootless image ls|inspect|rm|prune|tag|pull");
			cr_error_print(&err);
			return CR_EXIT_TOOL;
		}
		argc--;
		argv++;
		if (system)
			fn = !strcmp(argv[0], "df") ? find(commands, N(commands), "df") : NULL;
		else
			fn = find(image_subs, N(image_subs), argv[0]);
		if (!fn && !system && strcmp(argv[0], "df") != 0)
			fn = find(commands, N(commands), argv[0]);
	} else if (strcmp(argv[0], "prune") != 0 && strcmp(argv[0], "df") != 0) {
		fn = find(commands, N(commands), argv[0]);
	}
	if (!fn) {
		cr_fail(&err, 0, "unknown image command %s", argv[0]);
		cr_hint(&err, "see `conti-rootless --help`");
		cr_error_print(&err);
		return CR_EXIT_TOOL;
	}
	ret = fn(argc, argv, &err);
	if (ret < 0) {
		cr_error_print(&err);
		return err.status ? err.status : CR_EXIT_TOOL;
	}
	return ret;
}
