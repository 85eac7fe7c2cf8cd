/* echo.c - the request/response test of tests/bench/net-bench: a TCP echo server and a client
 * that times N round trips of one small message each.
 *
 *   bench-echo serve PORT            echoes every connection (one process each), forever
 *   bench-echo rr ADDR PORT N [SIZE] N round trips of SIZE bytes (64), after one untimed;
 *                                    prints "n=N min_us= median_us= p99_us= mean_us="
 *
 * Static (it runs in the benchmark's minimal rootfs); IPv4 numeric addresses only. The client
 * retries its connection (and the first echo) for 10 s: a published port may accept before
 * the container's server listens (pasta and rootlessport do), then drop the connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int full_write(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static int full_read(int fd, char *buf, size_t n)
{
	while (n) {
		ssize_t r = read(fd, buf, n);

		if (r <= 0)
			return -1;
		buf += r;
		n -= (size_t)r;
	}
	return 0;
}

static int serve(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	signal(SIGCHLD, SIG_IGN);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 64) < 0) {
		perror("bench-echo: listen");
		return 1;
	}
	for (;;) {
		int c = accept(s, NULL, NULL);
		char buf[65536];
		ssize_t n;

		if (c < 0)
			continue;
		if (fork() == 0) {
			close(s);
			setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			while ((n = read(c, buf, sizeof(buf))) > 0)
				if (full_write(c, buf, (size_t)n) < 0)
					break;
			_exit(0);
		}
		close(c);
	}
}

/* A connection that has echoed one message, or -1 after 10 s of tries. */
static int connect_echoing(const char *addr, int port, char *msg, size_t size)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	double give_up = now_us() + 10e6;
	int one = 1;

	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		fprintf(stderr, "bench-echo: not an IPv4 address: %s\n", addr);
		return -1;
	}
	while (now_us() < give_up) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		struct timeval tv = {2, 0};

		if (s < 0)
			return -1;
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		    full_write(s, msg, size) == 0 && full_read(s, msg, size) == 0)
			return s;
		close(s);
		usleep(100000);
	}
	fprintf(stderr, "bench-echo: no echo from %s:%d in 10 s\n", addr, port);
	return -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int round_trips(const char *addr, int port, long n, size_t size)
{
	char *msg = calloc(1, size);
	double *t = calloc((size_t)n, sizeof(double)), sum = 0;
	int s;

	if (!msg || !t)
		return 1;
	s = connect_echoing(addr, port, msg, size);
	if (s < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		double t0 = now_us();

		msg[0] = (char)i;
		if (full_write(s, msg, size) < 0 || full_read(s, msg, size) < 0) {
			fprintf(stderr, "bench-echo: connection lost after %ld round trips\n", i);
			return 1;
		}
		t[i] = now_us() - t0;
		sum += t[i];
	}
	qsort(t, (size_t)n, sizeof(double), cmp_double);
	printf("n=%ld min_us=%.1f median_us=%.1f p99_us=%.1f mean_us=%.1f\n", n, t[0], t[n / 2],
	       t[(size_t)((double)n * 0.99)], sum / (double)n);
	close(s);
	free(t);
	free(msg);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "serve"))
		return serve(atoi(argv[2]));
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "rr") && atol(argv[4]) > 0) {
		long size = argc == 6 ? atol(argv[5]) : 64;

		if (size < 1 || size > 65536)
			size = 64;
		return round_trips(argv[2], atoi(argv[3]), atol(argv[4]), (size_t)size);
	}
	fprintf(stderr, "usage: bench-echo serve PORT | bench-echo rr ADDR PORT N [SIZE]\n");
	return 2;
}
