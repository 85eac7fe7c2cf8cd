/* net/net.c - the helper's life: chosen and checked before the front end joins the keeper,
 * forked as a launcher then, exec'd against the container's namespaces when PID 1 sends
 * them, waited for before the command runs, stopped with the container (net/net.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "keeper.h"
#include "net/helper.h"
#include "net/net.h"
#include "net/ports.h"
#include "trace.h"
#include "utils.h"

#define NET_LOG "net.log"
#define SLIRP_API "slirp4netns.sock"
#define READY_TIMEOUT_NS (10ULL * 1000000000ULL)

/* What the launcher receives on ctl: the namespaces, and slirp4netns's pipe ends. */
enum { FD_USERNS, FD_NETNS, FD_EXIT, FD_READY, FD_STATE_DIR, FD_KEEPER, NFDS };

void net_init(struct cr_net *n)
{
	memset(n, 0, sizeof(*n));
	n->ctl = n->exit_fd = n->ready_fd = n->userns_fd = -1;
}

static const char *helper_name(enum cr_net_helper kind)
{
	return kind == CR_NETH_SLIRP4NETNS ? "slirp4netns" : "pasta";
}

int net_choose_helper(enum cr_net_helper want, enum cr_net_helper *kind, char *path, size_t len,
		      struct cr_error *err)
{
	if (want != CR_NETH_SLIRP4NETNS && cr_find_on_path("pasta", path, len)) {
		*kind = CR_NETH_PASTA;
		return 0;
	}
	if (want != CR_NETH_PASTA && cr_find_on_path("slirp4netns", path, len)) {
		*kind = CR_NETH_SLIRP4NETNS;
		return 0;
	}
	if (want == CR_NETH_PASTA) {
		cr_fail(err, 0, "--net pasta: pasta is not installed (not found in PATH)");
		return cr_hint(err, "install the package passt (Debian, Ubuntu), or use --net "
				    "slirp4netns");
	}
	if (want == CR_NETH_SLIRP4NETNS) {
		cr_fail(err, 0,
			"--net slirp4netns: slirp4netns is not installed (not found in PATH)");
		return cr_hint(err, "install the package slirp4netns, or use --net pasta");
	}
	cr_fail(err, 0, "--net private needs pasta or slirp4netns, and neither is installed");
	return cr_hint(err, "install the package passt (pasta) or slirp4netns, or use --net host");
}

int net_check_tun(const char *path, struct cr_error *err)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	cr_fail(err, errno, "--net private: the helper needs %s, and you cannot open it", path);
	if (errno == ENOENT)
		return cr_hint(err, "load the tun module (modprobe tun), or use --net host");
	return cr_hint(err,
		       "make it usable by everyone as desktops ship it: chmod 0666 %s (or a "
		       "udev rule: KERNEL==\"tun\", MODE=\"0666\"), or use --net host",
		       path);
}

/* Sends fds to the launcher, one message per descriptor (its slot as the byte), then an
 * end mark: the SCM_RIGHTS of cr_send_msg, which every set-up channel uses. */
static int send_fds(int sock, const int *fds, size_t n)
{
	unsigned char end = 0xff;

	for (size_t i = 0; i < n; i++) {
		unsigned char slot = (unsigned char)i;

		if (fds[i] >= 0 && cr_send_msg(sock, &slot, 1, fds[i]) < 0)
			return -1;
	}
	return cr_send_msg(sock, &end, 1, -1);
}

/* The launcher's side: fds[] by their slot, -1 where none came; -1 if the front end went
 * away before the end mark. They come close-on-exec (cr_recv_msg) and are made inheritable
 * here: the helper execs with them. */
static int recv_fds(int sock, int *fds)
{
	for (int i = 0; i < NFDS; i++)
		fds[i] = -1;
	for (;;) {
		unsigned char slot;
		int fd;

		if (cr_recv_msg(sock, &slot, 1, &fd) != 1)
			return -1;
		if (slot == 0xff && fd < 0)
			return 0;
		if (slot >= NFDS || fd < 0 || fds[slot] >= 0 || fcntl(fd, F_SETFD, 0) < 0) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		fds[slot] = fd;
	}
}

/* The helper's command line, with its namespaces as userns and netns. */
static void build_argv(const struct cr_net *n, const char *userns, const char *netns, int exit_fd,
		       int ready_fd, const char *api, struct cr_strv *argv)
{
	struct cr_net_args a = {
	    .path = n->path,
	    .userns = userns,
	    .netns = netns,
	    .exit_fd = exit_fd,
	    .ready_fd = ready_fd,
	    .api_socket = api,
	    .host_loopback = n->host_loopback,
	    .ports = n->ports,
	    .nports = n->nports,
	};

	if (n->kind == CR_NETH_SLIRP4NETNS)
		slirp4netns_argv(&a, argv);
	else
		pasta_argv(&a, argv);
}

/* True when both fds are the same namespace. */
static bool same_ns(int a, int b)
{
	struct stat sa, sb;

	return a >= 0 && b >= 0 && fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* slirp4netns sandboxes itself as root (setegid(0), pivot_root): it runs as the keeper's
 * root, still on the host's network; the container's user namespace, when it is the
 * keeper's, cannot be joined again (setns), and needs not be. */
static int enter_keeper(int keeper)
{
	return setns(keeper, CLONE_NEWUSER);
}

/* The launcher: dies with its parent, holds only ctl (fd 3) and the log (stdout, stderr);
 * given the namespaces, it becomes the helper. */
static void __attribute__((noreturn))
launcher_main(struct cr_net *n, pid_t parent, int ctl, int log)
{
	char userns[32] = "", netns[32], api[64];
	struct cr_strv argv = {0};
	int fds[NFDS], null = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent || null < 0)
		_exit(CR_EXIT_TOOL);
	/* the front end blocks the signals it forwards: the helper must die of SIGTERM */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	setsid(); /* the terminal's ^C goes to the container, not to its network */
	if (dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0 || dup2(ctl, 3) < 0)
		_exit(CR_EXIT_TOOL);
	syscall(SYS_close_range, 4U, ~0U, 0U);
	if (recv_fds(3, fds) < 0 || fds[FD_USERNS] < 0 || fds[FD_NETNS] < 0)
		_exit(CR_EXIT_TOOL); /* the front end gave up: nothing to say */
	close(3);
	if (fds[FD_KEEPER] >= 0 && enter_keeper(fds[FD_KEEPER]) < 0) {
		fprintf(stderr, "join the keeper's user namespace: %s\n", strerror(errno));
		_exit(CR_EXIT_TOOL);
	}
	if (!same_ns(fds[FD_USERNS], fds[FD_KEEPER]))
		snprintf(userns, sizeof(userns), "/proc/self/fd/%d", fds[FD_USERNS]);
	else
		close(fds[FD_USERNS]);
	snprintf(netns, sizeof(netns), "/proc/self/fd/%d", fds[FD_NETNS]);
	snprintf(api, sizeof(api), "/proc/self/fd/%d/" SLIRP_API, fds[FD_STATE_DIR]);
	if (fds[FD_KEEPER] >= 0)
		close(fds[FD_KEEPER]); /* only its own fds go to the helper */
	build_argv(n, userns[0] ? userns : NULL, netns, fds[FD_EXIT], fds[FD_READY],
		   fds[FD_STATE_DIR] >= 0 ? api : NULL, &argv);
	execv(n->path, argv.v);
	fprintf(stderr, "exec %s: %s\n", n->path, strerror(errno));
	_exit(127);
}

int net_prepare(struct cr_net *n, const struct cr_config *cfg, const char *state_dir, bool trace,
		struct cr_error *err)
{
	unsigned long long t0 = cr_now_ns();
	cleanup_close int dir = -1, log = -1;
	pid_t parent = getpid();
	int sv[2];

	net_init(n);
	n->trace = trace;
	n->state_dir = state_dir;
	n->host_loopback = cfg->net_host_loopback;
	if (net_choose_helper(cfg->net_helper, &n->kind, n->path, sizeof(n->path), err) < 0)
		return -1;
	if (net_check_tun("/dev/net/tun", err) < 0)
		return -1;
	/* a taken port is one error now, before anything is started (pasta would go on) */
	if (cfg->nports && ports_resolve(cfg->ports, cfg->nports, &n->ports, &n->nports, err) < 0)
		return -1;
	dir = open(state_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir >= 0)
		log = openat(dir, NET_LOG, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			     0600);
	if (log < 0)
		return cr_fail(err, errno, "open %s/" NET_LOG, state_dir);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return cr_fail(err, errno, "socketpair");
	fflush(NULL);
	n->launcher = fork();
	if (n->launcher == 0) {
		close(sv[0]);
		launcher_main(n, parent, sv[1], log);
	}
	close(sv[1]);
	if (n->launcher < 0) {
		n->launcher = 0;
		close(sv[0]);
		return cr_fail(err, errno, "fork");
	}
	n->ctl = sv[0];
	n->start = cr_proc_start_time(n->launcher);
	trace_step(trace, t0,
		   "command -v %s && test -w /dev/net/tun  # %zu port(s) free; launcher %d",
		   helper_name(n->kind), n->nports, (int)n->launcher);
	return 0;
}

int net_attach(struct cr_net *n, int userns_fd, int netns_fd, struct cr_error *err)
{
	cleanup_close int dir = -1, keeper = -1;
	int fds[NFDS] = {userns_fd, netns_fd, -1, -1, -1, -1};
	int exit_pipe[2] = {-1, -1}, ready_pipe[2] = {-1, -1};
	int ret;

	n->t0 = cr_now_ns();
	if (n->kind == CR_NETH_SLIRP4NETNS) {
		if (pipe2(exit_pipe, O_CLOEXEC) < 0 || pipe2(ready_pipe, O_CLOEXEC) < 0) {
			ret = cr_fail(err, errno, "pipe");
			goto out;
		}
		dir = open(n->state_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dir < 0) {
			ret = cr_fail(err, errno, "open %s", n->state_dir);
			goto out;
		}
		fds[FD_EXIT] = exit_pipe[0];
		fds[FD_READY] = ready_pipe[1];
		fds[FD_STATE_DIR] = dir;
		keeper = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC); /* we are in it */
		if (keeper < 0) {
			ret = cr_fail(err, errno, "open /proc/self/ns/user");
			goto out;
		}
		fds[FD_KEEPER] = keeper;
	}
	if (send_fds(n->ctl, fds, NFDS) < 0) {
		ret = cr_fail(err, errno, "start %s", helper_name(n->kind));
		goto out;
	}
	n->exit_fd = exit_pipe[1]; /* slirp4netns quits when we are gone */
	n->ready_fd = ready_pipe[0];
	exit_pipe[1] = ready_pipe[0] = -1;
	ret = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (exit_pipe[i] >= 0)
			close(exit_pipe[i]);
		if (ready_pipe[i] >= 0)
			close(ready_pipe[i]);
	}
	close(n->ctl);
	n->ctl = -1;
	close(userns_fd);
	close(netns_fd);
	return ret;
}

/* The last line the helper wrote to net.log, escaped, or a description of how it ended. */
static void helper_said(const struct cr_net *n, int status, char *buf, size_t len)
{
	cleanup_free char *path = cr_xasprintf("%s/" NET_LOG, n->state_dir);
	cleanup_close int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char text[4096];
	ssize_t got = 0;
	off_t size;
	char *end, *line;

	if (fd >= 0 && (size = lseek(fd, 0, SEEK_END)) > 0) {
		lseek(fd, size > (off_t)sizeof(text) - 1 ? size - (off_t)sizeof(text) + 1 : 0,
		      SEEK_SET);
		got = read(fd, text, sizeof(text) - 1);
	}
	text[got > 0 ? got : 0] = '\0';
	end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		*--end = '\0';
	line = strrchr(text, '\n');
	line = line ? line + 1 : text;
	if (*line) {
		cr_escape(line, strlen(line), buf, len);
	} else if (WIFSIGNALED(status)) {
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	} else {
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	}
}

/* The helper is gone (-1 with why in err), or still there (0). */
static int check_alive(struct cr_net *n, struct cr_error *err)
{
	char said[512];
	int status;

	if (waitpid(n->launcher, &status, WNOHANG) != n->launcher)
		return 0;
	n->launcher = 0;
	helper_said(n, status, said, sizeof(said));
	cr_fail(err, 0, "%s failed to start the container's network: %s", helper_name(n->kind),
		said);
	return cr_hint(err, "use --net %s, or --net host",
		       n->kind == CR_NETH_PASTA ? "slirp4netns" : "pasta");
}

bool net_route_has_default(const char *text, bool v6)
{
	static const char any6[] = "00000000000000000000000000000000";

	for (const char *line = text; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		char a[40] = "", b[40] = "", dev[32] = "";

		/* route: Iface Destination ...; ipv6_route: dst len src len next metric ref use
		 * flags dev */
		if (!v6 && sscanf(line, "%31s %39s", dev, a) == 2 && !strcmp(a, "00000000"))
			return true;
		if (v6 &&
		    sscanf(line, "%39s %39s %*s %*s %*s %*s %*s %*s %*s %31s", a, b, dev) == 3 &&
		    !strcmp(a, any6) && !strcmp(b, "00") && strcmp(dev, "lo"))
			return true;
	}
	return false;
}

/* True when the route table at path (/proc/PID/net/route or ipv6_route) has a default
 * route; a table that cannot be read has none. */
static bool has_default_route(const char *path, bool v6)
{
	char text[16384];
	struct cr_error ignored;

	if (cr_read_file(path, text, sizeof(text), &ignored) <= 0)
		return false;
	return net_route_has_default(text, v6);
}

/* pasta's interface is up: the default route is there, and the IPv6 one when the host
 * has one (pasta copies the host's). */
static bool pasta_ready(pid_t pid1, bool v6)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/net/route", (int)pid1);
	if (!has_default_route(path, false))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/net/ipv6_route", (int)pid1);
	return !v6 || has_default_route(path, true);
}

/* The socket inodes the helper holds (*n of them; caller frees), NULL when its fds cannot be
 * read. */
static unsigned long *helper_sockets(pid_t pid, size_t *n)
{
	char path[64];
	DIR *d;
	struct dirent *de;
	unsigned long *v = NULL;

	*n = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char link[64];
		ssize_t len = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		unsigned long ino;

		if (len <= 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino) != 1)
			continue;
		v = cr_xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = ino;
	}
	closedir(d);
	return v ? v : cr_xmalloc(sizeof(*v));
}

/* A socket of someone else on a published host port (a listening TCP one, a bound UDP one),
 * on every address or with the port published on every address: -1 with err. */
static int foreign_on_ports(const struct cr_net *n, const char *table, unsigned char proto,
			    const unsigned long *own, size_t nown, struct cr_error *err)
{
	FILE *f = fopen(table, "re");
	char line[512];
	int ret = 0;

	if (!f)
		return 0;
	while (ret == 0 && fgets(line, sizeof(line), f)) {
		char addr[40];
		unsigned port, st;
		unsigned long ino;
		bool mine = false, any;

		if (sscanf(line, " %*d: %39[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %*u %*d %lu", addr,
			   &port, &st, &ino) != 4 ||
		    (proto == CR_PROTO_TCP && st != 0x0A))
			continue;
		any = strspn(addr, "0") == strlen(addr);
		for (size_t k = 0; k < nown && !mine; k++)
			mine = own[k] == ino;
		for (size_t i = 0; i < n->nports && !mine; i++) {
			const struct cr_port *p = &n->ports[i];

			if (p->proto != proto || port < p->host_port ||
			    port >= (unsigned)p->host_port + p->count || (p->host_ip[0] && !any))
				continue;
			cr_fail(err, 0,
				"host port %u/%s was taken by another process while the container "
				"started: the helper could not publish it on every address",
				port, proto == CR_PROTO_UDP ? "udp" : "tcp");
			ret = cr_hint(err,
				      "publish on another host port, or stop what listens there "
				      "(ss -%slnp 'sport = :%u')",
				      proto == CR_PROTO_UDP ? "u" : "t", port);
			break;
		}
	}
	fclose(f);
	return ret;
}

/* pasta goes on when it could bind a published port on one address of two (another user
 * took 0.0.0.0:PORT between ports_resolve and pasta's bind: that user would get the IPv4
 * connections): after it is up, nobody but the helper holds a published host port. */
static int ports_held(const struct cr_net *n, struct cr_error *err)
{
	static const struct {
		const char *table;
		unsigned char proto;
	} tables[] = {{"/proc/net/tcp", CR_PROTO_TCP},
		      {"/proc/net/tcp6", CR_PROTO_TCP},
		      {"/proc/net/udp", CR_PROTO_UDP},
		      {"/proc/net/udp6", CR_PROTO_UDP}};
	size_t nown;
	cleanup_free unsigned long *own = n->nports ? helper_sockets(n->launcher, &nown) : NULL;

	if (!own)
		return 0; /* nothing published, or its fds unreadable: nothing to compare with */
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		if (foreign_on_ports(n, tables[t].table, tables[t].proto, own, nown, err) < 0)
			return -1;
	return 0;
}

static int wait_pasta(struct cr_net *n, pid_t pid1, struct cr_error *err)
{
	unsigned long long deadline = cr_now_ns() + READY_TIMEOUT_NS;
	struct timespec pause = {0, 1000 * 1000};
	bool v6 = has_default_route("/proc/net/ipv6_route", true); /* ours: the host's */

	while (!pasta_ready(pid1, v6)) {
		if (check_alive(n, err) < 0)
			return -1;
		if (cr_now_ns() > deadline)
			return cr_fail(err, ETIMEDOUT,
				       "pasta did not configure the container's network in 10 s");
		nanosleep(&pause, NULL);
	}
	return ports_held(n, err);
}

/* slirp4netns forwards the ports it is asked for on its API socket, one by one. */
static int slirp_forward(struct cr_net *n, struct cr_error *err)
{
	cleanup_close int dir = open(n->state_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct cr_strv reqs = {0};
	char path[64];
	int ret = 0;

	/* by the directory's fd: RUNTIME/NAME may not fit in sun_path's 108 bytes */
	snprintf(path, sizeof(path), "/proc/self/fd/%d/" SLIRP_API, dir);
	ports_slirp_requests(n->ports, n->nports, &reqs);
	for (size_t i = 0; i < reqs.n && ret == 0; i++)
		ret = slirp4netns_api(path, reqs.v[i], err);
	strv_free(&reqs);
	return ret;
}

static int wait_slirp(struct cr_net *n, struct cr_error *err)
{
	struct pollfd p = {.fd = n->ready_fd, .events = POLLIN};
	char c;

	if (poll(&p, 1, (int)(READY_TIMEOUT_NS / 1000000)) <= 0)
		return cr_fail(err, ETIMEDOUT,
			       "slirp4netns did not configure the container's network in 10 s");
	if (read(n->ready_fd, &c, 1) != 1) {
		/* it closed the pipe: it died; wait a moment for its status */
		for (int i = 0; i < 1000 && check_alive(n, err) == 0; i++)
			usleep(1000);
		if (n->launcher)
			return cr_fail(err, EPIPE, "slirp4netns failed to start");
		return -1;
	}
	return n->nports ? slirp_forward(n, err) : 0;
}

int net_wait_ready(struct cr_net *n, pid_t pid1, struct cr_error *err)
{
	cleanup_free char *line = NULL;
	cleanup_free char *api = cr_xasprintf("%s/" SLIRP_API, n->state_dir);
	struct cr_strv argv = {0};
	char userns[64], netns[64];
	int ret;

	if (n->launcher <= 0)
		return cr_fail(err, ESRCH, "the network helper is not running");
	ret = n->kind == CR_NETH_SLIRP4NETNS ? wait_slirp(n, err) : wait_pasta(n, pid1, err);
	if (ret < 0 || !n->trace)
		return ret;
	snprintf(userns, sizeof(userns), "/proc/%d/ns/user", (int)pid1);
	snprintf(netns, sizeof(netns), "/proc/%d/ns/net", (int)pid1);
	build_argv(n, userns, netns, n->kind == CR_NETH_SLIRP4NETNS ? 3 : -1,
		   n->kind == CR_NETH_SLIRP4NETNS ? 4 : -1,
		   n->kind == CR_NETH_SLIRP4NETNS ? api : NULL, &argv);
	line = cr_xstrdup("");
	for (size_t i = 0; i < argv.n; i++) {
		char *next = cr_xasprintf("%s%s%s", line, i ? " " : "", argv.v[i]);

		free(line);
		line = next;
	}
	strv_free(&argv);
	trace_step(true, n->t0, "%s &  # pid %d, the interface is up", line, (int)n->launcher);
	return 0;
}

void net_stop_begin(struct cr_net *n)
{
	if (n->launcher > 0 && !n->stopping) {
		n->stopping = cr_now_ns();
		kill(n->launcher, SIGTERM);
	}
}

void net_stop(struct cr_net *n)
{
	if (n->launcher > 0) {
		unsigned long long t0, deadline;
		pid_t got = 0;

		net_stop_begin(n);
		t0 = n->stopping;
		deadline = t0 + 1000000000ULL;
		while ((got = waitpid(n->launcher, NULL, WNOHANG)) == 0 && cr_now_ns() < deadline)
			usleep(1000);
		if (got == 0) {
			kill(n->launcher, SIGKILL);
			while (waitpid(n->launcher, NULL, 0) < 0 && errno == EINTR)
				;
		}
		trace_step(n->trace, t0, "kill %d && wait %d  # %s%s", (int)n->launcher,
			   (int)n->launcher, helper_name(n->kind),
			   got == 0 ? ": SIGKILL after 1 s" : "");
	}
	n->launcher = 0;
	n->stopping = 0;
	free(n->ports);
	n->ports = NULL;
	n->nports = 0;
	if (n->ctl >= 0)
		close(n->ctl);
	if (n->exit_fd >= 0)
		close(n->exit_fd);
	if (n->ready_fd >= 0)
		close(n->ready_fd);
	if (n->userns_fd >= 0)
		close(n->userns_fd);
	n->ctl = n->exit_fd = n->ready_fd = n->userns_fd = -1;
}

void net_kill_recorded(pid_t pid, unsigned long long start)
{
	if (pid > 1 && start && cr_proc_start_time(pid) == start)
		kill(pid, SIGKILL);
}
