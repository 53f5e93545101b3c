/*
 * log.h: diagnostics to stderr, which the web server puts in its error
 * log.  Never pass a token or a request body here.  Strings that come
 * from a request must go through log_escape() first.
 */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>

void	 log_init(const char *progname);
void	 log_warnx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* Copy src to dst (size bytes) replacing control bytes and quotes. */
const char *log_escape(const char *src, char *dst, size_t size);

#endif /* LOG_H */
