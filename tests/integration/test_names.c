/* test_names.c - integration tests of names and the network basics: the container's own
 * /etc/resolv.conf, /etc/hosts and /etc/hostname (--dns, --dns-search, --dns-option,
 * --add-host, --no-hosts), and the TERM of a pty. Each runs the built front end as the
 * calling (unprivileged) user on a fresh busybox rootfs and, when CONTI_TEST_DEBIAN_ROOTFS
 * names one, on a Debian rootfs (getent, sudo, terminfo); without it those print a note and
 * return.
 *
 * Environment: CONTI_BIN, CONTI_MKROOTFS (set by meson); CK_RUN_CASE=NAME runs one TCase.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define CONTI(r, ...) h_conti((r), NULL, __VA_ARGS__, NULL)
#define CONTI_OPTS(r, o, ...) h_conti((r), (o), __VA_ARGS__, NULL)

/* The host file's text, "" when it has none. */
static char *host_text(const char *path)
{
	char *t = h_read_file(path);

	return t ? t : strdup("");
}

/* True when text has line (whole) among its lines. */
static bool has_line(const char *text, const char *line)
{
	int n = h_count_lines(text);
	bool found = false;

	for (int i = 0; i < n && !found; i++) {
		char *l = h_line(text, i);

		found = !strcmp(l, line);
		free(l);
	}
	return found;
}

/* Lines of text starting with prefix. */
static int count_prefixed(const char *text, const char *prefix)
{
	int n = h_count_lines(text), count = 0;

	for (int i = 0; i < n; i++) {
		char *l = h_line(text, i);

		count += !strncmp(l, prefix, strlen(prefix));
		free(l);
	}
	return count;
}

/* ---- the busybox rootfs ---- */

/* With the default (host) network the container's resolv.conf is the host's, byte for byte
 * (busybox had none at all: wget could not resolve a name). */
START_TEST(test_resolv_conf_is_hosts)
{
	struct h_result r;
	char *host = host_text("/etc/resolv.conf");

	CONTI(&r, "run", "--rm", H.rootfs, "cat", "/etc/resolv.conf");
	h_assert_status(&r, 0, "cat /etc/resolv.conf");
	ck_assert_msg(!strcmp(r.out, host), "container's resolv.conf:\n%s\nhost's:\n%s", r.out,
		      host);
	h_result_free(&r);
	free(host);
}
END_TEST

/* hosts: localhost in both families, the hostname (and the name), --add-host lines; hostname:
 * the container's hostname, not the host's. */
START_TEST(test_hosts_and_hostname)
{
	struct h_result r;
	char *name = h_new_name("nm", getpid());
	char *self = h_strf("127.0.0.1\t%s", name), *hn = h_strf("%s\n", name);

	CONTI(&r, "run", "--rm", "--name", name, "--add-host", "db.example:192.0.2.7", "--add-host",
	      "v6.example:2001:db8::7", H.rootfs, "cat", "/etc/hosts");
	h_assert_status(&r, 0, "cat /etc/hosts");
	ck_assert_msg(has_line(r.out, "192.0.2.7\tdb.example"), "hosts:\n%s", r.out);
	ck_assert_msg(has_line(r.out, "2001:db8::7\tv6.example"), "hosts:\n%s", r.out);
	ck_assert_msg(has_line(r.out, self), "no line for the hostname in:\n%s", r.out);
	ck_assert_msg(strstr(r.out, "127.0.0.1") && strstr(r.out, "::1"), "hosts:\n%s", r.out);
	ck_assert_msg(strstr(r.out, "localhost"), "hosts:\n%s", r.out);
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--name", name, H.rootfs, "cat", "/etc/hostname");
	h_assert_status(&r, 0, "cat /etc/hostname");
	ck_assert_str_eq(r.out, hn);
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--hostname", "box.example", H.rootfs, "sh", "-c",
	      "cat /etc/hostname; grep -c 'box.example' /etc/hosts");
	h_assert_status(&r, 0, "--hostname");
	ck_assert_str_eq(r.out, "box.example\n1\n");
	h_result_free(&r);
	free(name), free(self), free(hn);
}
END_TEST

/* --dns, --dns-search and --dns-option replace the host's lines of their kind. */
START_TEST(test_dns_options_replace)
{
	struct h_result r;

	CONTI(&r, "run", "--rm", "--dns", "192.0.2.53", "--dns", "2001:db8::53", "--dns-search",
	      "corp.example", "--dns-option", "ndots:2", H.rootfs, "cat", "/etc/resolv.conf");
	h_assert_status(&r, 0, "--dns");
	ck_assert_msg(has_line(r.out, "search corp.example"), "resolv.conf:\n%s", r.out);
	ck_assert_msg(has_line(r.out, "nameserver 192.0.2.53"), "resolv.conf:\n%s", r.out);
	ck_assert_msg(has_line(r.out, "nameserver 2001:db8::53"), "resolv.conf:\n%s", r.out);
	ck_assert_msg(has_line(r.out, "options ndots:2"), "resolv.conf:\n%s", r.out);
	ck_assert_int_eq(count_prefixed(r.out, "nameserver"), 2);
	ck_assert_int_eq(count_prefixed(r.out, "search"), 1);
	ck_assert_int_eq(count_prefixed(r.out, "options"), 1);
	h_result_free(&r);
}
END_TEST

/* The container may write its files (as in podman); the host's own /etc files and the
 * rootfs's are unchanged, and the rootfs gets no resolv.conf or hostname of ours. */
START_TEST(test_writes_stay_in_container)
{
	struct h_result r;
	char *hosts = host_text("/etc/hosts"), *resolv = host_text("/etc/resolv.conf");
	char *rootfs_hosts_path = h_strf("%s/etc/hosts", H.rootfs);
	char *rootfs_hosts = host_text(rootfs_hosts_path), *after = NULL;
	char *rootfs_resolv = h_strf("%s/etc/resolv.conf", H.rootfs);
	char *rootfs_hostname = h_strf("%s/etc/hostname", H.rootfs);

	CONTI(&r, "run", "--rm", H.rootfs, "sh", "-c",
	      "grep -q \"$(hostname)\" /etc/hosts && "
	      "echo '192.0.2.99 written' >> /etc/hosts && echo 'nameserver 192.0.2.99' >> "
	      "/etc/resolv.conf && echo other > /etc/hostname && grep -c written /etc/hosts");
	h_assert_status(&r, 0, "write /etc/hosts, resolv.conf, hostname");
	ck_assert_str_eq(r.out, "1\n");
	h_result_free(&r);
	after = host_text("/etc/hosts");
	ck_assert_str_eq(after, hosts);
	free(after);
	after = host_text("/etc/resolv.conf");
	ck_assert_str_eq(after, resolv);
	free(after);
	after = host_text(rootfs_hosts_path);
	ck_assert_str_eq(after, rootfs_hosts);
	ck_assert(!h_exists(rootfs_resolv));
	ck_assert(!h_exists(rootfs_hostname));
	h_assert_nothing_left();
	free(after), free(hosts), free(resolv), free(rootfs_hosts_path), free(rootfs_hosts);
	free(rootfs_resolv), free(rootfs_hostname);
}
END_TEST

/* --no-hosts: the rootfs's own /etc/hosts, as it is. */
START_TEST(test_no_hosts_keeps_rootfs_file)
{
	struct h_result r;
	char *path = h_strf("%s/etc/hosts", H.rootfs);

	h_write_file(path, "192.0.2.1 from-the-rootfs\n", 0644);
	CONTI(&r, "run", "--rm", "--no-hosts", H.rootfs, "cat", "/etc/hosts");
	h_assert_status(&r, 0, "--no-hosts");
	ck_assert_str_eq(r.out, "192.0.2.1 from-the-rootfs\n");
	h_result_free(&r);
	free(path);
}
END_TEST

/* Bad values: 125, one line naming the option, nothing left. */
static const char *const bad_net_options[][2] = {
    {"--add-host", "nocolon"},
    {"--add-host", ":192.0.2.1"},
    {"--add-host", "a b:192.0.2.1"},
    {"--add-host", "name:not-an-ip"},
    {"--add-host", "name:192.0.2.1\nx"},
    {"--dns", "192.0.2"},
    {"--dns", "example.com"},
    {"--dns-search", "a b"},
    {"--dns-option", "x\nnameserver 1.1.1.1"},
};

START_TEST(test_bad_net_options)
{
	struct h_result r;
	char *line;

	CONTI(&r, "run", "--rm", bad_net_options[_i][0], bad_net_options[_i][1], H.rootfs, "true");
	h_assert_status(&r, 125, bad_net_options[_i][0]);
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "invalid") && strstr(line, bad_net_options[_i][0]),
		      "error line: %s", line);
	h_assert_nothing_left();
	h_result_free(&r);
	free(line);
}
END_TEST

/* The options are kept for start, which makes the files anew; also when the runtime dir was
 * lost (a reboot empties /run/user). --trace shows the binds. */
START_TEST(test_start_regenerates)
{
	struct h_result r;
	char *name = h_new_name("st", getpid());
	char *rdir = h_runtime_dir(), *dir = h_strf("%s/%s", rdir, name);

	CONTI(&r, "create", "--name", name, "--add-host", "kept.example:192.0.2.8", "--dns",
	      "192.0.2.53", H.rootfs, "sh", "-c", "cat /etc/hosts /etc/resolv.conf /etc/hostname");
	h_assert_status(&r, 0, "create");
	h_result_free(&r);
	for (int round = 0; round < 3; round++) {
		if (round == 2)
			ck_assert_msg(h_rm_rf(dir), "could not remove %s", dir);
		CONTI(&r, "start", "-a", name);
		h_assert_status(&r, 0, "start -a");
		ck_assert_msg(has_line(r.out, "192.0.2.8\tkept.example"), "round %d:\n%s", round,
			      r.out);
		ck_assert_msg(has_line(r.out, "nameserver 192.0.2.53"), "round %d:\n%s", round,
			      r.out);
		ck_assert_msg(has_line(r.out, name), "round %d:\n%s", round, r.out);
		h_result_free(&r);
	}
	CONTI(&r, "--trace", "run", "--rm", H.rootfs, "true");
	h_assert_status(&r, 0, "--trace run");
	ck_assert_msg(strstr(r.err, "/hosts ") && strstr(r.err, "/rootfs/etc/hosts"),
		      "no bind of /etc/hosts in the trace:\n%s", r.err);
	ck_assert_msg(strstr(r.err, "/rootfs/etc/resolv.conf"), "trace:\n%s", r.err);
	ck_assert_msg(strstr(r.err, "/rootfs/etc/hostname"), "trace:\n%s", r.err);
	h_result_free(&r);
	h_remove_names();
	free(name), free(rdir), free(dir);
}
END_TEST

/* The TERM of `run -t` in rootfs with host_term on the host (and extra run options). */
static char *term_inside(const char *rootfs, const char *host_term, const char *opt,
			 const char *val)
{
	char *env_term = h_strf("TERM=%s", host_term);
	const char *env[] = {env_term, NULL};
	struct h_opts o = {.env = env};
	struct h_result r;
	char *term;

	if (opt)
		CONTI_OPTS(&r, &o, "run", "--rm", "-t", opt, val, rootfs, "sh", "-c",
			   "echo \"T=$TERM\"");
	else
		CONTI_OPTS(&r, &o, "run", "--rm", "-t", rootfs, "sh", "-c", "echo \"T=$TERM\"");
	h_assert_status(&r, 0, "run -t echo $TERM");
	term = h_line(r.out, 0);
	h_result_free(&r);
	free(env_term);
	return term;
}

/* A TERM the rootfs has no terminfo for becomes xterm (xterm-kitty gave "unknown terminal
 * type"); one it has is kept, also one the container installed itself (exec); -e wins. */
START_TEST(test_term_known_in_rootfs)
{
	char *dir = h_strf("%s/usr/share/terminfo/x", H.rootfs);
	char *entry = h_strf("%s/xterm-kitty", dir), *mk = h_strf("mkdir -p '%s'", dir);
	char *t;

	t = term_inside(H.rootfs, "xterm-kitty", NULL, NULL);
	ck_assert_str_eq(t, "T=xterm");
	free(t);
	t = term_inside(H.rootfs, "xterm-kitty", "-e", "TERM=vt100");
	ck_assert_str_eq(t, "T=vt100");
	free(t);
	ck_assert_int_eq(system(mk), 0);
	h_write_file(entry, "", 0644);
	t = term_inside(H.rootfs, "xterm-kitty", NULL, NULL);
	ck_assert_str_eq(t, "T=xterm-kitty");
	free(t);
	free(dir), free(entry), free(mk);
}
END_TEST

START_TEST(test_term_exec)
{
	static const char *const env[] = {"TERM=xterm-kitty", NULL};
	struct h_opts o = {.env = env};
	char *name = h_new_name("tx", getpid()), *t;
	const char *cmd[] = {"sleep", "1000", NULL};
	struct h_result r;

	h_run_detached(name, NULL, cmd);
	CONTI_OPTS(&r, &o, "exec", "-t", name, "sh", "-c", "echo \"T=$TERM\"");
	h_assert_status(&r, 0, "exec -t");
	t = h_line(r.out, 0);
	ck_assert_str_eq(t, "T=xterm");
	free(t);
	h_result_free(&r);
	CONTI(&r, "exec", name, "sh", "-c",
	      "mkdir -p /usr/share/terminfo/x && : > /usr/share/terminfo/x/xterm-kitty");
	h_assert_status(&r, 0, "install an entry");
	h_result_free(&r);
	CONTI_OPTS(&r, &o, "exec", "-t", name, "sh", "-c", "echo \"T=$TERM\"");
	h_assert_status(&r, 0, "exec -t");
	t = h_line(r.out, 0);
	ck_assert_str_eq(t, "T=xterm-kitty");
	free(t);
	h_result_free(&r);
	h_remove_names();
	free(name);
}
END_TEST

/* ---- a Debian rootfs (CONTI_TEST_DEBIAN_ROOTFS) ---- */

/* getent resolves localhost and the container's hostname (both failed in minbase), sudo does
 * not say "unable to resolve host", /etc/hostname is the container's, resolv.conf the host's;
 * the rootfs's own /etc files are left as they were. */
START_TEST(test_debian_names)
{
	const char *d = h_debian_rootfs(__func__);
	struct h_result r;
	char *name, *hosts_path, *hosts_before, *hosts_after, *host_resolv;

	if (!d)
		return;
	name = h_new_name("deb", getpid());
	hosts_path = h_strf("%s/etc/hosts", d);
	hosts_before = h_read_file(hosts_path);
	host_resolv = host_text("/etc/resolv.conf");
	CONTI(&r, "run", "--rm", "--name", name, d, "sh", "-c",
	      "getent hosts localhost >/dev/null && echo localhost-ok; "
	      "getent hosts \"$(hostname)\" && echo hostname-ok; cat /etc/hostname; "
	      "sudo true && echo sudo-ok");
	h_assert_status(&r, 0, "getent, sudo");
	ck_assert_msg(has_line(r.out, "localhost-ok"), "out:\n%s\nerr:\n%s", r.out, r.err);
	ck_assert_msg(has_line(r.out, "hostname-ok"), "out:\n%s\nerr:\n%s", r.out, r.err);
	ck_assert_msg(has_line(r.out, "sudo-ok"), "out:\n%s\nerr:\n%s", r.out, r.err);
	ck_assert_msg(has_line(r.out, name), "/etc/hostname is not %s:\n%s", name, r.out);
	ck_assert_msg(!strstr(r.err, "unable to resolve"), "sudo said:\n%s", r.err);
	h_result_free(&r);
	CONTI(&r, "run", "--rm", d, "cat", "/etc/resolv.conf");
	h_assert_status(&r, 0, "cat /etc/resolv.conf");
	ck_assert_str_eq(r.out, host_resolv);
	h_result_free(&r);
	hosts_after = h_read_file(hosts_path);
	ck_assert_msg((!hosts_before && !hosts_after) ||
			  (hosts_before && hosts_after && !strcmp(hosts_before, hosts_after)),
		      "the rootfs's /etc/hosts changed");
	free(name), free(hosts_path), free(hosts_before), free(hosts_after);
	free(host_resolv);
}
END_TEST

/* A TERM Debian's ncurses-base has (xterm-256color) is kept; xterm-kitty (not in minbase)
 * becomes xterm. */
START_TEST(test_debian_term)
{
	const char *d = h_debian_rootfs(__func__);
	char *t;

	if (!d)
		return;
	t = term_inside(d, "xterm-256color", NULL, NULL);
	ck_assert_str_eq(t, "T=xterm-256color");
	free(t);
	t = term_inside(d, "xterm-kitty", NULL, NULL);
	ck_assert_str_eq(t, "T=xterm");
	free(t);
}
END_TEST

int main(void)
{
	const char *only = getenv("CK_RUN_CASE");
	Suite *s = suite_create("names");
	TCase *tc = h_tcase("files");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_resolv_conf_is_hosts);
	tcase_add_test(tc, test_hosts_and_hostname);
	tcase_add_test(tc, test_dns_options_replace);
	tcase_add_test(tc, test_writes_stay_in_container);
	tcase_add_test(tc, test_no_hosts_keeps_rootfs_file);
	tcase_add_test(tc, test_start_regenerates);
	suite_add_tcase(s, tc);
	tc = h_tcase("bad_input");
	tcase_add_loop_test(tc, test_bad_net_options, 0,
			    sizeof(bad_net_options) / sizeof(bad_net_options[0]));
	suite_add_tcase(s, tc);
	tc = h_tcase("term");
	tcase_add_test(tc, test_term_known_in_rootfs);
	tcase_add_test(tc, test_term_exec);
	suite_add_tcase(s, tc);
	tc = h_tcase("debian");
	tcase_add_test(tc, test_debian_names);
	tcase_add_test(tc, test_debian_term);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run(sr, NULL, only && *only ? only : NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
