/*
 * patch.c: PATCH operations applied in order to an in-memory resource.
 *
 * Dialects accepted (doc/clients.md §2.3, §3.2, §3.7, §3.10):
 * - "op" in any case (Entra sends Add/Replace/Remove);
 * - path-less add/replace whose value keys are themselves paths
 *   ("name.givenName", "urn:…:enterprise:2.0:User:employeeNumber");
 * - a value-filter path that matches nothing creates the element
 *   ({"type":"work", "value": …}) instead of failing with noTarget;
 * - replace with "" or null removes the attribute;
 * - remove of a multi-valued attribute WITH a value removes only those
 *   values (Entra's member removal) — never the whole attribute;
 * - unprefixed extension attributes ("manager"), string booleans,
 *   bare-string and one-element-array values (through schema.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter.h"
#include "http.h"
#include "json.h"
#include "patch.h"
#include "patch_int.h"
#include "schema.h"
#include "scim_error.h"
#include "util.h"

#define URN_PATCHOP	"urn:ietf:params:scim:api:messages:2.0:PatchOp"

static enum scim_err	apply_path(struct patch *, enum op, const char *,
			    const cJSON *);

/* "" and null clear an attribute (Entra, the Logic App null test). */
static int
is_empty(const cJSON *v)
{
	return v == NULL || cJSON_IsNull(v) ||
	    (cJSON_IsString(v) && v->valuestring[0] == '\0');
}

/* Set obj[name] = item (consumed), replacing any value in any case. */
static int
set_item(cJSON *obj, const char *name, cJSON *item)
{
	cJSON_DeleteItemFromObject(obj, name);
	return json_add(obj, name, item);
}

/* The object obj[name], made when absent (NULL: not an object, or OOM). */
static cJSON *
child_object(cJSON *obj, const char *name, int create)
{
	cJSON	*o = cJSON_GetObjectItem(obj, name);

	if (o != NULL || !create)
		return cJSON_IsObject(o) ? o : NULL;
	if ((o = cJSON_CreateObject()) == NULL || json_add(obj, name, o) == -1)
		return NULL;
	return o;
}

/* Copy every member of src into dst, replacing same-named ones. */
static int
merge(cJSON *dst, const cJSON *src)
{
	const cJSON	*c;

	cJSON_ArrayForEach(c, src)
		if (set_item(dst, c->string, cJSON_Duplicate(c, 1)) == -1)
			return -1;
	return 0;
}

/* RFC 7643 §2.4: at most one element may be primary. */
static void
one_primary(cJSON *arr, const cJSON *keep)
{
	cJSON	*el, *p;

	if (!cJSON_IsTrue(cJSON_GetObjectItem(keep, "primary")))
		return;
	cJSON_ArrayForEach(el, arr)
		if (el != keep &&
		    cJSON_IsTrue(p = cJSON_GetObjectItem(el, "primary")))
			cJSON_ReplaceItemInObjectCaseSensitive(el, p->string,
			    cJSON_CreateFalse());
}

static int
same_str(const cJSON *a, const cJSON *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return cJSON_IsString(a) && cJSON_IsString(b) &&
	    strcmp(a->valuestring, b->valuestring) == 0;
}

/*
 * Add el (consumed) to a multi-valued attribute: an equal element is not
 * added twice; an element with the same value and type is updated.
 */
static int
add_element(cJSON *arr, cJSON *el)
{
	cJSON		*cur;
	const cJSON	*v = cJSON_GetObjectItem(el, "value");

	cJSON_ArrayForEach(cur, arr) {
		if (json_equal(cur, el) == 1) {
			cJSON_Delete(el);
			return 0;
		}
		if (v != NULL && cJSON_IsObject(cur) &&
		    same_str(cJSON_GetObjectItem(cur, "value"), v) &&
		    same_str(cJSON_GetObjectItem(cur, "type"),
		    cJSON_GetObjectItem(el, "type"))) {
			if (merge(cur, el) == -1) {
				cJSON_Delete(el);
				return -1;
			}
			cJSON_Delete(el);
			one_primary(arr, cur);
			return 0;
		}
	}
	cJSON_AddItemToArray(arr, el);
	one_primary(arr, el);
	return 0;
}

/* Does element el equal one of the values a remove-with-value names? */
static int
listed(const cJSON *el, const cJSON *values)
{
	const cJSON	*v, *want, *have;

	have = cJSON_IsObject(el) ? cJSON_GetObjectItem(el, "value") : el;
	if (cJSON_IsArray(values))
		cJSON_ArrayForEach(v, values) {
			want = cJSON_IsObject(v) ?
			    cJSON_GetObjectItem(v, "value") : v;
			if (json_equal(el, v) == 1 || (want != NULL &&
			    json_equal(have, want) == 1))
				return 1;
		}
	if (!cJSON_IsArray(values)) {
		want = cJSON_IsObject(values) ?
		    cJSON_GetObjectItem(values, "value") : values;
		return json_equal(el, values) == 1 ||
		    (want != NULL && json_equal(have, want) == 1);
	}
	return 0;
}

/* add/replace/remove on a whole attribute a in container. */
static enum scim_err
attr_op(struct patch *pt, enum op op, const struct schema_attr *a,
    cJSON *container, const cJSON *value)
{
	cJSON		*nv = NULL, *arr, *cur, *el, *next;
	enum scim_err	 e;

	if (op == OP_REMOVE) {
		arr = cJSON_GetObjectItem(container, a->sa_name);
		if (value != NULL && !cJSON_IsNull(value) &&
		    (a->sa_flags & AF_MULTI) && cJSON_IsArray(arr)) {
			/* Remove only the values given (Entra). */
			for (el = arr->child; el != NULL; el = next) {
				next = el->next;
				if (listed(el, value))
					cJSON_Delete(cJSON_DetachItemViaPointer(arr, el));
			}
			if (arr->child == NULL)
				cJSON_DeleteItemFromObject(container,
				    a->sa_name);
			return SCIM_OK;
		}
		cJSON_DeleteItemFromObject(container, a->sa_name);
		return SCIM_OK;
	}
	if (is_empty(value)) {
		cJSON_DeleteItemFromObject(container, a->sa_name);
		return SCIM_OK;
	}
	if ((e = schema_value(a, value, &nv, pt->pt_resp)) != SCIM_OK)
		return e;
	if (nv == NULL || (cJSON_IsArray(nv) && nv->child == NULL)) {
		/* [] : replace clears, add adds nothing. */
		cJSON_Delete(nv);
		if (op == OP_REPLACE)
			cJSON_DeleteItemFromObject(container, a->sa_name);
		return SCIM_OK;
	}
	if (!(a->sa_flags & AF_MULTI)) {
		cur = cJSON_GetObjectItem(container, a->sa_name);
		/* A complex value is merged: sub-attributes not given stay. */
		if (a->sa_type == AT_COMPLEX && cJSON_IsObject(cur)) {
			e = merge(cur, nv) == -1 ? SCIM_ENOMEM : SCIM_OK;
			cJSON_Delete(nv);
			return e == SCIM_OK ? e : scim_fail(pt->pt_resp, e, NULL);
		}
		return set_item(container, a->sa_name, nv) == -1 ?
		    scim_fail(pt->pt_resp, SCIM_ENOMEM, NULL) : SCIM_OK;
	}
	arr = cJSON_GetObjectItem(container, a->sa_name);
	if (op == OP_REPLACE || !cJSON_IsArray(arr)) {
		/* Keep one primary even in a replacing list. */
		cJSON_ArrayForEach(el, nv)
			one_primary(nv, el);
		return set_item(container, a->sa_name, nv) == -1 ?
		    scim_fail(pt->pt_resp, SCIM_ENOMEM, NULL) : SCIM_OK;
	}
	while ((el = nv->child) != NULL) {
		cJSON_DetachItemViaPointer(nv, el);
		if (add_element(arr, el) == -1) {
			cJSON_Delete(nv);
			return scim_fail(pt->pt_resp, SCIM_ENOMEM, NULL);
		}
	}
	cJSON_Delete(nv);
	return SCIM_OK;
}

/* Set or remove sub-attribute sub of one element (object) el. */
static enum scim_err
sub_set(struct patch *pt, enum op op, const struct schema_attr *sub,
    const char *subname, cJSON *el, const cJSON *value)
{
	cJSON		*nv = NULL;
	enum scim_err	 e;

	if (op == OP_REMOVE || is_empty(value)) {
		cJSON_DeleteItemFromObject(el, subname);
		return SCIM_OK;
	}
	if (sub == NULL)
		nv = cJSON_Duplicate(value, 1);
	else if ((e = schema_value(sub, value, &nv, pt->pt_resp)) != SCIM_OK)
		return e;
	if (nv == NULL) {
		cJSON_DeleteItemFromObject(el, subname);
		return SCIM_OK;
	}
	return set_item(el, sub != NULL ? sub->sa_name : subname, nv) == -1 ?
	    scim_fail(pt->pt_resp, SCIM_ENOMEM, NULL) : SCIM_OK;
}

/* attr.sub without a filter. */
static enum scim_err
sub_op(struct patch *pt, enum op op, const struct schema_attr *a,
    const struct schema_attr *sub, cJSON *container, const cJSON *value)
{
	cJSON		*obj, *arr, *el;
	enum scim_err	 e;

	if (a->sa_type != AT_COMPLEX)
		return scim_fail(pt->pt_resp, SCIM_EPATH,
		    "%s has no sub-attributes", a->sa_name);
	if (!(a->sa_flags & AF_MULTI)) {
		obj = child_object(container, a->sa_name, op != OP_REMOVE);
		if (obj == NULL)
			return op == OP_REMOVE ? SCIM_OK :
			    scim_fail(pt->pt_resp, SCIM_EINVALVALUE,
			    "%s is not an object", a->sa_name);
		if ((e = sub_set(pt, op, sub, sub->sa_name, obj, value)))
			return e;
		if (obj->child == NULL)
			cJSON_DeleteItemFromObject(container, a->sa_name);
		return SCIM_OK;
	}
	/* emails.value without a filter: every element. */
	arr = cJSON_GetObjectItem(container, a->sa_name);
	if (!cJSON_IsArray(arr) || arr->child == NULL) {
		if (op == OP_REMOVE || is_empty(value))
			return SCIM_OK;
		if ((arr = cJSON_CreateArray()) == NULL ||
		    set_item(container, a->sa_name, arr) == -1 ||
		    (el = cJSON_CreateObject()) == NULL)
			return scim_fail(pt->pt_resp, SCIM_ENOMEM, NULL);
		cJSON_AddItemToArray(arr, el);
	}
	cJSON_ArrayForEach(el, arr)
		if (cJSON_IsObject(el) &&
		    (e = sub_set(pt, op, sub, sub->sa_name, el, value)))
			return e;
	return SCIM_OK;
}

/*
 * The element a filter describes, for create-on-absent: the `eq` terms
 * of an `and` become sub-attributes (type eq "work" -> "type":"work").
 * Returns -1 when the filter says anything else.
 */
static int
filter_element(const struct fnode *f, cJSON *el)
{
	if (f->fn_type == FN_AND)
		return filter_element(f->fn_left, el) == 0 &&
		    filter_element(f->fn_right, el) == 0 ? 0 : -1;
	if (f->fn_type != FN_CMP || f->fn_op != FOP_EQ ||
	    strchr(f->fn_path, '.') != NULL || f->fn_value == NULL ||
	    cJSON_IsNull(f->fn_value))
		return -1;
	return set_item(el, f->fn_path, cJSON_Duplicate(f->fn_value, 1));
}

/* attr[filter] and attr[filter].sub */
static enum scim_err
filter_op(struct patch *pt, enum op op, const struct schema_attr *a,
    const struct fnode *f, const char *subname, cJSON *container,
    const cJSON *value)
{
	const struct schema_attr	*sub = NULL;
	cJSON				*arr, *el, *next, *nv, *made;
	enum scim_err			 e;
	int				 matched = 0;

	if (a->sa_type != AT_COMPLEX)
		return scim_fail(pt->pt_resp, SCIM_EPATH,
		    "%s cannot take a filter", a->sa_name);
	/* attr[filter].sub: sub names one sub-attribute, no deeper path. */
	if (subname != NULL && (strchr(subname, '.') != NULL ||
	    (sub = schema_attr_find(a->sa_sub, subname)) == NULL))
		return scim_fail(pt->pt_resp, SCIM_EPATH,
		    "%s has no sub-attribute %.64s", a->sa_name, subname);

	if (!(a->sa_flags & AF_MULTI)) {
		/* manager[value eq "id"]: a filter on a single complex. */
		el = cJSON_GetObjectItem(container, a->sa_name);
		if (!cJSON_IsObject(el) || !filter_match_element(f, a->sa_sub,
		    el))
			return op == OP_REMOVE ? SCIM_OK :
			    scim_fail(pt->pt_resp, SCIM_ENOTARGET,
			    "no %s matches the filter", a->sa_name);
		if (subname == NULL) {
			if (op == OP_REMOVE) {
				cJSON_DeleteItemFromObject(container,
				    a->sa_name);
				return SCIM_OK;
			}
			return attr_op(pt, op, a, container, value);
		}
		return sub_set(pt, op, sub, subname, el, value);
	}

	arr = cJSON_GetObjectItem(container, a->sa_name);
	for (el = cJSON_IsArray(arr) ? arr->child : NULL; el != NULL;
	    el = next) {
		next = el->next;
		if (!cJSON_IsObject(el) ||
		    !filter_match_element(f, a->sa_sub, el))
			continue;
		matched = 1;
		if (op == OP_REMOVE && subname == NULL) {
			cJSON_Delete(cJSON_DetachItemViaPointer(arr, el));
			continue;
		}
		if (subname != NULL) {
			if ((e = sub_set(pt, op, sub, subname, el, value)))
				return e;
			/* An element whose value is gone is gone. */
			if (cJSON_GetObjectItem(el, "value") == NULL &&
			    strcasecmp(subname, "value") == 0)
				cJSON_Delete(cJSON_DetachItemViaPointer(arr, el));
			else
				one_primary(arr, el);
			continue;
		}
		if (!cJSON_IsObject(value))
			return scim_fail(pt->pt_resp, SCIM_EINVALVALUE,
			    "the value for %s[...] must be an object",
			    a->sa_name);
		if ((e = schema_single(a, value, &nv, pt->pt_resp)))
			return e;
		e = merge(el, nv) == -1 ? SCIM_ENOMEM : SCIM_OK;
		cJSON_Delete(nv);
		if (e != SCIM_OK)
			return scim_fail(pt->pt_resp, e, NULL);
		one_primary(arr, el);
	}
	if (arr != NULL && cJSON_IsArray(arr) && arr->child == NULL) {
		/* Emptied, or stored empty: gone, and a new one made below. */
		cJSON_DeleteItemFromObject(container, a->sa_name);
		arr = NULL;
	}
	if (matched || op == OP_REMOVE || is_empty(value))
		return SCIM_OK;

	/* Nothing matched: create the element the filter describes. */
	if ((made = cJSON_CreateObject()) == NULL)
		return scim_fail(pt->pt_resp, SCIM_ENOMEM, NULL);
	if (filter_element(f, made) == -1) {
		cJSON_Delete(made);
		return scim_fail(pt->pt_resp, SCIM_ENOTARGET,
		    "no %s matches the filter", a->sa_name);
	}
	if (subname != NULL) {
		if (set_item(made, subname, cJSON_Duplicate(value, 1)) == -1) {
			cJSON_Delete(made);
			return scim_fail(pt->pt_resp, SCIM_ENOMEM, NULL);
		}
	} else if (!cJSON_IsObject(value) || merge(made, value) == -1) {
		cJSON_Delete(made);
		return scim_fail(pt->pt_resp, SCIM_EINVALVALUE,
		    "the value for %s[...] must be an object", a->sa_name);
	}
	e = schema_single(a, made, &nv, pt->pt_resp);
	cJSON_Delete(made);
	if (e != SCIM_OK)
		return e;
	if (!cJSON_IsArray(arr)) {
		if ((arr = cJSON_CreateArray()) == NULL ||
		    set_item(container, a->sa_name, arr) == -1) {
			cJSON_Delete(nv);
			return scim_fail(pt->pt_resp, SCIM_ENOMEM, NULL);
		}
	}
	cJSON_AddItemToArray(arr, nv);
	one_primary(arr, nv);
	return SCIM_OK;
}

/*
 * An attribute the schema does not know.  Under an extension URN (Entra's
 * custom attributes) it is kept as sent and declared for the tenant; in
 * the core schema, unprefixed or as "URN:attr" (RFC 7644 §3.10), it is
 * ignored, as on create (RFC 7643 §3), unless the tenant declares it
 * (then the schema knows it).  The core URN alone, or another resource
 * type's, is an invalid path: the core namespace has no extensions.
 */
static enum scim_err
unknown_op(struct patch *pt, enum op op, const struct fpath *fp,
    const cJSON *value)
{
	const struct schema_ext	*ext;
	const char	*colon, *core, *dot, *rest, *name = fp->fp_attr;
	char		 urn[256] = "";
	cJSON		*container = pt->pt_doc, *nv;

	if ((core = schema_core_attr(pt->pt_sc, name)) != NULL)
		name = core;	/* as if unprefixed */
	else if (util_strcaseeq(name, pt->pt_sc->sc_urn))
		return scim_fail(pt->pt_resp, SCIM_EPATH,
		    "%.128s is a schema, not an attribute", name);
	else if (schema_is_core_ns(name))
		return scim_fail(pt->pt_resp, SCIM_EPATH,
		    "%.128s names a schema %s does not have", name,
		    pt->pt_sc->sc_name);
	/*
	 * A dot after the last colon is a sub-attribute path: of an
	 * attribute the schema does not know, or of one that has no such
	 * sub-attribute (manager.value.x, department.x).  Never a name:
	 * ATTRNAME has no dots (RFC 7643 §2.1).
	 */
	dot = strchr(name, '.');
	if (strncasecmp(name, "urn:", 4) == 0)
		dot = strchr(strrchr(name, ':'), '.');
	if (fp->fp_filter != NULL || dot != NULL)
		return scim_fail(pt->pt_resp, SCIM_EPATH,
		    "unknown attribute %.128s", fp->fp_attr);
	if (core != NULL || strncasecmp(name, "urn:", 4) != 0)
		return SCIM_OK;
	if (strncasecmp(name, "urn:", 4) == 0) {
		/*
		 * Under a URN the schema has, the rest is one name of it, as
		 * create reads it ("…:User:a:b" is "a:b" of that extension);
		 * otherwise the URN ends at the last colon.
		 */
		if ((ext = schema_ext_prefix(pt->pt_sc, name, &rest)) != NULL &&
		    *rest != '\0') {
			colon = rest - 1;
			util_strlcpy(urn, ext->se_urn, sizeof(urn));
		} else if ((colon = strrchr(name, ':')) == NULL ||
		    colon[1] == '\0' || (size_t)(colon - name) >= sizeof(urn))
			return scim_fail(pt->pt_resp, SCIM_EPATH,
			    "invalid path %.128s", name);
		else {
			memcpy(urn, name, (size_t)(colon - name));
			urn[colon - name] = '\0';
		}
		if (!schema_urn_valid(urn))
			return scim_fail(pt->pt_resp, SCIM_EPATH,
			    "%.128s names no extension", fp->fp_attr);
		/* A schema scimlet defines: what it lacks is ignored. */
		if (schema_is_static_ext(urn))
			return SCIM_OK;
		name = colon + 1;
		if ((container = child_object(pt->pt_doc, urn,
		    op != OP_REMOVE && !is_empty(value))) == NULL)
			return op == OP_REMOVE || is_empty(value) ? SCIM_OK :
			    scim_fail(pt->pt_resp, SCIM_EINVALVALUE,
			    "%.128s is not an object", urn);
	}
	if (op == OP_REMOVE || is_empty(value)) {
		cJSON_DeleteItemFromObject(container, name);
	} else {
		if ((nv = cJSON_Duplicate(value, 1)) == NULL ||
		    set_item(container, name, nv) == -1)
			return scim_fail(pt->pt_resp, SCIM_ENOMEM, NULL);
		if (pt->pt_sc->sc_type == RES_USER)
			schema_found_add(pt->pt_sc, urn, name, value);
	}
	if (container != pt->pt_doc && container->child == NULL)
		cJSON_DeleteItemFromObject(pt->pt_doc, urn);
	return SCIM_OK;
}

/* Path-less add/replace: each value key is a path (doc/clients.md §3.7.2). */
static enum scim_err
apply_object(struct patch *pt, enum op op, const char *prefix,
    const cJSON *value)
{
	const struct schema_ext	*ext;
	const cJSON		*v, *id;
	char			 path[512];
	enum scim_err		 e;

	if (!cJSON_IsObject(value))
		return scim_fail(pt->pt_resp, SCIM_EINVALVALUE,
		    "add and replace without a path need an object value");
	cJSON_ArrayForEach(v, value) {
		if (prefix == NULL && (util_strcaseeq(v->string, "schemas") ||
		    util_strcaseeq(v->string, "meta")))
			continue;
		if (prefix == NULL && util_strcaseeq(v->string, "id")) {
			/* Okta sends the id along; only a change is wrong. */
			id = cJSON_GetObjectItem(pt->pt_doc, "id");
			if (cJSON_IsString(v) && cJSON_IsString(id) &&
			    strcmp(v->valuestring, id->valuestring) == 0)
				continue;
			return scim_fail(pt->pt_resp, SCIM_EMUTABILITY,
			    "id cannot be changed");
		}
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s",
		    prefix != NULL ? prefix : "", prefix != NULL ? ":" : "",
		    v->string) >= sizeof(path))
			return scim_fail(pt->pt_resp, SCIM_EPATH,
			    "attribute name too long");
		/* {"urn:…:enterprise:2.0:User": {…}}: each of its keys. */
		for (ext = pt->pt_sc->sc_exts; prefix == NULL &&
		    ext->se_urn != NULL; ext++)
			if (util_strcaseeq(v->string, ext->se_urn) &&
			    cJSON_IsObject(v))
				break;
		if (prefix == NULL && ext->se_urn != NULL)
			e = apply_object(pt, op, ext->se_urn, v);
		else
			e = apply_path(pt, op, path, v);
		if (e != SCIM_OK)
			return e;
	}
	return SCIM_OK;
}

static enum scim_err
apply_path(struct patch *pt, enum op op, const char *path,
    const cJSON *value)
{
	const struct schema_attr	*a, *sub;
	const struct schema_ext		*ext;
	struct fpath			 fp;
	const char			*urn, *name;
	cJSON				*container;
	char				 err[160];
	enum scim_err			 e;

	/* The whole extension: "urn:…:enterprise:2.0:User". */
	for (ext = pt->pt_sc->sc_exts; ext->se_urn != NULL; ext++)
		if (util_strcaseeq(path, ext->se_urn)) {
			if (op == OP_REMOVE) {
				cJSON_DeleteItemFromObject(pt->pt_doc,
				    ext->se_urn);
				return SCIM_OK;
			}
			if (op == OP_REPLACE && is_empty(value)) {
				cJSON_DeleteItemFromObject(pt->pt_doc,
				    ext->se_urn);
				return SCIM_OK;
			}
			return apply_object(pt, op, ext->se_urn, value);
		}
	if (filter_parse_path(path, &fp, err, sizeof(err)) == -1)
		return scim_fail(pt->pt_resp, SCIM_EPATH, "%s", err);
	if ((name = schema_core_attr(pt->pt_sc, fp.fp_attr)) == NULL)
		name = fp.fp_attr;	/* "urn:…:Group:members" is members */
	if (pt->pt_pm != NULL && util_strcaseeq(name, "members")) {
		e = patch_members_op(pt, op, &fp, value);
		goto out;
	}
	if (schema_resolve(pt->pt_sc, fp.fp_attr, &a, &sub, &urn) == -1) {
		e = unknown_op(pt, op, &fp, value);
		goto out;
	}
	if (a->sa_mut == MUT_RO) {
		e = scim_fail(pt->pt_resp, SCIM_EMUTABILITY,
		    "%s is read-only", a->sa_name);
		goto out;
	}
	if (a->sa_mut == MUT_WO) {	/* password: accepted, never kept */
		e = SCIM_OK;
		goto out;
	}
	container = pt->pt_doc;
	if (urn != NULL && (container = child_object(pt->pt_doc, urn,
	    op != OP_REMOVE)) == NULL) {
		e = op == OP_REMOVE ? SCIM_OK : scim_fail(pt->pt_resp,
		    SCIM_EINVALVALUE, "%s is not an object", urn);
		goto out;
	}
	if (fp.fp_filter != NULL) {
		if (sub != NULL)
			e = scim_fail(pt->pt_resp, SCIM_EPATH,
			    "a filter follows the attribute, not a "
			    "sub-attribute");
		else
			e = filter_op(pt, op, a, fp.fp_filter, fp.fp_sub,
			    container, value);
	} else if (sub != NULL)
		e = sub_op(pt, op, a, sub, container, value);
	else
		e = attr_op(pt, op, a, container, value);
	/* An extension left empty is absent. */
	if (urn != NULL && container->child == NULL)
		cJSON_DeleteItemFromObject(pt->pt_doc, urn);
out:
	filter_path_free(&fp);
	return e;
}

enum scim_err
patch_apply(const struct schema *sc, const cJSON *body, cJSON *doc,
    const struct patch_members *pm, struct scim_resp *resp)
{
	struct patch	 pt = { sc, doc, pm, resp };
	const cJSON	*ops, *o, *opv, *path, *value;
	char		 detail[SCIM_MAX_DETAIL];
	enum scim_err	 e;
	enum op		 op;
	int		 i = 0;

	ops = cJSON_GetObjectItem(body, "Operations");
	if (!cJSON_IsArray(ops) || ops->child == NULL)
		return scim_fail(resp, SCIM_EINVALSYNTAX, "Operations must be "
		    "a non-empty array");
	if (cJSON_GetArraySize(ops) > SCIM_MAX_PATCH_OPS)
		return scim_fail(resp, SCIM_EINVALVALUE, "Operations: more "
		    "than %d", SCIM_MAX_PATCH_OPS);
	cJSON_ArrayForEach(o, ops) {
		opv = cJSON_GetObjectItem(o, "op");
		path = cJSON_GetObjectItem(o, "path");
		value = cJSON_GetObjectItem(o, "value");
		if (!cJSON_IsObject(o) || !cJSON_IsString(opv))
			e = scim_fail(resp, SCIM_EINVALSYNTAX,
			    "an operation needs \"op\"");
		else if (path != NULL && !cJSON_IsNull(path) &&
		    !cJSON_IsString(path))
			e = scim_fail(resp, SCIM_EINVALSYNTAX,
			    "\"path\" must be a string");
		else {
			if (util_strcaseeq(opv->valuestring, "add"))
				op = OP_ADD;
			else if (util_strcaseeq(opv->valuestring, "replace"))
				op = OP_REPLACE;
			else if (util_strcaseeq(opv->valuestring, "remove"))
				op = OP_REMOVE;
			else {
				e = scim_fail(resp, SCIM_EINVALSYNTAX,
				    "op must be add, replace or remove");
				goto failed;
			}
			/*
			 * RFC 7644 §3.5.2.1, §3.5.2.3: add and replace carry
			 * a value.  null clears (Entra's removal by replace);
			 * none at all is a mistake, never a removal.
			 */
			if (op != OP_REMOVE && value == NULL) {
				e = scim_fail(resp, SCIM_EINVALVALUE,
				    "%s needs a \"value\"", op == OP_ADD ?
				    "add" : "replace");
				goto failed;
			}
			if (!cJSON_IsString(path) || path->valuestring[0] ==
			    '\0')
				e = op == OP_REMOVE ? scim_fail(resp,
				    SCIM_ENOTARGET, "remove needs a path") :
				    apply_object(&pt, op, NULL, value);
			else
				e = apply_path(&pt, op, path->valuestring,
				    value);
		}
failed:
		/*
		 * A client's mistake names the operation; a server's
		 * (507 database full, 500) is the same whatever the
		 * operation, and says so as everywhere else.
		 */
		if (e != SCIM_OK && scim_err_status(e) < 500) {
			util_strlcpy(detail, scim_detail(resp, e),
			    sizeof(detail));
			scim_detail_reset(resp);
			return scim_fail(resp, e, "Operations[%d]: %s", i,
			    detail);
		}
		if (e != SCIM_OK)
			return e;
		i++;
	}
	(void)URN_PATCHOP;
	return SCIM_OK;
}
