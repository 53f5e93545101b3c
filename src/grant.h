/*
 * grant.h: the one writer of application roles.  roles.c computes a
 * user's set; grant_apply() puts it in the user's stored form and writes
 * the role.lost audit entry when roles are taken away.  The refresh
 * functions recompute stored users after a change elsewhere (membership,
 * a group renamed or deleted, a mapping changed), in the caller's write
 * transaction.
 */
#ifndef GRANT_H
#define GRANT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct store_txn;
struct ctx;
struct roles_set;

/*
 * Make set (consumed) the appRoles of doc (the stored form of user uid,
 * changed in place).  old is the stored form before this write (NULL for
 * a new user): roles it held that set lacks are audited as role.lost,
 * unless doc is inactive (its user.deactivated entry keeps them).
 */
enum scim_err	 grant_apply(struct store_txn *, const struct ctx *,
		    const uint8_t uid[16], cJSON *doc, const cJSON *old,
		    cJSON *set);

/* Recompute one stored user (a no-op for an id that is no user). */
enum scim_err	 grant_refresh(struct store_txn *, const struct ctx *,
		    const uint8_t uid[16]);

/* Recompute every user in the set, then empty it. */
enum scim_err	 grant_refresh_set(struct store_txn *, const struct ctx *,
		    struct roles_set *);

/*
 * Recompute every user of the tenant; *recomputed and *changed (either
 * may be NULL) say how many users were recomputed, and how many of them
 * had their application roles changed (and so a new version).
 */
enum scim_err	 grant_refresh_all(struct store_txn *, const struct ctx *,
		    size_t *recomputed, size_t *changed);

#endif /* GRANT_H */
