/*
 * http.c: CGI/FastCGI request decoding and response writing, with every
 * size limit applied before the bytes are kept.  Knows nothing of SCIM
 * resources.  RFC 3875 names the parameters used here.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "scim_error.h"
#include "util.h"

static const char *
param(const struct http_io *io, const char *name)
{
	return io->io_param(io->io_ctx, name);
}

static int
hexdig(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Percent-decode src[0..len) into out: %XX is a byte, and with form set
 * (a query string) '+' is a space; in a path '+' is itself.  A '%' not
 * followed by two hex digits stays as it is (clients send raw quotes and
 * percent signs).  Returns the length, or -1 when it would not fit in
 * outlen - 1 bytes or decodes to a NUL byte.
 */
static long
url_decode(const char *src, size_t len, int form, char *out, size_t outlen)
{
	size_t	i, o = 0;
	int	hi, lo, c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)src[i];
		if (c == '+' && form)
			c = ' ';
		else if (c == '%' && i + 2 < len &&
		    (hi = hexdig((unsigned char)src[i + 1])) >= 0 &&
		    (lo = hexdig((unsigned char)src[i + 2])) >= 0) {
			c = hi << 4 | lo;
			i += 2;
		}
		if (c == 0 || o + 1 >= outlen)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (long)o;
}

int
http_query_get(const char *query, const char *name, char *out, size_t outlen)
{
	const char	*p, *amp, *eq;
	char		 key[64];
	size_t		 len;
	long		 n;

	if (query == NULL)
		return 0;
	for (p = query; *p != '\0'; p = *amp == '\0' ? amp : amp + 1) {
		if ((amp = strchr(p, '&')) == NULL)
			amp = p + strlen(p);
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		len = (size_t)(eq - p);
		if (len == 0 || url_decode(p, len, 1, key, sizeof(key)) == -1 ||
		    !util_strcaseeq(key, name))
			continue;
		if (eq == amp) {
			if (outlen > 0)
				out[0] = '\0';
			return 1;
		}
		n = url_decode(eq + 1, (size_t)(amp - eq - 1), 1, out, outlen);
		return n < 0 ? -1 : 1;
	}
	return 0;
}

/* Host names and ports only: no spaces, quotes, slashes or controls. */
static int
host_ok(const char *h)
{
	size_t	n = 0;

	for (; *h != '\0'; h++, n++)
		if (!isalnum((unsigned char)*h) && strchr(".-:[]_", *h) == NULL)
			return 0;
	return n > 0 && n < 256;
}

/* A path a URL may carry unescaped; no quotes, spaces or controls. */
static int
path_ok(const char *p)
{
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("\"<>\\^`{|}", *p) != NULL)
			return 0;
	return 1;
}

/*
 * The absolute base URL the client used: scheme, host, mount point
 * (SCRIPT_NAME).  meta.location and Location are built from it.
 */
static void
base_url(const struct http_io *io, char *out, size_t outlen)
{
	const char	*https, *scheme, *host, *port, *script;
	char		 hostbuf[256 * 2 + 2];

	https = param(io, "HTTPS");
	scheme = param(io, "REQUEST_SCHEME");
	if (https != NULL && (util_strcaseeq(https, "on") ||
	    strcmp(https, "1") == 0))
		scheme = "https";
	else if (scheme == NULL || (!util_strcaseeq(scheme, "https")))
		scheme = "http";
	else
		scheme = "https";

	host = param(io, "HTTP_HOST");
	if (host == NULL || !host_ok(host)) {
		host = param(io, "SERVER_NAME");
		port = param(io, "SERVER_PORT");
		if (host == NULL || !host_ok(host))
			host = "localhost";
		/* host_ok() bounds both: host:port always fits. */
		if (port != NULL && host_ok(port) &&
		    strcmp(port, strcmp(scheme, "https") ? "80" : "443") &&
		    (size_t)snprintf(hostbuf, sizeof(hostbuf), "%s:%s", host,
		    port) < sizeof(hostbuf))
			host = hostbuf;
	}
	script = param(io, "SCRIPT_NAME");
	if (script == NULL || !path_ok(script))
		script = "";
	if ((size_t)snprintf(out, outlen, "%s://%s%s", scheme, host, script) >=
	    outlen)
		util_strlcpy(out, strcmp(scheme, "https") == 0 ?
		    "https://localhost" : "http://localhost", outlen);
	/* Strip one trailing slash: we append "/Users/ID". */
	if (out[0] != '\0' && out[strlen(out) - 1] == '/')
		out[strlen(out) - 1] = '\0';
}

static enum http_method
method_of(const char *m)
{
	if (m == NULL)
		return HTTP_OTHER;
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	if (strcmp(m, "PUT") == 0)
		return HTTP_PUT;
	if (strcmp(m, "PATCH") == 0)
		return HTTP_PATCH;
	if (strcmp(m, "DELETE") == 0)
		return HTTP_DELETE;
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	return HTTP_OTHER;
}

/* application/json or application/scim+json, any parameters. */
static int
json_type(const char *ct)
{
	size_t	n;

	while (*ct == ' ' || *ct == '\t')
		ct++;
	n = strcspn(ct, "; \t");
	return (n == 16 && strncasecmp(ct, "application/json", n) == 0) ||
	    (n == 21 && strncasecmp(ct, "application/scim+json", n) == 0);
}

/*
 * PATH_INFO, or when a server gives none (or an empty one), the part of
 * REQUEST_URI after SCRIPT_NAME (query removed).
 */
static char *
path_info(const struct http_io *io)
{
	const char	*pi, *uri, *script;
	size_t		 sl, n;
	char		*out;

	if ((pi = param(io, "PATH_INFO")) != NULL && *pi != '\0')
		return strdup(pi);
	uri = param(io, "REQUEST_URI");
	script = param(io, "SCRIPT_NAME");
	if (uri == NULL)
		return strdup("");
	sl = script != NULL ? strlen(script) : 0;
	if (sl > 0 && script[sl - 1] == '/')
		sl--;		/* keep the slash that starts the path */
	if (sl > 0 && strncmp(uri, script, sl) == 0)
		uri += sl;
	n = strcspn(uri, "?");
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	if (url_decode(uri, n, 0, out, n + 1) == -1)
		out[0] = '\0';
	return out;
}

enum scim_err
http_request_read(const struct http_io *io, size_t maxbody,
    struct scim_req *req, struct scim_resp *resp)
{
	const char	*v;
	long long	 clen = 0;
	size_t		 got;
	long		 n;

	memset(req, 0, sizeof(*req));
	req->rq_maxbody = maxbody;
#ifndef SCIMLET_FAULTS
	/* The test build writes a header of its own after the handler. */
	req->rq_io = io;
#endif
	req->rq_method = method_of(param(io, "REQUEST_METHOD"));
	base_url(io, req->rq_base, sizeof(req->rq_base));

	if ((req->rq_path = path_info(io)) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	if (strlen(req->rq_path) > SCIM_MAX_PATH)
		return scim_fail(resp, SCIM_ENOTFOUND, "path too long");

	v = param(io, "QUERY_STRING");
	if (v != NULL && strlen(v) > SCIM_MAX_QUERY)
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "query string longer than %d bytes", SCIM_MAX_QUERY);
	if ((req->rq_query = strdup(v != NULL ? v : "")) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);

	/* Authorization: bounded here; auth.c parses it. */
	if ((v = param(io, "HTTP_AUTHORIZATION")) != NULL) {
		if (strlen(v) > SCIM_MAX_AUTH)
			return scim_fail(resp, SCIM_EAUTH,
			    "Authorization header too long");
		if ((req->rq_auth = strdup(v)) == NULL)
			return scim_fail(resp, SCIM_ENOMEM, NULL);
	}

	/* Preconditions (RFC 7644 §3.14), bounded like the query. */
	if ((v = param(io, "HTTP_IF_MATCH")) != NULL &&
	    (strlen(v) > SCIM_MAX_QUERY || (req->rq_ifmatch = strdup(v)) ==
	    NULL))
		return scim_fail(resp, SCIM_EINVALSYNTAX, "If-Match too long");
	if ((v = param(io, "HTTP_IF_NONE_MATCH")) != NULL &&
	    (strlen(v) > SCIM_MAX_QUERY || (req->rq_ifnonematch = strdup(v)) ==
	    NULL))
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "If-None-Match too long");

	/* RFC 3875 §4.1.2: CONTENT_LENGTH is a decimal byte count. */
	if ((v = param(io, "CONTENT_LENGTH")) != NULL && *v != '\0' &&
	    util_strtonum(v, 0, 0x7fffffffffffffffLL, &clen) == -1)
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "invalid Content-Length");
	if ((unsigned long long)clen > maxbody)
		return scim_fail(resp, SCIM_ETOOLARGE,
		    "request body larger than %zu bytes", maxbody);
	if (clen > 0 && (v = param(io, "CONTENT_TYPE")) != NULL && *v != '\0') {
		if (!json_type(v))
			return scim_fail(resp, SCIM_EMEDIATYPE, NULL);
		req->rq_json = 1;
	}
	if ((req->rq_body = malloc((size_t)clen + 1)) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	for (got = 0; got < (size_t)clen; got += (size_t)n) {
		n = io->io_read(io->io_ctx, req->rq_body + got,
		    (size_t)clen - got);
		if (n <= 0)
			return scim_fail(resp, SCIM_EINVALSYNTAX,
			    "request body shorter than Content-Length");
	}
	req->rq_body[got] = '\0';
	req->rq_bodylen = got;
	return SCIM_OK;
}

/* The opaque part of an entity tag: W/"x" and "x" both give x. */
static const char *
etag_opaque(const char *t, size_t *len)
{
	const char	*end;

	while (*t == ' ' || *t == '\t')
		t++;
	if (strncmp(t, "W/", 2) == 0)
		t += 2;
	if (*t != '"' || (end = strchr(t + 1, '"')) == NULL)
		return NULL;
	*len = (size_t)(end - t - 1);
	return t + 1;
}

int
http_etag_listed(const char *list, const char *etag)
{
	const char	*want, *p, *got;
	size_t		 wl, gl;

	if ((want = etag_opaque(etag, &wl)) == NULL)
		return 0;
	for (p = list; *p != '\0'; ) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if ((got = etag_opaque(p, &gl)) == NULL)
			return 0;
		if (gl == wl && memcmp(got, want, wl) == 0)
			return 1;
		p = got + gl + 1;
	}
	return 0;
}

void
http_request_free(struct scim_req *req)
{
	free(req->rq_ifmatch);
	free(req->rq_ifnonematch);
	free(req->rq_path);
	free(req->rq_query);
	if (req->rq_auth != NULL) {
		util_bzero(req->rq_auth, strlen(req->rq_auth));
		free(req->rq_auth);
	}
	free(req->rq_body);
	memset(req, 0, sizeof(*req));
}

void
http_response_json(struct scim_resp *resp, int status, char *json)
{
	free(resp->rp_body);
	resp->rp_status = status;
	resp->rp_body = json;
	resp->rp_len = json != NULL ? strlen(json) : 0;
}

/*
 * Append the strings up to a NULL (a header line's parts) to head; -1
 * when they do not fit.  No printf: a response head is made for every
 * request.
 */
#define HEAD_END	((const char *)NULL)	/* head_add()'s last argument */
static int
head_add(char *head, size_t size, size_t *n, ...)
{
	va_list		 ap;
	const char	*s;
	size_t		 len;
	int		 rc = 0;

	va_start(ap, n);
	while ((s = va_arg(ap, const char *)) != NULL) {
		len = strlen(s);
		if (len >= size - *n) {
			rc = -1;
			break;
		}
		memcpy(head + *n, s, len);
		*n += len;
	}
	va_end(ap);
	head[*n < size ? *n : size - 1] = '\0';
	return rc;
}

/* The status line and headers; with a length unless streamed. */
static int
response_head(const struct scim_resp *resp, int streamed, char *head,
    size_t size, size_t *np)
{
	size_t		 n = 0;
	char		 status[24], len[24], retry[24];
	const char	*ctype = resp->rp_ctype != NULL ? resp->rp_ctype :
			    "application/scim+json; charset=utf-8";

	util_utoa((unsigned)resp->rp_status, status);
	util_utoa(resp->rp_len, len);
	util_utoa(resp->rp_retry > 0 ? (unsigned)resp->rp_retry : 0, retry);
	if (head_add(head, size, &n, "Status: ", status, " ",
	    scim_status_reason(resp->rp_status), "\r\n", HEAD_END) == -1)
		return -1;
	if (streamed && head_add(head, size, &n, "Content-Type: ", ctype,
	    "\r\n", HEAD_END) == -1)
		return -1;
	if (!streamed && resp->rp_body != NULL && head_add(head, size, &n,
	    "Content-Type: ", ctype, "\r\nContent-Length: ", len, "\r\n",
	    HEAD_END) == -1)
		return -1;
	/*
	 * The console: its own script and style only, nothing inline,
	 * no other origin, never in a frame; cookies set by admin.c.
	 */
	if (resp->rp_console && head_add(head, size, &n,
	    "Content-Security-Policy: default-src 'none'; script-src 'self'; "
	    "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
	    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\n"
	    "X-Frame-Options: DENY\r\n", HEAD_END) == -1)
		return -1;
	if (resp->rp_cookie[0] != '\0' && head_add(head, size, &n,
	    "Set-Cookie: ", resp->rp_cookie, "\r\n", HEAD_END) == -1)
		return -1;
	/* Each optional header is bounded well below the buffer. */
	if (resp->rp_location != NULL &&
	    strlen(resp->rp_location) < SCIM_MAX_BASEURL + 64 &&
	    head_add(head, size, &n, "Location: ", resp->rp_location, "\r\n",
	    HEAD_END) == -1)
		return -1;
	if (resp->rp_auth && !resp->rp_console && head_add(head, size, &n,
	    "WWW-Authenticate: Bearer realm=\"scimlet\"\r\n", HEAD_END) == -1)
		return -1;
	/* rp_scope is a constant name: "provision". */
	if (resp->rp_scope != NULL && resp->rp_status == 403 &&
	    head_add(head, size, &n, "WWW-Authenticate: Bearer "
	    "error=\"insufficient_scope\", scope=\"", resp->rp_scope,
	    "\"\r\n", HEAD_END) == -1)
		return -1;
	if (resp->rp_reqid[0] != '\0' && head_add(head, size, &n,
	    "X-Request-Id: ", resp->rp_reqid, "\r\n", HEAD_END) == -1)
		return -1;
	if (resp->rp_etag[0] != '\0' && head_add(head, size, &n,
	    "ETag: ", resp->rp_etag, "\r\n", HEAD_END) == -1)
		return -1;
	if (resp->rp_allow[0] != '\0' && head_add(head, size, &n,
	    "Allow: ", resp->rp_allow, "\r\n", HEAD_END) == -1)
		return -1;
	if (resp->rp_retry > 0 && head_add(head, size, &n,
	    "Retry-After: ", retry, "\r\n", HEAD_END) == -1)
		return -1;
	if (head_add(head, size, &n,
	    "Cache-Control: no-store\r\n\r\n", HEAD_END) == -1)
		return -1;
	*np = n;
	return 0;
}

int
http_response_write(const struct http_io *io, const struct scim_resp *resp)
{
	char	head[2048];
	size_t	n = 0;

	if (response_head(resp, 0, head, sizeof(head), &n) == -1)
		return -1;
	if (io->io_write(io->io_ctx, head, n) == -1)
		return -1;
	if (!resp->rp_head && resp->rp_body != NULL && resp->rp_len > 0 &&
	    io->io_write(io->io_ctx, resp->rp_body, resp->rp_len) == -1)
		return -1;
	return 0;
}

int
http_response_start(const struct http_io *io, struct scim_resp *resp)
{
	char	head[2048];
	size_t	n = 0;

	if (response_head(resp, 1, head, sizeof(head), &n) == -1 ||
	    io->io_write(io->io_ctx, head, n) == -1)
		return -1;
	resp->rp_sent = 1;
	resp->rp_len = 0;
	return 0;
}

void
http_response_drop(struct scim_resp *resp)
{
	free(resp->rp_body);
	resp->rp_body = NULL;
	resp->rp_len = 0;
	free(resp->rp_location);
	resp->rp_location = NULL;
	resp->rp_etag[0] = '\0';
	resp->rp_status = 0;
}

void
http_response_free(struct scim_resp *resp)
{
	free(resp->rp_body);
	free(resp->rp_location);
	memset(resp, 0, sizeof(*resp));
}
