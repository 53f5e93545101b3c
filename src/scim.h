/*
 * scim.h: what every module of scimlet shares: the result type, the
 * resource types, and every input limit in one place (SCIM_MAX_*).
 */
#ifndef SCIM_H
#define SCIM_H

#include <stddef.h>
#include <stdint.h>

/* Limits.  Each is enforced where input enters; violations are SCIM errors. */
#define SCIM_MAX_BODY_DEFAULT	(1024 * 1024)	/* SCIMLET_MAX_BODY default */
#define SCIM_MAX_REQUESTS_DEFAULT 0		/* SCIMLET_MAX_REQUESTS: none */
#define SCIM_MAX_HEAP_GROWTH_DEFAULT 64	/* SCIMLET_MAX_HEAP_GROWTH, MB */
#define SCIM_MAX_AUTH		8192	/* Authorization header bytes -> 401 */
#define SCIM_MAX_DEPTH		32	/* JSON nesting depth -> 400 */
#define SCIM_MAX_STRING		65536	/* any JSON string, bytes -> 400 */
#define SCIM_MAX_KEYSTR		4096	/* userName, externalId, emails.value,
					   displayName, bytes -> 400 */
#define SCIM_MAX_QUERY		8192	/* QUERY_STRING bytes -> 400 */
#define SCIM_MAX_PATH		1024	/* PATH_INFO bytes -> 404 */
#define SCIM_MAX_FILTER		4096	/* filter bytes -> 400 invalidFilter */
#define SCIM_MAX_FILTER_DEPTH	32	/* filter nesting -> 400 invalidFilter */
#define SCIM_MAX_FILTER_NODES	256	/* filter AST nodes -> 400 invalidFilter */
#define SCIM_DEFAULT_COUNT	100	/* page size when count is absent */
#define SCIM_MAX_COUNT		1000	/* page size cap (filter.maxResults) */
#define SCIM_MAX_CANDIDATES	10000	/* index hits examined per filter */
#define SCIM_MAX_DETAIL		256	/* error detail bytes */
#define SCIM_MAX_BASEURL	512	/* scheme://host/script-name bytes */
#define SCIM_TENANT_MAX		63	/* tenant name: [a-z0-9-]{1,63} */
#define SCIM_MAX_ROLE		200	/* role values and application role
					   names, bytes (longer are cut) */
#define SCIM_MAX_ROLESOURCE	255	/* role-source attribute path, bytes */
#define SCIM_MAX_AUDIT_ENTRY	(256u * 1024 * 1024) /* one audit entry,
					   bytes: a deleted group's image
					   with every member (about 350 bytes
					   each), so that no group is too
					   big to delete (deprovisioning is
					   never refused) */
#define SCIM_MAX_PATCH_OPS	1000	/* Operations per PATCH -> 400 */
#define SCIM_MAX_ATTRLIST	2048	/* attributes= / excludedAttributes=
					   (or a search's, joined), bytes
					   -> 400 invalidValue */
#define SCIM_MAX_ATTRIBUTES	32	/* names in that list -> 400 */
#define SCIM_MAX_RESPONSE	(256u * 1024 * 1024) /* one response body
					   made as text, bytes -> 500 */
#define SCIM_MAX_SEATS		100000000 /* largest max-users / max-groups */
/* The actor of an audit entry (ctx.h): field sizes with the NUL. */
#define SCIM_ACTOR_TOKEN	32
#define SCIM_ACTOR_REQUEST	40
#define SCIM_ACTOR_CLIENT	64
#define SCIM_ACTOR_AGENT	256

/*
 * The one result type.  scim_error.c maps each value to its HTTP status
 * and RFC 7644 §3.12 scimType.
 */
enum scim_err {
	SCIM_OK = 0,
	SCIM_EINVALSYNTAX,	/* 400 invalidSyntax: bad JSON, bad request */
	SCIM_EINVALVALUE,	/* 400 invalidValue */
	SCIM_EFILTER,		/* 400 invalidFilter */
	SCIM_EPATH,		/* 400 invalidPath */
	SCIM_ENOTARGET,		/* 400 noTarget */
	SCIM_EMUTABILITY,	/* 400 mutability */
	SCIM_ETOOMANY,		/* 400 tooMany */
	SCIM_ECURSOR,		/* 400 invalidCursor (RFC 9865) */
	SCIM_EAUTH,		/* 401, with WWW-Authenticate: Bearer */
	SCIM_EFORBIDDEN,	/* 403 */
	SCIM_ENOTFOUND,		/* 404 */
	SCIM_EMETHOD,		/* 405 */
	SCIM_EUNIQUE,		/* 409 uniqueness */
	SCIM_EPRECOND,		/* 412 */
	SCIM_ETOOLARGE,		/* 413 */
	SCIM_EMEDIATYPE,	/* 415 */
	SCIM_ECONFIG,		/* 500: worker misconfigured (detail says how) */
	SCIM_ESTORE,		/* 500: storage failure (logged, not shown) */
	SCIM_ENOMEM,		/* 500: out of memory; the worker exits after */
	SCIM_EFULL,		/* 507: the database map is full */
	SCIM_ENOTIMPL,		/* 501 */
	SCIM_EGONE,		/* 410: change feed records pruned */
	SCIM_EHELD,		/* 503: held by the breaker (breaker.h) */
	SCIM_ERATE,		/* 429: over the tenant's rate (plan.h) */
	SCIM_ECONFLICT,		/* 409: a Bulk reference unresolved (bulk.h) */
	SCIM_ERR__MAX
};

/* Resource types; the byte is part of every LMDB key. */
enum res_type {
	RES_USER = 'U',
	RES_GROUP = 'G'
};

/* A tenant as the request handlers see it. */
struct tenant {
	uint32_t	 tn_id;		/* key prefix in every db */
	unsigned int	 tn_flags;	/* TENANT_* settings */
	long long	 tn_maxresults;	/* page size cap; 0: SCIM_MAX_COUNT */
	char		 tn_name[SCIM_TENANT_MAX + 1];
	/* Role mapping (roles.c): where incoming role values come from
	 * ("" = "roles"), the fallback application role ("" = none), and
	 * whether an unmapped incoming value is refused. */
	char		 tn_rolesource[SCIM_MAX_ROLESOURCE + 1];
	char		 tn_roledefault[SCIM_MAX_ROLE + 1];
	int		 tn_rolereject;
	/* The activity log (activity.h): retention (0: the default), and
	 * the gap that ends a sync cycle, in seconds (0: the default). */
	long long	 tn_actdays;
	long long	 tn_actmax;
	long long	 tn_cyclegap;
	/* The breaker (breaker.h): -1 off, 0 the default, else a limit
	 * of actions (tn_brkpct 0) or a percentage of the users; its
	 * window in seconds (0: the default). */
	long long	 tn_brk;
	int		 tn_brkpct;
	long long	 tn_brkwin;
	/* Preview (src/preview.h): the number of the tenant's preview data
	 * (0: the tenant is live); in a worker's context of a tenant in
	 * preview, tn_id is that number and tn_live the tenant's own. */
	uint32_t	 tn_preview;
	uint32_t	 tn_live;
	/* Plan limits (plan.h): users and groups the tenant may hold (0:
	 * no limit), and its request rate, tn_rate requests every
	 * tn_rateper seconds (0: no limit). */
	long long	 tn_maxusers;
	long long	 tn_maxgroups;
	long long	 tn_rate;
	int		 tn_rateper;
	/* Bulk (src/bulk.h): operations and body bytes a Bulk request may
	 * have (0: the defaults below). */
	long long	 tn_bulkops;
	long long	 tn_bulkpayload;
};

#define SCIM_BULK_OPS_DEFAULT	 1000		/* bulk-max-operations */
#define SCIM_BULK_PAYLOAD_DEFAULT (1024 * 1024)	/* bulk-max-payload */
#define SCIM_BULK_OPS_MAX	 10000	/* about 3.3 KB of state each */
#define SCIM_BULK_PAYLOAD_MAX	 (1LL << 30)

/* The tenant's own number: its activity log, role mappings and feed. */
#define TENANT_HOME(t)	((t)->tn_live != 0 ? (t)->tn_live : (t)->tn_id)

/* Tenant settings (`scimlet tenant set`). */
#define TENANT_PATCH_204	0x1	/* patch-response=no-content */
#define TENANT_SKIP_UNKNOWN	0x2	/* unknown-members=skip */
#define TENANT_ACTIVITY_OFF	0x4	/* activity=off */

#endif /* SCIM_H */
