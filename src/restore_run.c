/*
 * restore_run.c: `restore`'s run (deprov.h): the audit entries to undo,
 * picked by sequence number, since a time or number, or by sync cycle;
 * each undone by restore_entry() (restore.h), newest first, all or
 * nothing in the caller's write transaction; a cycle's undo arms the
 * tenant's breaker again (breaker.h).  The result is a JSON report the
 * CLI prints as text (or as it is, --json) and the console shows.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "breaker.h"
#include "ctx.h"
#include "cycle.h"
#include "deprov.h"
#include "json.h"
#include "restore.h"
#include "schema.h"
#include "scim.h"
#include "store.h"
#include "util.h"

#define REPORT_MAX	(1 << 20)	/* the lines of one entry */

/* A string member of an entry, or NULL. */
static const char *
str(const cJSON *e, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(e, name));
}

/*
 * Entries to restore, newest first: those since a time or sequence
 * number, or those a sync cycle wrote (the entries whose token is the
 * cycle's and whose request is one of the cycle's, rids sorted).
 */
struct pick {
	const struct restore_req *req;
	const char	*token;		/* a cycle's */
	char		**rids;
	size_t		 nrids;
	cJSON		*list;
	cJSON		*lost;		/* a cycle's role.lost entries */
	enum scim_err	 err;
};

static int
rid_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
in_cycle(const struct pick *p, const cJSON *e)
{
	const char	*tok = str(e, "token"), *rid = str(e, "request");

	return tok != NULL && rid != NULL && strcmp(tok, p->token) == 0 &&
	    bsearch(&rid, p->rids, p->nrids, sizeof(*p->rids), rid_cmp) !=
	    NULL;
}

static int
pick_entry(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct pick	*p = arg;
	cJSON		*e;
	const char	*a;

	if ((e = cJSON_ParseWithLength(json, len)) == NULL) {
		p->err = SCIM_ESTORE;
		return 1;
	}
	a = str(e, "action");
	if (a == NULL || (p->token != NULL ? !in_cycle(p, e) :
	    !audit_since_ok(&p->req->rr_since, seq, e)))
		cJSON_Delete(e);
	else if (restore_undoable(a))
		cJSON_InsertItemInArray(p->list, 0, e);	/* newest first */
	else if (p->token != NULL && strcmp(a, "role.lost") == 0)
		cJSON_AddItemToArray(p->lost, e);
	else
		cJSON_Delete(e);
	return 0;
}

/*
 * role.lost is not undone by itself: roles follow the role mapping and
 * the memberships (doc/architecture.md §4.6), so those the cycle took
 * come back with the users and memberships restored.  Say, for each,
 * whether they did.
 */
static enum scim_err
roles_back(struct store_txn *tx, const struct ctx *cx, const cJSON *lost,
    cJSON *out)
{
	const cJSON	*e, *r, *held, *h;
	const char	*json, *ids;
	uint8_t		 id[16];
	size_t		 len;
	cJSON		*doc, *o;
	int		 back;
	enum scim_err	 err;

	cJSON_ArrayForEach(e, lost) {
		ids = str(e, "id");
		if (ids == NULL || util_uuid_parse(ids, id) == -1)
			continue;
		err = store_res_get(tx, cx->cx_tenant.tn_id, RES_USER, id,
		    &json, &len);
		if (err != SCIM_OK && err != SCIM_ENOTFOUND)
			return err;
		doc = err == SCIM_OK ? cJSON_ParseWithLength(json, len) : NULL;
		held = cJSON_GetObjectItem(cJSON_GetObjectItem(doc,
		    URN_SCIMLET), "appRoles");
		cJSON_ArrayForEach(r, cJSON_GetObjectItem(e, "detail")) {
			if (!cJSON_IsString(r))
				continue;
			back = 0;
			cJSON_ArrayForEach(h, held)
				if (cJSON_IsString(h) &&
				    strcmp(h->valuestring, r->valuestring) == 0)
					back = 1;
			if ((o = cJSON_CreateObject()) == NULL ||
			    !cJSON_AddItemToArray(out, o) ||
			    json_add_string(o, "id", ids) == -1 ||
			    json_add(o, "name", str(e, "name") != NULL ?
			    cJSON_CreateString(str(e, "name")) :
			    cJSON_CreateNull()) == -1 ||
			    json_add_string(o, "role", r->valuestring) == -1 ||
			    json_add(o, "back", cJSON_CreateBool(back)) == -1 ||
			    json_add(o, "why", back ? cJSON_CreateNull() :
			    cJSON_CreateString(doc == NULL ?
			    "the user no longer exists" : "the role mapping "
			    "or memberships no longer give it")) == -1) {
				cJSON_Delete(doc);
				return SCIM_ENOMEM;
			}
		}
		cJSON_Delete(doc);
	}
	return SCIM_OK;
}

/* The cycle's actions that the breaker counts (breaker.h). */
static uint64_t
counted(const struct pick *p)
{
	const cJSON	*e;
	const char	*a;
	uint64_t	 n = (uint64_t)cJSON_GetArraySize(p->lost);

	cJSON_ArrayForEach(e, p->list) {
		a = str(e, "action");
		if (a != NULL && (strcmp(a, "user.deactivated") == 0 ||
		    strcmp(a, "user.deleted") == 0 ||
		    strcmp(a, "group.deleted") == 0))
			n++;
	}
	return n;
}

enum scim_err
restore_prepare(struct store *st, const struct tenant *t,
    struct restore_req *rq)
{
	rq->rr_cy = rq->rr_rids = NULL;
	if (rq->rr_by != RESTORE_CYCLE)
		return SCIM_OK;
	return cycle_find(st, t, rq->rr_cycle, &rq->rr_cy, &rq->rr_rids);
}

void
restore_free(struct restore_req *rq)
{
	cJSON_Delete(rq->rr_cy);
	cJSON_Delete(rq->rr_rids);
	rq->rr_cy = rq->rr_rids = NULL;
}

/* A string or null. */
static cJSON *
str_or_null(const char *s)
{
	return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* The report's skeleton; "ok", "restored" and "breaker" set at the end. */
static cJSON *
report_new(const struct restore_req *rq)
{
	static const char *const by[] = { "seq", "since", "cycle" };
	cJSON	*r, *c = NULL;

	if (rq->rr_by == RESTORE_CYCLE && ((c = cJSON_CreateObject()) == NULL ||
	    json_add(c, "id", str_or_null(str(rq->rr_cy, "id"))) == -1 ||
	    json_add(c, "running", cJSON_CreateBool(cJSON_IsTrue(
	    cJSON_GetObjectItem(rq->rr_cy, "running")))) == -1)) {
		cJSON_Delete(c);
		return NULL;
	}
	if ((r = cJSON_CreateObject()) == NULL ||
	    json_add(r, "dryRun", cJSON_CreateBool(rq->rr_dry != 0)) == -1 ||
	    json_add(r, "ok", cJSON_CreateFalse()) == -1 ||
	    json_add_string(r, "by", by[rq->rr_by]) == -1 ||
	    json_add(r, "cycle", c != NULL ? c : cJSON_CreateNull()) == -1 ||
	    json_add(r, "restored", cJSON_CreateNumber(0)) == -1 ||
	    json_add(r, "entries", cJSON_CreateArray()) == -1 ||
	    json_add(r, "roles", cJSON_CreateArray()) == -1 ||
	    json_add(r, "breaker", cJSON_CreateNull()) == -1) {
		cJSON_Delete(r);
		return NULL;
	}
	return r;
}

/* One entry's object in the report, with the lines restore_entry() said. */
static int
report_entry(cJSON *r, const cJSON *e, const char *result, const char *text)
{
	cJSON		*o, *lines, *l;
	const char	*nl;
	char		*s;

	if ((o = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(cJSON_GetObjectItem(r, "entries"), o))
		return cJSON_Delete(o), -1;
	if (json_add(o, "seq", cJSON_CreateNumber(cJSON_GetNumberValue(
	    cJSON_GetObjectItem(e, "seq")))) == -1 ||
	    json_add(o, "action", str_or_null(str(e, "action"))) == -1 ||
	    json_add(o, "type", str_or_null(str(e, "type"))) == -1 ||
	    json_add(o, "id", str_or_null(str(e, "id"))) == -1 ||
	    json_add(o, "name", str_or_null(str(e, "name"))) == -1 ||
	    json_add_string(o, "result", result) == -1 ||
	    (lines = cJSON_AddArrayToObject(o, "lines")) == NULL)
		return -1;
	for (; *text != '\0'; text = *nl == '\n' ? nl + 1 : nl) {
		if ((nl = strchr(text, '\n')) == NULL)
			nl = text + strlen(text);
		if ((s = strndup(text, (size_t)(nl - text))) == NULL)
			return -1;
		l = cJSON_CreateString(s);
		free(s);
		if (l == NULL || !cJSON_AddItemToArray(lines, l))
			return cJSON_Delete(l), -1;
	}
	return 0;
}

enum scim_err
restore_apply(struct store *st, struct store_txn *tx, const struct tenant *t,
    const struct restore_req *rq, const struct deprov_actor *a,
    cJSON **report)
{
	struct ctx	 cx;
	struct pick	 p;
	const cJSON	*r;
	const char	*json, *result;
	char		*text = NULL;
	size_t		 len;
	int		 n = 0, many, ctxopen = 0;
	cJSON		*e, *o;
	enum scim_err	 err = SCIM_OK;

	memset(&p, 0, sizeof(p));
	memset(&cx, 0, sizeof(cx));
	p.req = rq;
	if ((*report = report_new(rq)) == NULL ||
	    (text = calloc(1, REPORT_MAX)) == NULL ||
	    (p.list = cJSON_CreateArray()) == NULL ||
	    (p.lost = cJSON_CreateArray()) == NULL) {
		err = SCIM_ENOMEM;
		goto out;
	}
	if (rq->rr_by == RESTORE_CYCLE) {
		p.token = str(rq->rr_cy, "token") != NULL ?
		    str(rq->rr_cy, "token") : "";
		if ((p.rids = calloc(cJSON_GetArraySize(rq->rr_rids) + 1,
		    sizeof(*p.rids))) == NULL) {
			err = SCIM_ENOMEM;
			goto out;
		}
		cJSON_ArrayForEach(r, rq->rr_rids)
			if (cJSON_IsString(r))
				p.rids[p.nrids++] = r->valuestring;
		qsort(p.rids, p.nrids, sizeof(*p.rids), rid_cmp);
	}
	if (rq->rr_by != RESTORE_SEQ) {
		err = store_audit_each(tx, t->tn_id, 1, pick_entry, &p);
		if (err == SCIM_OK)
			err = p.err;
	} else if ((err = store_audit_get(tx, t->tn_id, rq->rr_seq, &json,
	    &len)) == SCIM_OK) {
		if ((e = cJSON_ParseWithLength(json, len)) != NULL)
			cJSON_AddItemToArray(p.list, e);
		else
			err = SCIM_ESTORE;	/* stored, but not JSON */
	}
	if (err != SCIM_OK)
		goto out;
	if (rq->rr_by == RESTORE_CYCLE && cJSON_GetArraySize(p.list) == 0)
		goto out;		/* nothing to undo */
	/* All or nothing: one refusal leaves everything as it was. */
	if ((err = ctx_open(&cx, st, tx, t->tn_name, a->da_token,
	    a->da_request, a->da_client, a->da_agent)) != SCIM_OK)
		goto out;
	ctxopen = 1;
	many = rq->rr_by == RESTORE_CYCLE || cJSON_GetArraySize(p.list) > 1;
	cJSON_ArrayForEach(e, p.list) {
		text[0] = '\0';
		err = restore_entry(tx, &cx, e, text, REPORT_MAX);
		result = "restored";
		if (err == SCIM_OK)
			n++;
		else if ((err == SCIM_ENOTFOUND || err == SCIM_ENOTIMPL) &&
		    many) {
			err = SCIM_OK;	/* skipped, said why */
			result = "skipped";
		} else
			result = "refused";
		if (report_entry(*report, e, result, text) == -1 &&
		    err == SCIM_OK)
			err = SCIM_ENOMEM;
		if (err != SCIM_OK)
			break;
	}
	if (err == SCIM_OK && rq->rr_by == RESTORE_CYCLE)
		err = roles_back(tx, &cx, p.lost, cJSON_GetObjectItem(*report,
		    "roles"));
	/*
	 * The identity provider will repeat what the cycle did unless its
	 * cause is fixed there: a release of the breaker ends, and the
	 * cycle's deprovisioning actions count in its window again, so the
	 * repetition trips it at once (README, "Undoing a sync cycle").
	 */
	if (err == SCIM_OK && rq->rr_by == RESTORE_CYCLE)
		err = breaker_rearm(tx, t, counted(&p));
	if (err == SCIM_OK && rq->rr_by == RESTORE_CYCLE && t->tn_brk >= 0 &&
	    ((o = cJSON_CreateObject()) == NULL ||
	    json_add(o, "counted", cJSON_CreateNumber((double)counted(&p))) ==
	    -1 || !cJSON_ReplaceItemInObjectCaseSensitive(*report, "breaker",
	    o)))
		err = SCIM_ENOMEM;
 out:
	if (ctxopen)
		ctx_close(&cx);
	if (*report != NULL && (!cJSON_ReplaceItemInObjectCaseSensitive(
	    *report, "ok", cJSON_CreateBool(err == SCIM_OK)) ||
	    !cJSON_ReplaceItemInObjectCaseSensitive(*report, "restored",
	    cJSON_CreateNumber(n))) && err == SCIM_OK)
		err = SCIM_ENOMEM;
	free(text);
	free(p.rids);
	cJSON_Delete(p.list);
	cJSON_Delete(p.lost);
	return err;
}
