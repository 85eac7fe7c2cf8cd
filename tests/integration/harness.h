/* harness.h - helpers for the integration tests: running the front end with
 * captured output, private state directories, busybox rootfs trees, and
 * checks for things left behind (state, data, processes). Helpers fail the
 * current test with ck_assert when the machinery itself breaks. */
#ifndef CR_TEST_HARNESS_H
#define CR_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <termios.h>

#define H_TIMEOUT_MS 30000 /* a command is killed after this long */

/* What a finished command did. */
struct h_result {
	int status;	 /* exit code, 128+N when killed by signal N */
	bool timed_out;	 /* killed by the harness's timeout */
	char *out;	 /* stdout, NUL-terminated */
	char *err;	 /* stderr, NUL-terminated */
	long elapsed_ms; /* from start to exit */
};

/* How to run a command. A NULL struct means: stdin /dev/null, default timeout, no env change. */
struct h_opts {
	const char *input;	/* fed to stdin, which is then closed; NULL: /dev/null */
	int timeout_ms;		/* 0: H_TIMEOUT_MS */
	const char *const *env; /* NULL-terminated: "K=V" sets K, "K" unsets it, in the child */
};

/* A growable byte buffer, always NUL-terminated. */
struct h_buf {
	char *s;
	size_t len, cap;
};

/* A command running in the background. */
struct h_proc {
	pid_t pid;
	int in, out, err; /* our ends of its pipes, -1 once closed */
	const char *input;
	size_t input_off;
	struct h_buf obuf, ebuf;
	bool exited;
	int status;
	long long start_ms;
};

/* The private world of one test: made by h_setup, removed by h_teardown. */
struct h_ctx {
	char *base;    /* temp dir holding everything below, inside the case dir */
	char *runtime; /* XDG_RUNTIME_DIR, mode 0700 */
	char *data;    /* XDG_DATA_HOME */
	char *rootfs;  /* a fresh busybox rootfs */
};

extern struct h_ctx H;

/* Unchecked fixture (in the runner, around a TCase): a temp dir for the case's tests.
 * Its teardown removes it even when a failed test skipped its own teardown. */
void h_case_setup(void);
void h_case_teardown(void);
/* Checked fixture: fails the test when run as root, makes H and points XDG_* at it. */
void h_setup(void);
/* Removes everything h_setup made (best effort: never fails the test). */
void h_teardown(void);

/* The front end and mkrootfs under test, from CONTI_BIN and CONTI_MKROOTFS. */
const char *h_conti_bin(void);

/* asprintf that fails the test on error. */
char *h_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A string unique to this test process and call ("PREFIX-PID-N"). */
char *h_unique(const char *prefix);

/* A new directory PREFIX.XXXXXX in parent, NULL: $TMPDIR (or /tmp). */
char *h_mkdtemp(const char *parent, const char *prefix);
/* Makes a busybox rootfs at dir (which must not exist) with CONTI_MKROOTFS. */
void h_mkrootfs(const char *dir);
/* Removes path recursively, making directories writable on the way; true when gone. */
bool h_rm_rf(const char *path);

/* Writes text to path with mode. */
void h_write_file(const char *path, const char *text, mode_t mode);
/* The contents of path (caller frees), NULL when it cannot be read. */
char *h_read_file(const char *path);
/* True when path exists (lstat). */
bool h_exists(const char *path);
/* Entries of dir other than . and ..; 0 when dir does not exist. */
int h_count_entries(const char *dir);

/* H's RUNTIME (XDG_RUNTIME_DIR/conti-rootless) and DATA/containers dirs (caller frees). */
char *h_runtime_dir(void);
char *h_containers_dir(void);
/* Asserts that no container's state or writable layer is left in H. */
void h_assert_nothing_left(void);

/* Starts argv (searched in PATH) with stdout and stderr on pipes. */
void h_spawn(struct h_proc *p, char *const argv[], const struct h_opts *o);
/* Reads p's output until needle shows up on stdout; false on exit or timeout first. */
bool h_wait_output(struct h_proc *p, const char *needle, int timeout_ms);
/* Waits for p to exit (killing it after timeout_ms, 0: default) and fills r. */
void h_finish(struct h_proc *p, struct h_result *r, int timeout_ms);

/* Runs argv to completion. */
void h_run(struct h_result *r, const struct h_opts *o, char *const argv[]);
/* Runs the front end with the given arguments (NULL-terminated). */
void h_conti(struct h_result *r, const struct h_opts *o, ...) __attribute__((sentinel));
/* Frees r's strings. */
void h_result_free(struct h_result *r);

/* Runs argv on a new pseudo-terminal of size ws as its controlling terminal; fills r (its
 * output is the terminal's, err empty) and the terminal's settings before and after. */
void h_run_pty(struct h_result *r, char *const argv[], const struct winsize *ws,
	       const char *const *env, struct termios *before, struct termios *after);

/* Asserts that stderr holds exactly one line that is not a warning, starting
 * "conti-rootless: "; returns that line (caller frees). */
char *h_error_line(const struct h_result *r);
/* text without the tool's "conti-rootless: warning: " lines (caller frees): what the
 * command itself wrote. */
char *h_strip_warnings(const char *text);
/* True when a "conti-rootless: warning: " line of stderr contains needle. */
bool h_has_warning(const struct h_result *r, const char *needle);
/* Lines of s (trailing \r stripped) counted, and the Nth (0-based) returned (caller frees). */
int h_count_lines(const char *s);
char *h_line(const char *s, int n);

/* Processes of the calling user whose command line contains marker. */
int h_count_procs(const char *marker);
/* Asserts that within wait_ms no process of ours has marker in its command line. */
void h_assert_no_procs(const char *marker, int wait_ms);

/* The temp dir of the running TCase (made by h_case_setup), NULL outside one. */
const char *h_case_dir(void);
/* True when pid's command line or environment contains needle. */
bool h_proc_mentions(pid_t pid, const char *needle);
/* Counts our processes (but this one) whose command line or environment contains needle. */
int h_count_procs_mentioning(const char *needle);
/* Sends SIGKILL to each process of ours (but this one) whose command line or environment
 * contains needle; returns how many were signalled. */
int h_kill_procs(const char *needle);
/* True while pid exists and is not a zombie. */
bool h_pid_alive(pid_t pid);
/* Waits up to wait_ms for pid to be gone (or a zombie); true when it is. */
bool h_wait_pid_gone(pid_t pid, int wait_ms);
/* The pid on the first line of H's RUNTIME/keeper.pid (where the issue puts it, for
 * people and scripts); -1 when missing or not a number. */
pid_t h_keeper_pid(void);
/* Asserts that no container is left in H: no directory in RUNTIME holding anything, but
 * the keeper's (RUNTIME/keeper*; plain files such as keeper.pid and locks, and empty
 * bookkeeping dirs may stay), nothing in DATA/containers. */
void h_assert_no_containers_left(void);

/* Notes on stderr that a test cannot run here and why; the caller then returns. */
void h_skip(const char *why);

/* The Debian rootfs of CONTI_TEST_DEBIAN_ROOTFS (tests/run-all makes one with sudo and
 * bubblewrap), or NULL after a one-line note naming test when it is not set. */
const char *h_debian_rootfs(const char *test);

/* A test case with the harness's fixtures (h_case_setup/teardown, h_setup/teardown) and a
 * 60 s timeout unless CK_DEFAULT_TIMEOUT says otherwise; the caller adds it to its suite. */
struct TCase *h_tcase(const char *name);

/* Milliseconds of CLOCK_MONOTONIC. */
long long h_mono_ms(void);

/* Copies the file src to dst, with mode (no setuid bit unless mode has one). */
void h_copy_file(const char *src, const char *dst, mode_t mode);

/* A new container name, PREFIX then "RUNNER-TESTPID-N", removed by h_remove_names(). */
char *h_new_name(const char *prefix, pid_t runner);

/* Takes a name the test chose for removal by h_remove_names(). */
void h_keep_name(const char *name);

/* rm -f of every container named by h_new_name or h_keep_name in this test. */
void h_remove_names(void);

/* A number of seconds for busybox sleep, unique to this test and call, "LRUNNER.PPPPPPPNN"
 * (L the lead digit): `sleep MARK` marks a container's processes (the sleep, its shell,
 * the init helper, whose command line holds the command). */
char *h_new_mark(char lead, pid_t runner);

/* Fails with the command's status, stdout and stderr when it did not exit with want. */
void h_assert_status(const struct h_result *r, int want, const char *what);

/* Runs the front end with the NULL-terminated args. */
void h_conti_v(struct h_result *r, const struct h_opts *o, const char *const *args);

/* `run -d --name NAME [OPTS] ROOTFS CMD...`, asserting exit 0 and the name on stdout. */
void h_run_detached(const char *name, const char *const *opts, const char *const *cmd);

/* A host dir for volume tests, H.base/vol, holding host.txt ("hello"); caller frees. */
char *h_volume_dir(void);

#endif
