/* Unit tests: published ports (net/ports.c): the -p grammar, the saved and shown forms, the
 * helpers' options, and the check that a host port is free. */
#include "unit.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "net/ports.h"
#include "utils.h"

/* Parses spec alone; returns the count of entries (-1 on error, message in err). */
static int parse1(const char *spec, struct cr_port **p, struct cr_error *err)
{
	size_t n = 0;

	*p = NULL;
	memset(err, 0, sizeof(*err));
	if (ports_parse(spec, p, &n, err) < 0) {
		free(*p);
		*p = NULL;
		return -1;
	}
	return (int)n;
}

START_TEST(parse_forms)
{
	struct cr_port *p;
	struct cr_error err;

	ck_assert_int_eq(parse1("8080:80", &p, &err), 1);
	ck_assert_str_eq(p[0].host_ip, "");
	ck_assert_uint_eq(p[0].host_port, 8080);
	ck_assert_uint_eq(p[0].ctr_port, 80);
	ck_assert_uint_eq(p[0].count, 1);
	ck_assert_uint_eq(p[0].proto, CR_PROTO_TCP);
	free(p);

	ck_assert_int_eq(parse1("80", &p, &err), 1);
	ck_assert_uint_eq(p[0].host_port, 0);
	ck_assert_uint_eq(p[0].ctr_port, 80);
	free(p);

	ck_assert_int_eq(parse1("127.0.0.1:5353:53/udp", &p, &err), 1);
	ck_assert_str_eq(p[0].host_ip, "127.0.0.1");
	ck_assert_uint_eq(p[0].host_port, 5353);
	ck_assert_uint_eq(p[0].ctr_port, 53);
	ck_assert_uint_eq(p[0].proto, CR_PROTO_UDP);
	free(p);

	ck_assert_int_eq(parse1("127.0.0.1::80", &p, &err), 1);
	ck_assert_str_eq(p[0].host_ip, "127.0.0.1");
	ck_assert_uint_eq(p[0].host_port, 0);
	free(p);

	ck_assert_int_eq(parse1("[::1]:8080:80/TCP", &p, &err), 1);
	ck_assert_str_eq(p[0].host_ip, "::1");
	ck_assert_uint_eq(p[0].host_port, 8080);
	free(p);

	ck_assert_int_eq(parse1("[2001:db8::1]::80", &p, &err), 1);
	ck_assert_str_eq(p[0].host_ip, "2001:db8::1");
	ck_assert_uint_eq(p[0].host_port, 0);
	free(p);

	ck_assert_int_eq(parse1("8080-8082:80-82/udp", &p, &err), 1);
	ck_assert_uint_eq(p[0].host_port, 8080);
	ck_assert_uint_eq(p[0].ctr_port, 80);
	ck_assert_uint_eq(p[0].count, 3);
	free(p);

	ck_assert_int_eq(parse1("9000-9001", &p, &err), 1);
	ck_assert_uint_eq(p[0].host_port, 0);
	ck_assert_uint_eq(p[0].count, 2);
	free(p);

	/* podman's tcp,udp: one entry per protocol */
	ck_assert_int_eq(parse1("53:53/tcp,udp", &p, &err), 2);
	ck_assert_uint_eq(p[0].proto, CR_PROTO_TCP);
	ck_assert_uint_eq(p[1].proto, CR_PROTO_UDP);
	free(p);

	ck_assert_int_eq(parse1("65535:1", &p, &err), 1);
	free(p);
}
END_TEST

START_TEST(parse_bad)
{
	static const char *const bad[] = {
	    "",
	    "0",
	    "65536",
	    "80/sctp",
	    "80/",
	    "/tcp",
	    ":80",
	    "a:80",
	    "80:b",
	    "8080:80:90",
	    "::1:8080:80",
	    "[::1]8080:80",
	    "[::1]:80",
	    "[127.0.0.1]:1:2",
	    "300.1.1.1:1:2",
	    "1.2.3.4::",
	    "8080-8081:80",
	    "8081-8080:80-79",
	    "80-",
	    "-80",
	    "8080:80/tcp,",
	    "+80",
	    "8080: 80",
	    "80 ",
	    "[]:1:2",
	    "0-5:0-5",
	    "1:0",
	    "99999999999999999999:1",
	};
	struct cr_port *p;
	struct cr_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse1(bad[i], &p, &err) == -1, "accepted \"%s\"", bad[i]);
		ck_assert_msg(strstr(err.msg, "bad port spec") != NULL, "%s: %s", bad[i], err.msg);
		ck_assert(err.hint[0]);
	}
	/* huge input: refused, quoted cut */
	char *huge = malloc(100001);
	memset(huge, '1', 100000);
	huge[100000] = '\0';
	ck_assert_int_eq(parse1(huge, &p, &err), -1);
	ck_assert(strlen(err.msg) < 400);
	free(huge);
}
END_TEST

/* The same host port twice (overlapping ranges, every address against one) is refused. */
START_TEST(parse_clash)
{
	struct cr_port *p = NULL;
	size_t n = 0;
	struct cr_error err = {0};

	ck_assert_int_eq(ports_parse("8080:80", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("8080:80/udp", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("127.0.0.1:9000:80", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("127.0.0.2:9000:80", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("81", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("81", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("127.0.0.1:8079-8080:1-2", &p, &n, &err), -1);
	ck_assert_str_eq(err.msg, "host port 8079/tcp is published twice");
	ck_assert_int_eq(ports_parse("9000:1", &p, &n, &err), -1);
	ck_assert_uint_eq(n, 6);
	free(p);
}
END_TEST

/* Every accepted spec comes back, through the saved form, as the same entries. */
START_TEST(format_spec_round_trip)
{
	static const char *const specs[][2] = {
	    {"8080:80", "8080:80/tcp"},
	    {"80", "80/tcp"},
	    {"127.0.0.1:5353:53/udp", "127.0.0.1:5353:53/udp"},
	    {"127.0.0.1::80", "127.0.0.1::80/tcp"},
	    {"[::1]:8080:80", "[::1]:8080:80/tcp"},
	    {"[::1]::80/udp", "[::1]::80/udp"},
	    {"8080-8081:80-81/udp", "8080-8081:80-81/udp"},
	    {"9000-9002", "9000-9002/tcp"},
	    {"0:80", "80/tcp"},
	};
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct cr_port *p, *q;
		struct cr_error err;
		char buf[128];

		ck_assert_int_eq(parse1(specs[i][0], &p, &err), 1);
		ports_format_spec(&p[0], buf, sizeof(buf));
		ck_assert_str_eq(buf, specs[i][1]);
		ck_assert_int_eq(parse1(buf, &q, &err), 1);
		ck_assert_mem_eq(&p[0], &q[0], sizeof(p[0]));
		free(p);
		free(q);
	}
}
END_TEST

START_TEST(format_list)
{
	struct cr_port *p = NULL;
	size_t n = 0;
	struct cr_error err = {0};
	cleanup_free char *none = ports_format_list(NULL, 0);
	cleanup_free char *list = NULL;

	ck_assert_str_eq(none, "");
	ck_assert_int_eq(ports_parse("8080:80", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("127.0.0.1:5353:53/udp", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("[::1]:9000-9001:90-91", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("443", &p, &n, &err), 0);
	list = ports_format_list(p, n);
	ck_assert_str_eq(list, "0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp, "
			       "[::1]:9000-9001->90-91/tcp, 443/tcp");
	free(p);
}
END_TEST

static char *joined(const struct cr_strv *v)
{
	char *s = cr_xstrdup("");

	for (size_t i = 0; i < v->n; i++) {
		char *t = cr_xasprintf("%s%s%s", s, i ? " " : "", v->v[i]);

		free(s);
		s = t;
	}
	return s;
}

START_TEST(pasta_args)
{
	struct cr_port *p = NULL;
	size_t n = 0;
	struct cr_error err = {0};
	struct cr_strv argv = {0};
	cleanup_free char *none = NULL, *some = NULL;

	ports_pasta_args(NULL, 0, &argv);
	none = joined(&argv);
	ck_assert_str_eq(none, "-t none -u none");
	strv_free(&argv);

	ck_assert_int_eq(ports_parse("8080:80", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("127.0.0.1:5353:53/udp", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("[::1]:9000-9001:90-91", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("443", &p, &n, &err), 0); /* not chosen: never forwarded */
	ports_pasta_args(p, n, &argv);
	some = joined(&argv);
	ck_assert_str_eq(some, "-t 8080:80 -t ::1/9000-9001:90-91 -u 127.0.0.1/5353:53");
	strv_free(&argv);
	free(p);
}
END_TEST

START_TEST(slirp_requests)
{
	struct cr_port *p = NULL;
	size_t n = 0;
	struct cr_error err = {0};
	struct cr_strv out = {0};

	ck_assert_int_eq(ports_parse("8080-8081:80-81", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("127.0.0.1:5353:53/udp", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("443", &p, &n, &err), 0);
	ports_slirp_requests(p, n, &out);
	ck_assert_uint_eq(out.n, 3);
	ck_assert_str_eq(out.v[0], "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": "
				   "\"tcp\", \"host_addr\": \"0.0.0.0\", \"host_port\": 8080, "
				   "\"guest_port\": 80}}");
	ck_assert_str_eq(out.v[1], "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": "
				   "\"tcp\", \"host_addr\": \"0.0.0.0\", \"host_port\": 8081, "
				   "\"guest_port\": 81}}");
	ck_assert_str_eq(out.v[2], "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": "
				   "\"udp\", \"host_addr\": \"127.0.0.1\", \"host_port\": 5353, "
				   "\"guest_port\": 53}}");
	strv_free(&out);
	free(p);
}
END_TEST

START_TEST(publish_exposed)
{
	struct cr_config cfg;
	struct cr_error err = {0};
	struct cr_port *p = NULL;

	config_init(&cfg);
	ck_assert_int_eq(ports_parse("8080:80", &cfg.ports, &cfg.nports, &err), 0);
	strv_push(&cfg.expose, "80/tcp");
	strv_push(&cfg.expose, "53/udp");
	strv_push(&cfg.expose, "8443");
	ck_assert_int_eq(ports_publish_exposed(&cfg, &err), 0);
	ck_assert_uint_eq(cfg.nports, 3);
	ck_assert_uint_eq(cfg.ports[1].ctr_port, 53);
	ck_assert_uint_eq(cfg.ports[1].proto, CR_PROTO_UDP);
	ck_assert_uint_eq(cfg.ports[1].host_port, 0);
	ck_assert_uint_eq(cfg.ports[2].ctr_port, 8443);
	ck_assert_uint_eq(cfg.ports[2].proto, CR_PROTO_TCP);
	strv_push(&cfg.expose, "1.2.3.4:1:80");
	ck_assert_int_eq(ports_publish_exposed(&cfg, &err), -1);
	ck_assert_str_eq(err.msg, "the image exposes a bad port \"1.2.3.4:1:80\"");
	config_free(&cfg);
	(void)p;
}
END_TEST

/* A socket of ours on 127.0.0.1:PORT, listening (TCP) or bound (UDP), with SO_REUSEADDR as
 * pasta's are: a check that set it too would share a UDP port with it and see it free. */
static int listen_on(unsigned short *port, int type)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, type, 0), one = 1;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (type == SOCK_STREAM)
		ck_assert_int_eq(listen(fd, 1), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

START_TEST(resolve_taken_and_random)
{
	unsigned short tport, uport;
	int t = listen_on(&tport, SOCK_STREAM), u = listen_on(&uport, SOCK_DGRAM);
	struct cr_port *p = NULL, *out = NULL;
	size_t n = 0, nout = 0;
	struct cr_error err = {0};
	char spec[64];

	/* a listener on 127.0.0.1 takes the port for every address too */
	snprintf(spec, sizeof(spec), "%u:80", tport);
	ck_assert_int_eq(ports_parse(spec, &p, &n, &err), 0);
	ck_assert_int_eq(ports_resolve(p, n, &out, &nout, &err), -1);
	snprintf(spec, sizeof(spec), "port %u/tcp is already in use on the host", tport);
	ck_assert_str_eq(err.msg, spec);
	ck_assert(err.hint[0]);
	ck_assert_ptr_null(out);
	free(p);
	p = NULL;
	n = 0;

	snprintf(spec, sizeof(spec), "127.0.0.1:%u:53/udp", uport);
	ck_assert_int_eq(ports_parse(spec, &p, &n, &err), 0);
	ck_assert_int_eq(ports_resolve(p, n, &out, &nout, &err), -1);
	snprintf(spec, sizeof(spec), "port %u/udp is already in use on the host", uport);
	ck_assert_str_eq(err.msg, spec);
	free(p);
	p = NULL;
	n = 0;

	/* random ones: chosen, distinct, free; the list itself is unchanged */
	ck_assert_int_eq(ports_parse("80", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("81", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("127.0.0.1::82/udp", &p, &n, &err), 0);
	ck_assert_int_eq(ports_parse("9000-9003", &p, &n, &err), 0);
	ck_assert_msg(ports_resolve(p, n, &out, &nout, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(nout, 4);
	for (size_t i = 0; i < nout; i++) {
		ck_assert_uint_ne(out[i].host_port, 0);
		ck_assert_uint_eq(p[i].host_port, 0);
		ck_assert_uint_eq(out[i].ctr_port, p[i].ctr_port);
		ck_assert_uint_eq(out[i].count, p[i].count);
	}
	ck_assert_uint_ne(out[0].host_port, out[1].host_port);
	ck_assert_str_eq(out[2].host_ip, "127.0.0.1");
	free(out);
	free(p);
	close(t);
	close(u);
}
END_TEST

START_TEST(resolve_free_and_bad_address)
{
	unsigned short port;
	int t = listen_on(&port, SOCK_STREAM);
	struct cr_port *p = NULL, *out = NULL;
	size_t n = 0, nout = 0;
	struct cr_error err = {0};
	char spec[64];

	close(t); /* now free */
	snprintf(spec, sizeof(spec), "%u:80", port);
	ck_assert_int_eq(ports_parse(spec, &p, &n, &err), 0);
	ck_assert_int_eq(ports_resolve(p, n, &out, &nout, &err), 0);
	ck_assert_uint_eq(out[0].host_port, port);
	free(out);
	free(p);
	p = NULL;
	n = 0;
	/* TEST-NET-3 is no address of this host */
	ck_assert_int_eq(ports_parse("203.0.113.7:18080:80", &p, &n, &err), 0);
	ck_assert_int_eq(ports_resolve(p, n, &out, &nout, &err), -1);
	ck_assert_str_eq(err.msg, "cannot publish port 18080/tcp on 203.0.113.7");
	free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ports");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, parse_forms);
	tcase_add_test(tc, parse_bad);
	tcase_add_test(tc, parse_clash);
	tcase_add_test(tc, format_spec_round_trip);
	tcase_add_test(tc, format_list);
	tcase_add_test(tc, publish_exposed);
	suite_add_tcase(s, tc);
	tc = tcase_create("helpers");
	tcase_add_test(tc, pasta_args);
	tcase_add_test(tc, slirp_requests);
	suite_add_tcase(s, tc);
	tc = tcase_create("resolve");
	tcase_add_test(tc, resolve_taken_and_random);
	tcase_add_test(tc, resolve_free_and_bad_address);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
