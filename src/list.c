/*
 * list.c: the resources that match a filter, in order, one page of them.
 *
 * Every list is one stream of matching resources in id order (users
 * before groups in a root search), read in one read transaction: the
 * filter's plan names the candidates (index, range, union or a scan of
 * the tenant's resources of the type) and filter_match() decides.  The
 * stream is counted whole, so totalResults is exact, and paged:
 * - by startIndex/count: the matches at those positions;
 * - by cursor (RFC 9865): the first `count` matches after the cursor's
 *   resource; cursors are resource positions, so a walk sees every
 *   resource that exists throughout it exactly once, whatever is created
 *   or deleted meanwhile;
 * - with sortBy: all matches are keyed and sorted first, then paged by
 *   startIndex.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "ctx.h"
#include "filter.h"
#include "http.h"
#include "json.h"
#include "list.h"
#include "list_int.h"
#include "project.h"
#include "resource.h"
#include "schema.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

#define URN_LIST	"urn:ietf:params:scim:api:messages:2.0:ListResponse"


struct lister {
	struct scim_req		*l_req;
	struct store_txn	*l_tx;
	const struct listq	*l_q;
	const struct schema	*l_sc;		/* of the stream now */
	const struct schema	*l_scs[2];	/* by type rank */
	int			 l_ntypes;	/* how many listed */
	const struct fnode	*l_filter;
	struct filter_env	 l_env;		/* membership keys */
	const struct proj	*l_proj;
	long long		 l_total;
	long long		 l_items;
	struct buf		*l_out;
	int			 l_sorting;
	struct hit		*l_hits;
	size_t			 l_nhits;
	size_t			 l_caphits;
	uint8_t			(*l_ring)[CURSOR_LEN];	/* before the cursor */
	long long		 l_nring;
	uint8_t			 l_last[CURSOR_LEN];	/* last written */
	int			 l_more;	/* matches after the page */
	char			 l_next[CURSOR_STRMAX + 1]; /* or "" */
	char			 l_prev[CURSOR_STRMAX + 1]; /* or "" */
	enum scim_err		 l_err;
};


static void
write_item(struct lister *l, const struct schema *sc, cJSON *doc)
{
	if (l->l_items++ > 0)
		buf_add(l->l_out, ",", 1);
	l->l_err = resource_emit(l->l_req, l->l_tx, sc, &l->l_proj[
	    list_type_rank(sc->sc_type)], doc, l->l_out, NULL);
}

/* One candidate of the stream.  Returns 1 to stop (on error). */
static int
visit(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct lister		*l = arg;
	const struct listq	*q = l->l_q;
	uint8_t			 pos[CURSOR_LEN];
	cJSON			*doc = NULL;
	struct hit		*h;
	long long		 n;

	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		l->l_err = SCIM_ESTORE;
		return 1;
	}
	if (l->l_filter != NULL && !filter_match(l->l_filter, l->l_sc, doc,
	    &l->l_env)) {
		cJSON_Delete(doc);
		if ((l->l_err = l->l_env.fe_err) != SCIM_OK)
			return 1;
		return 0;
	}
	n = ++l->l_total;
	if (l->l_sorting) {
		if (l->l_nhits == l->l_caphits) {
			size_t cap = l->l_caphits ? l->l_caphits * 2 : 256;
			h = realloc(l->l_hits, cap * sizeof(*h));
			if (h == NULL) {
				cJSON_Delete(doc);
				l->l_err = SCIM_ENOMEM;
				return 1;
			}
			l->l_hits = h;
			l->l_caphits = cap;
		}
		h = &l->l_hits[l->l_nhits++];
		memset(h, 0, sizeof(*h));
		memcpy(h->h_id, id, 16);
		h->h_type = l->l_sc->sc_type;
		if (list_sort_key(l->l_sc, q->lq_sortby, doc, h) == -1)
			l->l_err = SCIM_ENOMEM;
		cJSON_Delete(doc);
		return l->l_err != SCIM_OK;
	}
	if (q->lq_cursor) {
		list_position(pos, l->l_sc->sc_type, id);
		if (memcmp(pos, q->lq_after, CURSOR_LEN) <= 0) {
			/* Before the cursor: remember the last count + 1. */
			memcpy(l->l_ring[l->l_nring++ % (q->lq_count + 1)],
			    pos, CURSOR_LEN);
			cJSON_Delete(doc);
			return 0;
		}
		if (l->l_items >= q->lq_count) {
			l->l_more = 1;
			cJSON_Delete(doc);
			return 0;
		}
		memcpy(l->l_last, pos, CURSOR_LEN);
		write_item(l, l->l_sc, doc);
		return l->l_err != SCIM_OK;
	}
	if (n < q->lq_start || n >= q->lq_start + q->lq_count) {
		cJSON_Delete(doc);
		return 0;
	}
	write_item(l, l->l_sc, doc);
	return l->l_err != SCIM_OK;
}

/* One resource of a plain page. */
static int
page_item(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct lister	*l = arg;
	cJSON		*doc;

	(void)id;
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		l->l_err = SCIM_ESTORE;
		return 1;
	}
	write_item(l, l->l_sc, doc);
	return l->l_err != SCIM_OK;
}

/*
 * No filter, no sorting, startIndex paging (Okta's import): the total
 * is the kept count, and only the page's records are read and parsed,
 * from the nearest page served before (store_res_page()).
 */
static enum scim_err
plain(struct lister *l, const struct schema *sc, const struct listq *q,
    struct scim_resp *resp)
{
	uint32_t	tn = l->l_req->rq_cx->cx_tenant.tn_id;
	uint64_t	n, gen, first, lo, hi, end;
	enum scim_err	e;

	l->l_sc = sc;
	if ((e = store_res_count(l->l_tx, tn, sc->sc_type, &n, &gen)))
		return scim_fail(resp, e, NULL);
	first = (uint64_t)l->l_total + 1;	/* positions count from 1 */
	l->l_total += (long long)n;
	end = (uint64_t)q->lq_start + (uint64_t)q->lq_count;
	lo = (uint64_t)q->lq_start > first ? (uint64_t)q->lq_start : first;
	hi = end < first + n ? end : first + n;
	if (lo < hi && (e = store_res_page(l->l_tx, tn, sc->sc_type,
	    lo - first, hi - lo, page_item, l)) == SCIM_OK)
		e = l->l_err;
	return e == SCIM_OK ? SCIM_OK : scim_fail(resp, e, NULL);
}

/* One resource of a plain cursor page; past the page: stop. */
static int
cursor_item(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct lister	*l = arg;
	cJSON		*doc;

	if (l->l_items >= l->l_q->lq_count) {
		l->l_more = 1;
		return 1;
	}
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		l->l_err = SCIM_ESTORE;
		return 1;
	}
	list_position(l->l_last, l->l_sc->sc_type, id);
	write_item(l, l->l_sc, doc);
	return l->l_err != SCIM_OK;
}

/*
 * No filter, no sorting, cursor paging of one type: the total is the
 * kept count, the page is read from the cursor on, and the previous
 * page's cursor from the count + 1 ids before it (RFC 9865 §2.2), so a
 * page costs what its records cost wherever the cursor is.
 */
static enum scim_err
plain_cursor(struct lister *l, const struct schema *sc,
    const struct listq *q, struct scim_resp *resp)
{
	uint32_t	  tn = l->l_req->rq_cx->cx_tenant.tn_id;
	uint8_t		(*back)[16] = NULL;
	uint64_t	  n, gen;
	size_t		  got = 0;
	enum scim_err	  e;

	l->l_sc = sc;
	if ((e = store_res_count(l->l_tx, tn, sc->sc_type, &n, &gen)))
		return scim_fail(resp, e, NULL);
	l->l_total += (long long)n;
	if (!q->lq_cur.cu_start) {
		if ((back = calloc((size_t)q->lq_count + 1, 16)) == NULL)
			return scim_fail(resp, SCIM_ENOMEM, NULL);
		e = store_res_back(l->l_tx, tn, sc->sc_type, q->lq_after + 1,
		    (size_t)q->lq_count + 1, back, &got);
		/* As visit()'s ring would have it (id_cursors()). */
		if (e == SCIM_OK && got == (size_t)q->lq_count + 1)
			list_position(l->l_ring[0], sc->sc_type, back[got - 1]);
		l->l_nring = (long long)got;
		free(back);
	}
	if (e == SCIM_OK)
		e = store_res_each_after(l->l_tx, tn, sc->sc_type,
		    q->lq_cur.cu_start ? NULL : q->lq_after + 1, cursor_item,
		    l);
	if (e == SCIM_OK)
		e = l->l_err;
	return e == SCIM_OK ? SCIM_OK : scim_fail(resp, e, NULL);
}

/* Stream the matches of one resource type through visit(). */
static enum scim_err
stream(struct lister *l, const struct schema *sc, const struct listq *q,
    struct scim_resp *resp)
{
	struct filter_plan	*pl = NULL;
	struct fnode		*f = NULL;
	uint8_t			(*ids)[16] = NULL;
	uint32_t		 tn = l->l_req->rq_cx->cx_tenant.tn_id;
	const char		*json;
	char			 err[256];
	size_t			 len, i, n = 0;
	enum scim_err		 e = SCIM_OK;
	int			 scan = 1;

	if (!q->lq_hasfilter && !l->l_sorting && !q->lq_cursor)
		return plain(l, sc, q, resp);
	/* One type, and a cursor of it (or none): from the cursor on. */
	if (!q->lq_hasfilter && !l->l_sorting && l->l_ntypes == 1 &&
	    (q->lq_cur.cu_start ||
	    q->lq_after[0] == (uint8_t)list_type_rank(sc->sc_type)))
		return plain_cursor(l, sc, q, resp);
	l->l_sc = sc;
	if (q->lq_hasfilter) {
		if ((f = filter_parse(q->lq_filter, err, sizeof(err))) == NULL)
			return scim_fail(resp, SCIM_EFILTER, "%s", err);
		if ((e = filter_plan(f, sc, &pl, err, sizeof(err)))) {
			filter_free(f);
			return scim_fail(resp, e, "%s", err);
		}
	}
	l->l_filter = f;
	if (pl != NULL && (e = list_candidates(l->l_tx, tn, sc->sc_type, pl,
	    &ids, &n, &scan)))
		goto out;
	if (scan) {
		e = store_res_each(l->l_tx, tn, sc->sc_type, visit, l);
		goto out;
	}
	for (i = 0; i < n && e == SCIM_OK && l->l_err == SCIM_OK; i++) {
		e = store_res_get(l->l_tx, tn, sc->sc_type, ids[i], &json,
		    &len);
		if (e == SCIM_ENOTFOUND) {
			e = SCIM_OK;
			continue;
		}
		if (e == SCIM_OK)
			visit(ids[i], json, len, l);
	}
out:
	free(ids);
	filter_plan_free(pl);
	filter_free(f);
	l->l_filter = NULL;
	if (e == SCIM_OK)
		e = l->l_err;
	return e == SCIM_OK ? SCIM_OK : scim_fail(resp, e, NULL);
}

/*
 * A cursor whose key was cut: the full key of its resource, if that
 * still begins so (else the cut key stands: see list_cursor_before()).
 */
static enum scim_err
cursor_refine(struct lister *l, struct cursor *cu)
{
	const struct schema	*sc;
	const char		*json;
	struct hit		 h;
	cJSON			*doc;
	size_t			 len;
	enum scim_err		 e;

	sc = l->l_scs[list_type_rank(cu->cu_hit.h_type)];
	if (!cu->cu_trunc || cu->cu_start || sc == NULL)
		return SCIM_OK;
	e = store_res_get(l->l_tx, l->l_req->rq_cx->cx_tenant.tn_id, sc->sc_type,
	    cu->cu_hit.h_id, &json, &len);
	if (e == SCIM_ENOTFOUND)
		return SCIM_OK;
	if (e != SCIM_OK)
		return e;
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL)
		return SCIM_ESTORE;
	memset(&h, 0, sizeof(h));
	e = list_sort_key(sc, l->l_q->lq_sortby, doc, &h) == -1 ?
	    SCIM_ENOMEM : SCIM_OK;
	cJSON_Delete(doc);
	if (h.h_kind == HK_STR && strncmp(h.h_str, cu->cu_hit.h_str,
	    CURSOR_KEYMAX) == 0) {
		free(cu->cu_hit.h_str);
		cu->cu_hit.h_str = h.h_str;
		cu->cu_trunc = 0;
	} else
		free(h.h_str);
	return e;
}

/*
 * The sorted page: the hits from startIndex, or after the cursor (found
 * by bisection: the hits are in the cursor's order), each read again by
 * id; with cursors, the next and previous ones.
 */
static enum scim_err
sorted_page(struct lister *l, const struct listq *q)
{
	struct sortspec		 ss = list_q_order(q);
	struct cursor		 cu = q->lq_cur;
	const struct schema	*sc;
	const char		*json;
	cJSON			*doc;
	size_t			 i, lo, hi, first, end, len;
	enum scim_err		 e;

	if (list_sort(l->l_hits, l->l_nhits, &ss) == -1)
		return SCIM_ENOMEM;
	if (!q->lq_cursor)
		first = (size_t)q->lq_start - 1;
	else {
		/* A copy that may take a longer key: freed here. */
		cu.cu_hit.h_str = cu.cu_hit.h_str != NULL ?
		    strdup(cu.cu_hit.h_str) : NULL;
		if (q->lq_cur.cu_hit.h_str != NULL && cu.cu_hit.h_str == NULL)
			return SCIM_ENOMEM;
		if ((e = cursor_refine(l, &cu)) != SCIM_OK) {
			list_cursor_free(&cu);
			return e;
		}
		for (lo = 0, hi = l->l_nhits; lo < hi; ) {
			i = lo + (hi - lo) / 2;
			if (list_cursor_before(&cu, &l->l_hits[i], &ss))
				hi = i;
			else
				lo = i + 1;
		}
		list_cursor_free(&cu);
		first = lo;
	}
	end = first < l->l_nhits ? first + (size_t)q->lq_count : first;
	if (end > l->l_nhits)
		end = l->l_nhits;
	/* count=0 asks for the total alone: no page follows. */
	if (q->lq_cursor && end < l->l_nhits && end > first)
		list_cursor_encode(&l->l_hits[end - 1], &ss, l->l_next);
	if (q->lq_cursor && first > 0 && first <= l->l_nhits)
		list_cursor_encode(first > (size_t)q->lq_count ?
		    &l->l_hits[first - (size_t)q->lq_count - 1] : NULL, &ss,
		    l->l_prev);
	for (i = first; i < end; i++) {
		sc = l->l_scs[list_type_rank(l->l_hits[i].h_type)];
		e = store_res_get(l->l_tx, l->l_req->rq_cx->cx_tenant.tn_id,
		    sc->sc_type, l->l_hits[i].h_id, &json, &len);
		if (e != SCIM_OK)
			return e;
		if ((doc = cJSON_ParseWithLength(json, len)) == NULL)
			return SCIM_ESTORE;
		write_item(l, sc, doc);
		if (l->l_err != SCIM_OK)
			return l->l_err;
	}
	return SCIM_OK;
}

/* The cursors of a page in id order (RFC 9865 §2.2). */
static void
id_cursors(struct lister *l, const struct listq *q)
{
	uint8_t	zero[CURSOR_LEN];

	if (l->l_more && l->l_items > 0)
		util_b64url(l->l_last, CURSOR_LEN, l->l_next);
	memset(zero, 0, sizeof(zero));
	if (l->l_nring > 0)
		util_b64url(l->l_nring > q->lq_count ?
		    l->l_ring[l->l_nring % (q->lq_count + 1)] : zero,
		    CURSOR_LEN, l->l_prev);
}

static void
cursor_member(struct buf *out, const char *name, const char *c)
{
	buf_str(out, ",\"");
	buf_str(out, name);
	buf_str(out, "\":\"");
	buf_str(out, c);
	buf_str(out, "\"");
}

/* List the resources of scs[0..nsc) as q says. */
static enum scim_err
list_run(struct scim_req *req, struct scim_resp *resp,
    const struct schema **scs, int nsc, const struct listq *q)
{
	struct lister	 l;
	struct proj	 pj[2];
	struct buf	 items, out;
	char		 head[256];
	enum scim_err	 e = SCIM_OK;
	size_t		 i;
	int		 k;

	memset(&l, 0, sizeof(l));
	proj_init(&pj[0]);
	proj_init(&pj[1]);
	for (k = 0; k < nsc; k++)
		if (q->lq_hasattrs && (e = proj_list(q->lq_attrs,
		    q->lq_exclude, scs[k], &pj[list_type_rank(scs[k]->sc_type)],
		    resp)))
			return e;
	l.l_req = req;
	l.l_q = q;
	l.l_proj = pj;
	l.l_sorting = q->lq_sortby[0] != '\0';
	for (k = 0; k < nsc; k++)
		l.l_scs[list_type_rank(scs[k]->sc_type)] = scs[k];
	l.l_ntypes = nsc;
	if (q->lq_cursor && !l.l_sorting && (l.l_ring = calloc((size_t)q->lq_count + 1,
	    CURSOR_LEN)) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	buf_init(&items, SCIM_MAX_RESPONSE);
	l.l_out = &items;
	if ((e = store_begin(req->rq_cx->cx_store, 0, &l.l_tx)) != SCIM_OK) {
		e = scim_fail(resp, e, NULL);
		goto out;
	}
	l.l_env.fe_tx = l.l_tx;
	l.l_env.fe_tenant = req->rq_cx->cx_tenant.tn_id;
	for (k = 0; k < nsc && e == SCIM_OK; k++)
		e = stream(&l, scs[k], q, resp);
	if (e == SCIM_OK && l.l_sorting && (e = sorted_page(&l, q)))
		e = scim_fail(resp, e, NULL);
	if (e == SCIM_OK && q->lq_cursor && !l.l_sorting)
		id_cursors(&l, q);
	store_abort(&l.l_tx);
	if (e != SCIM_OK)
		goto out;

	buf_init(&out, SCIM_MAX_RESPONSE);
	snprintf(head, sizeof(head), "{\"schemas\":[\"%s\"],"
	    "\"totalResults\":%lld,", URN_LIST, l.l_total);
	buf_str(&out, head);
	if (!q->lq_cursor) {
		snprintf(head, sizeof(head), "\"startIndex\":%lld,",
		    q->lq_start);
		buf_str(&out, head);
	}
	snprintf(head, sizeof(head), "\"itemsPerPage\":%lld", l.l_items);
	buf_str(&out, head);
	if (q->lq_cursor) {
		/* RFC 9865 §2.2: nextCursor while more follow; previousCursor
		 * unless this is the first page. */
		if (l.l_next[0] != '\0')
			cursor_member(&out, "nextCursor", l.l_next);
		if (l.l_prev[0] != '\0')
			cursor_member(&out, "previousCursor", l.l_prev);
	}
	buf_str(&out, ",\"Resources\":[");
	if (items.b_data != NULL)
		buf_add(&out, items.b_data, items.b_len);
	buf_str(&out, "]}");
	if ((e = buf_failed(&out)) == SCIM_OK)
		http_response_json(resp, 200, buf_take(&out));
	else {
		buf_free(&out);
		e = scim_fail(resp, e, NULL);
	}
out:
	for (i = 0; i < l.l_nhits; i++)
		free(l.l_hits[i].h_str);
	free(l.l_hits);
	free(l.l_ring);
	buf_free(&items);
	return e;
}

enum scim_err
list_get(struct scim_req *req, struct scim_resp *resp,
    const struct schema *sc)
{
	struct listq	*q;
	enum scim_err	 e;

	if ((q = malloc(sizeof(*q))) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	if ((e = list_q_from_query(req, q, resp)) == SCIM_OK)
		e = list_run(req, resp, &sc, 1, q);
	list_cursor_free(&q->lq_cur);
	free(q);
	return e;
}

enum scim_err
list_search(struct scim_req *req, struct scim_resp *resp,
    const struct schema *sc)
{
	const struct schema	*both[2];
	struct listq		*q;
	enum scim_err		 e;

	both[0] = ctx_schema(req->rq_cx, RES_USER);
	both[1] = ctx_schema(req->rq_cx, RES_GROUP);
	if ((q = malloc(sizeof(*q))) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	if ((e = list_q_from_body(req, q, resp)) == SCIM_OK)
		e = sc != NULL ? list_run(req, resp, &sc, 1, q) :
		    list_run(req, resp, both, 2, q);
	list_cursor_free(&q->lq_cur);
	free(q);
	return e;
}
