/*
 * scim_error.h: SCIM error responses (RFC 7644 §3.12).
 */
#ifndef SCIM_ERROR_H
#define SCIM_ERROR_H

#include "scim.h"

struct scim_resp;

/*
 * One way out: an error travels only as the return value of the function
 * that failed, up to the handler and from it to main.c, which makes the
 * response from it (scim_error_respond()).  scim_fail() returns err, so
 * handlers can `return scim_fail(resp, SCIM_EUNIQUE, "userName %s", ...)`;
 * with a format it also writes a detail for err into resp.  The detail is
 * used only with the error it was written for: a caller that returns
 * another error than the one a callee described gets its own (or the
 * table's) detail, never a stale one.  The first detail written for an
 * error is kept (the innermost knows most); scim_detail_reset() lets a
 * caller rewrite it.  Details are JSON-escaped in the body and cut at a
 * character boundary; keep request values short (%.64s).
 */
enum scim_err	 scim_fail(struct scim_resp *, enum scim_err,
		    const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/* The detail that goes with err in resp: its own, or the table's. */
const char	*scim_detail(const struct scim_resp *, enum scim_err);
void		 scim_detail_reset(struct scim_resp *);

int		 scim_err_status(enum scim_err);
const char	*scim_err_type(enum scim_err);	/* scimType or NULL */
const char	*scim_status_reason(int status);

/* Make err (with its detail) the response: status, Error body. */
void		 scim_error_respond(struct scim_resp *, enum scim_err);

#endif /* SCIM_ERROR_H */
