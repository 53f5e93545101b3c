/*
 * htaccess.c: finding scimlet's block in an .htaccess, and refusing
 * files it cannot merge into (`scimlet setup-htaccess`, src/cli/setup.c).
 * Lines are matched as text: Apache reads each line of an .htaccess as a
 * directive, and the block is bounded by whole "# BEGIN scimlet" and
 * "# END scimlet" lines.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/htaccess.h"

/* The rule's pattern for mount: ^ and the path less its '/', '.' escaped. */
void
ht_rule_pat(const char *mount, char *out, size_t len)
{
	size_t	i = 0;

	for (out[i++] = '^', mount++; *mount != '\0' && i + 3 < len; mount++) {
		if (*mount == '.')
			out[i++] = '\\';
		out[i++] = *mount;
	}
	out[i] = '\0';
}

/* Is line [s, e) (less trailing blanks and CR) exactly word? */
static int
line_is(const char *s, const char *e, const char *word)
{
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return (size_t)(e - s) == strlen(word) &&
	    strncmp(s, word, strlen(word)) == 0;
}

/* Does line [s, e) hold word (ASCII case ignored)? */
static int
line_has(const char *s, const char *e, const char *word)
{
	size_t	n = strlen(word), i;

	for (; (size_t)(e - s) >= n; s++) {
		for (i = 0; i < n; i++)
			if ((s[i] | 0x20) != (word[i] | 0x20))
				break;
		if (i == n)
			return 1;
	}
	return 0;
}

/*
 * Does line [s, e) hold pat, a rule's pattern for a path, where the path
 * ends (not ^scim/v2 in ^scim/v22)?
 */
static int
line_rule(const char *s, const char *e, const char *pat)
{
	size_t	n = strlen(pat);
	char	c;

	for (; (size_t)(e - s) >= n; s++) {
		if (strncmp(s, pat, n) != 0)
			continue;
		if ((size_t)(e - s) == n)
			return 1;
		c = s[n];
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '_' && c != '-' &&
		    c != '.' && c != '\\')
			return 1;
	}
	return 0;
}

/*
 * Where scimlet's block is in the .htaccess old (len bytes): 1 and
 * [*b0, *b1), from the start of its BEGIN line to the end of its END
 * line; 0 when it has none.  Refused (-1, err): a NUL byte, more than
 * one BEGIN or END, one without the other, END first, or a line outside
 * the block that names scimlet or the mount (a set-up copied by hand,
 * which the block would repeat).
 */
int
ht_find(const char *old, size_t len, const char *mount, size_t *b0,
    size_t *b1, char *err, size_t errlen)
{
	const char	*s, *e, *end = old + len;
	char		 pat[256], epat[512], spat[256];
	int		 nb = 0, ne = 0, in = 0;

	/* A rule's pattern for the mount: ^scim/v2, with '.' escaped, or
	 * ^/?scim/v2. */
	snprintf(pat, sizeof(pat), "^%s", mount + 1);
	snprintf(spat, sizeof(spat), "^/?%s", mount + 1);
	ht_rule_pat(mount, epat, sizeof(epat));

	if (memchr(old, '\0', len) != NULL) {
		snprintf(err, errlen, "it holds a NUL byte: not a text file");
		return -1;
	}
	for (s = old; s < end; s = e + (e < end)) {
		if ((e = memchr(s, '\n', (size_t)(end - s))) == NULL)
			e = end;
		if (line_is(s, e, HT_BEGIN)) {
			nb++;
			*b0 = (size_t)(s - old);
			in = 1;
		} else if (line_is(s, e, HT_END)) {
			ne++;
			*b1 = (size_t)(e + (e < end) - old);
			if (!in || nb != 1) {
				snprintf(err, errlen, "\"" HT_END "\" without "
				    "\"" HT_BEGIN "\" before it");
				return -1;
			}
			in = 0;
		} else if (!in && (line_has(s, e, "scimlet") ||
		    (line_has(s, e, "RewriteRule") &&
		    (line_rule(s, e, pat) || line_rule(s, e, epat) ||
		    line_rule(s, e, spat))))) {
			snprintf(err, errlen, "line %.*s names scimlet or %s "
			    "outside a \"" HT_BEGIN "\" ... \"" HT_END "\" "
			    "block: remove the lines of a set-up made by "
			    "hand, or mark them with those two lines, and "
			    "run it again", (int)(e - s > 80 ? 80 : e - s), s,
			    mount);
			return -1;
		}
	}
	if (nb > 1 || ne > 1 || nb != ne) {
		snprintf(err, errlen, "it has %d \"" HT_BEGIN "\" and %d \""
		    HT_END "\" lines: leave one of each, around scimlet's "
		    "lines", nb, ne);
		return -1;
	}
	return nb;
}
