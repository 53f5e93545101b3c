/*
 * check_project.c: attributes and excludedAttributes (RFC 7644 §3.4.2.5,
 * §3.9): parsing the lists, proj_wants() and proj_apply().
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "http.h"
#include "project.h"
#include "schema.h"
#include "tap.h"

#define ENT	URN_ENTERPRISE
#define ENTQ	"urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3A" \
		"enterprise%3A2.0%3AUser"

/* A stored user as the projection sees it (with its groups added). */
static const char *user =
	"{\"schemas\":[\"" URN_USER "\",\"" ENT "\",\"" URN_SCIMLET "\"],"
	"\"id\":\"i1\",\"externalId\":\"e1\",\"userName\":\"u\","
	"\"name\":{\"givenName\":\"g\",\"familyName\":\"f\"},"
	"\"emails\":[{\"value\":\"a@x\",\"type\":\"work\"},{\"value\":\"b@x\"}],"
	"\"groups\":[{\"value\":\"g1\",\"display\":\"G\"}],"
	"\"" ENT "\":{\"department\":\"d\",\"manager\":{\"value\":\"m\"}},"
	"\"" URN_SCIMLET "\":{\"appRoles\":[\"r\"]},"
	"\"meta\":{\"resourceType\":\"User\",\"version\":\"W/\\\"1\\\"\"}}";

static enum scim_err
parse(const char *query, struct proj *pj, struct scim_resp *resp)
{
	memset(resp, 0, sizeof(*resp));
	return proj_parse(query, schema_static(RES_USER), pj, resp);
}

/* proj_parse(query) then proj_apply() to the user; the result printed. */
static void
apply_is(const char *query, const char *want, const char *name)
{
	struct scim_resp	 resp;
	struct proj		 pj;
	cJSON			*doc;
	char			*got;

	if (parse(query, &pj, &resp) != SCIM_OK)
		tap_diag("%s: %s", query, resp.rp_detail);
	doc = cJSON_Parse(user);
	proj_apply(&pj, schema_static(RES_USER), doc);
	got = cJSON_PrintUnformatted(doc);
	is_str(got, want, name);
	free(got);
	cJSON_Delete(doc);
}

static int
item_is(const struct proj *pj, int i, const char *ext, const char *attr,
    const char *sub)
{
	return i < pj->pj_n && strcmp(pj->pj_items[i].pi_ext, ext) == 0 &&
	    strcmp(pj->pj_items[i].pi_attr, attr) == 0 &&
	    strcmp(pj->pj_items[i].pi_sub, sub) == 0;
}

static void
parsing(void)
{
	struct scim_resp	 resp;
	struct proj		 pj;
	char			 q[4096], *p;
	int			 i;

	ok(parse(NULL, &pj, &resp) == SCIM_OK && pj.pj_mode == PROJ_ALL &&
	    pj.pj_n == 0, "no query: everything");
	ok(parse("count=5&filter=x", &pj, &resp) == SCIM_OK &&
	    pj.pj_mode == PROJ_ALL, "no projection: everything");
	ok(parse("attributes=", &pj, &resp) == SCIM_OK &&
	    pj.pj_mode == PROJ_ALL, "an empty list: everything");
	ok(parse("attributes=USERNAME", &pj, &resp) == SCIM_OK &&
	    pj.pj_mode == PROJ_ONLY && pj.pj_n == 1 &&
	    item_is(&pj, 0, "", "userName", ""),
	    "attributes=USERNAME: userName, canonical case");
	ok(parse("Attributes=name.GivenName,%20emails.value", &pj, &resp) ==
	    SCIM_OK && pj.pj_n == 2 && item_is(&pj, 0, "", "name", "givenName")
	    && item_is(&pj, 1, "", "emails", "value"),
	    "sub-attributes; the parameter name in any case; blanks");
	ok(parse("attributes=" ENTQ "%3Amanager.value", &pj, &resp) ==
	    SCIM_OK && item_is(&pj, 0, ENT, "manager", "value"),
	    "a URN-qualified extension sub-attribute");
	ok(parse("attributes=" URN_USER ":name.familyName", &pj, &resp) ==
	    SCIM_OK && item_is(&pj, 0, "", "name", "familyName"),
	    "a URN-qualified core attribute is the core one");
	ok(parse("attributes=urn:ietf:params:scim:schemas:extension:"
	    "ENTERPRISE:2.0:user", &pj, &resp) == SCIM_OK &&
	    item_is(&pj, 0, ENT, "", ""), "a whole extension, any case");
	ok(parse("attributes=manager", &pj, &resp) == SCIM_OK &&
	    item_is(&pj, 0, ENT, "manager", ""),
	    "an unprefixed extension attribute (Entra)");
	ok(parse("attributes=emails%5Btype+eq+%22work%22%5D.value", &pj,
	    &resp) == SCIM_OK && pj.pj_n == 1 &&
	    item_is(&pj, 0, "", "emails", ""),
	    "a value path names its attribute");
	ok(parse("attributes=nosuch,nosuch.sub", &pj, &resp) == SCIM_OK &&
	    item_is(&pj, 0, "", "nosuch", "") &&
	    item_is(&pj, 1, "", "nosuch", "sub"),
	    "unknown names are taken as written");
	ok(parse("attributes=,,userName,,", &pj, &resp) == SCIM_OK &&
	    pj.pj_n == 1, "empty items are skipped");
	ok(parse("attributes=.,.givenName,%5Btype%5D,userName", &pj, &resp) ==
	    SCIM_OK &&
	    pj.pj_n == 1 && item_is(&pj, 0, "", "userName", ""),
	    "names without an attribute are no names");
	ok(parse("excludedAttributes=emails,name.givenName", &pj, &resp) ==
	    SCIM_OK && pj.pj_mode == PROJ_EXCLUDE && pj.pj_n == 2,
	    "excludedAttributes");
	ok(parse("excludedAttributes=", &pj, &resp) == SCIM_OK &&
	    pj.pj_mode == PROJ_EXCLUDE && pj.pj_n == 0,
	    "an empty exclusion excludes nothing");
	ok(parse("excludedAttributes=emails&attributes=userName", &pj, &resp) ==
	    SCIM_OK && pj.pj_mode == PROJ_ONLY && item_is(&pj, 0, "",
	    "userName", ""), "both given: attributes counts");

	/* Limits. */
	p = q + snprintf(q, sizeof(q), "attributes=");
	for (i = 0; i < SCIM_MAX_ATTRIBUTES; i++)
		p += snprintf(p, sizeof(q) - (size_t)(p - q), "a%d,", i);
	ok(parse(q, &pj, &resp) == SCIM_OK && pj.pj_n == SCIM_MAX_ATTRIBUTES,
	    "%d items are fine", SCIM_MAX_ATTRIBUTES);
	snprintf(p, sizeof(q) - (size_t)(p - q), "one_more");
	ok(parse(q, &pj, &resp) == SCIM_EINVALVALUE,
	    "%d items: invalidValue", SCIM_MAX_ATTRIBUTES + 1);
	is_str(resp.rp_detail, "more than 32 attributes listed", "saying so");
	memset(q, 'a', sizeof(q) - 1);
	q[sizeof(q) - 1] = '\0';
	memcpy(q, "attributes=", 11);
	ok(parse(q, &pj, &resp) == SCIM_EINVALVALUE &&
	    strcmp(resp.rp_detail, "attribute list too long") == 0,
	    "a list of SCIM_MAX_ATTRLIST bytes or more: invalidValue");
	memcpy(q, "excludedAttributes=", 19);
	ok(parse(q, &pj, &resp) == SCIM_EINVALVALUE,
	    "an exclusion list too long too");
	q[19 + SCIM_MAX_ATTRLIST] = '\0';
	memset(&resp, 0, sizeof(resp));
	ok(proj_list(q + 19, 1, schema_static(RES_USER), &pj, &resp) ==
	    SCIM_EINVALVALUE, "proj_list: a list too long");
	memset(&resp, 0, sizeof(resp));
	ok(proj_list(NULL, 0, schema_static(RES_USER), &pj, &resp) ==
	    SCIM_OK && pj.pj_mode == PROJ_ALL, "proj_list: no list");
	ok(proj_list("userName, emails", 0, schema_static(RES_USER), &pj,
	    &resp) == SCIM_OK && pj.pj_mode == PROJ_ONLY && pj.pj_n == 2,
	    "proj_list: a SearchRequest's joined list");
	ok(proj_list("emails", 1, schema_static(RES_USER), &pj, &resp) ==
	    SCIM_OK && pj.pj_mode == PROJ_EXCLUDE, "proj_list: exclude");
}

static void
wanting(void)
{
	struct scim_resp	resp;
	struct proj		pj;

	parse("", &pj, &resp);
	ok(proj_wants(&pj, "groups") && proj_wants(&pj, "members"),
	    "everything: every attribute wanted");
	parse("attributes=userName,name.givenName", &pj, &resp);
	ok(proj_wants(&pj, "userName") && proj_wants(&pj, "USERNAME"),
	    "a listed attribute is wanted, in any case");
	ok(proj_wants(&pj, "name"), "an attribute with a listed sub-attribute");
	ok(!proj_wants(&pj, "groups") && !proj_wants(&pj, "members"),
	    "others are not (no groups to look up)");
	parse("excludedAttributes=Groups,members.display", &pj, &resp);
	ok(!proj_wants(&pj, "groups"), "an excluded attribute is not wanted");
	ok(proj_wants(&pj, "members"), "one with an excluded sub-attribute is");
	ok(proj_wants(&pj, "userName"), "others are");
	parse("attributes=" ENT ":manager", &pj, &resp);
	ok(!proj_wants(&pj, "manager"), "proj_wants names core attributes");
}

static void
applying(void)
{
	apply_is("", user, "no projection: the resource as it is");
	apply_is("attributes=userName", "{\"schemas\":[\"" URN_USER "\",\""
	    ENT "\",\"" URN_SCIMLET "\"],\"id\":\"i1\",\"userName\":\"u\"}",
	    "attributes=userName: it, with id and schemas");
	apply_is("attributes=id", "{\"schemas\":[\"" URN_USER "\",\"" ENT
	    "\",\"" URN_SCIMLET "\"],\"id\":\"i1\"}", "attributes=id");
	apply_is("attributes=password", "{\"schemas\":[\"" URN_USER "\",\""
	    ENT "\",\"" URN_SCIMLET "\"],\"id\":\"i1\"}",
	    "attributes=password: never returned (RFC 7643 §4.1.1)");
	apply_is("attributes=NAME.givenname,EMAILS.value", "{\"schemas\":[\""
	    URN_USER "\",\"" ENT "\",\"" URN_SCIMLET "\"],\"id\":\"i1\","
	    "\"name\":{\"givenName\":\"g\"},\"emails\":[{\"value\":\"a@x\"},"
	    "{\"value\":\"b@x\"}]}", "sub-attributes, in any case");
	apply_is("attributes=name.givenName,name", "{\"schemas\":[\"" URN_USER
	    "\",\"" ENT "\",\"" URN_SCIMLET "\"],\"id\":\"i1\",\"name\":{"
	    "\"givenName\":\"g\",\"familyName\":\"f\"}}",
	    "an attribute and one of its sub-attributes: all of it");
	apply_is("attributes=" ENTQ "%3Amanager.value", "{\"schemas\":[\""
	    URN_USER "\",\"" ENT "\",\"" URN_SCIMLET "\"],\"id\":\"i1\",\"" ENT
	    "\":{\"manager\":{\"value\":\"m\"}}}",
	    "a URN-qualified extension sub-attribute");
	apply_is("attributes=" ENT, "{\"schemas\":[\"" URN_USER "\",\"" ENT
	    "\",\"" URN_SCIMLET "\"],\"id\":\"i1\",\"" ENT "\":{\"department\":"
	    "\"d\",\"manager\":{\"value\":\"m\"}}}", "a whole extension");
	apply_is("attributes=department,appRoles", "{\"schemas\":[\"" URN_USER
	    "\",\"" ENT "\",\"" URN_SCIMLET "\"],\"id\":\"i1\",\"" ENT "\":{"
	    "\"department\":\"d\"},\"" URN_SCIMLET "\":{\"appRoles\":[\"r\"]}}",
	    "unprefixed extension attributes");
	apply_is("attributes=meta.version", "{\"schemas\":[\"" URN_USER "\",\""
	    ENT "\",\"" URN_SCIMLET "\"],\"id\":\"i1\",\"meta\":{\"version\":"
	    "\"W/\\\"1\\\"\"}}", "meta.version");
	apply_is("attributes=nosuch", "{\"schemas\":[\"" URN_USER "\",\"" ENT
	    "\",\"" URN_SCIMLET "\"],\"id\":\"i1\"}",
	    "an unknown attribute: id and schemas");
	apply_is("attributes=name.middleName,emails.display", "{\"schemas\":[\""
	    URN_USER "\",\"" ENT "\",\"" URN_SCIMLET "\"],\"id\":\"i1\"}",
	    "sub-attributes the resource lacks: no empty values");
	apply_is("attributes=emails.type", "{\"schemas\":[\"" URN_USER "\",\""
	    ENT "\",\"" URN_SCIMLET "\"],\"id\":\"i1\",\"emails\":[{\"type\":"
	    "\"work\"}]}", "an element without the sub-attribute is left out");

	apply_is("excludedAttributes=id,schemas", user,
	    "id and schemas cannot be excluded");
	apply_is("excludedAttributes=.givenName", user,
	    "excluding a name without an attribute excludes nothing");
	apply_is("excludedAttributes=emails,name.familyName,meta,groups,"
	    "externalId", "{\"schemas\":[\"" URN_USER "\",\"" ENT "\",\""
	    URN_SCIMLET "\"],\"id\":\"i1\",\"userName\":\"u\",\"name\":{"
	    "\"givenName\":\"g\"},\"" ENT "\":{\"department\":\"d\",\"manager\":"
	    "{\"value\":\"m\"}},\"" URN_SCIMLET "\":{\"appRoles\":[\"r\"]}}",
	    "excluding attributes and a sub-attribute");
	apply_is("excludedAttributes=EMAILS.TYPE", "{\"schemas\":[\"" URN_USER
	    "\",\"" ENT "\",\"" URN_SCIMLET "\"],\"id\":\"i1\",\"externalId\":"
	    "\"e1\",\"userName\":\"u\",\"name\":{\"givenName\":\"g\","
	    "\"familyName\":\"f\"},\"emails\":[{\"value\":\"a@x\"},{\"value\":"
	    "\"b@x\"}],\"groups\":[{\"value\":\"g1\",\"display\":\"G\"}],\"" ENT
	    "\":{\"department\":\"d\",\"manager\":{\"value\":\"m\"}},\""
	    URN_SCIMLET "\":{\"appRoles\":[\"r\"]},\"meta\":{\"resourceType\":"
	    "\"User\",\"version\":\"W/\\\"1\\\"\"}}",
	    "excluding a sub-attribute of every element, any case");
	apply_is("excludedAttributes=" ENT ",userName,externalId,name,emails,"
	    "groups,meta", "{\"schemas\":[\"" URN_USER "\",\"" ENT "\",\""
	    URN_SCIMLET "\"],\"id\":\"i1\",\"" URN_SCIMLET "\":{\"appRoles\":"
	    "[\"r\"]}}", "excluding a whole extension");
	apply_is("excludedAttributes=" ENT ":department,manager,userName,"
	    "externalId,name,emails,groups,meta," URN_SCIMLET, "{\"schemas\":"
	    "[\"" URN_USER "\",\"" ENT "\",\"" URN_SCIMLET "\"],\"id\":\"i1\"}",
	    "an extension all of whose attributes are excluded goes");
	apply_is("excludedAttributes=name.givenName,name.familyName",
	    "{\"schemas\":[\"" URN_USER "\",\"" ENT "\",\"" URN_SCIMLET "\"],"
	    "\"id\":\"i1\",\"externalId\":\"e1\",\"userName\":\"u\",\"emails\":"
	    "[{\"value\":\"a@x\",\"type\":\"work\"},{\"value\":\"b@x\"}],"
	    "\"groups\":[{\"value\":\"g1\",\"display\":\"G\"}],\"" ENT "\":{"
	    "\"department\":\"d\",\"manager\":{\"value\":\"m\"}},\"" URN_SCIMLET
	    "\":{\"appRoles\":[\"r\"]},\"meta\":{\"resourceType\":\"User\","
	    "\"version\":\"W/\\\"1\\\"\"}}",
	    "every sub-attribute excluded: no empty name");
}

int
main(void)
{
	parsing();
	wanting();
	applying();
	return tap_done();
}
