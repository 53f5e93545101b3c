/*
 * scim_error.h: SCIM error responses (RFC 7644 §3.12).
 */
#ifndef SCIM_ERROR_H
#define SCIM_ERROR_H

#include "scim.h"

struct scim_resp;

/*
 * Record err and a printf-style detail in resp; returns err, so handlers
 * can `return scim_fail(resp, SCIM_EUNIQUE, "userName %s", ...)`.  The
 * detail is JSON-escaped in the body; keep request values short (%.64s).
 * A second call keeps the first error.
 */
enum scim_err	 scim_fail(struct scim_resp *, enum scim_err,
		    const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

int		 scim_err_status(enum scim_err);
const char	*scim_err_type(enum scim_err);	/* scimType or NULL */
const char	*scim_status_reason(int status);

/* Turn the recorded error into the response: status, Error body. */
void		 scim_error_respond(struct scim_resp *);

#endif /* SCIM_ERROR_H */
