/*
 * breaker.c: the mass-deprovisioning breaker (breaker.h).
 *
 * The state is a few numbers and 60 slices of the window, each the
 * number of the slice (time / slice length) and its count, packed
 * big-endian into one meta value.  A count reads the slices whose
 * number is within the last 60; an action adds to the current slice,
 * taking over the slot of the slice 60 before it.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "activity.h"
#include "audit.h"
#include "breaker.h"
#include "ctx.h"
#include "http.h"
#include "log.h"
#include "scim.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

#define SLICES		60
#define REQLEN		20		/* a request id, NUL-padded */
#define PACKED		(4 + 9 * 8 + REQLEN + SLICES * 12)

struct state {
	enum breaker_state	 s_state;
	uint64_t		 s_window;	/* µs the slices count */
	uint64_t		 s_since;
	uint64_t		 s_until;
	uint64_t		 s_base;	/* users counted at s_baseat */
	uint64_t		 s_baseat;
	uint64_t		 s_trips;
	uint64_t		 s_tripcount;
	uint64_t		 s_triplimit;
	uint64_t		 s_tripwant;	/* the tripping request's */
	char			 s_request[REQLEN + 1];
	uint64_t		 s_slice[SLICES];
	uint32_t		 s_n[SLICES];
};

static void
put_be(uint8_t **p, uint64_t v, int n)
{
	int	i;

	for (i = n - 1; i >= 0; i--) {
		(*p)[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
	*p += n;
}

static uint64_t
get_be(const uint8_t **p, int n)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < n; i++)
		v = v << 8 | (*p)[i];
	*p += n;
	return v;
}

static enum scim_err
load(struct store_txn *tx, uint32_t tenant, struct state *s)
{
	uint8_t		 buf[PACKED];
	const uint8_t	*p = buf;
	size_t		 len;
	enum scim_err	 e;
	int		 i;

	memset(s, 0, sizeof(*s));
	if ((e = store_breaker_get(tx, tenant, buf, sizeof(buf), &len)) !=
	    SCIM_OK)
		return e;
	if (len == 0)
		return SCIM_OK;		/* never counted: armed, empty */
	if (len != PACKED || buf[0] != 'B' || buf[1] != 1 ||
	    buf[2] > BREAKER_RELEASED)
		return SCIM_ESTORE;
	s->s_state = (enum breaker_state)buf[2];
	p += 4;
	s->s_window = get_be(&p, 8);
	s->s_since = get_be(&p, 8);
	s->s_until = get_be(&p, 8);
	s->s_base = get_be(&p, 8);
	s->s_baseat = get_be(&p, 8);
	s->s_trips = get_be(&p, 8);
	s->s_tripcount = get_be(&p, 8);
	s->s_triplimit = get_be(&p, 8);
	s->s_tripwant = get_be(&p, 8);
	memcpy(s->s_request, p, REQLEN);
	p += REQLEN;
	for (i = 0; i < SLICES; i++) {
		s->s_slice[i] = get_be(&p, 8);
		s->s_n[i] = (uint32_t)get_be(&p, 4);
	}
	return SCIM_OK;
}

static enum scim_err
save(struct store_txn *tx, uint32_t tenant, const struct state *s)
{
	uint8_t		 buf[PACKED], *p = buf;
	int		 i;

	memset(buf, 0, sizeof(buf));
	buf[0] = 'B';
	buf[1] = 1;
	buf[2] = (uint8_t)s->s_state;
	p += 4;
	put_be(&p, s->s_window, 8);
	put_be(&p, s->s_since, 8);
	put_be(&p, s->s_until, 8);
	put_be(&p, s->s_base, 8);
	put_be(&p, s->s_baseat, 8);
	put_be(&p, s->s_trips, 8);
	put_be(&p, s->s_tripcount, 8);
	put_be(&p, s->s_triplimit, 8);
	put_be(&p, s->s_tripwant, 8);
	memcpy(p, s->s_request, strnlen(s->s_request, REQLEN));
	p += REQLEN;
	for (i = 0; i < SLICES; i++) {
		put_be(&p, s->s_slice[i], 8);
		put_be(&p, s->s_n[i], 4);
	}
	return store_breaker_put(tx, tenant, buf, sizeof(buf));
}

static long long
window_secs(const struct tenant *t)
{
	return t->tn_brkwin > 0 ? t->tn_brkwin : BREAKER_DEFAULT_WINDOW;
}

/* The state as of now: a release past its end is over, and slices
 * counted for another window are gone. */
static void
settle(struct state *s, const struct tenant *t, uint64_t now)
{
	uint64_t	w = (uint64_t)window_secs(t) * 1000000;

	if (s->s_state == BREAKER_RELEASED && s->s_until <= now) {
		s->s_state = BREAKER_ARMED;
		s->s_since = now;
	}
	if (s->s_window != w) {
		memset(s->s_slice, 0, sizeof(s->s_slice));
		memset(s->s_n, 0, sizeof(s->s_n));
		s->s_window = w;
	}
}

static uint64_t
slice_of(const struct state *s, uint64_t now)
{
	return now / (s->s_window / SLICES) + 1;	/* 0: a free slot */
}

static uint64_t
count(const struct state *s, uint64_t now)
{
	uint64_t	cur = slice_of(s, now), n = 0;
	int		i;

	for (i = 0; i < SLICES; i++)
		if (s->s_slice[i] != 0 && s->s_slice[i] + SLICES > cur)
			n += s->s_n[i];
	return n;
}

static void
add(struct state *s, uint64_t now, uint64_t n)
{
	uint64_t	cur = slice_of(s, now);
	int		i = (int)(cur % SLICES);

	if (s->s_slice[i] != cur) {
		s->s_slice[i] = cur;
		s->s_n[i] = 0;
	}
	s->s_n[i] = s->s_n[i] + n > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)(s->s_n[i] + n);
}

/*
 * The limit now.  A percentage's base, the tenant's users (the count
 * kept with every create and delete, store_res_count()), is taken when
 * a burst begins — the window empty — or when the last is a window old:
 * users a burst deletes do not lower its own limit.
 */
static enum scim_err
limit(struct store_txn *tx, const struct tenant *t, struct state *s,
    uint64_t now, uint64_t *lim)
{
	uint64_t	users = 0, gen, pct;
	enum scim_err	e;

	if (t->tn_brk > 0 && t->tn_brkpct == 0) {
		*lim = (uint64_t)t->tn_brk;
		return SCIM_OK;
	}
	if (count(s, now) == 0 || s->s_baseat + s->s_window <= now) {
		if ((e = store_res_count(tx, t->tn_id, RES_USER, &users,
		    &gen)) != SCIM_OK)
			return e;
		s->s_base = users;
		s->s_baseat = now;
	}
	pct = t->tn_brkpct > 0 ? (uint64_t)t->tn_brkpct : BREAKER_DEFAULT_PCT;
	*lim = s->s_base * pct / 100;
	if (t->tn_brkpct > 0 && *lim < 1)
		*lim = 1;
	if (t->tn_brkpct == 0 && *lim < BREAKER_DEFAULT_MIN)
		*lim = BREAKER_DEFAULT_MIN;
	return SCIM_OK;
}

static int
counted(const char *action)
{
	return strcmp(action, "user.deactivated") == 0 ||
	    strcmp(action, "user.deleted") == 0 ||
	    strcmp(action, "group.deleted") == 0 ||
	    strcmp(action, "role.lost") == 0;
}

enum scim_err
breaker_count(struct store_txn *tx, const struct ctx *cx, const char *action)
{
	const struct tenant	*t = &cx->cx_tenant;
	struct state		 s;
	uint64_t		 now = util_now_us(), lim;
	enum scim_err		 e;

	if (cx->cx_act == NULL || t->tn_brk < 0 || !counted(action))
		return SCIM_OK;
	if ((e = load(tx, t->tn_id, &s)) != SCIM_OK)
		return e;
	settle(&s, t, now);
	/* The request's count; if held, the count it would have reached. */
	cx->cx_act->at_brk++;
	if (s.s_state == BREAKER_TRIPPED)
		return SCIM_EHELD;
	if (s.s_state == BREAKER_ARMED) {
		if ((e = limit(tx, t, &s, now, &lim)) != SCIM_OK)
			return e;
		if (count(&s, now) + 1 > lim)
			return SCIM_EHELD;
		add(&s, now, 1);
	}
	/* Released: let through, uncounted (the operator let them). */
	return save(tx, t->tn_id, &s);
}

static void
duration(long long secs, char *out, size_t len)
{
	if (secs % 86400 == 0)
		snprintf(out, len, "%lldd", secs / 86400);
	else if (secs % 3600 == 0)
		snprintf(out, len, "%lldh", secs / 3600);
	else if (secs % 60 == 0)
		snprintf(out, len, "%lldm", secs / 60);
	else
		snprintf(out, len, "%llds", secs);
}

/* Trip, unless another worker did (or an operator reset it meanwhile). */
static enum scim_err
trip(struct store_txn *tx, const struct ctx *cx, struct state *s,
    int *tripped)
{
	const struct tenant	*t = &cx->cx_tenant;
	uint64_t		 now = util_now_us(), lim, n, want;
	char			 win[24];
	cJSON			*d;
	enum scim_err		 e;

	*tripped = 0;
	if ((e = load(tx, t->tn_id, s)) != SCIM_OK)
		return e;
	settle(s, t, now);
	if (s->s_state != BREAKER_ARMED)
		return SCIM_OK;
	if ((e = limit(tx, t, s, now, &lim)) != SCIM_OK)
		return e;
	/* The request's own actions are gone with its transaction. */
	want = cx->cx_act != NULL && cx->cx_act->at_brk > 0 ?
	    cx->cx_act->at_brk : 1;
	if ((n = count(s, now)) + want <= lim)
		return SCIM_OK;
	s->s_state = BREAKER_TRIPPED;
	s->s_since = now;
	s->s_trips++;
	s->s_tripcount = n;
	s->s_tripwant = want;
	s->s_triplimit = lim;
	util_strlcpy(s->s_request, cx->cx_actor.ac_request,
	    sizeof(s->s_request));
	if ((e = save(tx, t->tn_id, s)) != SCIM_OK)
		return e;
	duration(window_secs(t), win, sizeof(win));
	if ((d = cJSON_CreateObject()) == NULL ||
	    cJSON_AddNumberToObject(d, "count", (double)n) == NULL ||
	    cJSON_AddNumberToObject(d, "requested", (double)want) == NULL ||
	    cJSON_AddNumberToObject(d, "limit", (double)lim) == NULL ||
	    cJSON_AddStringToObject(d, "window", win) == NULL ||
	    cJSON_AddStringToObject(d, "request",
	    cx->cx_actor.ac_request) == NULL) {
		cJSON_Delete(d);
		return SCIM_ENOMEM;
	}
	*tripped = 1;
	return audit_record(tx, cx, "breaker.tripped", "Tenant", t->tn_name,
	    t->tn_name, NULL, d);
}

enum scim_err
breaker_held(const struct ctx *cx, struct scim_resp *resp)
{
	struct store_txn	*tx = NULL;
	struct state		 s;
	char			 win[24], when[TIME_STRLEN + 1];
	int			 tripped = 0;
	enum scim_err		 e;

	if ((e = store_begin(cx->cx_store, 1, &tx)) == SCIM_OK &&
	    (e = trip(tx, cx, &s, &tripped)) == SCIM_OK && tripped)
		e = store_commit(&tx);
	store_abort(&tx);
	if (e != SCIM_OK)
		return scim_fail(resp, e, NULL);
	if (tripped)
		log_warnx("tenant %s: breaker tripped by request %s: %llu "
		    "deprovisioning actions, limit %llu",
		    cx->cx_tenant.tn_name, cx->cx_actor.ac_request,
		    (unsigned long long)s.s_tripcount,
		    (unsigned long long)s.s_triplimit);
	duration(window_secs(&cx->cx_tenant), win, sizeof(win));
	scim_detail_reset(resp);
	resp->rp_retry = BREAKER_RETRY_AFTER;
	if (s.s_state != BREAKER_TRIPPED)	/* changed meanwhile */
		return scim_fail(resp, SCIM_EHELD, "deprovisioning held: the "
		    "breaker of this tenant changed while the request ran; "
		    "nothing was applied, retry");
	if (tripped)
		return scim_fail(resp, SCIM_EHELD, "deprovisioning held by "
		    "scimlet's mass-deprovisioning breaker: %llu "
		    "deprovisioning actions within %s and %llu more in this "
		    "request pass the limit of %llu; nothing of this request "
		    "was applied. An operator lets them through with: scimlet "
		    "breaker %s release", (unsigned long long)s.s_tripcount,
		    win, (unsigned long long)s.s_tripwant,
		    (unsigned long long)s.s_triplimit, cx->cx_tenant.tn_name);
	util_time_format((double)s.s_since / 1e6, when);
	return scim_fail(resp, SCIM_EHELD, "deprovisioning held by scimlet's "
	    "mass-deprovisioning breaker, tripped at %s (%llu actions within "
	    "%s, limit %llu); nothing of this request was applied. An "
	    "operator lets them through with: scimlet breaker %s release",
	    when, (unsigned long long)s.s_tripcount, win,
	    (unsigned long long)s.s_triplimit, cx->cx_tenant.tn_name);
}

enum scim_err
breaker_status(struct store_txn *tx, const struct tenant *t,
    struct breaker_status *bs)
{
	struct state	s;
	uint64_t	now = util_now_us(), lim = 0;
	enum scim_err	e;

	memset(bs, 0, sizeof(*bs));
	if ((e = load(tx, t->tn_id, &s)) != SCIM_OK)
		return e;
	settle(&s, t, now);
	if (t->tn_brk >= 0 && (e = limit(tx, t, &s, now, &lim)) != SCIM_OK)
		return e;
	bs->bs_state = s.s_state;
	bs->bs_off = t->tn_brk < 0;
	bs->bs_count = count(&s, now);
	bs->bs_limit = lim;
	bs->bs_window = window_secs(t);
	bs->bs_users = s.s_base;
	bs->bs_since = s.s_since;
	bs->bs_until = s.s_until;
	bs->bs_trips = s.s_trips;
	bs->bs_tripcount = s.s_tripcount;
	bs->bs_triplimit = s.s_triplimit;
	util_strlcpy(bs->bs_request, s.s_request, sizeof(bs->bs_request));
	if (t->tn_brk < 0)
		util_strlcpy(bs->bs_setting, "off", sizeof(bs->bs_setting));
	else if (t->tn_brkpct > 0)
		snprintf(bs->bs_setting, sizeof(bs->bs_setting), "%d%%",
		    t->tn_brkpct);
	else if (t->tn_brk > 0)
		snprintf(bs->bs_setting, sizeof(bs->bs_setting), "%lld",
		    t->tn_brk);
	else
		util_strlcpy(bs->bs_setting, "default", sizeof(bs->bs_setting));
	return SCIM_OK;
}

/* What an operator or a cycle's undo does to the state. */
enum change { CH_RELEASE, CH_RESET, CH_REARM };

static enum scim_err
change(struct store_txn *tx, const struct tenant *t, enum change ch,
    uint64_t arg)
{
	struct state	s;
	uint64_t	now = util_now_us();
	enum scim_err	e;

	if ((e = load(tx, t->tn_id, &s)) != SCIM_OK)
		return e;
	settle(&s, t, now);
	if (ch == CH_RELEASE) {
		s.s_state = BREAKER_RELEASED;
		s.s_since = now;
		s.s_until = now + arg * 1000000;
	} else if (ch == CH_RESET || s.s_state == BREAKER_RELEASED) {
		/* Armed: a reset also empties the window; an undo ends a
		 * release and leaves a trip as it is. */
		s.s_state = BREAKER_ARMED;
		s.s_since = now;
		s.s_until = 0;
	}
	if (ch == CH_RESET) {
		memset(s.s_slice, 0, sizeof(s.s_slice));
		memset(s.s_n, 0, sizeof(s.s_n));
	}
	if (ch == CH_REARM && arg > 0)
		add(&s, now, arg);
	return save(tx, t->tn_id, &s);
}

enum scim_err
breaker_release(struct store_txn *tx, const struct tenant *t, long long secs)
{
	return change(tx, t, CH_RELEASE, secs > 0 ? (uint64_t)secs : 0);
}

enum scim_err
breaker_reset(struct store_txn *tx, const struct tenant *t)
{
	return change(tx, t, CH_RESET, 0);
}

enum scim_err
breaker_rearm(struct store_txn *tx, const struct tenant *t, uint64_t n)
{
	return change(tx, t, CH_REARM, n);
}

const char *
breaker_state_name(enum breaker_state st)
{
	switch (st) {
	case BREAKER_TRIPPED:
		return "tripped";
	case BREAKER_RELEASED:
		return "released";
	default:
		return "armed";
	}
}
