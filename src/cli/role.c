/*
 * role.c: `scimlet role ...`: where incoming role values come from, how
 * they and group names map to application roles, the default, and the
 * policy for unmapped values.  Every change recomputes the application
 * roles of all the tenant's users in the same transaction.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli/cli.h"
#include "ctx.h"
#include "grant.h"
#include "role_change.h"
#include "roles.h"
#include "schema.h"
#include "scim.h"
#include "store.h"
#include "util.h"

/* One line of `role list --json` (role_row_json()). */
static void
print_json(const char *kind, const char *v, const char *r)
{
	cJSON	*o;
	char	*out;

	if ((o = role_row_json(kind, v, r)) == NULL)
		return;
	if ((out = cJSON_PrintUnformatted(o)) != NULL) {
		cli_json(stdout, out, strlen(out));
		fputc('\n', stdout);
		free(out);
	}
	cJSON_Delete(o);
}

static int
print_mapping(char kind, const char *value, const char *role, void *arg)
{
	const char	*k = kind == ROLE_GROUP ? "group" : "value";

	if (arg != NULL)
		print_json(k, value, role);
	else
		cli_row(stdout, 3, k, value, role);
	return 0;
}

/*
 * `role list TENANT [--json]`: the source, the default ("-" or null:
 * none), the policy for unknown values, then one row per mapping.
 */
static int
role_list(struct store *st, const char *name, int json)
{
	struct store_txn	*tx;
	struct tenant		 t;
	const char		*src, *def, *unk;
	enum scim_err		 e;

	if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
		return cli_storefail("role list", e);
	if ((e = store_tenant_get(tx, name, &t)) == SCIM_OK) {
		src = t.tn_rolesource[0] ? t.tn_rolesource : "roles";
		def = t.tn_roledefault[0] ? t.tn_roledefault : NULL;
		unk = t.tn_rolereject ? "reject" : "default";
		if (json) {
			print_json("source", src, NULL);
			print_json("default", NULL, def);
			print_json("unknown", unk, NULL);
		} else {
			cli_row(stdout, 2, "source", src);
			cli_row(stdout, 2, "default", def != NULL ? def : "-");
			cli_row(stdout, 2, "unknown", unk);
		}
		e = store_role_each(tx, t.tn_id, print_mapping,
		    json ? &t : NULL);
	}
	store_abort(&tx);
	if (e == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: no tenant %s\n", name);
		return CLI_FAIL;
	}
	return e == SCIM_OK ? CLI_OK : cli_storefail("role list", e);
}

/* The command's words, for the audit entry. */
static cJSON *
args_json(int argc, char **argv)
{
	cJSON	*a = cJSON_CreateArray();
	int	 i;

	for (i = 0; a != NULL && i < argc; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(argv[i]));
	return a;
}

int
cli_role(struct cli *cl, int argc, char **argv)
{
	struct store		*st = cl->cl_store;
	struct store_txn	*tx;
	struct tenant		 t;
	const char		*cmd, *name;
	struct deprov_actor	 actor;
	size_t			 nre = 0, nchg = 0;
	enum scim_err		 e;
	int			 later = 0, json;

	if (strcmp(argv[0], "list") == 0) {
		json = argc == 3 && strcmp(argv[2], "--json") == 0;
		return cli_nargs("role", argc, argv, json ? 3 : 2) != CLI_OK ?
		    CLI_USAGE : role_list(st, argv[1], json);
	}
	cmd = argv[0];
	if (cli_nargs("role", argc, argv, strcmp(cmd, "map") == 0 ||
	    strcmp(cmd, "map-group") == 0 ? 4 : 3) != CLI_OK)
		return CLI_USAGE;
	name = argv[1];
	if ((strcmp(cmd, "unknown") == 0) && strcmp(argv[2], "reject") != 0 &&
	    strcmp(argv[2], "default") != 0) {
		fputs("scimlet: role unknown takes reject or default\n",
		    stderr);
		return CLI_FAIL;
	}
	if (strlen(argv[2]) > STORE_ROLE_MAX ||
	    (argc == 4 && strlen(argv[3]) > STORE_ROLE_MAX) ||
	    argv[2][0] == '\0' || (argc == 4 && argv[3][0] == '\0')) {
		fprintf(stderr, "scimlet: values are 1 to %d bytes\n",
		    STORE_ROLE_MAX);
		return CLI_FAIL;
	}
	if ((e = store_begin(st, 1, &tx)) != SCIM_OK)
		return cli_storefail("role", e);
	if ((e = store_tenant_get(tx, name, &t)) != SCIM_OK)
		goto out;
	actor.da_token = "cli";
	actor.da_request = "";
	actor.da_client = cl->cl_user;
	actor.da_agent = cl->cl_command;
	e = role_change(st, tx, &t, cmd, argv[2], argc == 4 ? argv[3] : NULL,
	    &actor, &later, &nre, &nchg);
	if (e == SCIM_EINVALVALUE) {
		store_abort(&tx);
		return cli_bad("role", "unknown word '%s'", cmd);
	}
	if (e == SCIM_OK)
		e = cli_audit_op(cl, tx, name, "operator.role", "Role",
		    argv[2], args_json(argc, argv));
out:
	if (e != SCIM_OK) {
		store_abort(&tx);
		if (e == SCIM_ENOTFOUND) {
			fprintf(stderr, "scimlet: no tenant %s, or no such "
			    "mapping\n", name);
			return CLI_FAIL;
		}
		return cli_storefail("role", e);
	}
	if ((e = store_commit(&tx)) != SCIM_OK)
		return cli_storefail("role", e);
	/* What it did to the users (README.md, "Role mappings"). */
	printf("recomputed %zu user%s, roles changed for %zu%s\n", nre,
	    nre == 1 ? "" : "s", nchg, !later ? "" :
	    " (applies to later requests)");
	return CLI_OK;
}
