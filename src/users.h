/*
 * users.h: the User resource (RFC 7643 §4.1, RFC 7644 §3.3, §3.5.1).
 */
#ifndef USERS_H
#define USERS_H

#include "scim.h"

struct scim_req;
struct scim_resp;

enum scim_err	 users_create(struct scim_req *, struct scim_resp *);
enum scim_err	 users_replace(struct scim_req *, struct scim_resp *,
		    const char *id);
/* PATCH: 200 with the user, or 204 for a patch-response=no-content
 * tenant. */
enum scim_err	 users_patch(struct scim_req *, struct scim_resp *,
		    const char *id);

#endif /* USERS_H */
