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
	CR_NET_HOST, /* the caller's network namespace */
	CR_NET_NONE, /* a new network namespace with only loopback */
};

enum cr_mount_kind {
	CR_MOUNT_BIND,	/* -v SRC:DST[:ro] */
	CR_MOUNT_TMPFS, /* --tmpfs DST */
};

/* One user-requested mount. */
struct cr_mount {
	enum cr_mount_kind kind;
	char *src; /* host path (bind), NULL for tmpfs */
	char *dst; /* absolute path inside the container */
	bool readonly;
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
	bool readonly_root;	/* --read-only */
	bool remove;		/* --rm */
	bool init;		/* --init (default): the init helper is PID 1; false: the command */
	int tty;		/* 1: -t, 0: no tty, -1: when stdin is a terminal */
	bool interactive;	/* -i (stdin is always passed; kept for compatibility) */
	bool trace;		/* --trace: print each kernel step */
	long long log_size_max; /* --log-size-max: log and log.1 together (bytes) */
	struct cr_security sec; /* capabilities, no_new_privs, seccomp */

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
};

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
