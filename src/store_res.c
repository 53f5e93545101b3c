/*
 * store_res.c: resources, the index, and group membership (the keys are
 * described in store.c).
 */
#include "config.h"

#include <string.h>

#include <lmdb.h>
#include <sodium.h>

#include "store.h"
#include "store_int.h"

/* Resources. */

enum scim_err
store_res_get(struct store_txn *tx, uint32_t tenant, enum res_type type,
    const uint8_t id[16], const char **json, size_t *len)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;
	int		rc;

	skey_pack(&sk, "tci", tenant, type, id);
	k = skey_val(&sk);
	if ((rc = s_get_json(tx, tx->tx_store->st_resources, &k, &v)))
		return store_err(rc, "resource get");
	*json = v.mv_data;
	*len = v.mv_size;
	return SCIM_OK;
}

/*
 * How many resources of a type a tenant has: meta "rcount:" tenant(4)
 * type(1) -> count(8) generation(8), changed in the transaction of every
 * create and delete.  The generation is the id of the last write
 * transaction that changed the count: positions in the id order move
 * only then, so it tells a cached position (store_page.c) still holds.
 * A database written before the counters has none: they are counted
 * (a walk) when first needed and kept from the next change on.
 */
static void
rcount_key(struct skey *k, uint32_t tenant, enum res_type type)
{
	skey_pack(k, "stc", "rcount:", (size_t)7, tenant, (int)type);
}

static int
count_cb(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	(void)id;
	(void)json;
	(void)len;
	(*(uint64_t *)arg)++;
	return 0;
}

enum scim_err
store_res_count(struct store_txn *tx, uint32_t tenant, enum res_type type,
    uint64_t *n, uint64_t *gen)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;
	int		rc;

	*n = *gen = 0;
	rcount_key(&sk, tenant, type);
	k = skey_val(&sk);
	if ((rc = s_get(tx, tx->tx_store->st_meta, &k, &v)) == 0 &&
	    v.mv_size == 16) {
		*n = skey_uint(v.mv_data, 8);
		*gen = skey_uint((const uint8_t *)v.mv_data + 8, 8);
		return SCIM_OK;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_err(rc, "resource count");
	return store_res_each(tx, tenant, type, count_cb, n);
}

static enum scim_err
rcount_add(struct store_txn *tx, uint32_t tenant, enum res_type type,
    int delta)
{
	struct skey	sk = { 0 }, val = { 0 };
	MDB_val		k, v;
	uint64_t	n, gen;
	enum scim_err	e;

	/* After the change: a count kept moves by delta; one counted now
	 * (gen 0) has the change in it already. */
	if ((e = store_res_count(tx, tenant, type, &n, &gen)) != SCIM_OK)
		return e;
	if (gen != 0 && delta < 0 && n == 0)
		return SCIM_ESTORE;	/* a count that lies */
	if (gen != 0)
		n = delta < 0 ? n - 1 : n + 1;
	skey_pack(&val, "qq", n, (uint64_t)mdb_txn_id(tx->tx_txn));
	rcount_key(&sk, tenant, type);
	k = skey_val(&sk);
	v = skey_val(&val);
	return store_err(s_put(tx, tx->tx_store->st_meta, &k, &v, 0),
	    "resource count");
}

enum scim_err
store_res_count_reset(struct store_txn *tx, uint32_t tenant)
{
	struct skey	prefix = { 0 };
	uint64_t	n = 0;

	skey_pack(&prefix, "st", "rcount:", (size_t)7, tenant);
	return store_drop_prefix(tx, tx->tx_store->st_meta, prefix.sk_buf,
	    prefix.sk_len, &n, "resource count reset");
}

/*
 * A put is a create when the key is new, whatever the caller says; with
 * create set, an existing key is an error (MDB_KEYEXIST).
 */
enum scim_err
store_res_put(struct store_txn *tx, uint32_t tenant, enum res_type type,
    const uint8_t id[16], const char *json, size_t len, int create)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;
	enum scim_err	e;
	int		rc;

	skey_pack(&sk, "tci", tenant, type, id);
	k = skey_val(&sk);
	v.mv_data = (void *)json;
	v.mv_size = len;
	rc = s_put(tx, tx->tx_store->st_resources, &k, &v, MDB_NOOVERWRITE);
	if (rc == MDB_KEYEXIST && !create) {
		v.mv_data = (void *)json;	/* the put set it to the old */
		v.mv_size = len;
		return store_err(s_put(tx, tx->tx_store->st_resources, &k,
		    &v, 0), "resource put");
	}
	if ((e = store_err(rc, "resource put")) != SCIM_OK)
		return e;
	return rcount_add(tx, tenant, type, 1);
}

enum scim_err
store_res_del(struct store_txn *tx, uint32_t tenant, enum res_type type,
    const uint8_t id[16])
{
	struct skey	sk = { 0 };
	MDB_val		k;
	enum scim_err	e;

	skey_pack(&sk, "tci", tenant, type, id);
	k = skey_val(&sk);
	if ((e = store_err(s_del(tx, tx->tx_store->st_resources, &k, NULL),
	    "resource delete")) != SCIM_OK)
		return e;
	return rcount_add(tx, tenant, type, -1);
}

struct res_arg {
	store_res_cb	 ra_cb;
	void		*ra_arg;
};

static int
res_each_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct res_arg	*ra = arg;

	if (k->mv_size != 4 + 1 + 16)
		return WALK_NEXT;
	return ra->ra_cb((const uint8_t *)k->mv_data + 5, v->mv_data,
	    v->mv_size, ra->ra_arg) ? WALK_STOP : WALK_NEXT;
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
	struct skey	prefix = { 0 }, start = { 0 };
	struct res_arg	ra = { cb, arg };

	skey_pack(&prefix, "tc", tenant, type);
	if (after == NULL)
		return store_walk(tx, tx->tx_store->st_resources,
		    prefix.sk_buf, prefix.sk_len, NULL, 0, WALK_JSON,
		    res_each_cb, &ra, "resource list");
	skey_pack(&start, "tci", tenant, type, after);
	return store_walk(tx, tx->tx_store->st_resources, prefix.sk_buf,
	    prefix.sk_len, start.sk_buf, start.sk_len, WALK_AFTER | WALK_JSON,
	    res_each_cb, &ra, "resource list");
}

/* Membership. */

#define MKEY	(4 + 16 + 16)

enum scim_err
store_member_put(struct store_txn *tx, uint32_t tenant,
    const uint8_t group[16], const uint8_t member[16], enum res_type mtype,
    const char *display, int *added)
{
	struct store	*st = tx->tx_store;
	struct skey	 sk = { 0 };
	uint8_t		 val[1 + STORE_DISPLAY_MAX];
	size_t		 dlen = display != NULL ? strlen(display) : 0;
	MDB_val		 k, v;
	int		 rc;

	if (dlen > STORE_DISPLAY_MAX)
		dlen = STORE_DISPLAY_MAX;
	skey_pack(&sk, "tii", tenant, group, member);
	k = skey_val(&sk);
	if (added != NULL) {
		rc = s_get(tx, st->st_members, &k, &v);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return store_err(rc, "member get");
		*added = rc == MDB_NOTFOUND;
	}
	val[0] = (uint8_t)mtype;
	if (dlen > 0)
		memcpy(val + 1, display, dlen);
	v.mv_data = val;
	v.mv_size = 1 + dlen;
	if ((rc = s_put(tx, st->st_members, &k, &v, 0)))
		return store_err(rc, "member put");
	sk.sk_len = 0;
	skey_pack(&sk, "tii", tenant, member, group);
	k = skey_val(&sk);
	v.mv_data = "";
	v.mv_size = 0;
	return store_err(s_put(tx, st->st_memberof, &k, &v, 0),
	    "memberof put");
}

enum scim_err
store_member_get(struct store_txn *tx, uint32_t tenant,
    const uint8_t group[16], const uint8_t member[16], enum res_type *mtype,
    char *display, size_t dlen)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;
	size_t		n;
	int		rc;

	skey_pack(&sk, "tii", tenant, group, member);
	k = skey_val(&sk);
	if ((rc = s_get(tx, tx->tx_store->st_members, &k, &v)))
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
	struct skey	 sk = { 0 };
	MDB_val		 k;
	int		 rc;

	skey_pack(&sk, "tii", tenant, group, member);
	k = skey_val(&sk);
	rc = s_del(tx, st->st_members, &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_err(rc, "member delete");
	if (removed != NULL)
		*removed = rc == 0;
	sk.sk_len = 0;
	skey_pack(&sk, "tii", tenant, member, group);
	k = skey_val(&sk);
	rc = s_del(tx, st->st_memberof, &k, NULL);
	return rc == MDB_NOTFOUND ? SCIM_OK : store_err(rc, "memberof delete");
}

struct member_arg {
	store_member_cb		 ma_cb;
	store_memberof_cb	 ma_ofcb;
	void			*ma_arg;
	/* Clearing: the mirror database, the walked id, the first error. */
	struct store_txn	*ma_tx;
	MDB_dbi			 ma_other;
	uint32_t		 ma_tenant;
	const uint8_t		*ma_id;
	int			 ma_rc;
};

static int
member_each_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct member_arg	*ma = arg;
	const uint8_t		*p = v->mv_data;

	if (k->mv_size != MKEY || v->mv_size < 1)
		return WALK_NEXT;
	return ma->ma_cb((const uint8_t *)k->mv_data + 20,
	    (enum res_type)p[0], (const char *)p + 1, v->mv_size - 1,
	    ma->ma_arg) ? WALK_STOP : WALK_NEXT;
}

static int
memberof_each_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct member_arg	*ma = arg;

	(void)v;
	if (k->mv_size != MKEY)
		return WALK_NEXT;
	return ma->ma_ofcb((const uint8_t *)k->mv_data + 20, ma->ma_arg) ?
	    WALK_STOP : WALK_NEXT;
}

/* Clearing: delete the mirror key, then (WALK_DEL) the walked one. */
static int
member_clear_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct member_arg	*ma = arg;
	struct skey		 mirror = { 0 };
	MDB_val			 mk;
	int			 rc;

	(void)v;
	if (k->mv_size != MKEY)
		return WALK_DEL;
	skey_pack(&mirror, "tii", ma->ma_tenant,
	    (const uint8_t *)k->mv_data + 20, ma->ma_id);
	mk = skey_val(&mirror);
	rc = s_del(ma->ma_tx, ma->ma_other, &mk, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		ma->ma_rc = rc;
		return WALK_STOP;
	}
	return WALK_DEL;
}

/* Walk the keys of dbi under tenant + id with cb. */
static enum scim_err
member_walk(struct store_txn *tx, MDB_dbi dbi, uint32_t tenant,
    const uint8_t id[16], walk_cb cb, struct member_arg *ma)
{
	struct skey	prefix = { 0 };
	enum scim_err	e;

	skey_pack(&prefix, "ti", tenant, id);
	e = store_walk(tx, dbi, prefix.sk_buf, prefix.sk_len, NULL, 0, 0, cb,
	    ma, "member walk");
	if (e == SCIM_OK && ma->ma_rc != 0)
		e = store_err(ma->ma_rc, "member walk");
	return e;
}

enum scim_err
store_member_each(struct store_txn *tx, uint32_t tenant,
    const uint8_t group[16], store_member_cb cb, void *arg)
{
	struct member_arg	ma;

	memset(&ma, 0, sizeof(ma));
	ma.ma_cb = cb;
	ma.ma_arg = arg;
	return member_walk(tx, tx->tx_store->st_members, tenant, group,
	    member_each_cb, &ma);
}

enum scim_err
store_memberof_each(struct store_txn *tx, uint32_t tenant,
    const uint8_t member[16], store_memberof_cb cb, void *arg)
{
	struct member_arg	ma;

	memset(&ma, 0, sizeof(ma));
	ma.ma_ofcb = cb;
	ma.ma_arg = arg;
	return member_walk(tx, tx->tx_store->st_memberof, tenant, member,
	    memberof_each_cb, &ma);
}

enum scim_err
store_member_clear(struct store_txn *tx, uint32_t tenant,
    const uint8_t group[16])
{
	struct member_arg	ma;

	memset(&ma, 0, sizeof(ma));
	ma.ma_tx = tx;
	ma.ma_other = tx->tx_store->st_memberof;
	ma.ma_tenant = tenant;
	ma.ma_id = group;
	return member_walk(tx, tx->tx_store->st_members, tenant, group,
	    member_clear_cb, &ma);
}

enum scim_err
store_memberof_clear(struct store_txn *tx, uint32_t tenant,
    const uint8_t member[16])
{
	struct member_arg	ma;

	memset(&ma, 0, sizeof(ma));
	ma.ma_tx = tx;
	ma.ma_other = tx->tx_store->st_members;
	ma.ma_tenant = tenant;
	ma.ma_id = member;
	return member_walk(tx, tx->tx_store->st_memberof, tenant, member,
	    member_clear_cb, &ma);
}

/* Index. */

/* tenant, type, attribute, then the value or 0xff + its SHA-256. */
static void
idx_key(struct skey *sk, uint32_t tenant, enum res_type type,
    enum store_idx attr, const char *value, size_t len)
{
	uint8_t	h[crypto_hash_sha256_BYTES];

	if (len <= STORE_IDX_INLINE) {
		skey_pack(sk, "tccs", tenant, type, attr, value, len);
		return;
	}
	crypto_hash_sha256(h, (const unsigned char *)value, len);
	skey_pack(sk, "tccs", tenant, type, attr, "\xff", (size_t)1);
	skey_pack(sk, "s", h, sizeof(h));
}

enum scim_err
store_idx_add(struct store_txn *tx, uint32_t tenant, enum res_type type,
    enum store_idx attr, const char *value, size_t len, const uint8_t id[16])
{
	struct skey	sk = { 0 };
	MDB_val		k, v;
	int		rc;

	idx_key(&sk, tenant, type, attr, value, len);
	k = skey_val(&sk);
	v.mv_data = (void *)id;
	v.mv_size = 16;
	rc = s_put(tx, tx->tx_store->st_index, &k, &v, MDB_NODUPDATA);
	return rc == MDB_KEYEXIST ? SCIM_OK : store_err(rc, "index add");
}

enum scim_err
store_idx_del(struct store_txn *tx, uint32_t tenant, enum res_type type,
    enum store_idx attr, const char *value, size_t len, const uint8_t id[16])
{
	struct skey	sk = { 0 };
	MDB_val		k, v;
	int		rc;

	idx_key(&sk, tenant, type, attr, value, len);
	k = skey_val(&sk);
	v.mv_data = (void *)id;
	v.mv_size = 16;
	rc = s_del(tx, tx->tx_store->st_index, &k, &v);
	return rc == MDB_NOTFOUND ? SCIM_OK : store_err(rc, "index delete");
}

struct find_arg {
	uint8_t		(*fa_ids)[16];
	size_t		  fa_max;
	size_t		 *fa_n;
	enum scim_err	  fa_err;
};

static int
find_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct find_arg	*fa = arg;

	(void)k;
	if (v->mv_size != 16) {
		fa->fa_err = SCIM_ESTORE;
		return WALK_STOP;
	}
	if (*fa->fa_n == fa->fa_max) {
		fa->fa_err = SCIM_ETOOMANY;
		return WALK_STOP;
	}
	memcpy(fa->fa_ids[(*fa->fa_n)++], v->mv_data, 16);
	return WALK_NEXT;
}

enum scim_err
store_idx_find(struct store_txn *tx, uint32_t tenant, enum res_type type,
    enum store_idx attr, const char *value, size_t len, uint8_t (*ids)[16],
    size_t max, size_t *n)
{
	struct skey	sk = { 0 };
	struct find_arg	fa = { ids, max, n, SCIM_OK };
	enum scim_err	e;

	*n = 0;
	idx_key(&sk, tenant, type, attr, value, len);
	e = store_walk(tx, tx->tx_store->st_index, sk.sk_buf, sk.sk_len, NULL,
	    0, WALK_EXACT, find_cb, &fa, "index find");
	return e != SCIM_OK ? e : fa.fa_err;
}

struct prefix_arg {
	store_id_cb	 pa_cb;
	void		*pa_arg;
	int		 pa_stopped;
};

static int
prefix_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct prefix_arg	*pa = arg;

	(void)k;
	if (v->mv_size == 16 && pa->pa_cb(v->mv_data, pa->pa_arg)) {
		pa->pa_stopped = 1;
		return WALK_STOP;
	}
	return WALK_NEXT;
}

enum scim_err
store_idx_prefix(struct store_txn *tx, uint32_t tenant, enum res_type type,
    enum store_idx attr, const char *prefix, size_t len, store_id_cb cb,
    void *arg)
{
	struct skey		sk = { 0 };
	struct prefix_arg	pa = { cb, arg, 0 };
	enum scim_err		e;

	if (len > STORE_IDX_INLINE)
		len = STORE_IDX_INLINE;
	skey_pack(&sk, "tccs", tenant, type, attr, prefix, len);
	e = store_walk(tx, tx->tx_store->st_index, sk.sk_buf, sk.sk_len, NULL,
	    0, 0, prefix_cb, &pa, "index range");
	if (e != SCIM_OK || pa.pa_stopped)
		return e;
	/* Long values are kept as 0xff + hash: all of them. */
	sk.sk_len = 0;
	skey_pack(&sk, "tccs", tenant, type, attr, "\xff", (size_t)1);
	return store_walk(tx, tx->tx_store->st_index, sk.sk_buf, sk.sk_len,
	    NULL, 0, 0, prefix_cb, &pa, "index range");
}
