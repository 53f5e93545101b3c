/*
 * scim_error.c: the table from scim_err to HTTP status and scimType, and
 * the SCIM Error body.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "http.h"
#include "scim_error.h"
#include "util.h"

static const struct {
	int		 status;
	const char	*type;
	const char	*detail;	/* when the handler gave none */
} errtab[SCIM_ERR__MAX] = {
	[SCIM_OK] =		{ 200, NULL, NULL },
	[SCIM_EINVALSYNTAX] =	{ 400, "invalidSyntax", "invalid request" },
	[SCIM_EINVALVALUE] =	{ 400, "invalidValue", "invalid value" },
	[SCIM_EFILTER] =	{ 400, "invalidFilter", "invalid filter" },
	[SCIM_EPATH] =		{ 400, "invalidPath", "invalid path" },
	[SCIM_ENOTARGET] =	{ 400, "noTarget", "no target" },
	[SCIM_EMUTABILITY] =	{ 400, "mutability",
	    "attribute cannot be modified" },
	[SCIM_ETOOMANY] =	{ 400, "tooMany", "too many results" },
	[SCIM_ECURSOR] =	{ 400, "invalidCursor", "invalid cursor" },
	[SCIM_EAUTH] =		{ 401, NULL, "authentication required" },
	[SCIM_EFORBIDDEN] =	{ 403, NULL, "forbidden" },
	[SCIM_ENOTFOUND] =	{ 404, NULL, "resource not found" },
	[SCIM_EMETHOD] =	{ 405, NULL, "method not allowed" },
	[SCIM_EUNIQUE] =	{ 409, "uniqueness", "conflict" },
	[SCIM_EPRECOND] =	{ 412, NULL, "precondition failed" },
	[SCIM_ETOOLARGE] =	{ 413, NULL, "request body too large" },
	[SCIM_EMEDIATYPE] =	{ 415, NULL,
	    "request body must be application/scim+json or application/json" },
	[SCIM_ECONFIG] =	{ 500, NULL, "server misconfigured" },
	[SCIM_ESTORE] =		{ 500, NULL, "internal storage error" },
	[SCIM_ENOMEM] =		{ 500, NULL, "out of memory" },
	[SCIM_EFULL] =		{ 507, NULL, "database is full" },
	[SCIM_ENOTIMPL] =	{ 501, NULL, "not implemented" },
	[SCIM_EGONE] =		{ 410, NULL, "gone" },
	[SCIM_EHELD] =		{ 503, NULL,
	    "deprovisioning held by the breaker" },
	[SCIM_ERATE] =		{ 429, NULL, "too many requests" },
	[SCIM_ECONFLICT] =	{ 409, NULL, "conflict" },
};

enum scim_err
scim_fail(struct scim_resp *resp, enum scim_err err, const char *fmt, ...)
{
	va_list	ap;

	if (err == SCIM_OK || fmt == NULL || resp->rp_detail_err == err)
		return err;
	va_start(ap, fmt);
	vsnprintf(resp->rp_detail, sizeof(resp->rp_detail), fmt, ap);
	va_end(ap);
	util_utf8_clean(resp->rp_detail);
	resp->rp_detail_err = err;
	return err;
}

const char *
scim_detail(const struct scim_resp *resp, enum scim_err err)
{
	if ((int)err <= 0 || err >= SCIM_ERR__MAX)
		err = SCIM_ESTORE;
	if (resp->rp_detail_err == err && resp->rp_detail[0] != '\0')
		return resp->rp_detail;
	return errtab[err].detail;
}

void
scim_detail_reset(struct scim_resp *resp)
{
	resp->rp_detail_err = SCIM_OK;
	resp->rp_detail[0] = '\0';
}

int
scim_err_status(enum scim_err err)
{
	if ((int)err < 0 || err >= SCIM_ERR__MAX)
		return 500;
	return errtab[err].status;
}

const char *
scim_err_type(enum scim_err err)
{
	if ((int)err < 0 || err >= SCIM_ERR__MAX)
		return NULL;
	return errtab[err].type;
}

const char *
scim_status_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 507: return "Insufficient Storage";
	default:  return "Unknown";
	}
}

void
scim_error_respond(struct scim_resp *resp, enum scim_err err)
{
	struct buf	 b;
	const char	*type, *detail;
	char		 status[8], *body;

	if ((int)err <= 0 || err >= SCIM_ERR__MAX)
		err = SCIM_ESTORE;
	type = errtab[err].type;
	/* Internals never reach the client: the detail is for the log. */
	detail = err == SCIM_ESTORE || err == SCIM_ENOMEM ?
	    errtab[err].detail : scim_detail(resp, err);
	snprintf(status, sizeof(status), "%d", errtab[err].status);

	http_response_drop(resp);	/* nothing of a success goes out */
	resp->rp_status = errtab[err].status;
	resp->rp_auth = err == SCIM_EAUTH;

	buf_init(&b, 4096);
	buf_str(&b, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"
	    "Error\"],\"status\":\"");
	buf_str(&b, status);
	buf_str(&b, "\"");
	if (type != NULL) {
		buf_str(&b, ",\"scimType\":\"");
		buf_str(&b, type);
		buf_str(&b, "\"");
	}
	buf_str(&b, ",\"detail\":");
	buf_json_str(&b, detail, strlen(detail));
	buf_str(&b, "}");
	if ((body = buf_take(&b)) == NULL) {
		/* Out of memory: a fixed body still says what happened. */
		static const char fallback[] = "{\"schemas\":[\"urn:ietf:params:"
		    "scim:api:messages:2.0:Error\"],\"status\":\"500\","
		    "\"detail\":\"out of memory\"}";
		resp->rp_status = 500;
		if ((body = strdup(fallback)) == NULL)
			return;
	}
	resp->rp_body = body;
	resp->rp_len = strlen(body);
}
