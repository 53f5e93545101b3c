#!/usr/bin/env python3
"""The worker as plain CGI (Apache mod_cgi, shared hosting): one request
per process, then exit."""
import os
import shutil
import tempfile

from harness import Tap, URN_USER, cgi, run_cli

t = Tap()
d = tempfile.mkdtemp(prefix="scimlet-cgi.")
db = os.path.join(d, "db")
try:
    run_cli(db, "init")
    run_cli(db, "init")         # idempotent
    run_cli(db, "tenant", "add", "shared")
    tok = run_cli(db, "token", "issue", "shared").stdout.strip()

    r, rc, err = cgi(db, "POST", "/Users", {"schemas": [URN_USER], "userName": "cgi@x"},
                     token=tok)
    t.status(r, 201, "CGI POST /Users: 201")
    t.eq(rc, 0, "the process exits 0 after one request")
    uid = (r.json or {}).get("id", "")
    t.eq(r.header("Location"), "https://cgi.example/scim/v2/Users/" + uid,
         "Location from HTTPS, Host and SCRIPT_NAME")
    r, rc, _ = cgi(db, "GET", "/Users/" + uid, token=tok)
    t.eq((r.status, (r.json or {}).get("userName"), rc), (200, "cgi@x", 0), "CGI GET by id")
    r, rc, _ = cgi(db, "GET", "/Users", query="filter=userName+eq+%22CGI@X%22", token=tok)
    t.eq((r.json or {}).get("totalResults"), 1, "CGI filtered list")
    r, rc, _ = cgi(db, "PATCH", "/Users/" + uid, {"Operations": [
        {"op": "Replace", "path": "active", "value": "False"}]}, token=tok)
    t.eq((r.status, (r.json or {}).get("active")), (200, False), "CGI PATCH")
    r, rc, _ = cgi(db, "DELETE", "/Users/" + uid, token=tok)
    t.eq((r.status, rc), (204, 0), "CGI DELETE: 204")
    r, rc, _ = cgi(db, "GET", "/Users/" + uid, token=tok)
    t.error(r, 404, None, "CGI GET after DELETE: 404")
    r, rc, _ = cgi(db, "GET", "/Users", token="wrong")
    t.error(r, 401, None, "CGI bad token: 401")
    t.eq(r.header("WWW-Authenticate"), 'Bearer realm="scimlet"', "CGI 401 challenge")
    r, rc, _ = cgi(db, "GET", "/Users", token=tok, env={"PATH_INFO": "",
                   "REQUEST_URI": "/scim/v2/Users?count=1"})
    t.status(r, 200, "no PATH_INFO: taken from REQUEST_URI minus SCRIPT_NAME")

    r, rc, err = cgi(None, "GET", "/Users", token=tok)
    t.error(r, 500, None, "no SCIMLET_DB: 500 SCIM error")
    t.ok("SCIMLET_DB" in (r.json or {}).get("detail", ""), "the detail names SCIMLET_DB", r.text)
    t.ok("SCIMLET_DB" in err, "and the web server's log says so too", err)
    r, rc, err = cgi(os.path.join(d, "missing"), "GET", "/Users", token=tok)
    t.error(r, 500, None, "SCIMLET_DB without a database: 500")
    t.ok("init" in err, "the log tells the operator to run init", err)
    t.ok(d not in r.text, "the response does not show the path", r.text)
    r, rc, err = cgi(db, "GET", "/Users", token=tok, env={"SCIMLET_MAX_BODY": "lots"})
    t.error(r, 500, None, "bad SCIMLET_MAX_BODY: 500 naming it")
    t.ok("SCIMLET_MAX_BODY" in (r.json or {}).get("detail", ""), "detail names it", r.text)
finally:
    shutil.rmtree(d, ignore_errors=True)
t.done()
