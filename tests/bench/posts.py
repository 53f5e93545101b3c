#!/usr/bin/env python3
"""Create users as fast as a few clients can, for scripts/bench.

posts.py BASE TOKEN CONNECTIONS REQUESTS

CONNECTIONS threads, each with its own keep-alive connection, POST
REQUESTS new users in all (unique userNames); every answer must be 201.
Prints the creates per second.  Each create is a durable commit, so the
worker's fsync, not this client, sets the pace.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse
import uuid


def main():
    base, token = sys.argv[1], sys.argv[2]
    conns, n = int(sys.argv[3]), int(sys.argv[4])
    u = urllib.parse.urlsplit(base)
    hdr = {"Authorization": "Bearer " + token,
           "Content-Type": "application/scim+json"}
    failed = []

    def run(count):
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        for _ in range(count):
            body = json.dumps({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": "post-%s@example.com" % uuid.uuid4().hex,
                "active": True})
            c.request("POST", u.path + "/Users", body, hdr)
            r = c.getresponse()
            r.read()
            if r.status != 201:
                failed.append(r.status)
                return
        c.close()

    threads = [threading.Thread(target=run, args=(n // conns,))
               for _ in range(conns)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.perf_counter() - t0
    if failed:
        sys.exit("POST /Users: %d" % failed[0])
    print("%.0f" % ((n // conns) * conns / dt))


main()
