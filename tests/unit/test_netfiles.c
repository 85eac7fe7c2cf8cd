/* Unit tests: the container's resolv.conf, hosts and hostname (netfiles.c), and the TERM a pty
 * gets (terminfo.c). */
#include "unit.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netfiles.h"
#include "terminfo.h"
#include "utils.h"

static const char stub_host[] = "# This is /run/systemd/resolve/stub-resolv.conf\n"
				"nameserver 127.0.0.53\n"
				"options edns0 trust-ad\n"
				"search corp.example\n";
static const char upstream[] = "# This is /run/systemd/resolve/resolv.conf\n"
			       "nameserver 192.0.2.53\n"
			       "nameserver 127.0.0.1\n"
			       "nameserver 2001:db8::53\n"
			       "search corp.example\n";

/* On the host's network the host's text is kept as it is, stub included. */
START_TEST(resolv_host_net_verbatim)
{
	struct cr_config cfg;
	cleanup_free char *r = NULL;
	cleanup_free char *nonl = NULL;

	config_init(&cfg);
	r = netfiles_resolv_conf(stub_host, upstream, true, NULL, &cfg);
	ck_assert_str_eq(r, stub_host);
	nonl = netfiles_resolv_conf("nameserver 10.0.0.1", NULL, true, NULL, &cfg);
	ck_assert_str_eq(nonl, "nameserver 10.0.0.1\n");
	config_free(&cfg);
}
END_TEST

/* Off it, loopback stubs go and resolved's upstreams (not its loopback ones) come in. */
START_TEST(resolv_private_net_upstream)
{
	struct cr_config cfg;
	cleanup_free char *r = NULL;
	cleanup_free char *fallback = NULL;
	cleanup_free char *v6 = NULL;

	config_init(&cfg);
	cfg.net = CR_NET_NONE;
	r = netfiles_resolv_conf(stub_host, upstream, false, NULL, &cfg);
	ck_assert_str_eq(r, "# This is /run/systemd/resolve/stub-resolv.conf\n"
			    "options edns0 trust-ad\n"
			    "search corp.example\n"
			    "nameserver 192.0.2.53\n"
			    "nameserver 2001:db8::53\n");
	/* no resolved file: docker's and podman's fallback */
	fallback = netfiles_resolv_conf("nameserver 127.0.1.1\n", NULL, false, NULL, &cfg);
	ck_assert_str_eq(fallback, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	/* ::1 is loopback too; a real server stays */
	v6 = netfiles_resolv_conf("nameserver ::1\nnameserver 10.1.1.1\n", NULL, false, NULL, &cfg);
	ck_assert_str_eq(v6, "nameserver 10.1.1.1\n");
	config_free(&cfg);
}
END_TEST

/* --dns, --dns-search and --dns-option replace the host's lines of their kind. */
START_TEST(resolv_options_replace)
{
	struct cr_config cfg;
	cleanup_free char *r = NULL;
	cleanup_free char *none = NULL;

	config_init(&cfg);
	strv_push(&cfg.dns, "9.9.9.9");
	strv_push(&cfg.dns, "2620:fe::fe");
	strv_push(&cfg.dns_search, "a.example");
	strv_push(&cfg.dns_search, "b.example");
	strv_push(&cfg.dns_opts, "ndots:2");
	r = netfiles_resolv_conf(stub_host, upstream, false, NULL, &cfg);
	ck_assert_str_eq(r, "search a.example b.example\n"
			    "# This is /run/systemd/resolve/stub-resolv.conf\n"
			    "nameserver 9.9.9.9\n"
			    "nameserver 2620:fe::fe\n"
			    "options ndots:2\n");
	strv_free(&cfg.dns_search);
	strv_push(&cfg.dns_search, ".");
	none = netfiles_resolv_conf("search x.example\ndomain y.example\nnameserver 1.1.1.1\n",
				    NULL, true, NULL, &cfg);
	ck_assert_str_eq(none, "nameserver 9.9.9.9\nnameserver 2620:fe::fe\noptions ndots:2\n");
	config_free(&cfg);
}
END_TEST

/* --add-host lines, the host's text, localhost where it lacks it, the hostname. */
START_TEST(hosts_content)
{
	struct cr_config cfg;
	cleanup_free char *h = NULL;
	cleanup_free char *full = NULL;
	cleanup_free char *empty = NULL;

	config_init(&cfg);
	strv_push(&cfg.add_hosts, "db:192.0.2.7");
	strv_push(&cfg.add_hosts, "v6:[2001:db8::7]");
	strv_push(&cfg.add_hosts, "v6b:fe80::1");
	h = netfiles_hosts("127.0.0.1 localhost\n10.0.0.1 gw", "box", "box", &cfg);
	ck_assert_str_eq(h, "192.0.2.7\tdb\n"
			    "2001:db8::7\tv6\n"
			    "fe80::1\tv6b\n"
			    "127.0.0.1 localhost\n"
			    "10.0.0.1 gw\n"
			    "::1\tlocalhost ip6-localhost ip6-loopback\n"
			    "127.0.0.1\tbox\n");
	strv_free(&cfg.add_hosts);
	/* both localhost families present: none added; the name follows another hostname */
	full = netfiles_hosts("127.0.0.1\tlocalhost # v4\n::1 ip6-localhost localhost\n", "h", "n",
			      &cfg);
	ck_assert_str_eq(full, "127.0.0.1\tlocalhost # v4\n::1 ip6-localhost localhost\n"
			       "127.0.0.1\th n\n");
	/* no host file; a commented localhost does not count */
	empty = netfiles_hosts("# 127.0.0.1 localhost\n", "h", NULL, &cfg);
	ck_assert_str_eq(empty, "# 127.0.0.1 localhost\n127.0.0.1\tlocalhost\n"
				"::1\tlocalhost ip6-localhost ip6-loopback\n127.0.0.1\th\n");
	config_free(&cfg);
}
END_TEST

/* What the options refuse: one line each, never a second line in the files. */
START_TEST(checks)
{
	struct cr_error err;

	ck_assert_int_eq(netfiles_check_ip("192.0.2.1", "--dns", &err), 0);
	ck_assert_int_eq(netfiles_check_ip("2001:db8::1", "--dns", &err), 0);
	ck_assert_int_eq(netfiles_check_ip("1.2.3", "--dns", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "--dns '1.2.3'"));
	ck_assert_int_eq(netfiles_check_ip("fe80::1%eth0", "--dns", &err), -1);
	ck_assert_int_eq(netfiles_check_ip("", "--dns", &err), -1);
	ck_assert_int_eq(netfiles_check_add_host("a:1.2.3.4", &err), 0);
	ck_assert_int_eq(netfiles_check_add_host("a:[::1]", &err), 0);
	ck_assert_int_eq(netfiles_check_add_host("a:::1", &err), 0);
	ck_assert_int_eq(netfiles_check_add_host("a", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.hint, "NAME:IP"));
	ck_assert_int_eq(netfiles_check_add_host(":1.2.3.4", &err), -1);
	ck_assert_int_eq(netfiles_check_add_host("a b:1.2.3.4", &err), -1);
	ck_assert_int_eq(netfiles_check_add_host("a\n1.2.3.4 evil:1.2.3.4", &err), -1);
	ck_assert_int_eq(netfiles_check_add_host("a:1.2.3.4\nx", &err), -1);
	ck_assert_int_eq(netfiles_check_add_host("a:host-gateway", &err), -1);
	ck_assert_int_eq(netfiles_check_word("ndots:2", "--dns-option", &err), 0);
	ck_assert_int_eq(netfiles_check_word("a\nnameserver 1.1.1.1", "--dns-search", &err), -1);
	ck_assert_int_eq(netfiles_check_word("#x", "--dns-search", &err), -1);
}
END_TEST

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/cr-netfiles-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return cr_xstrdup(tmpl);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	cleanup_free char *path = cr_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* netfiles_make reads the host files given (only these: injected), resolved's only off the
 * host's network; a missing file counts as empty; --no-hosts gives no hosts text. */
START_TEST(make_from_host_files)
{
	cleanup_free char *dir = tmpdir();
	cleanup_free char *rc = cr_xasprintf("%s/resolv.conf", dir);
	cleanup_free char *up = cr_xasprintf("%s/upstream", dir);
	cleanup_free char *hosts = cr_xasprintf("%s/hosts", dir);
	cleanup_free char *missing = cr_xasprintf("%s/missing", dir);
	struct cr_net_host_files hf = {.resolv_conf = rc, .resolved_conf = up, .hosts = hosts};
	struct cr_config cfg;
	struct cr_netfiles nf;

	write_text(dir, "resolv.conf", stub_host);
	write_text(dir, "upstream", upstream);
	write_text(dir, "hosts", "127.0.0.1 localhost\n::1 localhost\n");
	config_init(&cfg);
	cfg.name = cr_xstrdup("n");
	netfiles_make(&hf, &cfg, "h", CR_NETH_AUTO, &nf);
	ck_assert_str_eq(nf.resolv_conf, stub_host);
	ck_assert_str_eq(nf.hosts, "127.0.0.1 localhost\n::1 localhost\n127.0.0.1\th n\n");
	ck_assert_str_eq(nf.hostname, "h\n");
	netfiles_free(&nf);
	cfg.net = CR_NET_NONE;
	cfg.no_hosts = true;
	netfiles_make(&hf, &cfg, "h", CR_NETH_AUTO, &nf);
	ck_assert_ptr_nonnull(strstr(nf.resolv_conf, "nameserver 192.0.2.53\n"));
	ck_assert_ptr_null(strstr(nf.resolv_conf, "127.0.0"));
	ck_assert_ptr_null(nf.hosts);
	netfiles_free(&nf);
	/* a FIFO as the host's file is not waited on; a missing one is empty */
	unlink(rc);
	ck_assert_int_eq(mkfifo(rc, 0600), 0);
	hf.hosts = missing;
	cfg.net = CR_NET_HOST;
	cfg.no_hosts = false;
	netfiles_make(&hf, &cfg, "h", CR_NETH_AUTO, &nf);
	ck_assert_str_eq(nf.resolv_conf, "");
	ck_assert_str_eq(nf.hosts, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost "
				   "ip6-loopback\n127.0.0.1\th n\n");
	netfiles_free(&nf);
	config_free(&cfg);
	unlink(rc);
	unlink(up);
	unlink(hosts);
	rmdir(dir);
}
END_TEST

/* The config keeps the options for start; a damaged value is refused, never written. */
START_TEST(config_round_trip)
{
	struct cr_config cfg, back;
	cleanup_free char *text = NULL;
	cleanup_free char *bad = NULL;

	config_init(&cfg);
	cfg.name = cr_xstrdup("n");
	cfg.rootfs = cr_xstrdup("/r");
	strv_push(&cfg.dns, "9.9.9.9");
	strv_push(&cfg.dns_search, "example.com");
	strv_push(&cfg.dns_opts, "ndots:2");
	strv_push(&cfg.add_hosts, "db:192.0.2.7");
	cfg.no_hosts = true;
	text = config_serialize(&cfg);
	config_init(&back);
	ck_assert_int_eq(config_parse(text, &back), 0);
	ck_assert_uint_eq(back.dns.n, 1);
	ck_assert_str_eq(back.dns.v[0], "9.9.9.9");
	ck_assert_str_eq(back.dns_search.v[0], "example.com");
	ck_assert_str_eq(back.dns_opts.v[0], "ndots:2");
	ck_assert_str_eq(back.add_hosts.v[0], "db:192.0.2.7");
	ck_assert(back.no_hosts);
	config_free(&back);
	bad = cr_xasprintf("%sadd_host=x\\n1.1.1.1 evil:1.1.1.1\n", text);
	config_init(&back);
	ck_assert_int_eq(config_parse(bad, &back), -1);
	config_free(&back);
	config_free(&cfg);
}
END_TEST

static void make_entry(const char *root, const char *dir, const char *name)
{
	cleanup_free char *d = cr_xasprintf("%s/%s", root, dir);
	cleanup_free char *cmd = cr_xasprintf("mkdir -p '%s'", d);

	ck_assert_int_eq(system(cmd), 0);
	write_text(d, name, "");
}

/* The caller's TERM is kept only when the tree has an entry for it, looked up inside it. */
START_TEST(term_in_tree)
{
	cleanup_free char *root = tmpdir();
	cleanup_free char *cmd = cr_xasprintf("rm -rf '%s'", root);
	cleanup_free char *link = cr_xasprintf("%s/etc/terminfo", root);
	cleanup_close int fd = -1;

	make_entry(root, "lib/terminfo/x", "xterm-256color");
	make_entry(root, "usr/share/terminfo/6b", "kitty");
	make_entry(root, "etc", "placeholder");
	fd = open(root, O_PATH | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert(terminfo_known(fd, "xterm-256color"));
	ck_assert(terminfo_known(fd, "kitty"));
	ck_assert(!terminfo_known(fd, "xterm-kitty"));
	ck_assert(!terminfo_known(fd, "../x/xterm-256color"));
	ck_assert(!terminfo_known(fd, ""));
	ck_assert(!terminfo_known(fd, NULL));
	ck_assert_str_eq(terminfo_choose(&fd, 1, "xterm-kitty"), "xterm");
	ck_assert_str_eq(terminfo_choose(&fd, 1, NULL), "xterm");
	ck_assert_str_eq(terminfo_choose(&fd, 1, "xterm-256color"), "xterm-256color");
	/* a symlink out of the tree is resolved inside it: the host's /lib/terminfo has xterm
	 * (ncurses-base), the tree's /lib/terminfo has no plain xterm */
	if (access("/lib/terminfo/x/xterm", F_OK) == 0 ||
	    access("/usr/share/terminfo/x/xterm", F_OK) == 0) {
		ck_assert_int_eq(symlink("../../../../../../../usr/share/terminfo", link), 0);
		ck_assert(!terminfo_known(fd, "xterm"));
		unlink(link);
		ck_assert_int_eq(symlink("/lib/terminfo", link), 0);
		ck_assert(!terminfo_known(fd, "xterm"));
		unlink(link);
		ck_assert_int_eq(symlink("/proc/self/root/lib/terminfo", link), 0);
		ck_assert(!terminfo_known(fd, "xterm"));
	}
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A private network: the helper's DNS forwarder is the first nameserver (where the host's was),
 * the host's reachable ones follow as podman keeps them, its search and options lines stay;
 * --dns replaces them all; no public fallback is added behind the forwarder. */
START_TEST(resolv_private_net_names_the_forwarder)
{
	struct cr_config cfg;
	cleanup_free char *r = NULL, *only_stub = NULL, *empty = NULL, *given = NULL;

	config_init(&cfg);
	cfg.net = CR_NET_PRIVATE;
	r = netfiles_resolv_conf("search corp.example\nnameserver 127.0.0.53\nnameserver 10.1.1.1\n"
				 "options edns0\n",
				 NULL, false, "169.254.1.1", &cfg);
	ck_assert_str_eq(r, "search corp.example\nnameserver 169.254.1.1\nnameserver 10.1.1.1\n"
			    "options edns0\n");
	only_stub = netfiles_resolv_conf(stub_host, NULL, false, "10.0.2.3", &cfg);
	ck_assert_str_eq(only_stub, "# This is /run/systemd/resolve/stub-resolv.conf\n"
				    "nameserver 10.0.2.3\n"
				    "options edns0 trust-ad\n"
				    "search corp.example\n");
	empty = netfiles_resolv_conf(NULL, NULL, false, "10.0.2.3", &cfg);
	ck_assert_str_eq(empty, "nameserver 10.0.2.3\n");
	strv_push(&cfg.dns, "192.0.2.9");
	given = netfiles_resolv_conf(stub_host, NULL, false, "169.254.1.1", &cfg);
	ck_assert_ptr_null(strstr(given, "169.254.1.1"));
	ck_assert_ptr_nonnull(strstr(given, "nameserver 192.0.2.9\n"));
	config_free(&cfg);
}
END_TEST

/* netfiles_make names the forwarder of the helper given, only on a private network. */
START_TEST(make_names_the_helpers_forwarder)
{
	cleanup_free char *dir = tmpdir();
	cleanup_free char *rc = cr_xasprintf("%s/resolv.conf", dir);
	cleanup_free char *up = cr_xasprintf("%s/upstream", dir);
	struct cr_net_host_files hf = {.resolv_conf = rc, .resolved_conf = up, .hosts = rc};
	struct cr_config cfg;
	struct cr_netfiles nf;

	write_text(dir, "resolv.conf", "nameserver 127.0.0.53\nsearch corp.example\n");
	write_text(dir, "upstream", upstream);
	config_init(&cfg);
	cfg.net = CR_NET_PRIVATE;
	netfiles_make(&hf, &cfg, "h", CR_NETH_PASTA, &nf);
	ck_assert_str_eq(nf.resolv_conf, "nameserver 169.254.1.1\nsearch corp.example\n"
					 "nameserver 192.0.2.53\nnameserver 2001:db8::53\n");
	netfiles_free(&nf);
	netfiles_make(&hf, &cfg, "h", CR_NETH_SLIRP4NETNS, &nf);
	ck_assert_int_eq(strncmp(nf.resolv_conf, "nameserver 10.0.2.3\n", 20), 0);
	netfiles_free(&nf);
	cfg.net = CR_NET_NONE;
	netfiles_make(&hf, &cfg, "h", CR_NETH_SLIRP4NETNS, &nf);
	ck_assert_ptr_null(strstr(nf.resolv_conf, "10.0.2.3"));
	netfiles_free(&nf);
	config_free(&cfg);
	unlink(rc);
	unlink(up);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("netfiles");
	TCase *tc = tcase_create("netfiles");

	tcase_add_test(tc, resolv_host_net_verbatim);
	tcase_add_test(tc, resolv_private_net_upstream);
	tcase_add_test(tc, resolv_options_replace);
	tcase_add_test(tc, hosts_content);
	tcase_add_test(tc, checks);
	tcase_add_test(tc, make_from_host_files);
	tcase_add_test(tc, config_round_trip);
	tcase_add_test(tc, resolv_private_net_names_the_forwarder);
	tcase_add_test(tc, make_names_the_helpers_forwarder);
	suite_add_tcase(s, tc);
	tc = tcase_create("terminfo");
	tcase_add_test(tc, term_in_tree);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
