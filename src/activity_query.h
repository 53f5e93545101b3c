/*
 * activity_query.h: the filters of `scimlet activity` (src/cli/activity.c)
 * and of the console's activity list (src/admin_read.c): one matcher for
 * both, so a filter means the same thing on the page and in a shell.
 */
#ifndef ACTIVITY_QUERY_H
#define ACTIVITY_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct store;
struct store_txn;

struct act_query {
	uint64_t	 aq_from;	/* µs; 0: the whole log */
	int		 aq_status;	/* 0: any; 4, 5: a class; else a code */
	char		 aq_type;	/* user 'U', group 'G', or 0 */
	const char	*aq_who;	/* its id or name */
	int		 aq_nids;
	uint8_t		 aq_ids[4][16];	/* what the name is now */
	const char	*aq_request;	/* a request id, or NULL */
};

/* "4xx", "5xx" or a code 100-599 into *status; -1 when not one. */
int		 act_query_status(const char *s, int *status);
/* The ids aq_who names now (by the userName or displayName index). */
void		 act_query_resolve(struct store_txn *, uint32_t tenant,
		    struct act_query *);
/* Whether a parsed record (activity_parse()) passes the filters. */
int		 act_query_match(const struct act_query *, const cJSON *rec);
/*
 * The newest limit records (0: all) matching q, oldest first, into *out
 * (a new JSON array of activity_parse() objects, tenant named tname);
 * *more (may be NULL) is 1 when older ones matched too.
 */
enum scim_err	 act_query_run(struct store *, uint32_t tenant,
		    const char *tname, const struct act_query *q,
		    long long limit, cJSON **out, int *more);

#endif /* ACTIVITY_QUERY_H */
