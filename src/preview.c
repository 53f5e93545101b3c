/*
 * preview.c: a tenant in preview: its start, the difference with the
 * live data, adopting and discarding it (preview.h).
 *
 * Both sides are read whole into memory (the records and the member
 * keys), then walked together by id: an operator's command, once per
 * preview, never a request.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "ctx.h"
#include "json.h"
#include "preview.h"
#include "schema.h"
#include "store.h"
#include "util.h"

#include "preview_int.h"

struct load {
	struct side	*l_s;
	int		 l_k;
	struct pres	*l_g;		/* members: the group */
	enum scim_err	 l_err;
};

static int
res_load(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct load	*l = arg;
	struct side	*s = l->l_s;
	struct pres	*p;
	size_t		 n = s->s_n[l->l_k];

	if ((n & (n - 1)) == 0) {	/* 0, 1, 2, 4...: grow */
		if ((p = reallocarray(s->s_res[l->l_k], n == 0 ? 16 : n * 2,
		    sizeof(*p))) == NULL) {
			l->l_err = SCIM_ENOMEM;
			return 1;
		}
		s->s_res[l->l_k] = p;
	}
	p = &s->s_res[l->l_k][n];
	memset(p, 0, sizeof(*p));
	memcpy(p->r_id, id, 16);
	if ((p->r_doc = cJSON_ParseWithLength(json, len)) == NULL) {
		l->l_err = SCIM_ESTORE;
		return 1;
	}
	s->s_n[l->l_k]++;
	return 0;
}

static int
mem_load(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	struct load	*l = arg;
	struct pres	*g = l->l_g;
	struct pmem	*m;
	size_t		 n = g->r_nmem;

	if ((n & (n - 1)) == 0) {
		if ((m = reallocarray(g->r_mem, n == 0 ? 8 : n * 2,
		    sizeof(*m))) == NULL) {
			l->l_err = SCIM_ENOMEM;
			return 1;
		}
		g->r_mem = m;
	}
	m = &g->r_mem[n];
	memcpy(m->m_id, id, 16);
	m->m_type = type;
	if ((m->m_display = malloc(dlen + 1)) == NULL) {
		l->l_err = SCIM_ENOMEM;
		return 1;
	}
	memcpy(m->m_display, display, dlen);
	m->m_display[dlen] = '\0';
	g->r_nmem++;
	return 0;
}

void
pv_side_free(struct side *s)
{
	size_t	k, i, j;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < s->s_n[k]; i++) {
			cJSON_Delete(s->s_res[k][i].r_doc);
			for (j = 0; j < s->s_res[k][i].r_nmem; j++)
				free(s->s_res[k][i].r_mem[j].m_display);
			free(s->s_res[k][i].r_mem);
		}
		free(s->s_res[k]);
	}
	memset(s, 0, sizeof(*s));
}

enum scim_err
pv_side_load(struct store_txn *tx, uint32_t tn, struct side *s)
{
	struct load	l;
	size_t		i;
	enum scim_err	e;

	memset(s, 0, sizeof(*s));
	s->s_tn = tn;
	memset(&l, 0, sizeof(l));
	l.l_s = s;
	for (l.l_k = 0; l.l_k < 2; l.l_k++) {
		e = store_res_each(tx, tn, l.l_k ? RES_GROUP : RES_USER,
		    res_load, &l);
		if (e != SCIM_OK || (e = l.l_err) != SCIM_OK)
			return e;
	}
	for (i = 0; i < s->s_n[1]; i++) {
		l.l_g = &s->s_res[1][i];
		e = store_member_each(tx, tn, l.l_g->r_id, mem_load, &l);
		if (e != SCIM_OK || (e = l.l_err) != SCIM_OK)
			return e;
	}
	return SCIM_OK;
}

static int
pres_cmp(const void *a, const void *b)
{
	return memcmp(((const struct pres *)a)->r_id,
	    ((const struct pres *)b)->r_id, 16);
}

struct pres *
pv_find(const struct side *s, int k, const uint8_t id[16])
{
	struct pres	key;

	memcpy(key.r_id, id, 16);
	return s->s_n[k] == 0 ? NULL : bsearch(&key, s->s_res[k], s->s_n[k],
	    sizeof(key), pres_cmp);
}

static int
pmem_cmp(const void *a, const void *b)
{
	return memcmp(((const struct pmem *)a)->m_id,
	    ((const struct pmem *)b)->m_id, 16);
}

struct pmem *
pv_find_mem(const struct pres *g, const uint8_t id[16])
{
	struct pmem	key;

	memcpy(key.m_id, id, 16);
	return g->r_nmem == 0 ? NULL : bsearch(&key, g->r_mem, g->r_nmem,
	    sizeof(key), pmem_cmp);
}

const char *
pv_name(const struct pres *p, int k)
{
	const char	*n;

	n = p == NULL ? NULL : cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(p->r_doc, k ? "displayName" :
	    "userName"));
	return n != NULL ? n : "";
}

const cJSON *
pv_roles(const struct pres *p)
{
	const cJSON	*r;

	r = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    p->r_doc, URN_SCIMLET), "appRoles");
	return cJSON_IsArray(r) ? r : NULL;
}

int
pv_active(const struct pres *p)
{
	return !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p->r_doc,
	    "active"));
}

/* ---- the difference -------------------------------------------------- */

/* One attribute that differs: {"attribute","live","preview"}. */
static int
attr_add(cJSON *list, const char *name, const cJSON *a, const cJSON *b)
{
	cJSON	*o;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(list, o);
	if (json_add_string(o, "attribute", name) == -1 ||
	    json_add(o, "live", a != NULL ? cJSON_Duplicate(a, 1) :
	    cJSON_CreateNull()) == -1 ||
	    json_add(o, "preview", b != NULL ? cJSON_Duplicate(b, 1) :
	    cJSON_CreateNull()) == -1)
		return -1;
	return 0;
}

/* What is compared: not meta, id, schemas, the application roles (the
 * report gives them apart). */
static int
skipped(const char *k)
{
	return strcmp(k, "meta") == 0 || strcmp(k, "id") == 0 ||
	    strcmp(k, "schemas") == 0 || strcmp(k, URN_SCIMLET) == 0;
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The attributes of a and b (objects) that differ, into list, named
 * prefix + key; an extension's attributes (urn: keys holding objects)
 * one by one.  Sorted by name.  -1 when out of memory.
 */
int
pv_attr_diff(cJSON *list, const char *prefix, const cJSON *a, const cJSON *b)
{
	const cJSON	*c, *va, *vb;
	const char	**keys;
	char		 name[512];
	size_t		 n = 0, i;
	int		 rc = 0, eq;

	for (c = a != NULL ? a->child : NULL; c != NULL; c = c->next)
		n++;
	for (c = b != NULL ? b->child : NULL; c != NULL; c = c->next)
		n++;
	if ((keys = calloc(n + 1, sizeof(*keys))) == NULL)
		return -1;
	n = 0;
	for (c = a != NULL ? a->child : NULL; c != NULL; c = c->next)
		keys[n++] = c->string;
	for (c = b != NULL ? b->child : NULL; c != NULL; c = c->next)
		keys[n++] = c->string;
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 0; rc == 0 && i < n; i++) {
		if (keys[i] == NULL || (i > 0 && strcmp(keys[i],
		    keys[i - 1]) == 0) || (prefix[0] == '\0' &&
		    skipped(keys[i])))
			continue;
		va = cJSON_GetObjectItemCaseSensitive(a, keys[i]);
		vb = cJSON_GetObjectItemCaseSensitive(b, keys[i]);
		snprintf(name, sizeof(name), "%s%s", prefix, keys[i]);
		if (prefix[0] == '\0' && strncmp(keys[i], "urn:", 4) == 0 &&
		    (va == NULL || cJSON_IsObject(va)) &&
		    (vb == NULL || cJSON_IsObject(vb))) {
			snprintf(name, sizeof(name), "%s:", keys[i]);
			rc = pv_attr_diff(list, name, va, vb);
			continue;
		}
		if (va != NULL && vb != NULL) {
			if ((eq = json_equal(va, vb)) == -1)
				rc = -1;
			if (eq != 0)
				continue;
		}
		rc = attr_add(list, name, va, vb);
	}
	free(keys);
	return rc;
}

/* A report item of a resource. */
static cJSON *
item(cJSON *list, const char *action, const uint8_t id[16],
    const char *name)
{
	cJSON	*o;
	char	 ids[UUID_STRLEN + 1];

	util_uuid_format(id, ids);
	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddItemToArray(list, o);
	if (json_add_string(o, "action", action) == -1 ||
	    json_add_string(o, "id", ids) == -1 ||
	    json_add_string(o, "name", name) == -1 ||
	    cJSON_AddArrayToObject(o, "attributes") == NULL)
		return NULL;
	return o;
}

static const char *
res_action(const struct pres *l, const struct pres *p, int k)
{
	if (l == NULL)
		return "created";
	if (p == NULL)
		return "deleted";
	if (k == 0 && pv_active(l) && !pv_active(p))
		return "deactivated";
	if (k == 0 && !pv_active(l) && pv_active(p))
		return "reactivated";
	return "changed";
}

static int
member_item(cJSON *list, const char *action, const struct pres *g,
    const struct pmem *m, const struct side *s)
{
	cJSON		*o;
	const struct pres *mr;
	char		 ids[UUID_STRLEN + 1];
	int		 k = m->m_type == RES_GROUP;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(list, o);
	mr = pv_find(s, k, m->m_id);
	if (json_add_string(o, "action", action) == -1)
		return -1;
	util_uuid_format(g->r_id, ids);
	if (json_add_string(o, "group", ids) == -1 ||
	    json_add_string(o, "groupName", pv_name(g, 1)) == -1)
		return -1;
	util_uuid_format(m->m_id, ids);
	if (json_add_string(o, "member", ids) == -1 ||
	    json_add_string(o, "memberName", mr != NULL ? pv_name(mr, k) :
	    m->m_display) == -1 ||
	    json_add_string(o, "type", k ? "Group" : "User") == -1)
		return -1;
	return 0;
}

/* Members of a (may be NULL) not in b (may be NULL). */
static int
members_gone(cJSON *list, const char *action, const struct pres *a,
    const struct pres *b, const struct pres *g, const struct side *names)
{
	size_t	i;

	for (i = 0; a != NULL && i < a->r_nmem; i++)
		if ((b == NULL || pv_find_mem(b, a->r_mem[i].m_id) == NULL) &&
		    member_item(list, action, g, &a->r_mem[i], names) == -1)
			return -1;
	return 0;
}

static int
obj_cmp(const void *a, const void *b, const char *k1, const char *k2,
    const char *k3)
{
	const cJSON	*x = *(const cJSON *const *)a;
	const cJSON	*y = *(const cJSON *const *)b;
	const char	*ks[3] = { k1, k2, k3 };
	const char	*s, *t;
	int		 i, c;

	for (i = 0; i < 3; i++) {
		if (ks[i] == NULL)
			continue;
		s = cJSON_GetStringValue(cJSON_GetObjectItem(x, ks[i]));
		t = cJSON_GetStringValue(cJSON_GetObjectItem(y, ks[i]));
		if ((c = strcmp(s != NULL ? s : "", t != NULL ? t : "")) != 0)
			return c;
	}
	return 0;
}

static int
res_item_cmp(const void *a, const void *b)
{
	return obj_cmp(a, b, "name", "id", NULL);
}

static int
mem_item_cmp(const void *a, const void *b)
{
	int	c = obj_cmp(a, b, "groupName", "group", "action");

	return c != 0 ? c : obj_cmp(a, b, "memberName", "member", NULL);
}

/* Sort the items of list (an array) with cmp. */
static int
sort_list(cJSON *list, int (*cmp)(const void *, const void *))
{
	cJSON	**v, *c;
	size_t	  n = 0, i;

	for (c = list->child; c != NULL; c = c->next)
		n++;
	if (n < 2)
		return 0;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return -1;
	for (i = 0, c = list->child; c != NULL; c = c->next)
		v[i++] = c;
	qsort(v, n, sizeof(*v), cmp);
	for (i = 0; i < n; i++) {
		v[i]->prev = i > 0 ? v[i - 1] : v[n - 1];
		v[i]->next = i + 1 < n ? v[i + 1] : NULL;
	}
	list->child = v[0];
	free(v);
	return 0;
}

static int
roles_item(cJSON *list, const struct pres *l, const struct pres *p)
{
	const cJSON	*a = pv_roles(l), *b = pv_roles(p);
	cJSON		*o;
	char		 ids[UUID_STRLEN + 1];
	int		 eq;

	if (a == NULL && b == NULL)
		return 0;
	if (a != NULL && b != NULL && (eq = json_equal(a, b)) != 0)
		return eq == -1 ? -1 : 0;
	util_uuid_format(p->r_id, ids);
	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(list, o);
	if (json_add_string(o, "id", ids) == -1 ||
	    json_add_string(o, "name", pv_name(p, 0)) == -1 ||
	    json_add(o, "live", a != NULL ? cJSON_Duplicate(a, 1) :
	    cJSON_CreateArray()) == -1 ||
	    json_add(o, "preview", b != NULL ? cJSON_Duplicate(b, 1) :
	    cJSON_CreateArray()) == -1)
		return -1;
	return 0;
}

static int
count_actions(cJSON *counts, const char *kind, const cJSON *list)
{
	static const char *const acts[] = { "created", "changed",
	    "deactivated", "reactivated", "deleted", "added", "removed" };
	const cJSON	*c;
	const char	*a;
	char		 key[64];
	size_t		 i;
	double		 n;

	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		n = 0;
		cJSON_ArrayForEach(c, list) {
			a = cJSON_GetStringValue(cJSON_GetObjectItem(c,
			    "action"));
			n += a != NULL && strcmp(a, acts[i]) == 0;
		}
		if (n == 0)
			continue;
		snprintf(key, sizeof(key), "%s-%s", kind, acts[i]);
		if (cJSON_AddNumberToObject(counts, key, n) == NULL)
			return -1;
	}
	return 0;
}

/* The report of live against prev (preview.h). */
enum scim_err
pv_report(const struct side *live, const struct side *prev, cJSON **out)
{
	cJSON		*r, *lists[2], *mem, *roles, *it, *counts;
	const struct pres *l, *p, *g;
	size_t		 i, j;
	int		 k, c, bad = 0;

	*out = NULL;
	if ((r = cJSON_CreateObject()) == NULL ||
	    (lists[0] = cJSON_AddArrayToObject(r, "users")) == NULL ||
	    (lists[1] = cJSON_AddArrayToObject(r, "groups")) == NULL ||
	    (mem = cJSON_AddArrayToObject(r, "members")) == NULL ||
	    (roles = cJSON_AddArrayToObject(r, "roles")) == NULL) {
		cJSON_Delete(r);
		return SCIM_ENOMEM;
	}
	for (k = 0; k < 2 && !bad; k++) {
		for (i = j = 0; !bad && (i < live->s_n[k] ||
		    j < prev->s_n[k]);) {
			l = i < live->s_n[k] ? &live->s_res[k][i] : NULL;
			p = j < prev->s_n[k] ? &prev->s_res[k][j] : NULL;
			c = l == NULL ? 1 : p == NULL ? -1 :
			    memcmp(l->r_id, p->r_id, 16);
			if (c < 0)
				p = NULL, i++;
			else if (c > 0)
				l = NULL, j++;
			else
				i++, j++;
			if (l != NULL && p != NULL) {
				if ((it = cJSON_CreateArray()) == NULL) {
					bad = 1;
					break;
				}
				bad |= pv_attr_diff(it, "", l->r_doc,
				    p->r_doc) == -1;
				if (!bad && it->child != NULL) {
					cJSON	*o = item(lists[k], res_action(
					    l, p, k), p->r_id, pv_name(p, k));

					bad |= o == NULL;
					if (o != NULL)
						cJSON_ReplaceItemInObject(o,
						    "attributes", it);
					else
						cJSON_Delete(it);
				} else
					cJSON_Delete(it);
				if (!bad && k == 0)
					bad |= roles_item(roles, l, p) == -1;
			} else
				bad |= item(lists[k], res_action(l, p, k),
				    (l != NULL ? l : p)->r_id,
				    pv_name(l != NULL ? l : p, k)) == NULL;
			/* Memberships of groups that stay or come. */
			if (!bad && k == 1 && p != NULL) {
				g = p;
				bad |= members_gone(mem, "added", p, l, g,
				    prev) == -1;
				bad |= members_gone(mem, "removed", l, p, g,
				    live) == -1;
			}
		}
	}
	if (!bad)
		bad |= sort_list(lists[0], res_item_cmp) == -1 ||
		    sort_list(lists[1], res_item_cmp) == -1 ||
		    sort_list(mem, mem_item_cmp) == -1 ||
		    sort_list(roles, res_item_cmp) == -1;
	if (!bad) {
		bad |= (counts = cJSON_AddObjectToObject(r, "counts")) == NULL;
		bad |= bad || count_actions(counts, "users", lists[0]) == -1 ||
		    count_actions(counts, "groups", lists[1]) == -1 ||
		    count_actions(counts, "members", mem) == -1 ||
		    cJSON_AddNumberToObject(counts, "roles-changed",
		    cJSON_GetArraySize(roles)) == NULL;
	}
	if (bad) {
		cJSON_Delete(r);
		return SCIM_ENOMEM;
	}
	*out = r;
	return SCIM_OK;
}

enum scim_err
preview_diff(struct store_txn *tx, const struct tenant *t, cJSON **report)
{
	struct side	live, prev;
	enum scim_err	e;

	*report = NULL;
	if (t->tn_preview == 0)
		return SCIM_ENOTFOUND;
	memset(&live, 0, sizeof(live));
	memset(&prev, 0, sizeof(prev));
	if ((e = pv_side_load(tx, t->tn_id, &live)) == SCIM_OK &&
	    (e = pv_side_load(tx, t->tn_preview, &prev)) == SCIM_OK)
		e = pv_report(&live, &prev, report);
	pv_side_free(&live);
	pv_side_free(&prev);
	return e;
}

/* ---- start, adopt, discard ------------------------------------------- */

/*
 * Mark the tenant record: in preview with number num, or live (0).  The
 * attributes declared when the preview starts are kept aside
 * ("live-attributes"): requests in preview may declare more
 * (resource_declare()), and a discard puts the live ones back.
 */
enum scim_err
pv_mark(struct store_txn *tx, const char *tenant, uint32_t num, int discard)
{
	cJSON		*doc, *saved;
	enum scim_err	 e;
	int		 bad = 0;

	if ((e = store_tenant_doc(tx, tenant, &doc)) != SCIM_OK)
		return e;
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "preview");
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "mode");
	saved = cJSON_DetachItemFromObjectCaseSensitive(doc, "live-attributes");
	if (num != 0) {
		cJSON_Delete(saved);
		saved = cJSON_GetObjectItemCaseSensitive(doc, "attributes");
		bad = cJSON_AddStringToObject(doc, "mode", "preview") == NULL ||
		    cJSON_AddNumberToObject(doc, "preview", num) == NULL ||
		    json_add(doc, "live-attributes", saved != NULL ?
		    cJSON_Duplicate(saved, 1) : cJSON_CreateNull()) == -1;
	} else if (discard && saved != NULL) {
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "attributes");
		if (!cJSON_IsNull(saved))
			bad = json_add(doc, "attributes", saved) == -1;
		else
			cJSON_Delete(saved);
	} else
		cJSON_Delete(saved);
	e = bad ? SCIM_ENOMEM : store_tenant_put_doc(tx, tenant, doc);
	cJSON_Delete(doc);
	return e;
}

enum scim_err
preview_start(struct store_txn *tx, const char *tenant, uint32_t *num,
    uint64_t *nkeys)
{
	struct tenant	t;
	enum scim_err	e;

	*nkeys = 0;
	if ((e = store_tenant_get(tx, tenant, &t)) != SCIM_OK)
		return e;
	if (t.tn_preview != 0)
		return SCIM_EUNIQUE;
	if ((e = store_tenant_number(tx, num)) != SCIM_OK ||
	    (e = store_data_copy(tx, t.tn_id, *num, nkeys)) != SCIM_OK)
		return e;
	return pv_mark(tx, tenant, *num, 0);
}

static enum scim_err
counts_of(const cJSON *report, cJSON **counts)
{
	if (counts == NULL)
		return SCIM_OK;
	*counts = cJSON_Duplicate(cJSON_GetObjectItem(report, "counts"), 1);
	return *counts != NULL ? SCIM_OK : SCIM_ENOMEM;
}

enum scim_err
preview_discard(struct store_txn *tx, const struct tenant *t,
    cJSON **counts)
{
	cJSON		*report = NULL;
	uint64_t	 n = 0;
	enum scim_err	 e;

	if (counts != NULL)
		*counts = NULL;
	if ((e = preview_diff(tx, t, &report)) == SCIM_OK &&
	    (e = counts_of(report, counts)) == SCIM_OK &&
	    (e = store_data_drop(tx, t->tn_preview, &n)) == SCIM_OK)
		e = pv_mark(tx, t->tn_name, 0, 1);
	cJSON_Delete(report);
	return e;
}
