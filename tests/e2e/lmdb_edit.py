#!/usr/bin/python3
"""Tamper with a scimlet database the way an attacker with file access
would, for the audit verification test: edit or delete one audit entry.
Runs under Debian's python3 (package python3-lmdb).

lmdb_edit.py DB TENANT-ID SEQ replace OLD NEW
lmdb_edit.py DB TENANT-ID SEQ delete
lmdb_edit.py DB TENANT-ID SEQ swap OTHER-SEQ
"""
import struct
import sys

import lmdb

db, tenant, seq, what = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
env = lmdb.open(db, max_dbs=16, subdir=True)
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
