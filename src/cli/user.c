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
#include "util.h"

static const cJSON *
app_roles(const cJSON *doc)
{
	return cJSON_GetObjectItem(cJSON_GetObjectItem(doc, URN_SCIMLET),
	    "appRoles");
}

struct listarg {
	const char	*role;
	int		 n;
	int		 json;
	enum scim_err	 err;
};

/*
 * One line of `user list --json`: {"id","userName","externalId",
 * "active","appRoles"}, null for a missing userName or externalId, []
 * for no roles.
 */
static void
list_json(const char *id, const cJSON *doc)
{
	const cJSON	*el;
	const char	*k;
	cJSON		*o, *a;
	char		*out;
	int		 i;

	if ((o = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddStringToObject(o, "id", id);
	for (i = 0; i < 2; i++) {
		k = i == 0 ? "userName" : "externalId";
		if (cJSON_GetStringValue(cJSON_GetObjectItem(doc, k)) != NULL)
			cJSON_AddStringToObject(o, k,
			    cJSON_GetStringValue(cJSON_GetObjectItem(doc, k)));
		else
			cJSON_AddNullToObject(o, k);
	}
	cJSON_AddBoolToObject(o, "active",
	    !cJSON_IsFalse(cJSON_GetObjectItem(doc, "active")));
	if ((a = cJSON_AddArrayToObject(o, "appRoles")) != NULL)
		cJSON_ArrayForEach(el, app_roles(doc))
			if (cJSON_IsString(el))
				cJSON_AddItemToArray(a,
				    cJSON_CreateString(el->valuestring));
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
	r = app_roles(doc);
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
 * The stored record of user who in tenant t: by id, else by userName
 * (any case, as the userName index folds it).
 */
static enum scim_err
user_find(struct store_txn *tx, const struct tenant *t, const char *who,
    const char **json, size_t *len)
{
	uint8_t		 id[16], ids[2][16];
	char		 folded[SCIM_MAX_KEYSTR + 1];
	size_t		 n;
	enum scim_err	 e = SCIM_ENOTFOUND;

	if (util_uuid_parse(who, id) == 0 &&
	    (e = store_res_get(tx, t->tn_id, RES_USER, id, json, len)) !=
	    SCIM_ENOTFOUND)
		return e;
	if (strlen(who) > SCIM_MAX_KEYSTR)
		return SCIM_ENOTFOUND;
	schema_fold(who, folded);
	e = store_idx_find(tx, t->tn_id, RES_USER, IDX_USERNAME, folded,
	    strlen(folded), ids, 2, &n);
	if (e == SCIM_OK && n == 0)
		e = SCIM_ENOTFOUND;
	if (e != SCIM_OK)
		return e;
	return store_res_get(tx, t->tn_id, RES_USER, ids[0], json, len);
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
	cJSON_ArrayForEach(el, app_roles(doc))
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
