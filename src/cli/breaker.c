/*
 * breaker.c: `scimlet breaker TENANT status|release|reset` (breaker.h),
 * and the breaker's lines in `tenant show`.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "breaker.h"
#include "cli/cli.h"
#include "deprov.h"
#include "scim.h"
#include "store.h"
#include "util.h"

/* The library's object (src/deprov.h), for `tenant show` too. */
cJSON *
cli_breaker_json(const struct breaker_status *bs)
{
	return breaker_json(bs);
}

/* One line: "tripped 2026-... 51/50 in 3600s (default)". */
void
cli_breaker_line(const struct breaker_status *bs, char *out, size_t len)
{
	char	t[TIME_STRLEN + 1];

	if (bs->bs_off) {
		util_strlcpy(out, "off", len);
		return;
	}
	switch (bs->bs_state) {
	case BREAKER_TRIPPED:
		breaker_time(bs->bs_since, t);
		snprintf(out, len, "tripped %s by request %s (%" PRIu64
		    " of %" PRIu64 " in %llds; setting %s)", t, bs->bs_request,
		    bs->bs_tripcount, bs->bs_triplimit, bs->bs_window,
		    bs->bs_setting);
		break;
	case BREAKER_RELEASED:
		breaker_time(bs->bs_until, t);
		snprintf(out, len, "released until %s (setting %s, window "
		    "%llds)", t, bs->bs_setting, bs->bs_window);
		break;
	default:
		snprintf(out, len, "armed %" PRIu64 " of %" PRIu64 " in %llds "
		    "(setting %s)", bs->bs_count, bs->bs_limit, bs->bs_window,
		    bs->bs_setting);
	}
}

static int
status(struct cli *cl, const char *name, int json)
{
	struct store_txn	*tx;
	struct tenant		 t;
	struct breaker_status	 bs;
	cJSON			*o;
	char			*out, line[256];
	enum scim_err		 e;

	if ((e = store_begin(cl->cl_store, 0, &tx)) != SCIM_OK)
		return cli_storefail("breaker status", e);
	if ((e = store_tenant_get(tx, name, &t)) == SCIM_OK)
		e = breaker_status(tx, &t, &bs);
	store_abort(&tx);
	if (e == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: no tenant %s\n", name);
		return CLI_FAIL;
	}
	if (e != SCIM_OK)
		return cli_storefail("breaker status", e);
	if (!json) {
		cli_breaker_line(&bs, line, sizeof(line));
		cli_row(stdout, 2, t.tn_name, line);
		return CLI_OK;
	}
	if ((o = cli_breaker_json(&bs)) == NULL ||
	    (out = cJSON_PrintUnformatted(o)) == NULL) {
		cJSON_Delete(o);
		return cli_storefail("breaker status", SCIM_ENOMEM);
	}
	cli_json(stdout, out, strlen(out));
	fputc('\n', stdout);
	free(out);
	cJSON_Delete(o);
	return CLI_OK;
}

/* release [--for DURATION] | reset: audited with the operator. */
static int
change(struct cli *cl, const char *name, const char *verb, long long secs)
{
	struct store_txn	*tx;
	struct tenant		 t;
	struct breaker_status	 bs;
	struct deprov_actor	 a = { "cli", "", cl->cl_user, cl->cl_command };
	char			 line[256];
	enum scim_err		 e;

	if ((e = store_begin(cl->cl_store, 1, &tx)) != SCIM_OK)
		return cli_storefail("breaker", e);
	if ((e = store_tenant_get(tx, name, &t)) == SCIM_OK)
		e = breaker_change(cl->cl_store, tx, &t, &a,
		    strcmp(verb, "release") == 0, secs, &bs);
	if (e == SCIM_OK)
		e = store_commit(&tx);
	store_abort(&tx);
	if (e == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: no tenant %s\n", name);
		return CLI_FAIL;
	}
	if (e != SCIM_OK)
		return cli_storefail("breaker", e);
	cli_breaker_line(&bs, line, sizeof(line));
	cli_row(stdout, 2, t.tn_name, line);
	return CLI_OK;
}

int
cli_breaker(struct cli *cl, int argc, char **argv)
{
	long long	secs = BREAKER_RELEASE_FOR;
	int		json = 0;

	if (argc < 2)
		return cli_bad("breaker", argc == 0 ? "missing TENANT" :
		    "missing status, release or reset");
	if (strcmp(argv[1], "status") == 0) {
		if (argc == 3 && strcmp(argv[2], "--json") == 0)
			json = 1;
		else if (argc != 2)
			return cli_bad("breaker", "unexpected argument '%s'",
			    argv[2]);
		return status(cl, argv[0], json);
	}
	if (strcmp(argv[1], "release") == 0) {
		if (argc == 4 && strcmp(argv[2], "--for") == 0) {
			if (util_duration_parse(argv[3], &secs) == -1 ||
			    secs < 1 || secs > 30 * 86400)
				return cli_bad("breaker", "--for: '%s' is not a "
				    "duration up to 30d (30m, 2h, 1d)", argv[3]);
		} else if (argc != 2)
			return cli_bad("breaker", "unexpected argument '%s'",
			    argv[2]);
		return change(cl, argv[0], "release", secs);
	}
	if (strcmp(argv[1], "reset") == 0) {
		if (argc != 2)
			return cli_bad("breaker", "unexpected argument '%s'",
			    argv[2]);
		return change(cl, argv[0], "reset", 0);
	}
	return cli_bad("breaker", "unknown word '%s'", argv[1]);
}
