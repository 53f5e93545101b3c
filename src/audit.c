/*
 * audit.c: hash-chained audit entries and change-feed records, written in
 * the caller's write transaction.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "activity.h"
#include "audit.h"
#include "breaker.h"
#include "buf.h"
#include "ctx.h"
#include "feed.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "util.h"

static const char *
type_name(enum res_type type)
{
	return type == RES_GROUP ? "Group" : "User";
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;			/* hashes are lowercase */
}

enum scim_err
audit_genesis(struct store_txn *tx, const struct tenant *t, char *hex)
{
	uint8_t		 h[crypto_hash_sha256_BYTES];
	char		 buf[256];
	const char	*created;
	cJSON		*doc;
	enum scim_err	 e;
	int		 n;

	if ((e = store_tenant_doc(tx, t->tn_name, &doc)) != SCIM_OK)
		return e;
	created = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "created"));
	n = snprintf(buf, sizeof(buf), "scimlet audit genesis\n%s\n%s",
	    t->tn_name, created != NULL ? created : "");
	cJSON_Delete(doc);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return SCIM_ESTORE;	/* a creation time is 24 bytes */
	crypto_hash_sha256(h, (const unsigned char *)buf, strlen(buf));
	util_hex(h, sizeof(h), hex);
	return SCIM_OK;
}

/*
 * Where a tenant's chain starts: after the anchor of its last pruning
 * ("SEQ HASH"), or at entry 1 from the genesis hash.
 */
static enum scim_err
chain_start(struct store_txn *tx, const struct tenant *t, uint64_t *seq,
    char *prev)
{
	char		anchor[128], *sp;
	long long	n;
	size_t		i;
	enum scim_err	e;

	if ((e = store_audit_anchor(tx, t->tn_id, anchor, sizeof(anchor))))
		return e;
	if (anchor[0] != '\0') {
		/* "SEQ HASH": a positive decimal, a space, 64 hex digits. */
		if ((sp = strchr(anchor, ' ')) == NULL ||
		    strlen(sp + 1) != 2 * crypto_hash_sha256_BYTES)
			return SCIM_ESTORE;
		*sp = '\0';
		if (util_strtonum(anchor, 1, INT64_MAX, &n) == -1)
			return SCIM_ESTORE;
		for (i = 0; sp[1 + i] != '\0'; i++)
			if (hexval(sp[1 + i]) < 0)
				return SCIM_ESTORE;
		memcpy(prev, sp + 1, 2 * crypto_hash_sha256_BYTES + 1);
		*seq = (uint64_t)n;
		return SCIM_OK;
	}
	*seq = 0;
	return audit_genesis(tx, t, prev);
}

/*
 * SHA-256(prev || bytes[0..len)) as hex into out; prev is hex (64
 * characters).  -1 when prev is not that.
 */
static int
chain(const char *prevhex, const char *bytes, size_t len, char *out)
{
	crypto_hash_sha256_state st;
	uint8_t		 h[crypto_hash_sha256_BYTES];
	uint8_t		 p[crypto_hash_sha256_BYTES];
	size_t		 i;
	int		 hi, lo;

	if (strlen(prevhex) != 2 * crypto_hash_sha256_BYTES)
		return -1;
	for (i = 0; i < crypto_hash_sha256_BYTES; i++) {
		if ((hi = hexval(prevhex[2 * i])) < 0 ||
		    (lo = hexval(prevhex[2 * i + 1])) < 0)
			return -1;
		p[i] = (uint8_t)(hi << 4 | lo);
	}
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, p, sizeof(p));
	crypto_hash_sha256_update(&st, (const unsigned char *)bytes, len);
	crypto_hash_sha256_final(&st, h);
	util_hex(h, sizeof(h), out);
	return 0;
}

/* A JSON member "key":"value" (value escaped), after a comma if not first. */
static void
member_str(struct buf *b, const char *key, const char *value)
{
	buf_str(b, ",\"");
	buf_str(b, key);
	buf_str(b, "\":");
	buf_json_str(b, value, strlen(value));
}

/* A JSON member holding tree v printed (null when v is NULL). */
static void
member_tree(struct buf *b, const char *key, const cJSON *v)
{
	char	*text;

	buf_str(b, ",\"");
	buf_str(b, key);
	buf_str(b, "\":");
	if (v == NULL) {
		buf_str(b, "null");
		return;
	}
	if ((text = cJSON_PrintUnformatted(v)) == NULL) {
		buf_fail(b);
		return;
	}
	buf_str(b, text);
	free(text);
}

#define HASH_SUFFIX	",\"hash\":\""	/* then 64 hex digits and "} */
#define HASH_TAIL	(sizeof(HASH_SUFFIX) - 1 + \
			    2 * crypto_hash_sha256_BYTES + 2)

enum scim_err
audit_record(struct store_txn *tx, const struct ctx *cx, const char *action,
    const char *type, const char *id, const char *name, cJSON *before,
    cJSON *detail)
{
	const struct tenant	*t = &cx->cx_tenant;
	const char		*last;
	char			 prev[2 * crypto_hash_sha256_BYTES + 1];
	char			 hash[2 * crypto_hash_sha256_BYTES + 1];
	char			 now[TIME_STRLEN + 1], num[32], *text = NULL;
	size_t			 len;
	uint64_t		 seq;
	struct buf		 b;
	cJSON			*p = NULL;
	const cJSON		*ph;
	enum scim_err		 err;
	int			 n;

	/* A deprovisioning the breaker holds is not made (breaker.h). */
	if ((err = breaker_count(tx, cx, action)) != SCIM_OK)
		return err;
	buf_init(&b, SCIM_MAX_AUDIT_ENTRY);
	if ((err = store_audit_last(tx, t->tn_id, &seq, &last, &len)))
		goto out;
	if (seq == 0)
		err = chain_start(tx, t, &seq, prev);
	else if ((p = cJSON_ParseWithLength(last, len)) == NULL ||
	    !cJSON_IsString(ph = cJSON_GetObjectItemCaseSensitive(p,
	    "hash")) || strlen(ph->valuestring) != sizeof(prev) - 1)
		err = SCIM_ESTORE;
	else
		memcpy(prev, ph->valuestring, sizeof(prev));
	cJSON_Delete(p);
	if (err != SCIM_OK)
		goto out;
	util_time_now(now);
	n = snprintf(num, sizeof(num), "%llu", (unsigned long long)(seq + 1));
	if (n < 0 || (size_t)n >= sizeof(num)) {
		err = SCIM_ESTORE;
		goto out;
	}
	buf_str(&b, "{\"v\":2,\"seq\":");
	buf_str(&b, num);
	member_str(&b, "time", now);
	member_str(&b, "tenant", t->tn_name);
	member_str(&b, "token", cx->cx_actor.ac_token);
	member_str(&b, "request", cx->cx_actor.ac_request);
	member_str(&b, "client", cx->cx_actor.ac_client);
	member_str(&b, "agent", cx->cx_actor.ac_agent);
	member_str(&b, "action", action);
	member_str(&b, "type", type);
	member_str(&b, "id", id != NULL ? id : "");
	member_str(&b, "name", name != NULL ? name : "");
	member_tree(&b, "before", before);
	member_tree(&b, "detail", detail);
	member_str(&b, "prev", prev);
	if ((err = buf_failed(&b)) != SCIM_OK)
		goto out;
	/* The hash covers the bytes stored before it, the comma included. */
	buf_str(&b, HASH_SUFFIX);
	if ((err = buf_failed(&b)) != SCIM_OK)
		goto out;
	if (chain(prev, b.b_data, b.b_len - (sizeof(HASH_SUFFIX) - 1) + 1,
	    hash) == -1) {
		err = SCIM_ESTORE;
		goto out;
	}
	buf_str(&b, hash);
	buf_str(&b, "\"}");
	if ((text = buf_take(&b)) == NULL) {
		err = SCIM_ENOMEM;
		goto out;
	}
	err = store_audit_put(tx, t->tn_id, seq + 1, text);
out:
	free(text);
	buf_free(&b);
	cJSON_Delete(before);
	cJSON_Delete(detail);
	return err;
}

enum scim_err
audit_record_res(struct store_txn *tx, const struct ctx *cx,
    const char *action, enum res_type rtype, const uint8_t id[16],
    const char *name, cJSON *before, cJSON *detail)
{
	char	ids[UUID_STRLEN + 1];

	util_uuid_format(id, ids);
	return audit_record(tx, cx, action, type_name(rtype), ids, name,
	    before, detail);
}

struct verify {
	char		 prev[2 * crypto_hash_sha256_BYTES + 1];
	uint64_t	 expect;
	uint64_t	 bad;
	char		*why;
	size_t		 whylen;
};

/*
 * The hash an entry should carry: format 2 over its stored bytes before
 * the hash, format 1 over cJSON's print of it without "hash" (e).
 * -1 when the entry is not in its format's shape.
 */
static int
entry_hash(const char *prev, const char *json, size_t len, cJSON *e,
    char *out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(e, "v");
	cJSON		*h;
	char		*text;
	size_t		 i;
	int		 r;

	if (cJSON_IsNumber(v) && v->valuedouble == 2) {
		if (len < HASH_TAIL || memcmp(json + len - HASH_TAIL,
		    HASH_SUFFIX, sizeof(HASH_SUFFIX) - 1) != 0 ||
		    memcmp(json + len - 2, "\"}", 2) != 0)
			return -1;
		for (i = len - HASH_TAIL + sizeof(HASH_SUFFIX) - 1; i < len - 2;
		    i++)
			if (hexval(json[i]) < 0)
				return -1;
		return chain(prev, json, len - HASH_TAIL + 1, out);
	}
	if (v != NULL)
		return -1;		/* a format this version does not know */
	h = cJSON_DetachItemFromObjectCaseSensitive(e, "hash");
	text = cJSON_PrintUnformatted(e);
	r = text != NULL ? chain(prev, text, strlen(text), out) : -1;
	free(text);
	if (h != NULL)
		cJSON_AddItemToObject(e, "hash", h);
	return r;
}

static int
verify_one(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct verify	*v = arg;
	char		 hash[2 * crypto_hash_sha256_BYTES + 1];
	cJSON		*e;
	const cJSON	*h, *p, *s;

	if (seq != v->expect) {
		v->bad = v->expect;
		snprintf(v->why, v->whylen, "entry %llu is missing",
		    (unsigned long long)v->expect);
		return 1;
	}
	if ((e = cJSON_ParseWithLength(json, len)) == NULL) {
		v->bad = seq;
		snprintf(v->why, v->whylen, "entry %llu is not JSON",
		    (unsigned long long)seq);
		return 1;
	}
	h = cJSON_GetObjectItemCaseSensitive(e, "hash");
	p = cJSON_GetObjectItemCaseSensitive(e, "prev");
	s = cJSON_GetObjectItemCaseSensitive(e, "seq");
	if (!cJSON_IsString(h) || !cJSON_IsString(p) || !cJSON_IsNumber(s) ||
	    s->valuedouble != (double)seq ||
	    entry_hash(v->prev, json, len, e, hash) == -1 ||
	    strcmp(p->valuestring, v->prev) != 0 ||
	    strcmp(h->valuestring, hash) != 0) {
		v->bad = seq;
		snprintf(v->why, v->whylen, "entry %llu %s",
		    (unsigned long long)seq, cJSON_IsString(p) &&
		    strcmp(p->valuestring, v->prev) != 0 ? "does not follow the "
		    "one before it (removed or reordered)" : "was altered");
	} else
		util_strlcpy(v->prev, h->valuestring, sizeof(v->prev));
	cJSON_Delete(e);
	v->expect++;
	return v->bad != 0;
}

enum scim_err
audit_verify(struct store_txn *tx, const struct tenant *t, uint64_t *bad,
    char *why, size_t whylen)
{
	struct verify	v;
	enum scim_err	e;

	memset(&v, 0, sizeof(v));
	v.why = why;
	v.whylen = whylen;
	why[0] = '\0';
	if ((e = chain_start(tx, t, &v.expect, v.prev)) != SCIM_OK)
		return e;
	v.expect++;
	if ((e = store_audit_each(tx, t->tn_id, 1, verify_one, &v)) != SCIM_OK)
		return e;
	*bad = v.bad;
	return SCIM_OK;
}

struct change {
	const struct tenant	*c_t;
	enum res_type		 c_type;
	const uint8_t		*c_id;
	const char		*c_op;
};

static char *
make_change(uint64_t seq, void *arg)
{
	struct change	*c = arg;
	char		 now[TIME_STRLEN + 1], ids[UUID_STRLEN + 1], num[32];
	struct buf	 b;
	int		 n;

	util_time_now(now);
	util_uuid_format(c->c_id, ids);
	n = snprintf(num, sizeof(num), "%llu", (unsigned long long)seq);
	if (n < 0 || (size_t)n >= sizeof(num))
		return NULL;
	buf_init(&b, 4096);
	buf_str(&b, "{\"seq\":");
	buf_str(&b, num);
	member_str(&b, "time", now);
	member_str(&b, "tenant", c->c_t->tn_name);
	member_str(&b, "type", type_name(c->c_type));
	member_str(&b, "id", ids);
	member_str(&b, "op", c->c_op);
	buf_str(&b, "}");
	return buf_take(&b);		/* NULL when out of memory */
}

enum scim_err
audit_change(struct store_txn *tx, const struct ctx *cx,
    enum res_type type, const uint8_t id[16], const char *op)
{
	return audit_change_ex(tx, cx, type, id, op, NULL, NULL, NULL);
}

enum scim_err
audit_change_ex(struct store_txn *tx, const struct ctx *cx,
    enum res_type type, const uint8_t id[16], const char *op,
    const char *name, const cJSON *added, const cJSON *removed)
{
	struct change	c = { &cx->cx_tenant, type, id, op };
	enum scim_err	e;

	activity_change(cx->cx_act, type, id, op);
	/* A preview's changes reach no application (src/preview.h). */
	if (cx->cx_tenant.tn_live == 0 &&
	    (e = store_change_add(tx, make_change, &c)) != SCIM_OK)
		return e;
	return feed_add(tx, cx, type, id, op, name, added, removed);
}

struct prune {
	double		 before;
	uint64_t	 upto;		/* first entry kept */
	char		 anchor[128];
	enum scim_err	 err;
};

/* Entries older than p->before, oldest first; stop at the first newer. */
static int
prune_find(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct prune	*p = arg;
	cJSON		*e;
	const char	*time, *hash;
	double		 t;
	int		 stop = 1, n;

	if ((e = cJSON_ParseWithLength(json, len)) == NULL) {
		p->err = SCIM_ESTORE;
		return 1;
	}
	time = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e,
	    "time"));
	hash = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e,
	    "hash"));
	if (time == NULL || hash == NULL ||
	    strlen(hash) != 2 * crypto_hash_sha256_BYTES ||
	    util_time_parse(time, &t) == -1)
		p->err = SCIM_ESTORE;	/* an anchor must be verifiable */
	else if (t < p->before) {
		n = snprintf(p->anchor, sizeof(p->anchor), "%llu %s",
		    (unsigned long long)seq, hash);
		if (n < 0 || (size_t)n >= sizeof(p->anchor))
			p->err = SCIM_ESTORE;
		else {
			p->upto = seq + 1;
			stop = 0;
		}
	}
	cJSON_Delete(e);
	return stop;
}

enum scim_err
audit_prune(struct store_txn *tx, const struct tenant *t, double before,
    uint64_t *n)
{
	struct prune	p;
	enum scim_err	e;

	memset(&p, 0, sizeof(p));
	p.before = before;
	*n = 0;
	if ((e = store_audit_each(tx, t->tn_id, 1, prune_find, &p)) != SCIM_OK)
		return e;
	if (p.err != SCIM_OK)
		return p.err;
	if (p.upto == 0)
		return SCIM_OK;
	return store_audit_prune(tx, t->tn_id, p.upto, p.anchor, n);
}
