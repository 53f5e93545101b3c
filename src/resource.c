/*
 * resource.c: what the resource types share when they change: the write
 * transaction and its one owner (resource_txn()), storing a resource with
 * its index, roles, declarations, audit entries and change record
 * (resource_write()), deleting one, and the checks every write makes
 * (uniqueness, If-Match, a name).  Response forms are emit.c's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "audit.h"
#include "breaker.h"
#include "ctx.h"
#include "grant.h"
#include "http.h"
#include "indexes.h"
#include "json.h"
#include "patch.h"
#include "plan.h"
#include "project.h"
#include "record.h"
#include "resource.h"
#include "roles.h"
#include "schema.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

enum scim_err
resource_txn(struct scim_req *req, struct scim_resp *resp, resource_op fn,
    void *arg)
{
	struct store_txn	*tx = NULL;
	enum scim_err		 e;

	/* In a Bulk: nested in its transaction, one fsync for all. */
	if ((e = req->rq_parent != NULL ? store_begin_nested(req->rq_parent,
	    &tx) : store_begin(req->rq_cx->cx_store, 1, &tx)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	/* The tenant's mode now, not at authentication (src/preview.h). */
	if ((e = ctx_rebind(req->rq_cx, tx)) == SCIM_OK)
		e = fn(req, tx, arg, resp);
	/* A change and its activity record commit together. */
	if (e == SCIM_OK)
		e = activity_store(req->rq_cx->cx_act, tx, req, resp);
	if (e == SCIM_OK)
		e = store_commit(&tx);
	if (e != SCIM_OK && req->rq_cx->cx_act != NULL)
		req->rq_cx->cx_act->at_stored = 0;	/* undone with it */
	store_abort(&tx);		/* on every way out but a commit */
	if (e != SCIM_OK)
		http_response_drop(resp);	/* made for a write now undone */
	/*
	 * Held by the breaker: the trip is recorded on its own, in a write
	 * transaction; a Bulk's holds the writer lock, so the Bulk records
	 * it after its commit (src/bulk.c).
	 */
	if (e == SCIM_EHELD && req->rq_parent == NULL)
		e = breaker_held(req->rq_cx, resp);
	return e;
}

enum scim_err
resource_load(struct scim_req *req, struct store_txn *tx,
    const struct schema *sc, const uint8_t id[16], const char *ids,
    cJSON **old, struct scim_resp *resp)
{
	const char	*json;
	size_t		 len;
	enum scim_err	 e;

	*old = NULL;
	e = store_res_get(tx, req->rq_cx->cx_tenant.tn_id, sc->sc_type, id,
	    &json, &len);
	if (e == SCIM_ENOTFOUND)
		return scim_fail(resp, e, "%s %.64s not found", sc->sc_name,
		    ids);
	if (e != SCIM_OK)
		return e;
	if ((*old = cJSON_ParseWithLength(json, len)) == NULL)
		return SCIM_ESTORE;	/* a record that is not JSON */
	return resource_precondition(req, *old, resp);
}

enum scim_err
resource_id(const char *s, uint8_t id[16], struct scim_resp *resp)
{
	if (util_uuid_parse(s, id) == -1)
		return scim_fail(resp, SCIM_ENOTFOUND,
		    "resource %.64s not found", s);
	return SCIM_OK;
}

enum scim_err
resource_index(struct store_txn *tx, uint32_t tenant, const struct schema *sc,
    const cJSON *doc, const uint8_t id[16], int add)
{
	return indexes_update(tx, tenant, sc->sc_type, doc, id, add);
}

enum scim_err
resource_unique(struct store_txn *tx, uint32_t tenant,
    const struct schema *sc, const cJSON *doc, const uint8_t *self,
    struct scim_resp *resp)
{
	const struct index_def	*d;
	enum scim_err		 e;

	e = indexes_taken(tx, tenant, sc->sc_type, doc, self, &d, NULL);
	if (e == SCIM_EUNIQUE)
		return scim_fail(resp, e, "%s already exists", d->ix_attr);
	return e == SCIM_OK ? SCIM_OK : scim_fail(resp, e, NULL);
}

enum scim_err
resource_precondition(struct scim_req *req, const cJSON *old,
    struct scim_resp *resp)
{
	const cJSON	*v;

	if (req->rq_ifmatch == NULL)
		return SCIM_OK;
	v = cJSON_GetObjectItem(cJSON_GetObjectItem(old, "meta"), "version");
	if (cJSON_IsString(v) && http_etag_listed(req->rq_ifmatch,
	    v->valuestring))
		return SCIM_OK;
	return scim_fail(resp, SCIM_EPRECOND, "the resource changed: its "
	    "version is not the one in If-Match");
}

void
resource_etag(struct scim_resp *resp, const cJSON *doc)
{
	const cJSON	*v;

	v = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "meta"), "version");
	if (cJSON_IsString(v))
		util_strlcpy(resp->rp_etag, v->valuestring,
		    sizeof(resp->rp_etag));
}

enum scim_err
resource_named(const struct schema *sc, const cJSON *doc,
    struct scim_resp *resp)
{
	const char	*attr = indexes_name(sc->sc_type)->ix_attr;
	const cJSON	*v = cJSON_GetObjectItem(doc, attr);

	if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
		return scim_fail(resp, SCIM_EINVALVALUE, "%s is required",
		    attr);
	return SCIM_OK;
}

enum scim_err
resource_patch(const struct schema *sc, const cJSON *body, const cJSON *old,
    const struct patch_members *pm, cJSON **doc, struct scim_resp *resp)
{
	enum scim_err	e;

	/* Applied to a copy: a failed operation leaves nothing behind. */
	if ((*doc = cJSON_Duplicate(old, 1)) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	if ((e = patch_apply(sc, body, *doc, pm, resp)) != SCIM_OK ||
	    (e = resource_named(sc, *doc, resp)) != SCIM_OK) {
		cJSON_Delete(*doc);
		*doc = NULL;
		return e;
	}
	cJSON_DeleteItemFromObject(*doc, "schemas");
	cJSON_DeleteItemFromObject(*doc, "id");
	cJSON_DeleteItemFromObject(*doc, "meta");
	return SCIM_OK;
}

/*
 * Declare, for the tenant, the extension attributes this request stored
 * without a declaration (schema_found_add()), in the same transaction.
 */
static enum scim_err
resource_declare(struct store_txn *tx, struct ctx *cx)
{
	cJSON		*found, *doc = NULL, *attrs, *f, *next;
	const cJSON	*d;
	const char	*u;
	enum scim_err	 e;
	int		 known;

	if ((found = schema_overlay_found_take(&cx->cx_user)) == NULL)
		return SCIM_OK;
	if ((e = store_tenant_doc(tx, cx->cx_tenant.tn_name, &doc)) !=
	    SCIM_OK)
		goto out;
	if ((attrs = cJSON_GetObjectItem(doc, "attributes")) == NULL &&
	    (attrs = cJSON_AddArrayToObject(doc, "attributes")) == NULL) {
		e = SCIM_ENOMEM;
		goto out;
	}
	for (f = found->child; f != NULL; f = next) {
		next = f->next;
		u = cJSON_GetStringValue(cJSON_GetObjectItem(f, "urn"));
		known = 0;
		cJSON_ArrayForEach(d, attrs)
			if (util_strcaseeq(cJSON_GetStringValue(
			    cJSON_GetObjectItem(d, "urn")), u))
				known = 1;
		if (!known)
			cJSON_AddItemToArray(attrs,
			    cJSON_DetachItemViaPointer(found, f));
	}
	e = store_tenant_put_doc(tx, cx->cx_tenant.tn_name, doc);
out:
	cJSON_Delete(found);
	cJSON_Delete(doc);
	return e;
}

/*
 * The change feed record of a write, and for a user whose `active`
 * flipped, the audit entry (deactivation is deprovisioning: its
 * before-image is the whole record).
 */
static enum scim_err
write_audit(struct store_txn *tx, const struct ctx *cx,
    const struct schema *sc, const uint8_t id[16], const cJSON *old,
    const cJSON *stored)
{
	const cJSON	*un;
	cJSON		*before;
	int		 was, now;
	const char	*op = old == NULL ? "create" : "update";
	enum scim_err	 e;

	if (sc->sc_type == RES_USER && old != NULL) {
		was = !cJSON_IsFalse(cJSON_GetObjectItem(old, "active"));
		now = !cJSON_IsFalse(cJSON_GetObjectItem(stored, "active"));
		un = cJSON_GetObjectItem(stored, "userName");
		if (was != now) {
			op = now ? "reactivate" : "deactivate";
			if ((before = cJSON_Duplicate(old, 1)) == NULL)
				return SCIM_ENOMEM;
			if ((e = audit_record_res(tx, cx, now ?
			    "user.reactivated" : "user.deactivated", RES_USER,
			    id, cJSON_GetStringValue(un), before, NULL)) !=
			    SCIM_OK)
				return e;
		}
	}
	return audit_change(tx, cx, sc->sc_type, id, op);
}

enum scim_err
resource_write(struct ctx *cx, struct store_txn *tx, const struct schema *sc,
    const uint8_t id[16], cJSON *doc, const cJSON *old, int changed,
    cJSON **stored, struct scim_resp *resp)
{
	uint32_t	 tn = cx->cx_tenant.tn_id;
	int		 user = sc->sc_type == RES_USER;
	char		*json;
	cJSON		*set = NULL;
	enum scim_err	 e;

	*stored = NULL;
	activity_subject(cx->cx_act, sc->sc_type, id, cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(doc, indexes_name(
	    sc->sc_type)->ix_attr)));
	/* A create past the tenant's plan is refused (plan.h). */
	e = old == NULL ? plan_seat(tx, cx, sc->sc_type, resp) : SCIM_OK;
	if (e == SCIM_OK)
		e = resource_unique(tx, tn, sc, doc, old != NULL ? id : NULL,
		    resp);
	if (e != SCIM_OK) {
		cJSON_Delete(doc);
		return e;
	}
	if ((*stored = record_make(sc, id, doc, old)) == NULL)
		return SCIM_ENOMEM;
	/* A user's application roles follow from what it now holds. */
	if (user && ((e = roles_compute(tx, cx, id, *stored, old, 1, &set,
	    resp)) != SCIM_OK || (e = grant_apply(tx, cx, id, *stored, old,
	    set)) != SCIM_OK))
		return e;
	/*
	 * Nothing changed (clients re-send what they sent, every cycle):
	 * nothing is written, and the version stays, so caches and the
	 * client's next If-Match still hold.
	 */
	if (old != NULL && !changed && record_same(old, *stored))
		return record_keep_meta(old, *stored) == 0 ? SCIM_OK :
		    SCIM_ENOMEM;
	activity_diff(cx->cx_act, old, *stored);
	if (user && (e = resource_declare(tx, cx)) != SCIM_OK)
		return e;
	if ((json = cJSON_PrintUnformatted(*stored)) == NULL)
		return SCIM_ENOMEM;
	e = store_res_put(tx, tn, sc->sc_type, id, json, strlen(json),
	    old == NULL);
	free(json);
	if (e == SCIM_OK && old != NULL)
		e = resource_index(tx, tn, sc, old, id, 0);
	if (e == SCIM_OK)
		e = resource_index(tx, tn, sc, *stored, id, 1);
	if (e == SCIM_OK)
		e = write_audit(tx, cx, sc, id, old, *stored);
	return e;
}

enum scim_err
resource_patched(struct scim_req *req, struct store_txn *tx,
    struct scim_resp *resp, const struct schema *sc, cJSON *stored,
    int no_content)
{
	char	v[8];

	/*
	 * RFC 7644 §3.5.2: with attributes or excludedAttributes the
	 * server MUST answer 200 with the resource so projected.
	 */
	if (http_query_get(req->rq_query, "attributes", v, sizeof(v)) == 0 &&
	    http_query_get(req->rq_query, "excludedAttributes", v,
	    sizeof(v)) == 0 && no_content) {
		resource_etag(resp, stored);
		cJSON_Delete(stored);
		resp->rp_status = 204;
		return SCIM_OK;
	}
	return resource_respond(req, tx, resp, sc, stored, 200);
}

struct image {
	cJSON			*im_list;
	struct store_txn	*im_tx;
	uint32_t		 im_tenant;
	const uint8_t		*im_member;
	enum scim_err		 im_err;
};

/*
 * A group the deleted resource was in: its id, its displayName (as
 * User.groups shows it), and the display the member had in it (what a
 * restore puts back on the membership key).
 */
static int
image_group(const uint8_t gid[16], void *arg)
{
	struct image	*im = arg;
	enum res_type	 type;
	char		 ids[UUID_STRLEN + 1], d[STORE_DISPLAY_MAX + 1];
	const char	*json;
	const cJSON	*dn;
	size_t		 len;
	cJSON		*g, *grp = NULL;

	util_uuid_format(gid, ids);
	if ((g = cJSON_CreateObject()) == NULL)
		goto oom;
	cJSON_AddItemToArray(im->im_list, g);
	if (json_add_string(g, "value", ids) == -1)
		goto oom;
	im->im_err = store_res_get(im->im_tx, im->im_tenant, RES_GROUP, gid,
	    &json, &len);
	if (im->im_err == SCIM_ENOTFOUND) {
		/*
		 * A key outliving its group (emit.c shows it without a
		 * name): kept so, and removed with the resource.  Failing
		 * here would answer 404 for a resource that exists.
		 */
		im->im_err = SCIM_OK;
		goto member;
	}
	if (im->im_err != SCIM_OK)
		return 1;
	if ((grp = cJSON_ParseWithLength(json, len)) == NULL) {
		im->im_err = SCIM_ESTORE;
		return 1;
	}
	dn = cJSON_GetObjectItemCaseSensitive(grp, "displayName");
	if (cJSON_IsString(dn) && json_add_string(g, "display",
	    dn->valuestring) == -1)
		goto oom;
	cJSON_Delete(grp);
	grp = NULL;
member:
	if ((im->im_err = store_member_get(im->im_tx, im->im_tenant, gid,
	    im->im_member, &type, d, sizeof(d))) != SCIM_OK)
		return 1;
	if (json_add_string(g, "memberDisplay", d) == -1)
		goto oom;
	return 0;
oom:
	cJSON_Delete(grp);
	im->im_err = SCIM_ENOMEM;
	return 1;
}

static int
image_member(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	struct image	*im = arg;
	char		 ids[UUID_STRLEN + 1], d[STORE_DISPLAY_MAX + 1];
	cJSON		*m;

	util_uuid_format(id, ids);
	if (dlen >= sizeof(d))
		dlen = sizeof(d) - 1;
	memcpy(d, display, dlen);
	d[dlen] = '\0';
	if ((m = cJSON_CreateObject()) == NULL) {
		im->im_err = SCIM_ENOMEM;
		return 1;
	}
	cJSON_AddItemToArray(im->im_list, m);
	if (json_add_string(m, "value", ids) == -1 ||
	    json_add_string(m, "type", type == RES_GROUP ? "Group" :
	    "User") == -1 || json_add_string(m, "display", d) == -1) {
		im->im_err = SCIM_ENOMEM;
		return 1;
	}
	return 0;
}

/*
 * The audit entry of a deletion: the stored record, the groups a user
 * was in or a group's members, and a change feed record.
 */
static enum scim_err
delete_audit(struct store_txn *tx, const struct ctx *cx,
    const struct schema *sc, const uint8_t id[16], const cJSON *doc)
{
	struct image	 im, parents;
	cJSON		*before;
	enum scim_err	 e;
	uint32_t	 tn = cx->cx_tenant.tn_id;
	int		 user = sc->sc_type == RES_USER;

	memset(&im, 0, sizeof(im));
	im.im_tx = tx;
	im.im_tenant = tn;
	im.im_member = id;
	parents = im;
	if ((before = cJSON_CreateObject()) == NULL ||
	    (im.im_list = cJSON_AddArrayToObject(before, user ? "groups" :
	    "members")) == NULL ||
	    json_add(before, "resource", cJSON_Duplicate(doc, 1)) == -1) {
		cJSON_Delete(before);
		return SCIM_ENOMEM;
	}
	e = user ? store_memberof_each(tx, tn, id, image_group, &im) :
	    store_member_each(tx, tn, id, image_member, &im);
	if (e == SCIM_OK)
		e = im.im_err;
	if (e == SCIM_OK && !user) {	/* a group may be a member too */
		if ((parents.im_list = cJSON_AddArrayToObject(before,
		    "groups")) == NULL)
			e = SCIM_ENOMEM;
		else if ((e = store_memberof_each(tx, tn, id, image_group,
		    &parents)) == SCIM_OK)
			e = parents.im_err;
	}
	if (e != SCIM_OK) {
		cJSON_Delete(before);
		return e;
	}
	if ((e = audit_record_res(tx, cx, user ? "user.deleted" :
	    "group.deleted", sc->sc_type, id, cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(doc, user ? "userName" :
	    "displayName")), before, NULL)) != SCIM_OK)
		return e;
	return audit_change_ex(tx, cx, sc->sc_type, id, "delete",
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, user ?
	    "userName" : "displayName")), NULL, NULL);
}

struct delete_op {
	const struct schema	*d_sc;
	const char		*d_ids;
	uint8_t			 d_id[16];
};

static enum scim_err
delete_tx(struct scim_req *req, struct store_txn *tx, void *arg,
    struct scim_resp *resp)
{
	struct delete_op	*d = arg;
	struct ctx		*cx = req->rq_cx;
	const struct schema	*sc = d->d_sc;
	uint32_t		 tn = cx->cx_tenant.tn_id;
	struct roles_set	 former;
	cJSON			*doc = NULL;
	enum scim_err		 e;

	memset(&former, 0, sizeof(former));
	e = resource_load(req, tx, sc, d->d_id, d->d_ids, &doc, resp);
	if (e == SCIM_OK)
		activity_subject(cx->cx_act, sc->sc_type, d->d_id,
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc,
		    indexes_name(sc->sc_type)->ix_attr)));
	if (e == SCIM_OK)
		e = resource_index(tx, tn, sc, doc, d->d_id, 0);
	if (e == SCIM_OK)
		e = store_res_del(tx, tn, sc->sc_type, d->d_id);
	/* Deprovisioning: the before-image is enough to restore it all. */
	if (e == SCIM_OK)
		e = delete_audit(tx, cx, sc, d->d_id, doc);
	/*
	 * Its memberships go with it; member users are never deleted, but
	 * may lose a role the group gave them.
	 */
	if (e == SCIM_OK && sc->sc_type == RES_GROUP && roles_by_group(tx, cx))
		e = roles_set_members(tx, cx, d->d_id, &former);
	if (e == SCIM_OK && sc->sc_type == RES_GROUP)
		e = store_member_clear(tx, tn, d->d_id);
	if (e == SCIM_OK)
		e = store_memberof_clear(tx, tn, d->d_id);
	if (e == SCIM_OK)
		e = grant_refresh_set(tx, cx, &former);
	if (e == SCIM_OK)
		resp->rp_status = 204;
	roles_set_free(&former);
	cJSON_Delete(doc);
	return e;
}

enum scim_err
resource_delete(struct scim_req *req, struct scim_resp *resp,
    const struct schema *sc, const char *ids)
{
	struct delete_op	d;
	enum scim_err		e;

	d.d_sc = sc;
	d.d_ids = ids;
	if ((e = resource_id(ids, d.d_id, resp)) != SCIM_OK)
		return e;
	return resource_txn(req, resp, delete_tx, &d);
}
