#!/usr/bin/env python3
"""Time user lookups against a running scimlet, for scripts/bench.

lookups.py BASE TOKEN USERS REQUESTS

Four kinds of request, each REQUESTS times on one keep-alive connection,
for random users bench-N@example.com (N < USERS): filter by userName,
by externalId, by emails[type eq "work"].value, and GET /Users/{id}.
Prints one line per kind: name, req/s, p50 and p99 in ms.  Each lookup
is checked to find exactly its user.
"""
import http.client
import json
import random
import sys
import time
import urllib.parse


def main():
    base, token, users, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    hdr = {"Authorization": "Bearer " + token}
    rnd = random.Random(7)

    def get(path):
        conn.request("GET", u.path + path, headers=hdr)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            sys.exit("GET %s: %d %s" % (path, r.status, body[:200]))
        return json.loads(body)

    q = urllib.parse.quote
    picks = [rnd.randrange(users) for _ in range(n)]
    ids = {}
    for i in picks[:200]:
        j = get("/Users?filter=" + q('userName eq "bench-%d@example.com"' % i))
        ids[i] = j["Resources"][0]["id"]
    kinds = [
        ("userName eq", lambda i: "/Users?filter=" + q('userName eq "bench-%d@example.com"' % i)),
        ("externalId eq", lambda i: "/Users?filter=" + q('externalId eq "ext-%d"' % i)),
        ("emails[work].value eq", lambda i: "/Users?filter=" +
         q('emails[type eq "work"].value eq "bench-%d@example.com"' % i)),
        ("GET /Users/{id}", lambda i: "/Users/" + ids[i]),
    ]
    for name, path in kinds:
        keys = picks if name != "GET /Users/{id}" else [rnd.choice(list(ids)) for _ in range(n)]
        lat = []
        t0 = time.perf_counter()
        for i in keys:
            t1 = time.perf_counter()
            j = get(path(i))
            lat.append((time.perf_counter() - t1) * 1000)
            if "totalResults" in j and j["totalResults"] != 1:
                sys.exit("%s for %d found %d" % (name, i, j["totalResults"]))
        el = time.perf_counter() - t0
        lat.sort()
        print("%s\t%.0f\t%.3f\t%.3f" % (name, n / el, lat[len(lat) // 2],
                                        lat[min(len(lat) - 1, int(0.99 * len(lat)))]))


if __name__ == "__main__":
    main()
