#!/usr/bin/env python3
"""1000 user creates as one Bulk request against 1000 POSTs, for
scripts/bench.

bulk.py BASE TOKEN N

N POST /Users on one keep-alive connection, then one POST /Bulk of N user
creates (other userNames); every create must answer 201.  Prints both
times and the ratio.  Each POST is a durable commit of its own; the Bulk
is one (src/bulk.h).
"""
import http.client
import json
import sys
import time
import urllib.parse

URN_USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def user(name):
    return {"schemas": [URN_USER], "userName": name, "active": True,
            "name": {"givenName": "Given", "familyName": "Family"},
            "emails": [{"value": name, "type": "work", "primary": True}]}


def main():
    base, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    u = urllib.parse.urlsplit(base)
    hdr = {"Authorization": "Bearer " + token,
           "Content-Type": "application/scim+json"}
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
    t0 = time.perf_counter()
    for i in range(n):
        c.request("POST", u.path + "/Users",
                  json.dumps(user("post-%d@example.com" % i)), hdr)
        r = c.getresponse()
        r.read()
        if r.status != 201:
            sys.exit("POST /Users: %d" % r.status)
    posts = time.perf_counter() - t0
    body = json.dumps({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": [{"method": "POST", "path": "/Users", "bulkId": "u%d" % i,
                        "data": user("bulk-%d@example.com" % i)}
                       for i in range(n)]})
    t0 = time.perf_counter()
    c.request("POST", u.path + "/Bulk", body, hdr)
    r = c.getresponse()
    out = r.read()
    bulk = time.perf_counter() - t0
    if r.status != 200:
        sys.exit("POST /Bulk: %d %s" % (r.status, out[:200]))
    st = [o.get("status") for o in json.loads(out)["Operations"]]
    if st != ["201"] * n:
        sys.exit("POST /Bulk: not every create was 201")
    c.close()
    print("%d POSTs: %.3f s (%.0f creates/s)" % (n, posts, n / posts))
    print("1 Bulk of %d creates (%d bytes): %.3f s (%.0f creates/s)" %
          (n, len(body), bulk, n / bulk))
    print("ratio: Bulk %.1fx faster (target >= 20)" % (posts / bulk))


main()
