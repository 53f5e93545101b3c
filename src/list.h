/*
 * list.h: listing and searching resources (RFC 7644 §3.4.2, §3.4.3):
 * filters answered through the index where they can be, sorting, paging
 * by startIndex or by cursor (RFC 9865), projection, and POST .search.
 */
#ifndef LIST_H
#define LIST_H

#include "scim.h"

struct scim_req;
struct scim_resp;
struct schema;

/* GET /Users, GET /Groups: the query string says what. */
enum scim_err	 list_get(struct scim_req *, struct scim_resp *,
		    const struct schema *);

/* POST /Users/.search, /Groups/.search, and /.search (sc NULL: both). */
enum scim_err	 list_search(struct scim_req *, struct scim_resp *,
		    const struct schema *);

#endif /* LIST_H */
