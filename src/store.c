/*
 * store.c: the LMDB environment: opening, closing, transactions, errors,
 * and the test build's fault hook.  The keyspace primitives (key packing,
 * cursor walks) are in store_keys.c; resources, index and membership in
 * store_res.c; tenants, tokens, roles and the audit log in store_log.c;
 * the change feeds in store_feed.c; the activity log in store_act.c;
 * delivery cursors in store_deliver.c.  Nothing outside these files calls
 * mdb_* (and the library's src/lib/scimlet.c only through them).
 *
 * Keys (all integers big-endian):
 *   tenants    name                                  -> tenant JSON
 *   tokens     SHA-256(token)                        -> token JSON
 *   resources  tenant(4) type(1) id(16)              -> resource JSON
 *   index      tenant(4) type(1) attr(1) value|0xff+SHA-256(value)
 *                                                    -> id(16), dupsort
 *   members    tenant(4) group(16) member(16)      -> type(1) display
 *   memberof   tenant(4) member(16) group(16)      -> (empty)
 *   roles      tenant(4) kind(1) folded incoming   -> application role
 *   audit      tenant(4) sequence(8)               -> entry JSON
 *   changes    sequence(8)                         -> change JSON
 *   activity   tenant(4) time µs(8) request id(8)  -> record JSON
 *   feed       tenant(4) sequence(8)               -> change JSON
 *   meta       "format", "next_tenant", "last_change",
 *              "anchor:" tenant(4), "acount:" tenant(4),
 *              "fseq:" tenant(4),
 *              "deliver:" tenant(4) SHA-256(url),
 *              "used:" token id                     -> small values
 * and in activity.mdb, the records of requests that changed nothing
 * (store_act.c).
 *
 * 0xff never occurs in UTF-8, so a hashed index value cannot collide with
 * an inline one.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/vfs.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

#define STORE_FORMAT	"1"
#define STORE_MAXREADERS 510

/* Filesystems LMDB must not live on (statfs f_type). */
static const struct {
	long		 magic;
	const char	*name;
} remote_fs[] = {
	{ 0x6969, "NFS" },
	{ 0xff534d42, "CIFS" },
	{ 0xfe534d42, "SMB2" },
	{ 0x517b, "SMB" },
	{ 0x65735546, "FUSE" },
};

/*
 * Turn an LMDB result into ours.  Unexpected codes are logged with where
 * they happened; the client only ever sees a generic 500.
 */
enum scim_err
store_err(int rc, const char *where)
{
	switch (rc) {
	case MDB_SUCCESS:
		return SCIM_OK;
	case MDB_NOTFOUND:
		return SCIM_ENOTFOUND;
	case MDB_KEYEXIST:
		return SCIM_EUNIQUE;
	case MDB_MAP_FULL:
		log_warnx("%s: database map is full: raise SCIMLET_MAP_SIZE",
		    where);
		return SCIM_EFULL;
	case ENOMEM:
		return SCIM_ENOMEM;
	default:
		log_warnx("%s: %s", where, mdb_strerror(rc));
		return SCIM_ESTORE;
	}
}

/* A message for the operator into err; a cut one ends in "...". */
static void __attribute__((format(printf, 3, 4)))
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (n < 0)
		err[0] = '\0';
	else if ((size_t)n >= errlen && errlen > 4)
		memcpy(err + errlen - 4, "...", 4);
}

/* Who we run as, for messages about permissions. */
static const char *
whoami(char *buf, size_t len)
{
	struct passwd	*pw;
	int		 n;

	if ((pw = getpwuid(geteuid())) != NULL && pw->pw_name != NULL)
		return pw->pw_name;
	n = snprintf(buf, len, "uid %lu", (unsigned long)geteuid());
	return n > 0 && (size_t)n < len ? buf : "?";
}

static int
store_is_remote(const char *dir, char *err, size_t errlen)
{
	struct statfs	sfs;
	size_t		i;

	if (statfs(dir, &sfs) == -1)
		return 0;
	for (i = 0; i < sizeof(remote_fs) / sizeof(remote_fs[0]); i++) {
		if ((long)sfs.f_type == remote_fs[i].magic) {
			say(err, errlen, "%s is on %s: LMDB needs a local "
			    "filesystem", dir, remote_fs[i].name);
			return 1;
		}
	}
	return 0;
}

static int
store_dbis(struct store *st, MDB_txn *txn, unsigned int flags)
{
	int	rc;

	if ((rc = mdb_dbi_open(txn, "tenants", flags, &st->st_tenants)) ||
	    (rc = mdb_dbi_open(txn, "tokens", flags, &st->st_tokens)) ||
	    (rc = mdb_dbi_open(txn, "resources", flags, &st->st_resources)) ||
	    (rc = mdb_dbi_open(txn, "index",
	    flags | MDB_DUPSORT | MDB_DUPFIXED, &st->st_index)) ||
	    (rc = mdb_dbi_open(txn, "members", flags, &st->st_members)) ||
	    (rc = mdb_dbi_open(txn, "memberof", flags, &st->st_memberof)) ||
	    (rc = mdb_dbi_open(txn, "roles", flags, &st->st_roles)) ||
	    (rc = mdb_dbi_open(txn, "audit", flags, &st->st_audit)) ||
	    (rc = mdb_dbi_open(txn, "changes", flags, &st->st_changes)) ||
	    (rc = mdb_dbi_open(txn, "activity", flags, &st->st_activity)) ||
	    (rc = mdb_dbi_open(txn, "feed", flags, &st->st_feed)) ||
	    (rc = mdb_dbi_open(txn, "meta", flags, &st->st_meta)))
		return rc;
	return 0;
}

/*
 * Open the named databases.  A worker first tries a read transaction (no
 * writer lock); only a database made by an older version, missing some,
 * needs a write transaction to create them.
 */
static int
store_open_dbis(struct store *st, int create, char *err, size_t errlen)
{
	MDB_txn	*txn;
	MDB_val	 k, v;
	int	 rc;

	if (!create) {
		if ((rc = mdb_txn_begin(st->st_env, NULL, MDB_RDONLY, &txn)))
			goto fail;
		if ((rc = store_dbis(st, txn, 0)) == 0) {
			k.mv_data = "format";
			k.mv_size = 6;
			rc = mdb_get(txn, st->st_meta, &k, &v);
			if (rc == 0 && (v.mv_size != strlen(STORE_FORMAT) ||
			    memcmp(v.mv_data, STORE_FORMAT, v.mv_size))) {
				mdb_txn_abort(txn);
				say(err, errlen, "database format is newer "
				    "than this scimlet");
				return -1;
			}
			if (rc == 0)
				return mdb_txn_commit(txn) == 0 ? 0 : -1;
		}
		mdb_txn_abort(txn);
		if (rc != MDB_NOTFOUND)
			goto fail;
	}
	if ((rc = mdb_txn_begin(st->st_env, NULL, 0, &txn)))
		goto fail;
	if ((rc = store_dbis(st, txn, MDB_CREATE))) {
		mdb_txn_abort(txn);
		goto fail;
	}
	k.mv_data = "format";
	k.mv_size = 6;
	v.mv_data = STORE_FORMAT;
	v.mv_size = strlen(STORE_FORMAT);
	if ((rc = mdb_put(txn, st->st_meta, &k, &v, 0))) {
		mdb_txn_abort(txn);
		goto fail;
	}
	if ((rc = mdb_txn_commit(txn)))	/* frees txn, even on failure */
		goto fail;
	return 0;
fail:
	say(err, errlen, "cannot open databases: %s", mdb_strerror(rc));
	return -1;
}

/*
 * Is there a database in dir?  A missing one wants `scimlet init`; one
 * we may not reach wants permissions fixed, and says who we are.
 */
static int
store_exists(const char *dir, char *err, size_t errlen)
{
	struct stat	 sb;
	char		 path[PATH_MAX], ub[32];
	int		 n, saved;

	n = snprintf(path, sizeof(path), "%s/data.mdb", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		say(err, errlen, "database directory name too long");
		return -1;
	}
	if (stat(path, &sb) == 0)
		return 0;
	if ((saved = errno) == ENOENT) {
		say(err, errlen, "no database in %s: run `scimlet --db %s init`",
		    dir, dir);
		return -1;
	}
	say(err, errlen, "cannot use the database in %s: %s (running as "
	    "user %s)", dir, strerror(saved), whoami(ub, sizeof(ub)));
	return -1;
}

enum scim_err
store_open(const char *dir, int flags, struct store **out, char *err,
    size_t errlen)
{
	struct store		*st;
	const char		*ms;
	char			 ub[32];
	unsigned long long	 mapsize = STORE_MAPSIZE_DEFAULT;
	long long		 v;
	int			 rc, dead;

	*out = NULL;
	if (flags & STORE_CREATE) {
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			say(err, errlen, "cannot create %s: %s", dir,
			    strerror(errno));
			return SCIM_ECONFIG;
		}
		if (store_is_remote(dir, err, errlen))
			return SCIM_ECONFIG;
	} else if (store_exists(dir, err, errlen) == -1)
		return SCIM_ECONFIG;
	if ((ms = getenv("SCIMLET_MAP_SIZE")) != NULL) {
		if (util_strtonum(ms, 1 << 20, LLONG_MAX, &v) == -1) {
			say(err, errlen, "SCIMLET_MAP_SIZE: not a size in "
			    "bytes of at least 1 MiB");
			return SCIM_ECONFIG;
		}
		mapsize = (unsigned long long)v;
	}

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->st_act_pend = calloc(ACT_BATCH, sizeof(*st->st_act_pend))) ==
	    NULL) {
		free(st);
		say(err, errlen, "out of memory");
		return SCIM_ENOMEM;
	}
	if ((rc = mdb_env_create(&st->st_env)) ||
	    (rc = mdb_env_set_maxdbs(st->st_env, 16)) ||
	    (rc = mdb_env_set_maxreaders(st->st_env, STORE_MAXREADERS)) ||
	    (rc = mdb_env_set_mapsize(st->st_env, (size_t)mapsize)) ||
	    (rc = mdb_env_open(st->st_env, dir, (flags & STORE_READONLY) ?
	    MDB_RDONLY | MDB_NOTLS : 0, 0600))) {
		if (rc == EACCES || rc == EPERM || rc == EROFS)
			say(err, errlen, "cannot open database %s: %s "
			    "(running as user %s)", dir, mdb_strerror(rc),
			    whoami(ub, sizeof(ub)));
		else
			say(err, errlen, "cannot open database %s: %s", dir,
			    mdb_strerror(rc));
		store_close(st);
		return SCIM_ECONFIG;
	}
	st->st_mapsize = (size_t)mapsize;
	st->st_readonly = (flags & STORE_READONLY) != 0;
	/* Web servers kill idle workers: clear the slots they held. */
	if (mdb_reader_check(st->st_env, &dead) == 0 && dead > 0)
		log_warnx("cleared %d stale reader slot(s)", dead);
	if (store_open_dbis(st, flags & STORE_CREATE, err, errlen) == -1) {
		store_close(st);
		return SCIM_ECONFIG;
	}
	*out = st;
	return SCIM_OK;
}

/* End tx (committed or aborted by LMDB already): unlink and free it. */
static void
txn_free(struct store_txn *tx)
{
	if ((*tx->tx_prevp = tx->tx_next) != NULL)
		tx->tx_next->tx_prevp = tx->tx_prevp;
	free(tx);
}

int
store_reclaim(struct store *st, int *lost)
{
	struct store_txn	*tx;
	int			 n = 0;

	if (lost != NULL)
		*lost = 0;
	while ((tx = st->st_open) != NULL) {
		log_warnx("a %s transaction was left open: aborted",
		    tx->tx_write ? "write" : "read");
		if (tx->tx_write && lost != NULL)
			*lost = 1;
		store_abort(&tx);
		n++;
	}
	return n;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	/*
	 * Closing unmaps the lock region: a writer lock still held then
	 * could never be recovered, not even when this process dies.
	 */
	store_reclaim(st, NULL);
	if (st->st_spare != NULL) {
		mdb_txn_abort(st->st_spare->tx_txn);
		free(st->st_spare);
		st->st_spare = NULL;
	}
	store_act_flush(st);
	free(st->st_act_pend);
	/*
	 * No sync of the activity file here: the flush above synced it if
	 * the last sync was long enough ago.  A CGI request closes the
	 * store every time, and must not pay an fsync for its record.
	 */
	if (st->st_act_env != NULL)
		mdb_env_close(st->st_act_env);
	if (st->st_env != NULL)
		mdb_env_close(st->st_env);
	free(st);
}

/* Is dir an empty directory (1), a non-empty one (0), or neither (-1)? */
static int
dir_empty(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	int		 empty = 1;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

/*
 * Is path (that may not exist yet) at or below dir?  Both are resolved:
 * a path that does not exist by its parent directory.
 */
static int
path_under(const char *path, const char *dir)
{
	char	rdir[PATH_MAX], rpath[PATH_MAX], parent[PATH_MAX], *slash;
	size_t	n;

	if (realpath(dir, rdir) == NULL)
		return 0;
	if (realpath(path, rpath) == NULL) {
		if (util_strlcpy(parent, path, sizeof(parent)) >=
		    sizeof(parent))
			return 0;
		/* Strip trailing slashes, then the last component. */
		for (n = strlen(parent); n > 1 && parent[n - 1] == '/'; n--)
			parent[n - 1] = '\0';
		if ((slash = strrchr(parent, '/')) == NULL)
			util_strlcpy(parent, ".", sizeof(parent));
		else if (slash == parent)
			parent[1] = '\0';
		else
			*slash = '\0';
		if (realpath(parent, rpath) == NULL)
			return 0;
	}
	n = strlen(rdir);
	return strncmp(rpath, rdir, n) == 0 &&
	    (rpath[n] == '\0' || rpath[n] == '/' || strcmp(rdir, "/") == 0);
}

enum scim_err
store_backup(struct store *st, const char *dest, char *err, size_t errlen)
{
	const char	*dir = NULL;
	char		 path[PATH_MAX];
	int		 rc, created = 0, n;

	if (mdb_env_get_path(st->st_env, &dir) != 0 || dir == NULL) {
		say(err, errlen, "cannot tell where the database is");
		return SCIM_ESTORE;
	}
	if (path_under(dest, dir)) {
		say(err, errlen, "%s is inside the database directory %s: "
		    "choose a directory outside it", dest, dir);
		return SCIM_ECONFIG;
	}
	n = snprintf(path, sizeof(path), "%s/data.mdb", dest);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		say(err, errlen, "backup directory name too long");
		return SCIM_ECONFIG;
	}
	if (mkdir(dest, 0700) == 0)
		created = 1;
	else if (errno != EEXIST) {
		say(err, errlen, "cannot create %s: %s", dest,
		    strerror(errno));
		return SCIM_ECONFIG;
	} else if ((rc = dir_empty(dest)) != 1) {
		say(err, errlen, "%s %s", dest, rc == 0 ? "exists and is not "
		    "empty: give a new or empty directory" : "exists and is "
		    "not a directory we can read");
		return SCIM_ECONFIG;
	}
	if (store_is_remote(dest, err, errlen)) {
		if (created)
			rmdir(dest);
		return SCIM_ECONFIG;
	}
	/*
	 * One read transaction for the whole copy: a consistent snapshot,
	 * while writers go on.  Compaction leaves out free pages.
	 */
	if ((rc = mdb_env_copy2(st->st_env, dest, MDB_CP_COMPACT)) != 0) {
		say(err, errlen, "cannot copy the database to %s: %s", dest,
		    mdb_strerror(rc));
		unlink(path);
		if (created)
			rmdir(dest);
		return SCIM_ESTORE;
	}
	if (chmod(path, 0600) == -1) {
		say(err, errlen, "%s: %s", path, strerror(errno));
		return SCIM_ESTORE;
	}
	return store_act_backup(st, dest, err, errlen);
}

/* The format version stored in meta "format" (STORE_FORMAT) into out. */
enum scim_err
store_format(struct store_txn *tx, char *out, size_t len)
{
	MDB_val	k, v;
	int	rc;

	if (len == 0)
		return SCIM_ESTORE;
	out[0] = '\0';
	k.mv_data = "format";
	k.mv_size = 6;
	if ((rc = s_get(tx, tx->tx_store->st_meta, &k, &v)) != 0)
		return store_err(rc, "database format");
	if (v.mv_size == 0 || v.mv_size >= len)
		return SCIM_ESTORE;
	memcpy(out, v.mv_data, v.mv_size);
	out[v.mv_size] = '\0';
	return SCIM_OK;
}

int
store_reader_check(struct store *st)
{
	int	dead = 0;

	if (mdb_reader_check(st->st_env, &dead) != 0)
		return 0;
	return dead;
}

static int
spare_renew(struct store_txn *tx)
{
	FAULT_CALL(tx, FAULT_READ, "txn_begin");
	return mdb_txn_renew(tx->tx_txn);
}

static int
txn_begin(struct store_txn *tx)
{
	FAULT_CALL(tx, FAULT_READ, "txn_begin");
	return mdb_txn_begin(tx->tx_store->st_env, NULL, tx->tx_write ? 0 :
	    MDB_RDONLY, &tx->tx_txn);
}

enum scim_err
store_begin_shared(struct store *st, struct store_txn **out)
{
	struct store_txn	*tx;
	int			 rc;

	*out = NULL;
	if (!st->st_readonly)
		return SCIM_ESTORE;
	if ((tx = calloc(1, sizeof(*tx))) == NULL)
		return SCIM_ENOMEM;
	tx->tx_store = st;
	/* Off the list: store_abort() unlinks it from itself. */
	tx->tx_prevp = &tx->tx_self;
	if ((rc = txn_begin(tx)) != 0) {
		free(tx);
		return store_err(rc, "begin transaction");
	}
	*out = tx;
	return SCIM_OK;
}

enum scim_err
store_begin(struct store *st, int write, struct store_txn **out)
{
	struct store_txn	*tx;
	int			 rc;

	*out = NULL;
	/*
	 * A read transaction reuses the handle of the last one (reset, not
	 * freed): a request begins a few, and a begin is an allocation and
	 * a copy of every database's record otherwise.
	 */
	if (!write && !st->st_readonly && (tx = st->st_spare) != NULL) {
		st->st_spare = NULL;
		if ((rc = spare_renew(tx)) == 0)
			goto opened;
		mdb_txn_abort(tx->tx_txn);
		free(tx);
		/* A grown map: a fresh begin adopts it (below). */
		if (rc != MDB_MAP_RESIZED)
			return store_err(rc, "begin transaction");
	}
	if ((tx = calloc(1, sizeof(*tx))) == NULL)
		return SCIM_ENOMEM;
	tx->tx_store = st;
	tx->tx_write = write != 0;
	/*
	 * Another process grew the database past our map (a larger
	 * SCIMLET_MAP_SIZE): adopt the size it set, then try again.  No
	 * transaction of ours may be open meanwhile (LMDB's rule).
	 */
	if ((rc = txn_begin(tx)) == MDB_MAP_RESIZED && st->st_open == NULL &&
	    (rc = mdb_env_set_mapsize(st->st_env, 0)) == 0) {
		log_warnx("the database grew past this process's map: "
		    "adopted its new size");
		rc = txn_begin(tx);
	}
	if (rc != 0) {
		free(tx);
		return store_err(rc, "begin transaction");
	}
opened:
	if ((tx->tx_next = st->st_open) != NULL)
		st->st_open->tx_prevp = &tx->tx_next;
	tx->tx_prevp = &st->st_open;
	st->st_open = tx;
	*out = tx;
	return SCIM_OK;
}

static int
nested_begin(struct store_txn *tx, struct store_txn *parent)
{
	FAULT_CALL(tx, FAULT_WRITE, "txn_begin");
	return mdb_txn_begin(tx->tx_store->st_env, parent->tx_txn, 0,
	    &tx->tx_txn);
}

/*
 * A write transaction nested in parent (a Bulk request's, src/bulk.c):
 * its commit merges it into the parent, without a sync; its abort undoes
 * it alone.  The parent may not be used until it ends.
 */
enum scim_err
store_begin_nested(struct store_txn *parent, struct store_txn **out)
{
	struct store		*st = parent->tx_store;
	struct store_txn	*tx;
	int			 rc;

	*out = NULL;
	if (!parent->tx_write)
		return SCIM_ESTORE;
	if ((tx = calloc(1, sizeof(*tx))) == NULL)
		return SCIM_ENOMEM;
	tx->tx_store = st;
	tx->tx_write = 1;
	if ((rc = nested_begin(tx, parent)) != 0) {
		free(tx);
		return store_err(rc, "begin nested transaction");
	}
	/* First on the list: store_reclaim() ends it before its parent. */
	if ((tx->tx_next = st->st_open) != NULL)
		st->st_open->tx_prevp = &tx->tx_next;
	tx->tx_prevp = &st->st_open;
	st->st_open = tx;
	*out = tx;
	return SCIM_OK;
}

static int
txn_commit(struct store_txn *tx)
{
#ifdef SCIMLET_FAULTS
	int	rc;

	if ((rc = store_fault_call(tx, tx->tx_write ? FAULT_WRITE :
	    FAULT_READ, "commit")) != 0) {
		mdb_txn_abort(tx->tx_txn);	/* as a failed commit does */
		return rc;
	}
	if ((rc = mdb_txn_commit(tx->tx_txn)) == 0 && tx->tx_write)
		tx->tx_store->st_fault_committed = 1;
	return rc;
#else
	return mdb_txn_commit(tx->tx_txn);
#endif
}

enum scim_err
store_commit(struct store_txn **txp)
{
	struct store_txn	*tx = *txp;
	int			 rc;

	*txp = NULL;

	rc = txn_commit(tx);
	txn_free(tx);
	return store_err(rc, "commit");
}

void
store_abort(struct store_txn **txp)
{
	struct store_txn	*tx = *txp;

	if (tx == NULL)
		return;
	*txp = NULL;
	/* A read transaction of ours: kept, reset, for the next. */
	if (!tx->tx_write && tx->tx_prevp != &tx->tx_self &&
	    !tx->tx_store->st_readonly && tx->tx_store->st_spare == NULL) {
		if ((*tx->tx_prevp = tx->tx_next) != NULL)
			tx->tx_next->tx_prevp = tx->tx_prevp;
		tx->tx_next = NULL;
		tx->tx_prevp = NULL;
		mdb_txn_reset(tx->tx_txn);
#ifdef SCIMLET_FAULTS
		tx->tx_broken = 0;	/* the next one starts whole */
#endif
		tx->tx_store->st_spare = tx;
		return;
	}
	mdb_txn_abort(tx->tx_txn);
	txn_free(tx);
}

#ifdef SCIMLET_FAULTS
/*
 * The fault hook of the test build: count the calls that can fail the
 * armed way and make the nth one fail.  An injected error leaves its
 * transaction unusable, as LMDB does after a failed call (MDB_TXN_ERROR):
 * later calls in it and its commit give MDB_BAD_TXN.
 */
void
store_fault_arm(struct store *st, unsigned n, int kind)
{
	st->st_fault_n = n;
	st->st_fault_kind = kind;
	st->st_fault_calls = 0;
	st->st_fault_committed = 0;
	st->st_fault_fired[0] = '\0';
}

unsigned
store_fault_disarm(struct store *st, const char **fired)
{
	unsigned	n = st->st_fault_calls;

	if (fired != NULL)
		*fired = st->st_fault_kind != 0 &&
		    st->st_fault_fired[0] != '\0' ? st->st_fault_fired : NULL;
	st->st_fault_n = 0;
	st->st_fault_kind = 0;
	st->st_fault_calls = 0;
	st->st_fault_committed = 0;
	return n;
}

/* Is this call the armed one?  Then note what it was. */
static int
fault_due(struct store *st, const char *name)
{
	int	n;

	if (st->st_fault_kind == 0)
		return 0;
	if (++st->st_fault_calls != st->st_fault_n)
		return 0;
	n = snprintf(st->st_fault_fired, sizeof(st->st_fault_fired), "%s%s",
	    name, st->st_fault_committed ? "+after-commit" : "");
	if (n < 0 || (size_t)n >= sizeof(st->st_fault_fired))
		st->st_fault_fired[0] = '?';
	return 1;
}

int
store_fault_call(struct store_txn *tx, int what, const char *name)
{
	struct store	*st = tx->tx_store;
	int		 rc;

	if (tx->tx_broken)
		return MDB_BAD_TXN;
	switch (st->st_fault_kind) {
	case STORE_FAULT_EIO:
		rc = EIO;
		break;
	case STORE_FAULT_MAPFULL:
		if (what != FAULT_WRITE)
			return 0;
		rc = MDB_MAP_FULL;
		break;
	default:
		return 0;
	}
	if (!fault_due(st, name))
		return 0;
	log_warnx("fault: %s fails (call %u)", name, st->st_fault_calls);
	tx->tx_broken = 1;
	return rc;
}

/* A corrupt record: the value cut in half is never valid JSON. */
void
store_fault_json(struct store_txn *tx, MDB_val *v)
{
	struct store	*st = tx->tx_store;

	if (st->st_fault_kind != STORE_FAULT_CORRUPT ||
	    !fault_due(st, "record"))
		return;
	log_warnx("fault: a record read is corrupt (read %u)",
	    st->st_fault_calls);
	v->mv_size /= 2;
}
#endif /* SCIMLET_FAULTS */
