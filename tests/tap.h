/*
 * tap.h: a small TAP producer for the C unit tests.
 */
#ifndef TAP_H
#define TAP_H

#include <stddef.h>

/* Record one test; returns cond.  name is a printf format. */
int	 tap_ok(int cond, const char *file, int line, const char *name, ...)
	    __attribute__((format(printf, 4, 5)));
int	 tap_is_str(const char *got, const char *want, const char *file,
	    int line, const char *name);
int	 tap_is_int(long long got, long long want, const char *file, int line,
	    const char *name);
void	 tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the plan; returns the exit status (0 when all passed). */
int	 tap_done(void);

#define ok(c, ...)		tap_ok((c), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(g, w, n)		tap_is_str((g), (w), __FILE__, __LINE__, (n))
#define is_int(g, w, n)		tap_is_int((g), (w), __FILE__, __LINE__, (n))

#endif /* TAP_H */
