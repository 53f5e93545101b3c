/*
 * load.c: bulk-load users and a group straight through the store API,
 * for scripts/bench (HTTP would measure the loader, not the server).
 *
 *   load DB TENANT USERS MEMBERS
 *
 * Creates USERS users (userName and work email bench-N@example.com,
 * externalId ext-N) and one group whose members are the first MEMBERS of
 * them; prints the group id and then the id of a user that is not a
 * member.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "record.h"
#include "resource.h"
#include "schema.h"
#include "store.h"
#include "util.h"

#define BATCH	5000

static int
die(const char *what)
{
	fprintf(stderr, "load: %s\n", what);
	return 1;
}

int
main(int argc, char **argv)
{
	struct store		*st;
	struct store_txn	*tx = NULL;
	struct tenant		 t;
	const struct schema	*us = schema_static(RES_USER);
	const struct schema	*gs = schema_static(RES_GROUP);
	uint8_t			 gid[16], uid[16], spare[16];
	char			 err[256], name[64], ids[UUID_STRLEN + 1];
	char			*json;
	cJSON			*doc, *stored, *emails, *em;
	long long		 users, members, i;

	if (argc != 5 || util_strtonum(argv[3], 1, 10000000, &users) ||
	    util_strtonum(argv[4], 0, users, &members))
		return die("usage: load DB TENANT USERS MEMBERS");
	if (store_open(argv[1], 0, &st, err, sizeof(err)) != SCIM_OK)
		return die(err);
	if (store_begin(st, 0, &tx) || store_tenant_get(tx, argv[2], &t))
		return die("no such tenant");
	store_abort(&tx);
	util_uuid_new(gid);
	memset(spare, 0, sizeof(spare));

	for (i = 0; i < users; i++) {
		if (i % BATCH == 0 && store_begin(st, 1, &tx) != SCIM_OK)
			return die("begin");
		util_uuid_new(uid);
		snprintf(name, sizeof(name), "bench-%lld@example.com", i);
		doc = cJSON_CreateObject();
		json_add_string(doc, "userName", name);
		json_add_string(doc, "displayName", name);
		snprintf(name, sizeof(name), "ext-%lld", i);
		json_add_string(doc, "externalId", name);
		snprintf(name, sizeof(name), "bench-%lld@example.com", i);
		cJSON_AddTrueToObject(doc, "active");
		emails = cJSON_AddArrayToObject(doc, "emails");
		em = cJSON_CreateObject();
		json_add_string(em, "value", name);
		json_add_string(em, "type", "work");
		cJSON_AddTrueToObject(em, "primary");
		cJSON_AddItemToArray(emails, em);
		stored = record_make(us, uid, doc, NULL);
		json = cJSON_PrintUnformatted(stored);
		if (store_res_put(tx, t.tn_id, RES_USER, uid, json,
		    strlen(json), 1) ||
		    resource_index(tx, t.tn_id, us, stored, uid, 1))
			return die("user");
		if (i < members && store_member_put(tx, t.tn_id, gid, uid,
		    RES_USER, name, NULL))
			return die("member");
		if (i >= members)
			memcpy(spare, uid, 16);
		free(json);
		cJSON_Delete(stored);
		if ((i + 1) % BATCH == 0 || i + 1 == users) {
			if (store_commit(&tx) != SCIM_OK)
				return die("commit");
			tx = NULL;
		}
	}
	if (store_begin(st, 1, &tx) != SCIM_OK)
		return die("begin");
	doc = cJSON_CreateObject();
	util_uuid_format(gid, ids);
	snprintf(name, sizeof(name), "bench-group-%lld", members);
	json_add_string(doc, "displayName", name);
	stored = record_make(gs, gid, doc, NULL);
	json = cJSON_PrintUnformatted(stored);
	if (store_res_put(tx, t.tn_id, RES_GROUP, gid, json, strlen(json), 1) ||
	    resource_index(tx, t.tn_id, gs, stored, gid, 1) ||
	    store_commit(&tx) != SCIM_OK)
		return die("group");
	free(json);
	cJSON_Delete(stored);
	printf("%s\n", ids);
	util_uuid_format(spare, ids);
	printf("%s\n", ids);
	store_close(st);
	return 0;
}
