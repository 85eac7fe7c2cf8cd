/* terminfo.c - is the caller's TERM known inside the container? */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "terminfo.h"
#include "utils.h"

/* Where ncurses looks (its compiled-in list on Debian, Alpine and Fedora). */
static const char *const terminfo_dirs[] = {"etc/terminfo", "lib/terminfo", "usr/share/terminfo"};

/* True when path (relative) leads to a regular file inside root_fd's tree. */
static bool regular_in_root(int root_fd, const char *path)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = cr_openat2(root_fd, path, &how);
	struct stat st;
	bool ok;

	if (fd < 0)
		return false;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	return ok;
}

bool terminfo_known(int root_fd, const char *name)
{
	char path[512];
	size_t len = name ? strlen(name) : 0;

	if (root_fd < 0 || len == 0 || len > 255 || strchr(name, '/') || name[0] == '.')
		return false;
	for (size_t i = 0; i < sizeof(terminfo_dirs) / sizeof(terminfo_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%c/%s", terminfo_dirs[i], name[0], name);
		if (regular_in_root(root_fd, path))
			return true;
		/* macOS-style hex dirs, which some ncurses builds use */
		snprintf(path, sizeof(path), "%s/%02x/%s", terminfo_dirs[i],
			 (unsigned)(unsigned char)name[0], name);
		if (regular_in_root(root_fd, path))
			return true;
	}
	return false;
}

const char *terminfo_choose(const int *roots, size_t n, const char *host_term)
{
	for (size_t i = 0; host_term && *host_term && i < n; i++) {
		if (terminfo_known(roots[i], host_term))
			return host_term;
	}
	return CR_TERM_DEFAULT;
}

const char *terminfo_choose_paths(const char *const *paths, size_t n, const char *host_term)
{
	const char *term = CR_TERM_DEFAULT;

	for (size_t i = 0; host_term && *host_term && i < n; i++) {
		int fd = paths[i] ? open(paths[i], O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;

		if (fd < 0)
			continue;
		term = terminfo_choose(&fd, 1, host_term);
		close(fd);
		if (term == host_term)
			break;
	}
	return term;
}
