/*
 * restore.c: `scimlet restore TENANT SEQ|--since TIME|SEQ|--cycle ID|last
 * [--dry-run] [--json]`: restore_apply() (src/deprov.h) in one write
 * transaction, its report printed as text, or as it is with --json.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "deprov.h"
#include "scim.h"
#include "store.h"
#include "util.h"

/* A string member, or NULL. */
static const char *
str(const cJSON *o, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(o, name));
}

/* The report as the text the command has always printed. */
static void
print_report(const cJSON *r, const struct tenant *t, enum scim_err err)
{
	const cJSON	*e, *l, *b;
	const char	*why;
	char		 pre[64] = "";
	int		 n = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(r,
			    "restored"));
	int		 dry = cJSON_IsTrue(cJSON_GetObjectItem(r, "dryRun"));

	/* What was (or would be) restored is the result; a refusal and
	 * its reasons are diagnostics. */
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(r, "entries"))
		cJSON_ArrayForEach(l, cJSON_GetObjectItem(e, "lines"))
			fprintf(err == SCIM_OK ? stdout : stderr, "%s\n",
			    l->valuestring);
	if (err != SCIM_OK)
		return;
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(r, "roles")) {
		why = str(e, "why");
		printf("role %s: user %s (", why == NULL ? "back" : "not back",
		    str(e, "id"));
		cli_field(stdout, str(e, "name"));
		printf("): ");
		cli_field(stdout, str(e, "role"));
		printf("%s%s\n", why != NULL ? ", " : "", why != NULL ? why :
		    "");
	}
	if (cJSON_IsObject(cJSON_GetObjectItem(r, "cycle")))
		snprintf(pre, sizeof(pre), "cycle %s: ", str(cJSON_GetObjectItem(
		    r, "cycle"), "id"));
	if (dry)
		printf("dry run: %s%d entr%s would be restored; nothing "
		    "changed\n", pre, n, n == 1 ? "y" : "ies");
	else
		printf("%s%d entr%s restored\n", pre, n, n == 1 ? "y" : "ies");
	if ((b = cJSON_GetObjectItem(r, "breaker")) != NULL &&
	    cJSON_IsObject(b) && t->tn_brk >= 0)
		printf("breaker: %s, the cycle's %.0f deprovisioning actions "
		    "counted in its window again\n", dry ? "would be armed" :
		    "armed", cJSON_GetNumberValue(cJSON_GetObjectItem(b,
		    "counted")));
}

static int
restore(struct cli *cl, struct tenant *t, int argc, char **argv)
{
	struct store_txn	*tx = NULL;
	struct restore_req	 rq;
	struct deprov_actor	 a;
	const cJSON		*cy;
	char			*out;
	long long		 seq = 0;
	int			 i, json = 0, rc;
	cJSON			*r = NULL;
	enum scim_err		 err = SCIM_OK;

	memset(&rq, 0, sizeof(rq));
	rq.rr_by = strcmp(argv[0], "--cycle") == 0 ? RESTORE_CYCLE :
	    strcmp(argv[0], "--since") == 0 ? RESTORE_SINCE : RESTORE_SEQ;
	i = rq.rr_by != RESTORE_SEQ ? 2 : 1;
	if (i == 2 && argc < 2)
		return cli_bad("restore", "%s: missing %s", argv[0],
		    rq.rr_by == RESTORE_CYCLE ? "ID or last" : "TIME or SEQ");
	if (rq.rr_by == RESTORE_SINCE &&
	    audit_since_parse(argv[1], &rq.rr_since) == -1)
		return cli_bad("restore", "--since: '%s' is neither a time "
		    "(RFC 3339) nor a sequence number", argv[1]);
	if (rq.rr_by == RESTORE_SEQ && util_strtonum(argv[0], 1,
	    0x7fffffffffffffffLL, &seq) == -1)
		return cli_bad("restore", "'%s' is not a sequence number",
		    argv[0]);
	rq.rr_seq = rq.rr_by == RESTORE_SEQ ? (uint64_t)seq : 0;
	rq.rr_cycle = rq.rr_by == RESTORE_CYCLE ? argv[1] : NULL;
	for (; i < argc; i++)
		if (strcmp(argv[i], "--dry-run") == 0)
			rq.rr_dry = 1;
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			return cli_bad("restore", "unexpected argument '%s'",
			    argv[i]);
	/* The cycle, read before the write transaction begins. */
	if ((err = restore_prepare(cl->cl_store, t, &rq)) == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: restore: tenant %s has no cycle ",
		    t->tn_name);
		cli_field(stderr, rq.rr_cycle);
		fputc('\n', stderr);
		return CLI_FAIL;
	}
	if (err != SCIM_OK)
		return cli_storefail("restore", err);
	cy = rq.rr_cy;
	if (cy != NULL && cJSON_IsTrue(cJSON_GetObjectItem(cy, "running")) &&
	    !json)
		printf("cycle %s is still running: what it does from now on "
		    "is not undone\n", str(cy, "id"));
	memset(&a, 0, sizeof(a));
	a.da_token = "cli";
	a.da_request = "";
	a.da_client = cl->cl_user;
	a.da_agent = cl->cl_command;
	if ((err = store_begin(cl->cl_store, 1, &tx)) == SCIM_OK)
		err = restore_apply(cl->cl_store, tx, t, &rq, &a, &r);
	if (err == SCIM_ENOTFOUND && rq.rr_by == RESTORE_SEQ &&
	    cJSON_GetArraySize(cJSON_GetObjectItem(r, "entries")) == 0)
		fprintf(stderr, "scimlet: restore: %s has no audit entry %lld\n",
		    t->tn_name, seq);
	if (err != SCIM_OK || rq.rr_dry)
		store_abort(&tx);
	else
		err = store_commit(&tx);
	if (r != NULL && json) {
		if (err != SCIM_OK && !rq.rr_dry)	/* a failed commit */
			cJSON_ReplaceItemInObjectCaseSensitive(r, "ok",
			    cJSON_CreateFalse());
		if ((out = cJSON_PrintUnformatted(r)) != NULL) {
			cli_json(stdout, out, strlen(out));
			fputc('\n', stdout);
			free(out);
		}
	} else if (r != NULL && cy != NULL && err == SCIM_OK &&
	    cJSON_GetArraySize(cJSON_GetObjectItem(r, "entries")) == 0)
		printf("cycle %s: nothing to undo\n", str(cy, "id"));
	else if (r != NULL)
		print_report(r, t, err);
	if (err == SCIM_OK)
		rc = CLI_OK;
	else if (err == SCIM_EUNIQUE || err == SCIM_ENOTFOUND ||
	    err == SCIM_ENOTIMPL || err == SCIM_EINVALVALUE) {
		fputs("scimlet: nothing restored\n", stderr);
		rc = CLI_FAIL;
	} else
		rc = cli_storefail("restore", err);
	cJSON_Delete(r);
	restore_free(&rq);
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
