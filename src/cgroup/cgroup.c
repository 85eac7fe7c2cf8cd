/* cgroup/cgroup.c - a cgroup of the container's own, under the user's delegated cgroup v2
 * subtree: finding the subtree, refusing limits it cannot apply, making, filling, entering
 * and removing a container's cgroup, and sweeping what a crash left.
 *
 * Every file is opened beneath a directory fd (the mount's, the subtree's, the container's
 * cgroup's), with O_NOFOLLOW and O_CLOEXEC: the cgroup dir fd is what clone3 takes, and it
 * must never reach the container.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "cgroup/cgroup.h"
#include "cgroup/limits.h"
#include "utils.h"

#define CR_CGROUP_PARENT "conti-rootless"
#define SWEEP_MIN_AGE 10     /* seconds: a cgroup younger than this may be about to get PID 1 */
#define DESTROY_WAIT_MS 1000 /* how long destroy waits for the killed processes to go */
#define DESTROY_MAX_DEPTH 32 /* sub-cgroups a container could have made */
#define STR_(x) #x
#define STR(x) STR_(x) /* conti-rootless/cgroup.max.depth: STR(DESTROY_MAX_DEPTH) */

static const struct {
	const char *name;
	unsigned ctl;
} controllers[] = {
    {"cpu", CR_CTL_CPU}, {"memory", CR_CTL_MEMORY}, {"pids", CR_CTL_PIDS},
    {"io", CR_CTL_IO},	 {"cpuset", CR_CTL_CPUSET},
};

#define NCTL (sizeof(controllers) / sizeof(controllers[0]))

void cgroup_controller_names(unsigned set, char *buf, size_t len)
{
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < NCTL && n < len; i++) {
		if (set & controllers[i].ctl)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "",
					      controllers[i].name);
	}
}

static const char *ctl_name(unsigned ctl)
{
	for (size_t i = 0; i < NCTL; i++) {
		if (controllers[i].ctl == ctl)
			return controllers[i].name;
	}
	return "?";
}

/* The CR_CTL_* bits of a space- or comma-separated list of controller names. */
static unsigned parse_controllers(const char *text, const char *seps)
{
	unsigned set = 0;

	while (*text) {
		size_t len = strcspn(text, seps);

		for (size_t i = 0; i < NCTL; i++) {
			if (strlen(controllers[i].name) == len &&
			    !strncmp(controllers[i].name, text, len))
				set |= controllers[i].ctl;
		}
		/* v1's blkio is what v2 calls io */
		if (len == 5 && !strncmp(text, "blkio", 5))
			set |= CR_CTL_IO;
		text += len;
		text += strspn(text, seps);
	}
	return set;
}

/* Reads the small file name beneath dirfd into buf; -1 with errno. */
static ssize_t read_at(int dirfd, const char *name, char *buf, size_t len)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t n = 0;

	if (fd < 0)
		return -1;
	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, len - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

/* Writes text into the file name beneath dirfd (one write: cgroup files take one value a
 * write); -1 with errno. */
static int write_at(int dirfd, const char *name, const char *text)
{
	cleanup_close int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t r;

	if (fd < 0)
		return -1;
	do
		r = write(fd, text, strlen(text));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	return 0;
}

/* Whether name beneath dirfd exists and uid owns it (not following a symlink). */
static bool owned_at(int dirfd, const char *name, uid_t uid)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_uid == uid;
}

/* Whether the cgroup rel (relative to the mount, "" the root) and its cgroup.procs are
 * uid's: what Delegate=yes gives. */
static bool delegated_to(int mnt_fd, const char *rel, uid_t uid)
{
	char procs[600];
	struct stat st;

	if (fstatat(mnt_fd, rel[0] ? rel : ".", &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISDIR(st.st_mode) || st.st_uid != uid)
		return false;
	snprintf(procs, sizeof(procs), "%s%scgroup.procs", rel, rel[0] ? "/" : "");
	return owned_at(mnt_fd, procs, uid);
}

/* Our v2 cgroup from /proc/self/cgroup's "0::/PATH" line into own (no leading '/'), and the
 * controllers v1 hierarchies hold (the other lines, "N:cpu,cpuacct:/PATH"). False when there
 * is no v2 line or its path is one we will not use (a cgroup namespace's "/..", too long). */
static bool parse_proc_cgroup(const char *text, char *own, size_t len, unsigned *on_v1)
{
	bool found = false;

	*on_v1 = 0;
	while (*text) {
		size_t n = strcspn(text, "\n");
		const char *c1 = memchr(text, ':', n), *c2;

		c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - text)) : NULL;
		if (c2 && c1 - text == 1 && text[0] == '0' && c2 == c1 + 1) {
			const char *path = c2 + 1;
			size_t plen = n - (size_t)(path - text);

			if (plen > 0 && path[0] == '/' && plen < len) {
				memcpy(own, path + 1, plen - 1);
				own[plen - 1] = '\0';
				found = true;
			}
		} else if (c2 && c2 > c1 + 1) {
			char names[256];
			size_t nlen = (size_t)(c2 - c1 - 1);

			if (nlen < sizeof(names)) {
				memcpy(names, c1 + 1, nlen);
				names[nlen] = '\0';
				*on_v1 |= parse_controllers(names, ",");
			}
		}
		text += n;
		text += *text == '\n';
	}
	if (!found)
		return false;
	/* "..", "." or empty components: a cgroup namespace's view, not a path of the mount */
	for (const char *p = own; *p;) {
		size_t clen = strcspn(p, "/");

		if (clen == 0 || (clen == 1 && p[0] == '.') ||
		    (clen == 2 && p[0] == '.' && p[1] == '.') || strchr(p, '\n'))
			return false;
		p += clen;
		p += *p == '/';
	}
	return true;
}

void cgroup_probe_at(struct cr_cgroup_host *h, int mnt_fd, const char *mnt, bool hybrid,
		     const char *proc_self_cgroup, uid_t uid)
{
	char rel[sizeof(h->own)], text[256];
	bool known;

	memset(h, 0, sizeof(*h));
	h->mnt_fd = mnt_fd;
	h->hybrid = hybrid;
	h->mode = CR_CG_NONE;
	snprintf(h->mnt, sizeof(h->mnt), "%s", mnt ? mnt : "");
	known = parse_proc_cgroup(proc_self_cgroup ? proc_self_cgroup : "", h->own, sizeof(h->own),
				  &h->on_v1);
	if (!known)
		h->own[0] = '\0';
	if (mnt_fd < 0)
		return;
	h->mode = CR_CG_NOT_DELEGATED;
	/* walk up from our own cgroup while each one is ours: the highest is the subtree */
	snprintf(rel, sizeof(rel), "%s", h->own);
	if (!known || !delegated_to(mnt_fd, rel, uid))
		return;
	for (;;) {
		char *slash = strrchr(rel, '/');

		snprintf(h->delegated, sizeof(h->delegated), "%s", rel);
		if (!rel[0])
			break;
		if (slash)
			*slash = '\0';
		else
			rel[0] = '\0';
		if (!delegated_to(mnt_fd, rel, uid))
			break;
	}
	h->mode = CR_CG_DELEGATED;
	snprintf(rel, sizeof(rel), "%s%scgroup.controllers", h->delegated,
		 h->delegated[0] ? "/" : "");
	if (read_at(mnt_fd, rel, text, sizeof(text)) >= 0)
		h->available = parse_controllers(text, " \n");
}

void cgroup_probe(struct cr_cgroup_host *h)
{
	struct statfs sfs;
	const char *mnt = NULL;
	bool hybrid = false;
	char text[4096];
	int fd = -1;

	if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
		mnt = "/sys/fs/cgroup";
	} else if (statfs("/sys/fs/cgroup/unified", &sfs) == 0 &&
		   sfs.f_type == CGROUP2_SUPER_MAGIC) {
		mnt = "/sys/fs/cgroup/unified";
		hybrid = true;
	}
	if (mnt)
		fd = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (read_at(AT_FDCWD, "/proc/self/cgroup", text, sizeof(text)) < 0)
		text[0] = '\0';
	cgroup_probe_at(h, fd, fd >= 0 ? mnt : "", hybrid, text, getuid());
}

void cgroup_host_release(struct cr_cgroup_host *h)
{
	if (h->mnt_fd >= 0)
		close(h->mnt_fd);
	h->mnt_fd = -1;
}

unsigned cgroup_needed(const struct cr_resources *res)
{
	unsigned ctl = 0;

	if (res->memory || res->memory_swap || res->memory_reservation)
		ctl |= CR_CTL_MEMORY;
	if (res->cpu_quota || res->cpu_period || res->cpu_weight)
		ctl |= CR_CTL_CPU;
	if (res->pids_limit)
		ctl |= CR_CTL_PIDS;
	if (res->io_weight)
		ctl |= CR_CTL_IO;
	return ctl;
}

/* The option of res that needs ctl, as the user typed it. */
static const char *option_of(const struct cr_resources *res, unsigned ctl)
{
	switch (ctl) {
	case CR_CTL_MEMORY:
		return res->memory	  ? "--memory"
		       : res->memory_swap ? "--memory-swap"
					  : "--memory-reservation";
	case CR_CTL_CPU:
		return res->cpu_quota || res->cpu_period ? "--cpus" : "--cpu-shares/--cpu-weight";
	case CR_CTL_PIDS:
		return "--pids-limit";
	case CR_CTL_IO:
		return "--io-weight/--blkio-weight";
	}
	return "a limit";
}

/* The last component of the delegated subtree ("user@1000.service"). */
static const char *subtree_name(const struct cr_cgroup_host *h)
{
	const char *slash = strrchr(h->delegated, '/');

	if (!h->delegated[0])
		return "the root cgroup";
	return slash ? slash + 1 : h->delegated;
}

int cgroup_check(const struct cr_cgroup_host *h, const struct cr_resources *res,
		 struct cr_error *err)
{
	unsigned needed = cgroup_needed(res);
	unsigned ctl;

	if (!needed)
		return 0;
	for (size_t i = 0; i < NCTL; i++) {
		ctl = controllers[i].ctl;
		if (!(needed & ctl) || (h->mode == CR_CG_DELEGATED && (h->available & ctl)))
			continue;
		if (h->on_v1 & ctl) {
			cr_fail(err, 0,
				"%s needs the %s controller, which cgroup v1 holds on this host",
				option_of(res, ctl), controllers[i].name);
			return cr_hint(err, CR_CGROUP_UNIFIED_FIX);
		}
		if (h->mode == CR_CG_NONE) {
			cr_fail(err, 0,
				"%s needs the %s controller of cgroup v2, which this host "
				"does not mount",
				option_of(res, ctl), controllers[i].name);
			return cr_hint(err, CR_CGROUP_UNIFIED_FIX);
		}
		if (h->mode == CR_CG_NOT_DELEGATED) {
			cr_fail(err, 0,
				"%s needs the %s controller, but your cgroup (/%s) is not "
				"delegated to you",
				option_of(res, ctl), controllers[i].name, h->own);
			return cr_hint(err,
				       "run it in your systemd user session (a login, or "
				       "systemd-run --user --scope -p Delegate=yes ...), whose "
				       "user@.service delegates it: " CR_CGROUP_DROPIN_FIX);
		}
		cr_fail(err, 0, "%s needs the %s controller, which is not delegated to %s",
			option_of(res, ctl), controllers[i].name, subtree_name(h));
		return cr_hint(err, CR_CGROUP_DROPIN_FIX);
	}
	return 0;
}

/* Enables the controllers of want in the subtree_control of the cgroup at dirfd, those not
 * on already; returns those that are on after it (a write refused leaves its bit out). */
static unsigned enable(int dirfd, unsigned want, int *errnum)
{
	char text[256];
	unsigned on = 0;

	if (!want)
		return 0;
	if (read_at(dirfd, "cgroup.subtree_control", text, sizeof(text)) >= 0)
		on = parse_controllers(text, " \n");
	for (size_t i = 0; i < NCTL; i++) {
		char op[16];

		if (!(want & controllers[i].ctl) || (on & controllers[i].ctl))
			continue;
		snprintf(op, sizeof(op), "+%s", controllers[i].name);
		if (write_at(dirfd, "cgroup.subtree_control", op) == 0)
			on |= controllers[i].ctl;
		else
			*errnum = errno;
	}
	return on & want;
}

/* The first controller of want that is not in got. */
static unsigned first_missing(unsigned want, unsigned got)
{
	unsigned missing = want & ~got;

	return missing & -missing;
}

/* Writes the n writes into the cgroup at dirfd; res says whether a missing memory.swap.max
 * (a kernel without swap accounting) may be skipped: only when the user gave no swap. */
static int write_all(int dirfd, const struct cr_cgroup_write *w, size_t n,
		     const struct cr_resources *res, struct cr_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (write_at(dirfd, w[i].file, w[i].value) == 0)
			continue;
		if (errno == ENOENT && !res->memory_swap && !strcmp(w[i].file, "memory.swap.max"))
			continue;
		if (errno == ENOENT)
			return cr_fail(err, errno,
				       "cannot set %s: the %s controller is not enabled in the "
				       "container's cgroup",
				       w[i].file, ctl_name(w[i].ctl));
		return cr_fail(err, errno, "cannot set %s to %s in the container's cgroup",
			       w[i].file, w[i].value);
	}
	return 0;
}

unsigned cgroup_enable_missing(int dirfd, unsigned want)
{
	char text[256];
	unsigned have = 0;
	int ignored = 0;

	if (read_at(dirfd, "cgroup.controllers", text, sizeof(text)) >= 0)
		have = parse_controllers(text, " \n");
	if (!(want & ~have))
		return have;
	/* the delegated cgroup above conti-rootless/ first: a child can only enable what its
	 * parent has */
	for (int up = 2; up >= 1; up--) {
		char rel[8] = "..";
		cleanup_close int fd = -1;

		if (up == 2)
			strcpy(rel, "../..");
		fd = openat(dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			enable(fd, want & ~have, &ignored);
	}
	if (read_at(dirfd, "cgroup.controllers", text, sizeof(text)) >= 0)
		have = parse_controllers(text, " \n");
	return have;
}

int cgroup_apply(int dirfd, const struct cr_resources *res, unsigned available,
		 struct cr_error *err)
{
	struct cr_cgroup_write w[16];
	size_t n = limits_writes(res, 0, available, w, 16);

	for (size_t i = 0; i < n; i++) {
		if (!(w[i].ctl & available)) {
			cr_fail(err, 0,
				"%s needs the %s controller, which the container's cgroup "
				"does not have",
				option_of(res, w[i].ctl), ctl_name(w[i].ctl));
			return cr_hint(err, "give the limit when the container is made, on a host "
					    "that delegates the controller: " CR_CGROUP_DROPIN_FIX);
		}
	}
	return write_all(dirfd, w, n, res, err);
}

/* "NAME-xxxxxx": six random lowercase letters and digits, so that a killed run's leftover
 * never collides with the next container of the name. */
static int random_name(const char *name, char *buf, size_t len, struct cr_error *err)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char raw[6];
	char suffix[7];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return cr_fail(err, errno, "cannot name the container's cgroup: getrandom");
	for (size_t i = 0; i < sizeof(raw); i++)
		suffix[i] = set[raw[i] % (sizeof(set) - 1)];
	suffix[6] = '\0';
	snprintf(buf, len, "%.200s-%s", name, suffix);
	return 0;
}

/* The subtree's conti-rootless/, opened (made the first time), with want's controllers
 * enabled down to it; *on says which are; -1 with err when one in need cannot be. What most
 * starts pay: one openat where no controller is wanted, else two reads more. */
static int open_parent(const struct cr_cgroup_host *h, unsigned want, unsigned needed, unsigned *on,
		       struct cr_error *err)
{
	char rel[sizeof(h->delegated) + 32];
	int fd, errnum = 0;
	unsigned missing;

	snprintf(rel, sizeof(rel), "%s%s" CR_CGROUP_PARENT, h->delegated,
		 h->delegated[0] ? "/" : "");
	if (want) {
		cleanup_close int deleg = openat(h->mnt_fd, h->delegated[0] ? h->delegated : ".",
						 O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

		if (deleg < 0)
			return cr_fail(err, errno, "cannot open your delegated cgroup %s/%s",
				       h->mnt, h->delegated);
		want = enable(deleg, want, &errnum);
	}
	fd = openat(h->mnt_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(h->mnt_fd, rel, 0755) < 0 && errno != EEXIST)
			return cr_fail(err, errno, "cannot make the cgroup %s/%s", h->mnt, rel);
		fd = openat(h->mnt_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0)
		return cr_fail(err, errno, "cannot open the cgroup %s/%s", h->mnt, rel);
	/* a container may nest sub-cgroups in its own (CAP_SYS_ADMIN, a cgroup namespace): no
	 * deeper than destroy goes, or rm would leave its cgroup behind; it cannot reach this
	 * file from its namespace to raise it */
	write_at(fd, "cgroup.max.depth", STR(DESTROY_MAX_DEPTH));
	*on = enable(fd, want, &errnum);
	missing = first_missing(needed, *on);
	if (missing) {
		close(fd);
		cr_fail(err, errnum, "cannot enable the %s controller for containers in %s/%s",
			ctl_name(missing), h->mnt, h->delegated);
		return cr_hint(err,
			       "a process of yours in %s itself keeps it off (cgroup v2 "
			       "enables controllers only below cgroups without processes): "
			       "run from a cgroup beneath it, as a login session does",
			       subtree_name(h));
	}
	return fd;
}

/* The leaf of the cgroup at dirfd (path cg->path), made and opened into cg->dirfd: the
 * container's processes live there, its limits one level up, out of their reach. */
static int make_leaf(int dirfd, struct cr_cgroup *cg, struct cr_error *err)
{
	if (mkdirat(dirfd, CR_CGROUP_LEAF, 0755) < 0)
		return cr_fail(err, errno, "cannot make the cgroup %s/" CR_CGROUP_LEAF, cg->path);
	cg->dirfd = openat(dirfd, CR_CGROUP_LEAF, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (cg->dirfd < 0) {
		cr_fail(err, errno, "cannot open the cgroup %s/" CR_CGROUP_LEAF, cg->path);
		unlinkat(dirfd, CR_CGROUP_LEAF, AT_REMOVEDIR);
		return -1;
	}
	return 0;
}

int cgroup_create(const struct cr_cgroup_host *h, const char *name, const struct cr_resources *res,
		  struct cr_cgroup *cg, struct cr_error *err)
{
	unsigned needed = cgroup_needed(res), want, on = 0;
	struct cr_cgroup_write w[16];
	struct rlimit nproc = {RLIM_INFINITY, RLIM_INFINITY};
	cleanup_close int parent = -1, dirfd = -1;
	char dir[256];
	size_t n;

	cg->dirfd = -1;
	cg->path[0] = '\0';
	cg->applied = 0;
	if (h->mode != CR_CG_DELEGATED || h->mnt_fd < 0)
		return cr_fail(err, 0, "no cgroup is delegated to you");
	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return cr_fail(err, 0, "cannot make a cgroup for the container name \"%.64s\"",
			       name);
	want = needed | (h->available & CR_CTL_PIDS);
	parent = open_parent(h, want, needed, &on, err);
	if (parent < 0)
		return -1;
	for (int tries = 0;; tries++) {
		if (random_name(name, dir, sizeof(dir), err) < 0)
			return -1;
		if ((size_t)snprintf(cg->path, sizeof(cg->path), "%s/%s%s" CR_CGROUP_PARENT "/%s",
				     h->mnt, h->delegated, h->delegated[0] ? "/" : "",
				     dir) >= sizeof(cg->path)) {
			cg->path[0] = '\0';
			return cr_fail(err, ENAMETOOLONG,
				       "cannot make a cgroup under %s/%s: its path "
				       "would be too long",
				       h->mnt, h->delegated);
		}
		if (mkdirat(parent, dir, 0755) == 0)
			break;
		cg->path[0] = '\0';
		if (errno != EEXIST || tries == 8)
			return cr_fail(err, errno, "cannot make the container's cgroup %s/%s/%s/%s",
				       h->mnt, h->delegated, CR_CGROUP_PARENT, dir);
	}
	dirfd = openat(parent, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0) {
		cr_fail(err, errno, "cannot open the container's cgroup %s", cg->path);
		cg->path[0] = '\0';
		unlinkat(parent, dir, AT_REMOVEDIR);
		return -1;
	}
	getrlimit(RLIMIT_NPROC, &nproc);
	n = limits_writes(res, limits_pids_default(nproc.rlim_cur), on, w, 16);
	if (write_all(dirfd, w, n, res, err) < 0 || make_leaf(dirfd, cg, err) < 0) {
		cg->path[0] = '\0';
		unlinkat(parent, dir, AT_REMOVEDIR);
		return -1;
	}
	cg->applied = on;
	return 0;
}

int cgroup_enter(const struct cr_cgroup *cg, pid_t pid, struct cr_error *err)
{
	char text[24];

	snprintf(text, sizeof(text), "%d", (int)pid);
	if (write_at(cg->dirfd, "cgroup.procs", text) < 0)
		return cr_fail(err, errno, "cannot move process %d into the cgroup %s", (int)pid,
			       cg->path);
	return 0;
}

int cgroup_open_leaf(const char *path)
{
	cleanup_close int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -1;
	return openat(fd, CR_CGROUP_LEAF, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
}

void cgroup_release(struct cr_cgroup *cg)
{
	if (cg->dirfd >= 0)
		close(cg->dirfd);
	cg->dirfd = -1;
}

/* Whether the cgroup at dirfd still has processes: cgroup.events' "populated 1" (it counts
 * sub-cgroups too), else a non-empty cgroup.procs. */
static bool populated(int dirfd)
{
	char text[512];
	const char *p;

	if (read_at(dirfd, "cgroup.events", text, sizeof(text)) >= 0 &&
	    (p = strstr(text, "populated ")))
		return p[10] == '1';
	if (read_at(dirfd, "cgroup.procs", text, sizeof(text)) < 0)
		return false;
	return text[strspn(text, " \n")] != '\0';
}

/* SIGKILL to each pid of the cgroup.procs of the cgroup at dirfd and of its sub-cgroups
 * (the leaf, and what the container made in it), depth first. */
static void kill_procs(int dirfd, int depth)
{
	int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	DIR *d;
	struct dirent *e;
	long pid;

	if (!f && fd >= 0)
		close(fd);
	while (f && fscanf(f, "%ld", &pid) == 1) {
		if (pid > 0 && pid <= INT_MAX)
			kill((pid_t)pid, SIGKILL);
	}
	if (f)
		fclose(f);
	fd = depth < DESTROY_MAX_DEPTH ? dup(dirfd) : -1;
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d))) {
		int sub;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub >= 0) {
			kill_procs(sub, depth + 1);
			close(sub);
		}
	}
	closedir(d);
}

/* SIGKILL to every process of the cgroup at dirfd, its sub-cgroups' too: cgroup.kill
 * (5.14), else each pid of their cgroup.procs (a pid may be recycled meanwhile: the window
 * is the kernel's, as crun's). */
static void kill_all(int dirfd)
{
	if (write_at(dirfd, "cgroup.kill", "1") == 0)
		return;
	kill_procs(dirfd, 0);
}

/* Removes the sub-cgroups of the cgroup at dirfd, depth first (their processes are dead:
 * cgroup.kill took them too). */
static void remove_children(int dirfd, int depth)
{
	int fd = dup(dirfd);
	DIR *d;
	struct dirent *e;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((e = readdir(d))) {
		int sub;

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue;
		if (depth < DESTROY_MAX_DEPTH)
			remove_children(sub, depth + 1);
		close(sub);
		unlinkat(dirfd, e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* Whether path is one we may remove: absolute, no "." or ".." component, not "/". */
static bool plain_path(const char *path)
{
	if (path[0] != '/' || !path[1])
		return false;
	for (const char *p = path + 1; *p;) {
		size_t len = strcspn(p, "/");

		if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && !strncmp(p, "..", 2)))
			return false;
		p += len;
		p += *p == '/';
	}
	return true;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int cgroup_destroy(const char *path, struct cr_error *err)
{
	char parent[sizeof(((struct cr_cgroup *)0)->path)];
	const char *base;
	cleanup_close int pfd = -1, fd = -1;
	int waited = 0;

	if (!path || !path[0])
		return 0;
	if (!plain_path(path) || strlen(path) >= sizeof(parent))
		return cr_fail(err, 0,
			       "refusing to remove the cgroup \"%.200s\": not a plain "
			       "absolute path",
			       path);
	snprintf(parent, sizeof(parent), "%s", path);
	*strrchr(parent, '/') = '\0';
	base = strrchr(path, '/') + 1;
	pfd = open(parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0 && errno == ENOENT)
		return 0;
	if (pfd < 0)
		return cr_fail(err, errno, "cannot open %s", parent);
	/* the usual case, its processes gone already: one rmdir */
	for (;;) {
		if (unlinkat(pfd, base, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY && errno != ENOTEMPTY)
			return cr_fail(err, errno, "cannot remove the cgroup %s", path);
		if (fd < 0)
			fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return errno == ENOENT
				   ? 0
				   : cr_fail(err, errno, "cannot open the cgroup %s", path);
		if (populated(fd))
			kill_all(fd);
		else
			remove_children(fd, 0);
		if (waited >= DESTROY_WAIT_MS)
			break;
		sleep_ms(waited < 50 ? 2 : 20);
		waited += waited < 50 ? 2 : 20;
	}
	return cr_fail(err, EBUSY,
		       "cannot remove the cgroup %s: its processes did not exit "
		       "within a second",
		       path);
}

/* Whether the entry name of the cgroup at dirfd is a leftover: a directory, older than
 * SWEEP_MIN_AGE seconds, without processes. */
static bool leftover(int dirfd, const char *name, time_t now)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return false;
	if (now - st.st_mtime < SWEEP_MIN_AGE && st.st_mtime - now < SWEEP_MIN_AGE)
		return false;
	return !populated(fd);
}

/* Removes the empty cgroup name of the cgroup at dirfd, its leaf and sub-cgroups first. */
static void remove_leftover(int dirfd, const char *name)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return;
	remove_children(fd, 0);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

void cgroup_sweep(const struct cr_cgroup_host *h)
{
	char rel[sizeof(h->delegated) + 32];
	int fd;
	DIR *d;
	struct dirent *e;
	time_t now = time(NULL);

	if (h->mode != CR_CG_DELEGATED || h->mnt_fd < 0)
		return;
	snprintf(rel, sizeof(rel), "%s%s" CR_CGROUP_PARENT, h->delegated,
		 h->delegated[0] ? "/" : "");
	fd = openat(h->mnt_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (leftover(fd, e->d_name, now))
			remove_leftover(fd, e->d_name);
	}
	closedir(d);
}
