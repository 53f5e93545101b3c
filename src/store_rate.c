/*
 * store_rate.c: a tenant's request rate, counted across every worker of
 * the host (plan.h).  The count lives in activity.mdb's "meta" tree,
 * "rate:" tenant(4) -> the bucket's time (8 bytes, µs), and "ratename:"
 * NAME -> the same for a bucket named by text: that file is
 * opened MDB_WRITEMAP | MDB_NOSYNC, so a take is a memory write under
 * LMDB's writer lock, shared by all processes, with no fsync (§4.9 of
 * doc/architecture.md).  A crash loses at most the last seconds of the
 * count, which only lets a few more requests through.
 *
 * The bucket is the generic cell rate algorithm: one time, "the bucket
 * is empty again at", moved on by one interval for each request taken.
 * A request is refused while taking it would put that time more than one
 * period (the burst: the period's whole allowance) past now.
 */
#include "config.h"

#include <string.h>

#include <lmdb.h>

#include "store.h"
#include "store_int.h"

/* The key of tenant's bucket, or of the bucket name when not NULL. */
static void
rate_key(struct skey *k, uint32_t tenant, const char *name)
{
	if (name != NULL)
		skey_pack(k, "ss", "ratename:", (size_t)9, name,
		    strnlen(name, 256));
	else
		skey_pack(k, "st", "rate:", (size_t)5, tenant);
}

/* The stored time of the bucket (0: none) in tx. */
static int
rate_get(struct store_txn *tx, uint32_t tenant, const char *name,
    uint64_t *tat)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;
	int		rc;

	*tat = 0;
	rate_key(&sk, tenant, name);
	k = skey_val(&sk);
	if ((rc = s_get(tx, tx->tx_store->st_act_meta, &k, &v)) == 0 &&
	    v.mv_size == 8)
		*tat = skey_uint(v.mv_data, 8);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static enum scim_err
rate_take(struct store *st, uint32_t tenant, const char *name, uint64_t now,
    uint64_t interval, uint64_t burst, uint64_t n, uint64_t *wait)
{
	struct store_txn	tx;
	struct skey		sk = { 0 }, val = { 0 };
	MDB_val			k, v;
	uint64_t		tat;
	int			rc;

	*wait = 0;
	if (store_act_begin(st, 1, &tx) == -1)
		return SCIM_ESTORE;
	if ((rc = rate_get(&tx, tenant, name, &tat)) != 0) {
		mdb_txn_abort(tx.tx_txn);
		return store_err(rc, "rate get");
	}
	if (tat < now)
		tat = now;
	if (tat + n * interval - now > burst) {
		/* Refused: the bucket stays as it was. */
		*wait = tat + n * interval - now - burst;
		mdb_txn_abort(tx.tx_txn);
		return SCIM_OK;
	}
	rate_key(&sk, tenant, name);
	skey_pack(&val, "q", tat + n * interval);
	k = skey_val(&sk);
	v = skey_val(&val);
	if ((rc = s_put(&tx, st->st_act_meta, &k, &v, 0)) != 0) {
		mdb_txn_abort(tx.tx_txn);
		return store_err(rc, "rate put");
	}
	return store_err(mdb_txn_commit(tx.tx_txn), "rate commit");
}

static enum scim_err
rate_level(struct store *st, uint32_t tenant, const char *name, uint64_t now,
    uint64_t *ahead)
{
	struct store_txn	tx;
	uint64_t		tat;
	int			rc;

	*ahead = 0;
	if (store_act_begin(st, 0, &tx) == -1)
		return SCIM_ESTORE;
	rc = rate_get(&tx, tenant, name, &tat);
	mdb_txn_abort(tx.tx_txn);
	if (rc != 0)
		return store_err(rc, "rate get");
	*ahead = tat > now ? tat - now : 0;
	return SCIM_OK;
}

enum scim_err
store_rate_take(struct store *st, uint32_t tenant, uint64_t now,
    uint64_t interval, uint64_t burst, uint64_t n, uint64_t *wait)
{
	return rate_take(st, tenant, NULL, now, interval, burst, n, wait);
}

enum scim_err
store_rate_level(struct store *st, uint32_t tenant, uint64_t now,
    uint64_t *ahead)
{
	return rate_level(st, tenant, NULL, now, ahead);
}

enum scim_err
store_rate_take_name(struct store *st, const char *name, uint64_t now,
    uint64_t interval, uint64_t burst, uint64_t n, uint64_t *wait)
{
	return rate_take(st, 0, name, now, interval, burst, n, wait);
}

enum scim_err
store_rate_level_name(struct store *st, const char *name, uint64_t now,
    uint64_t *ahead)
{
	return rate_level(st, 0, name, now, ahead);
}
