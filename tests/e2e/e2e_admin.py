#!/usr/bin/env python3
"""The operator console's mount (issue 19), over HTTP against the real
worker: its static files and security headers, sign-in with an admin
credential for an HttpOnly SameSite=Strict session cookie, the anti-CSRF
token on every change, the admin log, the overview and the provisioning
tokens (issue, rotate, revoke: the tokens work or stop working over SCIM,
the CLI agrees), a tenant admin shut out of every other tenant's URL,
revocation and sign-out ending sessions, and failed sign-ins
rate-limited.  The browser suite (e2e_console) drives the pages."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

from harness import HERE, URN_ERROR, Server, Tap, user

t = Tap()
files = tempfile.mkdtemp(prefix="scimlet-console.")
with open(os.path.join(files, "index.html"), "w") as f:
    f.write("<!doctype html><title>scimlet</title><script src=console/app.js></script>\n")
with open(os.path.join(files, "app.js"), "w") as f:
    f.write("document.title = 'ok';\n")
with open(os.path.join(files, "notes.txt"), "w") as f:
    f.write("not served\n")
os.symlink("/etc/passwd", os.path.join(files, "linked.js"))
s = Server(console=files)
acme = s.tenant("acme")
globex = s.tenant("globex")
for i in range(3):
    s.req("POST", "/Users", user("u%d@acme.example" % i), token=acme)
s.req("POST", "/Users", user("g@globex.example"), token=globex)


def call(method, path, body=None, cookie=None, csrf=None, headers=None):
    """One request to the console's mount, the session's cookie among
    others; returns (status, headers, body as JSON or text)."""
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = "other=1; scimlet_admin=%s; x=y" % cookie
    return s.admin(method, path, body, csrf=csrf, headers=h)


def cookie_of(h):
    m = re.match(r"scimlet_admin=([A-Za-z0-9_-]*);", h.get("set-cookie", ""))
    return m.group(1) if m else None


def cli(*args):
    return s.cli(*args, check=False)


# --- files and headers
st, h, _ = call("GET", "")
t.eq((st, h.get("location")), (301, s.admin_base + "/"), "the bare mount redirects to it with /")
st, h, body = call("GET", "/")
t.eq((st, h.get("content-type")), (200, "text/html; charset=utf-8"), "index.html")
csp = h.get("content-security-policy", "")
t.ok("script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe" not in csp
     and "frame-ancestors 'none'" in csp, "a strict Content-Security-Policy", csp)
t.eq((h.get("x-content-type-options"), h.get("x-frame-options"),
      h.get("referrer-policy")), ("nosniff", "DENY", "no-referrer"), "the other security headers")
st, h, body = call("GET", "/console/app.js")
t.eq((st, h.get("content-type"), body), (200, "text/javascript; charset=utf-8",
                                        "document.title = 'ok';\n"), "a script file")
for bad in ("/console/notes.txt", "/console/../index.html", "/console/.hidden.js",
            "/console/linked.js", "/console/sub/app.js", "/console/", "/console/Index.html",
            "/other"):
    st, h, body = call("GET", bad)
    t.eq(st, 404, "not served: " + bad, body)
st, h, body = call("POST", "/console/app.js")
t.eq((st, h.get("allow")), (405, "GET, HEAD"), "files are read with GET only")
st, h, body = call("GET", "/Users", headers={"Authorization": "Bearer " + acme})
t.eq(st, 404, "the console's mount serves no SCIM")
r = s.req("GET", "/api/session")
t.eq(r.status, 401, "the SCIM mount serves no console (a token is asked for)")

# --- signed out
st, h, body = call("GET", "/api/tenants")
t.eq(st, 401, "the API needs a session")
t.ok(isinstance(body, dict) and URN_ERROR in body.get("schemas", []) and
     "sign in" in body.get("detail", ""), "with an error body that says to sign in", body)
t.ok("www-authenticate" not in h, "and no WWW-Authenticate (no browser dialog)", h)

# --- credentials
p = cli("admin", "issue", "--operator", "--label", "ops <b>team</b>")
op = p.stdout.strip()
op_id = p.stderr.strip()
t.ok(p.returncode == 0 and op.startswith("scimadm_") and len(op) == 51 and
     re.fullmatch(r"[0-9a-f]{16}", op_id), "admin issue --operator prints a credential once",
     (p.returncode, p.stdout, p.stderr))
p = cli("admin", "issue", "--tenant", "acme", "--label", "acme IT")
ta = p.stdout.strip()
ta_id = p.stderr.strip()
t.eq(p.returncode, 0, "admin issue --tenant acme")
p = cli("admin", "issue", "--tenant", "nosuch")
t.ok(p.returncode == 1 and "no tenant nosuch" in p.stderr, "no credential for a tenant that is not")
p = cli("admin", "issue")
t.eq(p.returncode, 2, "admin issue needs --operator or --tenant")
rows = [x.split("\t") for x in cli("admin", "list").stdout.splitlines()]
t.eq(sorted((x[0], x[1], x[2]) for x in rows),
     sorted([(op_id, "operator", "-"), (ta_id, "tenant-admin", "acme")]),
     "admin list shows both, never the secret", rows)
t.ok(op not in cli("admin", "list", "--json").stdout, "not even in --json")

# --- sign-in
st, h, body = call("POST", "/api/session", {"credential": op[:-1] + "x"})
t.eq(st, 401, "a wrong credential is refused")
t.ok(cookie_of(h) is None, "and sets no cookie", h)
st, h, body = call("POST", "/api/session", {"credential": op})
ck = cookie_of(h)
t.eq(st, 200, "sign in as the operator", body)
t.ok(ck is not None and len(ck) == 43, "a session cookie", h.get("set-cookie"))
sc = h.get("set-cookie", "")
t.ok("HttpOnly" in sc and "SameSite=Strict" in sc and "Path=/scimlet/admin;" in sc and
     "Secure" not in sc and "Max-Age=28800" in sc,
     "HttpOnly, SameSite=Strict, the mount's path, 8 hours, not Secure over http", sc)
csrf = body.get("csrf", "") if isinstance(body, dict) else ""
t.ok(re.fullmatch(r"[0-9a-f]{64}", csrf) is not None and body.get("role") == "operator" and
     body.get("tenant") is None and body.get("label") == "ops <b>team</b>" and
     body.get("tenantUrl") == s.base, "who signed in, the anti-CSRF token, the Tenant URL", body)
creds = {x["id"]: x for x in map(json.loads, cli("admin", "list", "--json").stdout.splitlines())}
t.ok(creds.get(op_id, {}).get("last_used") is not None and
     "last_used" not in creds.get(ta_id, {"last_used": 1}),
     "admin list: the operator's credential was last used now, the other never", creds)
st, h, me = call("GET", "/api/session", cookie=ck)
t.eq((st, me.get("csrf"), me.get("session")), (200, csrf, body.get("session")),
     "the session reads back")
st, h, _ = call("GET", "/api/session", cookie=ck[:-1] + ("A" if ck[-1] != "A" else "B"))
t.eq(st, 401, "a cookie one character off is no session")
log = [json.loads(x) for x in cli("admin", "log", "--json").stdout.splitlines()]
acts = [(x["action"], x["credential"]) for x in log]
t.ok(("sign-in failed", None) in acts and ("sign-in", op_id) in acts,
     "the admin log has the failed and the good sign-in", acts)
t.ok(all(op not in json.dumps(x) and ck not in json.dumps(x) for x in log),
     "and neither secret")

# --- overview
st, h, body = call("GET", "/api/tenants", cookie=ck)
names = {x["name"]: x for x in body.get("tenants", [])} if st == 200 else {}
t.eq(sorted(names), ["acme", "globex"], "the operator sees every tenant")
t.eq((names.get("acme", {}).get("users"), names.get("globex", {}).get("users")), (3, 1),
     "with their user counts")
a = names.get("acme", {})
t.ok(a.get("breaker") == "armed" and isinstance(a.get("last_cycle"), dict) and
     a["last_cycle"].get("creates") == 3 and a.get("outstanding") == 0,
     "its breaker, its last cycle and what is outstanding", a)
st, h, one = call("GET", "/api/tenants/acme", cookie=ck)
t.eq((st, one.get("name"), one.get("users")), (200, "acme", 3), "one tenant")
st, h, _ = call("GET", "/api/tenants/nosuch", cookie=ck)
t.eq(st, 404, "a tenant that is not: 404")

# --- changes need the anti-CSRF token, from this origin
st, h, body = call("POST", "/api/tenants/acme/tokens", {"label": "Entra"}, cookie=ck)
t.eq(st, 403, "issuing a token without the anti-CSRF token is refused", body)
st, h, body = call("POST", "/api/tenants/acme/tokens", {"label": "Entra"}, cookie=ck,
                   csrf="0" * 64)
t.eq(st, 403, "and with a wrong one")
st, h, body = call("POST", "/api/tenants/acme/tokens", {"label": "Entra"}, cookie=ck,
                   csrf=csrf, headers={"Origin": "http://evil.example"})
t.eq(st, 403, "and from another origin")
st, h, body = call("DELETE", "/api/session", cookie=ck)
t.eq(st, 403, "signing out needs it too")
t.eq(len(cli("token", "list", "acme").stdout.splitlines()), 1, "no token was issued by those")

# --- tokens
st, h, body = call("POST", "/api/tenants/acme/tokens", {"label": "Entra <i>ID</i>", "days": 30},
                   cookie=ck, csrf=csrf, headers={"Origin": "http://127.0.0.1:%d" % s.port})
new = body.get("token", "") if st == 201 else ""
new_id = body.get("id") if st == 201 else None
t.ok(st == 201 and new.startswith("scimlet_") and body.get("tenantUrl") == s.base,
     "issue a provisioning token: shown once with the Tenant URL", body)
r = s.req("GET", "/Users?filter=" + "userName%20eq%20%22nobody%22", token=new)
t.eq((r.status, r.json.get("totalResults") if r.status == 200 else None), (200, 0),
     "the token works over SCIM: Entra's Test Connection probe")
# A read's activity record (which holds the token's last use) is written
# after its response, batched: wait until the CLI sees it.
for _ in range(100):
    if any(json.loads(x).get("id") == new_id and json.loads(x).get("last_used")
           for x in cli("token", "list", "acme", "--json").stdout.splitlines()):
        break
    time.sleep(0.1)
st, h, body = call("GET", "/api/tenants/acme/tokens", cookie=ck)
mine = [x for x in body.get("tokens", []) if x["id"] == new_id] if st == 200 else []
t.ok(len(mine) == 1 and mine[0]["label"] == "Entra <i>ID</i>" and mine[0]["active"] and
     mine[0]["expires"] is not None and mine[0]["last_used"] is not None,
     "the list has it, active, with its expiry and last use", body)
clijson = [json.loads(x) for x in cli("token", "list", "acme", "--json").stdout.splitlines()]
t.eq(sorted(x["id"] for x in clijson), sorted(x["id"] for x in body.get("tokens", [])),
     "the CLI lists the same tokens")
t.eq([{k: v for k, v in x.items() if k != "active"} for x in body.get("tokens", [])],
     clijson, "with the same fields")
audit = [json.loads(x) for x in cli("audit", "list", "acme", "--json").stdout.splitlines()]
iss = [x for x in audit if x.get("action") == "operator.token.issued" and x.get("id") == new_id]
t.ok(len(iss) == 1 and "console" in json.dumps(iss[0]), "the tenant's audit has the issue, "
     "by the console", audit[-1:])
st, h, body = call("POST", "/api/tenants/acme/tokens/%s/rotate" % new_id, {"grace": 0},
                   cookie=ck, csrf=csrf)
rot = body.get("token", "") if st == 200 else ""
t.ok(st == 200 and rot.startswith("scimlet_") and body.get("id") != new_id, "rotate", body)
t.eq((s.req("GET", "/Users", token=rot).status, s.req("GET", "/Users", token=new).status),
     (200, 401), "the successor works, the old one no longer")
rot_id = body.get("id")
st, h, body = call("DELETE", "/api/tenants/acme/tokens/%s" % rot_id, cookie=ck, csrf=csrf)
t.eq(st, 204, "revoke")
t.eq(s.req("GET", "/Users", token=rot).status, 401, "a revoked token stops working")
st, h, body = call("POST", "/api/tenants/acme/tokens", {"label": "x\u0007y"}, cookie=ck,
                   csrf=csrf)
t.ok(st == 400 and body.get("scimType") == "invalidValue" and body.get("detail"),
     "a label with a control character is refused", body)
st, h, body = call("POST", "/api/tenants/acme/tokens", {"days": -1}, cookie=ck, csrf=csrf)
t.eq(st, 400, "a negative lifetime is refused")
st, h, body = call("POST", "/api/tenants/acme/tokens", "text", cookie=ck, csrf=csrf)
t.eq(st, 400, "a body that is no object is refused")

# --- a tenant admin
st, h, body = call("POST", "/api/session", {"credential": ta})
tck, tcsrf = cookie_of(h), (body or {}).get("csrf")
t.ok(st == 200 and body.get("role") == "tenant-admin" and body.get("tenant") == "acme",
     "a tenant admin signs in", body)
st, h, body = call("GET", "/api/tenants", cookie=tck)
t.eq([x["name"] for x in body.get("tenants", [])], ["acme"], "and sees their tenant only")
gtok = json.loads(cli("token", "list", "globex", "--json").stdout.splitlines()[0])["id"]
for method, path, b in (("GET", "/api/tenants/globex", None),
                        ("GET", "/api/tenants/globex/tokens", None),
                        ("POST", "/api/tenants/globex/tokens", {"label": "x"}),
                        ("POST", "/api/tenants/globex/tokens/%s/rotate" % gtok, {}),
                        ("DELETE", "/api/tenants/globex/tokens/%s" % gtok, None),
                        ("DELETE", "/api/tenants/acme/tokens/%s" % gtok, None),
                        ("POST", "/api/tenants/acme/tokens/%s/rotate" % gtok, {"grace": 0})):
    st, h, body = call(method, path, b, cookie=tck, csrf=tcsrf)
    t.eq(st, 404, "tenant admin of acme: %s %s is 404" % (method, path), body)
t.eq(s.req("GET", "/Users", token=globex).status, 200, "globex's token still works")
t.eq(len(cli("token", "list", "globex").stdout.splitlines()), 1, "and globex has no new token")

# --- sessions end
rows = [x.split("\t") for x in cli("admin", "sessions").stdout.splitlines()]
t.eq(sorted(x[2] for x in rows), ["operator", "tenant-admin"], "admin sessions lists both")
p = cli("admin", "revoke", ta_id)
t.ok(p.returncode == 0 and "1 session" in p.stdout, "revoking a credential ends its session",
     p.stdout)
t.eq(call("GET", "/api/session", cookie=tck)[0], 401, "that session is over")
t.eq(call("POST", "/api/session", {"credential": ta})[0], 401, "and the credential signs in no more")
st, h, body = call("DELETE", "/api/session", cookie=ck, csrf=csrf)
t.ok(st == 204 and "Max-Age=0" in h.get("set-cookie", ""), "sign out clears the cookie", h)
t.eq(call("GET", "/api/tenants", cookie=ck)[0], 401, "the session is over after sign-out")
st, h, body = call("POST", "/api/session", {"credential": op})
ck2 = cookie_of(h)
p = cli("admin", "end", "--all")
t.ok(p.returncode == 0 and call("GET", "/api/session", cookie=ck2)[0] == 401,
     "admin end --all ends every session", p.stdout)

# --- a session past its end
st, h, body = call("POST", "/api/session", {"credential": op})
ck3, sid3 = cookie_of(h), (body or {}).get("session")
t.eq(call("GET", "/api/session", cookie=ck3)[0], 200, "a new session")
p = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "lmdb_edit.py"), s.db, "session",
                    sid3, "2020-01-01T00:00:00.000Z"], capture_output=True, text=True)
t.eq(p.returncode, 0, "its end moved into the past", p.stderr)
t.eq(call("GET", "/api/session", cookie=ck3)[0], 401, "a session past its end is over")
t.ok(sid3 not in cli("admin", "sessions").stdout, "and no longer listed")

# --- a tenant removed takes its admins' credentials and sessions
p = cli("admin", "issue", "--tenant", "globex")
gx, gx_id = p.stdout.strip(), p.stderr.strip()
st, h, body = call("POST", "/api/session", {"credential": gx})
gck = cookie_of(h)
t.eq(st, 200, "globex's admin signs in")
cli("tenant", "remove", "globex", "--yes")
t.eq(call("GET", "/api/session", cookie=gck)[0], 401, "removing globex ends its admin's session")
t.ok(gx_id not in cli("admin", "list").stdout, "and drops the credential")

# --- failed sign-ins are limited per address
# Two failed above; five in all are checked, then refused.
seen = [call("POST", "/api/session", {"credential": "scimadm_" + "A" * 43})[0]
        for _ in range(5)]
t.eq(seen, [401] * 3 + [429] * 2, "after 5 failures from an address, sign-in is refused", seen)
st, h, body = call("POST", "/api/session", {"credential": op})
t.ok(st == 429 and int(h.get("retry-after", "0")) >= 1,
     "even with a good credential, with Retry-After", (st, h))
failed = [x for x in (json.loads(y) for y in cli("admin", "log", "--json").stdout.splitlines())
          if x["action"] == "sign-in failed"]
t.eq(len(failed), 5, "each failure that was checked is in the admin log (refusals are not)")
t.ok(all(x.get("client") == "127.0.0.1" for x in failed), "with the client's address")

shutil.rmtree(files, ignore_errors=True)
t.done()
