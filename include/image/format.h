/* image/format.h - how the image commands print sizes and times, as docker does. Pure. */
#ifndef CR_IMAGE_FORMAT_H
#define CR_IMAGE_FORMAT_H

#include <stddef.h>

#include "error.h"

/* docker's size (go-units HumanSizeWithPrecision, 3 digits, powers of 1000): "0B", "512B",
 * "4.26MB", "77.8MB", "1.2GB". */
void image_human_size(unsigned long long bytes, char *buf, size_t len);

/* Seconds since the epoch of an RFC 3339 time ("2026-11-24T01:29:33.805865492Z",
 * "...+02:00"); 0 when it is not one. */
long long image_parse_time(const char *s);

/* Splits a store name ("docker.io/library/debian:12", "x/y@sha256:HEX") into repository
 * and tag ("<none>" for a digest name) as `images` shows them, and the digest ("" or
 * "sha256:HEX"). */
void image_split_name(const char *name, char *repo, size_t rlen, char *tag, size_t tlen,
		      char *digest, size_t dlen);

/* Fails as a command's unknown or incomplete option ARG: "CMD: unknown or incomplete option
 * ARG", its synopsis (what follows "conti-rootless CMD") as the hint. Always -1. */
int image_bad_option(const char *cmd, const char *arg, const char *synopsis, struct cr_error *err);

#endif
