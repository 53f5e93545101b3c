/*
 * store_admin.c: the console's records (src/admin.h), kept in the
 * "tokens" tree beside the bearer tokens, under keys one byte longer
 * than a token's hash so that neither is ever read as the other:
 *
 *	'A' SHA-256(credential)		an admin credential
 *	'S' SHA-256(session secret)	a console session
 *	'L' time(8, µs) random(8)	the admin log, oldest first
 *
 * Every record is JSON with a "tenant" member (null for the operator's):
 * `tenant remove` drops a tenant's records with its tokens.
 */
#include "config.h"

#include <string.h>

#include <lmdb.h>

#include "store.h"
#include "store_int.h"

static MDB_val
admin_key(uint8_t *buf, char kind, const uint8_t hash[STORE_HASHLEN])
{
	MDB_val	k;

	buf[0] = (uint8_t)kind;
	memcpy(buf + 1, hash, STORE_HASHLEN);
	k.mv_data = buf;
	k.mv_size = 1 + STORE_HASHLEN;
	return k;
}

enum scim_err
store_admin_put(struct store_txn *tx, char kind,
    const uint8_t hash[STORE_HASHLEN], const char *json)
{
	uint8_t	buf[1 + STORE_HASHLEN];
	MDB_val	k, v;

	k = admin_key(buf, kind, hash);
	v.mv_data = (void *)json;
	v.mv_size = strlen(json);
	return store_err(s_put(tx, tx->tx_store->st_tokens, &k, &v, 0),
	    "admin put");
}

enum scim_err
store_admin_get(struct store_txn *tx, char kind,
    const uint8_t hash[STORE_HASHLEN], const char **json, size_t *len)
{
	uint8_t	buf[1 + STORE_HASHLEN];
	MDB_val	k, v;
	int	rc;

	k = admin_key(buf, kind, hash);
	if ((rc = s_get_json(tx, tx->tx_store->st_tokens, &k, &v)))
		return store_err(rc, "admin get");
	*json = v.mv_data;
	*len = v.mv_size;
	return SCIM_OK;
}

enum scim_err
store_admin_del(struct store_txn *tx, char kind,
    const uint8_t hash[STORE_HASHLEN])
{
	uint8_t	buf[1 + STORE_HASHLEN];
	MDB_val	k;

	k = admin_key(buf, kind, hash);
	return store_err(s_del(tx, tx->tx_store->st_tokens, &k, NULL),
	    "admin del");
}

struct admin_arg {
	store_admin_cb	 aa_cb;
	void		*aa_arg;
};

static int
admin_each_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct admin_arg	*aa = arg;

	if (k->mv_size != 1 + STORE_HASHLEN)
		return WALK_NEXT;
	switch (aa->aa_cb((const uint8_t *)k->mv_data + 1, v->mv_data,
	    v->mv_size, aa->aa_arg)) {
	case 0:
		return WALK_NEXT;
	case STORE_ADMIN_DEL:
		return WALK_DEL;
	default:
		return WALK_STOP;
	}
}

enum scim_err
store_admin_each(struct store_txn *tx, char kind, store_admin_cb cb,
    void *arg)
{
	struct admin_arg	aa = { cb, arg };
	uint8_t			p = (uint8_t)kind;

	return store_walk(tx, tx->tx_store->st_tokens, &p, 1, NULL, 0,
	    WALK_JSON, admin_each_cb, &aa, "admin list");
}

enum scim_err
store_admin_log_put(struct store_txn *tx, uint64_t us, const uint8_t rid[8],
    const char *json)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;

	skey_pack(&sk, "sqs", "L", (size_t)1, us, rid, (size_t)8);
	k = skey_val(&sk);
	v.mv_data = (void *)json;
	v.mv_size = strlen(json);
	return store_err(s_put(tx, tx->tx_store->st_tokens, &k, &v, 0),
	    "admin log put");
}

struct log_arg {
	store_admin_log_cb	 la_cb;
	void			*la_arg;
};

static int
log_each_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct log_arg	*la = arg;

	if (k->mv_size != 1 + 8 + 8)
		return WALK_NEXT;
	return la->la_cb(skey_uint((const uint8_t *)k->mv_data + 1, 8),
	    v->mv_data, v->mv_size, la->la_arg) ? WALK_STOP : WALK_NEXT;
}

enum scim_err
store_admin_log_each(struct store_txn *tx, uint64_t from_us,
    store_admin_log_cb cb, void *arg)
{
	struct log_arg	la = { cb, arg };
	struct skey	sk = { 0 };

	skey_pack(&sk, "sq", "L", (size_t)1, from_us);
	return store_walk(tx, tx->tx_store->st_tokens, "L", 1, sk.sk_buf,
	    sk.sk_len, WALK_JSON, log_each_cb, &la, "admin log");
}
