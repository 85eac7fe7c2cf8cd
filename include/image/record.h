/* image/record.h - an image's record (DATA/images/records/ID) applied to a container's
 * configuration, as docker applies an image config to `docker run`'s options.
 *
 * The record has the syntax of a container configuration (config.h): image=, layer= (base
 * first), entrypoint=, arg= (Cmd), env=, cwd=, user=, stop_signal=, label=, expose=. Pure: no
 * system call, so every rule is unit-tested.
 */
#ifndef CR_IMAGE_RECORD_H
#define CR_IMAGE_RECORD_H

#include "config.h"
#include "error.h"

/* Merges rec into cfg, the options winning: the image's Env first, each -e replacing its key;
 * the command is Entrypoint + (cfg's args if given, else Cmd), or with --entrypoint
 * (cfg->entrypoint_set) that entrypoint + cfg's args only; -w beats WorkingDir, -u beats
 * User; the image's id, layers, stop signal, labels and ports are copied. No command at all:
 * fails (125) saying to give one. */
int image_apply_record(struct cr_config *cfg, const struct cr_config *rec, struct cr_error *err);

#endif
