#!/usr/bin/env python3
"""Bad input of every kind gets a SCIM error with the right status and
scimType, and the worker keeps serving."""
import json
import time

from harness import Server, Tap, URN_USER, cgi, worker_pids

t = Tap()
s = Server(env={"SCIMLET_MAX_BODY": "4096"})
tok = s.tenant("acme")
pids = worker_pids(s.db)

cases = [
    (b'{"userName": "a"', "invalidSyntax", "truncated JSON"),
    (b'["not", "an", "object"]', "invalidSyntax", "JSON array body"),
    (b'{"userName": "a"} trailing', "invalidSyntax", "data after the JSON"),
    (b'{"userName": "\xff\xfe"}', "invalidSyntax", "invalid UTF-8"),
    (b'{"userName": "\xc0\xaf"}', "invalidSyntax", "overlong UTF-8"),
    (b'{"userName": "\xed\xa0\x80"}', "invalidSyntax", "UTF-8 surrogate"),
    (b'{"userName": "a\\u0000b"}', "invalidSyntax", "\\u0000 in a string"),
    (b'{"a":' * 33 + b'1' + b'}' * 33, "invalidSyntax", "nesting 33 deep"),
    (b'', "invalidSyntax", "empty body"),
]
for body, scimtype, what in cases:
    r = s.req("POST", "/Users", raw=body, token=tok)
    t.error(r, 400, scimtype, "%s: 400 %s" % (what, scimtype))
r = s.req("POST", "/Users", raw=b'{"a":' * 31 + b'{"userName":"deep"}' + b'}' * 31,
          token=tok)
t.error(r, 400, "invalidValue", "nesting 32 deep parses (then fails validation)")
r = s.req("POST", "/Users", raw=json.dumps({"userName": "big", "title": "x" * 5000}).encode(),
          token=tok)
t.error(r, 413, None, "body over SCIMLET_MAX_BODY: 413")
r = s.req("POST", "/Users", raw=b'{"userName":"t"}', token=tok, ctype="text/plain")
t.error(r, 415, None, "text/plain body: 415")
for ct in ("application/json", "application/json; charset=utf-8",
           "application/scim+json; charset=UTF-8", "APPLICATION/SCIM+JSON"):
    r = s.req("POST", "/Users", {"userName": "ct-" + ct.replace("/", "_").replace(" ", "")},
              token=tok, ctype=ct)
    t.status(r, 201, "Content-Type %s accepted" % ct)

for method, path, status in (("GET", "/Foo", 404), ("GET", "/Users/x/y", 404),
                             ("GET", "/", 404), ("GET", "", 404),
                             ("PATCH", "/Users", 405), ("DELETE", "/Users", 405),
                             ("POST", "/Users/0c5ad3a2-8fd9-4b3a-9a43-6e2f0d8bd4f1", 405),
                             ("PUT", "/Groups", 405),
                             ("POST", "/ServiceProviderConfig", 405)):
    r = s.req(method, path, token=tok, raw=b"{}" if method in ("POST", "PUT", "PATCH") else None)
    t.error(r, status, None, "%s %s: %d" % (method, path or "(mount)", status))
r = s.req("DELETE", "/Users", token=tok)
t.eq(r.header("Allow"), "GET, POST, HEAD", "405 says what is allowed")

# RFC 9110 §9.3.2: HEAD wherever GET works, the same headers, no body.
for path in ("/Users", "/Groups?count=1", "/ServiceProviderConfig",
             "/Schemas", "/ResourceTypes/User"):
    g = s.req("GET", path, token=tok)
    h = s.req("HEAD", path, token=tok)
    t.ok(h.status == g.status == 200 and h.body == b"" and
         h.header("Content-Length") == g.header("Content-Length") and
         h.header("Content-Type") == g.header("Content-Type"),
         "HEAD %s: GET's status and headers, no body" % path)
h = s.req("HEAD", "/Users/0c5ad3a2-8fd9-4b3a-9a43-6e2f0d8bd4f1", token=tok)
t.ok(h.status == 404 and h.body == b"", "HEAD of an unknown id: 404, no body")
h = s.req("HEAD", "/Users", token=None)
t.ok(h.status == 401 and h.body == b"", "HEAD without a token: 401, no body")
r = s.req("GET", "/users?count=1", token=tok)
t.status(r, 200, "endpoint names are case-insensitive")
r = s.req("GET", "/Users/", token=tok)
t.status(r, 200, "a trailing slash is tolerated")

r = s.req("PATCH", "/Users/0c5ad3a2-8fd9-4b3a-9a43-6e2f0d8bd4f1",
          {"Operations": [{"op": "add", "path": "title", "value": "x"}]}, token=tok)
t.error(r, 404, None, "PATCH an unknown user: 404")
uid = s.req("POST", "/Users", {"userName": "patchme"}, token=tok).json["id"]
for body, scimtype, what in (
        ({"Operations": []}, "invalidSyntax", "no operations"),
        ({}, "invalidSyntax", "no Operations"),
        ({"Operations": [{"path": "title"}]}, "invalidSyntax", "op missing"),
        ({"Operations": [{"op": "jump", "path": "title"}]}, "invalidSyntax", "unknown op"),
        ({"Operations": [{"op": "remove"}]}, "noTarget", "remove without a path"),
        ({"Operations": [{"op": "add", "value": "flat"}]}, "invalidValue",
         "path-less add of a non-object"),
        ({"Operations": [{"op": "add", "path": "emails[type eq", "value": "x"}]},
         "invalidPath", "malformed filter path"),
        ({"Operations": [{"op": "replace", "path": "meta.created", "value": "x"}]},
         "mutability", "read-only attribute"),
        ({"Operations": [{"op": "replace", "path": "active", "value": "perhaps"}]},
         "invalidValue", "bad boolean"),
        ({"Operations": [{"op": "replace", "path": "userName", "value": ""}]},
         "invalidValue", "removing userName")):
    r = s.req("PATCH", "/Users/" + uid, body, token=tok)
    t.error(r, 400, scimtype, "PATCH %s: 400 %s" % (what, scimtype))

r = s.req("GET", "/ServiceProviderConfig", token=tok)
t.status(r, 200, "ServiceProviderConfig")
t.eq((r.json or {}).get("schemas"),
     ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"], "SPC schema")
t.eq(((r.json or {}).get("filter") or {}).get("supported"), True, "SPC: filter supported")
t.eq(s.req("GET", "/serviceConfiguration", token=tok).status, 200,
     "/serviceConfiguration alias")

# The same worker survived all of that.
r = s.req("GET", "/Users?count=1", token=tok)
t.status(r, 200, "the worker still answers")
t.eq(worker_pids(s.db), pids, "no worker died or was replaced")
s.stop()

# The worker refuses an oversized body without reading it: CGI with a
# huge CONTENT_LENGTH and nothing on stdin.
s2 = Server()
tok2 = s2.tenant("acme")
t0 = time.time()
r, rc, err = cgi(s2.db, "POST", "/Users", token=tok2,
                 env={"CONTENT_LENGTH": str(50 * 1024 * 1024),
                      "CONTENT_TYPE": "application/scim+json"}, stdin=b"")
t.error(r, 413, None, "50 MiB Content-Length: 413 before reading")
t.ok(time.time() - t0 < 5 and rc == 0, "answered at once, exit 0", err)
r, rc, err = cgi(s2.db, "POST", "/Users", token=tok2,
                 env={"CONTENT_LENGTH": "12x"}, stdin=b"")
t.error(r, 400, "invalidSyntax", "malformed Content-Length: 400")
r, rc, err = cgi(s2.db, "POST", "/Users", token=tok2,
                 env={"CONTENT_LENGTH": "100"}, stdin=b'{"userName":"x"}')
t.error(r, 400, "invalidSyntax", "body shorter than Content-Length: 400")
uid2 = s2.req("POST", "/Users", {"userName": "many"}, token=tok2).json["id"]
r = s2.req("PATCH", "/Users/" + uid2, {"Operations": [
    {"op": "add", "path": "x", "value": 1}] * 1001}, token=tok2)
t.error(r, 400, "invalidValue", "PATCH with more than 1000 operations: 400")
s2.stop()
t.done()
