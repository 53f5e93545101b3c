/*
 * preview.c: `scimlet preview report TENANT [--json]` and `scimlet tenant
 * set TENANT mode=preview|live [--discard]` (src/preview.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ctx.h"
#include "preview.h"
#include "scim.h"
#include "store.h"
#include "util.h"

/* A value of the report as one field: JSON text, "-" when absent. */
static char *
value_text(const cJSON *v)
{
	if (v == NULL || cJSON_IsNull(v))
		return strdup("-");
	return cJSON_PrintUnformatted(v);
}

/* Roles as "a,b", "-" when none. */
static void
roles_text(const cJSON *list, char *out, size_t len)
{
	const cJSON	*r;
	size_t		 n = 0;
	int		 w;

	out[0] = '\0';
	cJSON_ArrayForEach(r, list) {
		if (!cJSON_IsString(r) || n >= len)
			continue;
		w = snprintf(out + n, len - n, "%s%s", n > 0 ? "," : "",
		    r->valuestring);
		n = w < 0 ? len : n + (size_t)w;
	}
	if (out[0] == '\0')
		util_strlcpy(out, "-", len);
}

static const char *
field(const cJSON *o, const char *k)
{
	const char	*s = cJSON_GetStringValue(cJSON_GetObjectItem(o, k));

	return s != NULL ? s : "";
}

/*
 * The report as rows, every field through cli_row() (names and values
 * come from clients):
 *   user|group ACTION NAME ID
 *   attribute user|group NAME ATTRIBUTE LIVE PREVIEW   (values as JSON)
 *   member added|removed GROUP MEMBER User|Group
 *   roles USERNAME LIVE PREVIEW
 */
static void
print_rows(const cJSON *report)
{
	static const char *const kinds[] = { "users", "user", "groups",
	    "group" };
	const cJSON	*it, *a;
	char		*lv, *pv, rl[1024], rp[1024];
	size_t		 k;

	for (k = 0; k < 4; k += 2)
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(report, kinds[k])) {
			cli_row(stdout, 4, kinds[k + 1], field(it, "action"),
			    field(it, "name"), field(it, "id"));
			cJSON_ArrayForEach(a, cJSON_GetObjectItem(it,
			    "attributes")) {
				lv = value_text(cJSON_GetObjectItem(a, "live"));
				pv = value_text(cJSON_GetObjectItem(a,
				    "preview"));
				cli_row(stdout, 6, "attribute", kinds[k + 1],
				    field(it, "name"), field(a, "attribute"),
				    lv != NULL ? lv : "?", pv != NULL ? pv :
				    "?");
				free(lv);
				free(pv);
			}
		}
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(report, "members"))
		cli_row(stdout, 5, "member", field(it, "action"),
		    field(it, "groupName"), field(it, "memberName"),
		    field(it, "type"));
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(report, "roles")) {
		roles_text(cJSON_GetObjectItem(it, "live"), rl, sizeof(rl));
		roles_text(cJSON_GetObjectItem(it, "preview"), rp,
		    sizeof(rp));
		cli_row(stdout, 4, "roles", field(it, "name"), rl, rp);
	}
}

static int
preview_report(struct cli *cl, const char *name, int json)
{
	struct store_txn	*tx;
	struct tenant		 t;
	cJSON			*report = NULL;
	char			*out;
	enum scim_err		 e;

	if ((e = store_begin(cl->cl_store, 0, &tx)) != SCIM_OK)
		return cli_storefail("preview report", e);
	if ((e = store_tenant_get(tx, name, &t)) == SCIM_OK) {
		if (t.tn_preview == 0) {
			store_abort(&tx);
			fprintf(stderr, "scimlet: tenant %s is live, not in "
			    "preview\n", name);
			return CLI_FAIL;
		}
		e = preview_diff(tx, &t, &report);
	}
	store_abort(&tx);
	if (e == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: no tenant %s\n", name);
		return CLI_FAIL;
	}
	if (e != SCIM_OK)
		return cli_storefail("preview report", e);
	if (!json) {
		print_rows(report);
		cJSON_Delete(report);
		return CLI_OK;
	}
	if (cJSON_AddStringToObject(report, "tenant", name) == NULL ||
	    (out = cJSON_PrintUnformatted(report)) == NULL) {
		cJSON_Delete(report);
		return cli_storefail("preview report", SCIM_ENOMEM);
	}
	cJSON_Delete(report);
	cli_json(stdout, out, strlen(out));
	fputc('\n', stdout);
	free(out);
	return CLI_OK;
}

int
cli_preview(struct cli *cl, int argc, char **argv)
{
	const char	*name = NULL;
	int		 i, json = 0;

	/* argv[0] is "report" (cli.c checked the verb). */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 && !json)
			json = 1;
		else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else
			return cli_bad("preview", "unexpected argument '%s'",
			    argv[i]);
	}
	if (name == NULL)
		return cli_bad("preview", "report: missing argument");
	return preview_report(cl, name, json);
}

/* "users-created 3, ..." from a report's counts, on stdout. */
static void
print_counts(const char *what, const cJSON *counts)
{
	const cJSON	*c;
	int		 first = 1;

	printf("%s:", what);
	cJSON_ArrayForEach(c, counts) {
		if (!cJSON_IsNumber(c) || c->string == NULL)
			continue;
		printf("%s %s %.0f", first ? "" : ",", c->string,
		    c->valuedouble);
		first = 0;
	}
	puts(first ? " nothing" : "");
}

/* `tenant set T mode=live [--discard]`: adopt or drop the preview. */
static int
mode_live(struct cli *cl, const char *name, int discard)
{
	struct store_txn	*tx;
	struct ctx		 cx;
	cJSON			*counts = NULL;
	const char		*what = discard ? "discarded" : "adopted";
	enum scim_err		 e;

	memset(&cx, 0, sizeof(cx));
	if ((e = store_begin(cl->cl_store, 1, &tx)) != SCIM_OK)
		return cli_storefail("tenant set mode", e);
	if ((e = cli_ctx(cl, tx, name, &cx)) == SCIM_OK &&
	    cx.cx_tenant.tn_preview == 0) {
		ctx_close(&cx);
		store_abort(&tx);
		fprintf(stderr, "scimlet: tenant %s is live already\n", name);
		return CLI_FAIL;
	}
	if (e == SCIM_OK)
		e = discard ? preview_discard(tx, &cx.cx_tenant, &counts) :
		    preview_adopt(tx, &cx, &counts);
	ctx_close(&cx);
	if (e == SCIM_OK)
		e = cli_audit_op(cl, tx, name, discard ?
		    "operator.preview.discarded" : "operator.preview.adopted",
		    "Tenant", name, cJSON_Duplicate(counts, 1));
	if (e == SCIM_OK)
		e = store_commit(&tx);
	store_abort(&tx);
	if (e == SCIM_ENOTFOUND) {
		cJSON_Delete(counts);
		fprintf(stderr, "scimlet: no tenant %s\n", name);
		return CLI_FAIL;
	}
	if (e != SCIM_OK) {
		cJSON_Delete(counts);
		return cli_storefail("tenant set mode", e);
	}
	printf("tenant %s live, preview %s\n", name, what);
	print_counts(what, counts);
	cJSON_Delete(counts);
	return CLI_OK;
}

int
cli_tenant_mode(struct cli *cl, int argc, char **argv)
{
	struct store_txn	*tx;
	const char		*mode = argv[2] + 5, *name = argv[1];
	cJSON			*detail;
	uint32_t		 num;
	uint64_t		 n;
	int			 discard = 0, i;
	enum scim_err		 e;

	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--discard") == 0 && !discard &&
		    strcmp(mode, "live") == 0)
			discard = 1;
		else
			return cli_bad("tenant", "unexpected argument '%s'",
			    argv[i]);
	}
	if (strcmp(mode, "live") == 0)
		return mode_live(cl, name, discard);
	if (strcmp(mode, "preview") != 0) {
		fprintf(stderr, "scimlet: mode takes preview live\n");
		return CLI_FAIL;
	}
	if ((e = store_begin(cl->cl_store, 1, &tx)) != SCIM_OK)
		return cli_storefail("tenant set mode", e);
	if ((e = preview_start(tx, name, &num, &n)) == SCIM_OK) {
		if ((detail = cJSON_CreateObject()) == NULL ||
		    cJSON_AddNumberToObject(detail, "keys", (double)n) == NULL) {
			cJSON_Delete(detail);
			e = SCIM_ENOMEM;
		} else
			e = cli_audit_op(cl, tx, name,
			    "operator.preview.started", "Tenant", name,
			    detail);
	}
	if (e == SCIM_OK)
		e = store_commit(&tx);
	store_abort(&tx);
	if (e == SCIM_ENOTFOUND || e == SCIM_EUNIQUE) {
		fprintf(stderr, e == SCIM_EUNIQUE ? "scimlet: tenant %s is "
		    "in preview already\n" : "scimlet: no tenant %s\n", name);
		return CLI_FAIL;
	}
	if (e != SCIM_OK)
		return cli_storefail("tenant set mode", e);
	printf("tenant %s in preview: %" PRIu64 " keys copied; the "
	    "application sees the live data until mode=live\n", name, n);
	return CLI_OK;
}
