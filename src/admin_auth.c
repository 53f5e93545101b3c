/*
 * admin_auth.c: the console's credentials, sessions and log (admin.h).
 *
 * Credential record (store_admin.c, kind 'A', key SHA-256(credential)):
 *   {"id":"<16 hex>","role":"operator"|"tenant-admin","tenant":NAME|null,
 *    "label":TEXT|null,"created":"<RFC 3339>","revoked":"<RFC 3339>"|null,
 *    "last_used":"<RFC 3339>" (its last sign-in; absent before one)}
 * Session record (kind 'S', key SHA-256(cookie value)):
 *   {"id":"<16 hex>","credential":"<id>","role":...,"tenant":...,
 *    "label":...,"created":...,"expires":...,"client":ADDRESS|null}
 * A session's anti-CSRF token is SHA-256("scimlet-csrf:" secret) in hex:
 * it needs the secret, which only the cookie holds, and is not stored.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "admin.h"
#include "json.h"
#include "store.h"
#include "util.h"

#define CSRF_TAG	"scimlet-csrf:"

const char *
admin_role_name(enum admin_role r)
{
	return r == ADMIN_OPERATOR ? "operator" : "tenant-admin";
}

int
admin_role_parse(const char *s, enum admin_role *r)
{
	if (s != NULL && strcmp(s, "operator") == 0)
		*r = ADMIN_OPERATOR;
	else if (s != NULL && strcmp(s, "tenant-admin") == 0)
		*r = ADMIN_TENANT;
	else
		return -1;
	return 0;
}

static void
hash_of(const char *s, size_t len, uint8_t hash[STORE_HASHLEN])
{
	crypto_hash_sha256(hash, (const unsigned char *)s, len);
}

/* A new secret: 32 random bytes as base64url after prefix, and an id. */
static int
secret_new(const char *prefix, char *out, char *id)
{
	uint8_t	raw[32], idb[8];

	if (util_random(raw, sizeof(raw)) == -1 ||
	    util_random(idb, sizeof(idb)) == -1)
		return -1;
	memcpy(out, prefix, strlen(prefix));
	util_b64url(raw, sizeof(raw), out + strlen(prefix));
	util_bzero(raw, sizeof(raw));
	util_hex(idb, sizeof(idb), id);
	return 0;
}

static const char *
str(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static int
add_str_or_null(cJSON *o, const char *k, const char *v)
{
	return v != NULL && *v != '\0' ? json_add_string(o, k, v) :
	    json_add(o, k, cJSON_CreateNull());
}

/* Store doc under kind and hash; doc is freed. */
static enum scim_err
put_doc(struct store_txn *tx, char kind, const uint8_t hash[STORE_HASHLEN],
    cJSON *doc)
{
	char		*rec;
	enum scim_err	 e;

	if (doc == NULL || (rec = cJSON_PrintUnformatted(doc)) == NULL) {
		cJSON_Delete(doc);
		return SCIM_ENOMEM;
	}
	cJSON_Delete(doc);
	e = store_admin_put(tx, kind, hash, rec);
	cJSON_free(rec);
	return e;
}

enum scim_err
admin_cred_issue(struct store_txn *tx, enum admin_role role,
    const char *tenant, const char *label, char *cred, char *id)
{
	uint8_t		 hash[STORE_HASHLEN];
	char		 now[TIME_STRLEN + 1];
	struct tenant	 t;
	cJSON		*doc;
	enum scim_err	 e;

	if (!auth_label_ok(label))
		return SCIM_EINVALVALUE;
	if (role == ADMIN_TENANT && (tenant == NULL ||
	    (e = store_tenant_get(tx, tenant, &t)) != SCIM_OK))
		return tenant == NULL ? SCIM_EINVALVALUE : e;
	if (secret_new(ADMIN_CRED_PREFIX, cred, id) == -1)
		return SCIM_ESTORE;
	hash_of(cred, strlen(cred), hash);
	util_time_now(now);
	if ((doc = cJSON_CreateObject()) == NULL ||
	    json_add_string(doc, "id", id) == -1 ||
	    json_add_string(doc, "role", admin_role_name(role)) == -1 ||
	    add_str_or_null(doc, "tenant", role == ADMIN_TENANT ?
	    tenant : NULL) == -1 ||
	    add_str_or_null(doc, "label", label) == -1 ||
	    json_add_string(doc, "created", now) == -1 ||
	    json_add(doc, "revoked", cJSON_CreateNull()) == -1) {
		cJSON_Delete(doc);
		util_bzero(cred, ADMIN_CRED_LEN + 1);
		return SCIM_ENOMEM;
	}
	if ((e = put_doc(tx, STORE_ADMIN_CRED, hash, doc)) != SCIM_OK)
		util_bzero(cred, ADMIN_CRED_LEN + 1);
	return e;
}

/* A walk over one kind of record, with what the callers need. */
struct walk {
	const char	*wk_id;		/* the record wanted, or NULL */
	const char	*wk_cred;	/* sessions of this credential */
	int		 wk_drop;	/* delete what matches */
	int		 wk_live;	/* sessions: pass over those ended */
	int		 wk_write;	/* ... and delete them */
	double		 wk_now;
	admin_rec_cb	 wk_cb;
	void		*wk_arg;
	unsigned	 wk_n;
	uint8_t		 wk_hash[STORE_HASHLEN];
	cJSON		*wk_doc;	/* the record wanted, found */
	enum scim_err	 wk_err;
};

static int
over(const cJSON *doc, double now)
{
	double	t;
	const char *ex = str(doc, "expires");

	return ex == NULL || util_time_parse(ex, &t) == -1 || t <= now;
}

static int
walk_cb(const uint8_t hash[STORE_HASHLEN], const char *json, size_t len,
    void *arg)
{
	struct walk	*w = arg;
	cJSON		*doc;
	const char	*id;

	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		w->wk_err = SCIM_ESTORE;
		return 1;
	}
	id = str(doc, "id");
	if (w->wk_live && over(doc, w->wk_now)) {
		cJSON_Delete(doc);
		return w->wk_write ? STORE_ADMIN_DEL : 0;
	}
	if (w->wk_cred != NULL || w->wk_drop) {
		const char *c = w->wk_cred != NULL ?
		    str(doc, "credential") : id;
		const char *want = w->wk_cred != NULL ? w->wk_cred : w->wk_id;
		int match = want == NULL || (c != NULL && strcmp(c, want) == 0);

		cJSON_Delete(doc);
		w->wk_n += match;
		return match ? STORE_ADMIN_DEL : 0;
	}
	if (w->wk_id != NULL) {
		if (id != NULL && strcmp(id, w->wk_id) == 0) {
			memcpy(w->wk_hash, hash, STORE_HASHLEN);
			w->wk_doc = doc;
			return 1;
		}
		cJSON_Delete(doc);
		return 0;
	}
	if (w->wk_cb != NULL)
		w->wk_cb(doc, w->wk_arg);
	cJSON_Delete(doc);
	return 0;
}

enum scim_err
admin_cred_revoke(struct store_txn *tx, const char *id, unsigned *ended)
{
	struct walk	 w = { 0 };
	char		 now[TIME_STRLEN + 1];
	cJSON		*rv;
	enum scim_err	 e;

	*ended = 0;
	w.wk_id = id;
	if ((e = store_admin_each(tx, STORE_ADMIN_CRED, walk_cb, &w)) !=
	    SCIM_OK || (e = w.wk_err) != SCIM_OK)
		goto out;
	if (w.wk_doc == NULL)
		return SCIM_ENOTFOUND;
	rv = cJSON_GetObjectItemCaseSensitive(w.wk_doc, "revoked");
	if (!cJSON_IsString(rv)) {	/* twice keeps the first time */
		util_time_now(now);
		cJSON_DeleteItemFromObjectCaseSensitive(w.wk_doc, "revoked");
		if (json_add_string(w.wk_doc, "revoked", now) == -1) {
			e = SCIM_ENOMEM;
			goto out;
		}
		e = put_doc(tx, STORE_ADMIN_CRED, w.wk_hash, w.wk_doc);
		w.wk_doc = NULL;
		if (e != SCIM_OK)
			goto out;
	}
	memset(&w, 0, sizeof(w));
	w.wk_cred = id;
	if ((e = store_admin_each(tx, STORE_ADMIN_SESSION, walk_cb, &w)) ==
	    SCIM_OK)
		e = w.wk_err;
	*ended = w.wk_n;
 out:
	cJSON_Delete(w.wk_doc);
	return e;
}

enum scim_err
admin_cred_each(struct store_txn *tx, admin_rec_cb cb, void *arg)
{
	struct walk	w = { 0 };
	enum scim_err	e;

	w.wk_cb = cb;
	w.wk_arg = arg;
	e = store_admin_each(tx, STORE_ADMIN_CRED, walk_cb, &w);
	return e != SCIM_OK ? e : w.wk_err;
}

enum scim_err
admin_session_each(struct store_txn *tx, int write, admin_rec_cb cb,
    void *arg)
{
	struct walk	w = { 0 };
	enum scim_err	e;

	w.wk_cb = cb;
	w.wk_arg = arg;
	w.wk_live = 1;
	w.wk_write = write;
	w.wk_now = util_time_secs();
	e = store_admin_each(tx, STORE_ADMIN_SESSION, walk_cb, &w);
	return e != SCIM_OK ? e : w.wk_err;
}

enum scim_err
admin_session_end(struct store_txn *tx, const char *id, unsigned *n)
{
	struct walk	w = { 0 };
	enum scim_err	e;

	w.wk_id = id;
	w.wk_drop = 1;
	e = store_admin_each(tx, STORE_ADMIN_SESSION, walk_cb, &w);
	*n = w.wk_n;
	if (e == SCIM_OK && (e = w.wk_err) == SCIM_OK && id != NULL &&
	    w.wk_n == 0)
		e = SCIM_ENOTFOUND;
	return e;
}

/* The anti-CSRF token of secret into out (ADMIN_CSRF_LEN + 1). */
static void
csrf_of(const char *secret, char *out)
{
	crypto_hash_sha256_state	st;
	uint8_t				h[32];

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)CSRF_TAG,
	    strlen(CSRF_TAG));
	crypto_hash_sha256_update(&st, (const unsigned char *)secret,
	    strlen(secret));
	crypto_hash_sha256_final(&st, h);
	util_hex(h, sizeof(h), out);
}

int
admin_csrf_ok(const char *secret, const char *header)
{
	char	want[ADMIN_CSRF_LEN + 1];
	int	ok;

	if (secret == NULL || header == NULL ||
	    strlen(header) != ADMIN_CSRF_LEN)
		return 0;
	csrf_of(secret, want);
	ok = sodium_memcmp(want, header, ADMIN_CSRF_LEN) == 0;
	util_bzero(want, sizeof(want));
	return ok;
}

/* who from a session or credential record. */
static int
who_from(const cJSON *doc, struct admin_who *who)
{
	const char	*t = str(doc, "tenant"), *l = str(doc, "label");

	memset(who, 0, sizeof(*who));
	if (admin_role_parse(str(doc, "role"), &who->aw_role) == -1 ||
	    (who->aw_role == ADMIN_TENANT) != (t != NULL) ||
	    (t != NULL && strlen(t) > SCIM_TENANT_MAX))
		return -1;
	if (t != NULL)
		util_strlcpy(who->aw_tenant, t, sizeof(who->aw_tenant));
	if (l != NULL)
		util_strlcpy(who->aw_label, l, sizeof(who->aw_label));
	return 0;
}

enum scim_err
admin_signin(struct store_txn *tx, const char *cred, const char *client,
    char *secret, struct admin_who *who)
{
	uint8_t		 hash[STORE_HASHLEN], shash[STORE_HASHLEN];
	const char	*json, *id;
	char		 now[TIME_STRLEN + 1];
	size_t		 len;
	struct tenant	 t;
	cJSON		*doc = NULL, *sess = NULL;
	enum scim_err	 e;

	memset(who, 0, sizeof(*who));
	if (cred == NULL || strlen(cred) != ADMIN_CRED_LEN ||
	    strncmp(cred, ADMIN_CRED_PREFIX, strlen(ADMIN_CRED_PREFIX)) != 0)
		return SCIM_EAUTH;
	hash_of(cred, ADMIN_CRED_LEN, hash);
	if ((e = store_admin_get(tx, STORE_ADMIN_CRED, hash, &json, &len)) !=
	    SCIM_OK)
		return e == SCIM_ENOTFOUND ? SCIM_EAUTH : e;
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL)
		return SCIM_ESTORE;
	e = SCIM_EAUTH;
	if ((id = str(doc, "id")) == NULL || strlen(id) != AUTH_ID_LEN ||
	    !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(doc, "revoked")) ||
	    who_from(doc, who) == -1 || (who->aw_role == ADMIN_TENANT &&
	    store_tenant_get(tx, who->aw_tenant, &t) != SCIM_OK))
		goto out;
	util_strlcpy(who->aw_cred, id, sizeof(who->aw_cred));
	if (secret_new("", secret, who->aw_session) == -1) {
		e = SCIM_ESTORE;
		goto out;
	}
	hash_of(secret, strlen(secret), shash);
	csrf_of(secret, who->aw_csrf);
	util_time_now(now);
	util_time_format(util_time_secs() + ADMIN_SESSION_TTL,
	    who->aw_expires);
	e = SCIM_ENOMEM;
	if ((sess = cJSON_CreateObject()) == NULL ||
	    json_add_string(sess, "id", who->aw_session) == -1 ||
	    json_add_string(sess, "credential", id) == -1 ||
	    json_add_string(sess, "role", admin_role_name(who->aw_role)) ==
	    -1 || add_str_or_null(sess, "tenant", who->aw_tenant) == -1 ||
	    add_str_or_null(sess, "label", who->aw_label) == -1 ||
	    json_add_string(sess, "created", now) == -1 ||
	    json_add_string(sess, "expires", who->aw_expires) == -1 ||
	    add_str_or_null(sess, "client", client) == -1)
		goto out;
	e = put_doc(tx, STORE_ADMIN_SESSION, shash, sess);
	sess = NULL;
	/* The credential's last use: this sign-in (`admin list`). */
	if (e == SCIM_OK) {
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "last_used");
		if (json_add_string(doc, "last_used", now) == -1)
			e = SCIM_ENOMEM;
		else {
			e = put_doc(tx, STORE_ADMIN_CRED, hash, doc);
			doc = NULL;
		}
	}
 out:
	cJSON_Delete(doc);
	cJSON_Delete(sess);
	if (e != SCIM_OK) {
		util_bzero(secret, ADMIN_SECRET_LEN + 1);
		memset(who->aw_csrf, 0, sizeof(who->aw_csrf));
	}
	return e;
}

enum scim_err
admin_session_check(struct store_txn *tx, const char *secret,
    struct admin_who *who)
{
	uint8_t		 hash[STORE_HASHLEN];
	const char	*json, *v;
	size_t		 len;
	cJSON		*doc;
	enum scim_err	 e = SCIM_EAUTH;

	memset(who, 0, sizeof(*who));
	if (secret == NULL || strlen(secret) != ADMIN_SECRET_LEN)
		return SCIM_EAUTH;
	hash_of(secret, ADMIN_SECRET_LEN, hash);
	if ((e = store_admin_get(tx, STORE_ADMIN_SESSION, hash, &json,
	    &len)) != SCIM_OK)
		return e == SCIM_ENOTFOUND ? SCIM_EAUTH : e;
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL)
		return SCIM_ESTORE;
	e = SCIM_EAUTH;
	if (over(doc, util_time_secs()) || who_from(doc, who) == -1)
		goto out;
	if ((v = str(doc, "id")) != NULL)
		util_strlcpy(who->aw_session, v, sizeof(who->aw_session));
	if ((v = str(doc, "credential")) != NULL)
		util_strlcpy(who->aw_cred, v, sizeof(who->aw_cred));
	util_strlcpy(who->aw_expires, str(doc, "expires"),
	    sizeof(who->aw_expires));
	csrf_of(secret, who->aw_csrf);
	e = SCIM_OK;
 out:
	cJSON_Delete(doc);
	if (e != SCIM_OK)
		memset(who, 0, sizeof(*who));
	return e;
}

enum scim_err
admin_signout(struct store_txn *tx, const char *secret)
{
	uint8_t	hash[STORE_HASHLEN];

	if (secret == NULL || strlen(secret) != ADMIN_SECRET_LEN)
		return SCIM_EAUTH;
	hash_of(secret, ADMIN_SECRET_LEN, hash);
	return store_admin_del(tx, STORE_ADMIN_SESSION, hash);
}

enum scim_err
admin_log(struct store_txn *tx, const uint8_t rid[8], const char *action,
    const struct admin_who *who, const char *tenant, const char *client,
    const char *detail)
{
	char		 now[TIME_STRLEN + 1], reqid[17];
	uint64_t	 us = util_now_us();
	cJSON		*doc;
	char		*rec;
	enum scim_err	 e;

	util_time_now(now);
	util_hex(rid, 8, reqid);
	if ((doc = cJSON_CreateObject()) == NULL ||
	    json_add_string(doc, "time", now) == -1 ||
	    json_add_string(doc, "request", reqid) == -1 ||
	    json_add_string(doc, "action", action) == -1 ||
	    add_str_or_null(doc, "role", who != NULL ?
	    admin_role_name(who->aw_role) : NULL) == -1 ||
	    add_str_or_null(doc, "credential", who != NULL ? who->aw_cred :
	    NULL) == -1 ||
	    add_str_or_null(doc, "label", who != NULL ? who->aw_label :
	    NULL) == -1 ||
	    add_str_or_null(doc, "tenant", tenant) == -1 ||
	    add_str_or_null(doc, "client", client) == -1 ||
	    add_str_or_null(doc, "detail", detail) == -1 ||
	    (rec = cJSON_PrintUnformatted(doc)) == NULL) {
		cJSON_Delete(doc);
		return SCIM_ENOMEM;
	}
	cJSON_Delete(doc);
	e = store_admin_log_put(tx, us, rid, rec);
	cJSON_free(rec);
	return e;
}

struct log_walk {
	admin_log_cb	 lw_cb;
	void		*lw_arg;
	enum scim_err	 lw_err;
};

static int
log_cb(uint64_t us, const char *json, size_t len, void *arg)
{
	struct log_walk	*lw = arg;
	cJSON		*doc;

	(void)us;
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		lw->lw_err = SCIM_ESTORE;
		return 1;
	}
	lw->lw_cb(doc, lw->lw_arg);
	cJSON_Delete(doc);
	return 0;
}

enum scim_err
admin_log_each(struct store_txn *tx, uint64_t from_us, admin_log_cb cb,
    void *arg)
{
	struct log_walk	lw = { cb, arg, SCIM_OK };
	enum scim_err	e;

	e = store_admin_log_each(tx, from_us, log_cb, &lw);
	return e != SCIM_OK ? e : lw.lw_err;
}
