/*
 * store_keys.c: the keyspace primitives every store file uses: the one
 * key packer and the one cursor walk (store_int.h).
 */
#include "config.h"

#include <stdarg.h>
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
