/* Integration tests: users and ids. --userns=keep-id (your own uid inside, files in a
 * volume yours on the host) and -u NAME[:GROUP] resolved in the container's /etc/passwd and
 * /etc/group, run as the calling (unprivileged) user. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define CONTI(r, ...) h_conti((r), NULL, __VA_ARGS__, NULL)

/* True when the caller has an /etc/subuid line (keep-id needs subordinate ids). */
static bool have_subids(void)
{
	char *text = h_read_file("/etc/subuid");
	char *id = h_strf("%u:", (unsigned)getuid());
	bool found = false;

	for (char *line = text; line && *line && !found;) {
		char *nl = strchr(line, '\n');
		const char *user = getenv("USER");

		found = !strncmp(line, id, strlen(id)) ||
			(user && !strncmp(line, user, strlen(user)) && line[strlen(user)] == ':');
		line = nl ? nl + 1 : NULL;
	}
	free(text), free(id);
	return found;
}

static void assert_owned_by_me(const char *path)
{
	struct stat st;

	ck_assert_msg(lstat(path, &st) == 0, "%s is not there", path);
	ck_assert_msg(st.st_uid == getuid() && st.st_gid == getgid(),
		      "%s belongs to %u:%u on the host, not to us (%u:%u)", path,
		      (unsigned)st.st_uid, (unsigned)st.st_gid, (unsigned)getuid(),
		      (unsigned)getgid());
}

/* keep-id: the command runs as our uid and gid; what it writes into a volume is ours on the
 * host and we remove it without sudo; the rootfs's root-owned files stay root's inside. */
START_TEST(test_keepid_volume_files_are_yours)
{
	char *dir = h_mkdtemp(H.base, "src"), *spec = h_strf("%s:/src", dir);
	char *want = h_strf("%u\n%u\n0 0\n0\n", (unsigned)getuid(), (unsigned)getgid());
	char *f = h_strf("%s/f", dir), *d = h_strf("%s/d", dir), *g = h_strf("%s/d/g", dir);
	struct h_result r;

	if (!have_subids()) {
		h_skip("keep-id needs subordinate ids");
		return;
	}
	CONTI(&r, "run", "--rm", "--userns=keep-id", "-v", spec, H.rootfs, "sh", "-c",
	      "id -u; id -g; stat -c '%u %g' /bin/busybox; stat -c %u /etc/motd; "
	      "touch /src/f && mkdir /src/d && touch /src/d/g");
	h_assert_status(&r, 0, "run --userns=keep-id");
	ck_assert_str_eq(r.out, want);
	assert_owned_by_me(f);
	assert_owned_by_me(d);
	assert_owned_by_me(g);
	ck_assert_msg(h_rm_rf(d) && unlink(f) == 0 && !h_exists(d), "could not remove %s", d);
	h_result_free(&r);
	free(dir), free(spec), free(want), free(f), free(d), free(g);
}
END_TEST

/* keep-id: HOME and a passwd entry of ours where the rootfs has none, the rootfs's own
 * files untouched; -u still picks another user. */
START_TEST(test_keepid_passwd_entry_and_home)
{
	char *passwd = h_strf("%s/etc/passwd", H.rootfs), *before = h_read_file(passwd), *after;
	struct h_result r;

	if (!have_subids()) {
		h_skip("keep-id needs subordinate ids");
		return;
	}
	CONTI(&r, "run", "--rm", "--userns=keep-id", H.rootfs, "sh", "-c",
	      "grep -c \":x:$(id -u):$(id -g):\" /etc/passwd; test -d \"$HOME\" && "
	      "test -O \"$HOME\" && echo home $HOME; touch $HOME/x && echo wrote");
	h_assert_status(&r, 0, "run --userns=keep-id");
	ck_assert_msg(strstr(r.out, "1\nhome /home/") && strstr(r.out, "wrote\n"), "got: %s",
		      r.out);
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--userns=keep-id", "-u", "0", H.rootfs, "id", "-u");
	h_assert_status(&r, 0, "run --userns=keep-id -u 0");
	ck_assert_str_eq(r.out, "0\n");
	after = h_read_file(passwd);
	ck_assert_str_eq(after, before);
	h_result_free(&r);
	free(passwd), free(before), free(after);
}
END_TEST

/* exec into a keep-id container joins its user namespace: the same user by default. */
START_TEST(test_keepid_exec)
{
	char *name = h_unique("kid"), *want = h_strf("%u\n0\n", (unsigned)getuid());
	struct h_result r;

	if (!have_subids()) {
		h_skip("keep-id needs subordinate ids");
		return;
	}
	CONTI(&r, "run", "-d", "--name", name, "--userns=keep-id", H.rootfs, "sleep", "60");
	h_assert_status(&r, 0, "run -d --userns=keep-id");
	h_result_free(&r);
	CONTI(&r, "exec", name, "sh", "-c", "id -u; stat -c %u /bin/busybox");
	h_assert_status(&r, 0, "exec");
	ck_assert_str_eq(r.out, want);
	h_result_free(&r);
	CONTI(&r, "exec", "-u", "root", name, "id", "-u");
	h_assert_status(&r, 0, "exec -u root");
	ck_assert_str_eq(r.out, "0\n");
	h_result_free(&r);
	CONTI(&r, "rm", "-f", name);
	h_result_free(&r);
	free(name), free(want);
}
END_TEST

/* keep-id with the kernel overlay cannot keep root's files root's: refused, one line. */
START_TEST(test_keepid_refuses_kernel_overlay)
{
	struct h_result r;
	char *line;

	CONTI(&r, "run", "--rm", "--userns=keep-id", "--overlay=kernel", H.rootfs, "true");
	h_assert_status(&r, 125, "--userns=keep-id --overlay=kernel");
	line = h_error_line(&r);
	ck_assert_msg(line && strstr(line, "fuse-overlayfs"), "got: %s", r.err);
	h_result_free(&r);
	free(line);
}
END_TEST

/* keep-id in a Debian rootfs (CONTI_TEST_DEBIAN_ROOTFS, with sudo): setuid-root sudo and
 * /etc/shadow stay root's inside, and the user is ours with a passwd entry. */
START_TEST(test_keepid_debian_root_files_stay_root)
{
	const char *deb = h_debian_rootfs("test_keepid_debian_root_files_stay_root");
	char *want = h_strf("%u\n0 0 4755\n0\n1\n", (unsigned)getuid());
	struct h_result r;

	if (!deb) {
		free(want);
		return;
	}
	if (!have_subids()) {
		h_skip("keep-id needs subordinate ids");
		free(want);
		return;
	}
	CONTI(&r, "run", "--rm", "--userns=keep-id", (char *)deb, "sh", "-c",
	      "id -u; stat -c '%u %g %a' /usr/bin/sudo; stat -c %u /etc/shadow; "
	      "getent passwd $(id -u) | grep -c \":$HOME:\"");
	h_assert_status(&r, 0, "run --userns=keep-id in Debian");
	ck_assert_str_eq(r.out, want);
	h_result_free(&r);
	free(want);
}
END_TEST

/* fuse-overlayfs for a container in a user namespace of its own (--uidmap=single nested in
 * the keeper's, as keep-id is) joins that namespace: its mount reaches PID 1 (it timed out
 * before, its copy of the mount namespace having made the mount point a slave). */
START_TEST(test_fuse_in_nested_userns)
{
	struct h_result r;

	if (!have_subids()) {
		h_skip("a nested namespace is made only over subordinate ids");
		return;
	}
	CONTI(&r, "run", "--rm", "--uidmap=single", "--overlay=fuse", H.rootfs, "sh", "-c",
	      "id -u; grep -c fuse /proc/self/mountinfo");
	h_assert_status(&r, 0, "run --uidmap=single --overlay=fuse");
	ck_assert_str_eq(r.out, "0\n1\n");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--uidmap=single", "--userns=keep-id", H.rootfs, "true");
	h_assert_status(&r, 125, "--uidmap=single --userns=keep-id");
	ck_assert_int_eq(h_count_lines(r.err), 1);
	h_result_free(&r);
}
END_TEST

static void add_dev_user(void)
{
	char *passwd = h_strf("%s/etc/passwd", H.rootfs), *group = h_strf("%s/etc/group", H.rootfs);

	h_write_file(passwd,
		     "root:x:0:0:root:/root:/bin/sh\n"
		     "\x01\xfe binary junk\n"
		     "dev:x:1234:1235:Dev:/home/dev:/bin/sh\n",
		     0644);
	h_write_file(group,
		     "root:x:0:\ndev:x:1235:\nwheel:x:10:dev\naudio:x:29:other,dev\n"
		     "video:x:44:devil\n",
		     0644);
	free(passwd), free(group);
}

/* -u NAME: uid, gid, supplementary groups and HOME from the container's files, as docker;
 * -u NAME:GROUP: that group and no supplementary ones; -e HOME wins. */
START_TEST(test_user_by_name)
{
	struct h_result r;

	if (!have_subids()) {
		h_skip("ids 1234, 10, 29 need subordinate ids");
		return;
	}
	add_dev_user();
	CONTI(&r, "run", "--rm", "-u", "dev", H.rootfs, "sh", "-c",
	      "id -u; id -g; id -G; echo $HOME");
	h_assert_status(&r, 0, "run -u dev");
	ck_assert_str_eq(r.out, "1234\n1235\n1235 10 29\n/home/dev\n");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "-u", "dev:audio", "-e", "HOME=/x", H.rootfs, "sh", "-c",
	      "id -u; id -G; echo $HOME");
	h_assert_status(&r, 0, "run -u dev:audio");
	ck_assert_str_eq(r.out, "1234\n29\n/x\n");
	h_result_free(&r);
	/* a numeric uid with an entry gets its groups and HOME too */
	CONTI(&r, "run", "--rm", "-u", "1234", H.rootfs, "sh", "-c", "id -G; echo $HOME");
	h_assert_status(&r, 0, "run -u 1234");
	ck_assert_str_eq(r.out, "1235 10 29\n/home/dev\n");
	h_result_free(&r);
}
END_TEST

/* exec -u NAME resolves in the running container's files. */
START_TEST(test_exec_user_by_name)
{
	char *name = h_unique("uname");
	struct h_result r;

	if (!have_subids()) {
		h_skip("ids 1234, 10, 29 need subordinate ids");
		return;
	}
	add_dev_user();
	CONTI(&r, "run", "-d", "--name", name, H.rootfs, "sleep", "60");
	h_assert_status(&r, 0, "run -d");
	h_result_free(&r);
	CONTI(&r, "exec", "-u", "dev", name, "sh", "-c", "id -u; id -G; echo $HOME");
	h_assert_status(&r, 0, "exec -u dev");
	ck_assert_str_eq(r.out, "1234\n1235 10 29\n/home/dev\n");
	h_result_free(&r);
	CONTI(&r, "rm", "-f", name);
	h_result_free(&r);
	free(name);
}
END_TEST

/* A name not in passwd: 126 and one line, as docker; nothing left. */
START_TEST(test_user_unknown_name)
{
	struct h_result r;
	char *line;

	CONTI(&r, "run", "--rm", "-u", "nosuch", H.rootfs, "true");
	h_assert_status(&r, 126, "run -u nosuch");
	line = h_error_line(&r);
	ck_assert_msg(line && strstr(line, "unable to find user nosuch"), "got: %s", r.err);
	ck_assert_int_eq(h_count_lines(r.err), 1);
	h_result_free(&r);
	free(line);
	h_assert_nothing_left();
}
END_TEST

/* /etc/passwd a symlink to a host file (absolute, or ../ up and out): never followed out of
 * the container's root, so the host file's user is unknown. */
START_TEST(test_user_passwd_link_not_followed)
{
	char *host = h_strf("%s/host-passwd", H.base), *link = h_strf("%s/etc/passwd", H.rootfs);
	char *up = h_strf("../../../../../../../../../..%s", host);
	const char *targets[] = {host, up};
	struct h_result r;

	h_write_file(host, "evil:x:4321:4321::/evil:/bin/sh\n", 0644);
	for (size_t i = 0; i < 2; i++) {
		unlink(link);
		ck_assert_int_eq(symlink(targets[i], link), 0);
		CONTI(&r, "run", "--rm", "-u", "evil", H.rootfs, "id", "-u");
		h_assert_status(&r, 126, "run -u evil with /etc/passwd a link out");
		ck_assert_msg(strstr(r.err, "unable to find user evil"), "got: %s", r.err);
		h_result_free(&r);
	}
	free(host), free(link), free(up);
}
END_TEST

int main(void)
{
	const char *only = getenv("CK_RUN_CASE");
	Suite *s = suite_create("users");
	TCase *tc = h_tcase("keepid");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_keepid_volume_files_are_yours);
	tcase_add_test(tc, test_keepid_passwd_entry_and_home);
	tcase_add_test(tc, test_keepid_exec);
	tcase_add_test(tc, test_keepid_refuses_kernel_overlay);
	tcase_add_test(tc, test_keepid_debian_root_files_stay_root);
	tcase_add_test(tc, test_fuse_in_nested_userns);
	suite_add_tcase(s, tc);
	tc = h_tcase("user");
	tcase_add_test(tc, test_user_by_name);
	tcase_add_test(tc, test_exec_user_by_name);
	tcase_add_test(tc, test_user_unknown_name);
	tcase_add_test(tc, test_user_passwd_link_not_followed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run(sr, NULL, only && *only ? only : NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
