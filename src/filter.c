/*
 * filter.c: RFC 7644 §3.4.2.2 filters.
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
#include "schema.h"
#include "util.h"

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

/* attrPath = [URI ":"] ATTRNAME *1subAttr, with "$ref" allowed. */
static int
path_ok(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '$')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("-_:.$", *s) == NULL)
			return 0;
	return 1;
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
		v = cJSON_ParseWithLength(t, p->p_len);
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
				d = strtod(buf, &end);
				if (*end == '\0' && isfinite(d) &&
				    (isdigit((unsigned char)buf[0]) ||
				    buf[0] == '-'))
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
	if (!path_ok(path)) {
		free(path);
		fail(p, p->p_start, "invalid attribute name");
		return NULL;
	}
	at = p->p_start;
	lex(p);
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
		if ((n->fn_left = parse_or(p)) == NULL)
			return n;
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
		    !path_ok(n->fn_sub)) {
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
	    !path_ok(fp->fp_attr)) {
		fail(&p, p.p_start, "invalid attribute path");
		goto fail;
	}
	lex(&p);
	if (p.p_tok == T_LBRACK) {
		p.p_depth = 1;
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
			    !path_ok(fp->fp_sub)) {
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

/* Evaluation. */

static int
str_eq(const char *a, const char *b, int exact)
{
	return exact ? strcmp(a, b) == 0 : util_strcaseeq(a, b);
}

/* strcmp or its ASCII case-insensitive twin, for ordering. */
static int
str_cmp(const char *a, const char *b, int exact)
{
	int	ca, cb;

	if (exact)
		return strcmp(a, b);
	for (;; a++, b++) {
		ca = tolower((unsigned char)*a);
		cb = tolower((unsigned char)*b);
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
}

/* Does h contain n (co), start (sw) or end (ew) with it? */
static int
str_has(enum filter_op op, const char *h, const char *n, int exact)
{
	size_t	hl = strlen(h), nl = strlen(n), i;

	if (nl > hl)
		return 0;
	if (op == FOP_SW)
		return exact ? strncmp(h, n, nl) == 0 :
		    strncasecmp(h, n, nl) == 0;
	if (op == FOP_EW)
		return exact ? strcmp(h + hl - nl, n) == 0 :
		    strcasecmp(h + hl - nl, n) == 0;
	for (i = 0; i + nl <= hl; i++)
		if (exact ? strncmp(h + i, n, nl) == 0 :
		    strncasecmp(h + i, n, nl) == 0)
			return 1;
	return 0;
}

static int
ordered(enum filter_op op, double d)
{
	switch (op) {
	case FOP_GT: return d > 0;
	case FOP_GE: return d >= 0;
	case FOP_LT: return d < 0;
	case FOP_LE: return d <= 0;
	default: return 0;
	}
}

/*
 * One attribute value v against the filter's value (RFC 7644 §3.4.2.2):
 * strings by the attribute's case rule, dateTime as instants, numbers as
 * numbers, booleans by eq only.  `ne` is handled by the caller as "not
 * eq".
 */
static int
cmp_value(enum filter_op op, const struct schema_attr *a, const cJSON *v,
    const cJSON *want, int exact)
{
	double	x, y;

	if (v == NULL || cJSON_IsNull(v))
		return op == FOP_EQ && cJSON_IsNull(want);
	if (cJSON_IsNull(want))
		return 0;
	if (cJSON_IsString(want) && cJSON_IsString(v)) {
		if (a != NULL && a->sa_type == AT_DATETIME &&
		    util_time_parse(v->valuestring, &x) == 0 &&
		    util_time_parse(want->valuestring, &y) == 0)
			return op == FOP_EQ ? x == y : ordered(op, x - y);
		switch (op) {
		case FOP_EQ:
			return str_eq(v->valuestring, want->valuestring, exact);
		case FOP_CO:
		case FOP_SW:
		case FOP_EW:
			return str_has(op, v->valuestring, want->valuestring,
			    exact);
		default:
			return ordered(op, str_cmp(v->valuestring,
			    want->valuestring, exact));
		}
	}
	if (cJSON_IsBool(v)) {
		if (op != FOP_EQ)
			return 0;
		if (cJSON_IsBool(want))
			return cJSON_IsTrue(v) == cJSON_IsTrue(want);
		return cJSON_IsString(want) && util_strcaseeq(want->valuestring,
		    cJSON_IsTrue(v) ? "true" : "false");
	}
	if (cJSON_IsNumber(v) && cJSON_IsNumber(want))
		return op == FOP_EQ ? v->valuedouble == want->valuedouble :
		    ordered(op, v->valuedouble - want->valuedouble);
	if (cJSON_IsString(v) && cJSON_IsBool(want) && op == FOP_EQ)
		return util_strcaseeq(v->valuestring,
		    cJSON_IsTrue(want) ? "true" : "false");
	return 0;
}

static int
present(const cJSON *v)
{
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v))
		return v->valuestring[0] != '\0';
	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		return v->child != NULL;
	return 1;
}

static int	eval(const struct fnode *, const struct schema_attr *,
		    const struct schema *, const cJSON *);

/*
 * The value of attribute a (sub-attribute sub) in container, compared by
 * op/want, any element of a multi-valued attribute matching.
 */
static int
eval_attr(const struct fnode *n, const struct schema_attr *a,
    const struct schema_attr *sub, const cJSON *container)
{
	const struct schema_attr	*t;
	const cJSON			*v, *el, *x;
	enum filter_op			 op = n->fn_op;
	int				 exact;

	/* ne is "not eq" over the whole attribute (every element). */
	if (n->fn_type != FN_PRESENT && op == FOP_NE) {
		struct fnode eq = *n;
		eq.fn_op = FOP_EQ;
		return !eval_attr(&eq, a, sub, container);
	}
	v = cJSON_GetObjectItem(container, a->sa_name);
	if (sub == NULL && a->sa_type == AT_COMPLEX)
		sub = schema_attr_find(a->sa_sub, "value");
	t = sub != NULL ? sub : a;
	exact = (t->sa_flags & AF_CASEEXACT) != 0;
	if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(el, v) {
			x = sub != NULL ? cJSON_GetObjectItem(el, sub->sa_name) :
			    el;
			if (n->fn_type == FN_PRESENT ? present(x) :
			    cmp_value(op, t, x, n->fn_value, exact))
				return 1;
		}
		return n->fn_type != FN_PRESENT && v->child == NULL &&
		    op == FOP_EQ && cJSON_IsNull(n->fn_value);
	}
	x = sub != NULL ? cJSON_GetObjectItem(v, sub->sa_name) : v;
	return n->fn_type == FN_PRESENT ? present(x) :
	    cmp_value(op, t, x, n->fn_value, exact);
}

/* Resolve a path against a table (inside a value path) or a schema. */
static int
resolve(const char *path, const struct schema_attr *tab,
    const struct schema *sc, const cJSON *doc,
    const struct schema_attr **a, const struct schema_attr **sub,
    const cJSON **container)
{
	const char	*ext, *dot;
	char		 name[128];
	size_t		 n;

	*container = doc;
	if (sc != NULL) {
		if (schema_resolve(sc, path, a, sub, &ext) == -1)
			return -1;
		if (ext != NULL)
			*container = cJSON_GetObjectItem(doc, ext);
		return 0;
	}
	dot = strchr(path, '.');
	n = dot != NULL ? (size_t)(dot - path) : strlen(path);
	if (n >= sizeof(name))
		return -1;
	memcpy(name, path, n);
	name[n] = '\0';
	if ((*a = schema_attr_find(tab, name)) == NULL)
		return -1;
	*sub = NULL;
	if (dot != NULL && (*sub = schema_attr_find((*a)->sa_sub, dot + 1)) ==
	    NULL)
		return -1;
	return 0;
}

static int
eval(const struct fnode *n, const struct schema_attr *tab,
    const struct schema *sc, const cJSON *doc)
{
	const struct schema_attr	*a, *sub;
	const cJSON			*container, *v, *el;
	struct fnode			 cmp;

	switch (n->fn_type) {
	case FN_AND:
		return eval(n->fn_left, tab, sc, doc) &&
		    eval(n->fn_right, tab, sc, doc);
	case FN_OR:
		return eval(n->fn_left, tab, sc, doc) ||
		    eval(n->fn_right, tab, sc, doc);
	case FN_NOT:
		return !eval(n->fn_left, tab, sc, doc);
	case FN_CMP:
	case FN_PRESENT:
		/* An attribute that does not exist matches nothing. */
		if (resolve(n->fn_path, tab, sc, doc, &a, &sub, &container))
			return 0;
		return eval_attr(n, a, sub, container);
	case FN_VALUEPATH:
		if (resolve(n->fn_path, tab, sc, doc, &a, &sub, &container) ||
		    sub != NULL || a->sa_type != AT_COMPLEX)
			return 0;
		v = cJSON_GetObjectItem(container, a->sa_name);
		memset(&cmp, 0, sizeof(cmp));
		cmp.fn_type = n->fn_op == FOP_PR ? FN_PRESENT : FN_CMP;
		cmp.fn_op = n->fn_op;
		cmp.fn_value = n->fn_value;
		cmp.fn_path = n->fn_sub;
		if (cJSON_IsObject(v))
			return eval(n->fn_left, a->sa_sub, NULL, v) &&
			    (n->fn_sub == NULL ||
			    eval(&cmp, a->sa_sub, NULL, v));
		cJSON_ArrayForEach(el, v)
			if (eval(n->fn_left, a->sa_sub, NULL, el) &&
			    (n->fn_sub == NULL ||
			    eval(&cmp, a->sa_sub, NULL, el)))
				return 1;
		return 0;
	}
	return 0;
}

int
filter_match(const struct fnode *n, const struct schema *sc,
    const cJSON *doc)
{
	return eval(n, NULL, sc, doc);
}

int
filter_match_element(const struct fnode *n, const struct schema_attr *tab,
    const cJSON *el)
{
	return eval(n, tab, NULL, el);
}

/* Checking and planning. */

static int	check(const struct fnode *, const struct schema_attr *,
		    const struct schema *, char *, size_t);

/*
 * The comparison after a value path, emails[type eq "work"].primary gt x,
 * checked as the plain path emails.primary would be.  A name too long
 * for the buffer is too long to resolve: unknown, so fine.
 */
static int
check_sub(const struct fnode *n, const struct schema *sc, char *err,
    size_t errlen)
{
	struct fnode	cmp;
	char		path[512];

	if (n->fn_sub == NULL || n->fn_op == FOP_PR)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s.%s", n->fn_path,
	    n->fn_sub) >= sizeof(path))
		return 0;
	memset(&cmp, 0, sizeof(cmp));
	cmp.fn_type = FN_CMP;
	cmp.fn_op = n->fn_op;
	cmp.fn_path = path;
	return check(&cmp, NULL, sc, err, errlen);
}

/*
 * RFC 7644 §3.4.2.2: gt/ge/lt/le and co/sw/ew on a boolean, or any
 * comparison of a complex attribute that has no "value", is
 * invalidFilter.  Unknown attributes are fine: they match nothing.
 */
static int
check(const struct fnode *n, const struct schema_attr *tab,
    const struct schema *sc, char *err, size_t errlen)
{
	const struct schema_attr	*a, *sub, *t;
	const char			*ext;
	char				 name[128];
	size_t				 len;

	switch (n->fn_type) {
	case FN_AND:
	case FN_OR:
		return check(n->fn_left, tab, sc, err, errlen) == -1 ||
		    check(n->fn_right, tab, sc, err, errlen) == -1 ? -1 : 0;
	case FN_NOT:
		return check(n->fn_left, tab, sc, err, errlen);
	case FN_PRESENT:
		return 0;
	case FN_VALUEPATH:
		if (sc == NULL || schema_resolve(sc, n->fn_path, &a, &sub,
		    &ext) == -1 || a->sa_type != AT_COMPLEX)
			return 0;
		if (check(n->fn_left, a->sa_sub, NULL, err, errlen) == -1)
			return -1;
		return check_sub(n, sc, err, errlen);
	case FN_CMP:
		break;
	}
	if (sc != NULL) {
		if (schema_resolve(sc, n->fn_path, &a, &sub, &ext) == -1)
			return 0;
	} else {
		len = strcspn(n->fn_path, ".");
		if (len >= sizeof(name))
			return 0;
		memcpy(name, n->fn_path, len);
		name[len] = '\0';
		if ((a = schema_attr_find(tab, name)) == NULL)
			return 0;
		sub = n->fn_path[len] == '.' ?
		    schema_attr_find(a->sa_sub, n->fn_path + len + 1) : NULL;
	}
	t = sub != NULL ? sub : a;
	if (t->sa_type == AT_COMPLEX && schema_attr_find(t->sa_sub, "value") ==
	    NULL) {
		snprintf(err, errlen, "%s is complex: compare one of its "
		    "sub-attributes", n->fn_path);
		return -1;
	}
	if (t->sa_type == AT_COMPLEX)
		t = schema_attr_find(t->sa_sub, "value");
	if (t->sa_type == AT_BOOLEAN && n->fn_op != FOP_EQ &&
	    n->fn_op != FOP_NE) {
		snprintf(err, errlen, "%s is a boolean: only eq and ne "
		    "apply", n->fn_path);
		return -1;
	}
	return 0;
}

void
filter_plan_free(struct filter_plan *pl)
{
	if (pl == NULL)
		return;
	filter_plan_free(pl->pl_sub[0]);
	filter_plan_free(pl->pl_sub[1]);
	free(pl);
}

/* The string a term compares with (bare words are strings already). */
static const char *
term_string(const struct fnode *n)
{
	return cJSON_IsString(n->fn_value) ? n->fn_value->valuestring : NULL;
}

/* Plan ranks: lower is more selective; -1 is a scan. */
#define RANK_SCAN	-1

/*
 * A plan for one leaf, or NULL with *rank RANK_SCAN when the index
 * cannot answer it.
 */
static struct filter_plan *
plan_leaf(const struct fnode *n, const struct schema *sc, int *rank)
{
	const struct schema_attr	*a, *sub;
	const struct fnode		*in;
	struct filter_plan		*pl;
	const char			*ext, *v;
	enum store_idx			 idx;
	int				 fold = 1, r;

	*rank = RANK_SCAN;
	if (n->fn_type == FN_VALUEPATH) {
		/* emails[type eq "work"].value eq "x": by emails.value. */
		in = n->fn_left;
		if (sc->sc_type != RES_USER || n->fn_op != FOP_EQ ||
		    n->fn_sub == NULL || !util_strcaseeq(n->fn_sub, "value") ||
		    !util_strcaseeq(n->fn_path, "emails") ||
		    (v = term_string(n)) == NULL)
			return NULL;
		(void)in;
		idx = IDX_EMAIL;
		r = 3;
	} else {
		if (n->fn_type != FN_CMP || (n->fn_op != FOP_EQ &&
		    n->fn_op != FOP_SW) || (v = term_string(n)) == NULL ||
		    schema_resolve(sc, n->fn_path, &a, &sub, &ext) == -1 ||
		    ext != NULL)
			return NULL;
		if (sub == NULL && strcmp(a->sa_name, "id") == 0 &&
		    n->fn_op == FOP_EQ) {
			if ((pl = calloc(1, sizeof(*pl))) == NULL)
				return NULL;
			pl->pl_kind = PLAN_ID;
			pl->pl_empty = util_uuid_parse(v, pl->pl_id) == -1;
			*rank = 0;
			return pl;
		}
		if (sub == NULL && strcmp(a->sa_name, "userName") == 0 &&
		    sc->sc_type == RES_USER) {
			idx = IDX_USERNAME;
			r = 1;
		} else if (sub == NULL && strcmp(a->sa_name, "displayName") ==
		    0 && sc->sc_type == RES_GROUP) {
			idx = IDX_DISPLAYNAME;
			r = 1;
		} else if (sub == NULL && strcmp(a->sa_name, "externalId") ==
		    0) {
			idx = IDX_EXTERNALID;
			fold = 0;
			r = 2;
		} else if (sub != NULL && strcmp(a->sa_name, "emails") == 0 &&
		    strcmp(sub->sa_name, "value") == 0) {
			idx = IDX_EMAIL;
			r = 3;
		} else
			return NULL;
		/* sw on a case-exact index would need a case-exact range. */
		if (n->fn_op == FOP_SW) {
			if (!fold)
				return NULL;
			r = 4;
		}
	}
	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return NULL;
	pl->pl_kind = n->fn_op == FOP_SW ? PLAN_PREFIX : PLAN_INDEX;
	pl->pl_idx = idx;
	if (strlen(v) > SCIM_MAX_KEYSTR)
		pl->pl_empty = 1;	/* longer than anything stored */
	else if (fold)
		schema_fold(v, pl->pl_value);
	else
		util_strlcpy(pl->pl_value, v, sizeof(pl->pl_value));
	*rank = r;
	return pl;
}

/*
 * and: the most selective planned operand (the others are checked by
 * filter_match); or: a union when both sides are planned; anything else
 * scans.
 */
static struct filter_plan *
plan_node(const struct fnode *n, const struct schema *sc, int *rank)
{
	struct filter_plan	*l, *r, *pl;
	int			 lr, rr;

	switch (n->fn_type) {
	case FN_AND:
		l = plan_node(n->fn_left, sc, &lr);
		r = plan_node(n->fn_right, sc, &rr);
		if (l == NULL || (r != NULL && rr < lr)) {
			filter_plan_free(l);
			*rank = rr;
			return r;
		}
		filter_plan_free(r);
		*rank = lr;
		return l;
	case FN_OR:
		l = plan_node(n->fn_left, sc, &lr);
		r = plan_node(n->fn_right, sc, &rr);
		if (l == NULL || r == NULL ||
		    (pl = calloc(1, sizeof(*pl))) == NULL) {
			filter_plan_free(l);
			filter_plan_free(r);
			*rank = RANK_SCAN;
			return NULL;
		}
		pl->pl_kind = PLAN_UNION;
		pl->pl_sub[0] = l;
		pl->pl_sub[1] = r;
		*rank = 5;
		return pl;
	default:
		return plan_leaf(n, sc, rank);
	}
}

enum scim_err
filter_plan(const struct fnode *n, const struct schema *sc,
    struct filter_plan **out, char *err, size_t errlen)
{
	int	rank;

	*out = NULL;
	if (check(n, NULL, sc, err, errlen) == -1)
		return SCIM_EFILTER;
	if ((*out = plan_node(n, sc, &rank)) != NULL)
		return SCIM_OK;
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return SCIM_ENOMEM;
	(*out)->pl_kind = PLAN_SCAN;
	return SCIM_OK;
}
