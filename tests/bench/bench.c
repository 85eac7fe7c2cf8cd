/* bench.c - the timing driver of the benchmark (tests/bench/run-bench drives it).
 *
 *   bench-driver series -o RESULTS [-n REPS] [-w WARMUP] [-e ERRFILE] [-t SECS] CMDFILE
 *       Runs the commands of CMDFILE, one a line, tab-separated:
 *           KIND MEASURE LABEL REF ARG0 ARG1...
 *       WARMUP passes untimed, then REPS passes timed, so that the commands are
 *       interleaved (A B C A B C ...) and noise hits them all alike; each group of
 *       consecutive lines of one measure is rotated from pass to pass (A B C, B C A,
 *       C A B ...), so that none always runs first, and the groups stay in order. A
 *       command is timed from fork to waitpid with CLOCK_MONOTONIC; its stdin and stdout
 *       are /dev/null, its stderr ERRFILE. KIND is tool (conti-rootless: a failure is
 *       noted, the series goes on, and the exit status is 3), peer (a failure drops it,
 *       with a note) or step (untimed: a clean-up between timed commands; its failure is
 *       noted). REF is the label whose median the ratio is taken against (may be empty).
 *   bench-driver once -o RESULTS -m MEASURE -l LABEL [-r REF] [-k KIND] [-e ERRFILE]
 *                     [-t SECS] -- CMD [ARG...]
 *       One timed run of CMD, recorded the same way.
 *   bench-driver trace -o RESULTS -m MEASURE [-n REPS] [-w WARMUP] [-e ERRFILE] -- CMD...
 *       Runs CMD (a `conti-rootless --trace run ...`) and sums the durations of the steps it
 *       prints on stderr by kind of step (mount -t overlay, pivot_root ...), per run.
 *   bench-driver pss -o RESULTS -m MEASURE [-k KEEPER_PID] INIT_PID...
 *       Resident memory (Pss, /proc/PID/smaps_rollup) that conti-rootless adds per running
 *       container: each container's init and its parent, the monitor; not the command.
 *   bench-driver mkfiles DIR N
 *       N small files under DIR, 1000 a directory.
 *   bench-driver report -i RESULTS -d OUTDIR [-s MEASURE]
 *       One table per measure on stdout (median, min, max, ratio to its reference);
 *       OUTDIR/bench.json with every sample and the machine; OUTDIR/bench.svg, a bar chart
 *       of the medians of MEASURE (default: the first one).
 *
 * RESULTS is a text file of tab-separated records, appended to by every subcommand and by
 * run-bench: "meta KEY VALUE", "measure ID UNIT TITLE" (UNIT: ms or s for times, stored in
 * seconds; KiB; B, bytes, printed whole), "row MEASURE LABEL REF", "sample MEASURE LABEL
 * VALUE", "note MEASURE TEXT" (MEASURE "*": a note on the whole run).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 256

enum kind { KIND_TOOL, KIND_PEER, KIND_STEP };

struct cmd {
	enum kind kind;
	char *measure, *label, *ref;
	char *argv[MAX_ARGS + 1];
	bool dropped;
	int runs, fails;    /* a tool command that fails is run on, and reported at the end */
	char failure[1200]; /* its first failure */
};

static const char *errfile = "/dev/null";
static double timeout_secs = 600;
static FILE *results;
static volatile pid_t running; /* the command being timed, in a process group of its own */

/* Interrupted or terminated: the command goes too (it is not in our process group). */
static void on_signal(int sig)
{
	if (running > 0)
		kill(-running, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench-driver: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		die("out of memory");
	return d;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A record for RESULTS; tabs and newlines in fields would break it: they become spaces. */
static void record(const char *type, int nfields, ...)
{
	va_list ap;

	fputs(type, results);
	va_start(ap, nfields);
	for (int i = 0; i < nfields; i++) {
		const char *f = va_arg(ap, const char *);

		fputc('\t', results);
		for (; f && *f; f++)
			fputc(*f == '\t' || *f == '\n' ? ' ' : *f, results);
	}
	va_end(ap);
	fputc('\n', results);
	fflush(results);
}

static void open_results(const char *path)
{
	if (!path)
		die("-o RESULTS is required");
	results = fopen(path, "ae");
	if (!results)
		die("cannot open %s: %s", path, strerror(errno));
}

/* The first line of ERRFILE, for a note. */
static void first_error_line(char *buf, size_t len)
{
	FILE *f = fopen(errfile, "re");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
}

/* Runs argv once; returns the wall time in seconds, *status its exit status (128+N for
 * signal N, 124 on timeout, 127 when it cannot be run). */
static double run_timed(char *const argv[], int *status)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	sigset_t chld, old;
	double t0, t1;
	pid_t pid;
	int st = 0;

	if (null < 0 || err < 0)
		die("cannot open /dev/null or %s: %s", errfile, strerror(errno));
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	t0 = now();
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		setpgid(0, 0);
		dup2(null, 0);
		dup2(null, 1);
		dup2(err, 2);
		execvp(argv[0], argv);
		dprintf(2, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid); /* also here, so that a signal right now finds the group */
	running = pid;
	for (;;) {
		double left = timeout_secs - (now() - t0);
		struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
		pid_t got = waitpid(pid, &st, WNOHANG);

		if (got == pid)
			break;
		if (left <= 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			st = 124 << 8;
			dprintf(err, "timed out after %.0f s\n", timeout_secs);
			break;
		}
		sigtimedwait(&chld, NULL, &ts);
	}
	t1 = now();
	running = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(null);
	close(err);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return t1 - t0;
}

static enum kind parse_kind(const char *s)
{
	if (!strcmp(s, "tool"))
		return KIND_TOOL;
	if (!strcmp(s, "peer"))
		return KIND_PEER;
	if (!strcmp(s, "step"))
		return KIND_STEP;
	die("unknown kind '%s' (tool, peer or step)", s);
	return KIND_STEP;
}

/* Runs c once; records its sample when timed; false when it failed. A failed peer is
 * dropped, with a note; a failed tool command is counted (tool_failures() reports it). */
static bool run_one(struct cmd *c, bool timed, int pass, double *elapsed)
{
	char reason[400], note[1200], secs[32];
	int status;
	double t = run_timed(c->argv, &status);

	if (elapsed)
		*elapsed = t;
	c->runs++;
	if (status == 0) {
		if (timed && c->kind != KIND_STEP) {
			snprintf(secs, sizeof(secs), "%.9f", t);
			record("sample", 3, c->measure, c->label, secs);
		}
		return true;
	}
	first_error_line(reason, sizeof(reason));
	snprintf(note, sizeof(note), "%s%s: exit %d%s%s", c->kind == KIND_STEP ? "step " : "",
		 c->label, status, reason[0] ? ": " : "", reason);
	if (c->kind == KIND_TOOL) {
		if (!c->fails++) {
			snprintf(c->failure, sizeof(c->failure), "%s", note);
			fprintf(stderr, "bench-driver: conti-rootless failed (%s pass %d): %s\n",
				timed ? "timed" : "warm-up", pass + 1, note);
			fprintf(stderr, "bench-driver: the command was:");
			for (char *const *a = c->argv; *a; a++)
				fprintf(stderr, " %s", *a);
			fputc('\n', stderr);
		}
		return false;
	}
	if (c->kind == KIND_PEER) {
		char skipped[1300];

		snprintf(skipped, sizeof(skipped), "skipped %s", note);
		record("note", 2, c->measure, skipped);
		fprintf(stderr, "note: %s\n", skipped);
		c->dropped = true;
		return false;
	}
	record("note", 2, c->measure, note);
	return true;
}

/* Notes the tool commands that failed; 3 if any did, else 0. */
static int tool_failures(const struct cmd *cmds, size_t n)
{
	int ret = 0;

	for (size_t i = 0; i < n; i++) {
		char note[1400];

		if (cmds[i].kind != KIND_TOOL || !cmds[i].fails)
			continue;
		snprintf(note, sizeof(note), "FAILED %d of %d runs; the first: %s", cmds[i].fails,
			 cmds[i].runs, cmds[i].failure);
		record("note", 2, cmds[i].measure, note);
		ret = 3;
	}
	return ret;
}

static int split_line(char *line, char **fields, int max)
{
	int n = 0;
	char *f;

	line[strcspn(line, "\n")] = '\0';
	while (n < max && (f = strsep(&line, "\t")))
		fields[n++] = f;
	return n;
}

static int cmd_series(int argc, char **argv)
{
	const char *out = NULL;
	long reps = 5, warmup = 1;
	struct cmd *cmds = NULL;
	size_t n = 0;
	char line[8192];
	FILE *f;
	int opt;

	while ((opt = getopt(argc, argv, "o:n:w:e:t:")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'n':
			reps = strtol(optarg, NULL, 10);
			break;
		case 'w':
			warmup = strtol(optarg, NULL, 10);
			break;
		case 'e':
			errfile = optarg;
			break;
		case 't':
			timeout_secs = strtod(optarg, NULL);
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1)
		die("usage: series -o RESULTS [-n REPS] [-w WARMUP] [-e ERRFILE] CMDFILE");
	open_results(out);
	f = fopen(argv[optind], "re");
	if (!f)
		die("cannot open %s: %s", argv[optind], strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *fields[4 + MAX_ARGS];
		int nf = split_line(line, fields, 4 + MAX_ARGS);
		struct cmd *c;

		if (nf == 0 || !fields[0][0] || fields[0][0] == '#')
			continue;
		if (nf < 5)
			die("%s: a line needs KIND MEASURE LABEL REF ARG0", argv[optind]);
		cmds = xrealloc(cmds, (n + 1) * sizeof(*cmds));
		c = &cmds[n++];
		memset(c, 0, sizeof(*c));
		c->kind = parse_kind(fields[0]);
		c->measure = xstrdup(fields[1]);
		c->label = xstrdup(fields[2]);
		c->ref = xstrdup(fields[3]);
		for (int i = 4; i < nf; i++)
			c->argv[i - 4] = xstrdup(fields[i]);
	}
	fclose(f);
	for (long p = 0; p < warmup; p++)
		for (size_t i = 0; i < n; i++)
			if (!cmds[i].dropped)
				run_one(&cmds[i], false, (int)p, NULL);
	for (size_t i = 0; i < n; i++)
		if (!cmds[i].dropped && cmds[i].kind != KIND_STEP)
			record("row", 3, cmds[i].measure, cmds[i].label, cmds[i].ref);
	for (long p = 0; p < reps; p++) {
		/* Within each group of consecutive lines of one measure, pass p starts at the
		 * p-th line (A B C, B C A, C A B ...): no command always runs first. */
		for (size_t g = 0, end; g < n; g = end) {
			end = g + 1;
			while (end < n && !strcmp(cmds[end].measure, cmds[g].measure))
				end++;
			for (size_t k = 0; k < end - g; k++) {
				struct cmd *c = &cmds[g + ((size_t)p + k) % (end - g)];

				if (!c->dropped)
					run_one(c, true, (int)p, NULL);
			}
		}
	}
	return tool_failures(cmds, n);
}

static int cmd_once(int argc, char **argv)
{
	struct cmd c = {.kind = KIND_TOOL, .ref = ""};
	const char *out = NULL;
	double t;
	int opt;

	while ((opt = getopt(argc, argv, "+o:m:l:r:k:e:t:")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'm':
			c.measure = optarg;
			break;
		case 'l':
			c.label = optarg;
			break;
		case 'r':
			c.ref = optarg;
			break;
		case 'k':
			c.kind = parse_kind(optarg);
			break;
		case 'e':
			errfile = optarg;
			break;
		case 't':
			timeout_secs = strtod(optarg, NULL);
			break;
		default:
			return 2;
		}
	}
	if (!c.measure || !c.label || optind >= argc || argc - optind > MAX_ARGS)
		die("usage: once -o RESULTS -m MEASURE -l LABEL [-r REF] [-k KIND] -- CMD...");
	open_results(out);
	for (int i = optind; i < argc; i++)
		c.argv[i - optind] = argv[i];
	if (c.kind != KIND_STEP)
		record("row", 3, c.measure, c.label, c.ref);
	if (!run_one(&c, true, 0, &t))
		return c.kind == KIND_TOOL ? tool_failures(&c, 1) : 1;
	printf("%.9f\n", t);
	return 0;
}

/* trace: what `conti-rootless --trace` prints, "+ STEP  # N.NNN ms", summed by kind of step. */
static void trace_key(const char *step, char *key, size_t len)
{
	char w1[64] = "", w2[64] = "", w3[64] = "";

	sscanf(step, "%63s %63s %63s", w1, w2, w3);
	if (strstr(step, "pivot_root"))
		snprintf(key, len, "step: pivot_root . . && umount -l .");
	else if (!strcmp(w1, "mount") && !strcmp(w2, "-t"))
		snprintf(key, len, "step: mount -t %s", w3);
	else if (!strcmp(w1, "mount"))
		snprintf(key, len, "step: mount %s", w2);
	else if (!strcmp(w1, "mkdir") || !strcmp(w1, "touch") || !strcmp(w1, "ln"))
		snprintf(key, len, "step: mkdir, touch, ln (mount points)");
	else if (!strcmp(w1, "wait"))
		snprintf(key, len, "step: wait (init and the command run)");
	else if (!strcmp(w1, "mv"))
		snprintf(key, len, "step: mv to the trash (deleted in the background)");
	else
		snprintf(key, len, "step: %s", w1);
}

struct step_sum {
	char key[96];
	double ms;
};

static int cmd_trace(int argc, char **argv)
{
	struct cmd c = {.kind = KIND_TOOL, .ref = ""};
	const char *out = NULL;
	long reps = 5, warmup = 1;
	int opt;

	while ((opt = getopt(argc, argv, "+o:m:n:w:e:")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'm':
			c.measure = optarg;
			break;
		case 'n':
			reps = strtol(optarg, NULL, 10);
			break;
		case 'w':
			warmup = strtol(optarg, NULL, 10);
			break;
		case 'e':
			errfile = optarg;
			break;
		default:
			return 2;
		}
	}
	if (!c.measure || optind >= argc || argc - optind > MAX_ARGS)
		die("usage: trace -o RESULTS -m MEASURE [-n REPS] [-w WARMUP] -- CMD --trace ...");
	open_results(out);
	c.label = "whole command (wall time)";
	for (int i = optind; i < argc; i++)
		c.argv[i - optind] = argv[i];
	for (long p = 0; p < warmup; p++)
		run_one(&c, false, (int)p, NULL);
	record("row", 3, c.measure, c.label, "");
	record("row", 3, c.measure, "sum of the traced steps", "");
	for (long p = 0; p < reps; p++) {
		struct step_sum sums[64];
		size_t n = 0;
		double total = 0;
		char line[4096], num[32];
		FILE *f;

		if (!run_one(&c, true, (int)p, NULL))
			continue;
		f = fopen(errfile, "re");
		while (f && fgets(line, sizeof(line), f)) {
			char *hash = strrchr(line, '#'), *end = strstr(line, "  #"), key[96];
			double ms;
			size_t k;

			if (strncmp(line, "+ ", 2) || !hash || !end ||
			    sscanf(hash, "# %lf ms", &ms) != 1)
				continue;
			*end = '\0';
			trace_key(line + 2, key, sizeof(key));
			for (k = 0; k < n && strcmp(sums[k].key, key); k++)
				;
			if (k == n && n < sizeof(sums) / sizeof(sums[0])) {
				snprintf(sums[n].key, sizeof(sums[n].key), "%s", key);
				sums[n++].ms = 0;
			}
			if (k < n)
				sums[k].ms += ms;
			total += ms;
		}
		if (f)
			fclose(f);
		snprintf(num, sizeof(num), "%.9f", total / 1000);
		record("sample", 3, c.measure, "sum of the traced steps", num);
		for (size_t k = 0; k < n; k++) {
			snprintf(num, sizeof(num), "%.9f", sums[k].ms / 1000);
			record("row", 3, c.measure, sums[k].key, "");
			record("sample", 3, c.measure, sums[k].key, num);
		}
	}
	return tool_failures(&c, 1);
}

/* pss: Pss in KiB of a process, -1 when it cannot be read. */
static long pss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pss: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[1024];
	const char *p;
	int fd, ppid = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

static bool exe_is(pid_t pid, const char *name)
{
	char path[64], target[PATH_MAX];
	ssize_t n;
	const char *base;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	base = strrchr(target, '/');
	return !strcmp(base ? base + 1 : target, name);
}

static void record_kib(const char *measure, const char *label, double kib)
{
	char num[32];

	snprintf(num, sizeof(num), "%.1f", kib);
	record("row", 3, measure, label, "");
	record("sample", 3, measure, label, num);
}

static int cmd_pss(int argc, char **argv)
{
	const char *out = NULL, *measure = NULL;
	long init_sum = 0, mon_sum = 0;
	pid_t keeper = 0;
	int n = 0, opt;
	char note[160];

	while ((opt = getopt(argc, argv, "o:m:k:")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'm':
			measure = optarg;
			break;
		case 'k':
			keeper = (pid_t)strtol(optarg, NULL, 10);
			break;
		default:
			return 2;
		}
	}
	if (!measure)
		die("usage: pss -o RESULTS -m MEASURE [-k KEEPER_PID] INIT_PID...");
	open_results(out);
	for (int i = optind; i < argc; i++) {
		pid_t init = (pid_t)strtol(argv[i], NULL, 10), mon = parent_of(init);
		long ik = exe_is(init, "conti-rootless-init") ? pss_kib(init) : -1;
		long mk = exe_is(mon, "conti-rootless") ? pss_kib(mon) : -1;

		if (ik < 0 || mk < 0)
			continue;
		init_sum += ik;
		mon_sum += mk;
		n++;
	}
	snprintf(note, sizeof(note), "Pss counted for %d of %d containers", n, argc - optind);
	record("note", 2, measure, note);
	if (n == 0)
		return 1;
	record_kib(measure, "monitor + init, per container", (double)(init_sum + mon_sum) / n);
	record_kib(measure, "monitor (conti-rootless), per container", (double)mon_sum / n);
	record_kib(measure, "init (conti-rootless-init), per container", (double)init_sum / n);
	if (keeper > 0 && pss_kib(keeper) >= 0)
		record_kib(measure, "keeper (one per user, not per container)",
			   (double)pss_kib(keeper));
	return 0;
}

static int cmd_mkfiles(int argc, char **argv)
{
	char path[PATH_MAX + 32];
	long n;

	if (argc != 3)
		die("usage: mkfiles DIR N");
	n = strtol(argv[2], NULL, 10);
	if (mkdir(argv[1], 0755) < 0 && errno != EEXIST)
		die("mkdir %s: %s", argv[1], strerror(errno));
	for (long i = 0; i < n; i++) {
		int fd;

		if (i % 1000 == 0) {
			snprintf(path, sizeof(path), "%s/d%03ld", argv[1], i / 1000);
			if (mkdir(path, 0755) < 0 && errno != EEXIST)
				die("mkdir %s: %s", path, strerror(errno));
		}
		snprintf(path, sizeof(path), "%s/d%03ld/f%04ld", argv[1], i / 1000, i % 1000);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dprintf(fd, "%ld\n", i) < 0)
			die("%s: %s", path, strerror(errno));
		close(fd);
	}
	return 0;
}

/* report: the results, read back. */
struct row {
	char *label, *ref;
	double *v;
	size_t n;
	double median, min, max;
};

struct measure {
	char *id, *unit, *title;
	struct row *rows;
	size_t nrows;
	char **notes;
	size_t nnotes;
};

struct report {
	struct measure *m;
	size_t nm;
	char **meta; /* key, value, key, value ... */
	size_t nmeta;
	struct measure global; /* notes on the whole run */
};

struct machine {
	char kernel[512], cpu[256];
	long cores, mem_mib;
};

static struct measure *find_measure(struct report *r, const char *id, bool create)
{
	if (!strcmp(id, "*"))
		return &r->global;
	for (size_t i = 0; i < r->nm; i++)
		if (!strcmp(r->m[i].id, id))
			return &r->m[i];
	if (!create)
		return NULL;
	r->m = xrealloc(r->m, (r->nm + 1) * sizeof(*r->m));
	memset(&r->m[r->nm], 0, sizeof(r->m[0]));
	r->m[r->nm].id = xstrdup(id);
	r->m[r->nm].unit = xstrdup("s");
	r->m[r->nm].title = xstrdup(id);
	return &r->m[r->nm++];
}

static struct row *find_row(struct measure *m, const char *label)
{
	for (size_t i = 0; i < m->nrows; i++)
		if (!strcmp(m->rows[i].label, label))
			return &m->rows[i];
	m->rows = xrealloc(m->rows, (m->nrows + 1) * sizeof(*m->rows));
	memset(&m->rows[m->nrows], 0, sizeof(m->rows[0]));
	m->rows[m->nrows].label = xstrdup(label);
	m->rows[m->nrows].ref = xstrdup("");
	return &m->rows[m->nrows++];
}

static void add_note(struct measure *m, const char *text)
{
	for (size_t i = 0; i < m->nnotes; i++)
		if (!strcmp(m->notes[i], text))
			return;
	m->notes = xrealloc(m->notes, (m->nnotes + 1) * sizeof(char *));
	m->notes[m->nnotes++] = xstrdup(text);
}

static void read_results(struct report *r, const char *path)
{
	char line[8192];
	FILE *f = fopen(path, "re");

	if (!f)
		die("cannot open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *x[5];
		int n = split_line(line, x, 5);
		struct measure *m;
		struct row *row;

		if (n == 3 && !strcmp(x[0], "meta")) {
			r->meta = xrealloc(r->meta, (r->nmeta + 2) * sizeof(char *));
			r->meta[r->nmeta++] = xstrdup(x[1]);
			r->meta[r->nmeta++] = xstrdup(x[2]);
		} else if (n == 4 && !strcmp(x[0], "measure")) {
			m = find_measure(r, x[1], true);
			free(m->unit);
			free(m->title);
			m->unit = xstrdup(x[2]);
			m->title = xstrdup(x[3]);
		} else if (n == 4 && !strcmp(x[0], "row")) {
			row = find_row(find_measure(r, x[1], true), x[2]);
			if (!row->ref[0]) {
				free(row->ref);
				row->ref = xstrdup(x[3]);
			}
		} else if (n == 4 && !strcmp(x[0], "sample")) {
			row = find_row(find_measure(r, x[1], true), x[2]);
			row->v = xrealloc(row->v, (row->n + 1) * sizeof(double));
			row->v[row->n++] = strtod(x[3], NULL);
		} else if (n == 3 && !strcmp(x[0], "note")) {
			add_note(find_measure(r, x[1], true), x[2]);
		}
	}
	fclose(f);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void compute(struct row *row)
{
	double *s;

	if (!row->n)
		return;
	s = xrealloc(NULL, row->n * sizeof(double));
	memcpy(s, row->v, row->n * sizeof(double));
	qsort(s, row->n, sizeof(double), cmp_double);
	row->min = s[0];
	row->max = s[row->n - 1];
	row->median = row->n % 2 ? s[row->n / 2] : (s[row->n / 2 - 1] + s[row->n / 2]) / 2;
	free(s);
}

static const struct row *ref_row(const struct measure *m, const struct row *row)
{
	for (size_t i = 0; row->ref[0] && i < m->nrows; i++)
		if (!strcmp(m->rows[i].label, row->ref) && m->rows[i].n && m->rows[i].median > 0)
			return &m->rows[i];
	return NULL;
}

/* Values are stored in seconds (units ms and s) or as they are (KiB, B). */
static double shown(const struct measure *m, double v)
{
	return !strcmp(m->unit, "ms") ? v * 1000 : v;
}

/* Decimals a value of m is printed with: bytes whole, the rest to the thousandth. */
static int decimals(const struct measure *m)
{
	return !strcmp(m->unit, "B") ? 0 : 3;
}

static void machine_read(struct machine *mc)
{
	struct utsname u;
	char line[512];
	FILE *f;

	uname(&u);
	snprintf(mc->kernel, sizeof(mc->kernel), "%s %s %s", u.sysname, u.release, u.machine);
	snprintf(mc->cpu, sizeof(mc->cpu), "unknown CPU");
	f = fopen("/proc/cpuinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (colon && (!strncmp(line, "model name", 10) || !strncmp(line, "Model", 5))) {
			colon += 1 + strspn(colon + 1, " \t");
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(mc->cpu, sizeof(mc->cpu), "%s", colon);
			break;
		}
	}
	if (f)
		fclose(f);
	mc->cores = sysconf(_SC_NPROCESSORS_ONLN);
	mc->mem_mib = sysconf(_SC_PHYS_PAGES) / 1024 * sysconf(_SC_PAGESIZE) / 1024;
}

static const char *meta_get(const struct report *r, const char *key)
{
	for (size_t i = 0; i + 1 < r->nmeta; i += 2)
		if (!strcmp(r->meta[i], key))
			return r->meta[i + 1];
	return NULL;
}

static void print_tables(struct report *r, const struct machine *mc)
{
	const char *mode = meta_get(r, "mode");

	printf("\nconti-rootless benchmark%s%s: %s, %s, %ld cores, %ld MiB\n", mode ? ", " : "",
	       mode ? mode : "", mc->kernel, mc->cpu, mc->cores, mc->mem_mib);
	for (size_t i = 0; i < r->global.nnotes; i++)
		printf("note: %s\n", r->global.notes[i]);
	for (size_t i = 0; i < r->nm; i++) {
		struct measure *m = &r->m[i];
		int w = 7, d = decimals(m);

		for (size_t j = 0; j < m->nrows; j++)
			if ((int)strlen(m->rows[j].label) > w)
				w = (int)strlen(m->rows[j].label);
		printf("\n%s (%s)\n", m->title, m->unit);
		if (m->nrows)
			printf("  %-*s %4s %10s %10s %10s %7s  %s\n", w, "command", "n", "median",
			       "min", "max", "ratio", "reference");
		for (size_t j = 0; j < m->nrows; j++) {
			const struct row *row = &m->rows[j];
			const struct row *ref = ref_row(m, row);
			char ratio[32] = "-";

			if (!row->n) {
				printf("  %-*s %4s  (no sample)\n", w, row->label, "0");
				continue;
			}
			if (ref)
				snprintf(ratio, sizeof(ratio), "%.2f", row->median / ref->median);
			printf("  %-*s %4zu %10.*f %10.*f %10.*f %7s  %s\n", w, row->label, row->n,
			       d, shown(m, row->median), d, shown(m, row->min), d,
			       shown(m, row->max), ratio,
			       ref ? (ref == row ? "(itself)" : ref->label) : "");
		}
		for (size_t j = 0; j < m->nnotes; j++)
			printf("  note: %s\n", m->notes[j]);
	}
	fflush(stdout);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void json_notes(FILE *f, const struct measure *m)
{
	fputs("[", f);
	for (size_t i = 0; i < m->nnotes; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, m->notes[i]);
	}
	fputs("]", f);
}

static void write_json(const struct report *r, const struct machine *mc, const char *path)
{
	FILE *f = fopen(path, "we");
	char date[64];
	time_t t = time(NULL);

	if (!f)
		die("cannot write %s: %s", path, strerror(errno));
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	fputs("{\n  \"benchmark\": \"conti-rootless\",\n  \"date\": ", f);
	json_str(f, date);
	fputs(",\n  \"machine\": {\"kernel\": ", f);
	json_str(f, mc->kernel);
	fputs(", \"cpu\": ", f);
	json_str(f, mc->cpu);
	fprintf(f, ", \"cores\": %ld, \"memory_mib\": %ld},\n  \"meta\": {", mc->cores,
		mc->mem_mib);
	for (size_t i = 0; i + 1 < r->nmeta; i += 2) {
		fputs(i ? ", " : "", f);
		json_str(f, r->meta[i]);
		fputs(": ", f);
		json_str(f, r->meta[i + 1]);
	}
	fputs("},\n  \"notes\": ", f);
	json_notes(f, &r->global);
	fputs(",\n  \"measures\": [", f);
	for (size_t i = 0; i < r->nm; i++) {
		const struct measure *m = &r->m[i];

		fprintf(f, "%s\n    {\"id\": ", i ? "," : "");
		json_str(f, m->id);
		fputs(", \"title\": ", f);
		json_str(f, m->title);
		fputs(", \"unit\": ", f);
		json_str(f, !strcmp(m->unit, "ms") ? "s" : m->unit);
		fputs(",\n     \"rows\": [", f);
		for (size_t j = 0; j < m->nrows; j++) {
			const struct row *row = &m->rows[j];
			const struct row *ref = ref_row(m, row);

			fprintf(f, "%s\n       {\"command\": ", j ? "," : "");
			json_str(f, row->label);
			fputs(", \"ref\": ", f);
			json_str(f, row->ref);
			fprintf(f, ", \"n\": %zu", row->n);
			if (row->n) {
				fprintf(f, ", \"median\": %.9g, \"min\": %.9g, \"max\": %.9g",
					row->median, row->min, row->max);
				if (ref)
					fprintf(f, ", \"ratio\": %.4f", row->median / ref->median);
			}
			fputs(", \"samples\": [", f);
			for (size_t k = 0; k < row->n; k++)
				fprintf(f, "%s%.9g", k ? ", " : "", row->v[k]);
			fputs("]}", f);
		}
		fputs("],\n     \"notes\": ", f);
		json_notes(f, m);
		fputs("}", f);
	}
	fputs("\n  ]\n}\n", f);
	if (fclose(f) != 0)
		die("cannot write %s: %s", path, strerror(errno));
}

static void xml_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

static const char *bar_colour(const char *label)
{
	if (!strncmp(label, "conti-rootless", 14))
		return "#2f6db5";
	if (!strncmp(label, "floor", 5))
		return "#9a9a9a";
	return "#e08a3c";
}

/* A horizontal bar chart of the medians of one measure, labelled, with the machine; on a
 * log scale (with a line at each power of ten) when the medians span more than 20 times. */
static void write_svg(const struct report *r, const struct machine *mc, const char *id,
		      const char *path)
{
	const int width = 960, left = 380, barw = 430, rowh = 22, top = 58;
	const struct measure *m = NULL;
	double max = 0, min = 0, lo = 0, hi = 0;
	size_t shown_rows = 0, row_i = 0;
	bool logscale;
	int height;
	FILE *f;

	for (size_t i = 0; i < r->nm && !m; i++)
		if (!id || !strcmp(r->m[i].id, id))
			m = &r->m[i];
	if (!m)
		return;
	for (size_t j = 0; j < m->nrows; j++) {
		double v = m->rows[j].median;

		if (!m->rows[j].n || v <= 0)
			continue;
		shown_rows++;
		max = v > max ? v : max;
		min = min == 0 || v < min ? v : min;
	}
	logscale = min > 0 && max / min > 20;
	if (logscale) {
		lo = pow(10, floor(log10(shown(m, min))));
		hi = pow(10, ceil(log10(shown(m, max))));
	}
	height = top + (int)shown_rows * rowh + 30 + 16 * (int)m->nnotes;
	f = fopen(path, "we");
	if (!f)
		die("cannot write %s: %s", path, strerror(errno));
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		width, height, width, height);
	fputs("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">", f);
	xml_str(f, m->title);
	fprintf(f, ": median, %s%s</text>\n<text x=\"10\" y=\"38\" fill=\"#555\">", m->unit,
		logscale ? ", log scale" : "");
	xml_str(f, mc->kernel);
	fputs(" · ", f);
	xml_str(f, mc->cpu);
	fprintf(f, " · %ld cores", mc->cores);
	if (meta_get(r, "mode")) {
		fputs(" · ", f);
		xml_str(f, meta_get(r, "mode"));
	}
	fputs("</text>\n", f);
	for (double g = lo; logscale && g <= hi * 1.001; g *= 10) {
		int x = left + (int)(log10(g / lo) / log10(hi / lo) * barw + 0.5);

		fprintf(f,
			"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n"
			"<text x=\"%d\" y=\"%d\" fill=\"#888\" font-size=\"11\" "
			"text-anchor=\"middle\">%g %s</text>\n",
			x, top - 2, x, top + (int)shown_rows * rowh, x, top - 6, g, m->unit);
	}
	for (size_t j = 0; j < m->nrows; j++) {
		const struct row *row = &m->rows[j];
		int y = top + (int)row_i * rowh, w;

		if (!row->n || row->median <= 0)
			continue;
		row_i++;
		if (logscale)
			w = (int)(log10(shown(m, row->median) / lo) / log10(hi / lo) * barw + 0.5);
		else
			w = (int)(row->median / max * barw + 0.5);
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 8, y + 15);
		xml_str(f, row->label);
		fprintf(f,
			"</text>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			"fill=\"%s\"/>\n<text x=\"%d\" y=\"%d\">%.*f %s</text>\n",
			left, y + 3, w < 1 ? 1 : w, rowh - 6, bar_colour(row->label), left + w + 6,
			y + 15, decimals(m), shown(m, row->median), m->unit);
	}
	for (size_t j = 0; j < m->nnotes; j++) {
		fprintf(f, "<text x=\"10\" y=\"%d\" fill=\"#555\" font-size=\"11\">note: ",
			top + (int)shown_rows * rowh + 20 + 16 * (int)j);
		xml_str(f, m->notes[j]);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
	if (fclose(f) != 0)
		die("cannot write %s: %s", path, strerror(errno));
}

static int cmd_report(int argc, char **argv)
{
	const char *in = NULL, *dir = NULL, *chart = NULL;
	struct report r = {.global = {.id = "*"}};
	struct machine mc;
	char path[PATH_MAX];
	int opt;

	while ((opt = getopt(argc, argv, "i:d:s:")) != -1) {
		switch (opt) {
		case 'i':
			in = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 's':
			chart = optarg;
			break;
		default:
			return 2;
		}
	}
	if (!in || !dir)
		die("usage: report -i RESULTS -d OUTDIR [-s MEASURE]");
	read_results(&r, in);
	for (size_t i = 0; i < r.nm; i++)
		for (size_t j = 0; j < r.m[i].nrows; j++)
			compute(&r.m[i].rows[j]);
	machine_read(&mc);
	print_tables(&r, &mc);
	snprintf(path, sizeof(path), "%s/bench.json", dir);
	write_json(&r, &mc, path);
	snprintf(path, sizeof(path), "%s/bench.svg", dir);
	write_svg(&r, &mc, chart, path);
	printf("\nwritten: %s/bench.json, %s/bench.svg\n", dir, dir);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (argc >= 2 && !strcmp(argv[1], "series"))
		return cmd_series(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "once"))
		return cmd_once(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "trace"))
		return cmd_trace(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "pss"))
		return cmd_pss(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "mkfiles"))
		return cmd_mkfiles(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "report"))
		return cmd_report(argc - 1, argv + 1);
	fprintf(stderr,
		"usage: bench-driver series|once|trace|pss|mkfiles|report ... (see bench.c)\n");
	return 2;
}
