/*
 * restore.c: `scimlet restore TENANT SEQ|--since TIME|SEQ|--cycle ID|last
 * [--dry-run]`: audit entries undone (src/restore.h), newest first, all
 * or nothing in one write transaction.  A cycle's undo arms the
 * tenant's breaker again (src/breaker.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "breaker.h"
#include "cli/cli.h"
#include "ctx.h"
#include "cycle.h"
#include "restore.h"
#include "schema.h"
#include "scim.h"
#include "store.h"
#include "util.h"

/* A string member of an entry, or NULL. */
static const char *
str(const cJSON *e, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(e, name));
}

/*
 * Entries to restore, newest first: those since a time or sequence
 * number, or those a sync cycle wrote (--cycle: the entries whose token
 * is the cycle's and whose request is one of the cycle's, rids sorted).
 */
struct pick {
	struct cli_since	 since;
	const char	*token;		/* --cycle */
	char		**rids;
	size_t		 nrids;
	cJSON		*list;
	cJSON		*lost;		/* --cycle: its role.lost entries */
	enum scim_err	 err;
};

static int
rid_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
in_cycle(const struct pick *p, const cJSON *e)
{
	const char	*tok = str(e, "token"), *rid = str(e, "request");

	return tok != NULL && rid != NULL && strcmp(tok, p->token) == 0 &&
	    bsearch(&rid, p->rids, p->nrids, sizeof(*p->rids), rid_cmp) !=
	    NULL;
}

static int
pick_entry(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct pick	*p = arg;
	cJSON		*e;
	const char	*a;

	if ((e = cJSON_ParseWithLength(json, len)) == NULL) {
		fprintf(stderr, "scimlet: audit entry %llu is not JSON\n",
		    (unsigned long long)seq);
		p->err = SCIM_ESTORE;
		return 1;
	}
	a = cJSON_GetStringValue(cJSON_GetObjectItem(e, "action"));
	if (a == NULL || (p->token != NULL ? !in_cycle(p, e) :
	    !cli_since_ok(&p->since, seq, e)))
		cJSON_Delete(e);
	else if (restore_undoable(a))
		cJSON_InsertItemInArray(p->list, 0, e);	/* newest first */
	else if (p->token != NULL && strcmp(a, "role.lost") == 0)
		cJSON_AddItemToArray(p->lost, e);
	else
		cJSON_Delete(e);
	return 0;
}

/*
 * role.lost is not undone by itself: roles follow the role mapping and
 * the memberships (doc/architecture.md §4.6), so those the cycle took
 * come back with the users and memberships restored.  Say, for each,
 * whether they did.
 */
static enum scim_err
roles_back(struct store_txn *tx, const struct ctx *cx, const cJSON *lost)
{
	const cJSON	*e, *r, *held, *h;
	const char	*json, *ids;
	uint8_t		 id[16];
	size_t		 len;
	cJSON		*doc;
	int		 back;
	enum scim_err	 err;

	cJSON_ArrayForEach(e, lost) {
		ids = str(e, "id");
		if (ids == NULL || util_uuid_parse(ids, id) == -1)
			continue;
		err = store_res_get(tx, cx->cx_tenant.tn_id, RES_USER, id,
		    &json, &len);
		if (err != SCIM_OK && err != SCIM_ENOTFOUND)
			return err;
		doc = err == SCIM_OK ? cJSON_ParseWithLength(json, len) : NULL;
		held = cJSON_GetObjectItem(cJSON_GetObjectItem(doc,
		    URN_SCIMLET), "appRoles");
		cJSON_ArrayForEach(r, cJSON_GetObjectItem(e, "detail")) {
			if (!cJSON_IsString(r))
				continue;
			back = 0;
			cJSON_ArrayForEach(h, held)
				if (cJSON_IsString(h) &&
				    strcmp(h->valuestring, r->valuestring) == 0)
					back = 1;
			printf("role %s: user %s (", back ? "back" :
			    "not back", ids);
			cli_field(stdout, str(e, "name"));
			printf("): ");
			cli_field(stdout, r->valuestring);
			printf("%s\n", back ? "" : doc == NULL ?
			    ", the user no longer exists" :
			    ", the role mapping or memberships no longer give it");
		}
		cJSON_Delete(doc);
	}
	return SCIM_OK;
}

/* --cycle ID|last: the cycle's token and request ids, sorted. */
static int
pick_cycle(struct cli *cl, struct tenant *t, const char *id, struct pick *p,
    cJSON **cy, cJSON **rids)
{
	const cJSON	*r;
	enum scim_err	 e;

	if ((e = cycle_find(cl->cl_store, t, id, cy, rids)) == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: restore: tenant %s has no cycle ",
		    t->tn_name);
		cli_field(stderr, id);
		fputc('\n', stderr);
		return CLI_FAIL;
	}
	if (e != SCIM_OK)
		return cli_storefail("restore", e);
	p->token = str(*cy, "token") != NULL ? str(*cy, "token") : "";
	if ((p->rids = calloc(cJSON_GetArraySize(*rids) + 1,
	    sizeof(*p->rids))) == NULL)
		return cli_storefail("restore", SCIM_ENOMEM);
	cJSON_ArrayForEach(r, *rids)
		p->rids[p->nrids++] = r->valuestring;
	qsort(p->rids, p->nrids, sizeof(*p->rids), rid_cmp);
	return CLI_OK;
}

/* The cycle's actions that the breaker counts (breaker.h). */
static uint64_t
counted(const struct pick *p)
{
	const cJSON	*e;
	const char	*a;
	uint64_t	 n = (uint64_t)cJSON_GetArraySize(p->lost);

	cJSON_ArrayForEach(e, p->list) {
		a = str(e, "action");
		if (a != NULL && (strcmp(a, "user.deactivated") == 0 ||
		    strcmp(a, "user.deleted") == 0 ||
		    strcmp(a, "group.deleted") == 0))
			n++;
	}
	return n;
}

static int
restore(struct cli *cl, struct tenant *t, int argc, char **argv)
{
	struct store		*st = cl->cl_store;
	struct store_txn	*tx = NULL;
	struct ctx		 cx;
	struct pick		 p;
	const char		*json, *cid = NULL;
	char			*report, pre[64] = "";
	size_t			 len;
	long long		 seq;
	int			 dry = 0, i, n = 0, bycycle, rc;
	cJSON			*e, *cy = NULL, *rids = NULL;
	enum scim_err		 err = SCIM_OK;

	memset(&p, 0, sizeof(p));
	bycycle = strcmp(argv[0], "--cycle") == 0;
	i = bycycle || strcmp(argv[0], "--since") == 0 ? 2 : 1;
	if (i == 2 && argc < 2)
		return cli_bad("restore", "%s: missing %s", argv[0], bycycle ?
		    "ID or last" : "TIME or SEQ");
	if (i == 2 && !bycycle && cli_since_parse(argv[1], &p.since) == -1)
		return cli_bad("restore", "--since: '%s' is neither a time "
		    "(RFC 3339) nor a sequence number", argv[1]);
	if (i == 1 && util_strtonum(argv[0], 1, 0x7fffffffffffffffLL, &seq) ==
	    -1)
		return cli_bad("restore", "'%s' is not a sequence number",
		    argv[0]);
	for (; i < argc; i++)
		if (strcmp(argv[i], "--dry-run") == 0)
			dry = 1;
		else
			return cli_bad("restore", "unexpected argument '%s'",
			    argv[i]);
	if ((report = calloc(1, 1 << 20)) == NULL ||
	    (p.list = cJSON_CreateArray()) == NULL ||
	    (p.lost = cJSON_CreateArray()) == NULL) {
		free(report);
		cJSON_Delete(p.list);
		return cli_storefail("restore", SCIM_ENOMEM);
	}
	/* The cycle, read before the write transaction begins. */
	if (bycycle && (rc = pick_cycle(cl, t, argv[1], &p, &cy, &rids)) !=
	    CLI_OK)
		goto done;
	if (bycycle) {
		cid = str(cy, "id");
		if (cJSON_IsTrue(cJSON_GetObjectItem(cy, "running")))
			printf("cycle %s is still running: what it does from "
			    "now on is not undone\n", cid);
	}
	if ((err = store_begin(st, 1, &tx)) != SCIM_OK)
		goto out;
	if (strcmp(argv[0], "--since") == 0 || bycycle) {
		err = store_audit_each(tx, t->tn_id, 1, pick_entry, &p);
		if (err == SCIM_OK)
			err = p.err;
	} else {
		err = store_audit_get(tx, t->tn_id, (uint64_t)seq, &json, &len);
		if (err == SCIM_ENOTFOUND)
			fprintf(stderr, "scimlet: restore: %s has no audit "
			    "entry %lld\n", t->tn_name, seq);
		if (err == SCIM_OK && (e = cJSON_ParseWithLength(json, len)))
			cJSON_AddItemToArray(p.list, e);
		else if (err == SCIM_OK)
			err = SCIM_ESTORE;	/* stored, but not JSON */
	}
	if (err == SCIM_OK && bycycle && cJSON_GetArraySize(p.list) == 0) {
		store_abort(&tx);
		printf("cycle %s: nothing to undo\n", cid);
		goto out;
	}
	/* All or nothing: one refusal leaves everything as it was. */
	memset(&cx, 0, sizeof(cx));
	if (err == SCIM_OK)
		err = cli_ctx(cl, tx, t->tn_name, &cx);
	cJSON_ArrayForEach(e, p.list) {
		if (err != SCIM_OK)
			break;
		err = restore_entry(tx, &cx, e, report, 1 << 20);
		if (err == SCIM_OK)
			n++;
		else if ((err == SCIM_ENOTFOUND || err == SCIM_ENOTIMPL) &&
		    (bycycle || cJSON_GetArraySize(p.list) > 1))
			err = SCIM_OK;	/* skipped, said why */
	}
	/* What was (or would be) restored is the result; a refusal and
	 * its reasons are diagnostics. */
	fputs(report, err == SCIM_OK ? stdout : stderr);
	if (err == SCIM_OK && bycycle)
		err = roles_back(tx, &cx, p.lost);
	ctx_close(&cx);
	/*
	 * The identity provider will repeat what the cycle did unless its
	 * cause is fixed there: a release of the breaker ends, and the
	 * cycle's deprovisioning actions count in its window again, so the
	 * repetition trips it at once (README, "Undoing a sync cycle").
	 */
	if (err == SCIM_OK && bycycle)
		err = breaker_rearm(tx, t, counted(&p));
	if (bycycle)
		snprintf(pre, sizeof(pre), "cycle %s: ", cid);
	if (err != SCIM_OK || dry) {
		store_abort(&tx);
		if (dry && err == SCIM_OK)
			printf("dry run: %s%d entr%s would be restored; nothing "
			    "changed\n", pre, n, n == 1 ? "y" : "ies");
	} else if ((err = store_commit(&tx)) == SCIM_OK)
		printf("%s%d entr%s restored\n", pre, n, n == 1 ? "y" : "ies");
	if (err == SCIM_OK && bycycle && t->tn_brk >= 0)
		printf("breaker: %s, the cycle's %llu deprovisioning actions "
		    "counted in its window again\n", dry ? "would be armed" :
		    "armed", (unsigned long long)counted(&p));
out:
	if (err == SCIM_OK)
		rc = CLI_OK;
	else if (err == SCIM_EUNIQUE || err == SCIM_ENOTFOUND ||
	    err == SCIM_ENOTIMPL || err == SCIM_EINVALVALUE) {
		fputs("scimlet: nothing restored\n", stderr);
		rc = CLI_FAIL;
	} else
		rc = cli_storefail("restore", err);
done:
	free(report);
	free(p.rids);
	cJSON_Delete(p.list);
	cJSON_Delete(p.lost);
	cJSON_Delete(cy);
	cJSON_Delete(rids);
	return rc;
}

int
cli_restore(struct cli *cl, int argc, char **argv)
{
	struct tenant	t;
	int		rc;

	if (argc < 2)
		return cli_bad("restore", argc == 0 ? "missing TENANT" :
		    "missing SEQ, --since or --cycle");
	if ((rc = cli_tenant_of(cl, argv[0], &t, "restore")) != CLI_OK)
		return rc;
	return restore(cl, &t, argc - 1, argv + 1);
}
