/*
 * roles.c: from what a user holds to the application roles it has.  It
 * only reads: grant.c is the one writer that applies a computed set.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctx.h"
#include "http.h"
#include "roles.h"
#include "schema.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

struct acc {
	struct store_txn	*a_tx;
	const struct ctx	*a_cx;
	cJSON			*a_roles;	/* application roles, a set */
	int			 a_collect;	/* a_roles: the incoming values */
	int			 a_strict;
	cJSON			*a_held;	/* values held before: not judged */
	struct scim_resp	*a_resp;
	enum scim_err		 a_err;
};

static int held_before(struct acc *, const char *);

static void
add_role(struct acc *a, const char *role)
{
	const cJSON	*el;
	cJSON		*s;

	cJSON_ArrayForEach(el, a->a_roles)
		if (strcmp(el->valuestring, role) == 0)
			return;
	if ((s = cJSON_CreateString(role)) == NULL) {
		a->a_err = SCIM_ENOMEM;
		return;
	}
	cJSON_AddItemToArray(a->a_roles, s);
}

/* One incoming role value: its mapping, or the unknown-role policy. */
static void
incoming(struct acc *a, const char *value)
{
	char		 folded[STORE_ROLE_MAX + 1], role[STORE_ROLE_MAX + 1];
	enum scim_err	 e;

	if (a->a_err != SCIM_OK || value[0] == '\0')
		return;
	if (a->a_collect) {
		add_role(a, value);
		return;
	}
	util_strlcpy(folded, value, sizeof(folded));
	schema_fold(folded, folded);
	/* Mappings are the operator's: the live tenant's, also in a
	 * preview (src/preview.h). */
	e = store_role_get(a->a_tx, TENANT_HOME(&a->a_cx->cx_tenant),
	    ROLE_VALUE, folded, role, sizeof(role));
	if (e == SCIM_OK)
		add_role(a, role);
	else if (e != SCIM_ENOTFOUND)
		a->a_err = e;
	else if (a->a_strict && !held_before(a, value))
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

	src = a->a_cx->cx_tenant.tn_rolesource[0] != '\0' ?
	    a->a_cx->cx_tenant.tn_rolesource : "roles";
	if (schema_resolve(ctx_schema(a->a_cx, RES_USER), src, &attr, &sub,
	    &ext) == 0) {
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

	if ((e = store_res_get(a->a_tx, a->a_cx->cx_tenant.tn_id, RES_GROUP,
	    gid, &json, &len)) == SCIM_ENOTFOUND)
		return 0;
	if (e != SCIM_OK || (g = cJSON_ParseWithLength(json, len)) == NULL) {
		a->a_err = e != SCIM_OK ? e : SCIM_ESTORE;
		return 1;
	}
	dn = cJSON_GetObjectItem(g, "displayName");
	if (cJSON_IsString(dn)) {
		util_strlcpy(folded, dn->valuestring, sizeof(folded));
		schema_fold(folded, folded);
		e = store_role_get(a->a_tx, TENANT_HOME(&a->a_cx->cx_tenant),
		    ROLE_GROUP, folded, role, sizeof(role));
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

/* Does the role source of old hold incoming value v (any case)? */
static int
held_before(struct acc *a, const char *v)
{
	const cJSON	*el;

	cJSON_ArrayForEach(el, a->a_held)
		if (util_strcaseeq(el->valuestring, v))
			return 1;
	return 0;
}

enum scim_err
roles_compute(struct store_txn *tx, const struct ctx *cx,
    const uint8_t uid[16], const cJSON *doc, const cJSON *old, int strict,
    cJSON **set, struct scim_resp *resp)
{
	struct acc	 a, prev;
	cJSON		*el, **v;
	int		 n, i, inactive;
	enum scim_err	 e;

	*set = NULL;
	memset(&a, 0, sizeof(a));
	a.a_tx = tx;
	a.a_cx = cx;
	a.a_resp = resp;
	if ((a.a_roles = cJSON_CreateArray()) == NULL)
		return SCIM_ENOMEM;
	/*
	 * The unknown-role policy judges only the values this request
	 * brings: those old (the stored form before it) did not hold.  A
	 * request that deactivates the user is never judged:
	 * deprovisioning is never refused by a role policy.
	 */
	inactive = cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(doc,
	    "active"));
	a.a_strict = strict && cx->cx_tenant.tn_rolereject && !(inactive &&
	    old != NULL && !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(old,
	    "active")));
	/* An inactive user holds no application role. */
	if (inactive && !a.a_strict) {
		*set = a.a_roles;
		return SCIM_OK;
	}
	if (a.a_strict && old != NULL) {
		memset(&prev, 0, sizeof(prev));
		prev.a_cx = cx;
		prev.a_collect = 1;
		if ((prev.a_roles = cJSON_CreateArray()) == NULL) {
			cJSON_Delete(a.a_roles);
			return SCIM_ENOMEM;
		}
		source_values(&prev, old);
		if (prev.a_err != SCIM_OK) {
			cJSON_Delete(prev.a_roles);
			cJSON_Delete(a.a_roles);
			return prev.a_err;
		}
		a.a_held = prev.a_roles;
	}
	source_values(&a, doc);
	cJSON_Delete(a.a_held);
	if (inactive) {			/* judged, and holds nothing */
		cJSON_Delete(a.a_roles);
		if (a.a_err != SCIM_OK)
			return a.a_err;
		return (*set = cJSON_CreateArray()) != NULL ? SCIM_OK :
		    SCIM_ENOMEM;
	}
	if (a.a_err == SCIM_OK && roles_by_group(tx, cx) &&
	    (e = store_memberof_each(tx, cx->cx_tenant.tn_id, uid, group_role,
	    &a)))
		a.a_err = e;
	if (a.a_err == SCIM_OK && a.a_roles->child == NULL &&
	    cx->cx_tenant.tn_roledefault[0] != '\0')
		add_role(&a, cx->cx_tenant.tn_roledefault);
	if (a.a_err != SCIM_OK) {
		cJSON_Delete(a.a_roles);
		return a.a_err;
	}
	/* Sorted, so an unchanged set compares equal. */
	n = cJSON_GetArraySize(a.a_roles);
	if (n > 1) {
		if ((v = calloc((size_t)n, sizeof(*v))) == NULL) {
			cJSON_Delete(a.a_roles);
			return SCIM_ENOMEM;
		}
		for (i = 0, el = a.a_roles->child; el != NULL; el = el->next)
			v[i++] = el;
		qsort(v, (size_t)n, sizeof(*v), by_name);
		for (i = 0; i < n; i++) {
			cJSON_DetachItemViaPointer(a.a_roles, v[i]);
			cJSON_AddItemToArray(a.a_roles, v[i]);
		}
		free(v);
	}
	*set = a.a_roles;
	return SCIM_OK;
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
roles_by_group(struct store_txn *tx, const struct ctx *cx)
{
	char	kind = 0;

	/* ROLE_GROUP ('g') sorts before ROLE_VALUE ('v'): look at one key. */
	if (store_role_each(tx, TENANT_HOME(&cx->cx_tenant), first_kind,
	    &kind) != SCIM_OK)
		return 1;	/* when unsure, recompute */
	return kind == ROLE_GROUP;
}

void
roles_set_add(struct roles_set *rs, const uint8_t id[16])
{
	void	*p;
	size_t	 cap;

	if (rs->rs_oom)
		return;			/* the set is already short */
	if (rs->rs_n == rs->rs_cap) {
		cap = rs->rs_cap ? rs->rs_cap * 2 : 16;
		if ((p = realloc(rs->rs_ids, cap * 16)) == NULL) {
			rs->rs_oom = 1;
			return;
		}
		rs->rs_ids = p;
		rs->rs_cap = cap;
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
	return ((struct roles_set *)arg)->rs_oom;
}

enum scim_err
roles_set_members(struct store_txn *tx, const struct ctx *cx,
    const uint8_t gid[16], struct roles_set *rs)
{
	enum scim_err	e;

	e = store_member_each(tx, cx->cx_tenant.tn_id, gid, add_member, rs);
	return e == SCIM_OK && rs->rs_oom ? SCIM_ENOMEM : e;
}

void
roles_set_free(struct roles_set *rs)
{
	free(rs->rs_ids);
	memset(rs, 0, sizeof(*rs));
}
