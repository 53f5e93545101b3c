/*
 * cycle.h: sync cycles, read from the activity log (activity.h).  A
 * cycle is a run of one token's requests, each less than the tenant's
 * cycle gap (`tenant set T cycle-gap=DURATION`) after the one before:
 * Entra's cycle about every 40 minutes, an Okta push as it comes.  A
 * cycle's id is the request id of its first request.
 *
 * A failed request is "recovered" when a later request on the same
 * resource (the same id, or for a create the same userName or
 * displayName) of the same kind — a write after a failed write — worked;
 * else it is "outstanding".
 */
#ifndef CYCLE_H
#define CYCLE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct store;

/*
 * The tenant's cycles, oldest first, as a JSON array: each an object
 * with id, token, label, start, end, requests, reads, creates, updates,
 * deactivations, reactivations, deletes, restores, members_added,
 * members_removed, role_changes, failures, outstanding, held (requests
 * the breaker refused, breaker.h), reasons (an
 * object: "409 uniqueness" -> count), users, groups (how many touched)
 * and, when detail is set, touched (the users and groups touched: type,
 * id, name) and failed (the failures: time, request, method, path,
 * resourceType, id, name, status, scimType, detail, state "recovered" or
 * "outstanding", recovered_by, recovered_in).  Cycles still running
 * (their last request less than the gap ago) have "running": true.
 * detail: the id of the one cycle to detail, "last", or NULL for none.
 * from_us: read the log from that time on (0: all of it); a cycle
 * running across it is seen from there.
 */
enum scim_err	 cycle_list(struct store *, const struct tenant *,
		    const char *detail, uint64_t from_us, cJSON **out);

/*
 * One cycle of the tenant as cycle_list() gives it (*cycle, detached),
 * id its id or "last": the latest that changed something, running or
 * not (a monitor's reads, or retries all refused, make cycles with
 * nothing to undo: never the one an operator means).  In *requests the
 * request ids of all its requests (a JSON array of strings): those of
 * the records of its token from its start to its end, read again.  A
 * request id is in the request's activity record and in each audit
 * entry it wrote, so this is how the audit entries of a cycle are found
 * without a time window (an entry is written after the request's record
 * time, its start).  SCIM_ENOTFOUND: no such cycle.
 */
enum scim_err	 cycle_find(struct store *, const struct tenant *,
		    const char *id, cJSON **cycle, cJSON **requests);

/* The gap in seconds that ends a cycle of tenant t. */
long long	 cycle_gap(const struct tenant *t);

#endif /* CYCLE_H */
