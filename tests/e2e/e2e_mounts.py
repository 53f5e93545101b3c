#!/usr/bin/env python3
"""The mounts README and www/ describe, each with the real server (issue
8): Apache 2.4 + mod_fcgid configured only from www/htaccess.sample,
Apache + mod_cgi, and nginx + spawn-fcgi with www/nginx-spawn-fcgi.conf.sample.
Each plays the Entra Test Connection, a user's lifecycle and a 401 with a
SCIM body, and checks that locations are the URL the client used.  A
server that is not installed is skipped, saying so."""
import grp
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

from harness import FCGI, SRCDIR, Tap, free_port, run_cli, worker_pids

t = Tap()
MODS = "/usr/lib/apache2/modules"
can_apache = (shutil.which("apache2") and os.path.exists(MODS + "/mod_fcgid.so")
              and os.getuid() == 0)
can_nginx = shutil.which("nginx") and shutil.which("spawn-fcgi") and os.getuid() == 0


def req(port, method, path, body=None, token=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    h = {"Authorization": "Bearer " + token} if token else {}
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


def lifecycle(name, port, token):
    base = "http://127.0.0.1:%d/scim/v2" % port
    g = str(uuid.uuid4())
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


def stray(d):
    """Kill workers of this test's database that outlived their server."""
    for pid in worker_pids(os.path.join(d, "db")):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def setup(d):
    """A database and wrapper the web server's user can use."""
    os.chmod(d, 0o755)
    db = os.path.join(d, "db")
    run_cli(db, "init")
    run_cli(db, "tenant", "add", "acme")
    token = run_cli(db, "token", "issue", "acme").stdout.strip()
    uid, gid = pwd.getpwnam("www-data").pw_uid, grp.getgrnam("www-data").gr_gid
    for root, dirs, files in os.walk(db):
        os.chown(root, uid, gid)
        for f in files:
            os.chown(os.path.join(root, f), uid, gid)
    return db, token


def apache(handler):
    d = tempfile.mkdtemp(prefix="scimlet-apache.")
    proc = None
    try:
        db, token = setup(d)
        docroot = os.path.join(d, "docroot")
        os.makedirs(os.path.join(docroot, "scim"))
        for x in (d, docroot, os.path.join(docroot, "scim")):
            os.chmod(x, 0o755)
        with open(os.path.join(SRCDIR, "www", "htaccess.sample")) as f:
            ht = f.read()
        if handler == "cgi":
            ht = ht.replace("[H=fcgid-script,END]", "[H=cgi-script,END]")
        with open(os.path.join(docroot, ".htaccess"), "w") as f:
            f.write(ht)
        with open(os.path.join(SRCDIR, "www", "scimlet-wrapper.fcgi.sample")) as f:
            wr = f.read()
        wr = wr.replace("/home/USER/scimlet/db", db).replace(
            "/home/USER/scimlet/bin/scimlet.fcgi", FCGI)
        wpath = os.path.join(docroot, "scim", "v2")
        with open(wpath, "w") as f:
            f.write(wr)
        os.chmod(wpath, 0o755)
        port = free_port()
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
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        stray(d)
        shutil.rmtree(d, ignore_errors=True)


def nginx():
    d = tempfile.mkdtemp(prefix="scimlet-nginx.")
    ng = sp = None
    try:
        db, token = setup(d)
        sock = os.path.join(d, "scimlet.sock")
        sp = subprocess.Popen(["spawn-fcgi", "-n", "-s", sock, "-M", "0666", "-u",
                               "www-data", "-g", "www-data", "--", "/usr/bin/env",
                               "SCIMLET_DB=" + db, FCGI], stdin=subprocess.DEVNULL)
        for _ in range(50):
            if os.path.exists(sock):
                break
            time.sleep(0.1)
        with open(os.path.join(SRCDIR, "www", "nginx-spawn-fcgi.conf.sample")) as f:
            loc = f.read().replace("unix:/run/scimlet/scimlet.sock", "unix:" + sock)
        with open(os.path.join(d, "scimlet.conf"), "w") as f:
            f.write(loc)
        shutil.copy("/etc/nginx/fastcgi_params", os.path.join(d, "fastcgi_params"))
        port = free_port()
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write("daemon off;\npid %s/nginx.pid;\nerror_log %s/error.log;\n"
                    "events {}\nhttp {\n access_log off;\n"
                    " client_body_temp_path %s/body;\n fastcgi_temp_path %s/fcgi;\n"
                    " proxy_temp_path %s/proxy;\n uwsgi_temp_path %s/uwsgi;\n"
                    " scgi_temp_path %s/scgi;\n server {\n  listen 127.0.0.1:%d;\n"
                    "  include %s/scimlet.conf;\n }\n}\n" % ((d,) * 7 + (port, d)))
        ng = subprocess.Popen(["nginx", "-p", d, "-c", os.path.join(d, "nginx.conf")],
                              stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not wait_port(port, ng):
            t.ok(False, "nginx starts", ng.stderr.read()[-1500:])
            return
        lifecycle("nginx", port, token)
    finally:
        for p in (ng, sp):
            if p is not None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()
        stray(d)
        shutil.rmtree(d, ignore_errors=True)


if not can_apache and not can_nginx:
    print("1..0 # SKIP apache2 (with mod_fcgid) and nginx + spawn-fcgi are not "
          "installed, or not root")
    raise SystemExit(0)
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
