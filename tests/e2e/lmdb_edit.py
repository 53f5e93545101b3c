#!/usr/bin/python3
"""Tamper with a scimlet database the way an attacker with file access
would, for the audit verification test: edit or delete one audit entry.
Runs under Debian's python3 (package python3-lmdb).

lmdb_edit.py DB TENANT-ID|NAME SEQ replace OLD NEW
lmdb_edit.py DB TENANT-ID SEQ delete
lmdb_edit.py DB TENANT-ID SEQ swap OTHER-SEQ
lmdb_edit.py DB resource TENANT-NAME U|G UUID NEW-BYTES
    (a resource record replaced by other bytes: a corrupt record)
lmdb_edit.py DB token TOKEN NEW-BYTES
    (the record of a token replaced)
lmdb_edit.py DB role TENANT-NAME FOLDED-VALUE NEW-BYTES
    (a role mapping of an incoming value replaced, e.g. by one too long)
lmdb_edit.py DB session SESSION-ID EXPIRES
    (a console session's end moved, e.g. into the past)
lmdb_edit.py DB late TENANT-NAME REQUEST-ID SECONDS-AGO JSON
    (an activity record put into activity.mdb as a slow request's is:
    keyed by a start time in the past, written now)
"""
import json
import struct
import sys
import uuid

import lmdb

if sys.argv[2] == "late":
    db, name, rid, ago, value = sys.argv[1], sys.argv[3], sys.argv[4], float(sys.argv[5]), sys.argv[6]
    import time
    main = lmdb.open(db, max_dbs=16, subdir=True, readonly=True)
    with main.begin() as txn:
        tid = json.loads(txn.get(name.encode(), db=main.open_db(b"tenants", txn=txn, create=False)))["id"]
    act = lmdb.open(db + "/activity.mdb", max_dbs=4, subdir=False, map_size=1 << 30)
    log = act.open_db(b"activity", create=False)
    us = int((time.time() - ago) * 1e6)
    with act.begin(write=True) as txn:
        txn.put(struct.pack(">IQ", tid, us) + bytes.fromhex(rid), value.encode(), db=log)
    sys.exit(0)

if sys.argv[2] == "session":
    db, sid, expires = sys.argv[1], sys.argv[3], sys.argv[4]
    env = lmdb.open(db, max_dbs=16, subdir=True)
    tokens = env.open_db(b"tokens", create=False)
    with env.begin(write=True, db=tokens) as txn:
        for k, v in txn.cursor():
            if len(k) == 33 and k[:1] == b"S" and json.loads(v).get("id") == sid:
                rec = json.loads(v)
                rec["expires"] = expires
                txn.put(k, json.dumps(rec, separators=(",", ":")).encode())
                break
        else:
            sys.exit("no such session")
    env.close()
    sys.exit(0)

if sys.argv[2] == "resource":
    db, name, rtype, rid, value = sys.argv[1], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
    env = lmdb.open(db, max_dbs=16, subdir=True)
    tenants = env.open_db(b"tenants", create=False)
    resources = env.open_db(b"resources", create=False)
    with env.begin(write=True) as txn:
        tid = json.loads(txn.get(name.encode(), db=tenants))["id"]
        key = struct.pack(">I", tid) + rtype.encode() + uuid.UUID(rid).bytes
        if txn.get(key, db=resources) is None:
            sys.exit("no such resource")
        txn.put(key, value.encode(), db=resources)
    env.close()
    sys.exit(0)

if sys.argv[2] == "token":
    import hashlib
    db, token, value = sys.argv[1], sys.argv[3], sys.argv[4]
    env = lmdb.open(db, max_dbs=16, subdir=True)
    tokens = env.open_db(b"tokens", create=False)
    with env.begin(write=True, db=tokens) as txn:
        key = hashlib.sha256(token.encode()).digest()
        if txn.get(key) is None:
            sys.exit("no such token")
        txn.put(key, value.encode())
    env.close()
    sys.exit(0)

if sys.argv[2] == "role":
    db, name, value, role = sys.argv[1], sys.argv[3], sys.argv[4], sys.argv[5]
    env = lmdb.open(db, max_dbs=16, subdir=True)
    tenants = env.open_db(b"tenants", create=False)
    roles = env.open_db(b"roles", create=False)
    with env.begin(write=True) as txn:
        tid = json.loads(txn.get(name.encode(), db=tenants))["id"]
        key = struct.pack(">I", tid) + b"v" + value.encode()
        if txn.get(key, db=roles) is None:
            sys.exit("no such mapping")
        txn.put(key, role.encode(), db=roles)
    env.close()
    sys.exit(0)

db, tenant, seq, what = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
env = lmdb.open(db, max_dbs=16, subdir=True)
if tenant.isdigit():
    tenant = int(tenant)
else:                   # a tenant's name: its number from its record
    with env.begin(db=env.open_db(b"tenants", create=False)) as txn:
        tenant = json.loads(txn.get(tenant.encode()))["id"]
audit = env.open_db(b"audit", create=False)
key = struct.pack(">IQ", tenant, seq)
with env.begin(write=True, db=audit) as txn:
    v = txn.get(key)
    if v is None:
        sys.exit("no entry %d" % seq)
    if what == "replace":
        txn.put(key, v.replace(sys.argv[5].encode(), sys.argv[6].encode()))
    elif what == "swap":
        other = struct.pack(">IQ", tenant, int(sys.argv[5]))
        w = txn.get(other)
        txn.put(key, w)
        txn.put(other, v)
    else:
        txn.delete(key)
env.close()
