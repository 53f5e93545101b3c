/*
 * admin_deprov.c: the console's API for tenants/T/{audit, restore,
 * breaker} (admin_int.h).  The answers and changes are the library's
 * (src/deprov.h), the ones `scimlet audit list`, `restore` and `breaker`
 * make: the console adds no logic of its own.  Each call checks T with
 * admin_tenant() in the transaction it works in; each change commits
 * with its audit entries (the console as actor) and its admin log line.
 *
 *	GET	tenants/T/audit?since=&action=&id=&limit=
 *	POST	tenants/T/restore	{"seq"|"since"|"cycle", "dryRun"}
 *	GET	tenants/T/breaker
 *	POST	tenants/T/breaker/release	{"for": seconds}
 *	POST	tenants/T/breaker/reset
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_int.h"
#include "breaker.h"
#include "deprov.h"
#include "json.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

#define AUDIT_LIMIT	200		/* entries by default */
#define AUDIT_LIMIT_MAX	10000

static enum scim_err
not_allowed(struct admin_call *ac, const char *allow)
{
	util_strlcpy(ac->ac_resp->rp_allow, allow,
	    sizeof(ac->ac_resp->rp_allow));
	return scim_fail(ac->ac_resp, SCIM_EMETHOD, "%s only", allow);
}

/*
 * May the caller see tenant name?  Asked before anything of the request
 * is read, so another tenant's URL is 404 whatever the request holds;
 * each call asks again in the transaction it works in.
 */
static enum scim_err
visible(struct admin_call *ac, const char *name)
{
	struct store_txn	*tx = NULL;
	struct tenant		 t;
	enum scim_err		 e;

	if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
		return e;
	e = admin_tenant(ac, tx, name, &t);
	store_abort(&tx);
	return e;
}

/* GET audit: `audit list --json`'s entries, newest last. */
static enum scim_err
audit(struct admin_call *ac, const char *name)
{
	struct store_txn	*tx = NULL;
	struct audit_filter	 f;
	struct tenant		 t;
	const char		*q = ac->ac_req->rq_query;
	char			 since[64], action[64], id[128], lim[32];
	long long		 limit = AUDIT_LIMIT;
	int			 more, hs, ha, hi, hl;
	cJSON			*list = NULL, *o;
	enum scim_err		 e;

	memset(&f, 0, sizeof(f));
	if ((e = visible(ac, name)) != SCIM_OK)
		return e;
	if ((hs = http_query_get(q, "since", since, sizeof(since))) == -1 ||
	    (hs == 1 && audit_since_parse(since, &f.af_since) == -1))
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "since: "
		    "neither a time (RFC 3339) nor a sequence number");
	if ((ha = http_query_get(q, "action", action, sizeof(action))) == -1 ||
	    (ha == 1 && !audit_action_known(action)))
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE,
		    "action: no action is named so");
	f.af_action = ha == 1 ? action : NULL;
	if ((hi = http_query_get(q, "id", id, sizeof(id))) == -1)
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "id: too long");
	f.af_id = hi == 1 ? id : NULL;
	if ((hl = http_query_get(q, "limit", lim, sizeof(lim))) == -1 ||
	    (hl == 1 && util_strtonum(lim, 1, AUDIT_LIMIT_MAX, &limit) == -1))
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "limit: a "
		    "number from 1 to %d", AUDIT_LIMIT_MAX);
	if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
		return e;
	if ((e = admin_tenant(ac, tx, name, &t)) == SCIM_OK)
		e = audit_list(tx, &t, &f, limit, &list, &more);
	store_abort(&tx);
	if (e != SCIM_OK)
		return e;
	if ((o = cJSON_CreateObject()) == NULL ||
	    json_add(o, "entries", list) == -1 ||
	    json_add(o, "more", cJSON_CreateBool(more)) == -1) {
		if (o == NULL)
			cJSON_Delete(list);
		cJSON_Delete(o);
		return SCIM_ENOMEM;
	}
	return admin_json(ac, 200, o);
}

/* The request of a restore's body into rq (strings point into body). */
static enum scim_err
restore_body(struct admin_call *ac, const cJSON *body, struct restore_req *rq,
    char *what, size_t whatlen)
{
	const cJSON	*seq = cJSON_GetObjectItemCaseSensitive(body, "seq");
	const cJSON	*since = cJSON_GetObjectItemCaseSensitive(body, "since");
	const cJSON	*cycle = cJSON_GetObjectItemCaseSensitive(body, "cycle");
	const cJSON	*dry = cJSON_GetObjectItemCaseSensitive(body, "dryRun");
	char		 num[32];

	memset(rq, 0, sizeof(*rq));
	if ((seq != NULL) + (since != NULL) + (cycle != NULL) != 1)
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "one of seq, "
		    "since and cycle");
	if (!cJSON_IsBool(dry))
		return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "dryRun: true "
		    "(the plan) or false (restore)");
	rq->rr_dry = cJSON_IsTrue(dry);
	if (seq != NULL) {
		if (!cJSON_IsNumber(seq) || seq->valuedouble < 1 ||
		    seq->valuedouble > 9007199254740991.0 ||
		    seq->valuedouble != (double)(long long)seq->valuedouble)
			return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "seq: "
			    "an audit entry's sequence number");
		rq->rr_by = RESTORE_SEQ;
		rq->rr_seq = (uint64_t)seq->valuedouble;
		snprintf(what, whatlen, "seq %llu",
		    (unsigned long long)rq->rr_seq);
	} else if (since != NULL) {
		if (cJSON_IsNumber(since) && since->valuedouble >= 0 &&
		    since->valuedouble <= 9007199254740991.0) {
			snprintf(num, sizeof(num), "%.0f", since->valuedouble);
			since = NULL;
		}
		if ((since != NULL && !cJSON_IsString(since)) ||
		    audit_since_parse(since != NULL ? since->valuestring : num,
		    &rq->rr_since) == -1)
			return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "since: "
			    "a time (RFC 3339) or a sequence number");
		rq->rr_by = RESTORE_SINCE;
		snprintf(what, whatlen, "since %s", since != NULL ?
		    since->valuestring : num);
	} else {
		if (!cJSON_IsString(cycle) || *cycle->valuestring == '\0' ||
		    strlen(cycle->valuestring) > 64)
			return scim_fail(ac->ac_resp, SCIM_EINVALVALUE, "cycle: "
			    "a cycle's id or \"last\"");
		rq->rr_by = RESTORE_CYCLE;
		rq->rr_cycle = cycle->valuestring;
		snprintf(what, whatlen, "cycle %s", cycle->valuestring);
	}
	return SCIM_OK;
}

/* The first line of the first refused entry of report r, or NULL. */
static const char *
refusal(const cJSON *r)
{
	const cJSON	*e;

	cJSON_ArrayForEach(e, cJSON_GetObjectItem(r, "entries"))
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e,
		    "result")), "refused") == 0)
			return cJSON_GetStringValue(cJSON_GetArrayItem(
			    cJSON_GetObjectItem(e, "lines"), 0));
	return NULL;
}

/*
 * POST restore: `restore --json`'s report.  A dry run answers 200 with
 * the plan, a refusal included ("ok" false); the restore itself answers
 * 200 with what it did, or 409 with the report and the refusal's detail
 * (nothing restored).
 */
static enum scim_err
restore(struct admin_call *ac, const char *name)
{
	struct store_txn	*tx = NULL;
	struct restore_req	 rq;
	struct admin_actor	 aa;
	struct tenant		 t;
	cJSON			*body = NULL, *r = NULL;
	const char		*why;
	char			 what[128], detail[512];
	enum scim_err		 e;

	memset(&rq, 0, sizeof(rq));
	if ((e = visible(ac, name)) != SCIM_OK ||
	    (e = admin_body(ac, &body)) != SCIM_OK ||
	    (e = restore_body(ac, body, &rq, what, sizeof(what))) != SCIM_OK)
		goto out;
	/* The tenant, then its cycle (read with no transaction open). */
	if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
		goto out;
	e = admin_tenant(ac, tx, name, &t);
	store_abort(&tx);
	if (e != SCIM_OK)
		goto out;
	if ((e = restore_prepare(ac->ac_store, &t, &rq)) == SCIM_ENOTFOUND) {
		e = scim_fail(ac->ac_resp, SCIM_ENOTFOUND, "no cycle %s",
		    rq.rr_cycle);
		goto out;
	}
	if (e != SCIM_OK)
		goto out;
	admin_actor(ac, &aa);
	if ((e = store_begin(ac->ac_store, 1, &tx)) != SCIM_OK ||
	    (e = admin_tenant(ac, tx, name, &t)) != SCIM_OK)
		goto out;
	e = restore_apply(ac->ac_store, tx, &t, &rq, &aa.aa_da, &r);
	if (e == SCIM_ENOTFOUND && rq.rr_by == RESTORE_SEQ &&
	    cJSON_GetArraySize(cJSON_GetObjectItem(r, "entries")) == 0) {
		e = scim_fail(ac->ac_resp, SCIM_ENOTFOUND, "no audit entry "
		    "%llu", (unsigned long long)rq.rr_seq);
		goto out;
	}
	if (e == SCIM_EUNIQUE || e == SCIM_ENOTFOUND || e == SCIM_ENOTIMPL ||
	    e == SCIM_EINVALVALUE) {
		store_abort(&tx);
		why = refusal(r);
		snprintf(detail, sizeof(detail), "nothing restored%s%s",
		    why != NULL ? ": " : "", why != NULL ? why : "");
		if (!rq.rr_dry && (json_add_string(r, "status", "409") == -1 ||
		    json_add_string(r, "detail", detail) == -1)) {
			e = SCIM_ENOMEM;
			goto out;
		}
		e = admin_json(ac, rq.rr_dry ? 200 : 409, r);
		r = NULL;
		goto out;
	}
	if (e != SCIM_OK)
		goto out;
	if (rq.rr_dry)
		store_abort(&tx);
	else if ((e = admin_log(tx, ac->ac_rid, "restore", &ac->ac_who, name,
	    ac->ac_client, what)) != SCIM_OK ||
	    (e = store_commit(&tx)) != SCIM_OK)
		goto out;
	e = admin_json(ac, 200, r);
	r = NULL;
 out:
	store_abort(&tx);
	restore_free(&rq);
	cJSON_Delete(body);
	cJSON_Delete(r);
	return e;
}

/* GET breaker: `breaker T status --json`. */
static enum scim_err
breaker_get(struct admin_call *ac, const char *name)
{
	struct store_txn	*tx = NULL;
	struct breaker_status	 bs;
	struct tenant		 t;
	enum scim_err		 e;

	if ((e = store_begin(ac->ac_store, 0, &tx)) != SCIM_OK)
		return e;
	if ((e = admin_tenant(ac, tx, name, &t)) == SCIM_OK)
		e = breaker_status(tx, &t, &bs);
	store_abort(&tx);
	if (e != SCIM_OK)
		return e;
	return admin_json(ac, 200, breaker_json(&bs));
}

/* POST breaker/release {"for"}, breaker/reset: the state it is left in. */
static enum scim_err
breaker_post(struct admin_call *ac, const char *name, int release)
{
	struct store_txn	*tx = NULL;
	struct breaker_status	 bs;
	struct admin_actor	 aa;
	struct tenant		 t;
	const cJSON		*v;
	cJSON			*body = NULL;
	long long		 secs = BREAKER_RELEASE_FOR;
	char			 what[64] = "";
	enum scim_err		 e;

	if ((e = visible(ac, name)) != SCIM_OK)
		return e;
	/* release: {"for": seconds} or no body; reset: none needed. */
	if (release && ac->ac_req->rq_body != NULL &&
	    ac->ac_req->rq_bodylen > 0) {
		if ((e = admin_body(ac, &body)) != SCIM_OK)
			return e;
		v = cJSON_GetObjectItemCaseSensitive(body, "for");
		if (v != NULL && !cJSON_IsNull(v)) {
			if (!cJSON_IsNumber(v) || v->valuedouble < 1 ||
			    v->valuedouble > 30 * 86400 ||
			    v->valuedouble != (double)(long long)v->valuedouble) {
				cJSON_Delete(body);
				return scim_fail(ac->ac_resp, SCIM_EINVALVALUE,
				    "for: seconds, from 1 to %d", 30 * 86400);
			}
			secs = (long long)v->valuedouble;
		}
		cJSON_Delete(body);
	}
	if (release)
		snprintf(what, sizeof(what), "for %llds", secs);
	admin_actor(ac, &aa);
	if ((e = store_begin(ac->ac_store, 1, &tx)) != SCIM_OK)
		return e;
	if ((e = admin_tenant(ac, tx, name, &t)) == SCIM_OK &&
	    (e = breaker_change(ac->ac_store, tx, &t, &aa.aa_da, release, secs,
	    &bs)) == SCIM_OK &&
	    (e = admin_log(tx, ac->ac_rid, release ? "breaker release" :
	    "breaker reset", &ac->ac_who, name, ac->ac_client,
	    release ? what : NULL)) == SCIM_OK)
		e = store_commit(&tx);
	store_abort(&tx);
	if (e != SCIM_OK)
		return e;
	return admin_json(ac, 200, breaker_json(&bs));
}

enum scim_err
admin_deprov(struct admin_call *ac)
{
	enum http_method	 m = ac->ac_req->rq_method;
	int			 get = m == HTTP_GET || m == HTTP_HEAD;
	const char		*t = ac->ac_seg[1], *w = ac->ac_seg[2];

	if (ac->ac_nseg == 3 && strcmp(w, "audit") == 0)
		return get ? audit(ac, t) : not_allowed(ac, "GET, HEAD");
	if (ac->ac_nseg == 3 && strcmp(w, "restore") == 0)
		return m == HTTP_POST ? restore(ac, t) : not_allowed(ac, "POST");
	if (ac->ac_nseg == 3 && strcmp(w, "breaker") == 0)
		return get ? breaker_get(ac, t) : not_allowed(ac, "GET, HEAD");
	if (ac->ac_nseg == 4 && strcmp(w, "breaker") == 0 &&
	    (strcmp(ac->ac_seg[3], "release") == 0 ||
	    strcmp(ac->ac_seg[3], "reset") == 0))
		return m == HTTP_POST ? breaker_post(ac, t,
		    strcmp(ac->ac_seg[3], "release") == 0) :
		    not_allowed(ac, "POST");
	return scim_fail(ac->ac_resp, SCIM_ENOTFOUND, "no such endpoint");
}
