#!/usr/bin/env python3
"""The operator CLI as scripts use it (issue 13): --version, per-command
help, usage errors that name the bad argument, results on stdout and
diagnostics on stderr with exit 0/1/2, audit list --limit/--action, and
changes --since TIME / --tenant."""
import json
import os
import re
import subprocess

from harness import CLI, SRCDIR, Server, Tap

t = Tap()
s = Server()
tok = s.tenant("acme")


def run(*args, db=True):
    return subprocess.run([CLI] + (["--db", s.db] if db else []) + list(args),
                          capture_output=True, text=True, timeout=30)


def res(p):
    return (p.returncode, p.stdout, p.stderr)


with open(os.path.join(SRCDIR, "configure.ac")) as f:
    version = re.search(r"AC_INIT\(\[[^]]*\],\s*\[([^]]*)\]", f.read()).group(1)
t.eq(res(run("--version", db=False)), (0, "scimlet %s\n" % version, ""),
     "--version: the package version on stdout, exit 0")

full = run("--help", db=False)
t.ok(full.returncode == 0 and full.stderr == "" and full.stdout.startswith("usage: ")
     and "scimlet --version" in full.stdout, "--help: the full usage on stdout, exit 0",
     res(full))
for cmd in ("init", "tenant", "token", "role", "user", "schema", "audit", "restore",
            "changes", "backup"):
    lines = [l[6:].strip() for l in full.stdout.splitlines()
             if l[6:].strip().startswith("scimlet [--db DIR] %s " % cmd)
             or l[6:].strip() == "scimlet [--db DIR] %s" % cmd]
    want = "".join(("usage: " if i == 0 else "       ") + l + "\n"
                   for i, l in enumerate(lines))
    t.ok(len(lines) > 0, "%s has usage lines in the full usage" % cmd)
    t.eq(res(run(cmd, "--help", db=False)), (0, want, ""),
         "%s --help: only its usage, on stdout, exit 0" % cmd)
    if cmd == "init":
        continue
    p = run(cmd, *(("acme", "bogus-word") if cmd == "restore" else ("bogus-word", "x", "y")))
    t.eq((p.returncode, p.stdout, p.stderr.split("\n", 1)[1] if "\n" in p.stderr else ""),
         (2, "", want), "%s: a usage error prints its usage alone on stderr, exit 2" % cmd,
         p.stderr)
t.eq(res(run("role", "mapp", "acme", "x")),
     (2, "", "scimlet: role: unknown word 'mapp'\n" +
      run("role", "--help").stdout), "role mapp: names the unknown word")
t.eq(run("role", "map", "acme", "x").stderr.splitlines()[0],
     "scimlet: role: map: missing argument", "role map with too few words says so")
t.eq(run("token", "list", "acme", "extra").stderr.splitlines()[0],
     "scimlet: token: unexpected argument 'extra'", "an extra word is named")
t.eq(run("audit", "list", "acme", "--frobnicate", "1").stderr.splitlines()[0],
     "scimlet: audit: unknown option '--frobnicate'", "an unknown option is named")
t.eq(run("audit", "list", "acme", "--limit", "0").stderr.splitlines()[0],
     "scimlet: audit: --limit: '0' is not a number from 1 to 1000000000",
     "a bad option value is named")
t.eq(run("restore", "acme", "abc").stderr.splitlines()[0],
     "scimlet: restore: 'abc' is not a sequence number", "restore: a bad SEQ is named")
t.eq(res(run("restore", "acme", "999")), (1, "", "scimlet: restore: acme has no audit entry "
     "999\nscimlet: nothing restored\n"), "restore of an entry that is not there: named, exit 1")
t.eq(run("audit", "prune", "acme", "--before", "soon").stderr.splitlines()[0],
     "scimlet: audit: --before: 'soon' is not a time (RFC 3339)", "audit prune: a bad TIME")
t.eq(run("audit", "prune", "acme").stderr.splitlines()[0],
     "scimlet: audit: prune: missing --before TIME", "audit prune: --before missing")
t.eq(res(run("nosuch", db=False))[:2], (2, ""), "an unknown command: exit 2")
t.eq(run("nosuch", db=False).stderr.splitlines()[0], "scimlet: unknown command 'nosuch'",
     "and it is named")
t.eq(res(run("tenant", "list")), (0, "acme\n", ""), "a result: stdout only, exit 0")
t.eq(res(run("token", "list", "nope")), (1, "", "scimlet: no tenant nope\n"),
     "a failure: stderr only, exit 1")

# --- audit list --limit N is the newest N; --action is checked and globbed.
for i in range(5):
    uid = s.req("POST", "/Users", {"userName": "u%d@x" % i}, token=tok).json["id"]
    s.req("DELETE", "/Users/" + uid, token=tok)
s.cli("tenant", "set", "acme", "max-results=50")
entries = [json.loads(l) for l in s.cli("audit", "export", "acme").stdout.splitlines()]
deleted = [e["seq"] for e in entries if e["action"] == "user.deleted"]
p = run("audit", "list", "acme", "--action", "user.deleted", "--limit", "2")
t.eq((p.returncode, [int(l.split("\t")[0]) for l in p.stdout.splitlines()], p.stderr),
     (0, deleted[-2:], ""), "audit list --limit 2: the newest two, oldest of them first")
p = run("audit", "list", "acme", "--limit", "1")
t.eq([int(l.split("\t")[0]) for l in p.stdout.splitlines()], [entries[-1]["seq"]],
     "audit list --limit 1: the last entry")
ops = [e["seq"] for e in entries if e["action"].startswith("operator.")]
p = run("audit", "list", "acme", "--action", "operator.*")
t.eq((p.returncode, [int(l.split("\t")[0]) for l in p.stdout.splitlines()]), (0, ops),
     "audit list --action 'operator.*': every operator entry, and only those")
t.eq(res(run("audit", "list", "acme", "--action", "user.delted"))[:2], (2, ""),
     "audit list: an unknown action is a usage error")
t.eq(run("audit", "list", "acme", "--action", "user.delted").stderr.splitlines()[0],
     "scimlet: audit: --action: unknown action 'user.delted'", "and it is named")
t.eq(res(run("audit", "list", "acme", "--action", "nothing.*"))[0], 2,
     "a pattern that matches no action is an error too")

# Every action the sources record is accepted by --action and documented.
names = set()
for d in ("src", os.path.join("src", "cli")):
    for fn in os.listdir(os.path.join(SRCDIR, d)):
        if fn.endswith(".c"):
            with open(os.path.join(SRCDIR, d, fn)) as f:
                for call in re.findall(r"(?:audit_record(?:_res)?|cli_audit_op)\((.*?)\);",
                                       f.read(), re.S):
                    names.update(re.findall(r'"((?:user|group|member|role|operator)'
                                            r'\.[a-z.]+)"', call))
with open(os.path.join(SRCDIR, "README.md")) as f:
    readme = f.read()
with open(os.path.join(SRCDIR, "src", "scimlet.1")) as f:
    man = f.read()
t.ok(len(names) >= 15, "the sources' action names are found", sorted(names))
for a in sorted(names):
    t.ok(run("audit", "list", "acme", "--action", a).returncode == 0 and
         "`%s`" % a in readme and a in man,
         "action %s: known to --action, in README.md and scimlet.1" % a)

# --- audit verify and restore: failures on stderr.
t.eq(res(run("audit", "verify", "acme")), (0, "the chain holds\n", ""), "verify: holds")
victim = s.req("POST", "/Users", {"userName": "taken@x"}, token=tok).json["id"]
s.req("DELETE", "/Users/" + victim, token=tok)
seq = json.loads(s.cli("audit", "export", "acme").stdout.splitlines()[-1])["seq"]
p = run("restore", "acme", str(seq), "--dry-run")
t.ok(p.returncode == 0 and "dry run: 1 entry would be restored" in p.stdout
     and p.stderr == "", "restore --dry-run: the report on stdout", res(p))
s.req("POST", "/Users", {"userName": "TAKEN@x"}, token=tok)
p = run("restore", "acme", str(seq))
t.ok(p.returncode == 1 and p.stdout == "" and "taken" in p.stderr
     and p.stderr.endswith("scimlet: nothing restored\n"),
     "a refused restore: its reasons on stderr, nothing on stdout, exit 1", res(p))
s.req("DELETE", "/Users/" + s.req("GET", '/Users?filter=userName+eq+"TAKEN@x"',
                                   token=tok).json["Resources"][0]["id"], token=tok)
p = run("restore", "acme", str(seq))
t.ok(p.returncode == 0 and p.stdout.endswith("1 entry restored\n") and p.stderr == "",
     "a restore: what it restored on stdout, exit 0", res(p))
s.stop_lighttpd()
subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "lmdb_edit.py"),
                s.db, "acme", "2", "replace", '"tenant":"acme"', '"tenant":"acmX"'],
               check=True, timeout=30)
p = run("audit", "verify", "acme")
t.eq((p.returncode, p.stdout), (1, ""), "a broken chain: exit 1, nothing on stdout")
t.ok(p.stderr.startswith("scimlet: audit verify: broken at entry 2: "),
     "and the break on stderr", p.stderr)
subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "lmdb_edit.py"),
                s.db, "acme", "2", "replace", '"tenant":"acmX"', '"tenant":"acme"'],
               check=True, timeout=30)

# --- changes --since TIME and --tenant
s.cli("tenant", "add", "other")
feed = [json.loads(l) for l in s.cli("changes", "--since", "1").stdout.splitlines()]
cut = feed[len(feed) // 2]["time"]
want = [c["seq"] for c in feed if c["time"] >= cut]
p = run("changes", "--since", cut)
t.eq((p.returncode, [json.loads(l)["seq"] for l in p.stdout.splitlines()], p.stderr),
     (0, want, ""), "changes --since TIME: the records from that time on")
p = run("changes", "--tenant", "acme", "--since", "2999-01-01T00:00:00Z")
t.eq(res(p), (0, "", ""), "changes --since a future time: none")
t.eq(res(run("changes", "--tenant", "nope", "--since", "1")),
     (1, "", "scimlet: no tenant nope\n"), "changes --tenant UNKNOWN: exit 1, named")
t.eq(res(run("changes", "--tenant", "other", "--since", "1")), (0, "", ""),
     "changes --tenant of a tenant without changes: nothing, exit 0")
t.eq(run("changes", "--since", "yesterday").stderr.splitlines()[0],
     "scimlet: changes: --since: 'yesterday' is neither a time (RFC 3339) nor a "
     "sequence number", "changes --since: a bad value is named")
s.stop()
t.done()
