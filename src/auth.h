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

#include "scim.h"

#define AUTH_TOKEN_PREFIX	"scimlet_"
#define AUTH_TOKEN_LEN		(8 + 43)	/* without the NUL */
#define AUTH_ID_LEN		16		/* hex token id, no NUL */

struct store;
struct store_txn;

/*
 * Make a token for tenant t inside write transaction tx: token receives
 * the secret (AUTH_TOKEN_LEN + 1 bytes; show it once, then clear it),
 * id the token id (AUTH_ID_LEN + 1).  Errors: SCIM_ESTORE, SCIM_EFULL.
 */
enum scim_err	 auth_token_issue(struct store_txn *tx, const struct tenant *t,
		    char *token, char *id);

/*
 * Revoke the token with this id; tenant (SCIM_TENANT_MAX + 1 bytes)
 * receives its tenant's name.  SCIM_ENOTFOUND when there is none.
 */
enum scim_err	 auth_token_revoke(struct store_txn *tx, const char *id,
		    char *tenant);

/* Each token of a tenant: id, created, revoked time or NULL. */
typedef void	(*auth_token_cb)(const char *id, const char *created,
		    const char *revoked, void *arg);
enum scim_err	 auth_token_each(struct store_txn *tx, const char *tenant,
		    auth_token_cb, void *arg);

/*
 * Check an Authorization header value ("Bearer TOKEN", scheme matched
 * without regard to case) in transaction tx.  On success tenant
 * (SCIM_TENANT_MAX + 1 bytes) receives the token's tenant name and id
 * (AUTH_ID_LEN + 1) the token id.  Every failure is SCIM_EAUTH (or
 * SCIM_ESTORE), with a detail in resp that never contains the token.
 */
struct scim_resp;
enum scim_err	 auth_check(struct store_txn *tx, const char *authorization,
		    char *tenant, char *id, struct scim_resp *resp);

#endif /* AUTH_H */
