#!/usr/bin/env python3
"""Okta request shapes (doc/clients.md §4) through lighttpd and the
FastCGI worker."""
import uuid
from urllib.parse import quote

from harness import Server, Tap, URN_ERROR, URN_GROUP, URN_LIST, URN_USER, patchop

t = Tap()
s = Server()
tok = s.tenant("okta-org")

# §4.2 Test API Credentials: no body, no Content-Type.
r = s.req("GET", "/Users?startIndex=1&count=2", token=tok, ctype=None)
t.status(r, 200, "Test Connector: GET /Users?startIndex=1&count=2")
t.eq(((r.json or {}).get("schemas"), (r.json or {}).get("totalResults")),
     ([URN_LIST], 0), "empty ListResponse")
r = s.req("GET", "/Groups?startIndex=1&count=100", token=tok)
t.status(r, 200, "GET /Groups?startIndex=1&count=100")

# §4.3 lookup then create, with password and groups: [].
un = "test.user@okta.local"
r = s.req("GET", "/Users?filter=userName%20eq%20%22test.user%40okta.local%22"
          "&startIndex=1&count=100", token=tok)
t.eq(((r.json or {}).get("totalResults"), (r.json or {}).get("Resources")),
     (0, []), "lookup with %20/%22/%40 encoding and paging: none")
body = {"schemas": [URN_USER], "userName": un,
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": True, "value": un, "type": "work"}],
        "displayName": "Test User", "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7", "groups": [],
        "password": "1mz050nq", "active": True}
r = s.req("POST", "/Users", body, token=tok,
          ctype="application/scim+json; charset=utf-8")
t.status(r, 201, "create with password and groups: 201")
u = r.json or {}
uid = u.get("id")
t.ok(uid and "password" not in u, "id present, password never returned", r.text)
t.eq((u.get("meta") or {}).get("resourceType"), "User", "meta.resourceType")
t.eq(u.get("externalId"), "00ujl29u0le5T6Aj10h7", "externalId is Okta's id")
r = s.req("POST", "/Users", body, token=tok)
t.error(r, 409, "uniqueness", "recreate: 409")
r = s.req("GET", "/Users/" + uid, token=tok)
t.ok("password" not in (r.json or {}) and "1mz050nq" not in r.text,
     "password not stored", r.text)
r = s.req("GET", "/Users?filter=" + quote('userName eq "%s"' % un.upper()), token=tok)
t.eq((r.json or {}).get("totalResults"), 1, "upper-cased userName finds the user")

# §4.5 PUT echo of the GET response merged with changes.
got = s.req("GET", "/Users/" + uid, token=tok).json
got["name"] = {"givenName": "Another", "middleName": "Excited", "familyName": "User"}
got["emails"][0]["display"] = un
got["groups"] = []
r = s.req("PUT", "/Users/" + uid, got, token=tok)
t.status(r, 200, "PUT echo of GET with id, meta, groups: 200")
j = r.json or {}
t.eq(j.get("name"), got["name"], "PUT applied the new name")
t.eq(j.get("id"), uid, "id unchanged")
t.ok(j["meta"]["created"] == got["meta"]["created"] and
     j["meta"]["version"] != got["meta"]["version"], "created kept, version changed", r.text)
r = s.req("PUT", "/Users/" + str(uuid.uuid4()), got, token=tok)
t.error(r, 404, None, "PUT never creates: 404")

# §4.7 AIW deactivate/reactivate by PUT.
got = s.req("GET", "/Users/" + uid, token=tok).json
got["active"] = False
r = s.req("PUT", "/Users/" + uid, got, token=tok)
t.eq((r.json or {}).get("active"), False, "deactivate by PUT")
r = s.req("GET", "/Users?filter=userName%20eq%20%22" + quote(un) + "%22", token=tok)
t.eq([x.get("active") for x in (r.json or {}).get("Resources", [])], [False],
     "deactivated user is still found")
got["active"] = True
r = s.req("PUT", "/Users/" + uid, got, token=tok)
t.eq((r.json or {}).get("active"), True, "reactivate by PUT")

# §4.6 OIN deactivate: path-less replace; reactivate.
r = s.req("PATCH", "/Users/" + uid, patchop({"op": "replace", "value": {"active": False}}),
          token=tok)
t.eq(((r.json or {}).get("active"), r.status), (False, 200), "path-less deactivate")
r = s.req("PATCH", "/Users/" + uid, patchop({"op": "replace", "value": {"active": True}}),
          token=tok)
t.eq((r.json or {}).get("active"), True, "path-less reactivate")
r = s.req("PATCH", "/Users/" + uid, patchop({"op": "replace", "value": {"password": "x1"}}),
          token=tok)
t.ok(r.status == 200 and "password" not in (r.json or {}),
     "password-sync PATCH accepted, password not kept", r.text)

# §2.9, §5.3: 401 and 404 as the Runscope test checks them.
for auth, what in ((None, "no Authorization"), ("Bearer nope", "unknown token"),
                   ("Basic dXNlcjpwYXNz", "Basic scheme"), ("Bearer", "empty bearer")):
    r = s.req("GET", "/Users", auth=auth)
    t.error(r, 401, None, "401 SCIM error for %s" % what)
    t.eq(r.header("WWW-Authenticate"), 'Bearer realm="scimlet"',
         "WWW-Authenticate: Bearer (%s)" % what)
r = s.req("GET", "/Users/010101001010101011001010101011", token=tok)
t.error(r, 404, None, "unknown id 010101001010101011001010101011: 404")
r = s.req("GET", "/Users/00919288221112222", token=tok)
t.error(r, 404, None, "unknown id 00919288221112222: 404")
t.eq((r.json or {}).get("schemas"), [URN_ERROR], "404 has the Error schema")

# §4.9 group push: create, read with members, rename+membership PATCH,
# push-now replace, empty push, delete.
users = []
for i in range(3):
    r = s.req("POST", "/Users", {"schemas": [URN_USER], "userName": "p%d@okta.local" % i},
              token=tok)
    users.append(r.json["id"])
r = s.req("GET", "/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22"
          "&startIndex=1&count=100", token=tok)
t.eq((r.json or {}).get("totalResults"), 0, "group existence check: none")
r = s.req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "Test SCIMv2",
                              "members": []}, token=tok)
t.status(r, 201, "create pushed group")
gid = (r.json or {}).get("id")
t.eq((r.json or {}).get("members"), [], "created with members []")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "replace", "value": {"id": gid, "displayName": "Test SCIMv2"}},
    {"op": "add", "path": "members", "value": [{"value": users[0], "display": "p0@okta.local"}]}),
    token=tok)
t.status(r, 204, "rename with its own id + add member: 204")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "replace", "value": {"id": str(uuid.uuid4()), "displayName": "X"}}), token=tok)
t.error(r, 400, "mutability", "a different id in the value: 400 mutability")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "remove", "path": "members[value eq \"%s\"]" % users[0]},
    {"op": "add", "path": "members", "value": [{"value": users[1], "display": "p1"}]}),
    token=tok)
r = s.req("GET", "/Groups/" + gid, token=tok)
t.eq([m["value"] for m in (r.json or {}).get("members", [])], [users[1]],
     "remove one + add one")
t.eq([m.get("display") for m in (r.json or {}).get("members", [])], ["p1"],
     "member display: as the client sent it")
t.ok(all(m.get("$ref", "").endswith("/Users/" + m["value"])
         for m in (r.json or {}).get("members", [])), "member $ref filled", r.text)
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "replace", "path": "members",
     "value": [{"value": users[0], "display": "a"}, {"value": users[2], "display": "b"}]}),
    token=tok)
r = s.req("GET", "/Groups/" + gid, token=tok)
t.eq(sorted(m["value"] for m in (r.json or {}).get("members", [])),
     sorted([users[0], users[2]]), "push now: exactly the list")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "replace", "path": "members", "value": []}), token=tok)
r = s.req("GET", "/Groups/" + gid, token=tok)
t.eq((r.json or {}).get("members"), [], "empty push clears the group")
r = s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "replace", "value": {"members": [{"value": users[1]}], "id": gid,
                                "displayName": "Test SCIMv2"}}), token=tok)
r = s.req("GET", "/Groups/" + gid, token=tok)
t.eq([m["value"] for m in (r.json or {}).get("members", [])], [users[1]],
     "path-less replace with members")

# §4.7 AIW: PUT with the full membership.
r = s.req("PUT", "/Groups/" + gid, {"schemas": [URN_GROUP], "displayName": "Test SCIMv2",
                                    "members": [{"value": u} for u in users]}, token=tok)
t.status(r, 200, "group PUT: 200")
t.eq(sorted(m["value"] for m in (r.json or {}).get("members", [])), sorted(users),
     "group PUT sets the members")
r = s.req("PUT", "/Groups/" + gid, {"schemas": [URN_GROUP], "displayName": "Renamed"},
          token=tok)
t.eq(len((r.json or {}).get("members", [])), 3, "group PUT without members keeps them")

# §4.8 deactivation keeps memberships.
s.req("PATCH", "/Users/" + users[0], patchop({"op": "replace", "value": {"active": False}}),
      token=tok)
r = s.req("GET", "/Groups/" + gid, token=tok)
t.ok(users[0] in [m["value"] for m in (r.json or {}).get("members", [])],
     "a deactivated user keeps its memberships", r.text)

r = s.req("DELETE", "/Groups/" + gid, token=tok)
t.status(r, 204, "unlink and delete pushed group: 204")
r = s.req("GET", "/Users/" + users[0] + "?attributes=groups", token=tok)
t.ok("groups" not in (r.json or {}), "memberships gone with the group", r.text)

s.stop()
t.done()
