/*
 * json.c: bounded JSON parsing for request bodies.
 */
#include "config.h"

#include <string.h>

#include "http.h"
#include "json.h"
#include "scim_error.h"
#include "util.h"

int
json_utf8_valid(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n;

	while (i < len) {
		if ((n = util_utf8_len(s + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

/*
 * One pass over the raw text, outside cJSON: nesting depth, string sizes
 * and \u0000 (which cJSON would silently cut a string at).  Returns NULL
 * or what is wrong.
 */
static const char *
json_scan(const char *s, size_t len)
{
	size_t	i, start = 0;
	int	depth = 0, instr = 0;

	for (i = 0; i < len; i++) {
		if (instr) {
			if (s[i] == '\\') {
				if (i + 5 < len && s[i + 1] == 'u' &&
				    memcmp(s + i + 2, "0000", 4) == 0)
					return "\\u0000 is not allowed in strings";
				i++;
			} else if (s[i] == '"') {
				instr = 0;
				if (i - start > SCIM_MAX_STRING)
					return "string too long";
			}
			continue;
		}
		switch (s[i]) {
		case '"':
			instr = 1;
			start = i + 1;	/* the string's first byte */
			break;
		case '{':
		case '[':
			if (++depth > SCIM_MAX_DEPTH)
				return "JSON nested too deeply";
			break;
		case '}':
		case ']':
			depth--;
			break;
		default:
			break;
		}
	}
	return NULL;
}

enum scim_err
json_parse_body(const char *body, size_t len, cJSON **out,
    struct scim_resp *resp)
{
	const char	*why, *end = NULL;
	cJSON		*doc;

	*out = NULL;
	if (body == NULL || len == 0)
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "request body is empty");
	if (!json_utf8_valid(body, len))
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "request body is not valid UTF-8");
	if ((why = json_scan(body, len)) != NULL)
		return scim_fail(resp, SCIM_EINVALSYNTAX, "%s", why);
	doc = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (doc == NULL) {
		size_t off = end != NULL && end >= body ?
		    (size_t)(end - body) : 0;
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "request body is not valid JSON (near byte %zu)", off);
	}
	for (; end != NULL && (size_t)(end - body) < len; end++)
		if (*end != ' ' && *end != '\t' && *end != '\r' &&
		    *end != '\n') {
			cJSON_Delete(doc);
			return scim_fail(resp, SCIM_EINVALSYNTAX,
			    "trailing data after the JSON body");
		}
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "request body must be a JSON object");
	}
	*out = doc;
	return SCIM_OK;
}

int
json_add(cJSON *obj, const char *key, cJSON *item)
{
	if (item == NULL)
		return -1;
	if (!cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

int
json_add_string(cJSON *obj, const char *key, const char *s)
{
	return json_add(obj, key, cJSON_CreateString(s));
}
