/* execve.c - process.args[0] found inside the container's root and executed. The container
 * owns every path here: a link to /proc/self/exe (our own program, a host file the
 * container could rewrite once it runs as its process) or to one of our descriptors is
 * refused by resolving with no magic links, and a binary is executed through the very
 * descriptor that was checked. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "oci/execve.h"
#include "utils.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Opens path (absolute or relative to the working directory) beneath our root, O_PATH. */
static int open_in_root(const char *path)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	cleanup_close int root = -1;

	/* our root is the container's: only magic links lead out of it */
	if (path[0] != '/') {
		how.resolve = RESOLVE_NO_MAGICLINKS;
		return cr_openat2(AT_FDCWD, path, &how);
	}
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -1;
	while (*path == '/')
		path++;
	return cr_openat2(root, *path ? path : ".", &how);
}

/* True when fd is the file this very program runs from. */
static bool is_our_program(int fd)
{
	struct stat a, b;

	/* /proc/self/exe is a magic link on purpose here: it is the host's file */
	return fstat(fd, &a) == 0 && stat("/proc/self/exe", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static int cannot_exec(struct cr_error *err, int ret)
{
	err->status = CR_EXIT_CANNOT_EXEC;
	return ret;
}

static int not_found(struct cr_error *err, int ret)
{
	err->status = CR_EXIT_NOT_FOUND;
	return ret;
}

/* Checks what fd (at path) is: 0 when runnable, else err filled with 126. */
static int check_file(int fd, const char *path, int depth, struct cr_error *err)
{
	struct stat st;
	char head[256], interp[256];
	cleanup_close int rd = -1;
	cleanup_close int ifd = -1;
	char fdpath[64];
	ssize_t n;
	size_t k;

	if (fstat(fd, &st) < 0)
		return cannot_exec(err, cr_fail(err, errno, "exec %s", path));
	if (S_ISDIR(st.st_mode))
		return cannot_exec(err, cr_fail(err, EISDIR, "exec %s", path));
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return cannot_exec(err, cr_fail(err, EACCES, "exec %s", path));
	if (is_our_program(fd)) {
		cr_fail(err, EPERM, "exec %s: it is the runtime's own program", path);
		return cannot_exec(err,
				   cr_hint(err, "the container may not run the host's runtime"));
	}
	/* a script: its interpreter passes the same checks (the kernel resolves it by name) */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	rd = open(fdpath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (rd < 0)
		return 0; /* not readable by us: the kernel reads it or refuses it */
	n = read(rd, head, sizeof(head) - 1);
	if (n < 2 || head[0] != '#' || head[1] != '!')
		return 0;
	head[n] = '\0';
	k = strspn(head + 2, " \t");
	snprintf(interp, sizeof(interp), "%.*s", (int)strcspn(head + 2 + k, " \t\n"), head + 2 + k);
	if (!interp[0] || depth > 4)
		return 0; /* the kernel's answer (ENOEXEC, ELOOP) stands */
	ifd = open_in_root(interp);
	if (ifd < 0) {
		cr_fail(err, errno, "exec %s: its interpreter %s", path, interp);
		err->status = err->errnum == ENOENT ? CR_EXIT_NOT_FOUND : CR_EXIT_CANNOT_EXEC;
		return -1;
	}
	return check_file(ifd, interp, depth + 1, err);
}

int oci_exec_find(const struct cr_config *cfg, char *path, size_t len, struct cr_error *err)
{
	const char *a0 = cfg->args.n ? cfg->args.v[0] : NULL, *search = DEFAULT_PATH;
	int fd = -1, first_errno = ENOENT;

	if (!a0 || !a0[0])
		return not_found(err, cr_fail(err, 0, "process.args is empty: nothing to run"));
	if (strchr(a0, '/')) {
		snprintf(path, len, "%s", a0);
		fd = open_in_root(a0);
		if (fd < 0) {
			cr_fail(err, errno, "exec %s", a0);
			err->status = err->errnum == ENOENT || err->errnum == ENOTDIR
					  ? CR_EXIT_NOT_FOUND
					  : CR_EXIT_CANNOT_EXEC;
			return -1;
		}
	} else {
		for (size_t i = 0; i < cfg->env.n; i++) {
			if (!strncmp(cfg->env.v[i], "PATH=", 5))
				search = cfg->env.v[i] + 5;
		}
		for (const char *p = search; fd < 0;) {
			size_t n = strcspn(p, ":");
			struct cr_error skip = {0};

			snprintf(path, len, "%.*s/%s", (int)n, n ? p : ".", a0);
			fd = open_in_root(path);
			if (fd >= 0 && check_file(fd, path, 0, &skip) < 0 && skip.errnum != EPERM) {
				/* a directory or not executable: the search goes on, as execvp's */
				first_errno = skip.errnum;
				close(fd);
				fd = -1;
			}
			if (!p[n])
				break;
			p += n + 1;
		}
		if (fd < 0) {
			cr_fail(err, first_errno,
				"exec: \"%s\": executable file not found in $PATH", a0);
			err->status =
			    first_errno == ENOENT ? CR_EXIT_NOT_FOUND : CR_EXIT_CANNOT_EXEC;
			return -1;
		}
	}
	if (check_file(fd, path, 0, err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int oci_exec_run(int fd, const char *path, const struct cr_config *cfg, struct cr_error *err)
{
	char *const *argv = cfg->args.v;
	char *empty[] = {NULL};
	char *const *envp = cfg->env.n ? cfg->env.v : empty;

	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	/* a script through a close-on-exec descriptor (its interpreter could not open
	 * /dev/fd/N), or execveat not allowed by the container's seccomp profile: by path,
	 * the interpreter having been checked */
	if (errno == ENOENT || errno == EPERM || errno == ENOSYS)
		execve(path, argv, envp);
	cr_fail(err, errno, "exec %s", path);
	err->status = err->errnum == ENOENT ? CR_EXIT_NOT_FOUND : CR_EXIT_CANNOT_EXEC;
	return -1;
}
