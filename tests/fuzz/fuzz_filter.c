/*
 * fuzz_filter.c: the filter language (RFC 7644 §3.4.2.2) and PATCH paths
 * (§3.5.2).  The input is parsed as a filter, checked and planned against
 * the User and the Group schema, and matched against a stored User and
 * Group; then parsed as a PATCH path, whose value filter is matched
 * against the elements it selects.
 *
 * Beyond "no crash, no leak" two properties are checked (abort() when
 * broken): `not (F)` matches exactly when F does not, and a plan never
 * misses the resource the filter matches (filter.h: it may only
 * over-approximate), the index holding what indexes.h says it holds.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "fuzz.h"
#include "indexes.h"
#include "util.h"

/* Does one of the index keys of doc (indexes.h) hold, or start with, want? */
struct hold {
	const struct index_def	*h_def;
	const char		*h_want;
	int			 h_prefix;
};

static int
holds(const char *value, void *arg)
{
	const struct hold	*h = arg;
	char			 key[SCIM_MAX_KEYSTR + 1];

	if (indexes_key(h->h_def, value, key) == -1)
		return 0;		/* too long to have an entry */
	return h->h_prefix ? strncmp(key, h->h_want, strlen(h->h_want)) == 0 :
	    strcmp(key, h->h_want) == 0;
}

/* Does list (members, groups: values are ids) name id? */
static int
names_id(const cJSON *list, const uint8_t want[16])
{
	const cJSON	*el;
	uint8_t		 id[16];

	cJSON_ArrayForEach(el, list)
		if (util_uuid_parse(cJSON_GetStringValue(
		    cJSON_GetObjectItem(el, "value")), id) == 0 &&
		    memcmp(id, want, sizeof(id)) == 0)
			return 1;
	return 0;
}

/*
 * Would the plan list doc among its candidates?  The index holds what
 * indexes_update() writes; the membership keys are modelled by the
 * members and groups of doc itself (filter_match() reads them there when
 * it has no store).
 */
static int
admits(const struct filter_plan *pl, const struct schema *sc,
    const cJSON *doc)
{
	const struct index_def	*def;
	struct hold		 h;
	uint8_t			 id[16];
	size_t			 i;

	if (strnlen(pl->pl_value, sizeof(pl->pl_value)) ==
	    sizeof(pl->pl_value))
		abort();	/* an unterminated index value */
	if (pl->pl_empty)
		return 0;
	switch (pl->pl_kind) {
	case PLAN_SCAN:
		return 1;
	case PLAN_UNION:
		return admits(pl->pl_sub[0], sc, doc) ||
		    admits(pl->pl_sub[1], sc, doc);
	case PLAN_ID:
		return util_uuid_parse(cJSON_GetStringValue(
		    cJSON_GetObjectItem(doc, "id")), id) == 0 &&
		    memcmp(id, pl->pl_id, sizeof(id)) == 0;
	case PLAN_MEMBEROF:
		return sc->sc_type == RES_GROUP &&
		    names_id(cJSON_GetObjectItem(doc, "members"), pl->pl_id);
	case PLAN_MEMBERS:
		return sc->sc_type == RES_USER &&
		    names_id(cJSON_GetObjectItem(doc, "groups"), pl->pl_id);
	case PLAN_INDEX:
	case PLAN_PREFIX:
		break;
	}
	h.h_want = pl->pl_value;
	h.h_prefix = pl->pl_kind == PLAN_PREFIX;
	for (i = 0; (def = indexes_get(sc->sc_type, i)) != NULL; i++) {
		h.h_def = def;
		if (def->ix_idx == pl->pl_idx &&
		    indexes_values(def, doc, holds, &h) != 0)
			return 1;
	}
	return 0;
}

/* Errors come with a message: fill err, then look for one. */
static void
err_clear(char *err, size_t len)
{
	memset(err, 'X', len);
}

static void
err_check(const char *err, size_t len)
{
	if (memchr(err, '\0', len) == NULL || err[0] == '\0')
		abort();	/* no message, or an unterminated one */
}

static void
against(const struct fnode *f, const struct fnode *notf,
    const struct schema *sc, const cJSON *doc)
{
	struct filter_plan	*pl = NULL;
	char			 err[256];
	int			 m;

	m = filter_match(f, sc, doc, NULL);
	if (m != 0 && m != 1)
		abort();
	if (notf != NULL && filter_match(notf, sc, doc, NULL) == m)
		abort();	/* not (F) agrees with F */
	err_clear(err, sizeof(err));
	switch (filter_plan(f, sc, &pl, err, sizeof(err))) {
	case SCIM_OK:
		if (pl == NULL || (m && !admits(pl, sc, doc)))
			abort();	/* the plan misses a match */
		break;
	case SCIM_EFILTER:
		err_check(err, sizeof(err));
		break;
	default:
		break;
	}
	filter_plan_free(pl);
}

/* The value filter of a path, against each element it selects. */
static void
elements(const struct fpath *fp, const struct schema *sc, const cJSON *doc)
{
	const struct schema_attr	*a, *sub;
	const cJSON			*container, *v, *el;
	const char			*ext;

	if (fp->fp_filter == NULL ||
	    schema_resolve(sc, fp->fp_attr, &a, &sub, &ext) == -1 ||
	    sub != NULL || a->sa_type != AT_COMPLEX || a->sa_sub == NULL)
		return;
	container = ext != NULL ? cJSON_GetObjectItem(doc, ext) : doc;
	v = cJSON_GetObjectItem(container, a->sa_name);
	if (cJSON_IsObject(v))
		(void)filter_match_element(fp->fp_filter, a->sa_sub, v);
	else
		cJSON_ArrayForEach(el, v)
			(void)filter_match_element(fp->fp_filter, a->sa_sub,
			    el);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct schema	*us = fx_user_schema();
	const struct schema	*gs = schema_static(RES_GROUP);
	const cJSON		*user = fx_user_view(), *group = fx_group();
	struct fnode		*f, *notf = NULL;
	struct fpath		 fp;
	char			*text, *wrapped, err[256];
	size_t			 len;

	if ((text = fx_string(data, size)) == NULL)
		return 0;

	err_clear(err, sizeof(err));
	if ((f = filter_parse(text, err, sizeof(err))) != NULL) {
		len = strlen(text) + sizeof("not ()");
		if ((wrapped = malloc(len)) != NULL) {
			snprintf(wrapped, len, "not (%s)", text);
			notf = filter_parse(wrapped, err, sizeof(err));
			free(wrapped);
		}
		against(f, notf, us, user);
		against(f, notf, gs, group);
		filter_free(notf);
		filter_free(f);
	} else
		err_check(err, sizeof(err));

	err_clear(err, sizeof(err));
	if (filter_parse_path(text, &fp, err, sizeof(err)) == 0) {
		if (fp.fp_attr == NULL)
			abort();
		elements(&fp, us, user);
		elements(&fp, gs, group);
	} else
		err_check(err, sizeof(err));
	filter_path_free(&fp);
	free(text);
	return 0;
}
