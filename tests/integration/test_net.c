/* test_net.c - integration tests of a private network (issue #15): --net pasta|slirp4netns
 * (and private, which picks one), published ports (-p), DNS through the helper's forwarder,
 * isolation from the host's loopback and abstract sockets, ping, exec, and the helper's
 * life (no pasta/slirp4netns process of ours left after any end of a container, kill -9
 * included). Each runs the built front end as the calling (unprivileged) user on one busybox
 * rootfs made once for the suite, with /netprobe (netprobe.c, static) copied in.
 *
 * tests/run-all runs this suite inside a network and mount namespace of its own (a dummy
 * eth0 192.0.2.2/24 with a default route via 192.0.2.1, /etc/resolv.conf naming 127.0.0.1,
 * ip_unprivileged_port_start=53, ping_group_range open, /dev/net/tun 0666): the DNS cases
 * start their own responder on 127.0.0.1:53 and skip, saying why, where they cannot bind it
 * or the host's resolv.conf does not name it.
 *
 * Environment: CONTI_BIN, CONTI_MKROOTFS, CONTI_NETPROBE (set by meson); CK_RUN_CASE=NAME.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define CONTI(r, ...) h_conti((r), NULL, __VA_ARGS__, NULL)
#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

/* The helpers each case runs with (the loop index). */
static const char *const helpers[] = {"pasta", "slirp4netns"};
#define PASTA 0
#define SLIRP 1

/* The DNS name the test's responder answers, and its address. */
#define DNS_NAME "conti-net-test.example"
#define DNS_ADDR "198.51.100.7"

static pid_t runner;	    /* the suite's runner, for names */
static char *shared_rootfs; /* made once, by the first TCase (shared_setup) */
static char *shared_dir;
static pid_t servers[8]; /* processes this test forked (host-side servers) */
static int nservers;

static void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&t, NULL);
}

/* ---- the helper processes of this user ---- */

/* Our processes whose comm is a helper's (pasta, pasta.avx2, passt, slirp4netns); the
 * first one's pid in *first. Only this suite's user runs them while it runs. */
static int count_helpers(pid_t *first)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (first)
		*first = 0;
	while (d && (de = readdir(d))) {
		char *path, *comm;
		struct stat st;
		pid_t pid = (pid_t)atoi(de->d_name);

		if (pid <= 0)
			continue;
		path = h_strf("/proc/%d", (int)pid);
		if (stat(path, &st) < 0 || st.st_uid != getuid() || !h_pid_alive(pid)) {
			free(path);
			continue;
		}
		free(path);
		path = h_strf("/proc/%d/comm", (int)pid);
		comm = h_read_file(path);
		if (comm && (!strncmp(comm, "pasta", 5) || !strncmp(comm, "passt", 5) ||
			     !strncmp(comm, "slirp4netns", 11))) {
			if (first && !*first)
				*first = pid;
			n++;
		}
		free(comm);
		free(path);
	}
	if (d)
		closedir(d);
	return n;
}

/* Waits up to wait_ms for the count of helpers to be want; returns the last count. */
static int wait_helpers(int want, int wait_ms)
{
	long long deadline = h_mono_ms() + wait_ms;
	int n;

	while ((n = count_helpers(NULL)) != want && h_mono_ms() < deadline)
		sleep_ms(20);
	return n;
}

static void assert_no_helper(int wait_ms, const char *after)
{
	int n = wait_helpers(0, wait_ms);

	ck_assert_msg(n == 0, "%d helper process(es) (pasta/slirp4netns) left %d ms after %s", n,
		      wait_ms, after);
}

/* The comm of pid ("" when gone; caller frees). */
static char *comm_of(pid_t pid)
{
	char *path = h_strf("/proc/%d/comm", (int)pid), *c = h_read_file(path);

	free(path);
	if (!c)
		return strdup("");
	c[strcspn(c, "\n")] = '\0';
	return c;
}

/* The parent of pid, 0 when gone. */
static pid_t parent_of(pid_t pid)
{
	char *path = h_strf("/proc/%d/stat", (int)pid), *stat = h_read_file(path);
	const char *paren = stat ? strrchr(stat, ')') : NULL;
	int ppid = 0;

	if (paren)
		sscanf(paren + 2, "%*c %d", &ppid);
	free(path);
	free(stat);
	return (pid_t)ppid;
}

/* ---- the host side: servers the test forks, clients ---- */

static void add_server(pid_t pid)
{
	ck_assert_int_lt(nservers, N(servers));
	servers[nservers++] = pid;
}

static void stop_servers(void)
{
	for (int i = 0; i < nservers; i++) {
		kill(servers[i], SIGKILL);
		waitpid(servers[i], NULL, 0);
	}
	nservers = 0;
}

/* A port free on the host now (TCP or UDP on 0.0.0.0), for -p. */
static int free_port(int type)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, type, 0), port;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* A TCP server on addr (port 0: any) that writes text to each connection; returns its port. */
static int tcp_server(const char *addr, int port, const char *text)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	pid_t pid;

	ck_assert_int_eq(inet_pton(AF_INET, addr, &sa.sin_addr), 1);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ck_assert_msg(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind %s:%d: %s", addr,
		      port, strerror(errno));
	ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (;;) {
			int c = accept(fd, NULL, NULL);

			if (c < 0)
				continue;
			if (write(c, text, strlen(text)) < 0 || write(c, "\n", 1) < 0)
				_exit(1);
			close(c);
		}
	}
	close(fd);
	add_server(pid);
	return ntohs(sa.sin_port);
}

/* Connects to 127.0.0.1:port and sends an HTTP GET; the whole answer (caller frees), or
 * NULL with *err the errno. */
static char *http_get_once(int port, int *err)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct h_buf b = {0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	const char *req = "GET / HTTP/1.0\r\n\r\n";
	struct timeval tv = {2, 0};
	char chunk[4096];
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		*err = errno;
		close(fd);
		return NULL;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		b.s = realloc(b.s, b.len + (size_t)n + 1);
		memcpy(b.s + b.len, chunk, (size_t)n);
		b.len += (size_t)n;
		b.s[b.len] = '\0';
	}
	close(fd);
	*err = b.s ? 0 : ECONNRESET;
	return b.s;
}

/* The answer of 127.0.0.1:port once it has want in it (retrying for wait_ms: the server in
 * the container may still be starting); NULL when it never had. */
static char *http_get(int port, const char *want, int wait_ms)
{
	long long deadline = h_mono_ms() + wait_ms;

	for (;;) {
		int err = 0;
		char *got = http_get_once(port, &err);

		if (got && strstr(got, want))
			return got;
		free(got);
		if (h_mono_ms() >= deadline)
			return NULL;
		sleep_ms(100);
	}
}

/* Sends text to 127.0.0.1:port over UDP until an answer comes (wait_ms at most); the answer
 * (caller frees) or NULL. */
static char *udp_ask(int port, const char *text, int wait_ms)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	long long deadline = h_mono_ms() + wait_ms;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[512];

	do {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		sendto(fd, text, strlen(text), 0, (struct sockaddr *)&sa, sizeof(sa));
		if (poll(&p, 1, 200) == 1 && (n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
			buf[n] = '\0';
			close(fd);
			return strdup(buf);
		}
	} while (h_mono_ms() < deadline);
	close(fd);
	return NULL;
}

/* The host's default gateway (the address pasta gives the container as its gateway), from
 * /proc/net/route; "" when it has none. */
static char *host_gateway(void)
{
	char *route = h_read_file("/proc/net/route"), *gw = strdup("");
	int lines = route ? h_count_lines(route) : 0;

	for (int i = 1; i < lines; i++) {
		char *l = h_line(route, i), ifname[32];
		unsigned int dst, g;

		if (sscanf(l, "%31s %x %x", ifname, &dst, &g) == 3 && dst == 0 && g != 0) {
			struct in_addr a = {.s_addr = g};

			free(gw);
			gw = strdup(inet_ntoa(a));
		}
		free(l);
		if (*gw)
			break;
	}
	free(route);
	return gw;
}

/* Where a container with allow_host_loopback=true reaches the host's loopback. */
static char *loopback_address(int helper)
{
	return helper == SLIRP ? strdup("10.0.2.2") : host_gateway();
}

/* The nameserver the helper's forwarder answers on (net.h's constants). */
static const char *dns_address(int helper)
{
	return helper == SLIRP ? "10.0.2.3" : "169.254.1.1";
}

/* A DNS responder on 127.0.0.1:53 answering DNS_NAME's A query with DNS_ADDR (and every
 * other question with no answer); false (after a note why) where it cannot be. */
static bool dns_server(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons(53),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	char *resolv = h_read_file("/etc/resolv.conf");
	bool names_lo = resolv && strstr(resolv, "nameserver 127.0.0.1");
	int fd;
	pid_t pid;

	free(resolv);
	if (!names_lo) {
		h_skip("the host's /etc/resolv.conf does not name 127.0.0.1 (tests/run-all runs "
		       "this suite in a namespace where it does): DNS case not run");
		return false;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		char *why = h_strf("cannot bind 127.0.0.1:53 (%s; tests/run-all sets "
				   "ip_unprivileged_port_start=53 in the suite's namespace): DNS "
				   "case not run",
				   strerror(errno));

		h_skip(why);
		free(why);
		close(fd);
		return false;
	}
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (;;) {
			unsigned char q[512], a[600];
			struct sockaddr_in from;
			socklen_t flen = sizeof(from);
			ssize_t n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
			size_t off = 12, qend;
			char name[256] = "";
			size_t nl = 0;
			int qtype;
			bool ours;

			if (n < 17)
				continue;
			while (off < (size_t)n && q[off] && q[off] < 64 &&
			       off + q[off] < (size_t)n && nl + q[off] + 2 < sizeof(name)) {
				if (nl)
					name[nl++] = '.';
				memcpy(name + nl, q + off + 1, q[off]);
				nl += q[off];
				off += (size_t)q[off] + 1;
			}
			name[nl] = '\0';
			qend = off + 5;
			if (qend > (size_t)n)
				continue;
			qtype = q[off + 1] << 8 | q[off + 2];
			ours = !strcasecmp(name, DNS_NAME);
			memcpy(a, q, qend);
			a[2] = 0x81 | (q[2] & 0x01);	     /* response, recursion desired */
			a[3] = ours ? 0x80 : 0x83;	     /* RA; NXDOMAIN for others */
			a[4] = 0, a[5] = 1;		     /* one question */
			a[6] = 0, a[7] = ours && qtype == 1; /* answers */
			a[8] = a[9] = a[10] = a[11] = 0;
			if (ours && qtype == 1) {
				const unsigned char rr[] = {0xc0, 0x0c, 0, 1,  0, 1,
							    0,	  0,	0, 60, 0, 4};
				struct in_addr ip;

				inet_pton(AF_INET, DNS_ADDR, &ip);
				memcpy(a + qend, rr, sizeof(rr));
				memcpy(a + qend + sizeof(rr), &ip, 4);
				qend += sizeof(rr) + 4;
			}
			sendto(fd, a, qend, 0, (struct sockaddr *)&from, flen);
		}
	}
	close(fd);
	add_server(pid);
	return true;
}

/* ---- fixtures ---- */

/* h_setup's private world, but with the suite's one rootfs (a fresh one costs a second). */
static void net_setup(void)
{
	char *own;

	if (getuid() == 0)
		ck_abort_msg(
		    "integration tests must run as an unprivileged user: use tests/run-all");
	signal(SIGPIPE, SIG_IGN);
	umask(022);
	H.base = h_mkdtemp(h_case_dir(), "test");
	H.runtime = h_strf("%s/run", H.base);
	H.data = h_strf("%s/data", H.base);
	H.rootfs = strdup(shared_rootfs);
	ck_assert_int_eq(mkdir(H.runtime, 0700), 0);
	ck_assert_int_eq(mkdir(H.data, 0700), 0);
	setenv("XDG_RUNTIME_DIR", H.runtime, 1);
	setenv("XDG_DATA_HOME", H.data, 1);
	own = h_runtime_dir();
	setenv("CONTI_ROOTLESS_RUNTIME_DIR", own, 1);
	free(own);
	nservers = 0;
	/* a failed test of this TCase skipped its teardown: its containers' helpers go with the
	 * runner's kill of its monitors at the TCase's end; until then they would count here */
	{
		pid_t left;

		if (wait_helpers(0, 2000) > 0) {
			while (count_helpers(&left) > 0 && left > 0 && kill(left, SIGKILL) == 0)
				sleep_ms(20);
			fprintf(stderr, "note: killed the helpers a failed test left\n");
		}
	}
}

static void net_teardown(void)
{
	int left;

	h_remove_names();
	left = wait_helpers(0, 2000); /* every test: rm -f leaves no helper */

	stop_servers();
	if (H.base)
		h_kill_procs(H.base);
	h_teardown();
	ck_assert_msg(left == 0,
		      "%d helper process(es) left 2 s after rm -f of the test's containers", left);
}

/* In the runner, before the first TCase: the suite's one busybox rootfs with /netprobe. */
static void shared_setup(void)
{
	char *dst;

	h_case_setup();
	if (shared_rootfs)
		return;
	shared_dir = h_mkdtemp(NULL, "conti-net");
	shared_rootfs = h_strf("%s/rootfs", shared_dir);
	h_mkrootfs(shared_rootfs);
	dst = h_strf("%s/netprobe", shared_rootfs);
	h_copy_file(getenv("CONTI_NETPROBE"), dst, 0755);
	free(dst);
}

/* In the runner, after a TCase: kills what a failed test left running (its checked teardown
 * does not run): the monitors and keepers of its runtime dirs, inside the case dir. */
static void shared_case_teardown(void)
{
	if (h_case_dir())
		h_kill_procs(h_case_dir());
	h_case_teardown();
}

static TCase *net_tcase(const char *name, int timeout)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, shared_setup, shared_case_teardown);
	tcase_add_checked_fixture(tc, net_setup, net_teardown);
	tcase_set_timeout(tc, timeout);
	return tc;
}

static char *new_name(void)
{
	return h_new_name("net", runner);
}

/* `--net HELPER[:allow_host_loopback=true]` (caller frees). */
static char *net_opt(int helper, bool host_loopback)
{
	return h_strf("--net=%s%s", helpers[helper],
		      host_loopback ? ":allow_host_loopback=true" : "");
}

/* `run --rm NETOPT ROOTFS sh -c script`, its result in r. */
static void run_sh(struct h_result *r, const char *netopt, const char *script)
{
	const struct h_opts o = {.timeout_ms = 20000};

	h_conti(r, &o, "run", "--rm", netopt, H.rootfs, "sh", "-c", script, NULL);
}

/* ---- outbound: the host's loopback through the helper (allow_host_loopback=true) ---- */

/* A server on the host's 127.0.0.1 answers the container at the helper's host-loopback
 * address (pasta: the gateway; slirp4netns: 10.0.2.2). (Before: tcp:ENETUNREACH, only
 * loopback inside.) */
START_TEST(test_outbound_host_loopback)
{
	int port = tcp_server("127.0.0.1", 0, "hello-from-host");
	char *lo = loopback_address(_i), *opt = net_opt(_i, true);
	char *script = h_strf("/netprobe tcp %s %d", lo, port);
	struct h_result r;

	ck_assert_msg(*lo, "the host has no default gateway: pasta needs one");
	run_sh(&r, opt, script);
	ck_assert_msg(r.status == 0 && !strcmp(r.out, "tcp:ok:hello-from-host\n"),
		      "%s: want tcp:ok:hello-from-host, got status %d, out '%s', err '%s'",
		      helpers[_i], r.status, r.out, r.err);
	h_result_free(&r);
	assert_no_helper(2000, "run --rm");
	free(lo), free(opt), free(script);
}
END_TEST

/* ---- DNS: the helper's forwarder, and resolv.conf naming it ---- */

/* nslookup at the helper's DNS address reaches the test's responder on the host's
 * 127.0.0.1:53 (the host's resolv.conf names it). (Before: no route to the address.) */
START_TEST(test_dns_forwarder)
{
	char *opt = net_opt(_i, false);
	char *script = h_strf("nslookup %s %s", DNS_NAME, dns_address(_i));
	struct h_result r;

	if (!dns_server())
		return;
	run_sh(&r, opt, script);
	ck_assert_msg(r.status == 0 && strstr(r.out, "Address: " DNS_ADDR),
		      "%s: nslookup via %s: status %d, out '%s', err '%s'", helpers[_i],
		      dns_address(_i), r.status, r.out, r.err);
	h_result_free(&r);
	free(opt), free(script);
}
END_TEST

/* The container's resolv.conf names the forwarder (net_dns_address, H4's netfiles): a plain
 * nslookup resolves the name. (Before: resolv.conf named the host's 127.0.0.1, which is the
 * container's own loopback.) */
START_TEST(test_dns_resolv_conf)
{
	char *opt = net_opt(_i, false);
	char *want_ns = h_strf("nameserver %s", dns_address(_i));
	struct h_result r;

	if (!dns_server())
		return;
	run_sh(&r, opt, "cat /etc/resolv.conf; nslookup " DNS_NAME);
	ck_assert_msg(r.status == 0 && strstr(r.out, want_ns) &&
			  strstr(r.out, "Address: " DNS_ADDR),
		      "%s: want '%s' and the name resolved: status %d, out '%s', err '%s'",
		      helpers[_i], want_ns, r.status, r.out, r.err);
	h_result_free(&r);
	free(opt), free(want_ns);
}
END_TEST

/* ---- inbound: published ports ---- */

/* `httpd -p 8000` serving text from a directory of its own, as a shell command. */
static char *httpd_script(int port, const char *text)
{
	return h_strf("mkdir -p /tmp/w%d && echo %s >/tmp/w%d/index.html && "
		      "exec httpd -f -p %d -h /tmp/w%d",
		      port, text, port, port, port);
}

/* `run -d -p HOSTPORT:8000 ... httpd` is fetched from the host's 127.0.0.1:HOSTPORT.
 * (Before: -p was an unknown option.) */
START_TEST(test_inbound_httpd)
{
	char *name = new_name(), *opt = net_opt(_i, false),
	     *script = httpd_script(8000, "inbound-ok");
	int hp = free_port(SOCK_STREAM);
	char *spec = h_strf("%d:8000", hp), *got;

	h_run_detached(name, (const char *const[]){opt, "-p", spec, NULL},
		       (const char *const[]){"sh", "-c", script, NULL});
	ck_assert_int_eq(wait_helpers(1, 2000), 1);
	got = http_get(hp, "inbound-ok", 8000);
	ck_assert_msg(got, "%s: 127.0.0.1:%d did not serve the container's page", helpers[_i], hp);
	free(got), free(name), free(opt), free(script), free(spec);
}
END_TEST

/* Two containers each listening on 8000, published on two host ports: each port reaches its
 * own container. */
START_TEST(test_inbound_two_same_port)
{
	char *n1 = new_name(), *n2 = new_name(), *opt = net_opt(_i, false);
	char *s1 = httpd_script(8000, "first-one"), *s2 = httpd_script(8000, "second-one");
	int p1 = free_port(SOCK_STREAM), p2;
	char *spec1 = h_strf("%d:8000", p1), *spec2, *g1, *g2;

	do
		p2 = free_port(SOCK_STREAM);
	while (p2 == p1);
	spec2 = h_strf("%d:8000", p2);
	h_run_detached(n1, (const char *const[]){opt, "-p", spec1, NULL},
		       (const char *const[]){"sh", "-c", s1, NULL});
	h_run_detached(n2, (const char *const[]){opt, "-p", spec2, NULL},
		       (const char *const[]){"sh", "-c", s2, NULL});
	g1 = http_get(p1, "first-one", 8000);
	g2 = http_get(p2, "second-one", 8000);
	ck_assert_msg(g1 && g2, "%s: port %d served %s, port %d served %s", helpers[_i], p1,
		      g1 ? "the first" : "nothing", p2, g2 ? "the second" : "nothing");
	ck_assert_int_eq(count_helpers(NULL), 2);
	free(n1), free(n2), free(opt), free(s1), free(s2), free(spec1), free(spec2), free(g1),
	    free(g2);
}
END_TEST

/* -p HOSTPORT:9000/udp: datagrams sent to the host's 127.0.0.1:HOSTPORT reach the container
 * (its log shows them). The answer is noted, not asserted: pasta 0.0~git20230309 drops
 * replies on a published UDP port (run by hand, without conti-rootless, too), slirp4netns
 * 1.2.0 those to a 127.0.0.1 client (a client on the host's own address gets them). */
START_TEST(test_inbound_udp)
{
	char *name = new_name(), *opt = net_opt(_i, false), *got = NULL;
	int hp = free_port(SOCK_DGRAM);
	char *spec = h_strf("%d:9000/udp", hp);
	long long deadline = h_mono_ms() + 8000;
	bool arrived = false;
	struct h_result r;

	h_run_detached(name, (const char *const[]){opt, "-p", spec, NULL},
		       (const char *const[]){"/netprobe", "udp-echo", "9000", NULL});
	while (!arrived && h_mono_ms() < deadline) {
		free(got);
		got = udp_ask(hp, "hello-udp", 300);
		CONTI(&r, "logs", name);
		arrived = strstr(r.out, "udp:got:hello-udp\n") != NULL;
		h_result_free(&r);
	}
	ck_assert_msg(arrived, "%s: no datagram sent to udp 127.0.0.1:%d reached the container",
		      helpers[_i], hp);
	if (!got || strcmp(got, "echo:hello-udp"))
		fprintf(stderr,
			"note: %s: the container's UDP answer did not come back to the host (%s)\n",
			helpers[_i], got ? got : "nothing");
	free(got), free(name), free(opt), free(spec);
}
END_TEST

/* A host port already taken (a listener on 0.0.0.0, as another program's): one line naming
 * it, exit 125, no container, no helper process left. (Before: -p was an unknown option:
 * 125, but the line does not name the port.) */
/* A second shell without XDG_RUNTIME_DIR finds the container the first started: port shows
 * its published port, rm -f removes it, and its helper goes with it. */
START_TEST(test_second_shell_no_xdg)
{
	char *name = new_name(), *opt = net_opt(_i, false), *script = httpd_script(8000, "xdg");
	int hp = free_port(SOCK_STREAM);
	char *spec = h_strf("%d:8000", hp), *want = h_strf("0.0.0.0:%d", hp);
	char *xdg = strdup(getenv("XDG_RUNTIME_DIR"));
	struct h_result r;

	h_run_detached(name, (const char *const[]){opt, "-p", spec, NULL},
		       (const char *const[]){"sh", "-c", script, NULL});
	ck_assert_int_eq(wait_helpers(1, 2000), 1);
	unsetenv("XDG_RUNTIME_DIR");
	CONTI(&r, "port", name, "8000");
	h_assert_status(&r, 0, "port from a shell without XDG_RUNTIME_DIR");
	ck_assert_msg(strstr(r.out, want), "port says '%s', not %s", r.out, want);
	h_result_free(&r);
	CONTI(&r, "rm", "-f", name);
	h_assert_status(&r, 0, "rm -f from a shell without XDG_RUNTIME_DIR");
	h_result_free(&r);
	setenv("XDG_RUNTIME_DIR", xdg, 1);
	h_assert_no_containers_left();
	assert_no_helper(2000, "rm -f from a second shell");
	free(name), free(opt), free(script), free(spec), free(want), free(xdg);
}
END_TEST

START_TEST(test_port_taken)
{
	int hp = tcp_server("0.0.0.0", 0, "taken");
	char *opt = net_opt(_i, false), *spec = h_strf("%d:8000", hp), *want = h_strf("%d/tcp", hp);
	char *name = new_name(), *line;
	struct h_result r;

	CONTI(&r, "run", "--rm", "--name", name, opt, "-p", spec, H.rootfs, "true");
	h_assert_status(&r, 125, "run -p on a taken port");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, want) && strstr(line, "already in use"),
		      "the error line does not say %s is already in use: %s", want, line);
	h_result_free(&r);
	h_assert_no_containers_left();
	assert_no_helper(2000, "the refused run");
	free(opt), free(spec), free(want), free(name), free(line);
}
END_TEST

/* -p without --net gives the container a private network (a port is published from a
 * network of its own): served, through pasta. (Before: -p was an unknown option.) */
START_TEST(test_publish_implies_private)
{
	char *name = new_name(), *script = httpd_script(8000, "implied-private"), *got, *c;
	int hp = free_port(SOCK_STREAM);
	char *spec = h_strf("%d:8000", hp);
	pid_t helper;

	h_run_detached(name, (const char *const[]){"-p", spec, NULL},
		       (const char *const[]){"sh", "-c", script, NULL});
	got = http_get(hp, "implied-private", 8000);
	ck_assert_msg(got, "-p without --net: 127.0.0.1:%d did not serve the container's page", hp);
	ck_assert_int_eq(count_helpers(&helper), 1);
	c = comm_of(helper);
	ck_assert_msg(!strncmp(c, "pas", 3), "-p without --net runs %s, not pasta", c);
	free(got), free(name), free(script), free(spec), free(c);
}
END_TEST

/* -p with an explicit --net host or none: one error line, 125, nothing made. (Before: -p
 * was an unknown option: 125, but the line names neither -p's network nor --net.) */
START_TEST(test_publish_host_refused)
{
	const char *nets[] = {"--net=host", "--net=none"};
	struct h_result r;
	char *line;

	CONTI(&r, "run", "--rm", nets[_i], "-p", "18080:80", H.rootfs, "true");
	h_assert_status(&r, 125, "run -p with --net host/none");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "--net") && !strstr(line, "unknown option"),
		      "%s -p: the line does not say -p needs a network of its own: %s", nets[_i],
		      line);
	h_result_free(&r);
	h_assert_no_containers_left();
	free(line);
}
END_TEST

/* ---- isolation ---- */

/* Without allow_host_loopback: the host's 127.0.0.1 server is not reachable at the
 * helper's host-loopback address nor at 127.0.0.1, while the network is up (a default
 * route). (Before: no default route.) */
START_TEST(test_isolation_host_loopback)
{
	int port = tcp_server("127.0.0.1", 0, "host-secret");
	char *lo = loopback_address(_i), *opt = net_opt(_i, false);
	char *script = h_strf("ip route | grep -q '^default' && echo route-up; "
			      "/netprobe tcp %s %d; /netprobe tcp 127.0.0.1 %d; true",
			      lo, port, port);
	struct h_result r;

	run_sh(&r, opt, script);
	h_assert_status(&r, 0, "the probes");
	ck_assert_msg(strstr(r.out, "route-up\n"), "%s: no default route inside: %s", helpers[_i],
		      r.out);
	ck_assert_msg(!strstr(r.out, "host-secret") && h_count_lines(r.out) == 3,
		      "%s: the host's loopback server was reachable: %s", helpers[_i], r.out);
	h_result_free(&r);
	free(lo), free(opt), free(script);
}
END_TEST

/* A host abstract unix socket is not reachable from a private network (the probe works: it
 * reaches one of the container's own; the network is up: a default route). (Before: no
 * default route.) */
START_TEST(test_isolation_abstract_socket)
{
	char *sname = h_strf("conti-net-test-%d", (int)getpid()), *opt = net_opt(_i, false);
	char *script = h_strf("ip route | grep -q '^default' && echo route-up; "
			      "/netprobe abstract-self %s-own; /netprobe abstract %s; true",
			      sname, sname);
	char *want = h_strf("route-up\nabstract-self:ok\n");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct h_result r;

	memcpy(sa.sun_path + 1, sname, strlen(sname));
	ck_assert_int_eq(
	    bind(fd, (struct sockaddr *)&sa,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sname))),
	    0);
	ck_assert_int_eq(listen(fd, 8), 0);
	run_sh(&r, opt, script);
	ck_assert_msg(!strncmp(r.out, want, strlen(want)) && strstr(r.out, "\nabstract:") &&
			  !strstr(r.out, "abstract:ok"),
		      "%s: want route-up, abstract-self:ok and the host's socket refused, got '%s' "
		      "(err '%s')",
		      helpers[_i], r.out, r.err);
	h_result_free(&r);
	close(fd);
	free(sname), free(opt), free(script), free(want);
}
END_TEST

/* A container serving on 8000 (published) and 8001 (not): the host reaches 8000 through the
 * published port, and nothing on 127.0.0.1:8001. */
START_TEST(test_isolation_unpublished)
{
	char *name = new_name(), *opt = net_opt(_i, false);
	char *a = httpd_script(8000, "published"), *b = httpd_script(8001, "unpublished");
	char *script = h_strf("(%s) & %s", b, a), *got;
	int hp = free_port(SOCK_STREAM), err = 0, c;
	char *spec = h_strf("%d:8000", hp);

	c = free_port(SOCK_STREAM); /* 8001 must be free on the host for the check to mean it */
	(void)c;
	h_run_detached(name, (const char *const[]){opt, "-p", spec, NULL},
		       (const char *const[]){"sh", "-c", script, NULL});
	got = http_get(hp, "published", 8000);
	ck_assert_msg(got, "%s: the published port did not serve", helpers[_i]);
	free(got);
	got = http_get_once(8001, &err);
	ck_assert_msg(!got || !strstr(got, "unpublished"),
		      "%s: the unpublished port 8001 was reachable from the host", helpers[_i]);
	free(got), free(name), free(opt), free(a), free(b), free(script), free(spec);
}
END_TEST

/* ---- ping ---- */

/* ping of 127.0.0.1 and of the helper's host-loopback address through an unprivileged ICMP
 * socket (iputils' ping; busybox 1.35's ping only opens raw ones, which need CAP_NET_RAW,
 * dropped as podman does), as root and as uid 1000: ping_group_range in the container's own
 * network. (Before: ping:socket:EACCES, ping_group_range "1 0".) */
/* True when the host lets our group open ICMP sockets (pasta answers a container's ping
 * through them; tests/run-all opens ping_group_range in the suite's namespace). */
static bool host_ping_allowed(void)
{
	char *t = h_read_file("/proc/sys/net/ipv4/ping_group_range");
	unsigned long lo = 1, hi = 0;

	if (t)
		sscanf(t, "%lu %lu", &lo, &hi);
	free(t);
	return lo <= getgid() && getgid() <= hi;
}

START_TEST(test_ping)
{
	int helper = _i % 2;
	bool as_user = _i >= 2, gw = helper == SLIRP || host_ping_allowed();
	char *lo = loopback_address(helper), *opt = net_opt(helper, true);
	char *script = gw ? h_strf("/netprobe ping 127.0.0.1; /netprobe ping %s; true", lo)
			  : h_strf("/netprobe ping 127.0.0.1; true");
	const struct h_opts o = {.timeout_ms = 20000};
	struct h_result r;

	if (!gw)
		h_skip("the host's ping_group_range leaves out our group: pasta cannot answer a "
		       "ping of the gateway (tests/run-all opens it in the suite's namespace); "
		       "only 127.0.0.1 is pinged");
	if (as_user)
		h_conti(&r, &o, "run", "--rm", "-u", "1000", opt, H.rootfs, "sh", "-c", script,
			NULL);
	else
		run_sh(&r, opt, script);
	ck_assert_msg(!strcmp(r.out, gw ? "ping:ok\nping:ok\n" : "ping:ok\n"),
		      "%s as %s: ping 127.0.0.1 and %s: '%s' (err '%s')", helpers[helper],
		      as_user ? "1000" : "root", lo, r.out, r.err);
	h_result_free(&r);
	free(lo), free(opt), free(script);
}
END_TEST

/* ---- exec ---- */

/* exec joins the container's network: the same namespace as the container's sleep, the default
 * route and the host's loopback server through the helper. */
START_TEST(test_exec_joins)
{
	int port = tcp_server("127.0.0.1", 0, "exec-reached");
	char *name = new_name(), *opt = net_opt(_i, true), *lo = loopback_address(_i);
	char *mark = h_new_mark('7', runner), *probe = h_strf("%d", port);
	struct h_result r;

	h_run_detached(name, (const char *const[]){opt, NULL},
		       (const char *const[]){"sleep", mark, NULL});
	CONTI(&r, "exec", name, "sh", "-c",
	      "[ \"$(readlink /proc/$(pidof sleep)/ns/net)\" = \"$(readlink /proc/self/ns/net)\" ] "
	      "&& "
	      "echo same; "
	      "ip route | grep -q '^default' && echo route-up; true");
	ck_assert_msg(!strcmp(r.out, "same\nroute-up\n"), "%s: exec saw '%s' (err '%s')",
		      helpers[_i], r.out, r.err);
	h_result_free(&r);
	CONTI(&r, "exec", name, "/netprobe", "tcp", lo, probe);
	ck_assert_msg(!strcmp(r.out, "tcp:ok:exec-reached\n"), "%s: exec probe: '%s' (err '%s')",
		      helpers[_i], r.out, r.err);
	h_result_free(&r);
	free(name), free(opt), free(lo), free(mark), free(probe);
}
END_TEST

/* ---- lifecycle: no helper left after every way a container ends ---- */

/* run -d: one helper while it runs, none after rm -f. */
START_TEST(test_life_rm)
{
	char *name = new_name(), *opt = net_opt(_i, false), *mark = h_new_mark('7', runner), *c;
	struct h_result r;
	pid_t helper;

	h_run_detached(name, (const char *const[]){opt, NULL},
		       (const char *const[]){"sleep", mark, NULL});
	ck_assert_msg(wait_helpers(1, 2000) == 1, "%s: %d helpers while the container runs",
		      helpers[_i], count_helpers(NULL));
	count_helpers(&helper);
	c = comm_of(helper);
	ck_assert_msg(!strncmp(c, _i == SLIRP ? "slirp4netns" : "pas", 3), "--net %s runs %s",
		      helpers[_i], c);
	CONTI(&r, "rm", "-f", name);
	h_assert_status(&r, 0, "rm -f");
	h_result_free(&r);
	assert_no_helper(2000, "rm -f");
	h_assert_no_containers_left();
	free(name), free(opt), free(mark), free(c);
}
END_TEST

/* --net private picks pasta (installed here) and its helper too ends with the container. */
START_TEST(test_life_private_picks_pasta)
{
	char *name = new_name(), *mark = h_new_mark('7', runner), *c;
	struct h_result r;
	pid_t helper;

	h_run_detached(name, (const char *const[]){"--net=private", NULL},
		       (const char *const[]){"sleep", mark, NULL});
	ck_assert_int_eq(wait_helpers(1, 2000), 1);
	count_helpers(&helper);
	c = comm_of(helper);
	ck_assert_msg(!strncmp(c, "pas", 3), "--net private runs %s, not pasta", c);
	CONTI(&r, "rm", "-f", name);
	h_assert_status(&r, 0, "rm -f");
	h_result_free(&r);
	assert_no_helper(2000, "rm -f");
	free(name), free(mark), free(c);
}
END_TEST

/* The command exits (foreground and detached): its status, no helper left. */
START_TEST(test_life_command_exits)
{
	char *opt = net_opt(_i, false), *name = new_name();
	struct h_result r;

	/* exit 3 only where the network is up: the helper did run */
	run_sh(&r, opt, "ip route | grep -q '^default' && exit 3; exit 1");
	h_assert_status(&r, 3, "run --rm with the network up");
	h_result_free(&r);
	assert_no_helper(2000, "the command's exit (foreground)");
	h_run_detached(
	    name, (const char *const[]){opt, NULL},
	    (const char *const[]){"sh", "-c", "ip route | grep -q '^default' && sleep 1", NULL});
	ck_assert_msg(wait_helpers(1, 1000) == 1, "%s: no helper for the detached container",
		      helpers[_i]);
	assert_no_helper(6000, "the detached command's exit");
	/* the helper is stopped before the exit is recorded: rm once ps -a says Exited (right
	 * after the helper's end, rm has been seen to say "created and waits for start") */
	{
		long long deadline = h_mono_ms() + 5000;
		bool exited = false;

		while (!exited && h_mono_ms() < deadline) {
			CONTI(&r, "ps", "-a", "--format", "{{.Names}} {{.Status}}");
			{
				char *want = h_strf("%s Exited", name);

				exited = strstr(r.out, want) != NULL;
				free(want);
			}
			h_result_free(&r);
			if (!exited)
				sleep_ms(50);
		}
		ck_assert_msg(exited, "%s: the detached container is not shown exited",
			      helpers[_i]);
	}
	CONTI(&r, "rm", name);
	h_assert_status(&r, 0, "rm of the exited container");
	h_result_free(&r);
	free(opt), free(name);
}
END_TEST

/* SIGKILL of the foreground front end, and of a detached container's monitor (the helper's
 * parent): the helper ends with it; rm -f then leaves nothing. */
START_TEST(test_life_kill_runner)
{
	int helper_kind = _i % 2;
	bool detached = _i >= 2;
	char *name = new_name(), *opt = net_opt(helper_kind, false),
	     *mark = h_new_mark('7', runner);
	char *script = h_strf("echo ready; exec sleep %s", mark);
	struct h_result r;
	pid_t helper, parent;

	if (detached) {
		h_run_detached(name, (const char *const[]){opt, NULL},
			       (const char *const[]){"sh", "-c", script, NULL});
	} else {
		const char *argv[] = {h_conti_bin(), "run", "--name", name,   opt,
				      H.rootfs,	     "sh",  "-c",     script, NULL};
		struct h_proc p;

		h_spawn(&p, (char *const *)argv, NULL);
		ck_assert_msg(h_wait_output(&p, "ready", 10000),
			      "%s: the container did not start: %s", helpers[helper_kind],
			      p.ebuf.s ? p.ebuf.s : "");
		ck_assert_int_eq(wait_helpers(1, 2000), 1);
		count_helpers(&helper);
		ck_assert_int_eq(parent_of(helper), p.pid);
		kill(p.pid, SIGKILL);
		h_finish(&p, &r, 10000);
		h_result_free(&r);
	}
	if (detached) {
		ck_assert_int_eq(wait_helpers(1, 2000), 1);
		count_helpers(&helper);
		parent = parent_of(helper);
		ck_assert_msg(parent > 1 && h_proc_mentions(parent, name),
			      "the helper's parent %d is not the container's monitor", (int)parent);
		kill(parent, SIGKILL);
	}
	assert_no_helper(2000, detached ? "kill -9 of the monitor" : "kill -9 of the front end");
	CONTI(&r, "rm", "-f", name);
	h_assert_status(&r, 0, "rm -f after the kill");
	h_result_free(&r);
	h_assert_no_containers_left();
	h_assert_no_procs(mark, 2000);
	free(name), free(opt), free(mark), free(script);
}
END_TEST

/* SIGKILL of run, run -d and run --rm at random moments of the start (both helpers): after
 * one more command and rm -f of what ps -a lists, no helper and no container is left. */
START_TEST(test_life_kill_loop)
{
	const char *iters = getenv("CONTI_TEST_ITERATIONS");
	int n = iters && atoi(iters) > 0 ? atoi(iters) : 24, with_helper = 0;
	struct h_result r;

	srand((unsigned)getpid());
	for (int i = 0; i < n; i++) {
		char *name = h_strf("netk%d-%d-%d", (int)runner, (int)getpid(), i);
		char *opt = net_opt(i % 2, false);
		const char *mode = (const char *[]){"--rm", "-d", "--hostname=netk"}[(i / 2) % 3];
		const char *argv[] = {h_conti_bin(), "run",    "--name", name, opt,
				      mode,	     H.rootfs, "sleep",	 "1",  NULL};
		struct h_proc p;

		h_keep_name(name);
		h_spawn(&p, (char *const *)argv, NULL);
		/* 0 to 400 ms: the launcher's fork, the helper's start and its wait included */
		sleep_ms(rand() % 400);
		with_helper += count_helpers(NULL) > 0;
		kill(p.pid, SIGKILL);
		h_finish(&p, &r, 5000);
		h_result_free(&r);
		free(opt);
		free(name);
	}
	/* a detached container's monitor outlives its killed front end: its sleep 1 ends */
	sleep_ms(1500);
	CONTI(&r, "run", "--rm", H.rootfs, "true");
	h_assert_status(&r, 0, "run --rm after the kills");
	h_result_free(&r);
	h_remove_names();
	assert_no_helper(3000, "the kill loop and rm -f of its containers");
	h_assert_no_containers_left();
	/* the loop did kill while helpers ran (most kills come after the helper's start) */
	ck_assert_msg(with_helper >= n / 4, "only %d of %d kills came while a helper ran",
		      with_helper, n);
}
END_TEST

/* ---- errors and check ---- */

/* No helper installed (a PATH without pasta and slirp4netns): one line naming the Debian
 * packages, 125, nothing left. (Before: the container ran, with loopback only.) */
START_TEST(test_helper_missing)
{
	char *bin = h_strf("%s/bin", H.base), *path = h_strf("PATH=%s", bin);
	const char *dirs[] = {"/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"};
	const char *env[] = {path, NULL};
	const struct h_opts o = {.env = env};
	struct h_result r;
	char *line;

	ck_assert_int_eq(mkdir(bin, 0755), 0);
	for (int i = 0; i < N(dirs); i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char *src, *dst;

			if (de->d_name[0] == '.' || !strncmp(de->d_name, "pasta", 5) ||
			    !strncmp(de->d_name, "passt", 5) ||
			    !strncmp(de->d_name, "slirp4netns", 11))
				continue;
			src = h_strf("%s/%s", dirs[i], de->d_name);
			dst = h_strf("%s/%s", bin, de->d_name);
			if (symlink(src, dst) < 0 && errno != EEXIST)
				ck_abort_msg("symlink %s: %s", dst, strerror(errno));
			free(src), free(dst);
		}
		if (d)
			closedir(d);
	}
	h_conti(&r, &o, "run", "--rm", "--net=private", H.rootfs, "true", NULL);
	h_assert_status(&r, 125, "run --net private without a helper");
	line = h_error_line(&r);
	ck_assert_msg(strstr(line, "passt") && strstr(line, "slirp4netns"),
		      "the line does not name the packages passt and slirp4netns: %s", line);
	h_result_free(&r);
	h_assert_no_containers_left();
	free(line);
	h_conti(&r, &o, "run", "--rm", "--net=slirp4netns", H.rootfs, "true", NULL);
	h_assert_status(&r, 125, "run --net slirp4netns without it");
	free(h_error_line(&r));
	h_result_free(&r);
	h_assert_no_containers_left();
	free(bin), free(path);
}
END_TEST

/* `check` names /dev/net/tun and the helpers (pasta installed here, with its version). */
START_TEST(test_check_reports)
{
	struct h_result r;

	CONTI(&r, "check");
	ck_assert_msg(strstr(r.out, "/dev/net/tun") && strstr(r.out, "pasta") &&
			  strstr(r.out, "slirp4netns"),
		      "check does not report tun and the helpers:\n%s%s", r.out, r.err);
	h_result_free(&r);
}
END_TEST

static Suite *net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc;

	tc = net_tcase("outbound", 60);
	tcase_add_loop_test(tc, test_outbound_host_loopback, 0, 2);
	suite_add_tcase(s, tc);
	tc = net_tcase("dns", 60);
	tcase_add_loop_test(tc, test_dns_forwarder, 0, 2);
	tcase_add_loop_test(tc, test_dns_resolv_conf, 0, 2);
	suite_add_tcase(s, tc);
	tc = net_tcase("inbound", 60);
	tcase_add_loop_test(tc, test_inbound_httpd, 0, 2);
	tcase_add_loop_test(tc, test_inbound_two_same_port, 0, 2);
	tcase_add_loop_test(tc, test_inbound_udp, 0, 2);
	tcase_add_loop_test(tc, test_port_taken, 0, 2);
	tcase_add_loop_test(tc, test_second_shell_no_xdg, 0, 2);
	tcase_add_test(tc, test_publish_implies_private);
	tcase_add_loop_test(tc, test_publish_host_refused, 0, 2);
	suite_add_tcase(s, tc);
	tc = net_tcase("isolation", 60);
	tcase_add_loop_test(tc, test_isolation_host_loopback, 0, 2);
	tcase_add_loop_test(tc, test_isolation_abstract_socket, 0, 2);
	tcase_add_loop_test(tc, test_isolation_unpublished, 0, 2);
	suite_add_tcase(s, tc);
	tc = net_tcase("ping", 60);
	tcase_add_loop_test(tc, test_ping, 0, 4);
	suite_add_tcase(s, tc);
	tc = net_tcase("exec", 60);
	tcase_add_loop_test(tc, test_exec_joins, 0, 2);
	suite_add_tcase(s, tc);
	tc = net_tcase("lifecycle", 60);
	tcase_add_loop_test(tc, test_life_rm, 0, 2);
	tcase_add_test(tc, test_life_private_picks_pasta);
	tcase_add_loop_test(tc, test_life_command_exits, 0, 2);
	tcase_add_loop_test(tc, test_life_kill_runner, 0, 4);
	suite_add_tcase(s, tc);
	tc = net_tcase("killloop", 90);
	tcase_add_test(tc, test_life_kill_loop);
	suite_add_tcase(s, tc);
	tc = net_tcase("errors", 60);
	tcase_add_test(tc, test_helper_missing);
	tcase_add_test(tc, test_check_reports);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *probe = getenv("CONTI_NETPROBE");
	SRunner *sr;
	int failed;

	runner = getpid();
	if (!probe || access(probe, X_OK) < 0) {
		fprintf(stderr,
			"CONTI_NETPROBE (the static netprobe) is not set or not executable\n");
		return 1;
	}
	sr = srunner_create(net_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (shared_dir) {
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", shared_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", shared_dir);
	}
	return failed ? 1 : 0;
}
