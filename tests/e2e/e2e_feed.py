#!/usr/bin/env python3
"""The tenant's change feed over HTTP (GET {mount}/.changes, doc/architecture.md
§5.8) through lighttpd: exact records across creates, PATCHes in Entra's
and Okta's dialects (doc/clients.md), membership and role changes,
deactivation, delete and restore; sequence numbers per tenant; paging;
pruning (410 Gone, exit 3); the CLI printing the same records; writes
that change nothing add none."""
import json
import re
import time

from harness import URN_GROUP, Server, Tap, patchop, user

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

t = Tap()
s = Server()
s.cli("tenant", "add", "acme")
s.cli("tenant", "add", "beta")
s.cli("role", "map", "acme", "Admin", "admin")
s.cli("role", "map-group", "acme", "Ops", "ops")
ptok = s.token("acme")
rtok = s.cli("token", "issue", "acme", "--scope", "read").stdout.strip()
btok = s.token("beta")

want = {"acme": [], "beta": []}     # the records each tenant must have
seen = {"acme": 0, "beta": 0}       # how many were checked already
TOK = {"acme": rtok, "beta": btok}


def expect(tenant, rec):
    rec = dict(rec, tenant=tenant)
    want[tenant].append(rec)
    rec["seq"] = len(want[tenant])


def U(tenant, uid, op, name, ext=None, active=True, roles=(), groups=()):
    expect(tenant, {"type": "User", "id": uid, "op": op, "userName": name,
                    "externalId": ext, "active": active, "appRoles": list(roles),
                    "groups": sorted(groups)})


def G(tenant, gid, op, name, ext=None, added=None, removed=None):
    r = {"type": "Group", "id": gid, "op": op, "displayName": name,
         "externalId": ext}
    if added is not None:
        r["members_added"] = added
    if removed is not None:
        r["members_removed"] = removed
    expect(tenant, r)


def gone(tenant, typ, rid, name):
    expect(tenant, {"type": typ, "id": rid, "op": "delete",
                    "userName" if typ == "User" else "displayName": name})


def get(since=None, count=None, tok=rtok):
    q = []
    if since is not None:
        q.append("since=%s" % since)
    if count is not None:
        q.append("count=%s" % count)
    return s.req("GET", "/.changes" + ("?" + "&".join(q) if q else ""), token=tok)


def untimed(recs):
    """The records without time, which must be RFC 3339."""
    out = []
    for r in recs:
        r = dict(r)
        tm = r.pop("time", None)
        if not (isinstance(tm, str) and RFC3339.match(tm)):
            r["time"] = tm          # shows up as a difference
        out.append(r)
    return out


def check(tenant, name):
    """The records made since the last check are exactly those expected."""
    r = get(seen[tenant], 1000, TOK[tenant])
    got = untimed((r.json or {}).get("changes", [r.text]))
    t.eq(got, want[tenant][seen[tenant]:], "%s: %s" % (tenant, name))
    seen[tenant] = len(want[tenant])


def make(path, body, tok=ptok):
    r = s.req("POST", path, body, token=tok)
    if r.status != 201:
        raise RuntimeError("POST %s: %d %s" % (path, r.status, r.text))
    return r.json["id"]


def patch(path, *ops, tok=ptok):
    r = s.req("PATCH", path, patchop(*ops), token=tok)
    if r.status not in (200, 204):
        raise RuntimeError("PATCH %s: %d %s" % (path, r.status, r.text))


def group(name, *members):
    return {"schemas": [URN_GROUP], "displayName": name,
            "members": [{"value": m} for m in members]}


# --- 1. Both a read token and a provision token read the feed.
EMPTY = {"changes": [], "next": 0, "more": False, "last": 0}
for name, tok in (("read", rtok), ("provision", ptok)):
    r = get(tok=tok)
    t.status(r, 200, "a %s token reads /.changes" % name)
    t.eq(r.json, EMPTY, "%s token: the empty feed" % name)
t.status(s.req("GET", "/.changes"), 401, "no token: 401")

# --- 2, 3. The records, with a second tenant interleaved.
ada = make("/Users", user("ada@x", externalId="ext-ada", roles=[{"value": "Admin"}]))
U("acme", ada, "create", "ada@x", "ext-ada", roles=["admin"])
zed = make("/Users", user("zed@y"), tok=btok)
U("beta", zed, "create", "zed@y")
bob = make("/Users", user("bob@x"))
U("acme", bob, "create", "bob@x")
bg = make("/Groups", group("Beta", zed), tok=btok)
G("beta", bg, "create", "Beta")
G("beta", bg, "members", "Beta", added=[zed], removed=[])
carl = make("/Users", user("carl@x"))
U("acme", carl, "create", "carl@x")
check("acme", "user creates (a mapped role in appRoles)")
check("beta", "the other tenant's creates, its own sequence")

ENTRA_OFF = {"op": "Replace", "path": "active", "value": "False"}
patch("/Users/" + ada, ENTRA_OFF)
U("acme", ada, "deactivate", "ada@x", "ext-ada", active=False)
check("acme", "Entra's PATCH of active: deactivate, no roles while inactive")
patch("/Users/" + ada, ENTRA_OFF)
check("acme", "the same deactivation again adds no record")
patch("/Users/" + ada, {"op": "replace", "value": {"active": True}})
U("acme", ada, "reactivate", "ada@x", "ext-ada", roles=["admin"])
check("acme", "Okta's PATCH (a value object, no path): reactivate, roles back")
patch("/Users/" + carl, {"op": "replace", "value": {"active": False}})
U("acme", carl, "deactivate", "carl@x", active=False)
patch("/Users/" + zed, {"op": "replace", "path": "active", "value": False}, tok=btok)
U("beta", zed, "deactivate", "zed@y", active=False, groups=[bg])
patch("/Users/" + carl, {"op": "Replace", "path": "active", "value": "True"})
U("acme", carl, "reactivate", "carl@x")
check("acme", "Okta's deactivation, Entra's reactivation")
check("beta", "the other tenant's deactivation")

NAME = ({"op": "replace", "path": "externalId", "value": "ext-ada-2"},
        {"op": "replace", "path": "name.givenName", "value": "Ada"})
patch("/Users/" + ada, *NAME)
U("acme", ada, "update", "ada@x", "ext-ada-2", roles=["admin"])
check("acme", "a PATCH of name and externalId: update with the new externalId")
patch("/Users/" + ada, *NAME)
check("acme", "the same PATCH again adds no record")

eng = make("/Groups", group("Eng", ada, bob))
G("acme", eng, "create", "Eng")
G("acme", eng, "members", "Eng", added=[ada, bob], removed=[])
check("acme", "group create with members: create, then members added")
ops = make("/Groups", group("Ops", bob))
G("acme", ops, "create", "Ops")
G("acme", ops, "members", "Ops", added=[bob], removed=[])
U("acme", bob, "roles", "bob@x", roles=["ops"], groups=[eng, ops])
check("acme", "a group mapped to a role: the member's roles record")

SWAP = ({"op": "add", "path": "members", "value": [{"value": carl}]},
        {"op": "remove", "path": 'members[value eq "%s"]' % bob})
patch("/Groups/" + eng, *SWAP)
G("acme", eng, "update", "Eng")
G("acme", eng, "members", "Eng", added=[carl], removed=[bob])
check("acme", "group PATCH: members added and removed, exact ids")
patch("/Groups/" + eng, *SWAP)
check("acme", "the same group PATCH again adds no record")

# A member put in and taken out by one request never was one; one taken
# out, put back and taken out again was.
dave = make("/Users", user("dave@x"))
U("acme", dave, "create", "dave@x")
patch("/Groups/" + eng, {"op": "add", "path": "members", "value": [{"value": dave}]},
      {"op": "remove", "path": "members", "value": [{"value": dave}]})
G("acme", eng, "update", "Eng")     # written: a new version, no member changed
check("acme", "a member added and removed in one request: no members record")
t.eq([e for e in map(json.loads, s.cli("audit", "export", "acme").stdout.splitlines())
      if e["action"] == "member.removed" and
      (e.get("before") or {}).get("member", {}).get("value") == dave], [],
     "nor an audit entry of a member removed")
patch("/Groups/" + eng, {"op": "add", "path": "members", "value": [{"value": dave}]})
G("acme", eng, "update", "Eng")
G("acme", eng, "members", "Eng", added=[dave], removed=[])
DROP = {"op": "remove", "path": 'members[value eq "%s"]' % dave}
patch("/Groups/" + eng, DROP, {"op": "add", "path": "members", "value": [{"value": dave}]},
      DROP)
G("acme", eng, "update", "Eng")
G("acme", eng, "members", "Eng", added=[], removed=[dave])
check("acme", "removed, put back, removed again in one request: removed")
PUT_IN = {"op": "add", "path": "members", "value": [{"value": dave}]}
patch("/Groups/" + eng, PUT_IN, DROP, PUT_IN, PUT_IN)
G("acme", eng, "update", "Eng")
G("acme", eng, "members", "Eng", added=[dave], removed=[])
check("acme", "put in, taken out, put in again in one request: added once")
patch("/Groups/" + eng, DROP)
G("acme", eng, "update", "Eng")
G("acme", eng, "members", "Eng", added=[], removed=[dave])
check("acme", "and taken out")

# Entra removes members by value, its ids may be upper case.
patch("/Groups/" + ops, {"op": "remove", "path": "members",
                         "value": [{"value": bob.upper()}]})
G("acme", ops, "update", "Ops")
G("acme", ops, "members", "Ops", added=[], removed=[bob])
U("acme", bob, "roles", "bob@x", roles=[], groups=[])
check("acme", "a removal that takes a group-mapped role away: roles record")

time.sleep(0.01)        # later records have later times (--since TIME)
r = s.req("DELETE", "/Users/" + carl, token=ptok)
t.status(r, 204, "DELETE of a user")
gone("acme", "User", carl, "carl@x")
r = s.req("DELETE", "/Groups/" + eng, token=ptok)
t.status(r, 204, "DELETE of a group")
gone("acme", "Group", eng, "Eng")
check("acme", "deletes carry the last name and no other state")


def audit_seq(action, rid):
    out = s.cli("audit", "export", "acme").stdout
    return [e["seq"] for e in map(json.loads, out.splitlines())
            if e["action"] == action and e["id"] == rid][-1]


s.cli("restore", "acme", str(audit_seq("group.deleted", eng)))
G("acme", eng, "restore", "Eng", added=[ada])
check("acme", "restore of a group: its members in members_added")
s.cli("restore", "acme", str(audit_seq("user.deleted", carl)))
U("acme", carl, "restore", "carl@x", groups=[eng])
check("acme", "restore of a user: its state and groups")

N = len(want["acme"])
full = get(0, 1000).json
t.eq([c["seq"] for c in full["changes"]], list(range(1, N + 1)),
     "acme: seq from 1 without gaps")
t.eq((full["next"], full["more"], full["last"]), (N, False, N),
     "the envelope: next, more, last")
bfull = get(0, 1000, btok).json["changes"]
t.eq([c["seq"] for c in bfull], list(range(1, len(want["beta"]) + 1)),
     "beta: seq from 1 without gaps")
t.ok({c["tenant"] for c in full["changes"]} == {"acme"} and
     {c["tenant"] for c in bfull} == {"beta"} and
     not {c["id"] for c in full["changes"]} & {c["id"] for c in bfull},
     "a tenant never sees another's records")

# --- 6. The CLI prints the same records.
p = s.cli("changes", "--tenant", "acme", "--since", "1")
t.eq([json.loads(x) for x in p.stdout.splitlines()], full["changes"],
     "changes --tenant --since 1 prints exactly the HTTP records")
p = s.cli("changes", "--tenant", "beta", "--since", "3")
t.eq([json.loads(x) for x in p.stdout.splitlines()], bfull[2:],
     "changes --since SEQ is inclusive, the tenant's records only")

# --- 4. Paging.
pages, since = [], 0
while len(pages) <= N:
    j = get(since, 2).json
    pages.append(j)
    since = j["next"]
    if not j["more"]:
        break
t.eq([c for j in pages for c in j["changes"]], full["changes"],
     "count=2 pages walk the whole feed via next")
t.ok(all(len(j["changes"]) == 2 and j["more"] for j in pages[:-1]) and
     not pages[-1]["more"] and len(pages) == (N + 1) // 2,
     "full pages say more, the last does not",
     [(len(j["changes"]), j["more"]) for j in pages])
t.ok(all(j["last"] == N and j["next"] == j["changes"][-1]["seq"] for j in pages),
     "every page: next is its newest seq, last the feed's",
     [(j["next"], j["last"]) for j in pages])
t.eq(get(N - 2, 2).json["more"], False, "a page that ends the feed exactly: more false")
t.eq(get(N).json, {"changes": [], "next": N, "more": False, "last": N},
     "since = last: an empty list")
t.eq(get(N + 5).json, {"changes": [], "next": N + 5, "more": False, "last": N},
     "since beyond last: an empty list")
t.eq(len(get().json["changes"]), N, "count defaults to 100, since to 0")

# --- 5. Bad values, then pruning.
for q in ("since=-1", "since=abc", "since=", "since=1x", "count=0", "count=1001",
          "count=-2", "count=two", "since=99999999999999999999"):
    r = s.req("GET", "/.changes?" + q, token=rtok)
    t.error(r, 400, "invalidValue", "%s: 400 invalidValue" % q)
t.status(get(0, 1000), 200, "count=1000 is allowed")

K = 6
p = s.cli("changes", "prune", "--tenant", "acme", "--before", str(K))
t.eq(p.stdout, "%d changes pruned\n" % (K - 1), "changes prune --tenant --before K")
pruned = [json.loads(l) for l in s.cli("audit", "list", "acme", "--action",
                                       "operator.changes.pruned", "--json").stdout.splitlines()]
t.eq([(e.get("type"), e.get("id"), e.get("detail"), e.get("token")) for e in pruned],
     [("Tenant", "acme", K - 1, "cli")], "the prune is audited: who, how many")
for since in (K - 2, 0):
    r = get(since)
    t.error(r, 410, None, "since=%d after pruning before %d: 410 Gone" % (since, K))
    t.ok(re.search(r"oldest kept is %d\b" % K, (r.json or {}).get("detail", "")),
         "its detail names the oldest kept seq", r.text)
r = get(K - 1)
t.status(r, 200, "since=K-1: 200")
t.eq(r.json["changes"], full["changes"][K - 1:], "starting at K")
t.eq(get(0, 1000, btok).json["changes"], bfull, "the other tenant's feed is untouched")
p = s.cli("changes", "--tenant", "acme", "--since", str(K - 1), check=False)
t.ok(p.returncode == 3 and p.stdout == "" and "pruned" in p.stderr and
     str(K) in p.stderr, "changes --since K-1: exit 3, a message, nothing on stdout",
     "rc %d, out %r, err %r" % (p.returncode, p.stdout, p.stderr))
p = s.cli("changes", "--tenant", "acme", "--since", str(K), check=False)
t.eq((p.returncode, [json.loads(x) for x in p.stdout.splitlines()]),
     (0, full["changes"][K - 1:]), "changes --since K prints from K")

# By time: a gap unless the since is after the oldest record kept.
p = s.cli("changes", "--tenant", "acme", "--since", "2000-01-01T00:00:00Z", check=False)
t.ok(p.returncode == 3 and p.stdout == "" and "pruned" in p.stderr,
     "changes --since TIME before the pruned records: exit 3",
     "rc %d, out %r, err %r" % (p.returncode, p.stdout, p.stderr))
later = [c for c in full["changes"][K - 1:] if c["time"] > full["changes"][K - 1]["time"]]
p = s.cli("changes", "--tenant", "acme", "--since", later[0]["time"], check=False)
t.eq((p.returncode, [json.loads(x) for x in p.stdout.splitlines()]),
     (0, [c for c in full["changes"] if c["time"] >= later[0]["time"]]),
     "changes --since TIME after the oldest kept: the records from then on")
p = s.cli("changes", "--tenant", "acme", "--since", "2100-01-01T00:00:00Z", check=False)
t.eq((p.returncode, p.stdout), (0, ""), "changes --since a future TIME: nothing, exit 0")

# Everything pruned: the feed keeps counting.
s.cli("changes", "prune", "--tenant", "acme", "--before", str(N + 1))
t.eq(get(N).json, {"changes": [], "next": N, "more": False, "last": N},
     "all pruned: since=last is 200 and empty")
t.error(get(N - 1), 410, None, "all pruned: since=last-1 is 410")
p = s.cli("changes", "--tenant", "acme", "--since", "2100-01-01T00:00:00Z", check=False)
t.eq(p.returncode, 3, "all pruned: --since TIME cannot tell, exit 3", p.stderr)
p = s.cli("changes", "--tenant", "acme", "--since", str(N + 1), check=False)
t.eq((p.returncode, p.stdout), (0, ""), "all pruned: --since last+1 is exit 0, nothing")
patch("/Users/" + ada, {"op": "replace", "path": "externalId", "value": "ext-ada-3"})
U("acme", ada, "update", "ada@x", "ext-ada-3", roles=["admin"], groups=[eng])
check("acme", "after pruning every record, the next has seq last+1")
t.done()
