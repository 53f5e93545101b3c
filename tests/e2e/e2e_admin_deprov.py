#!/usr/bin/env python3
"""The console's deprovisioning API (issue 19) over HTTP against the real
worker: the audit log with `audit list`'s filters, restore of one entry
and of a whole sync cycle (the dry run changes nothing, the restore
brings the users back over SCIM with their groups and roles, audited
with the console as actor), and the breaker (status, reset, release: the
held deletes then pass).  The answers are the CLI's `--json` objects,
made by the same library calls.  A tenant admin of another tenant gets
404 on every URL; a change without the anti-CSRF token gets 403."""
import atexit
import json
import os
import shutil
import tempfile
import time

from harness import URN_PATCH, Server, Tap, user

EXT = "urn:scimlet:schemas:extension:2.0:User"
UA = "Azure-AD-SCIM-Provisioning/e2e"
GAP = 3         # the tenant's cycle gap, seconds

t = Tap()
files = tempfile.mkdtemp(prefix="scimlet-console.")
atexit.register(shutil.rmtree, files, True)
with open(os.path.join(files, "index.html"), "w") as f:
    f.write("<!doctype html><title>scimlet</title>\n")
s = Server(console=files)
entra = s.tenant("acme")
s.tenant("globex")
s.cli("tenant", "set", "acme", "cycle-gap=%ds" % GAP)
s.cli("role", "map-group", "acme", "Eng", "engineer")
reader = s.cli("token", "issue", "acme", "--label", "reader", "--scope",
               "read").stdout.strip()


def call(method, path, body=None, cookie=None, csrf=None):
    """One request to the console's API; (status, body as JSON)."""
    st, _, out = s.admin(method, "/api/" + path, body, cookie=cookie, csrf=csrf)
    return st, out


def sign_in(credential):
    return s.admin_sign_in(credential)


def req(method, path, body=None, tok=None):
    return s.req(method, path, body, token=tok or entra, headers={"User-Agent": UA})


def clijson(*args):
    p = s.cli(*args, check=False)
    return [json.loads(x) for x in p.stdout.splitlines() if x.strip()]


def get_user(uid):
    return s.req("GET", "/Users/" + uid, token=reader)


def roles(r):
    return (r.json or {}).get(EXT, {}).get("appRoles", [])


# --- a tenant: Eng gives engineer; a bad cycle deactivates 2, deletes 2
ids = []
for i in range(5):
    r = req("POST", "/Users", user("u%d@acme.example" % i))
    ids.append(r.json["id"])
r = req("POST", "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                            "displayName": "Eng",
                            "members": [{"value": x} for x in ids]})
eng = r.json["id"]
t.eq(roles(get_user(ids[0])), ["engineer"], "setup: Eng's members hold engineer")
time.sleep(GAP + 1.5)
for uid in ids[:2]:
    req("PATCH", "/Users/" + uid, {"schemas": [URN_PATCH], "Operations": [
        {"op": "Replace", "path": "active", "value": "False"}]})
for uid in ids[2:4]:
    req("DELETE", "/Users/" + uid)
time.sleep(GAP + 1.5)
t.eq([get_user(x).status for x in ids], [200, 200, 404, 404, 200], "setup: two users deleted")

op = s.cli("admin", "issue", "--operator").stdout.strip()
op_id = s.cli("admin", "list", "--json", check=False).stdout
op_id = [x for x in map(json.loads, op_id.splitlines()) if x.get("role") == "operator"][0]["id"]
ck, csrf = sign_in(op)

# --- the audit log
st, body = call("GET", "tenants/acme/audit", cookie=ck)
cli_all = clijson("audit", "list", "acme", "--json")
t.eq((st, body.get("more")), (200, False), "GET audit: 200, all of it", body)
t.eq(body["entries"], cli_all, "the entries are `audit list --json`'s, oldest first")
seqs = [e["seq"] for e in body["entries"]]
t.ok(seqs == sorted(seqs) and len(seqs) > 4, "newest last", seqs)
dels = [e for e in body["entries"] if e["action"] == "user.deleted"]
t.eq(sorted(e["id"] for e in dels), sorted(ids[2:4]), "the deletes are there")
st, body = call("GET", "tenants/acme/audit?limit=2", cookie=ck)
t.eq((st, body["entries"], body["more"]), (200, cli_all[-2:], True),
     "limit=2: the newest two, and more")
st, body = call("GET", "tenants/acme/audit?action=user.de*", cookie=ck)
t.eq(body["entries"], clijson("audit", "list", "acme", "--json", "--action", "user.de*"),
     "action=: the CLI's --action")
t.eq(sorted(e["action"] for e in body["entries"]),
     ["user.deactivated"] * 2 + ["user.deleted"] * 2, "action=user.de*: those four")
st, body = call("GET", "tenants/acme/audit?id=" + ids[2], cookie=ck)
t.eq([(e["action"], e["id"]) for e in body["entries"]], [("user.deleted", ids[2])],
     "id=: that resource's entries")
st, body = call("GET", "tenants/acme/audit?since=%d" % dels[0]["seq"], cookie=ck)
t.eq([e["seq"] for e in body["entries"]], [x for x in seqs if x >= dels[0]["seq"]],
     "since=SEQ: from it on")
for q in ("action=nosuch", "limit=0", "limit=x", "since=yesterday"):
    st, body = call("GET", "tenants/acme/audit?" + q, cookie=ck)
    t.eq(st, 400, "audit?%s: 400" % q, body)
st, body = call("GET", "tenants/nosuch/audit", cookie=ck)
t.eq(st, 404, "audit of no tenant: 404")

# --- restore: dry runs change nothing
n_audit = len(cli_all)
st, plan = call("POST", "tenants/acme/restore", {"seq": dels[0]["seq"], "dryRun": True},
                cookie=ck, csrf=csrf)
t.ok(st == 200 and plan["dryRun"] is True and plan["ok"] is True and
     plan["restored"] == 1 and plan["by"] == "seq" and plan["cycle"] is None,
     "dry run of one entry: the plan", plan)
t.ok(len(plan["entries"]) == 1 and plan["entries"][0]["result"] == "restored" and
     plan["entries"][0]["id"] == dels[0]["id"] and
     "restored User " + dels[0]["id"] in plan["entries"][0]["lines"][0],
     "the plan names the user and says restored", plan)
cyc = clijson("cycles", "acme", "--json")
st, cplan = call("POST", "tenants/acme/restore", {"cycle": "last", "dryRun": True},
                 cookie=ck, csrf=csrf)
t.ok(st == 200 and cplan["dryRun"] is True and cplan["ok"] is True and
     cplan["restored"] == 4 and cplan["by"] == "cycle", "dry run of the cycle: 4 entries", cplan)
t.eq(sorted((e["action"], e["id"]) for e in cplan["entries"]),
     sorted([("user.deactivated", x) for x in ids[:2]] +
            [("user.deleted", x) for x in ids[2:4]]), "the cycle's plan: its four actions")
cli_plan = clijson("restore", "acme", "--cycle", "last", "--dry-run", "--json")
t.eq(cli_plan, [cplan], "the same report as `restore --cycle last --dry-run --json`")
t.eq([get_user(x).status for x in ids], [200, 200, 404, 404, 200], "dry runs: still deleted")
t.eq([get_user(x).json["active"] for x in ids[:2]], [False, False], "and still inactive")
t.eq(len(clijson("audit", "list", "acme", "--json")), n_audit, "and nothing audited")
st, body = call("POST", "tenants/acme/restore", {"cycle": "last", "dryRun": True}, cookie=ck)
t.eq(st, 403, "restore without the anti-CSRF token: 403")

# --- bad requests
for b in ({"dryRun": True}, {"seq": 1}, {"seq": 1, "cycle": "last", "dryRun": True},
          {"seq": "x", "dryRun": False}, {"since": "yesterday", "dryRun": True},
          {"cycle": 5, "dryRun": True}, {"seq": 1, "dryRun": "no"}):
    st, body = call("POST", "tenants/acme/restore", b, cookie=ck, csrf=csrf)
    t.eq(st, 400, "restore %s: 400" % json.dumps(b), body)
st, body = call("POST", "tenants/acme/restore", {"seq": 99999, "dryRun": True},
                cookie=ck, csrf=csrf)
t.eq(st, 404, "restore of no such entry: 404", body)
st, body = call("POST", "tenants/acme/restore", {"cycle": "nosuch", "dryRun": True},
                cookie=ck, csrf=csrf)
t.eq(st, 404, "restore of no such cycle: 404", body)
st, body = call("GET", "tenants/acme/restore", cookie=ck)
t.eq(st, 405, "GET restore: 405")

# --- restore for real
st, rep = call("POST", "tenants/acme/restore", {"seq": dels[0]["seq"], "dryRun": False},
               cookie=ck, csrf=csrf)
t.ok(st == 200 and rep["dryRun"] is False and rep["ok"] is True and rep["restored"] == 1,
     "restore one entry", rep)
r = get_user(dels[0]["id"])
t.ok(r.status == 200 and roles(r) == ["engineer"], "the user is back, with its role", r.text)
g = s.req("GET", "/Groups/" + eng, token=reader).json
t.ok(dels[0]["id"] in [m["value"] for m in g["members"]], "and back in Eng", g)
st, again = call("POST", "tenants/acme/restore", {"seq": dels[0]["seq"], "dryRun": False},
                 cookie=ck, csrf=csrf)
t.ok(st == 409 and again["ok"] is False and again["restored"] == 0 and
     "nothing restored" in again.get("detail", "") and
     again["entries"][0]["result"] == "refused", "again: 409, nothing restored, why", again)
st, again = call("POST", "tenants/acme/restore", {"seq": dels[0]["seq"], "dryRun": True},
                 cookie=ck, csrf=csrf)
t.ok(st == 200 and again["ok"] is False, "its dry run: 200, ok false (the plan says no)", again)
st, rep = call("POST", "tenants/acme/restore", {"cycle": "last", "dryRun": False},
               cookie=ck, csrf=csrf)
t.ok(st == 200 and rep["ok"] is True and rep["restored"] == 3, "restore the cycle: 3 more", rep)
t.eq(sorted(e["result"] for e in rep["entries"]), ["restored"] * 3 + ["skipped"],
     "the user restored before is skipped")
users = [get_user(x) for x in ids]
t.eq([u.status for u in users], [200] * 5, "every user is back over SCIM")
t.eq([u.json["active"] for u in users], [True] * 5, "every user active")
t.eq([roles(u) for u in users], [["engineer"]] * 5, "every user holds engineer again")
g = s.req("GET", "/Groups/" + eng, token=reader).json
t.eq(sorted(m["value"] for m in g["members"]), sorted(ids), "Eng has all five")
ent = clijson("audit", "list", "acme", "--json", "--action", "user.re*")
t.eq(sorted(e["action"] for e in ent), ["user.reactivated"] * 2 + ["user.restored"] * 2,
     "audit list: the restores")
t.ok(all(e["token"] == "console" and e["agent"] == "scimlet console (operator %s)" % op_id
         for e in ent), "audited with the console as actor", ent)
log = [x["action"] for x in clijson("admin", "log", "--json")]
t.eq(log.count("restore"), 2, "the admin log has the two restores (dry runs none)", log)

# --- the breaker
st, b = call("GET", "tenants/acme/breaker", cookie=ck)
t.eq((st, [b]), (200, clijson("breaker", "acme", "status", "--json")),
     "GET breaker: `breaker status --json`")
s.cli("tenant", "set", "acme", "breaker=2")
st, b = call("POST", "tenants/acme/breaker/reset", cookie=ck, csrf=csrf)
t.ok(st == 200 and b["state"] == "armed" and b["count"] == 0 and b["limit"] == 2,
     "reset: armed, nothing counted (the cycle's undo had counted it again)", b)
extra = [req("POST", "/Users", user("x%d@acme.example" % i)).json["id"] for i in range(4)]
got = [req("DELETE", "/Users/" + x).status for x in extra]
t.eq(got, [204, 204, 503, 503], "breaker=2: the 3rd delete trips it")
st, b = call("GET", "tenants/acme/breaker", cookie=ck)
t.ok(st == 200 and b["state"] == "tripped" and b["tripped-limit"] == 2,
     "status: tripped", b)
t.eq([b], clijson("breaker", "acme", "status", "--json"), "as the CLI says")
for body in ({"for": 0}, {"for": 31 * 86400}, {"for": "1h"}):
    st, x = call("POST", "tenants/acme/breaker/release", body, cookie=ck, csrf=csrf)
    t.eq(st, 400, "release %s: 400" % json.dumps(body), x)
st, x = call("POST", "tenants/acme/breaker/release", {"for": 600}, cookie=ck)
t.eq(st, 403, "release without the anti-CSRF token: 403")
t.eq(clijson("breaker", "acme", "status", "--json")[0]["state"], "tripped", "still tripped")
st, b = call("POST", "tenants/acme/breaker/release", {"for": 600}, cookie=ck, csrf=csrf)
t.ok(st == 200 and b["state"] == "released" and "released-until" in b, "release: released", b)
t.eq([req("DELETE", "/Users/" + x).status for x in extra[2:]], [204, 204],
     "the held deletes pass")
ent = clijson("audit", "list", "acme", "--json", "--action", "operator.breaker.*")
t.eq([(e["action"], e["token"], e["detail"].get("was"), e["detail"].get("for"))
      for e in ent], [("operator.breaker.reset", "console", "armed", None),
                      ("operator.breaker.released", "console", "tripped", 600)],
     "reset and release audited as the CLI's, the console as actor")
log = [x["action"] for x in clijson("admin", "log", "--json")]
t.ok("breaker release" in log and "breaker reset" in log, "and in the admin log", log)
st, b = call("POST", "tenants/acme/breaker/release", cookie=ck, csrf=csrf)
t.ok(st == 200 and b["state"] == "released", "release with no body: the default time", b)
st, b = call("PUT", "tenants/acme/breaker/reset", {}, cookie=ck, csrf=csrf)
t.eq(st, 405, "PUT breaker/reset: 405")

# --- tenant admins: their own tenant, never another's
gx = s.cli("admin", "issue", "--tenant", "globex").stdout.strip()
gck, gcsrf = sign_in(gx)
n_audit = len(clijson("audit", "list", "acme", "--json"))
for m, path, body in (("GET", "tenants/acme/audit", None),
                      ("GET", "tenants/acme/audit?limit=1", None),
                      ("POST", "tenants/acme/restore", {"cycle": "last", "dryRun": False}),
                      ("POST", "tenants/acme/restore", {"bad": 1}),
                      ("GET", "tenants/acme/breaker", None),
                      ("POST", "tenants/acme/breaker/release", {"for": 60}),
                      ("POST", "tenants/acme/breaker/reset", None)):
    st, x = call(m, path, body, cookie=gck, csrf=gcsrf)
    t.eq(st, 404, "globex's admin: %s %s is 404" % (m, path), x)
t.eq(len(clijson("audit", "list", "acme", "--json")), n_audit, "and changed nothing in acme")
st, x = call("GET", "tenants/globex/breaker", cookie=gck)
t.eq((st, x.get("state")), (200, "armed"), "globex's admin reads globex's breaker")
ta = s.cli("admin", "issue", "--tenant", "acme").stdout.strip()
ack, acsrf = sign_in(ta)
st, x = call("POST", "tenants/acme/breaker/reset", cookie=ack, csrf=acsrf)
t.eq((st, x.get("state")), (200, "armed"), "acme's admin resets acme's breaker")
st, x = call("POST", "tenants/acme/breaker/release", {"for": 60}, cookie=ack, csrf=acsrf)
t.eq((st, x.get("state")), (200, "released"), "and releases it")
st, x = call("POST", "tenants/acme/restore", {"since": 1, "dryRun": True}, cookie=ack,
             csrf=acsrf)
t.ok(st == 200 and x["by"] == "since" and x["dryRun"] is True, "and may plan a restore", x)
t.done()
