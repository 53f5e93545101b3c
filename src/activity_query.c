/*
 * activity_query.c: the activity log's filters (activity_query.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "activity.h"
#include "activity_query.h"
#include "schema.h"
#include "store.h"
#include "util.h"

int
act_query_status(const char *s, int *status)
{
	long long	n;

	if (strcmp(s, "4xx") == 0 || strcmp(s, "5xx") == 0)
		*status = s[0] - '0';
	else if (util_strtonum(s, 100, 599, &n) == 0)
		*status = (int)n;
	else
		return -1;
	return 0;
}

static int
status_match(const struct act_query *q, double status)
{
	int	s = (int)status;

	if (q->aq_status == 0)
		return 1;
	if (q->aq_status < 10)
		return s / 100 == q->aq_status;
	return s == q->aq_status;
}

/* Does the query (a filter, percent-encoded or not) name who? */
static int
query_names(const char *q, const char *who)
{
	char	dec[1024];
	size_t	i, o = 0, n = strlen(who);
	unsigned int c;

	if (q == NULL || n == 0)
		return 0;
	for (i = 0; q[i] != '\0' && o + 1 < sizeof(dec); i++) {
		if (q[i] == '%' && isxdigit((unsigned char)q[i + 1]) &&
		    isxdigit((unsigned char)q[i + 2]) &&
		    sscanf(q + i + 1, "%2x", &c) == 1) {
			dec[o++] = (char)c;
			i += 2;
		} else
			dec[o++] = q[i] == '+' ? ' ' : q[i];
	}
	dec[o] = '\0';
	for (i = 0; i + n <= o; i++)
		if (strncasecmp(dec + i, who, n) == 0 &&
		    (i == 0 || dec[i - 1] == '"') && dec[i + n] == '"')
			return 1;
	return 0;
}

static int
who_match(const struct act_query *q, const cJSON *rec)
{
	const char	*type, *id, *name;
	uint8_t		 bin[16];
	int		 i;

	if (q->aq_type == 0)
		return 1;
	type = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "resourceType"));
	id = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "id"));
	name = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "name"));
	if (type == NULL || type[0] != q->aq_type) {
		/* A list filtered on the name: Entra's lookup before a create. */
		return type == NULL || cJSON_GetObjectItem(rec, "id") == NULL ?
		    (type == NULL || type[0] == q->aq_type) && query_names(
		    cJSON_GetStringValue(cJSON_GetObjectItem(rec, "query")),
		    q->aq_who) : 0;
	}
	if (id != NULL && util_strcaseeq(id, q->aq_who))
		return 1;
	if (name != NULL && util_strcaseeq(name, q->aq_who))
		return 1;
	if (id != NULL && util_uuid_parse(id, bin) == 0)
		for (i = 0; i < q->aq_nids; i++)
			if (memcmp(bin, q->aq_ids[i], 16) == 0)
				return 1;
	return id == NULL && query_names(cJSON_GetStringValue(
	    cJSON_GetObjectItem(rec, "query")), q->aq_who);
}

int
act_query_match(const struct act_query *q, const cJSON *rec)
{
	const char	*r;

	r = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "request"));
	return status_match(q, cJSON_GetNumberValue(cJSON_GetObjectItem(rec,
	    "status"))) && who_match(q, rec) && (q->aq_request == NULL ||
	    (r != NULL && strcmp(r, q->aq_request) == 0));
}

void
act_query_resolve(struct store_txn *tx, uint32_t tenant, struct act_query *q)
{
	char	folded[SCIM_MAX_KEYSTR + 1];
	size_t	n = 0;

	if (q->aq_type == 0 || strlen(q->aq_who) > SCIM_MAX_KEYSTR)
		return;
	schema_fold(q->aq_who, folded);
	if (store_idx_find(tx, tenant, q->aq_type == 'U' ? RES_USER :
	    RES_GROUP, q->aq_type == 'U' ? IDX_USERNAME : IDX_DISPLAYNAME,
	    folded, strlen(folded), q->aq_ids, 4, &n) == SCIM_OK)
		q->aq_nids = (int)n;
}

/* act_query_run(): the newest matches in a ring. */
struct run {
	const struct act_query	*r_q;
	const char		*r_tname;
	cJSON			**r_ring;
	long long		 r_limit, r_n, r_head;
	cJSON			*r_all;		/* limit 0 */
	int			 r_more;
	enum scim_err		 r_err;
};

static int
run_one(uint64_t us, const uint8_t rid[8], const char *json, size_t len,
    void *arg)
{
	struct run	*r = arg;
	cJSON		*rec;

	(void)rid;
	if ((rec = activity_parse(json, len, us, r->r_tname)) == NULL)
		return 0;	/* damaged: activity.mdb after a power cut */
	if (!act_query_match(r->r_q, rec)) {
		cJSON_Delete(rec);
		return 0;
	}
	if (r->r_ring == NULL) {
		if (!cJSON_AddItemToArray(r->r_all, rec)) {
			cJSON_Delete(rec);
			r->r_err = SCIM_ENOMEM;
			return 1;
		}
		return 0;
	}
	if (r->r_n == r->r_limit) {
		cJSON_Delete(r->r_ring[r->r_head]);
		r->r_ring[r->r_head] = rec;
		r->r_head = (r->r_head + 1) % r->r_limit;
		r->r_more = 1;
	} else
		r->r_ring[r->r_n++] = rec;
	return 0;
}

enum scim_err
act_query_run(struct store *st, uint32_t tenant, const char *tname,
    const struct act_query *q, long long limit, cJSON **out, int *more)
{
	struct run	r;
	long long	i;
	cJSON		*rec;
	enum scim_err	e;

	memset(&r, 0, sizeof(r));
	r.r_q = q;
	r.r_tname = tname;
	r.r_limit = limit;
	*out = NULL;
	if ((r.r_all = cJSON_CreateArray()) == NULL)
		return SCIM_ENOMEM;
	if (limit > 0 && (r.r_ring = calloc((size_t)limit,
	    sizeof(*r.r_ring))) == NULL) {
		cJSON_Delete(r.r_all);
		return SCIM_ENOMEM;
	}
	e = store_act_each(st, tenant, q->aq_from, NULL, run_one, &r);
	if (e == SCIM_OK)
		e = r.r_err;
	for (i = 0; i < r.r_n; i++) {
		rec = r.r_ring[(r.r_head + i) % r.r_n];
		if (e != SCIM_OK || !cJSON_AddItemToArray(r.r_all, rec)) {
			cJSON_Delete(rec);
			if (e == SCIM_OK)
				e = SCIM_ENOMEM;
		}
	}
	free(r.r_ring);
	if (e != SCIM_OK) {
		cJSON_Delete(r.r_all);
		return e;
	}
	if (more != NULL)
		*more = r.r_more;
	*out = r.r_all;
	return SCIM_OK;
}
