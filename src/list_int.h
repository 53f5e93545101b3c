/*
 * list_int.h: the parts of listing that need no request, shared by
 * list.c, list_sort.c and the unit tests: sort keys and their order
 * (RFC 7644 §3.4.2.3), and cursors (RFC 9865).
 */
#ifndef LIST_INT_H
#define LIST_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct schema;

/* How matches are ordered: by sortBy (NULL: id order), sortOrder. */
struct sortspec {
	const char	*ss_by;
	int		 ss_desc;
};

enum hit_kind { HK_NONE, HK_STR, HK_NUM };

/* A match: its position (type, id) and, when sorting, its sort key. */
struct hit {
	uint8_t		 h_id[16];
	enum res_type	 h_type;
	enum hit_kind	 h_kind;
	double		 h_num;
	char		*h_str;		/* HK_STR: owned, folded if caseExact
					   is false */
};

/* Users come before groups in a listing of both. */
int	list_type_rank(enum res_type);

/*
 * The value sortBy names in doc as h's key (h_id and h_type are left as
 * they are): a string, a number (numbers, booleans, dateTimes as
 * instants), or none.  0, or -1 when out of memory.
 */
int	list_sort_key(const struct schema *, const char *by,
	    const cJSON *doc, struct hit *h);

/*
 * The order of two matches: by key (values before no value, sortOrder
 * reversing the values only), then by position, so no two matches tie.
 */
int	list_hit_cmp(const struct hit *, const struct hit *,
	    const struct sortspec *);

/* Sort n hits (a merge sort: no global state).  0, or -1 out of memory. */
int	list_sort(struct hit *, size_t n, const struct sortspec *);

/*
 * Cursors are positions: the page after a cursor holds the matches that
 * come after it in the listing's order.  In id order a cursor is the
 * last position shown (17 bytes); sorted, it carries the last key too,
 * cut to CURSOR_KEYMAX bytes, and a tag of sortBy and sortOrder so it is
 * refused under another order.  The start cursor comes before all.
 */
#define CURSOR_KEYMAX	128
#define CURSOR_RAWMAX	(22 + CURSOR_KEYMAX)
#define CURSOR_STRMAX	((CURSOR_RAWMAX * 4 + 2) / 3)	/* base64url */

struct cursor {
	int		 cu_start;	/* before every match */
	int		 cu_trunc;	/* cu_hit's string key is cut */
	struct hit	 cu_hit;	/* position and key; h_str owned */
};

/*
 * Decode s for a listing ordered as ss.  0, or -1 with the reason in
 * *why (an invalid cursor, or one of another order).
 */
int	list_cursor_decode(const char *s, const struct sortspec *,
	    struct cursor *, const char **why);
void	list_cursor_free(struct cursor *);

/* The cursor of h (NULL: the start) into out (CURSOR_STRMAX + 1). */
void	list_cursor_encode(const struct hit *h, const struct sortspec *,
	    char *out);

/* 1 when h comes after the cursor in the order ss. */
int	list_cursor_before(const struct cursor *, const struct hit *h,
	    const struct sortspec *);

/*
 * The ids plan pl names for type, in id order without repeats (*ids: the
 * caller frees it), or *scan set when every resource of the type must be
 * read instead (a scan, or too many candidates).
 */
struct filter_plan;
struct store_txn;
enum scim_err	list_candidates(struct store_txn *, uint32_t tenant,
		    enum res_type, const struct filter_plan *pl,
		    uint8_t (**ids)[16], size_t *n, int *scan);

/*
 * A list request (list_query.c), from a query string or a SearchRequest
 * body, and the position of a resource in a listing in id order: its
 * type's rank, then its id (CURSOR_LEN bytes).
 */
#define CURSOR_LEN	17		/* id order: type byte + id */
struct listq {
	char		 lq_filter[SCIM_MAX_FILTER + 1];
	int		 lq_hasfilter;
	char		 lq_sortby[256];
	int		 lq_desc;
	long long	 lq_start;
	long long	 lq_count;
	int		 lq_cursor;	/* cursor paging asked for */
	struct cursor	 lq_cur;	/* where the page starts after */
	uint8_t		 lq_after[CURSOR_LEN];	/* id order: lq_cur */
	char		 lq_attrs[SCIM_MAX_ATTRLIST];
	int		 lq_hasattrs;
	int		 lq_exclude;
};
struct scim_req;
struct scim_resp;
void		list_position(uint8_t *pos, enum res_type, const uint8_t id[16]);
struct sortspec	list_q_order(const struct listq *);
enum scim_err	list_q_from_query(struct scim_req *, struct listq *,
		    struct scim_resp *);
enum scim_err	list_q_from_body(struct scim_req *, struct listq *,
		    struct scim_resp *);

#endif /* LIST_INT_H */
