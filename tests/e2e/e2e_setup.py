#!/usr/bin/env python3
"""`scimlet setup-htaccess DOCROOT` (issue 18) without Apache: the files
it writes (the lines of www/htaccess.sample and
www/scimlet-wrapper.fcgi.sample, with absolute paths), their modes, the
database it makes; the merge into an existing .htaccess (the block at the
top, the rest byte for byte), re-runs that give the same files, and the
refusals (a database inside DOCROOT, an .htaccess it cannot merge, a
symbolic link at a path it writes, a file of someone else's where the
wrapper goes), each of which leaves every file as it was.  e2e_mounts.py
runs Apache on what it writes."""
import os
import shutil
import stat
import subprocess
import tempfile

from harness import CLI, FCGI, SRCDIR, Tap

t = Tap()
ROOT_NOTE = ("scimlet: setup-htaccess: run as root: the database and the wrapper "
             "belong to root; chown them to the user the worker runs as\n")
SELF = os.path.realpath(CLI)
WORKER = os.path.realpath(FCGI)


def run(*args, cli=CLI, umask=None):
    def pre():
        os.umask(umask)
    return subprocess.run([cli, "setup-htaccess"] + list(args), capture_output=True,
                          text=True, timeout=30, preexec_fn=pre if umask is not None else None)


def err(p):
    """stderr less the note every run as root gets."""
    return p.stderr.replace(ROOT_NOTE, "")


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def tree(d):
    """Everything under d: path -> (mode, bytes or link target); for a
    large file, its size and time of change."""
    out = {}
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            p = os.path.join(root, n)
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                out[p] = (st.st_mode, os.readlink(p))
            elif stat.S_ISREG(st.st_mode) and st.st_size <= 65536:
                out[p] = (st.st_mode, read(p, "rb"))
            elif stat.S_ISREG(st.st_mode):     # a database file (sparse, 1 GiB)
                out[p] = (st.st_mode, (st.st_size, st.st_mtime_ns))
            else:
                out[p] = (st.st_mode, None)
    return out


def directives(text):
    """The lines that are not comments or blank."""
    return [x for x in text.splitlines() if x.strip() and not x.lstrip().startswith("#")]


def sample(name):
    return read(os.path.join(SRCDIR, "www", name))


base = tempfile.mkdtemp(prefix="scimlet-setup.")
n = [0]


def fresh():
    """A new directory holding an empty docroot: (dir, docroot, db)."""
    n[0] += 1
    d = os.path.join(base, "case%d" % n[0])
    os.makedirs(os.path.join(d, "www"))
    return d, os.path.join(d, "www"), os.path.join(d, "home", "scimlet", "db")


def refused(name, args, d, want, code=1):
    """The command refuses (code, nothing on stdout, the reason on stderr)
    and every file under d is as it was."""
    before = tree(d)
    p = run(*args)
    t.eq((p.returncode, p.stdout), (code, ""), name + ": refused", p.stderr)
    t.ok(want in p.stderr and p.stderr.startswith("scimlet: setup-htaccess: "),
         name + ": the reason on stderr", p.stderr)
    t.eq(tree(d), before, name + ": nothing changed")


try:
    # --- A fresh docroot.
    d, www, db = fresh()
    p = run(www, "--db", db)
    t.eq((p.returncode, err(p)), (0, ""), "fresh: exit 0, no error", p.stderr)
    ht = read(os.path.join(www, ".htaccess"))
    t.ok(ht.startswith("# BEGIN scimlet\n") and ht.endswith("# END scimlet\n"),
         "fresh: .htaccess is the marked block", ht)
    t.eq(directives(ht), directives(sample("htaccess.sample")),
         "fresh: its directives are those of www/htaccess.sample", ht)
    wpath = os.path.join(www, "scim", "v2")
    wr = read(wpath)
    want = directives(sample("scimlet-wrapper.fcgi.sample").replace(
        "/home/USER/scimlet/db", db).replace("/home/USER/scimlet/bin/scimlet.fcgi", WORKER))
    t.eq(directives(wr), want, "fresh: the wrapper is the sample's with absolute paths "
         "(the worker beside the CLI, the database)", wr)
    t.ok(wr.startswith("#!/bin/sh\n"), "fresh: the wrapper is a sh script")
    modes = [stat.S_IMODE(os.lstat(x).st_mode) for x in
             (os.path.join(www, ".htaccess"), wpath, os.path.join(www, "scim"), db)]
    t.eq(modes, [0o644, 0o755, 0o755, 0o700],
         "fresh: modes .htaccess 0644, wrapper 0755, its directory 0755, database 0700")
    t.eq(sorted(os.listdir(db)), ["activity.mdb", "activity.mdb-lock", "data.mdb", "lock.mdb"],
         "fresh: the database is made as `scimlet init` makes it")
    q = subprocess.run([CLI, "--db", db, "tenant", "list"], capture_output=True, text=True)
    t.eq((q.returncode, q.stdout), (0, ""), "fresh: the CLI opens the database", q.stderr)
    t.eq(sorted(os.listdir(www)) + sorted(os.listdir(os.path.join(www, "scim"))),
         [".htaccess", "scim", "v2"], "fresh: no temporary file left")
    out = p.stdout.splitlines()
    t.ok("Tenant URL: https://YOUR-HOST/scim/v2" in out and
         any("YOUR-HOST" in x and "--url" in x for x in out),
         "output: the Tenant URL, with a hint for the host", p.stdout)
    t.ok("  %s --db %s token issue TENANT" % (SELF, db) in out and
         "  %s --db %s tenant add TENANT" % (SELF, db) in out,
         "output: the tenant and token commands, with this CLI's path", p.stdout)
    first = tree(www)

    # --- Run again: the same files.
    p = run(www, "--db", db)
    t.eq((p.returncode, tree(www) == first), (0, True), "re-run: the same files", p.stderr)
    t.ok("replaced" in p.stdout and "ready" in p.stdout, "re-run: says so", p.stdout)
    p = run(www + "/", "--db", db + "/", umask=0o077)
    t.eq((p.returncode, tree(www) == first), (0, True),
         "re-run under umask 077: the same files and modes", p.stderr)

    # --- Merge into an existing .htaccess: the block at the top, the rest
    # byte for byte (CRLF, UTF-8, no final newline).
    d, www, db = fresh()
    rest = (b"# WordPress \xc3\xa9\r\nRewriteEngine On\r\nRewriteRule ^index\\.php$ - [L]\n"
            b"\nRewriteRule . /index.php [L]")
    write(os.path.join(www, ".htaccess"), rest)
    os.chmod(os.path.join(www, ".htaccess"), 0o600)
    p = run(www, "--db", db, "--url", "https://idp.example.com/")
    got = read(os.path.join(www, ".htaccess"), "rb")
    t.eq(p.returncode, 0, "merge: exit 0", p.stderr)
    t.ok(got.startswith(b"# BEGIN scimlet\n") and
         got.endswith(b"# END scimlet\n\n" + rest), "merge: the block at the top, then a "
         "blank line and the rest byte for byte", got)
    t.eq(stat.S_IMODE(os.stat(os.path.join(www, ".htaccess")).st_mode), 0o644, "merge: 0644")
    t.ok("Tenant URL: https://idp.example.com/scim/v2" in p.stdout.splitlines(),
         "--url: the Tenant URL whole", p.stdout)
    merged = read(os.path.join(www, ".htaccess"), "rb")
    # Lines added by hand after the block, and an edit inside it.
    write(os.path.join(www, ".htaccess"), merged.replace(b"CGIPassAuth On", b"CGIPassAuth Off")
          + b"\nSetEnvIf X-Forwarded-Proto \"^https$\" HTTPS=on\n")
    p = run(www, "--db", db, "--url", "https://idp.example.com")
    t.eq((p.returncode, read(os.path.join(www, ".htaccess"), "rb")),
         (0, merged + b"\nSetEnvIf X-Forwarded-Proto \"^https$\" HTTPS=on\n"),
         "re-run: its own block replaced, the lines added outside it kept", p.stderr)
    p = run(www, "--db", db, "--cgi")
    got = read(os.path.join(www, ".htaccess"), "rb").decode()
    rule = [x for x in directives(got) if x.startswith("RewriteRule ^scim")]
    documented = [x.lstrip("#\t ") for x in sample("htaccess.sample").splitlines()
                  if "H=cgi-script" in x]
    t.ok(p.returncode == 0 and got.count("# BEGIN scimlet") == 1 and len(rule) == 1 and
         rule[0] in documented, "--cgi: the block's rule is the sample's mod_cgi one, "
         "in place of the other", got)
    t.ok(got.endswith("# END scimlet\n\n" + rest.decode() +
                      "\nSetEnvIf X-Forwarded-Proto \"^https$\" HTTPS=on\n"),
         "--cgi: the rest kept", got)

    # A short mount: rules for other paths that start alike are no conflict.
    d, www, db = fresh()
    rest = "RewriteRule ^sitemap\\.xml$ /s.php [L]\nRewriteRule ^s2/(.*)$ /x [L]\n"
    write(os.path.join(www, ".htaccess"), rest)
    p = run(www, "--db", db, "--mount", "/s")
    got = read(os.path.join(www, ".htaccess"))
    t.ok(p.returncode == 0 and got.endswith("# END scimlet\n\n" + rest) and
         "RewriteRule ^s(/.*)?$ - [H=fcgid-script,END]" in got,
         "--mount /s: rules for /sitemap.xml and /s2 are kept", p.stderr + got)

    # --- Another mount; a database path that sh must be given quoted.
    d, www, _ = fresh()
    db = os.path.join(d, "it's my db")
    fake = os.path.join(d, "fake-worker")
    write(fake, "#!/bin/sh\nprintf '%s' \"$SCIMLET_DB\"\n")
    os.chmod(fake, 0o755)
    p = run(www, "--db", db, "--mount", "/api/scim.v2", "--worker", fake)
    got = read(os.path.join(www, ".htaccess"))
    t.eq(p.returncode, 0, "--mount /api/scim.v2: exit 0", p.stderr)
    t.ok("RewriteRule ^api/scim\\.v2(/.*)?$ - [H=fcgid-script,END]" in directives(got),
         "--mount: the rule for that path", got)
    t.ok("Tenant URL: https://YOUR-HOST/api/scim.v2" in p.stdout.splitlines(),
         "--mount: the Tenant URL ends in it", p.stdout)
    q = subprocess.run([os.path.join(www, "api", "scim.v2")], capture_output=True, text=True,
                       env={"PATH": "/usr/bin:/bin"})
    t.eq(q.stdout, db, "--worker: the wrapper runs it, SCIMLET_DB quoted for sh", q.stderr)

    # --- The worker from the CLI's own path: beside it, or ../libexec.
    d, www, db = fresh()
    os.makedirs(os.path.join(d, "bin"))
    os.makedirs(os.path.join(d, "libexec"))
    cli = os.path.join(d, "bin", "scimlet")
    shutil.copy2(CLI, cli)
    before = tree(d)
    p = run(www, "--db", db, cli=cli)
    t.eq((p.returncode, p.stdout), (1, ""), "no worker beside the CLI: refused", p.stderr)
    t.ok("--worker" in p.stderr, "no worker: says to give --worker", p.stderr)
    t.eq(tree(d), before, "no worker: nothing changed")
    shutil.copy2(FCGI, os.path.join(d, "libexec", "scimlet.fcgi"))
    p = run(www, "--db", db, cli=cli)
    t.ok(p.returncode == 0 and "\nexec %s/libexec/scimlet.fcgi\n" % os.path.realpath(d) in
         read(os.path.join(www, "scim", "v2")), "the worker in ../libexec from the CLI",
         p.stderr)
    t.ok("  %s --db %s token issue TENANT" % (os.path.realpath(cli), db) in
         p.stdout.splitlines(), "the token command names the CLI run", p.stdout)

    # --- --console: the console's mount too, in the same block.
    d, www, db = fresh()
    for x in ("bin", "share/console"):
        os.makedirs(os.path.join(d, x))
    cli = os.path.join(d, "bin", "scimlet")
    shutil.copy2(CLI, cli)
    fake = os.path.join(d, "bin", "scimlet.fcgi")
    write(fake, "#!/bin/sh\nprintf '%s|%s|%s' \"$SCIMLET_DB\" \"$SCIMLET_MOUNT\" "
          "\"$SCIMLET_CONSOLE\"\n")
    os.chmod(fake, 0o755)
    before = tree(d)
    p = run(www, "--db", db, "--console", cli=cli)
    t.eq(p.returncode, 1, "--console without the console's files: refused", p.stderr)
    t.ok("console's files" in p.stderr, "it says what is missing", p.stderr)
    t.eq(tree(d), before, "--console without the files: nothing changed")
    write(os.path.join(d, "share", "console", "index.html"), "<!doctype html>\n")
    p = run(www, "--db", db, "--console", "--url", "https://h.example", cli=cli)
    ht = read(os.path.join(www, ".htaccess"))
    t.ok(p.returncode == 0 and "RewriteRule ^scimlet/admin(/.*)?$ - [H=fcgid-script,END]" in
         directives(ht) and "RewriteRule ^scim/v2(/.*)?$ - [H=fcgid-script,END]" in
         directives(ht) and ht.count("# BEGIN scimlet") == 1,
         "--console: both rules in the one block", p.stderr + ht)
    cpath = os.path.join(www, "scimlet", "admin")
    q = subprocess.run([cpath], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    t.eq(q.stdout, "%s|admin|%s" % (db, os.path.realpath(os.path.join(d, "share", "console"))),
         "--console: its wrapper runs the worker as the console's, with its files", q.stderr)
    q = subprocess.run([os.path.join(www, "scim", "v2")], capture_output=True, text=True,
                       env={"PATH": "/usr/bin:/bin"})
    t.eq(q.stdout, db + "||", "--console: the SCIM wrapper is not the console's", q.stderr)
    t.ok("The console: https://h.example/scimlet/admin/ (sign in with a credential from "
         in p.stdout, "--console: says where the console is and how to sign in", p.stdout)
    first = tree(www)
    p = run(www, "--db", db, "--console", "--url", "https://h.example", cli=cli)
    t.ok(p.returncode == 0 and tree(www) == first, "--console twice: the same files",
         p.stderr)
    write(cpath, "#!/bin/sh\necho mine\n")
    p = run(www, "--db", db, "--console", cli=cli)
    t.ok(p.returncode == 1 and "not written by scimlet setup-htaccess" in p.stderr and
         read(cpath) == "#!/bin/sh\necho mine\n",
         "--console: a file of someone else's at its wrapper's path is refused", p.stderr)
    p = run(www, "--db", db, "--console", "--mount", "/scimlet/admin/scim", cli=cli)
    t.ok(p.returncode == 1 and "overlap" in p.stderr, "--console: a --mount inside it is refused",
         p.stderr)

    # --- Refusals, each changing nothing.
    d, www, db = fresh()
    refused("db inside DOCROOT", [www, "--db", os.path.join(www, "db")], d,
            "inside the document root")
    refused("db = DOCROOT", [www, "--db", www], d, "inside the document root")
    os.symlink(www, os.path.join(d, "www-link"))
    refused("db inside DOCROOT through a symbolic link",
            [www, "--db", os.path.join(d, "www-link", "sub", "db")], d,
            "inside the document root")
    refused("db inside DOCROOT by ..", [os.path.join(d, "www", "..", "www"), "--db",
                                        os.path.join(www, "x", "db")], d,
            "inside the document root")
    handmade = sample("htaccess.sample")
    for name, text, why in (
            ("a hand-copied sample", handmade, "outside"),
            ("a scimlet rule without markers",
             "RewriteEngine On\nRewriteRule ^scim/v2(/.*)?$ - [H=fcgid-script,END]\n",
             "outside"),
            ("a rule for the mount", "RewriteRule ^/?scim/v2/(.*)$ /api.php [L]\n",
             "outside"),
            ("two BEGIN lines", "# BEGIN scimlet\n# END scimlet\n# BEGIN scimlet\n"
             "# END scimlet\n", "BEGIN"),
            ("BEGIN without END", "x\n# BEGIN scimlet\nRewriteEngine On\n", "BEGIN"),
            ("END before BEGIN", "# END scimlet\n# BEGIN scimlet\n", "END"),
            ("a NUL byte", "RewriteEngine On\n\0\n", "NUL")):
        write(os.path.join(www, ".htaccess"), text)
        refused("existing .htaccess with " + name, [www, "--db", db], d, why)
    os.unlink(os.path.join(www, ".htaccess"))
    os.makedirs(os.path.join(www, "scim"))
    write(os.path.join(www, "scim", "v2"), sample("scimlet-wrapper.fcgi.sample"))
    refused("a wrapper not its own at DOCROOT/scim/v2", [www, "--db", db], d,
            "not written by scimlet setup-htaccess")
    os.unlink(os.path.join(www, "scim", "v2"))
    target = os.path.join(d, "target")
    write(target, "RewriteEngine On\n")
    os.symlink(target, os.path.join(www, ".htaccess"))
    refused("a symbolic link at DOCROOT/.htaccess", [www, "--db", db], d, "symbolic link")
    os.unlink(os.path.join(www, ".htaccess"))
    os.symlink(os.path.join(d, "nowhere"), os.path.join(www, ".htaccess"))
    refused("a dangling symbolic link at DOCROOT/.htaccess", [www, "--db", db], d,
            "symbolic link")
    os.unlink(os.path.join(www, ".htaccess"))
    os.symlink(target, os.path.join(www, "scim", "v2"))
    refused("a symbolic link at the wrapper's path", [www, "--db", db], d, "symbolic link")
    os.unlink(os.path.join(www, "scim", "v2"))
    os.rmdir(os.path.join(www, "scim"))
    os.makedirs(os.path.join(d, "elsewhere"))
    os.symlink(os.path.join(d, "elsewhere"), os.path.join(www, "scim"))
    refused("a symbolic link as the wrapper's directory", [www, "--db", db], d,
            "symbolic link")
    os.unlink(os.path.join(www, "scim"))
    refused("DOCROOT missing", [os.path.join(d, "nope"), "--db", db], d, "nope")
    refused("no DOCROOT", ["--db", db], d, "missing argument DOCROOT", code=2)
    for m in ("scim/v2", "/scim/../v2", "/scim/v2/", "/.ht", "/a b"):
        refused("--mount " + m, [www, "--db", db, "--mount", m], d, "--mount", code=2)
    refused("--url without a scheme", [www, "--db", db, "--url", "host.example"], d, "--url",
            code=2)
    t.eq(os.listdir(www), [], "after the refusals the docroot is still empty")
finally:
    shutil.rmtree(base, ignore_errors=True)
t.done()
