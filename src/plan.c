/* plan.c - building the setup plan of a container (no system calls). */
#include <sched.h>
#include <sys/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/limits.h"
#include "plan.h"
#include "utils.h"

struct cr_op *plan_add(struct cr_plan *plan, enum cr_op_kind kind, unsigned flags, const char *src,
		       const char *dst)
{
	struct cr_op *op;

	if (plan->n == plan->cap) {
		plan->cap = plan->cap ? 2 * plan->cap : 64;
		plan->ops = cr_xrealloc(plan->ops, plan->cap * sizeof(*plan->ops));
	}
	op = &plan->ops[plan->n++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->flags = flags;
	op->src = cr_xstrdup(src);
	op->dst = cr_xstrdup(dst);
	return op;
}

#define add plan_add

static void add_mount(struct cr_plan *plan, const char *fstype, const char *dst, const char *data,
		      unsigned flags)
{
	struct cr_op *op;

	add(plan, CR_OP_MKDIR, CR_OPF_IN_ROOT, NULL, dst);
	op = add(plan, CR_OP_MOUNT, flags | CR_OPF_IN_ROOT, fstype, dst);
	op->fstype = cr_xstrdup(fstype);
	op->data = cr_xstrdup(data);
}

/* A tmpfs of mode 1777 holding size bytes at most (in k, as docker writes /dev/shm's). */
static void add_sized_tmpfs(struct cr_plan *plan, const char *dst, long long size, unsigned flags)
{
	cleanup_free char *data = size % 1024 ? cr_xasprintf("mode=1777,size=%lld", size)
					      : cr_xasprintf("mode=1777,size=%lldk", size / 1024);

	add_mount(plan, "tmpfs", dst, data, flags);
}

const char *plan_upper_fs_problem(long f_type)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} bad[] = {
	    {0x6969, "NFS"},	       {0xFF534D42, "CIFS"}, {0xFE534D42, "SMB2"},
	    {0x517B, "SMB"},	       {0x01021997, "9p"},   {0x00C36400, "CephFS"},
	    {0x5346414F, "AFS"},       {0x73757245, "Coda"}, {0x65735546, "FUSE"},
	    {0x794C7630, "overlayfs"}, {0xF15F, "eCryptfs"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if ((unsigned long)f_type == bad[i].magic)
			return bad[i].name;
	}
	return NULL;
}

char *plan_escape_overlay_path(const char *path)
{
	char *out = cr_xmalloc(2 * strlen(path) + 1), *o = out;

	for (const char *p = path; *p; p++) {
		if (*p == ',' || *p == ':' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

char *plan_lowerdir(const char *const *dirs, size_t n)
{
	char *out = cr_xstrdup("");

	for (size_t i = 0; i < n; i++) {
		cleanup_free char *esc = plan_escape_overlay_path(dirs[i]);
		char *next = cr_xasprintf("%s%s%s", out, i ? ":" : "", esc);

		free(out);
		out = next;
	}
	return out;
}

static void add_rootfs(struct cr_plan *plan, const struct cr_config *cfg, const struct cr_facts *f)
{
	cleanup_free char *lower =
	    f->nlowers ? plan_lowerdir(f->lowers, f->nlowers) : plan_escape_overlay_path(f->rootfs);
	cleanup_free char *upper = plan_escape_overlay_path(f->upper);
	cleanup_free char *work = plan_escape_overlay_path(f->work);
	struct cr_op *op;

	switch (f->overlay) {
	case CR_OVERLAY_NONE:
		add(plan, CR_OP_BIND_ROOTFS, 0, f->rootfs, f->root_mnt);
		return;
	case CR_OVERLAY_FUSE:
		op = add(plan, CR_OP_MOUNT_FUSE, 0, f->rootfs, f->root_mnt);
		op->data =
		    cr_xasprintf("lowerdir=%s,upperdir=%s,workdir=%s%s%s", lower, upper, work,
				 f->fuse_idmap ? "," : "", f->fuse_idmap ? f->fuse_idmap : "");
		return;
	default:
		op = add(plan, CR_OP_MOUNT_OVERLAY, f->overlay_fallback ? CR_OPF_FALLBACK : 0,
			 "overlay", f->root_mnt);
		op->fstype = cr_xstrdup("overlay");
		/* A --rm layer is thrown away: volatile skips every sync to the upper fs. */
		op->data = cr_xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,userxattr%s", lower,
					upper, work, cfg->remove ? ",volatile" : "");
		return;
	}
}

static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};

static void add_dev(struct cr_plan *plan, const struct cr_facts *f, long long shm_size)
{
	cleanup_free char *pts = cr_xasprintf("newinstance,ptmxmode=0666,mode=0620%s",
					      f->tty_gid_mapped ? ",gid=5" : "");
	static const char *const links[][2] = {
	    {"pts/ptmx", "/dev/ptmx"},		{"/proc/self/fd", "/dev/fd"},
	    {"/proc/self/fd/0", "/dev/stdin"},	{"/proc/self/fd/1", "/dev/stdout"},
	    {"/proc/self/fd/2", "/dev/stderr"},
	};

	add_mount(plan, "tmpfs", "/dev", "mode=755,size=65536k", CR_OPF_NOSUID | CR_OPF_NOEXEC);
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		cleanup_free char *host = cr_xasprintf("/dev/%s", dev_nodes[i]);

		add(plan, CR_OP_MKFILE, CR_OPF_IN_ROOT, NULL, host);
		add(plan, CR_OP_BIND, CR_OPF_IN_ROOT, host, host);
	}
	add_mount(plan, "devpts", "/dev/pts", pts, CR_OPF_NOSUID | CR_OPF_NOEXEC);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		add(plan, CR_OP_SYMLINK, CR_OPF_IN_ROOT, links[i][0], links[i][1]);
	add_sized_tmpfs(plan, "/dev/shm", shm_size, CR_OPF_NOSUID | CR_OPF_NODEV | CR_OPF_NOEXEC);
	add_mount(plan, "mqueue", "/dev/mqueue", "",
		  CR_OPF_NOSUID | CR_OPF_NODEV | CR_OPF_NOEXEC | CR_OPF_OPTIONAL);
}

/* A sysfs of its own needs a network namespace of its own; else the host's, read-only. */
static void add_sys(struct cr_plan *plan, const struct cr_config *cfg)
{
	if (cfg->net != CR_NET_HOST) {
		add_mount(plan, "sysfs", "/sys", "",
			  CR_OPF_RDONLY | CR_OPF_NOSUID | CR_OPF_NODEV | CR_OPF_NOEXEC);
		return;
	}
	add(plan, CR_OP_MKDIR, CR_OPF_IN_ROOT, NULL, "/sys");
	add(plan, CR_OP_BIND, CR_OPF_IN_ROOT | CR_OPF_RDONLY | CR_OPF_NOSUID | CR_OPF_NODEV, "/sys",
	    "/sys");
}

/* What docker and podman hide in /proc and /sys, and keep read-only. */
static const char *const masked_paths[] = {
    "/proc/kcore",	   "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
    "/proc/latency_stats", "/proc/acpi", "/proc/scsi",	     "/sys/firmware"};
static const char *const readonly_paths[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq",
					     "/proc/bus", "/proc/fs"};

/* With nested user namespaces, none in /proc: the kernel lets a nested PID namespace mount
 * a procfs of its own only where the container's /proc has nothing mounted over it (it
 * would show what the masks hide: mount_too_revealing), so that they would hide nothing. */
static void add_masks(struct cr_plan *plan, bool nested)
{
	for (size_t i = 0; i < sizeof(masked_paths) / sizeof(masked_paths[0]); i++) {
		if (!nested || strncmp(masked_paths[i], "/proc/", 6))
			add(plan, CR_OP_MASK, CR_OPF_IN_ROOT | CR_OPF_OPTIONAL, NULL,
			    masked_paths[i]);
	}
	for (size_t i = 0; i < sizeof(readonly_paths) / sizeof(readonly_paths[0]) && !nested; i++)
		add(plan, CR_OP_READONLY, CR_OPF_IN_ROOT | CR_OPF_OPTIONAL, NULL,
		    readonly_paths[i]);
}

static int add_user_mounts(struct cr_plan *plan, const struct cr_config *cfg,
			   const struct cr_facts *f, struct cr_error *err)
{
	for (size_t i = 0; i < cfg->nmounts; i++) {
		const struct cr_mount *m = &cfg->mounts[i];

		if (!strcmp(m->dst, "/") || !strcmp(m->dst, "/proc") ||
		    !strncmp(m->dst, "/proc/", 6)) {
			cr_fail(err, 0, "cannot mount a volume at %s", m->dst);
			return cr_hint(err, "pick another container path");
		}
		if (m->kind == CR_MOUNT_TMPFS) {
			add_mount(plan, "tmpfs", m->dst, m->data ? m->data : "mode=1777",
				  CR_OPF_NOSUID | CR_OPF_NODEV | (m->readonly ? CR_OPF_RDONLY : 0) |
				      (m->flags & MS_NOEXEC ? CR_OPF_NOEXEC : 0));
			continue;
		}
		add(plan, f->src_is_dir[i] ? CR_OP_MKDIR : CR_OP_MKFILE, CR_OPF_IN_ROOT, NULL,
		    m->dst);
		add(plan, CR_OP_BIND,
		    CR_OPF_IN_ROOT | CR_OPF_NOSUID | CR_OPF_NODEV |
			(m->readonly ? CR_OPF_RDONLY : 0),
		    m->src, m->dst);
	}
	return 0;
}

/* True when the user binds something at dst himself (-v, --tmpfs): his wins, as in podman. */
static bool user_mounts_at(const struct cr_config *cfg, const char *dst)
{
	for (size_t i = 0; i < cfg->nmounts; i++) {
		if (!strcmp(cfg->mounts[i].dst, dst))
			return true;
	}
	return false;
}

/* The container's /etc/resolv.conf, /etc/hosts and /etc/hostname, made in netfiles_dir, bound
 * read-write over the rootfs's (netfiles.h). */
static void add_netfiles(struct cr_plan *plan, const struct cr_config *cfg,
			 const struct cr_facts *f)
{
	static const char *const files[] = {"resolv.conf", "hosts", "hostname"};

	if (!f->netfiles_dir)
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		cleanup_free char *dst = cr_xasprintf("/etc/%s", files[i]);
		cleanup_free char *src = cr_xasprintf("%s/%s", f->netfiles_dir, files[i]);

		if ((cfg->no_hosts && !strcmp(files[i], "hosts")) || user_mounts_at(cfg, dst))
			continue;
		add(plan, CR_OP_MKFILE, CR_OPF_IN_ROOT, NULL, dst);
		add(plan, CR_OP_BIND, CR_OPF_IN_ROOT | CR_OPF_NOSUID | CR_OPF_NODEV, src, dst);
	}
}

int plan_build(const struct cr_config *cfg, const struct cr_facts *f, struct cr_plan *plan,
	       struct cr_error *err)
{
	struct cr_op *op;

	if (cfg->oci)
		return plan_build_oci(cfg, f, plan, err);
	memset(plan, 0, sizeof(*plan));
	op = add(plan, CR_OP_CLONE, 0, NULL, NULL);
	op->nsflags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
		      (cfg->net != CR_NET_HOST ? CLONE_NEWNET : 0);
	/* PID 1 is in its cgroup's leaf by now (cloned into it): the namespace's root is the
	 * leaf, so that the container, even given CAP_SYS_ADMIN, sees and mounts no cgroup
	 * above it; clone's own CLONE_NEWCGROUP would root it in the front end's cgroup (the
	 * kernel makes the namespaces before it moves the child) */
	if (f->cgroupns)
		add(plan, CR_OP_CGROUPNS, 0, NULL, NULL);
	if (cfg->net != CR_NET_HOST)
		add(plan, CR_OP_LOOPBACK_UP, 0, NULL, NULL);
	add(plan, CR_OP_MAKE_RPRIVATE, 0, NULL, "/");
	if (cfg->userns == CR_USERNS_KEEP_ID && (f->overlay != CR_OVERLAY_FUSE || !f->fuse_idmap)) {
		/* The kernel overlay cannot be id-mapped (no FS_ALLOW_IDMAP), nor can an
		 * unprivileged user id-map the host's filesystem: the rootfs's root-owned files
		 * would be yours inside. fuse-overlayfs shifts them as it presents them. */
		plan_free(plan);
		cr_fail(err, 0, "--userns=keep-id needs fuse-overlayfs (--overlay=auto or fuse)");
		return cr_hint(err, "drop --overlay=kernel or --overlay=none");
	}
	if (f->nlowers && f->overlay == CR_OVERLAY_NONE) {
		plan_free(plan);
		cr_fail(err, 0,
			"--overlay=none cannot run an image: its layers are shared, "
			"read-only lower dirs");
		return cr_hint(err, "drop --overlay=none");
	}
	if (f->nlowers > PLAN_MAX_LOWERS) {
		plan_free(plan);
		cr_fail(err, 0, "the image has %zu layers: kernel overlayfs takes at most %d",
			f->nlowers, PLAN_MAX_LOWERS);
		return cr_hint(err, "squash the image (commit a container made from it)");
	}
	add_rootfs(plan, cfg, f);
	if (f->passwd_line && f->group_line && f->home) {
		op = add(plan, CR_OP_ADD_USER, CR_OPF_IN_ROOT, f->passwd_line, f->home);
		op->data = cr_xstrdup(f->group_line);
	}
	add_dev(plan, f, cfg->shm_size > 0 ? cfg->shm_size : CR_SHM_SIZE_DEFAULT);
	add_sys(plan, cfg);
	add_mount(plan, "proc", "/proc", "", CR_OPF_NOSUID | CR_OPF_NODEV | CR_OPF_NOEXEC);
	/* through the container's /proc, before the masks make /proc/sys read-only; the host's
	 * network keeps the host's setting */
	if (cfg->net != CR_NET_HOST && f->ping_group_range) {
		op = add(plan, CR_OP_SYSCTL, 0, "net.ipv4.ping_group_range", NULL);
		op->data = cr_xstrdup(f->ping_group_range);
	}
	if (!cfg->sec.privileged)
		add_masks(plan, cfg->sec.nested);
	/* sized (not the kernel's half of RAM); a --tmpfs /tmp or -v ...:/tmp of the user's
	 * replaces it */
	if (!f->tmp_has_content && !user_mounts_at(cfg, "/tmp"))
		add_sized_tmpfs(plan, "/tmp",
				cfg->tmp_size > 0 ? cfg->tmp_size : CR_TMP_SIZE_DEFAULT,
				CR_OPF_NOSUID | CR_OPF_NODEV);
	add_netfiles(plan, cfg, f);
	if (add_user_mounts(plan, cfg, f, err) < 0) {
		plan_free(plan);
		return -1;
	}
	if (cfg->cwd)
		add(plan, CR_OP_MKDIR, CR_OPF_IN_ROOT, NULL, cfg->cwd);
	if (cfg->readonly_root)
		add(plan, CR_OP_REMOUNT_RO, 0, NULL, f->root_mnt);
	add(plan, CR_OP_HOSTNAME, 0, f->hostname, NULL);
	add(plan, CR_OP_PIVOT_ROOT, 0, NULL, f->root_mnt);
	add(plan, CR_OP_CHDIR, 0, NULL, cfg->cwd ? cfg->cwd : "/");
	/* The host's network namespace holds the host's abstract unix sockets. */
	if (cfg->net == CR_NET_HOST && f->landlock_scope && cfg->sec.landlock &&
	    !cfg->sec.privileged)
		add(plan, CR_OP_LANDLOCK, 0, NULL, NULL);
	/* --ulimit: last, so that no step before runs with a lowered limit; inherited by the
	 * init helper and the command */
	for (size_t i = 0; i < cfg->nrlimits; i++) {
		op = add(plan, CR_OP_RLIMIT, 0, NULL, NULL);
		op->rlimit = cfg->rlimits[i];
	}
	/* --init=false: init sets the command up and execs it in its place, as PID 1 */
	add(plan, CR_OP_EXEC, 0, cfg->init ? NULL : "--in-place", NULL);
	return 0;
}

void plan_free(struct cr_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->ops[i].src);
		free(plan->ops[i].dst);
		free(plan->ops[i].fstype);
		free(plan->ops[i].data);
	}
	free(plan->ops);
	plan->ops = NULL;
	plan->n = plan->cap = 0;
}

static void format_flags(unsigned flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", flags & CR_OPF_RDONLY ? ",ro" : "",
		 flags & CR_OPF_NOSUID ? ",nosuid" : "", flags & CR_OPF_NODEV ? ",nodev" : "",
		 flags & CR_OPF_NOEXEC ? ",noexec" : "");
}

static void format_clone(unsigned long ns, char *buf, size_t len)
{
	snprintf(buf, len, "unshare%s%s%s%s%s --fork", ns & CLONE_NEWPID ? " --pid" : "",
		 ns & CLONE_NEWNS ? " --mount" : "", ns & CLONE_NEWUTS ? " --uts" : "",
		 ns & CLONE_NEWIPC ? " --ipc" : "", ns & CLONE_NEWNET ? " --net" : "");
}

void plan_format_op(const struct cr_op *op, const char *root_mnt, char *buf, size_t len)
{
	char flags[64];
	const char *dst = op->dst ? op->dst : "";
	/* after pivot_root the root is "/" */
	const char *pre = (op->flags & CR_OPF_IN_ROOT) && strcmp(root_mnt, "/") ? root_mnt : "";

	if (plan_format_oci_op(op, root_mnt, buf, len))
		return;
	format_flags(op->flags, flags, sizeof(flags));
	switch (op->kind) {
	case CR_OP_LOOPBACK_UP:
		snprintf(buf, len, "ip link set lo up");
		return;
	case CR_OP_CGROUPNS:
		snprintf(buf, len, "unshare --cgroup");
		return;
	case CR_OP_MAKE_RPRIVATE:
		snprintf(buf, len, "mount --make-rprivate /");
		return;
	case CR_OP_MOUNT_OVERLAY:
		snprintf(buf, len, "mount -t overlay overlay -o %s %s", op->data, dst);
		return;
	case CR_OP_MOUNT_FUSE:
		snprintf(buf, len, "fuse-overlayfs -o %s %s", op->data, dst);
		return;
	case CR_OP_BIND_ROOTFS:
		snprintf(buf, len, "mount --rbind %s %s", op->src, dst);
		return;
	case CR_OP_MKDIR:
		snprintf(buf, len, "mkdir -p %s%s", pre, dst);
		return;
	case CR_OP_MKFILE:
		snprintf(buf, len, "touch %s%s", pre, dst);
		return;
	case CR_OP_SYMLINK:
		snprintf(buf, len, "ln -s %s %s%s", op->src, pre, dst);
		return;
	case CR_OP_MOUNT:
		snprintf(buf, len, "mount -t %s -o %s%s%s %s %s%s", op->fstype,
			 op->data && *op->data ? op->data : "rw", flags, "",
			 op->src ? op->src : op->fstype, pre, dst);
		return;
	case CR_OP_BIND:
		snprintf(buf, len, "mount --rbind%s%s %s %s%s", flags[0] ? " -o " : "",
			 flags[0] ? flags + 1 : "", op->src, pre, dst);
		return;
	case CR_OP_REMOUNT_RO:
		snprintf(buf, len, "mount -o remount,bind,ro %s", dst);
		return;
	case CR_OP_MASK:
		snprintf(buf, len, "mount --bind /dev/null %s%s  # or an empty ro tmpfs for a dir",
			 pre, dst);
		return;
	case CR_OP_READONLY:
		snprintf(buf, len, "mount --bind -o ro %s%s %s%s", pre, dst, pre, dst);
		return;
	case CR_OP_HOSTNAME:
		snprintf(buf, len, "hostname %s", op->src);
		return;
	case CR_OP_CLONE:
		format_clone(op->nsflags, buf, len);
		return;
	case CR_OP_PIVOT_ROOT:
		snprintf(buf, len, "cd %s && pivot_root . . && umount -l .", dst);
		return;
	case CR_OP_CHDIR:
		snprintf(buf, len, "cd %s", dst);
		return;
	case CR_OP_ADD_USER:
		snprintf(buf, len,
			 "echo '%.*s' >> %s/etc/passwd; echo '%.*s' >> %s/etc/group; "
			 "mkdir -p %s%s  # unless their ids have entries",
			 (int)strcspn(op->src, "\n"), op->src, root_mnt,
			 (int)strcspn(op->data, "\n"), op->data, root_mnt, pre, dst);
		return;
	case CR_OP_LANDLOCK:
		snprintf(buf, len,
			 "# landlock_restrict_self(LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET): no "
			 "abstract unix socket made outside the container");
		return;
	case CR_OP_RLIMIT:
		limits_format_ulimit(&op->rlimit, flags, sizeof(flags));
		snprintf(buf, len, "prlimit --pid 1 --%s", flags);
		return;
	case CR_OP_EXEC:
		snprintf(buf, len, "exec conti-rootless-init%s", op->src ? " --in-place" : "");
		return;
	default:
		break;
	}
	snprintf(buf, len, "?");
}
