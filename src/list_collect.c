/*
 * list_collect.c: the candidates of a filter plan (filter.h), read from
 * the index and the membership keys: the resources list.c reads instead
 * of every one of the type.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "list_int.h"
#include "store.h"

#define LIST_MAX_CANDIDATES	100000	/* more: scan instead */

/* Candidate ids of a plan. */
struct idset {
	uint8_t		(*is_ids)[16];
	size_t		 is_n;
	size_t		 is_cap;
	int		 is_over;	/* too many: scan instead */
	enum res_type	 is_type;	/* PLAN_MEMBERS: of the stream */
};

static int
idset_add(const uint8_t id[16], void *arg)
{
	struct idset	*s = arg;
	void		*p;
	size_t		 cap;

	if (s->is_over)
		return 1;
	if (s->is_n == LIST_MAX_CANDIDATES) {
		s->is_over = 1;
		return 1;
	}
	if (s->is_n == s->is_cap) {
		cap = s->is_cap ? s->is_cap * 2 : 64;
		if ((p = realloc(s->is_ids, cap * 16)) == NULL) {
			s->is_over = 1;	/* too many to hold: scan instead */
			return 1;
		}
		s->is_ids = p;
		s->is_cap = cap;
	}
	memcpy(s->is_ids[s->is_n++], id, 16);
	return 0;
}

/* A member of a group, when of the type listed. */
static int
idset_member(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	struct idset	*s = arg;

	(void)display;
	(void)dlen;
	return type == s->is_type ? idset_add(id, s) : 0;
}

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static enum scim_err
collect(struct store_txn *tx, uint32_t tn, enum res_type type,
    const struct filter_plan *pl, struct idset *s)
{
	uint8_t		(*ids)[16];
	size_t		 n, i;
	enum scim_err	 e;

	if (pl->pl_empty)
		return SCIM_OK;
	switch (pl->pl_kind) {
	case PLAN_ID:
		idset_add(pl->pl_id, s);
		return SCIM_OK;
	case PLAN_INDEX:
		if ((ids = malloc(SCIM_MAX_CANDIDATES * 16)) == NULL)
			return SCIM_ENOMEM;
		e = store_idx_find(tx, tn, type, pl->pl_idx, pl->pl_value,
		    strlen(pl->pl_value), ids, SCIM_MAX_CANDIDATES, &n);
		if (e == SCIM_ETOOMANY)
			s->is_over = 1;
		for (i = 0; e == SCIM_OK && i < n && !s->is_over; i++)
			idset_add(ids[i], s);
		free(ids);
		return e == SCIM_ETOOMANY ? SCIM_OK : e;
	case PLAN_PREFIX:
		return store_idx_prefix(tx, tn, type, pl->pl_idx, pl->pl_value,
		    strlen(pl->pl_value), idset_add, s);
	case PLAN_MEMBEROF:
		return store_memberof_each(tx, tn, pl->pl_id, idset_add, s);
	case PLAN_MEMBERS:
		s->is_type = type;
		return store_member_each(tx, tn, pl->pl_id, idset_member, s);
	case PLAN_UNION:
		if ((e = collect(tx, tn, type, pl->pl_sub[0], s)) != SCIM_OK ||
		    s->is_over)
			return e;
		return collect(tx, tn, type, pl->pl_sub[1], s);
	case PLAN_SCAN:
		s->is_over = 1;
		return SCIM_OK;
	}
	return SCIM_OK;
}

enum scim_err
list_candidates(struct store_txn *tx, uint32_t tenant, enum res_type type,
    const struct filter_plan *pl, uint8_t (**ids)[16], size_t *n, int *scan)
{
	struct idset	s;
	size_t		i, k;
	enum scim_err	e;

	memset(&s, 0, sizeof(s));
	*ids = NULL;
	*n = 0;
	*scan = 0;
	if ((e = collect(tx, tenant, type, pl, &s)) != SCIM_OK ||
	    s.is_over) {
		free(s.is_ids);
		*scan = e == SCIM_OK;
		return e;
	}
	if (s.is_n > 1)
		qsort(s.is_ids, s.is_n, 16, id_cmp);
	for (i = k = 0; i < s.is_n; i++)
		if (k == 0 || memcmp(s.is_ids[i], s.is_ids[k - 1], 16) != 0)
			memmove(s.is_ids[k++], s.is_ids[i], 16);
	*ids = s.is_ids;
	*n = k;
	return SCIM_OK;
}
