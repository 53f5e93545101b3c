"""Running one of the console's browser scripts (tests/browser/*.mjs) for
an e2e test: headless Chromium (Debian's /usr/bin/chromium) driven by
puppeteer-core from npm (scripts/test installs both, puppeteer-core into
var/npm).  need() skips the test when one is missing, unless
SCIMLET_REQUIRE_BROWSER=1 (scripts/test sets it); run() runs the script
and relays its TAP, check by check, as test points of the caller's."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import SRCDIR

NPM_DIR = os.environ.get("SCIMLET_NPM_DIR", os.path.join(SRCDIR, "var", "npm"))
CHROMIUM = os.environ.get("SCIMLET_CHROMIUM", "/usr/bin/chromium")


def need(t):
    missing = [what for what, there in (
        ("node", shutil.which("node")),
        ("chromium", os.access(CHROMIUM, os.X_OK)),
        ("puppeteer-core", os.path.isdir(
            os.path.join(NPM_DIR, "node_modules", "puppeteer-core"))))
        if not there]
    if not missing:
        return
    if os.environ.get("SCIMLET_REQUIRE_BROWSER") == "1":
        t.ok(False, "node, chromium and puppeteer-core are installed",
             "missing: " + ", ".join(missing))
        t.done()
    print("1..0 # SKIP missing %s (scripts/test installs them)"
          % ", ".join(missing))
    sys.exit(0)


def run(t, script, env, timeout=120):
    """Run tests/browser/SCRIPT with env added to the environment; each of
    its checks becomes a test point of t, then one for the run itself."""
    env = dict(os.environ, **env)
    env.setdefault("SCIMLET_CLI", os.path.join(SRCDIR, "src", "scimlet"))
    env.update(SCIMLET_NPM_DIR=NPM_DIR, SCIMLET_CHROMIUM=CHROMIUM)
    # Chromium's profile: fresh, and the mark of its processes, so that
    # none outlives the run, whatever happens to node.
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

    start = time.time()
    proc = subprocess.Popen(["node", os.path.join(SRCDIR, "tests", "browser",
                                                  script)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, start_new_session=True)
    point = re.compile(r"^(not )?ok \d+ - (.*?)(?: # TODO (.*))?$")
    plan = None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        err += "\n(killed after %d s)" % timeout
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
