/*
 * role_change.h: a change to a tenant's role settings, as `scimlet role
 * ...` (src/cli/role.c) and the console (src/admin_roles.c) make it: the
 * setting or the mapping, then every user's application roles
 * recomputed in the same write transaction (grant.h).
 */
#ifndef ROLE_CHANGE_H
#define ROLE_CHANGE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "deprov.h"
#include "scim.h"

struct store;
struct store_txn;

/*
 * Whether op ("source", "default", "unknown", "map", "map-group",
 * "unmap", "unmap-group") with arg (and role, for map and map-group;
 * NULL otherwise) is a change: NULL, else why not.
 */
const char	*role_change_check(const char *op, const char *arg,
		    const char *role);
/*
 * Make it in tx for tenant t; *later is 1 when it applies to later
 * writes only (unknown), else every user was recomputed with a context
 * built after the change (ctx_open() with actor, deprov.h): *recomputed
 * and *changed as grant_refresh_all() gives them.
 * SCIM_ENOTFOUND: an unmap of no mapping; SCIM_EINVALVALUE: no such op.
 */
enum scim_err	 role_change(struct store *, struct store_txn *,
		    const struct tenant *t, const char *op, const char *arg,
		    const char *role, const struct deprov_actor *actor,
		    int *later, size_t *recomputed, size_t *changed);
/*
 * The settings as `role list --json` shows them, one object per line
 * there: {"kind","value","role"}, null for what is not set.
 */
cJSON		*role_row_json(const char *kind, const char *value,
		    const char *role);

#endif /* ROLE_CHANGE_H */
