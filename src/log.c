/*
 * log.c: one-line diagnostics on stderr, prefixed by the program name.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "util.h"

/* The formatted message before and after escaping (at most 4 bytes per
 * byte: \xHH). */
#define LOG_MSG		1024
#define LOG_LINE	(LOG_MSG * 4)

static const char *log_prog = "scimlet";

void
log_init(const char *progname)
{
	log_prog = progname;
}

size_t
log_cescape(char *dst, size_t size, const char *src, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*s = (const unsigned char *)src;
	char			 esc[8];
	size_t			 i = 0, o = 0, n, en;

	if (size == 0)
		return 0;
	while (i < len) {
		n = util_utf8_len(s + i, len - i);
		en = 0;
		if (n == 1 && (s[i] < 0x20 || s[i] == 0x7f)) {
			esc[en++] = '\\';
			if (s[i] == '\n')
				esc[en++] = 'n';
			else if (s[i] == '\r')
				esc[en++] = 'r';
			else if (s[i] == '\t')
				esc[en++] = 't';
			else {
				esc[en++] = 'x';
				esc[en++] = hex[s[i] >> 4];
				esc[en++] = hex[s[i] & 0xf];
			}
		} else if (n == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0) {
			/* C1: U+0080..U+009F. */
			memcpy(esc, "\\u00", 4);
			en = 4;
			esc[en++] = hex[s[i + 1] >> 4];
			esc[en++] = hex[s[i + 1] & 0xf];
		} else if (n == 0) {
			n = 1;
			esc[en++] = '\\';
			esc[en++] = 'x';
			esc[en++] = hex[s[i] >> 4];
			esc[en++] = hex[s[i] & 0xf];
		}
		if (en == 0) {
			if (o + n >= size)
				break;
			memcpy(dst + o, s + i, n);
			o += n;
		} else {
			if (o + en >= size)
				break;
			memcpy(dst + o, esc, en);
			o += en;
		}
		i += n;
	}
	dst[o] = '\0';
	return i;
}

void
log_vformat(char *dst, size_t size, const char *fmt, va_list ap)
{
	char	msg[LOG_MSG];
	int	n;

	/* A longer message is cut (log_cescape() escapes a cut sequence). */
	if ((n = vsnprintf(msg, sizeof(msg), fmt, ap)) < 0)
		msg[0] = '\0';
	log_cescape(dst, size, msg, strlen(msg));
}

void
log_format(char *dst, size_t size, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vformat(dst, size, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	char	line[LOG_LINE];
	va_list	ap;

	va_start(ap, fmt);
	log_vformat(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", log_prog, line);
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
