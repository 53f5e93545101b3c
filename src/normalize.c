/*
 * normalize.c: incoming resources and attribute values checked against a
 * schema and brought to one form.
 *
 * Leniency, each for a client that needs it (doc/clients.md §2, §3.7):
 * - attribute names in any case (Microsoft's suite sends PascalCase);
 * - "True"/"false" strings for booleans (Entra), stored as booleans;
 * - null as absent; readOnly attributes (id, meta, groups) ignored;
 * - a one-element array for a single-valued attribute (old Entra);
 * - a bare string for a complex attribute with a "value" sub-attribute
 *   (Entra's manager);
 * - attributes under unknown "urn:" keys are kept as sent (Entra omits
 *   custom extension URNs from "schemas").
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "json.h"
#include "schema.h"
#include "scim_error.h"
#include "util.h"

static enum scim_err norm_object(const struct schema *,
		    const struct schema_attr *, const cJSON *, cJSON *,
		    const char *, const char *, struct scim_resp *);

/* Coerce and check one scalar of attribute a.  Returns a new item. */
static enum scim_err
norm_scalar(const struct schema_attr *a, const cJSON *v, const char *where,
    cJSON **out, struct scim_resp *resp)
{
	*out = NULL;
	switch (a->sa_type) {
	case AT_BOOLEAN:
		if (cJSON_IsBool(v))
			*out = cJSON_CreateBool(cJSON_IsTrue(v));
		else if (cJSON_IsString(v) &&
		    util_strcaseeq(v->valuestring, "true"))
			*out = cJSON_CreateTrue();
		else if (cJSON_IsString(v) &&
		    util_strcaseeq(v->valuestring, "false"))
			*out = cJSON_CreateFalse();
		else
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "%s must be a boolean", where);
		break;
	case AT_INTEGER:
	case AT_DECIMAL:
		if (!cJSON_IsNumber(v))
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "%s must be a number", where);
		*out = cJSON_Duplicate(v, 0);
		break;
	default:
		if (!cJSON_IsString(v))
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "%s must be a string", where);
		if ((a->sa_flags & AF_KEYSTR) &&
		    strlen(v->valuestring) > SCIM_MAX_KEYSTR)
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "%s is longer than %d bytes", where,
			    SCIM_MAX_KEYSTR);
		*out = cJSON_CreateString(v->valuestring);
		break;
	}
	return *out == NULL ? scim_fail(resp, SCIM_ENOMEM, NULL) : SCIM_OK;
}

/*
 * Entra sends app roles in PATCH as {"value": "{\"id\":…,\"value\":\"Admin\",
 * \"displayName\":…}"}: a JSON object inside the string.  Returns the
 * element with the inner value (and display) unwrapped, or NULL when v is
 * not of that shape.
 */
static cJSON *
role_unwrap(const cJSON *v)
{
	const cJSON	*s, *iv, *idn;
	cJSON		*in, *out;

	s = cJSON_IsString(v) ? v : cJSON_GetObjectItem(v, "value");
	if (!cJSON_IsString(s) || s->valuestring[0] != '{')
		return NULL;
	if ((in = cJSON_Parse(s->valuestring)) == NULL)
		return NULL;
	iv = cJSON_GetObjectItem(in, "value");
	idn = cJSON_GetObjectItem(in, "displayName");
	if (!cJSON_IsString(iv) || (out = cJSON_IsObject(v) ?
	    cJSON_Duplicate(v, 1) : cJSON_CreateObject()) == NULL) {
		cJSON_Delete(in);
		return NULL;
	}
	cJSON_DeleteItemFromObject(out, "value");
	json_add_string(out, "value", iv->valuestring);
	if (cJSON_IsString(idn) && cJSON_GetObjectItem(out, "display") == NULL)
		json_add_string(out, "display", idn->valuestring);
	cJSON_Delete(in);
	return out;
}

enum scim_err
schema_single(const struct schema_attr *a, const cJSON *v, cJSON **out,
    struct scim_resp *resp)
{
	const char	*where = a->sa_name;
	cJSON		*unwrapped = NULL;
	enum scim_err	 e;

	*out = NULL;
	if (a->sa_type != AT_COMPLEX)
		return norm_scalar(a, v, where, out, resp);
	if (strcmp(a->sa_name, "roles") == 0 &&
	    (unwrapped = role_unwrap(v)) != NULL) {
		e = schema_single(a, unwrapped, out, resp);
		cJSON_Delete(unwrapped);
		return e;
	}
	if (cJSON_IsString(v) && schema_attr_find(a->sa_sub, "value")) {
		/*
		 * A bare string for a complex attribute: its value, checked
		 * as {"value": v} would be (length of emails.value).
		 */
		if ((unwrapped = cJSON_CreateObject()) == NULL ||
		    json_add_string(unwrapped, "value", v->valuestring) == -1) {
			cJSON_Delete(unwrapped);
			return scim_fail(resp, SCIM_ENOMEM, NULL);
		}
		e = schema_single(a, unwrapped, out, resp);
		cJSON_Delete(unwrapped);
		return e;
	}
	if (!cJSON_IsObject(v))
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "%s must be an object", where);
	if ((*out = cJSON_CreateObject()) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	if ((e = norm_object(NULL, a->sa_sub, v, *out, where, NULL, resp)) !=
	    SCIM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
		return e;
	}
	/*
	 * The manager is kept as {"value": id} whatever shape came in, so
	 * Entra reads back what it compares and does not re-send it.
	 */
	if (strcmp(a->sa_name, "manager") == 0)
		cJSON_DeleteItemFromObject(*out, "$ref");
	/*
	 * RFC 7643 §2.3.8, §2.4: a complex value is its sub-attributes.
	 * One with none left ({}, or only unknown or read-only ones) says
	 * nothing and would be stored as {}: refused, not dropped, so the
	 * client learns that what it meant was not understood.
	 */
	if ((*out)->child == NULL) {
		cJSON_Delete(*out);
		*out = NULL;
		return scim_fail(resp, SCIM_EINVALVALUE, "%s: a value with no "
		    "sub-attribute this server knows", where);
	}
	return SCIM_OK;
}

enum scim_err
schema_value(const struct schema_attr *a, const cJSON *v, cJSON **out,
    struct scim_resp *resp)
{
	const cJSON	*el;
	cJSON		*arr, *item;
	enum scim_err	 e;
	int		 primaries;

	*out = NULL;
	if (cJSON_IsNull(v))
		return SCIM_OK;
	if (!(a->sa_flags & AF_MULTI)) {
		/* Old Entra: [{"value": x}] for a single value. */
		if (cJSON_IsArray(v)) {
			if (cJSON_GetArraySize(v) == 0)
				return SCIM_OK;
			if (cJSON_GetArraySize(v) != 1)
				return scim_fail(resp, SCIM_EINVALVALUE,
				    "%s is single-valued", a->sa_name);
			v = v->child;
			if (a->sa_type != AT_COMPLEX && cJSON_IsObject(v) &&
			    cJSON_GetObjectItem(v, "value") != NULL)
				v = cJSON_GetObjectItem(v, "value");
			if (cJSON_IsNull(v))
				return SCIM_OK;
		}
		return schema_single(a, v, out, resp);
	}
	if ((arr = cJSON_CreateArray()) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	if (!cJSON_IsArray(v)) {
		if ((e = schema_single(a, v, &item, resp)) != SCIM_OK) {
			cJSON_Delete(arr);
			return e;
		}
		cJSON_AddItemToArray(arr, item);
	} else
		cJSON_ArrayForEach(el, v) {
			if (cJSON_IsNull(el))
				continue;
			if ((e = schema_single(a, el, &item, resp))) {
				cJSON_Delete(arr);
				return e;
			}
			cJSON_AddItemToArray(arr, item);
		}
	/* RFC 7643 §2.5: an empty array is unassigned. */
	if (arr->child == NULL) {
		cJSON_Delete(arr);
		return SCIM_OK;
	}
	/* RFC 7643 §2.4: "true" for primary at most once. */
	primaries = 0;
	cJSON_ArrayForEach(el, arr)
		primaries += cJSON_IsTrue(cJSON_GetObjectItem(el, "primary"));
	if (primaries > 1) {
		cJSON_Delete(arr);
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "%s: more than one value is primary", a->sa_name);
	}
	*out = arr;
	return SCIM_OK;
}

/*
 * Normalise the members of object in (attributes from tab) into out.
 * Unknown members are dropped (RFC 7643 §3: ignored), except in a custom
 * extension (custom: its URN), where they are kept as sent and recorded
 * for declaration.
 */
/*
 * An attribute name kept as sent (an extension nobody declared) must be
 * one: ALPHA *(ALPHA / DIGIT / "-" / "_") (RFC 7643 §2.1).  "" or a name
 * with a comma or a dot would be stored, listed and declared as nothing
 * anyone could ask for.
 */
static int
attr_name_ok(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && n <= 128 && isalpha((unsigned char)s[0]) &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_") == n;
}

static enum scim_err
bad_name(const char *where, const char *name, struct scim_resp *resp)
{
	return scim_fail(resp, SCIM_EINVALVALUE, "%.128s%s\"%.64s\" is not "
	    "an attribute name (RFC 7643 \u00a72.1)", where != NULL ? where : "",
	    where != NULL ? ": " : "", name);
}

static enum scim_err
norm_object(const struct schema *sc, const struct schema_attr *tab,
    const cJSON *in, cJSON *out, const char *where, const char *custom,
    struct scim_resp *resp)
{
	const struct schema_attr	*a;
	const cJSON			*v;
	const char			*name;
	cJSON				*item;
	enum scim_err			 e;

	cJSON_ArrayForEach(v, in) {
		if (cJSON_IsNull(v))
			continue;
		if ((a = schema_attr_find(tab, v->string)) != NULL) {
			if (a->sa_mut == MUT_RO || a->sa_mut == MUT_WO)
				continue;
			/*
			 * Sub-attributes (sc NULL) are single values: the
			 * one-element-array leniency is for attributes.
			 */
			if (sc == NULL && cJSON_IsArray(v) &&
			    !(a->sa_flags & AF_MULTI))
				return scim_fail(resp, SCIM_EINVALVALUE,
				    "%.64s.%s must be a single value, not an "
				    "array", where != NULL ? where : "",
				    a->sa_name);
			if ((e = schema_value(a, v, &item, resp)) != SCIM_OK)
				return e;
			if (item == NULL)
				continue;
			name = a->sa_name;
		} else if (custom != NULL) {
			if (!attr_name_ok(v->string))
				return bad_name(where, v->string, resp);
			if ((item = cJSON_Duplicate(v, 1)) == NULL)
				return scim_fail(resp, SCIM_ENOMEM, NULL);
			schema_found_add(sc, custom, v->string, v);
			name = v->string;
		} else
			continue;
		if (cJSON_GetObjectItem(out, name) != NULL) {
			cJSON_Delete(item);
			return scim_fail(resp, SCIM_EINVALSYNTAX,
			    "%.64s%s%.64s is given twice", where != NULL ?
			    where : "", where != NULL ? "." : "", name);
		}
		if (json_add(out, name, item) == -1)
			return scim_fail(resp, SCIM_ENOMEM, NULL);
	}
	return SCIM_OK;
}


/* A tenant's own extension keeps (and declares) what it does not know. */
static const char *
custom_of(const struct schema *sc, const struct schema_ext *ext)
{
	return sc->sc_type == RES_USER && !schema_is_static_ext(ext->se_urn) ?
	    ext->se_urn : NULL;
}

/* The object for extension URN urn in out, made when absent. */
static cJSON *
ext_object(cJSON *out, const char *urn)
{
	cJSON	*o;

	if ((o = cJSON_GetObjectItem(out, urn)) != NULL)
		return cJSON_IsObject(o) ? o : NULL;
	if ((o = cJSON_CreateObject()) == NULL || json_add(out, urn, o) == -1)
		return NULL;
	return o;
}

/* Attribute name of unknown extension urn into eo: kept as sent. */
static enum scim_err
ext_put(const struct schema *sc, cJSON *eo, const char *urn,
    const char *name, const cJSON *v, struct scim_resp *resp)
{
	if (!attr_name_ok(name))
		return bad_name(urn, name, resp);
	if (cJSON_GetObjectItem(eo, name) != NULL)
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "%.128s:%.64s is given twice", urn, name);
	if (json_add(eo, name, cJSON_Duplicate(v, 1)) == -1)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	if (sc->sc_type == RES_USER)
		schema_found_add(sc, urn, name, v);
	return SCIM_OK;
}

/*
 * v under a "urn:" key of no known schema: an extension nobody declared
 * (Entra's custom ones).  {"URN": {...}} and "URN:attr" keys, in any
 * order, go into one object in doc, kept as sent; for a User each
 * attribute is declared.  A key of neither shape, or whose URN is not
 * one (schema_urn_valid(): "urn:x" would file everything under "urn"),
 * is ignored.
 */
static enum scim_err
unknown_ext(const struct schema *sc, cJSON *doc, const cJSON *v,
    struct scim_resp *resp)
{
	const cJSON	*m;
	const char	*colon;
	cJSON		*eo;
	char		 urn[256];
	size_t		 n;
	enum scim_err	 e;

	if (cJSON_IsObject(v)) {
		if (!schema_urn_valid(v->string))
			return SCIM_OK;		/* no extension: ignored */
		if ((eo = ext_object(doc, v->string)) == NULL)
			return scim_fail(resp, SCIM_EINVALSYNTAX,
			    "%.64s is given twice", v->string);
		cJSON_ArrayForEach(m, v)
			if (!cJSON_IsNull(m) && (e = ext_put(sc, eo, v->string,
			    m->string, m, resp)) != SCIM_OK)
				return e;
		return SCIM_OK;
	}
	if ((colon = strrchr(v->string, ':')) == NULL || colon[1] == '\0' ||
	    (n = (size_t)(colon - v->string)) >= sizeof(urn))
		return SCIM_OK;
	memcpy(urn, v->string, n);
	urn[n] = '\0';
	if (!schema_urn_valid(urn))
		return SCIM_OK;		/* "urn:x" names no extension */
	if ((eo = ext_object(doc, urn)) == NULL)
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "%.64s is given twice", urn);
	return ext_put(sc, eo, urn, colon + 1, v, resp);
}

enum scim_err
schema_normalize(const struct schema *sc, const cJSON *in, cJSON **out,
    struct scim_resp *resp)
{
	const struct schema_ext		*ext;
	const struct schema_attr	*a;
	const cJSON			*v;
	const char			*rest, *name;
	cJSON				*doc, *eo, *item, *one, *next;
	enum scim_err			 e = SCIM_OK;

	*out = NULL;
	if ((doc = cJSON_CreateObject()) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	cJSON_ArrayForEach(v, in) {
		if (cJSON_IsNull(v) || util_strcaseeq(v->string, "schemas"))
			continue;
		if ((ext = schema_ext_prefix(sc, v->string, &rest)) != NULL) {
			if ((eo = ext_object(doc, ext->se_urn)) == NULL) {
				e = scim_fail(resp, SCIM_ENOMEM, NULL);
				break;
			}
			if (*rest == '\0' &&
			    v->string[strlen(ext->se_urn)] == ':') {
				e = scim_fail(resp, SCIM_EINVALVALUE,
				    "%s: no attribute after the schema URN",
				    ext->se_urn);
				break;
			}
			if (*rest == '\0') {
				/* The extension object. */
				if (!cJSON_IsObject(v)) {
					e = scim_fail(resp, SCIM_EINVALVALUE,
					    "%s must be an object",
					    ext->se_urn);
					break;
				}
				e = norm_object(sc, ext->se_attrs, v, eo,
				    ext->se_urn, custom_of(sc, ext), resp);
			} else {
				/* "URN:attr": one attribute of it. */
				if ((one = cJSON_CreateObject()) == NULL ||
				    json_add(one, rest,
				    cJSON_Duplicate(v, 1)) == -1) {
					cJSON_Delete(one);
					e = scim_fail(resp, SCIM_ENOMEM, NULL);
					break;
				}
				e = norm_object(sc, ext->se_attrs, one, eo,
				    ext->se_urn, custom_of(sc, ext), resp);
				cJSON_Delete(one);
			}
			if (e != SCIM_OK)
				break;
			continue;
		}
		if ((name = schema_core_attr(sc, v->string)) != NULL) {
			/* RFC 7644 §3.10: "URN:attr" is the core attr. */
			if ((a = schema_attr_find(sc->sc_attrs, name)) ==
			    NULL)
				continue;	/* undeclared: ignored */
		} else if (util_strcaseeq(v->string, sc->sc_urn)) {
			/* Only an extension's attributes are nested. */
			e = scim_fail(resp, SCIM_EINVALSYNTAX, "core "
			    "attributes go at the top level, not under %s",
			    sc->sc_urn);
			break;
		} else if (schema_is_core_ns(v->string)) {
			/* Another resource type's (RFC 7643 §3). */
			e = scim_fail(resp, SCIM_EINVALVALUE, "%.128s names "
			    "a schema %s does not have", v->string,
			    sc->sc_name);
			break;
		} else if (strncasecmp(v->string, "urn:", 4) == 0) {
			if ((e = unknown_ext(sc, doc, v, resp)) != SCIM_OK)
				break;
			continue;
		} else
			a = schema_attr_find(sc->sc_attrs, v->string);
		if (a == NULL)
			continue;	/* undeclared: ignored (RFC 7643 §3) */
		if (a->sa_mut == MUT_RO || a->sa_mut == MUT_WO)
			continue;
		if ((e = schema_value(a, v, &item, resp)) != SCIM_OK)
			break;
		if (item == NULL)
			continue;
		rest = a->sa_name;
		if (cJSON_GetObjectItem(doc, rest) != NULL) {
			cJSON_Delete(item);
			e = scim_fail(resp, SCIM_EINVALSYNTAX,
			    "%.64s is given twice", rest);
			break;
		}
		if (json_add(doc, rest, item) == -1) {
			e = scim_fail(resp, SCIM_ENOMEM, NULL);
			break;
		}
	}
	/* An extension object that ended up empty, known or not, is absent. */
	for (eo = doc->child; e == SCIM_OK && eo != NULL; eo = next) {
		next = eo->next;
		if (strncasecmp(eo->string, "urn:", 4) == 0 &&
		    cJSON_IsObject(eo) && eo->child == NULL)
			cJSON_Delete(cJSON_DetachItemViaPointer(doc, eo));
	}
	if (e != SCIM_OK) {
		cJSON_Delete(doc);
		return e;
	}
	*out = doc;
	return SCIM_OK;
}

