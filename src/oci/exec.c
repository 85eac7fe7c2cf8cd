/* exec.c - `exec`: a new process in a created or running container.
 *
 * The runtime (R) forks E1; E1 makes itself non-dumpable, joins every namespace of the
 * container's process that differs from ours in one setns on its pidfd (the user namespace
 * first, as the kernel orders them) and clones E2 as R's child (CLONE_PARENT), inside the
 * container's PID namespace; E1 tells R E2's pid and exits. E2 sets the console up, changes
 * to the process's cwd resolved inside the container's root with no magic links (runc's
 * CVE-2024-21626: never a path or descriptor of ours), marks every descriptor but stdio and
 * the preserved ones close-on-exec, finds the program inside the root, enters the process
 * settings (oci_process_enter) and executes it. Its errors come back to R over a socket;
 * its end closing on exec says it ran. R writes the pid file, then returns (--detach) or
 * waits for E2, passing signals on, and returns its status (128+N for signal N). With --tty
 * and no --console-socket (a person at a terminal, not an engine) the master comes back to
 * R on a socket of its own and R carries its terminal to it, as runc does.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "mounts.h"
#include "oci/console.h"
#include "oci/execve.h"
#include "oci/process.h"
#include "oci/runtime.h"
#include "oci/spec.h"
#include "oci/state.h"
#include "state.h"
#include "tty.h"
#include "utils.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#define PROCESS_FILE_MAX (1 << 20) /* --process FILE larger than this is refused */

struct exec_opts {
	const char *id;
	const char *process_file, *pid_file, *console_socket, *cwd, *user;
	struct cr_strv env, caps;
	struct cr_strv add_gids;
	char **args;
	int nargs;
	bool detach, tty, no_new_privs, ignore_paused;
	int preserve_fds;
};

/* The namespaces exec joins, in the order /proc/PID/ns names them. */
static const struct {
	const char *name;
	int type;
} ns_types[] = {
    {"user", CLONE_NEWUSER},	 {"mnt", CLONE_NEWNS},	  {"pid", CLONE_NEWPID},
    {"net", CLONE_NEWNET},	 {"ipc", CLONE_NEWIPC},	  {"uts", CLONE_NEWUTS},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

static const char usage[] =
    "usage: " OCI_RUNTIME_NAME " exec [OPTIONS] ID [COMMAND [ARG...]]\n"
    "  -p, --process FILE     the process (config.json's \"process\" object) to run\n"
    "  -d, --detach           return once it runs (with --pid-file for its pid)\n"
    "      --pid-file FILE    write its pid there\n"
    "      --console-socket S send its terminal's master there (with --tty)\n"
    "  -t, --tty              give it a terminal\n"
    "      --cwd DIR          its working directory inside the container\n"
    "  -e, --env KEY=VALUE    add to (or replace in) its environment\n"
    "  -u, --user UID[:GID]   run it as these ids of the container\n"
    "  -g, --additional-gids GID  a supplementary group\n"
    "  -c, --cap CAP          add a capability\n"
    "      --no-new-privs     set no_new_privs\n"
    "      --preserve-fds N   pass fds 3..3+N-1 on\n"
    "      --ignore-paused    exec in a paused container\n";

/* "--opt VALUE", "--opt=VALUE" or "-o VALUE" (short may be NULL): the value, advancing *i. */
static const char *value_of(int argc, char **argv, int *i, const char *opt, const char *shrt)
{
	size_t n = strlen(opt);

	if (!strncmp(argv[*i], opt, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (strcmp(argv[*i], opt) && (!shrt || strcmp(argv[*i], shrt)))
		return NULL;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool is_opt(const char *a, const char *opt, const char *shrt)
{
	return !strcmp(a, opt) || (shrt && !strcmp(a, shrt));
}

static int parse_args(int argc, char **argv, struct exec_opts *o, struct cr_error *err)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i], *v;
		unsigned long n;

		if (!strcmp(a, "--"))
			break;
		if (is_opt(a, "--help", "-h")) {
			fputs(usage, stdout);
			return 1;
		}
		if ((v = value_of(argc, argv, &i, "--process", "-p")))
			o->process_file = v;
		else if ((v = value_of(argc, argv, &i, "--pid-file", NULL)))
			o->pid_file = v;
		else if ((v = value_of(argc, argv, &i, "--console-socket", NULL)))
			o->console_socket = v;
		else if ((v = value_of(argc, argv, &i, "--cwd", NULL)))
			o->cwd = v;
		else if ((v = value_of(argc, argv, &i, "--env", "-e")))
			strv_push(&o->env, v);
		else if ((v = value_of(argc, argv, &i, "--user", "-u")))
			o->user = v;
		else if ((v = value_of(argc, argv, &i, "--additional-gids", "-g")))
			strv_push(&o->add_gids, v);
		else if ((v = value_of(argc, argv, &i, "--cap", "-c")))
			strv_push(&o->caps, v);
		else if ((v = value_of(argc, argv, &i, "--preserve-fds", NULL))) {
			if (!cr_parse_ulong(v, &n) || n > 65536)
				return cr_fail(err, 0,
					       "exec: --preserve-fds %s: not a number of fds", v);
			o->preserve_fds = (int)n;
		} else if ((v = value_of(argc, argv, &i, "--process-label", NULL)) ||
			   (v = value_of(argc, argv, &i, "--apparmor", NULL))) {
			if (*v) {
				cr_fail(err, 0, "exec: %s: %s is not enabled here", argv[i - 1],
					strstr(argv[i - 1], "apparmor") ? "AppArmor" : "SELinux");
				return cr_hint(err, "leave it out");
			}
		} else if ((v = value_of(argc, argv, &i, "--cgroup", NULL))) {
			cr_fail(err, 0,
				"exec: --cgroup %s: cgroups are not managed by this runtime", v);
			return cr_hint(err, "leave it out");
		} else if (is_opt(a, "--detach", "-d"))
			o->detach = true;
		else if (is_opt(a, "--tty", "-t"))
			o->tty = true;
		else if (is_opt(a, "--no-new-privs", NULL))
			o->no_new_privs = true;
		else if (is_opt(a, "--ignore-paused", NULL))
			o->ignore_paused = true;
		else {
			cr_fail(err, 0, "exec: unknown option %s", a);
			return cr_hint(err, "see %s exec --help", OCI_RUNTIME_NAME);
		}
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc) {
		cr_fail(err, 0, "exec: no container ID given");
		return cr_hint(err, "usage: %s exec [OPTIONS] ID COMMAND [ARG...]",
			       OCI_RUNTIME_NAME);
	}
	o->id = argv[i++];
	o->args = argv + i;
	o->nargs = argc - i;
	if (!o->process_file && o->nargs == 0) {
		cr_fail(err, 0, "exec: no command given");
		return cr_hint(err,
			       "usage: %s exec [OPTIONS] ID COMMAND [ARG...], or --process FILE",
			       OCI_RUNTIME_NAME);
	}
	return 0;
}

/* Reads --process FILE (a regular file, bounded) and parses it into s's process fields. */
static int load_process_file(const char *path, struct oci_spec *s, struct cr_error *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	cleanup_free char *buf = NULL;
	struct json_object *o;
	struct stat st;
	ssize_t n;
	int r;

	if (fd < 0)
		return cr_fail(err, errno, "exec: --process %s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return cr_fail(err, EINVAL, "exec: --process %s: not a regular file", path);
	if (st.st_size > PROCESS_FILE_MAX)
		return cr_fail(err, EFBIG, "exec: --process %s: larger than %d bytes", path,
			       PROCESS_FILE_MAX);
	buf = cr_xmalloc((size_t)st.st_size + 1);
	n = cr_read_all(fd, buf, (size_t)st.st_size);
	if (n < 0)
		return cr_fail(err, errno, "exec: read --process %s", path);
	buf[n] = '\0';
	if (strlen(buf) != (size_t)n)
		return cr_fail(err, 0, "exec: --process %s: not JSON (a NUL byte)", path);
	o = json_tokener_parse(buf);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return cr_fail(err, 0, "exec: --process %s: not a JSON object", path);
	}
	r = oci_spec_parse_process(o, s, err);
	json_object_put(o);
	if (r < 0)
		return cr_prefix(err, "exec: --process %s", path);
	if (!s->cfg.args.n)
		return cr_fail(err, 0, "exec: --process %s: process.args is empty", path);
	return 0;
}

/* Moves the process fields of from (a --process file's) into to (the container's config,
 * whose seccomp filter stays: exec'd processes get the container's, as runc's). */
static void take_process(struct oci_spec *to, struct oci_spec *from)
{
	struct cr_config *t = &to->cfg, *f = &from->cfg;
	struct cr_strv sv;
	void *p;
	size_t n;
	char *s;

#define SWAP(a, b, tmp) (tmp = a, a = b, b = tmp)
	SWAP(t->args, f->args, sv);
	SWAP(t->env, f->env, sv);
	SWAP(t->cwd, f->cwd, s);
	p = t->additional_gids;
	t->additional_gids = f->additional_gids;
	f->additional_gids = p;
	SWAP(t->nadditional_gids, f->nadditional_gids, n);
	p = t->rlimits;
	t->rlimits = f->rlimits;
	f->rlimits = p;
	SWAP(t->nrlimits, f->nrlimits, n);
#undef SWAP
	t->uid = f->uid;
	t->gid = f->gid;
	t->umask = f->umask;
	t->oom_score_adj_set = f->oom_score_adj_set;
	t->oom_score_adj = f->oom_score_adj;
	t->tty = f->tty;
	t->sec.privileged = f->sec.privileged;
	t->sec.caps = f->sec.caps;
	t->sec.cap_sets = f->sec.cap_sets;
	t->sec.cap_bounding = f->sec.cap_bounding;
	t->sec.cap_effective = f->sec.cap_effective;
	t->sec.cap_permitted = f->sec.cap_permitted;
	t->sec.cap_inheritable = f->sec.cap_inheritable;
	t->sec.cap_ambient = f->sec.cap_ambient;
	t->sec.no_new_privs = f->sec.no_new_privs;
	to->terminal = from->terminal;
	to->console_rows = from->console_rows;
	to->console_cols = from->console_cols;
}

static int parse_id(const char *s, const char *what, unsigned long *out, struct cr_error *err)
{
	if (!cr_parse_ulong(s, out) || *out > 0xfffffffeUL) {
		cr_fail(err, 0, "exec: --%s %s: not a number", what, s);
		return cr_hint(err, "give numeric ids (UID[:GID]), as runc takes them");
	}
	return 0;
}

/* The flags over the container's process (runc's getProcess). */
static int apply_flags(const struct exec_opts *o, struct oci_spec *s, struct cr_error *err)
{
	struct cr_config *cfg = &s->cfg;
	unsigned long id;

	strv_free(&cfg->args);
	for (int i = 0; i < o->nargs; i++)
		strv_push(&cfg->args, o->args[i]);
	if (o->cwd) {
		if (o->cwd[0] != '/')
			return cr_fail(err, 0, "exec: --cwd %s: not an absolute path", o->cwd);
		free(cfg->cwd);
		cfg->cwd = cr_xstrdup(o->cwd);
	}
	for (size_t i = 0; i < o->env.n; i++) {
		const char *kv = o->env.v[i], *eq = strchr(kv, '=');
		size_t k;

		if (!eq || eq == kv)
			return cr_fail(err, 0, "exec: --env %s: not KEY=VALUE", kv);
		for (k = 0; k < cfg->env.n; k++) {
			if (!strncmp(cfg->env.v[k], kv, (size_t)(eq - kv) + 1))
				break;
		}
		if (k < cfg->env.n) {
			free(cfg->env.v[k]);
			cfg->env.v[k] = cr_xstrdup(kv);
		} else {
			strv_push(&cfg->env, kv);
		}
	}
	s->terminal = o->tty;
	cfg->tty = o->tty;
	if (o->no_new_privs)
		cfg->sec.no_new_privs = true;
	if (o->user) {
		cleanup_free char *u = cr_xstrdup(o->user);
		char *colon = strchr(u, ':');

		if (colon) {
			*colon = '\0';
			if (parse_id(colon + 1, "user", &id, err) < 0)
				return -1;
			cfg->gid = (gid_t)id;
		}
		if (parse_id(u, "user", &id, err) < 0)
			return -1;
		cfg->uid = (uid_t)id;
	}
	for (size_t i = 0; i < o->add_gids.n; i++) {
		if (parse_id(o->add_gids.v[i], "additional-gids", &id, err) < 0)
			return -1;
		cfg->additional_gids =
		    cr_xrealloc(cfg->additional_gids, (cfg->nadditional_gids + 1) * sizeof(gid_t));
		cfg->additional_gids[cfg->nadditional_gids++] = (gid_t)id;
	}
	for (size_t i = 0; i < o->caps.n; i++) {
		uint64_t m = security_cap_mask(o->caps.v[i]);

		if (!m || !strcasecmp(o->caps.v[i], "ALL")) {
			cr_fail(err, 0, "exec: --cap %s: not a capability", o->caps.v[i]);
			return cr_hint(err, "name one as CAP_NET_ADMIN");
		}
		if (!cfg->sec.cap_sets)
			continue; /* the user namespace's full set already */
		cfg->sec.cap_bounding |= m;
		cfg->sec.cap_effective |= m;
		cfg->sec.cap_permitted |= m;
		/* ambient needs inheritable: only where the process has some (runc's rule) */
		if (cfg->sec.cap_inheritable)
			cfg->sec.cap_ambient |= m;
	}
	return 0;
}

/* True when cfg lists a namespace of type (new or joined by path). */
static bool config_has_ns(const struct cr_config *cfg, int type)
{
	for (size_t i = 0; i < cfg->nnamespaces; i++) {
		if (cfg->namespaces[i].type == (unsigned long)type)
			return true;
	}
	return false;
}

/* The namespaces of pid that are not ours: CLONE_NEW* flags for setns on its pidfd. Where
 * its /proc/PID/ns cannot be looked at (a created container's process is not dumpable
 * until it executes), those config.json lists, as runc joins them. */
static int namespaces_to_join(pid_t pid, const struct cr_config *cfg, int *flags,
			      struct cr_error *err)
{
	*flags = 0;
	for (size_t i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]); i++) {
		char theirs[64], ours[64];
		struct stat a, b;

		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid, ns_types[i].name);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", ns_types[i].name);
		if (stat(ours, &b) < 0)
			continue; /* a kernel without this namespace */
		if (stat(theirs, &a) < 0 && (errno == EACCES || errno == EPERM)) {
			if (config_has_ns(cfg, ns_types[i].type))
				*flags |= ns_types[i].type;
			continue;
		}
		if (stat(theirs, &a) < 0)
			return cr_fail(err, errno, "exec: the container's %s namespace",
				       ns_types[i].name);
		if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
			*flags |= ns_types[i].type;
	}
	return 0;
}

/* What E1 and E2 send R: E2's pid, or an error (its status and message). */
struct exec_msg {
	char kind; /* 'p': pid, 'e': error */
	pid_t pid;
	struct cr_error err;
};

static void __attribute__((noreturn)) report(int sock, const struct cr_error *err)
{
	struct exec_msg m = {.kind = 'e', .err = *err};

	if (!m.err.status)
		m.err.status = CR_EXIT_TOOL;
	(void)!send(sock, &m, sizeof(m), MSG_NOSIGNAL);
	_exit(m.err.status);
}

struct exec_ctx {
	const struct exec_opts *o;
	struct oci_spec *spec;
	int pidfd;	/* the container's process */
	int ns_flags;	/* what setns joins */
	int sock;	/* E1/E2's end */
	int console_fd; /* connected to --console-socket (or ours, relay), -1: none */
	bool relay;	/* -t in the foreground with no socket: we carry the terminal */
	bool created;	/* the container is created, its process not yet started */
	int cg_fd;	/* the container's own cgroup (create made it), -1: none */
	bool in_cg;	/* E2 was cloned into it (else it moves itself there) */
};

/* E2: in the container's namespaces, from the console to execve. */
static void __attribute__((noreturn)) exec_child(struct exec_ctx *x)
{
	struct cr_config *cfg = &x->spec->cfg;
	struct cr_error err = {.status = CR_EXIT_TOOL};
	unsigned first = 3U + (unsigned)x->o->preserve_fds;
	char path[4096];
	sigset_t none;
	int fd;

	/* into the container's cgroup, as runc puts an exec'd process; the fd, a host
	 * directory, closed before anything of the container's is touched */
	if (x->cg_fd >= 0 && !x->in_cg && container_enter_cgroup(x->cg_fd, &err) < 0) {
		cr_prefix(&err, "exec");
		report(x->sock, &err);
	}
	if (x->cg_fd >= 0)
		close(x->cg_fd);
	x->cg_fd = -1;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	/* a session of its own (runc's): the caller's controlling terminal is not the
	 * container's to open as /dev/tty nor to push input into with TIOCSTI; with a console,
	 * its setup makes the session */
	if (x->console_fd < 0 && setsid() < 0) {
		cr_fail(&err, errno, "exec: setsid");
		report(x->sock, &err);
	}
	if (x->console_fd >= 0) {
		if (oci_console_setup(x->console_fd, x->spec->console_rows, x->spec->console_cols,
				      &err) < 0)
			report(x->sock, &err);
		close(x->console_fd);
		/* the process's own terminal: its user may reopen and control it (runc's) */
		if (fchown(0, cfg->uid, cfg->gid) < 0 && errno != EINVAL) {
			cr_fail(&err, errno, "exec: hand the terminal to uid %u",
				(unsigned)cfg->uid);
			report(x->sock, &err);
		}
	}
	/* inside the root we now have, no magic link: never a directory of the host's */
	if (mounts_chdir_in_root(cfg->cwd ? cfg->cwd : "/", &err) < 0) {
		cr_prefix(&err, "exec");
		report(x->sock, &err);
	}
	fd = oci_exec_find(cfg, path, sizeof(path), &err);
	if (fd < 0)
		report(x->sock, &err);
	/* the caller's descriptors beyond the preserved ones, and all of ours, go at exec. The
	 * preserved ones are those the caller passed (not close-on-exec, or we would not have
	 * them): ours in that range stay close-on-exec (the O_PATH one of ROOT/ID, a host
	 * directory, was a way out of the container's root: runc's CVE-2024-21626) */
	if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		cr_fail(&err, errno, "exec: close_range");
		report(x->sock, &err);
	}
	if (oci_process_enter(cfg, &err) < 0) {
		cr_prefix(&err, "exec");
		report(x->sock, &err);
	}
	oci_exec_run(fd, path, cfg, &err);
	report(x->sock, &err);
}

/* E1: joins the namespaces, clones E2 as R's child, tells R its pid. */
static void __attribute__((noreturn)) exec_joiner(struct exec_ctx *x)
{
	struct cr_error err = {.status = CR_EXIT_TOOL};
	struct exec_msg m = {.kind = 'p'};
	pid_t pid;

	/* while our /proc files are ours (oci/process.h says why); E2 inherits the value */
	if (oci_process_oom_score_adj(&x->spec->cfg, &err) < 0) {
		cr_prefix(&err, "exec");
		report(x->sock, &err);
	}
	/* nothing of the container may ptrace us or open our /proc/PID/exe while we hold the
	 * host's descriptors: this holds for E2 too, until its execve */
	prctl(PR_SET_DUMPABLE, 0);
	if (x->ns_flags && setns(x->pidfd, x->ns_flags) < 0) {
		cr_fail(&err, errno, "exec: join the container's namespaces");
		/* its process is not dumpable until it executes the container's program: only
		 * a runtime with CAP_SYS_PTRACE over it (root of its user namespace's parent)
		 * may join it before start */
		if (err.errnum == EPERM && x->created)
			cr_hint(&err, "the container is created, not started: start it first");
		report(x->sock, &err);
	}
	close(x->pidfd);
	pid = container_clone(CLONE_PARENT, x->cg_fd, &x->in_cg);
	if (pid < 0 && x->cg_fd >= 0) {
		/* a cgroup we may not move into from here (no common delegated ancestor): the
		 * process runs beside it, as it would where none was made */
		close(x->cg_fd);
		x->cg_fd = -1;
		pid = container_clone(CLONE_PARENT, -1, &x->in_cg);
	}
	if (pid < 0) {
		cr_fail(&err, errno, "exec: clone into the container");
		report(x->sock, &err);
	}
	if (pid == 0)
		exec_child(x);
	m.pid = pid;
	(void)!send(x->sock, &m, sizeof(m), MSG_NOSIGNAL);
	_exit(0);
}

/* Writes pid to path atomically (a temp file beside it, renamed). */
static int write_pid_file(const char *path, pid_t pid, struct cr_error *err)
{
	cleanup_free char *tmp = cr_xasprintf("%s.tmp-%d", path, (int)getpid());
	char buf[32];
	int fd, n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return cr_fail(err, errno, "exec: --pid-file %s", path);
	if (cr_write_all(fd, buf, (size_t)n) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		cr_fail(err, errno, "exec: write --pid-file %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Waits for E2, passing the signals a shell would send it on; its status as a shell's. */
static int wait_passing_signals(pid_t pid, const sigset_t *set, int sfd)
{
	int status;

	for (;;) {
		struct signalfd_siginfo si;
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return CR_EXIT_TOOL;
		if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si) && si.ssi_signo != SIGCHLD)
			kill(pid, (int)si.ssi_signo);
	}
	(void)set;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* exec -t with no --console-socket, in the foreground (runc's): the master comes to us on
 * our own socket and we carry the caller's terminal (raw) to it and its output back, its
 * window size along, until the process exits; the status as a shell's. */
static int relay_tty(pid_t pid, int master, int sfd)
{
	struct cr_error ignored = {0};
	struct cr_term term = {.fd = -1};
	bool in_open = true, out_open = true;
	int status = 0;

	tty_make_raw(&term, &ignored);
	tty_copy_winsize(0, master);
	for (;;) {
		struct pollfd p[3] = {{.fd = sfd, .events = POLLIN},
				      {.fd = out_open ? master : -1, .events = POLLIN},
				      {.fd = in_open ? 0 : -1, .events = POLLIN}};
		struct signalfd_siginfo si;

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents && tty_pump(master, 1) <= 0)
			out_open = false; /* EIO: no slave open any more */
		if (p[2].revents && tty_pump(0, master) <= 0)
			in_open = false;
		if (!p[0].revents || read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
			continue;
		if (si.ssi_signo == SIGWINCH)
			tty_copy_winsize(0, master);
		else if (si.ssi_signo != SIGCHLD)
			kill(pid, (int)si.ssi_signo);
		else if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	/* what it wrote last */
	fcntl(master, F_SETFL, O_NONBLOCK);
	while (out_open && tty_pump(master, 1) > 0)
		;
	tty_restore(&term);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int run_exec(const struct oci_global *g, struct exec_ctx *x, struct cr_error *err)
{
	static const int passed[] = {SIGINT,  SIGTERM, SIGHUP,	 SIGQUIT,
				     SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
	struct exec_msg m;
	cleanup_close int sfd = -1;
	cleanup_close int console = -1;
	cleanup_close int master = -1;
	int sp[2], status;
	sigset_t set, old;
	pid_t e1, e2 = -1;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return cr_fail(err, errno, "exec: socketpair");
	if (x->relay) {
		int cs[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cs) < 0) {
			close(sp[0]);
			close(sp[1]);
			return cr_fail(err, errno, "exec: socketpair");
		}
		x->console_fd = cs[1];
		console = cs[0];
	}
	/* blocked from before the fork: a signal meant for E2 is kept until it runs */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++)
		sigaddset(&set, passed[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	e1 = fork();
	if (e1 < 0) {
		cr_fail(err, errno, "exec: fork");
		goto fail;
	}
	if (e1 == 0) {
		close(sp[0]);
		x->sock = sp[1];
		exec_joiner(x);
	}
	close(sp[1]);
	sp[1] = -1;
	while (waitpid(e1, &status, 0) < 0 && errno == EINTR)
		;
	/* E1 says E2's pid (or why it could not), E2 why it failed; the stream ends when
	 * E2's end closes at its execve */
	err->msg[0] = '\0';
	while ((n = recv(sp[0], &m, sizeof(m), 0)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(m))
			break;
		if (m.kind == 'p' && m.pid > 0)
			e2 = m.pid;
		else if (m.kind == 'e' && !err->msg[0])
			*err = m.err;
	}
	if (err->msg[0])
		goto fail;
	if (e2 <= 0) {
		cr_fail(err, 0, "exec: the joining process died (status %d)", status);
		goto fail;
	}
	oci_debug(g, "exec: pid %d in the container's namespaces (setns 0x%x)", (int)e2,
		  (unsigned)x->ns_flags);
	close(sp[0]);
	sp[0] = -1;
	if (x->o->pid_file && write_pid_file(x->o->pid_file, e2, err) < 0) {
		kill(e2, SIGKILL);
		goto fail;
	}
	if (x->o->detach) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 0;
	}
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		cr_fail(err, errno, "exec: signalfd");
		kill(e2, SIGKILL);
		goto fail;
	}
	if (console >= 0) {
		char name[64];

		close(x->console_fd);
		x->console_fd = -1;
		if (cr_recv_msg(console, name, sizeof(name), &master) <= 0 || master < 0) {
			cr_fail(err, errno, "exec: receive the terminal");
			kill(e2, SIGKILL);
			goto fail;
		}
		return relay_tty(e2, master, sfd);
	}
	return wait_passing_signals(e2, &set, sfd);
fail:
	if (e2 > 0)
		while (waitpid(e2, NULL, 0) < 0 && errno == EINTR)
			;
	if (sp[0] >= 0)
		close(sp[0]);
	if (sp[1] >= 0)
		close(sp[1]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return -1;
}

int oci_cmd_exec(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	struct exec_opts o = {0};
	struct oci_state st = {.dir_fd = -1};
	struct oci_spec spec, proc;
	struct exec_ctx x = {.o = &o, .spec = &spec, .pidfd = -1, .console_fd = -1, .cg_fd = -1};
	enum oci_status status;
	int ret = -1, r;

	oci_spec_init(&spec);
	oci_spec_init(&proc);
	r = parse_args(argc, argv, &o, err);
	if (r != 0) {
		ret = r > 0 ? 0 : -1;
		goto out;
	}
	if (oci_state_load(g, o.id, &st, err) < 0)
		goto out;
	status = oci_state_status(&st);
	if (status == OCI_STOPPED) {
		cr_fail(err, 0, "exec: container %s is stopped", o.id);
		cr_hint(err, "exec runs in a created or running container");
		goto out;
	}
	if (status == OCI_PAUSED && !o.ignore_paused) {
		cr_fail(err, 0, "exec: container %s is paused", o.id);
		cr_hint(err, "resume it first, or pass --ignore-paused");
		goto out;
	}
	/* the container's own config: its process to start from, its seccomp profile */
	if (oci_spec_load(st.bundle, &spec, err) < 0) {
		cr_prefix(err, "exec: the container's bundle %s", st.bundle);
		goto out;
	}
	if (o.process_file) {
		/* runc: the file is the whole process, the flags but these do not apply */
		if (load_process_file(o.process_file, &proc, err) < 0)
			goto out;
		take_process(&spec, &proc);
		if (o.tty)
			spec.terminal = true;
	} else if (apply_flags(&o, &spec, err) < 0) {
		goto out;
	}
	if (spec.terminal && !o.console_socket && o.detach) {
		cr_fail(err, 0, "exec: a terminal with --detach needs --console-socket");
		cr_hint(err, "pass the engine's --console-socket, or run without --tty");
		goto out;
	}
	x.relay = spec.terminal && !o.console_socket;
	if (!spec.terminal && o.console_socket) {
		cr_fail(err, 0, "exec: --console-socket without --tty");
		cr_hint(err, "pass --tty too, or leave the socket out");
		goto out;
	}
	x.created = status == OCI_CREATED;
	if (st.cgroup && state_cgroup_ours(st.cgroup, o.id))
		x.cg_fd = open(st.cgroup, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	x.pidfd = oci_state_pidfd(&st);
	if (x.pidfd < 0) {
		cr_fail(err, 0, "exec: container %s is stopped", o.id);
		goto out;
	}
	if (namespaces_to_join(st.pid, &spec.cfg, &x.ns_flags, err) < 0)
		goto out;
	if (spec.terminal && !x.relay) {
		x.console_fd = oci_console_connect(o.console_socket, err);
		if (x.console_fd < 0)
			goto out;
	}
	ret = run_exec(g, &x, err);
out:
	if (x.console_fd >= 0)
		close(x.console_fd);
	if (x.pidfd >= 0)
		close(x.pidfd);
	if (x.cg_fd >= 0)
		close(x.cg_fd);
	if (st.dir_fd >= 0 || st.id)
		oci_state_free(&st);
	oci_spec_free(&proc);
	oci_spec_free(&spec);
	strv_free(&o.env);
	strv_free(&o.caps);
	strv_free(&o.add_gids);
	return ret;
}
