/* ports.c - published ports: the -p grammar, the text ps/port/inspect show, the helpers'
 * options, and the check that a host port is free before a helper is started. */
#include "net/ports.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "utils.h"

/* A saved config or a command line cannot make the list grow without bound. */
#define PORTS_MAX 4096

static const char *proto_name(unsigned char proto)
{
	return proto == CR_PROTO_UDP ? "udp" : "tcp";
}

/* Family of a host address as typed ("" : none, 0), AF_INET or AF_INET6, -1 if not one. */
static int ip_family(const char *ip)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (!*ip)
		return 0;
	if (inet_pton(AF_INET, ip, buf) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, ip, buf) == 1)
		return AF_INET6;
	return -1;
}

/* "N" or "N-M" of ports (1..65535, or 0 for a single host port when zero_ok) into *first and
 * *count; -1 if not one. */
static int parse_range(const char *s, size_t len, bool zero_ok, unsigned *first, unsigned *count)
{
	char buf[16];
	unsigned long a, b;
	char *dash;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (!cr_parse_ulong(buf, &a) || a > 65535 || strspn(buf, "0123456789") != strlen(buf))
		return -1;
	b = a;
	if (dash && (!cr_parse_ulong(dash + 1, &b) || b > 65535 ||
		     strspn(dash + 1, "0123456789") != strlen(dash + 1) || b < a || a == 0))
		return -1;
	if (a == 0 && !zero_ok)
		return -1;
	*first = (unsigned)a;
	*count = (unsigned)(b - a + 1);
	return 0;
}

/* "/tcp", "/udp", "/tcp,udp" (podman's) into a mask of CR_PROTO_*. */
static int parse_protos(const char *s, unsigned *mask)
{
	*mask = 0;
	while (*s) {
		size_t n = strcspn(s, ",");

		if (n == 3 && !strncasecmp(s, "tcp", 3))
			*mask |= CR_PROTO_TCP;
		else if (n == 3 && !strncasecmp(s, "udp", 3))
			*mask |= CR_PROTO_UDP;
		else
			return -1;
		s += n;
		if (*s == ',' && !*++s)
			return -1;
	}
	return *mask ? 0 : -1;
}

/* Whether two entries of one protocol would bind a host port twice: overlapping host ranges
 * on overlapping addresses ("" is every address). Random ones (0) never clash here. */
static bool clash(const struct cr_port *a, const struct cr_port *b)
{
	if (a->proto != b->proto || !a->host_port || !b->host_port)
		return false;
	if (a->host_ip[0] && b->host_ip[0] && strcmp(a->host_ip, b->host_ip) != 0)
		return false;
	return a->host_port < b->host_port + b->count && b->host_port < a->host_port + a->count;
}

static int bad_spec(const char *spec, const char *why, struct cr_error *err)
{
	char cut[CR_CUT_SIZE];

	cr_fail(err, 0, "bad port spec \"%s\": %s", cr_cut(spec, cut, sizeof(cut)), why);
	return cr_hint(err, "the form is [IP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp], ranges as "
			    "8080-8081:80-81, IPv6 in brackets: [::1]:8080:80");
}

/* The address part of a spec (before HOST:CPORT), brackets removed, checked. */
static int split_ip(const char *spec, const char **rest, char *ip, struct cr_error *err)
{
	const char *end;
	size_t n;

	ip[0] = '\0';
	if (spec[0] == '[') {
		end = strchr(spec, ']');
		if (!end || end[1] != ':')
			return bad_spec(spec, "an IPv6 address in brackets must be followed by ':'",
					err);
		n = (size_t)(end - spec - 1);
		if (n == 0 || n >= sizeof(((struct cr_port *)0)->host_ip))
			return bad_spec(spec, "not an IP address", err);
		memcpy(ip, spec + 1, n);
		ip[n] = '\0';
		if (ip_family(ip) != AF_INET6)
			return bad_spec(spec, "not an IPv6 address in brackets", err);
		*rest = end + 2;
		return 0;
	}
	const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	if (c2 && strchr(c2 + 1, ':'))
		return bad_spec(spec, "too many ':' (an IPv6 address goes in brackets)", err);
	if (!c2) {
		*rest = spec;
		return 0;
	}
	n = (size_t)(c1 - spec);
	if (n == 0 || n >= sizeof(((struct cr_port *)0)->host_ip))
		return bad_spec(spec, "not an IP address before the host port", err);
	memcpy(ip, spec, n);
	ip[n] = '\0';
	if (ip_family(ip) != AF_INET)
		return bad_spec(spec,
				"not an IPv4 address before the host port (IPv6 goes in "
				"brackets)",
				err);
	*rest = c1 + 1;
	return 0;
}

int ports_parse(const char *spec, struct cr_port **ports, size_t *n, struct cr_error *err)
{
	char ip[48];
	const char *rest = spec, *slash, *colon, *cport;
	unsigned mask = CR_PROTO_TCP, hfirst = 0, hcount = 0, cfirst, ccount;
	size_t len;

	if (strlen(spec) > 200)
		return bad_spec(spec, "too long", err);
	slash = strchr(spec, '/');
	if (slash && parse_protos(slash + 1, &mask) < 0)
		return bad_spec(spec, "the protocol must be tcp, udp or tcp,udp", err);
	if (split_ip(spec, &rest, ip, err) < 0)
		return -1;
	len = slash ? (size_t)(slash - rest) : strlen(rest);
	if (slash && slash < rest)
		return bad_spec(spec, "a '/' before the ports", err);
	colon = memchr(rest, ':', len);
	cport = colon ? colon + 1 : rest;
	if (colon && colon > rest &&
	    parse_range(rest, (size_t)(colon - rest), true, &hfirst, &hcount) < 0)
		return bad_spec(spec, "the host port must be a number 1-65535 or a range N-M", err);
	if (parse_range(cport, len - (size_t)(cport - rest), false, &cfirst, &ccount) < 0)
		return bad_spec(spec, "the container port must be a number 1-65535 or a range N-M",
				err);
	if (hfirst && hcount != ccount)
		return bad_spec(spec, "the host and container ranges differ in length", err);
	if (ip[0] && !colon)
		return bad_spec(spec,
				"an address needs a host port after it (IP:HOSTPORT:CPORT, "
				"or IP::CPORT for a random one)",
				err);
	if (colon == rest && !ip[0])
		return bad_spec(
		    spec, "nothing before ':' (a random host port is just CONTAINERPORT)", err);
	for (unsigned char proto = CR_PROTO_TCP; proto <= CR_PROTO_UDP; proto++) {
		if (!(mask & proto))
			continue;
		struct cr_port p = {.host_port = (unsigned short)hfirst,
				    .ctr_port = (unsigned short)cfirst,
				    .count = (unsigned short)ccount,
				    .proto = proto};

		snprintf(p.host_ip, sizeof(p.host_ip), "%s", ip);
		for (size_t i = 0; i < *n; i++)
			if (clash(&p, &(*ports)[i])) {
				cr_fail(err, 0, "host port %u/%s is published twice", hfirst,
					proto_name(proto));
				return cr_hint(err, "give each -p its own host port");
			}
		if (*n >= PORTS_MAX) {
			cr_fail(err, 0, "too many published ports (at most %d -p entries)",
				PORTS_MAX);
			return cr_hint(err,
				       "publish a range (-p 8000-8099:8000-8099) as one entry");
		}
		*ports = cr_xrealloc(*ports, (*n + 1) * sizeof(**ports));
		(*ports)[(*n)++] = p;
	}
	return 0;
}

/* Whether the container port range of p covers port/proto. */
static bool covers(const struct cr_port *p, unsigned port, unsigned char proto)
{
	return p->proto == proto && port >= p->ctr_port && port < (unsigned)p->ctr_port + p->count;
}

int ports_publish_exposed(struct cr_config *cfg, struct cr_error *err)
{
	for (size_t i = 0; i < cfg->expose.n; i++) {
		const char *e = cfg->expose.v[i];
		struct cr_port *one = NULL;
		size_t none = 0;
		char cut[CR_CUT_SIZE];

		/* only "PORT[-END][/PROTO]": no host part in an image's ExposedPorts */
		if (strchr(e, ':') || ports_parse(e, &one, &none, err) < 0) {
			free(one);
			cr_fail(err, 0, "the image exposes a bad port \"%s\"",
				cr_cut(e, cut, sizeof(cut)));
			return cr_hint(err, "publish its ports one by one with -p instead of "
					    "--publish-all");
		}
		for (size_t k = 0; k < none; k++) {
			bool done = false;

			for (size_t j = 0; j < cfg->nports && !done; j++)
				done = covers(&cfg->ports[j], one[k].ctr_port, one[k].proto);
			if (done)
				continue;
			if (cfg->nports >= PORTS_MAX) {
				free(one);
				return cr_fail(err, 0,
					       "the image exposes too many ports (at most "
					       "%d)",
					       PORTS_MAX);
			}
			cfg->ports =
			    cr_xrealloc(cfg->ports, (cfg->nports + 1) * sizeof(*cfg->ports));
			cfg->ports[cfg->nports++] = one[k];
		}
		free(one);
	}
	return 0;
}

/* The addresses a host port of p is bound on: its own, or 0.0.0.0 and :: (pasta binds both);
 * returns how many (sockaddr_in6 is big enough for either). */
static int host_addrs(const struct cr_port *p, unsigned port, struct sockaddr_in6 addrs[2],
		      socklen_t lens[2])
{
	struct sockaddr_in *in = (struct sockaddr_in *)&addrs[0];
	int fam = ip_family(p->host_ip);

	memset(addrs, 0, 2 * sizeof(*addrs));
	if (fam == AF_INET6) {
		addrs[0].sin6_family = AF_INET6;
		addrs[0].sin6_port = htons((unsigned short)port);
		inet_pton(AF_INET6, p->host_ip, &addrs[0].sin6_addr);
		lens[0] = sizeof(addrs[0]);
		return 1;
	}
	in->sin_family = AF_INET;
	in->sin_port = htons((unsigned short)port);
	if (fam == AF_INET)
		inet_pton(AF_INET, p->host_ip, &in->sin_addr);
	lens[0] = sizeof(*in);
	if (fam == AF_INET)
		return 1;
	addrs[1].sin6_family = AF_INET6;
	addrs[1].sin6_port = htons((unsigned short)port);
	addrs[1].sin6_addr = in6addr_any;
	lens[1] = sizeof(addrs[1]);
	return 2;
}

/* Binds port/proto on one address to see whether it is free: 0 free, -1 with errno. TCP with
 * SO_REUSEADDR as pasta binds (a TIME_WAIT left by the last start is no conflict), UDP
 * without: with it Linux would let us share a port another socket holds. */
static int try_bind(const struct sockaddr_in6 *addr, socklen_t len, unsigned char proto,
		    unsigned short *bound)
{
	int type = proto == CR_PROTO_UDP ? SOCK_DGRAM : SOCK_STREAM, one = 1;
	int family = ((const struct sockaddr *)addr)->sa_family;
	cleanup_close int fd = socket(family, type | SOCK_CLOEXEC, 0);
	struct sockaddr_in6 got;
	socklen_t glen = sizeof(got);

	if (fd < 0)
		return -1;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (proto == CR_PROTO_TCP)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)addr, len) < 0)
		return -1;
	if (bound && getsockname(fd, (struct sockaddr *)&got, &glen) == 0)
		*bound = ntohs(got.sin6_port); /* sin_port is at the same offset */
	return 0;
}

static int bind_error(const struct cr_port *p, unsigned port, int e, struct cr_error *err)
{
	const char *proto = proto_name(p->proto);

	if (e == EADDRINUSE) {
		cr_fail(err, 0, "port %u/%s is already in use on the host", port, proto);
		return cr_hint(err,
			       "publish on another host port (-p OTHER:%u), or stop what "
			       "listens there (ss -l%snp 'sport = :%u')",
			       p->ctr_port + (port - p->host_port),
			       p->proto == CR_PROTO_UDP ? "u" : "t", port);
	}
	if (e == EACCES) {
		cr_fail(err, e, "cannot publish port %u/%s", port, proto);
		return cr_hint(err,
			       "ports below net.ipv4.ip_unprivileged_port_start (cat "
			       "/proc/sys/net/ipv4/ip_unprivileged_port_start) need privileges: "
			       "use a higher host port, or lower that sysctl as root");
	}
	if (e == EADDRNOTAVAIL && p->host_ip[0]) {
		cr_fail(err, e, "cannot publish port %u/%s on %s", port, proto, p->host_ip);
		return cr_hint(err, "give an address of this host (ip -brief address), or none for "
				    "every address");
	}
	return cr_fail(err, e, "cannot check host port %u/%s", port, proto);
}

/* Checks that every host port of p is free on each of its addresses (an address family the
 * host lacks, :: without IPv6, is skipped); the first taken or unusable one fills err. */
static int check_free(const struct cr_port *p, struct cr_error *err)
{
	for (unsigned port = p->host_port; port < (unsigned)p->host_port + p->count; port++) {
		struct sockaddr_in6 addrs[2];
		socklen_t lens[2];
		int na = host_addrs(p, port, addrs, lens);

		for (int a = 0; a < na; a++) {
			if (try_bind(&addrs[a], lens[a], p->proto, NULL) == 0)
				continue;
			if (!p->host_ip[0] && a == 1 &&
			    (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL))
				continue; /* no IPv6 on this host */
			return bind_error(p, port, errno, err);
		}
	}
	return 0;
}

/* Chooses a free host port (range) for p from the kernel's ephemeral ones, avoiding those
 * the list already holds; p->host_port is set. */
static int choose_free(struct cr_port *p, const struct cr_port *taken, size_t ntaken,
		       struct cr_error *err)
{
	for (int attempt = 0; attempt < 128; attempt++) {
		struct sockaddr_in6 addrs[2];
		socklen_t lens[2];
		unsigned short got = 0;
		struct cr_error ignored;
		bool ok = true;

		host_addrs(p, 0, addrs, lens);
		if (try_bind(&addrs[0], lens[0], p->proto, &got) < 0)
			return bind_error(p, 0, errno, err);
		if (got == 0 || (unsigned)got + p->count - 1 > 65535)
			continue;
		p->host_port = got;
		for (size_t i = 0; i < ntaken && ok; i++)
			ok = &taken[i] == p || !clash(p, &taken[i]);
		if (ok && check_free(p, &ignored) == 0)
			return 0;
		p->host_port = 0;
	}
	cr_fail(err, 0, "found no free host port for %u/%s", p->ctr_port, proto_name(p->proto));
	return cr_hint(err, "publish it on a host port of your choice (-p HOSTPORT:%u)",
		       p->ctr_port);
}

int ports_resolve(const struct cr_port *ports, size_t n, struct cr_port **out, size_t *nout,
		  struct cr_error *err)
{
	struct cr_port *r = n ? cr_xmalloc(n * sizeof(*r)) : NULL;

	*out = NULL;
	*nout = 0;
	if (n)
		memcpy(r, ports, n * sizeof(*r));
	/* the fixed ones first, so that a random one never takes a port a later -p names */
	for (size_t i = 0; i < n; i++)
		if (r[i].host_port && check_free(&r[i], err) < 0)
			goto fail;
	for (size_t i = 0; i < n; i++)
		if (!r[i].host_port && choose_free(&r[i], r, n, err) < 0)
			goto fail;
	*out = r;
	*nout = n;
	return 0;
fail:
	free(r);
	return -1;
}

/* "N" or "N-M" */
static void put_range(char *buf, size_t len, unsigned first, unsigned count)
{
	if (count > 1)
		snprintf(buf, len, "%u-%u", first, first + count - 1);
	else
		snprintf(buf, len, "%u", first);
}

/* The host address as ps and the specs write it: "[::1]" for IPv6. */
static void put_ip(char *buf, size_t len, const char *ip, const char *dflt)
{
	if (!ip[0])
		snprintf(buf, len, "%s", dflt);
	else if (strchr(ip, ':'))
		snprintf(buf, len, "[%.46s]", ip);
	else
		snprintf(buf, len, "%.46s", ip);
}

void ports_format_spec(const struct cr_port *p, char *buf, size_t len)
{
	char ip[52], h[16], c[16];

	put_ip(ip, sizeof(ip), p->host_ip, "");
	put_range(h, sizeof(h), p->host_port, p->host_port ? p->count : 1);
	put_range(c, sizeof(c), p->ctr_port, p->count);
	if (ip[0])
		snprintf(buf, len, "%s:%s:%s/%s", ip, p->host_port ? h : "", c,
			 proto_name(p->proto));
	else if (p->host_port)
		snprintf(buf, len, "%s:%s/%s", h, c, proto_name(p->proto));
	else
		snprintf(buf, len, "%s/%s", c, proto_name(p->proto));
}

char *ports_format_list(const struct cr_port *p, size_t n)
{
	char *out = cr_xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char ip[52], h[16], c[16], *next;

		put_ip(ip, sizeof(ip), p[i].host_ip, "0.0.0.0");
		put_range(h, sizeof(h), p[i].host_port, p[i].count);
		put_range(c, sizeof(c), p[i].ctr_port, p[i].count);
		if (p[i].host_port)
			next = cr_xasprintf("%s%s%s:%s->%s/%s", out, i ? ", " : "", ip, h, c,
					    proto_name(p[i].proto));
		else /* not started: no host port yet, docker's form of an exposed one */
			next = cr_xasprintf("%s%s%s/%s", out, i ? ", " : "", c,
					    proto_name(p[i].proto));
		free(out);
		out = next;
	}
	return out;
}

void ports_pasta_args(const struct cr_port *p, size_t n, struct cr_strv *argv)
{
	static const char *const opt[] = {[CR_PROTO_TCP] = "-t", [CR_PROTO_UDP] = "-u"};

	for (unsigned char proto = CR_PROTO_TCP; proto <= CR_PROTO_UDP; proto++) {
		bool any = false;

		for (size_t i = 0; i < n; i++) {
			char h[16], c[16], spec[96];

			/* an unchosen port (0) or an address that is not one is never forwarded */
			if (p[i].proto != proto || !p[i].host_port || ip_family(p[i].host_ip) < 0)
				continue;
			put_range(h, sizeof(h), p[i].host_port, p[i].count);
			put_range(c, sizeof(c), p[i].ctr_port, p[i].count);
			/* pasta's form: [ADDR/]HOST[-END]:TARGET[-END], IPv6 without brackets */
			snprintf(spec, sizeof(spec), "%s%s%s:%s", p[i].host_ip,
				 p[i].host_ip[0] ? "/" : "", h, c);
			strv_push(argv, opt[proto]);
			strv_push(argv, spec);
			any = true;
		}
		if (!any) {
			strv_push(argv, opt[proto]);
			strv_push(argv, "none");
		}
	}
}

void ports_slirp_requests(const struct cr_port *p, size_t n, struct cr_strv *out)
{
	for (size_t i = 0; i < n; i++) {
		if (!p[i].host_port || ip_family(p[i].host_ip) < 0)
			continue;
		for (unsigned k = 0; k < p[i].count; k++) {
			char line[256];

			/* slirp4netns forwards IPv4 only: every address is 0.0.0.0; an IPv6
			 * host address is passed as it is and refused by it, by name */
			snprintf(
			    line, sizeof(line),
			    "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", "
			    "\"host_addr\": \"%s\", \"host_port\": %u, \"guest_port\": %u}}",
			    proto_name(p[i].proto), p[i].host_ip[0] ? p[i].host_ip : "0.0.0.0",
			    p[i].host_port + k, p[i].ctr_port + k);
			strv_push(out, line);
		}
	}
}
