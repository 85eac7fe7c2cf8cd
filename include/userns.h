/* userns.h - the user namespace and its id maps.
 *
 * Two steps, kept apart: userns_resolve() decides the mapping (reading the
 * subordinate ranges through the idmap helper, which uses libsubid, and
 * checking newuidmap/newgidmap), and
 * userns_map_process() maps a namespace made by the keeper (keeper.c), which
 * holds it for every container.
 */
#ifndef CR_USERNS_H
#define CR_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

#define CR_IDMAP_MAX 340 /* lines the kernel accepts in uid_map since 4.15 */

struct cr_idrange {
	unsigned long start;
	unsigned long count;
};

struct cr_idmap_entry {
	unsigned long inside;
	unsigned long outside;
	unsigned long count;
};

struct cr_idmap {
	struct cr_idmap_entry e[CR_IDMAP_MAX];
	size_t n;
};

#define CR_IDMAP_NAME "conti-rootless-idmap"

/* The user's name and subordinate ranges, as the idmap helper prints them. */
struct cr_subids {
	char user[128];
	struct cr_idrange uid[CR_IDMAP_MAX], gid[CR_IDMAP_MAX];
	size_t nuid, ngid;
};

/* The mapping a container gets, decided before any namespace is made. */
struct cr_userns_plan {
	enum cr_uidmap_mode mode; /* SUBID or SINGLE, never AUTO */
	struct cr_idmap uid;
	struct cr_idmap gid;
	char newuidmap[256]; /* helper paths, subid mode only */
	char newgidmap[256];
	char subuid_line[128]; /* e.g. "alice:100000:65536", for error messages */
	char subgid_line[128];
};

/* Why unshare(CLONE_NEWUSER) may fail: the machine's settings, read by userns_read_env. */
struct cr_userns_env {
	long max_user_namespaces;      /* -1 unknown */
	int unprivileged_userns_clone; /* -1 absent (upstream kernels) */
	int apparmor_restrict;	       /* -1 absent */
	int seccomp_mode;	       /* Seccomp: of /proc/self/status, -1 unknown */
};

/* Builds the map 0 -> self (1 id), then 1.. -> the ranges in order (pure). */
void userns_compute_map(unsigned long self, const struct cr_idrange *ranges, size_t n,
			struct cr_idmap *out);

/* --userns=keep-id, one of uid or gid (pure): map gets the uid_map text of the nested user
 * namespace in which id `inside` is the keeper's 0 (you) and the keeper's ids 1..count fill
 * the rest from 0 up; fuse gets fuse-overlayfs's mapping (STORED:SHOWN:COUNT, ':'-joined)
 * that shows each rootfs file, stored with the keeper's ids, with the id it has in the
 * keeper's namespace, now inside the nested one (root-owned files stay root's). */
void userns_keepid_maps(unsigned long inside, unsigned long count, char *map, size_t mlen,
			char *fuse, size_t flen);

/* The ids the keeper's map covers beyond its 0 (you): the subordinate ones. */
unsigned long userns_map_extra(const struct cr_idmap *map);

/* True when inside id is mapped by map. */
bool userns_map_has(const struct cr_idmap *map, unsigned long inside);

/* net.ipv4.ping_group_range "L H" for a container whose gids map maps (through outer, the
 * keeper's map, when map is a nested one; NULL: map's outside ids are the host's): the kernel
 * keeps the range as host gids, so L and H are the mapped gids with the lowest and the highest
 * host gid, and every mapped gid falls in it ("0 65536" for the usual map); false when none. */
bool userns_ping_group_range(const struct cr_idmap *map, const struct cr_idmap *outer, char *buf,
			     size_t len);

/* Formats map as newuidmap arguments "0 1000 1 1 100000 65536". */
void userns_map_format(const struct cr_idmap *map, char *buf, size_t len);

/* Parses userns_map_format's text back into map (pure); -1 if it is not a map. */
int userns_map_parse(const char *text, struct cr_idmap *map);

#define CR_SUBID_COUNT 65536UL /* ids in the range a suggested usermod gives */

/* The first id after every range in the /etc/subuid and /etc/subgid texts given
 * (either may be NULL), and at least 100000: where a new user's range can start (pure). */
unsigned long userns_free_subid_start(const char *subuid, const char *subgid);

/* Formats "sudo usermod --add-subuids S-E --add-subgids S-E USER" with a range of
 * CR_SUBID_COUNT ids that no line of the texts given has (pure). */
void userns_format_subid_fix(const char *subuid, const char *subgid, const char *user, char *buf,
			     size_t len);

/* The same command for this machine's /etc/subuid and /etc/subgid (unreadable: none). */
void userns_subid_fix(const char *user, char *buf, size_t len);

/* Parses the idmap helper's output ("user NAME", "uid START COUNT", "gid START COUNT"
 * lines) into out (pure); -1 if it is malformed or names no user. */
int userns_parse_subids(const char *text, struct cr_subids *out);

/* Says why a helper at path cannot map ids (NULL when it can): setuid root or cap_setuid/gid. */
const char *userns_helper_problem(const char *path, bool gid);

/* Decides the mapping for mode; auto falls back to single with a one-line warning. */
int userns_resolve(enum cr_uidmap_mode mode, struct cr_userns_plan *plan, struct cr_error *err);

/* The maps (userns_map_format text) that userns_resolve(AUTO) gives now, with no
 * warning: what the user's own subordinate ranges are at this moment. */
int userns_current_maps(char *uidmap, size_t ulen, char *gidmap, size_t glen);

/* Maps the user namespace of process pid (just made, not yet mapped) as plan says:
 * with newuidmap/newgidmap (subid) or by writing its maps (single). */
int userns_map_process(const struct cr_userns_plan *plan, pid_t pid, bool trace,
		       struct cr_error *err);

/* Fills err with the cause of a failed unshare(CLONE_NEWUSER) on this machine. */
int userns_explain_errno(int errnum, struct cr_error *err);

/* Reads the sysctls and status fields that explain a refused user namespace. */
void userns_read_env(struct cr_userns_env *env);

/* Fills err with the cause of a failed unshare(CLONE_NEWUSER) and its fix (pure). */
int userns_explain(int errnum, const struct cr_userns_env *env, struct cr_error *err);

#endif
