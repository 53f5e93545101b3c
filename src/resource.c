/*
 * resource.c: list, get, delete, indexes and output shared by Users and
 * Groups (RFC 7644 §3.4).
 *
 * Reads happen in one read transaction, and the response is built inside
 * it; the transaction ends before a byte is written to the client.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "filter.h"
#include "http.h"
#include "json.h"
#include "patch.h"
#include "project.h"
#include "resource.h"
#include "roles.h"
#include "schema.h"
#include "scim_error.h"
#include "util.h"


enum scim_err
resource_id(const char *s, uint8_t id[16], struct scim_resp *resp)
{
	if (util_uuid_parse(s, id) == -1)
		return scim_fail(resp, SCIM_ENOTFOUND,
		    "resource %.64s not found", s);
	return SCIM_OK;
}

/* Fold (or copy) an indexed value and add or remove its entry. */
static enum scim_err
index_one(struct store_txn *tx, uint32_t tenant, enum res_type type,
    enum store_idx idx, const cJSON *v, int fold, const uint8_t id[16],
    int add)
{
	char	buf[SCIM_MAX_KEYSTR + 1];
	size_t	n;

	if (!cJSON_IsString(v) || (n = strlen(v->valuestring)) >
	    SCIM_MAX_KEYSTR)
		return SCIM_OK;
	if (fold)
		schema_fold(v->valuestring, buf);
	else
		memcpy(buf, v->valuestring, n + 1);
	return add ? store_idx_add(tx, tenant, type, idx, buf, n, id) :
	    store_idx_del(tx, tenant, type, idx, buf, n, id);
}

enum scim_err
resource_index(struct store_txn *tx, uint32_t tenant, const struct schema *sc,
    const cJSON *doc, const uint8_t id[16], int add)
{
	const cJSON	*el;
	enum res_type	 t = sc->sc_type;
	enum scim_err	 e;

	if ((e = index_one(tx, tenant, t, IDX_EXTERNALID,
	    cJSON_GetObjectItem(doc, "externalId"), 0, id, add)))
		return e;
	if (t == RES_GROUP)
		return index_one(tx, tenant, t, IDX_DISPLAYNAME,
		    cJSON_GetObjectItem(doc, "displayName"), 1, id, add);
	if ((e = index_one(tx, tenant, t, IDX_USERNAME,
	    cJSON_GetObjectItem(doc, "userName"), 1, id, add)))
		return e;
	cJSON_ArrayForEach(el, cJSON_GetObjectItem(doc, "emails"))
		if ((e = index_one(tx, tenant, t, IDX_EMAIL,
		    cJSON_GetObjectItem(el, "value"), 1, id, add)))
			return e;
	return SCIM_OK;
}

enum scim_err
resource_unique(struct store_txn *tx, uint32_t tenant,
    const struct schema *sc, enum store_idx idx, const char *attr,
    const char *value, const uint8_t *self, struct scim_resp *resp)
{
	uint8_t		 ids[16][16];
	char		 want[SCIM_MAX_KEYSTR + 1], got[SCIM_MAX_KEYSTR + 1];
	const char	*json;
	const cJSON	*v;
	cJSON		*doc;
	size_t		 n, i, len;
	enum scim_err	 e;
	int		 same;

	if (strlen(value) > SCIM_MAX_KEYSTR)
		return SCIM_OK;
	schema_fold(value, want);
	e = store_idx_find(tx, tenant, sc->sc_type, idx, want, strlen(want),
	    ids, 16, &n);
	if (e != SCIM_OK && e != SCIM_ETOOMANY)
		return scim_fail(resp, e, NULL);
	for (i = 0; i < n; i++) {
		if (self != NULL && memcmp(ids[i], self, 16) == 0)
			continue;
		if ((e = store_res_get(tx, tenant, sc->sc_type, ids[i], &json,
		    &len)) == SCIM_ENOTFOUND)
			continue;
		if (e != SCIM_OK)
			return scim_fail(resp, e, NULL);
		/* Confirm: the index may hold a hash of a long value. */
		if ((doc = cJSON_ParseWithLength(json, len)) == NULL)
			return scim_fail(resp, SCIM_ESTORE, NULL);
		v = cJSON_GetObjectItem(doc, attr);
		same = 0;
		if (cJSON_IsString(v) && strlen(v->valuestring) <=
		    SCIM_MAX_KEYSTR) {
			schema_fold(v->valuestring, got);
			same = strcmp(got, want) == 0;
		}
		cJSON_Delete(doc);
		if (same)
			return scim_fail(resp, SCIM_EUNIQUE,
			    "%s already exists", attr);
	}
	return SCIM_OK;
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
	const char	*attr = sc->sc_type == RES_USER ? "userName" :
			    "displayName";
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
resource_declare(struct store_txn *tx, const struct tenant *t)
{
	cJSON		*found, *doc = NULL, *attrs, *f, *next;
	const cJSON	*d;
	const char	*u;
	enum scim_err	 e;
	int		 known;

	if ((found = schema_found_take()) == NULL)
		return SCIM_OK;
	if ((e = store_tenant_doc(tx, t->tn_name, &doc)) != SCIM_OK)
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
	e = store_tenant_put_doc(tx, t->tn_name, doc);
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
write_audit(struct store_txn *tx, const struct tenant *t,
    const struct schema *sc, const uint8_t id[16], const cJSON *old,
    const cJSON *stored)
{
	const cJSON	*un;
	int		 was, now;
	const char	*op = old == NULL ? "create" : "update";
	enum scim_err	 e;

	if (sc->sc_type == RES_USER && old != NULL) {
		was = !cJSON_IsFalse(cJSON_GetObjectItem(old, "active"));
		now = !cJSON_IsFalse(cJSON_GetObjectItem(stored, "active"));
		un = cJSON_GetObjectItem(stored, "userName");
		if (was != now) {
			op = now ? "reactivate" : "deactivate";
			if ((e = audit_record(tx, t, now ? "user.reactivated" :
			    "user.deactivated", RES_USER, id,
			    cJSON_GetStringValue(un), cJSON_Duplicate(old, 1),
			    NULL)) != SCIM_OK)
				return e;
		}
	}
	return audit_change(tx, t, sc->sc_type, id, op);
}

enum scim_err
resource_write(struct scim_req *req, struct scim_resp *resp,
    struct store_txn *tx, const struct schema *sc, const uint8_t id[16],
    cJSON *doc, const cJSON *old, cJSON **stored)
{
	uint32_t	 tn = req->rq_tenant.tn_id;
	int		 user = sc->sc_type == RES_USER;
	const char	*attr = user ? "userName" : "displayName";
	char		*json;
	enum scim_err	 e;

	*stored = NULL;
	e = resource_unique(tx, tn, sc, user ? IDX_USERNAME : IDX_DISPLAYNAME,
	    attr, cJSON_GetObjectItem(doc, attr)->valuestring,
	    old != NULL ? id : NULL, resp);
	if (e != SCIM_OK) {
		cJSON_Delete(doc);
		return e;
	}
	if ((*stored = resource_stored(sc, id, doc, old)) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	/* A user's application roles follow from what it now holds. */
	if (user && (e = roles_compute(tx, &req->rq_tenant, id, *stored, 1,
	    resp)) != SCIM_OK)
		return e;
	if (user && (e = resource_declare(tx, &req->rq_tenant)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	if ((json = cJSON_PrintUnformatted(*stored)) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	e = store_res_put(tx, tn, sc->sc_type, id, json, strlen(json),
	    old == NULL);
	free(json);
	if (e == SCIM_OK && old != NULL)
		e = resource_index(tx, tn, sc, old, id, 0);
	if (e == SCIM_OK)
		e = resource_index(tx, tn, sc, *stored, id, 1);
	if (e == SCIM_OK)
		e = write_audit(tx, &req->rq_tenant, sc, id, old, *stored);
	return e == SCIM_OK ? SCIM_OK : scim_fail(resp, e, NULL);
}

int
resource_touch(cJSON *doc)
{
	cJSON	*meta = cJSON_GetObjectItem(doc, "meta");
	char	 now[TIME_STRLEN + 1], ver[32];
	uint8_t	 vb[8];

	if (!cJSON_IsObject(meta) || util_random(vb, sizeof(vb)) == -1)
		return -1;
	util_time_now(now);
	memcpy(ver, "W/\"", 3);
	util_hex(vb, sizeof(vb), ver + 3);
	strcat(ver, "\"");
	if (!cJSON_ReplaceItemInObjectCaseSensitive(meta, "lastModified",
	    cJSON_CreateString(now)) ||
	    !cJSON_ReplaceItemInObjectCaseSensitive(meta, "version",
	    cJSON_CreateString(ver)))
		return -1;
	return 0;
}

cJSON *
resource_stored(const struct schema *sc, const uint8_t id[16], cJSON *doc,
    const cJSON *old)
{
	cJSON		*out, *meta, *item, *urns;
	const cJSON	*created;
	char		 ids[UUID_STRLEN + 1], now[TIME_STRLEN + 1];
	char		 ver[32];
	uint8_t		 vb[8];

	util_uuid_format(id, ids);
	util_time_now(now);
	if (util_random(vb, sizeof(vb)) == -1) {
		cJSON_Delete(doc);
		return NULL;
	}
	util_hex(vb, sizeof(vb), ver + 3);
	memcpy(ver, "W/\"", 3);
	strcat(ver, "\"");
	created = old != NULL ?
	    cJSON_GetObjectItem(cJSON_GetObjectItem(old, "meta"), "created") :
	    NULL;

	out = cJSON_CreateObject();
	urns = schema_urns(sc, doc);
	if (out == NULL || json_add(out, "schemas", urns) == -1 ||
	    json_add_string(out, "id", ids) == -1)
		goto fail;
	while ((item = doc->child) != NULL) {
		cJSON_DetachItemViaPointer(doc, item);
		cJSON_AddItemToObject(out, item->string, item);
	}
	/* resourceType is kept too, so filters on it need no special case. */
	if ((meta = cJSON_CreateObject()) == NULL ||
	    json_add(out, "meta", meta) == -1 ||
	    json_add_string(meta, "resourceType", sc->sc_name) == -1 ||
	    json_add_string(meta, "created", cJSON_IsString(created) ?
	    created->valuestring : now) == -1 ||
	    json_add_string(meta, "lastModified", now) == -1 ||
	    json_add_string(meta, "version", ver) == -1)
		goto fail;
	cJSON_Delete(doc);
	return out;
fail:
	cJSON_Delete(doc);
	cJSON_Delete(out);
	return NULL;
}

/* Computed attributes: meta.resourceType and meta.location. */
static int
decorate(const struct scim_req *req, const struct schema *sc, cJSON *doc)
{
	cJSON		*old, *meta;
	const cJSON	*id, *v;
	char		 loc[SCIM_MAX_BASEURL + 64];

	id = cJSON_GetObjectItem(doc, "id");
	old = cJSON_DetachItemFromObject(doc, "meta");
	if ((meta = cJSON_CreateObject()) == NULL)
		goto fail;
	snprintf(loc, sizeof(loc), "%s/%s/%s", req->rq_base, sc->sc_endpoint,
	    cJSON_IsString(id) ? id->valuestring : "");
	if (json_add_string(meta, "resourceType", sc->sc_name) == -1)
		goto fail;
	if ((v = cJSON_GetObjectItem(old, "created")) != NULL &&
	    json_add(meta, "created", cJSON_Duplicate(v, 0)) == -1)
		goto fail;
	if ((v = cJSON_GetObjectItem(old, "lastModified")) != NULL &&
	    json_add(meta, "lastModified", cJSON_Duplicate(v, 0)) == -1)
		goto fail;
	if (json_add_string(meta, "location", loc) == -1)
		goto fail;
	if ((v = cJSON_GetObjectItem(old, "version")) != NULL &&
	    json_add(meta, "version", cJSON_Duplicate(v, 0)) == -1)
		goto fail;
	cJSON_Delete(old);
	return json_add(doc, "meta", meta);
fail:
	cJSON_Delete(old);
	cJSON_Delete(meta);
	return -1;
}

struct emit {
	struct scim_req		*em_req;
	const struct schema	*em_sc;
	struct buf		*em_out;
	int			 em_n;		/* members written */
};

/* One member of a group, as text: value, $ref, display, type. */
static int
emit_member(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	struct emit	*em = arg;
	char		 ids[UUID_STRLEN + 1];

	util_uuid_format(id, ids);
	buf_str(em->em_out, em->em_n++ > 0 ? ",{\"value\":\"" :
	    "{\"value\":\"");
	buf_str(em->em_out, ids);
	buf_str(em->em_out, "\",\"$ref\":");
	/* req->rq_base passed host and path checks: no escaping needed. */
	buf_str(em->em_out, "\"");
	buf_str(em->em_out, em->em_req->rq_base);
	buf_str(em->em_out, type == RES_GROUP ? "/Groups/" : "/Users/");
	buf_str(em->em_out, ids);
	buf_str(em->em_out, "\"");
	if (dlen > 0) {
		buf_str(em->em_out, ",\"display\":");
		buf_json_str(em->em_out, display, dlen);
	}
	buf_str(em->em_out, type == RES_GROUP ? ",\"type\":\"Group\"}" :
	    ",\"type\":\"User\"}");
	return buf_failed(em->em_out) != SCIM_OK;
}

struct groups_arg {
	struct scim_req		*ga_req;
	struct store_txn	*ga_tx;
	cJSON			*ga_arr;
	enum scim_err		 ga_err;
};

/* One entry of User.groups (readOnly, computed from memberof). */
static int
user_group(const uint8_t gid[16], void *arg)
{
	struct groups_arg	*ga = arg;
	char			 ids[UUID_STRLEN + 1];
	char			 ref[SCIM_MAX_BASEURL + 64];
	const char		*json;
	const cJSON		*dn;
	cJSON			*g, *el;
	size_t			 len;

	util_uuid_format(gid, ids);
	snprintf(ref, sizeof(ref), "%s/Groups/%s", ga->ga_req->rq_base, ids);
	if ((el = cJSON_CreateObject()) == NULL) {
		ga->ga_err = SCIM_ENOMEM;
		return 1;
	}
	cJSON_AddItemToArray(ga->ga_arr, el);
	json_add_string(el, "value", ids);
	json_add_string(el, "$ref", ref);
	if (store_res_get(ga->ga_tx, ga->ga_req->rq_tenant.tn_id, RES_GROUP,
	    gid, &json, &len) == SCIM_OK &&
	    (g = cJSON_ParseWithLength(json, len)) != NULL) {
		dn = cJSON_GetObjectItem(g, "displayName");
		if (cJSON_IsString(dn))
			json_add_string(el, "display", dn->valuestring);
		cJSON_Delete(g);
	}
	json_add_string(el, "type", "direct");
	return 0;
}

enum scim_err
resource_emit(struct scim_req *req, struct store_txn *tx,
    const struct schema *sc, const struct proj *pj, cJSON *doc,
    struct buf *out)
{
	struct groups_arg	 ga;
	struct emit		 em;
	const cJSON		*idv;
	uint8_t			 id[16];
	char			*text;
	size_t			 n;
	enum scim_err		 e = SCIM_OK;
	int			 members;

	idv = cJSON_GetObjectItem(doc, "id");
	if (!cJSON_IsString(idv) || util_uuid_parse(idv->valuestring, id)) {
		cJSON_Delete(doc);
		return SCIM_ESTORE;
	}
	if (decorate(req, sc, doc) == -1) {
		cJSON_Delete(doc);
		return SCIM_ENOMEM;
	}
	if (sc->sc_type == RES_USER && proj_wants(pj, "groups")) {
		memset(&ga, 0, sizeof(ga));
		ga.ga_req = req;
		ga.ga_tx = tx;
		if ((ga.ga_arr = cJSON_CreateArray()) == NULL ||
		    json_add(doc, "groups", ga.ga_arr) == -1)
			e = SCIM_ENOMEM;
		else if ((e = store_memberof_each(tx, req->rq_tenant.tn_id, id,
		    user_group, &ga)) == SCIM_OK)
			e = ga.ga_err;
		if (e == SCIM_OK && ga.ga_arr->child == NULL)
			cJSON_DeleteItemFromObject(doc, "groups");
	}
	members = sc->sc_type == RES_GROUP && proj_wants(pj, "members");
	if (pj->pj_mode != PROJ_ALL) {
		cJSON *urns;
		proj_apply(pj, sc, doc);
		/* "schemas" names only the extensions still present. */
		if ((urns = schema_urns(sc, doc)) != NULL)
			cJSON_ReplaceItemInObjectCaseSensitive(doc, "schemas",
			    urns);
	}
	text = e == SCIM_OK ? cJSON_PrintUnformatted(doc) : NULL;
	cJSON_Delete(doc);
	if (e != SCIM_OK || text == NULL) {
		free(text);
		return e != SCIM_OK ? e : SCIM_ENOMEM;
	}
	n = strlen(text);
	if (!members) {
		buf_add(out, text, n);
		free(text);
		return buf_failed(out);
	}
	/*
	 * Members are written as text straight from their keys, never as
	 * one tree: memory grows by the bytes of each member only.
	 */
	buf_add(out, text, n - 1);	/* without the closing brace */
	free(text);
	buf_str(out, ",\"members\":[");
	em.em_req = req;
	em.em_sc = sc;
	em.em_out = out;
	em.em_n = 0;
	e = store_member_each(tx, req->rq_tenant.tn_id, id, emit_member, &em);
	buf_str(out, "]}");
	return e != SCIM_OK ? e : buf_failed(out);
}

enum scim_err
resource_respond(struct scim_req *req, struct scim_resp *resp,
    const struct schema *sc, cJSON *doc, int status)
{
	struct store_txn	*tx = NULL;
	struct proj		 pj;
	struct buf		 out;
	const cJSON		*loc;
	char			 ids[UUID_STRLEN + 1] = "";
	enum scim_err		 e;

	if ((e = proj_parse(req->rq_query, sc, &pj, resp)) != SCIM_OK) {
		cJSON_Delete(doc);
		return e;
	}
	loc = cJSON_GetObjectItem(doc, "id");
	if (cJSON_IsString(loc))
		util_strlcpy(ids, loc->valuestring, sizeof(ids));
	if (status == 201) {
		char l[SCIM_MAX_BASEURL + 64];
		snprintf(l, sizeof(l), "%s/%s/%s", req->rq_base,
		    sc->sc_endpoint, ids);
		if ((resp->rp_location = strdup(l)) == NULL) {
			cJSON_Delete(doc);
			return scim_fail(resp, SCIM_ENOMEM, NULL);
		}
	}
	resource_etag(resp, doc);
	buf_init(&out, BUF_MAX_RESPONSE);
	if ((e = store_begin(req->rq_store, 0, &tx)) != SCIM_OK) {
		cJSON_Delete(doc);
		return scim_fail(resp, e, NULL);
	}
	e = resource_emit(req, tx, sc, &pj, doc, &out);
	store_abort(tx);
	if (e != SCIM_OK) {
		buf_free(&out);
		return scim_fail(resp, e, NULL);
	}
	http_response_json(resp, status, buf_take(&out));
	return resp->rp_body != NULL ? SCIM_OK :
	    scim_fail(resp, SCIM_ENOMEM, NULL);
}

enum scim_err
resource_get(struct scim_req *req, struct scim_resp *resp,
    const struct schema *sc, const char *ids)
{
	struct store_txn	*tx = NULL;
	struct proj		 pj;
	struct buf		 out;
	uint8_t			 id[16];
	const char		*json;
	size_t			 len;
	cJSON			*doc = NULL;
	enum scim_err		 e;

	if ((e = resource_id(ids, id, resp)) != SCIM_OK ||
	    (e = proj_parse(req->rq_query, sc, &pj, resp)) != SCIM_OK)
		return e;
	/* One read transaction: the record, its memberships, the text. */
	if ((e = store_begin(req->rq_store, 0, &tx)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	e = store_res_get(tx, req->rq_tenant.tn_id, sc->sc_type, id, &json,
	    &len);
	if (e == SCIM_OK && (doc = cJSON_ParseWithLength(json, len)) == NULL)
		e = SCIM_ESTORE;
	if (e == SCIM_OK) {
		resource_etag(resp, doc);
		/* RFC 7644 §3.14: unchanged since the client's version. */
		if (req->rq_ifnonematch != NULL && resp->rp_etag[0] != '\0' &&
		    http_etag_listed(req->rq_ifnonematch, resp->rp_etag)) {
			cJSON_Delete(doc);
			store_abort(tx);
			resp->rp_status = 304;
			return SCIM_OK;
		}
	}
	buf_init(&out, BUF_MAX_RESPONSE);
	if (e == SCIM_OK)
		e = resource_emit(req, tx, sc, &pj, doc, &out);
	store_abort(tx);
	if (e != SCIM_OK) {
		buf_free(&out);
		if (e == SCIM_ENOTFOUND)
			return scim_fail(resp, e, "%s %.64s not found",
			    sc->sc_name, ids);
		return scim_fail(resp, e, NULL);
	}
	http_response_json(resp, 200, buf_take(&out));
	return resp->rp_body != NULL ? SCIM_OK :
	    scim_fail(resp, SCIM_ENOMEM, NULL);
}

struct image {
	cJSON			*im_list;
	struct store_txn	*im_tx;
	uint32_t		 im_tenant;
	const uint8_t		*im_member;
};

/* A group the deleted resource was in, with the display it had there. */
static int
image_group(const uint8_t gid[16], void *arg)
{
	struct image	*im = arg;
	enum res_type	 type;
	char		 ids[UUID_STRLEN + 1], d[STORE_DISPLAY_MAX + 1];
	cJSON		*g;

	util_uuid_format(gid, ids);
	if ((g = cJSON_CreateObject()) == NULL)
		return 1;
	cJSON_AddStringToObject(g, "value", ids);
	if (store_member_get(im->im_tx, im->im_tenant, gid, im->im_member,
	    &type, d, sizeof(d)) == SCIM_OK)
		cJSON_AddStringToObject(g, "display", d);
	cJSON_AddItemToArray(im->im_list, g);
	return 0;
}

static int
image_member(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	char	 ids[UUID_STRLEN + 1], *d;
	cJSON	*m;

	util_uuid_format(id, ids);
	if ((m = cJSON_CreateObject()) == NULL)
		return 1;
	cJSON_AddStringToObject(m, "value", ids);
	cJSON_AddStringToObject(m, "type", type == RES_GROUP ? "Group" :
	    "User");
	if ((d = malloc(dlen + 1)) != NULL) {
		memcpy(d, display, dlen);
		d[dlen] = '\0';
		cJSON_AddStringToObject(m, "display", d);
		free(d);
	}
	cJSON_AddItemToArray(((struct image *)arg)->im_list, m);
	return 0;
}

/*
 * The audit entry of a deletion: the stored record, the groups a user
 * was in or a group's members, and a change feed record.
 */
static enum scim_err
delete_audit(struct store_txn *tx, const struct tenant *t,
    const struct schema *sc, const uint8_t id[16], const cJSON *doc)
{
	struct image	 im, parents;
	cJSON		*before;
	enum scim_err	 e;
	int		 user = sc->sc_type == RES_USER;

	im.im_tx = parents.im_tx = tx;
	im.im_tenant = parents.im_tenant = t->tn_id;
	im.im_member = parents.im_member = id;
	if ((before = cJSON_CreateObject()) == NULL ||
	    (im.im_list = cJSON_AddArrayToObject(before, user ? "groups" :
	    "members")) == NULL) {
		cJSON_Delete(before);
		return SCIM_ENOMEM;
	}
	cJSON_AddItemToObject(before, "resource", cJSON_Duplicate(doc, 1));
	e = user ? store_memberof_each(tx, t->tn_id, id, image_group, &im) :
	    store_member_each(tx, t->tn_id, id, image_member, &im);
	if (e == SCIM_OK && !user) {	/* a group may be a member too */
		parents.im_list = cJSON_AddArrayToObject(before, "groups");
		e = store_memberof_each(tx, t->tn_id, id, image_group,
		    &parents);
	}
	if (e != SCIM_OK) {
		cJSON_Delete(before);
		return e;
	}
	if ((e = audit_record(tx, t, user ? "user.deleted" : "group.deleted",
	    sc->sc_type, id, cJSON_GetStringValue(cJSON_GetObjectItem(doc,
	    user ? "userName" : "displayName")), before, NULL)) != SCIM_OK)
		return e;
	return audit_change(tx, t, sc->sc_type, id, "delete");
}

enum scim_err
resource_delete(struct scim_req *req, struct scim_resp *resp,
    const struct schema *sc, const char *ids)
{
	struct store_txn	*tx = NULL;
	uint8_t			 id[16];
	const char		*json;
	size_t			 len;
	cJSON			*doc = NULL;
	uint32_t		 tn = req->rq_tenant.tn_id;
	struct roles_set	 former;
	enum scim_err		 e;

	memset(&former, 0, sizeof(former));
	if ((e = resource_id(ids, id, resp)) != SCIM_OK)
		return e;
	if ((e = store_begin(req->rq_store, 1, &tx)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	e = store_res_get(tx, tn, sc->sc_type, id, &json, &len);
	if (e == SCIM_OK && (doc = cJSON_ParseWithLength(json, len)) == NULL)
		e = SCIM_ESTORE;
	if (e == SCIM_OK && (e = resource_precondition(req, doc, resp))) {
		cJSON_Delete(doc);
		store_abort(tx);
		return e;
	}
	if (e == SCIM_OK)
		e = resource_index(tx, tn, sc, doc, id, 0);
	if (e == SCIM_OK)
		e = store_res_del(tx, tn, sc->sc_type, id);
	/* Deprovisioning: the before-image is enough to restore it all. */
	if (e == SCIM_OK)
		e = delete_audit(tx, &req->rq_tenant, sc, id, doc);
	/*
	 * Its memberships go with it; member users are never deleted, but
	 * may lose a role the group gave them.
	 */
	if (e == SCIM_OK && sc->sc_type == RES_GROUP &&
	    roles_by_group(tx, &req->rq_tenant))
		e = roles_set_members(tx, &req->rq_tenant, id, &former);
	if (e == SCIM_OK && sc->sc_type == RES_GROUP)
		e = store_member_clear(tx, tn, id);
	if (e == SCIM_OK)
		e = store_memberof_clear(tx, tn, id);
	if (e == SCIM_OK)
		e = roles_set_refresh(tx, &req->rq_tenant, &former);
	roles_set_free(&former);
	cJSON_Delete(doc);
	if (e != SCIM_OK) {
		store_abort(tx);
		if (e == SCIM_ENOTFOUND)
			return scim_fail(resp, e, "%s %.64s not found",
			    sc->sc_name, ids);
		return scim_fail(resp, e, NULL);
	}
	if ((e = store_commit(tx)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	resp->rp_status = 204;
	return SCIM_OK;
}
