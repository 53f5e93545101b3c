#!/usr/bin/env python3
"""Bad input and forged output: control characters and duplicate keys in
JSON bodies (RFC 8259 §4, §7), malformed PATCH paths and values, empty
complex values (RFC 7643 §2.3.8, §2.4), error details that stay valid
UTF-8, log lines and CLI tables that a value cannot forge."""
import json
import re
from urllib.parse import quote

from harness import Server, Tap, URN_ENT, URN_USER, worker_pids

t = Tap()
s = Server()
tok = s.tenant("acme")
pids = worker_pids(s.db)


def count(flt):
    r = s.req("GET", "/Users?filter=" + flt.replace(" ", "+").replace('"', "%22"),
              token=tok)
    return (r.json or {}).get("totalResults")


def stored(uid):
    return s.req("GET", "/Users/" + uid, token=tok).json or {}


# 1. Raw control characters (U+0000..U+001F) are invalid in a JSON string
# (RFC 8259 §7); only space, tab, LF and CR may stand between tokens (§2).
for raw, what in ((b'{"userName":"victim\x00evil"}', "raw NUL in a string"),
                  (b'{"userName":"victim\x1b[2Jevil"}', "raw ESC in a string"),
                  (b'{"userName":"victim\tevil"}', "raw TAB in a string"),
                  (b'{"userName":"victim\nevil"}', "raw newline in a string"),
                  (b'{"userName":"victim\x7f","title":"\x1f"}', "raw U+001F in a string"),
                  (b'{"userName":"victim"}\x00', "raw NUL after the object"),
                  (b'{\x00"userName":"victim"}', "raw NUL between tokens"),
                  (b'{"userName":\x01"victim"}', "raw U+0001 between tokens"),
                  (b'\x0c{"userName":"victim"}', "form feed before the object")):
    r = s.req("POST", "/Users", raw=raw, token=tok)
    t.error(r, 400, "invalidSyntax", "%s: 400 invalidSyntax" % what)
t.eq(count('userName sw "victim"'), 0, "none of those stored a user")
r = s.req("POST", "/Users", raw=b'{"userName":"ctl\\t\\n\\u001b\\r"}', token=tok)
t.eq((r.status, (r.json or {}).get("userName")), (201, "ctl\t\n\x1b\r"),
     "escaped control characters (\\t \\n \\u001b) are valid JSON: stored", r.text)
r = s.req("POST", "/Users", raw=b' \t\r\n{"userName":"blank"}\r\n\t ', token=tok)
t.status(r, 201, "the four JSON blanks around the object are fine")
uid = s.req("POST", "/Users", {"userName": "patch-ctl"}, token=tok).json["id"]
r = s.req("PATCH", "/Users/" + uid, raw=b'{"Operations":[{"op":"add","path":"title",'
          b'"value":"a\x00b"}]}', token=tok)
t.error(r, 400, "invalidSyntax", "PATCH: raw NUL in a value: 400")
t.ok("title" not in stored(uid), "PATCH with a raw NUL changed nothing")

# 2. Duplicate keys (RFC 8259 §4 "SHOULD be unique"; attribute names are
# case-insensitive, RFC 7643 §2.1): refused in every object, whatever it is.
r = s.req("POST", "/Users", raw=b'{"userName":"dup1","schemas":["%s"],"SCHEMAS":[]}'
          % URN_USER.encode(), token=tok)
t.error(r, 400, "invalidSyntax", "schemas twice (two cases): 400")
t.ok("SCHEMAS" in (r.json or {}).get("detail", ""), "the detail names the key", r.text)
r = s.req("POST", "/Users", raw=b'{"userName":"dup2","emails":[{"value":"a@x",'
          b'"Value":"b@x"}]}', token=tok)
t.error(r, 400, "invalidSyntax", "a sub-attribute twice: 400")
# Two names for one attribute (RFC 7644 §3.10: "URN:attr" is attr) are
# still one attribute given twice, as normalisation finds.
for body, what in (({"userName": "dup3", URN_USER + ":userName": "dup4"},
                    "userName and URN:userName"),
                   ({"userName": "dup5", URN_ENT: {"department": "a"},
                     URN_ENT + ":department": "b"}, "URN {department} and URN:department"),
                   ({"userName": "dup6", "urn:x:ext:2.0:User": {"badge": "a"},
                     "urn:x:ext:2.0:User:Badge": "b"}, "a custom extension's attribute")):
    r = s.req("POST", "/Users", body, token=tok)
    t.error(r, 400, "invalidSyntax", "%s: 400 invalidSyntax" % what)
    t.ok("twice" in (r.json or {}).get("detail", ""), "  the detail says twice", r.text)
t.eq(count('userName sw "dup"'), 0, "no user stored by any")
for ops, what in (
        (b'{"Operations":[{"op":"add","path":"title","value":"a"}],'
         b'"operations":[{"op":"remove","path":"userName"}]}', "Operations twice"),
        (b'{"Operations":[{"op":"add","OP":"remove","path":"title","value":"a"}]}',
         "op twice"),
        (b'{"Operations":[{"op":"add","path":"title","Path":"nickName","value":"a"}]}',
         "path twice"),
        (b'{"Operations":[{"op":"add","path":"title","value":"a","VALUE":"b"}]}',
         "value twice"),
        (b'{"Operations":[{"op":"add","path":"title","value":"a"}],"id":"x","ID":"y"}',
         "id twice")):
    r = s.req("PATCH", "/Users/" + uid, raw=ops, token=tok)
    t.error(r, 400, "invalidSyntax", "PATCH with %s: 400" % what)
t.ok("title" not in stored(uid), "none of those PATCHes applied")
r = s.req("POST", "/Users/.search", raw=b'{"filter":"userName eq \\"patch-ctl\\"",'
          b'"Filter":"userName pr"}', token=tok)
t.error(r, 400, "invalidSyntax", "search with filter twice: 400")
r = s.req("POST", "/Users", raw=b'{"userName":"dupkey","\xc3\xa9\\n%s":1,"\xc3\xa9\\n%s":2}'
          % (b"k" * 300, b"K" * 300), token=tok)
d = (r.json or {}).get("detail", "")
t.error(r, 400, "invalidSyntax", "a long non-ASCII key twice: 400")
t.ok(len(d.encode()) < 200 and "\n" not in d and "\\n" in d,
     "the key in the detail is short and escaped", d)

# 3. PATCH paths and values.
ent = s.req("POST", "/Users", {"schemas": [URN_USER, URN_ENT], "userName": "paths",
                               "emails": [{"type": "work", "value": "p@x"}],
                               URN_ENT: {"manager": {"value": "m1"}}}, token=tok).json
pid = ent["id"]
for path, what in (('emails[type eq "work"].value.x', "a sub-attribute of emails.value"),
                   (URN_ENT + ":manager.value.x", "a sub-attribute of manager.value"),
                   (URN_ENT + ":", "a schema URN with an empty attribute"),
                   (URN_ENT + ":department.x", "a sub-attribute of department"),
                   ('emails[type eq "work"].nosuch', "an unknown sub-attribute")):
    r = s.req("PATCH", "/Users/" + pid, {"Operations": [
        {"op": "add", "path": path, "value": "v"}]}, token=tok)
    t.error(r, 400, "invalidPath", "PATCH path %s (%s): 400 invalidPath" % (path, what))
r = s.req("PATCH", "/Users/" + pid, {"Operations": [
    {"op": "add", "value": {URN_ENT + ":": "v"}}]}, token=tok)
t.error(r, 400, "invalidPath", "path-less key URN: with no attribute: 400 invalidPath")
for op in ("add", "replace", "Add"):
    r = s.req("PATCH", "/Users/" + pid, {"Operations": [{"op": op, "path": "emails"}]},
              token=tok)
    t.error(r, 400, "invalidValue", "%s without a value: 400 invalidValue" % op)
    r = s.req("PATCH", "/Users/" + pid, {"Operations": [{"op": op, "path": URN_ENT +
                                                         ":manager"}]}, token=tok)
    t.error(r, 400, "invalidValue", "%s manager without a value: 400 invalidValue" % op)
j = stored(pid)
t.eq((j.get("emails"), sorted(j.get(URN_ENT, {})),
      j.get(URN_ENT, {}).get("manager", {}).get("value")),
     ([{"type": "work", "value": "p@x"}], ["manager"], "m1"),
     "nothing of those PATCHes stored", j)
r = s.req("PATCH", "/Users/" + pid, {"Operations": [
    {"op": "replace", "path": URN_ENT + ":manager", "value": None}]}, token=tok)
t.ok(r.status == 200 and URN_ENT not in (r.json or {}),
     "replace with an explicit null still clears (Entra)", r.text)

# 4. A complex value with nothing in it (RFC 7643 §2.3.8: a complex
# attribute has sub-attributes; §2.4: an element of a multi-valued one).
for extra, what in (({"emails": {}}, "emails: {}"),
                    ({"emails": [{}]}, "emails: [{}]"),
                    ({"emails": [{"a": 1}]}, "emails: an element of no known sub-attribute"),
                    ({"name": {"a": 1}}, "name: no known sub-attribute"),
                    ({"name": {}}, "name: {}"),
                    ({"phoneNumbers": [{"value": []}]}, "phoneNumbers.value: []"),
                    ({"phoneNumbers": [{"value": ["1"], "type": "work"}]},
                     "phoneNumbers.value: an array"),
                    ({URN_ENT: {"manager": {}}}, "manager: {}")):
    body = {"userName": "empty"}
    body.update(extra)
    r = s.req("POST", "/Users", body, token=tok)
    t.error(r, 400, "invalidValue", "POST %s: 400 invalidValue" % what)
    attr = re.sub(r"[:.].*", "", what)
    t.ok(attr in (r.json or {}).get("detail", ""), "  the detail names %s" % attr, r.text)
r = s.req("POST", "/Users", {"userName": "empty", URN_ENT + ":": {"department": "d"}},
          token=tok)
t.error(r, 400, "invalidValue", "POST with a key URN: and no attribute: 400 invalidValue")
t.eq(count('userName eq "empty"'), 0, "no user stored by any of those")
r = s.req("POST", "/Users", {"userName": "kept", "emails": [{"value": "k@x", "x": 1}],
                             "name": {"givenName": "g", "formatted": None}}, token=tok)
t.eq((r.status, (r.json or {}).get("emails"), (r.json or {}).get("name")),
     (201, [{"value": "k@x"}], {"givenName": "g"}),
     "unknown sub-attributes beside known ones are still dropped", r.text)
for ops, what in (([{"op": "add", "path": "emails", "value": [{}]}], "add emails [{}]"),
                  ([{"op": "add", "path": "emails", "value": {"x": 1}}],
                   "add emails {x: 1}"),
                  ([{"op": "replace", "value": {"name": {"foo": "x"}}}],
                   "path-less replace name {foo}")):
    r = s.req("PATCH", "/Users/" + pid, {"Operations": ops}, token=tok)
    t.error(r, 400, "invalidValue", "PATCH %s: 400 invalidValue" % what)
t.eq(stored(pid).get("emails"), [{"type": "work", "value": "p@x"}],
     "the empty elements were not added")
r = s.req("PUT", "/Users/" + pid, {"userName": "paths", "addresses": [{"bogus": 1}]},
          token=tok)
t.error(r, 400, "invalidValue", "PUT addresses [{bogus}]: 400 invalidValue")

# 5. An error detail that echoes a long multi-byte value is cut on a
# character boundary: the body is valid UTF-8 JSON.
big = "\u20ac" * 1365 + "x"          # 4096 bytes: a userName at the limit
r = s.req("POST", "/Users", {"userName": big}, token=tok)
t.status(r, 201, "a 4 KiB userName of 3-byte characters is stored")
gid = s.req("POST", "/Groups", {"displayName": "utf8"}, token=tok).json["id"]
r = s.req("GET", "/Users/" + quote("\u20ac" * 300), token=tok)
try:
    good = r.status == 404 and "detail" in json.loads(r.body.decode("utf-8", "strict"))
except (UnicodeDecodeError, ValueError):
    good = False
t.ok(good, "an id of 3-byte characters: 404 with a valid UTF-8 JSON body", r.body[-300:])
for path, body, what in (
        ("/Groups", {"displayName": "g", "members": [{"value": big}]},
         "a member id of 3-byte characters"),
        ("/Users", {"userName": "u", "emails": [{"value": big + "\u20ac"}]},
         "an email over 4 KiB"),
        ("/Groups/" + gid, {"Operations": [{"op": "add", "path": "members",
                                             "value": [{"value": big}]}]},
         "a group PATCH echoing it after Operations[0]"),
        ("/Users", {"userName": "u", "\u00e9" * 2000 + "a": 1, "\u00e9" * 2000 + "A": 2},
         "a duplicate key of 2-byte characters")):
    method = "PATCH" if path.startswith("/Groups/") else "POST"
    r = s.req(method, path, body, token=tok)
    try:
        j = json.loads(r.body.decode("utf-8", "strict"))
        good = r.status == 400 and isinstance(j.get("detail"), str)
    except (UnicodeDecodeError, ValueError) as ex:
        good = False
    t.ok(good, "%s: 400 with a valid UTF-8 JSON body" % what, r.body[-300:])

# 6. A log line cannot be forged: log_warnx escapes control characters.
s.cli("tenant", "set", "acme", "unknown-members=skip")
forged = "stale\nscimlet.fcgi: FORGED line\r\x1b[2J\x7f"
r = s.req("POST", "/Groups", {"displayName": "logged", "members": [{"value": forged}]},
          token=tok)
t.status(r, 201, "unknown-members=skip: the unknown member is skipped")
logs = s.logs()
t.ok("skipped member stale\\nscimlet.fcgi: FORGED line\\r\\x1b[2J\\x7f" in logs,
     "the member id is logged with its control characters escaped", logs[-600:])
t.ok(not any(l.startswith("scimlet.fcgi: FORGED") for l in logs.splitlines()),
     "no forged line in the log", logs[-600:])
t.ok("\x1b" not in logs and "\x7f" not in logs and "\r" not in logs,
     "no raw control character in the log")

# 7. CLI tables escape control characters in values: one row per user.
evil = "evil\tcol\nforged\r\x1b[2J\x07\u0085"
r = s.req("POST", "/Users", {"userName": evil, "roles": [{"value": "r\tx"}]}, token=tok)
t.status(r, 201, "a userName with TAB, LF, CR, ESC, BEL, NEL is stored (escaped JSON)")
eid = (r.json or {}).get("id", "")
n_users = s.req("GET", "/Users?count=0", token=tok).json["totalResults"]
out = s.cli("user", "list", "acme").stdout
rows = out.split("\n")[:-1]
t.eq(len(rows), n_users, "user list: one line per user", out[-800:])
t.ok(all(len(l.split("\t")) == 4 for l in rows), "user list: four columns on every line",
     out[-800:])
t.ok("evil\\tcol\\nforged\\r\\x1b[2J\\x07\\u0085" in out, "user list: the userName escaped",
     out[-800:])
t.ok(not re.search("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]", out), "user list: no raw control "
     "character")
s.req("PATCH", "/Users/" + eid, {"Operations": [{"op": "replace", "path": "active",
                                                  "value": False}]}, token=tok)
out = s.cli("audit", "list", "acme").stdout
t.ok(all(len(l.split("\t")) == 6 for l in out.split("\n")[:-1]) and
     "evil\\tcol\\nforged" in out, "audit list: six columns, the name escaped", out[-800:])
t.ok(not re.search("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]", out), "audit list: no raw control "
     "character")
out = s.cli("audit", "export", "acme").stdout
t.ok(all(json.loads(l) for l in out.split("\n")[:-1]) and "\x1b" not in out and
     "\n" + "forged" not in out, "audit export: one JSON entry a line, escaped by cJSON")
out = s.cli("changes", "--since", "1").stdout
t.ok(all(json.loads(l) for l in out.split("\n")[:-1]) and "\x1b" not in out,
     "changes: one JSON entry a line, escaped")
out = s.cli("user", "show", "acme", eid).stdout
t.ok(json.loads(out).get("userName") == evil and
     not re.search("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]", out),
     "user show: the same JSON, C0, DEL and C1 escaped", out[-400:])
t.status(s.req("DELETE", "/Users/" + eid, token=tok), 204, "the evil user deleted")
seq = [l.split("\t")[0] for l in s.cli("audit", "list", "acme").stdout.split("\n")[:-1]
       if "\tuser.deleted\t" in l]
out = s.cli("restore", "acme", seq[-1] if seq else "0", "--dry-run").stdout
t.ok(len(out.split("\n")[:-1]) == 2 and "(evil\\tcol\\nforged\\r\\x1b[2J\\x07\\u0085)" in out
     and not re.search("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]", out),
     "restore --dry-run: the report names the user escaped, on one line", out)
s.cli("role", "map", "acme", "in\tval\nx", "app\x1brole")
out = s.cli("role", "list", "acme").stdout
t.ok("value\tin\\tval\\nx\tapp\\x1brole" in out.split("\n")[:-1], "role list: values escaped",
     out)
r = s.req("POST", "/Users", {"userName": "custom", "urn:x:ext:2.0:User": {
    "badge": "b", "tab\tnl\nesc\x1b": "x"}}, token=tok)
t.error(r, 400, "invalidValue", "an extension attribute whose name has control characters: 400")
t.ok("tab\tnl\nesc\x1b" in (r.json or {}).get("detail", ""), "its detail names it", r.text)
r = s.req("POST", "/Users", {"userName": "custom", "urn:x:ext:2.0:User": {"badge": "b"}},
          token=tok)
out = s.cli("schema", "list", "acme").stdout
t.ok(len(out.split("\n")[:-1]) == 1 and all(len(l.split("\t")) == 5 for l in out.split("\n")[:-1])
     and "urn:x:ext:2.0:User:badge\t" in out and "tab" not in out,
     "schema list: only the valid name declared, five columns", out)

# The same worker answered all of that.
t.status(s.req("GET", "/Users?count=1", token=tok), 200, "the worker still answers")
t.eq(worker_pids(s.db), pids, "no worker died or was replaced")
s.stop()
t.done()
