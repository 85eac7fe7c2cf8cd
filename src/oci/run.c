/* run.c - `run`: create and start; without -d wait for the container's process and exit
 * with its status (128+N for signal N). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/lifecycle.h"
#include "oci/state.h"
#include "utils.h"

/* Signals we get while waiting go to the container's process, as runc forwards them. */
static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

static int wait_for(pid_t pid, struct cr_error *err)
{
	sigset_t set;
	int status = 0;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		siginfo_t si;
		pid_t w;

		/* reap everything re-parented to us (we are a subreaper), until it is gone */
		while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
			if (w == pid)
				return WIFSIGNALED(status) ? 128 + WTERMSIG(status)
							   : WEXITSTATUS(status);
		}
		if (w < 0 && errno == ECHILD)
			return cr_fail(err, ECHILD, "the container's process is gone");
		if (sigwaitinfo(&set, &si) > 0 && si.si_signo != SIGCHLD)
			kill(pid, si.si_signo);
	}
}

int oci_cmd_run(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	struct oci_create_opts o = {0};
	bool detach = false;
	pid_t pid;
	int status;

	if (oci_parse_create_args(argc, argv, &o, true, &detach, err) < 0)
		return -1;
	o.subreaper = !detach;
	if (oci_container_create(g, &o, &pid, err) < 0)
		return -1;
	if (oci_container_start(g, o.id, err) < 0) {
		oci_container_delete(g, o.id, true, &(struct cr_error){0});
		return -1;
	}
	if (detach)
		return 0;
	status = wait_for(pid, err);
	/* runc's run removes the container once its process is gone */
	oci_container_delete(g, o.id, true, &(struct cr_error){0});
	return status;
}
