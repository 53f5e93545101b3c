/*
 * check_store_page.c: the resource counts kept in the write transaction
 * (store_res_count()) and pages in id order from marks of pages served
 * before (src/store_page.c): every page equals the same slice of a full
 * walk, before and after creates and deletes, from marks (at pages and
 * on the way of a long walk) and without; and the parsed tenant records
 * a process keeps, which follow each transaction's snapshot.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "tap.h"

#define N	3000

struct ids {
	uint8_t	id[N + 10][16];
	int	n;
};

static int
collect(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct ids	*v = arg;

	(void)json;
	(void)len;
	if (v->n < N + 10)
		memcpy(v->id[v->n++], id, 16);
	return 0;
}

static void
make_id(int i, uint8_t id[16])
{
	unsigned int	h = (unsigned int)i * 2654435761u;

	memset(id, 0, 16);
	id[0] = (uint8_t)(h >> 24);	/* ids not in creation order */
	id[1] = (uint8_t)(h >> 16);
	id[14] = (uint8_t)(i >> 8);
	id[15] = (uint8_t)i;
}

static uint64_t
count(struct store *st, uint32_t tn, uint64_t *gen)
{
	struct store_txn	*tx;
	uint64_t		 n = 0, g = 0;

	if (store_begin(st, 0, &tx) == SCIM_OK) {
		store_res_count(tx, tn, RES_USER, &n, &g);
		store_abort(&tx);
	}
	if (gen != NULL)
		*gen = g;
	return n;
}

/* Every page of size sz, in order and then backwards, equals the walk. */
static int
pages_match(struct store *st, uint32_t tn, int sz)
{
	struct store_txn	*tx;
	struct ids		 all, pg;
	int			 at, bad = 0, pass;

	memset(&all, 0, sizeof(all));
	if (store_begin(st, 0, &tx) != SCIM_OK)
		return 0;
	store_res_each(tx, tn, RES_USER, collect, &all);
	for (pass = 0; pass < 2; pass++)
		for (at = 0; at < all.n + sz; at += sz) {
			int	p = pass == 0 ? at : (all.n / sz) * sz - at;
			int	want = p < 0 ? 0 : (all.n - p < sz ?
				    all.n - p : sz);

			if (p < 0)
				continue;
			memset(&pg, 0, sizeof(pg));
			if (store_res_page(tx, tn, RES_USER, (uint64_t)p,
			    (uint64_t)sz, collect, &pg) != SCIM_OK ||
			    pg.n != (want < 0 ? 0 : want) ||
			    (pg.n > 0 && memcmp(pg.id, all.id[p],
			    (size_t)pg.n * 16) != 0))
				bad++;
		}
	store_abort(&tx);
	return bad == 0 && all.n > 0;
}

int
main(void)
{
	struct store		*st = NULL;
	struct store_txn	*tx;
	struct tenant		 t1, t2;
	char			 dir[64], err[256], cmd[128];
	uint8_t			 id[16];
	uint64_t		 gen, gen2, n;
	int			 i, bad = 0;

	snprintf(dir, sizeof(dir), "/tmp/check_store_page.XXXXXX");
	if (mkdtemp(dir) == NULL ||
	    store_open(dir, STORE_CREATE, &st, err, sizeof(err)) != SCIM_OK)
		return 1;
	if (store_begin(st, 1, &tx) != SCIM_OK ||
	    store_tenant_add(tx, "one", "2026-01-01T00:00:00Z", &t1) ||
	    store_tenant_add(tx, "two", "2026-01-01T00:00:00Z", &t2) ||
	    store_commit(&tx))
		return 1;
	is_int((int)count(st, t1.tn_id, &gen), 0, "a new tenant: 0 users");

	/* Creates, some with create unset (a put of a new key is one). */
	if (store_begin(st, 1, &tx) != SCIM_OK)
		return 1;
	for (i = 0; i < N; i++) {
		make_id(i, id);
		bad |= store_res_put(tx, t1.tn_id, RES_USER, id, "{}", 2,
		    i % 2) != SCIM_OK;
	}
	make_id(0, id);
	bad |= store_res_put(tx, t1.tn_id, RES_USER, id, "{\"v\":2}", 7, 0) !=
	    SCIM_OK;
	ok(store_res_put(tx, t1.tn_id, RES_USER, id, "{}", 2, 1) != SCIM_OK,
	    "a create of an existing id fails");
	bad |= store_res_put(tx, t2.tn_id, RES_GROUP, id, "{}", 2, 1) !=
	    SCIM_OK;
	bad |= store_commit(&tx) != SCIM_OK;
	ok(!bad, "3000 users written");
	is_int((int)count(st, t1.tn_id, &gen), N,
	    "the count: 3000 (an update and a failed create count nothing)");
	ok(gen != 0, "the count is kept (generation %llu)",
	    (unsigned long long)gen);
	is_int((int)count(st, t2.tn_id, NULL), 0, "the other tenant's users: 0");

	ok(pages_match(st, t1.tn_id, 100), "pages of 100, forward and back");
	ok(pages_match(st, t1.tn_id, 7), "pages of 7, forward and back");
	ok(pages_match(st, t1.tn_id, 1), "pages of 1");

	/* Backwards from an id: itself and those before it, nearest first. */
	{
		struct ids	 all;
		uint8_t		 back[12][16], gone[16];
		size_t		 got = 0;
		int		 okb = 1;

		memset(&all, 0, sizeof(all));
		if (store_begin(st, 0, &tx) != SCIM_OK)
			return 1;
		store_res_each(tx, t1.tn_id, RES_USER, collect, &all);
		bad |= store_res_back(tx, t1.tn_id, RES_USER, all.id[100], 10,
		    back, &got) != SCIM_OK;
		for (i = 0; i < 10; i++)
			okb &= got == 10 &&
			    memcmp(back[i], all.id[100 - i], 16) == 0;
		ok(okb, "back 10 from the 101st: the 101st to the 92nd");
		bad |= store_res_back(tx, t1.tn_id, RES_USER, all.id[3], 10,
		    back, &got) != SCIM_OK;
		ok(got == 4 && memcmp(back[3], all.id[0], 16) == 0,
		    "back 10 from the 4th: 4, down to the first");
		/* An id between two: from the one before it. */
		memcpy(gone, all.id[50], 16);
		gone[15] ^= 0x01;
		gone[14] ^= 0x80;
		if (memcmp(gone, all.id[50], 16) > 0 &&
		    memcmp(gone, all.id[51], 16) < 0) {
			bad |= store_res_back(tx, t1.tn_id, RES_USER, gone, 2,
			    back, &got) != SCIM_OK;
			ok(got == 2 && memcmp(back[0], all.id[50], 16) == 0,
			    "back from an id that is not there: the one before");
		} else
			ok(1, "back from an id that is not there (skipped: "
			    "no gap)");
		memset(gone, 0xff, sizeof(gone));
		bad |= store_res_back(tx, t2.tn_id, RES_USER, gone, 5, back,
		    &got) != SCIM_OK;
		ok(got == 0, "back in a tenant without users: none (and no "
		    "other tenant's)");
		store_abort(&tx);
	}

	/* A delete moves positions and the generation. */
	if (store_begin(st, 1, &tx) != SCIM_OK)
		return 1;
	make_id(17, id);
	bad |= store_res_del(tx, t1.tn_id, RES_USER, id) != SCIM_OK;
	ok(store_res_del(tx, t1.tn_id, RES_USER, id) == SCIM_ENOTFOUND,
	    "a delete of a deleted id: not found");
	bad |= store_commit(&tx) != SCIM_OK;
	is_int((int)count(st, t1.tn_id, &gen2), N - 1, "a delete: one less");
	ok(gen2 != gen, "... and a new generation");
	ok(pages_match(st, t1.tn_id, 100), "pages after the delete");
	if (store_begin(st, 1, &tx) != SCIM_OK)
		return 1;
	bad |= store_res_put(tx, t1.tn_id, RES_USER, id, "{}", 2, 1) !=
	    SCIM_OK;
	bad |= store_commit(&tx) != SCIM_OK;
	ok(pages_match(st, t1.tn_id, 30), "pages after a create");

	/* Counts dropped (a range written by other means): counted again. */
	if (store_begin(st, 1, &tx) != SCIM_OK)
		return 1;
	bad |= store_res_count_reset(tx, t1.tn_id) != SCIM_OK;
	bad |= store_commit(&tx) != SCIM_OK;
	is_int((int)count(st, t1.tn_id, &gen), N, "reset: counted by a walk");
	is_int((int)gen, 0, "... not kept (generation 0)");
	ok(pages_match(st, t1.tn_id, 100), "pages without a kept count");
	if (store_begin(st, 1, &tx) != SCIM_OK)
		return 1;
	make_id(N + 1, id);
	bad |= store_res_put(tx, t1.tn_id, RES_USER, id, "{}", 2, 1) !=
	    SCIM_OK;
	bad |= store_commit(&tx) != SCIM_OK;
	is_int((int)count(st, t1.tn_id, &gen), N + 1,
	    "the next create keeps it again, right");
	ok(gen != 0 && !bad, "generation kept");

	/* The tenant records a process keeps parsed follow the snapshot. */
	{
		struct store_txn	*old;
		struct tenant		 a, b;

		if (store_begin(st, 0, &tx) != SCIM_OK)
			return 1;
		bad |= store_tenant_get(tx, "two", &a) != SCIM_OK;
		bad |= store_tenant_get(tx, "two", &b) != SCIM_OK;
		store_abort(&tx);
		ok(a.tn_maxresults == 0 && b.tn_id == t2.tn_id,
		    "a tenant read twice (the second from the cache)");
		if (store_begin(st, 0, &old) != SCIM_OK ||
		    store_begin(st, 1, &tx) != SCIM_OK)
			return 1;
		bad |= store_tenant_set(tx, "two", "max-results", "7") !=
		    SCIM_OK;
		/* The writer's view: parsed (and kept) before the commit. */
		bad |= store_tenant_get(tx, "two", &a) != SCIM_OK;
		bad |= store_commit(&tx) != SCIM_OK;
		ok(a.tn_maxresults == 7, "a changed record is parsed again");
		bad |= store_tenant_get(old, "two", &b) != SCIM_OK;
		ok(b.tn_maxresults == 0, "an older snapshot still reads its "
		    "own record, not the cached newer one");
		store_abort(&old);
		if (store_begin(st, 0, &tx) != SCIM_OK)
			return 1;
		bad |= store_tenant_get(tx, "two", &a) != SCIM_OK;
		ok(a.tn_maxresults == 7, "and the newer after it");
		store_abort(&tx);
	}

	/* tenant remove takes the counts. */
	if (store_begin(st, 1, &tx) != SCIM_OK)
		return 1;
	bad |= store_tenant_remove(tx, "one", &n) != SCIM_OK;
	bad |= store_commit(&tx) != SCIM_OK;
	is_int((int)count(st, t1.tn_id, &gen), 0, "tenant remove: 0 users");
	is_int((int)gen, 0, "... and no kept count");

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", dir);
	return tap_done();
}
