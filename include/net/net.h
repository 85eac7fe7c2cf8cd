/* net/net.h - a private network: the container's own network namespace, connected to
 * the host's through a user-mode helper, pasta or slirp4netns.
 *
 * The helper must join the container's user namespace from outside it (it has to keep the
 * host's network for its sockets, and setns() cannot re-enter the caller's own user
 * namespace), so a launcher is forked before the front end joins the keeper's; when PID 1
 * has sent its namespaces the launcher is given them and execs the helper, which stays our
 * child with PR_SET_PDEATHSIG: it lives exactly as long as the front end or monitor that
 * waits for the container, however that ends (kill -9 included). slirp4netns also gets an
 * --exit-fd. PID 1 waits, before its command runs, until the interface is configured and
 * the ports are forwarded (container.c, MSG_NET_WAIT).
 */
#ifndef CR_NET_NET_H
#define CR_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

struct cr_net {
	enum cr_net_helper kind; /* resolved: CR_NETH_PASTA or CR_NETH_SLIRP4NETNS */
	char path[256];		 /* its program */
	bool trace;
	const char *state_dir; /* RUNTIME/NAME: net.log (the helper's stderr), slirp's API socket */
	bool host_loopback;    /* cfg->net_host_loopback */
	struct cr_port *ports; /* the ports of this start, host ports chosen (ports_resolve) */
	size_t nports;
	pid_t launcher;		  /* forked by net_prepare, becomes the helper at net_attach; 0 */
	unsigned long long start; /* its start time (/proc/PID/stat), recorded for rm and gc */
	int ctl;		  /* to the launcher, until it execs; -1 */
	int exit_fd;		  /* slirp4netns: our end of its --exit-fd; -1 */
	int ready_fd;		  /* slirp4netns: our end of its --ready-fd; -1 */
	int userns_fd;		  /* PID 1's user namespace, kept until the net one comes; -1 */
	unsigned long long t0;	  /* when the helper was started, for --trace */
	unsigned long long stopping; /* when it was asked to quit (net_stop_begin); 0 */
};

/* Empties n: no process, every descriptor -1. */
void net_init(struct cr_net *n);

/* Resolves the helper cfg asks for (auto: pasta if installed, else slirp4netns) into kind and
 * path, or says which package to install. Touches nothing but PATH's directories. */
int net_choose_helper(enum cr_net_helper want, enum cr_net_helper *kind, char *path, size_t len,
		      struct cr_error *err);

/* Whether the user can open the tun device at path (the helpers need it in the container's
 * user namespace, where only its mode counts); which fix, when not. */
int net_check_tun(const char *path, struct cr_error *err);

/* The addresses the helpers give the container: the nameserver its resolv.conf names (the
 * helper's DNS forwarder: pasta's --dns-forward, slirp4netns's built-in one), and the one
 * that reaches the host's loopback with allow_host_loopback (slirp4netns; pasta maps its
 * gateway, the host's default gateway, to it). */
#define CR_PASTA_DNS "169.254.1.1"
#define CR_SLIRP_DNS "10.0.2.3"
#define CR_SLIRP_HOST_LOOPBACK "10.0.2.2"

/* The nameserver the container's resolv.conf names on a private network of kind. */
static inline const char *net_dns_address(enum cr_net_helper kind)
{
	return kind == CR_NETH_SLIRP4NETNS ? CR_SLIRP_DNS : CR_PASTA_DNS;
}

/* Before the front end joins the keeper: chooses the helper, checks /dev/net/tun, resolves
 * the ports (ports_resolve) and forks the launcher. */
int net_prepare(struct cr_net *n, const struct cr_config *cfg, const char *state_dir, bool trace,
		struct cr_error *err);

/* PID 1's namespaces arrived (fds, ours to keep or close): the launcher execs the helper
 * against them. */
int net_attach(struct cr_net *n, int userns_fd, int netns_fd, struct cr_error *err);

/* Waits until the container's interface is up and its ports forwarded (pid1 is PID 1 as we
 * see it); when the helper failed, its own message (net.log) is in err. */
int net_wait_ready(struct cr_net *n, pid_t pid1, struct cr_error *err);

/* Asks the helper to quit (SIGTERM) and goes on: its exit (~20 ms of unmapping its buffers)
 * overlaps the rest of the clean-up; net_stop waits for it. */
void net_stop_begin(struct cr_net *n);

/* Stops the helper (or the launcher) and closes every descriptor; n is empty after. */
void net_stop(struct cr_net *n);

/* Kills a helper recorded for a container whose runner was killed, if it still runs as
 * recorded (pid and start time): for rm and garbage collection. */
void net_kill_recorded(pid_t pid, unsigned long long start);

#endif
