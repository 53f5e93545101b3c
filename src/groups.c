/*
 * groups.c: creating, replacing and patching Groups.  Reading, listing
 * and deleting are resource.c's.  Every write is one transaction: group
 * record, index, membership keys; any failure aborts all of it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "audit.h"
#include "ctx.h"
#include "grant.h"
#include "groups.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "patch.h"
#include "resource.h"
#include "roles.h"
#include "schema.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

/* What the membership callbacks need. */
struct members {
	const struct ctx	*mb_cx;
	struct store_txn	*mb_tx;
	uint32_t		 mb_tenant;
	uint8_t			 mb_group[16];
	/* Members whose application roles may change (roles by group). */
	int			 mb_track;
	struct roles_set	 mb_touched;
	/* Members taken out ({"value","type","display"}), for the audit. */
	cJSON			*mb_removed;
	/* Member ids put in, and those truly gone, for the change feed. */
	cJSON			*mb_added;
	cJSON			*mb_gone;
	/*
	 * Puts and removals numbered in order (the valueint of items of
	 * mb_added and mb_removed): what came first tells whether a member
	 * was in the group before the request.
	 */
	int			 mb_ev;
	int			 mb_changed;
	int			 mb_skip;	/* unknown-members=skip */
	enum scim_err		 mb_err;	/* of a walk's callback */
};

/* Remember member id (now in the group) as possibly removed. */
static enum scim_err
note_removed(struct members *mb, const uint8_t id[16])
{
	enum res_type	 type;
	char		 display[STORE_DISPLAY_MAX + 1], ids[UUID_STRLEN + 1];
	cJSON		*m;
	enum scim_err	 e;

	e = store_member_get(mb->mb_tx, mb->mb_tenant, mb->mb_group, id, &type,
	    display, sizeof(display));
	if (e == SCIM_ENOTFOUND)
		return SCIM_OK;
	if (e != SCIM_OK)
		return e;
	if (mb->mb_removed == NULL &&
	    (mb->mb_removed = cJSON_CreateArray()) == NULL)
		return SCIM_ENOMEM;
	util_uuid_format(id, ids);
	if ((m = cJSON_CreateObject()) == NULL)
		return SCIM_ENOMEM;
	cJSON_AddItemToArray(mb->mb_removed, m);
	m->valueint = ++mb->mb_ev;
	if (json_add_string(m, "value", ids) == -1 ||
	    json_add_string(m, "type", type == RES_GROUP ? "Group" :
	    "User") == -1 || json_add_string(m, "display", display) == -1)
		return SCIM_ENOMEM;
	return SCIM_OK;
}

static int
note_each(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	struct members	*mb = arg;

	(void)type;
	(void)display;
	(void)dlen;
	mb->mb_err = note_removed(mb, id);
	return mb->mb_err != SCIM_OK;
}

const char *
groups_member_display(enum res_type type, const cJSON *doc)
{
	const cJSON	*v;

	if (type == RES_USER &&
	    cJSON_IsString(v = cJSON_GetObjectItem(doc, "displayName")) &&
	    v->valuestring[0] != '\0')
		return v->valuestring;
	v = cJSON_GetObjectItem(doc, type == RES_USER ? "userName" :
	    "displayName");
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * A member id that names no user or group of the tenant: 400, the whole
 * request undone, or with unknown-members=skip left out and logged, so
 * that one stale id (a user deleted behind the identity provider's back)
 * does not block the rest of a batch.
 */
static enum scim_err
member_unknown(struct members *mb, const char *ids, struct scim_resp *resp)
{
	if (!mb->mb_skip)
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "member %.64s does not exist", ids);
	log_warnx("skipped member %.64s: it does not exist "
	    "(unknown-members=skip)", ids);
	return SCIM_OK;
}

/*
 * Add member ids to the group: it must be a user or group of the tenant.
 * Its display is what the client sent with it, else its own name.
 */
static enum scim_err
member_add(void *arg, const char *ids, const char *display,
    struct scim_resp *resp)
{
	struct members	*mb = arg;
	uint8_t		 id[16];
	const char	*json;
	size_t		 len;
	cJSON		*doc, *a;
	enum res_type	 type = RES_USER, htype;
	char		 had[STORE_DISPLAY_MAX + 1];
	enum scim_err	 e;
	int		 added = 0;

	if (util_uuid_parse(ids, id) == -1)
		return member_unknown(mb, ids, resp);
	if (memcmp(id, mb->mb_group, 16) == 0)
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "a group cannot be a member of itself");
	e = store_res_get(mb->mb_tx, mb->mb_tenant, RES_USER, id, &json, &len);
	if (e == SCIM_ENOTFOUND) {
		type = RES_GROUP;
		e = store_res_get(mb->mb_tx, mb->mb_tenant, RES_GROUP, id,
		    &json, &len);
	}
	if (e == SCIM_ENOTFOUND)
		return member_unknown(mb, ids, resp);
	if (e != SCIM_OK)
		return scim_fail(resp, e, NULL);
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL)
		return SCIM_ESTORE;
	if (display == NULL)
		display = groups_member_display(type, doc);
	/*
	 * A member already there with the same display is no change: its
	 * key is left alone.  A new member, or a new display (part of the
	 * group's representation), is.
	 */
	if (display != NULL && strlen(display) < sizeof(had))
		e = store_member_get(mb->mb_tx, mb->mb_tenant, mb->mb_group,
		    id, &htype, had, sizeof(had));
	else
		e = SCIM_ENOTFOUND;
	if (e == SCIM_OK && htype == type && strcmp(had, display) == 0) {
		cJSON_Delete(doc);
		return SCIM_OK;
	}
	if (e == SCIM_OK || e == SCIM_ENOTFOUND)
		e = store_member_put(mb->mb_tx, mb->mb_tenant, mb->mb_group, id,
		    type, display, &added);
	cJSON_Delete(doc);
	if (e != SCIM_OK)
		return e;
	mb->mb_changed = 1;
	if (added) {
		activity_members(mb->mb_cx->cx_act, 1);
		if (mb->mb_added == NULL &&
		    (mb->mb_added = cJSON_CreateArray()) == NULL)
			return SCIM_ENOMEM;
		util_uuid_format(id, had);	/* as every id is shown */
		if ((a = cJSON_CreateString(had)) == NULL ||
		    !cJSON_AddItemToArray(mb->mb_added, a)) {
			cJSON_Delete(a);
			return SCIM_ENOMEM;
		}
		a->valueint = ++mb->mb_ev;
	}
	if (mb->mb_track && type == RES_USER && added)
		roles_set_add(&mb->mb_touched, id);
	return SCIM_OK;
}

/* Take member id out of the group; one that is not in it is no error. */
static enum scim_err
member_remove_id(struct members *mb, const uint8_t id[16])
{
	enum scim_err	e;
	int		removed = 0;

	if (mb->mb_track)
		roles_set_add(&mb->mb_touched, id);
	if ((e = note_removed(mb, id)) != SCIM_OK)
		return e;
	if ((e = store_member_del(mb->mb_tx, mb->mb_tenant, mb->mb_group, id,
	    &removed)) == SCIM_OK && removed)
		mb->mb_changed = 1;
	return e;
}

/* Removing a member that is not one succeeds (idempotent). */
static enum scim_err
member_remove(void *arg, const char *ids, struct scim_resp *resp)
{
	uint8_t	id[16];

	(void)resp;
	if (util_uuid_parse(ids, id) == -1)
		return SCIM_OK;
	return member_remove_id(arg, id);
}

static enum scim_err
member_clear(void *arg, struct scim_resp *resp)
{
	struct members	*mb = arg;
	enum scim_err	 e;

	(void)resp;
	if (mb->mb_track && (e = roles_set_members(mb->mb_tx, mb->mb_cx,
	    mb->mb_group, &mb->mb_touched)) != SCIM_OK)
		return e;
	mb->mb_err = SCIM_OK;
	if ((e = store_member_each(mb->mb_tx, mb->mb_tenant, mb->mb_group,
	    note_each, mb)) != SCIM_OK)
		return e;
	if (mb->mb_err != SCIM_OK)
		return mb->mb_err;
	if (mb->mb_removed != NULL && mb->mb_removed->child != NULL)
		mb->mb_changed = 1;
	return store_member_clear(mb->mb_tx, mb->mb_tenant, mb->mb_group);
}

/*
 * Decode and normalise a Group body.  *members is the "members" value
 * when the body has one (borrowed from *in, which the caller frees).
 */
static enum scim_err
group_body(struct scim_req *req, struct scim_resp *resp, cJSON **in,
    cJSON **out, const cJSON **members)
{
	enum scim_err	 e;

	*out = NULL;
	if ((e = json_parse_body(req->rq_body, req->rq_bodylen, in, resp)))
		return e;
	*members = cJSON_GetObjectItem(*in, "members");
	if ((e = schema_normalize(ctx_schema(req->rq_cx, RES_GROUP), *in, out,
	    resp)))
		return e;
	cJSON_DeleteItemFromObject(*out, "members");
	return resource_named(ctx_schema(req->rq_cx, RES_GROUP), *out, resp);
}

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* Members of the group that the new list leaves out. */
struct leftover {
	const uint8_t		(*lo_keep)[16];	/* sorted */
	size_t			 lo_n;
	struct roles_set	 lo_gone;	/* (a list of ids) */
};

static int
leftover_each(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	struct leftover	*lo = arg;

	(void)type;
	(void)display;
	(void)dlen;
	if (bsearch(id, lo->lo_keep, lo->lo_n, 16, id_cmp) == NULL)
		roles_set_add(&lo->lo_gone, id);
	return lo->lo_gone.rs_oom;
}

/*
 * Set the group's members to list (an array of {"value": id} or ids, one
 * of them, or null for none):
 * the listed ones are put (a member already there is no change), then
 * those left out are removed.  So a client that sends the whole list
 * every cycle (Okta) changes nothing, and touches only the keys that
 * change, however large the group.
 */
static enum scim_err
members_set(struct members *mb, const cJSON *list, struct scim_resp *resp)
{
	struct leftover	 lo;
	const cJSON	*el, *v, *d;
	uint8_t		(*keep)[16] = NULL;
	size_t		 n = 0, i;
	enum scim_err	 e = SCIM_OK;

	if (list == NULL || cJSON_IsNull(list))
		return member_clear(mb, resp);
	memset(&lo, 0, sizeof(lo));
	if ((keep = calloc(cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(
	    list) + 1 : 1, sizeof(*keep))) == NULL)
		return SCIM_ENOMEM;
	/* One value for a PATCH replace: a list of one. */
	for (el = cJSON_IsArray(list) ? list->child : list; el != NULL;
	    el = cJSON_IsArray(list) ? el->next : NULL) {
		v = cJSON_IsObject(el) ? cJSON_GetObjectItem(el, "value") : el;
		if (!cJSON_IsString(v)) {
			e = scim_fail(resp, SCIM_EINVALVALUE,
			    "a member needs a value (its id)");
			goto out;
		}
		d = cJSON_IsObject(el) ? cJSON_GetObjectItem(el, "display") :
		    NULL;
		if ((e = member_add(mb, v->valuestring, cJSON_IsString(d) &&
		    d->valuestring[0] != '\0' ? d->valuestring : NULL, resp)))
			goto out;
		if (util_uuid_parse(v->valuestring, keep[n]) == 0)
			n++;
	}
	if (n > 1)
		qsort(keep, n, sizeof(*keep), id_cmp);
	lo.lo_keep = (const uint8_t (*)[16])keep;
	lo.lo_n = n;
	/* The walk first: keys are removed after it, not under its cursor. */
	if ((e = store_member_each(mb->mb_tx, mb->mb_tenant, mb->mb_group,
	    leftover_each, &lo)) == SCIM_OK && lo.lo_gone.rs_oom)
		e = SCIM_ENOMEM;
	for (i = 0; e == SCIM_OK && i < lo.lo_gone.rs_n; i++)
		e = member_remove_id(mb, lo.lo_gone.rs_ids[i]);
out:
	roles_set_free(&lo.lo_gone);
	free(keep);
	return e;
}

static enum scim_err
member_set(void *arg, const cJSON *list, struct scim_resp *resp)
{
	return members_set(arg, list, resp);
}

/* A member taken out, by id, and where it is in mb_removed. */
struct out {
	uint8_t		 o_id[16];
	size_t		 o_at;
};

static int
out_cmp(const void *a, const void *b)
{
	const struct out	*x = a, *y = b;
	int			 c;

	if ((c = memcmp(x->o_id, y->o_id, 16)) != 0)
		return c;
	return x->o_at < y->o_at ? -1 : x->o_at > y->o_at;
}

/* The number of the first put of id in puts (sorted by out_cmp), or 0. */
static int
first_put(const struct out *puts, size_t n, const uint8_t id[16])
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (memcmp(puts[mid].o_id, id, 16) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && memcmp(puts[lo].o_id, id, 16) == 0 ?
	    (int)puts[lo].o_at : 0;
}

/*
 * Before commit: an audit entry for each member no longer in the group
 * (a member removed and added back in one request was not removed, one
 * put in and taken out again never was a member), and
 * one change feed record when the membership changed, with the ids added
 * and removed.  Sorted arrays, not nested loops: an Okta PUT replaces a
 * group of 100 000 members, every one of them taken out and put back.
 */
static enum scim_err
members_audit(struct members *mb, const cJSON *stored)
{
	const cJSON	*m;
	cJSON		*a, *next;
	enum res_type	 type;
	struct out	*outs = NULL, *puts = NULL;
	uint8_t		(*back)[16] = NULL, id[16];
	char		 display[STORE_DISPLAY_MAX + 1], ids[UUID_STRLEN + 1];
	cJSON		*before;
	size_t		 n = 0, nback = 0, np = 0, i, k;
	int		*first = NULL, was;
	enum scim_err	 e = SCIM_OK;

	k = (size_t)cJSON_GetArraySize(mb->mb_removed);
	if (k > 0 && ((outs = calloc(k, sizeof(*outs))) == NULL ||
	    (back = calloc(k, sizeof(*back))) == NULL ||
	    (first = calloc(k, sizeof(*first))) == NULL)) {
		e = SCIM_ENOMEM;
		goto out;
	}
	k = (size_t)cJSON_GetArraySize(mb->mb_added);
	if (k > 0 && (puts = calloc(k, sizeof(*puts))) == NULL) {
		e = SCIM_ENOMEM;
		goto out;
	}
	cJSON_ArrayForEach(m, mb->mb_added)
		if (util_uuid_parse(m->valuestring, puts[np].o_id) == 0)
			puts[np++].o_at = (size_t)m->valueint;
	if (np > 0)	/* (puts may be NULL) */
		qsort(puts, np, sizeof(*puts), out_cmp);
	k = (size_t)cJSON_GetArraySize(mb->mb_removed);
	i = 0;
	cJSON_ArrayForEach(m, mb->mb_removed) {
		if (util_uuid_parse(cJSON_GetStringValue(cJSON_GetObjectItem(m,
		    "value")), outs[n].o_id) == 0)
			outs[n++].o_at = i;
		i++;
	}
	/* The first time each id was taken out. */
	if (n > 0)
		qsort(outs, n, sizeof(*outs), out_cmp);
	for (i = 0; i < n; i++)
		if (i == 0 || memcmp(outs[i - 1].o_id, outs[i].o_id, 16) != 0)
			first[outs[i].o_at] = 1;
	i = 0;
	cJSON_ArrayForEach(m, mb->mb_removed) {
		if (i >= k || !first[i++])
			continue;
		util_uuid_parse(cJSON_GetStringValue(cJSON_GetObjectItem(m,
		    "value")), id);
		/* In the group before: taken out before it was put in. */
		was = first_put(puts, np, id);
		was = was == 0 || was > m->valueint;
		e = store_member_get(mb->mb_tx, mb->mb_tenant, mb->mb_group,
		    id, &type, display, sizeof(display));
		if (e == SCIM_OK) {
			/* Back in the group: neither added nor removed. */
			if (was)	/* (or new: added) */
				memcpy(back[nback++], id, 16);
			continue;
		}
		if (e != SCIM_ENOTFOUND)
			goto out;
		/* Not in the group now: not added, whatever was put in. */
		memcpy(back[nback++], id, 16);
		if (!was)	/* put in and taken out: not removed either */
			continue;
		if ((before = cJSON_CreateObject()) == NULL ||
		    json_add(before, "member", cJSON_Duplicate(m, 1)) == -1) {
			cJSON_Delete(before);
			e = SCIM_ENOMEM;
			goto out;
		}
		if ((e = audit_record_res(mb->mb_tx, mb->mb_cx,
		    "member.removed", RES_GROUP, mb->mb_group,
		    cJSON_GetStringValue(cJSON_GetObjectItem(stored,
		    "displayName")), before, NULL)) != SCIM_OK)
			goto out;
		activity_members(mb->mb_cx->cx_act, 0);
		util_uuid_format(id, ids);
		if ((mb->mb_gone == NULL &&
		    (mb->mb_gone = cJSON_CreateArray()) == NULL) ||
		    !cJSON_AddItemToArray(mb->mb_gone, cJSON_CreateString(ids))) {
			e = SCIM_ENOMEM;
			goto out;
		}
	}
	e = SCIM_OK;
	if (!mb->mb_changed)
		goto out;
	/* Those there before or gone now were not added; none twice. */
	if (nback > 0)
		qsort(back, nback, sizeof(*back), id_cmp);
	for (a = mb->mb_added != NULL ? mb->mb_added->child : NULL; a != NULL;
	    a = next) {
		next = a->next;
		if (util_uuid_parse(a->valuestring, id) == 0 &&
		    ((nback > 0 && bsearch(id, back, nback, sizeof(*back),
		    id_cmp) != NULL) || a->valueint != first_put(puts, np,
		    id))) {
			cJSON_Delete(cJSON_DetachItemViaPointer(mb->mb_added,
			    a));
			if (mb->mb_cx->cx_act != NULL &&
			    mb->mb_cx->cx_act->at_madd > 0)
				mb->mb_cx->cx_act->at_madd--;
		}
	}
	/* No member came or went (a display changed): no record. */
	if (cJSON_GetArraySize(mb->mb_added) == 0 &&
	    cJSON_GetArraySize(mb->mb_gone) == 0)
		goto out;
	if ((mb->mb_added == NULL &&
	    (mb->mb_added = cJSON_CreateArray()) == NULL) ||
	    (mb->mb_gone == NULL && (mb->mb_gone = cJSON_CreateArray()) ==
	    NULL)) {
		e = SCIM_ENOMEM;
		goto out;
	}
	e = audit_change_ex(mb->mb_tx, mb->mb_cx, RES_GROUP, mb->mb_group,
	    "members", NULL, mb->mb_added, mb->mb_gone);
out:
	free(outs);
	free(puts);
	free(back);
	free(first);
	return e;
}

/*
 * Before commit: recompute the application roles of the members whose
 * groups changed, and of every member when the group was renamed (its
 * displayName is what maps to a role).
 */
static enum scim_err
members_roles(struct members *mb, const cJSON *old, const cJSON *stored)
{
	const cJSON	*a, *b;
	enum scim_err	 e;

	if ((e = members_audit(mb, stored)) != SCIM_OK)
		return e;
	if (!mb->mb_track)
		return SCIM_OK;
	a = cJSON_GetObjectItem(old, "displayName");
	b = cJSON_GetObjectItem(stored, "displayName");
	if (old != NULL && cJSON_IsString(a) && cJSON_IsString(b) &&
	    strcmp(a->valuestring, b->valuestring) != 0 &&
	    (e = roles_set_members(mb->mb_tx, mb->mb_cx, mb->mb_group,
	    &mb->mb_touched)) != SCIM_OK)
		return e;
	return grant_refresh_set(mb->mb_tx, mb->mb_cx, &mb->mb_touched);
}

/* A group write: what the handler decoded, and what was stored. */
struct group_op {
	const char	*go_ids;
	struct members	 go_mb;
	cJSON		*go_in;		/* the body (POST, PUT, PATCH) */
	cJSON		*go_doc;	/* normalised (POST, PUT) */
	const cJSON	*go_members;	/* "members" of go_in, or NULL */
	cJSON		*go_stored;
};

static void
group_op_init(struct group_op *go, struct scim_req *req, const char *ids)
{
	memset(go, 0, sizeof(*go));
	go->go_ids = ids;
	go->go_mb.mb_cx = req->rq_cx;
	go->go_mb.mb_tenant = req->rq_cx->cx_tenant.tn_id;
	go->go_mb.mb_skip = (req->rq_cx->cx_tenant.tn_flags &
	    TENANT_SKIP_UNKNOWN) != 0;
}

static void
group_op_free(struct group_op *go)
{
	roles_set_free(&go->go_mb.mb_touched);
	cJSON_Delete(go->go_mb.mb_removed);
	cJSON_Delete(go->go_mb.mb_added);
	cJSON_Delete(go->go_mb.mb_gone);
	cJSON_Delete(go->go_in);
	cJSON_Delete(go->go_doc);
	cJSON_Delete(go->go_stored);
}

/*
 * Create (go_ids NULL) or replace the group: record, then the members
 * when the body lists them ("members" given: exactly that list, as Okta
 * pushes a whole group; left out: they stay, so a rename by PUT cannot
 * empty a group by accident).
 */
static enum scim_err
write_tx(struct scim_req *req, struct store_txn *tx, void *arg,
    struct scim_resp *resp)
{
	struct group_op		*go = arg;
	struct members		*mb = &go->go_mb;
	const struct schema	*sc = ctx_schema(req->rq_cx, RES_GROUP);
	cJSON			*old = NULL, *doc;
	enum scim_err		 e;

	mb->mb_tx = tx;
	mb->mb_track = roles_by_group(tx, req->rq_cx);
	if (go->go_ids != NULL && (e = resource_load(req, tx, sc,
	    mb->mb_group, go->go_ids, &old, resp)) != SCIM_OK)
		goto out;
	if (go->go_members != NULL &&
	    (e = members_set(mb, go->go_members, resp)) != SCIM_OK)
		goto out;
	doc = go->go_doc;
	go->go_doc = NULL;
	if ((e = resource_write(req->rq_cx, tx, sc, mb->mb_group, doc, old,
	    mb->mb_changed, &go->go_stored, resp)) == SCIM_OK &&
	    (e = members_roles(mb, old, go->go_stored)) == SCIM_OK) {
		e = resource_respond(req, tx, resp, sc, go->go_stored,
		    go->go_ids == NULL ? 201 : 200);
		go->go_stored = NULL;
	}
out:
	cJSON_Delete(old);
	return e;
}

enum scim_err
groups_create(struct scim_req *req, struct scim_resp *resp)
{
	struct group_op	go;
	enum scim_err	e;

	group_op_init(&go, req, NULL);
	if ((e = group_body(req, resp, &go.go_in, &go.go_doc,
	    &go.go_members)) != SCIM_OK)
		goto out;
	if (util_uuid_new(go.go_mb.mb_group) == -1) {
		e = SCIM_ESTORE;
		goto out;
	}
	e = resource_txn(req, resp, write_tx, &go);
out:
	group_op_free(&go);
	return e;
}

enum scim_err
groups_replace(struct scim_req *req, struct scim_resp *resp, const char *ids)
{
	struct group_op	go;
	enum scim_err	e;

	group_op_init(&go, req, ids);
	if ((e = resource_id(ids, go.go_mb.mb_group, resp)) != SCIM_OK ||
	    (e = group_body(req, resp, &go.go_in, &go.go_doc,
	    &go.go_members)) != SCIM_OK)
		goto out;
	e = resource_txn(req, resp, write_tx, &go);
out:
	group_op_free(&go);
	return e;
}

static enum scim_err
patch_tx(struct scim_req *req, struct store_txn *tx, void *arg,
    struct scim_resp *resp)
{
	struct group_op		*go = arg;
	struct members		*mb = &go->go_mb;
	const struct schema	*sc = ctx_schema(req->rq_cx, RES_GROUP);
	struct patch_members	 pm = { member_add, member_remove,
				    member_clear, member_set, NULL };
	cJSON			*old = NULL, *doc = NULL;
	enum scim_err		 e;

	pm.pm_arg = mb;
	mb->mb_tx = tx;
	mb->mb_track = roles_by_group(tx, req->rq_cx);
	/* Member keys change in tx; the record changes in doc. */
	if ((e = resource_load(req, tx, sc, mb->mb_group, go->go_ids, &old,
	    resp)) == SCIM_OK &&
	    (e = resource_patch(sc, go->go_in, old, &pm, &doc, resp)) ==
	    SCIM_OK &&
	    (e = resource_write(req->rq_cx, tx, sc, mb->mb_group, doc, old,
	    mb->mb_changed, &go->go_stored, resp)) == SCIM_OK &&
	    (e = members_roles(mb, old, go->go_stored)) == SCIM_OK) {
		/* Groups answer 204 (Entra's and Microsoft's suite's shape). */
		e = resource_patched(req, tx, resp, sc, go->go_stored, 1);
		go->go_stored = NULL;
	}
	cJSON_Delete(old);
	return e;
}

enum scim_err
groups_patch(struct scim_req *req, struct scim_resp *resp, const char *ids)
{
	struct group_op	go;
	enum scim_err	e;

	group_op_init(&go, req, ids);
	if ((e = resource_id(ids, go.go_mb.mb_group, resp)) != SCIM_OK ||
	    (e = json_parse_body(req->rq_body, req->rq_bodylen, &go.go_in,
	    resp)) != SCIM_OK)
		goto out;
	e = resource_txn(req, resp, patch_tx, &go);
out:
	group_op_free(&go);
	return e;
}
