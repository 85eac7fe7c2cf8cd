/* fuzz_ports.c - libFuzzer target: -p specs (net/ports.c), one a line, appended to one list
 * as repeated -p options are; the same lines as an image's ExposedPorts for --publish-all.
 * Promises: every failure is one printable line; every entry accepted is a sane range (ports
 * 1-65535 to the end of it, a host address that is one); its saved form (ports_format_spec)
 * parses back to the same entry; ps's list, pasta's options and slirp4netns's requests are
 * made for any list, pasta's with one -t and one -u at least, slirp's one per bound port. */
#include <arpa/inet.h>

#include "config.h"
#include "fuzz.h"
#include "net/ports.h"

static void check_entry(const struct cr_port *p)
{
	unsigned char addr[16];
	char spec[128];
	struct cr_port *back = NULL;
	size_t n = 0;
	struct cr_error err = {0};

	if (p->count == 0 || p->ctr_port == 0 || (unsigned)p->ctr_port + p->count - 1 > 65535 ||
	    (p->host_port && (unsigned)p->host_port + p->count - 1 > 65535) ||
	    (p->proto != CR_PROTO_TCP && p->proto != CR_PROTO_UDP))
		abort();
	if (p->host_ip[0] && inet_pton(AF_INET, p->host_ip, addr) != 1 &&
	    inet_pton(AF_INET6, p->host_ip, addr) != 1)
		abort();
	ports_format_spec(p, spec, sizeof(spec));
	if (ports_parse(spec, &back, &n, &err) < 0 || n != 1 || memcmp(back, p, sizeof(*p)))
		abort();
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct cr_config cfg;
	struct cr_error err = {0};
	struct cr_strv argv = {0}, reqs = {0};
	size_t bound = 0, tcp = 0, udp = 0;
	char *list;

	config_init(&cfg);
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		memset(&err, 0, sizeof(err));
		if (ports_parse(line, &cfg.ports, &cfg.nports, &err) < 0)
			fuzz_check_error_line(&err);
		strv_push(&cfg.expose, line);
	}
	for (size_t i = 0; i < cfg.nports; i++) {
		check_entry(&cfg.ports[i]);
		bound += cfg.ports[i].host_port ? cfg.ports[i].count : 0;
	}
	list = ports_format_list(cfg.ports, cfg.nports);
	free(list);
	ports_pasta_args(cfg.ports, cfg.nports, &argv);
	for (size_t i = 0; i + 1 < argv.n; i += 2) {
		tcp += !strcmp(argv.v[i], "-t");
		udp += !strcmp(argv.v[i], "-u");
	}
	if (argv.n % 2 || !tcp || !udp || tcp + udp != argv.n / 2)
		abort();
	ports_slirp_requests(cfg.ports, cfg.nports, &reqs);
	if (reqs.n != bound)
		abort();
	memset(&err, 0, sizeof(err));
	if (ports_publish_exposed(&cfg, &err) < 0)
		fuzz_check_error_line(&err);
	for (size_t i = 0; i < cfg.nports; i++)
		check_entry(&cfg.ports[i]);
	strv_free(&argv);
	strv_free(&reqs);
	config_free(&cfg);
	free(text);
	return 0;
}
