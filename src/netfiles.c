/* netfiles.c - the container's resolv.conf, hosts and hostname, as podman makes them. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/net.h"
#include "netfiles.h"
#include "utils.h"

const struct cr_net_host_files cr_net_host_files_default = {
    .resolv_conf = "/etc/resolv.conf",
    .resolved_conf = "/run/systemd/resolve/resolv.conf",
    .hosts = "/etc/hosts",
};

/* What docker and podman fall back to when no resolver is left. */
static const char *const fallback_dns[] = {"8.8.8.8", "8.8.4.4"};

/* A growing text. */
struct text {
	char *s;
	size_t len, cap;
};

static void put_n(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = 2 * (t->len + n + 1) + 64;
		t->s = cr_xrealloc(t->s, t->cap);
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void put(struct text *t, const char *s)
{
	put_n(t, s, strlen(s));
}

static char *done(struct text *t)
{
	return t->s ? t->s : cr_xstrdup("");
}

/* The first word of line (n bytes) after blanks: *w, its length returned. */
static size_t word_at(const char *line, size_t n, size_t from, const char **w)
{
	size_t i = from, start;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	start = i;
	while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
		i++;
	*w = line + start;
	return i - start;
}

static bool word_is(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && !memcmp(w, s, n);
}

/* AF_INET or AF_INET6 when w (n bytes) is an address (an IPv6 %zone is allowed); else 0. */
static int address_family(const char *w, size_t n, bool *loopback)
{
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char a[sizeof(struct in6_addr)];

	*loopback = false;
	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, w, n);
	buf[n] = '\0';
	buf[strcspn(buf, "%")] = '\0';
	if (inet_pton(AF_INET, buf, a) == 1) {
		*loopback = a[0] == 127;
		return AF_INET;
	}
	if (inet_pton(AF_INET6, buf, a) == 1) {
		static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0,    0,
							   0, 0, 0, 0, 0xff, 0xff};

		*loopback = IN6_IS_ADDR_LOOPBACK((struct in6_addr *)a) ||
			    (!memcmp(a, v4mapped, 12) && a[12] == 127);
		return AF_INET6;
	}
	return 0;
}

/* The line after line, NULL at the end of the text. */
static const char *next_line(const char *line)
{
	const char *nl = strchr(line, '\n');

	return nl && nl[1] ? nl + 1 : NULL;
}

/* Appends the nameservers of resolved's file that are reachable off the host (not loopback). */
static size_t put_upstream(struct text *t, const char *upstream)
{
	size_t count = 0;

	for (const char *line = upstream; line && *line; line = next_line(line)) {
		size_t n = strcspn(line, "\n");
		const char *w, *addr;
		size_t wn = word_at(line, n, 0, &w), an;
		bool loop;

		if (!word_is(w, wn, "nameserver"))
			continue;
		an = word_at(line, n, (size_t)(w + wn - line), &addr);
		if (!address_family(addr, an, &loop) || loop)
			continue;
		put(t, "nameserver ");
		put_n(t, addr, an);
		put(t, "\n");
		count++;
	}
	return count;
}

static void put_list(struct text *t, const char *key, const struct cr_strv *v)
{
	put(t, key);
	for (size_t i = 0; i < v->n; i++) {
		put(t, " ");
		put(t, v->v[i]);
	}
	put(t, "\n");
}

static void put_server(struct text *t, const char *addr)
{
	put(t, "nameserver ");
	put(t, addr);
	put(t, "\n");
}

/* --dns-search .: no search line at all (as docker and podman read it). */
static bool search_is_none(const struct cr_strv *v)
{
	return v->n == 1 && !strcmp(v->v[0], ".");
}

char *netfiles_resolv_conf(const char *host, const char *upstream, bool host_net,
			   const char *helper_dns, const struct cr_config *cfg)
{
	struct text t = {0};
	size_t servers = 0;
	bool dropped = false;

	if (cfg->dns.n)
		helper_dns = NULL;

	if (cfg->dns_search.n && !search_is_none(&cfg->dns_search))
		put_list(&t, "search", &cfg->dns_search);
	for (const char *line = host; line && *line; line = next_line(line)) {
		size_t n = strcspn(line, "\n");
		const char *w, *addr;
		size_t wn = word_at(line, n, 0, &w), an;
		bool loop = false;

		if (word_is(w, wn, "nameserver")) {
			/* the helper's forwarder first, where the host's first one was */
			if (helper_dns && !servers++)
				put_server(&t, helper_dns);
			an = word_at(line, n, (size_t)(w + wn - line), &addr);
			/* off the host's network what is not an address goes with the stubs */
			if (!address_family(addr, an, &loop))
				loop = true;
			if (cfg->dns.n)
				continue;
			if (loop && !host_net) {
				dropped = true;
				continue;
			}
			servers++;
		} else if ((word_is(w, wn, "search") || word_is(w, wn, "domain")) &&
			   cfg->dns_search.n) {
			continue;
		} else if (word_is(w, wn, "options") && cfg->dns_opts.n) {
			continue;
		}
		put_n(&t, line, n);
		put(&t, "\n");
	}
	if (helper_dns && !servers++)
		put_server(&t, helper_dns);
	for (size_t i = 0; i < cfg->dns.n; i++)
		put_server(&t, cfg->dns.v[i]);
	if (dropped && !cfg->dns.n) {
		servers += put_upstream(&t, upstream);
		for (size_t i = 0; !servers && i < 2; i++)
			put_server(&t, fallback_dns[i]);
	}
	if (cfg->dns_opts.n)
		put_list(&t, "options", &cfg->dns_opts);
	return done(&t);
}

/* Which families of base map "localhost": bit 0 IPv4, bit 1 IPv6. */
static unsigned localhost_families(const char *base)
{
	unsigned found = 0;

	for (const char *line = base; line && *line; line = next_line(line)) {
		size_t n = strcspn(line, "\n");
		const char *w;
		size_t wn = word_at(line, n, 0, &w), pos;
		bool loop;
		int af = address_family(w, wn, &loop);

		if (!af)
			continue;
		for (pos = (size_t)(w + wn - line); pos < n;) {
			const char *name;
			size_t nn = word_at(line, n, pos, &name);

			if (nn == 0 || name[0] == '#')
				break;
			if (word_is(name, nn, "localhost"))
				found |= af == AF_INET ? 1 : 2;
			pos = (size_t)(name + nn - line);
		}
	}
	return found;
}

/* NAME:IP -> "IP\tNAME\n" (IPv6 brackets dropped); add_host was checked by the parser. */
static void put_add_host(struct text *t, const char *arg)
{
	const char *colon = strchr(arg, ':');
	const char *ip;
	size_t ipn;

	if (!colon)
		return;
	ip = colon + 1;
	ipn = strlen(ip);
	if (ipn >= 2 && ip[0] == '[' && ip[ipn - 1] == ']')
		ip++, ipn -= 2;
	put_n(t, ip, ipn);
	put(t, "\t");
	put_n(t, arg, (size_t)(colon - arg));
	put(t, "\n");
}

char *netfiles_hosts(const char *base, const char *hostname, const char *name,
		     const struct cr_config *cfg)
{
	struct text t = {0};
	unsigned have = localhost_families(base);
	struct cr_error ignored;

	for (size_t i = 0; i < cfg->add_hosts.n; i++)
		put_add_host(&t, cfg->add_hosts.v[i]);
	if (base && *base) {
		put(&t, base);
		if (base[strlen(base) - 1] != '\n')
			put(&t, "\n");
	}
	if (!(have & 1))
		put(&t, "127.0.0.1\tlocalhost\n");
	if (!(have & 2))
		put(&t, "::1\tlocalhost ip6-localhost ip6-loopback\n");
	if (hostname && netfiles_check_word(hostname, "--hostname", &ignored) == 0) {
		put(&t, "127.0.0.1\t");
		put(&t, hostname);
		if (name && strcmp(name, hostname) &&
		    netfiles_check_word(name, "--name", &ignored) == 0) {
			put(&t, " ");
			put(&t, name);
		}
		put(&t, "\n");
	}
	return done(&t);
}

int netfiles_check_ip(const char *ip, const char *opt, struct cr_error *err)
{
	bool loop;
	char cut[CR_CUT_SIZE];

	if (address_family(ip, strlen(ip), &loop) && !strchr(ip, '%'))
		return 0;
	cr_fail(err, 0, "invalid %s '%s': not an IPv4 or IPv6 address", opt,
		cr_cut(ip, cut, sizeof(cut)));
	return cr_hint(err, "give an address such as 192.0.2.1 or 2001:db8::1");
}

int netfiles_check_word(const char *word, const char *opt, struct cr_error *err)
{
	char cut[CR_CUT_SIZE];
	size_t n = strlen(word);

	if (n > 0 && n <= 253) {
		const unsigned char *p = (const unsigned char *)word;

		while (*p > ' ' && *p != 0x7f && *p != '#' && *p != ';')
			p++;
		if (!*p)
			return 0;
	}
	cr_fail(err, 0, "invalid %s '%s'", opt, cr_cut(word, cut, sizeof(cut)));
	return cr_hint(err, "give one word of at most 253 bytes, without spaces, control "
			    "characters, '#' or ';'");
}

int netfiles_check_add_host(const char *arg, struct cr_error *err)
{
	const char *colon = strchr(arg, ':');
	cleanup_free char *name = NULL, *ip = NULL;
	char cut[CR_CUT_SIZE];
	size_t n;

	if (!colon || colon == arg) {
		cr_fail(err, 0, "invalid --add-host '%s'", cr_cut(arg, cut, sizeof(cut)));
		return cr_hint(err, "write it as NAME:IP, e.g. --add-host db:192.0.2.7");
	}
	name = strndup(arg, (size_t)(colon - arg));
	ip = cr_xstrdup(colon + 1);
	if (!name)
		abort();
	n = strlen(ip);
	if (n >= 2 && ip[0] == '[' && ip[n - 1] == ']') {
		memmove(ip, ip + 1, n - 2);
		ip[n - 2] = '\0';
	}
	if (netfiles_check_word(name, "--add-host name", err) < 0)
		return -1;
	return netfiles_check_ip(ip, "--add-host address", err);
}

/* The host file at path as text (NULL when missing, unreadable, not a regular file or larger
 * than CR_NET_HOST_FILE_MAX; a NUL ends it). */
static char *read_host_file(const char *path)
{
	/* O_NONBLOCK: a FIFO put there must not hang the start. */
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	char *text;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	if (st.st_size > CR_NET_HOST_FILE_MAX) {
		cr_warn("%s is larger than %d MiB: the container's copy is made without it", path,
			CR_NET_HOST_FILE_MAX >> 20);
		return NULL;
	}
	text = cr_xmalloc((size_t)st.st_size + 1);
	n = read(fd, text, (size_t)st.st_size);
	if (n < 0) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

void netfiles_make(const struct cr_net_host_files *hf, const struct cr_config *cfg,
		   const char *hostname, enum cr_net_helper kind, struct cr_netfiles *out)
{
	bool host_net = cfg->net == CR_NET_HOST;
	const char *helper_dns = cfg->net == CR_NET_PRIVATE ? net_dns_address(kind) : NULL;
	cleanup_free char *host = read_host_file(hf->resolv_conf);
	cleanup_free char *upstream = NULL;

	/* resolved's file is needed only off the host's network, where its stub is out of reach */
	if (!host_net && !cfg->dns.n)
		upstream = read_host_file(hf->resolved_conf);
	out->resolv_conf = netfiles_resolv_conf(host, upstream, host_net, helper_dns, cfg);
	out->hostname = cr_xasprintf("%s\n", hostname);
	out->hosts = NULL;
	if (!cfg->no_hosts) {
		cleanup_free char *base = read_host_file(hf->hosts);

		out->hosts = netfiles_hosts(base, hostname, cfg->name, cfg);
	}
}

void netfiles_free(struct cr_netfiles *nf)
{
	free(nf->resolv_conf);
	free(nf->hosts);
	free(nf->hostname);
	nf->resolv_conf = nf->hosts = nf->hostname = NULL;
}
