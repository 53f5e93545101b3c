#!/usr/bin/env python3
"""Replay recorded client conversations (tests/replay/*.json) against a
real lighttpd + scimlet.fcgi on a fresh LMDB, and compare the final state.

Each scenario gets its own fresh tenant on one server (tests/e2e/harness.py).
Every check of every step is one TAP point named after the scenario and the
step; after the steps, the tenant's final state (users, groups, managers,
members, application roles, role mappings) is read back through GET and
the CLI and compared with the scenario's "expect_state".

    tests/replay/replay.py                  # every scenario, TAP
    tests/replay/replay.py entra            # one scenario (name or file)
    tests/replay/replay.py --summary        # failures and the score line only

The score line (also printed as a TAP comment) reads
`replay: N/M steps passed ...`.  The scenario format is described in
tests/replay/README.md.  Python standard library only.
"""
import argparse
import ast
import copy
import glob
import json
import os
import re
import sys
import uuid

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
import harness  # noqa: E402  (tests/e2e/harness.py)

SCIMLET_EXT = "urn:scimlet:schemas:extension:2.0:User"
ENT_EXT = harness.URN_ENT


class ScenarioError(Exception):
    """The scenario file itself is wrong (not the server)."""


# --------------------------------------------------------------------------
# Load-time expansion: {"$repeat": ..., "items": [...]} inside any list,
# and {{expr[:format]}} over the loop variables in every string.

_TEMPLATE = re.compile(r"\{\{([^{}]*)\}\}")
_ARITH = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult,
          ast.FloorDiv, ast.Mod, ast.USub, ast.Constant, ast.Name, ast.Load)


def _eval_loop(text, env):
    """Value of a loop expression such as `i`, `(g-1)*10+j:02d`, or None
    when it names anything that is not a loop variable."""
    expr, _, fmt = text.partition(":")
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, _ARITH):
            return None
        if isinstance(node, ast.Name) and node.id not in env:
            return None
        if isinstance(node, ast.Constant) and not isinstance(node.value, int):
            return None
    value = eval(compile(tree, "<loop>", "eval"), {"__builtins__": {}}, dict(env))
    return format(value, fmt)


def _subst_loop(s, env):
    """Replace every innermost {{...}} that the loop variables answer,
    repeatedly, so `{{u{{i:02d}}}}` becomes `{{u07}}` for the run."""
    while True:
        def one(m):
            v = _eval_loop(m.group(1), env)
            return m.group(0) if v is None else v
        out = _TEMPLATE.sub(one, s)
        if out == s:
            return out
        s = out


def _repeat_values(spec):
    if isinstance(spec, int):
        spec = {"count": spec}
    if not isinstance(spec, dict):
        raise ScenarioError("$repeat takes a count or an object: %r" % (spec,))
    var = spec.get("as", "i")
    if "values" in spec:
        return var, list(spec["values"])
    start = spec.get("from", 1)
    if "count" in spec:
        return var, list(range(start, start + spec["count"]))
    if "to" in spec:
        return var, list(range(start, spec["to"] + 1))
    raise ScenarioError("$repeat needs count, to or values: %r" % (spec,))


def expand(node, env=None):
    """Expand $repeat elements of lists and loop templates in strings."""
    env = env or {}
    if isinstance(node, str):
        return _subst_loop(node, env) if env else node
    if isinstance(node, list):
        out = []
        for el in node:
            if isinstance(el, dict) and "$repeat" in el:
                var, values = _repeat_values(el["$repeat"])
                if "items" not in el or not isinstance(el["items"], list):
                    raise ScenarioError("$repeat needs a list \"items\"")
                for v in values:
                    out.extend(expand(el["items"], dict(env, **{var: v})))
            else:
                out.append(expand(el, env))
        return out
    if isinstance(node, dict):
        return {expand(k, env): expand(v, env) for k, v in node.items()}
    return node


# --------------------------------------------------------------------------
# Run-time substitution: captures and built-ins.

class Undefined(Exception):
    pass


def subst(node, ctx):
    """{{name}} from the captures and built-ins ($uuid, $token, $tenant,
    $base).  A string that is only one {{name}} takes the value itself,
    whatever its JSON type."""
    if isinstance(node, str):
        m = re.fullmatch(r"\{\{([^{}]*)\}\}", node)
        if m:
            return copy.deepcopy(ctx.lookup(m.group(1).strip()))

        def one(m):
            v = ctx.lookup(m.group(1).strip())
            return v if isinstance(v, str) else json.dumps(v)
        return _TEMPLATE.sub(one, node)
    if isinstance(node, list):
        return [subst(x, ctx) for x in node]
    if isinstance(node, dict):
        return {subst(k, ctx): subst(v, ctx) for k, v in node.items()}
    return node


# --------------------------------------------------------------------------
# JSON pointers (RFC 6901); a string without a leading "/" is dotted.

_MISSING = object()


def pointer_parts(path):
    if isinstance(path, list):
        return [str(p) for p in path]
    if path == "":
        return []
    if path.startswith("/"):
        return [p.replace("~1", "/").replace("~0", "~")
                for p in path[1:].split("/")]
    return path.split(".")


def resolve(doc, path):
    cur = doc
    for part in pointer_parts(path):
        if isinstance(cur, dict):
            if part not in cur:
                return _MISSING
            cur = cur[part]
        elif isinstance(cur, list):
            if not part.isdigit() or int(part) >= len(cur):
                return _MISSING
            cur = cur[int(part)]
        else:
            return _MISSING
    return cur


def set_pointer(doc, path, value):
    parts = pointer_parts(path)
    if not parts:
        return value
    cur = doc
    for part in parts[:-1]:
        cur = cur[int(part)] if isinstance(cur, list) else cur.setdefault(part, {})
    last = parts[-1]
    if isinstance(cur, list):
        if last == "-":
            cur.append(value)
        else:
            cur[int(last)] = value
    else:
        cur[last] = value
    return doc


def remove_pointer(doc, path):
    parts = pointer_parts(path)
    parent = resolve(doc, parts[:-1])
    if isinstance(parent, dict):
        parent.pop(parts[-1], None)
    elif isinstance(parent, list) and parts[-1].isdigit() and int(parts[-1]) < len(parent):
        del parent[int(parts[-1])]


# --------------------------------------------------------------------------
# Matching: objects as subsets, lists as unordered multisets of the same
# length (each expected element matches a different actual one), scalars
# exactly (true is not 1).  A one-key object whose key is one of MATCHERS
# is a matcher.

MATCHERS = {"$type", "$re", "$contains", "$ordered", "$len", "$exact", "$ne",
            "$absent", "$present", "$all", "$media", "$eq_body", "$one_of"}
JSON_TYPES = {"string": str, "boolean": bool, "array": list, "object": dict,
              "null": type(None)}


def is_matcher(x):
    return isinstance(x, dict) and len(x) == 1 and next(iter(x)) in MATCHERS


def _jtype(v):
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    for name, t in JSON_TYPES.items():
        if isinstance(v, t):
            return name
    return "?"


def _short(v, n=300):
    s = json.dumps(v, sort_keys=True) if v is not _MISSING else "(absent)"
    return s if len(s) <= n else s[:n] + "..."


def match(exp, got, where="", body=None):
    """List of mismatch descriptions ([] when got matches exp)."""
    if is_matcher(exp):
        return _match_op(next(iter(exp)), next(iter(exp.values())), got, where, body)
    if got is _MISSING:
        return ["%s: absent, want %s" % (where or "/", _short(exp))]
    if isinstance(exp, dict):
        if not isinstance(got, dict):
            return ["%s: got %s, want an object" % (where or "/", _short(got))]
        errs = []
        for k, v in exp.items():
            sub = where + "/" + k
            if is_matcher(v) and next(iter(v)) == "$absent":
                if k in got:
                    errs.append("%s: present (%s), want absent" % (sub, _short(got[k])))
                continue
            errs.extend(match(v, got.get(k, _MISSING), sub, body))
        return errs
    if isinstance(exp, list):
        if not isinstance(got, list):
            return ["%s: got %s, want a list" % (where or "/", _short(got))]
        errs = _match_multiset(exp, got, where, body)
        if len(got) != len(exp):
            errs.insert(0, "%s: %d elements, want %d" % (where or "/", len(got), len(exp)))
            if len(errs) == 1:
                errs.append("%s: got %s" % (where or "/", _short(got, 800)))
        return errs
    if _jtype(exp) != _jtype(got) or exp != got:
        return ["%s: got %s, want %s" % (where or "/", _short(got), _short(exp))]
    return []


def _match_multiset(exp, got, where, body):
    """Each expected element matched to a different actual element
    (maximum bipartite matching)."""
    ok = [[not match(e, g, "", body) for g in got] for e in exp]
    owner = [-1] * len(got)

    def augment(i, seen):
        for j in range(len(got)):
            if ok[i][j] and not seen[j]:
                seen[j] = True
                if owner[j] == -1 or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    missing = [e for i, e in enumerate(exp) if not augment(i, [False] * len(got))]
    if not missing:
        return []
    errs = ["%s: no element matches %s" % (where or "/", _short(e)) for e in missing[:5]]
    errs.append("%s: got %s" % (where or "/", _short(got, 800)))
    return errs


def _describe(m):
    """Short text for a header expectation, to name its TAP point."""
    if is_matcher(m):
        op, arg = next(iter(m.items()))
        if op in ("$all", "$one_of"):
            return (" and " if op == "$all" else " or ").join(_describe(x) for x in arg)
        if op in ("$absent", "$present"):
            return op[1:]
        if op == "$eq_body":
            return "= body " + arg
        return "%s %s" % (op[1:], _short(arg, 60))
    return "= " + _short(m, 60)


def _media_ok(want, got):
    if not isinstance(got, str):
        return False
    parts = [p.strip().lower() for p in got.split(";")]
    if parts[0] != want.lower():
        return False
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip() == "charset" and v.strip().strip('"') not in ("utf-8", "utf8"):
            return False
    return True


def _match_op(op, arg, got, where, body):
    w = where or "/"
    if op == "$absent":
        return [] if got is _MISSING else ["%s: present (%s), want absent" % (w, _short(got))]
    if op == "$present":
        return ["%s: absent, want present" % w] if got is _MISSING else []
    if op == "$ne":
        return ["%s: got %s, want anything else" % (w, _short(got))] \
            if got is not _MISSING and _jtype(got) == _jtype(arg) and got == arg else []
    if op == "$all":
        errs = []
        for m in arg:
            errs.extend(match(m, got, where, body))
        return errs
    if op == "$one_of":
        return [] if any(not match(m, got, where, body) for m in arg) else [
            "%s: got %s, want one of %s" % (w, _short(got), _short(arg))]
    if got is _MISSING:
        return ["%s: absent, want %s" % (w, _short({op: arg}))]
    if op == "$type":
        return [] if _jtype(got) == arg else ["%s: %s is a %s, want a %s" % (
            w, _short(got), _jtype(got), arg)]
    if op == "$re":
        return [] if isinstance(got, str) and re.fullmatch(arg, got) else [
            "%s: %s does not match /%s/" % (w, _short(got), arg)]
    if op == "$exact":
        return [] if _jtype(got) == _jtype(arg) and got == arg else [
            "%s: got %s, want exactly %s" % (w, _short(got, 600), _short(arg, 600))]
    if op == "$len":
        return [] if isinstance(got, (list, dict, str)) and len(got) == arg else [
            "%s: length %s, want %d" % (w, len(got) if hasattr(got, "__len__") else "-", arg)]
    if op == "$contains":
        if not isinstance(got, list):
            return ["%s: got %s, want a list" % (w, _short(got))]
        return _match_multiset(arg, got, where, body)
    if op == "$ordered":
        if not isinstance(got, list) or len(got) != len(arg):
            return ["%s: got %s, want %d elements in order" % (w, _short(got, 600), len(arg))]
        errs = []
        for k, (e, g) in enumerate(zip(arg, got)):
            errs.extend(match(e, g, "%s/%d" % (where, k), body))
        return errs
    if op == "$media":
        return [] if _media_ok(arg, got) else ["%s: %s is not %s" % (w, _short(got), arg)]
    if op == "$eq_body":
        want = resolve(body, arg) if body is not None else _MISSING
        if want is _MISSING:
            return ["%s: the body has no %s to compare with" % (w, arg)]
        return [] if got == want else ["%s: %s, but the body's %s is %s" % (
            w, _short(got), arg, _short(want))]
    raise ScenarioError("unknown matcher " + op)


# --------------------------------------------------------------------------
# TAP with TODO points for known failures.

Tap = harness.Tap


class Quiet(Tap):
    """--summary: only failing points, without TAP numbering."""

    def ok(self, cond, name, diag=None, todo=None):
        self.n += 1
        if not cond:
            if not todo:
                self.failed += 1
            print("%s: %s" % ("KNOWN FAILURE" if todo else "FAIL", name))
            if diag is not None:
                for line in str(diag).splitlines()[:40]:
                    print("    " + line)
        return bool(cond)


# --------------------------------------------------------------------------

class Context:
    def __init__(self, server, tenant, token):
        self.server = server
        self.tenant = tenant
        self.token = token
        self.vars = {}

    def lookup(self, name):
        if name == "$uuid":
            return str(uuid.uuid4())
        if name == "$token":
            return self.token
        if name == "$tenant":
            return self.tenant
        if name == "$base":
            return self.server.base
        if name in self.vars:
            return self.vars[name]
        raise Undefined(name)

    def annotate(self, text):
        """Name the captured ids in a diagnostic: `ID` -> `ID={{u11}}`."""
        for name, v in self.vars.items():
            if isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9._~-]{8,}", v):
                text = text.replace(v, "%s={{%s}}" % (v, name))
        return text


class Scenario:
    def __init__(self, path):
        self.path = path
        with open(path) as f:
            try:
                raw = json.load(f)
            except ValueError as e:
                raise ScenarioError("%s: %s" % (path, e))
        self.name = raw.get("name") or os.path.splitext(os.path.basename(path))[0]
        self.tenant = raw.get("tenant", self.name)
        self.setup = expand(raw.get("setup", []))
        self.defaults = raw.get("request_defaults", {})
        self.profiles = raw.get("header_profiles", {})
        self.steps = expand(raw.get("steps", []))
        self.state = expand(raw.get("expect_state"))
        if self.state is None:
            raise ScenarioError("%s: no expect_state" % path)
        for k, st in enumerate(self.steps):
            if "request" not in st or "expect" not in st or "status" not in st["expect"]:
                raise ScenarioError("%s: step %d (%s) needs request and expect.status"
                                    % (path, k + 1, st.get("name")))


class Player:
    def __init__(self, tap, server):
        self.t = tap
        self.server = server
        self.results = []   # (scenario, steps passed, steps, known, state passed, state)
        self.stale = 0      # known failures that pass now

    # ---- one step -------------------------------------------------------

    def _header_expectations(self, sc, spec):
        """[(header, matcher)] from profile names and objects."""
        if spec is None:
            return []
        if not isinstance(spec, list):
            spec = [spec]
        out = []
        for item in spec:
            if isinstance(item, str):
                if item not in sc.profiles:
                    raise ScenarioError("no header profile %r" % item)
                out.extend(self._header_expectations(sc, sc.profiles[item]))
            else:
                out.extend(item.items())
        return out

    def _request(self, sc, ctx, req):
        req = subst(req, ctx)
        headers = dict(subst(sc.defaults.get("headers", {}), ctx))
        headers.setdefault("Authorization", "Bearer " + ctx.token)
        data = None
        if "body" in req:
            body = req["body"]
            for ptr in req.get("body_remove", []):
                remove_pointer(body, ptr)
            for ptr, val in req.get("body_set", {}).items():
                body = set_pointer(body, ptr, val)
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", sc.defaults.get(
                "content_type", "application/scim+json"))
        elif "raw" in req:
            data = req["raw"].encode()
        for k, v in req.get("headers", {}).items():
            # an explicit null removes a default header
            headers = {h: x for h, x in headers.items() if h.lower() != k.lower()}
            if v is not None:
                headers[k] = v
        return self.server.req(req["method"], req["path"], raw=data, token=None,
                               auth=None, ctype=None, headers=headers), req["path"]

    def step(self, sc, ctx, num, st):
        label = "%s #%03d %s" % (sc.name, num, st.get("name", st["request"].get("path")))
        todo = st.get("known_failure")

        def point(cond, what, diag=None):
            # Only the failing checks of a known failure are TODO; the
            # passing ones are plain passes, and a known failure that
            # passes whole fails, so that its mark is removed.
            self.t.ok(cond, "%s: %s" % (label, what), diag, None if cond else todo)

        good = self._checks(sc, ctx, st, point)
        if todo and good:
            self.stale += 1
            self.t.ok(False, "%s: passes now, remove its known_failure" % label,
                      "known_failure: %s" % todo)
        return good, bool(todo)

    def _checks(self, sc, ctx, st, point):
        failed = []

        def check(cond, what, diag=None):
            if not cond:
                failed.append(what)
            point(cond, what, diag)

        try:
            r, path = self._request(sc, ctx, st["request"])
        except Undefined as e:
            check(False, "request", "undefined variable {{%s}} (an earlier step failed?)" % e)
            return False
        except (OSError, ValueError) as e:
            check(False, "request", "%s %s: %s" % (st["request"].get("method"),
                                                 st["request"].get("path"), e))
            return False
        exp = st["expect"]
        resp_info = "%s %s -> %d %s" % (st["request"]["method"], path, r.status,
                                        r.text[:1500])
        check(r.status == exp["status"], "status %d" % exp["status"],
              "got %d\n%s" % (r.status, resp_info))

        # Captures first: later expectations of this step may use them.
        for name, src in st.get("capture", {}).items():
            if isinstance(src, str) and src.lower().startswith("header:"):
                v = r.header(src[7:])
                v = _MISSING if v is None else v
            else:
                v = resolve(r.json, src) if r.json is not None else _MISSING
            if v is _MISSING:
                check(False, "capture %s from %s" % (name, src), resp_info)
            else:
                ctx.vars[name] = v

        try:
            exp = subst(exp, ctx)
        except Undefined as e:
            check(False, "expectations", "undefined variable {{%s}}" % e)
            return False
        for h, m in self._header_expectations(sc, exp.get("headers")):
            got = r.header(h)
            errs = match(m, _MISSING if got is None else got, h, r.json)
            check(not errs, "header %s %s" % (h, _describe(m)),
                  "\n".join(errs) + "\n" + resp_info)
        if exp.get("empty_body"):
            check(r.body == b"", "empty body", resp_info)
        if "body" in exp:
            if r.json is None:
                check(False, "body", "the body is not JSON\n" + resp_info)
            else:
                errs = match(exp["body"], r.json, "", r.json)
                check(not errs, "body", ctx.annotate("\n".join(errs)) + "\n" + resp_info)
        if exp.get("absent"):
            present = [p for p in exp["absent"]
                       if r.json is not None and resolve(r.json, p) is not _MISSING]
            check(r.json is not None and not present, "absent " + " ".join(exp["absent"]),
                  ("present: %s\n" % ", ".join(present) if present else "")
                  + resp_info)
        return not failed

    # ---- final state ---------------------------------------------------

    def _list_all(self, ctx, what, extra=""):
        out, start = [], 1
        while True:
            r = self.server.req("GET", "/%s?startIndex=%d&count=100%s" % (what, start, extra),
                                token=ctx.token)
            if r.status != 200 or not isinstance(r.json, dict):
                raise RuntimeError("GET /%s: %d %s" % (what, r.status, r.text[:500]))
            page = r.json.get("Resources", [])
            out.extend(page)
            start += len(page)
            if not page or len(out) >= r.json.get("totalResults", 0):
                return out

    def state(self, sc, ctx, expect_state=None):
        """Compare ctx's tenant with sc's expect_state, or with
        expect_state when given (the same form, e.g. extended by a test
        that adds resources of its own: tests/e2e/e2e_preview.py)."""
        exp = subst(sc.state if expect_state is None else expect_state, ctx)
        results = []

        def point(cond, what, diag=None, todo=None):
            results.append(bool(cond))
            self.t.ok(cond, "%s state: %s" % (sc.name, what), diag, None if cond else todo)
            if cond and todo:
                self.stale += 1
                self.t.ok(False, "%s state: %s passes now, remove its known_failure"
                          % (sc.name, what), "known_failure: %s" % todo)

        def exactly(kind, want, have):
            point(want == have, "exactly the %s expected (%d)" % (kind, len(want)),
                  "missing: %s\nunexpected: %s" % (sorted(want - have),
                                                  sorted(have - want)))

        try:
            users = self._list_all(ctx, "Users")
            groups = [self.server.req("GET", "/Groups/" + g["id"], token=ctx.token).json
                      for g in self._list_all(ctx, "Groups", "&excludedAttributes=members")]
            cli_users = {}
            for line in self.server.cli("user", "list", ctx.tenant).stdout.splitlines():
                uid, un, active, roles = line.split("\t")
                cli_users[uid] = (un, active, [] if roles == "-" else roles.split(","))
            role_lines = self.server.cli("role", "list", ctx.tenant).stdout.splitlines()
        except (RuntimeError, OSError, ValueError) as e:
            point(False, "read the final state", str(e))
            return results
        names = {}
        for u in users:
            names[u["id"]] = u.get("userName")
        for g in groups:
            names[g["id"]] = "group:" + str(g.get("displayName"))
        by_un = {}
        for u in users:
            by_un.setdefault(str(u.get("userName")).lower(), []).append(u)
        by_dn = {}
        for g in groups:
            by_dn.setdefault(str(g.get("displayName")).lower(), []).append(g)

        uexp = exp.get("users", {})
        items = uexp.get("items", [])
        if uexp.get("exact"):
            exactly("users", {i["userName"].lower() for i in items}, set(by_un))
        for item in items:
            un = item["userName"]
            found = by_un.get(un.lower(), [])
            errs = []
            if len(found) != 1:
                errs.append("%d users with userName %s" % (len(found), un))
            else:
                u = found[0]
                for key in ("active", "manager", "appRoles"):
                    if key not in item:
                        raise ScenarioError("%s: expected user %s needs %r" % (sc.path, un, key))
                if u.get("userName") != un:
                    errs.append("userName %r, want %r" % (u.get("userName"), un))
                if u.get("active") is not item["active"]:
                    errs.append("active %r, want %r" % (u.get("active"), item["active"]))
                mgr = (u.get(ENT_EXT) or {}).get("manager")
                mgr_name = None if mgr is None else names.get(
                    (mgr or {}).get("value") if isinstance(mgr, dict) else None,
                    "?%s" % _short(mgr))
                if mgr_name != item["manager"]:
                    errs.append("manager %s (%s), want %s" % (mgr_name, _short(mgr),
                                                              item["manager"]))
                roles = sorted((u.get(SCIMLET_EXT) or {}).get("appRoles", []))
                cli = cli_users.get(u["id"])
                if roles != sorted(item["appRoles"]):
                    errs.append("appRoles %s, want %s" % (roles, sorted(item["appRoles"])))
                if cli is None or sorted(cli[2]) != roles or \
                        cli[1] != ("active" if u.get("active") is not False else "inactive"):
                    errs.append("scimlet user list says %s, GET says %s %s" % (
                        cli, u.get("active"), roles))
                if "groups" in item:
                    gs = sorted(names.get(g.get("value"), "?" + str(g.get("value")))
                                for g in u.get("groups", []))
                    if gs != sorted(item["groups"]):
                        errs.append("groups %s, want %s" % (gs, sorted(item["groups"])))
                errs.extend(match(item.get("attributes", {}), u, "", u))
            point(not errs, "user %s" % un, "\n".join(errs), item.get("known_failure"))

        gexp = exp.get("groups", {})
        items = gexp.get("items", [])
        if gexp.get("exact"):
            exactly("groups", {i["displayName"].lower() for i in items}, set(by_dn))
        for item in items:
            dn = item["displayName"]
            found = by_dn.get(dn.lower(), [])
            errs = []
            if len(found) != 1:
                errs.append("%d groups with displayName %s" % (len(found), dn))
            else:
                g = found[0]
                if "members" not in item:
                    raise ScenarioError("%s: expected group %s needs members" % (sc.path, dn))
                if g.get("displayName") != dn:
                    errs.append("displayName %r, want %r" % (g.get("displayName"), dn))
                mem = [names.get(m.get("value"), "?" + str(m.get("value")))
                       for m in g.get("members", [])]
                if sorted(mem) != sorted(item["members"]):
                    errs.append("members %s\nwant    %s\nmissing %s\nextra   %s" % (
                        sorted(mem), sorted(item["members"]),
                        sorted(set(item["members"]) - set(mem)),
                        sorted(set(mem) - set(item["members"]))))
                if len(set(mem)) != len(mem):
                    errs.append("duplicate members: %s" % sorted(mem))
                errs.extend(match(item.get("attributes", {}), g, "", g))
            point(not errs, "group %s (%d members)" % (dn, len(item.get("members", []))),
                  "\n".join(errs), item.get("known_failure"))

        if "role_list" in exp:
            want = sorted(exp["role_list"])
            point(sorted(role_lines) == want, "role mappings (scimlet role list)",
                  "got:  %s\nwant: %s" % (sorted(role_lines), want))
        return results

    # ---- a scenario ----------------------------------------------------

    def play(self, sc, ctx=None, setup=True, state=True):
        """Play sc on a fresh tenant; or, given ctx (a Context), on that
        existing tenant with its token.  setup=False skips the scenario's
        setup commands, state=False the final state (a caller checks it
        its own way).  Returns the Context, with the captures."""
        if ctx is None:
            token = self.server.tenant(sc.tenant)
            ctx = Context(self.server, sc.tenant, token)
        for args in sc.setup if setup else []:
            args = subst(args, ctx)
            p = self.server.cli(*args, check=False)
            self.t.ok(p.returncode == 0, "%s setup: scimlet %s" % (
                sc.name, " ".join(args)), p.stderr)
        passed = known = 0
        for num, st in enumerate(sc.steps, 1):
            good, todo = self.step(sc, ctx, num, st)
            passed += good
            known += todo and not good
        results = self.state(sc, ctx) if state else []
        self.results.append((sc.name, passed, len(sc.steps), known,
                             sum(results), len(results)))
        return ctx

    def score(self):
        sp = sum(r[1] for r in self.results)
        sn = sum(r[2] for r in self.results)
        kn = sum(r[3] for r in self.results)
        tp = sum(r[4] for r in self.results)
        tn = sum(r[5] for r in self.results)
        per = ", ".join("%s %d/%d" % (r[0], r[1], r[2]) for r in self.results)
        line = "replay: %d/%d steps passed (%s)" % (sp, sn, per)
        if kn:
            line += ", %d known failure%s" % (kn, "" if kn == 1 else "s")
        line += "; final state %d/%d checks passed" % (tp, tn)
        if self.stale:
            line += "; %d known_failure mark%s to remove (passing now)" % (
                self.stale, "" if self.stale == 1 else "s")
        return line


def find_scenarios(names):
    if not names:
        return sorted(glob.glob(os.path.join(HERE, "*.json")))
    out = []
    for n in names:
        for cand in (n, os.path.join(HERE, n), os.path.join(HERE, n + ".json")):
            if os.path.isfile(cand):
                out.append(cand)
                break
        else:
            sys.exit("replay: no scenario %s" % n)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario", nargs="*", help="scenario name or file (default: all)")
    ap.add_argument("--summary", action="store_true",
                    help="print only failures and the score line")
    args = ap.parse_args()
    paths = find_scenarios(args.scenario)
    try:
        scenarios = [Scenario(p) for p in paths]
    except ScenarioError as e:
        sys.exit("replay: %s" % e)
    t = Quiet() if args.summary else Tap()
    server = harness.Server()
    player = Player(t, server)
    try:
        for sc in scenarios:
            player.play(sc)
    except ScenarioError as e:
        t.ok(False, "scenario file", str(e))
    server.stop()
    line = player.score()
    if args.summary:
        print(line)
        sys.exit(1 if t.failed or harness._sanitizer_reports else 0)
    print("# " + line)
    t.done()


if __name__ == "__main__":
    main()
