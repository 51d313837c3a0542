/* files.c - whole files, and the data files a program finds beside itself
 * (a source tree's models/ and data/, an install's share/tagar/). */
#include "tagar.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t tagar_read(int fd, void *buf, size_t n)
{
	ssize_t k;
	while ((k = read(fd, buf, n)) < 0 && errno == EINTR)
		;
	return k;
}

char *tagar_read_fd(int fd, char *buf, size_t have, size_t cap, size_t *len, size_t max)
{
	ssize_t k = 1;
	if (!buf)
		cap = 0;
	while (have <= max && k > 0) {
		if (have == cap) {  /* room for the next read (and a NUL) */
			cap = cap < (1 << 16) ? 1 << 16 : cap * 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				*len = have;
				return NULL;
			}
			buf = nb;
		}
		if ((k = tagar_read(fd, buf + have, cap - have)) > 0)
			have += (size_t)k;
	}
	if (k < 0 || have > max) {  /* refuse, rather than hold, an input over the limit */
		int e = have > max ? EFBIG : errno;
		free(buf);
		buf = NULL;
		errno = e;
	}
	if (buf)
		buf[have] = 0;
	*len = have;
	return buf;
}

char *tagar_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *buf = tagar_read_fd(fd, NULL, 0, 0, len, SIZE_MAX / 2);
	int e = errno;
	close(fd);
	errno = e;
	return buf;
}

const char *tagar_default_model(char *buf, size_t n)
{
	const char *env = getenv("TAGAR_MODEL");
	if (env && *env)
		return env;
	const char *found = tagar_find_data("models", "default.tgm", buf, n);
	return found ? found : TAGAR_DATADIR "/default.tgm";
}

const char *tagar_find_data(const char *tree_dir, const char *name, char *buf, size_t n)
{
	/* bin/ of a source tree, build/VARIANT/bin/ (sanitizer builds), an
	 * install's bin/ */
	const char *const rel[] = {"/../", "/../../../", NULL};
	if (!buf || !n)  /* nowhere to write a path */
		return NULL;
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash = k > 0 ? (exe[k] = 0, strrchr(exe, '/')) : NULL;
	if (slash)
		*slash = 0;
	for (int i = 0; slash && rel[i]; i++) {
		snprintf(buf, n, "%s%s%s/%s", exe, rel[i], tree_dir, name);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	if (slash) {
		snprintf(buf, n, "%s/../share/tagar/%s", exe, name);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	snprintf(buf, n, "%s/%s", TAGAR_DATADIR, name);
	return access(buf, R_OK) == 0 ? buf : NULL;
}
