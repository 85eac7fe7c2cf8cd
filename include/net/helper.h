/* net/helper.h - the command lines of the two network helpers (pure: unit-tested), and
 * slirp4netns's API client. Only net.c uses them. */
#ifndef CR_NET_HELPER_H
#define CR_NET_HELPER_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "error.h"

/* What a helper is started with: its program, the namespaces as fds it inherits, and
 * slirp4netns's pipes and API socket. */
struct cr_net_args {
	const char *path;	     /* the program */
	const char *userns, *netns;  /* the container's namespaces (/proc/self/fd/N);
					 slirp4netns: userns NULL, already in it */
	int exit_fd, ready_fd;	     /* slirp4netns: --exit-fd, --ready-fd; -1 */
	const char *api_socket;	     /* slirp4netns: --api-socket; NULL: none */
	bool host_loopback;	     /* allow_host_loopback=true */
	const struct cr_port *ports; /* pasta: forwarded by its options */
	size_t nports;
};

/* pasta's argv: foreground, quiet, configures the interface like the host's, forwards only
 * the published ports (never the container's loopback ports to the host's), DNS forwarded
 * from CR_PASTA_DNS, the gateway not mapped to the host's loopback unless allowed. */
void pasta_argv(const struct cr_net_args *a, struct cr_strv *argv);

/* slirp4netns's argv: tap0 configured (10.0.2.100/24), MTU 65520, the exit and ready fds,
 * the API socket, sandboxed and seccomp'd, host loopback disabled unless allowed. */
void slirp4netns_argv(const struct cr_net_args *a, struct cr_strv *argv);

/* Sends one request (a JSON line) to slirp4netns's API socket at path and checks its reply
 * ({"return": {...}}); its "error" in err otherwise. */
int slirp4netns_api(const char *path, const char *request, struct cr_error *err);

/* True when a route table's text (/proc/net/route, or ipv6_route with v6) has a default
 * route (IPv6: not the kernel's unreachable one on lo). */
bool net_route_has_default(const char *text, bool v6);

#endif
