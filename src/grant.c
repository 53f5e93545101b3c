/*
 * grant.c: applying computed application roles (grant.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "audit.h"
#include "ctx.h"
#include "grant.h"
#include "json.h"
#include "record.h"
#include "roles.h"
#include "schema.h"
#include "store.h"

/* The roles in was that now lacks, as a new array, or NULL: none. */
static enum scim_err
lost_roles(const cJSON *was, const cJSON *now, cJSON **lost)
{
	const cJSON	*r, *n;
	cJSON		*s;
	int		 kept;

	*lost = NULL;
	cJSON_ArrayForEach(r, was) {
		if (!cJSON_IsString(r))
			continue;
		kept = 0;
		cJSON_ArrayForEach(n, now)
			if (strcmp(r->valuestring, n->valuestring) == 0)
				kept = 1;
		if (kept)
			continue;
		if ((*lost == NULL && (*lost = cJSON_CreateArray()) == NULL) ||
		    (s = cJSON_CreateString(r->valuestring)) == NULL) {
			cJSON_Delete(*lost);
			*lost = NULL;
			return SCIM_ENOMEM;
		}
		cJSON_AddItemToArray(*lost, s);
	}
	return SCIM_OK;
}

static const cJSON *
app_roles(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(doc, URN_SCIMLET), "appRoles");
}

enum scim_err
grant_apply(struct store_txn *tx, const struct ctx *cx,
    const uint8_t uid[16], cJSON *doc, const cJSON *old, cJSON *set)
{
	const cJSON	*was = app_roles(old);
	cJSON		*ext, *lost = NULL, *before, *urns;
	enum scim_err	 e;

	activity_roles(cx->cx_act, uid, was, set);
	if (!cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(doc, "active"))) {
		if ((e = lost_roles(was, set, &lost)) != SCIM_OK)
			goto fail;
	}
	if (lost != NULL) {
		if ((before = cJSON_CreateObject()) == NULL ||
		    json_add(before, "appRoles", cJSON_Duplicate(was, 1)) ==
		    -1) {
			cJSON_Delete(before);
			cJSON_Delete(lost);
			e = SCIM_ENOMEM;
			goto fail;
		}
		if ((e = audit_record_res(tx, cx, "role.lost", RES_USER, uid,
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc,
		    "userName")), before, lost)) != SCIM_OK)
			goto fail;
	}
	ext = cJSON_GetObjectItemCaseSensitive(doc, URN_SCIMLET);
	cJSON_DeleteItemFromObjectCaseSensitive(ext, "appRoles");
	if (set->child == NULL) {
		cJSON_Delete(set);
		if (ext != NULL && ext->child == NULL)
			cJSON_DeleteItemFromObjectCaseSensitive(doc,
			    URN_SCIMLET);
	} else {
		if (ext == NULL && ((ext = cJSON_CreateObject()) == NULL ||
		    json_add(doc, URN_SCIMLET, ext) == -1)) {
			cJSON_Delete(set);
			return SCIM_ENOMEM;
		}
		if (json_add(ext, "appRoles", set) == -1)
			return SCIM_ENOMEM;
	}
	/* Keep "schemas" true to the extensions present. */
	if ((urns = schema_urns(ctx_schema(cx, RES_USER), doc)) == NULL)
		return SCIM_ENOMEM;
	if (!cJSON_ReplaceItemInObjectCaseSensitive(doc, "schemas", urns) &&
	    json_add(doc, "schemas", urns) == -1)
		return SCIM_ENOMEM;
	return SCIM_OK;
fail:
	cJSON_Delete(set);
	return e;
}

/* grant_refresh(); *changed (if not NULL) set when the roles changed. */
static enum scim_err
refresh_one(struct store_txn *tx, const struct ctx *cx, const uint8_t uid[16],
    int *changed)
{
	const char	*json;
	char		*out;
	size_t		 len;
	cJSON		*old, *doc, *set = NULL;
	enum scim_err	 e;

	if (changed != NULL)
		*changed = 0;
	e = store_res_get(tx, cx->cx_tenant.tn_id, RES_USER, uid, &json, &len);
	if (e == SCIM_ENOTFOUND)
		return SCIM_OK;
	if (e != SCIM_OK)
		return e;
	if ((old = cJSON_ParseWithLength(json, len)) == NULL)
		return SCIM_ESTORE;
	if ((e = roles_compute(tx, cx, uid, old, NULL, 0, &set, NULL)) !=
	    SCIM_OK) {
		cJSON_Delete(old);
		return e;
	}
	if (app_roles(old) == NULL ? set->child == NULL :
	    json_equal(set, app_roles(old)) == 1) {
		cJSON_Delete(set);
		cJSON_Delete(old);
		return SCIM_OK;		/* unchanged */
	}
	if ((doc = cJSON_Duplicate(old, 1)) == NULL) {
		cJSON_Delete(set);
		cJSON_Delete(old);
		return SCIM_ENOMEM;
	}
	/* The user's representation changed: a new version. */
	if ((e = grant_apply(tx, cx, uid, doc, old, set)) == SCIM_OK) {
		if (record_touch(doc) == -1 ||
		    (out = cJSON_PrintUnformatted(doc)) == NULL)
			e = SCIM_ENOMEM;
		else {
			e = store_res_put(tx, cx->cx_tenant.tn_id, RES_USER,
			    uid, out, strlen(out), 0);
			free(out);
			if (e == SCIM_OK)
				e = audit_change(tx, cx, RES_USER, uid,
				    "roles");
			if (e == SCIM_OK && changed != NULL)
				*changed = 1;
		}
	}
	cJSON_Delete(old);
	cJSON_Delete(doc);
	return e;
}

enum scim_err
grant_refresh(struct store_txn *tx, const struct ctx *cx,
    const uint8_t uid[16])
{
	return refresh_one(tx, cx, uid, NULL);
}

enum scim_err
grant_refresh_set(struct store_txn *tx, const struct ctx *cx,
    struct roles_set *rs)
{
	enum scim_err	e = rs->rs_oom ? SCIM_ENOMEM : SCIM_OK;
	size_t		i;

	for (i = 0; e == SCIM_OK && i < rs->rs_n; i++)
		e = grant_refresh(tx, cx, rs->rs_ids[i]);
	rs->rs_n = 0;
	return e;
}

static int
collect(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	(void)json;
	(void)len;
	roles_set_add(arg, id);
	return ((struct roles_set *)arg)->rs_oom;
}

enum scim_err
grant_refresh_all(struct store_txn *tx, const struct ctx *cx,
    size_t *recomputed, size_t *changed)
{
	struct roles_set	rs;
	enum scim_err		e;
	size_t			i;
	int			ch;

	if (recomputed != NULL)
		*recomputed = 0;
	if (changed != NULL)
		*changed = 0;
	/* The ids first: the users are rewritten while walking them. */
	memset(&rs, 0, sizeof(rs));
	e = store_res_each(tx, cx->cx_tenant.tn_id, RES_USER, collect, &rs);
	if (e == SCIM_OK && rs.rs_oom)
		e = SCIM_ENOMEM;
	for (i = 0; e == SCIM_OK && i < rs.rs_n; i++) {
		if ((e = refresh_one(tx, cx, rs.rs_ids[i], &ch)) != SCIM_OK)
			break;
		if (recomputed != NULL)
			(*recomputed)++;
		if (changed != NULL && ch)
			(*changed)++;
	}
	roles_set_free(&rs);
	return e;
}
