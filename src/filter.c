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

static struct fnode *
parse_unary(struct parser *p)
{
	struct fnode	*n;

	if (word_is(p, "not") && p->p_text[p->p_pos] != '\0') {
		size_t save = p->p_pos;
		while (p->p_text[save] == ' ')
			save++;
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

	memset(&p, 0, sizeof(p));
	p.p_text = text;
	p.p_err = err;
	p.p_errlen = errlen;
	if (strlen(text) > SCIM_MAX_FILTER) {
		snprintf(err, errlen, "filter longer than %d bytes",
		    SCIM_MAX_FILTER);
		return NULL;
	}
	lex(&p);
	if (p.p_tok == T_EOF) {
		snprintf(err, errlen, "empty filter");
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

	memset(fp, 0, sizeof(*fp));
	memset(&p, 0, sizeof(p));
	p.p_text = text;
	p.p_err = err;
	p.p_errlen = errlen;
	if (strlen(text) > SCIM_MAX_FILTER) {
		snprintf(err, errlen, "path longer than %d bytes",
		    SCIM_MAX_FILTER);
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

/* Compare one attribute value v with the filter's value (eq only). */
static int
cmp_value(enum filter_op op, const cJSON *v, const cJSON *want, int exact)
{
	if (op != FOP_EQ)
		return 0;
	if (v == NULL || cJSON_IsNull(v))
		return cJSON_IsNull(want);
	if (cJSON_IsString(want)) {
		if (cJSON_IsString(v))
			return str_eq(v->valuestring, want->valuestring, exact);
		if (cJSON_IsBool(v))
			return util_strcaseeq(want->valuestring,
			    cJSON_IsTrue(v) ? "true" : "false");
		return 0;
	}
	if (cJSON_IsBool(want)) {
		if (cJSON_IsBool(v))
			return cJSON_IsTrue(v) == cJSON_IsTrue(want);
		if (cJSON_IsString(v))
			return util_strcaseeq(v->valuestring,
			    cJSON_IsTrue(want) ? "true" : "false");
		return 0;
	}
	if (cJSON_IsNumber(want))
		return cJSON_IsNumber(v) && v->valuedouble == want->valuedouble;
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
	const cJSON	*v, *el, *x;
	int		 exact;

	v = cJSON_GetObjectItem(container, a->sa_name);
	if (sub == NULL && a->sa_type == AT_COMPLEX)
		sub = schema_attr_find(a->sa_sub, "value");
	exact = ((sub != NULL ? sub : a)->sa_flags & AF_CASEEXACT) != 0;
	if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(el, v) {
			x = sub != NULL ? cJSON_GetObjectItem(el, sub->sa_name) :
			    el;
			if (n->fn_type == FN_PRESENT ? present(x) :
			    cmp_value(n->fn_op, x, n->fn_value, exact))
				return 1;
		}
		return n->fn_type != FN_PRESENT && v->child == NULL &&
		    cJSON_IsNull(n->fn_value);
	}
	x = sub != NULL ? cJSON_GetObjectItem(v, sub->sa_name) : v;
	return n->fn_type == FN_PRESENT ? present(x) :
	    cmp_value(n->fn_op, x, n->fn_value, exact);
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
		cmp.fn_type = FN_CMP;
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

/* Planning. */

/* The string a term compares with (bare words are strings already). */
static const char *
term_string(const struct fnode *n)
{
	return cJSON_IsString(n->fn_value) ? n->fn_value->valuestring : NULL;
}

/*
 * Classify one `and` operand.  Returns its rank (lower is more
 * selective), or -1 when this version cannot answer it.
 */
static int
term_rank(const struct fnode *n, const struct schema *sc,
    enum store_idx *idx, int *fold)
{
	const struct schema_attr	*a, *sub;
	const struct fnode		*in;
	const char			*ext;

	*fold = 0;
	if (n->fn_type == FN_VALUEPATH) {
		in = n->fn_left;
		if (sc->sc_type != RES_USER || n->fn_op != FOP_EQ ||
		    n->fn_sub == NULL || !util_strcaseeq(n->fn_sub, "value") ||
		    !util_strcaseeq(n->fn_path, "emails") ||
		    in->fn_type != FN_CMP || in->fn_op != FOP_EQ ||
		    !util_strcaseeq(in->fn_path, "type") ||
		    term_string(in) == NULL || term_string(n) == NULL)
			return -1;
		*idx = IDX_EMAIL;
		*fold = 1;
		return 3;
	}
	if (n->fn_type != FN_CMP || n->fn_op != FOP_EQ ||
	    term_string(n) == NULL ||
	    schema_resolve(sc, n->fn_path, &a, &sub, &ext) == -1 ||
	    ext != NULL)
		return -1;
	if (sub == NULL && strcmp(a->sa_name, "id") == 0)
		return 0;
	if (sub == NULL && strcmp(a->sa_name, "userName") == 0 &&
	    sc->sc_type == RES_USER) {
		*idx = IDX_USERNAME;
		*fold = 1;
		return 1;
	}
	if (sub == NULL && strcmp(a->sa_name, "displayName") == 0 &&
	    sc->sc_type == RES_GROUP) {
		*idx = IDX_DISPLAYNAME;
		*fold = 1;
		return 1;
	}
	if (sub == NULL && strcmp(a->sa_name, "externalId") == 0) {
		*idx = IDX_EXTERNALID;
		return 2;
	}
	if (sub != NULL && strcmp(a->sa_name, "emails") == 0 &&
	    strcmp(sub->sa_name, "value") == 0) {
		*idx = IDX_EMAIL;
		*fold = 1;
		return 3;
	}
	return -1;
}

/* Walk the `and` tree; remember the most selective term. */
static int
plan_walk(const struct fnode *n, const struct schema *sc,
    const struct fnode **best, int *bestrank, enum store_idx *bestidx,
    int *bestfold)
{
	enum store_idx	idx = IDX_USERNAME;
	int		rank, fold;

	if (n->fn_type == FN_AND)
		return plan_walk(n->fn_left, sc, best, bestrank, bestidx,
		    bestfold) == 0 && plan_walk(n->fn_right, sc, best,
		    bestrank, bestidx, bestfold) == 0 ? 0 : -1;
	if ((rank = term_rank(n, sc, &idx, &fold)) < 0)
		return -1;
	if (*best == NULL || rank < *bestrank) {
		*best = n;
		*bestrank = rank;
		*bestidx = idx;
		*bestfold = fold;
	}
	return 0;
}

enum scim_err
filter_plan(const struct fnode *n, const struct schema *sc,
    struct filter_plan *pl, char *err, size_t errlen)
{
	const struct fnode	*best = NULL;
	const char		*v;
	enum store_idx		 idx = IDX_USERNAME;
	int			 rank = 0, fold = 0;

	memset(pl, 0, sizeof(*pl));
	if (plan_walk(n, sc, &best, &rank, &idx, &fold) == -1 ||
	    best == NULL) {
		snprintf(err, errlen, "unsupported filter: this version "
		    "answers `eq` on %s, joined by `and`",
		    sc->sc_type == RES_USER ? "id, userName, externalId, "
		    "emails.value and emails[type eq \"...\"].value" :
		    "id, displayName and externalId");
		return SCIM_EFILTER;
	}
	v = term_string(best);
	if (rank == 0) {
		pl->pl_kind = PLAN_ID;
		pl->pl_empty = util_uuid_parse(v, pl->pl_id) == -1;
		return SCIM_OK;
	}
	pl->pl_kind = PLAN_INDEX;
	pl->pl_idx = idx;
	if (strlen(v) > SCIM_MAX_KEYSTR) {
		pl->pl_empty = 1;	/* longer than anything stored */
		return SCIM_OK;
	}
	if (fold)
		schema_fold(v, pl->pl_value);
	else
		util_strlcpy(pl->pl_value, v, sizeof(pl->pl_value));
	return SCIM_OK;
}
