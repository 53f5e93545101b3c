/*
 * user.c: `scimlet user show TENANT ID|USERNAME [--json]`,
 * `scimlet user list TENANT [--role ROLE] [--json]`: users as the store
 * has them, with their application roles; and `scimlet user check
 * TENANT ID|USERNAME [ROLE]`, for shell scripts and login hooks: exit 0
 * when the user exists, is active and holds ROLE, 1 (one line on stderr
 * saying why) when not.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "schema.h"
#include "scim.h"
#include "store.h"
#include "user_query.h"
#include "util.h"

struct listarg {
	const char	*role;
	int		 n;
	int		 json;
	enum scim_err	 err;
};

/* One line of `user list --json` (user_list_json()). */
static void
list_json(const char *id, const cJSON *doc)
{
	cJSON	*o;
	char	*out;

	if ((o = user_list_json(id, doc)) == NULL)
		return;
	if ((out = cJSON_PrintUnformatted(o)) != NULL) {
		cli_json(stdout, out, strlen(out));
		putchar('\n');
		free(out);
	}
	cJSON_Delete(o);
}

static int
list_one(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct listarg	*la = arg;
	const cJSON	*r, *el, *un, *act;
	cJSON		*doc;
	char		 ids[UUID_STRLEN + 1];
	int		 has = la->role == NULL, first = 1;

	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		la->err = SCIM_ESTORE;	/* a record we cannot read */
		return 1;
	}
	r = user_app_roles(doc);
	cJSON_ArrayForEach(el, r)
		if (la->role != NULL && cJSON_IsString(el) &&
		    strcmp(el->valuestring, la->role) == 0)
			has = 1;
	if (has && la->json) {
		util_uuid_format(id, ids);
		list_json(ids, doc);
		la->n++;
	} else if (has) {
		util_uuid_format(id, ids);
		un = cJSON_GetObjectItem(doc, "userName");
		act = cJSON_GetObjectItem(doc, "active");
		cli_field(stdout, ids);
		putchar('\t');
		cli_field(stdout, cJSON_GetStringValue(un));
		printf("\t%s\t", cJSON_IsFalse(act) ? "inactive" : "active");
		cJSON_ArrayForEach(el, r) {
			if (!first)
				putchar(',');
			cli_field(stdout, cJSON_GetStringValue(el));
			first = 0;
		}
		printf("%s\n", first ? "-" : "");
		la->n++;
	}
	cJSON_Delete(doc);
	return 0;
}

/*
 * user check: CLI_OK when doc (user who) is active and holds role (NULL:
 * any), else CLI_FAIL with one line on stderr saying why.
 */
static int
check_user(const cJSON *doc, const char *who, const char *role)
{
	const cJSON	*el;

	if (cJSON_IsFalse(cJSON_GetObjectItem(doc, "active"))) {
		fputs("scimlet: user ", stderr);
		cli_field(stderr, who);
		fputs(" is inactive\n", stderr);
		return CLI_FAIL;
	}
	if (role == NULL)
		return CLI_OK;
	cJSON_ArrayForEach(el, user_app_roles(doc))
		if (cJSON_IsString(el) && strcmp(el->valuestring, role) == 0)
			return CLI_OK;
	fputs("scimlet: user ", stderr);
	cli_field(stderr, who);
	fputs(" lacks role ", stderr);
	cli_field(stderr, role);
	fputc('\n', stderr);
	return CLI_FAIL;
}

int
cli_user(struct cli *cl, int argc, char **argv)
{
	struct store		*st = cl->cl_store;
	struct store_txn	*tx;
	struct tenant		 t;
	struct listarg		 la;
	char			*out;
	const char		*json;
	size_t			 len;
	cJSON			*doc;
	int			 i, rc, list = strcmp(argv[0], "list") == 0;
	int			 check = strcmp(argv[0], "check") == 0;
	enum scim_err		 e;

	/* The words (a userName may start with "-"), then the options:
	 * --json, and --role ROLE (list); check: words only. */
	memset(&la, 0, sizeof(la));
	if (argc < (list ? 2 : 3))
		return cli_nargs("user", argc, argv, list ? 2 : 3);
	if (check && argc > 4)
		return cli_nargs("user", argc, argv, 4);
	if (check && argc == 4)
		la.role = argv[3];
	for (i = list ? 2 : 3; i < argc && !check; i++) {
		if (strcmp(argv[i], "--json") == 0 && !la.json)
			la.json = 1;
		else if (list && strcmp(argv[i], "--role") == 0 &&
		    la.role == NULL) {
			if (i + 1 >= argc)
				return cli_bad("user", "--role: missing "
				    "value");
			la.role = argv[++i];
		} else
			return cli_bad("user", "%s '%s'", argv[i][0] == '-' ?
			    "unknown option" : "unexpected argument",
			    argv[i]);
	}
	if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
		return cli_storefail("user", e);
	if ((e = store_tenant_get(tx, argv[1], &t)) != SCIM_OK) {
		store_abort(&tx);
		fprintf(stderr, "scimlet: no tenant %s\n", argv[1]);
		return CLI_FAIL;
	}
	if (list) {
		e = store_res_each(tx, t.tn_id, RES_USER, list_one, &la);
		if (e == SCIM_OK)
			e = la.err;
		store_abort(&tx);
		return e == SCIM_OK ? CLI_OK : cli_storefail("user list", e);
	}
	/* show, check: by id, else by userName (any case). */
	if ((e = user_find(tx, &t, argv[2], &json, &len)) != SCIM_OK) {
		store_abort(&tx);
		if (e == SCIM_ENOTFOUND) {
			fputs("scimlet: no user ", stderr);
			cli_field(stderr, argv[2]);
			fputc('\n', stderr);
			return CLI_FAIL;
		}
		return cli_storefail(check ? "user check" : "user show", e);
	}
	doc = cJSON_ParseWithLength(json, len);
	store_abort(&tx);
	if (doc == NULL)	/* stored, but not JSON (store.h) */
		return cli_storefail(check ? "user check" : "user show",
		    SCIM_ESTORE);
	if (check) {
		rc = check_user(doc, argv[2], la.role);
		cJSON_Delete(doc);
		return rc;
	}
	/* As stored; --json: on one line. */
	if ((out = la.json ? cJSON_PrintUnformatted(doc) : cJSON_Print(doc)) ==
	    NULL) {
		cJSON_Delete(doc);
		return cli_storefail("user show", SCIM_ENOMEM);
	}
	cli_json(stdout, out, strlen(out));
	putchar('\n');
	free(out);
	cJSON_Delete(doc);
	return CLI_OK;
}
