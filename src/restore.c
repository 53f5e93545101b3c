/*
 * restore.c: putting back what a deprovisioning removed.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "ctx.h"
#include "grant.h"
#include "groups.h"
#include "record.h"
#include "http.h"
#include "indexes.h"
#include "log.h"
#include "resource.h"
#include "restore.h"
#include "roles.h"
#include "schema.h"
#include "store.h"
#include "util.h"

/* One line of the report, its control characters escaped (a userName
 * may hold any): the CLI prints it as it is. */
static void
say(char *report, size_t len, const char *fmt, ...)
{
	size_t	n = strlen(report);
	va_list	ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	log_vformat(report + n, len - n, fmt, ap);
	va_end(ap);
	n = strlen(report);
	if (n + 1 < len) {
		report[n] = '\n';
		report[n + 1] = '\0';
	}
}

int
restore_undoable(const char *action)
{
	return strcmp(action, "user.deleted") == 0 ||
	    strcmp(action, "group.deleted") == 0 ||
	    strcmp(action, "user.deactivated") == 0 ||
	    strcmp(action, "member.removed") == 0;
}

static const char *
str(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(o, k));
}

/* The detail of a restore's own entry: the entry it undid. */
static cJSON *
entry_seq(const cJSON *entry)
{
	return cJSON_CreateNumber(cJSON_GetObjectItem(entry,
	    "seq")->valuedouble);
}

/* Are the unique values of doc (userName, displayName) free in tx? */
static enum scim_err
name_free(struct store_txn *tx, const struct ctx *cx, enum res_type type,
    const cJSON *doc, const uint8_t id[16], char *report, size_t len)
{
	const struct index_def	*d;
	const char		*v;
	enum scim_err		 e;

	if (str(doc, indexes_name(type)->ix_attr) == NULL)
		return SCIM_ESTORE;
	e = indexes_taken(tx, cx->cx_tenant.tn_id, type, doc, id, &d, &v);
	if (e == SCIM_EUNIQUE)
		say(report, len, "refused: %s %s is taken by another %s now",
		    d->ix_attr, v, type == RES_USER ? "user" : "group");
	return e;
}

/* Put back a deleted resource: record, index, memberships both ways. */
static enum scim_err
undelete(struct store_txn *tx, const struct ctx *cx, enum res_type type,
    const cJSON *entry, char *report, size_t len)
{
	const struct schema	*sc = ctx_schema(cx, type);
	const cJSON		*before = cJSON_GetObjectItem(entry, "before");
	const cJSON		*doc = cJSON_GetObjectItem(before, "resource");
	const cJSON		*m, *g;
	const char		*json, *ids = str(doc, "id"), *md;
	uint8_t			 id[16], other[16];
	char			*text;
	size_t			 l;
	enum res_type		 mt;
	enum scim_err		 e;

	if (!cJSON_IsObject(doc) || ids == NULL ||
	    util_uuid_parse(ids, id) == -1)
		return SCIM_ESTORE;
	/* Only a record that is not there counts as gone (store.h). */
	if ((e = store_res_get(tx, cx->cx_tenant.tn_id, type, id, &json,
	    &l)) == SCIM_OK) {
		say(report, len, "%s %s exists: nothing to restore",
		    sc->sc_name, ids);
		return SCIM_ENOTFOUND;
	}
	if (e != SCIM_ENOTFOUND)
		return e;
	if ((e = name_free(tx, cx, type, doc, id, report, len)) != SCIM_OK)
		return e;
	/* The record exactly as it was stored: same id, meta, version. */
	if ((text = cJSON_PrintUnformatted(doc)) == NULL)
		return SCIM_ENOMEM;
	e = store_res_put(tx, cx->cx_tenant.tn_id, type, id, text, strlen(text), 1);
	free(text);
	if (e == SCIM_OK)
		e = resource_index(tx, cx->cx_tenant.tn_id, sc, doc, id, 1);
	/* The groups it was in. */
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(before, "groups")) {
		if (e != SCIM_OK)
			break;
		if (util_uuid_parse(str(g, "value") != NULL ? str(g, "value") :
		    "", other) == -1)
			continue;
		if ((e = store_res_get(tx, cx->cx_tenant.tn_id, RES_GROUP,
		    other, &json, &l)) == SCIM_ENOTFOUND) {
			e = SCIM_OK;
			say(report, len, "group %s no longer exists: "
			    "membership not restored", str(g, "value"));
			continue;
		}
		if (e != SCIM_OK)
			break;
		/*
		 * The display the member had in the group: "memberDisplay"
		 * (entries from this version on, where "display" is the
		 * group's name), or "display" in earlier entries.
		 */
		if ((md = str(g, "memberDisplay")) == NULL &&
		    (md = str(g, "display")) == NULL)
			md = groups_member_display(type, doc);
		e = store_member_put(tx, cx->cx_tenant.tn_id, other, id, type, md,
		    NULL);
	}
	/* A group's members. */
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(before, "members")) {
		if (e != SCIM_OK)
			break;
		mt = util_strcaseeq(str(m, "type") != NULL ? str(m, "type") :
		    "", "Group") ? RES_GROUP : RES_USER;
		if (util_uuid_parse(str(m, "value") != NULL ? str(m, "value") :
		    "", other) == -1)
			continue;
		if ((e = store_res_get(tx, cx->cx_tenant.tn_id, mt, other,
		    &json, &l)) == SCIM_ENOTFOUND) {
			e = SCIM_OK;
			say(report, len, "member %s no longer exists: not "
			    "restored", str(m, "value"));
			continue;
		}
		if (e != SCIM_OK)
			break;
		e = store_member_put(tx, cx->cx_tenant.tn_id, id, other, mt,
		    str(m, "display"), NULL);
		if (e == SCIM_OK && mt == RES_USER)
			e = grant_refresh(tx, cx, other);
	}
	if (e == SCIM_OK && type == RES_USER)
		e = grant_refresh(tx, cx, id);
	if (e == SCIM_OK)
		e = audit_record_res(tx, cx, type == RES_USER ?
		    "user.restored" : "group.restored", type, id, str(doc,
		    type == RES_USER ? "userName" : "displayName"), NULL,
		    entry_seq(entry));
	if (e == SCIM_OK)
		e = audit_change(tx, cx, type, id, "restore");
	if (e == SCIM_OK)
		say(report, len, "restored %s %s (%s)", sc->sc_name, ids,
		    str(doc, type == RES_USER ? "userName" : "displayName"));
	return e;
}

static enum scim_err
reactivate(struct store_txn *tx, const struct ctx *cx, const cJSON *entry,
    char *report, size_t len)
{
	const char	*json, *ids = str(entry, "id");
	uint8_t		 id[16];
	size_t		 l;
	char		*text;
	cJSON		*doc;
	enum scim_err	 e;

	if (ids == NULL || util_uuid_parse(ids, id) == -1)
		return SCIM_ESTORE;
	if ((e = store_res_get(tx, cx->cx_tenant.tn_id, RES_USER, id, &json,
	    &l)) == SCIM_ENOTFOUND) {
		say(report, len, "user %s no longer exists: not reactivated",
		    ids);
		return SCIM_ENOTFOUND;
	}
	if (e != SCIM_OK)
		return e;
	if ((doc = cJSON_ParseWithLength(json, l)) == NULL)
		return SCIM_ESTORE;
	if (!cJSON_IsFalse(cJSON_GetObjectItem(doc, "active"))) {
		cJSON_Delete(doc);
		say(report, len, "user %s is active: nothing to restore", ids);
		return SCIM_ENOTFOUND;
	}
	if (!cJSON_ReplaceItemInObjectCaseSensitive(doc, "active",
	    cJSON_CreateTrue()) || record_touch(doc) == -1 ||
	    (text = cJSON_PrintUnformatted(doc)) == NULL) {
		cJSON_Delete(doc);
		return SCIM_ENOMEM;
	}
	e = store_res_put(tx, cx->cx_tenant.tn_id, RES_USER, id, text,
	    strlen(text), 0);
	free(text);
	/* Active again: the roles its mappings give come back. */
	if (e == SCIM_OK)
		e = grant_refresh(tx, cx, id);
	if (e == SCIM_OK)
		e = audit_record_res(tx, cx, "user.reactivated", RES_USER, id,
		    str(doc, "userName"), NULL, entry_seq(entry));
	if (e == SCIM_OK)
		e = audit_change(tx, cx, RES_USER, id, "restore");
	if (e == SCIM_OK)
		say(report, len, "reactivated user %s (%s)", ids,
		    str(doc, "userName"));
	cJSON_Delete(doc);
	return e;
}

static enum scim_err
readd(struct store_txn *tx, const struct ctx *cx, const cJSON *entry,
    char *report, size_t len)
{
	const cJSON	*m = cJSON_GetObjectItem(cJSON_GetObjectItem(entry,
			    "before"), "member");
	const char	*json, *gs = str(entry, "id"), *ms = str(m, "value");
	uint8_t		 gid[16], mid[16];
	enum res_type	 mt, cur;
	char		 d[STORE_DISPLAY_MAX + 1];
	size_t		 l;
	enum scim_err	 e;

	if (gs == NULL || ms == NULL || util_uuid_parse(gs, gid) == -1 ||
	    util_uuid_parse(ms, mid) == -1)
		return SCIM_ESTORE;
	mt = util_strcaseeq(str(m, "type") != NULL ? str(m, "type") : "",
	    "Group") ? RES_GROUP : RES_USER;
	if ((e = store_res_get(tx, cx->cx_tenant.tn_id, RES_GROUP, gid, &json,
	    &l)) == SCIM_OK)
		e = store_res_get(tx, cx->cx_tenant.tn_id, mt, mid, &json, &l);
	if (e == SCIM_ENOTFOUND) {
		say(report, len, "group %s or member %s no longer exists",
		    gs, ms);
		return SCIM_ENOTFOUND;
	}
	if (e != SCIM_OK)
		return e;
	if ((e = store_member_get(tx, cx->cx_tenant.tn_id, gid, mid, &cur, d,
	    sizeof(d))) == SCIM_OK) {
		say(report, len, "%s is in group %s: nothing to restore", ms,
		    gs);
		return SCIM_ENOTFOUND;
	}
	if (e != SCIM_ENOTFOUND)
		return e;
	e = store_member_put(tx, cx->cx_tenant.tn_id, gid, mid, mt, str(m, "display"),
	    NULL);
	if (e == SCIM_OK && mt == RES_USER)
		e = grant_refresh(tx, cx, mid);
	if (e == SCIM_OK)
		e = audit_record_res(tx, cx, "member.restored", RES_GROUP,
		    gid, str(entry, "name"), NULL, entry_seq(entry));
	if (e == SCIM_OK) {
		cJSON	*added;
		char	 mids[UUID_STRLEN + 1];

		util_uuid_format(mid, mids);
		if ((added = cJSON_CreateArray()) == NULL ||
		    !cJSON_AddItemToArray(added, cJSON_CreateString(mids)))
			e = SCIM_ENOMEM;
		else
			e = audit_change_ex(tx, cx, RES_GROUP, gid, "members",
			    NULL, added, NULL);
		cJSON_Delete(added);
	}
	if (e == SCIM_OK)
		say(report, len, "re-added %s to group %s (%s)", ms, gs,
		    str(entry, "name"));
	return e;
}

enum scim_err
restore_entry(struct store_txn *tx, const struct ctx *cx,
    const cJSON *entry, char *report, size_t len)
{
	const char	*action = str(entry, "action");

	if (action == NULL || !cJSON_IsNumber(cJSON_GetObjectItem(entry,
	    "seq")))
		return SCIM_ESTORE;
	if (strcmp(action, "user.deleted") == 0)
		return undelete(tx, cx, RES_USER, entry, report, len);
	if (strcmp(action, "group.deleted") == 0)
		return undelete(tx, cx, RES_GROUP, entry, report, len);
	if (strcmp(action, "user.deactivated") == 0)
		return reactivate(tx, cx, entry, report, len);
	if (strcmp(action, "member.removed") == 0)
		return readd(tx, cx, entry, report, len);
	say(report, len, "entry %.0f (%s) is not one restore undoes%s",
	    cJSON_GetObjectItem(entry, "seq")->valuedouble, action,
	    strcmp(action, "role.lost") == 0 ? ": roles follow the role "
	    "mapping and the memberships" : "");
	return SCIM_ENOTIMPL;
}
