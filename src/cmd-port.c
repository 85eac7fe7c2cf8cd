/* cmd-port.c - port: a container's published ports as docker and podman print them
 * ("80/tcp -> 0.0.0.0:8080"), and the list ps and inspect show.
 *
 * A started container's ports are the concrete ones of its start (RUNTIME/NAME/state's
 * ports= line, written by the runner: a random host port is chosen at each start); an
 * exited one's, or one never started, are those of its configuration, a random one without
 * its host port. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "lifecycle.h"
#include "net/ports.h"
#include "state.h"
#include "utils.h"

/* The value of the record's ports= line (a fresh string), NULL when there is none; a line the
 * read cut (no newline) loses its last spec, which may be cut too ("18080:8" of "18080:80"). */
static char *ports_line(const char *record)
{
	for (const char *l = record; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t n = strcspn(l, "\n");
		char *v, *last;

		if (strncmp(l, "ports=", 6))
			continue;
		v = cr_xstrdup(l + 6);
		v[n - 6] = '\0';
		if (!l[n] && (last = strrchr(v, ' ')) != NULL)
			*last = '\0';
		else if (!l[n])
			v[0] = '\0';
		return v;
	}
	return NULL;
}

void cmd_port_list(const struct cr_state *st, const struct cr_config *cfg, const char *status,
		   struct cr_port **out, size_t *n)
{
	size_t size = 1 << 18; /* PORTS_MAX specs of up to ~60 bytes */
	cleanup_free char *record = cr_xmalloc(size);
	cleanup_free char *line = NULL;
	struct cr_error ignored;

	*out = NULL;
	*n = 0;
	/* a started one (running, or created and waiting) has the runner's record */
	if (!strcmp(status, "running") || !strcmp(status, "created")) {
		state_runtime_read(st, record, size);
		line = ports_line(record);
	}
	if (!line) {
		if (cfg->nports) {
			*out = cr_xmalloc(cfg->nports * sizeof(**out));
			memcpy(*out, cfg->ports, cfg->nports * sizeof(**out));
			*n = cfg->nports;
		}
		return;
	}
	/* specs the runner wrote, space-separated; a damaged one is left out */
	for (char *save = NULL, *spec = strtok_r(line, " ", &save); spec;
	     spec = strtok_r(NULL, " ", &save))
		ports_parse(spec, out, n, &ignored);
}

/* "80/tcp -> 0.0.0.0:8080" for each port of the range. */
static void print_one(const struct cr_port *p)
{
	const char *ip = p->host_ip[0] ? p->host_ip : "0.0.0.0";
	bool v6 = strchr(ip, ':') != NULL;

	for (unsigned k = 0; k < p->count; k++)
		printf("%u/%s -> %s%s%s:%u\n", p->ctr_port + k,
		       p->proto == CR_PROTO_UDP ? "udp" : "tcp", v6 ? "[" : "", ip, v6 ? "]" : "",
		       p->host_port + k);
}

/* PORT[/PROTO] (tcp unless said) into *port and *proto. */
static int parse_which(const char *which, unsigned *port, unsigned char *proto,
		       struct cr_error *err)
{
	char cut[CR_CUT_SIZE];
	const char *slash = strchr(which, '/');
	cleanup_free char *num = strndup(which, slash ? (size_t)(slash - which) : strlen(which));
	unsigned long v;

	*proto = CR_PROTO_TCP;
	if (slash && !strcmp(slash + 1, "udp"))
		*proto = CR_PROTO_UDP;
	else if (slash && strcmp(slash + 1, "tcp"))
		goto bad;
	if (!num || !cr_parse_ulong(num, &v) || v == 0 || v > 65535 ||
	    strspn(num, "0123456789") != strlen(num))
		goto bad;
	*port = (unsigned)v;
	return 0;
bad:
	cr_fail(err, 0, "invalid port '%s'", cr_cut(which, cut, sizeof(cut)));
	return cr_hint(err, "give a container port as PORT or PORT/tcp or PORT/udp");
}

int cmd_port(const char *name, const char *which, struct cr_error *err)
{
	struct cr_paths paths;
	struct cr_state st;
	struct cr_status s;
	struct cr_config cfg;
	struct cr_port *ports = NULL;
	size_t n = 0;
	unsigned port = 0;
	unsigned char proto = 0;
	bool found = false;
	int ret = -1;
	cleanup_free char *text = NULL;

	if (which && parse_which(which, &port, &proto, err) < 0)
		return -1;
	if (state_paths_init(&paths, err) < 0)
		return -1;
	config_init(&cfg);
	if (state_validate_name(name, err) < 0 || state_open_unlocked(&paths, name, &st, err) < 0)
		goto out;
	lifecycle_status(&st, &s);
	text = state_read_config(&st);
	if (!text || config_parse(text, &cfg) < 0) {
		cr_fail(err, 0, "the configuration of container '%s' is damaged", name);
		state_release(&st);
		goto out;
	}
	cmd_port_list(&st, &cfg, s.status, &ports, &n);
	state_release(&st);
	for (size_t i = 0; i < n; i++) {
		/* a random port of a stopped container has no host port yet: nothing to say */
		if (!ports[i].host_port)
			continue;
		if (which) {
			if (ports[i].proto != proto || port < ports[i].ctr_port ||
			    port >= (unsigned)ports[i].ctr_port + ports[i].count)
				continue;
			struct cr_port one = ports[i];
			const char *ip = one.host_ip[0] ? one.host_ip : "0.0.0.0";
			bool v6 = strchr(ip, ':') != NULL;

			/* docker prints only the host side for a given port */
			printf("%s%s%s:%u\n", v6 ? "[" : "", ip, v6 ? "]" : "",
			       one.host_port + (port - one.ctr_port));
			found = true;
			continue;
		}
		print_one(&ports[i]);
	}
	if (which && !found) {
		cr_fail(err, 0, "container '%s' publishes no port %s", name, which);
		cr_hint(err, "'conti-rootless port %s' lists what it publishes", name);
		goto out;
	}
	ret = 0;
out:
	free(ports);
	config_free(&cfg);
	state_paths_free(&paths);
	return ret;
}
