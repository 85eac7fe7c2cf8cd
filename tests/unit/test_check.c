/* Unit tests: the pure parts of 'conti-rootless check' (kernel versions, result lines,
 * JSON, a free subordinate range), and one real run that must leave nothing behind. */
#include "unit.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cr-check.h"
#include "utils.h"

START_TEST(kernel_release_is_parsed)
{
	unsigned major = 0, minor = 0;

	ck_assert_int_eq(check_parse_kernel("5.10.0-21-amd64", &major, &minor), 0);
	ck_assert_uint_eq(major, 5);
	ck_assert_uint_eq(minor, 10);
	ck_assert_int_eq(check_parse_kernel("6.18.44-fc-v657", &major, &minor), 0);
	ck_assert_uint_eq(major, 6);
	ck_assert_uint_eq(minor, 18);
	ck_assert_int_eq(check_parse_kernel("5.12", &major, &minor), 0);
	ck_assert_int_eq(check_parse_kernel("5", &major, &minor), -1);
	ck_assert_int_eq(check_parse_kernel("5.", &major, &minor), -1);
	ck_assert_int_eq(check_parse_kernel("-5.11", &major, &minor), -1);
	ck_assert_int_eq(check_parse_kernel("linux", &major, &minor), -1);
	ck_assert_int_eq(check_parse_kernel("", &major, &minor), -1);
	ck_assert_int_eq(check_parse_kernel(NULL, &major, &minor), -1);
}
END_TEST

START_TEST(kernel_versions_compare)
{
	ck_assert(!check_kernel_at_least("5.10.0-x", 5, 11));
	ck_assert(check_kernel_at_least("5.11.0-x", 5, 11));
	ck_assert(!check_kernel_at_least("5.11.0-x", 5, 12));
	ck_assert(check_kernel_at_least("5.12-rc1", 5, 12));
	ck_assert(check_kernel_at_least("5.15.0-91-generic", 5, 12));
	ck_assert(check_kernel_at_least("6.1.0-17-amd64", 5, 12));
	ck_assert(check_kernel_at_least("10.0.0", 5, 12));
	ck_assert(!check_kernel_at_least("4.19.0-26-amd64", 5, 11));
	ck_assert(!check_kernel_at_least("5.9", 5, 11)); /* 9 < 11, not "9" > "1" */
	ck_assert(!check_kernel_at_least("garbage", 5, 11));
}
END_TEST

START_TEST(result_lines)
{
	struct cr_check_result ok = {.name = "kernel", .status = CR_CHECK_OK};
	struct cr_check_result bad = {.name = "subids", .status = CR_CHECK_FAIL};
	char buf[1200], small[16];

	snprintf(ok.found, sizeof(ok.found), "Linux 6.1.0");
	check_format_line(&ok, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ok    kernel       Linux 6.1.0");
	snprintf(bad.found, sizeof(bad.found), "user alice has no subordinate ids");
	snprintf(bad.fix, sizeof(bad.fix), "sudo usermod --add-subuids 100000-165535 alice");
	check_format_line(&bad, buf, sizeof(buf));
	ck_assert_str_eq(buf, "FAIL  subids       user alice has no subordinate ids; "
			      "fix: sudo usermod --add-subuids 100000-165535 alice");
	check_format_line(&bad, small, sizeof(small));
	ck_assert_str_eq(small, "FAIL  subids   ");
	ck_assert_str_eq(check_status_name(CR_CHECK_WARN), "warn");
}
END_TEST

static char *json_of(const struct cr_check_result *r, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	check_print_json(r, n, f);
	fclose(f);
	return text;
}

START_TEST(json_output)
{
	struct cr_check_result r[2] = {{.name = "data-dir", .status = CR_CHECK_WARN},
				       {.name = "fuse", .status = CR_CHECK_OK}};
	char *text;

	snprintf(r[0].found, sizeof(r[0].found), "dir \"a\\b\"\ttab");
	snprintf(r[0].fix, sizeof(r[0].fix), "export X=1");
	snprintf(r[1].found, sizeof(r[1].found), "ok");
	text = json_of(r, 2);
	ck_assert_str_eq(text,
			 "{\"ok\":true,\"checks\":["
			 "{\"name\":\"data-dir\",\"status\":\"warn\","
			 "\"found\":\"dir \\\"a\\\\b\\\"\\u0009tab\",\"fix\":\"export X=1\"},"
			 "{\"name\":\"fuse\",\"status\":\"ok\",\"found\":\"ok\",\"fix\":null}]}\n");
	free(text);
	r[1].status = CR_CHECK_FAIL;
	text = json_of(r, 2);
	ck_assert(!strncmp(text, "{\"ok\":false,", 12));
	ck_assert_ptr_nonnull(strstr(text, "\"status\":\"FAIL\""));
	free(text);
}
END_TEST

static int count_lines(const char *text)
{
	int n = 0;

	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool empty = true;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		empty = empty && (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."));
	closedir(d);
	return empty;
}

/* Runs check_run(json) in a child into a file (checks set process state, such as
 * namespaces tried); returns its verdict and the output in *text. */
static int check_in_child(bool json, char **text)
{
	FILE *f = tmpfile();
	long len;
	int status;
	pid_t pid;

	ck_assert_ptr_nonnull(f);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(check_run(json, f) | (fflush(f) ? 2 : 0));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	len = ftell(f);
	ck_assert_int_gt(len, 0);
	*text = cr_xcalloc(1, (size_t)len + 1);
	rewind(f);
	ck_assert_int_eq(fread(*text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return WEXITSTATUS(status);
}

/* The real checks on this machine: whatever the verdict, one line per check, JSON that
 * agrees, and nothing left in the data dir's filesystem. */
START_TEST(real_run_leaves_nothing_behind)
{
	char data[] = "/tmp/cr-check-XXXXXX";
	char *text = NULL, *json = NULL;
	int verdict;
	struct cr_error err;

	ck_assert_ptr_nonnull(mkdtemp(data));
	setenv("XDG_DATA_HOME", data, 1);
	verdict = check_in_child(false, &text);
	ck_assert(verdict == 0 || verdict == 1);
	ck_assert_int_eq(count_lines(text), 17);
	ck_assert(!strncmp(text, "ok    kernel", 12) || !strncmp(text, "FAIL  kernel", 12));
	ck_assert_ptr_nonnull(strstr(text, "  overlay  "));
	ck_assert_ptr_nonnull(strstr(text, "  landlock  "));
	ck_assert_ptr_nonnull(strstr(text, "  tun "));
	ck_assert_ptr_nonnull(strstr(text, "  net-helper "));
	ck_assert_ptr_nonnull(strstr(text, "  network "));
	ck_assert_ptr_nonnull(strstr(text, "the default is --net host"));
	ck_assert(dir_is_empty(data));
	ck_assert_int_eq(check_in_child(true, &json), verdict);
	ck_assert(!strncmp(json, verdict ? "{\"ok\":false," : "{\"ok\":true,", verdict ? 12 : 11));
	ck_assert_int_eq(count_lines(json), 1);
	ck_assert(dir_is_empty(data));
	free(text);
	free(json);
	cr_rm_rf(data, &err);
}
END_TEST

/* A data dir with 0.0 GiB free is no "ok": too little fails, nearly full warns. */
START_TEST(data_dir_space)
{
	const unsigned long long mib = 1024ULL * 1024;

	ck_assert_int_eq(check_space_status(0, 1000000, 2000000), CR_CHECK_FAIL);
	ck_assert_int_eq(check_space_status(100 * mib, 1000000, 2000000), CR_CHECK_FAIL);
	ck_assert_int_eq(check_space_status(1024 * mib, 1000000, 2000000), CR_CHECK_WARN);
	ck_assert_int_eq(check_space_status(50000 * mib, 10, 2000000), CR_CHECK_FAIL);
	ck_assert_int_eq(check_space_status(50000 * mib, 5000, 2000000), CR_CHECK_WARN);
	ck_assert_int_eq(check_space_status(50000 * mib, 0, 0), CR_CHECK_OK); /* btrfs: no count */
	ck_assert_int_eq(check_space_status(50000 * mib, 1000000, 2000000), CR_CHECK_OK);
}
END_TEST

/* /dev/net/tun: usable when it opens; missing or refused, a warning naming the fix (a path of
 * the test's own stands for the device: the real one is shared and stays as it is). */
START_TEST(tun_device)
{
	char dir[] = "/tmp/check-tun-XXXXXX";
	cleanup_free char *dev = NULL, *missing = NULL;
	struct cr_check_result r;
	struct stat st = {.st_mode = S_IFCHR | 0600, .st_uid = 0};
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	dev = cr_xasprintf("%s/tun", dir);
	missing = cr_xasprintf("%s/missing", dir);
	memset(&r, 0, sizeof(r));
	check_tun_report("/dev/net/tun", &st, EACCES, &r);
	ck_assert_int_eq(r.status, CR_CHECK_WARN);
	ck_assert_ptr_nonnull(strstr(r.found, "/dev/net/tun is not usable by you (mode 0600"));
	ck_assert_ptr_nonnull(strstr(r.fix, "sudo chmod 0666 /dev/net/tun"));
	ck_assert_ptr_nonnull(strstr(r.fix, "MODE=\"0666\""));
	memset(&r, 0, sizeof(r));
	check_tun_at(missing, &r);
	ck_assert_int_eq(r.status, CR_CHECK_WARN);
	ck_assert_ptr_nonnull(strstr(r.fix, "modprobe tun"));
	fd = open(dev, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(chmod(dev, 0666), 0);
	memset(&r, 0, sizeof(r));
	check_tun_at(dev, &r);
	ck_assert_int_eq(r.status, CR_CHECK_OK);
	ck_assert_ptr_nonnull(strstr(r.found, "is usable (mode 0666)"));
	ck_assert_str_eq(r.fix, "");
	if (geteuid() != 0) { /* root opens any mode */
		ck_assert_int_eq(chmod(dev, 0), 0);
		memset(&r, 0, sizeof(r));
		check_tun_at(dev, &r);
		ck_assert_int_eq(r.status, CR_CHECK_WARN);
		ck_assert_ptr_nonnull(strstr(r.found, "is not usable by you (mode 0000"));
		ck_assert_ptr_nonnull(strstr(r.found, "Permission denied"));
	}
	unlink(dev);
	rmdir(dir);
}
END_TEST

/* Which helper --net private uses: pasta first; none is a warning with the packages to get. */
START_TEST(net_helpers)
{
	struct cr_check_result r;

	memset(&r, 0, sizeof(r));
	check_net_helpers_report("/usr/bin/pasta", "pasta unknown version", "/usr/bin/slirp4netns",
				 "slirp4netns version 1.2.0", &r);
	ck_assert_int_eq(r.status, CR_CHECK_OK);
	ck_assert_str_eq(r.found, "/usr/bin/pasta and slirp4netns version 1.2.0 "
				  "(/usr/bin/slirp4netns): --net private uses pasta (--net "
				  "slirp4netns the other)");
	memset(&r, 0, sizeof(r));
	check_net_helpers_report("", "", "/usr/bin/slirp4netns", "slirp4netns version 1.2.0", &r);
	ck_assert_int_eq(r.status, CR_CHECK_OK);
	ck_assert_ptr_nonnull(strstr(r.found, "--net private uses it; no pasta"));
	memset(&r, 0, sizeof(r));
	check_net_helpers_report("/usr/bin/pasta", "", "", "", &r);
	ck_assert_int_eq(r.status, CR_CHECK_OK);
	ck_assert_ptr_nonnull(strstr(r.found, "/usr/bin/pasta: --net private uses it"));
	memset(&r, 0, sizeof(r));
	check_net_helpers_report("", "", "", "", &r);
	ck_assert_int_eq(r.status, CR_CHECK_WARN);
	ck_assert_ptr_nonnull(strstr(r.fix, "apt install passt"));
	ck_assert_ptr_nonnull(strstr(r.fix, "slirp4netns"));
}
END_TEST

START_TEST(cgroup_report)
{
	struct cr_check_result r;
	struct cr_cgroup_host h = {
	    .mnt_fd = -1,
	    .mnt = "/sys/fs/cgroup/unified",
	    .hybrid = true,
	    .own = "user.slice/user-1003.slice/user@1003.service/app.slice/x.scope",
	    .delegated = "user.slice/user-1003.slice/user@1003.service",
	    .mode = CR_CG_DELEGATED,
	    .available = 0,
	    .on_v1 = CR_CTL_CPU | CR_CTL_MEMORY | CR_CTL_PIDS | CR_CTL_IO | CR_CTL_CPUSET};

	/* this machine: hybrid, delegated, v1 holds every controller the limits use */
	memset(&r, 0, sizeof(r));
	check_cgroup_report(&h, true, &r);
	ck_assert_int_eq(r.status, CR_CHECK_WARN);
	ck_assert_str_eq(r.found, "cgroup v2 at /sys/fs/cgroup/unified, hybrid (v1 holds cpu "
				  "memory pids io), delegated: "
				  "/user.slice/user-1003.slice/user@1003.service (controllers: "
				  "none); containers get a cgroup, but limits needing cpu memory "
				  "pids io fail");
	ck_assert_str_eq(r.fix, CR_CGROUP_UNIFIED_FIX);
	ck_assert_ptr_nonnull(strstr(r.fix, "/etc/systemd/system/user@.service.d/delegate.conf"));
	/* a unified host delegating what older systemd does: memory pids */
	h.hybrid = false;
	h.on_v1 = 0;
	h.available = CR_CTL_MEMORY | CR_CTL_PIDS;
	memset(&r, 0, sizeof(r));
	check_cgroup_report(&h, true, &r);
	ck_assert_int_eq(r.status, CR_CHECK_WARN);
	ck_assert_str_eq(r.found,
			 "cgroup v2 (unified), delegated: "
			 "/user.slice/user-1003.slice/user@1003.service (controllers: "
			 "memory pids); containers get a cgroup, but limits needing cpu io "
			 "fail");
	ck_assert_str_eq(r.fix, CR_CGROUP_DROPIN_FIX);
	/* systemd >= 252: everything */
	h.available = CR_CTL_CPU | CR_CTL_MEMORY | CR_CTL_PIDS | CR_CTL_IO | CR_CTL_CPUSET;
	memset(&r, 0, sizeof(r));
	check_cgroup_report(&h, true, &r);
	ck_assert_int_eq(r.status, CR_CHECK_OK);
	ck_assert_str_eq(r.found,
			 "cgroup v2 (unified), delegated: "
			 "/user.slice/user-1003.slice/user@1003.service (cpu memory pids io "
			 "cpuset): every limit applies");
	ck_assert_str_eq(r.fix, "");
	/* ... on a mount without nsdelegate (this host's): a container with CAP_SYS_ADMIN in a
	 * cgroup namespace of its own could write its own limits */
	memset(&r, 0, sizeof(r));
	check_cgroup_report(&h, false, &r);
	ck_assert_int_eq(r.status, CR_CHECK_WARN);
	ck_assert_ptr_nonnull(strstr(r.found, "mounted without nsdelegate: a container given "
					      "CAP_SYS_ADMIN can change its own limits"));
	ck_assert_str_eq(r.fix, "as root: mount -o remount,nsdelegate /sys/fs/cgroup/unified "
				"(systemd mounts it so)");
	/* an ssh session without systemd: not delegated */
	h.mode = CR_CG_NOT_DELEGATED;
	snprintf(h.own, sizeof(h.own), "user.slice/user-1003.slice/session-3.scope");
	memset(&r, 0, sizeof(r));
	check_cgroup_report(&h, true, &r);
	ck_assert_int_eq(r.status, CR_CHECK_WARN);
	ck_assert_ptr_nonnull(strstr(r.found, "your cgroup /user.slice/user-1003.slice/"
					      "session-3.scope is not delegated to you"));
	ck_assert_ptr_nonnull(strstr(r.fix, "systemd-run --user --scope"));
	ck_assert_ptr_nonnull(strstr(r.fix, CR_CGROUP_DROPIN_FIX));
	/* v1 only */
	h.mode = CR_CG_NONE;
	h.on_v1 = CR_CTL_MEMORY;
	memset(&r, 0, sizeof(r));
	check_cgroup_report(&h, true, &r);
	ck_assert_int_eq(r.status, CR_CHECK_WARN);
	ck_assert_str_eq(r.found, "cgroup v1 only (no cgroup v2 mount): --memory, --cpus, "
				  "--pids-limit, --io-weight fail");
	ck_assert_str_eq(r.fix, CR_CGROUP_UNIFIED_FIX);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, kernel_release_is_parsed);
	tcase_add_test(tc, kernel_versions_compare);
	tcase_add_test(tc, result_lines);
	tcase_add_test(tc, json_output);
	tcase_add_test(tc, real_run_leaves_nothing_behind);
	tcase_add_test(tc, data_dir_space);
	tcase_add_test(tc, tun_device);
	tcase_add_test(tc, net_helpers);
	tcase_add_test(tc, cgroup_report);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
