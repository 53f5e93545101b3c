/*
 * role_change.c: a change to a tenant's role settings (role_change.h).
 */
#include "config.h"

#include <string.h>

#include "ctx.h"
#include "grant.h"
#include "role_change.h"
#include "schema.h"
#include "store.h"
#include "util.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

static int
is_op(const char *op)
{
	static const char *const ops[] = { "source", "default", "unknown",
	    "map", "map-group", "unmap", "unmap-group" };
	size_t	i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(op, ops[i]) == 0)
			return 1;
	return 0;
}

const char *
role_change_check(const char *op, const char *arg, const char *role)
{
	int	map = strcmp(op, "map") == 0 || strcmp(op, "map-group") == 0;

	if (!is_op(op))
		return "unknown change";
	if (arg == NULL || (map && role == NULL) || (!map && role != NULL))
		return map ? "map and map-group take a value and a role" :
		    "this change takes one value";
	if (strcmp(op, "unknown") == 0 && strcmp(arg, "reject") != 0 &&
	    strcmp(arg, "default") != 0)
		return "role unknown takes reject or default";
	if (strlen(arg) > STORE_ROLE_MAX || arg[0] == '\0' ||
	    (role != NULL && (strlen(role) > STORE_ROLE_MAX ||
	    role[0] == '\0')))
		return "values are 1 to " STR(SCIM_MAX_ROLE) " bytes";
	return NULL;
}

enum scim_err
role_change(struct store *st, struct store_txn *tx, const struct tenant *t,
    const char *op, const char *arg, const char *role,
    const struct deprov_actor *actor, int *later, size_t *recomputed,
    size_t *changed)
{
	struct ctx	cx;
	char		folded[STORE_ROLE_MAX + 1];
	enum scim_err	e;

	*later = 0;
	*recomputed = *changed = 0;
	util_strlcpy(folded, arg, sizeof(folded));
	schema_fold(folded, folded);
	if (strcmp(op, "source") == 0)
		e = store_tenant_set(tx, t->tn_name, "role-source", arg);
	else if (strcmp(op, "default") == 0)
		e = store_tenant_set(tx, t->tn_name, "role-default",
		    strcmp(arg, "-") == 0 ? "" : arg);
	else if (strcmp(op, "unknown") == 0) {
		e = store_tenant_set(tx, t->tn_name, "role-unknown", arg);
		*later = 1;	/* applies to the next writes */
	} else if (strcmp(op, "map") == 0)
		e = store_role_put(tx, t->tn_id, ROLE_VALUE, folded, role);
	else if (strcmp(op, "map-group") == 0)
		e = store_role_put(tx, t->tn_id, ROLE_GROUP, folded, role);
	else if (strcmp(op, "unmap") == 0)
		e = store_role_del(tx, t->tn_id, ROLE_VALUE, folded);
	else if (strcmp(op, "unmap-group") == 0)
		e = store_role_del(tx, t->tn_id, ROLE_GROUP, folded);
	else
		e = SCIM_EINVALVALUE;
	/*
	 * Every user's roles follow the new mapping, in this transaction,
	 * computed as the worker computes them: with the tenant's settings
	 * as they are now and its declared attributes.
	 */
	if (e == SCIM_OK && !*later) {
		if ((e = ctx_open(&cx, st, tx, t->tn_name, actor->da_token,
		    actor->da_request, actor->da_client, actor->da_agent)) ==
		    SCIM_OK)
			e = grant_refresh_all(tx, &cx, recomputed, changed);
		ctx_close(&cx);
	}
	return e;
}

cJSON *
role_row_json(const char *kind, const char *v, const char *r)
{
	cJSON	*o;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddStringToObject(o, "kind", kind) == NULL ||
	    (v != NULL ? cJSON_AddStringToObject(o, "value", v) :
	    cJSON_AddNullToObject(o, "value")) == NULL ||
	    (r != NULL ? cJSON_AddStringToObject(o, "role", r) :
	    cJSON_AddNullToObject(o, "role")) == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
