/* Integration tests: images (issue 13). A local registry (Debian's docker-registry, as the
 * test user, on 127.0.0.1 and a free port) is seeded by images-fixture.sh with images built
 * offline with umoci from the busybox rootfs and from CONTI_TEST_DEBIAN_ROOTFS; every test
 * pulls from it (or runs the archives the fixture wrote) with the built front end, as the
 * calling unprivileged user, into a store of its own, and asserts what the user sees: the
 * files of the top layer, the image's config, the store on disk, the exit codes.
 *
 * The registry is a child of this runner: stopped at the end, on SIGTERM/SIGINT/SIGHUP, and
 * by the kernel (PR_SET_PDEATHSIG) when the runner dies any other way. */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define LONG_MS 300000 /* a pull of the Debian image on a busy CI machine */

static const struct h_opts long_opts = {.timeout_ms = LONG_MS};

/* ---- the fixture: built and seeded once, in the runner, before any test ---- */

static pid_t main_pid, registry_pid = -1;
static char *fix_base; /* holds fix/ (the fixture's files), run/, xdg/, data/ */

static const char *fixture_script(void)
{
	const char *s = getenv("CONTI_IMAGES_FIXTURE");

	return s && *s ? s : NULL;
}

static char *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *strf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

/* Runs argv with stdout and stderr appended to log; its exit status (-1: not run). */
static int run_logged(char *const argv[], const char *log)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			dup2(fd, 0);
		execvp(argv[0], argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The last non-empty line of a file, for a one-line reason (caller frees). */
static char *last_line(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[4096], last[4096] = "(no output)";

	while (f && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (*buf)
			snprintf(last, sizeof(last), "%s", buf);
	}
	if (f)
		fclose(f);
	return strdup(last);
}

/* In the runner (no ck_assert there: check's asserts report to a test): SIGKILLs our
 * processes, but this one, whose command line or environment contains needle. */
static void kill_mentioning(const char *needle)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	while (d && (de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name);
		bool match = false;
		struct stat st;
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		if (pid <= 0 || pid == getpid() || stat(path, &st) < 0 || st.st_uid != getuid())
			continue;
		for (int i = 0; i < 2 && !match; i++) {
			char buf[65536];
			ssize_t n;
			int fd;

			snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid,
				 i ? "environ" : "cmdline");
			fd = open(path, O_RDONLY | O_CLOEXEC);
			n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
			if (fd >= 0)
				close(fd);
			for (ssize_t j = 0; j < n; j++)
				buf[j] = buf[j] ? buf[j] : ' ';
			if (n > 0) {
				buf[n] = '\0';
				match = strstr(buf, needle) != NULL;
			}
		}
		if (match)
			kill(pid, SIGKILL);
	}
	if (d)
		closedir(d);
}

static void stop_registry(void)
{
	if (registry_pid <= 0)
		return;
	kill(registry_pid, SIGTERM);
	for (int i = 0; i < 50 && waitpid(registry_pid, NULL, WNOHANG) == 0; i++)
		usleep(100000);
	kill(registry_pid, SIGKILL);
	waitpid(registry_pid, NULL, 0);
	registry_pid = -1;
}

/* Stops the registry, podman's pause process and the fixture's keeper; removes it all
 * (the layouts hold files of subordinate ids: removed in the user namespace). Only in the
 * runner: the forked tests run atexit handlers too. */
static void fixture_cleanup(void)
{
	char *fix, *run, *log;

	if (getpid() != main_pid || !fix_base)
		return;
	stop_registry();
	fix = strf("%s/fix", fix_base);
	run = strf("%s/run", fix_base);
	log = strf("%s/clean.log", fix_base);
	if (fixture_script())
		run_logged((char *[]){"sh", (char *)fixture_script(), "clean", fix, NULL}, log);
	kill_mentioning(run); /* the fixture's keeper */
	run_logged((char *[]){"rm", "-rf", fix_base, NULL}, "/dev/null");
	free(fix), free(run), free(log);
	free(fix_base);
	fix_base = NULL;
}

static void on_signal(int sig)
{
	fixture_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void __attribute__((noreturn)) fixture_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "images suite: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fixture_cleanup();
	exit(1);
}

/* A port nobody listens on now (the kernel's pick). */
static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		fixture_fail("no free port on 127.0.0.1: %s", strerror(errno));
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* True when GET /v2/ on 127.0.0.1:port answers 200 (the registry API is up). */
static bool registry_answers(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	const char req[] = "GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
	char buf[64] = "";
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok = false;

	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    write(fd, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1) &&
	    read(fd, buf, sizeof(buf) - 1) > 12)
		ok = !strncmp(buf, "HTTP/1.1 200", 12) || !strncmp(buf, "HTTP/1.0 200", 12);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Starts docker-registry on a free port, storage in fix/registry; returns the port. */
static int start_registry(const char *fix)
{
	char *yml = strf("%s/registry.yml", fix), *log = strf("%s/registry.log", fix), *why;
	int port = free_port(), status;
	FILE *f = fopen(yml, "w");

	if (!f)
		fixture_fail("cannot write %s: %s", yml, strerror(errno));
	fprintf(f,
		"version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
		"storage:\n  filesystem:\n    rootdirectory: %s/registry\n"
		"  maintenance:\n    uploadpurging:\n      enabled: false\n"
		"http:\n  addr: 127.0.0.1:%d\n  secret: conti-rootless-images-suite\n",
		fix, port);
	fclose(f);
	registry_pid = fork();
	if (registry_pid < 0)
		fixture_fail("fork: %s", strerror(errno));
	if (registry_pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != main_pid)
			_exit(1);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("docker-registry", "docker-registry", "serve", yml, (char *)NULL);
		dprintf(2, "exec docker-registry: %s\n", strerror(errno));
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		if (waitpid(registry_pid, &status, WNOHANG) == registry_pid) {
			registry_pid = -1;
			why = last_line(log);
			fixture_fail(
			    "the local registry (docker-registry serve %s) exited at start: %s",
			    yml, why);
		}
		if (registry_answers(port)) {
			free(yml), free(log);
			return port;
		}
		usleep(50000);
	}
	why = last_line(log);
	fixture_fail("the local registry (docker-registry) did not answer on 127.0.0.1:%d "
		     "within 10 s: %s",
		     port, why);
}

/* Sets CONTI_IMG_KEY=VALUE for each line of fix/facts. */
static void load_facts(const char *fix)
{
	char *path = strf("%s/facts", fix);
	FILE *f = fopen(path, "r");
	char line[8192];

	if (!f)
		fixture_fail("the fixture wrote no %s", path);
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), *key;

		line[strcspn(line, "\n")] = '\0';
		if (!eq)
			continue;
		*eq = '\0';
		key = strf("CONTI_IMG_%s", line);
		setenv(key, eq + 1, 1);
		free(key);
	}
	fclose(f);
	free(path);
}

static void require_tools(void)
{
	static const char *const tools[][2] = {{"docker-registry", "docker-registry"},
					       {"skopeo", "skopeo"},
					       {"umoci", "umoci"},
					       {"podman", "podman"},
					       {"python3", "python3"}};
	char missing[256] = "";

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		char *cmd = strf("command -v %s >/dev/null 2>&1", tools[i][0]);

		if (system(cmd) != 0)
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 " %s", tools[i][1]);
		free(cmd);
	}
	if (*missing)
		fixture_fail("the image tests need:%s (sudo apt install%s)", missing, missing);
}

/* Builds the images, starts and seeds the registry; exits with one line when it cannot. */
static void fixture_setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char *fix, *run, *xdg, *data, *log, *reg, *conf;
	int port, status;
	long long start = h_mono_ms();

	if (getuid() == 0)
		fixture_fail(
		    "integration tests must run as an unprivileged user: use tests/run-all");
	if (!fixture_script())
		fixture_fail("CONTI_IMAGES_FIXTURE is not set: run the suite through meson test");
	require_tools();
	fix_base = strf("%s/conti-images.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (!mkdtemp(fix_base))
		fixture_fail("mkdtemp %s: %s", fix_base, strerror(errno));
	chmod(fix_base, 0755);
	fix = strf("%s/fix", fix_base);
	run = strf("%s/run", fix_base);
	xdg = strf("%s/xdg", fix_base);
	data = strf("%s/data", fix_base);
	log = strf("%s/fixture.log", fix_base);
	mkdir(fix, 0755), mkdir(run, 0700), mkdir(xdg, 0700), mkdir(data, 0700);
	/* the fixture's own `conti-rootless unshare` (and the runner's cleanup of a case) use
	 * a keeper of their own; each test sets its own in h_setup */
	setenv("CONTI_ROOTLESS_RUNTIME_DIR", run, 1);
	setenv("XDG_RUNTIME_DIR", xdg, 1);
	setenv("XDG_DATA_HOME", data, 1);
	status = run_logged((char *[]){"sh", (char *)fixture_script(), "build", fix, NULL}, log);
	if (status != 0)
		fixture_fail("building the test images failed (exit %d): %s (log: %s)", status,
			     last_line(log), log);
	port = start_registry(fix);
	reg = strf("127.0.0.1:%d", port);
	status =
	    run_logged((char *[]){"sh", (char *)fixture_script(), "seed", fix, reg, NULL}, log);
	if (status != 0)
		fixture_fail("seeding the registry at %s failed (exit %d): %s (log: %s)", reg,
			     status, last_line(log), log);
	load_facts(fix);
	conf = strf("%s/registries.conf", fix);
	setenv("CONTAINERS_REGISTRIES_CONF", conf, 1);
	setenv("CONTI_IMG_FIX", fix, 1);
	fprintf(stderr, "images suite: registry on %s, images built and pushed in %lld s%s\n", reg,
		(h_mono_ms() - start) / 1000,
		getenv("CONTI_IMG_DEB_TEST_ID") ? " (Debian too)" : " (no Debian rootfs)");
	free(fix), free(run), free(xdg), free(data), free(log), free(reg), free(conf);
}

/* ---- per test ---- */

/* A fact the fixture wrote (fails the test when it is missing). */
static const char *fact(const char *key)
{
	char *name = h_strf("CONTI_IMG_%s", key);
	const char *v = getenv(name);

	ck_assert_msg(v && *v, "the fixture wrote no %s", key);
	free(name);
	return v;
}

/* Word n (0-based) of a space-separated fact (caller frees). */
static char *fact_word(const char *key, int n)
{
	const char *s = fact(key);

	for (; n > 0 && s; n--) {
		s = strchr(s, ' ');
		s = s ? s + 1 : NULL;
	}
	ck_assert_msg(s && *s, "fact %s has no word %d", key, n);
	return strndup(s, strcspn(s, " "));
}

static int fact_words(const char *key)
{
	int n = 1;

	for (const char *s = fact(key); *s; s++)
		n += *s == ' ';
	return n;
}

static bool have_debian(void)
{
	const char *id = getenv("CONTI_IMG_DEB_TEST_ID");

	return id && *id;
}

/* REGISTRY/name (caller frees). */
static char *img(const char *name)
{
	return h_strf("%s/%s", fact("REG"), name);
}

/* A path in H's image store, DATA/images/... (caller frees). */
static char *store(const char *rel)
{
	return h_strf("%s/conti-rootless/images%s%s", H.data, *rel ? "/" : "", rel);
}

/* Runs the front end (long timeout) with the NULL-terminated args. */
static void conti_long(struct h_result *r, const char *const *args)
{
	h_conti_v(r, &long_opts, args);
}

#define RES(r, ...) conti_long((r), (const char *const[]){__VA_ARGS__, NULL})

/* Runs the front end, asserts exit status want, returns stdout (caller frees). */
static char *conti_out(int want, const char *const *args)
{
	struct h_result r;
	char *what = h_strf("conti-rootless %s %s %s", args[0], args[1] ? args[1] : "",
			    args[1] && args[2] ? args[2] : "");
	char *out;

	conti_long(&r, args);
	h_assert_status(&r, want, what);
	out = strdup(r.out);
	h_result_free(&r);
	free(what);
	return out;
}

#define OUT(want, ...) conti_out((want), (const char *const[]){__VA_ARGS__, NULL})
#define OK(...) free(OUT(0, __VA_ARGS__))

static bool is_hex(const char *s, size_t n)
{
	size_t i = 0;

	for (; i < n && s[i]; i++) {
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	}
	return i == n;
}

/* True when text has line as one of its lines. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p;) {
		if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == '\0'))
			return true;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return false;
}

/* `pull -q ref`: asserts exit 0 and the image ID (64 hex) as the last line of stdout;
 * returns that ID (caller frees). */
static char *pull(const char *ref)
{
	char *out = OUT(0, "pull", "-q", ref);
	int n = h_count_lines(out);
	char *id = h_line(out, n - 1);

	ck_assert_msg(strlen(id) == 64 && is_hex(id, 64),
		      "pull %s: the last line of stdout is not an image ID: '%s'", ref, out);
	free(out);
	return id;
}

/* pull ref, asserting it gives the image want_id. */
static void pull_expect(const char *ref, const char *want_id)
{
	char *id = pull(ref);

	ck_assert_msg(!strcmp(id, want_id), "pull %s gave image %s, the registry has %s", ref, id,
		      want_id);
	free(id);
}

/* The repositories file of the store ("" when there is none; caller frees). */
static char *repositories(void)
{
	char *path = store("repositories"), *text = h_read_file(path);

	free(path);
	return text ? text : strdup("");
}

static bool has_record(const char *id)
{
	char *rel = h_strf("records/%s", id), *path = store(rel);
	bool there = h_exists(path);

	free(rel), free(path);
	return there;
}

static bool has_layer(const char *diff_id)
{
	char *rel = h_strf("layers/%s", diff_id), *path = store(rel);
	struct stat st;
	bool there = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);

	free(rel), free(path);
	return there;
}

/* Entries of DATA/images/DIR whose name starts with prefix; with prefix "", those named
 * by a 64-hex digest (layers/ also holds the helper's HEX.size files, not counted); NULL:
 * all. */
static int count_in_store(const char *dir, const char *prefix)
{
	char *path = store(dir);
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!prefix || (*prefix ? !strncmp(de->d_name, prefix, strlen(prefix))
					: strlen(de->d_name) == 64 && is_hex(de->d_name, 64)))
			n++;
	}
	if (d)
		closedir(d);
	free(path);
	return n;
}

/* Asserts the store's invariants: every record's layers are there, complete (no
 * .tmp- name), every name points at a record; returns the number of records. */
static int assert_store_consistent(void)
{
	char *dir = store("records"), *repos = repositories();
	DIR *d = opendir(dir);
	struct dirent *de;
	int records = 0;

	while (d && (de = readdir(d))) {
		char *path, *text;

		if (de->d_name[0] == '.')
			continue;
		path = h_strf("%s/%s", dir, de->d_name);
		text = h_read_file(path);
		ck_assert_msg(text, "record %s cannot be read", path);
		records++;
		for (char *line = text; *line;) {
			char *nl = strchr(line, '\n');

			if (nl)
				*nl = '\0';
			if (!strncmp(line, "layer=", 6))
				ck_assert_msg(has_layer(line + 6),
					      "record %s names layer %s, which is not in the store",
					      de->d_name, line + 6);
			line = nl ? nl + 1 : line + strlen(line);
		}
		free(path), free(text);
	}
	if (d)
		closedir(d);
	for (char *line = repos; *line;) {
		char *nl = strchr(line, '\n'), *sp;

		if (nl)
			*nl = '\0';
		sp = strrchr(line, ' ');
		ck_assert_msg(sp && has_record(sp + 1), "name '%s' points at no record", line);
		line = nl ? nl + 1 : line + strlen(line);
	}
	free(dir), free(repos);
	return records;
}

/* `du -sk path` as root of the user namespace (layers hold files of other ids), in KiB. */
static long du_kib(const char *path)
{
	struct h_result r;
	long kib;

	h_run(&r, &long_opts,
	      (char *const[]){(char *)h_conti_bin(), "unshare", "du", "-sk", (char *)path, NULL});
	h_assert_status(&r, 0, "unshare du -sk");
	kib = strtol(r.out, NULL, 10);
	h_result_free(&r);
	return kib;
}

/* The size= of a record, in bytes (-1 when it has none). */
static long long record_size(const char *id)
{
	char *rel = h_strf("records/%s", id), *path = store(rel), *text = h_read_file(path);
	char *p = text ? strstr(text, "\nsize=") : NULL;
	long long size = p ? strtoll(p + 6, NULL, 10) : -1;

	ck_assert_msg(text, "no record %s", path);
	free(rel), free(path), free(text);
	return size;
}

/* Removes H's image store (its layers hold files of subordinate ids). */
static void wipe_store(void)
{
	char *path = store("");
	struct h_result r;

	h_run(&r, &long_opts,
	      (char *const[]){(char *)h_conti_bin(), "unshare", "rm", "-rf", path, NULL});
	h_assert_status(&r, 0, "unshare rm -rf of the store");
	ck_assert_msg(!h_exists(path), "%s is still there", path);
	h_result_free(&r);
	free(path);
}

/* podman with storage of its own in H.base/pm. */
static void podman(struct h_result *r, const char *const *args)
{
	char *root = h_strf("%s/pm/root", H.base), *run = h_strf("%s/pm/run", H.base);
	char *tmp = h_strf("%s/pm/tmp", H.base), *pm = h_strf("%s/pm", H.base);
	const char *argv[64] = {"podman",   "--root",		root,	"--runroot",
				run,	    "--tmpdir",		tmp,	"--storage-driver",
				"vfs",	    "--runtime",	"runc", "--cgroup-manager",
				"cgroupfs", "--events-backend", "file"};
	int n = 15;

	mkdir(pm, 0700);
	mkdir(tmp, 0700);
	for (; *args && n < 63; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	h_run(r, &long_opts, (char *const *)argv);
	free(root), free(run), free(tmp), free(pm);
}

#define PODMAN(r, ...) podman((r), (const char *const[]){__VA_ARGS__, NULL})

/* Everything a test made, in the user namespace (layers, podman's storage and the
 * containers' layers hold files of subordinate ids); then the harness's teardown. */
static void img_teardown(void)
{
	char *pause = H.base ? h_strf("%s/pm/tmp/pause.pid", H.base) : NULL;
	char *text = pause ? h_read_file(pause) : NULL;
	pid_t keeper;

	if (!H.base) {
		h_teardown();
		return;
	}
	h_remove_names();
	if (text && atoi(text) > 0)
		kill(atoi(text), SIGKILL);
	{
		DIR *d = opendir(H.base);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			struct h_result r;
			char *path;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
			    !strcmp(de->d_name, "run"))
				continue;
			path = h_strf("%s/%s", H.base, de->d_name);
			h_run(&r, &long_opts,
			      (char *const[]){(char *)h_conti_bin(), "unshare", "rm", "-rf", path,
					      NULL});
			h_result_free(&r);
			free(path);
		}
		if (d)
			closedir(d);
	}
	keeper = h_keeper_pid();
	if (keeper > 0)
		kill(keeper, SIGKILL);
	free(pause), free(text);
	h_teardown();
}

/* The runner's side of a case: what a failed test left (its processes, files of
 * subordinate ids) goes, through the fixture's keeper. */
static void img_case_teardown(void)
{
	const char *dir = h_case_dir();

	if (dir) {
		char *cmd;

		kill_mentioning(dir);
		cmd = strf("'%s' unshare rm -rf '%s' >/dev/null 2>&1", getenv("CONTI_BIN"), dir);
		if (system(cmd) != 0)
			fprintf(stderr, "images suite: could not remove %s\n", dir);
		free(cmd);
	}
	h_case_teardown();
}

static TCase *img_tcase(const char *name, int timeout_s)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, h_case_setup, img_case_teardown);
	tcase_add_checked_fixture(tc, h_setup, img_teardown);
	tcase_set_timeout(tc, timeout_s);
	return tc;
}

/* True when text is one JSON value by its shape: an array or object, brackets and
 * braces balanced outside strings, strings closed (a string search, not a JSON parser). */
static bool looks_like_json(const char *text)
{
	const char *s = text + strspn(text, " \t\r\n");
	size_t len = strlen(s);
	int depth = 0;
	bool in_str = false;

	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	if (!len || !((s[0] == '[' && s[len - 1] == ']') || (s[0] == '{' && s[len - 1] == '}')))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (in_str) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_str = false;
		} else if (s[i] == '"') {
			in_str = true;
		} else if (s[i] == '[' || s[i] == '{') {
			depth++;
		} else if (s[i] == ']' || s[i] == '}') {
			if (--depth < 0)
				return false;
		}
	}
	return depth == 0 && !in_str;
}

/* ---- pull and images ---- */

/* Pull by tag: the ID printed, the record, the name, the layers (one dir per diff_id);
 * `images` lists it in docker's columns, -q prints IDs, --format json is JSON with it. */
START_TEST(test_pull_by_tag_and_images)
{
	char *ref = img("contibox:test"), *id12 = strndup(fact("BB_TEST_ID"), 12), *out, *hdr;
	char *name = h_strf("%s %s", ref, fact("BB_TEST_ID")), *repos, *line;
	bool found = false;

	pull_expect(ref, fact("BB_TEST_ID"));
	ck_assert_msg(has_record(fact("BB_TEST_ID")), "no record for the pulled image");
	repos = repositories();
	ck_assert_msg(has_line(repos, name), "repositories has no line '%s': %s", name, repos);
	for (int i = 0; i < fact_words("BB_TEST_DIFFIDS"); i++) {
		char *diff = fact_word("BB_TEST_DIFFIDS", i);

		ck_assert_msg(has_layer(diff), "layer %d (%s) is not unpacked", i, diff);
		free(diff);
	}
	ck_assert_int_eq(count_in_store("layers", ""), fact_words("BB_TEST_DIFFIDS"));
	ck_assert_int_eq(assert_store_consistent(), 1);

	out = OUT(0, "images");
	hdr = h_line(out, 0);
	ck_assert_msg(strstr(hdr, "REPOSITORY") == hdr && strstr(hdr, "TAG") &&
			  strstr(hdr, "IMAGE ID") && strstr(hdr, "CREATED") &&
			  strstr(hdr, "SIZE") && strstr(hdr, "TAG") < strstr(hdr, "IMAGE ID") &&
			  strstr(hdr, "IMAGE ID") < strstr(hdr, "CREATED") &&
			  strstr(hdr, "CREATED") < strstr(hdr, "SIZE"),
		      "images header is not docker's REPOSITORY TAG IMAGE ID CREATED SIZE: %s",
		      hdr);
	for (int i = 1; i < h_count_lines(out); i++) {
		line = h_line(out, i);
		found |= !strncmp(line, ref, strlen(ref) - 5) && strstr(line, " test ") &&
			 strstr(line, id12);
		free(line);
	}
	ck_assert_msg(found, "images has no row '%.*s test %s': %s", (int)strlen(ref) - 5, ref,
		      id12, out);
	free(out), free(hdr);

	out = OUT(0, "images", "-q");
	ck_assert_msg(has_line(out, id12), "images -q does not print %s: %s", id12, out);
	for (int i = 0; i < h_count_lines(out); i++) {
		line = h_line(out, i);
		ck_assert_msg(strlen(line) == 12 && is_hex(line, 12), "images -q printed '%s'",
			      line);
		free(line);
	}
	free(out);

	out = OUT(0, "images", "--format", "json");
	ck_assert_msg(looks_like_json(out), "images --format json is not JSON: %s", out);
	ck_assert_msg(strstr(out, id12) && strstr(out, "contibox"),
		      "images --format json lacks the image (%s, contibox): %s", id12, out);
	free(out);

	out = OUT(0, "image", "inspect", ref);
	ck_assert_msg(looks_like_json(out) && strstr(out, fact("BB_TEST_ID")) &&
			  strstr(out, "org.example.fixture") && strstr(out, "SIGQUIT") &&
			  strstr(out, "/srv/work") && strstr(out, "FIXTURE_ENV=from-image"),
		      "image inspect lacks the id, label, stop signal, workdir or env: %s", out);
	free(out);
	free(ref), free(id12), free(name), free(repos);
}
END_TEST

/* Pull by digest (the manifest digest skopeo inspect gives): the same image, named
 * NAME@sha256:HEX; by short name and by alias through the test registries.conf. */
START_TEST(test_pull_by_digest_and_short_name)
{
	char *repo = img("contibox"), *ref = h_strf("%s@%s", repo, fact("BB_TEST_DIGEST"));
	char *want = h_strf("%s %s", ref, fact("BB_TEST_ID")), *repos, *out, *id12;
	char *short_line = h_strf("%s:test %s", repo, fact("BB_ZSTD_ID"));
	char *alias_line = h_strf("%s:other %s", repo, fact("BB_OTHER_ID"));

	pull_expect(ref, fact("BB_TEST_ID"));
	repos = repositories();
	ck_assert_msg(has_line(repos, want), "repositories has no line '%s': %s", want, repos);
	free(repos);
	id12 = strndup(fact("BB_TEST_ID"), 12);
	out = OUT(0, "images", "-q");
	ck_assert_msg(has_line(out, id12), "images -q lacks the image pulled by digest: %s", out);
	free(out);
	out = OUT(0, "run", "--rm", ref, "cat", "/layer3.txt");
	ck_assert_str_eq(out, "top\n");
	free(out);

	/* contibox:test resolves through unqualified-search-registries (the same config id
	 * as contibox-zstd:test: the zstd image has the same layers, recompressed) */
	pull_expect("contibox:test", fact("BB_ZSTD_ID"));
	repos = repositories();
	ck_assert_msg(has_line(repos, short_line), "short name: no line '%s': %s", short_line,
		      repos);
	free(repos);
	/* an [aliases] entry: conti-alias = REG/contibox */
	pull_expect("conti-alias:other", fact("BB_OTHER_ID"));
	repos = repositories();
	ck_assert_msg(has_line(repos, alias_line), "alias: no line '%s': %s", alias_line, repos);
	ck_assert_int_eq(assert_store_consistent(), 2);
	free(repos), free(repo), free(ref), free(want), free(id12), free(short_line),
	    free(alias_line);
}
END_TEST

/* Progress on a terminal (skopeo's per-blob lines, as podman prints them), none when
 * stderr is not a terminal or with -q; the ID last on stdout either way. */
START_TEST(test_pull_progress_on_terminal)
{
	char *ref = img("contibox:test");
	char *argv[] = {(char *)h_conti_bin(), "pull", ref, NULL};
	struct winsize ws = {.ws_row = 40, .ws_col = 120};
	struct termios before, after;
	struct h_result r;

	h_run_pty(&r, argv, &ws, NULL, &before, &after);
	h_assert_status(&r, 0, "pull on a terminal");
	ck_assert_msg(strstr(r.out, "Copying blob") && strstr(r.out, fact("BB_TEST_ID")),
		      "pull on a terminal showed no progress or no ID: %s", r.out);
	h_result_free(&r);
	wipe_store();
	RES(&r, "pull", ref);
	h_assert_status(&r, 0, "pull, stderr not a terminal");
	ck_assert_msg(!strstr(r.err, "Copying") && has_line(r.out, fact("BB_TEST_ID")),
		      "pull off a terminal printed progress or no ID: stdout %s stderr %s", r.out,
		      r.err);
	h_result_free(&r);
	free(ref);
}
END_TEST

/* zstd layers: pulled, unpacked to the same diff_ids as the gzip ones, run. */
START_TEST(test_pull_zstd)
{
	char *ref = img("contibox-zstd:test"), *out;

	pull_expect(ref, fact("BB_ZSTD_ID"));
	for (int i = 0; i < fact_words("BB_TEST_DIFFIDS"); i++) {
		char *diff = fact_word("BB_TEST_DIFFIDS", i);

		ck_assert_msg(has_layer(diff), "zstd layer %d (diff_id %s) is not unpacked", i,
			      diff);
		free(diff);
	}
	out = OUT(0, "run", "--rm", ref, "sh", "-c", "cat /keep.txt; ls -A /opq");
	ck_assert_str_eq(out, "layer3\nnew\nnew-sub\n");
	free(out), free(ref);
}
END_TEST

/* A layer blob whose bytes do not match its digest (overwritten in the registry's
 * storage, same length): refused, one line, nothing of it kept; a good pull works after. */
START_TEST(test_corrupted_blob_refused)
{
	char *blob = fact_word("BB_CORRUPT_BLOBS", 1), *diff = fact_word("BB_CORRUPT_DIFFIDS", 1);
	char *data = h_strf("%s/%.2s/%s/data", fact("REGISTRY_BLOBS"), blob, blob);
	char *ref = img("contibox-corrupt:test"), *line, *repos, *rel, *path, *out;
	struct h_result r;
	struct stat st;
	int fd;

	ck_assert_msg(stat(data, &st) == 0, "the registry has no blob %s", data);
	fd = open(data, O_WRONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open %s: %s", data, strerror(errno));
	for (off_t off = 0; off < st.st_size; off += 4096) {
		char junk[4096];

		memset(junk, 'x', sizeof(junk));
		ck_assert(pwrite(fd, junk,
				 (size_t)(st.st_size - off < 4096 ? st.st_size - off : 4096),
				 off) > 0);
	}
	close(fd);

	RES(&r, "pull", ref);
	h_assert_status(&r, 125, "pull of an image with a corrupted layer");
	line = h_error_line(&r);
	h_result_free(&r);
	rel = h_strf("blobs/sha256/%s", blob);
	path = store(rel);
	ck_assert_msg(!h_exists(path), "the corrupted blob was kept: %s", path);
	ck_assert_msg(!has_layer(diff), "the corrupted layer was unpacked");
	ck_assert_msg(!has_record(fact("BB_CORRUPT_ID")), "a record of the refused image exists");
	repos = repositories();
	ck_assert_msg(!strstr(repos, "contibox-corrupt"), "the refused image has a name: %s",
		      repos);
	ck_assert_int_eq(count_in_store("layers", ".tmp-"), 0);
	ck_assert_int_eq(count_in_store("tmp", NULL), 0);
	ck_assert_int_eq(assert_store_consistent(), 0);

	/* the store still works: a good image (on the same base layer) */
	free(ref);
	ref = img("contibox:other");
	pull_expect(ref, fact("BB_OTHER_ID"));
	out = OUT(0, "run", "--rm", ref);
	ck_assert_str_eq(out, "other-image\n");
	free(out), free(line), free(repos), free(rel), free(path), free(ref), free(blob),
	    free(diff), free(data);
}
END_TEST

/* ---- run of a pulled image ---- */

/* The union of four layers: the top layer's version of a file, no whiteout target (file
 * and directory), the opaque directory holding only the new content (its whiteout entry
 * comes before the directory in the tar), no .wh. names, owners, setuid, hard links and a
 * long name kept. */
START_TEST(test_run_layers)
{
	char *ref = img("contibox:test"), *out;
	char *longname = h_strf("/long/%0150d", 0);

	memset(longname + 6, 'n', 150);
	pull(ref);
	out =
	    OUT(0, "run", "--rm", ref, "sh", "-c",
		"cat /keep.txt /layer3.txt /base.txt; ls -A /opq; ls -A /opq/new-sub | wc -l;"
		"for p in /gone.txt /gonedir /opq/old1 /opq/sub; do"
		"  test -e $p -o -L $p && echo present $p; done;"
		"ls -A / /opq /srv | grep -c '^\\.wh\\.';"
		"stat -c '%a %u' /suid; stat -c %h /hard1; [ /hard1 -ef /hard2 ] && echo one-inode;"
		"stat -c %u:%g /srv/work /srv/work/owned33; cat \"$0\"",
		longname);
	ck_assert_str_eq(out, "layer3\ntop\nbase layer\nnew\nnew-sub\n0\n0\n4755 0\n2\n"
			      "one-inode\n33:33\n33:33\nlong\n");
	free(out), free(ref), free(longname);
}
END_TEST

/* The image's config: Cmd when no command is given, Env, WorkingDir, User (www-data,
 * 33 in its /etc/passwd); -e, -w, -u, --entrypoint override them; StopSignal SIGQUIT is
 * what stop sends; Labels in inspect. */
START_TEST(test_run_image_config)
{
	char *ref = img("contibox:test"), *out, *name = h_new_name("imgcfg", getppid());

	pull(ref);
	out = OUT(0, "run", "--rm", ref);
	ck_assert_str_eq(out, "image-cmd-ran\n");
	free(out);
	out = OUT(0, "run", "--rm", ref, "sh", "-c", "echo $FIXTURE_ENV; pwd; id -u; id -g");
	ck_assert_str_eq(out, "from-image\n/srv/work\n33\n33\n");
	free(out);
	out = OUT(0, "run", "--rm", "-e", "FIXTURE_ENV=from-cli", "-w", "/tmp", "-u", "0", ref,
		  "sh", "-c", "echo $FIXTURE_ENV; pwd; id -u");
	ck_assert_str_eq(out, "from-cli\n/tmp\n0\n");
	free(out);
	/* --entrypoint replaces Entrypoint and drops Cmd: echo with no argument */
	out = OUT(0, "run", "--rm", "--entrypoint", "/bin/echo", ref);
	ck_assert_str_eq(out, "\n");
	free(out);
	out = OUT(0, "run", "--rm", "--entrypoint", "/bin/echo", ref, "given", "args");
	ck_assert_str_eq(out, "given args\n");
	free(out);

	OK("run", "-d", "--name", name, ref, "sh", "-c",
	   "trap 'exit 42' QUIT; echo ready >/tmp/ready; while :; do sleep 0.1; done");
	out = OUT(0, "inspect", name);
	ck_assert_msg(strstr(out, "org.example.fixture") && strstr(out, "layers"),
		      "inspect of an image container lacks the image's label: %s", out);
	free(out);
	for (int i = 0; i < 100; i++) {
		struct h_result r;

		RES(&r, "exec", name, "cat", "/tmp/ready");
		bool ready = r.status == 0;
		h_result_free(&r);
		if (ready)
			break;
		usleep(100000);
	}
	OK("stop", name);
	out = OUT(0, "wait", name);
	ck_assert_msg(!strcmp(out, "42\n"),
		      "stop did not send the image's StopSignal SIGQUIT (the trap exits 42): %s",
		      out);
	free(out), free(ref), free(name);
}
END_TEST

/* Two images on one base: the base unpacked once, the second pull grows the store by
 * less than the base's size (du, measured), system df counts the shared layer once. */
static void check_shared_base(const char *test, const char *other, const char *key_test,
			      const char *key_other)
{
	char *ref1 = img(test), *ref2 = img(other), *images = store(""), *base, *rel, *path, *out;
	char *k1 = h_strf("%s_ID", key_test), *k2 = h_strf("%s_ID", key_other);
	char *d1 = h_strf("%s_DIFFIDS", key_test), *d2 = h_strf("%s_DIFFIDS", key_other);
	long before, after, base_kib;
	long long s1, s2, df = -1;
	char *id1 = strndup(fact(k1), 12), *id2 = strndup(fact(k2), 12), *base2;

	base = fact_word(d1, 0);
	base2 = fact_word(d2, 0);
	ck_assert_str_eq(base, base2);
	pull_expect(ref1, fact(k1));
	before = du_kib(images);
	rel = h_strf("layers/%s", base);
	path = store(rel);
	base_kib = du_kib(path);
	pull_expect(ref2, fact(k2));
	after = du_kib(images);
	fprintf(stderr, "%s then %s: store %ld KiB -> %ld KiB, base layer %ld KiB\n", test, other,
		before, after, base_kib);
	ck_assert_msg(has_layer(base), "the base layer is not unpacked");
	ck_assert_int_eq(count_in_store("layers", ""),
			 fact_words(d1) + fact_words(d2) - 1); /* one dir per distinct diff_id */
	ck_assert_msg(after - before < base_kib,
		      "the second image grew the store by %ld KiB, not less than its base (%ld "
		      "KiB): the base is stored twice",
		      after - before, base_kib);
	ck_assert_int_eq(assert_store_consistent(), 2);

	/* system df: docker's TYPE TOTAL ACTIVE SIZE RECLAIMABLE; Images 2, their size the
	 * shared size (not the sum of both) */
	s1 = record_size(fact(k1));
	s2 = record_size(fact(k2));
	out = OUT(0, "system", "df");
	ck_assert_msg(strstr(out, "TYPE") && strstr(out, "TOTAL") && strstr(out, "ACTIVE") &&
			  strstr(out, "SIZE") && strstr(out, "RECLAIMABLE"),
		      "system df header: %s", out);
	for (int i = 0; i < h_count_lines(out); i++) {
		char *line = h_line(out, i), *tok[8] = {0}, *save = NULL;
		int n = 0;

		for (char *t = strtok_r(line, " \t", &save); t && n < 8;
		     t = strtok_r(NULL, " \t", &save))
			tok[n++] = t;
		if (n >= 4 && !strcmp(tok[0], "Images")) {
			char *end;
			double v;

			ck_assert_msg(!strcmp(tok[1], "2"), "system df counts %s images, not 2",
				      tok[1]);
			v = strtod(tok[3], &end);
			if (!*end && n > 4)
				end = tok[4]; /* "2.1 MB" */
			df = (long long)(v * (!strncmp(end, "GiB", 3)	   ? 1073741824.0
					      : !strncmp(end, "GB", 2)	   ? 1e9
					      : !strncmp(end, "MiB", 3)	   ? 1048576.0
					      : !strncmp(end, "MB", 2)	   ? 1e6
					      : !strncmp(end, "KiB", 3)	   ? 1024.0
					      : !strncasecmp(end, "kB", 2) ? 1e3
									   : 1.0));
		}
		free(line);
	}
	fprintf(stderr, "system df: images %lld bytes; the records say %lld + %lld\n", df, s1, s2);
	ck_assert_msg(df > 0, "system df has no Images row: %s", out);
	ck_assert_msg(df < (s1 + s2) * 3 / 4 && df > (s1 > s2 ? s1 : s2) * 9 / 10,
		      "system df counts %lld bytes for two images of %lld and %lld bytes on one "
		      "base: the shared base not counted once",
		      df, s1, s2);
	free(out);
	out = OUT(0, "system", "df", "-v");
	ck_assert_msg(strstr(out, "SHARED") && strstr(out, id1) && strstr(out, id2),
		      "system df -v does not show both images (%s, %s) and what they share: %s",
		      id1, id2, out);
	free(out);
	free(id1), free(id2), free(base2);
	free(ref1), free(ref2), free(images), free(base), free(rel), free(path), free(k1), free(k2),
	    free(d1), free(d2);
}

START_TEST(test_shared_base_busybox)
{
	check_shared_base("contibox:test", "contibox:other", "BB_TEST", "BB_OTHER");
}
END_TEST

START_TEST(test_shared_base_debian)
{
	if (!have_debian()) {
		h_debian_rootfs("shared base (Debian)");
		return;
	}
	check_shared_base("debian:test", "debian:other", "DEB_TEST", "DEB_OTHER");
}
END_TEST

/* ---- commit ---- */

/* commit of an image container: the new image runs at once with the changed CMD, shows
 * the added file, not the deleted one, and shares every lower layer (one new layer dir). */
START_TEST(test_commit_image_container)
{
	char *ref = img("contibox:test"), *name = h_new_name("commit", getppid()), *id, *out;

	pull(ref);
	OK("run", "--name", name, "-u", "0", ref, "sh", "-c",
	   "echo added-by-container >/added && rm /keep.txt && rm -r /opq/new-sub");
	out = OUT(0, "commit", "--change", "CMD [\"cat\",\"/added\"]", name, "localhost/x:1");
	id = h_line(out, h_count_lines(out) - 1);
	ck_assert_msg(strlen(id) == 64 && is_hex(id, 64), "commit printed no image ID: %s", out);
	free(out);
	ck_assert_int_eq(count_in_store("layers", ""), fact_words("BB_TEST_DIFFIDS") + 1);
	for (int i = 0; i < fact_words("BB_TEST_DIFFIDS"); i++) {
		char *diff = fact_word("BB_TEST_DIFFIDS", i);

		ck_assert_msg(has_layer(diff), "layer %s of the base image is gone", diff);
		free(diff);
	}
	out = OUT(0, "run", "--rm", "localhost/x:1");
	ck_assert_str_eq(out, "added-by-container\n");
	free(out);
	out = OUT(0, "run", "--rm", "-u", "0", "localhost/x:1", "sh", "-c",
		  "test -e /keep.txt && echo keep present; ls -A /opq; cat /layer3.txt");
	ck_assert_str_eq(out, "new\ntop\n");
	free(out);
	out = OUT(0, "images");
	id[12] = '\0';
	ck_assert_msg(strstr(out, "localhost/x") && strstr(out, id),
		      "images does not list localhost/x (%s): %s", id, out);
	free(out);
	ck_assert_int_eq(assert_store_consistent(), 2);
	free(ref), free(name), free(id);
}
END_TEST

/* commit of a directory-rootfs container: the directory becomes the base layer, the
 * container's changes the top one; the host directory is unchanged. */
START_TEST(test_commit_directory_container)
{
	char *name = h_new_name("commitdir", getppid()), *out, *motd, *added;

	OK("run", "--name", name, H.rootfs, "sh", "-c", "echo dir-added >/added2 && rm /etc/motd");
	OK("commit", "--change", "CMD [\"cat\",\"/added2\"]", name, "localhost/fromdir:1");
	out = OUT(0, "run", "--rm", "localhost/fromdir:1");
	ck_assert_str_eq(out, "dir-added\n");
	free(out);
	out = OUT(0, "run", "--rm", "localhost/fromdir:1", "sh", "-c",
		  "test -e /etc/motd || echo motd-deleted; stat -c %u /bin/busybox");
	ck_assert_str_eq(out, "motd-deleted\n0\n");
	free(out);
	motd = h_strf("%s/etc/motd", H.rootfs);
	added = h_strf("%s/added2", H.rootfs);
	ck_assert_msg(h_exists(motd) && !h_exists(added), "commit changed the host directory");
	ck_assert_int_eq(count_in_store("layers", ""), 2);
	free(name), free(motd), free(added);
}
END_TEST

/* ---- save, load, archives ---- */

/* save -o F.tar, rmi, run docker-archive:F.tar; podman loads F.tar and runs it with the
 * same files (whiteouts and the opaque dir as saved). */
START_TEST(test_save_rmi_run_archive)
{
	char *ref = img("contibox:test"), *tar = h_strf("%s/saved.tar", H.base);
	char *src = h_strf("docker-archive:%s", tar), *out;
	struct h_result r;

	pull(ref);
	OK("save", "-o", tar, ref);
	ck_assert_msg(h_exists(tar), "save -o wrote no %s", tar);
	OK("rmi", ref);
	ck_assert_msg(!has_record(fact("BB_TEST_ID")), "rmi left the record");
	ck_assert_int_eq(count_in_store("layers", ""), 0);
	out = OUT(0, "images", "-q");
	ck_assert_str_eq(out, "");
	free(out);
	OK("run", "--rm", src, "true");
	out = OUT(0, "run", "--rm", src, "sh", "-c",
		  "cat /keep.txt; ls -A /opq; test -e /gone.txt || echo gone-ok; id -u");
	ck_assert_str_eq(out, "layer3\nnew\nnew-sub\ngone-ok\n33\n");
	free(out);

	PODMAN(&r, "load", "-i", tar);
	h_assert_status(&r, 0, "podman load -i (what save wrote)");
	ck_assert_msg(strstr(r.out, ref), "podman load did not name the image %s: %s", ref, r.out);
	h_result_free(&r);
	PODMAN(&r, "run", "--rm", "--net=host", ref, "sh", "-c",
	       "cat /keep.txt; ls -A /opq; test -e /gone.txt || echo gone-ok; id -u; pwd");
	h_assert_status(&r, 0, "podman run of the image save wrote");
	ck_assert_str_eq(r.out, "layer3\nnew\nnew-sub\ngone-ok\n33\n/srv/work\n");
	h_result_free(&r);
	free(ref), free(tar), free(src);
}
END_TEST

/* oci-archive: save --format oci-archive, rmi, run it; podman loads it too. */
START_TEST(test_save_oci_archive)
{
	char *ref = img("contibox:other"), *tar = h_strf("%s/saved-oci.tar", H.base);
	char *src = h_strf("oci-archive:%s", tar), *out;
	struct h_result r;

	pull(ref);
	OK("save", "--format", "oci-archive", "-o", tar, ref);
	OK("rmi", ref);
	ck_assert_int_eq(count_in_store("layers", ""), 0);
	out = OUT(0, "run", "--rm", src);
	ck_assert_str_eq(out, "other-image\n");
	free(out);
	PODMAN(&r, "load", "-i", tar);
	h_assert_status(&r, 0, "podman load -i (the oci-archive save wrote)");
	h_result_free(&r);
	PODMAN(&r, "images", "-q", "--no-trunc");
	h_assert_status(&r, 0, "podman images");
	ck_assert_msg(strstr(r.out, fact("BB_OTHER_ID")), "podman loaded another image: %s", r.out);
	h_result_free(&r);
	free(ref), free(tar), free(src);
}
END_TEST

/* What others wrote: podman save's docker-archive, skopeo's docker-archive and
 * oci-archive, an OCI layout (oci:DIR:TAG), and `load` of podman's archive. */
START_TEST(test_run_foreign_archives)
{
	char *src = h_strf("docker-archive:%s", fact("PODMAN_ARCHIVE")), *out;
	char *layout = h_strf("oci:%s/layouts/busybox:test", fact("FIX"));

	out = OUT(0, "run", "--rm", src);
	ck_assert_str_eq(out, "other-image\n");
	free(out), free(src);
	src = h_strf("docker-archive:%s", fact("SKOPEO_DOCKER_ARCHIVE"));
	out = OUT(0, "run", "--rm", src, "sh", "-c", "cat /keep.txt; ls -A /opq");
	ck_assert_str_eq(out, "layer3\nnew\nnew-sub\n");
	free(out), free(src);
	src = h_strf("oci-archive:%s", fact("SKOPEO_OCI_ARCHIVE"));
	out = OUT(0, "run", "--rm", src, "sh", "-c", "cat /keep.txt; ls -A /opq");
	ck_assert_str_eq(out, "layer3\nnew\nnew-sub\n");
	free(out), free(src);
	pull_expect(layout, fact("BB_TEST_ID"));

	wipe_store();
	out = OUT(0, "load", "-i", fact("PODMAN_ARCHIVE"));
	ck_assert_msg(strstr(out, "Loaded image"), "load printed: %s", out);
	free(out);
	src = img("contibox:other");
	out = OUT(0, "run", "--rm", src);
	ck_assert_str_eq(out, "other-image\n");
	free(out), free(src), free(layout);
}
END_TEST

/* ---- rmi, prune, tag ---- */

/* rmi refuses while a container (a stopped one) uses the image: exit status, one line
 * naming the container, nothing removed; rmi -f removes the container and the image. */
START_TEST(test_rmi_in_use)
{
	char *ref = img("contibox:test"), *name = h_new_name("inuse", getppid()), *line, *out;
	char *cdir;
	struct h_result r;

	pull(ref);
	OK("run", "--name", name, ref, "true");
	RES(&r, "rmi", ref);
	ck_assert_msg(r.status == 1 || r.status == 125,
		      "rmi of an image a container uses: exit %d, want 1 (docker) or 125: %s",
		      r.status, r.err);
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, name), "the refusal does not name the container %s: %s", name,
		      line);
	h_result_free(&r);
	ck_assert_msg(has_record(fact("BB_TEST_ID")), "the refused rmi removed the record");
	ck_assert_int_eq(count_in_store("layers", ""), fact_words("BB_TEST_DIFFIDS"));
	out = OUT(0, "run", "--rm", ref, "cat", "/keep.txt");
	ck_assert_str_eq(out, "layer3\n");
	free(out);

	OK("rmi", "-f", ref);
	out = OUT(0, "ps", "-a");
	ck_assert_msg(!strstr(out, name), "rmi -f left the container: %s", out);
	free(out);
	cdir = h_strf("%s/%s", h_containers_dir(), name);
	ck_assert_msg(!h_exists(cdir), "rmi -f left the container's dir %s", cdir);
	ck_assert_msg(!has_record(fact("BB_TEST_ID")), "rmi -f left the record");
	ck_assert_int_eq(count_in_store("layers", ""), 0);
	ck_assert_int_eq(count_in_store("blobs/sha256", ""), 0);
	free(ref), free(name), free(line), free(cdir);
}
END_TEST

/* Unknown image: 125 and the brief's one line. */
START_TEST(test_rmi_unknown)
{
	struct h_result r;
	char *line;

	RES(&r, "rmi", "localhost/no-such-image:1");
	h_assert_status(&r, 125, "rmi of an unknown image");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "not known"), "unknown image: %s", line);
	h_result_free(&r);
	free(line);
}
END_TEST

/* Points REG/repo:t at what REG/src is (skopeo, registry to registry). */
static void retag_in_registry(const char *src, const char *dst)
{
	char *from = h_strf("docker://%s", src), *to = h_strf("docker://%s", dst);
	struct h_result r;

	h_run(&r, &long_opts,
	      (char *const[]){"skopeo", "copy", "-q", "--src-tls-verify=false",
			      "--dest-tls-verify=false", from, to, NULL});
	h_assert_status(&r, 0, "skopeo copy (registry to registry)");
	h_result_free(&r);
	free(from), free(to);
}

/* image prune removes dangling images only (a name moved away from them, by a pull of the
 * same name), never a layer another image uses, never an image a container uses. */
START_TEST(test_image_prune)
{
	char *moving = img(h_unique("moving")), *moving2 = img(h_unique("moving2"));
	char *m1 = h_strf("%s:t", moving), *m2 = h_strf("%s:t", moving2);
	char *name = h_new_name("prune", getppid()), *out, *tref = img("contibox:test");
	char *oref = img("contibox:other"), *bref = img("contibox:base"), *base_id;

	/* dangling, not used: contibox:test, after m1 moves to contibox:other */
	retag_in_registry(tref, m1);
	pull_expect(m1, fact("BB_TEST_ID"));
	retag_in_registry(oref, m1);
	pull_expect(m1, fact("BB_OTHER_ID"));
	/* dangling, used by a (stopped) container: contibox:base */
	retag_in_registry(bref, m2);
	base_id = pull(m2);
	OK("run", "--name", name, m2, "true");
	retag_in_registry(oref, m2);
	pull_expect(m2, fact("BB_OTHER_ID"));
	ck_assert_int_eq(assert_store_consistent(), 3);

	out = OUT(0, "image", "prune", "-f");
	ck_assert_msg(strstr(out, fact("BB_TEST_ID")) || strstr(out, "Deleted") ||
			  strstr(out, "deleted"),
		      "image prune did not report what it deleted: %s", out);
	free(out);
	ck_assert_msg(!has_record(fact("BB_TEST_ID")), "prune kept the dangling image");
	ck_assert_msg(has_record(base_id), "prune removed a dangling image a container uses");
	ck_assert_msg(has_record(fact("BB_OTHER_ID")), "prune removed a named image");
	for (int i = 1; i < fact_words("BB_TEST_DIFFIDS"); i++) {
		char *diff = fact_word("BB_TEST_DIFFIDS", i);

		ck_assert_msg(!has_layer(diff), "prune kept layer %s of the pruned image", diff);
		free(diff);
	}
	ck_assert_int_eq(count_in_store("layers", ""), fact_words("BB_OTHER_DIFFIDS"));
	ck_assert_int_eq(assert_store_consistent(), 2);
	out = OUT(0, "run", "--rm", m1);
	ck_assert_str_eq(out, "other-image\n");
	free(out);
	OK("start", "-a", name);
	free(moving), free(moving2), free(m1), free(m2), free(name), free(tref), free(oref),
	    free(bref), free(base_id);
}
END_TEST

/* tag adds a name; rmi of one name keeps the image under the other; rmi of the last
 * removes it and its layers. */
START_TEST(test_tag_then_rmi)
{
	char *ref = img("contibox:test"), *out, *repos;
	char *want = h_strf("localhost/mytag:v1 %s", fact("BB_TEST_ID"));

	pull(ref);
	OK("tag", ref, "localhost/mytag:v1");
	out = OUT(0, "images");
	ck_assert_msg(strstr(out, "localhost/mytag") && strstr(out, "contibox"),
		      "images does not list both names: %s", out);
	free(out);
	OK("rmi", ref);
	repos = repositories();
	ck_assert_msg(has_line(repos, want) && !strstr(repos, "contibox"),
		      "after rmi of one name, repositories is: %s", repos);
	free(repos);
	ck_assert_msg(has_record(fact("BB_TEST_ID")), "rmi of one of two names removed the image");
	out = OUT(0, "run", "--rm", "localhost/mytag:v1", "cat", "/keep.txt");
	ck_assert_str_eq(out, "layer3\n");
	free(out);
	OK("rmi", "mytag:v1");
	ck_assert_msg(!has_record(fact("BB_TEST_ID")), "rmi of the last name kept the record");
	ck_assert_int_eq(count_in_store("layers", ""), 0);
	free(ref), free(want);
}
END_TEST

/* ---- import ---- */

START_TEST(test_import_tar_and_dir)
{
	char *marker = h_strf("%s/imported.txt", H.rootfs),
	     *tgz = h_strf("%s/rootfs.tar.gz", H.base);
	char *out, *id;
	struct h_result r;

	h_write_file(marker, "imported\n", 0644);
	h_run(&r, NULL,
	      (char *const[]){"tar", "-C", H.rootfs, "--owner=0", "--group=0", "-czf", tgz, ".",
			      NULL});
	h_assert_status(&r, 0, "tar -czf");
	h_result_free(&r);
	out = OUT(0, "import", "--change", "CMD [\"cat\",\"/imported.txt\"]", tgz,
		  "localhost/imp:tar");
	id = h_line(out, h_count_lines(out) - 1);
	ck_assert_msg(strstr(id, "sha256:") == id ? is_hex(id + 7, 64) : is_hex(id, 64),
		      "import printed no image ID: %s", out);
	free(out), free(id);
	out = OUT(0, "run", "--rm", "localhost/imp:tar");
	ck_assert_str_eq(out, "imported\n");
	free(out);
	out = OUT(0, "run", "--rm", "localhost/imp:tar", "stat", "-c", "%u", "/bin/busybox");
	ck_assert_str_eq(out, "0\n");
	free(out);

	h_write_file(marker, "imported from a directory\n", 0644);
	OK("import", H.rootfs, "localhost/imp:dir");
	out = OUT(0, "run", "--rm", "localhost/imp:dir", "sh", "-c",
		  "cat /imported.txt; stat -c %u /bin/busybox");
	ck_assert_str_eq(out, "imported from a directory\n0\n");
	free(out);
	/* the tar's one layer is not the directory's: two images, two layers */
	ck_assert_int_eq(assert_store_consistent(), 2);
	free(marker), free(tgz);
}
END_TEST

/* ---- SIGKILL, concurrency ---- */

/* The image to hammer: the Debian one when there is a Debian rootfs (big enough for
 * kills to land mid-download and mid-unpack), else busybox. */
static const char *big_key(void)
{
	return have_debian() ? "DEB_TEST" : "BB_TEST";
}

static char *big_ref(void)
{
	return img(have_debian() ? "debian:test" : "contibox:test");
}

static char *big_fact(const char *what)
{
	return h_strf("%s_%s", big_key(), what);
}

/* A pull in the background, SIGKILLed with every process working on this store (their
 * command lines name it: skopeo's blob dir, the unpack steps) once the condition holds:
 * after ms, or (ms < 0) once a layers/.tmp-* directory exists (must_hit: it must). */
static void killed_pull(const char *ref, int ms, bool must_hit)
{
	char *argv[] = {(char *)h_conti_bin(), "pull", "-q", (char *)ref, NULL};
	char *images = store(""), *what = ms < 0 ? strdup("during unpack") : h_strf("%d ms", ms);
	long long deadline = h_mono_ms() + 120000;
	struct h_result r;
	struct h_proc p;
	bool hit = false;

	h_spawn(&p, argv, NULL);
	if (ms >= 0) {
		usleep((useconds_t)ms * 1000);
		hit = true;
	} else {
		while (!hit && h_mono_ms() < deadline && h_pid_alive(p.pid)) {
			hit = count_in_store("layers", ".tmp-") > 0;
			if (!hit)
				usleep(1000);
		}
	}
	kill(p.pid, SIGKILL);
	h_kill_procs(images);
	h_finish(&p, &r, 10000);
	for (int i = 0; i < 100 && h_count_procs_mentioning(images) > 0; i++) {
		h_kill_procs(images);
		usleep(50000);
	}
	fprintf(stderr, "pull killed %s: exit %d (%s)\n", what, r.status,
		hit ? "killed mid-way" : "finished first");
	ck_assert_msg(ms >= 0 || hit || !must_hit, "no layers/.tmp-* appeared during the pull: %s",
		      r.err);
	h_result_free(&r);
	/* what is there is whole: every record's layers, every name's record */
	assert_store_consistent();
	OK("images");
	free(images), free(what);
}

START_TEST(test_sigkill_during_pull)
{
	char *ref = big_ref(), *idk = big_fact("ID"), *out, *host_out;
	static const int points[] = {-1, 5, 50, 200, 600, 1500, 3000};
	const char *deb = have_debian() ? getenv("CONTI_TEST_DEBIAN_ROOTFS") : NULL;
	struct h_result r;

	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
		killed_pull(ref, points[i], i == 0 && have_debian());
	/* a later pull works and gives the whole image */
	pull_expect(ref, fact(idk));
	ck_assert_int_eq(assert_store_consistent(), 1);
	if (deb) {
		char *cmd = h_strf("ls -A %s/usr/bin | wc -l; md5sum <%s/usr/bin/dpkg", deb, deb);

		h_run(&r, NULL, (char *const[]){"sh", "-c", cmd, NULL});
		h_assert_status(&r, 0, "counting the Debian rootfs's /usr/bin");
		host_out = strdup(r.out);
		h_result_free(&r);
		free(cmd);
		out = OUT(0, "run", "--rm", ref, "sh", "-c",
			  "ls -A /usr/bin | wc -l; md5sum </usr/bin/dpkg");
		ck_assert_msg(!strcmp(out, host_out),
			      "the image after the killed pulls differs from the rootfs: %s vs %s",
			      out, host_out);
		free(out), free(host_out);
		out = OUT(0, "run", "--rm", ref);
		ck_assert_str_eq(out, "debian-test\n");
		free(out);
	} else {
		out = OUT(0, "run", "--rm", ref, "cat", "/keep.txt");
		ck_assert_str_eq(out, "layer3\n");
		free(out);
	}
	/* prune clears what the killed pulls left; rmi removes everything */
	OK("image", "prune", "-f");
	ck_assert_int_eq(count_in_store("layers", ".tmp-"), 0);
	ck_assert_int_eq(count_in_store("tmp", NULL), 0);
	ck_assert_msg(has_record(fact(idk)), "image prune removed a named image");
	OK("rmi", ref);
	ck_assert_int_eq(count_in_store("records", ""), 0);
	ck_assert_int_eq(count_in_store("layers", ""), 0);
	ck_assert_int_eq(count_in_store("blobs/sha256", ""), 0);
	out = OUT(0, "images", "-q");
	ck_assert_str_eq(out, "");
	free(out), free(ref), free(idk);
}
END_TEST

/* Two pulls of one image at once: both succeed, one record, one dir per layer. */
START_TEST(test_two_pulls_at_once)
{
	char *ref = big_ref(), *idk = big_fact("ID"), *dk = big_fact("DIFFIDS"), *repos, *want;
	char *argv[] = {(char *)h_conti_bin(), "pull", "-q", ref, NULL};
	struct h_proc p1, p2;
	struct h_result r1, r2;

	h_spawn(&p1, argv, NULL);
	h_spawn(&p2, argv, NULL);
	h_finish(&p1, &r1, LONG_MS);
	h_finish(&p2, &r2, LONG_MS);
	h_assert_status(&r1, 0, "the first of two pulls at once");
	h_assert_status(&r2, 0, "the second of two pulls at once");
	ck_assert_msg(strstr(r1.out, fact(idk)) && strstr(r2.out, fact(idk)),
		      "the pulls printed %s and %s", r1.out, r2.out);
	ck_assert_int_eq(assert_store_consistent(), 1);
	ck_assert_int_eq(count_in_store("layers", ""), fact_words(dk));
	want = h_strf("%s %s", ref, fact(idk));
	repos = repositories();
	ck_assert_msg(has_line(repos, want) && h_count_lines(repos) == 1,
		      "two pulls at once left names: %s", repos);
	free(want), free(repos);
	OK("run", "--rm", ref, "true");
	h_result_free(&r1), h_result_free(&r2);
	free(ref), free(idk), free(dk);
}
END_TEST

/* A pull and an rmi at once, of two images on one base (the rmi deletes the base the
 * pull needs unless they are serialized): both succeed, no record lacks a layer, the
 * pulled image runs. */
START_TEST(test_pull_and_rmi_at_once)
{
	char *a = img("contibox:test"), *b = img("contibox:other");

	pull(a);
	for (int i = 0; i < 6; i++) {
		char *get = i % 2 ? a : b, *del = i % 2 ? b : a, *out;
		char *pa[] = {(char *)h_conti_bin(), "pull", "-q", get, NULL};
		char *ra[] = {(char *)h_conti_bin(), "rmi", del, NULL};
		struct h_proc pp, rp;
		struct h_result pr, rr;

		h_spawn(&pp, pa, NULL);
		if (i >= 2)
			usleep((useconds_t)(i - 1) * 15000);
		h_spawn(&rp, ra, NULL);
		h_finish(&pp, &pr, LONG_MS);
		h_finish(&rp, &rr, LONG_MS);
		h_assert_status(&pr, 0, "a pull at the same time as an rmi");
		h_assert_status(&rr, 0, "an rmi at the same time as a pull");
		ck_assert_int_eq(assert_store_consistent(), 1);
		out = OUT(0, "run", "--rm", get, "cat", "/base.txt");
		ck_assert_str_eq(out, "base layer\n");
		free(out);
		h_result_free(&pr), h_result_free(&rr);
	}
	free(a), free(b);
}
END_TEST

/* ---- layers that escape ---- */

/* A layer with an entry that escapes (KIND) is refused by pull: exit 125, one line,
 * nothing written outside, no record, no layer, no temp dir left. The control first: the
 * same hand-written layout without the escape is pulled and unpacked (so the refusal is
 * the escape's, not the layout's). */
static void check_escape(const char *kind)
{
	char *outside = h_strf("%s/outside", H.base), *dir = h_strf("%s/evil-%s", H.base, kind);
	char *target = h_strf("%s/%s-escaped", outside, kind);
	char *victim = h_strf("%s/victim", outside), *src = h_strf("oci:%s:evil", dir);
	char *diff, *line, *text, *good, *good_src, *good_diff, *good_file;
	struct h_result r;
	struct stat st;

	ck_assert_int_eq(mkdir(outside, 0755), 0);
	h_write_file(victim, "victim\n", 0644);
	if (!strcmp(kind, "hardlink")) {
		free(target);
		target = strdup(victim);
	}
	/* the control: the same generator without the escape makes a layout pull takes */
	good = h_strf("%s/benign", H.base);
	good_src = h_strf("oci:%s:evil", good);
	h_run(&r, NULL,
	      (char *const[]){"sh", (char *)getenv("CONTI_IMAGES_FIXTURE"), "evil", good, "benign",
			      target, NULL});
	h_assert_status(&r, 0, "writing the benign layout");
	good_diff = h_line(r.out, 0);
	h_result_free(&r);
	free(pull(good_src));
	ck_assert_msg(has_layer(good_diff), "the benign layer is not unpacked");
	good_file = h_strf("%s/conti-rootless/images/layers/%s/ok.txt", H.data, good_diff);
	text = h_read_file(good_file);
	ck_assert_msg(text && !strcmp(text, "before the escape\n"), "the benign layer's ok.txt: %s",
		      text ? text : "(missing)");
	free(text);

	h_run(&r, NULL,
	      (char *const[]){"sh", (char *)getenv("CONTI_IMAGES_FIXTURE"), "evil", dir,
			      (char *)kind, target, NULL});
	h_assert_status(&r, 0, "writing the escaping layout");
	diff = h_line(r.out, 0);
	h_result_free(&r);

	RES(&r, "pull", src);
	h_assert_status(&r, 125, "pull of a layer that escapes");
	line = h_error_line(&r);
	h_result_free(&r);
	if (!strcmp(kind, "hardlink")) {
		text = h_read_file(victim);
		ck_assert_msg(text && !strcmp(text, "victim\n"),
			      "the layer wrote through a hard link to %s: %s", victim, text);
		ck_assert_int_eq(stat(victim, &st), 0);
		ck_assert_msg(st.st_nlink == 1, "a hard link to %s was made (%lu links)", victim,
			      (unsigned long)st.st_nlink);
		free(text);
	} else {
		ck_assert_msg(!h_exists(target), "the layer wrote %s, outside its directory",
			      target);
	}
	ck_assert_int_eq(h_count_entries(outside), 1);
	ck_assert_msg(!has_layer(diff), "the escaping layer was kept");
	ck_assert_int_eq(count_in_store("layers", ""), 1); /* the benign one */
	ck_assert_int_eq(assert_store_consistent(), 1);
	free(outside), free(dir), free(target), free(victim), free(src), free(diff), free(line);
	free(good), free(good_src), free(good_diff), free(good_file);
}

START_TEST(test_escape_dotdot)
{
	check_escape("dotdot");
}
END_TEST

START_TEST(test_escape_absolute)
{
	check_escape("abs");
}
END_TEST

START_TEST(test_escape_symlink)
{
	check_escape("symlink");
}
END_TEST

START_TEST(test_escape_hardlink)
{
	check_escape("hardlink");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("images");
	SRunner *sr;
	TCase *tc;
	int failed;

	main_pid = getpid();
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, on_signal);
	atexit(fixture_cleanup);
	fixture_setup();

	tc = img_tcase("pull", 120);
	tcase_add_test(tc, test_pull_by_tag_and_images);
	tcase_add_test(tc, test_pull_by_digest_and_short_name);
	tcase_add_test(tc, test_pull_zstd);
	tcase_add_test(tc, test_pull_progress_on_terminal);
	tcase_add_test(tc, test_corrupted_blob_refused);
	suite_add_tcase(s, tc);
	tc = img_tcase("run", 120);
	tcase_add_test(tc, test_run_layers);
	tcase_add_test(tc, test_run_image_config);
	suite_add_tcase(s, tc);
	tc = img_tcase("shared", 300);
	tcase_add_test(tc, test_shared_base_busybox);
	tcase_add_test(tc, test_shared_base_debian);
	suite_add_tcase(s, tc);
	tc = img_tcase("commit", 120);
	tcase_add_test(tc, test_commit_image_container);
	tcase_add_test(tc, test_commit_directory_container);
	suite_add_tcase(s, tc);
	tc = img_tcase("archives", 180);
	tcase_add_test(tc, test_save_rmi_run_archive);
	tcase_add_test(tc, test_save_oci_archive);
	tcase_add_test(tc, test_run_foreign_archives);
	suite_add_tcase(s, tc);
	tc = img_tcase("remove", 120);
	tcase_add_test(tc, test_rmi_in_use);
	tcase_add_test(tc, test_rmi_unknown);
	tcase_add_test(tc, test_image_prune);
	tcase_add_test(tc, test_tag_then_rmi);
	suite_add_tcase(s, tc);
	tc = img_tcase("import", 120);
	tcase_add_test(tc, test_import_tar_and_dir);
	suite_add_tcase(s, tc);
	tc = img_tcase("kill", 600);
	tcase_add_test(tc, test_sigkill_during_pull);
	tcase_add_test(tc, test_two_pulls_at_once);
	tcase_add_test(tc, test_pull_and_rmi_at_once);
	suite_add_tcase(s, tc);
	tc = img_tcase("escape", 120);
	tcase_add_test(tc, test_escape_dotdot);
	tcase_add_test(tc, test_escape_absolute);
	tcase_add_test(tc, test_escape_symlink);
	tcase_add_test(tc, test_escape_hardlink);
	suite_add_tcase(s, tc);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	fixture_cleanup();
	return failed ? 1 : 0;
}
