#!/usr/bin/env python3
"""The console's read endpoints and roles (issue 19), over HTTP against
the real worker: part of an Entra cycle (a lookup, creates, a PATCH, a
bad value fixed in the same cycle, a taken userName refused with 409) is
seen as a cycle with its failures, the outstanding one first, with the
request id and the detail Entra got; the activity list agrees with
`scimlet activity --json` filter by filter; users and groups are found
by part of their names and shown with groups, roles and history; a role
change's preview counts exactly the users whose roles the change then
changes, and changes nothing itself; the change is audited as the CLI's
with the console as actor; a tenant admin of another tenant gets 404 on
every URL."""
import atexit
import json
import shutil
import tempfile
import urllib.parse

from harness import URN_GROUP, URN_USER, Server, Tap, patchop, user

UA = "Azure-AD-SCIM-Provisioning/e2e"

t = Tap()
files = tempfile.mkdtemp(prefix="scimlet-console.")
atexit.register(shutil.rmtree, files, True)
with open(files + "/index.html", "w") as f:
    f.write("<!doctype html><title>scimlet</title>\n")
s = Server(console=files)
acme = s.tenant("acme")
globex = s.tenant("globex")
s.cli("role", "map", "acme", "Admin", "admin")
s.cli("role", "map-group", "acme", "Eng", "engineer")
s.req("POST", "/Users", user("g@globex.example"), token=globex)


def scim(method, path, body=None):
    return s.req(method, path, body, token=acme, headers={"User-Agent": UA})


def call(method, path, body=None, who=None):
    """One request to the console's API as who (cookie, csrf); returns
    (status, body as JSON or text)."""
    st, _, out = s.admin(method, "/api" + path, body, cookie=who[0] if who else None,
                         csrf=who[1] if who else None)
    return st, out


def sign_in(*args):
    return s.admin_sign_in(s.cli("admin", "issue", *args).stdout.strip())


def lines(*args):
    p = s.cli(*args, check=False)
    try:
        return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    except ValueError:
        return ["not JSON: " + p.stdout]


def get(path, who=None):
    return call("GET", path, who=who or op)


op = sign_in("--operator")
other = sign_in("--tenant", "globex")

# --- part of an Entra cycle
r = scim("GET", "/Users?filter=" + urllib.parse.quote('userName eq "ann@acme.example"'))
t.eq(r.status, 200, "entra: the lookup before the create")
r = scim("POST", "/Users", user("ann@acme.example", displayName="Ann Arbor",
                                 roles=[{"value": "Admin"}]))
ann = r.json["id"] if r.status == 201 else None
r = scim("POST", "/Users", user("bob@acme.example", displayName="Bob Builder"))
bob = r.json["id"] if r.status == 201 else None
r = scim("POST", "/Users", user("carol@acme.example", displayName="Carol Jones"))
carol = r.json["id"] if r.status == 201 else None
bad = scim("POST", "/Users", user("dave@acme.example", active="perhaps"))
t.eq(bad.status, 400, "entra: a bad value gets 400")
r = scim("POST", "/Users", user("dave@acme.example", displayName="Dave"))
dave = r.json["id"] if r.status == 201 else None
t.ok(None not in (ann, bob, carol, dave), "entra: four users created")
r = scim("PATCH", "/Users/" + str(ann), patchop({"op": "replace", "path": "displayName",
                                                 "value": "Ann B. Arbor"}))
t.eq(r.status, 200, "entra: a PATCH")
r = scim("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "Eng",
                             "members": [{"value": ann}, {"value": bob}]})
eng = r.json["id"] if r.status == 201 else None
t.eq(r.status, 201, "entra: a group with two members")
r = scim("PATCH", "/Users/" + str(carol), patchop({"op": "replace", "path": "active",
                                                   "value": False}))
t.eq(r.status, 200, "entra: a deactivation")
dup = scim("POST", "/Users", user("BOB@acme.example"))
t.eq(dup.status, 409, "entra: a taken userName gets 409")
dup_rid = dup.header("X-Request-Id")
dup_detail = dup.json.get("detail")

# The failed requests' and reads' records reach the log after their
# responses: both readers compared below must see the same log.
s.settle("acme")

# --- cycles
st, body = get("/tenants/acme/cycles")
cycles = body.get("cycles") if isinstance(body, dict) else None
cli_cycles = lines("cycles", "acme", "--json")
t.eq((st, cycles, body.get("more") if isinstance(body, dict) else None),
     (200, list(reversed(cli_cycles)), False),
     "cycles: the CLI's cycles --json objects, newest first", body)
t.ok(len(cli_cycles) == 1 and cli_cycles[0]["failures"] == 2 and
     cli_cycles[0]["outstanding"] == 1, "cycles: one, with 2 failures, 1 outstanding", cli_cycles)
st, body = get("/tenants/acme/cycles?limit=0")
t.eq(st, 400, "cycles?limit=0: 400")
st, body = get("/tenants/acme/cycles?limit=1001")
t.eq(st, 400, "cycles?limit=1001: 400 (at most 1000)")
st, body = get("/tenants/acme/cycles/last")
cy = body.get("cycle", {}) if isinstance(body, dict) else {}
failed = cy.get("failed", [])
t.eq([f.get("state") for f in failed], ["outstanding", "recovered"],
     "cycle last: the outstanding failure first", body)
f0 = failed[0] if failed else {}
t.eq((f0.get("request"), f0.get("status"), f0.get("detail"), f0.get("resourceType"),
      f0.get("method")),
     (dup_rid, 409, dup_detail, "User", "POST"),
     "cycle last: the 409's request id, resource and the detail Entra got", f0)
t.eq(failed[1:] and failed[1].get("request"), bad.header("X-Request-Id"),
     "cycle last: then the 400, recovered", failed)
one = lines("cycle", "acme", cy.get("id", "x"), "--json")
if one and isinstance(one[0], dict):
    want = dict(one[0])
    want["failed"] = sorted(want.get("failed", []), key=lambda f: f.get("state") != "outstanding")
    t.eq(cy, want, "cycle ID: the CLI's cycle --json object, failures reordered")
else:
    t.ok(False, "cycle ID --json", one)
st, body = get("/tenants/acme/cycles/" + cy.get("id", "x"))
t.eq((st, body.get("cycle") if isinstance(body, dict) else None), (200, cy),
     "cycles/ID: the same cycle by its id")
st, body = get("/tenants/acme/cycles/0123456789abcdef")
t.eq(st, 404, "cycles/UNKNOWN: 404")
st, body = call("POST", "/tenants/acme/cycles", {}, who=op)
t.eq(st, 405, "cycles: read only")

# --- activity
records = lines("activity", "acme", "--json")
third = records[2]["time"] if len(records) > 2 else "x"
for q, args in [("", ()), ("status=4xx", ("--status", "4xx")),
                ("status=409", ("--status", "409")), ("status=201", ("--status", "201")),
                ("status=5xx", ("--status", "5xx")),
                ("user=bob%40acme.example", ("--user", "bob@acme.example")),
                ("user=" + str(ann), ("--user", str(ann))),
                ("user=dave%40acme.example", ("--user", "dave@acme.example")),
                ("group=Eng", ("--group", "Eng")),
                ("request=" + str(dup_rid), ("--request", str(dup_rid))),
                ("limit=3", ("--limit", "3")),
                ("status=4xx&limit=1", ("--status", "4xx", "--limit", "1")),
                ("since=" + urllib.parse.quote(third), ("--since", third)),
                ("last=1h", ("--last", "1h"))]:
    want = lines("activity", "acme", "--json", *args)
    st, body = get("/tenants/acme/activity" + ("?" + q if q else ""))
    got = body.get("records") if isinstance(body, dict) else body
    t.eq((st, got), (200, want), "activity?%s: as activity --json %s (%d records)" %
         (q, " ".join(args), len(want)))
t.ok(len(lines("activity", "acme", "--json", "--status", "4xx")) == 2,
     "(the filters select: 2 of the records are 4xx)")
st, body = get("/tenants/acme/activity?limit=3")
t.eq(body.get("more"), True, "activity?limit=3: more, as older ones were cut")
st, body = get("/tenants/acme/activity")
t.eq((body.get("more"), len(body.get("records", []))), (False, len(records)),
     "activity: all of them, more false")
for q in ("status=6xx", "since=yesterday", "last=forever", "limit=x",
          "user=a&group=b"):
    st, body = get("/tenants/acme/activity?" + q)
    t.eq(st, 400, "activity?%s: 400" % q, body)

# --- users and groups
def names(body, key="users", field="userName"):
    return sorted(u.get(field) for u in (body or {}).get(key, []))


st, body = get("/tenants/acme/users?q=bob")
t.eq((st, names(body)), (200, ["bob@acme.example"]), "users?q=bob: by the userName's start")
st, body = get("/tenants/acme/users?q=arb")
t.eq(names(body), ["ann@acme.example"], "users?q=arb: by the displayName's part")
st, body = get("/tenants/acme/users?q=BUILD")
t.eq(names(body), ["bob@acme.example"], "users?q=BUILD: by part of displayName, any case")
st, body = get("/tenants/acme/users?q=acme.example")
t.eq((names(body), body.get("more")),
     (["ann@acme.example", "bob@acme.example", "carol@acme.example", "dave@acme.example"],
      False), "users?q=acme.example: all four", body)
st, body = get("/tenants/acme/users?q=zzz")
t.eq((st, body), (200, {"users": [], "more": False}), "users?q=zzz: none")
st, body = get("/tenants/acme/users?limit=2")
t.eq((len(body.get("users", [])), body.get("more")), (2, True), "users?limit=2: two, and more")
st, body = get("/tenants/acme/users?q=ann")
want = [dict(o, displayName="Ann B. Arbor") for o in lines("user", "list", "acme", "--json")
        if o.get("id") == ann]
t.eq(body.get("users"), want, "users: the objects of user list --json, with displayName")

st, body = get("/tenants/acme/users/" + str(ann))
body = body if isinstance(body, dict) else {}
t.eq((st, body.get("user", {}).get("id"), body.get("user", {}).get("displayName")),
     (200, ann, "Ann B. Arbor"), "users/ID: the SCIM resource")
t.eq(body.get("groups"), [{"id": eng, "displayName": "Eng"}], "users/ID: its groups")
t.eq(body.get("roles"), ["admin", "engineer"], "users/ID: its application roles")
t.eq(body.get("activity"), lines("activity", "acme", "--json", "--user", "ann@acme.example"),
     "users/ID: its activity, as activity --user USERNAME")
t.ok(len(body.get("activity", [])) == 3, "users/ID: its lookup, create and PATCH",
     len(body.get("activity", [])))
st, body = get("/tenants/acme/users/CAROL@acme.example")
body = body if isinstance(body, dict) else {}
acts = [e.get("action") for e in body.get("audit", [])]
t.eq((st, body.get("user", {}).get("id"), acts, body.get("roles")),
     (200, carol, ["user.deactivated"], []),
     "users/USERNAME: by userName, any case; its audit entries; inactive: no roles", body)
t.eq(body.get("audit"), lines("audit", "list", "acme", "--id", str(carol), "--json"),
     "users/ID: its audit entries as audit list --id ID --json has them")
t.eq(body.get("more"), {"groups": False, "activity": False, "audit": False},
     "users/ID: nothing cut")
st, body = get("/tenants/acme/users/" + str(eng))
t.eq(st, 404, "users/ID of a group: 404")
st, body = get("/tenants/acme/users/nobody")
t.eq(st, 404, "users/UNKNOWN: 404")

st, body = get("/tenants/acme/groups?q=en")
t.eq((st, body), (200, {"groups": [{"id": eng, "displayName": "Eng", "externalId": None,
                                     "members": 2}], "more": False}),
     "groups?q=en: by part of displayName, with its member count")
st, body = get("/tenants/acme/groups?q=zz")
t.eq(body, {"groups": [], "more": False}, "groups?q=zz: none")
st, body = get("/tenants/acme/groups/" + str(eng))
body = body if isinstance(body, dict) else {}
t.eq((st, body.get("group", {}).get("displayName"), body.get("memberCount"),
      sorted(m.get("id") for m in body.get("members", [])), body.get("more")),
     (200, "Eng", 2, sorted([ann, bob]), False),
     "groups/ID: the group, its member count and members")
t.ok(all(m.get("type") == "User" for m in body.get("members", [])), "members are users")
st, body = get("/tenants/acme/groups/eng")
t.eq((st, (body or {}).get("group", {}).get("id")), (200, eng), "groups/DISPLAYNAME, any case")

# --- roles
st, body = get("/tenants/acme/roles")
t.eq((st, body), (200, {"source": "roles", "default": None, "unknown": "default",
                        "mappings": [{"kind": "group", "value": "eng", "role": "engineer",
                                      "users": 2},
                                     {"kind": "value", "value": "admin", "role": "admin",
                                      "users": 1}], "more": False}),
     "roles: source, default, unknown, mappings with their holders")


def user_roles():
    return {o["id"]: o["appRoles"] for o in lines("user", "list", "acme", "--json")}


def audit_count():
    return len(lines("audit", "list", "acme", "--json"))


def preview_apply(change, label):
    before = user_roles()
    n_audit = audit_count()
    st, pv = call("POST", "/tenants/acme/roles/preview", change, who=op)
    pv = pv if isinstance(pv, dict) else {}
    t.eq(st, 200, label + ": preview", pv)
    t.eq((user_roles(), audit_count()), (before, n_audit),
         label + ": the preview changed nothing, wrote no audit entry")
    st, res = call("POST", "/tenants/acme/roles", change, who=op)
    after = user_roles()
    changed = sorted(i for i in after if after[i] != before.get(i))
    t.eq(st, 200, label + ": applied", res)
    t.eq(pv.get("affected"), len(changed),
         label + ": the preview's count is the users whose roles changed (%d)" % len(changed))
    t.eq(sorted(u.get("id") for u in pv.get("users", [])), changed,
         label + ": and they are the ones listed")
    t.eq(sorted((u["id"], u["before"], u["after"]) for u in pv.get("users", [])),
         sorted((i, before[i], after[i]) for i in changed),
         label + ": with their roles before and after")
    t.eq((res or {}).get("changed"), len(changed), label + ": the change says as much")
    return pv, changed


eng_before = lines("user", "list", "acme", "--role", "engineer", "--json")
pv, changed = preview_apply({"op": "map-group", "group": "Eng", "role": "builder"},
                            "map-group Eng builder")
t.eq(changed, sorted([ann, bob]), "map-group: Eng's members changed")
t.eq(sorted(o["id"] for o in lines("user", "list", "acme", "--role", "builder", "--json")),
     sorted(o["id"] for o in eng_before), "user list --role builder: who had engineer")
ent = lines("audit", "list", "acme", "--json")[-1:]
ent = ent[0] if ent and isinstance(ent[0], dict) else {}
t.eq((ent.get("action"), ent.get("type"), ent.get("id"), ent.get("detail"), ent.get("token")),
     ("operator.role", "Role", "Eng", ["map-group", "acme", "Eng", "builder"], "console"),
     "audited as `role map-group` is, with the console as actor", ent)
t.ok("scimlet console (operator " in (ent.get("agent") or ""), "the console's agent", ent)
log = s.cli("admin", "log", "--json", check=False).stdout
t.ok("role map-group" in log, "and in the admin log", log[-400:])

pv, changed = preview_apply({"op": "default", "role": "member"}, "default member")
t.eq(changed, sorted([dave]), "default: the one active user without a role")
pv, changed = preview_apply({"op": "unmap", "value": "Admin"}, "unmap Admin")
t.eq(changed, [ann], "unmap Admin: ann")
pv, changed = preview_apply({"op": "unknown", "policy": "reject"}, "unknown reject")
t.eq((pv.get("affected"), pv.get("appliesLater")), (0, True), "unknown: applies later, none now")
st, body = get("/tenants/acme/roles")
t.eq((body.get("default"), body.get("unknown")), ("member", "reject"), "roles: the new settings")

st, body = call("POST", "/tenants/acme/roles/preview", {"op": "frob", "value": "x"}, who=op)
t.eq(st, 400, "preview of an unknown op: 400", body)
st, body = call("POST", "/tenants/acme/roles/preview", {"op": "map", "value": "x"}, who=op)
t.eq(st, 400, "map without a role: 400", body)
st, body = call("POST", "/tenants/acme/roles", {"op": "unmap", "value": "nosuch"}, who=op)
t.eq(st, 404, "unmap of no mapping: 404", body)
st, body = call("POST", "/tenants/acme/roles/preview", {"op": "default", "role": "x"},
                who=(op[0], None))
t.eq(st, 403, "a preview needs the anti-CSRF token too")

# --- a tenant admin of another tenant
urls = ["/tenants/acme/cycles", "/tenants/acme/cycles/last", "/tenants/acme/activity",
        "/tenants/acme/users", "/tenants/acme/users/" + str(ann), "/tenants/acme/groups",
        "/tenants/acme/groups/" + str(eng), "/tenants/acme/roles"]
for u in urls:
    st, body = get(u, who=other)
    t.eq(st, 404, "globex's admin: GET %s is 404" % u.replace(str(ann), "ID").replace(
        str(eng), "ID"), body)
for u in ("/tenants/acme/roles", "/tenants/acme/roles/preview"):
    st, body = call("POST", u, {"op": "default", "role": "pwned"}, who=other)
    t.eq(st, 404, "globex's admin: POST %s is 404" % u, body)
st, body = get("/tenants/acme/roles")
t.eq(body.get("default"), "member", "and changed nothing")
for u in ("/tenants/globex/cycles", "/tenants/globex/users", "/tenants/globex/roles",
          "/tenants/globex/activity"):
    st, body = get(u, who=other)
    t.eq(st, 200, "globex's admin: GET %s is theirs" % u)
st, body = get("/tenants/globex/users?q=g", who=other)
t.eq(names(body), ["g@globex.example"], "globex's users only")

t.done()
