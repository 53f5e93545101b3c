/*
 * deprov.h: the deprovisioning commands as library calls, shared by the
 * CLI (`audit list`, `restore`, `breaker`) and the console's API
 * (src/admin_deprov.c), so both run the same logic and answer with the
 * same JSON: reading the audit log with filters, restoring entries or a
 * whole sync cycle (src/restore.h does one entry), and the breaker's
 * status and its release or reset (src/breaker.h).
 *
 * Changes are made in the caller's write transaction; the caller commits
 * (or, for a dry run, aborts).  Each names its actor in the audit log.
 */
#ifndef DEPROV_H
#define DEPROV_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct store;
struct store_txn;
struct breaker_status;

/* Who acts, as ctx_open() takes it (src/ctx.h); any may be NULL. */
struct deprov_actor {
	const char	*da_token;	/* "cli", "console" */
	const char	*da_request;
	const char	*da_client;
	const char	*da_agent;
};

/* A since filter: an RFC 3339 time, or a sequence number. */
struct audit_since {
	uint64_t	 seq;
	double		 time;
	int		 by_time;
};
/* Parse s: 0, or -1 when it is neither a time nor a number. */
int		 audit_since_parse(const char *s, struct audit_since *);
/* Whether entry e, number seq, is at or after s. */
int		 audit_since_ok(const struct audit_since *, uint64_t seq,
		    const cJSON *e);
/* Whether pattern (fnmatch(3)) matches an action an entry can name. */
int		 audit_action_known(const char *pattern);

/* `audit list`'s filters; action a pattern, action and id NULL: any. */
struct audit_filter {
	struct audit_since	 af_since;
	const char		*af_action;
	const char		*af_id;
};
int		 audit_filter_ok(const struct audit_filter *, uint64_t seq,
		    const cJSON *e);
/*
 * The newest limit (0: all) entries of tenant matching f, oldest first,
 * as stored (parsed: the objects of `audit list --json`) into
 * *entries; *more is 1 when older ones matched too.
 */
enum scim_err	 audit_list(struct store_txn *, const struct tenant *,
		    const struct audit_filter *, long long limit,
		    cJSON **entries, int *more);

/* A breaker time (µs) as RFC 3339 into out (TIME_STRLEN + 1), "-" for 0. */
void		 breaker_time(uint64_t us, char *out);
/* `breaker T status --json`'s object, or NULL (out of memory). */
cJSON		*breaker_json(const struct breaker_status *);
/*
 * Release (for secs seconds) or reset tenant t's breaker in tx, audited
 * operator.breaker.released or .reset with the state it was in; *after
 * is the state it is left in.
 */
enum scim_err	 breaker_change(struct store *, struct store_txn *,
		    const struct tenant *t, const struct deprov_actor *,
		    int release, long long secs, struct breaker_status *after);

/* What `restore` undoes: one entry, the entries since, or a cycle's. */
enum restore_by {
	RESTORE_SEQ = 0,
	RESTORE_SINCE,
	RESTORE_CYCLE,
};

struct restore_req {
	enum restore_by		 rr_by;
	uint64_t		 rr_seq;	/* RESTORE_SEQ */
	struct audit_since	 rr_since;	/* RESTORE_SINCE */
	const char		*rr_cycle;	/* RESTORE_CYCLE: ID or "last" */
	int			 rr_dry;
	/* Filled by restore_prepare() for a cycle; restore_free(). */
	cJSON			*rr_cy;
	cJSON			*rr_rids;
};

/*
 * Read what the request needs before the write transaction: a cycle
 * (from the activity log, with no transaction open).  SCIM_ENOTFOUND:
 * the tenant has no such cycle.
 */
enum scim_err	 restore_prepare(struct store *, const struct tenant *,
		    struct restore_req *);
void		 restore_free(struct restore_req *);

/*
 * Undo, in the write transaction tx, what req names, newest first, all
 * or nothing; a cycle's undo also says which of the roles it took came
 * back and arms the breaker again (breaker_rearm()).  *report (always
 * set, unless out of memory) is `restore --json`'s object:
 *
 *   {"dryRun":bool, "ok":bool, "by":"seq"|"since"|"cycle",
 *    "cycle":null|{"id","running"}, "restored":N,
 *    "entries":[{"seq","action","type","id","name",
 *      "result":"restored"|"skipped"|"refused","lines":[text]}],
 *    "roles":[{"id","name","role","back":bool,"why":null|text}],
 *    "breaker":null|{"counted":N}}
 *
 * "ok" false: the result (SCIM_EUNIQUE, SCIM_ENOTFOUND, SCIM_ENOTIMPL
 * refuse it; others are failures) means nothing may be committed.
 * SCIM_ENOTFOUND with no report entries for RESTORE_SEQ: no such entry.
 * The caller commits, or aborts (a dry run, or a refusal).
 */
enum scim_err	 restore_apply(struct store *, struct store_txn *,
		    const struct tenant *, const struct restore_req *,
		    const struct deprov_actor *, cJSON **report);

#endif /* DEPROV_H */
