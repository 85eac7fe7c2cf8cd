/* env.h - the container's environment: defaults, -e, --env-file. Pure. */
#ifndef CR_ENV_H
#define CR_ENV_H

#include "config.h"
#include "error.h"

/* The PATH a container gets unless -e PATH=... is given. */
#define CR_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Adds "KEY=VAL" to env; "KEY" alone takes the caller's value (skipped if unset). */
int env_add_option(struct cr_strv *env, const char *arg, struct cr_error *err);

/* The largest env file read (docker has no limit; 1 MiB is far more than any environment,
 * whose strings the kernel caps at 2 MiB with the arguments). */
#define CR_ENV_FILE_MAX (1024 * 1024)

/* Adds the KEY=VAL lines of an env file (blank lines and # comments skipped); the file must
 * be a regular file of at most CR_ENV_FILE_MAX bytes (a FIFO, a device such as /dev/zero, a
 * directory is refused before anything is read). */
int env_add_file(struct cr_strv *env, const char *path, struct cr_error *err);

/* Adds the KEY=VAL lines of text (len bytes, named name in errors), as env_add_file. */
int env_add_text(struct cr_strv *env, const char *text, size_t len, const char *name,
		 struct cr_error *err);

/* Builds the full environment: PATH, HOME, TERM (with a tty), HOSTNAME,
 * container=conti-rootless, then the user's entries, later ones winning. */
void env_build(const struct cr_config *cfg, const char *hostname, const char *term,
	       struct cr_strv *out);

/* Sets KEY=VAL in env, replacing an existing KEY. */
void env_set(struct cr_strv *env, const char *entry);

/* True when env sets key (KEY=...). */
bool env_has(const struct cr_strv *env, const char *key);

#endif
