/*
 * store.h: the LMDB keyspace (doc/architecture.md §4).  Nothing else in
 * scimlet calls mdb_*.  Every key begins with the tenant id, so one tenant
 * never reaches another's data.
 *
 * Lifetime: a value handed out by a store_* getter (const char *json,
 * size_t len) points into the database map.  It is valid only until the
 * next write in the same transaction or the end of the transaction.  Do
 * not modify it; parse or copy it before committing or aborting.
 *
 * Caveats (from lmdb.h):
 * - Open the store in the process that uses it, never across fork().
 * - Keep transactions short: build the response, end the transaction,
 *   then write to the client.
 * - The database must not live on a remote filesystem (NFS, SMB).
 *
 * Errors: functions return SCIM_OK or SCIM_ENOTFOUND, SCIM_EUNIQUE,
 * SCIM_EFULL (map full), SCIM_ENOMEM, SCIM_ESTORE (anything else, logged).
 *
 * Corrupt records: a getter that hands out JSON text (resources, tokens,
 * audit entries, changes) cannot know that its caller will fail to parse
 * it.  The rule for callers: stored JSON that does not parse is
 * SCIM_ESTORE (a 500 "internal storage error"), never SCIM_ENOMEM (which
 * also makes a worker restart), and never skipped: a listing that leaves
 * the record out hides the damage, and a write that goes on without it
 * stores a guess.  The tenant getters parse their records themselves and
 * follow the rule.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct store;
struct store_txn;

#define STORE_CREATE	0x1	/* create the directory, env and dbs */
/*
 * Read only, for the library (src/lib/scimlet.h): MDB_RDONLY, and
 * MDB_NOTLS so that threads may each read in a transaction of their own,
 * begun with store_begin_shared().
 */
#define STORE_READONLY	0x2

/* Default map size; SCIMLET_MAP_SIZE (bytes) overrides it. */
#define STORE_MAPSIZE_DEFAULT	(1024ULL * 1024 * 1024)

/*
 * Open the environment in dir.  Without STORE_CREATE the database must
 * already exist (made by `scimlet init`).  Runs mdb_reader_check().
 * On failure returns SCIM_ECONFIG or SCIM_ESTORE and writes a message for
 * the operator into err.
 */
enum scim_err	 store_open(const char *dir, int flags, struct store **out,
		    char *err, size_t errlen);
void		 store_close(struct store *);	/* NULL is fine */

/*
 * A consistent, compacted copy of the whole database into dest (a new
 * or empty directory, created 0700, not inside the database directory),
 * taken in one read transaction while writers go on.  On failure returns
 * SCIM_ECONFIG (dest refused) or SCIM_ESTORE and writes a message for
 * the operator into err.
 */
enum scim_err	 store_backup(struct store *, const char *dest, char *err,
		    size_t errlen);

/* Clear reader slots left by dead processes.  Returns the count cleared. */
int		 store_reader_check(struct store *);

/* The database format version (meta "format", e.g. "1") into out. */
enum scim_err	 store_format(struct store_txn *, char *out, size_t len);

/*
 * Transactions.  Ownership: the function that calls store_begin() owns
 * the transaction and is the only one that ends it; callees it passes
 * the handle to use it but never commit or abort it.  store_commit() and
 * store_abort() take the owner's handle and set it to NULL: after either
 * (a failed commit included) the transaction is gone.  store_abort()
 * accepts a NULL handle, so an owner can abort on every way out.
 */
enum scim_err	 store_begin(struct store *, int write, struct store_txn **);
/*
 * A read transaction of a STORE_READONLY store that any thread may begin
 * and end (store_abort()) on its own: it is not on the store's list of
 * open transactions, which only one thread may touch.
 */
enum scim_err	 store_begin_shared(struct store *, struct store_txn **);
/*
 * A write transaction nested in the write transaction parent: ended by
 * its owner with store_commit() (into the parent: no sync) or
 * store_abort() (undone alone), always before the parent ends.
 */
enum scim_err	 store_begin_nested(struct store_txn *parent,
		    struct store_txn **);
enum scim_err	 store_commit(struct store_txn **);
void		 store_abort(struct store_txn **);

/*
 * Abort (and log) every transaction of st not yet ended: a request must
 * end all it began, and one left open would keep the writer lock or an
 * old snapshot.  Returns how many there were; *lost (may be NULL) is 1
 * when one was a write transaction, whose changes are now undone.
 * store_close() does it first: closing with the writer lock held would
 * leave the lock held for every process until all of them close the
 * database.
 */
int		 store_reclaim(struct store *, int *lost);

/* Tenants: name -> record.  store_tenant_add gives SCIM_EUNIQUE if taken. */
enum scim_err	 store_tenant_add(struct store_txn *, const char *name,
		    const char *created, struct tenant *out);
enum scim_err	 store_tenant_get(struct store_txn *, const char *name,
		    struct tenant *out);
/* The same, and *decls (if not NULL) the tenant's declared attributes
 * (NULL: none; the caller frees them). */
enum scim_err	 store_tenant_load(struct store_txn *, const char *name,
		    struct tenant *out, cJSON **decls);
/*
 * The tenant record as a tree (*doc: the caller frees it), and its
 * replacement.  For settings that are not strings (declared attributes).
 */
enum scim_err	 store_tenant_doc(struct store_txn *, const char *name,
		    cJSON **doc);
enum scim_err	 store_tenant_put_doc(struct store_txn *, const char *name,
		    const cJSON *doc);

/* Set one setting (a string member of the tenant record). */
enum scim_err	 store_tenant_set(struct store_txn *, const char *name,
		    const char *key, const char *value);
/*
 * Remove the tenant and every key of it in every db (its tokens, audit
 * log and audit anchor too; the global change feed keeps its entries),
 * in tx.  *nkeys (may be NULL): how many keys went.  SCIM_ENOTFOUND when
 * there is no such tenant.
 */
enum scim_err	 store_tenant_remove(struct store_txn *, const char *name,
		    uint64_t *nkeys);
/*
 * A tenant's data under another number (preview, src/preview.h): its
 * resources, index, members and memberof keys.  store_data_copy() makes
 * the data of number to an exact copy of from's (to's own first
 * removed), *n the keys written; store_data_drop() removes a number's
 * data, its audit entries, change feed and breaker state, *n += keys.
 * store_tenant_number() takes a fresh number from the tenants' counter.
 */
enum scim_err	 store_data_copy(struct store_txn *, uint32_t from,
		    uint32_t to, uint64_t *n);
enum scim_err	 store_data_drop(struct store_txn *, uint32_t tenant,
		    uint64_t *n);
enum scim_err	 store_tenant_number(struct store_txn *, uint32_t *out);
typedef int	(*store_tenant_cb)(const struct tenant *, const char *created,
		    void *arg);
enum scim_err	 store_tenant_each(struct store_txn *, store_tenant_cb,
		    void *arg);

/* Tokens: SHA-256(token) -> record (JSON text, owned by auth.c). */
#define STORE_HASHLEN	32
enum scim_err	 store_token_put(struct store_txn *,
		    const uint8_t hash[STORE_HASHLEN], const char *json);
enum scim_err	 store_token_get(struct store_txn *,
		    const uint8_t hash[STORE_HASHLEN], const char **json,
		    size_t *len);
/* Callbacks return 0 to go on, nonzero to stop the walk. */
typedef int	(*store_token_cb)(const uint8_t hash[STORE_HASHLEN],
		    const char *json, size_t len, void *arg);
enum scim_err	 store_token_each(struct store_txn *, store_token_cb,
		    void *arg);

/*
 * The console's records (store_admin.c): kind STORE_ADMIN_CRED or
 * STORE_ADMIN_SESSION, keyed by a SHA-256; and the admin log by time.
 * An _each callback returns 0 to go on, STORE_ADMIN_DEL to delete the
 * record and go on, anything else to stop.
 */
#define STORE_ADMIN_CRED	'A'
#define STORE_ADMIN_SESSION	'S'
#define STORE_ADMIN_DEL		2
enum scim_err	 store_admin_put(struct store_txn *, char kind,
		    const uint8_t hash[STORE_HASHLEN], const char *json);
enum scim_err	 store_admin_get(struct store_txn *, char kind,
		    const uint8_t hash[STORE_HASHLEN], const char **json,
		    size_t *len);
enum scim_err	 store_admin_del(struct store_txn *, char kind,
		    const uint8_t hash[STORE_HASHLEN]);
typedef int	(*store_admin_cb)(const uint8_t hash[STORE_HASHLEN],
		    const char *json, size_t len, void *arg);
enum scim_err	 store_admin_each(struct store_txn *, char kind,
		    store_admin_cb, void *arg);
enum scim_err	 store_admin_log_put(struct store_txn *, uint64_t us,
		    const uint8_t rid[8], const char *json);
typedef int	(*store_admin_log_cb)(uint64_t us, const char *json,
		    size_t len, void *arg);
enum scim_err	 store_admin_log_each(struct store_txn *, uint64_t from_us,
		    store_admin_log_cb, void *arg);

/* Resources: (tenant, type, id) -> stored JSON. */
enum scim_err	 store_res_get(struct store_txn *, uint32_t tenant,
		    enum res_type, const uint8_t id[16], const char **json,
		    size_t *len);
/* With create set, an existing id gives SCIM_EUNIQUE. */
enum scim_err	 store_res_put(struct store_txn *, uint32_t tenant,
		    enum res_type, const uint8_t id[16], const char *json,
		    size_t len, int create);
enum scim_err	 store_res_del(struct store_txn *, uint32_t tenant,
		    enum res_type, const uint8_t id[16]);
/* Every resource of a type in id order. */
typedef int	(*store_res_cb)(const uint8_t id[16], const char *json,
		    size_t len, void *arg);
enum scim_err	 store_res_each(struct store_txn *, uint32_t tenant,
		    enum res_type, store_res_cb, void *arg);

/*
 * Membership, one key per member (never an array in the group record):
 * members (tenant, group, member) -> type byte + display, and memberof
 * (tenant, member, group), written and removed together.  Adding or
 * removing one member costs O(log n) in the group's size.
 */
#define STORE_DISPLAY_MAX	256	/* display bytes kept per member */
/* *added (may be NULL) is 1 when the member was new. */
enum scim_err	 store_member_put(struct store_txn *, uint32_t tenant,
		    const uint8_t group[16], const uint8_t member[16],
		    enum res_type mtype, const char *display, int *added);
/* Is member in group?  SCIM_ENOTFOUND if not; else its type and display
 * (display: dlen bytes, NUL-terminated, cut to fit). */
enum scim_err	 store_member_get(struct store_txn *, uint32_t tenant,
		    const uint8_t group[16], const uint8_t member[16],
		    enum res_type *mtype, char *display, size_t dlen);
/* *removed (may be NULL) is 1 when it was a member. */
enum scim_err	 store_member_del(struct store_txn *, uint32_t tenant,
		    const uint8_t group[16], const uint8_t member[16],
		    int *removed);
/* Every member of a group in id order; display is not NUL-terminated. */
typedef int	(*store_member_cb)(const uint8_t id[16], enum res_type type,
		    const char *display, size_t dlen, void *arg);
enum scim_err	 store_member_each(struct store_txn *, uint32_t tenant,
		    const uint8_t group[16], store_member_cb, void *arg);
/* Every group a user or group is a direct member of. */
typedef int	(*store_memberof_cb)(const uint8_t group[16], void *arg);
enum scim_err	 store_memberof_each(struct store_txn *, uint32_t tenant,
		    const uint8_t member[16], store_memberof_cb, void *arg);
/* Remove every member of group. */
enum scim_err	 store_member_clear(struct store_txn *, uint32_t tenant,
		    const uint8_t group[16]);
/* Remove member from every group it is in. */
enum scim_err	 store_memberof_clear(struct store_txn *, uint32_t tenant,
		    const uint8_t member[16]);

/*
 * Index: (tenant, type, attribute, value) -> ids, several ids per value.
 * The caller folds the value (case rules are the schema's); values longer
 * than STORE_IDX_INLINE bytes are stored as their SHA-256, so a hit must
 * be confirmed against the resource.
 */
enum store_idx {
	IDX_USERNAME = 1,
	IDX_EXTERNALID = 2,
	IDX_EMAIL = 3,
	IDX_DISPLAYNAME = 4
};
#define STORE_IDX_INLINE	256
enum scim_err	 store_idx_add(struct store_txn *, uint32_t tenant,
		    enum res_type, enum store_idx, const char *value,
		    size_t len, const uint8_t id[16]);
/* Removing an absent entry is not an error. */
enum scim_err	 store_idx_del(struct store_txn *, uint32_t tenant,
		    enum res_type, enum store_idx, const char *value,
		    size_t len, const uint8_t id[16]);
/*
 * The ids under one value, in id order, at most max of them into ids.
 * *n is the number found; more than max gives SCIM_ETOOMANY.
 */
enum scim_err	 store_idx_find(struct store_txn *, uint32_t tenant,
		    enum res_type, enum store_idx, const char *value,
		    size_t len, uint8_t (*ids)[16], size_t max, size_t *n);

/*
 * Role mappings: (tenant, kind, folded incoming value) -> application
 * role.  kind is ROLE_VALUE (an incoming role value) or ROLE_GROUP (a
 * group's displayName).  Values longer than STORE_ROLE_MAX are cut.
 */
#define ROLE_VALUE	'v'
#define ROLE_GROUP	'g'
#define STORE_ROLE_MAX	SCIM_MAX_ROLE
enum scim_err	 store_role_put(struct store_txn *, uint32_t tenant,
		    char kind, const char *value, const char *role);
enum scim_err	 store_role_del(struct store_txn *, uint32_t tenant,
		    char kind, const char *value);
/* SCIM_ENOTFOUND when value has no mapping. */
enum scim_err	 store_role_get(struct store_txn *, uint32_t tenant,
		    char kind, const char *value, char *role, size_t rolelen);
typedef int	(*store_role_cb)(char kind, const char *value,
		    const char *role, void *arg);
enum scim_err	 store_role_each(struct store_txn *, uint32_t tenant,
		    store_role_cb, void *arg);

/*
 * The ids under every index value that starts with prefix (and under
 * every hashed long value, which cannot be told by prefix: the caller
 * checks each resource anyway).  An id may come more than once.
 * Callbacks return 0 to go on.
 */
typedef int	(*store_id_cb)(const uint8_t id[16], void *arg);
enum scim_err	 store_idx_prefix(struct store_txn *, uint32_t tenant,
		    enum res_type, enum store_idx, const char *prefix,
		    size_t len, store_id_cb, void *arg);

/*
 * How many resources of a type the tenant has, kept in the transaction of
 * every create and delete; *gen changes whenever the count does (0: not
 * kept yet, counted now).  _reset drops the tenant's counts, for code
 * that writes resource keys by range (they are counted again when next
 * needed).
 */
enum scim_err	 store_res_count(struct store_txn *, uint32_t tenant,
		    enum res_type, uint64_t *n, uint64_t *gen);
enum scim_err	 store_res_count_reset(struct store_txn *, uint32_t tenant);

/*
 * The resources of a type at positions skip .. skip + count - 1 of the id
 * order (from 0), each to cb (a return of 1 stops).  Walks from the
 * nearest page this process served before, when the count has not
 * changed since (store_page.c); else from the first.
 */
enum scim_err	 store_res_page(struct store_txn *, uint32_t tenant,
		    enum res_type, uint64_t skip, uint64_t count,
		    store_res_cb, void *arg);

/*
 * The ids of at most n resources of a type at or before from, nearest
 * first, into out; *got how many (for a cursor's previous page).
 */
enum scim_err	 store_res_back(struct store_txn *, uint32_t tenant,
		    enum res_type, const uint8_t from[16], size_t n,
		    uint8_t (*out)[16], size_t *got);

/* Every resource of a type whose id is greater than after, in id order. */
enum scim_err	 store_res_each_after(struct store_txn *, uint32_t tenant,
		    enum res_type, const uint8_t after[16], store_res_cb,
		    void *arg);

/*
 * Audit log: (tenant, sequence) -> entry JSON, sequences from 1, per
 * tenant.  store_audit_last gives the last sequence (0: none) and its
 * entry (borrowed, or NULL).
 */
enum scim_err	 store_audit_last(struct store_txn *, uint32_t tenant,
		    uint64_t *seq, const char **json, size_t *len);
enum scim_err	 store_audit_put(struct store_txn *, uint32_t tenant,
		    uint64_t seq, const char *json);
typedef int	(*store_audit_cb)(uint64_t seq, const char *json, size_t len,
		    void *arg);
/* Entries with sequence >= from, in order. */
enum scim_err	 store_audit_each(struct store_txn *, uint32_t tenant,
		    uint64_t from, store_audit_cb, void *arg);
enum scim_err	 store_audit_get(struct store_txn *, uint32_t tenant,
		    uint64_t seq, const char **json, size_t *len);

/*
 * Audit retention: remove the tenant's entries with sequence < before,
 * keeping an anchor (the last removed entry's sequence and hash) so the
 * chain stays verifiable.  The anchor is "" when nothing was pruned.
 */
enum scim_err	 store_audit_prune(struct store_txn *, uint32_t tenant,
		    uint64_t before, const char *anchor, uint64_t *n);
enum scim_err	 store_audit_anchor(struct store_txn *, uint32_t tenant,
		    char *anchor, size_t len);

/*
 * Change feed: global sequence -> {seq, time, tenant, type, id, op}.
 * store_change_add assigns the next sequence and writes json made by
 * make(seq, arg) (a malloc'd string it frees).
 */
enum scim_err	 store_change_add(struct store_txn *,
		    char *(*make)(uint64_t seq, void *arg), void *arg);
enum scim_err	 store_change_each(struct store_txn *, uint64_t from,
		    store_audit_cb, void *arg);
/*
 * A tenant's change feed: records numbered per tenant from 1, without
 * gaps.  store_feed_add() gives make the next sequence; bounds: the
 * first record still kept (floor; last + 1 when none is) and the last
 * sequence given (0: none yet); each walks from sequence from on; prune
 * removes those before before.
 */
enum scim_err	 store_feed_add(struct store_txn *, uint32_t tenant,
		    char *(*make)(uint64_t seq, void *arg), void *arg);
enum scim_err	 store_feed_bounds(struct store_txn *, uint32_t tenant,
		    uint64_t *floor, uint64_t *last);
enum scim_err	 store_feed_each(struct store_txn *, uint32_t tenant,
		    uint64_t from, store_audit_cb, void *arg);
enum scim_err	 store_feed_prune(struct store_txn *, uint32_t tenant,
		    uint64_t before, uint64_t *n);
/* All of a tenant's feed and its counter (tenant remove); *n += keys. */
enum scim_err	 store_feed_clear(struct store_txn *, uint32_t tenant,
		    uint64_t *n);
/*
 * The cursor of `scimlet deliver` for tenant and the receiver at url: the
 * last sequence of the tenant's feed it acknowledged (0: none yet).
 */
enum scim_err	 store_deliver_get(struct store_txn *, uint32_t tenant,
		    const char *url, uint64_t *seq);
enum scim_err	 store_deliver_set(struct store_txn *, uint32_t tenant,
		    const char *url, uint64_t seq);
/* Every cursor of the tenant (tenant remove); *n += keys. */
enum scim_err	 store_deliver_clear(struct store_txn *, uint32_t tenant,
		    uint64_t *n);
/*
 * The state of the tenant's breaker (breaker.h), opaque bytes: *len 0
 * when it has none; SCIM_ESTORE when it is larger than cap.
 */
enum scim_err	 store_breaker_get(struct store_txn *, uint32_t tenant,
		    void *buf, size_t cap, size_t *len);
enum scim_err	 store_breaker_put(struct store_txn *, uint32_t tenant,
		    const void *buf, size_t len);
/* The breaker's state (tenant remove); *n += keys. */
enum scim_err	 store_breaker_clear(struct store_txn *, uint32_t tenant,
		    uint64_t *n);
/* Remove changes with sequence < before; *n: how many. */
enum scim_err	 store_change_prune(struct store_txn *, uint64_t before,
		    uint64_t *n);

/*
 * The activity log (store_act.c): one record per request, keyed by
 * tenant, time and request id.  store_act_put() writes it in tx, the
 * request's write transaction (a request that changed something);
 * store_act_log() writes it in the activity file, in a transaction of its
 * own and without fsync (every other request).  Either keeps the
 * tenant's records to at most sa_max and none older than sa_cutoff (µs),
 * and notes the token's last use.
 */
struct store_act {
	uint32_t	 sa_tenant;	/* 0: no tenant (unknown token) */
	uint64_t	 sa_us;		/* time, µs since 1970 */
	uint8_t		 sa_rid[8];	/* the request id */
	const char	*sa_json;
	size_t		 sa_len;
	const char	*sa_token;	/* token id, or NULL */
	uint64_t	 sa_max;
	uint64_t	 sa_cutoff;
};
enum scim_err	 store_act_put(struct store_txn *, const struct store_act *);
enum scim_err	 store_act_log(struct store *, const struct store_act *);
/*
 * store_act_log() batches: the records wait in the store and are written
 * 32 at a time, or when the oldest has waited a second, or at
 * store_act_flush() (a worker idle for a second calls it) and
 * store_close().  store_act_pending(): how many wait.
 */
enum scim_err	 store_act_flush(struct store *);
int		 store_act_pending(const struct store *);
/* Open (and make) the activity file now; `scimlet init` does. */
enum scim_err	 store_act_open(struct store *);
/* Flush the activity file to disk (a worker about to exit). */
void		 store_act_sync(struct store *);
/*
 * A tenant's records of both stores, oldest first, from time from_us on
 * (after_rid set: strictly after the record (from_us, after_rid)), each
 * in its own consistent read.  cb returns non-zero to stop.
 */
typedef int	(*store_act_cb)(uint64_t us, const uint8_t rid[8],
		    const char *json, size_t len, void *arg);
enum scim_err	 store_act_each(struct store *, uint32_t tenant,
		    uint64_t from_us, const uint8_t *after_rid, store_act_cb,
		    void *arg);
/*
 * A tenant's request rate (store_rate.c), shared by the host's workers
 * through activity.mdb: take n requests now (all times in µs) from a
 * bucket that empties by one request every interval and holds burst's
 * worth; *wait 0 when taken, else how long until they would be (nothing
 * taken).  _level: how far the bucket's time is ahead of now (0: empty).
 * SCIM_ESTORE when activity.mdb cannot be used.
 */
enum scim_err	 store_rate_take(struct store *, uint32_t tenant,
		    uint64_t now, uint64_t interval, uint64_t burst, uint64_t n,
		    uint64_t *wait);
enum scim_err	 store_rate_level(struct store *, uint32_t tenant,
		    uint64_t now, uint64_t *ahead);
/* The same for a bucket named by text (the console's sign-in failures,
 * by client address), kept apart from the tenants' buckets. */
enum scim_err	 store_rate_take_name(struct store *, const char *name,
		    uint64_t now, uint64_t interval, uint64_t burst, uint64_t n,
		    uint64_t *wait);
enum scim_err	 store_rate_level_name(struct store *, const char *name,
		    uint64_t now, uint64_t *ahead);
/* When token id was last used (µs; 0: never, or no longer known). */
enum scim_err	 store_act_used(struct store_txn *, const char *token,
		    uint64_t *us);
/* Remove a tenant's records: of the main store in tx, of the file. */
enum scim_err	 store_act_clear(struct store_txn *, uint32_t tenant,
		    uint64_t *n);
enum scim_err	 store_act_log_clear(struct store *, uint32_t tenant,
		    uint64_t *n);
/* A compacted copy of the activity file into dest (store_backup()). */
enum scim_err	 store_act_backup(struct store *, const char *dest,
		    char *err, size_t errlen);

#ifdef SCIMLET_FAULTS
/*
 * Test builds only (tests/fault/scimlet-fault.fcgi): make the nth LMDB
 * call from now on fail.  kind says how, and which calls count:
 *   STORE_FAULT_MAPFULL  MDB_MAP_FULL, from the nth put, delete or commit
 *   STORE_FAULT_EIO      EIO, from the nth call of any kind
 *   STORE_FAULT_CORRUPT  the nth JSON record read comes back truncated
 * An injected error also spoils its transaction as LMDB does: the later
 * calls in it and its commit fail with MDB_BAD_TXN.  store_fault_disarm()
 * returns how many calls counted and sets *fired (may be NULL) to what
 * failed ("put", "commit", "record"...; "+after-commit" added when a write
 * transaction had been committed before it), or NULL when the nth call
 * never came.  The string lasts until the next store_fault_arm().
 */
#define STORE_FAULT_MAPFULL	1
#define STORE_FAULT_EIO		2
#define STORE_FAULT_CORRUPT	3
void		 store_fault_arm(struct store *, unsigned n, int kind);
unsigned	 store_fault_disarm(struct store *, const char **fired);
#endif

#endif /* STORE_H */
