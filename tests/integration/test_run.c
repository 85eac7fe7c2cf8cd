/* test_run.c - integration tests of `conti-rootless run` and `rm`: each test runs
 * the built front end as the calling (unprivileged) user on a fresh busybox
 * rootfs, with private XDG_RUNTIME_DIR and XDG_DATA_HOME, and asserts what the
 * user would see: output, exit status, files and processes left behind.
 *
 * Environment: CONTI_BIN, CONTI_MKROOTFS (set by meson); CK_RUN_CASE=NAME runs one
 * TCase; CONTI_EXPECT_NOSUBID=1 adds the "nosubid" case, for a user without
 * subordinate ids (and runs only it unless CK_RUN_CASE says otherwise).
 */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define CONTI(r, ...) h_conti((r), NULL, __VA_ARGS__, NULL)
#define CONTI_OPTS(r, o, ...) h_conti((r), (o), __VA_ARGS__, NULL)

/* ---- helpers shared by the tests ---- */

/* Fails unless every stderr line is a warning of the tool. */
static void assert_only_warnings(const struct h_result *r)
{
	int n = h_count_lines(r->err);

	for (int i = 0; i < n; i++) {
		char *line = h_line(r->err, i);

		ck_assert_msg(!strncmp(line, "conti-rootless: warning: ", 25),
			      "unexpected stderr line: %s", line);
		free(line);
	}
}

static char *in_rootfs(const char *rel)
{
	return h_strf("%s/%s", H.rootfs, rel);
}

/* A unique decimal "100.NNNNNN": busybox sleep takes it as seconds, and it marks the
 * processes of one test in /proc (as the sleep's argument and in its shell's script). */
static char *sleep_marker(void)
{
	static int counter;

	return h_strf("100.%04d%02d", (int)(getpid() % 10000), ++counter % 100);
}

/* The first range of the caller in FILE (/etc/subuid or /etc/subgid), by name or uid. */
static bool own_subid_range(const char *file, unsigned long *start, unsigned long *count)
{
	struct passwd *pw = getpwuid(getuid());
	char *text = h_read_file(file), *save = NULL, uid[32];
	bool found = false;

	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l && !found;
	     l = strtok_r(NULL, "\n", &save)) {
		char owner[256];

		found = sscanf(l, "%255[^:]:%lu:%lu", owner, start, count) == 3 &&
			(!strcmp(owner, uid) || (pw && !strcmp(owner, pw->pw_name)));
	}
	free(text);
	return found;
}

struct idline {
	unsigned long inside, outside, count;
};

/* Parses /proc/PID/uid_map text; fails unless every line is "INSIDE OUTSIDE COUNT". */
static int parse_idmap(const char *text, struct idline *l, int max)
{
	int lines = h_count_lines(text), n = 0;

	ck_assert_msg(lines <= max, "too many lines in the id map:\n%s", text);
	for (; n < lines; n++) {
		char *line = h_line(text, n);

		ck_assert_msg(
		    sscanf(line, "%lu %lu %lu", &l[n].inside, &l[n].outside, &l[n].count) == 3,
		    "bad id map line '%s'", line);
		free(line);
	}
	return n;
}

/* Runs `cat /proc/self/uid_map` in a container with option opt; returns the parsed lines. */
static int container_uid_map(const char *opt, struct idline *l, int max)
{
	struct h_result r;
	int n;

	CONTI(&r, "run", "--rm", opt, H.rootfs, "cat", "/proc/self/uid_map");
	h_assert_status(&r, 0, "cat /proc/self/uid_map");
	n = parse_idmap(r.out, l, max);
	h_result_free(&r);
	return n;
}

/* One id mapped, root. As the container reads its own map, the outside id is its parent
 * namespace's: the caller's uid when it runs in the keeper's namespace (a user without
 * subordinate ids), 0 when it has one of its own nested in a keeper that maps ranges. */
static void assert_single_map(const struct idline *l, int n)
{
	ck_assert_msg(n == 1, "expected a one-line uid_map, got %d lines", n);
	ck_assert_uint_eq(l[0].inside, 0);
	ck_assert_msg(l[0].outside == getuid() || l[0].outside == 0, "outside id %lu",
		      (unsigned long)l[0].outside);
	ck_assert_uint_eq(l[0].count, 1);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts names[0..n) and joins them with ','; frees the names. */
static char *join_sorted(char **names, int n)
{
	char *out = strdup(""), *next;

	qsort(names, (size_t)n, sizeof(*names), cmp_str);
	for (int i = 0; i < n; i++) {
		next = h_strf("%s%s%s", out, i ? "," : "", names[i]);
		free(out);
		free(names[i]);
		out = next;
	}
	return out;
}

/* The lines of text, sorted, joined with ','. */
static char *sorted_lines(const char *text)
{
	int n = h_count_lines(text);
	char **names = calloc((size_t)n + 1, sizeof(char *));

	for (int i = 0; i < n; i++)
		names[i] = h_line(text, i);
	return join_sorted(names, n);
}

/* The entries of dir (without . and ..), sorted, joined with ','. */
static char *sorted_entries(const char *dir)
{
	char **names = calloc((size_t)h_count_entries(dir) + 1, sizeof(char *));
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert(d);
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	return join_sorted(names, n);
}

/* Interface names in /proc/net/dev text (the lines with a ':'), sorted, joined with ','. */
static char *netdev_names(const char *text)
{
	int lines = h_count_lines(text), n = 0;
	char **names = calloc((size_t)lines + 1, sizeof(char *));

	for (int i = 0; i < lines; i++) {
		char *line = h_line(text, i), *colon = strchr(line, ':'), *p = line;

		if (colon) {
			*colon = '\0';
			while (*p == ' ')
				p++;
			names[n++] = strdup(p);
		}
		free(line);
	}
	return join_sorted(names, n);
}

/* Interface names in `ip link` output ("N: NAME: <...>" or "N: NAME@PEER: ..."). */
static char *ip_link_names(const char *text)
{
	int lines = h_count_lines(text), n = 0;
	char **names = calloc((size_t)lines + 1, sizeof(char *));

	for (int i = 0; i < lines; i++) {
		char *line = h_line(text, i), *p = strstr(line, ": ");

		if (isdigit((unsigned char)line[0]) && p) {
			p += 2;
			p[strcspn(p, ":@")] = '\0';
			names[n++] = strdup(p);
		}
		free(line);
	}
	return join_sorted(names, n);
}

/* The one container dir in DATA/containers (fails unless there is exactly one). */
static char *only_container_dir(void)
{
	char *containers = h_containers_dir(), *entries, *dir;

	ck_assert_msg(h_count_entries(containers) == 1, "expected one dir in %s, found %d",
		      containers, h_count_entries(containers));
	entries = sorted_entries(containers);
	dir = h_strf("%s/%s", containers, entries);
	free(entries);
	free(containers);
	return dir;
}

/* True when DIR/NAME in an upper dir hides a lower file: a 0/0 character device
 * (kernel overlayfs, fuse-overlayfs when it may mknod) or a .wh.NAME file. */
static bool is_whiteout(const char *dir, const char *name)
{
	char *path = h_strf("%s/%s", dir, name), *wh = h_strf("%s/.wh.%s", dir, name);
	struct stat st;
	bool found =
	    (lstat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == 0) || h_exists(wh);

	free(path);
	free(wh);
	return found;
}

/* The directory of prog on PATH, NULL when it is not there. */
static char *find_on_path(const char *prog)
{
	char *path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"), *save = NULL;
	char *found = NULL;

	for (char *d = strtok_r(path, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *full = h_strf("%s/%s", d, prog);

		if (access(full, X_OK) == 0)
			found = strdup(d);
		free(full);
	}
	free(path);
	return found;
}

/* A temp dir holding copies of newuidmap and newgidmap without the setuid bit; the
 * returned env entry puts it first in PATH. NULL (skip) when they are not installed. */
static char *unusable_newuidmap_path(void)
{
	static const char *const helpers[] = {"newuidmap", "newgidmap"};
	char *bin = h_strf("%s/fakebin", H.base), *path;

	ck_assert_int_eq(mkdir(bin, 0755), 0);
	for (int i = 0; i < 2; i++) {
		char *dir = find_on_path(helpers[i]), *src, *dst;

		if (!dir) {
			free(bin);
			return NULL;
		}
		src = h_strf("%s/%s", dir, helpers[i]);
		dst = h_strf("%s/%s", bin, helpers[i]);
		h_copy_file(src, dst, 0755);
		free(dir);
		free(src);
		free(dst);
	}
	path = h_strf("PATH=%s:%s", bin, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	free(bin);
	return path;
}

/* ---- root: / is the rootfs ---- */

/* A file planted in the rootfs before the run is what the container reads at /planted. */
START_TEST(test_root_planted_file_visible)
{
	char *file = in_rootfs("planted");
	struct h_result r;

	h_write_file(file, "from the rootfs\n", 0644);
	CONTI(&r, "run", "--rm", H.rootfs, "cat", "/planted");
	h_assert_status(&r, 0, "cat /planted");
	ck_assert_str_eq(r.out, "from the rootfs\n");
	h_result_free(&r);
	free(file);
}
END_TEST

/* Host paths outside the rootfs (a file next to it, the front end itself) do not exist
 * inside, while a rootfs path does (the control). */
START_TEST(test_root_host_paths_absent)
{
	char *outside = h_strf("%s/outside-the-rootfs", H.base);
	struct h_result r;

	h_write_file(outside, "host only\n", 0644);
	CONTI(&r, "run", "--rm", H.rootfs, "sh", "-c",
	      "for p; do if test -e \"$p\"; then echo \"visible: $p\"; fi; done", "sh", outside,
	      h_conti_bin(), "/bin/busybox");
	h_assert_status(&r, 0, "test -e");
	ck_assert_str_eq(r.out, "visible: /bin/busybox\n");
	h_result_free(&r);
	free(outside);
}
END_TEST

/* `ls -A /` inside lists exactly the rootfs's top-level entries. */
START_TEST(test_root_listing_matches_rootfs)
{
	char *want = sorted_entries(H.rootfs), *got;
	struct h_result r;

	CONTI(&r, "run", "--rm", H.rootfs, "ls", "-A", "/");
	h_assert_status(&r, 0, "ls -A /");
	got = sorted_lines(r.out);
	ck_assert_str_eq(got, want);
	h_result_free(&r);
	free(want);
	free(got);
}
END_TEST

/* PID 1 of the container is the init helper, which runs the command. */
START_TEST(test_root_pid1_is_init)
{
	struct h_result r;

	CONTI(&r, "run", "--rm", H.rootfs, "cat", "/proc/1/cmdline");
	h_assert_status(&r, 0, "cat /proc/1/cmdline");
	/* cmdline is NUL-separated: the C string is argv[0]. */
	ck_assert_str_eq(r.out, "conti-rootless-init");
	h_result_free(&r);
}
END_TEST

/* ---- processes: the container has its own PID namespace ---- */

/* `ps` lists only init (PID 1), the shell and ps itself: no process of the host, such
 * as this test (whose command line would show up). */
START_TEST(test_ps_shows_only_container)
{
	char self[256] = "", *line1;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct h_result r;

	ck_assert(n > 0);
	self[n] = '\0';
	CONTI(&r, "run", "--rm", H.rootfs, "sh", "-c", "ps; true");
	h_assert_status(&r, 0, "ps");
	/* a header, then init, sh and ps */
	ck_assert_msg(h_count_lines(r.out) == 4, "expected 3 processes:\n%s", r.out);
	line1 = h_line(r.out, 1);
	ck_assert_msg(atoi(line1) == 1 && strstr(line1, "conti-rootless-init"), "%s", r.out);
	ck_assert_msg(!strstr(r.out, strrchr(self, '/') + 1), "host process visible:\n%s", r.out);
	free(line1);
	h_result_free(&r);
}
END_TEST

/* The host PID of this test cannot be signalled from inside; the shell's own can. */
START_TEST(test_kill_host_pid_fails)
{
	char *script = h_strf("kill -0 $$ && echo self; kill -0 %d 2>/dev/null && echo host; true",
			      (int)getpid());
	struct h_result r;

	ck_assert_int_gt(getpid(), 10);
	CONTI(&r, "run", "--rm", H.rootfs, "sh", "-c", script);
	h_assert_status(&r, 0, "kill -0");
	ck_assert_str_eq(r.out, "self\n");
	h_result_free(&r);
	free(script);
}
END_TEST

/* ---- hostname ---- */

/* Without --hostname the hostname (and $HOSTNAME) is the container's --name. */
START_TEST(test_hostname_defaults_to_name)
{
	char *name = h_unique("host"), *want = h_strf("%s\n%s\n", name, name);
	struct h_result r;

	CONTI(&r, "run", "--rm", "--name", name, H.rootfs, "sh", "-c", "hostname; echo $HOSTNAME");
	h_assert_status(&r, 0, "hostname");
	ck_assert_str_eq(r.out, want);
	h_result_free(&r);
	free(name);
	free(want);
}
END_TEST

/* --hostname sets the hostname. */
START_TEST(test_hostname_option)
{
	struct h_result r;

	CONTI(&r, "run", "--rm", "--hostname", "box.example", H.rootfs, "hostname");
	h_assert_status(&r, 0, "hostname");
	ck_assert_str_eq(r.out, "box.example\n");
	h_result_free(&r);
}
END_TEST

/* ---- uid_map: the user namespace's mapping ---- */

/* By default uid 0 is the caller and 1.. the caller's subordinate range (and so for gids). */
START_TEST(test_uidmap_default_uses_subids)
{
	unsigned long ustart, ucount, gstart, gcount;
	struct idline l[8];
	int n;

	if (!own_subid_range("/etc/subuid", &ustart, &ucount) ||
	    !own_subid_range("/etc/subgid", &gstart, &gcount)) {
		h_skip("test_uidmap_default_uses_subids: the caller has no /etc/subuid or "
		       "/etc/subgid entry");
		return;
	}
	n = container_uid_map("--uidmap=auto", l, 8);
	ck_assert_msg(n >= 2, "expected at least two uid_map lines, got %d", n);
	ck_assert_msg(l[0].inside == 0 && l[0].outside == getuid() && l[0].count == 1,
		      "first line: %lu %lu %lu", l[0].inside, l[0].outside, l[0].count);
	ck_assert_msg(l[1].inside == 1 && l[1].outside == ustart && l[1].count == ucount,
		      "second line: %lu %lu %lu, expected 1 %lu %lu", l[1].inside, l[1].outside,
		      l[1].count, ustart, ucount);
}
END_TEST

/* --uidmap=single maps only the caller, as uid 0: one line "0 UID 1". */
START_TEST(test_uidmap_single)
{
	struct idline l[8];
	int n = container_uid_map("--uidmap=single", l, 8);

	assert_single_map(l, n);
}
END_TEST

/* --uidmap=single gets a user namespace of its own, which the front end maps while PID 1
 * waits: twenty runs in a row, none may lose that race (PID 1 turned non-dumpable too
 * early once, making its uid_map root's and the map write fail with EACCES now and then). */
START_TEST(test_uidmap_single_repeatedly)
{
	for (int i = 0; i < 20; i++) {
		struct h_result r;

		CONTI(&r, "run", "--rm", "--uidmap=single", H.rootfs, "true");
		h_assert_status(&r, 0, "run --uidmap=single");
		h_result_free(&r);
	}
}
END_TEST

/* The command runs as root of the container. */
START_TEST(test_uidmap_id_is_root)
{
	struct h_result r;

	CONTI(&r, "run", "--rm", H.rootfs, "sh", "-c", "id -u; id -g");
	h_assert_status(&r, 0, "id -u");
	ck_assert_str_eq(r.out, "0\n0\n");
	h_result_free(&r);
}
END_TEST

/* ---- overlay: the rootfs stays untouched ---- */

/* Runs a container named name that adds /newfile and deletes /etc/motd, with opt; checks
 * that the rootfs is unchanged and that the writable layer holds both changes; returns
 * the command's stdout. */
static char *write_through_overlay(const char *name, const char *opt, const char *pre)
{
	char *script = h_strf("%secho new > /newfile && rm /etc/motd", pre), *out;
	char *motd = in_rootfs("etc/motd"), *newfile = in_rootfs("newfile"), *dir, *upper, *up;
	struct h_result r;

	CONTI(&r, "run", "--name", name, opt, H.rootfs, "sh", "-c", script);
	h_assert_status(&r, 0, script);
	ck_assert_msg(h_exists(motd), "/etc/motd deleted in the rootfs itself");
	ck_assert_msg(!h_exists(newfile), "/newfile written into the rootfs itself");
	dir = only_container_dir();
	upper = h_strf("%s/upper/newfile", dir);
	up = h_read_file(upper);
	ck_assert_msg(up && !strcmp(up, "new\n"), "%s missing or wrong", upper);
	free(upper);
	upper = h_strf("%s/upper/etc", dir);
	ck_assert_msg(is_whiteout(upper, "motd"), "no whiteout for etc/motd in %s", upper);
	out = r.out;
	r.out = NULL;
	h_result_free(&r);
	free(script), free(motd), free(newfile), free(dir), free(upper), free(up);
	return out;
}

/* `rm NAME` prints the name and removes the state and the writable layer. */
static void remove_container(const char *name)
{
	char *want = h_strf("%s\n", name);
	struct h_result r;

	CONTI(&r, "rm", name);
	h_assert_status(&r, 0, "rm");
	ck_assert_str_eq(r.out, want);
	h_assert_nothing_left();
	h_result_free(&r);
	free(want);
}

/* The container's data dir, named for it, keeps its configuration. */
static void assert_config_kept(const char *name)
{
	char *dir = only_container_dir(), *path = h_strf("%s/config", dir);
	char *config = h_read_file(path), *want = h_strf("name=%s\n", name);

	ck_assert_str_eq(strrchr(dir, '/') + 1, name);
	ck_assert_msg(config && !strncmp(config, want, strlen(want)), "%s: %s", path,
		      config ? config : "missing");
	free(dir), free(path), free(config), free(want);
}

/* Writes go to DATA/containers/NAME/upper, not the rootfs; `rm` removes state and layer. */
START_TEST(test_overlay_auto_keeps_rootfs)
{
	char *name = h_unique("ov");

	free(write_through_overlay(name, "--overlay=auto", ""));
	assert_config_kept(name);
	remove_container(name);
	free(name);
}
END_TEST

/* The same with fuse-overlayfs, which `mount` shows on /. */
START_TEST(test_overlay_fuse_keeps_rootfs)
{
	char *fuse = find_on_path("fuse-overlayfs"), *name = h_unique("fuse"), *out;

	if (!fuse || access("/dev/fuse", R_OK | W_OK) < 0) {
		h_skip("test_overlay_fuse_keeps_rootfs: no fuse-overlayfs on PATH or /dev/fuse "
		       "not usable");
		free(fuse);
		free(name);
		return;
	}
	out = write_through_overlay(name, "--overlay=fuse", "mount | grep ' on / '; ");
	ck_assert_msg(strstr(out, "fuse-overlayfs on / "), "not fuse-overlayfs on /: %s", out);
	remove_container(name);
	free(fuse), free(name), free(out);
}
END_TEST

/* --overlay=none writes into the rootfs itself, and --rm must not delete the rootfs. */
START_TEST(test_overlay_none_writes_through_keeps_rootfs)
{
	char *bin = in_rootfs("bin"), *through = in_rootfs("through"), *text;
	char *busybox = in_rootfs("bin/busybox");
	int bin_entries = h_count_entries(bin), top_entries = h_count_entries(H.rootfs);
	struct h_result r;

	CONTI(&r, "run", "--rm", "--overlay=none", H.rootfs, "sh", "-c", "echo x > /through");
	h_assert_status(&r, 0, "echo x > /through");
	text = h_read_file(through);
	ck_assert_msg(text && !strcmp(text, "x\n"), "the write did not land in the rootfs");
	ck_assert_int_eq(h_count_entries(bin), bin_entries);
	ck_assert_int_eq(h_count_entries(H.rootfs), top_entries + 1);
	ck_assert_msg(access(busybox, X_OK) == 0, "%s is gone", busybox);
	h_assert_nothing_left();
	h_result_free(&r);
	free(bin), free(through), free(text), free(busybox);
}
END_TEST

/* ---- exit codes ---- */

static const struct {
	const char *argv[4];
	int status;
	const char *error; /* the init helper's one stderr line contains this, NULL: no line */
} exit_cases[] = {
    {{"true"}, 0, NULL},
    {{"false"}, 1, NULL},
    {{"sh", "-c", "exit 42"}, 42, NULL},
    {{"/etc/motd"}, 126, "Permission denied"},
    {{"no-such-command"}, 127, "not found"},
    {{"sh", "-c", "kill -INT $$"}, 130, NULL},
    {{"sh", "-c", "kill -9 $$"}, 137, NULL},
};

/* The front end exits with the command's status: its code, 126 when not executable, 127
 * when not found, 128+N when killed by signal N. */
START_TEST(test_exit_status)
{
	char *argv[10] = {(char *)h_conti_bin(), "run", "--rm", H.rootfs};
	struct h_result r;
	int n = 4;

	for (int i = 0; i < 4 && exit_cases[_i].argv[i]; i++)
		argv[n++] = (char *)exit_cases[_i].argv[i];
	h_run(&r, NULL, argv);
	h_assert_status(&r, exit_cases[_i].status, exit_cases[_i].argv[0]);
	if (exit_cases[_i].error) {
		char *line = h_error_line(&r);

		ck_assert_msg(strstr(line, exit_cases[_i].error), "%s", line);
		free(line);
	} else {
		char *err = h_strip_warnings(r.err);

		ck_assert_str_eq(err, "");
		free(err);
	}
	h_result_free(&r);
}
END_TEST

/* SIGTERM to the front end reaches the command: it exits 143 at once and nothing of the
 * container stays (the sleep's marker argument is unique to this test). */
START_TEST(test_sigterm_front_end)
{
	char *mark = sleep_marker(), *script = h_strf("echo ready; sleep %s", mark);
	char *argv[] = {(char *)h_conti_bin(), "run", "--rm", H.rootfs, "sh", "-c", script, NULL};
	struct h_result r;
	struct h_proc p;
	long long t0;

	h_spawn(&p, argv, NULL);
	ck_assert_msg(h_wait_output(&p, "ready", 10000), "the container did not start");
	ck_assert_msg(h_count_procs(mark) > 0, "the container's processes are not seen");
	t0 = h_mono_ms();
	kill(p.pid, SIGTERM);
	h_finish(&p, &r, 10000);
	h_assert_status(&r, 143, "SIGTERM");
	ck_assert_msg(h_mono_ms() - t0 < 5000, "exit took %lld ms", h_mono_ms() - t0);
	h_assert_no_procs(mark, 2000);
	h_assert_nothing_left();
	h_result_free(&r);
	free(mark), free(script);
}
END_TEST

/* ---- pipes: stdin, stdout and stderr pass through ---- */

/* Input piped to the front end reaches the command. */
START_TEST(test_pipe_stdin)
{
	struct h_opts o = {.input = "hi\n"};
	struct h_result r;

	CONTI_OPTS(&r, &o, "run", "--rm", H.rootfs, "cat");
	h_assert_status(&r, 0, "cat");
	ck_assert_str_eq(r.out, "hi\n");
	h_result_free(&r);
}
END_TEST

/* A larger input arrives whole (no truncation in the relay). */
START_TEST(test_pipe_large_input)
{
	size_t len = 256 * 1024;
	char *input = malloc(len + 1);
	struct h_opts o = {.input = input};
	struct h_result r;

	memset(input, 'x', len);
	input[len] = '\0';
	CONTI_OPTS(&r, &o, "run", "--rm", H.rootfs, "wc", "-c");
	h_assert_status(&r, 0, "wc -c");
	ck_assert_uint_eq(strtoul(r.out, NULL, 10), len);
	h_result_free(&r);
	free(input);
}
END_TEST

/* The command's stdout and stderr stay apart. */
START_TEST(test_pipe_stdout_stderr_separate)
{
	struct h_result r;
	char *err;

	CONTI(&r, "run", "--rm", H.rootfs, "sh", "-c", "echo out; echo err >&2");
	h_assert_status(&r, 0, "echo");
	ck_assert_str_eq(r.out, "out\n");
	err = h_strip_warnings(r.err);
	ck_assert_str_eq(err, "err\n");
	h_result_free(&r);
	free(err);
}
END_TEST

/* ---- pty: a terminal for the container ---- */

static bool same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag && a->c_cflag == b->c_cflag &&
	       a->c_lflag == b->c_lflag && !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) &&
	       cfgetispeed(a) == cfgetispeed(b) && cfgetospeed(a) == cfgetospeed(b);
}

/* Runs script on a 33x111 terminal with TERM=xterm-256color; checks the terminal's
 * settings are back as they were; r->out is what the command wrote there (the tool's
 * warnings, which share the terminal, taken out). */
static void run_on_terminal(struct h_result *r, const char *script)
{
	static const char *const env[] = {"TERM=xterm-256color", NULL};
	struct winsize ws = {.ws_row = 33, .ws_col = 111};
	char *argv[] = {
	    (char *)h_conti_bin(), "run", "--rm", H.rootfs, "sh", "-c", (char *)script, NULL,
	};
	struct termios before, after;
	char *out;

	h_run_pty(r, argv, &ws, env, &before, &after);
	ck_assert_msg(!r->timed_out, "timed out:\n%s", r->out);
	out = h_strip_warnings(r->out);
	free(r->out);
	r->out = out;
	ck_assert_msg(same_termios(&before, &after), "the caller's terminal settings changed");
}

/* On a terminal the command gets its own pty, a TERM and the caller's window size; the exit
 * status comes back and the caller's terminal is restored. */
START_TEST(test_pty_tty_term_and_size)
{
	struct h_result r;
	char *tty, *term, *size;

	run_on_terminal(&r, "tty; echo $TERM; stty size; exit 3");
	h_assert_status(&r, 3, "tty; echo $TERM; stty size");
	tty = h_line(r.out, 0), term = h_line(r.out, 1), size = h_line(r.out, 2);
	ck_assert_msg(!strncmp(tty, "/dev/pts/", 9), "tty printed %s", tty);
	/* the busybox rootfs has no terminfo: xterm, not the caller's (test_names.c) */
	ck_assert_str_eq(term, "xterm");
	ck_assert_str_eq(size, "33 111");
	h_result_free(&r);
	free(tty), free(term), free(size);
}
END_TEST

/* A command killed by a signal on a terminal still gives 128+N and a restored terminal. */
START_TEST(test_pty_killed_command_restores_terminal)
{
	struct h_result r;

	run_on_terminal(&r, "kill -9 $$");
	h_assert_status(&r, 137, "kill -9 $$");
	h_result_free(&r);
}
END_TEST

/* -t with stdin not a terminal still gives the command a pty. */
START_TEST(test_tty_flag_without_terminal)
{
	struct h_result r;
	char *tty, *ok;

	CONTI(&r, "run", "--rm", "-t", H.rootfs, "sh", "-c", "tty; echo ok");
	h_assert_status(&r, 0, "-t tty");
	tty = h_line(r.out, 0), ok = h_line(r.out, 1);
	ck_assert_msg(!strncmp(tty, "/dev/pts/", 9), "tty printed %s", tty);
	ck_assert_str_eq(ok, "ok");
	h_result_free(&r);
	free(tty), free(ok);
}
END_TEST

/* ---- rm_cleanup: --rm leaves nothing ---- */

static const struct {
	const char *script;
	int status;
} rm_cases[] = {{"true", 0}, {"exit 1", 1}, {"kill -9 $$", 137}};

/* After `run --rm` (success, failure, killed command) no state or layer is left. */
START_TEST(test_rm_leaves_nothing)
{
	char *name = h_unique("rm");
	struct h_result r;

	CONTI(&r, "run", "--rm", "--name", name, H.rootfs, "sh", "-c", rm_cases[_i].script);
	h_assert_status(&r, rm_cases[_i].status, rm_cases[_i].script);
	h_assert_nothing_left();
	h_result_free(&r);
	free(name);
}
END_TEST

/* ---- options: environment, workdir, user, volumes, tmpfs, read-only, network ---- */

/* -e sets variables (values with spaces too) next to container=conti-rootless. */
START_TEST(test_env_option)
{
	struct h_result r;

	CONTI(&r, "run", "--rm", "-e", "FOO=bar", "-e", "SPACED=a b", H.rootfs, "sh", "-c",
	      "echo \"$FOO|$SPACED|$container\"");
	h_assert_status(&r, 0, "echo $FOO");
	ck_assert_str_eq(r.out, "bar|a b|conti-rootless\n");
	h_result_free(&r);
}
END_TEST

/* --env-file reads KEY=VAL lines, skipping comments and blank lines. */
START_TEST(test_env_file)
{
	char *file = h_strf("%s/env", H.base);
	struct h_result r;

	h_write_file(file, "A=1\n# a comment\n\nB=two words\n", 0644);
	CONTI(&r, "run", "--rm", "--env-file", file, H.rootfs, "sh", "-c", "echo \"$A|$B\"");
	h_assert_status(&r, 0, "--env-file");
	ck_assert_str_eq(r.out, "1|two words\n");
	h_result_free(&r);
	free(file);
}
END_TEST

/* -w with a directory missing from the rootfs creates it and starts there. */
START_TEST(test_workdir_created)
{
	struct h_result r;

	CONTI(&r, "run", "--rm", "-w", "/some/new/dir", H.rootfs, "pwd");
	h_assert_status(&r, 0, "pwd");
	ck_assert_str_eq(r.out, "/some/new/dir\n");
	h_result_free(&r);
}
END_TEST

/* -u 1000:1000 runs the command as that user, which can write /tmp. */
START_TEST(test_user_option)
{
	unsigned long start, count;
	struct h_result r;

	if (!own_subid_range("/etc/subuid", &start, &count)) {
		h_skip("test_user_option: uid 1000 needs a subordinate range");
		return;
	}
	CONTI(&r, "run", "--rm", "-u", "1000:1000", H.rootfs, "sh", "-c",
	      "id -u; id -g; touch /tmp/x && echo wrote");
	h_assert_status(&r, 0, "-u 1000:1000");
	ck_assert_str_eq(r.out, "1000\n1000\nwrote\n");
	h_result_free(&r);
}
END_TEST

/* -v SRC:DST shows host files inside, and writes inside land in SRC. */
START_TEST(test_volume_read_write)
{
	char *dir = h_volume_dir(), *spec = h_strf("%s:/mnt/v", dir);
	char *written = h_strf("%s/from-container", dir), *text;
	struct h_result r;

	CONTI(&r, "run", "--rm", "-v", spec, H.rootfs, "sh", "-c",
	      "cat /mnt/v/host.txt && echo inside > /mnt/v/from-container");
	h_assert_status(&r, 0, "-v");
	ck_assert_str_eq(r.out, "hello\n");
	text = h_read_file(written);
	ck_assert_msg(text && !strcmp(text, "inside\n"), "the write did not land in %s", dir);
	h_result_free(&r);
	free(dir), free(spec), free(written), free(text);
}
END_TEST

/* -v SRC:DST:ro is readable but not writable. */
START_TEST(test_volume_read_only)
{
	char *dir = h_volume_dir(), *spec = h_strf("%s:/mnt/v:ro", dir);
	char *written = h_strf("%s/nope", dir);
	struct h_result r;

	CONTI(&r, "run", "--rm", "-v", spec, H.rootfs, "sh", "-c",
	      "cat /mnt/v/host.txt && touch /mnt/v/nope");
	ck_assert_msg(r.status == 1, "touch on a :ro volume: exit %d, stderr %s", r.status, r.err);
	ck_assert_str_eq(r.out, "hello\n");
	ck_assert_msg(strstr(r.err, "Read-only file system"), "stderr: %s", r.err);
	ck_assert(!h_exists(written));
	h_result_free(&r);
	free(dir), free(spec), free(written);
}
END_TEST

/* --tmpfs DST mounts a writable tmpfs there. */
START_TEST(test_tmpfs_option)
{
	struct h_result r;

	CONTI(&r, "run", "--rm", "--tmpfs", "/scratch", H.rootfs, "sh", "-c",
	      "grep ' /scratch ' /proc/mounts && touch /scratch/f && echo wrote");
	h_assert_status(&r, 0, "--tmpfs");
	ck_assert_msg(!strncmp(r.out, "tmpfs /scratch tmpfs ", 21), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\nwrote\n"), "%s", r.out);
	h_result_free(&r);
}
END_TEST

/* --read-only makes writes to / fail. */
START_TEST(test_read_only_root)
{
	char *x = in_rootfs("x");
	struct h_result r;

	CONTI(&r, "run", "--rm", "--read-only", H.rootfs, "touch", "/x");
	ck_assert_msg(r.status == 1, "touch /x: exit %d, stderr %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "Read-only file system"), "stderr: %s", r.err);
	ck_assert(!h_exists(x));
	h_assert_nothing_left();
	h_result_free(&r);
	free(x);
}
END_TEST

/* --net=none: the kernel (netlink, /proc/net/dev) shows only loopback, which is up. */
START_TEST(test_net_none_only_loopback)
{
	struct h_result r;
	char *sep, *links, *devs;

	CONTI(&r, "run", "--rm", "--net=none", H.rootfs, "sh", "-c",
	      "ip link; echo ---; cat /proc/net/dev");
	h_assert_status(&r, 0, "--net=none");
	sep = strstr(r.out, "---\n");
	ck_assert(sep);
	*sep = '\0';
	links = ip_link_names(r.out);
	devs = netdev_names(sep + 4);
	ck_assert_str_eq(links, "lo");
	ck_assert_str_eq(devs, "lo");
	ck_assert_msg(strstr(r.out, "<LOOPBACK,UP"), "lo is not up: %s", r.out);
	h_result_free(&r);
	free(links), free(devs);
}
END_TEST

/* --net=none: /sys/class/net, where users and tools look, lists only loopback too. */
START_TEST(test_net_none_sysfs_only_loopback)
{
	struct h_result r;

	CONTI(&r, "run", "--rm", "--net=none", H.rootfs, "ls", "/sys/class/net");
	h_assert_status(&r, 0, "ls /sys/class/net");
	ck_assert_msg(!strcmp(r.out, "lo\n"), "with --net=none /sys/class/net lists: %s", r.out);
	h_result_free(&r);
}
END_TEST

/* The default (--net host) sees the host's interfaces: the control for the above. */
START_TEST(test_net_host_sees_host_interfaces)
{
	char *host_text = h_read_file("/proc/net/dev"), *host, *inside;
	struct h_result r;

	CONTI(&r, "run", "--rm", H.rootfs, "cat", "/proc/net/dev");
	h_assert_status(&r, 0, "cat /proc/net/dev");
	host = netdev_names(host_text);
	inside = netdev_names(r.out);
	ck_assert_str_eq(inside, host);
	h_result_free(&r);
	free(host_text), free(host), free(inside);
}
END_TEST

/* ---- fds: no descriptor leaks into the container ---- */

/* The command starts with only 0, 1 and 2 open. The shell lists its own fds
 * (/proc/$$/fd). The "; true" matters: busybox sh -c execs a lone last command in
 * place, and then $$ would be ls itself, listing the directory fd (3) it reads. Kept as
 * the shell, it holds no fd of its own with -c (it moves a script file's fd to 10 and up
 * only when reading a script file), as checked on busybox 1.35. */
START_TEST(test_fds_only_standard)
{
	struct h_result r;

	CONTI(&r, "run", "--rm", H.rootfs, "sh", "-c", "ls /proc/$$/fd; true");
	h_assert_status(&r, 0, "ls /proc/$$/fd");
	ck_assert_str_eq(r.out, "0\n1\n2\n");
	h_result_free(&r);
}
END_TEST

/* A descriptor the caller leaves open (no O_CLOEXEC) does not reach the container. */
START_TEST(test_fds_caller_fd_not_inherited)
{
	char *secret = h_strf("%s/secret", H.base), *script;
	struct h_result r;
	int fd, leaked;

	h_write_file(secret, "host secret\n", 0600);
	fd = open(secret, O_RDONLY);
	ck_assert(fd >= 0);
	leaked = fcntl(fd, F_DUPFD, 7); /* fd 7 or the next free one, without FD_CLOEXEC */
	ck_assert_int_ge(leaked, 7);
	close(fd);
	/* the shell's fds, then init's (PID 1), then whether the number is open at all */
	script =
	    h_strf("ls /proc/$$/fd; echo; ls /proc/1/fd; test -e /proc/$$/fd/%d && echo leaked;"
		   " true",
		   leaked);
	CONTI(&r, "run", "--rm", H.rootfs, "sh", "-c", script);
	h_assert_status(&r, 0, "ls /proc/$$/fd");
	ck_assert_str_eq(r.out, "0\n1\n2\n\n0\n1\n2\n");
	close(leaked);
	h_result_free(&r);
	free(secret), free(script);
}
END_TEST

/* ---- bad_input: 125, one error line, nothing left ---- */

static const struct {
	const char *argv[8]; /* @ROOTFS@, @MISSING@ (no such path), @FILE@ (a regular file) */
	const char *error;   /* the error line contains this */
} bad_cases[] = {
    {{"run", "@MISSING@", "true"}, "rootfs"},
    {{"run", "@FILE@", "true"}, "not a directory"},
    {{"run", "--bogus", "@ROOTFS@", "true"}, "unknown option"},
    {{"run"}, "ROOTFS"},
    {{"run", "-v", "@MISSING@:/mnt", "@ROOTFS@", "true"}, "volume"},
    {{"run", "-u", "a/b", "@ROOTFS@", "true"}, "--user"},
    {{"run", "-u", "5000", "--uidmap=single", "@ROOTFS@", "true"}, "not mapped"},
    {{"run", "--name", "-bad", "@ROOTFS@", "true"}, "name"},
    {{"run", "--name", "a/b", "@ROOTFS@", "true"}, "name"},
    {{"frobnicate"}, "unknown command"},
    {{"rm", "no-such-container"}, "no container"},
};

/* argv joined with spaces, for messages. */
static char *join_args(char *const *argv)
{
	char *out = strdup(""), *next;

	for (; *argv; argv++) {
		next = h_strf("%s%s%s", out, *out ? " " : "", *argv);
		free(out);
		out = next;
	}
	return out;
}

/* A bad_cases argument with its placeholder replaced (caller frees). */
static char *expand_arg(const char *arg)
{
	char *missing = h_strf("%s/missing", H.base), *file = h_strf("%s/a-file", H.base), *out;

	if (!strncmp(arg, "@MISSING@", 9))
		out = h_strf("%s%s", missing, arg + 9);
	else if (!strcmp(arg, "@FILE@"))
		out = strdup(file);
	else if (!strcmp(arg, "@ROOTFS@"))
		out = strdup(H.rootfs);
	else
		out = strdup(arg);
	free(missing);
	free(file);
	return out;
}

/* Each bad invocation exits 125 with one "conti-rootless: " error line naming the
 * problem, prints nothing on stdout, and leaves no state, layer or process. */
START_TEST(test_bad_input)
{
	char *argv[10] = {(char *)h_conti_bin()}, *file = h_strf("%s/a-file", H.base), *line, *what;
	struct h_result r;
	int n = 1;

	h_write_file(file, "not a dir\n", 0644);
	for (int i = 0; i < 8 && bad_cases[_i].argv[i]; i++)
		argv[n++] = expand_arg(bad_cases[_i].argv[i]);
	argv[n] = NULL;
	h_run(&r, NULL, argv);
	what = join_args(argv + 1);
	h_assert_status(&r, 125, what);
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, bad_cases[_i].error), "%s: '%s' not in: %s", what,
		      bad_cases[_i].error, line);
	ck_assert_str_eq(r.out, "");
	h_assert_nothing_left();
	h_assert_no_procs(H.base, 2000);
	for (int i = 1; i < n; i++)
		free(argv[i]);
	h_result_free(&r);
	free(file), free(line), free(what);
}
END_TEST

/* A name in use by an exited container is refused (125) and the first one is kept. */
START_TEST(test_name_taken)
{
	char *name = h_unique("taken"), *runtime = h_runtime_dir(),
	     *containers = h_containers_dir();
	char *line;
	struct h_result r;

	CONTI(&r, "run", "--name", name, H.rootfs, "true");
	h_assert_status(&r, 0, "first run");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--name", name, H.rootfs, "true");
	h_assert_status(&r, 125, "second run");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, name) && strstr(line, "in use"), "%s", line);
	ck_assert(h_exists(h_strf("%s/%s", runtime, name)));
	ck_assert_int_eq(h_count_entries(containers), 1);
	remove_container(name);
	h_result_free(&r);
	free(name), free(runtime), free(containers), free(line);
}
END_TEST

/* --uidmap=subid with a newuidmap that is not setuid: 125 naming newuidmap. */
START_TEST(test_subid_helpers_unusable)
{
	char *path = unusable_newuidmap_path(), *line;
	const char *env[] = {path, NULL};
	struct h_opts o = {.env = env};
	struct h_result r;

	if (!path) {
		h_skip("test_subid_helpers_unusable: newuidmap/newgidmap not installed");
		return;
	}
	CONTI_OPTS(&r, &o, "run", "--rm", "--uidmap=subid", H.rootfs, "true");
	h_assert_status(&r, 125, "--uidmap=subid");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "newuidmap"), "%s", line);
	h_assert_nothing_left();
	h_result_free(&r);
	free(path), free(line);
}
END_TEST

/* In auto mode the same unusable newuidmap gives a warning and a one-id mapping. */
START_TEST(test_subid_helpers_unusable_auto_falls_back)
{
	char *path = unusable_newuidmap_path();
	const char *env[] = {path, NULL};
	struct h_opts o = {.env = env};
	struct h_result r;
	struct idline l[8];

	if (!path) {
		h_skip("test_subid_helpers_unusable_auto_falls_back: newuidmap not installed");
		return;
	}
	CONTI_OPTS(&r, &o, "run", "--rm", H.rootfs, "cat", "/proc/self/uid_map");
	h_assert_status(&r, 0, "auto with unusable newuidmap");
	ck_assert_msg(h_has_warning(&r, "newuidmap") &&
			  h_has_warning(&r, "mapping only your own id"),
		      "no fallback warning: %s", r.err);
	assert_only_warnings(&r);
	assert_single_map(l, parse_idmap(r.out, l, 8));
	h_result_free(&r);
	free(path);
}
END_TEST

/* ---- xdg_runtime: the fallback state dir ---- */

/* The runtime dir the tool picks for this user without the override: /run/user/UID when it
 * is the user's, else /tmp/conti-rootless-UID (caller frees). */
static char *user_runtime_dir(void)
{
	char *run_user = h_strf("/run/user/%u", (unsigned)getuid());
	struct stat st;
	char *dir;

	if (lstat(run_user, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid() &&
	    (st.st_mode & 07777) == 0700)
		dir = h_strf("%s/conti-rootless", run_user);
	else
		dir = h_strf("/tmp/conti-rootless-%u", (unsigned)getuid());
	free(run_user);
	return dir;
}

/* Runs a named container with env (no CONTI_ROOTLESS_RUNTIME_DIR), expecting its state in
 * the user's own runtime dir whatever XDG_RUNTIME_DIR says, and no warning; removes it there
 * before asserting, so that a failure leaves nothing in that shared dir. */
static void check_runtime_fallback(const char *const *env, const char *why)
{
	char *name = h_unique("xdg"), *fallback = user_runtime_dir();
	char *state = h_strf("%s/%s/state", fallback, name), *runtime = h_runtime_dir();
	struct h_opts o = {.env = env};
	struct h_result r, rm;
	bool had_state;

	CONTI_OPTS(&r, &o, "run", "--name", name, H.rootfs, "true");
	had_state = h_exists(state);
	CONTI_OPTS(&rm, &o, "rm", "-f", name);
	h_assert_status(&r, 0, why);
	ck_assert_msg(r.err[0] == '\0', "%s: unexpected stderr: %s", why, r.err);
	ck_assert_msg(had_state, "%s missing", state);
	ck_assert_int_eq(h_count_entries(runtime), 0);
	h_assert_status(&rm, 0, "rm in the user's runtime dir");
	ck_assert(!h_exists(state));
	h_result_free(&r);
	h_result_free(&rm);
	free(name), free(fallback), free(state), free(runtime);
}

/* XDG_RUNTIME_DIR unset: state in the user's runtime dir, no warning, the run works. */
START_TEST(test_runtime_dir_unset)
{
	static const char *const env[] = {"XDG_RUNTIME_DIR", "CONTI_ROOTLESS_RUNTIME_DIR", NULL};

	check_runtime_fallback(env, "run without XDG_RUNTIME_DIR");
}
END_TEST

/* XDG_RUNTIME_DIR with mode 0755: it is not what decides; the same place, no warning. */
START_TEST(test_runtime_dir_bad_mode)
{
	static const char *const env[] = {"CONTI_ROOTLESS_RUNTIME_DIR", NULL};

	ck_assert_int_eq(chmod(H.runtime, 0755), 0);
	check_runtime_fallback(env, "run with an XDG_RUNTIME_DIR of mode 0755");
}
END_TEST

/* ---- killed_front_end: SIGKILL of the front end ---- */

/* The container dies with the front end, and the stale --rm state is collected by the next
 * run of the same name, which succeeds and leaves nothing behind either. */
START_TEST(test_sigkill_front_end)
{
	char *mark = sleep_marker(), *script = h_strf("echo ready; sleep %s", mark);
	char *name = h_unique("killed");
	char *argv[] = {NULL, "run", "--rm", "--name", name, H.rootfs, "sh", "-c", script, NULL};
	struct h_result r;
	struct h_proc p;

	argv[0] = (char *)h_conti_bin();
	h_spawn(&p, argv, NULL);
	ck_assert_msg(h_wait_output(&p, "ready", 10000), "the container did not start");
	ck_assert_msg(h_count_procs(mark) > 0, "the container's processes are not seen");
	kill(p.pid, SIGKILL);
	h_finish(&p, &r, 10000);
	ck_assert_int_eq(r.status, 137);
	h_result_free(&r);
	h_assert_no_procs(mark, 2000);
	CONTI(&r, "run", "--rm", "--name", name, H.rootfs, "true");
	h_assert_status(&r, 0, "the next run of the same name");
	h_assert_nothing_left();
	h_result_free(&r);
	free(mark), free(script), free(name);
}
END_TEST

/* ---- nosubid: a user without subordinate ids (CONTI_EXPECT_NOSUBID=1) ---- */

/* A default run works with a warning naming the fix and maps only the caller. */
START_TEST(test_nosubid_default_run_falls_back)
{
	unsigned long start, count;
	struct h_result r;
	struct idline l[8];

	ck_assert_msg(!own_subid_range("/etc/subuid", &start, &count),
		      "CONTI_EXPECT_NOSUBID=1, but /etc/subuid has a range for uid %u",
		      (unsigned)getuid());
	CONTI(&r, "run", "--rm", H.rootfs, "cat", "/proc/self/uid_map");
	h_assert_status(&r, 0, "run without subordinate ids");
	ck_assert_msg(h_has_warning(&r, "usermod --add-subuids"), "no usermod hint: %s", r.err);
	assert_only_warnings(&r);
	assert_single_map(l, parse_idmap(r.out, l, 8));
	h_result_free(&r);
}
END_TEST

/* ---- check: what conti-rootless check says about this machine ---- */

/* The line of check's output about name ("ok    name ..."), or NULL. */
static char *check_line(const char *out, const char *name)
{
	char *want = h_strf(" %s ", name);
	const char *p = out;

	while (p && *p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *line = strndup(p, len);

		if (strstr(line, want)) {
			free(want);
			return line;
		}
		free(line);
		p = end ? end + 1 : NULL;
	}
	free(want);
	return NULL;
}

/* On this machine run works: check exits 0 and user namespaces and overlayfs are ok. */
START_TEST(test_check_ok_here)
{
	struct h_result r;
	char *userns, *overlay;

	CONTI(&r, "check");
	h_assert_status(&r, 0, "check");
	userns = check_line(r.out, "userns");
	overlay = check_line(r.out, "overlay");
	ck_assert_msg(userns && !strncmp(userns, "ok", 2), "%s", r.out);
	ck_assert_msg(overlay && !strncmp(overlay, "ok", 2), "%s", r.out);
	free(userns), free(overlay);
	h_result_free(&r);
	CONTI(&r, "check", "--format", "json");
	h_assert_status(&r, 0, "check --format json");
	ck_assert_msg(
	    !strncmp(r.out, "{\"ok\":true,\"checks\":[", strlen("{\"ok\":true,\"checks\":[")), "%s",
	    r.out);
	h_result_free(&r);
}
END_TEST

/* newuidmap without its setuid bit (a copy first on PATH): warn, and the fix names the
 * package; run still works (it maps one id). */
START_TEST(test_check_helper_not_setuid)
{
	char *path = unusable_newuidmap_path(), *line;
	const char *env[] = {path, NULL};
	struct h_opts o = {.env = env};
	struct h_result r;

	if (!path) {
		h_skip("test_check_helper_not_setuid: newuidmap not installed");
		return;
	}
	CONTI_OPTS(&r, &o, "check");
	h_assert_status(&r, 0, "check with a newuidmap that is not setuid");
	line = check_line(r.out, "uidmap");
	ck_assert_msg(line && !strncmp(line, "warn", 4) && strstr(line, "setuid") &&
			  strstr(line, "uidmap"),
		      "%s", r.out);
	free(line), free(path);
	h_result_free(&r);
}
END_TEST

/* XDG_RUNTIME_DIR unset (su, sudo, CI) and no /run/user/UID: warn, naming the fallback dir. */
START_TEST(test_check_runtime_dir_unset)
{
	const char *env[] = {"XDG_RUNTIME_DIR", "CONTI_ROOTLESS_RUNTIME_DIR", NULL};
	struct h_opts o = {.env = env};
	struct h_result r;
	char *line, *fallback = h_strf("/tmp/conti-rootless-%u", (unsigned)getuid());

	CONTI_OPTS(&r, &o, "check");
	h_assert_status(&r, 0, "check without XDG_RUNTIME_DIR");
	line = check_line(r.out, "runtime-dir");
	if (access(h_strf("/run/user/%u", (unsigned)getuid()), F_OK) == 0)
		ck_assert_msg(line && !strncmp(line, "ok", 2), "%s", r.out);
	else
		ck_assert_msg(line && !strncmp(line, "warn", 4) && strstr(line, fallback), "%s",
			      r.out);
	free(line), free(fallback);
	h_result_free(&r);
}
END_TEST

/* check takes no operand and no unknown option: 125 and the usage hint. */
START_TEST(test_check_bad_usage)
{
	struct h_result r;

	CONTI(&r, "check", "--frobnicate");
	h_assert_status(&r, 125, "check --frobnicate");
	ck_assert_msg(strstr(r.err, "check --help"), "%s", r.err);
	h_result_free(&r);
}
END_TEST

/* As a user without subordinate ids, check warns and gives the usermod line. */
START_TEST(test_nosubid_check_names_usermod)
{
	struct h_result r;
	char *line;

	CONTI(&r, "check");
	h_assert_status(&r, 0, "check without subordinate ids");
	line = check_line(r.out, "subids");
	ck_assert_msg(line && !strncmp(line, "warn", 4) && strstr(line, "usermod --add-subuids"),
		      "%s", r.out);
	free(line);
	h_result_free(&r);
}
END_TEST

/* ---- trace: the kernel steps as shell commands ---- */

/* Index in text of the first line starting with "+ " and prefix, after from; -1 if none. */
static long trace_line(const char *text, const char *prefix, long from)
{
	char *want = h_strf("\n+ %s", prefix);
	const char *hit = strstr(text + from, want);

	free(want);
	return hit ? (long)(hit - text) + 1 : -1;
}

/* --trace prints each kernel step of a plain run as the command a person would type, in
 * the order they happen, each with its duration. */
START_TEST(test_trace_plain_run)
{
	static const char *const steps[] = {
	    "nsenter --user ",
	    "unshare --pid --mount --uts --ipc --fork",
	    "mount --make-rprivate /",
	    "mount -t overlay overlay -o lowerdir=",
	    "mount -t tmpfs -o mode=755",
	    "mount -t devpts -o newinstance",
	    "mount -t proc ",
	    "hostname ",
	    "cd ",
	    "setpriv --inh-caps=-all",
	    "exec conti-rootless-init",
	    "wait",
	};
	struct h_result r;
	char *err;
	long at = 0;

	CONTI(&r, "--trace", "run", "--rm", H.rootfs, "true");
	h_assert_status(&r, 0, "--trace run");
	err = h_strf("\n%s", r.err);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		long next = trace_line(err, steps[i], at);

		ck_assert_msg(next >= 0, "no '+ %s' after offset %ld in:\n%.1500s", steps[i], at,
			      err + (at > 200 ? at - 200 : 0));
		at = next;
	}
	ck_assert_msg(strstr(err, "pivot_root . . && umount -l .") != NULL, "%.1500s", r.err);
	ck_assert_msg(strstr(err, " ms\n") != NULL, "no durations in:\n%.1500s", r.err);
	free(err);
	h_result_free(&r);
}
END_TEST

/* ---- the suite ---- */

static void add_root_cases(Suite *s)
{
	TCase *tc = h_tcase("root");

	tcase_add_test(tc, test_root_planted_file_visible);
	tcase_add_test(tc, test_root_host_paths_absent);
	tcase_add_test(tc, test_root_listing_matches_rootfs);
	tcase_add_test(tc, test_root_pid1_is_init);
	suite_add_tcase(s, tc);
	tc = h_tcase("processes");
	tcase_add_test(tc, test_ps_shows_only_container);
	tcase_add_test(tc, test_kill_host_pid_fails);
	suite_add_tcase(s, tc);
	tc = h_tcase("hostname");
	tcase_add_test(tc, test_hostname_defaults_to_name);
	tcase_add_test(tc, test_hostname_option);
	suite_add_tcase(s, tc);
	tc = h_tcase("trace");
	tcase_add_test(tc, test_trace_plain_run);
	suite_add_tcase(s, tc);
	tc = h_tcase("check");
	tcase_add_test(tc, test_check_ok_here);
	tcase_add_test(tc, test_check_helper_not_setuid);
	tcase_add_test(tc, test_check_runtime_dir_unset);
	tcase_add_test(tc, test_check_bad_usage);
	suite_add_tcase(s, tc);
	tc = h_tcase("uid_map");
	tcase_add_test(tc, test_uidmap_default_uses_subids);
	tcase_add_test(tc, test_uidmap_single);
	tcase_add_test(tc, test_uidmap_single_repeatedly);
	tcase_add_test(tc, test_uidmap_id_is_root);
	suite_add_tcase(s, tc);
}

static void add_storage_cases(Suite *s)
{
	TCase *tc = h_tcase("overlay");

	tcase_add_test(tc, test_overlay_auto_keeps_rootfs);
	tcase_add_test(tc, test_overlay_fuse_keeps_rootfs);
	tcase_add_test(tc, test_overlay_none_writes_through_keeps_rootfs);
	suite_add_tcase(s, tc);
	tc = h_tcase("rm_cleanup");
	tcase_add_loop_test(tc, test_rm_leaves_nothing, 0, sizeof(rm_cases) / sizeof(rm_cases[0]));
	suite_add_tcase(s, tc);
	tc = h_tcase("xdg_runtime");
	tcase_add_test(tc, test_runtime_dir_unset);
	tcase_add_test(tc, test_runtime_dir_bad_mode);
	suite_add_tcase(s, tc);
}

static void add_process_cases(Suite *s)
{
	TCase *tc = h_tcase("exit_codes");

	tcase_add_loop_test(tc, test_exit_status, 0, sizeof(exit_cases) / sizeof(exit_cases[0]));
	tcase_add_test(tc, test_sigterm_front_end);
	suite_add_tcase(s, tc);
	tc = h_tcase("pipes");
	tcase_add_test(tc, test_pipe_stdin);
	tcase_add_test(tc, test_pipe_large_input);
	tcase_add_test(tc, test_pipe_stdout_stderr_separate);
	suite_add_tcase(s, tc);
	tc = h_tcase("pty");
	tcase_add_test(tc, test_pty_tty_term_and_size);
	tcase_add_test(tc, test_pty_killed_command_restores_terminal);
	tcase_add_test(tc, test_tty_flag_without_terminal);
	suite_add_tcase(s, tc);
	tc = h_tcase("fds");
	tcase_add_test(tc, test_fds_only_standard);
	tcase_add_test(tc, test_fds_caller_fd_not_inherited);
	suite_add_tcase(s, tc);
	tc = h_tcase("killed_front_end");
	tcase_add_test(tc, test_sigkill_front_end);
	suite_add_tcase(s, tc);
}

static void add_option_cases(Suite *s)
{
	TCase *tc = h_tcase("options");

	tcase_add_test(tc, test_env_option);
	tcase_add_test(tc, test_env_file);
	tcase_add_test(tc, test_workdir_created);
	tcase_add_test(tc, test_user_option);
	tcase_add_test(tc, test_volume_read_write);
	tcase_add_test(tc, test_volume_read_only);
	tcase_add_test(tc, test_tmpfs_option);
	tcase_add_test(tc, test_read_only_root);
	tcase_add_test(tc, test_net_none_only_loopback);
	tcase_add_test(tc, test_net_none_sysfs_only_loopback);
	tcase_add_test(tc, test_net_host_sees_host_interfaces);
	suite_add_tcase(s, tc);
	tc = h_tcase("bad_input");
	tcase_add_loop_test(tc, test_bad_input, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_name_taken);
	tcase_add_test(tc, test_subid_helpers_unusable);
	tcase_add_test(tc, test_subid_helpers_unusable_auto_falls_back);
	suite_add_tcase(s, tc);
}

/* The "--add-subuids A-B --add-subgids C-D" range of a usermod line in text; false if none
 * or the two differ. */
static bool usermod_range(const char *text, unsigned long *a, unsigned long *b)
{
	const char *p = text ? strstr(text, "usermod --add-subuids ") : NULL;
	unsigned long c, d;

	return p &&
	       sscanf(p, "usermod --add-subuids %lu-%lu --add-subgids %lu-%lu", a, b, &c, &d) ==
		   4 &&
	       *a == c && *b == d;
}

/* True when [a, b] overlaps no "name:start:count" line of file. */
static bool range_is_free(const char *file, unsigned long a, unsigned long b)
{
	char *text = h_read_file(file), *save = NULL;
	bool free_ = true;

	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l && free_;
	     l = strtok_r(NULL, "\n", &save)) {
		unsigned long start, count;

		if (sscanf(l, "%*[^:]:%lu:%lu", &start, &count) == 2 && count > 0)
			free_ = b < start || a > start + count - 1;
	}
	free(text);
	return free_;
}

/* run's warning, run --uidmap=subid's error and check's fix propose one range of 65536
 * ids that no user has (they said 100000-165535, Debian's first user's range). */
START_TEST(test_nosubid_usermod_range_is_free)
{
	struct h_result run, strict, chk;
	unsigned long a[3], b[3];

	CONTI(&run, "run", "--rm", H.rootfs, "true");
	CONTI(&strict, "run", "--rm", "--uidmap=subid", H.rootfs, "true");
	CONTI(&chk, "check");
	h_assert_status(&run, 0, "run without subordinate ids");
	h_assert_status(&strict, 125, "run --uidmap=subid without subordinate ids");
	ck_assert_msg(usermod_range(run.err, &a[0], &b[0]), "run: %s", run.err);
	ck_assert_msg(usermod_range(strict.err, &a[1], &b[1]), "--uidmap=subid: %s", strict.err);
	ck_assert_msg(usermod_range(chk.out, &a[2], &b[2]), "check: %s", chk.out);
	ck_assert_msg(a[0] == a[2] && b[0] == b[2] && a[1] == a[2] && b[1] == b[2],
		      "run says %lu-%lu, --uidmap=subid %lu-%lu, check %lu-%lu", a[0], b[0], a[1],
		      b[1], a[2], b[2]);
	ck_assert_uint_eq(b[0] - a[0] + 1, 65536);
	ck_assert_msg(
	    range_is_free("/etc/subuid", a[0], b[0]) && range_is_free("/etc/subgid", a[0], b[0]),
	    "%lu-%lu overlaps a line of /etc/subuid or /etc/subgid: %s", a[0], b[0], run.err);
	h_result_free(&run);
	h_result_free(&strict);
	h_result_free(&chk);
}
END_TEST

int main(void)
{
	const char *expect = getenv("CONTI_EXPECT_NOSUBID");
	const char *only = getenv("CK_RUN_CASE");
	bool nosubid = expect && !strcmp(expect, "1");
	Suite *s = suite_create("run");
	SRunner *sr;
	int failed;

	add_root_cases(s);
	add_storage_cases(s);
	add_process_cases(s);
	add_option_cases(s);
	if (nosubid) {
		TCase *tc = h_tcase("nosubid");

		tcase_add_test(tc, test_nosubid_default_run_falls_back);
		tcase_add_test(tc, test_nosubid_check_names_usermod);
		tcase_add_test(tc, test_nosubid_usermod_range_is_free);
		suite_add_tcase(s, tc);
		/* As a user without subordinate ids only this case can pass. */
		if (!only || !*only)
			only = "nosubid";
	}
	sr = srunner_create(s);
	srunner_run(sr, NULL, only && *only ? only : NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
