/*
 * json.c: bounded JSON parsing for request bodies.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "json.h"
#include "log.h"
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
 * One pass over the raw text, outside cJSON: nesting depth, string sizes,
 * \u0000 (which cJSON would silently cut a string at), and control
 * characters, which cJSON takes inside strings and between tokens alike
 * (a raw NUL would cut the string there too): RFC 8259 §7 allows none in
 * a string, §2 only space, tab, LF and CR between tokens.  Returns NULL,
 * or what is wrong with *at the offset of the byte at fault.
 */
static const char *
json_scan(const char *s, size_t len, size_t *at)
{
	size_t		i, start = 0;
	int		depth = 0, instr = 0;
	unsigned char	c;

	for (i = 0; i < len; i++) {
		*at = i;
		c = (unsigned char)s[i];
		if (instr) {
			if (c < 0x20)
				return "control character in a string";
			if (c == '\\') {
				if (i + 5 < len && s[i + 1] == 'u' &&
				    memcmp(s + i + 2, "0000", 4) == 0)
					return "\\u0000 is not allowed in strings";
				i++;
				if (i < len && (unsigned char)s[i] < 0x20) {
					*at = i;
					return "control character in a string";
				}
			} else if (c == '"') {
				instr = 0;
				if (i - start > SCIM_MAX_STRING)
					return "string too long";
			}
			continue;
		}
		switch (c) {
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
		case ' ':
		case '\t':
		case '\n':
		case '\r':
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				return "control character outside a string";
			break;
		}
	}
	return NULL;
}

/* ASCII case-insensitive order: attribute names (RFC 7643 §2.1). */
static int
key_cmp(const char *a, const char *b)
{
	unsigned char	ca, cb;

	for (;; a++, b++) {
		ca = (unsigned char)*a;
		cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb || ca == '\0')
			return (int)ca - (int)cb;
	}
}

static int
key_qcmp(const void *a, const void *b)
{
	return key_cmp((*(const cJSON * const *)a)->string,
	    (*(const cJSON * const *)b)->string);
}

/*
 * A member of object o whose name another member has too, in any case, or
 * NULL.  Up to JSON_KEYS_LINEAR members are compared pairwise; a wider
 * object is sorted (by pointer), so no object costs more than n log n.
 * Arrays hold elements, not members: a group of 100 000 members is one
 * array of small objects.  *oom is set when the sort cannot be had.
 */
#define JSON_KEYS_LINEAR	32

static const cJSON *
json_dup_key(const cJSON *o, int *oom)
{
	const cJSON	*a, *b, **v, *dup = NULL;
	size_t		 n = 0, i;

	for (a = o->child; a != NULL; a = a->next)
		n++;
	if (n <= JSON_KEYS_LINEAR) {
		for (a = o->child; a != NULL; a = a->next)
			for (b = a->next; b != NULL; b = b->next)
				if (key_cmp(a->string, b->string) == 0)
					return b;
		return NULL;
	}
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		*oom = 1;
		return NULL;
	}
	for (i = 0, a = o->child; a != NULL; a = a->next)
		v[i++] = a;
	qsort(v, n, sizeof(*v), key_qcmp);
	for (i = 1; i < n && dup == NULL; i++)
		if (key_cmp(v[i - 1]->string, v[i]->string) == 0)
			dup = v[i];
	free(v);
	return dup;
}

/*
 * RFC 8259 §4: names within an object SHOULD be unique; SCIM names are
 * attribute names, equal in any case (RFC 7643 §2.1), and a second one
 * would be silently ignored (cJSON finds the first), so any object of
 * the body with two is refused.  Depth is bounded by json_scan().
 */
static enum scim_err
json_keys_unique(const cJSON *v, struct scim_resp *resp)
{
	const cJSON	*c, *dup;
	char		 name[72];
	int		 oom = 0;
	enum scim_err	 e;

	if (cJSON_IsObject(v)) {
		if ((dup = json_dup_key(v, &oom)) != NULL) {
			log_cescape(name, sizeof(name), dup->string,
			    strlen(dup->string));
			return scim_fail(resp, SCIM_EINVALSYNTAX,
			    "\"%s\" is given twice (names are "
			    "case-insensitive)", name);
		}
		if (oom)
			return scim_fail(resp, SCIM_ENOMEM, NULL);
	} else if (!cJSON_IsArray(v))
		return SCIM_OK;
	for (c = v->child; c != NULL; c = c->next)
		if ((e = json_keys_unique(c, resp)) != SCIM_OK)
			return e;
	return SCIM_OK;
}

/*
 * RFC 8259 §6: a number beyond what a double holds (1e999) parses as an
 * infinity, which cJSON would print, and so store, as null.  Depth is
 * bounded by json_scan().
 */
static int
json_finite(const cJSON *v)
{
	const cJSON	*c;

	if (cJSON_IsNumber(v))
		return isfinite(v->valuedouble);
	for (c = v->child; c != NULL; c = c->next)
		if (!json_finite(c))
			return 0;
	return 1;
}

enum scim_err
json_parse_body(const char *body, size_t len, cJSON **out,
    struct scim_resp *resp)
{
	const char	*why, *end = NULL;
	cJSON		*doc;
	size_t		 at = 0;
	enum scim_err	 e;

	*out = NULL;
	if (body == NULL || len == 0)
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "request body is empty");
	if (!json_utf8_valid(body, len))
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "request body is not valid UTF-8");
	if ((why = json_scan(body, len, &at)) != NULL)
		return scim_fail(resp, SCIM_EINVALSYNTAX, "%s (byte %zu)", why,
		    at);
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
	if ((e = json_keys_unique(doc, resp)) != SCIM_OK) {
		cJSON_Delete(doc);
		return e;
	}
	if (!json_finite(doc)) {
		cJSON_Delete(doc);
		return scim_fail(resp, SCIM_EINVALSYNTAX,
		    "a number in the request body is out of range");
	}
	*out = doc;
	return SCIM_OK;
}

static int
by_name(const void *x, const void *y)
{
	return strcmp((*(const cJSON *const *)x)->string,
	    (*(const cJSON *const *)y)->string);
}

/* The members of o into a new array, sorted by name; NULL when none. */
static const cJSON **
sorted_members(const cJSON *o, size_t n, int *oom)
{
	const cJSON	**v, *m;
	size_t		  i = 0;

	if (n == 0)
		return NULL;
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		*oom = 1;
		return NULL;
	}
	cJSON_ArrayForEach(m, o)
		v[i++] = m;
	qsort(v, n, sizeof(*v), by_name);
	return v;
}

int
json_equal(const cJSON *a, const cJSON *b)
{
	const cJSON	**va, **vb, *x, *y;
	size_t		  na = 0, nb = 0, i;
	int		  r = 1, oom = 0;

	if (a == NULL || b == NULL)
		return a == b;
	if ((a->type & 0xff) != (b->type & 0xff))
		return 0;
	switch (a->type & 0xff) {
	case cJSON_False:
	case cJSON_True:
	case cJSON_NULL:
		return 1;
	case cJSON_Number:
		return a->valuedouble == b->valuedouble;
	case cJSON_String:
	case cJSON_Raw:
		if (a->valuestring == NULL || b->valuestring == NULL)
			return a->valuestring == b->valuestring;
		return strcmp(a->valuestring, b->valuestring) == 0;
	case cJSON_Array:
		for (x = a->child, y = b->child; x != NULL && y != NULL;
		    x = x->next, y = y->next)
			if ((r = json_equal(x, y)) != 1)
				return r;
		return x == NULL && y == NULL;
	case cJSON_Object:
		cJSON_ArrayForEach(x, a)
			na++;
		cJSON_ArrayForEach(y, b)
			nb++;
		if (na != nb)
			return 0;
		va = sorted_members(a, na, &oom);
		vb = sorted_members(b, nb, &oom);
		for (i = 0; !oom && r == 1 && i < na; i++) {
			if (va[i]->string == NULL || vb[i]->string == NULL ||
			    strcmp(va[i]->string, vb[i]->string) != 0 ||
			    (i > 0 && strcmp(va[i]->string,
			    va[i - 1]->string) == 0))
				r = 0;	/* a name differs, or is there twice */
			else
				r = json_equal(va[i], vb[i]);
		}
		free(va);
		free(vb);
		return oom ? -1 : r;
	default:
		return 0;
	}
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
