/*
 * schema_doc.c: the RFC 7643 §7 Schema resources (/Schemas).
 */
#include "config.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "schema.h"


static const char *const type_names[] = {
	[AT_STRING] = "string", [AT_BOOLEAN] = "boolean",
	[AT_DECIMAL] = "decimal", [AT_INTEGER] = "integer",
	[AT_DATETIME] = "dateTime", [AT_BINARY] = "binary",
	[AT_REFERENCE] = "reference", [AT_COMPLEX] = "complex",
};
static const char *const mut_names[] = {
	[MUT_RW] = "readWrite", [MUT_RO] = "readOnly",
	[MUT_IMMUTABLE] = "immutable", [MUT_WO] = "writeOnly",
};
static const char *const ret_names[] = {
	[RET_DEFAULT] = "default", [RET_ALWAYS] = "always",
	[RET_NEVER] = "never", [RET_REQUEST] = "request",
};
static const char *const uniq_names[] = {
	[UNIQ_NONE] = "none", [UNIQ_SERVER] = "server", [UNIQ_GLOBAL] = "global",
};

/* One attribute definition (RFC 7643 §7), sub-attributes nested. */
static cJSON *
attr_document(const struct schema_attr *a)
{
	const struct schema_attr	*sub;
	cJSON				*o, *subs, *refs;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "name", a->sa_name);
	cJSON_AddStringToObject(o, "type", type_names[a->sa_type]);
	cJSON_AddBoolToObject(o, "multiValued", (a->sa_flags & AF_MULTI) != 0);
	cJSON_AddBoolToObject(o, "required", (a->sa_flags & AF_REQUIRED) != 0);
	if (a->sa_type != AT_COMPLEX && a->sa_type != AT_BOOLEAN)
		cJSON_AddBoolToObject(o, "caseExact",
		    (a->sa_flags & AF_CASEEXACT) != 0);
	cJSON_AddStringToObject(o, "mutability", mut_names[a->sa_mut]);
	cJSON_AddStringToObject(o, "returned", ret_names[a->sa_ret]);
	if (a->sa_type != AT_COMPLEX && a->sa_type != AT_BOOLEAN)
		cJSON_AddStringToObject(o, "uniqueness", uniq_names[a->sa_uniq]);
	if (a->sa_type == AT_REFERENCE) {
		refs = cJSON_AddArrayToObject(o, "referenceTypes");
		cJSON_AddItemToArray(refs, cJSON_CreateString(
		    strcmp(a->sa_name, "$ref") == 0 ? "User" : "external"));
		if (strcmp(a->sa_name, "$ref") == 0)
			cJSON_AddItemToArray(refs, cJSON_CreateString("Group"));
	}
	if (a->sa_canon != NULL) {
		const char *const *cv;
		refs = cJSON_AddArrayToObject(o, "canonicalValues");
		for (cv = a->sa_canon; *cv != NULL; cv++)
			cJSON_AddItemToArray(refs, cJSON_CreateString(*cv));
	}
	if (a->sa_type == AT_COMPLEX && a->sa_sub != NULL) {
		subs = cJSON_AddArrayToObject(o, "subAttributes");
		for (sub = a->sa_sub; sub->sa_name != NULL; sub++)
			cJSON_AddItemToArray(subs, attr_document(sub));
	}
	return o;
}

cJSON *
schema_document(const char *urn, const char *name, const char *description,
    const struct schema_attr *attrs)
{
	const struct schema_attr	*a;
	cJSON				*doc, *arr;

	if ((doc = cJSON_CreateObject()) == NULL)
		return NULL;
	arr = cJSON_AddArrayToObject(doc, "schemas");
	cJSON_AddItemToArray(arr, cJSON_CreateString(
	    "urn:ietf:params:scim:schemas:core:2.0:Schema"));
	cJSON_AddStringToObject(doc, "id", urn);
	cJSON_AddStringToObject(doc, "name", name);
	cJSON_AddStringToObject(doc, "description", description);
	arr = cJSON_AddArrayToObject(doc, "attributes");
	/* id and meta are common attributes (§3.1), not in a schema. */
	for (a = attrs; a->sa_name != NULL; a++)
		if (strcmp(a->sa_name, "id") != 0 && strcmp(a->sa_name,
		    "meta") != 0)
			cJSON_AddItemToArray(arr, attr_document(a));
	return doc;
}

