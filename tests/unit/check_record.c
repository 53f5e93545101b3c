/*
 * check_record.c: the stored form of a resource (record.h): making it,
 * touching it, comparing two and keeping one's meta.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "record.h"
#include "schema.h"
#include "tap.h"
#include "util.h"

static const uint8_t	 uid[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
	0x4d, 0xef, 0x81, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
#define UID_STR		"12345678-9abc-4def-8123-456789abcdef"

static const char *
meta_str(const cJSON *doc, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(doc, "meta"), key));
}

/* W/"<16 lowercase hex>" */
static int
version_ok(const char *v)
{
	return v != NULL && strlen(v) == 20 && strncmp(v, "W/\"", 3) == 0 &&
	    strspn(v + 3, "0123456789abcdef") == 16 && v[19] == '"';
}

/* A time within a minute of now. */
static int
time_recent(const char *s)
{
	double	t;

	return s != NULL && strlen(s) == TIME_STRLEN &&
	    util_time_parse(s, &t) == 0 && t > (double)time(NULL) - 60 &&
	    t < (double)time(NULL) + 60;
}

/* The member names of obj, comma-separated. */
static void
keys(const cJSON *obj, char *out, size_t len)
{
	const cJSON	*c;

	out[0] = '\0';
	cJSON_ArrayForEach(c, obj) {
		if (out[0] != '\0')
			strncat(out, ",", len - strlen(out) - 1);
		strncat(out, c->string, len - strlen(out) - 1);
	}
}

static void
making(void)
{
	const struct schema	*us = schema_static(RES_USER);
	const struct schema	*gs = schema_static(RES_GROUP);
	cJSON			*r, *r2, *old;
	char			 k[256], *text, v1[32];

	r = record_make(us, uid, cJSON_Parse("{\"userName\":\"bjensen\","
	    "\"name\":{\"givenName\":\"B\"},\"" URN_ENTERPRISE "\":{"
	    "\"department\":\"D\"}}"), NULL);
	ok(r != NULL, "record_make");
	keys(r, k, sizeof(k));
	is_str(k, "schemas,id,userName,name," URN_ENTERPRISE ",meta",
	    "schemas, id, the attributes in order, then meta");
	text = cJSON_PrintUnformatted(cJSON_GetObjectItem(r, "schemas"));
	is_str(text, "[\"" URN_USER "\",\"" URN_ENTERPRISE "\"]",
	    "schemas: the core URN and the extension present");
	free(text);
	is_str(cJSON_GetStringValue(cJSON_GetObjectItem(r, "id")), UID_STR,
	    "id: the UUID, formatted");
	keys(cJSON_GetObjectItem(r, "meta"), k, sizeof(k));
	is_str(k, "resourceType,created,lastModified,version",
	    "meta: resourceType, created, lastModified, version");
	is_str(meta_str(r, "resourceType"), "User", "resourceType User");
	ok(time_recent(meta_str(r, "created")), "created is now: %s",
	    meta_str(r, "created"));
	is_str(meta_str(r, "lastModified"), meta_str(r, "created"),
	    "a new resource: lastModified is created");
	ok(version_ok(meta_str(r, "version")), "version is W/\"16 hex\": %s",
	    meta_str(r, "version"));
	util_strlcpy(v1, meta_str(r, "version"), sizeof(v1));

	/* A replacement keeps created. */
	old = cJSON_Parse("{\"id\":\"" UID_STR "\",\"meta\":{\"created\":"
	    "\"2020-02-03T04:05:06.007Z\",\"lastModified\":"
	    "\"2021-01-01T00:00:00.000Z\",\"version\":\"W/\\\"old\\\"\"}}");
	r2 = record_make(gs, uid, cJSON_Parse("{\"displayName\":\"G\"}"), old);
	is_str(meta_str(r2, "created"), "2020-02-03T04:05:06.007Z",
	    "created is kept from the old form");
	ok(time_recent(meta_str(r2, "lastModified")), "lastModified is now");
	ok(version_ok(meta_str(r2, "version")) &&
	    strcmp(meta_str(r2, "version"), v1) != 0,
	    "a new version, not the old one nor another's");
	is_str(meta_str(r2, "resourceType"), "Group", "resourceType Group");
	text = cJSON_PrintUnformatted(cJSON_GetObjectItem(r2, "schemas"));
	is_str(text, "[\"" URN_GROUP "\"]", "a group's schemas");
	free(text);
	cJSON_Delete(r2);
	cJSON_Delete(old);

	/* An old form without meta.created, or a created that is no string. */
	old = cJSON_Parse("{\"meta\":{\"created\":5}}");
	r2 = record_make(us, uid, cJSON_Parse("{\"userName\":\"x\"}"), old);
	ok(time_recent(meta_str(r2, "created")),
	    "an old created that is no string: now");
	cJSON_Delete(r2);
	cJSON_Delete(old);
	old = cJSON_Parse("{\"userName\":\"x\"}");
	r2 = record_make(us, uid, cJSON_Parse("{\"userName\":\"x\"}"), old);
	ok(time_recent(meta_str(r2, "created")), "an old without meta: now");
	cJSON_Delete(r2);
	cJSON_Delete(old);
	cJSON_Delete(r);

	r = record_make(us, uid, cJSON_CreateObject(), NULL);
	keys(r, k, sizeof(k));
	is_str(k, "schemas,id,meta", "an empty resource: schemas, id, meta");
	cJSON_Delete(r);
}

static void
touching(void)
{
	const struct schema	*us = schema_static(RES_USER);
	cJSON			*r, *bare;
	char			 v1[32], created[32], *before, *after;

	r = record_make(us, uid, cJSON_Parse("{\"userName\":\"t\"}"), NULL);
	util_strlcpy(v1, meta_str(r, "version"), sizeof(v1));
	util_strlcpy(created, meta_str(r, "created"), sizeof(created));
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItem(r, "meta"),
	    "lastModified", cJSON_CreateString("2001-01-01T00:00:00.000Z"));
	ok(record_touch(r) == 0, "record_touch");
	ok(version_ok(meta_str(r, "version")) &&
	    strcmp(meta_str(r, "version"), v1) != 0, "a new version: %s",
	    meta_str(r, "version"));
	ok(time_recent(meta_str(r, "lastModified")),
	    "lastModified is now again: %s", meta_str(r, "lastModified"));
	is_str(meta_str(r, "created"), created, "created is kept");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItem(r, "userName")), "t",
	    "the attributes are kept");
	is_int(cJSON_GetArraySize(cJSON_GetObjectItem(r, "meta")), 4,
	    "meta has its four members, no duplicates");

	/* A meta without the two members gets them. */
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(r, "meta"), "version");
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(r, "meta"),
	    "lastModified");
	ok(record_touch(r) == 0 && version_ok(meta_str(r, "version")) &&
	    time_recent(meta_str(r, "lastModified")),
	    "a meta missing version and lastModified gets both");
	cJSON_Delete(r);

	bare = cJSON_Parse("{\"userName\":\"t\"}");
	before = cJSON_PrintUnformatted(bare);
	ok(record_touch(bare) == -1, "no meta: -1");
	after = cJSON_PrintUnformatted(bare);
	is_str(after, before, "and the document is unchanged");
	free(before);
	free(after);
	cJSON_Delete(bare);
}

static int
same(const char *a, const char *b)
{
	cJSON	*x = cJSON_Parse(a), *y = cJSON_Parse(b);
	int	 r;

	if (x == NULL || y == NULL)
		tap_diag("bad test JSON");
	r = record_same(x, y);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return r;
}

static void
comparing(void)
{
	const struct schema	*us = schema_static(RES_USER);
	cJSON			*a, *b;

	ok(same("{\"id\":\"1\",\"userName\":\"u\",\"meta\":{\"version\":"
	    "\"W/\\\"a\\\"\"}}", "{\"id\":\"1\",\"userName\":\"u\",\"meta\":{"
	    "\"version\":\"W/\\\"b\\\"\",\"created\":\"x\"}}"),
	    "record_same: meta differs only");
	ok(same("{\"id\":\"1\",\"userName\":\"u\",\"meta\":{}}",
	    "{\"id\":\"1\",\"userName\":\"u\"}"), "one has no meta at all");
	ok(same("{\"a\":1,\"b\":{\"x\":1,\"y\":2}}",
	    "{\"b\":{\"y\":2,\"x\":1},\"a\":1}"), "member order does not count");
	ok(!same("{\"id\":\"1\",\"userName\":\"u\"}",
	    "{\"id\":\"2\",\"userName\":\"u\"}"), "another id differs");
	ok(!same("{\"userName\":\"u\"}", "{\"userName\":\"U\"}"),
	    "a value in another case differs");
	ok(!same("{\"userName\":\"u\"}", "{\"USERNAME\":\"u\"}"),
	    "a name in another case differs (stored forms are canonical)");
	ok(!same("{\"userName\":\"u\"}", "{\"userName\":\"u\",\"title\":\"t\"}"),
	    "a member more differs");
	ok(!same("{\"userName\":\"u\",\"title\":\"t\"}", "{\"userName\":\"u\"}"),
	    "a member less differs");
	ok(!same("{\"active\":true}", "{\"active\":\"true\"}"),
	    "another type differs");
	ok(!same("{\"emails\":[{\"value\":\"a\"},{\"value\":\"b\"}]}",
	    "{\"emails\":[{\"value\":\"b\"},{\"value\":\"a\"}]}"),
	    "array order counts");
	ok(!same("{\"schemas\":[\"" URN_USER "\"]}", "{\"schemas\":[\""
	    URN_USER "\",\"" URN_ENTERPRISE "\"]}"), "schemas count");
	ok(same("{}", "{\"meta\":{\"version\":\"v\"}}"),
	    "nothing but meta is the same as nothing");

	/* Two stored forms made from the same resource. */
	a = record_make(us, uid, cJSON_Parse("{\"userName\":\"u\",\"emails\":"
	    "[{\"value\":\"e\"}]}"), NULL);
	b = record_make(us, uid, cJSON_Parse("{\"userName\":\"u\",\"emails\":"
	    "[{\"value\":\"e\"}]}"), a);
	ok(record_same(a, b) && record_same(b, a),
	    "two makings of one resource are the same");
	ok(strcmp(meta_str(a, "version"), meta_str(b, "version")) != 0,
	    "though their versions differ");

	/* record_keep_meta: b keeps a's meta. */
	ok(record_keep_meta(a, b) == 0, "record_keep_meta");
	is_str(meta_str(b, "version"), meta_str(a, "version"),
	    "b has a's version");
	is_str(meta_str(b, "lastModified"), meta_str(a, "lastModified"),
	    "and a's lastModified");
	ok(cJSON_GetObjectItem(a, "meta") != cJSON_GetObjectItem(b, "meta"),
	    "a copy, not a's own");
	ok(cJSON_Compare(a, b, 1), "b is now a, whole");
	cJSON_Delete(b);
	b = cJSON_Parse("{\"userName\":\"u\"}");
	ok(record_keep_meta(a, b) == -1 &&
	    cJSON_GetObjectItem(b, "meta") == NULL,
	    "b without meta: -1, b unchanged");
	cJSON_Delete(b);
	b = cJSON_Parse("{\"userName\":\"u\",\"meta\":{\"version\":\"v\"}}");
	cJSON_DeleteItemFromObject(a, "meta");
	ok(record_keep_meta(a, b) == -1 &&
	    strcmp(meta_str(b, "version"), "v") == 0,
	    "a without meta: -1, b unchanged");
	cJSON_Delete(b);
	cJSON_Delete(a);
}

int
main(void)
{
	making();
	touching();
	comparing();
	return tap_done();
}
