/* utils.h - small helpers shared by every module: cleanup attributes,
 * allocation, file and directory operations. */
#ifndef CR_UTILS_H
#define CR_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Frees *p when the variable leaves scope. */
void cr_freep(void *p);
/* Closes *fd (if >= 0) when the variable leaves scope, keeping errno. */
void cr_closep(int *fd);

/* Closes every descriptor above 2 but the n in keep; only_inherited: only those that are
 * not close-on-exec (what a caller left open to us, where all of ours are). */
void cr_close_fds(const int *keep, size_t n, bool only_inherited);

#define cleanup_free __attribute__((cleanup(cr_freep)))
#define cleanup_close __attribute__((cleanup(cr_closep)))

/* Returns p, or aborts on allocation failure (memory exhaustion is fatal). */
void *cr_xmalloc(size_t n);
/* Like cr_xmalloc, zeroed. */
void *cr_xcalloc(size_t n, size_t size);
/* Like realloc, aborting on failure. */
void *cr_xrealloc(void *p, size_t n);
/* strdup that aborts on failure; NULL stays NULL. */
char *cr_xstrdup(const char *s);
/* asprintf that aborts on failure and returns the string. */
char *cr_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes all of buf to path (O_WRONLY|O_TRUNC, no create unless mode != 0). */
int cr_write_file(const char *path, const char *buf, size_t len, mode_t mode, struct cr_error *err);
/* Reads up to len-1 bytes of path into buf, NUL-terminated; returns bytes read or -1. */
ssize_t cr_read_file(const char *path, char *buf, size_t len, struct cr_error *err);

/* Creates path and its missing parents with mode; an existing directory is fine. */
int cr_mkdir_p(const char *path, mode_t mode, struct cr_error *err);

/* Removes path recursively, never following symlinks or crossing mount points;
 * directories without write/search permission are chmod'ed first. Any depth and width in
 * constant stack and two descriptors; what another remover deleted first is no error. */
int cr_rm_rf(const char *path, struct cr_error *err);

/* cr_rm_rf of name beneath the open directory dirfd: no component above name is resolved
 * by path again, so a directory swapped for a symlink meanwhile cannot redirect it. */
int cr_rm_rf_at(int dirfd, const char *name, struct cr_error *err);

/* Writes all of buf to fd, retrying on EINTR and short writes and waiting while a
 * non-blocking fd is full; 0 or -1 with errno. */
int cr_write_all(int fd, const void *buf, size_t len);
/* Reads exactly len bytes from fd; returns len, 0 on EOF before any byte, -1 on error. */
ssize_t cr_read_all(int fd, void *buf, size_t len);

/* What statx says of dirfd/name (not following a last symlink): its mount's id (0 when the
 * kernel cannot tell) and whether it is the root of a mount; either pointer may be NULL. */
int cr_mount_info_at(int dirfd, const char *name, unsigned long long *mnt_id, bool *is_root);

/* Monotonic time in nanoseconds. */
unsigned long long cr_now_ns(void);

/* True when s is a decimal number that fits in unsigned long; stores it in *out. */
bool cr_parse_ulong(const char *s, unsigned long *out);

/* Sends buf as one message on the unix socket sock, with fd (SCM_RIGHTS) unless it is -1;
 * 0 or -1 with errno. */
int cr_send_msg(int sock, const void *buf, size_t len, int fd);

/* Receives one message from sock into buf; a passed descriptor lands in *fd (else -1).
 * Returns the bytes received (0 at end of stream) or -1 with errno. */
ssize_t cr_recv_msg(int sock, void *buf, size_t len, int *fd);

/* Writes the path of a helper program into path: next to the front end in a build tree
 * (helpers/NAME), else in the install's libexec dir. */
int cr_find_helper(const char *name, char *path, size_t len, struct cr_error *err);

/* Opens the helper program cr_find_helper finds (O_PATH), for execveat. */
int cr_open_helper(const char *name, struct cr_error *err);

/* A sealed in-memory copy of the helper opened as fd (O_PATH is fine), to execveat: the
 * container may look at /proc/PID/exe of the process before it makes itself
 * non-dumpable, and must find this copy there, never a handle on the host's file. */
int cr_sealed_copy(int fd, const char *name, struct cr_error *err);

/* Finds an executable prog in $PATH (default /usr/bin:/bin); its path goes to out. */
bool cr_find_on_path(const char *prog, char *out, size_t len);

struct open_how;
/* openat2(2), retried while the kernel says EAGAIN: a path with ".." under RESOLVE_IN_ROOT or
 * RESOLVE_BENEATH fails so whenever any rename or mount happened on the machine during the
 * lookup, and the kernel's answer is to try again. */
int cr_openat2(int dirfd, const char *path, const struct open_how *how);

#endif
