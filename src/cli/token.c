/*
 * token.c: `scimlet token issue|list|revoke`.  The token is printed once,
 * alone on stdout, and never stored: only its SHA-256 is.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "cli/cli.h"
#include "scim.h"
#include "store.h"
#include "util.h"

static void
print_token(const char *id, const char *created, const char *revoked,
    void *arg)
{
	(void)arg;
	cli_row(stdout, 3, id, created, revoked != NULL ? revoked : "-");
}

int
cli_token(struct cli *cl, int argc, char **argv)
{
	struct store		*st = cl->cl_store;
	struct store_txn	*tx;
	struct tenant		 t;
	char			 token[AUTH_TOKEN_LEN + 1];
	char			 id[AUTH_ID_LEN + 1];
	char			 tname[SCIM_TENANT_MAX + 1];
	enum scim_err		 e;

	if (cli_nargs("token", argc, argv, 2) != CLI_OK)
		return CLI_USAGE;
	if (strcmp(argv[0], "issue") == 0) {
		if ((e = store_begin(st, 1, &tx)) != SCIM_OK)
			return cli_storefail("token issue", e);
		if ((e = store_tenant_get(tx, argv[1], &t)) == SCIM_OK)
			e = auth_token_issue(tx, &t, token, id);
		if (e == SCIM_OK)
			e = cli_audit_op(cl, tx, argv[1],
			    "operator.token.issued", "Token", id, NULL);
		if (e != SCIM_OK) {
			store_abort(&tx);
			if (e == SCIM_ENOTFOUND) {
				fprintf(stderr, "scimlet: no tenant %s\n",
				    argv[1]);
				return CLI_FAIL;
			}
			return cli_storefail("token issue", e);
		}
		if ((e = store_commit(&tx)) != SCIM_OK)
			return cli_storefail("token issue", e);
		printf("%s\n", token);
		fflush(stdout);
		util_bzero(token, sizeof(token));
		return CLI_OK;
	}
	if (strcmp(argv[0], "list") == 0) {
		if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
			return cli_storefail("token list", e);
		if ((e = store_tenant_get(tx, argv[1], &t)) == SCIM_OK)
			e = auth_token_each(tx, argv[1], print_token, NULL);
		store_abort(&tx);
		if (e == SCIM_ENOTFOUND) {
			fprintf(stderr, "scimlet: no tenant %s\n", argv[1]);
			return CLI_FAIL;
		}
		return e == SCIM_OK ? CLI_OK : cli_storefail("token list", e);
	}
	if (strcmp(argv[0], "revoke") == 0) {
		if ((e = store_begin(st, 1, &tx)) != SCIM_OK)
			return cli_storefail("token revoke", e);
		if ((e = auth_token_revoke(tx, argv[1], tname)) == SCIM_OK)
			e = cli_audit_op(cl, tx, tname,
			    "operator.token.revoked", "Token", argv[1], NULL);
		if (e != SCIM_OK) {
			store_abort(&tx);
			if (e == SCIM_ENOTFOUND) {
				fprintf(stderr, "scimlet: no token %s\n",
				    argv[1]);
				return CLI_FAIL;
			}
			return cli_storefail("token revoke", e);
		}
		if ((e = store_commit(&tx)) != SCIM_OK)
			return cli_storefail("token revoke", e);
		return CLI_OK;
	}
	return cli_bad("token", "unknown word '%s'", argv[0]);
}
