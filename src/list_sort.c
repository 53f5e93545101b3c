/*
 * list_sort.c: sort keys and their order (RFC 7644 §3.4.2.3), and the
 * cursors that mark a position in a listing (RFC 9865).
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "list_int.h"
#include "schema.h"
#include "util.h"

#define CURSOR_IDLEN	17	/* id order: type rank + id */
#define CURSOR_SORTED	0x80	/* first byte: sorted, | type rank */
#define CURSOR_START	0x82	/* first byte: sorted, before all */
#define CURSOR_CUT	0x80	/* kind byte: the string key is cut */

int
list_type_rank(enum res_type t)
{
	return t == RES_USER ? 0 : 1;
}

int
list_sort_key(const struct schema *sc, const char *by, const cJSON *doc,
    struct hit *h)
{
	const struct schema_attr	*a, *sub, *t;
	const cJSON			*v, *el, *pick = NULL;
	const char			*ext;
	double				 d;

	h->h_kind = HK_NONE;
	h->h_str = NULL;
	if (schema_resolve(sc, by, &a, &sub, &ext) == -1)
		return 0;
	v = cJSON_GetObjectItem(ext != NULL ? cJSON_GetObjectItem(doc, ext) :
	    doc, a->sa_name);
	if (cJSON_IsArray(v)) {
		/* Multi-valued: the primary value, else the first. */
		cJSON_ArrayForEach(el, v)
			if (cJSON_IsTrue(cJSON_GetObjectItem(el, "primary")))
				pick = el;
		v = pick != NULL ? pick : v->child;
	}
	if (sub == NULL && a->sa_type == AT_COMPLEX)
		sub = schema_attr_find(a->sa_sub, "value");
	if (sub != NULL)
		v = cJSON_GetObjectItem(v, sub->sa_name);
	t = sub != NULL ? sub : a;
	if (cJSON_IsString(v)) {
		if (t->sa_type == AT_DATETIME &&
		    util_time_parse(v->valuestring, &d) == 0) {
			h->h_kind = HK_NUM;
			h->h_num = d;
			return 0;
		}
		if ((h->h_str = strdup(v->valuestring)) == NULL)
			return -1;
		if (!(t->sa_flags & AF_CASEEXACT))
			schema_fold(h->h_str, h->h_str);
		h->h_kind = HK_STR;
	} else if (cJSON_IsNumber(v) || cJSON_IsBool(v)) {
		h->h_kind = HK_NUM;
		h->h_num = cJSON_IsNumber(v) ? v->valuedouble : cJSON_IsTrue(v);
	}
	return 0;
}

int
list_hit_cmp(const struct hit *a, const struct hit *b,
    const struct sortspec *ss)
{
	int	c = 0;

	if (ss->ss_by != NULL) {
		if (a->h_kind == HK_NONE || b->h_kind == HK_NONE)
			c = (a->h_kind == HK_NONE) - (b->h_kind == HK_NONE);
		else {
			if (a->h_kind != b->h_kind)
				c = (int)a->h_kind - (int)b->h_kind;
			else if (a->h_kind == HK_STR)
				c = strcmp(a->h_str, b->h_str);
			else
				c = a->h_num < b->h_num ? -1 :
				    a->h_num > b->h_num;
			if (ss->ss_desc)
				c = -c;
		}
	}
	if (c == 0)
		c = list_type_rank(a->h_type) - list_type_rank(b->h_type);
	if (c == 0)
		c = memcmp(a->h_id, b->h_id, 16);
	return c;
}

int
list_sort(struct hit *h, size_t n, const struct sortspec *ss)
{
	struct hit	*tmp, *src = h, *dst, *t;
	size_t		 w, l, m, r, a, b, k;

	if (n < 2)
		return 0;
	if ((tmp = calloc(n, sizeof(*tmp))) == NULL)
		return -1;
	dst = tmp;
	/* Bottom-up: runs of w, merged in pairs into dst. */
	for (w = 1; w < n; w *= 2) {
		for (l = 0; l < n; l += 2 * w) {
			m = l + w < n ? l + w : n;
			r = l + 2 * w < n ? l + 2 * w : n;
			for (a = l, b = m, k = l; a < m && b < r; k++)
				dst[k] = list_hit_cmp(&src[b], &src[a], ss) < 0 ?
				    src[b++] : src[a++];
			while (a < m)
				dst[k++] = src[a++];
			while (b < r)
				dst[k++] = src[b++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != h)
		memcpy(h, src, n * sizeof(*h));
	free(tmp);
	return 0;
}

/* What a sorted cursor is bound to: sortBy (any case) and sortOrder. */
static uint32_t
order_tag(const struct sortspec *ss)
{
	const char	*p;
	uint32_t	 h = 2166136261u;	/* FNV-1a */

	for (p = ss->ss_by; *p != '\0'; p++) {
		h ^= (uint8_t)tolower((unsigned char)*p);
		h *= 16777619u;
	}
	h ^= ss->ss_desc ? 'd' : 'a';
	h *= 16777619u;
	return h;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

void
list_cursor_encode(const struct hit *h, const struct sortspec *ss,
    char *out)
{
	uint8_t		raw[CURSOR_RAWMAX];
	uint64_t	bits;
	size_t		n, len;
	int		i;

	if (ss->ss_by == NULL) {
		memset(raw, 0, CURSOR_IDLEN);
		if (h != NULL) {
			raw[0] = (uint8_t)list_type_rank(h->h_type);
			memcpy(raw + 1, h->h_id, 16);
		}
		util_b64url(raw, CURSOR_IDLEN, out);
		return;
	}
	if (h == NULL) {
		raw[0] = CURSOR_START;
		put32(raw + 1, order_tag(ss));
		util_b64url(raw, 5, out);
		return;
	}
	raw[0] = CURSOR_SORTED | (uint8_t)list_type_rank(h->h_type);
	memcpy(raw + 1, h->h_id, 16);
	put32(raw + 17, order_tag(ss));
	raw[21] = (uint8_t)h->h_kind;
	n = 22;
	if (h->h_kind == HK_NUM) {
		memcpy(&bits, &h->h_num, sizeof(bits));
		for (i = 0; i < 8; i++)
			raw[n++] = (uint8_t)(bits >> (56 - 8 * i));
	} else if (h->h_kind == HK_STR) {
		if ((len = strlen(h->h_str)) > CURSOR_KEYMAX) {
			len = CURSOR_KEYMAX;
			raw[21] |= CURSOR_CUT;
		}
		memcpy(raw + n, h->h_str, len);
		n += len;
	}
	util_b64url(raw, n, out);
}

/* The sorted cursor raw[0..n): position and key into cu. */
static int
decode_sorted(const uint8_t *raw, size_t n, struct cursor *cu)
{
	uint64_t	bits = 0;
	size_t		i;

	if (n < 22)
		return -1;
	cu->cu_hit.h_type = (raw[0] & 1) ? RES_GROUP : RES_USER;
	memcpy(cu->cu_hit.h_id, raw + 1, 16);
	cu->cu_trunc = (raw[21] & CURSOR_CUT) != 0;
	switch (raw[21] & ~CURSOR_CUT) {
	case HK_NONE:
		return n == 22 && !cu->cu_trunc ? 0 : -1;
	case HK_NUM:
		if (n != 30 || cu->cu_trunc)
			return -1;
		for (i = 0; i < 8; i++)
			bits = bits << 8 | raw[22 + i];
		cu->cu_hit.h_kind = HK_NUM;
		memcpy(&cu->cu_hit.h_num, &bits, sizeof(bits));
		return isfinite(cu->cu_hit.h_num) ? 0 : -1;
	case HK_STR:
		if ((cu->cu_trunc && n != 22 + CURSOR_KEYMAX) ||
		    memchr(raw + 22, '\0', n - 22) != NULL ||
		    (cu->cu_hit.h_str = malloc(n - 22 + 1)) == NULL)
			return -1;
		memcpy(cu->cu_hit.h_str, raw + 22, n - 22);
		cu->cu_hit.h_str[n - 22] = '\0';
		cu->cu_hit.h_kind = HK_STR;
		return 0;
	}
	return -1;
}

int
list_cursor_decode(const char *s, const struct sortspec *ss,
    struct cursor *cu, const char **why)
{
	uint8_t	 raw[CURSOR_RAWMAX];
	char	 check[CURSOR_STRMAX + 1];
	long	 n;

	memset(cu, 0, sizeof(*cu));
	*why = "invalid cursor";
	if (strlen(s) > CURSOR_STRMAX ||
	    (n = util_b64url_decode(s, raw, sizeof(raw))) < 5)
		return -1;
	/* One spelling per cursor: what we would have written. */
	util_b64url(raw, (size_t)n, check);
	if (strcmp(check, s) != 0)
		return -1;
	if (raw[0] <= 1) {
		if (n != CURSOR_IDLEN)
			return -1;
		if (ss->ss_by != NULL) {
			*why = "the cursor is of a listing in id order, "
			    "not of one sorted by sortBy";
			return -1;
		}
		cu->cu_hit.h_type = raw[0] ? RES_GROUP : RES_USER;
		memcpy(cu->cu_hit.h_id, raw + 1, 16);
		return 0;
	}
	if (raw[0] == CURSOR_START) {
		if (n != 5)
			return -1;
		cu->cu_start = 1;
	} else if ((raw[0] & ~1) != CURSOR_SORTED ||
	    decode_sorted(raw, (size_t)n, cu) == -1) {
		list_cursor_free(cu);
		return -1;
	}
	if (ss->ss_by == NULL) {
		*why = "the cursor is of a sorted listing: give its sortBy "
		    "and sortOrder";
		list_cursor_free(cu);
		return -1;
	}
	if (get32(raw[0] == CURSOR_START ? raw + 1 : raw + 17) !=
	    order_tag(ss)) {
		*why = "the cursor is of another sortBy or sortOrder";
		list_cursor_free(cu);
		return -1;
	}
	return 0;
}

void
list_cursor_free(struct cursor *cu)
{
	free(cu->cu_hit.h_str);
	cu->cu_hit.h_str = NULL;
}

int
list_cursor_before(const struct cursor *cu, const struct hit *h,
    const struct sortspec *ss)
{
	if (cu->cu_start)
		return 1;
	/*
	 * A cut key is a prefix of the last key shown: the matches that
	 * share it are shown again rather than risk missing one.
	 */
	if (cu->cu_trunc && h->h_kind == HK_STR &&
	    strncmp(h->h_str, cu->cu_hit.h_str, CURSOR_KEYMAX) == 0)
		return 1;
	return list_hit_cmp(&cu->cu_hit, h, ss) < 0;
}
