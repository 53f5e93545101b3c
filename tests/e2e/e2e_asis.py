#!/usr/bin/env python3
"""A user read by id with no projection goes out from its stored text
(issue: performance, reads): the same document, member for member and in
the same order, as the parsing path gives for the same user in a list;
meta.location and groups added, the manager's $ref computed, the ETag the
stored version.  A record of any other shape (meta not last, a stored
location, another resourceType, a "meta" nested deeper, cut in half)
still reads right or fails with 500, never as it was stored."""
import json
import os
import subprocess
import urllib.parse

from harness import HERE, URN_ENT, URN_GROUP, Server, Tap, patchop, user

t = Tap()
s = Server()
tok = s.tenant("acme")


def pairs(text):
    """JSON text as nested lists of (name, value): order kept."""
    return json.loads(text, object_pairs_hook=list)


def listed(name):
    """The user as the list path (a parsed and printed tree) gives it."""
    q = urllib.parse.quote('userName eq "%s"' % name)
    r = s.req("GET", "/Users?filter=" + q, token=tok)
    res = [v for k, v in pairs(r.text) if k == "Resources"]
    return res[0][0] if res and len(res[0]) == 1 else None


def member(doc, name):
    return next((v for k, v in doc if k == name), None)


users = {
    "plain@example.com": user("plain@example.com"),
    "text@example.com": user("text@example.com",
                             displayName='Zoë "quoted" \\ back\tslash </script> ✓',
                             title="a/b \u00e9 \U0001F600",
                             nickName="\u2028line"),
    "ent@example.com": dict(user("ent@example.com"), **{
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", URN_ENT],
        URN_ENT: {"employeeNumber": "42", "department": "R&D"}}),
    "grouped@example.com": user("grouped@example.com"),
}
ids = {}
for name, body in users.items():
    r = s.req("POST", "/Users", body, token=tok)
    t.eq(r.status, 201, "create " + name, r.text[:300])
    ids[name] = (r.json or {}).get("id")
boss = ids["plain@example.com"]
r = s.req("POST", "/Users", dict(user("managed@example.com"), **{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", URN_ENT],
    URN_ENT: {"manager": {"value": boss}}}), token=tok)
ids["managed@example.com"] = (r.json or {}).get("id")
gids = []
for g in ("Zeta team", 'Alpha "A" team'):
    r = s.req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": g,
                                  "members": [{"value": ids["grouped@example.com"]}]},
              token=tok)
    t.eq(r.status, 201, "group " + g, r.text[:300])
    gids.append((r.json or {}).get("id"))

for name, uid in ids.items():
    r = s.req("GET", "/Users/" + uid, token=tok)
    t.eq(r.status, 200, name + ": 200")
    got = pairs(r.text)
    t.eq(got, listed(name), name + ": the document the parsing path gives, "
         "in the same order", r.text[-400:])
    meta = dict(member(got, "meta") or [])
    t.eq(meta.get("location"), s.base + "/Users/" + uid, name + ": meta.location")
    t.eq(r.text.count('"location"'), 1, name + ": one location")
    t.eq(r.header("ETag"), meta.get("version"), name + ": ETag is meta.version")
    t.eq(r.header("Content-Length"), str(len(r.body)), name + ": its length")
    n = s.req("GET", "/Users/" + uid, token=tok,
              headers={"If-None-Match": meta.get("version", "x")})
    t.eq((n.status, n.body), (304, b""), name + ": If-None-Match: 304")
    h = s.req("HEAD", "/Users/" + uid, token=tok)
    t.eq((h.status, h.body, h.header("ETag")), (200, b"", r.header("ETag")),
         name + ": HEAD: headers only")

doc = s.req("GET", "/Users/" + ids["grouped@example.com"], token=tok).json or {}
t.eq(sorted((g.get("value"), g.get("display"), g.get("$ref"), g.get("type"))
            for g in doc.get("groups", [])),
     sorted((gid, name, s.base + "/Groups/" + gid, "direct")
            for gid, name in zip(gids, ("Zeta team", 'Alpha "A" team'))),
     "groups: value, display, $ref and type of each")
t.ok("groups" not in (s.req("GET", "/Users/" + ids["plain@example.com"], token=tok).json
                      or {}), "a user in no group has no groups")
mgr = ((s.req("GET", "/Users/" + ids["managed@example.com"], token=tok).json or {})
       .get(URN_ENT) or {}).get("manager") or {}
t.eq(mgr, {"value": boss, "$ref": s.base + "/Users/" + boss},
     "the manager's $ref is computed")
p = s.req("GET", "/Users/" + ids["ent@example.com"] + "?attributes=userName", token=tok)
t.eq(sorted((p.json or {}).keys()), ["id", "schemas", "userName"],
     "a projection still applies", p.text)

# Records of other shapes, written straight into the database.
uid = ids["plain@example.com"]
stored = s.req("GET", "/Users/" + uid, token=tok).json
meta = {k: v for k, v in stored["meta"].items() if k != "location"}
core = {k: v for k, v in stored.items() if k not in ("meta",)}
EDIT = ["/usr/bin/python3", os.path.join(HERE, "lmdb_edit.py"), s.db, "resource",
        "acme", "U", uid]


def put(text):
    subprocess.run(EDIT + [text], check=True, timeout=30)
    return s.req("GET", "/Users/" + uid, token=tok)


def dump(pairs_list):
    return "{" + ",".join(json.dumps(k) + ":" + json.dumps(v, separators=(",", ":"))
                          for k, v in pairs_list) + "}"


first = dump([("meta", meta)] + list(core.items()))
r = put(first)
t.ok(r.status == 200 and r.json and r.json["meta"].get("location") == s.base + "/Users/" + uid
     and r.json["userName"] == "plain@example.com", "meta first: read right", r.text)
evil = dict(meta, location="https://evil.example/x")
r = put(dump(list(core.items()) + [("meta", evil)]))
t.ok(r.status == 200 and r.text.count('"location"') == 1 and
     r.json["meta"]["location"] == s.base + "/Users/" + uid,
     "a stored location: replaced by the computed one", r.text[-300:])
r = put(dump(list(core.items()) + [("meta", dict(meta, resourceType="Group"))]))
t.ok(r.status == 200 and r.json["meta"]["resourceType"] == "User",
     "a stored resourceType of another kind: User", r.text[-300:])
nested = dict(meta, version='W/"nested"')
r = put(dump(list(core.items()) + [("meta", meta), ("urn:example:x", {"meta": nested})]))
t.ok(r.status == 200 and r.header("ETag") == meta["version"] and
     r.json["meta"].get("location") == s.base + "/Users/" + uid and
     "location" not in r.json.get("urn:example:x", {}).get("meta", {}),
     "a meta nested deeper is not the record's", (r.header("ETag"), r.text[-300:]))
whole = dump(list(core.items()) + [("meta", meta)])
r = put(whole[:len(whole) // 2])
t.eq(r.status, 500, "a record cut in half: 500", r.text[:200])
t.ok(r.json is not None and "schemas" in r.json, "with a SCIM error body", r.text[:200])
r = put(whole)
t.eq(pairs(r.text), listed("plain@example.com"), "put back: read as before")
s.stop()
t.done()
