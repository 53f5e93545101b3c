/*
 * auth.h: bearer tokens.  A token is "scimlet_" and 43 base64url
 * characters (256 bits from getrandom).  Only its SHA-256 is stored; a
 * request's token is hashed, looked up by hash and compared in constant
 * time.  The token selects the request's tenant.  Tokens never reach a
 * log.
 */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "scim.h"

#define AUTH_TOKEN_PREFIX	"scimlet_"
#define AUTH_TOKEN_LEN		(8 + 43)	/* without the NUL */
#define AUTH_ID_LEN		16		/* hex token id, no NUL */
#define AUTH_LABEL_MAX		128		/* label bytes, no NUL */

struct store;
struct store_txn;

/*
 * What a token may do.  provision: everything (the default, and what a
 * record written before scopes existed holds); read: GET, HEAD and POST
 * .search only (RFC 7644 §3.4.3), anything else is 403 insufficient_scope
 * (RFC 6750 §3.1).  Stored as the names auth_scope_name() gives.
 */
enum auth_scope {
	AUTH_SCOPE_PROVISION = 0,
	AUTH_SCOPE_READ
};

/* "provision", "read"; and back: -1 for an unknown name. */
const char	*auth_scope_name(enum auth_scope);
int		 auth_scope_parse(const char *name, enum auth_scope *);

/*
 * Is label acceptable: NULL, or at most AUTH_LABEL_MAX bytes of UTF-8
 * without control characters (C0, DEL, C1)?
 */
int		 auth_label_ok(const char *label);

/*
 * Make a token for tenant t inside write transaction tx: token receives
 * the secret (AUTH_TOKEN_LEN + 1 bytes; show it once, then clear it),
 * id the token id (AUTH_ID_LEN + 1).  label may be NULL; ttl is the
 * lifetime in seconds, 0 for none; scope what it may do.  Errors:
 * SCIM_EINVALVALUE (label), SCIM_ESTORE, SCIM_EFULL.
 */
enum scim_err	 auth_token_issue(struct store_txn *tx, const struct tenant *t,
		    const char *label, long long ttl, enum auth_scope scope,
		    char *token, char *id);

/*
 * Revoke the token with this id; tenant (SCIM_TENANT_MAX + 1 bytes)
 * receives its tenant's name.  SCIM_ENOTFOUND when there is none.
 */
enum scim_err	 auth_token_revoke(struct store_txn *tx, const char *id,
		    char *tenant);

/*
 * Rotate token id: issue a successor for the same tenant with the same
 * label and scope (and, if the old one had an expiry, the same lifetime from now)
 * into token and newid, as auth_token_issue does; the old token is
 * revoked now (grace 0) or expires grace seconds from now (an earlier
 * expiry stands).  tenant receives the tenant name.  SCIM_ENOTFOUND: no
 * such token; SCIM_EPRECOND: it is already revoked or expired.
 */
enum scim_err	 auth_token_rotate(struct store_txn *tx, const char *id,
		    long long grace, char *token, char *newid, char *tenant);

/*
 * A token as listed: label, expires and revoked may be NULL; scope is
 * the stored name ("provision" for a record without one).
 */
struct auth_token_info {
	const char	*id;
	const char	*label;
	const char	*scope;
	const char	*created;
	const char	*expires;
	const char	*revoked;
};
/* Does the token still work (not revoked, not expired)? */
int		 auth_token_active(const struct auth_token_info *);
typedef void	(*auth_token_cb)(const struct auth_token_info *, void *arg);
enum scim_err	 auth_token_each(struct store_txn *tx, const char *tenant,
		    auth_token_cb, void *arg);
/*
 * A token as `token list --json` and the console show it: id, label,
 * scope, created, expires, revoked, last_used (the activity log's note,
 * read through tx), null for what is not set.  NULL: out of memory.
 */
cJSON		*auth_token_json(struct store_txn *tx,
		    const struct auth_token_info *);

/*
 * Check an Authorization header value ("Bearer TOKEN", scheme matched
 * without regard to case) in transaction tx.  On success tenant
 * (SCIM_TENANT_MAX + 1 bytes) receives the token's tenant name and id
 * (AUTH_ID_LEN + 1) the token id, and label (AUTH_LABEL_MAX + 1 bytes;
 * may be NULL) its label or "", and scope (may be NULL) what it may do.
 * A record whose scope is no known name authenticates nobody.  Every
 * failure is SCIM_EAUTH (or SCIM_ESTORE), with a detail in resp that
 * never contains the token; a revoked or expired token still fills in
 * tenant, id and label (whose requests they were, for the activity log),
 * an unknown one leaves them "".
 */
struct scim_resp;
/*
 * A process's memory of the token records it read (auth_check_cached()):
 * what each says, kept with its bytes and used only while the record in
 * the transaction has the same bytes.  Owned by the worker.
 */
#define AUTH_CACHE	8
struct auth_cached {
	uint8_t		 ac_hash[32];
	size_t		 ac_len;		/* 0: empty */
	char		 ac_rec[512];
	struct token_facts {
		int		 tf_ok;
		char		 tf_tenant[SCIM_TENANT_MAX + 1];
		char		 tf_id[AUTH_ID_LEN + 1];
		char		 tf_label[AUTH_LABEL_MAX + 1];
		int		 tf_scopeok;
		enum auth_scope	 tf_scope;
		double		 tf_deadat;
	}		 ac_facts;
};
struct auth_cache {
	struct auth_cached	 ac_ent[AUTH_CACHE];
	unsigned		 ac_next;
};
/* auth_check() with the cache (may be NULL). */
enum scim_err	 auth_check_cached(struct store_txn *, struct auth_cache *,
		    const char *authorization, char *tenant, char *id,
		    char *label, enum auth_scope *scope, struct scim_resp *);
enum scim_err	 auth_check(struct store_txn *tx, const char *authorization,
		    char *tenant, char *id, char *label, enum auth_scope *scope,
		    struct scim_resp *resp);

#endif /* AUTH_H */
