/* terminfo.h - the TERM a container with a pseudo-terminal gets.
 *
 * The caller's TERM only when the container's tree has a terminfo entry for it (in
 * /etc/terminfo, /lib/terminfo or /usr/share/terminfo, under the name's first letter or its
 * hex code, as ncurses looks), else xterm, as podman sets it. Entries are looked up inside
 * the tree only (openat2 RESOLVE_IN_ROOT, no /proc magic links): a symlink in the rootfs
 * never leads the lookup to the host's files.
 */
#ifndef CR_TERMINFO_H
#define CR_TERMINFO_H

#include <stdbool.h>
#include <stddef.h>

/* The TERM given when the caller's is unknown inside (or unset). */
#define CR_TERM_DEFAULT "xterm"

/* True when the tree at root_fd (a directory fd) has a terminfo entry for name (a regular
 * file); a name with '/' or no name is never known. */
bool terminfo_known(int root_fd, const char *name);

/* host_term when one of the n trees knows it (roots < 0 are skipped), else CR_TERM_DEFAULT. */
const char *terminfo_choose(const int *roots, size_t n, const char *host_term);

/* terminfo_choose for the host paths of the trees (NULL ones skipped). */
const char *terminfo_choose_paths(const char *const *paths, size_t n, const char *host_term);

#endif
