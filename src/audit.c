/*
 * audit.c: hash-chained audit entries and change-feed records, written in
 * the caller's write transaction.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "audit.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "util.h"

static struct {
	char	token[32];
	char	request[40];
	char	client[64];
	char	agent[256];
} ctx;

void
audit_context(const char *token, const char *request, const char *client,
    const char *agent)
{
	log_escape(token != NULL ? token : "", ctx.token, sizeof(ctx.token));
	log_escape(request != NULL ? request : "", ctx.request,
	    sizeof(ctx.request));
	log_escape(client != NULL ? client : "", ctx.client,
	    sizeof(ctx.client));
	log_escape(agent != NULL ? agent : "", ctx.agent, sizeof(ctx.agent));
}

void
audit_context_reset(void)
{
	memset(&ctx, 0, sizeof(ctx));
}

const char *
audit_request_id(void)
{
	return ctx.request;
}

static const char *
type_name(enum res_type type)
{
	return type == RES_GROUP ? "Group" : "User";
}

enum scim_err
audit_genesis(struct store_txn *tx, const struct tenant *t, char *hex)
{
	uint8_t		 h[SHA256_DIGEST_LENGTH];
	char		 buf[256];
	const char	*created;
	cJSON		*doc;
	enum scim_err	 e;

	if ((e = store_tenant_doc(tx, t->tn_name, &doc)) != SCIM_OK)
		return e;
	created = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "created"));
	snprintf(buf, sizeof(buf), "scimlet audit genesis\n%s\n%s",
	    t->tn_name, created != NULL ? created : "");
	cJSON_Delete(doc);
	SHA256((const unsigned char *)buf, strlen(buf), h);
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
	char			anchor[128];
	unsigned long long	n;
	enum scim_err		e;

	if ((e = store_audit_anchor(tx, t->tn_id, anchor, sizeof(anchor))))
		return e;
	if (anchor[0] != '\0' && sscanf(anchor, "%llu %64s", &n, prev) == 2) {
		*seq = n;
		return SCIM_OK;
	}
	*seq = 0;
	return audit_genesis(tx, t, prev);
}

/* SHA-256(prev || text) as hex; prev is hex (64 characters). */
static void
chain(const char *prevhex, const char *text, char *out)
{
	uint8_t		h[SHA256_DIGEST_LENGTH], *buf;
	size_t		i, n = strlen(text);
	unsigned int	b;

	if ((buf = malloc(SHA256_DIGEST_LENGTH + n)) == NULL) {
		out[0] = '\0';		/* never equal to a real hash */
		return;
	}
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		if (sscanf(prevhex + 2 * i, "%2x", &b) != 1)
			b = 0;
		buf[i] = (uint8_t)b;
	}
	memcpy(buf + SHA256_DIGEST_LENGTH, text, n);
	SHA256(buf, SHA256_DIGEST_LENGTH + n, h);
	free(buf);
	util_hex(h, sizeof(h), out);
}

enum scim_err
audit_record(struct store_txn *tx, const struct tenant *t, const char *action,
    enum res_type type, const uint8_t *id, const char *name, cJSON *before,
    cJSON *detail)
{
	const char	*last;
	char		 prev[2 * SHA256_DIGEST_LENGTH + 1];
	char		 hash[2 * SHA256_DIGEST_LENGTH + 1];
	char		 now[TIME_STRLEN + 1], ids[UUID_STRLEN + 1], *text;
	size_t		 len;
	uint64_t	 seq;
	cJSON		*e = NULL, *p = NULL;
	enum scim_err	 err;

	if ((err = store_audit_last(tx, t->tn_id, &seq, &last, &len)))
		goto out;
	if (seq == 0)
		err = chain_start(tx, t, &seq, prev);
	else if ((p = cJSON_ParseWithLength(last, len)) == NULL ||
	    !cJSON_IsString(cJSON_GetObjectItem(p, "hash")))
		err = SCIM_ESTORE;
	else
		util_strlcpy(prev, cJSON_GetObjectItem(p, "hash")->valuestring,
		    sizeof(prev));
	cJSON_Delete(p);
	if (err != SCIM_OK)
		goto out;
	util_time_now(now);
	if (id != NULL)
		util_uuid_format(id, ids);
	if ((e = cJSON_CreateObject()) == NULL) {
		err = SCIM_ENOMEM;
		goto out;
	}
	cJSON_AddNumberToObject(e, "seq", (double)(seq + 1));
	cJSON_AddStringToObject(e, "time", now);
	cJSON_AddStringToObject(e, "tenant", t->tn_name);
	cJSON_AddStringToObject(e, "token", ctx.token);
	cJSON_AddStringToObject(e, "request", ctx.request);
	cJSON_AddStringToObject(e, "client", ctx.client);
	cJSON_AddStringToObject(e, "agent", ctx.agent);
	cJSON_AddStringToObject(e, "action", action);
	cJSON_AddStringToObject(e, "type", type_name(type));
	cJSON_AddStringToObject(e, "id", id != NULL ? ids : "");
	cJSON_AddStringToObject(e, "name", name != NULL ? name : "");
	cJSON_AddItemToObject(e, "before", before != NULL ? before :
	    cJSON_CreateNull());
	before = NULL;
	cJSON_AddItemToObject(e, "detail", detail != NULL ? detail :
	    cJSON_CreateNull());
	detail = NULL;
	cJSON_AddStringToObject(e, "prev", prev);
	if ((text = cJSON_PrintUnformatted(e)) == NULL) {
		err = SCIM_ENOMEM;
		goto out;
	}
	chain(prev, text, hash);
	free(text);
	cJSON_AddStringToObject(e, "hash", hash);
	if ((text = cJSON_PrintUnformatted(e)) == NULL) {
		err = SCIM_ENOMEM;
		goto out;
	}
	err = store_audit_put(tx, t->tn_id, seq + 1, text);
	free(text);
out:
	cJSON_Delete(e);
	cJSON_Delete(before);
	cJSON_Delete(detail);
	return err;
}

struct verify {
	char		 prev[2 * SHA256_DIGEST_LENGTH + 1];
	uint64_t	 expect;
	uint64_t	 bad;
	char		*why;
	size_t		 whylen;
};

static int
verify_one(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct verify	*v = arg;
	char		 hash[2 * SHA256_DIGEST_LENGTH + 1], *text;
	cJSON		*e, *h, *p, *s;

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
	h = cJSON_DetachItemFromObjectCaseSensitive(e, "hash");
	p = cJSON_GetObjectItem(e, "prev");
	s = cJSON_GetObjectItem(e, "seq");
	text = cJSON_PrintUnformatted(e);
	if (text != NULL)
		chain(v->prev, text, hash);
	if (!cJSON_IsString(h) || !cJSON_IsString(p) || !cJSON_IsNumber(s) ||
	    (uint64_t)s->valuedouble != seq || text == NULL ||
	    strcmp(p->valuestring, v->prev) != 0 ||
	    strcmp(h->valuestring, hash) != 0) {
		v->bad = seq;
		snprintf(v->why, v->whylen, "entry %llu %s",
		    (unsigned long long)seq, cJSON_IsString(p) &&
		    strcmp(p->valuestring, v->prev) != 0 ? "does not follow the "
		    "one before it (removed or reordered)" : "was altered");
	} else
		util_strlcpy(v->prev, h->valuestring, sizeof(v->prev));
	free(text);
	cJSON_Delete(h);
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
	char		 now[TIME_STRLEN + 1], ids[UUID_STRLEN + 1], *s;
	cJSON		*o;

	util_time_now(now);
	util_uuid_format(c->c_id, ids);
	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddNumberToObject(o, "seq", (double)seq);
	cJSON_AddStringToObject(o, "time", now);
	cJSON_AddStringToObject(o, "tenant", c->c_t->tn_name);
	cJSON_AddStringToObject(o, "type", type_name(c->c_type));
	cJSON_AddStringToObject(o, "id", ids);
	cJSON_AddStringToObject(o, "op", c->c_op);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

enum scim_err
audit_change(struct store_txn *tx, const struct tenant *t,
    enum res_type type, const uint8_t id[16], const char *op)
{
	struct change	c = { t, type, id, op };

	return store_change_add(tx, make_change, &c);
}

struct prune {
	double		 before;
	uint64_t	 upto;		/* first entry kept */
	char		 anchor[128];
};

static int
prune_find(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct prune	*p = arg;
	cJSON		*e;
	double		 t;
	int		 stop = 1;

	if ((e = cJSON_ParseWithLength(json, len)) == NULL)
		return 1;
	if (util_time_parse(cJSON_GetStringValue(cJSON_GetObjectItem(e,
	    "time")) != NULL ? cJSON_GetStringValue(cJSON_GetObjectItem(e,
	    "time")) : "", &t) == 0 && t < p->before) {
		snprintf(p->anchor, sizeof(p->anchor), "%llu %s",
		    (unsigned long long)seq, cJSON_GetStringValue(
		    cJSON_GetObjectItem(e, "hash")) != NULL ?
		    cJSON_GetStringValue(cJSON_GetObjectItem(e, "hash")) : "");
		p->upto = seq + 1;
		stop = 0;
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
	if (p.upto == 0)
		return SCIM_OK;
	return store_audit_prune(tx, t->tn_id, p.upto, p.anchor, n);
}
