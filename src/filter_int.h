/*
 * filter_int.h: what the parts of the filter module share (not for other
 * modules: filter.h is the contract).
 */
#ifndef FILTER_INT_H
#define FILTER_INT_H

#include <cjson/cJSON.h>

struct fnode;
struct schema;

/*
 * -1 with a message in err when f holds a comparison RFC 7644 §3.4.2.2
 * makes invalidFilter under schema sc, else 0.
 */
int	filter_check(const struct fnode *f, const struct schema *sc,
	    char *err, size_t errlen);

/*
 * Attributes kept as membership keys, not in the stored resource:
 * Group.members (the group's members) and User.groups (the groups the
 * user is in).
 */
enum fmember { FM_NONE, FM_MEMBERS, FM_GROUPS };
struct schema_attr;
enum fmember	filter_membership(const struct schema *sc,
		    const struct schema_attr *a);

/*
 * Evaluation pieces.  filter_eval_attr: comparison or presence test n on
 * attribute a (sub-attribute sub or NULL) of container, any element of a
 * multi-valued one matching, ne as "not eq" over them all.
 * filter_eval_element: one element el of complex attribute a against
 * value path n (its filter, then its .sub comparison if any).
 * filter_eval_member: n on membership attribute a of resource doc, from
 * the keys in env.
 */
struct filter_env;
int		filter_eval_attr(const struct fnode *n,
		    const struct schema_attr *a, const struct schema_attr *sub,
		    const cJSON *container);
int		filter_eval_element(const struct fnode *n,
		    const struct schema_attr *a, const cJSON *el);
int		filter_eval_member(const struct fnode *n,
		    const struct schema *sc, const struct schema_attr *a,
		    const struct schema_attr *sub, const cJSON *doc,
		    struct filter_env *env);

#endif /* FILTER_INT_H */
