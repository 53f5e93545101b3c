/*
 * filter_parse.c: RFC 7644 §3.4.2.2 filters and §3.5.2 PATCH paths, text
 * to tree.
 *
 *   FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
 *   valuePath = attrPath "[" valFilter "]"
 *   attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
 *
 * Precedence: not, then and, then or (§3.4.2.2 "grouping").  The parser
 * is recursive descent over a small lexer; depth and node count are
 * bounded so hostile input cannot exhaust the stack.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter.h"

enum tok {
	T_EOF,
	T_LPAREN,
	T_RPAREN,
	T_LBRACK,
	T_RBRACK,
	T_STRING,
	T_WORD
};

struct parser {
	const char	*p_text;
	size_t		 p_pos;		/* next unread byte */
	enum tok	 p_tok;		/* current token */
	size_t		 p_start;	/* its offset */
	size_t		 p_len;		/* its length */
	int		 p_depth;
	int		 p_nodes;
	char		*p_err;
	size_t		 p_errlen;
	int		 p_failed;
	int		 p_invalue;	/* inside a value path's filter */
};

static const struct {
	const char	*name;
	enum filter_op	 op;
} ops[] = {
	{ "eq", FOP_EQ }, { "ne", FOP_NE }, { "co", FOP_CO }, { "sw", FOP_SW },
	{ "ew", FOP_EW }, { "gt", FOP_GT }, { "ge", FOP_GE }, { "lt", FOP_LT },
	{ "le", FOP_LE }, { "pr", FOP_PR },
};

static void
fail(struct parser *p, size_t at, const char *what)
{
	if (p->p_failed)
		return;
	p->p_failed = 1;
	snprintf(p->p_err, p->p_errlen, "invalid filter at offset %zu: %s",
	    at, what);
}

/* Read the next token into p_tok/p_start/p_len. */
static void
lex(struct parser *p)
{
	const char	*s = p->p_text;
	size_t		 i;

	while (s[p->p_pos] == ' ' || s[p->p_pos] == '\t')
		p->p_pos++;
	p->p_start = p->p_pos;
	p->p_len = 1;
	switch (s[p->p_pos]) {
	case '\0':
		p->p_tok = T_EOF;
		p->p_len = 0;
		return;
	case '(':
		p->p_tok = T_LPAREN;
		break;
	case ')':
		p->p_tok = T_RPAREN;
		break;
	case '[':
		p->p_tok = T_LBRACK;
		break;
	case ']':
		p->p_tok = T_RBRACK;
		break;
	case '"':
		for (i = p->p_pos + 1; s[i] != '\0' && s[i] != '"'; i++)
			if (s[i] == '\\' && s[i + 1] != '\0')
				i++;
		if (s[i] != '"') {
			fail(p, p->p_pos, "unterminated string");
			p->p_tok = T_EOF;
			return;
		}
		p->p_tok = T_STRING;
		p->p_len = i + 1 - p->p_pos;
		break;
	default:
		for (i = p->p_pos; s[i] != '\0' && strchr(" \t()[]\"", s[i]) ==
		    NULL; i++)
			;
		p->p_tok = T_WORD;
		p->p_len = i - p->p_pos;
		break;
	}
	p->p_pos += p->p_len;
}

static int
word_is(const struct parser *p, const char *w)
{
	return p->p_tok == T_WORD && p->p_len == strlen(w) &&
	    strncasecmp(p->p_text + p->p_start, w, p->p_len) == 0;
}

static char *
word_dup(const struct parser *p, size_t skip)
{
	char	*s;
	size_t	 n = p->p_len - skip;

	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, p->p_text + p->p_start + skip, n);
	s[n] = '\0';
	return s;
}

/*
 * The length of the ATTRNAME at s (RFC 7644 §3.10: ALPHA *(nameChar),
 * nameChar = "-" / "_" / DIGIT / ALPHA; and "$ref", RFC 7643 §2.4), or 0.
 */
static size_t
attrname(const char *s)
{
	size_t	n;

	if (strncmp(s, "$ref", 4) == 0)
		return 4;
	if (!isalpha((unsigned char)s[0]))
		return 0;
	for (n = 1; isalnum((unsigned char)s[n]) || s[n] == '-' ||
	    s[n] == '_'; n++)
		;
	return n;
}

int
filter_attrname_ok(const char *s)
{
	size_t	n = attrname(s);

	return n > 0 && s[n] == '\0';
}

/*
 * attrPath = [URI ":"] ATTRNAME *1subAttr; subAttr = "." ATTRNAME.  The
 * URI (a schema URN) is what comes before the last colon: a scheme
 * letter, then letters, digits and the URN punctuation.
 */
int
filter_attrpath_ok(const char *s)
{
	const char	*colon = strrchr(s, ':'), *u;
	size_t		 n;

	if (colon != NULL) {
		if (!isalpha((unsigned char)s[0]))
			return 0;
		for (u = s; u < colon; u++)
			if (!isalnum((unsigned char)*u) &&
			    strchr(":-._+%", *u) == NULL)
				return 0;
		s = colon + 1;
	}
	if ((n = attrname(s)) == 0)
		return 0;
	s += n;
	if (*s == '.') {
		if ((n = attrname(++s)) == 0)
			return 0;
		s += n;
	}
	return *s == '\0';
}

/*
 * A JSON string (RFC 8259 §7), as compValue strings are: no raw control
 * characters, escapes only \" \\ \/ \b \f \n \r \t and \u with four hex
 * digits.  t holds the quotes.
 */
static int
string_ok(const char *t, size_t len)
{
	size_t	i, k;

	for (i = 1; i + 1 < len; i++) {
		if ((unsigned char)t[i] < 0x20)
			return 0;
		if (t[i] != '\\')
			continue;
		if (strchr("\"\\/bfnrt", t[++i]) != NULL && t[i] != '\0')
			continue;
		if (t[i] != 'u')
			return 0;
		for (k = 1; k <= 4; k++)
			if (!isxdigit((unsigned char)t[i + k]))
				return 0;
		i += 4;
	}
	return 1;
}

/* A JSON number (RFC 8259 §6): -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
static int
number_ok(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)*s))
			s++;
	else
		return 0;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		if (*++s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

static struct fnode *
node_new(struct parser *p, enum fnode_type type)
{
	struct fnode	*n;

	if (++p->p_nodes > SCIM_MAX_FILTER_NODES) {
		fail(p, p->p_start, "filter too complex");
		return NULL;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		fail(p, p->p_start, "out of memory");
		return NULL;
	}
	n->fn_type = type;
	return n;
}

void
filter_free(struct fnode *n)
{
	if (n == NULL)
		return;
	filter_free(n->fn_left);
	filter_free(n->fn_right);
	free(n->fn_path);
	free(n->fn_sub);
	cJSON_Delete(n->fn_value);
	free(n);
}

/* compValue = false / null / true / number / string; bare word = string. */
static cJSON *
parse_value(struct parser *p)
{
	const char	*t = p->p_text + p->p_start;
	char		 buf[64], *end;
	cJSON		*v = NULL;
	double		 d;

	if (p->p_tok == T_STRING) {
		v = string_ok(t, p->p_len) ?
		    cJSON_ParseWithLength(t, p->p_len) : NULL;
		if (!cJSON_IsString(v)) {
			cJSON_Delete(v);
			fail(p, p->p_start, "invalid string");
			return NULL;
		}
	} else if (p->p_tok == T_WORD) {
		if (word_is(p, "true"))
			v = cJSON_CreateTrue();
		else if (word_is(p, "false"))
			v = cJSON_CreateFalse();
		else if (word_is(p, "null"))
			v = cJSON_CreateNull();
		else {
			if (p->p_len < sizeof(buf)) {
				memcpy(buf, t, p->p_len);
				buf[p->p_len] = '\0';
				d = number_ok(buf) ? strtod(buf, &end) : NAN;
				if (isfinite(d))
					v = cJSON_CreateNumber(d);
			}
			if (v == NULL) {
				char *w = word_dup(p, 0);
				v = w != NULL ? cJSON_CreateString(w) : NULL;
				free(w);
			}
		}
	} else {
		fail(p, p->p_start, "expected a value");
		return NULL;
	}
	if (v == NULL)
		fail(p, p->p_start, "out of memory");
	lex(p);
	return v;
}

static struct fnode *parse_or(struct parser *);

/* attrPath op value, attrPath pr, attrPath[filter](.sub op value)? */
static struct fnode *
parse_attrexp(struct parser *p)
{
	struct fnode	*n;
	size_t		 i, at;
	char		*path;

	if (p->p_tok != T_WORD) {
		fail(p, p->p_start, "expected an attribute name");
		return NULL;
	}
	if ((path = word_dup(p, 0)) == NULL) {
		fail(p, p->p_start, "out of memory");
		return NULL;
	}
	if (!filter_attrpath_ok(path)) {
		free(path);
		fail(p, p->p_start, "invalid attribute name");
		return NULL;
	}
	at = p->p_start;
	lex(p);
	if (p->p_tok == T_LBRACK && p->p_invalue) {
		/* RFC 7644 §3.4.2.2: valFilter holds no valuePath. */
		free(path);
		fail(p, p->p_start, "a value filter inside a value filter");
		return NULL;
	}
	if (p->p_tok == T_LBRACK) {
		if ((n = node_new(p, FN_VALUEPATH)) == NULL) {
			free(path);
			return NULL;
		}
		n->fn_path = path;
		if (++p->p_depth > SCIM_MAX_FILTER_DEPTH) {
			fail(p, p->p_start, "filter nested too deeply");
			return n;
		}
		lex(p);
		p->p_invalue = 1;
		if ((n->fn_left = parse_or(p)) == NULL)
			return n;
		p->p_invalue = 0;
		p->p_depth--;
		if (p->p_tok != T_RBRACK) {
			fail(p, p->p_start, "expected ']'");
			return n;
		}
		/* Entra: emails[type eq "work"].value eq "x" */
		if (p->p_text[p->p_pos] != '.') {
			lex(p);
			return n;
		}
		lex(p);
		if (p->p_tok != T_WORD || p->p_len < 2 ||
		    (n->fn_sub = word_dup(p, 1)) == NULL ||
		    !filter_attrname_ok(n->fn_sub)) {
			fail(p, p->p_start, "invalid sub-attribute");
			return n;
		}
		lex(p);
	} else {
		if ((n = node_new(p, FN_CMP)) == NULL) {
			free(path);
			return NULL;
		}
		n->fn_path = path;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (word_is(p, ops[i].name))
			break;
	if (i == sizeof(ops) / sizeof(ops[0])) {
		fail(p, p->p_tok == T_EOF ? at : p->p_start,
		    "expected an operator (eq ne co sw ew gt ge lt le pr)");
		return n;
	}
	n->fn_op = ops[i].op;
	lex(p);
	if (n->fn_op == FOP_PR) {
		if (n->fn_type == FN_CMP)
			n->fn_type = FN_PRESENT;
		return n;
	}
	n->fn_value = parse_value(p);
	return n;
}

/* Is the word after the current token an operator ("not eq 1")? */
static int
next_is_operator(const struct parser *p)
{
	const char	*w = p->p_text + p->p_pos;
	size_t		 n, i;

	while (*w == ' ' || *w == '\t')
		w++;
	n = strcspn(w, " \t()[]\"");
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (n == 2 && strncasecmp(w, ops[i].name, 2) == 0)
			return 1;
	return 0;
}

static struct fnode *
parse_unary(struct parser *p)
{
	struct fnode	*n;

	if (word_is(p, "not") && p->p_text[p->p_pos] != '\0') {
		size_t save = p->p_pos;
		while (p->p_text[save] == ' ')
			save++;
		if (p->p_text[save] != '(' && !next_is_operator(p)) {
			/* Lenient: "not attrExp" without parentheses. */
			if ((n = node_new(p, FN_NOT)) == NULL)
				return NULL;
			lex(p);
			n->fn_left = parse_unary(p);
			return n;
		}
		if (p->p_text[save] == '(') {
			if ((n = node_new(p, FN_NOT)) == NULL)
				return NULL;
			lex(p);
			if (++p->p_depth > SCIM_MAX_FILTER_DEPTH) {
				fail(p, p->p_start, "filter nested too deeply");
				return n;
			}
			lex(p);
			n->fn_left = parse_or(p);
			p->p_depth--;
			if (!p->p_failed && p->p_tok != T_RPAREN)
				fail(p, p->p_start, "expected ')'");
			lex(p);
			return n;
		}
	}
	if (p->p_tok == T_LPAREN) {
		if (++p->p_depth > SCIM_MAX_FILTER_DEPTH) {
			fail(p, p->p_start, "filter nested too deeply");
			return NULL;
		}
		lex(p);
		n = parse_or(p);
		p->p_depth--;
		if (!p->p_failed && p->p_tok != T_RPAREN)
			fail(p, p->p_start, "expected ')'");
		lex(p);
		return n;
	}
	return parse_attrexp(p);
}

static struct fnode *
parse_and(struct parser *p)
{
	struct fnode	*l, *n;

	l = parse_unary(p);
	while (!p->p_failed && word_is(p, "and")) {
		if ((n = node_new(p, FN_AND)) == NULL)
			break;
		n->fn_left = l;
		l = n;
		lex(p);
		n->fn_right = parse_unary(p);
	}
	return l;
}

static struct fnode *
parse_or(struct parser *p)
{
	struct fnode	*l, *n;

	l = parse_and(p);
	while (!p->p_failed && word_is(p, "or")) {
		if ((n = node_new(p, FN_OR)) == NULL)
			break;
		n->fn_left = l;
		l = n;
		lex(p);
		n->fn_right = parse_and(p);
	}
	return l;
}

struct fnode *
filter_parse(const char *text, char *err, size_t errlen)
{
	struct parser	 p;
	struct fnode	*n;
	char		 what[64];

	memset(&p, 0, sizeof(p));
	p.p_text = text;
	p.p_err = err;
	p.p_errlen = errlen;
	if (strlen(text) > SCIM_MAX_FILTER) {
		snprintf(what, sizeof(what), "filter longer than %d bytes",
		    SCIM_MAX_FILTER);
		fail(&p, SCIM_MAX_FILTER, what);
		return NULL;
	}
	lex(&p);
	if (p.p_tok == T_EOF) {
		fail(&p, p.p_start, "empty filter");
		return NULL;
	}
	n = parse_or(&p);
	if (!p.p_failed && p.p_tok != T_EOF)
		fail(&p, p.p_start, "unexpected text after the filter");
	if (p.p_failed || n == NULL) {
		if (!p.p_failed)
			snprintf(err, errlen, "invalid filter");
		filter_free(n);
		return NULL;
	}
	return n;
}

int
filter_parse_path(const char *text, struct fpath *fp, char *err,
    size_t errlen)
{
	struct parser	p;
	char		what[64];

	memset(fp, 0, sizeof(*fp));
	memset(&p, 0, sizeof(p));
	p.p_text = text;
	p.p_err = err;
	p.p_errlen = errlen;
	if (strlen(text) > SCIM_MAX_FILTER) {
		snprintf(what, sizeof(what), "path longer than %d bytes",
		    SCIM_MAX_FILTER);
		fail(&p, SCIM_MAX_FILTER, what);
		return -1;
	}
	lex(&p);
	if (p.p_tok != T_WORD || (fp->fp_attr = word_dup(&p, 0)) == NULL ||
	    !filter_attrpath_ok(fp->fp_attr)) {
		fail(&p, p.p_start, "invalid attribute path");
		goto fail;
	}
	lex(&p);
	if (p.p_tok == T_LBRACK) {
		p.p_depth = 1;
		p.p_invalue = 1;
		lex(&p);
		if ((fp->fp_filter = parse_or(&p)) == NULL || p.p_failed)
			goto fail;
		if (p.p_tok != T_RBRACK) {
			fail(&p, p.p_start, "expected ']'");
			goto fail;
		}
		if (p.p_text[p.p_pos] == '.') {
			lex(&p);
			if (p.p_tok != T_WORD || p.p_len < 2 ||
			    (fp->fp_sub = word_dup(&p, 1)) == NULL ||
			    !filter_attrname_ok(fp->fp_sub)) {
				fail(&p, p.p_start, "invalid sub-attribute");
				goto fail;
			}
		}
		lex(&p);
	}
	if (p.p_tok != T_EOF) {
		fail(&p, p.p_start, "unexpected text after the path");
		goto fail;
	}
	if (!p.p_failed)
		return 0;
fail:
	if (!p.p_failed)
		snprintf(err, errlen, "invalid path");
	filter_path_free(fp);
	return -1;
}

void
filter_path_free(struct fpath *fp)
{
	free(fp->fp_attr);
	filter_free(fp->fp_filter);
	free(fp->fp_sub);
	memset(fp, 0, sizeof(*fp));
}
