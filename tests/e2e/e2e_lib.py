#!/usr/bin/env python3
"""The C library (issue 14), as an application uses it: tests/lib/app.c is
built against a staged `make install` through pkg-config, then reads what
the worker wrote over HTTP: a user by userName (any case) and by id, its
active flag, application roles and groups; every user; the change feed,
the same records as GET /.changes, and SCIMLET_GONE after pruning; eight
threads sharing one handle.  Only scimlet_* is exported."""
import json
import os
import shlex
import subprocess
import tempfile

from harness import URN_GROUP, Server, Tap, patchop, user

t = Tap()
stage = os.environ["SCIMLET_LIB_STAGE"]
libdir = os.environ["SCIMLET_LIBDIR"]
cc = os.environ.get("SCIMLET_CC", "cc")
san = os.environ.get("SCIMLET_SAN_CFLAGS", "")
srcdir = os.environ.get("SCIMLET_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
tmp = tempfile.mkdtemp(prefix="scimlet-lib.")

# --- what is installed: a header, an archive, a pkg-config file.
lib = os.path.join(stage + libdir, "libscimlet.a")
t.ok(os.path.exists(lib), "libscimlet.a installed under libdir", lib)
pc = os.path.join(stage + libdir, "pkgconfig", "scimlet.pc")
t.ok(os.path.exists(pc), "scimlet.pc installed", pc)
syms = subprocess.run(["nm", "-g", "--defined-only", lib], capture_output=True,
                      text=True).stdout.split()
exported = sorted(w for w in syms if w.startswith("scimlet_"))
others = [l for l in subprocess.run(["nm", "-g", "--defined-only", lib], capture_output=True,
          text=True).stdout.splitlines() if " T " in l or " D " in l or " B " in l]
t.eq(sorted(l.split()[-1] for l in others), exported,
     "only scimlet_* names are global in the archive", others[:5])
t.eq(exported, ["scimlet_changes_each", "scimlet_close", "scimlet_open", "scimlet_user_free",
                "scimlet_user_get", "scimlet_user_has_role", "scimlet_users_each"],
     "the documented functions")

# --- build the application through pkg-config, against the staged install.
env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(stage + libdir, "pkgconfig"),
           PKG_CONFIG_SYSROOT_DIR=stage, PKG_CONFIG_LIBDIR="")
flags = subprocess.run(["pkg-config", "--cflags", "--libs", "scimlet"], env=env,
                       capture_output=True, text=True)
t.eq(flags.returncode, 0, "pkg-config knows scimlet", flags.stderr)
app = os.path.join(tmp, "app")
b = subprocess.run(shlex.split(cc) + shlex.split(san) + ["-o", app,
                   os.path.join(srcdir, "tests", "lib", "app.c")] +
                   shlex.split(flags.stdout) + ["-lpthread"], capture_output=True, text=True)
t.eq(b.returncode, 0, "tests/lib/app.c builds against it", b.stderr[-2000:])

s = Server()
s.cli("tenant", "add", "acme")
s.cli("tenant", "add", "other")
tok = s.cli("token", "issue", "acme").stdout.strip()
otok = s.cli("token", "issue", "other").stdout.strip()
s.cli("role", "map", "acme", "Admin", "admin")
s.cli("role", "map-group", "acme", "Staff", "staff")


def app_run(*args):
    return subprocess.run([app, s.db] + list(args), capture_output=True, text=True)


ada = s.req("POST", "/Users", user("Ada@example.com", externalId="e-ada",
                                   roles=[{"value": "Admin"}]), token=tok).json["id"]
bob = s.req("POST", "/Users", user("bob@example.com"), token=tok).json["id"]
s.req("POST", "/Users", user("ada@example.com"), token=otok)   # another tenant's
staff = s.req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "Staff",
                                  "members": [{"value": ada}, {"value": bob}]}, token=tok).json["id"]
s.req("PATCH", "/Users/" + bob, patchop({"op": "replace", "path": "active", "value": False}),
      token=tok)

r = app_run("acme", "user", "ADA@example.com")
t.eq(r.returncode, 0, "a user by userName, any case", r.stderr)
t.eq(r.stdout.rstrip("\n").split("\t"),
     [ada, "Ada@example.com", "e-ada", "active", "admin,staff", staff],
     "id, userName, externalId, active, appRoles, groups")
r = app_run("acme", "user", bob)
t.eq(r.stdout.rstrip("\n").split("\t"),
     [bob, "bob@example.com", "-", "inactive", "-", staff],
     "by id: an inactive user holds no role, keeps its groups")
t.eq(app_run("acme", "user", "nobody@example.com").returncode, 1, "no such user: NOTFOUND")
t.eq(app_run("nosuch", "user", "ada@example.com").returncode, 1, "no such tenant: NOTFOUND")
r = app_run("other", "user", "ada@example.com")
t.ok(r.returncode == 0 and ada not in r.stdout, "another tenant's ada is its own", r.stdout)

r = app_run("acme", "users")
t.eq(sorted(l.split("\t")[0] for l in r.stdout.splitlines()), sorted([ada, bob]),
     "every user of the tenant, and only those")

# --- the change feed: the same records as GET /.changes.
r = app_run("acme", "changes", "0")
lib_recs = [json.loads(l.split(" ", 1)[1]) for l in r.stdout.splitlines()]
http_recs = s.req("GET", "/.changes?since=0&count=1000", token=tok).json["changes"]
t.ok(len(lib_recs) >= 5 and lib_recs == http_recs, "changes: the records GET /.changes gives",
     (len(lib_recs), len(http_recs)))
t.eq([int(l.split(" ", 1)[0]) for l in r.stdout.splitlines()],
     list(range(1, len(lib_recs) + 1)), "numbered from 1 without gaps")
r = app_run("acme", "changes", "3")
t.eq([json.loads(l.split(" ", 1)[1])["seq"] for l in r.stdout.splitlines()][:1], [4],
     "after a seq: from the next one")
s.cli("changes", "prune", "--tenant", "acme", "--before", "3")
t.eq(app_run("acme", "changes", "0").returncode, 3, "after pruning, from before it: GONE")
t.eq(app_run("acme", "changes", "2").returncode, 0, "from the floor on: fine")

# --- threads share one handle.
r = app_run("acme", "threads", "ada@example.com", "8")
t.eq((r.returncode, r.stdout.strip()), (0, "16000 lookups, 0 wrong"),
     "eight threads, one handle, each call its own read", r.stderr)

s.stop()
subprocess.run(["rm", "-rf", tmp])
t.done()
