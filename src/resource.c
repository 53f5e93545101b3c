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

#include "filter.h"
#include "http.h"
#include "json.h"
#include "resource.h"
#include "schema.h"
#include "scim_error.h"
#include "util.h"

#define URN_LIST	"urn:ietf:params:scim:api:messages:2.0:ListResponse"

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
	if ((meta = cJSON_CreateObject()) == NULL ||
	    json_add(out, "meta", meta) == -1 ||
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

enum scim_err
resource_respond(struct scim_req *req, struct scim_resp *resp,
    const struct schema *sc, cJSON *doc, int status)
{
	const cJSON	*loc;
	char		*body;

	if (decorate(req, sc, doc) == -1) {
		cJSON_Delete(doc);
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	}
	loc = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "meta"),
	    "location");
	if (status == 201 && cJSON_IsString(loc) &&
	    (resp->rp_location = strdup(loc->valuestring)) == NULL) {
		cJSON_Delete(doc);
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	}
	body = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (body == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	http_response_json(resp, status, body);
	return SCIM_OK;
}

/* Listing. */

struct page {
	struct scim_req		*pg_req;
	const struct schema	*pg_sc;
	const struct fnode	*pg_filter;	/* NULL: everything */
	long long		 pg_start;	/* 1-based */
	long long		 pg_count;
	long long		 pg_total;	/* matches so far */
	cJSON			*pg_list;	/* Resources */
	enum scim_err		 pg_err;
};

/*
 * One candidate: count it when it matches, and when it falls in the page
 * window, add its decorated form.  Returns 1 to stop on error.
 */
static int
page_add(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct page	*pg = arg;
	cJSON		*doc = NULL;
	long long	 pos;

	(void)id;
	if (pg->pg_filter != NULL) {
		if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
			pg->pg_err = SCIM_ESTORE;
			return 1;
		}
		if (!filter_match(pg->pg_filter, pg->pg_sc, doc)) {
			cJSON_Delete(doc);
			return 0;
		}
	}
	pos = ++pg->pg_total;
	if (pos < pg->pg_start || pos >= pg->pg_start + pg->pg_count) {
		cJSON_Delete(doc);
		return 0;
	}
	if (doc == NULL && (doc = cJSON_ParseWithLength(json, len)) == NULL) {
		pg->pg_err = SCIM_ESTORE;
		return 1;
	}
	if (decorate(pg->pg_req, pg->pg_sc, doc) == -1) {
		cJSON_Delete(doc);
		pg->pg_err = SCIM_ENOMEM;
		return 1;
	}
	cJSON_AddItemToArray(pg->pg_list, doc);
	return 0;
}

/* startIndex and count (RFC 7644 §3.4.2.4). */
static enum scim_err
paging(const struct scim_req *req, long long *start, long long *count,
    struct scim_resp *resp)
{
	char	buf[32];
	int	r;

	*start = 1;
	*count = SCIM_DEFAULT_COUNT;
	if ((r = http_query_get(req->rq_query, "startIndex", buf,
	    sizeof(buf))) == -1 || (r == 1 && buf[0] != '\0' &&
	    util_strtonum(buf, -0x7fffffffffffLL, 0x7fffffffffffLL,
	    start) == -1))
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "startIndex must be an integer");
	if ((r = http_query_get(req->rq_query, "count", buf,
	    sizeof(buf))) == -1 || (r == 1 && buf[0] != '\0' &&
	    util_strtonum(buf, -0x7fffffffffffLL, 0x7fffffffffffLL,
	    count) == -1))
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "count must be an integer");
	if (*start < 1)
		*start = 1;
	if (*count < 0)
		*count = 0;
	if (*count > SCIM_MAX_COUNT)
		*count = SCIM_MAX_COUNT;
	return SCIM_OK;
}

/* The candidates a plan names, each through page_add, in id order. */
static enum scim_err
run_plan(struct store_txn *tx, uint32_t tenant, const struct filter_plan *pl,
    struct page *pg)
{
	static uint8_t	 ids[SCIM_MAX_CANDIDATES][16];
	const char	*json;
	size_t		 len, n, i;
	enum scim_err	 e;

	if (pl->pl_empty)
		return SCIM_OK;
	if (pl->pl_kind == PLAN_ID) {
		e = store_res_get(tx, tenant, pg->pg_sc->sc_type, pl->pl_id,
		    &json, &len);
		if (e == SCIM_ENOTFOUND)
			return SCIM_OK;
		if (e == SCIM_OK)
			page_add(pl->pl_id, json, len, pg);
		return e != SCIM_OK ? e : pg->pg_err;
	}
	e = store_idx_find(tx, tenant, pg->pg_sc->sc_type, pl->pl_idx,
	    pl->pl_value, strlen(pl->pl_value), ids, SCIM_MAX_CANDIDATES, &n);
	if (e != SCIM_OK)
		return e;
	for (i = 0; i < n; i++) {
		/* A resource with two equal emails is indexed once. */
		if (i > 0 && memcmp(ids[i], ids[i - 1], 16) == 0)
			continue;
		e = store_res_get(tx, tenant, pg->pg_sc->sc_type, ids[i],
		    &json, &len);
		if (e == SCIM_ENOTFOUND)
			continue;
		if (e != SCIM_OK)
			return e;
		if (page_add(ids[i], json, len, pg))
			return pg->pg_err;
	}
	return SCIM_OK;
}

enum scim_err
resource_list(struct scim_req *req, struct scim_resp *resp,
    const struct schema *sc)
{
	struct page		 pg;
	struct filter_plan	 plan;
	struct store_txn	*tx = NULL;
	struct fnode		*f = NULL;
	char			 ftext[SCIM_MAX_FILTER + 1], err[256], *body;
	cJSON			*out = NULL, *schemas;
	enum scim_err		 e;
	int			 r;

	memset(&pg, 0, sizeof(pg));
	pg.pg_req = req;
	pg.pg_sc = sc;
	if ((e = paging(req, &pg.pg_start, &pg.pg_count, resp)) != SCIM_OK)
		return e;
	r = http_query_get(req->rq_query, "filter", ftext, sizeof(ftext));
	if (r == -1)
		return scim_fail(resp, SCIM_EFILTER, "filter longer than %d "
		    "bytes or holding a NUL byte", SCIM_MAX_FILTER);
	if (r == 1) {
		if ((f = filter_parse(ftext, err, sizeof(err))) == NULL)
			return scim_fail(resp, SCIM_EFILTER, "%s", err);
		if ((e = filter_plan(f, sc, &plan, err, sizeof(err)))) {
			filter_free(f);
			return scim_fail(resp, e, "%s", err);
		}
		pg.pg_filter = f;
	}

	if ((out = cJSON_CreateObject()) == NULL ||
	    (pg.pg_list = cJSON_CreateArray()) == NULL) {
		e = SCIM_ENOMEM;
		goto out;
	}
	if ((e = store_begin(req->rq_store, 0, &tx)) != SCIM_OK)
		goto out;
	if (f != NULL)
		e = run_plan(tx, req->rq_tenant.tn_id, &plan, &pg);
	else if ((e = store_res_each(tx, req->rq_tenant.tn_id, sc->sc_type,
	    page_add, &pg)) == SCIM_OK)
		e = pg.pg_err;
	store_abort(tx);
	if (e != SCIM_OK)
		goto out;

	schemas = cJSON_AddArrayToObject(out, "schemas");
	cJSON_AddItemToArray(schemas, cJSON_CreateString(URN_LIST));
	cJSON_AddNumberToObject(out, "totalResults", (double)pg.pg_total);
	cJSON_AddNumberToObject(out, "startIndex", (double)pg.pg_start);
	cJSON_AddNumberToObject(out, "itemsPerPage",
	    (double)cJSON_GetArraySize(pg.pg_list));
	cJSON_AddItemToObject(out, "Resources", pg.pg_list);
	pg.pg_list = NULL;
	if ((body = cJSON_PrintUnformatted(out)) == NULL) {
		e = SCIM_ENOMEM;
		goto out;
	}
	http_response_json(resp, 200, body);
out:
	filter_free(f);
	cJSON_Delete(pg.pg_list);
	cJSON_Delete(out);
	if (e == SCIM_ETOOMANY)
		return scim_fail(resp, e, "filter matches more than %d "
		    "candidates; narrow it", SCIM_MAX_CANDIDATES);
	return e == SCIM_OK ? SCIM_OK : scim_fail(resp, e, NULL);
}

enum scim_err
resource_get(struct scim_req *req, struct scim_resp *resp,
    const struct schema *sc, const char *ids)
{
	struct store_txn	*tx = NULL;
	uint8_t			 id[16];
	const char		*json;
	size_t			 len;
	cJSON			*doc = NULL;
	enum scim_err		 e;

	if ((e = resource_id(ids, id, resp)) != SCIM_OK)
		return e;
	if ((e = store_begin(req->rq_store, 0, &tx)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	e = store_res_get(tx, req->rq_tenant.tn_id, sc->sc_type, id, &json,
	    &len);
	if (e == SCIM_OK && (doc = cJSON_ParseWithLength(json, len)) == NULL)
		e = SCIM_ESTORE;
	store_abort(tx);
	if (e == SCIM_ENOTFOUND)
		return scim_fail(resp, e, "%s %.64s not found", sc->sc_name,
		    ids);
	if (e != SCIM_OK)
		return scim_fail(resp, e, NULL);
	return resource_respond(req, resp, sc, doc, 200);
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
	enum scim_err		 e;

	if ((e = resource_id(ids, id, resp)) != SCIM_OK)
		return e;
	if ((e = store_begin(req->rq_store, 1, &tx)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	e = store_res_get(tx, tn, sc->sc_type, id, &json, &len);
	if (e == SCIM_OK && (doc = cJSON_ParseWithLength(json, len)) == NULL)
		e = SCIM_ESTORE;
	if (e == SCIM_OK)
		e = resource_index(tx, tn, sc, doc, id, 0);
	if (e == SCIM_OK)
		e = store_res_del(tx, tn, sc->sc_type, id);
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
