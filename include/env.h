/* env.h - the container's environment: defaults, -e, --env-file. Pure. */
#ifndef CR_ENV_H
#define CR_ENV_H

#include "config.h"
#include "error.h"

/* The PATH a container gets unless -e PATH=... is given. */
#define CR_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Adds "KEY=VAL" to env; "KEY" alone takes the caller's value (skipped if unset). */
int env_add_option(struct cr_strv *env, const char *arg, struct cr_error *err);

/* Adds the KEY=VAL lines of an env file (blank lines and # comments skipped). */
int env_add_file(struct cr_strv *env, const char *path, struct cr_error *err);

/* Builds the full environment: PATH, HOME, TERM (with a tty), HOSTNAME,
 * container=conti-rootless, then the user's entries, later ones winning. */
void env_build(const struct cr_config *cfg, const char *hostname, const char *term,
	       struct cr_strv *out);

/* Sets KEY=VAL in env, replacing an existing KEY. */
void env_set(struct cr_strv *env, const char *entry);

#endif
