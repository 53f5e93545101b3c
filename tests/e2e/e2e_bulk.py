#!/usr/bin/env python3
"""Bulk (RFC 7644 §3.7) through lighttpd and the real worker: bulkId
references forward and backward, a group whose members are users made in
the same request, a cycle (409), failOnErrors, a PATCH in Entra's default
dialect (doc/clients.md §3.2), version as If-Match (412), the limits
(413, advertised in /ServiceProviderConfig and set per tenant); a failed
operation leaves nothing while the others commit; the audit entries, change
feed records and activity records of a Bulk are those of the same requests
sent one by one; a deactivation in a Bulk counts in the breaker, and one
it holds is a 503 entry with the trip recorded once."""
import json
import urllib.parse

from harness import URN_GROUP, Server, Tap, patchop, user

URN_BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
URN_BULKR = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
UA = "Azure-AD-SCIM-Provisioning/e2e"
DEACTIVATE = patchop({"op": "Replace", "path": "active", "value": "False"})

t = Tap()
s = Server()


def req(method, path, body=None, tok=None, **kw):
    return s.req(method, path, body, token=tok, headers={"User-Agent": UA}, **kw)


def bulk(tok, ops, failon=None):
    body = {"schemas": [URN_BULK], "Operations": ops}
    if failon is not None:
        body["failOnErrors"] = failon
    return req("POST", "/Bulk", body, tok)


def entries(r):
    return (r.json or {}).get("Operations", []) if r.status == 200 else []


def st(r):
    """The status of each entry, as sent (strings, RFC 7644 §3.7.3)."""
    return [e.get("status") for e in entries(r)]


def group(name, *members):
    return {"schemas": [URN_GROUP], "displayName": name,
            "members": [{"value": m} for m in members]}


def find(tok, typ, attr, value):
    q = urllib.parse.quote('%s eq "%s"' % (attr, value))
    r = req("GET", "/%s?filter=%s" % (typ, q), tok=tok)
    res = (r.json or {}).get("Resources", [])
    return res[0] if res else None


def audit(tenant, action=None):
    args = ["audit", "list", tenant, "--json"]
    if action:
        args += ["--action", action]
    return [json.loads(l) for l in s.cli(*args).stdout.splitlines()]


def feed(tok):
    r = req("GET", "/.changes?count=1000", tok=tok)
    return (r.json or {}).get("changes", [])


def activity(tenant):
    p = s.cli("activity", tenant, "--json")
    return [json.loads(l) for l in p.stdout.splitlines()]


# --- 1. Discovery, the settings and who may post.
tok = s.tenant("acme")
rtok = s.cli("token", "issue", "acme", "--scope", "read").stdout.strip()
spc = req("GET", "/ServiceProviderConfig", tok=tok).json
t.eq(spc.get("bulk"), {"supported": True, "maxOperations": 1000,
                       "maxPayloadSize": 1048576}, "SPC: bulk supported, the defaults")
show = json.loads(s.cli("tenant", "show", "acme", "--json").stdout)
t.eq((show.get("bulk-max-operations"), show.get("bulk-max-payload")), (1000, 1048576),
     "tenant show: the defaults")
t.status(req("GET", "/Bulk", tok=tok), 405, "GET /Bulk: 405")
r = bulk(rtok, [{"method": "POST", "path": "/Users", "bulkId": "x", "data": user("ro@x.com")}])
t.status(r, 403, "a read token cannot post a Bulk")
t.eq(find(tok, "Users", "userName", "ro@x.com"), None, "read token: nothing made")
for bad in ("bulk-max-operations=0", "bulk-max-operations=10001", "bulk-max-payload=10",
            "bulk-max-operations=x"):
    p = s.cli("tenant", "set", "acme", bad, check=False)
    t.ok(p.returncode == 1 and "scimlet:" in p.stderr, "tenant set %s: refused" % bad,
         p.stdout + p.stderr)

# --- 2. References forward and backward; a group of users made with it.
ops = [
    {"method": "POST", "path": "/Groups", "bulkId": "g",
     "data": group("Team", "bulkId:u1", "bulkId:u2")},        # forward
    {"method": "POST", "path": "/Users", "bulkId": "u1", "data": user("u1@x.com")},
    {"method": "POST", "path": "/Users", "bulkId": "u2", "data": user("u2@x.com")},
    {"method": "PATCH", "path": "/Users/bulkId:u1",              # backward
     "data": patchop({"op": "Replace", "path": "displayName", "value": "One"})},
]
r = bulk(tok, ops)
t.status(r, 200, "bulk with references: 200")
t.eq((r.json or {}).get("schemas"), [URN_BULKR], "a BulkResponse")
t.eq(st(r), ["201", "201", "201", "200"], "every operation answered, in request order")
e = entries(r)
u1 = find(tok, "Users", "userName", "u1@x.com")
u2 = find(tok, "Users", "userName", "u2@x.com")
g = find(tok, "Groups", "displayName", "Team")
t.ok(u1 and u2 and g, "the users and the group exist", (u1, u2, g))
if u1 and u2 and g:
    t.eq(sorted(m["value"] for m in g.get("members", [])), sorted([u1["id"], u2["id"]]),
         "the group's members are the users made in the same request")
    t.eq(u1.get("displayName"), "One", "the backward PATCH applied")
    t.eq([x.get("location", "").rsplit("/", 1)[-1] for x in e],
         [g["id"], u1["id"], u2["id"], u1["id"]], "each entry's location")
    t.eq([x.get("bulkId") for x in e], ["g", "u1", "u2", None], "bulkIds echoed")
    t.eq([x.get("method") for x in e], ["POST", "POST", "POST", "PATCH"], "methods")
    t.eq(e[3].get("version"), u1["meta"]["version"], "version: the resource's ETag")
    t.ok(all("response" not in x for x in e), "no error response on success")

# --- 3. A cycle of references: 409 each, nothing of them; the rest commits.
r = bulk(tok, [
    {"method": "POST", "path": "/Groups", "bulkId": "c1", "data": group("C1", "bulkId:c2")},
    {"method": "POST", "path": "/Groups", "bulkId": "c2", "data": group("C2", "bulkId:c1")},
    {"method": "POST", "path": "/Users", "bulkId": "ok", "data": user("cyc@x.com")},
    {"method": "POST", "path": "/Users", "bulkId": "me",
     "data": user("self@x.com", externalId="bulkId:me")},
    {"method": "POST", "path": "/Users", "bulkId": "un",
     "data": user("un@x.com", externalId="bulkId:nosuch")},
])
t.eq(st(r), ["409", "409", "201", "409", "400"], "cycle and self-reference 409, unknown 400")
t.eq([(x.get("response") or {}).get("status") for x in entries(r)],
     [ "409", "409", None, "409", "400"], "each failure carries its SCIM error")
t.eq((entries(r)[4].get("response") or {}).get("scimType") if entries(r) else None,
     "invalidValue", "an unknown bulkId: invalidValue")
t.eq([find(tok, "Groups", "displayName", n) for n in ("C1", "C2")], [None, None],
     "the groups of the cycle were not made")
t.ok(find(tok, "Users", "userName", "cyc@x.com") is not None, "the other operation committed")

# --- 4. failOnErrors=1: stop after the first failure.
r = bulk(tok, [
    {"method": "POST", "path": "/Users", "bulkId": "a", "data": user("f1@x.com")},
    {"method": "POST", "path": "/Users", "bulkId": "b", "data": user("u1@x.com")},
    {"method": "POST", "path": "/Users", "bulkId": "c", "data": user("f3@x.com")},
], failon=1)
t.eq(st(r), ["201", "409"], "failOnErrors=1: the operations up to the first failure")
t.eq(((entries(r) + [{}, {}])[1].get("response") or {}).get("scimType"), "uniqueness",
     "the failure's own SCIM error")
t.ok(find(tok, "Users", "userName", "f1@x.com") is not None, "before the failure: committed")
t.eq(find(tok, "Users", "userName", "f3@x.com"), None, "after it: not run")
r = bulk(tok, [{"method": "POST", "path": "/Users", "data": user("x@x.com")}], failon=0)
t.error(r, 400, "invalidValue", "failOnErrors=0 refused")

# --- 5. Entra's default PATCH dialect inside a Bulk; version preconditions.
u3 = req("POST", "/Users", user("u3@x.com"), tok).json
r = bulk(tok, [
    {"method": "PATCH", "path": "/Users/" + u3["id"], "data": patchop(
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Add", "path": "title", "value": "Engineer"})},
    {"method": "PATCH", "path": "/Groups/" + (g or {}).get("id", "-"), "data": patchop(
        {"op": "Add", "path": "members", "value": [{"value": u3["id"]}]},
        {"op": "Remove", "path": "members", "value": [{"value": (u2 or {}).get("id")}]})},
])
t.eq(st(r), ["200", "204"], "Entra's dialect in Bulk: applied (a group PATCH: 204)")
now = req("GET", "/Users/" + u3["id"], tok=tok).json
t.eq((now.get("active"), now.get("title")), (False, "Engineer"), "user PATCH applied")
gm = req("GET", "/Groups/" + (g or {}).get("id", "-"), tok=tok).json or {}
t.eq(sorted(m["value"] for m in gm.get("members", [])),
     sorted([(u1 or {}).get("id"), u3["id"]]), "group PATCH: one added, one removed")
ver = now["meta"]["version"]
stale = u3["meta"]["version"]
r = bulk(tok, [
    {"method": "PATCH", "path": "/Users/" + u3["id"], "version": stale,
     "data": patchop({"op": "Replace", "path": "title", "value": "Stale"})},
    {"method": "PUT", "path": "/Users/" + u3["id"], "version": ver,
     "data": user("u3@x.com", title="Fresh", active=False)},
    {"method": "DELETE", "path": "/Users/" + u3["id"], "version": stale},
])
t.eq(st(r), ["412", "200", "412"], "version: a stale one 412, the current one applies")
t.eq(req("GET", "/Users/" + u3["id"], tok=tok).json.get("title"), "Fresh",
     "the stale PATCH left nothing, the PUT applied")

# --- 6. The limits: 413, nothing applied; set per tenant and advertised.
s.cli("tenant", "set", "acme", "bulk-max-operations=2")
s.cli("tenant", "set", "acme", "bulk-max-payload=2048")
spc = req("GET", "/ServiceProviderConfig", tok=tok).json
t.eq((spc["bulk"]["maxOperations"], spc["bulk"]["maxPayloadSize"]), (2, 2048),
     "SPC: the tenant's limits")
r = bulk(tok, [{"method": "POST", "path": "/Users", "bulkId": "l%d" % i,
                "data": {"userName": "lim%d@x.com" % i}} for i in range(3)])
t.error(r, 413, None, "3 operations past maxOperations 2: 413, no scimType")
t.ok("2" in (r.json or {}).get("detail", ""), "the detail says the limit", r.json)
t.eq(find(tok, "Users", "userName", "lim0@x.com"), None, "over the count: nothing applied")
big = user("big@x.com", title="x" * 3000)
r = bulk(tok, [{"method": "POST", "path": "/Users", "bulkId": "b", "data": big}])
t.error(r, 413, None, "a payload past maxPayloadSize: 413")
t.eq(find(tok, "Users", "userName", "big@x.com"), None, "over the size: nothing applied")
r = bulk(tok, [{"method": "POST", "path": "/Users", "bulkId": "l", "data": user("lim@x.com")},
               {"method": "POST", "path": "/Bulk", "bulkId": "n", "data": {}}])
t.eq(st(r), ["201", "400"], "at the limits: served; a Bulk in a Bulk refused")
s.cli("tenant", "set", "acme", "bulk-max-operations=1000")
s.cli("tenant", "set", "acme", "bulk-max-payload=1048576")

# --- 7. The same requests alone and in one Bulk: the same records.
solo = s.tenant("solo")
inb = s.tenant("inbulk")
ua = req("POST", "/Users", user("a@x.com"), solo).json["id"]
ub = req("POST", "/Users", user("b@x.com"), solo).json["id"]
gt = req("POST", "/Groups", group("G", ua, ub), solo).json["id"]
req("PATCH", "/Users/" + ua, DEACTIVATE, solo)
req("PATCH", "/Groups/" + gt, patchop({"op": "Remove", "path": "members",
                                       "value": [{"value": ub}]}), solo)
req("DELETE", "/Users/" + ub, None, solo)
req("POST", "/Users", user("a@x.com"), solo)                 # fails: 409
r = bulk(inb, [
    {"method": "POST", "path": "/Users", "bulkId": "a", "data": user("a@x.com")},
    {"method": "POST", "path": "/Users", "bulkId": "b", "data": user("b@x.com")},
    {"method": "POST", "path": "/Groups", "bulkId": "g", "data": group("G", "bulkId:a", "bulkId:b")},
    {"method": "PATCH", "path": "/Users/bulkId:a", "data": DEACTIVATE},
    {"method": "PATCH", "path": "/Groups/bulkId:g", "data": patchop(
        {"op": "Remove", "path": "members", "value": [{"value": "bulkId:b"}]})},
    {"method": "DELETE", "path": "/Users/bulkId:b"},
    {"method": "POST", "path": "/Users", "bulkId": "dup", "data": user("a@x.com")},
])
t.eq(st(r), ["201", "201", "201", "200", "204", "204", "409"], "the Bulk of the same requests")


def names(tenant, tk):
    """id -> name, from the feed (deleted resources included)."""
    out = {}
    for c in feed(tk):
        out[c["id"]] = c.get("userName") or c.get("displayName")
    return out


def norm(v, ids):
    if isinstance(v, dict):
        return {k: norm(x, ids) for k, x in v.items()
                if k not in ("time", "seq", "request", "hash", "prev", "created",
                             "lastModified", "version", "duration_us", "bytes_in",
                             "bytes_out", "tenant")}
    if isinstance(v, list):
        return [norm(x, ids) for x in v]
    if isinstance(v, str):
        for i, n in ids.items():
            v = v.replace(i, "<%s>" % n)
        return v
    return v


ns, nb = names("solo", solo), names("inbulk", inb)
fs, fb = norm(feed(solo), ns), norm(feed(inb), nb)
t.ok(len(fs) >= 6, "the feed has the changes", fs)
t.eq(fb, fs, "change feed: the Bulk's records are those of the requests alone")
strip = ("token", "tenant")
as_ = [norm({k: v for k, v in a.items() if k not in strip}, ns) for a in audit("solo")
       if not a.get("action", "").startswith("operator.")]
ab = [norm({k: v for k, v in a.items() if k not in strip}, nb) for a in audit("inbulk")
      if not a.get("action", "").startswith("operator.")]
t.ok(len(as_) >= 2, "the audit log has the deprovisioning", as_)
t.eq(ab, as_, "audit: the Bulk's entries are those of the requests alone")
keep = ("status", "method", "summary", "resourceType", "name", "ops", "attributes",
        "members_added", "members_removed", "scimType", "detail")
acts = [norm({k: a.get(k) for k in keep}, ns) for a in activity("solo")]
actb = [norm({k: a.get(k) for k in keep}, nb) for a in activity("inbulk")]
t.eq(actb[0]["method"] if actb else None, "POST", "activity: the Bulk's own record first")
t.eq(sorted(actb[1:], key=json.dumps), sorted(acts, key=json.dumps),
     "activity: one record per operation, as the requests alone leave")

# --- 8. A failed operation leaves nothing; a deactivation counts in the breaker.
brk = s.tenant("brk")
s.cli("tenant", "set", "brk", "breaker=2")
ids = [req("POST", "/Users", user("d%d@x.com" % i), brk).json["id"] for i in range(4)]
r = bulk(brk, [{"method": "PATCH", "path": "/Users/" + ids[0], "data": DEACTIVATE}])
t.eq(st(r), ["200"], "a deactivation in a Bulk")
bs = json.loads(s.cli("breaker", "brk", "status", "--json").stdout)
t.eq(bs.get("count"), 1, "it counts in the breaker")
before = len(feed(brk))
r = bulk(brk, [
    {"method": "PATCH", "path": "/Users/" + ids[1], "data": DEACTIVATE},
    {"method": "PATCH", "path": "/Users/" + ids[2], "data": DEACTIVATE},
    {"method": "PATCH", "path": "/Users/" + ids[3],
     "data": patchop({"op": "Replace", "path": "title", "value": "Still"})},
])
t.eq(st(r), ["200", "503", "200"], "past the limit: that deactivation is held (503)")
held = (entries(r) + [{}, {}])[1].get("response") or {}
t.ok("scimlet breaker brk release" in held.get("detail", ""),
     "the 503 entry names the release command", held)
t.eq([req("GET", "/Users/" + i, tok=brk).json.get("active") for i in ids],
     [False, False, True, True], "the held deactivation left the user active")
t.eq(req("GET", "/Users/" + ids[3], tok=brk).json.get("title"), "Still",
     "the operation after it committed")
t.eq(len(audit("brk", "user.deactivated")), 2, "no audit entry for the held operation")
t.eq([c["op"] for c in feed(brk)[before:]], ["deactivate", "update"],
     "no feed record for the held operation")
bs = json.loads(s.cli("breaker", "brk", "status", "--json").stdout)
t.eq(bs.get("state"), "tripped", "the breaker tripped, recorded after the commit")
t.eq(len(audit("brk", "breaker.tripped")), 1, "the trip audited once")
held_acts = [a for a in activity("brk") if a.get("status") == 503]
t.eq([a.get("held") for a in held_acts], [1], "the held operation's record says it held 1")
r = bulk(brk, [{"method": "DELETE", "path": "/Users/" + ids[3]}])
t.eq(st(r), ["503"], "tripped: a delete in a Bulk is held")
t.ok(req("GET", "/Users/" + ids[3], tok=brk).status == 200, "and the user stays")
t.eq(len(audit("brk", "breaker.tripped")), 1, "still one trip")

# --- 9. A seat limit holds inside a Bulk as for requests alone.
s.tenant("seat")
seat = s.token("seat")
s.cli("tenant", "set", "seat", "max-users=2")
r = bulk(seat, [{"method": "POST", "path": "/Users", "bulkId": "s%d" % i,
                 "data": user("s%d@x.com" % i)} for i in range(3)])
t.eq(st(r), ["201", "201", "403"], "max-users=2: the third create of the Bulk is refused")
t.eq(req("GET", "/Users?count=0", tok=seat).json.get("totalResults"), 2,
     "exactly the limit is reached")

# --- 10. The request itself: malformed ones.
t.error(req("POST", "/Bulk", {"Operations": []}, tok), 400, "invalidSyntax",
        "no operations: 400")
t.error(req("POST", "/Bulk", {"schemas": ["urn:x"], "Operations": [{}]}, tok), 400,
        "invalidSyntax", "wrong schemas: 400")
t.error(req("POST", "/Bulk", {"Operations": [
    {"method": "POST", "path": "/Users", "bulkId": "x", "data": user("d1@x.com")},
    {"method": "POST", "path": "/Users", "bulkId": "x", "data": user("d2@x.com")}]}, tok),
    400, "invalidValue", "a bulkId given twice: 400")
t.eq(find(tok, "Users", "userName", "d1@x.com"), None, "a refused Bulk applies nothing")
r = bulk(tok, [{"method": "GET", "path": "/Users"},
               {"method": "POST", "path": "/Users/.search", "data": {}},
               {"method": "POST", "path": "/Nothing", "bulkId": "n", "data": {}}])
t.eq(st(r), ["400", "400", "404"], "methods, searches and paths an operation cannot have")

t.done()
