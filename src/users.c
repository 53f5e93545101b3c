/*
 * users.c: creating and replacing Users.  Reading, listing and deleting
 * are resource.c's.  Each write is ONE transaction: check uniqueness,
 * store the resource, update the index, commit; any failure aborts it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ctx.h"
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
	const struct schema	*sc = ctx_schema(req->rq_cx, RES_USER);
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

/* A user write: what the handler decoded, and what was stored. */
struct user_op {
	const char	*uo_ids;	/* the id as sent (PUT, PATCH) */
	uint8_t		 uo_id[16];
	cJSON		*uo_doc;	/* normalised body (POST, PUT) */
	cJSON		*uo_body;	/* PatchOp message (PATCH) */
	cJSON		*uo_stored;	/* the stored form, after */
};

static void
user_op_free(struct user_op *uo)
{
	cJSON_Delete(uo->uo_doc);
	cJSON_Delete(uo->uo_body);
	cJSON_Delete(uo->uo_stored);
}

/* Store doc (consumed) under id in tx, replacing old when given. */
static enum scim_err
user_write(struct scim_req *req, struct store_txn *tx, struct user_op *uo,
    cJSON *doc, const cJSON *old, struct scim_resp *resp)
{
	enum scim_err	e;

	e = resource_write(req->rq_cx, tx, ctx_schema(req->rq_cx, RES_USER),
	    uo->uo_id, doc, old, 0, &uo->uo_stored, resp);
	if (e == SCIM_OK && old != NULL)
		e = user_redisplay(tx, req->rq_cx->cx_tenant.tn_id, uo->uo_id,
		    old, uo->uo_stored);
	return e;
}

static enum scim_err
create_tx(struct scim_req *req, struct store_txn *tx, void *arg,
    struct scim_resp *resp)
{
	struct user_op	*uo = arg;
	cJSON		*doc = uo->uo_doc;
	enum scim_err	 e;

	uo->uo_doc = NULL;
	if ((e = user_write(req, tx, uo, doc, NULL, resp)) == SCIM_OK) {
		e = resource_respond(req, tx, resp, ctx_schema(req->rq_cx,
		    RES_USER), uo->uo_stored, 201);
		uo->uo_stored = NULL;
	}
	return e;
}

enum scim_err
users_create(struct scim_req *req, struct scim_resp *resp)
{
	struct user_op	uo;
	enum scim_err	e;

	memset(&uo, 0, sizeof(uo));
	if ((e = user_body(req, resp, &uo.uo_doc)) != SCIM_OK)
		goto out;
	/* A new user is active unless the client says otherwise. */
	if (cJSON_GetObjectItem(uo.uo_doc, "active") == NULL &&
	    cJSON_AddTrueToObject(uo.uo_doc, "active") == NULL) {
		e = SCIM_ENOMEM;
		goto out;
	}
	if (util_uuid_new(uo.uo_id) == -1) {
		e = SCIM_ESTORE;
		goto out;
	}
	e = resource_txn(req, resp, create_tx, &uo);
out:
	user_op_free(&uo);
	return e;
}

static enum scim_err
replace_tx(struct scim_req *req, struct store_txn *tx, void *arg,
    struct scim_resp *resp)
{
	struct user_op	*uo = arg;
	cJSON		*old = NULL, *doc;
	const cJSON	*act;
	enum scim_err	 e;

	if ((e = resource_load(req, tx, ctx_schema(req->rq_cx, RES_USER),
	    uo->uo_id, uo->uo_ids, &old, resp)) != SCIM_OK)
		goto out;
	/*
	 * A PUT without `active` keeps the current state: a client that
	 * omits it must not reactivate a deprovisioned user by accident.
	 */
	doc = uo->uo_doc;
	if (cJSON_GetObjectItem(doc, "active") == NULL &&
	    cJSON_IsBool(act = cJSON_GetObjectItem(old, "active")) &&
	    cJSON_AddBoolToObject(doc, "active", cJSON_IsTrue(act)) == NULL) {
		e = SCIM_ENOMEM;
		goto out;
	}
	uo->uo_doc = NULL;
	if ((e = user_write(req, tx, uo, doc, old, resp)) == SCIM_OK) {
		e = resource_respond(req, tx, resp, ctx_schema(req->rq_cx,
		    RES_USER), uo->uo_stored, 200);
		uo->uo_stored = NULL;
	}
out:
	cJSON_Delete(old);
	return e;
}

enum scim_err
users_replace(struct scim_req *req, struct scim_resp *resp, const char *ids)
{
	struct user_op	uo;
	enum scim_err	e;

	memset(&uo, 0, sizeof(uo));
	uo.uo_ids = ids;
	if ((e = resource_id(ids, uo.uo_id, resp)) != SCIM_OK ||
	    (e = user_body(req, resp, &uo.uo_doc)) != SCIM_OK)
		goto out;
	e = resource_txn(req, resp, replace_tx, &uo);
out:
	user_op_free(&uo);
	return e;
}

static enum scim_err
patch_tx(struct scim_req *req, struct store_txn *tx, void *arg,
    struct scim_resp *resp)
{
	struct user_op		*uo = arg;
	const struct schema	*sc = ctx_schema(req->rq_cx, RES_USER);
	cJSON			*old = NULL, *doc = NULL;
	enum scim_err		 e;

	if ((e = resource_load(req, tx, sc, uo->uo_id, uo->uo_ids, &old,
	    resp)) == SCIM_OK &&
	    (e = resource_patch(sc, uo->uo_body, old, NULL, &doc, resp)) ==
	    SCIM_OK &&
	    (e = user_write(req, tx, uo, doc, old, resp)) == SCIM_OK) {
		e = resource_patched(req, tx, resp, sc, uo->uo_stored,
		    (req->rq_cx->cx_tenant.tn_flags & TENANT_PATCH_204) != 0);
		uo->uo_stored = NULL;
	}
	cJSON_Delete(old);
	return e;
}

enum scim_err
users_patch(struct scim_req *req, struct scim_resp *resp, const char *ids)
{
	struct user_op	uo;
	enum scim_err	e;

	memset(&uo, 0, sizeof(uo));
	uo.uo_ids = ids;
	if ((e = resource_id(ids, uo.uo_id, resp)) != SCIM_OK ||
	    (e = json_parse_body(req->rq_body, req->rq_bodylen, &uo.uo_body,
	    resp)) != SCIM_OK)
		goto out;
	e = resource_txn(req, resp, patch_tx, &uo);
out:
	user_op_free(&uo);
	return e;
}
