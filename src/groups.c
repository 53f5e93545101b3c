/*
 * groups.c: creating, replacing and patching Groups.  Reading, listing
 * and deleting are resource.c's.  Every write is one transaction: group
 * record, index, membership keys; any failure aborts all of it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
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
	struct store_txn	*mb_tx;
	uint32_t		 mb_tenant;
	uint8_t			 mb_group[16];
	/* Members whose application roles may change (roles by group). */
	int			 mb_track;
	struct roles_set	 mb_touched;
	/* Members taken out ({"value","type","display"}), for the audit. */
	cJSON			*mb_removed;
	int			 mb_changed;
	int			 mb_skip;	/* unknown-members=skip */
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
	cJSON_AddStringToObject(m, "value", ids);
	cJSON_AddStringToObject(m, "type", type == RES_GROUP ? "Group" :
	    "User");
	cJSON_AddStringToObject(m, "display", display);
	cJSON_AddItemToArray(mb->mb_removed, m);
	return SCIM_OK;
}

static int
note_each(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	(void)type;
	(void)display;
	(void)dlen;
	return note_removed(arg, id) != SCIM_OK;
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
	cJSON		*doc;
	enum res_type	 type = RES_USER;
	enum scim_err	 e;

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
		return scim_fail(resp, SCIM_ESTORE, NULL);
	mb->mb_changed = 1;
	e = store_member_put(mb->mb_tx, mb->mb_tenant, mb->mb_group, id, type,
	    display != NULL ? display : groups_member_display(type, doc), NULL);
	cJSON_Delete(doc);
	if (mb->mb_track && type == RES_USER)
		roles_set_add(&mb->mb_touched, id);
	return e == SCIM_OK ? SCIM_OK : scim_fail(resp, e, NULL);
}

/* Removing a member that is not one succeeds (idempotent). */
static enum scim_err
member_remove(void *arg, const char *ids, struct scim_resp *resp)
{
	struct members	*mb = arg;
	uint8_t		 id[16];
	enum scim_err	 e;

	if (util_uuid_parse(ids, id) == -1)
		return SCIM_OK;
	if (mb->mb_track)
		roles_set_add(&mb->mb_touched, id);
	if ((e = note_removed(mb, id)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	mb->mb_changed = 1;
	e = store_member_del(mb->mb_tx, mb->mb_tenant, mb->mb_group, id, NULL);
	return e == SCIM_OK ? SCIM_OK : scim_fail(resp, e, NULL);
}

static enum scim_err
member_clear(void *arg, struct scim_resp *resp)
{
	struct members	*mb = arg;
	struct tenant	 t;
	enum scim_err	 e;

	if (mb->mb_track) {
		memset(&t, 0, sizeof(t));
		t.tn_id = mb->mb_tenant;
		if ((e = roles_set_members(mb->mb_tx, &t, mb->mb_group,
		    &mb->mb_touched)) != SCIM_OK)
			return scim_fail(resp, e, NULL);
	}
	if (store_member_each(mb->mb_tx, mb->mb_tenant, mb->mb_group,
	    note_each, mb) != SCIM_OK)
		return scim_fail(resp, SCIM_ESTORE, NULL);
	mb->mb_changed = 1;
	e = store_member_clear(mb->mb_tx, mb->mb_tenant, mb->mb_group);
	return e == SCIM_OK ? SCIM_OK : scim_fail(resp, e, NULL);
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
	if ((e = schema_normalize(schema_get(RES_GROUP), *in, out, resp)))
		return e;
	cJSON_DeleteItemFromObject(*out, "members");
	return resource_named(schema_get(RES_GROUP), *out, resp);
}

/* Set the group's members to list (an array of {"value": id} or ids). */
static enum scim_err
members_set(struct members *mb, const cJSON *list, struct scim_resp *resp)
{
	const cJSON	*el, *v, *d;
	enum scim_err	 e;

	if ((e = member_clear(mb, resp)) != SCIM_OK)
		return e;
	if (cJSON_IsNull(list))
		return SCIM_OK;
	if (!cJSON_IsArray(list))
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "members must be an array");
	cJSON_ArrayForEach(el, list) {
		v = cJSON_IsObject(el) ? cJSON_GetObjectItem(el, "value") : el;
		if (!cJSON_IsString(v))
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "a member needs a value (its id)");
		d = cJSON_IsObject(el) ? cJSON_GetObjectItem(el, "display") :
		    NULL;
		if ((e = member_add(mb, v->valuestring, cJSON_IsString(d) &&
		    d->valuestring[0] != '\0' ? d->valuestring : NULL, resp)))
			return e;
	}
	return SCIM_OK;
}

/*
 * Before commit: an audit entry for each member no longer in the group
 * (a member removed and added back in one request was not removed), and
 * one change feed record when the membership changed.
 */
static enum scim_err
members_audit(struct scim_req *req, struct members *mb, const cJSON *stored)
{
	const cJSON	*m, *prev;
	enum res_type	 type;
	uint8_t		 id[16];
	char		 display[STORE_DISPLAY_MAX + 1];
	const char	*ids;
	cJSON		*before;
	enum scim_err	 e;
	int		 dup;

	cJSON_ArrayForEach(m, mb->mb_removed) {
		ids = cJSON_GetStringValue(cJSON_GetObjectItem(m, "value"));
		if (ids == NULL || util_uuid_parse(ids, id) == -1)
			continue;
		dup = 0;
		for (prev = mb->mb_removed->child; prev != m; prev = prev->next)
			if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(
			    prev, "value")), ids) == 0)
				dup = 1;
		if (dup)
			continue;
		e = store_member_get(mb->mb_tx, mb->mb_tenant, mb->mb_group,
		    id, &type, display, sizeof(display));
		if (e == SCIM_OK)
			continue;	/* back in the group */
		if (e != SCIM_ENOTFOUND)
			return e;
		if ((before = cJSON_CreateObject()) == NULL)
			return SCIM_ENOMEM;
		cJSON_AddItemToObject(before, "member", cJSON_Duplicate(m, 1));
		if ((e = audit_record(mb->mb_tx, &req->rq_tenant,
		    "member.removed", RES_GROUP, mb->mb_group,
		    cJSON_GetStringValue(cJSON_GetObjectItem(stored,
		    "displayName")), before, NULL)) != SCIM_OK)
			return e;
	}
	if (mb->mb_changed)
		return audit_change(mb->mb_tx, &req->rq_tenant, RES_GROUP,
		    mb->mb_group, "members");
	return SCIM_OK;
}

/*
 * Before commit: recompute the application roles of the members whose
 * groups changed, and of every member when the group was renamed (its
 * displayName is what maps to a role).
 */
static enum scim_err
members_roles(struct scim_req *req, struct members *mb, const cJSON *old,
    const cJSON *stored, struct scim_resp *resp)
{
	const cJSON	*a, *b;
	enum scim_err	 e;

	if ((e = members_audit(req, mb, stored)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	if (!mb->mb_track)
		return SCIM_OK;
	a = cJSON_GetObjectItem(old, "displayName");
	b = cJSON_GetObjectItem(stored, "displayName");
	if (old != NULL && cJSON_IsString(a) && cJSON_IsString(b) &&
	    strcmp(a->valuestring, b->valuestring) != 0 &&
	    (e = roles_set_members(mb->mb_tx, &req->rq_tenant, mb->mb_group,
	    &mb->mb_touched)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	if ((e = roles_set_refresh(mb->mb_tx, &req->rq_tenant,
	    &mb->mb_touched)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	return SCIM_OK;
}

/* Load group id for change: *old is its stored form. */
static enum scim_err
group_load(struct scim_req *req, struct scim_resp *resp,
    struct store_txn *tx, const uint8_t id[16], const char *ids, cJSON **old)
{
	const char	*json;
	size_t		 len;
	enum scim_err	 e;

	*old = NULL;
	e = store_res_get(tx, req->rq_tenant.tn_id, RES_GROUP, id, &json,
	    &len);
	if (e == SCIM_ENOTFOUND)
		return scim_fail(resp, e, "Group %.64s not found", ids);
	if (e != SCIM_OK)
		return scim_fail(resp, e, NULL);
	if ((*old = cJSON_ParseWithLength(json, len)) == NULL)
		return scim_fail(resp, SCIM_ESTORE, NULL);
	return SCIM_OK;
}

enum scim_err
groups_create(struct scim_req *req, struct scim_resp *resp)
{
	struct store_txn	*tx = NULL;
	struct members		 mb;
	cJSON			*in = NULL, *doc = NULL, *stored = NULL;
	const cJSON		*members;
	enum scim_err		 e;

	memset(&mb, 0, sizeof(mb));
	mb.mb_tenant = req->rq_tenant.tn_id;
	mb.mb_skip = (req->rq_tenant.tn_flags & TENANT_SKIP_UNKNOWN) != 0;
	if ((e = group_body(req, resp, &in, &doc, &members)) != SCIM_OK)
		goto fail;
	if (util_uuid_new(mb.mb_group) == -1) {
		e = scim_fail(resp, SCIM_ESTORE, NULL);
		goto fail;
	}
	if ((e = store_begin(req->rq_store, 1, &tx)) != SCIM_OK)
		goto fail;
	mb.mb_tx = tx;
	mb.mb_track = roles_by_group(tx, &req->rq_tenant);
	e = resource_write(req, resp, tx, schema_get(RES_GROUP), mb.mb_group,
	    doc, NULL, &stored);
	doc = NULL;
	if (e == SCIM_OK && members != NULL)
		e = members_set(&mb, members, resp);
	if (e == SCIM_OK)
		e = members_roles(req, &mb, NULL, stored, resp);
	if (e != SCIM_OK)
		goto fail;
	e = store_commit(tx);
	tx = NULL;
	if (e != SCIM_OK)
		goto fail;
	roles_set_free(&mb.mb_touched);
	cJSON_Delete(mb.mb_removed);
	cJSON_Delete(in);
	return resource_respond(req, resp, schema_get(RES_GROUP), stored, 201);
fail:
	roles_set_free(&mb.mb_touched);
	cJSON_Delete(mb.mb_removed);
	store_abort(tx);
	cJSON_Delete(in);
	cJSON_Delete(doc);
	cJSON_Delete(stored);
	return scim_fail(resp, e, NULL);
}

enum scim_err
groups_replace(struct scim_req *req, struct scim_resp *resp, const char *ids)
{
	struct store_txn	*tx = NULL;
	struct members		 mb;
	cJSON			*in = NULL, *doc = NULL, *old = NULL;
	cJSON			*stored = NULL;
	const cJSON		*members;
	enum scim_err		 e;

	memset(&mb, 0, sizeof(mb));
	mb.mb_tenant = req->rq_tenant.tn_id;
	mb.mb_skip = (req->rq_tenant.tn_flags & TENANT_SKIP_UNKNOWN) != 0;
	if ((e = resource_id(ids, mb.mb_group, resp)) != SCIM_OK)
		return e;
	if ((e = group_body(req, resp, &in, &doc, &members)) != SCIM_OK)
		goto fail;
	if ((e = store_begin(req->rq_store, 1, &tx)) != SCIM_OK)
		goto fail;
	mb.mb_tx = tx;
	mb.mb_track = roles_by_group(tx, &req->rq_tenant);
	if ((e = group_load(req, resp, tx, mb.mb_group, ids, &old)) ||
	    (e = resource_precondition(req, old, resp)))
		goto fail;
	e = resource_write(req, resp, tx, schema_get(RES_GROUP), mb.mb_group,
	    doc, old, &stored);
	doc = NULL;
	/*
	 * "members" given: exactly that list (Okta pushes the whole group).
	 * Left out: the members stay, so a rename by PUT cannot empty a
	 * group by accident.
	 */
	if (e == SCIM_OK && members != NULL)
		e = members_set(&mb, members, resp);
	if (e == SCIM_OK)
		e = members_roles(req, &mb, old, stored, resp);
	if (e != SCIM_OK)
		goto fail;
	e = store_commit(tx);
	tx = NULL;
	if (e != SCIM_OK)
		goto fail;
	roles_set_free(&mb.mb_touched);
	cJSON_Delete(mb.mb_removed);
	cJSON_Delete(in);
	cJSON_Delete(old);
	return resource_respond(req, resp, schema_get(RES_GROUP), stored, 200);
fail:
	roles_set_free(&mb.mb_touched);
	cJSON_Delete(mb.mb_removed);
	store_abort(tx);
	cJSON_Delete(in);
	cJSON_Delete(doc);
	cJSON_Delete(old);
	cJSON_Delete(stored);
	return scim_fail(resp, e, NULL);
}

enum scim_err
groups_patch(struct scim_req *req, struct scim_resp *resp, const char *ids)
{
	const struct schema	*sc = schema_get(RES_GROUP);
	struct store_txn	*tx = NULL;
	struct members		 mb;
	struct patch_members	 pm = { member_add, member_remove,
				    member_clear, NULL };
	cJSON			*body = NULL, *old = NULL, *doc = NULL;
	cJSON			*stored = NULL;
	enum scim_err		 e;

	memset(&mb, 0, sizeof(mb));
	mb.mb_tenant = req->rq_tenant.tn_id;
	mb.mb_skip = (req->rq_tenant.tn_flags & TENANT_SKIP_UNKNOWN) != 0;
	pm.pm_arg = &mb;
	if ((e = resource_id(ids, mb.mb_group, resp)) != SCIM_OK)
		return e;
	if ((e = json_parse_body(req->rq_body, req->rq_bodylen, &body, resp)))
		return e;
	if ((e = store_begin(req->rq_store, 1, &tx)) != SCIM_OK)
		goto fail;
	mb.mb_tx = tx;
	mb.mb_track = roles_by_group(tx, &req->rq_tenant);
	if ((e = group_load(req, resp, tx, mb.mb_group, ids, &old)) ||
	    (e = resource_precondition(req, old, resp)))
		goto fail;
	/* Member keys change in tx; the record changes in doc. */
	if ((e = resource_patch(sc, body, old, &pm, &doc, resp)) != SCIM_OK)
		goto fail;
	e = resource_write(req, resp, tx, sc, mb.mb_group, doc, old, &stored);
	doc = NULL;
	if (e == SCIM_OK)
		e = members_roles(req, &mb, old, stored, resp);
	if (e != SCIM_OK)
		goto fail;
	e = store_commit(tx);
	tx = NULL;
	if (e != SCIM_OK)
		goto fail;
	roles_set_free(&mb.mb_touched);
	cJSON_Delete(mb.mb_removed);
	cJSON_Delete(body);
	cJSON_Delete(old);
	resource_etag(resp, stored);
	cJSON_Delete(stored);
	resp->rp_status = 204;
	return SCIM_OK;
fail:
	roles_set_free(&mb.mb_touched);
	cJSON_Delete(mb.mb_removed);
	store_abort(tx);
	cJSON_Delete(body);
	cJSON_Delete(old);
	cJSON_Delete(doc);
	cJSON_Delete(stored);
	return scim_fail(resp, e, NULL);
}
