/*
 * fuzz_admin.c: the operator console's mount (src/admin.h) as a web
 * server hands it a request, against a real store made in a temporary
 * directory on first use (two tenants, an operator's and a tenant
 * admin's credential, a session of each).  The input is lines:
 *
 *	PATH_INFO
 *	REQUEST_METHOD
 *	QUERY_STRING
 *	CONTENT_TYPE
 *	HTTP_COOKIE
 *	HTTP_X_SCIMLET_CSRF
 *	HTTP_ORIGIN
 *	SCRIPT_NAME
 *	the body (the rest)
 *
 * An empty or missing line is an absent parameter.  In the cookie and the anti-CSRF
 * line, @OP@ and @TA@ stand for the operator's and the tenant admin's
 * session secret and @OPCSRF@ and @TACSRF@ for their anti-CSRF tokens;
 * in the body, @OPCRED@ and @TACRED@ for the credentials: so inputs
 * reach what only a session reaches.
 *
 * Besides crashes, leaks and undefined behaviour, it aborts when:
 *  - a call of the API other than sign-in succeeds (2xx) without one of
 *    the fixture's sessions in its cookie;
 *  - a change succeeds without that session's anti-CSRF token;
 *  - the tenant admin's session gets anything that names the other
 *    tenant;
 *  - an error's body is not a valid SCIM Error (fx_error()).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "fuzz.h"
#include "http.h"
#include "scim_error.h"
#include "store.h"

enum {
	F_PATH, F_METHOD, F_QUERY, F_CTYPE, F_COOKIE, F_CSRF, F_ORIGIN,
	F_SCRIPT, F_BODY, F__MAX
};

static const char *const names[F__MAX] = {
	"PATH_INFO", "REQUEST_METHOD", "QUERY_STRING", "CONTENT_TYPE",
	"HTTP_COOKIE", "HTTP_X_SCIMLET_CSRF", "HTTP_ORIGIN", "SCRIPT_NAME",
	NULL
};

struct fake {
	char		*f[F__MAX];	/* NULL: absent */
	char		 clen[24];
	size_t		 bodylen;
	size_t		 off;
};

/* The fixture: kept for the whole run. */
static struct {
	struct store	*st;
	char		 dir[64];
	char		 opcred[ADMIN_CRED_LEN + 1], tacred[ADMIN_CRED_LEN + 1];
	char		 op[ADMIN_SECRET_LEN + 1], ta[ADMIN_SECRET_LEN + 1];
	char		 opcsrf[ADMIN_CSRF_LEN + 1], tacsrf[ADMIN_CSRF_LEN + 1];
} fx;

static const char *
f_param(void *arg, const char *name)
{
	struct fake	*fk = arg;
	size_t		 i;

	if (strcmp(name, "CONTENT_LENGTH") == 0)
		return fk->f[F_BODY] != NULL ? fk->clen : NULL;
	if (strcmp(name, "HTTP_HOST") == 0)
		return "127.0.0.1:8080";
	for (i = 0; i < F_BODY; i++)
		if (strcmp(names[i], name) == 0)
			return fk->f[i];
	return NULL;
}

static long
f_read(void *arg, char *buf, size_t len)
{
	struct fake	*fk = arg;
	size_t		 left = fk->f[F_BODY] ? fk->bodylen - fk->off : 0;

	if (len > left)
		len = left;
	if (len > 0)
		memcpy(buf, fk->f[F_BODY] + fk->off, len);
	fk->off += len;
	return (long)len;
}

static int
f_write(void *arg, const char *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	return 0;
}

/* The store's directory holds files only (LMDB's and the activity
 * log's). */
static void
fx_cleanup(void)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[128];

	store_close(fx.st);
	if (fx.dir[0] == '\0' || (d = opendir(fx.dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && (size_t)snprintf(path,
		    sizeof(path), "%s/%s", fx.dir, de->d_name) < sizeof(path))
			unlink(path);
	closedir(d);
	rmdir(fx.dir);
}

/* Does [p, p + n) hold s? */
static int
holds(const char *p, size_t n, const char *s)
{
	size_t	k = strlen(s), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return 1;
	return 0;
}

/* A session of cred into secret and csrf, in a transaction of its own. */
static void
session(const char *cred, char *secret, char *csrf)
{
	struct store_txn	*tx = NULL;
	struct admin_who	 who;

	if (store_begin(fx.st, 1, &tx) != SCIM_OK ||
	    admin_signin(tx, cred, NULL, secret, &who) != SCIM_OK ||
	    store_commit(&tx) != SCIM_OK)
		abort();
	memcpy(csrf, who.aw_csrf, ADMIN_CSRF_LEN + 1);
}

/* Sessions the last input ended (a sign-out) are made again. */
static void
sessions_live(void)
{
	struct store_txn	*tx = NULL;
	struct admin_who	 who;
	int			 op, ta;

	if (store_begin(fx.st, 0, &tx) != SCIM_OK)
		abort();
	op = admin_session_check(tx, fx.op, &who) == SCIM_OK;
	ta = admin_session_check(tx, fx.ta, &who) == SCIM_OK;
	store_abort(&tx);
	if (!op)
		session(fx.opcred, fx.op, fx.opcsrf);
	if (!ta)
		session(fx.tacred, fx.ta, fx.tacsrf);
}

static void
fixture(void)
{
	struct store_txn	*tx = NULL;
	struct tenant		 t;
	char			 err[256], id[AUTH_ID_LEN + 1];

	if (fx.st != NULL)
		return;
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/scimlet-fuzz-admin.XXXXXX");
	if (mkdtemp(fx.dir) == NULL ||
	    store_open(fx.dir, STORE_CREATE, &fx.st, err, sizeof(err)) !=
	    SCIM_OK)
		abort();
	atexit(fx_cleanup);
	if (store_begin(fx.st, 1, &tx) != SCIM_OK ||
	    store_tenant_add(tx, "acme", "2026-01-01T00:00:00Z", &t) !=
	    SCIM_OK ||
	    store_tenant_add(tx, "other", "2026-01-01T00:00:00Z", &t) !=
	    SCIM_OK ||
	    admin_cred_issue(tx, ADMIN_OPERATOR, NULL, "ops", fx.opcred, id) !=
	    SCIM_OK ||
	    admin_cred_issue(tx, ADMIN_TENANT, "acme", "acme IT", fx.tacred,
	    id) != SCIM_OK ||
	    store_commit(&tx) != SCIM_OK)
		abort();
	session(fx.opcred, fx.op, fx.opcsrf);
	session(fx.tacred, fx.ta, fx.tacsrf);
}

/* s with each @NAME@ of the fixture replaced (a new string). */
static char *
fill(const char *s)
{
	static const char *const keys[] = { "@OPCSRF@", "@TACSRF@",
	    "@OPCRED@", "@TACRED@", "@OP@", "@TA@" };
	const char	*vals[6] = { fx.opcsrf, fx.tacsrf, fx.opcred, fx.tacred,
			    fx.op, fx.ta };
	char		*out, *o;
	size_t		 i, n = strlen(s);

	/* Each key is longer than 3 and each value at most 64 bytes. */
	if ((out = malloc(n * 22 + 1)) == NULL)
		return NULL;
	for (o = out; *s != '\0';) {
		for (i = 0; i < 6; i++)
			if (strncmp(s, keys[i], strlen(keys[i])) == 0)
				break;
		if (i < 6) {
			memcpy(o, vals[i], strlen(vals[i]));
			o += strlen(vals[i]);
			s += strlen(keys[i]);
		} else
			*o++ = *s++;
	}
	*o = '\0';
	return out;
}

/* Which fixture session the cookie line carries: 'o', 't' or 0. */
static int
whose(const char *cookie)
{
	if (cookie == NULL)
		return 0;
	if (strstr(cookie, fx.op) != NULL)
		return 'o';
	if (strstr(cookie, fx.ta) != NULL)
		return 't';
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake		 fk;
	struct http_io		 io = { f_param, f_read, f_write, &fk };
	struct scim_req		 req;
	struct scim_resp	 resp;
	static const uint8_t	 rid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	char			*text, *p, *nl;
	size_t			 i;
	int			 who, signin, change, st;
	enum scim_err		 e;

	fixture();
	sessions_live();
	if ((text = fx_string(data, size)) == NULL)
		return 0;
	memset(&fk, 0, sizeof(fk));
	for (p = text, i = 0; p != NULL && i < F__MAX; i++) {
		if ((nl = i == F_BODY ? NULL : strchr(p, '\n')) != NULL)
			*nl = '\0';
		if (*p != '\0' && (fk.f[i] = fill(p)) == NULL)
			goto out;
		p = nl != NULL ? nl + 1 : NULL;
	}
	if (fk.f[F_BODY] != NULL) {
		fk.bodylen = strlen(fk.f[F_BODY]);
		snprintf(fk.clen, sizeof(fk.clen), "%zu", fk.bodylen);
	}
	memset(&resp, 0, sizeof(resp));
	resp.rp_console = 1;
	if ((e = http_request_read(&io, 65536, &req, &resp)) == SCIM_OK)
		e = admin_serve(fx.st, &io, &req, &resp, rid);
	who = whose(fk.f[F_COOKIE]);
	signin = req.rq_path != NULL &&
	    strcmp(req.rq_path, "/api/session") == 0 &&
	    req.rq_method == HTTP_POST;
	change = req.rq_method != HTTP_GET && req.rq_method != HTTP_HEAD;
	st = e == SCIM_OK ? resp.rp_status : scim_err_status(e);
	if (st >= 200 && st < 300 && req.rq_path != NULL &&
	    strncmp(req.rq_path, "/api/", 5) == 0 && !signin) {
		if (who == 0)
			abort();
		if (change && (fk.f[F_CSRF] == NULL || strcmp(fk.f[F_CSRF],
		    who == 'o' ? fx.opcsrf : fx.tacsrf) != 0))
			abort();
		if (who == 't' && resp.rp_body != NULL &&
		    holds(resp.rp_body, resp.rp_len, "\"other\""))
			abort();
	}
	http_request_free(&req);
	if (e != SCIM_OK)
		fx_error(&resp, e, &io);
	else
		http_response_free(&resp);
 out:
	for (i = 0; i < F__MAX; i++)
		free(fk.f[i]);
	free(text);
	return 0;
}
