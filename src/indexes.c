/*
 * indexes.c: the table of indexed attributes and what follows from it:
 * index keys, index entries, uniqueness.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "indexes.h"
#include "schema.h"
#include "util.h"

/*
 * RFC 7643 §4.1.1 userName and §4.2 displayName are caseExact false and
 * unique; externalId (§3.1) is caseExact true; emails.value (§4.1.2) is
 * caseExact false.  Keep in step with the schema (check_filter tests it).
 */
static const struct index_def table[] = {
	{ RES_USER, "userName", NULL, IDX_USERNAME,
	    IX_FOLD | IX_UNIQUE | IX_NAME },
	{ RES_USER, "externalId", NULL, IDX_EXTERNALID, 0 },
	{ RES_USER, "emails", "value", IDX_EMAIL, IX_FOLD },
	{ RES_GROUP, "displayName", NULL, IDX_DISPLAYNAME,
	    IX_FOLD | IX_UNIQUE | IX_NAME },
	{ RES_GROUP, "externalId", NULL, IDX_EXTERNALID, 0 },
};

const struct index_def *
indexes_get(enum res_type type, size_t i)
{
	size_t	k;

	for (k = 0; k < sizeof(table) / sizeof(table[0]); k++)
		if (table[k].ix_type == type && i-- == 0)
			return &table[k];
	return NULL;
}

const struct index_def *
indexes_find(enum res_type type, const char *attr, const char *sub)
{
	const struct index_def	*d;
	size_t			 i;

	for (i = 0; (d = indexes_get(type, i)) != NULL; i++)
		if (util_strcaseeq(d->ix_attr, attr) &&
		    (d->ix_sub == NULL ? sub == NULL :
		    sub != NULL && util_strcaseeq(d->ix_sub, sub)))
			return d;
	return NULL;
}

const struct index_def *
indexes_name(enum res_type type)
{
	const struct index_def	*d;
	size_t			 i;

	for (i = 0; (d = indexes_get(type, i)) != NULL; i++)
		if (d->ix_flags & IX_NAME)
			return d;
	return NULL;
}

int
indexes_key(const struct index_def *d, const char *value, char *out)
{
	size_t	n = strlen(value);

	if (n > SCIM_MAX_KEYSTR)
		return -1;
	if (d->ix_flags & IX_FOLD)
		schema_fold(value, out);
	else
		memcpy(out, value, n + 1);
	return 0;
}

static int
value_of(const struct index_def *d, const cJSON *v, indexes_value_cb fn,
    void *arg)
{
	if (d->ix_sub != NULL)
		v = cJSON_GetObjectItem(v, d->ix_sub);
	return cJSON_IsString(v) ? fn(v->valuestring, arg) : 0;
}

int
indexes_values(const struct index_def *d, const cJSON *doc,
    indexes_value_cb fn, void *arg)
{
	const cJSON	*v, *el;
	int		 r;

	v = cJSON_GetObjectItem(doc, d->ix_attr);
	if (!cJSON_IsArray(v))
		return value_of(d, v, fn, arg);
	cJSON_ArrayForEach(el, v)
		if ((r = value_of(d, el, fn, arg)) != 0)
			return r;
	return 0;
}

struct update {
	struct store_txn	*u_tx;
	uint32_t		 u_tenant;
	enum res_type		 u_type;
	const struct index_def	*u_def;
	const uint8_t		*u_id;
	int			 u_add;
	enum scim_err		 u_err;
};

static int
update_one(const char *value, void *arg)
{
	struct update	*u = arg;
	char		 key[SCIM_MAX_KEYSTR + 1];

	if (indexes_key(u->u_def, value, key) == -1)
		return 0;
	u->u_err = u->u_add ? store_idx_add(u->u_tx, u->u_tenant, u->u_type,
	    u->u_def->ix_idx, key, strlen(key), u->u_id) :
	    store_idx_del(u->u_tx, u->u_tenant, u->u_type, u->u_def->ix_idx,
	    key, strlen(key), u->u_id);
	return u->u_err != SCIM_OK;
}

enum scim_err
indexes_update(struct store_txn *tx, uint32_t tenant, enum res_type type,
    const cJSON *doc, const uint8_t id[16], int add)
{
	struct update	u;
	size_t		i;

	memset(&u, 0, sizeof(u));
	u.u_tx = tx;
	u.u_tenant = tenant;
	u.u_type = type;
	u.u_id = id;
	u.u_add = add;
	for (i = 0; (u.u_def = indexes_get(type, i)) != NULL; i++)
		if (indexes_values(u.u_def, doc, update_one, &u) != 0)
			break;
	return u.u_err;
}

struct taken {
	struct store_txn	*t_tx;
	uint32_t		 t_tenant;
	enum res_type		 t_type;
	const struct index_def	*t_def;
	const uint8_t		*t_self;
	const char		*t_value;	/* of the doc checked */
	char			 t_key[SCIM_MAX_KEYSTR + 1];
	enum scim_err		 t_err;
};

/* Does another resource's value have the key being checked? */
static int
same_key(const char *value, void *arg)
{
	struct taken	*t = arg;
	char		 key[SCIM_MAX_KEYSTR + 1];

	return indexes_key(t->t_def, value, key) == 0 &&
	    strcmp(key, t->t_key) == 0;
}

static int
taken_one(const char *value, void *arg)
{
	struct taken	*t = arg;
	uint8_t		 ids[16][16];
	const char	*json;
	cJSON		*doc;
	size_t		 n, i, len;
	enum scim_err	 e;
	int		 same;

	if (indexes_key(t->t_def, value, t->t_key) == -1)
		return 0;
	e = store_idx_find(t->t_tx, t->t_tenant, t->t_type, t->t_def->ix_idx,
	    t->t_key, strlen(t->t_key), ids, 16, &n);
	if (e != SCIM_OK && e != SCIM_ETOOMANY) {
		t->t_err = e;
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (t->t_self != NULL && memcmp(ids[i], t->t_self, 16) == 0)
			continue;
		e = store_res_get(t->t_tx, t->t_tenant, t->t_type, ids[i],
		    &json, &len);
		if (e == SCIM_ENOTFOUND)
			continue;
		if (e == SCIM_OK && (doc = cJSON_ParseWithLength(json,
		    len)) == NULL)
			e = SCIM_ESTORE;
		if (e != SCIM_OK) {
			t->t_err = e;
			return 1;
		}
		same = indexes_values(t->t_def, doc, same_key, t);
		cJSON_Delete(doc);
		if (same) {
			t->t_value = value;
			t->t_err = SCIM_EUNIQUE;
			return 1;
		}
	}
	return 0;
}

enum scim_err
indexes_taken(struct store_txn *tx, uint32_t tenant, enum res_type type,
    const cJSON *doc, const uint8_t *self, const struct index_def **which,
    const char **value)
{
	struct taken	*t;
	enum scim_err	 e = SCIM_OK;
	size_t		 i;

	if (which != NULL)
		*which = NULL;
	if (value != NULL)
		*value = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return SCIM_ENOMEM;
	t->t_tx = tx;
	t->t_tenant = tenant;
	t->t_type = type;
	t->t_self = self;
	for (i = 0; (t->t_def = indexes_get(type, i)) != NULL; i++) {
		if (!(t->t_def->ix_flags & IX_UNIQUE) ||
		    indexes_values(t->t_def, doc, taken_one, t) == 0)
			continue;
		if ((e = t->t_err) == SCIM_EUNIQUE) {
			if (which != NULL)
				*which = t->t_def;
			if (value != NULL)
				*value = t->t_value;
		}
		break;
	}
	free(t);
	return e;
}
