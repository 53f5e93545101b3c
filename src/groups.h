/*
 * groups.h: the Group resource (RFC 7643 §4.2) and its membership.
 * Members are users or groups of the same tenant, one key each in the
 * store, never an array inside the group record.
 */
#ifndef GROUPS_H
#define GROUPS_H

#include "scim.h"

struct scim_req;
struct scim_resp;

enum scim_err	 groups_create(struct scim_req *, struct scim_resp *);
enum scim_err	 groups_replace(struct scim_req *, struct scim_resp *,
		    const char *id);
/* PATCH answers 204 (Entra's and Okta's expectation). */
enum scim_err	 groups_patch(struct scim_req *, struct scim_resp *,
		    const char *id);

/*
 * The display name a member shows in groups: a user's displayName, else
 * its userName; a group's displayName.
 */
struct cJSON;
const char	*groups_member_display(enum res_type, const struct cJSON *);

#endif /* GROUPS_H */
