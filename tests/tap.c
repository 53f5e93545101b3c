/*
 * tap.c: TAP output (ok N - name / not ok N - name, then 1..N).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

static int	tap_n, tap_failed;

static int
report(int cond, const char *file, int line, const char *name)
{
	tap_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
	if (!cond) {
		tap_failed++;
		printf("# failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

int
tap_ok(int cond, const char *file, int line, const char *name, ...)
{
	char	buf[512];
	va_list	ap;

	va_start(ap, name);
	vsnprintf(buf, sizeof(buf), name, ap);
	va_end(ap);
	return report(cond, file, line, buf);
}

int
tap_is_str(const char *got, const char *want, const char *file, int line,
    const char *name)
{
	int	cond;

	cond = (got == NULL && want == NULL) || (got != NULL && want != NULL &&
	    strcmp(got, want) == 0);
	if (!report(cond, file, line, name))
		printf("# got:  %s\n# want: %s\n", got ? got : "(null)",
		    want ? want : "(null)");
	return cond;
}

int
tap_is_int(long long got, long long want, const char *file, int line,
    const char *name)
{
	if (!report(got == want, file, line, name))
		printf("# got:  %lld\n# want: %lld\n", got, want);
	return got == want;
}

void
tap_diag(const char *fmt, ...)
{
	va_list	ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed > 0 ? 1 : 0;
}
