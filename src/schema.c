/*
 * schema.c: the attribute tables for User (RFC 7643 §4.1), the
 * EnterpriseUser extension (§4.3) and Group (§4.2), and looking
 * attributes up in them.  A tenant's declared attributes are
 * schema_tenant.c's, normalising incoming resources normalize.c's, and
 * the /Schemas documents schema_doc.c's.
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
	{ "password", AT_STRING, 0, MUT_WO, RET_NEVER, UNIQ_NONE,
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
	user_exts, NULL
};

static const struct schema group_schema = {
	RES_GROUP, "Group", "Group", "Groups", URN_GROUP, group_attrs, no_exts,
	NULL
};

int
schema_urn_valid(const char *urn)
{
	const char	*p;
	size_t		 nid;

	if (strncasecmp(urn, "urn:", 4) != 0)
		return 0;
	/*
	 * RFC 8141 §2: a namespace id of alphanumerics and '-' (2 to 32;
	 * one is taken too, as clients' test URNs use "urn:x:…"), ':',
	 * and a specific string.
	 */
	for (p = urn + 4, nid = 0; isalnum((unsigned char)*p) || *p == '-';
	    p++)
		nid++;
	if (nid < 1 || nid > 32 || *p != ':' || p[1] == '\0')
		return 0;
	for (p++; *p != '\0'; p++)	/* NSS: printable, no blank */
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

const struct schema *
schema_static(enum res_type type)
{
	return type == RES_GROUP ? &group_schema : &user_schema;
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
const struct schema_ext *
schema_ext_prefix(const struct schema *sc, const char *path, const char **rest)
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
	if ((e = schema_ext_prefix(sc, path, &rest)) != NULL) {
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

const char *
schema_core_attr(const struct schema *sc, const char *key)
{
	size_t	n = strlen(sc->sc_urn);

	if (strncasecmp(key, sc->sc_urn, n) == 0 && key[n] == ':')
		return key + n + 1;
	return NULL;
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
