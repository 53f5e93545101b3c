#!/usr/bin/env python3
"""The binary tarball (scripts/package) as a user on a shared host gets
it: unpacked into an empty directory, the CLI and the worker run from
there with LD_LIBRARY_PATH emptied, the worker as plain CGI through the
wrapper sample the package filled in, for a user's whole lifecycle.

Isolation: ldd of the unpacked worker lists only the C library, the
loader and the vDSO, so nothing of the project (LMDB, cJSON, libfcgi,
libsodium) is loaded from the system; the programs run with an empty
LD_LIBRARY_PATH and a minimal environment.  The system's shared copies
stay installed: hiding them would need root (a chroot or bind mounts).

Needs a build configured with --enable-static-deps (scripts/test makes
one); skipped otherwise."""
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

from harness import SRCDIR, URN_USER, Tap, cgi_response

if os.environ.get("SCIMLET_STATIC_DEPS") != "yes":
    print("1..0 # SKIP not configured with --enable-static-deps "
          "(scripts/test builds and tests the package)")
    sys.exit(0)

BUILD = os.environ["SCIMLET_BUILDDIR"]
DELIVER = os.environ.get("SCIMLET_DELIVER", "yes")
# Only what the programs are allowed to load: the C library (glibc's
# libc, and libm or libpthread where the linker keeps them), the loader,
# the vDSO.
ALLOWED = re.compile(r"^(linux-vdso\.so\.1|linux-gate\.so\.1|"
                     r"lib(c|m|pthread|dl|rt)\.so\.\d|"
                     r"(/\S*/)?ld-linux[-\w.]*\.so\.\d)$")

t = Tap()
d = tempfile.mkdtemp(prefix="scimlet-pkg.")
out, home = os.path.join(d, "out"), os.path.join(d, "home")
os.mkdir(home)
# A minimal environment: no LD_LIBRARY_PATH, no LD_PRELOAD, nothing else.
ENV = {"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": ""}


def ldd_names(path):
    p = subprocess.run(["ldd", path], capture_output=True, text=True, env=ENV)
    return [line.split()[0] for line in p.stdout.splitlines() if line.strip()]


def cli(*args):
    return subprocess.run([os.path.join(home, "scimlet", "bin", "scimlet"),
                           "--db", os.path.join(home, "scimlet", "db")] +
                          list(args), capture_output=True, text=True,
                          env=ENV, cwd=home, timeout=30)


def cgi(prog, method, path, body=None, query="", token=None, extra=None):
    data = json.dumps(body).encode() if body is not None else b""
    e = dict(ENV, GATEWAY_INTERFACE="CGI/1.1", SERVER_PROTOCOL="HTTP/1.1",
             REQUEST_METHOD=method, SCRIPT_NAME="/scim/v2", PATH_INFO=path,
             QUERY_STRING=query, SERVER_NAME="host.example", SERVER_PORT="443",
             HTTPS="on", HTTP_HOST="host.example")
    if data:
        e["CONTENT_LENGTH"] = str(len(data))
        e["CONTENT_TYPE"] = "application/scim+json"
    if token:
        e["HTTP_AUTHORIZATION"] = "Bearer " + token
    e.update(extra or {})
    p = subprocess.run([prog], input=data, env=e, capture_output=True,
                       cwd=home, timeout=30)
    return cgi_response(p.stdout), p.returncode, p.stderr.decode()


try:
    p = subprocess.run([os.path.join(SRCDIR, "scripts", "package"), "--out",
                        out, BUILD], capture_output=True, text=True, timeout=300)
    t.eq(p.returncode, 0, "scripts/package succeeds", p.stderr)
    tgz = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
    t.ok(re.fullmatch(r"scimlet-[0-9][0-9A-Za-z.]*-linux-%s\.tar\.gz"
                      % re.escape(platform.machine()),
                      os.path.basename(tgz)), "named scimlet-VERSION-linux-ARCH",
         tgz)
    with tarfile.open(tgz) as tf:
        names = tf.getnames()
        t.ok(all(n == "scimlet" or n.startswith("scimlet/") for n in names),
             "one top directory, scimlet/", names)
        tf.extractall(home)
    for f in ("README", "BUILD-INFO", "bin/scimlet", "bin/scimlet.fcgi",
              "share/man/man1/scimlet.1", "share/man/man8/scimlet.fcgi.8",
              "share/doc/README.md", "share/www/htaccess.sample",
              "share/www/scimlet-wrapper.fcgi.sample",
              "share/www/lighttpd.conf.sample", "share/www/lighttpd-console.conf.sample"):
        t.ok(os.path.isfile(os.path.join(home, "scimlet", f)), "holds " + f)
    pc = os.path.join(home, "scimlet", "share", "console")
    t.eq(sorted(os.listdir(pc)) if os.path.isdir(pc) else [],
         sorted(os.listdir(os.path.join(SRCDIR, "www", "console"))),
         "holds the console's files, all of www/console")
    www = os.path.join(home, "scimlet", "share", "www")
    left = [f for f in os.listdir(www)
            if re.search(r"@[A-Z_]+@|/usr/local/|/var/lib/scimlet|/path/to/",
                         open(os.path.join(www, f)).read())]
    t.eq(left, [], "no placeholder or foreign example path left in the samples")
    wrapper = os.path.join(www, "scimlet-wrapper.fcgi.sample")
    t.ok("/home/USER/scimlet/bin/scimlet.fcgi" in open(wrapper).read(),
         "the wrapper runs the unpacked worker of a home /home/USER")

    worker = os.path.join(home, "scimlet", "bin", "scimlet.fcgi")
    libs = ldd_names(worker)
    t.ok(libs and all(ALLOWED.match(n) for n in libs),
         "ldd scimlet.fcgi: the C library and the loader only", libs)
    libs = ldd_names(os.path.join(home, "scimlet", "bin", "scimlet"))
    if DELIVER == "no":
        t.ok(libs and all(ALLOWED.match(n) for n in libs),
             "ldd scimlet (no deliver): the C library and the loader only", libs)

    # The README's one step: the real home in place of /home/USER.
    subprocess.run(["sed", "-i", "s|/home/USER|%s|g" % home] +
                   [os.path.join(www, f) for f in os.listdir(www)], check=True)

    p = cli("init")
    t.eq(p.returncode, 0, "unpacked CLI: init", p.stderr)
    p = cli("tenant", "add", "acme")
    t.eq(p.returncode, 0, "unpacked CLI: tenant add", p.stderr)
    p = cli("token", "issue", "acme")
    tok = p.stdout.strip()
    t.ok(p.returncode == 0 and tok, "unpacked CLI: token issue", p.stderr)
    if DELIVER == "no":
        secret = os.path.join(home, "secret")
        with open(secret, "w") as f:
            f.write("s" * 32 + "\n")
        os.chmod(secret, 0o600)
        p = cli("deliver", "acme", "--url", "http://127.0.0.1:9/",
                "--secret-file", secret, "--once")
        t.ok(p.returncode != 0 and "--disable-deliver" in p.stderr,
             "deliver says this build has none", p.stderr)

    # The worker alone, as the README shows it from a shell.
    r, rc, err = cgi(worker, "GET", "/ServiceProviderConfig", token=tok,
                     extra={"SCIMLET_DB": os.path.join(home, "scimlet", "db")})
    t.eq((r.status, rc), (200, 0), "worker as CGI: ServiceProviderConfig", err)

    # A user's lifecycle through the filled-in wrapper (it sets SCIMLET_DB
    # and execs the worker), as Apache mod_cgi would run it.
    r, rc, err = cgi(wrapper, "POST", "/Users", {
        "schemas": [URN_USER], "userName": "pkg@example.com",
        "name": {"givenName": "P", "familyName": "K"}, "active": True},
        token=tok)
    t.status(r, 201, "CGI POST /Users: 201")
    uid = (r.json or {}).get("id", "")
    t.eq(r.header("Location"), "https://host.example/scim/v2/Users/" + uid,
         "Location from the CGI variables", err)
    r, rc, _ = cgi(wrapper, "GET", "/Users/" + uid, token=tok)
    t.eq((r.status, (r.json or {}).get("userName")), (200, "pkg@example.com"),
         "CGI GET by id")
    r, rc, _ = cgi(wrapper, "GET", "/Users",
                   query="filter=userName+eq+%22pkg@example.com%22", token=tok)
    t.eq((r.status, (r.json or {}).get("totalResults")), (200, 1),
         "CGI filter on userName")
    r, rc, _ = cgi(wrapper, "PATCH", "/Users/" + uid, {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": False}]},
        token=tok)
    t.eq((r.status, (r.json or {}).get("active")), (200, False),
         "CGI PATCH active false")
    r, rc, _ = cgi(wrapper, "DELETE", "/Users/" + uid, token=tok)
    t.eq((r.status, rc), (204, 0), "CGI DELETE: 204")
    r, rc, _ = cgi(wrapper, "GET", "/Users/" + uid, token=tok)
    t.status(r, 404, "CGI GET after DELETE: 404")
    r, rc, _ = cgi(wrapper, "GET", "/Users", token="wrong")
    t.status(r, 401, "CGI wrong token: 401")

    # The console, set up from the package by setup-htaccess --console.
    docroot = os.path.join(home, "public_html")
    os.mkdir(docroot)
    p = subprocess.run([os.path.join(home, "scimlet", "bin", "scimlet"), "setup-htaccess",
                        docroot, "--db", os.path.join(home, "scimlet", "db"), "--console"],
                       capture_output=True, text=True, env=ENV, cwd=home, timeout=30)
    cw = os.path.join(docroot, "scimlet", "admin")
    t.ok(p.returncode == 0 and "SCIMLET_CONSOLE=%s/scimlet/share/console\n" % home in
         open(cw).read(), "setup-htaccess --console finds the package's console files",
         p.stderr)
    r, rc, _ = cgi(cw, "GET", "/", extra={"SCRIPT_NAME": "/scimlet/admin"})
    t.ok(r.status == 200 and r.header("Content-Type").startswith("text/html") and
         "console/app.js" in r.text, "the console's page from the unpacked package, as CGI",
         (r.status, r.text[:300]))
finally:
    shutil.rmtree(d, ignore_errors=True)
t.done()
