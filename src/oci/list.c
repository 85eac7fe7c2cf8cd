/* list.c - `list [-q] [--format table|json]`: the containers under ROOT, runc's columns. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci/state.h"
#include "utils.h"

static void print_table(struct oci_state *v, const enum oci_status *s, size_t n)
{
	size_t w[4] = {2, 3, 6, 6}; /* ID PID STATUS BUNDLE */

	for (size_t i = 0; i < n; i++) {
		char pid[24];
		size_t l[4];

		snprintf(pid, sizeof(pid), "%d", s[i] == OCI_STOPPED ? 0 : (int)v[i].pid);
		l[0] = strlen(v[i].id);
		l[1] = strlen(pid);
		l[2] = strlen(oci_status_name(s[i]));
		l[3] = strlen(v[i].bundle);
		for (size_t k = 0; k < 4; k++)
			w[k] = l[k] > w[k] ? l[k] : w[k];
	}
	printf("%-*s   %-*s   %-*s   %-*s   %-30s   %s\n", (int)w[0], "ID", (int)w[1], "PID",
	       (int)w[2], "STATUS", (int)w[3], "BUNDLE", "CREATED", "OWNER");
	for (size_t i = 0; i < n; i++)
		printf("%-*s   %-*d   %-*s   %-*s   %-30s   %s\n", (int)w[0], v[i].id, (int)w[1],
		       s[i] == OCI_STOPPED ? 0 : (int)v[i].pid, (int)w[2], oci_status_name(s[i]),
		       (int)w[3], v[i].bundle, v[i].created ? v[i].created : "",
		       v[i].owner ? v[i].owner : "");
}

static void print_json(struct oci_state *v, const enum oci_status *s, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		cleanup_free char *one = oci_state_json(&v[i], s[i]);

		json_object_array_add(a, json_tokener_parse(one));
	}
	printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
}

int oci_cmd_list(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	struct oci_state *v = NULL;
	enum oci_status *s = NULL;
	bool quiet = false, json;
	const char *fmt = "table";
	size_t n = 0;
	DIR *d = NULL;
	int root;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
			quiet = true;
		else if ((!strcmp(a, "--format") || !strcmp(a, "-f")) && i + 1 < argc)
			fmt = argv[++i];
		else if (!strncmp(a, "--format=", 9))
			fmt = a + 9;
		else
			return cr_fail(err, 0, "list: unknown option %s", a);
	}
	if (strcmp(fmt, "table") && strcmp(fmt, "json"))
		return cr_fail(err, 0, "list: --format %s: not table or json", fmt);
	json = !strcmp(fmt, "json");
	root = oci_root_open(g, false, err);
	if (root >= 0) {
		int fd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		close(root);
		d = fd >= 0 ? fdopendir(fd) : NULL;
	} else if (err->errnum != ENOENT) {
		return -1;
	}
	for (struct dirent *e; d && (e = readdir(d));) {
		struct oci_state st = {.dir_fd = -1};
		struct cr_error ignored;

		if (!oci_id_valid(e->d_name) || oci_state_load(g, e->d_name, &st, &ignored) < 0) {
			oci_state_free(&st);
			continue;
		}
		v = cr_xrealloc(v, (n + 1) * sizeof(*v));
		s = cr_xrealloc(s, (n + 1) * sizeof(*s));
		s[n] = oci_state_status(&st);
		v[n++] = st;
	}
	if (d)
		closedir(d);
	if (quiet)
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].id);
	else if (json)
		print_json(v, s, n);
	else
		print_table(v, s, n);
	for (size_t i = 0; i < n; i++)
		oci_state_free(&v[i]);
	free(v);
	free(s);
	return 0;
}
