/*
 * check_schema.c: the attribute tables (RFC 7643 §4.1, §4.2, §4.3),
 * resolving attribute paths, a tenant's declared attributes (the overlay)
 * and the normalisation of incoming resources with each leniency
 * normalize.c lists.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "http.h"
#include "schema.h"
#include "tap.h"

static const struct schema_attr *
attr(const struct schema *sc, const char *path)
{
	const struct schema_attr	*a, *sub;
	const char			*ext;

	if (schema_resolve(sc, path, &a, &sub, &ext) == -1)
		return NULL;
	return sub != NULL ? sub : a;
}

/* Normalise text; the result printed (or NULL) and the error. */
static enum scim_err
norm(const struct schema *sc, const char *text, char **out,
    struct scim_resp *resp)
{
	cJSON		*in, *doc = NULL;
	enum scim_err	 e;

	memset(resp, 0, sizeof(*resp));
	*out = NULL;
	if ((in = cJSON_Parse(text)) == NULL) {
		tap_diag("bad test JSON: %s", text);
		return SCIM_EINVALSYNTAX;
	}
	e = schema_normalize(sc, in, &doc, resp);
	cJSON_Delete(in);
	if (e == SCIM_OK) {
		*out = cJSON_PrintUnformatted(doc);
		cJSON_Delete(doc);
	} else if (doc != NULL)
		tap_diag("an error left a result behind");
	return e;
}

/* Normalise and compare the print with want. */
static void
norm_is(const struct schema *sc, const char *in, const char *want,
    const char *name)
{
	struct scim_resp	 resp;
	char			*got = NULL;
	enum scim_err		 e;

	e = norm(sc, in, &got, &resp);
	if (e != SCIM_OK)
		tap_diag("error %d: %s", e, resp.rp_detail);
	is_str(got, want, name);
	free(got);
}

/* Normalise, expecting error want with a detail holding needle. */
static void
norm_fails(const struct schema *sc, const char *in, enum scim_err want,
    const char *needle, const char *name)
{
	struct scim_resp	 resp;
	char			*got = NULL;
	enum scim_err		 e;

	e = norm(sc, in, &got, &resp);
	if (!ok(e == want && got == NULL && strstr(resp.rp_detail, needle) !=
	    NULL, "%s", name))
		tap_diag("got %d (%s), result %s", e, resp.rp_detail,
		    got != NULL ? got : "none");
	free(got);
}

static void
tables(void)
{
	const struct schema		*us = schema_static(RES_USER);
	const struct schema		*gs = schema_static(RES_GROUP);
	const struct schema_attr	*a;

	is_str(us->sc_name, "User", "User schema name");
	is_str(us->sc_endpoint, "Users", "User endpoint");
	is_str(us->sc_urn, URN_USER, "User URN");
	is_str(gs->sc_name, "Group", "Group schema name");
	is_str(gs->sc_urn, URN_GROUP, "Group URN");
	ok(us->sc_found == NULL && gs->sc_found == NULL,
	    "the static schemas record no found attributes");
	is_str(us->sc_exts[0].se_urn, URN_ENTERPRISE, "User extension 1");
	is_str(us->sc_exts[1].se_urn, URN_SCIMLET, "User extension 2");
	ok(us->sc_exts[2].se_urn == NULL, "and no third");
	ok(gs->sc_exts[0].se_urn == NULL, "Group has no extension");

	/* RFC 7643 §3.1: id. */
	a = schema_attr_find(us->sc_attrs, "id");
	ok(a != NULL && a->sa_mut == MUT_RO && a->sa_ret == RET_ALWAYS &&
	    (a->sa_flags & AF_CASEEXACT) && a->sa_uniq == UNIQ_SERVER,
	    "User id: readOnly, returned always, caseExact, unique");
	a = schema_attr_find(gs->sc_attrs, "id");
	ok(a != NULL && a->sa_mut == MUT_RO && a->sa_ret == RET_ALWAYS,
	    "Group id: readOnly, returned always");
	a = schema_attr_find(us->sc_attrs, "externalId");
	ok(a != NULL && a->sa_mut == MUT_RW && (a->sa_flags & AF_CASEEXACT),
	    "externalId: readWrite, caseExact (RFC 7643 §3.1)");
	a = schema_attr_find(us->sc_attrs, "meta");
	ok(a != NULL && a->sa_mut == MUT_RO && a->sa_type == AT_COMPLEX,
	    "meta: readOnly, complex");

	/* RFC 7643 §4.1.1, §8.7.1. */
	a = schema_attr_find(us->sc_attrs, "userName");
	ok(a != NULL && a->sa_type == AT_STRING && a->sa_uniq == UNIQ_SERVER &&
	    !(a->sa_flags & AF_CASEEXACT) && (a->sa_flags & AF_REQUIRED) &&
	    !(a->sa_flags & AF_MULTI) && a->sa_mut == MUT_RW,
	    "userName: string, required, uniqueness server, caseExact false");
	a = schema_attr_find(us->sc_attrs, "password");
	ok(a != NULL && a->sa_mut == MUT_WO && a->sa_ret == RET_NEVER &&
	    !(a->sa_flags & AF_CASEEXACT),
	    "password: writeOnly, returned never, caseExact false (§8.7.1)");
	a = schema_attr_find(us->sc_attrs, "active");
	ok(a != NULL && a->sa_type == AT_BOOLEAN, "active: boolean");
	a = schema_attr_find(us->sc_attrs, "groups");
	ok(a != NULL && a->sa_mut == MUT_RO && (a->sa_flags & AF_MULTI),
	    "groups: readOnly, multi-valued (RFC 7643 §4.1.2)");
	a = attr(us, "groups.type");
	ok(a != NULL && a->sa_canon != NULL &&
	    strcmp(a->sa_canon[0], "direct") == 0 &&
	    strcmp(a->sa_canon[1], "indirect") == 0 && a->sa_canon[2] == NULL,
	    "groups.type: canonical direct, indirect");
	a = attr(us, "emails.type");
	ok(a != NULL && a->sa_canon != NULL &&
	    strcmp(a->sa_canon[0], "work") == 0 &&
	    strcmp(a->sa_canon[1], "home") == 0 &&
	    strcmp(a->sa_canon[2], "other") == 0 && a->sa_canon[3] == NULL,
	    "emails.type: canonical work, home, other");
	a = attr(us, "emails.value");
	ok(a != NULL && !(a->sa_flags & AF_CASEEXACT) &&
	    (a->sa_flags & AF_KEYSTR), "emails.value: caseExact false, "
	    "indexed");
	a = attr(us, "emails.primary");
	ok(a != NULL && a->sa_type == AT_BOOLEAN, "emails.primary: boolean");
	a = attr(us, "x509Certificates.value");
	ok(a != NULL && a->sa_type == AT_BINARY, "x509Certificates.value: "
	    "binary");
	a = attr(us, "name.givenName");
	ok(a != NULL && a->sa_type == AT_STRING && a->sa_mut == MUT_RW,
	    "name.givenName: string, readWrite");
	a = schema_attr_find(us->sc_attrs, "roles");
	ok(a != NULL && a->sa_type == AT_COMPLEX && (a->sa_flags & AF_MULTI),
	    "roles: complex, multi-valued");

	/* RFC 7643 §4.3. */
	a = attr(us, URN_ENTERPRISE ":manager");
	ok(a != NULL && a->sa_type == AT_COMPLEX && !(a->sa_flags & AF_MULTI),
	    "manager: complex, single-valued");
	a = attr(us, URN_ENTERPRISE ":manager.displayName");
	ok(a != NULL && a->sa_mut == MUT_RO, "manager.displayName: readOnly");
	a = attr(us, URN_ENTERPRISE ":manager.value");
	ok(a != NULL && a->sa_mut == MUT_RW, "manager.value: readWrite");
	a = attr(us, URN_SCIMLET ":appRoles");
	ok(a != NULL && a->sa_mut == MUT_RO && (a->sa_flags & AF_MULTI),
	    "appRoles: readOnly, multi-valued");

	/* RFC 7643 §4.2, §8.7.1. */
	a = schema_attr_find(gs->sc_attrs, "displayName");
	ok(a != NULL && (a->sa_flags & AF_REQUIRED), "Group displayName: "
	    "required");
	a = schema_attr_find(gs->sc_attrs, "members");
	ok(a != NULL && (a->sa_flags & AF_MULTI) && a->sa_mut == MUT_RW,
	    "members: multi-valued, readWrite");
	a = attr(gs, "members.value");
	ok(a != NULL && a->sa_mut == MUT_IMMUTABLE, "members.value: immutable");
	a = attr(gs, "members.$ref");
	ok(a != NULL && a->sa_mut == MUT_IMMUTABLE &&
	    a->sa_type == AT_REFERENCE, "members.$ref: immutable reference");
	a = attr(gs, "members.type");
	ok(a != NULL && a->sa_mut == MUT_IMMUTABLE && a->sa_canon != NULL &&
	    strcmp(a->sa_canon[0], "User") == 0 &&
	    strcmp(a->sa_canon[1], "Group") == 0 && a->sa_canon[2] == NULL,
	    "members.type: immutable, canonical User, Group");
}

static void
resolve_is(const struct schema *sc, const char *path, const char *want_attr,
    const char *want_sub, const char *want_ext)
{
	const struct schema_attr	*a = NULL, *sub = NULL;
	const char			*ext = NULL;
	int				 r;

	r = schema_resolve(sc, path, &a, &sub, &ext);
	if (want_attr == NULL) {
		ok(r == -1, "resolve %s: none", path);
		return;
	}
	ok(r == 0 && a != NULL && strcmp(a->sa_name, want_attr) == 0 &&
	    (want_sub == NULL ? sub == NULL : sub != NULL &&
	    strcmp(sub->sa_name, want_sub) == 0) &&
	    (want_ext == NULL ? ext == NULL : ext != NULL &&
	    strcmp(ext, want_ext) == 0), "resolve %s: %s%s%s%s%s", path,
	    want_ext != NULL ? want_ext : "", want_ext != NULL ? " " : "",
	    want_attr, want_sub != NULL ? "." : "",
	    want_sub != NULL ? want_sub : "");
}

static void
resolving(void)
{
	const struct schema	*us = schema_static(RES_USER);
	const struct schema	*gs = schema_static(RES_GROUP);
	const char		*k;
	char			 longp[200];

	resolve_is(us, "userName", "userName", NULL, NULL);
	resolve_is(us, "USERNAME", "userName", NULL, NULL);
	resolve_is(us, "name.givenName", "name", "givenName", NULL);
	resolve_is(us, "Name.GIVENNAME", "name", "givenName", NULL);
	resolve_is(us, "emails.value", "emails", "value", NULL);
	resolve_is(us, URN_USER ":userName", "userName", NULL, NULL);
	resolve_is(us, "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:name."
	    "familyName", "name", "familyName", NULL);
	resolve_is(us, URN_ENTERPRISE ":department", "department", NULL,
	    URN_ENTERPRISE);
	resolve_is(us, "urn:ietf:params:scim:schemas:extension:ENTERPRISE:2.0:"
	    "user:Manager.Value", "manager", "value", URN_ENTERPRISE);
	resolve_is(us, "manager", "manager", NULL, URN_ENTERPRISE);
	resolve_is(us, "manager.value", "manager", "value", URN_ENTERPRISE);
	resolve_is(us, "employeeNumber", "employeeNumber", NULL,
	    URN_ENTERPRISE);
	resolve_is(us, "appRoles", "appRoles", NULL, URN_SCIMLET);
	resolve_is(us, "nosuch", NULL, NULL, NULL);
	resolve_is(us, "name.nosuch", NULL, NULL, NULL);
	resolve_is(us, "name.", NULL, NULL, NULL);
	resolve_is(us, "", NULL, NULL, NULL);
	resolve_is(us, ".value", NULL, NULL, NULL);
	/* Qualified names are looked up in their own schema only. */
	resolve_is(us, URN_ENTERPRISE ":userName", NULL, NULL, NULL);
	resolve_is(us, URN_USER ":manager", NULL, NULL, NULL);
	resolve_is(us, URN_GROUP ":displayName", NULL, NULL, NULL);
	resolve_is(gs, "members.value", "members", "value", NULL);
	resolve_is(gs, URN_GROUP ":displayName", "displayName", NULL, NULL);
	resolve_is(gs, "userName", NULL, NULL, NULL);
	resolve_is(gs, "manager", NULL, NULL, NULL);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	resolve_is(us, longp, NULL, NULL, NULL);

	k = URN_USER ":userName";
	ok(schema_core_attr(us, k) == k + strlen(URN_USER) + 1,
	    "schema_core_attr: URN:userName is userName, inside the key");
	is_str(schema_core_attr(us, "urn:ietf:params:scim:schemas:core:2.0:"
	    "user:name.givenName"), "name.givenName",
	    "schema_core_attr: any case");
	ok(schema_core_attr(us, URN_USER) == NULL,
	    "schema_core_attr: the URN alone is no attribute");
	ok(schema_core_attr(us, URN_USER "x:userName") == NULL,
	    "schema_core_attr: a longer URN is another");
	ok(schema_core_attr(us, URN_GROUP ":displayName") == NULL,
	    "schema_core_attr: another type's URN");
	ok(schema_core_attr(us, "userName") == NULL,
	    "schema_core_attr: an unqualified name");
	is_str(schema_core_attr(gs, URN_GROUP ":displayName"), "displayName",
	    "schema_core_attr: Group");
}

static void
normalising(void)
{
	const struct schema	*us = schema_static(RES_USER);
	const struct schema	*gs = schema_static(RES_GROUP);
	char			 big[SCIM_MAX_KEYSTR + 40];

	norm_is(us, "{\"schemas\":[\"" URN_USER "\"],\"id\":\"x\","
	    "\"meta\":{\"version\":\"v\"},\"userName\":\"bjensen\"}",
	    "{\"userName\":\"bjensen\"}",
	    "schemas, id and meta go (readOnly, RFC 7643 §3.1)");
	norm_is(us, "{\"USERNAME\":\"b\",\"Name\":{\"GivenName\":\"B\","
	    "\"FAMILYNAME\":\"J\"},\"Emails\":[{\"Value\":\"b@x\","
	    "\"Primary\":true}]}", "{\"userName\":\"b\",\"name\":{"
	    "\"givenName\":\"B\",\"familyName\":\"J\"},\"emails\":[{"
	    "\"value\":\"b@x\",\"primary\":true}]}",
	    "names in any case become canonical");
	norm_is(us, "{\"userName\":\"b\",\"active\":\"True\"}",
	    "{\"userName\":\"b\",\"active\":true}", "\"True\" is true");
	norm_is(us, "{\"userName\":\"b\",\"active\":\"FALSE\"}",
	    "{\"userName\":\"b\",\"active\":false}", "\"FALSE\" is false");
	norm_is(us, "{\"userName\":\"b\",\"emails\":[{\"value\":\"a\","
	    "\"primary\":\"true\"}]}", "{\"userName\":\"b\",\"emails\":[{"
	    "\"value\":\"a\",\"primary\":true}]}",
	    "a string boolean inside a complex value");
	norm_is(us, "{\"userName\":\"b\",\"displayName\":null,\"name\":{"
	    "\"givenName\":null,\"familyName\":\"J\"}}",
	    "{\"userName\":\"b\",\"name\":{\"familyName\":\"J\"}}",
	    "null is absent, also inside a complex value");
	norm_is(us, "{\"userName\":\"b\",\"emails\":[null,{\"value\":\"a\"}]}",
	    "{\"userName\":\"b\",\"emails\":[{\"value\":\"a\"}]}",
	    "a null element is dropped");
	norm_is(us, "{\"userName\":\"b\",\"emails\":[]}", "{\"userName\":\"b\"}",
	    "an empty array is absent (RFC 7643 §2.5)");
	norm_is(us, "{\"userName\":\"b\",\"emails\":[null]}",
	    "{\"userName\":\"b\"}", "an array of nulls is absent");
	norm_is(us, "{\"userName\":\"b\",\"displayName\":[\"Bab\"]}",
	    "{\"userName\":\"b\",\"displayName\":\"Bab\"}",
	    "a one-element array for a single value");
	norm_is(us, "{\"userName\":\"b\",\"active\":[{\"value\":\"false\"}]}",
	    "{\"userName\":\"b\",\"active\":false}",
	    "[{\"value\": x}] for a single value (old Entra)");
	norm_is(us, "{\"userName\":\"b\",\"title\":[]}", "{\"userName\":\"b\"}",
	    "[] for a single value is absent");
	norm_is(us, "{\"userName\":\"b\",\"title\":[null]}",
	    "{\"userName\":\"b\"}", "[null] for a single value is absent");
	norm_is(us, "{\"userName\":\"b\",\"emails\":{\"value\":\"a\"}}",
	    "{\"userName\":\"b\",\"emails\":[{\"value\":\"a\"}]}",
	    "one object for a multi-valued attribute is a list of one");
	norm_is(us, "{\"userName\":\"b\",\"emails\":[\"a@x\"]}",
	    "{\"userName\":\"b\",\"emails\":[{\"value\":\"a@x\"}]}",
	    "a bare string for a complex element is its value");
	norm_is(us, "{\"userName\":\"b\",\"" URN_ENTERPRISE "\":{\"manager\":"
	    "\"m1\"}}", "{\"userName\":\"b\",\"" URN_ENTERPRISE "\":{"
	    "\"manager\":{\"value\":\"m1\"}}}",
	    "a bare string manager (Entra) is {\"value\"}");
	norm_is(us, "{\"userName\":\"b\",\"" URN_ENTERPRISE ":manager\":{"
	    "\"value\":\"m1\",\"$ref\":\"../Users/m1\",\"displayName\":\"M\"}}",
	    "{\"userName\":\"b\",\"" URN_ENTERPRISE "\":{\"manager\":{"
	    "\"value\":\"m1\"}}}",
	    "URN:manager; $ref and readOnly displayName dropped");
	norm_is(us, "{\"userName\":\"b\",\"roles\":[{\"value\":\"{\\\"id\\\":"
	    "\\\"1\\\",\\\"value\\\":\\\"Admin\\\",\\\"displayName\\\":"
	    "\\\"Administrator\\\"}\"}]}", "{\"userName\":\"b\",\"roles\":[{"
	    "\"value\":\"Admin\",\"display\":\"Administrator\"}]}",
	    "Entra's JSON-string role is unwrapped");
	norm_is(us, "{\"userName\":\"b\",\"" URN_USER ":displayName\":\"D\"}",
	    "{\"userName\":\"b\",\"displayName\":\"D\"}",
	    "URN:attr of the core schema is the attribute (RFC 7644 §3.10)");
	norm_is(us, "{\"userName\":\"b\",\"password\":\"s3cret\",\"groups\":"
	    "[{\"value\":\"g\"}],\"nosuch\":1}", "{\"userName\":\"b\"}",
	    "password (writeOnly), groups (readOnly), unknown: dropped");
	norm_is(us, "{\"userName\":\"b\",\"urn:acme:ext:1.0:User\":{\"a\":1},"
	    "\"urn:acme:ext:1.0:User:b\":[true]}", "{\"userName\":\"b\","
	    "\"urn:acme:ext:1.0:User\":{\"a\":1,\"b\":[true]}}",
	    "unknown urn keys are kept as sent, both shapes in one object");
	norm_is(us, "{\"userName\":\"b\",\"urnish\":1}", "{\"userName\":\"b\"}",
	    "a key that only starts like a URN is an unknown attribute");
	norm_fails(us, "{\"userName\":\"b\",\"urn:a:b:User:on\":1,"
	    "\"urn:a:b:User\":{\"ON\":2}}", SCIM_EINVALSYNTAX,
	    "urn:a:b:User:ON is given twice",
	    "an unknown extension's attribute given twice in two cases");
	norm_is(us, "{\"userName\":\"b\",\"" URN_ENTERPRISE "\":{}}",
	    "{\"userName\":\"b\"}", "an empty extension object is absent");
	norm_is(us, "{\"userName\":\"b\",\"urn:acme:ext:1.0:User\":{\"a\":null,"
	    "\"b\":1}}", "{\"userName\":\"b\",\"urn:acme:ext:1.0:User\":{"
	    "\"b\":1}}", "null is absent in an unknown extension too");
	norm_is(us, "{\"userName\":\"b\",\"urn:acme:ext:1.0:User\":{},"
	    "\"urn:acme:ext:2.0:User\":{\"a\":null}}", "{\"userName\":\"b\"}",
	    "an unknown extension left empty is absent");
	norm_is(us, "{\"userName\":\"b\",\"" URN_SCIMLET "\":{\"appRoles\":"
	    "[\"x\"]}}", "{\"userName\":\"b\"}",
	    "appRoles cannot be written (readOnly)");
	norm_is(gs, "{\"displayName\":\"G\",\"members\":[{\"value\":\"u1\","
	    "\"display\":\"U\",\"type\":\"User\"}],\"urn:x:y:Group\":{\"k\":"
	    "\"v\"}}", "{\"displayName\":\"G\",\"members\":[{\"value\":\"u1\","
	    "\"type\":\"User\"}],\"urn:x:y:Group\":{\"k\":\"v\"}}",
	    "Group: members.display is readOnly; unknown urn kept");

	norm_fails(us, "{\"userName\":\"b\",\"active\":\"yes\"}",
	    SCIM_EINVALVALUE, "active must be a boolean", "\"yes\" for a "
	    "boolean: invalidValue");
	norm_fails(us, "{\"userName\":\"b\",\"active\":1}", SCIM_EINVALVALUE,
	    "active must be a boolean", "1 for a boolean: invalidValue");
	norm_fails(us, "{\"userName\":5}", SCIM_EINVALVALUE,
	    "userName must be a string", "a number for a string");
	norm_fails(us, "{\"userName\":\"b\",\"name\":\"Bab\"}",
	    SCIM_EINVALVALUE, "name must be an object",
	    "a string for a complex attribute without value");
	norm_fails(us, "{\"userName\":\"b\",\"name\":{\"givenName\":true}}",
	    SCIM_EINVALVALUE, "givenName must be a string",
	    "a wrong type inside a complex value");
	norm_fails(us, "{\"userName\":\"b\",\"emails\":[5]}", SCIM_EINVALVALUE,
	    "emails must be an object", "a number as a complex element");
	norm_fails(us, "{\"userName\":\"b\",\"displayName\":[\"a\",\"b\"]}",
	    SCIM_EINVALVALUE, "displayName is single-valued",
	    "two values for a single-valued attribute");
	norm_fails(us, "{\"userName\":\"b\",\"emails\":[{\"value\":\"a\","
	    "\"primary\":true},{\"value\":\"c\",\"primary\":\"True\"}]}",
	    SCIM_EINVALVALUE, "more than one value is primary",
	    "two primaries (RFC 7643 §2.4)");
	norm_fails(us, "{\"userName\":\"b\",\"" URN_ENTERPRISE "\":\"x\"}",
	    SCIM_EINVALVALUE, "must be an object",
	    "an extension that is not an object");
	norm_fails(us, "{\"userName\":\"b\",\"" URN_USER "\":{\"title\":\"t\"}}",
	    SCIM_EINVALSYNTAX, "top level", "core attributes nested under "
	    "the core URN");
	norm_fails(us, "{\"userName\":\"b\",\"" URN_GROUP ":displayName\":"
	    "\"g\"}", SCIM_EINVALVALUE, "names a schema User does not have",
	    "another resource type's URN");
	norm_fails(us, "{\"userName\":\"b\",\"USERNAME\":\"c\"}",
	    SCIM_EINVALSYNTAX, "userName is given twice",
	    "an attribute given twice in two cases");
	norm_fails(us, "{\"userName\":\"b\",\"name\":{\"givenName\":\"x\","
	    "\"GIVENNAME\":\"y\"}}", SCIM_EINVALSYNTAX, "name.givenName is "
	    "given twice", "a sub-attribute given twice");
	memset(big, 'x', sizeof(big));
	memcpy(big, "{\"userName\":\"", 13);
	memcpy(big + 13 + SCIM_MAX_KEYSTR + 1, "\"}", 3);
	norm_fails(us, big, SCIM_EINVALVALUE, "longer than 4096 bytes",
	    "an indexed string over SCIM_MAX_KEYSTR");
	big[13 + SCIM_MAX_KEYSTR] = '"';
	big[13 + SCIM_MAX_KEYSTR + 1] = '}';
	big[13 + SCIM_MAX_KEYSTR + 2] = '\0';
	{
		struct scim_resp resp;
		char *got = NULL;
		ok(norm(us, big, &got, &resp) == SCIM_OK,
		    "exactly SCIM_MAX_KEYSTR bytes is fine");
		free(got);
	}
}

/* Does the found list hold urn with type and multi? */
static int
found_has(const cJSON *found, const char *urn, const char *type, int multi)
{
	const cJSON	*f;

	cJSON_ArrayForEach(f, found)
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(f, "urn")),
		    urn) == 0)
			return strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(f,
			    "type")), type) == 0 && cJSON_IsTrue(
			    cJSON_GetObjectItem(f, "multi")) == multi &&
			    cJSON_IsTrue(cJSON_GetObjectItem(f, "auto")) &&
			    cJSON_IsFalse(cJSON_GetObjectItem(f, "caseExact"));
	return 0;
}

static void
overlay(void)
{
	const struct schema		*us = schema_static(RES_USER);
	const struct schema_attr	*a;
	const struct schema		*sc;
	struct schema_overlay		 ov;
	struct scim_resp		 resp;
	cJSON				*found;
	char				*got;
	int				 n, i;

	ok(schema_overlay_load(&ov, NULL) == SCIM_OK, "no declarations");
	ok(ov.so_sc.sc_attrs == us->sc_attrs && ov.so_sc.sc_exts ==
	    us->sc_exts && ov.so_sc.sc_found == &ov.so_found,
	    "the static tables, with a found list of its own");
	schema_overlay_free(&ov);

	ok(schema_overlay_load(&ov, cJSON_Parse("[{\"urn\":\"" URN_USER
	    ":roleName\",\"type\":\"string\"},{\"urn\":\"urn:acme:ext:2.0:"
	    "User:costCode\",\"type\":\"integer\"},{\"urn\":\"urn:other:1.0:"
	    "User:badge\"},{\"urn\":\"URN:ACME:EXT:2.0:USER:flags\",\"type\":"
	    "\"Boolean\",\"multi\":true,\"caseExact\":true},{\"urn\":\""
	    URN_USER ":userName\",\"type\":\"integer\"},{\"urn\":\""
	    URN_ENTERPRISE ":foo\"},{\"nourn\":1},{\"urn\":\"nocolon\"},"
	    "{\"urn\":7}]")) == SCIM_OK, "declarations load");
	sc = &ov.so_sc;
	a = attr(sc, "roleName");
	ok(a != NULL && a->sa_type == AT_STRING && a->sa_mut == MUT_RW &&
	    strcmp(a->sa_name, "roleName") == 0,
	    "a declared core attribute is in the User table");
	resolve_is(sc, URN_USER ":ROLENAME", "roleName", NULL, NULL);
	for (n = 0, i = 0; sc->sc_attrs[i].sa_name != NULL; i++)
		n += strcmp(sc->sc_attrs[i].sa_name, "userName") == 0;
	is_int(n, 1, "declaring a static attribute adds nothing");
	a = attr(sc, "userName");
	ok(a != NULL && a->sa_type == AT_STRING, "and does not change it");
	for (n = 0; sc->sc_exts[n].se_urn != NULL; n++)
		;
	is_int(n, 4, "two static extensions and two declared");
	is_str(sc->sc_exts[2].se_urn, "urn:acme:ext:2.0:User",
	    "the first declared URN, as first written");
	is_str(sc->sc_exts[3].se_urn, "urn:other:1.0:User", "the second");
	is_str(sc->sc_exts[2].se_name, "Extension", "its name");
	resolve_is(sc, "urn:acme:ext:2.0:User:costCode", "costCode", NULL,
	    "urn:acme:ext:2.0:User");
	a = attr(sc, "urn:acme:ext:2.0:User:costCode");
	ok(a != NULL && a->sa_type == AT_INTEGER && a->sa_flags == 0,
	    "costCode: integer, single, caseExact false");
	a = attr(sc, "urn:acme:ext:2.0:User:flags");
	ok(a != NULL && a->sa_type == AT_BOOLEAN &&
	    a->sa_flags == (AF_MULTI | AF_CASEEXACT),
	    "flags (URN in another case): boolean, multi, caseExact");
	a = attr(sc, "urn:other:1.0:User:badge");
	ok(a != NULL && a->sa_type == AT_STRING, "no type is string");
	resolve_is(sc, "costCode", "costCode", NULL, "urn:acme:ext:2.0:User");
	resolve_is(sc, URN_ENTERPRISE ":foo", NULL, NULL, NULL);
	resolve_is(sc, "manager", "manager", NULL, URN_ENTERPRISE);

	/* Normalising with it. */
	memset(&resp, 0, sizeof(resp));
	norm_is(sc, "{\"userName\":\"b\",\"roleName\":\"Admin\","
	    "\"urn:acme:ext:2.0:User\":{\"costCode\":5,\"extra\":\"x\"},"
	    "\"urn:acme:ext:2.0:User:more\":[1],\"urn:new:ext:1.0:User:on\":"
	    "true,\"urn:new:ext:1.0:User\":{\"n\":2.5}}",
	    "{\"userName\":\"b\",\"roleName\":\"Admin\","
	    "\"urn:acme:ext:2.0:User\":{\"costCode\":5,\"extra\":\"x\","
	    "\"more\":[1]},\"urn:new:ext:1.0:User\":{\"on\":true,\"n\":2.5}}",
	    "declared and undeclared attributes kept");
	found = schema_overlay_found_take(&ov);
	ok(ov.so_found == NULL, "taking the found list empties it");
	is_int(cJSON_GetArraySize(found), 4, "four undeclared attributes "
	    "found");
	ok(found_has(found, "urn:acme:ext:2.0:User:extra", "string", 0),
	    "extra: string");
	ok(found_has(found, "urn:acme:ext:2.0:User:more", "string", 1),
	    "more: multi (an array's type is string)");
	ok(found_has(found, "urn:new:ext:1.0:User:on", "boolean", 0),
	    "on: boolean");
	ok(found_has(found, "urn:new:ext:1.0:User:n", "decimal", 0),
	    "n: decimal");
	ok(!found_has(found, "urn:acme:ext:2.0:User:costCode", "decimal", 0),
	    "a declared attribute is not found again");
	cJSON_Delete(found);
	norm_fails(sc, "{\"userName\":\"b\",\"urn:acme:ext:2.0:User\":{"
	    "\"costCode\":\"5\"}}", SCIM_EINVALVALUE, "costCode must be a "
	    "number", "a declared attribute's type is checked");
	norm_fails(sc, "{\"userName\":\"b\",\"roleName\":{\"a\":1}}",
	    SCIM_EINVALVALUE, "roleName must be a string",
	    "a declared core attribute's type is checked");
	/* The static schema has nowhere to record them, and records none. */
	norm_is(us, "{\"userName\":\"b\",\"urn:z:1:User:q\":1}",
	    "{\"userName\":\"b\",\"urn:z:1:User\":{\"q\":1}}",
	    "without an overlay: kept, not recorded");
	ok(ov.so_found == NULL, "the overlay saw none of it");
	norm_is(sc, "{\"userName\":\"b\",\"urn:z:1:User\":{\"q\":null}}",
	    "{\"userName\":\"b\"}", "an unknown extension's null member");
	ok(ov.so_found == NULL, "is not declared");
	got = NULL;
	(void)norm(sc, "{\"userName\":\"b\",\"urn:z:1:User:q\":1}", &got,
	    &resp);
	free(got);
	ok(ov.so_found != NULL, "an overlay records what it normalises");
	schema_overlay_free(&ov);
	ok(ov.so_core == NULL && ov.so_exts == NULL && ov.so_extattrs == NULL &&
	    ov.so_src == NULL && ov.so_found == NULL, "freed and emptied");
	schema_overlay_free(&ov);
	ok(1, "freeing twice is harmless");

	ok(schema_overlay_load(&ov, cJSON_Parse("{\"urn\":\"x\"}")) ==
	    SCIM_OK && ov.so_sc.sc_attrs == us->sc_attrs,
	    "declarations that are no array: the static schema");
	schema_overlay_free(&ov);
}

static void
urns(void)
{
	const struct schema	*us = schema_static(RES_USER);
	cJSON			*doc, *arr;
	char			*text;

	doc = cJSON_Parse("{\"userName\":\"b\",\"" URN_ENTERPRISE "\":{},"
	    "\"urn:acme:x\":{\"a\":1},\"urn:flat\":\"s\",\"name\":{}}");
	arr = schema_urns(us, doc);
	text = cJSON_PrintUnformatted(arr);
	is_str(text, "[\"" URN_USER "\",\"" URN_ENTERPRISE "\",\"urn:acme:x\"]",
	    "schema_urns: core URN, then each urn: object in order");
	free(text);
	cJSON_Delete(arr);
	cJSON_Delete(doc);
	doc = cJSON_CreateObject();
	arr = schema_urns(schema_static(RES_GROUP), doc);
	text = cJSON_PrintUnformatted(arr);
	is_str(text, "[\"" URN_GROUP "\"]", "schema_urns: a bare group");
	free(text);
	cJSON_Delete(arr);
	cJSON_Delete(doc);
}

int
main(void)
{
	tables();
	resolving();
	normalising();
	overlay();
	urns();
	return tap_done();
}
