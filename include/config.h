/* config.h - the container configuration: what to run and how.
 *
 * Filled today by command-line options (cli.c); meant to be filled by an OCI
 * config.json tomorrow. Nothing here depends on the machine: machine facts
 * (ids, paths, overlay support) are resolved later, in plan.c.
 */
#ifndef CR_CONFIG_H
#define CR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "security.h"

enum cr_uidmap_mode {
	CR_UIDMAP_AUTO,	  /* subordinate ranges when usable, else single */
	CR_UIDMAP_SUBID,  /* newuidmap/newgidmap with /etc/subuid, /etc/subgid */
	CR_UIDMAP_SINGLE, /* only the caller's own id, as root */
};

enum cr_userns_mode {
	CR_USERNS_HOST,	   /* the keeper's namespace: container root is you (podman's default) */
	CR_USERNS_KEEP_ID, /* a nested one: your uid and gid are the same inside, and the user */
};

enum cr_overlay_mode {
	CR_OVERLAY_AUTO,   /* kernel overlayfs, fuse-overlayfs where the kernel refuses */
	CR_OVERLAY_KERNEL, /* kernel overlayfs only */
	CR_OVERLAY_FUSE,   /* fuse-overlayfs only */
	CR_OVERLAY_NONE,   /* bind-mount the rootfs itself: writes go to it */
};

enum cr_net_mode {
	CR_NET_HOST,	/* the caller's network namespace */
	CR_NET_NONE,	/* a new network namespace with only loopback */
	CR_NET_PRIVATE, /* a new one with a NAT'd interface through a user-mode helper (net/net.h)
			 */
};

/* The user-mode network helper of a private network (podman's --network pasta|slirp4netns). */
enum cr_net_helper {
	CR_NETH_AUTO,	     /* pasta where installed, else slirp4netns */
	CR_NETH_PASTA,	     /* pasta (Debian: passt): keeps a client's source address */
	CR_NETH_SLIRP4NETNS, /* slirp4netns */
};

enum cr_port_proto {
	CR_PROTO_TCP = 1,
	CR_PROTO_UDP = 2,
};

/* One published port range (-p, --publish-all): host_ip:host_port.. -> container ctr_port.. */
struct cr_port {
	char host_ip[48];	  /* "" : every address of the host (podman's default) */
	unsigned short host_port; /* the first host port; 0: a free one, chosen at each start */
	unsigned short ctr_port;  /* the first container port */
	unsigned short count;	  /* ports in the range, 1 for one */
	unsigned char proto;	  /* CR_PROTO_TCP or CR_PROTO_UDP (one entry per protocol) */
};

enum cr_mount_kind {
	CR_MOUNT_BIND,	/* -v SRC:DST[:ro] */
	CR_MOUNT_TMPFS, /* --tmpfs DST */
	CR_MOUNT_FS,	/* OCI config.json: any type, its options split into flags and data */
};

/* One user-requested mount. */
struct cr_mount {
	enum cr_mount_kind kind;
	char *src; /* host path (bind), NULL for tmpfs; the fs source (CR_MOUNT_FS) */
	char *dst; /* absolute path inside the container */
	bool readonly;
	/* CR_MOUNT_FS (a bind from config.json is CR_MOUNT_FS of fstype "bind" too): */
	char *fstype;		   /* "proc", "tmpfs", "bind", "sysfs", "cgroup", ... */
	char *data;		   /* the options the kernel takes as mount data, "" if none */
	unsigned long flags;	   /* MS_* of the options (MS_BIND|MS_REC for rbind, MS_RDONLY..) */
	unsigned long clear_flags; /* MS_* an option turns off (rw, suid, dev, exec, atime..) */
	unsigned long propagation; /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (|MS_REC), 0 */
};

/* A namespace of an OCI container: new, or joined by path (engines share them in a pod). */
struct cr_namespace {
	unsigned long type; /* CLONE_NEWUSER, CLONE_NEWNS, ... CLONE_NEWCGROUP, CLONE_NEWTIME */
	char *path;	    /* join this one (/proc/PID/ns/net, a bind-mounted handle); NULL: new */
};

/* A device node an OCI config asks for (linux.devices). */
struct cr_device {
	char *path; /* inside the container */
	char type;  /* 'c', 'b', 'p' (fifo), 'u' (unbuffered char) */
	unsigned long major, minor;
	unsigned mode; /* permission bits, 0666 when not given */
	uid_t uid;
	gid_t gid;
};

/* A resource limit (process.rlimits). */
struct cr_rlimit {
	int resource; /* RLIMIT_* */
	unsigned long long soft, hard;
};

/* Limits that need a cgroup (--memory, --cpus, ...; OCI linux.resources): what the user
 * asked for, in the kernel's units; 0 (or CR_RES_UNSET) is "not given". cgroup/limits.h
 * turns them into cgroup v2 file writes. */
#define CR_RES_UNLIMITED (-1LL) /* "max": --memory-swap -1, --pids-limit -1 or 0 */
struct cr_resources {
	long long memory;	      /* --memory: memory.max bytes; 0: not given */
	long long memory_swap;	      /* --memory-swap: memory+swap bytes (docker's sense), -1:
					 unlimited; 0: not given (then swap = memory, as docker) */
	long long memory_reservation; /* --memory-reservation: memory.low bytes; 0: not given */
	long long cpu_quota;	      /* --cpus N: N * cpu_period µs per period; 0: not given */
	long long cpu_period;	      /* µs; 0: 100000 */
	unsigned cpu_weight;  /* --cpu-weight 1..10000, or from --cpu-shares; 0: not given */
	long long pids_limit; /* --pids-limit N (>0), -1: unlimited; 0: not given (default) */
	unsigned io_weight;   /* --io-weight 1..10000 (io.weight "default N"); 0: not given */
};

/* A growable array of strings. */
struct cr_strv {
	char **v;
	size_t n;
};

struct cr_config {
	char *name;	     /* container name, NULL: generated */
	char *rootfs;	     /* host directory of the root filesystem */
	struct cr_strv args; /* command and arguments; empty: /bin/sh */
	struct cr_strv env;  /* KEY=VAL from -e and --env-file, in order */
	char *cwd;	     /* working directory inside, NULL: / */
	char *hostname;	     /* NULL: the container's name */
	bool user_set;	     /* -u given (or keep-id's default user) */
	char *user;	     /* -u as given: NAME|UID[:GROUP|GID], resolved inside (user.h) */
	uid_t uid;	     /* inside the container, when -u is numeric */
	gid_t gid;
	struct cr_mount *mounts;
	size_t nmounts;
	enum cr_uidmap_mode uidmap;
	enum cr_userns_mode userns;
	long keepid_uid; /* keep-id:uid=N,gid=N: your ids inside; -1: the same as outside */
	long keepid_gid;
	enum cr_overlay_mode overlay;
	enum cr_net_mode net;
	enum cr_net_helper net_helper; /* --net private|pasta|slirp4netns */
	bool net_host_loopback;	       /* :allow_host_loopback=true: the gateway is the host's lo */
	struct cr_port *ports;	       /* -p, and --publish-all's (the image's ExposedPorts) */
	size_t nports;
	bool publish_all;	/* -P: every exposed port on a free host port */
	bool readonly_root;	/* --read-only */
	bool remove;		/* --rm */
	bool init;		/* --init (default): the init helper is PID 1; false: the command */
	int tty;		/* 1: -t, 0: no tty, -1: when stdin is a terminal */
	bool interactive;	/* -i (stdin is always passed; kept for compatibility) */
	bool trace;		/* --trace: print each kernel step */
	long long log_size_max; /* --log-size-max: log and log.1 together (bytes) */
	struct cr_security sec; /* capabilities, no_new_privs, seccomp */

	/* Limits (#16). A cgroup of the container's own, under the user's delegated cgroup v2
	 * subtree (cgroup/cgroup.h), holds it when the host has one; cgroups=false (
	 * --cgroups=disabled) never makes one. A limit given where it cannot be applied is an
	 * error; the default pids limit applies only where the pids controller is delegated. */
	struct cr_resources res;
	bool cgroups;	    /* --cgroups enabled (default) | disabled */
	long long shm_size; /* --shm-size: /dev/shm's tmpfs size, bytes (default 64m) */
	long long tmp_size; /* the default /tmp tmpfs's size, bytes (CR_TMP_SIZE_DEFAULT) */

	/* The container's /etc/resolv.conf and /etc/hosts (netfiles.h) */
	struct cr_strv dns;	   /* --dns IP: replace the host's nameservers */
	struct cr_strv dns_search; /* --dns-search DOMAIN ("." alone: no search line) */
	struct cr_strv dns_opts;   /* --dns-option OPT: replace the host's options */
	struct cr_strv add_hosts;  /* --add-host NAME:IP, checked */
	bool no_hosts;		   /* --no-hosts: the rootfs's own /etc/hosts */

	/* A container made from an image (rootfs empty): its layers are the overlay's lower
	 * dirs, DATA/images/layers/HEX (image/lookup.h); an image record has these too. */
	char *image;		   /* the image's ID (64 hex), NULL: a directory rootfs */
	char *image_name;	   /* what ps and inspect show: the normalized name, or the
				      transport form typed (oci:DIR) */
	struct cr_strv layers;	   /* diff_id hexes, base first */
	struct cr_strv entrypoint; /* the image's Entrypoint (kept for inspect) */
	bool entrypoint_set;	   /* --entrypoint given (entrypoint holds it; '' clears) */
	char *stop_signal;	   /* the image's StopSignal ("SIGQUIT", "3"), NULL: SIGTERM */
	struct cr_strv labels;	   /* K=V */
	struct cr_strv expose;	   /* PORT/PROTO */
	int pull;		   /* --pull: enum cr_pull_policy (run, create; not kept) */

	/* An OCI container (src/oci/, config.json): the fields below are set from its bundle
	 * and the user CLI leaves them empty. With oci, mounts is the whole mount list (the
	 * plan adds no /proc, /dev, /sys, /tmp, masks or net files of its own: config.json
	 * says them; it adds only the default devices the runtime spec requires), the rootfs
	 * is bound as it is (no overlay), and the namespaces are the ones listed. */
	bool oci;
	struct cr_namespace *namespaces;
	size_t nnamespaces;
	char *uid_map; /* a new user namespace's uid_map text ("0 1000 1\n..."), NULL: none */
	char *gid_map;
	char *domainname;
	struct cr_strv masked_paths;   /* linux.maskedPaths */
	struct cr_strv readonly_paths; /* linux.readonlyPaths */
	struct cr_strv sysctl;	       /* KEY=VALUE (linux.sysctl) */
	struct cr_device *devices;
	size_t ndevices;
	unsigned long rootfs_propagation; /* MS_SHARED|MS_REC, ...; 0: MS_PRIVATE|MS_REC */
	gid_t *additional_gids;		  /* process.user.additionalGids */
	size_t nadditional_gids;
	int umask; /* process.user.umask, -1: unset (0022 inherited) */
	bool oom_score_adj_set;
	int oom_score_adj;
	struct cr_rlimit *rlimits; /* process.rlimits; the user CLI's --ulimit too */
	size_t nrlimits;
	char *apparmor_profile; /* refused when set (no AppArmor support), kept for the message */
};

#define CR_SHM_SIZE_DEFAULT (64LL << 20)  /* docker's and podman's /dev/shm */
#define CR_TMP_SIZE_DEFAULT (512LL << 20) /* the default /tmp tmpfs, not half of RAM */
#define CR_PIDS_LIMIT_DEFAULT 2048	  /* podman's */

enum cr_pull_policy {
	CR_PULL_MISSING, /* pull when the store has no such image (default) */
	CR_PULL_ALWAYS,	 /* pull every time (cheap when the blobs are there) */
	CR_PULL_NEVER,	 /* only the store */
};

/* Sets every field to its default. */
void config_init(struct cr_config *cfg);
/* Frees everything config_init and the parsers allocated. */
void config_free(struct cr_config *cfg);

/* Appends a copy of s to v. */
void strv_push(struct cr_strv *v, const char *s);
/* Frees the strings and the array; leaves v empty. */
void strv_free(struct cr_strv *v);

/* Appends a mount to cfg (copies the strings). */
void config_add_mount(struct cr_config *cfg, enum cr_mount_kind kind, const char *src,
		      const char *dst, bool readonly);

/* Reads --tmpfs's OPTS ("size=64m,mode=755,ro,noexec,uid=N,gid=N,nr_inodes=N") into the
 * tmpfs mount m: the kernel's data in m->data ("mode=1777" first unless given, sizes in
 * bytes), ro in m->readonly, noexec as MS_NOEXEC in m->flags; one line naming a bad one. */
int config_tmpfs_options(struct cr_mount *m, const char *opts, struct cr_error *err);

/* Appends "key=value\n" to *buf (length *len), '\\' and newlines in value escaped: the one
 * writer of config and record lines (the image helper writes records with it). */
void config_put_line(char **buf, size_t *len, const char *key, const char *value);

/* Writes cfg as "key=value" lines (values escaped), to be kept with the container. */
char *config_serialize(const struct cr_config *cfg);

/* Reads config_serialize's text into cfg (config_init'ed by the caller); -1 if damaged
 * (no name, or neither a rootfs nor an image with layers). */
int config_parse(const char *text, struct cr_config *cfg);

/* Reads an image record (DATA/images/records/ID, same syntax) into rec (config_init'ed by
 * the caller); -1 if damaged (no image= line, a layer that is not 64 hex). An image of no
 * layer parses: run refuses it by name (image/lookup.h). */
int config_parse_record(const char *text, struct cr_config *rec);

#endif
