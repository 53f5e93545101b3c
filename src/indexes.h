/*
 * indexes.h: the one table of what the index keeps and what names a
 * resource.  Writing entries (resource_index), uniqueness (resource_write,
 * restore), the filter planner and the name a resource must carry all
 * walk this table, so an attribute added to it is indexed, planned and,
 * if marked so, kept unique with no other change.  Resources stored
 * before the addition get their entries when next written.
 *
 * Entries name core attributes only (not extensions), by their canonical
 * case, and hold strings: a value longer than SCIM_MAX_KEYSTR bytes has
 * no entry.
 */
#ifndef INDEXES_H
#define INDEXES_H

#include <cjson/cJSON.h>

#include "scim.h"
#include "store.h"

#define IX_FOLD		0x1	/* caseExact false: keys folded */
#define IX_UNIQUE	0x2	/* no two resources of the type share a key */
#define IX_NAME		0x4	/* names the resource: required */

struct index_def {
	enum res_type	 ix_type;
	const char	*ix_attr;	/* "userName", "emails" */
	const char	*ix_sub;	/* "value", or NULL */
	enum store_idx	 ix_idx;
	unsigned int	 ix_flags;
};

/* The i-th entry (from 0) for type, or NULL past the last. */
const struct index_def	*indexes_get(enum res_type, size_t i);

/* The entry of attribute attr (sub-attribute sub or NULL), any case. */
const struct index_def	*indexes_find(enum res_type, const char *attr,
			    const char *sub);

/* The entry that names resources of type (userName, displayName). */
const struct index_def	*indexes_name(enum res_type);

/*
 * The key of value as the index keeps it (folded or not) into out
 * (SCIM_MAX_KEYSTR + 1 bytes).  -1 when value is too long to have one.
 */
int			 indexes_key(const struct index_def *,
			    const char *value, char *out);

/*
 * Every string doc holds for the entry, in order (each element of a
 * multi-valued attribute): fn returns 0 to go on.  Returns what the last
 * call of fn returned, or 0.
 */
typedef int		(*indexes_value_cb)(const char *value, void *arg);
int			 indexes_values(const struct index_def *,
			    const cJSON *doc, indexes_value_cb, void *arg);

/* Add (add != 0) or remove every entry of stored resource doc. */
enum scim_err		 indexes_update(struct store_txn *, uint32_t tenant,
			    enum res_type, const cJSON *doc,
			    const uint8_t id[16], int add);

/*
 * SCIM_EUNIQUE when a resource other than self (NULL: none) holds a key
 * of doc under a unique entry; *which (may be NULL) is that entry and
 * *value (may be NULL) the value of doc.  Hits are confirmed against the
 * stored resource (long values are kept hashed).
 */
enum scim_err		 indexes_taken(struct store_txn *, uint32_t tenant,
			    enum res_type, const cJSON *doc,
			    const uint8_t *self, const struct index_def **which,
			    const char **value);

#endif /* INDEXES_H */
