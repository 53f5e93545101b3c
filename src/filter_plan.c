/*
 * filter_plan.c: which resources a filter can match, from the index:
 * the candidates list.c reads instead of every resource of the type.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "filter_int.h"
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

/* Plan ranks: lower is more selective; -1 is a scan. */
#define RANK_SCAN	-1

/*
 * A plan for one leaf, or NULL with *rank RANK_SCAN when the index
 * cannot answer it.
 */
static struct filter_plan *
plan_leaf(const struct fnode *n, const struct schema *sc, int *rank)
{
	const struct schema_attr	*a, *sub;
	const struct fnode		*in;
	struct filter_plan		*pl;
	const char			*ext, *v;
	enum store_idx			 idx;
	int				 fold = 1, r;

	*rank = RANK_SCAN;
	if (n->fn_type == FN_VALUEPATH) {
		/* emails[type eq "work"].value eq "x": by emails.value. */
		in = n->fn_left;
		if (sc->sc_type != RES_USER || n->fn_op != FOP_EQ ||
		    n->fn_sub == NULL || !util_strcaseeq(n->fn_sub, "value") ||
		    !util_strcaseeq(n->fn_path, "emails") ||
		    (v = term_string(n)) == NULL)
			return NULL;
		(void)in;
		idx = IDX_EMAIL;
		r = 3;
	} else {
		if (n->fn_type != FN_CMP || (n->fn_op != FOP_EQ &&
		    n->fn_op != FOP_SW) || (v = term_string(n)) == NULL ||
		    schema_resolve(sc, n->fn_path, &a, &sub, &ext) == -1 ||
		    ext != NULL)
			return NULL;
		if (sub == NULL && strcmp(a->sa_name, "id") == 0 &&
		    n->fn_op == FOP_EQ) {
			if ((pl = calloc(1, sizeof(*pl))) == NULL)
				return NULL;
			pl->pl_kind = PLAN_ID;
			pl->pl_empty = util_uuid_parse(v, pl->pl_id) == -1;
			*rank = 0;
			return pl;
		}
		if (sub == NULL && strcmp(a->sa_name, "userName") == 0 &&
		    sc->sc_type == RES_USER) {
			idx = IDX_USERNAME;
			r = 1;
		} else if (sub == NULL && strcmp(a->sa_name, "displayName") ==
		    0 && sc->sc_type == RES_GROUP) {
			idx = IDX_DISPLAYNAME;
			r = 1;
		} else if (sub == NULL && strcmp(a->sa_name, "externalId") ==
		    0) {
			idx = IDX_EXTERNALID;
			fold = 0;
			r = 2;
		} else if (sub != NULL && strcmp(a->sa_name, "emails") == 0 &&
		    strcmp(sub->sa_name, "value") == 0) {
			idx = IDX_EMAIL;
			r = 3;
		} else
			return NULL;
		/* sw on a case-exact index would need a case-exact range. */
		if (n->fn_op == FOP_SW) {
			if (!fold)
				return NULL;
			r = 4;
		}
	}
	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return NULL;
	pl->pl_kind = n->fn_op == FOP_SW ? PLAN_PREFIX : PLAN_INDEX;
	pl->pl_idx = idx;
	if (strlen(v) > SCIM_MAX_KEYSTR)
		pl->pl_empty = 1;	/* longer than anything stored */
	else if (fold)
		schema_fold(v, pl->pl_value);
	else
		util_strlcpy(pl->pl_value, v, sizeof(pl->pl_value));
	*rank = r;
	return pl;
}

/*
 * and: the most selective planned operand (the others are checked by
 * filter_match); or: a union when both sides are planned; anything else
 * scans.
 */
static struct filter_plan *
plan_node(const struct fnode *n, const struct schema *sc, int *rank)
{
	struct filter_plan	*l, *r, *pl;
	int			 lr, rr;

	switch (n->fn_type) {
	case FN_AND:
		l = plan_node(n->fn_left, sc, &lr);
		r = plan_node(n->fn_right, sc, &rr);
		if (l == NULL || (r != NULL && rr < lr)) {
			filter_plan_free(l);
			*rank = rr;
			return r;
		}
		filter_plan_free(r);
		*rank = lr;
		return l;
	case FN_OR:
		l = plan_node(n->fn_left, sc, &lr);
		r = plan_node(n->fn_right, sc, &rr);
		if (l == NULL || r == NULL ||
		    (pl = calloc(1, sizeof(*pl))) == NULL) {
			filter_plan_free(l);
			filter_plan_free(r);
			*rank = RANK_SCAN;
			return NULL;
		}
		pl->pl_kind = PLAN_UNION;
		pl->pl_sub[0] = l;
		pl->pl_sub[1] = r;
		*rank = 5;
		return pl;
	default:
		return plan_leaf(n, sc, rank);
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
	if ((*out = plan_node(n, sc, &rank)) != NULL)
		return SCIM_OK;
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return SCIM_ENOMEM;
	(*out)->pl_kind = PLAN_SCAN;
	return SCIM_OK;
}
