/* create.c - `create`: a container from a bundle, its process waiting to be started.
 *
 * The runtime (R) forks P; P joins the namespaces config.json gives by path (user first) and
 * clones C into the new ones; P passes C's pid to R and exits. R maps C's user namespace,
 * C sets up its root (the plan's steps up to pivot_root), R runs the prestart and
 * createRuntime hooks, C runs createContainer, pivots, opens the pty, says "created" and
 * waits on ROOT/ID/exec.fifo. R and C talk over a SOCK_SEQPACKET pair: each message is a
 * type byte and its payload (a pid, a struct cr_error, the state JSON).
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/magic.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "container.h"
#include "keeper.h"
#include "mounts.h"
#include "oci/console.h"
#include "oci/execve.h"
#include "oci/hooks.h"
#include "oci/lifecycle.h"
#include "oci/process.h"
#include "oci/spec.h"
#include "oci/state.h"
#include "plan.h"
#include "userns.h"
#include "utils.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define KEYCTL_JOIN_SESSION_KEYRING 1

enum msg_type {
	MSG_PID = 'P',	    /* P to R: C's pid */
	MSG_DUMPABLE = 'D', /* C to R: its maps may be written (new user namespace) */
	MSG_MAPPED = 'M',   /* R to C: R has C's pid, and mapped its user namespace if new */
	MSG_READY = 'R',    /* C to R: set up up to pivot_root */
	MSG_GO = 'G',	    /* R to C: hooks done; payload: the state JSON */
	MSG_CREATED = 'C',  /* C to R: waiting on exec.fifo */
	MSG_ERROR = 'E',    /* C or P to R: payload struct cr_error */
};

#define MSG_MAX (256 << 10)
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Everything C needs, set up by R before the fork. */
struct create_ctx {
	const struct oci_create_opts *opts;
	struct oci_spec spec;
	struct cr_plan plan;
	int sock;	 /* our end of the socketpair */
	int fifo_fd;	 /* exec.fifo, O_RDONLY|O_NONBLOCK */
	int console_fd;	 /* the engine's console socket, -1: none */
	int ns_fds[8];	 /* namespaces joined by path, user first */
	int ns_types[8]; /* their CLONE_NEW* */
	size_t nns;	 /* how many */
	unsigned long clone_flags;
	bool new_userns;
	bool debug;	     /* --debug: each set-up step on stderr, as --trace */
	pid_t pid;	     /* C, in our PID namespace */
	struct cr_cgroup cg; /* C's own cgroup (dirfd -1: none); C is cloned into its leaf */
	bool in_cgroup;	     /* it was (else C moves itself there first) */
	bool cgroupns_late;  /* config.json's cgroup namespace: C unshares it once in the leaf */
};

static int send_type(int sock, char type, const void *payload, size_t len)
{
	cleanup_free char *buf = cr_xmalloc(len + 1);

	buf[0] = type;
	if (len)
		memcpy(buf + 1, payload, len);
	return cr_send_msg(sock, buf, len + 1, -1);
}

/* Reports err to R and dies (C and P). */
static void __attribute__((noreturn)) die(int sock, const struct cr_error *err)
{
	send_type(sock, MSG_ERROR, err, sizeof(*err));
	_exit(err->status ? err->status : CR_EXIT_TOOL);
}

/* Receives one message of type want into buf (MSG_MAX bytes); -1 on anything else. */
static ssize_t recv_type(int sock, char want, char *buf, struct cr_error *err)
{
	ssize_t n;

	int fd;

	buf[0] = '\0';
	do
		n = cr_recv_msg(sock, buf, MSG_MAX - 1, &fd);
	while (n < 0 && errno == EINTR);
	if (n >= 0 && fd >= 0)
		close(fd); /* none is passed here */
	if (n > 0 && buf[0] == MSG_ERROR && (size_t)n == 1 + sizeof(*err)) {
		memcpy(err, buf + 1, sizeof(*err));
		err->msg[sizeof(err->msg) - 1] = err->hint[sizeof(err->hint) - 1] = '\0';
		return -1;
	}
	if (n <= 0 || buf[0] != want)
		return cr_fail(err, n < 0 ? errno : EPROTO,
			       "the container's process exited during set-up");
	buf[n] = '\0';
	return n - 1;
}

/* --no-pivot: the root moved over / and chroot'ed into (what pivot_root does, the old root
 * staying underneath: for roots pivot_root refuses, such as a ramfs). */
static int move_root(const char *root, struct cr_error *err)
{
	if (chdir(root) < 0 || mount(root, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 ||
	    chdir("/") < 0)
		return cr_fail(err, errno, "move the root %s over / (--no-pivot)", root);
	return 0;
}

/* Blocks until `start` writes exec.fifo. */
static int wait_for_start(int fd, struct cr_error *err)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char go;

	for (;;) {
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return cr_fail(err, errno, "wait on %s", OCI_EXEC_FIFO);
		if (read(fd, &go, 1) == 1)
			break;
		if (errno != EINTR && errno != EAGAIN)
			return cr_fail(err, errno, "wait on %s", OCI_EXEC_FIFO);
		if (p.revents & POLLHUP) /* a writer came and went with no byte */
			usleep(1000);
	}
	close(fd);
	return 0;
}

/* C: the container's process, from clone to execve. */
static void __attribute__((noreturn)) child_main(struct create_ctx *x)
{
	struct cr_config *cfg = &x->spec.cfg;
	struct cr_error err = {.status = CR_EXIT_TOOL};
	struct cr_mount_ctx mctx;
	cleanup_free char *buf = cr_xmalloc(MSG_MAX);
	cleanup_free char *state = NULL;
	char exe[4096];
	int exe_fd;
	sigset_t none;
	size_t i;

	/* Into its cgroup before anything (a kernel without CLONE_INTO_CGROUP); its fd, the
	 * user's delegated tree, never reaches the container. */
	if (x->cg.dirfd >= 0 && !x->in_cgroup && container_enter_cgroup(x->cg.dirfd, &err) < 0)
		die(x->sock, &err);
	if (x->cg.dirfd >= 0)
		close(x->cg.dirfd);
	x->cg.dirfd = -1;
	/* config.json's cgroup namespace, rooted in the leaf we are in now, as crun roots it */
	if (x->cgroupns_late && unshare(CLONE_NEWCGROUP) < 0) {
		cr_fail(&err, errno, "make a cgroup namespace");
		die(x->sock, &err);
	}
	/* Dumpable until mapped only in a new user namespace (R must write its maps: a
	 * non-dumpable process's /proc files belong to the namespace's root, unmapped yet). */
	if (x->new_userns &&
	    (prctl(PR_SET_DUMPABLE, 1) < 0 || send_type(x->sock, MSG_DUMPABLE, NULL, 0) < 0))
		_exit(CR_EXIT_TOOL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	setsid(); /* no controlling terminal of the caller's */
	/* R has our pid (P's message comes first) and has mapped our ids */
	if (recv_type(x->sock, MSG_MAPPED, buf, &err) < 0)
		_exit(CR_EXIT_TOOL); /* R could not map us, and says why */
	if (x->new_userns) {
		/* root of the new namespace (runc's setuid(0)): its creator's ids may be unmapped
		 */
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
			cr_fail(&err, errno, "become root of the container's user namespace");
			die(x->sock, &err);
		}
	}
	/* While our /proc files are still ours: once non-dumpable, oom_score_adj belongs to
	 * root of the runtime's namespace, which a rootless runtime is not. */
	if (oci_process_oom_score_adj(cfg, &err) < 0)
		die(x->sock, &err);
	/* Only now (R had to write our maps): the container may not open our /proc/PID/exe
	 * nor ptrace us while we hold descriptors of the host's. */
	prctl(PR_SET_DUMPABLE, 0);
	mounts_ctx_init(&mctx, cfg->rootfs, x->debug);
	for (i = 1; i < x->plan.n && x->plan.ops[i].kind != CR_OP_PIVOT_ROOT &&
		    x->plan.ops[i].kind != CR_OP_EXEC;
	     i++) {
		if (mounts_apply(&x->plan.ops[i], &mctx, &err) < 0)
			die(x->sock, &err);
	}
	if (send_type(x->sock, MSG_READY, NULL, 0) < 0)
		_exit(CR_EXIT_TOOL);
	if (recv_type(x->sock, MSG_GO, buf, &err) < 0)
		_exit(CR_EXIT_TOOL);
	state = cr_xstrdup(buf + 1);
	if (oci_hooks_run(&x->spec.hooks.create_container, "createContainer", state, &err) < 0)
		die(x->sock, &err);
	if (i < x->plan.n && x->plan.ops[i].kind == CR_OP_PIVOT_ROOT) {
		if (!x->opts->no_pivot) {
			if (mounts_apply(&x->plan.ops[i], &mctx, &err) < 0)
				die(x->sock, &err);
		} else {
			mounts_ctx_close(&mctx);
			if (move_root(x->plan.ops[i].dst, &err) < 0)
				die(x->sock, &err);
			mctx.root_mnt = "/"; /* later steps in the root are beneath the new "/" */
		}
		i++;
	}
	for (; i < x->plan.n && x->plan.ops[i].kind != CR_OP_EXEC; i++) {
		if (mounts_apply(&x->plan.ops[i], &mctx, &err) < 0)
			die(x->sock, &err);
	}
	mounts_ctx_close(&mctx);
	if (!x->opts->no_new_keyring &&
	    syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS) {
		cr_fail(&err, errno, "join a new session keyring");
		cr_hint(&err, "pass --no-new-keyring where keyrings are not allowed");
		die(x->sock, &err);
	}
	if (x->console_fd >= 0) {
		if (oci_console_setup(x->console_fd, x->spec.console_rows, x->spec.console_cols,
				      &err) < 0 ||
		    oci_console_mount(&err) < 0)
			die(x->sock, &err);
		close(x->console_fd);
	}
	exe_fd = oci_exec_find(cfg, exe, sizeof(exe), &err);
	if (exe_fd < 0)
		die(x->sock, &err);
	if (send_type(x->sock, MSG_CREATED, NULL, 0) < 0)
		_exit(CR_EXIT_TOOL);
	close(x->sock);
	x->sock = STDERR_FILENO; /* from here errors go to stderr, as runc's */
	if (wait_for_start(x->fifo_fd, &err) < 0)
		goto fail;
	if (oci_hooks_run(&x->spec.hooks.start_container, "startContainer", state, &err) < 0)
		goto fail;
	syscall(SYS_close_range, 3U + (unsigned)x->opts->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
	if (oci_process_enter(cfg, &err) < 0)
		goto fail;
	oci_exec_first(exe_fd, exe, cfg, &err);
fail : {
	char line[2048];

	cr_error_format(&err, line, sizeof(line));
	dprintf(STDERR_FILENO, "%s: %s\n", OCI_RUNTIME_NAME, line);
	_exit(err.status ? err.status : CR_EXIT_TOOL);
}
}

/* P: joins the namespaces given by path (user first), clones C, tells R C's pid. */
static void __attribute__((noreturn)) parent_main(struct create_ctx *x)
{
	struct cr_error err = {.status = CR_EXIT_TOOL};
	unsigned long flags = x->clone_flags;
	pid_t pid;

	/* In a namespace of the container's (joined by path) none of its processes may ptrace
	 * us while we hold the runtime's socket; C sets its own below. */
	prctl(PR_SET_DUMPABLE, 0);
	for (size_t i = 0; i < x->nns; i++) {
		if (setns(x->ns_fds[i], x->ns_types[i]) < 0) {
			cr_fail(&err, errno, "join the %s namespace of config.json",
				x->ns_types[i] == CLONE_NEWUSER ? "user" : "given");
			die(x->sock, &err);
		}
		close(x->ns_fds[i]);
	}
	if ((flags & CLONE_NEWTIME) && unshare(CLONE_NEWTIME) < 0) {
		cr_fail(&err, errno, "make a time namespace");
		die(x->sock, &err);
	}
	flags &= ~(unsigned long)CLONE_NEWTIME; /* clone(2) takes it only through clone3 */
	/* clone3 makes the namespaces before it moves C into its cgroup: a cgroup namespace
	 * made with it would be rooted in ours; C unshares it once in its leaf instead */
	if (x->cg.dirfd >= 0 && (flags & CLONE_NEWCGROUP)) {
		flags &= ~(unsigned long)CLONE_NEWCGROUP;
		x->cgroupns_late = true;
	}
	pid = container_clone(flags, x->cg.dirfd, &x->in_cgroup);
	if (pid == 0)
		child_main(x);
	if (pid < 0) {
		cr_fail(&err, errno, "create the container's namespaces");
		die(x->sock, &err);
	}
	send_type(x->sock, MSG_PID, &pid, sizeof(pid));
	_exit(0);
}

/* Opens a namespace file given by path for setns: looked at first through O_PATH, so that
 * a FIFO there cannot block us nor a device be opened; anything but a namespace refused. */
static int open_ns(const char *path, struct cr_error *err)
{
	cleanup_close int pfd = open(path, O_PATH | O_CLOEXEC);
	struct statfs sfs;
	char self[64];
	int fd;

	if (pfd < 0)
		return cr_fail(err, errno, "linux.namespaces: open %s", path);
	if (fstatfs(pfd, &sfs) < 0 || (unsigned long)sfs.f_type != NSFS_MAGIC) {
		cr_fail(err, EINVAL, "linux.namespaces: %s is not a namespace", path);
		return cr_hint(err, "give a /proc/PID/ns/ file, or a bind mount of one");
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cr_fail(err, errno, "linux.namespaces: open %s", path);
	return fd;
}

/* Opens the namespaces given by path (user first: joining it grants the others) and
 * gathers the CLONE_NEW* of the new ones. */
static int plan_namespaces(struct create_ctx *x, struct cr_error *err)
{
	const struct cr_config *cfg = &x->spec.cfg;

	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < cfg->nnamespaces; i++) {
			const struct cr_namespace *ns = &cfg->namespaces[i];
			int fd;

			if ((ns->type == CLONE_NEWUSER) != (pass == 0))
				continue;
			if (!ns->path) {
				x->clone_flags |= ns->type;
				continue;
			}
			if (x->nns >= sizeof(x->ns_fds) / sizeof(x->ns_fds[0]))
				return cr_fail(err, 0, "linux.namespaces: too many entries");
			fd = open_ns(ns->path, err);
			if (fd < 0)
				return -1;
			x->ns_fds[x->nns] = fd;
			x->ns_types[x->nns++] = (int)ns->type;
		}
	}
	x->new_userns = (x->clone_flags & CLONE_NEWUSER) != 0;
	if (x->new_userns && (!cfg->uid_map || !cfg->gid_map))
		return cr_fail(err, 0,
			       "config.json asks for a new user namespace without "
			       "linux.uidMappings and linux.gidMappings");
	if (!x->new_userns && geteuid() != 0) {
		bool joined = false;

		for (size_t i = 0; i < x->nns; i++)
			joined |= x->ns_types[i] == CLONE_NEWUSER;
		if (!joined) {
			cr_fail(err, 0,
				"config.json has no user namespace: an unprivileged user (uid %u) "
				"cannot set up a container",
				(unsigned)geteuid());
			return cr_hint(err, "%s spec --rootless makes one", OCI_RUNTIME_NAME);
		}
	}
	return 0;
}

/* True when map (uid_map text) maps only id, once: what an unprivileged user may write. */
static bool maps_only(const char *map, unsigned long id)
{
	unsigned long in, out, count;
	int used;

	if (sscanf(map, " %lu %lu %lu %n", &in, &out, &count, &used) != 3)
		return false;
	return out == id && count == 1 && map[used] == '\0';
}

/* Writes C's uid_map and gid_map: directly when we may (root of our namespace, or only our
 * own ids with setgroups "deny"), else with newuidmap/newgidmap. */
static int map_ids(const struct create_ctx *x, struct cr_error *err)
{
	const struct cr_config *cfg = &x->spec.cfg;
	struct cr_userns_plan p;
	char path[64];

	if (geteuid() == 0) {
		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)x->pid);
		if (cr_write_file(path, cfg->uid_map, strlen(cfg->uid_map), 0, err) < 0)
			return cr_prefix(err, "linux.uidMappings");
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)x->pid);
		if (cr_write_file(path, cfg->gid_map, strlen(cfg->gid_map), 0, err) < 0)
			return cr_prefix(err, "linux.gidMappings");
		return 0;
	}
	memset(&p, 0, sizeof(p));
	{
		cleanup_free char *u = cr_xstrdup(cfg->uid_map), *g = cr_xstrdup(cfg->gid_map);

		for (char *c = u; *c; c++)
			*c = *c == '\n' ? ' ' : *c;
		for (char *c = g; *c; c++)
			*c = *c == '\n' ? ' ' : *c;
		if (userns_map_parse(u, &p.uid) < 0 || userns_map_parse(g, &p.gid) < 0)
			return cr_fail(err, 0, "linux.uidMappings/gidMappings: not a map");
	}
	if (maps_only(cfg->uid_map, geteuid()) && maps_only(cfg->gid_map, getegid())) {
		p.mode = CR_UIDMAP_SINGLE;
	} else {
		struct passwd *pw = getpwuid(geteuid());

		p.mode = CR_UIDMAP_SUBID;
		if (!cr_find_on_path("newuidmap", p.newuidmap, sizeof(p.newuidmap)) ||
		    !cr_find_on_path("newgidmap", p.newgidmap, sizeof(p.newgidmap))) {
			cr_fail(err, 0,
				"linux.uidMappings maps more than your own id: that needs "
				"newuidmap and newgidmap");
			return cr_hint(err, "install the uidmap package");
		}
		snprintf(p.subuid_line, sizeof(p.subuid_line), "of %s",
			 pw ? pw->pw_name : "your user");
		snprintf(p.subgid_line, sizeof(p.subgid_line), "of %s",
			 pw ? pw->pw_name : "your user");
	}
	return userns_map_process(&p, x->pid, false, err);
}

/* True when gid 5 (tty) is mapped in the container: its own gid_map, else ours. */
static bool tty_gid_mapped(const struct create_ctx *x)
{
	char text[4096];
	struct cr_idmap map;
	struct cr_error ignored;

	if (x->new_userns)
		snprintf(text, sizeof(text), "%s", x->spec.cfg.gid_map);
	else if (cr_read_file("/proc/self/gid_map", text, sizeof(text), &ignored) < 0)
		return false;
	for (char *c = text; *c; c++)
		*c = *c == '\n' ? ' ' : *c;
	return userns_map_parse(text, &map) == 0 && userns_map_has(&map, 5);
}

/* path with "//", "/./" and "dir/.." taken out, as the text reads (no lookup). */
static char *path_clean(const char *path)
{
	char *out = cr_xmalloc(strlen(path) + 2);
	size_t n = 0;

	for (const char *p = path; *p;) {
		size_t k;

		p += strspn(p, "/");
		k = strcspn(p, "/");
		if (k == 0 || (k == 1 && p[0] == '.')) {
			p += k;
			continue;
		}
		if (k == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && out[--n] != '/')
				;
		} else {
			out[n++] = '/';
			memcpy(out + n, p, k);
			n += k;
		}
		p += k;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

/* root.path must be the directory itself, no symlink on the way (runc's rule): the root is
 * bound by that path later, and a link there would be followed to wherever it points then. */
static int check_rootfs(const char *rootfs, struct cr_error *err)
{
	cleanup_free char *real = realpath(rootfs, NULL);
	cleanup_free char *clean = path_clean(rootfs);
	struct stat sb;

	if (!real)
		return cr_fail(err, errno, "root.path %s", rootfs);
	if (strcmp(real, clean)) {
		cr_fail(err, 0, "root.path %s is a symlink or has one on the way (it leads to %s)",
			rootfs, real);
		return cr_hint(err, "give the real path of the root directory");
	}
	if (stat(real, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return cr_fail(err, ENOTDIR, "root.path %s", rootfs);
	return 0;
}

/* The facts the plan of an OCI config needs: the rootfs bound on itself, no overlay. */
static int build_plan(struct create_ctx *x, bool *src_is_dir, struct cr_error *err)
{
	struct cr_config *cfg = &x->spec.cfg;
	struct cr_facts f = {
	    .rootfs = cfg->rootfs,
	    .root_mnt = cfg->rootfs,
	    .hostname = cfg->hostname,
	    .overlay = CR_OVERLAY_NONE,
	    .upper = "", /* no overlay: nothing above the rootfs */
	    .work = "",
	    .src_is_dir = src_is_dir,
	    .tty_gid_mapped = tty_gid_mapped(x),
	};

	for (size_t i = 0; i < cfg->nmounts; i++) {
		struct stat sb;

		src_is_dir[i] =
		    cfg->mounts[i].src && stat(cfg->mounts[i].src, &sb) == 0 && S_ISDIR(sb.st_mode);
	}
	return plan_build(cfg, &f, &x->plan, err);
}

/* The state R keeps and hooks read, C's pid filled. */
static void fill_state(const struct create_ctx *x, int dir_fd, struct oci_state *st)
{
	char when[64];
	struct timespec ts;
	struct tm tm;
	struct passwd *pw = getpwuid(geteuid());

	memset(st, 0, sizeof(*st));
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	st->created = cr_xasprintf("%s.%09ldZ", when, ts.tv_nsec);
	st->id = cr_xstrdup(x->opts->id);
	st->pid = x->pid;
	st->start_time = cr_proc_start_time(x->pid);
	st->bundle = cr_xstrdup(x->spec.bundle);
	st->rootfs = cr_xstrdup(x->spec.cfg.rootfs);
	st->owner = cr_xstrdup(pw ? pw->pw_name : "");
	st->own_pidns = (x->clone_flags & CLONE_NEWPID) != 0;
	for (size_t i = 0; i < x->spec.annotations.n; i++)
		strv_push(&st->annotations, x->spec.annotations.v[i]);
	st->hooks = oci_kept_hooks_json(&x->spec.hooks);
	st->dir_fd = dir_fd;
	st->cgroup = x->cg.path[0] ? cr_xstrdup(x->cg.path) : NULL;
}

/* Writes the pid file: a temp file of ours beside it (new: never a link or FIFO someone put
 * at that name) renamed over it. */
static int write_pid_file(const char *path, pid_t pid, struct cr_error *err)
{
	cleanup_free char *tmp = cr_xasprintf("%s.conti-tmp-%d", path, (int)getpid());
	cleanup_close int fd =
	    open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	char text[32];
	int n = snprintf(text, sizeof(text), "%d", (int)pid);

	if (fd < 0)
		return cr_fail(err, errno, "--pid-file: create %s", tmp);
	if (cr_write_all(fd, text, (size_t)n) < 0 || rename(tmp, path) < 0) {
		cr_fail(err, errno, "--pid-file: write %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* R's side of the set-up, once C runs: maps, hooks, go, created. */
static int drive(const struct oci_global *g, struct create_ctx *x, int dir_fd, struct cr_error *err)
{
	cleanup_free char *buf = cr_xmalloc(MSG_MAX);
	cleanup_free char *json = NULL;
	struct oci_state st;
	int ret = -1;

	/* Kept from the start (status creating): were we killed, delete would find C by it. */
	fill_state(x, dir_fd, &st);
	st.creating = true;
	if (oci_state_save(&st, err) < 0)
		goto out;
	if (x->new_userns && map_ids(x, err) < 0)
		goto out;
	if (send_type(x->sock, MSG_MAPPED, NULL, 0) < 0) {
		cr_fail(err, errno, "tell the container to go on");
		goto out;
	}
	oci_debug(g, "container %s: process %d, waiting for its root", x->opts->id, (int)x->pid);
	if (recv_type(x->sock, MSG_READY, buf, err) < 0)
		goto out;
	json = oci_state_json(&st, OCI_CREATING);
	if (oci_hooks_run(&x->spec.hooks.prestart, "prestart", json, err) < 0 ||
	    oci_hooks_run(&x->spec.hooks.create_runtime, "createRuntime", json, err) < 0)
		goto out;
	if (send_type(x->sock, MSG_GO, json, strlen(json) + 1) < 0) {
		cr_fail(err, errno, "tell the container to go on");
		goto out;
	}
	if (recv_type(x->sock, MSG_CREATED, buf, err) < 0)
		goto out;
	st.creating = false;
	if (oci_state_save(&st, err) < 0)
		goto out;
	if (x->opts->pid_file && write_pid_file(x->opts->pid_file, x->pid, err) < 0)
		goto out;
	ret = 0;
out:
	st.dir_fd = -1; /* the caller's */
	oci_state_free(&st);
	return ret;
}

/* Opens what C inherits: exec.fifo (made beneath ROOT/ID), the console socket. */
static int open_inherited(struct create_ctx *x, int dir_fd, struct cr_error *err)
{
	if (mkfifoat(dir_fd, OCI_EXEC_FIFO, 0600) < 0)
		return cr_fail(err, errno, "make %s", OCI_EXEC_FIFO);
	x->fifo_fd = openat(dir_fd, OCI_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (x->fifo_fd < 0)
		return cr_fail(err, errno, "open %s", OCI_EXEC_FIFO);
	if (x->spec.terminal && !x->opts->console_socket)
		return cr_fail(err, 0, "process.terminal is true: --console-socket is required");
	if (!x->spec.terminal && x->opts->console_socket)
		return cr_fail(err, 0, "--console-socket given but process.terminal is false");
	if (x->opts->console_socket) {
		x->console_fd = oci_console_connect(x->opts->console_socket, err);
		if (x->console_fd < 0)
			return -1;
	}
	return 0;
}

/* Forks P, which clones C; returns with x->pid set and P reaped. */
static int spawn(struct create_ctx *x, struct cr_error *err)
{
	cleanup_free char *buf = cr_xmalloc(MSG_MAX);
	int sv[2], status;
	bool dumpable = false;
	pid_t p;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return cr_fail(err, errno, "socketpair");
	p = fork();
	if (p == 0) {
		close(sv[0]);
		x->sock = sv[1];
		parent_main(x);
	}
	close(sv[1]);
	x->sock = sv[0];
	if (p < 0)
		return cr_fail(err, errno, "fork");
	/* P's pid message and, in a new user namespace, C's: they may come in either order */
	n = recv_type(x->sock, MSG_PID, buf, err);
	if (n < 0 && x->new_userns && buf[0] == MSG_DUMPABLE) {
		dumpable = true;
		n = recv_type(x->sock, MSG_PID, buf, err);
	}
	while (waitpid(p, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(pid_t))
		return n < 0 ? -1 : cr_fail(err, EPROTO, "read the container's pid");
	memcpy(&x->pid, buf + 1, sizeof(pid_t));
	if (x->new_userns && !dumpable && recv_type(x->sock, MSG_DUMPABLE, buf, err) < 0)
		return -1;
	return 0;
}

static void ctx_free(struct create_ctx *x)
{
	for (size_t i = 0; i < x->nns; i++)
		close(x->ns_fds[i]);
	if (x->sock >= 0)
		close(x->sock);
	if (x->fifo_fd >= 0)
		close(x->fifo_fd);
	if (x->console_fd >= 0)
		close(x->console_fd);
	cgroup_release(&x->cg);
	plan_free(&x->plan);
	oci_spec_free(&x->spec);
}

/* C's own cgroup under the user's delegated subtree (conti-rootless/ID-RANDOM), with
 * linux.resources' limits: where none can be made, or the limits cannot be applied there,
 * a warning and the container goes on without (rootless runc and crun: cgroups are
 * optional for a rootless runtime). */
static void make_cgroup(const struct oci_global *g, struct create_ctx *x)
{
	static const struct cr_resources none;
	const struct cr_resources *res = &x->spec.cfg.res;
	struct cr_cgroup_host h;
	struct cr_error err = {0};

	cgroup_probe(&h);
	if (cgroup_check(&h, res, &err) < 0) {
		char line[1024];

		cr_error_format(&err, line, sizeof(line));
		oci_warn(g, "linux.resources not applied: %s", line);
		res = &none;
	}
	if (h.mode == CR_CG_DELEGATED && cgroup_create(&h, x->opts->id, res, &x->cg, &err) < 0) {
		char line[1024];

		cr_error_format(&err, line, sizeof(line));
		oci_warn(g, "no cgroup of its own for container %s: %s", x->opts->id, line);
	}
	if (x->cg.path[0])
		oci_debug(g, "container %s: cgroup %s", x->opts->id, x->cg.path);
	cgroup_host_release(&h);
}

/* Kills C (not our child once P is gone: by pidfd) and waits until it is gone. */
static void kill_container(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = {.events = POLLIN};

	if (fd < 0)
		return;
	syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
	p.fd = fd;
	poll(&p, 1, 5000);
	waitpid(pid, NULL, WNOHANG); /* our child under run's subreaper */
	close(fd);
}

int oci_container_create(const struct oci_global *g, const struct oci_create_opts *opts, pid_t *pid,
			 struct cr_error *err)
{
	struct create_ctx x = {.opts = opts,
			       .sock = -1,
			       .fifo_fd = -1,
			       .console_fd = -1,
			       .debug = g->debug,
			       .cg = {.dirfd = -1}};
	cleanup_close int root = -1, dir = -1;
	cleanup_free char *bundle = NULL;
	cleanup_free bool *src_is_dir = NULL;
	int ret = -1;

	oci_spec_init(&x.spec);
	if (!oci_id_valid(opts->id))
		return cr_fail(err, 0, "invalid container ID %s: letters, digits and _+-. only",
			       opts->id);
	bundle = opts->bundle ? realpath(opts->bundle, NULL) : get_current_dir_name();
	if (!bundle)
		return cr_fail(err, errno, "bundle %s", opts->bundle ? opts->bundle : ".");
	root = oci_root_open(g, true, err);
	if (root < 0)
		return -1;
	if (mkdirat(root, opts->id, 0700) < 0) {
		if (errno == EEXIST)
			return cr_fail(err, EEXIST, "container %s exists", opts->id);
		return cr_fail(err, errno, "make %s/%s", g->root, opts->id);
	}
	dir = openat(root, opts->id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0) {
		cr_fail(err, errno, "open %s/%s", g->root, opts->id);
		goto fail;
	}
	if (oci_spec_load(bundle, &x.spec, err) < 0 || check_rootfs(x.spec.cfg.rootfs, err) < 0)
		goto fail;
	if (x.spec.unapplied)
		oci_warn(g, "linux.resources %s: not applied, this runtime does not carry them",
			 x.spec.unapplied);
	src_is_dir = cr_xcalloc(x.spec.cfg.nmounts + 1, sizeof(bool));
	if (plan_namespaces(&x, err) < 0 || build_plan(&x, src_is_dir, err) < 0 ||
	    open_inherited(&x, dir, err) < 0)
		goto fail;
	if (opts->subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		cr_fail(err, errno, "become a subreaper");
		goto fail;
	}
	oci_debug(g, "container %s: bundle %s, rootfs %s, %zu steps", opts->id, bundle,
		  x.spec.cfg.rootfs, x.plan.n);
	make_cgroup(g, &x);
	if (spawn(&x, err) < 0)
		goto fail;
	if (drive(g, &x, dir, err) < 0)
		goto fail;
	*pid = x.pid;
	ret = 0;
	goto out;
fail:
	if (x.pid > 0)
		kill_container(x.pid);
	if (x.cg.path[0]) {
		cgroup_release(&x.cg);
		cgroup_destroy(x.cg.path, &(struct cr_error){0});
	}
	if (err->status != CR_EXIT_NOT_FOUND && err->status != CR_EXIT_CANNOT_EXEC)
		err->status = CR_EXIT_TOOL;
	cr_rm_rf_at(root, opts->id, &(struct cr_error){0});
out:
	ctx_free(&x);
	return ret;
}

/* "--opt VALUE" or "--opt=VALUE" (also "-opt"): the value, advancing *i; NULL if not opt. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt)
{
	const char *a = argv[*i];
	size_t n = strlen(opt);

	if (a[0] == '-' && a[1] == '-')
		a++;
	if (strncmp(a, opt, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

int oci_parse_create_args(int argc, char **argv, struct oci_create_opts *o, bool run, bool *detach,
			  struct cr_error *err)
{
	const char *v;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		unsigned long n;

		if ((v = opt_value(argc, argv, &i, "-bundle")) ||
		    (v = opt_value(argc, argv, &i, "-b")))
			o->bundle = v;
		else if ((v = opt_value(argc, argv, &i, "-pid-file")))
			o->pid_file = v;
		else if ((v = opt_value(argc, argv, &i, "-console-socket")))
			o->console_socket = v;
		else if ((v = opt_value(argc, argv, &i, "-preserve-fds"))) {
			if (!cr_parse_ulong(v, &n) || n > 65536)
				return cr_fail(err, 0, "--preserve-fds %s: not a number of fds", v);
			o->preserve_fds = (int)n;
		} else if (!strcmp(a, "--no-pivot") || !strcmp(a, "-no-pivot"))
			o->no_pivot = true;
		else if (!strcmp(a, "--no-new-keyring") || !strcmp(a, "-no-new-keyring"))
			o->no_new_keyring = true;
		else if (run && (!strcmp(a, "-d") || !strcmp(a, "--detach")))
			*detach = true;
		else if (run && !strcmp(a, "--keep"))
			o->keep = true;
		else if (run && !strcmp(a, "--no-subreaper"))
			; /* runc's: we are the subreaper only while we wait, which needs it */
		else
			return cr_fail(err, 0, "%s: unknown option %s", argv[0], a);
	}
	if (i != argc - 1)
		return cr_fail(err, 0, "usage: %s %s [--bundle DIR] [--pid-file F] ... ID",
			       OCI_RUNTIME_NAME, argv[0]);
	o->id = argv[i];
	return 0;
}

int oci_cmd_create(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	struct oci_create_opts o = {0};
	pid_t pid;

	if (oci_parse_create_args(argc, argv, &o, false, NULL, err) < 0)
		return -1;
	return oci_container_create(g, &o, &pid, err);
}
