/*
 * plan.c: a tenant's plan limits (plan.h).
 */
#include "config.h"

#include <stdint.h>

#include "ctx.h"
#include "http.h"
#include "plan.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

enum scim_err
plan_seat(struct store_txn *tx, const struct ctx *cx, enum res_type type,
    struct scim_resp *resp)
{
	const struct tenant	*t = &cx->cx_tenant;
	long long		 max;
	uint64_t		 n, gen;
	enum scim_err		 e;
	const char		*what = type == RES_USER ? "users" : "groups";

	max = type == RES_USER ? t->tn_maxusers : t->tn_maxgroups;
	if (max <= 0)
		return SCIM_OK;
	if ((e = store_res_count(tx, t->tn_id, type, &n, &gen)) != SCIM_OK)
		return e;
	if (n < (uint64_t)max)
		return SCIM_OK;
	/* The identity provider shows this to its admin: say what to do. */
	return scim_fail(resp, SCIM_EFORBIDDEN, "limit reached: this "
	    "tenant holds %llu %s and may hold %lld (its plan); delete %s "
	    "or ask the service to raise the limit (scimlet tenant set %s "
	    "max-%s=N)", (unsigned long long)n, what, max, what,
	    t->tn_name, what);
}

enum scim_err
plan_rate(const struct ctx *cx, struct scim_resp *resp)
{
	return plan_rate_more(cx, 1, resp);
}

enum scim_err
plan_rate_more(const struct ctx *cx, uint64_t n, struct scim_resp *resp)
{
	const struct tenant	*t = &cx->cx_tenant;
	uint64_t		 per, interval, wait;

	if (t->tn_rate <= 0 || t->tn_rateper <= 0 || n == 0)
		return SCIM_OK;
	/* With the request's own, at most one allowance: more could
	 * never pass. */
	if (n > (uint64_t)t->tn_rate - 1)
		n = (uint64_t)t->tn_rate - 1;
	per = (uint64_t)t->tn_rateper * 1000000;
	interval = per / (uint64_t)t->tn_rate;
	if (interval == 0)
		interval = 1;
	if (store_rate_take(cx->cx_store, TENANT_HOME(t), util_now_us(),
	    interval, per, n, &wait) != SCIM_OK || wait == 0)
		return SCIM_OK;
	/* RFC 6585 §4: how long to wait, in whole seconds. */
	resp->rp_retry = (int)((wait + 999999) / 1000000);
	return scim_fail(resp, SCIM_ERATE, "rate limit: this tenant may make "
	    "%lld requests a %s; retry after %d s", t->tn_rate,
	    t->tn_rateper == 1 ? "second" : "minute", resp->rp_retry);
}
