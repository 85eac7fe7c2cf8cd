/* seccomp-policy.c - the default seccomp filter's allow-list, derived from moby's.
 *
 * Source: moby's default profile (github.com/moby/moby profiles/seccomp/default.json at
 * commit 00f3d189e420d485e42d15fe494f96d272284e0e), whose names, by group, are kept in
 * src/seccomp-moby-default.txt; tests/unit/test_security.c checks these tables against
 * that file: nothing is allowed here that the profile does not allow. Where this filter
 * differs from the profile, it is stricter:
 *   - io_uring_setup, io_uring_enter, io_uring_register: refused (docker since 25.0 and
 *     podman refuse them too: io_uring has been a steady source of kernel exploits);
 *   - adjtimex, clock_adjtime: refused, as this tool always did (the host's clock);
 *   (these are cr_seccomp_stricter)
 *   - clone and unshare of a new user namespace: refused even with CAP_SYS_ADMIN (a new
 *     user namespace is the way back to a full capability set), and clone3 gets ENOSYS
 *     even with it (its flags are out of a filter's reach); --security-opt nested=true
 *     allows them, with cr_seccomp_nested (podman's profile allows all of these always);
 *   - personality with a value docker does not allow gets ENOSYS, not EPERM.
 * A syscall the profile does not name gets ENOSYS (the profile predates it: a program
 * falls back to an older call), unless cr_seccomp_refused names it: those the profile
 * leaves out on purpose, and open_tree_attr, listmount and statmount (newer than the
 * profile; they reach the mount tree around the container's root), get EPERM.
 */
#include <linux/capability.h>
#include <stddef.h>

#include "seccomp-policy.h"

#define CAP(x) (1ULL << (x))

/* Allowed to every container; names this architecture lacks are skipped by gen-seccomp. */
const char *const cr_seccomp_allowed[] = {
    /* moby's unconditional group */
    "accept", "accept4", "access", "alarm", "bind", "brk", "capget", "capset", "chdir", "chmod",
    "chown", "chown32", "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64",
    "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range", "connect",
    "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl",
    "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd",
    "eventfd2", "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64",
    "fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown",
    "fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock",
    "fork", "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64",
    "fsync", "ftruncate", "ftruncate64", "futex", "futex_time64", "futex_waitv", "futimesat",
    "getcpu", "getcwd", "getdents", "getdents64", "getegid", "getegid32", "geteuid", "geteuid32",
    "getgid", "getgid32", "getgroups", "getgroups32", "getitimer", "getpeername", "getpgid",
    "getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid", "getresgid32",
    "getresuid", "getresuid32", "getrlimit", "get_robust_list", "getrusage", "getsid",
    "getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32",
    "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch",
    "io_cancel", "ioctl", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
    "ioprio_get", "ioprio_set", "io_setup", "io_submit", "ipc", "kill", "landlock_add_rule",
    "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link",
    "linkat", "listen", "listxattr", "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr",
    "lstat", "lstat64", "madvise", "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir",
    "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect",
    "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64",
    "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv",
    "msgsnd", "msync", "munlock", "munlockall", "munmap", "name_to_handle_at", "nanosleep",
    "newfstatat", "_newselect", "open", "openat", "openat2", "pause", "pidfd_open",
    "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll",
    "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
    "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read",
    "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg",
    "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename", "renameat",
    "renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
    "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
    "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr",
    "sched_getparam", "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
    "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr",
    "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget",
    "semop", "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg",
    "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32",
    "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32",
    "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
    "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid",
    "setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack",
    "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice",
    "stat", "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync",
    "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
    "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64",
    "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
    "timerfd_settime64", "times", "tkill", "truncate", "truncate64", "ugetrlimit", "umask", "uname",
    "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice",
    "wait4", "waitid", "waitpid", "write", "writev",
    /* its "minKernel 4.8" group (every kernel this tool runs on) */
    "process_vm_readv", "process_vm_writev", "ptrace",
    /* its per-architecture groups */
    "sync_file_range2", "swapcontext", "arm_fadvise64_64", "arm_sync_file_range", "breakpoint",
    "cacheflush", "set_tls", "arch_prctl", "modify_ldt", "s390_pci_mmio_read",
    "s390_pci_mmio_write", "s390_runtime_instr", "riscv_flush_icache", NULL};

/* moby's "includes caps" groups; a syscall in several has all their capabilities. */
const struct cr_seccomp_capped cr_seccomp_capped[] = {
    {"open_by_handle_at", CAP(CAP_DAC_READ_SEARCH)},
    {"bpf", CAP(CAP_SYS_ADMIN) | CAP(CAP_BPF)},
    {"perf_event_open", CAP(CAP_SYS_ADMIN) | CAP(CAP_PERFMON)},
    {"syslog", CAP(CAP_SYS_ADMIN) | CAP(CAP_SYSLOG)},
    {"fanotify_init", CAP(CAP_SYS_ADMIN)},
    {"fsconfig", CAP(CAP_SYS_ADMIN)},
    {"fsmount", CAP(CAP_SYS_ADMIN)},
    {"fsopen", CAP(CAP_SYS_ADMIN)},
    {"fspick", CAP(CAP_SYS_ADMIN)},
    {"lookup_dcookie", CAP(CAP_SYS_ADMIN)},
    {"mount", CAP(CAP_SYS_ADMIN)},
    {"mount_setattr", CAP(CAP_SYS_ADMIN)},
    {"move_mount", CAP(CAP_SYS_ADMIN)},
    {"open_tree", CAP(CAP_SYS_ADMIN)},
    {"quotactl", CAP(CAP_SYS_ADMIN)},
    {"quotactl_fd", CAP(CAP_SYS_ADMIN)},
    {"setdomainname", CAP(CAP_SYS_ADMIN)},
    {"sethostname", CAP(CAP_SYS_ADMIN)},
    {"setns", CAP(CAP_SYS_ADMIN)},
    {"umount", CAP(CAP_SYS_ADMIN)},
    {"umount2", CAP(CAP_SYS_ADMIN)},
    {"reboot", CAP(CAP_SYS_BOOT)},
    {"chroot", CAP(CAP_SYS_CHROOT)},
    {"delete_module", CAP(CAP_SYS_MODULE)},
    {"init_module", CAP(CAP_SYS_MODULE)},
    {"finit_module", CAP(CAP_SYS_MODULE)},
    {"acct", CAP(CAP_SYS_PACCT)},
    {"kcmp", CAP(CAP_SYS_PTRACE)},
    {"pidfd_getfd", CAP(CAP_SYS_PTRACE)},
    {"process_madvise", CAP(CAP_SYS_PTRACE)},
    {"iopl", CAP(CAP_SYS_RAWIO)},
    {"ioperm", CAP(CAP_SYS_RAWIO)},
    {"settimeofday", CAP(CAP_SYS_TIME)},
    {"stime", CAP(CAP_SYS_TIME)},
    {"clock_settime", CAP(CAP_SYS_TIME)},
    {"clock_settime64", CAP(CAP_SYS_TIME)},
    {"vhangup", CAP(CAP_SYS_TTY_CONFIG)},
    {"get_mempolicy", CAP(CAP_SYS_NICE)},
    {"mbind", CAP(CAP_SYS_NICE)},
    {"set_mempolicy", CAP(CAP_SYS_NICE)},
    {"set_mempolicy_home_node", CAP(CAP_SYS_NICE)},
    {NULL, 0},
};

const char *const cr_seccomp_refused[] = {
    /* loading and replacing kernels and modules */
    "kexec_load", "kexec_file_load", "create_module", "query_module", "get_kernel_syms",
    /* kernel interfaces a container has no business with; common exploit primitives */
    "userfaultfd", "keyctl", "add_key", "request_key", "io_uring_setup", "io_uring_enter",
    "io_uring_register",
    /* host-wide controls */
    "swapon", "swapoff", "adjtimex", "clock_adjtime", "clock_adjtime64", "pivot_root",
    "migrate_pages", "move_pages", "nfsservctl", "bdflush", "pciconfig_iobase", "pciconfig_read",
    "pciconfig_write",
    /* the mount tree beyond the container's root */
    "open_tree_attr", "listmount", "statmount",
    /* obsolete or never implemented */
    "uselib", "ustat", "sysfs", "_sysctl", "vm86", "vm86old", "afs_syscall", "getpmsg", "putpmsg",
    "security", "tuxcall", "vserver", NULL};

/* What bwrap, unshare(1), Chromium's sandbox or podman do as root of the user namespace they
 * make: mount their own tree, pivot into it, enter and name their namespaces. In the
 * container's own namespaces the kernel refuses them still (its bounding set has no
 * CAP_SYS_ADMIN); chroot is allowed already with the default SYS_CHROOT. */
const char *const cr_seccomp_nested[] = {"mount",	  "umount",	"umount2", "mount_setattr",
					 "move_mount",	  "open_tree",	"fsopen",  "fsconfig",
					 "fsmount",	  "fspick",	"setns",   "sethostname",
					 "setdomainname", "pivot_root", NULL};

const char *const cr_seccomp_by_args[] = {"clone",	 "clone3", "unshare",
					  "personality", "socket", NULL};

const char *const cr_seccomp_stricter[] = {"io_uring_setup",
					   "io_uring_enter",
					   "io_uring_register",
					   "adjtimex",
					   "clock_adjtime",
					   "clock_adjtime64",
					   NULL};

const struct cr_seccomp_number cr_seccomp_numbers[] = {
    {"io_uring_setup", 425},
    {"io_uring_enter", 426},
    {"io_uring_register", 427},
    {"open_tree", 428},
    {"move_mount", 429},
    {"fsopen", 430},
    {"fsconfig", 431},
    {"fsmount", 432},
    {"fspick", 433},
    {"pidfd_open", 434},
    {"clone3", 435},
    {"close_range", 436},
    {"openat2", 437},
    {"pidfd_getfd", 438},
    {"faccessat2", 439},
    {"process_madvise", 440},
    {"epoll_pwait2", 441},
    {"mount_setattr", 442},
    {"quotactl_fd", 443},
    {"landlock_create_ruleset", 444},
    {"landlock_add_rule", 445},
    {"landlock_restrict_self", 446},
    {"memfd_secret", 447},
    {"process_mrelease", 448},
    {"futex_waitv", 449},
    {"set_mempolicy_home_node", 450},
    {"statmount", 457},
    {"listmount", 458},
    {"open_tree_attr", 467},
    {NULL, 0},
};
