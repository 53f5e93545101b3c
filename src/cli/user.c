/*
 * user.c: `scimlet user show TENANT ID|USERNAME [--json]` and
 * `scimlet user list TENANT [--role ROLE] [--json]`: users as the store
 * has them, with their application roles.
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

int
cli_user(struct cli *cl, int argc, char **argv)
{
	struct store		*st = cl->cl_store;
	struct store_txn	*tx;
	struct tenant		 t;
	struct listarg		 la;
	uint8_t			 id[16], ids[2][16];
	char			 folded[SCIM_MAX_KEYSTR + 1], *out;
	const char		*json;
	size_t			 len, n;
	cJSON			*doc;
	int			 i, list = strcmp(argv[0], "list") == 0;
	enum scim_err		 e;

	/* The words (a userName may start with "-"), then the options:
	 * --json, and --role ROLE (list). */
	memset(&la, 0, sizeof(la));
	if (argc < (list ? 2 : 3))
		return cli_nargs("user", argc, argv, list ? 2 : 3);
	for (i = list ? 2 : 3; i < argc; i++) {
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
	/* show: by id, else by userName (any case). */
	if (util_uuid_parse(argv[2], id) == -1) {
		e = SCIM_ENOTFOUND;
		if (strlen(argv[2]) <= SCIM_MAX_KEYSTR) {
			schema_fold(argv[2], folded);
			e = store_idx_find(tx, t.tn_id, RES_USER, IDX_USERNAME,
			    folded, strlen(folded), ids, 2, &n);
			if (e == SCIM_OK && n == 0)
				e = SCIM_ENOTFOUND;
			if (e == SCIM_OK)
				memcpy(id, ids[0], 16);
		}
	}
	if (e == SCIM_OK)
		e = store_res_get(tx, t.tn_id, RES_USER, id, &json, &len);
	if (e != SCIM_OK) {
		store_abort(&tx);
		if (e == SCIM_ENOTFOUND) {
			fprintf(stderr, "scimlet: no user %s\n", argv[2]);
			return CLI_FAIL;
		}
		return cli_storefail("user show", e);
	}
	doc = cJSON_ParseWithLength(json, len);
	store_abort(&tx);
	if (doc == NULL)	/* stored, but not JSON (store.h) */
		return cli_storefail("user show", SCIM_ESTORE);
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
