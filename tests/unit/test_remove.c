/* Unit tests: the remover (cr_rm_rf) on trees a container can make: deep, wide, with
 * unreadable dirs, symlinks out and mount points inside. Each test runs in a process of
 * its own (check's fork mode), so the limits it lowers end with it. */
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "utils.h"

/* A fresh dir under $TMPDIR (caller frees). */
static char *scratch(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL;

	ck_assert_int_gt(asprintf(&dir, "%s/cr-remove.XXXXXX", tmp && *tmp ? tmp : "/tmp"), 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Makes a chain of depth dirs named "d" below dir, one descriptor at a time. */
static void make_chain(const char *dir, int depth, mode_t mode)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	for (int i = 0; i < depth; i++) {
		int sub;

		ck_assert_int_eq(mkdirat(fd, "d", 0700), 0);
		sub = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ck_assert_int_ge(sub, 0);
		/* A file at every level of short chains, so that each has something to remove. */
		if (depth <= 1000)
			close(openat(sub, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
		if (mode != 0700)
			fchmod(fd, mode);
		close(fd);
		fd = sub;
	}
	close(fd);
}

static void limit_fds(rlim_t n)
{
	struct rlimit rl = {n, n};

	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

/* The recursive remover held a descriptor per level and a stack frame or two (60,000
 * levels overflowed an 8 MiB stack): 10,000 levels must go with a 128 KiB stack and 16
 * descriptors. */
START_TEST(deep_chain_constant_stack_and_fds)
{
	char *dir = scratch();
	char *top = NULL;
	struct rlimit stack = {128 * 1024, 128 * 1024};
	struct cr_error err;

	ck_assert_int_gt(asprintf(&top, "%s/top", dir), 0);
	ck_assert_int_eq(mkdir(top, 0700), 0);
	make_chain(top, 10000, 0700);
	limit_fds(16);
	ck_assert_int_eq(setrlimit(RLIMIT_STACK, &stack), 0);
	ck_assert_msg(cr_rm_rf(top, &err) == 0, "%s", err.msg);
	ck_assert(!exists(top));
	rmdir(dir);
	free(top);
	free(dir);
}
END_TEST

/* Wide dirs: many files and many subdirs in one dir, all gone. */
START_TEST(wide_dir)
{
	char *dir = scratch();
	char name[64];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct cr_error err;

	ck_assert_int_ge(fd, 0);
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "file-%d", i);
		close(openat(fd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "dir-%d", i);
		ck_assert_int_eq(mkdirat(fd, name, 0700), 0);
		snprintf(name, sizeof(name), "dir-%d/inner", i);
		close(openat(fd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	}
	close(fd);
	limit_fds(16);
	ck_assert_msg(cr_rm_rf(dir, &err) == 0, "%s", err.msg);
	ck_assert(!exists(dir));
	free(dir);
}
END_TEST

/* Dirs a container chmod'ed 0 (at every level of a chain) are still removed. */
START_TEST(unreadable_dirs)
{
	char *dir = scratch();
	struct cr_error err;

	make_chain(dir, 50, 0);
	ck_assert_msg(cr_rm_rf(dir, &err) == 0, "%s", err.msg);
	ck_assert(!exists(dir));
	free(dir);
}
END_TEST

/* A symlink to a dir outside is removed, never followed: the outside dir is untouched. */
START_TEST(symlink_not_followed)
{
	char *dir = scratch(), *outside = scratch();
	char *link = NULL, *kept = NULL;
	struct cr_error err;

	ck_assert_int_gt(asprintf(&kept, "%s/kept", outside), 0);
	close(open(kept, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	chmod(outside, 0500);
	ck_assert_int_gt(asprintf(&link, "%s/link", dir), 0);
	ck_assert_int_eq(symlink(outside, link), 0);
	ck_assert_msg(cr_rm_rf(dir, &err) == 0, "%s", err.msg);
	ck_assert(!exists(dir));
	ck_assert(exists(kept));
	/* The outside dir kept its mode: the remover did not chmod it through the link. */
	{
		struct stat st;

		ck_assert_int_eq(stat(outside, &st), 0);
		ck_assert_int_eq(st.st_mode & 07777, 0500);
	}
	chmod(outside, 0700);
	unlink(kept);
	rmdir(outside);
	free(link), free(kept), free(dir), free(outside);
}
END_TEST

/* Writes text to path (for the user namespace's maps). */
static bool write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

	if (fd >= 0)
		close(fd);
	return ok;
}

/* A mount point deep inside the tree is never crossed: removal fails with EBUSY and what
 * is on the mount stays (in a user and mount namespace of the test's own). */
START_TEST(mount_point_not_crossed)
{
	char *dir = scratch();
	char *mnt = NULL, *inside = NULL, map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();
	struct cr_error err;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
		fprintf(stderr, "mount_point_not_crossed: skipped, no user namespace: %s\n",
			strerror(errno));
		return;
	}
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	ck_assert(write_text("/proc/self/uid_map", map));
	ck_assert(write_text("/proc/self/setgroups", "deny"));
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	ck_assert(write_text("/proc/self/gid_map", map));
	make_chain(dir, 5, 0700);
	ck_assert_int_gt(asprintf(&mnt, "%s/d/d/d/m", dir), 0);
	ck_assert_int_eq(mkdir(mnt, 0700), 0);
	ck_assert_int_eq(mount("tmpfs", mnt, "tmpfs", 0, "mode=0700"), 0);
	ck_assert_int_gt(asprintf(&inside, "%s/precious", mnt), 0);
	close(open(inside, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	ck_assert_int_eq(cr_rm_rf(dir, &err), -1);
	ck_assert_int_eq(err.errnum, EBUSY);
	ck_assert(exists(inside));
	ck_assert_int_eq(umount2(mnt, MNT_DETACH), 0);
	ck_assert_msg(cr_rm_rf(dir, &err) == 0, "%s", err.msg);
	ck_assert(!exists(dir));
	free(mnt), free(inside), free(dir);
}
END_TEST

/* What is not there (another remover was first) is no error; a plain file is removed. */
START_TEST(missing_and_plain_file)
{
	char *dir = scratch();
	char *file = NULL;
	struct cr_error err;

	ck_assert_int_gt(asprintf(&file, "%s/f", dir), 0);
	close(open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	ck_assert_int_eq(cr_rm_rf(file, &err), 0);
	ck_assert(!exists(file));
	ck_assert_int_eq(cr_rm_rf(file, &err), 0);
	ck_assert_int_eq(cr_rm_rf(dir, &err), 0);
	ck_assert(!exists(dir));
	free(file), free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("remove");
	TCase *tc = tcase_create("remove");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, deep_chain_constant_stack_and_fds);
	tcase_add_test(tc, wide_dir);
	tcase_add_test(tc, unreadable_dirs);
	tcase_add_test(tc, symlink_not_followed);
	tcase_add_test(tc, mount_point_not_crossed);
	tcase_add_test(tc, missing_and_plain_file);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
