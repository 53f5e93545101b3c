/*
 * project.h: `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5,
 * §3.9).  `id` and `schemas` are always returned.
 */
#ifndef PROJECT_H
#define PROJECT_H

#include <cjson/cJSON.h>

#include "scim.h"

struct proj_item {
	char	pi_ext[160];	/* extension URN, or "" for the core schema */
	char	pi_attr[96];	/* attribute ("" = the whole extension) */
	char	pi_sub[96];	/* sub-attribute, or "" */
};

struct proj {
	enum { PROJ_ALL, PROJ_ONLY, PROJ_EXCLUDE } pj_mode;
	int		 pj_n;
	struct proj_item pj_items[SCIM_MAX_ATTRIBUTES];
};

struct schema;
struct scim_resp;

/* Everything returned (the items are read only up to pj_n). */
void		 proj_init(struct proj *);

/* Read attributes= or excludedAttributes= from a query string. */
enum scim_err	 proj_parse(const char *query, const struct schema *,
		    struct proj *, struct scim_resp *);

/* From a comma-separated list: attributes, or with exclude set,
 * excludedAttributes (a SearchRequest's arrays, joined). */
enum scim_err	 proj_list(const char *names, int exclude,
		    const struct schema *, struct proj *, struct scim_resp *);

/* Whether (any part of) core attribute attr is returned. */
int		 proj_wants(const struct proj *, const char *attr);

/* Remove from doc what the projection does not return. */
void		 proj_apply(const struct proj *, const struct schema *,
		    cJSON *doc);

#endif /* PROJECT_H */
