/* image/commands.h - the commands of the image helper (conti-rootless-image) and the steps it
 * runs as root in the tool's user namespace.
 *
 * A command gets argv from its command word on (argv[0] = "pull", "images", ...) and
 * returns its exit status (0, or 1 for docker's "conflict" refusals), or -1 with err filled
 * (printed as one line, exit err->status). A step (`--userns-step OP ARGS`) runs inside the
 * user namespace as root, started by image_userns_step.
 */
#ifndef CR_IMAGE_COMMANDS_H
#define CR_IMAGE_COMMANDS_H

#include "error.h"

/* pull [-q] SOURCE: copies an image into the store, printing its id. */
int image_cmd_pull(int argc, char **argv, struct cr_error *err);

/* images [-a] [-q] [--no-trunc] [--digests] [--format F] [REF]: lists the images. */
int image_cmd_images(int argc, char **argv, struct cr_error *err);

/* image inspect IMAGE...: a JSON array describing each image. */
int image_cmd_inspect(int argc, char **argv, struct cr_error *err);

/* tag SOURCE TARGET: gives image SOURCE the name TARGET. */
int image_cmd_tag(int argc, char **argv, struct cr_error *err);

/* rmi [-f] IMAGE...: untags and deletes images and what only they use. */
int image_cmd_rmi(int argc, char **argv, struct cr_error *err);

/* image prune [-a] [-f]: deletes dangling (with -a: unused) images. */
int image_cmd_prune(int argc, char **argv, struct cr_error *err);

/* system df [-v]: what images and containers use on disk. */
int image_cmd_df(int argc, char **argv, struct cr_error *err);

/* commit [-c INSTR]... [-m MSG] [-a AUTHOR] [-p] CONTAINER [IMAGE]: a container's writable
 * layer (and its directory rootfs) as a new image, printing its id. */
int image_cmd_commit(int argc, char **argv, struct cr_error *err);

/* save [-o FILE] [--format docker-archive|oci-archive] IMAGE: an image as an archive. */
int image_cmd_save(int argc, char **argv, struct cr_error *err);

/* import [-c INSTR]... [-m MSG] FILE|DIR|- [IMAGE]: a rootfs as a one-layer image. */
int image_cmd_import(int argc, char **argv, struct cr_error *err);

/* load [-q] [-i FILE]: a docker-archive or oci-archive into the store. */
int image_cmd_load(int argc, char **argv, struct cr_error *err);

/* Step unpack DIGEST_HEX DIFF_ID_HEX STORE_ROOT: unpacks blob DIGEST into layers/DIFF_ID. */
int image_step_unpack(int argc, char **argv, struct cr_error *err);

/* Step rm STORE_ROOT REL...: removes layers/HEX or layers/.tmp-* dirs of the store. */
int image_step_rm(int argc, char **argv, struct cr_error *err);

/* Step du PATH...: prints the bytes the files beneath each dir hold, one line each. */
int image_step_du(int argc, char **argv, struct cr_error *err);

#endif
