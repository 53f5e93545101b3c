/*
 * health.c: {mount}/.health, for load balancers and monitors.  It needs
 * no token and says nothing about tenants: whether this worker can open
 * and read its database, the scimlet version and the database format.
 * A name that begins with a dot is no SCIM resource type (RFC 7644 §3.4.3
 * reserves ".search" the same way), so it cannot hide an endpoint.
 *
 *	{"status":"ok","version":"0.1.0","format":"1"}		200
 *	{"status":"unavailable","version":"0.1.0","format":null}	503
 *
 * The reason for a 503 goes to the web server's error log (configure()
 * and store_err() write it), never into the body.
 */
#include "config.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "health.h"
#include "http.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

#define HEALTH_PATH	"/.health"

int
health_path(const char *path)
{
	size_t	n = sizeof(HEALTH_PATH) - 1;

	if (path == NULL || strncmp(path, HEALTH_PATH, n) != 0)
		return 0;
	return path[n] == '\0' || (path[n] == '/' && path[n + 1] == '\0');
}

/* The format version into out, or "" when the database cannot be read. */
static void
health_read(struct store *st, char *out, size_t len)
{
	struct store_txn	*tx = NULL;

	out[0] = '\0';
	if (st == NULL || store_begin(st, 0, &tx) != SCIM_OK)
		return;
	if (store_format(tx, out, len) != SCIM_OK)
		out[0] = '\0';
	store_abort(&tx);
}

enum scim_err
health_serve(struct store *st, const struct scim_req *req,
    struct scim_resp *resp)
{
	cJSON	*doc;
	char	 format[32], *json;
	int	 ok;

	if (req->rq_method != HTTP_GET && req->rq_method != HTTP_HEAD) {
		util_strlcpy(resp->rp_allow, "GET, HEAD",
		    sizeof(resp->rp_allow));
		return scim_fail(resp, SCIM_EMETHOD, ".health takes GET or HEAD");
	}
	health_read(st, format, sizeof(format));
	ok = format[0] != '\0';
	if ((doc = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(doc, "status",
	    ok ? "ok" : "unavailable") == NULL ||
	    cJSON_AddStringToObject(doc, "version", PACKAGE_VERSION) == NULL ||
	    (ok ? cJSON_AddStringToObject(doc, "format", format) :
	    cJSON_AddNullToObject(doc, "format")) == NULL ||
	    (json = cJSON_PrintUnformatted(doc)) == NULL) {
		cJSON_Delete(doc);
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	}
	cJSON_Delete(doc);
	http_response_json(resp, ok ? 200 : 503, json);
	return SCIM_OK;
}
