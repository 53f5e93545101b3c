#!/usr/bin/env python3
"""Token labels, expiry and rotation (issue 13), through lighttpd: an
expired token answers 401 exactly as a revoked one; rotate --grace
keeps both tokens working for the grace period; `token issue` prints
the token alone on stdout and its id on stderr."""
import json
import re
import time

from harness import Server, Tap

t = Tap()
s = Server()
s.cli("tenant", "add", "acme")


def issue(*extra):
    p = s.cli("token", "issue", "acme", *extra)
    return p.stdout, p.stderr


def status(tok):
    return s.req("GET", "/Users", token=tok).status


def listing(json_out=True):
    out = s.cli("token", "list", "acme", *(["--json"] if json_out else [])).stdout
    return {o["id"]: o for o in map(json.loads, out.splitlines())} if json_out else out


# --- issue: token alone on stdout, id alone on stderr.
out, err = issue("--label", "ci runner")
t.ok(re.fullmatch(r"scimlet_[A-Za-z0-9_-]{43}\n", out) is not None,
     "issue: the token alone on stdout", out)
t.ok(re.fullmatch(r"[0-9a-f]{16}\n", err) is not None, "issue: its id alone on stderr", err)
plain, plain_id = out.strip(), err.strip()
t.eq(status(plain), 200, "the issued token works")
t.eq(listing()[plain_id]["label"], "ci runner", "list --json shows the label")
t.eq(listing()[plain_id]["expires"], None, "no --expires: expires null")

# --- bad input is a usage error.
for args in (["--expires", "10"], ["--expires", "0s"], ["--expires", "1w"],
             ["--label", "a\nb"], ["--label", "x" * 129], ["--frob"]):
    p = s.cli("token", "issue", "acme", *args, check=False)
    t.ok(p.returncode == 2 and p.stdout == "", "issue %r: usage error" % args, p.stderr)

# --- revoked and expired: the same 401.
rtok, rid = (x.strip() for x in issue())
s.cli("token", "revoke", rid)
revoked = s.req("GET", "/Users", token=rtok)
t.eq(revoked.status, 401, "a revoked token: 401")

etok, eid = (x.strip() for x in issue("--expires", "2s"))
t.eq(status(etok), 200, "a token with --expires 2s works at once")
t.ok(listing()[eid]["expires"] is not None, "list --json shows its expiry")
time.sleep(3)
expired = s.req("GET", "/Users", token=etok)
t.eq(expired.status, 401, "after 3 s it gets 401")
t.eq(expired.body, revoked.body, "with the same body as a revoked one", expired.text)
t.eq(expired.header("WWW-Authenticate"), revoked.header("WWW-Authenticate"),
     "and the same WWW-Authenticate")

# --- rotate --grace 3s: both work during grace, the old one fails after.
old, oldid = (x.strip() for x in issue("--label", "okta"))
p = s.cli("token", "rotate", oldid, "--grace", "3s")
t.ok(re.fullmatch(r"scimlet_[A-Za-z0-9_-]{43}\n", p.stdout) is not None and
     re.fullmatch(r"[0-9a-f]{16}\n", p.stderr) is not None,
     "rotate prints like issue", p.stdout + p.stderr)
new, newid = p.stdout.strip(), p.stderr.strip()
t.eq((status(old), status(new)), (200, 200), "during grace both tokens work")
ls = listing()
t.eq(ls[newid]["label"], "okta", "the successor keeps the label")
t.ok(ls[oldid]["expires"] is not None and ls[oldid]["revoked"] is None,
     "the old one is set to expire, not revoked", ls[oldid])
time.sleep(3.5)
t.eq((status(old), status(new)), (401, 200), "after grace the old one fails, the new works")

# --- rotate without grace: the old one fails at once.
p = s.cli("token", "rotate", newid)
newer = p.stdout.strip()
t.eq((status(new), status(newer)), (401, 200), "rotate without --grace: old fails at once")
t.ok(listing()[newid]["revoked"] is not None, "and is listed revoked")
p = s.cli("token", "rotate", newid, check=False)
t.ok(p.returncode == 1 and p.stdout == "", "a revoked token cannot be rotated", p.stderr)
t.eq(s.cli("token", "rotate", "0123456789abcdef", check=False).returncode, 1,
     "rotating an unknown id fails")

# --- audited.
ents = [json.loads(l) for l in s.cli("audit", "export", "acme").stdout.splitlines()]
rot = [e for e in ents if e["action"] == "operator.token.rotated"]
t.ok(len(rot) == 2 and rot[0]["type"] == "Token" and rot[0]["id"] == oldid and
     rot[0]["detail"] == {"successor": newid}, "rotate is audited: old id, successor",
     rot)

# --- the table: tab-separated, "-" for none, escaped.
rows = {l.split("\t")[0]: l.split("\t") for l in listing(False).splitlines()}
t.eq(rows[plain_id][1:3] + rows[plain_id][4:6], ["ci runner", "provision", "-", "-"],
     "list: ID LABEL SCOPE CREATED EXPIRES REVOKED LAST-USED")
t.ok(re.fullmatch(r"\S+Z", rows[plain_id][6]) is not None,
     "list: LAST-USED of a token that made requests is a time", rows[plain_id])
t.ok(rows[rid][5] != "-", "list: the revocation time")
s.stop()
t.done()
