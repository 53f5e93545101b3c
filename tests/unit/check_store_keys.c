/*
 * check_store_keys.c: the store's keyspace primitives (store_int.h): the
 * key packer, the cursor walk and the last-key lookup, at the edges:
 * tenant ids with the high bits set, keys equal to or shorter than the
 * prefix, the last tenant of all, a prefix ending in 0xff.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "store_int.h"
#include "tap.h"

static char	dir[64];

static int
hex_is(const struct skey *k, const char *want)
{
	char	got[2 * SKEY_MAX + 1];
	size_t	i;

	for (i = 0; i < k->sk_len; i++)
		snprintf(got + 2 * i, 3, "%02x", k->sk_buf[i]);
	got[2 * k->sk_len] = '\0';
	if (strcmp(got, want) != 0) {
		tap_diag("got  %s", got);
		tap_diag("want %s", want);
		return 0;
	}
	return 1;
}

/* What a walk saw: each key's last byte ('-' for a bare tenant), in order. */
struct seen {
	char	s[64];
	size_t	n;
	size_t	stop_at;	/* WALK_STOP after this many (0: never) */
	int	del_odd;	/* WALK_DEL the keys whose last byte is odd */
};

static int
see(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct seen	*w = arg;
	uint8_t		 last = k->mv_size <= 4 ? '-' :
			    ((const uint8_t *)k->mv_data)[k->mv_size - 1];

	(void)v;
	if (w->n + 1 < sizeof(w->s))
		w->s[w->n++] = (char)last;
	w->s[w->n] = '\0';
	if (w->stop_at != 0 && w->n == w->stop_at)
		return WALK_STOP;
	if (w->del_odd && (last & 1))
		return WALK_DEL;
	return WALK_NEXT;
}

static void
put(struct store_txn *tx, MDB_dbi dbi, uint32_t tenant, const char *tail)
{
	struct skey	k = { 0 };
	MDB_val		kv, v;

	skey_pack(&k, "ts", tenant, tail, strlen(tail));
	kv = skey_val(&k);
	v.mv_data = "v";
	v.mv_size = 1;
	if (mdb_put(tx->tx_txn, dbi, &kv, &v, 0) != 0)
		tap_diag("put failed");
}

static const char *
walk(struct store_txn *tx, MDB_dbi dbi, const struct skey *prefix,
    const struct skey *start, int flags, struct seen *w)
{
	enum scim_err	e;

	w->n = 0;
	w->s[0] = '\0';
	e = store_walk(tx, dbi, prefix->sk_buf, prefix->sk_len,
	    start != NULL ? start->sk_buf : NULL, start != NULL ?
	    start->sk_len : 0, flags, see, w, "test walk");
	return e == SCIM_OK ? w->s : "(error)";
}

static const char *
last(struct store_txn *tx, MDB_dbi dbi, const struct skey *prefix,
    char *buf, size_t len)
{
	MDB_val		k, v;
	enum scim_err	e;
	size_t		i;

	e = store_last(tx, dbi, prefix->sk_buf, prefix->sk_len, &k, &v,
	    "test last");
	if (e == SCIM_ENOTFOUND)
		return "none";
	if (e != SCIM_OK)
		return "(error)";
	buf[0] = '\0';
	for (i = 0; i < k.mv_size && 2 * i + 3 <= len; i++)
		snprintf(buf + 2 * i, 3, "%02x", ((uint8_t *)k.mv_data)[i]);
	return buf;
}

static int
count_role(char kind, const char *value, const char *role, void *arg)
{
	(void)kind;
	(void)value;
	(void)role;
	(*(int *)arg)++;
	return 0;
}

static int
count_res(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	(void)id;
	(void)json;
	(void)len;
	(*(int *)arg)++;
	return 0;
}

int
main(void)
{
	struct store		*st = NULL;
	struct store_txn	*tx;
	struct skey		 k = { 0 }, p = { 0 }, s = { 0 };
	struct seen		 w;
	uint8_t			 id[16], big[SKEY_MAX + 1];
	char			 err[256], buf[128], cmd[128];
	const char		*json;
	uint64_t		 seq;
	size_t			 len;
	int			 i, n;
	MDB_dbi			 dbi;
	MDB_val			 mk, mv;

	/* The packer. */
	for (i = 0; i < 16; i++)
		id[i] = (uint8_t)(0xf0 + i);
	ok(skey_pack(&k, "tci", (uint32_t)0xfffffffe, RES_USER, id) == 0 &&
	    hex_is(&k, "fffffffe55f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
	    "tenant, type, id: big-endian, no sign extension");
	k.sk_len = 0;
	ok(skey_pack(&k, "tq", (uint32_t)0x80000001, (uint64_t)UINT64_MAX) == 0
	    && hex_is(&k, "80000001ffffffffffffffff"), "a high-bit tenant, "
	    "the largest sequence");
	k.sk_len = 0;
	ok(skey_pack(&k, "cqs", 0xff, (uint64_t)0x0102030405060708ULL, "",
	    (size_t)0) == 0 && hex_is(&k, "ff0102030405060708"),
	    "a byte, a sequence, empty bytes");
	ok(skey_uint(k.sk_buf + 1, 8) == 0x0102030405060708ULL &&
	    skey_uint("\xff\xff\xff\xff", 4) == 0xffffffffULL,
	    "skey_uint reads them back");
	k.sk_len = 0;
	skey_pack(&p, "t", (uint32_t)0x7fffffff);
	skey_pack(&k, "t", (uint32_t)0x80000000);
	ok(memcmp(p.sk_buf, k.sk_buf, 4) < 0, "tenant 0x7fffffff sorts before "
	    "0x80000000");
	memset(big, 'b', sizeof(big));
	k.sk_len = 0;
	ok(skey_pack(&k, "s", big, (size_t)SKEY_MAX) == 0 &&
	    k.sk_len == SKEY_MAX, "a key of SKEY_MAX bytes fits");
	k.sk_len = 0;
	ok(skey_pack(&k, "ts", (uint32_t)1, big, (size_t)SKEY_MAX - 3) == -1 &&
	    k.sk_len == 0, "one byte more is refused, and leaves no key");
	k.sk_len = 0;
	ok(skey_pack(&k, "tx", (uint32_t)1, 2) == -1 && k.sk_len == 0,
	    "an unknown letter is refused");

	snprintf(dir, sizeof(dir), "/tmp/check_store_keys.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	if (store_open(dir, STORE_CREATE, &st, err, sizeof(err)) != SCIM_OK) {
		tap_diag("open: %s", err);
		return tap_done();
	}
	dbi = st->st_memberof;		/* any plain database will do */
	memset(&w, 0, sizeof(w));

	/*
	 * Keys of four tenants at the top of the range, and, for tenant 1,
	 * keys ending in 0xff past which the next tenant begins.
	 */
	store_begin(st, 1, &tx);
	put(tx, dbi, 0x7fffffff, "a");
	put(tx, dbi, 0x80000000, "");		/* the prefix itself */
	put(tx, dbi, 0x80000000, "b");
	put(tx, dbi, 0x80000000, "c");
	put(tx, dbi, 0x80000000, "d");
	put(tx, dbi, 0x80000000, "e");
	put(tx, dbi, 0xfffffffe, "f");
	put(tx, dbi, 0xffffffff, "g");
	put(tx, dbi, 0xffffffff, "h");
	put(tx, dbi, 1, "\xff" "a");
	put(tx, dbi, 1, "\xff\xff");
	put(tx, dbi, 2, "i");
	store_commit(&tx);
	store_begin(st, 1, &tx);

	p.sk_len = 0;
	skey_pack(&p, "t", (uint32_t)0x80000000);
	is_str(walk(tx, dbi, &p, NULL, 0, &w), "-bcde",
	    "a high-bit tenant's keys, the one equal to the prefix first");
	is_str(walk(tx, dbi, &p, NULL, WALK_EXACT, &w), "-",
	    "WALK_EXACT: only the key equal to the prefix");
	s.sk_len = 0;
	skey_pack(&s, "ts", (uint32_t)0x80000000, "c", (size_t)1);
	is_str(walk(tx, dbi, &p, &s, 0, &w), "cde", "from a start key");
	is_str(walk(tx, dbi, &p, &s, WALK_AFTER, &w), "de",
	    "WALK_AFTER: strictly after it");
	s.sk_len = 0;
	skey_pack(&s, "ts", (uint32_t)0x80000000, "cc", (size_t)2);
	is_str(walk(tx, dbi, &p, &s, WALK_AFTER, &w), "de",
	    "WALK_AFTER from a key that is not there");
	s.sk_len = 0;
	skey_pack(&s, "ts", (uint32_t)0x80000000, "z", (size_t)1);
	is_str(walk(tx, dbi, &p, &s, 0, &w), "", "from past the range: none");
	p.sk_len = 0;
	skey_pack(&p, "t", (uint32_t)0xffffffff);
	is_str(walk(tx, dbi, &p, NULL, 0, &w), "gh",
	    "the last tenant of all: to the end of the database");
	p.sk_len = 0;
	skey_pack(&p, "t", (uint32_t)0xfffffffd);
	is_str(walk(tx, dbi, &p, NULL, 0, &w), "", "a tenant with no keys");
	p.sk_len = 0;
	skey_pack(&p, "ts", (uint32_t)0x80000000, "bc", (size_t)2);
	is_str(walk(tx, dbi, &p, NULL, 0, &w), "",
	    "a key shorter than the prefix is not under it");
	p.sk_len = 0;
	skey_pack(&p, "ts", (uint32_t)1, "\xff", (size_t)1);
	is_str(walk(tx, dbi, &p, NULL, 0, &w), "a\xff",
	    "a prefix ending in 0xff");
	p.sk_len = 0;
	memset(&w, 0, sizeof(w));
	is_str(walk(tx, dbi, &p, NULL, 0, &w), "a\xffia-bcdefgh",
	    "no prefix: every key, in order");
	w.stop_at = 2;
	p.sk_len = 0;
	skey_pack(&p, "t", (uint32_t)0x80000000);
	is_str(walk(tx, dbi, &p, NULL, 0, &w), "-b",
	    "WALK_STOP ends the walk, without an error");
	w.stop_at = 0;
	w.del_odd = 1;			/* '-' (0x2d), 'c', 'e' are odd */
	is_str(walk(tx, dbi, &p, NULL, 0, &w), "-bcde",
	    "WALK_DEL: every key seen once");
	w.del_odd = 0;
	is_str(walk(tx, dbi, &p, NULL, 0, &w), "bd",
	    "and those deleted are gone");
	p.sk_len = 0;
	skey_pack(&p, "t", (uint32_t)0x7fffffff);
	is_str(walk(tx, dbi, &p, NULL, 0, &w), "a",
	    "the neighbours are untouched");

	/* The last key under a prefix. */
	p.sk_len = 0;
	skey_pack(&p, "t", (uint32_t)0x80000000);
	is_str(last(tx, dbi, &p, buf, sizeof(buf)), "8000000064",
	    "last: a high-bit tenant's last key");
	p.sk_len = 0;
	skey_pack(&p, "t", (uint32_t)0xffffffff);
	is_str(last(tx, dbi, &p, buf, sizeof(buf)), "ffffffff68",
	    "last: the last tenant of all (no bound past it)");
	p.sk_len = 0;
	skey_pack(&p, "t", (uint32_t)0xfffffffd);
	is_str(last(tx, dbi, &p, buf, sizeof(buf)), "none",
	    "last: a tenant with no keys, between two that have");
	p.sk_len = 0;
	skey_pack(&p, "ts", (uint32_t)1, "\xff", (size_t)1);
	is_str(last(tx, dbi, &p, buf, sizeof(buf)), "00000001ffff",
	    "last: under a prefix ending in 0xff");
	p.sk_len = 0;
	skey_pack(&p, "t", (uint32_t)0);
	is_str(last(tx, dbi, &p, buf, sizeof(buf)), "none",
	    "last: before the first key");
	p.sk_len = 0;
	is_str(last(tx, dbi, &p, buf, sizeof(buf)), "ffffffff68",
	    "last: no prefix, the last key");
	ok(store_last(tx, dbi, NULL, 0, &mk, &mv, "test last") == SCIM_OK &&
	    mk.mv_size == 5, "and with a NULL prefix");
	memset(&w, 0, sizeof(w));
	ok(store_walk(tx, dbi, NULL, 0, NULL, 0, 0, see, &w, "test walk") ==
	    SCIM_OK && w.n == 9, "a walk with a NULL prefix sees all (nine left)");
	store_abort(&tx);

	/* The public API on the same edges. */
	store_begin(st, 1, &tx);
	for (i = 0; i < 3; i++) {
		id[15] = (uint8_t)i;
		store_res_put(tx, 0xffffffff, RES_USER, id, "{}", 2, 1);
		store_res_put(tx, 0xffffffff, RES_GROUP, id, "{}", 2, 1);
		store_res_put(tx, 0x80000000, RES_USER, id, "{}", 2, 1);
	}
	store_role_put(tx, 0xffffffff, ROLE_VALUE, "x", "r");
	store_role_put(tx, 0xffffffff, ROLE_GROUP, "y", "r");
	store_audit_put(tx, 0xffffffff, 7, "{\"n\":7}");
	store_audit_put(tx, 0xffffffff, UINT64_MAX, "{\"n\":0}");
	store_audit_put(tx, 0xfffffffe, 9, "{\"n\":9}");
	store_commit(&tx);
	store_begin(st, 0, &tx);
	n = 0;
	store_res_each(tx, 0xffffffff, RES_USER, count_res, &n);
	is_int(n, 3, "tenant 0xffffffff: its three users");
	n = 0;
	store_res_each(tx, 0xffffffff, RES_GROUP, count_res, &n);
	is_int(n, 3, "and its three groups, apart");
	n = 0;
	store_res_each(tx, 0x7fffffff, RES_USER, count_res, &n);
	is_int(n, 0, "tenant 0x7fffffff: none of 0x80000000's");
	n = 0;
	store_role_each(tx, 0xffffffff, count_role, &n);
	is_int(n, 2, "role mappings of the last tenant");
	ok(store_audit_last(tx, 0xffffffff, &seq, &json, &len) == SCIM_OK &&
	    seq == UINT64_MAX && len == 7, "audit: the last entry of the last "
	    "tenant, sequence UINT64_MAX");
	ok(store_audit_last(tx, 0xfffffffe, &seq, &json, &len) == SCIM_OK &&
	    seq == 9, "and of the tenant before it");
	ok(store_audit_last(tx, 0x80000000, &seq, &json, &len) == SCIM_OK &&
	    seq == 0 && json == NULL, "and none for a tenant without entries");
	store_abort(&tx);

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", dir);
	return tap_done();
}
