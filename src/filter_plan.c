/*
 * filter_plan.c: which resources a filter can match, from the index:
 * the candidates list.c reads instead of every resource of the type.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "filter_int.h"
#include "indexes.h"
#include "schema.h"
#include "util.h"

void
filter_plan_free(struct filter_plan *pl)
{
	if (pl == NULL)
		return;
	filter_plan_free(pl->pl_sub[0]);
	filter_plan_free(pl->pl_sub[1]);
	free(pl);
}

/* The string a term compares with (bare words are strings already). */
static const char *
term_string(const struct fnode *n)
{
	return cJSON_IsString(n->fn_value) ? n->fn_value->valuestring : NULL;
}

/*
 * Plan ranks: lower is more selective; -1 is a scan.  One id, then a
 * unique index, the groups of one member, a single-valued index, the
 * members of one group or a multi-valued index, a prefix, a union.
 */
#define RANK_SCAN	-1
#define RANK_ID		0
#define RANK_UNIQUE	1
#define RANK_MEMBEROF	2
#define RANK_SINGLE	2
#define RANK_MEMBERS	3
#define RANK_MULTI	3
#define RANK_PREFIX	4
#define RANK_UNION	5

static struct filter_plan *
plan_new(enum plan_kind kind, int r, int *rank)
{
	struct filter_plan	*pl;

	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return NULL;	/* a scan: slower, never wrong */
	pl->pl_kind = kind;
	*rank = r;
	return pl;
}

/*
 * A plan for the comparison op/value on attribute a (sub-attribute sub
 * or NULL) of sc, or NULL for a scan.
 */
static struct filter_plan *
plan_cmp(const struct schema *sc, const struct schema_attr *a,
    const struct schema_attr *sub, enum filter_op op, const char *v,
    int *rank)
{
	const struct index_def	*d;
	struct filter_plan	*pl;
	enum fmember		 m;

	if (v == NULL || (op != FOP_EQ && op != FOP_SW))
		return NULL;
	/* A complex attribute without sub-attribute compares its value. */
	if (sub == NULL && a->sa_type == AT_COMPLEX &&
	    (sub = schema_attr_find(a->sa_sub, "value")) == NULL)
		return NULL;
	if (sub == NULL && strcmp(a->sa_name, "id") == 0) {
		if (op != FOP_EQ || (pl = plan_new(PLAN_ID, RANK_ID,
		    rank)) == NULL)
			return NULL;
		pl->pl_empty = util_uuid_parse(v, pl->pl_id) == -1;
		return pl;
	}
	m = filter_membership(sc, a);
	if (m != FM_NONE && strcmp(sub->sa_name, "value") == 0) {
		if (op != FOP_EQ || (pl = plan_new(m == FM_MEMBERS ?
		    PLAN_MEMBEROF : PLAN_MEMBERS, m == FM_MEMBERS ?
		    RANK_MEMBEROF : RANK_MEMBERS, rank)) == NULL)
			return NULL;
		pl->pl_empty = util_uuid_parse(v, pl->pl_id) == -1;
		return pl;
	}
	if ((d = indexes_find(sc->sc_type, a->sa_name, sub != NULL ?
	    sub->sa_name : NULL)) == NULL)
		return NULL;
	/* sw on a case-exact index would need a case-exact range. */
	if (op == FOP_SW && !(d->ix_flags & IX_FOLD))
		return NULL;
	if ((pl = plan_new(op == FOP_SW ? PLAN_PREFIX : PLAN_INDEX,
	    op == FOP_SW ? RANK_PREFIX : (d->ix_flags & IX_UNIQUE) ?
	    RANK_UNIQUE : d->ix_sub == NULL ? RANK_SINGLE : RANK_MULTI,
	    rank)) == NULL)
		return NULL;
	pl->pl_idx = d->ix_idx;
	if (indexes_key(d, v, pl->pl_value) == -1)
		pl->pl_empty = 1;	/* longer than anything stored */
	return pl;
}

static struct filter_plan	*plan_node(const struct fnode *,
				    const struct schema *,
				    const struct schema_attr *, int *);

/* The better of two plans of which both must hold (and). */
static struct filter_plan *
plan_both(struct filter_plan *l, int lr, struct filter_plan *r, int rr,
    int *rank)
{
	if (l == NULL || (r != NULL && rr < lr)) {
		filter_plan_free(l);
		*rank = r != NULL ? rr : RANK_SCAN;
		return r;
	}
	filter_plan_free(r);
	*rank = lr;
	return l;
}

/*
 * A leaf: a comparison, or a value path, whose filter is planned as
 * comparisons of the sub-attributes (an element matching it has them),
 * and with Entra's .sub op value after it, as attr.sub op value too.
 * in: the complex attribute when inside a value path.
 */
static struct filter_plan *
plan_leaf(const struct fnode *n, const struct schema *sc,
    const struct schema_attr *in, int *rank)
{
	const struct schema_attr	*a, *sub;
	struct filter_plan		*l, *r;
	const char			*ext;
	int				 lr, rr;

	*rank = RANK_SCAN;
	if (in != NULL) {
		/* emails[value eq "x"]: value is emails.value. */
		if (n->fn_type != FN_CMP || (sub = schema_attr_find(in->sa_sub,
		    n->fn_path)) == NULL)
			return NULL;
		return plan_cmp(sc, in, sub, n->fn_op, term_string(n), rank);
	}
	if ((n->fn_type != FN_CMP && n->fn_type != FN_VALUEPATH) ||
	    schema_resolve(sc, n->fn_path, &a, &sub, &ext) == -1 ||
	    ext != NULL)
		return NULL;
	if (n->fn_type == FN_CMP)
		return plan_cmp(sc, a, sub, n->fn_op, term_string(n), rank);
	if (sub != NULL || a->sa_type != AT_COMPLEX)
		return NULL;
	l = plan_node(n->fn_left, sc, a, &lr);
	r = NULL;
	rr = RANK_SCAN;
	if (n->fn_sub != NULL && (sub = schema_attr_find(a->sa_sub,
	    n->fn_sub)) != NULL)
		r = plan_cmp(sc, a, sub, n->fn_op, term_string(n), &rr);
	return plan_both(l, lr, r, rr, rank);
}

/*
 * and: the most selective planned operand (the others are checked by
 * filter_match); or: a union when both sides are planned; anything else
 * scans.
 */
static struct filter_plan *
plan_node(const struct fnode *n, const struct schema *sc,
    const struct schema_attr *in, int *rank)
{
	struct filter_plan	*l, *r, *pl;
	int			 lr, rr;

	switch (n->fn_type) {
	case FN_AND:
		l = plan_node(n->fn_left, sc, in, &lr);
		r = plan_node(n->fn_right, sc, in, &rr);
		return plan_both(l, lr, r, rr, rank);
	case FN_OR:
		l = plan_node(n->fn_left, sc, in, &lr);
		r = plan_node(n->fn_right, sc, in, &rr);
		if (l == NULL || r == NULL ||
		    (pl = plan_new(PLAN_UNION, RANK_UNION, rank)) == NULL) {
			filter_plan_free(l);
			filter_plan_free(r);
			*rank = RANK_SCAN;
			return NULL;
		}
		pl->pl_sub[0] = l;
		pl->pl_sub[1] = r;
		return pl;
	case FN_NOT:
		*rank = RANK_SCAN;
		return NULL;
	default:
		return plan_leaf(n, sc, in, rank);
	}
}

enum scim_err
filter_plan(const struct fnode *n, const struct schema *sc,
    struct filter_plan **out, char *err, size_t errlen)
{
	int	rank;

	*out = NULL;
	if (filter_check(n, sc, err, errlen) == -1)
		return SCIM_EFILTER;
	if ((*out = plan_node(n, sc, NULL, &rank)) != NULL)
		return SCIM_OK;
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return SCIM_ENOMEM;
	(*out)->pl_kind = PLAN_SCAN;
	return SCIM_OK;
}
