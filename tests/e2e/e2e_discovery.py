#!/usr/bin/env python3
"""Discovery documents (RFC 7643 §5-7, RFC 7644 §4): their shape, and
that they describe what the server really does."""
from harness import Server, Tap, URN_ENT, URN_GROUP, URN_LIST, URN_USER

t = Tap()
s = Server()
tok = s.tenant("acme")

TYPES = {"string", "boolean", "decimal", "integer", "dateTime", "binary",
         "reference", "complex"}


def nulls(v, where=""):
    """Paths of null values anywhere in v."""
    if v is None:
        return [where]
    if isinstance(v, dict):
        return sum((nulls(x, where + "." + k) for k, x in v.items()), [])
    if isinstance(v, list):
        return sum((nulls(x, where + "[]") for x in v), [])
    return []


def attr_ok(a, where):
    """RFC 7643 §7: every attribute definition's characteristics."""
    bad = []
    for k in ("name", "type", "multiValued", "required", "mutability", "returned"):
        if k not in a:
            bad.append("%s.%s missing" % (where, k))
    if a.get("type") not in TYPES:
        bad.append("%s: type %r" % (where, a.get("type")))
    if a.get("mutability") not in ("readOnly", "readWrite", "immutable", "writeOnly"):
        bad.append("%s: mutability" % where)
    if a.get("returned") not in ("always", "never", "default", "request"):
        bad.append("%s: returned" % where)
    if a.get("type") == "string" and "caseExact" not in a:
        bad.append("%s: caseExact missing" % where)
    if a.get("type") == "complex":
        for sub in a.get("subAttributes", []):
            bad += attr_ok(sub, where + "." + sub.get("name", "?"))
    return bad


for path in ("/Schemas", "/ResourceTypes", "/ServiceProviderConfig"):
    r = s.req("GET", path, token=tok)
    t.status(r, 200, "GET " + path)
    t.eq(nulls(r.json), [], path + ": no null-valued properties")

r = s.req("GET", "/Schemas", token=tok)
j = r.json
t.eq(j["schemas"], [URN_LIST], "/Schemas is a ListResponse")
ids = [x["id"] for x in j["Resources"]]
SCIMLET = "urn:scimlet:schemas:extension:2.0:User"
t.eq(sorted(ids), sorted([URN_USER, URN_GROUP, URN_ENT, SCIMLET]),
     "User, Group, EnterpriseUser, scimlet's extension")
t.ok("User Account" in r.text, "User described as User Account")
problems = []
for sch in j["Resources"]:
    if sch["schemas"] != ["urn:ietf:params:scim:schemas:core:2.0:Schema"]:
        problems.append(sch["id"] + ": schemas")
    if not sch["meta"]["location"].endswith("/Schemas/" + sch["id"]):
        problems.append(sch["id"] + ": location")
    for a in sch["attributes"]:
        problems += attr_ok(a, sch["id"] + ":" + a.get("name", "?"))
t.eq(problems, [], "every attribute definition is complete (RFC 7643 §7)")
user = {a["name"]: a for a in j["Resources"][ids.index(URN_USER)]["attributes"]}
t.eq((user["userName"]["required"], user["userName"]["uniqueness"],
      user["userName"]["caseExact"]), (True, "server", False), "userName as RFC 7643 §4.1")
t.eq(user["password"]["returned"], "never", "password is never returned")
t.eq(user["groups"]["mutability"], "readOnly", "groups is read-only")
flat = {"%s.%s" % (n, sub["name"]) for n, a in user.items()
        for sub in a.get("subAttributes", [])}
t.ok({"emails.value", "emails.type", "name.givenName", "roles.primary",
      "addresses.locality"} <= flat, "Entra's mapped sub-attributes are discoverable")
etype = [x for x in user["emails"]["subAttributes"] if x["name"] == "type"][0]
t.eq(etype.get("canonicalValues"), ["work", "home", "other"], "emails.type canonicalValues")
ent = {a["name"] for a in j["Resources"][ids.index(URN_ENT)]["attributes"]}
t.eq(ent, {"employeeNumber", "costCenter", "organization", "division", "department",
           "manager"}, "EnterpriseUser attributes")
r = s.req("GET", "/Schemas/" + URN_GROUP, token=tok)
t.eq(r.json.get("id"), URN_GROUP, "GET /Schemas/{urn}")
t.error(s.req("GET", "/Schemas/urn:nope", token=tok), 404, None, "unknown schema: 404")

r = s.req("GET", "/ResourceTypes", token=tok)
rt = {x["id"]: x for x in r.json["Resources"]}
t.eq(r.json["Resources"][0]["endpoint"], "/Users", "first resource type is /Users")
t.eq((rt["User"]["schema"], rt["User"]["schemaExtensions"]),
     (URN_USER, [{"schema": URN_ENT, "required": False},
                 {"schema": SCIMLET, "required": False}]), "User resource type")
sc = {a["name"]: a for a in j["Resources"][ids.index(SCIMLET)]["attributes"]}
t.eq((sc["appRoles"]["mutability"], sc["appRoles"]["multiValued"]), ("readOnly", True),
     "appRoles: read-only, multi-valued")
t.eq((rt["Group"]["endpoint"], rt["Group"]["schema"]), ("/Groups", URN_GROUP),
     "Group resource type")
t.eq(s.req("GET", "/ResourceTypes/Group", token=tok).json.get("id"), "Group",
     "GET /ResourceTypes/{name}")

r = s.req("GET", "/ServiceProviderConfig", token=tok)
spc = r.json
t.eq((spc["patch"]["supported"], spc["bulk"]["supported"], spc["filter"]["supported"],
      spc["sort"]["supported"], spc["changePassword"]["supported"]),
     (True, True, True, True, False), "SPC states the true capabilities")
t.eq(spc["authenticationSchemes"][0]["type"], "oauthbearertoken", "bearer scheme")
# The SPC's claims hold: sort and filter work, patch works.
uid = s.req("POST", "/Users", {"userName": "b@x"}, token=tok).json["id"]
s.req("POST", "/Users", {"userName": "a@x"}, token=tok)
r = s.req("GET", "/Users?sortBy=userName&filter=userName+co+%22@x%22", token=tok)
t.eq([x["userName"] for x in r.json["Resources"]], ["a@x", "b@x"], "sort and filter work")
t.status(s.req("PATCH", "/Users/" + uid, {"Operations": [
    {"op": "add", "path": "title", "value": "t"}]}, token=tok), 200, "PATCH works")
s.stop()
t.done()
