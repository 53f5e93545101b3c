/*
 * store_int.h: what the store_*.c files share and nothing else includes
 * (the unit tests aside).  The keyspace is described in store.c.
 *
 * Every LMDB call of the store goes through the s_* wrappers below, so
 * that a test build (SCIMLET_FAULTS) can make any one of them fail.
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "store.h"

/* A record of the activity file waiting for its batch (store_act.c). */
#define ACT_BATCH	32	/* records written in one transaction */
struct act_pend {
	struct store_act	 p_act;
	char			 p_token[40];
	char			*p_json;
};

/* Marks of pages served, per process (store_page.c). */
#define PAGE_MARKS	128
#define PAGE_SETS	4
struct page_marks {
	uint32_t	 pm_tenant;
	int		 pm_type;
	uint64_t	 pm_gen;	/* store_res_count()'s generation */
	uint64_t	 pm_count;
	unsigned	 pm_n, pm_next;
	struct {
		uint64_t	 pos;	/* position from 0, in id order */
		uint8_t		 id[16];
	}		 pm_mark[PAGE_MARKS];
};

/* Parsed tenant records, per process (store_tenant_load()). */
#define TENANT_CACHE	4
struct tenant_cache {
	size_t		 tc_len;	/* 0: empty */
	char		 tc_rec[2048];	/* the record's bytes */
	struct tenant	 tc_t;
	int		 tc_decls;	/* it declares attributes */
};

struct store {
	MDB_env		*st_env;
	MDB_dbi		 st_tenants;
	MDB_dbi		 st_tokens;
	MDB_dbi		 st_resources;
	MDB_dbi		 st_index;
	MDB_dbi		 st_members;
	MDB_dbi		 st_memberof;
	MDB_dbi		 st_roles;
	MDB_dbi		 st_audit;
	MDB_dbi		 st_changes;
	MDB_dbi		 st_meta;
	MDB_dbi		 st_activity;	/* records of changes (store_act.c) */
	MDB_dbi		 st_feed;	/* the tenants' change feeds */
	size_t		 st_mapsize;
	/* activity.mdb, the other records, opened on first use */
	MDB_env		*st_act_env;
	MDB_dbi		 st_act_log;
	MDB_dbi		 st_act_meta;
	int		 st_act_failed;	/* could not open it: go without */
	long long	 st_act_synced;	/* last mdb_env_sync, seconds */
	struct act_pend	*st_act_pend;	/* records waiting (store_act.c) */
	int		 st_act_npend;
	struct store_txn *st_open;	/* transactions not yet ended */
	struct store_txn *st_spare;	/* a read one, reset (store_begin()) */
	int		 st_readonly;	/* STORE_READONLY */
	struct page_marks st_marks[PAGE_SETS];
	struct tenant_cache st_tcache[TENANT_CACHE];
	unsigned	 st_tcache_next;
	unsigned	 st_marks_next;
#ifdef SCIMLET_FAULTS
	unsigned	 st_fault_n;	/* fail the nth eligible call; 0: off */
	int		 st_fault_kind;	/* STORE_FAULT_* */
	unsigned	 st_fault_calls; /* eligible calls counted so far */
	int		 st_fault_committed; /* a write was committed */
	char		 st_fault_fired[48]; /* what failed, or "" */
#endif
};

struct store_txn {
	struct store	*tx_store;
	MDB_txn		*tx_txn;
	int		 tx_write;
	struct store_txn *tx_next;	/* in st_open */
	struct store_txn **tx_prevp;
	struct store_txn *tx_self;	/* store_begin_shared(): tx_prevp */
#ifdef SCIMLET_FAULTS
	int		 tx_broken;	/* a fault hit it: LMDB's MDB_TXN_ERROR */
#endif
};

/* An LMDB result as ours; unexpected ones are logged with where. */
enum scim_err	 store_err(int, const char *where);

/*
 * Keys.  One packer for every key: skey_pack() appends to k what fmt
 * says, one letter per argument:
 *   t  a tenant id (uint32_t), 4 bytes
 *   c  one byte (int: a type, an attribute, a kind)
 *   i  an id (const uint8_t *), 16 bytes
 *   q  a sequence (uint64_t), 8 bytes
 *   s  bytes (const void *, size_t)
 * Integers are big-endian, so keys sort in numeric order.  Returns 0, or
 * -1 when the key would not fit in SKEY_MAX bytes (k->sk_len is then 0,
 * which no walk or lookup of ours accepts).
 */
#define SKEY_MAX	511	/* LMDB's default largest key */
struct skey {
	size_t		sk_len;
	uint8_t		sk_buf[SKEY_MAX];
};
int		 skey_pack(struct skey *, const char *fmt, ...);
/* The big-endian integer of n (at most 8) bytes at p. */
uint64_t	 skey_uint(const void *p, size_t n);
/* k as an LMDB value (borrowed). */
MDB_val		 skey_val(const struct skey *);

/*
 * The cursor walk: every key of dbi that begins with prefix[0..plen), in
 * order, from the first key >= start (NULL: from the prefix).  cb gets
 * each key and value and returns WALK_NEXT, WALK_STOP, or WALK_DEL (this
 * entry is deleted and the walk goes on).  Errors of its own the
 * callback keeps in arg.  Flags:
 *   WALK_AFTER  skip start itself (strictly after it)
 *   WALK_EXACT  keys equal to prefix only (the duplicates of one key)
 *   WALK_JSON   the values are JSON records (for the fault hook)
 * Returns SCIM_OK (the end of the range, or a stop) or the LMDB error.
 */
#define WALK_NEXT	0
#define WALK_STOP	1
#define WALK_DEL	2
#define WALK_AFTER	0x1
#define WALK_EXACT	0x2
#define WALK_JSON	0x4
typedef int	(*walk_cb)(const MDB_val *k, const MDB_val *v, void *arg);
enum scim_err	 store_walk(struct store_txn *, MDB_dbi, const void *prefix,
		    size_t plen, const void *start, size_t slen, int flags,
		    walk_cb, void *arg, const char *where);

/*
 * The last key of dbi that begins with prefix[0..plen) (plen 0: the last
 * key of all) into *k and *v.  SCIM_ENOTFOUND when there is none.
 */
enum scim_err	 store_last(struct store_txn *, MDB_dbi, const void *prefix,
		    size_t plen, MDB_val *k, MDB_val *v, const char *where);

/*
 * Records keyed by prefix[0..plen) and a sequence (8 bytes): the audit
 * log and the tenants' feeds (prefix: the tenant), the global change feed
 * (no prefix).  store_seq_each() gives cb each from sequence from on;
 * store_seq_prune() deletes those before before, *n how many.
 */
enum scim_err	 store_seq_each(struct store_txn *, MDB_dbi,
		    const void *prefix, size_t plen, uint64_t from,
		    store_audit_cb, void *arg, const char *where);
enum scim_err	 store_seq_prune(struct store_txn *, MDB_dbi,
		    const void *prefix, size_t plen, uint64_t before,
		    uint64_t *n, const char *where);

/* Delete every key of dbi that begins with prefix; *n counts them (+=). */
enum scim_err	 store_drop_prefix(struct store_txn *, MDB_dbi,
		    const void *prefix, size_t plen, uint64_t *n,
		    const char *where);

/* The LMDB calls, each one a place a test build can make fail. */
#define FAULT_READ	0	/* a lookup or a cursor move */
#define FAULT_WRITE	1	/* a put, a delete, a commit */
#ifdef SCIMLET_FAULTS
int		 store_fault_call(struct store_txn *, int what,
		    const char *name);
void		 store_fault_json(struct store_txn *, MDB_val *);
#define FAULT_CALL(tx, what, name) do {					\
	int frc_ = store_fault_call((tx), (what), (name));		\
	if (frc_ != 0)							\
		return frc_;						\
} while (0)
#else
#define FAULT_CALL(tx, what, name) do { (void)(tx); } while (0)
#define store_fault_json(tx, v) do { (void)(tx); } while (0)
#endif

/*
 * A transaction of activity.mdb (opened on first use) into tx; -1 when the
 * file cannot be opened or the transaction begun (store_act.c).  It ends
 * with mdb_txn_commit() or mdb_txn_abort() of tx->tx_txn.
 */
int	store_act_begin(struct store *, int write, struct store_txn *);

static inline int
s_get(struct store_txn *tx, MDB_dbi dbi, MDB_val *k, MDB_val *v)
{
	FAULT_CALL(tx, FAULT_READ, "get");
	return mdb_get(tx->tx_txn, dbi, k, v);
}

/* A get of a JSON record. */
static inline int
s_get_json(struct store_txn *tx, MDB_dbi dbi, MDB_val *k, MDB_val *v)
{
	int	rc;

	if ((rc = s_get(tx, dbi, k, v)) == 0)
		store_fault_json(tx, v);
	return rc;
}

static inline int
s_put(struct store_txn *tx, MDB_dbi dbi, MDB_val *k, MDB_val *v,
    unsigned int flags)
{
	FAULT_CALL(tx, FAULT_WRITE, "put");
	return mdb_put(tx->tx_txn, dbi, k, v, flags);
}

static inline int
s_del(struct store_txn *tx, MDB_dbi dbi, MDB_val *k, MDB_val *v)
{
	FAULT_CALL(tx, FAULT_WRITE, "del");
	return mdb_del(tx->tx_txn, dbi, k, v);
}

static inline int
s_cursor_open(struct store_txn *tx, MDB_dbi dbi, MDB_cursor **c)
{
	FAULT_CALL(tx, FAULT_READ, "cursor_open");
	return mdb_cursor_open(tx->tx_txn, dbi, c);
}

static inline int
s_cursor_get(struct store_txn *tx, MDB_cursor *c, MDB_val *k, MDB_val *v,
    MDB_cursor_op op)
{
	FAULT_CALL(tx, FAULT_READ, "cursor_get");
	return mdb_cursor_get(c, k, v, op);
}

static inline int
s_cursor_del(struct store_txn *tx, MDB_cursor *c)
{
	FAULT_CALL(tx, FAULT_WRITE, "cursor_del");
	return mdb_cursor_del(c, 0);
}

#endif /* STORE_INT_H */
