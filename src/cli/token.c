/*
 * token.c: `scimlet token issue|list|revoke|rotate`.  The token is
 * printed once, alone on stdout, with its id on stderr, and never
 * stored: only its SHA-256 is.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "auth.h"
#include "cli/cli.h"
#include "json.h"
#include "scim.h"
#include "store.h"
#include "util.h"

/* How `token list` prints: as JSON, and in which transaction. */
struct listing {
	struct store_txn	*tx;
	int			 json;
};

static void
print_token(const struct auth_token_info *ti, void *arg)
{
	struct listing	*l = arg;
	cJSON		*o;
	const char	*used;
	char		*s;

	if ((o = auth_token_json(l->tx, ti)) == NULL)
		return;
	if (!l->json) {
		used = cJSON_GetStringValue(cJSON_GetObjectItem(o,
		    "last_used"));
		cli_row(stdout, 7, ti->id, ti->label != NULL ? ti->label : "-",
		    ti->scope, ti->created,
		    ti->expires != NULL ? ti->expires : "-",
		    ti->revoked != NULL ? ti->revoked : "-",
		    used != NULL ? used : "-");
	} else if ((s = cJSON_PrintUnformatted(o)) != NULL) {
		/* --json: one object per line, null for what is not set. */
		cli_json(stdout, s, strlen(s));
		fputc('\n', stdout);
		free(s);
	}
	cJSON_Delete(o);
}

/* The new token alone on stdout, its id on stderr. */
static int
show_token(char *token, const char *id)
{
	printf("%s\n", token);
	fflush(stdout);
	util_bzero(token, AUTH_TOKEN_LEN + 1);
	fprintf(stderr, "%s\n", id);
	return CLI_OK;
}

/* Options after the two words, as the verb allows (allow holds the
 * letters): l --label TEXT, e --expires D, g --grace D, j --json,
 * s --scope read|provision. */
struct topts {
	const char	*label;
	long long	 secs;		/* --expires or --grace */
	int		 json;
	int		 scoped;	/* --scope given */
	enum auth_scope	 scope;
};

static int
token_opts(int argc, char **argv, const char *allow,
    struct topts *o)
{
	int	i;

	memset(o, 0, sizeof(*o));
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 && strchr(allow, 'j'))
			o->json = 1;
		else if (strcmp(argv[i], "--scope") == 0 &&
		    strchr(allow, 's') && !o->scoped && i + 1 < argc) {
			if (auth_scope_parse(argv[++i], &o->scope) == -1)
				return cli_bad("token", "--scope: '%s' is "
				    "neither read nor provision", argv[i]);
			o->scoped = 1;
		} else if (strcmp(argv[i], "--label") == 0 &&
		    strchr(allow, 'l') && i + 1 < argc) {
			o->label = argv[++i];
			if (!auth_label_ok(o->label))
				return cli_bad("token", "--label: at most %d "
				    "bytes of UTF-8, no control characters",
				    AUTH_LABEL_MAX);
		} else if (((strcmp(argv[i], "--expires") == 0 &&
		    strchr(allow, 'e')) || (strcmp(argv[i], "--grace") == 0 &&
		    strchr(allow, 'g'))) && i + 1 < argc) {
			if (util_duration_parse(argv[i + 1], &o->secs) == -1 ||
			    (o->secs == 0 && argv[i][2] == 'e'))
				return cli_bad("token", "%s: bad duration '%s' "
				    "(like 90d, 12h, 30m, 3600s)", argv[i],
				    argv[i + 1]);
			i++;
		} else
			return cli_bad("token", "unexpected argument '%s'",
			    argv[i]);
	}
	return CLI_OK;
}

int
cli_token(struct cli *cl, int argc, char **argv)
{
	struct store		*st = cl->cl_store;
	struct store_txn	*tx;
	struct tenant		 t;
	struct topts		 o;
	struct listing		 ls;
	char			 token[AUTH_TOKEN_LEN + 1];
	char			 id[AUTH_ID_LEN + 1];
	char			 tname[SCIM_TENANT_MAX + 1];
	cJSON			*detail;
	enum scim_err		 e;

	if (argc < 2)
		return cli_nargs("token", argc, argv, 2);
	if (strcmp(argv[0], "issue") == 0) {
		if (token_opts(argc, argv, "les", &o) != CLI_OK)
			return CLI_USAGE;
		if ((e = store_begin(st, 1, &tx)) != SCIM_OK)
			return cli_storefail("token issue", e);
		if ((e = store_tenant_get(tx, argv[1], &t)) == SCIM_OK)
			e = auth_token_issue(tx, &t, o.label, o.secs, o.scope,
			    token, id);
		if (e == SCIM_OK) {
			/* What the new token may do: {"scope":"read"}. */
			if ((detail = cJSON_CreateObject()) == NULL ||
			    json_add_string(detail, "scope",
			    auth_scope_name(o.scope)) == -1) {
				cJSON_Delete(detail);
				e = SCIM_ENOMEM;
			} else
				e = cli_audit_op(cl, tx, argv[1],
				    "operator.token.issued", "Token", id,
				    detail);
		}
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
		return show_token(token, id);
	}
	if (strcmp(argv[0], "list") == 0) {
		if (token_opts(argc, argv, "j", &o) != CLI_OK)
			return CLI_USAGE;
		if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
			return cli_storefail("token list", e);
		ls.tx = tx;
		ls.json = o.json;
		if ((e = store_tenant_get(tx, argv[1], &t)) == SCIM_OK)
			e = auth_token_each(tx, argv[1], print_token, &ls);
		store_abort(&tx);
		if (e == SCIM_ENOTFOUND) {
			fprintf(stderr, "scimlet: no tenant %s\n", argv[1]);
			return CLI_FAIL;
		}
		return e == SCIM_OK ? CLI_OK : cli_storefail("token list", e);
	}
	if (strcmp(argv[0], "rotate") == 0) {
		if (token_opts(argc, argv, "g", &o) != CLI_OK)
			return CLI_USAGE;
		if ((e = store_begin(st, 1, &tx)) != SCIM_OK)
			return cli_storefail("token rotate", e);
		if ((e = auth_token_rotate(tx, argv[1], o.secs, token, id,
		    tname)) == SCIM_OK) {
			detail = cJSON_CreateObject();
			if (detail == NULL ||
			    json_add_string(detail, "successor", id) == -1) {
				cJSON_Delete(detail);
				e = SCIM_ENOMEM;
			} else
				e = cli_audit_op(cl, tx, tname,
				    "operator.token.rotated", "Token", argv[1],
				    detail);
		}
		if (e != SCIM_OK) {
			store_abort(&tx);
			util_bzero(token, sizeof(token));
			if (e == SCIM_ENOTFOUND || e == SCIM_EPRECOND) {
				fprintf(stderr, "scimlet: %s %s\n", e ==
				    SCIM_ENOTFOUND ? "no token" :
				    "revoked or expired token", argv[1]);
				return CLI_FAIL;
			}
			return cli_storefail("token rotate", e);
		}
		if ((e = store_commit(&tx)) != SCIM_OK)
			return cli_storefail("token rotate", e);
		return show_token(token, id);
	}
	if (strcmp(argv[0], "revoke") == 0) {
		if (cli_nargs("token", argc, argv, 2) != CLI_OK)
			return CLI_USAGE;
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
