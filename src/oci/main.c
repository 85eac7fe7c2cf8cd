/* main.c - conti-runtime: global options, dispatch, one line of error (and the --log). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cr-build-config.h"
#include "error.h"
#include "oci/runtime.h"
#include "utils.h"

static const struct {
	const char *name;
	oci_command_fn fn;
} commands[] = {
    {"create", oci_cmd_create},	    {"start", oci_cmd_start},	{"run", oci_cmd_run},
    {"state", oci_cmd_state},	    {"kill", oci_cmd_kill},	{"delete", oci_cmd_delete},
    {"list", oci_cmd_list},	    {"ps", oci_cmd_ps},		{"exec", oci_cmd_exec},
    {"pause", oci_cmd_pause},	    {"resume", oci_cmd_resume}, {"spec", oci_cmd_spec},
    {"features", oci_cmd_features},
};

static const char usage[] =
    "usage: " OCI_RUNTIME_NAME " [GLOBAL OPTIONS] COMMAND [OPTIONS] ID\n"
    "The OCI runtime of conti-rootless: the command line of runc and crun.\n"
    "Global options: --root DIR, --log FILE, --log-format text|json, --debug,\n"
    "  --systemd-cgroup, --rootless true|false|auto, --version, --help\n"
    "Commands: create, start, run, state, kill, delete, list, ps, exec, pause, resume,\n"
    "  spec, features. See conti-runtime(1).\n";

/* The id euid stands for outside our user namespace (the parent's): what tells apart the
 * users whose runtimes all run as uid 0 of their own namespaces. -1 when unmapped. */
static long outer_uid(uid_t euid, bool *initial)
{
	struct cr_error err;
	char map[4096];
	unsigned long in, out, count;
	int used;

	*initial = false;
	if (cr_read_file("/proc/self/uid_map", map, sizeof(map), &err) < 0)
		return -1;
	for (const char *p = map; sscanf(p, "%lu %lu %lu%n", &in, &out, &count, &used) == 3;) {
		if (euid >= in && euid - in < count) {
			*initial = in == 0 && out == 0 && count == 4294967295UL;
			return (long)(out + (euid - in));
		}
		p += used;
	}
	return -1;
}

void oci_global_init(struct oci_global *g)
{
	static char root[4096]; /* the parsed options: the one global state */
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	uid_t euid = geteuid();
	bool initial;
	long outer = outer_uid(euid, &initial);

	memset(g, 0, sizeof(*g));
	if (euid == 0 && initial) /* root of the initial user namespace, as runc's /run/runc */
		snprintf(root, sizeof(root), "/run/%s", OCI_RUNTIME_NAME);
	else if (xdg && xdg[0] == '/')
		snprintf(root, sizeof(root), "%s/%s", xdg, OCI_RUNTIME_NAME);
	else
		snprintf(root, sizeof(root), "/tmp/%s-%ld", OCI_RUNTIME_NAME,
			 outer >= 0 ? outer : (long)euid);
	g->root = root;
}

/* Appends one line to the --log file: text, or runc's JSON ({"level","msg","time"}). */
static void log_line(const struct oci_global *g, const char *level, const char *msg)
{
	char when[64], esc[2048];
	struct timespec ts;
	struct tm tm;
	int fd;

	if (!g->log)
		return;
	fd = open(g->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (g->log_json) {
		size_t o = 0;

		for (const char *p = msg; *p && o + 7 < sizeof(esc); p++) {
			if (*p == '"' || *p == '\\')
				esc[o++] = '\\';
			if ((unsigned char)*p < 0x20)
				o += (size_t)snprintf(esc + o, 7, "\\u%04x", (unsigned char)*p);
			else
				esc[o++] = *p;
		}
		esc[o] = '\0';
		dprintf(fd, "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n", level, esc,
			when);
	} else {
		dprintf(fd, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, msg);
	}
	close(fd);
}

void oci_debug(const struct oci_global *g, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	if (!g->debug)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (g->log)
		log_line(g, "debug", line);
	else
		fprintf(stderr, "%s: %s\n", OCI_RUNTIME_NAME, line);
}

void oci_warn(const struct oci_global *g, const char *fmt, ...)
{
	char line[2048], esc[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	cr_escape(line, strlen(line), esc, sizeof(esc));
	log_line(g, "warning", esc);
	fprintf(stderr, "%s: warning: %s\n", OCI_RUNTIME_NAME, esc);
}

static int bool_value(const char *v, bool *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "auto"))
		*out = true;
	else if (!strcmp(v, "false"))
		*out = false;
	else
		return -1;
	return 0;
}

/* "--opt VALUE" or "--opt=VALUE": the value, advancing *i past it; NULL if not opt. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt)
{
	size_t n = strlen(opt);

	if (strncmp(argv[*i], opt, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

/* Parses the global options; returns the index of the command word, or -1. */
static int parse_global(struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	const char *v;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if ((v = opt_value(argc, argv, &i, "--root")))
			g->root = v;
		else if ((v = opt_value(argc, argv, &i, "--log")))
			g->log = v;
		else if ((v = opt_value(argc, argv, &i, "--log-format"))) {
			if (strcmp(v, "json") && strcmp(v, "text"))
				return cr_fail(err, 0, "--log-format %s: not text or json", v);
			g->log_json = !strcmp(v, "json");
		} else if (!strcmp(a, "--debug"))
			g->debug = true;
		else if (!strcmp(a, "--systemd-cgroup"))
			g->systemd_cgroup = true;
		else if ((v = opt_value(argc, argv, &i, "--rootless"))) {
			g->rootless_set = true;
			if (bool_value(v, &g->rootless) < 0)
				return cr_fail(err, 0, "--rootless %s: not true, false or auto", v);
		} else if ((v = opt_value(argc, argv, &i, "--criu")))
			; /* runc's; checkpointing is not supported, the option is harmless */
		else {
			cr_fail(err, 0, "unknown global option %s", a);
			return cr_hint(err, "see %s --help", OCI_RUNTIME_NAME);
		}
	}
	return i;
}

int main(int argc, char **argv)
{
	struct oci_global g;
	struct cr_error err = {.status = CR_EXIT_TOOL};
	int at, ret = -1;

	oci_global_init(&g);
	for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-v")) {
			printf("%s version %s\nspec: %s\n", OCI_RUNTIME_NAME, CR_VERSION,
			       OCI_SPEC_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		}
	}
	at = parse_global(&g, argc, argv, &err);
	if (at >= 0 && at >= argc) {
		fputs(usage, stderr);
		return 1;
	}
	for (size_t i = 0; at >= 0 && i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[at], commands[i].name))
			continue;
		ret = commands[i].fn(&g, argc - at, argv + at, &err);
		break;
	}
	if (at >= 0 && ret < 0 && !err.msg[0])
		cr_fail(&err, 0, "unknown command %s: see %s --help", argv[at], OCI_RUNTIME_NAME);
	if (ret >= 0)
		return ret;
	if (err.msg[0]) {
		char line[2048];

		cr_error_format(&err, line, sizeof(line));
		log_line(&g, "error", line);
		fprintf(stderr, "%s: %s\n", OCI_RUNTIME_NAME, line);
	}
	return err.status ? err.status : CR_EXIT_TOOL;
}
