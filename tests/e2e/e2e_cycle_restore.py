#!/usr/bin/env python3
"""Undo of a whole sync cycle (issue 15), through lighttpd and the real
worker with Entra's dialect (doc/clients.md §3): a tenant of 20 users and
3 groups whose members hold application roles through the role mapping;
a bad cycle deactivates 30 % of the users, deletes 2 users and a group,
and removes members from another group; `scimlet restore T --cycle last
--dry-run` lists every action and changes nothing; `restore --cycle last`
brings back every user and group as it was (every attribute, every
membership, every role; meta.version and meta.lastModified of what was
changed in place are new, those of a deleted resource put back are the
same).  Then: a name taken since refuses and changes nothing; a cycle
undone by id leaves a later cycle's actions alone; an unknown id, a cycle
with nothing to undo, and usage errors."""
import json
import subprocess
import time

from harness import CLI, URN_ENT, URN_GROUP, URN_PATCH, URN_USER, Server, Tap

UA = "Azure-AD-SCIM-Provisioning/e2e"
EXT = "urn:scimlet:schemas:extension:2.0:User"
GAP = 3         # the tenant's cycle gap, seconds

t = Tap()
s = Server()
s.cli("tenant", "add", "acme")
s.cli("tenant", "set", "acme", "cycle-gap=%ds" % GAP)
# The mass-deprovisioning breaker must not hold this test's
# bad cycle back: what is tested here is its undo.
s.cli("tenant", "set", "acme", "breaker=off")
s.cli("role", "map", "acme", "Admin", "admin")
s.cli("role", "map-group", "acme", "Eng", "engineer")
s.cli("role", "map-group", "acme", "Sales", "seller")
s.cli("role", "map-group", "acme", "Ops", "operator")
entra = s.cli("token", "issue", "acme", "--label", "entra").stdout.strip()
other = s.cli("token", "issue", "acme", "--label", "other").stdout.strip()
# The test's own reads: a token of their own, so that they are no part of
# Entra's cycles (and, reads only, never the cycle "last" means).
reader = s.cli("token", "issue", "acme", "--label", "reader", "--scope",
               "read").stdout.strip()


def run(*args):
    return subprocess.run([CLI, "--db", s.db] + list(args), capture_output=True,
                          text=True, timeout=60)


def req(method, path, body=None, tok=None, want=None):
    r = s.req(method, path, body, token=tok or entra, headers={"User-Agent": UA})
    if want is not None and r.status != want:
        t.ok(False, "%s %s: %d" % (method, path, want), "%d %s" % (r.status, r.text[:500]))
    return r


def patch(*ops):
    return {"schemas": [URN_PATCH], "Operations": list(ops)}


def deactivate(uid):
    # Entra's default dialect: the boolean as the string "False".
    req("PATCH", "/Users/" + uid, patch({"op": "Replace", "path": "active",
                                         "value": "False"}), want=200)


def remove_member(gid, uid):
    req("PATCH", "/Groups/" + gid, patch({"op": "Remove", "path": "members",
                                          "value": [{"value": uid}]}), want=204)


def create_user(i, tok=None, want=201):
    un = "user%02d@contoso.com" % i
    # Entra's lookup before a create, then the create itself.
    req("GET", "/Users?filter=userName+eq+%%22user%02d%%40contoso.com%%22" % i, tok=tok)
    return req("POST", "/Users", {
        "schemas": [URN_USER, URN_ENT],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4ae%04d" % i,
        "userName": un, "active": True, "displayName": "User %02d" % i,
        "emails": [{"primary": True, "type": "work", "value": un}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Given%02d Family%02d" % (i, i),
                 "familyName": "Family%02d" % i, "givenName": "Given%02d" % i},
        URN_ENT: {"employeeNumber": "E%04d" % i, "department": "Dept %d" % (i // 10 + 1)},
        "roles": [{"primary": False, "type": "WindowsAzureActiveDirectoryRole",
                   "value": "Admin", "display": "Admin"}] if i in (0, 10) else []},
        tok=tok, want=want)


def wait_cycle_end():
    time.sleep(GAP + 1.5)


def cycles():
    """Entra's cycles."""
    p = run("cycles", "acme", "--json")
    return [c for c in map(json.loads, p.stdout.splitlines()) if c.get("label") == "entra"]


def state():
    """Every user and group as GET returns it, and what the CLI says."""
    st = {}
    for kind in ("Users", "Groups"):
        r = s.req("GET", "/%s?count=1000" % kind, token=reader)
        ids = sorted(x["id"] for x in r.json["Resources"])
        for i in ids:
            st["%s/%s" % (kind, i)] = s.req("GET", "/%s/%s" % (kind, i), token=reader).json
    st["user list"] = run("user", "list", "acme").stdout
    st["role list"] = run("role", "list", "acme").stdout
    return st


def bare(doc):
    """A resource without meta.version and meta.lastModified: what a
    restore changed in place has a new version (RFC 7644 §3.14)."""
    if not isinstance(doc, dict) or "meta" not in doc:
        return doc
    d = json.loads(json.dumps(doc))
    d["meta"].pop("version", None)
    d["meta"].pop("lastModified", None)
    return d


def diff(a, b, strip=True):
    """Keys whose values differ (None: equal)."""
    out = []
    for k in sorted(set(a) | set(b)):
        x, y = a.get(k), b.get(k)
        if strip:
            x, y = bare(x), bare(y)
        if json.dumps(x, sort_keys=True) != json.dumps(y, sort_keys=True):
            out.append("%s:\n  was  %s\n  now  %s" % (k, json.dumps(x, sort_keys=True)[:600],
                                                      json.dumps(y, sort_keys=True)[:600]))
    return "\n".join(out) if out else None


def audit_count():
    return len(run("audit", "list", "acme").stdout.splitlines())


# --- 1. The tenant, in one cycle of its own: 20 users, 3 groups.
u = [create_user(i).json["id"] for i in range(20)]
g = {}
for name, lo, hi in (("Eng", 0, 8), ("Sales", 6, 14), ("Ops", 12, 20)):
    req("GET", "/Groups?excludedAttributes=members&filter=displayName+eq+%%22%s%%22" % name)
    g[name] = req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": name,
                                      "externalId": "ext-" + name, "members": []},
                  want=201).json["id"]
    req("PATCH", "/Groups/" + g[name], patch({"op": "Add", "path": "members", "value": [
        {"$ref": None, "value": x} for x in u[lo:hi]]}), want=204)
wait_cycle_end()
snap = state()
t.eq(sorted(snap["Users/" + u[3]][EXT]["appRoles"]), ["engineer"],
     "setup: a member of Eng holds engineer")
t.eq(sorted(snap["Users/" + u[12]][EXT]["appRoles"]), ["operator", "seller"],
     "setup: a member of Sales and Ops holds seller and operator")
t.eq(sorted(snap["Users/" + u[0]][EXT]["appRoles"]), ["admin", "engineer"],
     "setup: Entra's role Admin maps to admin")
t.eq(len([k for k in snap if k.startswith("Users/")]), 20, "setup: 20 users")
t.eq(len(cycles()), 1, "setup: one cycle so far")
setup_id = cycles()[0]["id"]

# --- 2. The bad cycle: 6 of 20 deactivated, 2 deleted, Sales deleted,
# two members removed from Eng.
for i in (2, 3):
    deactivate(u[i])
req("DELETE", "/Users/" + u[18], want=204)
for i in (4, 5):
    deactivate(u[i])
req("DELETE", "/Groups/" + g["Sales"], want=204)
remove_member(g["Eng"], u[0])
for i in (6, 7):
    deactivate(u[i])
req("GET", "/Users/" + u[19])
req("DELETE", "/Users/" + u[19], want=204)
remove_member(g["Eng"], u[1])
wait_cycle_end()
bad = state()
cy = cycles()
t.eq(len(cy), 2, "the bad cycle is a cycle of its own")
bad_id = cy[-1]["id"] if cy else None
t.ok(cy and not cy[-1].get("running") and cy[-1].get("deactivations") == 6
     and cy[-1].get("deletes") == 3, "the bad cycle has ended: 6 deactivations, 3 deletes",
     cy[-1:] and json.dumps(cy[-1]))
t.ok(diff(snap, bad) is not None and "Groups/" + g["Sales"] not in bad
     and bad["Users/" + u[2]]["active"] is False,
     "the bad cycle changed the tenant")
t.eq(bad["Users/" + u[8]].get(EXT, {}).get("appRoles"), None,
     "user08 lost seller with Sales")
t.eq(bad["Users/" + u[13]].get(EXT, {}).get("appRoles"), ["operator"],
     "user13 lost seller with Sales, kept operator with Ops")

# Roles taken by the cycle (role.lost): by group delete and member removal.
lost = set()
for l in run("audit", "list", "acme", "--action", "role.lost", "--json").stdout.splitlines():
    e = json.loads(l)
    for r in e.get("detail") or []:
        lost.add((e["id"], r))
# (user06 and 07 were still active when Sales went: deactivated later.)
want_lost = {(u[i], "seller") for i in range(6, 14)} | {(u[0], "engineer"), (u[1], "engineer")}
t.eq(lost, want_lost, "role.lost: Sales' members their seller role, u00/u01 engineer")

# --- 3. Dry run: every action listed, nothing changed.
n_audit = audit_count()
p = run("restore", "acme", "--cycle", "last", "--dry-run")
out = p.stdout.splitlines()
t.eq(p.returncode, 0, "dry run: exit 0", p.stderr)
want_lines = sorted(
    ["reactivated user %s (user%02d@contoso.com)" % (u[i], i) for i in range(2, 8)] +
    ["restored User %s (user%02d@contoso.com)" % (u[i], i) for i in (18, 19)] +
    ["restored Group %s (Sales)" % g["Sales"]] +
    ["re-added %s to group %s (Eng)" % (u[i], g["Eng"]) for i in (0, 1)])
acts = [l for l in out if l.startswith(("reactivated ", "restored ", "re-added "))]
t.eq(sorted(acts), want_lines, "dry run: one line for each action of the cycle", p.stdout)
t.ok(acts and acts[0] == "re-added %s to group %s (Eng)" % (u[1], g["Eng"]),
     "dry run: newest first", p.stdout)
roles = sorted(l for l in out if l.startswith("role "))
t.eq(roles, sorted("role back: user %s (user%02d@contoso.com): %s" % (uid, u.index(uid), r)
                   for uid, r in want_lost),
     "dry run: each role the cycle took is said to come back with the mapping", p.stdout)
t.eq(out[-1] if out else None,
     "dry run: cycle %s: 11 entries would be restored; nothing changed" % bad_id,
     "dry run: the count, and nothing changed", p.stdout)
t.eq(diff(bad, state(), strip=False), None, "dry run: the state is byte for byte as it was")
t.eq(audit_count(), n_audit, "dry run: no audit entry")

# --- 4. The undo: the tenant as it was before the cycle.
p = run("restore", "acme", "--cycle", "last")
t.eq(p.returncode, 0, "restore --cycle last: exit 0", p.stderr)
t.ok(("cycle %s: 11 entries restored" % bad_id) in p.stdout.splitlines(),
     "restore --cycle last: 11 entries restored", p.stdout + p.stderr)
after = state()
t.eq(diff(snap, after), None,
     "restore --cycle last: every user and group, membership and role as before the cycle")
for k in ("Users/" + u[18], "Users/" + u[19], "Groups/" + g["Sales"]):
    t.eq(after.get(k), snap[k], "restored %s: byte for byte, meta included" % k)
t.ok(after["Users/" + u[2]]["meta"]["version"] != snap["Users/" + u[2]]["meta"]["version"],
     "a reactivated user has a new version")
t.eq(after["user list"], snap["user list"], "scimlet user list: as before the cycle")
acts = {}
for l in run("audit", "list", "acme", "--since", str(n_audit + 1), "--json").stdout.splitlines():
    a = json.loads(l)["action"]
    acts[a] = acts.get(a, 0) + 1
t.ok(acts.get("user.reactivated") == 6 and acts.get("user.restored") == 2
     and acts.get("group.restored") == 1 and acts.get("member.restored") == 2,
     "each entry restored is audited", acts)
p = run("restore", "acme", "--cycle", bad_id)
t.ok(p.returncode == 0 and "cycle %s: 0 entries restored" % bad_id in p.stdout
     and "nothing to restore" in p.stdout,
     "restore --cycle again: nothing left to restore", p.stdout + p.stderr)
t.eq(diff(after, state(), strip=False), None, "restore --cycle again: nothing changed")

# --- 5. Cycle A, then cycle B that takes a name A deleted.
pre_a = state()
deactivate(u[0])
req("DELETE", "/Groups/" + g["Ops"], want=204)
req("DELETE", "/Users/" + u[3], want=204)
wait_cycle_end()
a_id = cycles()[-1]["id"]
deactivate(u[1])
remove_member(g["Eng"], u[4])
u3b = create_user(3).json["id"]        # Entra creates user03 anew
wait_cycle_end()
b_state = state()
t.ok(a_id != cycles()[-1]["id"] and a_id != bad_id, "cycles A and B are distinct")
n_audit = audit_count()
p = run("restore", "acme", "--cycle", a_id)
t.eq(p.returncode, 1, "a name taken since: exit 1", p.stdout + p.stderr)
t.ok("userName user03@contoso.com is taken" in p.stderr and "nothing restored" in p.stderr,
     "a name taken since: says which, and that nothing was restored", p.stderr)
t.ok("entries restored" not in p.stdout, "a name taken since: no count of restored", p.stdout)
t.eq(diff(b_state, state(), strip=False), None, "a name taken since: nothing changed")
t.eq(audit_count(), n_audit, "a name taken since: no audit entry")
p = run("restore", "acme", "--cycle", a_id, "--dry-run")
t.ok(p.returncode == 1 and "is taken" in p.stderr,
     "a name taken since: the dry run says so too", p.stdout + p.stderr)

# Another client frees the name; cycle A alone is undone.
req("DELETE", "/Users/" + u3b, tok=other, want=204)
# With Ops no longer mapped, the roles A took with Ops would not come back:
# the dry run says so, one line each.
s.cli("role", "unmap-group", "acme", "Ops")
p = run("restore", "acme", "--cycle", a_id, "--dry-run")
t.eq(sorted(l for l in p.stdout.splitlines() if l.startswith("role ")),
     sorted("role not back: user %s (user%02d@contoso.com): operator, the role mapping "
            "or memberships no longer give it" % (u[i], i) for i in range(12, 20)),
     "a role the mapping no longer gives: said not to come back", p.stdout + p.stderr)
s.cli("role", "map-group", "acme", "Ops", "operator")
p = run("restore", "acme", "--cycle", a_id)
t.eq(p.returncode, 0, "restore --cycle A: exit 0", p.stderr)
t.eq(sorted(l for l in p.stdout.splitlines() if l.startswith("role ")),
     sorted("role back: user %s (user%02d@contoso.com): operator" % (u[i], i)
            for i in range(12, 20)), "restore --cycle A: the roles came back", p.stdout)
t.ok("cycle %s: 3 entries restored" % a_id in p.stdout, "restore --cycle A: 3 entries",
     p.stdout)
now = state()
# What cycle B did stays: user01 inactive, user04 out of Eng (and so
# without engineer); all else as before cycle A.
want = dict(pre_a)
for k in ("Users/" + u[1], "Users/" + u[4]):
    want[k] = b_state[k]
want["Groups/" + g["Eng"]] = json.loads(json.dumps(pre_a["Groups/" + g["Eng"]]))
want["Groups/" + g["Eng"]]["members"] = [m for m in want["Groups/" + g["Eng"]]["members"]
                                         if m["value"] != u[4]]
lines = {l.split("\t")[0]: l for l in pre_a["user list"].splitlines()}
for l in b_state["user list"].splitlines():
    if l.split("\t")[0] in (u[1], u[4]):
        lines[l.split("\t")[0]] = l
want["user list"] = "".join(lines[k] + "\n" for k in sorted(lines))
t.eq(diff(want, now), None, "restore --cycle A: A's actions undone, B's left as they are")
t.ok(now["Users/" + u[1]]["active"] is False
     and u[4] not in [m["value"] for m in now["Groups/" + g["Eng"]].get("members", [])],
     "restore --cycle A: u01 still inactive, u04 still out of Eng")
t.eq(now["Users/" + u[3]], pre_a["Users/" + u[3]],
     "restore --cycle A: user03 back byte for byte, same id and meta")
t.eq(now["Groups/" + g["Ops"]], pre_a["Groups/" + g["Ops"]],
     "restore --cycle A: Ops back byte for byte, members included")

# --- 6. Nothing to undo, unknown ids, usage.
n_audit = audit_count()
p = run("restore", "acme", "--cycle", setup_id)
t.ok(p.returncode == 0 and p.stdout == "cycle %s: nothing to undo\n" % setup_id,
     "a cycle of creates only: nothing to undo, exit 0", p.stdout + p.stderr)
t.eq(audit_count(), n_audit, "nothing to undo: no audit entry")
p = run("restore", "acme", "--cycle", "0123456789abcdef")
t.ok(p.returncode == 1 and "no cycle 0123456789abcdef" in p.stderr,
     "an unknown cycle: exit 1, named", p.stdout + p.stderr)
p = run("restore", "nosuch", "--cycle", "last")
t.ok(p.returncode == 1 and "no tenant nosuch" in p.stderr, "an unknown tenant: exit 1",
     p.stderr)
p = run("restore", "acme", "--cycle")
t.ok(p.returncode == 2 and "--cycle ID|last" in p.stderr, "--cycle without ID: usage",
     p.stderr)
p = run("restore", "acme", "--cycle", "last", "--verbose")
t.eq(p.returncode, 2, "an unknown option: usage")
s.cli("tenant", "add", "empty")
p = run("restore", "empty", "--cycle", "last")
t.ok(p.returncode == 1 and "no cycle last" in p.stderr,
     "a tenant without cycles: no cycle last", p.stdout + p.stderr)
t.eq(audit_count(), n_audit, "refusals: no audit entry")

t.done()
