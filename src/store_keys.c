/*
 * store_keys.c: the keyspace primitives every store file uses: the one
 * key packer and the one cursor walk (store_int.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "store.h"
#include "store_int.h"

static int
put_uint(struct skey *k, uint64_t v, size_t n)
{
	size_t	i;

	if (n > SKEY_MAX - k->sk_len)
		return -1;
	for (i = n; i > 0; i--, v >>= 8)
		k->sk_buf[k->sk_len + i - 1] = (uint8_t)v;
	k->sk_len += n;
	return 0;
}

static int
put_bytes(struct skey *k, const void *p, size_t n)
{
	if (n > SKEY_MAX - k->sk_len)
		return -1;
	if (n > 0)
		memcpy(k->sk_buf + k->sk_len, p, n);
	k->sk_len += n;
	return 0;
}

int
skey_pack(struct skey *k, const char *fmt, ...)
{
	va_list		 ap;
	const void	*p;
	size_t		 n;
	int		 rc = 0;

	va_start(ap, fmt);
	for (; rc == 0 && *fmt != '\0'; fmt++) {
		switch (*fmt) {
		case 't':
			rc = put_uint(k, va_arg(ap, uint32_t), 4);
			break;
		case 'c':
			rc = put_uint(k, (uint8_t)va_arg(ap, int), 1);
			break;
		case 'i':
			rc = put_bytes(k, va_arg(ap, const uint8_t *), 16);
			break;
		case 'q':
			rc = put_uint(k, va_arg(ap, uint64_t), 8);
			break;
		case 's':
			p = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			rc = put_bytes(k, p, n);
			break;
		default:
			rc = -1;
			break;
		}
	}
	va_end(ap);
	if (rc == -1)
		k->sk_len = 0;
	return rc;
}

uint64_t
skey_uint(const void *p, size_t n)
{
	const uint8_t	*b = p;
	uint64_t	 v = 0;
	size_t		 i;

	for (i = 0; i < n && i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

MDB_val
skey_val(const struct skey *k)
{
	MDB_val	v;

	v.mv_size = k->sk_len;
	v.mv_data = (void *)k->sk_buf;
	return v;
}

static int
has_prefix(const MDB_val *k, const void *prefix, size_t plen, int exact)
{
	if (exact ? k->mv_size != plen : k->mv_size < plen)
		return 0;
	return plen == 0 || memcmp(k->mv_data, prefix, plen) == 0;
}

/* Position c on the first key >= key[0..len) (len 0: the first key). */
static int
seek(struct store_txn *tx, MDB_cursor *c, const void *key, size_t len,
    MDB_val *k, MDB_val *v)
{
	if (len == 0)
		return s_cursor_get(tx, c, k, v, MDB_FIRST);
	k->mv_data = (void *)key;
	k->mv_size = len;
	return s_cursor_get(tx, c, k, v, MDB_SET_RANGE);
}

enum scim_err
store_walk(struct store_txn *tx, MDB_dbi dbi, const void *prefix,
    size_t plen, const void *start, size_t slen, int flags, walk_cb cb,
    void *arg, const char *where)
{
	MDB_cursor	*c;
	MDB_val		 k, v, cv;
	uint8_t		 at[SKEY_MAX];
	size_t		 atlen;
	int		 rc, next;

	if (plen > SKEY_MAX || slen > SKEY_MAX)
		return SCIM_ESTORE;
	if (start == NULL) {
		start = prefix;
		slen = plen;
		flags &= ~WALK_AFTER;
	}
	if ((rc = s_cursor_open(tx, dbi, &c)))
		return store_err(rc, where);
	rc = seek(tx, c, start, slen, &k, &v);
	if (rc == 0 && (flags & WALK_AFTER) && k.mv_size == slen &&
	    memcmp(k.mv_data, start, slen) == 0)
		rc = s_cursor_get(tx, c, &k, &v, MDB_NEXT);
	while (rc == 0 && has_prefix(&k, prefix, plen, flags & WALK_EXACT)) {
		cv = v;
		if (flags & WALK_JSON)
			store_fault_json(tx, &cv);
		if ((next = cb(&k, &cv, arg)) == WALK_STOP)
			break;
		if (next != WALK_DEL) {
			rc = s_cursor_get(tx, c, &k, &v, MDB_NEXT);
			continue;
		}
		/* Deleted: seek again from where it was. */
		if (k.mv_size > sizeof(at)) {
			rc = MDB_BAD_VALSIZE;
			break;
		}
		memcpy(at, k.mv_data, k.mv_size);
		atlen = k.mv_size;
		if ((rc = s_cursor_del(tx, c)) != 0)
			break;
		rc = seek(tx, c, at, atlen, &k, &v);
	}
	mdb_cursor_close(c);
	return (rc == 0 || rc == MDB_NOTFOUND) ? SCIM_OK : store_err(rc, where);
}

enum scim_err
store_last(struct store_txn *tx, MDB_dbi dbi, const void *prefix,
    size_t plen, MDB_val *k, MDB_val *v, const char *where)
{
	MDB_cursor	*c;
	uint8_t		 past[SKEY_MAX];
	size_t		 n;
	int		 rc;

	if (plen > SKEY_MAX)
		return SCIM_ESTORE;
	/*
	 * The first key past the prefix's range is the prefix plus one
	 * (as a big-endian number, trailing 0xff bytes dropped); the last
	 * key of the range is the one before it.  A prefix of all 0xff
	 * (or none) has no such bound: its range runs to the end.
	 */
	if (plen > 0)
		memcpy(past, prefix, plen);
	for (n = plen; n > 0 && past[n - 1] == 0xff; n--)
		;
	if (n > 0)
		past[n - 1]++;
	if ((rc = s_cursor_open(tx, dbi, &c)))
		return store_err(rc, where);
	rc = MDB_NOTFOUND;
	if (n > 0)
		rc = seek(tx, c, past, n, k, v);
	if (rc == 0)
		rc = s_cursor_get(tx, c, k, v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = s_cursor_get(tx, c, k, v, MDB_LAST);
	if (rc == 0 && !has_prefix(k, prefix, plen, 0))
		rc = MDB_NOTFOUND;
	mdb_cursor_close(c);
	return store_err(rc, where);
}

/* Sequence-keyed records: what store_seq_each() and _prune() share. */
struct seq_arg {
	store_audit_cb	 sa_cb;
	void		*sa_arg;
	size_t		 sa_at;		/* where the sequence is in a key */
	uint64_t	 sa_before;	/* pruning: stop at this sequence */
	uint64_t	 sa_n;		/* pruning: how many went */
};

static int
seq_each_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct seq_arg	*sa = arg;

	if (k->mv_size != sa->sa_at + 8)
		return WALK_NEXT;
	return sa->sa_cb(skey_uint((const uint8_t *)k->mv_data + sa->sa_at,
	    8), v->mv_data, v->mv_size, sa->sa_arg) ? WALK_STOP : WALK_NEXT;
}

static int
seq_prune_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct seq_arg	*sa = arg;

	(void)v;
	if (k->mv_size != sa->sa_at + 8 || skey_uint((const uint8_t *)
	    k->mv_data + sa->sa_at, 8) >= sa->sa_before)
		return WALK_STOP;
	sa->sa_n++;
	return WALK_DEL;
}

enum scim_err
store_seq_each(struct store_txn *tx, MDB_dbi dbi, const void *prefix,
    size_t plen, uint64_t from, store_audit_cb cb, void *arg,
    const char *where)
{
	struct skey	start = { 0 };
	struct seq_arg	sa = { cb, arg, plen, 0, 0 };

	if (skey_pack(&start, "sq", prefix, plen, from) == -1)
		return SCIM_ESTORE;
	return store_walk(tx, dbi, prefix, plen, start.sk_buf, start.sk_len,
	    WALK_JSON, seq_each_cb, &sa, where);
}

enum scim_err
store_seq_prune(struct store_txn *tx, MDB_dbi dbi, const void *prefix,
    size_t plen, uint64_t before, uint64_t *n, const char *where)
{
	struct seq_arg	sa = { NULL, NULL, plen, before, 0 };
	enum scim_err	e;

	e = store_walk(tx, dbi, prefix, plen, NULL, 0, 0, seq_prune_cb, &sa,
	    where);
	*n = sa.sa_n;
	return e;
}

static int
drop_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	(void)k;
	(void)v;
	(*(uint64_t *)arg)++;
	return WALK_DEL;
}

enum scim_err
store_drop_prefix(struct store_txn *tx, MDB_dbi dbi, const void *prefix,
    size_t plen, uint64_t *n, const char *where)
{
	return store_walk(tx, dbi, prefix, plen, NULL, 0, 0, drop_cb, n,
	    where);
}

/*
 * Tenant data ranges (preview, src/preview.h): the four databases of a
 * tenant's resources and memberships, copied from one number's prefix to
 * another's, or dropped.  The copy goes in batches: a batch of keys is
 * read, the walk ends, then they are written, so no cursor walks a
 * database while it is written to; the next batch starts after the last
 * pair copied (the index has duplicate keys: after the key and value).
 */
#define COPY_BATCH	256

struct copy_arg {
	MDB_val		 ca_k[COPY_BATCH], ca_v[COPY_BATCH];
	size_t		 ca_n;
	const MDB_val	*ca_lastk, *ca_lastv;	/* skip up to this pair */
	int		 ca_oom;
};

/* LMDB's default order of values: bytes, then the shorter first. */
static int
val_cmp(const MDB_val *a, const MDB_val *b)
{
	size_t	n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
	int	c = n > 0 ? memcmp(a->mv_data, b->mv_data, n) : 0;

	if (c != 0)
		return c;
	return a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size;
}

static void *
dup_bytes(const MDB_val *v)
{
	void	*p = malloc(v->mv_size > 0 ? v->mv_size : 1);

	if (p != NULL && v->mv_size > 0)
		memcpy(p, v->mv_data, v->mv_size);
	return p;
}

static int
copy_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct copy_arg	*ca = arg;

	if (ca->ca_lastk != NULL) {
		if (val_cmp(k, ca->ca_lastk) < 0 || (val_cmp(k,
		    ca->ca_lastk) == 0 && val_cmp(v, ca->ca_lastv) <= 0))
			return WALK_NEXT;
	}
	if (ca->ca_n == COPY_BATCH)
		return WALK_STOP;
	ca->ca_k[ca->ca_n].mv_size = k->mv_size;
	ca->ca_v[ca->ca_n].mv_size = v->mv_size;
	if ((ca->ca_k[ca->ca_n].mv_data = dup_bytes(k)) == NULL ||
	    (ca->ca_v[ca->ca_n].mv_data = dup_bytes(v)) == NULL) {
		free(ca->ca_k[ca->ca_n].mv_data);
		ca->ca_oom = 1;
		return WALK_STOP;
	}
	ca->ca_n++;
	return WALK_NEXT;
}

static void
copy_free(struct copy_arg *ca, size_t from)
{
	size_t	i;

	for (i = from; i < ca->ca_n; i++) {
		free(ca->ca_k[i].mv_data);
		free(ca->ca_v[i].mv_data);
	}
}

static enum scim_err
copy_db(struct store_txn *tx, MDB_dbi dbi, uint32_t from, uint32_t to,
    uint64_t *n)
{
	struct copy_arg	*ca;
	struct skey	 pf = { 0 };
	MDB_val		 lastk = { 0, NULL }, lastv = { 0, NULL }, k;
	uint8_t		 nk[SKEY_MAX];
	enum scim_err	 e = SCIM_OK;
	size_t		 i;
	int		 rc;

	if ((ca = calloc(1, sizeof(*ca))) == NULL)
		return SCIM_ENOMEM;
	skey_pack(&pf, "t", from);
	for (;;) {
		ca->ca_n = 0;
		e = store_walk(tx, dbi, pf.sk_buf, pf.sk_len,
		    lastk.mv_data != NULL ? lastk.mv_data : NULL,
		    lastk.mv_size, 0, copy_cb, ca, "preview copy");
		if (e == SCIM_OK && ca->ca_oom)
			e = SCIM_ENOMEM;
		for (i = 0; e == SCIM_OK && i < ca->ca_n; i++) {
			if (ca->ca_k[i].mv_size > sizeof(nk)) {
				e = SCIM_ESTORE;
				break;
			}
			memcpy(nk, ca->ca_k[i].mv_data, ca->ca_k[i].mv_size);
			nk[0] = (uint8_t)(to >> 24);
			nk[1] = (uint8_t)(to >> 16);
			nk[2] = (uint8_t)(to >> 8);
			nk[3] = (uint8_t)to;
			k.mv_data = nk;
			k.mv_size = ca->ca_k[i].mv_size;
			if ((rc = s_put(tx, dbi, &k, &ca->ca_v[i], 0)))
				e = store_err(rc, "preview copy");
			else
				(*n)++;
		}
		free(lastk.mv_data);
		free(lastv.mv_data);
		lastk.mv_data = lastv.mv_data = NULL;
		if (e != SCIM_OK || ca->ca_n < COPY_BATCH)
			break;
		/* The last pair copied: the next batch starts after it. */
		lastk = ca->ca_k[ca->ca_n - 1];
		lastv = ca->ca_v[ca->ca_n - 1];
		ca->ca_n--;
		copy_free(ca, 0);
		ca->ca_lastk = &lastk;
		ca->ca_lastv = &lastv;
	}
	copy_free(ca, 0);
	free(lastk.mv_data);
	free(lastv.mv_data);
	free(ca);
	return e;
}

static void
data_dbs(struct store *st, MDB_dbi dbs[4])
{
	dbs[0] = st->st_resources;
	dbs[1] = st->st_index;
	dbs[2] = st->st_members;
	dbs[3] = st->st_memberof;
}

enum scim_err
store_data_copy(struct store_txn *tx, uint32_t from, uint32_t to,
    uint64_t *n)
{
	MDB_dbi		dbs[4];
	struct skey	pf = { 0 };
	uint64_t	gone = 0;
	size_t		i;
	enum scim_err	e;

	*n = 0;
	if (from == to)
		return SCIM_ESTORE;
	data_dbs(tx->tx_store, dbs);
	skey_pack(&pf, "t", to);
	for (i = 0; i < 4; i++)
		if ((e = store_drop_prefix(tx, dbs[i], pf.sk_buf, pf.sk_len,
		    &gone, "preview copy")) != SCIM_OK ||
		    (e = copy_db(tx, dbs[i], from, to, n)) != SCIM_OK)
			return e;
	/* Resources written by range: counted again when next needed,
	 * and the pages marked before (store_page.c) no longer hold. */
	return store_res_count_reset(tx, to);
}

enum scim_err
store_data_drop(struct store_txn *tx, uint32_t tenant, uint64_t *n)
{
	struct store	*st = tx->tx_store;
	MDB_dbi		 dbs[5];
	struct skey	 pf = { 0 };
	size_t		 i;
	enum scim_err	 e;

	data_dbs(st, dbs);
	dbs[4] = st->st_audit;
	skey_pack(&pf, "t", tenant);
	for (i = 0; i < 5; i++)
		if ((e = store_drop_prefix(tx, dbs[i], pf.sk_buf, pf.sk_len,
		    n, "preview drop")) != SCIM_OK)
			return e;
	if ((e = store_breaker_clear(tx, tenant, n)) != SCIM_OK ||
	    (e = store_res_count_reset(tx, tenant)) != SCIM_OK)
		return e;
	return store_feed_clear(tx, tenant, n);
}
