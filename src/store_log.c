/*
 * store_log.c: tenants, tokens, role mappings and the audit log (the
 * keys are described in store.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <lmdb.h>

#include "store.h"
#include "store_int.h"
#include "util.h"

/* Tenants. */

static void	 anchor_key(struct skey *, uint32_t);

/*
 * The record as struct tenant; created (may be NULL) its creation time;
 * decls (may be NULL) the declared attributes, detached (NULL: none).
 */
static enum scim_err
tenant_parse(const MDB_val *k, const MDB_val *v, struct tenant *t,
    char *created, size_t createdlen, cJSON **decls)
{
	cJSON		*doc, *id, *cr, *pr;
	long long	 n;
	int		 pct;

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
	/* What `tenant set` accepts (cli/tenant.c), else no cap of its own. */
	pr = cJSON_GetObjectItemCaseSensitive(doc, "max-results");
	t->tn_maxresults = 0;
	if (cJSON_IsString(pr) &&
	    util_strtonum(pr->valuestring, 1, 10000, &n) == 0)
		t->tn_maxresults = n;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "patch-response");
	t->tn_flags = 0;
	if (cJSON_IsString(pr) && strcmp(pr->valuestring, "no-content") == 0)
		t->tn_flags |= TENANT_PATCH_204;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "unknown-members");
	if (cJSON_IsString(pr) && strcmp(pr->valuestring, "skip") == 0)
		t->tn_flags |= TENANT_SKIP_UNKNOWN;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "activity");
	if (cJSON_IsString(pr) && strcmp(pr->valuestring, "off") == 0)
		t->tn_flags |= TENANT_ACTIVITY_OFF;
	/* The activity log's settings; anything else: the default (0). */
	t->tn_actdays = t->tn_actmax = t->tn_cyclegap = 0;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "activity-days");
	if (cJSON_IsString(pr) &&
	    util_strtonum(pr->valuestring, 1, 3650, &n) == 0)
		t->tn_actdays = n;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "activity-max");
	if (cJSON_IsString(pr) &&
	    util_strtonum(pr->valuestring, 1, 100000000, &n) == 0)
		t->tn_actmax = n;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "cycle-gap");
	if (cJSON_IsString(pr) &&
	    util_duration_parse(pr->valuestring, &n) == 0 && n > 0)
		t->tn_cyclegap = n;
	/* The breaker: "off", "N" or "P%"; anything else: the default. */
	t->tn_brk = t->tn_brkwin = 0;
	t->tn_brkpct = 0;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "breaker");
	if (cJSON_IsString(pr) && strcmp(pr->valuestring, "off") == 0)
		t->tn_brk = -1;
	else if (cJSON_IsString(pr) && util_breaker_parse(pr->valuestring,
	    &n, &pct) == 0) {
		t->tn_brk = n;
		t->tn_brkpct = pct;
	}
	pr = cJSON_GetObjectItemCaseSensitive(doc, "breaker-window");
	if (cJSON_IsString(pr) &&
	    util_duration_parse(pr->valuestring, &n) == 0 && n > 0)
		t->tn_brkwin = n;
	/* Plan limits; "off" or anything else: none. */
	t->tn_maxusers = t->tn_maxgroups = t->tn_rate = 0;
	t->tn_rateper = 0;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "max-users");
	if (cJSON_IsString(pr) &&
	    util_strtonum(pr->valuestring, 1, SCIM_MAX_SEATS, &n) == 0)
		t->tn_maxusers = n;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "max-groups");
	if (cJSON_IsString(pr) &&
	    util_strtonum(pr->valuestring, 1, SCIM_MAX_SEATS, &n) == 0)
		t->tn_maxgroups = n;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "rate");
	if (cJSON_IsString(pr) && util_rate_parse(pr->valuestring, &n,
	    &pct) == 0) {
		t->tn_rate = n;
		t->tn_rateper = pct;
	}
	/* Bulk's limits (src/bulk.h); anything else: the defaults (0). */
	t->tn_bulkops = t->tn_bulkpayload = 0;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "bulk-max-operations");
	if (cJSON_IsString(pr) && util_strtonum(pr->valuestring, 1,
	    SCIM_BULK_OPS_MAX, &n) == 0)
		t->tn_bulkops = n;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "bulk-max-payload");
	if (cJSON_IsString(pr) && util_strtonum(pr->valuestring, 1024,
	    SCIM_BULK_PAYLOAD_MAX, &n) == 0)
		t->tn_bulkpayload = n;
	if (!cJSON_IsNumber(id) || id->valuedouble < 1 ||
	    id->valuedouble > UINT32_MAX || k->mv_size == 0 ||
	    k->mv_size > SCIM_TENANT_MAX) {
		cJSON_Delete(doc);
		return SCIM_ESTORE;
	}
	t->tn_id = (uint32_t)id->valuedouble;
	t->tn_live = 0;
	pr = cJSON_GetObjectItemCaseSensitive(doc, "preview");
	t->tn_preview = cJSON_IsNumber(pr) && pr->valuedouble >= 1 &&
	    pr->valuedouble <= UINT32_MAX ? (uint32_t)pr->valuedouble : 0;
	memcpy(t->tn_name, k->mv_data, k->mv_size);
	t->tn_name[k->mv_size] = '\0';
	if (created != NULL)
		util_strlcpy(created, cJSON_IsString(cr) ? cr->valuestring :
		    "", createdlen);
	if (decls != NULL)
		*decls = cJSON_DetachItemFromObjectCaseSensitive(doc,
		    "attributes");
	cJSON_Delete(doc);
	return SCIM_OK;
}

/* The tenant's record, by name; SCIM_ENOTFOUND for an impossible name. */
static enum scim_err
tenant_record(struct store_txn *tx, const char *name, MDB_val *k,
    MDB_val *v)
{
	int	rc;

	k->mv_data = (void *)name;
	k->mv_size = strlen(name);
	if (k->mv_size == 0 || k->mv_size > SCIM_TENANT_MAX)
		return SCIM_ENOTFOUND;
	if ((rc = s_get_json(tx, tx->tx_store->st_tenants, k, v)))
		return store_err(rc, "tenant get");
	return SCIM_OK;
}

/* The next tenant number, from meta "next_tenant" (a tenant, a preview). */
enum scim_err
store_tenant_number(struct store_txn *tx, uint32_t *out)
{
	struct store	*st = tx->tx_store;
	struct skey	 sk = { 0 };
	MDB_val		 k, v;
	uint32_t	 next = 1;
	int		 rc;

	k.mv_data = "next_tenant";
	k.mv_size = 11;
	if ((rc = s_get(tx, st->st_meta, &k, &v)) == 0 && v.mv_size == 4)
		next = (uint32_t)skey_uint(v.mv_data, 4);
	else if (rc != MDB_NOTFOUND && rc != 0)
		return store_err(rc, "tenant counter");
	if (next == 0 || next == UINT32_MAX)
		return SCIM_ESTORE;
	skey_pack(&sk, "t", next + 1);
	v = skey_val(&sk);
	if ((rc = s_put(tx, st->st_meta, &k, &v, 0)))
		return store_err(rc, "tenant counter");
	*out = next;
	return SCIM_OK;
}

enum scim_err
store_tenant_add(struct store_txn *tx, const char *name, const char *created,
    struct tenant *out)
{
	struct store	*st = tx->tx_store;
	MDB_val		 k, v;
	uint32_t	 next = 1;
	char		 buf[256];
	enum scim_err	 e;
	int		 rc, n;

	k.mv_data = (void *)name;
	k.mv_size = strlen(name);
	if (k.mv_size == 0 || k.mv_size > SCIM_TENANT_MAX)
		return SCIM_EINVALVALUE;
	if ((rc = s_get(tx, st->st_tenants, &k, &v)) == 0)
		return SCIM_EUNIQUE;
	if (rc != MDB_NOTFOUND)
		return store_err(rc, "tenant lookup");

	if ((e = store_tenant_number(tx, &next)) != SCIM_OK)
		return e;
	n = snprintf(buf, sizeof(buf), "{\"id\":%lu,\"created\":\"%s\"}",
	    (unsigned long)next, created);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return SCIM_EINVALVALUE;	/* created: not a timestamp */

	k.mv_data = (void *)name;
	k.mv_size = strlen(name);
	v.mv_data = buf;
	v.mv_size = (size_t)n;
	if ((rc = s_put(tx, st->st_tenants, &k, &v, MDB_NOOVERWRITE)))
		return store_err(rc, "tenant add");
	memset(out, 0, sizeof(*out));
	out->tn_id = next;
	util_strlcpy(out->tn_name, name, sizeof(out->tn_name));
	return SCIM_OK;
}

enum scim_err
store_tenant_doc(struct store_txn *tx, const char *name, cJSON **doc)
{
	MDB_val		k, v;
	enum scim_err	e;

	*doc = NULL;
	if ((e = tenant_record(tx, name, &k, &v)) != SCIM_OK)
		return e;
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

	k.mv_data = (void *)name;
	k.mv_size = strlen(name);
	if (k.mv_size == 0 || k.mv_size > SCIM_TENANT_MAX)
		return SCIM_ENOTFOUND;
	if ((json = cJSON_PrintUnformatted(doc)) == NULL)
		return SCIM_ENOMEM;
	v.mv_data = json;
	v.mv_size = strlen(json);
	rc = s_put(tx, tx->tx_store->st_tenants, &k, &v, 0);
	free(json);
	return store_err(rc, "tenant put");
}

enum scim_err
store_tenant_set(struct store_txn *tx, const char *name, const char *key,
    const char *value)
{
	cJSON		*doc;
	enum scim_err	 e;

	if ((e = store_tenant_doc(tx, name, &doc)) != SCIM_OK)
		return e;
	cJSON_DeleteItemFromObjectCaseSensitive(doc, key);
	if (cJSON_AddStringToObject(doc, key, value) == NULL)
		e = SCIM_ENOMEM;
	else
		e = store_tenant_put_doc(tx, name, doc);
	cJSON_Delete(doc);
	return e;
}

enum scim_err
store_tenant_get(struct store_txn *tx, const char *name, struct tenant *out)
{
	return store_tenant_load(tx, name, out, NULL);
}

/*
 * Every request reads its tenant's record: a process keeps the parse of
 * the last few, used while the record's bytes in the transaction are
 * the same (a changed record is parsed again, so the cache never answers
 * from another snapshot).  Not in a read-only store, whose handle
 * threads share (the library).
 */
enum scim_err
store_tenant_load(struct store_txn *tx, const char *name, struct tenant *out,
    cJSON **decls)
{
	struct store		*st = tx->tx_store;
	struct tenant_cache	*tc = NULL;
	MDB_val			 k, v;
	cJSON			*found = NULL;
	enum scim_err		 e;
	int			 i, has;

	if (decls != NULL)
		*decls = NULL;
	if ((e = tenant_record(tx, name, &k, &v)) != SCIM_OK)
		return e;
	for (i = 0; !st->st_readonly && i < TENANT_CACHE; i++) {
		tc = &st->st_tcache[i];
		if (tc->tc_len == v.mv_size && tc->tc_len > 0 &&
		    strcmp(tc->tc_t.tn_name, name) == 0 &&
		    memcmp(tc->tc_rec, v.mv_data, v.mv_size) == 0 &&
		    (decls == NULL || !tc->tc_decls)) {
			*out = tc->tc_t;
			return SCIM_OK;
		}
	}
	if ((e = tenant_parse(&k, &v, out, NULL, 0, &found)) != SCIM_OK)
		return e;
	has = found != NULL;
	if (decls != NULL)
		*decls = found;
	else
		cJSON_Delete(found);
	if (st->st_readonly || v.mv_size > sizeof(tc->tc_rec))
		return SCIM_OK;
	tc = &st->st_tcache[st->st_tcache_next++ % TENANT_CACHE];
	memcpy(tc->tc_rec, v.mv_data, v.mv_size);
	tc->tc_len = v.mv_size;
	tc->tc_t = *out;
	tc->tc_decls = has;	/* then a caller's decls need the parse */
	return SCIM_OK;
}

struct tenant_arg {
	store_tenant_cb	 ta_cb;
	void		*ta_arg;
	enum scim_err	 ta_err;
};

static int
tenant_each_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct tenant_arg	*ta = arg;
	struct tenant		 t;
	char			 created[64];

	if ((ta->ta_err = tenant_parse(k, v, &t, created, sizeof(created),
	    NULL)))
		return WALK_STOP;
	return ta->ta_cb(&t, created, ta->ta_arg) ? WALK_STOP : WALK_NEXT;
}

enum scim_err
store_tenant_each(struct store_txn *tx, store_tenant_cb cb, void *arg)
{
	struct tenant_arg	ta = { cb, arg, SCIM_OK };
	enum scim_err		e;

	e = store_walk(tx, tx->tx_store->st_tenants, NULL, 0, NULL, 0,
	    WALK_JSON, tenant_each_cb, &ta, "tenant list");
	return e != SCIM_OK ? e : ta.ta_err;
}

/*
 * Removing a tenant: every key that begins with its id, in each db keyed
 * so; its activity, its feed and its deliveries' cursors; its tokens
 * (keyed by hash: the records say whose); its audit anchor; its record.
 * The global change feed keeps its entries.
 */
struct drop_arg {
	const char	*da_name;	/* tokens: the tenant's name */
	uint64_t	 da_n;		/* keys deleted */
	enum scim_err	 da_err;
};

static int
drop_token_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct drop_arg	*da = arg;
	cJSON		*doc;
	const cJSON	*tn;
	int		 mine;

	(void)k;
	/* A record that does not parse may be this tenant's: stop. */
	if ((doc = cJSON_ParseWithLength(v->mv_data, v->mv_size)) == NULL) {
		da->da_err = SCIM_ESTORE;
		return WALK_STOP;
	}
	tn = cJSON_GetObjectItemCaseSensitive(doc, "tenant");
	mine = cJSON_IsString(tn) && strcmp(tn->valuestring, da->da_name) == 0;
	cJSON_Delete(doc);
	if (!mine)
		return WALK_NEXT;
	da->da_n++;
	return WALK_DEL;
}

enum scim_err
store_tenant_remove(struct store_txn *tx, const char *name, uint64_t *nkeys)
{
	struct store	*st = tx->tx_store;
	struct tenant	 t;
	struct skey	 prefix = { 0 }, ak = { 0 };
	struct drop_arg	 da = { name, 0, SCIM_OK };
	MDB_dbi		 dbs[6];
	MDB_val		 k;
	size_t		 i;
	enum scim_err	 e;
	int		 rc;

	if (nkeys != NULL)
		*nkeys = 0;
	if ((e = store_tenant_get(tx, name, &t)) != SCIM_OK)
		return e;
	dbs[0] = st->st_resources;
	dbs[1] = st->st_index;
	dbs[2] = st->st_members;
	dbs[3] = st->st_memberof;
	dbs[4] = st->st_roles;
	dbs[5] = st->st_audit;
	/* Its preview's data (src/preview.h). */
	if (t.tn_preview != 0 && (e = store_data_drop(tx, t.tn_preview,
	    &da.da_n)) != SCIM_OK)
		return e;
	skey_pack(&prefix, "t", t.tn_id);
	for (i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++)
		if ((e = store_drop_prefix(tx, dbs[i], prefix.sk_buf,
		    prefix.sk_len, &da.da_n, "tenant remove")) != SCIM_OK)
			return e;
	if ((e = store_act_clear(tx, t.tn_id, &da.da_n)) != SCIM_OK ||
	    (e = store_feed_clear(tx, t.tn_id, &da.da_n)) != SCIM_OK ||
	    (e = store_deliver_clear(tx, t.tn_id, &da.da_n)) != SCIM_OK ||
	    (e = store_breaker_clear(tx, t.tn_id, &da.da_n)) != SCIM_OK ||
	    (e = store_res_count_reset(tx, t.tn_id)) != SCIM_OK)
		return e;
	e = store_walk(tx, st->st_tokens, NULL, 0, NULL, 0, WALK_JSON,
	    drop_token_cb, &da, "tenant remove tokens");
	if (e != SCIM_OK || (e = da.da_err) != SCIM_OK)
		return e;
	anchor_key(&ak, t.tn_id);
	k = skey_val(&ak);
	if ((rc = s_del(tx, st->st_meta, &k, NULL)) == 0)
		da.da_n++;
	else if (rc != MDB_NOTFOUND)
		return store_err(rc, "tenant remove anchor");
	k.mv_data = (void *)name;
	k.mv_size = strlen(name);
	if ((rc = s_del(tx, st->st_tenants, &k, NULL)))
		return store_err(rc, "tenant remove");
	da.da_n++;
	if (nkeys != NULL)
		*nkeys = da.da_n;
	return SCIM_OK;
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
	return store_err(s_put(tx, tx->tx_store->st_tokens, &k, &v, 0),
	    "token put");
}

enum scim_err
store_token_get(struct store_txn *tx, const uint8_t hash[STORE_HASHLEN],
    const char **json, size_t *len)
{
	MDB_val	k, v;
	int	rc;

	k.mv_data = (void *)hash;
	k.mv_size = STORE_HASHLEN;
	if ((rc = s_get_json(tx, tx->tx_store->st_tokens, &k, &v)))
		return store_err(rc, "token get");
	*json = v.mv_data;
	*len = v.mv_size;
	return SCIM_OK;
}

struct token_arg {
	store_token_cb	 ka_cb;
	void		*ka_arg;
};

static int
token_each_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct token_arg	*ka = arg;

	if (k->mv_size != STORE_HASHLEN)
		return WALK_NEXT;
	return ka->ka_cb(k->mv_data, v->mv_data, v->mv_size, ka->ka_arg) ?
	    WALK_STOP : WALK_NEXT;
}

enum scim_err
store_token_each(struct store_txn *tx, store_token_cb cb, void *arg)
{
	struct token_arg	ka = { cb, arg };

	return store_walk(tx, tx->tx_store->st_tokens, NULL, 0, NULL, 0,
	    WALK_JSON, token_each_cb, &ka, "token list");
}

/* Role mappings. */

static void
role_key(struct skey *sk, uint32_t tenant, char kind, const char *value)
{
	size_t	n = strlen(value);

	if (n > STORE_ROLE_MAX)
		n = STORE_ROLE_MAX;
	skey_pack(sk, "tcs", tenant, kind, value, n);
}

enum scim_err
store_role_put(struct store_txn *tx, uint32_t tenant, char kind,
    const char *value, const char *role)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;

	role_key(&sk, tenant, kind, value);
	k = skey_val(&sk);
	v.mv_data = (void *)role;
	v.mv_size = strlen(role);
	return store_err(s_put(tx, tx->tx_store->st_roles, &k, &v, 0),
	    "role put");
}

enum scim_err
store_role_del(struct store_txn *tx, uint32_t tenant, char kind,
    const char *value)
{
	struct skey	sk = { 0 };
	MDB_val		k;

	role_key(&sk, tenant, kind, value);
	k = skey_val(&sk);
	return store_err(s_del(tx, tx->tx_store->st_roles, &k, NULL),
	    "role delete");
}

enum scim_err
store_role_get(struct store_txn *tx, uint32_t tenant, char kind,
    const char *value, char *role, size_t rolelen)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;
	int		rc;

	role_key(&sk, tenant, kind, value);
	k = skey_val(&sk);
	if ((rc = s_get(tx, tx->tx_store->st_roles, &k, &v)))
		return store_err(rc, "role get");
	if (v.mv_size >= rolelen)
		return SCIM_ESTORE;
	memcpy(role, v.mv_data, v.mv_size);
	role[v.mv_size] = '\0';
	return SCIM_OK;
}

struct role_arg {
	store_role_cb	 ra_cb;
	void		*ra_arg;
};

static int
role_each_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct role_arg	*ra = arg;
	char		 value[STORE_ROLE_MAX + 1], role[STORE_ROLE_MAX + 1];
	size_t		 n;

	if (k->mv_size < 5 || k->mv_size - 5 > STORE_ROLE_MAX)
		return WALK_NEXT;
	memcpy(value, (const char *)k->mv_data + 5, k->mv_size - 5);
	value[k->mv_size - 5] = '\0';
	n = v->mv_size > STORE_ROLE_MAX ? STORE_ROLE_MAX : v->mv_size;
	memcpy(role, v->mv_data, n);
	role[n] = '\0';
	return ra->ra_cb(((const char *)k->mv_data)[4], value, role,
	    ra->ra_arg) ? WALK_STOP : WALK_NEXT;
}

enum scim_err
store_role_each(struct store_txn *tx, uint32_t tenant, store_role_cb cb,
    void *arg)
{
	struct skey	prefix = { 0 };
	struct role_arg	ra = { cb, arg };

	skey_pack(&prefix, "t", tenant);
	return store_walk(tx, tx->tx_store->st_roles, prefix.sk_buf,
	    prefix.sk_len, NULL, 0, 0, role_each_cb, &ra, "role list");
}

/* Audit log. */

enum scim_err
store_audit_last(struct store_txn *tx, uint32_t tenant, uint64_t *seq,
    const char **json, size_t *len)
{
	struct skey	prefix = { 0 };
	MDB_val		k, v;
	enum scim_err	e;

	*seq = 0;
	*json = NULL;
	*len = 0;
	skey_pack(&prefix, "t", tenant);
	e = store_last(tx, tx->tx_store->st_audit, prefix.sk_buf,
	    prefix.sk_len, &k, &v, "audit last");
	if (e == SCIM_ENOTFOUND)
		return SCIM_OK;
	if (e != SCIM_OK)
		return e;
	if (k.mv_size != 12)
		return SCIM_ESTORE;
	store_fault_json(tx, &v);
	*seq = skey_uint((const uint8_t *)k.mv_data + 4, 8);
	*json = v.mv_data;
	*len = v.mv_size;
	return SCIM_OK;
}

enum scim_err
store_audit_put(struct store_txn *tx, uint32_t tenant, uint64_t seq,
    const char *json)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;

	skey_pack(&sk, "tq", tenant, seq);
	k = skey_val(&sk);
	v.mv_data = (void *)json;
	v.mv_size = strlen(json);
	return store_err(s_put(tx, tx->tx_store->st_audit, &k, &v, 0),
	    "audit put");
}

enum scim_err
store_audit_get(struct store_txn *tx, uint32_t tenant, uint64_t seq,
    const char **json, size_t *len)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;
	int		rc;

	skey_pack(&sk, "tq", tenant, seq);
	k = skey_val(&sk);
	if ((rc = s_get_json(tx, tx->tx_store->st_audit, &k, &v)))
		return store_err(rc, "audit get");
	*json = v.mv_data;
	*len = v.mv_size;
	return SCIM_OK;
}

enum scim_err
store_audit_each(struct store_txn *tx, uint32_t tenant, uint64_t from,
    store_audit_cb cb, void *arg)
{
	struct skey	prefix = { 0 };

	skey_pack(&prefix, "t", tenant);
	return store_seq_each(tx, tx->tx_store->st_audit, prefix.sk_buf,
	    prefix.sk_len, from, cb, arg, "audit list");
}

static void
anchor_key(struct skey *sk, uint32_t tenant)
{
	skey_pack(sk, "st", "anchor:", (size_t)7, tenant);
}

enum scim_err
store_audit_anchor(struct store_txn *tx, uint32_t tenant, char *anchor,
    size_t len)
{
	struct skey	sk = { 0 };
	MDB_val		k, v;
	int		rc;

	anchor[0] = '\0';
	anchor_key(&sk, tenant);
	k = skey_val(&sk);
	rc = s_get(tx, tx->tx_store->st_meta, &k, &v);
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
	struct skey	prefix = { 0 }, ak = { 0 };
	MDB_val		k, v;
	enum scim_err	e;

	skey_pack(&prefix, "t", tenant);
	e = store_seq_prune(tx, tx->tx_store->st_audit, prefix.sk_buf,
	    prefix.sk_len, before, n, "audit prune");
	if (e != SCIM_OK || *n == 0)
		return e;
	anchor_key(&ak, tenant);
	k = skey_val(&ak);
	v.mv_data = (void *)anchor;
	v.mv_size = strlen(anchor);
	return store_err(s_put(tx, tx->tx_store->st_meta, &k, &v, 0),
	    "audit anchor");
}
