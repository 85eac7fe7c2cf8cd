/* Unit tests: the setup plan of an OCI container (config.json parsed by oci_spec_parse), and
 * its steps carried out by mounts_apply in a user namespace of the test's own. */
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mounts.h"
#include "oci/spec.h"
#include "plan.h"
#include "utils.h"

#define DATA CR_SOURCE_ROOT "/tests/unit/oci/"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* DATA/name parsed, its bundle /b. */
static void load(const char *name, struct oci_spec *s)
{
	cleanup_free char *path = cr_xasprintf(DATA "%s", name);
	cleanup_free char *text = slurp(path);
	json_object *doc = json_tokener_parse(text);
	struct cr_error err = {0};
	const char *out;

	ck_assert_ptr_nonnull(doc);
	out = json_object_to_json_string(doc);
	oci_spec_init(s);
	ck_assert_msg(oci_spec_parse(out, strlen(out), "/b", s, &err) == 0, "%s", err.msg);
	json_object_put(doc);
}

static struct cr_facts facts(const struct oci_spec *s)
{
	return (struct cr_facts){.rootfs = s->cfg.rootfs, .root_mnt = s->cfg.rootfs};
}

static int find(const struct cr_plan *p, enum cr_op_kind kind, const char *dst)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->ops[i].kind == kind &&
		    (!dst || (p->ops[i].dst && !strcmp(p->ops[i].dst, dst))))
			return (int)i;
	}
	return -1;
}

static size_t count(const struct cr_plan *p, enum cr_op_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->ops[i].kind == kind;
	return n;
}

START_TEST(runc_spec_plan)
{
	struct oci_spec s;
	struct cr_facts f;
	struct cr_plan p;
	struct cr_error err;
	int pivot;

	load("runc-spec-rootless.json", &s);
	f = facts(&s);
	ck_assert_int_eq(plan_build(&s.cfg, &f, &p, &err), 0);
	ck_assert_int_eq(p.ops[0].kind, CR_OP_CLONE);
	ck_assert_uint_eq(p.ops[0].nsflags,
			  CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWUSER);
	/* runc: / rslave, the mount holding the rootfs private, the rootfs bound on itself */
	ck_assert_int_eq(p.ops[1].kind, CR_OP_PROPAGATION);
	ck_assert_uint_eq(p.ops[1].propagation, MS_SLAVE | MS_REC);
	ck_assert_int_eq(p.ops[2].kind, CR_OP_PROPAGATION);
	ck_assert(p.ops[2].flags & CR_OPF_PARENT);
	ck_assert_str_eq(p.ops[2].dst, "/b/rootfs");
	ck_assert_int_eq(p.ops[3].kind, CR_OP_BIND_ROOTFS);
	ck_assert_str_eq(p.ops[3].src, "/b/rootfs");
	ck_assert_str_eq(p.ops[3].dst, "/b/rootfs");
	/* the mounts in config order, nothing of the user CLI's own */
	ck_assert_int_eq(count(&p, CR_OP_MOUNT_FS), 7);
	ck_assert_str_eq(p.ops[4].dst, "/proc");
	ck_assert_str_eq(p.ops[4].fstype, "proc");
	ck_assert_str_eq(p.ops[5].dst, "/dev");
	ck_assert_str_eq(p.ops[5].data, "mode=755,size=65536k");
	ck_assert_uint_eq(p.ops[5].mflags, MS_NOSUID | MS_STRICTATIME);
	ck_assert_str_eq(p.ops[8].dst, "/dev/mqueue");
	ck_assert(p.ops[8].flags & CR_OPF_FALLBACK);
	ck_assert_str_eq(p.ops[8].src, "/dev/mqueue");
	ck_assert_str_eq(p.ops[9].dst, "/sys");
	ck_assert_str_eq(p.ops[9].fstype, "bind");
	ck_assert(!(p.ops[9].flags & CR_OPF_FALLBACK));
	ck_assert_str_eq(p.ops[10].dst, "/sys/fs/cgroup");
	ck_assert(p.ops[10].flags & CR_OPF_FALLBACK);
	ck_assert_str_eq(p.ops[10].src, "/sys/fs/cgroup");
	ck_assert_int_eq(count(&p, CR_OP_MOUNT), 0);
	ck_assert_int_eq(count(&p, CR_OP_MOUNT_OVERLAY), 0);
	ck_assert_int_eq(count(&p, CR_OP_LANDLOCK), 0);
	ck_assert_int_eq(count(&p, CR_OP_EXEC), 0);
	ck_assert_int_eq(count(&p, CR_OP_LOOPBACK_UP), 0);
	/* the default devices after the mounts, then the links */
	ck_assert_int_eq(count(&p, CR_OP_MKNOD), 6);
	ck_assert_int_gt(find(&p, CR_OP_MKNOD, "/dev/null"), 10);
	ck_assert_str_eq(p.ops[find(&p, CR_OP_MKNOD, "/dev/null")].data, "c 1 3 0666 0 0");
	ck_assert_str_eq(p.ops[find(&p, CR_OP_MKNOD, "/dev/tty")].data, "c 5 0 0666 0 0");
	ck_assert_str_eq(p.ops[find(&p, CR_OP_SYMLINK, "/dev/ptmx")].src, "pts/ptmx");
	ck_assert_int_ge(find(&p, CR_OP_SYMLINK, "/dev/fd"), 0);
	/* pivot_root, then hostname, the paths as listed, the read-only root, cwd */
	pivot = find(&p, CR_OP_PIVOT_ROOT, "/b/rootfs");
	ck_assert_int_gt(pivot, find(&p, CR_OP_SYMLINK, "/dev/ptmx"));
	ck_assert_int_gt(find(&p, CR_OP_HOSTNAME, NULL), pivot);
	ck_assert_str_eq(p.ops[find(&p, CR_OP_HOSTNAME, NULL)].src, "runc");
	ck_assert_int_eq(count(&p, CR_OP_READONLY), 5);
	ck_assert_int_eq(count(&p, CR_OP_MASK), 10);
	ck_assert_int_gt(find(&p, CR_OP_READONLY, "/proc/sys"), pivot);
	ck_assert_int_gt(find(&p, CR_OP_MASK, "/proc/timer_stats"),
			 find(&p, CR_OP_READONLY, "/proc/sys"));
	ck_assert(p.ops[find(&p, CR_OP_MASK, "/proc/asound")].flags & CR_OPF_MISSING_OK);
	ck_assert(!(p.ops[find(&p, CR_OP_MASK, "/proc/asound")].flags & CR_OPF_OPTIONAL));
	ck_assert_int_gt(find(&p, CR_OP_REMOUNT_RO, "/"), find(&p, CR_OP_MASK, "/proc/scsi"));
	ck_assert_int_eq(p.ops[p.n - 1].kind, CR_OP_CHDIR);
	ck_assert_str_eq(p.ops[p.n - 1].dst, "/");
	plan_free(&p);
	oci_spec_free(&s);
}
END_TEST

START_TEST(podman_plan)
{
	struct oci_spec s;
	struct cr_facts f;
	struct cr_plan p;
	struct cr_error err;
	int pivot, i;

	load("podman-rootless.json", &s);
	f = facts(&s);
	ck_assert_int_eq(plan_build(&s.cfg, &f, &p, &err), 0);
	/* the pod's network namespace joined, no new one: no loopback step */
	ck_assert_uint_eq(p.ops[0].nsflags, CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |
						CLONE_NEWNS | CLONE_NEWCGROUP);
	ck_assert_str_eq(p.ops[0].data, "--net=/run/user/1000/netns/netns-5b0c7e1a");
	ck_assert_int_eq(count(&p, CR_OP_LOOPBACK_UP), 0);
	/* rootfsPropagation: before the mounts and again on the container's / */
	ck_assert_uint_eq(p.ops[1].propagation, MS_SLAVE | MS_REC);
	pivot = find(&p, CR_OP_PIVOT_ROOT, NULL);
	ck_assert_int_eq(p.ops[pivot + 1].kind, CR_OP_PROPAGATION);
	ck_assert_str_eq(p.ops[pivot + 1].dst, "/");
	ck_assert_uint_eq(p.ops[pivot + 1].propagation, MS_SLAVE | MS_REC);
	i = find(&p, CR_OP_MOUNT_FS, "/data");
	ck_assert_uint_eq(p.ops[i].mflags, MS_BIND | MS_REC | MS_RDONLY);
	ck_assert_uint_eq(p.ops[i].propagation, MS_SLAVE | MS_REC);
	ck_assert_str_eq(p.ops[i].src, "/home/user/data");
	/* sysfs may fall back to the host's /sys: this user namespace has no netns of its own */
	i = find(&p, CR_OP_MOUNT_FS, "/sys");
	ck_assert(p.ops[i].flags & CR_OPF_FALLBACK);
	ck_assert_str_eq(p.ops[i].src, "/sys");
	i = find(&p, CR_OP_MKNOD, "/dev/fuse");
	ck_assert_int_gt(i, find(&p, CR_OP_MKNOD, "/dev/tty"));
	ck_assert_str_eq(p.ops[i].data, "c 10 229 0666 0 0");
	ck_assert_str_eq(p.ops[i].src, "/dev/fuse");
	i = find(&p, CR_OP_SYSCTL, NULL);
	ck_assert_int_gt(i, pivot);
	ck_assert_str_eq(p.ops[i].src, "net.ipv4.ping_group_range");
	ck_assert_str_eq(p.ops[i].data, "0 0");
	ck_assert_int_lt(i, find(&p, CR_OP_READONLY, "/proc/sys")); /* while it is writable */
	ck_assert_int_lt(find(&p, CR_OP_MKDIR, "/home/user"), pivot);
	ck_assert_int_eq(find(&p, CR_OP_REMOUNT_RO, NULL), -1);
	ck_assert_str_eq(p.ops[p.n - 1].dst, "/home/user");
	plan_free(&p);
	oci_spec_free(&s);
}
END_TEST

static int plan_of(const char *json, struct cr_plan *p, struct cr_error *err)
{
	struct oci_spec s;
	struct cr_facts f;
	int r;

	oci_spec_init(&s);
	memset(err, 0, sizeof(*err));
	r = oci_spec_parse(json, strlen(json), "/b", &s, err);
	ck_assert_msg(r == 0, "%s", err->msg);
	f = facts(&s);
	r = plan_build(&s.cfg, &f, p, err);
	oci_spec_free(&s);
	return r;
}

#define HEAD                                                                                       \
	"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"]," \
	"\"cwd\":\"/\"},"

START_TEST(destinations_refused)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
	    {HEAD "\"mounts\":[{\"destination\":\"/\",\"type\":\"tmpfs\"}]}", "cannot mount on /"},
	    {HEAD "\"mounts\":[{\"destination\":\"/a/../../x\",\"type\":\"tmpfs\"}]}",
	     "cannot mount on"},
	    {HEAD
	     "\"mounts\":[{\"destination\":\"/proc/sys\",\"type\":\"bind\",\"source\":\"/x\"}]}",
	     "bind cannot be mounted on /proc/sys"},
	    {HEAD "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"tmpfs\"}]}",
	     "tmpfs cannot be mounted on /proc"},
	};
	struct cr_plan p;
	struct cr_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(plan_of(cases[i].json, &p, &err) == -1, "case %zu planned", i);
		ck_assert_msg(strstr(err.msg, cases[i].want), "case %zu: %s", i, err.msg);
		ck_assert_int_eq(p.n, 0);
	}
	/* lxcfs's files may go over /proc's, a bind of the host's /dev brings its own nodes */
	ck_assert_int_eq(plan_of(HEAD
				 "\"mounts\":[{\"destination\":\"/proc/cpuinfo\",\"type\":"
				 "\"bind\",\"source\":\"/x\"},{\"destination\":\"/dev\","
				 "\"type\":\"bind\",\"source\":\"/dev\",\"options\":[\"rbind\"]}],"
				 "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":"
				 "\"network\"}],\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\","
				 "\"major\":8,\"minor\":0,\"fileMode\":384,\"uid\":5,\"gid\":6}]}}",
				 &p, &err),
			 0);
	ck_assert_int_eq(count(&p, CR_OP_MKNOD), 1);
	ck_assert_str_eq(p.ops[find(&p, CR_OP_MKNOD, "/dev/sda")].data, "b 8 0 0600 5 6");
	ck_assert_int_eq(count(&p, CR_OP_SYMLINK), 0);
	ck_assert_int_eq(p.ops[1].kind, CR_OP_LOOPBACK_UP); /* a new network namespace */
	plan_free(&p);
}
END_TEST

START_TEST(trace_lines)
{
	struct oci_spec s;
	struct cr_facts f;
	struct cr_plan p;
	struct cr_error err;
	char line[1024];
	bool seen[6] = {false};

	load("podman-rootless.json", &s);
	f = facts(&s);
	ck_assert_int_eq(plan_build(&s.cfg, &f, &p, &err), 0);
	for (size_t i = 0; i < p.n; i++) {
		plan_format_op(&p.ops[i], s.cfg.rootfs, line, sizeof(line));
		ck_assert_msg(strcmp(line, "?") && !strchr(line, '\n'), "step %zu: %s", i, line);
		seen[0] |= !strcmp(line, "nsenter --net=/run/user/1000/netns/netns-5b0c7e1a "
					 "unshare --mount --pid --uts --ipc --cgroup --fork");
		seen[1] |= !strcmp(line, "mount --rbind -o ro /home/user/data "
					 "/home/user/.local/share/containers/storage/overlay/abc/"
					 "merged/data && mount --make-rslave "
					 "/home/user/.local/share/containers/storage/overlay/abc/"
					 "merged/data");
		seen[2] |= strstr(line, "mknod -m 0666 ") && strstr(line, "/dev/fuse c 10 229") &&
			   strstr(line, "where refused: mount --bind /dev/fuse ");
		seen[3] |= !strcmp(line, "sysctl -w net.ipv4.ping_group_range='0 0'");
		seen[4] |=
		    strstr(line, "mount -t sysfs -o ro,nosuid,nodev,noexec sysfs ") &&
		    strstr(line, "where the kernel refuses sysfs: mount --rbind -o ro /sys ");
		seen[5] |= !strcmp(line, "mount --make-rslave /");
	}
	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
		ck_assert_msg(seen[i], "line %zu not seen", i);
	/* after pivot_root the root is "/": no prefix */
	plan_format_op(&p.ops[find(&p, CR_OP_MASK, "/proc/kcore")], "/", line, sizeof(line));
	ck_assert_msg(strstr(line, " /proc/kcore") && !strstr(line, "//"), "%s", line);
	plan_free(&p);
	oci_spec_free(&s);
}
END_TEST

/* --- carried out, in a user and mount namespace of the test's own --- */

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		_exit(90);
	close(fd);
}

/* Becomes root of a new user namespace (only our ids mapped) with new mount, PID, UTS, IPC
 * namespaces; returns in the PID namespace's first process (the caller's child waits). */
static int enter_namespaces(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];
	pid_t pid;
	int status;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	write_file("/proc/self/uid_map", map);
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	write_file("/proc/self/gid_map", map);
	pid = fork();
	if (pid != 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 99);
	}
	return 0;
}

#define CHECK(cond, code)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "failed (%d): %s: %s\n", code, #cond, strerror(errno));    \
			_exit(code);                                                               \
		}                                                                                  \
	} while (0)

/* In the container after the plan: what a process there sees. */
static void check_inside(void)
{
	struct stat st;
	struct utsname u;
	struct statvfs vfs;
	char buf[64] = "";
	int fd;

	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
	      10);
	fd = open("/dev/null", O_WRONLY);
	CHECK(fd >= 0 && write(fd, "x", 1) == 1, 11);
	close(fd);
	CHECK(lstat("/dev/ptmx", &st) == 0 && S_ISLNK(st.st_mode), 12);
	CHECK(stat("/dev", &st) == 0 && (st.st_mode & 07777) == 0755, 13);
	/* the bind is read-only, the tmpfs writable */
	CHECK(open("/data/new", O_WRONLY | O_CREAT, 0644) < 0 && errno == EROFS, 14);
	CHECK(statvfs("/data", &vfs) == 0 && (vfs.f_flag & ST_NOSUID) && (vfs.f_flag & ST_RDONLY),
	      27);
	fd = open("/data/hello", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 2 && !strncmp(buf, "hi", 2), 15);
	close(fd);
	fd = open("/scratch/f", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0, 16);
	close(fd);
	/* sysfs refused (no network namespace of ours): the host's /sys, read-only */
	CHECK(stat("/sys/kernel", &st) == 0, 17);
	CHECK(mkdir("/sys/x", 0755) < 0 && errno == EROFS, 18);
	/* proc mounted, a masked file reads empty, a read-only path refuses writes */
	CHECK(stat("/proc/self/status", &st) == 0, 19);
	fd = open("/proc/kcore", O_RDONLY);
	CHECK(fd < 0 || read(fd, buf, sizeof(buf)) == 0, 20);
	if (fd >= 0)
		close(fd);
	CHECK(open("/proc/sys/kernel/shmmax", O_WRONLY) < 0 && errno == EROFS, 21);
	/* the sysctl was set in our IPC namespace before /proc/sys went read-only */
	fd = open("/proc/sys/kernel/shmmax", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && !strcmp(buf, "12345678\n"), 22);
	close(fd);
	CHECK(uname(&u) == 0 && !strcmp(u.nodename, "ocibox") && !strcmp(u.domainname, "example"),
	      23);
	/* the root read-only, cwd made and entered */
	CHECK(mkdir("/newdir", 0755) < 0 && errno == EROFS, 24);
	CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, "/work/dir"), 25);
	/* the old root is gone */
	CHECK(stat("/b", &st) < 0, 26);
}

START_TEST(applied_in_a_user_namespace)
{
	char tmpl[] = "/tmp/oci-plan-XXXXXX";
	cleanup_free char *rootfs = NULL, *data = NULL, *hello = NULL, *json = NULL;
	pid_t pid;
	int status;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	rootfs = cr_xasprintf("%s/rootfs", tmpl);
	data = cr_xasprintf("%s/data", tmpl);
	hello = cr_xasprintf("%s/data/hello", tmpl);
	ck_assert_int_eq(mkdir(rootfs, 0755), 0);
	ck_assert_int_eq(mkdir(data, 0755), 0);
	write_file(hello, "hi");
	json = cr_xasprintf(
	    "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
	    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/work/dir\"},\"hostname\":\"ocibox\","
	    "\"domainname\":\"example\",\"mounts\":["
	    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":["
	    "\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
	    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":["
	    "\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\"]},"
	    "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":["
	    "\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
	    "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"%s\",\"options\":["
	    "\"rbind\",\"ro\",\"rprivate\",\"strictatime\",\"nosuid\"]},"
	    "{\"destination\":\"/scratch\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}],"
	    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"},"
	    "{\"type\":\"ipc\"}],\"sysctl\":{\"kernel.shmmax\":\"12345678\"},"
	    "\"maskedPaths\":[\"/proc/kcore\",\"/proc/nonexistent\"],"
	    "\"readonlyPaths\":[\"/proc/sys\",\"/nonexistent\"]}}",
	    data);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct oci_spec s;
		struct cr_facts f;
		struct cr_plan p;
		struct cr_error err = {0};
		struct cr_mount_ctx ctx;

		if (enter_namespaces() < 0)
			_exit(77);
		oci_spec_init(&s);
		CHECK(oci_spec_parse(json, strlen(json), tmpl, &s, &err) == 0, 2);
		f = facts(&s);
		CHECK(plan_build(&s.cfg, &f, &p, &err) == 0, 3);
		mounts_ctx_init(&ctx, s.cfg.rootfs, false);
		for (size_t i = 1; i < p.n; i++) {
			if (mounts_apply(&p.ops[i], &ctx, &err) < 0) {
				char line[512];

				plan_format_op(&p.ops[i], s.cfg.rootfs, line, sizeof(line));
				fprintf(stderr, "step %zu (%s): %s\n", i, line, err.msg);
				_exit(4);
			}
		}
		check_inside();
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	/* the host's side is untouched: nothing made in the rootfs but the mount points */
	ck_assert_int_eq(access(hello, F_OK), 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) != 77,
		      "no user namespace here (unprivileged user namespaces disabled?)");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d",
		      WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
	{
		cleanup_free char *rm = cr_xasprintf("rm -rf %s", tmpl);

		ck_assert_int_eq(system(rm), 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oci_plan");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, runc_spec_plan);
	tcase_add_test(tc, podman_plan);
	tcase_add_test(tc, destinations_refused);
	tcase_add_test(tc, trace_lines);
	suite_add_tcase(s, tc);
	tc = tcase_create("apply");
	tcase_add_test(tc, applied_in_a_user_namespace);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
