#!/usr/bin/env python3
"""The breaker's cost on a deactivation, for scripts/bench.

deprovision.py BASE TOKEN_ON TOKEN_OFF USERS ROUNDS

Creates USERS users in each of two tenants (one whose breaker counts,
one with breaker=off), then ROUNDS interleaved rounds: in each, every
user of one tenant and then of the other is deactivated by Entra's
PATCH, one request at a time on a keep-alive connection, each timed;
then all are reactivated (not counted, not timed).  Prints the median
and p99 latency of each and the ratio on/off.
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse
import uuid

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def main():
    base, on, off = sys.argv[1], sys.argv[2], sys.argv[3]
    users, rounds = int(sys.argv[4]), int(sys.argv[5])
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)

    def req(token, method, path, body):
        c.request(method, u.path + path, json.dumps(body),
                  {"Authorization": "Bearer " + token,
                   "Content-Type": "application/scim+json"})
        r = c.getresponse()
        data = r.read()
        if r.status not in (200, 201, 204):
            sys.exit("%s %s: %d %s" % (method, path, r.status, data[:200]))
        return data

    ids = {}
    for tok in (on, off):
        ids[tok] = [json.loads(req(tok, "POST", "/Users", {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "d-%s@example.com" % uuid.uuid4().hex,
            "active": True}))["id"] for _ in range(users)]
    lat = {on: [], off: []}
    for _ in range(rounds):
        for tok in (on, off):
            for uid in ids[tok]:
                t0 = time.perf_counter()
                req(tok, "PATCH", "/Users/" + uid, {"schemas": [PATCH],
                    "Operations": [{"op": "Replace", "path": "active",
                                    "value": "False"}]})
                lat[tok].append(time.perf_counter() - t0)
            for uid in ids[tok]:
                req(tok, "PATCH", "/Users/" + uid, {"schemas": [PATCH],
                    "Operations": [{"op": "Replace", "path": "active",
                                    "value": "True"}]})

    def fig(v):
        v = sorted(v)
        return statistics.median(v) * 1e3, v[int(len(v) * 0.99)] * 1e3

    mon, pon = fig(lat[on])
    moff, poff = fig(lat[off])
    print("deactivation, breaker counting: median %.3f ms  p99 %.3f ms" % (mon, pon))
    print("deactivation, breaker off:      median %.3f ms  p99 %.3f ms" % (moff, poff))
    print("ratio on/off (median) %.3f  (%d deactivations each)"
          % (mon / moff, len(lat[on])))


main()
