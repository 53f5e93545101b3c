#!/usr/bin/env python3
"""`scimlet deliver` (issue 14, push delivery): changes made through
lighttpd and the real worker are pushed to a small receiver started here
(Python standard library, 127.0.0.1) that checks every signature with the
shared secret.  It fails the first two attempts of one batch; in the end
every record arrived at least once and in order, the cursor held, a
second run sends nothing, a later run only what is new, 410 stops deliver
without moving the cursor, a tampered body is rejected, a world-readable
secret file is refused, pruned records stop it (exit 3), and the
long-running form stops cleanly on SIGTERM."""
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time

from harness import (CLI, SRCDIR, URN_GROUP, Server, Tap, free_port, patchop,
                     user)


# The receiver checks signatures with the README's own Python snippet.
with open(os.path.join(SRCDIR, "README.md")) as f:
    readme = f.read()
section = readme[readme.index("## Push: scimlet deliver"):]
snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
ns = {}
exec(snippet, ns)
readme_verified = ns["verified"]

SECRET = "s3cret-for-the-receiver"
TENANT = "acme-deliver"

t = Tap()
s = Server()
tok = s.tenant(TENANT)


class Receiver:
    """mode: "ok"; "fail2" (500 to the first two attempts of the batch
    whose first seq is fail_first); "gone" (410); "down" (always 500)."""

    def __init__(self):
        self.mode = "ok"
        self.fail_first = None
        self.fails = 0
        self.attempts = []      # every request: (delivery, status)
        self.accepted = []      # bodies answered 2xx, parsed
        self.raw = []           # (headers dict, body bytes) answered 2xx
        self.badsig = 0
        self.lock = threading.Lock()

    def verify(self, header, body):
        return readme_verified(header, body, SECRET.encode())

    def handle(self, h, body):
        with self.lock:
            delivery = h.headers.get("X-Scimlet-Delivery")
            if not self.verify(h.headers.get("X-Scimlet-Signature"), body):
                self.badsig += 1
                status = 400
            elif self.mode == "gone":
                status = 410
            elif self.mode == "down":
                status = 500
            elif (self.mode == "fail2" and delivery is not None and
                  delivery.split("-")[0] == str(self.fail_first) and
                  self.fails < 2):
                self.fails += 1
                status = 500
            else:
                status = 200
            self.attempts.append((delivery, status))
            if status == 200:
                self.accepted.append(json.loads(body))
                self.raw.append((dict(h.headers), body))
            return status


rcv = Receiver()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        status = rcv.handle(self, body)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


port = free_port()
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
th = threading.Thread(target=httpd.serve_forever, daemon=True)
th.start()
URL = "http://127.0.0.1:%d/hook" % port

secret_file = os.path.join(s.dir, "deliver.secret")
with open(os.open(secret_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
    f.write(SECRET + "\n")
ENV = dict(os.environ, SCIMLET_DELIVER_BACKOFF_MS="20")


def deliver(*extra, url=URL, secret=secret_file, env=ENV):
    return subprocess.run([CLI, "--db", s.db, "deliver", TENANT, "--url",
                           url, "--secret-file", secret] + list(extra),
                          capture_output=True, text=True, timeout=60,
                          env=env)


def feed(since=0):
    r = s.req("GET", "/.changes?since=%d&count=1000" % since, token=tok)
    return r.json["changes"] if r.status == 200 else None


def seqs(bodies):
    return [c["seq"] for b in bodies for c in b["changes"]]


# Changes through lighttpd: users, a PATCH, a group with members, a delete.
ids = []
for i in range(4):
    ids.append(s.req("POST", "/Users", user("d%d@example.com" % i),
                     token=tok).json["id"])
s.req("PATCH", "/Users/" + ids[0], patchop(
    {"op": "replace", "path": "active", "value": False}), token=tok)
gid = s.req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "g",
                                "members": [{"value": ids[1]}]},
            token=tok).json["id"]
s.req("PATCH", "/Groups/" + gid, patchop(
    {"op": "add", "path": "members", "value": [{"value": ids[2]}]}),
    token=tok)
s.req("DELETE", "/Users/" + ids[3], token=tok)
stored = feed()
N = len(stored)
t.ok(N >= 8 and [c["seq"] for c in stored] == list(range(1, N + 1)),
     "the feed holds records 1..N (N=%d)" % N)

# 1. --once --batch 3, the batch starting at 4 failing twice.
rcv.mode, rcv.fail_first = "fail2", 4
p = deliver("--once", "--batch", "3")
t.eq(p.returncode, 0, "deliver --once exits 0 after retries", p.stderr)
t.eq(rcv.badsig, 0, "every signature verified")
t.eq(seqs(rcv.accepted), list(range(1, N + 1)),
     "every record received, in order (seq 1..N)")
t.ok(all(len(b["changes"]) <= 3 for b in rcv.accepted),
     "batches of at most 3")
t.eq([c for b in rcv.accepted for c in b["changes"]], stored,
     "the records as stored (GET /.changes)")
t.ok(all(b["tenant"] == TENANT and b["next"] == b["changes"][-1]["seq"]
         for b in rcv.accepted), "tenant and next in each body")
t.ok(all(h.get("X-Scimlet-Delivery") == "%d-%d" % (
    b["changes"][0]["seq"], b["changes"][-1]["seq"]) and
    h.get("Content-Type") == "application/json"
    for (h, _), b in zip(rcv.raw, rcv.accepted)),
    "X-Scimlet-Delivery and Content-Type headers")
t.eq([a for a in rcv.attempts if a[0].startswith("4-")],
     [("4-6", 500), ("4-6", 500), ("4-6", 200)],
     "batch 4-6: two failures, then delivered")
t.eq(p.stderr.count("retrying"), 2, "two retries logged", p.stderr)
t.ok(SECRET not in p.stderr + p.stdout, "the secret is never printed")

# 2. Nothing new: nothing sent.
before = len(rcv.attempts)
p = deliver("--once", "--batch", "3")
t.eq((p.returncode, len(rcv.attempts)), (0, before),
     "a second --once run sends nothing", p.stderr)

# 3. New changes: only those.
for i in range(2):
    s.req("POST", "/Users", user("new%d@example.com" % i), token=tok)
acc = len(rcv.accepted)
p = deliver("--once", "--batch", "3")
t.eq(p.returncode, 0, "third run exits 0", p.stderr)
t.eq(seqs(rcv.accepted[acc:]), [N + 1, N + 2], "it sends only the new ones")
N += 2

# 4. 410: non-zero exit, cursor unmoved; the next run delivers it.
s.req("POST", "/Users", user("gone@example.com"), token=tok)
rcv.mode = "gone"
acc = len(rcv.accepted)
p = deliver("--once")
t.eq(p.returncode, 4, "a 410 makes deliver exit 4", p.stderr)
t.ok("410" in p.stderr, "and it is logged", p.stderr)
rcv.mode = "ok"
p = deliver("--once")
t.eq((p.returncode, seqs(rcv.accepted[acc:])), (0, [N + 1]),
     "the cursor had not advanced: the record comes next run", p.stderr)
N += 1

# 5. A receiver that stays down: --once gives up (exit 1), cursor kept.
s.req("POST", "/Users", user("down@example.com"), token=tok)
rcv.mode = "down"
acc = len(rcv.accepted)
p = deliver("--once")
t.eq(p.returncode, 1, "--once gives up on a receiver that stays down",
     p.stderr)
t.ok("giving up" in p.stderr, "and says so", p.stderr)
rcv.mode = "ok"
p = deliver("--once")
t.eq(seqs(rcv.accepted[acc:]), [N + 1], "the next run delivers it")
N += 1

# 6. A tampered body fails verification; the genuine one passes.
h0, b0 = rcv.raw[0]
hdrs = {"Content-Type": "application/json",
        "X-Scimlet-Signature": h0["X-Scimlet-Signature"]}


def post_raw(body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/hook", body=body, headers=hdrs)
    st = c.getresponse().status
    c.close()
    return st


bad0 = rcv.badsig
t.eq(post_raw(b0.replace(b'"next":', b'"next": ', 1)), 400,
     "a tampered body is rejected")
t.eq(rcv.badsig, bad0 + 1, "as a bad signature")
t.eq(post_raw(b0), 200, "the body as sent verifies")

# 7. Secret files: world-readable or empty, refused before any request.
before = len(rcv.attempts)
loose = os.path.join(s.dir, "loose.secret")
with open(loose, "w") as f:
    f.write(SECRET + "\n")
os.chmod(loose, 0o644)
p = deliver("--once", secret=loose)
t.ok(p.returncode != 0 and "chmod 600" in p.stderr,
     "a world-readable secret file is refused", p.stderr)
empty = os.path.join(s.dir, "empty.secret")
with open(os.open(empty, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
    f.write("\n")
p = deliver("--once", secret=empty)
t.ok(p.returncode != 0 and "empty" in p.stderr,
     "an empty secret file is refused", p.stderr)
t.eq(len(rcv.attempts), before, "neither sent anything")

# 8. The README's PHP snippet as the receiver (php -S), when PHP is there:
# the right secret is accepted, a wrong one refused.
if shutil.which("php") is None:
    print("# SKIP the README's PHP snippet: php is not installed")
else:
    php = re.search(r"```php\n(.*?)```", section, re.S).group(1)
    docroot = os.path.join(s.dir, "php")
    os.mkdir(docroot)
    with open(os.path.join(docroot, "hook.php"), "w") as f:
        f.write("<?php\n" + php.replace("/path/to/deliver.secret",
                                         secret_file) +
                "echo count($batch['changes']);\n")
    wrong = os.path.join(s.dir, "wrong.secret")
    with open(os.open(wrong, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write("not-" + SECRET + "\n")
    pport = free_port()
    pproc = subprocess.Popen(["php", "-S", "127.0.0.1:%d" % pport, "-t",
                              docroot], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", pport), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        purl = "http://127.0.0.1:%d/hook.php" % pport
        p = deliver("--once", url=purl, secret=wrong)
        t.ok(p.returncode == 1 and "HTTP status 400" in p.stderr,
             "PHP snippet: a wrong secret is refused (400)", p.stderr)
        p = deliver("--once", url=purl)
        t.ok(p.returncode == 0 and "delivered changes 1-" in p.stdout,
             "PHP snippet: the signature verifies", p.stdout + p.stderr)
    finally:
        pproc.terminate()
        pproc.wait()

# 9. Pruned before delivery: a new receiver URL starts from 0; exit 3.
s.cli("changes", "prune", "--tenant", TENANT, "--before", "3")
before = len(rcv.attempts)
p = deliver("--once", url=URL + "?other")
t.eq(p.returncode, 3, "records pruned before delivery: exit 3", p.stderr)
t.ok("pruned" in p.stderr, "and says so", p.stderr)
t.eq(len(rcv.attempts), before, "nothing skipped, nothing sent")

# 10. Long-running: picks up a new change, stops on SIGTERM between batches.
proc = subprocess.Popen([CLI, "--db", s.db, "deliver", TENANT, "--url", URL,
                         "--secret-file", secret_file], env=ENV,
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
try:
    acc = len(rcv.accepted)
    s.req("POST", "/Users", user("daemon@example.com"), token=tok)
    deadline = time.time() + 10
    while time.time() < deadline and len(rcv.accepted) == acc:
        time.sleep(0.1)
    t.eq(seqs(rcv.accepted[acc:]), [N + 1],
         "the long-running form delivers a new change")
    os.kill(proc.pid, signal.SIGTERM)
    try:
        rc = proc.wait(10)
    except subprocess.TimeoutExpired:
        rc = None
    t.eq(rc, 0, "and stops cleanly on SIGTERM")
finally:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    proc.stderr.close()

httpd.shutdown()
httpd.server_close()
s.stop()
t.done()
