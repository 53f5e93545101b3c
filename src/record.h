/*
 * record.h: the stored form of a resource: "schemas", "id", its
 * attributes, then "meta" (resourceType, created, lastModified, version).
 * Shared by every writer (resource.c, grant.c, restore.c) so none of
 * them depends on another to make or touch one.
 */
#ifndef RECORD_H
#define RECORD_H

#include <cjson/cJSON.h>

#include "scim.h"

struct schema;

/*
 * The stored form of a new or replaced resource: "schemas", "id", the
 * attributes of doc (consumed), then "meta" with created (kept from old
 * when given), lastModified and a new version.  NULL when out of memory.
 */
cJSON		*record_make(const struct schema *, const uint8_t id[16],
		    cJSON *doc, const cJSON *old);

/* A stored resource changed in place: new lastModified and version.
 * Returns 0, or -1 when out of memory. */
int		 record_touch(cJSON *doc);

/*
 * Whether two stored forms say the same thing: equal but for "meta" (a
 * write that changes nothing keeps its version: clients re-send what
 * they sent before, every cycle).
 */
int		 record_same(const cJSON *a, const cJSON *b);

/* Keep a's meta (version, lastModified) in b: b is a unchanged. */
int		 record_keep_meta(const cJSON *a, cJSON *b);

#endif /* RECORD_H */
