#!/usr/bin/env python3
"""The operator console (www/console) in a real browser: headless Chromium
(Debian's /usr/bin/chromium) driven by puppeteer-core from npm (scripts/test
installs both, puppeteer-core into var/npm), against lighttpd + the worker
+ LMDB started here: sign-in, the overview, Connect, Tokens, sign-out.
tests/browser/console.mjs does the browsing and prints TAP; each of its
checks is relayed here as one test point (tests/e2e/browser_run.py).
The other pages are e2e_console_pages.py's.

Skips when node, Chromium or puppeteer-core is missing, unless
SCIMLET_REQUIRE_BROWSER=1 (scripts/test sets it).  With SCIMLET_SCREENSHOTS
set to a directory, the browser run writes a PNG of each page there (the
README's are made so: SCIMLET_SCREENSHOTS=$PWD/doc/screenshots).
"""
import json
import re

import browser_run
from harness import Server, Tap, URN_GROUP, user

t = Tap()
browser_run.need(t)

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


env = dict(SCIMLET_ADMIN_URL=s.admin_base,
           SCIMLET_TENANT_URL=s.base,
           SCIMLET_OPERATOR=credential("--operator", "--label", "e2e operator"),
           SCIMLET_TENANT_ADMIN=credential("--tenant", "acme", "--label",
                                           "acme IT"),
           SCIMLET_TENANT="acme", SCIMLET_OTHER_TENANT="globex",
           SCIMLET_XSS_LABEL=xss_label,
           SCIMLET_EXPECT=json.dumps(expect), SCIMLET_DB=s.db)
browser_run.run(t, "console.mjs", env)
t.done()
