/*
 * patch_members.c: PATCH operations on a group's `members` (RFC 7644
 * §3.5.2 with the forms doc/clients.md §3.10 lists).  Membership is not in
 * the group's record: each change goes to the caller's callbacks
 * (struct patch_members), which change the membership keys in the
 * request's write transaction.
 */
#include "config.h"

#include <string.h>

#include "filter.h"
#include "patch.h"
#include "patch_int.h"
#include "schema.h"
#include "scim_error.h"
#include "util.h"

/* The member id an element of a members value names. */
static const char *
member_id(const cJSON *el)
{
	const cJSON	*v;

	if (cJSON_IsString(el))
		return el->valuestring;	/* Microsoft's suite: a bare id */
	v = cJSON_GetObjectItem(el, "value");
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The display name sent with a member ("display", or "displayName"). */
static const char *
member_display(const cJSON *el)
{
	const cJSON	*v;

	if (!cJSON_IsObject(el))
		return NULL;
	if (!cJSON_IsString(v = cJSON_GetObjectItem(el, "display")))
		v = cJSON_GetObjectItem(el, "displayName");
	return cJSON_IsString(v) && v->valuestring[0] != '\0' ?
	    v->valuestring : NULL;
}

/* The id in a members[value eq "id"] filter, or NULL. */
static const char *
filter_member(const struct fnode *f)
{
	if (f->fn_type == FN_CMP && f->fn_op == FOP_EQ &&
	    util_strcaseeq(f->fn_path, "value") && cJSON_IsString(f->fn_value))
		return f->fn_value->valuestring;
	return NULL;
}

enum scim_err
patch_members_op(struct patch *pt, enum op op, const struct fpath *fp,
    const cJSON *value)
{
	const struct patch_members	*pm = pt->pt_pm;
	const struct schema_attr	*a;
	const cJSON			*el;
	const char			*id;
	enum scim_err			 e;

	if (fp->fp_filter != NULL) {
		if ((id = filter_member(fp->fp_filter)) == NULL)
			return scim_fail(pt->pt_resp, SCIM_EPATH,
			    "members can be filtered only by value eq \"id\"");
		if (fp->fp_sub != NULL) {
			/* display etc.: computed; but only what there is. */
			a = schema_attr_find(pt->pt_sc->sc_attrs, "members");
			if (a == NULL || strchr(fp->fp_sub, '.') != NULL ||
			    schema_attr_find(a->sa_sub, fp->fp_sub) == NULL)
				return scim_fail(pt->pt_resp, SCIM_EPATH,
				    "members has no sub-attribute %.64s",
				    fp->fp_sub);
			return SCIM_OK;
		}
		return op == OP_REMOVE ? pm->pm_remove(pm->pm_arg, id,
		    pt->pt_resp) : pm->pm_add(pm->pm_arg, id, NULL,
		    pt->pt_resp);
	}
	if (fp->fp_sub != NULL)
		return scim_fail(pt->pt_resp, SCIM_EPATH,
		    "members.%s cannot be set", fp->fp_sub);
	if (op == OP_REMOVE && (value == NULL || cJSON_IsNull(value)))
		return pm->pm_clear(pm->pm_arg, pt->pt_resp);
	if (op == OP_REPLACE)		/* exactly these, or none */
		return pm->pm_set(pm->pm_arg, value, pt->pt_resp);
	if (value == NULL || cJSON_IsNull(value))
		return SCIM_OK;
	if (!cJSON_IsArray(value)) {
		if ((id = member_id(value)) == NULL)
			return scim_fail(pt->pt_resp, SCIM_EINVALVALUE,
			    "a member needs a value (its id)");
		return op == OP_REMOVE ? pm->pm_remove(pm->pm_arg, id,
		    pt->pt_resp) : pm->pm_add(pm->pm_arg, id,
		    member_display(value), pt->pt_resp);
	}
	cJSON_ArrayForEach(el, value) {
		if ((id = member_id(el)) == NULL)
			return scim_fail(pt->pt_resp, SCIM_EINVALVALUE,
			    "a member needs a value (its id)");
		e = op == OP_REMOVE ? pm->pm_remove(pm->pm_arg, id,
		    pt->pt_resp) : pm->pm_add(pm->pm_arg, id,
		    member_display(el), pt->pt_resp);
		if (e != SCIM_OK)
			return e;
	}
	return SCIM_OK;
}
