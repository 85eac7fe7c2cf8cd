/* lifecycle.c - status, ps, inspect, logs, stop, kill, rm, unshare. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "keeper.h"
#include "lifecycle.h"
#include "log.h"
#include "utils.h"

static long long field_ll(const char *text, const char *key)
{
	char buf[32];

	return state_record_get(text, key, buf, sizeof(buf)) == 0 ? atoll(buf) : 0;
}

/* PID 1 of a container whose runner is holder: the runner's child in a PID namespace of its
 * own; 0 if there is none. */
static pid_t pid1_of(pid_t holder)
{
	cleanup_free char *children =
	    cr_xasprintf("/proc/%d/task/%d/children", (int)holder, (int)holder);
	cleanup_free char *own = cr_xasprintf("/proc/%d/ns/pid", (int)holder);
	char list[512];
	struct stat ours, theirs;
	struct cr_error ignored;

	if (cr_read_file(children, list, sizeof(list), &ignored) < 0 || stat(own, &ours) < 0)
		return 0;
	for (char *tok = strtok(list, " \n"); tok; tok = strtok(NULL, " \n")) {
		cleanup_free char *ns = cr_xasprintf("/proc/%s/ns/pid", tok);

		if (stat(ns, &theirs) == 0 && theirs.st_ino != ours.st_ino)
			return (pid_t)atoi(tok);
	}
	return 0;
}

/* When the record cannot be trusted (deleted, damaged): what the kernel says, the process
 * that holds the lock and its PID 1. False when no container process is found. */
static bool status_from_kernel(const struct cr_state *st, struct cr_status *out)
{
	pid_t holder = state_lock_holder(st);
	pid_t pid = holder > 0 ? pid1_of(holder) : 0;

	if (pid <= 0 || !(out->pid_start = cr_proc_start_time(pid)))
		return false;
	out->pid = pid;
	snprintf(out->status, sizeof(out->status), "running");
	return true;
}

/* The status a command of another runtime dir keeps of st, when it holds st's layer: that
 * dir is named in the data lock and must be a private dir of ours. */
static bool status_elsewhere(const struct cr_state *st, struct cr_status *out)
{
	char where[512];
	struct cr_state other;

	if (!state_data_locked_elsewhere(st, where, sizeof(where)) || !where[0] ||
	    state_runtime_dir_problem(where, getuid()))
		return false;
	other = *st;
	other.runtime_root = where;
	other.dir = cr_xasprintf("%s/%s", where, st->name);
	lifecycle_status(&other, out);
	free(other.dir);
	if (!strcmp(out->status, "exited"))
		snprintf(out->status, sizeof(out->status), "running"); /* its layer is in use */
	return true;
}

void lifecycle_status(const struct cr_state *st, struct cr_status *out)
{
	char text[1024], boot[64], rec_boot[64];
	bool locked = state_is_locked(st);

	memset(out, 0, sizeof(*out));
	state_runtime_read(st, text, sizeof(text));
	state_record_get(text, "status", out->status, sizeof(out->status));
	out->pid = (pid_t)field_ll(text, "pid");
	out->pid_start = (unsigned long long)field_ll(text, "pid_start");
	out->own_net = field_ll(text, "net") != 0;
	out->started = field_ll(text, "started");
	out->exit_code = -1;
	if (locked) {
		/* The record holds while its PID 1 is the process it names. */
		if ((!strcmp(out->status, "running") || !strcmp(out->status, "created")) &&
		    out->pid > 0 && out->pid_start &&
		    cr_proc_start_time(out->pid) == out->pid_start)
			return;
		if (status_from_kernel(st, out))
			return;
		snprintf(out->status, sizeof(out->status), "created"); /* or being set up */
		out->pid = 0;
		return;
	}
	if (status_elsewhere(st, out))
		return;
	state_boot_id(boot, sizeof(boot));
	if (state_record_get(text, "boot", rec_boot, sizeof(rec_boot)) == 0 &&
	    strcmp(rec_boot, boot))
		out->status[0] = '\0'; /* a record of an earlier boot: the container is gone */
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

/* Fills e for st; -1 (e still filled, as damaged) when its config cannot be read. */
static int load(const struct cr_state *st, struct entry *e)
{
	cleanup_free char *text = state_read_config(st);

	memset(e, 0, sizeof(*e));
	e->st = st;
	config_init(&e->cfg);
	lifecycle_status(st, &e->s);
	if (!text || config_parse(text, &e->cfg) < 0) {
		snprintf(e->s.status, sizeof(e->s.status), "damaged");
		snprintf(e->command, sizeof(e->command), "-");
		return -1;
	}
	e->created = field_ll(text, "created");
	command_of(&e->cfg, e->command, sizeof(e->command));
	return 0;
}

/* An entry for a container whose dirs are not what the tool made: only its name. */
static void load_damaged(struct cr_state *st, const char *name, struct entry *e)
{
	memset(st, 0, sizeof(*st));
	st->lock_fd = st->data_lock_fd = -1;
	snprintf(st->name, sizeof(st->name), "%s", name);
	memset(e, 0, sizeof(*e));
	e->st = st;
	config_init(&e->cfg);
	snprintf(e->s.status, sizeof(e->s.status), "damaged");
	snprintf(e->command, sizeof(e->command), "-");
}

/* True for what ps without -a lists: containers whose PID 1 runs. */
static bool is_live(const struct entry *e)
{
	return !strcmp(e->s.status, "running") || (!strcmp(e->s.status, "damaged") && e->s.pid);
}

static void print_json(FILE *f, const struct entry *e)
{
	fputs("{\"name\":", f);
	json_string(f, e->st->name);
	fputs(",\"status\":", f);
	json_string(f, e->s.status);
	fprintf(f, ",\"pid\":%d,\"rootfs\":", (int)e->s.pid);
	json_string(f, e->cfg.rootfs ? e->cfg.rootfs : "");
	fputs(",\"command\":", f);
	json_string(f, e->command);
	fprintf(f, ",\"created\":%lld", e->created);
	fprintf(f, ",\"log_size_max\":%lld", e->cfg.log_size_max);
	if (!strcmp(e->s.status, "exited"))
		fprintf(f, ",\"exit_code\":%d", e->s.exit_code);
	fputs(",\"namespaces\":{", f);
	for (int k = 0, first = 1; k < CR_NS_KINDS && e->s.pid && e->st->dir; k++) {
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
	       e->cfg.rootfs ? e->cfg.rootfs : "-", e->command, e->created ? created : "-");
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

		if (state_open_unlocked(&paths, names[i], &st, &ignored) == 0)
			load(&st, &e);
		else
			load_damaged(&st, names[i], &e);
		if (all || is_live(&e)) {
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

/* Refuses a log (or its rotated half) that is not a regular file conti-rootless made: the
 * log cursor would pass over it in silence. */
static int check_log_files(const struct cr_state *st, struct cr_error *err)
{
	static const char *const names[] = {"log", "log.1"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cleanup_close int fd = state_open_runtime_file(st, names[i], O_PATH, 0);
		struct stat sb;

		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
			continue;
		cr_fail(err, fd < 0 ? errno : 0, "%s/%s is not a file conti-rootless made", st->dir,
			names[i]);
		return cr_hint(err, "remove it (never a link or a device): its log is made anew");
	}
	return 0;
}

int lifecycle_follow_log(const struct cr_paths *paths, const char *name, struct cr_log_cursor *from,
			 bool follow, struct cr_error *err)
{
	struct cr_state st;
	struct cr_status s;
	struct cr_log_cursor whole = {.fd = -1, .dirfd = -1};
	struct cr_log_cursor *c = from ? from : &whole;
	struct timespec pause = {0, 50 * 1000 * 1000};
	bool running = true;
	int ret = 0;

	if (open_state(paths, name, &st, err) < 0)
		return -1;
	if (check_log_files(&st, err) < 0) {
		state_release(&st);
		return -1;
	}
	if (!from && log_cursor_open(&whole, st.dir, false, err) < 0) {
		state_release(&st);
		return -1;
	}
	while (running) {
		running = follow && state_is_locked(&st);
		if (log_cursor_copy(c, 1) < 0)
			break; /* our output is gone (logs -f | head) */
		if (running)
			nanosleep(&pause, NULL);
	}
	lifecycle_status(&st, &s);
	state_release(&st);
	log_cursor_close(&whole);
	if (follow && s.exit_code >= 0)
		ret = s.exit_code;
	return ret;
}

int lifecycle_logs(const char *name, bool follow, struct cr_error *err)
{
	struct cr_paths paths;
	int ret;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	ret = lifecycle_follow_log(&paths, name, NULL, follow, err);
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

int lifecycle_stop_one(const struct cr_paths *paths, const char *name, int timeout,
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
		if (lifecycle_stop_one(&paths, names->v[i], timeout, err) < 0)
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

/* Rewrites a failed lock of name as what the user can do: a running or created container is
 * stopped, or removed with rm -f. */
static int rm_busy(const struct cr_paths *paths, const char *name, struct cr_error *err)
{
	struct cr_state st;
	struct cr_status s;
	struct cr_error ignored;

	if (state_open_unlocked(paths, name, &st, &ignored) < 0)
		return -1;
	if (state_is_locked(&st)) {
		lifecycle_status(&st, &s);
		if (!strcmp(s.status, "running")) {
			cr_fail(err, 0, "container '%s' is running", name);
			cr_hint(err,
				"stop it first with 'conti-rootless stop %s', or use "
				"'conti-rootless rm -f %s'",
				name, name);
		} else if (!strcmp(s.status, "created")) {
			cr_fail(err, 0, "container '%s' is created and waits for 'start'", name);
			cr_hint(err, "remove it with 'conti-rootless rm -f %s'", name);
		}
	}
	state_release(&st);
	return -1;
}

/* True (err filled) when name's layer is held from another runtime dir: rm -f must not stop
 * what this runtime dir cannot remove. */
static bool used_elsewhere(const struct cr_paths *paths, const char *name, struct cr_error *err)
{
	struct cr_state st;
	struct cr_error ignored;
	bool elsewhere;

	if (state_open_unlocked(paths, name, &st, &ignored) < 0)
		return false;
	elsewhere = state_data_locked_elsewhere(&st, NULL, 0);
	state_release(&st);
	if (!elsewhere || state_open(paths, name, &st, err) < 0)
		return elsewhere;
	state_release(&st); /* let go of in the meantime */
	return false;
}

static int rm_one(const struct cr_paths *paths, const char *name, bool force, bool *joined,
		  bool *started, struct cr_error *err)
{
	struct cr_state st;

	if (state_validate_name(name, err) < 0)
		return -1;
	if (state_open_unlocked(paths, name, &st, err) < 0) {
		/* -f: an unknown name is no error; a dir not made by the tool is. */
		return force && !strncmp(err->msg, "no container", 12) ? 0 : -1;
	}
	state_release(&st);
	if (used_elsewhere(paths, name, err))
		return -1;
	if (join_keeper_once(paths, joined, started, err) < 0)
		return -1;
	if (state_open(paths, name, &st, err) < 0) {
		if (!force)
			return rm_busy(paths, name, err);
		if (lifecycle_stop_one(paths, name, 0, err) < 0)
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
