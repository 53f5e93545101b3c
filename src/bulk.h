/*
 * bulk.h: POST {mount}/Bulk (RFC 7644 §3.7).
 *
 * A Bulk request's operations (POST, PUT, PATCH, DELETE on /Users and
 * /Groups) run one by one through the router and the same handlers a
 * request of their own runs, each with a request and a response made for
 * it.  The Bulk handler begins ONE write transaction and owns it; each
 * operation's resource_txn() nests its own in it (req->rq_parent), so a
 * failed operation is undone alone and the others commit together, in
 * one durable commit at the end.  A worker that dies before that commit
 * leaves nothing of the Bulk: no operation of it was acknowledged.
 *
 * bulkId references ("bulkId:ID" as a string value of an operation's
 * data, or a segment of its path) are resolved in whatever order the
 * operations can run; an operation whose reference names an operation
 * that failed, or that is in a cycle of references, fails with 409
 * (§3.7.1).  failOnErrors stops after that many failures: the operations
 * not run are not in the response.
 *
 * Limits: the tenant's `bulk-max-operations` and `bulk-max-payload`
 * (scim.h has the defaults), the payload never above the worker's own
 * body limit (SCIMLET_MAX_BODY); past either: 413.
 */
#ifndef BULK_H
#define BULK_H

#include "scim.h"

struct scim_req;
struct scim_resp;

enum scim_err	 bulk_post(struct scim_req *, struct scim_resp *);

/* The limits a Bulk request of this request's tenant gets. */
void		 bulk_limits(const struct scim_req *, long long *ops,
		    long long *payload);

#endif /* BULK_H */
