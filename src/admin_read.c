/*
 * admin_read.c: the console's API for tenants/T/{cycles, activity, users,
 * groups} (admin_int.h).  Reads only, each made by the library calls the
 * CLI makes (cycle.h, activity_query.h, user_query.h), so the page and
 * `scimlet ... --json` agree.  Every list is bounded: ?limit=N (default
 * 100, at most 1000) and "more" true when it was cut.
 *
 *	GET	tenants/T/cycles		newest first
 *	GET	tenants/T/cycles/ID|last	one, its failures outstanding first
 *	GET	tenants/T/activity		`scimlet activity --json`'s records
 *	GET	tenants/T/users?q=		search userName, displayName
 *	GET	tenants/T/users/ID|USERNAME	one, with groups, roles, history
 *	GET	tenants/T/groups?q=		search displayName
 *	GET	tenants/T/groups/ID		one, its member count, 100 members
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "activity_query.h"
#include "admin_int.h"
#include "deprov.h"
#include "cycle.h"
#include "json.h"
#include "schema.h"
#include "scim_error.h"
#include "store.h"
#include "user_query.h"
#include "util.h"

#define READ_LIMIT	100	/* a list's length unless ?limit= */
#define READ_LIMIT_MAX	1000
#define DETAIL_MAX	100	/* history and members on a detail page */

/* ?name= into buf: 1 given, 0 absent, -1 (400 said) too long. */
static int
param(struct admin_call *ac, const char *name, char *buf, size_t len)
{
	int	r;

	r = http_query_get(ac->ac_req->rq_query, name, buf, len);
	if (r == -1)
		scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "%s: too long or "
		    "not text", name);
	return r;
}

/* ?limit= into *n (READ_LIMIT when absent); SCIM_OK or 400. */
static enum scim_err
limit_of(struct admin_call *ac, long long *n)
{
	char	buf[32];
	int	r;

	*n = READ_LIMIT;
	if ((r = param(ac, "limit", buf, sizeof(buf))) == -1)
		return SCIM_EINVALVALUE;
	if (r == 1 && util_strtonum(buf, 1, READ_LIMIT_MAX, n) == -1)
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "limit: a "
		    "number from 1 to %d", READ_LIMIT_MAX);
	return SCIM_OK;
}

/* Check tenant name in a read transaction of its own into t. */
static enum scim_err
tenant_of(struct admin_call *ac, struct tenant *t)
{
	struct store_txn	*tx = NULL;
	enum scim_err		 e;

	if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
		return e;
	e = admin_tenant(ac, tx, ac->ac_seg[1], t);
	store_abort(&tx);
	return e;
}

/* {key: arr (consumed), "more": more}, answered. */
static enum scim_err
list_answer(struct admin_call *ac, const char *key, cJSON *arr, int more)
{
	cJSON	*o;

	if ((o = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(arr);
		return SCIM_ENOMEM;
	}
	if (json_add(o, key, arr) == -1 ||
	    json_add(o, "more", cJSON_CreateBool(more)) == -1) {
		cJSON_Delete(o);
		return SCIM_ENOMEM;
	}
	return admin_json(ac, 200, o);
}

/* Drop what `cycles --json` does not show (src/cli/activity.c). */
static void
tidy(cJSON *cy)
{
	cJSON_DeleteItemFromObject(cy, "start_us");
	cJSON_DeleteItemFromObject(cy, "end_us");
}

/* GET cycles: newest first. */
static enum scim_err
cycles(struct admin_call *ac, const struct tenant *t)
{
	cJSON		*list = NULL, *out, *cy;
	long long	 limit;
	int		 more = 0;
	enum scim_err	 e;

	if ((e = limit_of(ac, &limit)) != SCIM_OK)
		return e;
	if ((e = cycle_list(ac->ac_store, t, NULL, 0, &list)) != SCIM_OK)
		return e;
	if ((out = cJSON_CreateArray()) == NULL) {
		cJSON_Delete(list);
		return SCIM_ENOMEM;
	}
	while ((cy = cJSON_GetArrayItem(list, cJSON_GetArraySize(list) - 1))
	    != NULL) {
		if (cJSON_GetArraySize(out) == limit) {
			more = 1;
			break;
		}
		cJSON_DetachItemViaPointer(list, cy);
		tidy(cy);
		cJSON_AddItemToArray(out, cy);
	}
	cJSON_Delete(list);
	return list_answer(ac, "cycles", out, more);
}

/* GET cycles/ID|last: `cycle T ID --json`, outstanding failures first. */
static enum scim_err
cycle_one(struct admin_call *ac, const struct tenant *t, const char *id)
{
	cJSON		*list = NULL, *cy = NULL, *v, *failed, *sorted, *o;
	int		 pass;
	enum scim_err	 e;

	e = cycle_list(ac->ac_store, t, id, 0, &list);
	if (e == SCIM_OK)
		cJSON_ArrayForEach(v, list)
			if (cJSON_GetObjectItem(v, "failed") != NULL)
				cy = v;
	if (e == SCIM_ENOTFOUND || (e == SCIM_OK && cy == NULL)) {
		cJSON_Delete(list);
		return scim_fail(ac->ac_resp, SCIM_ENOTFOUND, "no such cycle");
	}
	if (e != SCIM_OK)
		return e;
	cJSON_DetachItemViaPointer(list, cy);
	cJSON_Delete(list);
	tidy(cy);
	/* Outstanding first, each part in the order the cycle has them. */
	failed = cJSON_DetachItemFromObject(cy, "failed");
	if ((sorted = cJSON_CreateArray()) == NULL) {
		cJSON_Delete(failed);
		cJSON_Delete(cy);
		return SCIM_ENOMEM;
	}
	for (pass = 0; pass < 2; pass++) {
		v = failed != NULL ? failed->child : NULL;
		while (v != NULL) {
			cJSON	*next = v->next;
			const char *s = cJSON_GetStringValue(
			    cJSON_GetObjectItem(v, "state"));
			int	 out = s != NULL && strcmp(s, "outstanding") == 0;

			if (pass == 0 ? out : 1)
				cJSON_AddItemToArray(sorted,
				    cJSON_DetachItemViaPointer(failed, v));
			v = next;
		}
	}
	cJSON_Delete(failed);
	if (json_add(cy, "failed", sorted) == -1 ||
	    (o = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(cy);
		return SCIM_ENOMEM;
	}
	if (json_add(o, "cycle", cy) == -1) {
		cJSON_Delete(o);
		return SCIM_ENOMEM;
	}
	return admin_json(ac, 200, o);
}

/* GET activity: the filters of `scimlet activity`, the newest limit. */
static enum scim_err
activity(struct admin_call *ac, const struct tenant *t)
{
	struct act_query	 q;
	struct store_txn	*tx = NULL;
	char			 since[64], last[32], status[16];
	char			 who[SCIM_MAX_KEYSTR + 1], req[64];
	char			 grp[SCIM_MAX_KEYSTR + 1];
	cJSON			*arr = NULL;
	double			 secs;
	long long		 limit, n;
	int			 r, rg, more = 0;
	enum scim_err		 e;

	memset(&q, 0, sizeof(q));
	if ((e = limit_of(ac, &limit)) != SCIM_OK)
		return e;
	if ((r = param(ac, "since", since, sizeof(since))) == -1)
		return SCIM_EINVALVALUE;
	if (r == 1) {
		if (util_time_parse(since, &secs) == -1 || secs < 0)
			return scim_fail(ac->ac_resp, SCIM_EINVALVALUE,
			    "since: not an RFC 3339 time");
		q.aq_from = (uint64_t)(secs * 1000000);
	}
	if ((r = param(ac, "last", last, sizeof(last))) == -1)
		return SCIM_EINVALVALUE;
	if (r == 1) {
		if (util_duration_parse(last, &n) == -1)
			return scim_fail(ac->ac_resp, SCIM_EINVALVALUE,
			    "last: not a duration (30m, 12h, 7d)");
		q.aq_from = util_now_us() - (uint64_t)n * 1000000;
	}
	if ((r = param(ac, "status", status, sizeof(status))) == -1)
		return SCIM_EINVALVALUE;
	if (r == 1 && act_query_status(status, &q.aq_status) == -1)
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE,
		    "status: 4xx, 5xx or a status code");
	if ((r = param(ac, "user", who, sizeof(who))) == -1 ||
	    (rg = param(ac, "group", grp, sizeof(grp))) == -1)
		return SCIM_EINVALVALUE;
	if (r == 1 && who[0] != '\0' && rg == 1 && grp[0] != '\0')
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE,
		    "give one of user and group");
	if (r == 1 && who[0] != '\0') {
		q.aq_type = 'U';
		q.aq_who = who;
	} else if (rg == 1 && grp[0] != '\0') {
		q.aq_type = 'G';
		q.aq_who = grp;
	}
	if ((r = param(ac, "request", req, sizeof(req))) == -1)
		return SCIM_EINVALVALUE;
	if (r == 1 && req[0] != '\0')
		q.aq_request = req;
	if (q.aq_type) {
		if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
			return e;
		act_query_resolve(tx, t->tn_id, &q);
		store_abort(&tx);
	}
	if ((e = act_query_run(ac->ac_store, t->tn_id, t->tn_name, &q, limit,
	    &arr, &more)) != SCIM_OK)
		return e;
	return list_answer(ac, "records", arr, more);
}

/* Does hay hold needle, ASCII letters in any case? */
static int
has_text(const char *hay, const char *needle)
{
	size_t	i, j, n = strlen(needle);

	if (hay == NULL)
		return 0;
	for (i = 0; hay[i] != '\0'; i++) {
		for (j = 0; j < n && hay[i + j] != '\0' &&
		    tolower((unsigned char)hay[i + j]) ==
		    tolower((unsigned char)needle[j]); j++)
			continue;
		if (j == n)
			return 1;
	}
	return n == 0;
}

struct search {
	const char	*s_q;
	long long	 s_limit;
	enum res_type	 s_type;
	struct store_txn *s_tx;
	uint32_t	 s_tenant;
	cJSON		*s_arr;
	int		 s_more;
	enum scim_err	 s_err;
};

static int
member_count_cb(const uint8_t id[16], enum res_type type,
    const char *display, size_t dlen, void *arg)
{
	(void)id;
	(void)type;
	(void)display;
	(void)dlen;
	(*(uint64_t *)arg)++;
	return 0;
}

static int
search_cb(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct search	*s = arg;
	cJSON		*doc, *o = NULL;
	const char	*un, *dn, *ex;
	char		 ids[UUID_STRLEN + 1];
	uint64_t	 n = 0;

	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		s->s_err = SCIM_ESTORE;
		return 1;
	}
	un = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "userName"));
	dn = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "displayName"));
	if (s->s_q[0] != '\0' && !(s->s_type == RES_USER &&
	    has_text(un, s->s_q)) && !has_text(dn, s->s_q)) {
		cJSON_Delete(doc);
		return 0;
	}
	if (cJSON_GetArraySize(s->s_arr) == s->s_limit) {
		s->s_more = 1;
		cJSON_Delete(doc);
		return 1;
	}
	util_uuid_format(id, ids);
	if (s->s_type == RES_USER) {
		if ((o = user_list_json(ids, doc)) == NULL ||
		    json_add(o, "displayName", dn != NULL ?
		    cJSON_CreateString(dn) : cJSON_CreateNull()) == -1)
			goto fail;
	} else {
		ex = cJSON_GetStringValue(cJSON_GetObjectItem(doc,
		    "externalId"));
		if (store_member_each(s->s_tx, s->s_tenant, id,
		    member_count_cb, &n) != SCIM_OK) {
			s->s_err = SCIM_ESTORE;
			cJSON_Delete(doc);
			return 1;
		}
		if ((o = cJSON_CreateObject()) == NULL ||
		    json_add_string(o, "id", ids) == -1 ||
		    json_add(o, "displayName", dn != NULL ?
		    cJSON_CreateString(dn) : cJSON_CreateNull()) == -1 ||
		    json_add(o, "externalId", ex != NULL ?
		    cJSON_CreateString(ex) : cJSON_CreateNull()) == -1 ||
		    json_add(o, "members", cJSON_CreateNumber((double)n)) ==
		    -1)
			goto fail;
	}
	cJSON_Delete(doc);
	if (!cJSON_AddItemToArray(s->s_arr, o)) {
		cJSON_Delete(o);
		s->s_err = SCIM_ENOMEM;
		return 1;
	}
	return 0;
 fail:
	cJSON_Delete(o);
	cJSON_Delete(doc);
	s->s_err = SCIM_ENOMEM;
	return 1;
}

/*
 * GET users?q=, groups?q=: in id order, those whose userName or
 * displayName (groups: displayName) holds q in any case (ASCII letters),
 * the first limit; no q: all.
 */
static enum scim_err
search(struct admin_call *ac, enum res_type type)
{
	struct store_txn	*tx = NULL;
	struct tenant		 t;
	struct search		 s;
	char			 q[SCIM_MAX_KEYSTR + 1];
	enum scim_err		 e;

	memset(&s, 0, sizeof(s));
	if ((e = limit_of(ac, &s.s_limit)) != SCIM_OK)
		return e;
	switch (param(ac, "q", q, sizeof(q))) {
	case -1:
		return SCIM_EINVALVALUE;
	case 0:
		q[0] = '\0';
		break;
	}
	s.s_q = q;
	s.s_type = type;
	if ((s.s_arr = cJSON_CreateArray()) == NULL)
		return SCIM_ENOMEM;
	if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
		goto out;
	s.s_tx = tx;
	if ((e = admin_tenant(ac, tx, ac->ac_seg[1], &t)) != SCIM_OK)
		goto out;
	s.s_tenant = t.tn_id;
	if ((e = store_res_each(tx, t.tn_id, type, search_cb, &s)) ==
	    SCIM_OK)
		e = s.s_err;
	store_abort(&tx);
	if (e == SCIM_OK) {
		e = list_answer(ac, type == RES_USER ? "users" : "groups",
		    s.s_arr, s.s_more);
		s.s_arr = NULL;
	}
 out:
	store_abort(&tx);
	cJSON_Delete(s.s_arr);
	return e;
}


struct groupsof {
	struct store_txn	*go_tx;
	uint32_t		 go_tenant;
	cJSON			*go_arr;
	int			 go_more;
	enum scim_err		 go_err;
};

static int
groupsof_cb(const uint8_t gid[16], void *arg)
{
	struct groupsof	*go = arg;
	const char	*json;
	size_t		 len;
	cJSON		*doc, *o;
	char		 ids[UUID_STRLEN + 1];
	const char	*dn;

	if (cJSON_GetArraySize(go->go_arr) == READ_LIMIT_MAX) {
		go->go_more = 1;
		return 1;
	}
	if (store_res_get(go->go_tx, go->go_tenant, RES_GROUP, gid, &json,
	    &len) != SCIM_OK)
		return 0;
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL)
		return 0;
	util_uuid_format(gid, ids);
	dn = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "displayName"));
	if ((o = cJSON_CreateObject()) == NULL ||
	    json_add_string(o, "id", ids) == -1 ||
	    json_add(o, "displayName", dn != NULL ? cJSON_CreateString(dn) :
	    cJSON_CreateNull()) == -1 || !cJSON_AddItemToArray(go->go_arr,
	    o)) {
		cJSON_Delete(o);
		go->go_err = SCIM_ENOMEM;
		cJSON_Delete(doc);
		return 1;
	}
	cJSON_Delete(doc);
	return 0;
}

/* {"groups":bool,"activity":bool,"audit":bool}-like: more of each. */
static cJSON *
more_json(const char *k1, int m1, const char *k2, int m2, const char *k3,
    int m3)
{
	cJSON	*o = cJSON_CreateObject();

	if (o == NULL || json_add(o, k1, cJSON_CreateBool(m1)) == -1 ||
	    json_add(o, k2, cJSON_CreateBool(m2)) == -1 ||
	    (k3 != NULL && json_add(o, k3, cJSON_CreateBool(m3)) == -1)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/*
 * GET users/ID|USERNAME: {"user": the stored resource, "groups": [{"id",
 * "displayName"}], "roles": its application roles, "activity": the
 * newest 100 records `activity T --user USERNAME` shows, "audit": the
 * newest 100 audit entries about it, "more": {"groups", "activity",
 * "audit"}}.
 */
static enum scim_err
user_one(struct admin_call *ac, const char *who)
{
	struct store_txn	*tx = NULL;
	struct tenant		 t;
	struct groupsof		 go;
	struct audit_filter	 af;
	struct act_query	 q;
	const char		*json, *un;
	char			 ids[UUID_STRLEN + 1];
	char			 name[SCIM_MAX_KEYSTR + 1];
	uint8_t			 uid[16];
	size_t			 len;
	cJSON			*doc = NULL, *o = NULL, *roles, *recs = NULL;
	cJSON			*audit = NULL;
	int			 more = 0, amore = 0;
	enum scim_err		 e;

	memset(&go, 0, sizeof(go));
	memset(&af, 0, sizeof(af));
	memset(&q, 0, sizeof(q));
	if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
		return e;
	if ((e = admin_tenant(ac, tx, ac->ac_seg[1], &t)) != SCIM_OK)
		goto out;
	if ((e = user_find(tx, &t, who, &json, &len)) == SCIM_ENOTFOUND) {
		e = scim_fail(ac->ac_resp, SCIM_ENOTFOUND, "no such user");
		goto out;
	}
	if (e != SCIM_OK)
		goto out;
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL ||
	    cJSON_GetStringValue(cJSON_GetObjectItem(doc, "id")) == NULL ||
	    util_uuid_parse(cJSON_GetStringValue(cJSON_GetObjectItem(doc,
	    "id")), uid) == -1) {
		e = SCIM_ESTORE;
		goto out;
	}
	util_uuid_format(uid, ids);
	if ((o = cJSON_CreateObject()) == NULL ||
	    (go.go_arr = cJSON_CreateArray()) == NULL) {
		e = SCIM_ENOMEM;
		goto out;
	}
	go.go_tx = tx;
	go.go_tenant = t.tn_id;
	if ((e = store_memberof_each(tx, t.tn_id, uid, groupsof_cb, &go)) !=
	    SCIM_OK || (e = go.go_err) != SCIM_OK)
		goto out;
	/* Its audit entries: as `audit list T --id ID`. */
	af.af_id = ids;
	if ((e = audit_list(tx, &t, &af, DETAIL_MAX, &audit, &amore)) !=
	    SCIM_OK)
		goto out;
	/* Its activity: as `activity T --user USERNAME` (else its id). */
	un = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "userName"));
	util_strlcpy(name, un != NULL && strlen(un) <= SCIM_MAX_KEYSTR ? un :
	    ids, sizeof(name));
	q.aq_type = 'U';
	q.aq_who = name;
	act_query_resolve(tx, t.tn_id, &q);
	if (q.aq_nids == 0) {
		memcpy(q.aq_ids[0], uid, 16);
		q.aq_nids = 1;
	}
	store_abort(&tx);
	/* The activity log is read with no data transaction open. */
	if ((e = act_query_run(ac->ac_store, t.tn_id, t.tn_name, &q,
	    DETAIL_MAX, &recs, &more)) != SCIM_OK)
		goto out;
	roles = cJSON_Duplicate(user_app_roles(doc), 1);
	if (json_add(o, "user", doc) == -1) {
		doc = NULL;
		cJSON_Delete(roles);
		e = SCIM_ENOMEM;
		goto out;
	}
	doc = NULL;
	if (json_add(o, "groups", go.go_arr) == -1 ||
	    json_add(o, "roles", roles != NULL ? roles :
	    cJSON_CreateArray()) == -1 ||
	    json_add(o, "activity", recs) == -1 ||
	    json_add(o, "audit", audit) == -1 ||
	    json_add(o, "more", more_json("groups", go.go_more, "activity",
	    more, "audit", amore)) == -1) {
		go.go_arr = recs = audit = NULL;
		e = SCIM_ENOMEM;
		goto out;
	}
	go.go_arr = recs = audit = NULL;
	e = admin_json(ac, 200, o);
	o = NULL;
 out:
	store_abort(&tx);
	cJSON_Delete(audit);
	cJSON_Delete(go.go_arr);
	cJSON_Delete(recs);
	cJSON_Delete(doc);
	cJSON_Delete(o);
	return e;
}

struct members {
	cJSON		*mb_arr;
	uint64_t	 mb_n;
	enum scim_err	 mb_err;
};

static int
members_cb(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	struct members	*mb = arg;
	char		 ids[UUID_STRLEN + 1], *d;
	cJSON		*o;

	if (mb->mb_n++ >= DETAIL_MAX)
		return 0;
	util_uuid_format(id, ids);
	if ((d = strndup(display, dlen)) == NULL) {
		mb->mb_err = SCIM_ENOMEM;
		return 1;
	}
	if ((o = cJSON_CreateObject()) == NULL ||
	    json_add_string(o, "id", ids) == -1 ||
	    json_add_string(o, "type", type == RES_GROUP ? "Group" :
	    "User") == -1 ||
	    json_add_string(o, "display", d) == -1 ||
	    !cJSON_AddItemToArray(mb->mb_arr, o)) {
		cJSON_Delete(o);
		mb->mb_err = SCIM_ENOMEM;
	}
	free(d);
	return mb->mb_err != SCIM_OK;
}

/*
 * GET groups/ID|DISPLAYNAME: {"group": the stored resource, "memberCount":
 * N, "members": the first 100 [{"id","type","display"}] in id order,
 * "more": bool}.
 */
static enum scim_err
group_one(struct admin_call *ac, const char *who)
{
	struct store_txn	*tx = NULL;
	struct tenant		 t;
	struct members		 mb;
	const char		*json;
	char			 folded[SCIM_MAX_KEYSTR + 1];
	uint8_t			 gid[16], ids[2][16];
	size_t			 len, n;
	cJSON			*o = NULL, *doc;
	enum scim_err		 e;

	memset(&mb, 0, sizeof(mb));
	if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
		return e;
	if ((e = admin_tenant(ac, tx, ac->ac_seg[1], &t)) != SCIM_OK)
		goto out;
	e = SCIM_ENOTFOUND;
	if (util_uuid_parse(who, gid) == 0)
		e = store_res_get(tx, t.tn_id, RES_GROUP, gid, &json, &len);
	if (e == SCIM_ENOTFOUND && strlen(who) <= SCIM_MAX_KEYSTR) {
		schema_fold(who, folded);
		if (store_idx_find(tx, t.tn_id, RES_GROUP, IDX_DISPLAYNAME,
		    folded, strlen(folded), ids, 2, &n) == SCIM_OK && n > 0) {
			memcpy(gid, ids[0], 16);
			e = store_res_get(tx, t.tn_id, RES_GROUP, gid, &json,
			    &len);
		}
	}
	if (e == SCIM_ENOTFOUND) {
		e = scim_fail(ac->ac_resp, SCIM_ENOTFOUND, "no such group");
		goto out;
	}
	if (e != SCIM_OK)
		goto out;
	if ((o = cJSON_CreateObject()) == NULL ||
	    (mb.mb_arr = cJSON_CreateArray()) == NULL) {
		e = SCIM_ENOMEM;
		goto out;
	}
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		e = SCIM_ESTORE;
		goto out;
	}
	if (json_add(o, "group", doc) == -1) {
		e = SCIM_ENOMEM;
		goto out;
	}
	if ((e = store_member_each(tx, t.tn_id, gid, members_cb, &mb)) !=
	    SCIM_OK || (e = mb.mb_err) != SCIM_OK)
		goto out;
	store_abort(&tx);
	if (json_add(o, "memberCount", cJSON_CreateNumber((double)mb.mb_n)) ==
	    -1 || json_add(o, "more", cJSON_CreateBool(mb.mb_n >
	    DETAIL_MAX)) == -1) {
		e = SCIM_ENOMEM;
		goto out;
	}
	if (json_add(o, "members", mb.mb_arr) == -1) {
		mb.mb_arr = NULL;
		e = SCIM_ENOMEM;
		goto out;
	}
	mb.mb_arr = NULL;
	e = admin_json(ac, 200, o);
	o = NULL;
 out:
	store_abort(&tx);
	cJSON_Delete(mb.mb_arr);
	cJSON_Delete(o);
	return e;
}

enum scim_err
admin_read(struct admin_call *ac)
{
	struct tenant	 t;
	const char	*w = ac->ac_seg[2];
	enum scim_err	 e;

	if (ac->ac_req->rq_method != HTTP_GET &&
	    ac->ac_req->rq_method != HTTP_HEAD) {
		util_strlcpy(ac->ac_resp->rp_allow, "GET, HEAD",
		    sizeof(ac->ac_resp->rp_allow));
		return scim_fail(ac->ac_resp, SCIM_EMETHOD, "GET, HEAD only");
	}
	if (ac->ac_nseg > 4 || (ac->ac_nseg == 4 &&
	    strcmp(w, "activity") == 0))
		return scim_fail(ac->ac_resp, SCIM_ENOTFOUND,
		    "no such endpoint");
	if (strcmp(w, "users") == 0 || strcmp(w, "groups") == 0) {
		if (ac->ac_nseg == 3)
			return search(ac, w[0] == 'u' ? RES_USER : RES_GROUP);
		return w[0] == 'u' ? user_one(ac, ac->ac_seg[3]) :
		    group_one(ac, ac->ac_seg[3]);
	}
	if ((e = tenant_of(ac, &t)) != SCIM_OK)
		return e;
	if (strcmp(w, "activity") == 0)
		return activity(ac, &t);
	return ac->ac_nseg == 3 ? cycles(ac, &t) :
	    cycle_one(ac, &t, ac->ac_seg[3]);
}
