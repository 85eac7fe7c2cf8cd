/* init-signals.h - the signals the init helper passes on to the command.
 *
 * Shared by the init helper and the last step before it (container_exec_init), which
 * keeps them blocked across the exec: a signal sent to a new PID 1 before init has
 * blocked them would find the default action, which the kernel ignores for a PID
 * namespace's init, and be lost (`stop` then waited for its grace period). Blocked,
 * it stays pending until init reads it. */
#ifndef CR_INIT_SIGNALS_H
#define CR_INIT_SIGNALS_H

#define CR_INIT_FORWARDED_SIGNALS SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH

#endif
