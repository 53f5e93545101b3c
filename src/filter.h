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

/*
 * What a filter reads besides the stored resource: the membership keys.
 * Group.members and User.groups (RFC 7643 §4.2, §4.1.2) are kept one key
 * per member (store.h), never in the stored resource, and read from tx
 * when a filter names them.  fe_err is the first store error met (the
 * match is then 0).
 */
struct filter_env {
	struct store_txn	*fe_tx;
	uint32_t		 fe_tenant;
	enum scim_err		 fe_err;
};

/*
 * 1 when resource doc matches, else 0 (schema gives the case rules).
 * env NULL: members and groups are read from doc itself.
 */
struct schema;
int		 filter_match(const struct fnode *, const struct schema *,
		    const cJSON *doc, struct filter_env *env);

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

/*
 * 1 when s is an attribute path (RFC 7644 §3.10: [URI ":"] ATTRNAME
 * ["." ATTRNAME], "$ref" a name too), as sortBy and filters name
 * attributes; filter_attrname_ok: one ATTRNAME.
 */
int		 filter_attrpath_ok(const char *s);
int		 filter_attrname_ok(const char *s);

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
 * How to find the candidates of a filter; every candidate is still
 * checked with filter_match(), so a plan may over-approximate but never
 * miss.  PLAN_ID: one resource; PLAN_INDEX: the ids under one index value;
 * PLAN_PREFIX: the ids under every index value starting with pl_value
 * (`sw`); PLAN_MEMBEROF: the groups pl_id is a member of
 * (`members[value eq "id"]`); PLAN_MEMBERS: the members of group pl_id
 * (`groups.value eq "id"`); PLAN_UNION: the ids of both sub-plans (`or`);
 * PLAN_SCAN: every resource of the type in the tenant.  Index values are
 * keyed as indexes_key() keys them.  Every kind but PLAN_SCAN uses an
 * index.
 */
enum plan_kind {
	PLAN_ID, PLAN_INDEX, PLAN_PREFIX, PLAN_MEMBEROF, PLAN_MEMBERS,
	PLAN_UNION, PLAN_SCAN
};

struct filter_plan {
	enum plan_kind		 pl_kind;
	enum store_idx		 pl_idx;
	uint8_t			 pl_id[16];
	int			 pl_empty;	/* nothing can match */
	char			 pl_value[SCIM_MAX_KEYSTR + 1];
	struct filter_plan	*pl_sub[2];	/* PLAN_UNION */
};

/*
 * Check f against schema sc and plan it.  SCIM_EFILTER (detail in err)
 * for a filter no resource could be compared with: an ordering or
 * substring operator on a boolean, an operator on a complex attribute
 * without sub-attribute.  *out is freed with filter_plan_free().
 */
enum scim_err	 filter_plan(const struct fnode *, const struct schema *sc,
		    struct filter_plan **out, char *err, size_t errlen);
void		 filter_plan_free(struct filter_plan *);

#endif /* FILTER_H */
