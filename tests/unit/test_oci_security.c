/* Unit tests: an OCI config's security and process settings (src/oci/caps.c, seccomp.c,
 * process.c and security_apply's five sets): names and profiles refused or compiled, and
 * what a forked child holds afterwards, read back from the kernel (/proc/self/status,
 * getrlimit, the blocked syscall's errno). */
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "oci/caps.h"
#include "oci/process.h"
#include "oci/seccomp.h"
#include "security.h"
#include "userns.h"
#include "utils.h"

#define CAP(x) (1ULL << (x))

static int caps_from(const char *text, struct cr_security *sec, struct cr_error *err)
{
	struct json_object *o = json_tokener_parse(text);
	int rc;

	memset(sec, 0, sizeof(*sec));
	memset(err, 0, sizeof(*err));
	rc = oci_caps_parse(o, sec, err);
	json_object_put(o);
	return rc;
}

static int compile(const char *text, struct cr_security *sec, struct cr_error *err)
{
	struct json_object *o = json_tokener_parse(text);
	int rc;

	ck_assert_msg(o || !strcmp(text, "null"), "bad test JSON: %s", text);
	memset(err, 0, sizeof(*err));
	rc = oci_seccomp_compile(o, sec, err);
	json_object_put(o);
	return rc;
}

START_TEST(caps_sets_by_name)
{
	struct cr_security sec;
	struct cr_error err;

	ck_assert_int_eq(caps_from("{\"bounding\": [\"CAP_CHOWN\", \"CAP_NET_ADMIN\", "
				   "\"CAP_CHECKPOINT_RESTORE\"], \"effective\": [\"CAP_KILL\"], "
				   "\"permitted\": [\"CAP_KILL\", \"CAP_CHOWN\"], "
				   "\"inheritable\": [], \"ambient\": [\"CAP_KILL\"]}",
				   &sec, &err),
			 0);
	ck_assert(sec.cap_sets);
	ck_assert_uint_eq(sec.cap_bounding,
			  CAP(CAP_CHOWN) | CAP(CAP_NET_ADMIN) | CAP(CAP_CHECKPOINT_RESTORE));
	ck_assert_uint_eq(sec.cap_effective, CAP(CAP_KILL));
	ck_assert_uint_eq(sec.cap_permitted, CAP(CAP_KILL) | CAP(CAP_CHOWN));
	ck_assert_uint_eq(sec.cap_inheritable, 0);
	ck_assert_uint_eq(sec.cap_ambient, CAP(CAP_KILL));
	/* no capabilities object: every set empty, as runc */
	ck_assert_int_eq(caps_from("null", &sec, &err), 0);
	ck_assert(sec.cap_sets);
	ck_assert_uint_eq(sec.cap_bounding | sec.cap_effective | sec.cap_permitted, 0);
	ck_assert_int_eq(caps_from("{\"bounding\": [\"CAP_SYS_ADMIN\"]}", &sec, &err), 0);
	ck_assert_uint_eq(sec.cap_bounding, CAP(CAP_SYS_ADMIN));
	ck_assert_uint_eq(sec.cap_ambient, 0);
}
END_TEST

START_TEST(caps_refused)
{
	static const char *const bad[][2] = {
	    {"{\"bounding\": [\"CAP_FLY\"]}", "unknown capability 'CAP_FLY' in "
					      "process.capabilities.bounding"},
	    {"{\"effective\": [\"cap_chown\"]}", "unknown capability 'cap_chown'"},
	    {"{\"effective\": [\"CHOWN\"]}", "unknown capability 'CHOWN'"},
	    {"{\"effective\": [\"CAP_12\"]}", "unknown capability 'CAP_12'"},
	    {"{\"effective\": [\"CAP_\"]}", "unknown capability 'CAP_'"},
	    {"{\"permitted\": [7]}", "process.capabilities.permitted[0] is not a string"},
	    {"{\"permitted\": \"CAP_CHOWN\"}", "process.capabilities.permitted is not an array"},
	    {"{\"bounds\": []}", "process.capabilities.bounds is not a capability set"},
	    {"[]", "process.capabilities is not an object"},
	};
	struct cr_security sec;
	struct cr_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(caps_from(bad[i][0], &sec, &err), -1);
		ck_assert_msg(strstr(err.msg, bad[i][1]), "%s: %s", bad[i][0], err.msg);
		ck_assert(!sec.cap_sets);
	}
}
END_TEST

START_TEST(seccomp_refused)
{
	static const char *const bad[][2] = {
	    {"{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", "SCMP_ACT_NOTIFY is not supported"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	     "\"action\": \"SCMP_ACT_NOTIFY\"}]}",
	     "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY is not supported"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent.sock\"}",
	     "listenerPath is not supported"},
	    {"{\"defaultAction\": \"SCMP_ACT_FLY\"}", "unknown action 'SCMP_ACT_FLY'"},
	    {"{\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	     "linux.seccomp.defaultAction has no action"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 70000}",
	     "defaultErrnoRet 70000 is out of range"},
	    {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}",
	     "defaultErrnoRet is not a non-negative integer"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_Z80\"]}",
	     "unknown architecture 'SCMP_ARCH_Z80'"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"x86_64\"]}",
	     "unknown architecture 'x86_64'"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": "
	     "[\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}",
	     "unsupported flag 'SECCOMP_FILTER_FLAG_NEW_LISTENER'"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"dup\"], "
	     "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, "
	     "\"op\": \"SCMP_CMP_EQ\"}]}]}",
	     "syscalls[0].args[0].index 6 is out of range"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"dup\"], "
	     "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, "
	     "\"op\": \"SCMP_CMP_ABOUT\"}]}]}",
	     "unknown operator 'SCMP_CMP_ABOUT'"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"\"], "
	     "\"action\": \"SCMP_ACT_ERRNO\"}]}",
	     "syscalls[0].names[0] is not a syscall name"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}",
	     "linux.seccomp.syscalls is not an array"},
	    {"\"SCMP_ACT_ALLOW\"", "linux.seccomp is not an object"},
	};
	struct cr_security sec = {0};
	struct cr_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(compile(bad[i][0], &sec, &err), -1);
		ck_assert_msg(strstr(err.msg, bad[i][1]), "%s: %s", bad[i][0], err.msg);
		ck_assert(!sec.filter);
	}
}
END_TEST

START_TEST(seccomp_compiles)
{
	struct cr_security sec = {.seccomp = true};
	struct cr_error err;

	/* an unknown syscall is skipped (as runc and crun); a rule with the default action
	 * too; TSYNC, LOG and SPEC_ALLOW reach seccomp(2) */
	ck_assert_int_eq(compile("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
				 "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"], "
				 "\"flags\": [\"SECCOMP_FILTER_FLAG_LOG\", "
				 "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"], \"syscalls\": [{\"names\": "
				 "[\"no_such_syscall\", \"read\", \"socketcall\"], \"action\": "
				 "\"SCMP_ACT_ALLOW\"}, {\"names\": [\"write\"], \"action\": "
				 "\"SCMP_ACT_ERRNO\"}]}",
				 &sec, &err),
			 0);
	ck_assert(!sec.seccomp);
	ck_assert_ptr_nonnull(sec.filter);
	ck_assert_uint_gt(sec.filter_len, 4);
	ck_assert_uint_eq(sec.filter_flags, 2 | 4);
	free(sec.filter);
	/* no default action and no syscalls: no filter at all (runc) */
	sec = (struct cr_security){.seccomp = true};
	ck_assert_int_eq(compile("{}", &sec, &err), 0);
	ck_assert(!sec.seccomp && !sec.filter);
	ck_assert_int_eq(compile("null", &sec, &err), 0);
	ck_assert(!sec.seccomp && !sec.filter);
}
END_TEST

/* Forks a child that makes a user namespace (all capabilities in it), sets no_new_privs
 * (unless nnp is false) and loads the profile through security_apply with the five sets
 * full, then calls fn; returns the child's wait status. */
static int run_filtered(const char *profile, bool nnp, int (*fn)(void))
{
	struct cr_security sec = {0};
	struct cr_error err;
	pid_t pid;
	int status;

	ck_assert_msg(compile(profile, &sec, &err) == 0, "%s", err.msg);
	sec.cap_sets = true;
	sec.cap_bounding = sec.cap_effective = sec.cap_permitted = ~0ULL >> (63 - CAP_LAST_CAP);
	sec.no_new_privs = nnp;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(100);
		if (security_apply(&sec, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			_exit(101);
		}
		_exit(fn());
	}
	free(sec.filter);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

/* exit status: the errno of getpgid(0), 0 when it worked */
static int try_getpgid(void)
{
	return syscall(SYS_getpgid, 0) < 0 ? errno : 0;
}

/* dup(1000) answers EBADF unless the rule (arg0 == 1000) says EDOM; dup(0) works */
static int try_dup(void)
{
	int a = syscall(SYS_dup, 1000) < 0 ? errno : 0;

	return syscall(SYS_dup, 0) < 0 ? 99 : a;
}

/* personality: the rule matches arg0 == 1 or arg0 == 2 (same index: two rules, as runc) */
static int try_personality(void)
{
	int q = syscall(SYS_personality, 0xffffffff) < 0 ? 1 : 0;
	int one = syscall(SYS_personality, 1) < 0 && errno == 44 ? 2 : 0;
	int two = syscall(SYS_personality, 2) < 0 && errno == 44 ? 4 : 0;

	return q | one | two;
}

/* umask: MASKED_EQ, value the mask and valueTwo the datum (runc's order, libseccomp's
 * datum_a and datum_b): (arg0 & 0700) == 0500 refused with 45; 0755 and 0022 go through */
static int try_umask(void)
{
	int a = syscall(SYS_umask, 0022) < 0 ? 1 : 0;
	int b = syscall(SYS_umask, 0755) < 0 ? 2 : 0;
	int c = syscall(SYS_umask, 0555) < 0 && errno == 45 ? 4 : 0;

	return a | b | c;
}

START_TEST(seccomp_profile_answers)
{
	int st;

	/* the blocked syscall returns the profile's errnoRet */
	st = run_filtered("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			  "[\"getpgid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42}]}",
			  true, try_getpgid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 42);
	/* ERRNO without errnoRet: EPERM (runc) */
	st = run_filtered("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			  "[\"getpgid\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
			  true, try_getpgid);
	ck_assert_int_eq(WEXITSTATUS(st), EPERM);
	/* the default action with defaultErrnoRet; what exiting (and a sanitizer's runtime)
	 * needs allowed */
	st = run_filtered("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, "
			  "\"syscalls\": [{\"names\": [\"exit_group\", \"exit\", \"write\", "
			  "\"mmap\", \"munmap\", \"mprotect\", \"madvise\", \"brk\", "
			  "\"rt_sigaction\", \"rt_sigprocmask\", \"sigaltstack\", \"futex\", "
			  "\"getpid\", \"gettid\", \"openat\", \"read\", \"close\", "
			  "\"readlink\", \"prctl\", \"prlimit64\", \"sched_yield\"], "
			  "\"action\": \"SCMP_ACT_ALLOW\"}]}",
			  true, try_getpgid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 38);
	/* without no_new_privs: loaded while CAP_SYS_ADMIN is held, before the sets */
	st = run_filtered("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			  "[\"getpgid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 43}]}",
			  false, try_getpgid);
	ck_assert_int_eq(WEXITSTATUS(st), 43);
	/* SCMP_ACT_KILL_PROCESS: SIGSYS */
	st = run_filtered("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			  "[\"getpgid\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}]}",
			  true, try_getpgid);
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(WTERMSIG(st), SIGSYS);
	/* flags: SECCOMP_FILTER_FLAG_LOG and SPEC_ALLOW accepted by the kernel */
	st = run_filtered("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": "
			  "[\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\", "
			  "\"SECCOMP_FILTER_FLAG_TSYNC\"], \"syscalls\": [{\"names\": "
			  "[\"getpgid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 41}]}",
			  true, try_getpgid);
	ck_assert_int_eq(WEXITSTATUS(st), 41);
}
END_TEST

START_TEST(seccomp_profile_arguments)
{
	int st;

	st = run_filtered("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			  "[\"dup\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 33, \"args\": "
			  "[{\"index\": 0, \"value\": 1000, \"op\": \"SCMP_CMP_EQ\"}]}]}",
			  true, try_dup);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), EDOM);
	st = run_filtered("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			  "[\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 44, "
			  "\"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}, "
			  "{\"index\": 0, \"value\": 2, \"op\": \"SCMP_CMP_EQ\"}]}]}",
			  true, try_personality);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 2 | 4);
	st = run_filtered("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			  "[\"umask\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 45, "
			  "\"args\": [{\"index\": 0, \"value\": 448, \"valueTwo\": 320, "
			  "\"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}",
			  true, try_umask);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 4);
}
END_TEST

/* One Cap* line of /proc/self/status. */
static unsigned long long status_caps(const char *key)
{
	char line[256];
	unsigned long long v = ~0ULL;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			sscanf(line + strlen(key) + 1, "%llx", &v);
	}
	if (f)
		fclose(f);
	return v;
}

/* The child's findings, written to a pipe for the parent's asserts. */
struct findings {
	int rc;
	char msg[1024];
	unsigned long long inh, prm, eff, bnd, amb;
	struct rlimit nofile, core;
	int oom, umask;
	gid_t gid;
	uid_t uid;
	gid_t groups[8];
	int ngroups;
};

static void read_back(struct findings *f)
{
	char buf[32] = "";
	int fd = open("/proc/self/oom_score_adj", O_RDONLY | O_CLOEXEC);

	f->inh = status_caps("CapInh");
	f->prm = status_caps("CapPrm");
	f->eff = status_caps("CapEff");
	f->bnd = status_caps("CapBnd");
	f->amb = status_caps("CapAmb");
	getrlimit(RLIMIT_NOFILE, &f->nofile);
	getrlimit(RLIMIT_CORE, &f->core);
	if (fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0)
		f->oom = atoi(buf);
	if (fd >= 0)
		close(fd);
	f->umask = (int)umask(0);
	f->gid = getgid();
	f->uid = getuid();
	f->ngroups = getgroups(8, f->groups);
}

/* A child in a user namespace mapping only its own ids (0 inside, setgroups denied, as a
 * rootless config) runs oci_process_enter(cfg) and reads back what it holds. */
static void enter_child(const struct cr_config *cfg, struct findings *out)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	int pfd[2];
	pid_t pid;

	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct findings f = {0};
		struct cr_error err = {0};
		char map[64];

		close(pfd[0]);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		if (unshare(CLONE_NEWUSER) < 0 ||
		    cr_write_file("/proc/self/uid_map", map, strlen(map), 0, &err) < 0 ||
		    cr_write_file("/proc/self/setgroups", "deny", 4, 0, &err) < 0)
			_exit(100);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		if (cr_write_file("/proc/self/gid_map", map, strlen(map), 0, &err) < 0)
			_exit(100);
		f.rc = oci_process_enter(cfg, &err);
		snprintf(f.msg, sizeof(f.msg), "%s", err.msg);
		read_back(&f);
		_exit(write(pfd[1], &f, sizeof(f)) == sizeof(f) ? 0 : 102);
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], out, sizeof(*out)), sizeof(*out));
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &(int){0}, 0), pid);
}

START_TEST(process_enter_sets_what_config_asks)
{
	struct cr_rlimit limits[] = {
	    {RLIMIT_NOFILE, 100, 200},
	    {RLIMIT_CORE, 0, 0},
	};
	struct cr_config cfg;
	struct findings f;

	config_init(&cfg);
	cfg.oci = true;
	cfg.rlimits = limits;
	cfg.nrlimits = 2;
	cfg.oom_score_adj_set = true;
	cfg.oom_score_adj = 567;
	cfg.umask = 027;
	cfg.sec.cap_sets = true;
	cfg.sec.cap_bounding = CAP(CAP_CHOWN) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE);
	cfg.sec.cap_permitted = CAP(CAP_CHOWN) | CAP(CAP_KILL);
	cfg.sec.cap_effective = CAP(CAP_CHOWN);
	cfg.sec.cap_inheritable = CAP(CAP_KILL);
	cfg.sec.cap_ambient = CAP(CAP_KILL);
	cfg.sec.no_new_privs = true;
	enter_child(&cfg, &f);
	ck_assert_msg(f.rc == 0, "%s", f.msg);
	ck_assert_uint_eq(f.bnd, CAP(CAP_CHOWN) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE));
	ck_assert_uint_eq(f.prm, CAP(CAP_CHOWN) | CAP(CAP_KILL));
	ck_assert_uint_eq(f.eff, CAP(CAP_CHOWN));
	ck_assert_uint_eq(f.inh, CAP(CAP_KILL));
	ck_assert_uint_eq(f.amb, CAP(CAP_KILL));
	ck_assert_uint_eq(f.nofile.rlim_cur, 100);
	ck_assert_uint_eq(f.nofile.rlim_max, 200);
	ck_assert_uint_eq(f.core.rlim_max, 0);
	ck_assert_int_eq(f.oom, 567);
	ck_assert_int_eq(f.umask, 027);
	ck_assert_uint_eq(f.uid, 0);
	ck_assert_uint_eq(f.gid, 0);

	/* unset umask: 0022, whatever the runtime's was */
	cfg.umask = -1;
	cfg.oom_score_adj_set = false;
	umask(077);
	enter_child(&cfg, &f);
	umask(022);
	ck_assert_msg(f.rc == 0, "%s", f.msg);
	ck_assert_int_eq(f.umask, 022);

	/* a hard limit above ours: refused, naming it */
	limits[0].soft = limits[0].hard = RLIM_INFINITY;
	enter_child(&cfg, &f);
	if (getuid() != 0) {
		ck_assert_int_eq(f.rc, -1);
		ck_assert_msg(strstr(f.msg, "set rlimit 7"), "%s", f.msg);
	}
	limits[0].soft = 100;
	limits[0].hard = 200;

	/* additionalGids where setgroups is denied: refused, naming them */
	cfg.additional_gids = (gid_t[]){0};
	cfg.nadditional_gids = 1;
	enter_child(&cfg, &f);
	ck_assert_int_eq(f.rc, -1);
	ck_assert_msg(strstr(f.msg, "process.user.additionalGids"), "%s", f.msg);
	cfg.nadditional_gids = 0;

	/* an id the namespace does not map: refused, naming it */
	cfg.uid = 1000;
	enter_child(&cfg, &f);
	ck_assert_int_eq(f.rc, -1);
	ck_assert_msg(strstr(f.msg, "set the user id 1000"), "%s", f.msg);
	cfg.additional_gids = NULL;
	cfg.rlimits = NULL;
	cfg.nrlimits = 0;
	config_free(&cfg);
}
END_TEST

/* The first range of /etc/subuid or /etc/subgid for the user (by name), into *r. */
static bool first_range(const char *file, const char *user, struct cr_idrange *r)
{
	char line[256];
	size_t n = strlen(user);
	bool found = false;
	FILE *f = fopen(file, "re");

	while (f && !found && fgets(line, sizeof(line), f))
		found = !strncmp(line, user, n) && line[n] == ':' &&
			sscanf(line + n + 1, "%lu:%lu", &r->start, &r->count) == 2;
	if (f)
		fclose(f);
	return found;
}

/* Our id as 0 and the first subordinate range from 1, with newuidmap/newgidmap. */
static bool subid_plan(struct cr_userns_plan *plan)
{
	struct passwd *pw = getpwuid(getuid());
	struct cr_idrange u, g;

	if (!pw || !first_range("/etc/subuid", pw->pw_name, &u) || u.count < 1001 ||
	    !first_range("/etc/subgid", pw->pw_name, &g) || g.count < 1001 ||
	    access("/usr/bin/newuidmap", X_OK) || access("/usr/bin/newgidmap", X_OK))
		return false;
	memset(plan, 0, sizeof(*plan));
	plan->mode = CR_UIDMAP_SUBID;
	plan->uid = (struct cr_idmap){{{0, getuid(), 1}, {1, u.start, u.count}}, 2};
	plan->gid = (struct cr_idmap){{{0, getgid(), 1}, {1, g.start, g.count}}, 2};
	snprintf(plan->newuidmap, sizeof(plan->newuidmap), "/usr/bin/newuidmap");
	snprintf(plan->newgidmap, sizeof(plan->newgidmap), "/usr/bin/newgidmap");
	return true;
}

/* With the user's subordinate ids mapped (newuidmap, as a rootless engine's namespace):
 * a uid other than 0 keeps the sets config.json asks for (PR_SET_KEEPCAPS), and the
 * additional gids are set. Skipped where the user has no subordinate ids. */
START_TEST(process_enter_keeps_caps_as_another_user)
{
	struct cr_userns_plan plan;
	struct cr_config cfg;
	struct cr_error err = {0};
	struct findings f = {0};
	int go[2], res[2];
	gid_t groups[] = {5, 6};
	pid_t pid;
	char c;

	if (!subid_plan(&plan)) {
		fprintf(stderr, "skipped: no subordinate ids (/etc/subuid, /etc/subgid) to map "
				"1000 with newuidmap\n");
		return;
	}
	config_init(&cfg);
	cfg.oci = true;
	cfg.uid = 1000;
	cfg.gid = 1000;
	cfg.additional_gids = groups;
	cfg.nadditional_gids = 2;
	cfg.sec.cap_sets = true;
	cfg.sec.cap_bounding = CAP(CAP_CHOWN) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE);
	cfg.sec.cap_permitted = CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE);
	cfg.sec.cap_effective = CAP(CAP_NET_BIND_SERVICE);
	cfg.sec.cap_inheritable = CAP(CAP_NET_BIND_SERVICE);
	cfg.sec.cap_ambient = CAP(CAP_NET_BIND_SERVICE);
	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(res), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(go[1]);
		close(res[0]);
		if (unshare(CLONE_NEWUSER) < 0 || write(res[1], "u", 1) != 1 ||
		    read(go[0], &c, 1) != 1)
			_exit(100);
		f.rc = oci_process_enter(&cfg, &err);
		snprintf(f.msg, sizeof(f.msg), "%s", err.msg);
		read_back(&f);
		_exit(write(res[1], &f, sizeof(f)) == sizeof(f) ? 0 : 102);
	}
	close(go[0]);
	close(res[1]);
	ck_assert_int_eq(read(res[0], &c, 1), 1);
	ck_assert_msg(userns_map_process(&plan, pid, false, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	ck_assert_int_eq(read(res[0], &f, sizeof(f)), sizeof(f));
	ck_assert_int_eq(waitpid(pid, &(int){0}, 0), pid);
	close(go[1]);
	close(res[0]);
	ck_assert_msg(f.rc == 0, "%s", f.msg);
	ck_assert_uint_eq(f.uid, 1000);
	ck_assert_uint_eq(f.gid, 1000);
	ck_assert_int_eq(f.ngroups, 2);
	ck_assert_uint_eq(f.groups[0], 5);
	ck_assert_uint_eq(f.groups[1], 6);
	ck_assert_uint_eq(f.bnd, CAP(CAP_CHOWN) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE));
	ck_assert_uint_eq(f.prm, CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE));
	ck_assert_uint_eq(f.eff, CAP(CAP_NET_BIND_SERVICE));
	ck_assert_uint_eq(f.inh, CAP(CAP_NET_BIND_SERVICE));
	ck_assert_uint_eq(f.amb, CAP(CAP_NET_BIND_SERVICE));
	cfg.additional_gids = NULL;
	config_free(&cfg);
}
END_TEST

/* --debug's line for the five sets: the setpriv command, cut safely in a small buffer. */
START_TEST(describe_cap_sets)
{
	struct cr_security sec = {.cap_sets = true, .no_new_privs = true};
	char buf[512], small[24];

	sec.cap_bounding = CAP(CAP_CHOWN) | CAP(CAP_KILL);
	sec.cap_permitted = CAP(CAP_CHOWN) | CAP(CAP_KILL);
	sec.cap_effective = CAP(CAP_CHOWN);
	sec.cap_ambient = sec.cap_inheritable = CAP(CAP_KILL);
	security_describe(&sec, buf, sizeof(buf));
	ck_assert_str_eq(buf, "setpriv --no-new-privs --bounding-set=-all,+chown,+kill "
			      "--inh-caps=-all,+kill --ambient-caps=-all,+kill  # effective chown, "
			      "permitted chown,kill; no seccomp filter");
	for (size_t n = 1; n < sizeof(small); n++) {
		memset(small, 'x', sizeof(small));
		security_describe(&sec, small, n);
		ck_assert_uint_eq(strlen(small), n - 1);
	}
}
END_TEST

static Suite *oci_security_suite(void)
{
	Suite *s = suite_create("oci_security");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, caps_sets_by_name);
	tcase_add_test(tc, caps_refused);
	tcase_add_test(tc, seccomp_refused);
	tcase_add_test(tc, seccomp_compiles);
	tcase_add_test(tc, seccomp_profile_answers);
	tcase_add_test(tc, seccomp_profile_arguments);
	tcase_add_test(tc, process_enter_sets_what_config_asks);
	tcase_add_test(tc, process_enter_keeps_caps_as_another_user);
	tcase_add_test(tc, describe_cap_sets);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(oci_security_suite());
}
