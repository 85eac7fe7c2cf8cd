/* plan-oci.c - the setup plan of an OCI container (cfg->oci, filled from config.json by
 * src/oci/spec.c): what config.json says, in its order, and nothing of the user CLI's own
 * (no overlay, no /proc, /sys, /tmp, masks or net files of ours). Pure: no system call. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "plan.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	unsigned long flag;
	const char *name; /* unshare(1)'s and nsenter(1)'s option */
} ns_names[] = {
    {CLONE_NEWUSER, "user"},	 {CLONE_NEWNS, "mount"},  {CLONE_NEWPID, "pid"},
    {CLONE_NEWUTS, "uts"},	 {CLONE_NEWIPC, "ipc"},	  {CLONE_NEWNET, "net"},
    {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWTIME, "time"},
};

static const char *ns_name(unsigned long flag)
{
	for (size_t i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++) {
		if (ns_names[i].flag == flag)
			return ns_names[i].name;
	}
	return "?";
}

/* The first step: the namespaces listed without a path are new (nsflags), those with one
 * are joined (DATA: "--net=PATH --ipc=PATH", as nsenter(1) takes them; the runtime joins
 * them, user first, before it clones). */
static void add_clone(struct cr_plan *plan, const struct cr_config *cfg)
{
	struct cr_op *op = plan_add(plan, CR_OP_CLONE, 0, NULL, NULL);

	op->data = cr_xstrdup("");
	for (size_t i = 0; i < cfg->nnamespaces; i++) {
		const struct cr_namespace *ns = &cfg->namespaces[i];
		char *next;

		if (!ns->path) {
			op->nsflags |= ns->type;
			continue;
		}
		next = cr_xasprintf("%s%s--%s=%s", op->data, *op->data ? " " : "",
				    ns_name(ns->type), ns->path);
		free(op->data);
		op->data = next;
	}
}

/* Paths under /proc a config.json may mount over (runc's list: what lxcfs provides). */
static bool proc_mount_allowed(const struct cr_mount *m)
{
	static const char *const ok[] = {"/proc/cpuinfo", "/proc/diskstats",
					 "/proc/meminfo", "/proc/stat",
					 "/proc/swaps",	  "/proc/uptime",
					 "/proc/loadavg", "/proc/slabinfo",
					 "/proc/net/dev", "/proc/sys/kernel/ns_last_pid"};

	if (!strcmp(m->dst, "/proc"))
		return !strcmp(m->fstype, "proc");
	if (strncmp(m->dst, "/proc/", 6))
		return true;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!strcmp(m->dst, ok[i]))
			return true;
	}
	return false;
}

/* True when dst is "/" or leads out of it with "..": the root's own path. */
static bool bad_destination(const char *dst)
{
	const char *p = dst;

	while (*p == '/')
		p++;
	if (!*p)
		return true;
	for (; *p; p += strcspn(p, "/"), p += strspn(p, "/")) {
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2]))
			return true;
	}
	return false;
}

/* The host path bound in place of a mount the kernel may refuse in a user namespace. */
static const char *fallback_of(const char *fstype)
{
	if (!strcmp(fstype, "sysfs"))
		return "/sys"; /* without a network namespace of its own */
	if (!strcmp(fstype, "mqueue"))
		return "/dev/mqueue"; /* without an IPC namespace of its own */
	if (!strcmp(fstype, "cgroup") || !strcmp(fstype, "cgroup2"))
		return "/sys/fs/cgroup"; /* cgroup v1 (this host's hybrid layout) */
	return NULL;
}

static int add_mounts(struct cr_plan *plan, const struct cr_config *cfg, struct cr_error *err)
{
	for (size_t i = 0; i < cfg->nmounts; i++) {
		const struct cr_mount *m = &cfg->mounts[i];
		bool bind = !strcmp(m->fstype, "bind");
		struct cr_op *op;

		if (bad_destination(m->dst)) {
			cr_fail(err, 0, "config.json: mounts[%zu]: cannot mount on %s", i, m->dst);
			return cr_hint(err, "root.path is the container's root; mount below it");
		}
		if (!proc_mount_allowed(m)) {
			cr_fail(err, 0, "config.json: mounts[%zu]: %s cannot be mounted on %s", i,
				m->fstype, m->dst);
			return cr_hint(err, "only proc goes on /proc, and below it only what lxcfs "
					    "provides (/proc/cpuinfo, /proc/meminfo, ...)");
		}
		op = plan_add(plan, CR_OP_MOUNT_FS, CR_OPF_IN_ROOT, m->src, m->dst);
		op->fstype = cr_xstrdup(m->fstype);
		op->data = cr_xstrdup(bind ? "" : m->data);
		op->mflags = m->flags;
		op->propagation = m->propagation;
		if (!bind && fallback_of(m->fstype)) {
			op->flags |= CR_OPF_FALLBACK;
			free(op->src);
			op->src = cr_xstrdup(fallback_of(m->fstype));
		}
	}
	return 0;
}

/* What `mknod` takes: "c MAJOR MINOR MODE UID GID". */
static char *device_data(char type, unsigned long major, unsigned long minor, unsigned mode,
			 uid_t uid, gid_t gid)
{
	return cr_xasprintf("%c %lu %lu %04o %u %u", type, major, minor, mode & 07777,
			    (unsigned)uid, (unsigned)gid);
}

static bool device_listed(const struct cr_config *cfg, const char *path)
{
	for (size_t i = 0; i < cfg->ndevices; i++) {
		if (!strcmp(cfg->devices[i].path, path))
			return true;
	}
	return false;
}

/* True when config.json binds the host's /dev (then it brings its own nodes, as runc). */
static bool binds_dev(const struct cr_config *cfg)
{
	for (size_t i = 0; i < cfg->nmounts; i++) {
		if (!strcmp(cfg->mounts[i].dst, "/dev") && !strcmp(cfg->mounts[i].fstype, "bind"))
			return true;
	}
	return false;
}

/* The runtime spec's default devices (unless linux.devices has them) and linux.devices;
 * /dev/ptmx to pts/ptmx and the /dev/fd links. */
static void add_devices(struct cr_plan *plan, const struct cr_config *cfg)
{
	static const struct {
		const char *path;
		unsigned long major, minor;
	} defaults[] = {{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
			{"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
	static const char *const links[][2] = {
	    {"/proc/self/fd", "/dev/fd"},	{"/proc/self/fd/0", "/dev/stdin"},
	    {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"},
	    {"pts/ptmx", "/dev/ptmx"},
	};
	bool own_dev = !binds_dev(cfg);

	for (size_t i = 0; own_dev && i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		struct cr_op *op;

		if (device_listed(cfg, defaults[i].path))
			continue;
		op =
		    plan_add(plan, CR_OP_MKNOD, CR_OPF_IN_ROOT, defaults[i].path, defaults[i].path);
		op->data = device_data('c', defaults[i].major, defaults[i].minor, 0666, 0, 0);
	}
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct cr_device *d = &cfg->devices[i];
		struct cr_op *op = plan_add(plan, CR_OP_MKNOD, CR_OPF_IN_ROOT, d->path, d->path);

		op->data = device_data(d->type, d->major, d->minor, d->mode, d->uid, d->gid);
	}
	for (size_t i = 0; own_dev && i < sizeof(links) / sizeof(links[0]); i++)
		plan_add(plan, CR_OP_SYMLINK, CR_OPF_IN_ROOT, links[i][0], links[i][1]);
}

/* After pivot_root: what runc does there, in its order. */
static void add_after_pivot(struct cr_plan *plan, const struct cr_config *cfg)
{
	struct cr_op *op;

	if (cfg->rootfs_propagation) {
		op = plan_add(plan, CR_OP_PROPAGATION, 0, NULL, "/");
		op->propagation = cfg->rootfs_propagation;
	}
	if (cfg->hostname)
		plan_add(plan, CR_OP_HOSTNAME, 0, cfg->hostname, NULL);
	if (cfg->domainname)
		plan_add(plan, CR_OP_DOMAINNAME, 0, cfg->domainname, NULL);
	for (size_t i = 0; i < cfg->sysctl.n; i++) {
		const char *kv = cfg->sysctl.v[i];
		cleanup_free char *key = cr_xstrdup(kv);

		key[strcspn(key, "=")] = '\0';
		op = plan_add(plan, CR_OP_SYSCTL, 0, key, NULL);
		op->data = cr_xstrdup(strchr(kv, '=') + 1);
	}
	for (size_t i = 0; i < cfg->readonly_paths.n; i++)
		plan_add(plan, CR_OP_READONLY, CR_OPF_IN_ROOT | CR_OPF_MISSING_OK, NULL,
			 cfg->readonly_paths.v[i]);
	for (size_t i = 0; i < cfg->masked_paths.n; i++)
		plan_add(plan, CR_OP_MASK, CR_OPF_IN_ROOT | CR_OPF_MISSING_OK, NULL,
			 cfg->masked_paths.v[i]);
	if (cfg->readonly_root)
		plan_add(plan, CR_OP_REMOUNT_RO, 0, NULL, "/");
	plan_add(plan, CR_OP_CHDIR, 0, NULL, cfg->cwd ? cfg->cwd : "/");
}

int plan_build_oci(const struct cr_config *cfg, const struct cr_facts *f, struct cr_plan *plan,
		   struct cr_error *err)
{
	struct cr_op *op;

	memset(plan, 0, sizeof(*plan));
	add_clone(plan, cfg);
	if (plan->ops[0].nsflags & CLONE_NEWNET)
		plan_add(plan, CR_OP_LOOPBACK_UP, 0, NULL, NULL);
	/* runc: / made rslave (or rootfsPropagation) so that nothing we mount reaches the
	 * host; the mount holding the rootfs private, for pivot_root; the rootfs bound on
	 * itself so that it is a mount of its own. */
	op = plan_add(plan, CR_OP_PROPAGATION, 0, NULL, "/");
	op->propagation = cfg->rootfs_propagation ? cfg->rootfs_propagation : MS_SLAVE | MS_REC;
	op = plan_add(plan, CR_OP_PROPAGATION, CR_OPF_PARENT, NULL, f->root_mnt);
	op->propagation = MS_PRIVATE;
	plan_add(plan, CR_OP_BIND_ROOTFS, 0, f->rootfs, f->root_mnt);
	if (add_mounts(plan, cfg, err) < 0) {
		plan_free(plan);
		return -1;
	}
	add_devices(plan, cfg);
	if (cfg->cwd) /* runc makes a missing working directory */
		plan_add(plan, CR_OP_MKDIR, CR_OPF_IN_ROOT, NULL, cfg->cwd);
	plan_add(plan, CR_OP_PIVOT_ROOT, 0, NULL, f->root_mnt);
	add_after_pivot(plan, cfg);
	return 0;
}

/* --- --trace / --debug lines --- */

static void format_propagation(unsigned long p, char *buf, size_t len)
{
	const char *name = p & MS_SHARED       ? "shared"
			   : p & MS_SLAVE      ? "slave"
			   : p & MS_UNBINDABLE ? "unbindable"
					       : "private";

	snprintf(buf, len, "--make-%s%s", p & MS_REC ? "r" : "", name);
}

static const struct {
	unsigned long flag;
	const char *name;
} mflag_names[] = {
    {MS_RDONLY, "ro"},	       {MS_NOSUID, "nosuid"},		{MS_NODEV, "nodev"},
    {MS_NOEXEC, "noexec"},     {MS_SYNCHRONOUS, "sync"},	{MS_DIRSYNC, "dirsync"},
    {MS_MANDLOCK, "mand"},     {MS_NOATIME, "noatime"},		{MS_NODIRATIME, "nodiratime"},
    {MS_RELATIME, "relatime"}, {MS_STRICTATIME, "strictatime"}, {MS_LAZYTIME, "lazytime"},
    {MS_SILENT, "silent"},     {MS_I_VERSION, "iversion"},
};

/* "ro,nosuid,DATA" of a mount step; "rw" when empty. */
static void format_options(const struct cr_op *op, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(mflag_names) / sizeof(mflag_names[0]) && at < len; i++) {
		if (op->mflags & mflag_names[i].flag)
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "," : "",
					       mflag_names[i].name);
	}
	if (op->data && *op->data && at < len)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "," : "", op->data);
	if (!at)
		snprintf(buf, len, "rw");
}

static void format_mount_fs(const struct cr_op *op, const char *pre, char *buf, size_t len)
{
	char opts[512], prop[64] = "";
	size_t at;

	format_options(op, opts, sizeof(opts));
	if (!strcmp(op->fstype, "bind"))
		at = (size_t)snprintf(buf, len, "mount --%s -o %s %s %s%s",
				      op->mflags & MS_REC ? "rbind" : "bind", opts, op->src, pre,
				      op->dst);
	else
		at = (size_t)snprintf(buf, len, "mount -t %s -o %s %s %s%s", op->fstype, opts,
				      op->fstype, pre, op->dst);
	if (op->propagation && at < len) {
		format_propagation(op->propagation, prop, sizeof(prop));
		at += (size_t)snprintf(buf + at, len - at, " && mount %s %s%s", prop, pre, op->dst);
	}
	if ((op->flags & CR_OPF_FALLBACK) && at < len)
		snprintf(buf + at, len - at,
			 "  # where the kernel refuses %s: mount --rbind%s %s %s%s", op->fstype,
			 op->mflags & MS_RDONLY ? " -o ro" : "", op->src, pre, op->dst);
}

static void format_clone_oci(const struct cr_op *op, char *buf, size_t len)
{
	size_t at = 0;

	if (*op->data)
		at = (size_t)snprintf(buf, len, "nsenter %s ", op->data);
	if (at < len)
		at += (size_t)snprintf(buf + at, len - at, "unshare");
	for (size_t i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]) && at < len; i++) {
		if (op->nsflags & ns_names[i].flag)
			at += (size_t)snprintf(buf + at, len - at, " --%s", ns_names[i].name);
	}
	if (at < len)
		snprintf(buf + at, len - at, " --fork");
}

bool plan_format_oci_op(const struct cr_op *op, const char *root_mnt, char *buf, size_t len)
{
	const char *pre = (op->flags & CR_OPF_IN_ROOT) && strcmp(root_mnt, "/") ? root_mnt : "";
	char prop[64];
	char type;
	unsigned long major, minor;
	unsigned mode, uid, gid;

	switch (op->kind) {
	case CR_OP_CLONE:
		if (!op->data) /* the user CLI's */
			return false;
		format_clone_oci(op, buf, len);
		return true;
	case CR_OP_PROPAGATION:
		format_propagation(op->propagation, prop, sizeof(prop));
		if (op->flags & CR_OPF_PARENT)
			snprintf(buf, len, "mount %s \"$(findmnt -n -o TARGET -T %s)\"", prop,
				 op->dst);
		else
			snprintf(buf, len, "mount %s %s", prop, op->dst);
		return true;
	case CR_OP_MOUNT_FS:
		format_mount_fs(op, pre, buf, len);
		return true;
	case CR_OP_MKNOD:
		if (sscanf(op->data, "%c %lu %lu %o %u %u", &type, &major, &minor, &mode, &uid,
			   &gid) != 6)
			return false;
		if (type == 'p')
			snprintf(buf, len, "mkfifo -m %04o %s%s && chown %u:%u %s%s", mode, pre,
				 op->dst, uid, gid, pre, op->dst);
		else
			snprintf(buf, len,
				 "mknod -m %04o %s%s %c %lu %lu && chown %u:%u %s%s  # where "
				 "refused: mount --bind %s %s%s",
				 mode, pre, op->dst, type, major, minor, uid, gid, pre, op->dst,
				 op->src, pre, op->dst);
		return true;
	case CR_OP_SYSCTL:
		snprintf(buf, len, "sysctl -w %s='%s'", op->src, op->data);
		return true;
	case CR_OP_DOMAINNAME:
		snprintf(buf, len, "domainname %s", op->src);
		return true;
	default:
		return false;
	}
}
