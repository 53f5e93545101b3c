/*
 * tenant.c: `scimlet tenant add|list|set|show|remove`.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "audit.h"
#include "auth.h"
#include "breaker.h"
#include "cli/cli.h"
#include "cycle.h"
#include "scim.h"
#include "store.h"
#include "util.h"

/* NAME: [a-z0-9-]{1,63} */
static int
name_ok(const char *s)
{
	size_t	n = strlen(s);

	return n >= 1 && n <= SCIM_TENANT_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* `tenant list`: the name, or with --json (arg not NULL) one object per
 * line, {"name","created"}. */
static int
print_tenant(const struct tenant *t, const char *created, void *arg)
{
	cJSON	*o;
	char	*out;

	if (arg == NULL) {
		cli_row(stdout, 1, t->tn_name);
		return 0;
	}
	if ((o = cJSON_CreateObject()) == NULL)
		return 0;
	cJSON_AddStringToObject(o, "name", t->tn_name);
	if (created != NULL && created[0] != '\0')
		cJSON_AddStringToObject(o, "created", created);
	else
		cJSON_AddNullToObject(o, "created");
	if ((out = cJSON_PrintUnformatted(o)) != NULL) {
		cli_json(stdout, out, strlen(out));
		fputc('\n', stdout);
		free(out);
	}
	cJSON_Delete(o);
	return 0;
}

/*
 * The settings a tenant has, and the values each takes: one of values,
 * else a number (or with dur, a duration in seconds) from min to max.
 */
static const struct {
	const char	*key;
	const char	*values[3];
	long long	 min, max;
	int		 dur;
} settings[] = {
	/* PATCH answers: the resource (200), or 204 (Microsoft's suite). */
	{ "patch-response", { "resource", "no-content", NULL }, 0, 0, 0 },
	/*
	 * A member id that names no user or group: 400 with nothing
	 * applied, or skipped (logged) while the other members apply.
	 */
	{ "unknown-members", { "reject", "skip", NULL }, 0, 0, 0 },
	/* Largest page (count). */
	{ "max-results", { NULL }, 1, 10000, 0 },
	/* The activity log (src/activity.h): on, kept days, kept records. */
	{ "activity", { "on", "off", NULL }, 0, 0, 0 },
	{ "activity-days", { NULL }, 1, 3650, 0 },
	{ "activity-max", { NULL }, 1, 100000000, 0 },
	/* The quiet time that ends a sync cycle (src/cycle.h). */
	{ "cycle-gap", { NULL }, 1, 7 * 86400, 1 },
	/* The mass-deprovisioning breaker (src/breaker.h): N, P% or off
	 * (dur 2: util_breaker_parse()), and its window. */
	{ "breaker", { NULL }, 0, 0, 2 },
	{ "breaker-window", { NULL }, 60, 7 * 86400, 1 },
	/* Plan limits (src/plan.h): seats, a number or off (dur 3), and
	 * the request rate, N/s, N/m or off (dur 4). */
	{ "max-users", { NULL }, 1, SCIM_MAX_SEATS, 3 },
	{ "max-groups", { NULL }, 1, SCIM_MAX_SEATS, 3 },
	{ "rate", { NULL }, 0, 0, 4 },
	/* Bulk (src/bulk.h): operations and bytes of one request. */
	{ "bulk-max-operations", { NULL }, 1, SCIM_BULK_OPS_MAX, 0 },
	{ "bulk-max-payload", { NULL }, 1024, SCIM_BULK_PAYLOAD_MAX, 0 },
};

/* `tenant set TENANT KEY=VALUE` */
static int
tenant_set(struct cli *cl, const char *name, const char *kv)
{
	struct store		*st = cl->cl_store;
	struct store_txn	*tx;
	const char		*eq;
	char			 key[64];
	size_t			 i, j;
	long long		 n;
	int			 pct;
	enum scim_err		 e;

	if ((eq = strchr(kv, '=')) == NULL || (size_t)(eq - kv) >= sizeof(key))
		return cli_bad("tenant", "set: '%s' is not KEY=VALUE", kv);
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (strcmp(settings[i].key, key) == 0)
			break;
	if (i == sizeof(settings) / sizeof(settings[0])) {
		fprintf(stderr, "scimlet: unknown setting %s\n", key);
		return CLI_FAIL;
	}
	if (settings[i].dur == 3 && strcmp(eq + 1, "off") != 0 &&
	    util_strtonum(eq + 1, settings[i].min, settings[i].max, &n) == -1) {
		fprintf(stderr, "scimlet: %s takes a number from %lld to %lld, "
		    "or off\n", key, settings[i].min, settings[i].max);
		return CLI_FAIL;
	}
	if (settings[i].dur == 4 && strcmp(eq + 1, "off") != 0 &&
	    util_rate_parse(eq + 1, &n, &pct) == -1) {
		fprintf(stderr, "scimlet: %s takes requests a second or a "
		    "minute, 1 to 1000000 (50/s, 600/m), or off\n", key);
		return CLI_FAIL;
	}
	if (settings[i].dur >= 3)
		j = 0;
	else if (settings[i].dur == 2) {
		if (strcmp(eq + 1, "off") != 0 &&
		    util_breaker_parse(eq + 1, &n, &pct) == -1) {
			fprintf(stderr, "scimlet: %s takes a number of actions "
			    "(1 to 10000000), a percentage of the tenant's "
			    "users (1%% to 100%%) or off\n", key);
			return CLI_FAIL;
		}
		j = 0;
	} else if (settings[i].values[0] == NULL && settings[i].dur) {
		if (util_duration_parse(eq + 1, &n) == -1 ||
		    n < settings[i].min || n > settings[i].max) {
			fprintf(stderr, "scimlet: %s takes a duration from "
			    "%llds to %llds (30m, 2h, 1d)\n", key,
			    settings[i].min, settings[i].max);
			return CLI_FAIL;
		}
		j = 0;
	} else if (settings[i].values[0] == NULL) {
		if (util_strtonum(eq + 1, settings[i].min, settings[i].max,
		    &n) == -1) {
			fprintf(stderr, "scimlet: %s takes a number from %lld "
			    "to %lld\n", key, settings[i].min,
			    settings[i].max);
			return CLI_FAIL;
		}
		j = 0;
	} else {
		for (j = 0; settings[i].values[j] != NULL; j++)
			if (strcmp(settings[i].values[j], eq + 1) == 0)
				break;
	}
	if (settings[i].values[0] != NULL && settings[i].values[j] == NULL) {
		fprintf(stderr, "scimlet: %s takes", key);
		for (j = 0; settings[i].values[j] != NULL; j++)
			fprintf(stderr, " %s", settings[i].values[j]);
		fputc('\n', stderr);
		return CLI_FAIL;
	}
	if ((e = store_begin(st, 1, &tx)) != SCIM_OK)
		return cli_storefail("tenant set", e);
	if ((e = store_tenant_set(tx, name, key, eq + 1)) == SCIM_OK)
		e = cli_audit_op(cl, tx, name, "operator.tenant.set", "Tenant",
		    name, cJSON_CreateString(kv));
	if (e != SCIM_OK) {
		store_abort(&tx);
		if (e == SCIM_ENOTFOUND) {
			fprintf(stderr, "scimlet: no tenant %s\n", name);
			return CLI_FAIL;
		}
		return cli_storefail("tenant set", e);
	}
	if ((e = store_commit(&tx)) != SCIM_OK)
		return cli_storefail("tenant set", e);
	/*
	 * These settings shape answers to later requests; no stored user
	 * changes (README.md, "The command-line tool").
	 */
	puts("0 users changed (applies to later requests)");
	return CLI_OK;
}

/* What a tenant holds, for `tenant show` and `tenant remove`. */
struct tenant_counts {
	uint64_t	 users;
	uint64_t	 groups;
	uint64_t	 active;	/* tokens */
	uint64_t	 revoked;
	uint64_t	 audit;
	uint64_t	 roles;		/* role mappings */
	uint64_t	 attributes;	/* declared */
	char		 created[64];
};

static int
count_res(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	(void)id;
	(void)json;
	(void)len;
	(*(uint64_t *)arg)++;
	return 0;
}

static void
count_token(const struct auth_token_info *ti, void *arg)
{
	struct tenant_counts	*tc = arg;

	/* An expired token counts with the revoked: it no longer works. */
	if (!auth_token_active(ti))
		tc->revoked++;
	else
		tc->active++;
}

static int
count_audit(uint64_t seq, const char *json, size_t len, void *arg)
{
	(void)seq;
	(void)json;
	(void)len;
	(*(uint64_t *)arg)++;
	return 0;
}

static int
count_role(char kind, const char *value, const char *role, void *arg)
{
	(void)kind;
	(void)value;
	(void)role;
	(*(uint64_t *)arg)++;
	return 0;
}

/* Count what tenant t holds (walks: each is O(n) in its db's range). */
static enum scim_err
tenant_count(struct store_txn *tx, const struct tenant *t,
    struct tenant_counts *tc)
{
	cJSON		*doc;
	const cJSON	*a;
	enum scim_err	 e;

	memset(tc, 0, sizeof(*tc));
	if ((e = store_tenant_doc(tx, t->tn_name, &doc)) != SCIM_OK)
		return e;
	a = cJSON_GetObjectItemCaseSensitive(doc, "created");
	util_strlcpy(tc->created, cJSON_IsString(a) ? a->valuestring : "",
	    sizeof(tc->created));
	a = cJSON_GetObjectItemCaseSensitive(doc, "attributes");
	tc->attributes = cJSON_IsArray(a) ? (uint64_t)cJSON_GetArraySize(a) :
	    0;
	cJSON_Delete(doc);
	if ((e = store_res_each(tx, t->tn_id, RES_USER, count_res,
	    &tc->users)) != SCIM_OK ||
	    (e = store_res_each(tx, t->tn_id, RES_GROUP, count_res,
	    &tc->groups)) != SCIM_OK ||
	    (e = auth_token_each(tx, t->tn_name, count_token, tc)) !=
	    SCIM_OK ||
	    (e = store_audit_each(tx, t->tn_id, 0, count_audit,
	    &tc->audit)) != SCIM_OK ||
	    (e = store_role_each(tx, t->tn_id, count_role, &tc->roles)) !=
	    SCIM_OK)
		return e;
	return SCIM_OK;
}

/*
 * `tenant show TENANT [--json]`: one "key<TAB>value" line per item, or
 * one JSON object with the same keys (numbers as numbers, no default
 * role as null).
 */
/*
 * A plan limit and its use, for `tenant show` (src/plan.h): a seat limit
 * as "N (U in use)", the rate as "N/s (U of N in use)"; "-" for none.
 * *use is what is in use (the rate: requests the bucket holds now).
 */
static void
plan_text(struct store *st, const struct tenant *t, const char *key,
    uint64_t held, char *out, size_t len, long long *limit, uint64_t *use)
{
	uint64_t	ahead = 0, interval;

	*use = held;
	*limit = strcmp(key, "max-users") == 0 ? t->tn_maxusers :
	    strcmp(key, "max-groups") == 0 ? t->tn_maxgroups : t->tn_rate;
	if (*limit <= 0) {
		util_strlcpy(out, "-", len);
		return;
	}
	if (strcmp(key, "rate") != 0) {
		snprintf(out, len, "%lld (%llu in use)", *limit,
		    (unsigned long long)held);
		return;
	}
	interval = (uint64_t)t->tn_rateper * 1000000 / (uint64_t)*limit;
	if (store_rate_level(st, TENANT_HOME(t), util_now_us(), &ahead) !=
	    SCIM_OK || interval == 0)
		ahead = 0;
	*use = interval > 0 ? (ahead + interval - 1) / interval : 0;
	snprintf(out, len, "%lld/%s (%llu of %lld in use)", *limit,
	    t->tn_rateper == 1 ? "s" : "m", (unsigned long long)*use, *limit);
}

/* The plan limits as rows or as members of o (NULL: rows). */
static int
plan_show(struct store *st, const struct tenant *t, uint64_t users,
    uint64_t groups, cJSON *o)
{
	static const char *const keys[] = { "max-users", "max-groups", "rate" };
	char		 text[96];
	long long	 limit;
	uint64_t	 use;
	cJSON		*l;
	size_t		 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		plan_text(st, t, keys[i], i == 0 ? users : groups, text,
		    sizeof(text), &limit, &use);
		if (o == NULL) {
			cli_row(stdout, 2, keys[i], text);
			continue;
		}
		if (limit <= 0) {
			if (cJSON_AddNullToObject(o, keys[i]) == NULL)
				return -1;
			continue;
		}
		if ((l = cJSON_AddObjectToObject(o, keys[i])) == NULL ||
		    cJSON_AddNumberToObject(l, "limit", (double)limit) ==
		    NULL || (i == 2 && cJSON_AddStringToObject(l, "per",
		    t->tn_rateper == 1 ? "second" : "minute") == NULL) ||
		    cJSON_AddNumberToObject(l, "in-use", (double)use) == NULL)
			return -1;
	}
	return 0;
}

static int
tenant_show(struct cli *cl, const char *name, int json)
{
	struct store_txn	*tx;
	struct tenant		 t;
	struct tenant_counts	 tc;
	struct breaker_status	 bs;
	cJSON			*o;
	char			*out, line[256];
	char			 num[7][32];
	const char		*patch, *unknown, *source, *unk;
	long long		 max, actdays, actmax;
	long long		 bulkops, bulkpayload;
	cJSON			*cycles, *last;
	enum scim_err		 e;

	if ((e = store_begin(cl->cl_store, 0, &tx)) != SCIM_OK)
		return cli_storefail("tenant show", e);
	if ((e = store_tenant_get(tx, name, &t)) == SCIM_OK &&
	    (e = tenant_count(tx, &t, &tc)) == SCIM_OK)
		e = breaker_status(tx, &t, &bs);
	store_abort(&tx);
	if (e == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: no tenant %s\n", name);
		return CLI_FAIL;
	}
	if (e != SCIM_OK)
		return cli_storefail("tenant show", e);
	/*
	 * The last sync cycle, from the activity log (src/cycle.h): from
	 * the last day's records, or all when that has none.
	 */
	if ((e = cycle_list(cl->cl_store, &t, NULL, (uint64_t)((util_time_secs()
	    - 86400) * 1e6), &cycles)) == SCIM_OK &&
	    cJSON_GetArraySize(cycles) == 0) {
		cJSON_Delete(cycles);
		e = cycle_list(cl->cl_store, &t, NULL, 0, &cycles);
	}
	if (e != SCIM_OK)
		return cli_storefail("tenant show", e);
	last = cJSON_GetArrayItem(cycles, cJSON_GetArraySize(cycles) - 1);
	if (last != NULL) {
		cJSON_DeleteItemFromObject(last, "start_us");
		cJSON_DeleteItemFromObject(last, "end_us");
	}
	actdays = t.tn_actdays > 0 ? t.tn_actdays : ACT_DAYS_DEFAULT;
	actmax = t.tn_actmax > 0 ? t.tn_actmax : ACT_MAX_DEFAULT;
	bulkops = t.tn_bulkops > 0 ? t.tn_bulkops : SCIM_BULK_OPS_DEFAULT;
	bulkpayload = t.tn_bulkpayload > 0 ? t.tn_bulkpayload :
	    SCIM_BULK_PAYLOAD_DEFAULT;
	patch = (t.tn_flags & TENANT_PATCH_204) ? "no-content" : "resource";
	unknown = (t.tn_flags & TENANT_SKIP_UNKNOWN) ? "skip" : "reject";
	max = t.tn_maxresults != 0 ? t.tn_maxresults : SCIM_MAX_COUNT;
	source = t.tn_rolesource[0] != '\0' ? t.tn_rolesource : "roles";
	unk = t.tn_rolereject ? "reject" : "default";
	if (json) {
		if ((o = cJSON_CreateObject()) == NULL ||
		    cJSON_AddStringToObject(o, "name", t.tn_name) == NULL ||
		    cJSON_AddStringToObject(o, "created", tc.created) == NULL ||
		    cJSON_AddStringToObject(o, "mode", t.tn_preview != 0 ?
		    "preview" : "live") == NULL ||
		    cJSON_AddStringToObject(o, "patch-response", patch) ==
		    NULL ||
		    cJSON_AddStringToObject(o, "unknown-members", unknown) ==
		    NULL ||
		    cJSON_AddNumberToObject(o, "max-results", (double)max) ==
		    NULL ||
		    cJSON_AddStringToObject(o, "role-source", source) == NULL ||
		    (t.tn_roledefault[0] != '\0' ?
		    cJSON_AddStringToObject(o, "role-default",
		    t.tn_roledefault) : cJSON_AddNullToObject(o,
		    "role-default")) == NULL ||
		    cJSON_AddStringToObject(o, "role-unknown", unk) == NULL ||
		    cJSON_AddNumberToObject(o, "attributes",
		    (double)tc.attributes) == NULL ||
		    cJSON_AddNumberToObject(o, "users", (double)tc.users) ==
		    NULL ||
		    cJSON_AddNumberToObject(o, "groups", (double)tc.groups) ==
		    NULL ||
		    cJSON_AddNumberToObject(o, "tokens-active",
		    (double)tc.active) == NULL ||
		    cJSON_AddNumberToObject(o, "tokens-revoked",
		    (double)tc.revoked) == NULL ||
		    cJSON_AddNumberToObject(o, "audit-entries",
		    (double)tc.audit) == NULL ||
		    cJSON_AddStringToObject(o, "activity",
		    (t.tn_flags & TENANT_ACTIVITY_OFF) ? "off" : "on") ==
		    NULL ||
		    cJSON_AddNumberToObject(o, "activity-days",
		    (double)actdays) == NULL ||
		    cJSON_AddNumberToObject(o, "activity-max",
		    (double)actmax) == NULL ||
		    cJSON_AddNumberToObject(o, "cycle-gap",
		    (double)cycle_gap(&t)) == NULL ||
		    !cJSON_AddItemToObject(o, "breaker",
		    cli_breaker_json(&bs)) ||
		    plan_show(cl->cl_store, &t, tc.users, tc.groups, o) == -1 ||
		    cJSON_AddNumberToObject(o, "bulk-max-operations",
		    (double)bulkops) == NULL ||
		    cJSON_AddNumberToObject(o, "bulk-max-payload",
		    (double)bulkpayload) == NULL ||
		    (last != NULL ? (cJSON_AddItemToObject(o, "last-cycle",
		    cJSON_Duplicate(last, 1)) ? o : NULL) :
		    cJSON_AddNullToObject(o, "last-cycle")) == NULL ||
		    (out = cJSON_PrintUnformatted(o)) == NULL) {
			cJSON_Delete(o);
			cJSON_Delete(cycles);
			return cli_storefail("tenant show", SCIM_ENOMEM);
		}
		cJSON_Delete(cycles);
		cJSON_Delete(o);
		cli_json(stdout, out, strlen(out));
		fputc('\n', stdout);
		free(out);
		return CLI_OK;
	}
	snprintf(num[0], sizeof(num[0]), "%lld", max);
	snprintf(num[1], sizeof(num[1]), "%" PRIu64, tc.attributes);
	snprintf(num[2], sizeof(num[2]), "%" PRIu64, tc.users);
	snprintf(num[3], sizeof(num[3]), "%" PRIu64, tc.groups);
	snprintf(num[4], sizeof(num[4]), "%" PRIu64, tc.active);
	snprintf(num[5], sizeof(num[5]), "%" PRIu64, tc.revoked);
	snprintf(num[6], sizeof(num[6]), "%" PRIu64, tc.audit);
	cli_row(stdout, 2, "name", t.tn_name);
	cli_row(stdout, 2, "created", tc.created);
	cli_row(stdout, 2, "mode", t.tn_preview != 0 ? "preview" : "live");
	cli_row(stdout, 2, "patch-response", patch);
	cli_row(stdout, 2, "unknown-members", unknown);
	cli_row(stdout, 2, "max-results", num[0]);
	cli_row(stdout, 2, "role-source", source);
	cli_row(stdout, 2, "role-default", t.tn_roledefault[0] != '\0' ?
	    t.tn_roledefault : "-");
	cli_row(stdout, 2, "role-unknown", unk);
	cli_row(stdout, 2, "attributes", num[1]);
	cli_row(stdout, 2, "users", num[2]);
	cli_row(stdout, 2, "groups", num[3]);
	cli_row(stdout, 2, "tokens-active", num[4]);
	cli_row(stdout, 2, "tokens-revoked", num[5]);
	cli_row(stdout, 2, "audit-entries", num[6]);
	cli_row(stdout, 2, "activity", (t.tn_flags & TENANT_ACTIVITY_OFF) ?
	    "off" : "on");
	snprintf(num[0], sizeof(num[0]), "%lld", actdays);
	cli_row(stdout, 2, "activity-days", num[0]);
	snprintf(num[0], sizeof(num[0]), "%lld", actmax);
	cli_row(stdout, 2, "activity-max", num[0]);
	snprintf(num[0], sizeof(num[0]), "%llds", cycle_gap(&t));
	cli_row(stdout, 2, "cycle-gap", num[0]);
	cli_breaker_line(&bs, line, sizeof(line));
	cli_row(stdout, 2, "breaker", line);
	plan_show(cl->cl_store, &t, tc.users, tc.groups, NULL);
	snprintf(num[0], sizeof(num[0]), "%lld", bulkops);
	cli_row(stdout, 2, "bulk-max-operations", num[0]);
	snprintf(num[0], sizeof(num[0]), "%lld", bulkpayload);
	cli_row(stdout, 2, "bulk-max-payload", num[0]);
	if (last == NULL)
		cli_row(stdout, 2, "last-cycle", "-");
	else {
		/* id start end requests failures outstanding [running] */
		printf("last-cycle\t%s %s %s requests=%.0f failures=%.0f "
		    "outstanding=%.0f%s\n",
		    cJSON_GetStringValue(cJSON_GetObjectItem(last, "id")),
		    cJSON_GetStringValue(cJSON_GetObjectItem(last, "start")),
		    cJSON_GetStringValue(cJSON_GetObjectItem(last, "end")),
		    cJSON_GetNumberValue(cJSON_GetObjectItem(last,
		    "requests")), cJSON_GetNumberValue(cJSON_GetObjectItem(
		    last, "failures")), cJSON_GetNumberValue(
		    cJSON_GetObjectItem(last, "outstanding")),
		    cJSON_IsTrue(cJSON_GetObjectItem(last, "running")) ?
		    " running" : "");
	}
	cJSON_Delete(cycles);
	return CLI_OK;
}

/*
 * `tenant remove TENANT --yes`: every key of the tenant, in one write
 * transaction.  Its audit log goes too, so the removal is told on stderr
 * and recorded nowhere in the database.  Without --yes: what would go,
 * and CLI_USAGE.
 */
static int
tenant_remove(struct cli *cl, const char *name, int yes)
{
	struct store_txn	*tx;
	struct tenant		 t;
	struct tenant_counts	 tc;
	uint64_t		 nkeys = 0;
	enum scim_err		 e;

	if ((e = store_begin(cl->cl_store, yes, &tx)) != SCIM_OK)
		return cli_storefail("tenant remove", e);
	if ((e = store_tenant_get(tx, name, &t)) == SCIM_OK)
		e = tenant_count(tx, &t, &tc);
	if (e == SCIM_OK && yes)
		e = store_tenant_remove(tx, name, &nkeys);
	if (e != SCIM_OK || !yes)
		store_abort(&tx);
	if (e == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: no tenant %s\n", name);
		return CLI_FAIL;
	}
	if (e != SCIM_OK)
		return cli_storefail("tenant remove", e);
	if (yes && (e = store_commit(&tx)) != SCIM_OK)
		return cli_storefail("tenant remove", e);
	/* Its records of requests that changed nothing (store_act.c). */
	if (yes && (e = store_act_log_clear(cl->cl_store, t.tn_id, &nkeys)) !=
	    SCIM_OK)
		return cli_storefail("tenant remove (activity.mdb)", e);
	fprintf(stderr, "scimlet: %s tenant %s: %" PRIu64 " users, %" PRIu64
	    " groups, %" PRIu64 " tokens (%" PRIu64 " revoked), %" PRIu64
	    " role mappings, %" PRIu64 " declared attributes, %" PRIu64
	    " audit entries", yes ? "removed" : "would remove", name,
	    tc.users, tc.groups, tc.active + tc.revoked, tc.revoked, tc.roles,
	    tc.attributes, tc.audit);
	if (!yes) {
		fputs("; run again with --yes to remove it\n", stderr);
		return CLI_USAGE;
	}
	fprintf(stderr, " (%" PRIu64 " keys; by %s)\n", nkeys, cl->cl_user);
	return CLI_OK;
}

/* TENANT and the one flag of `tenant show|remove`, in either order. */
static int
tenant_args(int argc, char **argv, const char *flag, const char **name,
    int *set)
{
	int	i;

	*name = NULL;
	*set = 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], flag) == 0 && !*set)
			*set = 1;
		else if (argv[i][0] != '-' && *name == NULL)
			*name = argv[i];
		else
			return cli_bad("tenant", "unexpected argument '%s'",
			    argv[i]);
	}
	if (*name == NULL)
		return cli_bad("tenant", "%s: missing argument", argv[0]);
	return CLI_OK;
}

int
cli_tenant(struct cli *cl, int argc, char **argv)
{
	struct store		*st = cl->cl_store;
	struct store_txn	*tx;
	struct tenant		 t;
	char			 now[TIME_STRLEN + 1];
	enum scim_err		 e;

	if (strcmp(argv[0], "list") == 0) {
		int	json = argc == 2 && strcmp(argv[1], "--json") == 0;

		if (cli_nargs("tenant", argc, argv, json ? 2 : 1) != CLI_OK)
			return CLI_USAGE;
		if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
			return cli_storefail("tenant list", e);
		e = store_tenant_each(tx, print_tenant, json ? &json : NULL);
		store_abort(&tx);
		return e == SCIM_OK ? CLI_OK : cli_storefail("tenant list", e);
	}
	if (strcmp(argv[0], "show") == 0 || strcmp(argv[0], "remove") == 0) {
		const char	*name;
		int		 show = argv[0][1] == 'h', flag;

		if (tenant_args(argc, argv, show ? "--json" : "--yes", &name,
		    &flag) != CLI_OK)
			return CLI_USAGE;
		return show ? tenant_show(cl, name, flag) :
		    tenant_remove(cl, name, flag);
	}
	/* Preview (src/cli/preview.c). */
	if (strcmp(argv[0], "set") == 0 && argc >= 3 &&
	    strncmp(argv[2], "mode=", 5) == 0)
		return cli_tenant_mode(cl, argc, argv);
	if (strcmp(argv[0], "set") == 0)
		return cli_nargs("tenant", argc, argv, 3) != CLI_OK ?
		    CLI_USAGE : tenant_set(cl, argv[1], argv[2]);
	if (cli_nargs("tenant", argc, argv, 2) != CLI_OK)
		return CLI_USAGE;
	if (!name_ok(argv[1])) {
		fprintf(stderr, "scimlet: tenant name must be 1 to %d of "
		    "a-z, 0-9 and -\n", SCIM_TENANT_MAX);
		return CLI_FAIL;
	}
	util_time_now(now);
	if ((e = store_begin(st, 1, &tx)) != SCIM_OK)
		return cli_storefail("tenant add", e);
	if ((e = store_tenant_add(tx, argv[1], now, &t)) == SCIM_OK)
		e = cli_audit_op(cl, tx, argv[1], "operator.tenant.added",
		    "Tenant", argv[1], NULL);
	if (e != SCIM_OK) {
		store_abort(&tx);
		if (e == SCIM_EUNIQUE) {
			fprintf(stderr, "scimlet: tenant %s already exists\n",
			    argv[1]);
			return CLI_FAIL;
		}
		return cli_storefail("tenant add", e);
	}
	if ((e = store_commit(&tx)) != SCIM_OK)
		return cli_storefail("tenant add", e);
	return CLI_OK;
}
