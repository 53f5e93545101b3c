#!/usr/bin/env python3
"""The operator console (www/console) in a real browser: headless Chromium
(Debian's /usr/bin/chromium) driven by puppeteer-core from npm (scripts/test
installs both, puppeteer-core into var/npm), against lighttpd + the worker
+ LMDB started here.  tests/browser/console.mjs does the browsing and
prints TAP; each of its checks is relayed here as one test point.

Skips when node, Chromium or puppeteer-core is missing, unless
SCIMLET_REQUIRE_BROWSER=1 (scripts/test sets it).  With SCIMLET_SCREENSHOTS
set to a directory, the browser run writes a PNG of each page there (the
README's are made so: SCIMLET_SCREENSHOTS=$PWD/doc/screenshots).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import SRCDIR, Server, Tap, URN_GROUP, user

t = Tap()
npm_dir = os.environ.get("SCIMLET_NPM_DIR", os.path.join(SRCDIR, "var", "npm"))
chromium = os.environ.get("SCIMLET_CHROMIUM", "/usr/bin/chromium")
missing = [what for what, there in (
    ("node", shutil.which("node")),
    ("chromium", os.access(chromium, os.X_OK)),
    ("puppeteer-core", os.path.isdir(
        os.path.join(npm_dir, "node_modules", "puppeteer-core"))))
    if not there]
if missing:
    if os.environ.get("SCIMLET_REQUIRE_BROWSER") == "1":
        t.ok(False, "node, chromium and puppeteer-core are installed",
             "missing: " + ", ".join(missing))
        t.done()
    print("1..0 # SKIP missing %s (scripts/test installs them)"
          % ", ".join(missing))
    sys.exit(0)

s = Server(console=True)
acme = s.tenant("acme")
s.tenant("globex")
gtok = s.token("globex")
# Some users and groups, one of them named with markup: the console must
# show it as text (the users page will; nothing here runs it either way).
xss = '<img src=x onerror="window.xss=1"><script>window.xss=2</script>'
ids = []
for name in ("ada@acme.example", "grace@acme.example", xss):
    r = s.req("POST", "/Users", user(name), token=acme)
    t.status(r, 201, "fixture: user %s" % name[:20])
    ids.append((r.json or {}).get("id"))
r = s.req("POST", "/Groups", {"schemas": [URN_GROUP], "displayName": "Staff",
                              "members": [{"value": ids[0]}]}, token=acme)
t.status(r, 201, "fixture: a group")
r = s.req("POST", "/Users", user("hal@globex.example"), token=gtok)
t.status(r, 201, "fixture: a user of globex")

# A token label with markup, shown on the Tokens page.
xss_label = '<img src=x onerror="window.xss=3"><b>bold</b>'
s.cli("token", "issue", "acme", "--label", xss_label)

# What the overview should show: the CLI's counts.
expect = {}
for line in s.cli("tenant", "list", "--json").stdout.splitlines():
    name = json.loads(line)["name"]
    show = json.loads(s.cli("tenant", "show", name, "--json").stdout)
    expect[name] = {"users": show["users"], "groups": show["groups"]}


def credential(*args):
    out = s.cli("admin", "issue", *args).stdout
    m = re.search(r"scimadm_\S+", out)
    return m.group(0) if m else out.strip()


env = dict(os.environ,
           SCIMLET_ADMIN_URL=s.admin_base,
           SCIMLET_TENANT_URL=s.base,
           SCIMLET_OPERATOR=credential("--operator", "--label", "e2e operator"),
           SCIMLET_TENANT_ADMIN=credential("--tenant", "acme", "--label",
                                           "acme IT"),
           SCIMLET_TENANT="acme", SCIMLET_OTHER_TENANT="globex",
           SCIMLET_XSS_LABEL=xss_label,
           SCIMLET_EXPECT=json.dumps(expect), SCIMLET_DB=s.db,
           SCIMLET_CLI=os.environ.get("SCIMLET_CLI", os.path.join(
               SRCDIR, "src", "scimlet")),
           SCIMLET_NPM_DIR=npm_dir, SCIMLET_CHROMIUM=chromium)

# Chromium's profile: fresh, and the mark of its processes, so that none
# outlives the run, whatever happens to node.
profile = tempfile.mkdtemp(prefix="scimlet-chromium.")
env["SCIMLET_CHROMIUM_PROFILE"] = profile


def stop_chromium():
    for pid in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if profile.encode() in f.read():
                    os.kill(int(pid), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    shutil.rmtree(profile, ignore_errors=True)


# Relay the browser run's TAP, test point by test point.
start = time.time()
proc = subprocess.Popen(["node", os.path.join(SRCDIR, "tests", "browser",
                                              "console.mjs")],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        text=True, env=env, start_new_session=True)
point = re.compile(r"^(not )?ok \d+ - (.*?)(?: # TODO (.*))?$")
plan = None
try:
    out, err = proc.communicate(timeout=120)
except subprocess.TimeoutExpired:
    os.killpg(proc.pid, signal.SIGKILL)
    out, err = proc.communicate()
    err += "\n(killed after 120 s)"
finally:
    stop_chromium()
for line in out.splitlines():
    m = point.match(line)
    if m:
        t.ok(not m.group(1), "browser: " + m.group(2), todo=m.group(3))
    elif line.startswith("#"):
        print(line)
    elif re.match(r"^1\.\.\d+$", line):
        plan = int(line[3:])
t.ok(proc.returncode == 0 and plan is not None,
     "the browser run completed (%.1f s)" % (time.time() - start),
     "exit %s, plan %s\n%s" % (proc.returncode, plan, err[-3000:]))
t.done()
