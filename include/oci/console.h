/* oci/console.h - process.terminal: a pseudo-terminal made in the container, its master
 * sent to the engine over --console-socket (SCM_RIGHTS), as runc does. */
#ifndef CR_OCI_CONSOLE_H
#define CR_OCI_CONSOLE_H

#include "error.h"

/* Connects to the unix socket at path (the engine's); returns the socket or -1. */
int oci_console_connect(const char *path, struct cr_error *err);

/* In the container (its /dev/pts mounted): opens a new pty sized rows x cols (0: leave),
 * makes its slave our stdin, stdout, stderr and controlling terminal, and sends the master
 * over sock; closes the master. */
int oci_console_setup(int sock, unsigned short rows, unsigned short cols, struct cr_error *err);

/* In the container's PID 1 after oci_console_setup (not for exec): bind-mounts its terminal
 * (stdin) onto /dev/console, made as an empty file when missing, as the spec asks. */
int oci_console_mount(struct cr_error *err);

#endif
