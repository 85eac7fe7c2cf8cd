/* check.c - 'conti-rootless check': one function per check, in a table. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cr-check.h"
#include "image/lookup.h"
#include "landlock.h"
#include "plan.h"
#include "state.h"
#include "userns.h"
#include "utils.h"

/* What the checks found that later checks use. */
struct check_ctx {
	int userns_errno;	     /* of unshare(CLONE_NEWUSER) in a child; 0 when it worked */
	bool data_ok;		     /* the data dir exists or can be made */
	const char *data_fs_problem; /* "NFS"...: kernel overlayfs cannot keep an upper dir there */
	bool overlay_decided;	     /* check_overlay found what run will use */
	bool kernel_overlay;	     /* kernel overlayfs mounted in a user namespace */
	int fuse;		     /* fuse-overlayfs usable: -1 not looked at yet, 0, 1 */
	char fuse_text[384];	     /* what fuse_usable found */
	char fuse_fix[128];	     /* and its fix */
	char data_dir[PATH_MAX];     /* DATA: $XDG_DATA_HOME/conti-rootless, may not exist */
	char data_base[PATH_MAX];    /* DATA or its nearest existing parent */
	bool tun_ok;		     /* /dev/net/tun opens */
	const char *net_helper;	     /* what --net private uses: "pasta", "slirp4netns", NULL */
};

const char *check_status_name(enum cr_check_status status)
{
	switch (status) {
	case CR_CHECK_OK:
		return "ok";
	case CR_CHECK_WARN:
		return "warn";
	case CR_CHECK_FAIL:
		break;
	}
	return "FAIL";
}

/* Reads a decimal number at *p, moving *p past it; -1 when there is no digit. */
static int read_number(const char **p, unsigned *out)
{
	unsigned long v = 0;

	if (**p < '0' || **p > '9')
		return -1;
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (unsigned long)(**p - '0');
		if (v > 1000000)
			return -1;
		(*p)++;
	}
	*out = (unsigned)v;
	return 0;
}

int check_parse_kernel(const char *release, unsigned *major, unsigned *minor)
{
	const char *p = release;

	if (!p || read_number(&p, major) < 0 || *p++ != '.' || read_number(&p, minor) < 0)
		return -1;
	return 0;
}

bool check_kernel_at_least(const char *release, unsigned major, unsigned minor)
{
	unsigned maj, min;

	if (check_parse_kernel(release, &maj, &min) < 0)
		return false;
	return maj > major || (maj == major && min >= minor);
}

void check_format_line(const struct cr_check_result *r, char *buf, size_t len)
{
	snprintf(buf, len, "%-4s  %-11s  %s%s%s", check_status_name(r->status), r->name, r->found,
		 r->fix[0] ? "; fix: " : "", r->fix);
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static bool all_ok(const struct cr_check_result *results, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (results[i].status == CR_CHECK_FAIL)
			return false;
	}
	return true;
}

void check_print_json(const struct cr_check_result *results, size_t n, FILE *out)
{
	fprintf(out, "{\"ok\":%s,\"checks\":[", all_ok(results, n) ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", out);
		json_string(out, results[i].name);
		fputs(",\"status\":", out);
		json_string(out, check_status_name(results[i].status));
		fputs(",\"found\":", out);
		json_string(out, results[i].found);
		fputs(",\"fix\":", out);
		if (results[i].fix[0])
			json_string(out, results[i].fix);
		else
			fputs("null", out);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

static void found(struct cr_check_result *r, enum cr_check_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void found(struct cr_check_result *r, enum cr_check_status status, const char *fmt, ...)
{
	va_list ap;

	r->status = status;
	va_start(ap, fmt);
	vsnprintf(r->found, sizeof(r->found), fmt, ap);
	va_end(ap);
}

static void fix(struct cr_check_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fix(struct cr_check_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->fix, sizeof(r->fix), fmt, ap);
	va_end(ap);
}

/* For the fixes' text: the passwd entry (the static front end reads /etc/passwd only), else
 * the environment's. */
static const char *user_name(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *env = getenv("USER");

	return pw ? pw->pw_name : env && *env ? env : "USER";
}

/* Waits for pid; its exit code, or 128+signal. */
static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return 255;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void check_kernel(struct check_ctx *c, struct cr_check_result *r)
{
	struct utsname u;
	unsigned major, minor;

	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "(uname failed)");
	if (check_parse_kernel(u.release, &major, &minor) < 0) {
		found(r, CR_CHECK_WARN, "cannot read the kernel version from '%s'", u.release);
		fix(r, "check that 'uname -r' is 5.12 or later");
		return;
	}
	if (check_kernel_at_least(u.release, 5, 12)) {
		found(r, CR_CHECK_OK,
		      "Linux %s (>= 5.11: overlayfs in a user namespace; >= 5.12: mount_setattr)",
		      u.release);
		return;
	}
	found(r, CR_CHECK_FAIL, "Linux %s: run needs 5.12 or later (mount_setattr%s)", u.release,
	      check_kernel_at_least(u.release, 5, 11) ? ""
						      : "; 5.11 for overlayfs in a user namespace");
	fix(r, "upgrade the kernel to 5.12 or later (Debian 11: sudo apt install -t "
	       "bullseye-backports linux-image-amd64)");
}

/* Tries unshare(CLONE_NEWUSER) in a child: 0, or its errno. */
static int try_userns(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) < 0 ? (errno & 0xff) : 0);
	return wait_child(pid);
}

static void check_userns(struct check_ctx *c, struct cr_check_result *r)
{
	struct cr_userns_env env;
	struct cr_error err = {0};

	c->userns_errno = try_userns();
	if (!c->userns_errno) {
		found(r, CR_CHECK_OK, "unshare(CLONE_NEWUSER) works%s",
		      getuid() == 0 ? " (as root: run check as the user who will run containers)"
				    : "");
		return;
	}
	userns_read_env(&env);
	userns_explain(c->userns_errno, &env, &err);
	found(r, CR_CHECK_FAIL, "unshare(CLONE_NEWUSER) fails (%s): %s", strerror(c->userns_errno),
	      err.msg);
	fix(r, "%s", err.hint[0] ? err.hint : "run 'unshare --user true' to see why");
}

/* The sysctls that switch unprivileged user namespaces off, as found. */
static void sysctl_text(const struct cr_userns_env *env, char *buf, size_t len)
{
	int off = snprintf(buf, len, "user.max_user_namespaces=%ld", env->max_user_namespaces);

	if (env->unprivileged_userns_clone >= 0 && off > 0 && (size_t)off < len)
		off +=
		    snprintf(buf + off, len - (size_t)off, ", kernel.unprivileged_userns_clone=%d",
			     env->unprivileged_userns_clone);
	if (env->apparmor_restrict >= 0 && off > 0 && (size_t)off < len)
		snprintf(buf + off, len - (size_t)off,
			 ", kernel.apparmor_restrict_unprivileged_userns=%d",
			 env->apparmor_restrict);
}

static void check_sysctl(struct check_ctx *c, struct cr_check_result *r)
{
	struct cr_userns_env env;
	struct cr_error err = {0};
	char text[256];

	userns_read_env(&env);
	sysctl_text(&env, text, sizeof(text));
	if (env.max_user_namespaces == 0 || env.unprivileged_userns_clone == 0) {
		userns_explain(EPERM, &env, &err);
		found(r, CR_CHECK_FAIL, "%s: %s", text, err.msg);
		fix(r, "%s", err.hint);
		return;
	}
	if (env.apparmor_restrict == 1 && c->userns_errno) {
		found(r, CR_CHECK_FAIL,
		      "%s: AppArmor lets only programs whose profile allows it create user "
		      "namespaces, and conti-rootless has none loaded",
		      text);
		fix(r, "sudo cp contrib/apparmor/conti-rootless /etc/apparmor.d/ && sudo "
		       "apparmor_parser -r /etc/apparmor.d/conti-rootless");
		return;
	}
	found(r, CR_CHECK_OK, "%s%s", text,
	      env.apparmor_restrict == 1 ? " (and AppArmor allows this program)" : "");
}

/* One helper: "PATH (setuid root)", or a warning and its fix; false when unusable. */
static bool helper_ok(const char *prog, bool gid, char *path, size_t len, struct cr_check_result *r)
{
	const char *problem;

	if (!cr_find_on_path(prog, path, len)) {
		found(r, CR_CHECK_WARN,
		      "%s is not on PATH: run maps only your own id (--uidmap=single)", prog);
		fix(r, "sudo apt install uidmap");
		return false;
	}
	problem = userns_helper_problem(path, gid);
	if (problem) {
		found(r, CR_CHECK_WARN, "%s cannot map ids (%s): run maps only your own id", path,
		      problem);
		fix(r, "sudo apt install --reinstall uidmap");
		return false;
	}
	return true;
}

static const char *helper_kind(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && st.st_uid == 0 && (st.st_mode & S_ISUID))
		return "setuid root";
	return "file capabilities";
}

static void check_helpers(struct check_ctx *c, struct cr_check_result *r)
{
	char uidmap[PATH_MAX], gidmap[PATH_MAX];

	if (!helper_ok("newuidmap", false, uidmap, sizeof(uidmap), r) ||
	    !helper_ok("newgidmap", true, gidmap, sizeof(gidmap), r))
		return;
	found(r, CR_CHECK_OK, "%s (%s), %s (%s)", uidmap, helper_kind(uidmap), gidmap,
	      helper_kind(gidmap));
}

/* The usermod command that gives the user a range no other user has. */
static void subid_fix(struct cr_check_result *r)
{
	char cmd[256];

	userns_subid_fix(user_name(), cmd, sizeof(cmd));
	fix(r, "%s", cmd);
}

static void check_subids(struct check_ctx *c, struct cr_check_result *r)
{
	struct cr_userns_plan *plan = cr_xcalloc(1, sizeof(*plan));
	struct cr_error err = {0};

	if (userns_resolve(CR_UIDMAP_SUBID, plan, &err) == 0) {
		found(r, CR_CHECK_OK, "subuid %s, subgid %s%s", plan->subuid_line,
		      plan->subgid_line, plan->uid.n > 2 ? " (and more ranges)" : "");
		free(plan);
		return;
	}
	free(plan);
	found(r, CR_CHECK_WARN, "%s: run maps only your own id (--uidmap=single)", err.msg);
	/* userns_resolve's hint names a fixed range; this one is free on this machine. */
	if (strstr(err.hint, "usermod"))
		subid_fix(r);
	else
		fix(r, "%s", err.hint);
}

/* Where runtime state goes, as state.c chooses it (by the user, not XDG_RUNTIME_DIR). */
static void check_runtime_dir(struct check_ctx *c, struct cr_check_result *r)
{
	const char *over = getenv("CONTI_ROOTLESS_RUNTIME_DIR");
	cleanup_free char *dir = NULL;
	cleanup_free char *squatted = NULL;
	char run_user[64];
	struct cr_error err;

	if (state_runtime_root(getuid(), &dir, &squatted, &err) < 0) {
		found(r, CR_CHECK_FAIL, "%s", err.msg);
		fix(r, "%s", err.hint);
		return;
	}
	if (over && *over) {
		found(r, CR_CHECK_OK, "CONTI_ROOTLESS_RUNTIME_DIR: state in %s", dir);
		return;
	}
	snprintf(run_user, sizeof(run_user), "/run/user/%u/", (unsigned)getuid());
	if (!strncmp(dir, run_user, strlen(run_user))) {
		found(r, CR_CHECK_OK, "state in %s", dir);
		return;
	}
	if (squatted) {
		found(r, CR_CHECK_WARN, "%s belongs to another user: state goes to %s", squatted,
		      dir);
		fix(r, "sudo rm -rf %s", squatted);
		return;
	}
	found(r, CR_CHECK_WARN, "no %.*s (no login session): state goes to %s",
	      (int)strlen(run_user) - 1, run_user, dir);
	fix(r, "sudo loginctl enable-linger %s", user_name());
}

/* Sets c->data_dir to DATA, as state.c finds it; false when neither variable is usable. */
static bool data_dir_path(struct check_ctx *c)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		snprintf(c->data_dir, sizeof(c->data_dir), "%s/conti-rootless", xdg);
	else if (home && home[0] == '/')
		snprintf(c->data_dir, sizeof(c->data_dir), "%s/.local/share/conti-rootless", home);
	else
		return false;
	return true;
}

/* Sets c->data_base to DATA or its nearest existing parent. */
static void data_dir_base(struct check_ctx *c)
{
	char *slash;
	struct stat st;

	snprintf(c->data_base, sizeof(c->data_base), "%s", c->data_dir);
	while (lstat(c->data_base, &st) < 0 && (slash = strrchr(c->data_base, '/'))) {
		if (slash == c->data_base)
			slash++; /* keep "/" */
		*slash = '\0';
	}
}

static const char *home_dir(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *env = getenv("HOME");

	return pw ? pw->pw_dir : env && *env == '/' ? env : "/home/USER";
}

static const char *fs_name(long f_type)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} names[] = {
	    {0xEF53, "ext4"},	   {0x58465342, "xfs"},	     {0x9123683E, "btrfs"},
	    {0x01021994, "tmpfs"}, {0x2FC12FC1, "zfs"},	     {0xF2F52010, "f2fs"},
	    {0x3153464A, "jfs"},   {0x52654973, "reiserfs"},
	};
	const char *bad = plan_upper_fs_problem(f_type);

	if (bad)
		return bad;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((unsigned long)f_type == names[i].magic)
			return names[i].name;
	}
	return "a local filesystem";
}

enum cr_check_status check_space_status(unsigned long long bytes, unsigned long long inodes,
					unsigned long long inodes_total)
{
	const unsigned long long mib = 1024ULL * 1024;

	if (bytes < 256 * mib || (inodes_total && inodes < 1000))
		return CR_CHECK_FAIL;
	if (bytes < 2048 * mib || (inodes_total && inodes < inodes_total / 100))
		return CR_CHECK_WARN;
	return CR_CHECK_OK;
}

static void check_data_dir(struct check_ctx *c, struct cr_check_result *r)
{
	enum cr_check_status space;
	struct statfs sfs;
	double gib;

	if (!data_dir_path(c)) {
		found(r, CR_CHECK_FAIL, "neither XDG_DATA_HOME nor HOME is an absolute path");
		fix(r, "export HOME=%s", home_dir());
		return;
	}
	data_dir_base(c);
	if (access(c->data_base, W_OK | X_OK) < 0) {
		found(r, CR_CHECK_FAIL, "%s: %s is not writable for you", c->data_dir,
		      c->data_base);
		if (!strcmp(c->data_base, c->data_dir))
			fix(r, "sudo chown -R %s: %s", user_name(), c->data_dir);
		else
			fix(r, "sudo install -d -o %s -m 0700 %s", user_name(), c->data_dir);
		return;
	}
	c->data_ok = true;
	if (statfs(c->data_base, &sfs) < 0) {
		found(r, CR_CHECK_WARN, "%s: statfs %s: %s", c->data_dir, c->data_base,
		      strerror(errno));
		return;
	}
	gib = (double)sfs.f_bavail * (double)sfs.f_bsize / (1024.0 * 1024 * 1024);
	c->data_fs_problem = plan_upper_fs_problem(sfs.f_type);
	if (c->data_fs_problem) {
		found(r, CR_CHECK_WARN,
		      "%s is on %s, where kernel overlayfs cannot keep an upper dir: run will use "
		      "fuse-overlayfs",
		      c->data_dir, c->data_fs_problem);
		fix(r, "export XDG_DATA_HOME=/var/tmp/%s/data  # or another local disk",
		    user_name());
		return;
	}
	space =
	    check_space_status((unsigned long long)sfs.f_bavail * sfs.f_bsize,
			       (unsigned long long)sfs.f_ffree, (unsigned long long)sfs.f_files);
	found(r, space, "%s on %s, %.1f GiB and %llu inodes free%s", c->data_dir,
	      fs_name(sfs.f_type), gib, (unsigned long long)sfs.f_ffree,
	      space == CR_CHECK_FAIL   ? ": too little for writable layers"
	      : space == CR_CHECK_WARN ? ": nearly full"
				       : "");
	if (space != CR_CHECK_OK)
		fix(r,
		    "free space there (conti-rootless rm of old containers), or export "
		    "XDG_DATA_HOME=/var/tmp/%s/data  # or another disk",
		    user_name());
}

/* Where a child stopped on the way to a kernel overlayfs mount, and why. */
struct overlay_result {
	char stage[32];
	int errnum;
};

static void overlay_report(int fd, const char *stage, int errnum)
{
	struct overlay_result res = {.errnum = errnum};

	snprintf(res.stage, sizeof(res.stage), "%s", stage);
	if (write(fd, &res, sizeof(res)) < 0)
		_exit(2);
	_exit(errnum ? 1 : 0);
}

static bool write_self(const char *file, const char *text)
{
	cleanup_close int fd = open(file, O_WRONLY | O_CLOEXEC);

	return fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
}

/* In a throwaway child: a user and mount namespace with only our ids, and the mount. */
static void overlay_child(const char *dir, uid_t uid, gid_t gid, int fd)
{
	cleanup_free char *esc = plan_escape_overlay_path(dir);
	cleanup_free char *data = cr_xasprintf("lowerdir=%s/lower,upperdir=%s/upper,"
					       "workdir=%s/work,userxattr",
					       esc, esc, esc);
	cleanup_free char *merged = cr_xasprintf("%s/merged", dir);
	cleanup_free char *probe = cr_xasprintf("%s/merged/probe", dir);
	cleanup_free char *upper = cr_xasprintf("%s/upper/probe", dir);
	char map[64];
	int file;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		overlay_report(fd, "unshare", errno);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (!write_self("/proc/self/setgroups", "deny") || !write_self("/proc/self/uid_map", map))
		overlay_report(fd, "uid_map", errno);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (!write_self("/proc/self/gid_map", map))
		overlay_report(fd, "gid_map", errno);
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (mount("overlay", merged, "overlay", 0, data) < 0)
		overlay_report(fd, "mount", errno);
	file = open(probe, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (file < 0)
		overlay_report(fd, "create a file", errno);
	close(file);
	if (access(upper, F_OK) < 0)
		overlay_report(fd, "find the file in the upper dir", errno);
	umount2(merged, MNT_DETACH);
	overlay_report(fd, "", 0);
}

/* Makes DIR/{lower,upper,work,merged} under c->data_base; the dir, or NULL. */
static char *overlay_dirs(const struct check_ctx *c)
{
	char *dir = cr_xasprintf("%s/.conti-rootless-check-XXXXXX", c->data_base);
	static const char *const sub[] = {"lower", "upper", "work", "merged"};

	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	for (size_t i = 0; i < 4; i++) {
		cleanup_free char *p = cr_xasprintf("%s/%s", dir, sub[i]);

		mkdir(p, 0700);
	}
	return dir;
}

/* Mounts kernel overlayfs in a child; fills res ("" stage when it worked). */
static void overlay_try(const char *dir, struct overlay_result *res)
{
	int fds[2];
	pid_t pid;

	memset(res, 0, sizeof(*res));
	snprintf(res->stage, sizeof(res->stage), "fork");
	if (pipe2(fds, O_CLOEXEC) < 0) {
		res->errnum = errno;
		return;
	}
	pid = fork();
	if (pid < 0) {
		res->errnum = errno;
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		overlay_child(dir, getuid(), getgid(), fds[1]);
	}
	close(fds[1]);
	if (read(fds[0], res, sizeof(*res)) != (ssize_t)sizeof(*res)) {
		snprintf(res->stage, sizeof(res->stage), "child");
		res->errnum = EIO;
	}
	close(fds[0]);
	wait_child(pid);
}

/* fuse-overlayfs on PATH and /dev/fuse usable; text says what is missing. */
static bool fuse_usable(char *text, size_t len, char *fixbuf, size_t fixlen)
{
	char path[PATH_MAX];
	bool prog = cr_find_on_path("fuse-overlayfs", path, sizeof(path));
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	int errnum = errno;

	if (fd >= 0)
		close(fd);
	snprintf(text, len, "%s%s, /dev/fuse %s%s", prog ? "fuse-overlayfs " : "",
		 prog ? path : "fuse-overlayfs is not on PATH",
		 fd >= 0 ? "usable" : "unusable: ", fd >= 0 ? "" : strerror(errnum));
	snprintf(fixbuf, fixlen, "%s%s%s", prog ? "" : "sudo apt install fuse-overlayfs",
		 !prog && fd < 0 ? " && " : "", fd >= 0 ? "" : "sudo chmod 0666 /dev/fuse");
	return prog && fd >= 0;
}

static bool fuse_ready(struct check_ctx *c)
{
	if (c->fuse < 0)
		c->fuse = fuse_usable(c->fuse_text, sizeof(c->fuse_text), c->fuse_fix,
				      sizeof(c->fuse_fix));
	return c->fuse;
}

/* The overlay check when the kernel's cannot be used: run falls back to fuse-overlayfs
 * when it can; how_to is the fix that makes the kernel's work. */
static void overlay_fallback(struct check_ctx *c, struct cr_check_result *r, const char *why,
			     const char *how_to)
{
	if (fuse_ready(c)) {
		found(r, CR_CHECK_WARN, "%s: run will use fuse-overlayfs", why);
		fix(r, "%s", how_to);
		return;
	}
	found(r, CR_CHECK_FAIL, "%s, and fuse-overlayfs cannot be used either", why);
	fix(r, "%s  # or run with --overlay=none", c->fuse_fix);
}

/* The fix when the kernel refused the mount. */
static void overlay_how_to(char *buf, size_t len)
{
	struct utsname u;

	if (uname(&u) == 0 && !check_kernel_at_least(u.release, 5, 11))
		snprintf(buf, len, "upgrade the kernel to 5.11 or later");
	else
		snprintf(buf, len,
			 "none needed (fuse-overlayfs works); for kernel overlayfs put the data "
			 "dir on ext4, xfs or btrfs: export XDG_DATA_HOME=/var/tmp/%s/data",
			 user_name());
}

/* A probe that cannot run because an earlier check failed. */
static void overlay_untried(struct cr_check_result *r, const char *why, const char *line)
{
	found(r, CR_CHECK_WARN, "not tried: %s", why);
	fix(r, "fix the %s line first", line);
}

/* Mounts kernel overlayfs in DIR in a child, reports it, and removes DIR. */
static void overlay_probe(struct check_ctx *c, struct cr_check_result *r, const char *dir)
{
	struct overlay_result res;
	struct cr_error err;
	char why[256], how_to[256];

	overlay_try(dir, &res);
	c->kernel_overlay = !res.stage[0];
	if (c->kernel_overlay) {
		found(r, CR_CHECK_OK,
		      "kernel overlayfs (userxattr) mounts in a user namespace on %s",
		      c->data_base);
	} else {
		snprintf(why, sizeof(why), "kernel overlayfs in a user namespace fails (%s: %s)",
			 res.stage, strerror(res.errnum));
		overlay_how_to(how_to, sizeof(how_to));
		overlay_fallback(c, r, why, how_to);
	}
	if (cr_rm_rf(dir, &err) < 0 || access(dir, F_OK) == 0) {
		found(r, CR_CHECK_FAIL, "the probe's temporary dir %s could not be removed", dir);
		fix(r, "rm -rf %s", dir);
	}
}

static void check_overlay(struct check_ctx *c, struct cr_check_result *r)
{
	cleanup_free char *dir = NULL;
	char why[256];

	if (c->userns_errno) {
		overlay_untried(r, "no user namespace", "userns");
	} else if (!c->data_ok) {
		overlay_untried(r, "the data dir is not writable", "data-dir");
	} else if (c->data_fs_problem) {
		c->overlay_decided = true;
		snprintf(why, sizeof(why), "the data dir is on %s", c->data_fs_problem);
		overlay_fallback(c, r, why, "see the data-dir line");
	} else if (!(dir = overlay_dirs(c))) {
		snprintf(why, sizeof(why), "mkdtemp in %s: %s", c->data_base, strerror(errno));
		overlay_untried(r, why, "data-dir");
	} else {
		c->overlay_decided = true;
		overlay_probe(c, r, dir);
	}
}

/* What `run --overlay=auto` will use, from the checks before. */
static const char *overlay_pick(struct check_ctx *c)
{
	if (!c->overlay_decided)
		return "nothing until the lines above are fixed";
	if (c->kernel_overlay)
		return "kernel overlayfs";
	return fuse_ready(c) ? "fuse-overlayfs" : "nothing that works (try --overlay=none)";
}

static void check_fuse(struct check_ctx *c, struct cr_check_result *r)
{
	if (fuse_ready(c)) {
		found(r, CR_CHECK_OK, "%s; run will use %s", c->fuse_text, overlay_pick(c));
		return;
	}
	found(r, CR_CHECK_WARN, "%s: run --overlay=fuse needs it; run will use %s", c->fuse_text,
	      overlay_pick(c));
	fix(r, "%s", c->fuse_fix);
}

/* The limits need these four; cpuset is not among them (no --cpuset-cpus yet). */
#define CGROUP_LIMIT_CTLS (CR_CTL_CPU | CR_CTL_MEMORY | CR_CTL_PIDS | CR_CTL_IO)

void check_cgroup_report(const struct cr_cgroup_host *h, bool nsdelegate, struct cr_check_result *r)
{
	char has[64], lacks[64], v1[64], mode[160];
	unsigned missing = CGROUP_LIMIT_CTLS & ~(h->mode == CR_CG_DELEGATED ? h->available : 0);

	cgroup_controller_names(h->available, has, sizeof(has));
	cgroup_controller_names(missing, lacks, sizeof(lacks));
	cgroup_controller_names(h->on_v1 & CGROUP_LIMIT_CTLS, v1, sizeof(v1));
	if (h->mode == CR_CG_NONE)
		snprintf(mode, sizeof(mode), "cgroup v1 only (no cgroup v2 mount)");
	else if (h->hybrid)
		snprintf(mode, sizeof(mode), "cgroup v2 at %s, hybrid%s%s%s", h->mnt,
			 v1[0] ? " (v1 holds " : "", v1, v1[0] ? ")" : "");
	else
		snprintf(mode, sizeof(mode), "cgroup v2 (unified)");
	if (h->mode == CR_CG_DELEGATED && !missing && nsdelegate) {
		found(r, CR_CHECK_OK, "%s, delegated: /%s (%s): every limit applies", mode,
		      h->delegated, has);
		return;
	}
	if (h->mode == CR_CG_DELEGATED && !missing) {
		found(r, CR_CHECK_WARN,
		      "%s, delegated: /%s (%s): every limit applies, but %s is mounted without "
		      "nsdelegate: a container given CAP_SYS_ADMIN can change its own limits",
		      mode, h->delegated, has, h->mnt);
		fix(r, "as root: mount -o remount,nsdelegate %s (systemd mounts it so)", h->mnt);
		return;
	}
	if (h->mode == CR_CG_DELEGATED)
		found(r, CR_CHECK_WARN,
		      "%s, delegated: /%s (controllers: %s); containers get a cgroup, but limits "
		      "needing %s fail",
		      mode, h->delegated, has[0] ? has : "none", lacks);
	else if (h->mode == CR_CG_NOT_DELEGATED)
		found(r, CR_CHECK_WARN,
		      "%s, your cgroup /%s is not delegated to you: containers get no cgroup and "
		      "--memory, --cpus, --pids-limit, --io-weight fail",
		      mode, h->own);
	else
		found(r, CR_CHECK_WARN, "%s: --memory, --cpus, --pids-limit, --io-weight fail",
		      mode);
	if (v1[0] || h->mode == CR_CG_NONE)
		fix(r, "%s", CR_CGROUP_UNIFIED_FIX);
	else if (h->mode == CR_CG_NOT_DELEGATED)
		fix(r,
		    "run from your systemd user session (a login, or systemd-run --user --scope "
		    "-p Delegate=yes); %s",
		    CR_CGROUP_DROPIN_FIX);
	else
		fix(r, "%s", CR_CGROUP_DROPIN_FIX);
}

/* Whether the cgroup2 mount at mnt has nsdelegate (/proc/self/mounts): without it, a
 * process in a cgroup namespace may write the files of its namespace's root cgroup. */
static bool cgroup2_nsdelegate(const char *mnt)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char line[1024], dir[512], type[32], opts[512];
	bool yes = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %511s %31s %511s", dir, type, opts) == 3 &&
		    !strcmp(type, "cgroup2") && !strcmp(dir, mnt))
			yes = !strcmp(opts, "nsdelegate") || strstr(opts, ",nsdelegate") ||
			      !strncmp(opts, "nsdelegate,", 11);
	}
	fclose(f);
	return yes;
}

/* The cgroup v2 subtree delegated to the user, its controllers; what run's limits need. */
static void check_cgroup(struct check_ctx *c, struct cr_check_result *r)
{
	struct cr_cgroup_host h;

	cgroup_probe(&h);
	check_cgroup_report(&h, cgroup2_nsdelegate(h.mnt), r);
	cgroup_host_release(&h);
}

/* Landlock scoping of abstract unix sockets, for containers on the host's network. */
static void check_landlock(struct check_ctx *c, struct cr_check_result *r)
{
	int abi = landlock_abi();

	if (abi >= 6) {
		found(
		    r, CR_CHECK_OK,
		    "Landlock ABI %d: --net host containers cannot reach the host's abstract unix "
		    "sockets",
		    abi);
		return;
	}
	if (abi)
		found(r, CR_CHECK_WARN,
		      "Landlock ABI %d, scoping needs 6: --net host containers can connect to the "
		      "host's abstract unix sockets (X11, D-Bus)",
		      abi);
	else
		found(r, CR_CHECK_WARN,
		      "no Landlock: --net host containers can connect to the host's abstract unix "
		      "sockets (X11, D-Bus)");
	fix(r, "run with --net none, or on Linux 6.12 or later with Landlock enabled");
}

/* The first line PROG --version prints ("skopeo version 1.9.3"), or "" */
static void program_version(const char *path, char *buf, size_t len)
{
	int pipefd[2];
	ssize_t n;
	pid_t pid;

	buf[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(pipefd[1], 1);
		dup2(null, 2);
		execl(path, path, "--version", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	n = pid > 0 ? cr_read_all(pipefd[0], buf, len - 1) : -1;
	close(pipefd[0]);
	if (pid > 0)
		wait_child(pid);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* skopeo: how the image helper reaches registries and archives (pull, save). */
static void check_skopeo(struct check_ctx *c, struct cr_check_result *r)
{
	char path[PATH_MAX], version[128];

	if (!cr_find_on_path("skopeo", path, sizeof(path))) {
		found(r, CR_CHECK_WARN,
		      "no skopeo on PATH: pull (and run of an image not in the "
		      "store) cannot fetch images");
		fix(r, "install it: sudo apt install skopeo (Fedora: sudo dnf install skopeo)");
		return;
	}
	program_version(path, version, sizeof(version));
	found(r, CR_CHECK_OK, "%s (%s)", version[0] ? version : "skopeo", path);
}

/* The image helper: pull, images, rmi, commit, save... and run of an image not in the store. */
static void check_image_helper(struct check_ctx *c, struct cr_check_result *r)
{
	char path[PATH_MAX + 64];
	struct cr_error err;

	if (cr_find_helper(IMAGE_HELPER, path, sizeof(path), &err) == 0) {
		found(r, CR_CHECK_OK, "%s", path);
		return;
	}
	found(r, CR_CHECK_WARN,
	      "no %s: the image commands (pull, images, rmi, commit...) and "
	      "run of an image not in the store cannot work",
	      IMAGE_HELPER);
	fix(r, "build conti-rootless with libjson-c-dev and libarchive-dev installed, and "
	       "install it again (meson install)");
}

void check_tun_report(const char *path, const struct stat *st, int open_errno,
		      struct cr_check_result *r)
{
	if (!st) {
		found(r, CR_CHECK_WARN,
		      "no %s: --net private cannot give a container its own network", path);
		fix(r, "load the tun module: sudo modprobe tun (and add tun to /etc/modules)");
		return;
	}
	if (!open_errno) {
		found(r, CR_CHECK_OK, "%s is usable (mode %04o)", path,
		      (unsigned)(st->st_mode & 07777));
		return;
	}
	found(r, CR_CHECK_WARN,
	      "%s is not usable by you (mode %04o, owner %u: %s): --net private cannot give a "
	      "container its own network",
	      path, (unsigned)(st->st_mode & 07777), (unsigned)st->st_uid, strerror(open_errno));
	fix(r,
	    "sudo chmod 0666 %s, as desktop distributions ship it, and to keep it: echo "
	    "'KERNEL==\"tun\", MODE=\"0666\"' | sudo tee /etc/udev/rules.d/60-tun.rules",
	    path);
}

void check_tun_at(const char *path, struct cr_check_result *r)
{
	struct stat st;
	int fd, errnum = 0;

	if (stat(path, &st) < 0) {
		check_tun_report(path, NULL, errno, r);
		return;
	}
	/* what pasta and slirp4netns do with it; opening it attaches nothing */
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		errnum = errno;
	else
		close(fd);
	check_tun_report(path, &st, errnum, r);
}

/* /dev/net/tun: the helpers make the container's interface with it. */
static void check_tun(struct check_ctx *c, struct cr_check_result *r)
{
	check_tun_at(CHECK_TUN_PATH, r);
	c->tun_ok = r->status == CR_CHECK_OK;
}

/* "pasta 0.0~git20230309 (/usr/bin/pasta)", or the path alone when it names no version. */
static void describe_helper(const char *path, const char *version, char *buf, size_t len)
{
	if (version && *version && !strstr(version, "unknown version"))
		snprintf(buf, len, "%s (%s)", version, path);
	else
		snprintf(buf, len, "%s", path);
}

void check_net_helpers_report(const char *pasta, const char *pasta_version, const char *slirp,
			      const char *slirp_version, struct cr_check_result *r)
{
	char p[200], s[200];

	describe_helper(pasta, pasta_version, p, sizeof(p));
	describe_helper(slirp, slirp_version, s, sizeof(s));
	if (*pasta && *slirp) {
		found(r, CR_CHECK_OK,
		      "%s and %s: --net private uses pasta (--net slirp4netns the "
		      "other)",
		      p, s);
	} else if (*pasta) {
		found(r, CR_CHECK_OK,
		      "%s: --net private uses it; no slirp4netns (--net slirp4netns)", p);
	} else if (*slirp) {
		found(r, CR_CHECK_OK,
		      "%s: --net private uses it; no pasta, which keeps a client's source address "
		      "on published ports (Debian: apt install passt)",
		      s);
	} else {
		found(r, CR_CHECK_WARN,
		      "neither pasta nor slirp4netns on PATH: --net private and -p cannot work");
		fix(r, "sudo apt install passt (pasta), or slirp4netns (Fedora: sudo dnf install "
		       "passt)");
	}
}

/* pasta and slirp4netns: the user-mode helpers of a private network (net/net.h). */
static void check_net_helpers(struct check_ctx *c, struct cr_check_result *r)
{
	char pasta[PATH_MAX] = "", slirp[PATH_MAX] = "", pv[128] = "", sv[128] = "";

	if (cr_find_on_path("pasta", pasta, sizeof(pasta)))
		program_version(pasta, pv, sizeof(pv));
	else
		pasta[0] = '\0';
	if (cr_find_on_path("slirp4netns", slirp, sizeof(slirp)))
		program_version(slirp, sv, sizeof(sv));
	else
		slirp[0] = '\0';
	check_net_helpers_report(pasta, pv, slirp, sv, r);
	c->net_helper = pasta[0] ? "pasta" : slirp[0] ? "slirp4netns" : NULL;
}

/* Which network a container gets without --net, and why; whether private works here. */
static void check_network(struct check_ctx *c, struct cr_check_result *r)
{
	if (!c->net_helper || !c->tun_ok) {
		found(r, CR_CHECK_OK,
		      "the default is --net host (the container shares your network: no cost, its "
		      "servers are reachable by every local user); --net private cannot work here "
		      "until the tun and net-helper lines are fixed");
		return;
	}
	found(r, CR_CHECK_OK,
	      "the default is --net host (the container shares your network: no cost, its servers "
	      "are reachable by every local user); --net private gives it its own, NAT'd through "
	      "%s, with ports published by -p",
	      c->net_helper);
}

/* Every check, in the order printed; later ones use what earlier ones found. */
static const struct check {
	const char *name;
	void (*run)(struct check_ctx *c, struct cr_check_result *r);
} checks[] = {
    {"kernel", check_kernel},		/* uname: 5.11 overlayfs, 5.12 mount_setattr */
    {"userns", check_userns},		/* unshare(CLONE_NEWUSER) in a child */
    {"sysctl", check_sysctl},		/* the switches that turn it off */
    {"uidmap", check_helpers},		/* newuidmap and newgidmap */
    {"subids", check_subids},		/* /etc/subuid and /etc/subgid */
    {"runtime-dir", check_runtime_dir}, /* XDG_RUNTIME_DIR */
    {"data-dir", check_data_dir},	/* XDG_DATA_HOME, its filesystem */
    {"overlay", check_overlay},		/* kernel overlayfs in a user namespace */
    {"fuse", check_fuse},		/* fuse-overlayfs and /dev/fuse; what run picks */
    {"cgroup", check_cgroup},		/* the delegated subtree, for the limits */
    {"landlock", check_landlock},	/* abstract unix socket scoping (--net host) */
    {"skopeo", check_skopeo},		/* registries and archives, for the image helper */
    {"images", check_image_helper},	/* conti-rootless-image */
    {"tun", check_tun},			/* /dev/net/tun, for --net private */
    {"net-helper", check_net_helpers},	/* pasta, slirp4netns */
    {"network", check_network},		/* the default, and why */
};

#define N_CHECKS (sizeof(checks) / sizeof(checks[0]))

int check_run(bool json, FILE *out)
{
	struct check_ctx *c = cr_xcalloc(1, sizeof(*c));
	struct cr_check_result results[N_CHECKS];
	char line[1200];
	bool ok;

	c->fuse = -1;
	fflush(out);
	for (size_t i = 0; i < N_CHECKS; i++) {
		memset(&results[i], 0, sizeof(results[i]));
		results[i].name = checks[i].name;
		checks[i].run(c, &results[i]);
		if (json)
			continue;
		check_format_line(&results[i], line, sizeof(line));
		fprintf(out, "%s\n", line);
		fflush(out);
	}
	free(c);
	ok = all_ok(results, N_CHECKS);
	if (json)
		check_print_json(results, N_CHECKS, out);
	else
		fprintf(
		    out, "%s\n",
		    ok ? "conti-rootless run will work here"
		       : "conti-rootless run will not work here until the FAIL lines are fixed");
	fflush(out);
	return ok ? 0 : 1;
}
