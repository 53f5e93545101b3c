#!/usr/bin/env python3
"""Tenant-declared attributes (issue 5): declared ones are validated,
filtered, sorted and discovered like the RFC's; extension attributes
Entra sends undeclared are kept and declared automatically; undeclared
core attributes are ignored; each tenant sees its own schema."""
from urllib.parse import quote

from harness import Server, Tap, URN_GROUP, URN_USER, patchop

CUSTOM = "urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User"
t = Tap()
s = Server()
tok = s.tenant("acme")
other = s.tenant("other")

s.cli("schema", "add", "acme", "roleName", "string")
s.cli("schema", "add", "acme", "level", "integer")
s.cli("schema", "add", "acme", "urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge",
      "string", "--case-exact")
lst = s.cli("schema", "list", "acme").stdout.splitlines()
t.eq(lst, [URN_USER + ":roleName\tstring\tsingle\t-\tdeclared",
           URN_USER + ":level\tinteger\tsingle\t-\tdeclared",
           "urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge\tstring\tsingle"
           "\tcase-exact\tdeclared"], "schema list")
for bad in (("add", "acme", "userName", "string"), ("add", "acme", "x", "float"),
            ("add", "acme", "9bad", "string"), ("remove", "acme", "nothere"),
            ("add", "acme", "urn:ietf:params:scim:schemas:core:2.0:Group:x", "string"),
            ("add", "acme", "urn:ietf:params:scim:schemas:core:2.0:x", "string")):
    t.eq(s.cli("schema", *bad, check=False).returncode, 1, "refused: schema %s" % " ".join(bad))

r = s.req("POST", "/Users", {"userName": "a@x", "ROLENAME": "Admin", "level": 3,
                             "junk": "dropped",
                             "urn:ietf:params:scim:schemas:extension:Acme:2.0:User": {
                                 "badge": "B-1"}}, token=tok)
j = r.json
t.eq((j.get("roleName"), j.get("level"), j.get("junk")), ("Admin", 3, None),
     "declared core attributes kept in canonical case; undeclared ignored")
t.eq(j.get("urn:ietf:params:scim:schemas:extension:Acme:2.0:User"), {"badge": "B-1"},
     "declared extension attribute")
uid = j["id"]
r = s.req("POST", "/Users", {"userName": "b@x", "level": "high"}, token=tok)
t.error(r, 400, "invalidValue", "a declared integer must be a number")
r = s.req("GET", "/Users?filter=" + quote('badge eq "b-1"'), token=tok)
t.eq(r.json["totalResults"], 0, "case-exact declared attribute")
r = s.req("GET", "/Users?filter=" + quote('roleName eq "ADMIN" and level ge 2'), token=tok)
t.eq(r.json["totalResults"], 1, "filter on declared attributes (case rule, number)")
t.eq(s.req("GET", "/Users?filter=roleName+eq+%22Admin%22", token=other).json["totalResults"],
     0, "another tenant")
r = s.req("POST", "/Users", {"userName": "r@x", "roleName": "Admin"}, token=other)
t.ok("roleName" not in r.json, "another tenant has not declared it", r.text)

# RFC 7644 §3.10: "URN:attr" in the core schema's URN (any case) is the
# core attribute, declared or not as the unprefixed name would be.
r = s.req("POST", "/Users", {URN_USER + ":userName": "fq@x",
                             URN_USER.upper() + ":displayName": "Fully Qualified",
                             URN_USER + ":roleName": "Admin"}, token=tok)
t.status(r, 201, "POST with fully qualified core attribute names")
r = s.req("GET", "/Users/" + (r.json or {}).get("id", "none"), token=tok)
j = r.json or {}
t.eq((j.get("userName"), j.get("displayName"), j.get("roleName"), j.get(URN_USER)),
     ("fq@x", "Fully Qualified", "Admin", None),
     "GET: stored as the core attributes, not nested under the core URN", r.text)
r = s.req("POST", "/Users", {URN_USER + ":userName": "fq@x",
                             URN_USER + ":roleName": "Admin"}, token=other)
t.status(r, 201, "another tenant: POST with fully qualified names")
r = s.req("GET", "/Users/" + (r.json or {}).get("id", "none"), token=other)
j = r.json or {}
t.eq((j.get("userName"), j.get("roleName"), j.get(URN_USER)), ("fq@x", None, None),
     "GET: an undeclared fully qualified core attribute is ignored", r.text)
t.ok("roleName" not in s.cli("schema", "list", "other").stdout,
     "and not declared automatically")
r = s.req("POST", "/Users", {"userName": "twice@x", URN_USER + ":USERNAME": "twice@x"},
          token=tok)
t.error(r, 400, "invalidSyntax", "userName given plain and fully qualified: 400")
r = s.req("POST", "/Groups", {URN_GROUP + ":displayName": "FQ Group"}, token=tok)
t.status(r, 201, "POST /Groups with a fully qualified displayName")
r = s.req("GET", "/Groups/" + (r.json or {}).get("id", "none"), token=tok)
j = r.json or {}
t.eq((j.get("displayName"), j.get(URN_GROUP)), ("FQ Group", None),
     "GET: the group's displayName", r.text)

# The core URN is not a container: only an extension's attributes are
# nested under its URN (RFC 7643 §3.3, §8.3).
for name, path, body in (
        ("User", "/Users", {"userName": "nest@x",
                            URN_USER: {"displayName": "N", "nestedAttr": "x"}}),
        ("User, URN in upper case", "/Users",
         {URN_USER.upper(): {"userName": "nest@x"}}),
        ("Group", "/Groups", {"displayName": "Nest", URN_GROUP: {"externalId": "n"}})):
    r = s.req("POST", path, body, token=other)
    t.error(r, 400, "invalidSyntax", "POST %s: the core URN as an object: 400" % name)
r = s.req("PUT", "/Users/" + uid, {"userName": "a@x", URN_USER: {"title": "t"}}, token=tok)
t.error(r, 400, "invalidSyntax", "PUT: the core URN as an object: 400")
t.ok("nestedAttr" not in s.cli("schema", "list", "other").stdout,
     "and its members are not declared")

# Another resource type's core URN is no extension: 400, nothing kept,
# nothing declared.
for path, body in (("/Groups", {"displayName": "G4", URN_USER + ":userName": "u"}),
                   ("/Groups", {"displayName": "G4", URN_USER: {"userName": "u"}}),
                   ("/Users", {"userName": "g4@x", URN_GROUP + ":displayName": "d"}),
                   ("/Users", {"userName": "g4@x", URN_GROUP: {"displayName": "d"}})):
    r = s.req("POST", path, body, token=other)
    key = [k for k in body if k.startswith("urn:")][0]
    t.error(r, 400, "invalidValue", "POST %s with %s: 400" % (path, key))
r = s.req("GET", "/Groups?filter=" + quote('displayName eq "G4"'), token=other)
t.eq((r.json or {}).get("totalResults"), 0, "no group was made", r.text)
gid = (s.req("POST", "/Groups", {"displayName": "G4"}, token=other).json or {}).get("id")
r = s.req("PATCH", "/Groups/" + str(gid), patchop(
    {"op": "add", "path": URN_USER + ":userName", "value": "u"}), token=other)
t.error(r, 400, "invalidPath", "PATCH a group with a User attribute: 400")
r = s.req("GET", "/Groups/" + str(gid), token=other)
t.eq(((r.json or {}).get("schemas"), (r.json or {}).get(URN_USER)), ([URN_GROUP], None),
     "the group has no User URN", r.text)

# The same names as PATCH paths and as keys of a path-less value: a
# known or declared one is the core attribute, an undeclared one is
# ignored as its unprefixed name is.
r = s.req("PATCH", "/Users/" + uid, patchop(
    {"op": "replace", "path": URN_USER.upper() + ":userName", "value": "a2@x"},
    {"op": "replace", "path": URN_USER + ":roleName", "value": "Owner"}), token=tok)
j = r.json or {}
t.eq((r.status, j.get("userName"), j.get("roleName"), j.get(URN_USER)),
     (200, "a2@x", "Owner", None), "PATCH with fully qualified paths", r.text)
oid = (s.req("POST", "/Users", {"userName": "p@x"}, token=other).json or {}).get("id")
for what, ops in (("unprefixed", [{"op": "add", "path": "roleName", "value": "Admin"}]),
                  ("fully qualified", [
                      {"op": "add", "path": URN_USER + ":roleName", "value": "Admin"},
                      {"op": "Replace", "path": URN_USER.lower() + ":ROLENAME",
                       "value": "Admin"},
                      {"op": "add", "value": {URN_USER + ":roleName": "Admin"}}])):
    r = s.req("PATCH", "/Users/" + str(oid), patchop(*ops), token=other)
    r = s.req("GET", "/Users/" + str(oid), token=other)
    j = r.json or {}
    t.eq((r.status, j.get("userName"), j.get("roleName"), j.get(URN_USER)),
         (200, "p@x", None, None),
         "another tenant: PATCH %s roleName is ignored" % what, r.text)
    t.ok("roleName" not in s.cli("schema", "list", "other").stdout,
         "and not declared automatically")
r = s.req("PATCH", "/Users/" + str(oid), patchop(
    {"op": "add", "path": URN_USER + ":roleName.sub", "value": "x"}), token=other)
t.error(r, 400, "invalidPath", "a sub-attribute of an undeclared one: 400 invalidPath")
for what, op in (("a Group attribute", {"op": "add", "path": URN_GROUP + ":displayName",
                                         "value": "d"}),
                 ("the core URN", {"op": "add", "path": URN_USER, "value": {"title": "t"}}),
                 ("the core URN, path-less", {"op": "add", "value": {URN_USER: {"title": "t"}}})):
    r = s.req("PATCH", "/Users/" + str(oid), patchop(op), token=other)
    t.error(r, 400, "invalidPath", "PATCH a user with %s: 400" % what)
t.eq(s.cli("schema", "list", "other").stdout, "",
     "a tenant that declared nothing has nothing declared")

# Entra's custom extension attributes: sent without a declaration and
# without the URN in schemas.
r = s.req("PATCH", "/Users/" + uid, patchop(
    {"op": "Add", "path": CUSTOM + ":costCode", "value": "CC-7"}), token=tok)
t.eq((r.status, r.json.get(CUSTOM)), (200, {"costCode": "CC-7"}), "kept as sent")
r = s.req("POST", "/Users", {"userName": "c@x", CUSTOM + ":region": "emea"}, token=tok)
t.eq(r.json.get(CUSTOM), {"region": "emea"}, "a flattened URN attribute on create")
# An undeclared extension as an object and as "URN:attr" keys, in either
# order: one object.  The same attribute given both ways is an error.  A
# new URN each time: once used, an extension is declared.
ORDER = "urn:ietf:params:scim:schemas:extension:Order%d:2.0:User"
for n, (what, first) in enumerate((("URN:attr first", True), ("object first", False))):
    urn = ORDER % n
    body = [(urn + ":badge", 1), (urn, {"other": 2})]
    r = s.req("POST", "/Users", dict([("userName", "order%d@x" % n)] +
                                     (body if first else body[::-1])), token=tok)
    t.status(r, 201, "undeclared extension, %s: 201" % what)
    r = s.req("GET", "/Users/" + (r.json or {}).get("id", "none"), token=tok)
    t.eq((r.json or {}).get(urn), {"badge": 1, "other": 2},
         "undeclared extension, %s: merged into one object" % what, r.text)
    urn = ORDER % (n + 2)
    body = [(urn + ":badge", 1), (urn, {"badge": 2})]
    r = s.req("POST", "/Users", dict([("userName", "dup%d@x" % n)] +
                                     (body if first else body[::-1])), token=tok)
    t.error(r, 400, "invalidSyntax", "an attribute given twice, %s: 400" % what)
    t.ok("badge is given twice" in (r.json or {}).get("detail", ""),
         "and the error names the attribute", r.text)
lst = s.cli("schema", "list", "acme").stdout
t.ok(CUSTOM + ":costCode\tstring\tsingle\t-\tauto" in lst and
     CUSTOM + ":region\tstring" in lst, "declared automatically, recorded as auto", lst)
r = s.req("GET", "/Users?filter=" + quote('%s:region eq "EMEA"' % CUSTOM), token=tok)
t.eq(r.json["totalResults"], 1, "an auto-declared attribute filters (without case)")

# Discovery shows exactly this tenant's schema.
r = s.req("GET", "/Schemas", token=tok)
ids = [x["id"] for x in r.json["Resources"]]
t.ok(CUSTOM in ids and "urn:ietf:params:scim:schemas:extension:Acme:2.0:User" in ids,
     "/Schemas lists the tenant's extensions", ids)
user = [x for x in r.json["Resources"] if x["id"] == URN_USER][0]
names = {a["name"]: a for a in user["attributes"]}
t.eq((names["roleName"]["type"], names["level"]["type"]), ("string", "integer"),
     "declared core attributes in the User schema")
r = s.req("GET", "/ResourceTypes/User", token=tok)
t.ok({"schema": CUSTOM, "required": False} in r.json["schemaExtensions"],
     "and in the User resource type", r.json)
r = s.req("GET", "/Schemas", token=other)
t.ok(CUSTOM not in [x["id"] for x in r.json["Resources"]],
     "another tenant's /Schemas does not list them")
s.cli("schema", "remove", "acme", "level")
r = s.req("GET", "/Users/" + uid, token=tok)
t.eq(r.json.get("level"), 3, "removing a declaration keeps stored values")
r = s.req("PUT", "/Users/" + uid, {"userName": "a@x", "level": 4}, token=tok)
t.ok("level" not in r.json, "but new values are ignored", r.text)
s.stop()
t.done()
