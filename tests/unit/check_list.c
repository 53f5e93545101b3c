/*
 * check_list.c: listing without HTTP: sort keys and their order, the
 * merge sort, cursors (RFC 9865) encoded, decoded and compared; then
 * list_get() on a store: startIndex and count windows, sorting, cursor
 * walks in id order and sorted.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "http.h"
#include "indexes.h"
#include "list.h"
#include "list_int.h"
#include "schema.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static void
hit_set(struct hit *h, int id, enum res_type type, enum hit_kind kind,
    const char *str, double num)
{
	memset(h, 0, sizeof(*h));
	h->h_id[15] = (uint8_t)id;
	h->h_id[14] = (uint8_t)(id >> 8);
	h->h_type = type;
	h->h_kind = kind;
	h->h_num = num;
	h->h_str = str != NULL ? strdup(str) : NULL;
}

/* The order, on a few hits whose places are known. */
static void
check_order(void)
{
	struct sortspec	 asc = { "title", 0 }, desc = { "title", 1 };
	struct sortspec	 ids = { NULL, 0 };
	struct hit	 h[7];
	int		 want_ids[] = { 0, 1, 2, 3, 4, 6, 5 };
	int		 i, good;

	/* Strings before numbers; "a" twice (position breaks the tie);
	 * values before no value in both orders. */
	hit_set(&h[0], 0, RES_USER, HK_NONE, NULL, 0);
	hit_set(&h[1], 1, RES_USER, HK_STR, "b", 0);
	hit_set(&h[2], 2, RES_USER, HK_STR, "a", 0);
	hit_set(&h[3], 3, RES_USER, HK_NUM, NULL, 5);
	hit_set(&h[4], 4, RES_USER, HK_NUM, NULL, -1);
	hit_set(&h[5], 5, RES_GROUP, HK_NONE, NULL, 0);
	hit_set(&h[6], 6, RES_USER, HK_STR, "a", 0);
	ok(list_hit_cmp(&h[2], &h[6], &asc) < 0 &&
	    list_hit_cmp(&h[2], &h[6], &desc) < 0,
	    "a tie on the key is broken by position, in both orders");
	ok(list_hit_cmp(&h[0], &h[5], &asc) < 0 &&
	    list_hit_cmp(&h[5], &h[1], &desc) > 0,
	    "no value: last, users before groups");
	ok(list_hit_cmp(&h[4], &h[3], &asc) < 0 &&
	    list_hit_cmp(&h[4], &h[3], &desc) > 0, "numbers in order");
	ok(list_sort(h, 7, &asc) == 0, "sort ascending");
	{
		int	w[] = { 2, 6, 1, 4, 3, 0, 5 };

		for (good = 1, i = 0; i < 7; i++)
			good &= h[i].h_id[15] == w[i];
		ok(good, "ascending: strings, numbers, then no value");
	}
	ok(list_sort(h, 7, &desc) == 0, "sort descending");
	{
		int	w[] = { 3, 4, 1, 2, 6, 0, 5 };

		for (good = 1, i = 0; i < 7; i++)
			good &= h[i].h_id[15] == w[i];
		ok(good, "descending: values reversed, no value still last, "
		    "ties still by position");
	}
	ok(list_sort(h, 7, &ids) == 0, "sort in id order");
	for (good = 1, i = 0; i < 7; i++)
		good &= h[i].h_id[15] == want_ids[i];
	ok(good, "id order: users, then groups, by id");
	for (i = 0; i < 7; i++)
		free(h[i].h_str);
}

/* A larger sort: a permutation in order, whatever the input. */
static void
check_sort_many(void)
{
	struct sortspec	 ss[2] = { { "x", 0 }, { "x", 1 } };
	struct hit	*h;
	char		 s[8];
	size_t		 n = 1000, i, k, sum;
	int		 good;

	srand(7);
	h = calloc(n, sizeof(*h));
	for (k = 0; k < 2; k++) {
		for (i = 0; i < n; i++) {
			snprintf(s, sizeof(s), "%c%c", 'a' + rand() % 5,
			    'a' + rand() % 5);
			hit_set(&h[i], (int)i, rand() % 4 ? RES_USER :
			    RES_GROUP, rand() % 7 == 0 ? HK_NONE :
			    rand() % 3 ? HK_STR : HK_NUM, s, rand() % 10);
			if (h[i].h_kind != HK_STR) {
				free(h[i].h_str);
				h[i].h_str = NULL;
			}
		}
		ok(list_sort(h, n, &ss[k]) == 0, "sort %zu hits", n);
		for (good = 1, i = 1; i < n; i++)
			good &= list_hit_cmp(&h[i - 1], &h[i], &ss[k]) < 0;
		for (sum = 0, i = 0; i < n; i++)
			sum += (size_t)(h[i].h_id[14] << 8 | h[i].h_id[15]);
		ok(good && sum == n * (n - 1) / 2, "%s: in order, each once",
		    k ? "descending" : "ascending");
		for (i = 0; i < n; i++)
			free(h[i].h_str);
	}
	free(h);
}

/* Encode, decode, compare. */
static void
check_cursors(void)
{
	struct sortspec	 ids = { NULL, 0 }, by = { "userName", 0 };
	struct sortspec	 byci = { "USERNAME", 0 }, desc = { "userName", 1 };
	struct sortspec	 other = { "title", 0 };
	struct cursor	 cu;
	struct hit	 h, k;
	const char	*why;
	char		 c[CURSOR_STRMAX + 1], bad[CURSOR_STRMAX + 8];
	char		 longkey[300];
	uint8_t		 raw[CURSOR_RAWMAX];

	hit_set(&h, 42, RES_GROUP, HK_STR, "ada@x", 0);
	list_cursor_encode(&h, &ids, c);
	ok(strlen(c) == 23 && list_cursor_decode(c, &ids, &cu, &why) == 0 &&
	    !cu.cu_start && cu.cu_hit.h_type == RES_GROUP &&
	    memcmp(cu.cu_hit.h_id, h.h_id, 16) == 0,
	    "id order: 23 characters, position back");
	list_cursor_free(&cu);
	ok(list_cursor_decode(c, &by, &cu, &why) == -1 &&
	    strstr(why, "id order") != NULL, "id cursor refused sorted (%s)",
	    why);

	list_cursor_encode(&h, &by, c);
	ok(list_cursor_decode(c, &by, &cu, &why) == 0 && !cu.cu_trunc &&
	    cu.cu_hit.h_kind == HK_STR &&
	    strcmp(cu.cu_hit.h_str, "ada@x") == 0 &&
	    cu.cu_hit.h_type == RES_GROUP, "sorted: key and position back");
	list_cursor_free(&cu);
	ok(list_cursor_decode(c, &byci, &cu, &why) == 0,
	    "sortBy in another case: the same order");
	list_cursor_free(&cu);
	ok(list_cursor_decode(c, &desc, &cu, &why) == -1 &&
	    strstr(why, "another") != NULL, "other sortOrder refused (%s)",
	    why);
	ok(list_cursor_decode(c, &other, &cu, &why) == -1 &&
	    strstr(why, "another") != NULL, "other sortBy refused");
	ok(list_cursor_decode(c, &ids, &cu, &why) == -1 &&
	    strstr(why, "sorted") != NULL, "sorted cursor refused unsorted");
	snprintf(bad, sizeof(bad), "%s=", c);
	ok(list_cursor_decode(bad, &by, &cu, &why) == -1, "padding refused");
	free(h.h_str);

	hit_set(&h, 1, RES_USER, HK_NUM, NULL, -1234.5);
	list_cursor_encode(&h, &by, c);
	ok(list_cursor_decode(c, &by, &cu, &why) == 0 &&
	    cu.cu_hit.h_kind == HK_NUM && cu.cu_hit.h_num == -1234.5,
	    "number key back exactly");
	hit_set(&h, 1, RES_USER, HK_NONE, NULL, 0);
	list_cursor_encode(&h, &by, c);
	ok(list_cursor_decode(c, &by, &cu, &why) == 0 &&
	    cu.cu_hit.h_kind == HK_NONE, "no key back");
	list_cursor_encode(NULL, &by, c);
	ok(list_cursor_decode(c, &by, &cu, &why) == 0 && cu.cu_start,
	    "the start, sorted");
	ok(list_cursor_decode(c, &desc, &cu, &why) == -1,
	    "the start of another order refused");

	memset(longkey, 'k', 200);
	longkey[200] = '\0';
	hit_set(&h, 9, RES_USER, HK_STR, longkey, 0);
	list_cursor_encode(&h, &by, c);
	ok(strlen(c) <= CURSOR_STRMAX && list_cursor_decode(c, &by, &cu,
	    &why) == 0 && cu.cu_trunc && strlen(cu.cu_hit.h_str) ==
	    CURSOR_KEYMAX, "a long key is cut to %d bytes", CURSOR_KEYMAX);
	/* Cut: every key sharing the prefix is after it (shown again). */
	hit_set(&k, 1, RES_USER, HK_STR, longkey, 0);
	ok(list_cursor_before(&cu, &k, &by) && list_cursor_before(&cu, &k,
	    &desc), "a cut cursor comes before every key it begins, in both "
	    "orders");
	free(k.h_str);
	hit_set(&k, 1, RES_USER, HK_STR, "kkk", 0);
	ok(!list_cursor_before(&cu, &k, &by), "and after smaller keys");
	free(k.h_str);
	list_cursor_free(&cu);
	longkey[CURSOR_KEYMAX] = '\0';
	free(h.h_str);
	hit_set(&h, 9, RES_USER, HK_STR, longkey, 0);
	list_cursor_encode(&h, &by, c);
	ok(list_cursor_decode(c, &by, &cu, &why) == 0 && !cu.cu_trunc,
	    "a key of exactly %d bytes is whole", CURSOR_KEYMAX);
	list_cursor_free(&cu);
	free(h.h_str);

	/* Before: strictly after the cursor's position. */
	hit_set(&h, 5, RES_USER, HK_STR, "m", 0);
	list_cursor_encode(&h, &by, c);
	list_cursor_decode(c, &by, &cu, &why);
	hit_set(&k, 5, RES_USER, HK_STR, "m", 0);
	ok(!list_cursor_before(&cu, &k, &by), "not after itself");
	k.h_id[15] = 6;
	ok(list_cursor_before(&cu, &k, &by), "after: same key, later id");
	free(k.h_str);
	hit_set(&k, 1, RES_USER, HK_STR, "n", 0);
	ok(list_cursor_before(&cu, &k, &by), "after: a larger key");
	free(k.h_str);
	list_cursor_free(&cu);
	free(h.h_str);

	/* Malformed. */
	ok(list_cursor_decode("", &ids, &cu, &why) == -1 &&
	    list_cursor_decode("nope", &ids, &cu, &why) == -1 &&
	    list_cursor_decode("a b", &ids, &cu, &why) == -1,
	    "garbage refused");
	memset(raw, 0, sizeof(raw));
	raw[0] = 5;
	util_b64url(raw, 17, c);
	ok(list_cursor_decode(c, &ids, &cu, &why) == -1, "unknown first byte");
	raw[0] = 0x80;
	raw[21] = HK_STR;
	util_b64url(raw, 25, c);
	ok(list_cursor_decode(c, &by, &cu, &why) == -1, "a NUL in the key");
	raw[21] = 7;
	util_b64url(raw, 22, c);
	ok(list_cursor_decode(c, &by, &cu, &why) == -1, "unknown key kind");
	raw[21] = HK_NUM;
	util_b64url(raw, 26, c);
	ok(list_cursor_decode(c, &by, &cu, &why) == -1, "short number");
	memset(bad, 'A', sizeof(bad) - 1);
	bad[sizeof(bad) - 1] = '\0';
	ok(list_cursor_decode(bad, &by, &cu, &why) == -1, "too long");
}

/* Sort keys from documents. */
static void
check_keys(void)
{
	const struct schema	*sc = schema_static(RES_USER);
	struct hit		 h;
	cJSON			*doc;

	doc = cJSON_Parse("{\"userName\":\"Ada@X\",\"externalId\":\"AbC\","
	    "\"active\":true,\"emails\":[{\"value\":\"B@x\"},{\"value\":"
	    "\"P@x\",\"primary\":true}],\"meta\":{\"created\":"
	    "\"2020-01-01T00:00:01Z\"}}");
	memset(&h, 0, sizeof(h));
	ok(list_sort_key(sc, "userName", doc, &h) == 0 && h.h_kind == HK_STR &&
	    strcmp(h.h_str, "ada@x") == 0, "caseExact false: folded");
	free(h.h_str);
	ok(list_sort_key(sc, "externalId", doc, &h) == 0 &&
	    strcmp(h.h_str, "AbC") == 0, "caseExact: as it is");
	free(h.h_str);
	ok(list_sort_key(sc, "emails", doc, &h) == 0 &&
	    strcmp(h.h_str, "p@x") == 0, "multi-valued: the primary value");
	free(h.h_str);
	ok(list_sort_key(sc, "meta.created", doc, &h) == 0 &&
	    h.h_kind == HK_NUM && h.h_num == 1577836801.0,
	    "dateTime: the instant");
	ok(list_sort_key(sc, "active", doc, &h) == 0 && h.h_kind == HK_NUM &&
	    h.h_num == 1, "boolean: a number");
	ok(list_sort_key(sc, "title", doc, &h) == 0 && h.h_kind == HK_NONE &&
	    list_sort_key(sc, "noSuch", doc, &h) == 0 && h.h_kind == HK_NONE,
	    "absent or unknown: no key");
	cJSON_Delete(doc);
}

/* list_get() on a store. */
struct lt {
	struct store	*st;
	struct ctx	 cx;
	char		 ids[12][UUID_STRLEN + 1];	/* in id order */
	const char	*names[12];			/* by ids[] */
};

static cJSON *
get(struct lt *t, const char *query, enum scim_err *e)
{
	struct scim_req		 req;
	struct scim_resp	 resp;
	char			 q[1024];
	cJSON			*doc;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	snprintf(q, sizeof(q), "%s", query);
	req.rq_method = HTTP_GET;
	req.rq_query = q;
	req.rq_cx = &t->cx;
	snprintf(req.rq_base, sizeof(req.rq_base), "https://h/scim");
	*e = list_get(&req, &resp, ctx_schema(&t->cx, RES_USER));
	doc = *e == SCIM_OK && resp.rp_body != NULL ?
	    cJSON_Parse(resp.rp_body) : NULL;
	http_response_free(&resp);
	return doc;
}

/* The page's userNames joined by spaces into out. */
static const char *
page(const cJSON *doc, char *out, size_t len)
{
	const cJSON	*r;
	size_t		 n = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "Resources"))
		n += (size_t)snprintf(out + n, len - n, "%s%s", n ? " " : "",
		    cJSON_GetStringValue(cJSON_GetObjectItem(r, "userName")));
	return out;
}

static long long
num(const cJSON *doc, const char *k)
{
	const cJSON	*v = cJSON_GetObjectItem(doc, k);

	return cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
}

/* Walk by cursor; the userNames seen, joined, into out. */
static int
walk(struct lt *t, const char *extra, int count, char *out, size_t len)
{
	cJSON		*doc;
	const cJSON	*nc;
	int		 more;
	char		 q[1024], cursor[CURSOR_STRMAX + 1] = "", p[1024];
	size_t		 n = 0;
	int		 pages = 0;
	enum scim_err	 e;

	out[0] = '\0';
	do {
		snprintf(q, sizeof(q), "count=%d&cursor=%s%s", count, cursor,
		    extra);
		if ((doc = get(t, q, &e)) == NULL)
			return -1;
		page(doc, p, sizeof(p));
		if (p[0] != '\0')
			n += (size_t)snprintf(out + n, len - n, "%s%s",
			    n ? " " : "", p);
		nc = cJSON_GetObjectItem(doc, "nextCursor");
		more = cJSON_IsString(nc);
		if (more)
			util_strlcpy(cursor, nc->valuestring, sizeof(cursor));
		cJSON_Delete(doc);	/* nc is gone with it */
		pages++;
	} while (more && pages < 50);
	return pages;
}

static int
lt_open(struct lt *t, char *dir)
{
	struct store_txn	*tx = NULL;
	struct tenant		 tn;
	static const char	*names[12] = { "kim", "Ada", "bob", "eve",
				    "Dan", "fay", "gus", "hal", "ivy", "jon",
				    "cal", "lee" };
	static const char	*titles[4] = { "x", "y", NULL, "x" };
	uint8_t			 id[16];
	char			 json[512];
	cJSON			*doc;
	int			 i, k;

	memset(t, 0, sizeof(*t));
	if (store_open(dir, STORE_CREATE, &t->st, json, sizeof(json)) ||
	    store_begin(t->st, 1, &tx) ||
	    store_tenant_add(tx, "t", "2026-01-01T00:00:00.000Z", &tn))
		return -1;
	for (i = 0; i < 12; i++) {
		memset(id, 0, sizeof(id));
		id[6] = 0x40;
		id[8] = 0x80;
		id[15] = (uint8_t)(i + 1);
		util_uuid_format(id, t->ids[i]);
		t->names[i] = names[i];
		k = snprintf(json, sizeof(json), "{\"schemas\":[\"%s\"],"
		    "\"id\":\"%s\",\"userName\":\"%s\"", URN_USER, t->ids[i],
		    names[i]);
		if (titles[i % 4] != NULL)
			k += snprintf(json + k, sizeof(json) - (size_t)k,
			    ",\"title\":\"%s\"", titles[i % 4]);
		snprintf(json + k, sizeof(json) - (size_t)k, ",\"meta\":{"
		    "\"resourceType\":\"User\",\"created\":"
		    "\"2026-01-01T00:00:00.000Z\",\"lastModified\":"
		    "\"2026-01-01T00:00:00.000Z\",\"version\":\"W/\\\"1\\\"\"}}");
		doc = cJSON_Parse(json);
		if (doc == NULL || store_res_put(tx, tn.tn_id, RES_USER, id,
		    json, strlen(json), 1) || indexes_update(tx, tn.tn_id,
		    RES_USER, doc, id, 1))
			return -1;
		cJSON_Delete(doc);
	}
	if (store_commit(&tx))
		return -1;
	return ctx_open(&t->cx, t->st, NULL, "t", "test", NULL, NULL,
	    NULL) == SCIM_OK ? 0 : -1;
}

static void
check_list_get(void)
{
	struct lt	 t;
	cJSON		*doc;
	char		 dir[64], p[1024], w[1024], cmd[128];
	enum scim_err	 e;

	snprintf(dir, sizeof(dir), "/tmp/check_list.XXXXXX");
	if (mkdtemp(dir) == NULL || lt_open(&t, dir) == -1) {
		ok(0, "a store with 12 users");
		return;
	}
	/* Id order; names are ids[] order: kim Ada bob eve Dan ... */
	doc = get(&t, "startIndex=2&count=3", &e);
	ok(doc != NULL && num(doc, "totalResults") == 12 &&
	    num(doc, "startIndex") == 2 && num(doc, "itemsPerPage") == 3 &&
	    strcmp(page(doc, p, sizeof(p)), "Ada bob eve") == 0,
	    "startIndex=2&count=3: the 2nd to 4th in id order (%s)", p);
	cJSON_Delete(doc);
	doc = get(&t, "startIndex=11&count=5", &e);
	ok(doc != NULL && num(doc, "itemsPerPage") == 2 &&
	    strcmp(page(doc, p, sizeof(p)), "cal lee") == 0,
	    "a window past the end: what there is (%s)", p);
	cJSON_Delete(doc);
	doc = get(&t, "startIndex=13", &e);
	ok(doc != NULL && num(doc, "totalResults") == 12 &&
	    num(doc, "itemsPerPage") == 0, "startIndex past the end: none");
	cJSON_Delete(doc);
	doc = get(&t, "count=0", &e);
	ok(doc != NULL && num(doc, "totalResults") == 12 &&
	    num(doc, "itemsPerPage") == 0, "count=0: the total only");
	cJSON_Delete(doc);
	doc = get(&t, "startIndex=0&count=-4", &e);
	ok(doc != NULL && num(doc, "startIndex") == 1 &&
	    num(doc, "itemsPerPage") == 0, "startIndex < 1 is 1, count < 0 "
	    "is 0 (RFC 7644 §3.4.2.4)");
	cJSON_Delete(doc);

	/* Sorted windows. */
	doc = get(&t, "sortBy=userName&startIndex=3&count=4", &e);
	ok(doc != NULL && strcmp(page(doc, p, sizeof(p)),
	    "cal Dan eve fay") == 0, "sortBy=userName, any case: %s", p);
	cJSON_Delete(doc);
	doc = get(&t, "sortBy=userName&sortOrder=descending&count=3", &e);
	ok(doc != NULL && strcmp(page(doc, p, sizeof(p)), "lee kim jon") == 0,
	    "descending: %s", p);
	cJSON_Delete(doc);
	doc = get(&t, "sortBy=title&count=12", &e);
	ok(doc != NULL && strcmp(page(doc, p, sizeof(p)),
	    "kim eve Dan hal ivy lee Ada fay jon bob gus cal") == 0,
	    "sortBy=title: ties by id, no title last: %s", p);
	cJSON_Delete(doc);
	doc = get(&t, "sortBy=title&sortOrder=descending&count=12", &e);
	ok(doc != NULL && strcmp(page(doc, p, sizeof(p)),
	    "Ada fay jon kim eve Dan hal ivy lee bob gus cal") == 0,
	    "descending by title: ties by id, no title still last: %s", p);
	cJSON_Delete(doc);

	/* Cursor walks. */
	ok(walk(&t, "", 5, w, sizeof(w)) == 3 && strcmp(w, "kim Ada bob eve "
	    "Dan fay gus hal ivy jon cal lee") == 0,
	    "id order walk, 3 pages: %s", w);
	ok(walk(&t, "&sortBy=userName", 5, w, sizeof(w)) == 3 && strcmp(w,
	    "Ada bob cal Dan eve fay gus hal ivy jon kim lee") == 0,
	    "sorted walk: %s", w);
	ok(walk(&t, "&sortBy=title&sortOrder=descending", 4, w, sizeof(w)) ==
	    3 && strcmp(w, "Ada fay jon kim eve Dan hal ivy lee bob gus cal") ==
	    0, "descending walk with ties and no values: %s", w);
	ok(walk(&t, "&sortBy=userName&filter=title%20pr", 2, w, sizeof(w)) ==
	    5 && strcmp(w, "Ada Dan eve fay hal ivy jon kim lee") == 0,
	    "sorted and filtered walk: %s", w);
	ok(walk(&t, "&sortBy=userName", 12, w, sizeof(w)) == 1,
	    "one page when all fit: no nextCursor");
	ok(walk(&t, "&sortBy=userName", 0, w, sizeof(w)) == 1 &&
	    walk(&t, "", 0, w, sizeof(w)) == 1 && w[0] == '\0',
	    "count=0: the total alone, no nextCursor");

	/* Cursors against the order. */
	doc = get(&t, "count=2&cursor=&sortBy=userName", &e);
	snprintf(p, sizeof(p), "count=2&cursor=%s&sortBy=userName&sortOrder="
	    "descending", cJSON_GetStringValue(cJSON_GetObjectItem(doc,
	    "nextCursor")));
	cJSON_Delete(doc);
	doc = get(&t, p, &e);
	ok(doc == NULL && e == SCIM_ECURSOR, "a cursor of another order: "
	    "SCIM_ECURSOR");
	doc = get(&t, "sortBy=name%5B", &e);
	ok(doc == NULL && e == SCIM_EFILTER, "sortBy=name[: SCIM_EFILTER");

	ctx_close(&t.cx);
	store_close(t.st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", dir);
}

int
main(void)
{
	check_order();
	check_sort_many();
	check_cursors();
	check_keys();
	check_list_get();
	return tap_done();
}
