/*
 * check_patch.c: the PATCH engine, table-driven: a stored user, the
 * operations, and the user afterwards (or the error).  Membership
 * operations are recorded through the callbacks.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "patch.h"
#include "schema.h"
#include "scim_error.h"
#include "tap.h"

#define E "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define U "urn:ietf:params:scim:schemas:core:2.0:User"

static const struct {
	int		 line;
	const char	*doc;
	const char	*ops;		/* the Operations array */
	const char	*want;		/* the doc after, or NULL on error */
	enum scim_err	 err;
} cases[] = {
	/* Simple attributes, ops in any case. */
	{ __LINE__, "{\"id\":\"i\",\"userName\":\"u\"}",
	  "[{\"op\":\"Add\",\"path\":\"nickName\",\"value\":\"Babs\"}]",
	  "{\"id\":\"i\",\"userName\":\"u\",\"nickName\":\"Babs\"}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"userName\":\"u\",\"title\":\"a\"}",
	  "[{\"op\":\"REPLACE\",\"path\":\"Title\",\"value\":\"b\"}]",
	  "{\"id\":\"i\",\"userName\":\"u\",\"title\":\"b\"}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"title\":\"a\"}",
	  "[{\"op\":\"remove\",\"path\":\"title\"}]",
	  "{\"id\":\"i\"}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"title\":\"a\",\"nickName\":\"n\"}",
	  "[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"\"},"
	  "{\"op\":\"replace\",\"path\":\"nickName\",\"value\":null}]",
	  "{\"id\":\"i\"}", 0 },
	/* Booleans. */
	{ __LINE__, "{\"id\":\"i\",\"active\":true}",
	  "[{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}]",
	  "{\"id\":\"i\",\"active\":false}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"active\":false}",
	  "[{\"op\":\"replace\",\"value\":{\"active\":\"true\"}}]",
	  "{\"id\":\"i\",\"active\":true}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"replace\",\"path\":\"active\",\"value\":\"yes\"}]",
	  NULL, SCIM_EINVALVALUE },
	/* Sub-attributes and path-less dotted keys. */
	{ __LINE__, "{\"id\":\"i\",\"name\":{\"givenName\":\"g\",\"familyName\":\"f\"}}",
	  "[{\"op\":\"replace\",\"path\":\"name.familyName\",\"value\":\"F\"}]",
	  "{\"id\":\"i\",\"name\":{\"givenName\":\"g\",\"familyName\":\"F\"}}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"value\":{\"name.givenName\":\"G\",\"displayName\":\"D\","
	  "\"" E ":employeeNumber\":\"7\"}}]",
	  "{\"id\":\"i\",\"name\":{\"givenName\":\"G\"},\"displayName\":\"D\","
	  "\"" E "\":{\"employeeNumber\":\"7\"}}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"name\":{\"givenName\":\"g\",\"familyName\":\"f\"}}",
	  "[{\"op\":\"replace\",\"path\":\"name\",\"value\":{\"givenName\":\"X\"}}]",
	  "{\"id\":\"i\",\"name\":{\"givenName\":\"X\",\"familyName\":\"f\"}}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"name\":{\"givenName\":\"g\"}}",
	  "[{\"op\":\"remove\",\"path\":\"name.givenName\"}]",
	  "{\"id\":\"i\"}", 0 },
	/* Value filters: in place, and create-on-absent. */
	{ __LINE__, "{\"id\":\"i\",\"emails\":[{\"value\":\"a\",\"type\":\"work\",\"primary\":true},"
	  "{\"value\":\"b\",\"type\":\"home\"}]}",
	  "[{\"op\":\"Replace\",\"path\":\"emails[type eq \\\"work\\\"].value\",\"value\":\"A2\"}]",
	  "{\"id\":\"i\",\"emails\":[{\"value\":\"A2\",\"type\":\"work\",\"primary\":true},"
	  "{\"value\":\"b\",\"type\":\"home\"}]}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"Add\",\"path\":\"emails[type eq \\\"work\\\"].value\",\"value\":\"w\"}]",
	  "{\"id\":\"i\",\"emails\":[{\"type\":\"work\",\"value\":\"w\"}]}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"emails\":[{\"value\":\"b\",\"type\":\"home\"}]}",
	  "[{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"].value\",\"value\":\"w\"}]",
	  "{\"id\":\"i\",\"emails\":[{\"value\":\"b\",\"type\":\"home\"},"
	  "{\"type\":\"work\",\"value\":\"w\"}]}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"emails\":[{\"value\":\"a\",\"type\":\"work\"},"
	  "{\"value\":\"b\",\"type\":\"home\"}]}",
	  "[{\"op\":\"remove\",\"path\":\"emails[type eq \\\"work\\\"]\"}]",
	  "{\"id\":\"i\",\"emails\":[{\"value\":\"b\",\"type\":\"home\"}]}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"emails\":[{\"value\":\"a\",\"type\":\"work\"}]}",
	  "[{\"op\":\"remove\",\"path\":\"emails[type eq \\\"work\\\"].value\"}]",
	  "{\"id\":\"i\"}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"remove\",\"path\":\"emails[type eq \\\"work\\\"]\"}]",
	  "{\"id\":\"i\"}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"roles[primary eq \\\"True\\\"].value\",\"value\":\"R\"}]",
	  "{\"id\":\"i\",\"roles\":[{\"primary\":true,\"value\":\"R\"}]}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"emails[value co \\\"x\\\"].type\",\"value\":\"w\"}]",
	  NULL, SCIM_ENOTARGET },
	/* An empty array stored: the element is made in a new one. */
	{ __LINE__, "{\"id\":\"i\",\"roles\":[]}",
	  "[{\"op\":\"add\",\"path\":\"roles[primary eq \\\"True\\\"].value\",\"value\":\"R\"}]",
	  "{\"id\":\"i\",\"roles\":[{\"primary\":true,\"value\":\"R\"}]}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"emails\":[]}",
	  "[{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"]\",\"value\":{\"value\":\"a@b\"}}]",
	  "{\"id\":\"i\",\"emails\":[{\"type\":\"work\",\"value\":\"a@b\"}]}", 0 },
	/* Multi-valued add: append, no duplicates, one primary. */
	{ __LINE__, "{\"id\":\"i\",\"emails\":[{\"value\":\"a\",\"primary\":true}]}",
	  "[{\"op\":\"add\",\"path\":\"emails\",\"value\":[{\"value\":\"b\",\"primary\":true},"
	  "{\"value\":\"a\",\"primary\":false}]}]",
	  "{\"id\":\"i\",\"emails\":[{\"value\":\"a\",\"primary\":false},"
	  "{\"value\":\"b\",\"primary\":true}]}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"roles\":[{\"value\":\"r\"}]}",
	  "[{\"op\":\"add\",\"path\":\"roles\",\"value\":[{\"value\":\"r\"}]}]",
	  "{\"id\":\"i\",\"roles\":[{\"value\":\"r\"}]}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"roles\":[{\"value\":\"a\"},{\"value\":\"b\"}]}",
	  "[{\"op\":\"remove\",\"path\":\"roles\",\"value\":[{\"value\":\"a\"}]}]",
	  "{\"id\":\"i\",\"roles\":[{\"value\":\"b\"}]}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"roles\":[{\"value\":\"a\"}]}",
	  "[{\"op\":\"replace\",\"path\":\"roles\",\"value\":[]}]",
	  "{\"id\":\"i\"}", 0 },
	/* Entra's roles with a JSON string value. */
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"Add\",\"path\":\"roles\",\"value\":[{\"value\":"
	  "\"{\\\"id\\\":\\\"x\\\",\\\"value\\\":\\\"25\\\",\\\"displayName\\\":\\\"R\\\"}\"}]}]",
	  "{\"id\":\"i\",\"roles\":[{\"value\":\"25\",\"display\":\"R\"}]}", 0 },
	/* Manager shapes. */
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"Add\",\"path\":\"manager\",\"value\":[{\"$ref\":\"r\",\"value\":\"m\"}]}]",
	  "{\"id\":\"i\",\"" E "\":{\"manager\":{\"value\":\"m\"}}}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"" E ":manager\",\"value\":\"m\"}]",
	  "{\"id\":\"i\",\"" E "\":{\"manager\":{\"value\":\"m\"}}}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"" E "\":{\"manager\":{\"value\":\"m\"},\"department\":\"d\"}}",
	  "[{\"op\":\"replace\",\"path\":\"" E ":manager\",\"value\":\"\"}]",
	  "{\"id\":\"i\",\"" E "\":{\"department\":\"d\"}}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"" E "\":{\"manager\":{\"value\":\"m\"}}}",
	  "[{\"op\":\"remove\",\"path\":\"manager[value eq \\\"m\\\"]\"}]",
	  "{\"id\":\"i\"}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"" E "\":{\"manager\":{\"value\":\"m\"}}}",
	  "[{\"op\":\"remove\",\"path\":\"manager[value eq \\\"other\\\"]\"}]",
	  "{\"id\":\"i\",\"" E "\":{\"manager\":{\"value\":\"m\"}}}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"replace\",\"path\":\"" E "\",\"value\":{\"costCenter\":\"c\"}}]",
	  "{\"id\":\"i\",\"" E "\":{\"costCenter\":\"c\"}}", 0 },
	/* Unknown and custom attributes. */
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"Replace\",\"path\":\"roleName\",\"value\":\"Admin\"}]",
	  "{\"id\":\"i\"}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"urn:x:extension:C:2.0:User:badge\",\"value\":\"b\"}]",
	  "{\"id\":\"i\",\"urn:x:extension:C:2.0:User\":{\"badge\":\"b\"}}", 0 },
	/* RFC 7644 §3.10: "URN:attr" in the core URN is the core attribute. */
	{ __LINE__, "{\"id\":\"i\",\"userName\":\"u\"}",
	  "[{\"op\":\"replace\",\"path\":\"" U ":userName\",\"value\":\"v\"}]",
	  "{\"id\":\"i\",\"userName\":\"v\"}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"Replace\",\"path\":\"" U ":roleName\",\"value\":\"Admin\"}]",
	  "{\"id\":\"i\"}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:roleName\","
	  "\"value\":\"Admin\"}]",
	  "{\"id\":\"i\"}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"value\":{\"" U ":roleName\":\"Admin\",\"" U ":title\":\"t\"}}]",
	  "{\"id\":\"i\",\"title\":\"t\"}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"remove\",\"path\":\"" U ":roleName\"}]",
	  "{\"id\":\"i\"}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"" U ":roleName.x\",\"value\":1}]",
	  NULL, SCIM_EPATH },
	/* The core namespace has no extensions: the URN alone, another's. */
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"" U "\",\"value\":{\"title\":\"t\"}}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"value\":{\"" U "\":{\"title\":\"t\"}}}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"urn:ietf:params:scim:schemas:core:2.0:Group:"
	  "displayName\",\"value\":\"d\"}]",
	  NULL, SCIM_EPATH },
	/* Mutability, errors, and atomicity (the doc is a copy). */
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"replace\",\"path\":\"id\",\"value\":\"j\"}]", NULL, SCIM_EMUTABILITY },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"replace\",\"value\":{\"id\":\"i\",\"title\":\"t\"}}]",
	  "{\"id\":\"i\",\"title\":\"t\"}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"groups\",\"value\":[{\"value\":\"g\"}]}]",
	  NULL, SCIM_EMUTABILITY },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"password\",\"value\":\"secret\"}]",
	  "{\"id\":\"i\"}", 0 },
	{ __LINE__, "{\"id\":\"i\"}", "[{\"op\":\"remove\"}]", NULL, SCIM_ENOTARGET },
	{ __LINE__, "{\"id\":\"i\"}", "[{\"op\":\"move\",\"path\":\"a\"}]",
	  NULL, SCIM_EINVALSYNTAX },
	{ __LINE__, "{\"id\":\"i\"}", "[{\"path\":\"a\"}]", NULL, SCIM_EINVALSYNTAX },
	{ __LINE__, "{\"id\":\"i\"}", "[]", NULL, SCIM_EINVALSYNTAX },
	{ __LINE__, "{\"id\":\"i\"}", "[{\"op\":\"add\",\"path\":\"title[\",\"value\":1}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\"}", "[{\"op\":\"add\",\"path\":\"title.x\",\"value\":1}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\"}", "[{\"op\":\"add\",\"value\":[1]}]",
	  NULL, SCIM_EINVALVALUE },
	/* A path goes no deeper than attribute.sub-attribute. */
	{ __LINE__, "{\"id\":\"i\",\"emails\":[{\"value\":\"a\",\"type\":\"work\"}]}",
	  "[{\"op\":\"add\",\"path\":\"emails[type eq \\\"work\\\"].value.x\",\"value\":\"v\"}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"emails[type eq \\\"work\\\"].value.x\",\"value\":\"v\"}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\",\"emails\":[{\"value\":\"a\",\"type\":\"work\"}]}",
	  "[{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"].nosuch\",\"value\":\"v\"}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\",\"" E "\":{\"manager\":{\"value\":\"m\"}}}",
	  "[{\"op\":\"add\",\"path\":\"manager[value eq \\\"m\\\"].value.x\",\"value\":\"v\"}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\",\"" E "\":{\"manager\":{\"value\":\"m\"}}}",
	  "[{\"op\":\"add\",\"path\":\"" E ":manager.value.x\",\"value\":\"v\"}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"" E ":department.x\",\"value\":\"v\"}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"" E ":\",\"value\":\"v\"}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"value\":{\"" E ":\":\"v\"}}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"urn:x:extension:C:2.0:User:badge.x\",\"value\":\"b\"}]",
	  NULL, SCIM_EPATH },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"value\":{\"urn:x:extension:C:2.0:User:badge.x\":\"b\"}}]",
	  NULL, SCIM_EPATH },
	/* A complex value with no known sub-attribute, or an array for a
	 * sub-attribute, is refused, not stored as {}. */
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"emails\",\"value\":[{}]}]", NULL,
	  SCIM_EINVALVALUE },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"name\",\"value\":{\"foo\":1}}]", NULL,
	  SCIM_EINVALVALUE },
	{ __LINE__, "{\"id\":\"i\",\"emails\":[{\"value\":\"a\",\"type\":\"work\"}]}",
	  "[{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"]\",\"value\":{\"x\":1}}]",
	  NULL, SCIM_EINVALVALUE },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"phoneNumbers\",\"value\":[{\"value\":[]}]}]",
	  NULL, SCIM_EINVALVALUE },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"manager\",\"value\":{\"$ref\":\"r\"}}]",
	  NULL, SCIM_EINVALVALUE },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"emails\",\"value\":[{\"value\":\"a\",\"x\":1}]}]",
	  "{\"id\":\"i\",\"emails\":[{\"value\":\"a\"}]}", 0 },
	{ __LINE__, "{\"id\":\"i\"}",
	  "[{\"op\":\"add\",\"path\":\"foo.bar:baz\",\"value\":\"b\"}]",
	  NULL, SCIM_EPATH },
	/* add and replace need a value; null is one (it clears). */
	{ __LINE__, "{\"id\":\"i\",\"title\":\"t\"}",
	  "[{\"op\":\"add\",\"path\":\"title\"}]", NULL, SCIM_EINVALVALUE },
	{ __LINE__, "{\"id\":\"i\",\"title\":\"t\"}",
	  "[{\"op\":\"Replace\",\"path\":\"title\"}]", NULL, SCIM_EINVALVALUE },
	{ __LINE__, "{\"id\":\"i\",\"" E "\":{\"manager\":{\"value\":\"m\"}}}",
	  "[{\"op\":\"add\",\"path\":\"manager\"}]", NULL, SCIM_EINVALVALUE },
	{ __LINE__, "{\"id\":\"i\"}", "[{\"op\":\"replace\"}]", NULL,
	  SCIM_EINVALVALUE },
	{ __LINE__, "{\"id\":\"i\",\"" E "\":{\"manager\":{\"value\":\"m\"}}}",
	  "[{\"op\":\"replace\",\"path\":\"" E ":manager\",\"value\":null}]",
	  "{\"id\":\"i\"}", 0 },
	{ __LINE__, "{\"id\":\"i\",\"title\":\"t\"}",
	  "[{\"op\":\"remove\",\"path\":\"title\"}]", "{\"id\":\"i\"}", 0 },
	/* Operations apply in order: remove, add, replace of one attribute. */
	{ __LINE__, "{\"id\":\"i\",\"title\":\"a\"}",
	  "[{\"op\":\"remove\",\"path\":\"title\"},{\"op\":\"add\",\"path\":\"title\",\"value\":\"b\"},"
	  "{\"op\":\"replace\",\"path\":\"title\",\"value\":\"c\"}]",
	  "{\"id\":\"i\",\"title\":\"c\"}", 0 },
};

/* Did the PATCH declare an attribute in the core namespace? */
static int
core_declared(const cJSON *found)
{
	const cJSON	*d;
	const char	*urn;

	cJSON_ArrayForEach(d, found) {
		urn = cJSON_GetStringValue(cJSON_GetObjectItem(d, "urn"));
		if (urn != NULL && strncasecmp(urn,
		    "urn:ietf:params:scim:schemas:core:", 34) == 0)
			return 1;
	}
	return 0;
}

/* Group membership: what the callbacks were told, as text. */
static char	log_[512];

static enum scim_err
m_add(void *arg, const char *id, const char *display, struct scim_resp *resp)
{
	(void)arg;
	if (strcmp(id, "bad") == 0)
		return scim_fail(resp, SCIM_EINVALVALUE, "member bad");
	snprintf(log_ + strlen(log_), sizeof(log_) - strlen(log_), "+%s%s%s",
	    id, display ? "/" : "", display ? display : "");
	return SCIM_OK;
}

static enum scim_err
m_remove(void *arg, const char *id, struct scim_resp *resp)
{
	(void)arg;
	(void)resp;
	snprintf(log_ + strlen(log_), sizeof(log_) - strlen(log_), "-%s", id);
	return SCIM_OK;
}

static enum scim_err
m_clear(void *arg, struct scim_resp *resp)
{
	(void)arg;
	(void)resp;
	snprintf(log_ + strlen(log_), sizeof(log_) - strlen(log_), "0");
	return SCIM_OK;
}

/* "=" then "+id" for each member of the new list. */
static enum scim_err
m_set(void *arg, const cJSON *list, struct scim_resp *resp)
{
	const cJSON	*el, *v;

	(void)arg;
	snprintf(log_ + strlen(log_), sizeof(log_) - strlen(log_), "=");
	for (el = cJSON_IsArray(list) ? list->child : cJSON_IsNull(list) ?
	    NULL : list; el != NULL; el = cJSON_IsArray(list) ? el->next :
	    NULL) {
		v = cJSON_IsObject(el) ? cJSON_GetObjectItem(el, "value") : el;
		if (!cJSON_IsString(v))
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "a member needs a value (its id)");
		snprintf(log_ + strlen(log_), sizeof(log_) - strlen(log_),
		    "+%s", v->valuestring);
	}
	return SCIM_OK;
}

static const struct {
	int		 line;
	const char	*ops;
	const char	*log;
	enum scim_err	 err;
} mcases[] = {
	{ __LINE__, "[{\"op\":\"Add\",\"path\":\"members\",\"value\":[{\"$ref\":null,\"value\":\"a\"},{\"value\":\"b\"}]}]", "+a+b", 0 },
	{ __LINE__, "[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"a\",\"display\":\"A\"},{\"displayName\":\"new User\",\"value\":\"b\"}]}]", "+a/A+b/new User", 0 },
	{ __LINE__, "[{\"op\":\"Remove\",\"path\":\"members\",\"value\":[{\"value\":\"a\"}]}]", "-a", 0 },
	{ __LINE__, "[{\"op\":\"remove\",\"path\":\"members[value eq \\\"a\\\"]\"}]", "-a", 0 },
	{ __LINE__, "[{\"op\":\"remove\",\"path\":\"members\"}]", "0", 0 },
	{ __LINE__, "[{\"op\":\"replace\",\"path\":\"members\",\"value\":[]}]", "=", 0 },
	{ __LINE__, "[{\"op\":\"replace\",\"path\":\"members\",\"value\":[{\"value\":\"x\"},{\"value\":\"y\"}]}]", "=+x+y", 0 },
	{ __LINE__, "[{\"op\":\"add\",\"path\":\"members\",\"value\":\"string id 1\"}]", "+string id 1", 0 },
	/* RFC 7644 §3.10: the fully qualified name is members too. */
	{ __LINE__, "[{\"op\":\"add\",\"path\":\"urn:ietf:params:scim:schemas:core:2.0:Group:members\",\"value\":[{\"value\":\"q\"}]}]", "+q", 0 },
	{ __LINE__, "[{\"op\":\"remove\",\"path\":\"URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:GROUP:members[value eq \\\"q\\\"]\"}]", "-q", 0 },
	{ __LINE__, "[{\"op\":\"replace\",\"value\":{\"members\":[{\"value\":\"z\"}],\"displayName\":\"D\"}}]", "=+z", 0 },
	{ __LINE__, "[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"a\"},{\"value\":\"bad\"}]}]", NULL, SCIM_EINVALVALUE },
	{ __LINE__, "[{\"op\":\"remove\",\"path\":\"members[display eq \\\"a\\\"]\"}]", NULL, SCIM_EPATH },
	{ __LINE__, "[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"display\":\"no id\"}]}]", NULL, SCIM_EINVALVALUE },
	{ __LINE__, "[{\"op\":\"add\",\"path\":\"" U ":userName\",\"value\":\"u\"}]", NULL, SCIM_EPATH },
	{ __LINE__, "[{\"op\":\"add\",\"path\":\"members\"}]", NULL, SCIM_EINVALVALUE },
	{ __LINE__, "[{\"op\":\"replace\",\"path\":\"members\"}]", NULL, SCIM_EINVALVALUE },
	{ __LINE__, "[{\"op\":\"add\",\"path\":\"members[value eq \\\"a\\\"].x.y\",\"value\":1}]", NULL, SCIM_EPATH },
};

int
main(void)
{
	struct scim_resp	 resp;
	struct patch_members	 pm = { m_add, m_remove, m_clear, m_set, NULL };
	struct schema_overlay	 ov;
	cJSON			*doc, *body, *want, *before, *found;
	char			 buf[4096], *got;
	size_t			 i;
	enum scim_err		 e;

	/* A tenant's User schema, as a request context holds it. */
	if (schema_overlay_load(&ov, NULL) != SCIM_OK)
		return 1;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&resp, 0, sizeof(resp));
		doc = cJSON_Parse(cases[i].doc);
		before = cJSON_Duplicate(doc, 1);
		snprintf(buf, sizeof(buf), "{\"Operations\":%s}", cases[i].ops);
		body = cJSON_Parse(buf);
		if (doc == NULL || body == NULL) {
			ok(0, "line %d: bad test data", cases[i].line);
			continue;
		}
		e = patch_apply(&ov.so_sc, body, doc, NULL, &resp);
		found = schema_overlay_found_take(&ov);
		if (core_declared(found)) {
			got = cJSON_PrintUnformatted(found);
			ok(0, "line %d: declares in the core namespace",
			    cases[i].line);
			tap_diag("declared %s", got);
			free(got);
		}
		cJSON_Delete(found);
		if (cases[i].want == NULL) {
			ok(e == cases[i].err && strncmp(resp.rp_detail,
			    "Operations", 10) == 0, "line %d: error %s (%s)",
			    cases[i].line, scim_err_type(cases[i].err) ?
			    scim_err_type(cases[i].err) : "?", resp.rp_detail);
		} else {
			want = cJSON_Parse(cases[i].want);
			got = cJSON_PrintUnformatted(doc);
			ok(e == SCIM_OK && cJSON_Compare(doc, want, 1),
			    "line %d: %s", cases[i].line, cases[i].ops);
			if (e != SCIM_OK || !cJSON_Compare(doc, want, 1))
				tap_diag("got %s (%s)", got, resp.rp_detail);
			free(got);
			cJSON_Delete(want);
		}
		cJSON_Delete(doc);
		cJSON_Delete(before);
		cJSON_Delete(body);
	}

	for (i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
		memset(&resp, 0, sizeof(resp));
		log_[0] = '\0';
		doc = cJSON_Parse("{\"id\":\"g\",\"displayName\":\"G\"}");
		snprintf(buf, sizeof(buf), "{\"Operations\":%s}", mcases[i].ops);
		body = cJSON_Parse(buf);
		e = patch_apply(schema_static(RES_GROUP), body, doc, &pm, &resp);
		if (mcases[i].log == NULL)
			ok(e == mcases[i].err, "line %d: members error (%s)",
			    mcases[i].line, resp.rp_detail);
		else
			ok(e == SCIM_OK && strcmp(log_, mcases[i].log) == 0,
			    "line %d: members %s (did %s)", mcases[i].line,
			    mcases[i].log, log_);
		cJSON_Delete(doc);
		cJSON_Delete(body);
	}
	schema_overlay_free(&ov);
	return tap_done();
}
