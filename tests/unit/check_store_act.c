/*
 * check_store_act.c: the activity log's stores (src/store_act.c): the
 * merge of the two stores in time order, retention by count and by age
 * (pruned a bounded number at a time, never by a walk), the batch of the
 * activity file (held, then written at 32, at a flush, at close), a
 * token's last use, and clearing a tenant.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "tap.h"

static char	dir[64];

#define T0	1800000000000000ULL	/* µs */

struct got {
	uint64_t	us[512];
	int		n;
};

static int
got_cb(uint64_t us, const uint8_t rid[8], const char *json, size_t len,
    void *arg)
{
	struct got	*g = arg;

	(void)rid;
	(void)json;
	(void)len;
	if (g->n < 512)
		g->us[g->n++] = us;
	return 0;
}

static int
count(struct store *st, uint32_t tenant, struct got *g)
{
	memset(g, 0, sizeof(*g));
	if (store_act_each(st, tenant, 0, NULL, got_cb, g) != SCIM_OK)
		return -1;
	return g->n;
}

static struct store_act
rec(uint32_t tenant, uint64_t us, const char *token, uint64_t max,
    uint64_t cutoff)
{
	static const char	 json[] = "{\"v\":1}";
	struct store_act	 a;

	memset(&a, 0, sizeof(a));
	a.sa_tenant = tenant;
	a.sa_us = us;
	memcpy(a.sa_rid, &us, sizeof(a.sa_rid));
	a.sa_json = json;
	a.sa_len = sizeof(json) - 1;
	a.sa_token = token;
	a.sa_max = max;
	a.sa_cutoff = cutoff;
	return a;
}

/* A record in the main store, in a write transaction of its own. */
static int
put_main(struct store *st, struct store_act a)
{
	struct store_txn	*tx;

	if (store_begin(st, 1, &tx) != SCIM_OK)
		return -1;
	if (store_act_put(tx, &a) != SCIM_OK) {
		store_abort(&tx);
		return -1;
	}
	return store_commit(&tx) == SCIM_OK ? 0 : -1;
}

static int
sorted(const struct got *g)
{
	int	i;

	for (i = 1; i < g->n; i++)
		if (g->us[i - 1] >= g->us[i])
			return 0;
	return 1;
}

int
main(void)
{
	struct store		*st = NULL;
	struct store_txn	*tx;
	struct store_act	 a;
	struct got		 g;
	char			 err[256], cmd[128];
	uint64_t		 us, n;
	int			 i, bad;

	snprintf(dir, sizeof(dir), "/tmp/check_store_act.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	if (store_open(dir, STORE_CREATE, &st, err, sizeof(err)) != SCIM_OK) {
		tap_diag("%s", err);
		return 1;
	}

	/* Both stores, interleaved in time: one merged, ordered walk. */
	bad = 0;
	for (i = 0; i < 40; i++) {
		a = rec(1, T0 + (uint64_t)i * 10, "tok1", 1000, 0);
		if (i % 3 == 0)
			bad |= put_main(st, a);
		else
			bad |= store_act_log(st, &a) != SCIM_OK;
	}
	ok(!bad, "40 records, a third with a change, the rest in the file");
	is_int(store_act_pending(st), 26, "the file's 26 wait in the batch "
	    "(it is written at 32)");
	is_int(count(st, 1, &g), 14, "a walk sees those of the main store");
	ok(store_act_flush(st) == SCIM_OK && store_act_pending(st) == 0,
	    "a flush writes the rest");
	is_int(count(st, 1, &g), 40, "then it sees all 40");
	ok(sorted(&g) && g.us[0] == T0 && g.us[39] == T0 + 390,
	    "oldest first, the two stores merged");
	memset(&g, 0, sizeof(g));
	ok(store_act_each(st, 1, T0 + 100, NULL, got_cb, &g) == SCIM_OK &&
	    g.n == 30 && g.us[0] == T0 + 100, "from a time on");
	us = T0 + 100;
	memset(&g, 0, sizeof(g));
	ok(store_act_each(st, 1, T0 + 100, (const uint8_t *)&us, got_cb, &g) ==
	    SCIM_OK && g.n == 29 && g.us[0] == T0 + 110,
	    "strictly after one record");
	is_int(count(st, 2, &g), 0, "another tenant sees none of them");

	/* A token's last use: the newer of the two stores'. */
	if (store_begin(st, 0, &tx) == SCIM_OK) {
		ok(store_act_used(tx, "tok1", &us) == SCIM_OK &&
		    us >= T0 && us <= T0 + 390, "tok1's last use, to the "
		    "second (%llu)", (unsigned long long)us);
		ok(store_act_used(tx, "nobody", &us) == SCIM_OK && us == 0,
		    "an unused token: 0");
		store_abort(&tx);
	}
	a = rec(7, T0, "tok2", 1000, 0);
	put_main(st, a);
	a = rec(7, T0 + 5000000, "tok2", 1000, 0);
	store_act_log(st, &a);
	a = rec(7, T0 + 2000000, "tok2", 1000, 0);
	put_main(st, a);
	store_act_flush(st);
	if (store_begin(st, 0, &tx) == SCIM_OK) {
		ok(store_act_used(tx, "tok2", &us) == SCIM_OK &&
		    us == T0 + 5000000, "tok2: the later of the two stores' "
		    "(%llu)", (unsigned long long)us);
		store_abort(&tx);
	}

	/* Retention by count: each put prunes at most 16 of the oldest. */
	for (i = 0; i < 10; i++) {
		a = rec(3, T0 + (uint64_t)i, NULL, 1000, 0);
		put_main(st, a);
	}
	a = rec(3, T0 + 100, NULL, 2, 0);
	put_main(st, a);
	is_int(count(st, 3, &g), 11 - 9, "max 2: one put prunes 9 of 11");
	ok(g.us[0] == T0 + 9 && g.us[1] == T0 + 100, "the newest stay");
	for (i = 0; i < 40; i++) {
		a = rec(4, T0 + (uint64_t)i, NULL, 1000, 0);
		put_main(st, a);
	}
	a = rec(4, T0 + 100, NULL, 1, 0);
	put_main(st, a);
	is_int(count(st, 4, &g), 41 - 16, "41 past max 1: 16 go, no more");
	a = rec(4, T0 + 101, NULL, 1, 0);
	put_main(st, a);
	a = rec(4, T0 + 102, NULL, 1, 0);
	put_main(st, a);
	is_int(count(st, 4, &g), 1, "two more puts bring it to the bound");

	/* Retention by age: older than the cutoff goes. */
	for (i = 0; i < 5; i++) {
		a = rec(5, T0 + (uint64_t)i * 1000000, NULL, 1000, 0);
		store_act_log(st, &a);
	}
	a = rec(5, T0 + 10000000, NULL, 1000, T0 + 3000000);
	store_act_log(st, &a);
	store_act_flush(st);
	is_int(count(st, 5, &g), 3, "cutoff: the records before it go");
	ok(g.us[0] == T0 + 3000000, "from the cutoff on they stay");

	/* Clearing a tenant: both stores. */
	n = 0;
	if (store_begin(st, 1, &tx) == SCIM_OK) {
		ok(store_act_clear(tx, 1, &n) == SCIM_OK && n == 14,
		    "clear: 14 of the main store");
		store_commit(&tx);
	}
	n = 0;
	ok(store_act_log_clear(st, 1, &n) == SCIM_OK && n == 26,
	    "and 26 of the file");
	is_int(count(st, 1, &g), 0, "tenant 1 has none left");
	is_int(count(st, 5, &g), 3, "tenant 5 keeps its own");

	/* Close writes the batch; a new handle sees it. */
	for (i = 0; i < 3; i++) {
		a = rec(6, T0 + (uint64_t)i, NULL, 1000, 0);
		store_act_log(st, &a);
	}
	is_int(store_act_pending(st), 3, "three wait");
	store_close(st);
	st = NULL;
	if (store_open(dir, 0, &st, err, sizeof(err)) == SCIM_OK)
		is_int(count(st, 6, &g), 3, "written at close");
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", dir);
	return tap_done();
}
