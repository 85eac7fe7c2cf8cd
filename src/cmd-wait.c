/* cmd-wait.c - wait: block until containers exit, print their exit codes (docker wait). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "keeper.h"
#include "lifecycle.h"

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Sleeps until PID 1 of s exits (through its pidfd) or, when it has none we can verify
 * (created, run from another runtime dir), a while; then until its runner has recorded
 * how it ended. */
static void await_exit(const struct cr_state *st, const struct cr_status *s)
{
	int pidfd = s->pid > 0 ? cr_pidfd_verified(s->pid, s->pid_start) : -1;

	if (pidfd >= 0) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};

		while (poll(&p, 1, -1) < 0 && errno == EINTR)
			;
		close(pidfd);
	} else {
		pause_ms(50);
	}
	for (int i = 0; i < 2000 && state_is_locked(st); i++)
		pause_ms(5);
}

static int wait_one(const struct cr_paths *paths, const char *name, struct cr_error *err)
{
	struct cr_state st;
	struct cr_status s;

	if (state_validate_name(name, err) < 0 || state_open_unlocked(paths, name, &st, err) < 0)
		return -1;
	for (;;) {
		lifecycle_status(&st, &s);
		if (access(st.data_dir, F_OK) < 0) {
			cr_fail(err, 0, "container '%s' was removed as it exited (--rm)", name);
			state_release(&st);
			return cr_hint(err, "run it without --rm to keep its exit code");
		}
		if (!strcmp(s.status, "exited"))
			break;
		await_exit(&st, &s);
	}
	state_release(&st);
	printf("%d\n", s.exit_code);
	fflush(stdout);
	return 0;
}

int cmd_wait(const struct cr_strv *names, struct cr_error *err)
{
	struct cr_paths paths;
	int ret = 0;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	for (size_t i = 0; i < names->n; i++) {
		if (wait_one(&paths, names->v[i], err) < 0)
			ret = -1;
	}
	state_paths_free(&paths);
	return ret;
}
