/*
 * admin.h: the operator console (README "Operator console",
 * doc/architecture.md §4.12).  The same worker serves it on a mount of
 * its own, which the web server marks with SCIMLET_MOUNT=admin: the
 * console's static files, and a JSON API over the same library calls
 * the CLI makes.
 *
 * Who may use it: holders of an admin credential ("scimadm_" and 43
 * base64url characters, 256 bits), issued by `scimlet admin issue`,
 * either the operator's (every tenant) or a tenant admin's (one tenant).
 * Only its SHA-256 is stored.  Signing in exchanges it for a session: a
 * random secret in an HttpOnly, SameSite=Strict cookie, stored as its
 * SHA-256, ending ADMIN_SESSION_TTL after sign-in or when revoked.
 * Every call that changes something must also carry the session's
 * anti-CSRF token, derived from the secret (never stored).
 */
#ifndef ADMIN_H
#define ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "scim.h"
#include "util.h"

#define ADMIN_CRED_PREFIX	"scimadm_"
#define ADMIN_CRED_LEN		(8 + 43)	/* without the NUL */
#define ADMIN_SECRET_LEN	43		/* a session's cookie value */
#define ADMIN_CSRF_LEN		64		/* hex */
#define ADMIN_SESSION_TTL	(8 * 3600)	/* seconds */
#define ADMIN_COOKIE		"scimlet_admin"

struct store;
struct store_txn;
struct scim_req;
struct scim_resp;
struct http_io;

enum admin_role {
	ADMIN_OPERATOR = 1,	/* every tenant */
	ADMIN_TENANT		/* one tenant's admin */
};
/* "operator", "tenant-admin"; and back (-1: neither). */
const char	*admin_role_name(enum admin_role);
int		 admin_role_parse(const char *, enum admin_role *);

/* Who is signed in (a session), or whose credential it is. */
struct admin_who {
	enum admin_role	 aw_role;
	char		 aw_tenant[SCIM_TENANT_MAX + 1];  /* "": operator */
	char		 aw_cred[AUTH_ID_LEN + 1];	  /* credential id */
	char		 aw_label[AUTH_LABEL_MAX + 1];
	char		 aw_session[AUTH_ID_LEN + 1];	  /* session id */
	char		 aw_expires[TIME_STRLEN + 1];
	char		 aw_csrf[ADMIN_CSRF_LEN + 1];
};

/*
 * Issue a credential in write transaction tx: tenant NULL for the
 * operator's.  cred receives it (ADMIN_CRED_LEN + 1; show it once),
 * id its id (AUTH_ID_LEN + 1).  SCIM_EINVALVALUE: a bad label;
 * SCIM_ENOTFOUND: no such tenant.
 */
enum scim_err	 admin_cred_issue(struct store_txn *, enum admin_role,
		    const char *tenant, const char *label, char *cred,
		    char *id);
/* Revoke credential id and end its sessions (*ended how many). */
enum scim_err	 admin_cred_revoke(struct store_txn *, const char *id,
		    unsigned *ended);
/* Each credential's or live session's record (the secret's hash left
 * out), in key order.  Sessions past their end are dropped on the way
 * when tx writes. */
typedef void	(*admin_rec_cb)(const cJSON *rec, void *arg);
enum scim_err	 admin_cred_each(struct store_txn *, admin_rec_cb, void *);
enum scim_err	 admin_session_each(struct store_txn *, int write,
		    admin_rec_cb, void *);
/* End session id, or every session when id is NULL; *n how many. */
enum scim_err	 admin_session_end(struct store_txn *, const char *id,
		    unsigned *n);

/*
 * Sign in with credential cred (as sent) in write transaction tx:
 * secret receives the session's cookie value (ADMIN_SECRET_LEN + 1),
 * who the session.  SCIM_EAUTH: no such credential, or revoked, or its
 * tenant gone.  client (may be NULL) is kept with the session.
 */
enum scim_err	 admin_signin(struct store_txn *, const char *cred,
		    const char *client, char *secret, struct admin_who *who);
/* The session of cookie value secret: SCIM_EAUTH when none or over. */
enum scim_err	 admin_session_check(struct store_txn *, const char *secret,
		    struct admin_who *who);
/* End the session of cookie value secret (sign out). */
enum scim_err	 admin_signout(struct store_txn *, const char *secret);
/* Is header the anti-CSRF token of secret?  (Constant time.) */
int		 admin_csrf_ok(const char *secret, const char *header);

/*
 * One line of the admin log, in tx: action ("sign-in", "sign-in
 * failed", "token issue"...), who (NULL: nobody signed in), the tenant
 * it was about (NULL: none), the client address, and detail (may be
 * NULL).  Read with `scimlet admin log`.
 */
enum scim_err	 admin_log(struct store_txn *, const uint8_t rid[8],
		    const char *action, const struct admin_who *who,
		    const char *tenant, const char *client,
		    const char *detail);
typedef void	(*admin_log_cb)(const cJSON *rec, void *arg);
enum scim_err	 admin_log_each(struct store_txn *, uint64_t from_us,
		    admin_log_cb, void *arg);

/*
 * The console's mount: is this request for it (SCIMLET_MOUNT=admin, a
 * parameter from the web server or the worker's environment)?
 */
int		 admin_mounted(const struct http_io *);
/*
 * Serve one request of the console's mount: its files, and the API.
 * rid: the request id (the admin log's), client: REMOTE_ADDR or NULL.
 */
enum scim_err	 admin_serve(struct store *, const struct http_io *,
		    struct scim_req *, struct scim_resp *,
		    const uint8_t rid[8]);

#endif /* ADMIN_H */
