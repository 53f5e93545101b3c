/*
 * schema.c: the attribute tables for User (RFC 7643 §4.1), the
 * EnterpriseUser extension (§4.3) and Group (§4.2), and normalisation of
 * incoming resources against them.
 *
 * Leniency, each for a client that needs it (CLIENTS.md):
 * - attribute names in any case (Microsoft's suite sends PascalCase);
 * - "True"/"false" strings for booleans (Entra), stored as booleans;
 * - null as absent; readOnly attributes (id, meta, groups) ignored;
 * - a one-element array for a single-valued attribute (old Entra);
 * - a bare string for a complex attribute with a "value" sub-attribute
 *   (Entra's manager);
 * - attributes under unknown "urn:" keys are kept as sent (Entra omits
 *   custom extension URNs from "schemas").
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "json.h"
#include "schema.h"
#include "scim_error.h"
#include "util.h"

#define END	{ NULL, 0, 0, 0, 0, 0, NULL, NULL }

/* canonicalValues (RFC 7643 §4.1.2, §4.2, §8.7.1). */
static const char *const canon_email[] = { "work", "home", "other", NULL };
static const char *const canon_phone[] = { "work", "home", "mobile", "fax",
	"pager", "other", NULL };
static const char *const canon_im[] = { "aim", "gtalk", "icq", "xmpp", "msn",
	"skype", "qq", "yahoo", NULL };
static const char *const canon_photo[] = { "photo", "thumbnail", NULL };
static const char *const canon_address[] = { "work", "home", "other", NULL };
static const char *const canon_member[] = { "User", "Group", NULL };
static const char *const canon_groups[] = { "direct", "indirect", NULL };

/* RFC 7643 §2.4: the sub-attributes of a plain multi-valued attribute. */
static const struct schema_attr mv_string[] = {
	{ "value", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "display", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "type", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "primary", AT_BOOLEAN, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	END
};

static const struct schema_attr mv_phone[] = {
	{ "value", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "display", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "type", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL,
	    canon_phone },
	{ "primary", AT_BOOLEAN, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL,
	    NULL },
	END
};

static const struct schema_attr mv_im[] = {
	{ "value", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "display", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "type", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL,
	    canon_im },
	{ "primary", AT_BOOLEAN, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL,
	    NULL },
	END
};

static const struct schema_attr mv_email[] = {
	{ "value", AT_STRING, AF_KEYSTR, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    NULL, NULL },
	{ "display", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "type", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL,
	    canon_email },
	{ "primary", AT_BOOLEAN, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	END
};

static const struct schema_attr mv_reference[] = {
	{ "value", AT_REFERENCE, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "display", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "type", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL,
	    canon_photo },
	{ "primary", AT_BOOLEAN, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	END
};

static const struct schema_attr mv_binary[] = {
	{ "value", AT_BINARY, AF_CASEEXACT, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    NULL, NULL },
	{ "display", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "type", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "primary", AT_BOOLEAN, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	END
};

static const struct schema_attr user_name[] = {
	{ "formatted", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "familyName", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "givenName", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "middleName", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "honorificPrefix", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    NULL, NULL },
	{ "honorificSuffix", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    NULL, NULL },
	END
};

static const struct schema_attr user_address[] = {
	{ "formatted", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "streetAddress", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    NULL, NULL },
	{ "locality", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "region", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "postalCode", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "country", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "type", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL,
	    canon_address },
	{ "primary", AT_BOOLEAN, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	END
};

static const struct schema_attr user_groups[] = {
	{ "value", AT_STRING, 0, MUT_RO, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "$ref", AT_REFERENCE, 0, MUT_RO, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "display", AT_STRING, 0, MUT_RO, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "type", AT_STRING, 0, MUT_RO, RET_DEFAULT, UNIQ_NONE, NULL,
	    canon_groups },
	END
};

static const struct schema_attr meta_attrs[] = {
	{ "resourceType", AT_STRING, AF_CASEEXACT, MUT_RO, RET_DEFAULT,
	    UNIQ_NONE, NULL, NULL },
	{ "created", AT_DATETIME, 0, MUT_RO, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "lastModified", AT_DATETIME, 0, MUT_RO, RET_DEFAULT, UNIQ_NONE,
	    NULL, NULL },
	{ "location", AT_REFERENCE, AF_CASEEXACT, MUT_RO, RET_DEFAULT,
	    UNIQ_NONE, NULL, NULL },
	{ "version", AT_STRING, AF_CASEEXACT, MUT_RO, RET_DEFAULT, UNIQ_NONE,
	    NULL, NULL },
	END
};

static const struct schema_attr user_attrs[] = {
	{ "id", AT_STRING, AF_CASEEXACT, MUT_RO, RET_ALWAYS, UNIQ_SERVER,
	    NULL, NULL },
	{ "externalId", AT_STRING, AF_CASEEXACT | AF_KEYSTR, MUT_RW,
	    RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "meta", AT_COMPLEX, 0, MUT_RO, RET_DEFAULT, UNIQ_NONE, meta_attrs, NULL },
	{ "userName", AT_STRING, AF_REQUIRED | AF_KEYSTR, MUT_RW, RET_DEFAULT,
	    UNIQ_SERVER, NULL, NULL },
	{ "name", AT_COMPLEX, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, user_name, NULL },
	{ "displayName", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "nickName", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "profileUrl", AT_REFERENCE, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    NULL, NULL },
	{ "title", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "userType", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "preferredLanguage", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    NULL, NULL },
	{ "locale", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "timezone", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "active", AT_BOOLEAN, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "password", AT_STRING, AF_CASEEXACT, MUT_WO, RET_NEVER, UNIQ_NONE,
	    NULL, NULL },
	{ "emails", AT_COMPLEX, AF_MULTI, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    mv_email, NULL },
	{ "phoneNumbers", AT_COMPLEX, AF_MULTI, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    mv_phone, NULL },
	{ "ims", AT_COMPLEX, AF_MULTI, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    mv_im, NULL },
	{ "photos", AT_COMPLEX, AF_MULTI, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    mv_reference, NULL },
	{ "addresses", AT_COMPLEX, AF_MULTI, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    user_address, NULL },
	{ "groups", AT_COMPLEX, AF_MULTI, MUT_RO, RET_DEFAULT, UNIQ_NONE,
	    user_groups, NULL },
	{ "entitlements", AT_COMPLEX, AF_MULTI, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    mv_string, NULL },
	{ "roles", AT_COMPLEX, AF_MULTI, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    mv_string, NULL },
	{ "x509Certificates", AT_COMPLEX, AF_MULTI, MUT_RW, RET_DEFAULT,
	    UNIQ_NONE, mv_binary, NULL },
	END
};

static const struct schema_attr enterprise_manager[] = {
	{ "value", AT_STRING, AF_CASEEXACT, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    NULL, NULL },
	{ "$ref", AT_REFERENCE, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "displayName", AT_STRING, 0, MUT_RO, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	END
};

static const struct schema_attr enterprise_attrs[] = {
	{ "employeeNumber", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    NULL, NULL },
	{ "costCenter", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "organization", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "division", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "department", AT_STRING, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "manager", AT_COMPLEX, 0, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    enterprise_manager, NULL },
	END
};

static const struct schema_attr group_members[] = {
	{ "value", AT_STRING, AF_CASEEXACT, MUT_IMMUTABLE, RET_DEFAULT,
	    UNIQ_NONE, NULL, NULL },
	{ "$ref", AT_REFERENCE, 0, MUT_IMMUTABLE, RET_DEFAULT, UNIQ_NONE,
	    NULL, NULL },
	{ "display", AT_STRING, 0, MUT_RO, RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "type", AT_STRING, 0, MUT_IMMUTABLE, RET_DEFAULT, UNIQ_NONE, NULL,
	    canon_member },
	END
};

static const struct schema_attr group_attrs[] = {
	{ "id", AT_STRING, AF_CASEEXACT, MUT_RO, RET_ALWAYS, UNIQ_SERVER,
	    NULL, NULL },
	{ "externalId", AT_STRING, AF_CASEEXACT | AF_KEYSTR, MUT_RW,
	    RET_DEFAULT, UNIQ_NONE, NULL, NULL },
	{ "meta", AT_COMPLEX, 0, MUT_RO, RET_DEFAULT, UNIQ_NONE, meta_attrs, NULL },
	{ "displayName", AT_STRING, AF_REQUIRED | AF_KEYSTR, MUT_RW,
	    RET_DEFAULT, UNIQ_SERVER, NULL, NULL },
	{ "members", AT_COMPLEX, AF_MULTI, MUT_RW, RET_DEFAULT, UNIQ_NONE,
	    group_members, NULL },
	END
};

/* scimlet's own: what the role mapping gives a user (roles.c). */
static const struct schema_attr scimlet_attrs[] = {
	{ "appRoles", AT_STRING, AF_MULTI | AF_CASEEXACT, MUT_RO, RET_DEFAULT,
	    UNIQ_NONE, NULL, NULL },
	END
};

static const struct schema_ext user_exts[] = {
	{ URN_ENTERPRISE, enterprise_attrs, "EnterpriseUser",
	    "Enterprise User" },
	{ URN_SCIMLET, scimlet_attrs, "ScimletUser",
	    "The application roles the tenant's role mapping gives the user" },
	{ NULL, NULL, NULL, NULL }
};

static const struct schema_ext no_exts[] = {
	{ NULL, NULL, NULL, NULL }
};

static const struct schema user_schema = {
	RES_USER, "User", "User Account", "Users", URN_USER, user_attrs,
	user_exts
};

static const struct schema group_schema = {
	RES_GROUP, "Group", "Group", "Groups", URN_GROUP, group_attrs, no_exts
};

/*
 * The request's tenant may declare attributes (scimlet schema add, or
 * automatically for the extension attributes Entra sends): its User schema
 * is then the static one plus those.  Set per request by main.c through
 * schema_tenant_load() and dropped by schema_tenant_reset(): the only
 * state kept between calls, reset for every request.
 */
struct dyn_schema {
	struct schema		 ds_sc;
	struct schema_attr	*ds_core;
	struct schema_ext	*ds_exts;
	struct schema_attr	*ds_extattrs;
	cJSON			*ds_src;	/* owns the name strings */
};

static struct dyn_schema	*tenant_user;
static cJSON			*found;		/* to declare, this request */

const struct schema *
schema_get(enum res_type type)
{
	if (type == RES_GROUP)
		return &group_schema;
	return tenant_user != NULL ? &tenant_user->ds_sc : &user_schema;
}

int
schema_is_static_ext(const char *urn)
{
	return util_strcaseeq(urn, URN_ENTERPRISE) ||
	    util_strcaseeq(urn, URN_SCIMLET);
}

int
schema_is_core_ns(const char *key)
{
	return strncasecmp(key, URN_CORE_NS, strlen(URN_CORE_NS)) == 0;
}

static enum attr_type
type_named(const char *t)
{
	static const struct {
		const char	*name;
		enum attr_type	 type;
	} names[] = {
		{ "string", AT_STRING }, { "boolean", AT_BOOLEAN },
		{ "decimal", AT_DECIMAL }, { "integer", AT_INTEGER },
		{ "dateTime", AT_DATETIME }, { "binary", AT_BINARY },
		{ "reference", AT_REFERENCE },
	};
	size_t	i;

	for (i = 0; t != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (util_strcaseeq(t, names[i].name))
			return names[i].type;
	return AT_STRING;
}

int
schema_type_valid(const char *t)
{
	return util_strcaseeq(t, "string") || util_strcaseeq(t, "boolean") ||
	    util_strcaseeq(t, "decimal") || util_strcaseeq(t, "integer") ||
	    util_strcaseeq(t, "dateTime") || util_strcaseeq(t, "binary") ||
	    util_strcaseeq(t, "reference");
}

/* Split "URN:attr" at its last colon; the attribute part. */
static const char *
decl_attr(const char *urn)
{
	const char	*c = strrchr(urn, ':');

	return c != NULL ? c + 1 : urn;
}

static void
decl_fill(struct schema_attr *a, const cJSON *d)
{
	const cJSON	*u = cJSON_GetObjectItem(d, "urn");

	memset(a, 0, sizeof(*a));
	a->sa_name = decl_attr(u->valuestring);
	a->sa_type = type_named(cJSON_GetStringValue(
	    cJSON_GetObjectItem(d, "type")));
	a->sa_flags = (cJSON_IsTrue(cJSON_GetObjectItem(d, "multi")) ?
	    AF_MULTI : 0) | (cJSON_IsTrue(cJSON_GetObjectItem(d,
	    "caseExact")) ? AF_CASEEXACT : 0);
	a->sa_mut = MUT_RW;
	a->sa_ret = RET_DEFAULT;
	a->sa_uniq = UNIQ_NONE;
}

void
schema_tenant_reset(void)
{
	if (tenant_user != NULL) {
		free(tenant_user->ds_core);
		free(tenant_user->ds_exts);
		free(tenant_user->ds_extattrs);
		cJSON_Delete(tenant_user->ds_src);
		free(tenant_user);
		tenant_user = NULL;
	}
	cJSON_Delete(found);
	found = NULL;
}

/*
 * decls: the tenant record's "attributes" array (consumed).  Core
 * declarations (urn:…:core:2.0:User:x) extend the User table; the others
 * are grouped into one extension per URN, in the order first declared.
 */
enum scim_err
schema_tenant_load(cJSON *decls)
{
	struct dyn_schema	*ds;
	const cJSON		*d, *u;
	cJSON			*item;
	size_t			 ncore = 0, nstatic = 0, nst = 0, ndecl = 0;
	size_t			 j, ne, ea;
	char			 urn[256];
	const char		*c;

	schema_tenant_reset();
	if (!cJSON_IsArray(decls) || decls->child == NULL) {
		cJSON_Delete(decls);
		return SCIM_OK;
	}
	for (d = decls->child; d != NULL; d = d->next) {
		u = cJSON_GetObjectItem(d, "urn");
		if (!cJSON_IsString(u) || strrchr(u->valuestring, ':') == NULL)
			continue;
		ndecl++;
	}
	while (user_attrs[nstatic].sa_name != NULL)
		nstatic++;
	while (user_exts[nst].se_urn != NULL)
		nst++;
	if ((ds = calloc(1, sizeof(*ds))) == NULL ||
	    (ds->ds_core = calloc(nstatic + ndecl + 1,
	    sizeof(*ds->ds_core))) == NULL ||
	    (ds->ds_exts = calloc(nst + ndecl + 1, sizeof(*ds->ds_exts))) ==
	    NULL ||
	    (ds->ds_extattrs = calloc(2 * ndecl + 1,
	    sizeof(*ds->ds_extattrs))) == NULL) {
		if (ds != NULL) {
			free(ds->ds_core);
			free(ds->ds_exts);
		}
		free(ds);
		cJSON_Delete(decls);
		return SCIM_ENOMEM;
	}
	ds->ds_src = decls;
	memcpy(ds->ds_core, user_attrs, nstatic * sizeof(*ds->ds_core));
	memcpy(ds->ds_exts, user_exts, nst * sizeof(*ds->ds_exts));
	ncore = nstatic;
	ne = nst;
	ea = 0;
	/* Core declarations first. */
	for (d = decls->child; d != NULL; d = d->next) {
		u = cJSON_GetObjectItem(d, "urn");
		if (!cJSON_IsString(u) || (c = strrchr(u->valuestring, ':')) ==
		    NULL)
			continue;
		if ((size_t)(c - u->valuestring) == strlen(URN_USER) &&
		    strncasecmp(u->valuestring, URN_USER, strlen(URN_USER)) ==
		    0 && schema_attr_find(user_attrs, c + 1) == NULL)
			decl_fill(&ds->ds_core[ncore++], d);
	}
	/* Extensions: each URN's attributes together, END after each. */
	for (d = decls->child; d != NULL; d = d->next) {
		u = cJSON_GetObjectItem(d, "urn");
		if (!cJSON_IsString(u) || (c = strrchr(u->valuestring, ':')) ==
		    NULL || (size_t)(c - u->valuestring) >= sizeof(urn))
			continue;
		memcpy(urn, u->valuestring, (size_t)(c - u->valuestring));
		urn[c - u->valuestring] = '\0';
		if (util_strcaseeq(urn, URN_USER) || schema_is_static_ext(urn))
			continue;
		for (j = nst; j < ne; j++)
			if (util_strcaseeq(ds->ds_exts[j].se_urn, urn))
				break;
		if (j < ne)
			continue;	/* done with the first of its URN */
		ds->ds_exts[ne].se_attrs = &ds->ds_extattrs[ea];
		ds->ds_exts[ne].se_name = "Extension";
		ds->ds_exts[ne].se_description = "Declared by the tenant";
		for (const cJSON *e = d; e != NULL; e = e->next) {
			const cJSON *eu = cJSON_GetObjectItem(e, "urn");
			const char *ec;
			if (!cJSON_IsString(eu) ||
			    (ec = strrchr(eu->valuestring, ':')) == NULL ||
			    (size_t)(ec - eu->valuestring) != strlen(urn) ||
			    strncasecmp(eu->valuestring, urn, strlen(urn)) != 0)
				continue;
			decl_fill(&ds->ds_extattrs[ea++], e);
		}
		ds->ds_extattrs[ea++].sa_name = NULL;	/* END */
		/* The URN, kept alive by the source document. */
		if ((item = cJSON_CreateString(urn)) == NULL)
			break;
		cJSON_AddItemToArray(decls, item);
		ds->ds_exts[ne++].se_urn = item->valuestring;
	}
	ds->ds_sc = user_schema;
	ds->ds_sc.sc_attrs = ds->ds_core;
	ds->ds_sc.sc_exts = ds->ds_exts;
	tenant_user = ds;
	return SCIM_OK;
}

void
schema_found_add(const char *urn, const char *attr, const cJSON *v)
{
	cJSON	*d;
	char	 full[512];
	const cJSON *f;

	snprintf(full, sizeof(full), "%s:%s", urn, attr);
	if (found == NULL && (found = cJSON_CreateArray()) == NULL)
		return;
	cJSON_ArrayForEach(f, found)
		if (util_strcaseeq(cJSON_GetStringValue(
		    cJSON_GetObjectItem(f, "urn")), full))
			return;
	if ((d = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddStringToObject(d, "urn", full);
	cJSON_AddStringToObject(d, "type", cJSON_IsBool(v) ? "boolean" :
	    cJSON_IsNumber(v) ? "decimal" : "string");
	cJSON_AddBoolToObject(d, "multi", cJSON_IsArray(v));
	cJSON_AddBoolToObject(d, "caseExact", 0);
	cJSON_AddBoolToObject(d, "auto", 1);
	cJSON_AddItemToArray(found, d);
}

cJSON *
schema_found_take(void)
{
	cJSON	*f = found;

	found = NULL;
	return f;
}

const struct schema_attr *
schema_attr_find(const struct schema_attr *tab, const char *name)
{
	for (; tab != NULL && tab->sa_name != NULL; tab++)
		if (util_strcaseeq(tab->sa_name, name))
			return tab;
	return NULL;
}

void
schema_fold(const char *in, char *out)
{
	for (; *in != '\0'; in++, out++)
		*out = (char)tolower((unsigned char)*in);
	*out = '\0';
}

/* The extension whose URN prefixes path ("URN:attr"), or NULL. */
static const struct schema_ext *
ext_prefix(const struct schema *sc, const char *path, const char **rest)
{
	const struct schema_ext	*e;
	size_t			 n;

	for (e = sc->sc_exts; e->se_urn != NULL; e++) {
		n = strlen(e->se_urn);
		if (strncasecmp(path, e->se_urn, n) == 0 &&
		    (path[n] == ':' || path[n] == '\0')) {
			*rest = path[n] == ':' ? path + n + 1 : path + n;
			return e;
		}
	}
	return NULL;
}

int
schema_resolve(const struct schema *sc, const char *path,
    const struct schema_attr **attr, const struct schema_attr **sub,
    const char **ext)
{
	const struct schema_attr	*tab = sc->sc_attrs;
	const struct schema_ext		*e;
	const char			*rest = path, *dot;
	char				 name[128];
	size_t				 n;

	*attr = *sub = NULL;
	*ext = NULL;
	if ((e = ext_prefix(sc, path, &rest)) != NULL) {
		tab = e->se_attrs;
		*ext = e->se_urn;
	} else if (strncasecmp(path, sc->sc_urn, strlen(sc->sc_urn)) == 0 &&
	    path[strlen(sc->sc_urn)] == ':')
		rest = path + strlen(sc->sc_urn) + 1;
	dot = strchr(rest, '.');
	n = dot != NULL ? (size_t)(dot - rest) : strlen(rest);
	if (n == 0 || n >= sizeof(name))
		return -1;
	memcpy(name, rest, n);
	name[n] = '\0';
	if ((*attr = schema_attr_find(tab, name)) == NULL && e == NULL &&
	    rest == path) {
		/* Entra sends extension attributes unprefixed ("manager"). */
		for (e = sc->sc_exts; e->se_urn != NULL; e++)
			if ((*attr = schema_attr_find(e->se_attrs, name))) {
				*ext = e->se_urn;
				break;
			}
	}
	if (*attr == NULL)
		return -1;
	if (dot == NULL)
		return 0;
	if ((*sub = schema_attr_find((*attr)->sa_sub, dot + 1)) == NULL)
		return -1;
	return 0;
}

static enum scim_err norm_object(const struct schema_attr *,
		    const cJSON *, cJSON *, const char *, const char *,
		    struct scim_resp *);

/* Coerce and check one scalar of attribute a.  Returns a new item. */
static enum scim_err
norm_scalar(const struct schema_attr *a, const cJSON *v, const char *where,
    cJSON **out, struct scim_resp *resp)
{
	*out = NULL;
	switch (a->sa_type) {
	case AT_BOOLEAN:
		if (cJSON_IsBool(v))
			*out = cJSON_CreateBool(cJSON_IsTrue(v));
		else if (cJSON_IsString(v) &&
		    util_strcaseeq(v->valuestring, "true"))
			*out = cJSON_CreateTrue();
		else if (cJSON_IsString(v) &&
		    util_strcaseeq(v->valuestring, "false"))
			*out = cJSON_CreateFalse();
		else
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "%s must be a boolean", where);
		break;
	case AT_INTEGER:
	case AT_DECIMAL:
		if (!cJSON_IsNumber(v))
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "%s must be a number", where);
		*out = cJSON_Duplicate(v, 0);
		break;
	default:
		if (!cJSON_IsString(v))
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "%s must be a string", where);
		if ((a->sa_flags & AF_KEYSTR) &&
		    strlen(v->valuestring) > SCIM_MAX_KEYSTR)
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "%s is longer than %d bytes", where,
			    SCIM_MAX_KEYSTR);
		*out = cJSON_CreateString(v->valuestring);
		break;
	}
	return *out == NULL ? scim_fail(resp, SCIM_ENOMEM, NULL) : SCIM_OK;
}

/*
 * Entra sends app roles in PATCH as {"value": "{\"id\":…,\"value\":\"Admin\",
 * \"displayName\":…}"}: a JSON object inside the string.  Returns the
 * element with the inner value (and display) unwrapped, or NULL when v is
 * not of that shape.
 */
static cJSON *
role_unwrap(const cJSON *v)
{
	const cJSON	*s, *iv, *idn;
	cJSON		*in, *out;

	s = cJSON_IsString(v) ? v : cJSON_GetObjectItem(v, "value");
	if (!cJSON_IsString(s) || s->valuestring[0] != '{')
		return NULL;
	if ((in = cJSON_Parse(s->valuestring)) == NULL)
		return NULL;
	iv = cJSON_GetObjectItem(in, "value");
	idn = cJSON_GetObjectItem(in, "displayName");
	if (!cJSON_IsString(iv) || (out = cJSON_IsObject(v) ?
	    cJSON_Duplicate(v, 1) : cJSON_CreateObject()) == NULL) {
		cJSON_Delete(in);
		return NULL;
	}
	cJSON_DeleteItemFromObject(out, "value");
	json_add_string(out, "value", iv->valuestring);
	if (cJSON_IsString(idn) && cJSON_GetObjectItem(out, "display") == NULL)
		json_add_string(out, "display", idn->valuestring);
	cJSON_Delete(in);
	return out;
}

enum scim_err
schema_single(const struct schema_attr *a, const cJSON *v, cJSON **out,
    struct scim_resp *resp)
{
	const char	*where = a->sa_name;
	cJSON		*unwrapped = NULL;
	enum scim_err	 e;

	*out = NULL;
	if (a->sa_type != AT_COMPLEX)
		return norm_scalar(a, v, where, out, resp);
	if (strcmp(a->sa_name, "roles") == 0 &&
	    (unwrapped = role_unwrap(v)) != NULL) {
		e = schema_single(a, unwrapped, out, resp);
		cJSON_Delete(unwrapped);
		return e;
	}
	if (cJSON_IsString(v) && schema_attr_find(a->sa_sub, "value")) {
		/*
		 * A bare string for a complex attribute: its value, checked
		 * as {"value": v} would be (length of emails.value).
		 */
		if ((unwrapped = cJSON_CreateObject()) == NULL ||
		    json_add_string(unwrapped, "value", v->valuestring) == -1) {
			cJSON_Delete(unwrapped);
			return scim_fail(resp, SCIM_ENOMEM, NULL);
		}
		e = schema_single(a, unwrapped, out, resp);
		cJSON_Delete(unwrapped);
		return e;
	}
	if (!cJSON_IsObject(v))
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "%s must be an object", where);
	if ((*out = cJSON_CreateObject()) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	if ((e = norm_object(a->sa_sub, v, *out, where, NULL, resp)) !=
	    SCIM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
		return e;
	}
	/*
	 * The manager is kept as {"value": id} whatever shape came in, so
	 * Entra reads back what it compares and does not re-send it.
	 */
	if (strcmp(a->sa_name, "manager") == 0)
		cJSON_DeleteItemFromObject(*out, "$ref");
	return SCIM_OK;
}

enum scim_err
schema_value(const struct schema_attr *a, const cJSON *v, cJSON **out,
    struct scim_resp *resp)
{
	const cJSON	*el;
	cJSON		*arr, *item;
	enum scim_err	 e;
	int		 primaries;

	*out = NULL;
	if (cJSON_IsNull(v))
		return SCIM_OK;
	if (!(a->sa_flags & AF_MULTI)) {
		/* Old Entra: [{"value": x}] for a single value. */
		if (cJSON_IsArray(v)) {
			if (cJSON_GetArraySize(v) == 0)
				return SCIM_OK;
			if (cJSON_GetArraySize(v) != 1)
				return scim_fail(resp, SCIM_EINVALVALUE,
				    "%s is single-valued", a->sa_name);
			v = v->child;
			if (a->sa_type != AT_COMPLEX && cJSON_IsObject(v) &&
			    cJSON_GetObjectItem(v, "value") != NULL)
				v = cJSON_GetObjectItem(v, "value");
			if (cJSON_IsNull(v))
				return SCIM_OK;
		}
		return schema_single(a, v, out, resp);
	}
	if ((arr = cJSON_CreateArray()) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	if (!cJSON_IsArray(v)) {
		if ((e = schema_single(a, v, &item, resp)) != SCIM_OK) {
			cJSON_Delete(arr);
			return e;
		}
		cJSON_AddItemToArray(arr, item);
	} else
		cJSON_ArrayForEach(el, v) {
			if (cJSON_IsNull(el))
				continue;
			if ((e = schema_single(a, el, &item, resp))) {
				cJSON_Delete(arr);
				return e;
			}
			cJSON_AddItemToArray(arr, item);
		}
	/* RFC 7643 §2.4: "true" for primary at most once. */
	primaries = 0;
	cJSON_ArrayForEach(el, arr)
		primaries += cJSON_IsTrue(cJSON_GetObjectItem(el, "primary"));
	if (primaries > 1) {
		cJSON_Delete(arr);
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "%s: more than one value is primary", a->sa_name);
	}
	*out = arr;
	return SCIM_OK;
}

/*
 * Normalise the members of object in (attributes from tab) into out.
 * Unknown members are dropped (RFC 7643 §3: ignored), except in a custom
 * extension (custom: its URN), where they are kept as sent and recorded
 * for declaration.
 */
static enum scim_err
norm_object(const struct schema_attr *tab, const cJSON *in, cJSON *out,
    const char *where, const char *custom, struct scim_resp *resp)
{
	const struct schema_attr	*a;
	const cJSON			*v;
	const char			*name;
	cJSON				*item;
	enum scim_err			 e;

	cJSON_ArrayForEach(v, in) {
		if (cJSON_IsNull(v))
			continue;
		if ((a = schema_attr_find(tab, v->string)) != NULL) {
			if (a->sa_mut == MUT_RO || a->sa_mut == MUT_WO)
				continue;
			if ((e = schema_value(a, v, &item, resp)) != SCIM_OK)
				return e;
			if (item == NULL)
				continue;
			name = a->sa_name;
		} else if (custom != NULL) {
			if ((item = cJSON_Duplicate(v, 1)) == NULL)
				return scim_fail(resp, SCIM_ENOMEM, NULL);
			schema_found_add(custom, v->string, v);
			name = v->string;
		} else
			continue;
		if (cJSON_GetObjectItem(out, name) != NULL) {
			cJSON_Delete(item);
			return scim_fail(resp, SCIM_EINVALSYNTAX,
			    "%.64s%s%.64s is given twice", where != NULL ?
			    where : "", where != NULL ? "." : "", name);
		}
		if (json_add(out, name, item) == -1)
			return scim_fail(resp, SCIM_ENOMEM, NULL);
	}
	return SCIM_OK;
}

const char *
schema_core_attr(const struct schema *sc, const char *key)
{
	size_t	n = strlen(sc->sc_urn);

	if (strncasecmp(key, sc->sc_urn, n) == 0 && key[n] == ':')
		return key + n + 1;
	return NULL;
}

/* A tenant's own extension keeps (and declares) what it does not know. */
static const char *
custom_of(const struct schema *sc, const struct schema_ext *ext)
{
	return sc->sc_type == RES_USER && !schema_is_static_ext(ext->se_urn) ?
	    ext->se_urn : NULL;
}

/* The object for extension URN urn in out, made when absent. */
static cJSON *
ext_object(cJSON *out, const char *urn)
{
	cJSON	*o;

	if ((o = cJSON_GetObjectItem(out, urn)) != NULL)
		return cJSON_IsObject(o) ? o : NULL;
	if ((o = cJSON_CreateObject()) == NULL || json_add(out, urn, o) == -1)
		return NULL;
	return o;
}

/* Attribute name of unknown extension urn into eo: kept as sent. */
static enum scim_err
ext_put(const struct schema *sc, cJSON *eo, const char *urn,
    const char *name, const cJSON *v, struct scim_resp *resp)
{
	if (cJSON_GetObjectItem(eo, name) != NULL)
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "%.128s:%.64s is given twice", urn, name);
	if (json_add(eo, name, cJSON_Duplicate(v, 1)) == -1)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	if (sc->sc_type == RES_USER)
		schema_found_add(urn, name, v);
	return SCIM_OK;
}

/*
 * v under a "urn:" key of no known schema: an extension nobody declared
 * (Entra's custom ones).  {"URN": {...}} and "URN:attr" keys, in any
 * order, go into one object in doc, kept as sent; for a User each
 * attribute is declared.  A key of neither shape is ignored.
 */
static enum scim_err
unknown_ext(const struct schema *sc, cJSON *doc, const cJSON *v,
    struct scim_resp *resp)
{
	const cJSON	*m;
	const char	*colon;
	cJSON		*eo;
	char		 urn[256];
	size_t		 n;
	enum scim_err	 e;

	if (cJSON_IsObject(v)) {
		if ((eo = ext_object(doc, v->string)) == NULL)
			return scim_fail(resp, SCIM_EINVALSYNTAX,
			    "%.64s is given twice", v->string);
		cJSON_ArrayForEach(m, v)
			if ((e = ext_put(sc, eo, v->string, m->string, m,
			    resp)) != SCIM_OK)
				return e;
		return SCIM_OK;
	}
	if ((colon = strrchr(v->string, ':')) == NULL || colon[1] == '\0' ||
	    (n = (size_t)(colon - v->string)) >= sizeof(urn))
		return SCIM_OK;
	memcpy(urn, v->string, n);
	urn[n] = '\0';
	if ((eo = ext_object(doc, urn)) == NULL)
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "%.64s is given twice", urn);
	return ext_put(sc, eo, urn, colon + 1, v, resp);
}

enum scim_err
schema_normalize(const struct schema *sc, const cJSON *in, cJSON **out,
    struct scim_resp *resp)
{
	const struct schema_ext		*ext;
	const struct schema_attr	*a;
	const cJSON			*v;
	const char			*rest, *name;
	cJSON				*doc, *eo, *item, *one;
	enum scim_err			 e = SCIM_OK;

	*out = NULL;
	if ((doc = cJSON_CreateObject()) == NULL)
		return scim_fail(resp, SCIM_ENOMEM, NULL);
	cJSON_ArrayForEach(v, in) {
		if (cJSON_IsNull(v) || util_strcaseeq(v->string, "schemas"))
			continue;
		if ((ext = ext_prefix(sc, v->string, &rest)) != NULL) {
			if ((eo = ext_object(doc, ext->se_urn)) == NULL) {
				e = scim_fail(resp, SCIM_ENOMEM, NULL);
				break;
			}
			if (*rest == '\0') {
				/* The extension object. */
				if (!cJSON_IsObject(v)) {
					e = scim_fail(resp, SCIM_EINVALVALUE,
					    "%s must be an object",
					    ext->se_urn);
					break;
				}
				e = norm_object(ext->se_attrs, v, eo,
				    ext->se_urn, custom_of(sc, ext), resp);
			} else {
				/* "URN:attr": one attribute of it. */
				if ((one = cJSON_CreateObject()) == NULL ||
				    json_add(one, rest,
				    cJSON_Duplicate(v, 1)) == -1) {
					cJSON_Delete(one);
					e = scim_fail(resp, SCIM_ENOMEM, NULL);
					break;
				}
				e = norm_object(ext->se_attrs, one, eo,
				    ext->se_urn, custom_of(sc, ext), resp);
				cJSON_Delete(one);
			}
			if (e != SCIM_OK)
				break;
			continue;
		}
		if ((name = schema_core_attr(sc, v->string)) != NULL) {
			/* RFC 7644 §3.10: "URN:attr" is the core attr. */
			if ((a = schema_attr_find(sc->sc_attrs, name)) ==
			    NULL)
				continue;	/* undeclared: ignored */
		} else if (util_strcaseeq(v->string, sc->sc_urn)) {
			/* Only an extension's attributes are nested. */
			e = scim_fail(resp, SCIM_EINVALSYNTAX, "core "
			    "attributes go at the top level, not under %s",
			    sc->sc_urn);
			break;
		} else if (schema_is_core_ns(v->string)) {
			/* Another resource type's (RFC 7643 §3). */
			e = scim_fail(resp, SCIM_EINVALVALUE, "%.128s names "
			    "a schema %s does not have", v->string,
			    sc->sc_name);
			break;
		} else if (strncasecmp(v->string, "urn:", 4) == 0) {
			if ((e = unknown_ext(sc, doc, v, resp)) != SCIM_OK)
				break;
			continue;
		} else
			a = schema_attr_find(sc->sc_attrs, v->string);
		if (a == NULL)
			continue;	/* undeclared: ignored (RFC 7643 §3) */
		if (a->sa_mut == MUT_RO || a->sa_mut == MUT_WO)
			continue;
		if ((e = schema_value(a, v, &item, resp)) != SCIM_OK)
			break;
		if (item == NULL)
			continue;
		rest = a->sa_name;
		if (cJSON_GetObjectItem(doc, rest) != NULL) {
			cJSON_Delete(item);
			e = scim_fail(resp, SCIM_EINVALSYNTAX,
			    "%.64s is given twice", rest);
			break;
		}
		if (json_add(doc, rest, item) == -1) {
			e = scim_fail(resp, SCIM_ENOMEM, NULL);
			break;
		}
	}
	/* An extension object that ended up empty is absent. */
	for (ext = sc->sc_exts; e == SCIM_OK && ext->se_urn != NULL; ext++)
		if ((eo = cJSON_GetObjectItem(doc, ext->se_urn)) != NULL &&
		    eo->child == NULL)
			cJSON_DeleteItemFromObject(doc, ext->se_urn);
	if (e != SCIM_OK) {
		cJSON_Delete(doc);
		return e;
	}
	*out = doc;
	return SCIM_OK;
}

cJSON *
schema_urns(const struct schema *sc, const cJSON *doc)
{
	const cJSON	*v;
	cJSON		*arr;

	if ((arr = cJSON_CreateArray()) == NULL)
		return NULL;
	cJSON_AddItemToArray(arr, cJSON_CreateString(sc->sc_urn));
	cJSON_ArrayForEach(v, doc)
		if (cJSON_IsObject(v) && strncasecmp(v->string, "urn:", 4) == 0)
			cJSON_AddItemToArray(arr, cJSON_CreateString(v->string));
	return arr;
}

static const char *const type_names[] = {
	[AT_STRING] = "string", [AT_BOOLEAN] = "boolean",
	[AT_DECIMAL] = "decimal", [AT_INTEGER] = "integer",
	[AT_DATETIME] = "dateTime", [AT_BINARY] = "binary",
	[AT_REFERENCE] = "reference", [AT_COMPLEX] = "complex",
};
static const char *const mut_names[] = {
	[MUT_RW] = "readWrite", [MUT_RO] = "readOnly",
	[MUT_IMMUTABLE] = "immutable", [MUT_WO] = "writeOnly",
};
static const char *const ret_names[] = {
	[RET_DEFAULT] = "default", [RET_ALWAYS] = "always",
	[RET_NEVER] = "never", [RET_REQUEST] = "request",
};
static const char *const uniq_names[] = {
	[UNIQ_NONE] = "none", [UNIQ_SERVER] = "server", [UNIQ_GLOBAL] = "global",
};

/* One attribute definition (RFC 7643 §7), sub-attributes nested. */
static cJSON *
attr_document(const struct schema_attr *a)
{
	const struct schema_attr	*sub;
	cJSON				*o, *subs, *refs;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "name", a->sa_name);
	cJSON_AddStringToObject(o, "type", type_names[a->sa_type]);
	cJSON_AddBoolToObject(o, "multiValued", (a->sa_flags & AF_MULTI) != 0);
	cJSON_AddBoolToObject(o, "required", (a->sa_flags & AF_REQUIRED) != 0);
	if (a->sa_type != AT_COMPLEX && a->sa_type != AT_BOOLEAN)
		cJSON_AddBoolToObject(o, "caseExact",
		    (a->sa_flags & AF_CASEEXACT) != 0);
	cJSON_AddStringToObject(o, "mutability", mut_names[a->sa_mut]);
	cJSON_AddStringToObject(o, "returned", ret_names[a->sa_ret]);
	if (a->sa_type != AT_COMPLEX && a->sa_type != AT_BOOLEAN)
		cJSON_AddStringToObject(o, "uniqueness", uniq_names[a->sa_uniq]);
	if (a->sa_type == AT_REFERENCE) {
		refs = cJSON_AddArrayToObject(o, "referenceTypes");
		cJSON_AddItemToArray(refs, cJSON_CreateString(
		    strcmp(a->sa_name, "$ref") == 0 ? "User" : "external"));
		if (strcmp(a->sa_name, "$ref") == 0)
			cJSON_AddItemToArray(refs, cJSON_CreateString("Group"));
	}
	if (a->sa_canon != NULL) {
		const char *const *cv;
		refs = cJSON_AddArrayToObject(o, "canonicalValues");
		for (cv = a->sa_canon; *cv != NULL; cv++)
			cJSON_AddItemToArray(refs, cJSON_CreateString(*cv));
	}
	if (a->sa_type == AT_COMPLEX && a->sa_sub != NULL) {
		subs = cJSON_AddArrayToObject(o, "subAttributes");
		for (sub = a->sa_sub; sub->sa_name != NULL; sub++)
			cJSON_AddItemToArray(subs, attr_document(sub));
	}
	return o;
}

cJSON *
schema_document(const char *urn, const char *name, const char *description,
    const struct schema_attr *attrs)
{
	const struct schema_attr	*a;
	cJSON				*doc, *arr;

	if ((doc = cJSON_CreateObject()) == NULL)
		return NULL;
	arr = cJSON_AddArrayToObject(doc, "schemas");
	cJSON_AddItemToArray(arr, cJSON_CreateString(
	    "urn:ietf:params:scim:schemas:core:2.0:Schema"));
	cJSON_AddStringToObject(doc, "id", urn);
	cJSON_AddStringToObject(doc, "name", name);
	cJSON_AddStringToObject(doc, "description", description);
	arr = cJSON_AddArrayToObject(doc, "attributes");
	/* id and meta are common attributes (§3.1), not in a schema. */
	for (a = attrs; a->sa_name != NULL; a++)
		if (strcmp(a->sa_name, "id") != 0 && strcmp(a->sa_name,
		    "meta") != 0)
			cJSON_AddItemToArray(arr, attr_document(a));
	return doc;
}
