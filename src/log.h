/*
 * log.h: diagnostics to stderr, which the web server puts in its error
 * log.  Never pass a token or a request body here.  log_warnx() escapes
 * every control character of the message it formats, so a value from a
 * request cannot end its line or forge another; log_escape() is for
 * values kept elsewhere (the audit's actor).
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stddef.h>

void	 log_init(const char *progname);
/* One line "prog: message\n", the message escaped as log_cescape() does. */
void	 log_warnx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/*
 * The message log_warnx() would write (without the program name and the
 * newline) into dst, size bytes, NUL-terminated.
 */
void	 log_format(char *dst, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 log_vformat(char *dst, size_t size, const char *fmt, va_list);

/*
 * Copy s[0..len) into dst (size bytes, always NUL-terminated) with
 * every control character written as an escape: \n, \r and \t, \xHH for
 * the rest of C0 and DEL, \u0080 to \u009f for C1 (U+0085 ends a line
 * for some readers; U+009B opens a terminal sequence), \xHH for a byte
 * that starts no well-formed UTF-8 sequence.  Everything else, backslash
 * included, is copied.  An escape or a character is never cut: the copy
 * stops before one that does not fit.  Returns the bytes of s consumed.
 */
size_t	 log_cescape(char *dst, size_t size, const char *s, size_t len);

/* Copy src to dst (size bytes) replacing control bytes and quotes. */
const char *log_escape(const char *src, char *dst, size_t size);

#endif /* LOG_H */
