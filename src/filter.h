/*
 * filter.h: the RFC 7644 §3.4.2.2 filter grammar parsed into a tree,
 * evaluated against a stored resource, and planned onto the index.
 *
 * Leniencies: attribute names, operators and keywords in any case; a bare
 * word as a value is a string (Entra's legacy `externalId eq jyoung`);
 * Entra's `emails[type eq "work"].value eq "x"` (a value path followed by
 * a sub-attribute comparison).
 */
#ifndef FILTER_H
#define FILTER_H

#include <cjson/cJSON.h>

#include "scim.h"
#include "store.h"

enum fnode_type {
	FN_AND,
	FN_OR,
	FN_NOT,
	FN_CMP,		/* path op value */
	FN_PRESENT,	/* path pr */
	FN_VALUEPATH	/* path[inner], optionally .sub op value */
};

enum filter_op {
	FOP_EQ, FOP_NE, FOP_CO, FOP_SW, FOP_EW,
	FOP_GT, FOP_GE, FOP_LT, FOP_LE, FOP_PR
};

struct fnode {
	enum fnode_type	 fn_type;
	enum filter_op	 fn_op;
	char		*fn_path;	/* attribute path as written */
	char		*fn_sub;	/* FN_VALUEPATH: sub-attribute or NULL */
	cJSON		*fn_value;	/* compValue; a bare word is a string */
	struct fnode	*fn_left;	/* AND/OR/NOT operand; VALUEPATH inner */
	struct fnode	*fn_right;
};

/*
 * Parse text.  Returns the tree (free it with filter_free), or NULL with
 * a message naming the character offset in err.  Bounded by
 * SCIM_MAX_FILTER, SCIM_MAX_FILTER_DEPTH and SCIM_MAX_FILTER_NODES.
 */
struct fnode	*filter_parse(const char *text, char *err, size_t errlen);
void		 filter_free(struct fnode *);

/* 1 when resource doc matches, else 0 (schema gives the case rules). */
struct schema;
int		 filter_match(const struct fnode *, const struct schema *,
		    const cJSON *doc);

/*
 * A PATCH path (RFC 7644 §3.5.2): attrPath [ "[" valFilter "]" [ "."
 * subAttr ] ].  fp_attr may be URN-qualified and dotted ("name.givenName");
 * schema_resolve() splits it.
 */
struct fpath {
	char		*fp_attr;
	struct fnode	*fp_filter;	/* or NULL */
	char		*fp_sub;	/* after the filter, or NULL */
};

/* Parse a path.  Returns 0, or -1 with a message in err. */
int		 filter_parse_path(const char *text, struct fpath *,
		    char *err, size_t errlen);
void		 filter_path_free(struct fpath *);

/*
 * 1 when one element (an object) of a complex attribute whose
 * sub-attributes are tab matches f (the filter inside a value path).
 */
struct schema_attr;
int		 filter_match_element(const struct fnode *f,
		    const struct schema_attr *tab, const cJSON *el);

/*
 * How to find the candidates.  PLAN_ID: one resource by id; PLAN_INDEX:
 * the ids under (pl_idx, pl_value) in the index; both already folded as
 * the index stores them.  Every candidate is still checked with
 * filter_match().
 */
enum plan_kind { PLAN_ID, PLAN_INDEX };

struct filter_plan {
	enum plan_kind	 pl_kind;
	enum store_idx	 pl_idx;
	uint8_t		 pl_id[16];
	int		 pl_empty;	/* nothing can match (id no UUID ...) */
	char		 pl_value[SCIM_MAX_KEYSTR + 1];
};

/*
 * Plan f for resources of schema sc.  This version answers `eq` on the
 * indexed attributes (id, userName, externalId, emails.value,
 * emails[type eq "x"].value for Users; id, displayName, externalId for
 * Groups) and `and` of such terms; anything else is SCIM_EFILTER with a
 * detail in err.
 */
enum scim_err	 filter_plan(const struct fnode *, const struct schema *sc,
		    struct filter_plan *, char *err, size_t errlen);

#endif /* FILTER_H */
