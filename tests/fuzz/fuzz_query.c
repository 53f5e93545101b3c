/*
 * fuzz_query.c: what a request line and its CGI parameters go through
 * before a handler runs.  The input is lines:
 *
 *	QUERY_STRING
 *	PATH_INFO
 *	REQUEST_URI
 *	SCRIPT_NAME
 *	REQUEST_METHOD
 *	CONTENT_LENGTH
 *	CONTENT_TYPE
 *	HTTP_HOST
 *	HTTP_AUTHORIZATION
 *	HTTP_IF_MATCH
 *	the body (the rest, newlines and all)
 *
 * a parameter whose line is missing is absent.  The query string's
 * parameters are read as list.c reads them (the list query parsing has
 * no entry point of its own: its pieces are called here), the
 * attributes projection is parsed and applied to a stored User and
 * Group, and the request is decoded from a fake transport by
 * http_request_read(), then answered with an error naming its path.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "fuzz.h"
#include "http.h"
#include "project.h"
#include "scim_error.h"
#include "util.h"

enum {
	F_QUERY, F_PATH, F_URI, F_SCRIPT, F_METHOD, F_CLEN, F_CTYPE, F_HOST,
	F_AUTH, F_IFMATCH, F_BODY, F__MAX
};

static const char *const names[F__MAX] = {
	"QUERY_STRING", "PATH_INFO", "REQUEST_URI", "SCRIPT_NAME",
	"REQUEST_METHOD", "CONTENT_LENGTH", "CONTENT_TYPE", "HTTP_HOST",
	"HTTP_AUTHORIZATION", "HTTP_IF_MATCH", NULL
};

struct fake {
	const char	*f[F__MAX];	/* NULL: absent */
	size_t		 bodylen;
	size_t		 off;
	size_t		 written;
};

static const char *
f_param(void *arg, const char *name)
{
	struct fake	*fk = arg;
	size_t		 i;

	for (i = 0; i < F_BODY; i++)
		if (strcmp(names[i], name) == 0)
			return fk->f[i];
	return NULL;
}

/* Short reads of at most 7 bytes, as a slow socket gives them. */
static long
f_read(void *arg, char *buf, size_t len)
{
	struct fake	*fk = arg;
	size_t		 left = fk->f[F_BODY] ? fk->bodylen - fk->off : 0;

	if (len > left)
		len = left;
	if (len > 7)
		len = 7;
	if (len > 0)
		memcpy(buf, fk->f[F_BODY] + fk->off, len);
	fk->off += len;
	return (long)len;
}

static int
f_write(void *arg, const char *buf, size_t len)
{
	struct fake	*fk = arg;

	(void)buf;
	fk->written += len;
	return 0;
}

/* The query parameters scimlet reads, with list.c's buffer sizes. */
static const struct {
	const char	*name;
	size_t		 size;
} params[] = {
	{ "filter", SCIM_MAX_FILTER + 1 },
	{ "attributes", 2048 },
	{ "excludedAttributes", 2048 },
	{ "sortBy", 256 },
	{ "sortOrder", 32 },
	{ "startIndex", 32 },
	{ "count", 32 },
	{ "cursor", 64 },
};

static void
query(const char *qs)
{
	char		*v, one[1], err[128];
	struct fnode	*f;
	uint8_t		 raw[17];
	long long	 n;
	size_t		 i;
	int		 r;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		if ((v = malloc(params[i].size)) == NULL)
			return;
		r = http_query_get(qs, params[i].name, v, params[i].size);
		if (r == 1 && strlen(v) >= params[i].size)
			abort();
		/* Only an empty value fits one byte. */
		if (http_query_get(qs, params[i].name, one, sizeof(one)) ==
		    1 && one[0] != '\0')
			abort();
		if (r == 1 && strcmp(params[i].name, "filter") == 0 &&
		    (f = filter_parse(v, err, sizeof(err))) != NULL)
			filter_free(f);
		if (r == 1 && (strcmp(params[i].name, "startIndex") == 0 ||
		    strcmp(params[i].name, "count") == 0))
			(void)util_strtonum(v, -0x7fffffffffffLL,
			    0x7fffffffffffLL, &n);
		if (r == 1 && strcmp(params[i].name, "cursor") == 0 &&
		    util_b64url_decode(v, raw, sizeof(raw)) > (long)sizeof(raw))
			abort();
		free(v);
	}
}

/* Project a stored resource; id and schemas always stay. */
static void
project(const char *qs, const struct schema *sc, const cJSON *stored)
{
	struct scim_resp	 resp;
	struct proj		 pj;
	cJSON			*doc = NULL;
	enum scim_err		 e;

	memset(&resp, 0, sizeof(resp));
	if ((e = proj_parse(qs, sc, &pj, &resp)) != SCIM_OK)
		fx_error(&resp, e, NULL);
	else if (pj.pj_mode != PROJ_ALL) {
		if ((doc = cJSON_Duplicate(stored, 1)) == NULL)
			abort();
		(void)proj_wants(&pj, "members");
		proj_apply(&pj, sc, doc);
		if (cJSON_GetObjectItem(doc, "id") == NULL ||
		    cJSON_GetObjectItem(doc, "schemas") == NULL)
			abort();
	}
	cJSON_Delete(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake		 fk;
	struct http_io		 io = { f_param, f_read, f_write, &fk };
	struct scim_req		 req;
	struct scim_resp	 resp;
	char			*text, *p, *nl;
	size_t			 i;
	enum scim_err		 e;

	if ((text = fx_string(data, size)) == NULL)
		return 0;
	memset(&fk, 0, sizeof(fk));
	for (p = text, i = 0; p != NULL && i < F__MAX; i++) {
		fk.f[i] = p;
		if (i == F_BODY) {
			fk.bodylen = size - (size_t)(p - text);
			break;
		}
		if ((nl = memchr(p, '\n', size - (size_t)(p - text))) == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}

	query(fk.f[F_QUERY]);
	project(fk.f[F_QUERY], fx_user_schema(), fx_user());
	project(fk.f[F_QUERY], schema_static(RES_GROUP), fx_group());

	memset(&resp, 0, sizeof(resp));
	if ((e = http_request_read(&io, 4096, &req, &resp)) == SCIM_OK) {
		if (req.rq_path == NULL || req.rq_query == NULL ||
		    req.rq_body == NULL || strlen(req.rq_path) > SCIM_MAX_PATH ||
		    memchr(req.rq_base, '\0', sizeof(req.rq_base)) == NULL)
			abort();
		if (req.rq_ifmatch != NULL)
			(void)http_etag_listed(req.rq_ifmatch, "W/\"3\"");
		e = scim_fail(&resp, SCIM_ENOTFOUND, "%.64s not found",
		    req.rq_path);
	}
	http_request_free(&req);
	fx_error(&resp, e, &io);
	if (fk.written == 0)
		abort();
	free(text);
	return 0;
}
