/*
 * bulk.c: POST {mount}/Bulk (bulk.h).  Parses the BulkRequest, runs each
 * operation through router_dispatch() with a request and a response of
 * its own, nested in the Bulk's one write transaction, and answers the
 * BulkResponse (RFC 7644 §3.7.3).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "activity.h"
#include "breaker.h"
#include "bulk.h"
#include "ctx.h"
#include "http.h"
#include "json.h"
#include "plan.h"
#include "router.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

#define URN_BULK_REQ	"urn:ietf:params:scim:api:messages:2.0:BulkRequest"
#define URN_BULK_RESP	"urn:ietf:params:scim:api:messages:2.0:BulkResponse"
#define URN_ERROR	"urn:ietf:params:scim:api:messages:2.0:Error"
#define REF_PREFIX	"bulkId:"
#define REF_LEN		7

enum op_state {
	OP_PENDING,	/* not run yet */
	OP_DONE,	/* run, or failed before it could run */
};

/* What an operation's references allow now. */
enum op_refs {
	REFS_READY,	/* all resolved (or none) */
	REFS_WAIT,	/* one names an operation not run yet */
	REFS_FAIL,	/* one names nothing, or an operation that failed */
};

struct bulk_op {
	const cJSON		*bo_op;		/* in the parsed request */
	const char		*bo_bulkid;	/* NULL: none */
	const char		*bo_method;
	int			 bo_refs;	/* its data has references */
	enum op_state		 bo_state;
	int			 bo_ran;	/* dispatched */
	enum scim_err		 bo_err;
	struct scim_req		 bo_req;
	struct scim_resp	 bo_resp;
	struct activity		 bo_act;
	char			 bo_id[UUID_STRLEN + 1]; /* "": none */
	char			*bo_location;
};

struct bulk {
	struct scim_req		*b_req;
	struct ctx		*b_cx;
	struct store_txn	*b_tx;		/* owned by bulk_post() */
	struct bulk_op		*b_ops;
	size_t			 b_n;
	struct bulk_op		**b_byid;	/* those with a bulkId, sorted */
	size_t			 b_nid;
	long long		 b_failon;	/* 0: no limit */
	long long		 b_errors;
	uint64_t		 b_last_us;	/* the last record's time */
};

void
bulk_limits(const struct scim_req *req, long long *ops, long long *payload)
{
	const struct tenant	*t = &req->rq_cx->cx_tenant;

	*ops = t->tn_bulkops > 0 ? t->tn_bulkops : SCIM_BULK_OPS_DEFAULT;
	*payload = t->tn_bulkpayload > 0 ? t->tn_bulkpayload :
	    SCIM_BULK_PAYLOAD_DEFAULT;
	/* A larger body is refused before it is read (main.c). */
	if (req->rq_maxbody > 0 && (unsigned long long)*payload >
	    req->rq_maxbody)
		*payload = (long long)req->rq_maxbody;
}

static int
byid_cmp(const void *a, const void *b)
{
	return strcmp((*(struct bulk_op *const *)a)->bo_bulkid,
	    (*(struct bulk_op *const *)b)->bo_bulkid);
}

static int
byid_find(const void *key, const void *elem)
{
	return strcmp(key, (*(struct bulk_op *const *)elem)->bo_bulkid);
}

static struct bulk_op *
op_by_bulkid(struct bulk *b, const char *id)
{
	struct bulk_op	**o;

	if (b->b_nid == 0)
		return NULL;
	o = bsearch(id, b->b_byid, b->b_nid, sizeof(*b->b_byid), byid_find);
	return o != NULL ? *o : NULL;
}

/* An operation failed without running: its own response says why. */
static void
op_fail(struct bulk *b, struct bulk_op *o, enum scim_err e)
{
	o->bo_err = e;
	o->bo_state = OP_DONE;
	b->b_errors++;
}

/* What one reference allows; on REFS_FAIL, the operation failed. */
static enum op_refs
ref_check(struct bulk *b, struct bulk_op *o, const char *s)
{
	const struct bulk_op	*r;

	if (strncmp(s, REF_PREFIX, REF_LEN) != 0)
		return REFS_READY;
	if ((r = op_by_bulkid(b, s + REF_LEN)) == NULL) {
		op_fail(b, o, scim_fail(&o->bo_resp, SCIM_EINVALVALUE,
		    "%.80s names no operation of this Bulk request", s));
		return REFS_FAIL;
	}
	if (r == o) {
		op_fail(b, o, scim_fail(&o->bo_resp, SCIM_ECONFLICT,
		    "%.80s refers to the operation itself", s));
		return REFS_FAIL;
	}
	if (r->bo_state == OP_PENDING)
		return REFS_WAIT;
	if (r->bo_err != SCIM_OK || r->bo_id[0] == '\0') {
		op_fail(b, o, scim_fail(&o->bo_resp, SCIM_ECONFLICT,
		    "%.80s names an operation that failed or made no "
		    "resource", s));
		return REFS_FAIL;
	}
	return REFS_READY;
}

/* The references of a value, deepest first. */
static enum op_refs
refs_of(struct bulk *b, struct bulk_op *o, const cJSON *v)
{
	const cJSON	*c;
	enum op_refs	 r, worst = REFS_READY;

	if (cJSON_IsString(v)) {
		if (strncmp(v->valuestring, REF_PREFIX, REF_LEN) == 0)
			o->bo_refs = 1;
		return ref_check(b, o, v->valuestring);
	}
	cJSON_ArrayForEach(c, v) {
		if ((r = refs_of(b, o, c)) == REFS_FAIL)
			return r;
		if (r == REFS_WAIT)
			worst = r;
	}
	return worst;
}

static enum op_refs
refs(struct bulk *b, struct bulk_op *o)
{
	const char	*p, *seg;
	char		 ref[SCIM_MAX_PATH + 1];
	size_t		 n;
	enum op_refs	 r, worst = REFS_READY;

	p = cJSON_GetStringValue(cJSON_GetObjectItem(o->bo_op, "path"));
	for (seg = p; seg != NULL && *seg != '\0'; seg += n) {
		if (*seg == '/') {
			n = 1;
			continue;
		}
		n = strcspn(seg, "/");
		if (n >= sizeof(ref))
			break;		/* the router refuses it */
		memcpy(ref, seg, n);
		ref[n] = '\0';
		if ((r = ref_check(b, o, ref)) == REFS_FAIL)
			return r;
		if (r == REFS_WAIT)
			worst = r;
	}
	if ((r = refs_of(b, o, cJSON_GetObjectItem(o->bo_op, "data"))) !=
	    REFS_READY)
		return r;
	return worst;
}

/* Every resolved reference in v replaced by the id it names. */
static int
refs_replace(struct bulk *b, cJSON *v)
{
	const struct bulk_op	*r;
	cJSON			*c;

	if (cJSON_IsString(v)) {
		if (strncmp(v->valuestring, REF_PREFIX, REF_LEN) != 0 ||
		    (r = op_by_bulkid(b, v->valuestring + REF_LEN)) == NULL)
			return 0;
		return cJSON_SetValuestring(v, r->bo_id) == NULL ? -1 : 0;
	}
	cJSON_ArrayForEach(c, v)
		if (refs_replace(b, c) == -1)
			return -1;
	return 0;
}

/* The operation's path with its references resolved, into out. */
static int
path_resolve(struct bulk *b, const char *p, char *out, size_t len)
{
	const struct bulk_op	*r;
	size_t			 n, o = 0;
	const char		*put;

	out[0] = '\0';
	while (*p != '\0') {
		n = *p == '/' ? 1 : strcspn(p, "/");
		put = p;
		if (*p != '/' && n > REF_LEN &&
		    strncmp(p, REF_PREFIX, REF_LEN) == 0) {
			char	id[SCIM_MAX_PATH + 1];

			if (n >= sizeof(id))
				return -1;
			memcpy(id, p + REF_LEN, n - REF_LEN);
			id[n - REF_LEN] = '\0';
			if ((r = op_by_bulkid(b, id)) != NULL) {
				put = r->bo_id;
				if (o + strlen(put) >= len)
					return -1;
				memcpy(out + o, put, strlen(put));
				o += strlen(put);
				p += n;
				continue;
			}
		}
		if (o + n >= len)
			return -1;
		memcpy(out + o, put, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
	return 0;
}

/*
 * The request of an operation, as it would come on its own: the method
 * and path, the data as its body, the version as If-Match, no query.
 */
static enum scim_err
op_request(struct bulk *b, struct bulk_op *o, enum http_method m,
    const char *path)
{
	struct scim_req	*rq = &o->bo_req;
	const cJSON	*data, *ver;
	cJSON		*copy = NULL;

	memset(rq, 0, sizeof(*rq));
	rq->rq_method = m;
	memcpy(rq->rq_base, b->b_req->rq_base, sizeof(rq->rq_base));
	rq->rq_cx = b->b_cx;
	rq->rq_maxbody = b->b_req->rq_maxbody;
	rq->rq_parent = b->b_tx;
	rq->rq_json = 1;
	if ((rq->rq_path = strdup(path)) == NULL)
		return SCIM_ENOMEM;
	ver = cJSON_GetObjectItem(o->bo_op, "version");
	if (cJSON_IsString(ver) && (rq->rq_ifmatch = strdup(ver->valuestring))
	    == NULL)
		return SCIM_ENOMEM;
	data = cJSON_GetObjectItem(o->bo_op, "data");
	if (data == NULL || m == HTTP_DELETE)
		return SCIM_OK;
	/* A copy with the references replaced, when it has any. */
	if (!o->bo_refs)
		rq->rq_body = cJSON_PrintUnformatted(data);
	else if ((copy = cJSON_Duplicate(data, 1)) != NULL &&
	    refs_replace(b, copy) == 0)
		rq->rq_body = cJSON_PrintUnformatted(copy);
	cJSON_Delete(copy);
	if (rq->rq_body == NULL)
		return SCIM_ENOMEM;
	rq->rq_bodylen = strlen(rq->rq_body);
	return SCIM_OK;
}

/* Errors no operation can answer alone: the whole Bulk fails with it. */
static int
fatal(enum scim_err e)
{
	return e == SCIM_ESTORE || e == SCIM_ENOMEM || e == SCIM_EFULL ||
	    e == SCIM_ECONFIG;
}

/* Its activity record: the Bulk's request id, a time of its own. */
static void
op_activity(struct bulk *b, struct bulk_op *o)
{
	const struct activity	*ba = b->b_cx->cx_act;
	uint64_t		 t;

	if (ba == NULL)
		return;
	activity_start(&o->bo_act, ba->at_rid, ba->at_reqid);
	o->bo_act.at_tenant = ba->at_tenant;
	memcpy(o->bo_act.at_token, ba->at_token, sizeof(ba->at_token));
	memcpy(o->bo_act.at_label, ba->at_label, sizeof(ba->at_label));
	activity_client(&o->bo_act, ba->at_client, ba->at_agent);
	/* Keys are tenant, time and request id: one µs each. */
	t = o->bo_act.at_start;
	if (t <= b->b_last_us)
		t = b->b_last_us + 1;
	o->bo_act.at_start = b->b_last_us = t;
}

/* Run one operation whose references are resolved. */
static enum scim_err
op_run(struct bulk *b, struct bulk_op *o)
{
	static const struct {
		const char	*name;
		enum http_method m;
	} methods[] = { { "POST", HTTP_POST }, { "PUT", HTTP_PUT },
	    { "PATCH", HTTP_PATCH }, { "DELETE", HTTP_DELETE } };
	struct activity	*bulkact = b->b_cx->cx_act;
	const char	*p, *slash;
	char		 path[SCIM_MAX_PATH + 1];
	size_t		 i;
	enum scim_err	 e;

	for (i = 0; o->bo_method != NULL &&
	    i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcasecmp(methods[i].name, o->bo_method) == 0)
			break;
	if (o->bo_method == NULL || i == sizeof(methods) / sizeof(methods[0])) {
		op_fail(b, o, scim_fail(&o->bo_resp, SCIM_EINVALVALUE,
		    "an operation's method is POST, PUT, PATCH or DELETE"));
		return SCIM_OK;
	}
	p = cJSON_GetStringValue(cJSON_GetObjectItem(o->bo_op, "path"));
	if (p == NULL || path_resolve(b, p, path, sizeof(path)) == -1) {
		op_fail(b, o, scim_fail(&o->bo_resp, SCIM_EINVALVALUE,
		    "an operation's path is /Users, /Groups or one of their "
		    "resources"));
		return SCIM_OK;
	}
	/* Resources only: never a Bulk in a Bulk, nor a search. */
	if (strncasecmp(path, "/Bulk", 5) == 0 || strstr(path, ".search") !=
	    NULL) {
		op_fail(b, o, scim_fail(&o->bo_resp, SCIM_EINVALVALUE,
		    "%.80s cannot be an operation of a Bulk request", path));
		return SCIM_OK;
	}
	if ((e = op_request(b, o, methods[i].m, path)) != SCIM_OK)
		return e;
	op_activity(b, o);
	/* The operation's notes go to its own record (activity.h). */
	if (bulkact != NULL)
		b->b_cx->cx_act = &o->bo_act;
	o->bo_err = router_dispatch(&o->bo_req, &o->bo_resp);
	b->b_cx->cx_act = bulkact;
	o->bo_ran = 1;
	o->bo_state = OP_DONE;
	if (fatal(o->bo_err))
		return o->bo_err;
	if (o->bo_err != SCIM_OK) {
		b->b_errors++;
		return SCIM_OK;
	}
	/* Its resource: a POST's new one, else the one its path names. */
	if (methods[i].m == HTTP_POST) {
		if (o->bo_resp.rp_location != NULL &&
		    (slash = strrchr(o->bo_resp.rp_location, '/')) != NULL)
			util_strlcpy(o->bo_id, slash + 1, sizeof(o->bo_id));
	} else if ((slash = strrchr(path, '/')) != NULL && slash != path)
		util_strlcpy(o->bo_id, slash + 1, sizeof(o->bo_id));
	return SCIM_OK;
}

/*
 * Run the operations in an order their references allow: each pass runs
 * those whose references are resolved; the ones left when a pass runs
 * none are in a cycle of references (or wait on one).
 */
static enum scim_err
run(struct bulk *b)
{
	struct bulk_op	*o;
	size_t		 i;
	int		 progress = 1;
	enum op_refs	 r;
	enum scim_err	 e;

	while (progress) {
		progress = 0;
		for (i = 0; i < b->b_n; i++) {
			o = &b->b_ops[i];
			if (o->bo_state != OP_PENDING)
				continue;
			if ((r = refs(b, o)) == REFS_WAIT)
				continue;
			progress = 1;
			if (r == REFS_READY && (e = op_run(b, o)) != SCIM_OK)
				return e;
			/* RFC 7644 §3.7.3: stop at failOnErrors failures. */
			if (b->b_failon > 0 && b->b_errors >= b->b_failon)
				return SCIM_OK;
		}
	}
	for (i = 0; i < b->b_n; i++) {
		o = &b->b_ops[i];
		if (o->bo_state != OP_PENDING)
			continue;
		/* RFC 7644 §3.7.1: circular references, answered 409. */
		op_fail(b, o, scim_fail(&o->bo_resp, SCIM_ECONFLICT,
		    "the bulkId references of this operation form a cycle "
		    "that cannot be resolved (RFC 7644 section 3.7.1)"));
		if (b->b_failon > 0 && b->b_errors >= b->b_failon)
			break;
	}
	return SCIM_OK;
}

/* The SCIM error of a failed operation (RFC 7644 §3.12), as an object. */
static cJSON *
op_error(const struct bulk_op *o)
{
	const char	*type, *detail;
	char		 status[8];
	cJSON		*err;

	type = scim_err_type(o->bo_err);
	/* Internals never reach the client: the detail is for the log. */
	detail = scim_detail(&o->bo_resp, o->bo_err);
	snprintf(status, sizeof(status), "%d", scim_err_status(o->bo_err));
	if ((err = cJSON_CreateObject()) == NULL ||
	    json_add(err, "schemas", cJSON_CreateStringArray(
	    (const char *[]){ URN_ERROR }, 1)) == -1 ||
	    json_add_string(err, "status", status) == -1 ||
	    (type != NULL && json_add_string(err, "scimType", type) == -1) ||
	    json_add_string(err, "detail", detail) == -1) {
		cJSON_Delete(err);
		return NULL;
	}
	return err;
}

/* One entry of the BulkResponse (RFC 7644 §3.7.3). */
static int
op_entry(const struct bulk *b, const struct bulk_op *o, cJSON *list)
{
	const char	*p, *m;
	char		 status[8], loc[SCIM_MAX_BASEURL + SCIM_MAX_PATH + 2];
	cJSON		*e;
	int		 post;

	if ((e = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(list, e);
	m = o->bo_method != NULL ? o->bo_method : "";
	post = strcasecmp(m, "POST") == 0;
	if (o->bo_err == SCIM_OK && post && o->bo_resp.rp_location != NULL) {
		if (json_add_string(e, "location", o->bo_resp.rp_location) ==
		    -1)
			return -1;
	} else if (!post && o->bo_req.rq_path != NULL) {
		snprintf(loc, sizeof(loc), "%s%s", b->b_req->rq_base,
		    o->bo_req.rq_path);
		if (json_add_string(e, "location", loc) == -1)
			return -1;
	} else if (!post && (p = cJSON_GetStringValue(cJSON_GetObjectItem(
	    o->bo_op, "path"))) != NULL) {
		snprintf(loc, sizeof(loc), "%s%s", b->b_req->rq_base, p);
		if (json_add_string(e, "location", loc) == -1)
			return -1;
	}
	if (json_add_string(e, "method", m) == -1 ||
	    (o->bo_bulkid != NULL && json_add_string(e, "bulkId",
	    o->bo_bulkid) == -1) ||
	    (o->bo_err == SCIM_OK && o->bo_resp.rp_etag[0] != '\0' &&
	    json_add_string(e, "version", o->bo_resp.rp_etag) == -1))
		return -1;
	/* A string, as in RFC 7644's examples. */
	snprintf(status, sizeof(status), "%d", o->bo_err == SCIM_OK ?
	    o->bo_resp.rp_status : scim_err_status(o->bo_err));
	if (json_add_string(e, "status", status) == -1)
		return -1;
	if (o->bo_err != SCIM_OK && json_add(e, "response", op_error(o)) ==
	    -1)
		return -1;
	return 0;
}

static enum scim_err
respond(struct bulk *b, struct scim_resp *resp)
{
	cJSON	*doc, *list;
	char	*json;
	size_t	 i;

	if ((doc = cJSON_CreateObject()) == NULL ||
	    json_add(doc, "schemas", cJSON_CreateStringArray(
	    (const char *[]){ URN_BULK_RESP }, 1)) == -1 ||
	    (list = cJSON_AddArrayToObject(doc, "Operations")) == NULL)
		goto oom;
	for (i = 0; i < b->b_n; i++)
		if (b->b_ops[i].bo_state == OP_DONE &&
		    op_entry(b, &b->b_ops[i], list) == -1)
			goto oom;
	if ((json = cJSON_PrintUnformatted(doc)) == NULL)
		goto oom;
	cJSON_Delete(doc);
	http_response_json(resp, 200, json);
	return SCIM_OK;
oom:
	cJSON_Delete(doc);
	return scim_fail(resp, SCIM_ENOMEM, NULL);
}

/*
 * After the commit: a trip of the breaker an operation met is recorded
 * (breaker_held(), in a write transaction of its own: the Bulk's is
 * over), and each operation leaves its activity record as a request of
 * its own would (the ones that changed something did, in the commit).
 */
static void
after_commit(struct bulk *b)
{
	struct activity	*bulkact = b->b_cx->cx_act;
	struct bulk_op	*o;
	size_t		 i;

	for (i = 0; i < b->b_n; i++) {
		o = &b->b_ops[i];
		if (!o->bo_ran)
			continue;
		if (bulkact != NULL)
			b->b_cx->cx_act = &o->bo_act;
		if (o->bo_err == SCIM_EHELD)
			o->bo_err = breaker_held(b->b_cx, &o->bo_resp);
		if (bulkact != NULL)
			activity_finish(&o->bo_act, b->b_cx->cx_store,
			    &o->bo_req, &o->bo_resp, o->bo_err);
		b->b_cx->cx_act = bulkact;
	}
}

/* The request's shape and limits; b->b_ops made. */
static enum scim_err
parse(struct bulk *b, const cJSON *doc, struct scim_resp *resp)
{
	const cJSON	*ops, *v, *s;
	long long	 maxops, maxsize;
	size_t		 i, j;
	int		 n;

	bulk_limits(b->b_req, &maxops, &maxsize);
	if ((s = cJSON_GetObjectItem(doc, "schemas")) != NULL) {
		n = 0;
		cJSON_ArrayForEach(v, s)
			if (cJSON_IsString(v) &&
			    util_strcaseeq(v->valuestring, URN_BULK_REQ))
				n = 1;
		if (!n)
			return scim_fail(resp, SCIM_EINVALSYNTAX, "schemas "
			    "must name %s", URN_BULK_REQ);
	}
	if ((v = cJSON_GetObjectItem(doc, "failOnErrors")) != NULL) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 1 ||
		    v->valuedouble > 1e9 ||
		    v->valuedouble != (double)(long long)v->valuedouble)
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "failOnErrors is a whole number from 1");
		b->b_failon = (long long)v->valuedouble;
	}
	ops = cJSON_GetObjectItem(doc, "Operations");
	if (!cJSON_IsArray(ops) || (n = cJSON_GetArraySize(ops)) == 0)
		return scim_fail(resp, SCIM_EINVALSYNTAX, "a BulkRequest has "
		    "Operations, an array of one or more operations");
	if (n > maxops)
		return scim_fail(resp, SCIM_ETOOLARGE, "the Bulk request has "
		    "%d operations: more than maxOperations (%lld)", n,
		    maxops);
	if ((b->b_ops = calloc((size_t)n, sizeof(*b->b_ops))) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	b->b_n = (size_t)n;
	if ((b->b_byid = calloc((size_t)n, sizeof(*b->b_byid))) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	i = 0;
	cJSON_ArrayForEach(v, ops) {
		if (!cJSON_IsObject(v))
			return scim_fail(resp, SCIM_EINVALSYNTAX, "operation "
			    "%zu of the Bulk request is not an object", i + 1);
		b->b_ops[i].bo_op = v;
		b->b_ops[i].bo_method = cJSON_GetStringValue(
		    cJSON_GetObjectItem(v, "method"));
		if ((b->b_ops[i].bo_bulkid = cJSON_GetStringValue(
		    cJSON_GetObjectItem(v, "bulkId"))) != NULL)
			b->b_byid[b->b_nid++] = &b->b_ops[i];
		i++;
	}
	/* Unique within the request (RFC 7644 §3.7). */
	qsort(b->b_byid, b->b_nid, sizeof(*b->b_byid), byid_cmp);
	for (j = 1; j < b->b_nid; j++)
		if (strcmp(b->b_byid[j - 1]->bo_bulkid,
		    b->b_byid[j]->bo_bulkid) == 0)
			return scim_fail(resp, SCIM_EINVALVALUE, "bulkId %.64s "
			    "is given to two operations",
			    b->b_byid[j]->bo_bulkid);
	return SCIM_OK;
}

static void
bulk_free(struct bulk *b)
{
	size_t	i;

	for (i = 0; b->b_ops != NULL && i < b->b_n; i++) {
		http_request_free(&b->b_ops[i].bo_req);
		http_response_free(&b->b_ops[i].bo_resp);
	}
	free(b->b_ops);
	free(b->b_byid);
}

enum scim_err
bulk_post(struct scim_req *req, struct scim_resp *resp)
{
	struct bulk	 b;
	cJSON		*doc = NULL;
	long long	 maxops, maxsize;
	enum scim_err	 e;

	memset(&b, 0, sizeof(b));
	b.b_req = req;
	b.b_cx = req->rq_cx;
	if (b.b_cx->cx_act != NULL)
		b.b_last_us = b.b_cx->cx_act->at_start;
	bulk_limits(req, &maxops, &maxsize);
	/* RFC 7644 §3.7.4: 413, the limit in the detail. */
	if ((long long)req->rq_bodylen > maxsize) {
		e = scim_fail(resp, SCIM_ETOOLARGE, "the Bulk request is %zu "
		    "bytes: more than maxPayloadSize (%lld)", req->rq_bodylen,
		    maxsize);
		goto out;
	}
	if ((e = json_parse_body(req->rq_body, req->rq_bodylen, &doc,
	    resp)) != SCIM_OK || (e = parse(&b, doc, resp)) != SCIM_OK)
		goto out;
	/* Its operations count against the tenant's rate (src/plan.h). */
	if ((e = plan_rate_more(b.b_cx, b.b_n - 1, resp)) != SCIM_OK)
		goto out;
	if ((e = store_begin(b.b_cx->cx_store, 1, &b.b_tx)) != SCIM_OK) {
		e = scim_fail(resp, e, NULL);
		goto out;
	}
	if ((e = run(&b)) != SCIM_OK) {
		e = scim_fail(resp, e, NULL);
		goto out;
	}
	/* The one durable commit of every operation that succeeded. */
	if ((e = store_commit(&b.b_tx)) != SCIM_OK) {
		e = scim_fail(resp, e, NULL);
		goto out;
	}
	after_commit(&b);
	e = respond(&b, resp);
out:
	store_abort(&b.b_tx);		/* on every way out but a commit */
	bulk_free(&b);
	cJSON_Delete(doc);
	return e;
}
