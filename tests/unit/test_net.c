/* Unit tests: the network helpers' command lines (net/pasta.c, net/slirp4netns.c), the choice
 * of helper, the tun check and the recorded helper's kill (net/net.c). */
#include "unit.h"
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keeper.h"
#include "net/helper.h"
#include "net/net.h"
#include "utils.h"

/* The index of s in argv, or -1. */
static int find(const struct cr_strv *argv, const char *s)
{
	for (size_t i = 0; i < argv->n; i++)
		if (!strcmp(argv->v[i], s))
			return (int)i;
	return -1;
}

/* The value after option opt, or NULL. */
static const char *after(const struct cr_strv *argv, const char *opt)
{
	int i = find(argv, opt);

	return i >= 0 && (size_t)i + 1 < argv->n ? argv->v[i + 1] : NULL;
}

/* pasta: foreground, only published ports, never the container's loopback to the host's,
 * the namespaces as given, DNS forwarded from the address resolv.conf names. */
START_TEST(pasta_args_isolate)
{
	struct cr_net_args a = {.path = "/usr/bin/pasta",
				.userns = "/proc/self/fd/4",
				.netns = "/proc/self/fd/5",
				.exit_fd = -1,
				.ready_fd = -1};
	struct cr_strv argv = {0};

	pasta_argv(&a, &argv);
	ck_assert_str_eq(argv.v[0], "/usr/bin/pasta");
	ck_assert_ptr_null(argv.v[argv.n]);
	ck_assert_int_ge(find(&argv, "-f"), 1);
	ck_assert_int_ge(find(&argv, "--config-net"), 1);
	ck_assert_str_eq(after(&argv, "-t"), "none");
	ck_assert_str_eq(after(&argv, "-u"), "none");
	ck_assert_str_eq(after(&argv, "-T"), "none");
	ck_assert_str_eq(after(&argv, "-U"), "none");
	ck_assert_str_eq(after(&argv, "--dns-forward"), CR_PASTA_DNS);
	ck_assert_str_eq(after(&argv, "--netns"), "/proc/self/fd/5");
	ck_assert_str_eq(after(&argv, "--userns"), "/proc/self/fd/4");
	ck_assert_int_ge(find(&argv, "--no-map-gw"), 1);
	strv_free(&argv);
	a.host_loopback = true;
	pasta_argv(&a, &argv);
	ck_assert_int_eq(find(&argv, "--no-map-gw"), -1);
	strv_free(&argv);
}
END_TEST

/* pasta forwards the published ports by its own options, of their protocol only. */
START_TEST(pasta_args_ports)
{
	struct cr_port p[2] = {
	    {.host_port = 18080, .ctr_port = 80, .count = 1, .proto = CR_PROTO_TCP},
	    {.host_ip = "127.0.0.1",
	     .host_port = 5353,
	     .ctr_port = 53,
	     .count = 1,
	     .proto = CR_PROTO_UDP},
	};
	struct cr_net_args a = {.path = "pasta",
				.userns = "/proc/self/fd/4",
				.netns = "/proc/self/fd/5",
				.exit_fd = -1,
				.ready_fd = -1,
				.ports = p,
				.nports = 1};
	struct cr_strv argv = {0};

	pasta_argv(&a, &argv);
	ck_assert_str_eq(after(&argv, "-t"), "18080:80");
	ck_assert_str_eq(after(&argv, "-u"), "none");
	ck_assert_str_eq(after(&argv, "-T"), "none");
	strv_free(&argv);
	a.nports = 2;
	pasta_argv(&a, &argv);
	ck_assert_str_eq(after(&argv, "-u"), "127.0.0.1/5353:53");
	strv_free(&argv);
}
END_TEST

/* slirp4netns: sandboxed, its pipes and socket, host loopback off unless allowed, the user
 * namespace only when one is given (the keeper's is its own). */
START_TEST(slirp_args)
{
	struct cr_net_args a = {.path = "/usr/bin/slirp4netns",
				.userns = "/proc/self/fd/4",
				.netns = "/proc/self/fd/5",
				.exit_fd = 6,
				.ready_fd = 7,
				.api_socket = "/proc/self/fd/8/api.sock"};
	struct cr_strv argv = {0};

	slirp4netns_argv(&a, &argv);
	ck_assert_str_eq(argv.v[0], "/usr/bin/slirp4netns");
	ck_assert_str_eq(argv.v[argv.n - 1], "tap0");
	ck_assert_str_eq(argv.v[argv.n - 2], "/proc/self/fd/5");
	ck_assert_str_eq(argv.v[argv.n - 3], "--netns-type=path");
	ck_assert_int_ge(find(&argv, "--configure"), 1);
	ck_assert_int_ge(find(&argv, "--mtu=65520"), 1);
	ck_assert_int_ge(find(&argv, "--enable-sandbox"), 1);
	ck_assert_int_ge(find(&argv, "--enable-seccomp"), 1);
	ck_assert_int_ge(find(&argv, "--disable-host-loopback"), 1);
	ck_assert_int_ge(find(&argv, "--exit-fd=6"), 1);
	ck_assert_int_ge(find(&argv, "--ready-fd=7"), 1);
	ck_assert_int_ge(find(&argv, "--api-socket=/proc/self/fd/8/api.sock"), 1);
	ck_assert_int_ge(find(&argv, "--userns-path=/proc/self/fd/4"), 1);
	strv_free(&argv);
	a.host_loopback = true;
	a.userns = NULL;
	a.api_socket = NULL;
	a.exit_fd = a.ready_fd = -1;
	slirp4netns_argv(&a, &argv);
	ck_assert_int_eq(find(&argv, "--disable-host-loopback"), -1);
	for (size_t i = 0; i < argv.n; i++) {
		ck_assert(strncmp(argv.v[i], "--userns-path", 13));
		ck_assert(strncmp(argv.v[i], "--api-socket", 12));
		ck_assert(strncmp(argv.v[i], "--exit-fd", 9));
	}
	strv_free(&argv);
}
END_TEST

/* A directory with executables named as given, for PATH. */
static char *fake_path(const char *const *names, size_t n)
{
	char *dir = cr_xstrdup("/tmp/cr-net-XXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *p = cr_xasprintf("%s/%s", dir, names[i]);
		int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0755);

		ck_assert_int_ge(fd, 0);
		close(fd);
	}
	return dir;
}

static void drop_path(char *dir, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *p = cr_xasprintf("%s/%s", dir, names[i]);

		unlink(p);
	}
	rmdir(dir);
	free(dir);
}

/* auto prefers pasta, takes slirp4netns without it; an explicit one is only that one; none:
 * one error naming the packages. */
START_TEST(choose_helper)
{
	static const char *const both[] = {"pasta", "slirp4netns"};
	static const char *const slirp[] = {"slirp4netns"};
	enum cr_net_helper kind;
	char path[256];
	struct cr_error err = {0};
	char *dir = fake_path(both, 2);

	setenv("PATH", dir, 1);
	ck_assert_int_eq(net_choose_helper(CR_NETH_AUTO, &kind, path, sizeof(path), &err), 0);
	ck_assert_int_eq(kind, CR_NETH_PASTA);
	ck_assert(strstr(path, "/pasta"));
	ck_assert_int_eq(net_choose_helper(CR_NETH_SLIRP4NETNS, &kind, path, sizeof(path), &err),
			 0);
	ck_assert_int_eq(kind, CR_NETH_SLIRP4NETNS);
	drop_path(dir, both, 2);
	dir = fake_path(slirp, 1);
	setenv("PATH", dir, 1);
	ck_assert_int_eq(net_choose_helper(CR_NETH_AUTO, &kind, path, sizeof(path), &err), 0);
	ck_assert_int_eq(kind, CR_NETH_SLIRP4NETNS);
	ck_assert_int_eq(net_choose_helper(CR_NETH_PASTA, &kind, path, sizeof(path), &err), -1);
	ck_assert(strstr(err.msg, "pasta is not installed"));
	ck_assert(strstr(err.hint, "passt"));
	drop_path(dir, slirp, 1);
	dir = fake_path(NULL, 0);
	setenv("PATH", dir, 1);
	ck_assert_int_eq(net_choose_helper(CR_NETH_AUTO, &kind, path, sizeof(path), &err), -1);
	ck_assert(strstr(err.msg, "neither is installed"));
	ck_assert(strstr(err.hint, "passt") && strstr(err.hint, "slirp4netns"));
	drop_path(dir, NULL, 0);
}
END_TEST

/* A tun device the user cannot open: the fix is named (chmod 0666, udev); missing: modprobe. */
START_TEST(tun_unusable)
{
	char *dir = fake_path(NULL, 0);
	cleanup_free char *tun = cr_xasprintf("%s/tun", dir);
	struct cr_error err = {0};
	int fd = open(tun, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(net_check_tun(tun, &err), 0);
	if (geteuid() != 0) { /* root opens a 0000 file all the same */
		chmod(tun, 0);
		ck_assert_int_eq(net_check_tun(tun, &err), -1);
		ck_assert(strstr(err.msg, "cannot open"));
		ck_assert(strstr(err.hint, "chmod 0666"));
	}
	unlink(tun);
	ck_assert_int_eq(net_check_tun(tun, &err), -1);
	ck_assert(strstr(err.hint, "modprobe tun"));
	rmdir(dir);
	free(dir);
}
END_TEST

/* Only the process recorded (pid and start time) is killed: a reused pid is left alone. */
START_TEST(kill_recorded_checks_start)
{
	pid_t child = fork();
	unsigned long long start;
	int status;

	if (child == 0) {
		pause();
		_exit(0);
	}
	ck_assert_int_gt(child, 0);
	start = cr_proc_start_time(child);
	ck_assert_uint_gt(start, 0);
	net_kill_recorded(child, start + 1);
	usleep(50 * 1000);
	ck_assert_int_eq(waitpid(child, &status, WNOHANG), 0);
	net_kill_recorded(child, 0);
	usleep(50 * 1000);
	ck_assert_int_eq(waitpid(child, &status, WNOHANG), 0);
	net_kill_recorded(child, start);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}
END_TEST

/* The default route in /proc/PID/net/route and ipv6_route, as pasta's readiness reads it;
 * IPv6's unreachable default on lo is none. */
START_TEST(route_default)
{
	static const char v4[] =
	    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
	    "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
	static const char v4_default[] =
	    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
	    "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
	    "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
	static const char v6_lo[] =
	    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	    "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
	static const char v6_default[] =
	    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	    "fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0\n"
	    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	    "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";

	ck_assert(!net_route_has_default("", false));
	ck_assert(!net_route_has_default(v4, false));
	ck_assert(net_route_has_default(v4_default, false));
	ck_assert(!net_route_has_default(v6_lo, true));
	ck_assert(net_route_has_default(v6_default, true));
	ck_assert(!net_route_has_default("garbage\n\x01\xff 00000000", true));
}
END_TEST

/* A one-shot API server at path: reads the request, checks it, answers reply. */
static pid_t fake_api(const char *path, const char *expect, const char *reply)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(s, 1), 0);
	pid = fork();
	if (pid == 0) {
		char buf[1024] = "";
		int c = accept(s, NULL, NULL);
		ssize_t n = read(c, buf, sizeof(buf) - 1);

		if (n <= 0 || strcmp(buf, expect))
			_exit(1);
		if (reply)
			(void)!write(c, reply, strlen(reply));
		_exit(0);
	}
	close(s);
	return pid;
}

/* The API client: a "return" is success; an "error", silence or no server is one error that
 * quotes slirp4netns's answer, escaped. */
START_TEST(slirp_api_client)
{
	static const char req[] = "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": "
				  "\"tcp\", \"host_port\": 8080, \"guest_port\": 80}}";
	char *dir = fake_path(NULL, 0);
	cleanup_free char *sock = cr_xasprintf("%s/api.sock", dir);
	struct cr_error err = {0};
	int status;
	pid_t pid = fake_api(sock, req, "{\"return\": {\"id\": 1}}");

	ck_assert_int_eq(slirp4netns_api(sock, req, &err), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	unlink(sock);
	pid = fake_api(sock, req, "{\"error\": {\"desc\": \"bad \x1b[31m request\"}}");
	ck_assert_int_eq(slirp4netns_api(sock, req, &err), -1);
	ck_assert(strstr(err.msg, "bad \\x1b[31m request"));
	waitpid(pid, &status, 0);
	unlink(sock);
	pid = fake_api(sock, req, NULL);
	ck_assert_int_eq(slirp4netns_api(sock, req, &err), -1);
	waitpid(pid, &status, 0);
	unlink(sock);
	ck_assert_int_eq(slirp4netns_api(sock, req, &err), -1);
	ck_assert(strstr(err.msg, "connect"));
	rmdir(dir);
	free(dir);
}
END_TEST

/* The nameserver a private network's resolv.conf names is the helper's forwarder. */
START_TEST(dns_address)
{
	ck_assert_str_eq(net_dns_address(CR_NETH_PASTA), "169.254.1.1");
	ck_assert_str_eq(net_dns_address(CR_NETH_SLIRP4NETNS), "10.0.2.3");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, pasta_args_isolate);
	tcase_add_test(tc, pasta_args_ports);
	tcase_add_test(tc, slirp_args);
	tcase_add_test(tc, choose_helper);
	tcase_add_test(tc, tun_unusable);
	tcase_add_test(tc, kill_recorded_checks_start);
	tcase_add_test(tc, dns_address);
	tcase_add_test(tc, route_default);
	tcase_add_test(tc, slirp_api_client);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
