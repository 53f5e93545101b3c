/*
 * patch.h: the RFC 7644 §3.5.2 PATCH engine, with the dialects Entra and
 * Okta really send (doc/clients.md §3.7, §3.10, §4.6, §4.9).
 *
 * patch_apply() changes a copy of the stored resource in memory; group
 * membership operations go to the caller's callbacks, which change the
 * store inside the request's write transaction.  The caller aborts that
 * transaction when patch_apply() fails, so nothing of a failed request
 * is applied.
 */
#ifndef PATCH_H
#define PATCH_H

#include <cjson/cJSON.h>

#include "scim.h"

struct scim_resp;
struct schema;

/*
 * Membership changes of a group, by member id (as sent: any string).
 * pm_add gets the display name the client sent with the member, or NULL.
 */
struct patch_members {
	enum scim_err	(*pm_add)(void *arg, const char *id,
			    const char *display, struct scim_resp *);
	enum scim_err	(*pm_remove)(void *arg, const char *id,
			    struct scim_resp *);
	enum scim_err	(*pm_clear)(void *arg, struct scim_resp *);
	/* Exactly the members of list (an array, one value, or NULL/null:
	 * none), as the request gave it: ids not checked yet. */
	enum scim_err	(*pm_set)(void *arg, const cJSON *list,
			    struct scim_resp *);
	void		 *pm_arg;
};

/*
 * Apply the PatchOp message body to doc (a stored resource: schemas, id,
 * attributes, meta) in place.  pm handles `members` (NULL: the resource
 * has none).  Errors carry a detail naming the failing operation
 * ("Operations[2]: ..."): SCIM_EINVALSYNTAX (malformed message or op),
 * SCIM_EPATH, SCIM_ENOTARGET, SCIM_EINVALVALUE, SCIM_EMUTABILITY, or
 * whatever a callback returned.
 */
enum scim_err	 patch_apply(const struct schema *, const cJSON *body,
		    cJSON *doc, const struct patch_members *pm,
		    struct scim_resp *);

#endif /* PATCH_H */
