/* ps.c - `ps [--format table|json] ID [PS ARGS]`: the container's processes: json, their
 * host pids; table, the lines of `ps` (default -ef) for them, as runc prints. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/state.h"
#include "utils.h"

/* The host pids in the container: every process of its PID namespace when it has one,
 * else its process and that one's descendants. */
static size_t container_pids(const struct oci_state *st, pid_t **out)
{
	char path[300];
	struct stat ns;
	DIR *d = opendir("/proc");
	size_t n = 0;
	pid_t *v = NULL;

	*out = NULL;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)st->pid);
	if (!d || stat(path, &ns) < 0) {
		if (d)
			closedir(d);
		return 0;
	}
	for (struct dirent *e; (e = readdir(d));) {
		unsigned long pid;
		struct stat sb;

		if (!cr_parse_ulong(e->d_name, &pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%lu/ns/pid", pid);
		if (stat(path, &sb) < 0 || sb.st_ino != ns.st_ino || sb.st_dev != ns.st_dev)
			continue;
		if (!st->own_pidns && (pid_t)pid != st->pid)
			continue; /* our PID namespace: only the container's own process */
		v = cr_xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = (pid_t)pid;
	}
	closedir(d);
	*out = v;
	return n;
}

/* Runs ps with args, printing its header and the lines whose PID column is one of pids. */
static int ps_table(char **args, size_t nargs, const pid_t *pids, size_t n, struct cr_error *err)
{
	cleanup_free char **argv = cr_xcalloc(nargs + 2, sizeof(char *));
	int fds[2], status, col = -1;
	char line[8192];
	FILE *f;
	pid_t p;

	argv[0] = "ps";
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	if (nargs == 0)
		argv[1] = "-ef";
	if (pipe2(fds, O_CLOEXEC) < 0)
		return cr_fail(err, errno, "pipe");
	p = fork();
	if (p == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execvp("ps", argv);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	for (bool header = true; f && fgets(line, sizeof(line), f); header = false) {
		if (header) {
			char copy[8192], *tok, *save;
			int i = 0;

			snprintf(copy, sizeof(copy), "%s", line);
			for (tok = strtok_r(copy, " \t\n", &save); tok;
			     tok = strtok_r(NULL, " \t\n", &save), i++)
				if (!strcmp(tok, "PID"))
					col = i;
			fputs(line, stdout);
			continue;
		}
		{
			char copy[8192], *tok, *save;
			int i = 0;

			snprintf(copy, sizeof(copy), "%s", line);
			for (tok = strtok_r(copy, " \t\n", &save); tok && i < col;
			     tok = strtok_r(NULL, " \t\n", &save))
				i++;
			for (size_t k = 0; tok && k < n; k++)
				if (atoi(tok) == pids[k])
					fputs(line, stdout);
		}
	}
	if (f)
		fclose(f);
	else
		close(fds[0]);
	while (waitpid(p, &status, 0) < 0 && errno == EINTR)
		;
	if (p < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return cr_fail(err, 0, "ps failed");
	if (col < 0)
		return cr_fail(err, 0, "ps printed no PID column");
	return 0;
}

int oci_cmd_ps(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	const char *fmt = "table";
	cleanup_free pid_t *pids = NULL;
	struct oci_state st;
	size_t n;
	int i, ret = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((!strcmp(argv[i], "--format") || !strcmp(argv[i], "-f")) && i + 1 < argc)
			fmt = argv[++i];
		else if (!strncmp(argv[i], "--format=", 9))
			fmt = argv[i] + 9;
		else
			return cr_fail(err, 0, "ps: unknown option %s", argv[i]);
	}
	if (i >= argc)
		return cr_fail(err, 0, "usage: %s ps [--format table|json] ID [PS ARGS]",
			       OCI_RUNTIME_NAME);
	if (strcmp(fmt, "table") && strcmp(fmt, "json"))
		return cr_fail(err, 0, "ps: --format %s: not table or json", fmt);
	if (oci_state_load(g, argv[i], &st, err) < 0) {
		oci_state_free(&st);
		return -1;
	}
	n = oci_state_status(&st) == OCI_STOPPED ? 0 : container_pids(&st, &pids);
	if (!strcmp(fmt, "json")) {
		struct json_object *a = json_object_new_array();

		for (size_t k = 0; k < n; k++)
			json_object_array_add(a, json_object_new_int(pids[k]));
		printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
		json_object_put(a);
	} else {
		ret = ps_table(argv + i + 1, (size_t)(argc - i - 1), pids, n, err);
	}
	oci_state_free(&st);
	return ret;
}
