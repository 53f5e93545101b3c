#!/usr/bin/env python3
"""The mass-deprovisioning breaker (issue 15), through lighttpd and the
real worker with Entra's requests: a cycle deactivating 30 % of a tenant
trips it at the limit exactly; the tripping request and every later
deprovisioning one get 503 + Retry-After with nothing applied, while
creates, updates, reactivations and reads go on; the trip is audited
once and shown by `tenant show`, `breaker status`, the activity log and
the cycle; release lets the client's retries through; what is counted
(deletes, group deletes, role losses) and what is not (member removals
that take no role, operator commands); percentages and the default;
two workers deprovisioning at once cannot pass the limit together."""
import json
import threading
import time

from harness import CLI, URN_GROUP, Server, Tap, patchop, user
import subprocess

UA = "Azure-AD-SCIM-Provisioning/e2e"
DEACTIVATE = patchop({"op": "Replace", "path": "active", "value": "False"})
REACTIVATE = patchop({"op": "Replace", "path": "active", "value": "True"})

t = Tap()
s = Server(procs=2)


def run(*args):
    return subprocess.run([CLI, "--db", s.db] + list(args), capture_output=True,
                          text=True, timeout=30)


def req(method, path, body=None, tok=None):
    return s.req(method, path, body, token=tok, headers={"User-Agent": UA})


def status_json(tenant):
    p = run("breaker", tenant, "status", "--json")
    try:
        return json.loads(p.stdout)
    except ValueError:
        return {"error": p.stdout + p.stderr}


def audit(tenant, action):
    p = run("audit", "list", tenant, "--action", action, "--json")
    return [json.loads(l) for l in p.stdout.splitlines()]


def active(tok, uid):
    r = req("GET", "/Users/" + uid, tok=tok)
    return r.json.get("active") if r.status == 200 else r.status


def make_users(tok, prefix, n, **extra):
    ids = []
    for i in range(n):
        r = req("POST", "/Users", user("%s%02d@contoso.com" % (prefix, i), **extra), tok)
        ids.append(r.json.get("id") if r.status == 201 else None)
    return ids


def held(r, name, tenant):
    """A 503 from the breaker: Retry-After, a SCIM error naming the fix."""
    body = r.json if r.body else {}
    t.eq(r.status, 503, name + ": 503")
    t.ok((r.header("Retry-After") or "").isdigit() and int(r.header("Retry-After")) > 0,
         name + ": Retry-After in seconds", r.header("Retry-After"))
    t.eq(body.get("status"), "503", name + ": SCIM error status")
    t.ok("scimType" not in body, name + ": no scimType (not a 400)", body)
    t.ok("scimlet breaker %s release" % tenant in body.get("detail", ""),
         name + ": the detail names the release command", body.get("detail"))


# --- 0. Settings a breaker refuses, changing nothing.
s.tenant("zeta")
for bad in ("breaker=0", "breaker=101%", "breaker=0%", "breaker=ten", "breaker=5 %",
            "breaker-window=30s", "breaker-window=8d", "breaker-window=1x"):
    p = run("tenant", "set", "zeta", bad)
    t.ok(p.returncode == 1 and "scimlet:" in p.stderr, "tenant set %s: refused" % bad,
         p.stdout + p.stderr)
for bad in (["release", "--for", "0s"], ["release", "--for", "31d"], ["release", "x"],
            ["halt"]):
    p = run("breaker", "zeta", *bad)
    t.eq(p.returncode, 2, "breaker zeta %s: a usage error" % " ".join(bad))
t.eq(run("breaker", "nosuch", "status").returncode, 1, "breaker of no tenant: 1")
t.eq(len(audit("zeta", "operator.*")), 2,
     "nothing refused was audited (only the add and the token)")

# --- 1. The default: the larger of 50 and 10 % of the users.
tok = s.tenant("acme")
s.cli("tenant", "set", "acme", "cycle-gap=2s")
s.cli("role", "map", "acme", "Admin", "admin")
st = status_json("acme")
t.eq((st.get("setting"), st.get("state"), st.get("limit"), st.get("window")),
     ("default", "armed", 50, 3600), "default breaker: armed, 50 in 1h")
ids = make_users(tok, "u", 30, roles=[{"value": "Admin"}])
t.ok(all(ids), "30 users created")

# --- 2. breaker=5; a cycle deactivating 30 % (9 users) trips at the 6th.
s.cli("tenant", "set", "acme", "breaker=5")
results = [req("PATCH", "/Users/" + uid, DEACTIVATE, tok) for uid in ids[:9]]
t.eq([r.status for r in results], [200] * 5 + [503] * 4,
     "the first 5 deactivations apply, the 6th and later are held")
held(results[5], "the tripping request", "acme")
held(results[8], "a later deactivation", "acme")
t.eq([active(tok, uid) for uid in ids[:9]], [False] * 5 + [True] * 4,
     "held deactivations left the users active")
trips = audit("acme", "breaker.tripped")
t.eq(len(trips), 1, "the trip is audited once")
if trips:
    d = trips[0].get("detail") or {}
    t.eq((d.get("count"), d.get("limit"), d.get("window")), (5, 5, "1h"),
         "breaker.tripped: count, limit, window")
    t.eq(d.get("request"), results[5].header("X-Request-Id"),
         "breaker.tripped names the request that tripped it")
    t.eq(trips[0].get("request"), results[5].header("X-Request-Id"),
         "the entry's request is the tripping one")

# Nothing else stops.
r = req("POST", "/Users", user("late@contoso.com"), tok)
t.eq(r.status, 201, "tripped: a create goes on")
late = r.json.get("id")
r = req("PATCH", "/Users/" + ids[10], patchop(
    {"op": "Replace", "path": "displayName", "value": "Renamed"}), tok)
t.eq(r.status, 200, "tripped: an update goes on")
r = req("PATCH", "/Users/" + ids[0], REACTIVATE, tok)
t.eq(r.status, 200, "tripped: a reactivation goes on")
t.eq(active(tok, ids[0]), True, "the reactivated user is active")
r = req("GET", "/Users?filter=" + "userName%20eq%20%22u11@contoso.com%22", tok=tok)
t.eq((r.status, r.json.get("totalResults")), (200, 1), "tripped: reads go on")
held(req("DELETE", "/Users/" + ids[12], tok=tok), "tripped: a user delete", "acme")
t.eq(active(tok, ids[12]), True, "the held delete left the user")
r = req("PATCH", "/Users/" + ids[0], DEACTIVATE, tok)
held(r, "tripped: deactivating the reactivated user again", "acme")
# A multi-operation PATCH with a deactivation in it is held whole.
r = req("PATCH", "/Users/" + ids[13], patchop(
    {"op": "Replace", "path": "displayName", "value": "Half"},
    {"op": "Replace", "path": "active", "value": "False"}), tok)
held(r, "a PATCH renaming and deactivating", "acme")
r = req("GET", "/Users/" + ids[13], tok=tok)
t.ok(r.json.get("displayName") != "Half" and r.json.get("active") is True,
     "nothing of the held PATCH applied", r.body[:300])

# Seen by the operator: status, tenant show, the activity log, the cycle.
st = status_json("acme")
t.eq((st.get("state"), st.get("tripped-count"), st.get("tripped-limit"), st.get("request")),
     ("tripped", 5, 5, results[5].header("X-Request-Id")), "breaker status: tripped")
p = run("tenant", "show", "acme")
row = [l for l in p.stdout.splitlines() if l.startswith("breaker\t")]
t.ok(row and row[0].startswith("breaker\ttripped ") and
     results[5].header("X-Request-Id") in row[0], "tenant show: the trip", row)
p = run("tenant", "show", "acme", "--json")
t.eq(json.loads(p.stdout).get("breaker", {}).get("state"), "tripped",
     "tenant show --json: breaker.state")
p = run("activity", "acme", "--status", "503", "--json")
recs = [json.loads(l) for l in p.stdout.splitlines()]
t.eq(len(recs), 7, "the activity log has every held request (4 + delete + 2 PATCH)")
t.ok(all("breaker" in (x.get("detail") or "") for x in recs),
     "each held request's record carries the breaker's detail")
t.eq([x.get("held") for x in recs], [1] * 7,
     "each held request's record says how many actions it held")
p = run("cycle", "acme", "last", "--json")
cyc = json.loads(p.stdout) if p.returncode == 0 else {}
t.eq(cyc.get("held"), 7, "the cycle counts its held requests", p.stdout[:400] + p.stderr)

# --- 3. Release: the client's retries go through, uncounted.
p = run("breaker", "acme", "release", "--for", "10m")
t.eq(p.returncode, 0, "breaker release", p.stderr)
rel = audit("acme", "operator.breaker.released")
t.eq(len(rel), 1, "release is audited")
t.ok(rel and rel[0].get("client") and (rel[0].get("detail") or {}).get("was") == "tripped",
     "the release names the operator and what it released", rel)
retry = [req("PATCH", "/Users/" + uid, DEACTIVATE, tok) for uid in ids[5:9]]
t.eq([r.status for r in retry], [200] * 4, "released: the held deactivations apply on retry")
t.eq(req("DELETE", "/Users/" + ids[12], tok=tok).status, 204, "released: the held delete applies")
t.eq([active(tok, uid) for uid in ids[1:9]], [False] * 8, "all of the cycle's users now inactive")
t.eq(status_json("acme").get("state"), "released", "status: released")

# --- 4. Reset: armed, empty window; what counts and what does not.
p = run("breaker", "acme", "reset")
t.eq(p.returncode, 0, "breaker reset", p.stderr)
t.eq(len(audit("acme", "operator.breaker.reset")), 1, "reset is audited")
st = status_json("acme")
t.eq((st.get("state"), st.get("count")), ("armed", 0), "reset: armed, nothing counted")
s.cli("tenant", "set", "acme", "breaker=3")
# A group with three role-holding members, and one without roles.
s.cli("role", "map-group", "acme", "Admins", "admin")
r = req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "Plain",
                            "members": [{"value": ids[20]}]}, tok)
plain = r.json.get("id")
r = req("PATCH", "/Groups/" + plain, patchop(
    {"op": "Remove", "path": 'members[value eq "%s"]' % ids[20]}), tok)
t.eq(r.status in (200, 204), True, "a member removal that takes no role applies")
t.eq(status_json("acme").get("count"), 0, "... and is not counted")
# Users 21-23 hold "admin" only through the group Admins (no roles attribute).
plain_ids = make_users(tok, "p", 3)
r = req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "Admins",
                            "members": [{"value": x} for x in plain_ids]}, tok)
admins = r.json.get("id")
t.eq(status_json("acme").get("count"), 0, "granting roles is not counted")
r = req("DELETE", "/Groups/" + admins, tok=tok)
held(r, "a group delete taking roles from 3 users (1 + 3 > 3)", "acme")
t.eq(req("GET", "/Groups/" + admins, tok=tok).status, 200, "the held group delete left the group")
# Operator commands are never held: unmapping takes the role from all three.
p = run("role", "unmap-group", "acme", "Admins")
t.eq(p.returncode, 0, "tripped: an operator command that takes roles still runs", p.stderr)
s.cli("breaker", "acme", "reset")
r = req("DELETE", "/Groups/" + admins, tok=tok)
t.eq(r.status, 204, "after reset, the group delete (no roles to lose now) applies")
t.eq(status_json("acme").get("count"), 1, "the group delete counted once")

# --- 5. A percentage: 10 % of 34 users is 3.
s.cli("breaker", "acme", "reset")
s.cli("tenant", "set", "acme", "breaker=10%")
st = status_json("acme")
t.eq((st.get("setting"), st.get("limit")), ("10%", 3), "breaker=10%: 3 of 34 users", st)
rs = [req("PATCH", "/Users/" + uid, DEACTIVATE, tok) for uid in ids[24:28]]
t.eq([r.status for r in rs], [200, 200, 200, 503], "10 %: the 4th deactivation is held")

# --- 6. breaker=off: nothing is held.
s.cli("tenant", "set", "acme", "breaker=off")
rs = [req("DELETE", "/Users/" + uid, tok=tok) for uid in ids[24:30]]
t.eq([r.status for r in rs], [204] * 6, "breaker=off: deletes apply though it is tripped")
t.eq(status_json("acme").get("state"), "off", "status: off")

# --- 7. Two workers at once: exactly the limit passes.
tok2 = s.tenant("beta")
s.cli("tenant", "set", "beta", "breaker=10")
bids = make_users(tok2, "b", 40)
out = {}


def deprovision(part):
    out[part] = [req("PATCH", "/Users/" + uid, DEACTIVATE, tok2).status
                 for uid in bids[part::2]]


threads = [threading.Thread(target=deprovision, args=(k,)) for k in (0, 1)]
for th in threads:
    th.start()
for th in threads:
    th.join()
codes = out.get(0, []) + out.get(1, [])
t.eq((codes.count(200), codes.count(503), len(codes)), (10, 30, 40),
     "two concurrent clients: exactly 10 deactivations pass, 30 held")
t.eq(sum(1 for uid in bids if active(tok2, uid) is False), 10,
     "exactly 10 users inactive")
t.eq(len(audit("beta", "breaker.tripped")), 1, "one trip audited for both clients")
t.eq(len(audit("beta", "user.deactivated")), 10, "10 deactivations audited")
# The other tenant's breaker is its own.
t.eq(status_json("acme").get("state"), "off", "tenants are isolated")

# --- 8. A released cycle undone: the repetition trips at once.
tok3 = s.tenant("gamma")
s.cli("tenant", "set", "gamma", "breaker=5")
s.cli("tenant", "set", "gamma", "cycle-gap=2s")
gids = make_users(tok3, "g", 12)
time.sleep(2.5)
s.cli("breaker", "gamma", "release", "--for", "1h")
rs = [req("PATCH", "/Users/" + uid, DEACTIVATE, tok3) for uid in gids[:8]]
t.eq([r.status for r in rs], [200] * 8, "released: a cycle deactivates 8")
t.eq(status_json("gamma").get("count"), 0, "released: not counted")
time.sleep(2.5)
p = run("restore", "gamma", "--cycle", "last")
t.eq(p.returncode, 0, "restore --cycle last", p.stderr)
t.ok("breaker: armed, the cycle's 8 deprovisioning actions counted" in p.stdout,
     "restore --cycle says the breaker is armed again", p.stdout[-400:])
st = status_json("gamma")
t.eq((st.get("state"), st.get("count")), ("armed", 8),
     "after the undo: armed, the cycle's 8 actions counted")
t.eq([active(tok3, uid) for uid in gids[:8]], [True] * 8, "the 8 users are back")
r = req("PATCH", "/Users/" + gids[0], DEACTIVATE, tok3)
held(r, "the identity provider repeating the cycle", "gamma")
t.eq(active(tok3, gids[0]), True, "the repeated deactivation is held")

t.ok("breaker tripped by request" in s.logs(), "the worker logs the trip")
t.done()
