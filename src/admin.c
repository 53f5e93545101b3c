/*
 * admin.c: the console's mount (admin.h): its static files, sign-in,
 * sessions and the checks every API call passes before admin_api.c
 * answers it.
 *
 *	{mount}			301 to {mount}/
 *	{mount}/		the console's index.html
 *	{mount}/console/NAME	a file of the console's directory
 *	{mount}/api/session	POST sign in, GET who, DELETE sign out
 *	{mount}/api/...		admin_api.c, signed in only
 *
 * The console's directory is SCIMLET_CONSOLE, else where `make install`
 * puts www/console.  Every response of the mount carries the console's
 * security headers (http.c): its own script and style, nothing inline.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin_int.h"
#include "audit.h"
#include "ctx.h"
#include "json.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

#ifndef SCIMLET_CONSOLE_DIR
#define SCIMLET_CONSOLE_DIR	"/usr/local/share/scimlet/console"
#endif
#define FILE_MAX	(1024 * 1024)	/* a console file larger: refused */
/* Failed sign-ins from one address: 5 at once, then one each 30 s. */
#define SIGNIN_EVERY	(30ULL * 1000000)
#define SIGNIN_BURST	(5 * SIGNIN_EVERY)

int
admin_mounted(const struct http_io *io)
{
	const char	*v = io->io_param(io->io_ctx, "SCIMLET_MOUNT");

	return v != NULL && strcmp(v, "admin") == 0;
}

enum scim_err
admin_json(struct admin_call *ac, int status, cJSON *o)
{
	char	*s;

	if (o == NULL || (s = cJSON_PrintUnformatted(o)) == NULL) {
		cJSON_Delete(o);
		return SCIM_ENOMEM;
	}
	cJSON_Delete(o);
	http_response_json(ac->ac_resp, status, s);
	ac->ac_resp->rp_ctype = "application/json; charset=utf-8";
	return SCIM_OK;
}

enum scim_err
admin_body(struct admin_call *ac, cJSON **o)
{
	struct scim_req	*req = ac->ac_req;
	enum scim_err	 e;

	*o = NULL;
	if (req->rq_body == NULL || req->rq_bodylen == 0)
		return scim_fail(ac->ac_resp, SCIM_EINVALSYNTAX,
		    "a JSON object body is required");
	if ((e = json_parse_body(req->rq_body, req->rq_bodylen, o,
	    ac->ac_resp)) != SCIM_OK)
		return e;
	if (!cJSON_IsObject(*o)) {
		cJSON_Delete(*o);
		*o = NULL;
		return scim_fail(ac->ac_resp, SCIM_EINVALSYNTAX,
		    "the body must be a JSON object");
	}
	return SCIM_OK;
}

enum scim_err
admin_tenant(struct admin_call *ac, struct store_txn *tx, const char *name,
    struct tenant *t)
{
	enum scim_err	e;

	/* Another tenant's name reads as one that does not exist. */
	if (name == NULL || (ac->ac_who.aw_role == ADMIN_TENANT &&
	    strcmp(name, ac->ac_who.aw_tenant) != 0))
		return scim_fail(ac->ac_resp, SCIM_ENOTFOUND,
		    "no such tenant");
	if ((e = store_tenant_get(tx, name, t)) == SCIM_ENOTFOUND)
		return scim_fail(ac->ac_resp, SCIM_ENOTFOUND,
		    "no such tenant");
	return e;
}

void
admin_actor(const struct admin_call *ac, struct admin_actor *aa)
{
	util_hex(ac->ac_rid, 8, aa->aa_reqid);
	snprintf(aa->aa_agent, sizeof(aa->aa_agent), "scimlet console (%s %s)",
	    admin_role_name(ac->ac_who.aw_role), ac->ac_who.aw_cred);
	aa->aa_da.da_token = "console";
	aa->aa_da.da_request = aa->aa_reqid;
	aa->aa_da.da_client = ac->ac_client != NULL ? ac->ac_client : "";
	aa->aa_da.da_agent = aa->aa_agent;
}

enum scim_err
admin_audit(struct admin_call *ac, struct store_txn *tx, const char *tenant,
    const char *action, const char *type, const char *id, cJSON *detail)
{
	struct admin_actor	aa;
	struct ctx		cx;
	enum scim_err		e;

	admin_actor(ac, &aa);
	if ((e = ctx_open(&cx, ac->ac_store, tx, tenant, aa.aa_da.da_token,
	    aa.aa_da.da_request, aa.aa_da.da_client, aa.aa_da.da_agent)) ==
	    SCIM_OK)
		e = audit_record(tx, &cx, action, type, id, NULL, NULL,
		    detail);
	else
		cJSON_Delete(detail);
	ctx_close(&cx);
	return e;
}

/* The content type of a console file's name; NULL: not one we serve. */
static const char *
file_type(const char *name)
{
	static const struct {
		const char	*ext;
		const char	*type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
	};
	const char	*p, *dot = NULL;
	size_t		 i;

	/* [a-z0-9][a-z0-9._-]*: no path, no hidden file, no "..". */
	if (!((*name >= 'a' && *name <= 'z') || (*name >= '0' &&
	    *name <= '9')) || strlen(name) > 64)
		return NULL;
	for (p = name; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '_' || *p == '-'))
			return NULL;
		if (*p == '.') {
			if (p[1] == '.')
				return NULL;
			dot = p;
		}
	}
	for (i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

/* Serve the console's file name. */
static enum scim_err
serve_file(struct admin_call *ac, const char *name)
{
	struct scim_resp	*resp = ac->ac_resp;
	const char		*dir, *type;
	char			 path[1024], *buf = NULL;
	struct stat		 sb;
	ssize_t			 n;
	size_t			 got = 0;
	int			 fd = -1;
	enum scim_err		 e = SCIM_OK;

	if (ac->ac_req->rq_method != HTTP_GET &&
	    ac->ac_req->rq_method != HTTP_HEAD) {
		util_strlcpy(resp->rp_allow, "GET, HEAD",
		    sizeof(resp->rp_allow));
		return scim_fail(resp, SCIM_EMETHOD, "the console's files "
		    "are read with GET");
	}
	if ((type = file_type(name)) == NULL)
		return scim_fail(resp, SCIM_ENOTFOUND, "no such file");
	if ((dir = getenv("SCIMLET_CONSOLE")) == NULL || *dir == '\0')
		dir = SCIMLET_CONSOLE_DIR;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return scim_fail(resp, SCIM_ECONFIG, "SCIMLET_CONSOLE is "
		    "too long");
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT && strcmp(name, "index.html") == 0)
			return scim_fail(resp, SCIM_ECONFIG, "the console is "
			    "not installed: set SCIMLET_CONSOLE to its "
			    "directory (www/console)");
		return scim_fail(resp, SCIM_ENOTFOUND, "no such file");
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > FILE_MAX) {
		e = scim_fail(resp, SCIM_ENOTFOUND, "no such file");
		goto out;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		e = SCIM_ENOMEM;
		goto out;
	}
	while (got < (size_t)sb.st_size && (n = read(fd, buf + got,
	    (size_t)sb.st_size - got)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			e = scim_fail(resp, SCIM_ESTORE, "cannot read %s",
			    name);
			goto out;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	resp->rp_status = 200;
	resp->rp_body = buf;
	resp->rp_len = got;
	resp->rp_ctype = type;
	buf = NULL;
 out:
	free(buf);
	close(fd);
	return e;
}

/* The session cookie's value in the Cookie header, or NULL. */
static const char *
cookie_of(const char *hdr, char *out, size_t outlen)
{
	const char	*p = hdr, *v, *end;
	size_t		 nl = strlen(ADMIN_COOKIE), i;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		v = p + nl;
		if (strncmp(p, ADMIN_COOKIE, nl) == 0 && *v == '=') {
			v++;
			i = end != NULL ? (size_t)(end - v) : strlen(v);
			if (i != ADMIN_SECRET_LEN || i >= outlen)
				return NULL;
			memcpy(out, v, i);
			out[i] = '\0';
			for (i = 0; out[i] != '\0'; i++)
				if (!((out[i] >= 'a' && out[i] <= 'z') ||
				    (out[i] >= 'A' && out[i] <= 'Z') ||
				    (out[i] >= '0' && out[i] <= '9') ||
				    out[i] == '-' || out[i] == '_'))
					return NULL;
			return out;
		}
		p = end;
	}
	return NULL;
}

/* Set (secret) or clear (NULL) the session cookie. */
static void
set_cookie(struct admin_call *ac, const char *secret)
{
	struct scim_resp	*resp = ac->ac_resp;
	int			 https;

	https = strncmp(ac->ac_req->rq_base, "https:", 6) == 0;
	snprintf(resp->rp_cookie, sizeof(resp->rp_cookie),
	    "%s=%s; Path=%.100s; Max-Age=%d; HttpOnly; SameSite=Strict%s",
	    ADMIN_COOKIE, secret != NULL ? secret : "", ac->ac_mount,
	    secret != NULL ? ADMIN_SESSION_TTL : 0, https ? "; Secure" : "");
}

/*
 * The SCIM mount on this host: SCIMLET_SCIM_PATH, else /scim/v2 (every
 * sample's), after the origin the console was reached at.
 */
void
admin_tenant_url(const struct admin_call *ac, char *out, size_t len)
{
	const char	*scim = getenv("SCIMLET_SCIM_PATH");

	if (scim == NULL || *scim != '/' || strlen(scim) > 255)
		scim = "/scim/v2";
	snprintf(out, len, "%s%s", ac->ac_origin, scim);
}

/* The session as the console reads it. */
static enum scim_err
session_body(struct admin_call *ac, int status)
{
	const struct admin_who	*w = &ac->ac_who;
	char			 url[SCIM_MAX_BASEURL + 256];
	cJSON			*o;

	admin_tenant_url(ac, url, sizeof(url));
	if ((o = cJSON_CreateObject()) == NULL ||
	    json_add_string(o, "role", admin_role_name(w->aw_role)) == -1 ||
	    json_add(o, "tenant", w->aw_role == ADMIN_TENANT ?
	    cJSON_CreateString(w->aw_tenant) : cJSON_CreateNull()) == -1 ||
	    json_add(o, "label", w->aw_label[0] != '\0' ?
	    cJSON_CreateString(w->aw_label) : cJSON_CreateNull()) == -1 ||
	    json_add_string(o, "session", w->aw_session) == -1 ||
	    json_add_string(o, "csrf", w->aw_csrf) == -1 ||
	    json_add_string(o, "expires", w->aw_expires) == -1 ||
	    json_add_string(o, "tenantUrl", url) == -1) {
		cJSON_Delete(o);
		return SCIM_ENOMEM;
	}
	return admin_json(ac, status, o);
}

/*
 * Sign in: the credential for a session, in one write transaction with
 * its line in the admin log; a failure is logged too, and counted
 * against the client's address (SIGNIN_BURST, then one each
 * SIGNIN_EVERY): past that, refused before the credential is looked at.
 */
static enum scim_err
signin(struct admin_call *ac)
{
	struct store_txn	*tx = NULL;
	cJSON			*body = NULL;
	const char		*cred;
	char			 rname[96], secret[ADMIN_SECRET_LEN + 1];
	uint64_t		 now = util_now_us(), ahead = 0, wait;
	enum scim_err		 e;

	snprintf(rname, sizeof(rname), "signin:%.64s",
	    ac->ac_client != NULL ? ac->ac_client : "-");
	if (store_rate_level_name(ac->ac_store, rname, now, &ahead) ==
	    SCIM_OK && ahead + SIGNIN_EVERY > SIGNIN_BURST) {
		ac->ac_resp->rp_retry = (int)((ahead + SIGNIN_EVERY -
		    SIGNIN_BURST) / 1000000 + 1);
		return scim_fail(ac->ac_resp, SCIM_ERATE, "too many failed "
		    "sign-ins from this address: wait %d s",
		    ac->ac_resp->rp_retry);
	}
	if ((e = admin_body(ac, &body)) != SCIM_OK)
		return e;
	cred = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(body,
	    "credential"));
	if ((e = store_begin(ac->ac_store, 1, &tx)) != SCIM_OK)
		goto out;
	e = admin_signin(tx, cred, ac->ac_client, secret, &ac->ac_who);
	if (e == SCIM_EAUTH) {
		if ((e = admin_log(tx, ac->ac_rid, "sign-in failed", NULL,
		    NULL, ac->ac_client, "unknown or revoked credential")) ==
		    SCIM_OK && (e = store_commit(&tx)) == SCIM_OK) {
			store_rate_take_name(ac->ac_store, rname, now,
			    SIGNIN_EVERY, SIGNIN_BURST, 1, &wait);
			e = scim_fail(ac->ac_resp, SCIM_EAUTH,
			    "unknown or revoked credential");
		}
		goto out;
	}
	if (e != SCIM_OK ||
	    (e = admin_log(tx, ac->ac_rid, "sign-in", &ac->ac_who,
	    ac->ac_who.aw_role == ADMIN_TENANT ? ac->ac_who.aw_tenant : NULL,
	    ac->ac_client, NULL)) != SCIM_OK ||
	    (e = admin_session_each(tx, 1, NULL, NULL)) != SCIM_OK ||
	    (e = store_commit(&tx)) != SCIM_OK)
		goto out;
	set_cookie(ac, secret);
	e = session_body(ac, 200);
 out:
	store_abort(&tx);
	util_bzero(secret, sizeof(secret));
	cJSON_Delete(body);
	return e;
}

static enum scim_err
signout(struct admin_call *ac)
{
	struct store_txn	*tx = NULL;
	enum scim_err		 e;

	if ((e = store_begin(ac->ac_store, 1, &tx)) == SCIM_OK &&
	    (e = admin_signout(tx, ac->ac_secret)) == SCIM_OK &&
	    (e = admin_log(tx, ac->ac_rid, "sign-out", &ac->ac_who,
	    NULL, ac->ac_client, NULL)) == SCIM_OK &&
	    (e = store_commit(&tx)) == SCIM_OK) {
		set_cookie(ac, NULL);
		ac->ac_resp->rp_status = 204;
	}
	store_abort(&tx);
	return e;
}

/* Split path (after "/api/") into ac_seg. */
static int
split(struct admin_call *ac, const char *path)
{
	char	*p, *sl;

	if (util_strlcpy(ac->ac_path, path, sizeof(ac->ac_path)) >=
	    sizeof(ac->ac_path))
		return -1;
	ac->ac_nseg = 0;
	for (p = ac->ac_path; *p != '\0'; p = sl + 1) {
		if (ac->ac_nseg == ADMIN_SEGS)
			return -1;
		ac->ac_seg[ac->ac_nseg++] = p;
		if ((sl = strchr(p, '/')) == NULL)
			break;
		*sl = '\0';
		if (sl[1] == '\0')	/* one trailing slash */
			break;
	}
	return 0;
}

/* The API: session first, then signed-in calls only. */
static enum scim_err
api(struct admin_call *ac, const char *path)
{
	struct scim_resp	*resp = ac->ac_resp;
	struct store_txn	*tx = NULL;
	const struct http_io	*io = ac->ac_io;
	const char		*origin, *csrf;
	char			 cookie[ADMIN_SECRET_LEN + 1];
	enum http_method	 m = ac->ac_req->rq_method;
	int			 reads = m == HTTP_GET || m == HTTP_HEAD;
	enum scim_err		 e;

	if (split(ac, path) == -1 || ac->ac_nseg == 0)
		return scim_fail(resp, SCIM_ENOTFOUND, "no such endpoint");
	/* A browser says where a call comes from: only from here. */
	origin = io->io_param(io->io_ctx, "HTTP_ORIGIN");
	if (!reads && origin != NULL && strcmp(origin, ac->ac_origin) != 0)
		return scim_fail(resp, SCIM_EFORBIDDEN, "a call from another "
		    "origin is refused");
	ac->ac_secret = cookie_of(io->io_param(io->io_ctx, "HTTP_COOKIE"),
	    cookie, sizeof(cookie));
	if (ac->ac_nseg == 1 && strcmp(ac->ac_seg[0], "session") == 0 &&
	    m == HTTP_POST)
		return signin(ac);
	if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
		return e;
	e = admin_session_check(tx, ac->ac_secret, &ac->ac_who);
	store_abort(&tx);
	if (e == SCIM_EAUTH)
		return scim_fail(resp, SCIM_EAUTH, "not signed in, or the "
		    "session is over: sign in again");
	if (e != SCIM_OK)
		return e;
	csrf = io->io_param(io->io_ctx, "HTTP_X_SCIMLET_CSRF");
	if (!reads && !admin_csrf_ok(ac->ac_secret, csrf))
		return scim_fail(resp, SCIM_EFORBIDDEN, "the anti-CSRF token "
		    "(X-Scimlet-CSRF) is missing or wrong");
	if (ac->ac_nseg == 1 && strcmp(ac->ac_seg[0], "session") == 0) {
		if (reads)
			return session_body(ac, 200);
		if (m == HTTP_DELETE)
			return signout(ac);
		util_strlcpy(resp->rp_allow, "GET, HEAD, POST, DELETE",
		    sizeof(resp->rp_allow));
		return scim_fail(resp, SCIM_EMETHOD, "sign in with POST, "
		    "out with DELETE");
	}
	return admin_api(ac);
}

/* The mount's path and this host's origin, from the request. */
static void
where(struct admin_call *ac, const struct http_io *io)
{
	const char	*sn = io->io_param(io->io_ctx, "SCRIPT_NAME"), *p;
	const char	*base = ac->ac_req->rq_base;
	size_t		 i;

	util_strlcpy(ac->ac_mount, "/", sizeof(ac->ac_mount));
	if (sn != NULL && *sn == '/' && strlen(sn) <= 100) {
		for (i = 0; sn[i] != '\0'; i++)
			if (!((sn[i] >= 'a' && sn[i] <= 'z') ||
			    (sn[i] >= 'A' && sn[i] <= 'Z') ||
			    (sn[i] >= '0' && sn[i] <= '9') ||
			    strchr("/._~-", sn[i]) != NULL))
				break;
		if (sn[i] == '\0')
			util_strlcpy(ac->ac_mount, sn, sizeof(ac->ac_mount));
	}
	util_strlcpy(ac->ac_origin, base, sizeof(ac->ac_origin));
	if ((p = strstr(base, "://")) != NULL &&
	    (p = strchr(p + 3, '/')) != NULL)
		ac->ac_origin[p - base] = '\0';
}

enum scim_err
admin_serve(struct store *st, const struct http_io *io,
    struct scim_req *req, struct scim_resp *resp, const uint8_t rid[8])
{
	struct admin_call	 ac;
	const char		*path = req->rq_path;
	char			 loc[SCIM_MAX_BASEURL + 2];

	memset(&ac, 0, sizeof(ac));
	ac.ac_store = st;
	ac.ac_io = io;
	ac.ac_req = req;
	ac.ac_resp = resp;
	ac.ac_rid = rid;
	ac.ac_client = io->io_param(io->io_ctx, "REMOTE_ADDR");
	resp->rp_console = 1;
	where(&ac, io);
	if (st == NULL)
		return scim_fail(resp, SCIM_ECONFIG, "no database");
	if (path == NULL || *path == '\0') {
		snprintf(loc, sizeof(loc), "%s/", req->rq_base);
		if ((resp->rp_location = strdup(loc)) == NULL)
			return SCIM_ENOMEM;
		resp->rp_status = 301;
		return SCIM_OK;
	}
	if (strcmp(path, "/") == 0)
		return serve_file(&ac, "index.html");
	if (strncmp(path, "/console/", 9) == 0)
		return serve_file(&ac, path + 9);
	if (strncmp(path, "/api/", 5) == 0)
		return api(&ac, path + 5);
	return scim_fail(resp, SCIM_ENOTFOUND, "no such page");
}
