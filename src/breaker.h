/*
 * breaker.h: the mass-deprovisioning breaker of a tenant.
 *
 * A mis-set scoping filter or an emptied group in the identity provider
 * deprovisions hundreds of users in one sync cycle.  The breaker counts
 * the tenant's deprovisioning actions made over SCIM — user deactivated,
 * user deleted, group deleted, a user's application roles lost (a member
 * removal or a group delete that takes them away) — in a sliding window
 * (`tenant set T breaker-window=DURATION`, default 1 h), in the write
 * transaction of the action itself, so workers running at once cannot
 * both slip under the limit.  The action that would pass the limit
 * (`breaker=N`, `breaker=P%` of the tenant's users, by default the
 * larger of 50 and 10 %) trips it: that request and every later
 * deprovisioning request of the tenant is refused, 503 with Retry-After
 * and nothing of it applied, until an operator runs `scimlet breaker T
 * release` (the identity provider retries; nothing to do there) or
 * `reset`.  Creates, updates, reactivations, reads and every operator
 * command go on.  The window is counted in 60 slices of 1/60th of it,
 * so an action leaves the count between 59/60 and all of the window
 * after it was made.
 *
 * State: meta "brk:" tenant(4) (store_breaker_get()), written only by
 * this file.
 */
#ifndef BREAKER_H
#define BREAKER_H

#include <stdint.h>

#include "scim.h"

struct store_txn;
struct ctx;
struct scim_resp;

enum breaker_state {
	BREAKER_ARMED = 0,	/* counting; trips at the limit */
	BREAKER_TRIPPED,	/* holding every deprovisioning request */
	BREAKER_RELEASED,	/* letting them through until bs_until */
};

#define BREAKER_DEFAULT_PCT	10	/* % of the tenant's users ... */
#define BREAKER_DEFAULT_MIN	50	/* ... or this many, the larger */
#define BREAKER_DEFAULT_WINDOW	3600	/* seconds */
#define BREAKER_RETRY_AFTER	600	/* seconds, the 503's Retry-After */
#define BREAKER_RELEASE_FOR	3600	/* seconds, `release` by default */

struct breaker_status {
	enum breaker_state	 bs_state;
	int			 bs_off;	/* breaker=off */
	uint64_t		 bs_count;	/* counted in the window */
	uint64_t		 bs_limit;	/* allowed in the window */
	long long		 bs_window;	/* seconds */
	uint64_t		 bs_users;	/* a percentage's base */
	uint64_t		 bs_since;	/* µs: trip or release time */
	uint64_t		 bs_until;	/* released: µs it ends */
	uint64_t		 bs_trips;	/* trips so far */
	uint64_t		 bs_tripcount;	/* count and limit when it */
	uint64_t		 bs_triplimit;	/* last tripped */
	char			 bs_request[24]; /* request that tripped it */
	char			 bs_setting[24]; /* "default", "50", "5%", "off" */
};

/*
 * Count one action (an audit action name) of a SCIM request, in its
 * write transaction, before the action is written.  Actions that are
 * not deprovisioning and every operator command (no activity, cx_act
 * NULL) pass uncounted.  SCIM_EHELD when the breaker is tripped or this
 * action would pass the limit: the caller aborts the transaction, and
 * the owner of the transaction calls breaker_held().
 */
enum scim_err	 breaker_count(struct store_txn *, const struct ctx *,
		    const char *action);

/*
 * The request was refused with SCIM_EHELD and its transaction aborted:
 * record the trip, once, in a write transaction of its own (audited
 * breaker.tripped with the count, limit, window and the request), and
 * make resp the 503 with Retry-After.  Returns SCIM_EHELD.
 */
enum scim_err	 breaker_held(const struct ctx *, struct scim_resp *);

enum scim_err	 breaker_status(struct store_txn *, const struct tenant *,
		    struct breaker_status *);
/* Let deprovisioning through for secs seconds; uncounted meanwhile. */
enum scim_err	 breaker_release(struct store_txn *, const struct tenant *,
		    long long secs);
/* Armed again with an empty window. */
enum scim_err	 breaker_reset(struct store_txn *, const struct tenant *);
/*
 * After a cycle was undone (`restore --cycle`): a release ends, and the
 * n actions undone count in the window again, so that the identity
 * provider repeating them trips the breaker at once.
 */
enum scim_err	 breaker_rearm(struct store_txn *, const struct tenant *,
		    uint64_t n);

/* The name of a state: "armed", "tripped", "released". */
const char	*breaker_state_name(enum breaker_state);

#endif /* BREAKER_H */
