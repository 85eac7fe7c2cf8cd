/* hooks.c - config.json's hooks: parsed into lists, run one by one with the container's
 * state on stdin, their output kept for the message when one fails. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "oci/hooks.h"
#include "utils.h"

#define HOOK_OUTPUT_MAX 512 /* bytes of a failed hook's output quoted in the message */

static const struct {
	const char *name;
	size_t offset;
} phases[] = {
    {"prestart", offsetof(struct oci_hooks, prestart)},
    {"createRuntime", offsetof(struct oci_hooks, create_runtime)},
    {"createContainer", offsetof(struct oci_hooks, create_container)},
    {"startContainer", offsetof(struct oci_hooks, start_container)},
    {"poststart", offsetof(struct oci_hooks, poststart)},
    {"poststop", offsetof(struct oci_hooks, poststop)},
};

/* Appends the strings of array a (json null or absent: none) to v. */
static int parse_strings(struct json_object *a, struct cr_strv *v, const char *what,
			 struct cr_error *err)
{
	size_t n;

	if (!a)
		return 0;
	if (!json_object_is_type(a, json_type_array))
		return cr_fail(err, 0, "%s: not an array of strings", what);
	n = json_object_array_length(a);
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(a, i);

		if (!json_object_is_type(s, json_type_string))
			return cr_fail(err, 0, "%s[%zu]: not a string", what, i);
		if (strlen(json_object_get_string(s)) != (size_t)json_object_get_string_len(s))
			return cr_fail(err, 0, "%s[%zu]: has a NUL byte", what, i);
		strv_push(v, json_object_get_string(s));
	}
	return 0;
}

static int parse_hook(struct json_object *o, struct oci_hook *h, const char *what,
		      struct cr_error *err)
{
	struct json_object *path = NULL, *args = NULL, *env = NULL, *timeout = NULL;
	char name[64];

	if (!json_object_is_type(o, json_type_object))
		return cr_fail(err, 0, "%s: not an object", what);
	json_object_object_get_ex(o, "path", &path);
	json_object_object_get_ex(o, "args", &args);
	json_object_object_get_ex(o, "env", &env);
	json_object_object_get_ex(o, "timeout", &timeout);
	if (!json_object_is_type(path, json_type_string))
		return cr_fail(err, 0, "%s.path: missing or not a string", what);
	if (json_object_get_string(path)[0] != '/' ||
	    strlen(json_object_get_string(path)) != (size_t)json_object_get_string_len(path))
		return cr_fail(err, 0, "%s.path: not an absolute path", what);
	h->path = cr_xstrdup(json_object_get_string(path));
	snprintf(name, sizeof(name), "%s.args", what);
	if (parse_strings(args, &h->args, name, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.env", what);
	if (parse_strings(env, &h->env, name, err) < 0)
		return -1;
	if (timeout && !json_object_is_type(timeout, json_type_null)) {
		int64_t t = json_object_get_int64(timeout);

		/* the spec: "if set, timeout MUST be greater than zero" */
		if (!json_object_is_type(timeout, json_type_int) || t <= 0 || t > INT_MAX)
			return cr_fail(err, 0, "%s.timeout: not a number of seconds above 0", what);
		h->timeout = (int)t;
	}
	return 0;
}

int oci_hooks_parse(struct json_object *hooks, struct oci_hooks *h, struct cr_error *err)
{
	memset(h, 0, sizeof(*h));
	if (!hooks || json_object_is_type(hooks, json_type_null))
		return 0;
	if (!json_object_is_type(hooks, json_type_object))
		return cr_fail(err, 0, "config.json: hooks: not an object");
	/* keys the spec does not define are ignored, as its extensibility rule says */
	for (size_t p = 0; p < sizeof(phases) / sizeof(phases[0]); p++) {
		struct oci_hook_list *l = (void *)((char *)h + phases[p].offset);
		struct json_object *a;
		size_t n;

		if (!json_object_object_get_ex(hooks, phases[p].name, &a) ||
		    json_object_is_type(a, json_type_null))
			continue;
		if (!json_object_is_type(a, json_type_array)) {
			oci_hooks_free(h);
			return cr_fail(err, 0, "config.json: hooks.%s: not an array",
				       phases[p].name);
		}
		n = json_object_array_length(a);
		l->v = cr_xcalloc(n ? n : 1, sizeof(*l->v));
		for (size_t i = 0; i < n; i++) {
			char what[64];

			snprintf(what, sizeof(what), "hooks.%s[%zu]", phases[p].name, i);
			l->n = i + 1;
			if (parse_hook(json_object_array_get_idx(a, i), &l->v[i], what, err) < 0) {
				oci_hooks_free(h);
				return cr_prefix(err, "config.json");
			}
		}
	}
	return 0;
}

static void hook_list_free(struct oci_hook_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		strv_free(&l->v[i].args);
		strv_free(&l->v[i].env);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void oci_hooks_free(struct oci_hooks *h)
{
	for (size_t p = 0; p < sizeof(phases) / sizeof(phases[0]); p++)
		hook_list_free((void *)((char *)h + phases[p].offset));
}

/* In the hook's child: stdin, stdout and stderr from the pipes, no other descriptor of
 * ours, default signals, its own process group (a timeout kills all of it); reports the
 * errno of a failed exec on errfd (close-on-exec). Never returns. */
static void hook_exec(const struct oci_hook *h, int in, int out, int errfd)
{
	char *argv_path[] = {h->path, NULL};
	char **argv = h->args.n ? h->args.v : argv_path;
	char *envp_none[] = {NULL};
	char **envp = h->env.n ? h->env.v : envp_none;
	sigset_t none;
	int e;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	/* above 2 first: a runtime started with stdio closed got pipes at 0, 1 or 2 */
	in = fcntl(in, F_DUPFD_CLOEXEC, 3);
	out = fcntl(out, F_DUPFD_CLOEXEC, 3);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	/* every other descriptor closes at exec, errfd too (it tells exec worked) */
	if (syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) < 0) {
		for (int fd = 3; fd < 1024; fd++)
			if (fd != errfd)
				fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	execve(h->path, argv, envp);
	e = errno;
	(void)!write(errfd, &e, sizeof(e));
	_exit(127);
}

static long long now_ms(void)
{
	return (long long)(cr_now_ns() / 1000000ULL);
}

struct hook_run {
	int in, out, pidfd; /* our ends: state to write, output to read, the hook's pidfd */
	const char *state;
	size_t state_len, written;
	char output[HOOK_OUTPUT_MAX + 1];
	size_t output_len;
};

/* Moves state into the hook and its output out until it exits or the deadline (ms, -1:
 * none) passes; 1 when it exited, 0 at the deadline, -1 on error. */
static int hook_pump(struct hook_run *r, long long deadline, struct cr_error *err)
{
	for (;;) {
		struct pollfd p[3] = {{.fd = r->pidfd, .events = POLLIN},
				      {.fd = r->out, .events = POLLIN},
				      {.fd = r->in, .events = POLLOUT}};
		int timeout = -1, n;

		if (deadline >= 0) {
			long long left = deadline - now_ms();

			if (left <= 0)
				return 0;
			timeout = left > INT_MAX ? INT_MAX : (int)left;
		}
		if (r->out < 0)
			p[1].fd = -1;
		if (r->in < 0)
			p[2].fd = -1;
		n = poll(p, 3, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cr_fail(err, errno, "poll");
		if (p[1].revents) {
			char buf[4096];
			ssize_t k = read(r->out, buf, sizeof(buf));

			if (k > 0 && r->output_len < HOOK_OUTPUT_MAX) {
				size_t take = (size_t)k;

				if (take > HOOK_OUTPUT_MAX - r->output_len)
					take = HOOK_OUTPUT_MAX - r->output_len;
				memcpy(r->output + r->output_len, buf, take);
				r->output_len += take;
			}
			if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN)) {
				close(r->out);
				r->out = -1;
			}
		}
		if (p[2].revents) {
			ssize_t k = write(r->in, r->state + r->written, r->state_len - r->written);

			if (k > 0)
				r->written += (size_t)k;
			/* EPIPE: the hook does not read its stdin, its business */
			if ((k < 0 && errno != EINTR && errno != EAGAIN) ||
			    r->written == r->state_len) {
				close(r->in);
				r->in = -1;
			}
		}
		if (p[0].revents)
			return 1;
	}
}

/* The output read so far, and what is left in the pipe now, for the message. */
static void hook_drain(struct hook_run *r)
{
	char buf[4096];
	ssize_t k;

	if (r->out < 0)
		return;
	/* its children may hold the pipe open: read only what is there */
	fcntl(r->out, F_SETFL, O_NONBLOCK);
	while (r->output_len < HOOK_OUTPUT_MAX && (k = read(r->out, buf, sizeof(buf))) > 0) {
		size_t take = (size_t)k;

		if (take > HOOK_OUTPUT_MAX - r->output_len)
			take = HOOK_OUTPUT_MAX - r->output_len;
		memcpy(r->output + r->output_len, buf, take);
		r->output_len += take;
	}
}

/* Appends ": OUTPUT" (its last line break dropped) to err's message when there is some. */
static void hook_add_output(struct hook_run *r, struct cr_error *err)
{
	size_t n = r->output_len;

	while (n && (r->output[n - 1] == '\n' || r->output[n - 1] == '\r'))
		n--;
	if (!n)
		return;
	r->output[n] = '\0';
	snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg), ": %s%s",
		 r->output, r->output_len == HOOK_OUTPUT_MAX ? "..." : "");
}

static int hook_run_one(const struct oci_hook *h, const char *phase, const char *state,
			struct cr_error *err)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1};
	struct hook_run r = {.in = -1, .out = -1, .pidfd = -1, .state = state};
	long long deadline = h->timeout > 0 ? now_ms() + (long long)h->timeout * 1000 : -1;
	int status = 0, exec_errno = 0, ret = -1, done;
	pid_t pid;

	r.state_len = strlen(state);
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		cr_fail(err, errno, "%s hook %s: pipe", phase, h->path);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		cr_fail(err, errno, "%s hook %s: fork", phase, h->path);
		goto out;
	}
	if (pid == 0)
		hook_exec(h, in[0], out[1], errp[1]);
	close(in[0]);
	close(out[1]);
	close(errp[1]);
	in[0] = out[1] = errp[1] = -1;
	r.in = in[1];
	r.out = out[0];
	in[1] = out[0] = -1;
	fcntl(r.in, F_SETFL, O_NONBLOCK);
	r.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (r.pidfd < 0) {
		cr_fail(err, errno, "%s hook %s: pidfd_open", phase, h->path);
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	if (cr_read_all(errp[0], &exec_errno, sizeof(exec_errno)) == (ssize_t)sizeof(exec_errno)) {
		waitpid(pid, NULL, 0);
		cr_fail(err, exec_errno, "%s hook %s: cannot run it", phase, h->path);
		goto out;
	}
	done = hook_pump(&r, deadline, err);
	if (done <= 0) {
		/* the deadline (or an error): the hook and whatever it started go */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (done < 0)
		goto out;
	hook_drain(&r);
	if (done == 0)
		cr_fail(err, 0, "%s hook %s: did not finish within its timeout of %d s (killed)",
			phase, h->path, h->timeout);
	else if (WIFSIGNALED(status))
		cr_fail(err, 0, "%s hook %s: killed by signal %d (%s)", phase, h->path,
			WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status))
		cr_fail(err, 0, "%s hook %s: exited with status %d", phase, h->path,
			WEXITSTATUS(status));
	else
		ret = 0;
	if (ret < 0)
		hook_add_output(&r, err);
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	if (r.in >= 0)
		close(r.in);
	if (r.out >= 0)
		close(r.out);
	if (r.pidfd >= 0)
		close(r.pidfd);
	return ret;
}

int oci_hooks_run(const struct oci_hook_list *l, const char *phase, const char *state,
		  struct cr_error *err)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	int ret = 0;

	if (!l || !l->n)
		return 0;
	/* a hook that closes its stdin early must not kill us with SIGPIPE */
	sigaction(SIGPIPE, &ign, &old);
	for (size_t i = 0; i < l->n && ret == 0; i++)
		ret = hook_run_one(&l->v[i], phase, state ? state : "", err);
	sigaction(SIGPIPE, &old, NULL);
	return ret;
}
