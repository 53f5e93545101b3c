/*
 * filter_member.c: filters on Group.members and User.groups (RFC 7643
 * §4.2, §4.1.2), answered from the membership keys, since the stored
 * resources hold no membership.
 *
 * Each membership is one element: {"value", "display", "type"} ($ref is
 * not kept, so a filter on it matches nothing).  A filter that pins the
 * value (members[value eq "id"], members.value eq "id", groups.value eq
 * "id") reads one key; anything else walks the resource's memberships
 * until one element matches.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "filter_int.h"
#include "schema.h"
#include "store.h"
#include "util.h"

enum fmember
filter_membership(const struct schema *sc, const struct schema_attr *a)
{
	if (sc->sc_type == RES_GROUP && strcmp(a->sa_name, "members") == 0)
		return FM_MEMBERS;
	if (sc->sc_type == RES_USER && strcmp(a->sa_name, "groups") == 0)
		return FM_GROUPS;
	return FM_NONE;
}

struct walk {
	const struct fnode		*w_n;
	const struct schema_attr	*w_a;
	const struct schema_attr	*w_sub;
	struct filter_env		*w_env;
	int				 w_display;	/* read display */
	int				 w_seen;	/* elements met */
	int				 w_match;
};

/* Does the filter below n name a display sub-attribute? */
static int
wants_display(const struct fnode *n)
{
	const char	*p;

	if (n == NULL)
		return 0;
	if (n->fn_sub != NULL && util_strcaseeq(n->fn_sub, "display"))
		return 1;
	if (n->fn_path != NULL) {
		p = strrchr(n->fn_path, '.');
		if (util_strcaseeq(p != NULL ? p + 1 : n->fn_path, "display"))
			return 1;
	}
	return wants_display(n->fn_left) || wants_display(n->fn_right);
}

/*
 * Test one element (consumed) against the filter: a value path on it, or
 * the comparison as on an attribute holding only it.
 */
static void
test(struct walk *w, cJSON *el)
{
	cJSON	*box, *arr;

	w->w_seen = 1;
	if (el == NULL) {
		w->w_env->fe_err = SCIM_ENOMEM;
		return;
	}
	if (w->w_n->fn_type == FN_VALUEPATH) {
		w->w_match = filter_eval_element(w->w_n, w->w_a, el);
		cJSON_Delete(el);
		return;
	}
	if ((box = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(box, w->w_a->sa_name)) == NULL) {
		cJSON_Delete(box);
		cJSON_Delete(el);
		w->w_env->fe_err = SCIM_ENOMEM;
		return;
	}
	cJSON_AddItemToArray(arr, el);
	w->w_match = filter_eval_attr(w->w_n, w->w_a, w->w_sub, box);
	cJSON_Delete(box);
}

static cJSON *
element(const uint8_t id[16], const char *display, const char *type)
{
	char	 ids[UUID_STRLEN + 1];
	cJSON	*el;

	util_uuid_format(id, ids);
	if ((el = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(el, "value", ids) == NULL ||
	    (display != NULL && cJSON_AddStringToObject(el, "display",
	    display) == NULL) ||
	    cJSON_AddStringToObject(el, "type", type) == NULL) {
		cJSON_Delete(el);
		return NULL;
	}
	return el;
}

/* A member of the group, as Group.members shows it. */
static int
member(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	struct walk	*w = arg;
	char		*d;

	if ((d = malloc(dlen + 1)) == NULL) {
		w->w_env->fe_err = SCIM_ENOMEM;
		return 1;
	}
	memcpy(d, display, dlen);
	d[dlen] = '\0';
	test(w, element(id, dlen > 0 ? d : NULL, type == RES_GROUP ?
	    "Group" : "User"));
	free(d);
	return w->w_match || w->w_env->fe_err != SCIM_OK;
}

/* A group the user is in, as User.groups shows it. */
static int
group(const uint8_t gid[16], void *arg)
{
	struct walk	*w = arg;
	const char	*json;
	const cJSON	*dn = NULL;
	cJSON		*g = NULL;
	size_t		 len;
	enum scim_err	 e;

	if (w->w_display) {
		e = store_res_get(w->w_env->fe_tx, w->w_env->fe_tenant,
		    RES_GROUP, gid, &json, &len);
		if (e == SCIM_OK && (g = cJSON_ParseWithLength(json,
		    len)) == NULL)
			e = SCIM_ESTORE;
		if (e != SCIM_OK && e != SCIM_ENOTFOUND) {
			w->w_env->fe_err = e;
			return 1;
		}
		dn = cJSON_GetObjectItem(g, "displayName");
	}
	test(w, element(gid, cJSON_IsString(dn) ? dn->valuestring : NULL,
	    "direct"));
	cJSON_Delete(g);
	return w->w_match || w->w_env->fe_err != SCIM_OK;
}

/*
 * The value every matching element must have, when the filter says:
 * value eq "x" (alone or and-ed) inside a value path, or as the
 * comparison.
 */
static const char *
pinned_in(const struct fnode *n)
{
	const char	*v;

	if (n->fn_type == FN_AND)
		return (v = pinned_in(n->fn_left)) != NULL ? v :
		    pinned_in(n->fn_right);
	if (n->fn_type == FN_CMP && n->fn_op == FOP_EQ &&
	    util_strcaseeq(n->fn_path, "value") &&
	    cJSON_IsString(n->fn_value))
		return n->fn_value->valuestring;
	return NULL;
}

static const char *
pinned(const struct fnode *n, const struct schema_attr *sub)
{
	if (n->fn_type == FN_VALUEPATH && n->fn_sub != NULL &&
	    n->fn_op == FOP_EQ && util_strcaseeq(n->fn_sub, "value") &&
	    cJSON_IsString(n->fn_value))
		return n->fn_value->valuestring;
	if (n->fn_type == FN_VALUEPATH)
		return pinned_in(n->fn_left);
	if (n->fn_type == FN_CMP && n->fn_op == FOP_EQ &&
	    (sub == NULL || strcmp(sub->sa_name, "value") == 0) &&
	    cJSON_IsString(n->fn_value))
		return n->fn_value->valuestring;
	return NULL;
}

int
filter_eval_member(const struct fnode *n, const struct schema *sc,
    const struct schema_attr *a, const struct schema_attr *sub,
    const cJSON *doc, struct filter_env *env)
{
	struct walk	 w;
	struct fnode	 eq;
	uint8_t		 self[16], other[16];
	char		 d[STORE_DISPLAY_MAX + 1];
	const char	*v, *ids;
	cJSON		*none;
	enum res_type	 type;
	enum fmember	 m = filter_membership(sc, a);
	enum scim_err	 e;

	/* ne is "not eq" over every membership. */
	if (n->fn_type == FN_CMP && n->fn_op == FOP_NE) {
		eq = *n;
		eq.fn_op = FOP_EQ;
		return !filter_eval_member(&eq, sc, a, sub, doc, env);
	}
	ids = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "id"));
	if (ids == NULL || util_uuid_parse(ids, self) == -1)
		return 0;
	memset(&w, 0, sizeof(w));
	w.w_n = n;
	w.w_a = a;
	w.w_sub = sub;
	w.w_env = env;
	w.w_display = wants_display(n);
	if ((v = pinned(n, sub)) != NULL) {
		/* Only the element of that id can match: one key. */
		if (util_uuid_parse(v, other) == -1)
			return 0;
		e = m == FM_MEMBERS ?
		    store_member_get(env->fe_tx, env->fe_tenant, self, other,
		    &type, d, sizeof(d)) :
		    store_member_get(env->fe_tx, env->fe_tenant, other, self,
		    &type, d, sizeof(d));
		if (e == SCIM_ENOTFOUND)
			return 0;
		if (e != SCIM_OK) {
			env->fe_err = e;
			return 0;
		}
		if (m == FM_MEMBERS)
			member(other, type, d, strlen(d), &w);
		else
			group(other, &w);
	} else if (m == FM_MEMBERS)
		e = store_member_each(env->fe_tx, env->fe_tenant, self, member,
		    &w);
	else
		e = store_memberof_each(env->fe_tx, env->fe_tenant, self,
		    group, &w);
	if (v == NULL && e != SCIM_OK && env->fe_err == SCIM_OK)
		env->fe_err = e;
	if (env->fe_err != SCIM_OK)
		return 0;
	if (w.w_seen || n->fn_type == FN_VALUEPATH)
		return w.w_match;
	/* No membership at all: as an absent attribute (eq null, not pr). */
	if ((none = cJSON_CreateObject()) == NULL) {
		env->fe_err = SCIM_ENOMEM;
		return 0;
	}
	w.w_match = filter_eval_attr(n, a, sub, none);
	cJSON_Delete(none);
	return w.w_match;
}
