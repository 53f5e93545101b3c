#!/usr/bin/env python3
"""The operator's scripts, run as a new operator runs them.

scripts/serve: a busy port fails before the database and its shown-once
token are made; it prints where the CLI is; SIGINT to its process group
(what Ctrl-C sends) stops lighttpd and its workers and removes its
temporary directory.  It runs the binaries of this build (SCIMLET_CLI,
SCIMLET_FCGI), so it neither installs nor builds.

scripts/conformance without the vendors' suites (SCIMLET_CONFORMANCE_DIR
an empty directory) says where to get them and where to put them, and
exits 2 (runner broken) before it builds anything or installs newman.
"""
import os
import signal
import socket
import subprocess
import tempfile
import time

from harness import CLI, FCGI, SRCDIR, Tap, worker_pids

t = Tap()
SERVE = os.path.join(SRCDIR, "scripts", "serve")
CONFORMANCE = os.path.join(SRCDIR, "scripts", "conformance")
work = tempfile.mkdtemp(prefix="scimlet-e2e-scripts.")
env = dict(os.environ, SCIMLET_CLI=CLI, SCIMLET_FCGI=FCGI, TMPDIR=work)
env.pop("SCIMLET_PORT", None)
env.pop("SCIMLET_DB", None)


def leftovers():
    return sorted(x for x in os.listdir(work) if x.startswith("scimlet-serve."))


def group_alive(pgid):
    """Live processes of process group pgid (zombies aside: an exited
    worker whose parent is gone waits for init, which may not reap)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(st[2]) == pgid and st[0] != "Z":
            found.append(int(d))
    return found


def busy_port():
    """A port that another program listens on: serve must refuse it
    before it makes the database or prints a token."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    port = s.getsockname()[1]
    db = os.path.join(work, "busy-db")
    try:
        p = subprocess.run([SERVE, "--port", str(port), "--db", db], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=60)
    finally:
        s.close()
    t.ok(p.returncode != 0, "serve: a busy port is an error",
         "exit %d" % p.returncode)
    t.ok("token" not in p.stdout, "serve: no token printed on a busy port",
         p.stdout)
    t.ok(not os.path.exists(os.path.join(db, "data.mdb")),
         "serve: no database made on a busy port")
    t.ok(str(port) in p.stderr and "not free" in p.stderr,
         "serve: the error names the port", p.stderr)
    t.eq(leftovers(), [], "serve: no temporary directory left on a busy port")


def interrupt():
    """Start serve, make one request through it, Ctrl-C it (SIGINT to its
    process group): no temporary directory and no process left."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    db = os.path.join(work, "db")
    out = open(os.path.join(work, "serve.out"), "w+")
    p = subprocess.Popen([SERVE, "--port", str(port), "--db", db], env=env,
                         stdin=subprocess.DEVNULL, stdout=out,
                         stderr=subprocess.STDOUT, start_new_session=True)
    text = ""
    up = False
    try:
        deadline = time.time() + 30
        while time.time() < deadline and p.poll() is None:
            out.seek(0)
            text = out.read()
            if "lighttpd log:" in text:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    up = True
                    break
                except OSError:
                    pass
            time.sleep(0.05)
        t.ok(up, "serve: lighttpd is up", text)
        lines = dict(x.split(":", 1) for x in text.splitlines() if ":" in x)
        cli = lines.get("CLI", "").split()
        t.ok(cli and os.path.isabs(cli[0]) and os.access(cli[0], os.X_OK)
             and cli[1:] == ["--db", db],
             "serve: prints the CLI's absolute path and the --db to use", text)
        token = lines.get("demo token (shown once)", "").strip()
        t.ok(token != "", "serve: a token printed for the new database", text)
        if up and token:
            import http.client
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", "/scim/v2/Users",
                      headers={"Authorization": "Bearer " + token})
            r = c.getresponse()
            r.read()
            c.close()
            t.eq(r.status, 200, "serve: the printed token works")
        rundirs = leftovers()
        t.eq(len(rundirs), 1, "serve: one temporary directory while it runs")
        os.killpg(p.pid, signal.SIGINT)
        try:
            rc = p.wait(15)
        except subprocess.TimeoutExpired:
            rc = None
        t.ok(rc is not None, "serve: exits on SIGINT within 15 s")
        t.eq(leftovers(), [], "serve: its temporary directory is gone after SIGINT")
        # A worker stopping finishes its exit (a sanitized one checks for
        # leaks first; every one syncs activity.mdb, an fsync that a
        # machine busy with other suites' fsyncs made take seconds): give
        # the group up to 20 s, not a fixed 0.2 s or 5 s, which loaded
        # machines overran.
        deadline = time.time() + 20
        while (worker_pids(db) or group_alive(p.pid)) and time.time() < deadline:
            time.sleep(0.1)
        t.eq(worker_pids(db), [], "serve: no worker left after SIGINT")
        alive = group_alive(p.pid)
        t.eq(alive, [], "serve: no process of its group left after SIGINT")
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()
        for pid in worker_pids(db):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        out.close()


def conformance_missing():
    empty = os.path.join(work, "no-suites")
    os.mkdir(empty)
    e = dict(env, SCIMLET_CONFORMANCE_DIR=empty, PATH="/usr/bin:/bin")
    start = time.time()
    p = subprocess.run([CONFORMANCE], env=e, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    took = time.time() - start
    t.eq(p.returncode, 2, "conformance: missing suites exit 2 (runner broken)",
         p.stdout + p.stderr)
    err = p.stderr
    t.ok(empty in err and "SCIMLET_CONFORMANCE_DIR" in err,
         "conformance: says which directory and variable", err)
    t.ok("AzureAD/SCIMReferenceCode" in err and "okta-developer-docs" in err,
         "conformance: says where to get the suites", err)
    t.ok("microsoft-scim-tests.postman_collection.json" in err,
         "conformance: names the files it needs", err)
    t.ok(took < 10 and "installing newman" not in err,
         "conformance: fails before building or installing newman",
         "%.1f s" % took)


try:
    busy_port()
    interrupt()
    conformance_missing()
finally:
    import shutil
    shutil.rmtree(work, ignore_errors=True)
t.done()
