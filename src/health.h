/*
 * health.h: GET {mount}/.health, answered before authentication.
 */
#ifndef HEALTH_H
#define HEALTH_H

#include "scim.h"

struct store;
struct scim_req;
struct scim_resp;

/* Is PATH_INFO "/.health" (one trailing slash tolerated)? */
int		 health_path(const char *path);

/*
 * Answer a health request: 200 when a read transaction of st reads the
 * database format, 503 otherwise (st NULL: the worker is misconfigured).
 * 405 for a method other than GET and HEAD.
 */
enum scim_err	 health_serve(struct store *st, const struct scim_req *,
		    struct scim_resp *);

#endif /* HEALTH_H */
