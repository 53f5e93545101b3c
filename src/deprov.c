/*
 * deprov.c: the audit log read with `audit list`'s filters, and the
 * breaker's status object and its release or reset (deprov.h).
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "breaker.h"
#include "ctx.h"
#include "deprov.h"
#include "store.h"
#include "util.h"

int
audit_since_parse(const char *s, struct audit_since *out)
{
	long long	n;

	memset(out, 0, sizeof(*out));
	if (util_strtonum(s, 0, 0x7fffffffffffffffLL, &n) == 0) {
		out->seq = (uint64_t)n;
		return 0;
	}
	out->by_time = 1;
	return util_time_parse(s, &out->time);
}

int
audit_since_ok(const struct audit_since *s, uint64_t seq, const cJSON *e)
{
	const char	*ts;
	double		 t;

	if (!s->by_time)
		return seq >= s->seq;
	ts = cJSON_GetStringValue(cJSON_GetObjectItem(e, "time"));
	return util_time_parse(ts != NULL ? ts : "", &t) == 0 && t >= s->time;
}

/*
 * Every action an audit entry can name (src/audit.h; README.md and
 * scimlet(1) list them too): a filter takes one of these or a pattern
 * that matches one.
 */
static const char *const actions[] = {
	"user.deactivated", "user.reactivated", "user.deleted",
	"group.deleted", "member.removed", "role.lost",
	"user.restored", "group.restored", "member.restored",
	"breaker.tripped",
	"operator.tenant.added", "operator.tenant.set",
	"operator.token.issued", "operator.token.revoked",
	"operator.token.rotated",
	"operator.role", "operator.schema.added", "operator.schema.removed",
	"operator.audit.pruned", "operator.changes.pruned",
	"operator.breaker.released", "operator.breaker.reset",
	"operator.preview.started", "operator.preview.adopted",
	"operator.preview.discarded",
};

int
audit_action_known(const char *pat)
{
	size_t	i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (fnmatch(pat, actions[i], 0) == 0)
			return 1;
	return 0;
}

int
audit_filter_ok(const struct audit_filter *f, uint64_t seq, const cJSON *e)
{
	const char	*a, *id;

	a = cJSON_GetStringValue(cJSON_GetObjectItem(e, "action"));
	id = cJSON_GetStringValue(cJSON_GetObjectItem(e, "id"));
	return audit_since_ok(&f->af_since, seq, e) &&
	    (f->af_action == NULL || (a != NULL &&
	    fnmatch(f->af_action, a, 0) == 0)) &&
	    (f->af_id == NULL || (id != NULL && strcmp(id, f->af_id) == 0));
}

struct alist {
	const struct audit_filter	*al_f;
	long long			 al_skip;	/* matches left out */
	long long			 al_n;		/* matches so far */
	cJSON				*al_arr;	/* NULL: count only */
	enum scim_err			 al_err;
};

/*
 * May the entry's text [p, p + len) be about id?  An id that JSON prints
 * as it is (no quote, backslash or control character) must appear in
 * it; any other is checked after parsing.
 */
static int
may_hold(const char *p, size_t len, const char *id)
{
	size_t	i, n = strlen(id);

	for (i = 0; i < n; i++)
		if (id[i] == '"' || id[i] == '\\' ||
		    (unsigned char)id[i] < 0x20)
			return 1;
	for (i = 0; n > 0 && i + n <= len; i++)
		if (p[i] == id[0] && memcmp(p + i, id, n) == 0)
			return 1;
	return n == 0;
}

static int
list_entry(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct alist	*al = arg;
	cJSON		*e;

	/* Most entries are about something else: no parse for them. */
	if (al->al_f->af_id != NULL && !may_hold(json, len, al->al_f->af_id))
		return 0;
	if ((e = cJSON_ParseWithLength(json, len)) == NULL) {
		al->al_err = SCIM_ESTORE;
		return 1;
	}
	if (audit_filter_ok(al->al_f, seq, e) && al->al_n++ >= al->al_skip &&
	    al->al_arr != NULL) {
		if (!cJSON_AddItemToArray(al->al_arr, e)) {
			cJSON_Delete(e);
			al->al_err = SCIM_ENOMEM;
			return 1;
		}
		return 0;
	}
	cJSON_Delete(e);
	return 0;
}

enum scim_err
audit_list(struct store_txn *tx, const struct tenant *t,
    const struct audit_filter *f, long long limit, cJSON **entries, int *more)
{
	struct alist	al;
	enum scim_err	e = SCIM_OK;

	*entries = NULL;
	*more = 0;
	memset(&al, 0, sizeof(al));
	al.al_f = f;
	/* Walked oldest first: count the matches, then keep the last. */
	if (limit > 0) {
		e = store_audit_each(tx, t->tn_id, 1, list_entry, &al);
		if (e == SCIM_OK)
			e = al.al_err;
		al.al_skip = al.al_n > limit ? al.al_n - limit : 0;
		al.al_n = 0;
	}
	*more = al.al_skip > 0;
	if (e == SCIM_OK && (al.al_arr = cJSON_CreateArray()) == NULL)
		e = SCIM_ENOMEM;
	if (e == SCIM_OK)
		e = store_audit_each(tx, t->tn_id, 1, list_entry, &al);
	if (e == SCIM_OK)
		e = al.al_err;
	if (e != SCIM_OK) {
		cJSON_Delete(al.al_arr);
		return e;
	}
	*entries = al.al_arr;
	return SCIM_OK;
}

void
breaker_time(uint64_t us, char *out)
{
	if (us == 0)
		util_strlcpy(out, "-", TIME_STRLEN + 1);
	else
		util_time_format((double)us / 1e6, out);
}

cJSON *
breaker_json(const struct breaker_status *bs)
{
	cJSON	*o;
	char	 t[TIME_STRLEN + 1];

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "setting", bs->bs_setting);
	cJSON_AddStringToObject(o, "state", bs->bs_off ? "off" :
	    breaker_state_name(bs->bs_state));
	cJSON_AddNumberToObject(o, "count", (double)bs->bs_count);
	cJSON_AddNumberToObject(o, "limit", (double)bs->bs_limit);
	cJSON_AddNumberToObject(o, "window", (double)bs->bs_window);
	cJSON_AddNumberToObject(o, "trips", (double)bs->bs_trips);
	if (bs->bs_state == BREAKER_TRIPPED) {
		breaker_time(bs->bs_since, t);
		cJSON_AddStringToObject(o, "tripped", t);
		cJSON_AddStringToObject(o, "request", bs->bs_request);
		cJSON_AddNumberToObject(o, "tripped-count",
		    (double)bs->bs_tripcount);
		cJSON_AddNumberToObject(o, "tripped-limit",
		    (double)bs->bs_triplimit);
	}
	if (bs->bs_state == BREAKER_RELEASED) {
		breaker_time(bs->bs_until, t);
		cJSON_AddStringToObject(o, "released-until", t);
	}
	/* cJSON_Add* failing leaves a member out: say so rather than lie. */
	if (cJSON_GetArraySize(o) < 6) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

enum scim_err
breaker_change(struct store *st, struct store_txn *tx, const struct tenant *t,
    const struct deprov_actor *a, int release, long long secs,
    struct breaker_status *bs)
{
	struct ctx	cx;
	cJSON		*d = NULL;
	enum scim_err	 e;

	memset(&cx, 0, sizeof(cx));
	if ((e = breaker_status(tx, t, bs)) != SCIM_OK)
		return e;
	if ((d = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(d, "was", bs->bs_off ? "off" :
	    breaker_state_name(bs->bs_state)) == NULL ||
	    cJSON_AddNumberToObject(d, "count", (double)bs->bs_count) == NULL ||
	    (release && cJSON_AddNumberToObject(d, "for", (double)secs) ==
	    NULL)) {
		cJSON_Delete(d);
		return SCIM_ENOMEM;
	}
	e = release ? breaker_release(tx, t, secs) : breaker_reset(tx, t);
	if (e == SCIM_OK && (e = ctx_open(&cx, st, tx, t->tn_name,
	    a->da_token, a->da_request, a->da_client, a->da_agent)) ==
	    SCIM_OK) {
		e = audit_record(tx, &cx, release ?
		    "operator.breaker.released" : "operator.breaker.reset",
		    "Tenant", t->tn_name, NULL, NULL, d);
		d = NULL;
	}
	ctx_close(&cx);
	cJSON_Delete(d);
	if (e == SCIM_OK)
		e = breaker_status(tx, t, bs);
	return e;
}
