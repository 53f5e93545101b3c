/*
 * cycle.c: sync cycles from the activity log (cycle.h).  One pass over
 * the tenant's records keeps a compact form of each; cycles, recoveries
 * and the resources touched are worked out from that.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "activity.h"
#include "cycle.h"
#include "json.h"
#include "store.h"
#include "util.h"

struct crec {
	uint64_t	 us;
	uint64_t	 idkey, namekey;	/* 0: none */
	char		 rid[20];
	char		 token[SCIM_ACTOR_TOKEN];
	unsigned	 ops;
	unsigned	 madd, mdel, roles, attrs;
	int		 status;
	int		 write;		/* POST, PUT, PATCH, DELETE; not a search */
	char		 type;		/* 'U', 'G' or 0 */
	int		 cycle;
	int		 recovered;	/* index of the record that recovered it */
	int		 fnext;		/* next pending failure of one key */
	cJSON		*rec;		/* kept: failures, and all for detail */
};

struct walk {
	struct crec	*r;
	size_t		 n, cap;
	int		 keep;		/* keep every record (a detail) */
	cJSON		*labels;	/* token id -> its label */
	enum scim_err	 err;
};

long long
cycle_gap(const struct tenant *t)
{
	return t->tn_cyclegap > 0 ? t->tn_cyclegap : ACT_GAP_DEFAULT;
}

/* FNV-1a over a type byte and s, folded to lower case if fold; never 0. */
static uint64_t
key_of(char type, const char *s, int fold)
{
	uint64_t	h = 1469598103934665603ULL;

	h = (h ^ (unsigned char)type) * 1099511628211ULL;
	h = (h ^ (fold ? 'n' : 'i')) * 1099511628211ULL;
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)(fold ? tolower((unsigned char)*s) :
		    *s)) * 1099511628211ULL;
	return h == 0 ? 1 : h;
}

static const char *
str(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static double
num(const cJSON *o, const char *k)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static unsigned
ops_of(const cJSON *rec)
{
	static const char *const names[] = { "create", "update", "delete",
	    "deactivate", "reactivate", "restore", "members" };
	const cJSON	*v;
	unsigned	 ops = 0;
	size_t		 i;

	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(rec, "ops"))
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (cJSON_IsString(v) &&
			    strcmp(v->valuestring, names[i]) == 0)
				ops |= 1u << i;
	return ops;
}

static int
walk_cb(uint64_t us, const uint8_t rid[8], const char *json, size_t len,
    void *arg)
{
	struct walk	*w = arg;
	struct crec	*c, *nr;
	cJSON		*rec;
	const char	*m, *path, *type, *id, *name, *label;

	(void)rid;
	if (w->n == w->cap) {
		w->cap = w->cap == 0 ? 1024 : w->cap * 2;
		if ((nr = realloc(w->r, w->cap * sizeof(*nr))) == NULL) {
			w->err = SCIM_ENOMEM;
			return 1;
		}
		w->r = nr;
	}
	if ((rec = cJSON_ParseWithLength(json, len)) == NULL)
		return 0;	/* a damaged record of the activity file */
	c = &w->r[w->n++];
	memset(c, 0, sizeof(*c));
	c->us = us;
	c->recovered = -1;
	c->fnext = -1;
	util_strlcpy(c->rid, str(rec, "request") ? str(rec, "request") : "",
	    sizeof(c->rid));
	util_strlcpy(c->token, str(rec, "token") ? str(rec, "token") : "",
	    sizeof(c->token));
	c->status = (int)num(rec, "status");
	/* A cycle's label: its token's, whichever record it has. */
	if (c->token[0] != '\0' && (label = str(rec, "label")) != NULL &&
	    cJSON_GetObjectItemCaseSensitive(w->labels, c->token) == NULL &&
	    cJSON_AddStringToObject(w->labels, c->token, label) == NULL) {
		cJSON_Delete(rec);
		w->err = SCIM_ENOMEM;
		return 1;
	}
	c->ops = ops_of(rec);
	c->attrs = (unsigned)cJSON_GetArraySize(
	    cJSON_GetObjectItemCaseSensitive(rec, "attributes"));
	c->madd = (unsigned)num(rec, "members_added");
	c->mdel = (unsigned)num(rec, "members_removed");
	c->roles = (unsigned)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	    rec, "roles_added")) + (unsigned)cJSON_GetArraySize(
	    cJSON_GetObjectItemCaseSensitive(rec, "roles_removed")) > 0 ?
	    1 : 0;
	c->roles += (unsigned)num(rec, "others");
	m = str(rec, "method");
	path = str(rec, "path");
	c->write = m != NULL && strcmp(m, "GET") != 0 &&
	    strcmp(m, "HEAD") != 0 && (path == NULL ||
	    strstr(path, ".search") == NULL);
	type = str(rec, "resourceType");
	c->type = type == NULL ? 0 : strcmp(type, "User") == 0 ? 'U' : 'G';
	if (c->type != 0 && (id = str(rec, "id")) != NULL)
		c->idkey = key_of(c->type, id, 0);
	if (c->type != 0 && (name = str(rec, "name")) != NULL)
		c->namekey = key_of(c->type, name, 1);
	if (w->keep || c->status >= 400) {
		cJSON_Delete(rec);
		c->rec = activity_parse(json, len, us, NULL);
	} else
		cJSON_Delete(rec);
	return 0;
}

static void
time_of(uint64_t us, char *out, size_t len)
{
	time_t		secs = (time_t)(us / 1000000);
	struct tm	tm;

	gmtime_r(&secs, &tm);
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06luZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (unsigned long)(us % 1000000));
}

/* The pending failures of each resource key: an open-addressed table. */
struct pend {
	uint64_t	*keys;
	int		*heads;
	size_t		 size;
};

static int *
pend_slot(struct pend *p, uint64_t key, int add)
{
	size_t	i = (size_t)key & (p->size - 1);

	while (p->keys[i] != 0 && p->keys[i] != key)
		i = (i + 1) & (p->size - 1);
	if (p->keys[i] == 0) {
		if (!add)
			return NULL;
		p->keys[i] = key;
		p->heads[i] = -1;
	}
	return &p->heads[i];
}

/* Mark the failures that a later success recovered (crec.recovered). */
static enum scim_err
recoveries(struct crec *r, size_t n)
{
	struct pend	 p;
	size_t		 i, nf = 0, k;
	uint64_t	 keys[2];
	int		*h, j;

	for (i = 0; i < n; i++)
		if (r[i].status >= 400)
			nf++;
	if (nf == 0)
		return SCIM_OK;
	for (p.size = 16; p.size < 4 * nf; p.size *= 2)
		;
	p.keys = calloc(p.size, sizeof(*p.keys));
	p.heads = calloc(p.size, sizeof(*p.heads));
	if (p.keys == NULL || p.heads == NULL) {
		free(p.keys);
		free(p.heads);
		return SCIM_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		keys[0] = r[i].idkey;
		keys[1] = r[i].namekey;
		if (r[i].status >= 400) {
			/* Pending under its id, else its name. */
			if ((keys[0] != 0 || keys[1] != 0) && (h = pend_slot(&p,
			    keys[0] != 0 ? keys[0] : keys[1], 1)) != NULL) {
				r[i].fnext = *h;
				*h = (int)i;
			}
			continue;
		}
		for (k = 0; k < 2; k++) {
			if (keys[k] == 0 ||
			    (h = pend_slot(&p, keys[k], 0)) == NULL)
				continue;
			/* Those of the same kind are recovered; the rest stay. */
			for (j = *h, *h = -1; j != -1; ) {
				int next = r[j].fnext;

				if (r[j].write == r[i].write)
					r[j].recovered = (int)i;
				else {
					r[j].fnext = *h;
					*h = j;
				}
				j = next;
			}
		}
	}
	free(p.keys);
	free(p.heads);
	return SCIM_OK;
}

struct touched {
	uint64_t	key;
	int		cycle;
	size_t		rec;
};

static int
touched_cmp(const void *a, const void *b)
{
	const struct touched *x = a, *y = b;

	if (x->cycle != y->cycle)
		return x->cycle < y->cycle ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return 0;
}

static void
count_reason(cJSON *reasons, const struct crec *c)
{
	char		 reason[64];
	const char	*st = str(c->rec, "scimType");
	cJSON		*v;

	snprintf(reason, sizeof(reason), "%d%s%s", c->status,
	    st != NULL ? " " : "", st != NULL ? st : "");
	if ((v = cJSON_GetObjectItemCaseSensitive(reasons, reason)) != NULL)
		cJSON_SetNumberValue(v, v->valuedouble + 1);
	else
		cJSON_AddNumberToObject(reasons, reason, 1);
}

static cJSON *
failure_of(const struct crec *r, const struct crec *c)
{
	static const char *const keep[] = { "time", "request", "method", "path",
	    "query", "resourceType", "id", "name", "status", "scimType",
	    "detail" };
	cJSON		*f;
	const cJSON	*v;
	size_t		 i;

	if ((f = cJSON_CreateObject()) == NULL)
		return NULL;
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if ((v = cJSON_GetObjectItemCaseSensitive(c->rec, keep[i])) !=
		    NULL)
			cJSON_AddItemToObject(f, keep[i],
			    cJSON_Duplicate(v, 1));
	cJSON_AddStringToObject(f, "state", c->recovered >= 0 ? "recovered" :
	    "outstanding");
	if (c->recovered >= 0) {
		cJSON_AddStringToObject(f, "recovered_by",
		    r[c->recovered].rid);
		cJSON_AddNumberToObject(f, "recovered_cycle_index",
		    r[c->recovered].cycle);
	}
	return f;
}

enum scim_err
cycle_list(struct store *st, const struct tenant *t, const char *detail,
    uint64_t from_us, cJSON **out)
{
	struct walk	 w;
	struct touched	*tv = NULL;
	struct {
		char	token[SCIM_ACTOR_TOKEN];
		int	cycle;
	}		*open = NULL;
	size_t		 nopen = 0, i, j, nt = 0;
	cJSON		*arr = NULL, *cy, *failed, *f, *tl, *o;
	cJSON		**cycles = NULL;
	int		 ncy = 0, want = -1, k;
	uint64_t	 gap = (uint64_t)cycle_gap(t) * 1000000, now;
	struct timeval	 tvnow;
	char		 ts[64];
	enum scim_err	 e;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	w.keep = detail != NULL;
	if ((w.labels = cJSON_CreateObject()) == NULL)
		return SCIM_ENOMEM;
	if ((e = store_act_each(st, t->tn_id, from_us, NULL, walk_cb, &w)) !=
	    SCIM_OK || (e = w.err) != SCIM_OK)
		goto done;
	gettimeofday(&tvnow, NULL);
	now = (uint64_t)tvnow.tv_sec * 1000000 + (uint64_t)tvnow.tv_usec;
	if ((arr = cJSON_CreateArray()) == NULL ||
	    (open = calloc(w.n + 1, sizeof(*open))) == NULL ||
	    (cycles = calloc(w.n + 1, sizeof(*cycles))) == NULL)
		goto oom;

	/* Cycles: per token, runs with gaps shorter than the tenant's. */
	for (i = 0; i < w.n; i++) {
		struct crec *c = &w.r[i];

		for (j = 0; j < nopen; j++)
			if (strcmp(open[j].token, c->token) == 0)
				break;
		if (j == nopen || c->us - (uint64_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItem(cycles[open[j].cycle], "end_us")) >=
		    gap) {
			if (j == nopen) {
				util_strlcpy(open[j].token, c->token,
				    sizeof(open[j].token));
				nopen++;
			}
			if ((cy = cJSON_CreateObject()) == NULL)
				goto oom;
			cycles[ncy] = cy;
			cJSON_AddItemToArray(arr, cy);
			open[j].cycle = ncy++;
			cJSON_AddStringToObject(cy, "id", c->rid);
			cJSON_AddStringToObject(cy, "token", c->token);
			cJSON_AddNumberToObject(cy, "start_us", (double)c->us);
			cJSON_AddNumberToObject(cy, "end_us", (double)c->us);
			cJSON_AddNumberToObject(cy, "requests", 0);
			cJSON_AddNumberToObject(cy, "reads", 0);
			cJSON_AddNumberToObject(cy, "creates", 0);
			cJSON_AddNumberToObject(cy, "updates", 0);
			cJSON_AddNumberToObject(cy, "deactivations", 0);
			cJSON_AddNumberToObject(cy, "reactivations", 0);
			cJSON_AddNumberToObject(cy, "deletes", 0);
			cJSON_AddNumberToObject(cy, "restores", 0);
			cJSON_AddNumberToObject(cy, "members_added", 0);
			cJSON_AddNumberToObject(cy, "members_removed", 0);
			cJSON_AddNumberToObject(cy, "role_changes", 0);
			cJSON_AddNumberToObject(cy, "failures", 0);
			cJSON_AddNumberToObject(cy, "outstanding", 0);
			cJSON_AddNumberToObject(cy, "held", 0);
			cJSON_AddItemToObject(cy, "reasons",
			    cJSON_CreateObject());
		}
		c->cycle = open[j].cycle;
		cy = cycles[c->cycle];
		cJSON_SetNumberValue(cJSON_GetObjectItem(cy, "end_us"),
		    (double)c->us);
#define BUMP(name, by) do {						\
	cJSON *b_ = cJSON_GetObjectItem(cy, name);			\
	cJSON_SetNumberValue(b_, b_->valuedouble + (by));		\
} while (0)
		BUMP("requests", 1);
		if (!c->write)
			BUMP("reads", 1);
		if (c->ops & ACT_CREATE)
			BUMP("creates", 1);
		/* An update: attributes changed, not only members. */
		if ((c->ops & ACT_UPDATE) && !(c->ops & ACT_CREATE) &&
		    (c->attrs > 0 || !(c->ops & ACT_MEMBERS)))
			BUMP("updates", 1);
		if (c->ops & ACT_DEACTIVATE)
			BUMP("deactivations", 1);
		if (c->ops & ACT_REACTIVATE)
			BUMP("reactivations", 1);
		if (c->ops & ACT_DELETE)
			BUMP("deletes", 1);
		if (c->ops & ACT_RESTORE)
			BUMP("restores", 1);
		BUMP("members_added", c->madd);
		BUMP("members_removed", c->mdel);
		BUMP("role_changes", c->roles);
		if (c->status >= 400) {
			BUMP("failures", 1);
			count_reason(cJSON_GetObjectItem(cy, "reasons"), c);
		}
		/* Refused by the breaker (breaker.h; its details begin so). */
		if (c->status == 503 && c->rec != NULL &&
		    strncmp(str(c->rec, "detail") != NULL ? str(c->rec,
		    "detail") : "", "deprovisioning held", 19) == 0)
			BUMP("held", 1);
	}
	if ((e = recoveries(w.r, w.n)) != SCIM_OK)
		goto done;

	/* Which cycle to detail. */
	if (detail != NULL) {
		for (k = 0; k < ncy; k++)
			if (strcmp(str(cycles[k], "id"), detail) == 0)
				want = k;
		if (strcmp(detail, "last") == 0)
			want = ncy - 1;
	}

	/* Users and groups touched: distinct keys per cycle. */
	if ((tv = calloc(w.n + 1, sizeof(*tv))) == NULL)
		goto oom;
	for (i = 0; i < w.n; i++)
		if (w.r[i].type != 0 && (w.r[i].idkey || w.r[i].namekey) &&
		    w.r[i].status < 400 && w.r[i].write) {
			tv[nt].key = (w.r[i].idkey ? w.r[i].idkey :
			    w.r[i].namekey) ^ (w.r[i].type == 'U' ? 0 : 1);
			tv[nt].cycle = w.r[i].cycle;
			tv[nt].rec = i;
			nt++;
		}
	qsort(tv, nt, sizeof(*tv), touched_cmp);
	for (k = 0; k < ncy; k++) {
		cJSON_AddNumberToObject(cycles[k], "users", 0);
		cJSON_AddNumberToObject(cycles[k], "groups", 0);
	}
	tl = want >= 0 ? cJSON_AddArrayToObject(cycles[want], "touched") :
	    NULL;
	for (i = 0; i < nt; i++) {
		struct crec *c = &w.r[tv[i].rec];

		if (i > 0 && touched_cmp(&tv[i - 1], &tv[i]) == 0)
			continue;
		cy = cycles[c->cycle];
		BUMP(c->type == 'U' ? "users" : "groups", 1);
		if (tl != NULL && c->cycle == want && c->rec != NULL &&
		    (o = cJSON_CreateObject()) != NULL) {
			cJSON_AddStringToObject(o, "resourceType",
			    c->type == 'U' ? "User" : "Group");
			if (str(c->rec, "id") != NULL)
				cJSON_AddStringToObject(o, "id",
				    str(c->rec, "id"));
			if (str(c->rec, "name") != NULL)
				cJSON_AddStringToObject(o, "name",
				    str(c->rec, "name"));
			cJSON_AddItemToArray(tl, o);
		}
	}

	/* Failures: outstanding counted; listed for the detailed cycle. */
	failed = want >= 0 ? cJSON_AddArrayToObject(cycles[want], "failed") :
	    NULL;
	for (i = 0; i < w.n; i++) {
		struct crec *c = &w.r[i];

		if (c->status < 400)
			continue;
		cy = cycles[c->cycle];
		if (c->recovered < 0)
			BUMP("outstanding", 1);
		if (failed != NULL && c->cycle == want &&
		    (f = failure_of(w.r, c)) != NULL) {
			if (c->recovered >= 0)
				cJSON_AddStringToObject(f, "recovered_in",
				    str(cycles[w.r[c->recovered].cycle], "id"));
			cJSON_DeleteItemFromObject(f,
			    "recovered_cycle_index");
			cJSON_AddItemToArray(failed, f);
		}
	}
#undef BUMP

	/* Times as text; running or not. */
	for (k = 0; k < ncy; k++) {
		uint64_t s = (uint64_t)num(cycles[k], "start_us");
		uint64_t en = (uint64_t)num(cycles[k], "end_us");

		time_of(s, ts, sizeof(ts));
		cJSON_AddStringToObject(cycles[k], "start", ts);
		time_of(en, ts, sizeof(ts));
		cJSON_AddStringToObject(cycles[k], "end", ts);
		cJSON_AddBoolToObject(cycles[k], "running", now - en < gap);
	}
	for (k = 0; k < ncy; k++)
		if ((o = cJSON_GetObjectItemCaseSensitive(w.labels,
		    str(cycles[k], "token"))) != NULL)
			cJSON_AddStringToObject(cycles[k], "label",
			    o->valuestring);
	if (detail != NULL && want < 0) {
		e = SCIM_ENOTFOUND;
		goto done;
	}
	*out = arr;
	arr = NULL;
	e = SCIM_OK;
	goto done;
oom:
	e = SCIM_ENOMEM;
done:
	for (i = 0; i < w.n; i++)
		cJSON_Delete(w.r[i].rec);
	free(w.r);
	cJSON_Delete(w.labels);
	free(open);
	free(cycles);
	free(tv);
	cJSON_Delete(arr);
	return e;
}

/* The request ids of one token's records up to a time (cycle_find). */
struct rids {
	const char	*token;
	uint64_t	 end_us;
	cJSON		*out;
	enum scim_err	 err;
};

static int
rids_cb(uint64_t us, const uint8_t rid[8], const char *json, size_t len,
    void *arg)
{
	struct rids	*r = arg;
	cJSON		*rec;
	const char	*tok, *req;

	(void)rid;
	if (us > r->end_us)
		return 1;
	if ((rec = cJSON_ParseWithLength(json, len)) == NULL)
		return 0;	/* damaged: cycle_list() skipped it too */
	tok = str(rec, "token");
	req = str(rec, "request");
	if (strcmp(tok != NULL ? tok : "", r->token) == 0 && req != NULL &&
	    cJSON_AddItemToArray(r->out, cJSON_CreateString(req)) == 0)
		r->err = SCIM_ENOMEM;
	cJSON_Delete(rec);
	return r->err != SCIM_OK;
}

/* Did the cycle change anything: a write that worked? */
static int
changed(const cJSON *cy)
{
	static const char *const ops[] = { "creates", "updates",
	    "deactivations", "reactivations", "deletes", "restores",
	    "members_added", "members_removed", "role_changes" };
	size_t	i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (num(cy, ops[i]) > 0)
			return 1;
	return 0;
}

enum scim_err
cycle_find(struct store *st, const struct tenant *t, const char *id,
    cJSON **cycle, cJSON **requests)
{
	struct rids	 r;
	cJSON		*list, *cy, *want = NULL;
	enum scim_err	 e;

	*cycle = *requests = NULL;
	if ((e = cycle_list(st, t, NULL, 0, &list)) != SCIM_OK)
		return e;
	cJSON_ArrayForEach(cy, list)
		if (strcmp(id, "last") == 0 ? changed(cy) :
		    strcmp(str(cy, "id") != NULL ? str(cy, "id") : "", id) == 0)
			want = cy;
	if (want == NULL) {
		cJSON_Delete(list);
		return SCIM_ENOTFOUND;
	}
	memset(&r, 0, sizeof(r));
	r.token = str(want, "token") != NULL ? str(want, "token") : "";
	r.end_us = (uint64_t)num(want, "end_us");
	if ((r.out = cJSON_CreateArray()) == NULL) {
		cJSON_Delete(list);
		return SCIM_ENOMEM;
	}
	e = store_act_each(st, t->tn_id, (uint64_t)num(want, "start_us"), NULL,
	    rids_cb, &r);
	if (e == SCIM_OK)
		e = r.err;
	if (e != SCIM_OK) {
		cJSON_Delete(r.out);
		cJSON_Delete(list);
		return e;
	}
	*cycle = cJSON_DetachItemViaPointer(list, want);
	*requests = r.out;
	cJSON_Delete(list);
	return SCIM_OK;
}
