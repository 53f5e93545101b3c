/*
 * store.c: the LMDB environment and keyspace.  The only user of mdb_*.
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
 *   meta       "format", "next_tenant"              -> small values
 *
 * 0xff never occurs in UTF-8, so a hashed index value cannot collide with
 * an inline one.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/vfs.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <lmdb.h>
#include <openssl/sha.h>

#include "log.h"
#include "store.h"
#include "util.h"

#define STORE_FORMAT	"1"
#define STORE_MAXREADERS 510
#define STORE_PREFIX	5	/* tenant(4) type(1) */

struct store {
	MDB_env		*st_env;
	MDB_dbi		 st_tenants;
	MDB_dbi		 st_tokens;
	MDB_dbi		 st_resources;
	MDB_dbi		 st_index;
	MDB_dbi		 st_members;
	MDB_dbi		 st_memberof;
	MDB_dbi		 st_roles;
	MDB_dbi		 st_audit;
	MDB_dbi		 st_changes;
	MDB_dbi		 st_meta;
};

struct store_txn {
	struct store	*tx_store;
	MDB_txn		*tx_txn;
};

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
static enum scim_err
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

static int
store_is_remote(const char *dir, char *err, size_t errlen)
{
	struct statfs	sfs;
	size_t		i;

	if (statfs(dir, &sfs) == -1)
		return 0;
	for (i = 0; i < sizeof(remote_fs) / sizeof(remote_fs[0]); i++) {
		if ((long)sfs.f_type == remote_fs[i].magic) {
			snprintf(err, errlen, "%s is on %s: LMDB needs a local "
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
				snprintf(err, errlen, "database format is newer "
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
	snprintf(err, errlen, "cannot open databases: %s", mdb_strerror(rc));
	return -1;
}

enum scim_err
store_open(const char *dir, int flags, struct store **out, char *err,
    size_t errlen)
{
	struct store		*st;
	struct stat		 sb;
	char			 path[PATH_MAX];
	const char		*ms;
	unsigned long long	 mapsize = STORE_MAPSIZE_DEFAULT;
	long long		 v;
	int			 rc, dead;

	*out = NULL;
	if (flags & STORE_CREATE) {
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", dir,
			    strerror(errno));
			return SCIM_ECONFIG;
		}
		if (store_is_remote(dir, err, errlen))
			return SCIM_ECONFIG;
	} else {
		if (snprintf(path, sizeof(path), "%s/data.mdb", dir) >=
		    (int)sizeof(path) || stat(path, &sb) == -1) {
			snprintf(err, errlen, "no database in %s: run "
			    "`scimlet --db %s init`", dir, dir);
			return SCIM_ECONFIG;
		}
	}
	if ((ms = getenv("SCIMLET_MAP_SIZE")) != NULL) {
		if (util_strtonum(ms, 1 << 20, LLONG_MAX, &v) == -1) {
			snprintf(err, errlen, "SCIMLET_MAP_SIZE: not a size in "
			    "bytes of at least 1 MiB");
			return SCIM_ECONFIG;
		}
		mapsize = (unsigned long long)v;
	}

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SCIM_ENOMEM;
	}
	if ((rc = mdb_env_create(&st->st_env)) ||
	    (rc = mdb_env_set_maxdbs(st->st_env, 16)) ||
	    (rc = mdb_env_set_maxreaders(st->st_env, STORE_MAXREADERS)) ||
	    (rc = mdb_env_set_mapsize(st->st_env, (size_t)mapsize)) ||
	    (rc = mdb_env_open(st->st_env, dir, 0, 0600))) {
		snprintf(err, errlen, "cannot open database %s: %s", dir,
		    mdb_strerror(rc));
		store_close(st);
		return SCIM_ECONFIG;
	}
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

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->st_env != NULL)
		mdb_env_close(st->st_env);
	free(st);
}

int
store_reader_check(struct store *st)
{
	int	dead = 0;

	if (mdb_reader_check(st->st_env, &dead) != 0)
		return 0;
	return dead;
}

enum scim_err
store_begin(struct store *st, int write, struct store_txn **out)
{
	struct store_txn	*tx;
	int			 rc;

	*out = NULL;
	if ((tx = calloc(1, sizeof(*tx))) == NULL)
		return SCIM_ENOMEM;
	tx->tx_store = st;
	rc = mdb_txn_begin(st->st_env, NULL, write ? 0 : MDB_RDONLY,
	    &tx->tx_txn);
	if (rc != 0) {
		free(tx);
		return store_err(rc, "begin transaction");
	}
	*out = tx;
	return SCIM_OK;
}

enum scim_err
store_commit(struct store_txn **txp)
{
	struct store_txn	*tx = *txp;
	int			 rc;

	*txp = NULL;

	rc = mdb_txn_commit(tx->tx_txn);
	free(tx);
	return store_err(rc, "commit");
}

void
store_abort(struct store_txn **txp)
{
	struct store_txn	*tx = *txp;

	if (tx == NULL)
		return;
	*txp = NULL;
	mdb_txn_abort(tx->tx_txn);
	free(tx);
}

/* Tenants. */

static enum scim_err
tenant_parse(const MDB_val *k, const MDB_val *v, struct tenant *t,
    char *created, size_t createdlen)
{
	cJSON	*doc, *id, *cr, *pr;

	if ((doc = cJSON_ParseWithLength(v->mv_data, v->mv_size)) == NULL)
		return SCIM_ESTORE;
	id = cJSON_GetObjectItemCaseSensitive(doc, "id");
	cr = cJSON_GetObjectItemCaseSensitive(doc, "created");
	pr = cJSON_GetObjectItemCaseSensitive(doc, "role-source");
	util_strlcpy(t->tn_rolesource, cJSON_IsString(pr) ? pr->valuestring :
	    "", sizeof(t->tn_rolesource));
	pr = cJSON_GetObjectItemCaseSensitive(doc, "role-default");
	util_strlcpy(t->tn_roledefault, cJSON_IsString(pr) ? pr->valuestring :
	    "", sizeof(t->tn_roledefault));
	pr = cJSON_GetObjectItemCaseSensitive(doc, "role-unknown");
	t->tn_rolereject = cJSON_IsString(pr) &&
	    strcmp(pr->valuestring, "reject") == 0;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "max-results");
	t->tn_maxresults = cJSON_IsString(pr) ? atoll(pr->valuestring) : 0;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "patch-response");
	t->tn_flags = 0;
	if (cJSON_IsString(pr) && strcmp(pr->valuestring, "no-content") == 0)
		t->tn_flags |= TENANT_PATCH_204;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "unknown-members");
	if (cJSON_IsString(pr) && strcmp(pr->valuestring, "skip") == 0)
		t->tn_flags |= TENANT_SKIP_UNKNOWN;
	if (!cJSON_IsNumber(id) || k->mv_size > SCIM_TENANT_MAX) {
		cJSON_Delete(doc);
		return SCIM_ESTORE;
	}
	t->tn_id = (uint32_t)id->valuedouble;
	memcpy(t->tn_name, k->mv_data, k->mv_size);
	t->tn_name[k->mv_size] = '\0';
	if (created != NULL)
		util_strlcpy(created, cJSON_IsString(cr) ? cr->valuestring :
		    "", createdlen);
	cJSON_Delete(doc);
	return SCIM_OK;
}

enum scim_err
store_tenant_add(struct store_txn *tx, const char *name, const char *created,
    struct tenant *out)
{
	struct store	*st = tx->tx_store;
	MDB_val		 k, v;
	uint8_t		 nb[4];
	uint32_t	 next = 1;
	char		 buf[256];
	int		 rc, n;

	k.mv_data = (void *)name;
	k.mv_size = strlen(name);
	if ((rc = mdb_get(tx->tx_txn, st->st_tenants, &k, &v)) == 0)
		return SCIM_EUNIQUE;
	if (rc != MDB_NOTFOUND)
		return store_err(rc, "tenant lookup");

	k.mv_data = "next_tenant";
	k.mv_size = 11;
	if ((rc = mdb_get(tx->tx_txn, st->st_meta, &k, &v)) == 0 &&
	    v.mv_size == 4) {
		memcpy(nb, v.mv_data, 4);
		next = (uint32_t)nb[0] << 24 | (uint32_t)nb[1] << 16 |
		    (uint32_t)nb[2] << 8 | nb[3];
	} else if (rc != MDB_NOTFOUND && rc != 0)
		return store_err(rc, "tenant counter");
	if (next == UINT32_MAX)
		return SCIM_ESTORE;
	nb[0] = (uint8_t)((next + 1) >> 24);
	nb[1] = (uint8_t)((next + 1) >> 16);
	nb[2] = (uint8_t)((next + 1) >> 8);
	nb[3] = (uint8_t)(next + 1);
	v.mv_data = nb;
	v.mv_size = 4;
	if ((rc = mdb_put(tx->tx_txn, st->st_meta, &k, &v, 0)))
		return store_err(rc, "tenant counter");

	n = snprintf(buf, sizeof(buf), "{\"id\":%u,\"created\":\"%s\"}",
	    next, created);
	k.mv_data = (void *)name;
	k.mv_size = strlen(name);
	v.mv_data = buf;
	v.mv_size = (size_t)n;
	if ((rc = mdb_put(tx->tx_txn, st->st_tenants, &k, &v,
	    MDB_NOOVERWRITE)))
		return store_err(rc, "tenant add");
	out->tn_id = next;
	util_strlcpy(out->tn_name, name, sizeof(out->tn_name));
	return SCIM_OK;
}

enum scim_err
store_tenant_doc(struct store_txn *tx, const char *name, cJSON **doc)
{
	MDB_val	k, v;
	int	rc;

	*doc = NULL;
	k.mv_data = (void *)name;
	k.mv_size = strlen(name);
	if (k.mv_size == 0 || k.mv_size > SCIM_TENANT_MAX)
		return SCIM_ENOTFOUND;
	if ((rc = mdb_get(tx->tx_txn, tx->tx_store->st_tenants, &k, &v)))
		return store_err(rc, "tenant get");
	if ((*doc = cJSON_ParseWithLength(v.mv_data, v.mv_size)) == NULL)
		return SCIM_ESTORE;
	return SCIM_OK;
}

enum scim_err
store_tenant_put_doc(struct store_txn *tx, const char *name,
    const cJSON *doc)
{
	MDB_val	 k, v;
	char	*json;
	int	 rc;

	if ((json = cJSON_PrintUnformatted(doc)) == NULL)
		return SCIM_ENOMEM;
	k.mv_data = (void *)name;
	k.mv_size = strlen(name);
	v.mv_data = json;
	v.mv_size = strlen(json);
	rc = mdb_put(tx->tx_txn, tx->tx_store->st_tenants, &k, &v, 0);
	free(json);
	return store_err(rc, "tenant put");
}

enum scim_err
store_tenant_set(struct store_txn *tx, const char *name, const char *key,
    const char *value)
{
	MDB_val	 k, v;
	cJSON	*doc;
	char	*json;
	int	 rc;

	k.mv_data = (void *)name;
	k.mv_size = strlen(name);
	if (k.mv_size == 0 || k.mv_size > SCIM_TENANT_MAX)
		return SCIM_ENOTFOUND;
	if ((rc = mdb_get(tx->tx_txn, tx->tx_store->st_tenants, &k, &v)))
		return store_err(rc, "tenant get");
	if ((doc = cJSON_ParseWithLength(v.mv_data, v.mv_size)) == NULL)
		return SCIM_ESTORE;
	cJSON_DeleteItemFromObjectCaseSensitive(doc, key);
	if (cJSON_AddStringToObject(doc, key, value) == NULL ||
	    (json = cJSON_PrintUnformatted(doc)) == NULL) {
		cJSON_Delete(doc);
		return SCIM_ENOMEM;
	}
	cJSON_Delete(doc);
	v.mv_data = json;
	v.mv_size = strlen(json);
	rc = mdb_put(tx->tx_txn, tx->tx_store->st_tenants, &k, &v, 0);
	free(json);
	return store_err(rc, "tenant set");
}

enum scim_err
store_tenant_get(struct store_txn *tx, const char *name, struct tenant *out)
{
	MDB_val	k, v;
	int	rc;

	k.mv_data = (void *)name;
	k.mv_size = strlen(name);
	if (k.mv_size == 0 || k.mv_size > SCIM_TENANT_MAX)
		return SCIM_ENOTFOUND;
	if ((rc = mdb_get(tx->tx_txn, tx->tx_store->st_tenants, &k, &v)))
		return store_err(rc, "tenant get");
	return tenant_parse(&k, &v, out, NULL, 0);
}

enum scim_err
store_tenant_each(struct store_txn *tx, store_tenant_cb cb, void *arg)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	struct tenant	 t;
	char		 created[64];
	enum scim_err	 e = SCIM_OK;
	int		 rc;

	if ((rc = mdb_cursor_open(tx->tx_txn, tx->tx_store->st_tenants, &c)))
		return store_err(rc, "tenant list");
	rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	while (rc == 0) {
		if ((e = tenant_parse(&k, &v, &t, created, sizeof(created))))
			break;
		if (cb(&t, created, arg))
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (e == SCIM_OK && rc != 0 && rc != MDB_NOTFOUND)
		e = store_err(rc, "tenant list");
	return e;
}

/* Tokens. */

enum scim_err
store_token_put(struct store_txn *tx, const uint8_t hash[STORE_HASHLEN],
    const char *json)
{
	MDB_val	k, v;

	k.mv_data = (void *)hash;
	k.mv_size = STORE_HASHLEN;
	v.mv_data = (void *)json;
	v.mv_size = strlen(json);
	return store_err(mdb_put(tx->tx_txn, tx->tx_store->st_tokens, &k, &v,
	    0), "token put");
}

enum scim_err
store_token_get(struct store_txn *tx, const uint8_t hash[STORE_HASHLEN],
    const char **json, size_t *len)
{
	MDB_val	k, v;
	int	rc;

	k.mv_data = (void *)hash;
	k.mv_size = STORE_HASHLEN;
	if ((rc = mdb_get(tx->tx_txn, tx->tx_store->st_tokens, &k, &v)))
		return store_err(rc, "token get");
	*json = v.mv_data;
	*len = v.mv_size;
	return SCIM_OK;
}

enum scim_err
store_token_each(struct store_txn *tx, store_token_cb cb, void *arg)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	int		 rc;

	if ((rc = mdb_cursor_open(tx->tx_txn, tx->tx_store->st_tokens, &c)))
		return store_err(rc, "token list");
	rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	while (rc == 0) {
		if (k.mv_size == STORE_HASHLEN &&
		    cb(k.mv_data, v.mv_data, v.mv_size, arg))
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return (rc == 0 || rc == MDB_NOTFOUND) ? SCIM_OK :
	    store_err(rc, "token list");
}

/* Resources. */

static size_t
key_prefix(uint8_t *key, uint32_t tenant, enum res_type type)
{
	key[0] = (uint8_t)(tenant >> 24);
	key[1] = (uint8_t)(tenant >> 16);
	key[2] = (uint8_t)(tenant >> 8);
	key[3] = (uint8_t)tenant;
	key[4] = (uint8_t)type;
	return STORE_PREFIX;
}

enum scim_err
store_res_get(struct store_txn *tx, uint32_t tenant, enum res_type type,
    const uint8_t id[16], const char **json, size_t *len)
{
	uint8_t	key[STORE_PREFIX + 16];
	MDB_val	k, v;
	int	rc;

	memcpy(key + key_prefix(key, tenant, type), id, 16);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	if ((rc = mdb_get(tx->tx_txn, tx->tx_store->st_resources, &k, &v)))
		return store_err(rc, "resource get");
	*json = v.mv_data;
	*len = v.mv_size;
	return SCIM_OK;
}

enum scim_err
store_res_put(struct store_txn *tx, uint32_t tenant, enum res_type type,
    const uint8_t id[16], const char *json, size_t len, int create)
{
	uint8_t	key[STORE_PREFIX + 16];
	MDB_val	k, v;

	memcpy(key + key_prefix(key, tenant, type), id, 16);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	v.mv_data = (void *)json;
	v.mv_size = len;
	return store_err(mdb_put(tx->tx_txn, tx->tx_store->st_resources, &k,
	    &v, create ? MDB_NOOVERWRITE : 0), "resource put");
}

enum scim_err
store_res_del(struct store_txn *tx, uint32_t tenant, enum res_type type,
    const uint8_t id[16])
{
	uint8_t	key[STORE_PREFIX + 16];
	MDB_val	k;

	memcpy(key + key_prefix(key, tenant, type), id, 16);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	return store_err(mdb_del(tx->tx_txn, tx->tx_store->st_resources, &k,
	    NULL), "resource delete");
}

enum scim_err
store_res_each(struct store_txn *tx, uint32_t tenant, enum res_type type,
    store_res_cb cb, void *arg)
{
	return store_res_each_after(tx, tenant, type, NULL, cb, arg);
}

enum scim_err
store_res_each_after(struct store_txn *tx, uint32_t tenant,
    enum res_type type, const uint8_t after[16], store_res_cb cb, void *arg)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	uint8_t		 prefix[STORE_PREFIX], start[STORE_PREFIX + 16];
	int		 rc;

	key_prefix(prefix, tenant, type);
	if ((rc = mdb_cursor_open(tx->tx_txn, tx->tx_store->st_resources, &c)))
		return store_err(rc, "resource list");
	memcpy(start, prefix, STORE_PREFIX);
	k.mv_data = start;
	k.mv_size = STORE_PREFIX;
	if (after != NULL) {
		memcpy(start + STORE_PREFIX, after, 16);
		k.mv_size = sizeof(start);
	}
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	/* Strictly after: skip the key itself. */
	if (rc == 0 && after != NULL && k.mv_size == sizeof(start) &&
	    memcmp(k.mv_data, start, sizeof(start)) == 0)
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	while (rc == 0) {
		if (k.mv_size != STORE_PREFIX + 16 ||
		    memcmp(k.mv_data, prefix, STORE_PREFIX) != 0)
			break;
		if (cb((const uint8_t *)k.mv_data + STORE_PREFIX, v.mv_data,
		    v.mv_size, arg))
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return (rc == 0 || rc == MDB_NOTFOUND) ? SCIM_OK :
	    store_err(rc, "resource list");
}

/* Membership. */

#define MKEY	(4 + 16 + 16)

static void
member_key(uint8_t *key, uint32_t tenant, const uint8_t a[16],
    const uint8_t b[16])
{
	key[0] = (uint8_t)(tenant >> 24);
	key[1] = (uint8_t)(tenant >> 16);
	key[2] = (uint8_t)(tenant >> 8);
	key[3] = (uint8_t)tenant;
	memcpy(key + 4, a, 16);
	memcpy(key + 20, b, 16);
}

enum scim_err
store_member_put(struct store_txn *tx, uint32_t tenant,
    const uint8_t group[16], const uint8_t member[16], enum res_type mtype,
    const char *display, int *added)
{
	struct store	*st = tx->tx_store;
	uint8_t		 key[MKEY], val[1 + STORE_DISPLAY_MAX];
	size_t		 dlen = display != NULL ? strlen(display) : 0;
	MDB_val		 k, v;
	int		 rc;

	if (dlen > STORE_DISPLAY_MAX)
		dlen = STORE_DISPLAY_MAX;
	member_key(key, tenant, group, member);
	k.mv_data = key;
	k.mv_size = MKEY;
	if (added != NULL) {
		rc = mdb_get(tx->tx_txn, st->st_members, &k, &v);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return store_err(rc, "member get");
		*added = rc == MDB_NOTFOUND;
	}
	val[0] = (uint8_t)mtype;
	if (dlen > 0)
		memcpy(val + 1, display, dlen);
	v.mv_data = val;
	v.mv_size = 1 + dlen;
	if ((rc = mdb_put(tx->tx_txn, st->st_members, &k, &v, 0)))
		return store_err(rc, "member put");
	member_key(key, tenant, member, group);
	v.mv_data = "";
	v.mv_size = 0;
	return store_err(mdb_put(tx->tx_txn, st->st_memberof, &k, &v, 0),
	    "memberof put");
}

enum scim_err
store_member_get(struct store_txn *tx, uint32_t tenant,
    const uint8_t group[16], const uint8_t member[16], enum res_type *mtype,
    char *display, size_t dlen)
{
	uint8_t	key[MKEY];
	MDB_val	k, v;
	size_t	n;
	int	rc;

	member_key(key, tenant, group, member);
	k.mv_data = key;
	k.mv_size = MKEY;
	if ((rc = mdb_get(tx->tx_txn, tx->tx_store->st_members, &k, &v)))
		return store_err(rc, "member get");
	if (v.mv_size < 1 || dlen == 0)
		return SCIM_ESTORE;
	*mtype = (enum res_type)((const uint8_t *)v.mv_data)[0];
	n = v.mv_size - 1 < dlen - 1 ? v.mv_size - 1 : dlen - 1;
	memcpy(display, (const char *)v.mv_data + 1, n);
	display[n] = '\0';
	return SCIM_OK;
}

enum scim_err
store_member_del(struct store_txn *tx, uint32_t tenant,
    const uint8_t group[16], const uint8_t member[16], int *removed)
{
	struct store	*st = tx->tx_store;
	uint8_t		 key[MKEY];
	MDB_val		 k;
	int		 rc;

	member_key(key, tenant, group, member);
	k.mv_data = key;
	k.mv_size = MKEY;
	rc = mdb_del(tx->tx_txn, st->st_members, &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_err(rc, "member delete");
	if (removed != NULL)
		*removed = rc == 0;
	member_key(key, tenant, member, group);
	rc = mdb_del(tx->tx_txn, st->st_memberof, &k, NULL);
	return rc == MDB_NOTFOUND ? SCIM_OK : store_err(rc, "memberof delete");
}

/*
 * Walk the keys of dbi that start with tenant + id; cb gets the second id
 * and the value.  With del set every key walked is deleted, and so is
 * its mirror in other (the members/memberof pair).
 */
static enum scim_err
member_walk(struct store_txn *tx, MDB_dbi dbi, MDB_dbi other,
    uint32_t tenant, const uint8_t id[16], int del,
    int (*cb)(const uint8_t *, const MDB_val *, void *), void *arg)
{
	MDB_cursor	*c;
	MDB_val		 k, v, ok;
	uint8_t		 prefix[20], mirror[MKEY];
	int		 rc;

	member_key(mirror, tenant, id, id);
	memcpy(prefix, mirror, 20);
	if ((rc = mdb_cursor_open(tx->tx_txn, dbi, &c)))
		return store_err(rc, "member walk");
	k.mv_data = prefix;
	k.mv_size = sizeof(prefix);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	while (rc == 0) {
		if (k.mv_size != MKEY || memcmp(k.mv_data, prefix, 20) != 0)
			break;
		if (del) {
			member_key(mirror, tenant, (const uint8_t *)k.mv_data +
			    20, id);
			ok.mv_data = mirror;
			ok.mv_size = MKEY;
			rc = mdb_del(tx->tx_txn, other, &ok, NULL);
			if (rc != 0 && rc != MDB_NOTFOUND)
				break;
			if ((rc = mdb_cursor_del(c, 0)))
				break;
			/* Seek again: the first key left under the prefix. */
			k.mv_data = prefix;
			k.mv_size = sizeof(prefix);
			rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
			continue;
		}
		if (cb != NULL && cb((const uint8_t *)k.mv_data + 20, &v, arg))
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return (rc == 0 || rc == MDB_NOTFOUND) ? SCIM_OK :
	    store_err(rc, "member walk");
}

struct member_arg {
	store_member_cb		 ma_cb;
	store_memberof_cb	 ma_ofcb;
	void			*ma_arg;
};

static int
member_each_cb(const uint8_t *id, const MDB_val *v, void *arg)
{
	struct member_arg	*ma = arg;
	const uint8_t		*p = v->mv_data;

	if (v->mv_size < 1)
		return 0;
	return ma->ma_cb(id, (enum res_type)p[0], (const char *)p + 1,
	    v->mv_size - 1, ma->ma_arg);
}

static int
memberof_each_cb(const uint8_t *id, const MDB_val *v, void *arg)
{
	struct member_arg	*ma = arg;

	(void)v;
	return ma->ma_ofcb(id, ma->ma_arg);
}

enum scim_err
store_member_each(struct store_txn *tx, uint32_t tenant,
    const uint8_t group[16], store_member_cb cb, void *arg)
{
	struct member_arg	ma = { cb, NULL, arg };

	return member_walk(tx, tx->tx_store->st_members, 0, tenant, group, 0,
	    member_each_cb, &ma);
}

enum scim_err
store_memberof_each(struct store_txn *tx, uint32_t tenant,
    const uint8_t member[16], store_memberof_cb cb, void *arg)
{
	struct member_arg	ma = { NULL, cb, arg };

	return member_walk(tx, tx->tx_store->st_memberof, 0, tenant, member, 0,
	    memberof_each_cb, &ma);
}

enum scim_err
store_member_clear(struct store_txn *tx, uint32_t tenant,
    const uint8_t group[16])
{
	return member_walk(tx, tx->tx_store->st_members,
	    tx->tx_store->st_memberof, tenant, group, 1, NULL, NULL);
}

enum scim_err
store_memberof_clear(struct store_txn *tx, uint32_t tenant,
    const uint8_t member[16])
{
	return member_walk(tx, tx->tx_store->st_memberof,
	    tx->tx_store->st_members, tenant, member, 1, NULL, NULL);
}

/* Index. */

static size_t
idx_key(uint8_t *key, uint32_t tenant, enum res_type type,
    enum store_idx attr, const char *value, size_t len)
{
	size_t	n = key_prefix(key, tenant, type);

	key[n++] = (uint8_t)attr;
	if (len <= STORE_IDX_INLINE) {
		memcpy(key + n, value, len);
		return n + len;
	}
	key[n++] = 0xff;
	SHA256((const unsigned char *)value, len, key + n);
	return n + SHA256_DIGEST_LENGTH;
}

#define IDX_KEYMAX	(STORE_PREFIX + 1 + STORE_IDX_INLINE)

enum scim_err
store_idx_add(struct store_txn *tx, uint32_t tenant, enum res_type type,
    enum store_idx attr, const char *value, size_t len, const uint8_t id[16])
{
	uint8_t	key[IDX_KEYMAX];
	MDB_val	k, v;
	int	rc;

	k.mv_data = key;
	k.mv_size = idx_key(key, tenant, type, attr, value, len);
	v.mv_data = (void *)id;
	v.mv_size = 16;
	rc = mdb_put(tx->tx_txn, tx->tx_store->st_index, &k, &v,
	    MDB_NODUPDATA);
	return rc == MDB_KEYEXIST ? SCIM_OK : store_err(rc, "index add");
}

enum scim_err
store_idx_del(struct store_txn *tx, uint32_t tenant, enum res_type type,
    enum store_idx attr, const char *value, size_t len, const uint8_t id[16])
{
	uint8_t	key[IDX_KEYMAX];
	MDB_val	k, v;
	int	rc;

	k.mv_data = key;
	k.mv_size = idx_key(key, tenant, type, attr, value, len);
	v.mv_data = (void *)id;
	v.mv_size = 16;
	rc = mdb_del(tx->tx_txn, tx->tx_store->st_index, &k, &v);
	return rc == MDB_NOTFOUND ? SCIM_OK : store_err(rc, "index delete");
}

enum scim_err
store_idx_find(struct store_txn *tx, uint32_t tenant, enum res_type type,
    enum store_idx attr, const char *value, size_t len, uint8_t (*ids)[16],
    size_t max, size_t *n)
{
	uint8_t		 key[IDX_KEYMAX];
	MDB_cursor	*c;
	MDB_val		 k, v;
	enum scim_err	 e = SCIM_OK;
	int		 rc;

	*n = 0;
	k.mv_data = key;
	k.mv_size = idx_key(key, tenant, type, attr, value, len);
	if ((rc = mdb_cursor_open(tx->tx_txn, tx->tx_store->st_index, &c)))
		return store_err(rc, "index find");
	rc = mdb_cursor_get(c, &k, &v, MDB_SET);
	while (rc == 0) {
		if (v.mv_size != 16) {
			e = SCIM_ESTORE;
			break;
		}
		if (*n == max) {
			e = SCIM_ETOOMANY;
			break;
		}
		memcpy(ids[(*n)++], v.mv_data, 16);
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP);
	}
	mdb_cursor_close(c);
	if (e == SCIM_OK && rc != 0 && rc != MDB_NOTFOUND)
		e = store_err(rc, "index find");
	return e;
}

/* Walk the index keys from key[0..len) while they start with key[0..plen). */
static int
idx_walk(MDB_cursor *c, const uint8_t *key, size_t len, size_t plen,
    store_id_cb cb, void *arg)
{
	MDB_val	k, v;
	int	rc;

	k.mv_data = (void *)key;
	k.mv_size = len;
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	while (rc == 0) {
		if (k.mv_size < plen || memcmp(k.mv_data, key, plen) != 0)
			return MDB_NOTFOUND;
		if (v.mv_size == 16 && cb(v.mv_data, arg))
			return 0;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	return rc;
}

enum scim_err
store_idx_prefix(struct store_txn *tx, uint32_t tenant, enum res_type type,
    enum store_idx attr, const char *prefix, size_t len, store_id_cb cb,
    void *arg)
{
	uint8_t		 key[IDX_KEYMAX];
	MDB_cursor	*c;
	size_t		 n;
	int		 rc;

	if (len > STORE_IDX_INLINE)
		len = STORE_IDX_INLINE;
	n = key_prefix(key, tenant, type);
	key[n++] = (uint8_t)attr;
	memcpy(key + n, prefix, len);
	if ((rc = mdb_cursor_open(tx->tx_txn, tx->tx_store->st_index, &c)))
		return store_err(rc, "index range");
	rc = idx_walk(c, key, n + len, n + len, cb, arg);
	if (rc == MDB_NOTFOUND) {
		/* Long values are kept as 0xff + hash: all of them. */
		key[n] = 0xff;
		rc = idx_walk(c, key, n + 1, n + 1, cb, arg);
	}
	mdb_cursor_close(c);
	return (rc == 0 || rc == MDB_NOTFOUND) ? SCIM_OK :
	    store_err(rc, "index range");
}

/* Role mappings. */

static size_t
role_key(uint8_t *key, uint32_t tenant, char kind, const char *value)
{
	size_t	n = strlen(value);

	key[0] = (uint8_t)(tenant >> 24);
	key[1] = (uint8_t)(tenant >> 16);
	key[2] = (uint8_t)(tenant >> 8);
	key[3] = (uint8_t)tenant;
	key[4] = (uint8_t)kind;
	if (n > STORE_ROLE_MAX)
		n = STORE_ROLE_MAX;
	memcpy(key + 5, value, n);
	return 5 + n;
}

enum scim_err
store_role_put(struct store_txn *tx, uint32_t tenant, char kind,
    const char *value, const char *role)
{
	uint8_t	key[5 + STORE_ROLE_MAX];
	MDB_val	k, v;

	k.mv_data = key;
	k.mv_size = role_key(key, tenant, kind, value);
	v.mv_data = (void *)role;
	v.mv_size = strlen(role);
	return store_err(mdb_put(tx->tx_txn, tx->tx_store->st_roles, &k, &v,
	    0), "role put");
}

enum scim_err
store_role_del(struct store_txn *tx, uint32_t tenant, char kind,
    const char *value)
{
	uint8_t	key[5 + STORE_ROLE_MAX];
	MDB_val	k;

	k.mv_data = key;
	k.mv_size = role_key(key, tenant, kind, value);
	return store_err(mdb_del(tx->tx_txn, tx->tx_store->st_roles, &k, NULL),
	    "role delete");
}

enum scim_err
store_role_get(struct store_txn *tx, uint32_t tenant, char kind,
    const char *value, char *role, size_t rolelen)
{
	uint8_t	key[5 + STORE_ROLE_MAX];
	MDB_val	k, v;
	int	rc;

	k.mv_data = key;
	k.mv_size = role_key(key, tenant, kind, value);
	if ((rc = mdb_get(tx->tx_txn, tx->tx_store->st_roles, &k, &v)))
		return store_err(rc, "role get");
	if (v.mv_size >= rolelen)
		return SCIM_ESTORE;
	memcpy(role, v.mv_data, v.mv_size);
	role[v.mv_size] = '\0';
	return SCIM_OK;
}

enum scim_err
store_role_each(struct store_txn *tx, uint32_t tenant, store_role_cb cb,
    void *arg)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	uint8_t		 prefix[4];
	char		 value[STORE_ROLE_MAX + 1], role[STORE_ROLE_MAX + 1];
	int		 rc;

	prefix[0] = (uint8_t)(tenant >> 24);
	prefix[1] = (uint8_t)(tenant >> 16);
	prefix[2] = (uint8_t)(tenant >> 8);
	prefix[3] = (uint8_t)tenant;
	if ((rc = mdb_cursor_open(tx->tx_txn, tx->tx_store->st_roles, &c)))
		return store_err(rc, "role list");
	k.mv_data = prefix;
	k.mv_size = sizeof(prefix);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	while (rc == 0) {
		if (k.mv_size < 5 || memcmp(k.mv_data, prefix, 4) != 0)
			break;
		memcpy(value, (const char *)k.mv_data + 5, k.mv_size - 5);
		value[k.mv_size - 5] = '\0';
		memcpy(role, v.mv_data, v.mv_size > STORE_ROLE_MAX ?
		    STORE_ROLE_MAX : v.mv_size);
		role[v.mv_size > STORE_ROLE_MAX ? STORE_ROLE_MAX : v.mv_size] =
		    '\0';
		if (cb(((const char *)k.mv_data)[4], value, role, arg))
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return (rc == 0 || rc == MDB_NOTFOUND) ? SCIM_OK :
	    store_err(rc, "role list");
}

/* Audit log and change feed. */

static void
be64(uint8_t *p, uint64_t v)
{
	int	i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
audit_key(uint8_t *key, uint32_t tenant, uint64_t seq)
{
	key[0] = (uint8_t)(tenant >> 24);
	key[1] = (uint8_t)(tenant >> 16);
	key[2] = (uint8_t)(tenant >> 8);
	key[3] = (uint8_t)tenant;
	be64(key + 4, seq);
}

enum scim_err
store_audit_last(struct store_txn *tx, uint32_t tenant, uint64_t *seq,
    const char **json, size_t *len)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	uint8_t		 key[12];
	int		 rc;

	*seq = 0;
	*json = NULL;
	*len = 0;
	/* The first key past the tenant's range, then one back. */
	audit_key(key, tenant, UINT64_MAX);
	if ((rc = mdb_cursor_open(tx->tx_txn, tx->tx_store->st_audit, &c)))
		return store_err(rc, "audit last");
	k.mv_data = key;
	k.mv_size = sizeof(key);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && k.mv_size == 12 && memcmp(k.mv_data, key, 12) == 0)
		;		/* UINT64_MAX itself: never written */
	else if (rc == 0)
		rc = mdb_cursor_get(c, &k, &v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == 12 && memcmp(k.mv_data, key, 4) == 0) {
		*seq = get64((const uint8_t *)k.mv_data + 4);
		*json = v.mv_data;
		*len = v.mv_size;
	}
	mdb_cursor_close(c);
	return (rc == 0 || rc == MDB_NOTFOUND) ? SCIM_OK :
	    store_err(rc, "audit last");
}

enum scim_err
store_audit_put(struct store_txn *tx, uint32_t tenant, uint64_t seq,
    const char *json)
{
	uint8_t	key[12];
	MDB_val	k, v;

	audit_key(key, tenant, seq);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	v.mv_data = (void *)json;
	v.mv_size = strlen(json);
	return store_err(mdb_put(tx->tx_txn, tx->tx_store->st_audit, &k, &v,
	    0), "audit put");
}

enum scim_err
store_audit_get(struct store_txn *tx, uint32_t tenant, uint64_t seq,
    const char **json, size_t *len)
{
	uint8_t	key[12];
	MDB_val	k, v;
	int	rc;

	audit_key(key, tenant, seq);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	if ((rc = mdb_get(tx->tx_txn, tx->tx_store->st_audit, &k, &v)))
		return store_err(rc, "audit get");
	*json = v.mv_data;
	*len = v.mv_size;
	return SCIM_OK;
}

enum scim_err
store_audit_each(struct store_txn *tx, uint32_t tenant, uint64_t from,
    store_audit_cb cb, void *arg)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	uint8_t		 key[12];
	int		 rc;

	audit_key(key, tenant, from);
	if ((rc = mdb_cursor_open(tx->tx_txn, tx->tx_store->st_audit, &c)))
		return store_err(rc, "audit list");
	k.mv_data = key;
	k.mv_size = sizeof(key);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	while (rc == 0) {
		if (k.mv_size != 12 || memcmp(k.mv_data, key, 4) != 0)
			break;
		if (cb(get64((const uint8_t *)k.mv_data + 4), v.mv_data,
		    v.mv_size, arg))
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return (rc == 0 || rc == MDB_NOTFOUND) ? SCIM_OK :
	    store_err(rc, "audit list");
}

enum scim_err
store_change_add(struct store_txn *tx, char *(*make)(uint64_t, void *),
    void *arg)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	uint8_t		 key[8];
	uint64_t	 seq = 1;
	char		*json;
	int		 rc;

	if ((rc = mdb_cursor_open(tx->tx_txn, tx->tx_store->st_changes, &c)))
		return store_err(rc, "change add");
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == 8)
		seq = get64(k.mv_data) + 1;
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_err(rc, "change add");
	/* A pruned feed keeps counting: the last sequence is in meta. */
	k.mv_data = "last_change";
	k.mv_size = 11;
	if (mdb_get(tx->tx_txn, tx->tx_store->st_meta, &k, &v) == 0 &&
	    v.mv_size == 8 && get64(v.mv_data) >= seq)
		seq = get64(v.mv_data) + 1;
	if ((json = make(seq, arg)) == NULL)
		return SCIM_ENOMEM;
	be64(key, seq);
	k.mv_data = key;
	k.mv_size = 8;
	v.mv_data = json;
	v.mv_size = strlen(json);
	rc = mdb_put(tx->tx_txn, tx->tx_store->st_changes, &k, &v, MDB_APPEND);
	free(json);
	if (rc == 0) {
		k.mv_data = "last_change";
		k.mv_size = 11;
		v.mv_data = key;
		v.mv_size = 8;
		rc = mdb_put(tx->tx_txn, tx->tx_store->st_meta, &k, &v, 0);
	}
	return store_err(rc, "change add");
}

enum scim_err
store_change_each(struct store_txn *tx, uint64_t from, store_audit_cb cb,
    void *arg)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	uint8_t		 key[8];
	int		 rc;

	be64(key, from);
	if ((rc = mdb_cursor_open(tx->tx_txn, tx->tx_store->st_changes, &c)))
		return store_err(rc, "change list");
	k.mv_data = key;
	k.mv_size = sizeof(key);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	while (rc == 0) {
		if (k.mv_size == 8 && cb(get64(k.mv_data), v.mv_data,
		    v.mv_size, arg))
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return (rc == 0 || rc == MDB_NOTFOUND) ? SCIM_OK :
	    store_err(rc, "change list");
}

enum scim_err
store_change_prune(struct store_txn *tx, uint64_t before, uint64_t *n)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	int		 rc;

	*n = 0;
	if ((rc = mdb_cursor_open(tx->tx_txn, tx->tx_store->st_changes, &c)))
		return store_err(rc, "change prune");
	while ((rc = mdb_cursor_get(c, &k, &v, MDB_FIRST)) == 0 &&
	    k.mv_size == 8 && get64(k.mv_data) < before) {
		if ((rc = mdb_cursor_del(c, 0)))
			break;
		(*n)++;
	}
	mdb_cursor_close(c);
	return (rc == 0 || rc == MDB_NOTFOUND) ? SCIM_OK :
	    store_err(rc, "change prune");
}

static void
anchor_key(uint8_t *key, uint32_t tenant)
{
	memcpy(key, "anchor:", 7);
	key[7] = (uint8_t)(tenant >> 24);
	key[8] = (uint8_t)(tenant >> 16);
	key[9] = (uint8_t)(tenant >> 8);
	key[10] = (uint8_t)tenant;
}

enum scim_err
store_audit_anchor(struct store_txn *tx, uint32_t tenant, char *anchor,
    size_t len)
{
	uint8_t	key[11];
	MDB_val	k, v;
	int	rc;

	anchor[0] = '\0';
	anchor_key(key, tenant);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	rc = mdb_get(tx->tx_txn, tx->tx_store->st_meta, &k, &v);
	if (rc == MDB_NOTFOUND)
		return SCIM_OK;
	if (rc != 0)
		return store_err(rc, "audit anchor");
	if (v.mv_size >= len)
		return SCIM_ESTORE;
	memcpy(anchor, v.mv_data, v.mv_size);
	anchor[v.mv_size] = '\0';
	return SCIM_OK;
}

enum scim_err
store_audit_prune(struct store_txn *tx, uint32_t tenant, uint64_t before,
    const char *anchor, uint64_t *n)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	uint8_t		 key[12], ak[11];
	int		 rc;

	*n = 0;
	audit_key(key, tenant, 0);
	if ((rc = mdb_cursor_open(tx->tx_txn, tx->tx_store->st_audit, &c)))
		return store_err(rc, "audit prune");
	for (;;) {
		k.mv_data = key;
		k.mv_size = sizeof(key);
		if ((rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE)) != 0)
			break;
		if (k.mv_size != 12 || memcmp(k.mv_data, key, 4) != 0 ||
		    get64((const uint8_t *)k.mv_data + 4) >= before)
			break;
		if ((rc = mdb_cursor_del(c, 0)) != 0)
			break;
		(*n)++;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_err(rc, "audit prune");
	if (*n == 0)
		return SCIM_OK;
	anchor_key(ak, tenant);
	k.mv_data = ak;
	k.mv_size = sizeof(ak);
	v.mv_data = (void *)anchor;
	v.mv_size = strlen(anchor);
	return store_err(mdb_put(tx->tx_txn, tx->tx_store->st_meta, &k, &v, 0),
	    "audit anchor");
}
