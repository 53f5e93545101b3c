/*
 * user_query.h: users as the operator reads them, for `scimlet user`
 * (src/cli/user.c) and the console (src/admin_read.c).
 */
#ifndef USER_QUERY_H
#define USER_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct store_txn;

/* The application roles of a stored user (an array, or NULL). */
const cJSON	*user_app_roles(const cJSON *doc);
/* Whether doc holds application role role. */
int		 user_has_role(const cJSON *doc, const char *role);
/*
 * The stored record of user who in tenant t: by id, else by userName
 * (any case, as the userName index folds it).
 */
enum scim_err	 user_find(struct store_txn *, const struct tenant *t,
		    const char *who, const char **json, size_t *len);
/*
 * The object of `user list --json`: {"id","userName","externalId",
 * "active","appRoles"}, null for a missing userName or externalId, []
 * for no roles; NULL when out of memory.
 */
cJSON		*user_list_json(const char *id, const cJSON *doc);

#endif /* USER_QUERY_H */
