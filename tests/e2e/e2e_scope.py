#!/usr/bin/env python3
"""Read-only tokens and `scimlet user check` (issue 14), through lighttpd.

A token issued with --scope read may GET, HEAD and POST .search; every
write endpoint answers it 403 with a SCIM error and WWW-Authenticate
error="insufficient_scope" (RFC 6750 §3.1), changes nothing and takes no
write lock; a provision token still writes; the scope is listed, kept by
rotate and audited.  The curl commands of README.md's "Reading users and
roles from your application" are run as written.  `user check` exits 0,
1 or 2 as documented."""
import json
import os
import re
import subprocess
import time

from harness import CLI, SRCDIR, URN_GROUP, URN_USER, Server, Tap, patchop, user

SCIMLET = "urn:scimlet:schemas:extension:2.0:User"
URN_SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
HERE = os.path.dirname(os.path.abspath(__file__))
WANT_AUTH = 'Bearer error="insufficient_scope", scope="provision"'

t = Tap()
s = Server()
prov = s.tenant("acme")


def issue(*extra, tenant="acme"):
    p = s.cli("token", "issue", tenant, *extra)
    return p.stdout.strip(), p.stderr.strip()


def listing():
    out = s.cli("token", "list", "acme", "--json").stdout
    return {o["id"]: o for o in map(json.loads, out.splitlines())}


def table():
    return {l.split("\t")[0]: l.split("\t")
            for l in s.cli("token", "list", "acme").stdout.splitlines()}


def make(path, body):
    r = s.req("POST", path, body, token=prov)
    if r.status != 201:
        raise RuntimeError("setup %s: %d %s" % (path, r.status, r.text))
    return r.json["id"]


# --- setup: roles from "roles", Admin -> admin; a group; more than a page.
s.cli("role", "map", "acme", "Admin", "admin")
ada = make("/Users", user("ada@example.com", roles=[{"value": "Admin"}]))
bob = make("/Users", user("bob@example.com"))
carl = make("/Users", user("carl@example.com", roles=[{"value": "Admin"}]))
dora = make("/Users", user("dora@example.com", roles=[{"value": "Admin"}]))
staff = make("/Groups", {"schemas": [URN_GROUP], "displayName": "Staff",
                         "members": [{"value": ada}]})
for i in range(102):
    make("/Users", user("filler%03d@example.com" % i))
r = s.req("PATCH", "/Users/" + carl, patchop({"op": "replace", "path": "active",
                                             "value": False}), token=prov)
t.status(r, 200, "setup: carl deactivated")
NUSERS = 106
everyone = {"ada@example.com", "bob@example.com", "carl@example.com", "dora@example.com"} | \
    {"filler%03d@example.com" % i for i in range(102)}

rtok, rid = issue("--scope", "read", "--label", "reader")
ptok, pid = issue("--scope", "provision")
dtok, did = issue()                      # no --scope: provision

# --- a read token reads.
for method, path, body in (("GET", "/Users", None), ("GET", "/Users/" + ada, None),
                           ("GET", "/Groups", None), ("GET", "/Groups/" + staff, None),
                           ("GET", "/ServiceProviderConfig", None),
                           ("GET", "/Schemas", None),
                           ("POST", "/.search", {"schemas": [URN_SEARCH]}),
                           ("POST", "/Users/.search", {"schemas": [URN_SEARCH],
                                                       "filter": 'userName eq "ada@example.com"'}),
                           ("POST", "/Groups/.search", {"schemas": [URN_SEARCH]})):
    r = s.req(method, path, body, token=rtok)
    t.status(r, 200, "read token: %s %s" % (method, path))
r = s.req("GET", "/Users/" + ada, token=rtok)
t.eq(r.json.get("userName") if r.json else None, "ada@example.com", "read token: GET by id returns the user")
r = s.req("POST", "/Users/.search", {"schemas": [URN_SEARCH],
                                     "filter": 'userName eq "ada@example.com"'}, token=rtok)
t.eq([x["id"] for x in (r.json or {}).get("Resources", [])], [ada],
     "read token: POST /Users/.search finds the user")
h = s.req("HEAD", "/Users/" + ada, token=rtok)
t.ok(h.status == 200 and h.body == b"" and h.header("ETag"), "read token: HEAD /Users/ID: 200, no body",
     (h.status, h.headers))
t.eq(s.req("GET", "/Nothing", token=rtok).status, 404, "read token: GET of no endpoint is 404, as before")


# --- a read token cannot write: every write endpoint, nothing changes.
def state():
    users = s.req("GET", "/Users?count=1000&sortBy=userName", token=prov).json
    groups = s.req("GET", "/Groups?count=1000", token=prov).json
    feed = s.cli("changes", "--tenant", "acme", "--since", "0").stdout
    audit = s.cli("audit", "export", "acme").stdout
    return users, groups, feed, audit


before = state()
writes = [
    ("POST", "/Users", user("eve@example.com")),
    ("PUT", "/Users/" + ada, user("ada@example.com", active=False)),
    ("PATCH", "/Users/" + ada, patchop({"op": "replace", "path": "active", "value": False})),
    ("DELETE", "/Users/" + ada, None),
    ("DELETE", "/Users/" + bob, None),
    ("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "Sneaky"}),
    ("PUT", "/Groups/" + staff, {"schemas": [URN_GROUP], "displayName": "Staff", "members": []}),
    ("PATCH", "/Groups/" + staff, patchop({"op": "add", "path": "members", "value": [{"value": bob}]})),
    ("DELETE", "/Groups/" + staff, None),
    # Methods no endpoint takes, and writes on endpoints that take none.
    ("POST", "/Users/" + ada, user("ada@example.com")),
    ("DELETE", "/Users", None),
    ("PUT", "/ServiceProviderConfig", {}),
    ("PATCH", "/Schemas", {}),
    ("PUT", "/Users/.search", {"schemas": [URN_SEARCH]}),
]
for method, path, body in writes:
    r = s.req(method, path, body, token=rtok)
    what = "read token: %s %s" % (method, path.replace(ada, "ADA").replace(staff, "STAFF")
                                  .replace(bob, "BOB"))
    t.error(r, 403, None, what + ": 403 with a SCIM error")
    j = r.json or {}
    t.ok("scimType" not in j and "read-only" in j.get("detail", "") and
         "provision" in j.get("detail", ""),
         what + ": no scimType; the detail says read-only and names the scope", r.text)
    t.eq(r.header("WWW-Authenticate"), WANT_AUTH, what + ": WWW-Authenticate insufficient_scope")
after = state()
t.eq(after[0], before[0], "after every refused write: the users are as before")
t.eq(after[1], before[1], "after every refused write: the groups are as before")
t.eq(after[2], before[2], "after every refused write: no change record")
t.eq(after[3], before[3], "after every refused write: no audit entry")
t.eq(s.req("GET", "/Users/" + ada, token=rtok).status, 200, "ada is still there")

# A provision token's refusal is not a scope's: 405 stays 405, no header.
r = s.req("DELETE", "/Users", token=prov)
t.ok(r.status == 405 and r.header("WWW-Authenticate") is None,
     "provision token: DELETE /Users is 405, without WWW-Authenticate", (r.status, r.headers))

# --- provision tokens (explicit and default) still write.
for name, tok in (("--scope provision", ptok), ("the default scope", dtok), ("tenant add's", prov)):
    r = s.req("POST", "/Users", user("w-%s@example.com" % tok[-6:].lower()), token=tok)
    ok = r.status == 201
    if ok:
        uid = r.json["id"]
        ok = (s.req("PATCH", "/Users/" + uid, patchop({"op": "replace", "path": "displayName",
                                                       "value": "W"}), token=tok).status == 200 and
              s.req("DELETE", "/Users/" + uid, token=tok).status == 204)
    t.ok(ok, "a token of %s creates, patches and deletes" % name, r.text)

# --- the read token takes no write lock: with the writer lock held by
# another process its refusal comes at once; a provision token's write
# waits for the lock (so the test can tell).
holder = subprocess.Popen(
    ["/usr/bin/python3", "-c",
     "import lmdb, sys\n"
     "env = lmdb.open(sys.argv[1], max_dbs=16, subdir=True)\n"
     "txn = env.begin(write=True)\n"
     "print('locked', flush=True)\n"
     "sys.stdin.readline()\n"
     "txn.abort()\n", s.db],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
try:
    t.eq(holder.stdout.readline().strip(), "locked", "another process holds the writer lock")
    t0 = time.time()
    try:
        r = s.req("PATCH", "/Users/" + bob, patchop({"op": "replace", "path": "active",
                                                     "value": False}), token=rtok, timeout=5)
        t.ok(r.status == 403 and time.time() - t0 < 3,
             "a read token's PATCH is refused while the lock is held, without waiting",
             (r.status, time.time() - t0))
    except OSError as ex:
        t.ok(False, "a read token's PATCH is refused while the lock is held, without waiting", ex)
    try:
        r = s.req("PATCH", "/Users/" + bob, patchop({"op": "replace", "path": "displayName",
                                                     "value": "Bob"}), token=prov, timeout=1.5)
        waited = False
    except OSError:
        waited = True
    t.ok(waited, "a provision token's PATCH waits for the lock meanwhile")
finally:
    holder.stdin.write("\n")
    holder.stdin.close()
    holder.wait(10)
for _ in range(50):   # the waiting PATCH completes once the lock is free
    if s.req("GET", "/Users/" + bob, token=rtok).json.get("displayName") == "Bob":
        break
    time.sleep(0.1)

# --- token list, --json, audit.
ls = listing()
t.eq((ls[rid].get("scope"), ls[pid].get("scope"), ls[did].get("scope")),
     ("read", "provision", "provision"), "token list --json: scope read, provision, default provision")
t.eq(list(ls[rid].keys()), ["id", "label", "scope", "created", "expires", "revoked", "last_used"],
     "token list --json: the fields, in order")
rows = table()
t.eq((rows[rid][1:3], rows[did][1:3], len(rows[rid])), (["reader", "read"], ["-", "provision"], 7),
     "token list: ID LABEL SCOPE CREATED EXPIRES REVOKED LAST-USED")
ents = [json.loads(l) for l in s.cli("audit", "export", "acme").stdout.splitlines()]
iss = {e["id"]: e.get("detail") for e in ents if e["action"] == "operator.token.issued"}
t.eq((iss.get(rid), iss.get(did)), ({"scope": "read"}, {"scope": "provision"}),
     "operator.token.issued records the scope")

# --- bad --scope: usage errors.
for args in (["--scope", "admin"], ["--scope"], ["--scope", "read", "--scope", "read"],
             ["--scope", "READ"]):
    p = s.cli("token", "issue", "acme", *args, check=False)
    t.ok(p.returncode == 2 and p.stdout == "", "token issue %s: usage error" % " ".join(args),
         p.stderr)

# --- rotate keeps the scope.
p = s.cli("token", "rotate", rid, "--grace", "1h")
newtok, newid = p.stdout.strip(), p.stderr.strip()
t.eq(listing()[newid].get("scope"), "read", "rotate: the successor of a read token is read")
t.eq(s.req("GET", "/Users/" + ada, token=newtok).status, 200, "rotate: the successor reads")
r = s.req("DELETE", "/Users/" + ada, token=newtok)
t.ok(r.status == 403 and r.header("WWW-Authenticate") == WANT_AUTH,
     "rotate: the successor cannot write", (r.status, r.headers))
p = s.cli("token", "rotate", pid)
t.eq(listing()[p.stderr.strip()].get("scope"), "provision", "rotate: a provision token's successor is provision")

# --- a token record from before scopes (no "scope"): provision.
otok, oid = issue("--label", "old")
rec = {k: v for k, v in listing()[oid].items() if k in ("id", "created", "revoked", "label", "expires")}
import hashlib
rec.update({"sha256": hashlib.sha256(otok.encode()).hexdigest(), "tenant": "acme"})
subprocess.run(["/usr/bin/python3", os.path.join(HERE, "lmdb_edit.py"), s.db, "token", otok,
                json.dumps(rec)], check=True)
t.eq(listing()[oid].get("scope"), "provision", "an old record without a scope lists as provision")
r = s.req("POST", "/Users", user("old@example.com"), token=otok)
t.status(r, 201, "and writes")
rec["scope"] = "superuser"
subprocess.run(["/usr/bin/python3", os.path.join(HERE, "lmdb_edit.py"), s.db, "token", otok,
                json.dumps(rec)], check=True)
t.eq(s.req("GET", "/Users", token=otok).status, 401, "a record with an unknown scope authenticates nobody")

# --- README: "Reading users and roles from your application", as written.
with open(os.path.join(SRCDIR, "README.md")) as f:
    readme = f.read()
sec = re.search(r"^## Reading users and roles from your application\n(.*?)^## ", readme, re.S | re.M)
t.ok(sec, "README has the section")
sec = sec.group(1) if sec else ""


def block(marker):
    b = re.search(r"<!-- example: %s -->\n```sh\n(.*?)```" % re.escape(marker), sec, re.S)
    t.ok(b, "README section has the block <!-- example: %s -->" % marker)
    return b.group(1) if b else ""


def commands(text):
    """The commands of a block: continuation lines joined, comments dropped."""
    out, cur = [], ""
    for line in text.splitlines():
        if not cur and (line.startswith("#") or not line.strip()):
            continue
        if line.endswith("\\"):
            cur += line[:-1]
            continue
        out.append(cur + line)
        cur = ""
    return out


setup = commands(block("read token"))
t.eq(len(setup), 2, "the read-token block: issue, and the base URL", setup)
env = dict(os.environ)
tok_cmd = setup[0].replace("scimlet --db /srv/scimlet/db", "'%s' --db '%s'" % (CLI, s.db)) \
    if setup else "false"
p = subprocess.run(["sh", "-c", tok_cmd + '\nprintf %s "$TOKEN"'], capture_output=True, text=True)
rmtok = p.stdout
t.ok(re.fullmatch(r"scimlet_[A-Za-z0-9_-]{43}", rmtok) is not None, "README's token issue line gives a token",
     p.stderr)
r = s.req("PATCH", "/Users/" + ada, patchop({"op": "replace", "path": "active", "value": False}),
          token=rmtok)
t.ok(r.status == 403 and s.req("GET", "/Users/" + ada, token=rmtok).status == 200,
     "README's token reads and cannot write", r.status)
t.ok(len(setup) == 2 and re.fullmatch(r"SCIM=https://your\.host/scim/v2", setup[1]),
     "README's SCIM= names the mount", setup[1:])

curls = commands(block("read api"))
t.eq([c.split()[0] for c in curls], ["curl"] * 7, "the read-api block: seven curl commands", curls)


def run(cmd, **var):
    e = dict(env, TOKEN=rmtok, SCIM=s.base, **var)
    p = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, env=e, timeout=30)
    try:
        return json.loads(p.stdout)
    except ValueError:
        return {"_raw": p.stdout + p.stderr}


def names(j):
    return sorted(x.get("userName") for x in j.get("Resources", []))


curls += ["false"] * (7 - len(curls))
j = run(curls[0])
t.eq(names(j), ["ada@example.com", "dora@example.com"],
     "README: who has role admin: the active users holding it (carl is inactive)", j)
t.ok(all(set(x) <= {"id", "schemas", "userName", "externalId", "meta"} for x in j.get("Resources", [{1: 1}])),
     "README: ... only the attributes asked for", j)
j = run(curls[1])
t.eq(names(j), ["ada@example.com", "dora@example.com"], "README: the same as a POST .search", j)
j = run(curls[2])
res = (j.get("Resources") or [{}])[0]
t.ok(j.get("totalResults") == 1 and res.get("active") is True and
     res.get(SCIMLET, {}).get("appRoles") == ["admin"] and
     [(g.get("value"), g.get("display")) for g in res.get("groups", [])] == [(staff, "Staff")],
     "README: a user's roles, activity and groups by userName", j)
j = run(curls[3], ID=ada)
t.eq([(g.get("value"), g.get("display")) for g in j.get("groups", [])], [(staff, "Staff")],
     "README: a user's groups by id", j)
t.ok("userName" not in j and "emails" not in j, "README: ... and only them", j)
j = run(curls[4])
NUSERS += 1    # old@example.com
t.ok(j.get("totalResults") == NUSERS and len(j.get("Resources", [])) == 100 and
     j.get("startIndex") == 1, "README: startIndex paging: the first 100 and the total",
     {k: v for k, v in j.items() if k != "Resources"})
j = run(curls[5])
seen = names(j)
t.ok(len(seen) == 100 and j.get("nextCursor"), "README: the first cursor page: 100 and a nextCursor",
     {k: v for k, v in j.items() if k != "Resources"})
j = run(curls[6], NEXT=j.get("nextCursor", ""))
seen += names(j)
t.ok(not j.get("nextCursor"), "README: the next page is the last", {k: v for k, v in j.items()
                                                                     if k != "Resources"})
t.eq(sorted(seen), sorted(everyone | {"old@example.com"}),
     "README: the cursor walk sees every user exactly once")

# --- user check.
def check(*args):
    p = s.cli("user", "check", *args, check=False)
    return p.returncode, p.stdout, p.stderr


s.cli("role", "map", "acme", "Viewer", "viewer")
r = s.req("PATCH", "/Users/" + bob, patchop({"op": "add", "path": "roles",
                                             "value": [{"value": "Viewer"}]}), token=prov)
t.status(r, 200, "setup: bob gets the viewer role")
for args, want, why in (
        (("acme", "ada@example.com"), (0, "", ""), "an active user"),
        (("acme", "ADA@Example.COM"), (0, "", ""), "userName in any case"),
        (("acme", ada), (0, "", ""), "by id"),
        (("acme", ada, "admin"), (0, "", ""), "by id, holding the role"),
        (("acme", "ada@example.com", "admin"), (0, "", ""), "holding the role"),
        (("acme", "bob@example.com", "viewer"), (0, "", ""), "holding another role"),
        (("acme", "bob@example.com", "admin"), (1, "", "scimlet: user bob@example.com lacks role admin\n"),
         "lacking the role"),
        (("acme", "ada@example.com", "Admin"), (1, "", "scimlet: user ada@example.com lacks role Admin\n"),
         "roles compare exactly: Admin is the incoming value, admin the role"),
        (("acme", "carl@example.com"), (1, "", "scimlet: user carl@example.com is inactive\n"), "inactive"),
        (("acme", "carl@example.com", "admin"), (1, "", "scimlet: user carl@example.com is inactive\n"),
         "inactive, with a role"),
        (("acme", "nobody@example.com"), (1, "", "scimlet: no user nobody@example.com\n"), "no such user"),
        (("acme", "00000000-0000-4000-8000-000000000000"),
         (1, "", "scimlet: no user 00000000-0000-4000-8000-000000000000\n"), "no user with that id"),
        (("nope", "ada@example.com"), (1, "", "scimlet: no tenant nope\n"), "unknown tenant")):
    t.eq(check(*args), want, "user check %s: %s" % (" ".join(args).replace(ada, "ADA"), why))
for args in ((), ("acme",), ("acme", "ada@example.com", "admin", "extra")):
    rc, out, err = check(*args)
    t.ok(rc == 2 and out == "" and err.startswith("scimlet: user:"),
         "user check %s: usage error, exit 2" % " ".join(args), (rc, out, err))
r = s.req("DELETE", "/Users/" + dora, token=prov)
t.eq(check("acme", "dora@example.com")[0], 1, "user check: a deleted user fails")

# --- documentation.
helptext = subprocess.run([CLI, "--help"], capture_output=True, text=True).stdout
t.ok("user check TENANT ID|USERNAME [APP-ROLE]" in helptext, "--help: user check")
t.ok("[--scope read|provision]" in helptext, "--help: token issue --scope")
with open(os.path.join(SRCDIR, "src", "scimlet.1")) as f:
    man = f.read()
t.ok(re.search(r"Cm user check", man) and re.search(r"Fl -scope", man), "scimlet.1: user check, --scope")
t.ok("user check TENANT ID|USERNAME [APP-ROLE]" in readme and "--scope read|provision" in readme,
     "README: user check, --scope")
s.stop()
t.done()
