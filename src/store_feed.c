/*
 * store_feed.c: the change feeds (the keys are described in store.c):
 * the global one, "changes" keyed by sequence(8), and each tenant's,
 * "feed" keyed by tenant(4) sequence(8) (doc/architecture.md §5.8).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "store.h"
#include "store_int.h"

enum scim_err
store_change_add(struct store_txn *tx, char *(*make)(uint64_t, void *),
    void *arg)
{
	struct skey	 sk = { 0 };
	MDB_val		 k, v;
	uint64_t	 seq = 1;
	char		*json;
	enum scim_err	 e;
	int		 rc;

	e = store_last(tx, tx->tx_store->st_changes, NULL, 0, &k, &v,
	    "change add");
	if (e == SCIM_OK && k.mv_size == 8)
		seq = skey_uint(k.mv_data, 8) + 1;
	else if (e != SCIM_OK && e != SCIM_ENOTFOUND)
		return e;
	/* A pruned feed keeps counting: the last sequence is in meta. */
	k.mv_data = "last_change";
	k.mv_size = 11;
	if ((rc = s_get(tx, tx->tx_store->st_meta, &k, &v)) == 0 &&
	    v.mv_size == 8 && skey_uint(v.mv_data, 8) >= seq)
		seq = skey_uint(v.mv_data, 8) + 1;
	else if (rc != 0 && rc != MDB_NOTFOUND)
		return store_err(rc, "change add");
	if ((json = make(seq, arg)) == NULL)
		return SCIM_ENOMEM;
	skey_pack(&sk, "q", seq);
	k = skey_val(&sk);
	v.mv_data = json;
	v.mv_size = strlen(json);
	rc = s_put(tx, tx->tx_store->st_changes, &k, &v, MDB_APPEND);
	free(json);
	if (rc == 0) {
		k.mv_data = "last_change";
		k.mv_size = 11;
		v = skey_val(&sk);
		rc = s_put(tx, tx->tx_store->st_meta, &k, &v, 0);
	}
	return store_err(rc, "change add");
}

enum scim_err
store_change_each(struct store_txn *tx, uint64_t from, store_audit_cb cb,
    void *arg)
{
	return store_seq_each(tx, tx->tx_store->st_changes, NULL, 0, from, cb,
	    arg, "change list");
}

enum scim_err
store_change_prune(struct store_txn *tx, uint64_t before, uint64_t *n)
{
	return store_seq_prune(tx, tx->tx_store->st_changes, NULL, 0, before, n,
	    "change prune");
}

/*
 * The tenant's change feed (doc/architecture.md §5.8): feed, keyed by
 * tenant(4) seq(8), seq counted per tenant in meta "fseq:" tenant(4).
 * Pruning removes the first keys; the first kept key is the floor, or,
 * with none kept, the next sequence.
 */
static void
fseq_key(struct skey *k, uint32_t tenant)
{
	skey_pack(k, "st", "fseq:", (size_t)5, tenant);
}

enum scim_err
store_feed_add(struct store_txn *tx, uint32_t tenant,
    char *(*make)(uint64_t, void *), void *arg)
{
	struct store	*st = tx->tx_store;
	struct skey	 sk = { 0 }, ck = { 0 }, num = { 0 };
	MDB_val		 k, v;
	uint64_t	 seq = 1;
	char		*json;
	int		 rc;

	fseq_key(&ck, tenant);
	k = skey_val(&ck);
	if ((rc = s_get(tx, st->st_meta, &k, &v)) == 0 && v.mv_size == 8)
		seq = skey_uint(v.mv_data, 8) + 1;
	else if (rc != 0 && rc != MDB_NOTFOUND)
		return store_err(rc, "feed add");
	if ((json = make(seq, arg)) == NULL)
		return SCIM_ENOMEM;
	skey_pack(&sk, "tq", tenant, seq);
	k = skey_val(&sk);
	v.mv_data = json;
	v.mv_size = strlen(json);
	rc = s_put(tx, st->st_feed, &k, &v, 0);
	free(json);
	if (rc != 0)
		return store_err(rc, "feed add");
	skey_pack(&num, "q", seq);	/* 8 bytes, big-endian */
	k = skey_val(&ck);
	v = skey_val(&num);
	return store_err(s_put(tx, st->st_meta, &k, &v, 0), "feed add");
}

enum scim_err
store_feed_bounds(struct store_txn *tx, uint32_t tenant, uint64_t *floor,
    uint64_t *last)
{
	struct store	*st = tx->tx_store;
	struct skey	 ck = { 0 }, prefix = { 0 };
	MDB_cursor	*c;
	MDB_val		 k, v;
	int		 rc;

	*last = 0;
	fseq_key(&ck, tenant);
	k = skey_val(&ck);
	if ((rc = s_get(tx, st->st_meta, &k, &v)) == 0 && v.mv_size == 8)
		*last = skey_uint(v.mv_data, 8);
	else if (rc != 0 && rc != MDB_NOTFOUND)
		return store_err(rc, "feed bounds");
	*floor = *last + 1;
	skey_pack(&prefix, "t", tenant);
	if ((rc = s_cursor_open(tx, st->st_feed, &c)) != 0)
		return store_err(rc, "feed bounds");
	k = skey_val(&prefix);
	rc = s_cursor_get(tx, c, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && k.mv_size == 12 && memcmp(k.mv_data, prefix.sk_buf, 4) ==
	    0)
		*floor = skey_uint((const uint8_t *)k.mv_data + 4, 8);
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? SCIM_OK :
	    store_err(rc, "feed bounds");
}

enum scim_err
store_feed_each(struct store_txn *tx, uint32_t tenant, uint64_t from,
    store_audit_cb cb, void *arg)
{
	struct skey	prefix = { 0 };

	skey_pack(&prefix, "t", tenant);
	return store_seq_each(tx, tx->tx_store->st_feed, prefix.sk_buf,
	    prefix.sk_len, from, cb, arg, "feed list");
}

enum scim_err
store_feed_prune(struct store_txn *tx, uint32_t tenant, uint64_t before,
    uint64_t *n)
{
	struct skey	prefix = { 0 };

	skey_pack(&prefix, "t", tenant);
	return store_seq_prune(tx, tx->tx_store->st_feed, prefix.sk_buf,
	    prefix.sk_len, before, n, "feed prune");
}

enum scim_err
store_feed_clear(struct store_txn *tx, uint32_t tenant, uint64_t *n)
{
	struct skey	prefix = { 0 }, ck = { 0 };
	MDB_val		k;
	enum scim_err	e;
	int		rc;

	skey_pack(&prefix, "t", tenant);
	if ((e = store_drop_prefix(tx, tx->tx_store->st_feed, prefix.sk_buf,
	    prefix.sk_len, n, "feed clear")) != SCIM_OK)
		return e;
	fseq_key(&ck, tenant);
	k = skey_val(&ck);
	if ((rc = s_del(tx, tx->tx_store->st_meta, &k, NULL)) == 0)
		(*n)++;
	return rc == 0 || rc == MDB_NOTFOUND ? SCIM_OK :
	    store_err(rc, "feed clear");
}
