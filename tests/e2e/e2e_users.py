#!/usr/bin/env python3
"""RFC 7644 behaviour of /Users: create, read, replace, delete, lists and
paging, validation, tenants and tokens."""
import re
import uuid
from urllib.parse import quote

from harness import Server, Tap, URN_USER, user

t = Tap()
s = Server()
tok = s.tenant("acme")

r = s.req("POST", "/Users", {"schemas": [URN_USER], "userName": "ada@example.com"},
          token=tok)
t.status(r, 201, "minimal POST: 201")
u = r.json or {}
uid = u.get("id", "")
t.ok(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", uid),
     "id is a random (v4) UUID", uid)
meta = u.get("meta") or {}
t.eq(meta.get("location"), "%s/Users/%s" % (s.base, uid),
     "meta.location is absolute, from the request")
t.eq(r.header("Location"), meta.get("location"), "Location header")
t.ok(all(meta.get(k) for k in ("created", "lastModified", "version")),
     "meta.created, lastModified, version", r.text)
t.ok(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", meta.get("created", "")),
     "created is RFC 3339 UTC", meta)
t.eq(u.get("active"), True, "active defaults to true")
t.eq(u.get("schemas"), [URN_USER], "schemas")

# Validation.
r = s.req("POST", "/Users", {"schemas": [URN_USER], "displayName": "no name"}, token=tok)
t.error(r, 400, "invalidValue", "missing userName: 400 invalidValue")
r = s.req("POST", "/Users", {"userName": ""}, token=tok)
t.error(r, 400, "invalidValue", "empty userName: 400 invalidValue")
r = s.req("POST", "/Users", {"userName": "b@x", "active": "maybe"}, token=tok)
t.error(r, 400, "invalidValue", "non-boolean active: 400 invalidValue")
r = s.req("POST", "/Users", {"userName": "b@x", "name": "flat"}, token=tok)
t.error(r, 400, "invalidValue", "complex attribute as a string: 400")
r = s.req("POST", "/Users", {"userName": "b@x", "userName2": 1, "USERNAME": "c@x"},
          token=tok)
t.error(r, 400, "invalidSyntax", "an attribute given twice in two cases: 400")
r = s.req("POST", "/Users", {"userName": "two@x", "emails": [
    {"value": "a@x", "primary": True}, {"value": "b@x", "primary": "True"}]}, token=tok)
t.error(r, 400, "invalidValue", "two primary emails: 400")
r = s.req("POST", "/Users", {"userName": "x" * 5000}, token=tok)
t.error(r, 400, "invalidValue", "userName over 4 KiB: 400")
# An email's value is limited to 4 KiB in every shape it may come in.
long_mail = "m" * 4094 + "@xy"     # 4097 bytes
for what, emails in (("an object", [{"value": long_mail}]),
                     ("a bare string", long_mail),
                     ("an array of strings", ["ok@x", long_mail])):
    r = s.req("POST", "/Users", {"userName": "long-mail@x", "emails": emails}, token=tok)
    t.error(r, 400, "invalidValue", "email over 4 KiB as %s: 400" % what)
    if r.status == 201:
        s.req("DELETE", "/Users/" + r.json["id"], token=tok)
r = s.req("POST", "/Users", {"userName": "mail4k@x", "emails": long_mail[1:]}, token=tok)
t.eq((r.status, (r.json or {}).get("emails")), (201, [{"value": long_mail[1:]}]),
     "an email of exactly 4 KiB as a bare string: kept as its value", r.text[:200])
mid = (r.json or {}).get("id", "none")
r = s.req("PATCH", "/Users/" + mid, {"Operations": [
    {"op": "add", "path": "emails", "value": [long_mail]}]}, token=tok)
t.error(r, 400, "invalidValue", "PATCH add of an email over 4 KiB as a string: 400")
s.req("DELETE", "/Users/" + mid, token=tok)
r = s.req("POST", "/Users", {"userName": "b@x", "active": "false",
                             "emails": [{"value": "b@x", "primary": "True"}],
                             "roleName": "Admin"}, token=tok)
j = r.json or {}
t.eq((j.get("active"), j.get("emails")), (False, [{"value": "b@x", "primary": True}]),
     "string booleans stored and returned as booleans")
t.ok("roleName" not in j, "an undeclared core attribute is ignored", j)
bid = j.get("id")
r = s.req("GET", "/Users/" + bid, token=tok)
t.eq((r.json or {}).get("active"), False, "booleans stay booleans on read")

# PUT replaces the whole resource.
r = s.req("PUT", "/Users/" + bid, {"schemas": [URN_USER], "userName": "b@x",
                                   "title": "CTO"}, token=tok)
j = r.json or {}
t.status(r, 200, "PUT: 200")
t.ok("emails" not in j and "roleName" not in j and j.get("title") == "CTO",
     "PUT drops what it does not send", r.text)
t.eq(j.get("active"), False, "PUT without active keeps the current state")
r = s.req("PUT", "/Users/" + bid, {"userName": "ADA@example.com"}, token=tok)
t.error(r, 409, "uniqueness", "PUT onto another userName: 409")
r = s.req("PUT", "/Users/" + bid, {"userName": "B@X", "id": str(uuid.uuid4())}, token=tok)
t.eq(((r.json or {}).get("id"), (r.json or {}).get("userName")), (bid, "B@X"),
     "PUT ignores a different id in the body; own userName in other case is fine")

# Lists: paging over 15 users, stable order, integers.
ids = set()
for i in range(13):
    ids.add(s.req("POST", "/Users", user("page%02d@example.com" % i), token=tok).json["id"])
seen = []
for start in (1, 6, 11):
    r = s.req("GET", "/Users?startIndex=%d&count=5" % start, token=tok)
    j = r.json or {}
    t.eq((j.get("totalResults"), j.get("startIndex"), j.get("itemsPerPage")),
         (15, start, 5), "page at %d: integers in the envelope" % start)
    seen += [x["id"] for x in j.get("Resources", [])]
t.eq(len(seen), 15, "three pages of five")
t.eq(len(set(seen)), 15, "no duplicates across pages")
t.eq(seen, sorted(seen), "stable order (by id)")
r = s.req("GET", "/Users?startIndex=1&count=5", token=tok)
t.eq([x["id"] for x in r.json["Resources"]], seen[:5], "the same page twice is the same")
r = s.req("GET", "/Users?count=0", token=tok)
t.eq((r.json.get("totalResults"), r.json.get("itemsPerPage"), r.json.get("Resources")),
     (15, 0, []), "count=0: only totalResults")
r = s.req("GET", "/Users?startIndex=0&count=1", token=tok)
t.eq(r.json.get("startIndex"), 1, "startIndex 0 is taken as 1")
r = s.req("GET", "/Users?startIndex=99", token=tok)
t.eq((r.json.get("totalResults"), r.json.get("Resources")), (15, []),
     "past the end: empty page, true total")
r = s.req("GET", "/Users?count=abc", token=tok)
t.error(r, 400, "invalidValue", "non-numeric count: 400")
r = s.req("GET", "/Users?filter=userName+sw+%22PAGE%22&count=3", token=tok)
t.eq((r.json.get("totalResults"), r.json.get("itemsPerPage")), (13, 3),
     "userName sw (any case), paged")
for f in ('userName eq', '(userName eq "x"', 'userName eq "x" garbage', '"',
          'active gt true', 'name eq "x"', 'userName zz "x"'):
    r = s.req("GET", "/Users?filter=" + quote(f), token=tok)
    t.error(r, 400, "invalidFilter", "filter %r: 400 invalidFilter" % f)
r = s.req("GET", "/Users?filter=" + quote('id eq "not-a-uuid"'), token=tok)
t.eq(r.json.get("totalResults"), 0, "id eq a non-UUID: no match, not an error")
r = s.req("GET", "/Users?attributes=userName", token=tok)
t.ok(all(set(x) <= {"id", "schemas", "userName"} for x in r.json["Resources"]),
     "attributes=userName returns id, schemas, userName", r.text[:500])
r = s.req("GET", "/Users/%s?excludedAttributes=emails,name.givenName" % next(iter(ids)),
          token=tok)
t.ok("emails" not in r.json and "givenName" not in r.json.get("name", {}) and
     "familyName" in r.json.get("name", {}), "excludedAttributes with a sub-attribute", r.text)

# DELETE.
r = s.req("DELETE", "/Users/" + bid, token=tok)
t.status(r, 204, "DELETE: 204")
t.eq(r.body, b"", "204 without a body")
t.error(s.req("PUT", "/Users/" + bid, {"userName": "z@x"}, token=tok), 404, None,
        "PUT after DELETE: 404")

# ETags (RFC 7644 §3.14).
eid = s.req("POST", "/Users", {"userName": "etag@example.com"}, token=tok).json["id"]
r = s.req("GET", "/Users/" + eid, token=tok)
v1 = r.json["meta"]["version"]
t.eq(r.header("ETag"), v1, "ETag header is meta.version")
r = s.req("GET", "/Users/" + eid, token=tok, headers={"If-None-Match": v1})
t.eq((r.status, r.body, r.header("ETag")), (304, b"", v1), "If-None-Match current: 304")
r = s.req("GET", "/Users/" + eid, token=tok, headers={"If-None-Match": 'W/"old"'})
t.status(r, 200, "If-None-Match stale: 200")
r = s.req("PUT", "/Users/" + eid, {"userName": "etag@example.com", "title": "x"},
          token=tok, headers={"If-Match": 'W/"stale"'})
t.error(r, 412, None, "PUT with a stale If-Match: 412")
t.ok("title" not in s.req("GET", "/Users/" + eid, token=tok).json,
     "and nothing changed")
r = s.req("PUT", "/Users/" + eid, {"userName": "etag@example.com", "title": "x"},
          token=tok, headers={"If-Match": v1.replace('W/', '')})
t.status(r, 200, "PUT with the current version (weak comparison): 200")
v2 = r.json["meta"]["version"]
t.ok(v2 != v1 and r.header("ETag") == v2, "every change gives a new version", (v1, v2))
r = s.req("PATCH", "/Users/" + eid, {"Operations": [{"op": "add", "path": "nickName",
                                                     "value": "n"}]},
          token=tok, headers={"If-Match": v1})
t.error(r, 412, None, "PATCH with the old version: 412")
r = s.req("PATCH", "/Users/" + eid, {"Operations": [{"op": "add", "path": "nickName",
                                                     "value": "n"}]},
          token=tok, headers={"If-Match": '"a", ' + v2})
t.status(r, 200, "PATCH with the version in a list: 200")
r = s.req("DELETE", "/Users/" + eid, token=tok, headers={"If-Match": v2})
t.error(r, 412, None, "DELETE with an old version: 412")
r = s.req("DELETE", "/Users/" + eid, token=tok, headers={"If-Match": "*"})
t.status(r, 204, "DELETE with If-Match *: 204")
gid = s.req("POST", "/Groups", {"displayName": "etags"}, token=tok).json["id"]
r = s.req("PATCH", "/Groups/" + gid, {"Operations": [{"op": "replace", "path":
                                                      "displayName", "value": "e2"}]},
          token=tok)
t.ok(r.status == 204 and r.header("ETag") == s.req("GET", "/Groups/" + gid,
                                                   token=tok).json["meta"]["version"],
     "a 204 PATCH still carries the new ETag", r.headers)
t.eq(s.req("GET", "/ServiceProviderConfig", token=tok).json["etag"]["supported"], True,
     "ServiceProviderConfig: etag supported")

# Tenants are isolated.
tok2 = s.tenant("globex")
r = s.req("GET", "/Users/" + uid, token=tok2)
t.error(r, 404, None, "other tenant: GET by id is 404")
r = s.req("GET", "/Users", token=tok2)
t.eq(r.json.get("totalResults"), 0, "other tenant: list is empty")
r = s.req("GET", "/Users?filter=userName+eq+%22ada@example.com%22", token=tok2)
t.eq(r.json.get("totalResults"), 0, "other tenant: filter finds nothing")
t.error(s.req("PUT", "/Users/" + uid, {"userName": "hijack"}, token=tok2), 404, None,
        "other tenant: PUT is 404")
t.error(s.req("DELETE", "/Users/" + uid, token=tok2), 404, None,
        "other tenant: DELETE is 404")
r = s.req("POST", "/Users", {"userName": "ada@example.com"}, token=tok2)
t.status(r, 201, "other tenant: same userName can be created")
t.status(s.req("GET", "/Users/" + uid, token=tok), 200, "first tenant's user untouched")

# Tokens: both scheme spellings, several tokens, revocation.
t.status(s.req("GET", "/Users", auth="bearer " + tok), 200, "'bearer' accepted")
t.status(s.req("GET", "/Users", auth="Bearer   " + tok + " "), 200, "extra spaces accepted")
tok3 = s.token("acme")
t.status(s.req("GET", "/Users", token=tok3), 200, "a second token works")
lines = s.cli("token", "list", "acme").stdout.strip().split("\n")
t.eq(len(lines), 2, "token list shows both tokens")
t.ok(all(re.fullmatch(r"[0-9a-f]{16}\t-\tprovision\t\S+Z\t-\t-\t\S+Z", l) for l in lines),
     "token list: id, no label, scope, created, no expiry, not revoked, last used", lines)
t.ok(tok not in s.cli("token", "list", "acme").stdout, "token list never shows a token")
rid = lines[-1].split("\t")[0]
before = [l for l in lines if l.startswith(rid)]
s.cli("token", "revoke", rid)
after = s.cli("token", "list", "acme").stdout
t.ok(re.search(re.escape(rid) + r"\t\S+\t\S+\t\d{4}-", after), "revoked token shows its time", after)
codes = sorted(s.req("GET", "/Users", token=x).status for x in (tok, tok3))
t.eq(codes, [200, 401], "exactly the revoked token is refused")
t.eq(s.cli("token", "revoke", "0000000000000000", check=False).returncode, 1,
     "revoking an unknown token id fails")
t.eq(s.cli("tenant", "add", "Bad_Name", check=False).returncode, 1,
     "tenant names are [a-z0-9-]")
t.eq(s.cli("tenant", "add", "acme", check=False).returncode, 1, "tenant add twice fails")
t.eq(s.cli("token", "issue", "nobody", check=False).returncode, 1,
     "token for an unknown tenant fails")
t.eq(sorted(s.cli("tenant", "list").stdout.split()), ["acme", "globex"], "tenant list")
log = s.logs()
t.ok(tok not in log and tok2 not in log and tok[8:20] not in log,
     "tokens never reach the logs")

s.stop()
t.done()
