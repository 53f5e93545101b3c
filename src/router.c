/*
 * router.c: an exact table of endpoints.  PATH_INFO is "/Endpoint" or
 * "/Endpoint/ID" (one trailing slash tolerated); endpoint names match
 * without regard to case.  Anything else is 404; a known path with a
 * method it does not take is 405 with an Allow header.  HEAD is served
 * wherever GET is, as GET without the body (RFC 9110 §9.3.2).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bulk.h"
#include "ctx.h"
#include "discovery.h"
#include "feed.h"
#include "groups.h"
#include "http.h"
#include "list.h"
#include "resource.h"
#include "router.h"
#include "schema.h"
#include "scim_error.h"
#include "users.h"
#include "util.h"

#define M(m)	(1u << (m))

typedef enum scim_err (*handler_fn)(struct scim_req *, struct scim_resp *,
		    const char *id);

static enum scim_err
users_list(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	(void)id;
	return list_get(req, resp, ctx_schema(req->rq_cx, RES_USER));
}

static enum scim_err
users_post(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	(void)id;
	return users_create(req, resp);
}

static enum scim_err
users_get(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	return resource_get(req, resp, ctx_schema(req->rq_cx, RES_USER), id);
}

static enum scim_err
users_put(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	return users_replace(req, resp, id);
}

static enum scim_err
users_patch_fn(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	return users_patch(req, resp, id);
}

static enum scim_err
users_delete(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	return resource_delete(req, resp, ctx_schema(req->rq_cx, RES_USER), id);
}

static enum scim_err
groups_list(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	(void)id;
	return list_get(req, resp, ctx_schema(req->rq_cx, RES_GROUP));
}

static enum scim_err
groups_get(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	return resource_get(req, resp, ctx_schema(req->rq_cx, RES_GROUP), id);
}

static enum scim_err
groups_post(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	(void)id;
	return groups_create(req, resp);
}

static enum scim_err
groups_put(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	return groups_replace(req, resp, id);
}

static enum scim_err
groups_patch_fn(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	return groups_patch(req, resp, id);
}

static enum scim_err
groups_delete(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	return resource_delete(req, resp, ctx_schema(req->rq_cx, RES_GROUP), id);
}

static enum scim_err
spc(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	(void)id;
	return discovery_spc(req, resp);
}

static enum scim_err
schemas(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	return discovery_schemas(req, resp, id);
}

static enum scim_err
types(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	return discovery_types(req, resp, id);
}

static enum scim_err
changes(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	(void)id;
	return feed_get(req, resp);
}

static enum scim_err
bulk(struct scim_req *req, struct scim_resp *resp, const char *id)
{
	(void)id;
	return bulk_post(req, resp);
}

static const struct route {
	const char	*rt_endpoint;
	int		 rt_withid;	/* /Endpoint/ID */
	unsigned int	 rt_method;	/* one HTTP_* bit */
	handler_fn	 rt_fn;
} routes[] = {
	{ "Users", 0, M(HTTP_GET), users_list },
	{ "Users", 0, M(HTTP_POST), users_post },
	{ "Users", 1, M(HTTP_GET), users_get },
	{ "Users", 1, M(HTTP_PUT), users_put },
	{ "Users", 1, M(HTTP_PATCH), users_patch_fn },
	{ "Users", 1, M(HTTP_DELETE), users_delete },
	{ "Groups", 0, M(HTTP_GET), groups_list },
	{ "Groups", 0, M(HTTP_POST), groups_post },
	{ "Groups", 1, M(HTTP_GET), groups_get },
	{ "Groups", 1, M(HTTP_PUT), groups_put },
	{ "Groups", 1, M(HTTP_PATCH), groups_patch_fn },
	{ "Groups", 1, M(HTTP_DELETE), groups_delete },
	{ "ServiceProviderConfig", 0, M(HTTP_GET), spc },
	/* Microsoft's test suite calls this name. */
	{ "serviceConfiguration", 0, M(HTTP_GET), spc },
	{ "Schemas", 0, M(HTTP_GET), schemas },
	{ "Schemas", 1, M(HTTP_GET), schemas },
	{ "ResourceTypes", 0, M(HTTP_GET), types },
	{ "ResourceTypes", 1, M(HTTP_GET), types },
	/* Not a resource type: a dotted name cannot be one. */
	{ ".changes", 0, M(HTTP_GET), changes },
	/* RFC 7644 §3.7; an operation of it is never one itself. */
	{ "Bulk", 0, M(HTTP_POST), bulk },
};

static const char *const method_names[] = {
	[HTTP_GET] = "GET", [HTTP_POST] = "POST", [HTTP_PUT] = "PUT",
	[HTTP_PATCH] = "PATCH", [HTTP_DELETE] = "DELETE", [HTTP_HEAD] = "HEAD"
};

/* The Allow header for methods (HEAD wherever GET is). */
static void
allow_header(unsigned int methods, struct scim_resp *resp)
{
	size_t	i, n = 0;
	int	w;

	if (methods & M(HTTP_GET))
		methods |= M(HTTP_HEAD);
	resp->rp_allow[0] = '\0';
	for (i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
		if (!(methods & M(i)))
			continue;
		w = snprintf(resp->rp_allow + n, sizeof(resp->rp_allow) - n,
		    "%s%s", n > 0 ? ", " : "", method_names[i]);
		if (w < 0 || (size_t)w >= sizeof(resp->rp_allow) - n)
			break;		/* six short names always fit */
		n += (size_t)w;
	}
}

/*
 * May the request's token do this?  A read token (auth.h) may GET and
 * HEAD anything and POST a search (RFC 7644 §3.4.3); any other method
 * needs provision, refused here, before a handler could begin a write
 * transaction: 403 with WWW-Authenticate error="insufficient_scope" and
 * the scope it needs (RFC 6750 §3.1).
 */
static enum scim_err
scope_check(const struct scim_req *req, struct scim_resp *resp, int search)
{
	if (req->rq_cx == NULL || req->rq_cx->cx_scope != AUTH_SCOPE_READ ||
	    req->rq_method == HTTP_GET || req->rq_method == HTTP_HEAD ||
	    (search && req->rq_method == HTTP_POST))
		return SCIM_OK;
	resp->rp_scope = auth_scope_name(AUTH_SCOPE_PROVISION);
	return scim_fail(resp, SCIM_EFORBIDDEN, "this token is read-only: "
	    "%s needs a token of scope \"%s\"",
	    (size_t)req->rq_method < sizeof(method_names) /
	    sizeof(method_names[0]) ? method_names[req->rq_method] :
	    "this method",
	    auth_scope_name(AUTH_SCOPE_PROVISION));
}

enum scim_err
router_dispatch(struct scim_req *req, struct scim_resp *resp)
{
	char		 path[SCIM_MAX_PATH + 2], *ep, *id, *slash;
	unsigned int	 methods = 0, want;
	size_t		 i, n;
	int		 withid;
	enum scim_err	 e;

	if (util_strlcpy(path, req->rq_path, sizeof(path)) >= sizeof(path))
		return scim_fail(resp, SCIM_ENOTFOUND, "no such endpoint");
	n = strlen(path);
	if (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	if (path[0] != '/')
		return scim_fail(resp, SCIM_ENOTFOUND, "no such endpoint");
	ep = path + 1;
	id = NULL;
	if ((slash = strchr(ep, '/')) != NULL) {
		*slash = '\0';
		id = slash + 1;
		if (*id == '\0' || strchr(id, '/') != NULL)
			return scim_fail(resp, SCIM_ENOTFOUND,
			    "no such endpoint");
	}
	if ((e = scope_check(req, resp, (id != NULL && strcmp(id, ".search") ==
	    0) || strcmp(ep, ".search") == 0)) != SCIM_OK)
		return e;
	/* RFC 7644 §3.4.3: POST /.search, /Users/.search, /Groups/.search */
	if ((id != NULL && strcmp(id, ".search") == 0) ||
	    strcmp(ep, ".search") == 0) {
		const struct schema *sc = NULL;
		if (id != NULL && util_strcaseeq(ep, "Users"))
			sc = ctx_schema(req->rq_cx, RES_USER);
		else if (id != NULL && util_strcaseeq(ep, "Groups"))
			sc = ctx_schema(req->rq_cx, RES_GROUP);
		else if (id != NULL)
			return scim_fail(resp, SCIM_ENOTFOUND,
			    "no such endpoint");
		if (req->rq_method != HTTP_POST) {
			allow_header(M(HTTP_POST), resp);
			return scim_fail(resp, SCIM_EMETHOD,
			    ".search takes POST");
		}
		return list_search(req, resp, sc);
	}
	withid = id != NULL;
	/* HEAD is GET; the response goes without its body. */
	want = M(req->rq_method == HTTP_HEAD ? HTTP_GET : req->rq_method);
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (routes[i].rt_withid != withid ||
		    !util_strcaseeq(routes[i].rt_endpoint, ep))
			continue;
		if (routes[i].rt_method & want)
			return routes[i].rt_fn(req, resp, id);
		methods |= routes[i].rt_method;
	}
	if (methods == 0)
		return scim_fail(resp, SCIM_ENOTFOUND, "no such endpoint");
	allow_header(methods, resp);
	return scim_fail(resp, SCIM_EMETHOD, "method not allowed here");
}
