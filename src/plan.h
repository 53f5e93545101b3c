/*
 * plan.h: a tenant's plan limits (`scimlet tenant set`): how many users
 * and groups it may hold (max-users, max-groups) and how many requests
 * it may make a second or a minute (rate).  Deletions and deactivations
 * are never refused by a seat limit; the rate delays every request alike
 * (429 and Retry-After: the identity providers retry).
 */
#ifndef PLAN_H
#define PLAN_H

#include "scim.h"

struct ctx;
struct scim_resp;
struct store_txn;

/*
 * Before a create of type in tx: SCIM_EFORBIDDEN (403) when the tenant
 * holds its max-users or max-groups already.  Counted in the create's
 * own write transaction, so concurrent creates never pass the limit.
 */
enum scim_err	plan_seat(struct store_txn *, const struct ctx *,
		    enum res_type, struct scim_resp *);

/*
 * Before a request of an authenticated tenant: SCIM_ERATE (429, with
 * Retry-After) when it is over the tenant's rate.  A rate that cannot be
 * counted (activity.mdb unusable) lets the request through.  _more: n
 * requests more of the same request (a Bulk's operations after its
 * first), with the request's own at most the rate's whole allowance.
 */
enum scim_err	plan_rate(const struct ctx *, struct scim_resp *);
enum scim_err	plan_rate_more(const struct ctx *, uint64_t n,
		    struct scim_resp *);

#endif /* PLAN_H */
