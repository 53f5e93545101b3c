/*
 * audit.c: `scimlet audit list|export|verify|prune` and `scimlet
 * changes`; the --since both take (and `restore`, cli/restore.c).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "cli/cli.h"
#include "ctx.h"
#include "deprov.h"
#include "scim.h"
#include "store.h"
#include "util.h"

struct walk {
	struct audit_filter	 f;
	long long	 skip;		/* matches not printed (--limit) */
	long long	 n;		/* matches so far */
	int		 json;		/* export */
	int		 listjson;	/* list --json */
	int		 count;		/* count the matches, print none */
	enum scim_err	 err;
};

/* A string member of an entry, or NULL. */
static const char *
str(const cJSON *e, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(e, name));
}

static int
print_entry(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct walk	*w = arg;
	cJSON		*e;
	const char	*a, *id;

	if ((e = cJSON_ParseWithLength(json, len)) == NULL) {
		fprintf(stderr, "scimlet: audit entry %llu is not JSON\n",
		    (unsigned long long)seq);
		w->err = SCIM_ESTORE;
		return 1;
	}
	a = cJSON_GetStringValue(cJSON_GetObjectItem(e, "action"));
	id = cJSON_GetStringValue(cJSON_GetObjectItem(e, "id"));
	if (audit_filter_ok(&w->f, seq, e) && w->n++ >= w->skip &&
	    !w->count) {
		if (w->json)	/* as stored: the hash covers these bytes */
			printf("%.*s\n", (int)len, json);
		else if (w->listjson) {
			/* The same JSON, nothing a terminal acts on. */
			cli_json(stdout, json, len);
			putchar('\n');
		} else {
			printf("%llu\t", (unsigned long long)seq);
			cli_row(stdout, 5, str(e, "time"), a, str(e, "type"),
			    id, str(e, "name"));
		}
	}
	cJSON_Delete(e);
	return 0;
}

int
cli_audit(struct cli *cl, int argc, char **argv)
{
	struct store		*st = cl->cl_store;
	struct store_txn	*tx;
	struct tenant		 t;
	struct walk		 w;
	char			 why[256];
	uint64_t		 bad;
	long long		 n, limit = 0;
	double			 before = 0;
	int			 i;
	enum scim_err		 e = SCIM_OK;

	if (argc < 2)
		return cli_bad("audit", "%s: missing TENANT", argv[0]);
	/* The arguments, before anything is read. */
	memset(&w, 0, sizeof(w));
	w.json = strcmp(argv[0], "export") == 0;
	if (strcmp(argv[0], "prune") == 0) {
		if (argc >= 3 && strcmp(argv[2], "--before") != 0)
			return cli_bad("audit", "unexpected argument '%s'",
			    argv[2]);
		if (argc < 4)
			return cli_bad("audit", "prune: missing --before TIME");
		if (cli_nargs("audit", argc, argv, 4) != CLI_OK)
			return CLI_USAGE;
		if (util_time_parse(argv[3], &before) == -1)
			return cli_bad("audit", "--before: '%s' is not a time "
			    "(RFC 3339)", argv[3]);
	}
	if (strcmp(argv[0], "verify") == 0 &&
	    cli_nargs("audit", argc, argv, 2) != CLI_OK)
		return CLI_USAGE;
	for (i = 2; (strcmp(argv[0], "list") == 0 ||
	    w.json) && i < argc; i++) {
		if ((strcmp(argv[i], "--since") == 0 ||
		    (!w.json && (strcmp(argv[i], "--action") == 0 ||
		    strcmp(argv[i], "--id") == 0 ||
		    strcmp(argv[i], "--limit") == 0))) && i + 1 >= argc)
			return cli_bad("audit", "%s: missing value", argv[i]);
		if (strcmp(argv[i], "--since") == 0) {
			if (audit_since_parse(argv[++i], &w.f.af_since) == -1)
				return cli_bad("audit", "--since: '%s' is "
				    "neither a time (RFC 3339) nor a sequence "
				    "number", argv[i]);
		} else if (strcmp(argv[i], "--action") == 0 && !w.json) {
			w.f.af_action = argv[++i];
			if (!audit_action_known(w.f.af_action))
				return cli_bad("audit", "--action: unknown "
				    "action '%s'", w.f.af_action);
		} else if (strcmp(argv[i], "--id") == 0 && !w.json)
			w.f.af_id = argv[++i];
		else if (strcmp(argv[i], "--json") == 0 && !w.json)
			w.listjson = 1;
		else if (strcmp(argv[i], "--limit") == 0 && !w.json) {
			if (util_strtonum(argv[++i], 1, 1000000000, &n) == -1)
				return cli_bad("audit", "--limit: '%s' is not "
				    "a number from 1 to 1000000000", argv[i]);
			limit = n;
		} else
			return cli_bad("audit", "unknown option '%s'",
			    argv[i]);
	}
	if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
		return cli_storefail("audit", e);
	e = store_tenant_get(tx, argv[1], &t);
	if (e != SCIM_OK) {
		store_abort(&tx);
		if (e != SCIM_ENOTFOUND)
			return cli_storefail("audit", e);
		fprintf(stderr, "scimlet: no tenant %s\n", argv[1]);
		return CLI_FAIL;
	}
	if (strcmp(argv[0], "prune") == 0) {
		uint64_t	pruned;

		store_abort(&tx);
		if ((e = store_begin(st, 1, &tx)) != SCIM_OK)
			return cli_storefail("audit prune", e);
		/*
		 * Pruning a broken chain would erase the evidence and leave
		 * an anchor that makes the rest verify: refuse.
		 */
		if ((e = audit_verify(tx, &t, &bad, why, sizeof(why))) !=
		    SCIM_OK || bad != 0) {
			store_abort(&tx);
			if (e != SCIM_OK)
				return cli_storefail("audit prune", e);
			fprintf(stderr, "scimlet: audit prune: the chain is "
			    "broken at entry %llu (", (unsigned long long)bad);
			cli_field(stderr, why);
			fputs("): nothing pruned; keep the entries as "
			    "evidence\n", stderr);
			return CLI_FAIL;
		}
		if ((e = audit_prune(tx, &t, before, &pruned)) != SCIM_OK ||
		    (e = cli_audit_op(cl, tx, t.tn_name, "operator.audit.pruned",
		    "Tenant", t.tn_name, cJSON_CreateNumber((double)pruned))) !=
		    SCIM_OK) {
			store_abort(&tx);
			return cli_storefail("audit prune", e);
		}
		if ((e = store_commit(&tx)) != SCIM_OK)
			return cli_storefail("audit prune", e);
		printf("%llu entr%s pruned\n", (unsigned long long)pruned,
		    pruned == 1 ? "y" : "ies");
		return CLI_OK;
	}
	if (strcmp(argv[0], "verify") == 0) {
		e = audit_verify(tx, &t, &bad, why, sizeof(why));
		store_abort(&tx);
		if (e != SCIM_OK)
			return cli_storefail("audit verify", e);
		if (bad != 0) {
			fprintf(stderr, "scimlet: audit verify: broken at "
			    "entry %llu: ", (unsigned long long)bad);
			cli_field(stderr, why);
			fputc('\n', stderr);
			return CLI_FAIL;
		}
		printf("the chain holds\n");
		return CLI_OK;
	}
	/*
	 * --limit N: the newest N matches.  Entries are walked oldest first,
	 * so count the matches, then print from the N-th last, all in one
	 * read transaction.
	 */
	if (limit > 0) {
		w.count = 1;
		e = store_audit_each(tx, t.tn_id, 1, print_entry, &w);
		if (e == SCIM_OK)
			e = w.err;
		w.skip = w.n > limit ? w.n - limit : 0;
		w.n = 0;
		w.count = 0;
	}
	if (e == SCIM_OK)
		e = store_audit_each(tx, t.tn_id, 1, print_entry, &w);
	if (e == SCIM_OK)
		e = w.err;
	store_abort(&tx);
	return e == SCIM_OK ? CLI_OK : cli_storefail("audit", e);
}

struct feed {
	const char	*tenant;
	struct audit_since	 since;		/* by time: records from then on */
	uint64_t	 last;
	double		 first;		/* the time of the first kept */
	enum scim_err	 err;
};

static int
first_time(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct feed	*f = arg;
	cJSON		*c;

	(void)seq;
	f->first = 0;
	if ((c = cJSON_ParseWithLength(json, len)) != NULL &&
	    util_time_parse(str(c, "time"), &f->first) == -1)
		f->first = 0;
	cJSON_Delete(c);
	return 1;
}

/* `changes prune --tenant T --before SEQ`: the tenant's feed. */
static int
feed_prune(struct cli *cl, int argc, char **argv)
{
	struct store		*st = cl->cl_store;
	struct store_txn	*tx;
	struct tenant		 t;
	long long		 n;
	uint64_t		 pruned;
	enum scim_err		 e;

	if (argc < 5 || strcmp(argv[3], "--before") != 0)
		return cli_bad("changes", "prune --tenant T: missing --before "
		    "SEQ");
	if (argc > 5)
		return cli_bad("changes", "unexpected argument '%s'", argv[5]);
	if (util_strtonum(argv[4], 0, 0x7fffffffffffffffLL, &n) == -1)
		return cli_bad("changes", "--before: '%s' is not a sequence "
		    "number", argv[4]);
	if ((e = store_begin(st, 1, &tx)) != SCIM_OK)
		return cli_storefail("changes prune", e);
	if ((e = store_tenant_get(tx, argv[2], &t)) == SCIM_ENOTFOUND) {
		store_abort(&tx);
		fprintf(stderr, "scimlet: no tenant %s\n", argv[2]);
		return CLI_FAIL;
	}
	if (e == SCIM_OK)
		e = store_feed_prune(tx, t.tn_id, (uint64_t)n, &pruned);
	/* What the application may still read changed: say who did it. */
	if (e == SCIM_OK)
		e = cli_audit_op(cl, tx, t.tn_name, "operator.changes.pruned",
		    "Tenant", t.tn_name, cJSON_CreateNumber((double)pruned));
	if (e != SCIM_OK) {
		store_abort(&tx);
		return cli_storefail("changes prune", e);
	}
	if ((e = store_commit(&tx)) != SCIM_OK)
		return cli_storefail("changes prune", e);
	printf("%llu change%s pruned\n", (unsigned long long)pruned,
	    pruned == 1 ? "" : "s");
	return CLI_OK;
}

static int
print_change(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct feed	*f = arg;
	const char	*tn;
	cJSON		*c;
	int		 keep;

	f->last = seq;
	if (f->tenant != NULL || f->since.by_time) {
		if ((c = cJSON_ParseWithLength(json, len)) == NULL) {
			fprintf(stderr, "scimlet: change %llu is not JSON\n",
			    (unsigned long long)seq);
			f->err = SCIM_ESTORE;
			return 1;
		}
		tn = str(c, "tenant");
		keep = (f->tenant == NULL || (tn != NULL &&
		    strcmp(tn, f->tenant) == 0)) && audit_since_ok(&f->since, seq, c);
		cJSON_Delete(c);
		if (!keep)
			return 0;
	}
	printf("%.*s\n", (int)len, json);
	return 0;
}

/*
 * `changes --tenant T --since TIME|SEQ [--follow]`: the tenant's feed
 * (feed.h), the records GET /.changes gives, from SEQ (or TIME) on.
 * Records from there pruned: exit 3, never a silent gap.
 */
static int
tenant_feed(struct store *st, const struct tenant *t, struct feed *f,
    uint64_t from, int follow)
{
	struct store_txn	*tx;
	uint64_t		 floor, last;
	enum scim_err		 e;
	int			 gap = 0;

	if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
		return cli_storefail("changes", e);
	if ((e = store_feed_bounds(tx, t->tn_id, &floor, &last)) != SCIM_OK) {
		store_abort(&tx);
		return cli_storefail("changes", e);
	}
	if (floor > 1) {
		/*
		 * By time: the records pruned are no newer than the oldest
		 * kept, so only a since after it is sure to miss none (with
		 * none kept, nothing says how new the pruned ones were).
		 */
		if (!f->since.by_time)
			gap = from < floor;
		else if ((e = store_feed_each(tx, t->tn_id, floor, first_time,
		    f)) == SCIM_OK)
			gap = floor > last || f->first >= f->since.time;
		else {
			store_abort(&tx);
			return cli_storefail("changes", e);
		}
	}
	store_abort(&tx);
	if (gap) {
		fprintf(stderr, "scimlet: changes of tenant %s before %llu were "
		    "pruned: read the full listing again, then follow from "
		    "%llu\n", t->tn_name, (unsigned long long)floor,
		    (unsigned long long)floor);
		return CLI_GONE;
	}
	f->last = from > 0 ? from - 1 : 0;
	for (;;) {
		if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
			return cli_storefail("changes", e);
		e = store_feed_each(tx, t->tn_id, f->last + 1, print_change, f);
		if (e == SCIM_OK)
			e = f->err;
		store_abort(&tx);
		if (e != SCIM_OK)
			return cli_storefail("changes", e);
		fflush(stdout);
		if (!follow)
			return CLI_OK;
		sleep(1);
	}
}

int
cli_changes(struct cli *cl, int argc, char **argv)
{
	struct store		*st = cl->cl_store;
	struct store_txn	*tx;
	struct tenant		 t;
	struct feed		 f;
	long long		 n;
	uint64_t		 from = 0, pruned;
	int			 i, follow = 0;
	enum scim_err		 e;

	memset(&f, 0, sizeof(f));
	if (argc >= 1 && strcmp(argv[0], "prune") == 0 && argc >= 2 &&
	    strcmp(argv[1], "--tenant") == 0)
		return feed_prune(cl, argc, argv);
	if (argc >= 1 && strcmp(argv[0], "prune") == 0) {
		if (argc < 3 || strcmp(argv[1], "--before") != 0)
			return argc >= 2 && strcmp(argv[1], "--before") != 0 ?
			    cli_bad("changes", "unexpected argument '%s'",
			    argv[1]) : cli_bad("changes", "prune: missing "
			    "--before SEQ");
		if (argc > 3)
			return cli_bad("changes", "unexpected argument '%s'",
			    argv[3]);
		if (util_strtonum(argv[2], 0, 0x7fffffffffffffffLL, &n) == -1)
			return cli_bad("changes", "--before: '%s' is not a "
			    "sequence number", argv[2]);
		if ((e = store_begin(st, 1, &tx)) != SCIM_OK ||
		    (e = store_change_prune(tx, (uint64_t)n, &pruned))) {
			store_abort(&tx);
			return cli_storefail("changes prune", e);
		}
		if ((e = store_commit(&tx)) != SCIM_OK)
			return cli_storefail("changes prune", e);
		printf("%llu change%s pruned\n", (unsigned long long)pruned,
		    pruned == 1 ? "" : "s");
		return CLI_OK;
	}
	for (i = 0; i < argc; i++) {
		if ((strcmp(argv[i], "--tenant") == 0 ||
		    strcmp(argv[i], "--since") == 0) && i + 1 >= argc)
			return cli_bad("changes", "%s: missing value", argv[i]);
		if (strcmp(argv[i], "--follow") == 0)
			follow = 1;
		else if (strcmp(argv[i], "--tenant") == 0)
			f.tenant = argv[++i];
		else if (strcmp(argv[i], "--since") == 0) {
			if (audit_since_parse(argv[++i], &f.since) == -1)
				return cli_bad("changes", "--since: '%s' is "
				    "neither a time (RFC 3339) nor a sequence "
				    "number", argv[i]);
			from = f.since.seq;
		} else
			return cli_bad("changes", "unknown option '%s'",
			    argv[i]);
	}
	if (f.tenant != NULL) {
		if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
			return cli_storefail("changes", e);
		e = store_tenant_get(tx, f.tenant, &t);
		store_abort(&tx);
		if (e == SCIM_ENOTFOUND) {
			fprintf(stderr, "scimlet: no tenant %s\n", f.tenant);
			return CLI_FAIL;
		}
		if (e != SCIM_OK)
			return cli_storefail("changes", e);
	}
	if (f.tenant != NULL) {
		f.tenant = NULL;	/* the feed is the tenant's alone */
		return tenant_feed(st, &t, &f, from, follow);
	}
	f.last = from > 0 ? from - 1 : 0;
	for (;;) {
		if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
			return cli_storefail("changes", e);
		e = store_change_each(tx, f.last + 1 > from ? f.last + 1 : from,
		    print_change, &f);
		if (e == SCIM_OK)
			e = f.err;
		store_abort(&tx);
		if (e != SCIM_OK)
			return cli_storefail("changes", e);
		fflush(stdout);
		if (!follow)
			return CLI_OK;
		/* Short read transactions, one a second: writers never wait. */
		sleep(1);
	}
}
