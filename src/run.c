/* run.c - running a container, from a configuration to a finished command.
 *
 * The flow, top to bottom:
 *   prepare()        resolve the rootfs and volumes, name it
 *   claim()          take the name: the data dir (config, writable layer) and the lock
 *   [monitor]        detached or created: a monitor process of its own takes over
 *   keeper_join()    enter the keeper's user namespace (keeper.c); its mount
 *                    namespace only once PID 1 is cloned, for the handles
 *   plan_build()     the set-up steps as data (plan.c)
 *   container_start  PID 1 in new namespaces: mounts, pivot_root, exec init (container.c)
 *   supervise()      relay signals and the terminal, wait, record the exit, clean up
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/limits.h"
#include "cli.h"
#include "container.h"
#include "env.h"
#include "image/lookup.h"
#include "image/ref.h"
#include "keeper.h"
#include "landlock.h"
#include "lifecycle.h"
#include "log.h"
#include "net/net.h"
#include "net/ports.h"
#include "netfiles.h"
#include "plan.h"
#include "relay.h"
#include "run.h"
#include "state.h"
#include "supervise.h"
#include "terminfo.h"
#include "trace.h"
#include "userns.h"
#include "utils.h"

struct run {
	struct cr_config *cfg;
	enum cr_run_mode mode;
	mode_t rootfs_mode;
	bool *src_is_dir;
	const char *hostname;
	bool tty;
	struct cr_idmap uid, gid; /* the container's maps, as the host sees them */
	char keepid_uidmap[128], keepid_gidmap[128]; /* keep-id: the nested maps */
	char fuse_idmap[256];			     /* and fuse-overlayfs's */
	char *passwd_line, *group_line, *home;	     /* and your entries */
	char num[32];				     /* a numeric -u, for the init helper */
	uid_t host_uid;				     /* yours, before we join the keeper */
	struct cr_paths paths;
	struct cr_state st;
	bool have_state;
	struct cr_plan plan;
	struct cr_strv env;
	struct cr_strv init_argv;
	sigset_t forwarded; /* blocked in the front end, read from a signalfd */
	sigset_t oldmask;
	struct cr_container ct;
	struct cr_keeper keeper;
	struct cr_relay relay; /* the caller's stdio (foreground), the log (monitor) */
	struct cr_log log;
	int report;	       /* monitor: where to tell the front end that set-up is done, -1 */
	bool existing;	       /* start of an exited container: its state is kept on failure */
	bool keeper_started;   /* this command started the keeper: stop it if it fails */
	bool quiet;	       /* detached: do not print the name (start -a) */
	int image_lock;	       /* DATA/images/lock, shared, until the config is written */
	struct cr_strv lowers; /* an image's layer dirs, top first */
	struct cr_net net;     /* a private network's helper */
	struct cr_cgroup_host cgh; /* what the host delegates to us (cgroup_probe) */
	struct cr_cgroup cg;	   /* the container's own cgroup, when it has one */
};

/* Replaces *path with its absolute, resolved form. */
static int make_absolute(char **path, const char *what, struct cr_error *err)
{
	char *abs = realpath(*path, NULL);

	if (!abs)
		return cr_fail(err, errno, "%s %s", what, *path);
	free(*path);
	*path = abs;
	return 0;
}

/* An image container: its layer dirs (all there), and the mode of its root. */
static int resolve_layers(struct run *r, struct cr_error *err)
{
	struct stat st;

	image_lower_dirs(r->paths.data, &r->cfg->layers, &r->lowers);
	if (image_check_layers(r->cfg, &r->lowers, err) < 0)
		return -1;
	/* The root's mode is the upper dir's: the top layer's, as the image's tar gave it; a
	 * layer dir whose tar had no "./" keeps the 0700 of the dir it was unpacked into,
	 * which would lock every other user out of "/": 0755 then, as docker's root. */
	r->rootfs_mode = stat(r->lowers.v[0], &st) == 0 ? st.st_mode & 07777 : 0755;
	if (r->rootfs_mode == 0700)
		r->rootfs_mode = 0755;
	return 0;
}

static int resolve_rootfs(struct run *r, struct cr_error *err)
{
	struct stat st;

	if (r->cfg->image)
		return resolve_layers(r, err);
	if (make_absolute(&r->cfg->rootfs, "rootfs", err) < 0)
		return cr_hint(err, "make one with: contrib/mkrootfs busybox DIR");
	if (stat(r->cfg->rootfs, &st) < 0 || !S_ISDIR(st.st_mode)) {
		cr_fail(err, 0, "rootfs %s is not a directory", r->cfg->rootfs);
		return cr_hint(err, "give the directory that holds the container's /bin, /etc ...");
	}
	r->rootfs_mode = st.st_mode & 07777;
	return 0;
}

static int resolve_volumes(struct run *r, struct cr_error *err)
{
	struct cr_config *cfg = r->cfg;

	r->src_is_dir = cr_xcalloc(cfg->nmounts, sizeof(bool));
	for (size_t i = 0; i < cfg->nmounts; i++) {
		struct stat st;

		if (cfg->mounts[i].kind != CR_MOUNT_BIND)
			continue;
		if (make_absolute(&cfg->mounts[i].src, "volume source", err) < 0 ||
		    stat(cfg->mounts[i].src, &st) < 0)
			return cr_hint(err, "create it first, or fix the -v option");
		r->src_is_dir[i] = S_ISDIR(st.st_mode);
	}
	return 0;
}

static int prepare(struct run *r, struct cr_error *err)
{
	struct cr_config *cfg = r->cfg;
	char name[32];

	if (resolve_rootfs(r, err) < 0 || resolve_volumes(r, err) < 0)
		return -1;
	if (!cfg->name) {
		state_generate_name(name, sizeof(name));
		cfg->name = cr_xstrdup(name);
	}
	r->host_uid = getuid();
	if (cfg->userns == CR_USERNS_KEEP_ID && !cfg->user_set) {
		/* the command runs as you, in exec too (the configuration keeps it) */
		cfg->user_set = true;
		cfg->uid = cfg->keepid_uid >= 0 ? (uid_t)cfg->keepid_uid : getuid();
		cfg->gid = cfg->keepid_gid >= 0 ? (gid_t)cfg->keepid_gid : getgid();
		cfg->user = cr_xasprintf("%u:%u", (unsigned)cfg->uid, (unsigned)cfg->gid);
	}
	r->hostname = cfg->hostname ? cfg->hostname : cfg->name;
	r->tty = r->mode == CR_RUN_FOREGROUND && (cfg->tty == 1 || (cfg->tty == -1 && isatty(0)));
	return 0;
}

/* The limits asked for can be applied here (cgroup.h): a few reads, before anything is
 * made; one line with the fix (the Delegate= drop-in) when they cannot. */
static int check_limits(struct run *r, struct cr_error *err)
{
	if (!r->cfg->cgroups) {
		if (!cgroup_needed(&r->cfg->res))
			return 0;
		cr_fail(err, 0, "resource limits need a cgroup, and --cgroups=disabled makes none");
		return cr_hint(err, "drop --cgroups=disabled, or the limits");
	}
	cgroup_probe(&r->cgh);
	return cgroup_check(&r->cgh, &r->cfg->res, err);
}

/* Where the host delegates a cgroup subtree to us: the container's own cgroup, its limits
 * written, for PID 1 to be cloned into (container.c). Nothing where none is delegated. */
static int make_cgroup(struct run *r, struct cr_error *err)
{
	unsigned long long t0 = cr_now_ns();
	struct cr_cgroup_write w[16];
	struct rlimit nproc;
	size_t n;

	if (!r->cfg->cgroups || r->cgh.mode != CR_CG_DELEGATED)
		return 0;
	if (cgroup_create(&r->cgh, r->cfg->name, &r->cfg->res, &r->cg, err) < 0)
		return -1;
	r->ct.cgroup_fd = r->cg.dirfd;
	if (!r->cfg->trace)
		return 0;
	trace_step(true, t0, "mkdir %s", r->cg.path);
	if (getrlimit(RLIMIT_NPROC, &nproc) < 0)
		nproc.rlim_cur = RLIM_INFINITY;
	n = limits_writes(&r->cfg->res, limits_pids_default(nproc.rlim_cur), r->cg.applied, w,
			  sizeof(w) / sizeof(w[0]));
	for (size_t i = 0; i < n; i++)
		trace_step(true, t0, "echo %s > %s/%s", w[i].value, r->cg.path, w[i].file);
	return 0;
}

/* Takes the name: a new container, or (start) an existing one that is not running. */
static int claim(struct run *r, bool existing, struct cr_error *err)
{
	cleanup_free char *config = NULL;

	if (!r->paths.data && state_paths_init(&r->paths, err) < 0)
		return -1;
	if (existing) {
		if (state_open(&r->paths, r->cfg->name, &r->st, err) < 0)
			return -1;
	} else {
		char id[CR_ID_LEN + 1];

		state_generate_id(id);
		config = config_serialize(r->cfg);
		config = cr_xrealloc(config, strlen(config) + 32 + sizeof(id) + 4);
		sprintf(config + strlen(config), "created=%lld\nid=%s\n", (long long)time(NULL),
			id);
		if (state_create(&r->paths, r->cfg->name, config, r->rootfs_mode, &r->st, err) < 0)
			return -1;
	}
	/* the config names its layers now: rmi sees the container */
	if (r->image_lock >= 0)
		close(r->image_lock);
	r->image_lock = -1;
	r->have_state = true;
	return 0;
}

static int check_user(struct run *r, struct cr_error *err)
{
	const struct cr_config *cfg = r->cfg;

	if (!cfg->user_set || (cfg->user && cli_parse_user(cfg->user, &(uid_t){0}, &(gid_t){0},
							   &(struct cr_error){0}) != 0))
		return 0; /* names: their ids come from the container's files */
	if (userns_map_has(&r->uid, cfg->uid) && userns_map_has(&r->gid, cfg->gid))
		return 0;
	cr_fail(err, 0, "--user %u:%u is not mapped in the container's user namespace",
		(unsigned)cfg->uid, (unsigned)cfg->gid);
	if (r->uid.n == 1)
		return cr_hint(err,
			       "only id 0 is mapped without subordinate ids; add /etc/subuid and "
			       "/etc/subgid entries, or run without --uidmap=single");
	return cr_hint(err, "use an id within the %lu mapped ones",
		       r->uid.e[r->uid.n - 1].inside + r->uid.e[r->uid.n - 1].count);
}

/* Your name for the passwd entry keep-id adds: from the host's passwd (musl reads the file),
 * kept only when it is a plain name. */
static void user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);
	const char *name = pw && pw->pw_name ? pw->pw_name : "";
	bool ok = *name && strlen(name) < 32 && *name != '-';

	for (const char *p = name; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		     (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-';
	snprintf(buf, len, "%s", ok ? name : "user");
}

/* --userns=keep-id: PID 1 gets a user namespace of its own in the keeper's, where your ids
 * (the keeper's 0) are cfg->uid and cfg->gid and the subordinate ones fill the rest;
 * fuse-overlayfs shows the rootfs's files with the ids they have in a default container. */
static int keep_id(struct run *r, struct cr_error *err)
{
	const struct cr_config *cfg = r->cfg;
	unsigned long nu = userns_map_extra(&r->keeper.uid);
	unsigned long ng = userns_map_extra(&r->keeper.gid);
	char fu[128], fg[128], name[32];

	if (cfg->uidmap == CR_UIDMAP_SINGLE) {
		cr_fail(err, 0,
			"--userns=keep-id and --uidmap=single: keep-id maps your "
			"subordinate ids around your own");
		return cr_hint(err, "drop --uidmap=single");
	}
	if (r->keeper.mode != CR_UIDMAP_SUBID || nu == 0 || ng == 0) {
		cr_fail(err, 0,
			"--userns=keep-id needs subordinate ids: without them only your "
			"own id is mapped");
		return cr_hint(err, "add /etc/subuid and /etc/subgid entries (see "
				    "'conti-rootless check'), or run without --userns=keep-id");
	}
	userns_keepid_maps(cfg->uid, nu, r->keepid_uidmap, sizeof(r->keepid_uidmap), fu,
			   sizeof(fu));
	userns_keepid_maps(cfg->gid, ng, r->keepid_gidmap, sizeof(r->keepid_gidmap), fg,
			   sizeof(fg));
	snprintf(r->fuse_idmap, sizeof(r->fuse_idmap), "uidmapping=%s,gidmapping=%s", fu, fg);
	r->ct.nested_uidmap = r->keepid_uidmap;
	r->ct.nested_gidmap = r->keepid_gidmap;
	userns_map_parse(r->keepid_uidmap, &r->uid);
	userns_map_parse(r->keepid_gidmap, &r->gid);
	user_name(r->host_uid, name, sizeof(name));
	r->home = cr_xasprintf("/home/%s", name);
	r->passwd_line = cr_xasprintf("%s:x:%u:%u:%s:%s:/bin/sh\n", name, (unsigned)cfg->uid,
				      (unsigned)cfg->gid, name, r->home);
	r->group_line = cr_xasprintf("%s:x:%u:\n", name, (unsigned)cfg->gid);
	return 0;
}

/* Enters the keeper's namespaces, and a nested single-id one when that was asked for. */
static int enter_userns(struct run *r, struct cr_error *err)
{
	struct cr_keeper *k = &r->keeper;

	/* our own container is locked already: it does not keep the keeper from a remap */
	if (keeper_join(&r->paths, r->cfg->uidmap, r->cfg->trace, true, r->cfg->name, k, err) < 0)
		return -1;
	/* PID 1 execs the keeper's sealed copy of init: no path to the host's file */
	r->ct.init_fd = keeper_open_init(k, err);
	if (r->ct.init_fd < 0)
		return -1;
	r->keeper_started = k->started;
	r->uid = k->uid;
	r->gid = k->gid;
	if (r->cfg->uidmap == CR_UIDMAP_SUBID && k->mode != CR_UIDMAP_SUBID) {
		struct passwd *pw = getpwuid(getuid());
		char fix[256];

		cr_fail(err, 0,
			"--uidmap=subid: your containers' user namespace maps only your id");
		userns_subid_fix(pw ? pw->pw_name : "$USER", fix, sizeof(fix));
		return cr_hint(err, "add /etc/subuid and /etc/subgid entries (%s)", fix);
	}
	if (r->cfg->uidmap == CR_UIDMAP_SINGLE && k->mode != CR_UIDMAP_SINGLE) {
		/* A user namespace of its own in the keeper's, where only root is mapped. */
		r->ct.nested_uidmap = "0 0 1\n";
		r->ct.nested_gidmap = "0 0 1\n";
		r->uid.n = r->gid.n = 1;
	}
	if (r->cfg->userns == CR_USERNS_KEEP_ID && keep_id(r, err) < 0)
		return -1;
	return check_user(r, err);
}

/* True when the rootfs's /tmp (of any layer of an image: a whiteout counts for nothing) has
 * entries: then no tmpfs hides them. */
static bool tmp_has_content(const struct run *r)
{
	size_t n = r->lowers.n ? r->lowers.n : 1;
	bool found = false;

	for (size_t i = 0; i < n && !found; i++) {
		cleanup_free char *tmp =
		    cr_xasprintf("%s/tmp", r->lowers.n ? r->lowers.v[i] : r->cfg->rootfs);
		DIR *d = opendir(tmp);
		struct dirent *de;

		while (d && !found && (de = readdir(d)))
			found = strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
				de->d_type != DT_CHR;
		if (d)
			closedir(d);
	}
	return found;
}

static void choose_overlay(const struct run *r, struct cr_facts *f)
{
	struct statfs sfs;
	const char *fs;

	f->overlay = r->cfg->overlay;
	f->overlay_fallback = false;
	if (f->overlay == CR_OVERLAY_AUTO && r->cfg->userns == CR_USERNS_KEEP_ID)
		f->overlay = CR_OVERLAY_FUSE; /* plan.c says why */
	if (f->overlay != CR_OVERLAY_AUTO)
		return;
	f->overlay = CR_OVERLAY_KERNEL;
	f->overlay_fallback = true;
	if (statfs(r->st.upper, &sfs) == 0 && (fs = plan_upper_fs_problem(sfs.f_type))) {
		cr_warn("the writable layer is on %s, where kernel overlayfs cannot keep an upper "
			"dir; using fuse-overlayfs",
			fs);
		f->overlay = CR_OVERLAY_FUSE;
		f->overlay_fallback = false;
	}
}

static int make_plan(struct run *r, struct cr_error *err)
{
	char ping[64];
	bool keepid = r->cfg->userns == CR_USERNS_KEEP_ID; /* r->gid is the nested map */
	struct cr_facts f = {
	    .rootfs = r->cfg->rootfs,
	    .lowers = (const char *const *)r->lowers.v,
	    .nlowers = r->lowers.n,
	    .root_mnt = r->st.rootfs_mnt,
	    .upper = r->st.upper,
	    .work = r->st.work,
	    .hostname = r->hostname,
	    .tmp_has_content = tmp_has_content(r),
	    .tty_gid_mapped = userns_map_has(&r->gid, 5),
	    .src_is_dir = r->src_is_dir,
	    .landlock_scope = r->cfg->net == CR_NET_HOST && landlock_can_scope(),
	    .netfiles_dir = r->st.dir,
	    .fuse_idmap = r->fuse_idmap[0] ? r->fuse_idmap : NULL,
	    .passwd_line = r->passwd_line,
	    .group_line = r->group_line,
	    .home = r->home,
	    .cgroupns = r->cg.path[0] != '\0',
	    .ping_group_range =
		userns_ping_group_range(&r->gid, keepid ? &r->keeper.gid : NULL, ping, sizeof(ping))
		    ? ping
		    : NULL,
	};

	choose_overlay(r, &f);
	return plan_build(r->cfg, &f, &r->plan, err);
}

static void build_exec(struct run *r)
{
	const struct cr_config *cfg = r->cfg;
	/* the rootfs (an image's layers), and the layer where the container may have installed
	 * terminfo itself */
	const char *const dir_trees[] = {cfg->rootfs, r->st.upper};
	const char *term = NULL;

	if (r->tty && r->lowers.n) {
		cleanup_free const char **trees = cr_xcalloc(r->lowers.n + 1, sizeof(*trees));

		trees[0] = r->st.upper;
		for (size_t i = 0; i < r->lowers.n; i++)
			trees[i + 1] = r->lowers.v[i];
		term = terminfo_choose_paths(trees, r->lowers.n + 1, getenv("TERM"));
	} else if (r->tty) {
		term = terminfo_choose_paths(dir_trees, 2, getenv("TERM"));
	}
	env_build(cfg, r->hostname, term, &r->env);
	strv_push(&r->init_argv, CR_INIT_NAME);
	/* -u is resolved in the container's /etc/passwd and /etc/group by PID 1 (container.c) */
	if (cfg->user) {
		r->ct.user.spec = cfg->user;
	} else if (cfg->user_set) { /* an older container's configuration */
		snprintf(r->num, sizeof(r->num), "%u:%u", (unsigned)cfg->uid, (unsigned)cfg->gid);
		r->ct.user.spec = r->num;
	}
	r->ct.user.home_given = env_has(&cfg->env, "HOME");
	if (r->tty)
		strv_push(&r->init_argv, "--tty");
	if (!cfg->init)
		strv_push(&r->init_argv, "--in-place");
	strv_push(&r->init_argv, "--");
	if (cfg->args.n == 0)
		strv_push(&r->init_argv, "/bin/sh");
	for (size_t i = 0; i < cfg->args.n; i++)
		strv_push(&r->init_argv, cfg->args.v[i]);
}

/* The published ports of this start, as -p takes them, space-separated (ports=). */
static char *ports_line(const struct cr_net *n)
{
	char *line = cr_xstrdup("");

	for (size_t i = 0; i < n->nports; i++) {
		char spec[128];
		char *next;

		ports_format_spec(&n->ports[i], spec, sizeof(spec));
		next = cr_xasprintf("%s%s%s", line, i ? " " : "", spec);
		free(line);
		line = next;
	}
	return line;
}

/* Writes RUNTIME/NAME/state: what ps, exec and stop read. */
static void record(struct run *r, const char *status, int code)
{
	cleanup_free char *text = NULL;
	cleanup_free char *ports = ports_line(&r->net);
	struct cr_error ignored;

	/* cgroup= before ports=, whose long line a reader's buffer may cut */
	if (code < 0)
		text = cr_xasprintf(
		    "status=%s\npid=%d\npid_start=%llu\nmonitor=%d\nstarted=%lld\n"
		    "net=%d\nnet_pid=%d\nnet_start=%llu\n%s%s%sports=%s\n",
		    status, (int)r->ct.pid, cr_proc_start_time(r->ct.pid), (int)getpid(),
		    (long long)time(NULL), r->ct.own_net, (int)r->net.launcher, r->net.start,
		    r->cg.path[0] ? "cgroup=" : "", r->cg.path, r->cg.path[0] ? "\n" : "", ports);
	else
		text = cr_xasprintf("status=exited\nexit_code=%d\nfinished=%lld\n", code,
				    (long long)time(NULL));
	state_runtime_write(&r->st, text, &ignored);
	if (code >= 0)
		state_save_exit(&r->st, code);
}

static int start_container(struct run *r, struct cr_error *err)
{
	cleanup_free char *fifo = NULL;
	int ret;

	r->ct.plan = &r->plan;
	r->ct.root_mnt = r->st.rootfs_mnt;
	r->ct.state_dir = r->st.dir;
	r->ct.trace = r->cfg->trace;
	r->ct.tty = r->tty;
	r->ct.own_net = r->cfg->net != CR_NET_HOST;
	r->ct.parent_mntns = r->keeper.mntns_id;
	r->ct.keeper = &r->keeper;
	r->ct.sec = &r->cfg->sec;
	r->ct.init_argv = r->init_argv.v;
	r->ct.envp = r->env.v;
	if (r->mode == CR_RUN_CREATE) {
		fifo = cr_xasprintf("%s/start", r->st.dir);
		unlink(fifo);
		if (mkfifo(fifo, 0600) < 0)
			return cr_fail(err, errno, "mkfifo %s", fifo);
		r->ct.start_fifo = fifo;
	}
	/* PID 1 is cloned with the relay's pipes as its fds 0-2, never the caller's files. */
	if (relay_install(&r->relay, err) < 0)
		return -1;
	ret = container_start(&r->ct, err);
	relay_restore(&r->relay);
	if (ret < 0)
		return -1;
	ret = container_await_exec(&r->ct, err);
	r->ct.start_fifo = NULL;
	if (ret < 0)
		return -1;
	record(r, ret == 1 ? "created" : "running", -1);
	return 0;
}

/* Detached and created containers: their stdio goes to RUNTIME/NAME/log, written by this
 * monitor from a pipe (the container never holds the log). */
static int redirect_to_log(struct run *r, struct cr_error *err)
{
	if (log_open(&r->log, r->st.dir, r->cfg->log_size_max, err) < 0)
		return -1;
	return relay_open_log(&r->relay, &r->log, err);
}

/* Foreground without --rm: the output goes to the caller and, as docker keeps it, to
 * RUNTIME/NAME/log for logs (the pty's too); --rm keeps none, so pays nothing for it. */
static int keep_log(struct run *r, struct cr_error *err)
{
	if (log_open(&r->log, r->st.dir, r->cfg->log_size_max, err) < 0)
		return -1;
	r->relay.tty_log = &r->log;
	return 0;
}

/* Makes the container's resolv.conf, hosts and hostname in RUNTIME/NAME (netfiles.h): anew at
 * every start, from the host's files of the moment, as podman does. */
static int write_netfiles(struct run *r, enum cr_net_helper kind, struct cr_error *err)
{
	static const char *const names[] = {"resolv.conf", "hosts", "hostname"};
	struct cr_netfiles nf;
	int ret;

	netfiles_make(&cr_net_host_files_default, r->cfg, r->hostname, kind, &nf);
	ret = state_write_runtime_files(
	    &r->st, names, (const char *const[]){nf.resolv_conf, nf.hosts, nf.hostname}, 3, err);
	netfiles_free(&nf);
	return ret;
}

static int set_up(struct run *r, struct cr_error *err)
{
	int sig;

	/* The helper's launcher is forked before we join the keeper: the helper must join the
	 * container's user namespace from outside (net/net.h). */
	if (r->cfg->net == CR_NET_PRIVATE) {
		if (net_prepare(&r->net, r->cfg, r->st.dir, r->cfg->trace, err) < 0)
			return -1;
		r->ct.net = &r->net;
	}
	/* the kind net_prepare resolved names the nameserver */
	if (write_netfiles(r, r->net.kind, err) < 0 || make_cgroup(r, err) < 0 ||
	    enter_userns(r, err) < 0)
		return -1;
	if (make_plan(r, err) < 0)
		return -1;
	build_exec(r);
	if (r->mode != CR_RUN_FOREGROUND && redirect_to_log(r, err) < 0)
		return -1;
	if (r->mode == CR_RUN_FOREGROUND && !r->cfg->remove && keep_log(r, err) < 0)
		return -1;
	if (r->mode == CR_RUN_FOREGROUND && !r->tty && !r->cfg->remove &&
	    relay_open_logged(&r->relay, &r->log, err) < 0)
		return -1;
	if (r->mode == CR_RUN_FOREGROUND && !r->tty && r->cfg->remove &&
	    relay_open(&r->relay, err) < 0)
		return -1;
	sig = supervise_interrupted();
	if (sig) {
		cr_fail(err, 0, "interrupted during set-up");
		err->status = 128 + sig;
		return -1;
	}
	return start_container(r, err);
}

/* Undoes what run() made; failed: set-up failed (a keeper it started goes too). */
static void cleanup(struct run *r, bool remove, bool failed)
{
	unsigned long long t0 = cr_now_ns();
	struct cr_error ignored;

	container_release(&r->ct);
	if (r->cg.path[0]) {
		/* PID 1 is gone, and its PID namespace with it: an empty cgroup, or one whose
		 * last processes (exec'd in, a fork bomb's) cgroup.kill takes. */
		unsigned long long t1 = cr_now_ns();

		cgroup_release(&r->cg);
		if (cgroup_destroy(r->cg.path, &ignored) == 0)
			trace_step(r->cfg->trace, t1, "rmdir %s", r->cg.path);
		r->cg.path[0] = '\0';
	}
	cgroup_host_release(&r->cgh);
	net_stop_begin(&r->net);
	if (failed)
		relay_drain(&r->relay); /* what PID 1 said (--trace) before it failed */
	relay_close(&r->relay);
	log_close(&r->log);
	keeper_release(&r->keeper);
	if (r->have_state) {
		if (!remove)
			keeper_drop_handles(r->st.dir);
		else if (state_remove(&r->paths, &r->st, true, &ignored) == 0)
			trace_step(r->cfg->trace, t0,
				   "mv %s %s TRASH && (umount -l TRASH/*/" CR_NS_DIR
				   "; rm -rf TRASH/*) &",
				   r->st.dir, r->st.data_dir);
		state_release(&r->st);
	}
	net_stop(&r->net);
	if (failed && r->keeper_started)
		keeper_stop_if_idle(&r->paths);
	sigprocmask(SIG_SETMASK, &r->oldmask, NULL);
	plan_free(&r->plan);
	strv_free(&r->env);
	strv_free(&r->init_argv);
	state_paths_free(&r->paths);
	strv_free(&r->lowers);
	if (r->image_lock >= 0)
		close(r->image_lock);
	r->image_lock = -1;
	free(r->src_is_dir);
	free(r->passwd_line);
	free(r->group_line);
	free(r->home);
}

/* Waits for the command, records how it ended, cleans up; returns its exit code. */
static int finish(struct run *r)
{
	unsigned long long t0 = cr_now_ns();
	struct cr_error ignored;
	int code;

	if (r->mode == CR_RUN_CREATE && r->ct.sock >= 0 &&
	    container_await_exec(&r->ct, &ignored) == 0)
		record(r, "running", -1);
	/* What killed commands left: collected while the command runs, off the start's path. */
	state_collect_garbage(&r->paths, false);
	code = supervise(r->ct.pid, r->ct.master, &r->forwarded, &r->relay);
	r->ct.pid = 0;
	/* A monitor's last lines (--trace) go to the log itself, not into the pipe, which a
	 * writer that outlives the container could have filled: nothing may block us now. */
	if (r->log.fd >= 0 && r->mode != CR_RUN_FOREGROUND) {
		dup2(r->log.fd, 1);
		dup2(r->log.fd, 2);
	}
	trace_step(r->cfg->trace, t0, "wait  # the command exited with status %d", code);
	if (!r->cfg->remove)
		record(r, "exited", code);
	cleanup(r, r->cfg->remove, false);
	return code;
}

/* Tells the front end how set-up went (monitor side): one cr_error, empty msg = success. */
static void report(struct run *r, const struct cr_error *err)
{
	struct cr_error ok = {0};

	cr_write_all(r->report, err ? err : &ok, sizeof(ok));
	close(r->report);
	r->report = -1;
}

/* Front end side of a detached start: waits for the monitor's report; prints the name. */
static int await_monitor(int fd, const char *name, bool quiet, struct cr_error *err)
{
	ssize_t n = cr_read_all(fd, err, sizeof(*err));

	close(fd);
	if (n != (ssize_t)sizeof(*err))
		return cr_fail(err, ECHILD, "the container's monitor died during set-up");
	if (err->msg[0])
		return -1;
	if (!quiet)
		printf("%s\n", name);
	return 0;
}

/* Detached and created: a monitor process, in a session of its own, runs the rest. */
static int run_monitored(struct run *r, struct cr_error *err)
{
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return cr_fail(err, errno, "pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return cr_fail(err, errno, "fork");
	if (pid > 0) {
		/* The lock goes with the monitor; the front end forgets the container. */
		close(pipefd[1]);
		state_release(&r->st);
		r->have_state = false;
		cleanup(r, false, false);
		return await_monitor(pipefd[0], r->cfg->name, r->quiet, err);
	}
	close(pipefd[0]);
	r->report = pipefd[1];
	/* what the monitor inherited from its caller (all of ours are close-on-exec), e.g. a
	 * shell's `7>&1`, would keep the caller's pipe open for the container's whole life */
	cr_close_fds(NULL, 0, true);
	setsid();
	if (set_up(r, err) < 0) {
		report(r, err);
		cleanup(r, !r->existing, true);
		_exit(CR_EXIT_TOOL);
	}
	report(r, NULL);
	_exit(finish(r));
}

/* run IMAGE: the image found (or pulled) and applied to the options; start of an image
 * container: the store's path for its layers. A directory rootfs pays nothing here. */
static int open_image(struct run *r, bool existing, struct cr_error *err)
{
	struct cr_config *cfg = r->cfg;
	const char *rest;

	if (!cfg->image && (existing || image_source_of(cfg->rootfs, &rest) == IMAGE_SRC_DIR))
		return 0;
	if (cfg->overlay == CR_OVERLAY_NONE) {
		cr_fail(err, 0,
			"--overlay=none cannot run an image: its layers are shared, "
			"read-only lower dirs");
		return cr_hint(err, "drop --overlay=none");
	}
	if (state_paths_init(&r->paths, err) < 0)
		return -1;
	return cfg->image ? 0 : image_resolve(cfg, r->paths.data, &r->image_lock, err);
}

static int run(struct run *r, bool existing, struct cr_error *err)
{
	r->existing = existing;
	r->keeper.pidfd = -1;
	r->log.fd = r->log.idx = r->log.dirfd = -1;
	relay_init(&r->relay);
	container_init(&r->ct);
	net_init(&r->net);
	r->report = -1;
	r->cgh.mnt_fd = -1;
	r->cg.dirfd = -1;
	supervise_block_signals(&r->forwarded, &r->oldmask);
	if (open_image(r, existing, err) < 0 || prepare(r, err) < 0 || check_limits(r, err) < 0 ||
	    claim(r, existing, err) < 0)
		goto fail;
	if (r->mode != CR_RUN_FOREGROUND)
		return run_monitored(r, err);
	if (set_up(r, err) < 0)
		goto fail;
	return finish(r);
fail : {
	int status = err->status;

	cleanup(r, !existing, true);
	err->status = status;
}
	return -1;
}

int run_container(struct cr_config *cfg, enum cr_run_mode mode, struct cr_error *err)
{
	struct run r = {.cfg = cfg, .mode = mode, .image_lock = -1};

	return run(&r, false, err);
}

/* A created container waits on its FIFO: one byte lets it exec its command; returns once
 * its monitor has recorded it running (or it is gone). */
static int release_created(const struct cr_state *st, struct cr_error *err)
{
	/* Beneath RUNTIME, never through a symlink: only the FIFO the monitor made. */
	cleanup_close int fd = state_open_runtime_file(st, "start", O_WRONLY | O_NONBLOCK, 0);
	struct timespec pause = {0, 1000 * 1000};
	char text[512], status[16] = "created";
	struct stat sb;

	if (fd >= 0 && (fstat(fd, &sb) < 0 || !S_ISFIFO(sb.st_mode))) {
		cr_fail(err, 0, "%s/start is not the FIFO conti-rootless made", st->dir);
		return cr_hint(err, "remove the container with 'conti-rootless rm -f %s'",
			       st->name);
	}
	if (fd < 0 || write(fd, "g", 1) != 1)
		return cr_fail(err, errno, "start container '%s'", st->name);
	for (int i = 0; i < 10000 && !strcmp(status, "created") && state_is_locked(st); i++) {
		nanosleep(&pause, NULL);
		state_runtime_read(st, text, sizeof(text));
		state_record_get(text, "status", status, sizeof(status));
	}
	return 0;
}

/* Runs an exited container again, detached, from its saved configuration. */
static int rerun(const struct cr_state *st, bool trace, bool quiet, struct cr_error *err)
{
	cleanup_free char *text = state_read_config(st);
	struct cr_config cfg;
	int ret;

	config_init(&cfg);
	if (!text || config_parse(text, &cfg) < 0) {
		config_free(&cfg);
		cr_fail(err, 0, "the configuration of '%s' is damaged", st->name);
		return cr_hint(err, "remove it with 'conti-rootless rm %s'", st->name);
	}
	cfg.trace = trace;
	{
		struct run r = {
		    .cfg = &cfg, .mode = CR_RUN_DETACHED, .quiet = quiet, .image_lock = -1};

		ret = run(&r, true, err) < 0 ? -1 : 0;
	}
	config_free(&cfg);
	return ret;
}

int run_start(const char *name, bool attach, bool trace, struct cr_error *err)
{
	struct cr_paths paths;
	struct cr_state st;
	char runtime[512], status[16] = "";
	struct cr_log_cursor from = {.fd = -1, .dirfd = -1, .idx = -1};
	int ret;

	if (state_paths_init(&paths, err) < 0)
		return -1;
	if (state_open_unlocked(&paths, name, &st, err) < 0) {
		state_paths_free(&paths);
		return -1;
	}
	/* start -a prints what this start adds to the log, from its current end. */
	if (attach && log_cursor_open(&from, st.dir, true, err) < 0) {
		state_release(&st);
		state_paths_free(&paths);
		return -1;
	}
	if (state_is_locked(&st)) {
		state_runtime_read(&st, runtime, sizeof(runtime));
		state_record_get(runtime, "status", status, sizeof(status));
		ret = strcmp(status, "created") ? 0 : release_created(&st, err);
		if (ret == 0 && !attach)
			printf("%s\n", name);
	} else {
		ret = rerun(&st, trace, attach, err);
	}
	state_release(&st);
	if (ret == 0 && attach)
		ret = lifecycle_follow_log(&paths, name, &from, NULL, true, err);
	log_cursor_close(&from);
	state_paths_free(&paths);
	return ret;
}
