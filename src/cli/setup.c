/*
 * setup.c: `scimlet setup-htaccess DOCROOT`: the Apache shared-hosting
 * set-up that www/htaccess.sample and www/scimlet-wrapper.fcgi.sample
 * describe, done in one command (README "Apache + mod_fcgid, shared
 * hosting"):
 *
 *	DOCROOT/.htaccess	the scimlet block, between "# BEGIN scimlet"
 *				and "# END scimlet", at the top of the file
 *	DOCROOT/MOUNT		the wrapper (a file named after the mount's
 *				last word), with absolute paths
 *	DB			the database, outside DOCROOT, made as
 *				`scimlet init` makes it
 *
 * Everything is checked before anything is written: a refusal changes
 * nothing.  Files are written to a temporary name in their directory and
 * renamed over the target, never through a symbolic link.  Running the
 * command again gives the same files: it replaces its own block and its
 * own wrapper, and nothing else.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/htaccess.h"
#include "scim.h"
#include "store.h"
#include "util.h"

#define CMD		"setup-htaccess"
#define WR_MARK		"# Written by scimlet setup-htaccess"
#define HT_MAX		(1024 * 1024)	/* an .htaccess larger is refused */

/* A growing byte buffer; on failure of memory, bf_bad is set. */
struct buf {
	char	*bf_p;
	size_t	 bf_len;
	size_t	 bf_cap;
	int	 bf_bad;
};

static void
bput(struct buf *b, const char *s, size_t len)
{
	char	*p;
	size_t	 cap;

	if (b->bf_bad)
		return;
	if (b->bf_len + len + 1 > b->bf_cap) {
		cap = (b->bf_len + len + 1) * 2;
		if ((p = realloc(b->bf_p, cap)) == NULL) {
			b->bf_bad = 1;
			return;
		}
		b->bf_p = p;
		b->bf_cap = cap;
	}
	memcpy(b->bf_p + b->bf_len, s, len);
	b->bf_len += len;
	b->bf_p[b->bf_len] = '\0';
}

static void
bstr(struct buf *b, const char *s)
{
	bput(b, s, strlen(s));
}

/* A failure: "scimlet: setup-htaccess: " and the message; CLI_FAIL. */
static int __attribute__((format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list	ap;

	fputs("scimlet: " CMD ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; nothing changed\n", stderr);
	return CLI_FAIL;
}

/*
 * A mount: "/" and words of letters, digits, '_', '-' and '.' (none
 * starting with '.'), e.g. /scim/v2.  0 when fine.
 */
static int
mount_ok(const char *m)
{
	const char	*p;
	size_t		 len = strlen(m);

	if (m[0] != '/' || len < 2 || len > 200 || m[len - 1] == '/')
		return -1;
	for (p = m; *p != '\0'; p++) {
		if (*p == '/') {
			if (p[1] == '/' || p[1] == '.')
				return -1;
		} else if (!(*p >= 'a' && *p <= 'z') &&
		    !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9') &&
		    *p != '_' && *p != '-' && *p != '.')
			return -1;
	}
	return 0;
}

/*
 * The absolute, canonical form of path, which need not exist: its longest
 * existing prefix resolved by realpath(3), the rest appended (where "."
 * and ".." are refused, as they cannot be resolved).  0, or -1 and errno.
 */
static int
canon(const char *path, char *out, size_t len)
{
	char	 buf[PATH_MAX], tail[PATH_MAX] = "", t2[PATH_MAX], *sl, *r;
	int	 n;

	if (path[0] == '/')
		n = snprintf(buf, sizeof(buf), "%s", path);
	else {
		if (getcwd(t2, sizeof(t2)) == NULL)
			return -1;
		n = snprintf(buf, sizeof(buf), "%s/%s", t2, path);
	}
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	while ((r = realpath(buf, NULL)) == NULL) {
		if (errno != ENOENT || (sl = strrchr(buf, '/')) == NULL)
			return -1;
		if (strcmp(sl + 1, ".") == 0 || strcmp(sl + 1, "..") == 0) {
			errno = EINVAL;
			return -1;
		}
		if (sl[1] != '\0') {
			n = snprintf(t2, sizeof(t2), "/%s%s", sl + 1, tail);
			if (n < 0 || (size_t)n >= sizeof(t2)) {
				errno = ENAMETOOLONG;
				return -1;
			}
			memcpy(tail, t2, (size_t)n + 1);
		}
		if (sl == buf)
			sl[1] = '\0';
		else
			*sl = '\0';
	}
	n = snprintf(out, len, "%s%s", strcmp(r, "/") == 0 && tail[0] != '\0' ?
	    "" : r, tail);
	free(r);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Is path dir itself or below it (both canonical)? */
static int
inside(const char *path, const char *dir)
{
	size_t	n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return 1;
	return strncmp(path, dir, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}

/* Is f an executable regular file? */
static int
is_prog(const char *f)
{
	struct stat	sb;

	return stat(f, &sb) == 0 && S_ISREG(sb.st_mode) && !access(f, X_OK);
}

/*
 * This program's own absolute path: /proc/self/exe, or argv0 when it
 * holds a '/'; "scimlet" when neither tells.
 */
static void
self_path(const char *argv0, char *self, size_t len)
{
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", self, len - 1)) > 0 &&
	    self[0] == '/') {
		self[n] = '\0';
		return;
	}
	if (strchr(argv0, '/') == NULL || canon(argv0, self, len) == -1)
		util_strlcpy(self, "scimlet", len);
}

/*
 * The worker, found from this program's path self: scimlet.fcgi beside
 * it (the build tree, an unpacked package), then ../libexec/scimlet.fcgi
 * (the layout of `make install`).  0 when found.
 */
static int
find_worker(const char *self, char *w, size_t wlen)
{
	char		 dir[PATH_MAX], cand[PATH_MAX + 32], *sl;
	static const char *const rel[] = { "/scimlet.fcgi",
	    "/../libexec/scimlet.fcgi" };
	size_t		 i;

	util_strlcpy(dir, self, sizeof(dir));
	if (dir[0] != '/' || (sl = strrchr(dir, '/')) == NULL)
		return -1;
	*sl = '\0';
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(cand, sizeof(cand), "%s%s", dir, rel[i]);
		if (is_prog(cand) && canon(cand, w, wlen) == 0)
			return 0;
	}
	return -1;
}

/*
 * s as one word for sh: as it is when it holds only characters sh takes
 * literally, else in single quotes.  Paths with control characters are
 * refused before this.
 */
static void
shword(struct buf *b, const char *s)
{
	const char	*p;

	if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789/._-+,:@%") == strlen(s)) {
		bput(b, s, strlen(s));
		return;
	}
	bput(b, "'", 1);
	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			bput(b, "'\\''", 4);
		else
			bput(b, p, 1);
	bput(b, "'", 1);
}

/* Does s hold a control character? */
static int
has_cntrl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* The .htaccess block for mount (www/htaccess.sample, lines explained). */
static void
ht_block(struct buf *b, const char *mount, int cgi, const char *console)
{
	char	 pat[512], cpat[512], tmp[4096], crule[1024] = "";

	ht_rule_pat(mount, pat, sizeof(pat));
	if (console != NULL) {
		ht_rule_pat(console, cpat, sizeof(cpat));
		snprintf(crule, sizeof(crule), "# The operator console at %s "
		    "(README \"Operator console\"):\n# the same worker, told "
		    "so by its wrapper .%s.\nRewriteRule %s(/.*)?$ - "
		    "[H=%s,END]\n", console, console, cpat,
		    cgi ? "cgi-script" : "fcgid-script");
	}
	snprintf(tmp, sizeof(tmp), HT_BEGIN "\n"
	    "# scimlet at %s (%s), written by `scimlet setup-htaccess`:\n"
	    "# running it again replaces this block, from BEGIN to END; keep\n"
	    "# your own lines outside it.  It stays at the top, before other\n"
	    "# rewrite rules.  www/htaccess.sample in scimlet's sources\n"
	    "# explains each line, and the variants for hosts that forbid\n"
	    "# some of them.\n"
	    "#\n"
	    "# ExecCGI: run the wrapper .%s.  SymLinksIfOwnerMatch: mod_rewrite\n"
	    "# refuses to work in .htaccess without it.\n"
	    "Options +ExecCGI +SymLinksIfOwnerMatch\n"
	    "# Hand the Authorization header (the bearer token) to the worker.\n"
	    "CGIPassAuth On\n"
	    "RewriteEngine On\n"
	    "# %s and below: run .%s under %s;\n"
	    "# the rest of the path is PATH_INFO.  END: no other rule in\n"
	    "# this file touches these requests.\n"
	    "RewriteRule %s(/.*)?$ - [H=%s,END]\n%s" HT_END "\n", mount,
	    cgi ? "mod_cgi" : "mod_fcgid", mount, mount, mount,
	    cgi ? "mod_cgi" : "mod_fcgid", pat,
	    cgi ? "cgi-script" : "fcgid-script", crule);
	bstr(b, tmp);
}

/*
 * The wrapper (www/scimlet-wrapper.fcgi.sample) for db and worker; with
 * console (its files' directory), the console's mount's.
 */
static void
wrapper(struct buf *b, const char *db, const char *worker,
    const char *console)
{
	bstr(b, "#!/bin/sh\n" WR_MARK ": running it again rewrites\n"
	    "# this file.  It starts the scimlet worker with SCIMLET_DB in its\n"
	    "# environment, which a SetEnv in .htaccess cannot give a FastCGI\n"
	    "# worker, and which suEXEC drops (www/scimlet-wrapper.fcgi.sample\n"
	    "# in scimlet's sources explains it).  Nothing secret lives here:\n"
	    "# the tokens are in the database.\n\nSCIMLET_DB=");
	shword(b, db);
	bstr(b, "\nexport SCIMLET_DB\n\n");
	if (console != NULL) {
		bstr(b, "# The operator console's mount: its files, and its "
		    "API, never SCIM.\nSCIMLET_MOUNT=admin\n"
		    "export SCIMLET_MOUNT\nSCIMLET_CONSOLE=");
		shword(b, console);
		bstr(b, "\nexport SCIMLET_CONSOLE\n\n");
	}
	bstr(b, ""
	    "# Optional (running setup-htaccess again drops edits here):\n"
	    "#SCIMLET_MAX_HEAP_GROWTH=64\t# MB; then the worker re-executes "
	    "itself afresh\n#export SCIMLET_MAX_HEAP_GROWTH\n"
	    "#SCIMLET_MAX_REQUESTS=0\t# requests before it does so anyway; "
	    "0: no limit\n#export SCIMLET_MAX_REQUESTS\n"
	    "#SCIMLET_MAX_BODY=1048576\t# bytes; larger requests get a SCIM "
	    "413 error\n#export SCIMLET_MAX_BODY\n"
	    "#SCIMLET_MAP_SIZE=1073741824\t# bytes; the most the database "
	    "can grow to\n#export SCIMLET_MAP_SIZE\n\n"
	    "# exec: the worker replaces this shell.\nexec ");
	shword(b, worker);
	bstr(b, "\n");
}

/*
 * Read the regular file name in directory dfd, never through a symbolic
 * link, into b.  0: read; 1: there is none; -1: refused (message in err).
 */
static int
slurp(int dfd, const char *name, const char *shown, size_t max,
    struct buf *b, char *err, size_t errlen)
{
	struct stat	 sb;
	char		 tmp[8192];
	ssize_t		 n;
	int		 fd;

	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "%s: %s", shown, strerror(errno));
		return -1;
	}
	if (S_ISLNK(sb.st_mode)) {
		snprintf(err, errlen, "%s is a symbolic link: remove it, or "
		    "replace it with the file it points to", shown);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", shown);
		return -1;
	}
	if ((size_t)sb.st_size > max) {
		snprintf(err, errlen, "%s is larger than %zu bytes", shown,
		    max);
		return -1;
	}
	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", shown, strerror(errno));
		return -1;
	}
	while ((n = read(fd, tmp, sizeof(tmp))) > 0 && b->bf_len <= max)
		bput(b, tmp, (size_t)n);
	close(fd);
	if (n == -1 || b->bf_bad || b->bf_len > max) {
		snprintf(err, errlen, "%s: %s", shown, n == -1 ?
		    strerror(errno) : "cannot read it whole");
		return -1;
	}
	return 0;
}

/*
 * The new .htaccess: old (len bytes, NULL: none) with block merged.
 * Without a scimlet block, block goes at the top, then a blank line,
 * then old byte for byte; with one, block replaces it (ht_find(), which
 * also says which files are refused: -1, err).  how says what was done.
 */
static int
ht_merge(const char *old, size_t len, const char *block, const char *mount,
    struct buf *out, const char **how, char *err, size_t errlen)
{
	size_t	b0 = 0, b1 = 0;
	int	r;

	if (old == NULL) {
		bstr(out, block);
		*how = "written (a new file)";
		return 0;
	}
	if ((r = ht_find(old, len, mount, &b0, &b1, err, errlen)) == -1)
		return -1;
	if (r == 0) {
		bstr(out, block);
		bstr(out, "\n");
		bput(out, old, len);
		*how = "written (the block at the top, the rest kept)";
	} else {
		bput(out, old, b0);
		bstr(out, block);
		bput(out, old + b1, len - b1);
		*how = "written (the scimlet block replaced, the rest kept)";
	}
	return 0;
}

/*
 * The directory holding the wrapper, DOCROOT/MOUNT less its last word,
 * walked from root without following symbolic links: its descriptor, or
 * -1 and err.  With make, missing directories are created (0755);
 * without, a missing one gives -2 (then the wrapper is missing too).
 */
static int
wr_dir(int root, const char *mount, int make, char *err, size_t errlen)
{
	char	 path[256], *w, *sl;
	int	 fd, nfd;

	util_strlcpy(path, mount + 1, sizeof(path));
	if ((fd = dup(root)) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	for (w = path; (sl = strchr(w, '/')) != NULL; w = sl + 1) {
		*sl = '\0';
		if (make && mkdirat(fd, w, 0755) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create DOCROOT/%s: %s",
			    path, strerror(errno));
			close(fd);
			return -1;
		}
		nfd = openat(fd, w, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(fd);
		if (nfd == -1 && errno == ENOENT && !make)
			return -2;
		if (nfd == -1) {
			snprintf(err, errlen, "DOCROOT/%s: %s", path,
			    errno == ELOOP || errno == ENOTDIR ? "a symbolic "
			    "link or not a directory" : strerror(errno));
			return -1;
		}
		fd = nfd;
		*sl = '/';
	}
	return fd;
}

/*
 * Write data to name in directory dfd atomically: a new temporary file
 * beside it (O_EXCL, O_NOFOLLOW), mode, fsync, renamed over name (which
 * replaces a link, never follows it), and the directory synced.
 */
static int
put(int dfd, const char *name, const struct buf *data, mode_t mode,
    char *err, size_t errlen)
{
	unsigned char	rnd[6];
	char		tmp[300], hex[sizeof(rnd) * 2 + 1];
	size_t		off;
	ssize_t		n = 0;
	int		fd, ok, e;

	if (util_random(rnd, sizeof(rnd)) == -1) {
		snprintf(err, errlen, "no random bytes");
		return -1;
	}
	util_hex(rnd, sizeof(rnd), hex);
	snprintf(tmp, sizeof(tmp), "%s%s.scimlet-%s", name[0] == '.' ? "" :
	    ".", name, hex);
	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "cannot create %s: %s", tmp,
		    strerror(errno));
		return -1;
	}
	for (off = 0; off < data->bf_len; off += (size_t)n)
		if ((n = write(fd, data->bf_p + off, data->bf_len - off)) <=
		    0)
			break;
	ok = off == data->bf_len && fchmod(fd, mode) == 0 && fsync(fd) == 0;
	e = errno;
	if (close(fd) == -1 && ok) {
		ok = 0;
		e = errno;
	}
	if (ok && renameat(dfd, tmp, dfd, name) == -1) {
		ok = 0;
		e = errno;
	}
	if (!ok) {
		snprintf(err, errlen, "cannot write %s: %s", name,
		    strerror(e != 0 ? e : EIO));
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	(void)fsync(dfd);
	return 0;
}

/* mkdir -p for the parents of dir (canonical), 0700 each. */
static int
mkparents(const char *dir, char *err, size_t errlen)
{
	char	p[PATH_MAX], *sl;

	util_strlcpy(p, dir, sizeof(p));
	for (sl = strchr(p + 1, '/'); sl != NULL; sl = strchr(sl + 1, '/')) {
		*sl = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", p,
			    strerror(errno));
			return -1;
		}
		*sl = '/';
	}
	return 0;
}

/*
 * May mount's wrapper be written: none there yet, or one this command
 * wrote?  0, or -1 with the refusal said.
 */
static int
wr_may(int root, const char *droot, const char *mount)
{
	struct buf	 old = { 0 };
	char		 err[PATH_MAX + 256];
	int		 wd, r, rc = 0;

	if ((wd = wr_dir(root, mount, 0, err, sizeof(err))) == -1) {
		fail("%s: %s", droot, err);
		return -1;
	}
	if (wd < 0)	/* a directory missing: so is the wrapper */
		return 0;
	r = slurp(wd, strrchr(mount, '/') + 1, mount + 1, 65536, &old, err,
	    sizeof(err));
	close(wd);
	if (r == -1) {
		fail("%s/%s", droot, err);
		rc = -1;
	} else if (r == 0 && (old.bf_p == NULL ||
	    strstr(old.bf_p, "\n" WR_MARK) == NULL)) {
		fail("%s%s exists and was not written by scimlet "
		    "setup-htaccess: move it away (it is where the wrapper "
		    "goes) and run it again", droot, mount);
		rc = -1;
	}
	free(old.bf_p);
	return rc;
}

/* Write mount's wrapper wr: 0, or -1 and err. */
static int
wr_write(int root, const char *mount, const struct buf *wr, char *err,
    size_t errlen)
{
	int	wd, rc;

	if ((wd = wr_dir(root, mount, 1, err, errlen)) < 0)
		return -1;
	rc = put(wd, strrchr(mount, '/') + 1, wr, 0755, err, errlen);
	close(wd);
	return rc;
}

/*
 * The console's files, found from this program's path self as the
 * worker is: ../share/scimlet/console (`make install`), ../share/console
 * (the package), ../www/console (the source tree).  0 when found.
 */
static int
find_console(const char *self, char *out, size_t len)
{
	static const char *const rel[] = { "/../share/scimlet/console",
	    "/../share/console", "/../www/console" };
	char		 dir[PATH_MAX], cand[PATH_MAX + 64], *sl;
	struct stat	 sb;
	size_t		 i;

	util_strlcpy(dir, self, sizeof(dir));
	if (dir[0] != '/' || (sl = strrchr(dir, '/')) == NULL)
		return -1;
	*sl = '\0';
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(cand, sizeof(cand), "%s%s/index.html", dir, rel[i]);
		if (stat(cand, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    canon(cand, out, len) == 0) {
			*strrchr(out, '/') = '\0';
			return 0;
		}
	}
	return -1;
}

int
cli_setup(const char *argv0, const char *db, int argc, char **argv)
{
	struct buf	 ht = { 0 }, old = { 0 }, wr = { 0 }, blk = { 0 };
	struct buf	 cwr = { 0 };
	struct store	*st = NULL;
	struct stat	 sb;
	const char	*docroot = NULL, *mount = "/scim/v2", *url = NULL;
	const char	*worker = NULL, *how = "", *home, *console = NULL;
	char		 cdir[PATH_MAX];
	char		 droot[PATH_MAX], dbc[PATH_MAX], wk[PATH_MAX];
	char		 self[PATH_MAX], err[PATH_MAX + 256], dflt[PATH_MAX];
	int		 i, cgi = 0, rc = CLI_FAIL, root = -1, r;
	int		 fresh;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--cgi") == 0)
			cgi = 1;
		else if (strcmp(argv[i], "--console") == 0)
			console = "/scimlet/admin";
		else if (strcmp(argv[i], "--mount") == 0 ||
		    strcmp(argv[i], "--db") == 0 ||
		    strcmp(argv[i], "--url") == 0 ||
		    strcmp(argv[i], "--worker") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0')
				return cli_bad(CMD, "%s: missing value",
				    argv[i]);
			if (argv[i][2] == 'm')
				mount = argv[++i];
			else if (argv[i][2] == 'd')
				db = argv[++i];
			else if (argv[i][2] == 'u')
				url = argv[++i];
			else
				worker = argv[++i];
		} else if (argv[i][0] == '-')
			return cli_bad(CMD, "unknown option '%s'", argv[i]);
		else if (docroot == NULL)
			docroot = argv[i];
		else
			return cli_bad(CMD, "unexpected argument '%s'",
			    argv[i]);
	}
	if (docroot == NULL || docroot[0] == '\0')
		return cli_bad(CMD, "missing argument DOCROOT");
	if (mount_ok(mount) == -1)
		return cli_bad(CMD, "--mount: '%s' is not a path like /scim/v2 "
		    "(letters, digits, '_', '-', '.')", mount);
	if (url != NULL && ((strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0) || has_cntrl(url) ||
	    strlen(url) > 1000))
		return cli_bad(CMD, "--url: '%s' is not an http(s):// URL",
		    url);
	if (db == NULL || db[0] == '\0') {
		if ((home = getenv("HOME")) == NULL || home[0] != '/')
			return cli_bad(CMD, "no --db DIR, and no HOME for "
			    "the default ~/scimlet/db");
		snprintf(dflt, sizeof(dflt), "%s/scimlet/db", home);
		db = dflt;
	}

	/* Check everything first: a refusal changes nothing. */
	if (stat(docroot, &sb) == -1 || canon(docroot, droot, sizeof(droot)) ==
	    -1)
		return fail("DOCROOT %s: %s", docroot, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return fail("DOCROOT %s: not a directory", docroot);
	if (canon(db, dbc, sizeof(dbc)) == -1)
		return fail("--db %s: %s", db, strerror(errno));
	if (has_cntrl(dbc) || has_cntrl(droot))
		return fail("a path holds a control character");
	if (inside(dbc, droot))
		return fail("the database %s is inside the document root %s, "
		    "where the web server could serve its files: give --db "
		    "a directory outside it", dbc, droot);
	if (stat(dbc, &sb) == 0 && !S_ISDIR(sb.st_mode))
		return fail("--db %s is not a directory", dbc);
	self_path(argv0, self, sizeof(self));
	if (worker != NULL) {
		if (canon(worker, wk, sizeof(wk)) == -1 || !is_prog(wk))
			return fail("--worker %s: not an executable file",
			    worker);
	} else if (find_worker(self, wk, sizeof(wk)) == -1)
		return fail("cannot find scimlet.fcgi beside %s or in "
		    "../libexec from it: give --worker PATH", self);
	if (has_cntrl(wk))
		return fail("a path holds a control character");
	if (console != NULL && (strncmp(mount, console, strlen(console)) == 0 ||
	    strncmp(console, mount, strlen(mount)) == 0))
		return fail("--mount %s and the console's %s overlap", mount,
		    console);
	if (console != NULL && find_console(self, cdir, sizeof(cdir)) == -1)
		return fail("cannot find the console's files (index.html) in "
		    "../share/scimlet/console, ../share/console or "
		    "../www/console from %s", self);
	if (console != NULL && has_cntrl(cdir))
		return fail("a path holds a control character");
	if ((root = open(droot, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return fail("%s: %s", droot, strerror(errno));

	ht_block(&blk, mount, cgi, console);
	if ((r = slurp(root, ".htaccess", ".htaccess", HT_MAX, &old, err,
	    sizeof(err))) == -1) {
		rc = fail("%s/%s", droot, err);
		goto out;
	}
	if (ht_merge(r == 0 ? old.bf_p : NULL, old.bf_len, blk.bf_p, mount,
	    &ht, &how, err, sizeof(err)) == -1) {
		rc = fail("%s/.htaccess: %s", droot, err);
		goto out;
	}
	if (wr_may(root, droot, mount) == -1 ||
	    (console != NULL && wr_may(root, droot, console) == -1))
		goto out;
	wrapper(&wr, dbc, wk, NULL);
	if (console != NULL)
		wrapper(&cwr, dbc, wk, cdir);
	if (ht.bf_bad || wr.bf_bad || blk.bf_bad || cwr.bf_bad) {
		rc = fail("out of memory");
		goto out;
	}

	/* The database first, then the wrapper, then the rule to it. */
	fresh = stat(dbc, &sb) == -1;
	if (mkparents(dbc, err, sizeof(err)) == -1 ||
	    store_open(dbc, STORE_CREATE, &st, err, sizeof(err)) != SCIM_OK) {
		fprintf(stderr, "scimlet: %s: %s\n", CMD, err);
		goto out;
	}
	if (store_act_open(st) != SCIM_OK) {
		fprintf(stderr, "scimlet: %s: %s: cannot open the activity "
		    "file\n", CMD, dbc);
		goto out;
	}
	if (wr_write(root, mount, &wr, err, sizeof(err)) == -1 ||
	    (console != NULL && wr_write(root, console, &cwr, err,
	    sizeof(err)) == -1) ||
	    put(root, ".htaccess", &ht, 0644, err, sizeof(err)) == -1) {
		fprintf(stderr, "scimlet: %s: %s\n", CMD, err);
		goto out;
	}

	printf("%s: database %s\n", dbc, fresh ? "created" : "ready (it "
	    "existed)");
	printf("%s%s: wrapper written (worker %s)\n", droot, mount, wk);
	if (console != NULL)
		printf("%s%s: wrapper written (the console, its files in "
		    "%s)\n", droot, console, cdir);
	printf("%s/.htaccess: %s\n", droot, how);
	if (url != NULL)
		printf("Tenant URL: %.*s%s\n", (int)(strlen(url) -
		    (url[strlen(url) - 1] == '/')), url, mount);
	else
		printf("Tenant URL: https://YOUR-HOST%s\n"
		    "  (YOUR-HOST: the host name %s is served under; "
		    "--url https://HOST prints it whole)\n", mount, droot);
	printf("Next, as the user the worker runs as, add a tenant and issue "
	    "its token:\n  %s --db %s tenant add TENANT\n"
	    "  %s --db %s token issue TENANT\n"
	    "and give the identity provider the Tenant URL and that token "
	    "(Entra: Provisioning, Admin Credentials, Secret Token).\n",
	    self, dbc, self, dbc);
	if (console != NULL)
		printf("The console: %.*s%s/ (sign in with a credential from "
		    "%s --db %s admin issue --operator)\n", url != NULL ?
		    (int)(strlen(url) - (url[strlen(url) - 1] == '/')) : 17,
		    url != NULL ? url : "https://YOUR-HOST", console, self, dbc);
	if (geteuid() == 0)
		fprintf(stderr, "scimlet: %s: run as root: the database and "
		    "the wrapper belong to root; chown them to the user the "
		    "worker runs as\n", CMD);
	rc = CLI_OK;
out:
	store_close(st);
	if (root >= 0)
		close(root);
	free(ht.bf_p);
	free(old.bf_p);
	free(wr.bf_p);
	free(cwr.bf_p);
	free(blk.bf_p);
	return rc;
}
