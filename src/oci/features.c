/* features.c - `features`: the runtime-spec features document, what this runtime supports,
 * for engines to ask (podman and containerd read it). Every list is what the parsers here
 * accept: the mount options of spec.c, the hooks of hooks.c, the namespaces create makes,
 * the capability names libcap knows on this kernel, the seccomp actions, operators and
 * flags seccomp.c compiles and the architectures this libseccomp can add to a filter for
 * this machine. */
#include <errno.h>
#include <json-c/json.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cr-build-config.h"
#include "oci/runtime.h"
#include "utils.h"

static struct json_object *strings(const char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

#define STRINGS(v) strings(v, sizeof(v) / sizeof(v[0]))

static const char *const hooks[] = {"prestart",	      "createRuntime", "createContainer",
				    "startContainer", "poststart",     "poststop"};

/* spec.c's flags and propagations (sorted as runc lists them) */
static const char *const mount_options[] = {
    "async",	"atime",      "bind",	       "defaults", "dev",	  "diratime",
    "dirsync",	"exec",	      "iversion",      "lazytime", "loud",	  "mand",
    "noatime",	"nodev",      "nodiratime",    "noexec",   "noiversion",  "nolazytime",
    "nomand",	"norelatime", "nostrictatime", "nosuid",   "private",	  "rbind",
    "relatime", "ro",	      "rprivate",      "rshared",  "rslave",	  "runbindable",
    "rw",	"shared",     "silent",	       "slave",	   "strictatime", "suid",
    "sync",	"unbindable",
};

static const char *const namespaces[] = {"cgroup", "ipc",  "mount", "network",
					 "pid",	   "time", "user",  "uts"};

static const char *const seccomp_actions[] = {
    "SCMP_ACT_ALLOW",	    "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",	"SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",   "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
};

static const char *const seccomp_operators[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",	"SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_NE", "SCMP_CMP_MASKED_EQ",
};

/* The OCI name of each architecture, and libseccomp's */
static const struct {
	const char *oci, *scmp;
} archs[] = {
    {"SCMP_ARCH_AARCH64", "aarch64"},
    {"SCMP_ARCH_ARM", "arm"},
    {"SCMP_ARCH_LOONGARCH64", "loongarch64"},
    {"SCMP_ARCH_M68K", "m68k"},
    {"SCMP_ARCH_MIPS", "mips"},
    {"SCMP_ARCH_MIPS64", "mips64"},
    {"SCMP_ARCH_MIPS64N32", "mips64n32"},
    {"SCMP_ARCH_MIPSEL", "mipsel"},
    {"SCMP_ARCH_MIPSEL64", "mipsel64"},
    {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32"},
    {"SCMP_ARCH_PARISC", "parisc"},
    {"SCMP_ARCH_PARISC64", "parisc64"},
    {"SCMP_ARCH_PPC", "ppc"},
    {"SCMP_ARCH_PPC64", "ppc64"},
    {"SCMP_ARCH_PPC64LE", "ppc64le"},
    {"SCMP_ARCH_RISCV64", "riscv64"},
    {"SCMP_ARCH_S390", "s390"},
    {"SCMP_ARCH_S390X", "s390x"},
    {"SCMP_ARCH_SH", "sh"},
    {"SCMP_ARCH_SHEB", "sheb"},
    {"SCMP_ARCH_X32", "x32"},
    {"SCMP_ARCH_X86", "x86"},
    {"SCMP_ARCH_X86_64", "x86_64"},
};

static const struct {
	const char *name;
	unsigned flag;
} seccomp_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", 1U << 0},
    {"SECCOMP_FILTER_FLAG_LOG", 1U << 1},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1U << 2},
};

/* True when the kernel knows the filter flag: with no program it answers EFAULT, not
 * EINVAL (runc's probe). */
static bool kernel_has_flag(unsigned flag)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static struct json_object *seccomp_doc(void)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	struct json_object *known = json_object_new_array(), *supported = json_object_new_array();

	json_object_object_add(o, "enabled", json_object_new_boolean(1));
	json_object_object_add(o, "actions", STRINGS(seccomp_actions));
	json_object_object_add(o, "operators", STRINGS(seccomp_operators));
	/* those a filter for this machine can take (libseccomp mixes no endiannesses) */
	for (size_t i = 0; i < sizeof(archs) / sizeof(archs[0]); i++) {
		uint32_t arch = seccomp_arch_resolve_name(archs[i].scmp);
		scmp_filter_ctx ctx = arch ? seccomp_init(SCMP_ACT_ALLOW) : NULL;
		int r = ctx ? seccomp_arch_add(ctx, arch) : -EINVAL;

		if (r == 0 || r == -EEXIST)
			json_object_array_add(a, json_object_new_string(archs[i].oci));
		if (ctx)
			seccomp_release(ctx);
	}
	json_object_object_add(o, "archs", a);
	for (size_t i = 0; i < sizeof(seccomp_flags) / sizeof(seccomp_flags[0]); i++) {
		json_object_array_add(known, json_object_new_string(seccomp_flags[i].name));
		if (kernel_has_flag(seccomp_flags[i].flag))
			json_object_array_add(supported,
					      json_object_new_string(seccomp_flags[i].name));
	}
	json_object_object_add(o, "knownFlags", known);
	json_object_object_add(o, "supportedFlags", supported);
	return o;
}

/* Every capability this kernel has, by libcap's name ("CAP_CHOWN"). */
static struct json_object *capabilities(void)
{
	struct json_object *a = json_object_new_array();
	unsigned bits = cap_max_bits();

	for (unsigned c = 0; c < bits; c++) {
		char *name = cap_to_name((cap_value_t)c);
		char up[64];
		size_t i;

		if (!name)
			continue;
		for (i = 0; name[i] && i < sizeof(up) - 1; i++)
			up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
		up[i] = '\0';
		cap_free(name);
		/* a number: libcap does not know its name, and neither does config.json */
		if (strncmp(up, "CAP_", 4))
			continue;
		json_object_array_add(a, json_object_new_string(up));
	}
	return a;
}

static struct json_object *disabled(void)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "enabled", json_object_new_boolean(0));
	return o;
}

/* The features document (caller puts it). */
static struct json_object *features_doc(void)
{
	struct json_object *doc = json_object_new_object(), *l = json_object_new_object();
	struct json_object *cg = json_object_new_object(), *ann = json_object_new_object();
	struct json_object *ext = json_object_new_object();
	const struct scmp_version *v = seccomp_version();
	char ver[64];

	json_object_object_add(doc, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(doc, "ociVersionMax", json_object_new_string(OCI_SPEC_VERSION));
	json_object_object_add(doc, "hooks", STRINGS(hooks));
	json_object_object_add(doc, "mountOptions", STRINGS(mount_options));
	json_object_object_add(l, "namespaces", STRINGS(namespaces));
	json_object_object_add(l, "capabilities", capabilities());
	/* cgroups are not managed by this runtime yet: resources are accepted, not applied */
	json_object_object_add(cg, "v1", json_object_new_boolean(0));
	json_object_object_add(cg, "v2", json_object_new_boolean(0));
	json_object_object_add(cg, "systemd", json_object_new_boolean(0));
	json_object_object_add(cg, "systemdUser", json_object_new_boolean(0));
	json_object_object_add(cg, "rdma", json_object_new_boolean(0));
	json_object_object_add(l, "cgroup", cg);
	json_object_object_add(l, "seccomp", seccomp_doc());
	json_object_object_add(l, "apparmor", disabled());
	json_object_object_add(l, "selinux", disabled());
	json_object_object_add(l, "intelRdt", disabled());
	json_object_object_add(ext, "idmap", disabled());
	json_object_object_add(l, "mountExtensions", ext);
	json_object_object_add(doc, "linux", l);
	if (v) {
		snprintf(ver, sizeof(ver), "%u.%u.%u", v->major, v->minor, v->micro);
		json_object_object_add(ann, "io.github.seccomp.libseccomp.version",
				       json_object_new_string(ver));
	}
	json_object_object_add(ann, "org.conti-rootless.version",
			       json_object_new_string(CR_VERSION));
	json_object_object_add(doc, "annotations", ann);
	return doc;
}

int oci_cmd_features(const struct oci_global *g, int argc, char **argv, struct cr_error *err)
{
	struct json_object *doc;
	int ret;

	(void)g;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: %s features\nPrints what this runtime supports (the OCI "
			       "runtime-spec features document).\n",
			       OCI_RUNTIME_NAME);
			return 0;
		}
		return cr_fail(err, 0, "features: unexpected argument %s", argv[i]);
	}
	doc = features_doc();
	ret = puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
							   JSON_C_TO_STRING_NOSLASHESCAPE)) < 0
		  ? cr_fail(err, errno, "features: write")
		  : 0;
	json_object_put(doc);
	return ret;
}
