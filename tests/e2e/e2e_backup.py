#!/usr/bin/env python3
"""`scimlet backup DEST` (issue 13) taken under lighttpd with the real
worker while a write load runs: the copy opens, its audit chain holds,
and every write acknowledged before the backup started is in it (through
the CLI and through a second lighttpd on the copy).  A DEST that exists
and is not empty, or lies inside the database directory, is refused."""
import os
import stat
import threading
import time
import urllib.parse

from harness import URN_GROUP, Server, Tap, patchop, run_cli, user

t = Tap()
s = Server()
tok = s.tenant("acme-backup")
# The load deactivates every fifth user it makes, past the breaker's 50.
s.cli("tenant", "set", "acme-backup", "breaker=off")
gid = s.req("POST", "/Groups", {"schemas": [URN_GROUP],
                                "displayName": "load"}, token=tok).json["id"]

# The load: POST users, add every third to the group, deactivate every
# fifth (an audited write), for about three seconds.  Each acknowledged
# write is recorded with the time its response arrived.
acked = []      # (time, kind, id, userName)
failed = []
stop = threading.Event()


def load():
    i = 0
    deadline = time.time() + 3
    while not stop.is_set() and time.time() < deadline:
        name = "load%04d@example.com" % i
        r = s.req("POST", "/Users", user(name), token=tok)
        if r.status != 201:
            failed.append(("create", name, r.status, r.text))
            break
        uid = r.json["id"]
        acked.append((time.time(), "create", uid, name))
        if i % 3 == 0:
            r = s.req("PATCH", "/Groups/" + gid, patchop(
                {"op": "add", "path": "members", "value": [{"value": uid}]}),
                token=tok)
            if r.status not in (200, 204):
                failed.append(("member", name, r.status, r.text))
                break
            acked.append((time.time(), "member", uid, name))
        if i % 5 == 0:
            r = s.req("PATCH", "/Users/" + uid, patchop(
                {"op": "replace", "path": "active", "value": False}),
                token=tok)
            if r.status not in (200, 204):
                failed.append(("deactivate", name, r.status, r.text))
                break
            acked.append((time.time(), "deactivate", uid, name))
        i += 1


th = threading.Thread(target=load)
th.start()
time.sleep(1.5)
dest = os.path.join(s.dir, "backup")
started = time.time()
r = run_cli(s.db, "backup", dest, check=False)
finished = time.time()
th.join(10)
stop.set()
t.ok(not th.is_alive(), "the load ended")
t.eq(failed, [], "every write of the load succeeded")
t.eq((r.returncode, r.stderr), (0, ""), "backup under load: exit 0", r.stdout)
t.ok(dest in r.stdout, "backup says where it wrote", r.stdout)
before = [a for a in acked if a[0] < started]
after = [a for a in acked if a[0] > finished]
t.ok(len(before) > 10 and len(after) > 10,
     "writes acknowledged both before and after the backup",
     "%d before, %d after" % (len(before), len(after)))

t.eq(stat.S_IMODE(os.stat(dest).st_mode), 0o700, "DEST is created 0700")
t.ok(os.path.exists(os.path.join(dest, "data.mdb")), "DEST holds data.mdb")

# The copy opens: the CLI works on it.
c = run_cli(dest, "tenant", "list", check=False)
t.eq((c.returncode, c.stdout.split()), (0, ["acme-backup"]),
     "tenant list on the copy", c.stderr)
c = run_cli(dest, "audit", "verify", "acme-backup", check=False)
t.eq((c.returncode, c.stdout.strip()), (0, "the chain holds"),
     "audit verify on the copy", c.stderr)
c = run_cli(dest, "user", "list", "acme-backup", check=False)
users = {}
for line in c.stdout.splitlines():
    f = line.split("\t")
    users[f[1]] = (f[0], f[2])
t.eq(c.returncode, 0, "user list on the copy", c.stderr)
missing = [a[3] for a in before if a[1] == "create" and
           users.get(a[3], ("",))[0] != a[2]]
t.eq(missing, [], "every user created before the backup is in the copy")
active = [a[3] for a in before if a[1] == "deactivate" and
          users.get(a[3], ("", ""))[1] != "inactive"]
t.eq(active, [], "every deactivation before the backup is in the copy")
# Nothing in the copy that the database never acknowledged.
live = {a[3] for a in acked if a[1] == "create"}
t.eq(sorted(set(users) - live), [], "the copy holds no user never written")
t.ok(len(users) < len(live) or not after,
     "the copy is a snapshot: later writes are not all in it",
     "%d in copy, %d written" % (len(users), len(live)))

# A second lighttpd on the copy serves it, with the same tokens.
b = Server(db=dest)
r = b.req("GET", "/Groups/" + gid, token=tok)
t.eq(r.status, 200, "the copy serves the group", r.text)
have = {m["value"] for m in (r.json or {}).get("members", [])}
lost = [a[3] for a in before if a[1] == "member" and a[2] not in have]
t.eq(lost, [], "every member added before the backup is in the copy")
name = next(a for a in before if a[1] == "create")[3]
r = b.req("GET", "/Users?filter=" + urllib.parse.quote(
    'userName eq "%s"' % name), token=tok)
t.eq((r.status, (r.json or {}).get("totalResults")), (200, 1),
     "the copy finds a user by userName", r.text)
b.stop()

# The original still works after the backup.
r = s.req("GET", "/Users?count=1", token=tok)
t.eq(r.status, 200, "the live database still serves", r.text)

# Refusals: a DEST that exists and is not empty, a DEST inside the
# database directory.  Neither writes anything.
c = run_cli(s.db, "backup", dest, check=False)
t.eq((c.returncode, c.stdout), (1, ""), "backup to a non-empty DEST: exit 1")
t.ok("not empty" in c.stderr, "... and says why", c.stderr)
inside = os.path.join(s.db, "copy")
c = run_cli(s.db, "backup", inside, check=False)
t.eq((c.returncode, c.stdout), (1, ""), "backup inside the database: exit 1")
t.ok("inside the database" in c.stderr, "... and says why", c.stderr)
t.ok(not os.path.exists(inside), "... and creates nothing there")
c = run_cli(s.db, "backup", s.db + "/", check=False)
t.eq(c.returncode, 1, "backup into the database directory itself: exit 1",
     c.stderr)
c = run_cli(s.db, "backup", os.path.join(s.db, "..", "db", "x"), check=False)
t.eq(c.returncode, 1, "backup inside the database by a dotted path: exit 1",
     c.stderr)
# An existing empty directory is fine.
empty = os.path.join(s.dir, "empty")
os.mkdir(empty)
c = run_cli(s.db, "backup", empty, check=False)
t.eq(c.returncode, 0, "backup into an existing empty directory", c.stderr)
c = run_cli(empty, "audit", "verify", "acme-backup", check=False)
t.eq(c.returncode, 0, "... which verifies", c.stderr)
c = run_cli(s.db, "backup", check=False)
t.eq(c.returncode, 2, "backup without DEST: usage error")
s.stop()
t.done()
