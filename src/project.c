/*
 * project.c: attribute projection on a resource about to be returned.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "project.h"
#include "schema.h"
#include "scim_error.h"
#include "util.h"

/* One name of the list, resolved against the schema when it can be. */
static int
item_parse(const struct schema *sc, const char *name, struct proj_item *it)
{
	const struct schema_attr	*a, *sub;
	const struct schema_ext		*e;
	const char			*ext, *dot, *br;
	char				 plain[128];

	memset(it, 0, sizeof(*it));
	/* "emails[type eq \"work\"]" (Microsoft's suite): the attribute. */
	if ((br = strchr(name, '[')) != NULL) {
		if ((size_t)(br - name) >= sizeof(plain))
			return -1;
		memcpy(plain, name, (size_t)(br - name));
		plain[br - name] = '\0';
		name = plain;
	}
	for (e = sc->sc_exts; e->se_urn != NULL; e++)
		if (util_strcaseeq(name, e->se_urn)) {
			util_strlcpy(it->pi_ext, e->se_urn, sizeof(it->pi_ext));
			return 0;
		}
	if (schema_resolve(sc, name, &a, &sub, &ext) == 0) {
		if ((ext != NULL && util_strlcpy(it->pi_ext, ext,
		    sizeof(it->pi_ext)) >= sizeof(it->pi_ext)) ||
		    util_strlcpy(it->pi_attr, a->sa_name,
		    sizeof(it->pi_attr)) >= sizeof(it->pi_attr) ||
		    (sub != NULL && util_strlcpy(it->pi_sub, sub->sa_name,
		    sizeof(it->pi_sub)) >= sizeof(it->pi_sub)))
			return -1;
		return 0;
	}
	/*
	 * An attribute the schema does not know: taken as written, unless
	 * too long to be kept whole (a cut name could match another).
	 */
	if (strncasecmp(name, "urn:", 4) == 0)
		return -1;
	dot = strchr(name, '.');
	if (*name == '\0' || dot == name)
		return -1;	/* no attribute: not "every attribute" */
	if (dot != NULL) {
		if ((size_t)(dot - name) >= sizeof(it->pi_attr) ||
		    util_strlcpy(it->pi_sub, dot + 1, sizeof(it->pi_sub)) >=
		    sizeof(it->pi_sub))
			return -1;
		memcpy(it->pi_attr, name, (size_t)(dot - name));
	} else if (util_strlcpy(it->pi_attr, name, sizeof(it->pi_attr)) >=
	    sizeof(it->pi_attr))
		return -1;
	return 0;
}

/* Only the used items are ever read: no need to clear 11 KB of them. */
void
proj_init(struct proj *pj)
{
	pj->pj_mode = PROJ_ALL;
	pj->pj_n = 0;
}

enum scim_err
proj_list(const char *names, int exclude, const struct schema *sc,
    struct proj *pj, struct scim_resp *resp)
{
	char	 list[SCIM_MAX_ATTRLIST], *p, *name;

	proj_init(pj);
	if (names == NULL)
		return SCIM_OK;
	if (util_strlcpy(list, names, sizeof(list)) >= sizeof(list))
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "attribute list too long");
	pj->pj_mode = exclude ? PROJ_EXCLUDE : PROJ_ONLY;
	for (p = list; (name = strsep(&p, ",")) != NULL; ) {
		while (*name == ' ')
			name++;
		name[strcspn(name, " ")] = '\0';
		if (*name == '\0')
			continue;
		if (pj->pj_n == SCIM_MAX_ATTRIBUTES)
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "more than %d attributes listed",
			    SCIM_MAX_ATTRIBUTES);
		if (item_parse(sc, name, &pj->pj_items[pj->pj_n]) == 0)
			pj->pj_n++;
	}
	if (pj->pj_mode == PROJ_ONLY && pj->pj_n == 0)
		pj->pj_mode = PROJ_ALL;
	return SCIM_OK;
}

enum scim_err
proj_parse(const char *query, const struct schema *sc, struct proj *pj,
    struct scim_resp *resp)
{
	char	 list[SCIM_MAX_ATTRLIST];
	int	 r;

	proj_init(pj);
	if ((r = http_query_get(query, "attributes", list, sizeof(list))) == 1)
		return proj_list(list, 0, sc, pj, resp);
	if (r == 0 && (r = http_query_get(query, "excludedAttributes", list,
	    sizeof(list))) == 1)
		return proj_list(list, 1, sc, pj, resp);
	if (r == -1)
		return scim_fail(resp, SCIM_EINVALVALUE,
		    "attribute list too long");
	return SCIM_OK;
}

/*
 * How the list names attribute attr of extension ext: 0 not at all, 1 as
 * a whole (or the whole extension), 2 only some of its sub-attributes.
 */
static int
listed(const struct proj *pj, const char *ext, const char *attr)
{
	int	i, how = 0;

	for (i = 0; i < pj->pj_n; i++) {
		const struct proj_item *it = &pj->pj_items[i];
		if (!util_strcaseeq(it->pi_ext, ext))
			continue;
		if (it->pi_attr[0] == '\0')
			return 1;
		if (!util_strcaseeq(it->pi_attr, attr))
			continue;
		if (it->pi_sub[0] == '\0')
			return 1;
		how = 2;
	}
	return how;
}

static int
sub_listed(const struct proj *pj, const char *ext, const char *attr,
    const char *sub)
{
	int	i;

	for (i = 0; i < pj->pj_n; i++) {
		const struct proj_item *it = &pj->pj_items[i];
		if (util_strcaseeq(it->pi_ext, ext) &&
		    util_strcaseeq(it->pi_attr, attr) &&
		    util_strcaseeq(it->pi_sub, sub))
			return 1;
	}
	return 0;
}

int
proj_wants(const struct proj *pj, const char *attr)
{
	int	how = listed(pj, "", attr);

	if (pj->pj_mode == PROJ_ALL)
		return 1;
	if (pj->pj_mode == PROJ_ONLY)
		return how != 0;
	return how != 1;
}

/* Keep or drop the sub-attributes of one object value. */
static void
apply_subs(const struct proj *pj, const char *ext, const char *attr,
    cJSON *obj, int keep_listed)
{
	cJSON	*c, *next;

	for (c = obj->child; c != NULL; c = next) {
		next = c->next;
		if (sub_listed(pj, ext, attr, c->string) != keep_listed)
			cJSON_Delete(cJSON_DetachItemViaPointer(obj, c));
	}
}

/* Apply to the attributes of one container (the resource or an
 * extension object). */
static void
apply_container(const struct proj *pj, const char *ext, cJSON *obj)
{
	cJSON	*c, *next, *el, *elnext;
	int	 how;

	for (c = obj->child; c != NULL; c = next) {
		next = c->next;
		if (ext[0] == '\0' && (strcmp(c->string, "id") == 0 ||
		    strcmp(c->string, "schemas") == 0 ||
		    strncasecmp(c->string, "urn:", 4) == 0))
			continue;
		how = listed(pj, ext, c->string);
		if (pj->pj_mode == PROJ_ONLY) {
			if (how == 0) {
				cJSON_Delete(cJSON_DetachItemViaPointer(obj, c));
				continue;
			}
			if (how == 1)
				continue;
		} else {
			if (how == 1) {
				cJSON_Delete(cJSON_DetachItemViaPointer(obj, c));
				continue;
			}
			if (how == 0)
				continue;
		}
		/*
		 * Only some sub-attributes are named.  A value left with
		 * none of them is unassigned (RFC 7643 §2.5): not returned.
		 */
		if (cJSON_IsObject(c))
			apply_subs(pj, ext, c->string, c,
			    pj->pj_mode == PROJ_ONLY);
		else if (cJSON_IsArray(c))
			for (el = c->child; el != NULL; el = elnext) {
				elnext = el->next;
				if (!cJSON_IsObject(el))
					continue;
				apply_subs(pj, ext, c->string, el,
				    pj->pj_mode == PROJ_ONLY);
				if (el->child == NULL)
					cJSON_Delete(
					    cJSON_DetachItemViaPointer(c, el));
			}
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && c->child == NULL)
			cJSON_Delete(cJSON_DetachItemViaPointer(obj, c));
	}
}

void
proj_apply(const struct proj *pj, const struct schema *sc, cJSON *doc)
{
	cJSON	*c, *next;
	int	 how;

	(void)sc;
	if (pj->pj_mode == PROJ_ALL)
		return;
	apply_container(pj, "", doc);
	for (c = doc->child; c != NULL; c = next) {
		next = c->next;
		if (strncasecmp(c->string, "urn:", 4) != 0 || !cJSON_IsObject(c))
			continue;
		how = listed(pj, c->string, "");
		if (pj->pj_mode == PROJ_EXCLUDE && how == 1) {
			cJSON_Delete(cJSON_DetachItemViaPointer(doc, c));
			continue;
		}
		if (pj->pj_mode == PROJ_ONLY && how == 1)
			continue;
		apply_container(pj, c->string, c);
		if (c->child == NULL)
			cJSON_Delete(cJSON_DetachItemViaPointer(doc, c));
	}
}
