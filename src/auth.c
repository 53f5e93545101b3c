/*
 * auth.c: bearer token issue, revocation and checking.
 *
 * Token record (tokens db, key SHA-256(token)):
 *   {"sha256":"<hex>","tenant":"NAME","id":"<16 hex>",
 *    "created":"<RFC 3339>","revoked":"<RFC 3339>"|null,
 *    "label":"TEXT"|null,"expires":"<RFC 3339>"|null,
 *    "scope":"provision"|"read"}
 * Records written before "label" and "expires" existed lack them: both
 * read as null; one written before "scope" existed is "provision".  A
 * token past its "expires" is refused like a revoked one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "auth.h"
#include "json.h"
#include "http.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

static void
token_hash(const char *token, size_t len, uint8_t hash[STORE_HASHLEN])
{
	crypto_hash_sha256(hash, (const unsigned char *)token, len);
}

int
auth_label_ok(const char *label)
{
	const unsigned char	*p = (const unsigned char *)label;
	size_t			 len, n;

	if (label == NULL)
		return 1;
	if ((len = strlen(label)) > AUTH_LABEL_MAX)
		return 0;
	for (; len > 0; p += n, len -= n) {
		/* C0 controls, DEL, and C1 controls (U+0080-U+009F). */
		if (*p < 0x20 || *p == 0x7f ||
		    (p[0] == 0xc2 && len > 1 && p[1] >= 0x80 && p[1] <= 0x9f))
			return 0;
		if ((n = util_utf8_len(p, len)) == 0)
			return 0;
	}
	return 1;
}

const char *
auth_scope_name(enum auth_scope scope)
{
	return scope == AUTH_SCOPE_READ ? "read" : "provision";
}

int
auth_scope_parse(const char *name, enum auth_scope *scope)
{
	if (name != NULL && strcmp(name, "provision") == 0)
		*scope = AUTH_SCOPE_PROVISION;
	else if (name != NULL && strcmp(name, "read") == 0)
		*scope = AUTH_SCOPE_READ;
	else
		return -1;
	return 0;
}

/*
 * The scope of a record: absent or null is "provision" (records older
 * than scopes); -1 for anything else that is no scope's name.
 */
static int
token_scope(const cJSON *doc, enum auth_scope *scope)
{
	const cJSON	*sc;

	sc = cJSON_GetObjectItemCaseSensitive(doc, "scope");
	if (sc == NULL || cJSON_IsNull(sc)) {
		*scope = AUTH_SCOPE_PROVISION;
		return 0;
	}
	return auth_scope_parse(cJSON_GetStringValue(sc), scope);
}

/* Is the record revoked, expired at time now, or unreadable? */
static int
token_dead(const cJSON *doc, double now)
{
	const cJSON	*rv, *ex;
	double		 t;

	rv = cJSON_GetObjectItemCaseSensitive(doc, "revoked");
	ex = cJSON_GetObjectItemCaseSensitive(doc, "expires");
	if (rv != NULL && !cJSON_IsNull(rv))
		return 1;
	if (ex == NULL || cJSON_IsNull(ex))
		return 0;
	if (!cJSON_IsString(ex) || util_time_parse(ex->valuestring, &t) == -1)
		return 1;
	return t <= now;
}

/* Store a new token record: expires is NULL for none. */
static enum scim_err
token_new(struct store_txn *tx, const char *tenant, const char *label,
    const char *expires, enum auth_scope scope, char *token, char *id)
{
	uint8_t		 secret[32], idb[8], hash[STORE_HASHLEN];
	char		 hex[2 * STORE_HASHLEN + 1], now[TIME_STRLEN + 1];
	char		*rec;
	cJSON		*doc;
	enum scim_err	 e;

	if (!auth_label_ok(label))
		return SCIM_EINVALVALUE;
	if (util_random(secret, sizeof(secret)) == -1 ||
	    util_random(idb, sizeof(idb)) == -1)
		return SCIM_ESTORE;
	memcpy(token, AUTH_TOKEN_PREFIX, strlen(AUTH_TOKEN_PREFIX));
	util_b64url(secret, sizeof(secret), token + strlen(AUTH_TOKEN_PREFIX));
	util_bzero(secret, sizeof(secret));
	util_hex(idb, sizeof(idb), id);
	token_hash(token, strlen(token), hash);
	util_hex(hash, sizeof(hash), hex);
	util_time_now(now);

	/* A record with a field missing is never stored. */
	if ((doc = cJSON_CreateObject()) == NULL ||
	    json_add_string(doc, "sha256", hex) == -1 ||
	    json_add_string(doc, "tenant", tenant) == -1 ||
	    json_add_string(doc, "id", id) == -1 ||
	    json_add_string(doc, "created", now) == -1 ||
	    json_add(doc, "revoked", cJSON_CreateNull()) == -1 ||
	    json_add(doc, "label", label != NULL && *label != '\0' ?
	    cJSON_CreateString(label) : cJSON_CreateNull()) == -1 ||
	    json_add(doc, "expires", expires != NULL ?
	    cJSON_CreateString(expires) : cJSON_CreateNull()) == -1 ||
	    json_add_string(doc, "scope", auth_scope_name(scope)) == -1)
		rec = NULL;
	else
		rec = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (rec == NULL)
		return SCIM_ENOMEM;
	e = store_token_put(tx, hash, rec);
	free(rec);
	return e;
}

enum scim_err
auth_token_issue(struct store_txn *tx, const struct tenant *t,
    const char *label, long long ttl, enum auth_scope scope, char *token,
    char *id)
{
	char	exp[TIME_STRLEN + 1];

	if (ttl < 0)
		return SCIM_EINVALVALUE;
	if (ttl > 0)
		util_time_format(util_time_secs() + (double)ttl, exp);
	return token_new(tx, t->tn_name, label, ttl > 0 ? exp : NULL, scope,
	    token, id);
}

struct revoke_arg {
	const char	*id;
	uint8_t		 hash[STORE_HASHLEN];
	cJSON		*doc;
	enum scim_err	 err;
};

static int
revoke_find(const uint8_t hash[STORE_HASHLEN], const char *json, size_t len,
    void *arg)
{
	struct revoke_arg	*ra = arg;
	cJSON			*doc, *id;

	/* A record that does not parse is an error, never skipped. */
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		ra->err = SCIM_ESTORE;
		return 1;
	}
	id = cJSON_GetObjectItemCaseSensitive(doc, "id");
	if (cJSON_IsString(id) && strcmp(id->valuestring, ra->id) == 0) {
		memcpy(ra->hash, hash, STORE_HASHLEN);
		ra->doc = doc;
		return 1;
	}
	cJSON_Delete(doc);
	return 0;
}

/* The record of token id: *doc (free it) and its key. */
static enum scim_err
token_find(struct store_txn *tx, const char *id, struct revoke_arg *ra)
{
	enum scim_err	e;

	memset(ra, 0, sizeof(*ra));
	ra->id = id;
	if ((e = store_token_each(tx, revoke_find, ra)) != SCIM_OK) {
		cJSON_Delete(ra->doc);
		return e;
	}
	if (ra->err != SCIM_OK)
		return ra->err;
	return ra->doc == NULL ? SCIM_ENOTFOUND : SCIM_OK;
}

static void
token_tenant(const cJSON *doc, char *tenant)
{
	const char	*tn;

	tn = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc,
	    "tenant"));
	util_strlcpy(tenant, tn != NULL ? tn : "", SCIM_TENANT_MAX + 1);
}

/* Set (replace) a string field of doc and store it under hash. */
static enum scim_err
token_set(struct store_txn *tx, const uint8_t hash[STORE_HASHLEN],
    cJSON *doc, const char *field, const char *value)
{
	char		*rec = NULL;
	enum scim_err	 e;

	if (value != NULL)
		cJSON_DeleteItemFromObjectCaseSensitive(doc, field);
	if (value == NULL || json_add_string(doc, field, value) == 0)
		rec = cJSON_PrintUnformatted(doc);
	if (rec == NULL)
		return SCIM_ENOMEM;
	e = store_token_put(tx, hash, rec);
	free(rec);
	return e;
}

enum scim_err
auth_token_revoke(struct store_txn *tx, const char *id, char *tenant)
{
	struct revoke_arg	 ra;
	char			 now[TIME_STRLEN + 1];
	enum scim_err		 e;

	if ((e = token_find(tx, id, &ra)) != SCIM_OK)
		return e;
	token_tenant(ra.doc, tenant);
	util_time_now(now);
	/* Revoking twice keeps the first time. */
	e = token_set(tx, ra.hash, ra.doc, "revoked",
	    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(ra.doc,
	    "revoked")) ? NULL : now);
	cJSON_Delete(ra.doc);
	return e;
}

enum scim_err
auth_token_rotate(struct store_txn *tx, const char *id, long long grace,
    char *token, char *newid, char *tenant)
{
	struct revoke_arg	 ra;
	const char		*label, *cr, *ex;
	char			 now[TIME_STRLEN + 1], exp[TIME_STRLEN + 1];
	char			 end[TIME_STRLEN + 1];
	double			 tnow, tcr, tex;
	int			 has_exp = 0;
	enum auth_scope		 scope;
	enum scim_err		 e;

	if (grace < 0)
		return SCIM_EINVALVALUE;
	if ((e = token_find(tx, id, &ra)) != SCIM_OK)
		return e;
	token_tenant(ra.doc, tenant);
	tnow = util_time_secs();
	if (token_dead(ra.doc, tnow)) {
		cJSON_Delete(ra.doc);
		return SCIM_EPRECOND;
	}
	/* The successor may do what its predecessor could, no more. */
	if (token_scope(ra.doc, &scope) == -1) {
		cJSON_Delete(ra.doc);
		return SCIM_ESTORE;
	}
	label = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ra.doc,
	    "label"));
	cr = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ra.doc,
	    "created"));
	ex = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ra.doc,
	    "expires"));
	/* token_dead() parsed "expires" if there is one. */
	if (ex == NULL || util_time_parse(ex, &tex) == -1)
		tex = 0;
	/* The successor lives as long as its predecessor was meant to. */
	if (tex > 0 && cr != NULL && util_time_parse(cr, &tcr) == 0 &&
	    tex > tcr) {
		util_time_format(tnow + (tex - tcr), exp);
		has_exp = 1;
	}
	if (label != NULL && !auth_label_ok(label))
		label = NULL;
	e = token_new(tx, tenant, label, has_exp ? exp : NULL, scope, token,
	    newid);
	if (e == SCIM_OK && grace == 0) {
		util_time_now(now);
		e = token_set(tx, ra.hash, ra.doc, "revoked", now);
	} else if (e == SCIM_OK) {
		/* An earlier expiry stands. */
		util_time_format(tnow + (double)grace, end);
		e = token_set(tx, ra.hash, ra.doc, "expires",
		    tex > 0 && tex < tnow + (double)grace ?
		    NULL : end);
	}
	cJSON_Delete(ra.doc);
	return e;
}

int
auth_token_active(const struct auth_token_info *ti)
{
	double	t;

	if (ti->revoked != NULL)
		return 0;
	if (ti->expires == NULL)
		return 1;
	return util_time_parse(ti->expires, &t) == 0 && t > util_time_secs();
}

struct each_arg {
	const char	*tenant;
	auth_token_cb	 cb;
	void		*arg;
	enum scim_err	 err;
};

static int
each_token(const uint8_t hash[STORE_HASHLEN], const char *json, size_t len,
    void *arg)
{
	struct each_arg		*ea = arg;
	struct auth_token_info	 ti;
	cJSON			*doc, *tn, *id;

	(void)hash;
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		ea->err = SCIM_ESTORE;	/* never skipped (store.h) */
		return 1;
	}
	tn = cJSON_GetObjectItemCaseSensitive(doc, "tenant");
	id = cJSON_GetObjectItemCaseSensitive(doc, "id");
	if (cJSON_IsString(tn) && strcmp(tn->valuestring, ea->tenant) == 0 &&
	    cJSON_IsString(id)) {
		memset(&ti, 0, sizeof(ti));
		ti.id = id->valuestring;
		ti.created = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(doc, "created"));
		if (ti.created == NULL)
			ti.created = "";
		ti.label = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(doc, "label"));
		ti.expires = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(doc, "expires"));
		ti.revoked = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(doc, "revoked"));
		ti.scope = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(doc, "scope"));
		if (ti.scope == NULL)
			ti.scope = auth_scope_name(AUTH_SCOPE_PROVISION);
		ea->cb(&ti, ea->arg);
	}
	cJSON_Delete(doc);
	return 0;
}

enum scim_err
auth_token_each(struct store_txn *tx, const char *tenant, auth_token_cb cb,
    void *arg)
{
	struct each_arg	ea = { tenant, cb, arg, SCIM_OK };
	enum scim_err	e;

	if ((e = store_token_each(tx, each_token, &ea)) != SCIM_OK)
		return e;
	return ea.err;
}

/*
 * RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token.  The scheme is
 * case-insensitive (RFC 9110 §11.1).  Returns the token and its length,
 * or NULL.
 */
static const char *
bearer_token(const char *h, size_t *len)
{
	const char	*tok;
	size_t		 n;

	while (*h == ' ' || *h == '\t')
		h++;
	if (strncasecmp(h, "bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
		return NULL;
	for (h += 6; *h == ' ' || *h == '\t'; h++)
		;
	tok = h;
	n = strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~+/=");
	h = tok + n;
	while (*h == ' ' || *h == '\t')
		h++;
	if (n == 0 || *h != '\0')
		return NULL;
	*len = n;
	return tok;
}

/*
 * What a token record says, read once: well-formed for this hash (*ok),
 * its tenant, id and label, whether its scope is a known name (and
 * which), and when it stops working (dead_at: 0 never, -1 already:
 * revoked or an unreadable expiry).
 */

static enum scim_err
token_facts(const char *rec, size_t reclen, const char *hex,
    struct token_facts *tf)
{
	cJSON		*doc, *sh, *tn, *tid, *lb, *rv, *ex;

	memset(tf, 0, sizeof(*tf));
	if ((doc = cJSON_ParseWithLength(rec, reclen)) == NULL)
		return SCIM_ESTORE;
	sh = cJSON_GetObjectItemCaseSensitive(doc, "sha256");
	tn = cJSON_GetObjectItemCaseSensitive(doc, "tenant");
	tid = cJSON_GetObjectItemCaseSensitive(doc, "id");
	lb = cJSON_GetObjectItemCaseSensitive(doc, "label");
	if (!cJSON_IsString(sh) || strlen(sh->valuestring) !=
	    2 * STORE_HASHLEN ||
	    sodium_memcmp(sh->valuestring, hex, 2 * STORE_HASHLEN) != 0 ||
	    !cJSON_IsString(tn) || strlen(tn->valuestring) == 0 ||
	    strlen(tn->valuestring) > SCIM_TENANT_MAX ||
	    !cJSON_IsString(tid) || strlen(tid->valuestring) != AUTH_ID_LEN) {
		cJSON_Delete(doc);
		return SCIM_OK;		/* tf_ok 0: nobody's */
	}
	tf->tf_ok = 1;
	memcpy(tf->tf_tenant, tn->valuestring, strlen(tn->valuestring) + 1);
	memcpy(tf->tf_id, tid->valuestring, AUTH_ID_LEN + 1);
	if (cJSON_IsString(lb))
		util_strlcpy(tf->tf_label, lb->valuestring,
		    sizeof(tf->tf_label));
	tf->tf_scopeok = token_scope(doc, &tf->tf_scope) == 0;
	rv = cJSON_GetObjectItemCaseSensitive(doc, "revoked");
	ex = cJSON_GetObjectItemCaseSensitive(doc, "expires");
	if (rv != NULL && !cJSON_IsNull(rv))
		tf->tf_deadat = -1;
	else if (ex != NULL && !cJSON_IsNull(ex) && (!cJSON_IsString(ex) ||
	    util_time_parse(ex->valuestring, &tf->tf_deadat) == -1 ||
	    tf->tf_deadat <= 0))
		tf->tf_deadat = -1;
	cJSON_Delete(doc);
	return SCIM_OK;
}

enum scim_err
auth_check(struct store_txn *tx, const char *authorization, char *tenant,
    char *id, char *label, enum auth_scope *scope, struct scim_resp *resp)
{
	return auth_check_cached(tx, NULL, authorization, tenant, id, label,
	    scope, resp);
}

enum scim_err
auth_check_cached(struct store_txn *tx, struct auth_cache *cache,
    const char *authorization, char *tenant, char *id, char *label,
    enum auth_scope *scope, struct scim_resp *resp)
{
	struct auth_cached	*ac = NULL;
	struct token_facts	 tfs, *tf = &tfs;
	const char		*tok, *rec;
	uint8_t			 hash[STORE_HASHLEN];
	char			 hex[2 * STORE_HASHLEN + 1];
	size_t			 toklen, reclen;
	double			 now;
	int			 i;
	enum scim_err		 e;

	tenant[0] = id[0] = '\0';
	if (label != NULL)
		label[0] = '\0';
	/* Until a token says otherwise, it may only read. */
	if (scope != NULL)
		*scope = AUTH_SCOPE_READ;

	if (authorization == NULL || *authorization == '\0')
		return scim_fail(resp, SCIM_EAUTH,
		    "missing Authorization: Bearer token");
	if ((tok = bearer_token(authorization, &toklen)) == NULL)
		return scim_fail(resp, SCIM_EAUTH,
		    "Authorization must be a Bearer token");
	token_hash(tok, toklen, hash);

	if ((e = store_token_get(tx, hash, &rec, &reclen)) != SCIM_OK)
		goto out;
	/*
	 * The facts of a record this process read before, while its bytes
	 * in this transaction are the same: a revoked or rotated token has
	 * other bytes, so the cache never outlives a change.
	 */
	for (i = 0; cache != NULL && i < AUTH_CACHE; i++) {
		ac = &cache->ac_ent[i];
		if (ac->ac_len == reclen && reclen > 0 &&
		    memcmp(ac->ac_hash, hash, sizeof(hash)) == 0 &&
		    memcmp(ac->ac_rec, rec, reclen) == 0) {
			tf = &ac->ac_facts;
			break;
		}
		ac = NULL;
	}
	if (ac == NULL) {
		util_hex(hash, sizeof(hash), hex);
		e = token_facts(rec, reclen, hex, tf);
		util_bzero(hex, sizeof(hex));
		if (e != SCIM_OK)
			goto out;
		if (cache != NULL && reclen <= sizeof(ac->ac_rec)) {
			ac = &cache->ac_ent[cache->ac_next++ % AUTH_CACHE];
			memcpy(ac->ac_hash, hash, sizeof(hash));
			memcpy(ac->ac_rec, rec, reclen);
			ac->ac_len = reclen;
			ac->ac_facts = *tf;
		}
	}
	if (!tf->tf_ok) {
		e = SCIM_ENOTFOUND;
		goto out;
	}
	memcpy(tenant, tf->tf_tenant, strlen(tf->tf_tenant) + 1);
	memcpy(id, tf->tf_id, AUTH_ID_LEN + 1);
	if (label != NULL)
		util_strlcpy(label, tf->tf_label, AUTH_LABEL_MAX + 1);
	/* Expired answers exactly as revoked does; so does a bad scope. */
	now = util_time_secs();
	if (tf->tf_deadat < 0 || (tf->tf_deadat > 0 && tf->tf_deadat <= now) ||
	    !tf->tf_scopeok)
		e = SCIM_ENOTFOUND;
	else if (scope != NULL)
		*scope = tf->tf_scope;
out:
	util_bzero(hash, sizeof(hash));
	if (e == SCIM_ENOTFOUND)
		return scim_fail(resp, SCIM_EAUTH, "invalid or revoked token");
	return e == SCIM_OK ? SCIM_OK : scim_fail(resp, e, NULL);
}

static int
json_str_or_null(cJSON *o, const char *k, const char *v)
{
	return v != NULL ? json_add_string(o, k, v) :
	    json_add(o, k, cJSON_CreateNull());
}

cJSON *
auth_token_json(struct store_txn *tx, const struct auth_token_info *ti)
{
	cJSON		*o;
	char		 used[TIME_STRLEN + 1];
	uint64_t	 us = 0;

	/* Last used: the activity log's note of the token (store_act.c). */
	used[0] = '\0';
	if (store_act_used(tx, ti->id, &us) == SCIM_OK && us > 0)
		util_time_format((double)us / 1e6, used);
	if ((o = cJSON_CreateObject()) == NULL ||
	    json_add_string(o, "id", ti->id) == -1 ||
	    json_str_or_null(o, "label", ti->label) == -1 ||
	    json_add_string(o, "scope", ti->scope) == -1 ||
	    json_add_string(o, "created", ti->created) == -1 ||
	    json_str_or_null(o, "expires", ti->expires) == -1 ||
	    json_str_or_null(o, "revoked", ti->revoked) == -1 ||
	    json_str_or_null(o, "last_used", used[0] != '\0' ? used :
	    NULL) == -1) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
