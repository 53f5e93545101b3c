/*
 * ctx.c: building and freeing the request context (ctx.h).
 */
#include "config.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "log.h"
#include "schema.h"
#include "store.h"

enum scim_err
ctx_open(struct ctx *cx, struct store *st, struct store_txn *tx,
    const char *tenant, const char *token, const char *request,
    const char *client, const char *agent)
{
	struct store_txn	*own = NULL;
	cJSON			*decls = NULL;
	enum scim_err		 e;

	memset(cx, 0, sizeof(*cx));
	cx->cx_store = st;
	log_escape(token != NULL ? token : "", cx->cx_actor.ac_token,
	    sizeof(cx->cx_actor.ac_token));
	log_escape(request != NULL ? request : "", cx->cx_actor.ac_request,
	    sizeof(cx->cx_actor.ac_request));
	log_escape(client != NULL ? client : "", cx->cx_actor.ac_client,
	    sizeof(cx->cx_actor.ac_client));
	log_escape(agent != NULL ? agent : "", cx->cx_actor.ac_agent,
	    sizeof(cx->cx_actor.ac_agent));
	if (tx == NULL) {
		if ((e = store_begin(st, 0, &own)) != SCIM_OK)
			return e;
		tx = own;
	}
	/* One parse of the record (none when the process has it). */
	e = store_tenant_load(tx, tenant, &cx->cx_tenant, &decls);
	store_abort(&own);
	if (e == SCIM_OK)
		e = schema_overlay_load(&cx->cx_user, decls);
	else
		cJSON_Delete(decls);
	return e;
}

void
ctx_close(struct ctx *cx)
{
	schema_overlay_free(&cx->cx_user);
}

void
ctx_preview(struct ctx *cx)
{
	cx->cx_follow = 1;
	if (cx->cx_tenant.tn_preview == 0 || cx->cx_tenant.tn_live != 0)
		return;
	cx->cx_tenant.tn_live = cx->cx_tenant.tn_id;
	cx->cx_tenant.tn_id = cx->cx_tenant.tn_preview;
}

enum scim_err
ctx_rebind(struct ctx *cx, struct store_txn *tx)
{
	struct tenant	t;
	uint32_t	home = TENANT_HOME(&cx->cx_tenant);
	enum scim_err	e;

	if (!cx->cx_follow)
		return SCIM_OK;
	if ((e = store_tenant_get(tx, cx->cx_tenant.tn_name, &t)) ==
	    SCIM_ENOTFOUND)
		return SCIM_OK;		/* removed: as before */
	if (e != SCIM_OK || t.tn_preview == cx->cx_tenant.tn_preview)
		return e;
	cx->cx_tenant.tn_preview = t.tn_preview;
	cx->cx_tenant.tn_live = t.tn_preview != 0 ? home : 0;
	cx->cx_tenant.tn_id = t.tn_preview != 0 ? t.tn_preview : home;
	return SCIM_OK;
}

const struct schema *
ctx_schema(const struct ctx *cx, enum res_type type)
{
	if (type == RES_USER && cx != NULL)
		return &cx->cx_user.so_sc;
	return schema_static(type);
}
