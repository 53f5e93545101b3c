/*
 * user_query.c: users as the operator reads them (user_query.h).
 */
#include "config.h"

#include <string.h>

#include "schema.h"
#include "store.h"
#include "user_query.h"
#include "util.h"

const cJSON *
user_app_roles(const cJSON *doc)
{
	return cJSON_GetObjectItem(cJSON_GetObjectItem(doc, URN_SCIMLET),
	    "appRoles");
}

int
user_has_role(const cJSON *doc, const char *role)
{
	const cJSON	*el;

	cJSON_ArrayForEach(el, user_app_roles(doc))
		if (cJSON_IsString(el) && strcmp(el->valuestring, role) == 0)
			return 1;
	return 0;
}

enum scim_err
user_find(struct store_txn *tx, const struct tenant *t, const char *who,
    const char **json, size_t *len)
{
	uint8_t		 id[16], ids[2][16];
	char		 folded[SCIM_MAX_KEYSTR + 1];
	size_t		 n;
	enum scim_err	 e = SCIM_ENOTFOUND;

	if (util_uuid_parse(who, id) == 0 &&
	    (e = store_res_get(tx, t->tn_id, RES_USER, id, json, len)) !=
	    SCIM_ENOTFOUND)
		return e;
	if (strlen(who) > SCIM_MAX_KEYSTR)
		return SCIM_ENOTFOUND;
	schema_fold(who, folded);
	e = store_idx_find(tx, t->tn_id, RES_USER, IDX_USERNAME, folded,
	    strlen(folded), ids, 2, &n);
	if (e == SCIM_OK && n == 0)
		e = SCIM_ENOTFOUND;
	if (e != SCIM_OK)
		return e;
	return store_res_get(tx, t->tn_id, RES_USER, ids[0], json, len);
}

cJSON *
user_list_json(const char *id, const cJSON *doc)
{
	const cJSON	*el;
	const char	*k;
	cJSON		*o, *a;
	int		 i;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddStringToObject(o, "id", id) == NULL)
		goto fail;
	for (i = 0; i < 2; i++) {
		k = i == 0 ? "userName" : "externalId";
		if (cJSON_GetStringValue(cJSON_GetObjectItem(doc, k)) != NULL) {
			if (cJSON_AddStringToObject(o, k, cJSON_GetStringValue(
			    cJSON_GetObjectItem(doc, k))) == NULL)
				goto fail;
		} else if (cJSON_AddNullToObject(o, k) == NULL)
			goto fail;
	}
	if (cJSON_AddBoolToObject(o, "active",
	    !cJSON_IsFalse(cJSON_GetObjectItem(doc, "active"))) == NULL ||
	    (a = cJSON_AddArrayToObject(o, "appRoles")) == NULL)
		goto fail;
	cJSON_ArrayForEach(el, user_app_roles(doc))
		if (cJSON_IsString(el) && !cJSON_AddItemToArray(a,
		    cJSON_CreateString(el->valuestring)))
			goto fail;
	return o;
 fail:
	cJSON_Delete(o);
	return NULL;
}
