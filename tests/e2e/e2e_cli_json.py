#!/usr/bin/env python3
"""The operator CLI's --json (issue 13): `tenant list`, `role list`,
`schema list`, `audit list`, `user list` print one JSON object per line
and `user show --json` one object, with the fields README.md documents
and null for what is unset; control characters stay escaped in tables
and round-trip in JSON.  And every `role`, `schema` and `tenant set`
change says on stdout how many users it changed, counted against users
created through the real worker."""
import json
import os
import re
import subprocess

from harness import CLI, SRCDIR, URN_USER, Server, Tap

EXT = "urn:ietf:params:scim:schemas:extension:Acme:2.0:User"
CTRL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")

t = Tap()
s = Server()
tok = s.tenant("acme")
s.tenant("beta")


def run(*args):
    return subprocess.run([CLI, "--db", s.db] + list(args), capture_output=True,
                          text=True, timeout=30)


def lines(*args):
    """The command's stdout as JSON objects, one a line (None: not JSON)."""
    p = run(*args)
    try:
        return [json.loads(l) for l in p.stdout.split("\n")[:-1]]
    except ValueError:
        t.ok(False, "%s: every line is JSON" % " ".join(args), p.stdout[-800:])
        return None


def said(*args):
    """(exit status, stdout, stderr) of a command."""
    p = run(*args)
    return (p.returncode, p.stdout, p.stderr)


def version(uid):
    return s.req("GET", "/Users/" + uid, token=tok).json["meta"]["version"]


# --- tenant list --json: {"name","created"} a line, as tenant show has them.
tl = lines("tenant", "list", "--json") or []
t.eq([sorted(o) for o in tl], [["created", "name"]] * 2, "tenant list --json: name, created")
t.eq([o["name"] for o in tl], ["acme", "beta"], "tenant list --json: every tenant, by name")
show = json.loads(s.cli("tenant", "show", "acme", "--json").stdout)
t.eq(tl[0]["created"] if tl else None, show["created"],
     "tenant list --json: created as tenant show says")
t.eq(said("tenant", "list"), (0, "acme\nbeta\n", ""), "tenant list: the table is unchanged")

# --- users through the real worker.
evil = "tab\there\nnl\x1b[2J\x7f\u0085end"
ids = {}
for name, extra in (("ann@x", {"roles": [{"value": "Admin"}]}),
                    ("bob@x", {"externalId": "ext-b"}),
                    (evil, {"roles": [{"value": "Reader"}]})):
    body = {"schemas": [URN_USER], "userName": name}
    body.update(extra)
    r = s.req("POST", "/Users", body, token=tok)
    t.status(r, 201, "POST %r" % name)
    ids[name] = (r.json or {}).get("id", "")
ann, bob, ev = ids["ann@x"], ids["bob@x"], ids[evil]

# --- role changes say how many users they recomputed and changed.
before = {u: version(u) for u in (ann, bob, ev)}
t.eq(said("role", "map", "acme", "Admin", "admin"),
     (0, "recomputed 3 users, roles changed for 1\n", ""),
     "role map: 3 users, one holding the value: roles changed for 1")
t.eq([version(u) == before[u] for u in (ann, bob, ev)], [False, True, True],
     "and exactly that user has a new version")
t.eq(said("role", "map", "acme", "Nobody", "x"),
     (0, "recomputed 3 users, roles changed for 0\n", ""),
     "role map of a value nobody holds: roles changed for 0")
t.eq(said("role", "default", "acme", "member"),
     (0, "recomputed 3 users, roles changed for 2\n", ""),
     "role default: the two users nothing mapped change")
t.eq(said("role", "map", "acme", "Reader", "reader"),
     (0, "recomputed 3 users, roles changed for 1\n", ""),
     "role map Reader: the one user holding it changes (default → reader)")
t.eq(said("role", "unknown", "acme", "reject"),
     (0, "recomputed 0 users, roles changed for 0 (applies to later requests)\n", ""),
     "role unknown: recomputes nobody, and says so")
t.eq(said("role", "unmap", "acme", "Nobody"),
     (0, "recomputed 3 users, roles changed for 0\n", ""), "role unmap: nobody changes")
s.req("PATCH", "/Users/" + bob, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                  "Operations": [{"op": "replace", "path": "active",
                                                  "value": False}]}, token=tok)
t.eq(said("role", "default", "acme", "-"),
     (0, "recomputed 3 users, roles changed for 0\n", ""),
     "role default -: nobody held only the default now (bob is inactive)")
t.eq(said("role", "default", "acme", "member"),
     (0, "recomputed 3 users, roles changed for 0\n", ""),
     "role default again: an inactive user gets no role, so no change")
t.eq(said("role", "map", "nobody", "a", "b")[:2], (1, ""),
     "a failed role change prints no count")

# --- user list --json: the documented fields, the worker's values.
ul = lines("user", "list", "acme", "--json") or []
t.eq([sorted(o) for o in ul], [sorted(["id", "userName", "externalId", "active",
                                        "appRoles"])] * 3,
     "user list --json: id, userName, externalId, active, appRoles")
by = {o["id"]: o for o in ul}
t.eq(by.get(ann), {"id": ann, "userName": "ann@x", "externalId": None, "active": True,
                   "appRoles": ["admin"]}, "user list --json: ann (no externalId: null)")
t.eq(by.get(bob), {"id": bob, "userName": "bob@x", "externalId": "ext-b", "active": False,
                   "appRoles": []}, "user list --json: bob, inactive, no roles: []")
t.eq(by.get(ev, {}).get("userName"), evil,
     "user list --json: a userName with control characters round-trips")
t.eq(by.get(ev, {}).get("appRoles"), ["reader"], "user list --json: its roles")
out = run("user", "list", "acme", "--json").stdout
t.ok(not CTRL.search(out), "user list --json: no raw control character (DEL, C1 too)",
     out[-400:])
wl = s.req("GET", "/Users", token=tok).json["Resources"]
t.eq(sorted((u["id"], u["userName"], u.get("active", True)) for u in wl),
     sorted((o["id"], o["userName"], o["active"]) for o in ul),
     "user list --json agrees with the worker's GET /Users")
t.eq([o["id"] for o in lines("user", "list", "acme", "--role", "admin", "--json") or []],
     [ann], "user list --role admin --json: ann only")
t.eq([o["id"] for o in lines("user", "list", "acme", "--json", "--role", "reader") or []],
     [ev], "user list --json --role reader: options in either order")

# The table keeps escaping: four columns, the userName escaped.
out = run("user", "list", "acme").stdout
rows = out.split("\n")[:-1]
t.ok(len(rows) == 3 and all(len(l.split("\t")) == 4 for l in rows),
     "user list: one row per user, four columns", out)
t.ok("%s\ttab\\there\\nnl\\x1b[2J\\x7f\\u0085end\tactive\treader" % ev in rows,
     "user list: the userName escaped in its column", out)
t.ok(not CTRL.search(out), "user list: no raw control character")

# --- user show --json: the stored user on one line.
p = run("user", "show", "acme", ev, "--json")
t.ok(p.returncode == 0 and p.stdout.count("\n") == 1 and not CTRL.search(p.stdout),
     "user show --json: one line, control characters escaped", p.stdout[-400:])
one = json.loads(p.stdout) if p.returncode == 0 else {}
t.eq(one, json.loads(run("user", "show", "acme", ev).stdout),
     "user show --json: the same object as user show")
got = s.req("GET", "/Users/" + ev, token=tok).json
t.eq((one.get("id"), one.get("userName"), one.get("meta", {}).get("version")),
     (ev, evil, got["meta"]["version"]), "user show --json: id, userName, version as served")
t.eq(one.get("urn:scimlet:schemas:extension:2.0:User"), {"appRoles": ["reader"]},
     "user show --json: the application roles")
t.eq(json.loads(run("user", "show", "acme", "ANN@x", "--json").stdout).get("id"), ann,
     "user show --json by userName")
t.eq(said("user", "show", "acme", "nobody@x", "--json"), (1, "", "scimlet: no user nobody@x\n"),
     "user show --json of no user: exit 1, nothing on stdout")
t.eq(said("user", "list", "acme", "--frob")[:2], (2, ""), "user list --frob: usage error")
t.eq(said("user", "show", "acme", ann, "--role", "x")[:2], (2, ""),
     "user show takes no --role")

# --- role list --json: {"kind","value","role"} a line, mirroring the table.
rl = lines("role", "list", "acme", "--json") or []
t.eq(rl, [{"kind": "source", "value": "roles", "role": None},
          {"kind": "default", "value": None, "role": "member"},
          {"kind": "unknown", "value": "reject", "role": None},
          {"kind": "value", "value": "admin", "role": "admin"},
          {"kind": "value", "value": "reader", "role": "reader"}],
     "role list --json: source, default, unknown, then the mappings")
s.cli("role", "default", "acme", "-")
s.cli("role", "map-group", "acme", "Ops\tTeam", "op\x1b")
rl = lines("role", "list", "acme", "--json") or []
t.eq(rl[1:2], [{"kind": "default", "value": None, "role": None}],
     "role list --json: no default is null")
t.ok({"kind": "group", "value": "ops\tteam", "role": "op\x1b"} in rl,
     "role list --json: a group mapping, its control characters round-trip", rl)
out = run("role", "list", "acme").stdout
t.ok("group\tops\\tteam\top\\x1b" in out.split("\n") and not CTRL.search(out),
     "role list: the table still escapes", out)

# --- schema: how many users hold the attribute; nobody changes.
t.eq(said("schema", "add", "acme", "roleName", "string"),
     (0, "0 users changed, 0 hold the attribute (stored values are kept)\n", ""),
     "schema add of an attribute nobody holds: 0")
t.eq(said("schema", "add", "acme", EXT + ":badge", "string", "--case-exact"),
     (0, "0 users changed, 0 hold the attribute (stored values are kept)\n", ""),
     "schema add of an extension attribute: 0")
for uid, rn in ((ann, "Boss"), (bob, "Clerk")):
    r = s.req("PATCH", "/Users/" + uid, {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "roleName", "value": rn}]}, token=tok)
    t.status(r, 200, "PATCH roleName")
r = s.req("PATCH", "/Users/" + ev, {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "add", "path": EXT + ":badge", "value": "B-1"}]}, token=tok)
t.status(r, 200, "PATCH the extension attribute")
before = {u: version(u) for u in (ann, bob, ev)}
sl = lines("schema", "list", "acme", "--json") or []
t.eq(sl, [{"urn": URN_USER + ":roleName", "type": "string", "multi": False,
           "caseExact": False, "auto": False},
          {"urn": EXT + ":badge", "type": "string", "multi": False, "caseExact": True,
           "auto": False}], "schema list --json: urn, type, multi, caseExact, auto")
t.eq(said("schema", "remove", "acme", "roleName"),
     (0, "0 users changed, 2 hold the attribute (stored values are kept)\n", ""),
     "schema remove: the two users holding roleName are counted")
t.eq(said("schema", "remove", "acme", EXT + ":badge"),
     (0, "0 users changed, 1 holds the attribute (stored values are kept)\n", ""),
     "schema remove of an extension attribute: the one holder")
t.eq({u: version(u) for u in (ann, bob, ev)}, before, "and indeed no user changed")
t.eq(lines("schema", "list", "acme", "--json"), [], "schema list --json: none left")

# --- tenant set: applies to later requests; no user changes.
t.eq(said("tenant", "set", "acme", "max-results=50"),
     (0, "0 users changed (applies to later requests)\n", ""),
     "tenant set: says it changed no user")
t.eq({u: version(u) for u in (ann, bob, ev)}, before, "and no user changed")
t.eq(said("tenant", "set", "acme", "max-results=0")[1], "",
     "a refused tenant set prints no count")

# --- audit list --json: the entries, as export has them, filtered.
exp = [json.loads(l) for l in s.cli("audit", "export", "acme").stdout.split("\n")[:-1]]
al = lines("audit", "list", "acme", "--json") or []
t.eq(al, exp, "audit list --json: every entry, the same JSON as audit export")
t.ok(al and all(list(o) == ["v", "seq", "time", "tenant", "token", "request", "client",
                            "agent", "action", "type", "id", "name", "before", "detail",
                            "prev", "hash"] for o in al),
     "audit list --json: the documented fields, in order", al[:1])
t.eq(lines("audit", "list", "acme", "--action", "operator.schema.*", "--limit", "2",
           "--json"),
     [e for e in exp if e["action"].startswith("operator.schema.")][-2:],
     "audit list --json with --action and --limit: the newest two matches")
t.eq(lines("audit", "list", "acme", "--json", "--id", ev),
     [e for e in exp if e["id"] == ev], "audit list --json --id")
roles_lost = [e for e in exp if e["action"] == "role.lost"]
t.ok(roles_lost, "role.lost entries were written")
out = run("audit", "list", "acme", "--json").stdout
t.ok(not CTRL.search(out), "audit list --json: no raw control character", out[-400:])

# --- usage and documentation.
t.eq(said("role", "list", "acme", "--json", "x")[:2], (2, ""), "role list: an extra word")
t.eq(said("schema", "list", "acme", "--jsn")[:2], (2, ""), "schema list --jsn: usage error")
t.eq(said("tenant", "list", "--jsn")[:2], (2, ""), "tenant list --jsn: usage error")
helptext = subprocess.run([CLI, "--help"], capture_output=True, text=True).stdout
for cmd in ("tenant list", "tenant show", "token list", "role list", "schema list",
            "audit list", "user show", "user list"):
    t.ok(any(l.split("scimlet [--db DIR] ", 1)[-1].startswith(cmd) and "[--json]" in l
             for l in helptext.splitlines()), "--help: %s [--json]" % cmd)
with open(os.path.join(SRCDIR, "README.md")) as f:
    readme = f.read()
with open(os.path.join(SRCDIR, "src", "scimlet.1")) as f:
    man = f.read()
for cmd, fields in (("tenant list", ("name", "created")),
                    ("role list", ("kind", "value", "role")),
                    ("schema list", ("urn", "type", "multi", "caseExact", "auto")),
                    ("user list", ("id", "userName", "externalId", "active", "appRoles"))):
    doc = re.search(r"`%s --json`[^`]*`(\{[^`]*\})`" % cmd, readme)
    t.ok(doc is not None and re.findall(r'"(\w+)"', doc.group(1)) == list(fields),
         "README documents the fields of %s --json" % cmd, doc and doc.group(0))
    t.ok(re.search(r"Cm %s Ar tenant.*Fl -json|Cm %s Op Fl -json" % (cmd, cmd), man) is not None,
         "scimlet.1 gives %s --json" % cmd)
for phrase in ("recomputed N users, roles changed for M", "0 users changed, N hold the attribute",
               "0 users changed (applies to later requests)"):
    t.ok(phrase in readme, "README documents %r" % phrase)
s.stop()
t.done()
