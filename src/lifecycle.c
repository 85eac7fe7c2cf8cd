/* lifecycle.c - status, ps, inspect, logs, stop, kill, rm, unshare. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "keeper.h"
#include "lifecycle.h"
#include "utils.h"

static long long field_ll(const char *text, const char *key)
{
	char buf[32];

	return state_record_get(text, key, buf, sizeof(buf)) == 0 ? atoll(buf) : 0;
}

void lifecycle_status(const struct cr_state *st, struct cr_status *out)
{
	char text[1024];
	bool locked = state_is_locked(st);

	memset(out, 0, sizeof(*out));
	state_runtime_read(st, text, sizeof(text));
	state_record_get(text, "status", out->status, sizeof(out->status));
	out->pid = (pid_t)field_ll(text, "pid");
	out->pid_start = (unsigned long long)field_ll(text, "pid_start");
	out->own_net = field_ll(text, "net") != 0;
	out->started = field_ll(text, "started");
	out->exit_code = -1;
	if (locked && !strcmp(out->status, "running"))
		return;
	if (locked) {
		snprintf(out->status, sizeof(out->status), "created"); /* or being set up */
		return;
	}
	if (!strcmp(out->status, "exited"))
		out->exit_code = (int)field_ll(text, "exit_code");
	else if (out->status[0])
		out->exit_code = 137; /* its runner was killed, and PID 1 with it */
	else
		out->exit_code = state_saved_exit(st); /* nothing since a reboot */
	snprintf(out->status, sizeof(out->status), "exited");
	out->pid = 0;
}

/* Opens name's state without a lock, filling err for an unknown or invalid name. */
static int open_state(const struct cr_paths *paths, const char *name, struct cr_state *st,
		      struct cr_error *err)
{
	if (state_validate_name(name, err) < 0)
		return -1;
	return state_open_unlocked(paths, name, st, err);
}

/* A pidfd of name's PID 1 when it runs (or is created), else -1. */
static int running_pidfd(const struct cr_state *st, struct cr_status *s)
{
	lifecycle_status(st, s);
	if (!strcmp(s->status, "exited"))
		return -1;
	return cr_pidfd_verified(s->pid, s->pid_start);
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* The command line of a container, from its config, joined by spaces. */
static void command_of(const struct cr_config *cfg, char *buf, size_t len)
{
	size_t off = 0;

	snprintf(buf, len, "%s", cfg->args.n ? "" : "/bin/sh");
	for (size_t i = 0; i < cfg->args.n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", cfg->args.v[i]);
}

struct entry {
	const struct cr_state *st;
	struct cr_config cfg;
	struct cr_status s;
	long long created;
	char command[256];
};

static int load(const struct cr_state *st, struct entry *e)
{
	cleanup_free char *text = state_read_config(st);

	memset(e, 0, sizeof(*e));
	e->st = st;
	config_init(&e->cfg);
	if (!text || config_parse(text, &e->cfg) < 0)
		return -1;
	e->created = field_ll(text, "created");
	lifecycle_status(st, &e->s);
	command_of(&e->cfg, e->command, sizeof(e->command));
	return 0;
}

static void print_json(FILE *f, const struct entry *e)
{
	fputs("{\"name\":", f);
	json_string(f, e->st->name);
	fputs(",\"status\":", f);
	json_string(f, e->s.status);
	fprintf(f, ",\"pid\":%d,\"rootfs\":", (int)e->s.pid);
	json_string(f, e->cfg.rootfs);
	fputs(",\"command\":", f);
	json_string(f, e->command);
	fprintf(f, ",\"created\":%lld", e->created);
	if (!strcmp(e->s.status, "exited"))
		fprintf(f, ",\"exit_code\":%d", e->s.exit_code);
	fputs(",\"namespaces\":{", f);
	for (int k = 0, first = 1; k < CR_NS_KINDS && strcmp(e->s.status, "exited"); k++) {
		cleanup_free char *path = NULL;

		if (!strcmp(cr_ns_names[k], "net") && !e->s.own_net)
			continue;
		path = cr_xasprintf("%s/ns/%s", e->st->dir, cr_ns_names[k]);
		fprintf(f, "%s\"%s\":", first ? "" : ",", cr_ns_names[k]);
		json_string(f, path);
		first = 0;
	}
	fputs("}}", f);
}

static void status_text(const struct cr_status *s, char *buf, size_t len)
{
	if (!strcmp(s->status, "exited") && s->exit_code >= 0)
		snprintf(buf, len, "exited (%d)", s->exit_code);
	else
		snprintf(buf, len, "%s", s->status);
}

static void print_row(const struct entry *e)
{
	char status[32], pid[16], created[32];
	time_t t = (time_t)e->created;
	struct tm tm;

	status_text(&e->s, status, sizeof(status));
	snprintf(pid, sizeof(pid), "%d", (int)e->s.pid);
	strftime(created, sizeof(created), "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
	printf("%-20s %-12s %-8s %-30s %-24.24s %s\n", e->st->name, status, e->s.pid ? pid : "-",
	       e->cfg.rootfs, e->command, created);
}

int lifecycle_ps(bool all, bool json, struct cr_error *err)
{
	struct cr_paths paths;
	size_t n;
	char **names;
	bool first = true;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	names = state_list(&paths, &n);
	if (json)
		putchar('[');
	else
		printf("%-20s %-12s %-8s %-30s %-24s %s\n", "NAME", "STATUS", "PID", "ROOTFS",
		       "COMMAND", "CREATED");
	for (size_t i = 0; i < n; i++) {
		struct cr_state st;
		struct entry e;
		struct cr_error ignored;

		if (state_open_unlocked(&paths, names[i], &st, &ignored) == 0 &&
		    load(&st, &e) == 0 && (all || !strcmp(e.s.status, "running"))) {
			if (json) {
				fputs(first ? "" : ",", stdout);
				print_json(stdout, &e);
			} else {
				print_row(&e);
			}
			first = false;
		}
		config_free(&e.cfg);
		state_release(&st);
		free(names[i]);
	}
	if (json)
		puts("]");
	if (keeper_mapping_stale(&paths))
		cr_warn("/etc/subuid or /etc/subgid changed: running containers keep the old "
			"mapping; the new one applies once they have all stopped");
	free(names);
	state_paths_free(&paths);
	return 0;
}

int lifecycle_inspect(const struct cr_strv *names, struct cr_error *err)
{
	struct cr_paths paths;
	int ret = 0;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	for (size_t i = 0; i < names->n && ret == 0; i++) {
		struct cr_state st;
		struct entry e;

		if (open_state(&paths, names->v[i], &st, err) < 0) {
			ret = -1;
			break;
		}
		if (load(&st, &e) < 0)
			ret = cr_fail(err, 0, "the configuration of '%s' is damaged", names->v[i]);
		else
			print_json(stdout, &e);
		putchar('\n');
		config_free(&e.cfg);
		state_release(&st);
	}
	state_paths_free(&paths);
	return ret;
}

/* Copies what fd has beyond *off to stdout. */
static void copy_new(int fd, long long *off)
{
	char buf[16384];
	ssize_t n;

	while ((n = pread(fd, buf, sizeof(buf), *off)) > 0) {
		if (cr_write_all(1, buf, (size_t)n) < 0)
			return;
		*off += n;
	}
}

int lifecycle_follow_log(const struct cr_paths *paths, const char *name, long long from,
			 bool follow, struct cr_error *err)
{
	struct cr_state st;
	struct cr_status s;
	cleanup_free char *log = NULL;
	cleanup_close int fd = -1;
	struct timespec pause = {0, 50 * 1000 * 1000};
	bool running = true;

	if (open_state(paths, name, &st, err) < 0)
		return -1;
	log = cr_xasprintf("%s/log", st.dir);
	while (running) {
		running = follow && state_is_locked(&st);
		if (fd < 0)
			fd = open(log, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			copy_new(fd, &from);
		if (running)
			nanosleep(&pause, NULL);
	}
	lifecycle_status(&st, &s);
	state_release(&st);
	return follow && s.exit_code >= 0 ? s.exit_code : 0;
}

int lifecycle_logs(const char *name, bool follow, struct cr_error *err)
{
	struct cr_paths paths;
	int ret;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	ret = lifecycle_follow_log(&paths, name, 0, follow, err);
	state_paths_free(&paths);
	return ret < 0 ? -1 : 0;
}

static bool wait_exit(int pidfd, int ms)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};

	return poll(&p, 1, ms) == 1;
}

/* Waits (up to 10 s) until the runner has recorded the exit and let go of the lock. */
static void wait_unlocked(const struct cr_state *st)
{
	struct timespec pause = {0, 5 * 1000 * 1000};

	for (int i = 0; i < 2000 && state_is_locked(st); i++)
		nanosleep(&pause, NULL);
}

static int stop_one(const struct cr_paths *paths, const char *name, int timeout,
		    struct cr_error *err)
{
	struct cr_state st;
	struct cr_status s;
	int pidfd;

	if (open_state(paths, name, &st, err) < 0)
		return -1;
	pidfd = running_pidfd(&st, &s);
	if (pidfd >= 0) {
		/* A created PID 1 has no handler yet: only SIGKILL reaches it. */
		int sig = strcmp(s.status, "created") && timeout > 0 ? SIGTERM : SIGKILL;

		syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
		if (sig == SIGTERM && !wait_exit(pidfd, timeout * 1000))
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		wait_exit(pidfd, 10000);
		close(pidfd);
	}
	wait_unlocked(&st);
	state_release(&st);
	return 0;
}

int lifecycle_stop(const struct cr_strv *names, int timeout, struct cr_error *err)
{
	struct cr_paths paths;
	int ret = 0;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	for (size_t i = 0; i < names->n; i++) {
		if (stop_one(&paths, names->v[i], timeout, err) < 0)
			ret = -1;
		else
			printf("%s\n", names->v[i]);
	}
	state_paths_free(&paths);
	return ret;
}

int lifecycle_kill(const struct cr_strv *names, int sig, struct cr_error *err)
{
	struct cr_paths paths;
	int ret = 0;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	for (size_t i = 0; i < names->n; i++) {
		struct cr_state st;
		struct cr_status s;
		int pidfd;

		if (open_state(&paths, names->v[i], &st, err) < 0) {
			ret = -1;
			continue;
		}
		pidfd = running_pidfd(&st, &s);
		if (pidfd < 0 || syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
			ret = cr_fail(err, 0, "container '%s' is not running", names->v[i]);
			cr_hint(err, "start it with 'conti-rootless start %s'", names->v[i]);
		} else {
			printf("%s\n", names->v[i]);
		}
		if (pidfd >= 0)
			close(pidfd);
		state_release(&st);
	}
	state_paths_free(&paths);
	return ret;
}

/* Files the container's users made belong to subordinate ids: they are removed as the
 * keeper's root, and the handles are dropped in its mount namespace. Joined at the
 * first container to remove, so that rm of unknown names starts no keeper. */
static int join_keeper_once(const struct cr_paths *paths, bool *joined, bool *started,
			    struct cr_error *err)
{
	struct cr_keeper k;

	if (*joined)
		return 0;
	if (keeper_join(paths, CR_UIDMAP_AUTO, false, false, NULL, &k, err) < 0)
		return -1;
	keeper_release(&k);
	*joined = true;
	*started = k.started;
	return 0;
}

static int rm_one(const struct cr_paths *paths, const char *name, bool force, bool *joined,
		  bool *started, struct cr_error *err)
{
	struct cr_state st;

	if (state_validate_name(name, err) < 0)
		return -1;
	if (state_open_unlocked(paths, name, &st, err) < 0)
		return force ? 0 : -1;
	state_release(&st);
	if (join_keeper_once(paths, joined, started, err) < 0)
		return -1;
	if (state_open(paths, name, &st, err) < 0) {
		if (!force)
			return -1;
		if (stop_one(paths, name, 0, err) < 0)
			return -1;
		if (state_open(paths, name, &st, err) < 0) {
			struct cr_state gone;

			/* A --rm container's monitor removes it when it stops: done, then. */
			if (state_open_unlocked(paths, name, &gone, err) == 0) {
				state_release(&gone);
				return -1;
			}
			printf("%s\n", name);
			return 0;
		}
	}
	if (state_remove(paths, &st, false, err) < 0) {
		state_release(&st);
		return -1;
	}
	state_release(&st);
	printf("%s\n", name);
	return 0;
}

int lifecycle_rm(const struct cr_strv *names, bool force, struct cr_error *err)
{
	struct cr_paths paths;
	bool joined = false, started = false;
	int ret = 0;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	for (size_t i = 0; i < names->n; i++) {
		if (rm_one(&paths, names->v[i], force, &joined, &started, err) < 0)
			ret = -1;
	}
	if (joined)
		state_collect_garbage(&paths, true);
	if (started)
		keeper_stop_if_idle(&paths);
	state_paths_free(&paths);
	return ret;
}

int lifecycle_unshare(char **argv, struct cr_error *err)
{
	struct cr_paths paths;
	struct cr_keeper k;
	const char *shell = getenv("SHELL");
	char *dflt[] = {(char *)(shell && *shell ? shell : "/bin/sh"), NULL};
	char **cmd = argv && argv[0] ? argv : dflt;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	if (keeper_join(&paths, CR_UIDMAP_AUTO, false, false, NULL, &k, err) < 0) {
		state_paths_free(&paths);
		return -1;
	}
	keeper_release(&k);
	setenv("CONTI_ROOTLESS_RUNTIME", paths.runtime, 1);
	state_paths_free(&paths);
	execvp(cmd[0], cmd);
	cr_fail(err, errno, "%s", cmd[0]);
	err->status = errno == ENOENT ? CR_EXIT_NOT_FOUND : CR_EXIT_CANNOT_EXEC;
	return -1;
}

int lifecycle_parse_signal(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} sigs[] = {{"HUP", SIGHUP},   {"INT", SIGINT},	    {"QUIT", SIGQUIT}, {"KILL", SIGKILL},
		    {"USR1", SIGUSR1}, {"USR2", SIGUSR2},   {"TERM", SIGTERM}, {"CONT", SIGCONT},
		    {"STOP", SIGSTOP}, {"WINCH", SIGWINCH}, {"ALRM", SIGALRM}};
	unsigned long n;

	if (cr_parse_ulong(s, &n))
		return n > 0 && n < 65 ? (int)n : -1;
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (!strcmp(s, sigs[i].name))
			return sigs[i].sig;
	}
	return -1;
}
