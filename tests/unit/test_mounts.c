/* Unit tests: what --trace prints for the root's overlay is what was done. */
#include "unit.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mounts.h"
#include "plan.h"
#include "utils.h"

static int fuse_calls;

/* Stands in for the front end starting fuse-overlayfs: it "mounts" at once. */
static int fake_start_fuse(void *arg, const struct cr_op *op, struct cr_error *err)
{
	fuse_calls++;
	return 0;
}

/* Runs mounts_apply(op) with stderr going to a file; returns what it printed. */
static char *apply_capturing(const struct cr_op *op, struct cr_mount_ctx *ctx, int *ret)
{
	char path[] = "/tmp/cr-trace.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	struct cr_error err;
	char *text = calloc(1, 65536);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	fflush(stderr);
	dup2(fd, 2);
	*ret = mounts_apply(op, ctx, &err);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ck_assert_int_ge(pread(fd, text, 65535, 0), 0);
	close(fd);
	return text;
}

/* The kernel refuses the overlay (here: its mount point does not exist) and the step falls
 * back to fuse-overlayfs: the trace line is the fuse-overlayfs one (it printed the kernel
 * mount that had failed). */
/* A path with ".." beneath a root opens while another process renames files without pause:
 * the kernel answers EAGAIN whenever a rename raced the lookup, and cr_openat2 tries again
 * (the escape suite's `-v SRC:/etc/../x` failed so in CI). */
START_TEST(openat2_dotdot_survives_renames)
{
	char dir[] = "/tmp/conti-openat2.XXXXXX";
	struct open_how how = {.flags = O_PATH, .resolve = RESOLVE_BENEATH};
	int rfd, failures = 0;
	pid_t renamer;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(mkdir("a", 0700), 0);
	ck_assert_int_eq(mkdir("b", 0700), 0);
	ck_assert_int_eq(close(open("x", O_CREAT | O_WRONLY, 0600)), 0);
	rfd = open(dir, O_PATH | O_DIRECTORY);
	renamer = fork();
	ck_assert_int_ge(renamer, 0);
	if (renamer == 0) {
		for (;;) {
			rename("x", "y");
			rename("y", "x");
		}
	}
	for (int i = 0; i < 20000; i++) {
		int fd = cr_openat2(rfd, "a/../b", &how);

		if (fd < 0)
			failures++;
		else
			close(fd);
	}
	kill(renamer, SIGKILL);
	waitpid(renamer, NULL, 0);
	ck_assert_int_eq(failures, 0);
	close(rfd);
	unlink("x"), unlink("y"), rmdir("a"), rmdir("b");
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(trace_shows_fuse_fallback)
{
	char dst[] = "/nonexistent/cr-trace-test/rootfs";
	char data[] = "lowerdir=/l,upperdir=/u,workdir=/w,userxattr";
	struct cr_op op = {
	    .kind = CR_OP_MOUNT_OVERLAY, .flags = CR_OPF_FALLBACK, .dst = dst, .data = data};
	struct cr_mount_ctx ctx;
	char *said;
	int ret;

	mounts_ctx_init(&ctx, "/nonexistent/cr-trace-test", true);
	ctx.start_fuse = fake_start_fuse;
	said = apply_capturing(&op, &ctx, &ret);
	ck_assert_int_eq(ret, 0);
	ck_assert_int_eq(fuse_calls, 1);
	ck_assert_msg(strstr(said, "+ fuse-overlayfs -o "), "trace: %s", said);
	ck_assert_msg(!strstr(said, "+ mount -t overlay"), "trace: %s", said);
	free(said);
}
END_TEST

/* --ulimit's step sets this process's limit (PID 1's, inherited by what it execs) and
 * --trace prints it as prlimit; a hard limit above the one we have is refused in one line
 * naming it (check forks each test: the limits go with it). */
START_TEST(rlimit_step)
{
	struct cr_op op = {.kind = CR_OP_RLIMIT, .rlimit = {RLIMIT_NOFILE, 50, 100}};
	struct cr_mount_ctx ctx;
	struct cr_error err;
	struct rlimit now;
	char *said;
	int ret;

	mounts_ctx_init(&ctx, "/", true);
	said = apply_capturing(&op, &ctx, &ret);
	ck_assert_int_eq(ret, 0);
	ck_assert_msg(strstr(said, "+ prlimit --pid 1 --nofile=50:100  # "), "trace: %s", said);
	free(said);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &now), 0);
	ck_assert_uint_eq(now.rlim_cur, 50);
	ck_assert_uint_eq(now.rlim_max, 100);
	if (geteuid() == 0)
		return; /* CAP_SYS_RESOURCE may raise it */
	op.rlimit.hard = 101;
	memset(&err, 0, sizeof(err));
	ctx.trace = false;
	ck_assert_int_eq(mounts_apply(&op, &ctx, &err), -1);
	ck_assert_str_eq(err.msg, "--ulimit nofile=50:101: the hard limit is above yours (100); "
				  "raising it needs CAP_SYS_RESOURCE on the host");
	ck_assert_ptr_nonnull(strstr(err.hint, "at most 100"));
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &now), 0);
	ck_assert_uint_eq(now.rlim_max, 100);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mounts");
	TCase *tc = tcase_create("trace");

	tcase_add_test(tc, trace_shows_fuse_fallback);
	tcase_add_test(tc, openat2_dotdot_survives_renames);
	tcase_add_test(tc, rlimit_step);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
