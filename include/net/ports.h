/* net/ports.h - published ports: -p, --publish-all, and what ps, port and inspect show.
 *
 * A spec is podman's: [IP:][HOSTPORT[-END]:]CPORT[-END][/tcp|/udp] ("[::1]:8080:80" for
 * IPv6); no HOSTPORT (or "IP::CPORT"): a free host port chosen at each start. Without IP
 * the port is published on every address of the host, as podman and docker do. The
 * parsers and formatters are pure (unit-tested and fuzzed); only ports_resolve touches
 * the host (it binds to check and to choose).
 */
#ifndef CR_NET_PORTS_H
#define CR_NET_PORTS_H

#include <stddef.h>

#include "config.h"
#include "error.h"

/* Appends the entries of one -p spec to *ports (*n of them so far). */
int ports_parse(const char *spec, struct cr_port **ports, size_t *n, struct cr_error *err);

/* --publish-all: appends, for each of cfg->expose ("80/tcp", "53/udp", "8080") not
 * published already, an entry on a free host port. */
int ports_publish_exposed(struct cr_config *cfg, struct cr_error *err);

/* At each start: a copy of ports (*out, *nout) with every host port 0 replaced by a free
 * one, after checking that every host port is free on its address; "port 8080/tcp is
 * already in use on the host" names the first that is not. */
int ports_resolve(const struct cr_port *ports, size_t n, struct cr_port **out, size_t *nout,
		  struct cr_error *err);

/* One entry as -p takes it back ("127.0.0.1:8080:80/tcp", "8080-8081:80-81/udp", "80/tcp"
 * for a random one): what the saved configuration keeps. */
void ports_format_spec(const struct cr_port *p, char *buf, size_t len);

/* The list as ps shows it: "0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp" ("" for none). */
char *ports_format_list(const struct cr_port *p, size_t n);

/* pasta's options for the list: "-t SPEC" for the TCP ones, "-u SPEC" for UDP, "none" where
 * there are none of a protocol (pasta's default, "auto", would forward every port). */
void ports_pasta_args(const struct cr_port *p, size_t n, struct cr_strv *argv);

/* slirp4netns's API requests for the list, one JSON line per port (add_hostfwd). */
void ports_slirp_requests(const struct cr_port *p, size_t n, struct cr_strv *out);

#endif
