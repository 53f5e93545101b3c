/*
 * store_act.c: the activity log's two stores (doc/architecture.md §4.9).
 *
 * A request that changed something has its record in the main
 * environment, in `activity`, written in the request's own write
 * transaction: durable with the change, never one without the other.
 * Every other request (reads, failures, writes that changed nothing) has
 * its record in a second environment, the file activity.mdb beside
 * data.mdb, opened with MDB_NOSYNC: no fsync per read.  A crash of the
 * worker or the web server loses nothing there (the kernel has the
 * pages); a power cut may lose the last seconds of it (it is synced every
 * ACT_SYNC_SECS) and, in the worst case, damage it, which no change can
 * suffer from: the operator then removes activity.mdb (README).
 *
 * Both stores have the same keys, so one merge gives a tenant's records
 * in time order:
 *   activity  tenant(4) time µs(8) request id(8)  -> record JSON
 *   meta      "acount:" tenant(4)                  -> records kept (8)
 *             "used:" token id                     -> last use, µs (8)
 * Tenant 0 holds requests no token could be found for.
 *
 * Retention: each put counts the tenant's records and deletes its oldest
 * ones past the count or the age it was given, at most ACT_PRUNE_STEP per
 * put; the oldest are the first keys of the tenant's range, so pruning
 * never scans.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lmdb.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

#define ACT_PRUNE_STEP	16
#define ACT_SYNC_SECS	2
#define ACT_BATCH_US	1000000	/* a batch waits at most this, busy */

static void
count_key(struct skey *k, uint32_t tenant)
{
	skey_pack(k, "st", "acount:", (size_t)7, tenant);
}

static void
used_key(struct skey *k, const char *token)
{
	skey_pack(k, "ss", "used:", (size_t)5, token, strlen(token));
}

/* A record and its bookkeeping, in tx (of either environment). */
static enum scim_err
act_put(struct store_txn *tx, MDB_dbi log, MDB_dbi meta,
    const struct store_act *a)
{
	struct skey	 rk = { 0 }, ck = { 0 }, prefix = { 0 }, uk = { 0 };
	struct skey	 num = { 0 };
	MDB_cursor	*c = NULL;
	MDB_val		 k, v;
	uint64_t	 count = 0;
	int		 rc, n;

	if (skey_pack(&rk, "tqs", a->sa_tenant, a->sa_us, a->sa_rid,
	    (size_t)8) == -1)
		return SCIM_ESTORE;
	k = skey_val(&rk);
	v.mv_data = (void *)a->sa_json;
	v.mv_size = a->sa_len;
	if ((rc = s_put(tx, log, &k, &v, 0)) != 0)
		return store_err(rc, "activity put");
	count_key(&ck, a->sa_tenant);
	k = skey_val(&ck);
	if ((rc = s_get(tx, meta, &k, &v)) == 0 && v.mv_size == 8)
		count = skey_uint(v.mv_data, 8);
	else if (rc != 0 && rc != MDB_NOTFOUND)
		return store_err(rc, "activity count");
	count++;

	/* The oldest records of the tenant, past the count or the age. */
	skey_pack(&prefix, "t", a->sa_tenant);
	if ((rc = s_cursor_open(tx, log, &c)) != 0)
		return store_err(rc, "activity prune");
	k = skey_val(&prefix);
	rc = s_cursor_get(tx, c, &k, &v, MDB_SET_RANGE);
	for (n = 0; rc == 0 && n < ACT_PRUNE_STEP; n++) {
		if (k.mv_size < 12 || memcmp(k.mv_data, prefix.sk_buf, 4) != 0)
			break;
		if (count <= a->sa_max &&
		    skey_uint((uint8_t *)k.mv_data + 4, 8) >= a->sa_cutoff)
			break;
		if ((rc = s_cursor_del(tx, c)) != 0)
			break;
		if (count > 0)
			count--;
		/* The first key was deleted: the next is first now. */
		k = skey_val(&prefix);
		rc = s_cursor_get(tx, c, &k, &v, MDB_SET_RANGE);
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_err(rc, "activity prune");

	k = skey_val(&ck);
	skey_pack(&num, "q", count);	/* 8 bytes, big-endian */
	v = skey_val(&num);
	if ((rc = s_put(tx, meta, &k, &v, 0)) != 0)
		return store_err(rc, "activity count");
	if (a->sa_token != NULL && a->sa_token[0] != '\0') {
		used_key(&uk, a->sa_token);
		k = skey_val(&uk);
		/* To the second: most requests then leave the key alone. */
		if (s_get(tx, meta, &k, &v) == 0 && v.mv_size == 8 &&
		    skey_uint(v.mv_data, 8) + 1000000 > a->sa_us)
			return SCIM_OK;
		num.sk_len = 0;
		skey_pack(&num, "q", a->sa_us);
		v = skey_val(&num);
		if ((rc = s_put(tx, meta, &k, &v, 0)) != 0)
			return store_err(rc, "activity token use");
	}
	return SCIM_OK;
}

enum scim_err
store_act_put(struct store_txn *tx, const struct store_act *a)
{
	struct store	*st = tx->tx_store;

	return act_put(tx, st->st_activity, st->st_meta, a);
}

/*
 * The activity file, opened on first use.  A failure is logged once and
 * leaves the worker without it: its records are lost, its requests are
 * served as ever.
 */
static int
act_env(struct store *st)
{
	MDB_txn		*txn = NULL;
	const char	*dir = NULL;
	char		 path[PATH_MAX];
	int		 rc, n, dead;

	if (st->st_act_env != NULL)
		return 0;
	if (st->st_act_failed)
		return -1;
	if (mdb_env_get_path(st->st_env, &dir) != 0 || dir == NULL)
		goto fail;
	n = snprintf(path, sizeof(path), "%s/activity.mdb", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		goto fail;
	if ((rc = mdb_env_create(&st->st_act_env)) ||
	    (rc = mdb_env_set_maxdbs(st->st_act_env, 4)) ||
	    (rc = mdb_env_set_maxreaders(st->st_act_env, 510)) ||
	    (rc = mdb_env_set_mapsize(st->st_act_env, st->st_mapsize)) ||
	    (rc = mdb_env_open(st->st_act_env, path, MDB_NOSUBDIR |
	    MDB_WRITEMAP | MDB_NOSYNC | MDB_NOMETASYNC, 0600))) {
		log_warnx("%s: %s: the activity of reads and failures is not "
		    "recorded", path, mdb_strerror(rc));
		goto fail;
	}
	/* Synced at most every ACT_SYNC_SECS from now (store_act_flush()). */
	st->st_act_synced = time(NULL);
	if (mdb_reader_check(st->st_act_env, &dead) == 0 && dead > 0)
		log_warnx("activity.mdb: cleared %d stale reader slot(s)",
		    dead);
	/* A read transaction finds them (a CGI request opens it each time). */
	if (mdb_txn_begin(st->st_act_env, NULL, MDB_RDONLY, &txn) == 0) {
		if (mdb_dbi_open(txn, "activity", 0, &st->st_act_log) == 0 &&
		    mdb_dbi_open(txn, "meta", 0, &st->st_act_meta) == 0) {
			if (mdb_txn_commit(txn) == 0)	/* frees txn */
				return 0;
		} else
			mdb_txn_abort(txn);
		txn = NULL;
	}
	if ((rc = mdb_txn_begin(st->st_act_env, NULL, 0, &txn)) ||
	    (rc = mdb_dbi_open(txn, "activity", MDB_CREATE, &st->st_act_log)) ||
	    (rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &st->st_act_meta)) ||
	    (rc = mdb_txn_commit(txn))) {
		if (txn != NULL && rc != 0)
			mdb_txn_abort(txn);
		log_warnx("%s: %s", path, mdb_strerror(rc));
		goto fail;
	}
	return 0;
fail:
	if (st->st_act_env != NULL)
		mdb_env_close(st->st_act_env);
	st->st_act_env = NULL;
	st->st_act_failed = 1;
	return -1;
}

/* A transaction of the activity file, as the s_* wrappers take one. */
int
store_act_begin(struct store *st, int write, struct store_txn *tx)
{
	memset(tx, 0, sizeof(*tx));
	tx->tx_store = st;
	tx->tx_write = write;
	if (act_env(st) == -1)
		return -1;
	return mdb_txn_begin(st->st_act_env, NULL, write ? 0 : MDB_RDONLY,
	    &tx->tx_txn) == 0 ? 0 : -1;
}

/*
 * Records for the activity file wait in the store's batch, copied, and
 * go in one transaction: when ACT_BATCH wait, when the oldest has waited
 * ACT_BATCH_US, or when the worker flushes (idle, or exiting).
 */
enum scim_err
store_act_log(struct store *st, const struct store_act *a)
{
	struct act_pend	*p;
	uint64_t	 now;

	if (st->st_act_npend == ACT_BATCH && store_act_flush(st) != SCIM_OK)
		st->st_act_npend = 0;	/* lost: logged by the flush */
	p = &st->st_act_pend[st->st_act_npend];
	if ((p->p_json = malloc(a->sa_len)) == NULL)
		return SCIM_ENOMEM;
	memcpy(p->p_json, a->sa_json, a->sa_len);
	p->p_act = *a;
	p->p_act.sa_json = p->p_json;
	p->p_act.sa_token = NULL;
	if (a->sa_token != NULL) {
		util_strlcpy(p->p_token, a->sa_token, sizeof(p->p_token));
		p->p_act.sa_token = p->p_token;
	}
	st->st_act_npend++;
	now = a->sa_us;
	if (st->st_act_npend == ACT_BATCH ||
	    st->st_act_pend[0].p_act.sa_us + ACT_BATCH_US <= now)
		return store_act_flush(st);
	return SCIM_OK;
}

int
store_act_pending(const struct store *st)
{
	return st->st_act_npend;
}

enum scim_err
store_act_flush(struct store *st)
{
	struct store_txn	tx;
	enum scim_err		e = SCIM_OK;
	time_t			now;
	int			i, n = st->st_act_npend, rc;

	if (n == 0)
		return SCIM_OK;
	st->st_act_npend = 0;
	if (store_act_begin(st, 1, &tx) == -1)
		e = SCIM_ESTORE;
	for (i = 0; i < n && e == SCIM_OK; i++)
		e = act_put(&tx, st->st_act_log, st->st_act_meta,
		    &st->st_act_pend[i].p_act);
	if (e == SCIM_OK && (rc = mdb_txn_commit(tx.tx_txn)) != 0)
		e = store_err(rc, "activity commit");
	else if (e != SCIM_OK && tx.tx_txn != NULL)
		mdb_txn_abort(tx.tx_txn);
	for (i = 0; i < n; i++)
		free(st->st_act_pend[i].p_json);
	if (e != SCIM_OK) {
		/* A file that would not open was reported once (act_env). */
		if (!st->st_act_failed)
			log_warnx("activity.mdb: %d record(s) lost", n);
		return e;
	}
	/* What a power cut may take: the last ACT_SYNC_SECS seconds. */
	now = time(NULL);
	if (now - st->st_act_synced >= ACT_SYNC_SECS) {
		st->st_act_synced = now;
		mdb_env_sync(st->st_act_env, 1);
	}
	return SCIM_OK;
}

enum scim_err
store_act_open(struct store *st)
{
	return act_env(st) == 0 ? SCIM_OK : SCIM_ESTORE;
}

void
store_act_sync(struct store *st)
{
	if (st->st_act_env != NULL)
		mdb_env_sync(st->st_act_env, 1);
}

/* Where a cursor of the merge stands. */
struct act_cur {
	struct store_txn	*ac_tx;
	MDB_cursor		*ac_c;
	MDB_val			 ac_k, ac_v;
	int			 ac_rc;		/* 0: ac_k/ac_v valid */
};

static void
cur_check(struct act_cur *c, uint32_t tenant)
{
	if (c->ac_rc == 0 && (c->ac_k.mv_size != 20 ||
	    skey_uint(c->ac_k.mv_data, 4) != tenant))
		c->ac_rc = MDB_NOTFOUND;
}

static void
cur_start(struct act_cur *c, const struct skey *from, int after,
    uint32_t tenant)
{
	c->ac_k = skey_val(from);
	c->ac_rc = s_cursor_get(c->ac_tx, c->ac_c, &c->ac_k, &c->ac_v,
	    MDB_SET_RANGE);
	if (c->ac_rc == 0 && after && c->ac_k.mv_size == from->sk_len &&
	    memcmp(c->ac_k.mv_data, from->sk_buf, from->sk_len) == 0)
		c->ac_rc = s_cursor_get(c->ac_tx, c->ac_c, &c->ac_k,
		    &c->ac_v, MDB_NEXT);
	cur_check(c, tenant);
}

enum scim_err
store_act_each(struct store *st, uint32_t tenant, uint64_t from_us,
    const uint8_t *after_rid, store_act_cb cb, void *arg)
{
	struct store_txn	*mtx = NULL, atx;
	struct act_cur		 cur[2], *c;
	struct skey		 from = { 0 };
	int			 n, i, have_act = 0, stop = 0;
	enum scim_err		 e;

	memset(cur, 0, sizeof(cur));
	if ((e = store_begin(st, 0, &mtx)) != SCIM_OK)
		return e;
	if (after_rid != NULL)
		skey_pack(&from, "tqs", tenant, from_us, after_rid, (size_t)8);
	else
		skey_pack(&from, "tq", tenant, from_us);
	n = 1;
	cur[0].ac_tx = mtx;
	if ((cur[0].ac_rc = s_cursor_open(mtx, st->st_activity,
	    &cur[0].ac_c)) != 0) {
		store_abort(&mtx);
		return store_err(cur[0].ac_rc, "activity list");
	}
	cur_start(&cur[0], &from, after_rid != NULL, tenant);
	if (store_act_begin(st, 0, &atx) == 0) {
		have_act = 1;
		cur[1].ac_tx = &atx;
		if (mdb_cursor_open(atx.tx_txn, st->st_act_log,
		    &cur[1].ac_c) == 0) {
			cur_start(&cur[1], &from, after_rid != NULL, tenant);
			n = 2;
		}
	}
	while (!stop) {
		/* The smaller key of the two; equal keys cannot happen. */
		c = NULL;
		for (i = 0; i < n; i++) {
			if (cur[i].ac_rc != 0)
				continue;
			if (c == NULL || (cur[i].ac_k.mv_size == 20 &&
			    memcmp(cur[i].ac_k.mv_data, c->ac_k.mv_data,
			    20) < 0))
				c = &cur[i];
		}
		if (c == NULL)
			break;
		stop = cb(skey_uint((uint8_t *)c->ac_k.mv_data + 4, 8),
		    (uint8_t *)c->ac_k.mv_data + 12, c->ac_v.mv_data,
		    c->ac_v.mv_size, arg) != 0;
		c->ac_rc = s_cursor_get(c->ac_tx, c->ac_c, &c->ac_k, &c->ac_v,
		    MDB_NEXT);
		cur_check(c, tenant);
	}
	e = SCIM_OK;
	for (i = 0; i < n; i++) {
		if (cur[i].ac_rc != 0 && cur[i].ac_rc != MDB_NOTFOUND)
			e = store_err(cur[i].ac_rc, "activity list");
		mdb_cursor_close(cur[i].ac_c);
	}
	if (have_act)
		mdb_txn_abort(atx.tx_txn);
	store_abort(&mtx);
	return e;
}

enum scim_err
store_act_used(struct store_txn *tx, const char *token, uint64_t *us)
{
	struct store		*st = tx->tx_store;
	struct store_txn	 atx;
	struct skey		 uk = { 0 };
	MDB_val			 k, v;
	int			 rc;

	*us = 0;
	used_key(&uk, token);
	k = skey_val(&uk);
	if ((rc = s_get(tx, st->st_meta, &k, &v)) == 0 && v.mv_size == 8)
		*us = skey_uint(v.mv_data, 8);
	else if (rc != 0 && rc != MDB_NOTFOUND)
		return store_err(rc, "token use");
	/* The activity file: another environment, its own read. */
	if (store_act_begin(st, 0, &atx) == 0) {
		k = skey_val(&uk);
		if (mdb_get(atx.tx_txn, st->st_act_meta, &k, &v) == 0 &&
		    v.mv_size == 8 && skey_uint(v.mv_data, 8) > *us)
			*us = skey_uint(v.mv_data, 8);
		mdb_txn_abort(atx.tx_txn);
	}
	return SCIM_OK;
}

/* Delete a tenant's records and count of one store. */
static enum scim_err
act_clear(struct store_txn *tx, MDB_dbi log, MDB_dbi meta, uint32_t tenant,
    uint64_t *n)
{
	struct skey	 prefix = { 0 }, ck = { 0 };
	MDB_val		 k;
	enum scim_err	 e;
	int		 rc;

	skey_pack(&prefix, "t", tenant);
	if ((e = store_drop_prefix(tx, log, prefix.sk_buf, prefix.sk_len, n,
	    "activity clear")) != SCIM_OK)
		return e;
	count_key(&ck, tenant);
	k = skey_val(&ck);
	if ((rc = s_del(tx, meta, &k, NULL)) != 0 && rc != MDB_NOTFOUND)
		return store_err(rc, "activity clear");
	return SCIM_OK;
}

enum scim_err
store_act_clear(struct store_txn *tx, uint32_t tenant, uint64_t *n)
{
	return act_clear(tx, tx->tx_store->st_activity,
	    tx->tx_store->st_meta, tenant, n);
}

enum scim_err
store_act_log_clear(struct store *st, uint32_t tenant, uint64_t *n)
{
	struct store_txn	tx;
	enum scim_err		e;

	if (store_act_begin(st, 1, &tx) == -1)
		return SCIM_OK;		/* no activity file: nothing kept */
	if ((e = act_clear(&tx, st->st_act_log, st->st_act_meta, tenant,
	    n)) != SCIM_OK) {
		mdb_txn_abort(tx.tx_txn);
		return e;
	}
	if (mdb_txn_commit(tx.tx_txn) != 0)
		return SCIM_ESTORE;
	store_act_sync(st);
	return SCIM_OK;
}

enum scim_err
store_act_backup(struct store *st, const char *dest, char *err,
    size_t errlen)
{
	char	path[PATH_MAX];
	int	n, rc;

	if (act_env(st) == -1)
		return SCIM_OK;		/* nothing to copy */
	n = snprintf(path, sizeof(path), "%s/activity.mdb", dest);
	if (n < 0 || (size_t)n >= sizeof(path))
		return SCIM_ECONFIG;
	if ((rc = mdb_env_copy2(st->st_act_env, path, MDB_CP_COMPACT)) != 0) {
		snprintf(err, errlen, "cannot copy activity.mdb to %s: %s",
		    dest, mdb_strerror(rc));
		return SCIM_ESTORE;
	}
	return SCIM_OK;
}
