/*
 * activity.h: the activity log, one record per request a worker serves
 * (doc/architecture.md §5.7).  A request carries one struct activity,
 * reached from its context (ctx.h, cx_act); the modules that change
 * something note what they changed in it, and the record is written:
 *   - by resource_txn(), in the request's write transaction, when the
 *     request changed something (no change without its record);
 *   - by main.c after the response, in the activity file, otherwise.
 * Never the token, never a password, never a request body.
 */
#ifndef ACTIVITY_H
#define ACTIVITY_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct scim_req;
struct scim_resp;
struct store;
struct store_txn;

/* What a request did (bits of at_ops). */
#define ACT_CREATE	0x01
#define ACT_UPDATE	0x02
#define ACT_DELETE	0x04
#define ACT_DEACTIVATE	0x08
#define ACT_REACTIVATE	0x10
#define ACT_RESTORE	0x20
#define ACT_MEMBERS	0x40

#define ACT_NAME_MAX	256	/* userName / displayName bytes kept */
#define ACT_LIST_MAX	200	/* attribute and role lists, bytes */

/* Retention defaults (`tenant set T activity-days=N activity-max=N`). */
#define ACT_DAYS_DEFAULT	30
#define ACT_MAX_DEFAULT		200000
/* Cycles: requests of one token less than this apart (`cycle-gap`). */
#define ACT_GAP_DEFAULT		(10 * 60)

struct activity {
	uint64_t	 at_start;	/* µs since 1970 */
	uint8_t		 at_rid[8];	/* the request id, as bytes */
	char		 at_reqid[20];	/* ... and as sent (X-Request-Id) */
	struct tenant	 at_tenant;	/* tn_id 0: no tenant known */
	char		 at_token[SCIM_ACTOR_TOKEN];
	char		 at_label[SCIM_ACTOR_AGENT];
	char		 at_client[SCIM_ACTOR_CLIENT];
	char		 at_agent[SCIM_ACTOR_AGENT];
	/* The resource the request is about. */
	enum res_type	 at_type;	/* 0: none */
	int		 at_hasid;
	uint8_t		 at_id[16];
	char		 at_name[ACT_NAME_MAX + 1];
	/* What it changed. */
	unsigned	 at_ops;
	unsigned	 at_madd, at_mdel;
	unsigned	 at_others;	/* other resources changed with it */
	char		 at_attrs[ACT_LIST_MAX];	/* "name,emails" */
	char		 at_rolesadd[ACT_LIST_MAX];	/* "admin,reader" */
	char		 at_rolesdel[ACT_LIST_MAX];
	int		 at_stored;	/* written with the change */
	/* Deprovisioning actions the breaker counted for it (breaker.h);
	 * when it held the request, the count it would have reached. */
	unsigned	 at_brk;
};

/* A fresh record for a request starting now; rid: its 8-byte id. */
void		 activity_start(struct activity *, const uint8_t rid[8],
		    const char *reqid);

/* Who asked: REMOTE_ADDR and User-Agent (either may be NULL). */
void		 activity_client(struct activity *, const char *client,
		    const char *agent);

/*
 * Notes.  Each takes a NULL activity (the CLI's context has none).  The
 * first resource noted is the subject; changes to others are counted.
 */
void		 activity_subject(struct activity *, enum res_type,
		    const uint8_t *id, const char *name);
void		 activity_change(struct activity *, enum res_type,
		    const uint8_t id[16], const char *op);
void		 activity_diff(struct activity *, const cJSON *old,
		    const cJSON *now);
void		 activity_members(struct activity *, int added);
void		 activity_roles(struct activity *, const uint8_t uid[16],
		    const cJSON *was, const cJSON *now);

/*
 * Write the record of a request that changed something into tx, its
 * write transaction, just before the commit (resource_txn()).  A request
 * that changed nothing is left to activity_finish().
 */
enum scim_err	 activity_store(struct activity *, struct store_txn *,
		    const struct scim_req *, const struct scim_resp *);
/*
 * After the response: the record of any request activity_store() did
 * not write (e: the request's result), into the activity file.
 */
void		 activity_finish(struct activity *, struct store *,
		    const struct scim_req *, const struct scim_resp *,
		    enum scim_err e);

/*
 * A stored record as the CLI shows it: the fields and, added, "time"
 * (RFC 3339, µs), "tenant" and "summary" (one line: "create", "replace
 * active true→false", "members +3 −1", "roles +admin").
 */
cJSON		*activity_parse(const char *json, size_t len, uint64_t us,
		    const char *tenant);
/* The one-line summary of a parsed record into out. */
void		 activity_summary(const cJSON *rec, char *out, size_t len);

#endif /* ACTIVITY_H */
