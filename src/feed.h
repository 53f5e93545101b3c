/*
 * feed.h: the tenant's change feed (doc/architecture.md §5.8): its
 * records, made in the transaction of each change, and
 * GET {mount}/.changes?since=SEQ&count=N.
 */
#ifndef FEED_H
#define FEED_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct ctx;
struct scim_req;
struct scim_resp;
struct store_txn;

#define FEED_COUNT_DEFAULT	100
#define FEED_MAX_COUNT		1000

/*
 * The record of a change to resource id of tenant cx in tx: op, and the
 * state tx leaves the resource in; name: the last name of a resource
 * deleted (NULL otherwise); added, removed: a group's member ids (arrays
 * of strings, or NULL).
 */
enum scim_err	 feed_add(struct store_txn *, const struct ctx *,
		    enum res_type, const uint8_t id[16], const char *op,
		    const char *name, const cJSON *added,
		    const cJSON *removed);

/*
 * GET /.changes: the tenant's records after since (default 0), at most
 * count (default 100, at most 1000), oldest first, as
 * {"changes":[...],"next":SEQ,"more":BOOL,"last":SEQ}: next is the since
 * of the next page; last the newest sequence there is.  410 when records
 * after since were pruned.
 */
enum scim_err	 feed_get(struct scim_req *, struct scim_resp *);

#endif /* FEED_H */
