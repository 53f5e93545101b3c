#!/usr/bin/env python3
"""`scimlet tenant show` and `scimlet tenant remove` (issue 13): show's
fields and counts; remove refuses without --yes, and with it takes every
key of the tenant and nothing of another tenant's."""
import json
import re
import subprocess

from harness import Server, Tap, URN_GROUP, user

t = Tap()
s = Server()

# What a python3-lmdb scan finds of a tenant: keys under its 4-byte
# prefix per db, its tokens, its audit anchor, its record.
SCAN = r"""
import json, struct, sys
import lmdb
db, name, tid = sys.argv[1], sys.argv[2], int(sys.argv[3])
env = lmdb.open(db, max_dbs=16, subdir=True, readonly=True, lock=False)
p = struct.pack(">I", tid)
out = {}
with env.begin() as txn:
    for d in ("resources", "index", "members", "memberof", "roles", "audit"):
        n = 0
        for k, _ in txn.cursor(db=env.open_db(d.encode(), txn=txn, create=False,
                                            dupsort=(d == "index"))):
            n += k[:4] == p
        out[d] = n
    out["tokens"] = sum(json.loads(v).get("tenant") == name
                        for _, v in txn.cursor(db=env.open_db(b"tokens", txn=txn,
                                                              create=False)))
    meta = env.open_db(b"meta", txn=txn, create=False)
    out["anchor"] = txn.get(b"anchor:" + p, db=meta) is not None
    out["tenant"] = txn.get(name.encode(),
                            db=env.open_db(b"tenants", txn=txn, create=False)) is not None
print(json.dumps(out))
"""


def scan(name, tid):
    p = subprocess.run(["/usr/bin/python3", "-c", SCAN, s.db, name, str(tid)],
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return json.loads(p.stdout)


def populate(name, nusers):
    tok = s.tenant(name)
    uids = []
    for i in range(nusers):
        r = s.req("POST", "/Users", user("u%d@%s.example" % (i, name),
                                         externalId="x%d" % i), token=tok)
        uids.append(r.json["id"])
    r = s.req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "eng",
                                  "members": [{"value": u} for u in uids]}, token=tok)
    gid = r.json["id"]
    s.req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "ops",
                              "members": [{"value": gid}]}, token=tok)
    return tok, uids


acme, acme_users = populate("acme", 3)
beta, beta_users = populate("beta", 2)
# An audit anchor: prune acme's entries so far; the rest come after.
s.cli("audit", "prune", "acme", "--before", "2100-01-01T00:00:00Z")
s.req("POST", "/Users", user("late@acme.example"), token=acme)
s.cli("schema", "add", "acme", "roleName", "string")
s.cli("role", "source", "acme", "roleName")
s.cli("role", "map", "acme", "Admin", "admin")
s.cli("role", "map-group", "acme", "eng", "engineer")
s.cli("role", "default", "acme", "member")
s.cli("role", "unknown", "acme", "reject")
s.cli("role", "map", "beta", "Admin", "admin")
s.cli("tenant", "set", "acme", "patch-response=no-content")
s.cli("tenant", "set", "acme", "max-results=50")
s.cli("tenant", "set", "acme", "unknown-members=skip")
acme2 = s.token("acme")


def token_ids(name):
    return {line.split("\t")[0] for line in s.cli("token", "list", name).stdout.splitlines()}


ids = token_ids("acme")
s.token("acme")
s.cli("token", "revoke", (token_ids("acme") - ids).pop())
acme_audit = len(s.cli("audit", "export", "acme").stdout.splitlines())
t.ok(acme_audit >= 10, "acme has audit entries", acme_audit)

# show: text, exact fields.
r = s.cli("tenant", "show", "acme")
rows = [line.split("\t") for line in r.stdout.splitlines()]
t.ok(all(len(x) == 2 for x in rows), "show: key<TAB>value lines", r.stdout)
got = dict(x for x in rows if len(x) == 2)
t.eq([x[0] for x in rows],
     ["name", "created", "mode", "patch-response", "unknown-members", "max-results",
      "role-source", "role-default", "role-unknown", "attributes", "users",
      "groups", "tokens-active", "tokens-revoked", "audit-entries",
      "activity", "activity-days", "activity-max", "cycle-gap", "breaker",
      "max-users", "max-groups", "rate",
      "bulk-max-operations", "bulk-max-payload", "last-cycle"],
     "show: the keys, in order")
t.ok(re.fullmatch(r"armed \d+ of 50 in 3600s \(setting default\)", got.get("breaker", ""))
     is not None, "show: the breaker's default", got.get("breaker"))
t.eq([got.get(k) for k in ("activity", "activity-days", "activity-max", "cycle-gap")],
     ["on", "30", "200000", "600s"], "show: the activity settings' defaults")
t.ok(re.fullmatch(r"[0-9a-f]{16} \S+Z \S+Z requests=\d+ failures=\d+ outstanding=\d+( running)?",
                  got.get("last-cycle", "")) is not None,
     "show: the last cycle: id, start, end, counts", got.get("last-cycle"))
t.ok(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", got.get("created", "")),
     "show: created is a time", got.get("created"))
want = {"name": "acme", "patch-response": "no-content", "unknown-members": "skip",
        "max-results": "50", "role-source": "roleName", "role-default": "member",
        "role-unknown": "reject", "attributes": "1", "users": "4", "groups": "2",
        "tokens-active": "2", "tokens-revoked": "1", "audit-entries": str(acme_audit)}
t.eq({k: got.get(k) for k in want}, want, "show: settings and counts")
r = s.cli("tenant", "show", "beta")
got = dict(line.split("\t") for line in r.stdout.splitlines())
t.eq({k: got.get(k) for k in ("patch-response", "unknown-members", "max-results",
                                "role-source", "role-default", "role-unknown",
                                "attributes", "users", "groups", "tokens-active",
                                "tokens-revoked")},
     {"patch-response": "resource", "unknown-members": "reject", "max-results": "1000",
      "role-source": "roles", "role-default": "-", "role-unknown": "default",
      "attributes": "0", "users": "2", "groups": "2", "tokens-active": "1",
      "tokens-revoked": "0"}, "show: the defaults")

# show --json: one object, the same keys.
r = s.cli("tenant", "show", "--json", "acme")
try:
    doc = json.loads(r.stdout)
except ValueError:
    doc = {}
t.eq(len(r.stdout.splitlines()), 1, "show --json: one line")
t.eq({k: doc.get(k) for k in want},
     {k: (int(v) if v.isdigit() else v) for k, v in want.items()},
     "show --json: the same values, numbers as numbers")
r = s.cli("tenant", "show", "beta", "--json")
t.ok(json.loads(r.stdout).get("role-default", 0) is None, "show --json: no default is null")
r = s.cli("tenant", "show", "nosuch", check=False)
t.eq(r.returncode, 1, "show: an unknown tenant fails")
r = s.cli("tenant", "show", check=False)
t.eq(r.returncode, 2, "show: no tenant is a usage error")

# remove without --yes: exit 2, says what would go, changes nothing.
before = scan("acme", 1)
t.eq(before["tenant"] and before["anchor"], True, "acme has a record and an anchor", before)
t.ok(all(before[d] > 0 for d in ("resources", "index", "members", "memberof", "roles",
                                 "audit")), "acme has keys in every db", before)
t.eq(before["tokens"], 3, "acme has 3 tokens")
r = s.cli("tenant", "remove", "acme", check=False)
t.eq(r.returncode, 2, "remove without --yes: exit 2")
t.ok("4 users" in r.stderr and "2 groups" in r.stderr and "3 tokens" in r.stderr and
     "%d audit entries" % acme_audit in r.stderr and "--yes" in r.stderr,
     "remove without --yes: says what would be deleted", r.stderr)
t.eq(scan("acme", 1), before, "remove without --yes: nothing changed")
t.eq(s.req("GET", "/Users/" + acme_users[0], token=acme).status, 200,
     "remove without --yes: the tenant still serves")
r = s.cli("tenant", "remove", "acme", "--force", check=False)
t.eq(r.returncode, 2, "remove: an unknown flag is a usage error")

beta_before = scan("beta", 2)
r = s.cli("tenant", "remove", "acme", "--yes", check=False)
t.eq(r.returncode, 0, "remove --yes", r.stderr)
t.ok("removed tenant acme" in r.stderr, "remove --yes: told on stderr", r.stderr)
after = scan("acme", 1)
t.eq(after, {"resources": 0, "index": 0, "members": 0, "memberof": 0, "roles": 0,
             "audit": 0, "tokens": 0, "anchor": False, "tenant": False},
     "no key of acme is left in any db")
t.eq(scan("beta", 2), beta_before, "beta's keys are untouched")
for tok in (acme, acme2):
    t.eq(s.req("GET", "/Users", token=tok).status, 401,
         "the removed tenant's token gets 401")
t.eq(s.cli("tenant", "list").stdout.splitlines(), ["beta"], "tenant list: acme is gone")
r = s.req("GET", "/Users/" + beta_users[0], token=beta)
t.eq(r.status, 200, "beta's user is still served")
t.eq(s.req("GET", "/Users", token=beta).json.get("totalResults"), 2, "beta has its users")
t.eq(s.cli("audit", "verify", "beta", check=False).returncode, 0, "beta's audit verifies")
t.eq(s.cli("token", "list", "beta").stdout.count("\n"), 1, "beta's token is listed")
r = s.cli("tenant", "remove", "acme", "--yes", check=False)
t.eq(r.returncode, 1, "remove: a second time fails (no tenant)")
# The name can be taken again, from nothing.
s.cli("tenant", "add", "acme")
got = dict(line.split("\t") for line in s.cli("tenant", "show", "acme").stdout.splitlines())
t.eq((got["users"], got["tokens-active"], got["patch-response"]), ("0", "0", "resource"),
     "a new acme starts empty")

s.stop()
t.done()
