/*
 * scimlet.c: the library an application links to read the database
 * (scimlet.h): a thin layer over the store's read functions, each call
 * in a read transaction of its own (store_begin_shared()), so threads
 * share one handle.  Only the scimlet_* names are exported: the archive
 * is one object whose other symbols are made local (Makefile.am).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "lib/scimlet.h"
#include "schema.h"
#include "scim.h"
#include "store.h"
#include "util.h"

struct scimlet {
	struct store	*sl_store;
};

scimlet *
scimlet_open(const char *dir, char *err, size_t errlen)
{
	struct scimlet	*sl;
	char		 buf[256];

	/* sodium_init() may be called again, and from any thread. */
	if (sodium_init() < 0) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "cannot initialise libsodium");
		return NULL;
	}
	if ((sl = calloc(1, sizeof(*sl))) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (store_open(dir, STORE_READONLY, &sl->sl_store, buf,
	    sizeof(buf)) != SCIM_OK) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s", buf);
		free(sl);
		return NULL;
	}
	return sl;
}

void
scimlet_close(scimlet *sl)
{
	if (sl == NULL)
		return;
	store_close(sl->sl_store);
	free(sl);
}

static int
result(enum scim_err e)
{
	return e == SCIM_OK ? SCIMLET_OK : e == SCIM_ENOTFOUND ?
	    SCIMLET_NOTFOUND : SCIMLET_ERROR;
}

void
scimlet_user_free(struct scimlet_user *u)
{
	size_t	i;

	if (u == NULL)
		return;
	free(u->userName);
	free(u->externalId);
	for (i = 0; i < u->nappRoles; i++)
		free(u->appRoles[i]);
	free(u->appRoles);
	free(u->groups);
	free(u);
}

int
scimlet_user_has_role(const struct scimlet_user *u, const char *role)
{
	size_t	i;

	for (i = 0; u != NULL && role != NULL && i < u->nappRoles; i++)
		if (strcmp(u->appRoles[i], role) == 0)
			return 1;
	return 0;
}

struct groups {
	struct scimlet_user	*g_u;
	size_t			 g_cap;
	int			 g_oom;
};

static int
add_group(const uint8_t gid[16], void *arg)
{
	struct groups	*g = arg;
	void		*p;
	size_t		 cap;

	if (g->g_u->ngroups == g->g_cap) {
		cap = g->g_cap ? g->g_cap * 2 : 8;
		if ((p = realloc(g->g_u->groups, cap * 37)) == NULL) {
			g->g_oom = 1;
			return 1;
		}
		g->g_u->groups = p;
		g->g_cap = cap;
	}
	util_uuid_format(gid, g->g_u->groups[g->g_u->ngroups++]);
	return 0;
}

/* The user of record json, with its groups, into *out. */
static enum scim_err
user_make(struct store_txn *tx, uint32_t tenant, const uint8_t id[16],
    const char *json, size_t len, struct scimlet_user **out)
{
	struct scimlet_user	*u;
	struct groups		 g;
	const cJSON		*v, *roles, *r;
	cJSON			*doc;
	enum scim_err		 e;

	*out = NULL;
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL)
		return SCIM_ESTORE;
	if ((u = calloc(1, sizeof(*u))) == NULL) {
		cJSON_Delete(doc);
		return SCIM_ENOMEM;
	}
	util_uuid_format(id, u->id);
	v = cJSON_GetObjectItemCaseSensitive(doc, "userName");
	u->userName = strdup(cJSON_IsString(v) ? v->valuestring : "");
	v = cJSON_GetObjectItemCaseSensitive(doc, "externalId");
	if (cJSON_IsString(v) && (u->externalId = strdup(v->valuestring)) ==
	    NULL)
		goto oom;
	u->active = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(doc,
	    "active"));
	roles = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(doc, URN_SCIMLET), "appRoles");
	if (u->userName == NULL || (cJSON_GetArraySize(roles) > 0 &&
	    (u->appRoles = calloc((size_t)cJSON_GetArraySize(roles),
	    sizeof(char *))) == NULL))
		goto oom;
	cJSON_ArrayForEach(r, roles)
		if (cJSON_IsString(r) && (u->appRoles[u->nappRoles++] =
		    strdup(r->valuestring)) == NULL)
			goto oom;
	cJSON_Delete(doc);
	doc = NULL;
	memset(&g, 0, sizeof(g));
	g.g_u = u;
	if ((e = store_memberof_each(tx, tenant, id, add_group, &g)) !=
	    SCIM_OK || g.g_oom) {
		scimlet_user_free(u);
		return g.g_oom ? SCIM_ENOMEM : e;
	}
	*out = u;
	return SCIM_OK;
oom:
	cJSON_Delete(doc);
	scimlet_user_free(u);
	return SCIM_ENOMEM;
}

/* A read transaction and the tenant's number. */
static enum scim_err
begin(scimlet *sl, const char *tenant, struct store_txn **tx, uint32_t *tn)
{
	struct tenant	t;
	enum scim_err	e;

	if (sl == NULL || tenant == NULL)
		return SCIM_ENOTFOUND;
	if ((e = store_begin_shared(sl->sl_store, tx)) != SCIM_OK)
		return e;
	if ((e = store_tenant_get(*tx, tenant, &t)) != SCIM_OK) {
		store_abort(tx);
		return e;
	}
	*tn = t.tn_id;
	return SCIM_OK;
}

int
scimlet_user_get(scimlet *sl, const char *tenant, const char *who,
    struct scimlet_user **out)
{
	struct store_txn	*tx;
	uint8_t			 id[16], ids[2][16];
	char			 folded[SCIM_MAX_KEYSTR + 1];
	const char		*json;
	size_t			 len, n = 0;
	uint32_t		 tn;
	enum scim_err		 e;

	*out = NULL;
	if (who == NULL || (e = begin(sl, tenant, &tx, &tn)) != SCIM_OK)
		return who == NULL ? SCIMLET_NOTFOUND : result(e);
	e = SCIM_ENOTFOUND;
	if (util_uuid_parse(who, id) == 0)
		e = store_res_get(tx, tn, RES_USER, id, &json, &len);
	if (e == SCIM_ENOTFOUND && strlen(who) <= SCIM_MAX_KEYSTR) {
		schema_fold(who, folded);
		e = store_idx_find(tx, tn, RES_USER, IDX_USERNAME, folded,
		    strlen(folded), ids, 2, &n);
		if (e == SCIM_OK && n == 0)
			e = SCIM_ENOTFOUND;
		if (e == SCIM_OK) {
			memcpy(id, ids[0], 16);
			e = store_res_get(tx, tn, RES_USER, id, &json, &len);
		}
	}
	if (e == SCIM_OK)
		e = user_make(tx, tn, id, json, len, out);
	store_abort(&tx);
	return result(e);
}

struct each {
	struct store_txn	*ea_tx;
	uint32_t		 ea_tn;
	int			(*ea_cb)(const struct scimlet_user *, void *);
	void			*ea_arg;
	enum scim_err		 ea_err;
};

static int
each_user(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct each		*ea = arg;
	struct scimlet_user	*u;
	int			 stop;

	if ((ea->ea_err = user_make(ea->ea_tx, ea->ea_tn, id, json, len,
	    &u)) != SCIM_OK)
		return 1;
	stop = ea->ea_cb(u, ea->ea_arg);
	scimlet_user_free(u);
	return stop != 0;
}

int
scimlet_users_each(scimlet *sl, const char *tenant,
    int (*cb)(const struct scimlet_user *, void *), void *arg)
{
	struct each	ea;
	enum scim_err	e;

	memset(&ea, 0, sizeof(ea));
	if ((e = begin(sl, tenant, &ea.ea_tx, &ea.ea_tn)) != SCIM_OK)
		return result(e);
	ea.ea_cb = cb;
	ea.ea_arg = arg;
	e = store_res_each(ea.ea_tx, ea.ea_tn, RES_USER, each_user, &ea);
	if (e == SCIM_OK)
		e = ea.ea_err;
	store_abort(&ea.ea_tx);
	return result(e);
}

int
scimlet_changes_each(scimlet *sl, const char *tenant, uint64_t since,
    int (*cb)(uint64_t, const char *, size_t, void *), void *arg)
{
	struct store_txn	*tx;
	uint64_t		 floor, last;
	uint32_t		 tn;
	enum scim_err		 e;

	if ((e = begin(sl, tenant, &tx, &tn)) != SCIM_OK)
		return result(e);
	if ((e = store_feed_bounds(tx, tn, &floor, &last)) == SCIM_OK &&
	    since + 1 < floor) {
		store_abort(&tx);
		return SCIMLET_GONE;
	}
	if (e == SCIM_OK)
		e = store_feed_each(tx, tn, since + 1, cb, arg);
	store_abort(&tx);
	return result(e);
}
