/*
 * roles.c: from what a user holds to the application roles it has.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "http.h"
#include "json.h"
#include "resource.h"
#include "roles.h"
#include "schema.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

struct acc {
	struct store_txn	*a_tx;
	const struct tenant	*a_t;
	cJSON			*a_roles;	/* application roles, a set */
	int			 a_strict;
	struct scim_resp	*a_resp;
	enum scim_err		 a_err;
};

static void
add_role(struct acc *a, const char *role)
{
	const cJSON	*el;

	cJSON_ArrayForEach(el, a->a_roles)
		if (strcmp(el->valuestring, role) == 0)
			return;
	cJSON_AddItemToArray(a->a_roles, cJSON_CreateString(role));
}

/* One incoming role value: its mapping, or the unknown-role policy. */
static void
incoming(struct acc *a, const char *value)
{
	char		 folded[STORE_ROLE_MAX + 1], role[STORE_ROLE_MAX + 1];
	enum scim_err	 e;

	if (a->a_err != SCIM_OK || value[0] == '\0')
		return;
	util_strlcpy(folded, value, sizeof(folded));
	schema_fold(folded, folded);
	e = store_role_get(a->a_tx, a->a_t->tn_id, ROLE_VALUE, folded, role,
	    sizeof(role));
	if (e == SCIM_OK)
		add_role(a, role);
	else if (e != SCIM_ENOTFOUND)
		a->a_err = e;
	else if (a->a_strict && a->a_t->tn_rolereject)
		a->a_err = scim_fail(a->a_resp, SCIM_EINVALVALUE,
		    "role %.64s is not mapped to an application role", value);
}

/* Every string an attribute value holds (element values, or itself). */
static void
values_of(struct acc *a, const cJSON *v, const char *sub)
{
	const cJSON	*el, *x;

	if (cJSON_IsString(v)) {
		incoming(a, v->valuestring);
		return;
	}
	if (cJSON_IsObject(v)) {
		x = cJSON_GetObjectItem(v, sub != NULL ? sub : "value");
		if (cJSON_IsString(x))
			incoming(a, x->valuestring);
		return;
	}
	if (!cJSON_IsArray(v))
		return;
	cJSON_ArrayForEach(el, v)
		values_of(a, el, sub);
}

/* The incoming role values of doc, by the tenant's role source. */
static void
source_values(struct acc *a, const cJSON *doc)
{
	const struct schema_attr	*attr, *sub;
	const char			*src, *ext, *colon;
	char				 urn[256];

	src = a->a_t->tn_rolesource[0] != '\0' ? a->a_t->tn_rolesource :
	    "roles";
	if (schema_resolve(schema_get(RES_USER), src, &attr, &sub, &ext) == 0) {
		values_of(a, cJSON_GetObjectItem(ext != NULL ?
		    cJSON_GetObjectItem(doc, ext) : doc, attr->sa_name),
		    sub != NULL ? sub->sa_name : NULL);
		return;
	}
	/* A custom attribute: top level (roleName), or "URN:attr". */
	if (strncasecmp(src, "urn:", 4) == 0 &&
	    (colon = strrchr(src, ':')) != NULL &&
	    (size_t)(colon - src) < sizeof(urn)) {
		memcpy(urn, src, (size_t)(colon - src));
		urn[colon - src] = '\0';
		values_of(a, cJSON_GetObjectItem(cJSON_GetObjectItem(doc, urn),
		    colon + 1), NULL);
		return;
	}
	values_of(a, cJSON_GetObjectItem(doc, src), NULL);
}

/* One group the user is in: its displayName's mapping. */
static int
group_role(const uint8_t gid[16], void *arg)
{
	struct acc	*a = arg;
	const cJSON	*dn;
	const char	*json;
	char		 folded[STORE_ROLE_MAX + 1], role[STORE_ROLE_MAX + 1];
	size_t		 len;
	cJSON		*g;
	enum scim_err	 e;

	if (store_res_get(a->a_tx, a->a_t->tn_id, RES_GROUP, gid, &json,
	    &len) != SCIM_OK || (g = cJSON_ParseWithLength(json, len)) == NULL)
		return 0;
	dn = cJSON_GetObjectItem(g, "displayName");
	if (cJSON_IsString(dn)) {
		util_strlcpy(folded, dn->valuestring, sizeof(folded));
		schema_fold(folded, folded);
		e = store_role_get(a->a_tx, a->a_t->tn_id, ROLE_GROUP, folded,
		    role, sizeof(role));
		if (e == SCIM_OK)
			add_role(a, role);
		else if (e != SCIM_ENOTFOUND)
			a->a_err = e;
	}
	cJSON_Delete(g);
	return a->a_err != SCIM_OK;
}

static int
by_name(const void *x, const void *y)
{
	return strcmp((*(cJSON *const *)x)->valuestring,
	    (*(cJSON *const *)y)->valuestring);
}

/* An audit entry when a user loses application roles it had. */
static enum scim_err
roles_lost(struct store_txn *tx, const struct tenant *t,
    const uint8_t uid[16], const cJSON *doc, const cJSON *was,
    const cJSON *now)
{
	const cJSON	*r, *n;
	cJSON		*lost = NULL, *before;
	int		 kept;

	cJSON_ArrayForEach(r, was) {
		kept = 0;
		cJSON_ArrayForEach(n, now)
			if (cJSON_IsString(r) && cJSON_IsString(n) &&
			    strcmp(r->valuestring, n->valuestring) == 0)
				kept = 1;
		if (kept || !cJSON_IsString(r))
			continue;
		if (lost == NULL && (lost = cJSON_CreateArray()) == NULL)
			return SCIM_ENOMEM;
		cJSON_AddItemToArray(lost, cJSON_CreateString(r->valuestring));
	}
	if (lost == NULL)
		return SCIM_OK;
	if ((before = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(lost);
		return SCIM_ENOMEM;
	}
	cJSON_AddItemToObject(before, "appRoles", cJSON_Duplicate(was, 1));
	return audit_record(tx, t, "role.lost", RES_USER, uid,
	    cJSON_GetStringValue(cJSON_GetObjectItem(doc, "userName")), before,
	    lost);
}

enum scim_err
roles_compute(struct store_txn *tx, const struct tenant *t,
    const uint8_t uid[16], cJSON *doc, int strict, struct scim_resp *resp)
{
	struct acc	 a;
	cJSON		*ext, *el, **v;
	int		 n, i;
	enum scim_err	 e;

	memset(&a, 0, sizeof(a));
	a.a_tx = tx;
	a.a_t = t;
	a.a_strict = strict;
	a.a_resp = resp;
	if ((a.a_roles = cJSON_CreateArray()) == NULL)
		return SCIM_ENOMEM;
	source_values(&a, doc);
	if (a.a_err == SCIM_OK && roles_by_group(tx, t) &&
	    (e = store_memberof_each(tx, t->tn_id, uid, group_role, &a)))
		a.a_err = e;
	if (a.a_err != SCIM_OK) {
		cJSON_Delete(a.a_roles);
		return a.a_err;
	}
	if (a.a_roles->child == NULL && t->tn_roledefault[0] != '\0')
		add_role(&a, t->tn_roledefault);
	/* Sorted, so an unchanged set compares equal. */
	n = cJSON_GetArraySize(a.a_roles);
	if (n > 1 && (v = calloc((size_t)n, sizeof(*v))) != NULL) {
		for (i = 0, el = a.a_roles->child; el != NULL; el = el->next)
			v[i++] = el;
		qsort(v, (size_t)n, sizeof(*v), by_name);
		for (i = 0; i < n; i++) {
			cJSON_DetachItemViaPointer(a.a_roles, v[i]);
			cJSON_AddItemToArray(a.a_roles, v[i]);
		}
		free(v);
	}
	ext = cJSON_GetObjectItem(doc, URN_SCIMLET);
	if ((e = roles_lost(tx, t, uid, doc, cJSON_GetObjectItem(ext,
	    "appRoles"), a.a_roles)) != SCIM_OK) {
		cJSON_Delete(a.a_roles);
		return e;
	}
	if (a.a_roles->child == NULL) {
		cJSON_Delete(a.a_roles);
		cJSON_DeleteItemFromObject(ext, "appRoles");
		if (ext != NULL && ext->child == NULL)
			cJSON_DeleteItemFromObject(doc, URN_SCIMLET);
	} else {
		if (ext == NULL && ((ext = cJSON_CreateObject()) == NULL ||
		    json_add(doc, URN_SCIMLET, ext) == -1)) {
			cJSON_Delete(a.a_roles);
			return SCIM_ENOMEM;
		}
		cJSON_DeleteItemFromObject(ext, "appRoles");
		if (json_add(ext, "appRoles", a.a_roles) == -1)
			return SCIM_ENOMEM;
	}
	/* Keep "schemas" true to the extensions present. */
	if ((el = schema_urns(schema_get(RES_USER), doc)) != NULL &&
	    !cJSON_ReplaceItemInObjectCaseSensitive(doc, "schemas", el))
		cJSON_Delete(el);
	return SCIM_OK;
}

enum scim_err
roles_refresh(struct store_txn *tx, const struct tenant *t,
    const uint8_t uid[16])
{
	const char	*json;
	char		*out;
	size_t		 len;
	cJSON		*old, *doc;
	enum scim_err	 e;

	e = store_res_get(tx, t->tn_id, RES_USER, uid, &json, &len);
	if (e == SCIM_ENOTFOUND)
		return SCIM_OK;
	if (e != SCIM_OK)
		return e;
	if ((old = cJSON_ParseWithLength(json, len)) == NULL)
		return SCIM_ESTORE;
	if ((doc = cJSON_Duplicate(old, 1)) == NULL) {
		cJSON_Delete(old);
		return SCIM_ENOMEM;
	}
	if ((e = roles_compute(tx, t, uid, doc, 0, NULL)) == SCIM_OK &&
	    !cJSON_Compare(old, doc, 1)) {
		/* The user's representation changed: a new version. */
		if (resource_touch(doc) == -1 ||
		    (out = cJSON_PrintUnformatted(doc)) == NULL)
			e = SCIM_ENOMEM;
		else {
			e = store_res_put(tx, t->tn_id, RES_USER, uid, out,
			    strlen(out), 0);
			free(out);
			if (e == SCIM_OK)
				e = audit_change(tx, t, RES_USER, uid, "roles");
		}
	}
	cJSON_Delete(old);
	cJSON_Delete(doc);
	return e;
}

struct ids {
	uint8_t	(*ids)[16];
	size_t	 n, cap;
	int	 oom;
};

static int
collect(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct ids	*x = arg;
	void		*p;

	(void)json;
	(void)len;
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 256;
		if ((p = realloc(x->ids, x->cap * 16)) == NULL) {
			x->oom = 1;
			return 1;
		}
		x->ids = p;
	}
	memcpy(x->ids[x->n++], id, 16);
	return 0;
}

enum scim_err
roles_refresh_all(struct store_txn *tx, const struct tenant *t)
{
	struct ids	x;
	size_t		i;
	enum scim_err	e;

	/* The ids first: the users are rewritten while walking them. */
	memset(&x, 0, sizeof(x));
	e = store_res_each(tx, t->tn_id, RES_USER, collect, &x);
	if (e == SCIM_OK && x.oom)
		e = SCIM_ENOMEM;
	for (i = 0; e == SCIM_OK && i < x.n; i++)
		e = roles_refresh(tx, t, x.ids[i]);
	free(x.ids);
	return e;
}

static int
first_kind(char kind, const char *value, const char *role, void *arg)
{
	(void)value;
	(void)role;
	*(char *)arg = kind;
	return 1;
}

int
roles_by_group(struct store_txn *tx, const struct tenant *t)
{
	char	kind = 0;

	/* ROLE_GROUP ('g') sorts before ROLE_VALUE ('v'): look at one key. */
	if (store_role_each(tx, t->tn_id, first_kind, &kind) != SCIM_OK)
		return 1;	/* when unsure, recompute */
	return kind == ROLE_GROUP;
}

void
roles_set_add(struct roles_set *rs, const uint8_t id[16])
{
	void	*p;

	if (rs->rs_n == rs->rs_cap) {
		rs->rs_cap = rs->rs_cap ? rs->rs_cap * 2 : 16;
		if ((p = realloc(rs->rs_ids, rs->rs_cap * 16)) == NULL) {
			rs->rs_oom = 1;
			return;
		}
		rs->rs_ids = p;
	}
	memcpy(rs->rs_ids[rs->rs_n++], id, 16);
}

static int
add_member(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	(void)display;
	(void)dlen;
	if (type == RES_USER)
		roles_set_add(arg, id);
	return 0;
}

enum scim_err
roles_set_members(struct store_txn *tx, const struct tenant *t,
    const uint8_t gid[16], struct roles_set *rs)
{
	return store_member_each(tx, t->tn_id, gid, add_member, rs);
}

enum scim_err
roles_set_refresh(struct store_txn *tx, const struct tenant *t,
    struct roles_set *rs)
{
	enum scim_err	e = rs->rs_oom ? SCIM_ENOMEM : SCIM_OK;
	size_t		i;

	for (i = 0; e == SCIM_OK && i < rs->rs_n; i++)
		e = roles_refresh(tx, t, rs->rs_ids[i]);
	rs->rs_n = 0;
	return e;
}

void
roles_set_free(struct roles_set *rs)
{
	free(rs->rs_ids);
	memset(rs, 0, sizeof(*rs));
}
