/*
 * roles.h: role mappings, and the application roles they give each user
 * (urn:scimlet:schemas:extension:2.0:User:appRoles, read-only).
 *
 * A user's application roles are: the mapping of each incoming role value
 * (from the tenant's role source: "roles" values by default, "roleName",
 * or any attribute, declared ones included), the mapping of each group
 * the user is directly in (by displayName), or, when that gives nothing,
 * the tenant's default role.  An inactive user holds none.
 *
 * This module computes; it never writes.  grant.c applies a computed set
 * to a user and writes the audit entry when roles are lost.
 */
#ifndef ROLES_H
#define ROLES_H

#include <cjson/cJSON.h>

#include "scim.h"

struct store_txn;
struct scim_resp;
struct ctx;

/*
 * The application roles of user uid whose stored form is doc: *set is a
 * new sorted array of strings (maybe empty; the caller owns it).  With
 * strict set and the tenant's unknown-role policy "reject", an incoming
 * value without a mapping is SCIM_EINVALVALUE naming it -- but only a
 * value this request brings: one old (the stored form before the
 * request, or NULL) held already is not judged, and nothing is judged in
 * a request that deactivates the user.  An inactive user holds none.
 */
enum scim_err	 roles_compute(struct store_txn *, const struct ctx *,
		    const uint8_t uid[16], const cJSON *doc, const cJSON *old,
		    int strict, cJSON **set, struct scim_resp *);

/* A set of user ids whose roles need recomputing. */
struct roles_set {
	uint8_t		(*rs_ids)[16];
	size_t		 rs_n;
	size_t		 rs_cap;
	int		 rs_oom;
};
void		 roles_set_add(struct roles_set *, const uint8_t id[16]);
/* Add the direct members of group gid. */
enum scim_err	 roles_set_members(struct store_txn *, const struct ctx *,
		    const uint8_t gid[16], struct roles_set *);
void		 roles_set_free(struct roles_set *);

/* Whether the tenant maps any group to a role (then membership matters). */
int		 roles_by_group(struct store_txn *, const struct ctx *);

#endif /* ROLES_H */
