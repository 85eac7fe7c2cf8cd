/* seccomp-policy.c - the syscalls the default seccomp filter refuses. */
#include <stddef.h>

#include "seccomp-policy.h"

const char *const cr_seccomp_refused[] = {
    /* loading and replacing kernels and modules */
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "create_module", "query_module", "get_kernel_syms",
    /* kernel interfaces a container has no business with */
    "bpf", "perf_event_open", "userfaultfd", "open_by_handle_at", "lookup_dcookie", "keyctl",
    "add_key", "request_key", "acct", "swapon", "swapoff", "reboot", "settimeofday",
    "clock_settime", "clock_adjtime", "adjtimex", "syslog", "quotactl", "iopl", "ioperm", "uselib",
    "nfsservctl", "vm86", "vm86old", "ustat", "sysfs", "_sysctl", "fsopen", "fsconfig", "fsmount",
    "fspick", "move_mount", "open_tree", "mount_setattr", NULL};
