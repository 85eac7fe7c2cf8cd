/* oci/seccomp.h - linux.seccomp (the OCI profile podman and containerd pass) compiled with
 * libseccomp at run time into a BPF program that security_apply loads. */
#ifndef CR_OCI_SECCOMP_H
#define CR_OCI_SECCOMP_H

#include "error.h"
#include "security.h"

struct json_object;

/* Compiles the profile into sec->filter/filter_len/filter_flags (sec->seccomp false: the
 * default filter is not loaded); -1 naming an unknown action, operator, architecture or
 * flag. A syscall name this libseccomp does not know is skipped, as runc and crun do.
 * seccomp NULL, or no defaultAction and no syscalls: no filter at all (as runc). */
int oci_seccomp_compile(struct json_object *seccomp, struct cr_security *sec, struct cr_error *err);

#endif
