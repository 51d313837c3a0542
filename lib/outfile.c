/* outfile.c - a file replaced atomically (see tagar_outfile in tagar.h).
 *
 * Everything that can be refused is refused when the file is opened, before
 * the caller does its long work: the path is resolved through symlinks (the
 * target is what gets replaced, the link stays), anything but a regular file
 * or a new path is refused (rename() would put a file in place of a device,
 * a FIFO or a socket), as is a path that is one of the inputs by any name
 * (same device and inode), and the temporary file is created at once, which
 * proves the directory writable where access() would not (root passes every
 * permission check, but not a read-only file system).
 *
 * The temporary file is PATH.tmp.PID.N: a run killed by SIGKILL leaves it
 * behind, and a later run for the same PATH removes those whose process is
 * gone.  It is created with mode 0666, so the umask (or a default ACL)
 * decides the mode of a new file; a replaced file keeps its mode, owner and
 * group. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tagar_outfile {
	char *path;        /* the file to replace: the given path, symlinks followed */
	char *temp;        /* PATH.tmp.PID.N, open as fd */
	int fd;
	int existed;       /* path was a regular file when opened */
	struct stat st;    /* ... with this mode and owner */
};

static const char *kind_of(mode_t m)
{
	return S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device" : S_ISFIFO(m) ? "a FIFO"
	       : S_ISSOCK(m) ? "a socket" : S_ISDIR(m) ? "a directory" : "not a file";
}

/* "dir/" of p (with its slash), or "" when p has none: malloc'ed. */
static char *dir_part(const char *p)
{
	const char *slash = strrchr(p, '/');
	return strndup(p, slash ? (size_t)(slash - p) + 1 : 0);
}

/* The path a symlink at p points to, as a path usable from here. */
static char *link_target(const char *p)
{
	char buf[PATH_MAX];
	ssize_t k = readlink(p, buf, sizeof buf - 1);
	if (k < 0)
		return NULL;
	buf[k] = 0;
	if (buf[0] == '/')
		return strdup(buf);
	char *dir = dir_part(p), *out = dir ? malloc(strlen(dir) + (size_t)k + 1) : NULL;
	if (out)
		sprintf(out, "%s%s", dir, buf);
	free(dir);
	return out;
}

/* Follows symlinks from path to what they name: *out (malloc'ed), its
 * status in *st and *exists.  0, or an errno value. */
static int resolve(const char *path, char **out, struct stat *st, int *exists)
{
	char *p = strdup(path);
	for (int hops = 0; p && hops < 40; hops++) {
		if (lstat(p, st) != 0) {
			int e = errno;
			if (e != ENOENT) {
				free(p);
				return e;
			}
			*exists = 0;
			*out = p;
			return 0;
		}
		if (!S_ISLNK(st->st_mode)) {
			*exists = 1;
			*out = p;
			return 0;
		}
		char *next = link_target(p);
		free(p);
		p = next;
	}
	int e = p ? ELOOP : errno ? errno : ENOMEM;
	free(p);
	return e;
}

/* Whether input (a path, or "-": standard input) is the file st. */
static int same_file(const char *input, const struct stat *st)
{
	struct stat is;
	int ok = strcmp(input, "-") == 0 ? fstat(0, &is) == 0 : stat(input, &is) == 0;
	return ok && is.st_dev == st->st_dev && is.st_ino == st->st_ino;
}

/* Whether name is base.tmp.PID.N of a process that is gone: a temporary
 * file a killed run left. */
static int stale_temp(const char *name, const char *base)
{
	size_t bl = strlen(base);
	if (strncmp(name, base, bl) != 0 || strncmp(name + bl, ".tmp.", 5) != 0)
		return 0;
	char *end;
	errno = 0;
	long pid = strtol(name + bl + 5, &end, 10);
	if (errno || pid <= 0 || pid > INT_MAX || *end != '.' || !end[1] || strspn(end + 1, "0123456789") != strlen(end + 1))
		return 0;
	return (pid_t)pid != getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static void remove_stale(const char *path)
{
	char *dir = dir_part(path);
	const char *base = path + (dir ? strlen(dir) : 0);
	DIR *d = dir ? opendir(*dir ? dir : ".") : NULL;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char *full = stale_temp(e->d_name, base) ? malloc(strlen(dir) + strlen(e->d_name) + 1) : NULL;
		if (full) {
			sprintf(full, "%s%s", dir, e->d_name);
			unlink(full);
			free(full);
		}
	}
	if (d)
		closedir(d);
	free(dir);
}

/* Creates o->path's temporary file; 0 or an errno value. */
static int create_temp(tagar_outfile *o)
{
	size_t n = strlen(o->path) + 48;
	if (!(o->temp = malloc(n)))
		return ENOMEM;
	for (int k = 0; k < 1000; k++) {
		snprintf(o->temp, n, "%s.tmp.%ld.%d", o->path, (long)getpid(), k);
		o->fd = open(o->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (o->fd >= 0)
			break;
		if (errno != EEXIST)
			return errno;
	}
	if (o->fd < 0)
		return EEXIST;
	if (o->existed) {  /* best effort: only root may give a file away */
		if (fchown(o->fd, o->st.st_uid, o->st.st_gid) != 0 && fchown(o->fd, (uid_t)-1, o->st.st_gid) != 0)
			errno = 0;
		if (fchmod(o->fd, o->st.st_mode & 07777) != 0)
			return errno;
	}
	return 0;
}

/* 0, or a refusal of the resolved target: not a file, or an input. */
static int check_target(const tagar_outfile *o, const char *path, const char *const *inputs, tagar_err *err)
{
	if (!o->existed)
		return 0;
	if (!S_ISREG(o->st.st_mode))
		return tagar_fail(err, TAGAR_EIO, "%s: %s, not a regular file: refusing to replace it", path,
				  kind_of(o->st.st_mode));
	for (int i = 0; inputs && inputs[i]; i++)
		if (same_file(inputs[i], &o->st))
			return tagar_fail(err, TAGAR_EIO, "%s: is also the input %s: refusing to write over it", path,
					  strcmp(inputs[i], "-") == 0 ? "(standard input)" : inputs[i]);
	return 0;
}

tagar_outfile *tagar_outfile_open(const char *path, const char *const *inputs, tagar_err *err)
{
	tagar_outfile *o = calloc(1, sizeof *o);
	if (!o) {
		tagar_fail(err, TAGAR_ENOMEM, "out of memory");
		return NULL;
	}
	o->fd = -1;
	int e = resolve(path, &o->path, &o->st, &o->existed);
	int rc = e ? tagar_fail(err, TAGAR_EIO, "%s: %s", path, strerror(e)) : check_target(o, path, inputs, err);
	if (!rc) {
		remove_stale(o->path);
		if ((e = create_temp(o)) != 0)
			rc = tagar_fail(err, e == ENOMEM ? TAGAR_ENOMEM : TAGAR_EIO, "%s: cannot create a file beside it: %s",
					o->path, strerror(e));
	}
	if (rc)
		tagar_outfile_abort(&o);
	return o;
}

const char *tagar_outfile_temp(const tagar_outfile *o)
{
	return o->temp;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n > 0) {
		ssize_t k = write(fd, s, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? errno : EIO;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The directory entry of a rename is on disk only once its directory is
 * synced; a failure here loses nothing already good, so it is not one. */
static void sync_dir(const char *path)
{
	char *dir = dir_part(path);
	int fd = dir ? open(*dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

/* The path changed type since it was opened (someone put a FIFO there):
 * still never replace what is not a file. */
static int still_file(const tagar_outfile *o)
{
	struct stat st;
	return lstat(o->path, &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode);
}

int tagar_outfile_commit(tagar_outfile **op, const void *p, size_t n, tagar_err *err)
{
	tagar_outfile *o = *op;
	int e = write_all(o->fd, p, n);
	if (!e && fsync(o->fd) != 0)
		e = errno;
	if (close(o->fd) != 0 && !e)
		e = errno;
	o->fd = -1;
	if (!e && !still_file(o))
		e = EEXIST;
	if (!e && rename(o->temp, o->path) != 0)
		e = errno;
	int rc = 0;
	if (e == EEXIST)
		rc = tagar_fail(err, TAGAR_EIO, "%s: is no longer a regular file: refusing to replace it", o->path);
	else if (e)
		rc = tagar_fail(err, TAGAR_EIO, "%s: cannot write: %s%s", o->path, strerror(e),
				e == EFBIG ? " (over the file size limit: see ulimit -f)" : "");
	else
		sync_dir(o->path);
	if (!e) {  /* renamed: nothing left to remove */
		free(o->temp);
		o->temp = NULL;
	}
	tagar_outfile_abort(op);
	return rc;
}

void tagar_outfile_abort(tagar_outfile **op)
{
	tagar_outfile *o = op ? *op : NULL;
	if (!o)
		return;
	if (o->fd >= 0)
		close(o->fd);
	if (o->temp)
		unlink(o->temp);
	free(o->temp);
	free(o->path);
	free(o);
	*op = NULL;
}
