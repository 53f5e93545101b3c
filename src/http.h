/*
 * http.h: the transport.  Decodes one CGI/FastCGI request (parameters,
 * query string, bounded body) into struct scim_req and writes struct
 * scim_resp back.  main.c supplies the I/O functions (libfcgi or stdio),
 * so CGI mode, FastCGI mode and the unit tests share this code.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

#include "scim.h"

enum http_method {
	HTTP_GET,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_HEAD,	/* answered as GET, without the body (RFC 9110 §9.3.2) */
	HTTP_OTHER
};

struct http_io {
	/* A CGI parameter or NULL.  Borrowed until the request ends. */
	const char	*(*io_param)(void *ctx, const char *name);
	/* Up to len bytes; returns bytes read, 0 at end, -1 on error. */
	long		 (*io_read)(void *ctx, char *buf, size_t len);
	/* All len bytes; returns 0 or -1. */
	int		 (*io_write)(void *ctx, const char *buf, size_t len);
	void		*io_ctx;
};

struct ctx;
struct store_txn;

struct scim_req {
	enum http_method rq_method;
	char		*rq_path;	/* PATH_INFO, as given */
	char		*rq_query;	/* QUERY_STRING, raw */
	char		*rq_auth;	/* Authorization, or NULL */
	char		*rq_body;	/* NUL-terminated, or NULL */
	size_t		 rq_bodylen;
	int		 rq_json;	/* Content-Type is a JSON type */
	char		*rq_ifmatch;	/* If-Match, or NULL */
	char		*rq_ifnonematch; /* If-None-Match, or NULL */
	char		 rq_base[SCIM_MAX_BASEURL]; /* scheme://host/mount */
	/* The request context (ctx.h), set by main.c after authentication. */
	struct ctx	*rq_cx;
	/* Where a response too large to hold may be written in parts while
	 * it is made (emit.c: a large group's members); NULL: never. */
	const struct http_io *rq_io;
	/* The largest body the worker reads (SCIMLET_MAX_BODY). */
	size_t		 rq_maxbody;
	/*
	 * An operation of a Bulk request (src/bulk.h): the Bulk's write
	 * transaction, which resource_txn() nests the operation's in;
	 * NULL: a request of its own, which begins its own.
	 */
	struct store_txn *rq_parent;
};

struct scim_resp {
	int		 rp_status;	/* 0 until a handler answers */
	char		*rp_body;	/* owned, or NULL */
	size_t		 rp_len;
	char		*rp_location;	/* owned, or NULL */
	char		 rp_allow[64];	/* Allow header for 405, or "" */
	int		 rp_retry;	/* Retry-After seconds, or 0 */
	char		 rp_etag[48];	/* ETag header, or "" */
	char		 rp_reqid[20];	/* X-Request-Id header, or "" */
	int		 rp_auth;	/* add WWW-Authenticate: Bearer */
	/* A 403 for want of this scope (RFC 6750 §3.1), or NULL. */
	const char	*rp_scope;
	int		 rp_head;	/* HEAD: headers only */
	/* The console's mount (admin.h): the body's type when not SCIM
	 * JSON (a constant), a Set-Cookie value, and the console's
	 * security headers (Content-Security-Policy...). */
	const char	*rp_ctype;
	char		 rp_cookie[256];
	int		 rp_console;
	/* Written already, in parts, by the handler (http_response_start()):
	 * rp_len counts the bytes; main.c writes nothing more. */
	int		 rp_sent;
	/*
	 * The detail of an error, and the error it was written for
	 * (scim_error.h): the error itself travels only as the handler's
	 * return value.
	 */
	enum scim_err	 rp_detail_err;
	char		 rp_detail[SCIM_MAX_DETAIL];
};

/*
 * Decode the request.  maxbody bounds CONTENT_LENGTH: a larger body gives
 * SCIM_ETOOLARGE without reading it.  On error, resp carries the detail.
 * http_request_free() must be called in every case.
 */
enum scim_err	 http_request_read(const struct http_io *, size_t maxbody,
		    struct scim_req *, struct scim_resp *);
void		 http_request_free(struct scim_req *);

/*
 * The form-decoded value of query parameter name (matched without regard
 * to case) into out.  Returns 1 when found, 0 when absent, -1 when the
 * value is longer than outlen - 1 or holds a NUL byte.
 */
int		 http_query_get(const char *query, const char *name,
		    char *out, size_t outlen);

/* Write status line, headers and body (none for HEAD).  Returns 0 or -1. */
/*
 * Begin a response whose length is not known: status (rp_status) and
 * headers, no Content-Length (the web server frames it), then the
 * caller writes the body with io_write and adds to rp_len.  Sets
 * rp_sent.  Returns 0 or -1.
 */
int		 http_response_start(const struct http_io *, struct scim_resp *);
int		 http_response_write(const struct http_io *,
		    const struct scim_resp *);
void		 http_response_free(struct scim_resp *);
/* Forget a response made for a write that was then undone: body,
 * Location, ETag and status (the error's own detail is kept). */
void		 http_response_drop(struct scim_resp *);

/*
 * RFC 9110 §13.1.1 weak comparison: does the If-Match / If-None-Match
 * value list name etag (W/"x" and "x" alike), or is it "*"?
 */
int		 http_etag_listed(const char *list, const char *etag);

/* Give resp a body: consumes json (a cJSON print), sets status. */
void		 http_response_json(struct scim_resp *, int status,
		    char *json);

#endif /* HTTP_H */
