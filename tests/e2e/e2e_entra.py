#!/usr/bin/env python3
"""Microsoft Entra ID request shapes (doc/clients.md §3) through
lighttpd and the FastCGI worker."""
import copy
import uuid
from urllib.parse import quote

from harness import (Server, Tap, URN_ENT, URN_GROUP, URN_LIST, URN_PATCH,
                     URN_USER, patchop)

t = Tap()
s = Server()
tok = s.tenant("contoso")

# §3.3 Test Connection: users and groups probes with a random GUID.
g = str(uuid.uuid4())
r = s.req("GET", "/Users?filter=userName+eq+%22" + g + "%22", token=tok)
t.status(r, 200, "Test Connection: user probe is 200")
t.eq(r.json, {"schemas": [URN_LIST], "totalResults": 0, "startIndex": 1,
              "itemsPerPage": 0, "Resources": []},
     "user probe: empty ListResponse with integers")
t.eq(r.ctype, "application/scim+json; charset=utf-8", "SCIM content type")
r = s.req("GET", "/Groups?excludedAttributes=members&filter=displayName+eq+%22"
          + g + "%22", token=tok)
t.status(r, 200, "Test Connection: group probe is 200")
t.eq((r.json or {}).get("totalResults"), 0, "group probe: no results")
t.eq((r.json or {}).get("Resources"), [], "group probe: Resources []")

# §3.5 lookup then create, with the exact POST body.
un = "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"
r = s.req("GET", "/Users?filter=" + quote("userName eq \"%s\"" % un), token=tok)
t.eq((r.json or {}).get("totalResults"), 0, "lookup before create: 0")
post = {
    "schemas": [URN_USER, URN_ENT],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": un, "active": True,
    "emails": [{"primary": True, "type": "work",
                "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"}],
    "meta": {"resourceType": "User"},
    "name": {"formatted": "givenName familyName", "familyName": "familyName",
             "givenName": "givenName"},
    "roles": []}
r = s.req("POST", "/Users", post, token=tok)
t.status(r, 201, "create user: 201")
u = r.json or {}
uid = u.get("id", "")
t.ok(len(uid) == 36, "create: id is a UUID", r.text)
t.eq(u.get("userName"), un, "create: userName echoed")
t.eq(u.get("externalId"), post["externalId"], "create: externalId echoed")
t.eq(u.get("emails"), post["emails"], "create: emails as sent")
t.eq(u.get("name"), post["name"], "create: name as sent")
t.eq(u.get("active"), True, "create: active")
t.eq((u.get("meta") or {}).get("resourceType"), "User", "meta.resourceType")
t.eq(r.header("Location"), (u.get("meta") or {}).get("location"),
     "Location header is meta.location")
r = s.req("GET", "/Users?filter=userName+eq+%22" + quote(un) + "%22", token=tok)
t.eq((r.json or {}).get("totalResults"), 1, "lookup after create: exactly one")

# 409 on the same userName in another case.
dup = copy.deepcopy(post)
dup["userName"] = un.upper()
r = s.req("POST", "/Users", dup, token=tok)
t.error(r, 409, "uniqueness", "duplicate userName in other case: 409")

# §2.6 legacy sample: nulls and a misspelt extension URN are accepted.
legacy = {"schemas": [URN_USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0User"],
          "userName": "legacy@contoso.com", "externalId": "legacy",
          "addresses": None, "phoneNumbers": None, "preferredLanguage": None,
          "title": None, "department": None, "manager": None, "active": True}
r = s.req("POST", "/Users", legacy, token=tok)
t.status(r, 201, "legacy body with nulls: 201")
t.ok("title" not in (r.json or {}) and "addresses" not in (r.json or {}),
     "nulls are absent", r.text)

# §5.1 Microsoft's Postman: PascalCase names and a string boolean.
pc = {"schemas": [URN_USER], "UserName": "pascal@contoso.com",
      "Active": "True", "DisplayName": "Pascal",
      "Emails": [{"Primary": "true", "Type": "work", "Value": "pascal@contoso.com"}]}
r = s.req("POST", "/Users", pc, token=tok)
t.status(r, 201, "PascalCase body: 201")
j = r.json or {}
t.eq((j.get("userName"), j.get("active"), j.get("displayName")),
     ("pascal@contoso.com", True, "Pascal"),
     "PascalCase names returned canonical, \"True\" as true")
t.eq(j.get("emails"), [{"primary": True, "type": "work",
                        "value": "pascal@contoso.com"}],
     "sub-attributes canonical, primary a boolean")

# §2.2, §2.8 filters Entra may use as the matching attribute.
r = s.req("GET", "/Users?filter=externalId+eq+%22" + post["externalId"] + "%22",
          token=tok)
t.eq([x["id"] for x in (r.json or {}).get("Resources", [])], [uid],
     "filter externalId eq")
r = s.req("GET", "/Users?filter=externalId+eq+%22" + post["externalId"].upper()
          + "%22", token=tok)
t.eq((r.json or {}).get("totalResults"), 0, "externalId is case-exact")
mail = post["emails"][0]["value"]
r = s.req("GET", "/Users?filter=" + quote('emails[type eq "work"].value eq "%s"'
                                          % mail.upper()), token=tok)
t.eq([x["id"] for x in (r.json or {}).get("Resources", [])], [uid],
     "filter emails[type eq \"work\"].value eq (any case)")
r = s.req("GET", "/Users?filter=" + quote('emails[type eq "home"].value eq "%s"'
                                          % mail), token=tok)
t.eq((r.json or {}).get("totalResults"), 0, "emails filter checks the type")
r = s.req("GET", "/Users?filter=emails.value+eq+%22" + quote(mail) + "%22",
          token=tok)
t.eq((r.json or {}).get("totalResults"), 1, "filter emails.value eq")
r = s.req("GET", "/Users?filter=id+eq+%22" + uid + "%22", token=tok)
t.eq((r.json or {}).get("totalResults"), 1, "filter id eq")
r = s.req("GET", "/Users?filter=" + quote('userName eq "%s" and externalId eq "%s"'
                                          % (un, post["externalId"])), token=tok)
t.eq((r.json or {}).get("totalResults"), 1, "and of two eq terms")
r = s.req("GET", "/Users?filter=" + quote('userName eq "%s" and externalId eq "x"'
                                          % un), token=tok)
t.eq((r.json or {}).get("totalResults"), 0, "and: both terms must hold")
r = s.req("GET", "/Users?filter=externalId+eq+legacy", token=tok)
t.eq((r.json or {}).get("totalResults"), 1, "unquoted value (legacy Entra)")
r = s.req("GET", '/Users?filter=externalId+eq+"legacy"', token=tok)
t.eq((r.json or {}).get("totalResults"), 1, "raw unencoded quotes")
r = s.req("GET", "/Users?filter=UserName%20EQ%20%22pascal@contoso.com%22",
          token=tok)
t.eq((r.json or {}).get("totalResults"), 1,
     "attribute name and operator in any case, %20 encoding")

# §3.6 read by id; unknown id is a 404 SCIM error.
r = s.req("GET", "/Users/" + uid, token=tok)
t.status(r, 200, "GET by id")
t.eq((r.json or {}).get("id"), uid, "GET by id: the same user")
r = s.req("GET", "/Users/" + str(uuid.uuid4()), token=tok)
t.error(r, 404, None, "unknown id: 404 SCIM error")

def patched(*ops):
    """PATCH the user, then read it back, so checks see what was stored.
    The PATCH must answer 200 with exactly what the GET returns."""
    p = s.req("PATCH", "/Users/" + uid, patchop(*ops), token=tok)
    g = s.req("GET", "/Users/" + uid, token=tok)
    if p.status != 200 or p.json != g.json:
        print("# PATCH answered %d %s\n# GET gave %s" % (p.status, p.text[:400],
                                                          g.text[:400]))
        g.json = {"patch status": p.status}
    return g


# §3.7.1 PATCH: filter paths and sub-attributes (no flag).
r = patched(
    {"op": "Replace", "path": "emails[type eq \"work\"].value",
     "value": "updatedEmail@microsoft.com"},
    {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"})
t.status(r, 200, "PATCH Replace filter path + sub-attribute: 200")
j = s.req("GET", "/Users/" + uid, token=tok).json or {}
t.eq(j.get("emails"), [{"primary": True, "type": "work",
                        "value": "updatedEmail@microsoft.com"}],
     "email updated in place, primary kept")
t.eq((j.get("name") or {}).get("familyName"), "updatedFamilyName",
     "name.familyName replaced, givenName kept")
t.eq((j.get("name") or {}).get("givenName"), "givenName", "name.givenName kept")
r = s.req("GET", "/Users?filter=emails.value+eq+%22updatedemail@microsoft.com%22",
          token=tok)
t.eq((r.json or {}).get("totalResults"), 1, "index follows a PATCHed email")
r = s.req("GET", "/Users?filter=emails.value+eq+%22" + quote(mail) + "%22",
          token=tok)
t.eq((r.json or {}).get("totalResults"), 0, "old email no longer found")

# §3.7.3 create-on-absent for a user without phone numbers.
r = patched(
    {"op": "Add", "path": "phoneNumbers[type eq \"mobile\"].value",
     "value": "+1 555 0100"},
    {"op": "Replace", "path": "addresses[type eq \"work\"].locality",
     "value": "Redmond"})
t.status(r, 200, "Add on a filter path that matches nothing: 200")
j = s.req("GET", "/Users/" + uid, token=tok).json or {}
t.eq(j.get("phoneNumbers"), [{"type": "mobile", "value": "+1 555 0100"}],
     "phoneNumbers element created")
t.eq(j.get("addresses"), [{"type": "work", "locality": "Redmond"}],
     "addresses element created by Replace too")

# §3.7.4 rename, and a rename onto another user is 409.
r = patched(
    {"op": "Replace", "path": "userName",
     "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"})
t.status(r, 200, "PATCH userName rename")
t.eq((r.json or {}).get("userName"),
     "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com", "rename applied")
r = s.req("PATCH", "/Users/" + uid, patchop(
    {"op": "Replace", "path": "userName", "value": "PASCAL@contoso.com"}),
    token=tok)
t.error(r, 409, "uniqueness", "rename onto another userName: 409")
r = s.req("GET", "/Users?filter=userName+eq+%22" + quote(un) + "%22", token=tok)
t.eq((r.json or {}).get("totalResults"), 0, "old userName is free after rename")

# §3.7.1 Add on a single-valued attribute sets it.
r = patched(
    {"op": "Add", "path": "nickName", "value": "Babs"})
t.eq((r.json or {}).get("nickName"), "Babs", "Add nickName sets it")

# §3.7.2 path-less replace with dotted and URN keys (with the flag).
r = patched(
    {"op": "replace", "path": "emails[type eq \"work\"].value",
     "value": "TestMhvaes@test.microsoft.com"},
    {"op": "replace", "value": {
        "displayName": "Bjfe", "name.givenName": "Kkom",
        "name.familyName": "Unua",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Aklq"}})
t.status(r, 200, "path-less replace with dotted and URN keys")
j = r.json or {}
t.eq(j.get("name", {}).get("givenName"), "Kkom", "name.givenName resolved as a path")
t.ok("name.givenName" not in j, "no literal dotted key stored", r.text)
t.eq(j.get(URN_ENT, {}).get("employeeNumber"), "Aklq",
     "enterprise attribute inside its extension")
t.ok(URN_ENT in j.get("schemas", []), "extension URN in schemas")
r = patched(
    {"op": "replace", "value": {"userName": "emilio@hermann.uk"}})
t.eq((r.json or {}).get("userName"), "emilio@hermann.uk",
     "validator's path-less userName update")

# §3.7.5 extension attributes by URN path, and the whole extension.
r = patched(
    {"op": "Replace", "path": URN_ENT + ":employeeNumber", "value": "Eqpj"},
    {"op": "replace", "path": URN_ENT,
     "value": {"costCenter": "CC1", "department": "Dept"}})
j = r.json or {}
t.eq(j.get(URN_ENT), {"employeeNumber": "Eqpj", "costCenter": "CC1",
                      "department": "Dept"}, "URN paths and whole extension")
r = patched(
    {"op": "add", "path": "urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User:badge",
     "value": "B-7"})
t.eq((r.json or {}).get("urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User"),
     {"badge": "B-7"}, "custom extension attribute accepted without schemas")

# §3.7.6 manager: four shapes in, one out.
mgr_paths = [
    ({"op": "Add", "path": "manager", "value": [
        {"$ref": "http://x/scim/Users/00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
         "value": "00aa00aa-bb11-cc22-dd33-44ee44ee44ee"}]},
     "00aa00aa-bb11-cc22-dd33-44ee44ee44ee", "unprefixed path, array value"),
    ({"op": "add", "path": URN_ENT + ":manager",
      "value": "2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2"},
     "2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2", "bare string"),
    ({"op": "replace", "path": URN_ENT + ":manager",
      "value": {"value": "AXTKDLNRKMKT"}}, "AXTKDLNRKMKT", "object"),
]
for op, want, what in mgr_paths:
    r = patched(op)
    # $ref is computed from value, as a member's is (RFC 7643 §4.3):
    # never the one the client sent.
    t.eq((r.json or {}).get(URN_ENT, {}).get("manager"),
         {"value": want, "$ref": s.base + "/Users/" + want},
         "manager as %s is stored as {value}, $ref computed" % what)
r = patched(
    {"op": "replace", "path": URN_ENT + ":manager", "value": ""})
t.ok("manager" not in (r.json or {}).get(URN_ENT, {}), "manager replaced by \"\" is removed", r.text)
patched(
    {"op": "add", "path": URN_ENT + ":manager", "value": "m-1"})
r = patched(
    {"op": "remove", "path": "manager[value eq \"m-1\"]"})
t.ok("manager" not in (r.json or {}).get(URN_ENT, {}), "manager[value eq] remove", r.text)
patched(
    {"op": "add", "path": URN_ENT + ":manager", "value": "m-2"})
r = patched(
    {"op": "remove", "path": URN_ENT + ":manager"})
t.ok("manager" not in (r.json or {}).get(URN_ENT, {}), "manager remove by URN path", r.text)

# §3.7.7 roles: JSON-string values unwrapped; primary filter create.
r = patched(
    {"op": "Add", "path": "roles", "value": [{"value":
     "{\"id\":\"06b07648-ecfe-589f-9d2f-6325724a46ee\",\"value\":\"25\",\"displayName\":\"Role1234\"}"}]})
t.eq((r.json or {}).get("roles"), [{"value": "25", "display": "Role1234"}],
     "JSON-string role value unwrapped")
r = patched(
    {"op": "Add", "path": "roles", "value": [{"value":
     "{\"id\":\"06b07648-ecfe-589f-9d2f-6325724a46ee\",\"value\":\"25\",\"displayName\":\"Role1234\"}"}]})
t.eq(len((r.json or {}).get("roles", [])), 1, "add-only role PATCH repeated: no duplicate")
r = patched(
    {"op": "replace", "path": "roles",
     "value": [{"primary": False, "type": "WindowsAzureActiveDirectoryRole",
                "display": "User", "value": "User"}]})
t.eq((r.json or {}).get("roles"), [{"primary": False,
     "type": "WindowsAzureActiveDirectoryRole", "display": "User",
     "value": "User"}], "assertive replace of roles")
r = patched(
    {"op": "add", "path": "roles[primary eq \"True\"].value",
     "value": "UOYTUVLKIPND"})
roles = (r.json or {}).get("roles", [])
t.ok({"primary": True, "value": "UOYTUVLKIPND"} in roles,
     "roles[primary eq \"True\"].value creates a primary role", r.text)

# §3.7.8 "" and null remove.
r = patched(
    {"op": "replace", "path": "nickName", "value": ""},
    {"op": "replace", "path": "displayName", "value": None})
t.ok("nickName" not in (r.json or {}) and "displayName" not in (r.json or {}),
     "replace with \"\" and null removes", r.text)

# §3.8 disable in every dialect; still readable; re-enable.
for value, name in (("False", "\"False\""), ("false", "\"false\""),
                    (False, "false")):
    patched(
        {"op": "Replace", "path": "active", "value": True})
    r = patched(
        {"op": "Replace", "path": "active", "value": value})
    t.eq((r.json or {}).get("active"), False, "disable with %s" % name)
r = s.req("GET", "/Users/" + uid, token=tok)
t.eq(((r.json or {}).get("active"), r.status), (False, 200),
     "disabled user readable by id")
r = s.req("GET", "/Users?filter=userName+eq+%22emilio@hermann.uk%22", token=tok)
t.eq((r.json or {}).get("totalResults"), 1, "disabled user found by filter")
for _ in range(2):
    r = patched(
        {"op": "Replace", "path": "active", "value": "True"})
t.eq(((r.json or {}).get("active"), r.status), (True, 200),
     "re-enable, repeated: harmless")

# §3.7.9 atomicity: a failing op leaves nothing applied, and names its index.
before = s.req("GET", "/Users/" + uid, token=tok).json
r = s.req("PATCH", "/Users/" + uid, patchop(
    {"op": "replace", "path": "title", "value": "CEO"},
    {"op": "replace", "path": "id", "value": "other"}), token=tok)
t.error(r, 400, "mutability", "changing id: 400 mutability")
t.ok("Operations[1]" in (r.json or {}).get("detail", ""),
     "the error names the failing operation", r.text)
t.eq(s.req("GET", "/Users/" + uid, token=tok).json, before,
     "nothing of the failed PATCH was applied")

# §3.10 groups: create, lookup, members, rename, remove in both forms.
r = s.req("POST", "/Groups", {
    "schemas": [URN_GROUP, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
    "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
    "displayName": "displayName", "meta": {"resourceType": "Group"}}, token=tok)
t.status(r, 201, "create group")
gid = (r.json or {}).get("id", "")
t.eq((r.json or {}).get("members"), [], "new group: members []")
t.eq((r.json or {}).get("schemas"), [URN_GROUP], "non-standard schema URI tolerated")
r = s.req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "DISPLAYNAME"},
          token=tok)
t.error(r, 409, "uniqueness", "duplicate group displayName: 409")
r = s.req("GET", "/Groups?excludedAttributes=members&filter=displayName+eq+%22DisplayName%22",
          token=tok)
t.eq([x["id"] for x in (r.json or {}).get("Resources", [])], [gid],
     "group lookup by displayName, other case")
t.ok(all("members" not in x for x in (r.json or {}).get("Resources", [])),
     "excludedAttributes=members honoured in the list")
r = s.req("GET", "/Groups?filter=externalId+eq+%228aa1a0c0-c4c3-4bc0-b4a5-2ef676900159%22",
          token=tok)
t.eq((r.json or {}).get("totalResults"), 1, "group lookup by externalId")
others = []
for i in range(3):
    r = s.req("POST", "/Users", {"schemas": [URN_USER], "userName": "m%d@contoso.com" % i},
              token=tok)
    others.append(r.json["id"])
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "Add", "path": "members", "value": [{"$ref": None, "value": uid}]}),
    token=tok)
t.status(r, 204, "add one member: 204")
t.eq(r.body, b"", "204 has no body")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "Add", "path": "members", "value": [{"value": x} for x in others]}),
    token=tok)
t.status(r, 204, "add several members in one op")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "Add", "path": "members", "value": [{"value": uid}]}), token=tok)
t.status(r, 204, "adding an existing member: 204")
r = s.req("GET", "/Groups/" + gid, token=tok)
mem = sorted(m["value"] for m in (r.json or {}).get("members", []))
t.eq(mem, sorted([uid] + others), "members listed once each")
t.eq(sorted(m.get("display") for m in (r.json or {}).get("members", [])),
     ["emilio@hermann.uk", "m0@contoso.com", "m1@contoso.com", "m2@contoso.com"],
     "member display without one sent: the user's displayName, else userName")
r = s.req("GET", "/Groups/" + gid + "?excludedAttributes=members", token=tok)
t.ok("members" not in (r.json or {}), "GET by id excludedAttributes=members", r.text)
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "Replace", "path": "displayName",
     "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}), token=tok)
t.status(r, 204, "rename group: 204")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "replace", "value": {"externalId": "c3b97a69-ee33-427b-8bc1-d661b7769314"}}),
    token=tok)
r = s.req("GET", "/Groups/" + gid + "?excludedAttributes=members", token=tok)
t.eq(((r.json or {}).get("displayName"), (r.json or {}).get("externalId")),
     ("1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName",
      "c3b97a69-ee33-427b-8bc1-d661b7769314"), "rename and path-less externalId")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "Remove", "path": "members", "value": [{"$ref": None, "value": others[0]}]}),
    token=tok)
t.status(r, 204, "Entra remove with a value array: 204")
r = s.req("GET", "/Groups/" + gid, token=tok)
mem = sorted(m["value"] for m in (r.json or {}).get("members", []))
t.eq(mem, sorted([uid] + others[1:]), "only the listed member is removed")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "remove", "path": "members[value eq \"%s\"]" % others[1]}), token=tok)
r = s.req("GET", "/Groups/" + gid, token=tok)
mem = sorted(m["value"] for m in (r.json or {}).get("members", []))
t.eq(mem, sorted([uid, others[2]]), "members[value eq] removes one")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "remove", "path": "members[value eq \"%s\"]" % others[1]}), token=tok)
t.status(r, 204, "removing an absent member: 204")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "add", "path": "members", "value": [{"value": others[1]}]},
    {"op": "remove", "path": "members[value eq \"%s\"]" % others[1]}), token=tok)
r = s.req("GET", "/Groups/" + gid, token=tok)
t.ok(others[1] not in [m["value"] for m in (r.json or {}).get("members", [])],
     "add then remove in one request, applied in order", r.text)
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "add", "path": "members", "value": [{"value": str(uuid.uuid4())}]}),
    token=tok)
t.error(r, 400, "invalidValue", "unknown member id: 400 invalidValue")
# §3.10.4 a batch with one stale id: nothing applied by default; with
# unknown-members=skip the stale one is left out (and logged), the rest
# applied.
stale = str(uuid.uuid4())
batch = patchop({"op": "add", "path": "members",
                 "value": [{"value": others[1]}, {"value": stale}]})


def members():
    r = s.req("GET", "/Groups/" + gid, token=tok)
    return sorted(m["value"] for m in (r.json or {}).get("members", []))


before = members()
r = s.req("PATCH", "/Groups/" + gid, batch, token=tok)
t.ok(r.status == 400 and stale in (r.json or {}).get("detail", ""),
     "a batch with a stale id: 400 naming it", r.text)
t.eq(members(), before, "and none of the batch is applied")
s.cli("tenant", "set", "contoso", "unknown-members=skip")
r = s.req("PATCH", "/Groups/" + gid, batch, token=tok)
t.status(r, 204, "unknown-members=skip: the same batch answers 204")
t.eq(members(), sorted(before + [others[1]]),
     "the known member is added, the stale one left out")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "add", "path": "members", "value": "string id 1"}), token=tok)
t.status(r, 204, "unknown-members=skip: a bare non-id string is skipped too")
t.ok("skipped member " + stale in s.logs(), "the skipped id is logged", s.logs()[-800:])
s.cli("tenant", "set", "contoso", "unknown-members=reject")
r = s.req("PATCH", "/Groups/" + gid, batch, token=tok)
t.error(r, 400, "invalidValue", "unknown-members=reject restores the default")
s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "remove", "path": "members[value eq \"%s\"]" % others[1]}), token=tok)
r = s.req("GET", "/Users/" + uid + "?attributes=groups", token=tok)
t.eq([x["value"] for x in (r.json or {}).get("groups", [])], [gid],
     "User.groups computed from membership")

# A renamed member shows its new name; a group can be a member.
s.req("PATCH", "/Users/" + others[2], patchop(
    {"op": "replace", "path": "displayName", "value": "Em Two"}), token=tok)
r = s.req("GET", "/Groups/" + gid, token=tok)
t.eq([m.get("display") for m in (r.json or {}).get("members", [])
      if m["value"] == others[2]], ["Em Two"], "a member's rename shows in the group")
r = s.req("POST", "/Groups", {"displayName": "Parent", "members": [{"value": gid}]},
          token=tok)
t.status(r, 201, "a group with a group as member")
pid_ = (r.json or {}).get("id")
t.eq([(m.get("type"), m.get("$ref", "").endswith("/Groups/" + gid))
      for m in (r.json or {}).get("members", [])], [("Group", True)],
     "the member is typed Group with its $ref")
r = s.req("PATCH", "/Groups/" + pid_, patchop(
    {"op": "add", "path": "members", "value": [{"value": pid_}]}), token=tok)
t.error(r, 400, "invalidValue", "a group cannot contain itself")
s.req("DELETE", "/Groups/" + pid_, token=tok)

# §3.9 delete: 204, then 404; re-POST with the same userName works.
r = s.req("DELETE", "/Users/" + uid, token=tok)
t.status(r, 204, "DELETE user: 204")
t.error(s.req("GET", "/Users/" + uid, token=tok), 404, None, "GET after DELETE: 404")
t.error(s.req("DELETE", "/Users/" + uid, token=tok), 404, None, "second DELETE: 404")
r = s.req("GET", "/Groups/" + gid, token=tok)
t.ok(uid not in [m["value"] for m in (r.json or {}).get("members", [])],
     "deleted user left its groups", r.text)
r = s.req("POST", "/Users", {"schemas": [URN_USER], "userName": "emilio@hermann.uk",
                             "externalId": post["externalId"]}, token=tok)
t.status(r, 201, "re-POST the deleted userName and externalId: 201")
r = s.req("DELETE", "/Groups/" + gid, token=tok)
t.status(r, 204, "DELETE group: 204")
t.error(s.req("DELETE", "/Groups/" + gid, token=tok), 404, None, "group delete twice: 404")
r = s.req("GET", "/Users/" + others[2], token=tok)
t.status(r, 200, "deleting a group never deletes its members")

s.stop()
t.done()
