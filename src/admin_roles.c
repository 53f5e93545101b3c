/*
 * admin_roles.c: the console's API for tenants/T/roles (admin_int.h):
 * the role settings as `scimlet role list` has them, and a change to
 * them as `scimlet role ...` makes it (role_change.h), previewed first.
 *
 *	GET	tenants/T/roles			settings, mappings, holders
 *	POST	tenants/T/roles/preview		what a change would do
 *	POST	tenants/T/roles			make it
 *
 * A change's body: {"op": "map", "value": V, "role": R}, {"op": "unmap",
 * "value": V}, {"op": "map-group", "group": G, "role": R}, {"op":
 * "unmap-group", "group": G}, {"op": "default", "role": R|null},
 * {"op": "source", "source": S}, {"op": "unknown", "policy":
 * "reject"|"default"}.
 *
 * The preview makes the change in a write transaction, reads every
 * user's application roles before and after, and aborts: it computes
 * what the change would do, the same way the change does it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_int.h"
#include "json.h"
#include "role_change.h"
#include "scim_error.h"
#include "store.h"
#include "user_query.h"
#include "util.h"

#define MAPPINGS_MAX	1000	/* mappings listed */
#define PREVIEW_USERS	20	/* users shown with before and after */

/* GET roles: the settings, then each mapping with its role's holders. */
struct rolelist {
	cJSON		*rl_arr;
	int		 rl_more;
	enum scim_err	 rl_err;
};

static int
mapping_cb(char kind, const char *value, const char *role, void *arg)
{
	struct rolelist	*rl = arg;
	cJSON		*o;

	if (cJSON_GetArraySize(rl->rl_arr) == MAPPINGS_MAX) {
		rl->rl_more = 1;
		return 1;
	}
	if ((o = role_row_json(kind == ROLE_GROUP ? "group" : "value", value,
	    role)) == NULL || json_add(o, "users", cJSON_CreateNumber(0)) ==
	    -1 || !cJSON_AddItemToArray(rl->rl_arr, o)) {
		cJSON_Delete(o);
		rl->rl_err = SCIM_ENOMEM;
		return 1;
	}
	return 0;
}

/* Count each mapping's role among one user's application roles. */
static int
holder_cb(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct rolelist	*rl = arg;
	cJSON		*doc, *m, *n;
	const char	*r;

	(void)id;
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		rl->rl_err = SCIM_ESTORE;
		return 1;
	}
	cJSON_ArrayForEach(m, rl->rl_arr) {
		r = cJSON_GetStringValue(cJSON_GetObjectItem(m, "role"));
		n = cJSON_GetObjectItem(m, "users");
		if (r != NULL && user_has_role(doc, r))
			cJSON_SetNumberValue(n, n->valuedouble + 1);
	}
	cJSON_Delete(doc);
	return 0;
}

static enum scim_err
role_get(struct admin_call *ac)
{
	struct store_txn	*tx = NULL;
	struct tenant		 t;
	struct rolelist		 rl;
	cJSON			*o = NULL;
	enum scim_err		 e;

	memset(&rl, 0, sizeof(rl));
	if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
		return e;
	if ((e = admin_tenant(ac, tx, ac->ac_seg[1], &t)) != SCIM_OK)
		goto out;
	if ((o = cJSON_CreateObject()) == NULL ||
	    json_add_string(o, "source", t.tn_rolesource[0] ?
	    t.tn_rolesource : "roles") == -1 ||
	    json_add(o, "default", t.tn_roledefault[0] ?
	    cJSON_CreateString(t.tn_roledefault) : cJSON_CreateNull()) == -1 ||
	    json_add_string(o, "unknown", t.tn_rolereject ? "reject" :
	    "default") == -1 ||
	    (rl.rl_arr = cJSON_AddArrayToObject(o, "mappings")) == NULL) {
		e = SCIM_ENOMEM;
		goto out;
	}
	if ((e = store_role_each(tx, t.tn_id, mapping_cb, &rl)) != SCIM_OK ||
	    (e = rl.rl_err) != SCIM_OK ||
	    (e = store_res_each(tx, t.tn_id, RES_USER, holder_cb, &rl)) !=
	    SCIM_OK || (e = rl.rl_err) != SCIM_OK)
		goto out;
	store_abort(&tx);
	if (json_add(o, "more", cJSON_CreateBool(rl.rl_more)) == -1) {
		e = SCIM_ENOMEM;
		goto out;
	}
	e = admin_json(ac, 200, o);
	o = NULL;
 out:
	store_abort(&tx);
	cJSON_Delete(o);
	return e;
}

/* A change as the body gives it: op, its value and role (or NULL). */
struct change {
	const char	*ch_op;
	const char	*ch_arg;
	const char	*ch_role;
};

static enum scim_err
change_of(struct admin_call *ac, const cJSON *body, struct change *ch)
{
	const char	*op, *why, *k1 = NULL, *k2 = NULL;
	const cJSON	*v;

	memset(ch, 0, sizeof(*ch));
	if ((op = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(body,
	    "op"))) == NULL)
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "op: one of "
		    "map, unmap, map-group, unmap-group, default, source, "
		    "unknown");
	ch->ch_op = op;
	if (strcmp(op, "map") == 0 || strcmp(op, "unmap") == 0)
		k1 = "value";
	else if (strcmp(op, "map-group") == 0 ||
	    strcmp(op, "unmap-group") == 0)
		k1 = "group";
	else if (strcmp(op, "source") == 0)
		k1 = "source";
	else if (strcmp(op, "unknown") == 0)
		k1 = "policy";
	if (strcmp(op, "map") == 0 || strcmp(op, "map-group") == 0)
		k2 = "role";
	if (strcmp(op, "default") == 0) {
		/* null, absent or "-": no default. */
		v = cJSON_GetObjectItemCaseSensitive(body, "role");
		ch->ch_arg = v == NULL || cJSON_IsNull(v) ? "-" :
		    cJSON_GetStringValue(v);
	} else if (k1 != NULL)
		ch->ch_arg = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(body, k1));
	if (k2 != NULL && (ch->ch_role = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(body, k2))) == NULL)
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "%s: takes "
		    "\"%s\" and \"role\"", op, k1);
	if (ch->ch_arg == NULL && k1 != NULL)
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "%s: takes "
		    "\"%s\"", op, k1);
	if ((why = role_change_check(op, ch->ch_arg != NULL ? ch->ch_arg :
	    "", ch->ch_role)) != NULL)
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "%s", why);
	return SCIM_OK;
}

/* Every user's application roles, in id order (a preview's "before"). */
struct snap {
	uint8_t		 sn_id[16];
	char		*sn_roles;	/* as JSON text */
};

struct preview {
	struct snap	*pv_snap;
	size_t		 pv_n, pv_cap, pv_at;
	int		 pv_after;
	size_t		 pv_affected;
	cJSON		*pv_users;
	enum scim_err	 pv_err;
};

static char *
roles_text(const cJSON *doc)
{
	const cJSON	*r = user_app_roles(doc);

	return r != NULL ? cJSON_PrintUnformatted(r) : strdup("[]");
}

static cJSON *
changed_json(const uint8_t id[16], const cJSON *doc, const char *before,
    const char *after)
{
	const char	*un;
	char		 ids[UUID_STRLEN + 1];
	cJSON		*o;

	util_uuid_format(id, ids);
	un = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "userName"));
	if ((o = cJSON_CreateObject()) == NULL ||
	    json_add_string(o, "id", ids) == -1 ||
	    json_add(o, "userName", un != NULL ? cJSON_CreateString(un) :
	    cJSON_CreateNull()) == -1 ||
	    json_add(o, "before", cJSON_Parse(before)) == -1 ||
	    json_add(o, "after", cJSON_Parse(after)) == -1) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
preview_cb(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct preview	*pv = arg;
	struct snap	*ns;
	cJSON		*doc, *o;
	char		*roles;

	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		pv->pv_err = SCIM_ESTORE;
		return 1;
	}
	if ((roles = roles_text(doc)) == NULL) {
		cJSON_Delete(doc);
		pv->pv_err = SCIM_ENOMEM;
		return 1;
	}
	if (!pv->pv_after) {
		cJSON_Delete(doc);
		if (pv->pv_n == pv->pv_cap) {
			pv->pv_cap = pv->pv_cap ? pv->pv_cap * 2 : 64;
			if ((ns = reallocarray(pv->pv_snap, pv->pv_cap,
			    sizeof(*ns))) == NULL) {
				free(roles);
				pv->pv_err = SCIM_ENOMEM;
				return 1;
			}
			pv->pv_snap = ns;
		}
		memcpy(pv->pv_snap[pv->pv_n].sn_id, id, 16);
		pv->pv_snap[pv->pv_n++].sn_roles = roles;
		return 0;
	}
	/* After: the same users, in the same order (roles add none). */
	while (pv->pv_at < pv->pv_n &&
	    memcmp(pv->pv_snap[pv->pv_at].sn_id, id, 16) < 0)
		pv->pv_at++;
	if (pv->pv_at < pv->pv_n &&
	    memcmp(pv->pv_snap[pv->pv_at].sn_id, id, 16) == 0 &&
	    strcmp(pv->pv_snap[pv->pv_at].sn_roles, roles) != 0) {
		if (++pv->pv_affected <= PREVIEW_USERS &&
		    ((o = changed_json(id, doc,
		    pv->pv_snap[pv->pv_at].sn_roles, roles)) == NULL ||
		    !cJSON_AddItemToArray(pv->pv_users, o))) {
			cJSON_Delete(o);
			pv->pv_err = SCIM_ENOMEM;
		}
	}
	free(roles);
	cJSON_Delete(doc);
	return pv->pv_err != SCIM_OK;
}

/* The command's words as `scimlet role` has them, for the audit entry. */
static cJSON *
words_json(const struct change *ch, const char *tenant)
{
	cJSON	*a = cJSON_CreateArray();

	if (a == NULL || !cJSON_AddItemToArray(a,
	    cJSON_CreateString(ch->ch_op)) || !cJSON_AddItemToArray(a,
	    cJSON_CreateString(tenant)) || !cJSON_AddItemToArray(a,
	    cJSON_CreateString(ch->ch_arg)) || (ch->ch_role != NULL &&
	    !cJSON_AddItemToArray(a, cJSON_CreateString(ch->ch_role)))) {
		cJSON_Delete(a);
		return NULL;
	}
	return a;
}

/* POST roles (apply set) or roles/preview. */
static enum scim_err
role_post(struct admin_call *ac, int apply)
{
	struct store_txn	*tx = NULL;
	struct tenant		 t;
	struct change		 ch;
	struct preview		 pv;
	struct admin_actor	 aa;
	char			 action[64];
	cJSON			*body = NULL, *o = NULL;
	size_t			 nre = 0, nchg = 0, i;
	int			 later = 0;
	enum scim_err		 e;

	memset(&pv, 0, sizeof(pv));
	if ((e = admin_body(ac, &body)) != SCIM_OK)
		return e;
	if ((e = change_of(ac, body, &ch)) != SCIM_OK)
		goto out;
	admin_actor(ac, &aa);
	if ((e = store_begin(ac->ac_store, 1, &tx)) != SCIM_OK ||
	    (e = admin_tenant(ac, tx, ac->ac_seg[1], &t)) != SCIM_OK)
		goto out;
	if (!apply) {
		if ((pv.pv_users = cJSON_CreateArray()) == NULL) {
			e = SCIM_ENOMEM;
			goto out;
		}
		if ((e = store_res_each(tx, t.tn_id, RES_USER, preview_cb,
		    &pv)) != SCIM_OK || (e = pv.pv_err) != SCIM_OK)
			goto out;
	}
	e = role_change(ac->ac_store, tx, &t, ch.ch_op, ch.ch_arg, ch.ch_role,
	    &aa.aa_da, &later, &nre, &nchg);
	if (e == SCIM_ENOTFOUND) {
		e = scim_fail(ac->ac_resp, SCIM_ENOTFOUND, "no such mapping");
		goto out;
	}
	if (e != SCIM_OK)
		goto out;
	if (!apply) {
		pv.pv_after = 1;
		if ((e = store_res_each(tx, t.tn_id, RES_USER, preview_cb,
		    &pv)) != SCIM_OK || (e = pv.pv_err) != SCIM_OK)
			goto out;
		/* Nothing of it is kept. */
		store_abort(&tx);
		if ((o = cJSON_CreateObject()) == NULL ||
		    json_add(o, "affected",
		    cJSON_CreateNumber((double)pv.pv_affected)) == -1 ||
		    json_add(o, "recomputed", cJSON_CreateNumber((double)nre))
		    == -1 || json_add(o, "appliesLater",
		    cJSON_CreateBool(later)) == -1 ||
		    json_add(o, "users", pv.pv_users) == -1) {
			pv.pv_users = NULL;
			e = SCIM_ENOMEM;
			goto out;
		}
		pv.pv_users = NULL;
		e = admin_json(ac, 200, o);
		o = NULL;
		goto out;
	}
	snprintf(action, sizeof(action), "role %s", ch.ch_op);
	if ((e = admin_audit(ac, tx, t.tn_name, "operator.role", "Role",
	    ch.ch_arg, words_json(&ch, t.tn_name))) != SCIM_OK ||
	    (e = admin_log(tx, ac->ac_rid, action, &ac->ac_who, t.tn_name,
	    ac->ac_client, ch.ch_arg)) != SCIM_OK ||
	    (e = store_commit(&tx)) != SCIM_OK)
		goto out;
	if ((o = cJSON_CreateObject()) == NULL ||
	    json_add(o, "recomputed", cJSON_CreateNumber((double)nre)) == -1 ||
	    json_add(o, "changed", cJSON_CreateNumber((double)nchg)) == -1 ||
	    json_add(o, "appliesLater", cJSON_CreateBool(later)) == -1) {
		e = SCIM_ENOMEM;
		goto out;
	}
	e = admin_json(ac, 200, o);
	o = NULL;
 out:
	store_abort(&tx);
	for (i = 0; i < pv.pv_n; i++)
		free(pv.pv_snap[i].sn_roles);
	free(pv.pv_snap);
	cJSON_Delete(pv.pv_users);
	cJSON_Delete(body);
	cJSON_Delete(o);
	return e;
}

enum scim_err
admin_roles(struct admin_call *ac)
{
	enum http_method	m = ac->ac_req->rq_method;

	if (ac->ac_nseg == 3) {
		if (m == HTTP_GET || m == HTTP_HEAD)
			return role_get(ac);
		if (m == HTTP_POST)
			return role_post(ac, 1);
		util_strlcpy(ac->ac_resp->rp_allow, "GET, HEAD, POST",
		    sizeof(ac->ac_resp->rp_allow));
		return scim_fail(ac->ac_resp, SCIM_EMETHOD,
		    "GET, HEAD, POST only");
	}
	if (ac->ac_nseg == 4 && strcmp(ac->ac_seg[3], "preview") == 0) {
		if (m == HTTP_POST)
			return role_post(ac, 0);
		util_strlcpy(ac->ac_resp->rp_allow, "POST",
		    sizeof(ac->ac_resp->rp_allow));
		return scim_fail(ac->ac_resp, SCIM_EMETHOD, "POST only");
	}
	return scim_fail(ac->ac_resp, SCIM_ENOTFOUND, "no such endpoint");
}
