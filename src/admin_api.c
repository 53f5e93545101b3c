/*
 * admin_api.c: the console's API past sign-in (admin.c checks the
 * session and, for a change, the anti-CSRF token first).  Each answer is
 * made by the library calls the CLI makes, and each change leaves a line
 * in the admin log in its own transaction.  A tenant admin reaches only
 * their own tenant: another's name is 404 (admin_tenant()).
 *
 *	GET	tenants				every tenant visible
 *	GET	tenants/T			one
 *	GET	tenants/T/tokens		its provisioning tokens
 *	POST	tenants/T/tokens		issue one (shown once)
 *	POST	tenants/T/tokens/ID/rotate	its successor (shown once)
 *	DELETE	tenants/T/tokens/ID		revoke it
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_int.h"
#include "breaker.h"
#include "cycle.h"
#include "json.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

/* Cycles read for the overview: the last week's. */
#define OVERVIEW_US	(7ULL * 86400 * 1000000)

static int
seg_is(const struct admin_call *ac, int i, const char *s)
{
	return i < ac->ac_nseg && strcmp(ac->ac_seg[i], s) == 0;
}

static enum scim_err
not_allowed(struct admin_call *ac, const char *allow)
{
	util_strlcpy(ac->ac_resp->rp_allow, allow,
	    sizeof(ac->ac_resp->rp_allow));
	return scim_fail(ac->ac_resp, SCIM_EMETHOD, "%s only", allow);
}

/* What a tenant is at a glance, read in tx; the cycles come later. */
static cJSON *
tenant_json(struct store_txn *tx, const struct tenant *t)
{
	struct breaker_status	 bs;
	uint64_t		 users = 0, groups = 0, gen;
	cJSON			*o;

	if (store_res_count(tx, t->tn_id, RES_USER, &users, &gen) !=
	    SCIM_OK || store_res_count(tx, t->tn_id, RES_GROUP, &groups,
	    &gen) != SCIM_OK || breaker_status(tx, t, &bs) != SCIM_OK)
		return NULL;
	if ((o = cJSON_CreateObject()) == NULL ||
	    json_add_string(o, "name", t->tn_name) == -1 ||
	    json_add(o, "users", cJSON_CreateNumber((double)users)) == -1 ||
	    json_add(o, "groups", cJSON_CreateNumber((double)groups)) == -1 ||
	    json_add_string(o, "breaker", bs.bs_off ? "off" :
	    breaker_state_name(bs.bs_state)) == -1 ||
	    json_add(o, "preview", cJSON_CreateBool(t->tn_preview != 0)) ==
	    -1) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Add last_cycle and outstanding (over the week's cycles) to o. */
static enum scim_err
tenant_cycles(struct admin_call *ac, const struct tenant *t, cJSON *o)
{
	cJSON		*list = NULL, *c, *last = NULL;
	uint64_t	 now = util_now_us();
	double		 out = 0;
	enum scim_err	 e;

	if ((e = cycle_list(ac->ac_store, t, NULL, now > OVERVIEW_US ?
	    now - OVERVIEW_US : 0, &list)) != SCIM_OK)
		return e;
	cJSON_ArrayForEach(c, list) {
		out += cJSON_GetNumberValue(cJSON_GetObjectItem(c,
		    "outstanding")) > 0 ? cJSON_GetNumberValue(
		    cJSON_GetObjectItem(c, "outstanding")) : 0;
		last = c;
	}
	if (last != NULL)
		cJSON_DetachItemViaPointer(list, last);
	cJSON_Delete(list);
	if (json_add(o, "last_cycle", last != NULL ? last :
	    cJSON_CreateNull()) == -1 ||
	    json_add(o, "outstanding", cJSON_CreateNumber(out)) == -1)
		return SCIM_ENOMEM;
	return SCIM_OK;
}

struct tlist {
	struct admin_call	*tl_ac;
	struct store_txn	*tl_tx;
	struct tenant		*tl_t;	/* the tenants listed */
	size_t			 tl_n;
	cJSON			*tl_arr;
	enum scim_err		 tl_err;
};

static int
tenant_cb(const struct tenant *t, const char *created, void *arg)
{
	struct tlist	*tl = arg;
	struct tenant	*nt;
	cJSON		*o;

	(void)created;
	if (tl->tl_ac->ac_who.aw_role == ADMIN_TENANT &&
	    strcmp(t->tn_name, tl->tl_ac->ac_who.aw_tenant) != 0)
		return 0;
	if ((nt = reallocarray(tl->tl_t, tl->tl_n + 1, sizeof(*nt))) == NULL) {
		tl->tl_err = SCIM_ENOMEM;
		return 1;
	}
	tl->tl_t = nt;
	tl->tl_t[tl->tl_n] = *t;
	if ((o = tenant_json(tl->tl_tx, t)) == NULL ||
	    !cJSON_AddItemToArray(tl->tl_arr, o)) {
		cJSON_Delete(o);
		tl->tl_err = SCIM_ESTORE;
		return 1;
	}
	tl->tl_n++;
	return 0;
}

/* GET tenants, GET tenants/T. */
static enum scim_err
tenants(struct admin_call *ac, const char *one)
{
	struct store_txn	*tx = NULL;
	struct tlist		 tl;
	struct tenant		 t;
	cJSON			*o = NULL;
	size_t			 i;
	enum scim_err		 e;

	memset(&tl, 0, sizeof(tl));
	tl.tl_ac = ac;
	if ((tl.tl_arr = cJSON_CreateArray()) == NULL)
		return SCIM_ENOMEM;
	if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
		goto out;
	tl.tl_tx = tx;
	if (one != NULL) {
		if ((e = admin_tenant(ac, tx, one, &t)) == SCIM_OK)
			tenant_cb(&t, NULL, &tl);
	} else
		e = store_tenant_each(tx, tenant_cb, &tl);
	store_abort(&tx);
	if (e != SCIM_OK || (e = tl.tl_err) != SCIM_OK)
		goto out;
	/* The activity log is read with no data transaction open. */
	for (i = 0; i < tl.tl_n; i++)
		if ((e = tenant_cycles(ac, &tl.tl_t[i],
		    cJSON_GetArrayItem(tl.tl_arr, (int)i))) != SCIM_OK)
			goto out;
	if (one != NULL) {
		e = admin_json(ac, 200, cJSON_DetachItemFromArray(tl.tl_arr,
		    0));
		goto out;
	}
	if ((o = cJSON_CreateObject()) == NULL ||
	    json_add(o, "tenants", tl.tl_arr) == -1) {
		cJSON_Delete(o);
		e = SCIM_ENOMEM;
		goto out;
	}
	tl.tl_arr = NULL;
	e = admin_json(ac, 200, o);
 out:
	free(tl.tl_t);
	cJSON_Delete(tl.tl_arr);
	return e;
}

struct tokens {
	struct store_txn	*tk_tx;
	cJSON			*tk_arr;
	int			 tk_bad;
};

static void
token_cb(const struct auth_token_info *ti, void *arg)
{
	struct tokens	*tk = arg;
	cJSON		*o;

	if ((o = auth_token_json(tk->tk_tx, ti)) == NULL ||
	    json_add(o, "active", cJSON_CreateBool(auth_token_active(ti))) ==
	    -1 || !cJSON_AddItemToArray(tk->tk_arr, o)) {
		cJSON_Delete(o);
		tk->tk_bad = 1;
	}
}

static enum scim_err
token_list(struct admin_call *ac, const char *name)
{
	struct store_txn	*tx = NULL;
	struct tokens		 tk = { 0 };
	struct tenant		 t;
	cJSON			*o = NULL;
	enum scim_err		 e;

	if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
		return e;
	tk.tk_tx = tx;
	if ((e = admin_tenant(ac, tx, name, &t)) != SCIM_OK)
		goto out;
	if ((o = cJSON_CreateObject()) == NULL ||
	    (tk.tk_arr = cJSON_AddArrayToObject(o, "tokens")) == NULL) {
		e = SCIM_ENOMEM;
		goto out;
	}
	if ((e = auth_token_each(tx, name, token_cb, &tk)) != SCIM_OK)
		goto out;
	if (tk.tk_bad) {
		e = SCIM_ENOMEM;
		goto out;
	}
	store_abort(&tx);
	e = admin_json(ac, 200, o);
	o = NULL;
 out:
	store_abort(&tx);
	cJSON_Delete(o);
	return e;
}

/* The answer of an issue or a rotation: the token, shown once. */
static enum scim_err
token_shown(struct admin_call *ac, int status, const char *id, char *token)
{
	char	url[SCIM_MAX_BASEURL + 256];
	cJSON	*o;

	admin_tenant_url(ac, url, sizeof(url));
	if ((o = cJSON_CreateObject()) == NULL ||
	    json_add_string(o, "id", id) == -1 ||
	    json_add_string(o, "token", token) == -1 ||
	    json_add_string(o, "tenantUrl", url) == -1) {
		cJSON_Delete(o);
		o = NULL;
	}
	util_bzero(token, AUTH_TOKEN_LEN + 1);
	return admin_json(ac, status, o);
}

/* {"key": "value"}, or NULL. */
static cJSON *
token_detail(const char *key, const char *value)
{
	cJSON	*o;

	if ((o = cJSON_CreateObject()) != NULL &&
	    json_add_string(o, key, value) == -1) {
		cJSON_Delete(o);
		o = NULL;
	}
	return o;
}

/*
 * A change to tenant name's tokens, in one write transaction with its
 * admin log line: POST tokens (issue), POST tokens/ID/rotate, DELETE
 * tokens/ID.
 */
static enum scim_err
token_change(struct admin_call *ac, const char *name, const char *id,
    int rotate)
{
	struct store_txn	*tx = NULL;
	struct tenant		 t;
	cJSON			*body = NULL;
	const cJSON		*v;
	const char		*label = NULL, *action, *op;
	char			 token[AUTH_TOKEN_LEN + 1], newid[AUTH_ID_LEN + 1];
	char			 owner[SCIM_TENANT_MAX + 1];
	double			 n = 0;
	enum scim_err		 e;

	owner[0] = newid[0] = '\0';
	if (id == NULL || rotate) {
		if ((e = admin_body(ac, &body)) != SCIM_OK)
			return e;
		v = cJSON_GetObjectItemCaseSensitive(body, id == NULL ?
		    "days" : "grace");
		if (v != NULL && !cJSON_IsNull(v) && (!cJSON_IsNumber(v) ||
		    (n = v->valuedouble) < 0 || n > 3650 * 86400.0 ||
		    n != (double)(long long)n)) {
			e = scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "%s must "
			    "be a whole number, 0 or more", id == NULL ?
			    "days" : "grace");
			goto out;
		}
		v = cJSON_GetObjectItemCaseSensitive(body, "label");
		if (id == NULL && v != NULL && !cJSON_IsNull(v) &&
		    ((label = cJSON_GetStringValue(v)) == NULL ||
		    !auth_label_ok(label) || *label == '\0')) {
			e = scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "label: "
			    "text of at most %d bytes, no control characters",
			    AUTH_LABEL_MAX);
			goto out;
		}
	}
	if ((e = store_begin(ac->ac_store, 1, &tx)) != SCIM_OK ||
	    (e = admin_tenant(ac, tx, name, &t)) != SCIM_OK)
		goto out;
	if (id == NULL) {
		action = "token issue";
		op = "operator.token.issued";
		e = auth_token_issue(tx, &t, label, (long long)n * 86400,
		    AUTH_SCOPE_PROVISION, token, newid);
		util_strlcpy(owner, name, sizeof(owner));
	} else if (rotate) {
		action = "token rotate";
		op = "operator.token.rotated";
		e = auth_token_rotate(tx, id, (long long)n, token, newid,
		    owner);
	} else {
		action = "token revoke";
		op = "operator.token.revoked";
		e = auth_token_revoke(tx, id, owner);
	}
	/* Another tenant's token reads as none. */
	if ((e == SCIM_OK && strcmp(owner, name) != 0) || e == SCIM_ENOTFOUND) {
		e = scim_fail(ac->ac_resp, SCIM_ENOTFOUND, "no such token");
		goto out;
	}
	if (e == SCIM_EPRECOND)
		e = scim_fail(ac->ac_resp, SCIM_EPRECOND, "the token is "
		    "revoked or expired already: issue a new one");
	if (e != SCIM_OK ||
	    (e = admin_audit(ac, tx, name, op, "Token", id != NULL ? id : newid,
	    id == NULL ? token_detail("scope", "provision") : rotate ?
	    token_detail("successor", newid) : NULL)) != SCIM_OK ||
	    (e = admin_log(tx, ac->ac_rid, action, &ac->ac_who, name,
	    ac->ac_client, newid[0] != '\0' ? newid : id)) != SCIM_OK ||
	    (e = store_commit(&tx)) != SCIM_OK)
		goto out;
	if (id != NULL && !rotate)
		ac->ac_resp->rp_status = 204;
	else
		e = token_shown(ac, id == NULL ? 201 : 200, newid, token);
 out:
	store_abort(&tx);
	util_bzero(token, sizeof(token));
	cJSON_Delete(body);
	return e;
}

enum scim_err
admin_api(struct admin_call *ac)
{
	enum http_method	m = ac->ac_req->rq_method;
	int			get = m == HTTP_GET || m == HTTP_HEAD;
	const char		*t = ac->ac_nseg > 1 ? ac->ac_seg[1] : NULL;

	if (!seg_is(ac, 0, "tenants"))
		return scim_fail(ac->ac_resp, SCIM_ENOTFOUND,
		    "no such endpoint");
	if (seg_is(ac, 2, "audit") || seg_is(ac, 2, "restore") ||
	    seg_is(ac, 2, "breaker"))
		return admin_deprov(ac);
	if (seg_is(ac, 2, "cycles") || seg_is(ac, 2, "activity") ||
	    seg_is(ac, 2, "users") || seg_is(ac, 2, "groups"))
		return admin_read(ac);
	if (seg_is(ac, 2, "roles"))
		return admin_roles(ac);
	switch (ac->ac_nseg) {
	case 1:
		return get ? tenants(ac, NULL) : not_allowed(ac, "GET, HEAD");
	case 2:
		return get ? tenants(ac, t) : not_allowed(ac, "GET, HEAD");
	case 3:
		if (!seg_is(ac, 2, "tokens"))
			break;
		if (get)
			return token_list(ac, t);
		return m == HTTP_POST ? token_change(ac, t, NULL, 0) :
		    not_allowed(ac, "GET, HEAD, POST");
	case 4:
		if (!seg_is(ac, 2, "tokens"))
			break;
		return m == HTTP_DELETE ? token_change(ac, t, ac->ac_seg[3],
		    0) : not_allowed(ac, "DELETE");
	case 5:
		if (!seg_is(ac, 2, "tokens") || !seg_is(ac, 4, "rotate"))
			break;
		return m == HTTP_POST ? token_change(ac, t, ac->ac_seg[3],
		    1) : not_allowed(ac, "POST");
	}
	return scim_fail(ac->ac_resp, SCIM_ENOTFOUND, "no such endpoint");
}
