/*
 * resource.h: what the resource types share: the write transaction and
 * its owner, get and delete by id, index maintenance, uniqueness checks,
 * storing a resource (resource.c), and turning a stored resource into a
 * response (emit.c).
 */
#ifndef RESOURCE_H
#define RESOURCE_H

#include <cjson/cJSON.h>

#include "scim.h"
#include "store.h"

struct scim_req;
struct scim_resp;
struct schema;
struct ctx;

/*
 * One write transaction with one owner: resource_txn() begins it, runs
 * fn, and commits when fn returned SCIM_OK, else aborts.  fn uses tx but
 * never ends it.  Returns fn's error, or the commit's.
 */
typedef enum scim_err (*resource_op)(struct scim_req *, struct store_txn *,
		    void *arg, struct scim_resp *);
enum scim_err	 resource_txn(struct scim_req *, struct scim_resp *,
		    resource_op fn, void *arg);

/*
 * The stored resource id (ids as the client wrote it) for a change in
 * tx: *old is its stored form, parsed.  SCIM_ENOTFOUND with a detail,
 * SCIM_EPRECOND when If-Match names another version, SCIM_ESTORE for a
 * record that is not JSON.
 */
enum scim_err	 resource_load(struct scim_req *, struct store_txn *,
		    const struct schema *, const uint8_t id[16],
		    const char *ids, cJSON **old, struct scim_resp *);

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
 * SCIM_EUNIQUE (409, detail names the attribute) when another resource
 * than self (NULL: none) has a value of doc in a unique attribute
 * (indexes.h).
 */
enum scim_err	 resource_unique(struct store_txn *, uint32_t tenant,
		    const struct schema *, const cJSON *doc,
		    const uint8_t *self, struct scim_resp *);

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
 * (consumed, which must carry that name), a user's application roles
 * computed and applied, and the record put with its index, audit entries
 * and change record.  When old says the same (a write that changes
 * nothing) and changed is 0 (nothing else about the resource changed,
 * such as its members), nothing is written and *stored keeps old's
 * version.  *stored is the stored form (the caller frees it, also on
 * error).
 */
enum scim_err	 resource_write(struct ctx *, struct store_txn *,
		    const struct schema *, const uint8_t id[16], cJSON *doc,
		    const cJSON *old, int changed, cJSON **stored,
		    struct scim_resp *);

/*
 * Answer a PATCH with stored (consumed): 204 with its ETag when
 * no_content is set (the tenant's patch-response=no-content, or a Group)
 * and the request asks for no projection, else 200 with the resource.
 * tx: the write's transaction (see resource_respond()).
 */
enum scim_err	 resource_patched(struct scim_req *, struct store_txn *tx,
		    struct scim_resp *, const struct schema *, cJSON *stored,
		    int no_content);

/*
 * Answer with a stored resource: add meta.resourceType and meta.location,
 * print it, set status, and for 201 the Location header.  Consumes doc.
 * A write passes its own transaction (tx), before committing it, so that
 * it answers 2xx exactly when it is stored (resource_txn() drops the
 * response when the commit fails); tx NULL reads in a transaction of its
 * own.
 */
enum scim_err	 resource_respond(struct scim_req *, struct store_txn *tx,
		    struct scim_resp *, const struct schema *, cJSON *doc,
		    int status);

/*
 * Write the response form of stored resource doc (consumed) into out:
 * computed attributes added (meta.resourceType, meta.location, a user's
 * groups, a group's members), the projection applied.  tx is a read
 * transaction for the membership keys.  With parts (the response), a
 * group whose members pass 64 KB is written to the client in parts as
 * it is made, in tx (parts->rp_sent; out holds nothing then).
 */
struct proj;
struct buf;
struct scim_resp;
enum scim_err	 resource_emit(struct scim_req *, struct store_txn *,
		    const struct schema *, const struct proj *, cJSON *doc,
		    struct buf *out, struct scim_resp *parts);

#endif /* RESOURCE_H */
