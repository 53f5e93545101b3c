/*
 * resource.h: what the resource types share: listing with filters and
 * paging, get and delete by id, index maintenance, uniqueness checks, and
 * turning a stored resource into a response (meta.resourceType,
 * meta.location).
 */
#ifndef RESOURCE_H
#define RESOURCE_H

#include <cjson/cJSON.h>

#include "scim.h"
#include "store.h"

struct scim_req;
struct scim_resp;
struct schema;

enum scim_err	 resource_get(struct scim_req *, struct scim_resp *,
		    const struct schema *, const char *id);
enum scim_err	 resource_delete(struct scim_req *, struct scim_resp *,
		    const struct schema *, const char *id);

/* Parse an id from a URL; SCIM_ENOTFOUND (with detail) if it is no UUID. */
enum scim_err	 resource_id(const char *s, uint8_t id[16],
		    struct scim_resp *);

/* Add (add != 0) or remove the index entries of a stored resource. */
enum scim_err	 resource_index(struct store_txn *, uint32_t tenant,
		    const struct schema *, const cJSON *doc,
		    const uint8_t id[16], int add);

/*
 * SCIM_EUNIQUE (409, detail names attr) when another resource than self
 * (NULL: none) has value in the unique attribute attr (indexed by idx).
 */
enum scim_err	 resource_unique(struct store_txn *, uint32_t tenant,
		    const struct schema *, enum store_idx idx,
		    const char *attr, const char *value, const uint8_t *self,
		    struct scim_resp *);

/*
 * RFC 7644 §3.14: SCIM_EPRECOND (412) when the request has If-Match and
 * it does not name old's meta.version (weakly) nor "*".
 */
enum scim_err	 resource_precondition(struct scim_req *, const cJSON *old,
		    struct scim_resp *);

/* The ETag header of a response about stored resource doc: meta.version. */
void		 resource_etag(struct scim_resp *, const cJSON *doc);

/* SCIM_EINVALVALUE unless doc has its userName (displayName for groups). */
enum scim_err	 resource_named(const struct schema *, const cJSON *doc,
		    struct scim_resp *);

/*
 * A PATCH: *doc is a copy of stored resource old with the PatchOp body
 * applied (membership through pm, NULL for users), checked to keep its
 * name, and ready for resource_write() (no schemas, id or meta).
 */
struct patch_members;
enum scim_err	 resource_patch(const struct schema *, const cJSON *body,
		    const cJSON *old, const struct patch_members *pm,
		    cJSON **doc, struct scim_resp *);

/*
 * Write a new (old NULL) or replaced resource in tx: its unique name
 * (userName, displayName) checked, the stored form made from doc
 * (consumed, which must carry that name) and put, the index brought from
 * old's entries to the new ones.  *stored is the stored form (the caller
 * frees it, also on error).
 */
struct scim_req;
enum scim_err	 resource_write(struct scim_req *, struct scim_resp *,
		    struct store_txn *, const struct schema *,
		    const uint8_t id[16], cJSON *doc, const cJSON *old,
		    cJSON **stored);

/* A stored resource changed in place: new lastModified and version.
 * Returns 0, or -1 when out of memory. */
int		 resource_touch(cJSON *doc);

/*
 * The stored form of a new or replaced resource: "schemas", "id", the
 * attributes of doc (consumed), then "meta" with created (kept from old
 * when given), lastModified and a new version.  NULL when out of memory.
 */
cJSON		*resource_stored(const struct schema *, const uint8_t id[16],
		    cJSON *doc, const cJSON *old);

/*
 * Answer with a stored resource: add meta.resourceType and meta.location,
 * print it, set status, and for 201 the Location header.  Consumes doc.
 */
enum scim_err	 resource_respond(struct scim_req *, struct scim_resp *,
		    const struct schema *, cJSON *doc, int status);

/*
 * Write the response form of stored resource doc (consumed) into out:
 * computed attributes added (meta.resourceType, meta.location, a user's
 * groups, a group's members), the projection applied.  tx is a read
 * transaction for the membership keys.
 */
struct proj;
struct buf;
enum scim_err	 resource_emit(struct scim_req *, struct store_txn *,
		    const struct schema *, const struct proj *, cJSON *doc,
		    struct buf *out);

#endif /* RESOURCE_H */
