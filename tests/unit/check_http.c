/*
 * check_http.c: request decoding and response writing through a fake
 * transport: parameters, query strings, base URL, body limits.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "json.h"
#include "scim_error.h"
#include "tap.h"

struct fake {
	const char	*params[32];	/* name, value, ... NULL */
	const char	*body;
	size_t		 off;
	size_t		 chunk;		/* short reads */
	int		 reads;
	char		 out[8192];
	size_t		 outlen;
};

static const char *
f_param(void *ctx, const char *name)
{
	struct fake	*f = ctx;
	int		 i;

	for (i = 0; f->params[i] != NULL; i += 2)
		if (strcmp(f->params[i], name) == 0)
			return f->params[i + 1];
	return NULL;
}

static long
f_read(void *ctx, char *buf, size_t len)
{
	struct fake	*f = ctx;
	size_t		 left = f->body ? strlen(f->body) - f->off : 0;

	f->reads++;
	if (len > left)
		len = left;
	if (f->chunk && len > f->chunk)
		len = f->chunk;
	memcpy(buf, f->body + f->off, len);
	f->off += len;
	return (long)len;
}

static int
f_write(void *ctx, const char *buf, size_t len)
{
	struct fake	*f = ctx;

	if (f->outlen + len >= sizeof(f->out))
		return -1;
	memcpy(f->out + f->outlen, buf, len);
	f->outlen += len;
	f->out[f->outlen] = '\0';
	return 0;
}

static enum scim_err
decode(struct fake *f, size_t max, struct scim_req *req,
    struct scim_resp *resp)
{
	struct http_io	io = { f_param, f_read, f_write, f };

	memset(resp, 0, sizeof(*resp));
	return http_request_read(&io, max, req, resp);
}

static const struct {
	int		 line;
	const char	*query, *name, *want;	/* want NULL: absent */
	int		 rc;
} qcases[] = {
	{ __LINE__, "filter=userName+eq+%22a%22", "filter", "userName eq \"a\"", 1 },
	{ __LINE__, "filter=userName%20eq%20\"a b\"", "filter", "userName eq \"a b\"", 1 },
	{ __LINE__, "a=1&filter=x&b=2", "filter", "x", 1 },
	{ __LINE__, "FILTER=x", "filter", "x", 1 },
	{ __LINE__, "filter=%zz%2", "filter", "%zz%2", 1 },
	{ __LINE__, "filter=%41%42", "filter", "AB", 1 },
	{ __LINE__, "filter=", "filter", "", 1 },
	{ __LINE__, "filter", "filter", "", 1 },
	{ __LINE__, "filterx=1", "filter", NULL, 0 },
	{ __LINE__, "", "filter", NULL, 0 },
	{ __LINE__, "filter=a%00b", "filter", NULL, -1 },
	{ __LINE__, "count=12345678901234567890123456789012345", "count", NULL, -1 },
};

int
main(void)
{
	struct scim_req		req;
	struct scim_resp	resp;
	struct http_io		io;
	struct fake		f;
	char			lhost[256], lbase[400];
	char			out[32];
	size_t			i;
	int			rc;

	for (i = 0; i < sizeof(qcases) / sizeof(qcases[0]); i++) {
		memset(out, 'Q', sizeof(out));
		rc = http_query_get(qcases[i].query, qcases[i].name, out,
		    sizeof(out));
		ok(rc == qcases[i].rc && (qcases[i].want == NULL ||
		    strcmp(out, qcases[i].want) == 0),
		    "line %d: query %s", qcases[i].line, qcases[i].query);
	}

	/* A POST with a body, read in short chunks. */
	memset(&f, 0, sizeof(f));
	f.params[0] = "REQUEST_METHOD"; f.params[1] = "POST";
	f.params[2] = "PATH_INFO"; f.params[3] = "/Users";
	f.params[4] = "CONTENT_LENGTH"; f.params[5] = "16";
	f.params[6] = "CONTENT_TYPE"; f.params[7] = "application/json; charset=utf-8";
	f.params[8] = "HTTP_HOST"; f.params[9] = "idp.example:8443";
	f.params[10] = "SCRIPT_NAME"; f.params[11] = "/scim/v2";
	f.params[12] = "HTTPS"; f.params[13] = "on";
	f.params[14] = "HTTP_AUTHORIZATION"; f.params[15] = "Bearer x";
	f.body = "{\"userName\":\"a\"}";
	f.chunk = 3;
	ok(decode(&f, 1024, &req, &resp) == SCIM_OK, "POST decodes");
	ok(req.rq_method == HTTP_POST, "method");
	is_str(req.rq_path, "/Users", "PATH_INFO");
	is_str(req.rq_body, "{\"userName\":\"a\"}", "body read across short reads");
	is_int((long long)req.rq_bodylen, 16, "body length");
	is_str(req.rq_base, "https://idp.example:8443/scim/v2", "base URL");
	is_str(req.rq_auth, "Bearer x", "Authorization kept for auth.c");
	http_request_free(&req);

	/* Over the limit: 413 and the body is never read. */
	f.off = 0;
	f.reads = 0;
	f.params[5] = "2048";
	ok(decode(&f, 1024, &req, &resp) == SCIM_ETOOLARGE, "Content-Length "
	    "over the limit: SCIM_ETOOLARGE");
	is_int(f.reads, 0, "and not one byte of it was read");
	is_int(resp.rp_detail_err, SCIM_ETOOLARGE, "its detail is the 413's");
	http_request_free(&req);

	f.params[5] = "16x";
	ok(decode(&f, 1024, &req, &resp) == SCIM_EINVALSYNTAX,
	    "malformed Content-Length: invalidSyntax");
	http_request_free(&req);
	f.params[5] = "-1";
	ok(decode(&f, 1024, &req, &resp) == SCIM_EINVALSYNTAX,
	    "negative Content-Length: invalidSyntax");
	http_request_free(&req);
	f.params[5] = "40";
	f.off = 0;
	ok(decode(&f, 1024, &req, &resp) == SCIM_EINVALSYNTAX,
	    "body shorter than Content-Length: invalidSyntax");
	http_request_free(&req);
	f.params[5] = "16";
	f.off = 0;
	f.params[7] = "text/plain";
	ok(decode(&f, 1024, &req, &resp) == SCIM_EMEDIATYPE,
	    "text/plain: SCIM_EMEDIATYPE (415)");
	http_request_free(&req);
	f.params[7] = "application/scim+json";
	f.off = 0;
	ok(decode(&f, 1024, &req, &resp) == SCIM_OK && req.rq_json,
	    "application/scim+json accepted");
	http_request_free(&req);

	/* Base URL: a hostile Host is not used; SERVER_NAME/PORT instead. */
	memset(&f, 0, sizeof(f));
	f.params[0] = "REQUEST_METHOD"; f.params[1] = "GET";
	f.params[2] = "HTTP_HOST"; f.params[3] = "evil\r\nX-Injected: 1";
	f.params[4] = "SERVER_NAME"; f.params[5] = "scim.example";
	f.params[6] = "SERVER_PORT"; f.params[7] = "8080";
	f.params[8] = "SCRIPT_NAME"; f.params[9] = "/api/scim/";
	f.params[10] = "REQUEST_URI"; f.params[11] = "/api/scim/Groups/x?a=b";
	decode(&f, 1024, &req, &resp);
	is_str(req.rq_base, "http://scim.example:8080/api/scim",
	    "bad Host ignored; trailing slash of the mount dropped");
	is_str(req.rq_path, "/Groups/x", "no PATH_INFO: from REQUEST_URI");
	ok(req.rq_method == HTTP_GET, "GET");
	http_request_free(&req);
	f.params[3] = "a\"b";
	f.params[9] = "/scim\"><script>";
	decode(&f, 1024, &req, &resp);
	is_str(req.rq_base, "http://scim.example:8080",
	    "quotes in Host or SCRIPT_NAME are never echoed");
	http_request_free(&req);
	/* A long SERVER_NAME with a port: the port is never cut off. */
	memset(lhost, 'h', 250);
	lhost[250] = '\0';
	f.params[5] = lhost;
	f.params[7] = "84430000000000000000000000000000000000000000000000";
	decode(&f, 1024, &req, &resp);
	snprintf(lbase, sizeof(lbase), "http://%s:%s", lhost, f.params[7]);
	is_str(req.rq_base, lbase, "a 250-byte host and a long port, whole");
	http_request_free(&req);
	f.params[5] = "scim.example";
	f.params[7] = "8080";
	f.params[1] = "BREW";
	decode(&f, 1024, &req, &resp);
	ok(req.rq_method == HTTP_OTHER, "unknown method: HTTP_OTHER");
	http_request_free(&req);
	/* A path is percent-decoded only: '+' is a plus, not a space. */
	f.params[1] = "GET";
	f.params[9] = "/api/scim";
	f.params[11] = "/api/scim/Users/a+b%20c%2Bd?filter=x+y";
	decode(&f, 1024, &req, &resp);
	is_str(req.rq_path, "/Users/a+b c+d",
	    "REQUEST_URI path: '+' kept, %XX decoded");
	http_request_free(&req);

	/* Responses. */
	memset(&f, 0, sizeof(f));
	io.io_param = f_param;
	io.io_read = f_read;
	io.io_write = f_write;
	io.io_ctx = &f;
	memset(&resp, 0, sizeof(resp));
	http_response_json(&resp, 201, strdup("{\"id\":\"1\"}"));
	resp.rp_location = strdup("https://h/scim/v2/Users/1");
	http_response_write(&io, &resp);
	ok(strncmp(f.out, "Status: 201 Created\r\n", 21) == 0, "status line");
	ok(strstr(f.out, "Content-Type: application/scim+json; charset=utf-8"
	    "\r\n") != NULL, "content type");
	ok(strstr(f.out, "Content-Length: 10\r\n") != NULL, "content length");
	ok(strstr(f.out, "Location: https://h/scim/v2/Users/1\r\n") != NULL,
	    "Location");
	ok(strstr(f.out, "\r\n\r\n{\"id\":\"1\"}") != NULL, "body after headers");
	http_response_free(&resp);

	f.outlen = 0;
	memset(&resp, 0, sizeof(resp));
	scim_error_respond(&resp, scim_fail(&resp, SCIM_EAUTH,
	    "missing token"));
	http_response_write(&io, &resp);
	ok(strncmp(f.out, "Status: 401 Unauthorized\r\n", 26) == 0, "401");
	ok(strstr(f.out, "WWW-Authenticate: Bearer") != NULL, "challenge");
	ok(strstr(f.out, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"
	    "Error\"],\"status\":\"401\",\"detail\":\"missing token\"}") != NULL,
	    "SCIM Error body, status as a string, no scimType");
	http_response_free(&resp);

	f.outlen = 0;
	memset(&resp, 0, sizeof(resp));
	scim_error_respond(&resp, scim_fail(&resp, SCIM_ESTORE,
	    "mdb_put: /var/secret/path"));
	http_response_write(&io, &resp);
	ok(strstr(f.out, "/var/secret") == NULL && strstr(f.out,
	    "\"status\":\"500\"") != NULL, "a 500 never shows internals");
	http_response_free(&resp);

	f.outlen = 0;
	memset(&resp, 0, sizeof(resp));
	scim_fail(&resp, SCIM_EUNIQUE, "userName already exists");
	scim_fail(&resp, SCIM_EUNIQUE, "second");
	scim_error_respond(&resp, SCIM_EUNIQUE);
	http_response_write(&io, &resp);
	ok(strstr(f.out, "\"status\":\"409\",\"scimType\":\"uniqueness\","
	    "\"detail\":\"userName already exists\"") != NULL,
	    "409 uniqueness; the first detail for an error wins");
	http_response_free(&resp);

	/* One way out: the returned error decides; a stale detail never
	 * goes with another error. */
	f.outlen = 0;
	memset(&resp, 0, sizeof(resp));
	scim_fail(&resp, SCIM_EUNIQUE, "userName already exists");
	scim_error_respond(&resp, SCIM_EINVALVALUE);
	http_response_write(&io, &resp);
	ok(strstr(f.out, "\"status\":\"400\",\"scimType\":\"invalidValue\","
	    "\"detail\":\"invalid value\"") != NULL,
	    "the returned error's own detail, not another's");
	http_response_free(&resp);

	/* A detail cut inside a character is still valid UTF-8. */
	f.outlen = 0;
	memset(&resp, 0, sizeof(resp));
	{
		char big[SCIM_MAX_DETAIL * 2];
		size_t k;
		for (k = 0; k + 2 < sizeof(big); k += 2)
			memcpy(big + k, "\xc3\xa9", 2);	/* é */
		big[k] = '\0';
		scim_error_respond(&resp, scim_fail(&resp, SCIM_EINVALVALUE,
		    "x%s", big));
	}
	http_response_write(&io, &resp);
	ok(json_utf8_valid(resp.rp_body, resp.rp_len),
	    "an error body cut mid-character is valid UTF-8");
	http_response_free(&resp);

	/* HEAD: the headers of the response, without its body. */
	f.outlen = 0;
	memset(&resp, 0, sizeof(resp));
	http_response_json(&resp, 200, strdup("{\"id\":\"1\"}"));
	resp.rp_head = 1;
	http_response_write(&io, &resp);
	ok(strstr(f.out, "Content-Length: 10\r\n") != NULL &&
	    strstr(f.out, "{\"id\"") == NULL, "HEAD: Content-Length, no body");
	http_response_free(&resp);

	f.outlen = 0;
	memset(&resp, 0, sizeof(resp));
	resp.rp_status = 204;
	http_response_write(&io, &resp);
	ok(strcmp(f.out, "Status: 204 No Content\r\nCache-Control: no-store"
	    "\r\n\r\n") == 0, "204: no body, no content type");
	http_response_free(&resp);
	return tap_done();
}
