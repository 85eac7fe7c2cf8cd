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

/* Opens path (absolute or relative to the working directory) beneath our root with flags,
 * no magic link on the way. */
static int open_in_root(const char *path, int flags)
{
	struct open_how how = {.flags = (unsigned long long)flags | O_CLOEXEC,
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

/* The file at path to execute: a regular file opened for reading (so that a script's first
 * line is read from the very file that runs, and the kernel runs that file), checked to be
 * the inode a first O_PATH look found; anything else (or a file we may not read) as that
 * O_PATH descriptor, which check_file judges. -1 with errno. */
static int open_exec_file(const char *path)
{
	int pfd = open_in_root(path, O_PATH), rfd;
	struct stat a, b;

	if (pfd < 0)
		return -1;
	if (fstat(pfd, &a) < 0 || !S_ISREG(a.st_mode))
		return pfd;
	rfd = open_in_root(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (rfd < 0)
		return pfd;
	if (fstat(rfd, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		close(rfd);
		close(pfd);
		errno = EAGAIN; /* swapped while we looked: the container is playing with it */
		return -1;
	}
	close(pfd);
	return rfd;
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

/* Checks what fd (at path) is: 0 when it may run, else err filled with 126. */
static int check_file(int fd, const char *path, struct cr_error *err)
{
	struct stat st;

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
	return 0;
}

int oci_exec_find(const struct cr_config *cfg, char *path, size_t len, struct cr_error *err)
{
	const char *a0 = cfg->args.n ? cfg->args.v[0] : NULL, *search = DEFAULT_PATH;
	int fd = -1, first_errno = ENOENT;

	if (!a0 || !a0[0])
		return not_found(err, cr_fail(err, 0, "process.args is empty: nothing to run"));
	if (strchr(a0, '/')) {
		snprintf(path, len, "%s", a0);
		fd = open_exec_file(a0);
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
			fd = open_exec_file(path);
			if (fd >= 0 && check_file(fd, path, &skip) < 0 && skip.errnum != EPERM) {
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
	if (check_file(fd, path, err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A script's first line "#!INTERP [ARG]" read from fd into interp and arg; false when fd is
 * no script (or cannot be read: then the kernel decides, by this descriptor). */
static bool shebang(int fd, char *interp, char *arg, size_t len)
{
	char head[256], *p, *end;
	ssize_t n = pread(fd, head, sizeof(head) - 1, 0);
	size_t k;

	if (n < 2 || head[0] != '#' || head[1] != '!')
		return false;
	head[n] = '\0';
	head[strcspn(head, "\n")] = '\0';
	p = head + 2 + strspn(head + 2, " \t");
	k = strcspn(p, " \t");
	snprintf(interp, len, "%.*s", (int)k, p);
	p += k;
	p += strspn(p, " \t");
	for (end = p + strlen(p); end > p && (end[-1] == ' ' || end[-1] == '\t');)
		*--end = '\0';
	snprintf(arg, len, "%s", p);
	return true;
}

int oci_exec_run(int fd, const char *path, const struct cr_config *cfg, struct cr_error *err)
{
	char *const *argv = cfg->args.v;
	char *empty[] = {NULL};
	char *const *envp = cfg->env.n ? cfg->env.v : empty;
	char interp[256], arg[256];

	/* a script is run as the kernel would (interpreter, its argument, the script's path,
	 * the arguments), but through an interpreter we opened and checked: the kernel would
	 * look INTERP up by name, and a container could have swapped it for /proc/self/exe */
	for (int depth = 0; shebang(fd, interp, arg, sizeof(interp)); depth++) {
		size_t n = 0, m = 0;
		char **nv;
		int ifd;

		if (depth >= 4 || !interp[0]) {
			cr_fail(err, depth ? ELOOP : ENOEXEC, "exec %s", path);
			return cannot_exec(err, -1);
		}
		ifd = open_exec_file(interp);
		if (ifd < 0) {
			cr_fail(err, errno, "exec %s: its interpreter %s", path, interp);
			err->status =
			    err->errnum == ENOENT ? CR_EXIT_NOT_FOUND : CR_EXIT_CANNOT_EXEC;
			return -1;
		}
		if (check_file(ifd, interp, err) < 0) {
			close(ifd);
			return cr_prefix(err, "the interpreter of %s", path);
		}
		while (argv[m])
			m++;
		nv = cr_xcalloc(m + 4, sizeof(*nv));
		nv[n++] = cr_xstrdup(interp);
		if (arg[0])
			nv[n++] = cr_xstrdup(arg);
		nv[n++] = cr_xstrdup(path);
		for (size_t i = 1; i < m; i++)
			nv[n++] = argv[i];
		argv = nv;
		path = nv[0];
		close(fd);
		fd = ifd;
	}
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	cr_fail(err, errno, "exec %s", path);
	if (err->errnum == EPERM)
		cr_hint(err, "the seccomp profile must allow execveat");
	err->status = err->errnum == ENOENT ? CR_EXIT_NOT_FOUND : CR_EXIT_CANNOT_EXEC;
	return -1;
}

int oci_exec_first(int fd, const char *path, const struct cr_config *cfg, struct cr_error *err)
{
	char *empty[] = {NULL};
	char interp[256], arg[256];

	if (shebang(fd, interp, arg, sizeof(interp)))
		return oci_exec_run(fd, path, cfg, err);
	close(fd);
	execve(path, cfg->args.v, cfg->env.n ? cfg->env.v : empty);
	cr_fail(err, errno, "exec %s", path);
	err->status = err->errnum == ENOENT ? CR_EXIT_NOT_FOUND : CR_EXIT_CANNOT_EXEC;
	return -1;
}
