/* process.c - the last steps of a process entering an OCI container, right before execve. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "oci/process.h"
#include "security.h"
#include "utils.h"

static int set_rlimits(const struct cr_config *cfg, struct cr_error *err)
{
	for (size_t i = 0; i < cfg->nrlimits; i++) {
		const struct cr_rlimit *r = &cfg->rlimits[i];
		struct rlimit rl = {.rlim_cur = r->soft, .rlim_max = r->hard};

		if (setrlimit(r->resource, &rl) < 0) {
			cr_fail(err, errno, "set rlimit %d (soft %llu, hard %llu)", r->resource,
				r->soft, r->hard);
			return cr_hint(err, "a hard limit cannot be raised above the runtime's own "
					    "without CAP_SYS_RESOURCE: lower process.rlimits");
		}
	}
	return 0;
}

/* /proc/self/oom_score_adj, only on a procfs (the container's root decides what is at
 * /proc: a file of its own there would take the write for nothing). Nothing is written when
 * it holds the value already (oci_process_oom_score_adj ran before the process was made
 * non-dumpable, which makes the file root's of the runtime's namespace). */
static int set_oom_score_adj(int value, struct cr_error *err)
{
	cleanup_close int fd =
	    open("/proc/self/oom_score_adj", O_RDWR | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	struct statfs sfs;
	char buf[16], now[16] = "";
	int n = snprintf(buf, sizeof(buf), "%d", value);

	if (fd < 0 && errno == EACCES) {
		fd = open("/proc/self/oom_score_adj", O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
		if (fd >= 0 && fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC &&
		    read(fd, now, sizeof(now) - 1) > 0 && atoi(now) == value)
			return 0;
		cr_fail(err, EACCES, "set process.oomScoreAdj %d", value);
		return cr_hint(
		    err,
		    "the process is not dumpable here: set it before (oci_process_oom_score_adj)");
	}
	if (fd < 0 || fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
		cr_fail(err, fd < 0 ? errno : 0, "set process.oomScoreAdj %d: no procfs at /proc",
			value);
		return cr_hint(err, "mount proc on /proc in config.json's mounts");
	}
	if (read(fd, now, sizeof(now) - 1) > 0 && atoi(now) == value)
		return 0;
	if (pwrite(fd, buf, (size_t)n, 0) != n)
		return cr_fail(err, errno, "set process.oomScoreAdj %d", value);
	return 0;
}

int oci_process_oom_score_adj(const struct cr_config *cfg, struct cr_error *err)
{
	return cfg->oom_score_adj_set ? set_oom_score_adj(cfg->oom_score_adj, err) : 0;
}

/* After setresuid from uid 0 the kernel empties the effective set (PR_SET_KEEPCAPS kept
 * the permitted one): raise it back so that security_apply holds what it needs. */
static int restore_effective(struct cr_error *err)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return cr_fail(err, errno, "read the capabilities");
	data[0].effective = data[0].permitted;
	data[1].effective = data[1].permitted;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return cr_fail(err, errno, "restore the effective capabilities");
	return 0;
}

/* setgroups(additionalGids), setresgid, setresuid, keeping the capabilities. */
static int set_ids(const struct cr_config *cfg, struct cr_error *err)
{
	if (setgroups(cfg->nadditional_gids, cfg->additional_gids) < 0) {
		/* a user namespace with setgroups "deny" (a rootless map): none can be set */
		if (errno != EPERM || cfg->nadditional_gids) {
			cr_fail(err, errno, "set process.user.additionalGids");
			return cr_hint(err, "the user namespace may deny setgroups (a rootless "
					    "map): remove additionalGids");
		}
	}
	if (setresgid(cfg->gid, cfg->gid, cfg->gid) < 0) {
		cr_fail(err, errno, "set the group id %u", (unsigned)cfg->gid);
		return cr_hint(err, "map gid %u in linux.gidMappings", (unsigned)cfg->gid);
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return cr_fail(err, errno, "prctl PR_SET_KEEPCAPS");
	if (setresuid(cfg->uid, cfg->uid, cfg->uid) < 0) {
		cr_fail(err, errno, "set the user id %u", (unsigned)cfg->uid);
		return cr_hint(err, "map uid %u in linux.uidMappings", (unsigned)cfg->uid);
	}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return cr_fail(err, errno, "prctl PR_SET_KEEPCAPS");
	return cfg->uid ? restore_effective(err) : 0;
}

/* True in the initial user namespace (its uid_map maps every id to itself). */
static bool in_initial_userns(void)
{
	struct cr_error err;
	char map[256];

	return cr_read_file("/proc/self/uid_map", map, sizeof(map), &err) > 0 &&
	       !strcmp(map, "         0          0 4294967295\n");
}

/* Without a user namespace, as real root (containerd, CRI-O): CAP_MKNOD would make the host's
 * disks and memory reachable (mknod /dev/sda), which runc stops with the device cgroup. This
 * runtime manages no cgroup yet: the capability goes instead (a fifo or a socket needs none;
 * in a user namespace the kernel refuses a device node anyway). */
static void drop_mknod(struct cr_security *sec)
{
	const uint64_t mknod = 1ULL << CAP_MKNOD;

	sec->cap_bounding &= ~mknod;
	sec->cap_effective &= ~mknod;
	sec->cap_permitted &= ~mknod;
	sec->cap_inheritable &= ~mknod;
	sec->cap_ambient &= ~mknod;
	sec->caps &= ~mknod;
}

int oci_process_enter(const struct cr_config *cfg, struct cr_error *err)
{
	struct cr_security sec = cfg->sec;

	if (in_initial_userns())
		drop_mknod(&sec);
	if (set_rlimits(cfg, err) < 0)
		return -1;
	if (cfg->oom_score_adj_set && set_oom_score_adj(cfg->oom_score_adj, err) < 0)
		return -1;
	umask(cfg->umask >= 0 ? (mode_t)cfg->umask : 022);
	if (set_ids(cfg, err) < 0)
		return -1;
	return security_apply(&sec, err);
}
