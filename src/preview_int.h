/*
 * preview_int.h: what preview.c and preview_adopt.c share: both sides
 * of a preview read into memory, and the walks over them.
 */
#ifndef PREVIEW_INT_H
#define PREVIEW_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct store_txn;

/* One member key of a group. */
struct pmem {
	uint8_t		 m_id[16];
	enum res_type	 m_type;
	char		*m_display;
};

/* One resource as stored, and a group's members (in id order). */
struct pres {
	uint8_t		 r_id[16];
	cJSON		*r_doc;
	struct pmem	*r_mem;
	size_t		 r_nmem;
};

/* One side (live or preview): [0] users, [1] groups, in id order. */
struct side {
	uint32_t	 s_tn;
	struct pres	*s_res[2];
	size_t		 s_n[2];
};

/* Read tenant number tn's users, groups and members into s. */
enum scim_err	 pv_side_load(struct store_txn *, uint32_t tn, struct side *);
void		 pv_side_free(struct side *);
/* A resource (k: 0 users, 1 groups) of s by id; a member of group g. */
struct pres	*pv_find(const struct side *, int k, const uint8_t id[16]);
struct pmem	*pv_find_mem(const struct pres *g, const uint8_t id[16]);
/* userName (k 0) or displayName (k 1), "" when none. */
const char	*pv_name(const struct pres *, int k);
const cJSON	*pv_roles(const struct pres *);
int		 pv_active(const struct pres *);
/* Attributes of a and b that differ, appended to list (-1: no memory). */
int		 pv_attr_diff(cJSON *list, const char *prefix, const cJSON *a,
		    const cJSON *b);
/* The report of preview.h (preview_diff()). */
enum scim_err	 pv_report(const struct side *live,
		    const struct side *prev, cJSON **out);
/* The tenant record: in preview under num, or live (num 0; discard:
 * the attributes declared before the preview back). */
enum scim_err	 pv_mark(struct store_txn *, const char *tenant, uint32_t num,
		    int discard);

#endif /* PREVIEW_INT_H */
