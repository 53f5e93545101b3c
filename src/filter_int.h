/*
 * filter_int.h: what the parts of the filter module share (not for other
 * modules: filter.h is the contract).
 */
#ifndef FILTER_INT_H
#define FILTER_INT_H

struct fnode;
struct schema;

/*
 * -1 with a message in err when f holds a comparison RFC 7644 §3.4.2.2
 * makes invalidFilter under schema sc, else 0.
 */
int	filter_check(const struct fnode *f, const struct schema *sc,
	    char *err, size_t errlen);

#endif /* FILTER_INT_H */
