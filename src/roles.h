/*
 * roles.h: role mappings, and the application roles they give each user
 * (urn:scimlet:schemas:extension:2.0:User:appRoles, read-only).
 *
 * A user's application roles are: the mapping of each incoming role value
 * (from the tenant's role source: "roles" values by default, "roleName",
 * or any attribute), the mapping of each group the user is directly in
 * (by displayName), or, when that gives nothing, the tenant's default
 * role.  They are recomputed in the write transaction of every change
 * that can alter them: the user's own writes, membership changes, group
 * renames and deletions, and mapping changes (all of the tenant's users).
 */
#ifndef ROLES_H
#define ROLES_H

#include <cjson/cJSON.h>

#include "scim.h"

struct store_txn;
struct scim_resp;

/*
 * Set doc's appRoles (doc: the stored form of user uid, in tx).  With
 * strict set and the tenant's unknown-role policy "reject", an incoming
 * value without a mapping is SCIM_EINVALVALUE naming it.
 */
enum scim_err	 roles_compute(struct store_txn *, const struct tenant *,
		    const uint8_t uid[16], cJSON *doc, int strict,
		    struct scim_resp *);

/* Recompute one stored user (a no-op for an id that is no user). */
enum scim_err	 roles_refresh(struct store_txn *, const struct tenant *,
		    const uint8_t uid[16]);

/* Recompute every user of the tenant. */
enum scim_err	 roles_refresh_all(struct store_txn *, const struct tenant *);

/* A set of user ids whose roles need recomputing. */
struct roles_set {
	uint8_t		(*rs_ids)[16];
	size_t		 rs_n;
	size_t		 rs_cap;
	int		 rs_oom;
};
void		 roles_set_add(struct roles_set *, const uint8_t id[16]);
/* Add the direct members of group gid. */
enum scim_err	 roles_set_members(struct store_txn *, const struct tenant *,
		    const uint8_t gid[16], struct roles_set *);
/* Recompute every user in the set, then empty it. */
enum scim_err	 roles_set_refresh(struct store_txn *, const struct tenant *,
		    struct roles_set *);
void		 roles_set_free(struct roles_set *);

/* Whether the tenant maps any group to a role (then membership matters). */
int		 roles_by_group(struct store_txn *, const struct tenant *);

#endif /* ROLES_H */
