/* netprobe.c - a static probe the `net` suite copies into its busybox rootfs: what busybox
 * cannot do from inside a container (a TCP connect with a timeout that names the errno, a
 * UDP echo server, a connect to an abstract unix socket). Numeric addresses only (no NSS).
 *
 *   netprobe tcp ADDR PORT     prints "tcp:ok:DATA" (what the server sent first) or
 *                              "tcp:ERRNO" (ETIMEDOUT after 2 s)
 *   netprobe udp-echo PORT     answers each datagram on 0.0.0.0:PORT with "echo:DATA" and
 *                              prints "udp:got:DATA"
 *   netprobe abstract NAME     prints "abstract:ok" or "abstract:ERRNO" for @NAME
 *   netprobe ping ADDR         one echo through an unprivileged ICMP socket (what iputils'
 *                              ping does; busybox 1.35's needs a raw one): "ping:ok" or
 *                              "ping:ERRNO" (ETIMEDOUT after 3 s)
 *   netprobe abstract-self NAME  listens on @NAME and connects to it: "abstract-self:ok"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return "ECONNREFUSED";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case ENETUNREACH:
		return "ENETUNREACH";
	case EHOSTUNREACH:
		return "EHOSTUNREACH";
	case ENOENT:
		return "ENOENT";
	case EACCES:
		return "EACCES";
	case EPERM:
		return "EPERM";
	default:
		return strerror(e);
	}
}

static int tcp(const char *addr, const char *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), e = 0;
	socklen_t len = sizeof(e);
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	char buf[256];
	ssize_t n;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return printf("tcp:bad address\n"), 2;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS)
		return printf("tcp:%s\n", errname(errno)), 1;
	if (poll(&p, 1, 2000) != 1)
		return printf("tcp:ETIMEDOUT\n"), 1;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
	if (e)
		return printf("tcp:%s\n", errname(e)), 1;
	p.events = POLLIN;
	n = poll(&p, 1, 2000) == 1 ? read(fd, buf, sizeof(buf) - 1) : 0;
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	printf("tcp:ok:%s\n", buf);
	return 0;
}

static int udp_echo(const char *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return printf("udp:%s\n", errname(errno)), 1;
	printf("udp:ready\n");
	fflush(stdout);
	for (;;) {
		char buf[512] = "echo:";
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n =
		    recvfrom(fd, buf + 5, sizeof(buf) - 6, 0, (struct sockaddr *)&from, &flen);

		if (n < 0)
			continue;
		printf("udp:got:%.*s\n", (int)n, buf + 5);
		fflush(stdout);
		sendto(fd, buf, (size_t)n + 5, 0, (struct sockaddr *)&from, flen);
	}
}

static int ping(const char *addr)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	unsigned char req[16] = {8, 0}, buf[128]; /* echo request; the kernel sets id, sum */
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	struct pollfd p = {.fd = fd, .events = POLLIN};

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return printf("ping:bad address\n"), 2;
	if (fd < 0)
		return printf("ping:socket:%s\n", errname(errno)), 1;
	req[7] = 1; /* sequence 1 */
	memcpy(req + 8, "netprobe", 8);
	if (sendto(fd, req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return printf("ping:%s\n", errname(errno)), 1;
	if (poll(&p, 1, 3000) != 1 || recv(fd, buf, sizeof(buf), 0) < 8)
		return printf("ping:ETIMEDOUT\n"), 1;
	if (buf[0] != 0)
		return printf("ping:type %d\n", buf[0]), 1;
	printf("ping:ok\n");
	return 0;
}

static socklen_t abstract_addr(struct sockaddr_un *sa, const char *name)
{
	size_t n = strlen(name);

	if (n + 1 > sizeof(sa->sun_path))
		n = sizeof(sa->sun_path) - 1;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path + 1, name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static int abstract_self(const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = abstract_addr(&sa, name);
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c = socket(AF_UNIX, SOCK_STREAM, 0);

	if (bind(l, (struct sockaddr *)&sa, len) < 0 || listen(l, 1) < 0 ||
	    connect(c, (struct sockaddr *)&sa, len) < 0)
		return printf("abstract-self:%s\n", errname(errno)), 1;
	printf("abstract-self:ok\n");
	return 0;
}

static int abstract(const char *name)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	size_t n = strlen(name);

	if (n + 1 > sizeof(sa.sun_path))
		return printf("abstract:too long\n"), 2;
	memcpy(sa.sun_path + 1, name, n);
	if (connect(fd, (struct sockaddr *)&sa,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0)
		return printf("abstract:%s\n", errname(errno)), 1;
	printf("abstract:ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "tcp"))
		return tcp(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "udp-echo"))
		return udp_echo(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "ping"))
		return ping(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "abstract-self"))
		return abstract_self(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "abstract"))
		return abstract(argv[2]);
	fprintf(stderr, "usage: netprobe tcp ADDR PORT | udp-echo PORT | abstract NAME\n");
	return 2;
}
