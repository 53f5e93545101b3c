/*
 * json.h: cJSON glue.  Request bodies pass json_parse_body(), which
 * bounds nesting depth and string sizes and rejects invalid UTF-8 before
 * cJSON sees them.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct scim_resp;

/*
 * Parse a request body that must be one JSON object.  On success *out is
 * the tree (the caller frees it with cJSON_Delete).  Errors: SCIM_EINVALSYNTAX
 * (not JSON, not an object, too deep, string too long, invalid UTF-8,
 * \u0000, a control character in a string or between tokens, an object
 * with two members of one name in any case, a number a double cannot
 * hold), SCIM_ENOMEM; resp carries the detail.
 */
enum scim_err	 json_parse_body(const char *body, size_t len, cJSON **out,
		    struct scim_resp *);

/* 1 when s[0..len) is well-formed UTF-8 (RFC 3629: no overlongs or
 * surrogates), else 0. */
int		 json_utf8_valid(const char *s, size_t len);

/*
 * 1 when a and b hold the same JSON value: object members in any order,
 * names compared exactly, numbers by value.  Unlike cJSON_Compare(),
 * whose objects are walked twice at every level (2^depth on nested
 * objects: a client could make one comparison take minutes), each
 * value is visited once and each object's members are matched by sorted
 * name.  -1 when out of memory.
 */
int		 json_equal(const cJSON *a, const cJSON *b);

/* Add item to obj under key; frees item and returns -1 on failure. */
int		 json_add(cJSON *obj, const char *key, cJSON *item);

/* Add a string member; returns -1 (nothing added) on failure. */
int		 json_add_string(cJSON *obj, const char *key, const char *s);

#endif /* JSON_H */
