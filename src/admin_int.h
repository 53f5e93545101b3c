/*
 * admin_int.h: inside the console's mount (admin.c serves, admin_api.c
 * answers the API).  One struct admin_call per request, passed down.
 */
#ifndef ADMIN_INT_H
#define ADMIN_INT_H

#include "admin.h"
#include "deprov.h"
#include "http.h"

#define ADMIN_SEGS	6	/* path words after /api */

struct admin_call {
	struct store		*ac_store;
	const struct http_io	*ac_io;
	struct scim_req		*ac_req;
	struct scim_resp	*ac_resp;
	const uint8_t		*ac_rid;
	const char		*ac_client;	/* REMOTE_ADDR, or NULL */
	const char		*ac_secret;	/* the session cookie, or NULL */
	struct admin_who	 ac_who;	/* signed in: aw_role != 0 */
	char			 ac_origin[SCIM_MAX_BASEURL]; /* scheme://host */
	char			 ac_mount[256];	/* the mount's path */
	const char		*ac_seg[ADMIN_SEGS]; /* words after /api/ */
	int			 ac_nseg;
	char			 ac_path[512];	/* ac_seg point into it */
};

/*
 * Who a change made from the console is by, as the audit and the
 * context name an actor: token "console", the request id, the client's
 * address, and "scimlet console (ROLE CREDENTIAL-ID)", as the library
 * takes an actor (aa_da, deprov.h).  aa_da points into the struct: keep
 * it where it was filled.
 */
struct admin_actor {
	char			 aa_reqid[17];
	char			 aa_agent[SCIM_ACTOR_AGENT];
	struct deprov_actor	 aa_da;
};
void		 admin_actor(const struct admin_call *, struct admin_actor *);
/*
 * The tenant's audit entry for a change made from the console, as the
 * CLI's command writes it (audit_record()), with the console as actor,
 * in tx.  detail is consumed.
 */
enum scim_err	 admin_audit(struct admin_call *, struct store_txn *,
		    const char *tenant, const char *action, const char *type,
		    const char *id, cJSON *detail);

/* The JSON body o (consumed) with status. */
enum scim_err	 admin_json(struct admin_call *, int status, cJSON *o);
/* May the caller see tenant name?  Fills t; 404 when not (or none). */
enum scim_err	 admin_tenant(struct admin_call *, struct store_txn *,
		    const char *name, struct tenant *t);
/* The SCIM base URL (the Tenant URL) of this host into out. */
void		 admin_tenant_url(const struct admin_call *, char *out,
		    size_t len);
/* A JSON object body of the request into *o (400 when it is not). */
enum scim_err	 admin_body(struct admin_call *, cJSON **o);

/* The API's endpoints past the session (admin_api.c). */
enum scim_err	 admin_api(struct admin_call *);
/*
 * tenants/T/WORD...: ac_seg[1] is T (not yet checked: each calls
 * admin_tenant() in its own transaction), ac_seg[2] the word.
 * admin_deprov.c: audit, restore, breaker.
 * admin_read.c: cycles, activity, users, groups; admin_roles.c: roles.
 */
enum scim_err	 admin_deprov(struct admin_call *);
enum scim_err	 admin_read(struct admin_call *);
enum scim_err	 admin_roles(struct admin_call *);

#endif /* ADMIN_INT_H */
