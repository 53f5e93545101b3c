/*
 * restore.h: undoing a deprovisioning audit entry: a deleted user or
 * group comes back with the same id, record, memberships (to groups and
 * members that still exist) and roles; a deactivated user is reactivated;
 * a removed member is added back.  Each restore is audited itself.
 */
#ifndef RESTORE_H
#define RESTORE_H

#include <cjson/cJSON.h>

#include "scim.h"

struct store_txn;
struct ctx;

/*
 * Undo entry (a parsed audit entry of the context's tenant) in tx.  What was done, or
 * could not be (a group that no longer exists), is appended to report as
 * lines.  SCIM_EUNIQUE (with a report line) when the userName or
 * displayName is taken now, SCIM_ENOTIMPL for entries that cannot be
 * undone (role.lost: roles follow the mapping), SCIM_ENOTFOUND when there
 * is nothing to undo (already restored, or the user is gone).
 */
enum scim_err	 restore_entry(struct store_txn *, const struct ctx *,
		    const cJSON *entry, char *report, size_t reportlen);

/* Whether an action is one restore undoes. */
int		 restore_undoable(const char *action);

#endif /* RESTORE_H */
