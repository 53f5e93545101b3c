#!/usr/bin/env python3
"""`make install` like a system package (issue: appliances and shared
hosting): the programs, the man pages, the README, the web-server samples
with this installation's paths filled in (no @PLACEHOLDER@ and no example
path left), a systemd unit for the spawn-fcgi worker and one for push
delivery, a tmpfiles.d entry; the paths in them are the configured
directories and name files the install put there; `make uninstall`
removes every file it put.  Reads the staged install the Makefile made
(tests/install, DESTDIR)."""
import os
import re

from harness import SRCDIR, Tap

t = Tap()
STAGE = os.environ["SCIMLET_INSTALL_STAGE"]
ROOT = os.path.join(STAGE, "installed")
D = {k: os.environ["SCIMLET_" + k] for k in (
    "PREFIX", "BINDIR", "LIBEXECDIR", "STATEDIR", "RUNSTATEDIR", "SYSCONFDIR",
    "UNITDIR", "TMPFILESDIR", "DATADIR", "DOCDIR")}


def staged(path):
    return os.path.join(ROOT, path.lstrip("/"))


def read(path):
    with open(staged(path)) as f:
        return f.read()


want = [D["BINDIR"] + "/scimlet", D["LIBEXECDIR"] + "/scimlet.fcgi",
        D["DOCDIR"] + "/README.md",
        D["UNITDIR"] + "/scimlet.service", D["UNITDIR"] + "/scimlet-deliver@.service",
        D["TMPFILESDIR"] + "/scimlet.conf"] + [
        D["DATADIR"] + "/www/" + n for n in (
            "lighttpd.conf.sample", "lighttpd-console.conf.sample", "htaccess.sample",
            "scimlet-wrapper.fcgi.sample",
            "nginx-spawn-fcgi.conf.sample", "apache-mod_proxy_fcgi.conf.sample")]
for p in want:
    t.ok(os.path.isfile(staged(p)), "installed: " + p)
t.ok(os.access(staged(D["LIBEXECDIR"] + "/scimlet.fcgi"), os.X_OK), "the worker is executable")
# The console: every file of www/console, and nothing else.
src_console = sorted(os.listdir(os.path.join(SRCDIR, "www", "console")))
got = sorted(os.listdir(staged(D["DATADIR"] + "/console"))) \
    if os.path.isdir(staged(D["DATADIR"] + "/console")) else []
t.eq(got, src_console, "installed: the console's files, all of www/console")

# The samples and units (the README keeps its examples as examples).
texts = [p for p in want if not p.startswith((D["BINDIR"], D["LIBEXECDIR"], D["DOCDIR"]))]
state = D["STATEDIR"] + "/lib/scimlet"
for p in texts:
    if not os.path.isfile(staged(p)):
        continue
    s = read(p)
    t.eq(re.findall(r"@[A-Z_]+@", s), [], p + ": no placeholder left")
    left = [x for x in ("/home/USER", "/path/to", "~/scimlet", "@@") if x in s]
    t.eq(left, [], p + ": no example path left")

unit = read(D["UNITDIR"] + "/scimlet.service") if os.path.isfile(
    staged(D["UNITDIR"] + "/scimlet.service")) else ""
t.ok("-- %s/scimlet.fcgi" % D["LIBEXECDIR"] in unit, "scimlet.service runs the installed worker",
     unit[-600:])
t.ok("Environment=SCIMLET_DB=%s/db" % state in unit and "ReadWritePaths=%s/db" % state in unit,
     "scimlet.service: the database under localstatedir", unit[-600:])
t.ok("-s %s/scimlet/scimlet.sock" % D["RUNSTATEDIR"] in unit, "its socket under runstatedir")
dl = read(D["UNITDIR"] + "/scimlet-deliver@.service") if os.path.isfile(
    staged(D["UNITDIR"] + "/scimlet-deliver@.service")) else ""
t.ok("ExecStart=%s/scimlet deliver %%i" % D["BINDIR"] in dl and
     "--secret-file %s/scimlet/deliver.secret" % D["SYSCONFDIR"] in dl and
     "Environment=SCIMLET_DB=%s/db" % state in dl, "scimlet-deliver@.service: installed paths", dl)
tmp = read(D["TMPFILESDIR"] + "/scimlet.conf") if os.path.isfile(
    staged(D["TMPFILESDIR"] + "/scimlet.conf")) else ""
t.ok(re.search(r"^d %s 0700 scimlet scimlet -$" % re.escape(state), tmp, re.M) is not None and
     re.search(r"^d %s/scimlet 0755 scimlet scimlet -$" % re.escape(D["RUNSTATEDIR"]), tmp,
               re.M) is not None, "tmpfiles.d: the database's and the socket's directories", tmp)
conf = read(D["DATADIR"] + "/www/lighttpd.conf.sample")
t.ok('"bin-path"        => "%s/scimlet.fcgi"' % D["LIBEXECDIR"] in conf and
     '"SCIMLET_DB"           => "%s/db"' % state in conf, "lighttpd sample: installed paths",
     conf[-800:])
wrap = read(D["DATADIR"] + "/www/scimlet-wrapper.fcgi.sample")
t.ok("exec %s/scimlet.fcgi" % D["LIBEXECDIR"] in wrap and "SCIMLET_DB=%s/db" % state in wrap,
     "the .htaccess wrapper runs the worker install put (not ~/scimlet/bin)", wrap[-400:])
# Every absolute path a filled sample names under the prefix is one the
# install made (or the database and run directories, made at run time).
named = set()
for p in texts:
    if os.path.isfile(staged(p)):
        named |= set(re.findall(r"%s/[A-Za-z0-9_./@-]+" % re.escape(D["PREFIX"]), read(p)))
missing = sorted(x for x in named if not x.startswith((state, D["RUNSTATEDIR"],
                                                       D["SYSCONFDIR"], D["STATEDIR"] + "/www"))
                 and not os.path.exists(staged(x.rstrip(".,"))))
t.eq(missing, [], "each installed file the samples name exists")

with open(os.path.join(STAGE, "left.txt")) as f:
    left = [l.strip() for l in f if l.strip()]
t.eq(left, [], "make uninstall removes every file make install put")
t.done()
