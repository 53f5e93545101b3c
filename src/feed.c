/*
 * feed.c: the tenant's change feed, what the application reads to learn
 * every change in order (doc/architecture.md §5.8).  Each record is made
 * in the transaction of its change and carries the state the application
 * needs without asking again: a user's userName, externalId, active,
 * application roles and groups; a group's displayName, externalId and
 * the members a change added and removed; a deletion the last name.
 * Records are numbered per tenant from 1 without gaps; pruning leaves a
 * floor, and asking from below it is 410 Gone, never a silent gap.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "ctx.h"
#include "feed.h"
#include "http.h"
#include "json.h"
#include "schema.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

struct feedrec {
	const struct ctx	*fr_cx;
	enum res_type		 fr_type;
	const uint8_t		*fr_id;
	const char		*fr_op;
	const char		*fr_name;	/* a deletion's last name */
	const cJSON		*fr_added, *fr_removed;
	const cJSON		*fr_doc;	/* as stored now, or NULL */
	cJSON			*fr_groups;	/* a user's group ids */
	cJSON			*fr_members;	/* a restored group's */
};

static int
group_id(const uint8_t gid[16], void *arg)
{
	char	ids[UUID_STRLEN + 1];

	util_uuid_format(gid, ids);
	return cJSON_AddItemToArray(arg, cJSON_CreateString(ids)) ? 0 : 1;
}

static int
member_id(const uint8_t id[16], enum res_type type, const char *display,
    size_t dlen, void *arg)
{
	(void)type;
	(void)display;
	(void)dlen;
	return group_id(id, arg);
}

static int
add_copy(cJSON *o, const char *key, const cJSON *v)
{
	cJSON	*c;

	if (v == NULL)
		return cJSON_AddNullToObject(o, key) != NULL ? 0 : -1;
	if ((c = cJSON_Duplicate(v, 1)) == NULL)
		return -1;
	return json_add(o, key, c);
}

static char *
feed_make(uint64_t seq, void *arg)
{
	struct feedrec	*fr = arg;
	const cJSON	*d = fr->fr_doc, *roles;
	char		 now[TIME_STRLEN + 1], ids[UUID_STRLEN + 1], *out;
	int		 user = fr->fr_type == RES_USER, bad = 0;
	cJSON		*o;

	util_time_now(now);
	util_uuid_format(fr->fr_id, ids);
	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	bad |= cJSON_AddNumberToObject(o, "seq", (double)seq) == NULL;
	bad |= cJSON_AddStringToObject(o, "time", now) == NULL;
	bad |= cJSON_AddStringToObject(o, "tenant",
	    fr->fr_cx->cx_tenant.tn_name) == NULL;
	bad |= cJSON_AddStringToObject(o, "type", user ? "User" : "Group") ==
	    NULL;
	bad |= cJSON_AddStringToObject(o, "id", ids) == NULL;
	bad |= cJSON_AddStringToObject(o, "op", fr->fr_op) == NULL;
	if (d == NULL) {
		/* Gone: the name it last had. */
		bad |= fr->fr_name != NULL ? cJSON_AddStringToObject(o,
		    user ? "userName" : "displayName", fr->fr_name) == NULL :
		    cJSON_AddNullToObject(o, user ? "userName" :
		    "displayName") == NULL;
	} else if (user) {
		roles = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(d, URN_SCIMLET), "appRoles");
		bad |= add_copy(o, "userName",
		    cJSON_GetObjectItemCaseSensitive(d, "userName")) == -1;
		bad |= add_copy(o, "externalId",
		    cJSON_GetObjectItemCaseSensitive(d, "externalId")) == -1;
		bad |= cJSON_AddBoolToObject(o, "active", !cJSON_IsFalse(
		    cJSON_GetObjectItemCaseSensitive(d, "active"))) == NULL;
		bad |= roles != NULL ? add_copy(o, "appRoles", roles) == -1 :
		    cJSON_AddArrayToObject(o, "appRoles") == NULL;
		bad |= add_copy(o, "groups", fr->fr_groups) == -1;
	} else {
		bad |= add_copy(o, "displayName",
		    cJSON_GetObjectItemCaseSensitive(d, "displayName")) == -1;
		bad |= add_copy(o, "externalId",
		    cJSON_GetObjectItemCaseSensitive(d, "externalId")) == -1;
	}
	if (fr->fr_added != NULL)
		bad |= add_copy(o, "members_added", fr->fr_added) == -1;
	if (fr->fr_removed != NULL)
		bad |= add_copy(o, "members_removed", fr->fr_removed) == -1;
	out = bad ? NULL : cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return out;
}

enum scim_err
feed_add(struct store_txn *tx, const struct ctx *cx, enum res_type type,
    const uint8_t id[16], const char *op, const char *name,
    const cJSON *added, const cJSON *removed)
{
	struct feedrec	 fr;
	const char	*json;
	size_t		 len;
	cJSON		*doc = NULL;
	uint32_t	 tn = cx->cx_tenant.tn_id;
	enum scim_err	 e;

	memset(&fr, 0, sizeof(fr));
	fr.fr_cx = cx;
	fr.fr_type = type;
	fr.fr_id = id;
	fr.fr_op = op;
	fr.fr_name = name;
	fr.fr_added = added;
	fr.fr_removed = removed;
	/* The state as this transaction leaves it. */
	e = store_res_get(tx, tn, type, id, &json, &len);
	if (e == SCIM_OK && (doc = cJSON_ParseWithLength(json, len)) == NULL)
		return SCIM_ESTORE;
	if (e != SCIM_OK && e != SCIM_ENOTFOUND)
		return e;
	fr.fr_doc = doc;
	/* A group restored: its members are all new to the reader. */
	if (doc != NULL && type == RES_GROUP && added == NULL &&
	    strcmp(op, "restore") == 0) {
		if ((fr.fr_members = cJSON_CreateArray()) == NULL) {
			cJSON_Delete(doc);
			return SCIM_ENOMEM;
		}
		if ((e = store_member_each(tx, tn, id, member_id,
		    fr.fr_members)) != SCIM_OK) {
			cJSON_Delete(fr.fr_members);
			cJSON_Delete(doc);
			return e;
		}
		fr.fr_added = fr.fr_members;
	}
	if (doc != NULL && type == RES_USER) {
		if ((fr.fr_groups = cJSON_CreateArray()) == NULL)
			e = SCIM_ENOMEM;
		else
			e = store_memberof_each(tx, tn, id, group_id,
			    fr.fr_groups);
	} else
		e = SCIM_OK;
	if (e == SCIM_OK)
		e = store_feed_add(tx, tn, feed_make, &fr);
	cJSON_Delete(fr.fr_groups);
	cJSON_Delete(fr.fr_members);
	cJSON_Delete(doc);
	return e;
}

struct page {
	struct buf	*pg_out;
	uint64_t	 pg_next;
	long long	 pg_left;
	int		 pg_more;
	int		 pg_first;
};

static int
page_one(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct page	*pg = arg;

	if (pg->pg_left == 0) {
		pg->pg_more = 1;
		return 1;
	}
	if (!pg->pg_first)
		buf_add(pg->pg_out, ",", 1);
	buf_add(pg->pg_out, json, len);
	pg->pg_first = 0;
	pg->pg_next = seq;
	pg->pg_left--;
	return 0;
}

/* A decimal query parameter in [min, max], or def when absent. */
static enum scim_err
query_num(const struct scim_req *req, const char *name, long long min,
    long long max, long long def, long long *out, struct scim_resp *resp)
{
	char	v[32];
	int	rc;

	*out = def;
	if ((rc = http_query_get(req->rq_query, name, v, sizeof(v))) == 0)
		return SCIM_OK;
	if (rc == -1 || util_strtonum(v, min, max, out) == -1)
		return scim_fail(resp, SCIM_EINVALVALUE, "%s must be a number "
		    "from %lld to %lld", name, min, max);
	return SCIM_OK;
}

enum scim_err
feed_get(struct scim_req *req, struct scim_resp *resp)
{
	const struct ctx	*cx = req->rq_cx;
	struct store_txn	*tx = NULL;
	struct buf		 b;
	struct page		 pg;
	long long		 since, count;
	uint64_t		 floor, last;
	char			 num[96];
	enum scim_err		 e;

	if ((e = query_num(req, "since", 0, 0x7fffffffffffffffLL, 0, &since,
	    resp)) != SCIM_OK || (e = query_num(req, "count", 1,
	    FEED_MAX_COUNT, FEED_COUNT_DEFAULT, &count, resp)) != SCIM_OK)
		return e;
	if ((e = store_begin(cx->cx_store, 0, &tx)) != SCIM_OK)
		return scim_fail(resp, e, NULL);
	/* A preview's tenant: the live feed (src/preview.h). */
	if ((e = store_feed_bounds(tx, TENANT_HOME(&cx->cx_tenant), &floor,
	    &last)) != SCIM_OK) {
		store_abort(&tx);
		return scim_fail(resp, e, NULL);
	}
	/* Records after since were pruned: say so, never skip them. */
	if ((uint64_t)since + 1 < floor) {
		store_abort(&tx);
		return scim_fail(resp, SCIM_EGONE, "changes after %lld were "
		    "pruned; the oldest kept is %llu: read the full listing "
		    "again, then follow from %llu", since,
		    (unsigned long long)floor, (unsigned long long)floor - 1);
	}
	buf_init(&b, SCIM_MAX_RESPONSE);
	memset(&pg, 0, sizeof(pg));
	pg.pg_out = &b;
	pg.pg_next = (uint64_t)since;
	pg.pg_left = count;
	pg.pg_first = 1;
	buf_str(&b, "{\"changes\":[");
	e = store_feed_each(tx, TENANT_HOME(&cx->cx_tenant),
	    (uint64_t)since + 1, page_one, &pg);
	store_abort(&tx);
	if (e != SCIM_OK) {
		buf_free(&b);
		return scim_fail(resp, e, NULL);
	}
	snprintf(num, sizeof(num), "],\"next\":%llu,\"more\":%s,\"last\":%llu}",
	    (unsigned long long)pg.pg_next, pg.pg_more ? "true" : "false",
	    (unsigned long long)last);
	buf_str(&b, num);
	if ((e = buf_failed(&b)) != SCIM_OK) {
		buf_free(&b);
		return scim_fail(resp, e == SCIM_ENOMEM ? SCIM_ENOMEM :
		    SCIM_ETOOLARGE, "the page is too large: ask a smaller "
		    "count");
	}
	resp->rp_len = b.b_len;
	resp->rp_body = buf_take(&b);
	resp->rp_status = 200;
	return SCIM_OK;
}
