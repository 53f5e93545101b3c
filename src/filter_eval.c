/*
 * filter_eval.c: does a stored resource match a filter (RFC 7644
 * §3.4.2.2)?  Strings by the attribute's case rule, dateTime as instants,
 * multi-valued attributes by any element.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter.h"
#include "filter_int.h"
#include "schema.h"
#include "util.h"

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


/*
 * The value of attribute a (sub-attribute sub) in container, compared by
 * op/want, any element of a multi-valued attribute matching.
 */
int
filter_eval_attr(const struct fnode *n, const struct schema_attr *a,
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
		return !filter_eval_attr(&eq, a, sub, container);
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
    const struct schema *sc, const cJSON *doc, struct filter_env *env)
{
	const struct schema_attr	*a, *sub;
	const cJSON			*container, *v, *el;

	switch (n->fn_type) {
	case FN_AND:
		return eval(n->fn_left, tab, sc, doc, env) &&
		    eval(n->fn_right, tab, sc, doc, env);
	case FN_OR:
		return eval(n->fn_left, tab, sc, doc, env) ||
		    eval(n->fn_right, tab, sc, doc, env);
	case FN_NOT:
		return !eval(n->fn_left, tab, sc, doc, env);
	case FN_CMP:
	case FN_PRESENT:
	case FN_VALUEPATH:
		break;
	}
	/* An attribute that does not exist matches nothing. */
	if (resolve(n->fn_path, tab, sc, doc, &a, &sub, &container))
		return 0;
	if (sc != NULL && env != NULL && env->fe_tx != NULL &&
	    container == doc && filter_membership(sc, a) != FM_NONE)
		return filter_eval_member(n, sc, a, sub, doc, env);
	if (n->fn_type != FN_VALUEPATH)
		return filter_eval_attr(n, a, sub, container);
	if (sub != NULL || a->sa_type != AT_COMPLEX)
		return 0;
	v = cJSON_GetObjectItem(container, a->sa_name);
	if (cJSON_IsObject(v))
		return filter_eval_element(n, a, v);
	cJSON_ArrayForEach(el, v)
		if (filter_eval_element(n, a, el))
			return 1;
	return 0;
}

int
filter_eval_element(const struct fnode *n, const struct schema_attr *a,
    const cJSON *el)
{
	struct fnode	cmp;

	if (!eval(n->fn_left, a->sa_sub, NULL, el, NULL))
		return 0;
	if (n->fn_sub == NULL)
		return 1;
	memset(&cmp, 0, sizeof(cmp));
	cmp.fn_type = n->fn_op == FOP_PR ? FN_PRESENT : FN_CMP;
	cmp.fn_op = n->fn_op;
	cmp.fn_value = n->fn_value;
	cmp.fn_path = n->fn_sub;
	return eval(&cmp, a->sa_sub, NULL, el, NULL);
}

int
filter_match(const struct fnode *n, const struct schema *sc,
    const cJSON *doc, struct filter_env *env)
{
	return eval(n, NULL, sc, doc, env);
}

int
filter_match_element(const struct fnode *n, const struct schema_attr *tab,
    const cJSON *el)
{
	return eval(n, tab, NULL, el, NULL);
}
