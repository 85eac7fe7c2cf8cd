/* fuzz_netfiles.c - libFuzzer target: the host's resolv.conf and hosts text, and the
 * --add-host, --dns, --dns-search values (netfiles.c). The first byte picks the network and
 * the options, a NUL splits the host's text from resolved's. Promises: on the host's network
 * with no option the host's text comes back as it is; off it no loopback nameserver is left;
 * an accepted --add-host adds exactly its one line; every failure is one printable line. */
#include "fuzz.h"
#include "netfiles.h"

/* Lines of s that start with "nameserver 127." or "nameserver ::1". */
static int loopback_servers(const char *s)
{
	int n = 0;

	for (const char *l = s; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		n += !strncmp(l, "nameserver 127.", 15) || !strncmp(l, "nameserver ::1\n", 15);
	return n;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_config cfg;
	struct cr_error err = {0};
	char *text, *host, *upstream, *r, *h, *h2;
	bool added = false;
	unsigned flags;
	const char *helper;

	if (size < 1)
		return 0;
	flags = data[0];
	text = fuzz_text(data + 1, size - 1);
	host = text;
	upstream = strlen(text) < size - 1 ? text + strlen(text) + 1 : NULL;
	config_init(&cfg);
	/* a private network's forwarder, never on the host's network (netfiles_make) */
	helper = (flags & 3) == 2 ? "169.254.1.1" : NULL;
	r = netfiles_resolv_conf(host, upstream, flags & 1, helper, &cfg);
	if (helper && strncmp(r, "nameserver 169.254.1.1\n", 23) &&
	    !strstr(r, "\nnameserver 169.254.1.1\n"))
		abort();
	if ((flags & 1) && *host) {
		size_t n = strlen(host);

		if (strncmp(r, host, n) || (host[n - 1] != '\n' && strcmp(r + n, "\n")))
			abort();
	}
	if (!(flags & 1) && loopback_servers(r))
		abort();
	free(r);
	/* the text as a value of each option: accepted, it must stay one line of its own */
	if (netfiles_check_add_host(host, &err) < 0)
		fuzz_check_error_line(&err);
	else
		strv_push(&cfg.add_hosts, host), added = true;
	if (netfiles_check_word(host, "--dns-search", &err) < 0)
		fuzz_check_error_line(&err);
	else if (flags & 2)
		strv_push(&cfg.dns_search, host);
	if (netfiles_check_ip(host, "--dns", &err) < 0)
		fuzz_check_error_line(&err);
	else
		strv_push(&cfg.dns, host);
	r = netfiles_resolv_conf(upstream, upstream, flags & 1, helper, &cfg);
	if (cfg.dns.n && loopback_servers(r) > (!strncmp(host, "127.", 4) || !strcmp(host, "::1")))
		abort();
	h = netfiles_hosts(upstream, "box", "name", &cfg);
	strv_free(&cfg.add_hosts);
	h2 = netfiles_hosts(upstream, "box", "name", &cfg);
	if (count_lines(h) != count_lines(h2) + added)
		abort();
	free(r), free(h), free(h2);
	config_free(&cfg);
	free(text);
	return 0;
}
