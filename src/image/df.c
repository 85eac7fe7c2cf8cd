/* df.c - `system df [-v]`: what images and containers use on disk, docker's table. Layers
 * are counted once however many images share them; the sizes of containers' writable
 * layers are measured in the user namespace (their files belong to many ids). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "image/catalog.h"
#include "image/commands.h"
#include "image/format.h"
#include "image/oci.h"
#include "ps-format.h"
#include "state.h"
#include "utils.h"

/* Bytes the files beneath dirfd hold (regular files' sizes, hard links once per dir walk is
 * not tracked: st_blocks would count holes; docker counts sizes). */
static unsigned long long du_fd(int dfd, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	unsigned long long sum = 0;

	if (!d) {
		close(dfd);
		return 0;
	}
	while ((e = readdir(d))) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISREG(st.st_mode))
			sum += (unsigned long long)st.st_size;
		else if (S_ISDIR(st.st_mode) && depth < 4096) {
			int fd = openat(dirfd(d), e->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (fd >= 0)
				sum += du_fd(fd, depth + 1);
		}
	}
	closedir(d);
	return sum;
}

int image_step_du(int argc, char **argv, struct cr_error *err)
{
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		printf("%llu\n", fd >= 0 ? du_fd(fd, 0) : 0ULL);
	}
	fflush(stdout);
	return 0;
}

struct ctr {
	char *name;
	char *image; /* image=ID, or NULL */
	bool running;
	unsigned long long size;
};

/* The containers, whether they run, and their writable layers' sizes. */
static struct ctr *load_containers(size_t *n, struct cr_error *err)
{
	struct cr_paths paths;
	char **names;
	struct ctr *v;
	const char **args;
	cleanup_free char *out = NULL;

	*n = 0;
	if (state_paths_init(&paths, err) < 0)
		return NULL;
	names = state_list(&paths, n);
	v = cr_xcalloc(*n ? *n : 1, sizeof(*v));
	args = cr_xcalloc(*n + 1, sizeof(*args));
	for (size_t i = 0; i < *n; i++) {
		struct cr_state st;
		struct cr_error ignored;

		v[i].name = names[i];
		args[i] = cr_xasprintf("%s/containers/%s/upper", paths.data, names[i]);
		if (state_open_unlocked(&paths, names[i], &st, &ignored) == 0) {
			cleanup_free char *cfg = state_read_config(&st);

			v[i].running = state_is_locked(&st);
			v[i].image = cfg ? image_record_value(cfg, "image") : NULL;
			state_release(&st);
		}
	}
	free(names);
	if (*n) {
		struct cr_error ignored;

		out = image_userns_step_output("du", args, 1 << 20, &ignored);
		for (size_t i = 0, at = 0; out && i < *n; i++) {
			v[i].size = strtoull(out + at, NULL, 10);
			while (out[at] && out[at] != '\n')
				at++;
			if (out[at])
				at++;
		}
	}
	for (size_t i = 0; i < *n; i++)
		free((char *)args[i]);
	free(args);
	state_paths_free(&paths);
	return v;
}

/* Adds line (malloc'ed, taken) with the newline psf_print_columns wants. */
static void push_line(char ***lines, size_t *n, char *line)
{
	*lines = cr_xrealloc(*lines, (*n + 1) * sizeof(**lines));
	(*lines)[(*n)++] = cr_xasprintf("%s\n", line);
	free(line);
}

static void flush_lines(char **lines, size_t n)
{
	psf_print_columns(stdout, lines, n);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* "X (Y%)" of part in whole. */
static char *reclaim(unsigned long long part, unsigned long long whole)
{
	char s[32];

	image_human_size(part, s, sizeof(s));
	return cr_xasprintf("%s (%llu%%)", s, whole ? part * 100 / whole : 0);
}

int image_cmd_df(int argc, char **argv, struct cr_error *err)
{
	struct image_store s;
	struct image_catalog c;
	struct ctr *ctrs;
	size_t nctr = 0, active = 0, nlines = 0, running = 0;
	unsigned long long total = 0, reclaimable = 0, csize = 0, creclaim = 0;
	bool verbose = argc > 1 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--verbose"));
	char **lines = NULL, a[32], b[32];
	char **layers = NULL;
	size_t nlayers = 0;
	long long now = (long long)time(NULL);

	if (argc > 2 || (argc == 2 && !verbose)) {
		cr_fail(err, 0, "system df: unknown argument %s", argv[1]);
		return cr_hint(err, "usage: conti-rootless system df [-v]");
	}
	if (image_store_open(&s, err) < 0)
		return -1;
	if (image_catalog_load(&s, &c, err) < 0) {
		image_store_close(&s);
		return -1;
	}
	ctrs = load_containers(&nctr, err);
	if (!ctrs) {
		image_catalog_free(&c);
		image_store_close(&s);
		return -1;
	}
	/* Every layer once: its size counts to the total; to reclaimable when no image in use
	 * holds it. */
	for (size_t i = 0; i < c.n; i++) {
		if (c.v[i].containers)
			active++;
		for (size_t j = 0; j < c.v[i].nlayers; j++) {
			bool seen = false, used = false;
			const char *l = c.v[i].layers[j];
			unsigned long long sz;

			for (size_t k = 0; k < nlayers && !seen; k++)
				seen = !strcmp(layers[k], l);
			if (seen)
				continue;
			layers = cr_xrealloc(layers, (nlayers + 1) * sizeof(*layers));
			layers[nlayers++] = c.v[i].layers[j];
			sz = image_layer_size(&s, l);
			total += sz;
			for (size_t k = 0; k < c.n && !used; k++) {
				if (!c.v[k].containers)
					continue;
				for (size_t m = 0; m < c.v[k].nlayers && !used; m++)
					used = !strcmp(c.v[k].layers[m], l);
			}
			if (!used)
				reclaimable += sz;
		}
	}
	for (size_t i = 0; i < nctr; i++) {
		csize += ctrs[i].size;
		if (ctrs[i].running)
			running++;
		else
			creclaim += ctrs[i].size;
	}
	push_line(&lines, &nlines, cr_xstrdup("TYPE\tTOTAL\tACTIVE\tSIZE\tRECLAIMABLE"));
	image_human_size(total, a, sizeof(a));
	{
		cleanup_free char *r = reclaim(reclaimable, total);

		push_line(&lines, &nlines,
			  cr_xasprintf("Images\t%zu\t%zu\t%s\t%s", c.n, active, a, r));
	}
	image_human_size(csize, a, sizeof(a));
	{
		cleanup_free char *r = reclaim(creclaim, csize);

		push_line(&lines, &nlines,
			  cr_xasprintf("Containers\t%zu\t%zu\t%s\t%s", nctr, running, a, r));
	}
	if (verbose)
		printf("Images space usage:\n\n");
	else
		flush_lines(lines, nlines), lines = NULL, nlines = 0;
	if (verbose) {
		for (size_t i = 0; i < nlines; i++)
			free(lines[i]);
		free(lines);
		lines = NULL;
		nlines = 0;
		push_line(
		    &lines, &nlines,
		    cr_xstrdup("REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\tSHARED SIZE\tUNIQUE "
			       "SIZE\tCONTAINERS"));
		for (size_t i = 0; i < c.n; i++) {
			const struct image_info *im = &c.v[i];
			unsigned long long shared = 0, unique = 0;
			char repo[512] = "<none>", tag[256] = "<none>", dg[128], when[64], sz[32];

			for (size_t j = 0; j < im->nlayers; j++) {
				unsigned long long l = image_layer_size(&s, im->layers[j]);

				if (image_catalog_layer_users(&c, im->layers[j], im))
					shared += l;
				else
					unique += l;
			}
			if (im->nnames)
				image_split_name(im->names[0], repo, sizeof(repo), tag, sizeof(tag),
						 dg, sizeof(dg));
			psf_ago(im->created, now, when, sizeof(when));
			image_human_size(im->size, sz, sizeof(sz));
			image_human_size(shared, a, sizeof(a));
			image_human_size(unique, b, sizeof(b));
			push_line(&lines, &nlines,
				  cr_xasprintf("%s\t%s\t%.12s\t%s\t%s\t%s\t%s\t%zu", repo, tag,
					       im->id, when[0] ? when : "N/A", sz, a, b,
					       im->containers));
		}
		flush_lines(lines, nlines);
		lines = NULL;
		nlines = 0;
		printf("\nLayers space usage:\n\n");
		push_line(&lines, &nlines, cr_xstrdup("LAYER ID\tSIZE\tIMAGES"));
		for (size_t i = 0; i < nlayers; i++) {
			image_human_size(image_layer_size(&s, layers[i]), a, sizeof(a));
			push_line(&lines, &nlines,
				  cr_xasprintf("%.12s\t%s\t%zu", layers[i], a,
					       image_catalog_layer_users(&c, layers[i], NULL)));
		}
		flush_lines(lines, nlines);
		lines = NULL;
		nlines = 0;
		printf("\nContainers space usage:\n\n");
		push_line(&lines, &nlines, cr_xstrdup("NAME\tIMAGE\tSIZE\tSTATUS"));
		for (size_t i = 0; i < nctr; i++) {
			image_human_size(ctrs[i].size, a, sizeof(a));
			push_line(&lines, &nlines,
				  cr_xasprintf("%s\t%.12s\t%s\t%s", ctrs[i].name,
					       ctrs[i].image ? ctrs[i].image : "-", a,
					       ctrs[i].running ? "running" : "stopped"));
		}
		flush_lines(lines, nlines);
	}
	for (size_t i = 0; i < nctr; i++) {
		free(ctrs[i].name);
		free(ctrs[i].image);
	}
	free(ctrs);
	free(layers);
	image_catalog_free(&c);
	image_store_close(&s);
	return 0;
}
