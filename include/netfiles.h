/* netfiles.h - the container's /etc/resolv.conf, /etc/hosts and /etc/hostname.
 *
 * Made as podman makes them, per container, in its runtime dir (RUNTIME/NAME), and bound
 * read-write over the rootfs's own files by the plan (plan.c): the rootfs's files are
 * left as they are, the host's own files are read, never bound.
 *   resolv.conf  the host's /etc/resolv.conf; off the host's network its loopback
 *                resolvers (systemd-resolved's 127.0.0.53 stub) are replaced by the upstream
 *                servers of /run/systemd/resolve/resolv.conf; --dns, --dns-search and
 *                --dns-option replace the host's nameserver, search and options lines; on a
 *                private network the helper's DNS forwarder (net_dns_address) comes first,
 *                where the host's first nameserver was, as podman puts slirp4netns's
 *   hosts        --add-host lines, the host's /etc/hosts, localhost (IPv4 and IPv6) where
 *                it lacks them, and the container's hostname (127.0.0.1); none with --no-hosts
 *   hostname     the container's hostname
 * The generators are pure (unit-tested and fuzzed: they parse the host's text).
 */
#ifndef CR_NETFILES_H
#define CR_NETFILES_H

#include <stdbool.h>

#include "config.h"
#include "error.h"

/* The host files the texts are made from (injectable for tests only). */
struct cr_net_host_files {
	const char *resolv_conf;   /* /etc/resolv.conf */
	const char *resolved_conf; /* /run/systemd/resolve/resolv.conf: resolved's upstreams */
	const char *hosts;	   /* /etc/hosts */
};

/* The real host paths. */
extern const struct cr_net_host_files cr_net_host_files_default;

/* The largest host file read (a bigger one is used as empty, with a warning). */
#define CR_NET_HOST_FILE_MAX (4 * 1024 * 1024)

/* The files of one container, as text (NULL: not provided). */
struct cr_netfiles {
	char *resolv_conf;
	char *hosts;
	char *hostname;
};

/* The container's resolv.conf from the host's text (host, NULL when it has none) and
 * resolved's (upstream, may be NULL), with helper_dns (a private network's forwarder, NULL
 * off one) as the first nameserver unless --dns: see the header comment. Pure. */
char *netfiles_resolv_conf(const char *host, const char *upstream, bool host_net,
			   const char *helper_dns, const struct cr_config *cfg);

/* The container's hosts file from the host's text (base, may be NULL). Pure. */
char *netfiles_hosts(const char *base, const char *hostname, const char *name,
		     const struct cr_config *cfg);

/* Checks an IPv4 or IPv6 address given to opt (--dns, --add-host). */
int netfiles_check_ip(const char *ip, const char *opt, struct cr_error *err);

/* Checks --add-host NAME:IP (IPv6 as NAME:fe80::1 or NAME:[fe80::1]). */
int netfiles_check_add_host(const char *arg, struct cr_error *err);

/* Checks a word for a resolv.conf or hosts line (--dns-search, --dns-option, --hostname):
 * not empty, at most 253 bytes, no space, control character or '#'. */
int netfiles_check_word(const char *word, const char *opt, struct cr_error *err);

/* Makes the three texts for cfg from the host files (missing ones count as empty); kind is
 * the helper of a private network (resolved: pasta or slirp4netns), unused off one. */
void netfiles_make(const struct cr_net_host_files *hf, const struct cr_config *cfg,
		   const char *hostname, enum cr_net_helper kind, struct cr_netfiles *out);

/* Frees the texts. */
void netfiles_free(struct cr_netfiles *nf);

#endif
