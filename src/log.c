/*
 * log.c: one-line diagnostics on stderr, prefixed by the program name.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *log_prog = "scimlet";

void
log_init(const char *progname)
{
	log_prog = progname;
}

void
log_warnx(const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", log_prog, buf);
	fflush(stderr);
}

const char *
log_escape(const char *src, char *dst, size_t size)
{
	size_t	o = 0;

	if (size == 0)
		return dst;
	for (; *src != '\0' && o + 1 < size; src++) {
		unsigned char c = (unsigned char)*src;
		dst[o++] = (c < 0x20 || c == 0x7f || c == '"' ||
		    c == '\\') ? '?' : (char)c;
	}
	dst[o] = '\0';
	return dst;
}
