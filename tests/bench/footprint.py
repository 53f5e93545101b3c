#!/usr/bin/env python3
"""The parts of one CGI request, for scripts/bench footprint.

footprint.py WORKER DB TOKEN N

Runs the worker as plain CGI N times in each of five ways, interleaved,
and prints the median wall time of each and the differences, which are
the request's parts:
  empty       an empty C program (exec and the loader of a small binary)
  noconfig    the worker with no SCIMLET_DB: exec, loading, its own start
  noauth      a request without a token: + opening the database
  discovery   GET /ServiceProviderConfig with a token: + the token check
  probe       Entra's Test Connection filter: + the work of a request
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid


def main():
    worker, db, token, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    d = tempfile.mkdtemp()
    empty = os.path.join(d, "empty")
    with open(empty + ".c", "w") as f:
        f.write("int main(void) { return 0; }\n")
    subprocess.run([os.environ.get("CC", "cc"), "-O2", "-o", empty, empty + ".c"], check=True)
    base = {"PATH": "/usr/bin:/bin", "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "/scim/v2", "SERVER_NAME": "localhost",
            "SERVER_PORT": "80", "HTTP_HOST": "localhost"}

    def env(path, query="", db_=True, tok=True):
        e = dict(base, PATH_INFO=path, QUERY_STRING=query)
        if db_:
            e["SCIMLET_DB"] = db
        if tok:
            e["HTTP_AUTHORIZATION"] = "Bearer " + token
        return e

    kinds = [
        ("empty", lambda: ([empty], dict(base))),
        ("noconfig", lambda: ([worker], env("/Users", db_=False, tok=False))),
        ("noauth", lambda: ([worker], env("/Users", tok=False))),
        ("discovery", lambda: ([worker], env("/ServiceProviderConfig"))),
        ("probe", lambda: ([worker], env("/Users", 'filter=userName+eq+"%s"' % uuid.uuid4()))),
    ]
    times = {k: [] for k, _ in kinds}
    for _ in range(n):
        for k, make in kinds:
            argv, e = make()
            t0 = time.perf_counter()
            subprocess.run(argv, env=e, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[k].append((time.perf_counter() - t0) * 1000)
    med = {k: statistics.median(v) for k, v in times.items()}
    print("CGI request, median of %d each (ms): empty program %.3f, worker without "
          "a database %.3f, without a token %.3f, discovery %.3f, Test Connection %.3f"
          % (n, med["empty"], med["noconfig"], med["noauth"], med["discovery"], med["probe"]))
    print("  parts: exec and loading %.3f (an empty program %.3f), database open %.3f, "
          "token check %.3f, the work %.3f"
          % (med["noconfig"], med["empty"], med["noauth"] - med["noconfig"],
             med["discovery"] - med["noauth"], med["probe"] - med["discovery"]))
    os.unlink(empty)
    os.unlink(empty + ".c")
    os.rmdir(d)


main()
