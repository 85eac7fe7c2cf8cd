/* userns.c - id maps and the mapped user namespace. */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

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

/* The lowest and highest host ids of inside ids [in, in + n) that sit at [out, out + n) of
 * outer's inside (outer NULL: they are host ids), folded into *lo and *hi (found: *any). */
static void fold_host_range(unsigned long in, unsigned long out, unsigned long n,
			    const struct cr_idmap *outer, unsigned long lo[2], unsigned long hi[2],
			    bool *any)
{
	struct cr_idmap_entry self = {.inside = out, .outside = out, .count = n};
	size_t count = outer ? outer->n : 1;

	for (size_t i = 0; i < count; i++) {
		const struct cr_idmap_entry *o = outer ? &outer->e[i] : &self;
		unsigned long a = out > o->inside ? out : o->inside;
		unsigned long b_out = out + n, b_o = o->inside + o->count;
		unsigned long b = b_out < b_o ? b_out : b_o; /* [a, b) in outer's inside */

		if (!n || !o->count || a >= b)
			continue;
		if (!*any || o->outside + (a - o->inside) < lo[1]) {
			lo[0] = in + (a - out);
			lo[1] = o->outside + (a - o->inside);
		}
		if (!*any || o->outside + (b - 1 - o->inside) > hi[1]) {
			hi[0] = in + (b - 1 - out);
			hi[1] = o->outside + (b - 1 - o->inside);
		}
		*any = true;
	}
}

bool userns_ping_group_range(const struct cr_idmap *map, const struct cr_idmap *outer, char *buf,
			     size_t len)
{
	unsigned long lo[2] = {0, 0}, hi[2] = {0, 0}; /* {inside, host} */
	bool any = false;

	for (size_t i = 0; i < map->n; i++)
		fold_host_range(map->e[i].inside, map->e[i].outside, map->e[i].count, outer, lo, hi,
				&any);
	if (!any)
		return false;
	snprintf(buf, len, "%lu %lu", lo[0], hi[0]);
	return true;
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
		while (*p == ' ' || *p == '\n') /* also the lines of /proc/PID/uid_map */
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

/* True when path carries cap in the permitted set of its file capabilities (the
 * security.capability attribute, as setcap writes it). */
static bool file_cap_permitted(const char *path, int cap)
{
	struct vfs_ns_cap_data data;
	ssize_t n = getxattr(path, "security.capability", &data, sizeof(data));
	uint32_t magic;

	if (n < (ssize_t)sizeof(uint32_t))
		return false;
	magic = le32toh(data.magic_etc) & VFS_CAP_REVISION_MASK;
	if ((magic == VFS_CAP_REVISION_1 && n < (ssize_t)XATTR_CAPS_SZ_1) ||
	    (magic == VFS_CAP_REVISION_2 && n < (ssize_t)XATTR_CAPS_SZ_2) ||
	    (magic == VFS_CAP_REVISION_3 && n < (ssize_t)XATTR_CAPS_SZ_3) ||
	    (magic != VFS_CAP_REVISION_1 && magic != VFS_CAP_REVISION_2 &&
	     magic != VFS_CAP_REVISION_3))
		return false;
	if (magic == VFS_CAP_REVISION_1 && CAP_TO_INDEX(cap) > 0)
		return false; /* revision 1 holds 32 capabilities */
	return le32toh(data.data[CAP_TO_INDEX(cap)].permitted) & CAP_TO_MASK(cap);
}

const char *userns_helper_problem(const char *path, bool gid)
{
	struct statvfs vfs;
	struct stat st;

	if (stat(path, &st) < 0)
		return "it cannot be found";
	if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_NOSUID))
		return "it is on a filesystem mounted nosuid";
	if (st.st_uid == 0 && (st.st_mode & S_ISUID))
		return NULL;
	if (file_cap_permitted(path, gid ? CAP_SETGID : CAP_SETUID))
		return NULL;
	return gid ? "it is neither setuid root nor has the cap_setgid file capability"
		   : "it is neither setuid root nor has the cap_setuid file capability";
}

static void single_map(struct cr_idmap *map, unsigned long self)
{
	userns_compute_map(self, NULL, 0, map);
}

int userns_parse_subids(const char *text, struct cr_subids *out)
{
	const char *line = text;

	memset(out, 0, sizeof(*out));
	while (*line) {
		struct cr_idrange r;
		char kind[4], rest;
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[160];

		if (len >= sizeof(buf))
			return -1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		line += len + (nl ? 1 : 0);
		if (!strncmp(buf, "user ", 5) && len > 5 && len - 5 < sizeof(out->user)) {
			strcpy(out->user, buf + 5);
			continue;
		}
		if (strchr(buf, '-') || strchr(buf, '+') ||
		    sscanf(buf, "%3s %lu %lu%c", kind, &r.start, &r.count, &rest) != 3 ||
		    r.count == 0)
			return -1;
		if (!strcmp(kind, "uid") && out->nuid < CR_IDMAP_MAX)
			out->uid[out->nuid++] = r;
		else if (!strcmp(kind, "gid") && out->ngid < CR_IDMAP_MAX)
			out->gid[out->ngid++] = r;
		else if (strcmp(kind, "uid") && strcmp(kind, "gid"))
			return -1;
	}
	return out->user[0] ? 0 : -1;
}

/* Starts argv[0] with its signals reset and fd as its descriptor target (1 or 2); its pid,
 * or -1 with errno set. */
static pid_t spawn(char *const argv[], int fd, int target)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	pid_t child = -1;
	int ret;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, target);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	ret = posix_spawn(&child, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (ret != 0) {
		errno = ret;
		return -1;
	}
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

/* The end of the highest "name:start:count" range in text, 0 when none. */
static unsigned long subid_end(const char *text)
{
	unsigned long end = 0, start, count;

	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		const char *colon;

		line += *line == '\n';
		colon = strchr(line, ':');
		if (*line == '#' || !colon || sscanf(colon, ":%lu:%lu", &start, &count) != 2)
			continue;
		if (start + count > end && start + count >= start)
			end = start + count;
	}
	return end;
}

unsigned long userns_free_subid_start(const char *subuid, const char *subgid)
{
	unsigned long start = 100000, u = subid_end(subuid), g = subid_end(subgid);

	if (u > start)
		start = u;
	if (g > start)
		start = g;
	return start;
}

void userns_format_subid_fix(const char *subuid, const char *subgid, const char *user, char *buf,
			     size_t len)
{
	unsigned long start = userns_free_subid_start(subuid, subgid);
	unsigned long end = start + CR_SUBID_COUNT - 1;

	snprintf(buf, len, "sudo usermod --add-subuids %lu-%lu --add-subgids %lu-%lu %s", start,
		 end, start, end, user);
}

void userns_subid_fix(const char *user, char *buf, size_t len)
{
	const size_t cap = 1 << 20; /* ~40000 users' lines */
	cleanup_free char *subuid = cr_xcalloc(1, cap);
	cleanup_free char *subgid = cr_xcalloc(1, cap);
	struct cr_error ignored;

	cr_read_file("/etc/subuid", subuid, cap, &ignored);
	cr_read_file("/etc/subgid", subgid, cap, &ignored);
	userns_format_subid_fix(subuid, subgid, user, buf, len);
}

/* Runs the idmap helper (helpers/idmap.c): our name and subordinate ranges, through NSS and
 * libsubid, which pull in libpam, libaudit, libselinux...: never loaded by a start. */
static int read_subids(struct cr_subids *ids, struct cr_error *err)
{
	char path[PATH_MAX], out[16384];
	char *argv[] = {path, NULL};
	int pipefd[2], status;
	ssize_t n, total = 0;
	pid_t child;

	if (cr_find_helper(CR_IDMAP_NAME, path, sizeof(path), err) < 0)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return cr_fail(err, errno, "pipe");
	child = spawn(argv, pipefd[1], 1);
	close(pipefd[1]);
	if (child < 0) {
		close(pipefd[0]);
		return cr_fail(err, errno, "run %s", path);
	}
	while (total < (ssize_t)sizeof(out) - 1 &&
	       ((n = read(pipefd[0], out + total, sizeof(out) - 1 - (size_t)total)) > 0 ||
		(n < 0 && errno == EINTR)))
		total += n > 0 ? n : 0;
	out[total] = '\0';
	close(pipefd[0]);
	status = wait_status(child);
	if (status == 127) {
		cr_fail(err, 0, "%s cannot start: is libsubid installed?", path);
		return cr_hint(
		    err, "install it: sudo apt install libsubid4 (Fedora: shadow-utils-subid)");
	}
	if (status == 1) {
		cr_fail(err, 0, "uid %u has no user name, so it has no subordinate ids",
			(unsigned)getuid());
		return cr_hint(err, "add the user to /etc/passwd, or use --uidmap=single");
	}
	if (status != 0 || userns_parse_subids(out, ids) < 0) {
		cr_fail(err, 0, "%s failed (status %d) or printed no ranges", path, status);
		return cr_hint(err, "reinstall conti-rootless, or use --uidmap=single");
	}
	return 0;
}

/* Fills err with why subordinate mapping is impossible; plan->mode tells auto from subid. */
static int subid_unusable(struct cr_userns_plan *plan, bool fallback, bool quiet,
			  struct cr_error *err)
{
	if (!fallback)
		return -1;
	if (!quiet)
		cr_warn("%s%s%s; mapping only your own id, as root", err->msg,
			err->hint[0] ? "; " : "", err->hint);
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

static int resolve(enum cr_uidmap_mode mode, bool quiet, struct cr_userns_plan *plan,
		   struct cr_error *err)
{
	bool fallback = mode == CR_UIDMAP_AUTO;
	struct cr_subids *ids;
	int ret = 0;

	memset(plan, 0, sizeof(*plan));
	plan->mode = mode == CR_UIDMAP_SINGLE ? CR_UIDMAP_SINGLE : CR_UIDMAP_SUBID;
	if (plan->mode == CR_UIDMAP_SINGLE) {
		single_map(&plan->uid, getuid());
		single_map(&plan->gid, getgid());
		return 0;
	}
	if (find_helper("newuidmap", false, plan->newuidmap, sizeof(plan->newuidmap), err) < 0 ||
	    find_helper("newgidmap", true, plan->newgidmap, sizeof(plan->newgidmap), err) < 0)
		return subid_unusable(plan, fallback, quiet, err);
	ids = cr_xcalloc(1, sizeof(*ids));
	if (read_subids(ids, err) < 0) {
		ret = subid_unusable(plan, fallback, quiet, err);
	} else if (ids->nuid == 0 || ids->ngid == 0) {
		cr_fail(err, 0, "user %s has no subordinate ids in /etc/subuid and /etc/subgid",
			ids->user);
		char fix[256];

		userns_subid_fix(ids->user, fix, sizeof(fix));
		cr_hint(err, "add them: %s", fix);
		ret = subid_unusable(plan, fallback, quiet, err);
	} else {
		snprintf(plan->subuid_line, sizeof(plan->subuid_line), "%s:%lu:%lu", ids->user,
			 ids->uid[0].start, ids->uid[0].count);
		snprintf(plan->subgid_line, sizeof(plan->subgid_line), "%s:%lu:%lu", ids->user,
			 ids->gid[0].start, ids->gid[0].count);
		userns_compute_map(getuid(), ids->uid, ids->nuid, &plan->uid);
		userns_compute_map(getgid(), ids->gid, ids->ngid, &plan->gid);
	}
	free(ids);
	return ret;
}

int userns_resolve(enum cr_uidmap_mode mode, struct cr_userns_plan *plan, struct cr_error *err)
{
	return resolve(mode, false, plan, err);
}

int userns_current_maps(char *uidmap, size_t ulen, char *gidmap, size_t glen)
{
	struct cr_userns_plan *plan = cr_xcalloc(1, sizeof(*plan));
	struct cr_error ignored;
	int ret = resolve(CR_UIDMAP_AUTO, true, plan, &ignored);

	if (ret == 0) {
		userns_map_format(&plan->uid, uidmap, ulen);
		userns_map_format(&plan->gid, gidmap, glen);
	}
	free(plan);
	return ret;
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
	size_t k = 0, argc = 0;

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
	return spawn(argv, errfd, 2);
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

/* Appends "a b n\n" (sep ' ', end '\n') or "a:b:n" (sep ':', joined by ':') when n > 0. */
static void put_range(char *buf, size_t len, char sep, unsigned long a, unsigned long b,
		      unsigned long n)
{
	size_t at = strlen(buf);

	if (n == 0 || at >= len)
		return;
	if (sep == ':')
		snprintf(buf + at, len - at, "%s%lu:%lu:%lu", at ? ":" : "", a, b, n);
	else
		snprintf(buf + at, len - at, "%lu %lu %lu\n", a, b, n);
}

void userns_keepid_maps(unsigned long inside, unsigned long count, char *map, size_t mlen,
			char *fuse, size_t flen)
{
	unsigned long below = inside < count ? inside : count;

	map[0] = fuse[0] = '\0';
	/* inside ids 0..below-1 are the keeper's 1..below; inside is its 0 (you) */
	put_range(map, mlen, ' ', 0, 1, below);
	put_range(map, mlen, ' ', inside, 0, 1);
	/* a file stored as the keeper's s (what s is inside a default container) is shown as
	 * the keeper's id that the nested namespace shows as s */
	put_range(fuse, flen, ':', 0, 1, below);
	if (inside <= count) {
		put_range(map, mlen, ' ', inside + 1, inside + 1, count - inside);
		put_range(fuse, flen, ':', inside, 0, 1);
		put_range(fuse, flen, ':', inside + 1, inside + 1, count - inside);
	} else {
		/* beyond the range: the keeper's last id (count) has no place inside; a file of
		 * yours made inside is stored as it */
		put_range(fuse, flen, ':', count, 0, 1);
	}
}

unsigned long userns_map_extra(const struct cr_idmap *map)
{
	unsigned long total = 0;

	for (size_t i = 0; i < map->n; i++)
		total += map->e[i].count;
	return total ? total - 1 : 0;
}
