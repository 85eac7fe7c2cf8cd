/* userns.c - id maps and the mapped user namespace. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <shadow/subid.h>

#include "cr-build-config.h"
#include "trace.h"
#include "userns.h"
#include "utils.h"

extern char **environ;

void userns_compute_map(unsigned long self, const struct cr_idrange *ranges, size_t n,
			struct cr_idmap *out)
{
	unsigned long next = 1;

	out->n = 0;
	out->e[out->n++] = (struct cr_idmap_entry){0, self, 1};
	for (size_t i = 0; i < n && out->n < CR_IDMAP_MAX; i++) {
		if (ranges[i].count == 0 || next + ranges[i].count < next)
			continue;
		out->e[out->n++] = (struct cr_idmap_entry){next, ranges[i].start, ranges[i].count};
		next += ranges[i].count;
	}
}

bool userns_map_has(const struct cr_idmap *map, unsigned long inside)
{
	for (size_t i = 0; i < map->n; i++) {
		if (inside >= map->e[i].inside && inside - map->e[i].inside < map->e[i].count)
			return true;
	}
	return false;
}

void userns_map_format(const struct cr_idmap *map, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < map->n && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s%lu %lu %lu", i ? " " : "",
				 map->e[i].inside, map->e[i].outside, map->e[i].count);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

int userns_map_parse(const char *text, struct cr_idmap *map)
{
	const char *p = text;

	map->n = 0;
	while (*p && map->n < CR_IDMAP_MAX) {
		struct cr_idmap_entry *e = &map->e[map->n];
		int used = 0;

		if (sscanf(p, "%lu %lu %lu%n", &e->inside, &e->outside, &e->count, &used) != 3)
			return -1;
		map->n++;
		p += used;
		while (*p == ' ')
			p++;
	}
	return map->n ? 0 : -1;
}

/* Writes map in /proc/PID/uid_map form (one "inside outside count" per line). */
static void map_format_proc(const struct cr_idmap *map, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < map->n && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%lu %lu %lu\n", map->e[i].inside,
				 map->e[i].outside, map->e[i].count);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

const char *userns_helper_problem(const char *path, bool gid)
{
	struct statvfs vfs;
	struct stat st;
	cap_t caps;
	cap_flag_value_t has = CAP_CLEAR;

	if (stat(path, &st) < 0)
		return "it cannot be found";
	if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_NOSUID))
		return "it is on a filesystem mounted nosuid";
	if (st.st_uid == 0 && (st.st_mode & S_ISUID))
		return NULL;
	caps = cap_get_file(path);
	if (caps) {
		cap_get_flag(caps, gid ? CAP_SETGID : CAP_SETUID, CAP_PERMITTED, &has);
		cap_free(caps);
	}
	if (has == CAP_SET)
		return NULL;
	return gid ? "it is neither setuid root nor has the cap_setgid file capability"
		   : "it is neither setuid root nor has the cap_setuid file capability";
}

static void single_map(struct cr_idmap *map, unsigned long self)
{
	userns_compute_map(self, NULL, 0, map);
}

/* libsubid, loaded only on the path that reads subordinate ranges: linking it pulls in
 * libaudit, libselinux, libsemanage, libpam..., whose loading every start would pay. */
struct subid_lib {
	void *handle;
	__typeof__(subid_init) *init;
	__typeof__(subid_get_uid_ranges) *uid_ranges;
	__typeof__(subid_get_gid_ranges) *gid_ranges;
};

static int subid_load(struct subid_lib *lib, struct cr_error *err)
{
	lib->handle = dlopen(CR_LIBSUBID_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib->handle) {
		cr_fail(err, 0, "cannot load %s (%s)", CR_LIBSUBID_SONAME, dlerror());
		return cr_hint(err, "install it: sudo apt install libsubid4");
	}
	lib->init = (__typeof__(subid_init) *)dlsym(lib->handle, "subid_init");
	lib->uid_ranges =
	    (__typeof__(subid_get_uid_ranges) *)dlsym(lib->handle, "subid_get_uid_ranges");
	lib->gid_ranges =
	    (__typeof__(subid_get_gid_ranges) *)dlsym(lib->handle, "subid_get_gid_ranges");
	if (!lib->uid_ranges || !lib->gid_ranges) {
		dlclose(lib->handle);
		cr_fail(err, 0, "%s lacks subid_get_uid_ranges", CR_LIBSUBID_SONAME);
		return cr_hint(err, "install shadow-utils' libsubid 4.11 or later");
	}
	if (lib->init)
		lib->init("conti-rootless", NULL);
	return 0;
}

/* Reads the subordinate ranges of user (uid or gid kind) into map; 0 ranges: -1. */
static int subid_map(const struct subid_lib *lib, const char *user, unsigned long self, bool gid,
		     struct cr_idmap *map, char *line, size_t linelen)
{
	struct subid_range *ranges = NULL;
	struct cr_idrange conv[CR_IDMAP_MAX];
	int n = gid ? lib->gid_ranges(user, &ranges) : lib->uid_ranges(user, &ranges);

	if (n <= 0) {
		free(ranges);
		return -1;
	}
	for (int i = 0; i < n && i < CR_IDMAP_MAX; i++)
		conv[i] = (struct cr_idrange){ranges[i].start, ranges[i].count};
	snprintf(line, linelen, "%s:%lu:%lu", user, ranges[0].start, ranges[0].count);
	userns_compute_map(self, conv, (size_t)(n < CR_IDMAP_MAX ? n : CR_IDMAP_MAX), map);
	free(ranges);
	return 0;
}

/* Fills err with why subordinate mapping is impossible; plan->mode tells auto from subid. */
static int subid_unusable(struct cr_userns_plan *plan, bool fallback, struct cr_error *err)
{
	if (!fallback)
		return -1;
	cr_warn("%s%s%s; mapping only your own id, as root", err->msg, err->hint[0] ? "; " : "",
		err->hint);
	plan->mode = CR_UIDMAP_SINGLE;
	single_map(&plan->uid, getuid());
	single_map(&plan->gid, getgid());
	return 0;
}

static int find_helper(const char *prog, bool gid, char *out, size_t len, struct cr_error *err)
{
	const char *problem;

	if (!cr_find_on_path(prog, out, len)) {
		cr_fail(err, 0, "%s is not installed", prog);
		return cr_hint(err, "install it: sudo apt install uidmap (Fedora: shadow-utils)");
	}
	problem = userns_helper_problem(out, gid);
	if (problem) {
		cr_fail(err, 0, "%s cannot map ids: %s", out, problem);
		return cr_hint(err, "reinstall it: sudo apt install --reinstall uidmap");
	}
	return 0;
}

int userns_resolve(enum cr_uidmap_mode mode, struct cr_userns_plan *plan, struct cr_error *err)
{
	bool fallback = mode == CR_UIDMAP_AUTO;
	struct subid_lib lib;
	struct passwd *pw;
	bool ok;

	memset(plan, 0, sizeof(*plan));
	plan->mode = mode == CR_UIDMAP_SINGLE ? CR_UIDMAP_SINGLE : CR_UIDMAP_SUBID;
	if (plan->mode == CR_UIDMAP_SINGLE) {
		single_map(&plan->uid, getuid());
		single_map(&plan->gid, getgid());
		return 0;
	}
	if (find_helper("newuidmap", false, plan->newuidmap, sizeof(plan->newuidmap), err) < 0 ||
	    find_helper("newgidmap", true, plan->newgidmap, sizeof(plan->newgidmap), err) < 0)
		return subid_unusable(plan, fallback, err);
	pw = getpwuid(getuid());
	if (!pw) {
		cr_fail(err, 0, "uid %u has no user name, so it has no subordinate ids",
			(unsigned)getuid());
		cr_hint(err, "add the user to /etc/passwd, or use --uidmap=single");
		return subid_unusable(plan, fallback, err);
	}
	if (subid_load(&lib, err) < 0)
		return subid_unusable(plan, fallback, err);
	ok = subid_map(&lib, pw->pw_name, getuid(), false, &plan->uid, plan->subuid_line,
		       sizeof(plan->subuid_line)) == 0 &&
	     subid_map(&lib, pw->pw_name, getgid(), true, &plan->gid, plan->subgid_line,
		       sizeof(plan->subgid_line)) == 0;
	/* libsubid stays loaded: subid_init keeps a copy of our name that unloading would leak. */
	if (!ok) {
		cr_fail(err, 0, "user %s has no subordinate ids in /etc/subuid and /etc/subgid",
			pw->pw_name);
		cr_hint(err,
			"add them: sudo usermod --add-subuids 100000-165535 "
			"--add-subgids 100000-165535 %s",
			pw->pw_name);
		return subid_unusable(plan, fallback, err);
	}
	return 0;
}

void userns_read_env(struct cr_userns_env *env)
{
	char buf[4096];
	struct cr_error ignored;
	char *p;

	env->max_user_namespaces = -1;
	env->unprivileged_userns_clone = -1;
	env->apparmor_restrict = -1;
	env->seccomp_mode = -1;
	if (cr_read_file("/proc/sys/user/max_user_namespaces", buf, sizeof(buf), &ignored) > 0)
		env->max_user_namespaces = strtol(buf, NULL, 10);
	if (cr_read_file("/proc/sys/kernel/unprivileged_userns_clone", buf, sizeof(buf), &ignored) >
	    0)
		env->unprivileged_userns_clone = atoi(buf);
	if (cr_read_file("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", buf, sizeof(buf),
			 &ignored) > 0)
		env->apparmor_restrict = atoi(buf);
	if (cr_read_file("/proc/self/status", buf, sizeof(buf), &ignored) > 0 &&
	    (p = strstr(buf, "\nSeccomp:")))
		env->seccomp_mode = atoi(p + strlen("\nSeccomp:"));
}

int userns_explain(int errnum, const struct cr_userns_env *env, struct cr_error *err)
{
	cr_fail(err, errnum, "cannot create a user namespace");
	if (env->max_user_namespaces == 0) {
		cr_fail(err, 0,
			"unprivileged user namespaces are disabled (user.max_user_namespaces "
			"is 0)");
		return cr_hint(err, "enable them: sudo sysctl -w user.max_user_namespaces=28633");
	}
	if (env->unprivileged_userns_clone == 0) {
		cr_fail(err, 0,
			"unprivileged user namespaces are disabled "
			"(kernel.unprivileged_userns_clone is 0)");
		return cr_hint(err,
			       "enable them: sudo sysctl -w kernel.unprivileged_userns_clone=1");
	}
	if (errnum == ENOSPC || errnum == EUSERS)
		return cr_hint(err,
			       "the limit user.max_user_namespaces (%ld) is reached, or namespaces "
			       "are nested more than 32 deep; raise it with sudo sysctl -w "
			       "user.max_user_namespaces=N",
			       env->max_user_namespaces);
	if (errnum != EPERM)
		return -1;
	if (env->apparmor_restrict == 1)
		return cr_hint(err,
			       "AppArmor restricts unprivileged user namespaces "
			       "(kernel.apparmor_restrict_unprivileged_userns=1); install "
			       "contrib/apparmor/conti-rootless in /etc/apparmor.d and run sudo "
			       "apparmor_parser -r /etc/apparmor.d/conti-rootless");
	if (env->seccomp_mode > 0)
		return cr_hint(err, "a seccomp filter refuses it (are you inside a container? "
				    "run it with a profile that allows unshare)");
	return cr_hint(err, "refused by a security policy, or this is a chroot; "
			    "'conti-rootless check' tells more");
}

int userns_explain_errno(int errnum, struct cr_error *err)
{
	struct cr_userns_env env;

	userns_read_env(&env);
	return userns_explain(errnum, &env, err);
}

static int write_proc(pid_t pid, const char *file, const char *text, struct cr_error *err)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", file);
	return cr_write_file(path, text, strlen(text), 0, err);
}

/* Starts HELPER PID MAP... with stderr into errfd; returns its pid or -1. */
static pid_t spawn_helper(const char *helper, pid_t pid, const struct cr_idmap *map, int errfd)
{
	char *argv[3 + 3 * CR_IDMAP_MAX + 1];
	char nums[3 * CR_IDMAP_MAX + 1][24];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	size_t k = 0, argc = 0;
	pid_t child = -1;

	argv[argc++] = (char *)helper;
	snprintf(nums[k], sizeof(nums[k]), "%d", (int)pid);
	argv[argc++] = nums[k++];
	for (size_t i = 0; i < map->n; i++) {
		unsigned long v[3] = {map->e[i].inside, map->e[i].outside, map->e[i].count};

		for (int j = 0; j < 3; j++) {
			snprintf(nums[k], sizeof(nums[k]), "%lu", v[j]);
			argv[argc++] = nums[k++];
		}
	}
	argv[argc] = NULL;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (posix_spawn(&child, helper, &fa, &attr, argv, environ) != 0)
		child = -1;
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return child;
}

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Runs newuidmap and newgidmap on pid at the same time; names the one that failed. */
static int map_with_helpers(const struct cr_userns_plan *plan, pid_t pid, bool trace,
			    struct cr_error *err)
{
	unsigned long long t0 = cr_now_ns();
	char uidargs[512], gidargs[512], output[1024] = "";
	int errpipe[2], ust, gst;
	pid_t u, g;
	ssize_t n;

	if (pipe2(errpipe, O_CLOEXEC) < 0)
		return cr_fail(err, errno, "pipe");
	u = spawn_helper(plan->newuidmap, pid, &plan->uid, errpipe[1]);
	g = spawn_helper(plan->newgidmap, pid, &plan->gid, errpipe[1]);
	close(errpipe[1]);
	ust = u > 0 ? wait_status(u) : 127;
	gst = g > 0 ? wait_status(g) : 127;
	n = cr_read_all(errpipe[0], output, sizeof(output) - 1);
	close(errpipe[0]);
	output[n > 0 ? n : 0] = '\0';
	output[strcspn(output, "\n")] = '\0';
	userns_map_format(&plan->uid, uidargs, sizeof(uidargs));
	userns_map_format(&plan->gid, gidargs, sizeof(gidargs));
	if (ust || gst) {
		bool uid_failed = ust != 0;

		cr_fail(err, 0, "%s failed (exit %d)%s%s; the command was: %s %d %s",
			uid_failed ? "newuidmap" : "newgidmap", uid_failed ? ust : gst,
			output[0] ? ": " : "", output, uid_failed ? "newuidmap" : "newgidmap",
			(int)pid, uid_failed ? uidargs : gidargs);
		return cr_hint(err,
			       "check the line %s in %s, or use --uidmap=single ('conti-rootless "
			       "check' tells more)",
			       uid_failed ? plan->subuid_line : plan->subgid_line,
			       uid_failed ? "/etc/subuid" : "/etc/subgid");
	}
	trace_step(trace, t0, "newuidmap %d %s", (int)pid, uidargs);
	trace_step(trace, t0, "newgidmap %d %s", (int)pid, gidargs);
	return 0;
}

int userns_map_process(const struct cr_userns_plan *plan, pid_t pid, bool trace,
		       struct cr_error *err)
{
	unsigned long long t0 = cr_now_ns();
	char map[128];

	if (plan->mode == CR_UIDMAP_SUBID)
		return map_with_helpers(plan, pid, trace, err);
	if (write_proc(pid, "setgroups", "deny", err) < 0)
		return -1;
	map_format_proc(&plan->uid, map, sizeof(map));
	if (write_proc(pid, "uid_map", map, err) < 0)
		return -1;
	map_format_proc(&plan->gid, map, sizeof(map));
	if (write_proc(pid, "gid_map", map, err) < 0)
		return -1;
	userns_map_format(&plan->uid, map, sizeof(map));
	trace_step(trace, t0, "echo '%s' > /proc/%d/uid_map  # and gid_map", map, (int)pid);
	return 0;
}
