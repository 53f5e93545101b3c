#!/usr/bin/env python3
"""Time SCIM requests against a running scimlet, for scripts/bench.

measure.py BASE TOKEN REPEAT NAME=GROUP_ID:SPARE_USER_ID ...

For each group: single-member add and remove PATCHes (alternating, so
the group keeps its size) and GET /Groups/{id}?excludedAttributes=members.
Prints median and p99 in milliseconds, and the ratio of the last group to
the first for each figure.  One keep-alive connection, no concurrency.
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def main():
    base, token, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
    groups = [a.split("=", 1) for a in sys.argv[4:]]
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    hdr = {"Authorization": "Bearer " + token,
           "Content-Type": "application/scim+json"}

    def call(method, path, body=None, want=200):
        data = json.dumps(body).encode() if body is not None else None
        t0 = time.perf_counter()
        conn.request(method, u.path + path, body=data, headers=hdr)
        r = conn.getresponse()
        r.read()
        dt = (time.perf_counter() - t0) * 1000.0
        if r.status != want:
            sys.exit("%s %s: %d, wanted %d" % (method, path, r.status, want))
        return dt

    results = []
    for name, ids in groups:
        gid, spare = ids.split(":")
        add = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
               "Operations": [{"op": "add", "path": "members",
                               "value": [{"value": spare}]}]}
        rem = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
               "Operations": [{"op": "remove",
                               "path": 'members[value eq "%s"]' % spare}]}
        t = {"add": [], "remove": [], "get": []}
        for _ in range(5):      # warm up the worker and the page cache
            call("GET", "/Groups/%s?excludedAttributes=members" % gid)
        for _ in range(repeat):
            t["add"].append(call("PATCH", "/Groups/" + gid, add, 204))
            t["remove"].append(call("PATCH", "/Groups/" + gid, rem, 204))
            t["get"].append(call(
                "GET", "/Groups/%s?excludedAttributes=members" % gid))
        row = {k: (statistics.median(v), pct(v, 99)) for k, v in t.items()}
        results.append((name, row))
        print("%-22s add median %7.3f ms p99 %7.3f | remove median %7.3f "
              "ms p99 %7.3f | get median %7.3f ms p99 %7.3f" % (
                  name, row["add"][0], row["add"][1], row["remove"][0],
                  row["remove"][1], row["get"][0], row["get"][1]))
    if len(results) >= 2:
        (n0, r0), (n1, r1) = results[0], results[-1]
        for k in ("add", "remove", "get"):
            print("ratio %s/%s %-6s median %.2f  p99 %.2f (target <= 2)" % (
                n1, n0, k, r1[k][0] / r0[k][0], r1[k][1] / r0[k][1]))


if __name__ == "__main__":
    main()
