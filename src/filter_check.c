/*
 * filter_check.c: a parsed filter against the schema: comparisons RFC
 * 7644 §3.4.2.2 makes invalidFilter whatever the data.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "filter_int.h"
#include "schema.h"
#include "util.h"

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
 * RFC 7643 §2.3.5: a dateTime is compared with a dateTime (RFC 3339);
 * eq and ne may also take null, and co, sw and ew any string (they
 * compare the text).
 */
static int
datetime_ok(const struct fnode *n)
{
	const cJSON	*v = n->fn_value;
	double		 d;

	switch (n->fn_op) {
	case FOP_CO:
	case FOP_SW:
	case FOP_EW:
		return cJSON_IsString(v);
	case FOP_EQ:
	case FOP_NE:
		if (cJSON_IsNull(v))
			return 1;
		break;
	default:
		break;
	}
	return cJSON_IsString(v) && util_time_parse(v->valuestring, &d) == 0;
}

/*
 * RFC 7644 §3.4.2.2: gt/ge/lt/le and co/sw/ew on a boolean, any
 * comparison of a complex attribute that has no "value", and a dateTime
 * compared with what is no dateTime, are invalidFilter.  Unknown
 * attributes are fine: they match nothing.
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
	if (t->sa_type == AT_DATETIME && !datetime_ok(n)) {
		snprintf(err, errlen, "%s is a dateTime: compare it with a "
		    "date and time such as \"2011-05-13T04:42:34Z\"",
		    n->fn_path);
		return -1;
	}
	return 0;
}

int
filter_check(const struct fnode *n, const struct schema *sc, char *err,
    size_t errlen)
{
	return check(n, NULL, sc, err, errlen);
}
