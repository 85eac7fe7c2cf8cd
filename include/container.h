/* container.h - starting a container: its PID 1 is cloned into new namespaces,
 * carries out the plan's steps (mounts, pivot_root) and execs the init helper;
 * on a set-up channel it reports failures and asks the front end for what it
 * cannot do itself (fuse-overlayfs must run outside its PID namespace; the pty
 * master goes to the front end). */
#ifndef CR_CONTAINER_H
#define CR_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "keeper.h"
#include "mounts.h"
#include "net/net.h"
#include "plan.h"

#define CR_INIT_NAME "conti-rootless-init"

/* Who the command runs as: -u as given, resolved inside the container (user.h). */
struct cr_user_spec {
	const char *spec; /* NAME|UID[:GROUP|GID]; NULL: root, with HOME=/root */
	bool home_given;  /* the user set HOME (-e, --env-file): passwd's is not used */
};

struct cr_container {
	/* set by the caller before container_start() */
	const struct cr_plan *plan; /* its first step is CR_OP_CLONE */
	const char *root_mnt;	    /* where the root is assembled */
	const char *state_dir;	    /* fuse-overlayfs.log goes there */
	bool trace;
	bool tty;		/* PID 1 opens a pty; its master comes to us */
	bool own_net;		/* it has a network namespace of its own (a handle for it) */
	struct cr_net *net;	/* a private network's helper (launched), attached to PID 1's
				   namespaces as they come; NULL: none */
	const char *start_fifo; /* create: PID 1 waits for a byte here before exec */
	unsigned long long parent_mntns; /* the keeper's mount namespace id (handles go there) */
	const char
	    *nested_uidmap; /* PID 1 gets a user namespace of its own mapped so ("0 0 1\n"), */
	const char *nested_gidmap;     /* inside the keeper's; NULL: the keeper's own */
	const struct cr_security *sec; /* applied just before the init helper is exec'd */
	struct cr_keeper *keeper;      /* whose mount namespace the handles go into */
	int init_fd; /* the init helper's sealed copy (keeper_open_init); closed by
			container_release */
	char *const *init_argv;
	char *const *envp;
	struct cr_user_spec user;
	int cgroup_fd; /* the container's cgroup dir (cgroup.h), -1: none; PID 1 is cloned into
			  it and closes it first thing: the container never holds it */
	/* filled by container_start() and container_await_exec() */
	pid_t pid;	/* PID 1, as the front end sees it */
	bool in_cgroup; /* cloned into cgroup_fd's cgroup (else it moves itself there) */
	int sock;	/* the set-up channel: our end, or PID 1's in the container */
	int master;
	pid_t fuse_pid;
	int fuse_log;
	int fuse_userns; /* PID 1's own user namespace (nested), for fuse-overlayfs to join */
	const char *fuse_dst;
	struct cr_mount_ctx mctx;
	unsigned long long started_ns; /* when the clone began, for --trace */
};

/* The last steps of every process that enters the container: a session of its own, default
 * signals, only fds 0-2, the user (resolved in the container's files), capabilities,
 * no_new_privs, seccomp, execveat of init_fd. Returns only on failure, with err filled. */
void container_exec_init(int init_fd, char *const *argv, char *const *envp,
			 const struct cr_user_spec *user, const struct cr_security *sec, bool trace,
			 struct cr_error *err);

/* Forks with flags (namespaces, CLONE_*) and SIGCHLD, into the cgroup at cgroup_fd when it
 * is >= 0: clone3 with CLONE_INTO_CGROUP, so the child never runs outside it; where the
 * kernel has none (before 5.7: ENOSYS, E2BIG, EINVAL), a plain clone with *entered false,
 * and the child must move itself in (container_enter_cgroup) before it does anything. */
pid_t container_clone(unsigned long flags, int cgroup_fd, bool *entered);

/* Moves the calling process into the cgroup at cgroup_fd (its cgroup.procs gets "0"). */
int container_enter_cgroup(int cgroup_fd, struct cr_error *err);

/* Empties c: no process, every descriptor -1. */
void container_init(struct cr_container *c);

/* Clones PID 1 with the namespaces of the plan's first step; it runs the other steps. */
int container_start(struct cr_container *c, struct cr_error *err);

/* Serves PID 1's requests (handles in STATE_DIR/ns, fuse-overlayfs, the pty) until it has
 * exec'd init (0) or, made with a start FIFO, is set up and waiting (1); -1 with PID 1's
 * failure in err. */
int container_await_exec(struct cr_container *c, struct cr_error *err);

/* Kills PID 1 if it is still there, stops fuse-overlayfs and closes every descriptor. */
void container_release(struct cr_container *c);

#endif
