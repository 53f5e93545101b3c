/*
 * check_json.c: bounded parsing of request bodies.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static char	detail[SCIM_MAX_DETAIL];

/* s[0..len): the body may hold NUL bytes. */
static enum scim_err
parsen(const char *s, size_t len, cJSON **doc)
{
	struct scim_resp	resp;
	enum scim_err		e;

	memset(&resp, 0, sizeof(resp));
	*doc = NULL;
	e = json_parse_body(s, len, doc, &resp);
	if (e != SCIM_OK && resp.rp_detail[0] == '\0')
		tap_diag("no detail for %.*s", (int)len, s);
	memcpy(detail, resp.rp_detail, sizeof(detail));
	if (e == SCIM_OK && *doc == NULL)
		return SCIM_ESTORE;
	if (e != SCIM_OK && *doc != NULL)
		return SCIM_ESTORE;	/* an error leaves no tree */
	return e;
}

static enum scim_err
parse(const char *s, cJSON **doc)
{
	return parsen(s, strlen(s), doc);
}

/* Raw control characters: none in a string (RFC 8259 §7), only the four
 * blanks between tokens (§2). */
static const struct {
	int		 line;
	const char	*s;
	size_t		 len;		/* 0: strlen */
	int		 valid;
} ctl[] = {
	{ __LINE__, "{\"a\":\"x\0y\"}", 11, 0 },		/* raw NUL */
	{ __LINE__, "{\"a\":\"x\x1b[2J\"}", 0, 0 },
	{ __LINE__, "{\"a\":\"x\ty\"}", 0, 0 },
	{ __LINE__, "{\"a\":\"x\ny\"}", 0, 0 },
	{ __LINE__, "{\"a\":\"x\ry\"}", 0, 0 },
	{ __LINE__, "{\"a\":\"\x1f\"}", 0, 0 },
	{ __LINE__, "{\"a\x01\":1}", 0, 0 },			/* in a name */
	{ __LINE__, "{\"a\":\"x\\\ny\"}", 0, 0 },	/* escaped raw LF */
	{ __LINE__, "{\"a\":1}\0", 8, 0 },			/* NUL after */
	{ __LINE__, "{\0\"a\":1}", 8, 0 },			/* NUL between */
	{ __LINE__, "\0{\"a\":1}", 8, 0 },
	{ __LINE__, "{\"a\":\x01 1}", 0, 0 },
	{ __LINE__, "\x0c{\"a\":1}", 0, 0 },			/* form feed */
	{ __LINE__, "{\"a\":1\x7f}", 0, 0 },
	{ __LINE__, "{\"a\":\"x\x7fy\"}", 0, 1 },		/* DEL: a char */
	{ __LINE__, "{\"a\":\"\\t\\n\\r\\u001b\\u0001\"}", 0, 1 },
	{ __LINE__, " \t\r\n{\"a\" :\t[ 1 ,\n2 ]\r}\n", 0, 1 },
};

/* Two members of one name, in any case (RFC 7643 §2.1). */
static const struct {
	int		 line;
	const char	*s;
	int		 valid;
	const char	*named;		/* in the detail */
} dup[] = {
	{ __LINE__, "{\"a\":1,\"b\":2,\"a\":3}", 0, "\"a\"" },
	{ __LINE__, "{\"Operations\":[],\"operations\":[]}", 0,
	  "\"operations\"" },
	{ __LINE__, "{\"o\":[{\"op\":\"add\",\"OP\":\"remove\"}]}", 0,
	  "\"OP\"" },
	{ __LINE__, "{\"a\":{\"b\":{\"c\":1,\"C\":2}}}", 0, "\"C\"" },
	{ __LINE__, "{\"\xc3\xa9\":1,\"\xc3\x89\":2}", 1, NULL }, /* é, É */
	{ __LINE__, "{\"a\":[{\"a\":1},{\"a\":1}]}", 1, NULL },
	{ __LINE__, "{\"a\":1,\"a_\":2,\"A-\":3}", 1, NULL },
	{ __LINE__, "{\"k\\n\\u001b\":1,\"K\\n\\u001b\":2}", 0,
	  "\"K\\n\\x1b\"" },
};

/* {"k0":0,"k1":0,...} with n members; with dupe, the last repeats k0. */
static char *
wide(size_t n, int dupe)
{
	size_t	 size = n * 24 + 16, i, o = 0;
	char	*s = malloc(size);

	s[o++] = '{';
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(s + o, size - o, "%s\"k%zu\":0",
		    i ? "," : "", dupe && i == n - 1 ? (size_t)0 : i);
	s[o++] = '}';
	s[o] = '\0';
	return s;
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
	cJSON		*doc = NULL;
	char		*s;
	size_t		 i;
	clock_t		 t0;
	double		 secs;
	enum scim_err	 e;

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

	for (i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		e = parsen(ctl[i].s, ctl[i].len ? ctl[i].len :
		    strlen(ctl[i].s), &doc);
		ok(ctl[i].valid ? e == SCIM_OK : e == SCIM_EINVALSYNTAX &&
		    strstr(detail, "control character") != NULL,
		    "line %d: control characters %s (%s)", ctl[i].line,
		    ctl[i].valid ? "accepted" : "refused", detail);
		cJSON_Delete(doc);
	}
	ok(parse("{\"a\":\"x\\ty\"}", &doc) == SCIM_OK &&
	    strcmp(cJSON_GetObjectItem(doc, "a")->valuestring, "x\ty") == 0,
	    "an escaped TAB is a TAB");
	cJSON_Delete(doc);
	for (i = 0; i < sizeof(dup) / sizeof(dup[0]); i++) {
		e = parse(dup[i].s, &doc);
		ok(dup[i].valid ? e == SCIM_OK : e == SCIM_EINVALSYNTAX &&
		    strstr(detail, dup[i].named) != NULL,
		    "line %d: duplicate names %s (%s)", dup[i].line,
		    dup[i].valid ? "none" : "refused", detail);
		cJSON_Delete(doc);
	}
	s = malloc(SCIM_MAX_STRING + 32);
	snprintf(s, SCIM_MAX_STRING + 32, "{\"%s\":1,\"%s\":2}",
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac",
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac");
	ok(parse(s, &doc) == SCIM_EINVALSYNTAX && strlen(detail) < 128 &&
	    json_utf8_valid(detail, strlen(detail)),
	    "a long duplicate name is cut on a character boundary (%s)", detail);
	free(s);

	/* Wide objects are sorted, not compared pairwise: 100 000 members
	 * would be 5e9 comparisons, far more than the bound here. */
	s = wide(33, 1);
	ok(parse(s, &doc) == SCIM_EINVALSYNTAX && strstr(detail, "\"k0\""),
	    "33 members, the last a duplicate: refused (%s)", detail);
	free(s);
	s = wide(100000, 0);
	t0 = clock();
	ok(parse(s, &doc) == SCIM_OK, "100 000 distinct members accepted");
	cJSON_Delete(doc);
	free(s);
	s = wide(100000, 1);
	ok(parse(s, &doc) == SCIM_EINVALSYNTAX, "100 000 members, one twice: "
	    "refused (%s)", detail);
	free(s);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	ok(secs < 3.0, "both in %.2f s of CPU (not quadratic)", secs);

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
	/* json_equal: object members in any order, arrays in order. */
	{
		static const struct {
			const char	*a, *b;
			int		 eq;
		} eqs[] = {
			{ "{\"a\":1,\"b\":[1,2]}", "{\"b\":[1,2],\"a\":1}", 1 },
			{ "{\"a\":1,\"b\":[1,2]}", "{\"b\":[2,1],\"a\":1}", 0 },
			{ "{\"a\":1}", "{\"a\":1,\"b\":null}", 0 },
			{ "{\"a\":1,\"b\":null}", "{\"a\":1}", 0 },
			{ "{\"a\":\"x\"}", "{\"A\":\"x\"}", 0 },
			{ "[true,false,null,\"s\",2.5]", "[true,false,null,\"s\",2.5]", 1 },
			{ "[1]", "[1,1]", 0 },
			{ "{\"a\":{\"b\":{\"c\":1}}}", "{\"a\":{\"b\":{\"c\":2}}}", 0 },
			{ "1", "\"1\"", 0 },
		};
		size_t	k, n;
		char	deep[1024];
		cJSON	*x, *y;

		for (k = 0; k < sizeof(eqs) / sizeof(eqs[0]); k++) {
			x = cJSON_Parse(eqs[k].a);
			y = cJSON_Parse(eqs[k].b);
			ok(json_equal(x, y) == eqs[k].eq, "json_equal(%s, %s) is %d",
			    eqs[k].a, eqs[k].b, eqs[k].eq);
			cJSON_Delete(x);
			cJSON_Delete(y);
		}
		/* 30 nested objects of two members each: visited once each. */
		n = 0;
		for (k = 0; k < 30; k++) {
			static const char open_[] = "{\"z\":0,\"a\":";
			memcpy(deep + n, open_, sizeof(open_) - 1);
			n += sizeof(open_) - 1;
		}
		deep[n++] = '1';
		for (k = 0; k < 30; k++)
			deep[n++] = '}';
		deep[n] = '\0';
		x = cJSON_Parse(deep);
		y = cJSON_Parse(deep);
		ok(x != NULL && json_equal(x, y) == 1,
		    "30 nested objects compare equal");
		cJSON_Delete(x);
		cJSON_Delete(y);
	}
	return tap_done();
}
