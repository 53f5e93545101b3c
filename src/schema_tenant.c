/*
 * schema_tenant.c: a tenant's User schema.  A tenant may declare
 * attributes (scimlet schema add, or automatically for the extension
 * attributes Entra sends): its User schema is then the static one plus
 * those.  The overlay is owned by the request context (ctx.c), built
 * once per request and freed with it; nothing here outlives a call.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "schema.h"
#include "util.h"

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

/*
 * decls: the tenant record's "attributes" array (consumed).  Core
 * declarations (urn:…:core:2.0:User:x) extend the User table; the others
 * are grouped into one extension per URN, in the order first declared.
 */
enum scim_err
schema_overlay_load(struct schema_overlay *ov, cJSON *decls)
{
	const struct schema	*us = schema_static(RES_USER);
	const cJSON		*d, *u;
	cJSON			*item;
	size_t			 ncore, nstatic = 0, nst = 0, ndecl = 0;
	size_t			 j, ne, ea;
	char			 urn[256];
	const char		*c;

	memset(ov, 0, sizeof(*ov));
	ov->so_sc = *us;
	ov->so_sc.sc_found = &ov->so_found;
	if (!cJSON_IsArray(decls) || decls->child == NULL) {
		cJSON_Delete(decls);
		return SCIM_OK;
	}
	ov->so_src = decls;
	for (d = decls->child; d != NULL; d = d->next) {
		u = cJSON_GetObjectItem(d, "urn");
		if (!cJSON_IsString(u) || strrchr(u->valuestring, ':') == NULL)
			continue;
		ndecl++;
	}
	while (us->sc_attrs[nstatic].sa_name != NULL)
		nstatic++;
	while (us->sc_exts[nst].se_urn != NULL)
		nst++;
	if ((ov->so_core = calloc(nstatic + ndecl + 1,
	    sizeof(*ov->so_core))) == NULL ||
	    (ov->so_exts = calloc(nst + ndecl + 1, sizeof(*ov->so_exts))) ==
	    NULL ||
	    (ov->so_extattrs = calloc(2 * ndecl + 1,
	    sizeof(*ov->so_extattrs))) == NULL) {
		schema_overlay_free(ov);
		return SCIM_ENOMEM;
	}
	memcpy(ov->so_core, us->sc_attrs, nstatic * sizeof(*ov->so_core));
	memcpy(ov->so_exts, us->sc_exts, nst * sizeof(*ov->so_exts));
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
		    0 && schema_attr_find(us->sc_attrs, c + 1) == NULL)
			decl_fill(&ov->so_core[ncore++], d);
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
			if (util_strcaseeq(ov->so_exts[j].se_urn, urn))
				break;
		if (j < ne)
			continue;	/* done with the first of its URN */
		ov->so_exts[ne].se_attrs = &ov->so_extattrs[ea];
		ov->so_exts[ne].se_name = "Extension";
		ov->so_exts[ne].se_description = "Declared by the tenant";
		for (const cJSON *e = d; e != NULL; e = e->next) {
			const cJSON *eu = cJSON_GetObjectItem(e, "urn");
			const char *ec;
			if (!cJSON_IsString(eu) ||
			    (ec = strrchr(eu->valuestring, ':')) == NULL ||
			    (size_t)(ec - eu->valuestring) != strlen(urn) ||
			    strncasecmp(eu->valuestring, urn, strlen(urn)) != 0)
				continue;
			decl_fill(&ov->so_extattrs[ea++], e);
		}
		ov->so_extattrs[ea++].sa_name = NULL;	/* END */
		/* The URN, kept alive by the source document. */
		if ((item = cJSON_CreateString(urn)) == NULL) {
			schema_overlay_free(ov);
			return SCIM_ENOMEM;
		}
		cJSON_AddItemToArray(decls, item);
		ov->so_exts[ne++].se_urn = item->valuestring;
	}
	ov->so_sc.sc_attrs = ov->so_core;
	ov->so_sc.sc_exts = ov->so_exts;
	return SCIM_OK;
}

void
schema_overlay_free(struct schema_overlay *ov)
{
	free(ov->so_core);
	free(ov->so_exts);
	free(ov->so_extattrs);
	cJSON_Delete(ov->so_src);
	cJSON_Delete(ov->so_found);
	memset(ov, 0, sizeof(*ov));
}

/*
 * Record an attribute found under an extension URN the schema does not
 * declare, for the write to declare it.  A schema without a place to
 * record them (sc_found NULL) records nothing.  Out of memory drops the
 * record: the value is still stored, only its declaration is missed.
 */
void
schema_found_add(const struct schema *sc, const char *urn, const char *attr,
    const cJSON *v)
{
	cJSON		*d, **found = sc->sc_found;
	char		 full[512];
	const cJSON	*f;
	int		 n;

	if (found == NULL)
		return;
	/*
	 * Only simple values can be declared (a declaration has no
	 * sub-attributes): an object, or an array holding one, is kept as
	 * sent and left undeclared, so the next write of the same shape is
	 * taken as this one was, not refused as the wrong type.
	 */
	if (cJSON_IsObject(v))
		return;
	if (cJSON_IsArray(v))
		for (f = v->child; f != NULL; f = f->next)
			if (cJSON_IsObject(f) || cJSON_IsArray(f))
				return;
	n = snprintf(full, sizeof(full), "%s:%s", urn, attr);
	if (n < 0 || (size_t)n >= sizeof(full))
		return;
	if (*found == NULL && (*found = cJSON_CreateArray()) == NULL)
		return;
	cJSON_ArrayForEach(f, *found)
		if (util_strcaseeq(cJSON_GetStringValue(
		    cJSON_GetObjectItem(f, "urn")), full))
			return;
	if ((d = cJSON_CreateObject()) == NULL)
		return;
	if (json_add_string(d, "urn", full) == -1 ||
	    json_add_string(d, "type", cJSON_IsBool(v) ? "boolean" :
	    cJSON_IsNumber(v) ? "decimal" : "string") == -1 ||
	    json_add(d, "multi", cJSON_CreateBool(cJSON_IsArray(v))) == -1 ||
	    json_add(d, "caseExact", cJSON_CreateFalse()) == -1 ||
	    json_add(d, "auto", cJSON_CreateTrue()) == -1) {
		cJSON_Delete(d);
		return;
	}
	cJSON_AddItemToArray(*found, d);
}

cJSON *
schema_overlay_found_take(struct schema_overlay *ov)
{
	cJSON	*f = ov->so_found;

	ov->so_found = NULL;
	return f;
}
