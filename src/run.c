/* run.c - `run` from a configuration to a finished container, and `rm`.
 *
 * The flow, top to bottom:
 *   prepare()        check the rootfs, volumes, user, find the init helper
 *   userns_resolve() decide the id mapping (userns.c)
 *   state_create()   claim the name, make the state and writable-layer dirs
 *   plan_build()     the setup steps as data (plan.c)
 *   userns_create()  make the mapped user namespace and enter it
 *   front-end steps  unshare mount/UTS/IPC, the rootfs layer, /dev, /sys, volumes
 *   clone            the container's PID 1: /proc, pivot_root, exec init
 *   supervise()      relay signals and the terminal, wait, clean up
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "cr-build-config.h"
#include "env.h"
#include "mounts.h"
#include "plan.h"
#include "run.h"
#include "state.h"
#include "trace.h"
#include "tty.h"
#include "userns.h"
#include "utils.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct run {
	const struct cr_config *cfg;
	char *rootfs;
	mode_t rootfs_mode;
	bool *src_is_dir;
	char name[CR_NAME_MAX + 1];
	const char *hostname;
	bool tty;
	struct cr_userns_plan up;
	struct cr_paths paths;
	struct cr_state st;
	bool have_state;
	struct cr_plan plan;
	struct cr_strv env;
	struct cr_strv init_argv;
	sigset_t forwarded; /* blocked in the front end, read from a signalfd */
	sigset_t oldmask;
	struct cr_container ct;
	struct cr_term term;
};

static int resolve_rootfs(struct run *r, struct cr_error *err)
{
	struct stat st;

	r->rootfs = realpath(r->cfg->rootfs, NULL);
	if (!r->rootfs) {
		cr_fail(err, errno, "rootfs %s", r->cfg->rootfs);
		return cr_hint(err, "make one with: contrib/mkrootfs busybox %s", r->cfg->rootfs);
	}
	if (stat(r->rootfs, &st) < 0 || !S_ISDIR(st.st_mode)) {
		cr_fail(err, 0, "rootfs %s is not a directory", r->cfg->rootfs);
		return cr_hint(err, "give the directory that holds the container's /bin, /etc ...");
	}
	r->rootfs_mode = st.st_mode & 07777;
	return 0;
}

static int check_volumes(struct run *r, struct cr_error *err)
{
	const struct cr_config *cfg = r->cfg;

	r->src_is_dir = cr_xcalloc(cfg->nmounts, sizeof(bool));
	for (size_t i = 0; i < cfg->nmounts; i++) {
		struct stat st;

		if (cfg->mounts[i].kind != CR_MOUNT_BIND)
			continue;
		if (stat(cfg->mounts[i].src, &st) < 0) {
			cr_fail(err, errno, "volume source %s", cfg->mounts[i].src);
			return cr_hint(err, "create it first, or fix the -v option");
		}
		r->src_is_dir[i] = S_ISDIR(st.st_mode);
	}
	return 0;
}

/* The init helper: next to the front end in a build tree, else in libexecdir. */
static int open_init(struct run *r, struct cr_error *err)
{
	char exe[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *candidates[3];
	char rel1[PATH_MAX + 64], rel2[PATH_MAX + 64];

	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
	} else {
		snprintf(exe, sizeof(exe), "/nonexistent");
	}
	snprintf(rel1, sizeof(rel1), "%s/helpers/%s", exe, CR_INIT_NAME);
	snprintf(rel2, sizeof(rel2), "%s/../libexec/conti-rootless/%s", exe, CR_INIT_NAME);
	candidates[0] = rel1;
	candidates[1] = rel2;
	candidates[2] = CR_LIBEXECDIR "/" CR_INIT_NAME;
	for (int i = 0; i < 3; i++) {
		r->ct.init_fd = open(candidates[i], O_PATH | O_CLOEXEC);
		if (r->ct.init_fd >= 0)
			return 0;
	}
	snprintf(path, sizeof(path), "%s", candidates[2]);
	cr_fail(err, ENOENT, "the init helper %s", path);
	return cr_hint(err, "reinstall conti-rootless (meson install), or run it from its build "
			    "directory");
}

static int check_user(struct run *r, struct cr_error *err)
{
	const struct cr_config *cfg = r->cfg;

	if (!cfg->user_set)
		return 0;
	if (!userns_map_has(&r->up.uid, cfg->uid) || !userns_map_has(&r->up.gid, cfg->gid)) {
		cr_fail(err, 0, "--user %u:%u is not mapped in the container's user namespace",
			(unsigned)cfg->uid, (unsigned)cfg->gid);
		if (r->up.mode == CR_UIDMAP_SINGLE)
			return cr_hint(err, "only id 0 is mapped without subordinate ids; add "
					    "/etc/subuid and /etc/subgid entries as the warning "
					    "above says, or run without --uidmap=single");
		return cr_hint(err, "use an id within your subordinate ranges (%s)",
			       r->up.subuid_line);
	}
	return 0;
}

static int prepare(struct run *r, struct cr_error *err)
{
	const struct cr_config *cfg = r->cfg;

	if (resolve_rootfs(r, err) < 0 || check_volumes(r, err) < 0 || open_init(r, err) < 0)
		return -1;
	if (cfg->name)
		snprintf(r->name, sizeof(r->name), "%s", cfg->name);
	else
		state_generate_name(r->name, sizeof(r->name));
	r->hostname = cfg->hostname ? cfg->hostname : r->name;
	r->tty = cfg->tty == 1 || (cfg->tty == -1 && isatty(0));
	return 0;
}

static void build_exec(struct run *r)
{
	const struct cr_config *cfg = r->cfg;
	const char *term = getenv("TERM");
	char num[32];

	env_build(cfg, r->hostname, r->tty ? (term && *term ? term : "xterm") : NULL, &r->env);
	strv_push(&r->init_argv, CR_INIT_NAME);
	if (cfg->user_set) {
		snprintf(num, sizeof(num), "%u:%u", (unsigned)cfg->uid, (unsigned)cfg->gid);
		strv_push(&r->init_argv, "--user");
		strv_push(&r->init_argv, num);
	}
	if (r->tty)
		strv_push(&r->init_argv, "--tty");
	strv_push(&r->init_argv, "--");
	if (cfg->args.n == 0)
		strv_push(&r->init_argv, "/bin/sh");
	for (size_t i = 0; i < cfg->args.n; i++)
		strv_push(&r->init_argv, cfg->args.v[i]);
}

static char *make_record(const struct run *r)
{
	const struct cr_config *cfg = r->cfg;
	cleanup_free char *cmd = cr_xstrdup(cfg->args.n ? cfg->args.v[0] : "/bin/sh");

	return cr_xasprintf("rootfs=%s\nremove=%d\npid=%d\ncreated=%lld\ncommand=%s\n", r->rootfs,
			    cfg->remove ? 1 : 0, (int)getpid(), (long long)time(NULL), cmd);
}

static bool tmp_has_content(const char *rootfs)
{
	cleanup_free char *tmp = cr_xasprintf("%s/tmp", rootfs);
	DIR *d = opendir(tmp);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d)))
		found = strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return found;
}

static void choose_overlay(const struct run *r, struct cr_facts *f)
{
	struct statfs sfs;
	const char *fs;

	f->overlay = r->cfg->overlay;
	f->overlay_fallback = false;
	if (f->overlay != CR_OVERLAY_AUTO)
		return;
	f->overlay = CR_OVERLAY_KERNEL;
	f->overlay_fallback = true;
	if (statfs(r->st.upper, &sfs) == 0 && (fs = plan_upper_fs_problem(sfs.f_type))) {
		cr_warn("the writable layer is on %s, where kernel overlayfs cannot keep an upper "
			"dir; using fuse-overlayfs",
			fs);
		f->overlay = CR_OVERLAY_FUSE;
		f->overlay_fallback = false;
	}
}

static int make_plan(struct run *r, struct cr_error *err)
{
	struct cr_facts f = {
	    .rootfs = r->rootfs,
	    .root_mnt = r->st.rootfs_mnt,
	    .upper = r->st.upper,
	    .work = r->st.work,
	    .hostname = r->hostname,
	    .tmp_has_content = tmp_has_content(r->rootfs),
	    .tty_gid_mapped = userns_map_has(&r->up.gid, 5),
	    .src_is_dir = r->src_is_dir,
	};

	choose_overlay(r, &f);
	return plan_build(r->cfg, &f, &r->plan, err);
}

/* Says so when we already run inside a user namespace that does not map every id
 * (a container, LXD): newuidmap cannot map ranges that namespace lacks. */
static const char *nested_note(void)
{
	char map[256];
	struct cr_error ignored;
	unsigned long in, out, count;

	if (cr_read_file("/proc/self/uid_map", map, sizeof(map), &ignored) < 0)
		return "";
	if (sscanf(map, "%lu %lu %lu", &in, &out, &count) == 3 && count == 4294967295UL)
		return "";
	return " (this runs inside a user namespace that maps only part of the ids)";
}

static int enter_userns(struct run *r, struct cr_error *err)
{
	if (userns_create(&r->up, r->cfg->trace, err) == 0)
		return 0;
	if (r->cfg->uidmap != CR_UIDMAP_AUTO || r->up.mode == CR_UIDMAP_SINGLE)
		return -1;
	/* newuidmap refused (e.g. inside a container whose own map is narrow): fall back. */
	cr_warn("%s%s; mapping only your own id, as root", err->msg, nested_note());
	r->up.mode = CR_UIDMAP_SINGLE;
	userns_compute_map(getuid(), NULL, 0, &r->up.uid);
	userns_compute_map(getgid(), NULL, 0, &r->up.gid);
	if (check_user(r, err) < 0)
		return -1;
	return userns_create(&r->up, r->cfg->trace, err);
}

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Handles one signal from the signalfd; returns the child's exit code once it has exited. */
static int on_signal(struct run *r, int sfd)
{
	struct signalfd_siginfo si;
	int status;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return -1;
	if (si.ssi_signo == SIGCHLD) {
		if (waitpid(r->ct.pid, &status, WNOHANG) == r->ct.pid)
			return exit_code(status);
		return -1;
	}
	if (si.ssi_signo == SIGWINCH) {
		if (r->ct.master >= 0)
			tty_copy_winsize(0, r->ct.master);
		return -1;
	}
	kill(r->ct.pid, (int)si.ssi_signo);
	return -1;
}

static void drain_master(int master)
{
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	while (tty_pump(master, 1) > 0)
		;
}

static int supervise(struct run *r)
{
	int sfd = signalfd(-1, &r->forwarded, SFD_CLOEXEC);
	bool stdin_open = r->ct.master >= 0;
	int code = -1, status;
	struct cr_error ignored;

	if (r->ct.master >= 0) {
		tty_make_raw(&r->term, &ignored);
		tty_copy_winsize(0, r->ct.master);
	}
	while (code < 0) {
		struct pollfd p[3] = {{.fd = sfd, .events = POLLIN},
				      {.fd = stdin_open ? 0 : -1, .events = POLLIN},
				      {.fd = r->ct.master, .events = POLLIN}};

		if (sfd < 0 || poll(p, 3, -1) < 0) {
			if (sfd >= 0 && errno == EINTR)
				continue;
			waitpid(r->ct.pid, &status, 0);
			code = exit_code(status);
			break;
		}
		if (p[0].revents & POLLIN)
			code = on_signal(r, sfd);
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR) && tty_pump(0, r->ct.master) <= 0)
			stdin_open = false;
		if (p[2].revents & POLLIN && tty_pump(r->ct.master, 1) < 0 && errno != EIO)
			p[2].fd = -1;
	}
	if (r->ct.master >= 0)
		drain_master(r->ct.master);
	tty_restore(&r->term);
	if (sfd >= 0)
		close(sfd);
	r->ct.pid = 0;
	return code;
}

static void record_exit(struct run *r, int code)
{
	cleanup_free char *path = cr_xasprintf("%s/state", r->st.dir);
	FILE *f = fopen(path, "ae");

	if (f) {
		fprintf(f, "exit_status=%d\nfinished=%lld\n", code, (long long)time(NULL));
		fclose(f);
	}
}

static void cleanup(struct run *r, bool remove)
{
	struct cr_error ignored;
	unsigned long long t0;

	container_release(&r->ct);
	tty_restore(&r->term);
	t0 = cr_now_ns();
	if (r->have_state && remove && state_remove(&r->paths, &r->st, &ignored) == 0)
		trace_step(r->cfg->trace, t0, "rm -rf %s %s", r->st.dir, r->st.data_dir);
	if (r->have_state)
		state_release(&r->st);
	sigprocmask(SIG_SETMASK, &r->oldmask, NULL);
	plan_free(&r->plan);
	strv_free(&r->env);
	strv_free(&r->init_argv);
	state_paths_free(&r->paths);
	free(r->rootfs);
	free(r->src_is_dir);
}

static void block_signals(struct run *r)
{
	static const int sigs[] = {SIGINT,  SIGTERM, SIGHUP,   SIGQUIT,
				   SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD};

	sigemptyset(&r->forwarded);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&r->forwarded, sigs[i]);
	sigprocmask(SIG_BLOCK, &r->forwarded, &r->oldmask);
	signal(SIGPIPE, SIG_IGN);
}

/* A SIGINT, SIGTERM, SIGHUP or SIGQUIT that came during set-up: the user gave up. */
static int interrupted(void)
{
	static const int stops[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	sigset_t pending;

	sigpending(&pending);
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		if (sigismember(&pending, stops[i]))
			return stops[i];
	}
	return 0;
}

static int set_up(struct run *r, struct cr_error *err)
{
	cleanup_free char *record = NULL;
	int sig;

	if (prepare(r, err) < 0 || userns_resolve(r->cfg->uidmap, &r->up, err) < 0 ||
	    check_user(r, err) < 0 || state_paths_init(&r->paths, err) < 0)
		return -1;
	build_exec(r);
	record = make_record(r);
	if (state_create(&r->paths, r->name, record, r->rootfs_mode, &r->st, err) < 0)
		return -1;
	r->have_state = true;
	if (make_plan(r, err) < 0 || enter_userns(r, err) < 0)
		return -1;
	state_collect_garbage(&r->paths);
	sig = interrupted();
	if (sig) {
		err->status = 128 + sig;
		return cr_fail(err, 0, "interrupted during set-up");
	}
	r->ct.plan = &r->plan;
	r->ct.root_mnt = r->st.rootfs_mnt;
	r->ct.state_dir = r->st.dir;
	r->ct.trace = r->cfg->trace;
	r->ct.tty = r->tty;
	r->ct.init_argv = r->init_argv.v;
	r->ct.envp = r->env.v;
	if (container_start(&r->ct, err) < 0 || container_await_exec(&r->ct, err) < 0)
		return -1;
	return 0;
}

int run_container(const struct cr_config *cfg, struct cr_error *err)
{
	struct run r = {.cfg = cfg, .term = {.fd = -1}};
	unsigned long long t0;
	int code;

	container_init(&r.ct);
	block_signals(&r);
	if (set_up(&r, err) < 0) {
		int status = err->status;

		cleanup(&r, true);
		err->status = status;
		return -1;
	}
	t0 = cr_now_ns();
	code = supervise(&r);
	trace_step(cfg->trace, t0, "wait  # the command exited with status %d", code);
	if (!cfg->remove)
		record_exit(&r, code);
	cleanup(&r, cfg->remove);
	return code;
}

int run_remove(const struct cr_strv *names, bool force, struct cr_error *err)
{
	struct cr_userns_plan up;
	struct cr_paths paths;
	int ret = 0;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	if (userns_resolve(CR_UIDMAP_AUTO, &up, err) < 0 || userns_create(&up, false, err) < 0) {
		state_paths_free(&paths);
		return -1;
	}
	for (size_t i = 0; i < names->n; i++) {
		struct cr_state st;
		struct cr_error one;

		if (state_open(&paths, names->v[i], &st, &one) < 0) {
			if (force && !state_exists(&paths, names->v[i]))
				continue;
			*err = one;
			ret = -1;
			continue;
		}
		if (state_remove(&paths, &st, &one) < 0) {
			*err = one;
			ret = -1;
		} else {
			printf("%s\n", names->v[i]);
		}
		state_release(&st);
	}
	state_collect_garbage(&paths);
	state_paths_free(&paths);
	return ret;
}
