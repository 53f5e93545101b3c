/*
 * activity.c: the record of one request (activity.h) — what the modules
 * note while it runs, the stored form, and the one-line summary.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "activity.h"
#include "buf.h"
#include "http.h"
#include "log.h"
#include "schema.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

#define ACT_PATH_MAX	512	/* path and query bytes kept */
#define ACT_REC_MAX	8192	/* a record is far smaller */

void
activity_start(struct activity *a, const uint8_t rid[8], const char *reqid)
{
	memset(a, 0, sizeof(*a));
	a->at_start = util_now_us();
	memcpy(a->at_rid, rid, sizeof(a->at_rid));
	util_strlcpy(a->at_reqid, reqid, sizeof(a->at_reqid));
}

void
activity_client(struct activity *a, const char *client, const char *agent)
{
	util_strlcpy(a->at_client, client != NULL ? client : "",
	    sizeof(a->at_client));
	util_strlcpy(a->at_agent, agent != NULL ? agent : "",
	    sizeof(a->at_agent));
}

/* Is id the subject (or is there none yet: then it becomes it)? */
static int
is_subject(struct activity *a, enum res_type type, const uint8_t *id)
{
	if (a->at_type == 0) {
		a->at_type = type;
		if (id != NULL) {
			memcpy(a->at_id, id, 16);
			a->at_hasid = 1;
		}
		return 1;
	}
	if (a->at_type != type)
		return 0;
	if (!a->at_hasid && id != NULL) {
		memcpy(a->at_id, id, 16);
		a->at_hasid = 1;
		return 1;
	}
	return id == NULL || memcmp(a->at_id, id, 16) == 0;
}

void
activity_subject(struct activity *a, enum res_type type, const uint8_t *id,
    const char *name)
{
	if (a == NULL || !is_subject(a, type, id))
		return;
	if (name != NULL)
		util_strlcpy(a->at_name, name, sizeof(a->at_name));
}

void
activity_change(struct activity *a, enum res_type type, const uint8_t id[16],
    const char *op)
{
	static const struct {
		const char	*const op;
		unsigned	 bit;
	} ops[] = {
		{ "create", ACT_CREATE }, { "update", ACT_UPDATE },
		{ "delete", ACT_DELETE }, { "deactivate", ACT_DEACTIVATE },
		{ "reactivate", ACT_REACTIVATE }, { "restore", ACT_RESTORE },
		{ "members", ACT_MEMBERS },
	};
	size_t	i;

	if (a == NULL)
		return;
	if (!is_subject(a, type, id)) {
		a->at_others++;
		return;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].op, op) == 0)
			a->at_ops |= ops[i].bit;
}

/*
 * Append name to a comma-separated list, once; a full list ends in "…".
 * An empty name (an extension may declare one) is left out: it would
 * say nothing, and strstr() finds it everywhere.
 */
static void
list_add(char *list, size_t size, const char *name)
{
	size_t	len = strlen(list), n = strlen(name), at;
	const char *p;

	if (n == 0)
		return;
	for (p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' ||
		    p[n] == '\0'))
			return;
	if (len >= 3 && strcmp(list + len - 3, "\xe2\x80\xa6") == 0)
		return;
	at = len + (len > 0) + n;
	if (at + 4 >= size) {
		if (len + 4 < size)
			memcpy(list + len, "\xe2\x80\xa6", 4);
		return;
	}
	if (len > 0)
		list[len++] = ',';
	memcpy(list + len, name, n + 1);
}

/* What is kept elsewhere, or computed: not an attribute change. */
static int
diff_skip(const char *name)
{
	return strcmp(name, "meta") == 0 || strcmp(name, "schemas") == 0 ||
	    strcmp(name, "id") == 0 || strcmp(name, URN_SCIMLET) == 0;
}

static void
diff_obj(struct activity *a, const cJSON *old, const cJSON *now, int ext)
{
	const cJSON	*o, *n;

	cJSON_ArrayForEach(n, now) {
		if (diff_skip(n->string))
			continue;
		o = cJSON_GetObjectItemCaseSensitive(old, n->string);
		/* An extension's attributes are named one by one. */
		if (!ext && strncmp(n->string, "urn:", 4) == 0 &&
		    cJSON_IsObject(n)) {
			diff_obj(a, cJSON_IsObject(o) ? o : NULL, n, 1);
			continue;
		}
		if (o == NULL || !cJSON_Compare(o, n, 1))
			list_add(a->at_attrs, sizeof(a->at_attrs), n->string);
	}
	cJSON_ArrayForEach(o, old) {
		if (diff_skip(o->string) ||
		    cJSON_GetObjectItemCaseSensitive(now, o->string) != NULL)
			continue;
		if (!ext && strncmp(o->string, "urn:", 4) == 0 &&
		    cJSON_IsObject(o)) {
			diff_obj(a, o, NULL, 1);
			continue;
		}
		list_add(a->at_attrs, sizeof(a->at_attrs), o->string);
	}
}

void
activity_diff(struct activity *a, const cJSON *old, const cJSON *now)
{
	if (a == NULL || old == NULL || now == NULL)
		return;
	diff_obj(a, old, now, 0);
}

void
activity_members(struct activity *a, int added)
{
	if (a == NULL)
		return;
	if (added)
		a->at_madd++;
	else
		a->at_mdel++;
}

static int
has_role(const cJSON *set, const char *r)
{
	const cJSON	*v;

	cJSON_ArrayForEach(v, set)
		if (cJSON_IsString(v) && strcmp(v->valuestring, r) == 0)
			return 1;
	return 0;
}

void
activity_roles(struct activity *a, const uint8_t uid[16], const cJSON *was,
    const cJSON *now)
{
	const cJSON	*v;

	if (a == NULL)
		return;
	if (!is_subject(a, RES_USER, uid)) {
		/* Another user's roles: counted once, with its update. */
		return;
	}
	cJSON_ArrayForEach(v, now)
		if (cJSON_IsString(v) && !has_role(was, v->valuestring))
			list_add(a->at_rolesadd, sizeof(a->at_rolesadd),
			    v->valuestring);
	cJSON_ArrayForEach(v, was)
		if (cJSON_IsString(v) && !has_role(now, v->valuestring))
			list_add(a->at_rolesdel, sizeof(a->at_rolesdel),
			    v->valuestring);
}

/* "key":"value" with value cut to max bytes, made valid UTF-8. */
static void
add_str(struct buf *b, const char *key, const char *s, size_t max)
{
	char	tmp[ACT_PATH_MAX + 1];
	size_t	n;

	if (s == NULL || *s == '\0')
		return;
	if (max > ACT_PATH_MAX)
		max = ACT_PATH_MAX;
	/* Most values are plain ASCII with nothing to escape: as they are. */
	for (n = 0; n < max && s[n] >= 0x20 && s[n] < 0x7f && s[n] != '"' &&
	    s[n] != '\\'; n++)
		;
	if (n == max || s[n] == '\0') {
		buf_add(b, ",\"", 2);
		buf_str(b, key);
		buf_add(b, "\":\"", 3);
		buf_add(b, s, n);
		buf_add(b, "\"", 1);
		return;
	}
	n = strlen(s);
	if (n > max)
		n = max;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	util_utf8_clean(tmp);
	buf_add(b, ",\"", 2);
	buf_str(b, key);
	buf_add(b, "\":", 2);
	buf_json_str(b, tmp, strlen(tmp));
}

static void
add_num(struct buf *b, const char *key, unsigned long long n)
{
	char	num[32];
	size_t	len = util_utoa(n, num);

	buf_add(b, ",\"", 2);
	buf_str(b, key);
	buf_add(b, "\":", 2);
	buf_add(b, num, len);
}

/* A comma-separated list as a JSON array of strings. */
static void
add_list(struct buf *b, const char *key, const char *list)
{
	const char	*p, *comma;
	char		 tmp[ACT_LIST_MAX];
	size_t		 n;
	int		 first = 1;

	if (*list == '\0')
		return;
	buf_add(b, ",\"", 2);
	buf_str(b, key);
	buf_add(b, "\":[", 3);
	for (p = list; *p != '\0'; p = *comma != '\0' ? comma + 1 : comma) {
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		n = (size_t)(comma - p);
		memcpy(tmp, p, n);
		tmp[n] = '\0';
		util_utf8_clean(tmp);
		if (!first)
			buf_add(b, ",", 1);
		buf_json_str(b, tmp, n);
		first = 0;
	}
	buf_add(b, "]", 1);
}

/*
 * The query string as kept: an access_token parameter (RFC 6750 §2.3,
 * which scimlet does not accept, but a client may send) loses its value.
 */
static void
query_clean(const char *q, char *out, size_t len)
{
	const char	*p, *amp;
	size_t		 o = 0, n;

	out[0] = '\0';
	for (p = q; p != NULL && *p != '\0' && o + 1 < len; p = amp) {
		amp = strchr(p, '&');
		n = amp != NULL ? (size_t)(amp - p) : strlen(p);
		if (amp != NULL)
			amp++;
		if (n >= 13 && strncasecmp(p, "access_token=", 13) == 0) {
			n = snprintf(out + o, len - o, "%saccess_token=-",
			    o > 0 ? "&" : "");
			o = o + n < len ? o + n : len - 1;
			continue;
		}
		if (o > 0 && o + 1 < len)
			out[o++] = '&';
		if (n > len - o - 1)
			n = len - o - 1;
		memcpy(out + o, p, n);
		o += n;
		out[o] = '\0';
	}
}

static const char *
method_name(enum http_method m)
{
	static const char *const names[] = { "GET", "POST", "PUT", "PATCH",
	    "DELETE", "HEAD", "OTHER" };

	return m <= HTTP_OTHER ? names[m] : "OTHER";
}

static const char *const
op_names[] = { "create", "update", "delete", "deactivate", "reactivate",
    "restore", "members" };

/*
 * The subject of a request that did not get as far as noting one: the
 * type and id its path names, and for a create the name its body gives.
 */
static void
subject_from_request(struct activity *a, const struct scim_req *req)
{
	const char	*p = req->rq_path, *slash;
	char		 ids[UUID_STRLEN + 1];
	uint8_t		 id[16];
	cJSON		*body;
	const cJSON	*n;
	enum res_type	 type;

	if (a->at_type != 0 || p == NULL)
		return;
	if (strncasecmp(p, "/Users", 6) == 0 && (p[6] == '/' || !p[6]))
		type = RES_USER;
	else if (strncasecmp(p, "/Groups", 7) == 0 &&
	    (p[7] == '/' || !p[7]))
		type = RES_GROUP;
	else
		return;
	p += type == RES_USER ? 6 : 7;
	if (*p == '/' && (slash = strchr(p + 1, '/')) == NULL &&
	    strlen(p + 1) == UUID_STRLEN) {
		memcpy(ids, p + 1, UUID_STRLEN + 1);
		if (util_uuid_parse(ids, id) == 0)
			activity_subject(a, type, id, NULL);
	} else if (*p == '\0' || strcmp(p, "/") == 0)
		a->at_type = type;
	if (a->at_type == 0)
		return;
	if (req->rq_method == HTTP_POST && !a->at_hasid &&
	    a->at_name[0] == '\0' &&
	    req->rq_body != NULL && (body = cJSON_ParseWithLength(
	    req->rq_body, req->rq_bodylen)) != NULL) {
		n = cJSON_GetObjectItem(body, type == RES_USER ? "userName" :
		    "displayName");
		if (cJSON_IsString(n))
			util_strlcpy(a->at_name, n->valuestring,
			    sizeof(a->at_name));
		cJSON_Delete(body);
	}
}

/* The record's JSON into b. */
static void
make_record(struct activity *a, const struct scim_req *req,
    const struct scim_resp *resp, int status, enum scim_err e, uint64_t now,
    struct buf *b)
{
	char		 q[ACT_PATH_MAX + 1], ids[UUID_STRLEN + 1];
	const char	*t;
	size_t		 i;
	int		 first = 1;

	buf_add(b, "{\"v\":1", 6);
	add_str(b, "request", a->at_reqid, sizeof(a->at_reqid));
	add_str(b, "token", a->at_token, sizeof(a->at_token));
	add_str(b, "label", a->at_label, sizeof(a->at_label));
	add_str(b, "method", method_name(req->rq_method), 8);
	add_str(b, "path", req->rq_path, ACT_PATH_MAX);
	if (req->rq_query != NULL) {
		query_clean(req->rq_query, q, sizeof(q));
		add_str(b, "query", q, ACT_PATH_MAX);
	}
	add_num(b, "status", (unsigned long long)status);
	if (e != SCIM_OK) {
		if ((t = scim_err_type(e)) != NULL)
			add_str(b, "scimType", t, 32);
		add_str(b, "detail", scim_detail(resp, e), SCIM_MAX_DETAIL);
	}
	add_num(b, "duration_us", now > a->at_start ? now - a->at_start : 0);
	add_num(b, "bytes_in", req->rq_bodylen);
	/* What was sent: a HEAD's body is not. */
	add_num(b, "bytes_out", resp->rp_head ? 0 : resp->rp_len);
	add_str(b, "client", a->at_client, sizeof(a->at_client));
	add_str(b, "agent", a->at_agent, sizeof(a->at_agent));
	if (a->at_type != 0)
		add_str(b, "resourceType", a->at_type == RES_USER ? "User" :
		    "Group", 8);
	if (a->at_hasid) {
		util_uuid_format(a->at_id, ids);
		add_str(b, "id", ids, sizeof(ids));
	}
	add_str(b, "name", a->at_name, ACT_NAME_MAX);
	if (a->at_ops != 0) {
		buf_add(b, ",\"ops\":[", 8);
		for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
			if (!(a->at_ops & (1u << i)))
				continue;
			if (!first)
				buf_add(b, ",", 1);
			buf_json_str(b, op_names[i], strlen(op_names[i]));
			first = 0;
		}
		buf_add(b, "]", 1);
	}
	add_list(b, "attributes", a->at_attrs);
	if (a->at_madd > 0)
		add_num(b, "members_added", a->at_madd);
	if (a->at_mdel > 0)
		add_num(b, "members_removed", a->at_mdel);
	add_list(b, "roles_added", a->at_rolesadd);
	add_list(b, "roles_removed", a->at_rolesdel);
	if (a->at_others > 0)
		add_num(b, "others", a->at_others);
	/* Refused by the breaker: the deprovisioning actions it held. */
	if (e == SCIM_EHELD && a->at_brk > 0)
		add_num(b, "held", a->at_brk);
	buf_add(b, "}", 1);
}

static void
act_of(struct activity *a, uint64_t now, const char *json, size_t len,
    struct store_act *sa)
{
	const struct tenant	*t = &a->at_tenant;
	uint64_t		 days;

	memset(sa, 0, sizeof(*sa));
	sa->sa_tenant = t->tn_id;
	sa->sa_us = a->at_start;
	memcpy(sa->sa_rid, a->at_rid, sizeof(sa->sa_rid));
	sa->sa_json = json;
	sa->sa_len = len;
	sa->sa_token = a->at_token;
	sa->sa_max = t->tn_actmax > 0 ? (uint64_t)t->tn_actmax :
	    ACT_MAX_DEFAULT;
	days = t->tn_actdays > 0 ? (uint64_t)t->tn_actdays : ACT_DAYS_DEFAULT;
	sa->sa_cutoff = now > days * 86400000000ULL ?
	    now - days * 86400000000ULL : 0;
}

enum scim_err
activity_store(struct activity *a, struct store_txn *tx,
    const struct scim_req *req, const struct scim_resp *resp)
{
	struct store_act	 sa;
	struct buf		 b;
	uint64_t		 now;
	enum scim_err		 e;

	if (a == NULL || a->at_ops == 0 ||
	    (a->at_tenant.tn_flags & TENANT_ACTIVITY_OFF))
		return SCIM_OK;
	now = util_now_us();
	buf_init(&b, ACT_REC_MAX);
	make_record(a, req, resp, resp->rp_status, SCIM_OK, now, &b);
	if ((e = buf_failed(&b)) == SCIM_OK) {
		act_of(a, now, b.b_data, b.b_len, &sa);
		if ((e = store_act_put(tx, &sa)) == SCIM_OK)
			a->at_stored = 1;
	}
	buf_free(&b);
	return e;
}

void
activity_finish(struct activity *a, struct store *st,
    const struct scim_req *req, const struct scim_resp *resp,
    enum scim_err e)
{
	struct store_act	 sa;
	struct buf		 b;
	uint64_t		 now;
	int			 status;

	if (st == NULL || a->at_stored ||
	    (a->at_tenant.tn_flags & TENANT_ACTIVITY_OFF))
		return;
	now = util_now_us();
	status = e != SCIM_OK ? scim_err_status(e) : resp->rp_status;
	if (status == 0)
		status = 200;
	if (e != SCIM_OK) {
		/* Whatever it noted was undone with its transaction. */
		a->at_ops = a->at_madd = a->at_mdel = a->at_others = 0;
		a->at_attrs[0] = a->at_rolesadd[0] = a->at_rolesdel[0] = '\0';
		/* A create that failed made no id: its name says who. */
		if (req->rq_method == HTTP_POST)
			a->at_hasid = 0;
	}
	subject_from_request(a, req);
	buf_init(&b, ACT_REC_MAX);
	make_record(a, req, resp, status, e, now, &b);
	if (buf_failed(&b) == SCIM_OK) {
		act_of(a, now, b.b_data, b.b_len, &sa);
		if (store_act_log(st, &sa) != SCIM_OK)
			log_warnx("request %s: its activity record is lost",
			    a->at_reqid);
	}
	buf_free(&b);
}

cJSON *
activity_parse(const char *json, size_t len, uint64_t us, const char *tenant)
{
	cJSON	*rec;
	char	 t[64], sum[512];
	time_t	 secs = (time_t)(us / 1000000);
	struct tm tm;

	if ((rec = cJSON_ParseWithLength(json, len)) == NULL ||
	    !cJSON_IsObject(rec)) {
		cJSON_Delete(rec);
		return NULL;
	}
	gmtime_r(&secs, &tm);
	snprintf(t, sizeof(t), "%04d-%02d-%02dT%02d:%02d:%02d.%06luZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (unsigned long)(us % 1000000));
	cJSON_DeleteItemFromObjectCaseSensitive(rec, "v");
	activity_summary(rec, sum, sizeof(sum));
	if (cJSON_AddStringToObject(rec, "time", t) == NULL ||
	    (tenant != NULL && cJSON_AddStringToObject(rec, "tenant",
	    tenant) == NULL) ||
	    cJSON_AddStringToObject(rec, "summary", sum) == NULL) {
		cJSON_Delete(rec);
		return NULL;
	}
	return rec;
}

static int
has_op(const cJSON *rec, const char *op)
{
	const cJSON	*v;

	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(rec, "ops"))
		if (cJSON_IsString(v) && strcmp(v->valuestring, op) == 0)
			return 1;
	return 0;
}

/* Append to out, "; " between parts. */
static void
sum_part(char *out, size_t len, const char *part)
{
	size_t	n = strlen(out);

	if (n + 3 >= len)
		return;
	if (n > 0) {
		memcpy(out + n, "; ", 3);
		n += 2;
	}
	util_strlcpy(out + n, part, len - n);
}

/* " +a +b" or " −a" for each string of list, into part at *n. */
static void
sum_roles(char *part, size_t size, size_t *n, const char *sign,
    const cJSON *list)
{
	const cJSON	*v;
	int		 k;

	cJSON_ArrayForEach(v, list) {
		if (!cJSON_IsString(v) || *n + 2 >= size)
			continue;
		k = snprintf(part + *n, size - *n, " %s%s", sign,
		    v->valuestring);
		*n = k < 0 || *n + (size_t)k >= size ? size - 1 : *n + (size_t)k;
	}
}

/* Did the request change nothing: a write that succeeded, not a read? */
static int
no_change(const cJSON *rec)
{
	const char	*m, *path;
	double		 status;

	m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec,
	    "method"));
	path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec,
	    "path"));
	status = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(rec,
	    "status"));
	return m != NULL && strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 &&
	    status < 400 && cJSON_GetObjectItemCaseSensitive(rec,
	    "resourceType") != NULL && (path == NULL ||
	    strstr(path, ".search") == NULL);
}

void
activity_summary(const cJSON *rec, char *out, size_t len)
{
	const cJSON	*attrs, *v;
	char		 part[256];
	size_t		 n;
	double		 add, del;

	out[0] = '\0';
	if (has_op(rec, "create"))
		sum_part(out, len, "create");
	if (has_op(rec, "delete"))
		sum_part(out, len, "delete");
	if (has_op(rec, "restore"))
		sum_part(out, len, "restore");
	if (has_op(rec, "deactivate"))
		sum_part(out, len, "replace active true\xe2\x86\x92" "false");
	if (has_op(rec, "reactivate"))
		sum_part(out, len, "replace active false\xe2\x86\x92" "true");
	attrs = cJSON_GetObjectItemCaseSensitive(rec, "attributes");
	if (!has_op(rec, "create") && cJSON_GetArraySize(attrs) > 0) {
		n = (size_t)snprintf(part, sizeof(part), "update");
		cJSON_ArrayForEach(v, attrs) {
			if (!cJSON_IsString(v) || n + 2 >= sizeof(part) ||
			    ((has_op(rec, "deactivate") ||
			    has_op(rec, "reactivate")) &&
			    strcmp(v->valuestring, "active") == 0))
				continue;
			n += (size_t)snprintf(part + n, sizeof(part) - n,
			    "%s%s", n == 6 ? " " : ",", v->valuestring);
			if (n >= sizeof(part))
				n = sizeof(part) - 1;
		}
		if (n > 6)
			sum_part(out, len, part);
	}
	add = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(rec,
	    "members_added"));
	del = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(rec,
	    "members_removed"));
	if (add > 0 || del > 0) {
		if (add > 0 && del > 0)
			snprintf(part, sizeof(part), "members +%.0f \xe2\x88\x92"
			    "%.0f", add, del);
		else if (add > 0)
			snprintf(part, sizeof(part), "members +%.0f", add);
		else
			snprintf(part, sizeof(part), "members \xe2\x88\x92%.0f",
			    del);
		sum_part(out, len, part);
	}
	n = (size_t)snprintf(part, sizeof(part), "roles");
	sum_roles(part, sizeof(part), &n, "+",
	    cJSON_GetObjectItemCaseSensitive(rec, "roles_added"));
	sum_roles(part, sizeof(part), &n, "\xe2\x88\x92",
	    cJSON_GetObjectItemCaseSensitive(rec, "roles_removed"));
	if (n > 5)
		sum_part(out, len, part);
	v = cJSON_GetObjectItemCaseSensitive(rec, "others");
	if (cJSON_IsNumber(v) && v->valuedouble > 0) {
		snprintf(part, sizeof(part), "%.0f other%s changed",
		    v->valuedouble, v->valuedouble == 1 ? "" : "s");
		sum_part(out, len, part);
	}
	if (out[0] == '\0' && no_change(rec))
		sum_part(out, len, "no change");
}
