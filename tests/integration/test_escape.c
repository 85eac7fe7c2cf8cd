/* test_escape.c - integration tests that try to break out of a conti-rootless container:
 * reach the host's tree, the host's processes or the caller, gain privileges, write where
 * the container may not, mislead the set-up with a crafted rootfs, and the security
 * defaults with the options that turn them off. Each test runs the built front end as the
 * calling (unprivileged) user on a fresh busybox rootfs with private XDG_RUNTIME_DIR and
 * XDG_DATA_HOME, and asserts the exact failure (the errno name) of every attempt.
 *
 * Most attempts are made by a small static C program, the probe (its source is below),
 * compiled with `cc -static` once per TCase and copied into each test's rootfs as
 * /probe. Its arguments are commands run in turn ("write PATH", "sys NAME", ...), each
 * printing one line "WHAT=ok" or "WHAT=ERRNO-NAME" (e.g. "write:/proc/1/exe=EACCES").
 *
 * Cleaning up: the checked teardown runs `rm -f` on the containers a test made and kills
 * every process of ours that mentions the test's dir (the keeper, monitors); when a test
 * fails midway, the TCase's unchecked teardown does the same for the whole case dir.
 *
 * Environment: CONTI_BIN, CONTI_MKROOTFS (set by meson); CK_RUN_CASE=NAME runs one TCase.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define CONTI(r, ...) h_conti((r), NULL, __VA_ARGS__, NULL)
/* `run --rm ROOTFS /probe ARGS...` */
#define PROBE(r, ...) run_probe((r), NULL, (const char *const[]){__VA_ARGS__, NULL})
/* The same with run options before ROOTFS (a NULL-terminated list). */
#define PROBE_OPTS(r, opts, ...) run_probe((r), (opts), (const char *const[]){__VA_ARGS__, NULL})
#define OPTS(...) ((const char *const[]){__VA_ARGS__, NULL})

#define CAPBIT(c) (1ULL << (c))
/* The tool's default capability set (README, src/security.c): docker's, less NET_RAW,
 * as podman does; 0x00000000a80405fb (docker's own, with NET_RAW, is a80425fb). */
static const unsigned long long default_caps =
    CAPBIT(CAP_CHOWN) | CAPBIT(CAP_DAC_OVERRIDE) | CAPBIT(CAP_FOWNER) | CAPBIT(CAP_FSETID) |
    CAPBIT(CAP_KILL) | CAPBIT(CAP_SETGID) | CAPBIT(CAP_SETUID) | CAPBIT(CAP_SETPCAP) |
    CAPBIT(CAP_NET_BIND_SERVICE) | CAPBIT(CAP_SYS_CHROOT) | CAPBIT(CAP_SETFCAP) |
    CAPBIT(CAP_AUDIT_WRITE) | CAPBIT(CAP_MKNOD);

/* ---- the probe ---- */

static const char *const probe_source[] = {
    "#define _GNU_SOURCE\n",
    "#include <dirent.h>\n",
    "#include <errno.h>\n",
    "#include <fcntl.h>\n",
    "#include <linux/bpf.h>\n",
    "#include <linux/perf_event.h>\n",
    "#include <linux/sched.h>\n",
    "#include <sched.h>\n",
    "#include <signal.h>\n",
    "#include <stdio.h>\n",
    "#include <stdlib.h>\n",
    "#include <string.h>\n",
    "#include <sys/ioctl.h>\n",
    "#include <sys/mount.h>\n",
    "#include <sys/ptrace.h>\n",
    "#include <sys/socket.h>\n",
    "#include <sys/stat.h>\n",
    "#include <sys/syscall.h>\n",
    "#include <sys/sysmacros.h>\n",
    "#include <sys/un.h>\n",
    "#include <sys/wait.h>\n",
    "#include <time.h>\n",
    "#include <unistd.h>\n",
    "\n",
    "/* Prints LABEL=ok or LABEL=ERRNO-NAME; returns r. */\n",
    "static long res(const char *label, long r)\n",
    "{\n",
    "\tif (r < 0)\n",
    "\t\tprintf(\"%s=%s\\n\", label, strerrorname_np(errno));\n",
    "\telse\n",
    "\t\tprintf(\"%s=ok\\n\", label);\n",
    "\treturn r;\n",
    "}\n",
    "\n",
    "static char *lab(const char *cmd, const char *arg)\n",
    "{\n",
    "\tstatic char buf[4200];\n",
    "\n",
    "\tsnprintf(buf, sizeof(buf), \"%s:%s\", cmd, arg);\n",
    "\treturn buf;\n",
    "}\n",
    "\n",
    "/* A child made by a clone that worked exits at once. */\n",
    "static long reap(long r)\n",
    "{\n",
    "\tif (r == 0)\n",
    "\t\t_exit(0);\n",
    "\tif (r > 0)\n",
    "\t\twaitpid((pid_t)r, NULL, __WALL);\n",
    "\treturn r;\n",
    "}\n",
    "\n",
    "/* One call of the system call name, with harmless arguments. */\n",
    "static long sys(const char *name)\n",
    "{\n",
    "\tunion bpf_attr b;\n",
    "\tstruct perf_event_attr p;\n",
    "\tstruct clone_args ca = {.exit_signal = SIGCHLD};\n",
    "\tstruct {\n",
    "\t\tstruct file_handle h;\n",
    "\t\tunsigned char bytes[64];\n",
    "\t} fh;\n",
    "\tstruct timespec ts = {0, 0};\n",
    "\n",
    "\tmemset(&b, 0, sizeof(b));\n",
    "\tmemset(&p, 0, sizeof(p));\n",
    "\tmemset(&fh, 0, sizeof(fh));\n",
    "\tif (!strcmp(name, \"unshare_newuser\"))\n",
    "\t\treturn unshare(CLONE_NEWUSER);\n",
    "\tif (!strcmp(name, \"clone_newuser\"))\n",
    "\t\treturn reap(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));\n",
    "\tif (!strcmp(name, \"clone3\"))\n",
    "\t\treturn reap(syscall(SYS_clone3, &ca, sizeof(ca)));\n",
    "\tif (!strcmp(name, \"init_module\"))\n",
    "\t\treturn syscall(SYS_init_module, NULL, 0UL, \"\");\n",
    "\tif (!strcmp(name, \"finit_module\"))\n",
    "\t\treturn syscall(SYS_finit_module, open(\"/bin/busybox\", O_RDONLY), \"\", 0);\n",
    "\tif (!strcmp(name, \"delete_module\"))\n",
    "\t\treturn syscall(SYS_delete_module, \"conti_probe\", 0);\n",
    "\tif (!strcmp(name, \"kexec_load\"))\n",
    "\t\treturn syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL);\n",
    "\tif (!strcmp(name, \"kexec_file_load\"))\n",
    "\t\treturn syscall(SYS_kexec_file_load, -1, -1, 0UL, \"\", 0UL);\n",
    "\tif (!strcmp(name, \"keyctl\"))\n",
    "\t\treturn syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3 /* SESSION */, 0);\n",
    "\tif (!strcmp(name, \"add_key\"))\n",
    "\t\treturn syscall(SYS_add_key, \"user\", \"conti-probe\", \"x\", 1, -2 /* PROCESS */);\n",
    "\tif (!strcmp(name, \"request_key\"))\n",
    "\t\treturn syscall(SYS_request_key, \"user\", \"conti-probe\", NULL, 0);\n",
    "\tif (!strcmp(name, \"bpf\")) {\n",
    "\t\tb.map_type = BPF_MAP_TYPE_ARRAY;\n",
    "\t\tb.key_size = b.value_size = b.max_entries = 4;\n",
    "\t\treturn syscall(SYS_bpf, BPF_MAP_CREATE, &b, sizeof(b));\n",
    "\t}\n",
    "\tif (!strcmp(name, \"perf_event_open\")) {\n",
    "\t\tp.type = PERF_TYPE_SOFTWARE;\n",
    "\t\tp.size = sizeof(p);\n",
    "\t\tp.config = PERF_COUNT_SW_TASK_CLOCK;\n",
    "\t\tp.exclude_kernel = p.exclude_hv = 1;\n",
    "\t\treturn syscall(SYS_perf_event_open, &p, 0, -1, -1, 0UL);\n",
    "\t}\n",
    "\tif (!strcmp(name, \"userfaultfd\"))\n",
    "\t\treturn syscall(SYS_userfaultfd, O_CLOEXEC | 1 /* UFFD_USER_MODE_ONLY */);\n",
    "\tif (!strcmp(name, \"open_by_handle_at\")) {\n",
    "\t\tfh.h.handle_bytes = 8;\n",
    "\t\tfh.h.handle_type = 1;\n",
    "\t\treturn syscall(SYS_open_by_handle_at, open(\"/\", O_RDONLY), &fh.h, O_RDONLY);\n",
    "\t}\n",
    "\tif (!strcmp(name, \"fsopen\"))\n",
    "\t\treturn syscall(SYS_fsopen, \"tmpfs\", 0U);\n",
    "\tif (!strcmp(name, \"open_tree\"))\n",
    "\t\treturn syscall(SYS_open_tree, AT_FDCWD, \"/\", 1U /* OPEN_TREE_CLONE */);\n",
    "\tif (!strcmp(name, \"move_mount\"))\n",
    "\t\treturn syscall(SYS_move_mount, AT_FDCWD, \"/tmp\", AT_FDCWD, \"/mnt\", 0U);\n",
    "\tif (!strcmp(name, \"clock_settime\"))\n",
    "\t\treturn syscall(SYS_clock_settime, CLOCK_REALTIME, &ts);\n",
    "\tif (!strcmp(name, \"reboot\")) /* LINUX_REBOOT_CMD_CAD_OFF: harmless where allowed */\n",
    "\t\treturn syscall(SYS_reboot, 0xfee1dead, 0x28121969, 0, NULL);\n",
    "\tif (!strcmp(name, \"syslog\"))\n",
    "\t\treturn syscall(SYS_syslog, 10 /* SIZE_BUFFER */, NULL, 0);\n",
    "\tif (!strcmp(name, \"acct\"))\n",
    "\t\treturn syscall(SYS_acct, NULL);\n",
    "\tif (!strcmp(name, \"swapon\"))\n",
    "\t\treturn syscall(SYS_swapon, \"/tmp/no-swap\", 0);\n",
    "\terrno = EINVAL;\n",
    "\treturn -1;\n",
    "}\n",
    "\n",
    "static int cmp(const void *a, const void *b)\n",
    "{\n",
    "\treturn strcmp(*(char *const *)a, *(char *const *)b);\n",
    "}\n",
    "\n",
    "/* Prints LABEL=a,b,c (the sorted entries of dir) or LABEL=ERRNO-NAME. */\n",
    "static void list(const char *label, const char *dir)\n",
    "{\n",
    "\tstatic char *names[4096];\n",
    "\tstruct dirent *de;\n",
    "\tint n = 0, own;\n",
    "\tDIR *d = opendir(dir);\n",
    "\n",
    "\tif (!d) {\n",
    "\t\tres(label, -1);\n",
    "\t\treturn;\n",
    "\t}\n",
    "\town = dirfd(d);\n",
    "\twhile ((de = readdir(d)) && n < 4096) {\n",
    "\t\tif (strcmp(de->d_name, \".\") && strcmp(de->d_name, \"..\") &&\n",
    "\t\t    (strcmp(dir, \"/proc/self/fd\") || atoi(de->d_name) != own))\n",
    "\t\t\tnames[n++] = strdup(de->d_name);\n",
    "\t}\n",
    "\tclosedir(d);\n",
    "\tqsort(names, n, sizeof(names[0]), cmp);\n",
    "\tprintf(\"%s=\", label);\n",
    "\tfor (int i = 0; i < n; i++)\n",
    "\t\tprintf(\"%s%s\", i ? \",\" : \"\", names[i]);\n",
    "\tprintf(\"\\n\");\n",
    "}\n",
    "\n",
    "/* Whether / is still the directory it was when we started, and what it holds. */\n",
    "static void root_check(const struct stat *start)\n",
    "{\n",
    "\tstruct stat now;\n",
    "\n",
    "\tif (stat(\"/\", &now) == 0)\n",
    "\t\tprintf(\"root=%s\\n\", now.st_dev == start->st_dev && now.st_ino == start->st_ino\n",
    "\t\t\t\t\t? \"same\"\n",
    "\t\t\t\t\t: \"moved\");\n",
    "\tlist(\"ls:/\", \"/\");\n",
    "}\n",
    "\n",
    "/* Our descriptors; fchdir to each one above 2, listing what .. holds there. */\n",
    "static void fds(void)\n",
    "{\n",
    "\tstruct dirent *de;\n",
    "\tDIR *d;\n",
    "\n",
    "\tlist(\"fds\", \"/proc/self/fd\");\n",
    "\td = opendir(\"/proc/self/fd\");\n",
    "\twhile (d && (de = readdir(d))) {\n",
    "\t\tint fd = atoi(de->d_name);\n",
    "\n",
    "\t\tif (de->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))\n",
    "\t\t\tcontinue;\n",
    "\t\tif (res(lab(\"fchdir\", de->d_name), fchdir(fd)) == 0)\n",
    "\t\t\tlist(\"ls:..\", \"..\");\n",
    "\t}\n",
    "\tif (d)\n",
    "\t\tclosedir(d);\n",
    "}\n",
    "\n",
    "/* The command line of pid with spaces for NULs, \"\" when unreadable. */\n",
    "static char *cmdline(int pid)\n",
    "{\n",
    "\tstatic char buf[512];\n",
    "\tchar path[64];\n",
    "\tssize_t n;\n",
    "\tint fd;\n",
    "\n",
    "\tsnprintf(path, sizeof(path), \"/proc/%d/cmdline\", pid);\n",
    "\tfd = open(path, O_RDONLY);\n",
    "\tn = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;\n",
    "\tif (fd >= 0)\n",
    "\t\tclose(fd);\n",
    "\tbuf[n > 0 ? n : 0] = '\\0';\n",
    "\tfor (ssize_t i = 0; i < n - 1; i++)\n",
    "\t\tbuf[i] = buf[i] ? buf[i] : ' ';\n",
    "\treturn buf;\n",
    "}\n",
    "\n",
    "/* Every init helper but PID 1 (the ones exec started): its exe opened three ways. */\n",
    "static void exec_inits(void)\n",
    "{\n",
    "\tDIR *d = opendir(\"/proc\");\n",
    "\tstruct dirent *de;\n",
    "\tchar path[64], link[256];\n",
    "\n",
    "\twhile (d && (de = readdir(d))) {\n",
    "\t\tint pid = atoi(de->d_name);\n",
    "\n",
    "\t\tif (pid <= 1 || pid == getpid() || strncmp(cmdline(pid), \"conti-rootless-init\", 19))\n",
    "\t\t\tcontinue;\n",
    "\t\tprintf(\"exec-init:%s\\n\", cmdline(pid));\n",
    "\t\tsnprintf(path, sizeof(path), \"/proc/%d/exe\", pid);\n",
    "\t\tres(\"readlink:exe\", readlink(path, link, sizeof(link)));\n",
    "\t\tres(\"write:exe\", open(path, O_WRONLY));\n",
    "\t\tres(\"read:exe\", open(path, O_RDONLY));\n",
    "\t}\n",
    "\tif (d)\n",
    "\t\tclosedir(d);\n",
    "}\n",
    "\n",
    "static int max_pid(void)\n",
    "{\n",
    "\tDIR *d = opendir(\"/proc\");\n",
    "\tstruct dirent *de;\n",
    "\tint max = 0;\n",
    "\n",
    "\twhile (d && (de = readdir(d)))\n",
    "\t\tmax = atoi(de->d_name) > max ? atoi(de->d_name) : max;\n",
    "\tif (d)\n",
    "\t\tclosedir(d);\n",
    "\treturn max;\n",
    "}\n",
    "\n",
    "/* Until stop exists (at most 60 s): opens /proc/PID/exe of each new process as soon as\n",
    " * it appears, to catch a host binary between its exec and its turning non-dumpable. */\n",
    "static void race_exe(const char *stop)\n",
    "{\n",
    "\tstruct stat root, st;\n",
    "\ttime_t end = time(NULL) + 60;\n",
    "\tlong tries = 0, opened = 0, wrote = 0;\n",
    "\tint next = max_pid() + 1;\n",
    "\tchar path[64], link[256] = \"\", first[256] = \"\";\n",
    "\tstatic char seen[65536];\n",
    "\tint pids = 0;\n",
    "\n",
    "\tstat(\"/\", &root);\n",
    "\tprintf(\"ready\\n\");\n",
    "\tfflush(stdout);\n",
    "\tfor (;;) {\n",
    "\t\tif ((tries & 1023) == 0) {\n",
    "\t\t\tif (access(stop, F_OK) == 0 || time(NULL) > end)\n",
    "\t\t\t\tbreak;\n",
    "\t\t\tif (max_pid() - 2 > next)\n",
    "\t\t\t\tnext = max_pid() - 2;\n",
    "\t\t}\n",
    "\t\tfor (int pid = next; pid < next + 6; pid++, tries++) {\n",
    "\t\t\tint fd, w;\n",
    "\n",
    "\t\t\tsnprintf(path, sizeof(path), \"/proc/%d/exe\", pid);\n",
    "\t\t\tfd = open(path, O_RDONLY | O_CLOEXEC);\n",
    "\t\t\tif (fd < 0)\n",
    "\t\t\t\tcontinue;\n",
    "\t\t\t/* the container's own files are on its root's device; a memfd is no\n",
    "\t\t\t * host file */\n",
    "\t\t\tmemset(link, 0, sizeof(link));\n",
    "\t\t\tif (fstat(fd, &st) == 0 && st.st_dev != root.st_dev &&\n",
    "\t\t\t    readlink(path, link, sizeof(link) - 1) > 0 &&\n",
    "\t\t\t    strncmp(link, \"/memfd:\", 7)) {\n",
    "\t\t\t\topened++;\n",
    "\t\t\t\tpids += !seen[pid & 0xffff];\n",
    "\t\t\t\tseen[pid & 0xffff] = 1;\n",
    "\t\t\t\tif (!first[0])\n",
    "\t\t\t\t\tsnprintf(first, sizeof(first), \"%s\", link);\n",
    "\t\t\t\tw = open(path, O_WRONLY | O_CLOEXEC);\n",
    "\t\t\t\tif (w >= 0) {\n",
    "\t\t\t\t\twrote++;\n",
    "\t\t\t\t\tclose(w);\n",
    "\t\t\t\t}\n",
    "\t\t\t}\n",
    "\t\t\tclose(fd);\n",
    "\t\t}\n",
    "\t}\n",
    "\tprintf(\"race: tries=%ld opened=%ld pids=%d wrote=%ld first=%s\\n\", tries, opened, pids,\n",
    "\t       wrote, first);\n",
    "}\n",
    "\n",
    "static const char *type(const char *path)\n",
    "{\n",
    "\tstatic char buf[64];\n",
    "\tstruct stat st;\n",
    "\n",
    "\tif (lstat(path, &st) < 0)\n",
    "\t\treturn strerrorname_np(errno);\n",
    "\tif (S_ISCHR(st.st_mode))\n",
    "\t\tsnprintf(buf, sizeof(buf), \"chr %u:%u\", major(st.st_rdev), minor(st.st_rdev));\n",
    "\telse\n",
    "\t\tsnprintf(buf, sizeof(buf), \"%s\", S_ISDIR(st.st_mode)   ? \"dir\"\n",
    "\t\t\t\t\t\t : S_ISREG(st.st_mode) ? \"reg\"\n",
    "\t\t\t\t\t\t\t\t       : \"other\");\n",
    "\treturn buf;\n",
    "}\n",
    "\n",
    "static long connect_abstract(const char *name)\n",
    "{\n",
    "\tstruct sockaddr_un sa = {.sun_family = AF_UNIX};\n",
    "\tint s = socket(AF_UNIX, SOCK_STREAM, 0);\n",
    "\n",
    "\tsnprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, \"%s\", name);\n",
    "\treturn connect(s, (struct sockaddr *)&sa, sizeof(sa_family_t) + 1 + strlen(name));\n",
    "}\n",
    "\n",
    "static void status_line(const char *key)\n",
    "{\n",
    "\tchar line[256];\n",
    "\tFILE *f = fopen(\"/proc/self/status\", \"r\");\n",
    "\n",
    "\twhile (f && fgets(line, sizeof(line), f)) {\n",
    "\t\tif (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')\n",
    "\t\t\tprintf(\"%s\", line);\n",
    "\t}\n",
    "\tif (f)\n",
    "\t\tfclose(f);\n",
    "}\n",
    "\n",
    "/* Commands: each a word and its arguments, run in turn. */\n",
    "int main(int argc, char **argv)\n",
    "{\n",
    "\tstruct stat start;\n",
    "\tchar buf[256];\n",
    "\n",
    "\tsetvbuf(stdout, NULL, _IOLBF, 0);\n",
    "\tstat(\"/\", &start);\n",
    "\tfor (int i = 1; i < argc; i++) {\n",
    "\t\tconst char *c = argv[i], *a = i + 1 < argc ? argv[i + 1] : \"\";\n",
    "\t\tconst char *b = i + 2 < argc ? argv[i + 2] : \"\";\n",
    "\t\tint fd;\n",
    "\t\tlong n = 0, k;\n",
    "\n",
    "\t\tif (!strcmp(c, \"ids\")) {\n",
    "\t\t\tuid_t r, e, s;\n",
    "\n",
    "\t\t\tgetresuid(&r, &e, &s);\n",
    "\t\t\tprintf(\"uids=%u,%u,%u\\n\", r, e, s);\n",
    "\t\t\tcontinue;\n",
    "\t\t}\n",
    "\t\tif (!strcmp(c, \"fds\")) {\n",
    "\t\t\tfds();\n",
    "\t\t\tcontinue;\n",
    "\t\t}\n",
    "\t\tif (!strcmp(c, \"exec-inits\")) {\n",
    "\t\t\texec_inits();\n",
    "\t\t\tcontinue;\n",
    "\t\t}\n",
    "\t\tif (!strcmp(c, \"chroot-escape\")) {\n",
    "\t\t\tmkdir(\"/tmp/jail\", 0755);\n",
    "\t\t\tres(\"chroot:/tmp/jail\", chroot(\"/tmp/jail\"));\n",
    "\t\t\tfor (int up = 0; up < 64; up++)\n",
    "\t\t\t\tif (chdir(\"..\") < 0)\n",
    "\t\t\t\t\tbreak;\n",
    "\t\t\tres(\"chroot:.\", chroot(\".\"));\n",
    "\t\t\troot_check(&start);\n",
    "\t\t\tcontinue;\n",
    "\t\t}\n",
    "\t\ti++; /* the others take an argument */\n",
    "\t\tif (!strcmp(c, \"sys\"))\n",
    "\t\t\tres(a, sys(a));\n",
    "\t\telse if (!strcmp(c, \"status\"))\n",
    "\t\t\tstatus_line(a);\n",
    "\t\telse if (!strcmp(c, \"write\"))\n",
    "\t\t\tres(lab(c, a), open(a, O_WRONLY));\n",
    "\t\telse if (!strcmp(c, \"trunc\")) /* as the shell's > */\n",
    "\t\t\tres(lab(c, a), open(a, O_WRONLY | O_TRUNC));\n",
    "\t\telse if (!strcmp(c, \"create\"))\n",
    "\t\t\tres(lab(c, a), open(a, O_WRONLY | O_CREAT | O_EXCL, 0644));\n",
    "\t\telse if (!strcmp(c, \"open\"))\n",
    "\t\t\tres(lab(c, a), open(a, O_RDWR));\n",
    "\t\telse if (!strcmp(c, \"read\")) {\n",
    "\t\t\tfd = open(a, O_RDONLY);\n",
    "\t\t\twhile (fd >= 0 && (k = read(fd, buf, sizeof(buf))) > 0)\n",
    "\t\t\t\tn += k;\n",
    "\t\t\tif (res(lab(c, a), fd) >= 0)\n",
    "\t\t\t\tprintf(\"bytes:%s=%ld\\n\", a, n);\n",
    "\t\t} else if (!strcmp(c, \"stat\"))\n",
    "\t\t\tprintf(\"stat:%s=%s\\n\", a, type(a));\n",
    "\t\telse if (!strcmp(c, \"ls\"))\n",
    "\t\t\tlist(lab(c, a), a);\n",
    "\t\telse if (!strcmp(c, \"kill\"))\n",
    "\t\t\tres(lab(c, a), kill(atoi(a), 0));\n",
    "\t\telse if (!strcmp(c, \"ptrace\"))\n",
    "\t\t\tres(lab(c, a), ptrace(PTRACE_ATTACH, atoi(a), 0, 0));\n",
    "\t\telse if (!strcmp(c, \"readlink\"))\n",
    "\t\t\tres(lab(c, a), readlink(a, buf, sizeof(buf)));\n",
    "\t\telse if (!strcmp(c, \"umount\"))\n",
    "\t\t\tres(lab(c, a), umount2(a, MNT_DETACH));\n",
    "\t\telse if (!strcmp(c, \"chroot\")) {\n",
    "\t\t\tres(lab(c, a), chroot(a));\n",
    "\t\t\troot_check(&start);\n",
    "\t\t} else if (!strcmp(c, \"tiocsti\"))\n",
    "\t\t\tres(lab(c, a), ioctl(atoi(a), TIOCSTI, \"Z\"));\n",
    "\t\telse if (!strcmp(c, \"mknod\"))\n",
    "\t\t\tres(lab(c, a), mknod(a, S_IFBLK | 0600, makedev(8, 0)));\n",
    "\t\telse if (!strcmp(c, \"connect\"))\n",
    "\t\t\tres(lab(c, a), connect_abstract(a));\n",
    "\t\telse if (!strcmp(c, \"remount\"))\n",
    "\t\t\tres(lab(c, a), mount(NULL, a, NULL, MS_REMOUNT | MS_BIND, NULL));\n",
    "\t\telse if (!strcmp(c, \"race-exe\"))\n",
    "\t\t\trace_exe(a);\n",
    "\t\telse if (!strcmp(c, \"bind\") && ++i)\n",
    "\t\t\tres(lab(c, b), mount(a, b, NULL, MS_BIND | MS_REC, NULL));\n",
    "\t\telse if (!strcmp(c, \"mount\") && ++i)\n",
    "\t\t\tres(lab(c, a), mount(a, b, a, 0, NULL));\n",
    "\t\telse if (!strcmp(c, \"pivot_root\") && ++i)\n",
    "\t\t\tres(lab(c, a), syscall(SYS_pivot_root, a, b));\n",
    "\t\telse {\n",
    "\t\t\tprintf(\"probe: unknown command %s\\n\", c);\n",
    "\t\t\treturn 2;\n",
    "\t\t}\n",
    "\t}\n",
    "\treturn 0;\n",
    "}\n",
    NULL,
};

/* ---- names, markers and cleanup ---- */

static pid_t runner; /* the check runner, parent of every test process */

/* A new container name, "escRUNNER-TESTPID-N", removed (rm -f) at teardown. */
static char *new_name(void)
{
	return h_new_name("esc", runner);
}

/* A number of seconds for busybox sleep unique to this test and call: `sleep MARK`
 * marks a container's processes (the init helper's command line holds it too). */
static char *new_mark(void)
{
	return h_new_mark('7', runner);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* ---- files ---- */

static char *in_rootfs(const char *rel)
{
	return h_strf("%s/%s", H.rootfs, rel);
}

/* A static program built from source (lines), compiled once per TCase into its temp dir as
 * name (caller frees the path). */
static char *static_binary(const char *name, const char *const *source)
{
	char *bin = h_strf("%s/%s", h_case_dir(), name), *src, *tmp;
	struct h_result r;
	FILE *f;

	if (h_exists(bin))
		return bin;
	src = h_strf("%s/%s.c", h_case_dir(), name);
	tmp = h_strf("%s/%s.tmp", h_case_dir(), name);
	f = fopen(src, "w");
	ck_assert_msg(f, "create %s: %s", src, strerror(errno));
	for (int i = 0; source[i]; i++)
		fputs(source[i], f);
	ck_assert_int_eq(fclose(f), 0);
	h_run(&r, &(struct h_opts){.timeout_ms = 120000},
	      (char *const[]){"cc", "-static", "-O1", "-o", tmp, src, NULL});
	ck_assert_msg(r.status == 0,
		      "cc -static could not build %s (exit %d): install gcc and the static "
		      "C library (libc6-dev)\n%s",
		      name, r.status, r.err);
	ck_assert_int_eq(rename(tmp, bin), 0);
	h_result_free(&r);
	free(src);
	free(tmp);
	return bin;
}

/* Copies the static program built from source into the rootfs as /name, mode 0755. */
static void install_static(const char *name, const char *const *source)
{
	char *bin = static_binary(name, source), *dst = in_rootfs(name);

	h_copy_file(bin, dst, 0755);
	free(bin);
	free(dst);
}

/* The probe, compiled once per TCase into its temp dir (caller frees the path). */
static char *probe_binary(void)
{
	return static_binary("probe", probe_source);
}

/* Puts the probe into the rootfs at /name with mode. */
static void install_probe(const char *name, mode_t mode)
{
	char *bin = probe_binary(), *dst = in_rootfs(name);

	h_copy_file(bin, dst, mode);
	free(bin);
	free(dst);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir (without . and ..), sorted as the probe sorts them, joined with ','. */
static char *sorted_entries(const char *dir)
{
	char **v = calloc((size_t)h_count_entries(dir) + 1, sizeof(char *)), *out = strdup("");
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_msg(d, "opendir %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			v[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(v, (size_t)n, sizeof(*v), cmp_str);
	for (int i = 0; i < n; i++) {
		char *next = h_strf("%s%s%s", out, i ? "," : "", v[i]);

		free(out);
		free(v[i]);
		out = next;
	}
	free(v);
	return out;
}

/* What `ls /` prints inside: the rootfs's top-level entries. */
static char *root_listing(void)
{
	return sorted_entries(H.rootfs);
}

/* A 64-bit FNV-1a hash of the bytes of fd, and their count. */
static unsigned long long fd_hash(int fd, long long *size)
{
	unsigned long long h = 1469598103934665603ULL;
	unsigned char buf[65536];
	ssize_t n;

	*size = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 1099511628211ULL;
		*size += n;
	}
	return h;
}

/* "SIZE:HASH" of the file at path (caller frees); fails when it cannot be read. */
static char *file_sum(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned long long h;
	long long size;

	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	h = fd_hash(fd, &size);
	close(fd);
	return h_strf("%lld:%016llx", size, h);
}

/* Appends one line per entry below dir (rel is its path in the tree): type, mode,
 * owner, size, times and content hash or link target. */
static void digest_dir(FILE *out, int dir, const char *rel)
{
	DIR *d = fdopendir(dir);
	char **v = NULL;
	struct dirent *de;
	int n = 0;

	ck_assert(d);
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			v = realloc(v, (size_t)(n + 1) * sizeof(*v));
			v[n++] = strdup(de->d_name);
		}
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_str);
	for (int i = 0; i < n; i++) {
		char *path = h_strf("%s/%s", rel, v[i]), link[4096];
		struct stat st;
		long long size;
		ssize_t len;
		int fd;

		ck_assert(fstatat(dirfd(d), v[i], &st, AT_SYMLINK_NOFOLLOW) == 0);
		fprintf(out, "%s %o %u:%u %lld m%lld.%09ld c%lld.%09ld", path, (unsigned)st.st_mode,
			(unsigned)st.st_uid, (unsigned)st.st_gid, (long long)st.st_size,
			(long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
			(long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
		if (S_ISLNK(st.st_mode)) {
			len = readlinkat(dirfd(d), v[i], link, sizeof(link) - 1);
			ck_assert(len >= 0);
			link[len] = '\0';
			fprintf(out, " -> %s\n", link);
		} else if (S_ISREG(st.st_mode)) {
			fd = openat(dirfd(d), v[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
			fprintf(out, " %016llx\n", fd_hash(fd, &size));
			close(fd);
		} else if (S_ISDIR(st.st_mode)) {
			fprintf(out, "\n");
			fd =
			    openat(dirfd(d), v[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
			digest_dir(out, fd, path);
		} else {
			fprintf(out, " dev %llx\n", (unsigned long long)st.st_rdev);
		}
		free(path);
		free(v[i]);
	}
	free(v);
	closedir(d);
}

/* Every entry of the tree at dir, one line each (caller frees). */
static char *tree_digest(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_msg(fd >= 0 && out, "open %s: %s", dir, strerror(errno));
	digest_dir(out, fd, ".");
	fclose(out);
	return text;
}

/* The first line where a and b differ, as "LINE_A | LINE_B" (caller frees). */
static char *first_difference(const char *a, const char *b)
{
	int na = h_count_lines(a), nb = h_count_lines(b);

	for (int i = 0; i < na || i < nb; i++) {
		char *la = h_line(a, i), *lb = h_line(b, i);

		if (strcmp(la, lb)) {
			char *d = h_strf("before: '%s'\n  after: '%s'", la, lb);

			free(la);
			free(lb);
			return d;
		}
		free(la);
		free(lb);
	}
	return strdup("none");
}

/* A host dir next to the rootfs, H.base/name, holding one file "marker" ("untouched"). */
static char *host_dir(const char *name)
{
	char *dir = h_strf("%s/%s", H.base, name), *marker = h_strf("%s/marker", dir);

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	h_write_file(marker, "untouched\n", 0644);
	free(marker);
	return dir;
}

/* Fails unless dir still holds only its marker, unchanged. */
static void assert_host_dir_untouched(const char *dir)
{
	char *entries = sorted_entries(dir), *marker = h_strf("%s/marker", dir);
	char *text = h_read_file(marker);

	ck_assert_msg(!strcmp(entries, "marker"), "the host dir %s now holds: %s", dir, entries);
	ck_assert_msg(text && !strcmp(text, "untouched\n"), "%s changed", marker);
	free(entries), free(marker), free(text);
}

/* The init helper the front end runs (found as it finds it: next to the binary). */
static char *helper_path(void)
{
	char *bin = strdup(h_conti_bin()), *slash = strrchr(bin, '/'), *path;

	ck_assert(slash);
	*slash = '\0';
	path = h_strf("%s/helpers/conti-rootless-init", bin);
	if (!h_exists(path)) {
		free(path);
		path = h_strf("%s/../libexec/conti-rootless/conti-rootless-init", bin);
	}
	ck_assert_msg(h_exists(path), "no conti-rootless-init next to %s", h_conti_bin());
	free(bin);
	return path;
}

/* True when prog is on PATH. */
static bool on_path(const char *prog)
{
	char *path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"), *save = NULL;
	bool found = false;

	for (char *d = strtok_r(path, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *full = h_strf("%s/%s", d, prog);

		found = access(full, X_OK) == 0;
		free(full);
	}
	free(path);
	return found;
}

/* True when the caller has a range in /etc/subuid (by name or uid): uid 1000 is mapped. */
static bool have_subids(void)
{
	struct passwd *pw = getpwuid(getuid());
	char *text = h_read_file("/etc/subuid"), *save = NULL, uid[32];
	bool found = false;

	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l && !found;
	     l = strtok_r(NULL, "\n", &save)) {
		size_t len = strcspn(l, ":");

		found = (len == strlen(uid) && !strncmp(l, uid, len)) ||
			(pw && len == strlen(pw->pw_name) && !strncmp(l, pw->pw_name, len));
	}
	free(text);
	return found;
}

/* ---- running the front end ---- */

/* Fails unless the command exited 0 and printed exactly want. */
static void assert_out(const struct h_result *r, const char *want, const char *what)
{
	h_assert_status(r, 0, what);
	ck_assert_msg(!strcmp(r->out, want), "%s printed:\n%s--- expected:\n%s--- stderr:\n%s",
		      what, r->out, want, r->err);
}

/* `run --rm [opts] ROOTFS /probe args...` */
static void run_probe(struct h_result *r, const char *const *opts, const char *const *args)
{
	const char *argv[96] = {"run", "--rm"};
	int n = 2;

	for (; opts && *opts && n < 40; opts++)
		argv[n++] = *opts;
	argv[n++] = H.rootfs;
	argv[n++] = "/probe";
	for (; *args && n < 95; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	h_conti_v(r, NULL, argv);
}

/* Waits up to wait_ms for a process of ours with marker in its command line. */
static bool wait_for_proc(const char *marker, int wait_ms)
{
	long long deadline = h_mono_ms() + wait_ms;

	while (h_count_procs(marker) == 0 && h_mono_ms() < deadline)
		sleep_ms(20);
	return h_count_procs(marker) > 0;
}

/* Accepts a refused set-up: 125, one error line, nothing left behind. */
static void assert_refused(const struct h_result *r, const char *what)
{
	char *line;

	h_assert_status(r, 125, what);
	line = h_error_line(r);
	free(line);
	h_assert_nothing_left();
}

/* ---- fixtures ---- */

static void esc_setup(void)
{
	h_setup();
	install_probe("probe", 0755);
}

/* rm -f of every container the test made, then whatever of ours still mentions the
 * test's dir (the keeper has it in its environment, a monitor in its command line). */
static void esc_teardown(void)
{
	h_remove_names();
	if (H.base)
		h_kill_procs(H.base);
	h_teardown();
}

/* In the runner: kills what a failed test left (its teardown did not run). */
static void esc_case_teardown(void)
{
	if (h_case_dir())
		h_kill_procs(h_case_dir());
	h_case_teardown();
}

/* ==== host_tree: reach the host's file tree ==== */

/* A file planted on the host next to the rootfs (its host path, caller frees). */
static char *plant_marker(void)
{
	char *path = h_strf("%s/escape-marker", H.base);

	h_write_file(path, "host only\n", 0644);
	return path;
}

/* `..` of / is / itself: /.. and /../.. list the rootfs, and the file planted next to the
 * rootfs is there neither as /../escape-marker nor by its host path. */
START_TEST(test_tree_dotdot_is_root)
{
	char *marker = plant_marker(), *ls = root_listing();
	char *want = h_strf("ls:/=%s\nls:/..=%s\nls:/../..=%s\nstat:/../escape-marker=ENOENT\n"
			    "stat:%s=ENOENT\n",
			    ls, ls, ls, marker);
	struct h_result r;

	PROBE(&r, "ls", "/", "ls", "/..", "ls", "/../..", "stat", "/../escape-marker", "stat",
	      marker);
	assert_out(&r, want, "ls /..");
	h_result_free(&r);
	free(marker), free(ls), free(want);
}
END_TEST

/* /proc/1/root (init's root) cannot be followed at all: init is not dumpable, so EACCES;
 * /proc/self/root and its .. are the container's /, without the planted file. */
START_TEST(test_tree_proc_root_links)
{
	char *marker = plant_marker(), *ls = root_listing();
	char *want =
	    h_strf("readlink:/proc/1/root=EACCES\nls:/proc/1/root=EACCES\n"
		   "stat:/proc/1/root/../escape-marker=EACCES\nls:/proc/self/root=%s\n"
		   "ls:/proc/self/root/..=%s\nstat:/proc/self/root/../escape-marker=ENOENT\n",
		   ls, ls);
	struct h_result r;

	PROBE(&r, "readlink", "/proc/1/root", "ls", "/proc/1/root", "stat",
	      "/proc/1/root/../escape-marker", "ls", "/proc/self/root", "ls", "/proc/self/root/..",
	      "stat", "/proc/self/root/../escape-marker");
	assert_out(&r, want, "/proc/*/root");
	h_result_free(&r);
	free(marker), free(ls), free(want);
}
END_TEST

/* Descriptors the caller leaks (a host directory and the host's /, without O_CLOEXEC) do
 * not reach the container: the probe finds only 0, 1 and 2 (no fd to fchdir out by). */
START_TEST(test_tree_leaked_fd)
{
	int dir = open(H.base, O_RDONLY | O_DIRECTORY), root = open("/", O_PATH);
	int leak1 = fcntl(dir, F_DUPFD, 20), leak2 = fcntl(root, F_DUPFD, 21);
	struct h_result r;

	ck_assert(dir >= 0 && root >= 0 && leak1 >= 20 && leak2 >= 21);
	PROBE(&r, "fds");
	assert_out(&r, "fds=0,1,2\n", "the probe's descriptors");
	close(dir), close(root), close(leak1), close(leak2);
	h_result_free(&r);
}
END_TEST

/* chroot("..") (allowed: SYS_CHROOT is a default capability) from / leaves / where it is:
 * the same directory, the rootfs's entries. */
START_TEST(test_tree_chroot_dotdot)
{
	char *ls = root_listing(), *want = h_strf("chroot:..=ok\nroot=same\nls:/=%s\n", ls);
	struct h_result r;

	PROBE(&r, "chroot", "..");
	assert_out(&r, want, "chroot ..");
	h_result_free(&r);
	free(ls), free(want);
}
END_TEST

/* The classic chroot escape (chroot into a subdir keeping the cwd outside it, chdir ..
 * 64 times, chroot .) ends at the container's /: the top of its mount tree. */
START_TEST(test_tree_chroot_escape)
{
	char *ls = root_listing();
	char *want = h_strf("chroot:/tmp/jail=ok\nchroot:.=ok\nroot=same\nls:/=%s\n", ls);
	struct h_result r;

	PROBE(&r, "chroot-escape");
	assert_out(&r, want, "chroot escape");
	h_result_free(&r);
	free(ls), free(want);
}
END_TEST

/* Mounting the old root back (a bind of /proc/1/root or of /) fails: EPERM, there is no
 * CAP_SYS_ADMIN; busybox mount says the same. */
START_TEST(test_tree_bind_old_root)
{
	struct h_result r;

	CONTI(&r, "run", "--rm", H.rootfs, "sh", "-c",
	      "mkdir -p /mnt && exec /probe bind /proc/1/root /mnt bind / /tmp");
	assert_out(&r, "bind:/mnt=EPERM\nbind:/tmp=EPERM\n", "mount --bind");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", H.rootfs, "sh", "-c",
	      "mkdir -p /mnt && mount --bind /proc/1/root /mnt");
	h_assert_status(&r, 1, "busybox mount --bind /proc/1/root /mnt");
	ck_assert_msg(strstr(r.err, "mount: permission denied (are you root?)"), "stderr: %s",
		      r.err);
	h_result_free(&r);
}
END_TEST

/* pivot_root back out (to / or a new root) fails: EPERM. */
START_TEST(test_tree_pivot_root)
{
	struct h_result r;

	PROBE(&r, "pivot_root", "/tmp", "/tmp", "pivot_root", ".", ".");
	assert_out(&r, "pivot_root:/tmp=EPERM\npivot_root:.=EPERM\n", "pivot_root");
	h_result_free(&r);
}
END_TEST

/* Unmounting / (to uncover what is below) or a mask (to unmask /proc/keys, /proc/sys,
 * /sys/firmware) fails: EPERM. */
START_TEST(test_tree_umount)
{
	struct h_result r;

	PROBE(&r, "umount", "/", "umount", "/proc/keys", "umount", "/proc/sys", "umount",
	      "/sys/firmware", "umount", "/proc");
	assert_out(&r,
		   "umount:/=EPERM\numount:/proc/keys=EPERM\numount:/proc/sys=EPERM\n"
		   "umount:/sys/firmware=EPERM\numount:/proc=EPERM\n",
		   "umount");
	h_result_free(&r);
}
END_TEST

/* ==== host_processes: reach the host's processes ==== */

/* The keeper's pid, after a first run has started it. */
static pid_t start_keeper(void)
{
	struct h_result r;
	pid_t keeper;

	CONTI(&r, "run", "--rm", H.rootfs, "true");
	h_assert_status(&r, 0, "run true");
	h_result_free(&r);
	keeper = h_keeper_pid();
	ck_assert_msg(keeper > 0, "no keeper pid after a run");
	return keeper;
}

/* kill(PID, 0) of host processes (this test, its runner, the keeper) fails: ESRCH, they
 * do not exist in the container's PID namespace; busybox kill says so too. */
START_TEST(test_proc_kill_host_pid)
{
	pid_t keeper = start_keeper();
	char *self = h_strf("%d", (int)getpid()), *parent = h_strf("%d", (int)getppid());
	char *kpid = h_strf("%d", (int)keeper), *script = h_strf("kill -0 %d", (int)getpid());
	char *want = h_strf("kill:%s=ESRCH\nkill:%s=ESRCH\nkill:%s=ESRCH\n", self, parent, kpid);
	char *msg = h_strf("can't kill pid %d: No such process", (int)getpid());
	struct h_result r;

	ck_assert_int_gt(getpid(), 10); /* not a pid the container has */
	PROBE(&r, "kill", self, "kill", parent, "kill", kpid);
	assert_out(&r, want, "kill -0 of host pids");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", H.rootfs, "sh", "-c", script);
	h_assert_status(&r, 1, script);
	ck_assert_msg(strstr(r.err, msg), "stderr: %s", r.err);
	h_result_free(&r);
	free(self), free(parent), free(kpid), free(script), free(want), free(msg);
}
END_TEST

/* /proc/<host pid> does not exist inside (ENOENT), and /proc lists only the container's
 * two processes: init (1) and the probe (2). */
START_TEST(test_proc_host_pid_absent)
{
	pid_t keeper = start_keeper();
	char *self = h_strf("/proc/%d", (int)getpid()), *kpid = h_strf("/proc/%d", (int)keeper);
	char *want = h_strf("stat:%s=ENOENT\nstat:%s=ENOENT\n", self, kpid), *ls, *pids;
	struct h_result r;

	ck_assert_int_gt(getpid(), 10);
	PROBE(&r, "stat", self, "stat", kpid, "ls", "/proc");
	h_assert_status(&r, 0, "stat /proc/PID");
	ls = strstr(r.out, "ls:/proc=");
	ck_assert_msg(ls, "no listing of /proc:\n%s", r.out);
	*ls = '\0';
	ck_assert_str_eq(r.out, want);
	/* the numeric entries of the listing */
	pids = strdup("");
	for (char *save = NULL, *e = strtok_r(ls + 9, ",\n", &save); e;
	     e = strtok_r(NULL, ",\n", &save)) {
		if (strspn(e, "0123456789") == strlen(e)) {
			char *next = h_strf("%s%s%s", pids, *pids ? "," : "", e);

			free(pids);
			pids = next;
		}
	}
	ck_assert_str_eq(pids, "1,2");
	h_result_free(&r);
	free(self), free(kpid), free(want), free(pids);
}
END_TEST

/* PTRACE_ATTACH to init (PID 1) fails: EPERM (it is not dumpable and there is no
 * CAP_SYS_PTRACE). */
START_TEST(test_proc_ptrace_init)
{
	struct h_result r;

	PROBE(&r, "ptrace", "1");
	assert_out(&r, "ptrace:1=EPERM\n", "ptrace PID 1");
	h_result_free(&r);
}
END_TEST

/* Init's namespaces (to setns into), memory and environment cannot be opened: EACCES;
 * busybox nsenter -t 1 fails the same way. */
START_TEST(test_proc_init_ns_and_memory)
{
	struct h_result r;

	PROBE(&r, "read", "/proc/1/ns/mnt", "read", "/proc/1/ns/user", "read", "/proc/1/mem",
	      "read", "/proc/1/environ");
	assert_out(&r,
		   "read:/proc/1/ns/mnt=EACCES\nread:/proc/1/ns/user=EACCES\n"
		   "read:/proc/1/mem=EACCES\nread:/proc/1/environ=EACCES\n",
		   "open /proc/1/{ns,mem,environ}");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", H.rootfs, "nsenter", "-t", "1", "-m", "true");
	h_assert_status(&r, 1, "nsenter -t 1 -m");
	ck_assert_msg(strstr(r.err, "nsenter: can't open '/proc/1/ns/mnt': Permission denied"),
		      "stderr: %s", r.err);
	h_result_free(&r);
}
END_TEST

/* ==== privilege: gain privileges ==== */

/* A setuid-root binary in the rootfs (the probe, mode 4755, owned by the caller, who is
 * root inside), run as uid 1000 under no_new_privs (--security-opt no-new-privileges, off
 * by default since issue 12): it stays uid 1000, no capabilities.
 * (Not a setuid copy of busybox: busybox drops a setuid euid itself for applets like id,
 * and picks the applet by its own name.) */
START_TEST(test_priv_setuid_with_nnp)
{
	struct h_result r;

	if (!have_subids()) {
		h_skip("test_priv_setuid_with_nnp: uid 1000 needs a subordinate range");
		return;
	}
	install_probe("suid-probe", 04755);
	CONTI(&r, "run", "--rm", "--security-opt", "no-new-privileges", "-u", "1000:1000", H.rootfs,
	      "sh", "-c", "stat -c %a:%u /suid-probe; exec /suid-probe ids status CapEff");
	assert_out(&r, "4755:0\nuids=1000,1000,1000\nCapEff:\t0000000000000000\n",
		   "setuid binary under no_new_privs");
	h_result_free(&r);
}
END_TEST

/* The same with no_new_privs off (and, so that nothing else stands in the way, no seccomp
 * filter: see test_default_no_new_privs): the setuid bit works, but only up to root of
 * the user namespace, which is the caller (uid_map "0 UID 1"): the capabilities are at
 * most the default set, and host files the caller does not own stay out of reach:
 * /etc/passwd through a read-only volume (EROFS: O_TRUNC, as the shell's >, meets the
 * read-only mount first) and through a writable one (EACCES, root of the namespace has no
 * power over files of unmapped owners); no new file in /etc; no remount (EPERM). */
START_TEST(test_priv_setuid_without_nnp)
{
	char *want = h_strf("uids=1000,0,0\nCapEff:\t%016llx\ntrunc:/hostetc/passwd=EROFS\n"
			    "write:/hostetcrw/passwd=EACCES\n"
			    "create:/hostetcrw/conti-escape-test=EACCES\nremount:/hostetc=EPERM\n",
			    default_caps);
	struct stat before, after;
	unsigned long inside, outside, count;
	struct h_result r;
	char *ids;

	if (!have_subids()) {
		h_skip("test_priv_setuid_without_nnp: uid 1000 needs a subordinate range");
		free(want);
		return;
	}
	install_probe("suid-probe", 04755);
	ck_assert_int_eq(stat("/etc/passwd", &before), 0);
	CONTI(&r, "run", "--rm", "--security-opt", "no-new-privileges=false", "--security-opt",
	      "seccomp=unconfined", "-u", "1000:1000", "-v", "/etc:/hostetc:ro", "-v",
	      "/etc:/hostetcrw", H.rootfs, "sh", "-c",
	      "cat /proc/self/uid_map; exec /suid-probe ids status CapEff trunc /hostetc/passwd "
	      "write /hostetcrw/passwd create /hostetcrw/conti-escape-test remount /hostetc");
	h_assert_status(&r, 0, "setuid binary without no_new_privs");
	ids = strstr(r.out, "uids=");
	ck_assert_msg(ids, "no ids printed:\n%s", r.out);
	ck_assert_msg(!strcmp(ids, want), "printed:\n%s--- expected:\n%s", ids, want);
	ck_assert_msg(sscanf(r.out, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 &&
			  outside == getuid() && count == 1,
		      "root of the namespace is not the caller (uid %u): uid_map\n%s",
		      (unsigned)getuid(), r.out);
	ck_assert_int_eq(stat("/etc/passwd", &after), 0);
	ck_assert_msg(before.st_size == after.st_size &&
			  before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
			  before.st_mtim.tv_nsec == after.st_mtim.tv_nsec,
		      "/etc/passwd changed");
	ck_assert(!h_exists("/etc/conti-escape-test"));
	h_result_free(&r);
	free(want);
}
END_TEST

static const struct {
	const char *name; /* the probe's "sys NAME" */
	const char *err;  /* what the default filter answers */
} syscall_cases[] = {
    /* a new user namespace would hold every capability again */
    {"unshare_newuser", "EPERM"},
    {"clone_newuser", "EPERM"},
    /* clone3's flags are out of the filter's sight: ENOSYS makes libc use clone */
    {"clone3", "ENOSYS"},
    /* kernels and modules */
    {"init_module", "EPERM"},
    {"finit_module", "EPERM"},
    {"delete_module", "EPERM"},
    {"kexec_load", "EPERM"},
    {"kexec_file_load", "EPERM"},
    /* the keyrings are not namespaced */
    {"keyctl", "EPERM"},
    {"add_key", "EPERM"},
    {"request_key", "EPERM"},
    /* exploit primitives */
    {"bpf", "EPERM"},
    {"perf_event_open", "EPERM"},
    {"userfaultfd", "EPERM"},
    /* "shocker": files by handle, around the mount tree */
    {"open_by_handle_at", "EPERM"},
    /* the new mount API */
    {"fsopen", "EPERM"},
    {"open_tree", "EPERM"},
    {"move_mount", "EPERM"},
    /* host-wide controls */
    {"clock_settime", "EPERM"},
    {"reboot", "EPERM"},
    {"syslog", "EPERM"},
    {"acct", "EPERM"},
    {"swapon", "EPERM"},
};

/* Each system call the default seccomp filter refuses fails with its exact errno. */
START_TEST(test_priv_syscall)
{
	char *want = h_strf("%s=%s\n", syscall_cases[_i].name, syscall_cases[_i].err);
	struct h_result r;

	PROBE(&r, "sys", syscall_cases[_i].name);
	assert_out(&r, want, syscall_cases[_i].name);
	h_result_free(&r);
	free(want);
}
END_TEST

/* busybox unshare -U (a new user namespace, root in it) fails: EPERM. */
START_TEST(test_priv_unshare_tool)
{
	struct h_result r;

	CONTI(&r, "run", "--rm", H.rootfs, "unshare", "-U", "-r", "id");
	h_assert_status(&r, 1, "unshare -U -r id");
	ck_assert_msg(strstr(r.err, "unshare: unshare(0x10000000): Operation not permitted"),
		      "stderr: %s", r.err);
	ck_assert_str_eq(r.out, "");
	h_result_free(&r);
}
END_TEST

/* mknod of a block device (8:0, a host disk) fails although MKNOD is a default
 * capability: EPERM (devices need it in the host's namespace), on tmpfs and on /. */
START_TEST(test_priv_mknod_disk)
{
	struct h_result r;

	PROBE(&r, "mknod", "/tmp/sda", "mknod", "/sda");
	assert_out(&r, "mknod:/tmp/sda=EPERM\nmknod:/sda=EPERM\n", "mknod b 8 0");
	h_result_free(&r);
}
END_TEST

/* Mounting a file system (a fresh, unmasked proc; cgroup v1 for its release_agent;
 * cgroup2; sysfs; tmpfs) fails: EPERM. */
START_TEST(test_priv_mount_fs)
{
	struct h_result r;

	PROBE(&r, "mount", "proc", "/tmp", "mount", "cgroup", "/tmp", "mount", "cgroup2", "/tmp",
	      "mount", "sysfs", "/tmp", "mount", "tmpfs", "/tmp");
	assert_out(&r,
		   "mount:proc=EPERM\nmount:cgroup=EPERM\nmount:cgroup2=EPERM\n"
		   "mount:sysfs=EPERM\nmount:tmpfs=EPERM\n",
		   "mount -t");
	h_result_free(&r);
}
END_TEST

/* ==== write: write where the container may not ==== */

/* The first of paths that exists on the host (caller frees), NULL when none does. */
static char *first_existing(const char *const *paths)
{
	for (; *paths; paths++) {
		if (h_exists(*paths))
			return strdup(*paths);
	}
	return NULL;
}

/* A cgroup v1 release_agent (the "release_agent" escape), NULL when there is none. */
static char *release_agent(void)
{
	DIR *d = opendir("/sys/fs/cgroup");
	struct dirent *de;
	char *found = NULL;

	if (h_exists("/sys/fs/cgroup/release_agent"))
		found = strdup("/sys/fs/cgroup/release_agent");
	while (!found && d && (de = readdir(d))) {
		char *path = h_strf("/sys/fs/cgroup/%s/release_agent", de->d_name);

		if (de->d_name[0] != '.' && h_exists(path))
			found = path;
		else
			free(path);
	}
	if (d)
		closedir(d);
	return found;
}

static const char *const write_cases[] = {
    "/proc/sys/kernel/hostname",
    "/proc/sys/kernel/core_pattern", /* a pipe there runs a program on the host */
    "/proc/sys/vm/drop_caches",
    "/proc/sysrq-trigger",
    "/proc/irq/default_smp_affinity",
    "@SYS_KERNEL@",
    "@RELEASE_AGENT@",
};

/* Opening a kernel file for writing as the shell's > does (O_WRONLY|O_TRUNC, which meets
 * a read-only mount before the permission check) fails: EROFS, /proc/sys, sysrq-trigger,
 * /proc/irq and /sys are read-only mounts. A file the host's kernel does not have (as
 * /proc/sysrq-trigger without CONFIG_MAGIC_SYSRQ) is absent inside too: ENOENT. */
START_TEST(test_write_kernel_file)
{
	static const char *const sys_kernel[] = {
	    "/sys/kernel/uevent_helper", "/sys/kernel/profiling", "/sys/kernel/rcu_expedited",
	    "/sys/kernel/mm/transparent_hugepage/enabled", NULL};
	const char *c = write_cases[_i];
	char *path = !strcmp(c, "@SYS_KERNEL@")	     ? first_existing(sys_kernel)
		     : !strcmp(c, "@RELEASE_AGENT@") ? release_agent()
						     : strdup(c);
	char *want;
	struct h_result r;

	if (!path) {
		char *why = h_strf("test_write_kernel_file: no %s on this host", c);

		h_skip(why);
		free(why);
		return;
	}
	want = h_strf("trunc:%s=%s\n", path, h_exists(path) ? "EROFS" : "ENOENT");
	PROBE(&r, "trunc", path);
	assert_out(&r, want, path);
	h_result_free(&r);
	free(path), free(want);
}
END_TEST

static const char *const overlay_cases[] = {"auto", "fuse"};

/* A run that deletes, rewrites, renames, chmods and chowns files of the rootfs leaves the
 * rootfs (the lower layer) exactly as it was: every entry's type, mode, owner, size,
 * times and content hash or link target. */
START_TEST(test_write_lower_rootfs_unchanged)
{
	static const char *script = "set -e; echo pwned > /etc/motd; rm -rf /usr /home;"
				    " rm /etc/passwd; echo 'root::0:0::/:/bin/sh' > /etc/passwd;"
				    " chmod 777 /etc /bin; chown 1000:1000 /etc/group;"
				    " mv /etc/hosts /etc/hosts.moved; ln -sf /nowhere /linuxrc;"
				    " touch -d '2001-01-01' /bin/busybox; : > /etc/group;"
				    " mkdir -p /var/new; touch /newfile; cat /etc/motd";
	char *overlay = h_strf("--overlay=%s", overlay_cases[_i]), *before, *after, *diff;
	struct h_result r;

	if (!strcmp(overlay_cases[_i], "fuse") &&
	    (!on_path("fuse-overlayfs") || access("/dev/fuse", R_OK | W_OK) < 0)) {
		h_skip("test_write_lower_rootfs_unchanged: no fuse-overlayfs or /dev/fuse");
		free(overlay);
		return;
	}
	before = tree_digest(H.rootfs);
	/* --no-hosts: the rootfs's own /etc/hosts, to rename (the container's is a bind mount,
	 * which cannot be renamed: EBUSY, as in docker and podman) */
	CONTI(&r, "run", "--rm", "--no-hosts", overlay, H.rootfs, "sh", "-c", script);
	assert_out(&r, "pwned\n", "rewriting the rootfs");
	after = tree_digest(H.rootfs);
	diff = first_difference(before, after);
	ck_assert_msg(!strcmp(before, after), "the rootfs changed (%s); first difference:\n  %s",
		      overlay, diff);
	h_result_free(&r);
	free(overlay), free(before), free(after), free(diff);
}
END_TEST

/* A :ro volume cannot be written (EROFS), added to (EROFS) or remounted (EPERM); the host
 * file is unchanged. */
START_TEST(test_write_ro_volume)
{
	char *dir = h_volume_dir(), *spec = h_strf("%s:/mnt/v:ro", dir);
	char *file = h_strf("%s/host.txt", dir), *newfile = h_strf("%s/new", dir), *text;
	struct h_result r;

	PROBE_OPTS(&r, OPTS("-v", spec), "trunc", "/mnt/v/host.txt", "create", "/mnt/v/new",
		   "remount", "/mnt/v");
	assert_out(&r,
		   "trunc:/mnt/v/host.txt=EROFS\ncreate:/mnt/v/new=EROFS\nremount:/mnt/v=EPERM\n",
		   ":ro volume");
	text = h_read_file(file);
	ck_assert_msg(text && !strcmp(text, "hello\n"), "%s changed", file);
	ck_assert(!h_exists(newfile));
	h_result_free(&r);
	free(dir), free(spec), free(file), free(newfile), free(text);
}
END_TEST

/* Adds "stat PATH" for dir and each entry in it to args (from n); returns the new n. */
static int add_stats(const char **args, int n, int max, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	ck_assert_msg(d, "opendir %s: %s", dir, strerror(errno));
	args[n++] = "stat";
	args[n++] = strdup(dir);
	while ((de = readdir(d)) && n + 2 < max) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		args[n++] = "stat";
		args[n++] = h_strf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	return n;
}

/* The state of another (running) container, its runtime dir and writable layer, and the
 * caller's XDG dirs are not there at all inside a container: ENOENT for each. */
START_TEST(test_write_other_state_dir)
{
	char *name = new_name(), *mark = new_mark();
	char *state = h_strf("%s/conti-rootless/%s", H.runtime, name);
	char *layer = h_strf("%s/conti-rootless/containers/%s", H.data, name);
	const char *args[80];
	char *want = strdup("");
	struct h_result r;
	int n = 0;

	h_run_detached(name, NULL, (const char *const[]){"sleep", mark, NULL});
	n = add_stats(args, n, 70, state);
	n = add_stats(args, n, 70, layer);
	args[n++] = "stat";
	args[n++] = strdup(H.runtime);
	args[n++] = "stat";
	args[n++] = strdup(H.data);
	args[n] = NULL;
	ck_assert_int_gt(n, 10); /* the state dir holds files */
	for (int i = 1; i < n; i += 2) {
		char *next = h_strf("%sstat:%s=ENOENT\n", want, args[i]);

		free(want);
		want = next;
	}
	run_probe(&r, NULL, args);
	assert_out(&r, want, "stat of another container's state");
	h_result_free(&r);
	for (int i = 1; i < n; i += 2)
		free((char *)args[i]);
	free(name), free(mark), free(state), free(layer), free(want);
}
END_TEST

/* ==== caller: reach the caller's terminal and binaries ==== */

/* Runs argv with stdin /dev/null and stdout and stderr on a new raw pty that is its
 * controlling terminal (made the caller's own by setsid + TIOCSCTTY): what it wrote there
 * goes to *out, and *pending is what sits in the pty's input queue after it exited,
 * that is what was pushed into "the caller's keyboard". */
static int run_on_caller_pty(char *const argv[], char **out, int *pending)
{
	struct h_buf b = {0};
	struct termios tio;
	int master, slave, status = 0, pidfd;
	long long deadline = h_mono_ms() + H_TIMEOUT_MS;
	char chunk[4096];
	pid_t pid;

	ck_assert_int_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
	fcntl(master, F_SETFD, FD_CLOEXEC);
	fcntl(slave, F_SETFD, FD_CLOEXEC);
	ck_assert_int_eq(tcgetattr(slave, &tio), 0);
	cfmakeraw(&tio); /* no echo, no line buffering: every injected byte is counted */
	ck_assert_int_eq(tcsetattr(slave, TCSANOW, &tio), 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(null, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	ck_assert(pidfd >= 0);
	while (h_mono_ms() < deadline) {
		struct pollfd fds[2] = {{.fd = master, .events = POLLIN},
					{.fd = pidfd, .events = POLLIN}};
		ssize_t n;

		poll(fds, 2, 100);
		if ((fds[0].revents & POLLIN) && (n = read(master, chunk, sizeof(chunk))) > 0) {
			b.s = realloc(b.s, b.len + (size_t)n + 1);
			memcpy(b.s + b.len, chunk, (size_t)n);
			b.len += (size_t)n;
			b.s[b.len] = '\0';
		}
		if (fds[1].revents && !(fds[0].revents & POLLIN))
			break;
	}
	if (waitpid(pid, &status, WNOHANG) != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	close(pidfd);
	*pending = -1;
	ck_assert_int_eq(ioctl(slave, FIONREAD, pending), 0);
	close(master);
	close(slave);
	*out = b.s ? b.s : strdup("");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* TIOCSTI (push a byte into the terminal's input, as if typed) on the caller's terminal,
 * where the container's stdout and stderr go, fails: ENOTTY, they are pipes the front end
 * relays to the terminal (issue #11; before, they were the terminal itself and the
 * container's session of its own made it EPERM), and /dev/tty cannot be opened (ENXIO):
 * nothing reached the terminal's input. The control: the same probe run directly on that
 * terminal does inject. (With dev.tty.legacy_tiocsti=0 the kernel refuses TIOCSTI to
 * everyone: EIO there.) */
START_TEST(test_caller_tiocsti)
{
	char *legacy = h_read_file("/proc/sys/dev/tty/legacy_tiocsti"), *probe = probe_binary();
	bool refused_by_kernel = legacy && legacy[0] == '0';
	char *argv[] = {(char *)h_conti_bin(),
			"run",
			"--rm",
			H.rootfs,
			"/probe",
			"tiocsti",
			"0",
			"tiocsti",
			"1",
			"tiocsti",
			"2",
			"open",
			"/dev/tty",
			NULL};
	char *control[] = {probe, "tiocsti", "1", NULL};
	char *want = h_strf("tiocsti:0=ENOTTY\ntiocsti:1=ENOTTY\ntiocsti:2=ENOTTY\n"
			    "open:/dev/tty=ENXIO\n");
	char *out, *text;
	int status, pending;

	status = run_on_caller_pty(control, &out, &pending);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(out, refused_by_kernel ? "tiocsti:1=EIO\n" : "tiocsti:1=ok\n");
	ck_assert_int_eq(pending, refused_by_kernel ? 0 : 1);
	free(out);
	status = run_on_caller_pty(argv, &out, &pending);
	text = h_strip_warnings(out);
	ck_assert_msg(status == 0 && !strcmp(text, want),
		      "exit %d, the terminal shows:\n%s--- expected:\n%s", status, out, want);
	ck_assert_msg(pending == 0, "%d byte(s) were pushed into the caller's terminal", pending);
	free(out), free(text), free(legacy), free(probe), free(want);
}
END_TEST

/* /proc/1/exe (the host's init helper) cannot be read, opened for writing or resolved:
 * EACCES, init is not dumpable and there is no CAP_SYS_PTRACE; the helper is unchanged. */
START_TEST(test_caller_init_exe)
{
	char *helper = helper_path(), *before = file_sum(helper), *after;
	struct h_result r;

	PROBE(&r, "readlink", "/proc/1/exe", "write", "/proc/1/exe", "trunc", "/proc/1/exe", "read",
	      "/proc/1/exe");
	assert_out(&r,
		   "readlink:/proc/1/exe=EACCES\nwrite:/proc/1/exe=EACCES\n"
		   "trunc:/proc/1/exe=EACCES\nread:/proc/1/exe=EACCES\n",
		   "/proc/1/exe");
	after = file_sum(helper);
	ck_assert_msg(!strcmp(before, after), "%s changed: %s -> %s", helper, before, after);
	h_result_free(&r);
	free(helper), free(before), free(after);
}
END_TEST

/* The same for the init helper of an `exec` in flight: with `exec N sleep` running, a
 * third process (itself an `exec`) finds both exec'd inits and cannot resolve, write or
 * read their exe: EACCES; the helper is unchanged. */
START_TEST(test_caller_exec_init_exe)
{
	char *name = new_name(), *mark = new_mark(), *mark2 = new_mark();
	char *helper = helper_path(), *before = file_sum(helper), *after;
	char *argv[] = {(char *)h_conti_bin(), "exec", name, "sleep", mark2, NULL};
	const char *denied = "readlink:exe=EACCES\nwrite:exe=EACCES\nread:exe=EACCES\n";
	char *want = h_strf("exec-init:conti-rootless-init -- sleep %s\n%s"
			    "exec-init:conti-rootless-init -- /probe exec-inits\n%s",
			    mark2, denied, denied);
	struct h_result r, rs;
	struct h_proc p;

	h_run_detached(name, NULL, (const char *const[]){"sleep", mark, NULL});
	h_spawn(&p, argv, NULL);
	ck_assert_msg(wait_for_proc(mark2, 10000), "exec %s sleep did not start", name);
	CONTI(&r, "exec", name, "/probe", "exec-inits");
	assert_out(&r, want, "the exe of exec'd inits");
	h_result_free(&r);
	CONTI(&r, "rm", "-f", name);
	h_assert_status(&r, 0, "rm -f");
	h_finish(&p, &rs, 10000);
	after = file_sum(helper);
	ck_assert_msg(!strcmp(before, after), "%s changed: %s -> %s", helper, before, after);
	h_result_free(&r);
	h_result_free(&rs);
	free(name), free(mark), free(mark2), free(helper), free(before), free(after), free(want);
}
END_TEST

#define RACE_EXECS 200

/* A process in the container spins on /proc/PID/exe of each new process while the caller
 * runs `exec N true` RACE_EXECS times: it must never get hold of a host binary (the
 * README: the container cannot open the host's binaries through /proc/PID/exe), neither
 * to read nor to write it. An exec'd init is dumpable from its execve until its first
 * prctl(PR_SET_DUMPABLE, 0): the window this looks for. The helper is unchanged. */
START_TEST(test_caller_exec_init_exe_race)
{
	char *name = new_name(), *mark = new_mark();
	char *helper = helper_path(), *before = file_sum(helper), *after;
	char *argv[] = {(char *)h_conti_bin(), "exec", name, "/probe", "race-exe",
			"/tmp/stop",	       NULL};
	long tries = 0, opened = -1, wrote = -1;
	int pids = 0, failed_execs = 0;
	char first[256] = "";
	struct h_result r;
	struct h_proc p;
	const char *line;

	h_run_detached(name, NULL, (const char *const[]){"sleep", mark, NULL});
	h_spawn(&p, argv, NULL);
	ck_assert_msg(h_wait_output(&p, "ready\n", 10000), "the attacker did not start");
	for (int i = 0; i < RACE_EXECS; i++) {
		CONTI(&r, "exec", name, "true");
		failed_execs += r.status != 0;
		h_result_free(&r);
	}
	CONTI(&r, "exec", name, "touch", "/tmp/stop");
	h_assert_status(&r, 0, "exec touch /tmp/stop");
	h_result_free(&r);
	h_finish(&p, &r, 20000);
	h_assert_status(&r, 0, "the attacker");
	line = strstr(r.out, "race: ");
	ck_assert_msg(line &&
			  sscanf(line, "race: tries=%ld opened=%ld pids=%d wrote=%ld first=%255s",
				 &tries, &opened, &pids, &wrote, first) >= 4,
		      "the attacker printed: %s", r.out);
	ck_assert_int_eq(failed_execs, 0);
	after = file_sum(helper);
	ck_assert_msg(!strcmp(before, after), "%s changed: %s -> %s", helper, before, after);
	ck_assert_msg(wrote == 0, "the container opened a host binary (%s) for writing %ld times",
		      first, wrote);
	ck_assert_msg(opened == 0,
		      "the container opened a host binary (%s) through /proc/PID/exe of %d of %d "
		      "exec'd processes (%ld opens in %ld tries): the init helper is dumpable "
		      "between its execve and its prctl(PR_SET_DUMPABLE, 0)",
		      first, pids, RACE_EXECS, opened, tries);
	h_result_free(&r);
	free(name), free(mark), free(helper), free(before), free(after);
}
END_TEST

/* With --net none a host abstract unix socket (as X11's or a session bus's) of the caller
 * cannot be reached: ECONNREFUSED (the container has a network namespace of its own; the
 * default, --net host, shares the caller's, abstract sockets included). */
START_TEST(test_caller_abstract_socket_net_none)
{
	char *sock_name = h_strf("conti-escape-%d", (int)getpid()), *want;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	socklen_t len = (socklen_t)(sizeof(sa_family_t) + 1 + strlen(sock_name));
	struct h_result r;

	ck_assert(s >= 0);
	memcpy(sa.sun_path + 1, sock_name, strlen(sock_name));
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, len), 0);
	ck_assert_int_eq(listen(s, 8), 0);
	want = h_strf("connect:%s=ECONNREFUSED\n", sock_name);
	PROBE_OPTS(&r, OPTS("--net=none"), "connect", sock_name);
	assert_out(&r, want, "connect to a host abstract socket");
	close(s);
	h_result_free(&r);
	free(sock_name), free(want);
}
END_TEST

/* ==== crafted: a rootfs made to mislead the set-up ==== */

static const bool symlink_absolute[] = {true, false};

/* ROOTFS/dir replaced by a symlink to a host dir next to the rootfs (absolute, or
 * relative: ../hostdir): returns the host dir. */
static char *redirect_to_host_dir(const char *dir, bool absolute)
{
	char *host = host_dir("hostdir"), *link = in_rootfs(dir);

	ck_assert_msg(h_rm_rf(link), "cannot remove %s", link);
	ck_assert_int_eq(symlink(absolute ? host : "../hostdir", link), 0);
	free(link);
	return host;
}

/* ROOTFS/proc a symlink to a host dir: the run is refused (125) or /proc is the container's
 * own proc, mounted inside; the host dir is untouched either way. */
START_TEST(test_crafted_proc_symlink)
{
	char *host = redirect_to_host_dir("proc", symlink_absolute[_i]);
	struct h_result r;

	CONTI(&r, "run", "--rm", H.rootfs, "cat", "/proc/1/cmdline");
	if (r.status == 125)
		assert_refused(&r, "/proc a symlink to a host dir");
	else
		assert_out(&r, "conti-rootless-init", "/proc a symlink to a host dir");
	assert_host_dir_untouched(host);
	h_result_free(&r);
	free(host);
}
END_TEST

/* ROOTFS/dev a symlink to a host dir (where the device nodes and links would be made):
 * refused (125) or /dev/null is inside; the host dir is untouched. */
START_TEST(test_crafted_dev_symlink)
{
	char *host = redirect_to_host_dir("dev", symlink_absolute[_i]);
	struct h_result r;

	CONTI(&r, "run", "--rm", H.rootfs, "sh", "-c", "test -c /dev/null && echo inside");
	if (r.status == 125)
		assert_refused(&r, "/dev a symlink to a host dir");
	else
		assert_out(&r, "inside\n", "/dev a symlink to a host dir");
	assert_host_dir_untouched(host);
	h_result_free(&r);
	free(host);
}
END_TEST

/* Fails when a file name escape exists at any host level the .. could reach. */
static void assert_not_on_host(const char *escape)
{
	char *dirs[] = {H.rootfs, H.base, (char *)h_case_dir(), NULL, NULL};
	char *parent = strdup(h_case_dir());

	*strrchr(parent, '/') = '\0';
	dirs[3] = parent[0] ? parent : "/";
	for (int i = 0; i < 4; i++) {
		char *path = h_strf("%s/%s", dirs[i], escape);

		ck_assert_msg(!h_exists(path), "%s exists on the host", path);
		free(path);
	}
	free(parent);
}

/* A volume target climbing with .. (/etc/../../../hostescape) lands inside, at
 * /hostescape (.. of / is /); nothing appears on the host above the rootfs, nor in the
 * rootfs itself (the mount point is made in the writable layer). */
START_TEST(test_crafted_volume_dotdot)
{
	char *dir = h_volume_dir(), *escape = h_unique("hostescape");
	char *spec = h_strf("%s:/etc/../../../%s", dir, escape);
	char *inside = h_strf("/%s/host.txt", escape);
	struct h_result r;

	CONTI(&r, "run", "--rm", "-v", spec, H.rootfs, "cat", inside);
	assert_out(&r, "hello\n", spec);
	assert_not_on_host(escape);
	h_result_free(&r);
	free(dir), free(escape), free(spec), free(inside);
}
END_TEST

static const char *const evil_targets[] = {"../../..", "/", "../../../../../../../../..",
					   "@HOSTDIR@"};

/* ROOTFS/evil a symlink up and out of the rootfs (../../.., /, or a host dir's path);
 * -v SRC:/evil/ESC lands inside the container (where /evil leads inside) or the run is
 * refused; nothing appears where the symlink leads on the host. */
START_TEST(test_crafted_volume_symlink_dst)
{
	char *dir = h_volume_dir(), *escape = h_unique("escape"), *host = host_dir("hostdir");
	char *link = in_rootfs("evil"), *spec = h_strf("%s:/evil/%s", dir, escape);
	char *inside = h_strf("/evil/%s/host.txt", escape);
	char *on_host = h_strf("%s/evil/%s", H.rootfs, escape);
	const char *target = strcmp(evil_targets[_i], "@HOSTDIR@") ? evil_targets[_i] : host;
	struct h_result r;

	ck_assert_int_eq(symlink(target, link), 0);
	CONTI(&r, "run", "--rm", "-v", spec, H.rootfs, "cat", inside);
	if (r.status == 125)
		assert_refused(&r, spec);
	else
		assert_out(&r, "hello\n", spec);
	ck_assert_msg(!h_exists(on_host), "%s (/evil -> %s) exists on the host", on_host, target);
	assert_not_on_host(escape);
	assert_host_dir_untouched(host);
	h_result_free(&r);
	free(dir), free(escape), free(host), free(link), free(spec), free(inside), free(on_host);
}
END_TEST

/* ==== defaults: each in force, and its option turning it off ==== */

/* The capability sets from /proc/self/status inside, with opts. */
static void assert_caps(const char *const *opts, unsigned long long set, const char *what)
{
	char *want = h_strf("CapInh:\t0000000000000000\nCapPrm:\t%016llx\nCapEff:\t%016llx\n"
			    "CapBnd:\t%016llx\nCapAmb:\t0000000000000000\n",
			    set, set, set);
	struct h_result r;

	run_probe(&r, opts,
		  OPTS("status", "CapInh", "status", "CapPrm", "status", "CapEff", "status",
		       "CapBnd", "status", "CapAmb"));
	assert_out(&r, want, what);
	h_result_free(&r);
	free(want);
}

/* Capabilities: the default set (a80405fb) in the permitted, effective and bounding sets;
 * --cap-drop ALL empties them; --cap-add NET_ADMIN adds bit 12. */
START_TEST(test_default_caps)
{
	ck_assert_uint_eq(default_caps, 0xa80405fbULL);
	assert_caps(NULL, default_caps, "default capabilities");
	assert_caps(OPTS("--cap-drop", "ALL"), 0, "--cap-drop ALL");
	assert_caps(OPTS("--cap-add", "NET_ADMIN"), default_caps | CAPBIT(CAP_NET_ADMIN),
		    "--cap-add NET_ADMIN");
}
END_TEST

/* no_new_privs: off by default, as in docker and podman (issue 12: sudo for a -u user); on
 * with --security-opt no-new-privileges, =true or docker's :true; =false is the default. */
START_TEST(test_default_no_new_privs)
{
	static const char *const on[] = {"no-new-privileges", "no-new-privileges=true",
					 "no-new-privileges:true"};
	struct h_result r;

	PROBE(&r, "status", "NoNewPrivs");
	assert_out(&r, "NoNewPrivs:\t0\n", "default no_new_privs");
	h_result_free(&r);
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		PROBE_OPTS(&r, OPTS("--security-opt", on[i]), "status", "NoNewPrivs");
		assert_out(&r, "NoNewPrivs:\t1\n", on[i]);
		h_result_free(&r);
	}
	PROBE_OPTS(&r, OPTS("--security-opt", "no-new-privileges=false"), "status", "NoNewPrivs");
	assert_out(&r, "NoNewPrivs:\t0\n", "--security-opt no-new-privileges=false");
	h_result_free(&r);
}
END_TEST

/* seccomp: a filter by default (mode 2; clone3 answered ENOSYS), none with
 * --security-opt seccomp=unconfined (mode 0; clone3 works). */
START_TEST(test_default_seccomp)
{
	struct h_result r;

	PROBE(&r, "status", "Seccomp", "sys", "clone3");
	assert_out(&r, "Seccomp:\t2\nclone3=ENOSYS\n", "default seccomp");
	h_result_free(&r);
	PROBE_OPTS(&r, OPTS("--security-opt", "seccomp=unconfined"), "status", "Seccomp", "sys",
		   "clone3");
	assert_out(&r, "Seccomp:\t0\nclone3=ok\n", "--security-opt seccomp=unconfined");
	h_result_free(&r);
}
END_TEST

/* Masked paths: /proc/keys and /proc/timer_list are /dev/null (read empty), /proc/acpi and
 * /sys/firmware empty dirs; with --privileged they are the kernel's (regular proc files,
 * the host's listings). Paths this kernel lacks are absent both ways. */
START_TEST(test_default_masked_paths)
{
	static const char *const files[] = {"/proc/keys", "/proc/timer_list"};
	static const char *const dirs[] = {"/proc/acpi", "/sys/firmware"};
	char *masked = strdup(""), *unmasked = strdup(""), *next;
	struct h_result r;

	for (int i = 0; i < 2; i++) {
		bool has = h_exists(files[i]);

		next =
		    has ? h_strf("%sstat:%s=chr 1:3\nread:%s=ok\nbytes:%s=0\n", masked, files[i],
				 files[i], files[i])
			: h_strf("%sstat:%s=ENOENT\nread:%s=ENOENT\n", masked, files[i], files[i]);
		free(masked);
		masked = next;
		next = h_strf("%sstat:%s=%s\n", unmasked, files[i], has ? "reg" : "ENOENT");
		free(unmasked);
		unmasked = next;
	}
	for (int i = 0; i < 2; i++) {
		char *host = h_exists(dirs[i]) ? sorted_entries(dirs[i]) : NULL;

		next = h_strf("%sls:%s=%s\n", masked, dirs[i], host ? "" : "ENOENT");
		free(masked);
		masked = next;
		next = h_strf("%sls:%s=%s\n", unmasked, dirs[i], host ? host : "ENOENT");
		free(unmasked);
		unmasked = next;
		free(host);
	}
	PROBE(&r, "stat", files[0], "read", files[0], "stat", files[1], "read", files[1], "ls",
	      dirs[0], "ls", dirs[1]);
	assert_out(&r, masked, "masked paths");
	h_result_free(&r);
	PROBE_OPTS(&r, OPTS("--privileged"), "stat", files[0], "stat", files[1], "ls", dirs[0],
		   "ls", dirs[1]);
	assert_out(&r, unmasked, "--privileged");
	h_result_free(&r);
	free(masked), free(unmasked);
}
END_TEST

/* Read-only paths: /proc/sys is a read-only mount (EROFS for the shell's >); with
 * --privileged it is not, and the host's sysctl is still out of reach (EACCES: only the
 * host's root may write it). */
START_TEST(test_default_readonly_paths)
{
	struct h_result r;

	PROBE(&r, "trunc", "/proc/sys/kernel/hostname");
	assert_out(&r, "trunc:/proc/sys/kernel/hostname=EROFS\n", "read-only /proc/sys");
	h_result_free(&r);
	PROBE_OPTS(&r, OPTS("--privileged"), "trunc", "/proc/sys/kernel/hostname");
	assert_out(&r, "trunc:/proc/sys/kernel/hostname=EACCES\n", "--privileged /proc/sys");
	h_result_free(&r);
}
END_TEST

/* -u 1000 starts with no capabilities (the bounding set stays the default). */
START_TEST(test_default_user_no_caps)
{
	char *want = h_strf("uids=1000,1000,1000\nCapPrm:\t0000000000000000\n"
			    "CapEff:\t0000000000000000\nCapBnd:\t%016llx\n",
			    default_caps);
	struct h_result r;

	if (!have_subids()) {
		h_skip("test_default_user_no_caps: uid 1000 needs a subordinate range");
		free(want);
		return;
	}
	PROBE_OPTS(&r, OPTS("-u", "1000:1000"), "ids", "status", "CapPrm", "status", "CapEff",
		   "status", "CapBnd");
	assert_out(&r, want, "-u 1000:1000");
	h_result_free(&r);
	free(want);
}
END_TEST

/* `exec` gets the container's settings: the defaults for a default container, none of the
 * capabilities and no filter for one made with --cap-drop ALL and seccomp=unconfined. */
START_TEST(test_default_exec_same)
{
	char *name = new_name(), *name2 = new_name(), *mark = new_mark();
	char *want = h_strf(
	    "CapEff:\t%016llx\nNoNewPrivs:\t0\nSeccomp:\t2\nunshare_newuser=EPERM\n", default_caps);
	struct h_result r;

	h_run_detached(name, NULL, (const char *const[]){"sleep", mark, NULL});
	h_run_detached(name2, OPTS("--cap-drop", "ALL", "--security-opt", "seccomp=unconfined"),
		       (const char *const[]){"sleep", mark, NULL});
	CONTI(&r, "exec", name, "/probe", "status", "CapEff", "status", "NoNewPrivs", "status",
	      "Seccomp", "sys", "unshare_newuser");
	assert_out(&r, want, "exec in a default container");
	h_result_free(&r);
	CONTI(&r, "exec", name2, "/probe", "status", "CapEff", "status", "Seccomp");
	assert_out(&r, "CapEff:\t0000000000000000\nSeccomp:\t0\n",
		   "exec with --cap-drop ALL, seccomp=unconfined");
	h_result_free(&r);
	free(name), free(name2), free(mark), free(want);
}
END_TEST

/* ==== issue 11: the seccomp allow-list and the Landlock scope ==== */

/* A second probe, /sysprobe: "sys LABEL NR[,ARG...]" makes syscall NR (each ARG a number
 * or s:TEXT) and prints LABEL=ok or LABEL=ERRNO-NAME; "serve NAME" listens on an abstract
 * unix socket and answers "hi" to each byte until sent "q"; "connect NAME" connects to
 * one (connect:NAME=ok), "talk NAME" and "quit NAME" also send x or q (answer=hi);
 * "kill PID" is kill(PID, 0). */
static const char *const sysprobe_source[] = {
    "#define _GNU_SOURCE\n",
    "#include <errno.h>\n",
    "#include <signal.h>\n",
    "#include <stdio.h>\n",
    "#include <stdlib.h>\n",
    "#include <string.h>\n",
    "#include <sys/socket.h>\n",
    "#include <sys/syscall.h>\n",
    "#include <sys/un.h>\n",
    "#include <unistd.h>\n",
    "\n",
    "/* Prints LABEL=ok or LABEL=ERRNO-NAME. */\n",
    "static void res(const char *label, long r)\n",
    "{\n",
    "\tif (r < 0)\n",
    "\t\tprintf(\"%s=%s\\n\", label, strerrorname_np(errno));\n",
    "\telse\n",
    "\t\tprintf(\"%s=ok\\n\", label);\n",
    "}\n",
    "\n",
    "/* An argument: a number, or s:TEXT for a pointer to TEXT. */\n",
    "static long arg(const char *a)\n",
    "{\n",
    "\treturn strncmp(a, \"s:\", 2) ? (long)strtoull(a, NULL, 0) : (long)(a + 2);\n",
    "}\n",
    "\n",
    "static socklen_t abstract(struct sockaddr_un *sa, const char *name)\n",
    "{\n",
    "\tmemset(sa, 0, sizeof(*sa));\n",
    "\tsa->sun_family = AF_UNIX;\n",
    "\tmemcpy(sa->sun_path + 1, name, strlen(name));\n",
    "\treturn (socklen_t)(sizeof(sa_family_t) + 1 + strlen(name));\n",
    "}\n",
    "\n",
    "/* Listens on abstract socket name; prints \"listening\", then serves connections until one\n",
    " * sends \"q\", answering each with \"hi\". */\n",
    "static void serve(const char *name)\n",
    "{\n",
    "\tstruct sockaddr_un sa;\n",
    "\tsocklen_t len = abstract(&sa, name);\n",
    "\tint s = socket(AF_UNIX, SOCK_STREAM, 0), c;\n",
    "\tchar b = 0;\n",
    "\n",
    "\tsignal(SIGPIPE, SIG_IGN);\n",
    "\tif (s < 0 || bind(s, (struct sockaddr *)&sa, len) < 0 || listen(s, 8) < 0) {\n",
    "\t\tres(\"serve\", -1);\n",
    "\t\treturn;\n",
    "\t}\n",
    "\tprintf(\"listening\\n\");\n",
    "\twhile ((c = accept(s, NULL, NULL)) >= 0) {\n",
    "\t\tif (read(c, &b, 1) == 1 && write(c, \"hi\", 2) == 2 && b == 'q')\n",
    "\t\t\tbreak;\n",
    "\t\tclose(c);\n",
    "\t}\n",
    "}\n",
    "\n",
    "/* Connects to abstract socket name: prints connect:NAME=ok or the errno; with send, sends\n",
    " * it and prints the answer. */\n",
    "static void talk(const char *name, const char *send)\n",
    "{\n",
    "\tstruct sockaddr_un sa;\n",
    "\tsocklen_t len = abstract(&sa, name);\n",
    "\tint s = socket(AF_UNIX, SOCK_STREAM, 0);\n",
    "\tchar buf[8] = \"\", label[128];\n",
    "\tlong r = connect(s, (struct sockaddr *)&sa, len);\n",
    "\n",
    "\tsnprintf(label, sizeof(label), \"connect:%s\", name);\n",
    "\tres(label, r);\n",
    "\tif (r == 0 && send && write(s, send, 1) == 1 && read(s, buf, 2) == 2)\n",
    "\t\tprintf(\"answer=%.2s\\n\", buf);\n",
    "\tclose(s);\n",
    "}\n",
    "\n",
    "int main(int argc, char **argv)\n",
    "{\n",
    "\tsetvbuf(stdout, NULL, _IOLBF, 0);\n",
    "\tfor (int i = 1; i < argc; i++) {\n",
    "\t\tif (!strcmp(argv[i], \"sys\") && i + 2 < argc) {\n",
    "\t\t\t/* sys LABEL NR[,ARG...]: each ARG a number or s:TEXT */\n",
    "\t\t\tlong a[7] = {0};\n",
    "\t\t\tconst char *label = argv[++i];\n",
    "\t\t\tchar *list = argv[++i], *save = NULL;\n",
    "\t\t\tint k = 0;\n",
    "\n",
    "\t\t\tfor (char *t = strtok_r(list, \",\", &save); t && k < 7;\n",
    "\t\t\t     t = strtok_r(NULL, \",\", &save))\n",
    "\t\t\t\ta[k++] = arg(t);\n",
    "\t\t\tres(label, syscall(a[0], a[1], a[2], a[3], a[4], a[5], a[6]));\n",
    "\t\t} else if (!strcmp(argv[i], \"serve\") && i + 1 < argc) {\n",
    "\t\t\tserve(argv[++i]);\n",
    "\t\t} else if (!strcmp(argv[i], \"connect\") && i + 1 < argc) {\n",
    "\t\t\ttalk(argv[++i], NULL);\n",
    "\t\t} else if (!strcmp(argv[i], \"talk\") && i + 1 < argc) {\n",
    "\t\t\ttalk(argv[++i], \"x\");\n",
    "\t\t} else if (!strcmp(argv[i], \"quit\") && i + 1 < argc) {\n",
    "\t\t\ttalk(argv[++i], \"q\");\n",
    "\t\t} else if (!strcmp(argv[i], \"kill\") && i + 1 < argc) {\n",
    "\t\t\tchar label[64];\n",
    "\n",
    "\t\t\tsnprintf(label, sizeof(label), \"kill:%s\", argv[i + 1]);\n",
    "\t\t\tres(label, kill(atoi(argv[++i]), 0));\n",
    "\t\t} else {\n",
    "\t\t\tprintf(\"sysprobe: unknown command %s\\n\", argv[i]);\n",
    "\t\t\treturn 2;\n",
    "\t\t}\n",
    "\t}\n",
    "\treturn 0;\n",
    "}\n",
    NULL,
};

/* The numbers of the syscalls asked for: one on every architecture the tests run on. */
#define NR_IO_URING_SETUP "425"
#define NR_IO_URING_ENTER "426"
#define NR_IO_URING_REGISTER "427"
#define NR_QUOTACTL_FD "443"
#define NR_CACHESTAT "451"
#define NR_FCHMODAT2 "452"
#define NR_STATMOUNT "457"
#define NR_LISTMOUNT "458"
#define NR_OPEN_TREE_ATTR "467"
#define NR_FSOPEN "430"

/* /sysprobe in the rootfs, compiled once per TCase. */
static void install_sysprobe(void)
{
	install_static("sysprobe", sysprobe_source);
}

/* `run --rm [opts] ROOTFS /sysprobe args...` */
static void run_sysprobe(struct h_result *r, const char *const *opts, const char *const *args)
{
	const char *argv[64] = {"run", "--rm"};
	int n = 2;

	for (; opts && *opts && n < 20; opts++)
		argv[n++] = *opts;
	argv[n++] = H.rootfs;
	argv[n++] = "/sysprobe";
	for (; *args && n < 63; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	h_conti_v(r, NULL, argv);
}

#define SYSPROBE(r, opts, ...) run_sysprobe((r), (opts), (const char *const[]){__VA_ARGS__, NULL})

/* io_uring (docker and podman block it), and the syscalls newer than the profile that
 * reach the mount tree (open_tree_attr, listmount, statmount) or the quotas
 * (quotactl_fd), fail with EPERM; a normal syscall still works. (Before: each reached the
 * kernel: io_uring_setup=EFAULT, io_uring_enter=EBADF, io_uring_register=EINVAL,
 * quotactl_fd=EBADF, statmount=EFAULT, listmount=EFAULT, open_tree_attr=ok.) */
START_TEST(test_seccomp_io_uring_and_new_calls)
{
	char *getppid = h_strf("%d", SYS_getppid);
	struct h_result r;

	SYSPROBE(&r, NULL, "sys", "io_uring_setup", NR_IO_URING_SETUP ",1,0", "sys",
		 "io_uring_enter", NR_IO_URING_ENTER ",-1", "sys", "io_uring_register",
		 NR_IO_URING_REGISTER ",-1", "sys", "quotactl_fd", NR_QUOTACTL_FD ",-1", "sys",
		 "statmount", NR_STATMOUNT ",0,0,0,0", "sys", "listmount", NR_LISTMOUNT ",0,0,0,0",
		 "sys", "open_tree_attr", NR_OPEN_TREE_ATTR ",-100,s:/,0,0,0", "sys", "getppid",
		 getppid);
	assert_out(&r,
		   "io_uring_setup=EPERM\nio_uring_enter=EPERM\nio_uring_register=EPERM\n"
		   "quotactl_fd=EPERM\nstatmount=EPERM\nlistmount=EPERM\nopen_tree_attr=EPERM\n"
		   "getppid=ok\n",
		   "the new syscalls");
	h_result_free(&r);
	free(getppid);
}
END_TEST

/* A syscall newer than the profile gets ENOSYS, so that a program falls back to an
 * older one (cachestat, fchmodat2: the kernel has them, EBADF without the filter), and so
 * does a number no kernel has. (Before: cachestat=EBADF, fchmodat2=EBADF.) */
START_TEST(test_seccomp_newer_syscall_enosys)
{
	char *unknown = h_strf("%d", 1000 + 467);
	struct h_result r;

	SYSPROBE(&r, OPTS("--security-opt", "seccomp=unconfined"), "sys", "cachestat",
		 NR_CACHESTAT ",-1,0,0,0", "sys", "fchmodat2", NR_FCHMODAT2 ",-1,s:x,0,0");
	if (strcmp(r.out, "cachestat=EBADF\nfchmodat2=EBADF\n")) {
		h_skip(
		    "test_seccomp_newer_syscall_enosys: the kernel lacks cachestat or fchmodat2");
		h_result_free(&r);
		free(unknown);
		return;
	}
	h_result_free(&r);
	SYSPROBE(&r, NULL, "sys", "cachestat", NR_CACHESTAT ",-1,0,0,0", "sys", "fchmodat2",
		 NR_FCHMODAT2 ",-1,s:x,0,0", "sys", "unknown", unknown);
	assert_out(&r, "cachestat=ENOSYS\nfchmodat2=ENOSYS\nunknown=ENOSYS\n",
		   "syscalls newer than the profile");
	h_result_free(&r);
	free(unknown);
}
END_TEST

/* As in docker's profile, mount and the new mount API come with CAP_SYS_ADMIN: refused
 * without it (EPERM), allowed with --cap-add SYS_ADMIN (a tmpfs mounts); a new user
 * namespace stays refused even then. (Before: fsopen=EPERM with --cap-add SYS_ADMIN, the
 * new mount API being refused whatever the capabilities.) */
START_TEST(test_seccomp_cap_sys_admin)
{
	char *mnt = h_strf("%d,s:t,s:/tmp,s:tmpfs,0,0", SYS_mount);
	char *umnt = h_strf("%d,s:/tmp,2", SYS_umount2);
	char *userns = h_strf("%d,0x10000000", SYS_unshare);
	struct h_result r;

	SYSPROBE(&r, NULL, "sys", "mount", mnt, "sys", "fsopen", NR_FSOPEN ",s:tmpfs,0", "sys",
		 "unshare_user", userns);
	assert_out(&r, "mount=EPERM\nfsopen=EPERM\nunshare_user=EPERM\n", "without SYS_ADMIN");
	h_result_free(&r);
	SYSPROBE(&r, OPTS("--cap-add", "SYS_ADMIN"), "sys", "mount", mnt, "sys", "umount2", umnt,
		 "sys", "fsopen", NR_FSOPEN ",s:tmpfs,0", "sys", "unshare_user", userns, "sys",
		 "io_uring_setup", NR_IO_URING_SETUP ",1,0");
	assert_out(&r,
		   "mount=ok\numount2=ok\nfsopen=ok\nunshare_user=EPERM\nio_uring_setup=EPERM\n",
		   "--cap-add SYS_ADMIN");
	h_result_free(&r);
	free(mnt), free(umnt), free(userns);
}
END_TEST

/* A test's own abstract unix socket on the host, as X11's or a session bus's; returns
 * its fd (listening) and sets *name (caller frees). */
static int host_abstract_listener(char **name)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	socklen_t len;

	*name = h_strf("conti-ll-%d", (int)getpid());
	len = (socklen_t)(sizeof(sa_family_t) + 1 + strlen(*name));
	ck_assert(s >= 0);
	memcpy(sa.sun_path + 1, *name, strlen(*name));
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, len), 0);
	ck_assert_int_eq(listen(s, 8), 0);
	return s;
}

static bool kernel_scopes(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1U /* VERSION */);

	return abi >= 6;
}

/* With the default --net host, a host abstract socket is out of reach (EPERM: Landlock
 * scopes the container), and --trace says so; --privileged and
 * --security-opt landlock=unconfined connect. (Before: connect=ok by default.) */
START_TEST(test_landlock_host_abstract_socket)
{
	char *name, *refused, *reached;
	int s = host_abstract_listener(&name);
	const char *argv[] = {"--trace",   "run",     "--rm", H.rootfs,
			      "/sysprobe", "connect", NULL,   NULL};
	struct h_result r;

	if (!kernel_scopes()) {
		h_skip("test_landlock_host_abstract_socket: Landlock ABI 6 (Linux 6.12) missing");
		close(s);
		free(name);
		return;
	}
	refused = h_strf("connect:%s=EPERM\n", name);
	reached = h_strf("connect:%s=ok\n", name);
	SYSPROBE(&r, NULL, "connect", name);
	assert_out(&r, refused, "connect to a host abstract socket");
	h_result_free(&r);
	argv[6] = name;
	h_conti_v(&r, NULL, argv);
	ck_assert_msg(!strcmp(r.out, refused), "--trace run printed %s", r.out);
	ck_assert_msg(
	    strstr(r.err, "# landlock_restrict_self(LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET)"),
	    "--trace shows no Landlock step");
	h_result_free(&r);
	SYSPROBE(&r, OPTS("--privileged"), "connect", name);
	assert_out(&r, reached, "--privileged");
	h_result_free(&r);
	SYSPROBE(&r, OPTS("--security-opt", "landlock=unconfined"), "connect", name);
	assert_out(&r, reached, "--security-opt landlock=unconfined");
	h_result_free(&r);
	close(s);
	free(name), free(refused), free(reached);
}
END_TEST

/* exec'd processes are scoped too, in a Landlock domain of their own: a host abstract
 * socket is out of their reach (EPERM), and so is one the container listens on (no domain
 * can be joined: see the README); signals are left to the PID namespace, so an exec'd
 * process still signals the container's PID 1 (kill -0 1). (Before: connect=ok to the
 * host's socket.) */
START_TEST(test_landlock_exec)
{
	char *name = new_name(), *host, *inside = h_strf("conti-ll-in-%d", (int)getpid());
	int s = host_abstract_listener(&host);
	char *want = NULL;
	struct h_result r;
	long long deadline;
	int c = -1;

	if (!kernel_scopes()) {
		h_skip("test_landlock_exec: Landlock ABI 6 (Linux 6.12) missing");
		close(s);
		free(name), free(host), free(inside);
		return;
	}
	h_run_detached(name, NULL, (const char *const[]){"/sysprobe", "serve", inside, NULL});
	/* the host is not scoped: it sees when the container listens */
	for (deadline = h_mono_ms() + 10000; h_mono_ms() < deadline; sleep_ms(20)) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};

		c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		memcpy(sa.sun_path + 1, inside, strlen(inside));
		if (connect(c, (struct sockaddr *)&sa,
			    (socklen_t)(sizeof(sa_family_t) + 1 + strlen(inside))) == 0)
			break;
		close(c);
		c = -1;
	}
	ck_assert_msg(c >= 0, "the container never listened on @%s", inside);
	close(c);
	want = h_strf("connect:%s=EPERM\nconnect:%s=EPERM\nkill:1=ok\n", host, inside);
	CONTI(&r, "exec", name, "/sysprobe", "connect", host, "connect", inside, "kill", "1");
	assert_out(&r, want, "exec: the host's socket, the container's, kill -0 1");
	h_result_free(&r);
	CONTI(&r, "exec", name, "kill", "-0", "1");
	assert_out(&r, "", "exec NAME kill -0 1");
	h_result_free(&r);
	close(s);
	free(name), free(host), free(inside), free(want);
}
END_TEST

/* ==== workdir: the working directory never leads out of the container (issue #11) ==== */

/* Runs the front end through sh with fd N (a digit string) of the front end opened on
 * dir (`exec N<DIR`, as `flock DIR conti-rootless ...` passes its lock fd 3): r gets the
 * result of `conti-rootless ARGS...`. */
static void conti_with_fd(struct h_result *r, const char *fd, const char *dir,
			  const char *const *args)
{
	char *script = h_strf("exec %s<\"$1\" && shift && exec \"$@\"", fd);
	const char *argv[32] = {"/bin/sh", "-c", script, "sh", dir, h_conti_bin()};
	int n = 6;

	for (; *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	h_run(r, NULL, (char *const *)argv);
	free(script);
}

/* What the container's command does once started: it names its working directory and
 * writes a file there (on the host if the working directory is the host dir). */
#define CWD_PAYLOAD "cat marker 2>/dev/null; echo x > owned; pwd"

/* A refused working directory: 125, one line (naming the working directory and the magic
 * link), the host dir untouched and not printed. */
static void assert_cwd_refused(const struct h_result *r, const char *host, const char *what)
{
	char *line;

	h_assert_status(r, 125, what);
	line = h_error_line(r);
	ck_assert_msg(strstr(line, "/proc/self/fd/") || strstr(line, "/work"),
		      "%s: the error does not say what: %s", what, line);
	ck_assert_msg(!strstr(r->out, "untouched"), "%s: the host dir was read: %s", what, r->out);
	assert_host_dir_untouched(host);
	free(line);
}

static const char *const caller_fds[] = {"9", "0", "3"};

/* exec -w /proc/self/fd/N, with the caller's fd N on a host dir (runc's CVE-2024-21626):
 * refused with 125, nothing read or written there (was: the command ran in the host dir,
 * printed its marker and wrote "owned" into it). */
START_TEST(test_workdir_exec_caller_fd)
{
	char *name = new_name(), *mark = new_mark(), *host = host_dir("hostdir");
	char *wd = h_strf("/proc/self/fd/%s", caller_fds[_i]);
	struct h_result r;

	h_run_detached(name, NULL, OPTS("sleep", mark));
	conti_with_fd(&r, caller_fds[_i], host,
		      OPTS("exec", "-w", wd, name, "sh", "-c", CWD_PAYLOAD));
	assert_cwd_refused(&r, host, wd);
	h_result_free(&r);
	free(name), free(mark), free(host), free(wd);
}
END_TEST

/* The container arms its own workdir: /work (of run -w /work) becomes a link to
 * /proc/self/fd/3; a later exec by a caller holding fd 3 on a host dir (flock DIR
 * conti-rootless exec ...) is refused and writes nothing on the host. */
START_TEST(test_workdir_exec_armed_link)
{
	char *name = new_name(), *mark = new_mark(), *host = host_dir("hostdir");
	struct h_result r;

	h_run_detached(name, OPTS("-w", "/work"), OPTS("sleep", mark));
	CONTI(&r, "exec", name, "sh", "-c", "cd / && rmdir /work && ln -s /proc/self/fd/3 /work");
	h_assert_status(&r, 0, "replace /work by a link to /proc/self/fd/3");
	h_result_free(&r);
	conti_with_fd(&r, "3", host, OPTS("exec", name, "sh", "-c", CWD_PAYLOAD));
	assert_cwd_refused(&r, host, "exec with /work -> /proc/self/fd/3");
	h_result_free(&r);
	free(name), free(mark), free(host);
}
END_TEST

/* run -w /proc/self/fd/9 with the caller's fd 9 on a host dir: refused (125), the host
 * dir untouched. */
START_TEST(test_workdir_run_caller_fd)
{
	char *host = host_dir("hostdir");
	struct h_result r;

	conti_with_fd(
	    &r, "9", host,
	    OPTS("run", "--rm", "-w", "/proc/self/fd/9", H.rootfs, "sh", "-c", CWD_PAYLOAD));
	assert_cwd_refused(&r, host, "run -w /proc/self/fd/9");
	h_assert_nothing_left();
	h_result_free(&r);
	free(host);
}
END_TEST

/* start of a container whose saved workdir (/work) the container replaced by a link to
 * /proc/self/fd/3, by a caller holding fd 3 on a host dir: refused (125), or the command
 * runs inside; the host dir is untouched either way. */
START_TEST(test_workdir_start_armed_link)
{
	char *name = new_name(), *host = host_dir("hostdir");
	char *cmd = h_strf("%s; sleep 1", CWD_PAYLOAD);
	struct h_result r;

	h_run_detached(name, OPTS("-w", "/work"), OPTS("sh", "-c", cmd));
	CONTI(&r, "exec", name, "sh", "-c", "cd / && rm -rf /work && ln -s /proc/self/fd/3 /work");
	h_assert_status(&r, 0, "replace /work by a link to /proc/self/fd/3");
	h_result_free(&r);
	CONTI(&r, "stop", name);
	h_assert_status(&r, 0, "stop");
	h_result_free(&r);
	conti_with_fd(&r, "3", host, OPTS("start", "-a", name));
	if (r.status == 125)
		assert_cwd_refused(&r, host, "start with /work -> /proc/self/fd/3");
	else
		h_assert_status(&r, 0, "start with /work -> /proc/self/fd/3");
	assert_host_dir_untouched(host);
	h_result_free(&r);
	free(name), free(host), free(cmd);
}
END_TEST

/* exec -t where the container (with SYS_ADMIN) replaced /dev/ptmx and /dev/pts/N so that
 * the pty slave's path leads to /proc/self/fd/0, the caller's stdin (a host file opened
 * read-only): the command gets a real pty, never the caller's file for writing (was: the
 * file was reopened read-write as the command's stdout, and the command wrote into it). */
START_TEST(test_workdir_exec_pts_link)
{
	char *name = new_name(), *mark = new_mark();
	char *input = h_strf("%s/input.txt", H.base), *text;
	char *script = h_strf("exec 0<\"$1\" && shift && exec \"$@\"");
	const char *argv[] = {"/bin/sh", "-c", script, "sh", input,	   h_conti_bin(), "exec",
			      "-t",	 NULL, "sh",   "-c", "echo owned", NULL};
	struct h_result r;

	h_write_file(input, "untouched\n", 0644);
	h_run_detached(name, OPTS("--cap-add", "SYS_ADMIN"), OPTS("sleep", mark));
	CONTI(
	    &r, "exec", name, "sh", "-c",
	    "mkdir -p /mnt/pts && mount -t devpts -o newinstance,ptmxmode=0666 devpts /mnt/pts && "
	    "umount -l /dev/pts && ln -sf /mnt/pts/ptmx /dev/ptmx && mkdir -p /dev/pts && "
	    "for i in 0 1 2 3 4 5 6 7 8 9; do ln -s /proc/self/fd/0 /dev/pts/$i; done");
	h_assert_status(&r, 0, "replace /dev/ptmx and /dev/pts/N");
	h_result_free(&r);
	argv[8] = name;
	h_run(&r, NULL, (char *const *)argv);
	text = h_read_file(input);
	ck_assert_msg(text && !strcmp(text, "untouched\n"),
		      "the caller's stdin file now holds: %s (exit %d, stderr %s)", text, r.status,
		      r.err);
	h_result_free(&r);
	free(name), free(mark), free(input), free(text), free(script);
}
END_TEST

/* ==== groups: no supplementary group of the caller's in the container (issue #11) ==== */

/* The Groups: line of /proc/self/status after the tab (caller frees). */
static char *groups_line(const char *status)
{
	const char *g = strstr(status, "Groups:\t");
	size_t len;

	ck_assert_msg(g, "no Groups: line in:\n%s", status);
	g += strlen("Groups:\t");
	len = strcspn(g, "\n");
	while (len && g[len - 1] == ' ')
		len--;
	return strndup(g, len);
}

/* True when the container's user namespace forbids setgroups (mapped without newgidmap). */
static bool setgroups_denied(void)
{
	struct h_result r;
	bool deny;

	CONTI(&r, "run", "--rm", H.rootfs, "cat", "/proc/self/setgroups");
	h_assert_status(&r, 0, "cat /proc/self/setgroups");
	deny = !strcmp(r.out, "deny\n");
	h_result_free(&r);
	return deny;
}

/* PID 1 (root, -u 0, -u 1000:1000, --uidmap=single) and an exec'd process have no
 * supplementary group (was: "Groups: 0", the caller's group). Where setgroups is denied
 * (no subordinate ids) the kernel keeps the caller's, as many as the caller has. */
START_TEST(test_groups_none_inside)
{
	char *name = new_name(), *mark = new_mark(), *g;
	const char *const *optsets[] = {OPTS("--rm"), OPTS("--rm", "-u", "0"),
					OPTS("--rm", "--uidmap=single"), NULL};
	bool deny = setgroups_denied();
	char *want = strdup("");
	struct h_result r;

	if (deny) { /* the caller's groups, each shown as unmapped (65534) but ours (0) */
		gid_t gs[256];
		int n = getgroups(256, gs);

		free(want);
		want = strdup("");
		for (int i = 0; i < n; i++) {
			char *w =
			    h_strf("%s%s%d", want, i ? " " : "", gs[i] == getgid() ? 0 : 65534);

			free(want);
			want = w;
		}
	}
	for (int i = 0; optsets[i]; i++) {
		const char *args[16] = {"run"};
		int n = 1;

		for (const char *const *o = optsets[i]; *o; o++)
			args[n++] = *o;
		args[n++] = H.rootfs, args[n++] = "cat", args[n++] = "/proc/self/status";
		args[n] = NULL;
		h_conti_v(&r, NULL, args);
		h_assert_status(&r, 0, optsets[i][1] ? optsets[i][1] : "run");
		g = groups_line(r.out);
		ck_assert_msg(!strcmp(g, want), "run %s: Groups: '%s', expected '%s'",
			      optsets[i][1] ? optsets[i][1] : "", g, want);
		free(g);
		h_result_free(&r);
	}
	if (have_subids() && !deny) {
		CONTI(&r, "run", "--rm", "-u", "1000:1000", H.rootfs, "cat", "/proc/self/status");
		h_assert_status(&r, 0, "run -u 1000:1000");
		g = groups_line(r.out);
		ck_assert_msg(!strcmp(g, ""), "run -u 1000:1000: Groups: '%s', expected none", g);
		free(g);
		h_result_free(&r);
	}
	h_run_detached(name, NULL, OPTS("sleep", mark));
	CONTI(&r, "exec", name, "cat", "/proc/self/status");
	h_assert_status(&r, 0, "exec");
	g = groups_line(r.out);
	ck_assert_msg(!strcmp(g, want), "exec: Groups: '%s', expected '%s'", g, want);
	free(g);
	h_result_free(&r);
	free(name), free(mark), free(want);
}
END_TEST

/* A supplementary group of the caller's other than its own, or (gid_t)-1. */
static gid_t supplementary_group(void)
{
	gid_t gs[256];
	int n = getgroups(256, gs);

	for (int i = 0; i < n; i++) {
		if (gs[i] != getgid())
			return gs[i];
	}
	return (gid_t)-1;
}

/* A host file readable only through a supplementary group of the caller's (0640,
 * owned by a subordinate uid, group GROUP), in a volume: the container's root cannot read
 * it, by run or exec (was: "secret", through the caller's group). Needs a supplementary
 * group (tests/run-all adds conti-grp) and subordinate ids. */
START_TEST(test_groups_volume_file)
{
	gid_t group = supplementary_group();
	char *dir = h_strf("%s/grp", H.base), *file = h_strf("%s/f", dir), *vol, *text;
	char *name = new_name(), *mark = new_mark();
	struct stat st;
	struct h_result r;

	if (group == (gid_t)-1) {
		h_skip("the test user has no supplementary group: add one (groupadd conti-grp; "
		       "usermod -aG conti-grp USER) to test that the container drops it");
		goto out;
	}
	if (!have_subids() || setgroups_denied()) {
		h_skip("no subordinate ids: the file cannot be owned by another uid, and the "
		       "kernel keeps the groups where setgroups is denied");
		goto out;
	}
	/* A setgid dir of the group: the file made in it by uid 1 gets the group. */
	ck_assert_int_eq(mkdir(dir, 0777), 0);
	ck_assert_msg(chown(dir, (uid_t)-1, group) == 0, "chgrp %s: %s", dir, strerror(errno));
	ck_assert_int_eq(chmod(dir, 02777), 0);
	vol = h_strf("%s:/d", dir);
	CONTI(&r, "run", "--rm", "-v", vol, "-u", "1:1", H.rootfs, "sh", "-c",
	      "umask 027 && echo secret > /d/f");
	h_assert_status(&r, 0, "make the file as uid 1");
	h_result_free(&r);
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_msg(st.st_gid == group && (st.st_mode & 0777) == 0640 && st.st_uid != getuid(),
		      "%s: uid %u gid %u mode %o", file, (unsigned)st.st_uid, (unsigned)st.st_gid,
		      (unsigned)(st.st_mode & 0777));
	text = h_read_file(file);
	ck_assert_msg(text && !strcmp(text, "secret\n"), "the caller cannot read %s itself", file);
	free(text);
	CONTI(&r, "run", "--rm", "-v", vol, H.rootfs, "cat", "/d/f");
	ck_assert_msg(r.status == 1 && !strstr(r.out, "secret") &&
			  strstr(r.err, "Permission denied"),
		      "run: the group's file was read (exit %d): %s%s", r.status, r.out, r.err);
	h_result_free(&r);
	h_run_detached(name, OPTS("-v", vol), OPTS("sleep", mark));
	CONTI(&r, "exec", name, "cat", "/d/f");
	ck_assert_msg(r.status == 1 && !strstr(r.out, "secret") &&
			  strstr(r.err, "Permission denied"),
		      "exec: the group's file was read (exit %d): %s%s", r.status, r.out, r.err);
	h_result_free(&r);
	free(vol);
out:
	free(dir), free(file), free(name), free(mark);
}
END_TEST

/* ---- the caller's stdio (issue #11, item 3) ---- */

/* Runs the front end with args, its fds 0, 1 and 2 being in, out and err (-1: /dev/null);
 * waits for it (killing it after 30 s) and returns its exit code. */
static int run_stdio(int in, int out, int err, const char *const *args)
{
	const char *argv[48] = {h_conti_bin()};
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), status = 0, n = 1;
	long long deadline = h_mono_ms() + H_TIMEOUT_MS;
	pid_t pid;

	for (; *args && n < 47; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	ck_assert_int_ge(null, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fds[3] = {in < 0 ? null : in, out < 0 ? null : out, err < 0 ? null : err};

		/* via fds above 2 first: one of them may already sit at 0-2 */
		for (int i = 0; i < 3; i++)
			fds[i] = fcntl(fds[i], F_DUPFD, 10 + i);
		for (int i = 0; i < 3; i++)
			dup2(fds[i], i);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(null);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (h_mono_ms() > deadline)
			kill(pid, SIGKILL);
		sleep_ms(10);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A host file as stdout: the container's fd 1 is a pipe, so `chmod 04755 /proc/self/fd/1`
 * (which follows the magic link to whatever the fd is) and `truncate -s 0` of it do not
 * reach the file; the file holds exactly the command's output and keeps its mode.
 * Before the relay: mode 04755 (setuid to the user: another user running it gets the
 * user's euid), and the content "\0\0\0\0\0\0\0after\n" (truncated under the writer). */
START_TEST(test_stdio_file_stdout)
{
	char *path = h_strf("%s/report.txt", H.base), *content;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct stat sb;
	int status;

	ck_assert_int_ge(fd, 0);
	status =
	    run_stdio(-1, fd, fd,
		      OPTS("run", "--rm", H.rootfs, "sh", "-c",
			   "echo before; chmod 04755 /proc/self/fd/1 /proc/self/fd/2 2>/dev/null;"
			   "truncate -s 0 /proc/self/fd/1 2>/dev/null; echo after"));
	close(fd);
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_msg((sb.st_mode & 07777) == 0600, "the host file's mode became %04o",
		      (unsigned)(sb.st_mode & 07777));
	content = h_read_file(path);
	ck_assert_msg(sb.st_size == 13 && content && !strcmp(content, "before\nafter\n"),
		      "the host file holds %lld bytes: '%s'", (long long)sb.st_size,
		      content ? content : "");
	free(path), free(content);
}
END_TEST

/* The same for a file opened for appending (where splice cannot go: the relay writes) and
 * for exec: its old content stays, the output is appended, the mode is the same. */
START_TEST(test_stdio_file_append_and_exec)
{
	char *path = h_strf("%s/app.log", H.base), *content, *name = new_name();
	char *mark = h_new_mark('8', runner);
	int fd, status;
	struct stat sb;

	h_write_file(path, "old\n", 0640);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	status = run_stdio(-1, fd, -1,
			   OPTS("run", "--rm", H.rootfs, "sh", "-c",
				"chmod 0777 /proc/self/fd/1; truncate -s 0 /proc/self/fd/1;"
				"echo new"));
	ck_assert_int_eq(status, 0);
	h_run_detached(name, NULL, OPTS("sleep", mark));
	status = run_stdio(-1, fd, fd,
			   OPTS("exec", name, "sh", "-c",
				"chmod 04755 /proc/self/fd/1; truncate -s 0 /proc/self/fd/2;"
				"echo exec; echo err >&2"));
	close(fd);
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_msg((sb.st_mode & 07777) == 0640, "the host file's mode became %04o",
		      (unsigned)(sb.st_mode & 07777));
	content = h_read_file(path);
	ck_assert_msg(content && !strncmp(content, "old\nnew\n", 8) && strstr(content, "exec\n") &&
			  strstr(content, "err\n"),
		      "the host file holds '%s'", content ? content : "");
	free(path), free(content), free(name), free(mark);
}
END_TEST

/* Stdout a host terminal, stdin /dev/null (no pty is allocated): the container's fd 1 is a
 * pipe, so `stty -echo <&1` cannot change the terminal and `head <&1` cannot read the
 * user's keystrokes; the output still reaches the terminal. Before: the terminal was left
 * in -echo and the line typed ahead was read ("got=secret"). */
START_TEST(test_stdio_terminal_stdout)
{
	struct termios before, after;
	struct h_buf b = {0};
	char chunk[4096];
	int master, slave, status;
	ssize_t n;

	ck_assert_int_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
	fcntl(master, F_SETFD, FD_CLOEXEC);
	fcntl(slave, F_SETFD, FD_CLOEXEC);
	ck_assert_int_eq(tcgetattr(slave, &before), 0);
	ck_assert(before.c_lflag & ECHO);
	ck_assert_int_eq(write(master, "secret\n", 7), 7); /* typed ahead by the user */
	status = run_stdio(-1, slave, -1,
			   OPTS("run", "--rm", H.rootfs, "sh", "-c",
				"stty -echo raw <&1 2>/dev/null; x=$(head -n 1 <&1 2>/dev/null);"
				"echo \"got=$x\"; echo done"));
	ck_assert_int_eq(tcgetattr(slave, &after), 0);
	close(slave);
	fcntl(master, F_SETFL, O_NONBLOCK);
	while ((n = read(master, chunk, sizeof(chunk) - 1)) > 0) {
		chunk[n] = '\0';
		b.s = b.s ? h_strf("%s%s", b.s, chunk) : h_strf("%s", chunk);
	}
	close(master);
	ck_assert_int_eq(status, 0);
	ck_assert_msg(after.c_lflag & ECHO, "the container turned the host terminal's echo off");
	ck_assert_msg(after.c_lflag == before.c_lflag && after.c_iflag == before.c_iflag &&
			  after.c_oflag == before.c_oflag,
		      "the host terminal's settings changed");
	ck_assert_msg(b.s && strstr(b.s, "done"), "the output did not reach the terminal: '%s'",
		      b.s ? b.s : "");
	ck_assert_msg(!strstr(b.s, "got=secret"), "the container read the terminal: '%s'", b.s);
	free(b.s);
}
END_TEST

/* A host file as stdin: its content arrives; `chmod` and `truncate` of /proc/self/fd/0 do
 * not touch the file; what the container did not read is left to the caller (the shared
 * offset is where the container stopped). Before: the file got mode 0777. */
START_TEST(test_stdio_file_stdin)
{
	char *path = h_strf("%s/in.txt", H.base), *content;
	int in, out[2], status;
	char buf[64] = "";
	struct stat sb;
	ssize_t n;

	h_write_file(path, "line1\nline2\n", 0600);
	in = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(in, 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	status = run_stdio(in, out[1], -1,
			   OPTS("run", "--rm", H.rootfs, "sh", "-c",
				"read l; echo \"got=$l\"; chmod 0777 /proc/self/fd/0;"
				"truncate -s 0 /proc/self/fd/0 2>/dev/null || true"));
	close(out[1]);
	n = read(out[0], buf, sizeof(buf) - 1);
	close(out[0]);
	ck_assert_int_eq(status, 0);
	ck_assert_msg(n > 0 && !strcmp(buf, "got=line1\n"), "the container printed '%s'", buf);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_msg((sb.st_mode & 07777) == 0600, "the host file's mode became %04o",
		      (unsigned)(sb.st_mode & 07777));
	content = h_read_file(path);
	ck_assert_msg(content && !strcmp(content, "line1\nline2\n"), "the host file holds '%s'",
		      content ? content : "");
	memset(buf, 0, sizeof(buf));
	n = read(in, buf, sizeof(buf) - 1);
	ck_assert_msg(n > 0 && !strcmp(buf, "line2\n"), "the caller's stdin went on at '%s'", buf);
	close(in);
	free(path), free(content);
}
END_TEST

/* Pipes are passed as they are (no relay, no cost): the container's fd 1 is the caller's
 * own pipe, the same inode. */
START_TEST(test_stdio_pipe_passed)
{
	int out[2], status;
	char buf[128] = "", *want;
	struct stat sb;
	ssize_t n;

	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(fstat(out[1], &sb), 0);
	status =
	    run_stdio(-1, out[1], -1, OPTS("run", "--rm", H.rootfs, "readlink", "/proc/self/fd/1"));
	close(out[1]);
	n = read(out[0], buf, sizeof(buf) - 1);
	close(out[0]);
	ck_assert_int_eq(status, 0);
	want = h_strf("pipe:[%lu]\n", (unsigned long)sb.st_ino);
	ck_assert_msg(n > 0 && !strcmp(buf, want), "fd 1 inside is '%s', expected '%s'", buf, want);
	free(want);
}
END_TEST

/* Through the relay both ways, nothing is lost: 5 MB of a host file as stdin, copied by
 * cat to a host file as stdout, arrive whole; cat sees the end of its input (EOF is passed
 * on) and the exit status is the command's. */
START_TEST(test_stdio_file_both_ways)
{
	char *src = h_strf("%s/big.in", H.base), *dst = h_strf("%s/big.out", H.base);
	char *a, *b;
	int in, out, status;
	FILE *f = fopen(src, "w");

	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 5 * 1024 * 1024 / 16; i++)
		fprintf(f, "%015d\n", i);
	ck_assert_int_eq(fclose(f), 0);
	in = open(src, O_RDONLY | O_CLOEXEC);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert(in >= 0 && out >= 0);
	status = run_stdio(in, out, -1,
			   OPTS("run", "--rm", H.rootfs, "sh", "-c", "cat; echo end; exit 3"));
	close(in), close(out);
	ck_assert_int_eq(status, 3);
	a = h_read_file(src);
	b = h_read_file(dst);
	ck_assert(a && b);
	ck_assert_msg(strlen(b) == strlen(a) + 4 && !strncmp(a, b, strlen(a)) &&
			  !strcmp(b + strlen(a), "end\n"),
		      "the output has %zu bytes, the input %zu", strlen(b), strlen(a));
	free(src), free(dst), free(a), free(b);
}
END_TEST

/* ==== host_binaries: no host binary of the tool in the container's hands (#11 item 2) ====
 *
 * The attacker (source below) is a second static program: "pid1" rewrites the host file
 * behind /proc/1/exe as runc's CVE-2019-5736 did (directly, and through an O_PATH fd of
 * /proc/1/exe reopened for writing after PID 1 was made, by ptrace, to exec another image,
 * which frees the file's text); "race STOP" opens /proc/PID/exe of each new process
 * (O_PATH) as it appears, to catch a host binary (the front end forked into the
 * container's PID namespace by `exec`) before it turns non-dumpable. */

static const char *const attacker_source[] = {
    "#define _GNU_SOURCE\n",
    "#include <errno.h>\n",
    "#include <fcntl.h>\n",
    "#include <stdio.h>\n",
    "#include <stdlib.h>\n",
    "#include <string.h>\n",
    "#include <sys/ptrace.h>\n",
    "#include <sys/stat.h>\n",
    "#include <sys/syscall.h>\n",
    "#include <sys/user.h>\n",
    "#include <sys/wait.h>\n",
    "#include <time.h>\n",
    "#include <unistd.h>\n",
    "\n",
    "static const char *en(int e)\n",
    "{\n",
    "\treturn e ? strerrorname_np(e) : \"ok\";\n",
    "}\n",
    "\n",
    "/* Makes PID 1 exec /bin/sleep SECS: an execve injected where it is stopped (x86-64). */\n",
    "static int force_exec(const char *secs)\n",
    "{\n",
    "\tstruct user_regs_struct regs;\n",
    "\tunsigned long sp, str, words[16] = {0};\n",
    "\tsize_t plen = sizeof(\"/bin/sleep\");\n",
    "\tlong insn;\n",
    "\tint status;\n",
    "\n",
    "\tif (ptrace(PTRACE_ATTACH, 1, 0, 0) < 0)\n",
    "\t\treturn errno;\n",
    "\tif (waitpid(1, &status, __WALL) < 0 || ptrace(PTRACE_GETREGS, 1, 0, &regs) < 0)\n",
    "\t\treturn errno;\n",
    "\terrno = 0;\n",
    "\tinsn = ptrace(PTRACE_PEEKTEXT, 1, regs.rip - 2, 0);\n",
    "\tif (errno || (insn & 0xffff) != 0x050f)\n",
    "\t\treturn ENOEXEC; /* not stopped just after a syscall instruction */\n",
    "\tsp = (regs.rsp - 4096) & ~15UL;\n",
    "\tstr = sp + 64;\n",
    "\twords[0] = str;\n",
    "\twords[1] = str + plen;\n",
    "\tmemcpy(&words[8], \"/bin/sleep\", plen);\n",
    "\tmemcpy((char *)&words[8] + plen, secs, strlen(secs) + 1);\n",
    "\tfor (int i = 0; i < 16; i++)\n",
    "\t\tif (ptrace(PTRACE_POKEDATA, 1, sp + 8 * i, words[i]) < 0)\n",
    "\t\t\treturn errno;\n",
    "\tregs.orig_rax = -1;\n",
    "\tregs.rax = SYS_execve;\n",
    "\tregs.rdi = str;\n",
    "\tregs.rsi = sp;\n",
    "\tregs.rdx = 0;\n",
    "\tregs.rip -= 2;\n",
    "\tif (ptrace(PTRACE_SETREGS, 1, 0, &regs) < 0 || ptrace(PTRACE_DETACH, 1, 0, 0) < 0)\n",
    "\t\treturn errno;\n",
    "\treturn 0;\n",
    "}\n",
    "\n",
    "/* CVE-2019-5736 against PID 1: /proc/1/exe written directly, then through an O_PATH fd\n",
    " * of it reopened once PID 1 runs another image (which frees its text). */\n",
    "static void pid1(void)\n",
    "{\n",
    "\tchar link[512] = \"\", self[64], c;\n",
    "\tint opath, w, e = 0, r, rd;\n",
    "\tstruct timespec pause = {0, 10 * 1000 * 1000};\n",
    "\tssize_t n = readlink(\"/proc/1/exe\", link, sizeof(link) - 1);\n",
    "\n",
    "\tlink[n > 0 ? n : 0] = 0;\n",
    "\tprintf(\"exe=%s\\n\", link);\n",
    "\topath = open(\"/proc/1/exe\", O_PATH | O_CLOEXEC);\n",
    "\tprintf(\"opath=%s\\n\", en(opath < 0 ? errno : 0));\n",
    "\tw = open(\"/proc/1/exe\", O_WRONLY | O_CLOEXEC);\n",
    "\tprintf(\"write-direct=%s\\n\", en(w < 0 ? errno : 0));\n",
    "\tr = force_exec(\"3\");\n",
    "\tprintf(\"force-exec=%s\\n\", en(r));\n",
    "\tif (opath < 0)\n",
    "\t\treturn;\n",
    "\tsnprintf(self, sizeof(self), \"/proc/self/fd/%d\", opath);\n",
    "\tfor (int i = 0; i < 200; i++) {\n",
    "\t\tw = open(self, O_WRONLY | O_CLOEXEC);\n",
    "\t\te = w < 0 ? errno : 0;\n",
    "\t\tif (e != ETXTBSY)\n",
    "\t\t\tbreak;\n",
    "\t\tnanosleep(&pause, NULL);\n",
    "\t}\n",
    "\tprintf(\"write-reopen=%s\\n\", en(e));\n",
    "\trd = open(self, O_RDONLY | O_CLOEXEC);\n",
    "\t/* the same byte back: the content stays, the file's mtime would not */\n",
    "\tif (w >= 0 && rd >= 0 && pread(rd, &c, 1, 0) == 1)\n",
    "\t\tprintf(\"rewrite=%s\\n\", en(pwrite(w, &c, 1, 0) == 1 ? 0 : errno));\n",
    "}\n",
    "\n",
    "/* Until stop exists (at most 60 s): /proc/PID/exe of the next pid opened (O_PATH) as soon\n",
    " * as it exists; counts those that are host binaries (not on our root, not a memfd). */\n",
    "static void race(const char *stop)\n",
    "{\n",
    "\tchar path[64], link[512], first[512] = \"\", buf[32];\n",
    "\tstruct stat root, st;\n",
    "\tlong tries = 0, got = 0, host = 0;\n",
    "\ttime_t end = time(NULL) + 60;\n",
    "\tint last = 0;\n",
    "\n",
    "\tstat(\"/\", &root);\n",
    "\tprintf(\"ready\\n\");\n",
    "\tfor (;;) {\n",
    "\t\tint fd = open(\"/proc/sys/kernel/ns_last_pid\", O_RDONLY | O_CLOEXEC);\n",
    "\t\tssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;\n",
    "\n",
    "\t\tif (fd >= 0)\n",
    "\t\t\tclose(fd);\n",
    "\t\tif (n > 0) {\n",
    "\t\t\tbuf[n] = 0;\n",
    "\t\t\tlast = atoi(buf);\n",
    "\t\t}\n",
    "\t\tif ((tries & 255) == 0 && (access(stop, F_OK) == 0 || time(NULL) > end))\n",
    "\t\t\tbreak;\n",
    "\t\tfor (int pid = last + 1; pid <= last + 2; pid++, tries++) {\n",
    "\t\t\tsnprintf(path, sizeof(path), \"/proc/%d/exe\", pid);\n",
    "\t\t\tfd = open(path, O_PATH | O_CLOEXEC);\n",
    "\t\t\tif (fd < 0)\n",
    "\t\t\t\tcontinue;\n",
    "\t\t\tgot++;\n",
    "\t\t\tsnprintf(path, sizeof(path), \"/proc/self/fd/%d\", fd);\n",
    "\t\t\tn = readlink(path, link, sizeof(link) - 1);\n",
    "\t\t\tlink[n > 0 ? n : 0] = 0;\n",
    "\t\t\tif (fstat(fd, &st) == 0 && st.st_dev != root.st_dev &&\n",
    "\t\t\t    strncmp(link, \"/memfd:\", 7)) {\n",
    "\t\t\t\thost++;\n",
    "\t\t\t\tif (!first[0])\n",
    "\t\t\t\t\tsnprintf(first, sizeof(first), \"%s\", link);\n",
    "\t\t\t}\n",
    "\t\t\tclose(fd);\n",
    "\t\t}\n",
    "\t}\n",
    "\tprintf(\"race: tries=%ld got=%ld host=%ld first=%s\\n\", tries, got, host, first);\n",
    "}\n",
    "\n",
    "int main(int argc, char **argv)\n",
    "{\n",
    "\tsetvbuf(stdout, NULL, _IONBF, 0);\n",
    "\tif (argc == 2 && !strcmp(argv[1], \"pid1\"))\n",
    "\t\tpid1();\n",
    "\telse if (argc == 3 && !strcmp(argv[1], \"race\"))\n",
    "\t\trace(argv[2]);\n",
    "\telse\n",
    "\t\treturn 2;\n",
    "\treturn 0;\n",
    "}\n",
    NULL};

/* The attacker, compiled once per TCase into its temp dir, copied to the rootfs. */
static void install_attacker(void)
{
	install_static("attacker", attacker_source);
}

/* "PATH SIZE:HASH MTIME" of each host binary of the tool: the front end and the init,
 * keeper and idmap helpers next to it (caller frees). */
static char *host_binaries_digest(void)
{
	char *init = helper_path(), *dir = strdup(init), *all = strdup(""), *next;
	const char *const names[] = {"conti-rootless-init", "conti-rootless-keeper",
				     "conti-rootless-idmap"};

	*strrchr(dir, '/') = '\0';
	for (int i = -1; i < 3; i++) {
		char *path = i < 0 ? strdup(h_conti_bin()) : h_strf("%s/%s", dir, names[i]);
		char *sum = file_sum(path);
		struct stat st;

		ck_assert_msg(stat(path, &st) == 0, "stat %s: %s", path, strerror(errno));
		next = h_strf("%s%s %s %lld.%09ld\n", all, path, sum, (long long)st.st_mtim.tv_sec,
			      st.st_mtim.tv_nsec);
		free(all), free(path), free(sum);
		all = next;
	}
	free(init), free(dir);
	return all;
}

static const char *const *const pid1_attack_opts[] = {
    OPTS("--cap-add", "SYS_PTRACE"), OPTS("--cap-add", "ALL"), OPTS("--privileged")};

/* With SYS_PTRACE (alone, with ALL, privileged) a container reaches PID 1's exe: it must
 * be a sealed memfd copy of the init helper, which no write changes, never the host's file:
 * every host binary of the tool is byte for byte, and in mtime, what it was, and the next
 * container still starts. On main PID 1 exec'd the host file: write-reopen=ok, rewrite=ok
 * and the helper's mtime changed. */
START_TEST(test_binaries_pid1_exe_rewrite)
{
	const char *const *opts = pid1_attack_opts[_i];
	const char *argv[16] = {"run", "--rm"};
	char *before, *after, *exe;
	struct h_result r;
	int n = 2;

	if (!on_path("cc")) {
		h_skip("no cc to build the attacker");
		return;
	}
#ifndef __x86_64__
	h_skip("the attacker's ptrace injection is written for x86-64");
	return;
#endif
	install_attacker();
	before = host_binaries_digest();
	for (; *opts; opts++)
		argv[n++] = *opts;
	argv[n++] = H.rootfs;
	argv[n++] = "/attacker";
	argv[n++] = "pid1";
	argv[n] = NULL;
	h_conti_v(&r, NULL, argv);
	after = host_binaries_digest();
	ck_assert_msg(!strcmp(before, after),
		      "a host binary changed (%s):\nbefore:\n%safter:\n%sthe attacker said:\n%s",
		      pid1_attack_opts[_i][0], before, after, r.out);
	exe = strstr(r.out, "exe=");
	ck_assert_msg(exe && !strncmp(exe, "exe=/memfd:conti-rootless-init", 30),
		      "/proc/1/exe is not the sealed copy:\n%s", r.out);
	ck_assert_msg(strstr(r.out, "force-exec=ok"), "PID 1 could not be made to exec:\n%s%s",
		      r.out, r.err);
	ck_assert_msg(!strstr(r.out, "rewrite=ok"), "the init helper's copy was written:\n%s",
		      r.out);
	h_result_free(&r);
	CONTI(&r, "run", "--rm", H.rootfs, "true");
	h_assert_status(&r, 0, "run true after the attack");
	h_result_free(&r);
	free(before), free(after);
}
END_TEST

#define BINARY_RACE_EXECS 200

/* With SYS_PTRACE, a process in the container catches (O_PATH) /proc/PID/exe of each new
 * process while the caller runs `exec N true` BINARY_RACE_EXECS times: it must never get
 * a host binary (on main it got the front end, conti-rootless, forked into the container's
 * PID namespace before it turned non-dumpable: 35 of 200 here). */
START_TEST(test_binaries_exec_race_opath)
{
	char *name = new_name(), *mark = new_mark(), *before, *after, first[512] = "";
	char *argv[] = {(char *)h_conti_bin(), "exec", name, "/attacker", "race",
			"/tmp/stop",	       NULL};
	long tries = 0, got = 0, host = -1;
	int failed_execs = 0;
	struct h_result r;
	struct h_proc p;
	const char *line;

	if (!on_path("cc")) {
		h_skip("no cc to build the attacker");
		return;
	}
	install_attacker();
	before = host_binaries_digest();
	h_run_detached(name, OPTS("--cap-add", "SYS_PTRACE"),
		       (const char *const[]){"sleep", mark, NULL});
	h_spawn(&p, argv, NULL);
	ck_assert_msg(h_wait_output(&p, "ready\n", 10000), "the attacker did not start");
	for (int i = 0; i < BINARY_RACE_EXECS; i++) {
		CONTI(&r, "exec", name, "true");
		failed_execs += r.status != 0;
		h_result_free(&r);
	}
	CONTI(&r, "exec", name, "touch", "/tmp/stop");
	h_assert_status(&r, 0, "exec touch /tmp/stop");
	h_result_free(&r);
	h_finish(&p, &r, 20000);
	h_assert_status(&r, 0, "the attacker");
	line = strstr(r.out, "race: ");
	ck_assert_msg(line && sscanf(line, "race: tries=%ld got=%ld host=%ld first=%511s", &tries,
				     &got, &host, first) >= 3,
		      "the attacker printed: %s", r.out);
	ck_assert_int_eq(failed_execs, 0);
	ck_assert_msg(host == 0,
		      "the container got hold of a host binary (%s) through /proc/PID/exe %ld "
		      "times (%ld exes opened in %ld tries)",
		      first, host, got, tries);
	after = host_binaries_digest();
	ck_assert_msg(!strcmp(before, after), "a host binary changed:\n%s--- now:\n%s", before,
		      after);
	h_result_free(&r);
	free(name), free(mark), free(before), free(after);
}
END_TEST

/* ---- the suite ---- */

/* ---- runtime_symlink: the tool's own dirs replaced by symlinks ---- */

/* What in the runtime dir becomes a symlink to the victim dir (or a file in it). */
static const char *const runtime_links[] = {"", "/ns", "/log"};

/* Names and contents of the files of dir and dir/ns, as one string (caller frees). */
static char *victim_snapshot(const char *dir)
{
	static const char *const files[] = {"precious", "log",	   "state",
					    "lock",	"ns/keep", "ns/mnt"};
	char *snap = strdup("");

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = h_strf("%s/%s", dir, files[i]), *text = h_read_file(path);
		char *next = h_strf("%s%s=%s;", snap, files[i], text ? text : "(gone)");

		free(snap), free(path), free(text);
		snap = next;
	}
	{
		char *ns = h_strf("%s/ns", dir);
		char *next = h_strf("%s%d|%d", snap, h_count_entries(dir), h_count_entries(ns));

		free(snap), free(ns);
		snap = next;
	}
	return snap;
}

/* RUNTIME/NAME, RUNTIME/NAME/ns or RUNTIME/NAME/log replaced by a symlink to a directory of
 * victim files: start, logs, rm and rm -f are refused (125, one line) and ps -a works, and
 * none of them reads, writes or deletes there. */
START_TEST(test_runtime_symlink_refused)
{
	char *name = new_name(), *own = h_runtime_dir();
	char *victim = h_strf("%s/victim", H.base), *vns = h_strf("%s/ns", victim);
	char *dir = h_strf("%s/%s", own, name), *link = h_strf("%s%s", dir, runtime_links[_i]);
	char *target = h_strf("%s%s", victim, runtime_links[_i]), *before, *after, *line;
	const char *cmds[][3] = {
	    {"start", name, NULL}, {"logs", name, NULL}, {"rm", name, NULL}, {"rm", "-f", name}};
	struct h_result r;

	CONTI(&r, "run", "--name", name, H.rootfs, "true");
	h_assert_status(&r, 0, "run");
	h_result_free(&r);
	ck_assert_int_eq(mkdir(victim, 0700), 0);
	ck_assert_int_eq(mkdir(vns, 0700), 0);
	h_write_file(h_strf("%s/precious", victim), "precious\n", 0600);
	h_write_file(h_strf("%s/log", victim), "victim log\n", 0600);
	h_write_file(h_strf("%s/state", victim), "status=running\npid=1\n", 0600);
	h_write_file(h_strf("%s/lock", victim), "", 0600);
	h_write_file(h_strf("%s/keep", vns), "keep\n", 0600);
	h_write_file(h_strf("%s/mnt", vns), "", 0600);
	before = victim_snapshot(victim);
	ck_assert_msg(!h_exists(link) || h_rm_rf(link), "cannot remove %s", link);
	ck_assert_int_eq(symlink(target, link), 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *args[] = {cmds[i][0], cmds[i][1], cmds[i][2], NULL};
		bool is_logs = !strcmp(cmds[i][0], "logs");

		h_conti_v(&r, NULL, args);
		ck_assert_msg(!strstr(r.out, "victim"), "%s read the victim's file: %s", cmds[i][0],
			      r.out);
		if (!is_logs || _i != 1) {
			h_assert_status(&r, 125, cmds[i][0]);
			line = h_error_line(&r);
			free(line);
		}
		h_result_free(&r);
	}
	CONTI(&r, "ps", "-a");
	h_assert_status(&r, 0, "ps -a");
	h_result_free(&r);
	after = victim_snapshot(victim);
	ck_assert_str_eq(after, before);
	unlink(link); /* teardown's rm -f removes the rest */
	free(name), free(own), free(victim), free(vns), free(dir), free(link), free(target);
	free(before), free(after);
}
END_TEST

/* RUNTIME/NAME/start of a created container replaced by a symlink to a file of the user:
 * start does not write its byte there. */
START_TEST(test_runtime_start_fifo_symlink)
{
	char *name = new_name(), *own = h_runtime_dir();
	char *victim = h_strf("%s/victim.txt", H.base), *fifo = NULL, *text;
	struct h_result r;

	CONTI(&r, "create", "--name", name, H.rootfs, "true");
	h_assert_status(&r, 0, "create");
	h_result_free(&r);
	h_write_file(victim, "precious\n", 0600);
	fifo = h_strf("%s/%s/start", own, name);
	ck_assert_int_eq(unlink(fifo), 0);
	ck_assert_int_eq(symlink(victim, fifo), 0);
	CONTI(&r, "start", name);
	h_result_free(&r);
	text = h_read_file(victim);
	ck_assert_str_eq(text, "precious\n");
	unlink(fifo);
	free(text), free(name), free(own), free(victim), free(fifo);
}
END_TEST

/* ==== issue 12: docker's defaults for no_new_privs and nested user namespaces ==== */

/* With no_new_privs off (the default now), a setuid-root binary run by uid 1000 becomes
 * root of the container's user namespace and gains the container's capabilities, never
 * more: its effective and permitted sets are the bounding set, the default one (not the
 * user namespace's full set), the default plus NET_ADMIN with --cap-add NET_ADMIN, less
 * CHOWN with --cap-drop CHOWN; ambient and inheritable stay empty and the seccomp filter applies
 * (a new user namespace: EPERM). On the old code (no_new_privs on) it stayed uid 1000. */
START_TEST(test_setuid_gains_only_the_bounding_set)
{
	static const char *const cmd =
	    "exec /suid-probe ids status CapPrm status CapEff status CapBnd status CapInh status "
	    "CapAmb status Seccomp sys unshare_newuser";
	const unsigned long long sets[] = {default_caps, default_caps | CAPBIT(CAP_NET_ADMIN),
					   default_caps & ~CAPBIT(CAP_CHOWN)};
	const char *const *opts[] = {OPTS("-u", "1000:1000"),
				     OPTS("-u", "1000:1000", "--cap-add", "NET_ADMIN"),
				     OPTS("-u", "1000:1000", "--cap-drop", "CHOWN")};

	if (!have_subids()) {
		h_skip("test_setuid_gains_only_the_bounding_set: uid 1000 needs a subordinate "
		       "range");
		return;
	}
	install_probe("suid-probe", 04755);
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		const char *argv[16] = {"run", "--rm"};
		char *want = h_strf("uids=1000,0,0\nCapPrm:\t%016llx\nCapEff:\t%016llx\n"
				    "CapBnd:\t%016llx\nCapInh:\t0000000000000000\n"
				    "CapAmb:\t0000000000000000\nSeccomp:\t2\n"
				    "unshare_newuser=EPERM\n",
				    sets[i], sets[i], sets[i]);
		struct h_result r;
		int n = 2;

		for (const char *const *o = opts[i]; *o; o++)
			argv[n++] = *o;
		argv[n++] = H.rootfs;
		argv[n++] = "sh";
		argv[n++] = "-c";
		argv[n++] = cmd;
		argv[n] = NULL;
		h_conti_v(&r, NULL, argv);
		assert_out(&r, want, opts[i][2] ? opts[i][2] : "setuid binary, default options");
		h_result_free(&r);
		free(want);
	}
}
END_TEST

/* Nested user namespaces: refused by default (unshare -U: EPERM, as docker); with
 * --security-opt nested=true `unshare -U -r` maps root, and a nested PID namespace mounts
 * a procfs of its own (the container's /proc is then unmasked: /proc/keys is the kernel's).
 * The option opens no more: the container itself still cannot mount (no CAP_SYS_ADMIN in
 * its own namespaces), the filter is loaded and keyctl refused. The old code refused the
 * option (125). */
START_TEST(test_nested_user_namespaces)
{
	const char *const nested[] = {"--security-opt", "nested=true"};
	struct h_result r;

	CONTI(&r, "run", "--rm", H.rootfs, "unshare", "-U", "-r", "id");
	h_assert_status(&r, 1, "unshare -U -r id, by default");
	ck_assert_msg(strstr(r.err, "Operation not permitted"), "stderr: %s", r.err);
	h_result_free(&r);
	CONTI(&r, "run", "--rm", nested[0], nested[1], H.rootfs, "unshare", "-U", "-r", "id");
	assert_out(&r, "uid=0(root) gid=0(root)\n", "unshare -U -r id with nested=true");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--security-opt", "nested", H.rootfs, "unshare", "-U", "-r", "-p",
	      "-f", "-m", "--mount-proc", "sh", "-c",
	      "echo $$; ls /proc/1/exe >/dev/null && echo ok");
	assert_out(&r, "1\nok\n", "a nested PID namespace with a procfs of its own");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", nested[0], nested[1], H.rootfs, "sh", "-c",
	      "mount -t tmpfs t /mnt 2>/dev/null && echo mounted; /probe stat /proc/keys status "
	      "Seccomp status CapEff sys keyctl");
	{
		char *want =
		    h_strf("stat:/proc/keys=%s\nSeccomp:\t2\nCapEff:\t%016llx\nkeyctl=EPERM\n",
			   h_exists("/proc/keys") ? "reg" : "ENOENT", default_caps);

		assert_out(&r, want, "the container's own namespaces with nested=true");
		free(want);
	}
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--security-opt", "nested=maybe", H.rootfs, "true");
	assert_refused(&r, "--security-opt nested=maybe");
	h_result_free(&r);
}
END_TEST

/* sudo in a Debian rootfs with the default options: a user with a NOPASSWD sudoers line
 * (passwd, group, shadow and sudoers.d entries bound over the rootfs's, which stays
 * untouched), `run -u 1000:1000 ROOTFS sudo id -u` prints 0. On the old code sudo said
 * "The "no new privileges" flag is set" and exited 1. */
START_TEST(test_debian_sudo_default)
{
	static const char *const files[][2] = {{"passwd", "dev:x:1000:1000:dev:/tmp:/bin/sh\n"},
					       {"group", "dev:x:1000:\n"},
					       {"shadow", "dev:*:20000:0:99999:7:::\n"}};
	const char *deb = h_debian_rootfs("test_debian_sudo_default");
	const char *argv[32] = {"run", "--rm", "-u", "1000:1000"};
	char *paths[4];
	struct h_result r;
	int n = 4;

	if (!deb)
		return;
	for (int i = 0; i < 3; i++) {
		char *src = h_strf("%s/etc/%s", deb, files[i][0]), *text = h_read_file(src);
		char *all = h_strf("%s%s", text ? text : "", files[i][1]);

		ck_assert_msg(text, "read %s", src);
		paths[i] = h_strf("%s/%s", H.base, files[i][0]);
		h_write_file(paths[i], all, 0640);
		argv[n++] = "-v";
		argv[n++] = h_strf("%s:/etc/%s:ro", paths[i], files[i][0]);
		free(src), free(text), free(all);
	}
	paths[3] = h_strf("%s/sudoers-dev", H.base);
	h_write_file(paths[3], "dev ALL=(ALL) NOPASSWD: ALL\n", 0440);
	argv[n++] = "-v";
	argv[n++] = h_strf("%s:/etc/sudoers.d/dev:ro", paths[3]);
	argv[n++] = deb;
	argv[n++] = "sudo";
	argv[n++] = "id";
	argv[n++] = "-u";
	argv[n] = NULL;
	h_conti_v(&r, NULL, argv);
	assert_out(&r, "0\n", "sudo id -u as uid 1000 in the Debian rootfs");
	h_result_free(&r);
	for (int i = 0; i < 4; i++) {
		free(paths[i]);
		free((char *)argv[5 + 2 * i]);
	}
}
END_TEST

/* bwrap in a Debian rootfs: refused by default (no user namespace), works with
 * --security-opt nested=true, with a PID namespace and a procfs of its own (the command
 * is PID 2 under bwrap's own init). On the old code the option was refused (125). */
START_TEST(test_debian_bwrap_nested)
{
	const char *deb = h_debian_rootfs("test_debian_bwrap_nested");
	struct h_result r;

	if (!deb)
		return;
	CONTI(&r, "run", "--rm", deb, "bwrap", "--unshare-user", "--unshare-pid", "--dev-bind", "/",
	      "/", "true");
	h_assert_status(&r, 1, "bwrap by default");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--security-opt", "nested=true", deb, "bwrap", "--unshare-user",
	      "--unshare-pid", "--dev-bind", "/", "/", "true");
	assert_out(&r, "", "bwrap --unshare-user --unshare-pid with nested=true");
	h_result_free(&r);
	CONTI(&r, "run", "--rm", "--security-opt", "nested=true", deb, "bwrap", "--unshare-user",
	      "--unshare-pid", "--dev-bind", "/", "/", "--proc", "/proc", "sh", "-c",
	      "echo $$; unshare -Ur id -u");
	assert_out(&r, "2\n0\n", "bwrap --proc /proc, and unshare -Ur inside it");
	h_result_free(&r);
}
END_TEST

static TCase *tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, h_case_setup, esc_case_teardown);
	tcase_add_checked_fixture(tc, esc_setup, esc_teardown);
	if (!getenv("CK_DEFAULT_TIMEOUT"))
		tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tc;
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int main(void)
{
	const char *only = getenv("CK_RUN_CASE");
	Suite *s = suite_create("escape");
	SRunner *sr;
	TCase *tc;
	int failed;

	runner = getpid();
	tc = tcase(s, "host_tree");
	tcase_add_test(tc, test_tree_dotdot_is_root);
	tcase_add_test(tc, test_tree_proc_root_links);
	tcase_add_test(tc, test_tree_leaked_fd);
	tcase_add_test(tc, test_tree_chroot_dotdot);
	tcase_add_test(tc, test_tree_chroot_escape);
	tcase_add_test(tc, test_tree_bind_old_root);
	tcase_add_test(tc, test_tree_pivot_root);
	tcase_add_test(tc, test_tree_umount);
	tc = tcase(s, "host_processes");
	tcase_add_test(tc, test_proc_kill_host_pid);
	tcase_add_test(tc, test_proc_host_pid_absent);
	tcase_add_test(tc, test_proc_ptrace_init);
	tcase_add_test(tc, test_proc_init_ns_and_memory);
	tc = tcase(s, "privilege");
	tcase_add_test(tc, test_priv_setuid_with_nnp);
	tcase_add_test(tc, test_priv_setuid_without_nnp);
	tcase_add_loop_test(tc, test_priv_syscall, 0, N(syscall_cases));
	tcase_add_test(tc, test_priv_unshare_tool);
	tcase_add_test(tc, test_priv_mknod_disk);
	tcase_add_test(tc, test_priv_mount_fs);
	tc = tcase(s, "write");
	tcase_add_loop_test(tc, test_write_kernel_file, 0, N(write_cases));
	tcase_add_loop_test(tc, test_write_lower_rootfs_unchanged, 0, N(overlay_cases));
	tcase_add_test(tc, test_write_ro_volume);
	tcase_add_test(tc, test_write_other_state_dir);
	tc = tcase(s, "caller");
	tcase_add_test(tc, test_caller_tiocsti);
	tcase_add_test(tc, test_caller_init_exe);
	tcase_add_test(tc, test_caller_exec_init_exe);
	tcase_add_test(tc, test_caller_exec_init_exe_race);
	tcase_add_test(tc, test_caller_abstract_socket_net_none);
	tc = tcase(s, "crafted");
	tcase_add_loop_test(tc, test_crafted_proc_symlink, 0, N(symlink_absolute));
	tcase_add_loop_test(tc, test_crafted_dev_symlink, 0, N(symlink_absolute));
	tcase_add_test(tc, test_crafted_volume_dotdot);
	tcase_add_loop_test(tc, test_crafted_volume_symlink_dst, 0, N(evil_targets));
	tc = tcase(s, "defaults");
	tcase_add_test(tc, test_default_caps);
	tcase_add_test(tc, test_default_no_new_privs);
	tcase_add_test(tc, test_default_seccomp);
	tcase_add_test(tc, test_default_masked_paths);
	tcase_add_test(tc, test_default_readonly_paths);
	tcase_add_test(tc, test_default_user_no_caps);
	tcase_add_test(tc, test_default_exec_same);
	tc = tcase(s, "runtime_symlink");
	tcase_add_loop_test(tc, test_runtime_symlink_refused, 0, N(runtime_links));
	tcase_add_test(tc, test_runtime_start_fifo_symlink);
	tc = tcase(s, "issue11_filter");
	tcase_add_checked_fixture(tc, install_sysprobe, NULL); /* after esc_setup */
	tcase_add_test(tc, test_seccomp_io_uring_and_new_calls);
	tcase_add_test(tc, test_seccomp_newer_syscall_enosys);
	tcase_add_test(tc, test_seccomp_cap_sys_admin);
	tcase_add_test(tc, test_landlock_host_abstract_socket);
	tcase_add_test(tc, test_landlock_exec);
	tc = tcase(s, "workdir");
	tcase_add_loop_test(tc, test_workdir_exec_caller_fd, 0, N(caller_fds));
	tcase_add_test(tc, test_workdir_exec_armed_link);
	tcase_add_test(tc, test_workdir_run_caller_fd);
	tcase_add_test(tc, test_workdir_start_armed_link);
	tcase_add_test(tc, test_workdir_exec_pts_link);
	tc = tcase(s, "groups");
	tcase_add_test(tc, test_groups_none_inside);
	tcase_add_test(tc, test_groups_volume_file);
	tc = tcase(s, "stdio");
	tcase_add_test(tc, test_stdio_file_stdout);
	tcase_add_test(tc, test_stdio_file_append_and_exec);
	tcase_add_test(tc, test_stdio_terminal_stdout);
	tcase_add_test(tc, test_stdio_file_stdin);
	tcase_add_test(tc, test_stdio_pipe_passed);
	tcase_add_test(tc, test_stdio_file_both_ways);
	tc = tcase(s, "host_binaries");
	tcase_add_loop_test(tc, test_binaries_pid1_exe_rewrite, 0, N(pid1_attack_opts));
	tcase_add_test(tc, test_binaries_exec_race_opath);
	tc = tcase(s, "issue12_privileges");
	tcase_add_test(tc, test_setuid_gains_only_the_bounding_set);
	tcase_add_test(tc, test_nested_user_namespaces);
	tcase_add_test(tc, test_debian_sudo_default);
	tcase_add_test(tc, test_debian_bwrap_nested);
	sr = srunner_create(s);
	srunner_run(sr, NULL, only && *only ? only : NULL, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
