#!/usr/bin/env python3
"""Storage faults on every write endpoint.  The test build of the worker
(tests/fault/scimlet-fault.fcgi, the store's fault hook) runs under
lighttpd; a request header X-Scimlet-Fault: N KIND makes the Nth LMDB
call of that request fail: MAP_FULL (counting puts, deletes, commits),
EIO (any call) or CORRUPT (the Nth JSON record read comes back cut
short).  For each endpoint and kind, N goes 1, 2, ... until the fault is
no longer reached, and every failed request must be a SCIM error with
the right status, leave the database as it was (every key of every
named database compared), leave the worker answering, and leave no
writer lock behind (another process writes within a second).

Known faults of the request handlers are reported as TODO with their
reason; see KNOWN below.  A corrupt record read after the commit, for the
response only, may be left out of it."""
import json
import os
import re
import struct
import subprocess
import sys
import time
import uuid

try:
    import lmdb
except ImportError:
    # Debian's python3-lmdb is for Debian's python3.
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("1..0 # SKIP python3-lmdb is not installed")
    sys.exit(0)

from harness import (CLI, FAULT_FCGI, FCGI, URN_ERROR, URN_PATCH, URN_USER,
                     Server, Tap)

if not os.access(FAULT_FCGI, os.X_OK):
    print("1..0 # SKIP no fault worker at %s (make check builds it)" % FAULT_FCGI)
    sys.exit(0)

KINDS = ("MAP_FULL", "EIO", "CORRUPT")
STATUS = {"MAP_FULL": (507, "database is full"),
          "EIO": (500, "internal storage error"),
          "CORRUPT": (500, "internal storage error")}
VERBOSE = os.environ.get("E2E_FAULTS_VERBOSE")
MAX_N = 400             # no request of this test makes this many calls
DEADLINE = time.time() + 100

t = Tap()
# The hook exists in the test build only: nothing of it in what ships.
MARKS = (b"store_fault", b"HTTP_X_SCIMLET_FAULT", b"X-Scimlet-Fault", b"fault: ")


def traces(path):
    with open(path, "rb") as f:
        data = f.read()
    found = [m.decode() for m in MARKS if m in data]
    try:
        syms = subprocess.run(["nm", path], capture_output=True, text=True).stdout
        # "fault", not LMDB's mdb_default_cmp (linked in statically).
        found += ["nm: " + l.split()[-1] for l in syms.splitlines()
                  if re.search(r"(?<!de)fault", l)]
    except OSError:
        pass                    # no binutils: the bytes say enough
    return found


t.eq(traces(FCGI), [], "the production worker has no trace of the fault hook")
t.eq(traces(CLI), [], "nor has the CLI")
t.ok(len(traces(FAULT_FCGI)) >= len(MARKS), "(the test worker has it)",
     traces(FAULT_FCGI))
s = Server(procs=1, fcgi=FAULT_FCGI)
tok = s.tenant("acme")
for args in (("map-group", "acme", "Admins", "admin"),
             ("map-group", "acme", "Devs", "dev"),
             ("map-group", "acme", "Ops", "ops"),
             ("map-group", "acme", "Temp", "temp"),
             ("map", "acme", "Engineer", "eng")):
    s.cli("role", *args)
env = lmdb.open(s.db, max_dbs=16, readonly=True, map_size=1 << 30)


def dump():
    """Every key and value of every named database."""
    out = {}
    with env.begin() as txn:
        names = [k for k, _ in txn.cursor()]
        for name in names:
            db = env.open_db(name, txn=txn, create=False)
            out[name] = list(txn.cursor(db).iternext())
    return out


def difference(a, b):
    for name in sorted(set(a) | set(b)):
        x, y = dict(a.get(name, [])), dict(b.get(name, []))
        if a.get(name) != b.get(name):
            gone = [k for k in x if k not in y]
            new = [k for k in y if k not in x]
            changed = [k for k in x if k in y and x[k] != y[k]]
            return "%s: %d keys gone, %d new, %d changed (%r)" % (
                name.decode(), len(gone), len(new), len(changed),
                (gone + new + changed)[:2])
    return None


def req(method, path, body=None, fault=None):
    h = {"X-Scimlet-Fault": fault} if fault else {}
    return s.req(method, path, body, token=tok, headers=h, timeout=10)


def must(method, path, body=None, status=(200, 201, 204)):
    r = req(method, path, body)
    if r.status not in status:
        raise RuntimeError("%s %s: %d %s" % (method, path, r.status, r.text[:300]))
    return r


def user(name, **extra):
    u = {"schemas": [URN_USER], "userName": name}
    u.update(extra)
    return u


def patch(*ops):
    return {"schemas": [URN_PATCH], "Operations": list(ops)}


def find(kind, attr, value):
    r = must("GET", '/%s?filter=%s%%20eq%%20%%22%s%%22' % (kind, attr, value))
    res = r.json.get("Resources", [])
    return res[0]["id"] if res else None


ids = {}
for name in ("alice", "bob", "carol"):
    ids[name] = must("POST", "/Users", user(name + "@example.com",
                     roles=[{"value": "Engineer"}] if name == "carol" else [])).json["id"]
ids["Admins"] = must("POST", "/Groups", {"displayName": "Admins", "members": [
    {"value": ids["alice"]}]}).json["id"]
ids["Devs"] = must("POST", "/Groups", {"displayName": "Devs", "members": [
    {"value": ids["alice"]}, {"value": ids["bob"]}]}).json["id"]
members = lambda *names: [{"value": ids[n]} for n in names]


# Each endpoint: a reset that brings the state its request expects (run
# before each kind, and after a request that went through), and the
# request for attempt k.
def reset_none():
    pass


def reset_carol():
    must("PATCH", "/Users/" + ids["carol"], patch({"op": "replace", "path": "active",
                                                   "value": True}))


def reset_victim():
    if find("Users", "userName", "victim%40example.com") is None:
        ids["victim"] = must("POST", "/Users", user("victim@example.com")).json["id"]
        must("PATCH", "/Groups/" + ids["Admins"], patch(
            {"op": "add", "path": "members", "value": members("victim")}))


def reset_ops():
    gid = find("Groups", "displayName", "Ops")
    if gid is not None:
        must("DELETE", "/Groups/" + gid)


def reset_devs():
    must("PUT", "/Groups/" + ids["Devs"], {"displayName": "Devs",
                                          "members": members("alice", "bob")})


def reset_temp():
    if find("Groups", "displayName", "Temp") is None:
        ids["Temp"] = must("POST", "/Groups", {"displayName": "Temp",
                                               "members": members("carol")}).json["id"]


ENDPOINTS = [
    ("POST /Users", reset_none, lambda k: (
        "POST", "/Users", user("new%04d@example.com" % k, roles=[{"value": "Engineer"}]))),
    ("PUT /Users/id", reset_none, lambda k: (
        "PUT", "/Users/" + ids["bob"], user("bob@example.com", displayName="Bob %04d" % k,
                                            roles=[{"value": "Engineer"}]))),
    ("PATCH /Users/id active false", reset_carol, lambda k: (
        "PATCH", "/Users/" + ids["carol"], patch({"op": "replace", "path": "active",
                                                  "value": False}))),
    ("DELETE /Users/id", reset_victim, lambda k: (
        "DELETE", "/Users/" + ids["victim"], None)),
    ("POST /Groups with members", reset_ops, lambda k: (
        "POST", "/Groups", {"displayName": "Ops", "members": members("alice", "bob")})),
    ("PUT /Groups/id", reset_devs, lambda k: (
        "PUT", "/Groups/" + ids["Devs"], {"displayName": "Devs",
                                          "members": members("bob", "carol")})),
    ("PATCH /Groups/id add+remove", reset_devs, lambda k: (
        "PATCH", "/Groups/" + ids["Devs"], patch(
            {"op": "add", "path": "members", "value": members("carol")},
            {"op": "remove", "path": 'members[value eq "%s"]' % ids["bob"]}))),
    ("DELETE /Groups/id", reset_temp, lambda k: (
        "DELETE", "/Groups/" + ids["Temp"], None)),
    # One write transaction, its operations nested in it (src/bulk.h):
    # a fault in any of them leaves nothing of the whole request.
    ("POST /Bulk", reset_ops, lambda k: (
        "POST", "/Bulk", {"Operations": [
            {"method": "POST", "path": "/Users", "bulkId": "u",
             "data": user("bulk%04d@example.com" % k)},
            {"method": "POST", "path": "/Groups", "bulkId": "g",
             "data": {"displayName": "Ops", "members": [
                 {"value": "bulkId:u"}, {"value": ids["alice"]}]}},
            {"method": "PATCH", "path": "/Users/" + ids["carol"], "data": patch(
                {"op": "replace", "path": "title", "value": "T%04d" % k})}]})),
]


def lock_free():
    """Another process writes within 10 s (1 s was overrun by the CLI's
    fsync on a machine busy with other disk writes; a lock left held is
    held for good, so the longer wait finds it all the same)."""
    try:
        p = subprocess.run([CLI, "--db", s.db, "tenant", "set", "acme",
                            "max-results=100"], capture_output=True, timeout=10)
        return p.returncode == 0
    except subprocess.TimeoutExpired:
        return False


def alive():
    try:
        return req("GET", "/Users/" + ids["alice"]).status == 200
    except OSError:
        return False


def restart():
    s.stop_lighttpd()
    s.start()


def error_ok(r, kind):
    st, detail = STATUS[kind]
    j = r.json or {}
    return (r.status == st and j.get("schemas") == [URN_ERROR]
            and j.get("status") == str(st) and j.get("detail") == detail)


# Known faults of the request handlers, which this test reports as TODO
# and does not fix: class -> (what, why).  Anything else fails.
KNOWN = {}
# (The last one, "a 500 after the write was committed", went when the
# handlers made their response inside the write transaction.)


def classify(kind, r, info, diff, up, free):
    """The problems of one faulted request: [(class or None, text)]."""
    fired, out = info.get("fired", "?"), []
    after = fired.endswith("+after-commit")
    if info.get("leaked", "0") != "0":
        out.append((None, "left %s transaction(s) open (fault: %s)" % (
            info["leaked"], fired)))
    if r.status < 300:
        # After the commit, a response that leaves out what it could not
        # read (a group's display name) is still the truth; before it, a
        # write went on past a record it could not read.
        if kind != "CORRUPT" or not after:
            out.append((None, "succeeded despite the fault (%s)" % fired))
    elif not error_ok(r, kind):
        out.append((None, "status %d body %s (fault: %s)" % (
            r.status, r.text[:160], fired)))
    if r.status >= 300 and diff is not None:
        out.append((None, "changed the database (fault: %s%s): %s" % (
            fired, ", after the commit" if after else "", diff)))
    if not up:
        out.append((None, "worker did not answer after the fault (%s)" % fired))
    if not free:
        out.append((None, "writer lock still held after the fault (%s)" % fired))
    return out


def ranges(ns):
    out, i = [], 0
    while i < len(ns):
        j = i
        while j + 1 < len(ns) and ns[j + 1] == ns[j] + 1:
            j += 1
        out.append(str(ns[i]) if i == j else "%d-%d" % (ns[i], ns[j]))
        i = j + 1
    return ",".join(out)


k = 0
for name, reset, make in ENDPOINTS:
    for kind in KINDS:
        reset()
        problems = []           # (n, class, text)
        n, calls = 0, None
        while n < MAX_N and time.time() < DEADLINE:
            n += 1
            k += 1
            method, path, body = make(k)
            before = dump()
            r = req(method, path, body, fault="%d %s" % (n, kind))
            info = dict(x.split("=", 1) for x in
                        (r.header("x-scimlet-fault") or "fired=?").split())
            if VERBOSE:
                print("# %s %s N=%d: %d %s" % (name, kind, n, r.status,
                                              r.header("x-scimlet-fault")))
            if info.get("fired") == "-":
                calls = info.get("calls")
                if r.status >= 300:
                    problems.append((n, None, "fails without a fault: %d %s"
                                     % (r.status, r.text[:200])))
                break
            diff = difference(before, dump())
            up = alive()
            free = lock_free()
            if not up or not free:
                restart()
            if r.status < 300 or diff is not None:
                reset()
            problems.extend((n,) + p for p in classify(kind, r, info, diff, up, free))
        last = n - 1 if calls is not None else n
        t.ok(calls is not None, "%s, %s: succeeds once N passes its %s calls"
             % (name, kind, calls), "stopped at N=%d" % n)
        unknown = [p for p in problems if p[1] is None]
        t.ok(not unknown, "%s, %s: N=1..%d: SCIM %d errors, nothing changed, "
             "worker alive, writer lock free%s" % (
                 name, kind, last, STATUS[kind][0],
                 " (but for the TODOs below)" if problems else ""),
             "\n".join("N=%d: %s" % (p[0], p[2]) for p in unknown))
        for cls in KNOWN:
            ns = [p[0] for p in problems if p[1] == cls]
            if ns:
                t.ok(False, "%s, %s: N=%s: %s" % (name, kind, ranges(ns), KNOWN[cls][0]),
                     "\n".join("N=%d: %s" % (p[0], p[2]) for p in problems
                               if p[1] == cls), todo=KNOWN[cls][1])
t.ok(time.time() < DEADLINE, "within the time limit")

# Records corrupt at rest (store.h: stored JSON that does not parse is a
# storage error, never skipped): the CLI's listings fail and say so
# rather than leave the record out.
env.close()
env = lmdb.open(s.db, max_dbs=16, map_size=1 << 30)
with env.begin(write=True) as txn:
    tid = json.loads(txn.get(b"acme", db=env.open_db(b"tenants", txn=txn,
                                                    create=False)))["id"]
    res = env.open_db(b"resources", txn=txn, create=False)
    key = struct.pack(">IB", tid, ord("U")) + uuid.UUID(ids["alice"]).bytes
    txn.put(key, txn.get(key, db=res)[:20], db=res)
    audit = env.open_db(b"audit", txn=txn, create=False)
    akey = struct.pack(">IQ", tid, 2)
    txn.put(akey, txn.get(akey, db=audit)[:20], db=audit)
env.close()
r = req("GET", "/Users/" + ids["alice"])
t.ok(error_ok(r, "CORRUPT"), "a corrupt user: GET answers 500", r.text[:300])
p = s.cli("user", "list", "acme", check=False)
t.ok(p.returncode != 0 and "storage error" in p.stderr,
     "scimlet user list fails on it, not leaves it out", p.stdout + p.stderr)
p = s.cli("user", "show", "acme", ids["alice"], check=False)
t.ok(p.returncode != 0 and "storage error" in p.stderr, "and user show", p.stderr)
p = s.cli("audit", "export", "acme", check=False)
t.ok(p.returncode != 0 and "audit entry 2 is not JSON" in p.stderr,
     "scimlet audit export fails on a corrupt entry and names it", p.stderr)
p = s.cli("audit", "list", "acme", check=False)
t.ok(p.returncode != 0 and "audit entry 2 is not JSON" in p.stderr,
     "and audit list", p.stderr)
p = s.cli("audit", "prune", "acme", "--before", "2100-01-01T00:00:00Z", check=False)
t.ok(p.returncode != 0 and "entry 2" in p.stderr,
     "audit prune stops with an error, not prunes up to it", p.stdout + p.stderr)
t.done()
