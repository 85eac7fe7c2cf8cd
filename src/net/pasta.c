/* net/pasta.c - pasta's command line. */
#include "net/helper.h"
#include "net/net.h"
#include "net/ports.h"

void pasta_argv(const struct cr_net_args *a, struct cr_strv *argv)
{
	strv_push(argv, a->path);
	strv_push(argv, "-f"); /* foreground: our child, with its PR_SET_PDEATHSIG */
	strv_push(argv, "-q");
	strv_push(argv, "--config-net");
	/* "auto" forwards every port the container listens on, and -T/-U the container's
	 * loopback ports to the host's: only what was published goes through. */
	ports_pasta_args(a->ports, a->nports, argv);
	strv_push(argv, "-T");
	strv_push(argv, "none");
	strv_push(argv, "-U");
	strv_push(argv, "none");
	strv_push(argv, "--dns-forward");
	strv_push(argv, CR_PASTA_DNS);
	/* its default maps the gateway's address to the host's loopback */
	if (!a->host_loopback)
		strv_push(argv, "--no-map-gw");
	strv_push(argv, "--netns");
	strv_push(argv, a->netns);
	strv_push(argv, "--userns");
	strv_push(argv, a->userns);
}
