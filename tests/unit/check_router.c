/*
 * check_router.c: router_dispatch() with a real store and context: the
 * endpoint table, 404 and 405 with its Allow header, HEAD, .search, case
 * and trailing slashes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "http.h"
#include "router.h"
#include "scim_error.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static struct ctx	cx;

/*
 * Dispatch method path (with body, or NULL).  Returns the error, or
 * SCIM_OK with the status in *status; resp is left for the caller to
 * inspect and free.
 */
static enum scim_err
call(enum http_method m, const char *path, const char *body,
    struct scim_resp *resp)
{
	struct scim_req	req;
	char		pathbuf[8192], bodybuf[1024];

	memset(&req, 0, sizeof(req));
	memset(resp, 0, sizeof(*resp));
	util_strlcpy(pathbuf, path, sizeof(pathbuf));
	req.rq_method = m;
	req.rq_path = pathbuf;
	if (body != NULL) {
		util_strlcpy(bodybuf, body, sizeof(bodybuf));
		req.rq_body = bodybuf;
		req.rq_bodylen = strlen(bodybuf);
		req.rq_json = 1;
	}
	util_strlcpy(req.rq_base, "https://scim.example/t", sizeof(req.rq_base));
	req.rq_cx = &cx;
	return router_dispatch(&req, resp);
}

/* The status a dispatch answers with (an error's, or the handler's). */
static int
status(enum http_method m, const char *path, const char *body,
    struct scim_resp *resp)
{
	enum scim_err	e = call(m, path, body, resp);

	return e != SCIM_OK ? scim_err_status(e) : resp->rp_status;
}

/* The router's own 404. */
static void
no_endpoint(enum http_method m, const char *path, const char *name)
{
	struct scim_resp	resp;
	enum scim_err		e;

	e = call(m, path, NULL, &resp);
	if (!ok(e == SCIM_ENOTFOUND && strcmp(scim_detail(&resp, e),
	    "no such endpoint") == 0 && resp.rp_allow[0] == '\0', "404: %s",
	    name))
		tap_diag("got %d: %s", e, scim_detail(&resp, e));
	http_response_free(&resp);
}

static void
not_allowed(enum http_method m, const char *path, const char *allow)
{
	struct scim_resp	resp;
	enum scim_err		e;

	e = call(m, path, NULL, &resp);
	ok(e == SCIM_EMETHOD && scim_err_status(e) == 405,
	    "405: method %d on %s", (int)m, path);
	is_str(resp.rp_allow, allow, "  Allow");
	http_response_free(&resp);
}

static void
answers(enum http_method m, const char *path, const char *body, int want,
    const char *name)
{
	struct scim_resp	resp;
	int			got;

	got = status(m, path, body, &resp);
	if (!is_int(got, want, name))
		tap_diag("detail: %s", resp.rp_detail);
	http_response_free(&resp);
}

int
main(void)
{
	struct store		*st;
	struct store_txn	*tx;
	struct tenant		 t;
	struct scim_resp	 r1, r2;
	char			 dir[] = "/tmp/check_router.XXXXXX", err[256];
	char			 cmd[128], path[SCIM_MAX_PATH + 64];
	enum scim_err		 e;

	if (mkdtemp(dir) == NULL ||
	    store_open(dir, STORE_CREATE, &st, err, sizeof(err)) != SCIM_OK)
		return 1;
	store_begin(st, 1, &tx);
	store_tenant_add(tx, "acme", "2026-01-01T00:00:00.000Z", &t);
	store_commit(&tx);
	if (ctx_open(&cx, st, NULL, "acme", "tok", "req", "127.0.0.1",
	    "check_router") != SCIM_OK)
		return 1;

	/* The table. */
	answers(HTTP_GET, "/Users", NULL, 200, "GET /Users lists");
	answers(HTTP_POST, "/Users", "{\"userName\":\"ann\"}", 201,
	    "POST /Users creates");
	answers(HTTP_GET, "/Groups", NULL, 200, "GET /Groups lists");
	answers(HTTP_POST, "/Groups", "{\"displayName\":\"G\"}", 201,
	    "POST /Groups creates");
	answers(HTTP_GET, "/ServiceProviderConfig", NULL, 200,
	    "GET /ServiceProviderConfig");
	answers(HTTP_GET, "/Schemas", NULL, 200, "GET /Schemas");
	answers(HTTP_GET, "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
	    NULL, 200, "GET /Schemas/URN");
	answers(HTTP_GET, "/ResourceTypes", NULL, 200, "GET /ResourceTypes");
	answers(HTTP_GET, "/ResourceTypes/Group", NULL, 200,
	    "GET /ResourceTypes/Group");
	e = call(HTTP_GET, "/Users/5b4a0c1e-8f6d-4a57-9c2e-3d1f0b7a6e54", NULL,
	    &r1);
	ok(e == SCIM_ENOTFOUND && strcmp(scim_detail(&r1, e),
	    "no such endpoint") != 0, "GET /Users/ID reaches the resource "
	    "(its own 404: %s)", scim_detail(&r1, e));
	http_response_free(&r1);
	e = call(HTTP_DELETE, "/Groups/5b4a0c1e-8f6d-4a57-9c2e-3d1f0b7a6e54",
	    NULL, &r1);
	ok(e == SCIM_ENOTFOUND && strcmp(scim_detail(&r1, e),
	    "no such endpoint") != 0, "DELETE /Groups/ID reaches the resource");
	http_response_free(&r1);

	/* HEAD is GET. */
	answers(HTTP_HEAD, "/Users", NULL, 200, "HEAD /Users");
	answers(HTTP_HEAD, "/ServiceProviderConfig", NULL, 200,
	    "HEAD /ServiceProviderConfig");
	e = call(HTTP_HEAD, "/Users/5b4a0c1e-8f6d-4a57-9c2e-3d1f0b7a6e54",
	    NULL, &r1);
	ok(e == SCIM_ENOTFOUND && strcmp(scim_detail(&r1, e),
	    "no such endpoint") != 0, "HEAD /Users/ID is GET /Users/ID");
	http_response_free(&r1);

	/* Case and trailing slashes. */
	answers(HTTP_GET, "/users", NULL, 200, "/users");
	answers(HTTP_GET, "/USERS/", NULL, 200, "/USERS/: a trailing slash");
	answers(HTTP_GET, "/serviceproviderconfig", NULL, 200,
	    "/serviceproviderconfig");
	answers(HTTP_GET, "/sChEmAs/", NULL, 200, "/sChEmAs/");
	answers(HTTP_GET, "/resourcetypes/User/", NULL, 200,
	    "/resourcetypes/User/");

	/* The alias Microsoft's suite calls. */
	call(HTTP_GET, "/ServiceProviderConfig", NULL, &r1);
	call(HTTP_GET, "/serviceConfiguration", NULL, &r2);
	ok(r2.rp_status == 200 && r1.rp_body != NULL && r2.rp_body != NULL &&
	    strcmp(r1.rp_body, r2.rp_body) == 0,
	    "/serviceConfiguration is /ServiceProviderConfig");
	http_response_free(&r1);
	http_response_free(&r2);
	answers(HTTP_GET, "/SERVICECONFIGURATION", NULL, 200,
	    "/SERVICECONFIGURATION");
	not_allowed(HTTP_POST, "/serviceConfiguration", "GET, HEAD");

	/* Unknown paths. */
	no_endpoint(HTTP_GET, "", "an empty path");
	no_endpoint(HTTP_GET, "/", "/");
	no_endpoint(HTTP_GET, "Users", "no leading slash");
	no_endpoint(HTTP_GET, "/Foo", "/Foo");
	no_endpoint(HTTP_POST, "/Foo", "POST /Foo");
	no_endpoint(HTTP_GET, "/Foo/1", "/Foo/1");
	no_endpoint(HTTP_GET, "/User", "/User");
	no_endpoint(HTTP_GET, "/Users/a/b", "/Users/a/b");
	no_endpoint(HTTP_GET, "/Users//", "/Users//: one slash only is "
	    "tolerated");
	no_endpoint(HTTP_GET, "//Users", "//Users");
	no_endpoint(HTTP_GET, "/Users/x//", "/Users/x//");
	no_endpoint(HTTP_GET, "/ServiceProviderConfig/x", "the configuration "
	    "has no id");
	no_endpoint(HTTP_DELETE, "/ServiceProviderConfig/x",
	    "nor for another method");
	no_endpoint(HTTP_GET, "/Bulk/x", "/Bulk/x (Bulk takes no id)");
	no_endpoint(HTTP_GET, "/Me", "/Me (not supported)");
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	memcpy(path, "/Users/", 7);
	no_endpoint(HTTP_GET, path, "a PATH_INFO over SCIM_MAX_PATH");
	path[SCIM_MAX_PATH + 2] = '\0';
	no_endpoint(HTTP_GET, path, "one of SCIM_MAX_PATH + 2 bytes");

	/* Known paths, other methods: 405 with Allow. */
	not_allowed(HTTP_DELETE, "/Users", "GET, POST, HEAD");
	not_allowed(HTTP_PUT, "/Users/", "GET, POST, HEAD");
	not_allowed(HTTP_PATCH, "/groups", "GET, POST, HEAD");
	not_allowed(HTTP_OTHER, "/Users", "GET, POST, HEAD");
	not_allowed(HTTP_POST, "/Users/x", "GET, PUT, PATCH, DELETE, HEAD");
	not_allowed(HTTP_POST, "/Groups/x/", "GET, PUT, PATCH, DELETE, HEAD");
	not_allowed(HTTP_PUT, "/ServiceProviderConfig", "GET, HEAD");
	not_allowed(HTTP_POST, "/Schemas", "GET, HEAD");
	not_allowed(HTTP_DELETE, "/Schemas/x", "GET, HEAD");
	not_allowed(HTTP_PATCH, "/ResourceTypes/User", "GET, HEAD");

	/* RFC 7644 §3.4.3: .search takes POST only. */
	answers(HTTP_POST, "/.search", "{}", 200, "POST /.search");
	answers(HTTP_POST, "/Users/.search", "{\"filter\":\"userName eq "
	    "\\\"ann\\\"\"}", 200, "POST /Users/.search");
	call(HTTP_POST, "/Users/.search", "{\"filter\":\"userName eq "
	    "\\\"ann\\\"\"}", &r1);
	ok(r1.rp_body != NULL && strstr(r1.rp_body, "\"totalResults\":1") !=
	    NULL, "and finds the user");
	http_response_free(&r1);
	answers(HTTP_POST, "/Groups/.search", "{}", 200, "POST /Groups/.search");
	answers(HTTP_POST, "/groups/.search/", "{}", 200,
	    "POST /groups/.search/: case, trailing slash");
	not_allowed(HTTP_GET, "/.search", "POST");
	not_allowed(HTTP_HEAD, "/.search", "POST");
	not_allowed(HTTP_GET, "/Users/.search", "POST");
	not_allowed(HTTP_PUT, "/Groups/.search", "POST");
	no_endpoint(HTTP_POST, "/Foo/.search", "POST /Foo/.search");
	no_endpoint(HTTP_POST, "/ServiceProviderConfig/.search",
	    "POST /ServiceProviderConfig/.search");
	no_endpoint(HTTP_POST, "/.search/x", "POST /.search/x");

	ctx_close(&cx);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", dir);
	return tap_done();
}
