/* harness.c - running the front end and inspecting what it leaves behind. */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define WARNING_PREFIX "conti-rootless: warning: "
#define ERROR_PREFIX "conti-rootless: "
#define DRAIN_MS 2000 /* how long output is still read after the command exited */

struct h_ctx H;
static char *case_dir; /* made in the runner, inherited by the forked tests */

long long h_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *h_strf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0, "out of memory");
	return s;
}

char *h_unique(const char *prefix)
{
	static int counter;

	return h_strf("%s-%d-%d", prefix, (int)getpid(), ++counter);
}

const char *h_conti_bin(void)
{
	const char *bin = getenv("CONTI_BIN");

	ck_assert_msg(bin && *bin, "CONTI_BIN is not set: run the suite through meson test");
	return bin;
}

char *h_mkdtemp(const char *parent, const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	char *path;

	if (!parent)
		parent = tmp && tmp[0] == '/' ? tmp : "/tmp";
	path = h_strf("%s/%s.XXXXXX", parent, prefix);

	ck_assert_msg(mkdtemp(path), "mkdtemp %s: %s", path, strerror(errno));
	return path;
}

void h_mkrootfs(const char *dir)
{
	const char *mk = getenv("CONTI_MKROOTFS");
	struct h_result r;

	ck_assert_msg(mk && *mk, "CONTI_MKROOTFS is not set: run the suite through meson test");
	h_run(&r, NULL, (char *const[]){"sh", (char *)mk, "busybox", (char *)dir, NULL});
	ck_assert_msg(r.status == 0, "%s busybox %s failed (%d): %s", mk, dir, r.status, r.err);
	h_result_free(&r);
}

/* Removes name under the directory at; directories are made accessible first. */
static void rm_at(int at, const char *name)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(at, name, 0);
		return;
	}
	fchmodat(at, name, 0700, 0);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && (d = fdopendir(fd))) {
		while ((de = readdir(d))) {
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				rm_at(dirfd(d), de->d_name);
		}
		closedir(d);
	} else if (fd >= 0) {
		close(fd);
	}
	unlinkat(at, name, AT_REMOVEDIR);
}

bool h_rm_rf(const char *path)
{
	rm_at(AT_FDCWD, path);
	return !h_exists(path);
}

void h_write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	size_t len = strlen(text);

	ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
	ck_assert_msg(write(fd, text, len) == (ssize_t)len, "write %s", path);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

char *h_read_file(const char *path)
{
	struct h_buf b = {0};
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	b.s = calloc(1, 1);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		b.s = realloc(b.s, b.len + (size_t)n + 1);
		ck_assert(b.s);
		memcpy(b.s + b.len, chunk, (size_t)n);
		b.len += (size_t)n;
		b.s[b.len] = '\0';
	}
	close(fd);
	return b.s;
}

bool h_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int h_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d) {
		ck_assert_msg(errno == ENOENT, "opendir %s: %s", dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	}
	closedir(d);
	return n;
}

char *h_runtime_dir(void)
{
	return h_strf("%s/conti-rootless", H.runtime);
}

char *h_containers_dir(void)
{
	return h_strf("%s/conti-rootless/containers", H.data);
}

/* Waits (up to 5 s) for the background removers of --rm containers to empty both trash
 * dirs, and fails if they do not: a removed container must go entirely. */
static void wait_trash_emptied(void)
{
	char *runtime_trash = h_strf("%s/conti-rootless/.trash", H.runtime);
	char *data_trash = h_strf("%s/conti-rootless/trash", H.data);
	struct timespec pause = {0, 10 * 1000 * 1000};
	int i;

	for (i = 0; i < 500; i++) {
		if (h_count_entries(runtime_trash) <= 0 && h_count_entries(data_trash) <= 0)
			break;
		nanosleep(&pause, NULL);
	}
	ck_assert_msg(i < 500, "removed containers left in %s (%d) or %s (%d)", runtime_trash,
		      h_count_entries(runtime_trash), data_trash, h_count_entries(data_trash));
	free(runtime_trash);
	free(data_trash);
}

/* Entries of the runtime dir that belong to a container: the keeper's pid file and
 * lock, the registry lock, the (empty) rm marker and trash dirs are the tool's own. */
static int count_container_entries(const char *runtime)
{
	static const char *const own[] = {".keeper.pid", ".keeper.lock", ".registry.lock", ".rm",
					  ".trash"};
	int n = h_count_entries(runtime);
	char *rm = h_strf("%s/.rm", runtime);

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		char *path = h_strf("%s/%s", runtime, own[i]);

		n -= h_exists(path) ? 1 : 0;
		free(path);
	}
	n += h_count_entries(rm);
	free(rm);
	return n;
}

void h_assert_nothing_left(void)
{
	char *runtime = h_runtime_dir(), *containers = h_containers_dir();

	wait_trash_emptied();
	ck_assert_msg(count_container_entries(runtime) == 0, "state left in %s", runtime);
	ck_assert_msg(h_count_entries(containers) == 0, "writable layer left in %s", containers);
	free(runtime);
	free(containers);
}

void h_case_setup(void)
{
	case_dir = h_mkdtemp(NULL, "conti-it");
}

void h_case_teardown(void)
{
	h_rm_rf(case_dir);
	free(case_dir);
	case_dir = NULL;
}

void h_setup(void)
{
	if (getuid() == 0)
		ck_abort_msg(
		    "integration tests must run as an unprivileged user: use tests/run-all");
	signal(SIGPIPE, SIG_IGN);
	umask(022);
	H.base = h_mkdtemp(case_dir, "test");
	H.runtime = h_strf("%s/run", H.base);
	H.data = h_strf("%s/data", H.base);
	H.rootfs = h_strf("%s/rootfs", H.base);
	ck_assert_int_eq(mkdir(H.runtime, 0700), 0);
	ck_assert_int_eq(mkdir(H.data, 0700), 0);
	h_mkrootfs(H.rootfs);
	setenv("XDG_RUNTIME_DIR", H.runtime, 1);
	setenv("XDG_DATA_HOME", H.data, 1);
	/* The runtime dir follows the user, not XDG_RUNTIME_DIR: this override (made by the
	 * first command, as XDG_RUNTIME_DIR/conti-rootless was) isolates the tests. */
	{
		char *own = h_runtime_dir();

		setenv("CONTI_ROOTLESS_RUNTIME_DIR", own, 1);
		free(own);
	}
}

void h_teardown(void)
{
	if (H.base)
		h_rm_rf(H.base);
	free(H.base);
	free(H.runtime);
	free(H.data);
	free(H.rootfs);
	memset(&H, 0, sizeof(H));
}

/* ---- running commands ---- */

static void buf_add(struct h_buf *b, const char *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		ck_assert_msg(b->s, "out of memory");
	}
	memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Applies "K=V" (set) and "K" (unset) entries to the environment. */
static void apply_env(const char *const *env)
{
	for (; env && *env; env++) {
		const char *eq = strchr(*env, '=');

		if (eq) {
			char *key = strndup(*env, (size_t)(eq - *env));

			setenv(key, eq + 1, 1);
			free(key);
		} else {
			unsetenv(*env);
		}
	}
}

/* In the forked child: default signal state, the environment, then exec. */
static void __attribute__((noreturn)) exec_child(char *const argv[], const char *const *env)
{
	sigset_t none;

	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	apply_env(env);
	execvp(argv[0], argv);
	dprintf(2, "harness: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int open_pidfd(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	ck_assert_msg(fd >= 0, "pidfd_open: %s", strerror(errno));
	return fd;
}

void h_spawn(struct h_proc *p, char *const argv[], const struct h_opts *o)
{
	int in[2] = {-1, -1}, out[2], err[2];

	memset(p, 0, sizeof(*p));
	p->input = o ? o->input : NULL;
	ck_assert(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0);
	if (p->input)
		ck_assert(pipe2(in, O_CLOEXEC) == 0);
	else
		ck_assert((in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0);
	p->start_ms = h_mono_ms();
	p->pid = fork();
	ck_assert_msg(p->pid >= 0, "fork: %s", strerror(errno));
	if (p->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		exec_child(argv, o ? o->env : NULL);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	p->in = in[1];
	p->out = out[0];
	p->err = err[0];
	if (p->in >= 0)
		fcntl(p->in, F_SETFL, O_NONBLOCK);
}

/* Reads what is there on *fd into b; closes *fd at end of file. */
static void read_into(int *fd, struct h_buf *b)
{
	char chunk[8192];
	ssize_t n = read(*fd, chunk, sizeof(chunk));

	if (n > 0) {
		buf_add(b, chunk, (size_t)n);
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(*fd);
		*fd = -1;
	}
}

/* Writes more of the input; closes stdin once all is written or the reader is gone. */
static void write_input(struct h_proc *p)
{
	size_t left = strlen(p->input) - p->input_off;
	ssize_t n = left ? write(p->in, p->input + p->input_off, left) : 0;

	if (n > 0)
		p->input_off += (size_t)n;
	if ((n < 0 && errno != EAGAIN && errno != EINTR) || p->input_off == strlen(p->input)) {
		close(p->in);
		p->in = -1;
	}
}

static void reap(struct h_proc *p)
{
	int status;

	if (!p->exited && waitpid(p->pid, &status, WNOHANG) == p->pid) {
		p->exited = true;
		p->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
}

/* One round: waits up to wait_ms for output, room for input, or the exit. */
static void pump(struct h_proc *p, int pidfd, long long wait_ms)
{
	struct pollfd fds[4] = {
	    {.fd = p->out, .events = POLLIN},
	    {.fd = p->err, .events = POLLIN},
	    {.fd = p->in, .events = POLLOUT},
	    {.fd = p->exited ? -1 : pidfd, .events = POLLIN},
	};

	if (poll(fds, 4, (int)(wait_ms > 0 ? wait_ms : 0)) < 0)
		return;
	if (fds[0].revents)
		read_into(&p->out, &p->obuf);
	if (fds[1].revents)
		read_into(&p->err, &p->ebuf);
	if (fds[2].revents)
		write_input(p);
	reap(p);
}

static bool output_done(const struct h_proc *p)
{
	return p->exited && p->out < 0 && p->err < 0;
}

bool h_wait_output(struct h_proc *p, const char *needle, int timeout_ms)
{
	long long deadline = h_mono_ms() + timeout_ms;
	int pidfd = open_pidfd(p->pid);

	while (!(p->obuf.s && strstr(p->obuf.s, needle)) && !output_done(p) &&
	       h_mono_ms() < deadline)
		pump(p, pidfd, deadline - h_mono_ms());
	close(pidfd);
	return p->obuf.s && strstr(p->obuf.s, needle);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void h_finish(struct h_proc *p, struct h_result *r, int timeout_ms)
{
	long long deadline = h_mono_ms() + (timeout_ms ? timeout_ms : H_TIMEOUT_MS);
	int pidfd = open_pidfd(p->pid);

	memset(r, 0, sizeof(*r));
	while (!p->exited && h_mono_ms() < deadline)
		pump(p, pidfd, deadline - h_mono_ms());
	if (!p->exited) {
		kill(p->pid, SIGKILL);
		r->timed_out = true;
		while (!p->exited)
			pump(p, pidfd, 100);
	}
	r->elapsed_ms = (long)(h_mono_ms() - p->start_ms);
	/* Output still open after the exit is held by something left behind: read for a while. */
	deadline = h_mono_ms() + DRAIN_MS;
	while (!output_done(p) && h_mono_ms() < deadline)
		pump(p, pidfd, deadline - h_mono_ms());
	close(pidfd);
	close_fd(&p->in);
	close_fd(&p->out);
	close_fd(&p->err);
	r->status = p->status;
	r->out = p->obuf.s ? p->obuf.s : strdup("");
	r->err = p->ebuf.s ? p->ebuf.s : strdup("");
	memset(&p->obuf, 0, sizeof(p->obuf));
	memset(&p->ebuf, 0, sizeof(p->ebuf));
}

void h_run(struct h_result *r, const struct h_opts *o, char *const argv[])
{
	struct h_proc p;

	h_spawn(&p, argv, o);
	h_finish(&p, r, o ? o->timeout_ms : 0);
}

void h_conti(struct h_result *r, const struct h_opts *o, ...)
{
	char *argv[64];
	size_t n = 0;
	va_list ap;

	argv[n++] = (char *)h_conti_bin();
	va_start(ap, o);
	while (n < 63 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	h_run(r, o, argv);
}

void h_result_free(struct h_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* ---- pseudo-terminals ---- */

/* In the child: the slave becomes the controlling terminal and stdin, stdout, stderr. */
static void __attribute__((noreturn))
pty_child(int slave, char *const argv[], const char *const *env)
{
	setsid();
	ioctl(slave, TIOCSCTTY, 0);
	dup2(slave, 0);
	dup2(slave, 1);
	dup2(slave, 2);
	exec_child(argv, env);
}

/* Reads what is left on the master: the kernel moves slave output to the master
 * asynchronously, so wait until it has been quiet for a moment. */
static void pty_drain(int master, struct h_buf *b)
{
	struct pollfd pfd = {.fd = master, .events = POLLIN};
	char chunk[4096];
	ssize_t n;

	while (poll(&pfd, 1, 200) == 1 && (n = read(master, chunk, sizeof(chunk))) > 0)
		buf_add(b, chunk, (size_t)n);
}

/* Reads the master until the child exits (we hold the slave open, so no EIO ends it). */
static void pty_collect(int master, pid_t pid, struct h_buf *b, struct h_result *r)
{
	long long start = h_mono_ms(), deadline = start + H_TIMEOUT_MS;
	int pidfd = open_pidfd(pid), status = 0;
	char chunk[4096];
	ssize_t n;

	while (h_mono_ms() < deadline) {
		struct pollfd fds[2] = {{.fd = master, .events = POLLIN},
					{.fd = pidfd, .events = POLLIN}};

		poll(fds, 2, (int)(deadline - h_mono_ms()));
		if (fds[0].revents & POLLIN && (n = read(master, chunk, sizeof(chunk))) > 0)
			buf_add(b, chunk, (size_t)n);
		if (fds[1].revents)
			break;
	}
	if (waitpid(pid, &status, WNOHANG) != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		r->timed_out = true;
	}
	r->elapsed_ms = (long)(h_mono_ms() - start);
	pty_drain(master, b);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	close(pidfd);
}

void h_run_pty(struct h_result *r, char *const argv[], const struct winsize *ws,
	       const char *const *env, struct termios *before, struct termios *after)
{
	struct h_buf b = {0};
	int master, slave;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	ck_assert_msg(openpty(&master, &slave, NULL, NULL, ws) == 0, "openpty: %s",
		      strerror(errno));
	fcntl(master, F_SETFD, FD_CLOEXEC);
	fcntl(slave, F_SETFD, FD_CLOEXEC);
	ck_assert_int_eq(tcgetattr(slave, before), 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0)
		pty_child(slave, argv, env);
	pty_collect(master, pid, &b, r);
	ck_assert_int_eq(tcgetattr(slave, after), 0);
	close(master);
	close(slave);
	r->out = b.s ? b.s : strdup("");
	r->err = strdup("");
}

/* ---- reading output ---- */

int h_count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; n++) {
		const char *nl = strchr(s, '\n');

		s = nl ? nl + 1 : s + strlen(s);
	}
	return n;
}

char *h_line(const char *s, int n)
{
	size_t len;

	for (; s && *s && n > 0; n--) {
		const char *nl = strchr(s, '\n');

		s = nl ? nl + 1 : s + strlen(s);
	}
	if (!s || !*s)
		return strdup("");
	len = strcspn(s, "\n");
	if (len && s[len - 1] == '\r')
		len--;
	return strndup(s, len);
}

char *h_error_line(const struct h_result *r)
{
	int lines = h_count_lines(r->err), errors = 0;
	char *found = NULL;

	for (int i = 0; i < lines; i++) {
		char *line = h_line(r->err, i);

		if (!strncmp(line, WARNING_PREFIX, strlen(WARNING_PREFIX))) {
			free(line);
			continue;
		}
		errors++;
		free(found);
		found = line;
	}
	ck_assert_msg(errors == 1, "expected exactly one error line on stderr, got %d:\n%s", errors,
		      r->err);
	ck_assert_msg(!strncmp(found, ERROR_PREFIX, strlen(ERROR_PREFIX)),
		      "the error line does not start with '" ERROR_PREFIX "': %s", found);
	return found;
}

char *h_strip_warnings(const char *text)
{
	struct h_buf b = {0};

	buf_add(&b, "", 0);
	while (text && *text) {
		size_t len = strcspn(text, "\n");

		if (text[len] == '\n')
			len++;
		if (strncmp(text, WARNING_PREFIX, strlen(WARNING_PREFIX)))
			buf_add(&b, text, len);
		text += len;
	}
	return b.s;
}

bool h_has_warning(const struct h_result *r, const char *needle)
{
	int lines = h_count_lines(r->err);
	bool found = false;

	for (int i = 0; i < lines && !found; i++) {
		char *line = h_line(r->err, i);

		found =
		    !strncmp(line, WARNING_PREFIX, strlen(WARNING_PREFIX)) && strstr(line, needle);
		free(line);
	}
	return found;
}

/* ---- processes ---- */

static bool all_digits(const char *s)
{
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
	}
	return true;
}

/* True when /proc/PID's real uid is ours. */
static bool proc_is_ours(const char *pid)
{
	char *path = h_strf("/proc/%s/status", pid), *status = h_read_file(path);
	const char *uid = status ? strstr(status, "\nUid:") : NULL;
	bool ours = uid && strtoul(uid + 5, NULL, 10) == (unsigned long)getuid();

	free(path);
	free(status);
	return ours;
}

/* /proc/PID/cmdline with the NULs turned into spaces; NULL when gone. */
static char *proc_cmdline(const char *pid)
{
	char *path = h_strf("/proc/%s/cmdline", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[8192];
	ssize_t n;

	free(path);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	for (ssize_t i = 0; i < n; i++)
		buf[i] = buf[i] ? buf[i] : ' ';
	buf[n] = '\0';
	return strdup(buf);
}

/* Counts our processes with marker in their command line; keeps the first one's in *first. */
static int scan_procs(const char *marker, char **first)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	ck_assert(d);
	while ((de = readdir(d))) {
		char *cmd;

		if (!all_digits(de->d_name) || atoi(de->d_name) == getpid() ||
		    !proc_is_ours(de->d_name))
			continue;
		cmd = proc_cmdline(de->d_name);
		if (cmd && strstr(cmd, marker) && n++ == 0 && first)
			*first = h_strf("pid %s: %s", de->d_name, cmd);
		free(cmd);
	}
	closedir(d);
	return n;
}

int h_count_procs(const char *marker)
{
	return scan_procs(marker, NULL);
}

void h_assert_no_procs(const char *marker, int wait_ms)
{
	long long deadline = h_mono_ms() + wait_ms;
	struct timespec pause = {0, 20 * 1000000};
	char *first = NULL;
	int n;

	while ((n = scan_procs(marker, NULL)) > 0 && h_mono_ms() < deadline)
		nanosleep(&pause, NULL);
	if (n > 0)
		n = scan_procs(marker, &first);
	ck_assert_msg(n == 0, "%d process(es) with '%s' left after %d ms, e.g. %s", n, marker,
		      wait_ms, first ? first : "?");
	free(first);
}

/* /proc/PID/FILE (cmdline, environ) with the NULs turned into spaces; NULL when gone or
 * not readable. */
static char *proc_text(const char *pid, const char *file)
{
	char *path = h_strf("/proc/%s/%s", pid, file);
	struct h_buf b = {0};
	char chunk[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	free(path);
	if (fd < 0)
		return NULL;
	buf_add(&b, "", 0);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	for (size_t i = 0; i < b.len; i++)
		b.s[i] = b.s[i] ? b.s[i] : ' ';
	return b.s;
}

const char *h_case_dir(void)
{
	return case_dir;
}

bool h_proc_mentions(pid_t pid, const char *needle)
{
	char *id = h_strf("%d", (int)pid), *cmd = proc_text(id, "cmdline");
	char *env = proc_text(id, "environ");
	bool match = (cmd && strstr(cmd, needle)) || (env && strstr(env, needle));

	free(id);
	free(cmd);
	free(env);
	return match;
}

/* Our processes (but this one) whose command line or environment has needle: counted,
 * and sent sig unless it is 0. */
static int signal_procs(const char *needle, int sig)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name);

		if (!all_digits(de->d_name) || pid == getpid() || !proc_is_ours(de->d_name) ||
		    !h_proc_mentions(pid, needle))
			continue;
		if (sig == 0 || kill(pid, sig) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int h_kill_procs(const char *needle)
{
	return signal_procs(needle, SIGKILL);
}

int h_count_procs_mentioning(const char *needle)
{
	return signal_procs(needle, 0);
}

bool h_pid_alive(pid_t pid)
{
	char *path = h_strf("/proc/%d/stat", (int)pid), *stat = h_read_file(path);
	const char *paren = stat ? strrchr(stat, ')') : NULL;
	bool alive = paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';

	free(path);
	free(stat);
	return alive;
}

bool h_wait_pid_gone(pid_t pid, int wait_ms)
{
	long long deadline = h_mono_ms() + wait_ms;
	struct timespec pause = {0, 20 * 1000000};

	while (h_pid_alive(pid) && h_mono_ms() < deadline)
		nanosleep(&pause, NULL);
	return !h_pid_alive(pid);
}

pid_t h_keeper_pid(void)
{
	char *path = h_strf("%s/conti-rootless/.keeper.pid", H.runtime), *text = h_read_file(path);
	char *end = NULL;
	long pid = text ? strtol(text, &end, 10) : -1;

	if (!text || end == text || (*end && *end != '\n') || pid <= 0)
		pid = -1;
	free(path);
	free(text);
	return (pid_t)pid;
}

void h_assert_no_containers_left(void)
{
	char *runtime = h_runtime_dir(), *containers = h_containers_dir();
	DIR *d = opendir(runtime);
	struct dirent *de;
	char *sub;

	wait_trash_emptied();
	ck_assert_msg(d || errno == ENOENT, "opendir %s: %s", runtime, strerror(errno));
	while (d && (de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strncmp(de->d_name, "keeper", 6))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		sub = h_strf("%s/%s", runtime, de->d_name);
		ck_assert_msg(h_count_entries(sub) == 0, "%s left, holding %d entries", sub,
			      h_count_entries(sub));
		free(sub);
	}
	if (d)
		closedir(d);
	ck_assert_msg(h_count_entries(containers) == 0, "writable layer left in %s: %d entries",
		      containers, h_count_entries(containers));
	free(runtime);
	free(containers);
}

void h_skip(const char *why)
{
	fprintf(stderr, "SKIP: %s\n", why);
}

const char *h_debian_rootfs(const char *test)
{
	const char *dir = getenv("CONTI_TEST_DEBIAN_ROOTFS");

	if (dir && *dir)
		return dir;
	fprintf(stderr,
		"SKIP: %s: CONTI_TEST_DEBIAN_ROOTFS is not set (a Debian rootfs with sudo "
		"and bubblewrap, as tests/run-all makes)\n",
		test);
	return NULL;
}

TCase *h_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, h_case_setup, h_case_teardown);
	tcase_add_checked_fixture(tc, h_setup, h_teardown);
	if (!getenv("CK_DEFAULT_TIMEOUT"))
		tcase_set_timeout(tc, 60);
	return tc;
}

void h_copy_file(const char *src, const char *dst, mode_t mode)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out;
	char buf[65536];
	ssize_t n;

	ck_assert_msg(in >= 0, "open %s: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	ck_assert_msg(out >= 0, "create %s: %s", dst, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert(write(out, buf, (size_t)n) == n);
	close(in);
	close(out);
	ck_assert_int_eq(chmod(dst, mode), 0);
}

#define MAX_NAMES 64
static char *names[MAX_NAMES]; /* containers this test named, removed at its teardown */
static int n_names;

void h_keep_name(const char *name)
{
	ck_assert(n_names < MAX_NAMES);
	names[n_names++] = strdup(name);
}

char *h_new_name(const char *prefix, pid_t runner)
{
	static int counter;
	char *name = h_strf("%s%d-%d-%d", prefix, (int)runner, (int)getpid(), ++counter);

	h_keep_name(name);
	return name;
}

void h_remove_names(void)
{
	const struct h_opts o = {.timeout_ms = 20000};

	for (int i = 0; i < n_names; i++) {
		struct h_result r;

		h_conti(&r, &o, "rm", "-f", names[i], NULL);
		h_result_free(&r);
		free(names[i]);
	}
	n_names = 0;
}

char *h_new_mark(char lead, pid_t runner)
{
	static int counter;

	return h_strf("%c%d.%07d%02d", lead, (int)runner, (int)getpid(), ++counter % 100);
}

void h_assert_status(const struct h_result *r, int want, const char *what)
{
	ck_assert_msg(!r->timed_out && r->status == want,
		      "%s: exit status %d, expected %d%s\n--- stdout:\n%s--- stderr:\n%s", what,
		      r->status, want, r->timed_out ? " (timed out)" : "", r->out, r->err);
}

void h_conti_v(struct h_result *r, const struct h_opts *o, const char *const *args)
{
	const char *argv[96] = {h_conti_bin()};
	int n = 1;

	for (; *args && n < 95; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	h_run(r, o, (char *const *)argv);
}

void h_run_detached(const char *name, const char *const *opts, const char *const *cmd)
{
	const char *args[48] = {"run", "-d", "--name", name};
	char *want = h_strf("%s\n", name);
	struct h_result r;
	int n = 4;

	for (; opts && *opts && n < 40; opts++)
		args[n++] = *opts;
	args[n++] = H.rootfs;
	for (; *cmd && n < 47; cmd++)
		args[n++] = *cmd;
	args[n] = NULL;
	h_conti_v(&r, NULL, args);
	h_assert_status(&r, 0, "run -d");
	ck_assert_msg(!strcmp(r.out, want), "run -d printed '%s', expected the name '%s'", r.out,
		      name);
	h_result_free(&r);
	free(want);
}

char *h_volume_dir(void)
{
	char *dir = h_strf("%s/vol", H.base), *file = h_strf("%s/host.txt", dir);

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	h_write_file(file, "hello\n", 0644);
	free(file);
	return dir;
}
