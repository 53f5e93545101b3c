#!/usr/bin/env python3
"""Worker lifetime under lighttpd: recycling after SCIMLET_MAX_REQUESTS
without a refused request, data surviving restarts, no worker outliving
its server."""
import signal
import subprocess
import time

from harness import Server, Tap, worker_pids


def alive(pid):
    """True while pid runs (a zombie is not running)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


t = Tap()
s = Server(procs=1, max_requests=3)
tok = s.tenant("acme")
first = worker_pids(s.db)
t.eq(len(first), 1, "one worker running")
codes, created = [], []
for i in range(10):
    r = s.req("POST", "/Users", {"userName": "w%d@example.com" % i}, token=tok)
    codes.append(r.status)
    if r.status == 201:
        created.append(r.json["id"])
t.eq(codes, [201] * 10, "10 requests across recycled workers all succeed")
log = s.logs()
t.eq(log.count("recycling after 3 requests"), 3,
     "the worker started afresh after every third request", log[-2000:])
t.eq(worker_pids(s.db), first, "on the same listening socket, in place")
r = s.req("GET", "/Users?count=0", token=tok)
t.eq(r.json.get("totalResults"), 10, "every acknowledged write is there")

# Stop the server; start another on the same database.
pids = worker_pids(s.db)
s.proc.send_signal(signal.SIGINT)     # what Ctrl-C does to scripts/serve
s.proc.wait(10)
for _ in range(100):                  # lighttpd sent them SIGTERM
    if not [p for p in pids if alive(p)]:
        break
    time.sleep(0.1)
t.eq([p for p in pids if alive(p)], [], "no worker outlives lighttpd")
s.stop_lighttpd()
s.start()
r = s.req("GET", "/Users/" + created[0], token=tok)
t.eq((r.status, r.json.get("userName")), (200, "w0@example.com"),
     "data survives a restart")
r = s.req("GET", "/Users?count=0", token=tok)
t.eq(r.json.get("totalResults"), 10, "all ten after the restart")
# A process killed while holding a read transaction (as web servers kill
# idle workers) leaves a stale reader slot: writes go on, and the next
# process to open the database clears it.
holder = subprocess.Popen(["/usr/bin/python3", "-c",
                           "import lmdb, sys, time\n"
                           "env = lmdb.open(sys.argv[1], max_dbs=16)\n"
                           "txn = env.begin()\n"
                           "print('reading', flush=True)\n"
                           "time.sleep(60)\n", s.db], stdout=subprocess.PIPE, text=True)
t.eq(holder.stdout.readline().strip(), "reading", "a reader holds a read transaction")
holder.kill()
holder.wait()
r = s.cli("tenant", "list")
t.ok("cleared 1 stale reader slot" in r.stderr, "the next opener clears its slot",
     r.stderr)
codes = [s.req("POST", "/Users", {"userName": "after%d@example.com" % i},
               token=tok).status for i in range(20)]
t.eq(codes, [201] * 20, "writes go on after a reader is killed -9")
s.stop()
t.done()
