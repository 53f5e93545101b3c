/*
 * list_query.c: a list request read from its query string (GET) or its
 * SearchRequest body (POST .search): filter, sortBy and sortOrder,
 * startIndex and count (capped), cursor, attributes and
 * excludedAttributes (RFC 7644 §3.4.2, §3.4.3; RFC 9865).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctx.h"
#include "filter.h"
#include "http.h"
#include "json.h"
#include "list_int.h"
#include "scim_error.h"
#include "util.h"

#define URN_SEARCH	"urn:ietf:params:scim:api:messages:2.0:SearchRequest"

/* A resource's position in the stream: type, then id. */
void
list_position(uint8_t *pos, enum res_type t, const uint8_t id[16])
{
	pos[0] = (uint8_t)list_type_rank(t);
	memcpy(pos + 1, id, 16);
}

/* Parse one list request.  max is the page size cap. */
static enum scim_err
q_paging(struct listq *q, const char *start, const char *count, long long max,
    struct scim_resp *resp)
{
	q->lq_start = 1;
	q->lq_count = SCIM_DEFAULT_COUNT < max ? SCIM_DEFAULT_COUNT : max;
	if (start != NULL && *start != '\0' && util_strtonum(start,
	    -0x7fffffffffffLL, 0x7fffffffffffLL, &q->lq_start) == -1)
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "startIndex must be an integer");
	if (count != NULL && *count != '\0' && util_strtonum(count,
	    -0x7fffffffffffLL, 0x7fffffffffffLL, &q->lq_count) == -1)
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "count must be an integer");
	if (q->lq_start < 1)
		q->lq_start = 1;
	if (q->lq_count < 0)
		q->lq_count = 0;
	if (q->lq_count > max)
		q->lq_count = max;
	return SCIM_OK;
}

static enum scim_err
q_sort(struct listq *q, const char *by, const char *order,
    struct scim_resp *resp)
{
	if (by != NULL && *by != '\0' &&
	    util_strlcpy(q->lq_sortby, by, sizeof(q->lq_sortby)) >=
	    sizeof(q->lq_sortby))
		return scim_fail(resp, SCIM_EINVALVALUE, "sortBy too long");
	/* RFC 7644 §3.4.2.3: sortBy is an attribute path (§3.10). */
	if (q->lq_sortby[0] != '\0' && !filter_attrpath_ok(q->lq_sortby))
		return scim_fail(resp, SCIM_EFILTER, "sortBy must name an "
		    "attribute (attr, attr.sub, or URN:attr)");
	if (order == NULL || *order == '\0' ||
	    util_strcaseeq(order, "ascending"))
		q->lq_desc = 0;
	else if (util_strcaseeq(order, "descending"))
		q->lq_desc = 1;
	else
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "sortOrder must be ascending or descending");
	return SCIM_OK;
}

struct sortspec
list_q_order(const struct listq *q)
{
	struct sortspec	ss;

	ss.ss_by = q->lq_sortby[0] != '\0' ? q->lq_sortby : NULL;
	ss.ss_desc = q->lq_desc;
	return ss;
}

/* RFC 9865: an empty cursor asks for the first page.  Sorting first. */
static enum scim_err
q_cursor(struct listq *q, const char *cursor, struct scim_resp *resp)
{
	struct sortspec	 ss = list_q_order(q);
	const char	*why;

	q->lq_cursor = 1;
	memset(q->lq_after, 0, sizeof(q->lq_after));
	list_cursor_free(&q->lq_cur);
	memset(&q->lq_cur, 0, sizeof(q->lq_cur));
	q->lq_cur.cu_start = 1;
	if (*cursor == '\0')
		return SCIM_OK;
	if (list_cursor_decode(cursor, &ss, &q->lq_cur, &why) == -1)
		return scim_fail(resp, SCIM_ECURSOR, "%s", why);
	if (ss.ss_by == NULL)
		list_position(q->lq_after, q->lq_cur.cu_hit.h_type,
		    q->lq_cur.cu_hit.h_id);
	return SCIM_OK;
}

static long long
max_results(const struct scim_req *req)
{
	return req->rq_cx->cx_tenant.tn_maxresults > 0 ?
	    req->rq_cx->cx_tenant.tn_maxresults : SCIM_MAX_COUNT;
}

enum scim_err
list_q_from_query(struct scim_req *req, struct listq *q, struct scim_resp *resp)
{
	const char	*qs = req->rq_query;
	char		 start[32], count[32], by[256], order[32];
	char		 cursor[CURSOR_STRMAX + 2];
	int		 r[6];
	enum scim_err	 e;

	memset(q, 0, sizeof(*q));
	start[0] = count[0] = by[0] = order[0] = '\0';
	r[0] = http_query_get(qs, "startIndex", start, sizeof(start));
	r[1] = http_query_get(qs, "count", count, sizeof(count));
	r[2] = http_query_get(qs, "sortBy", by, sizeof(by));
	r[3] = http_query_get(qs, "sortOrder", order, sizeof(order));
	r[4] = http_query_get(qs, "cursor", cursor, sizeof(cursor));
	r[5] = http_query_get(qs, "filter", q->lq_filter, sizeof(q->lq_filter));
	if (r[5] == -1)
		return scim_fail(resp, SCIM_EFILTER, "filter longer than %d "
		    "bytes or holding a NUL byte", SCIM_MAX_FILTER);
	if (r[0] == -1 || r[1] == -1 || r[2] == -1 || r[3] == -1)
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "startIndex, count, sortBy or sortOrder is too long");
	if (r[4] == -1)
		return scim_fail(resp, SCIM_ECURSOR, "invalid cursor");
	q->lq_hasfilter = r[5] == 1;
	if ((e = q_paging(q, start, count, max_results(req), resp)) ||
	    (e = q_sort(q, by, order, resp)))
		return e;
	if (r[4] == 1 && (e = q_cursor(q, cursor, resp)))
		return e;
	if ((r[0] = http_query_get(qs, "attributes", q->lq_attrs,
	    sizeof(q->lq_attrs))) == 0) {
		r[0] = http_query_get(qs, "excludedAttributes", q->lq_attrs,
		    sizeof(q->lq_attrs));
		q->lq_exclude = 1;
	}
	if (r[0] == -1)
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "attribute list too long");
	q->lq_hasattrs = r[0] == 1;
	return SCIM_OK;
}

/* A SearchRequest's string-array attribute, joined by commas. */
static enum scim_err
join(const cJSON *arr, char *out, size_t outlen, struct scim_resp *resp)
{
	const cJSON	*el;
	size_t		 n = 0;

	out[0] = '\0';
	if (cJSON_IsString(arr))
		return util_strlcpy(out, arr->valuestring, outlen) < outlen ?
		    SCIM_OK : scim_fail(resp, SCIM_EINVALVALUE,
		    "attribute list too long");
	if (!cJSON_IsArray(arr))
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "attributes must be an array of strings");
	cJSON_ArrayForEach(el, arr) {
		if (!cJSON_IsString(el))
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "attributes must be an array of strings");
		n += (size_t)snprintf(out + n, outlen - n, "%s%s",
		    n > 0 ? "," : "", el->valuestring);
		if (n >= outlen)
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "attribute list too long");
	}
	return SCIM_OK;
}

/* A member of a SearchRequest that must be a string or an integer. */
static const char *
str_or_num(const cJSON *v, char *buf, size_t len)
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v)) {
		snprintf(buf, len, "%.0f", v->valuedouble);
		return buf;
	}
	return NULL;
}

enum scim_err
list_q_from_body(struct scim_req *req, struct listq *q, struct scim_resp *resp)
{
	const cJSON	*v, *o, *at, *ex;
	cJSON		*body;
	char		 sb[32], cb[32];
	enum scim_err	 e;

	memset(q, 0, sizeof(*q));
	if ((e = json_parse_body(req->rq_body, req->rq_bodylen, &body, resp)))
		return e;
	v = cJSON_GetObjectItem(body, "filter");
	if (v != NULL && !cJSON_IsNull(v)) {
		if (!cJSON_IsString(v) || util_strlcpy(q->lq_filter,
		    v->valuestring, sizeof(q->lq_filter)) >=
		    sizeof(q->lq_filter)) {
			cJSON_Delete(body);
			return scim_fail(resp, SCIM_EFILTER,
			    "filter must be a string of at most %d bytes",
			    SCIM_MAX_FILTER);
		}
		q->lq_hasfilter = 1;
	}
	e = q_paging(q, str_or_num(cJSON_GetObjectItem(body, "startIndex"), sb,
	    sizeof(sb)), str_or_num(cJSON_GetObjectItem(body, "count"), cb,
	    sizeof(cb)), max_results(req), resp);
	v = cJSON_GetObjectItem(body, "sortBy");
	o = cJSON_GetObjectItem(body, "sortOrder");
	if (e == SCIM_OK)
		e = q_sort(q, cJSON_IsString(v) ? v->valuestring : NULL,
		    cJSON_IsString(o) ? o->valuestring : NULL, resp);
	v = cJSON_GetObjectItem(body, "cursor");
	if (e == SCIM_OK && v != NULL && !cJSON_IsNull(v))
		e = cJSON_IsString(v) ? q_cursor(q, v->valuestring, resp) :
		    scim_fail(resp, SCIM_ECURSOR, "invalid cursor");
	at = cJSON_GetObjectItem(body, "attributes");
	ex = cJSON_GetObjectItem(body, "excludedAttributes");
	if (e == SCIM_OK && at != NULL && !cJSON_IsNull(at)) {
		e = join(at, q->lq_attrs, sizeof(q->lq_attrs), resp);
		q->lq_hasattrs = 1;
	} else if (e == SCIM_OK && ex != NULL && !cJSON_IsNull(ex)) {
		e = join(ex, q->lq_attrs, sizeof(q->lq_attrs), resp);
		q->lq_hasattrs = q->lq_exclude = 1;
	}
	cJSON_Delete(body);
	return e;
}
