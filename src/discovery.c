/*
 * discovery.c: the service provider configuration.  It states what this
 * version really does: PATCH, filters, sorting, index and cursor paging
 * (RFC 9865), ETags, Bulk (src/bulk.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bulk.h"
#include "ctx.h"
#include "discovery.h"
#include "http.h"
#include "json.h"
#include "schema.h"
#include "scim_error.h"
#include "util.h"

static cJSON *
supported(cJSON *parent, const char *name, int yes)
{
	cJSON	*o = cJSON_AddObjectToObject(parent, name);

	cJSON_AddBoolToObject(o, "supported", yes);
	return o;
}

enum scim_err
discovery_spc(struct scim_req *req, struct scim_resp *resp)
{
	cJSON		*doc, *o, *arr, *meta;
	char		 loc[SCIM_MAX_BASEURL + 32], *body;
	long long	 max, bops, bsize;

	if ((doc = cJSON_CreateObject()) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	arr = cJSON_AddArrayToObject(doc, "schemas");
	cJSON_AddItemToArray(arr, cJSON_CreateString(
	    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"));
	supported(doc, "patch", 1);
	/* RFC 7644 §3.7: the limits this tenant's Bulk requests get. */
	bulk_limits(req, &bops, &bsize);
	o = supported(doc, "bulk", 1);
	cJSON_AddNumberToObject(o, "maxOperations", (double)bops);
	cJSON_AddNumberToObject(o, "maxPayloadSize", (double)bsize);
	max = req->rq_cx->cx_tenant.tn_maxresults > 0 ? req->rq_cx->cx_tenant.tn_maxresults :
	    SCIM_MAX_COUNT;
	o = supported(doc, "filter", 1);
	cJSON_AddNumberToObject(o, "maxResults", (double)max);
	supported(doc, "changePassword", 0);
	supported(doc, "sort", 1);
	/* RFC 9865 §5; cursors are positions and never expire. */
	o = cJSON_AddObjectToObject(doc, "pagination");
	cJSON_AddBoolToObject(o, "cursor", 1);
	cJSON_AddBoolToObject(o, "index", 1);
	cJSON_AddStringToObject(o, "defaultPaginationMethod", "index");
	cJSON_AddNumberToObject(o, "defaultPageSize",
	    SCIM_DEFAULT_COUNT < max ? SCIM_DEFAULT_COUNT : (double)max);
	cJSON_AddNumberToObject(o, "maxPageSize", (double)max);
	supported(doc, "etag", 1);
	arr = cJSON_AddArrayToObject(doc, "authenticationSchemes");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "oauthbearertoken");
	cJSON_AddStringToObject(o, "name", "OAuth Bearer Token");
	cJSON_AddStringToObject(o, "description", "Authentication with a "
	    "bearer token issued by `scimlet token issue`");
	cJSON_AddBoolToObject(o, "primary", 1);
	cJSON_AddItemToArray(arr, o);
	meta = cJSON_AddObjectToObject(doc, "meta");
	cJSON_AddStringToObject(meta, "resourceType", "ServiceProviderConfig");
	/* rq_base is shorter than SCIM_MAX_BASEURL: it always fits. */
	if ((size_t)snprintf(loc, sizeof(loc), "%s/ServiceProviderConfig",
	    req->rq_base) < sizeof(loc))
		cJSON_AddStringToObject(meta, "location", loc);
	body = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (body == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	http_response_json(resp, 200, body);
	return SCIM_OK;
}

#define URN_LIST	"urn:ietf:params:scim:api:messages:2.0:ListResponse"

/* Add meta (resourceType, location base/endpoint/id) to doc. */
static void
add_meta(struct scim_req *req, cJSON *doc, const char *type,
    const char *endpoint, const char *id)
{
	cJSON	*meta = cJSON_AddObjectToObject(doc, "meta");
	char	*loc;
	size_t	 n;

	cJSON_AddStringToObject(meta, "resourceType", type);
	/* id is a schema URN, a tenant's among them: sized, not cut. */
	n = strlen(req->rq_base) + strlen(endpoint) + strlen(id) + 3;
	if ((loc = malloc(n)) == NULL)
		return;
	if ((size_t)snprintf(loc, n, "%s/%s/%s", req->rq_base, endpoint,
	    id) < n)
		cJSON_AddStringToObject(meta, "location", loc);
	free(loc);
}

/*
 * Answer with the one document whose "id" is id, or with all of them as
 * a ListResponse (id NULL).  Consumes docs.
 */
static enum scim_err
answer(struct scim_resp *resp, cJSON *docs, const char *id, const char *what)
{
	cJSON	*out = NULL, *el, *schemas;
	char	*body;

	if (id == NULL) {
		if ((out = cJSON_CreateObject()) != NULL) {
			schemas = cJSON_AddArrayToObject(out, "schemas");
			cJSON_AddItemToArray(schemas,
			    cJSON_CreateString(URN_LIST));
			cJSON_AddNumberToObject(out, "totalResults",
			    cJSON_GetArraySize(docs));
			cJSON_AddNumberToObject(out, "itemsPerPage",
			    cJSON_GetArraySize(docs));
			cJSON_AddNumberToObject(out, "startIndex", 1);
			cJSON_AddItemToObject(out, "Resources", docs);
			docs = NULL;
		}
	} else {
		cJSON_ArrayForEach(el, docs)
			if (util_strcaseeq(cJSON_GetObjectItem(el,
			    "id")->valuestring, id))
				break;
		if (el == NULL) {
			cJSON_Delete(docs);
			return scim_fail(resp, SCIM_ENOTFOUND, "no %s %.128s",
			    what, id);
		}
		out = cJSON_DetachItemViaPointer(docs, el);
	}
	cJSON_Delete(docs);
	body = out != NULL ? cJSON_PrintUnformatted(out) : NULL;
	cJSON_Delete(out);
	if (body == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	http_response_json(resp, 200, body);
	return SCIM_OK;
}

enum scim_err
discovery_schemas(struct scim_req *req, struct scim_resp *resp,
    const char *id)
{
	const struct schema	*sc;
	const struct schema_ext	*e;
	cJSON			*docs, *d;
	int			 t;

	if ((docs = cJSON_CreateArray()) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	for (t = 0; t < 2; t++) {
		sc = ctx_schema(req->rq_cx, t == 0 ? RES_USER : RES_GROUP);
		d = schema_document(sc->sc_urn, sc->sc_name,
		    sc->sc_description, sc->sc_attrs);
		add_meta(req, d, "Schema", "Schemas", sc->sc_urn);
		cJSON_AddItemToArray(docs, d);
		for (e = sc->sc_exts; e->se_urn != NULL; e++) {
			d = schema_document(e->se_urn, e->se_name,
			    e->se_description, e->se_attrs);
			add_meta(req, d, "Schema", "Schemas", e->se_urn);
			cJSON_AddItemToArray(docs, d);
		}
	}
	return answer(resp, docs, id, "schema");
}

enum scim_err
discovery_types(struct scim_req *req, struct scim_resp *resp,
    const char *id)
{
	const struct schema	*sc;
	const struct schema_ext	*e;
	cJSON			*docs, *d, *arr, *ext;
	char			 ep[64];
	int			 t;

	if ((docs = cJSON_CreateArray()) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	for (t = 0; t < 2; t++) {
		sc = ctx_schema(req->rq_cx, t == 0 ? RES_USER : RES_GROUP);
		d = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(d, "schemas");
		cJSON_AddItemToArray(arr, cJSON_CreateString(
		    "urn:ietf:params:scim:schemas:core:2.0:ResourceType"));
		cJSON_AddStringToObject(d, "id", sc->sc_name);
		cJSON_AddStringToObject(d, "name", sc->sc_name);
		if ((size_t)snprintf(ep, sizeof(ep), "/%s", sc->sc_endpoint) <
		    sizeof(ep))
			cJSON_AddStringToObject(d, "endpoint", ep);
		cJSON_AddStringToObject(d, "description", sc->sc_description);
		cJSON_AddStringToObject(d, "schema", sc->sc_urn);
		if (sc->sc_exts->se_urn != NULL) {
			arr = cJSON_AddArrayToObject(d, "schemaExtensions");
			for (e = sc->sc_exts; e->se_urn != NULL; e++) {
				ext = cJSON_CreateObject();
				cJSON_AddStringToObject(ext, "schema",
				    e->se_urn);
				cJSON_AddBoolToObject(ext, "required", 0);
				cJSON_AddItemToArray(arr, ext);
			}
		}
		add_meta(req, d, "ResourceType", "ResourceTypes", sc->sc_name);
		cJSON_AddItemToArray(docs, d);
	}
	return answer(resp, docs, id, "resource type");
}
