/*
 * buf.h: a growing text buffer with a required cap (curl's dynbuf).
 * Responses too large for one cJSON tree (a group's members) are
 * written into one as text (capped by SCIM_MAX_RESPONSE).  Past the cap, or out of memory, the buffer
 * is marked failed and later appends do nothing; check buf_failed().
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

#include "scim.h"

struct buf {
	char		*b_data;
	size_t		 b_len;
	size_t		 b_cap;
	size_t		 b_max;
	enum scim_err	 b_err;		/* SCIM_OK, SCIM_ENOMEM */
};

void		 buf_init(struct buf *, size_t max);
void		 buf_add(struct buf *, const char *, size_t);
void		 buf_str(struct buf *, const char *);
/* A JSON string literal, quoted and escaped, of s[0..len). */
void		 buf_json_str(struct buf *, const char *s, size_t len);
enum scim_err	 buf_failed(const struct buf *);
/* Mark the buffer failed (out of memory while making what goes in it). */
void		 buf_fail(struct buf *);
/* The NUL-terminated text; the caller owns it.  NULL if failed. */
char		*buf_take(struct buf *);
void		 buf_free(struct buf *);

#endif /* BUF_H */
