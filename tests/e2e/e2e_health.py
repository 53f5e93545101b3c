#!/usr/bin/env python3
"""{mount}/.health under lighttpd (issue 13): 200 with status, version
and database format when the worker reads its database, 503 when it
cannot; no token needed, none looked at, nothing about tenants.  HEAD
as GET without the body; any other method 405 with Allow.  The Apache
and nginx mounts are checked in e2e_mounts.py."""
import os
import re
import shutil
import sys
import tempfile

try:
    import lmdb
except ImportError:
    # Debian's python3-lmdb is for Debian's python3; without it the
    # format is checked for its shape only.
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    lmdb = None

from harness import FAULT_FCGI, SRCDIR, Server, Tap, cgi

t = Tap()
CTYPE = "application/scim+json; charset=utf-8"

with open(os.path.join(SRCDIR, "configure.ac")) as f:
    VERSION = re.search(r"AC_INIT\(\[scimlet\],\s*\[([^]]+)\]", f.read()).group(1)


def db_format(db):
    """meta "format", read from the database itself."""
    if lmdb is None:
        return (Server.req(s, "GET", "/.health").json or {}).get("format")
    env = lmdb.open(db, max_dbs=16, subdir=True, readonly=True)
    try:
        meta = env.open_db(b"meta", create=False)
        with env.begin() as txn:
            return txn.get(b"format", db=meta).decode()
    finally:
        env.close()


def healthy(r, name):
    t.eq((r.status, r.json, r.ctype, r.header("cache-control")),
         (200, {"status": "ok", "version": VERSION, "format": FORMAT},
          CTYPE, "no-store"), name, r.text)


def unavailable(r, name):
    # Nothing else: the reason is in the error log, not for the caller.
    t.eq((r.status, r.json, r.ctype),
         (503, {"status": "unavailable", "version": VERSION, "format": None},
          CTYPE), name, r.text)


s = Server()
FORMAT = db_format(s.db)
t.ok(re.fullmatch(r"[0-9]+", FORMAT), "the database has a format version", FORMAT)
tok = s.tenant("acme-health")

# 200 without a token, with one, and with a wrong one: the same answer.
r = s.req("GET", "/.health")
healthy(r, "GET /.health without a token: 200 ok, version, format")
t.ok(r.header("www-authenticate") is None and r.header("x-request-id"),
     "no challenge; a request id as ever", r.headers)
healthy(s.req("GET", "/.health", token=tok), "with a token: the same")
healthy(s.req("GET", "/.health", token="not-a-token"),
        "with a wrong token: the same (no token is looked at)")
t.ok(b"acme" not in r.body and len(r.body) < 100,
     "nothing about tenants, a tiny body", r.text)
healthy(s.req("GET", "/.health/"), "one trailing slash tolerated")
healthy(s.req("GET", "/.health?x=1"), "a query string is ignored")

# HEAD: the headers of GET, no body.
r = s.req("HEAD", "/.health")
t.eq((r.status, r.body, r.header("content-length"), r.ctype),
     (200, b"", str(len(s.req("GET", "/.health").body)), CTYPE),
     "HEAD /.health: 200, GET's headers, no body")

# Every other method: 405 with Allow, as a SCIM error.
for m in ("POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
    r = s.req(m, "/.health", body={} if m in ("POST", "PUT", "PATCH") else None)
    t.error(r, 405, None, m + " /.health: 405")
    t.eq(r.header("allow"), "GET, HEAD", m + " /.health: Allow: GET, HEAD")

# Only that exact name: the rest is a SCIM path like any other.
for p in ("/.healthz", "/.health/x", "/Users/.health", "/.HEALTH"):
    r = s.req("GET", p)
    t.error(r, 401, None, "GET %s without a token: 401, not health" % p)
r = s.req("GET", "/Users/.health", token=tok)
t.error(r, 404, None, "/Users/.health is a user id that does not exist")

# The SCIM endpoints keep wanting a token.
t.error(s.req("GET", "/Users"), 401, None, "GET /Users without a token: 401")
t.status(s.req("GET", "/Users", token=tok), 200, "GET /Users with one: 200")

# The database file replaced by something that is not LMDB (a restore
# gone wrong): the restarted worker answers 503; put back, 200 again.
data = os.path.join(s.db, "data.mdb")
s.stop_lighttpd()
os.rename(data, data + ".good")
with open(data, "wb") as f:
    f.write(b"not a database\n" * 1024)
s.start()
unavailable(s.req("GET", "/.health"), "a data.mdb that is not a database: 503")
s.stop_lighttpd()
os.replace(data + ".good", data)
s.start()
healthy(s.req("GET", "/.health"), "the database back, after a restart: 200")
s.stop()

# A worker whose SCIMLET_DB names no database: 503 for health, the 500
# it always gave for everything else.
d = tempfile.mkdtemp(prefix="scimlet-e2e-health.")
try:
    bad = Server(db=os.path.join(d, "nowhere"))
    r = bad.req("GET", "/.health")
    unavailable(r, "SCIMLET_DB names no database: 503 unavailable")
    t.ok(b"nowhere" not in r.body and b"SCIMLET" not in r.body,
         "no internal detail in the body", r.text)
    r = bad.req("HEAD", "/.health")
    t.eq((r.status, r.body), (503, b""), "HEAD: 503, no body")
    t.error(bad.req("POST", "/.health", body={}), 405, None,
            "POST still 405 on a misconfigured worker")
    r = bad.req("GET", "/Users", token="whatever")
    t.eq(r.status, 500, "GET /Users on that worker: 500, as before")
    t.ok("no database in" in bad.logs(), "the reason is in the error log",
         bad.logs()[-2000:])
    bad.stop()
finally:
    shutil.rmtree(d, ignore_errors=True)

# Plain CGI: SCIMLET_DB unset, then empty.
r, rc, err = cgi(None, "GET", "/.health")
unavailable(r, "CGI without SCIMLET_DB: 503")
t.ok("SCIMLET_DB is not set" in err, "the reason on stderr", err)
r, rc, err = cgi(None, "GET", "/.health", env={"SCIMLET_DB": ""})
unavailable(r, "CGI with an empty SCIMLET_DB: 503")

# A read that fails at run time (the test build's fault hook): 503 for
# that request, 200 for the next.
if os.access(FAULT_FCGI, os.X_OK):
    f = Server(procs=1, fcgi=FAULT_FCGI)
    FORMAT = db_format(f.db)
    r = f.req("GET", "/.health", headers={"X-Scimlet-Fault": "0 EIO"})
    m = re.match(r"calls=(\d+) fired=(\S+) leaked=(\d+)",
                 r.header("x-scimlet-fault") or "")
    t.ok(m and int(m.group(1)) >= 1 and m.group(3) == "0",
         "health reads the database (counted LMDB calls)", r.headers)
    n = int(m.group(1)) if m else 1
    for i in range(1, n + 1):
        r = f.req("GET", "/.health", headers={"X-Scimlet-Fault": "%d EIO" % i})
        unavailable(r, "LMDB call %d of %d fails (EIO): 503" % (i, n))
        t.ok((r.header("x-scimlet-fault") or "").endswith("leaked=0"),
             "no transaction left open", r.headers)
    healthy(f.req("GET", "/.health"), "the next request: 200")
    f.stop()
else:
    print("# SKIP no fault worker at %s" % FAULT_FCGI)

t.done()
