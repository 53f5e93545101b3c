/*
 * activity.c: `scimlet activity`, `scimlet cycles` and `scimlet cycle`:
 * the activity log (src/activity.h) and the sync cycles read from it
 * (src/cycle.h).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "activity.h"
#include "activity_query.h"
#include "cli/cli.h"
#include "cycle.h"
#include "scim.h"
#include "store.h"
#include "util.h"

#define FOLLOW_WINDOW	10	/* seconds: a request slower is missed */

struct seen {
	uint64_t	 us;
	uint8_t		 rid[8];
};

static int
seen_cmp(const void *a, const void *b)
{
	const struct seen	*x = a, *y = b;

	if (x->us != y->us)
		return x->us < y->us ? -1 : 1;
	return memcmp(x->rid, y->rid, sizeof(x->rid));
}

struct afilter;
static int	 seen_add(struct afilter *, const struct seen *);

/* What `activity` shows: its filters, and where it stands. */
struct afilter {
	const char	*tenant;	/* the name shown; NULL: no tenant */
	struct act_query q;		/* the filters (activity_query.h) */
	long long	 limit;		/* 0: all */
	int		 json;
	/* The newest `limit` records matched, oldest first (a ring). */
	cJSON		**ring;
	long long	 nring, head;
	/*
	 * --follow: the newest time seen, and the records of the last
	 * FOLLOW_WINDOW seconds already shown (sorted, for a lookup).  A
	 * record is keyed by its request's start but written at its end,
	 * so with several workers one may appear behind a newer one.
	 */
	uint64_t	 last_us;
	int		 following;
	struct seen	*prev, *cur;
	size_t		 nprev, ncur, capcur;
	enum scim_err	 err;
};

static int
seen_add(struct afilter *f, const struct seen *k)
{
	struct seen	*ns;

	if (f->ncur == f->capcur) {
		f->capcur = f->capcur ? f->capcur * 2 : 256;
		if ((ns = realloc(f->cur, f->capcur * sizeof(*ns))) == NULL) {
			f->err = SCIM_ENOMEM;
			return -1;
		}
		f->cur = ns;
	}
	f->cur[f->ncur++] = *k;
	return 0;
}

/*
 * After a look: what it saw, and what the last one saw from `from` on,
 * become the records already shown.
 */
static void
seen_roll(struct afilter *f, uint64_t from)
{
	size_t	i;

	for (i = 0; i < f->nprev && f->err == SCIM_OK; i++)
		if (f->prev[i].us >= from)
			seen_add(f, &f->prev[i]);
	if (f->ncur > 0)
		qsort(f->cur, f->ncur, sizeof(*f->cur), seen_cmp);
	free(f->prev);
	f->prev = f->cur;
	f->nprev = f->ncur;
	f->cur = NULL;
	f->ncur = f->capcur = 0;
}

static void
print_record(const struct afilter *f, cJSON *rec)
{
	char		*out, dur[32], st[16];
	const char	*what, *subject, *detail, *q;
	char		 path[1100];

	if (f->json) {
		if ((out = cJSON_PrintUnformatted(rec)) != NULL) {
			cli_json(stdout, out, strlen(out));
			putchar('\n');
			free(out);
		}
		return;
	}
	q = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "query"));
	snprintf(path, sizeof(path), "%s%s%s",
	    cJSON_GetStringValue(cJSON_GetObjectItem(rec, "path")) ?
	    cJSON_GetStringValue(cJSON_GetObjectItem(rec, "path")) : "-",
	    q != NULL ? "?" : "", q != NULL ? q : "");
	snprintf(st, sizeof(st), "%.0f", cJSON_GetNumberValue(
	    cJSON_GetObjectItem(rec, "status")));
	snprintf(dur, sizeof(dur), "%.1fms", cJSON_GetNumberValue(
	    cJSON_GetObjectItem(rec, "duration_us")) / 1000.0);
	subject = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "name"));
	if (subject == NULL)
		subject = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "id"));
	detail = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "detail"));
	what = detail != NULL ? detail :
	    cJSON_GetStringValue(cJSON_GetObjectItem(rec, "summary"));
	cli_row(stdout, 9,
	    cJSON_GetStringValue(cJSON_GetObjectItem(rec, "time")), st,
	    cJSON_GetStringValue(cJSON_GetObjectItem(rec, "method")), path,
	    subject != NULL ? subject : "-",
	    what != NULL && *what != '\0' ? what : "-",
	    cJSON_GetStringValue(cJSON_GetObjectItem(rec, "request")),
	    cJSON_GetStringValue(cJSON_GetObjectItem(rec, "label")) ?
	    cJSON_GetStringValue(cJSON_GetObjectItem(rec, "label")) :
	    cJSON_GetStringValue(cJSON_GetObjectItem(rec, "token")) ?
	    cJSON_GetStringValue(cJSON_GetObjectItem(rec, "token")) : "-",
	    dur);
}

static int
each_record(uint64_t us, const uint8_t rid[8], const char *json, size_t len,
    void *arg)
{
	struct afilter	*f = arg;
	cJSON		*rec;

	if (us > f->last_us)
		f->last_us = us;
	if (f->following) {
		struct seen	k;

		k.us = us;
		memcpy(k.rid, rid, sizeof(k.rid));
		if (f->nprev > 0 && bsearch(&k, f->prev, f->nprev,
		    sizeof(k), seen_cmp) != NULL)
			return 0;	/* shown by an earlier look */
		if (seen_add(f, &k) == -1)
			return 1;
	}
	if ((rec = activity_parse(json, len, us, f->tenant)) == NULL)
		return 0;	/* damaged: activity.mdb after a power cut */
	if (!act_query_match(&f->q, rec)) {
		cJSON_Delete(rec);
		return 0;
	}
	if (f->ring == NULL) {
		print_record(f, rec);
		cJSON_Delete(rec);
		return 0;
	}
	/* --limit N: keep the newest N. */
	if (f->nring == f->limit) {
		cJSON_Delete(f->ring[f->head]);
		f->ring[f->head] = rec;
		f->head = (f->head + 1) % f->limit;
	} else
		f->ring[f->nring++] = rec;
	return 0;
}

/* The ids a --user or --group name has now (by the index). */
static void
resolve(struct store *st, uint32_t tenant, struct afilter *f)
{
	struct store_txn	*tx;

	if (f->q.aq_type == 0 || store_begin(st, 0, &tx) != SCIM_OK)
		return;
	act_query_resolve(tx, tenant, &f->q);
	store_abort(&tx);
}

static volatile sig_atomic_t follow_stop;

static void
on_int(int sig)
{
	(void)sig;
	follow_stop = 1;
}

static uint64_t
now_us(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

/*
 * `activity TENANT|--unauthenticated [--since TIME|--last DURATION]
 * [--status 4xx|5xx|CODE] [--user ID|USERNAME] [--group ID|NAME]
 * [--request ID] [--limit N] [--json] [--follow]`
 */
int
cli_activity(struct cli *cl, int argc, char **argv)
{
	struct afilter	 f;
	struct tenant	 t;
	struct sigaction sa;
	const char	*name = NULL, *opt;
	double		 secs;
	long long	 n;
	int		 i, follow = 0, rc;
	enum scim_err	 e;

	memset(&f, 0, sizeof(f));
	if (argc < 1)
		return cli_bad("activity", "missing TENANT");
	if (strcmp(argv[0], "--unauthenticated") != 0) {
		if (argv[0][0] == '-')
			return cli_bad("activity", "missing TENANT before "
			    "'%s'", argv[0]);
		name = argv[0];
	}
	for (i = 1; i < argc; i++) {
		opt = argv[i];
		if (strcmp(opt, "--json") == 0) {
			f.json = 1;
			continue;
		}
		if (strcmp(opt, "--follow") == 0) {
			follow = 1;
			continue;
		}
		if (strcmp(opt, "--since") != 0 && strcmp(opt, "--last") != 0 &&
		    strcmp(opt, "--status") != 0 && strcmp(opt, "--user") != 0 &&
		    strcmp(opt, "--group") != 0 &&
		    strcmp(opt, "--request") != 0 && strcmp(opt, "--limit") != 0)
			return cli_bad("activity", "unknown option '%s'", opt);
		if (i + 1 >= argc)
			return cli_bad("activity", "%s: missing value", opt);
		if (strcmp(opt, "--since") == 0) {
			if (util_time_parse(argv[++i], &secs) == -1 ||
			    secs < 0)
				return cli_bad("activity", "--since: '%s' is "
				    "not an RFC 3339 time", argv[i]);
			f.q.aq_from = (uint64_t)(secs * 1000000);
		} else if (strcmp(opt, "--last") == 0) {
			if (util_duration_parse(argv[++i], &n) == -1)
				return cli_bad("activity", "--last: '%s' is "
				    "not a duration (30m, 12h, 7d)", argv[i]);
			f.q.aq_from = now_us() - (uint64_t)n * 1000000;
		} else if (strcmp(opt, "--status") == 0) {
			opt = argv[++i];
			if (act_query_status(opt, &f.q.aq_status) == -1)
				return cli_bad("activity", "--status: '%s' is "
				    "not 4xx, 5xx or a status code", opt);
		} else if (strcmp(opt, "--user") == 0 ||
		    strcmp(opt, "--group") == 0) {
			if (f.q.aq_type != 0)
				return cli_bad("activity", "give one of "
				    "--user and --group");
			f.q.aq_type = opt[2] == 'u' ? 'U' : 'G';
			f.q.aq_who = argv[++i];
		} else if (strcmp(opt, "--request") == 0)
			f.q.aq_request = argv[++i];
		else if (strcmp(opt, "--limit") == 0) {
			if (util_strtonum(argv[++i], 1, 10000000, &n) == -1)
				return cli_bad("activity", "--limit: '%s' is "
				    "not a number from 1", argv[i]);
			f.limit = n;
		} else
			return cli_bad("activity", "unknown option '%s'", opt);
	}
	if ((rc = cli_tenant_of(cl, name, &t, "activity")) != CLI_OK)
		return rc;
	f.tenant = name;
	f.following = follow;
	resolve(cl->cl_store, t.tn_id, &f);
	if (f.limit > 0 && (f.ring = calloc((size_t)f.limit,
	    sizeof(*f.ring))) == NULL)
		return cli_storefail("activity", SCIM_ENOMEM);
	e = store_act_each(cl->cl_store, t.tn_id, f.q.aq_from, NULL, each_record,
	    &f);
	for (n = 0; n < f.nring; n++) {
		print_record(&f, f.ring[(f.head + n) % f.nring]);
		cJSON_Delete(f.ring[(f.head + n) % f.nring]);
	}
	free(f.ring);
	f.ring = NULL;
	fflush(stdout);
	if (e != SCIM_OK)
		return cli_storefail("activity", e);
	if (!follow)
		return CLI_OK;
	/* --follow: what came since, every half second, until interrupted. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_int;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	seen_roll(&f, 0);
	while (!follow_stop && e == SCIM_OK && f.err == SCIM_OK) {
		uint64_t from;

		usleep(500000);
		/* Again from a window back: what appeared late in it too. */
		from = f.last_us > FOLLOW_WINDOW * 1000000ULL ?
		    f.last_us - FOLLOW_WINDOW * 1000000ULL : 0;
		if (from < f.q.aq_from)
			from = f.q.aq_from;
		e = store_act_each(cl->cl_store, t.tn_id, from, NULL,
		    each_record, &f);
		seen_roll(&f, from);
		fflush(stdout);
	}
	if (e == SCIM_OK)
		e = f.err;
	free(f.prev);
	free(f.cur);
	return e == SCIM_OK ? CLI_OK : cli_storefail("activity", e);
}

/* A field as text: a string, a number, yes/no, or "-". */
static const char *
field(const cJSON *o, const char *k, char *num, size_t len)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v)) {
		snprintf(num, len, "%.0f", v->valuedouble);
		return num;
	}
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "yes" : "no";
	return "-";
}
#define FIELD(o, k)	field((o), (k), nb, sizeof(nb))

static void
print_json(const cJSON *o)
{
	char	*out;

	if ((out = cJSON_PrintUnformatted(o)) != NULL) {
		cli_json(stdout, out, strlen(out));
		putchar('\n');
		free(out);
	}
}

/* Drop what the listing does not document. */
static void
tidy(cJSON *cy)
{
	cJSON_DeleteItemFromObject(cy, "start_us");
	cJSON_DeleteItemFromObject(cy, "end_us");
}

static int
cycles_args(int argc, char **argv, const char *cmd, int nwords,
    long long *limit, int *json)
{
	int		i;
	long long	n;

	if (cli_nargs(cmd, nwords < argc ? nwords : argc, argv, nwords) !=
	    CLI_OK)
		return CLI_USAGE;
	for (i = nwords; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			*json = 1;
		else if (limit != NULL && strcmp(argv[i], "--limit") == 0) {
			if (i + 1 >= argc)
				return cli_bad(cmd, "--limit: missing value");
			if (util_strtonum(argv[++i], 1, 1000000, &n) == -1)
				return cli_bad(cmd, "--limit: '%s' is not a "
				    "number from 1", argv[i]);
			*limit = n;
		} else
			return cli_bad(cmd, "unknown option '%s'", argv[i]);
	}
	return CLI_OK;
}

/* `cycles TENANT [--limit N] [--json]`: oldest first, the newest N. */
int
cli_cycles(struct cli *cl, int argc, char **argv)
{
	struct tenant	 t;
	cJSON		*list, *cy;
	long long	 limit = 0, skip, k = 0;
	char		 nb[32];
	int		 json = 0, rc;
	enum scim_err	 e;

	if (argc >= 1 && argv[0][0] == '-')
		return cli_bad("cycles", "missing TENANT");
	if ((rc = cycles_args(argc, argv, "cycles", 1, &limit, &json)) !=
	    CLI_OK)
		return rc;
	if ((rc = cli_tenant_of(cl, argv[0], &t, "activity")) != CLI_OK)
		return rc;
	if ((e = cycle_list(cl->cl_store, &t, NULL, 0, &list)) != SCIM_OK)
		return cli_storefail("cycles", e);
	skip = limit > 0 && cJSON_GetArraySize(list) > limit ?
	    cJSON_GetArraySize(list) - limit : 0;
	cJSON_ArrayForEach(cy, list) {
		if (k++ < skip)
			continue;
		tidy(cy);
		if (json) {
			print_json(cy);
			continue;
		}
		printf("%s\t%s\t%s\t", FIELD(cy, "id"), FIELD(cy, "start"),
		    FIELD(cy, "end"));
		cli_field(stdout, cJSON_GetObjectItem(cy, "label") != NULL ?
		    FIELD(cy, "label") : FIELD(cy, "token"));
		printf("\trequests=%s", FIELD(cy, "requests"));
		printf(" creates=%s", FIELD(cy, "creates"));
		printf(" updates=%s", FIELD(cy, "updates"));
		printf(" deactivations=%s", FIELD(cy, "deactivations"));
		printf(" deletes=%s", FIELD(cy, "deletes"));
		printf(" failures=%s", FIELD(cy, "failures"));
		printf(" outstanding=%s", FIELD(cy, "outstanding"));
		/* Requests the breaker refused (src/breaker.h). */
		if (cJSON_GetNumberValue(cJSON_GetObjectItem(cy, "held")) > 0)
			printf(" held=%s", FIELD(cy, "held"));
		printf("%s\n", cJSON_IsTrue(cJSON_GetObjectItem(cy,
		    "running")) ? "\trunning" : "");
	}
	cJSON_Delete(list);
	return CLI_OK;
}

/* `cycle TENANT ID|last [--json]`: one cycle, failures first. */
int
cli_cycle(struct cli *cl, int argc, char **argv)
{
	static const char *const counts[] = { "requests", "reads", "creates",
	    "updates", "deactivations", "reactivations", "deletes",
	    "restores", "members_added", "members_removed", "role_changes",
	    "failures", "outstanding", "held", "users", "groups" };
	struct tenant	 t;
	cJSON		*list, *cy = NULL, *v, *f;
	char		 nb[32];
	int		 json = 0, rc;
	size_t		 i;
	enum scim_err	 e;

	if (argc >= 1 && argv[0][0] == '-')
		return cli_bad("cycle", "missing TENANT");
	if (argc >= 2 && argv[1][0] == '-')
		return cli_bad("cycle", "missing ID or last");
	if ((rc = cycles_args(argc, argv, "cycle", 2, NULL, &json)) !=
	    CLI_OK)
		return rc;
	if ((rc = cli_tenant_of(cl, argv[0], &t, "activity")) != CLI_OK)
		return rc;
	e = cycle_list(cl->cl_store, &t, argv[1], 0, &list);
	if (e == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: tenant %s has no cycle %s\n",
		    argv[0], argv[1]);
		return CLI_FAIL;
	}
	if (e != SCIM_OK)
		return cli_storefail("cycle", e);
	cJSON_ArrayForEach(v, list)
		if (cJSON_GetObjectItem(v, "failed") != NULL)
			cy = v;
	if (cy == NULL) {
		cJSON_Delete(list);
		fprintf(stderr, "scimlet: tenant %s has no cycle %s\n",
		    argv[0], argv[1]);
		return CLI_FAIL;
	}
	tidy(cy);
	if (json) {
		print_json(cy);
		cJSON_Delete(list);
		return CLI_OK;
	}
	/* Failures first: what the operator came for. */
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(cy, "failed")) {
		printf("failure\t%s\t%s\t%s\t", FIELD(f, "state"),
		    FIELD(f, "request"), FIELD(f, "status"));
		cli_field(stdout, FIELD(f, "method"));
		putchar('\t');
		cli_field(stdout, FIELD(f, "path"));
		putchar('\t');
		cli_field(stdout, cJSON_GetObjectItem(f, "name") != NULL ?
		    FIELD(f, "name") : FIELD(f, "id"));
		putchar('\t');
		cli_field(stdout, FIELD(f, "detail"));
		if (cJSON_GetObjectItem(f, "recovered_by") != NULL)
			printf("\trecovered by %s in cycle %s",
			    FIELD(f, "recovered_by"), FIELD(f, "recovered_in"));
		putchar('\n');
	}
	printf("id\t%s\n", FIELD(cy, "id"));
	cli_row(stdout, 2, "token", FIELD(cy, "token"));
	if (cJSON_GetObjectItem(cy, "label") != NULL)
		cli_row(stdout, 2, "label", FIELD(cy, "label"));
	printf("start\t%s\nend\t%s\nrunning\t%s\n", FIELD(cy, "start"),
	    FIELD(cy, "end"), FIELD(cy, "running"));
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		printf("%s\t%s\n", counts[i], FIELD(cy, counts[i]));
	cJSON_ArrayForEach(v, cJSON_GetObjectItem(cy, "reasons"))
		printf("reason\t%s\t%.0f\n", v->string, v->valuedouble);
	cJSON_ArrayForEach(v, cJSON_GetObjectItem(cy, "touched")) {
		printf("touched\t%s\t%s\t", FIELD(v, "resourceType"),
		    FIELD(v, "id"));
		cli_field(stdout, FIELD(v, "name"));
		putchar('\n');
	}
	cJSON_Delete(list);
	return CLI_OK;
}
