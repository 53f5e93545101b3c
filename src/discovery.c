/*
 * discovery.c: the service provider configuration.  It states what this
 * version really does: PATCH, filters, sorting, index and cursor paging
 * (RFC 9865); no bulk or ETags yet.
 */
#include "config.h"

#include <stdio.h>

#include <cjson/cJSON.h>

#include "discovery.h"
#include "http.h"
#include "scim_error.h"

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
	long long	 max;

	if ((doc = cJSON_CreateObject()) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	arr = cJSON_AddArrayToObject(doc, "schemas");
	cJSON_AddItemToArray(arr, cJSON_CreateString(
	    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"));
	supported(doc, "patch", 1);
	o = supported(doc, "bulk", 0);
	cJSON_AddNumberToObject(o, "maxOperations", 0);
	cJSON_AddNumberToObject(o, "maxPayloadSize", 0);
	max = req->rq_tenant.tn_maxresults > 0 ? req->rq_tenant.tn_maxresults :
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
	supported(doc, "etag", 0);
	arr = cJSON_AddArrayToObject(doc, "authenticationSchemes");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "oauthbearertoken");
	cJSON_AddStringToObject(o, "name", "OAuth Bearer Token");
	cJSON_AddStringToObject(o, "description", "Authentication with a "
	    "bearer token issued by `scimlet token issue`");
	cJSON_AddBoolToObject(o, "primary", 1);
	cJSON_AddItemToArray(arr, o);
	meta = cJSON_AddObjectToObject(doc, "meta");
	snprintf(loc, sizeof(loc), "%s/ServiceProviderConfig", req->rq_base);
	cJSON_AddStringToObject(meta, "resourceType", "ServiceProviderConfig");
	cJSON_AddStringToObject(meta, "location", loc);
	body = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (body == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	http_response_json(resp, 200, body);
	return SCIM_OK;
}
