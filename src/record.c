/*
 * record.c: making and touching the stored form of a resource.
 */
#include "config.h"

#include <string.h>

#include "json.h"
#include "record.h"
#include "schema.h"
#include "util.h"

/* A new weak version, W/"<16 hex>", into ver (at least 22 bytes). */
static int
new_version(char *ver)
{
	uint8_t	vb[8];

	if (util_random(vb, sizeof(vb)) == -1)
		return -1;
	memcpy(ver, "W/\"", 3);
	util_hex(vb, sizeof(vb), ver + 3);
	memcpy(ver + 3 + 2 * sizeof(vb), "\"", 2);
	return 0;
}

int
record_touch(cJSON *doc)
{
	cJSON	*meta = cJSON_GetObjectItemCaseSensitive(doc, "meta");
	cJSON	*now_s, *ver_s;
	char	 now[TIME_STRLEN + 1], ver[32];

	if (!cJSON_IsObject(meta) || new_version(ver) == -1)
		return -1;
	util_time_now(now);
	if ((now_s = cJSON_CreateString(now)) == NULL)
		return -1;
	if (!cJSON_ReplaceItemInObjectCaseSensitive(meta, "lastModified",
	    now_s) && json_add(meta, "lastModified", now_s) == -1)
		return -1;
	if ((ver_s = cJSON_CreateString(ver)) == NULL)
		return -1;
	if (!cJSON_ReplaceItemInObjectCaseSensitive(meta, "version", ver_s) &&
	    json_add(meta, "version", ver_s) == -1)
		return -1;
	return 0;
}

cJSON *
record_make(const struct schema *sc, const uint8_t id[16], cJSON *doc,
    const cJSON *old)
{
	cJSON		*out, *meta, *item;
	const cJSON	*created;
	char		 ids[UUID_STRLEN + 1], now[TIME_STRLEN + 1];
	char		 ver[32];

	util_uuid_format(id, ids);
	util_time_now(now);
	if (new_version(ver) == -1) {
		cJSON_Delete(doc);
		return NULL;
	}
	created = old != NULL ? cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(old, "meta"), "created") : NULL;

	out = cJSON_CreateObject();
	if (out == NULL || json_add(out, "schemas", schema_urns(sc, doc)) ==
	    -1 || json_add_string(out, "id", ids) == -1)
		goto fail;
	while ((item = doc->child) != NULL) {
		cJSON_DetachItemViaPointer(doc, item);
		cJSON_AddItemToObject(out, item->string, item);
	}
	/* resourceType is kept too, so filters on it need no special case. */
	if ((meta = cJSON_CreateObject()) == NULL ||
	    json_add(out, "meta", meta) == -1 ||
	    json_add_string(meta, "resourceType", sc->sc_name) == -1 ||
	    json_add_string(meta, "created", cJSON_IsString(created) ?
	    created->valuestring : now) == -1 ||
	    json_add_string(meta, "lastModified", now) == -1 ||
	    json_add_string(meta, "version", ver) == -1)
		goto fail;
	cJSON_Delete(doc);
	return out;
fail:
	cJSON_Delete(doc);
	cJSON_Delete(out);
	return NULL;
}

int
record_same(const cJSON *a, const cJSON *b)
{
	const cJSON	*x, *y;
	int		 na = 0, nb = 0;

	cJSON_ArrayForEach(x, a) {
		if (strcmp(x->string, "meta") == 0)
			continue;
		na++;
		y = cJSON_GetObjectItemCaseSensitive(b, x->string);
		if (y == NULL || json_equal(x, y) != 1)
			return 0;
	}
	cJSON_ArrayForEach(y, b)
		if (strcmp(y->string, "meta") != 0)
			nb++;
	return na == nb;
}

int
record_keep_meta(const cJSON *a, cJSON *b)
{
	cJSON	*meta;

	meta = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(a, "meta"), 1);
	if (meta == NULL)
		return -1;
	if (!cJSON_ReplaceItemInObjectCaseSensitive(b, "meta", meta)) {
		cJSON_Delete(meta);
		return -1;
	}
	return 0;
}
