/*
 * check_log.c: log lines escape control characters, so no value can end
 * its line or forge another; the same escaping serves the CLI's tables.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "tap.h"

static const struct {
	int		 line;
	const char	*in;
	const char	*want;
} esc[] = {
	{ __LINE__, "plain", "plain" },
	{ __LINE__, "a\nb", "a\\nb" },
	{ __LINE__, "a\r\nprog: forged", "a\\r\\nprog: forged" },
	{ __LINE__, "tab\there", "tab\\there" },
	{ __LINE__, "\x1b[2J", "\\x1b[2J" },
	{ __LINE__, "\x01\x07\x08\x0b\x0c\x1f", "\\x01\\x07\\x08\\x0b\\x0c\\x1f" },
	{ __LINE__, "del\x7f", "del\\x7f" },
	{ __LINE__, "back\\slash \"q\"", "back\\slash \"q\"" },
	{ __LINE__, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 "
	  "\xe2\x82\xac \xf0\x9f\x98\x80" },
	{ __LINE__, "nel\xc2\x85 csi\xc2\x9b" "2J nbsp\xc2\xa0",
	  "nel\\u0085 csi\\u009b2J nbsp\xc2\xa0" },
	{ __LINE__, "bad\xff\xc0\xaf", "bad\\xff\\xc0\\xaf" },
	{ __LINE__, "cut\xe2\x82", "cut\\xe2\\x82" },
};

int
main(void)
{
	char	buf[256], small[8];
	size_t	i, n;

	for (i = 0; i < sizeof(esc) / sizeof(esc[0]); i++) {
		n = log_cescape(buf, sizeof(buf), esc[i].in, strlen(esc[i].in));
		ok(strcmp(buf, esc[i].want) == 0 && n == strlen(esc[i].in),
		    "line %d: escaped as %s (got %s)", esc[i].line,
		    esc[i].want, buf);
	}
	/* An escape or a character is never cut; the count says so. */
	n = log_cescape(small, sizeof(small), "abcd\n", 5);
	ok(strcmp(small, "abcd\\n") == 0 && n == 5, "fits exactly: %s", small);
	n = log_cescape(small, sizeof(small), "abcdef\n", 7);
	ok(strcmp(small, "abcdef") == 0 && n == 6,
	    "an escape that does not fit is left out whole: %s (%zu)", small, n);
	n = log_cescape(small, sizeof(small), "abcde\xe2\x82\xac", 8);
	ok(strcmp(small, "abcde") == 0 && n == 5,
	    "a character that does not fit is left out whole: %s", small);
	n = log_cescape(small, 1, "abc", 3);
	ok(small[0] == '\0' && n == 0, "size 1: empty");
	n = log_cescape(buf, sizeof(buf), "a\0b", 3);
	ok(strcmp(buf, "a\\x00b") == 0 && n == 3, "a NUL within len: %s", buf);

	/* What log_warnx() writes: the formatted message, escaped. */
	log_format(buf, sizeof(buf), "skipped member %.64s: it does not exist",
	    "stale\nscimlet.fcgi: FORGED\r\x1b[2J");
	ok(strcmp(buf, "skipped member stale\\nscimlet.fcgi: FORGED\\r\\x1b[2J: "
	    "it does not exist") == 0, "a message with a forged line: %s", buf);
	ok(strchr(buf, '\n') == NULL, "no newline in a formatted message");
	log_format(buf, sizeof(buf), "%d %s", 42, "ok");
	ok(strcmp(buf, "42 ok") == 0, "plain formatting kept: %s", buf);
	log_format(small, sizeof(small), "%s", "\n\n\n\n");
	ok(strcmp(small, "\\n\\n\\n") == 0, "cut to the buffer: %s", small);
	return tap_done();
}
