/* Unit tests: a container's cgroup (cgroup/cgroup.c) on fake trees in a temporary
 * directory: the delegated subtree found from a /proc/self/cgroup text (and not found where
 * the cgroup is not the user's), the controllers, the refusals and their fixes, the exact
 * files each option writes, create leaving nothing on failure, enter, destroy of empty,
 * nested and populated cgroups, the state file path check, the sweep. */
#include "unit.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/limits.h"
#include "utils.h"

#define SERVICE "user.slice/user-1000.slice/user@1000.service"
#define SCOPE SERVICE "/app.slice/shell-7.scope"
#define PROC_SELF "12:pids:/user.slice\n4:cpu,cpuacct:/\n7:blkio:/\n0::/" SCOPE "\n"

static char root[64];
static int root_fd = -1;

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static const char *get(const char *rel)
{
	static char text[512];
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_int_eq(cr_mkdir_p(path, 0755, &(struct cr_error){0}), 0);
}

static bool exists(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return access(path, F_OK) == 0;
}

/* A delegated subtree as systemd makes it: user@1000.service and below carry a
 * cgroup.procs of the user's; user.slice and user-1000.slice (root's on a real host) have
 * none, so they do not count. */
static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/test-cgroup-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	dir(SCOPE);
	put(SERVICE "/cgroup.procs", "");
	put(SERVICE "/cgroup.controllers", "cpu io memory pids\n");
	put(SERVICE "/cgroup.subtree_control", "");
	put(SERVICE "/app.slice/cgroup.procs", "");
	put(SCOPE "/cgroup.procs", "7\n");
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(root_fd, 0);
}

static void teardown(void)
{
	close(root_fd);
	cr_rm_rf(root, &(struct cr_error){0});
}

static void probe(struct cr_cgroup_host *h, const char *text)
{
	cgroup_probe_at(h, dup(root_fd), root, true, text, getuid());
}

START_TEST(probe_delegated)
{
	struct cr_cgroup_host h;

	probe(&h, PROC_SELF);
	ck_assert_int_eq(h.mode, CR_CG_DELEGATED);
	ck_assert_str_eq(h.own, SCOPE);
	ck_assert_str_eq(h.delegated, SERVICE);
	ck_assert_str_eq(h.mnt, root);
	ck_assert(h.hybrid);
	ck_assert_uint_eq(h.available, CR_CTL_CPU | CR_CTL_IO | CR_CTL_MEMORY | CR_CTL_PIDS);
	ck_assert_uint_eq(h.on_v1, CR_CTL_PIDS | CR_CTL_CPU | CR_CTL_IO);
	cgroup_host_release(&h);
	ck_assert_int_eq(h.mnt_fd, -1);
	/* a v2-only host: no v1 lines */
	probe(&h, "0::/" SERVICE "/app.slice\n");
	ck_assert_int_eq(h.mode, CR_CG_DELEGATED);
	ck_assert_str_eq(h.delegated, SERVICE);
	ck_assert_uint_eq(h.on_v1, 0);
	cgroup_host_release(&h);
}
END_TEST

START_TEST(probe_not_delegated)
{
	struct cr_cgroup_host h;

	/* the same tree, someone else's: no ancestor is ours */
	cgroup_probe_at(&h, dup(root_fd), root, false, PROC_SELF, getuid() + 1);
	ck_assert_int_eq(h.mode, CR_CG_NOT_DELEGATED);
	ck_assert_str_eq(h.delegated, "");
	ck_assert_uint_eq(h.available, 0);
	cgroup_host_release(&h);
	/* a session scope whose cgroup.procs is not the user's (root's, on a real host) */
	dir("user.slice/user-1000.slice/session-3.scope");
	probe(&h, "0::/user.slice/user-1000.slice/session-3.scope\n");
	ck_assert_int_eq(h.mode, CR_CG_NOT_DELEGATED);
	ck_assert_str_eq(h.own, "user.slice/user-1000.slice/session-3.scope");
	cgroup_host_release(&h);
	/* a cgroup namespace's view, a missing cgroup, no v2 line, no text */
	probe(&h, "0::/../../" SCOPE "\n");
	ck_assert_int_eq(h.mode, CR_CG_NOT_DELEGATED);
	cgroup_host_release(&h);
	probe(&h, "0::/nowhere\n");
	ck_assert_int_eq(h.mode, CR_CG_NOT_DELEGATED);
	cgroup_host_release(&h);
	probe(&h, "4:memory:/x\n");
	ck_assert_int_eq(h.mode, CR_CG_NOT_DELEGATED);
	ck_assert_uint_eq(h.on_v1, CR_CTL_MEMORY);
	cgroup_host_release(&h);
	probe(&h, NULL);
	ck_assert_int_eq(h.mode, CR_CG_NOT_DELEGATED);
	cgroup_host_release(&h);
	/* the walk up stops at the first cgroup that is not ours (user-1000.slice), even where
	 * one above it (here the root) would be; and a path we cannot read is never taken for
	 * the mount's root */
	put("cgroup.procs", "");
	probe(&h, "0::/" SCOPE "\n");
	ck_assert_int_eq(h.mode, CR_CG_DELEGATED);
	ck_assert_str_eq(h.delegated, SERVICE);
	cgroup_host_release(&h);
	probe(&h, "0::/../x\n");
	ck_assert_int_eq(h.mode, CR_CG_NOT_DELEGATED);
	ck_assert_str_eq(h.delegated, "");
	cgroup_host_release(&h);
	/* no v2 mount at all */
	cgroup_probe_at(&h, -1, "", true, "4:memory:/\n8:pids:/\n", getuid());
	ck_assert_int_eq(h.mode, CR_CG_NONE);
	ck_assert_uint_eq(h.on_v1, CR_CTL_MEMORY | CR_CTL_PIDS);
}
END_TEST

/* cgroup_check's line for res on h: "" when it passes. */
static const char *check_line(const struct cr_cgroup_host *h, const struct cr_resources *res)
{
	static char line[2048];
	struct cr_error err = {0};

	if (cgroup_check(h, res, &err) == 0)
		return "";
	cr_error_format(&err, line, sizeof(line));
	ck_assert_int_eq(err.status, CR_EXIT_TOOL);
	ck_assert_ptr_null(strchr(line, '\n'));
	return line;
}

#define DROPIN                                                                                     \
	"create /etc/systemd/system/user@.service.d/delegate.conf with the lines [Service] and "   \
	"Delegate=cpu cpuset io memory pids, run systemctl daemon-reload and log in again"

START_TEST(check_refusals)
{
	struct cr_cgroup_host h;
	struct cr_resources none = {0}, pids = {.pids_limit = 50}, mem = {.memory = 1 << 20},
			    cpus = {.cpu_quota = 50000}, io = {.io_weight = 100};

	/* everything delegated: every limit passes */
	probe(&h, "0::/" SCOPE "\n");
	ck_assert_str_eq(check_line(&h, &pids), "");
	ck_assert_str_eq(check_line(&h, &mem), "");
	ck_assert_str_eq(check_line(&h, &io), "");
	cgroup_host_release(&h);
	/* memory not delegated to user@1000.service */
	put(SERVICE "/cgroup.controllers", "cpu pids\n");
	probe(&h, "0::/" SCOPE "\n");
	ck_assert_str_eq(check_line(&h, &cpus), "");
	ck_assert_str_eq(check_line(&h, &mem),
			 "--memory needs the memory controller, which is not delegated to "
			 "user@1000.service; " DROPIN);
	ck_assert_str_eq(check_line(&h, &io), "--io-weight/--blkio-weight needs the io "
					      "controller, which is not delegated to "
					      "user@1000.service; " DROPIN);
	cgroup_host_release(&h);
	/* v1 holds pids (this host): named before anything else */
	put(SERVICE "/cgroup.controllers", "cpu\n");
	probe(&h, PROC_SELF);
	ck_assert_str_eq(check_line(&h, &pids),
			 "--pids-limit needs the pids controller, which cgroup v1 holds on this "
			 "host; boot with systemd.unified_cgroup_hierarchy=1 on the kernel command "
			 "line, then delegate them: " DROPIN);
	ck_assert_str_eq(check_line(&h, &none), "");
	cgroup_host_release(&h);
	/* not delegated */
	dir("user.slice/user-1000.slice/session-3.scope");
	probe(&h, "0::/user.slice/user-1000.slice/session-3.scope\n");
	ck_assert_str_eq(check_line(&h, &none), "");
	ck_assert_str_eq(
	    check_line(&h, &mem),
	    "--memory needs the memory controller, but your cgroup "
	    "(/user.slice/user-1000.slice/session-3.scope) is not delegated to you; run "
	    "it in your systemd user session (a login, or systemd-run --user --scope -p "
	    "Delegate=yes ...), whose user@.service delegates it: " DROPIN);
	cgroup_host_release(&h);
	/* no v2 at all, and v1 does not have it either */
	cgroup_probe_at(&h, -1, "", false, "", getuid());
	ck_assert_str_eq(check_line(&h, &none), "");
	ck_assert(strstr(check_line(&h, &pids), "--pids-limit needs the pids controller of "
						"cgroup v2, which this host does not mount; "));
}
END_TEST

START_TEST(needed)
{
	ck_assert_uint_eq(cgroup_needed(&(struct cr_resources){0}), 0);
	ck_assert_uint_eq(cgroup_needed(&(struct cr_resources){.memory_swap = -1}), CR_CTL_MEMORY);
	ck_assert_uint_eq(cgroup_needed(&(struct cr_resources){.cpu_weight = 5}), CR_CTL_CPU);
	ck_assert_uint_eq(cgroup_needed(&(struct cr_resources){.pids_limit = -1}), CR_CTL_PIDS);
	ck_assert_uint_eq(cgroup_needed(&(struct cr_resources){.io_weight = 1, .memory = 1}),
			  CR_CTL_IO | CR_CTL_MEMORY);
}
END_TEST

/* The subdirectories of rel (0 when it does not exist). */
static int count_dirs(const char *rel)
{
	char path[1024];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_type == DT_DIR && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* The names under SERVICE/conti-rootless that are directories. */
static int count_cgroups(char *first, size_t len)
{
	char path[512];
	FILE *p;
	int n = 0;

	snprintf(path, sizeof(path),
		 "cd %s/" SERVICE "/conti-rootless 2>/dev/null && find . -mindepth 1 "
		 "-maxdepth 1 -type d | cut -c3-",
		 root);
	p = popen(path, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(path, sizeof(path), p)) {
		if (n++ == 0 && first)
			snprintf(first, len, "%.*s", (int)strcspn(path, "\n"), path);
	}
	pclose(p);
	return n;
}

START_TEST(create_plain)
{
	struct cr_cgroup_host h;
	struct cr_cgroup cg;
	struct cr_error err = {0};
	char name[256], want[640];

	/* no controller delegated, no limit: a cgroup all the same (moves, counts, cleanup) */
	put(SERVICE "/cgroup.controllers", "");
	probe(&h, PROC_SELF);
	ck_assert_int_eq(cgroup_create(&h, "web", &(struct cr_resources){0}, &cg, &err), 0);
	ck_assert_int_eq(count_cgroups(name, sizeof(name)), 1);
	ck_assert_uint_eq(strlen(name), 10);
	ck_assert(!strncmp(name, "web-", 4));
	ck_assert_uint_eq(strspn(name + 4, "abcdefghijklmnopqrstuvwxyz0123456789"), 6);
	snprintf(want, sizeof(want), "%s/" SERVICE "/conti-rootless/%s", root, name);
	ck_assert_str_eq(cg.path, want);
	ck_assert_int_ge(cg.dirfd, 0);
	ck_assert_int_eq(fcntl(cg.dirfd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_uint_eq(cg.applied, 0);
	ck_assert_str_eq(get(SERVICE "/cgroup.subtree_control"), "");
	/* enter writes the pid (into the leaf: create_leaf) */
	{
		char rel[320];

		snprintf(rel, sizeof(rel), SERVICE "/conti-rootless/%s/container/cgroup.procs",
			 name);
		put(rel, "");
		ck_assert_int_eq(cgroup_enter(&cg, 4242, &err), 0);
		ck_assert_str_eq(get(rel), "4242");
	}
	cgroup_release(&cg);
	ck_assert_int_eq(cg.dirfd, -1);
	/* a second one of the same name never collides */
	ck_assert_int_eq(cgroup_create(&h, "web", &(struct cr_resources){0}, &cg, &err), 0);
	ck_assert_int_eq(count_cgroups(NULL, 0), 2);
	cgroup_release(&cg);
	/* names that are no directory name */
	ck_assert_int_eq(cgroup_create(&h, "../x", &(struct cr_resources){0}, &cg, &err), -1);
	ck_assert_int_eq(cgroup_create(&h, "..", &(struct cr_resources){0}, &cg, &err), -1);
	ck_assert_int_eq(count_cgroups(NULL, 0), 2);
	cgroup_host_release(&h);
	/* a subtree so deep that the path would not fit in cg.path: refused, nothing made */
	{
		char deep[512], longname[256];

		probe(&h, PROC_SELF);
		snprintf(deep, sizeof(deep), SERVICE "/%0200d/%0200d", 0, 0);
		dir(deep);
		snprintf(h.delegated, sizeof(h.delegated), "%s", deep);
		memset(longname, 'n', 200);
		longname[200] = '\0';
		memset(&err, 0, sizeof(err));
		ck_assert_int_eq(cgroup_create(&h, longname, &(struct cr_resources){0}, &cg, &err),
				 -1);
		ck_assert_msg(strstr(err.msg, "its path would be too long"), "%s", err.msg);
		ck_assert_str_eq(cg.path, "");
		ck_assert_int_eq(cg.dirfd, -1);
		snprintf(deep, sizeof(deep), SERVICE "/%0200d/%0200d/conti-rootless", 0, 0);
		ck_assert_int_eq(count_dirs(deep), 0);
	}
	cgroup_host_release(&h);
	/* not delegated: refused */
	cgroup_probe_at(&h, dup(root_fd), root, false, PROC_SELF, getuid() + 1);
	ck_assert_int_eq(cgroup_create(&h, "web", &(struct cr_resources){0}, &cg, &err), -1);
	ck_assert_int_eq(cg.dirfd, -1);
	cgroup_host_release(&h);
}
END_TEST

START_TEST(create_enables_and_cleans_up)
{
	struct cr_cgroup_host h;
	struct cr_cgroup cg;
	struct cr_error err = {0};

	/* pids delegated: enabled down to conti-rootless for the default limit; the fake
	 * cgroup has no pids.max (the kernel makes it), so the write fails: nothing is left */
	put(SERVICE "/cgroup.controllers", "pids\n");
	dir(SERVICE "/conti-rootless");
	put(SERVICE "/conti-rootless/cgroup.subtree_control", "");
	probe(&h, PROC_SELF);
	ck_assert_int_eq(cgroup_create(&h, "db", &(struct cr_resources){0}, &cg, &err), -1);
	ck_assert_str_eq(err.msg, "cannot set pids.max: the pids controller is not enabled in "
				  "the container's cgroup");
	ck_assert_str_eq(get(SERVICE "/cgroup.subtree_control"), "+pids");
	ck_assert_str_eq(get(SERVICE "/conti-rootless/cgroup.subtree_control"), "+pids");
	ck_assert_int_eq(count_cgroups(NULL, 0), 0);
	ck_assert_int_eq(cg.dirfd, -1);
	ck_assert_str_eq(cg.path, "");
	/* a controller in need that cannot be enabled: refused before any cgroup is made */
	put(SERVICE "/cgroup.subtree_control", "");
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/" SERVICE "/conti-rootless/cgroup.subtree_control",
			 root);
		unlink(path);
	}
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(
	    cgroup_create(&h, "db", &(struct cr_resources){.pids_limit = 50}, &cg, &err), -1);
	ck_assert(strstr(err.msg, "cannot enable the pids controller for containers in "));
	ck_assert(strstr(err.hint, "user@1000.service"));
	ck_assert_int_eq(count_cgroups(NULL, 0), 0);
	cgroup_host_release(&h);
}
END_TEST

/* A fake container cgroup with the files the kernel would give it. */
static int fake_cgroup(void)
{
	const char *files[] = {"memory.max", "memory.swap.max", "memory.low", "cpu.max",
			       "cpu.weight", "pids.max",	"io.weight"};
	char rel[128];

	dir("ctr");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(rel, sizeof(rel), "ctr/%s", files[i]);
		put(rel, "");
	}
	snprintf(rel, sizeof(rel), "%s/ctr", root);
	return open(rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

START_TEST(apply_writes)
{
	unsigned all = CR_CTL_CPU | CR_CTL_MEMORY | CR_CTL_PIDS | CR_CTL_IO;
	struct cr_error err = {0};
	int fd = fake_cgroup();
	struct cr_resources r = {.memory = 512LL << 20,
				 .cpu_quota = 50000,
				 .cpu_weight = 39,
				 .pids_limit = 50,
				 .io_weight = 4950};

	ck_assert_int_eq(cgroup_apply(fd, &r, all, &err), 0);
	ck_assert_str_eq(get("ctr/memory.max"), "536870912");
	ck_assert_str_eq(get("ctr/memory.swap.max"), "536870912"); /* swap = memory */
	ck_assert_str_eq(get("ctr/memory.low"), "");
	ck_assert_str_eq(get("ctr/cpu.max"), "50000 100000");
	ck_assert_str_eq(get("ctr/cpu.weight"), "39");
	ck_assert_str_eq(get("ctr/pids.max"), "50");
	ck_assert_str_eq(get("ctr/io.weight"), "default 4950");
	/* update: -1 is max */
	put("ctr/pids.max", "");
	ck_assert_int_eq(
	    cgroup_apply(fd, &(struct cr_resources){.pids_limit = CR_RES_UNLIMITED}, all, &err), 0);
	ck_assert_str_eq(get("ctr/pids.max"), "max");
	/* a kernel without swap accounting: skipped unless --memory-swap was given */
	put("ctr/memory.max", "");
	unlink(strcat(strcpy((char[512]){0}, root), "/ctr/memory.swap.max"));
	ck_assert_int_eq(cgroup_apply(fd, &(struct cr_resources){.memory = 4096}, all, &err), 0);
	ck_assert_str_eq(get("ctr/memory.max"), "4096");
	ck_assert_int_eq(cgroup_apply(fd,
				      &(struct cr_resources){.memory = 4096, .memory_swap = 8192},
				      all, &err),
			 -1);
	ck_assert_str_eq(err.msg, "cannot set memory.swap.max: the memory controller is not "
				  "enabled in the container's cgroup");
	/* a controller the cgroup does not have: nothing written */
	put("ctr/cpu.max", "");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(cgroup_apply(fd, &(struct cr_resources){.cpu_quota = 1000, .memory = 1},
				      CR_CTL_MEMORY, &err),
			 -1);
	ck_assert_str_eq(err.msg, "--cpus needs the cpu controller, which the container's cgroup "
				  "does not have");
	ck_assert_str_eq(get("ctr/cpu.max"), "");
	ck_assert_str_eq(get("ctr/memory.max"), "4096");
	/* the kernel refuses a value: the file and the value are named */
	chmod(strcat(strcpy((char[512]){0}, root), "/ctr/io.weight"), 0444);
	if (access(strcat(strcpy((char[512]){0}, root), "/ctr/io.weight"), W_OK) != 0) {
		ck_assert_int_eq(
		    cgroup_apply(fd, &(struct cr_resources){.io_weight = 7}, all, &err), -1);
		ck_assert_str_eq(err.msg, "cannot set io.weight to default 7 in the container's "
					  "cgroup");
	}
	close(fd);
}
END_TEST

START_TEST(destroy_cases)
{
	struct cr_error err = {0};
	char path[512];
	pid_t child;
	int status;
	unsigned long long t0;

	/* gone already, or never made */
	snprintf(path, sizeof(path), "%s/none", root);
	ck_assert_int_eq(cgroup_destroy(path, &err), 0);
	ck_assert_int_eq(cgroup_destroy("", &err), 0);
	/* empty, with sub-cgroups a container made */
	dir("a/b/c");
	dir("a/d");
	snprintf(path, sizeof(path), "%s/a", root);
	ck_assert_int_eq(cgroup_destroy(path, &err), 0);
	ck_assert(!exists("a"));
	/* paths that are not plain: refused, untouched */
	dir("x");
	snprintf(path, sizeof(path), "%s/x/../x", root);
	ck_assert_int_eq(cgroup_destroy(path, &err), -1);
	ck_assert(strstr(err.msg, "refusing to remove the cgroup"));
	ck_assert_int_eq(cgroup_destroy("x", &err), -1);
	ck_assert(exists("x"));
	/* populated: its processes are killed (cgroup.procs, where there is no cgroup.kill);
	 * a fake cgroup never empties, so it stays, with a message after a second */
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	dir("p");
	{
		char text[32];

		snprintf(text, sizeof(text), "%d\n", (int)child);
		put("p/cgroup.procs", text);
	}
	snprintf(path, sizeof(path), "%s/p", root);
	memset(&err, 0, sizeof(err));
	t0 = cr_now_ns();
	ck_assert_int_eq(cgroup_destroy(path, &err), -1);
	ck_assert_uint_lt(cr_now_ns() - t0, 3000000000ULL);
	ck_assert(strstr(err.msg, "its processes did not exit within a second"));
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert(exists("p/cgroup.procs"));
	/* once empty it goes (cgroup.events says so first) */
	unlink(strcat(strcpy((char[512]){0}, root), "/p/cgroup.procs"));
	ck_assert_int_eq(cgroup_destroy(path, &err), 0);
	ck_assert(!exists("p"));
}
END_TEST

START_TEST(sweep)
{
	struct cr_cgroup_host h;
	char path[512];
	struct timespec old[2] = {{time(NULL) - 60, 0}, {time(NULL) - 60, 0}};

	dir(SERVICE "/conti-rootless/old-aaaaaa");
	dir(SERVICE "/conti-rootless/busy-bbbbbb");
	dir(SERVICE "/conti-rootless/young-cccccc");
	put(SERVICE "/conti-rootless/busy-bbbbbb/cgroup.events", "populated 1\nfrozen 0\n");
	snprintf(path, sizeof(path), "%s/" SERVICE "/conti-rootless/old-aaaaaa", root);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, old, 0), 0);
	snprintf(path, sizeof(path), "%s/" SERVICE "/conti-rootless/busy-bbbbbb", root);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, old, 0), 0);
	probe(&h, PROC_SELF);
	cgroup_sweep(&h);
	cgroup_host_release(&h);
	ck_assert(!exists(SERVICE "/conti-rootless/old-aaaaaa"));
	ck_assert(exists(SERVICE "/conti-rootless/busy-bbbbbb"));
	ck_assert(exists(SERVICE "/conti-rootless/young-cccccc"));
	/* not delegated: never touched */
	snprintf(path, sizeof(path), "%s/" SERVICE "/conti-rootless/young-cccccc", root);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, old, 0), 0);
	cgroup_probe_at(&h, dup(root_fd), root, false, PROC_SELF, getuid() + 1);
	cgroup_sweep(&h);
	cgroup_host_release(&h);
	ck_assert(exists(SERVICE "/conti-rootless/young-cccccc"));
}
END_TEST

/* The container's processes go into a leaf below the cgroup that holds its limits: clone3
 * and enter get the leaf, state records the parent, destroy and sweep remove both. */
START_TEST(create_leaf)
{
	struct cr_cgroup_host h;
	struct cr_cgroup cg;
	struct cr_error err = {0};
	struct stat want, got;
	struct timespec old[2] = {{time(NULL) - 60, 0}, {time(NULL) - 60, 0}};
	char name[256], rel[512], path[700];
	int fd;

	put(SERVICE "/cgroup.controllers", "");
	probe(&h, PROC_SELF);
	ck_assert_int_eq(cgroup_create(&h, "web", &(struct cr_resources){0}, &cg, &err), 0);
	ck_assert_int_eq(count_cgroups(name, sizeof(name)), 1);
	/* the path recorded is the limits' cgroup; the fd clone3 takes is its leaf's */
	snprintf(rel, sizeof(rel), SERVICE "/conti-rootless/%s", name);
	ck_assert(exists(rel));
	snprintf(path, sizeof(path), "%s/%s/container", root, rel);
	ck_assert_int_eq(stat(path, &want), 0);
	ck_assert_int_eq(fstat(cg.dirfd, &got), 0);
	ck_assert(want.st_ino == got.st_ino && want.st_dev == got.st_dev);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_str_eq(cg.path, path);
	/* enter moves into the leaf, never the limits' cgroup */
	snprintf(rel, sizeof(rel), SERVICE "/conti-rootless/%s/cgroup.procs", name);
	put(rel, "");
	snprintf(rel, sizeof(rel), SERVICE "/conti-rootless/%s/container/cgroup.procs", name);
	put(rel, "");
	ck_assert_int_eq(cgroup_enter(&cg, 4242, &err), 0);
	ck_assert_str_eq(get(rel), "4242");
	snprintf(rel, sizeof(rel), SERVICE "/conti-rootless/%s/cgroup.procs", name);
	ck_assert_str_eq(get(rel), "");
	cgroup_release(&cg);
	/* exec opens the leaf from the recorded path */
	fd = cgroup_open_leaf(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(fstat(fd, &got), 0);
	ck_assert(want.st_ino == got.st_ino);
	close(fd);
	ck_assert_int_eq(cgroup_open_leaf("/nonexistent-cgroup"), -1);
	/* destroy takes the leaf, then the cgroup (the fake files gone first: a real cgroup's
	 * are not entries rmdir minds) */
	snprintf(rel, sizeof(rel), "%s/cgroup.procs", path);
	unlink(rel);
	snprintf(rel, sizeof(rel), "%s/container/cgroup.procs", path);
	unlink(rel);
	ck_assert_int_eq(cgroup_destroy(path, &err), 0);
	ck_assert_int_eq(count_cgroups(NULL, 0), 0);
	/* the sweep removes a leftover with its leaf */
	dir(SERVICE "/conti-rootless/old-aaaaaa/container");
	snprintf(path, sizeof(path), "%s/" SERVICE "/conti-rootless/old-aaaaaa", root);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, old, 0), 0);
	cgroup_sweep(&h);
	ck_assert(!exists(SERVICE "/conti-rootless/old-aaaaaa"));
	cgroup_host_release(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc = tcase_create("probe");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, probe_delegated);
	tcase_add_test(tc, probe_not_delegated);
	tcase_add_test(tc, check_refusals);
	tcase_add_test(tc, needed);
	suite_add_tcase(s, tc);
	tc = tcase_create("cgroup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, create_plain);
	tcase_add_test(tc, create_enables_and_cleans_up);
	tcase_add_test(tc, apply_writes);
	tcase_add_test(tc, destroy_cases);
	tcase_add_test(tc, sweep);
	tcase_add_test(tc, create_leaf);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
