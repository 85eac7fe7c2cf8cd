/* test_limits.c - resource limits (issue #16) through the built front end, as the user.
 *
 * The suite finds the user's delegated cgroup v2 subtree itself (the highest ancestor of its
 * own cgroup, from /proc/self/cgroup, whose directory and cgroup.procs it owns: tests/run-all
 * and /work/wt/ascg.sh run it inside one) and what that subtree's cgroup.controllers has.
 * Each case adapts: with the controller, the limit is tested for real (a fork loop stops at
 * --pids-limit, a busy loop gets --cpus of the CPU, the files hold the values); without it
 * (this hybrid host: v1 holds pids, cpu, memory, io), the limit is a one-line error naming it
 * with the Delegate= drop-in, exit 125, nothing left; a case that cannot run here says SKIP
 * and why. Without any delegation (asuser.sh), the cgroup cases say SKIP and the errors are
 * still checked. The limits that need no cgroup (--ulimit, /tmp and /dev/shm sizes) always
 * run, and two attacks: the container changing its own cgroup's limits, a state file's
 * cgroup= naming a directory elsewhere.
 *
 * Environment: CONTI_BIN, CONTI_MKROOTFS, CONTI_CGATTACK (set by meson); CK_RUN_CASE=NAME.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define CGROUP2_MAGIC 0x63677270

static pid_t runner;
static char cg_mnt[64];	      /* the cgroup2 mount, "" when none */
static char deleg[2048];      /* the delegated subtree, absolute; "" when none */
static char controllers[256]; /* its cgroup.controllers */

/* The first 8 KiB of path, NUL-terminated, in buf ("" when unreadable): for probe(), which
 * runs in the runner, outside any test, where the h_ helpers must not fail. */
static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* Owned by us: the directory and its cgroup.procs (what Delegate=yes gives). */
static bool owned(const char *dir)
{
	char procs[4096];
	struct stat a, b;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	return stat(dir, &a) == 0 && stat(procs, &b) == 0 && a.st_uid == getuid() &&
	       b.st_uid == getuid();
}

/* What the host gives this user: cg_mnt, deleg, controllers (once, in the runner). */
static void probe(void)
{
	char text[8192], dir[4096], *line, *own = NULL;
	struct statfs st;

	if (statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_MAGIC)
		snprintf(cg_mnt, sizeof(cg_mnt), "/sys/fs/cgroup");
	else if (statfs("/sys/fs/cgroup/unified", &st) == 0 && st.f_type == CGROUP2_MAGIC)
		snprintf(cg_mnt, sizeof(cg_mnt), "/sys/fs/cgroup/unified");
	slurp("/proc/self/cgroup", text, sizeof(text));
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "0::", 3))
			own = line + 3;
	if (!cg_mnt[0] || !own)
		return;
	snprintf(dir, sizeof(dir), "%s%s", cg_mnt, strcmp(own, "/") ? own : "");
	/* up from our own cgroup while the ancestor is ours: the highest is the subtree */
	while (strlen(dir) > strlen(cg_mnt) && owned(dir)) {
		snprintf(deleg, sizeof(deleg), "%s", dir);
		*strrchr(dir, '/') = '\0';
	}
	if (!deleg[0])
		return;
	snprintf(dir, sizeof(dir), "%s/cgroup.controllers", deleg);
	slurp(dir, controllers, sizeof(controllers));
	controllers[strcspn(controllers, "\n")] = '\0';
}

/* The delegated subtree has controller c. */
static bool has(const char *c)
{
	char *padded = h_strf(" %s ", controllers), *want = h_strf(" %s ", c);
	bool yes = deleg[0] && strstr(padded, want);

	free(padded), free(want);
	return yes;
}

/* The value of KEY= in RUNTIME/NAME/state (caller frees), NULL when missing or empty. */
static char *state_get(const char *name, const char *key)
{
	char *rt = h_runtime_dir(), *path = h_strf("%s/%s/state", rt, name);
	char *text = h_read_file(path), *needle = h_strf("\n%s=", key), *at, *v = NULL;

	if (text && (at = strstr(text, needle))) {
		at += strlen(needle);
		v = strndup(at, strcspn(at, "\n"));
		if (v && !*v) {
			free(v);
			v = NULL;
		}
	} else if (text && !strncmp(text, needle + 1, strlen(needle) - 1)) {
		at = text + strlen(needle) - 1;
		v = strndup(at, strcspn(at, "\n"));
	}
	free(rt), free(path), free(text), free(needle);
	return v;
}

/* The recorded cgroup of NAME, waiting up to 5 s for the state to name it (caller frees). */
static char *wait_cgroup(const char *name)
{
	long long deadline = h_mono_ms() + 5000;
	char *cg;

	while (!(cg = state_get(name, "cgroup")) && h_mono_ms() < deadline)
		usleep(50000);
	return cg;
}

/* Cgroups under DELEGATED/conti-rootless made for NAME ("NAME-xxxxxx"). */
static int leftovers(const char *name)
{
	char *parent = h_strf("%s/conti-rootless", deleg);
	DIR *d = deleg[0] ? opendir(parent) : NULL;
	struct dirent *de;
	size_t n = strlen(name);
	int count = 0;

	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, name, n) && de->d_name[n] == '-')
			count++;
	if (d)
		closedir(d);
	free(parent);
	return count;
}

/* Asserts that within 3 s neither path (when given) nor any cgroup of NAME is left. */
static void assert_no_cgroup(const char *path, const char *name, const char *after)
{
	long long deadline = h_mono_ms() + 3000;

	while (((path && h_exists(path)) || leftovers(name)) && h_mono_ms() < deadline)
		usleep(50000);
	ck_assert_msg(!path || !h_exists(path), "the cgroup %s is left after %s", path, after);
	ck_assert_msg(leftovers(name) == 0, "a cgroup %s/conti-rootless/%s-* is left after %s",
		      deleg, name, after);
}

/* FILE of the cgroup at path, its first line (caller frees; "" when unreadable). */
static char *cg_read(const char *path, const char *file)
{
	char *p = h_strf("%s/%s", path, file), *text = h_read_file(p);

	free(p);
	if (!text)
		return strdup("");
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* Lines of the cgroup's cgroup.procs. */
static int cg_procs(const char *path)
{
	char *p = h_strf("%s/cgroup.procs", path), *text = h_read_file(p);
	char *lp = h_strf("%s/container/cgroup.procs", path), *ltext = h_read_file(lp);
	int n = text ? h_count_lines(text) : -1;

	/* the container's processes live in its leaf (cgroup.h) */
	if (n >= 0 && ltext)
		n += h_count_lines(ltext);
	free(p), free(text), free(lp), free(ltext);
	return n;
}

/* The "0::" line of /proc/PID/cgroup, as an absolute path under cg_mnt (caller frees). */
static char *cgroup_of(pid_t pid)
{
	char *p = h_strf("/proc/%d/cgroup", (int)pid), *text = h_read_file(p), *at, *v = NULL;

	if (text && (at = strstr(text, "0::"))) {
		at += 3;
		at[strcspn(at, "\n")] = '\0';
		v = h_strf("%s%s", cg_mnt, strcmp(at, "/") ? at : "");
	}
	free(p), free(text);
	return v;
}

/* The pid of a process of ours whose command line is "sleep MARK" (0: none in 5 s). */
static pid_t find_sleep(const char *mark)
{
	long long deadline = h_mono_ms() + 5000;

	do {
		DIR *d = opendir("/proc");
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char *p = h_strf("/proc/%s/cmdline", de->d_name), *cmd;
			struct stat st;
			pid_t pid = 0;

			if (de->d_name[0] >= '1' && de->d_name[0] <= '9' && stat(p, &st) == 0 &&
			    st.st_uid == getuid() && (cmd = h_read_file(p))) {
				/* argv is NUL-separated: "sleep\0MARK\0" */
				if (!strcmp(cmd, "sleep") && !strcmp(cmd + 6, mark))
					pid = atoi(de->d_name);
				free(cmd);
			}
			free(p);
			if (pid) {
				closedir(d);
				return pid;
			}
		}
		if (d)
			closedir(d);
		usleep(50000);
	} while (h_mono_ms() < deadline);
	return 0;
}

/* `run --name NAME OPTS... ROOTFS true` is refused in one line naming the option or the
 * controller and the Delegate= drop-in, exit 125, and leaves nothing. */
static void assert_limit_refused(const char *ctl, const char *opt, const char *const *opts)
{
	char *name = h_new_name("lim", runner), *line;
	const char *args[16] = {"run", "--name", name};
	struct h_result r;
	int n = 3;

	for (; *opts && n < 12; opts++)
		args[n++] = *opts;
	args[n++] = H.rootfs;
	args[n++] = "true";
	args[n] = NULL;
	h_conti_v(&r, NULL, args);
	h_assert_status(&r, 125, opt);
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, opt) || strstr(line, ctl),
		      "the error names neither %s nor the %s controller: %s", opt, ctl, line);
	ck_assert_msg(strstr(line, "Delegate="), "the error does not give the Delegate= fix: %s",
		      line);
	h_assert_no_containers_left();
	ck_assert_int_eq(leftovers(name), 0);
	fprintf(stderr, "%s without the %s controller: %s\n", opt, ctl, line);
	free(line);
	h_result_free(&r);
	h_remove_names();
	free(name);
}

/* The note for a case that cannot test the real limit here. */
static void skip_without(const char *ctl, const char *what)
{
	char *why = deleg[0] ? h_strf("%s: the delegated subtree %s has no %s controller (it has: "
				      "%s): its one-line error was checked instead",
				      what, deleg, ctl, controllers[0] ? controllers : "none")
			     : h_strf("%s: no delegated cgroup v2 subtree (run it through "
				      "tests/run-all or ascg.sh): its error was checked instead",
				      what);

	h_skip(why);
	free(why);
}

/* A container's cgroup exists while it runs: recorded in the state, under
 * DELEGATED/conti-rootless/NAME-xxxxxx, PID 1 in it, an exec'd process in it; rm -f removes
 * it. Without delegation: no cgroup= in the state, and the container runs. */
START_TEST(test_cgroup_while_running)
{
	char *name = h_new_name("cg", runner), *mark = h_new_mark('7', runner);
	char *mark2 = h_new_mark('7', runner), *cg, *pidtxt, *prefix, *in, *leaf;
	struct h_proc ex;
	struct h_result r;
	pid_t pid, epid;

	h_run_detached(name, NULL, (const char *const[]){"sleep", mark, NULL});
	cg = deleg[0] ? wait_cgroup(name) : state_get(name, "cgroup");
	if (!deleg[0]) {
		ck_assert_msg(!cg, "no delegation, yet the state names a cgroup: %s", cg);
		h_remove_names();
		h_skip("no delegated cgroup v2 subtree: a container gets no cgroup (checked)");
		return;
	}
	ck_assert_msg(cg, "the state of a running container names no cgroup");
	prefix = h_strf("%s/conti-rootless/%s-", deleg, name);
	ck_assert_msg(!strncmp(cg, prefix, strlen(prefix)) && strlen(cg) == strlen(prefix) + 6 &&
			  !strchr(cg + strlen(prefix), '/'),
		      "the cgroup %s is not %sxxxxxx", cg, prefix);
	ck_assert_msg(h_exists(cg), "the recorded cgroup %s does not exist", cg);
	pidtxt = state_get(name, "pid");
	ck_assert_ptr_nonnull(pidtxt);
	pid = atoi(pidtxt);
	in = cgroup_of(pid);
	leaf = h_strf("%s/container", cg);
	/* in the leaf below its limits' cgroup, out of reach of what limits it */
	ck_assert_msg(in && !strcmp(in, leaf), "PID 1 (%d) is in %s, not in %s", (int)pid, in,
		      leaf);
	free(in);
	ck_assert_msg(cg_procs(cg) >= 1, "the cgroup's cgroup.procs is empty");

	/* an exec'd process goes into the container's cgroup too */
	h_spawn(&ex, (char *const[]){(char *)h_conti_bin(), "exec", name, "sleep", mark2, NULL},
		NULL);
	epid = find_sleep(mark2);
	ck_assert_msg(epid > 0, "the exec'd sleep %s did not show up", mark2);
	in = cgroup_of(epid);
	ck_assert_msg(in && !strcmp(in, leaf), "the exec'd process is in %s, not in %s", in, leaf);
	free(in);

	h_conti(&r, NULL, "rm", "-f", name, NULL);
	h_assert_status(&r, 0, "rm -f");
	h_result_free(&r);
	h_finish(&ex, &r, 10000);
	h_result_free(&r);
	assert_no_cgroup(cg, name, "rm -f");
	h_assert_no_containers_left();
	free(prefix), free(pidtxt), free(cg), free(leaf), free(mark), free(mark2), free(name);
}
END_TEST

/* Nothing is left under conti-rootless/ after the command's exit, a failed start, kill -9 of
 * the front end (foreground) and of the monitor (detached), each then removed with rm -f. */
static const char *const endings[] = {"exit", "failed start", "kill -9 of the front end",
				      "kill -9 of the monitor"};

START_TEST(test_nothing_left)
{
	char *name = h_new_name("end", runner), *mark = h_new_mark('7', runner), *cg = NULL;
	struct h_result r;
	struct h_proc p;

	if (!deleg[0]) {
		h_skip("no delegated cgroup v2 subtree: containers get no cgroup to leave behind");
		return;
	}
	switch (_i) {
	case 0: /* the command's exit: the runner removes its cgroup, the state stays */
		/* the cgroup from the state while it runs: inside, a cgroup namespace of its
		 * own shows "/" (H5: the host's path is no longer the container's to see) */
		h_spawn(&p,
			(char *const[]){(char *)h_conti_bin(), "run", "--name", name, H.rootfs,
					"sh", "-c", "sed -n 's/^0:://p' /proc/self/cgroup; sleep 1",
					NULL},
			NULL);
		cg = wait_cgroup(name);
		h_finish(&p, &r, 20000);
		h_assert_status(&r, 0, "run");
		ck_assert_msg(cg && strstr(cg, "/conti-rootless/") && strstr(cg, name),
			      "the command ran in %s, not in a cgroup of its own", cg ? cg : "?");
		ck_assert_msg(!strcmp(r.out, "/\n"),
			      "the command sees its cgroup as %s, not as / (a cgroup namespace of "
			      "its own)",
			      r.out);
		h_result_free(&r);
		assert_no_cgroup(cg, name, "the command's exit");
		break;
	case 1: /* a failed start: 127, nothing made or all of it undone */
		h_conti(&r, NULL, "run", "--name", name, H.rootfs, "/no/such/program", NULL);
		h_assert_status(&r, 127, "run of a missing program");
		h_result_free(&r);
		assert_no_cgroup(NULL, name, "a failed start");
		break;
	case 2: /* kill -9 of the front end of a foreground run */
		h_spawn(&p,
			(char *const[]){(char *)h_conti_bin(), "run", "--name", name, H.rootfs,
					"sleep", mark, NULL},
			NULL);
		cg = wait_cgroup(name);
		ck_assert_msg(cg, "the running container's state names no cgroup");
		kill(p.pid, SIGKILL);
		h_finish(&p, &r, 5000);
		h_result_free(&r);
		break;
	case 3: /* kill -9 of the monitor of a detached run */
		h_run_detached(name, NULL, (const char *const[]){"sleep", mark, NULL});
		cg = wait_cgroup(name);
		ck_assert_msg(cg, "the running container's state names no cgroup");
		{
			char *mon = state_get(name, "monitor");

			ck_assert_msg(mon && atoi(mon) > 0, "no monitor= in the state");
			ck_assert_int_eq(kill(atoi(mon), SIGKILL), 0);
			h_wait_pid_gone(atoi(mon), 5000);
			free(mon);
		}
		break;
	}
	h_conti(&r, NULL, "rm", "-f", name, NULL);
	ck_assert_msg(r.status == 0 || _i == 1, "rm -f after %s: exit %d: %s", endings[_i],
		      r.status, r.err);
	h_result_free(&r);
	assert_no_cgroup(cg, name, endings[_i]);
	h_assert_no_procs(mark, 3000);
	h_assert_no_containers_left();
	free(cg), free(mark), free(name);
}
END_TEST

/* --pids-limit 50 and a fork loop inside: it stops at 50, the user keeps forking, stats
 * shows the cgroup's count, the container is removable. Without pids: the error. */
START_TEST(test_pids_limit)
{
	char *name, *mark, *cmd, *cg, *cur = NULL, *events, *row, *pids_col;
	struct h_result r;
	long long deadline;
	pid_t child;
	int status;

	if (!has("pids")) {
		assert_limit_refused("pids", "--pids-limit",
				     (const char *const[]){"--pids-limit", "50", NULL});
		skip_without("pids", "--pids-limit 50 with a fork loop");
		return;
	}
	name = h_new_name("pids", runner);
	mark = h_new_mark('7', runner);
	/* the loop's subshell dies at the first failed fork; the shell then execs: no fork */
	cmd = h_strf("(for i in $(seq 100); do sleep %s & done) 2>/dev/null; exec sleep %s", mark,
		     mark);
	h_run_detached(name, (const char *const[]){"--pids-limit", "50", NULL},
		       (const char *const[]){"sh", "-c", cmd, NULL});
	cg = wait_cgroup(name);
	ck_assert_msg(cg, "no cgroup recorded");
	{
		char *max = cg_read(cg, "pids.max");

		ck_assert_msg(!strcmp(max, "50"), "pids.max is '%s', not 50", max);
		free(max);
	}
	/* until the loop is done: pids.events counts the refused forks */
	deadline = h_mono_ms() + 10000;
	do {
		free(cur);
		usleep(200000);
		cur = cg_read(cg, "pids.current");
		events = cg_read(cg, "pids.events");
		if (strcmp(events, "max 0") && atoi(cur) >= 45) {
			free(events);
			break;
		}
		free(events);
	} while (h_mono_ms() < deadline);
	ck_assert_msg(atoi(cur) <= 50 && atoi(cur) >= 45,
		      "pids.current is %s with --pids-limit 50 and a loop of 100 forks", cur);
	events = cg_read(cg, "pids.events");
	ck_assert_msg(strcmp(events, "max 0") && strncmp(events, "max ", 4) == 0,
		      "no fork was refused: pids.events '%s'", events);
	/* the monitor's command line names the mark too: it is not in the cgroup */
	ck_assert_msg(h_count_procs(mark) <= 51,
		      "%d processes of the container run with --pids-limit 50",
		      h_count_procs(mark));
	/* the user (this process) keeps forking */
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(7);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_int_eq(WEXITSTATUS(status), 7);
	/* stats: the PIDS column (the last) is the cgroup's count */
	h_conti(&r, NULL, "stats", "--no-stream", name, NULL);
	h_assert_status(&r, 0, "stats --no-stream");
	ck_assert_int_eq(h_count_lines(r.out), 2);
	row = h_line(r.out, 1);
	pids_col = strrchr(row, ' ');
	ck_assert_msg(pids_col && atoi(pids_col + 1) == cg_procs(cg),
		      "stats shows PIDS %s, the cgroup has %d", pids_col ? pids_col + 1 : row,
		      cg_procs(cg));
	free(row);
	h_result_free(&r);
	h_conti(&r, NULL, "rm", "-f", name, NULL);
	h_assert_status(&r, 0, "rm -f of the container at its pids limit");
	h_result_free(&r);
	assert_no_cgroup(cg, name, "rm -f");
	h_assert_no_procs(mark, 5000);
	free(events), free(cur), free(cg), free(cmd), free(mark), free(name);
}
END_TEST

/* The default pids limit where pids is delegated: 2048, or half the user's RLIMIT_NPROC; no
 * limit given and no controller: nothing printed, the run works. */
START_TEST(test_pids_default)
{
	char *name = h_new_name("pdef", runner), *cg, *max, *want;
	struct rlimit rl;
	long long def = 2048;
	struct h_result r;

	h_conti(&r, NULL, "run", "--rm", H.rootfs, "echo", "ran", NULL);
	h_assert_status(&r, 0, "run --rm without a limit");
	ck_assert_str_eq(r.out, "ran\n");
	ck_assert_msg(!r.err[0], "a run without a limit printed: %s", r.err);
	h_result_free(&r);
	if (!has("pids")) {
		skip_without("pids", "the default pids.max");
		free(name);
		return;
	}
	ck_assert_int_eq(getrlimit(RLIMIT_NPROC, &rl), 0);
	if (rl.rlim_cur != RLIM_INFINITY && (long long)rl.rlim_cur / 2 < def)
		def = (long long)rl.rlim_cur / 2;
	h_run_detached(name, NULL, (const char *const[]){"sleep", "1000", NULL});
	cg = wait_cgroup(name);
	ck_assert_msg(cg, "no cgroup recorded");
	max = cg_read(cg, "pids.max");
	want = h_strf("%lld", def);
	ck_assert_msg(!strcmp(max, want), "the default pids.max is '%s', want %s", max, want);
	h_remove_names();
	free(want), free(max), free(cg), free(name);
}
END_TEST

/* --cpus 0.5 and a busy loop: CPU time is half the wall time (+-20%). Without cpu: the
 * error, for --cpus, --cpu-shares and --cpu-weight. */
START_TEST(test_cpus)
{
	char *name, *cg, *a, *b;
	long long t0, t1, u0, u1;
	double ratio;

	if (!has("cpu")) {
		assert_limit_refused("cpu", "--cpus", (const char *const[]){"--cpus", "0.5", NULL});
		assert_limit_refused("cpu", "--cpu-shares",
				     (const char *const[]){"--cpu-shares", "512", NULL});
		assert_limit_refused("cpu", "--cpu-weight",
				     (const char *const[]){"--cpu-weight", "50", NULL});
		skip_without("cpu", "--cpus 0.5 with a busy loop");
		return;
	}
	name = h_new_name("cpu", runner);
	h_run_detached(name, (const char *const[]){"--cpus", "0.5", NULL},
		       (const char *const[]){"sh", "-c", "while :; do :; done", NULL});
	cg = wait_cgroup(name);
	ck_assert_msg(cg, "no cgroup recorded");
	a = cg_read(cg, "cpu.max");
	ck_assert_msg(!strcmp(a, "50000 100000"), "cpu.max is '%s'", a);
	free(a);
	usleep(500000);
	a = cg_read(cg, "cpu.stat"); /* "usage_usec N" first */
	t0 = h_mono_ms();
	sleep(4);
	b = cg_read(cg, "cpu.stat");
	t1 = h_mono_ms();
	u0 = atoll(a + strlen("usage_usec "));
	u1 = atoll(b + strlen("usage_usec "));
	ratio = (double)(u1 - u0) / 1000.0 / (double)(t1 - t0);
	fprintf(stderr, "--cpus 0.5: %.3f of a CPU over %lld ms\n", ratio, t1 - t0);
	ck_assert_msg(ratio >= 0.4 && ratio <= 0.6, "--cpus 0.5 gave %.3f of a CPU", ratio);
	h_remove_names();
	assert_no_cgroup(cg, name, "rm -f");
	free(a), free(b), free(cg), free(name);
}
END_TEST

/* --memory 64m (swap as much again), --io-weight: the files hold the values; without the
 * controller, the error (on this host, both). */
START_TEST(test_memory_io)
{
	char *name, *cg, *v;

	if (!has("memory")) {
		assert_limit_refused("memory", "--memory",
				     (const char *const[]){"--memory", "64m", NULL});
		assert_limit_refused(
		    "memory", "--memory",
		    (const char *const[]){"-m", "64m", "--memory-swap", "128m", NULL});
		skip_without("memory", "--memory 64m");
	} else {
		name = h_new_name("mem", runner);
		h_run_detached(name, (const char *const[]){"--memory", "64m", NULL},
			       (const char *const[]){"sleep", "1000", NULL});
		cg = wait_cgroup(name);
		ck_assert_msg(cg, "no cgroup recorded");
		v = cg_read(cg, "memory.max");
		ck_assert_str_eq(v, "67108864");
		free(v);
		h_remove_names();
		free(cg), free(name);
	}
	if (!has("io")) {
		assert_limit_refused("io", "--io-weight",
				     (const char *const[]){"--io-weight", "100", NULL});
		skip_without("io", "--io-weight 100");
		return;
	}
	name = h_new_name("io", runner);
	h_run_detached(name, (const char *const[]){"--io-weight", "100", NULL},
		       (const char *const[]){"sleep", "1000", NULL});
	cg = wait_cgroup(name);
	ck_assert_msg(cg, "no cgroup recorded");
	v = cg_read(cg, "io.weight");
	ck_assert_str_eq(v, "default 100");
	free(v);
	h_remove_names();
	free(cg), free(name);
}
END_TEST

/* update --pids-limit of a running container: pids.max follows, inspect shows it; without
 * pids, one line naming it, exit 125, and the container runs on untouched. */
START_TEST(test_update)
{
	char *name = h_new_name("upd", runner), *cg, *max;
	struct h_result r;

	h_run_detached(name, NULL, (const char *const[]){"sleep", "1000", NULL});
	h_conti(&r, NULL, "update", "--pids-limit", "100", name, NULL);
	if (!has("pids")) {
		char *line;

		h_assert_status(&r, 125, "update --pids-limit without the pids controller");
		line = h_error_line(&r);
		/* in a cgroup without pids, that controller; in none, the cgroup it lacks */
		ck_assert_msg(strstr(line, deleg[0] ? "pids" : "cgroup"),
			      "the error names neither pids nor the missing cgroup: %s", line);
		free(line);
		h_result_free(&r);
		h_conti(&r, NULL, "ps", NULL);
		ck_assert_msg(strstr(r.out, name), "the container stopped after a refused update");
		h_result_free(&r);
		h_remove_names();
		skip_without("pids", "update --pids-limit");
		free(name);
		return;
	}
	h_assert_status(&r, 0, "update --pids-limit 100");
	h_result_free(&r);
	cg = wait_cgroup(name);
	ck_assert_msg(cg, "no cgroup recorded");
	max = cg_read(cg, "pids.max");
	ck_assert_msg(!strcmp(max, "100"), "pids.max is '%s' after update --pids-limit 100", max);
	h_conti(&r, NULL, "inspect", name, NULL);
	h_assert_status(&r, 0, "inspect");
	ck_assert_msg((strstr(r.out, "\"PidsLimit\":100") || strstr(r.out, "\"PidsLimit\": 100")),
		      "inspect does not show PidsLimit 100");
	h_result_free(&r);
	h_remove_names();
	free(max), free(cg), free(name);
}
END_TEST

/* stats --no-stream: podman's columns, a row per running container when no name is given,
 * PIDS from the cgroup (or the container's processes), json; a stopped one is not listed. */
/* update of a stopped container: its saved configuration takes the limit (inspect shows it)
 * whatever the host delegates; six updates at once leave one of their values and no
 * temporary file beside the configuration. */
START_TEST(test_update_stopped)
{
	char *name = h_new_name("ups", runner), *dir;
	struct h_proc p[6];
	struct h_result r;
	DIR *d;
	struct dirent *e;

	h_conti(&r, NULL, "run", "--name", name, H.rootfs, "true", NULL);
	h_assert_status(&r, 0, "run true");
	h_result_free(&r);
	h_conti(&r, NULL, "update", "--pids-limit", "100", name, NULL);
	h_assert_status(&r, 0, "update --pids-limit 100 of a stopped container");
	h_result_free(&r);
	h_conti(&r, NULL, "inspect", name, NULL);
	ck_assert_msg(strstr(r.out, "\"PidsLimit\":100"), "inspect does not show PidsLimit 100");
	h_result_free(&r);
	for (int i = 0; i < 6; i++) {
		char *v = h_strf("%d", 101 + i);

		h_spawn(
		    &p[i],
		    (char *const[]){(char *)h_conti_bin(), "update", "--pids-limit", v, name, NULL},
		    NULL);
		free(v);
	}
	for (int i = 0; i < 6; i++) {
		h_finish(&p[i], &r, 20000);
		h_assert_status(&r, 0, "one of six concurrent updates");
		h_result_free(&r);
	}
	h_conti(&r, NULL, "inspect", name, NULL);
	ck_assert_msg(strstr(r.out, "\"PidsLimit\":10"), "inspect shows none of the six: %s",
		      r.out);
	h_result_free(&r);
	dir = h_strf("%s/conti-rootless/containers/%s", H.data, name);
	d = opendir(dir);
	ck_assert_msg(d, "no data dir %s", dir);
	while ((e = readdir(d)))
		ck_assert_msg(strncmp(e->d_name, "config.tmp", 10), "%s left in %s", e->d_name,
			      dir);
	closedir(d);
	h_remove_names();
	free(dir), free(name);
}
END_TEST

START_TEST(test_stats)
{
	char *a = h_new_name("sta", runner), *b = h_new_name("stb", runner), *row, *col, *cg;
	struct h_result r;
	int n;

	h_run_detached(a, NULL,
		       (const char *const[]){"sh", "-c", "sleep 1000 & sleep 1000 & wait", NULL});
	h_run_detached(b, NULL, (const char *const[]){"sleep", "1000", NULL});
	usleep(300000);
	h_conti(&r, NULL, "stats", "--no-stream", NULL);
	h_assert_status(&r, 0, "stats --no-stream");
	row = h_line(r.out, 0);
	ck_assert_msg(strstr(row, "ID") && strstr(row, "NAME") && strstr(row, "CPU %") &&
			  strstr(row, "MEM USAGE / LIMIT") && strstr(row, "PIDS"),
		      "stats header: %s", row);
	free(row);
	ck_assert_msg(h_count_lines(r.out) == 3 && strstr(r.out, a) && strstr(r.out, b),
		      "stats of all running containers:\n%s", r.out);
	h_result_free(&r);

	h_conti(&r, NULL, "stats", "--no-stream", a, NULL);
	h_assert_status(&r, 0, "stats --no-stream NAME");
	row = h_line(r.out, 1);
	col = strrchr(row, ' ');
	ck_assert_ptr_nonnull(col);
	n = atoi(col + 1);
	cg = state_get(a, "cgroup");
	if (cg)
		ck_assert_msg(n == cg_procs(cg), "PIDS %d, the cgroup holds %d: %s", n,
			      cg_procs(cg), row);
	else /* the init helper, sh and two sleeps, or "--" */
		ck_assert_msg(!strcmp(col + 1, "--") || (n >= 3 && n <= 4), "PIDS '%s': %s",
			      col + 1, row);
	free(row), free(cg);
	h_result_free(&r);

	h_conti(&r, NULL, "stats", "--no-stream", "--format", "json", a, NULL);
	h_assert_status(&r, 0, "stats --format json");
	ck_assert_msg(r.out[strspn(r.out, " \n")] == '[' && strstr(r.out, a),
		      "stats --format json: %s", r.out);
	h_result_free(&r);
	h_conti(&r, NULL, "stats", "--no-stream", "--format", "{{.Name}}", b, NULL);
	h_assert_status(&r, 0, "stats --format {{.Name}}");
	row = h_strf("%s\n", b);
	ck_assert_str_eq(r.out, row);
	free(row);
	h_result_free(&r);
	h_remove_names();
	free(a), free(b);
}
END_TEST

/* --cgroups=disabled: no cgroup made, the container stays in the caller's. */
START_TEST(test_cgroups_disabled)
{
	char *name = h_new_name("nocg", runner), *cg, *pidtxt, *in, *mine;

	h_run_detached(name, (const char *const[]){"--cgroups=disabled", NULL},
		       (const char *const[]){"sleep", "1000", NULL});
	cg = state_get(name, "cgroup");
	ck_assert_msg(!cg, "--cgroups=disabled, yet the state names %s", cg);
	if (!deleg[0]) {
		h_remove_names();
		h_skip("no delegated cgroup v2 subtree: no cgroup is made anyway (checked)");
		free(name);
		return;
	}
	ck_assert_int_eq(leftovers(name), 0);
	pidtxt = state_get(name, "pid");
	ck_assert_ptr_nonnull(pidtxt);
	in = cgroup_of(atoi(pidtxt));
	mine = cgroup_of(getpid());
	ck_assert_msg(in && mine && !strcmp(in, mine), "with --cgroups=disabled PID 1 is in %s",
		      in);
	h_remove_names();
	free(in), free(mine), free(pidtxt), free(name);
}
END_TEST

/* --ulimit nofile=100:200 is what the command sees (and --trace says prlimit); a hard limit
 * above the caller's is refused in one line with nothing left. */
START_TEST(test_ulimit)
{
	struct rlimit rl;
	struct h_result r;
	char *spec, *line;

	h_conti(&r, NULL, "run", "--rm", "--ulimit", "nofile=100:200", H.rootfs, "sh", "-c",
		"ulimit -n; ulimit -Hn", NULL);
	h_assert_status(&r, 0, "run --ulimit nofile=100:200");
	ck_assert_str_eq(r.out, "100\n200\n");
	h_result_free(&r);
	h_conti(&r, NULL, "run", "--rm", "--trace", "--ulimit", "nofile=100:200", H.rootfs, "true",
		NULL);
	h_assert_status(&r, 0, "run --trace --ulimit");
	ck_assert_msg(strstr(r.err, "prlimit") && strstr(r.err, "nofile=100:200"),
		      "--trace does not show the prlimit step:\n%s", r.err);
	h_result_free(&r);

	/* an exec'd command gets them too, as podman's exec gives them */
	{
		char *name = h_new_name("ulim", runner);

		h_run_detached(name, (const char *const[]){"--ulimit", "nofile=100:200", NULL},
			       (const char *const[]){"sleep", "1000", NULL});
		h_conti(&r, NULL, "exec", name, "sh", "-c", "ulimit -n; ulimit -Hn", NULL);
		h_assert_status(&r, 0, "exec in a container run with --ulimit");
		ck_assert_msg(!strcmp(r.out, "100\n200\n"), "exec saw nofile %s", r.out);
		h_result_free(&r);
		h_remove_names();
		free(name);
	}

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (1u << 30)) {
		h_skip("the caller's hard RLIMIT_NOFILE is unlimited: none above it to refuse");
		return;
	}
	spec = h_strf("nofile=10:%llu", (unsigned long long)rl.rlim_max + 1);
	h_conti(&r, NULL, "run", "--rm", "--ulimit", spec, H.rootfs, "true", NULL);
	h_assert_status(&r, 125, "--ulimit with a hard limit above the caller's");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "nofile"), "the error does not name nofile: %s", line);
	h_assert_no_containers_left();
	free(line), free(spec);
	h_result_free(&r);
}
END_TEST

/* The size column (1K-blocks) of `df -k` for mount point mp in out, -1 when absent. */
static long long df_size(const char *out, const char *mp)
{
	int n = h_count_lines(out);

	for (int i = 1; i < n; i++) {
		char *line = h_line(out, i), fs[256], at[256];
		long long size = -1;

		if (sscanf(line, "%255s %lld %*s %*s %*s %255s", fs, &size, at) == 3 &&
		    !strcmp(at, mp)) {
			free(line);
			return size;
		}
		free(line);
	}
	return -1;
}

/* /tmp is 512m and /dev/shm 64m by default; --shm-size and --tmpfs /tmp:size= change them. */
START_TEST(test_tmp_shm_sizes)
{
	static const struct {
		const char *opt[3];
		long long tmp, shm; /* KiB */
	} cases[] = {
	    {{NULL}, 524288, 65536},
	    {{"--shm-size", "32m", NULL}, 524288, 32768},
	    {{"--tmpfs", "/tmp:size=100m", NULL}, 102400, 65536},
	};
	struct h_result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[12] = {"run", "--rm"};
		int n = 2;

		for (int j = 0; cases[i].opt[j]; j++)
			args[n++] = cases[i].opt[j];
		args[n++] = H.rootfs;
		args[n++] = "df";
		args[n++] = "-k";
		args[n++] = "/tmp";
		args[n++] = "/dev/shm";
		args[n] = NULL;
		h_conti_v(&r, NULL, args);
		h_assert_status(&r, 0, "run df");
		ck_assert_msg(df_size(r.out, "/tmp") == cases[i].tmp &&
				  df_size(r.out, "/dev/shm") == cases[i].shm,
			      "with %s: want /tmp %lld KiB and /dev/shm %lld KiB:\n%s",
			      cases[i].opt[0] ? cases[i].opt[0] : "no option", cases[i].tmp,
			      cases[i].shm, r.out);
		h_result_free(&r);
	}
}
END_TEST

/* The container cannot change its own cgroup's limits: not through the host's cgroup mount
 * it sees (read-only), not through a cgroup2 mount in a cgroup namespace of its own (which
 * needs CAP_SYS_ADMIN: refused by default; _i == 1 grants it, and the cgroup's own files
 * must still be out of reach: on a host without nsdelegate only a leaf below the limited
 * cgroup keeps them so). The limits, checked from the host, are unchanged; the container
 * holds no fd of the cgroup tree. */
START_TEST(test_attack_own_limits)
{
	static const char *const files[] = {
	    "pids.max",	  "memory.max", "memory.swap.max",  "cpu.max",
	    "cpu.weight", "io.weight",	"cgroup.max.depth", "cgroup.max.descendants"};
	char *name = h_new_name("atk", runner), *dst = h_strf("%s/cgattack", H.rootfs), *cg;
	char *before[8] = {0}, *after, *fds;
	const char *opts[6] = {NULL};
	struct h_result r;
	int n = 0;

	h_copy_file(getenv("CONTI_CGATTACK"), dst, 0755);
	if (has("pids"))
		opts[n++] = "--pids-limit", opts[n++] = "50";
	if (_i == 1)
		opts[n++] = "--cap-add", opts[n++] = "SYS_ADMIN";
	h_run_detached(name, opts, (const char *const[]){"sleep", "1000", NULL});
	cg = deleg[0] ? wait_cgroup(name) : NULL;
	for (int i = 0; cg && i < 8; i++)
		before[i] = cg_read(cg, files[i]);
	h_conti(&r, NULL, "exec", name, "/cgattack", NULL);
	h_assert_status(&r, 0, "exec /cgattack");
	fprintf(stderr, "%s:\n%s", _i ? "with CAP_SYS_ADMIN" : "by default", r.out);
	ck_assert_msg(strstr(r.out, "TRIED "), "cgattack did not finish: %s", r.out);
	if (!cg)
		ck_assert_msg(!strstr(r.out, "WROTE /sys") && !strstr(r.out, "MADE /sys"),
			      "the container changed the host's cgroup tree:\n%s", r.out);
	for (int i = 0; cg && i < 8; i++) {
		after = cg_read(cg, files[i]);
		ck_assert_msg(!strcmp(before[i], after),
			      "the container changed its cgroup's %s from '%s' to '%s':\n%s",
			      files[i], before[i], after, r.out);
		free(after);
	}
	if (cg) {
		char *pidtxt = state_get(name, "pid"), *in = cgroup_of(atoi(pidtxt));

		ck_assert_msg(in && !strncmp(in, cg, strlen(cg)),
			      "PID 1 left its cgroup: it is in %s", in);
		free(in), free(pidtxt);
	}
	h_result_free(&r);
	/* no fd of the cgroup tree in the container's processes */
	h_conti(&r, NULL, "exec", name, "sh", "-c", "ls -l /proc/[0-9]*/fd/ 2>/dev/null", NULL);
	fds = r.out;
	ck_assert_msg(!strstr(fds, "/sys/fs/cgroup") && !strstr(fds, "conti-rootless/"),
		      "a container process holds a cgroup fd:\n%s", fds);
	h_result_free(&r);
	h_remove_names();
	for (int i = 0; i < 8; i++)
		free(before[i]);
	free(cg), free(dst), free(name);
}
END_TEST

/* A state file's cgroup= naming a directory elsewhere (".." out of conti-rootless/, a plain
 * directory of the user's) is not removed by rm -f of the killed container. */
START_TEST(test_attack_state_cgroup)
{
	char *name = h_new_name("stc", runner), *rt = h_runtime_dir();
	char *state = h_strf("%s/%s/state", rt, name), *text, *mon, *pid, *victim, *forged, *cg;
	char *at;
	struct h_result r;
	FILE *f;

	h_run_detached(name, NULL, (const char *const[]){"sleep", "1000", NULL});
	cg = deleg[0] ? wait_cgroup(name) : NULL;
	/* the victims: an empty cgroup beside conti-rootless/ (when delegated), a plain dir */
	if (_i == 0 && !deleg[0]) {
		h_remove_names();
		h_skip(
		    "no delegated cgroup v2 subtree: no cgroup beside conti-rootless/ to aim at");
		free(state), free(rt), free(name);
		return;
	}
	victim = _i == 0 ? h_strf("%s/conti-victim-%d", deleg, (int)getpid())
			 : h_strf("%s/victim", H.base);
	ck_assert_int_eq(mkdir(victim, 0755), 0);
	forged = _i == 0 ? h_strf("%s/conti-rootless/../conti-victim-%d", deleg, (int)getpid())
			 : h_strf("%s", victim);
	/* the runner dies first (kill -9 of the monitor and of PID 1): rm then reads the state */
	mon = state_get(name, "monitor");
	pid = state_get(name, "pid");
	ck_assert_ptr_nonnull(mon);
	ck_assert_ptr_nonnull(pid);
	kill(atoi(mon), SIGKILL);
	h_wait_pid_gone(atoi(mon), 5000);
	kill(atoi(pid), SIGKILL);
	h_wait_pid_gone(atoi(pid), 5000);
	text = h_read_file(state);
	ck_assert_ptr_nonnull(text);
	f = fopen(state, "w");
	ck_assert_ptr_nonnull(f);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (strncmp(line, "cgroup=", 7))
			fprintf(f, "%s\n", line);
	fprintf(f, "cgroup=%s\n", forged);
	fclose(f);
	h_conti(&r, NULL, "rm", "-f", name, NULL);
	h_result_free(&r);
	h_conti(&r, NULL, "ps", "-a", NULL);
	h_result_free(&r);
	ck_assert_msg(h_exists(victim),
		      "rm -f of a container whose state said cgroup=%s removed %s", forged, victim);
	rmdir(victim);
	/* its real cgroup: gone with the garbage collection's sweep, or left for it */
	if (cg && h_exists(cg)) {
		at = cg_read(cg, "cgroup.procs");
		ck_assert_msg(!at[0], "the killed container's cgroup still holds %s", at);
		free(at);
		fprintf(stderr, "the cgroup %s of the forged state is left to the sweep\n", cg);
		rmdir(cg);
	}
	h_remove_names();
	free(cg), free(text), free(mon), free(pid), free(victim), free(forged), free(state),
	    free(rt), free(name);
}
END_TEST

/* After the TCase (in the runner): a failed case skips its own rm -f, and its containers
 * would run on; those with a cgroup are named NAME-xxxxxx under conti-rootless/ with this
 * runner's pid in NAME: killed (cgroup.kill) and removed. */
static void lim_case_teardown(void)
{
	char parent[2560], mine[32], path[3072];
	DIR *d;
	struct dirent *de;

	if (!deleg[0])
		return;
	snprintf(parent, sizeof(parent), "%s/conti-rootless", deleg);
	snprintf(mine, sizeof(mine), "%d-", (int)runner);
	d = opendir(parent);
	while (d && (de = readdir(d))) {
		FILE *f;

		if (!strstr(de->d_name, mine))
			continue;
		snprintf(path, sizeof(path), "%s/%s/cgroup.kill", parent, de->d_name);
		if ((f = fopen(path, "w"))) {
			fputs("1", f);
			fclose(f);
		}
		snprintf(path, sizeof(path), "%s/%s", parent, de->d_name);
		for (int i = 0; i < 20 && rmdir(path) != 0 && errno == EBUSY; i++)
			usleep(50000);
	}
	if (d)
		closedir(d);
}

/* The target of the symlink path (caller frees); NULL if unreadable. */
static char *read_link(const char *path)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	return n < 0 ? NULL : h_strf("%.*s", (int)n, buf);
}

/* The "0::" line of a /proc/PID/cgroup text (caller frees); NULL without one. */
static char *v2_line(const char *text)
{
	const char *at = strstr(text, "0::");

	return at && (at == text || at[-1] == '\n') ? h_strf("%.*s", (int)strcspn(at, "\n"), at)
						    : NULL;
}

/* A container with a cgroup has a cgroup namespace rooted in its leaf: /proc/self/cgroup
 * reads "0::/" for PID 1 and for an exec'd command; given CAP_SYS_ADMIN, a cgroup2 mount
 * of its own shows its leaf alone (no conti-rootless/, no other container); --trace says
 * `unshare --cgroup`. Without a cgroup (--cgroups=disabled) nothing of it. */
START_TEST(test_cgroupns)
{
	char *a = h_new_name("cns", runner), *b = h_new_name("cnb", runner), *line, *cg;
	char *pidtxt, *host_ns, *ns_path, *ctr_ns;
	const char *opts[] = {"--cap-add", "SYS_ADMIN", NULL};
	struct h_result r;

	if (!deleg[0]) {
		h_skip("no delegated cgroup v2 subtree: a container gets no cgroup, and no cgroup "
		       "namespace");
		return;
	}
	h_run_detached(a, opts, (const char *const[]){"sleep", "1000", NULL});
	h_run_detached(b, NULL, (const char *const[]){"sleep", "1000", NULL});
	cg = wait_cgroup(a);
	ck_assert_msg(cg, "the running container's state names no cgroup");
	/* PID 1's own namespace, not the runner's (read from the host) */
	pidtxt = state_get(a, "pid");
	ck_assert_ptr_nonnull(pidtxt);
	ns_path = h_strf("/proc/%s/ns/cgroup", pidtxt);
	host_ns = read_link("/proc/self/ns/cgroup");
	ctr_ns = read_link(ns_path);
	ck_assert_msg(ctr_ns && host_ns && strcmp(ctr_ns, host_ns),
		      "PID 1 is in the cgroup namespace %s, the runner's is %s", ctr_ns, host_ns);
	/* PID 1's and an exec'd command's view: the root */
	h_conti(&r, NULL, "exec", a, "cat", "/proc/1/cgroup", NULL);
	h_assert_status(&r, 0, "exec cat /proc/1/cgroup");
	line = v2_line(r.out);
	ck_assert_msg(line && !strcmp(line, "0::/"), "PID 1's /proc/1/cgroup reads:\n%s", r.out);
	free(line);
	h_result_free(&r);
	h_conti(&r, NULL, "exec", a, "cat", "/proc/self/cgroup", NULL);
	h_assert_status(&r, 0, "exec cat /proc/self/cgroup");
	line = v2_line(r.out);
	ck_assert_msg(line && !strcmp(line, "0::/"), "an exec'd command's /proc/self/cgroup:\n%s",
		      r.out);
	free(line);
	h_result_free(&r);
	/* root of the container, given CAP_SYS_ADMIN, mounts cgroup2: its leaf alone */
	h_conti(&r, NULL, "exec", a, "sh", "-c",
		"mkdir -p /tmp/cg && mount -t cgroup2 none /tmp/cg && echo MOUNTED && "
		"for f in /tmp/cg/*; do [ -d \"$f\" ] && echo \"DIR $f\"; done; "
		"grep -c . /tmp/cg/cgroup.procs; umount /tmp/cg",
		NULL);
	h_assert_status(&r, 0, "exec sh (mount cgroup2)");
	ck_assert_msg(strstr(r.out, "MOUNTED"), "cgroup2 not mounted:\n%s%s", r.out, r.err);
	ck_assert_msg(!strstr(r.out, "DIR "), "the container's cgroup2 mount shows cgroups:\n%s",
		      r.out);
	ck_assert_msg(!strstr(r.out, "conti-rootless") && !strstr(r.out, b),
		      "the container sees the user's tree:\n%s", r.out);
	h_result_free(&r);
	/* --trace names the step; --cgroups=disabled: none, and the host's path inside */
	h_conti(&r, NULL, "run", "--rm", "--trace", H.rootfs, "true", NULL);
	h_assert_status(&r, 0, "run --trace");
	ck_assert_msg(strstr(r.err, "unshare --cgroup"), "--trace has no unshare --cgroup:\n%s",
		      r.err);
	h_result_free(&r);
	h_conti(&r, NULL, "run", "--rm", "--trace", "--cgroups=disabled", H.rootfs, "cat",
		"/proc/self/cgroup", NULL);
	h_assert_status(&r, 0, "run --cgroups=disabled");
	ck_assert_msg(!strstr(r.err, "unshare --cgroup"),
		      "--cgroups=disabled, yet a cgroup namespace:\n%s", r.err);
	line = v2_line(r.out);
	ck_assert_msg(line && strcmp(line, "0::/"),
		      "--cgroups=disabled: /proc/self/cgroup reads %s", line);
	free(line);
	h_result_free(&r);
	h_remove_names();
	free(a), free(b), free(cg), free(pidtxt), free(ns_path), free(host_ns), free(ctr_ns);
}
END_TEST

int main(void)
{
	const char *only = getenv("CK_RUN_CASE");
	Suite *s = suite_create("limits");
	TCase *tc = h_tcase("limits");
	SRunner *sr;
	int failed;

	runner = getpid();
	probe();
	tcase_add_unchecked_fixture(tc, NULL, lim_case_teardown);
	fprintf(stderr, "limits: cgroup2 at %s, delegated subtree %s, controllers: %s\n",
		cg_mnt[0] ? cg_mnt : "(none)", deleg[0] ? deleg : "(none)",
		controllers[0] ? controllers : "(none)");
	tcase_add_test(tc, test_cgroup_while_running);
	tcase_add_loop_test(tc, test_nothing_left, 0, 4);
	tcase_add_test(tc, test_pids_limit);
	tcase_add_test(tc, test_pids_default);
	tcase_add_test(tc, test_cpus);
	tcase_add_test(tc, test_memory_io);
	tcase_add_test(tc, test_update);
	tcase_add_test(tc, test_update_stopped);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_cgroups_disabled);
	tcase_add_test(tc, test_ulimit);
	tcase_add_test(tc, test_tmp_shm_sizes);
	tcase_add_loop_test(tc, test_attack_own_limits, 0, 2);
	tcase_add_loop_test(tc, test_attack_state_cgroup, 0, 2);
	tcase_add_test(tc, test_cgroupns);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run(sr, NULL, only && *only ? only : NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
