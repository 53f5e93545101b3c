/*
 * audit.h: the audit log and the change feed.
 *
 * Every entry is written in the write transaction of the change it
 * records, so there is no change without its entry and no entry without
 * its change.  Entries are numbered per tenant from 1 and hash-chained;
 * entry 1 chains from the tenant's genesis hash, SHA-256 of its name and
 * creation time.  An entry is a JSON object with, in this order:
 *
 *   v (2), seq, time, tenant, token, request, client, agent, action,
 *   type, id, name, before (what undoing needs), detail, prev, hash
 *
 * Format 2 (written since this version): the stored bytes end with
 * `,"hash":"<64 hex>"}`, and hash = SHA-256(prev || the stored bytes
 * before that suffix, the comma included): the chain covers exactly what
 * is stored.  Format 1 entries (no "v"; written by earlier versions)
 * hashed cJSON's re-serialisation of the entry without "hash"; they are
 * verified that way, so databases written before still verify.
 *
 * type is "User" or "Group" for resources, "Tenant", "Token", "Role" or
 * "Schema" for the operator's actions (id: what they act on).
 *
 * Actions: user.deactivated, user.reactivated, user.deleted,
 * group.deleted, member.removed, role.lost, user.restored, group.restored,
 * member.restored, and operator.* for CLI actions.
 *
 * The change feed gets one record per committed change:
 * {"seq","time","tenant","type","id","op"} with op create, update,
 * deactivate, reactivate, delete, members, roles, restore.
 */
#ifndef AUDIT_H
#define AUDIT_H

#include <cjson/cJSON.h>

#include "scim.h"

struct store_txn;
struct ctx;

/*
 * Append an entry for the context's tenant, naming its actor.  id and
 * name may be NULL; before and detail (may be NULL) are consumed.  Out
 * of memory fails (SCIM_ENOMEM): an entry is never stored with a field
 * missing.
 */
enum scim_err	 audit_record(struct store_txn *, const struct ctx *,
		    const char *action, const char *type, const char *id,
		    const char *name, cJSON *before, cJSON *detail);
/* The same for a resource: type from rtype, id formatted. */
enum scim_err	 audit_record_res(struct store_txn *, const struct ctx *,
		    const char *action, enum res_type rtype,
		    const uint8_t id[16], const char *name, cJSON *before,
		    cJSON *detail);

/*
 * One change-feed record, and one of the tenant's feed (feed.h) with the
 * state tx leaves the resource in.  _ex: name is a deleted resource's
 * last name; added and removed a group's member ids (or NULL).
 */
enum scim_err	 audit_change(struct store_txn *, const struct ctx *,
		    enum res_type type, const uint8_t id[16], const char *op);
enum scim_err	 audit_change_ex(struct store_txn *, const struct ctx *,
		    enum res_type type, const uint8_t id[16], const char *op,
		    const char *name, const cJSON *added,
		    const cJSON *removed);

/*
 * Check the tenant's chain.  Returns SCIM_OK with *bad 0 when it holds,
 * else *bad is the first entry that does not (a sequence number; for a
 * missing entry, the one expected) and why says what.
 */
enum scim_err	 audit_verify(struct store_txn *, const struct tenant *t,
		    uint64_t *bad, char *why, size_t whylen);

/*
 * Remove the tenant's entries older than before (seconds since 1970),
 * the oldest first and stopping at the first newer one; the last removed
 * becomes the anchor the chain is verified from.  *n: how many.
 */
enum scim_err	 audit_prune(struct store_txn *, const struct tenant *t,
		    double before, uint64_t *n);

/* The tenant's genesis hash (hex, 65 bytes). */
enum scim_err	 audit_genesis(struct store_txn *, const struct tenant *t,
		    char *hex);

#endif /* AUDIT_H */
