"""End-to-end harness: a real lighttpd with the real worker over FastCGI
on a fresh LMDB, the CLI to make tenants and tokens, an HTTP client, the
worker run as plain CGI, and a TAP emitter.  Python standard library only.

Environment (set by `make check`; defaults work from the source tree):
SCIMLET_FCGI, SCIMLET_CLI, SCIMLET_SRCDIR, and SCIMLET_FAULT_FCGI (the
test build of the worker with the store's fault hook, for e2e_faults.py).
"""
import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("SCIMLET_SRCDIR", os.path.dirname(os.path.dirname(HERE)))
FCGI = os.environ.get("SCIMLET_FCGI", os.path.join(SRCDIR, "src", "scimlet.fcgi"))
CLI = os.environ.get("SCIMLET_CLI", os.path.join(SRCDIR, "src", "scimlet"))
FAULT_FCGI = os.environ.get("SCIMLET_FAULT_FCGI", os.path.join(
    SRCDIR, "tests", "fault", "scimlet-fault.fcgi"))
WORKER_NAMES = (b"scimlet.fcgi", b"scimlet-fault.fcgi")

URN_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
URN_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
URN_ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
URN_LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
URN_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
URN_PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


# Sanitizer reports found in what workers wrote to stderr (lighttpd's
# stderr, or a CGI run's); Tap.done() fails the program on any.
SANITIZER_MARKS = ("runtime error:", "ERROR: AddressSanitizer",
                   "ERROR: LeakSanitizer", "ERROR: UndefinedBehaviorSanitizer")
_sanitizer_reports = []
_workers_ran = [False]


def _scan_for_sanitizers(text, where):
    _workers_ran[0] = True
    for line in text.splitlines():
        if any(m in line for m in SANITIZER_MARKS):
            _sanitizer_reports.append("%s: %s" % (where, line.strip()))


class Tap:
    """TAP output: ok N - name; the plan comes last."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, diag=None, todo=None):
        """todo: a known failure (TAP TODO), not counted as failed."""
        self.n += 1
        print("%sok %d - %s%s" % ("" if cond else "not ", self.n, name,
                                  " # TODO %s" % todo if todo else ""))
        if not cond:
            if not todo:
                self.failed += 1
            if diag is not None:
                for line in str(diag).splitlines()[:40]:
                    print("# " + line)
        sys.stdout.flush()
        return bool(cond)

    def eq(self, got, want, name, diag=None):
        d = "got:  %r\nwant: %r" % (got, want)
        if diag is not None:
            d += "\n" + str(diag)
        return self.ok(got == want, name, d)

    def status(self, r, want, name):
        return self.eq(r.status, want, name, r.text[:2000])

    def error(self, r, status, scimtype, name):
        """A SCIM error body with this status (and scimType, if given)."""
        j = r.json or {}
        good = (r.status == status and j.get("schemas") == [URN_ERROR]
                and j.get("status") == str(status)
                and isinstance(j.get("detail"), str) and j["detail"] != ""
                and r.ctype == "application/scim+json; charset=utf-8"
                and (scimtype is None or j.get("scimType") == scimtype))
        return self.ok(good, name, "status %d, body %s" % (r.status, r.text[:1000]))

    def done(self):
        for srv in list(_servers):
            srv.stop()
        if _workers_ran[0]:
            self.ok(not _sanitizer_reports, "workers reported no sanitizer error",
                    "\n".join(_sanitizer_reports[:20]))
        print("1..%d" % self.n)
        sys.stdout.flush()
        sys.exit(1 if self.failed else 0)


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body
        self.text = body.decode("utf-8", "replace")
        self.ctype = self.headers.get("content-type")
        try:
            self.json = json.loads(self.text) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        return self.headers.get(name.lower())


def run_cli(db, *args, check=True):
    p = subprocess.run([CLI, "--db", db] + list(args), capture_output=True,
                       text=True, timeout=30)
    if check and p.returncode != 0:
        raise RuntimeError("scimlet %s: %s" % (" ".join(args), p.stderr))
    return p


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


_servers = []


def _cleanup():
    for s in list(_servers):
        s.stop()


atexit.register(_cleanup)
for _sig in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, lambda *a: sys.exit(1))


class Server:
    """lighttpd + scimlet.fcgi on 127.0.0.1, on a fresh database."""

    def __init__(self, procs=1, max_requests=0, env=None, db=None,
                 fcgi=None, console=False):
        self.extra_conf = ""    # appended to lighttpd.conf at start()
        # The operator console's mount (www/lighttpd-console.conf.in).
        self.console = console
        self.fcgi = fcgi or FCGI
        self.dir = tempfile.mkdtemp(prefix="scimlet-e2e.")
        self.db = db or os.path.join(self.dir, "db")
        self.procs = procs
        self.max_requests = max_requests
        self.env = env or {}
        self.proc = None
        self.port = None
        if db is None:
            run_cli(self.db, "init")
        self.start()
        _servers.append(self)

    def start(self):
        self.port = free_port()
        rundir = os.path.join(self.dir, "run")
        os.makedirs(os.path.join(rundir, "www"), exist_ok=True)
        with open(os.path.join(SRCDIR, "www", "lighttpd.conf.in")) as f:
            conf = f.read()
        if self.console:
            with open(os.path.join(SRCDIR, "www", "lighttpd-console.conf.in")) as f:
                conf += "\n" + f.read()
        for k, v in {"@PORT@": str(self.port), "@DB@": self.db, "@FCGI@": self.fcgi,
                     "@CONSOLE@": self.console if isinstance(self.console, str)
                     else os.path.join(SRCDIR, "www", "console"),
                     "@RUNDIR@": rundir, "@DOCROOT@": os.path.join(rundir, "www"),
                     "@PROCS@": str(self.procs), "@MAX_REQUEST_KB@": "16384",
                     "@MAX_REQUESTS@": str(self.max_requests)}.items():
            conf = conf.replace(k, v)
        conf += self.extra_conf
        cpath = os.path.join(rundir, "lighttpd.conf")
        with open(cpath, "w") as f:
            f.write(conf)
        env = dict(os.environ)
        env.update(self.env)
        # The workers' stderr (their log lines) is lighttpd's stderr.
        self.stderrlog = os.path.join(rundir, "stderr.log")
        self._stderr = open(self.stderrlog, "ab")
        self.proc = subprocess.Popen(["lighttpd", "-D", "-f", cpath], env=env,
                                     stdin=subprocess.DEVNULL,
                                     stderr=self._stderr)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("lighttpd exited: see " + rundir)
                time.sleep(0.05)
        else:
            raise RuntimeError("lighttpd did not start")
        self.base = "http://127.0.0.1:%d/scim/v2" % self.port
        self.admin_base = "http://127.0.0.1:%d/scimlet/admin" % self.port
        self.errorlog = os.path.join(rundir, "error.log")

    def stop_lighttpd(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self._stderr.close()
        try:
            with open(self.stderrlog, errors="replace") as f:
                _scan_for_sanitizers(f.read(), "worker")
        except OSError:
            pass
        # No worker may outlive its server.
        for pid in worker_pids(self.db):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def stop(self):
        self.stop_lighttpd()
        if self in _servers:
            _servers.remove(self)
        shutil.rmtree(self.dir, ignore_errors=True)

    def logs(self):
        """lighttpd's error log and the workers' stderr, as text."""
        text = ""
        for path in (self.errorlog, self.stderrlog):
            try:
                with open(path, errors="replace") as f:
                    text += f.read()
            except OSError:
                pass
        return text

    def tenant(self, name):
        """Add tenant name; return a fresh token for it."""
        run_cli(self.db, "tenant", "add", name)
        return self.token(name)

    def token(self, name):
        return run_cli(self.db, "token", "issue", name).stdout.strip()

    def cli(self, *args, check=True):
        return run_cli(self.db, *args, check=check)

    def settle(self, tenant, quiet=0.6, most=15):
        """Wait until tenant's activity log stops growing: a read's (or a
        failed request's) record is written after its response, batched,
        so a test that compares two readers of the log waits first."""
        last, since, end = None, time.time(), time.time() + most
        while time.time() < end:
            n = len(run_cli(self.db, "activity", tenant, "--json",
                            check=False).stdout.splitlines())
            if n != last:
                last, since = n, time.time()
            elif time.time() - since >= quiet:
                return n
            time.sleep(0.1)
        return last

    def admin(self, method, path, body=None, cookie=None, csrf=None, headers=None):
        """One request to the console's mount (path after /scimlet/admin):
        cookie the session's value, csrf its anti-CSRF token.  Returns
        (status, headers by lower-case name, body as JSON or text)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {}
        if cookie:
            h["Cookie"] = "scimlet_admin=%s" % cookie
        if csrf:
            h["X-Scimlet-CSRF"] = csrf
        h.update(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        conn.request(method, "/scimlet/admin" + path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        conn.close()
        try:
            out = json.loads(raw) if raw else None
        except ValueError:
            out = raw.decode("utf-8", "replace")
        return r.status, hdrs, out

    def admin_sign_in(self, credential):
        """Sign in to the console: (cookie value, anti-CSRF token), or
        (None, None) when refused."""
        st, h, body = self.admin("POST", "/api/session", {"credential": credential})
        m = re.match(r"scimlet_admin=([A-Za-z0-9_-]+);", h.get("set-cookie", ""))
        if st != 200 or not m or not isinstance(body, dict):
            return None, None
        return m.group(1), body.get("csrf")

    def req(self, method, path, body=None, token=None, auth=None,
            ctype="application/scim+json", headers=None, raw=None,
            timeout=30):
        """One request on a new connection.  body: JSON value; raw: bytes."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=timeout)
        h = {}
        if auth is not None:
            h["Authorization"] = auth
        elif token is not None:
            h["Authorization"] = "Bearer " + token
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None and ctype is not None:
            h["Content-Type"] = ctype
        h.update(headers or {})
        conn.request(method, "/scim/v2" + path, body=data, headers=h)
        r = conn.getresponse()
        resp = Resp(r.status, r.getheaders(), r.read())
        conn.close()
        return resp


def worker_pids(db=None):
    """pids of running scimlet.fcgi processes (for db, if given)."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                cmd = f.read().split(b"\0")
            if not cmd or not cmd[0].endswith(WORKER_NAMES):
                continue
            if db is not None:
                with open("/proc/%s/environ" % d, "rb") as f:
                    if ("SCIMLET_DB=" + db).encode() not in f.read().split(b"\0"):
                        continue
            pids.append(int(d))
        except OSError:
            continue
    return pids


def cgi(db, method, path, body=None, query="", token=None, env=None,
        ctype="application/scim+json", stdin=None):
    """Run the worker as plain CGI; returns (Resp, exit status, stderr)."""
    data = b""
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
         "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
         "REQUEST_METHOD": method, "SCRIPT_NAME": "/scim/v2",
         "PATH_INFO": path, "QUERY_STRING": query,
         "SERVER_NAME": "cgi.example", "SERVER_PORT": "443", "HTTPS": "on",
         "HTTP_HOST": "cgi.example"}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            e[k] = os.environ[k]
    if db is not None:
        e["SCIMLET_DB"] = db
    if data:
        e["CONTENT_LENGTH"] = str(len(data))
        e["CONTENT_TYPE"] = ctype
    if token is not None:
        e["HTTP_AUTHORIZATION"] = "Bearer " + token
    e.update(env or {})
    p = subprocess.run([FCGI], input=data if stdin is None else stdin,
                       env=e, capture_output=True, timeout=30)
    _scan_for_sanitizers(p.stderr.decode("utf-8", "replace"), "CGI worker")
    return cgi_response(p.stdout), p.returncode, p.stderr.decode("utf-8", "replace")


def cgi_response(out):
    """A CGI program's output as a Resp (its Status header the status)."""
    head, _, payload = out.partition(b"\r\n\r\n")
    status, headers = 0, []
    for line in head.decode("latin-1").split("\r\n"):
        k, _, v = line.partition(":")
        if k.lower() == "status":
            status = int(v.strip().split()[0])
        elif k:
            headers.append((k, v.strip()))
    return Resp(status, headers, payload)


def user(name, **extra):
    u = {"schemas": [URN_USER], "userName": name,
         "name": {"givenName": "Given", "familyName": "Family"},
         "emails": [{"value": name, "type": "work", "primary": True}],
         "active": True}
    u.update(extra)
    return u


def patchop(*ops):
    return {"schemas": [URN_PATCH], "Operations": list(ops)}
