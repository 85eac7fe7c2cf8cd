/* container.c - the container's PID 1 from clone to exec, and the set-up channel. */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "env.h"
#include "init-signals.h"
#include "keeper.h"
#include "security.h"
#include "trace.h"
#include "tty.h"
#include "user.h"
#include "utils.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* clone3's argument (linux/sched.h, which musl's headers leave out), up to cgroup (v2). */
struct cr_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
	    set_tid_size, cgroup;
};

pid_t container_clone(unsigned long flags, int cgroup_fd, bool *entered)
{
	struct cr_clone_args a = {.flags = flags, .exit_signal = SIGCHLD};
	long pid;

	*entered = false;
	if (cgroup_fd >= 0) {
		a.flags |= CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)cgroup_fd;
		pid = syscall(SYS_clone3, &a, sizeof(a));
		if (pid >= 0) {
			*entered = true;
			return (pid_t)pid;
		}
		/* An older kernel: no clone3 (ENOSYS), no cgroup field (E2BIG), no flag (EINVAL);
		 * a failure of the cgroup itself, or of the namespaces, is the real one. */
		if (errno != ENOSYS && errno != E2BIG && errno != EINVAL)
			return -1;
	}
	if (!flags)
		return fork();
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

int container_enter_cgroup(int cgroup_fd, struct cr_error *err)
{
	cleanup_close int fd = openat(cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 || write(fd, "0", 1) != 1)
		return cr_fail(err, errno, "move into the container's cgroup");
	return 0;
}

/* No supplementary group of the caller's: container root, or -u UID[:GID], has none, as in
 * podman. Where the user namespace was mapped without newgidmap (--uidmap=single with no
 * subordinate ids) /proc/PID/setgroups is "deny" and the kernel keeps them (EPERM). */
static int drop_groups(bool trace, struct cr_error *err)
{
	unsigned long long t0 = trace ? cr_now_ns() : 0;

	if (setgroups(0, NULL) < 0) {
		if (errno != EPERM)
			return cr_fail(err, errno, "drop the supplementary groups");
		trace_step(trace, t0, "setpriv --clear-groups  # denied: setgroups is 'deny' here");
		return 0;
	}
	trace_step(trace, t0, "setpriv --clear-groups");
	return 0;
}

/* The init helper's arguments and environment for -u SPEC, resolved in the container's
 * /etc/passwd and /etc/group (we are inside its root now): "--user UID:GID" and
 * "--groups GID,..." after argv[0], and HOME from passwd unless the user gave one. */
static int resolve_user(const struct cr_user_spec *user, char *const **argv, char *const **envp,
			bool trace, struct cr_error *err)
{
	unsigned long long t0 = trace ? cr_now_ns() : 0;
	struct cr_strv a = {0}, e = {0};
	struct cr_user u;
	char num[32];

	if (user_resolve_in_root(user->spec, &u, err) < 0)
		return -1;
	strv_push(&a, (*argv)[0]);
	snprintf(num, sizeof(num), "%u:%u", (unsigned)u.uid, (unsigned)u.gid);
	strv_push(&a, "--user");
	strv_push(&a, num);
	if (u.ngroups) {
		char list[CR_USER_GROUPS_MAX * 11 + 1] = "";
		size_t at = 0;

		for (size_t i = 0; i < u.ngroups; i++)
			at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%u", i ? "," : "",
					       (unsigned)u.groups[i]);
		strv_push(&a, "--groups");
		strv_push(&a, list);
	}
	for (size_t i = 1; (*argv)[i]; i++)
		strv_push(&a, (*argv)[i]);
	for (size_t i = 0; (*envp)[i]; i++)
		strv_push(&e, (*envp)[i]);
	if (!user->home_given) {
		cleanup_free char *home = cr_xasprintf("HOME=%s", u.home);

		env_set(&e, home);
	}
	*argv = a.v; /* the process execs or exits: nothing to free */
	*envp = e.v;
	trace_step(trace, t0, "id %s  # uid=%u gid=%u, %zu supplementary groups, HOME=%s",
		   user->spec, (unsigned)u.uid, (unsigned)u.gid, u.ngroups, u.home);
	return 0;
}

void container_exec_init(int init_fd, char *const *argv, char *const *envp,
			 const struct cr_user_spec *user, const struct cr_security *sec, bool trace,
			 struct cr_error *err)
{
	static const int forwarded[] = {CR_INIT_FORWARDED_SIGNALS, SIGCHLD};
	sigset_t set;

	setsid(); /* no controlling terminal of the caller's: no TIOCSTI into it */
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_SETMASK, &set, NULL); /* init-signals.h says why */
	syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
	if (drop_groups(trace, err) < 0)
		return;
	if (user && user->spec && resolve_user(user, &argv, &envp, trace, err) < 0)
		return;
	if (trace) {
		char what[1024];

		security_describe(sec, what, sizeof(what));
		trace_step(true, cr_now_ns(), "%s", what);
	}
	if (security_apply(sec, err) < 0)
		return;
	if (trace) {
		char line[256] = "exec " CR_INIT_NAME;
		size_t off = strlen(line);

		/* its options: --user, --tty, --in-place (the command replaces it as PID 1) */
		for (size_t i = 1; argv[i] && strcmp(argv[i], "--") && off < sizeof(line); i++)
			off += (size_t)snprintf(line + off, sizeof(line) - off, " %s", argv[i]);
		trace_step(true, cr_now_ns(), "%s", line);
	}
	syscall(SYS_execveat, init_fd, "", argv, envp, AT_EMPTY_PATH);
	cr_fail(err, errno, "exec the init helper");
}

void container_init(struct cr_container *c)
{
	memset(c, 0, sizeof(*c));
	c->init_fd = -1;
	c->sock = -1;
	c->master = -1;
	c->fuse_log = -1;
	c->fuse_userns = -1;
	c->cgroup_fd = -1;
}

/* Messages between the front end and the container's PID 1 during set-up, on a
 * SOCK_SEQPACKET pair. The container's end is close-on-exec: end of stream means
 * it has exec'd the init helper. */
enum msg_type {
	MSG_MAPPED = 'M',   /* to PID 1: its user namespace is mapped; go on */
	MSG_ERROR = 'E',    /* either way: set-up failed, err says why */
	MSG_NS = 'N',	    /* to the front end: a namespace (kind op, with its fd), for a handle */
	MSG_CREATED = 'C',  /* to the front end: set up; waiting to be started */
	MSG_FUSE = 'F',	    /* to the front end: start fuse-overlayfs for step op (with mntns fd) */
	MSG_PTY = 'T',	    /* to the front end: the pty master (with its fd) */
	MSG_USERNS = 'U',   /* to the front end: PID 1's own user namespace, for fuse-overlayfs */
	MSG_NET_WAIT = 'W', /* to the front end: answer when the private network is up */
	MSG_NET_UP = 'P',   /* to PID 1: it is (else MSG_ERROR, or the front end goes away) */
};

struct msg {
	char type;
	unsigned op;
	struct cr_error err;
};

/* In the container: asks the front end for fuse-overlayfs and waits for the mount. */
static int request_fuse(void *arg, const struct cr_op *op, struct cr_error *err)
{
	struct cr_container *c = arg;
	struct msg m = {.type = MSG_FUSE, .op = (unsigned)(op - c->plan->ops)};
	unsigned long long deadline = cr_now_ns() + 10ULL * 1000000000ULL;
	cleanup_close int ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	cleanup_free char *parent = cr_xstrdup(op->dst);
	struct pollfd pfd = {.fd = c->sock, .events = 0};

	/* The daemon mounts from a copy of our mount namespace (so that our pivot_root does not
	 * move its root); the state dir, bound shared, carries its mount over to us. */
	*strrchr(parent, '/') = '\0';
	if (mount(parent, parent, NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, parent, NULL, MS_SHARED, NULL) < 0)
		return cr_fail(err, errno, "make %s a shared mount point", parent);
	/* In a user namespace of our own, the daemon joins it: a copy of our mount namespace
	 * made from another user namespace would turn the shared mount point into a slave,
	 * and its mount would never reach us. */
	if (c->nested_uidmap) {
		struct msg u = {.type = MSG_USERNS};
		cleanup_close int user = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);

		if (user < 0 || cr_send_msg(c->sock, &u, sizeof(u), user) < 0)
			return cr_fail(err, errno, "pass our user namespace to the front end");
	}
	if (ns < 0 || cr_send_msg(c->sock, &m, sizeof(m), ns) < 0)
		return cr_fail(err, errno, "ask for fuse-overlayfs");
	while (!mounts_is_fuse(op->dst)) {
		if (cr_now_ns() > deadline)
			return cr_fail(err, ETIMEDOUT, "fuse-overlayfs did not mount %s", op->dst);
		/* The front end kills us if the daemon fails; it only goes away if it dies. */
		if (poll(&pfd, 1, 1) == 1 && (pfd.revents & POLLHUP))
			return cr_fail(err, EPIPE, "the front end went away");
	}
	if (mount(NULL, parent, NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return cr_fail(err, errno, "make %s private", parent);
	return 0;
}

/* Sends the front end our namespaces, one message each, for their handles. */
static int send_namespaces(struct cr_container *c, struct cr_error *err)
{
	for (int kind = 0; kind < CR_NS_KINDS; kind++) {
		struct msg m = {.type = MSG_NS, .op = (unsigned)kind};
		char path[32];
		int fd;

		if (!strcmp(cr_ns_names[kind], "net") && !c->own_net)
			continue;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", cr_ns_names[kind]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || cr_send_msg(c->sock, &m, sizeof(m), fd) < 0) {
			if (fd >= 0)
				close(fd);
			return cr_fail(err, errno, "pass %s to the front end", path);
		}
		close(fd);
	}
	return 0;
}

/* A private network: the helper started as our namespaces came; waits until it has
 * configured the interface (and forwarded the ports) before the command can run. */
static int wait_for_net(struct cr_container *c, struct cr_error *err)
{
	struct msg m = {.type = MSG_NET_WAIT};
	int fd = -1;

	if (cr_send_msg(c->sock, &m, sizeof(m), -1) < 0)
		return cr_fail(err, errno, "ask the front end for the network");
	if (cr_recv_msg(c->sock, &m, sizeof(m), &fd) != sizeof(m) || m.type != MSG_NET_UP)
		_exit(CR_EXIT_TOOL); /* the front end failed, and says why */
	if (fd >= 0)
		close(fd);
	return 0;
}

/* Created, not started: tells the front end, then waits for `start` to write the FIFO. */
static int wait_for_start(struct cr_container *c, int fd, struct cr_error *err)
{
	struct msg m = {.type = MSG_CREATED};
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char go;

	if (cr_send_msg(c->sock, &m, sizeof(m), -1) < 0)
		return cr_fail(err, errno, "tell the front end");
	while (poll(&p, 1, -1) < 0 || read(fd, &go, 1) != 1) {
		if (errno != EINTR && errno != EAGAIN)
			return cr_fail(err, errno, "wait to be started");
	}
	close(fd);
	return 0;
}

static void __attribute__((noreturn)) container_main(struct cr_container *c)
{
	struct msg m = {.type = MSG_ERROR};
	struct pollfd pfd = {.fd = c->sock, .events = POLLIN};
	int start_fd = -1;
	size_t i;

	/* Cloned into its cgroup, or (an older kernel) moved there before anything else runs;
	 * its fd, the user's delegated tree, is ours, never the container's. */
	if (c->cgroup_fd >= 0 && !c->in_cgroup && container_enter_cgroup(c->cgroup_fd, &m.err) < 0)
		goto fail;
	/* moved in by hand, the cgroup namespace cloned with us is rooted where we came from */
	if (c->cgroup_fd >= 0 && !c->in_cgroup && unshare(CLONE_NEWCGROUP) < 0) {
		cr_fail(&m.err, errno, "unshare the cgroup namespace");
		goto fail;
	}
	if (c->cgroup_fd >= 0)
		close(c->cgroup_fd);
	c->cgroup_fd = -1;
	/* The caller's files go at exec; every path inside is resolved without magic links
	 * (mounts.c), so that none of them, not even by /proc/self/fd/N, is reached before. */
	syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP))
		_exit(CR_EXIT_TOOL); /* the front end died before we could notice */
	if (c->trace && !c->nested_uidmap) {
		/* PID 1 traces its own birth: the front end's line could come after ours (with a
		 * nested user namespace we wait for the front end, which traces it then). */
		char line[256];

		plan_format_op(&c->plan->ops[0], c->root_mnt, line, sizeof(line));
		trace_step(true, c->started_ns, "%s", line);
	}
	if (c->nested_uidmap &&
	    (cr_recv_msg(c->sock, &m, sizeof(m), &start_fd) != sizeof(m) || m.type != MSG_MAPPED))
		_exit(CR_EXIT_TOOL); /* the front end could not map us, and says why */
	m.type = MSG_ERROR;
	/* Only now: a non-dumpable process's /proc files belong to root, and the front end
	 * had to write our uid_map. From here the container may not open our /proc/PID/exe. */
	prctl(PR_SET_DUMPABLE, 0);
	if (cr_mntns_newer_than(c->parent_mntns) < 0) {
		cr_fail(&m.err, 0, "no mount namespace newer than the keeper's could be made");
		goto fail;
	}
	if (send_namespaces(c, &m.err) < 0)
		goto fail;
	if (c->start_fifo) {
		start_fd = open(c->start_fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (start_fd < 0) {
			cr_fail(&m.err, errno, "open %s", c->start_fifo);
			goto fail;
		}
	}
	c->mctx.start_fuse = request_fuse;
	c->mctx.fuse_arg = c;
	for (i = 1; i < c->plan->n && c->plan->ops[i].kind != CR_OP_EXEC; i++) {
		if (mounts_apply(&c->plan->ops[i], &c->mctx, &m.err) < 0)
			goto fail;
	}
	if (c->net && wait_for_net(c, &m.err) < 0)
		goto fail;
	if (start_fd >= 0 && wait_for_start(c, start_fd, &m.err) < 0)
		goto fail;
	if (c->tty) {
		int master = tty_open_container_pty(&m.err);

		if (master < 0)
			goto fail;
		m.type = MSG_PTY;
		if (cr_send_msg(c->sock, &m, sizeof(m), master) < 0) {
			cr_fail(&m.err, errno, "pass the pseudo-terminal to the front end");
			m.type = MSG_ERROR;
			goto fail;
		}
		m.type = MSG_ERROR;
		close(master);
	}
	container_exec_init(c->init_fd, c->init_argv, c->envp, &c->user, c->sec, c->trace, &m.err);
fail:
	cr_send_msg(c->sock, &m, sizeof(m), -1);
	_exit(CR_EXIT_TOOL);
}

/* Writes the maps of PID 1's own user namespace (we hold CAP_SETUID in its parent, the
 * keeper's: no setuid helper needed) and lets it go on. */
static int map_nested(struct cr_container *c, struct cr_error *err)
{
	unsigned long long t0 = cr_now_ns();
	struct msg m = {.type = MSG_MAPPED};
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)c->pid);
	if (cr_write_file(path, c->nested_uidmap, strlen(c->nested_uidmap), 0, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)c->pid);
	if (cr_write_file(path, c->nested_gidmap, strlen(c->nested_gidmap), 0, err) < 0)
		return -1;
	/* Traced before PID 1 goes on, so that the lines come in the order of the steps. */
	if (c->trace) {
		char line[256];

		plan_format_op(&c->plan->ops[0], c->root_mnt, line, sizeof(line));
		trace_step(true, c->started_ns, "%s --user", line);
	}
	trace_step(c->trace, t0, "echo '%.*s' > /proc/%d/uid_map  # and gid_map",
		   (int)strcspn(c->nested_uidmap, "\n"), c->nested_uidmap, (int)c->pid);
	if (cr_send_msg(c->sock, &m, sizeof(m), -1) < 0)
		return cr_fail(err, errno, "tell the container it is mapped");
	return 0;
}

int container_start(struct cr_container *c, struct cr_error *err)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return cr_fail(err, errno, "socketpair");
	mounts_ctx_init(&c->mctx, c->root_mnt, c->trace);
	c->started_ns = cr_now_ns();
	keeper_drop_handles(c->state_dir); /* a killed run of the same name may have left some */
	/* A cgroup of its own comes with a cgroup namespace rooted there (podman's private
	 * cgroupns): the host's path stays out of /proc/self/cgroup, and where the cgroup2 mount
	 * has nsdelegate, the kernel keeps the container from moving out of its cgroup or
	 * writing its limits, even through the host's cgroup mount (--net host binds /sys). */
	c->pid = container_clone(c->plan->ops[0].nsflags | (c->nested_uidmap ? CLONE_NEWUSER : 0) |
				     (c->cgroup_fd >= 0 ? CLONE_NEWCGROUP : 0),
				 c->cgroup_fd, &c->in_cgroup);
	if (c->pid == 0) {
		close(sv[0]);
		c->sock = sv[1];
		container_main(c);
	}
	close(sv[1]);
	c->sock = sv[0];
	if (c->pid < 0) {
		c->pid = 0;
		return cr_fail(err, errno, "create the container's namespaces");
	}
	if (c->nested_uidmap && map_nested(c, err) < 0)
		return -1;
	/* The handles go into the keeper's mount namespace; PID 1's is a copy of ours. */
	if (c->keeper && keeper_join_mounts(c->keeper, c->trace, err) < 0) {
		if (err->errnum != ESRCH)
			return -1;
		/* The keeper died since we joined its user namespace: the container runs without
		 * handles, as it would had the keeper been killed a moment later. */
		c->keeper = NULL;
	}
	return 0;
}

/* Starts fuse-overlayfs in the container's mount namespace (ns), as asked. */
static int start_fuse(struct cr_container *c, const struct msg *m, int ns, struct cr_error *err)
{
	cleanup_free char *log = cr_xasprintf("%s/fuse-overlayfs.log", c->state_dir);

	if (m->op >= c->plan->n)
		return cr_fail(err, EPROTO, "read from the container");
	c->fuse_log = open(log, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
	c->fuse_pid = mounts_spawn_fuse(&c->plan->ops[m->op], c->fuse_userns, ns, c->fuse_log, err);
	if (c->fuse_pid < 0) {
		c->fuse_pid = 0;
		return -1;
	}
	c->fuse_dst = c->plan->ops[m->op].dst;
	return 0;
}

/* fuse-overlayfs exited before the container started: tell the container why. */
/* fuse-overlayfs exited before the container started: why, in err (-1), else 0. */
static int check_fuse(struct cr_container *c, struct cr_error *err)
{
	int status;

	if (c->fuse_pid <= 0 || waitpid(c->fuse_pid, &status, WNOHANG) != c->fuse_pid)
		return 0;
	c->fuse_pid = 0;
	return mounts_fuse_failed(status, c->fuse_log, c->fuse_dst, err);
}

/* PID 1's user namespace is kept for the helper until its network namespace comes (they
 * come in that order); then the helper starts, while PID 1 goes on with its mounts. */
static int attach_net(struct cr_container *c, int kind, int fd, struct cr_error *err)
{
	int userns;

	if (!strcmp(cr_ns_names[kind], "user")) {
		if (c->net->userns_fd >= 0)
			close(c->net->userns_fd);
		c->net->userns_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		return c->net->userns_fd < 0 ? cr_fail(err, errno, "dup") : 0;
	}
	if (strcmp(cr_ns_names[kind], "net"))
		return 0;
	if (c->net->userns_fd < 0)
		return cr_fail(err, EPROTO, "the container sent its network namespace first");
	userns = c->net->userns_fd;
	c->net->userns_fd = -1;
	return net_attach(c->net, userns, fcntl(fd, F_DUPFD_CLOEXEC, 3), err);
}

/* PID 1 waits for the network: it is up (MSG_NET_UP), or the set-up fails here. */
static int net_up(struct cr_container *c, struct cr_error *err)
{
	struct msg m = {.type = MSG_NET_UP};

	if (net_wait_ready(c->net, c->pid, err) < 0)
		return -1;
	if (cr_send_msg(c->sock, &m, sizeof(m), -1) < 0)
		return cr_fail(err, errno, "tell the container its network is up");
	return 0;
}

/* One request of PID 1: a handle, the pty, fuse-overlayfs. A failure here fails the
 * set-up; the caller's container_release() kills PID 1, which is waiting or busy. */
static int serve(struct cr_container *c, const struct msg *m, int fd, struct cr_error *err)
{
	if (m->type == MSG_NS && fd >= 0 && m->op < CR_NS_KINDS) {
		if (c->net && attach_net(c, (int)m->op, fd, err) < 0)
			return -1;
		return c->keeper ? keeper_add_handle(c->state_dir, (int)m->op, fd, err) : 0;
	}
	if (m->type == MSG_NET_WAIT && c->net)
		return net_up(c, err);
	if (m->type == MSG_FUSE && fd >= 0)
		return start_fuse(c, m, fd, err);
	*err = m->err;
	return -1;
}

/* Serves the container's requests until its PID 1 has exec'd init (end of stream). */
int container_await_exec(struct cr_container *c, struct cr_error *err)
{
	struct msg m;
	int fd, ret;
	ssize_t n;

	for (;;) {
		struct pollfd pfd = {.fd = c->sock, .events = POLLIN};

		if (poll(&pfd, 1, c->fuse_pid > 0 ? 5 : -1) == 0) {
			if (check_fuse(c, err) < 0)
				return -1;
			continue;
		}
		n = cr_recv_msg(c->sock, &m, sizeof(m), &fd);
		if (n == 0) {
			close(c->sock);
			c->sock = -1;
			return 0;
		}
		if (n != sizeof(m)) {
			if (fd >= 0)
				close(fd);
			return cr_fail(err, n < 0 ? errno : EPROTO, "read from the container");
		}
		if (m.type == MSG_CREATED)
			return 1;
		if (m.type == MSG_PTY && fd >= 0) {
			c->master = fd;
			continue;
		}
		if (m.type == MSG_USERNS && fd >= 0 && c->fuse_userns < 0) {
			c->fuse_userns = fd;
			continue;
		}
		ret = serve(c, &m, fd, err);
		if (fd >= 0)
			close(fd);
		if (ret < 0)
			return -1;
	}
}

void container_release(struct cr_container *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	c->pid = 0;
	mounts_stop_fuse(c->fuse_pid);
	c->fuse_pid = 0;
	if (c->fuse_log >= 0)
		close(c->fuse_log);
	if (c->sock >= 0)
		close(c->sock);
	if (c->master >= 0)
		close(c->master);
	if (c->init_fd >= 0)
		close(c->init_fd);
	if (c->fuse_userns >= 0)
		close(c->fuse_userns);
	c->fuse_log = c->sock = c->master = c->init_fd = c->fuse_userns = -1;
}
