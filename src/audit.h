/*
 * audit.h: the deprovisioning audit log and the change feed.
 *
 * Every entry is written in the write transaction of the change it
 * records, so there is no change without its entry and no entry without
 * its change.  Entries are numbered per tenant from 1 and hash-chained:
 * hash = SHA-256(prev hash || the entry's canonical JSON without "hash");
 * entry 1 chains from the tenant's genesis hash, SHA-256 of its name and
 * creation time.  An entry is a JSON object with, in this order:
 *
 *   seq, time, tenant, token, request, client, agent, action, type, id,
 *   name, before (what undoing needs), detail, prev, hash
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

/*
 * Who acts in the current request (or CLI run): token id ("cli" for the
 * operator), request id, client address, User-Agent.  Strings are copied
 * and cut; control characters are replaced.  audit_context_reset() ends
 * it.
 */
void		 audit_context(const char *token, const char *request,
		    const char *client, const char *agent);
void		 audit_context_reset(void);
const char	*audit_request_id(void);

/*
 * Append an entry for tenant t.  id may be NULL; before and detail (may
 * be NULL) are consumed.
 */
enum scim_err	 audit_record(struct store_txn *, const struct tenant *t,
		    const char *action, enum res_type type, const uint8_t *id,
		    const char *name, cJSON *before, cJSON *detail);

/* One change-feed record. */
enum scim_err	 audit_change(struct store_txn *, const struct tenant *t,
		    enum res_type type, const uint8_t id[16], const char *op);

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
