#!/usr/bin/env python3
"""README.md "Deploy", "lighttpd + mod_fastcgi", run as written.

The blocks under that heading (the fastcgi.server block, the tmpfiles.d
line and the command that creates the socket's directory) are taken from
README.md verbatim.  Only what a test must change is changed, by a plain
replacement of the README's own paths:

  /srv/scimlet/db                  -> a fresh database in a temporary dir
  /run/scimlet                     -> a socket directory in it
  /usr/local/libexec/scimlet.fcgi  -> this build's worker (SCIMLET_FCGI)
  /etc/tmpfiles.d/scimlet.conf     -> the tmpfiles.d file, in it too
  www-data (as owner)              -> the user and group running the test

and a minimal lighttpd.conf adds what the block leaves to the host's
configuration: port (free, on 127.0.0.1), document root, error log.
Without the socket directory lighttpd must fail (what the README warns
of); with it made as the README says, SCIM requests go through.
"""
import grp
import http.client
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time

from harness import FCGI, SRCDIR, Tap, URN_LIST, URN_USER, free_port, run_cli, worker_pids

t = Tap()
with open(os.path.join(SRCDIR, "README.md")) as f:
    readme = f.read()
m = re.search(r"^### lighttpd \+ mod_fastcgi\n(.*?)^#", readme, re.S | re.M)
section = m.group(1) if m else ""
t.ok(m, "README has the lighttpd + mod_fastcgi section")


def block(marker):
    b = re.search(r"<!-- %s -->\n```[a-z]*\n(.*?)```" % re.escape(marker),
                  section, re.S)
    t.ok(b, "README lighttpd section has the block <!-- %s -->" % marker)
    return b.group(1) if b else ""


conf_block = block("sample: www/lighttpd.conf.in")
tmpfiles_block = block("tmpfiles.d: lighttpd")
create_block = block("create: lighttpd")

work = tempfile.mkdtemp(prefix="scimlet-e2e-readme.")
db = os.path.join(work, "db")
sockdir = os.path.join(work, "run", "scimlet")
tmpfiles = os.path.join(work, "tmpfiles.d", "scimlet.conf")
user = pwd.getpwuid(os.getuid()).pw_name
group = grp.getgrgid(os.getgid()).gr_name
SUBST = [("/srv/scimlet/db", db), ("/run/scimlet", sockdir),
         ("/usr/local/libexec/scimlet.fcgi", FCGI),
         ("/etc/tmpfiles.d/scimlet.conf", tmpfiles),
         ("www-data www-data", "%s %s" % (user, group)),
         ("-o www-data -g www-data", "-o %s -g %s" % (user, group))]


def subst(text, need):
    for old, new in SUBST:
        if old in need:
            t.ok(old in text, "README block uses %s" % old, text)
        text = text.replace(old, new)
    return text


conf = subst(conf_block, ("/srv/scimlet/db", "/run/scimlet",
                          "/usr/local/libexec/scimlet.fcgi"))
tmpfiles_line = subst(tmpfiles_block, ("/run/scimlet", "www-data www-data"))
create = subst(create_block, ("/etc/tmpfiles.d/scimlet.conf",))

os.makedirs(os.path.join(work, "www"))
os.makedirs(os.path.dirname(tmpfiles))
with open(tmpfiles, "w") as f:
    f.write(tmpfiles_line)
run_cli(db, "init")
run_cli(db, "tenant", "add", "acme")
token = run_cli(db, "token", "issue", "acme").stdout.strip()
port = free_port()
cpath = os.path.join(work, "lighttpd.conf")
with open(cpath, "w") as f:
    f.write('server.document-root = "%s"\n' % os.path.join(work, "www"))
    f.write('server.bind = "127.0.0.1"\nserver.port = %d\n' % port)
    f.write('server.errorlog = "%s"\n' % os.path.join(work, "error.log"))
    f.write(conf)

proc = None


def start():
    """lighttpd -D on the configuration; True once it answers."""
    global proc
    proc = subprocess.Popen(["lighttpd", "-D", "-f", cpath],
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(work, "stderr.log"), "ab"))
    deadline = time.time() + 10
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            import socket
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def stop():
    global proc
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    proc = None
    for pid in worker_pids(db):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def logs():
    text = ""
    for name in ("error.log", "stderr.log"):
        try:
            with open(os.path.join(work, name), errors="replace") as f:
                text += f.read()
        except OSError:
            pass
    return text


def req(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    h = {"Authorization": "Bearer " + token}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/scim+json"
    c.request(method, "/scim/v2" + path, body=data, headers=h)
    r = c.getresponse()
    status, loc, text = r.status, r.getheader("Location"), r.read().decode()
    c.close()
    try:
        j = json.loads(text)
    except ValueError:
        j = None
    return status, loc, j, text


try:
    # As the README warns: no socket directory, no lighttpd.  It may bind
    # its port for a moment before spawning the worker fails: wait for
    # the exit, not for the port.
    start()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        pass
    exited = proc.poll() is not None
    if not exited:
        stop()
    t.ok(exited and "scimlet.sock" in logs(),
         "lighttpd fails without the socket directory", logs())
    stop()

    # The directory, made the way the README says.
    if shutil.which("systemd-tmpfiles"):
        p = subprocess.run(["sh", "-ec", create], capture_output=True,
                           text=True, timeout=30)
        t.eq(p.returncode, 0, "README: the systemd-tmpfiles command runs",
             p.stderr)
    else:
        cmd = re.search(r"`(install -d [^`]*)`", " ".join(section.split()))
        t.ok(cmd, "README names the install -d command")
        p = subprocess.run(["sh", "-ec", subst(cmd.group(1) if cmd else "false",
                                                ())], capture_output=True,
                           text=True, timeout=30)
        t.eq(p.returncode, 0, "README: the install -d command runs", p.stderr)
    st = os.stat(sockdir) if os.path.isdir(sockdir) else None
    t.ok(st and (st.st_mode & 0o7777) == 0o750 and st.st_uid == os.getuid()
         and st.st_gid == os.getgid(),
         "the socket directory exists, mode 0750, the configured owner",
         st and oct(st.st_mode))

    up = start()
    t.ok(up, "lighttpd starts with the README's block", logs())
    if up:
        status, _, j, text = req("GET", "/Users")
        t.ok(status == 200 and j and j.get("schemas") == [URN_LIST]
             and j.get("totalResults") == 0,
             "GET /scim/v2/Users through the README's block", text)
        status, loc, j, text = req("POST", "/Users", {
            "schemas": [URN_USER], "userName": "ada@example.com"})
        base = "http://127.0.0.1:%d/scim/v2/Users/" % port
        t.ok(status == 201 and j and loc == base + j.get("id", ""),
             "POST /scim/v2/Users: 201, Location under the mount", text)
        if j and j.get("id"):
            status, _, j2, text = req("GET", "/Users/" + j["id"])
            t.ok(status == 200 and j2 and j2.get("userName") == "ada@example.com",
                 "the user reads back", text)
        t.ok(os.path.exists(os.path.join(sockdir, "scimlet.sock"))
             or any(x.startswith("scimlet.sock") for x in os.listdir(sockdir)),
             "the socket is in the README's directory", os.listdir(sockdir))
finally:
    stop()
    shutil.rmtree(work, ignore_errors=True)
t.done()
