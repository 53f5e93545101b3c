#!/usr/bin/env python3
"""The activity log and sync cycles (issue 13), through lighttpd and the
real worker: an Entra-like cycle leaves one record per request, checked
field by field; a failure and its recovery in the next cycle; the
filters of `scimlet activity`, --follow, unauthenticated and revoked
requests; no token and no password reach the files; control characters
stay escaped; retention by count, activity=off; token last use; a write
that changed nothing; `tenant remove` takes the tenant's activity."""
import calendar
import json
import os
import select
import shutil
import signal
import subprocess
import time

from harness import (CLI, URN_GROUP, URN_USER, Server, Tap, patchop, user)

MINUS = "\u2212"
ARROW = "\u2192"
UA = "Azure-AD-SCIM-Provisioning/e2e"

t = Tap()
s = Server()
s.cli("tenant", "add", "acme")
s.cli("tenant", "set", "acme", "cycle-gap=2s")
s.cli("role", "map", "acme", "Admin", "admin")


def issue(tenant, *extra):
    p = s.cli("token", "issue", tenant, *extra)
    return p.stdout.strip(), p.stderr.strip()


def run(*args):
    return subprocess.run([CLI, "--db", s.db] + list(args), capture_output=True,
                          text=True, timeout=30)


def act(tenant, *args):
    """`activity TENANT --json ARGS` as a list of objects (None: not JSON)."""
    p = run("activity", tenant, "--json", *args)
    try:
        return [json.loads(l) for l in p.stdout.split("\n")[:-1]]
    except ValueError:
        t.ok(False, "activity %s %s: every line is JSON" % (tenant, args),
             p.stdout[-800:] + p.stderr)
        return None


def secs(rfc3339):
    """An RFC 3339 UTC time (…Z, any fraction) as seconds."""
    head, _, frac = rfc3339.rstrip("Z").partition(".")
    return calendar.timegm(time.strptime(head, "%Y-%m-%dT%H:%M:%S")) + float("0." + (frac or "0"))


def rids(recs):
    return [r.get("request") for r in recs or []]


# Every request sent: what its record must say.
sent = []


def req(method, path, body=None, tok=None, raw=None, **want):
    r = s.req(method, path, body, token=tok, raw=raw, headers={"User-Agent": UA})
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None
                                        else b"")
    sent.append(dict(rid=r.header("X-Request-Id"), method=method,
                     path=path.split("?")[0],
                     query=path.split("?", 1)[1] if "?" in path else None,
                     status=r.status, bytes_in=len(data), bytes_out=len(r.body),
                     resp=r, want=want))
    return r


# --- 1. An Entra cycle (doc/clients.md §3), token labelled "entra".
entra, entra_id = issue("acme", "--label", "entra")
ann_name, bob_name, carl_name = "ann@contoso.com", "bob@contoso.com", "carl@contoso.com"
r = req("GET", '/Users?filter=userName+eq+%22ann%40contoso.com%22', tok=entra,
        resourceType="User", summary="")
t.eq(r.json["totalResults"], 0, "entra: lookup before create finds nothing")
r = req("POST", "/Users", user(ann_name), tok=entra, resourceType="User",
        name=ann_name, ops=["create"], summary="create")
ann = r.json["id"]
sent[-1]["want"]["id"] = ann
bob = req("POST", "/Users", user(bob_name), tok=entra, resourceType="User", name=bob_name,
          ops=["create"], summary="create").json["id"]
sent[-1]["want"]["id"] = bob
carl = req("POST", "/Users", user(carl_name), tok=entra, resourceType="User",
           name=carl_name, ops=["create"], summary="create").json["id"]
sent[-1]["want"]["id"] = carl
req("GET", "/Users/" + ann, tok=entra, resourceType="User", id=ann, summary="")
req("PATCH", "/Users/" + ann, patchop({"op": "Replace", "path": "active", "value": False}),
    tok=entra, resourceType="User", id=ann, name=ann_name, ops=["deactivate"],
    attributes=["active"], summary="replace active true%sfalse" % ARROW)
req("PATCH", "/Users/" + ann, patchop({"op": "Replace", "path": "active", "value": True}),
    tok=entra, resourceType="User", id=ann, name=ann_name, ops=["reactivate"],
    attributes=["active"], summary="replace active false%strue" % ARROW)
r = req("PATCH", "/Users/" + ann,
        patchop({"op": "Replace", "path": "displayName", "value": "Ann A."},
                {"op": "Add", "path": "roles", "value": [{"value": "Admin"}]}),
        tok=entra, resourceType="User", id=ann, name=ann_name, ops=["update"],
        attributes=["displayName", "roles"], roles_added=["admin"],
        summary="update displayName,roles; roles +admin")
t.eq(r.json["urn:scimlet:schemas:extension:2.0:User"]["appRoles"], ["admin"],
     "entra: ann holds the app role admin")
r = req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "Sales",
                            "members": [{"value": ann}, {"value": bob}]},
        tok=entra, resourceType="Group", name="Sales", ops=["create", "members"],
        members_added=2, summary="create; members +2")
sales = r.json["id"]
sent[-1]["want"]["id"] = sales
req("PATCH", "/Groups/" + sales,
    patchop({"op": "Add", "path": "members", "value": [{"value": carl}]},
            {"op": "Remove", "path": 'members[value eq "%s"]' % bob}),
    tok=entra, resourceType="Group", id=sales, name="Sales", ops=["update", "members"],
    members_added=1, members_removed=1, summary="members +1 %s1" % MINUS)
req("DELETE", "/Users/" + bob, tok=entra, resourceType="User", id=bob, name=bob_name,
    ops=["delete"], summary="delete")
entra_sent = list(sent)

recs = act("acme") or []
t.eq(rids(recs), [x["rid"] for x in entra_sent],
     "entra: one record per request, oldest first, request = X-Request-Id")
t.ok(all(x["rid"] and len(x["rid"]) == 16 for x in entra_sent),
     "entra: every response has an X-Request-Id")
t.ok(all(a["time"] < b["time"] for a, b in zip(recs, recs[1:])),
     "entra: the times are increasing")
OPTIONAL = ("query", "resourceType", "id", "name", "ops", "attributes",
            "members_added", "members_removed", "roles_added", "roles_removed",
            "scimType", "detail", "others")
for x, rec in zip(entra_sent, recs):
    what = "%s %s" % (x["method"], x["path"])
    want = {"request": x["rid"], "token": entra_id, "label": "entra", "tenant": "acme",
            "method": x["method"], "path": x["path"], "status": x["status"],
            "bytes_in": x["bytes_in"], "bytes_out": x["bytes_out"],
            "client": "127.0.0.1", "agent": UA}
    if x["query"] is not None:
        want["query"] = x["query"]
    for k, v in x["want"].items():
        if k != "summary":
            want[k] = v
    got = {k: rec.get(k) for k in want}
    if "attributes" in want:
        got["attributes"] = sorted(got["attributes"] or [])
        want["attributes"] = sorted(want["attributes"])
    t.eq(got, want, "entra record: %s: fields" % what, rec)
    extra = sorted(k for k in OPTIONAL if k in rec and k not in want)
    t.eq(extra, [], "entra record: %s: nothing more" % what, rec)
    t.ok(isinstance(rec.get("duration_us"), int) and rec["duration_us"] > 0,
         "entra record: %s: duration_us > 0" % what, rec)
    t.eq(rec.get("summary"), x["want"]["summary"], "entra record: %s: summary" % what)
    t.ok(isinstance(rec.get("time"), str) and rec["time"].endswith("Z")
         and len(rec["time"]) == 27, "entra record: %s: time, RFC 3339 in µs" % what, rec)

# --- 2. A failure, and its recovery in the next cycle (cycle-gap=2s).
retry, retry_id = issue("acme", "--label", "retry")
n0 = len(sent)
req("GET", "/Users?filter=userName+eq+%22dave%40contoso.com%22", tok=retry)
bad = req("POST", "/Users", user("dave@contoso.com", active="yes"), tok=retry)
t.eq((bad.status, bad.json.get("scimType")), (400, "invalidValue"),
     "cycle 1: a bad attribute value gets 400 invalidValue")
dup = req("POST", "/Users", user(ann_name.upper()), tok=retry)
t.eq((dup.status, dup.json.get("scimType")), (409, "uniqueness"),
     "cycle 1: a taken userName gets 409 uniqueness")
c1 = sent[n0:]
time.sleep(3.2)
n0 = len(sent)
req("GET", "/Users?filter=userName+eq+%22dave%40contoso.com%22", tok=retry)
fixed = req("POST", "/Users", user("dave@contoso.com"), tok=retry)
t.status(fixed, 201, "cycle 2: the fixed create works")
dave = fixed.json["id"]
req("PATCH", "/Users/" + dave, patchop({"op": "Replace", "path": "active", "value": False}),
    tok=retry)
c2 = sent[n0:]
# --last 3s: cycle 2 alone (cycle 1 ended more than 3.2 s ago).
t.eq(rids(act("acme", "--last", "3s")), [x["rid"] for x in c2],
     "activity --last 3s: the records of the last 3 seconds only")

cycles = [json.loads(l) for l in run("cycles", "acme", "--json").stdout.splitlines()]
t.eq([c.get("id") for c in cycles], [entra_sent[0]["rid"], c1[0]["rid"], c2[0]["rid"]],
     "cycles --json: the entra cycle and the two of token retry, ids = first request")
COUNTS = ("token", "label", "requests", "reads", "creates", "updates", "deactivations",
          "reactivations", "deletes", "restores", "members_added", "members_removed",
          "role_changes", "failures", "outstanding", "reasons", "users", "groups")
want_cycles = [
    dict(token=entra_id, label="entra", requests=len(entra_sent), reads=2, creates=4,
         updates=1, deactivations=1, reactivations=1, deletes=1, restores=0,
         members_added=3, members_removed=1, role_changes=1, failures=0, outstanding=0,
         reasons={}, users=3, groups=1),
    dict(token=retry_id, label="retry", requests=3, reads=1, creates=0, updates=0,
         deactivations=0, reactivations=0, deletes=0, restores=0, members_added=0,
         members_removed=0, role_changes=0, failures=2, outstanding=1,
         reasons={"400 invalidValue": 1, "409 uniqueness": 1}, users=0, groups=0),
    dict(token=retry_id, label="retry", requests=3, reads=1, creates=1, updates=0,
         deactivations=1, reactivations=0, deletes=0, restores=0, members_added=0,
         members_removed=0, role_changes=0, failures=0, outstanding=0, reasons={},
         users=1, groups=0)]
for i, (c, w) in enumerate(zip(cycles, want_cycles)):
    t.eq({k: c.get(k) for k in COUNTS}, w, "cycles --json: cycle %d counts" % i, c)
if len(cycles) == 3:
    t.eq([cycles[0]["start"], cycles[0]["end"]], [recs[0]["time"], recs[-1]["time"]],
         "cycles --json: start and end are the first and last request's times")
    t.eq([c["running"] for c in cycles[:2]], [False, False],
         "cycles --json: the cycles that ended are not running")
    t.ok("start_us" not in cycles[0] and "failed" not in cycles[0],
         "cycles --json: no internal fields, no detail", cycles[0])

p = run("cycle", "acme", c1[0]["rid"], "--json")
one = json.loads(p.stdout) if p.returncode == 0 else {}
failed = one.get("failed", [])
t.eq(len(failed), 2, "cycle ID --json: both failures", p.stdout + p.stderr)
if len(failed) == 2:
    t.eq({k: failed[0].get(k) for k in ("request", "method", "path", "resourceType",
                                         "name", "status", "scimType", "detail",
                                         "state", "recovered_by", "recovered_in")},
         {"request": bad.header("X-Request-Id"), "method": "POST", "path": "/Users",
          "resourceType": "User", "name": "dave@contoso.com", "status": 400,
          "scimType": "invalidValue", "detail": bad.json["detail"], "state": "recovered",
          "recovered_by": fixed.header("X-Request-Id"), "recovered_in": c2[0]["rid"]},
         "cycle ID --json: the 400, recovered by the fixed create in cycle 2", failed[0])
    t.eq({k: failed[1].get(k) for k in ("request", "name", "status", "scimType",
                                         "detail", "state")},
         {"request": dup.header("X-Request-Id"), "name": ann_name.upper(), "status": 409,
          "scimType": "uniqueness", "detail": dup.json["detail"], "state": "outstanding"},
         "cycle ID --json: the 409, never retried, outstanding", failed[1])
    t.ok("recovered_by" not in failed[1] and "recovered_in" not in failed[1],
         "an outstanding failure has no recovered_by", failed[1])
t.eq({k: one.get(k) for k in COUNTS}, want_cycles[1], "cycle ID --json: the same counts")
last = json.loads(run("cycle", "acme", "last", "--json").stdout or "{}")
t.eq((last.get("id"), last.get("failed"), [x.get("id") for x in last.get("touched", [])]),
     (c2[0]["rid"], [], [dave]), "cycle last: cycle 2, no failure, touched dave")
out = run("cycle", "acme", c1[0]["rid"]).stdout.split("\n")
t.eq(out[:2], ["failure\trecovered\t%s\t400\tPOST\t/Users\tdave@contoso.com\t%s\t"
               "recovered by %s in cycle %s" % (bad.header("X-Request-Id"),
                                               bad.json["detail"],
                                               fixed.header("X-Request-Id"),
                                               c2[0]["rid"]),
               "failure\toutstanding\t%s\t409\tPOST\t/Users\t%s\t%s" % (
                   dup.header("X-Request-Id"), ann_name.upper(), dup.json["detail"])],
     "cycle ID: the table starts with the failure lines", "\n".join(out))
t.eq(out[2:3], ["id\t" + c1[0]["rid"]], "cycle ID: then the cycle's id")
rows = run("cycles", "acme").stdout.split("\n")[:-1]
t.eq([r.split("\t")[:4] for r in rows],
     [[c.get("id"), c.get("start"), c.get("end"), c.get("label")] for c in cycles],
     "cycles: the table, ID START END LABEL")
t.eq(rows[1].split("\t")[4:5] if len(rows) > 1 else None,
     ["requests=3 creates=0 updates=0 deactivations=0 deletes=0 failures=2 outstanding=1"],
     "cycles: the counts of cycle 1")
t.eq([json.loads(l)["id"] for l in run("cycles", "acme", "--limit", "2", "--json")
      .stdout.splitlines()], [c1[0]["rid"], c2[0]["rid"]], "cycles --limit 2: the newest 2")
for args in (["--limit"], ["--limit", "0"], ["--frob"]):
    p = run("cycles", "acme", *args)
    t.ok(p.returncode == 2 and p.stdout == "" and
         (args[-1] if args != ["--limit"] else "--limit: missing value") in p.stderr,
         "cycles %s: usage error naming it" % " ".join(args), p.stderr)
p = run("cycle", "acme", "0123456789abcdef")
t.eq((p.returncode, p.stdout), (1, ""), "cycle of an unknown id: exit 1", p.stderr)

# --- 3. Filters.
every = act("acme") or []
p = run("activity", "acme", "--json")
t.ok(p.stdout.endswith("\n") and all(l.startswith("{") and isinstance(json.loads(l), dict)
                                      for l in p.stdout.split("\n")[:-1]),
     "activity --json: one JSON object a line", p.stdout[-400:])
t.eq(rids(every), [x["rid"] for x in sent], "activity: every request so far, in order")
t.eq(rids(act("acme", "--status", "4xx")), [bad.header("X-Request-Id"),
                                            dup.header("X-Request-Id")],
     "--status 4xx: the 400 and the 409")
t.eq(rids(act("acme", "--status", "409")), [dup.header("X-Request-Id")], "--status 409")
t.eq(rids(act("acme", "--status", "201")), [x["rid"] for x in sent if x["status"] == 201],
     "--status 201: the creates")
t.eq(act("acme", "--status", "5xx"), [], "--status 5xx: none")
ann_rids = [x["rid"] for x in sent if "ann%40contoso.com" in (x["query"] or "")
            or x["path"] == "/Users/" + ann or x is sent[1]] + [dup.header("X-Request-Id")]
ann_rids = [x["rid"] for x in sent if x["rid"] in ann_rids]
t.eq(rids(act("acme", "--user", ann_name)), ann_rids,
     "--user USERNAME: its lookup, create, reads by id, updates, the 409 by name")
t.eq(rids(act("acme", "--user", ann)),
     [x["rid"] for x in sent if x["path"] == "/Users/" + ann or x is sent[1]],
     "--user ID: the records of that id")
t.eq(rids(act("acme", "--user", "dave@contoso.com")),
     [x["rid"] for x in c1 if x["rid"] != dup.header("X-Request-Id")] +
     [x["rid"] for x in c2], "--user USERNAME: a failed create by name, its lookups")
t.eq(rids(act("acme", "--group", "Sales")),
     [x["rid"] for x in sent if x["path"] in ("/Groups", "/Groups/" + sales)],
     "--group NAME: the group's create and patch")
t.eq(rids(act("acme", "--group", sales)), [x["rid"] for x in sent
                                           if x["path"] in ("/Groups", "/Groups/" + sales)],
     "--group ID")
t.eq(rids(act("acme", "--request", sent[5]["rid"])), [sent[5]["rid"]], "--request ID")
t.eq(rids(act("acme", "--limit", "3")), [x["rid"] for x in sent[-3:]],
     "--limit 3: the newest 3, oldest first")
t.eq(rids(act("acme", "--user", ann_name, "--limit", "2")), ann_rids[-2:],
     "--limit with a filter: the newest 2 that match")
t.eq(rids(act("acme", "--since", every[4]["time"])), rids(every[4:]),
     "--since TIME: from that record on")
t.eq(act("acme", "--since", "2099-01-01T00:00:00Z"), [], "--since the future: none")
t.eq(rids(act("acme", "--last", "1h")), rids(every), "--last 1h: all")
p = run("activity", "acme")
rows = p.stdout.split("\n")[:-1]
t.eq([r.split("\t")[6] for r in rows], rids(every),
     "activity table: one line a record, the request id in column 7")
t.eq(set(len(r.split("\t")) for r in rows), {9}, "activity table: 9 columns")
t.eq(rows[1].split("\t")[1:6], ["201", "POST", "/Users", ann_name, "create"],
     "activity table: status, method, path, subject, summary")
t.eq(rows[7].split("\t")[4:6], [ann_name, "update displayName,roles; roles +admin"],
     "activity table: the summary of an update")
p = run("activity", "nosuch")
t.eq((p.returncode, p.stdout), (1, ""), "activity of an unknown tenant: exit 1", p.stderr)
t.ok("nosuch" in p.stderr, "and says which", p.stderr)
for bad_args, name in ((["--frob"], "--frob"), (["--frob", "x"], "--frob"),
                       (["--json", "--frob"], "--frob"), (["--status", "6xx"], "6xx"),
                       (["--limit", "0"], "0"), (["--since", "yesterday"], "yesterday"),
                       (["--last", "forever"], "forever")):
    p = run("activity", "acme", *bad_args)
    t.ok(p.returncode == 2 and p.stdout == "" and "'%s'" % name in p.stderr
         and "usage" in p.stderr.lower(),
         "activity %s: usage error naming it" % " ".join(bad_args), p.stderr)

# --- 4. --follow streams new records until SIGTERM.
fol = subprocess.Popen([CLI, "--db", s.db, "activity", "acme", "--follow", "--json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
try:
    buf, lines_, deadline = b"", [], time.time() + 10
    while len(lines_) < len(every) + 0 and time.time() < deadline:
        if select.select([fol.stdout], [], [], 0.5)[0]:
            chunk = os.read(fol.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            *lines_new, buf = buf.split(b"\n")
            lines_ += lines_new
    t.eq(len(lines_), len(every), "--follow: first what there is")
    n0 = len(sent)
    req("GET", "/Users/" + ann, tok=entra)
    req("GET", "/Groups/" + sales, tok=entra)
    deadline = time.time() + 5
    while len(lines_) < len(every) + 2 and time.time() < deadline:
        if select.select([fol.stdout], [], [], 0.5)[0]:
            chunk = os.read(fol.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            *lines_new, buf = buf.split(b"\n")
            lines_ += lines_new
    t.eq([json.loads(l).get("request") for l in lines_[len(every):]],
         [x["rid"] for x in sent[n0:]], "--follow: the 2 new requests within seconds")
    # A slow request's record: keyed by its start 3 s ago, written now,
    # behind records already shown.  It is shown, once.
    late = {"v": 1, "request": "1a7e1a7e1a7e1a7e", "method": "GET", "path": "/late",
            "status": 200}
    subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "lmdb_edit.py"),
                    s.db, "late", "acme", late["request"], "3", json.dumps(late)], check=True)
    n1 = len(lines_)
    deadline = time.time() + 5
    while len(lines_) < n1 + 1 and time.time() < deadline:
        if select.select([fol.stdout], [], [], 0.5)[0]:
            chunk = os.read(fol.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            *lines_new, buf = buf.split(b"\n")
            lines_ += lines_new
    time.sleep(1.2)     # two more looks: it must not come again
    if select.select([fol.stdout], [], [], 0.1)[0]:
        buf += os.read(fol.stdout.fileno(), 65536)
        *lines_new, buf = buf.split(b"\n")
        lines_ += lines_new
    t.eq([json.loads(l).get("request") for l in lines_[n1:]], [late["request"]],
         "--follow: a record written late, behind newer ones, is shown once")
    fol.send_signal(signal.SIGTERM)
    try:
        rc = fol.wait(5)
    except subprocess.TimeoutExpired:
        rc = None
    t.eq(rc, 0, "--follow: exits 0 on SIGTERM")
finally:
    if fol.poll() is None:
        os.kill(fol.pid, signal.SIGKILL)
        fol.wait()
    fol.stdout.close()
    fol.stderr.close()

# --- 5. 401: an unknown token, a revoked one.
r = s.req("GET", "/Users", token="scimlet_" + "x" * 43, headers={"User-Agent": UA})
t.status(r, 401, "an unknown token gets 401")
un = act("--unauthenticated") or []
t.eq([(u.get("request"), u.get("status"), u.get("token"), u.get("tenant"), u.get("agent"))
      for u in un], [(r.header("X-Request-Id"), 401, None, None, UA)],
     "activity --unauthenticated: its record, no token, no tenant", un)
t.ok(r.header("X-Request-Id") not in rids(act("acme")), "and not in the tenant's log")
rev, rev_id = issue("acme", "--label", "old")
t.status(s.req("GET", "/Users", token=rev), 200, "a token works")
s.cli("token", "revoke", rev_id)
r = s.req("GET", "/Users", token=rev)
t.status(r, 401, "revoked, it gets 401")
rec = act("acme", "--request", r.header("X-Request-Id")) or [{}]
t.eq({k: rec[-1].get(k) for k in ("status", "token", "label")},
     {"status": 401, "token": rev_id, "label": "old"},
     "a revoked token's 401 is in its tenant's log, with its token id")
t.eq(len(act("--unauthenticated") or []), 1, "and not in the unauthenticated log")
h = s.req("GET", "/.health")
t.status(h, 200, "GET /.health without a token")
t.ok(h.header("X-Request-Id") is not None and
     h.header("X-Request-Id") not in rids(act("--unauthenticated")) + rids(act("acme")),
     "a health probe leaves no record")

# --- 5b. Requests refused before their token was looked at.
r = s.req("HEAD", "/Users/" + ann, token=entra)
rec = act("acme", "--request", r.header("X-Request-Id")) or [{}]
t.eq((r.status, len(r.body), rec[-1].get("method"), rec[-1].get("bytes_out")),
     (200, 0, "HEAD", 0), "HEAD: bytes_out 0, as no body was sent", rec)
big = s.req("PATCH", "/Users/" + ann, patchop({"op": "replace", "path": "displayName",
                                               "value": "x" * (1100 * 1024)}), token=entra)
t.status(big, 413, "a body over the limit: 413")
odd = s.req("PATCH", "/Users/" + ann, patchop(), token=entra, ctype="text/plain")
t.status(odd, 415, "a body of another media type: 415")
early = [big.header("X-Request-Id"), odd.header("X-Request-Id")]
t.ok(all(x in rids(act("--unauthenticated")) + rids(act("acme")) for x in early),
     "413 and 415 are recorded")
in_tenant = [x for x in rids(act("acme")) if x in early]
t.ok(in_tenant == early, "413 and 415 with a valid token are in its tenant's log (and cycles)",
     in_tenant)
t.eq([x for x in rids(act("--unauthenticated")) if x in early], [],
     "and not in the unauthenticated log")

# --- 6. Never the token, never a password.
pw, pw2 = "Pa55-w0rd-9f1c7e", "N3w-Pa55-44d2ab"
r = s.req("POST", "/Users", user("pat@contoso.com", password=pw), token=entra)
t.status(r, 201, "a user with a password")
pat = r.json["id"]
r = s.req("PATCH", "/Users/" + pat, patchop({"op": "replace", "path": "password",
                                              "value": pw2}), token=entra)
t.ok(r.status in (200, 204), "a PATCH of the password", r.text)
r = s.req("GET", "/Users?access_token=SECRETSECRET&count=1", token=entra)
rec = act("acme", "--request", r.header("X-Request-Id")) or [{}]
t.eq(rec[-1].get("query"), "access_token=-&count=1", "query: access_token=-")
s.req("GET", "/Users?count=1&ACCESS_TOKEN=SECRETSECRET", token=entra)
run("activity", "acme")     # the CLI may open the files too
raw = b""
for f in ("data.mdb", "activity.mdb"):
    with open(os.path.join(s.db, f), "rb") as fh:
        raw += fh.read()
for what, needle in (("the bearer token", entra), ("the token's secret part", entra[8:]),
                     ("the password", pw), ("the new password", pw2),
                     ("an access_token value", "SECRETSECRET")):
    t.ok(needle.encode() not in raw, "neither data.mdb nor activity.mdb holds %s" % what)
t.ok(entra_id.encode() in raw, "(the files hold the token id: the search can find)")

# --- 7. Control characters: escaped in the table, round-trip in JSON.
evil = "tab\there\nnl\x1b[2Jesc"
r = req("POST", "/Users", {"schemas": [URN_USER], "userName": evil}, tok=entra)
t.status(r, 201, "a userName with TAB, LF and ESC")
rid = r.header("X-Request-Id")
row = run("activity", "acme", "--request", rid).stdout
t.eq(row.count("\n"), 1, "activity table: still one line", row)
cols = row.rstrip("\n").split("\t")
t.eq(len(cols), 9, "activity table: still 9 columns", row)
t.eq(cols[4:5], [evil.replace("\t", "\\t").replace("\n", "\\n").replace("\x1b", "\\x1b")],
     "activity table: the name escaped", row)
t.ok("\x1b" not in row, "activity table: no raw ESC")
t.eq([x.get("name") for x in act("acme", "--request", rid) or []], [evil],
     "activity --json: the name round-trips")

# --- 8. Retention by count; activity=off.
s.cli("tenant", "add", "ret")
s.cli("tenant", "set", "ret", "activity-max=5")
rt, rt_id = issue("ret")
uid = s.req("POST", "/Users", user("r@x"), token=rt).json["id"]
ret_rids = []
for i in range(20):
    if i % 2:
        r = s.req("PATCH", "/Users/" + uid, patchop({"op": "replace", "path": "displayName",
                                                      "value": "R %d" % i}), token=rt)
    else:
        r = s.req("GET", "/Users/" + uid, token=rt)
    ret_rids.append(r.header("X-Request-Id"))
# Each store (data.mdb: the changes; activity.mdb: the rest) keeps at most
# activity-max records of the tenant once a put has pruned it
# (src/store_act.c): here 5 PATCHes and 5 GETs, the newest.
t.eq(rids(act("ret")), ret_rids[-10:],
     "activity-max=5: the newest 5 of each store, nothing older")
s.cli("tenant", "set", "ret", "activity=off")
s.req("GET", "/Users/" + uid, token=rt)
s.req("PATCH", "/Users/" + uid, patchop({"op": "replace", "path": "displayName",
                                          "value": "off"}), token=rt)
s.req("GET", "/Nothing", token=rt)
t.eq(rids(act("ret")), ret_rids[-10:], "activity=off: no new record")
s.cli("tenant", "set", "ret", "activity=on")
r = s.req("GET", "/Users/" + uid, token=rt)
t.eq(rids(act("ret"))[-1:], [r.header("X-Request-Id")], "activity=on: recorded again")

# --- 9. token list: last_used.
unused, unused_id = issue("acme", "--label", "unused")
tl = {o["id"]: o for o in map(json.loads, s.cli("token", "list", "acme", "--json")
                              .stdout.splitlines())}
t.eq(tl.get(unused_id, {}).get("last_used", "missing"), None,
     "token list --json: last_used null for an unused token")
every = act("acme") or []
for name, tid in (("entra", entra_id), ("retry", retry_id)):
    mine = [x["time"] for x in every if x.get("token") == tid]
    # Kept to the second (src/store_act.c): at most 1 s before the last.
    lu = tl.get(tid, {}).get("last_used")
    t.ok(mine and lu and 0 <= secs(mine[-1]) - secs(lu) < 1.001,
         "token list --json: last_used of the %s token: its last request, to the second"
         % name, (lu, mine[-1:]))
lu = tl.get(entra_id, {}).get("last_used") or ""

rows = {l.split("\t")[0]: l.split("\t") for l in
        s.cli("token", "list", "acme").stdout.splitlines()}
t.eq([rows.get(unused_id, [])[-1:], rows.get(entra_id, [])[-1:]], [["-"], [lu]],
     "token list: LAST-USED is the last column, '-' for never")

# --- 10. A write that changed nothing.
op = patchop({"op": "replace", "path": "displayName", "value": "Carl C."})
req("PATCH", "/Users/" + carl, op, tok=entra)
nchanges = len(s.cli("changes", "--tenant", "acme", "--since", "0").stdout.splitlines())
r = req("PATCH", "/Users/" + carl, op, tok=entra)
t.status(r, 200, "the same PATCH again")
rec = act("acme", "--request", r.header("X-Request-Id")) or [{}]
t.eq({k: rec[-1].get(k) for k in ("status", "id", "ops", "attributes", "summary")},
     {"status": 200, "id": carl, "ops": None, "attributes": None, "summary": "no change"},
     "a write that changed nothing: recorded, summary 'no change'", rec)
t.eq(len(s.cli("changes", "--tenant", "acme", "--since", "0").stdout.splitlines()),
     nchanges, "and no second change-feed record")

# --- 11. tenant remove takes the tenant's activity, in both files.
s.cli("tenant", "add", "gone")
gt, _ = issue("gone")
marks = ["gone-write-mark@x", "gone-read-mark"]
s.req("POST", "/Users", user(marks[0]), token=gt)
s.req("GET", "/Users?filter=userName+eq+%22" + marks[1] + "%22", token=gt)
t.eq(len(act("gone") or []), 2, "tenant gone has 2 records")
s.cli("tenant", "remove", "gone", "--yes")
s.cli("tenant", "add", "gone")
t.eq(act("gone"), [], "after remove and re-add: no activity")
t.eq(run("cycles", "gone").stdout, "", "and no cycle")
p = run("cycle", "gone", "last")
t.eq((p.returncode, p.stdout), (1, ""), "cycle last of no cycle: exit 1", p.stderr)
# A compacted copy holds only what is live.
bk = os.path.join(s.dir, "backup")
s.cli("backup", bk)
raw = b""
for f in os.listdir(bk):
    with open(os.path.join(bk, f), "rb") as fh:
        raw += fh.read()
t.ok(os.path.exists(os.path.join(bk, "activity.mdb")), "the backup has activity.mdb",
     os.listdir(bk))
for m in marks:
    t.ok(m.encode() not in raw, "after tenant remove no record holds %s" % m)
shutil.rmtree(bk, ignore_errors=True)

# --- 12. An attribute named "" (or any name that is not one) under an
# undeclared extension: refused, 400 invalidValue, and the worker goes on.
# (It once hung the worker noting the names, holding the write lock.)
for bad in ("", "a,b", "a.b", "1st"):
    try:
        r = s.req("POST", "/Users", user("empty@x", **{"urn:x:e2e": {bad: 1, "ok": 2}}),
                  token=entra, timeout=5)
    except OSError as e:
        r = None
        t.ok(False, "attribute %r: answered within 5 s" % bad, e)
    if r is not None:
        t.error(r, 400, "invalidValue", "an extension attribute named %r: 400" % bad)
t.status(s.req("GET", "/Users?count=1", token=entra, timeout=5), 200,
         "the worker answers after them")
t.ok(all("urn:x:e2e:" not in l for l in run("schema", "list", "acme").stdout.splitlines()),
     "and nothing of them was declared")

s.stop()
t.done()
