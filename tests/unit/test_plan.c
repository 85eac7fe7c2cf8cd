/* Unit tests: the setup plan built from a configuration, without namespaces. */
#include "unit.h"
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cgroup/limits.h"
#include "plan.h"

static const bool no_dirs[8];

static struct cr_facts facts(void)
{
	return (struct cr_facts){.rootfs = "/home/u/rootfs",
				 .root_mnt = "/run/user/1000/conti-rootless/box/rootfs",
				 .upper = "/home/u/.local/share/conti-rootless/containers/ab/upper",
				 .work = "/home/u/.local/share/conti-rootless/containers/ab/work",
				 .hostname = "box",
				 .overlay = CR_OVERLAY_KERNEL,
				 .overlay_fallback = true,
				 .tty_gid_mapped = true,
				 .src_is_dir = no_dirs};
}

/* Index of the first step of kind with dst (NULL: any), or -1. */
static int find(const struct cr_plan *p, enum cr_op_kind kind, const char *dst)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->ops[i].kind == kind &&
		    (!dst || (p->ops[i].dst && !strcmp(p->ops[i].dst, dst))))
			return (int)i;
	}
	return -1;
}

static void build(struct cr_config *cfg, struct cr_facts *f, struct cr_plan *p)
{
	struct cr_error err;

	ck_assert_int_eq(plan_build(cfg, f, p, &err), 0);
}

START_TEST(default_plan_order)
{
	struct cr_config cfg;
	struct cr_facts f = facts();
	struct cr_plan p;

	config_init(&cfg);
	build(&cfg, &f, &p);
	/* The front end clones PID 1 into new namespaces; PID 1 does everything else. */
	ck_assert_int_eq(p.ops[0].kind, CR_OP_CLONE);
	ck_assert_uint_eq(p.ops[0].nsflags,
			  CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC);
	ck_assert_int_eq(p.ops[1].kind, CR_OP_MAKE_RPRIVATE);
	ck_assert_int_eq(p.ops[2].kind, CR_OP_MOUNT_OVERLAY);
	ck_assert(p.ops[2].flags & CR_OPF_FALLBACK);
	ck_assert_int_gt(find(&p, CR_OP_MOUNT, "/dev"), 2);
	ck_assert_int_gt(find(&p, CR_OP_MOUNT, "/proc"), 2);
	ck_assert_int_gt(find(&p, CR_OP_PIVOT_ROOT, NULL), find(&p, CR_OP_MOUNT, "/proc"));
	ck_assert_int_gt(find(&p, CR_OP_PIVOT_ROOT, NULL), find(&p, CR_OP_HOSTNAME, NULL));
	ck_assert_int_eq(p.ops[p.n - 2].kind, CR_OP_CHDIR);
	ck_assert_int_eq(p.ops[p.n - 1].kind, CR_OP_EXEC);
	ck_assert_int_ge(find(&p, CR_OP_MOUNT, "/tmp"), 0);
	ck_assert_int_lt(find(&p, CR_OP_REMOUNT_RO, NULL), 0);
	ck_assert_int_lt(find(&p, CR_OP_LOOPBACK_UP, NULL), 0);
	plan_free(&p);
	config_free(&cfg);
}
END_TEST

START_TEST(overlay_options)
{
	struct cr_config cfg;
	struct cr_facts f = facts();
	struct cr_plan p;
	const struct cr_op *op;

	config_init(&cfg);
	build(&cfg, &f, &p);
	op = &p.ops[find(&p, CR_OP_MOUNT_OVERLAY, NULL)];
	ck_assert_str_eq(op->dst, f.root_mnt);
	ck_assert_str_eq(op->data, "lowerdir=/home/u/rootfs,upperdir=/home/u/.local/share/"
				   "conti-rootless/containers/ab/upper,workdir=/home/u/.local/"
				   "share/conti-rootless/containers/ab/work,userxattr");
	plan_free(&p);
	cfg.remove = true; /* a throwaway layer needs no syncs */
	build(&cfg, &f, &p);
	ck_assert_ptr_nonnull(
	    strstr(p.ops[find(&p, CR_OP_MOUNT_OVERLAY, NULL)].data, ",userxattr,volatile"));
	plan_free(&p);
	cfg.remove = false;
	f.overlay = CR_OVERLAY_FUSE;
	build(&cfg, &f, &p);
	ck_assert_int_lt(find(&p, CR_OP_MOUNT_OVERLAY, NULL), 0);
	ck_assert_int_ge(find(&p, CR_OP_MOUNT_FUSE, NULL), 0);
	plan_free(&p);
	f.overlay = CR_OVERLAY_NONE;
	build(&cfg, &f, &p);
	ck_assert_str_eq(p.ops[find(&p, CR_OP_BIND_ROOTFS, NULL)].src, "/home/u/rootfs");
	plan_free(&p);
	config_free(&cfg);
}
END_TEST

START_TEST(overlay_paths_are_escaped)
{
	char *e = plan_escape_overlay_path("/a,b:c\\d");

	ck_assert_str_eq(e, "/a\\,b\\:c\\\\d");
	free(e);
}
END_TEST

START_TEST(devices_and_devpts)
{
	static const char *const nodes[] = {"/dev/null",   "/dev/zero",	   "/dev/full",
					    "/dev/random", "/dev/urandom", "/dev/tty"};
	struct cr_config cfg;
	struct cr_facts f = facts();
	struct cr_plan p;

	config_init(&cfg);
	build(&cfg, &f, &p);
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		int mk = find(&p, CR_OP_MKFILE, nodes[i]), bind = find(&p, CR_OP_BIND, nodes[i]);

		ck_assert_int_ge(mk, 0);
		ck_assert_int_gt(bind, mk);
		ck_assert_str_eq(p.ops[bind].src, nodes[i]);
	}
	ck_assert_ptr_nonnull(strstr(p.ops[find(&p, CR_OP_MOUNT, "/dev/pts")].data, "gid=5"));
	ck_assert_str_eq(p.ops[find(&p, CR_OP_SYMLINK, "/dev/ptmx")].src, "pts/ptmx");
	ck_assert(p.ops[find(&p, CR_OP_MOUNT, "/dev/mqueue")].flags & CR_OPF_OPTIONAL);
	ck_assert(p.ops[find(&p, CR_OP_BIND, "/sys")].flags & CR_OPF_RDONLY);
	plan_free(&p);
	f.tty_gid_mapped = false;
	build(&cfg, &f, &p);
	ck_assert_ptr_null(strstr(p.ops[find(&p, CR_OP_MOUNT, "/dev/pts")].data, "gid="));
	plan_free(&p);
	config_free(&cfg);
}
END_TEST

START_TEST(tmp_only_when_rootfs_has_none)
{
	struct cr_config cfg;
	struct cr_facts f = facts();
	struct cr_plan p;

	config_init(&cfg);
	f.tmp_has_content = true;
	build(&cfg, &f, &p);
	ck_assert_int_lt(find(&p, CR_OP_MOUNT, "/tmp"), 0);
	plan_free(&p);
	config_free(&cfg);
}
END_TEST

START_TEST(volumes_tmpfs_workdir_readonly_net)
{
	static const bool dirs[] = {true, false, false};
	struct cr_config cfg;
	struct cr_facts f = facts();
	struct cr_plan p;
	int v;

	config_init(&cfg);
	config_add_mount(&cfg, CR_MOUNT_BIND, "/src", "/mnt/src", true);
	config_add_mount(&cfg, CR_MOUNT_BIND, "/etc/hosts", "/etc/hosts", false);
	config_add_mount(&cfg, CR_MOUNT_TMPFS, NULL, "/scratch", false);
	cfg.cwd = strdup("/work/dir");
	cfg.readonly_root = true;
	cfg.net = CR_NET_NONE;
	f.src_is_dir = dirs;
	build(&cfg, &f, &p);
	v = find(&p, CR_OP_BIND, "/mnt/src");
	ck_assert_int_eq(p.ops[v - 1].kind, CR_OP_MKDIR);
	ck_assert_uint_eq(p.ops[v].flags & (CR_OPF_RDONLY | CR_OPF_NOSUID | CR_OPF_NODEV),
			  CR_OPF_RDONLY | CR_OPF_NOSUID | CR_OPF_NODEV);
	v = find(&p, CR_OP_BIND, "/etc/hosts");
	ck_assert_int_eq(p.ops[v - 1].kind, CR_OP_MKFILE);
	ck_assert(!(p.ops[v].flags & CR_OPF_RDONLY));
	ck_assert_int_ge(find(&p, CR_OP_MOUNT, "/scratch"), 0);
	ck_assert_int_ge(find(&p, CR_OP_MKDIR, "/work/dir"), 0);
	ck_assert_str_eq(p.ops[find(&p, CR_OP_CHDIR, NULL)].dst, "/work/dir");
	/* read-only comes after every mount into the root, before pivot_root */
	ck_assert_int_gt(find(&p, CR_OP_REMOUNT_RO, NULL), find(&p, CR_OP_MOUNT, "/scratch"));
	ck_assert_int_gt(find(&p, CR_OP_REMOUNT_RO, NULL), find(&p, CR_OP_MOUNT, "/proc"));
	ck_assert_int_lt(find(&p, CR_OP_REMOUNT_RO, NULL), find(&p, CR_OP_PIVOT_ROOT, NULL));
	ck_assert(p.ops[0].nsflags & CLONE_NEWNET);
	/* its own network namespace: a sysfs of its own, not the host's */
	ck_assert_int_lt(find(&p, CR_OP_BIND, "/sys"), 0);
	ck_assert(p.ops[find(&p, CR_OP_MOUNT, "/sys")].flags & CR_OPF_RDONLY);
	ck_assert_int_eq(p.ops[1].kind, CR_OP_LOOPBACK_UP);
	plan_free(&p);
	config_free(&cfg);
}
END_TEST

START_TEST(volume_over_root_or_proc_is_refused)
{
	static const char *const bad[] = {"/", "/proc", "/proc/sys"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cr_config cfg;
		struct cr_facts f = facts();
		struct cr_plan p;
		struct cr_error err;

		config_init(&cfg);
		config_add_mount(&cfg, CR_MOUNT_TMPFS, NULL, bad[i], false);
		ck_assert_int_eq(plan_build(&cfg, &f, &p, &err), -1);
		ck_assert_int_eq(err.status, CR_EXIT_TOOL);
		config_free(&cfg);
	}
}
END_TEST

START_TEST(trace_lines_are_shell_commands)
{
	struct cr_config cfg;
	struct cr_facts f = facts();
	struct cr_plan p;
	char line[1024];

	config_init(&cfg);
	build(&cfg, &f, &p);
	plan_format_op(&p.ops[0], f.root_mnt, line, sizeof(line));
	ck_assert_str_eq(line, "unshare --pid --mount --uts --ipc --fork");
	plan_format_op(&p.ops[1], f.root_mnt, line, sizeof(line));
	ck_assert_str_eq(line, "mount --make-rprivate /");
	plan_format_op(&p.ops[2], f.root_mnt, line, sizeof(line));
	ck_assert_int_eq(strncmp(line, "mount -t overlay overlay -o lowerdir=", 37), 0);
	plan_format_op(&p.ops[find(&p, CR_OP_PIVOT_ROOT, NULL)], f.root_mnt, line, sizeof(line));
	ck_assert_str_eq(line, "cd /run/user/1000/conti-rootless/box/rootfs && pivot_root . . && "
			       "umount -l .");
	plan_format_op(&p.ops[find(&p, CR_OP_HOSTNAME, NULL)], f.root_mnt, line, sizeof(line));
	ck_assert_str_eq(line, "hostname box");
	plan_free(&p);
	config_free(&cfg);
}
END_TEST

START_TEST(upper_filesystems)
{
	ck_assert_str_eq(plan_upper_fs_problem(0x6969), "NFS");
	ck_assert_str_eq(plan_upper_fs_problem(0x794C7630), "overlayfs");
	ck_assert_ptr_null(plan_upper_fs_problem(0xEF53));     /* ext4 */
	ck_assert_ptr_null(plan_upper_fs_problem(0x01021994)); /* tmpfs */
}
END_TEST

/* Issue 12: --security-opt nested=true leaves /proc without masks or read-only mounts (a
 * nested PID namespace may mount its own procfs only then), /sys/firmware masked still;
 * --init=false makes the last step exec the init helper --in-place. */
START_TEST(nested_and_init_false)
{
	struct cr_config cfg;
	struct cr_facts f = facts();
	struct cr_plan p;
	char line[256];

	config_init(&cfg);
	build(&cfg, &f, &p);
	ck_assert_int_ge(find(&p, CR_OP_MASK, "/proc/kcore"), 0);
	ck_assert_int_ge(find(&p, CR_OP_READONLY, "/proc/sys"), 0);
	ck_assert_ptr_null(p.ops[p.n - 1].src);
	plan_format_op(&p.ops[p.n - 1], f.root_mnt, line, sizeof(line));
	ck_assert_str_eq(line, "exec conti-rootless-init");
	plan_free(&p);
	cfg.sec.nested = true;
	cfg.init = false;
	build(&cfg, &f, &p);
	ck_assert_int_lt(find(&p, CR_OP_MASK, "/proc/kcore"), 0);
	ck_assert_int_lt(find(&p, CR_OP_MASK, "/proc/keys"), 0);
	ck_assert_int_lt(find(&p, CR_OP_READONLY, NULL), 0);
	ck_assert_int_ge(find(&p, CR_OP_MASK, "/sys/firmware"), 0);
	ck_assert_int_ge(find(&p, CR_OP_MOUNT, "/proc"), 0);
	plan_format_op(&p.ops[p.n - 1], f.root_mnt, line, sizeof(line));
	ck_assert_str_eq(line, "exec conti-rootless-init --in-place");
	plan_free(&p);
	config_free(&cfg);
}
END_TEST

/* The container's /etc/resolv.conf, hosts and hostname: made from the runtime dir's copies,
 * bound read-write (nosuid, nodev) before the user's volumes; --no-hosts drops hosts, a volume
 * at one of them replaces ours; no dir (facts without one): no step at all. */
START_TEST(netfiles_bound_from_runtime_dir)
{
	static const char *const files[] = {"/etc/resolv.conf", "/etc/hosts", "/etc/hostname"};
	static const bool dirs[] = {false};
	struct cr_config cfg;
	struct cr_facts f = facts();
	struct cr_plan p;
	char line[512];

	config_init(&cfg);
	f.netfiles_dir = "/run/user/1000/conti-rootless/box";
	build(&cfg, &f, &p);
	for (size_t i = 0; i < 3; i++) {
		int mk = find(&p, CR_OP_MKFILE, files[i]), bind = find(&p, CR_OP_BIND, files[i]);

		ck_assert_int_ge(mk, 0);
		ck_assert_int_eq(bind, mk + 1);
		ck_assert_str_eq(p.ops[bind].src + strlen(f.netfiles_dir) + 1, files[i] + 5);
		ck_assert_uint_eq(p.ops[bind].flags, CR_OPF_IN_ROOT | CR_OPF_NOSUID | CR_OPF_NODEV);
		ck_assert_int_lt(bind, find(&p, CR_OP_PIVOT_ROOT, NULL));
	}
	plan_format_op(&p.ops[find(&p, CR_OP_BIND, "/etc/hosts")], f.root_mnt, line, sizeof(line));
	ck_assert_str_eq(line, "mount --rbind -o nosuid,nodev /run/user/1000/conti-rootless/box/"
			       "hosts /run/user/1000/conti-rootless/box/rootfs/etc/hosts");
	plan_free(&p);
	cfg.no_hosts = true;
	config_add_mount(&cfg, CR_MOUNT_BIND, "/home/u/resolv", "/etc/resolv.conf", true);
	f.src_is_dir = dirs;
	build(&cfg, &f, &p);
	ck_assert_int_eq(find(&p, CR_OP_MKFILE, "/etc/hosts"), -1);
	ck_assert_int_ge(find(&p, CR_OP_BIND, "/etc/hostname"), 0);
	ck_assert_str_eq(p.ops[find(&p, CR_OP_BIND, "/etc/resolv.conf")].src, "/home/u/resolv");
	plan_free(&p);
	f.netfiles_dir = NULL;
	build(&cfg, &f, &p);
	ck_assert_int_eq(find(&p, CR_OP_BIND, "/etc/hostname"), -1);
	plan_free(&p);
	config_free(&cfg);
}
END_TEST

/* keep-id: fuse-overlayfs with the id shift, the user's entries added right after the rootfs
 * is mounted; the kernel overlay (which cannot shift) or none is refused. */
START_TEST(keepid_plan)
{
	struct cr_config cfg;
	struct cr_facts f = facts();
	struct cr_plan p;
	struct cr_error err;
	int fuse, add;

	config_init(&cfg);
	cfg.userns = CR_USERNS_KEEP_ID;
	ck_assert_int_eq(plan_build(&cfg, &f, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "fuse-overlayfs"));
	f.overlay = CR_OVERLAY_FUSE;
	f.fuse_idmap = "uidmapping=0:1:1000:1000:0:1,gidmapping=0:1:1000:1000:0:1";
	f.passwd_line = "u:x:1000:1000:u:/home/u:/bin/sh\n";
	f.group_line = "u:x:1000:\n";
	f.home = "/home/u";
	build(&cfg, &f, &p);
	fuse = find(&p, CR_OP_MOUNT_FUSE, NULL);
	add = find(&p, CR_OP_ADD_USER, "/home/u");
	ck_assert_int_ge(fuse, 0);
	ck_assert_ptr_nonnull(strstr(p.ops[fuse].data, ",uidmapping=0:1:1000:1000:0:1,gid"));
	ck_assert_int_eq(add, fuse + 1);
	ck_assert_int_lt(add, find(&p, CR_OP_PIVOT_ROOT, NULL));
	plan_free(&p);
	f.overlay = CR_OVERLAY_NONE;
	ck_assert_int_eq(plan_build(&cfg, &f, &p, &err), -1);
	config_free(&cfg);
}
END_TEST

/* ping: net.ipv4.ping_group_range is set in a network namespace of the container's own (none,
 * private), through its /proc before the masks make /proc/sys read-only; never on the host's
 * network; --trace shows it as the sysctl command. */
START_TEST(ping_group_range_in_own_netns)
{
	struct cr_config cfg;
	struct cr_facts f = facts();
	struct cr_plan p;
	char line[256];
	int step;

	f.ping_group_range = "0 65536";
	config_init(&cfg);
	build(&cfg, &f, &p);
	ck_assert_int_eq(find(&p, CR_OP_SYSCTL, NULL), -1);
	plan_free(&p);
	for (int net = CR_NET_NONE; net <= CR_NET_PRIVATE; net++) {
		cfg.net = (enum cr_net_mode)net;
		if (cfg.net == CR_NET_HOST)
			continue;
		build(&cfg, &f, &p);
		step = find(&p, CR_OP_SYSCTL, NULL);
		ck_assert_int_gt(step, find(&p, CR_OP_MOUNT, "/proc"));
		ck_assert_int_lt(step, find(&p, CR_OP_READONLY, "/proc/sys"));
		ck_assert_str_eq(p.ops[step].src, "net.ipv4.ping_group_range");
		ck_assert_str_eq(p.ops[step].data, "0 65536");
		plan_format_op(&p.ops[step], f.root_mnt, line, sizeof(line));
		ck_assert_str_eq(line, "sysctl -w net.ipv4.ping_group_range='0 65536'");
		plan_free(&p);
	}
	f.ping_group_range = NULL;
	build(&cfg, &f, &p);
	ck_assert_int_eq(find(&p, CR_OP_SYSCTL, NULL), -1);
	plan_free(&p);
	config_free(&cfg);
}
END_TEST

/* /dev/shm and the default /tmp are sized (docker's 64m, 512m: not the kernel's half of
 * RAM); --shm-size and a --tmpfs /tmp of the user's change them. */
START_TEST(shm_and_tmp_sizes)
{
	struct cr_config cfg;
	struct cr_facts f = facts();
	struct cr_error err;
	struct cr_plan p;
	char line[512];
	int t;

	config_init(&cfg);
	build(&cfg, &f, &p);
	ck_assert_str_eq(p.ops[find(&p, CR_OP_MOUNT, "/dev/shm")].data, "mode=1777,size=65536k");
	t = find(&p, CR_OP_MOUNT, "/tmp");
	ck_assert_str_eq(p.ops[t].data, "mode=1777,size=524288k");
	plan_format_op(&p.ops[t], "/", line, sizeof(line));
	ck_assert_str_eq(line, "mount -t tmpfs -o mode=1777,size=524288k,nosuid,nodev tmpfs /tmp");
	plan_free(&p);

	cfg.shm_size = 1LL << 30;
	cfg.tmp_size = 1000; /* not a multiple of 1k: in bytes */
	build(&cfg, &f, &p);
	ck_assert_str_eq(p.ops[find(&p, CR_OP_MOUNT, "/dev/shm")].data, "mode=1777,size=1048576k");
	ck_assert_str_eq(p.ops[find(&p, CR_OP_MOUNT, "/tmp")].data, "mode=1777,size=1000");
	plan_free(&p);

	/* the user's --tmpfs /tmp:size=1g,noexec,ro replaces the default one */
	config_add_mount(&cfg, CR_MOUNT_TMPFS, NULL, "/tmp", false);
	ck_assert_int_eq(config_tmpfs_options(&cfg.mounts[0], "size=1g,noexec,ro", &err), 0);
	build(&cfg, &f, &p);
	t = find(&p, CR_OP_MOUNT, "/tmp");
	ck_assert_str_eq(p.ops[t].data, "mode=1777,size=1073741824");
	ck_assert_uint_eq(p.ops[t].flags & (CR_OPF_NOEXEC | CR_OPF_RDONLY | CR_OPF_NOSUID),
			  CR_OPF_NOEXEC | CR_OPF_RDONLY | CR_OPF_NOSUID);
	for (size_t i = (size_t)t + 1; i < p.n; i++)
		ck_assert(p.ops[i].kind != CR_OP_MOUNT || strcmp(p.ops[i].dst, "/tmp"));
	plan_free(&p);
	config_free(&cfg);
}
END_TEST

/* --ulimit: one step a limit, the last before exec, printed as prlimit. */
START_TEST(ulimit_steps)
{
	struct cr_config cfg;
	struct cr_facts f = facts();
	struct cr_error err;
	struct cr_plan p;
	char line[256];
	int r;

	config_init(&cfg);
	build(&cfg, &f, &p);
	ck_assert_int_lt(find(&p, CR_OP_RLIMIT, NULL), 0);
	plan_free(&p);
	ck_assert_int_eq(limits_parse_ulimit("nofile=1024:2048", &cfg, &err), 0);
	ck_assert_int_eq(limits_parse_ulimit("core=unlimited", &cfg, &err), 0);
	build(&cfg, &f, &p);
	r = find(&p, CR_OP_RLIMIT, NULL);
	ck_assert_int_gt(r, find(&p, CR_OP_CHDIR, NULL));
	ck_assert_int_eq(p.ops[r + 1].kind, CR_OP_RLIMIT);
	ck_assert_int_eq(p.ops[r + 2].kind, CR_OP_EXEC);
	ck_assert_int_eq(p.ops[r].rlimit.resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(p.ops[r].rlimit.soft, 1024);
	ck_assert_uint_eq(p.ops[r].rlimit.hard, 2048);
	plan_format_op(&p.ops[r], "/", line, sizeof(line));
	ck_assert_str_eq(line, "prlimit --pid 1 --nofile=1024:2048");
	plan_format_op(&p.ops[r + 1], "/", line, sizeof(line));
	ck_assert_str_eq(line, "prlimit --pid 1 --core=unlimited:unlimited");
	plan_free(&p);
	config_free(&cfg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, default_plan_order);
	tcase_add_test(tc, overlay_options);
	tcase_add_test(tc, overlay_paths_are_escaped);
	tcase_add_test(tc, devices_and_devpts);
	tcase_add_test(tc, tmp_only_when_rootfs_has_none);
	tcase_add_test(tc, volumes_tmpfs_workdir_readonly_net);
	tcase_add_test(tc, volume_over_root_or_proc_is_refused);
	tcase_add_test(tc, trace_lines_are_shell_commands);
	tcase_add_test(tc, upper_filesystems);
	tcase_add_test(tc, nested_and_init_false);
	tcase_add_test(tc, keepid_plan);
	suite_add_tcase(s, tc);
	tc = tcase_create("netfiles");
	tcase_add_test(tc, netfiles_bound_from_runtime_dir);
	suite_add_tcase(s, tc);
	tc = tcase_create("ping");
	tcase_add_test(tc, ping_group_range_in_own_netns);
	tcase_add_test(tc, shm_and_tmp_sizes);
	tcase_add_test(tc, ulimit_steps);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
