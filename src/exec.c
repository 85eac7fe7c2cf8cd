/* exec.c - exec: a command in a running container's namespaces.
 *
 * The front end checks that the container's PID 1 is the one recorded (pidfd,
 * start time), joins all its namespaces in one setns() on that pidfd, and
 * forks the command's process into its PID namespace; that process execs the
 * init helper, which runs the command and reports 126/127 as run does.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "container.h"
#include "env.h"
#include "exec.h"
#include "keeper.h"
#include "landlock.h"
#include "lifecycle.h"
#include "mounts.h"
#include "relay.h"
#include "security.h"
#include "terminfo.h"
#include "supervise.h"
#include "trace.h"
#include "tty.h"
#include "utils.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct exec_ctx {
	const struct cr_exec *x;
	struct cr_config cfg; /* the container's saved configuration */
	struct cr_strv env;
	struct cr_strv argv;
	const char *cwd;
	struct cr_user_spec user;
	char num[32]; /* a numeric user of an older container's configuration */
	bool tty;
	int init_fd;
	int pidfd;
	pid_t pid; /* the container's PID 1, the one pidfd refers to */
	bool own_net;
	int cgroup_fd; /* the container's cgroup: the command goes into it, as PID 1 did; -1 */
	bool in_cgroup;
	int report; /* exec -d: the front end waits on it for the command's start */
};

static int load_container(struct exec_ctx *c, struct cr_error *err)
{
	struct cr_paths paths;
	struct cr_state st;
	struct cr_status s;
	cleanup_free char *text = NULL;
	int ret = -1;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	if (state_validate_name(c->x->name, err) < 0 ||
	    state_open_unlocked(&paths, c->x->name, &st, err) < 0)
		goto out_paths;
	text = state_read_config(&st);
	lifecycle_status(&st, &s);
	if (!text || config_parse(text, &c->cfg) < 0) {
		cr_fail(err, 0, "the configuration of '%s' is damaged", c->x->name);
	} else if (strcmp(s.status, "running") ||
		   (c->pidfd = cr_pidfd_verified(s.pid, s.pid_start)) < 0) {
		cr_fail(err, 0, "container '%s' is not running", c->x->name);
		cr_hint(err, "start it with 'conti-rootless start %s'", c->x->name);
	} else {
		char cg[640];

		c->own_net = s.own_net;
		c->pid = s.pid;
		/* the recorded cgroup, checked to be one of ours, opened before we enter */
		if (state_recorded_cgroup(&st, cg, sizeof(cg)) == 0)
			c->cgroup_fd = open(cg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		/* the keeper's sealed copy of init (keeper.c), while the paths are at hand */
		c->init_fd = keeper_find_init(&paths, err);
		ret = c->init_fd < 0 ? -1 : 0;
	}
	state_release(&st);
out_paths:
	state_paths_free(&paths);
	return ret;
}

/* The TERM of a pty: the caller's when the running container's tree (what its PID 1 sees as
 * /, its writable layer included) knows it, else xterm (terminfo.h). */
static const char *container_term(const struct exec_ctx *c)
{
	cleanup_free char *root = cr_xasprintf("/proc/%d/root", (int)c->pid);
	cleanup_close int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	/* still the PID 1 the pidfd was verified for: its pid was not reused meanwhile */
	if (fd >= 0 && syscall(SYS_pidfd_send_signal, c->pidfd, 0, NULL, 0) < 0) {
		close(fd);
		fd = -1;
	}
	return terminfo_choose(&fd, 1, getenv("TERM"));
}

static void build(struct exec_ctx *c)
{
	const struct cr_exec *x = c->x;
	c->tty = !x->detach && (x->tty == 1 || (x->tty == -1 && isatty(0)));
	env_build(&c->cfg, c->cfg.hostname ? c->cfg.hostname : c->cfg.name,
		  c->tty ? container_term(c) : NULL, &c->env);
	for (size_t i = 0; i < x->env.n; i++)
		env_set(&c->env, x->env.v[i]);
	c->cwd = x->cwd ? x->cwd : c->cfg.cwd ? c->cfg.cwd : "/";
	strv_push(&c->argv, CR_INIT_NAME);
	/* -u, else the container's (a keep-id container's: your own), resolved inside */
	if (x->user_set) {
		c->user.spec = x->user;
	} else if (c->cfg.user) {
		c->user.spec = c->cfg.user;
	} else if (c->cfg.user_set) {
		snprintf(c->num, sizeof(c->num), "%u:%u", (unsigned)c->cfg.uid,
			 (unsigned)c->cfg.gid);
		c->user.spec = c->num;
	}
	c->user.home_given = env_has(&c->cfg.env, "HOME") || env_has(&x->env, "HOME");
	if (c->tty)
		strv_push(&c->argv, "--tty");
	strv_push(&c->argv, "--");
	for (size_t i = 0; i < x->args.n; i++)
		strv_push(&c->argv, x->args.v[i]);
}

/* Closes every descriptor from 3 up but a and b (the channel and the init helper): no
 * file of the caller's is within reach once we are in the container. */
static void close_all_but(int a, int b)
{
	int keep[2] = {a < b ? a : b, a < b ? b : a};
	unsigned from = 3;

	for (int i = 0; i < 2; i++) {
		if (keep[i] < (int)from)
			continue;
		if (keep[i] > (int)from)
			syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0U);
		from = (unsigned)keep[i] + 1;
	}
	if (syscall(SYS_close_range, from, ~0U, 0U) < 0)
		syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
}

/* The exec'd process, in the container's PID namespace: never returns. */
static void __attribute__((noreturn)) child(struct exec_ctx *c, int sock)
{
	struct cr_error err = {0};
	struct pollfd pfd = {.fd = sock, .events = 0};

	/* into the container's cgroup before anything (an older kernel: no CLONE_INTO_CGROUP) */
	if (c->cgroup_fd >= 0 && !c->in_cgroup && container_enter_cgroup(c->cgroup_fd, &err) < 0)
		goto fail;
	/* in the cgroup, into PID 1's cgroup namespace too (container.c: rooted at the cgroup);
	 * only now: with nsdelegate, the move needs both cgroups in our namespace's view. A
	 * container started without one is in ours, which we may not join again: EPERM. */
	if (c->cgroup_fd >= 0 && setns(c->pidfd, CLONE_NEWCGROUP) < 0 && errno != EPERM) {
		cr_fail(&err, errno, "join the cgroup namespace of the container");
		goto fail;
	}
	close_all_but(sock, c->init_fd);
	/* A keep-id container's own user namespace, joined from outside: we are our own uid
	 * there, not its root, and would lose every capability at the exec of init. Its root,
	 * as its PID 1 is (before the prctls below, which an id change resets). */
	if (geteuid() != 0 &&
	    (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
		cr_fail(&err, errno, "become root of the container's user namespace");
		goto fail;
	}
	/* Killed with the front end; the init helper passes it on to the command (init.c). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP))
		_exit(CR_EXIT_TOOL); /* the front end died before the line above */
	prctl(PR_SET_DUMPABLE, 0);   /* the container may not open our /proc/PID/exe */
	if (mounts_chdir_in_root(c->cwd, &err) < 0)
		goto fail;
	if (c->tty) {
		int master = tty_open_container_pty(&err);

		if (master < 0)
			goto fail;
		if (cr_send_msg(sock, "T", 1, master) < 0) {
			cr_fail(&err, errno, "pass the pseudo-terminal");
			goto fail;
		}
		close(master);
	}
	/* The container's --ulimit, as its PID 1 set them (podman's exec does the same) */
	for (size_t i = 0; i < c->cfg.nrlimits; i++) {
		if (mounts_set_rlimit(&c->cfg.rlimits[i], &err) < 0)
			goto fail;
	}
	/* Scoped as PID 1 is (plan.c), in a Landlock domain of its own: none can be joined. */
	if (!c->own_net && c->cfg.sec.landlock && !c->cfg.sec.privileged && landlock_can_scope() &&
	    landlock_scope_abstract_unix(&err) < 0)
		goto fail;
	container_exec_init(c->init_fd, c->argv.v, c->env.v, &c->user, &c->cfg.sec, false, &err);
fail:
	cr_send_msg(sock, &err, sizeof(err), -1);
	_exit(CR_EXIT_TOOL);
}

/* Waits for the child to exec (end of stream), taking its pty master on the way. */
static int await(int sock, int *master, struct cr_error *err)
{
	struct cr_error child_err;
	int fd;
	ssize_t n;

	for (;;) {
		n = cr_recv_msg(sock, &child_err, sizeof(child_err), &fd);
		if (n == 0)
			return 0;
		if (n == 1 && fd >= 0) {
			*master = fd;
			continue;
		}
		if (fd >= 0)
			close(fd);
		if (n == (ssize_t)sizeof(child_err)) {
			*err = child_err;
			return -1;
		}
		return cr_fail(err, n < 0 ? errno : EPROTO, "read from the exec'd process");
	}
}

static int enter_and_run(struct exec_ctx *c, struct cr_error *err)
{
	int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
		    (c->own_net ? CLONE_NEWNET : 0);
	sigset_t set, old;
	int sv[2], master = -1, code, errnum;
	struct cr_relay relay;
	unsigned long long t0;
	pid_t pid;

	/* Without a pty, the caller's files and terminal are relayed, never handed over. */
	relay_init(&relay);
	if (!c->tty && relay_open(&relay, err) < 0) {
		relay_close(&relay);
		return -1;
	}
	/* Non-dumpable before we enter: the process forked into the container's PID namespace
	 * inherits it, so that the container never opens our (the front end's) binary through
	 * its /proc/PID/exe, even before it execs init. */
	prctl(PR_SET_DUMPABLE, 0);
	t0 = cr_now_ns();
	if (setns(c->pidfd, flags) < 0) {
		relay_close(&relay);
		return cr_fail(err, errno, "join the namespaces of container '%s'", c->x->name);
	}
	trace_step(c->x->trace, t0, "nsenter --user --mount --pid --uts --ipc%s --target %d",
		   c->own_net ? " --net" : "", (int)c->pid);
	t0 = cr_now_ns();
	if (relay_install(&relay, err) < 0) {
		relay_close(&relay);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		relay_restore(&relay);
		relay_close(&relay);
		return cr_fail(err, errno, "socketpair");
	}
	supervise_block_signals(&set, &old);
	fflush(NULL);
	pid = container_clone(0, c->cgroup_fd, &c->in_cgroup);
	/* From a cgroup that shares no delegated ancestor with the container's (a second login
	 * outside user@UID.service) the kernel refuses the move: without limits of the user's,
	 * the command runs outside it, as it would have on a host without delegation. */
	if (pid < 0 && (errno == EACCES || errno == EPERM) && !cgroup_needed(&c->cfg.res)) {
		close(c->cgroup_fd);
		c->cgroup_fd = -1;
		pid = fork();
	}
	if (pid == 0) {
		close(sv[0]);
		child(c, sv[1]);
	}
	errnum = errno;
	relay_restore(&relay);
	close(sv[1]);
	if (pid < 0 || await(sv[0], &master, err) < 0) {
		close(sv[0]);
		relay_close(&relay);
		if (pid < 0 && c->cgroup_fd >= 0) {
			cr_fail(err, errnum, "put the command into the cgroup of container '%s'",
				c->x->name);
			return cr_hint(err,
				       "run exec from a shell in the cgroup subtree delegated "
				       "to you (user@UID.service), where the container started");
		}
		if (pid < 0)
			return cr_fail(err, errnum, "fork");
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(sv[0]);
	trace_step(c->x->trace, t0, "fork; exec %s  # in the container, as pid %d here",
		   c->x->args.v[0], (int)pid);
	t0 = cr_now_ns();
	if (c->report >= 0) { /* exec -d: the command runs; the front end may go */
		struct cr_error ok = {0};

		cr_write_all(c->report, &ok, sizeof(ok));
		close(c->report);
		c->report = -1;
	}
	code = supervise(pid, master, &set, &relay);
	trace_step(c->x->trace, t0, "wait  # the command exited with status %d", code);
	relay_close(&relay);
	if (master >= 0)
		close(master);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return code;
}

/* exec -d: a supervisor of the command's own, in a session of its own, with /dev/null as
 * its stdio (docker discards a detached exec's output), waits for it; the front end
 * returns once the command runs. The command dies with that supervisor, or with the
 * container. */
static int run_detached(struct exec_ctx *c, struct cr_error *err)
{
	int pipefd[2], null;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return cr_fail(err, errno, "pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return cr_fail(err, errno, "fork");
	}
	if (pid == 0) {
		int keep[] = {pipefd[1], c->init_fd, c->pidfd, c->cgroup_fd};
		int code;

		close(pipefd[0]);
		setsid();
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(CR_EXIT_TOOL);
		close(null);
		cr_close_fds(keep, sizeof(keep) / sizeof(keep[0]), false);
		c->report = pipefd[1];
		code = enter_and_run(c, err);
		if (c->report >= 0) /* it failed before the command ran */
			cr_write_all(c->report, err, sizeof(*err));
		_exit(code < 0 ? CR_EXIT_TOOL : code);
	}
	close(pipefd[1]);
	n = cr_read_all(pipefd[0], err, sizeof(*err));
	close(pipefd[0]);
	if (n != (ssize_t)sizeof(*err))
		return cr_fail(err, ECHILD, "the detached exec's supervisor died");
	return err->msg[0] ? -1 : 0;
}

int exec_in_container(const struct cr_exec *x, struct cr_error *err)
{
	struct exec_ctx c = {.x = x, .init_fd = -1, .pidfd = -1, .cgroup_fd = -1, .report = -1};
	int ret = -1;

	config_init(&c.cfg);
	if (load_container(&c, err) == 0) {
		build(&c);
		ret = x->detach ? run_detached(&c, err) : enter_and_run(&c, err);
	}
	if (c.init_fd >= 0)
		close(c.init_fd);
	if (c.pidfd >= 0)
		close(c.pidfd);
	if (c.cgroup_fd >= 0)
		close(c.cgroup_fd);
	strv_free(&c.env);
	strv_free(&c.argv);
	config_free(&c.cfg);
	return ret;
}
