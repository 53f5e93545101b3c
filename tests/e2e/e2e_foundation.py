#!/usr/bin/env python3
"""Defects of the foundation issue (12), each through lighttpd and the
real worker: PATCH semantics (projection, writes that change nothing),
deprovisioning and roles, audit images and operator entries, the CLI and
the worker computing roles alike."""
import json
import os
import subprocess

from harness import Server, Tap, URN_USER, patchop, CLI

HERE = os.path.dirname(os.path.abspath(__file__))
SCIMLET = "urn:scimlet:schemas:extension:2.0:User"
URN_ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
t = Tap()
s = Server()


def get(tok, path):
    return s.req("GET", path, token=tok)


def roles(tok, uid):
    return (get(tok, "/Users/" + uid).json or {}).get(SCIMLET, {}).get("appRoles", [])


def audit(tenant):
    """The tenant's audit entries (audit export: one JSON object a line)."""
    out = s.cli("audit", "export", tenant).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


# --- PATCH: RFC 7644 §3.5.2, attributes/excludedAttributes -> 200 projected
a = s.tenant("pa")
s.cli("tenant", "set", "pa", "patch-response=no-content")
u = s.req("POST", "/Users", {"userName": "p1@x", "displayName": "P One",
                             "title": "T"}, token=a).json
r = s.req("PATCH", "/Users/" + u["id"], patchop({"op": "replace", "path": "title",
                                                 "value": "T2"}), token=a)
t.status(r, 204, "patch-response=no-content: a plain PATCH answers 204")
r = s.req("PATCH", "/Users/" + u["id"] + "?attributes=title",
          patchop({"op": "replace", "path": "title", "value": "T3"}), token=a)
t.status(r, 200, "PATCH?attributes=title answers 200 whatever patch-response says")
t.eq(sorted((r.json or {}).keys()), ["id", "schemas", "title"],
     "and the resource is projected to title (id, schemas always)")
t.eq((r.json or {}).get("title"), "T3", "with the patched value")
r = s.req("PATCH", "/Users/" + u["id"] + "?excludedAttributes=displayName",
          patchop({"op": "replace", "path": "title", "value": "T4"}), token=a)
t.ok(r.status == 200 and "displayName" not in (r.json or {}) and
     (r.json or {}).get("userName") == "p1@x",
     "PATCH?excludedAttributes=displayName: 200 without displayName", r.text[:300])
g = s.req("POST", "/Groups", {"displayName": "G1"}, token=a).json
r = s.req("PATCH", "/Groups/" + g["id"], patchop({"op": "add", "path": "members",
                                                  "value": [{"value": u["id"]}]}), token=a)
t.status(r, 204, "a Group PATCH answers 204")
r = s.req("PATCH", "/Groups/" + g["id"] + "?attributes=displayName",
          patchop({"op": "replace", "path": "displayName", "value": "G1b"}), token=a)
t.eq((r.status, (r.json or {}).get("displayName"), "members" in (r.json or {})),
     (200, "G1b", False), "a Group PATCH?attributes=displayName: 200, projected")

# --- A PATCH (or PUT) that changes nothing keeps version and lastModified
b = s.tenant("pb")
u = s.req("POST", "/Users", {"userName": "same@x", "active": True,
                             "name": {"givenName": "S"}}, token=b).json
before = get(b, "/Users/" + u["id"])
ver, mod = before.header("ETag"), before.json["meta"]["lastModified"]
for what, op in (("replace active true again", {"op": "Replace", "path": "active", "value": "True"}),
                 ("replace givenName with itself", {"op": "replace", "path": "name.givenName",
                                                    "value": "S"}),
                 ("add an existing value", {"op": "add", "value": {"userName": "same@x"}})):
    r = s.req("PATCH", "/Users/" + u["id"], patchop(op), token=b)
    after = get(b, "/Users/" + u["id"])
    t.ok(r.status == 200 and after.header("ETag") == ver and
         after.json["meta"]["lastModified"] == mod and r.header("ETag") == ver,
         "PATCH that changes nothing (%s): version and lastModified kept" % what,
         "%s %s -> %s" % (r.status, ver, after.header("ETag")))
changes = s.cli("changes", "--tenant", "pb", "--since", "0").stdout.strip().splitlines()
t.eq(len(changes), 1, "and no change record is written for it (only the create)",
     "\n".join(changes))
r = s.req("PATCH", "/Users/" + u["id"], patchop({"op": "replace", "path": "name.givenName",
                                                 "value": "S2"}), token=b)
t.ok(r.header("ETag") != ver, "a PATCH that changes something gets a new version")
g = s.req("POST", "/Groups", {"displayName": "GS", "members": [{"value": u["id"]}]},
          token=b).json
gv = get(b, "/Groups/" + g["id"]).header("ETag")
s.req("PATCH", "/Groups/" + g["id"], patchop({"op": "add", "path": "members",
                                              "value": [{"value": u["id"]}]}), token=b)
t.eq(get(b, "/Groups/" + g["id"]).header("ETag"), gv,
     "re-adding a member the group has keeps the group's version")
u2 = s.req("POST", "/Users", {"userName": "other@x"}, token=b).json
s.req("PATCH", "/Groups/" + g["id"], patchop({"op": "add", "path": "members",
                                              "value": [{"value": u2["id"]}]}), token=b)
t.ok(get(b, "/Groups/" + g["id"]).header("ETag") != gv,
     "adding a new member changes the group's version")

# Okta pushes a group's whole member list with PUT, every cycle.
g = s.req("POST", "/Groups", {"displayName": "GP", "members": [{"value": u["id"]},
                                                              {"value": u2["id"]}]},
          token=b).json
gv = get(b, "/Groups/" + g["id"]).header("ETag")
r = s.req("PUT", "/Groups/" + g["id"], {"displayName": "GP", "members": [
    {"value": u2["id"]}, {"value": u["id"]}]}, token=b)
t.ok(r.status == 200 and r.header("ETag") == gv,
     "a group PUT with the same members (any order) keeps the version",
     "%s %s -> %s" % (r.status, gv, r.header("ETag")))
r = s.req("PUT", "/Groups/" + g["id"], {"displayName": "GP", "members": [
    {"value": u2["id"]}]}, token=b)
t.ok(r.status == 200 and r.header("ETag") != gv and
     [m["value"] for m in r.json.get("members", [])] == [u2["id"]],
     "a group PUT without a member removes it, and only it", r.text[:300])
gv = r.header("ETag")
r = s.req("PATCH", "/Groups/" + g["id"], patchop({"op": "replace", "path": "members",
                                                  "value": [{"value": u2["id"]}]}), token=b)
t.ok(r.status == 204 and r.header("ETag") == gv,
     "a PATCH replacing members with the same list keeps the version",
     "%s %s -> %s" % (r.status, gv, r.header("ETag")))
gone = [x for x in audit("pb") if x.get("action") == "member.removed"]
t.eq([(x.get("id"), x["before"]["member"]["value"]) for x in gone], [(g["id"], u["id"])],
     "one member.removed entry, for the member left out")

# --- Deprovisioning is never refused by the role policy
c = s.tenant("pc")
s.cli("role", "map", "pc", "Admin", "admin")
u = s.req("POST", "/Users", {"userName": "dep@x", "roles": [{"value": "Admin"}]},
          token=c).json
t.eq(roles(c, u["id"]), ["admin"], "mapped role value -> admin")
s.cli("role", "unknown", "pc", "reject")
s.cli("role", "unmap", "pc", "Admin")
r = s.req("PATCH", "/Users/" + u["id"],
          patchop({"op": "Replace", "path": "active", "value": "False"}), token=c)
t.status(r, 200, "reject policy + unmapped held value: Entra's deactivation still applies")
t.eq(get(c, "/Users/" + u["id"]).json.get("active"), False, "the user is inactive")
r = s.req("PATCH", "/Users/" + u["id"],
          patchop({"op": "replace", "path": "displayName", "value": "D"}), token=c)
t.status(r, 200, "an update that brings no new role value is not judged")
r = s.req("PATCH", "/Users/" + u["id"],
          patchop({"op": "add", "path": "roles", "value": [{"value": "Nope"}]}), token=c)
t.error(r, 400, "invalidValue", "a value the request brings is still judged")
r = s.req("DELETE", "/Users/" + u["id"], token=c)
t.status(r, 204, "and deleting the user is never refused")

# --- An inactive user holds no application role; reactivation gives them back
d = s.tenant("pd")
s.cli("role", "map", "pd", "Admin", "admin")
u = s.req("POST", "/Users", {"userName": "ina@x", "roles": [{"value": "Admin"}]},
          token=d).json
s.req("PATCH", "/Users/" + u["id"], patchop({"op": "replace", "path": "active",
                                             "value": False}), token=d)
t.eq(roles(d, u["id"]), [], "a deactivated user holds no application role")
r = get(d, '/Users?filter=' + 'urn:scimlet:schemas:extension:2.0:User:appRoles%20eq%20%22admin%22')
t.eq((r.json or {}).get("totalResults"), 0, "appRoles eq \"admin\" does not find it")
out = s.cli("user", "list", "pd", "--role", "admin").stdout
t.ok("ina@x" not in out, "user list --role admin does not list it", out)
lost = [e for e in audit("pd") if e.get("action") == "role.lost"]
t.eq(lost, [], "deactivation writes no role.lost (user.deactivated keeps the image)")
s.req("PATCH", "/Users/" + u["id"], patchop({"op": "replace", "path": "active",
                                             "value": True}), token=d)
t.eq(roles(d, u["id"]), ["admin"], "reactivation gives the roles back")
s.req("PATCH", "/Users/" + u["id"], patchop({"op": "replace", "path": "active",
                                             "value": False}), token=d)
seq = [e for e in audit("pd") if e.get("action") == "user.deactivated"][-1]["seq"]
s.cli("restore", "pd", str(seq))
t.eq(roles(d, u["id"]), ["admin"], "restoring a deactivation gives the roles back too")

# --- role source on a declared core attribute: the CLI computes as the worker
e = s.tenant("pe")
s.cli("schema", "add", "pe", "roleName", "string")
s.cli("role", "source", "pe", URN_USER + ":roleName")
s.cli("role", "map", "pe", "Boss", "boss")
u = s.req("POST", "/Users", {"schemas": [URN_USER], "userName": "rn@x",
                             "roleName": "Boss"}, token=e).json
t.eq(roles(e, u["id"]), ["boss"], "roleName on a declared core attribute -> boss")
s.cli("role", "map", "pe", "Other", "other")
t.eq(roles(e, u["id"]), ["boss"], "role map keeps the roles a declared attribute gives")
lost = [x for x in audit("pe") if x.get("action") == "role.lost"]
t.eq(lost, [], "and writes no false role.lost")

# --- The default role is kept whole up to the mapping limit (200 bytes)
long_role = "r" * 200
s.cli("role", "default", "pe", long_role)
u = s.req("POST", "/Users", {"userName": "dr@x"}, token=e).json
t.eq(roles(e, u["id"]), [long_role], "a 200-byte default role is given whole")

# --- Audit: a deleted user's image names its groups by their displayName;
# operator entries say what they act on.
f = s.tenant("pf")
u = s.req("POST", "/Users", {"userName": "img@x", "displayName": "Img User"},
          token=f).json
g = s.req("POST", "/Groups", {"displayName": "Staff", "members": [{"value": u["id"]}]},
          token=f).json
s.req("DELETE", "/Users/" + u["id"], token=f)
ent = [x for x in audit("pf") if x.get("action") == "user.deleted"][-1]
grp = (ent.get("before") or {}).get("groups") or [{}]
t.eq((grp[0].get("value"), grp[0].get("display")), (g["id"], "Staff"),
     "a deleted user's image lists its group with the group's displayName")
s.cli("restore", "pf", str(ent["seq"]))
m = get(f, "/Groups/" + g["id"]).json.get("members", [])
t.eq([(x.get("value"), x.get("display")) for x in m], [(u["id"], "Img User")],
     "restore puts the membership back with the member's own display")
ops = {x["action"]: x for x in audit("pf") if x["action"].startswith("operator.")}
tok = ops.get("operator.token.issued", {})
t.ok(tok.get("type") == "Token" and len(tok.get("id", "")) == 16 and
     tok.get("token") == "cli" and tok.get("client") != "",
     "operator.token.issued: type Token, the token id, the operator", json.dumps(tok))
ten = ops.get("operator.tenant.added", {})
t.eq((ten.get("type"), ten.get("id")), ("Tenant", "pf"),
     "operator.tenant.added: type Tenant, the tenant's name")
s.cli("role", "map", "pf", "X", "x")
rl = [x for x in audit("pf") if x["action"] == "operator.role"][-1]
t.eq((rl.get("type"), rl.get("id")), ("Role", "X"), "operator.role: type Role, the value")
v = subprocess.run([CLI, "--db", s.db, "audit", "verify", "pf"], capture_output=True,
                   text=True, timeout=30)
t.eq(v.returncode, 0, "and the chain of format 2 entries verifies", v.stdout + v.stderr)
# A broken chain is never pruned: that would erase the evidence.
subprocess.run(["/usr/bin/python3", os.path.join(HERE, "lmdb_edit.py"), s.db, "pf", "1",
                "replace", '"tenant":"pf"', '"tenant":"pX"'], check=True, timeout=30)
p = subprocess.run([CLI, "--db", s.db, "audit", "prune", "pf", "--before",
                    "2999-01-01T00:00:00Z"], capture_output=True, text=True, timeout=30)
t.ok(p.returncode == 1 and "broken at entry 1" in p.stderr,
     "audit prune refuses a broken chain", p.stdout + p.stderr)
v = subprocess.run([CLI, "--db", s.db, "audit", "verify", "pf"], capture_output=True,
                   text=True, timeout=30)
t.ok(v.returncode == 1 and "entry 1:" in v.stderr, "and the break is still there to see",
     v.stderr)

# --- Computing roles fails (a group record the store cannot read): the
# write answers 500 and leaves no write transaction open behind it.
s.tenant("pg")
pg = s.token("pg")
s.cli("role", "map-group", "pg", "Staff", "staff")
u = s.req("POST", "/Users", {"userName": "rf@x"}, token=pg).json
g = s.req("POST", "/Groups", {"displayName": "Staff", "members": [{"value": u["id"]}]},
          token=pg).json
t.eq(roles(pg, u["id"]), ["staff"], "group mapping -> staff")
subprocess.run(["/usr/bin/python3", os.path.join(HERE, "lmdb_edit.py"), s.db, "resource",
                "pg", "G", g["id"], "{not json"], check=True, timeout=30)
for method, body in (("PUT", {"userName": "rf@x", "displayName": "R"}),
                     ("PATCH", patchop({"op": "replace", "path": "displayName",
                                        "value": "R2"}))):
    r = s.req(method, "/Users/" + u["id"], body, token=pg)
    t.error(r, 500, None, "%s of a member of an unreadable group: 500" % method)
    try:
        w = subprocess.run([CLI, "--db", s.db, "tenant", "set", "pg", "max-results=50"],
                           capture_output=True, timeout=1)
        t.eq(w.returncode, 0, "after it another process writes within a second")
    except subprocess.TimeoutExpired:
        t.ok(False, "after it another process writes within a second",
             "the CLI waited on the writer lock for over a second")
ph = s.tenant("ph")
s.cli("role", "map", "ph", "Odd", "odd")
subprocess.run(["/usr/bin/python3", os.path.join(HERE, "lmdb_edit.py"), s.db, "role",
                "ph", "odd", "x" * 300], check=True, timeout=30)
r = s.req("POST", "/Users", {"userName": "odd@x", "roles": [{"value": "Odd"}]}, token=ph)
t.error(r, 500, None, "POST with a role whose mapping cannot be read: 500")
try:
    w = subprocess.run([CLI, "--db", s.db, "tenant", "set", "ph", "max-results=60"],
                       capture_output=True, timeout=1)
    t.eq(w.returncode, 0, "after it another process writes within a second")
except subprocess.TimeoutExpired:
    t.ok(False, "after it another process writes within a second",
         "the CLI waited on the writer lock for over a second")
r = s.req("POST", "/Users", {"userName": "alive@x"}, token=ph)
t.status(r, 201, "and the worker goes on serving writes")

# Extension URNs: "urn:x" names none; the enterprise extension has only
# its own attributes.
s.tenant("pl")
pl = s.token("pl")
u = s.req("POST", "/Users", {"userName": "urn@x", "urn:x": {"a": 1}, "urn:y": "v"},
          token=pl).json
t.ok("urn" not in u and "urn:x" not in u and "urn:y" not in u,
     "POST: keys 'urn:x' and 'urn:y' name no extension: ignored", json.dumps(u))
r = s.req("PATCH", "/Users/" + u["id"], patchop({"op": "add", "path": "urn:x",
                                                 "value": "v"}), token=pl)
t.error(r, 400, "invalidPath", "PATCH path 'urn:x': 400 invalidPath")
r = s.req("PATCH", "/Users/" + u["id"], patchop({"op": "add", "path": URN_ENT + ":nosuch",
                                                 "value": "v"}), token=pl)
t.ok(r.status == 200 and "nosuch" not in json.dumps(r.json),
     "PATCH of an attribute the enterprise extension lacks: ignored, as on create",
     r.text[:300])
decl = s.cli("schema", "list", "pl").stdout
t.ok("urn:x" not in decl and "nosuch" not in decl and "urn:y" not in decl,
     "and nothing of it is declared for the tenant", decl)

# A write that compares a deeply nested value with the stored one does so
# in one pass (cJSON_Compare walks objects twice at every level: 2^depth).
deep = 1
for _ in range(29):
    deep = {"z": 0, "a": deep}
body = {"userName": "deep@x", "urn:example:params:Deep:2.0:User": {"v": deep}}
u = s.req("POST", "/Users", body, token=pl).json
try:
    r = s.req("PUT", "/Users/" + u["id"], body, token=pl, timeout=10)
    t.ok(r.status == 200, "re-sending a 31-deep value: answered, unchanged", r.text[:200])
except Exception as ex:       # the old code took minutes, holding the lock
    t.ok(False, "re-sending a 31-deep value: answered, unchanged", repr(ex))

# A token record that does not parse is a storage error, never skipped.
s.tenant("pk")
bad = s.token("pk")
subprocess.run(["/usr/bin/python3", os.path.join(HERE, "lmdb_edit.py"), s.db, "token",
                bad, "{broken"], check=True, timeout=30)
for args in (("token", "list", "pk"), ("token", "revoke", "0123456789abcdef")):
    p = subprocess.run([CLI, "--db", s.db] + list(args), capture_output=True, text=True,
                       timeout=30)
    t.ok(p.returncode == 1 and "storage error" in p.stderr,
         "scimlet %s with a corrupt token record: a storage error" % " ".join(args[:2]),
         p.stdout + p.stderr)

t.done()
