#!/usr/bin/env python3
"""The operator console's pages over the activity log, cycles, users and
groups, roles, audit, restore and breaker (www/console/{cycles,users,
roles,deprov}.js) in a real browser, against lighttpd + the worker + LMDB
started here.  tests/browser/pages.mjs plays part of an Entra sequence
over SCIM itself (creates, a PATCH, a taken userName's 409, a
deactivation and delete), watches the pages show it (live, without a
reload), changes a role mapping and restores a user from the pages, and
checks each against the CLI; each of its checks is a test point here
(tests/e2e/browser_run.py).  With SCIMLET_SCREENSHOTS set to a directory
it writes a PNG of each page there.
"""
import re

import browser_run
from harness import Server, Tap, user

t = Tap()
browser_run.need(t)

s = Server(console=True)
s.cli("tenant", "add", "acme")
entra = s.cli("token", "issue", "acme", "--label", "Entra ID").stdout.strip()
gtok = s.tenant("globex")
r = s.req("POST", "/Users", user("hal@globex.example"), token=gtok)
t.status(r, 201, "fixture: a user of globex (a cycle of its own)")
s.cli("role", "map", "acme", "Admin", "admin")


def credential(*args):
    out = s.cli("admin", "issue", *args).stdout
    m = re.search(r"scimadm_\S+", out)
    return m.group(0) if m else out.strip()


browser_run.run(t, "pages.mjs", dict(
    SCIMLET_ADMIN_URL=s.admin_base, SCIMLET_TENANT_URL=s.base,
    SCIMLET_SCIM_TOKEN=entra,
    SCIMLET_OPERATOR=credential("--operator", "--label", "e2e operator"),
    SCIMLET_TENANT_ADMIN=credential("--tenant", "acme", "--label", "acme IT"),
    SCIMLET_TENANT="acme", SCIMLET_OTHER_TENANT="globex", SCIMLET_DB=s.db))
t.done()
