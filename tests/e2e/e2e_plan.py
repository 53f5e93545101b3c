#!/usr/bin/env python3
"""A tenant's plan limits (issue: per-tenant limits): max-users and
max-groups refuse a create past them with 403 and a detail that says the
limit and how to raise it, deletes free room at once, deactivation is
never refused, two clients racing on two workers reach exactly the limit;
rate=N/s|N/m answers 429 with Retry-After past the rate, counted across
both workers and two client processes, other tenants untouched; bad
settings refused; tenant show shows each limit's use."""
import json
import multiprocessing
import time

from harness import URN_ERROR, URN_GROUP, Server, Tap, patchop, user

t = Tap()
s = Server(procs=2)
tok = s.tenant("acme")
URN_PATCHOP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def cli(*args):
    return s.cli(*args, check=False)


# --- settings
for bad in ("max-users=0", "max-users=abc", "max-users=100000001", "max-groups=-1",
            "rate=5/h", "rate=0/s", "rate=5", "rate=/s", "rate=1000001/s"):
    p = cli("tenant", "set", "acme", bad)
    t.ok(p.returncode == 1 and p.stdout == "" and "takes" in p.stderr,
         "refused: " + bad, (p.returncode, p.stdout, p.stderr))
p = cli("tenant", "show", "acme")
t.ok("max-users\t-\n" in p.stdout and "rate\t-\n" in p.stdout,
     "no limits by default", p.stdout)

# --- seats
cli("tenant", "set", "acme", "max-users=3")
ids = []
for i in range(3):
    r = s.req("POST", "/Users", user("u%d@example.com" % i), token=tok)
    t.eq(r.status, 201, "create %d of 3" % (i + 1), r.text[:200])
    ids.append((r.json or {}).get("id"))
r = s.req("POST", "/Users", user("u3@example.com"), token=tok)
t.eq(r.status, 403, "the 4th create: 403")
body = r.json or {}
t.ok(body.get("schemas") == [URN_ERROR] and body.get("status") == "403" and
     "scimType" not in body, "a SCIM error, no scimType", r.text)
d = body.get("detail", "")
t.ok("limit reached" in d and "holds 3 users" in d and "may hold 3" in d and
     "max-users" in d, "the detail says the limit and how to raise it", d)
t.eq(s.req("GET", '/Users?filter=userName+eq+"u3@example.com"', token=tok).json
     .get("totalResults"), 0, "and nothing was stored")
r = s.req("PATCH", "/Users/" + ids[0], patchop(
    {"op": "Replace", "path": "active", "value": "False"}), token=tok)
t.ok(r.status in (200, 204), "deactivation at the limit: never refused", r.text[:200])
p = cli("tenant", "show", "acme")
t.ok("max-users\t3 (3 in use)\n" in p.stdout, "tenant show: 3 of 3 in use", p.stdout)
t.eq(s.req("DELETE", "/Users/" + ids[1], token=tok).status, 204, "delete one")
r = s.req("POST", "/Users", user("u3@example.com"), token=tok)
t.eq(r.status, 201, "a delete frees room at once", r.text[:200])
cli("tenant", "set", "acme", "max-users=off")
t.eq(s.req("POST", "/Users", user("u4@example.com"), token=tok).status, 201,
     "max-users=off: no limit")

cli("tenant", "set", "acme", "max-groups=1")
g = {"schemas": [URN_GROUP], "displayName": "One"}
t.eq(s.req("POST", "/Groups", g, token=tok).status, 201, "the first group")
r = s.req("POST", "/Groups", dict(g, displayName="Two"), token=tok)
t.ok(r.status == 403 and "holds 1 groups" in (r.json or {}).get("detail", "") and
     "max-groups" in (r.json or {}).get("detail", ""), "the second group: 403",
     r.text)
t.eq(s.req("POST", "/Users", user("u5@example.com"), token=tok).status, 201,
     "a group limit leaves users alone")
p = cli("tenant", "show", "acme", "--json")
shown = json.loads(p.stdout)
t.eq((shown.get("max-users"), shown.get("max-groups")),
     (None, {"limit": 1, "in-use": 1}), "tenant show --json: the limits and their use")


# --- two clients race for the last seats, on two workers
def creates(args):
    port, token, prefix, n = args
    import http.client
    out = []
    for i in range(n):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request("POST", "/scim/v2/Users", json.dumps(user("%s%d@example.com" % (prefix, i))),
                  {"Authorization": "Bearer " + token,
                   "Content-Type": "application/scim+json"})
        r = c.getresponse()
        r.read()
        out.append(r.status)
        c.close()
    return out


race = s.tenant("race")
cli("tenant", "set", "race", "max-users=10")
with multiprocessing.Pool(2) as pool:
    got = pool.map(creates, [(s.port, race, "a", 15), (s.port, race, "b", 15)])
statuses = got[0] + got[1]
t.eq((statuses.count(201), statuses.count(403), len(statuses)), (10, 20, 30),
     "30 creates racing for 10 seats: exactly 10 stored, 20 refused", statuses)
t.eq(s.req("GET", "/Users?count=0", token=race).json.get("totalResults"), 10,
     "the tenant holds exactly 10 users")


# --- the rate, across two workers and two client processes
def reads(args):
    port, token, n = args
    import http.client
    out = []
    for _ in range(n):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request("GET", "/scim/v2/Users?count=1", headers={"Authorization": "Bearer " + token})
        r = c.getresponse()
        b = r.read()
        out.append((r.status, r.getheader("Retry-After"), b.decode()))
        c.close()
    return out


fast = s.tenant("fast")
calm = s.tenant("calm")
cli("tenant", "set", "fast", "rate=5/s")
t0 = time.monotonic()
with multiprocessing.Pool(2) as pool:
    got = pool.map(reads, [(s.port, fast, 40), (s.port, fast, 40)])
elapsed = time.monotonic() - t0
res = got[0] + got[1]
ok = [x for x in res if x[0] == 200]
lim = [x for x in res if x[0] == 429]
t.eq(len(ok) + len(lim), 80, "every answer 200 or 429", sorted(set(x[0] for x in res)))
t.ok(len(lim) > 0, "over the rate: 429s", len(lim))
# A bucket of 5 that refills 5 a second: never more than 5 + 5 a second.
t.ok(len(ok) <= 5 + 5 * elapsed + 2,
     "at most the rate passed, counted across both workers",
     (len(ok), elapsed))
t.ok(all(x[1] is not None and 1 <= int(x[1]) <= 1 for x in lim),
     "each 429 has Retry-After: 1", set(x[1] for x in lim))
e = json.loads(lim[0][2]) if lim else {}
t.ok(e.get("schemas") == [URN_ERROR] and e.get("status") == "429" and
     "5 requests a second" in e.get("detail", ""), "a SCIM error saying the rate", e)
r = s.req("GET", "/Users?count=1", token=calm)
t.eq(r.status, 200, "another tenant is not limited")
t.ok(all(s.req("GET", "/Users?count=1", token=calm).status == 200 for _ in range(20)),
     "20 more of its requests pass")
p = cli("activity", "fast", "--status", "429", "--json")
t.eq(len([l for l in p.stdout.splitlines() if l.strip()]), len(lim),
     "each 429 is in the tenant's activity log", p.stdout[-300:])
time.sleep(1.2)
t.eq(s.req("GET", "/Users?count=1", token=fast).status, 200, "a second later: passes again")
p = cli("tenant", "show", "fast")
t.ok("\nrate\t5/s (" in p.stdout and " of 5 in use)\n" in p.stdout, "tenant show: the rate and its use",
     p.stdout)

cli("tenant", "set", "calm", "rate=3/m")
st = [s.req("GET", "/Users?count=1", token=calm) for _ in range(4)]
t.eq([r.status for r in st], [200, 200, 200, 429], "3 a minute: the 4th waits")
t.ok(1 <= int(st[3].header("Retry-After") or 0) <= 20,
     "Retry-After: the seconds until one more may pass", st[3].header("Retry-After"))
cli("tenant", "set", "calm", "rate=off")
t.eq(s.req("GET", "/Users?count=1", token=calm).status, 200, "rate=off: passes")

# A Bulk counts as its operations, at most the whole allowance.
def bulk(n, prefix):
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
            "Operations": [{"method": "POST", "path": "/Users", "bulkId": "b%d" % i,
                            "data": user("%s%d@example.com" % (prefix, i))}
                           for i in range(n)]}


for name, n, what in (("bulk5", 5, "a Bulk of 5 operations"),
                      ("bulk20", 20, "a Bulk of 20, counted as the allowance of 5")):
    tk = s.tenant(name)
    cli("tenant", "set", name, "rate=5/m")
    r = s.req("POST", "/Bulk", bulk(n, name), token=tk)
    t.eq(r.status, 200, what + ": passes", r.text[:200])
    r = s.req("GET", "/Users?count=1", token=tk)
    t.eq(r.status, 429, what + ": spends the allowance", r.text[:200])
tk = s.tenant("bulk4")
cli("tenant", "set", "bulk4", "rate=5/m")
t.eq(s.req("GET", "/Users?count=1", token=tk).status, 200, "one request")
r = s.req("POST", "/Bulk", bulk(5, "bulk4"), token=tk)
t.eq(r.status, 429, "then a Bulk of 5 is over the rate, whole", r.text[:200])
t.eq(json.loads(cli("tenant", "show", "bulk4", "--json").stdout)["users"], 0,
     "and nothing of it was applied")
# The refused Bulk counted as one request (its own, not its operations).
r = s.req("POST", "/Bulk", bulk(3, "bulk4"), token=tk)
t.eq(r.status, 200, "a Bulk of 3 fits what is left", r.text[:200])
t.eq(s.req("GET", "/Users?count=1", token=tk).status, 429, "and then nothing more")
s.stop()
t.done()
