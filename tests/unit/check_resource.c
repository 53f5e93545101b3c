/*
 * check_resource.c: the shared write path (resource.c) and the response
 * forms (emit.c) through resource.h, on a real store in a temporary
 * directory, with a request made by hand.  Linked with the store's fault
 * hook (store.h, SCIMLET_FAULTS) so that a commit can be made to fail.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "http.h"
#include "resource.h"
#include "schema.h"
#include "scim_error.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define BASE	"https://h/scim/v2"

static struct store	*st;
static struct ctx	 cx;
static uint32_t		 tn;
static char		 qbuf[256];

/* A request on the tenant; query (may be NULL) is copied. */
static void
req_init(struct scim_req *rq, const char *query)
{
	memset(rq, 0, sizeof(*rq));	/* HTTP_GET */
	if (query != NULL) {
		util_strlcpy(qbuf, query, sizeof(qbuf));
		rq->rq_query = qbuf;
	}
	util_strlcpy(rq->rq_base, BASE, sizeof(rq->rq_base));
	rq->rq_cx = &cx;
}

static const char *
str_at(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static const char *
version_of(const cJSON *doc)
{
	return str_at(cJSON_GetObjectItemCaseSensitive(doc, "meta"), "version");
}

/* Printed (the caller frees), or NULL. */
static char *
print_at(const cJSON *o, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	return v != NULL ? cJSON_PrintUnformatted(v) : NULL;
}

static void
is_json(const cJSON *o, const char *key, const char *want, const char *name)
{
	char	*s = print_at(o, key);

	is_str(s, want, name);
	free(s);
}

/* The stored form of a resource, or NULL. */
static cJSON *
get_res(enum res_type type, const uint8_t id[16])
{
	struct store_txn	*tx;
	const char		*json;
	size_t			 len;
	cJSON			*doc = NULL;

	store_begin(st, 0, &tx);
	if (store_res_get(tx, tn, type, id, &json, &len) == SCIM_OK)
		doc = cJSON_ParseWithLength(json, len);
	store_abort(&tx);
	return doc;
}

/* The last audit entry of the tenant, or NULL; back: that many before. */
static cJSON *
audit_at(uint64_t back)
{
	struct store_txn	*tx;
	const char		*json = NULL;
	size_t			 len;
	uint64_t		 seq;
	cJSON			*doc = NULL;

	store_begin(st, 0, &tx);
	if (store_audit_last(tx, tn, &seq, &json, &len) == SCIM_OK &&
	    seq > back && store_audit_get(tx, tn, seq - back, &json, &len) ==
	    SCIM_OK)
		doc = cJSON_ParseWithLength(json, len);
	store_abort(&tx);
	return doc;
}

static char	 lastop[32];	/* the op of the last change record */

static int
change_cb(uint64_t seq, const char *json, size_t len, void *arg)
{
	cJSON	*c = cJSON_ParseWithLength(json, len);

	(void)seq;
	(*(int *)arg)++;
	util_strlcpy(lastop, str_at(c, "op") != NULL ? str_at(c, "op") : "?",
	    sizeof(lastop));
	cJSON_Delete(c);
	return 0;
}

/* How many change records there are (lastop: the last one's op). */
static int
changes(void)
{
	struct store_txn	*tx;
	int			 n = 0;

	store_begin(st, 0, &tx);
	store_change_each(tx, 1, change_cb, &n);
	store_abort(&tx);
	return n;
}

/* The tenant record's declared attributes are want. */
static void
declared(const char *want, const char *name)
{
	struct store_txn	*tx;
	cJSON			*td = NULL;

	store_begin(st, 0, &tx);
	store_tenant_doc(tx, "acme", &td);
	store_abort(&tx);
	is_json(td, "attributes", want, name);
	cJSON_Delete(td);
}

/*
 * resource_write of json, normalised for the tenant, in a transaction of
 * its own, committed when it succeeds.
 */
static enum scim_err
wr(enum res_type type, const uint8_t id[16], const char *json,
    const cJSON *old, int changed, struct scim_resp *resp)
{
	const struct schema	*sc = ctx_schema(&cx, type);
	struct store_txn	*tx;
	cJSON			*in, *doc = NULL, *out = NULL;
	enum scim_err		 e;

	memset(resp, 0, sizeof(*resp));
	in = cJSON_Parse(json);
	e = schema_normalize(sc, in, &doc, resp);
	cJSON_Delete(in);
	if (e != SCIM_OK || (e = store_begin(st, 1, &tx)) != SCIM_OK) {
		cJSON_Delete(doc);
		return e;
	}
	e = resource_write(&cx, tx, sc, id, doc, old, changed, &out, resp);
	if (e == SCIM_OK)
		e = store_commit(&tx);
	store_abort(&tx);
	cJSON_Delete(out);
	return e;
}

static void
res_put(enum res_type type, const uint8_t id[16], const char *json)
{
	struct store_txn	*tx;

	store_begin(st, 1, &tx);
	if (store_res_put(tx, tn, type, id, json, strlen(json), 0) != SCIM_OK ||
	    store_commit(&tx) != SCIM_OK)
		tap_diag("cannot store a resource");
	store_abort(&tx);
}

static void
member_put(const uint8_t g[16], const uint8_t m[16], enum res_type type,
    const char *display)
{
	struct store_txn	*tx;

	store_begin(st, 1, &tx);
	if (store_member_put(tx, tn, g, m, type, display, NULL) != SCIM_OK ||
	    store_commit(&tx) != SCIM_OK)
		tap_diag("cannot add a member");
	store_abort(&tx);
}

/* resource_txn */

static enum scim_err	op_ret;		/* what op_put returns */
static int		op_fail_commit;	/* make its commit fail */

/* Store a group, answer for it, and succeed or fail as told. */
static enum scim_err
op_put(struct scim_req *req, struct store_txn *tx, void *arg,
    struct scim_resp *resp)
{
	const char	*doc = "{\"displayName\":\"txn\"}";
	enum scim_err	 e;

	if ((e = store_res_put(tx, req->rq_cx->cx_tenant.tn_id, RES_GROUP,
	    arg, doc, strlen(doc), 1)) != SCIM_OK)
		return e;
	http_response_json(resp, 201, strdup("{\"made\":true}"));
	resp->rp_location = strdup(BASE "/Groups/x");
	util_strlcpy(resp->rp_etag, "W/\"1\"", sizeof(resp->rp_etag));
	if (op_fail_commit)	/* the next write call is the commit */
		store_fault_arm(st, 1, STORE_FAULT_MAPFULL);
	return op_ret == SCIM_OK ? SCIM_OK : scim_fail(resp, op_ret,
	    "the op failed");
}

static int
dropped(const struct scim_resp *resp)
{
	return resp->rp_body == NULL && resp->rp_status == 0 &&
	    resp->rp_location == NULL && resp->rp_etag[0] == '\0';
}

/* resource_txn of op_put storing id. */
static enum scim_err
run(uint8_t id[16], enum scim_err ret, int fail_commit,
    struct scim_resp *resp)
{
	struct scim_req	rq;

	req_init(&rq, NULL);
	memset(resp, 0, sizeof(*resp));
	op_ret = ret;
	op_fail_commit = fail_commit;
	return resource_txn(&rq, resp, op_put, id);
}

static void
txn(void)
{
	struct scim_resp	 resp;
	struct store_txn	*tx = NULL;
	uint8_t			 a[16], b[16], c[16];
	const char		*fired;
	cJSON			*d;
	int			 lost;

	util_uuid_new(a);
	util_uuid_new(b);
	util_uuid_new(c);
	is_int(run(a, SCIM_OK, 0, &resp), SCIM_OK,
	    "resource_txn: an op that succeeds");
	d = get_res(RES_GROUP, a);
	is_str(str_at(d, "displayName"), "txn", "its write is committed");
	cJSON_Delete(d);
	ok(resp.rp_status == 201 && strcmp(resp.rp_body, "{\"made\":true}") ==
	    0, "its response is kept");
	http_response_free(&resp);

	is_int(run(b, SCIM_EUNIQUE, 0, &resp), SCIM_EUNIQUE,
	    "an op that fails: its error");
	ok(get_res(RES_GROUP, b) == NULL, "nothing it wrote is stored");
	ok(dropped(&resp), "its response is dropped");
	is_str(resp.rp_detail, "the op failed", "its detail is kept");
	is_int(store_reclaim(st, &lost), 0, "no transaction left open");
	ok(store_begin(st, 1, &tx) == SCIM_OK, "a write can begin at once");
	store_abort(&tx);
	http_response_free(&resp);

	is_int(run(c, SCIM_OK, 1, &resp), SCIM_EFULL,
	    "a commit that fails: its error");
	store_fault_disarm(st, &fired);
	is_str(fired, "commit", "(the commit was what failed)");
	ok(get_res(RES_GROUP, c) == NULL, "nothing is stored");
	ok(dropped(&resp), "the response the op made is dropped");
	is_int(store_reclaim(st, &lost), 0, "no transaction left open");
	http_response_free(&resp);
}

/* resource_write */

#define ANN(active)	"{\"userName\":\"Ann.Smith\",\"active\":" #active \
	",\"roles\":[{\"value\":\"Admin\"}]}"
#define DECL	"[{\"urn\":\"urn:acme:ext:1.0:User:costCenter\",\"type\":" \
	"\"string\",\"multi\":false,\"caseExact\":false,\"auto\":true}]"

static void
writing(const uint8_t ann[16], const uint8_t bob[16])
{
	struct scim_resp	 resp;
	struct store_txn	*tx;
	uint8_t			 found[4][16];
	size_t			 n = 99;
	char			 ids[UUID_STRLEN + 1], ver[32], mod[32];
	cJSON			*s, *old, *a;
	char			*text;
	int			 nch;

	util_uuid_format(ann, ids);
	is_int(wr(RES_USER, ann, ANN(true), NULL, 0, &resp), SCIM_OK,
	    "resource_write: create");
	s = get_res(RES_USER, ann);
	is_json(s, "schemas", "[\"" URN_USER "\",\"" URN_SCIMLET "\"]",
	    "stored schemas: core and the appRoles extension");
	is_str(str_at(s, "id"), ids, "stored id");
	ok(str_at(cJSON_GetObjectItem(s, "meta"), "created") != NULL &&
	    version_of(s) != NULL && strncmp(version_of(s), "W/\"", 3) == 0,
	    "stored meta: created, a weak version");
	is_json(s, URN_SCIMLET, "{\"appRoles\":[\"app-admin\"]}",
	    "a role value mapped (any case) gives appRoles");
	nch = changes();
	is_str(lastop, "create", "a change record op create");

	store_begin(st, 0, &tx);
	ok(store_idx_find(tx, tn, RES_USER, IDX_USERNAME, "ann.smith", 9,
	    found, 4, &n) == SCIM_OK && n == 1 && memcmp(found[0], ann, 16) ==
	    0, "the userName index holds the folded key");
	ok(store_idx_find(tx, tn, RES_USER, IDX_USERNAME, "Ann.Smith", 9,
	    found, 4, &n) == SCIM_OK && n == 0, "and not the key as sent");
	store_abort(&tx);

	/* Uniqueness. */
	ok(wr(RES_USER, bob, "{\"userName\":\"ANN.smith\"}", NULL, 0, &resp) ==
	    SCIM_EUNIQUE, "another user with the name: 409");
	is_str(resp.rp_detail, "userName already exists", "its detail");
	ok(get_res(RES_USER, bob) == NULL && changes() == nch,
	    "nothing stored, no change record");

	/* A replace that changes nothing. */
	util_strlcpy(ver, version_of(s), sizeof(ver));
	util_strlcpy(mod, str_at(cJSON_GetObjectItem(s, "meta"),
	    "lastModified"), sizeof(mod));
	usleep(5000);		/* a rewrite would have another time */
	is_int(wr(RES_USER, ann, ANN(true), s, 0, &resp), SCIM_OK,
	    "the same again, itself holding the name: no 409");
	cJSON_Delete(s);
	s = get_res(RES_USER, ann);
	is_str(version_of(s), ver, "the record keeps meta.version");
	is_str(str_at(cJSON_GetObjectItem(s, "meta"), "lastModified"), mod,
	    "and meta.lastModified");
	is_int(changes(), nch, "and no change record is written");

	is_int(wr(RES_USER, ann, ANN(true), s, 1, &resp), SCIM_OK,
	    "the same with changed set");
	cJSON_Delete(s);
	s = get_res(RES_USER, ann);
	ok(version_of(s) != NULL && strcmp(version_of(s), ver) != 0,
	    "changed forces a new version");
	ok(changes() == nch + 1 && strcmp(lastop, "update") == 0,
	    "and a change record op update");

	/* Deactivation. */
	old = s;
	is_int(wr(RES_USER, ann, ANN(false), old, 0, &resp), SCIM_OK,
	    "a deactivation");
	ok(changes() == nch + 2 && strcmp(lastop, "deactivate") == 0,
	    "a change record op deactivate");
	a = audit_at(0);
	is_str(str_at(a, "action"), "user.deactivated", "audit action");
	is_str(str_at(a, "id"), ids, "audit id");
	is_str(str_at(a, "name"), "Ann.Smith", "audit name");
	text = cJSON_PrintUnformatted(old);
	is_json(a, "before", text, "audit before: the old record whole");
	free(text);
	cJSON_Delete(a);
	cJSON_Delete(old);

	/* Extension attributes found by normalisation are declared. */
	is_int(wr(RES_USER, bob, "{\"userName\":\"bob\",\"urn:acme:ext:1.0:"
	    "User\":{\"costCenter\":\"42\"}}", NULL, 0, &resp), SCIM_OK,
	    "a user with an undeclared extension attribute");
	declared(DECL, "the tenant record declares it");
	s = get_res(RES_USER, bob);
	is_int(wr(RES_USER, bob, "{\"userName\":\"bob\",\"displayName\":"
	    "\"Bob\",\"urn:acme:ext:1.0:User\":{\"costCenter\":\"4\"}}", s, 0,
	    &resp),
	    SCIM_OK, "found again before the context knows it");
	cJSON_Delete(s);
	declared(DECL, "declared once");
}

/* resource_load */

static void
loading(const uint8_t ann[16])
{
	struct scim_req		 rq;
	struct scim_resp	 resp;
	struct store_txn	*tx;
	const struct schema	*sc = ctx_schema(&cx, RES_USER);
	uint8_t			 none[16], bad[16];
	char			 ids[UUID_STRLEN + 1], want[128], im[64];
	cJSON			*old, *s;

	util_uuid_new(none);
	util_uuid_new(bad);
	util_uuid_format(none, ids);
	req_init(&rq, NULL);
	memset(&resp, 0, sizeof(resp));
	store_begin(st, 1, &tx);
	is_int(resource_load(&rq, tx, sc, none, ids, &old, &resp),
	    SCIM_ENOTFOUND, "resource_load: no such resource");
	snprintf(want, sizeof(want), "User %s not found", ids);
	is_str(resp.rp_detail, want, "its detail");

	s = get_res(RES_USER, ann);
	rq.rq_ifmatch = im;
	util_strlcpy(im, "W/\"0000\"", sizeof(im));
	is_int(resource_load(&rq, tx, sc, ann, "x", &old, &resp),
	    SCIM_EPRECOND, "If-Match naming another version: 412");
	cJSON_Delete(old);
	util_strlcpy(im, version_of(s) + 2, sizeof(im));	/* without W/ */
	is_int(resource_load(&rq, tx, sc, ann, "x", &old, &resp), SCIM_OK,
	    "If-Match naming its version (weakly)");
	is_str(version_of(old), version_of(s), "*old is the stored record");
	cJSON_Delete(old);
	util_strlcpy(im, "*", sizeof(im));
	is_int(resource_load(&rq, tx, sc, ann, "x", &old, &resp), SCIM_OK,
	    "If-Match * matches");
	cJSON_Delete(old);
	cJSON_Delete(s);
	rq.rq_ifmatch = NULL;

	store_res_put(tx, tn, RES_USER, bad, "{not json", 9, 1);
	is_int(resource_load(&rq, tx, sc, bad, "x", &old, &resp), SCIM_ESTORE,
	    "a record that is not JSON: SCIM_ESTORE");
	store_abort(&tx);
}

/* emit: resource_respond, resource_get, resource_patched */

static void
emitting(const uint8_t ann[16], const uint8_t grp[16])
{
	struct scim_req		 rq;
	struct scim_resp	 resp;
	const struct schema	*us = ctx_schema(&cx, RES_USER);
	const struct schema	*gs = ctx_schema(&cx, RES_GROUP);
	char			 ids[UUID_STRLEN + 1], gids[UUID_STRLEN + 1];
	char			 want[512], proj[256], inm[64];
	uint8_t			 none[16];
	cJSON			*s, *b;

	util_uuid_format(ann, ids);
	util_uuid_format(grp, gids);
	is_int(wr(RES_GROUP, grp, "{\"displayName\":\"Engineering\"}", NULL, 0,
	    &resp), SCIM_OK, "a group");
	member_put(grp, ann, RES_USER, "Ann.Smith");

	req_init(&rq, NULL);
	memset(&resp, 0, sizeof(resp));
	s = get_res(RES_USER, ann);
	snprintf(want, sizeof(want), "%s", version_of(s));
	ok(resource_respond(&rq, NULL, &resp, us, s, 201) == SCIM_OK &&
	    resp.rp_status == 201, "resource_respond 201");
	snprintf(inm, sizeof(inm), BASE "/Users/%s", ids);
	is_str(resp.rp_location, inm, "Location");
	is_str(resp.rp_etag, want, "ETag: meta.version");
	b = cJSON_Parse(resp.rp_body);
	is_str(str_at(cJSON_GetObjectItem(b, "meta"), "location"), inm,
	    "meta.location");
	snprintf(want, sizeof(want), "[{\"value\":\"%s\",\"$ref\":\"" BASE
	    "/Groups/%s\",\"display\":\"Engineering\",\"type\":\"direct\"}]",
	    gids, gids);
	is_json(b, "groups", want, "groups from memberof, $ref and display");
	cJSON_Delete(b);
	http_response_free(&resp);

	ok(resource_get(&rq, &resp, gs, gids) == SCIM_OK && resp.rp_status ==
	    200, "resource_get of the group: 200");
	b = cJSON_Parse(resp.rp_body);
	snprintf(want, sizeof(want), "[{\"value\":\"%s\",\"$ref\":\"" BASE
	    "/Users/%s\",\"display\":\"Ann.Smith\",\"type\":\"User\"}]", ids,
	    ids);
	is_json(b, "members", want, "members with $ref, display and type");
	cJSON_Delete(b);
	http_response_free(&resp);

	/*
	 * The manager's $ref: computed, never what the client sent (which
	 * normalisation drops: here it is stored, as a restore may do).
	 */
	util_uuid_new(none);
	util_uuid_format(none, gids);
	snprintf(want, sizeof(want), "{\"schemas\":[\"" URN_USER "\"],\"id\":"
	    "\"%s\",\"userName\":\"carl\",\"" URN_ENTERPRISE "\":{\"manager\":"
	    "{\"value\":\"m-1\",\"$ref\":\"https://evil/x\"}}}", gids);
	res_put(RES_USER, none, want);
	is_int(resource_get(&rq, &resp, us, gids), SCIM_OK, "resource_get");
	b = cJSON_Parse(resp.rp_body);
	is_json(cJSON_GetObjectItem(b, URN_ENTERPRISE), "manager",
	    "{\"value\":\"m-1\",\"$ref\":\"" BASE "/Users/m-1\"}",
	    "manager.$ref from its value");
	cJSON_Delete(b);
	http_response_free(&resp);

	/* Projection. */
	req_init(&rq, "attributes=userName");
	is_int(resource_get(&rq, &resp, us, ids), SCIM_OK,
	    "resource_get with attributes=userName");
	snprintf(proj, sizeof(proj), "{\"schemas\":[\"" URN_USER "\"],"
	    "\"id\":\"%s\",\"userName\":\"Ann.Smith\"}", ids);
	is_str(resp.rp_body, proj, "id, schemas and userName only");
	http_response_free(&resp);

	/* If-None-Match. */
	req_init(&rq, NULL);
	s = get_res(RES_USER, ann);
	util_strlcpy(inm, version_of(s), sizeof(inm));
	rq.rq_ifnonematch = inm;
	is_int(resource_get(&rq, &resp, us, ids), SCIM_OK,
	    "resource_get with If-None-Match: the version");
	ok(resp.rp_status == 304 && resp.rp_body == NULL, "304, no body");
	is_str(resp.rp_etag, inm, "its ETag");
	http_response_free(&resp);
	rq.rq_ifnonematch = NULL;

	util_uuid_new(none);
	util_uuid_format(none, gids);
	is_int(resource_get(&rq, &resp, us, gids), SCIM_ENOTFOUND,
	    "resource_get of an unknown id");
	snprintf(want, sizeof(want), "User %s not found", gids);
	is_str(resp.rp_detail, want, "its detail");
	ok(resp.rp_body == NULL && resp.rp_status == 0, "no response made");
	http_response_free(&resp);

	/* resource_patched */
	is_int(resource_patched(&rq, NULL, &resp, us, s, 1), SCIM_OK,
	    "resource_patched, no_content");
	ok(resp.rp_status == 204 && resp.rp_body == NULL, "204, no body");
	is_str(resp.rp_etag, inm, "its ETag");
	http_response_free(&resp);
	req_init(&rq, "attributes=userName");
	is_int(resource_patched(&rq, NULL, &resp, us, get_res(RES_USER, ann),
	    1), SCIM_OK, "no_content with attributes=");
	ok(resp.rp_status == 200 && resp.rp_body != NULL && strcmp(
	    resp.rp_body, proj) == 0, "200, the resource projected");
	http_response_free(&resp);
	req_init(&rq, "excludedAttributes=emails");
	is_int(resource_patched(&rq, NULL, &resp, us, get_res(RES_USER, ann),
	    1), SCIM_OK, "no_content with excludedAttributes=");
	ok(resp.rp_status == 200 && strstr(resp.rp_body, "\"userName\"") !=
	    NULL, "200 with the resource");
	http_response_free(&resp);
}

/* resource_delete */

static int
count_memberof(const uint8_t id[16], void *arg)
{
	(void)id;
	(*(int *)arg)++;
	return 0;
}

/* How many keys are left of m in g: members (g, m), and memberof (m). */
static int
linked(const uint8_t g[16], const uint8_t m[16])
{
	struct store_txn	*tx;
	enum res_type		 type;
	char			 d[8];
	int			 n = 0;

	store_begin(st, 0, &tx);
	if (store_member_get(tx, tn, g, m, &type, d, sizeof(d)) == SCIM_OK)
		n++;
	store_memberof_each(tx, tn, m, count_memberof, &n);
	store_abort(&tx);
	return n;
}

static void
deleting(const uint8_t ann[16], const uint8_t grp[16])
{
	struct scim_req		 rq;
	struct scim_resp	 resp;
	struct store_txn	*tx;
	uint8_t			 dan[16], ops[16], top[16], eve[16], gone[16];
	char			 ids[UUID_STRLEN + 1], gids[UUID_STRLEN + 1];
	char			 want[1024], *text;
	cJSON			*s, *a;

	util_uuid_new(dan);
	util_uuid_new(ops);
	util_uuid_new(top);
	util_uuid_new(eve);
	util_uuid_new(gone);
	util_uuid_format(grp, gids);
	req_init(&rq, NULL);

	/* A user: its groups in the before-image. */
	util_uuid_format(ann, ids);
	s = get_res(RES_USER, ann);
	memset(&resp, 0, sizeof(resp));
	ok(resource_delete(&rq, &resp, ctx_schema(&cx, RES_USER), ids) ==
	    SCIM_OK && resp.rp_status == 204, "resource_delete of a user: 204");
	ok(get_res(RES_USER, ann) == NULL, "the record is gone");
	a = audit_at(0);
	is_str(str_at(a, "action"), "user.deleted", "audit user.deleted");
	text = cJSON_PrintUnformatted(s);
	is_json(cJSON_GetObjectItem(a, "before"), "resource", text,
	    "before.resource: the stored record");
	free(text);
	snprintf(want, sizeof(want), "[{\"value\":\"%s\",\"display\":"
	    "\"Engineering\",\"memberDisplay\":\"Ann.Smith\"}]", gids);
	is_json(cJSON_GetObjectItem(a, "before"), "groups", want,
	    "before.groups: value, the group's displayName, memberDisplay");
	cJSON_Delete(a);
	cJSON_Delete(s);
	ok(changes() > 0 && strcmp(lastop, "delete") == 0,
	    "a change record op delete");
	is_int(linked(grp, ann), 0, "its membership is gone both ways");
	http_response_free(&resp);

	/*
	 * A membership key outliving its group (which emit.c shows without
	 * a name): the user is still deleted, the key with it.
	 */
	is_int(wr(RES_USER, eve, "{\"userName\":\"eve\"}", NULL, 0, &resp),
	    SCIM_OK, "a user");
	member_put(gone, eve, RES_USER, "eve");
	util_uuid_format(eve, ids);
	util_uuid_format(gone, gids);
	is_int(resource_delete(&rq, &resp, ctx_schema(&cx, RES_USER), ids),
	    SCIM_OK, "deleting a user in a group that is gone");
	http_response_free(&resp);
	a = audit_at(0);
	snprintf(want, sizeof(want), "[{\"value\":\"%s\",\"memberDisplay\":"
	    "\"eve\"}]", gids);
	is_json(cJSON_GetObjectItem(a, "before"), "groups", want,
	    "before.groups: the group without its name");
	cJSON_Delete(a);
	is_int(linked(gone, eve), 0, "the key is gone");

	/* A group: its keys both ways, and its members' group roles. */
	store_begin(st, 1, &tx);
	store_role_put(tx, tn, ROLE_GROUP, "ops", "app-ops");
	store_commit(&tx);
	ok(wr(RES_GROUP, ops, "{\"displayName\":\"Ops\"}", NULL, 0, &resp) ==
	    SCIM_OK && wr(RES_GROUP, top, "{\"displayName\":\"Top\"}", NULL, 0,
	    &resp) == SCIM_OK, "groups Ops and Top");
	member_put(ops, dan, RES_USER, "dan");
	member_put(top, ops, RES_GROUP, "Ops");
	is_int(wr(RES_USER, dan, "{\"userName\":\"dan\",\"roles\":[{\"value\":"
	    "\"admin\"}]}", NULL, 0, &resp), SCIM_OK, "a user in Ops");
	s = get_res(RES_USER, dan);
	is_json(s, URN_SCIMLET, "{\"appRoles\":[\"app-admin\",\"app-ops\"]}",
	    "holding Ops's role");
	cJSON_Delete(s);
	util_uuid_format(ops, gids);
	ok(resource_delete(&rq, &resp, ctx_schema(&cx, RES_GROUP), gids) ==
	    SCIM_OK && resp.rp_status == 204, "deleting a group: 204");
	http_response_free(&resp);
	is_int(linked(ops, dan), 0, "its members' keys are gone both ways");
	is_int(linked(top, ops), 0, "and its own in its parent");
	s = get_res(RES_USER, dan);
	is_json(s, URN_SCIMLET, "{\"appRoles\":[\"app-admin\"]}",
	    "the member's group role is recomputed away");
	cJSON_Delete(s);
	a = audit_at(0);
	is_str(str_at(a, "action"), "role.lost", "the member's loss audited");
	cJSON_Delete(a);
	a = audit_at(1);
	is_str(str_at(a, "action"), "group.deleted", "before it, "
	    "group.deleted");
	util_uuid_format(dan, ids);
	snprintf(want, sizeof(want), "[{\"value\":\"%s\",\"type\":\"User\","
	    "\"display\":\"dan\"}]", ids);
	is_json(cJSON_GetObjectItem(a, "before"), "members", want,
	    "before.members");
	util_uuid_format(top, ids);
	snprintf(want, sizeof(want), "[{\"value\":\"%s\",\"display\":\"Top\","
	    "\"memberDisplay\":\"Ops\"}]", ids);
	is_json(cJSON_GetObjectItem(a, "before"), "groups", want,
	    "before.groups: its parents");
	cJSON_Delete(a);
}

int
main(void)
{
	struct store_txn	*tx;
	struct tenant		 t;
	char			 dir[] = "/tmp/check_resource.XXXXXX";
	char			 err[256], cmd[128];
	uint8_t			 ann[16], bob[16], grp[16];

	if (mkdtemp(dir) == NULL ||
	    store_open(dir, STORE_CREATE, &st, err, sizeof(err)) != SCIM_OK)
		return 1;
	store_begin(st, 1, &tx);
	store_tenant_add(tx, "acme", "2026-01-01T00:00:00.000Z", &t);
	store_role_put(tx, t.tn_id, ROLE_VALUE, "admin", "app-admin");
	store_commit(&tx);
	tn = t.tn_id;
	ok(ctx_open(&cx, st, NULL, "acme", "tok1", "req1", "192.0.2.1",
	    "check_resource") == SCIM_OK, "ctx_open");
	util_uuid_new(ann);
	util_uuid_new(bob);
	util_uuid_new(grp);

	txn();
	writing(ann, bob);
	loading(ann);
	emitting(ann, grp);
	deleting(ann, grp);

	ctx_close(&cx);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", dir);
	return tap_done();
}
