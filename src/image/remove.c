/* remove.c - deleting from the store: rmi, image prune, and the step that deletes layer dirs
 * (as root in the user namespace: they hold files of many owners). Both commands hold the
 * store's lock exclusive, so no pull, commit or start is using what they delete; a layer or
 * blob goes only when no image record and no container config names it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/catalog.h"
#include "image/commands.h"
#include "image/format.h"
#include "image/oci.h"
#include "image/store.h"
#include "utils.h"

/* True when rel is a dir the rm step may delete: tmp/NAME, layers/HEX or layers/.tmp-NAME,
 * one component beneath them, no dots. */
static bool removable(const char *rel)
{
	const char *base;

	if (!strncmp(rel, "tmp/", 4))
		base = rel + 4;
	else if (!strncmp(rel, "layers/", 7))
		base = rel + 7;
	else
		return false;
	if (!*base || strchr(base, '/') || !strcmp(base, ".") || !strcmp(base, ".."))
		return false;
	return base == rel + 4 || image_is_hex64(base) || !strncmp(base, ".tmp-", 5);
}

int image_step_rm(int argc, char **argv, struct cr_error *err)
{
	struct image_store s;
	int ret = 0;

	if (argc < 2)
		return cr_fail(err, EINVAL, "rm step: usage: rm STORE_ROOT REL...");
	if (image_store_open_at(&s, argv[1], err) < 0)
		return -1;
	for (int i = 2; i < argc; i++) {
		if (!removable(argv[i])) {
			ret = cr_fail(err, EINVAL, "rm step: %s is no layer or work dir", argv[i]);
			break;
		}
		if (image_store_remove(&s, argv[i], err) < 0) {
			ret = -1;
			break;
		}
	}
	image_store_close(&s);
	return ret;
}

/* Runs `$CONTI_ROOTLESS_BIN rm -f NAME` for each container (rmi -f, as podman). */
static int remove_containers(char **names, struct cr_error *err)
{
	const char *bin = getenv("CONTI_ROOTLESS_BIN");

	if (!bin || bin[0] != '/')
		return cr_fail(err, 0,
			       "CONTI_ROOTLESS_BIN is not set: run this through conti-rootless");
	for (char **n = names; *n; n++) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			return cr_fail(err, errno, "fork");
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0)
				dup2(null, 1);
			execl(bin, bin, "rm", "-f", *n, (char *)NULL);
			_exit(CR_EXIT_NOT_FOUND);
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return cr_fail(err, 0, "rmi -f: could not remove container %s", *n);
	}
	return 0;
}

static void free_strv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* The blobs the records of c name (config, manifest, and the manifest's layers): what
 * garbage collection keeps. */
static bool blob_used(const struct image_store *s, const struct image_catalog *c, const char *hex)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct image_info *im = &c->v[i];
		cleanup_free char *m = image_record_value(im->record, "manifest");
		cleanup_free char *text = NULL;
		struct image_manifest man;
		struct cr_error ignored;
		size_t len = 0;
		bool hit = false;

		if (!im->record[0])
			continue; /* removed by this command */
		if (!strcmp(im->id, hex) || (m && !strcmp(m, hex)))
			return true;
		if (!m)
			continue;
		text = image_blob_read(s, m, IMAGE_JSON_MAX, &len, &ignored);
		if (!text || image_manifest_parse(text, len, &man, &ignored) < 0)
			continue;
		for (size_t j = 0; j < man.nlayers && !hit; j++)
			hit = !strcmp(man.layers[j].digest, hex);
		image_manifest_free(&man);
		if (hit)
			return true;
	}
	return false;
}

static bool is_blob_name(const char *n)
{
	return image_is_hex64(n);
}

/* Deletes the layers and blobs no image of c and no container uses, and what killed
 * commands left; adds the bytes freed to *freed. The caller holds the lock exclusive. */
static int collect_unused(struct image_store *s, const struct image_catalog *c, bool print,
			  unsigned long long *freed, struct cr_error *err)
{
	size_t nl = 0, na = 0;
	DIR *d;
	struct dirent *e;
	int fd = image_store_openat(s, "layers", O_RDONLY | O_DIRECTORY, 0);
	char **layers = cr_xcalloc(1, sizeof(*layers));
	const char **args;
	int ret = 0;

	d = fd >= 0 ? fdopendir(fd) : NULL;
	while (d && (e = readdir(d))) {
		char **users;
		bool used;

		if (!image_is_hex64(e->d_name))
			continue;
		users = image_containers_using(s, NULL, e->d_name);
		used = users[0] || image_catalog_layer_users(c, e->d_name, NULL);
		free_strv(users);
		if (used)
			continue;
		layers = cr_xrealloc(layers, (nl + 2) * sizeof(*layers));
		layers[nl++] = cr_xstrdup(e->d_name);
		layers[nl] = NULL;
	}
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
	args = cr_xcalloc(nl + 2, sizeof(*args));
	args[na++] = s->root;
	for (size_t i = 0; i < nl; i++) {
		*freed += image_layer_size(s, layers[i]);
		if (print)
			printf("Deleted: sha256:%s\n", layers[i]);
		args[na++] = cr_xasprintf("layers/%s", layers[i]);
	}
	if (na > 1)
		ret = image_userns_step("rm", args, -1, err);
	for (size_t i = 0; ret == 0 && i < nl; i++) {
		cleanup_free char *rel = cr_xasprintf("layers/%s.size", layers[i]);

		unlinkat(s->root_fd, rel, 0);
	}
	for (size_t i = 1; i < na; i++)
		free((char *)args[i]);
	free(args);
	free_strv(layers);
	if (ret < 0)
		return -1;
	{
		size_t nb = 0;
		int bfd = image_store_openat(s, "blobs/sha256", O_RDONLY | O_DIRECTORY, 0);
		DIR *bd = bfd >= 0 ? fdopendir(bfd) : NULL;

		(void)nb;
		while (bd && (e = readdir(bd))) {
			if (!is_blob_name(e->d_name) || blob_used(s, c, e->d_name))
				continue;
			unlinkat(dirfd(bd), e->d_name, 0);
		}
		if (bd)
			closedir(bd);
		else if (bfd >= 0)
			close(bfd);
	}
	return image_store_collect(s, err);
}

/* Removes image im of c: its names, its record; 1 and the conflict in err when a container
 * uses it and not force. */
static int remove_image(struct image_store *s, struct image_catalog *c, struct image_info *im,
			bool force, bool print, struct cr_error *err)
{
	char **users = image_containers_using(s, im->id, NULL);

	if (users[0] && !force) {
		cr_fail(
		    err, 0,
		    "conflict: unable to remove image %.12s: image is being used by container %s",
		    im->id, users[0]);
		cr_hint(err, "remove the container first, or use rmi -f");
		free_strv(users);
		return 1;
	}
	if (users[0] && remove_containers(users, err) < 0) {
		free_strv(users);
		return -1;
	}
	free_strv(users);
	if (image_store_names_lock(s, err) < 0)
		return -1;
	for (size_t j = 0; j < im->nnames; j++) {
		if (image_repos_remove(s, im->names[j], err) < 0) {
			image_store_names_unlock(s);
			return -1;
		}
		if (print)
			printf("Untagged: %s\n", im->names[j]);
	}
	if (image_record_remove(s, im->id, err) < 0) {
		image_store_names_unlock(s);
		return -1;
	}
	image_store_names_unlock(s);
	if (print)
		printf("Deleted: sha256:%s\n", im->id);
	/* Out of the catalog: its layers are no longer its. */
	for (size_t j = 0; j < im->nlayers; j++)
		im->layers[j][0] = '\0';
	free(im->record);
	im->record = cr_xstrdup("");
	return 0;
}

int image_cmd_rmi(int argc, char **argv, struct cr_error *err)
{
	struct image_store s;
	struct image_catalog c;
	bool force = false;
	int first = 1, status = 0;
	unsigned long long freed = 0;

	for (; first < argc && argv[first][0] == '-'; first++) {
		if (!strcmp(argv[first], "-f") || !strcmp(argv[first], "--force")) {
			force = true;
		} else {
			cr_fail(err, 0, "rmi: unknown option %s", argv[first]);
			return cr_hint(err, "usage: conti-rootless rmi [-f] IMAGE...");
		}
	}
	if (first >= argc) {
		cr_fail(err, 0, "rmi needs an image");
		return cr_hint(err, "usage: conti-rootless rmi [-f] IMAGE...");
	}
	if (image_store_open(&s, err) < 0)
		return -1;
	/* Exclusive: no pull, commit or run start is between reading a record and using its
	 * layers while they go. */
	if (image_store_lock(&s, true, err) < 0 || image_catalog_load(&s, &c, err) < 0) {
		image_store_close(&s);
		return -1;
	}
	for (int i = first; i < argc; i++) {
		char id[IMAGE_HEX_LEN + 1], matched[600];
		struct cr_error e = {.status = CR_EXIT_TOOL};
		struct image_info *im;
		int r;

		if (image_store_resolve(&s, argv[i], id, matched, sizeof(matched), &e) < 0 ||
		    !(im = image_catalog_find(&c, id)) || !im->record[0]) {
			if (!e.msg[0])
				cr_fail(&e, 0, "image %s not known", argv[i]);
			cr_error_print(&e);
			*err = e;
			status = status ? status : CR_EXIT_TOOL;
			continue;
		}
		if (matched[0] && im->nnames > 1) {
			/* A name of an image with others: docker only untags it. */
			if (image_repos_remove(&s, matched, &e) < 0) {
				cr_error_print(&e);
				status = CR_EXIT_TOOL;
				continue;
			}
			printf("Untagged: %s\n", matched);
			for (size_t j = 0; j < im->nnames; j++) {
				if (!strcmp(im->names[j], matched)) {
					free(im->names[j]);
					im->names[j] = im->names[--im->nnames];
					im->names[im->nnames] = NULL;
					break;
				}
			}
			continue;
		}
		if (!matched[0] && im->nnames > 1 && !force) {
			cr_fail(&e, 0,
				"conflict: unable to delete %.12s (must be forced) - image is "
				"referenced in multiple repositories",
				id);
			cr_error_print(&e);
			status = status ? status : 1;
			continue;
		}
		r = remove_image(&s, &c, im, force, true, &e);
		if (r != 0) {
			cr_error_print(&e);
			status = r > 0 ? (status ? status : 1) : CR_EXIT_TOOL;
		}
	}
	if (collect_unused(&s, &c, false, &freed, err) < 0 && !status) {
		cr_error_print(err);
		status = CR_EXIT_TOOL;
	}
	image_catalog_free(&c);
	image_store_close(&s);
	fflush(stdout);
	return status;
}

/* Reads the answer to docker's question; true for y/yes. */
static bool confirm(const char *warning)
{
	char line[64];

	fprintf(stderr, "WARNING! %s\nAre you sure you want to continue? [y/N] ", warning);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return !strcmp(line, "y\n") || !strcmp(line, "Y\n") || !strcasecmp(line, "yes\n");
}

int image_cmd_prune(int argc, char **argv, struct cr_error *err)
{
	struct image_store s;
	struct image_catalog c;
	bool all = false, force = false, header = false;
	unsigned long long freed = 0;
	char size[32];
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all"))
			all = true;
		else if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force"))
			force = true;
		else {
			cr_fail(err, 0, "image prune: unknown argument %s", argv[i]);
			return cr_hint(err, "usage: conti-rootless image prune [-a] [-f]");
		}
	}
	if (!force && !confirm(all ? "This will remove all images without at least one container "
				     "associated to them."
				   : "This will remove all dangling images."))
		return 0;
	if (image_store_open(&s, err) < 0)
		return -1;
	if (image_store_lock(&s, true, err) < 0 || image_catalog_load(&s, &c, err) < 0) {
		image_store_close(&s);
		return -1;
	}
	for (size_t i = 0; i < c.n && ret == 0; i++) {
		struct image_info *im = &c.v[i];

		if (im->containers || (!all && im->nnames))
			continue;
		if (!header)
			printf("Deleted Images:\n");
		header = true;
		for (size_t j = 0; j < im->nnames; j++)
			printf("untagged: %s\n", im->names[j]);
		printf("deleted: sha256:%s\n", im->id);
		if (remove_image(&s, &c, im, false, false, err) != 0)
			ret = -1;
	}
	if (ret == 0 && collect_unused(&s, &c, false, &freed, err) < 0)
		ret = -1;
	image_human_size(freed, size, sizeof(size));
	if (ret == 0)
		printf("%sTotal reclaimed space: %s\n", header ? "\n" : "", size);
	image_catalog_free(&c);
	image_store_close(&s);
	return ret;
}
