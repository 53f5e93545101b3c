/*
 * ctx.h: the request context.  Everything one request (or one CLI
 * command) acts with: the store, the tenant and its settings, the
 * tenant's schemas (with its declared attributes), and the actor the
 * audit log names.  ctx_open() is the ONE function that builds it, for
 * the worker and the CLI alike, so both run the same logic on the same
 * data; it is passed down explicitly and freed by ctx_close().  No
 * module keeps request state of its own (doc/architecture.md §2.4).
 */
#ifndef CTX_H
#define CTX_H

#include "auth.h"
#include "scim.h"
#include "schema.h"

struct store;
struct store_txn;
struct scim_resp;
struct activity;

/* Who acts, as the audit log records it.  Strings are cut and escaped. */
struct actor {
	char	ac_token[SCIM_ACTOR_TOKEN];	/* token id; "cli" */
	char	ac_request[SCIM_ACTOR_REQUEST];	/* request id; CLI: "" */
	char	ac_client[SCIM_ACTOR_CLIENT];	/* REMOTE_ADDR; CLI: user */
	char	ac_agent[SCIM_ACTOR_AGENT];	/* User-Agent; CLI: command */
};

struct ctx {
	struct store		*cx_store;
	struct tenant		 cx_tenant;
	struct schema_overlay	 cx_user;	/* the tenant's User schema */
	struct actor		 cx_actor;
	/* What the token may do (router.c enforces it); CLI: provision. */
	enum auth_scope		 cx_scope;
	/* What the request did, for its activity record; CLI: NULL. */
	struct activity		*cx_act;
	/* A worker's: follows the tenant's mode (ctx_preview()). */
	int			 cx_follow;
};

/*
 * Build ctx for tenant (its name) and the actor (token, request, client,
 * agent: any may be NULL), reading the tenant record in tx when given,
 * else in a read transaction of its own.  SCIM_ENOTFOUND when there is no
 * such tenant.  On error ctx needs no ctx_close() but accepts one.
 */
enum scim_err		 ctx_open(struct ctx *, struct store *,
			    struct store_txn *tx, const char *tenant,
			    const char *token, const char *request,
			    const char *client, const char *agent);
void			 ctx_close(struct ctx *);
/*
 * A worker's context of a tenant in preview (src/preview.h) acts on the
 * preview's data: tn_id becomes the preview's number, tn_live keeps the
 * tenant's own (TENANT_HOME()).  No-op for a live tenant.  The CLI and
 * the library never call it: they read the live data.
 */
void			 ctx_preview(struct ctx *);
/*
 * In a write transaction: a worker's context takes the tenant's mode as
 * tx sees it, so a request whose context was built before a mode change
 * writes on the side the change left (a write never lands on data a
 * change just dropped).  No-op for the CLI's contexts.
 */
enum scim_err		 ctx_rebind(struct ctx *, struct store_txn *);

/* The schema of a resource type for this tenant. */
const struct schema	*ctx_schema(const struct ctx *, enum res_type);

#endif /* CTX_H */
