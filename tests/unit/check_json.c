/*
 * check_json.c: bounded parsing of request bodies.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "json.h"
#include "scim_error.h"
#include "tap.h"

static const struct {
	int		 line;
	const char	*s;
	int		 valid;
} utf8[] = {
	{ __LINE__, "plain ascii", 1 },
	{ __LINE__, "caf\xc3\xa9", 1 },
	{ __LINE__, "\xe2\x82\xac euro", 1 },
	{ __LINE__, "\xf0\x9f\x98\x80 emoji", 1 },
	{ __LINE__, "\xc0\xaf", 0 },		/* overlong / */
	{ __LINE__, "\xe0\x80\xaf", 0 },	/* overlong */
	{ __LINE__, "\xed\xa0\x80", 0 },	/* surrogate */
	{ __LINE__, "\xf4\x90\x80\x80", 0 },	/* above U+10FFFF */
	{ __LINE__, "\xf5\x80\x80\x80", 0 },
	{ __LINE__, "\xc3", 0 },		/* truncated */
	{ __LINE__, "\xe2\x82", 0 },
	{ __LINE__, "\x80", 0 },		/* lone continuation */
	{ __LINE__, "\xff", 0 },
};

static enum scim_err
parse(const char *s, cJSON **doc)
{
	struct scim_resp	resp;
	enum scim_err		e;

	memset(&resp, 0, sizeof(resp));
	e = json_parse_body(s, strlen(s), doc, &resp);
	if (e != SCIM_OK && resp.rp_detail[0] == '\0')
		tap_diag("no detail for %s", s);
	return e;
}

static char *
nested(int depth, char open, char close)
{
	char	*s = malloc((size_t)depth * 2 + 16);
	int	 i, n = 0;

	s[n++] = '{';
	s[n++] = '"'; s[n++] = 'a'; s[n++] = '"'; s[n++] = ':';
	for (i = 1; i < depth; i++)
		s[n++] = open;
	for (i = 1; i < depth; i++)
		s[n++] = close;
	s[n++] = '}';
	s[n] = '\0';
	return s;
}

/* {"a":"xxx…"} with a string of n bytes, in s (n + 16 bytes). */
static char *
str_of(char *s, size_t n)
{
	strcpy(s, "{\"a\":\"");
	memset(s + 6, 'x', n);
	strcpy(s + 6 + n, "\"}");
	return s;
}

int
main(void)
{
	cJSON	*doc = NULL;
	char	*s;
	size_t	 i;

	for (i = 0; i < sizeof(utf8) / sizeof(utf8[0]); i++)
		ok(json_utf8_valid(utf8[i].s, strlen(utf8[i].s)) ==
		    utf8[i].valid, "line %d: UTF-8 %s", utf8[i].line,
		    utf8[i].valid ? "valid" : "invalid");

	ok(parse("{\"userName\":\"a\"}", &doc) == SCIM_OK && cJSON_IsObject(doc),
	    "an object parses");
	cJSON_Delete(doc);
	ok(parse(" {\"a\":1} \r\n", &doc) == SCIM_OK, "surrounding blanks ok");
	cJSON_Delete(doc);
	ok(parse("[1,2]", &doc) == SCIM_EINVALSYNTAX, "array root refused");
	ok(parse("{\"a\":1} x", &doc) == SCIM_EINVALSYNTAX, "trailing data");
	ok(parse("{\"a\":", &doc) == SCIM_EINVALSYNTAX, "truncated");
	ok(parse("", &doc) == SCIM_EINVALSYNTAX, "empty");
	ok(parse("{\"a\":\"x\\u0000y\"}", &doc) == SCIM_EINVALSYNTAX,
	    "\\u0000 refused");
	ok(parse("{\"a\":\"\\ud800\"}", &doc) == SCIM_EINVALSYNTAX,
	    "lone surrogate escape refused");
	ok(parse("{\"a\":\"\xc0\xaf\"}", &doc) == SCIM_EINVALSYNTAX,
	    "invalid UTF-8 refused");
	ok(parse("{\"a\":\"[[[[{{{{\"}", &doc) == SCIM_OK,
	    "brackets inside strings do not count as depth");
	cJSON_Delete(doc);

	s = nested(SCIM_MAX_DEPTH, '[', ']');
	ok(parse(s, &doc) == SCIM_OK, "depth %d accepted", SCIM_MAX_DEPTH);
	cJSON_Delete(doc);
	free(s);
	s = nested(SCIM_MAX_DEPTH + 1, '[', ']');
	ok(parse(s, &doc) == SCIM_EINVALSYNTAX, "depth %d refused",
	    SCIM_MAX_DEPTH + 1);
	free(s);
	s = nested(5000, '[', ']');
	ok(parse(s, &doc) == SCIM_EINVALSYNTAX, "depth 5000 refused, no crash");
	free(s);

	s = malloc(SCIM_MAX_STRING + 32);
	ok(parse(str_of(s, SCIM_MAX_STRING + 1), &doc) == SCIM_EINVALSYNTAX,
	    "string of %d bytes (limit + 1) refused", SCIM_MAX_STRING + 1);
	ok(parse(str_of(s, SCIM_MAX_STRING), &doc) == SCIM_OK,
	    "string of %d bytes (the limit) accepted", SCIM_MAX_STRING);
	cJSON_Delete(doc);
	ok(parse(str_of(s, SCIM_MAX_STRING - 1), &doc) == SCIM_OK,
	    "string just under the limit accepted");
	cJSON_Delete(doc);
	free(s);
	return tap_done();
}
