/*
 * check_audit.c: the audit chain (audit.h): entries as written, each kind
 * of tampering found by audit_verify(), pruning with an anchor, format 1
 * entries written by earlier versions, and the actor fields.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "audit.h"
#include "ctx.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define CREATED		"2026-01-01T00:00:00.000Z"

static struct store	*st;

/* A tenant in store s and its context. */
static void
tenant_new(struct store *s, const char *name, struct ctx *cx)
{
	struct store_txn	*tx;
	struct tenant		 t;

	store_begin(s, 1, &tx);
	if (store_tenant_add(tx, name, CREATED, &t) != SCIM_OK ||
	    store_commit(&tx) != SCIM_OK)
		tap_diag("cannot add tenant %s", name);
	if (ctx_open(cx, s, NULL, name, "tok1", "req1", "192.0.2.7",
	    "check_audit") != SCIM_OK)
		tap_diag("ctx_open %s failed", name);
}

/* Entries from..to, each in a transaction of its own. */
static void
record(struct ctx *cx, int from, int to)
{
	struct store_txn	*tx;
	char			 name[16];
	int			 i;

	for (i = from; i <= to; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		store_begin(cx->cx_store, 1, &tx);
		if (audit_record(tx, cx, "user.deleted", "User", "id-x", name,
		    cJSON_Parse("{\"k\":[1,\"two\"]}"),
		    cJSON_CreateString("d")) != SCIM_OK ||
		    store_commit(&tx) != SCIM_OK)
			tap_diag("cannot record entry %d", i);
		store_abort(&tx);
	}
}

/* Entry seq of tenant tid: a copy, or NULL. */
static char *
entry_get(struct store *s, uint32_t tid, uint64_t seq)
{
	struct store_txn	*tx;
	const char		*json;
	size_t			 len;
	char			*out = NULL;

	store_begin(s, 0, &tx);
	if (store_audit_get(tx, tid, seq, &json, &len) == SCIM_OK &&
	    (out = malloc(len + 1)) != NULL) {
		memcpy(out, json, len);
		out[len] = '\0';
	}
	store_abort(&tx);
	return out;
}

static void
entry_put(struct store *s, uint32_t tid, uint64_t seq, const char *json)
{
	struct store_txn	*tx;

	store_begin(s, 1, &tx);
	if (store_audit_put(tx, tid, seq, json) != SCIM_OK ||
	    store_commit(&tx) != SCIM_OK)
		tap_diag("cannot put entry %llu", (unsigned long long)seq);
}

/* Replace the first from in entry seq by to. */
static void
entry_edit(struct ctx *cx, uint64_t seq, const char *from, const char *to)
{
	char	*e, *p, *n;

	e = entry_get(cx->cx_store, cx->cx_tenant.tn_id, seq);
	if (e == NULL || (p = strstr(e, from)) == NULL) {
		tap_diag("entry %llu has no %s", (unsigned long long)seq, from);
		free(e);
		return;
	}
	n = malloc(strlen(e) + strlen(to) + 1);
	memcpy(n, e, (size_t)(p - e));
	strcpy(n + (p - e), to);
	strcat(n, p + strlen(from));
	entry_put(cx->cx_store, cx->cx_tenant.tn_id, seq, n);
	free(n);
	free(e);
}

static void
verify_is(struct ctx *cx, uint64_t want_bad, const char *want_why,
    const char *name)
{
	struct store_txn	*tx;
	uint64_t		 bad = 99;
	char			 why[256];
	enum scim_err		 e;

	store_begin(cx->cx_store, 0, &tx);
	e = audit_verify(tx, &cx->cx_tenant, &bad, why, sizeof(why));
	store_abort(&tx);
	if (!ok(e == SCIM_OK && bad == want_bad && strcmp(why, want_why) == 0,
	    "%s", name))
		tap_diag("got %d, bad %llu, why \"%s\"", e,
		    (unsigned long long)bad, why);
}

static void
sha_hex(const void *a, size_t alen, const void *b, size_t blen, char *hex)
{
	unsigned char	 buf[4096], h[crypto_hash_sha256_BYTES];

	if (alen + blen > sizeof(buf))
		abort();
	memcpy(buf, a, alen);
	memcpy(buf + alen, b, blen);
	crypto_hash_sha256(h, buf, alen + blen);
	util_hex(h, sizeof(h), hex);
}

static void
unhex(const char *hex, unsigned char *out, size_t n)
{
	size_t		i;
	unsigned int	x;

	for (i = 0; i < n; i++) {
		sscanf(hex + 2 * i, "%2x", &x);
		out[i] = (unsigned char)x;
	}
}

static const char *
str_at(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static void
written(void)
{
	struct ctx		 cx;
	struct store_txn	*tx;
	char			 genesis[65], want[65], buf[256], keys[512];
	char			*e1, *e2, *text;
	unsigned char		 prev[32];
	const cJSON		*c;
	cJSON			*p;
	size_t			 cut;
	uint8_t			 gid[16];

	tenant_new(st, "acme", &cx);
	record(&cx, 1, 3);
	verify_is(&cx, 0, "", "a chain of three verifies");
	e1 = entry_get(st, cx.cx_tenant.tn_id, 1);
	p = cJSON_Parse(e1);
	keys[0] = '\0';
	cJSON_ArrayForEach(c, p) {
		strcat(keys, c->string);
		strcat(keys, " ");
	}
	is_str(keys, "v seq time tenant token request client agent action type "
	    "id name before detail prev hash ", "the members in their order");
	ok(cJSON_GetObjectItem(p, "v")->valuedouble == 2 &&
	    cJSON_GetObjectItem(p, "seq")->valuedouble == 1,
	    "format 2, sequence 1");
	is_str(str_at(p, "tenant"), "acme", "tenant");
	is_str(str_at(p, "action"), "user.deleted", "action");
	is_str(str_at(p, "name"), "n1", "name");
	text = cJSON_PrintUnformatted(cJSON_GetObjectItem(p, "before"));
	is_str(text, "{\"k\":[1,\"two\"]}", "before, as given");
	free(text);

	/* Entry 1 chains from SHA-256 of the tenant's name and creation. */
	snprintf(buf, sizeof(buf), "scimlet audit genesis\nacme\n%s", CREATED);
	sha_hex(buf, strlen(buf), "", 0, want);
	/* The same as before libsodium: chains already stored verify. */
	is_str(want, "3344ba7b6ed2efed1e73703cefa9532a"
	    "507bf73d19ef2b3235caeea0b7fcf43a", "genesis: a known SHA-256");
	store_begin(st, 0, &tx);
	ok(audit_genesis(tx, &cx.cx_tenant, genesis) == SCIM_OK, "genesis");
	store_abort(&tx);
	is_str(genesis, want, "the genesis hash");
	is_str(str_at(p, "prev"), genesis, "entry 1's prev is the genesis");
	/* hash = SHA-256(prev || the stored bytes before "hash", comma in). */
	cut = strlen(e1) - strlen(",\"hash\":\"\"}") - 64 + 1;
	unhex(genesis, prev, sizeof(prev));
	sha_hex(prev, sizeof(prev), e1, cut, want);
	is_str(str_at(p, "hash"), want, "entry 1's hash covers its bytes");
	cJSON_Delete(p);
	e2 = entry_get(st, cx.cx_tenant.tn_id, 2);
	p = cJSON_Parse(e2);
	text = e1 + cut + strlen("\"hash\":\"");
	text[64] = '\0';
	is_str(str_at(p, "prev"), text, "entry 2's prev is entry 1's hash");
	cJSON_Delete(p);
	free(e1);
	free(e2);

	/* NULLs, and a resource. */
	util_uuid_new(gid);
	store_begin(st, 1, &tx);
	ok(audit_record(tx, &cx, "operator.token", "Token", NULL, NULL, NULL,
	    NULL) == SCIM_OK, "audit_record without id, name, before, detail");
	ok(audit_record_res(tx, &cx, "group.deleted", RES_GROUP, gid, "G",
	    NULL, NULL) == SCIM_OK, "audit_record_res");
	ok(audit_change(tx, &cx, RES_GROUP, gid, "delete") == SCIM_OK,
	    "audit_change");
	store_commit(&tx);
	e1 = entry_get(st, cx.cx_tenant.tn_id, 4);
	p = cJSON_Parse(e1);
	ok(strcmp(str_at(p, "id"), "") == 0 && strcmp(str_at(p, "name"), "") ==
	    0 && cJSON_IsNull(cJSON_GetObjectItem(p, "before")) &&
	    cJSON_IsNull(cJSON_GetObjectItem(p, "detail")),
	    "id and name \"\", before and detail null");
	cJSON_Delete(p);
	free(e1);
	e1 = entry_get(st, cx.cx_tenant.tn_id, 5);
	p = cJSON_Parse(e1);
	util_uuid_format(gid, buf);
	ok(strcmp(str_at(p, "type"), "Group") == 0 &&
	    strcmp(str_at(p, "id"), buf) == 0 &&
	    strcmp(str_at(p, "name"), "G") == 0,
	    "a group's entry: type Group, its id formatted");
	cJSON_Delete(p);
	free(e1);
	verify_is(&cx, 0, "", "five entries verify");
	ctx_close(&cx);
}

/* A fresh chain of five for tenant name. */
static void
five(const char *name, struct ctx *cx)
{
	tenant_new(st, name, cx);
	record(cx, 1, 5);
}

static void
tampering(void)
{
	struct ctx	 cx, other;
	struct store	*scratch;
	char		 dir[] = "/tmp/check_audit2.XXXXXX", err[256], cmd[128];
	char		*e[6], *n;
	struct store_txn *tx;
	int		 i;

	five("bytes", &cx);
	entry_edit(&cx, 3, "\"name\":\"n3\"", "\"name\":\"m3\"");
	verify_is(&cx, 3, "entry 3 was altered", "a changed byte");
	ctx_close(&cx);

	five("space", &cx);
	entry_edit(&cx, 2, ",\"time\"", ", \"time\"");
	verify_is(&cx, 2, "entry 2 was altered", "a blank added: the same "
	    "JSON, other bytes");
	ctx_close(&cx);

	five("order", &cx);
	entry_edit(&cx, 4, ",\"client\":\"192.0.2.7\",\"agent\":\"check_audit\"",
	    ",\"agent\":\"check_audit\",\"client\":\"192.0.2.7\"");
	verify_is(&cx, 4, "entry 4 was altered", "two members swapped");
	ctx_close(&cx);

	five("swap", &cx);
	e[2] = entry_get(st, cx.cx_tenant.tn_id, 2);
	e[3] = entry_get(st, cx.cx_tenant.tn_id, 3);
	entry_put(st, cx.cx_tenant.tn_id, 2, e[3]);
	entry_put(st, cx.cx_tenant.tn_id, 3, e[2]);
	verify_is(&cx, 2, "entry 2 does not follow the one before it (removed "
	    "or reordered)", "two entries swapped");
	free(e[2]);
	free(e[3]);
	ctx_close(&cx);

	five("prev", &cx);
	e[1] = entry_get(st, cx.cx_tenant.tn_id, 1);
	e[3] = entry_get(st, cx.cx_tenant.tn_id, 3);
	{
		/* Entry 3 claims to follow entry 1. */
		char h1[65], p3[65];
		memcpy(h1, strstr(e[1], "\"hash\":\"") + 8, 64);
		h1[64] = '\0';
		memcpy(p3, strstr(e[3], "\"prev\":\"") + 8, 64);
		p3[64] = '\0';
		entry_edit(&cx, 3, p3, h1);
	}
	verify_is(&cx, 3, "entry 3 does not follow the one before it (removed "
	    "or reordered)", "a changed prev");
	free(e[1]);
	free(e[3]);
	ctx_close(&cx);

	five("hash", &cx);
	e[3] = entry_get(st, cx.cx_tenant.tn_id, 3);
	n = strstr(e[3], "\"hash\":\"") + 8;
	n[0] = n[0] == 'a' ? 'b' : 'a';
	entry_put(st, cx.cx_tenant.tn_id, 3, e[3]);
	verify_is(&cx, 3, "entry 3 was altered", "a changed hash");
	n[0] = n[0] == 'a' ? 'A' : 'B';
	entry_put(st, cx.cx_tenant.tn_id, 3, e[3]);
	verify_is(&cx, 3, "entry 3 was altered", "a hash in upper case");
	free(e[3]);
	ctx_close(&cx);

	five("trunc", &cx);
	e[3] = entry_get(st, cx.cx_tenant.tn_id, 3);
	e[3][strlen(e[3]) - 10] = '\0';
	entry_put(st, cx.cx_tenant.tn_id, 3, e[3]);
	verify_is(&cx, 3, "entry 3 is not JSON", "a truncated entry");
	n = strstr(e[3], ",\"hash\":");
	strcpy(n, "}");
	entry_put(st, cx.cx_tenant.tn_id, 3, e[3]);
	verify_is(&cx, 3, "entry 3 was altered", "an entry without its hash");
	free(e[3]);
	entry_put(st, cx.cx_tenant.tn_id, 3, "not json");
	verify_is(&cx, 3, "entry 3 is not JSON", "an entry that is no JSON");
	ctx_close(&cx);

	five("vers", &cx);
	entry_edit(&cx, 2, "{\"v\":2,", "{\"v\":3,");
	verify_is(&cx, 2, "entry 2 was altered", "an unknown format");
	ctx_close(&cx);

	five("seq", &cx);
	entry_edit(&cx, 4, "\"seq\":4,", "\"seq\":40,");
	verify_is(&cx, 4, "entry 4 was altered", "a changed seq");
	tenant_new(st, "other", &other);
	record(&other, 1, 2);
	verify_is(&other, 0, "", "another tenant's chain is its own");
	ctx_close(&other);
	/* The chain cannot be continued from an entry that is no JSON. */
	entry_put(st, cx.cx_tenant.tn_id, 5, "{");
	store_begin(st, 1, &tx);
	ok(audit_record(tx, &cx, "a", "User", NULL, NULL, NULL, NULL) ==
	    SCIM_ESTORE, "appending after a broken last entry: SCIM_ESTORE");
	store_abort(&tx);
	ctx_close(&cx);

	/* A gap: the same tenant (same genesis) in a scratch store. */
	if (mkdtemp(dir) == NULL || store_open(dir, STORE_CREATE, &scratch,
	    err, sizeof(err)) != SCIM_OK) {
		tap_diag("scratch store: %s", err);
		return;
	}
	tenant_new(scratch, "head", &other);
	record(&other, 1, 2);
	e[1] = entry_get(scratch, other.cx_tenant.tn_id, 1);
	e[2] = entry_get(scratch, other.cx_tenant.tn_id, 2);
	ctx_close(&other);
	tenant_new(st, "head", &cx);
	entry_put(st, cx.cx_tenant.tn_id, 2, e[2]);
	verify_is(&cx, 1, "entry 1 is missing", "the first entry removed");
	entry_put(st, cx.cx_tenant.tn_id, 1, e[1]);
	verify_is(&cx, 0, "", "put back, the chain verifies (the copy is "
	    "the same chain)");
	free(e[1]);
	free(e[2]);
	ctx_close(&cx);
	tenant_new(scratch, "gap", &other);
	record(&other, 1, 5);
	for (i = 1; i <= 5; i++)
		e[i] = entry_get(scratch, other.cx_tenant.tn_id, i);
	ctx_close(&other);
	store_close(scratch);
	tenant_new(st, "gap", &cx);
	for (i = 1; i <= 5; i++)
		if (i != 3)
			entry_put(st, cx.cx_tenant.tn_id, (uint64_t)i, e[i]);
	verify_is(&cx, 3, "entry 3 is missing", "a removed entry");
	entry_put(st, cx.cx_tenant.tn_id, 3, e[3]);
	verify_is(&cx, 0, "", "put back, it verifies");
	for (i = 1; i <= 5; i++)
		free(e[i]);
	ctx_close(&cx);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", dir);
}

static void
pause_ms(long ms)
{
	struct timespec	ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void
pruning(void)
{
	struct ctx		 cx;
	struct store_txn	*tx;
	char			 mid[TIME_STRLEN + 1], anchor[128], want[128];
	char			*e3;
	double			 before;
	uint64_t		 n, seq;
	const char		*json;
	size_t			 len;

	tenant_new(st, "prune", &cx);
	record(&cx, 1, 3);
	pause_ms(20);
	util_time_now(mid);
	util_time_parse(mid, &before);
	pause_ms(20);
	record(&cx, 4, 6);
	e3 = entry_get(st, cx.cx_tenant.tn_id, 3);
	snprintf(want, sizeof(want), "3 %.64s",
	    strstr(e3, "\"hash\":\"") + 8);
	free(e3);

	store_begin(st, 1, &tx);
	ok(audit_prune(tx, &cx.cx_tenant, before - 3600, &n) == SCIM_OK &&
	    n == 0, "nothing older than an hour ago: nothing pruned");
	ok(audit_prune(tx, &cx.cx_tenant, before, &n) == SCIM_OK,
	    "audit_prune");
	is_int((long long)n, 3, "the three older entries go");
	store_audit_anchor(tx, cx.cx_tenant.tn_id, anchor, sizeof(anchor));
	is_str(anchor, want, "the anchor: the last removed, its hash");
	ok(store_audit_get(tx, cx.cx_tenant.tn_id, 3, &json, &len) ==
	    SCIM_ENOTFOUND && store_audit_get(tx, cx.cx_tenant.tn_id, 4, &json,
	    &len) == SCIM_OK, "entry 3 is gone, entry 4 is there");
	store_commit(&tx);
	verify_is(&cx, 0, "", "the rest verifies from the anchor");
	record(&cx, 7, 7);
	store_begin(st, 0, &tx);
	store_audit_last(tx, cx.cx_tenant.tn_id, &seq, &json, &len);
	store_abort(&tx);
	is_int((long long)seq, 7, "the chain goes on at 7");
	verify_is(&cx, 0, "", "and still verifies");
	entry_edit(&cx, 5, "\"name\":\"n5\"", "\"name\":\"N5\"");
	verify_is(&cx, 5, "entry 5 was altered", "tampering after the anchor");
	entry_edit(&cx, 5, "\"name\":\"N5\"", "\"name\":\"n5\"");
	verify_is(&cx, 0, "", "undone");

	/* A forged anchor is found at the first entry after it. */
	store_begin(st, 1, &tx);
	store_audit_prune(tx, cx.cx_tenant.tn_id, 5, "4 "
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    &n);
	store_commit(&tx);
	verify_is(&cx, 5, "entry 5 does not follow the one before it (removed "
	    "or reordered)", "a forged anchor hash");
	store_begin(st, 1, &tx);
	store_audit_prune(tx, cx.cx_tenant.tn_id, 6, "five hash", &n);
	store_commit(&tx);
	{
		uint64_t	bad;
		char		why[128];

		store_begin(st, 0, &tx);
		ok(audit_verify(tx, &cx.cx_tenant, &bad, why, sizeof(why)) ==
		    SCIM_ESTORE, "an anchor that is no anchor: SCIM_ESTORE");
		store_abort(&tx);
	}

	/* Pruning everything. */
	ctx_close(&cx);
	tenant_new(st, "pruneall", &cx);
	record(&cx, 1, 2);
	store_begin(st, 1, &tx);
	ok(audit_prune(tx, &cx.cx_tenant, (double)time(NULL) + 3600, &n) ==
	    SCIM_OK && n == 2, "prune every entry");
	store_commit(&tx);
	verify_is(&cx, 0, "", "an empty chain after its anchor verifies");
	record(&cx, 3, 3);
	verify_is(&cx, 0, "", "the next entry chains from the anchor");
	ctx_close(&cx);
}

/* A format 1 entry: hash over cJSON's print without "hash". */
static char *
v1_entry(uint64_t seq, const char *prev, const char *name)
{
	cJSON		*e;
	char		*text, hash[65];
	unsigned char	 p[32];

	e = cJSON_CreateObject();
	cJSON_AddNumberToObject(e, "seq", (double)seq);
	cJSON_AddStringToObject(e, "time", "2025-06-01T10:00:00.000Z");
	cJSON_AddStringToObject(e, "tenant", "legacy");
	cJSON_AddStringToObject(e, "token", "cli");
	cJSON_AddStringToObject(e, "request", "");
	cJSON_AddStringToObject(e, "client", "root");
	cJSON_AddStringToObject(e, "agent", "user delete");
	cJSON_AddStringToObject(e, "action", "user.deleted");
	cJSON_AddStringToObject(e, "type", "User");
	cJSON_AddStringToObject(e, "id", "x");
	cJSON_AddStringToObject(e, "name", name);
	cJSON_AddItemToObject(e, "before", cJSON_Parse("{\"a\":1.5}"));
	cJSON_AddNullToObject(e, "detail");
	cJSON_AddStringToObject(e, "prev", prev);
	text = cJSON_PrintUnformatted(e);
	unhex(prev, p, sizeof(p));
	sha_hex(p, sizeof(p), text, strlen(text), hash);
	free(text);
	cJSON_AddStringToObject(e, "hash", hash);
	text = cJSON_PrintUnformatted(e);
	cJSON_Delete(e);
	return text;
}

static void
format1(void)
{
	struct ctx		 cx;
	struct store_txn	*tx;
	char			 genesis[65], h1[65], *e1, *e2;

	tenant_new(st, "legacy", &cx);
	store_begin(st, 0, &tx);
	audit_genesis(tx, &cx.cx_tenant, genesis);
	store_abort(&tx);
	e1 = v1_entry(1, genesis, "old1");
	memcpy(h1, strstr(e1, "\"hash\":\"") + 8, 64);
	h1[64] = '\0';
	e2 = v1_entry(2, h1, "old2");
	entry_put(st, cx.cx_tenant.tn_id, 1, e1);
	entry_put(st, cx.cx_tenant.tn_id, 2, e2);
	verify_is(&cx, 0, "", "format 1 entries verify");
	record(&cx, 3, 4);
	verify_is(&cx, 0, "", "format 2 entries after them verify");
	entry_edit(&cx, 2, "\"name\":\"old2\"", "\"name\":\"new2\"");
	verify_is(&cx, 2, "entry 2 was altered", "a changed format 1 entry");
	entry_put(st, cx.cx_tenant.tn_id, 2, e2);
	entry_edit(&cx, 1, "\"seq\":1,", "\"v\":1,\"seq\":1,");
	verify_is(&cx, 1, "entry 1 was altered", "a format 1 entry given a "
	    "\"v\" it does not know");
	free(e1);
	free(e2);
	ctx_close(&cx);
}

static void
actor(void)
{
	struct ctx		 cx;
	struct store_txn	*tx;
	struct tenant		 t;
	char			 agent[400], want[256], *e;
	cJSON			*p;

	memset(agent, 'a', sizeof(agent) - 1);
	agent[sizeof(agent) - 1] = '\0';
	memcpy(agent, "cur\"l\\7\n", 8);
	store_begin(st, 1, &tx);
	store_tenant_add(tx, "actor", CREATED, &t);
	store_commit(&tx);
	ok(ctx_open(&cx, st, NULL, "actor", "tok\"x", "r\t1", "10.0.0.1",
	    agent) == SCIM_OK, "ctx_open with an awkward actor");
	record(&cx, 1, 1);
	e = entry_get(st, t.tn_id, 1);
	p = cJSON_Parse(e);
	is_str(str_at(p, "token"), "tok?x", "token from the ctx, escaped");
	is_str(str_at(p, "request"), "r?1", "request escaped");
	is_str(str_at(p, "client"), "10.0.0.1", "client");
	memset(want, 'a', sizeof(want) - 1);
	want[sizeof(want) - 1] = '\0';
	memcpy(want, "cur?l?7?", 8);
	is_str(str_at(p, "agent"), want, "agent escaped and cut to 255 bytes");
	cJSON_Delete(p);
	free(e);
	ctx_close(&cx);
	ok(ctx_open(&cx, st, NULL, "actor", NULL, NULL, NULL, NULL) == SCIM_OK,
	    "ctx_open without an actor");
	record(&cx, 2, 2);
	e = entry_get(st, t.tn_id, 2);
	p = cJSON_Parse(e);
	ok(strcmp(str_at(p, "token"), "") == 0 &&
	    strcmp(str_at(p, "request"), "") == 0 &&
	    strcmp(str_at(p, "client"), "") == 0 &&
	    strcmp(str_at(p, "agent"), "") == 0, "all four \"\"");
	cJSON_Delete(p);
	free(e);
	verify_is(&cx, 0, "", "and the chain holds");
	ctx_close(&cx);
	ok(ctx_open(&cx, st, NULL, "nobody", NULL, NULL, NULL, NULL) ==
	    SCIM_ENOTFOUND, "ctx_open of no tenant: SCIM_ENOTFOUND");
	ctx_close(&cx);
}

int
main(void)
{
	char	dir[] = "/tmp/check_audit.XXXXXX", err[256], cmd[128];

	if (mkdtemp(dir) == NULL ||
	    store_open(dir, STORE_CREATE, &st, err, sizeof(err)) != SCIM_OK)
		return 1;
	written();
	tampering();
	pruning();
	format1();
	actor();
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", dir);
	return tap_done();
}
