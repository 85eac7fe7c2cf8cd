/* supervise.h - waiting for a process while relaying signals to it and, when it has a
 * pseudo-terminal, the caller's terminal to it (run, exec, a detached monitor). */
#ifndef CR_SUPERVISE_H
#define CR_SUPERVISE_H

#include <signal.h>
#include <sys/types.h>

struct cr_relay;

/* Blocks the signals supervise() relays (and SIGCHLD) into *set, saving the old mask
 * in *old; SIGPIPE is ignored (a closed pipe must not kill the front end). */
void supervise_block_signals(sigset_t *set, sigset_t *old);

/* The first of SIGINT, SIGTERM, SIGHUP, SIGQUIT pending (the user gave up), or 0. */
int supervise_interrupted(void);

/* Waits for child to exit, relaying the signals of set to it and, when master >= 0,
 * the caller's terminal (raw while it runs, restored after) to and from master, and the
 * streams of relay (NULL: none), drained once it has exited.
 * Returns its exit code: the status, or 128+N when killed by signal N. */
int supervise(pid_t child, int master, const sigset_t *set, struct cr_relay *relay);

/* The exit code a wait status stands for, as shells give it. */
int cr_exit_code(int status);

#endif
