/* net/slirp4netns.c - slirp4netns's command line and its API socket. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "net/helper.h"
#include "utils.h"

static void push_fd_opt(struct cr_strv *argv, const char *opt, int fd)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s=%d", opt, fd);
	strv_push(argv, buf);
}

void slirp4netns_argv(const struct cr_net_args *a, struct cr_strv *argv)
{
	strv_push(argv, a->path);
	strv_push(argv, "--configure");
	strv_push(argv, "--mtu=65520");
	if (!a->host_loopback)
		strv_push(argv, "--disable-host-loopback");
	strv_push(argv, "--enable-sandbox");
	strv_push(argv, "--enable-seccomp");
	if (a->exit_fd >= 0)
		push_fd_opt(argv, "--exit-fd", a->exit_fd);
	if (a->ready_fd >= 0)
		push_fd_opt(argv, "--ready-fd", a->ready_fd);
	if (a->api_socket) {
		cleanup_free char *opt = cr_xasprintf("--api-socket=%s", a->api_socket);

		strv_push(argv, opt);
	}
	cleanup_free char *userns = a->userns ? cr_xasprintf("--userns-path=%s", a->userns) : NULL;

	if (userns)
		strv_push(argv, userns);
	strv_push(argv, "--netns-type=path");
	strv_push(argv, a->netns);
	strv_push(argv, "tap0");
}

int slirp4netns_api(const char *path, const char *request, struct cr_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct pollfd p = {.events = POLLIN};
	char reply[1024], shown[256];
	size_t got = 0;
	ssize_t n;

	if (strlen(path) >= sizeof(sa.sun_path))
		return cr_fail(err, ENAMETOOLONG, "slirp4netns's API socket %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return cr_fail(err, errno, "connect to slirp4netns's API socket");
	if (cr_write_all(s, request, strlen(request)) < 0)
		return cr_fail(err, errno, "write to slirp4netns's API socket");
	shutdown(s, SHUT_WR);
	p.fd = s;
	/* The reply ends where slirp4netns closes the connection; a stuck helper: 5 s. */
	while (got < sizeof(reply) - 1) {
		if (poll(&p, 1, 5000) <= 0)
			return cr_fail(err, ETIMEDOUT, "slirp4netns did not answer %s", request);
		n = read(s, reply + got, sizeof(reply) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	reply[got] = '\0';
	if (strstr(reply, "\"return\"") && !strstr(reply, "\"error\""))
		return 0;
	cr_escape(reply, got, shown, sizeof(shown));
	return cr_fail(err, 0, "slirp4netns refused %s: %s", request, shown);
}
