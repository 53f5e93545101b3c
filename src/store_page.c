/*
 * store_page.c: a page of a tenant's resources in id order without a
 * walk from the first one each time.
 *
 * LMDB cannot seek to the n-th key, so a page at startIndex n walks n
 * keys.  Clients page in order (Okta's import asks 1, 101, 201, ...), so
 * each process keeps marks — "position p is id x" — of the pages it
 * served, and starts a walk at the nearest mark at or before the page.
 * A mark holds while the tenant's count generation (store_res_count())
 * is the one it was made in: positions move only when a resource is
 * created or deleted, and every such write changes the generation.
 */
#include "config.h"

#include <string.h>

#include <lmdb.h>

#include "store.h"
#include "store_int.h"

struct page_walk {
	struct page_marks *pw_pm;	/* marks to leave, or NULL */
	uint64_t	 pw_stride;	/* a mark every so many on the way */
	uint64_t	 pw_pos;	/* position of the next key */
	uint64_t	 pw_skip, pw_end;
	store_res_cb	 pw_cb;
	void		*pw_arg;
	int		 pw_check;	/* first key must be pw_id */
	uint8_t		 pw_id[16];
	int		 pw_bad;	/* the mark did not hold */
	int		 pw_stop;	/* cb stopped it */
	int		 pw_atend;	/* pw_endid is the key at pw_end */
	uint8_t		 pw_endid[16];
};

static void	 mark(struct page_marks *, uint64_t, const uint8_t [16]);

static int
page_cb(const MDB_val *k, const MDB_val *v, void *arg)
{
	struct page_walk	*pw = arg;
	const uint8_t		*id = (const uint8_t *)k->mv_data + 5;

	if (k->mv_size != 4 + 1 + 16)
		return WALK_NEXT;
	if (pw->pw_check) {
		pw->pw_check = 0;
		if (memcmp(id, pw->pw_id, 16) != 0) {
			pw->pw_bad = 1;
			return WALK_STOP;
		}
	}
	if (pw->pw_pos >= pw->pw_end) {
		memcpy(pw->pw_endid, id, 16);
		pw->pw_atend = 1;
		return WALK_STOP;
	}
	/* Marks on the way and at the page's start, for later pages. */
	if (pw->pw_pm != NULL && (pw->pw_pos == pw->pw_skip ||
	    (pw->pw_stride > 0 && pw->pw_pos % pw->pw_stride == 0)))
		mark(pw->pw_pm, pw->pw_pos, id);
	if (pw->pw_pos++ < pw->pw_skip)
		return WALK_NEXT;
	if (pw->pw_cb(id, v->mv_data, v->mv_size, pw->pw_arg)) {
		pw->pw_stop = 1;
		return WALK_STOP;
	}
	return WALK_NEXT;
}

static struct page_marks *
marks_of(struct store *st, uint32_t tenant, enum res_type type,
    uint64_t gen, uint64_t count, int make)
{
	struct page_marks	*pm;
	int			 i;

	for (i = 0; i < PAGE_SETS; i++) {
		pm = &st->st_marks[i];
		if (pm->pm_n > 0 && pm->pm_tenant == tenant &&
		    pm->pm_type == (int)type && pm->pm_gen == gen &&
		    pm->pm_count == count)
			return pm;
	}
	if (!make)
		return NULL;
	pm = &st->st_marks[st->st_marks_next++ % PAGE_SETS];
	memset(pm, 0, sizeof(*pm));
	pm->pm_tenant = tenant;
	pm->pm_type = (int)type;
	pm->pm_gen = gen;
	pm->pm_count = count;
	return pm;
}

static void
mark(struct page_marks *pm, uint64_t pos, const uint8_t id[16])
{
	unsigned	i;

	for (i = 0; i < pm->pm_n; i++)
		if (pm->pm_mark[i].pos == pos)
			return;
	i = pm->pm_n < PAGE_MARKS ? pm->pm_n++ : pm->pm_next++ % PAGE_MARKS;
	pm->pm_mark[i].pos = pos;
	memcpy(pm->pm_mark[i].id, id, 16);
}

enum scim_err
store_res_page(struct store_txn *tx, uint32_t tenant, enum res_type type,
    uint64_t skip, uint64_t count, store_res_cb cb, void *arg)
{
	struct store		*st = tx->tx_store;
	struct page_marks	*pm = NULL;
	struct page_walk	 pw;
	struct skey		 prefix = { 0 }, start = { 0 };
	uint64_t		 n, gen, best = 0;
	unsigned		 i;
	int			 found = -1;
	enum scim_err		 e;

	if ((e = store_res_count(tx, tenant, type, &n, &gen)) != SCIM_OK)
		return e;
	/* Marks only where the count is kept, and never across threads. */
	if (gen != 0 && !st->st_readonly)
		pm = marks_of(st, tenant, type, gen, n, 1);
	for (i = 0; pm != NULL && i < pm->pm_n; i++)
		if (pm->pm_mark[i].pos <= skip &&
		    (found == -1 || pm->pm_mark[i].pos > best)) {
			found = (int)i;
			best = pm->pm_mark[i].pos;
		}
	skey_pack(&prefix, "tc", tenant, type);
	memset(&pw, 0, sizeof(pw));
	pw.pw_skip = skip;
	pw.pw_end = skip + count;
	pw.pw_cb = cb;
	pw.pw_arg = arg;
	pw.pw_pm = pm;
	/* About 32 marks over the whole range, none closer than 1024. */
	pw.pw_stride = n / 32 > 1024 ? n / 32 : 1024;
	if (found >= 0) {
		pw.pw_pos = best;
		pw.pw_check = 1;
		memcpy(pw.pw_id, pm->pm_mark[found].id, 16);
		skey_pack(&start, "tci", tenant, type, pw.pw_id);
		e = store_walk(tx, st->st_resources, prefix.sk_buf,
		    prefix.sk_len, start.sk_buf, start.sk_len, WALK_JSON,
		    page_cb, &pw, "resource page");
		if (e != SCIM_OK || !pw.pw_bad)
			goto done;
		/* A mark that did not hold: forget them all, walk it all. */
		pm->pm_n = 0;
		pw.pw_pos = 0;
		pw.pw_check = pw.pw_bad = pw.pw_stop = pw.pw_atend = 0;
	}
	e = store_walk(tx, st->st_resources, prefix.sk_buf, prefix.sk_len,
	    NULL, 0, WALK_JSON, page_cb, &pw, "resource page");
done:
	if (e == SCIM_OK && pm != NULL && pw.pw_atend && !pw.pw_stop)
		mark(pm, pw.pw_end, pw.pw_endid);
	return e;
}

enum scim_err
store_res_back(struct store_txn *tx, uint32_t tenant, enum res_type type,
    const uint8_t from[16], size_t n, uint8_t (*out)[16], size_t *got)
{
	struct skey	 sk = { 0 };
	MDB_cursor	*c;
	MDB_val		 k, v;
	int		 rc;

	*got = 0;
	skey_pack(&sk, "tci", tenant, type, from);
	if ((rc = s_cursor_open(tx, tx->tx_store->st_resources, &c)))
		return store_err(rc, "resource back");
	k = skey_val(&sk);
	rc = s_cursor_get(tx, c, &k, &v, MDB_SET_RANGE);
	/* The first key <= from: from itself, or the one before. */
	if (rc == MDB_NOTFOUND)
		rc = s_cursor_get(tx, c, &k, &v, MDB_LAST);
	else if (rc == 0 && (k.mv_size != sk.sk_len ||
	    memcmp(k.mv_data, sk.sk_buf, sk.sk_len) != 0))
		rc = s_cursor_get(tx, c, &k, &v, MDB_PREV);
	while (rc == 0 && *got < n && k.mv_size == sk.sk_len &&
	    memcmp(k.mv_data, sk.sk_buf, 5) == 0) {
		memcpy(out[(*got)++], (const uint8_t *)k.mv_data + 5, 16);
		rc = s_cursor_get(tx, c, &k, &v, MDB_PREV);
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? SCIM_OK :
	    store_err(rc, "resource back");
}
