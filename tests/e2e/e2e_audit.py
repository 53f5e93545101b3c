#!/usr/bin/env python3
"""Deprovisioning audit (issue 6): entries written with each change, the
hash chain and its verification against tampering, the change feed, and
restore of everything deprovisioning removed."""
import json
import os
import subprocess
import time

from harness import CLI, HERE, Server, Tap, patchop

t = Tap()
s = Server()
tok = s.tenant("acme")


def audit(*extra, operator=False):
    """The tenant's audit entries (by default without operator.* ones)."""
    out = s.cli("audit", "export", "acme", *extra).stdout
    return [e for e in (json.loads(l) for l in out.splitlines())
            if operator or not e["action"].startswith("operator.")]


def export():
    """Everything a client can read: users and groups, members included."""
    users = s.req("GET", "/Users?count=1000", token=tok).json["Resources"]
    users += s.req("GET", "/Users?count=1000&startIndex=1001", token=tok).json["Resources"]
    groups = s.req("GET", "/Groups?count=1000", token=tok).json["Resources"]
    return json.dumps(users, sort_keys=True) + json.dumps(groups, sort_keys=True)


u = s.req("POST", "/Users", {"userName": "ada@x", "emails": [{"value": "ada@x"}]},
          token=tok, headers={"User-Agent": "Okta SCIM Client 1.0.0"})
uid = u.json["id"]
rid = u.header("X-Request-Id")
t.ok(rid and len(rid) == 16, "responses carry X-Request-Id", u.headers)
g = s.req("POST", "/Groups", {"displayName": "Eng", "members": [{"value": uid}]},
          token=tok).json["id"]
t.eq(audit(), [], "creating is not deprovisioning: no audit entry")
t.eq([x["action"] for x in audit(operator=True)], ["operator.tenant.added",
     "operator.token.issued"], "operator actions are audited, tenant creation first")

r = s.req("PATCH", "/Users/" + uid, patchop({"op": "Replace", "path": "active",
                                             "value": "False"}),
          token=tok, headers={"User-Agent": "Entra"})
e = audit()
t.eq([x["action"] for x in e], ["user.deactivated"], "deactivation is audited")
x = e[0]
t.eq((x["seq"], x["tenant"], x["type"], x["id"], x["name"], x["agent"], x["request"]),
     (3, "acme", "User", uid, "ada@x", "Entra", r.header("X-Request-Id")),
     "entry: seq, tenant, resource, name, User-Agent, request id")
t.eq(x["before"]["active"], True, "the before-image is the record as it was")
t.ok(len(x["token"]) == 16 and x["client"] == "127.0.0.1", "token id and client", x)
s.req("PATCH", "/Users/" + uid, patchop({"op": "replace", "value": {"active": True}}),
      token=tok)
s.req("PATCH", "/Groups/" + g, patchop({"op": "remove", "path": 'members[value eq "%s"]'
                                         % uid}), token=tok)
s.req("PATCH", "/Groups/" + g, patchop(
    {"op": "add", "path": "members", "value": [{"value": uid}]},
    {"op": "replace", "path": "members", "value": [{"value": uid}]}), token=tok)
e = audit()
t.eq([x["action"] for x in e], ["user.deactivated", "user.reactivated", "member.removed"],
     "reactivation and one member removal; a replace that keeps him is none")
t.eq(e[2]["before"]["member"]["value"], uid, "the removed member")
t.eq(e[1]["prev"], e[0]["hash"], "entries are chained")
t.eq(e[0]["prev"], audit(operator=True)[1]["hash"], "including operator entries")

# Restore a single entry: the member removal.
s.req("PATCH", "/Groups/" + g, patchop({"op": "remove", "path": "members"}), token=tok)
seq = audit()[-1]["seq"]
out = s.cli("restore", "acme", str(seq), "--dry-run").stdout
t.ok("re-added" in out and "dry run" in out, "restore --dry-run says what", out)
t.eq(s.req("GET", "/Groups/" + g, token=tok).json["members"], [], "and changes nothing")
s.cli("restore", "acme", str(seq))
t.eq([m["value"] for m in s.req("GET", "/Groups/" + g, token=tok).json["members"]], [uid],
     "restore re-adds the member")
t.eq(audit()[-1]["action"], "member.restored", "the restore is audited")

# Changes feed.
lines = s.cli("changes", "--tenant", "acme", "--since", "1").stdout.splitlines()
ops = [json.loads(l)["op"] for l in lines]
t.ok(ops[:2] == ["create", "create"] and "deactivate" in ops and "members" in ops
     and "restore" in ops or "members" in ops, "the change feed records every change", ops)
first = json.loads(lines[0])
t.eq(sorted(first), ["active", "appRoles", "externalId", "groups", "id", "op", "seq",
                     "tenant", "time", "type", "userName"],
     "change record fields: a user's with its state")
follow = subprocess.Popen([CLI, "--db", s.db, "changes", "--since", "1", "--follow"],
                          stdout=subprocess.PIPE, text=True)
time.sleep(0.5)
s.req("POST", "/Users", {"userName": "late@x"}, token=tok)
time.sleep(1.5)
follow.terminate()
got = follow.communicate(timeout=5)[0].splitlines()
t.ok(any('"late' in l or json.loads(l)["op"] == "create" for l in got[len(lines):]),
     "changes --follow streams new records", got[-3:])

# The big one: delete 1000 users and 50 groups with real memberships,
# restore them all, compare exports byte for byte.
# A mass deprovisioning on purpose: the breaker (tests/e2e/e2e_breaker.py)
# would hold it.
s.cli("tenant", "set", "acme", "breaker=off")
ids = []
for i in range(1000):
    ids.append(s.req("POST", "/Users", {"userName": "bulk%04d@x" % i,
                                        "name": {"givenName": "G%d" % i}},
                     token=tok).json["id"])
gids = []
for k in range(50):
    gid = s.req("POST", "/Groups", {"displayName": "team%02d" % k}, token=tok).json["id"]
    members = [{"value": ids[j], "display": "m%d" % j} for j in range(k * 20, k * 20 + 30)
               if j < 1000]
    s.req("PATCH", "/Groups/" + gid, patchop({"op": "add", "path": "members",
                                               "value": members}), token=tok)
    gids.append(gid)
s.req("PATCH", "/Groups/" + gids[1], patchop({"op": "add", "path": "members",
                                               "value": [{"value": gids[0]}]}), token=tok)
before = export()
since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 1)) + "Z"
time.sleep(1.1)
for x in ids:
    s.req("DELETE", "/Users/" + x, token=tok)
for x in gids:
    s.req("DELETE", "/Groups/" + x, token=tok)
t.eq(s.req("GET", "/Users?count=0&filter=userName+sw+%22bulk%22", token=tok).json[
     "totalResults"], 0, "1000 users deleted")
out = s.cli("restore", "acme", "--since", since)
t.ok("1050 entries restored" in out.stdout, "restore --since restores 1050 entries",
     out.stdout[-300:])
t.eq(export(), before, "the export after restore equals the one before, byte for byte")

# A restore refuses when the name is taken, and changes nothing.
victim = s.req("POST", "/Users", {"userName": "taken@x"}, token=tok).json["id"]
s.req("DELETE", "/Users/" + victim, token=tok)
seq = audit()[-1]["seq"]
s.req("POST", "/Users", {"userName": "TAKEN@x"}, token=tok)
r = s.cli("restore", "acme", str(seq), check=False)
t.ok(r.returncode == 1 and "taken" in r.stderr, "restore refuses a taken userName", r.stderr)
t.error(s.req("GET", "/Users/" + victim, token=tok), 404, None, "and restores nothing")

# Verify, then tamper with the database directly.
r = s.cli("audit", "verify", "acme", check=False)
t.eq((r.returncode, r.stdout.strip()), (0, "the chain holds"), "audit verify: intact")
lst = s.cli("audit", "list", "acme", "--action", "user.deleted", "--limit", "2").stdout
t.eq(len(lst.splitlines()), 2, "audit list filters and limits")
# Retention: prune old entries; the chain stays verifiable from the anchor.
n_before = len(audit(operator=True))
cut = audit(operator=True)[9]["time"]
time.sleep(0.01)
r = s.cli("audit", "prune", "acme", "--before", cut)
t.ok("pruned" in r.stdout, "audit prune", r.stdout)
left = audit(operator=True)
t.ok(len(left) < n_before and left[0]["seq"] > 1, "old entries are gone",
     (n_before, len(left), left[0]["seq"]))
t.eq(s.cli("audit", "verify", "acme", check=False).returncode, 0,
     "verify holds after pruning (from the anchor)")
s.req("DELETE", "/Groups/" + g, token=tok)
t.eq(audit()[-1]["action"], "group.deleted", "entries go on after pruning")
t.eq(s.cli("audit", "verify", "acme", check=False).returncode, 0, "and chain on")
s.stop_lighttpd()
EDIT = ["/usr/bin/python3", os.path.join(HERE, "lmdb_edit.py"), s.db, "1"]
seqs = [x["seq"] for x in audit(operator=True)]
victim, gone = str(seqs[len(seqs) // 2]), str(seqs[len(seqs) // 3])
subprocess.run(EDIT + [victim, "replace", '"tenant":"acme"', '"tenant":"acmf"'],
               check=True)
r = s.cli("audit", "verify", "acme", check=False)
t.ok(r.returncode == 1 and ("entry %s:" % victim) in r.stderr and "altered" in r.stderr,
     "an edited entry is found", r.stderr)
subprocess.run(EDIT + [victim, "replace", '"tenant":"acmf"', '"tenant":"acme"'],
               check=True)
t.eq(s.cli("audit", "verify", "acme", check=False).returncode, 0, "undone: holds again")
a, b = str(seqs[-2]), str(seqs[-1])
subprocess.run(EDIT + [a, "swap", b], check=True)
r = s.cli("audit", "verify", "acme", check=False)
t.ok(r.returncode == 1 and ("entry %s:" % a) in r.stderr, "reordered entries are found",
     r.stderr)
subprocess.run(EDIT + [a, "swap", b], check=True)
t.eq(s.cli("audit", "verify", "acme", check=False).returncode, 0, "swapped back: holds")
subprocess.run(EDIT + [gone, "delete"], check=True)
r = s.cli("audit", "verify", "acme", check=False)
t.ok(r.returncode == 1 and ("entry %s:" % gone) in r.stderr, "a removed entry is found",
     r.stderr)
s.stop()
t.done()
