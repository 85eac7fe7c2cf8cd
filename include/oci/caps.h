/* oci/caps.h - process.capabilities: names through libcap into the five sets. */
#ifndef CR_OCI_CAPS_H
#define CR_OCI_CAPS_H

#include <stdint.h>

#include "error.h"
#include "security.h"

struct json_object;

/* Fills sec's five sets (cap_sets true) from a capabilities object; an unknown name fails
 * naming it; a name this kernel lacks is dropped (as runc does), not refused. caps NULL
 * (config.json has no process.capabilities): every set empty, as runc 1.1.5 does. */
int oci_caps_parse(struct json_object *caps, struct cr_security *sec, struct cr_error *err);

#endif
