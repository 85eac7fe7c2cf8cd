/* exec.h - running another command inside a running container. */
#ifndef CR_EXEC_H
#define CR_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

struct cr_exec {
	const char *name;    /* the container */
	struct cr_strv args; /* the command */
	struct cr_strv env;  /* -e entries, on top of the container's environment */
	char *cwd;	     /* -w, NULL: the container's */
	bool user_set;	     /* -u */
	char *user;	     /* -u as given */
	uid_t uid;
	gid_t gid;
	int tty;     /* 1: -t, 0: no, -1: when stdin is a terminal */
	bool detach; /* -d: return once the command runs; a supervisor of its own waits */
	bool trace;  /* --trace: print each kernel step with its time */
};

/* Joins the container's namespaces and runs the command there, with run's exit status
 * rules; returns its status, or -1 with err filled. */
int exec_in_container(const struct cr_exec *x, struct cr_error *err);

#endif
