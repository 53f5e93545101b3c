#!/usr/bin/env python3
"""A large group's full read goes out in parts as it is made (issue:
performance, memory): 2000 members through lighttpd, the body whole and
exact, every member there once with its $ref, display and type, no
Content-Length from the worker (the web server frames it), the same ETag and request id
as any response; HEAD, a read without members and a small group keep
their length; the activity record counts the bytes sent."""
import json
import subprocess

from harness import CLI, URN_GROUP, Server, Tap, cgi, patchop, user

t = Tap()
s = Server()
tok = s.tenant("acme")
N = 2000
ids, names = [], {}
for i in range(N):
    name = "big%04d@example.com" % i
    r = s.req("POST", "/Users", user(name, displayName='Zoë "%d" <b>' % i), token=tok)
    if r.status != 201:
        t.ok(False, "create user %d" % i, r.text)
        break
    ids.append(r.json["id"])
    names[r.json["id"]] = 'Zoë "%d" <b>' % i
t.eq(len(ids), N, "2000 users")
gid = s.req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "Big"},
            token=tok).json["id"]
for k in range(0, N, 500):
    r = s.req("PATCH", "/Groups/" + gid, patchop(
        {"op": "add", "path": "members",
         "value": [{"value": x} for x in ids[k:k + 500]]}), token=tok)
    t.ok(r.status in (200, 204), "add members %d-%d" % (k, k + 499), r.text[:200])

r = s.req("GET", "/Groups/" + gid, token=tok)
t.eq(r.status, 200, "full read: 200")
# lighttpd frames what the worker sent in parts (it adds the length);
# the worker's own output, run as CGI, has none.
c, rc, err = cgi(s.db, "GET", "/Groups/" + gid, token=tok)
t.ok(rc == 0 and c.status == 200 and c.header("Content-Length") is None and
     c.json is not None and len(c.json.get("members", [])) == N,
     "as CGI: written in parts, no Content-Length, whole", (rc, c.headers, err[-300:]))
t.ok(r.json is not None, "full read: one whole JSON document", r.text[-200:])
doc = r.json or {}
mem = doc.get("members") or []
t.eq(len(mem), N, "every member")
t.eq(sorted(m.get("value") for m in mem), sorted(ids), "each member once")
base = s.base + "/Users/"
t.ok(all(m.get("$ref") == base + m.get("value") and m.get("type") == "User"
         and m.get("display") == names.get(m.get("value")) for m in mem),
     "each with its $ref, type and display (quotes escaped)")
t.eq((doc.get("id"), doc.get("displayName"), doc.get("meta", {}).get("location")),
     (gid, "Big", s.base + "/Groups/" + gid), "the group's own attributes")
t.ok(r.header("ETag") and r.header("X-Request-Id"), "ETag and X-Request-Id sent",
     r.headers)
etag, rid = r.header("ETag"), r.header("X-Request-Id")
t.eq(r.header("Content-Type"), "application/scim+json; charset=utf-8",
     "Content-Type")

h = s.req("HEAD", "/Groups/" + gid, token=tok)
t.eq((h.status, h.header("ETag"), h.body), (200, etag, b""),
     "HEAD: 200, the same ETag, no body")
t.ok(h.header("Content-Length") is not None and int(h.header("Content-Length")) ==
     len(r.body), "HEAD: the length the GET sent", (h.header("Content-Length"), len(r.body)))
x = s.req("GET", "/Groups/" + gid + "?excludedAttributes=members", token=tok)
t.ok(x.status == 200 and x.header("Content-Length") is not None and
     "members" not in (x.json or {}), "without members: whole, with its length")
small = s.req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "Small",
                                   "members": [{"value": ids[0]}]}, token=tok).json["id"]
sm = s.req("GET", "/Groups/" + small, token=tok)
t.ok(sm.status == 200 and sm.header("Content-Length") is not None and
     len((sm.json or {}).get("members", [])) == 1, "a small group: whole, with its length")
nm = s.req("GET", "/Groups/" + gid, token=tok, headers={"If-None-Match": etag})
t.eq(nm.status, 304, "If-None-Match the ETag: 304, nothing streamed")

p = subprocess.run([CLI, "--db", s.db, "activity", "acme", "--request", rid, "--json"],
                   capture_output=True, text=True, timeout=30)
recs = [json.loads(l) for l in p.stdout.splitlines()]
t.ok(len(recs) == 1 and recs[0].get("status") == 200 and
     recs[0].get("bytes_out") == len(r.body),
     "the activity record counts the bytes sent in parts", (recs, len(r.body)))
t.done()
