/*
 * users.c: creating and replacing Users.  Reading, listing and deleting
 * are resource.c's.  Each write is ONE transaction: check uniqueness,
 * store the resource, update the index, commit; any failure aborts it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "http.h"
#include "json.h"
#include "resource.h"
#include "schema.h"
#include "scim_error.h"
#include "store.h"
#include "users.h"
#include "util.h"

/* Decode and normalise the body into *out; userName is required. */
static enum scim_err
user_body(struct scim_req *req, struct scim_resp *resp, cJSON **out)
{
	const struct schema	*sc = schema_get(RES_USER);
	cJSON			*in;
	enum scim_err		 e;

	*out = NULL;
	if ((e = json_parse_body(req->rq_body, req->rq_bodylen, &in, resp)))
		return e;
	e = schema_normalize(sc, in, out, resp);
	cJSON_Delete(in);
	if (e != SCIM_OK)
		return e;
	if ((e = resource_named(sc, *out, resp)) != SCIM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return e;
}

struct redisplay {
	struct store_txn	*rd_tx;
	uint32_t		 rd_tenant;
	const uint8_t		*rd_user;
	const char		*rd_display;
	enum scim_err		 rd_err;
};

static int
redisplay(const uint8_t group[16], void *arg)
{
	struct redisplay	*rd = arg;

	rd->rd_err = store_member_put(rd->rd_tx, rd->rd_tenant, group,
	    rd->rd_user, RES_USER, rd->rd_display, NULL);
	return rd->rd_err != SCIM_OK;
}

/*
 * Groups keep each member's display name with its key (so a group's
 * members are listed without reading every user): a rename updates it in
 * every group the user is in.
 */
static enum scim_err
user_redisplay(struct store_txn *tx, uint32_t tenant, const uint8_t id[16],
    const cJSON *old, const cJSON *stored)
{
	struct redisplay	 rd;
	const char		*was, *now;
	enum scim_err		 e;

	was = groups_member_display(RES_USER, old);
	now = groups_member_display(RES_USER, stored);
	if (now == NULL || (was != NULL && strcmp(was, now) == 0))
		return SCIM_OK;
	rd.rd_tx = tx;
	rd.rd_tenant = tenant;
	rd.rd_user = id;
	rd.rd_display = now;
	rd.rd_err = SCIM_OK;
	if ((e = store_memberof_each(tx, tenant, id, redisplay, &rd)))
		return e;
	return rd.rd_err;
}

/* Store doc (consumed) under id in tx, replacing old when given. */
static enum scim_err
user_write(struct scim_req *req, struct scim_resp *resp,
    struct store_txn *tx, const uint8_t id[16], cJSON *doc, const cJSON *old,
    cJSON **stored)
{
	enum scim_err	e;

	e = resource_write(req, resp, tx, schema_get(RES_USER), id, doc, old,
	    stored);
	if (e == SCIM_OK && old != NULL &&
	    (e = user_redisplay(tx, req->rq_tenant.tn_id, id, old, *stored)))
		return scim_fail(resp, e, NULL);
	return e;
}

enum scim_err
users_create(struct scim_req *req, struct scim_resp *resp)
{
	struct store_txn	*tx = NULL;
	uint8_t			 id[16];
	cJSON			*doc, *stored = NULL;
	enum scim_err		 e;

	if ((e = user_body(req, resp, &doc)) != SCIM_OK)
		return e;
	/* A new user is active unless the client says otherwise. */
	if (cJSON_GetObjectItem(doc, "active") == NULL)
		cJSON_AddTrueToObject(doc, "active");
	if (util_uuid_new(id) == -1) {
		cJSON_Delete(doc);
		return scim_fail(resp, SCIM_ESTORE, NULL);
	}
	if ((e = store_begin(req->rq_store, 1, &tx)) != SCIM_OK) {
		cJSON_Delete(doc);
		return scim_fail(resp, e, NULL);
	}
	if ((e = user_write(req, resp, tx, id, doc, NULL, &stored)) ||
	    (e = store_commit(tx)) != SCIM_OK) {
		if (resp->rp_err == SCIM_OK)	/* commit failed: tx is gone */
			tx = NULL;
		store_abort(tx);
		cJSON_Delete(stored);
		return scim_fail(resp, e, NULL);
	}
	return resource_respond(req, resp, schema_get(RES_USER), stored, 201);
}

enum scim_err
users_replace(struct scim_req *req, struct scim_resp *resp, const char *ids)
{
	struct store_txn	*tx = NULL;
	uint8_t			 id[16];
	const char		*json;
	size_t			 len;
	cJSON			*doc, *old = NULL, *stored = NULL;
	const cJSON		*act;
	enum scim_err		 e;

	if ((e = resource_id(ids, id, resp)) != SCIM_OK)
		return e;
	if ((e = user_body(req, resp, &doc)) != SCIM_OK)
		return e;
	if ((e = store_begin(req->rq_store, 1, &tx)) != SCIM_OK) {
		cJSON_Delete(doc);
		return scim_fail(resp, e, NULL);
	}
	e = store_res_get(tx, req->rq_tenant.tn_id, RES_USER, id, &json, &len);
	if (e == SCIM_OK && (old = cJSON_ParseWithLength(json, len)) == NULL)
		e = SCIM_ESTORE;
	if (e == SCIM_OK)
		e = resource_precondition(req, old, resp);
	if (e != SCIM_OK) {
		cJSON_Delete(doc);
		cJSON_Delete(old);
		store_abort(tx);
		if (e == SCIM_ENOTFOUND)
			return scim_fail(resp, e, "User %.64s not found", ids);
		return scim_fail(resp, e, NULL);
	}
	/*
	 * A PUT without `active` keeps the current state: a client that
	 * omits it must not reactivate a deprovisioned user by accident.
	 */
	if (cJSON_GetObjectItem(doc, "active") == NULL &&
	    cJSON_IsBool(act = cJSON_GetObjectItem(old, "active")))
		cJSON_AddBoolToObject(doc, "active", cJSON_IsTrue(act));
	if ((e = user_write(req, resp, tx, id, doc, old, &stored)) ||
	    (e = store_commit(tx)) != SCIM_OK) {
		if (resp->rp_err == SCIM_OK)
			tx = NULL;
		store_abort(tx);
		cJSON_Delete(old);
		cJSON_Delete(stored);
		return scim_fail(resp, e, NULL);
	}
	cJSON_Delete(old);
	return resource_respond(req, resp, schema_get(RES_USER), stored, 200);
}

enum scim_err
users_patch(struct scim_req *req, struct scim_resp *resp, const char *ids)
{
	const struct schema	*sc = schema_get(RES_USER);
	struct store_txn	*tx = NULL;
	uint8_t			 id[16];
	const char		*json;
	size_t			 len;
	cJSON			*body = NULL, *old = NULL, *doc = NULL;
	cJSON			*stored = NULL;
	enum scim_err		 e;

	if ((e = resource_id(ids, id, resp)) != SCIM_OK)
		return e;
	if ((e = json_parse_body(req->rq_body, req->rq_bodylen, &body, resp)))
		return e;
	if ((e = store_begin(req->rq_store, 1, &tx)) != SCIM_OK)
		goto fail;
	e = store_res_get(tx, req->rq_tenant.tn_id, RES_USER, id, &json, &len);
	if (e == SCIM_ENOTFOUND) {
		e = scim_fail(resp, e, "User %.64s not found", ids);
		goto fail;
	}
	if (e == SCIM_OK && (old = cJSON_ParseWithLength(json, len)) == NULL)
		e = SCIM_ENOMEM;
	if (e != SCIM_OK || (e = resource_precondition(req, old, resp)) ||
	    (e = resource_patch(sc, body, old, NULL, &doc, resp)) != SCIM_OK)
		goto fail;
	e = user_write(req, resp, tx, id, doc, old, &stored);
	doc = NULL;
	if (e != SCIM_OK)
		goto fail;
	e = store_commit(tx);
	tx = NULL;
	if (e != SCIM_OK)
		goto fail;
	cJSON_Delete(old);
	cJSON_Delete(body);
	if (req->rq_tenant.tn_flags & TENANT_PATCH_204) {
		resource_etag(resp, stored);
		cJSON_Delete(stored);
		resp->rp_status = 204;
		return SCIM_OK;
	}
	return resource_respond(req, resp, sc, stored, 200);
fail:
	store_abort(tx);
	cJSON_Delete(body);
	cJSON_Delete(old);
	cJSON_Delete(doc);
	cJSON_Delete(stored);
	return scim_fail(resp, e, NULL);
}
