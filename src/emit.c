/*
 * emit.c: the response forms of stored resources (RFC 7644 §3.4.1):
 * computed attributes added (meta.resourceType, meta.location, a user's
 * groups, a group's members, the manager's $ref), the projection applied,
 * and GET by id.
 *
 * Reads happen in one read transaction, and the response is built inside
 * it; the transaction ends before a byte is written to the client.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctx.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "project.h"
#include "resource.h"
#include "schema.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

/*
 * scheme://host/mount/Endpoint/id into out (SCIM_MAX_BASEURL + 64
 * bytes).  -1 when it does not fit (never for a UUID id).
 */
static int
url_of(const struct scim_req *req, const char *endpoint, const char *id,
    char *out, size_t len)
{
	size_t	b = strlen(req->rq_base), e = strlen(endpoint);
	size_t	i = strlen(id);

	/* Made for every resource a response holds: no printf. */
	if (b + e + i + 3 > len)
		return -1;
	memcpy(out, req->rq_base, b);
	out[b] = '/';
	memcpy(out + b + 1, endpoint, e);
	out[b + 1 + e] = '/';
	memcpy(out + b + 2 + e, id, i + 1);
	return 0;
}

/*
 * The enterprise manager's $ref, computed from its value as a member's
 * is (RFC 7643 §4.3): never what a client sent.
 */
static int
manager_ref(const struct scim_req *req, cJSON *doc)
{
	cJSON		*mgr;
	const cJSON	*v;
	char		 ref[SCIM_MAX_BASEURL + 64];

	mgr = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    doc, URN_ENTERPRISE), "manager");
	if (!cJSON_IsObject(mgr))
		return 0;
	cJSON_DeleteItemFromObjectCaseSensitive(mgr, "$ref");
	v = cJSON_GetObjectItemCaseSensitive(mgr, "value");
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
		return 0;
	if (url_of(req, "Users", v->valuestring, ref, sizeof(ref)) == -1)
		return 0;		/* a value too long for a URL: no $ref */
	return json_add_string(mgr, "$ref", ref);
}

/*
 * Computed attributes: meta.resourceType and meta.location, added to the
 * stored meta (resourceType, created, lastModified, version) in place.
 */
static int
decorate(const struct scim_req *req, const struct schema *sc, cJSON *doc)
{
	cJSON		*meta, *rt;
	const cJSON	*id;
	char		 url[SCIM_MAX_BASEURL + 64];

	id = cJSON_GetObjectItemCaseSensitive(doc, "id");
	if (sc->sc_type == RES_USER && manager_ref(req, doc) == -1)
		return -1;
	if (url_of(req, sc->sc_endpoint, cJSON_IsString(id) ? id->valuestring :
	    "", url, sizeof(url)) == -1)
		return -1;
	if (!cJSON_IsObject(meta = cJSON_GetObjectItemCaseSensitive(doc,
	    "meta"))) {
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "meta");
		if ((meta = cJSON_CreateObject()) == NULL ||
		    json_add(doc, "meta", meta) == -1)
			return -1;
	}
	/* What is computed is never taken from the record. */
	rt = cJSON_GetObjectItemCaseSensitive(meta, "resourceType");
	if (!cJSON_IsString(rt) || strcmp(rt->valuestring, sc->sc_name) != 0) {
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "resourceType");
		if (json_add_string(meta, "resourceType", sc->sc_name) == -1)
			return -1;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(meta, "location");
	return json_add_string(meta, "location", url);
}

struct emit {
	struct scim_req		*em_req;
	const struct schema	*em_sc;
	struct buf		*em_out;
	int			 em_n;		/* members written */
	struct scim_resp	*em_resp;	/* write in parts, or NULL */
	int			 em_failed;	/* a part could not be written */
};

/*
 * A large group's members go out in parts of this size (rp_sent): the
 * worker's memory holds one part, not the whole group (17 MB for 100 000
 * members).  Smaller responses are whole, with their length.
 */
#define EMIT_PART	(64 * 1024)

/* Write what out holds (the head first, once), and empty it. */
static int
emit_part(struct emit *em)
{
	const struct http_io	*io = em->em_req->rq_io;
	struct scim_resp	*resp = em->em_resp;
	struct buf		*out = em->em_out;

	if (buf_failed(out) != SCIM_OK)
		return -1;
	if (!resp->rp_sent) {
		resp->rp_status = 200;
		if (http_response_start(io, resp) == -1)
			return -1;
	}
	if (out->b_len > 0 &&
	    io->io_write(io->io_ctx, out->b_data, out->b_len) == -1)
		return -1;
	resp->rp_len += out->b_len;
	out->b_len = 0;
	return 0;
}

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
	if (em->em_resp != NULL && em->em_out->b_len >= EMIT_PART &&
	    emit_part(em) == -1) {
		em->em_failed = 1;
		return 1;
	}
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
	if (url_of(ga->ga_req, "Groups", ids, ref, sizeof(ref)) == -1 ||
	    (el = cJSON_CreateObject()) == NULL) {
		ga->ga_err = SCIM_ENOMEM;
		return 1;
	}
	cJSON_AddItemToArray(ga->ga_arr, el);
	if (json_add_string(el, "value", ids) == -1 ||
	    json_add_string(el, "$ref", ref) == -1) {
		ga->ga_err = SCIM_ENOMEM;
		return 1;
	}
	/* Its name; a record that does not parse is an error (store.h). */
	if ((ga->ga_err = store_res_get(ga->ga_tx,
	    ga->ga_req->rq_cx->cx_tenant.tn_id, RES_GROUP, gid, &json,
	    &len)) == SCIM_ENOTFOUND) {
		/* A membership key outliving its group: never written so
		 * (a group's deletion takes its keys), shown without name. */
		ga->ga_err = json_add_string(el, "type", "direct") == -1 ?
		    SCIM_ENOMEM : SCIM_OK;
		return ga->ga_err != SCIM_OK;
	}
	if (ga->ga_err != SCIM_OK)
		return 1;
	if ((g = cJSON_ParseWithLength(json, len)) == NULL) {
		ga->ga_err = SCIM_ESTORE;
		return 1;
	}
	dn = cJSON_GetObjectItem(g, "displayName");
	if ((cJSON_IsString(dn) && json_add_string(el, "display",
	    dn->valuestring) == -1) || json_add_string(el, "type",
	    "direct") == -1)
		ga->ga_err = SCIM_ENOMEM;
	cJSON_Delete(g);
	return ga->ga_err != SCIM_OK;
}

/*
 * User.groups for user id, as an array (NULL in *arr when it is in no
 * group): one entry per memberof key, in key order.
 */
static enum scim_err
user_groups(struct scim_req *req, struct store_txn *tx, const uint8_t id[16],
    cJSON **arr)
{
	struct groups_arg	ga;
	enum scim_err		e;

	memset(&ga, 0, sizeof(ga));
	ga.ga_req = req;
	ga.ga_tx = tx;
	if ((ga.ga_arr = cJSON_CreateArray()) == NULL)
		return SCIM_ENOMEM;
	if ((e = store_memberof_each(tx, req->rq_cx->cx_tenant.tn_id, id,
	    user_group, &ga)) == SCIM_OK)
		e = ga.ga_err;
	if (e != SCIM_OK || ga.ga_arr->child == NULL) {
		cJSON_Delete(ga.ga_arr);
		ga.ga_arr = NULL;
	}
	*arr = ga.ga_arr;
	return e;
}

enum scim_err
resource_emit(struct scim_req *req, struct store_txn *tx,
    const struct schema *sc, const struct proj *pj, cJSON *doc,
    struct buf *out, struct scim_resp *parts)
{
	struct emit		 em;
	cJSON			*groups;
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
	if (sc->sc_type == RES_USER && proj_wants(pj, "groups") &&
	    (e = user_groups(req, tx, id, &groups)) == SCIM_OK &&
	    groups != NULL && json_add(doc, "groups", groups) == -1)
		e = SCIM_ENOMEM;
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
	em.em_resp = parts != NULL && req->rq_io != NULL ? parts : NULL;
	em.em_failed = 0;
	e = store_member_each(tx, req->rq_cx->cx_tenant.tn_id, id, emit_member, &em);
	buf_str(out, "]}");
	if (e == SCIM_OK && em.em_failed)
		log_warnx("request %s: a group's members could not be written "
		    "whole", req->rq_cx->cx_actor.ac_request);
	/* Begun in parts: the rest goes too; an error cuts it short. */
	if (e == SCIM_OK && em.em_resp != NULL && em.em_resp->rp_sent &&
	    !em.em_failed && emit_part(&em) == -1)
		log_warnx("request %s: the end of a group's members could not "
		    "be written", req->rq_cx->cx_actor.ac_request);
	return e != SCIM_OK ? e : buf_failed(out);
}

enum scim_err
resource_respond(struct scim_req *req, struct store_txn *wtx,
    struct scim_resp *resp, const struct schema *sc, cJSON *doc, int status)
{
	struct store_txn	*tx = NULL;
	struct proj		 pj;
	struct buf		 out;
	const cJSON		*idv;
	char			 l[SCIM_MAX_BASEURL + 64];
	enum scim_err		 e;

	buf_init(&out, SCIM_MAX_RESPONSE);
	if ((e = proj_parse(req->rq_query, sc, &pj, resp)) != SCIM_OK)
		goto out;
	idv = cJSON_GetObjectItemCaseSensitive(doc, "id");
	if (status == 201 && (!cJSON_IsString(idv) || url_of(req,
	    sc->sc_endpoint, idv->valuestring, l, sizeof(l)) == -1 ||
	    (resp->rp_location = strdup(l)) == NULL)) {
		e = SCIM_ENOMEM;
		goto out;
	}
	resource_etag(resp, doc);
	/* An operation of a Bulk: its entry is location, version and
	 * status, never the body (src/bulk.c). */
	if (req->rq_parent != NULL) {
		resp->rp_status = status;
		goto out;
	}
	/*
	 * Inside the write's own transaction when given: the response is
	 * made before the commit, so a write is answered 2xx exactly when
	 * it was stored (a failed read after a commit would answer 500 for
	 * a stored write).
	 */
	if (wtx == NULL &&
	    (e = store_begin(req->rq_cx->cx_store, 0, &tx)) != SCIM_OK)
		goto out;
	e = resource_emit(req, wtx != NULL ? wtx : tx, sc, &pj, doc, &out,
	    NULL);
	doc = NULL;			/* consumed */
	store_abort(&tx);
	if (e == SCIM_OK) {
		http_response_json(resp, status, buf_take(&out));
		if (resp->rp_body == NULL)
			e = SCIM_ENOMEM;
	}
out:
	cJSON_Delete(doc);
	buf_free(&out);
	return e;
}

/*
 * A JSON string's text from p (just past its opening quote) to its
 * closing quote; NULL when the text ends first.
 */
static const char *
string_end(const char *p, const char *end)
{
	for (; p < end; p++) {
		if (*p == '"')
			return p;
		if (*p == '\\' && ++p == end)
			return NULL;
	}
	return NULL;
}

/*
 * A version's text (W/\"<hex>\" in JSON) into out, unescaped: only \"
 * and \\ are expected; -1 for anything else or too long.
 */
static int
version_copy(const char *p, size_t n, char *out, size_t outlen)
{
	size_t	i, o = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\\' && (++i == n || (p[i] != '"' && p[i] != '\\')))
			return -1;
		if (o + 1 >= outlen)
			return -1;
		out[o++] = p[i];
	}
	out[o] = '\0';
	return 0;
}

/* 1 when the text s[0..len) holds name (a quoted member name and colon). */
static int
has_name(const char *s, size_t len, const char *name)
{
	const char	*p, *end = s + len;
	size_t		 n = strlen(name);

	for (p = s; (p = memchr(p, '"', (size_t)(end - p))) != NULL; p++)
		if ((size_t)(end - p) >= n && memcmp(p, name, n) == 0)
			return 1;
	return 0;
}

/*
 * A user's record as the store writes it (record_make(), printed by
 * cJSON_PrintUnformatted()): an object whose last member is a flat "meta"
 * of strings, resourceType "User" first, with no location; and no
 * enterprise manager, whose $ref is computed.  Then *cut is where meta's
 * closing brace is and the version is in etag (etaglen bytes).  -1 for
 * any other text: the record takes the parsing path.
 *
 * In JSON text a quote inside a string is always escaped, so ,"meta":{
 * found in it is a member's name; meta ending where the last brace but
 * one is makes it the top object's.
 */
static int
stored_user(const char *s, size_t len, char *etag, size_t etaglen,
    size_t *cut)
{
	static const char	 head[] = ",\"meta\":{\"resourceType\":\"User\"";
	const char		*end = s + len, *p, *q, *k;
	size_t			 n;

	if (len < sizeof(head) + 2 || s[0] != '{' || end[-1] != '}' ||
	    end[-2] != '}' ||
	    has_name(s, len, "\"manager\":"))
		return -1;
	for (p = end - sizeof(head); p > s; p--)
		if (*p == ',' && memcmp(p, head, sizeof(head) - 1) == 0)
			break;
	if (p == s)
		return -1;
	etag[0] = '\0';
	for (p += sizeof(head) - 1; *p == ','; p = q + 1) {
		/* ,"name":"value" */
		k = p + 2;
		if (p[1] != '"' || (q = string_end(k, end)) == NULL ||
		    memchr(k, '\\', (size_t)(q - k)) != NULL ||
		    q + 2 >= end || q[1] != ':' || q[2] != '"')
			return -1;
		n = (size_t)(q - k);
		p = q + 3;
		if ((q = string_end(p, end)) == NULL)
			return -1;
		if (n == 8 && memcmp(k, "location", 8) == 0)
			return -1;
		if (n == 7 && memcmp(k, "version", 7) == 0 &&
		    version_copy(p, (size_t)(q - p), etag, etaglen) == -1)
			return -1;
	}
	if (*p != '}' || p != end - 2)
		return -1;
	*cut = (size_t)(p - s);
	return 0;
}

/*
 * GET of a user with no projection, from its stored text: meta.location
 * and the groups added as text.  Parsing the record, printing it and
 * freeing the tree were three fifths of such a request's instructions.
 */
static enum scim_err
emit_stored(struct scim_req *req, struct store_txn *tx, const uint8_t id[16],
    const char *json, size_t cut, struct buf *out)
{
	char		 ids[UUID_STRLEN + 1], url[SCIM_MAX_BASEURL + 64];
	char		*text;
	cJSON		*groups;
	enum scim_err	 e;

	util_uuid_format(id, ids);
	if (url_of(req, "Users", ids, url, sizeof(url)) == -1)
		return SCIM_ENOMEM;
	if ((e = user_groups(req, tx, id, &groups)) != SCIM_OK)
		return e;
	buf_add(out, json, cut);
	/* req->rq_base passed host and path checks: no escaping needed. */
	buf_str(out, ",\"location\":\"");
	buf_str(out, url);
	buf_str(out, "\"}");
	if (groups != NULL) {
		text = cJSON_PrintUnformatted(groups);
		cJSON_Delete(groups);
		if (text == NULL)
			return SCIM_ENOMEM;
		buf_str(out, ",\"groups\":");
		buf_str(out, text);
		free(text);
	}
	buf_str(out, "}");
	return buf_failed(out);
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
	size_t			 len, cut = 0;
	cJSON			*doc = NULL;
	enum scim_err		 e;
	int			 asis;

	buf_init(&out, SCIM_MAX_RESPONSE);
	if ((e = resource_id(ids, id, resp)) != SCIM_OK ||
	    (e = proj_parse(req->rq_query, sc, &pj, resp)) != SCIM_OK)
		goto out;
	/* One read transaction: the record, its memberships, the text. */
	if ((e = store_begin(req->rq_cx->cx_store, 0, &tx)) != SCIM_OK)
		goto out;
	e = store_res_get(tx, req->rq_cx->cx_tenant.tn_id, sc->sc_type, id,
	    &json, &len);
	if (e == SCIM_ENOTFOUND) {
		e = scim_fail(resp, e, "%s %.64s not found", sc->sc_name, ids);
		goto out;
	}
	/* A user's record of the usual shape goes out as it is stored. */
	asis = e == SCIM_OK && sc->sc_type == RES_USER &&
	    pj.pj_mode == PROJ_ALL && stored_user(json, len, resp->rp_etag,
	    sizeof(resp->rp_etag), &cut) == 0;
	if (e == SCIM_OK && !asis &&
	    (doc = cJSON_ParseWithLength(json, len)) == NULL)
		e = SCIM_ESTORE;
	if (e != SCIM_OK)
		goto out;
	if (!asis)
		resource_etag(resp, doc);
	/* RFC 7644 §3.14: unchanged since the client's version. */
	if (req->rq_ifnonematch != NULL && resp->rp_etag[0] != '\0' &&
	    http_etag_listed(req->rq_ifnonematch, resp->rp_etag)) {
		resp->rp_status = 304;
		goto out;
	}
	if (asis)
		e = emit_stored(req, tx, id, json, cut, &out);
	else	/* a large group goes out in parts (not to HEAD) */
		e = resource_emit(req, tx, sc, &pj, doc, &out,
		    req->rq_method == HTTP_HEAD ? NULL : resp);
	doc = NULL;			/* consumed */
	if (e == SCIM_OK && !resp->rp_sent) {
		http_response_json(resp, 200, buf_take(&out));
		if (resp->rp_body == NULL)
			e = SCIM_ENOMEM;
	}
out:
	store_abort(&tx);
	cJSON_Delete(doc);
	buf_free(&out);
	return e;
}
