#!/usr/bin/env python3
"""The mounts README and www/ describe, each with the real server (issue
8): Apache 2.4 + mod_fcgid configured only from the .htaccess that
`scimlet setup-htaccess` writes (www/htaccess.sample's lines),
Apache + mod_cgi, and nginx + spawn-fcgi with www/nginx-spawn-fcgi.conf.sample.
Each plays the Entra Test Connection, a user's lifecycle and a 401 with a
SCIM body, and checks that locations are the URL the client used; and
each mounts the operator console as its sample says (lighttpd-console.conf.in,
setup-htaccess --console, the nginx location), served with its headers and
its cookie scoped to the mount.  A
server that is not installed is skipped, saying so."""
import grp
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import uuid

from harness import CLI, FCGI, SRCDIR, Server, Tap, free_port, run_cli, worker_pids

t = Tap()
MODS = "/usr/lib/apache2/modules"
can_apache = (shutil.which("apache2") and os.path.exists(MODS + "/mod_fcgid.so")
              and os.getuid() == 0)
can_nginx = shutil.which("nginx") and shutil.which("spawn-fcgi") and os.getuid() == 0


def _req(port, method, path, body=None, token=None, tls=False, headers=None):
    if tls:     # our own throw-away certificate
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=20,
                                        context=ssl._create_unverified_context())
    else:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    h = {"Authorization": "Bearer " + token} if token else {}
    h.update(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/scim+json"
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    b = r.read()
    c.close()
    try:
        j = json.loads(b) if b else None
    except ValueError:
        j = None
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), j


def wait_port(port, proc):
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            if proc.poll() is not None:
                return False
            time.sleep(0.1)
    return False


def lifecycle(name, port, token, tls=False):
    base = "%s://127.0.0.1:%d/scim/v2" % ("https" if tls else "http", port)
    g = str(uuid.uuid4())

    def req(*a, **k):
        return _req(*a, tls=tls, **k)
    # {mount}/.health reaches the worker through this mount, no token.
    st, h, j = req(port, "GET", "/scim/v2/.health")
    t.eq((st, sorted(j or {}), (j or {}).get("status")),
         (200, ["format", "status", "version"], "ok"), name + ": GET /.health", (st, h, j))
    st, h, j = req(port, "HEAD", "/scim/v2/.health")
    t.eq((st, j), (200, None), name + ": HEAD /.health, no body")
    st, h, j = req(port, "GET", "/scim/v2/Users?filter=userName+eq+%22" + g + "%22", token=token)
    t.eq((st, (j or {}).get("totalResults")), (200, 0), name + ": Test Connection, users")
    st, h, j = req(port, "GET", "/scim/v2/Groups?excludedAttributes=members&filter="
                   "displayName+eq+%22" + g + "%22", token=token)
    t.eq(st, 200, name + ": Test Connection, groups")
    st, h, j = req(port, "POST", "/scim/v2/Users", {"userName": "m@" + name}, token=token)
    uid = (j or {}).get("id", "")
    t.eq(st, 201, name + ": create")
    t.eq((h.get("location"), (j or {}).get("meta", {}).get("location")),
         (base + "/Users/" + uid,) * 2, name + ": Location and meta.location are the URL used")
    st, h, j = req(port, "PATCH", "/scim/v2/Users/" + uid, {"Operations": [
        {"op": "Replace", "path": "active", "value": "False"}]}, token=token)
    t.eq((st, (j or {}).get("active")), (200, False), name + ": deactivate")
    st, h, j = req(port, "DELETE", "/scim/v2/Users/" + uid, token=token)
    t.eq(st, 204, name + ": delete")
    st, h, j = req(port, "GET", "/scim/v2/Users/" + uid, token=token)
    t.eq(st, 404, name + ": gone")
    st, h, j = req(port, "GET", "/scim/v2/Users", token="wrong")
    t.ok(st == 401 and (j or {}).get("schemas") ==
         ["urn:ietf:params:scim:api:messages:2.0:Error"] and
         h.get("www-authenticate", "").startswith("Bearer"),
         name + ": 401 is scimlet's SCIM error, not the server's", (st, h, j))


def console_files(d):
    """A console directory under d that the web server's user can read:
    the mount is what is tested here, not the pages (e2e_console)."""
    c = os.path.join(d, "share", "console")
    os.makedirs(c, 0o755)
    os.chmod(os.path.join(d, "share"), 0o755)
    with open(os.path.join(c, "index.html"), "w") as f:
        f.write("<!doctype html><title>console</title>"
                "<script src=console/app.js></script>\n")
    with open(os.path.join(c, "app.js"), "w") as f:
        f.write("'use strict';\n")
    for x in ("index.html", "app.js"):
        os.chmod(os.path.join(c, x), 0o644)
    return c


def console(name, port, db, tls=False):
    """The operator console's mount as this server's sample sets it up:
    its files with the console's headers, sign-in for a cookie scoped to
    the mount (Secure over TLS), the API behind it."""
    cred = subprocess.run([CLI, "--db", db, "admin", "issue", "--operator"],
                          capture_output=True, text=True, check=True).stdout.strip()

    def req(*a, **k):
        return _req(port, *a, tls=tls, **k)
    st, h, _ = req("GET", "/scimlet/admin/")
    t.ok(st == 200 and h.get("content-type", "").startswith("text/html") and
         "script-src 'self'" in h.get("content-security-policy", ""),
         name + ": the console's page, with its Content-Security-Policy", (st, h))
    st, h, _ = req("GET", "/scimlet/admin/console/app.js")
    t.eq((st, h.get("content-type")), (200, "text/javascript; charset=utf-8"),
         name + ": the console's script")
    st, h, j = req("GET", "/scimlet/admin/api/tenants")
    t.eq(st, 401, name + ": the console's API needs a session")
    st, h, j = req("POST", "/scimlet/admin/api/session", {"credential": cred})
    ck = h.get("set-cookie", "")
    t.ok(st == 200 and "Path=/scimlet/admin;" in ck and ("; Secure" in ck) == tls and
         (j or {}).get("tenantUrl") == "%s://127.0.0.1:%d/scim/v2" % (
             "https" if tls else "http", port),
         name + ": sign in: a cookie for the mount%s, the Tenant URL" %
         (", Secure" if tls else ""), (st, ck, j))
    st, h, j = req("GET", "/scimlet/admin/api/tenants",
                   headers={"Cookie": ck.split(";")[0]})
    t.eq((st, [x.get("name") for x in (j or {}).get("tenants", [])]), (200, ["acme"]),
         name + ": the console's API lists the tenant")


def certificate(d):
    """A throw-away self-signed certificate and key for 127.0.0.1."""
    crt, key = os.path.join(d, "tls.crt"), os.path.join(d, "tls.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", key,
                    "-out", crt], check=True, capture_output=True)
    return crt, key


def nginx_conf(d, servers):
    """An nginx.conf of its own under d holding the given server blocks."""
    path = os.path.join(d, "nginx.conf")
    with open(path, "w") as f:
        f.write("daemon off;\npid %s/nginx.pid;\nerror_log %s/error.log;\n"
                "events {}\nhttp {\n access_log off;\n"
                " client_body_temp_path %s/body;\n fastcgi_temp_path %s/fcgi;\n"
                " proxy_temp_path %s/proxy;\n uwsgi_temp_path %s/uwsgi;\n"
                " scgi_temp_path %s/scgi;\n%s}\n" % ((d,) * 7 + (servers,)))
    return path


def tls_proxy(d, backend):
    """nginx terminating TLS on a port of its own and passing requests on
    to 127.0.0.1:backend over plain HTTP, as a hosting provider's or
    cloud load balancer's proxy does: Host unchanged, X-Forwarded-Proto
    set, from an address of its own (127.0.0.2) as a separate machine
    would be.  Returns (process, port), or (None, None) without nginx."""
    if not shutil.which("nginx") or not shutil.which("openssl"):
        return None, None
    pd = os.path.join(d, "tls-proxy")
    os.makedirs(pd)
    crt, key = certificate(pd)
    port = free_port()
    conf = nginx_conf(pd, " server {\n  listen 127.0.0.1:%d ssl;\n"
                      "  ssl_certificate %s;\n  ssl_certificate_key %s;\n"
                      "  location / {\n   proxy_pass http://127.0.0.1:%d;\n"
                      "   proxy_bind 127.0.0.2;\n"
                      "   proxy_set_header Host $http_host;\n"
                      "   proxy_set_header X-Forwarded-Proto $scheme;\n"
                      "   proxy_set_header X-Forwarded-For $remote_addr;\n  }\n }\n"
                      % (port, crt, key, backend))
    proc = subprocess.Popen(["nginx", "-p", pd, "-c", conf],
                            stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if not wait_port(port, proc):
        t.ok(False, "the TLS proxy starts", proc.stderr.read()[-1500:])
        return None, None
    return proc, port


def stop(proc):
    if proc is not None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def behind_proxy(name, d, port, token, trust):
    """The X-Forwarded-Proto of a TLS-terminating proxy: ignored until the
    documented setting trusts it (trust() applies it), honoured after."""
    st, h, j = _req(port, "POST", "/scim/v2/Users", {"userName": "spoof@" + name},
                    token=token, headers={"X-Forwarded-Proto": "https"})
    t.eq((st, h.get("location", "")[:7]), (201, "http://"),
         name + ": X-Forwarded-Proto is not trusted by default", (st, h, j))
    if not shutil.which("nginx") or not shutil.which("openssl"):
        print("# SKIP %s behind a TLS proxy: nginx or openssl is not installed" % name)
        return
    port = trust() or port
    proxy, pport = tls_proxy(d, port)
    if proxy is None:
        return
    try:
        lifecycle(name + " behind a TLS proxy", pport, token, tls=True)
    finally:
        stop(proxy)


def stray(d):
    """Kill workers of this test's database that outlived their server."""
    for pid in worker_pids(os.path.join(d, "db")):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def setup(d):
    """A database, and a copy of the worker, that the web server's user
    (www-data) can reach: the build tree may be under a directory only
    its owner can enter, as a mktemp -d checkout is.  Returns (worker,
    db, token)."""
    os.chmod(d, 0o755)
    worker = os.path.join(d, "scimlet.fcgi")
    shutil.copy2(FCGI, worker)
    db = os.path.join(d, "db")
    run_cli(db, "init")
    run_cli(db, "tenant", "add", "acme")
    token = run_cli(db, "token", "issue", "acme").stdout.strip()
    uid, gid = pwd.getpwnam("www-data").pw_uid, grp.getgrnam("www-data").gr_gid
    for root, dirs, files in os.walk(db):
        os.chown(root, uid, gid)
        for f in files:
            os.chown(os.path.join(root, f), uid, gid)
    return worker, db, token


def setup_htaccess(handler, d, docroot, port):
    """mod_fcgid or mod_cgi as a shared-hosting user sets it up: the CLI and the
    worker unpacked side by side (d/bin), `scimlet setup-htaccess` writing
    the .htaccess block and the wrapper and making the database, then the
    next steps it prints, run as printed.  The database is then handed to
    www-data, the user the worker runs as here (no suEXEC).  Returns the
    token, or None when the set-up failed."""
    os.chmod(d, 0o755)
    os.makedirs(docroot, 0o755)
    os.chmod(docroot, 0o755)
    bindir = os.path.join(d, "bin")
    os.makedirs(bindir, 0o755)
    cli = os.path.join(bindir, "scimlet")
    shutil.copy2(CLI, cli)
    shutil.copy2(FCGI, os.path.join(bindir, "scimlet.fcgi"))
    db = os.path.join(d, "db")
    base = "http://127.0.0.1:%d" % port
    name = "apache-" + handler
    console_files(d)
    args = [cli, "setup-htaccess", docroot, "--db", db, "--url", base, "--console"]
    p = subprocess.run(args + (["--cgi"] if handler == "cgi" else []),
                       capture_output=True, text=True, timeout=30)
    t.eq(p.returncode, 0, name + ": scimlet setup-htaccess", p.stderr)
    t.ok("Tenant URL: %s/scim/v2\n" % base in p.stdout,
         name + ": setup-htaccess prints the Tenant URL", p.stdout)
    with open(os.path.join(docroot, "scim", "v2")) as f:
        wr = f.read()
    with open(os.path.join(docroot, ".htaccess")) as f:
        ht = f.read()
    want = "cgi-script" if handler == "cgi" else "fcgid-script"
    t.ok(ht.count("[H=%s,END]" % want) == 2 and ht.count("-script,END]") == 2,
         name + ": the .htaccess hands both wrappers (SCIM, console) to " + want, ht)
    t.ok("\nexec %s/scimlet.fcgi\n" % bindir in wr and "\nSCIMLET_DB=%s\n" % db in wr,
         name + ": the wrapper runs the worker beside the CLI on the database", wr)
    steps = [x.split() for x in p.stdout.splitlines() if x.startswith("  " + cli + " ")]
    t.eq([x[1:] for x in steps], [["--db", db, "tenant", "add", "TENANT"],
                                  ["--db", db, "token", "issue", "TENANT"]],
         name + ": setup-htaccess prints the next steps", p.stdout)
    if p.returncode != 0 or len(steps) != 2:
        return None
    subprocess.run([x.replace("TENANT", "acme") for x in steps[0]], check=True,
                   capture_output=True, timeout=30)
    token = subprocess.run([x.replace("TENANT", "acme") for x in steps[1]], check=True,
                           capture_output=True, text=True, timeout=30).stdout.strip()
    uid, gid = pwd.getpwnam("www-data").pw_uid, grp.getgrnam("www-data").gr_gid
    for root, dirs, files in os.walk(db):
        os.chown(root, uid, gid)
        for f in files:
            os.chown(os.path.join(root, f), uid, gid)
    return token


def apache(handler):
    d = tempfile.mkdtemp(prefix="scimlet-apache.", dir="/tmp")  # www-data enters
    proc = None
    try:
        port = free_port()
        docroot = os.path.join(d, "docroot")
        with open(os.path.join(SRCDIR, "www", "htaccess.sample")) as f:
            ht = f.read()
        token = setup_htaccess(handler, d, docroot, port)
        if token is None:
            return
        conf = os.path.join(d, "httpd.conf")
        mods = ["mpm_event", "authz_core", "rewrite", "mime", "env", "setenvif",
                "fcgid" if handler == "fcgid" else "cgid"]
        with open(conf, "w") as f:
            f.write("ServerRoot %s\nListen 127.0.0.1:%d\nServerName 127.0.0.1\n"
                    "PidFile %s/httpd.pid\nErrorLog %s/error.log\nLogLevel warn\n"
                    "User www-data\nGroup www-data\n" % (d, port, d, d))
            for m in mods:
                f.write("LoadModule %s_module %s/mod_%s.so\n" % (m, MODS, m))
            f.write("TypesConfig /etc/mime.types\nDocumentRoot %s\n"
                    "<Directory %s>\n AllowOverride FileInfo AuthConfig "
                    "Options=ExecCGI,SymLinksIfOwnerMatch\n Require all granted\n"
                    "</Directory>\n" % (docroot, docroot))
            if handler == "fcgid":
                f.write("FcgidIPCDir %s/fcgid\nFcgidProcessTableFile %s/fcgid_shm\n"
                        "FcgidMaxRequestLen 2097152\n" % (d, d))
            else:
                f.write("ScriptSock %s/cgid.sock\n" % d)
        proc = subprocess.Popen(["apache2", "-f", conf, "-DFOREGROUND"],
                                stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not wait_port(port, proc):
            t.ok(False, "apache %s starts" % handler, proc.stderr.read()[-1500:])
            return
        lifecycle("apache-" + handler, port, token)
        console("apache-" + handler, port, os.path.join(d, "db"))

        def trust():    # the sample's own line, uncommented
            line = [x for x in ht.splitlines() if "SetEnvIf X-Forwarded-Proto" in x]
            with open(os.path.join(docroot, ".htaccess"), "a") as f:
                f.write("\n" + line[0].lstrip("#\t ") + "\n")
        behind_proxy("apache-" + handler, d, port, token, trust)
    finally:
        stop(proc)
        stray(d)
        shutil.rmtree(d, ignore_errors=True)


def nginx():
    d = tempfile.mkdtemp(prefix="scimlet-nginx.", dir="/tmp")  # www-data enters
    ng = sp = None
    try:
        worker, db, token = setup(d)
        cdir = console_files(d)
        sock = os.path.join(d, "scimlet.sock")
        sp = subprocess.Popen(["spawn-fcgi", "-n", "-s", sock, "-M", "0666", "-u",
                               "www-data", "-g", "www-data", "--", "/usr/bin/env",
                               "SCIMLET_DB=" + db, "SCIMLET_CONSOLE=" + cdir, worker],
                              stdin=subprocess.DEVNULL)
        for _ in range(50):
            if os.path.exists(sock):
                break
            time.sleep(0.1)
        with open(os.path.join(SRCDIR, "www", "nginx-spawn-fcgi.conf.sample")) as f:
            loc = f.read().replace("unix:/run/scimlet/scimlet.sock", "unix:" + sock)
        with open(os.path.join(d, "scimlet.conf"), "w") as f:
            f.write(loc)
        shutil.copy("/etc/nginx/fastcgi_params", os.path.join(d, "fastcgi_params"))
        crt, key = certificate(d)
        port, sport = free_port(), free_port()
        servers = (" server {\n  listen 127.0.0.1:%d;\n  include %s/scimlet.conf;\n }\n"
                   " server {\n  listen 127.0.0.1:%d ssl;\n  ssl_certificate %s;\n"
                   "  ssl_certificate_key %s;\n  include %s/scimlet.conf;\n }\n"
                   % (port, d, sport, crt, key, d))
        conf = nginx_conf(d, servers)
        ng = subprocess.Popen(["nginx", "-p", d, "-c", conf],
                              stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not wait_port(port, ng) or not wait_port(sport, ng):
            t.ok(False, "nginx starts", ng.stderr.read()[-1500:])
            return
        lifecycle("nginx", port, token)
        lifecycle("nginx over TLS (HTTPS=on)", sport, token, tls=True)
        console("nginx", port, db)
        console("nginx over TLS", sport, db, tls=True)

        def trust():
            # The sample's commented map and fastcgi_param, uncommented
            # where it says they go; then a reload, as an operator would.
            lines = loc.splitlines()
            i = next(n for n, x in enumerate(lines) if "map $http_x_forwarded_proto" in x)
            block = []
            for x in lines[i:]:
                block.append(x.lstrip("#\t "))
                if x.strip("#\t ") == "}":
                    break
            param = next(x for x in lines if "fastcgi_param HTTPS $scimlet_https" in x)
            with open(os.path.join(d, "scimlet.conf"), "w") as f:
                f.write(loc.replace("\tinclude fastcgi_params;",
                                    param.lstrip("#\t ") + "\n\tinclude fastcgi_params;"))
            nginx_conf(d, " " + "\n ".join(block) + "\n" + servers)
            ng.send_signal(signal.SIGHUP)
            time.sleep(1.5)     # the old workers finish, the new ones start
        behind_proxy("nginx", d, port, token, trust)
    finally:
        stop(ng)
        stop(sp)
        stray(d)
        shutil.rmtree(d, ignore_errors=True)


def lighttpd():
    """lighttpd's mod_extforward, as www/lighttpd.conf.in documents it;
    the console's mount as www/lighttpd-console.conf.in sets it up."""
    d = tempfile.mkdtemp(prefix="scimlet-lighttpd.", dir="/tmp")
    c = Server(console=console_files(d))
    try:
        c.tenant("acme")
        console("lighttpd", c.port, c.db)
    finally:
        c.stop()
        shutil.rmtree(d, ignore_errors=True)
    s = Server()
    try:
        with open(os.path.join(SRCDIR, "www", "lighttpd.conf.in")) as f:
            sample = f.read()
        block = [x[2:] for x in sample.splitlines() if x.startswith("#  ")]
        t.ok(any("mod_extforward" in x for x in block),
             "lighttpd.conf.in documents mod_extforward", block)

        def trust():
            s.stop_lighttpd()
            # The proxy's address is 127.0.0.2 here: the test's client,
            # on 127.0.0.1, is then not a trusted forwarder, as in life.
            s.extra_conf = "\n".join(block).replace("127.0.0.1", "127.0.0.2") + "\n"
            s.start()
            return s.port
        tok = s.tenant("acme")
        behind_proxy("lighttpd", s.dir, s.port, tok, trust)
        if s.extra_conf:
            st, h, j = _req(s.port, "POST", "/scim/v2/Users", {"userName": "direct@l"},
                            token=tok, headers={"X-Forwarded-Proto": "https",
                                                "X-Forwarded-For": "192.0.2.1"})
            t.eq((st, h.get("location", "")[:7]), (201, "http://"),
                 "lighttpd: a client that is not the proxy cannot claim https")
    finally:
        s.stop()


def readme_blocks():
    """Every line of each README block marked <!-- sample: FILE --> is a
    line of FILE (comment marks and runs of blanks aside; @PLACEHOLDERS@
    in FILE match anything): the copy-paste blocks say what the tested
    samples say."""
    import re
    with open(os.path.join(SRCDIR, "README.md")) as f:
        text = f.read()
    blocks = re.findall(r"<!-- sample: (\S+) -->\n```[a-z]*\n(.*?)```", text, re.S)
    t.ok(len(blocks) >= 8, "README has a copy-paste block per server", len(blocks))

    def norm(x):
        return " ".join(x.strip().lstrip("#").split())
    for name, block in blocks:
        with open(os.path.join(SRCDIR, name)) as f:
            raw = f.read().splitlines()
        pats = []
        for x in raw:
            for v in {" ".join(x.split()), norm(x)}:
                pats.append(re.compile("^" + ".*".join(
                    re.escape(y) for y in re.split(r"@[A-Z_]+@", v)) + "$"))
        missing = [x for x in block.splitlines()
                   if x.strip() and not any(p.match(" ".join(x.split())) for p in pats)]
        t.eq(missing, [], "README block from %s matches it" % name)


readme_blocks()
lighttpd()
if can_apache:
    apache("fcgid")
    apache("cgi")
else:
    print("# SKIP apache2 with mod_fcgid is not installed")
if can_nginx:
    nginx()
else:
    print("# SKIP nginx or spawn-fcgi is not installed")
t.done()
