/*
 * auth.c: bearer token issue, revocation and checking.
 *
 * Token record (tokens db, key SHA-256(token)):
 *   {"sha256":"<hex>","tenant":"NAME","id":"<16 hex>",
 *    "created":"<RFC 3339>","revoked":"<RFC 3339>"|null}
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "auth.h"
#include "json.h"
#include "http.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

static void
token_hash(const char *token, size_t len, uint8_t hash[STORE_HASHLEN])
{
	SHA256((const unsigned char *)token, len, hash);
}

enum scim_err
auth_token_issue(struct store_txn *tx, const struct tenant *t, char *token,
    char *id)
{
	uint8_t		 secret[32], idb[8], hash[STORE_HASHLEN];
	char		 hex[2 * STORE_HASHLEN + 1], now[TIME_STRLEN + 1];
	char		*rec;
	cJSON		*doc;
	enum scim_err	 e;

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
	    json_add_string(doc, "tenant", t->tn_name) == -1 ||
	    json_add_string(doc, "id", id) == -1 ||
	    json_add_string(doc, "created", now) == -1 ||
	    json_add(doc, "revoked", cJSON_CreateNull()) == -1)
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

enum scim_err
auth_token_revoke(struct store_txn *tx, const char *id, char *tenant)
{
	struct revoke_arg	 ra;
	char			 now[TIME_STRLEN + 1], *rec;
	cJSON			*rv;
	enum scim_err		 e;

	memset(&ra, 0, sizeof(ra));
	ra.id = id;
	if ((e = store_token_each(tx, revoke_find, &ra)) != SCIM_OK)
		return e;
	if (ra.err != SCIM_OK)
		return ra.err;
	if (ra.doc == NULL)
		return SCIM_ENOTFOUND;
	util_strlcpy(tenant, cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(ra.doc, "tenant")) != NULL ?
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ra.doc,
	    "tenant")) : "", SCIM_TENANT_MAX + 1);
	rv = cJSON_GetObjectItemCaseSensitive(ra.doc, "revoked");
	rec = NULL;
	if (!cJSON_IsString(rv)) {
		util_time_now(now);
		cJSON_DeleteItemFromObjectCaseSensitive(ra.doc, "revoked");
		if (json_add_string(ra.doc, "revoked", now) == 0)
			rec = cJSON_PrintUnformatted(ra.doc);
	} else
		rec = cJSON_PrintUnformatted(ra.doc);
	cJSON_Delete(ra.doc);
	if (rec == NULL)
		return SCIM_ENOMEM;
	e = store_token_put(tx, ra.hash, rec);
	free(rec);
	return e;
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
	struct each_arg	*ea = arg;
	cJSON		*doc, *tn, *id, *cr, *rv;

	(void)hash;
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		ea->err = SCIM_ESTORE;	/* never skipped (store.h) */
		return 1;
	}
	tn = cJSON_GetObjectItemCaseSensitive(doc, "tenant");
	id = cJSON_GetObjectItemCaseSensitive(doc, "id");
	cr = cJSON_GetObjectItemCaseSensitive(doc, "created");
	rv = cJSON_GetObjectItemCaseSensitive(doc, "revoked");
	if (cJSON_IsString(tn) && strcmp(tn->valuestring, ea->tenant) == 0 &&
	    cJSON_IsString(id))
		ea->cb(id->valuestring, cJSON_IsString(cr) ? cr->valuestring :
		    "", cJSON_IsString(rv) ? rv->valuestring : NULL, ea->arg);
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

enum scim_err
auth_check(struct store_txn *tx, const char *authorization, char *tenant,
    char *id, struct scim_resp *resp)
{
	const char	*tok, *rec;
	uint8_t		 hash[STORE_HASHLEN];
	char		 hex[2 * STORE_HASHLEN + 1];
	size_t		 toklen, reclen;
	cJSON		*doc = NULL, *sh, *tn, *tid, *rv;
	enum scim_err	 e;

	if (authorization == NULL || *authorization == '\0')
		return scim_fail(resp, SCIM_EAUTH,
		    "missing Authorization: Bearer token");
	if ((tok = bearer_token(authorization, &toklen)) == NULL)
		return scim_fail(resp, SCIM_EAUTH,
		    "Authorization must be a Bearer token");
	token_hash(tok, toklen, hash);
	util_hex(hash, sizeof(hash), hex);

	e = store_token_get(tx, hash, &rec, &reclen);
	if (e == SCIM_OK && (doc = cJSON_ParseWithLength(rec, reclen)) == NULL)
		e = SCIM_ESTORE;
	if (e != SCIM_OK)
		goto out;
	sh = cJSON_GetObjectItemCaseSensitive(doc, "sha256");
	tn = cJSON_GetObjectItemCaseSensitive(doc, "tenant");
	tid = cJSON_GetObjectItemCaseSensitive(doc, "id");
	rv = cJSON_GetObjectItemCaseSensitive(doc, "revoked");
	if (!cJSON_IsString(sh) || strlen(sh->valuestring) != sizeof(hex) - 1 ||
	    CRYPTO_memcmp(sh->valuestring, hex, sizeof(hex) - 1) != 0 ||
	    !cJSON_IsString(tn) || strlen(tn->valuestring) == 0 ||
	    strlen(tn->valuestring) > SCIM_TENANT_MAX ||
	    !cJSON_IsString(tid) || strlen(tid->valuestring) != AUTH_ID_LEN ||
	    cJSON_IsString(rv)) {
		e = SCIM_ENOTFOUND;
		goto out;
	}
	memcpy(tenant, tn->valuestring, strlen(tn->valuestring) + 1);
	memcpy(id, tid->valuestring, AUTH_ID_LEN + 1);
out:
	cJSON_Delete(doc);
	util_bzero(hash, sizeof(hash));
	util_bzero(hex, sizeof(hex));
	if (e == SCIM_ENOTFOUND)
		return scim_fail(resp, SCIM_EAUTH, "invalid or revoked token");
	return e == SCIM_OK ? SCIM_OK : scim_fail(resp, e, NULL);
}
