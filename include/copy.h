/* copy.h - cp: files and directories between the host and a running or stopped
 * container, container paths resolved inside its root only (openat2 RESOLVE_IN_ROOT, no
 * magic links), every entry below them opened without following a symbolic link. */
#ifndef CR_COPY_H
#define CR_COPY_H

#include <stdbool.h>

#include "error.h"

/* What `cp SRC DEST` asks for. */
struct cr_copy_spec {
	char *name;  /* the container */
	char *cpath; /* the path in it, absolute */
	char *hpath; /* the host path */
	bool into;   /* host -> container */
};

/* Parses SRC and DEST (exactly one of them NAME:PATH, docker's rules: an argument that
 * starts with / or . is a host path); pure. */
int copy_parse_args(const char *src, const char *dst, struct cr_copy_spec *c, struct cr_error *err);

/* Frees what copy_parse_args allocated. */
void copy_spec_free(struct cr_copy_spec *c);

/* cp [-L] SRC DEST: copies, into the container as its root (you on the host), out of it as
 * you; follow: a symbolic link given as SRC is followed (else copied as a link). */
int copy_run(const char *src, const char *dst, bool follow, struct cr_error *err);

#endif
