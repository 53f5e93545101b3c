/*
 * tenant.c: `scimlet tenant add NAME` and `scimlet tenant list`.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cli/cli.h"
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

static int
print_tenant(const struct tenant *t, const char *created, void *arg)
{
	(void)created;
	(void)arg;
	cli_row(stdout, 1, t->tn_name);
	return 0;
}

/* The settings a tenant has, and the values each takes. */
static const struct {
	const char	*key;
	const char	*values[3];
} settings[] = {
	/* PATCH answers: the resource (200), or 204 (Microsoft's suite). */
	{ "patch-response", { "resource", "no-content", NULL } },
	/*
	 * A member id that names no user or group: 400 with nothing
	 * applied, or skipped (logged) while the other members apply.
	 */
	{ "unknown-members", { "reject", "skip", NULL } },
	/* Largest page (count); values 1..10000, checked below. */
	{ "max-results", { NULL } },
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
	if (settings[i].values[0] == NULL) {
		long long n;
		if (util_strtonum(eq + 1, 1, 10000, &n) == -1) {
			fprintf(stderr, "scimlet: %s takes a number from 1 to "
			    "10000\n", key);
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
		if (cli_nargs("tenant", argc, argv, 1) != CLI_OK)
			return CLI_USAGE;
		if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
			return cli_storefail("tenant list", e);
		e = store_tenant_each(tx, print_tenant, NULL);
		store_abort(&tx);
		return e == SCIM_OK ? CLI_OK : cli_storefail("tenant list", e);
	}
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
