/*
 * preview.h: a tenant in preview (doc/architecture.md §4.10).
 *
 * `tenant set T mode=preview` copies the tenant's data (resources,
 * index, members, memberof) under a fresh tenant number, the preview's,
 * kept in the tenant record ("preview").  The worker acts for the tenant
 * on that copy (ctx_preview()): every SCIM request is answered as a live
 * tenant answers it, while the live data, its change feed, the global
 * feed, the library and the CLI's reads stay as they were.  Role
 * mappings and the activity log stay the tenant's own.
 *
 * preview_diff() compares the preview with the live data: what adopting
 * it would do.  preview_adopt() makes the live data the preview's, with
 * a change-feed record for every resource it changes and an audit entry
 * with its before-image for every deprovisioning (doc/architecture.md
 * §5.2), in the caller's transaction; preview_discard() drops it.
 */
#ifndef PREVIEW_H
#define PREVIEW_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct ctx;
struct store_txn;

/*
 * Start the preview of tenant in tx: a fresh number, the live data
 * copied under it (*nkeys keys), the tenant record marked.  SCIM_EUNIQUE
 * when the tenant is in preview already.
 */
enum scim_err	 preview_start(struct store_txn *, const char *tenant,
		    uint32_t *num, uint64_t *nkeys);

/*
 * What the preview of tenant t would change in its live data, as the
 * report's JSON (*report, the caller frees it):
 *   {"users":[R...], "groups":[R...], "members":[M...], "roles":[O...],
 *    "counts":{...}}
 * R: {"action": created|changed|deactivated|reactivated|deleted, "id",
 *     "name", "attributes": [{"attribute", "live", "preview"}]}
 * M: {"action": added|removed, "group", "groupName", "member",
 *     "memberName", "type"}
 * O: {"id", "name", "live": [roles], "preview": [roles]}
 * Sorted by name, then id; attributes by name.  SCIM_ENOTFOUND when t
 * is not in preview.
 */
enum scim_err	 preview_diff(struct store_txn *, const struct tenant *t,
		    cJSON **report);

/*
 * Adopt (cx: the live tenant's context, as the CLI builds it) or drop
 * the preview, in tx; *counts (may be NULL) gets the report's counts.
 */
enum scim_err	 preview_adopt(struct store_txn *, const struct ctx *cx,
		    cJSON **counts);
enum scim_err	 preview_discard(struct store_txn *, const struct tenant *t,
		    cJSON **counts);

#endif /* PREVIEW_H */
