/*
 * router.h: request path and method to handler; 404 and 405.
 */
#ifndef ROUTER_H
#define ROUTER_H

#include "scim.h"

struct scim_req;
struct scim_resp;

/* Dispatch an authenticated request.  Errors are recorded in resp. */
enum scim_err	 router_dispatch(struct scim_req *, struct scim_resp *);

#endif /* ROUTER_H */
