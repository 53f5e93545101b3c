/*
 * check_roles.c: computing a user's application roles (roles.c) from
 * role values, group membership and the default role, the unknown-role
 * policy, role sources, and applying them (grant.c) with the role.lost
 * audit entry.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ctx.h"
#include "grant.h"
#include "http.h"
#include "record.h"
#include "roles.h"
#include "schema.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static struct store	*st;
static struct tenant	 t;
static struct ctx	 cx;

/* The context as the tenant record is now (settings are read at open). */
static void
reopen(void)
{
	ctx_close(&cx);
	if (ctx_open(&cx, st, NULL, "acme", "tok1", "req1", "192.0.2.1",
	    "check_roles") != SCIM_OK)
		tap_diag("ctx_open failed");
}

static void
setting(const char *key, const char *value)
{
	struct store_txn	*tx;

	store_begin(st, 1, &tx);
	if (store_tenant_set(tx, "acme", key, value) != SCIM_OK ||
	    store_commit(&tx) != SCIM_OK)
		tap_diag("cannot set %s", key);
	reopen();
}

/*
 * roles_compute on doc (and old), in a read transaction; *set printed
 * into out ("" on error).
 */
static enum scim_err
compute(const uint8_t uid[16], const char *doc, const char *old,
    int strict, char *out, size_t outlen, struct scim_resp *resp)
{
	struct store_txn	*tx;
	cJSON			*d, *o, *set = NULL;
	char			*text;
	enum scim_err		 e;

	memset(resp, 0, sizeof(*resp));
	out[0] = '\0';
	d = cJSON_Parse(doc);
	o = old != NULL ? cJSON_Parse(old) : NULL;
	store_begin(st, 0, &tx);
	e = roles_compute(tx, &cx, uid, d, o, strict, &set, resp);
	store_abort(&tx);
	if (e == SCIM_OK && (text = cJSON_PrintUnformatted(set)) != NULL) {
		util_strlcpy(out, text, outlen);
		free(text);
	} else if (e != SCIM_OK && set != NULL)
		tap_diag("an error left a set behind");
	cJSON_Delete(set);
	cJSON_Delete(d);
	cJSON_Delete(o);
	return e;
}

static void
roles_are(const uint8_t uid[16], const char *doc, const char *want,
    const char *name)
{
	struct scim_resp	resp;
	char			got[512];

	if (compute(uid, doc, NULL, 0, got, sizeof(got), &resp) != SCIM_OK)
		tap_diag("roles_compute failed: %s", resp.rp_detail);
	is_str(got, want, name);
}

/* The audit entries of the tenant, collected. */
struct entries {
	cJSON	*arr;
};

static int
collect(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct entries	*en = arg;

	(void)seq;
	cJSON_AddItemToArray(en->arr, cJSON_ParseWithLength(json, len));
	return 0;
}

static cJSON *
audit_entries(void)
{
	struct store_txn	*tx;
	struct entries		 en;

	en.arr = cJSON_CreateArray();
	store_begin(st, 0, &tx);
	store_audit_each(tx, t.tn_id, 1, collect, &en);
	store_abort(&tx);
	return en.arr;
}

static int
changes(uint64_t seq, const char *json, size_t len, void *arg)
{
	(void)seq;
	(void)json;
	(void)len;
	(*(int *)arg)++;
	return 0;
}

static int
count_changes(void)
{
	struct store_txn	*tx;
	int			 n = 0;

	store_begin(st, 0, &tx);
	store_change_each(tx, 1, changes, &n);
	store_abort(&tx);
	return n;
}

static const char *
str_at(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static char *
print_at(const cJSON *o, const char *key)
{
	return cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* grant_apply on a copy of doc, old; the result printed. */
static enum scim_err
apply(const uint8_t uid[16], const char *doc, const char *old,
    const char *set, char **out)
{
	struct store_txn	*tx;
	cJSON			*d, *o;
	enum scim_err		 e;

	d = cJSON_Parse(doc);
	o = old != NULL ? cJSON_Parse(old) : NULL;
	store_begin(st, 1, &tx);
	e = grant_apply(tx, &cx, uid, d, o, cJSON_Parse(set));
	if (e == SCIM_OK)
		e = store_commit(&tx);
	else
		store_abort(&tx);
	*out = cJSON_PrintUnformatted(d);
	cJSON_Delete(d);
	cJSON_Delete(o);
	return e;
}

static void
granting(void)
{
	uint8_t		 uid[16];
	char		 ids[UUID_STRLEN + 1], *out, *s;
	cJSON		*en, *last;
	int		 n;

	util_uuid_new(uid);
	util_uuid_format(uid, ids);
	n = cJSON_GetArraySize(en = audit_entries());
	cJSON_Delete(en);

	ok(apply(uid, "{\"schemas\":[\"" URN_USER "\"],\"userName\":\"ann\"}",
	    NULL, "[\"app-admin\",\"app-read\"]", &out) == SCIM_OK,
	    "grant_apply to a new user");
	is_str(out, "{\"schemas\":[\"" URN_USER "\",\"" URN_SCIMLET "\"],"
	    "\"userName\":\"ann\",\"" URN_SCIMLET "\":{\"appRoles\":["
	    "\"app-admin\",\"app-read\"]}}",
	    "appRoles written, schemas name the extension");
	free(out);
	ok(apply(uid, "{\"userName\":\"ann\",\"" URN_SCIMLET "\":{\"appRoles\":"
	    "[\"app-read\"]}}", "{\"userName\":\"ann\",\"" URN_SCIMLET "\":{"
	    "\"appRoles\":[\"app-read\"]}}", "[\"app-admin\",\"app-read\"]",
	    &out) == SCIM_OK, "gaining a role");
	free(out);
	en = audit_entries();
	is_int(cJSON_GetArraySize(en), n, "a new user and a gain: no audit "
	    "entry");
	cJSON_Delete(en);

	ok(apply(uid, "{\"schemas\":[\"" URN_USER "\",\"" URN_SCIMLET "\"],"
	    "\"userName\":\"ann\",\"active\":true,\"" URN_SCIMLET "\":{"
	    "\"appRoles\":[\"app-admin\",\"app-read\"]}}", "{\"userName\":"
	    "\"ann\",\"" URN_SCIMLET "\":{\"appRoles\":[\"app-admin\","
	    "\"app-read\"]}}", "[\"app-read\"]", &out) == SCIM_OK,
	    "an active user loses a role");
	is_str(out, "{\"schemas\":[\"" URN_USER "\",\"" URN_SCIMLET "\"],"
	    "\"userName\":\"ann\",\"active\":true,\"" URN_SCIMLET "\":{"
	    "\"appRoles\":[\"app-read\"]}}", "appRoles is the new set");
	free(out);
	en = audit_entries();
	is_int(cJSON_GetArraySize(en), n + 1, "one audit entry");
	last = cJSON_GetArrayItem(en, cJSON_GetArraySize(en) - 1);
	is_str(str_at(last, "action"), "role.lost", "action role.lost");
	is_str(str_at(last, "type"), "User", "type User");
	is_str(str_at(last, "id"), ids, "id: the user's");
	is_str(str_at(last, "name"), "ann", "name: its userName");
	s = print_at(last, "before");
	is_str(s, "{\"appRoles\":[\"app-admin\",\"app-read\"]}",
	    "before.appRoles: what it held");
	free(s);
	s = print_at(last, "detail");
	is_str(s, "[\"app-admin\"]", "detail: what it lost");
	free(s);
	is_str(str_at(last, "token"), "tok1", "actor token from the ctx");
	is_str(str_at(last, "agent"), "check_roles", "actor agent");
	cJSON_Delete(en);

	ok(apply(uid, "{\"schemas\":[\"" URN_USER "\",\"" URN_SCIMLET "\"],"
	    "\"userName\":\"ann\",\"active\":false,\"" URN_SCIMLET "\":{"
	    "\"appRoles\":[\"app-read\"]}}", "{\"userName\":\"ann\",\""
	    URN_SCIMLET "\":{\"appRoles\":[\"app-read\"]}}", "[]", &out) ==
	    SCIM_OK, "an inactive user loses every role");
	is_str(out, "{\"schemas\":[\"" URN_USER "\"],\"userName\":\"ann\","
	    "\"active\":false}", "appRoles and the empty extension go, and "
	    "its URN from schemas");
	free(out);
	en = audit_entries();
	is_int(cJSON_GetArraySize(en), n + 1, "no role.lost entry for an "
	    "inactive user");
	cJSON_Delete(en);

	ok(apply(uid, "{\"userName\":\"ann\",\"" URN_SCIMLET "\":{"
	    "\"appRoles\":[\"app-read\"]}}", "{\"userName\":\"ann\",\""
	    URN_SCIMLET "\":{\"appRoles\":[\"app-read\"]}}", "[]", &out) ==
	    SCIM_OK, "an active user loses its last role");
	is_str(out, "{\"userName\":\"ann\",\"schemas\":[\"" URN_USER "\"]}",
	    "appRoles gone; schemas added when missing");
	free(out);
	en = audit_entries();
	is_int(cJSON_GetArraySize(en), n + 2, "a role.lost entry");
	last = cJSON_GetArrayItem(en, cJSON_GetArraySize(en) - 1);
	s = print_at(last, "detail");
	is_str(s, "[\"app-read\"]", "naming the role");
	free(s);
	cJSON_Delete(en);
}

/* A stored user (record_make of doc) under id. */
static void
put_user(struct store_txn *tx, const uint8_t id[16], const char *doc)
{
	cJSON	*r;
	char	*text;

	r = record_make(schema_static(RES_USER), id, cJSON_Parse(doc), NULL);
	text = cJSON_PrintUnformatted(r);
	if (store_res_put(tx, t.tn_id, RES_USER, id, text, strlen(text), 0))
		tap_diag("cannot store a user");
	free(text);
	cJSON_Delete(r);
}

static void
put_group(struct store_txn *tx, const uint8_t id[16], const char *doc)
{
	if (store_res_put(tx, t.tn_id, RES_GROUP, id, doc, strlen(doc), 1))
		tap_diag("cannot store a group");
}

static cJSON *
get_user(const uint8_t id[16])
{
	struct store_txn	*tx;
	const char		*json;
	size_t			 len;
	cJSON			*doc = NULL;

	store_begin(st, 0, &tx);
	if (store_res_get(tx, t.tn_id, RES_USER, id, &json, &len) == SCIM_OK)
		doc = cJSON_ParseWithLength(json, len);
	store_abort(&tx);
	return doc;
}

static void
refreshing(void)
{
	struct store_txn	*tx;
	uint8_t			 a[16], b[16], c[16];
	cJSON			*da, *db, *dc, *en, *last;
	char			 va[32], vc[32], *s;
	size_t			 nre, nchg;
	int			 nch, nen;

	util_uuid_new(a);
	util_uuid_new(b);
	util_uuid_new(c);
	store_begin(st, 1, &tx);
	put_user(tx, a, "{\"userName\":\"a\",\"roles\":[{\"value\":\"Admin\"}]}");
	put_user(tx, b, "{\"userName\":\"b\",\"active\":false,\"roles\":["
	    "{\"value\":\"admin\"}],\"" URN_SCIMLET "\":{\"appRoles\":["
	    "\"app-admin\"]}}");
	put_user(tx, c, "{\"userName\":\"c\",\"roles\":[{\"value\":\"reader\"}],"
	    "\"" URN_SCIMLET "\":{\"appRoles\":[\"app-read\"]}}");
	store_commit(&tx);
	dc = get_user(c);
	util_strlcpy(vc, str_at(cJSON_GetObjectItem(dc, "meta"), "version"),
	    sizeof(vc));
	cJSON_Delete(dc);
	nch = count_changes();
	en = audit_entries();
	nen = cJSON_GetArraySize(en);
	cJSON_Delete(en);

	store_begin(st, 1, &tx);
	ok(grant_refresh_all(tx, &cx, &nre, &nchg) == SCIM_OK &&
	    store_commit(&tx) == SCIM_OK, "grant_refresh_all");
	ok(nre == 3 && nchg == 2, "it recomputed 3 users and changed 2 "
	    "(got %zu, %zu)", nre, nchg);
	da = get_user(a);
	db = get_user(b);
	dc = get_user(c);
	s = print_at(cJSON_GetObjectItem(da, URN_SCIMLET), "appRoles");
	is_str(s, "[\"app-admin\"]", "a user without appRoles gets them");
	free(s);
	s = print_at(da, "schemas");
	is_str(s, "[\"" URN_USER "\",\"" URN_SCIMLET "\"]",
	    "and its schemas the extension");
	free(s);
	ok(cJSON_GetObjectItem(db, URN_SCIMLET) == NULL,
	    "an inactive user's appRoles go");
	is_str(str_at(cJSON_GetObjectItem(dc, "meta"), "version"), vc,
	    "an unchanged user keeps its version");
	is_int(count_changes(), nch + 2, "a change record for each changed "
	    "user only");
	en = audit_entries();
	is_int(cJSON_GetArraySize(en), nen, "no audit entry: a gain, and an "
	    "inactive user's loss");
	cJSON_Delete(en);
	util_strlcpy(va, str_at(cJSON_GetObjectItem(da, "meta"), "version"),
	    sizeof(va));
	cJSON_Delete(da);
	cJSON_Delete(db);
	cJSON_Delete(dc);

	/* The mapping goes: a loses its role, audited. */
	store_begin(st, 1, &tx);
	store_role_del(tx, t.tn_id, ROLE_VALUE, "admin");
	ok(grant_refresh_all(tx, &cx, &nre, &nchg) == SCIM_OK &&
	    store_commit(&tx) == SCIM_OK, "grant_refresh_all after unmapping");
	ok(nre == 3 && nchg == 1, "it recomputed 3 users and changed 1 "
	    "(got %zu, %zu)", nre, nchg);
	da = get_user(a);
	ok(cJSON_GetObjectItem(da, URN_SCIMLET) == NULL,
	    "the user lost app-admin");
	ok(strcmp(str_at(cJSON_GetObjectItem(da, "meta"), "version"), va) != 0,
	    "with a new version");
	en = audit_entries();
	is_int(cJSON_GetArraySize(en), nen + 1, "one audit entry");
	last = cJSON_GetArrayItem(en, cJSON_GetArraySize(en) - 1);
	is_str(str_at(last, "action"), "role.lost", "role.lost");
	is_str(str_at(last, "name"), "a", "for user a");
	cJSON_Delete(en);
	cJSON_Delete(da);
	store_begin(st, 1, &tx);
	store_role_put(tx, t.tn_id, ROLE_VALUE, "admin", "app-admin");
	store_res_del(tx, t.tn_id, RES_USER, a);
	store_res_del(tx, t.tn_id, RES_USER, b);
	store_res_del(tx, t.tn_id, RES_USER, c);
	ok(grant_refresh(tx, &cx, a) == SCIM_OK, "grant_refresh of no user "
	    "is a no-op");
	store_commit(&tx);
}

int
main(void)
{
	struct store_txn	*tx;
	struct scim_resp	 resp;
	char			 dir[] = "/tmp/check_roles.XXXXXX", err[256];
	char			 got[512], cmd[128];
	uint8_t			 u[16], g1[16], g2[16], g3[16];
	struct roles_set	 rs;
	cJSON			*doc, *norm;

	if (mkdtemp(dir) == NULL ||
	    store_open(dir, STORE_CREATE, &st, err, sizeof(err)) != SCIM_OK)
		return 1;
	util_uuid_new(u);
	util_uuid_new(g1);
	util_uuid_new(g2);
	util_uuid_new(g3);
	store_begin(st, 1, &tx);
	store_tenant_add(tx, "acme", "2026-01-01T00:00:00.000Z", &t);
	store_role_put(tx, t.tn_id, ROLE_VALUE, "admin", "app-admin");
	store_role_put(tx, t.tn_id, ROLE_VALUE, "superuser", "app-admin");
	store_role_put(tx, t.tn_id, ROLE_VALUE, "reader", "app-read");
	put_group(tx, g1, "{\"displayName\":\"Engineering\"}");
	put_group(tx, g2, "{\"displayName\":\"Sales\"}");
	put_group(tx, g3, "{\"displayName\":\"Ops\"}");
	store_member_put(tx, t.tn_id, g1, u, RES_USER, "u", NULL);
	store_member_put(tx, t.tn_id, g2, u, RES_USER, "u", NULL);
	store_member_put(tx, t.tn_id, g1, g2, RES_GROUP, "Sales", NULL);
	store_commit(&tx);
	ok(ctx_open(&cx, st, NULL, "acme", "tok1", "req1", "192.0.2.1",
	    "check_roles") == SCIM_OK, "ctx_open");

	/* By role value. */
	roles_are(u, "{\"roles\":[{\"value\":\"Reader\"},{\"value\":\"ADMIN\"}]}",
	    "[\"app-admin\",\"app-read\"]", "mapped values, any case, sorted");
	roles_are(u, "{\"roles\":[{\"value\":\"admin\"},{\"value\":\"superuser\"}"
	    ",{\"value\":\"nobody\"},{\"value\":\"\"}]}", "[\"app-admin\"]",
	    "one role once; unmapped and empty values give none");
	roles_are(u, "{\"roles\":[\"reader\"]}", "[\"app-read\"]",
	    "a bare string value");
	roles_are(u, "{\"userName\":\"u\"}", "[]", "no values: no roles");
	store_begin(st, 0, &tx);
	ok(!roles_by_group(tx, &cx), "no group mapping yet");
	store_abort(&tx);
	roles_are(u, "{\"roles\":[{\"value\":\"Reader\"}]}", "[\"app-read\"]",
	    "groups do not count without a group mapping");

	/* By group. */
	store_begin(st, 1, &tx);
	store_role_put(tx, t.tn_id, ROLE_GROUP, "engineering", "app-eng");
	store_role_put(tx, t.tn_id, ROLE_GROUP, "ops", "app-ops");
	store_commit(&tx);
	store_begin(st, 0, &tx);
	ok(roles_by_group(tx, &cx), "a group mapping makes membership count");
	store_abort(&tx);
	roles_are(u, "{\"roles\":[{\"value\":\"Reader\"}]}",
	    "[\"app-eng\",\"app-read\"]",
	    "a mapped group the user is in (by displayName, any case)");
	roles_are(g3, "{\"userName\":\"x\"}", "[]",
	    "not in Ops: no app-ops");
	roles_are(g2, "{\"userName\":\"x\"}", "[\"app-eng\"]",
	    "membership keys decide, whatever the member is");

	/* The default role. */
	setting("role-default", "app-basic");
	roles_are(g3, "{\"userName\":\"x\"}", "[\"app-basic\"]",
	    "nothing mapped: the default role");
	roles_are(g3, "{\"roles\":[{\"value\":\"reader\"}]}", "[\"app-read\"]",
	    "something mapped: no default");

	/* An inactive user holds none. */
	roles_are(u, "{\"active\":false,\"roles\":[{\"value\":\"admin\"}]}",
	    "[]", "inactive: no role, no group role, no default");
	roles_are(u, "{\"active\":\"False\",\"roles\":[{\"value\":\"admin\"}]}",
	    "[\"app-admin\",\"app-eng\"]",
	    "active is read as stored (a boolean, normalised before)");

	/* The unknown-role policy. */
	setting("role-unknown", "reject");
	ok(compute(g3, "{\"roles\":[{\"value\":\"bogus\"}]}", NULL, 1, got,
	    sizeof(got), &resp) == SCIM_EINVALVALUE,
	    "reject: an unmapped value is invalidValue");
	is_str(resp.rp_detail, "role bogus is not mapped to an application "
	    "role", "naming the value");
	ok(compute(g3, "{\"roles\":[{\"value\":\"bogus\"}]}", NULL, 0, got,
	    sizeof(got), &resp) == SCIM_OK && strcmp(got, "[\"app-basic\"]") ==
	    0, "not strict (a refresh): never refused");
	ok(compute(g3, "{\"roles\":[{\"value\":\"bogus\"},{\"value\":"
	    "\"admin\"}]}", "{\"roles\":[{\"value\":\"BOGUS\"}]}", 1, got,
	    sizeof(got), &resp) == SCIM_OK && strcmp(got, "[\"app-admin\"]") ==
	    0, "a value the old form held is not judged (any case)");
	ok(compute(g3, "{\"roles\":[{\"value\":\"bogus\"},{\"value\":\"new\"}]}",
	    "{\"roles\":[{\"value\":\"bogus\"}]}", 1, got, sizeof(got), &resp) ==
	    SCIM_EINVALVALUE && strstr(resp.rp_detail, "role new ") != NULL,
	    "a value the request brings is: %s", resp.rp_detail);
	ok(compute(g3, "{\"active\":false,\"roles\":[{\"value\":\"bogus\"}]}",
	    "{\"roles\":[{\"value\":\"admin\"}]}", 1, got, sizeof(got),
	    &resp) == SCIM_OK && strcmp(got, "[]") == 0,
	    "deprovisioning is never refused: deactivating, nothing judged");
	ok(compute(g3, "{\"active\":false,\"roles\":[{\"value\":\"bogus\"}]}",
	    "{\"active\":true}", 1, got, sizeof(got), &resp) == SCIM_OK &&
	    strcmp(got, "[]") == 0, "nor with active true before");
	ok(compute(g3, "{\"active\":false,\"roles\":[{\"value\":\"bogus\"}]}",
	    NULL, 1, got, sizeof(got), &resp) == SCIM_EINVALVALUE,
	    "a user created inactive is judged");
	ok(compute(g3, "{\"active\":false,\"roles\":[{\"value\":\"bogus\"},"
	    "{\"value\":\"new\"}]}", "{\"active\":false,\"roles\":[{\"value\":"
	    "\"bogus\"}]}", 1, got, sizeof(got), &resp) == SCIM_EINVALVALUE &&
	    strstr(resp.rp_detail, "role new ") != NULL,
	    "so is a value brought to a user inactive already");
	ok(compute(g3, "{\"active\":false,\"roles\":[{\"value\":\"bogus\"},"
	    "{\"value\":\"admin\"}]}", "{\"active\":false,\"roles\":[{"
	    "\"value\":\"bogus\"}]}", 1, got, sizeof(got), &resp) == SCIM_OK &&
	    strcmp(got, "[]") == 0, "held values pass, and it holds none");
	ok(compute(g3, "{\"roles\":[{\"value\":\"admin\"}]}", NULL, 1, got,
	    sizeof(got), &resp) == SCIM_OK && strcmp(got, "[\"app-admin\"]") ==
	    0, "mapped values pass");
	setting("role-unknown", "default");
	ok(compute(g3, "{\"roles\":[{\"value\":\"bogus\"}]}", NULL, 1, got,
	    sizeof(got), &resp) == SCIM_OK, "unknown=default: strict accepts");
	setting("role-default", "");

	/* Role sources. */
	setting("role-source", "title");
	roles_are(g3, "{\"title\":\"Admin\",\"roles\":[{\"value\":\"reader\"}]}",
	    "[\"app-admin\"]", "source title: roles no longer count");
	setting("role-source", "emails.type");
	roles_are(g3, "{\"emails\":[{\"value\":\"a@x\",\"type\":\"reader\"},"
	    "{\"value\":\"admin\"}]}", "[\"app-read\"]",
	    "source emails.type: the sub-attribute of each element");
	setting("role-source", URN_ENTERPRISE ":department");
	roles_are(g3, "{\"" URN_ENTERPRISE "\":{\"department\":\"READER\"}}",
	    "[\"app-read\"]", "source: an extension attribute");
	setting("role-source", "urn:acme:ext:1.0:User:grp");
	roles_are(g3, "{\"urn:acme:ext:1.0:User\":{\"grp\":[\"admin\","
	    "\"reader\"]}}", "[\"app-admin\",\"app-read\"]",
	    "source: an undeclared extension attribute");

	/* A declared core attribute (scimlet schema add roleName string). */
	setting("role-source", "roleName");
	doc = cJSON_Parse("{\"userName\":\"u\",\"roleName\":\"Admin\"}");
	memset(&resp, 0, sizeof(resp));
	if (schema_normalize(ctx_schema(&cx, RES_USER), doc, &norm, &resp) !=
	    SCIM_OK)
		tap_diag("normalize: %s", resp.rp_detail);
	ok(cJSON_GetObjectItem(norm, "roleName") == NULL,
	    "undeclared, roleName does not survive normalisation");
	cJSON_Delete(norm);
	{
		cJSON *td;
		store_begin(st, 1, &tx);
		store_tenant_doc(tx, "acme", &td);
		cJSON_AddItemToObject(td, "attributes", cJSON_Parse("[{\"urn\":"
		    "\"" URN_USER ":roleName\",\"type\":\"string\","
		    "\"multi\":false,\"caseExact\":false}]"));
		store_tenant_put_doc(tx, "acme", td);
		store_commit(&tx);
		cJSON_Delete(td);
	}
	reopen();
	if (schema_normalize(ctx_schema(&cx, RES_USER), doc, &norm, &resp) !=
	    SCIM_OK)
		tap_diag("normalize: %s", resp.rp_detail);
	ok(cJSON_GetObjectItem(norm, "roleName") != NULL,
	    "declared, it does");
	{
		char *text = cJSON_PrintUnformatted(norm);
		roles_are(g3, text, "[\"app-admin\"]",
		    "source roleName, declared: its value's mapping");
		free(text);
	}
	cJSON_Delete(norm);
	cJSON_Delete(doc);
	setting("role-source", "ROLENAME");
	roles_are(g3, "{\"roleName\":\"reader\"}", "[\"app-read\"]",
	    "the source names the declared attribute in any case");
	setting("role-source", "roles");

	/* The members whose roles follow a group. */
	memset(&rs, 0, sizeof(rs));
	store_begin(st, 0, &tx);
	ok(roles_set_members(tx, &cx, g1, &rs) == SCIM_OK && rs.rs_n == 1 &&
	    memcmp(rs.rs_ids[0], u, 16) == 0,
	    "roles_set_members: the user members only");
	store_abort(&tx);
	roles_set_free(&rs);
	ok(rs.rs_ids == NULL && rs.rs_n == 0, "roles_set_free empties it");

	granting();
	refreshing();

	ctx_close(&cx);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", dir);
	return tap_done();
}
