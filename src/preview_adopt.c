/*
 * preview_adopt.c: a preview made live (preview.h), in one write
 * transaction, keeping the rules of doc/architecture.md §5: every
 * deprovisioning the adoption performs gets its audit entry with the
 * before-image restore_entry() (src/restore.c) undoes it from, and
 * every resource it changes one change-feed record, with the state the
 * transaction leaves it in (audit_change_ex() reads it back).
 *
 * In order: both sides are read; the audit entries are written from the
 * live side (their before-images); the live data is replaced by the
 * preview's (store_data_copy()); the feed records are written; the
 * preview's data is dropped and the tenant record marked live.
 */
#include "config.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "ctx.h"
#include "json.h"
#include "preview.h"
#include "preview_int.h"
#include "schema.h"
#include "store.h"
#include "util.h"

typedef enum scim_err (*pair_cb)(struct store_txn *, const struct ctx *,
    const struct side *, const struct side *, const struct pres *l,
    const struct pres *p);

/* Every resource of type k on either side, in id order, as (l, p). */
static enum scim_err
each_pair(struct store_txn *tx, const struct ctx *cx, const struct side *live,
    const struct side *prev, int k, pair_cb cb)
{
	const struct pres	*l, *p;
	size_t			 i = 0, j = 0;
	int			 c;
	enum scim_err		 e;

	while (i < live->s_n[k] || j < prev->s_n[k]) {
		l = i < live->s_n[k] ? &live->s_res[k][i] : NULL;
		p = j < prev->s_n[k] ? &prev->s_res[k][j] : NULL;
		c = l == NULL ? 1 : p == NULL ? -1 : memcmp(l->r_id, p->r_id,
		    16);
		if (c < 0) {
			p = NULL;
			i++;
		} else if (c > 0) {
			l = NULL;
			j++;
		} else {
			i++;
			j++;
		}
		if ((e = cb(tx, cx, live, prev, l, p)) != SCIM_OK)
			return e;
	}
	return SCIM_OK;
}

/*
 * The groups of side s that id is a direct member of, as a deletion's
 * before-image lists them (src/resource.c): the group's id, its
 * displayName, and the display the member had in it.
 */
static cJSON *
parents(const struct side *s, const uint8_t id[16])
{
	const struct pres	*g;
	const struct pmem	*m;
	cJSON			*list, *o;
	char			 ids[UUID_STRLEN + 1];
	size_t			 i;

	if ((list = cJSON_CreateArray()) == NULL)
		return NULL;
	for (i = 0; i < s->s_n[1]; i++) {
		g = &s->s_res[1][i];
		if ((m = pv_find_mem(g, id)) == NULL)
			continue;
		util_uuid_format(g->r_id, ids);
		if ((o = cJSON_CreateObject()) == NULL) {
			cJSON_Delete(list);
			return NULL;
		}
		cJSON_AddItemToArray(list, o);
		if (json_add_string(o, "value", ids) == -1 ||
		    json_add_string(o, "display", pv_name(g, 1)) == -1 ||
		    json_add_string(o, "memberDisplay", m->m_display) == -1) {
			cJSON_Delete(list);
			return NULL;
		}
	}
	return list;
}

/* A member key as a before-image gives it: value, type, display. */
static cJSON *
member_obj(const struct pmem *m)
{
	cJSON	*o;
	char	 ids[UUID_STRLEN + 1];

	util_uuid_format(m->m_id, ids);
	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (json_add_string(o, "value", ids) == -1 ||
	    json_add_string(o, "type", m->m_type == RES_GROUP ? "Group" :
	    "User") == -1 || json_add_string(o, "display", m->m_display) ==
	    -1) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* user.deleted, group.deleted: the record and its memberships. */
static enum scim_err
audit_delete(struct store_txn *tx, const struct ctx *cx,
    const struct side *live, const struct pres *l, int k)
{
	cJSON	*before, *list, *o;
	size_t	 i;

	if ((before = cJSON_CreateObject()) == NULL ||
	    json_add(before, "resource", cJSON_Duplicate(l->r_doc, 1)) == -1 ||
	    json_add(before, "groups", parents(live, l->r_id)) == -1) {
		cJSON_Delete(before);
		return SCIM_ENOMEM;
	}
	if (k == 1) {
		if ((list = cJSON_AddArrayToObject(before, "members")) ==
		    NULL) {
			cJSON_Delete(before);
			return SCIM_ENOMEM;
		}
		for (i = 0; i < l->r_nmem; i++) {
			if ((o = member_obj(&l->r_mem[i])) == NULL) {
				cJSON_Delete(before);
				return SCIM_ENOMEM;
			}
			cJSON_AddItemToArray(list, o);
		}
	}
	return audit_record_res(tx, cx, k ? "group.deleted" : "user.deleted",
	    k ? RES_GROUP : RES_USER, l->r_id, pv_name(l, k), before, NULL);
}

/* Roles of a not in b (strings), or NULL when none. */
static enum scim_err
roles_lost(const cJSON *a, const cJSON *b, cJSON **lost)
{
	const cJSON	*r, *q;
	int		 held;

	*lost = NULL;
	cJSON_ArrayForEach(r, a) {
		held = 0;
		cJSON_ArrayForEach(q, b)
			held |= cJSON_IsString(r) && cJSON_IsString(q) &&
			    strcmp(r->valuestring, q->valuestring) == 0;
		if (held)
			continue;
		if ((*lost == NULL && (*lost = cJSON_CreateArray()) == NULL) ||
		    !cJSON_AddItemToArray(*lost, cJSON_Duplicate(r, 1))) {
			cJSON_Delete(*lost);
			*lost = NULL;
			return SCIM_ENOMEM;
		}
	}
	return SCIM_OK;
}

static enum scim_err
audit_user(struct store_txn *tx, const struct ctx *cx,
    const struct side *live, const struct side *prev, const struct pres *l,
    const struct pres *p)
{
	cJSON		*before, *lost;
	int		 was, now;
	enum scim_err	 e;

	(void)prev;
	if (l == NULL)
		return SCIM_OK;
	if (p == NULL)
		return audit_delete(tx, cx, live, l, 0);
	was = pv_active(l);
	now = pv_active(p);
	if (was != now) {
		if ((before = cJSON_Duplicate(l->r_doc, 1)) == NULL)
			return SCIM_ENOMEM;
		if ((e = audit_record_res(tx, cx, now ? "user.reactivated" :
		    "user.deactivated", RES_USER, p->r_id, pv_name(p, 0),
		    before, NULL)) != SCIM_OK)
			return e;
	}
	/* Roles an active user loses (src/grant.c audits them so). */
	if (!now)
		return SCIM_OK;
	if ((e = roles_lost(pv_roles(l), pv_roles(p), &lost)) != SCIM_OK ||
	    lost == NULL)
		return e;
	if ((before = cJSON_CreateObject()) == NULL ||
	    json_add(before, "appRoles", cJSON_Duplicate(pv_roles(l), 1)) ==
	    -1) {
		cJSON_Delete(before);
		cJSON_Delete(lost);
		return SCIM_ENOMEM;
	}
	return audit_record_res(tx, cx, "role.lost", RES_USER, p->r_id,
	    pv_name(p, 0), before, lost);
}

static enum scim_err
audit_group(struct store_txn *tx, const struct ctx *cx,
    const struct side *live, const struct side *prev, const struct pres *l,
    const struct pres *p)
{
	const struct pmem	*m;
	cJSON			*before, *o;
	size_t			 i;
	enum scim_err		 e;

	if (l == NULL)
		return SCIM_OK;
	if (p == NULL)
		return audit_delete(tx, cx, live, l, 1);
	for (i = 0; i < l->r_nmem; i++) {
		m = &l->r_mem[i];
		/*
		 * A member the preview removed; one it deleted has the
		 * groups it was in in its own entry.
		 */
		if (pv_find_mem(p, m->m_id) != NULL ||
		    pv_find(prev, m->m_type == RES_GROUP, m->m_id) == NULL)
			continue;
		if ((before = cJSON_CreateObject()) == NULL ||
		    (o = member_obj(m)) == NULL ||
		    json_add(before, "member", o) == -1) {
			cJSON_Delete(before);
			return SCIM_ENOMEM;
		}
		if ((e = audit_record_res(tx, cx, "member.removed", RES_GROUP,
		    p->r_id, pv_name(p, 1), before, NULL)) != SCIM_OK)
			return e;
	}
	return SCIM_OK;
}

/* Member ids of a not in b (either may be NULL), or NULL when none. */
static enum scim_err
ids_gone(const struct pres *a, const struct pres *b, cJSON **out)
{
	char	ids[UUID_STRLEN + 1];
	size_t	i;

	*out = NULL;
	for (i = 0; a != NULL && i < a->r_nmem; i++) {
		if (b != NULL && pv_find_mem(b, a->r_mem[i].m_id) != NULL)
			continue;
		util_uuid_format(a->r_mem[i].m_id, ids);
		if ((*out == NULL && (*out = cJSON_CreateArray()) == NULL) ||
		    !cJSON_AddItemToArray(*out, cJSON_CreateString(ids))) {
			cJSON_Delete(*out);
			*out = NULL;
			return SCIM_ENOMEM;
		}
	}
	return SCIM_OK;
}

/* Do l and p differ in an attribute (not meta, not the roles)? */
static int
attrs_differ(const struct pres *l, const struct pres *p)
{
	cJSON	*list;
	int	 rc;

	if ((list = cJSON_CreateArray()) == NULL)
		return -1;
	rc = pv_attr_diff(list, "", l->r_doc, p->r_doc);
	if (rc == 0)
		rc = list->child != NULL;
	cJSON_Delete(list);
	return rc;
}

static enum scim_err
feed_user(struct store_txn *tx, const struct ctx *cx,
    const struct side *live, const struct side *prev, const struct pres *l,
    const struct pres *p)
{
	const char	*op = NULL;
	int		 d, r;

	(void)live;
	(void)prev;
	if (l == NULL)
		op = "create";
	else if (p == NULL)
		return audit_change_ex(tx, cx, RES_USER, l->r_id, "delete",
		    pv_name(l, 0), NULL, NULL);
	else if (pv_active(l) != pv_active(p))
		op = pv_active(p) ? "reactivate" : "deactivate";
	else if ((d = attrs_differ(l, p)) == -1)
		return SCIM_ENOMEM;
	else if (d)
		op = "update";
	else {
		r = pv_roles(l) == NULL || pv_roles(p) == NULL ?
		    pv_roles(l) != pv_roles(p) : json_equal(pv_roles(l),
		    pv_roles(p)) == 0;
		if (r)
			op = "roles";
	}
	return op == NULL ? SCIM_OK : audit_change(tx, cx, RES_USER, p->r_id,
	    op);
}

static enum scim_err
feed_group(struct store_txn *tx, const struct ctx *cx,
    const struct side *live, const struct side *prev, const struct pres *l,
    const struct pres *p)
{
	cJSON		*added = NULL, *removed = NULL;
	const char	*op = NULL;
	int		 d = 0;
	enum scim_err	 e;

	(void)live;
	(void)prev;
	if (p == NULL)
		return audit_change_ex(tx, cx, RES_GROUP, l->r_id, "delete",
		    pv_name(l, 1), NULL, NULL);
	if ((e = ids_gone(p, l, &added)) != SCIM_OK ||
	    (e = ids_gone(l, p, &removed)) != SCIM_OK)
		goto out;
	if (l != NULL && (d = attrs_differ(l, p)) == -1) {
		e = SCIM_ENOMEM;
		goto out;
	}
	if (l == NULL)
		op = "create";
	else if (d)
		op = "update";
	else if (added != NULL || removed != NULL)
		op = "members";
	if (op != NULL)
		e = audit_change_ex(tx, cx, RES_GROUP, p->r_id, op, NULL,
		    added, removed);
out:
	cJSON_Delete(added);
	cJSON_Delete(removed);
	return e;
}

enum scim_err
preview_adopt(struct store_txn *tx, const struct ctx *cx, cJSON **counts)
{
	const struct tenant	*t = &cx->cx_tenant;
	struct side		 live, prev;
	cJSON			*report = NULL;
	uint64_t		 n = 0;
	enum scim_err		 e;

	if (counts != NULL)
		*counts = NULL;
	if (t->tn_preview == 0 || t->tn_live != 0)
		return SCIM_ENOTFOUND;
	memset(&live, 0, sizeof(live));
	memset(&prev, 0, sizeof(prev));
	if ((e = pv_side_load(tx, t->tn_id, &live)) != SCIM_OK ||
	    (e = pv_side_load(tx, t->tn_preview, &prev)) != SCIM_OK ||
	    (e = pv_report(&live, &prev, &report)) != SCIM_OK)
		goto out;
	if (counts != NULL && (*counts = cJSON_Duplicate(cJSON_GetObjectItem(
	    report, "counts"), 1)) == NULL) {
		e = SCIM_ENOMEM;
		goto out;
	}
	/* The before-images, from the live data still in place. */
	if ((e = each_pair(tx, cx, &live, &prev, 0, audit_user)) !=
	    SCIM_OK || (e = each_pair(tx, cx, &live, &prev, 1,
	    audit_group)) != SCIM_OK)
		goto out;
	if ((e = store_data_copy(tx, t->tn_preview, t->tn_id, &n)) !=
	    SCIM_OK)
		goto out;
	/* The records, with the state now live. */
	if ((e = each_pair(tx, cx, &live, &prev, 0, feed_user)) !=
	    SCIM_OK || (e = each_pair(tx, cx, &live, &prev, 1,
	    feed_group)) != SCIM_OK)
		goto out;
	n = 0;
	if ((e = store_data_drop(tx, t->tn_preview, &n)) == SCIM_OK)
		e = pv_mark(tx, t->tn_name, 0, 0);
out:
	if (e != SCIM_OK && counts != NULL) {
		cJSON_Delete(*counts);
		*counts = NULL;
	}
	cJSON_Delete(report);
	pv_side_free(&live);
	pv_side_free(&prev);
	return e;
}
