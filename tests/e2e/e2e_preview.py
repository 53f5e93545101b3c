#!/usr/bin/env python3
"""A tenant in preview (src/preview.h) through lighttpd and the real worker:
the whole Entra replay (tests/replay/entra.json) played against a tenant
that already has live users and groups, plus a few deprovisionings of
those; the replay's own checks pass in preview while the application
(GET /.changes, `scimlet changes`, `user list|show|check`, the C library)
sees only the live data; `preview report` lists exactly the replay's
expected final state as the differences, and the test's own changes;
`mode=live` adopts: the final state equals a live run of the same
requests on another tenant, the feed has one record per resource the
adoption changed, every deprovisioning has its audit entry and `restore`
undoes them; `mode=live --discard` leaves a third tenant byte for byte as
it was; `tenant remove` drops a preview's keys."""
import atexit
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "replay"))
import replay  # noqa: E402  (tests/replay/replay.py)
from harness import URN_GROUP, Server, Tap, patchop, user  # noqa: E402

t = Tap()
s = Server()
sc = replay.Scenario(os.path.join(os.path.dirname(HERE), "replay", "entra.json"))
player = replay.Player(t, s)
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
EXT = "urn:scimlet:schemas:extension:2.0:User"
# A value a client sent that tries to add a row to the text report.
FORGED = "Director\nuser\tcreated\tforged@example.com\tx"


# ---------------------------------------------------------------- helpers

def get_all(tok, what):
    out, start = [], 1
    while True:
        r = s.req("GET", "/%s?startIndex=%d&count=100" % (what, start), token=tok)
        assert r.status == 200, r.text
        page = r.json.get("Resources", [])
        out.extend(page)
        start += len(page)
        if not page or len(out) >= r.json["totalResults"]:
            return out


def raw_state(tok):
    """Every user and group as the server answers them, byte for byte."""
    ids = sorted(("Users", u["id"]) for u in get_all(tok, "Users")) + \
        sorted(("Groups", g["id"]) for g in get_all(tok, "Groups"))
    return [(k, i, s.req("GET", "/%s/%s" % (k, i), token=tok).body) for k, i in ids]


def named_state(tok):
    """Every user and group with ids replaced by names and the fields that
    legitimately differ between two tenants dropped: meta.created,
    meta.lastModified, meta.version (times and random versions) and
    meta.location (holds the id)."""
    users = get_all(tok, "Users")
    groups = [s.req("GET", "/Groups/" + g["id"], token=tok).json
              for g in get_all(tok, "Groups")]
    names = {u["id"]: u["userName"] for u in users}
    names.update({g["id"]: "group:" + g["displayName"] for g in groups})

    def norm(x):
        if isinstance(x, dict):
            out = {}
            for k, v in x.items():
                if k in ("created", "lastModified", "version", "location", "$ref"):
                    continue
                out[k] = norm(v)
            return out
        if isinstance(x, list):
            return sorted((norm(v) for v in x), key=lambda v: json.dumps(v, sort_keys=True))
        if isinstance(x, str) and x in names:
            return names[x]
        return x
    return sorted((json.dumps(norm(r), sort_keys=True) for r in users + groups))


def changes(tok):
    r = s.req("GET", "/.changes?count=1000", token=tok)
    assert r.status == 200, r.text
    return r.json


def cli_lines(*args):
    return s.cli(*args).stdout.splitlines()


def seed(name):
    """A tenant with the scenario's role mappings and live users and
    groups of its own, made through SCIM while it is live."""
    tok = s.tenant(name)
    ctx = replay.Context(s, name, tok)
    for args in sc.setup:
        s.cli(*replay.subst(args, ctx))
    ids = {}
    for un in ("keep", "leaver", "gone", "mover"):
        r = s.req("POST", "/Users", user(un + "@fabrikam.example", title="Engineer"),
                  token=tok)
        assert r.status == 201, r.text
        ids[un] = r.json["id"]
    for dn, who in (("Legacy", ("keep", "leaver", "gone", "mover")),
                    ("Old Team", ("keep",))):
        r = s.req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": dn,
                                      "members": [{"value": ids[w]} for w in who]},
                  token=tok)
        assert r.status == 201, r.text
        ids[dn] = r.json["id"]
    return ctx, ids


def extra(tok, ids):
    """What the IdP does to the tenant's own users in the same cycles."""
    rs = [s.req("PATCH", "/Users/" + ids["leaver"],
                patchop({"op": "replace", "path": "active", "value": False}), token=tok),
          s.req("DELETE", "/Users/" + ids["gone"], token=tok),
          s.req("PATCH", "/Users/" + ids["mover"],
                patchop({"op": "replace", "path": "title", "value": FORGED}), token=tok),
          s.req("PATCH", "/Groups/" + ids["Legacy"],
                patchop({"op": "remove", "path": 'members[value eq "%s"]' % ids["mover"]}),
                token=tok),
          s.req("DELETE", "/Groups/" + ids["Old Team"], token=tok)]
    return [r.status for r in rs]


EXTRA_STATUS = [200, 204, 200, 204, 204]


def feed_cli(name):
    return s.cli("changes", "--tenant", name, "--since", "0").stdout


def global_feed(name):
    return [l for l in s.cli("changes", "--since", "0").stdout.splitlines()
            if json.loads(l)["tenant"] == name]


# Read with Debian's python3 and its python3-lmdb, as tests/e2e/lmdb_edit.py.
LMDB_READ = r"""
import json, struct, sys
import lmdb
env = lmdb.open(sys.argv[1], max_dbs=16, subdir=True, readonly=True, lock=False)
with env.begin() as txn:
    if sys.argv[2] == "keys":
        pre, n = struct.pack(">I", int(sys.argv[3])), 0
        for name in (b"resources", b"index", b"members", b"memberof", b"audit", b"feed"):
            cur = txn.cursor(db=env.open_db(name, txn=txn, create=False))
            if cur.set_range(pre):
                for k in cur.iternext(values=False):
                    if not k.startswith(pre):
                        break
                    n += 1
        print(n)
    else:
        print(txn.get(sys.argv[3].encode(), db=env.open_db(b"tenants", txn=txn,
                                                           create=False)).decode())
"""


def lmdb_read(*args):
    return subprocess.run(["/usr/bin/python3", "-c", LMDB_READ, s.db] + list(args),
                          capture_output=True, text=True, check=True).stdout


def keys_under(num):
    """Keys of tenant number num in the data, audit and feed databases."""
    return int(lmdb_read("keys", str(num)))


def record(name):
    return json.loads(lmdb_read("record", name))


# The C library, as tests/e2e/e2e_lib.py builds it (under make check).
app = None
if os.environ.get("SCIMLET_LIB_STAGE"):
    stage, libdir = os.environ["SCIMLET_LIB_STAGE"], os.environ["SCIMLET_LIBDIR"]
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(stage + libdir, "pkgconfig"),
               PKG_CONFIG_SYSROOT_DIR=stage, PKG_CONFIG_LIBDIR="")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "scimlet"], env=env,
                           capture_output=True, text=True).stdout
    appdir = tempfile.mkdtemp(prefix="scimlet-preview.")
    atexit.register(shutil.rmtree, appdir, True)
    app = os.path.join(appdir, "app")
    srcdir = os.environ.get("SCIMLET_SRCDIR", os.path.join(HERE, "..", ".."))
    b = subprocess.run(shlex.split(os.environ.get("SCIMLET_CC", "cc")) +
                       shlex.split(os.environ.get("SCIMLET_SAN_CFLAGS", "")) +
                       ["-o", app, os.path.join(srcdir, "tests", "lib", "app.c")] +
                       shlex.split(flags) + ["-lpthread"], capture_output=True, text=True)
    t.eq(b.returncode, 0, "tests/lib/app.c builds", b.stderr[-2000:])


def lib(*args):
    if app is None:
        return None
    r = subprocess.run([app, s.db] + list(args), capture_output=True, text=True)
    return r.returncode, r.stdout


# ---------------------------------------------------------------- preview

pctx, pids = seed("prev")
ptok = pctx.token
before_named = named_state(ptok)
before_raw = raw_state(ptok)
before_feed = changes(ptok)
before_cli = feed_cli("prev")
before_global = global_feed("prev")
before_list = cli_lines("user", "list", "prev")
before_lib = (lib("prev", "users"), lib("prev", "changes", "0"))
t.eq(len(before_feed["changes"]), 8, "the live tenant's feed before: 4 users, 2 groups, "
     "their members", before_feed)

p = s.cli("tenant", "set", "prev", "mode=preview", check=False)
t.eq(p.returncode, 0, "tenant set mode=preview", p.stderr)
num = record("prev").get("preview")
t.ok(isinstance(num, int) and num > 0, "the tenant record names its preview", num)
t.eq(json.loads(s.cli("tenant", "show", "prev", "--json").stdout)["mode"], "preview",
     "tenant show --json: mode preview")
t.ok("mode\tpreview" in cli_lines("tenant", "show", "prev"), "tenant show: mode preview")
p = s.cli("tenant", "set", "prev", "mode=preview", check=False)
t.ok(p.returncode == 1 and "already" in p.stderr, "mode=preview twice is refused", p.stderr)
t.eq(raw_state(ptok), before_raw, "in preview, GETs answer the live data as it was")

player.play(sc, ctx=pctx, setup=False, state=False)
name, passed, steps = player.results[-1][:3]
t.eq(passed, steps, "in preview, every step of the Entra replay passes (%d)" % steps)
t.eq(extra(ptok, pids), EXTRA_STATUS, "in preview, the IdP deprovisions the tenant's own users")
r = s.req("GET", "/Users/" + pids["gone"], token=ptok)
t.eq(r.status, 404, "in preview, later reads see the preview (a deleted user is 404)")
r = s.req("GET", "/Users?filter=" + "userName%20eq%20%22user01@contoso.com%22", token=ptok)
t.eq(r.json.get("totalResults"), 1, "in preview, a created user is found by filter")

# --- nothing of it reaches the application
t.eq(changes(ptok), before_feed, "GET /.changes: nothing of the preview")
t.eq(feed_cli("prev"), before_cli, "scimlet changes --tenant: nothing of the preview")
t.eq(global_feed("prev"), before_global, "scimlet changes (global): nothing of the preview")
t.eq(cli_lines("user", "list", "prev"), before_list, "scimlet user list: the live users")
p = s.cli("user", "check", "prev", "user01@contoso.com", check=False)
t.eq(p.returncode, 1, "user check: a user the preview created is unknown", p.stderr)
p = s.cli("user", "check", "prev", "leaver@fabrikam.example", check=False)
t.eq(p.returncode, 0, "user check: the user the preview deactivated is active", p.stderr)
p = s.cli("user", "show", "prev", "gone@fabrikam.example", check=False)
t.eq(p.returncode, 0, "user show: the user the preview deleted is there", p.stderr)
p = s.cli("user", "show", "prev", "mover@fabrikam.example", "--json", check=False)
t.eq(json.loads(p.stdout).get("title"), "Engineer", "user show: the live title")
if app is not None:
    t.eq((lib("prev", "users"), lib("prev", "changes", "0")), before_lib,
         "the C library: the live users and feed")
    t.eq(lib("prev", "user", "user01@contoso.com")[0], 1,
         "the C library: a user the preview created is unknown")
t.eq(json.loads(s.cli("tenant", "show", "prev", "--json").stdout)["users"], 4,
     "tenant show counts the live users")

# --- the activity log and the cycles show the preview's requests
acts_prev = [json.loads(l) for l in cli_lines("activity", "prev", "--json", "--limit", "100000")]
gone_del = [a for a in acts_prev if a.get("method") == "DELETE" and
            a.get("path") == "/Users/" + pids["gone"]]
t.eq([a.get("status") for a in gone_del], [204],
     "activity: the preview's DELETE of a live user, under the tenant")
cyc = [json.loads(l) for l in cli_lines("cycles", "prev", "--json")]
t.ok(any(c["deletes"] > 0 and c["deactivations"] > 0 for c in cyc),
     "cycles: the preview's cycle with its deletes and deactivations", cyc)
p = s.cli("tenant", "set", "prev", "mode=bogus", check=False)
t.eq(p.returncode, 1, "mode takes preview or live", p.stderr)

# --- the report: the replay's expected final state, and our changes
exp = replay.subst(sc.state, pctx)
exp_users = {u["userName"].lower(): u for u in exp["users"]["items"]}
exp_groups = {g["displayName"]: g for g in exp["groups"]["items"]}
p = s.cli("preview", "report", "prev", "--json", check=False)
t.eq(p.returncode, 0, "preview report --json", p.stderr)
rep = json.loads(p.stdout)


def acts(items, action):
    return sorted(i["name"] for i in items if i["action"] == action)


t.eq(acts(rep["users"], "created"), sorted(exp_users),
     "report: the users created are exactly the replay's expected users")
t.eq(acts(rep["users"], "deactivated"), ["leaver@fabrikam.example"], "report: deactivated")
t.eq(acts(rep["users"], "deleted"), ["gone@fabrikam.example"], "report: deleted")
t.eq(acts(rep["users"], "changed"), ["mover@fabrikam.example"], "report: changed")
t.eq(acts(rep["users"], "reactivated"), [], "report: none reactivated")
mv = [i for i in rep["users"] if i["name"] == "mover@fabrikam.example"]
t.eq(mv[0]["attributes"] if mv else None,
     [{"attribute": "title", "live": "Engineer", "preview": FORGED}],
     "report: the changed attribute with its live and preview values")
lv = [i for i in rep["users"] if i["name"] == "leaver@fabrikam.example"]
t.eq(lv[0]["attributes"] if lv else None,
     [{"attribute": "active", "live": True, "preview": False}], "report: active, live and preview")
t.eq(acts(rep["groups"], "created"), sorted(exp_groups),
     "report: the groups created are exactly the replay's expected groups")
t.eq(acts(rep["groups"], "deleted"), ["Old Team"], "report: the group deleted")
t.eq(acts(rep["groups"], "changed"), [], "report: no group attribute changed")
want_members = sorted([("added", g, m) for g, e in exp_groups.items() for m in e["members"]] +
                      [("removed", "Legacy", "gone@fabrikam.example"),
                       ("removed", "Legacy", "mover@fabrikam.example")])
t.eq(sorted((m["action"], m["groupName"], m["memberName"]) for m in rep["members"]),
     want_members, "report: the memberships, the replay's expected members added")
t.eq([(r["name"], r["live"], r["preview"]) for r in rep["roles"]],
     [("leaver@fabrikam.example", ["member"], [])], "report: the roles the preview takes")
t.eq(rep["counts"], {"users-created": len(exp_users), "users-changed": 1,
                     "users-deactivated": 1, "users-deleted": 1,
                     "groups-created": len(exp_groups), "groups-deleted": 1,
                     "members-added": len(want_members) - 2, "members-removed": 2,
                     "roles-changed": 1}, "report: the counts")
t.eq([i["name"] for i in rep["users"]], sorted(i["name"] for i in rep["users"]),
     "report: users sorted by name")
t.eq(s.cli("preview", "report", "prev", "--json").stdout, p.stdout,
     "report: the same twice (deterministic)")

# The text form: one row per item, attribute, member and role; a value
# holding TAB and LF stays in its field.
rows = cli_lines("preview", "report", "prev")
nattr = sum(len(i["attributes"]) for i in rep["users"] + rep["groups"])
t.eq(len(rows), len(rep["users"]) + len(rep["groups"]) + nattr + len(rep["members"]) +
     len(rep["roles"]), "text report: one row each", "\n".join(rows[:5]))
t.ok(not any(r.startswith("user\tcreated\tforged") for r in rows),
     "text report: a client's value cannot forge a row")
t.ok(any(r.startswith("user\tcreated\tuser01@contoso.com\t") for r in rows),
     "text report: user rows")
t.ok("member\tremoved\tLegacy\tmover@fabrikam.example\tUser" in rows,
     "text report: member rows")
t.ok("roles\tleaver@fabrikam.example\tmember\t-" in rows, "text report: role rows")
t.ok(any(r.startswith("attribute\tuser\tmover@fabrikam.example\ttitle\t\"Engineer\"\t")
         and "\\n" in r for r in rows), "text report: attribute rows, LF escaped")
p = s.cli("preview", "report", "nosuch", check=False)
t.eq(p.returncode, 1, "preview report of no tenant fails")

# ---------------------------------------------------------------- live run

lctx, lids = seed("live")
player.play(sc, ctx=lctx, setup=False, state=False)
t.eq(player.results[-1][1], player.results[-1][2], "live run: every replay step passes")
t.eq(extra(lctx.token, lids), EXTRA_STATUS, "live run: the same deprovisionings")
p = s.cli("preview", "report", "live", check=False)
t.eq(p.returncode, 1, "preview report of a live tenant fails", p.stderr)

# ---------------------------------------------------------------- adopt

audit_before = len(cli_lines("audit", "list", "prev"))
p = s.cli("tenant", "set", "prev", "mode=live", check=False)
t.eq(p.returncode, 0, "tenant set mode=live adopts", p.stderr)
t.eq(json.loads(s.cli("tenant", "show", "prev", "--json").stdout)["mode"], "live",
     "tenant show --json: mode live")
t.ok("preview" not in record("prev"), "the tenant record no longer names a preview")
t.eq(keys_under(num), 0, "the preview's keys are gone")
p = s.cli("tenant", "set", "prev", "mode=live", check=False)
t.ok(p.returncode == 1 and "live already" in p.stderr, "mode=live when live is refused")

# The final state: the replay's expectations with the tenant's own users
# and groups that remain, and the same as the live run.
own = {"users": [
    {"userName": "keep@fabrikam.example", "active": True, "manager": None,
     "appRoles": ["member"], "groups": ["group:Legacy"], "attributes": {"title": "Engineer"}},
    {"userName": "leaver@fabrikam.example", "active": False, "manager": None,
     "appRoles": [], "groups": ["group:Legacy"]},
    {"userName": "mover@fabrikam.example", "active": True, "manager": None,
     "appRoles": ["member"], "groups": [], "attributes": {"title": FORGED}}],
    "groups": [{"displayName": "Legacy",
                "members": ["keep@fabrikam.example", "leaver@fabrikam.example"]}]}
want = json.loads(json.dumps(sc.state))
want["users"]["items"] += own["users"]
want["groups"]["items"] += own["groups"]
res = player.state(sc, pctx, want)
t.ok(res and all(res), "adopted: the replay's final state checks pass (%d)" % len(res))
res = player.state(sc, lctx, want)
t.ok(res and all(res), "live run: the same final state checks pass (%d)" % len(res))
t.eq(named_state(ptok), named_state(lctx.token),
     "adopted: every user and group equals the live run's (ids as names; meta times, "
     "versions and locations aside)")
t.eq(s.cli("schema", "list", "prev").stdout, s.cli("schema", "list", "live").stdout,
     "adopted: the attributes declared are the live run's")
t.ok("badgeId" in s.cli("schema", "list", "prev").stdout, "adopted: badgeId declared")
ul = lambda n: sorted(l.split("\t", 1)[1] for l in cli_lines("user", "list", n))
t.eq(ul("prev"), ul("live"), "adopted: scimlet user list equals the live run's")
p = s.cli("user", "check", "prev", "user07@contoso.com", "admin", check=False)
t.eq(p.returncode, 0, "adopted: user check sees a user the preview made", p.stderr)

# The feed: one record per resource the adoption changed, with the state now.
after = changes(ptok)["changes"]
new = after[len(before_feed["changes"]):]
t.eq(after[:len(before_feed["changes"])], before_feed["changes"], "the feed before is kept")
users_now = {u["id"]: u for u in get_all(ptok, "Users")}
byname = {u["userName"]: i for i, u in users_now.items()}
want_ops = sorted([("User", n, "create") for n in exp_users] +
                  [("User", "leaver@fabrikam.example", "deactivate"),
                   ("User", "gone@fabrikam.example", "delete"),
                   ("User", "mover@fabrikam.example", "update")] +
                  [("Group", n, "create") for n in exp_groups] +
                  [("Group", "Old Team", "delete"), ("Group", "Legacy", "members")])
got_ops = sorted((c["type"], (c.get("userName") or "").lower() if c["type"] == "User"
                  else c.get("displayName"), c["op"]) for c in new)
t.eq(got_ops, want_ops, "the feed: one record per resource the adoption changed")
t.eq(len({(c["type"], c["id"]) for c in new}), len(new), "the feed: no resource twice")
bad = []
for c in new:
    if c["type"] != "User" or c["op"] == "delete":
        continue
    u = users_now.get(c["id"])
    groups = sorted(g["value"] for g in (u or {}).get("groups", []))
    if u is None or c["active"] != u.get("active") or c["groups"] != groups or \
            sorted(c["appRoles"]) != sorted((u.get(EXT) or {}).get("appRoles", [])):
        bad.append(c)
t.eq(bad, [], "the feed: each user record has the user's state now")
legacy = [c for c in new if c.get("displayName") == "Legacy"]
t.eq(sorted(legacy[0]["members_removed"]) if legacy else None,
     sorted([pids["gone"], pids["mover"]]), "the feed: Legacy's removed members")
t.eq(len(global_feed("prev")), len(before_global) + len(new),
     "the global feed: the same records")

# The audit: every deprovisioning with its before-image; restore undoes it.
entries = [json.loads(l) for l in cli_lines("audit", "list", "prev", "--json")]
newa = entries[audit_before:]
t.eq(sorted((e["action"], e["name"]) for e in newa),
     sorted([("user.deactivated", "leaver@fabrikam.example"),
             ("user.deleted", "gone@fabrikam.example"),
             ("group.deleted", "Old Team"), ("member.removed", "Legacy"),
             ("operator.preview.adopted", "")]), "the audit: each deprovisioning, and the adoption")
op = [e for e in newa if e["action"] == "operator.preview.adopted"]
t.eq(op[0]["detail"] if op else None, rep["counts"], "the adoption's entry has the counts")
t.eq(s.cli("audit", "verify", "prev", check=False).returncode, 0, "the audit chain holds")
first = min(e["seq"] for e in newa)
p = s.cli("restore", "prev", "--since", str(first), check=False)
t.eq(p.returncode, 0, "restore --since undoes the adoption's deprovisionings", p.stdout + p.stderr)
now = named_state(ptok)
for who in ("gone@fabrikam.example", "leaver@fabrikam.example"):
    was = [x for x in before_named if '"userName": "%s"' % who in x]
    t.eq([x for x in now if '"userName": "%s"' % who in x], was,
         "restored: %s as it was before the preview" % who)
for dn in ("Old Team",):
    was = [x for x in before_named if '"displayName": "%s"' % dn in x]
    t.eq([x for x in now if '"displayName": "%s"' % dn in x], was,
         "restored: group %s as it was" % dn)
lg = s.req("GET", "/Groups/" + pids["Legacy"], token=ptok).json
t.eq(sorted(m["value"] for m in lg.get("members", [])),
     sorted(pids[w] for w in ("keep", "leaver", "gone", "mover")),
     "restored: Legacy's members as they were")

# ---------------------------------------------------------------- discard

dctx, dids = seed("disc")
dtok = dctx.token
d_raw = raw_state(dtok)
d_feed = s.req("GET", "/.changes?count=1000", token=dtok).body
d_cli = feed_cli("disc")
d_list = cli_lines("user", "list", "disc")
d_audit = cli_lines("audit", "list", "disc")
d_schema = s.cli("schema", "list", "disc").stdout
d_schemas = s.req("GET", "/Schemas", token=dtok).body
s.cli("tenant", "set", "disc", "mode=preview")
dnum = record("disc")["preview"]
t.ok(dnum not in (0, num), "a fresh preview number", dnum)
player.play(sc, ctx=dctx, setup=False, state=False)
t.eq(player.results[-1][1], player.results[-1][2], "discard: every replay step passes")
t.eq(extra(dtok, dids), EXTRA_STATUS, "discard: the deprovisionings")
t.ok(keys_under(dnum) > 0, "the preview has keys of its own")
p = s.cli("tenant", "set", "disc", "mode=live", "--discard", check=False)
t.eq(p.returncode, 0, "tenant set mode=live --discard", p.stderr)
t.eq(raw_state(dtok), d_raw, "discarded: every user and group byte for byte as before")
t.eq(s.req("GET", "/.changes?count=1000", token=dtok).body, d_feed,
     "discarded: GET /.changes byte for byte")
t.eq(feed_cli("disc"), d_cli, "discarded: scimlet changes byte for byte")
t.eq(cli_lines("user", "list", "disc"), d_list, "discarded: user list")
t.ok("badgeId" not in d_schema, "the tenant declared no contoso attribute before", d_schema)
t.eq(s.cli("schema", "list", "disc").stdout, d_schema,
     "discarded: the attributes the preview declared are gone")
t.eq(s.req("GET", "/Schemas", token=dtok).body, d_schemas, "discarded: GET /Schemas byte for byte")
t.eq(keys_under(dnum), 0, "discarded: the preview's keys are gone")
da = [json.loads(l) for l in cli_lines("audit", "list", "disc", "--json")]
t.eq([l for l in cli_lines("audit", "list", "disc")][:len(d_audit)], d_audit,
     "discarded: the audit before is kept")
t.eq([e["action"] for e in da[len(d_audit):]],
     ["operator.preview.started", "operator.preview.discarded"],
     "discarded: audited, nothing else")
t.eq(da[-1]["detail"], rep["counts"], "the discard's entry has what was dropped")
p = s.cli("tenant", "set", "disc", "mode=live", "--discard", check=False)
t.eq(p.returncode, 1, "--discard when live is refused")
p = s.cli("tenant", "set", "disc", "mode=preview", "--discard", check=False)
t.eq(p.returncode, 2, "--discard with mode=preview is a usage error")

# ---------------------------------------------------------------- remove

rtok = s.tenant("gone")
s.req("POST", "/Users", user("x@example.com"), token=rtok)
s.cli("tenant", "set", "gone", "mode=preview")
rnum = record("gone")["preview"]
s.req("POST", "/Users", user("y@example.com"), token=rtok)
t.ok(keys_under(rnum) > 0, "a preview to remove")
s.cli("tenant", "remove", "gone", "--yes")
t.eq(keys_under(rnum), 0, "tenant remove drops the preview's keys")

s.stop()
t.done()
