/*
 * schema.c: `scimlet schema add|list|remove`: the attributes a tenant
 * declares beyond the RFC's (a core-namespace one such as Better Stack's
 * roleName, or urn:…:extension:NAME:2.0:User:ATTR), and those declared
 * automatically when Entra sent them.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "cli/cli.h"
#include "schema.h"
#include "scim.h"
#include "store.h"
#include "util.h"

/* "roleName" -> the core URN + ":roleName"; a URN as it is.  0 or -1. */
static int
full_urn(const char *arg, char *out, size_t len)
{
	const char	*attr, *c = strrchr(arg, ':');
	size_t		 i;

	if (c == NULL) {
		if ((size_t)snprintf(out, len, "%s:%s", URN_USER, arg) >= len)
			return -1;
		attr = arg;
	} else {
		if (strncasecmp(arg, "urn:", 4) != 0 || util_strlcpy(out, arg,
		    len) >= len)
			return -1;
		attr = c + 1;
	}
	if (!isalpha((unsigned char)attr[0]))
		return -1;
	for (i = 1; attr[i] != '\0'; i++)
		if (!isalnum((unsigned char)attr[i]) && attr[i] != '_' &&
		    attr[i] != '-')
			return -1;
	/* The core namespace holds the User schema's attributes alone. */
	if (schema_is_core_ns(out) &&
	    strncasecmp(out, URN_USER ":", strlen(URN_USER) + 1) != 0)
		return -1;
	/* Not an attribute the RFC schemas define already. */
	if (strncasecmp(out, URN_USER ":", strlen(URN_USER) + 1) == 0 &&
	    schema_attr_find(schema_static(RES_USER)->sc_attrs, attr) != NULL)
		return -1;
	return 0;
}

/* A declaration's string member (or NULL), and its flags. */
static const char *
str(const cJSON *d, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(d, k));
}

static int
flag(const cJSON *d, const char *k)
{
	return cJSON_IsTrue(cJSON_GetObjectItem(d, k));
}

/*
 * `schema list TENANT [--json]`: a row per attribute, or one object per
 * line as the tenant record holds it, {"urn","type","multi","caseExact",
 * "auto"}.
 */
static int
list(struct store_txn *tx, const char *name, int json)
{
	const cJSON	*d;
	cJSON		*doc, *o;
	char		*out;
	const char	*k;
	size_t		 i;
	enum scim_err	 e;
	static const char *const flags[] = { "multi", "caseExact", "auto" };

	if ((e = store_tenant_doc(tx, name, &doc)) != SCIM_OK)
		return e == SCIM_ENOTFOUND ? (fprintf(stderr,
		    "scimlet: no tenant %s\n", name), CLI_FAIL) :
		    cli_storefail("schema list", e);
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(doc, "attributes")) {
		if (!json) {
			cli_row(stdout, 5, str(d, "urn"), str(d, "type"),
			    flag(d, "multi") ? "multi" : "single",
			    flag(d, "caseExact") ? "case-exact" : "-",
			    flag(d, "auto") ? "auto" : "declared");
			continue;
		}
		if ((o = cJSON_CreateObject()) == NULL)
			break;
		for (i = 0; i < 2; i++) {
			k = i == 0 ? "urn" : "type";
			if (str(d, k) != NULL)
				cJSON_AddStringToObject(o, k, str(d, k));
			else
				cJSON_AddNullToObject(o, k);
		}
		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			cJSON_AddBoolToObject(o, flags[i], flag(d, flags[i]));
		if ((out = cJSON_PrintUnformatted(o)) != NULL) {
			cli_json(stdout, out, strlen(out));
			fputc('\n', stdout);
			free(out);
		}
		cJSON_Delete(o);
	}
	cJSON_Delete(doc);
	return CLI_OK;
}

/* Users that hold a value of attribute urn (no case), as stored. */
struct holders {
	char		 ext[512];	/* extension URN; "": core */
	const char	*attr;
	size_t		 n;
	enum scim_err	 err;
};

static int
count_holder(const uint8_t id[16], const char *json, size_t len, void *arg)
{
	struct holders	*h = arg;
	const cJSON	*v;
	cJSON		*doc;

	(void)id;
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL) {
		h->err = SCIM_ESTORE;	/* a record we cannot read */
		return 1;
	}
	v = h->ext[0] != '\0' ? cJSON_GetObjectItem(cJSON_GetObjectItem(doc,
	    h->ext), h->attr) : cJSON_GetObjectItem(doc, h->attr);
	if (v != NULL && !cJSON_IsNull(v))
		h->n++;
	cJSON_Delete(doc);
	return 0;
}

static enum scim_err
count_holders(struct store_txn *tx, const char *tenant, const char *urn,
    size_t *n)
{
	struct tenant	 t;
	struct holders	 h;
	const char	*c = strrchr(urn, ':');
	enum scim_err	 e;

	*n = 0;
	memset(&h, 0, sizeof(h));
	h.attr = c + 1;		/* full_urn() made sure of the colon */
	if (strncasecmp(urn, URN_USER ":", strlen(URN_USER) + 1) != 0)
		util_strlcpy(h.ext, urn, (size_t)(c - urn) + 1 < sizeof(h.ext) ?
		    (size_t)(c - urn) + 1 : sizeof(h.ext));
	if ((e = store_tenant_get(tx, tenant, &t)) != SCIM_OK ||
	    (e = store_res_each(tx, t.tn_id, RES_USER, count_holder, &h)) !=
	    SCIM_OK)
		return e;
	*n = h.n;
	return h.err;
}

int
cli_schema(struct cli *cl, int argc, char **argv)
{
	struct store		*st = cl->cl_store;
	struct store_txn	*tx;
	char			 urn[512];
	cJSON			*doc = NULL, *attrs, *d, *next;
	size_t			 held = 0;
	int			 multi = 0, exact = 0, i, rc, json;
	enum scim_err		 e;

	if (strcmp(argv[0], "list") == 0) {
		json = argc == 3 && strcmp(argv[2], "--json") == 0;
		if (cli_nargs("schema", argc, argv, json ? 3 : 2) != CLI_OK)
			return CLI_USAGE;
		if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
			return cli_storefail("schema list", e);
		rc = list(tx, argv[1], json);
		store_abort(&tx);
		return rc;
	}
	if (strcmp(argv[0], "add") == 0) {
		if (argc < 4)
			return cli_nargs("schema", argc, argv, 4);
		for (i = 4; i < argc; i++)
			if (strcmp(argv[i], "--multi") == 0)
				multi = 1;
			else if (strcmp(argv[i], "--case-exact") == 0)
				exact = 1;
			else
				return cli_bad("schema", "unknown option '%s'",
				    argv[i]);
		if (!schema_type_valid(argv[3])) {
			fputs("scimlet: TYPE is string, boolean, integer, "
			    "decimal, dateTime, reference or binary\n", stderr);
			return CLI_FAIL;
		}
	} else if (cli_nargs("schema", argc, argv, 3) != CLI_OK)
		return CLI_USAGE;
	if (full_urn(argv[2], urn, sizeof(urn)) == -1) {
		fprintf(stderr, "scimlet: %s: not an attribute name or "
		    "urn:…:ATTRIBUTE that scimlet does not already define\n",
		    argv[2]);
		return CLI_FAIL;
	}
	if ((e = store_begin(st, 1, &tx)) != SCIM_OK)
		return cli_storefail("schema", e);
	if ((e = store_tenant_doc(tx, argv[1], &doc)) != SCIM_OK)
		goto fail;
	if ((attrs = cJSON_GetObjectItem(doc, "attributes")) == NULL)
		attrs = cJSON_AddArrayToObject(doc, "attributes");
	/* Drop any earlier declaration of the same attribute. */
	rc = 0;
	for (d = attrs != NULL ? attrs->child : NULL; d != NULL; d = next) {
		next = d->next;
		if (util_strcaseeq(cJSON_GetStringValue(cJSON_GetObjectItem(d,
		    "urn")), urn)) {
			cJSON_Delete(cJSON_DetachItemViaPointer(attrs, d));
			rc = 1;
		}
	}
	if (strcmp(argv[0], "remove") == 0 && !rc) {
		e = SCIM_ENOTFOUND;
		goto fail;
	}
	if (strcmp(argv[0], "add") == 0) {
		if ((d = cJSON_CreateObject()) == NULL) {
			e = SCIM_ENOMEM;
			goto fail;
		}
		cJSON_AddStringToObject(d, "urn", urn);
		cJSON_AddStringToObject(d, "type", argv[3]);
		cJSON_AddBoolToObject(d, "multi", multi);
		cJSON_AddBoolToObject(d, "caseExact", exact);
		cJSON_AddBoolToObject(d, "auto", 0);
		cJSON_AddItemToArray(attrs, d);
	}
	if ((e = store_tenant_put_doc(tx, argv[1], doc)) != SCIM_OK ||
	    (e = cli_audit_op(cl, tx, argv[1], strcmp(argv[0], "add") == 0 ?
	    "operator.schema.added" : "operator.schema.removed", "Schema",
	    urn, NULL)) != SCIM_OK ||
	    (e = count_holders(tx, argv[1], urn, &held)) != SCIM_OK)
		goto fail;
	cJSON_Delete(doc);
	if ((e = store_commit(&tx)) != SCIM_OK)
		return cli_storefail("schema", e);
	/*
	 * A declaration changes no stored user: values held are kept as
	 * they are (README.md, "Declared attributes").
	 */
	printf("0 users changed, %zu hold%s the attribute (stored values are "
	    "kept)\n", held, held == 1 ? "s" : "");
	return CLI_OK;
fail:
	cJSON_Delete(doc);
	store_abort(&tx);
	if (e == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: no tenant %s, or no such attribute\n",
		    argv[1]);
		return CLI_FAIL;
	}
	return cli_storefail("schema", e);
}
