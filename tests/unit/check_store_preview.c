/*
 * check_store_preview.c: a tenant's data under another number (preview,
 * src/preview.h; store_data_copy(), store_data_drop(),
 * store_tenant_number() in src/store_keys.c): a copy across several
 * batches, index values with more ids than a batch (the copy resumes
 * inside a key's duplicates), nothing of a neighbouring tenant copied or
 * dropped, the target's own data replaced, and tenant remove taking the
 * preview's keys along.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "preview.h"
#include "store.h"
#include "tap.h"

static char	dir[64];

#define NUSERS	600	/* more than two copy batches */
#define NDUP	300	/* ids under one index value: more than a batch */

static void
mkid(uint8_t id[16], unsigned n)
{
	memset(id, 0, 16);
	id[0] = 0xab;
	id[14] = (uint8_t)(n >> 8);
	id[15] = (uint8_t)n;
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

static int
count_mem(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	(void)id;
	(void)type;
	(void)display;
	(void)dlen;
	(*(int *)arg)++;
	return 0;
}

static int
count_of(const uint8_t gid[16], void *arg)
{
	(void)gid;
	(*(uint64_t *)arg)++;
	return 0;
}

static char *
feed_rec(uint64_t seq, void *arg)
{
	char	*s;

	(void)arg;
	if ((s = malloc(32)) != NULL)
		snprintf(s, 32, "{\"seq\":%llu}", (unsigned long long)seq);
	return s;
}

/* Fill tenant tn: users, one group of them all, index entries. */
static int
fill(struct store_txn *tx, uint32_t tn, const char *tag, int n)
{
	uint8_t	id[16], gid[16];
	char	json[64], v[32];
	int	i, bad = 0;

	mkid(gid, 0xffff);
	bad |= store_res_put(tx, tn, RES_GROUP, gid, "{\"g\":1}", 7, 1);
	for (i = 0; i < n; i++) {
		mkid(id, (unsigned)i);
		snprintf(json, sizeof(json), "{\"%s\":%d}", tag, i);
		snprintf(v, sizeof(v), "%s%d", tag, i);
		bad |= store_res_put(tx, tn, RES_USER, id, json,
		    strlen(json), 1);
		bad |= store_idx_add(tx, tn, RES_USER, IDX_USERNAME, v,
		    strlen(v), id);
		if (i < NDUP)
			bad |= store_idx_add(tx, tn, RES_USER, IDX_EXTERNALID,
			    "same", 4, id);
		bad |= store_member_put(tx, tn, gid, id, RES_USER, v, NULL);
	}
	return bad;
}

static int
users(struct store_txn *tx, uint32_t tn)
{
	int	n = 0;

	if (store_res_each(tx, tn, RES_USER, count_res, &n) != SCIM_OK)
		return -1;
	return n;
}

static int
members(struct store_txn *tx, uint32_t tn)
{
	uint8_t	gid[16];
	int	n = 0;

	mkid(gid, 0xffff);
	if (store_member_each(tx, tn, gid, count_mem, &n) != SCIM_OK)
		return -1;
	return n;
}

static int
dups(struct store_txn *tx, uint32_t tn)
{
	static uint8_t	ids[NUSERS][16];
	size_t		n = 0;

	if (store_idx_find(tx, tn, RES_USER, IDX_EXTERNALID, "same", 4, ids,
	    NUSERS, &n) != SCIM_OK)
		return -1;
	return (int)n;
}

int
main(void)
{
	struct store		*st = NULL;
	struct store_txn	*tx;
	struct tenant		 a, b;
	struct ctx		 wk, cl;
	uint8_t			 id[16], ids[4][16];
	char			 err[256], cmd[128];
	const char		*json;
	cJSON			*doc;
	uint32_t		 p, q;
	uint64_t		 n, floor, last;
	size_t			 len, found;
	int			 bad;

	snprintf(dir, sizeof(dir), "/tmp/check_store_preview.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	if (store_open(dir, STORE_CREATE, &st, err, sizeof(err)) != SCIM_OK) {
		tap_diag("%s", err);
		return 1;
	}
	if (store_begin(st, 1, &tx) != SCIM_OK)
		return 1;
	bad = store_tenant_add(tx, "a", "2026-01-01T00:00:00Z", &a) !=
	    SCIM_OK;
	bad |= store_tenant_add(tx, "b", "2026-01-01T00:00:00Z", &b) !=
	    SCIM_OK;
	bad |= fill(tx, a.tn_id, "a", NUSERS);
	bad |= fill(tx, b.tn_id, "b", 10);
	ok(!bad, "two tenants filled");

	/* A fresh number from the tenants' counter, never given twice. */
	ok(store_tenant_number(tx, &p) == SCIM_OK && p == b.tn_id + 1,
	    "a fresh number after the last tenant's");
	ok(store_tenant_number(tx, &q) == SCIM_OK && q == p + 1,
	    "and the next one after it");

	/* Something of q's own, which the copy replaces. */
	mkid(id, 9999);
	bad = store_res_put(tx, q, RES_USER, id, "{}", 2, 1) != SCIM_OK;
	ok(store_data_copy(tx, a.tn_id, q, &n) == SCIM_OK && !bad,
	    "a copy of a's data under a fresh number");
	is_int(n, NUSERS + 1 + NUSERS + NDUP + 2 * NUSERS, "every key of a "
	    "copied: records, index (with duplicates), members, memberof");
	is_int(users(tx, q), NUSERS, "the copy's users: a's, not its own");
	ok(store_res_count(tx, q, RES_USER, &n, &floor) == SCIM_OK &&
	    n == NUSERS, "the copy's count of users: a's, not its own");
	is_int(members(tx, q), NUSERS, "the copy's group members");
	is_int(dups(tx, q), NDUP, "an index value with more ids than a "
	    "batch: every id");
	mkid(id, 417);
	ok(store_res_get(tx, q, RES_USER, id, &json, &len) == SCIM_OK &&
	    len == 9 && memcmp(json, "{\"a\":417}", 9) == 0,
	    "a record copied byte for byte");
	ok(store_idx_find(tx, q, RES_USER, IDX_USERNAME, "a417", 4, ids, 4,
	    &found) == SCIM_OK && found == 1 && memcmp(ids[0], id, 16) == 0,
	    "its index entry under the new number");
	n = 0;
	ok(store_memberof_each(tx, q, id, count_of, &n) == SCIM_OK && n == 1,
	    "its memberof key under the new number");
	is_int(users(tx, b.tn_id), 10, "b untouched");
	is_int(users(tx, a.tn_id), NUSERS, "a untouched");
	ok(store_data_copy(tx, a.tn_id, a.tn_id, &n) != SCIM_OK,
	    "a copy onto itself is refused");

	/* The preview's audit and feed go with its data. */
	bad = store_audit_put(tx, q, 1, "{\"seq\":1}") != SCIM_OK;
	bad |= store_feed_add(tx, q, feed_rec, NULL) != SCIM_OK;
	bad |= store_breaker_put(tx, q, "state", 5) != SCIM_OK;
	n = 0;
	ok(store_data_drop(tx, q, &n) == SCIM_OK && !bad, "dropped");
	is_int(n, NUSERS + 1 + NUSERS + NDUP + 2 * NUSERS + 1 + 2 + 1,
	    "every key: data, audit entry, feed record and counter, breaker");
	ok(store_breaker_get(tx, q, err, sizeof(err), &len) == SCIM_OK &&
	    len == 0, "the preview's breaker state is gone");
	is_int(users(tx, q), 0, "no user under the dropped number");
	ok(store_feed_bounds(tx, q, &floor, &last) == SCIM_OK && last == 0,
	    "its feed counter is gone");
	is_int(users(tx, a.tn_id), NUSERS, "a untouched by the drop");
	is_int(users(tx, b.tn_id), 10, "b untouched by the drop");
	is_int(members(tx, b.tn_id), 10, "b's members untouched");

	/* tenant remove takes the preview named in the record along. */
	bad = store_data_copy(tx, b.tn_id, p, &n) != SCIM_OK;
	bad |= store_tenant_doc(tx, "b", &doc) != SCIM_OK;
	if (!bad) {
		cJSON_AddNumberToObject(doc, "preview", p);
		bad |= store_tenant_put_doc(tx, "b", doc) != SCIM_OK;
		cJSON_Delete(doc);
	}
	bad |= store_tenant_get(tx, "b", &b) != SCIM_OK;
	ok(!bad && b.tn_preview == p && users(tx, p) == 10,
	    "b in preview under %u", p);
	ok(store_tenant_remove(tx, "b", &n) == SCIM_OK, "b removed");
	is_int(users(tx, p), 0, "its preview's users went with it");
	is_int(members(tx, p), 0, "and its preview's members");
	is_int(users(tx, a.tn_id), NUSERS, "a untouched by the removal");

	/*
	 * A worker's context follows the mode a write transaction sees
	 * (ctx_rebind()); the CLI's stays on the live data.
	 */
	bad = ctx_open(&wk, st, tx, "a", "t", "r", "c", "u") != SCIM_OK;
	bad |= ctx_open(&cl, st, tx, "a", "cli", "", "c", "u") != SCIM_OK;
	ctx_preview(&wk);
	ok(!bad && wk.cx_tenant.tn_id == a.tn_id, "a live tenant: its data");
	bad = preview_start(tx, "a", &p, &n) != SCIM_OK;
	ok(!bad && ctx_rebind(&wk, tx) == SCIM_OK && wk.cx_tenant.tn_id == p &&
	    TENANT_HOME(&wk.cx_tenant) == a.tn_id,
	    "put in preview after the context was built: the preview's data");
	ok(ctx_rebind(&cl, tx) == SCIM_OK && cl.cx_tenant.tn_id == a.tn_id &&
	    cl.cx_tenant.tn_live == 0, "the CLI's context: the live data");
	bad = store_tenant_get(tx, "a", &a) != SCIM_OK;
	bad |= preview_discard(tx, &a, NULL) != SCIM_OK;
	ok(!bad && ctx_rebind(&wk, tx) == SCIM_OK &&
	    wk.cx_tenant.tn_id == a.tn_id && wk.cx_tenant.tn_live == 0,
	    "live again: the live data");
	ok(store_tenant_get(tx, "a", &a) == SCIM_OK && a.tn_preview == 0 &&
	    users(tx, p) == 0, "the discarded preview is gone");
	ctx_close(&wk);
	ctx_close(&cl);
	ok(store_commit(&tx) == SCIM_OK, "committed");

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", dir);
	return tap_done();
}
