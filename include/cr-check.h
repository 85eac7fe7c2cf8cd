/* cr-check.h - 'conti-rootless check': can `run` work on this machine, and the fix if not.
 *
 * (Not named check.h: unit tests include libcheck's <check.h>, and include/ comes
 * first on their include path.)
 *
 * Each check is one function in a table (check.c); it looks at one thing (the
 * kernel, user namespaces, the id-mapping helpers, the subordinate ids, the
 * runtime and data dirs, overlayfs, fuse-overlayfs, cgroups, /dev/net/tun, the network
 * helpers, the default network) and fills one
 * result: ok, warn or FAIL, what it found and, when not ok, the command or file
 * line that fixes it. Probes that need a user namespace run in a throwaway
 * child and leave nothing behind.
 */
#ifndef CR_CHECK_H
#define CR_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum cr_check_status {
	CR_CHECK_OK,
	CR_CHECK_WARN, /* run works, but not fully (a fallback, or an option needs it) */
	CR_CHECK_FAIL, /* run cannot work here until it is fixed */
};

struct cr_check_result {
	const char *name;
	enum cr_check_status status;
	char found[512]; /* what was found, one line */
	char fix[512];	 /* the command or file line that fixes it; "" when ok */
};

/* Runs every check and prints one line per check (or, with json, one JSON object)
 * on out; returns 0 when `run` will work here, 1 otherwise. */
int check_run(bool json, FILE *out);

/* Whether a data dir with bytes and inodes free (of inodes_total; 0: the file system does not
 * count them) can take writable layers: FAIL under 256 MiB or 1000 inodes, WARN under 2 GiB
 * or 1% of the inodes (pure). */
enum cr_check_status check_space_status(unsigned long long bytes, unsigned long long inodes,
					unsigned long long inodes_total);

/* "ok", "warn" or "FAIL". */
const char *check_status_name(enum cr_check_status status);

/* Reads MAJOR.MINOR from a kernel release ("5.10.0-21-amd64"); -1 if it has none (pure). */
int check_parse_kernel(const char *release, unsigned *major, unsigned *minor);

/* True when release is MAJOR.MINOR or later; false when it cannot be read (pure). */
bool check_kernel_at_least(const char *release, unsigned major, unsigned minor);

/* Formats r as its output line, without newline: "FAIL  subids  FOUND; fix: FIX" (pure). */
void check_format_line(const struct cr_check_result *r, char *buf, size_t len);

/* Prints {"ok":...,"checks":[{"name":..,"status":..,"found":..,"fix":..|null},...]} and a
 * newline on out; ok is true when no result is FAIL (pure but for the stream). */
void check_print_json(const struct cr_check_result *results, size_t n, FILE *out);

/* The tun device the helpers of --net private open (net/net.h). */
#define CHECK_TUN_PATH "/dev/net/tun"

struct stat;
/* The tun line for path: st its stat (NULL: missing), open_errno what open(O_RDWR) gave (0: it
 * opened); ok when it opens, else warn with the fix (chmod 0666 and a udev rule, or modprobe)
 * (pure). */
void check_tun_report(const char *path, const struct stat *st, int open_errno,
		      struct cr_check_result *r);

/* Stats and opens the tun device at path (CHECK_TUN_PATH but in tests) and reports it. */
void check_tun_at(const char *path, struct cr_check_result *r);

/* The net-helper line: the paths of pasta and slirp4netns ("" when missing) and the first line
 * of their --version; which one --net private uses, the fix when none is there (pure). */
void check_net_helpers_report(const char *pasta, const char *pasta_version, const char *slirp,
			      const char *slirp_version, struct cr_check_result *r);

struct cr_cgroup_host;
/* The cgroup line for h (cgroup/cgroup.h): which mode (v2, hybrid, v1 only), the delegated
 * subtree and its controllers, which cgroup v1 holds; ok when cpu, memory, pids and io are
 * all delegated and the mount has nsdelegate, else warn with the fix (the Delegate=
 * drop-in, and on v1 the kernel command line first; the remount) (pure). */
void check_cgroup_report(const struct cr_cgroup_host *h, bool nsdelegate,
			 struct cr_check_result *r);

#endif
