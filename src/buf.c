/*
 * buf.c: bounded growing text buffer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->b_max = max;
}

void
buf_add(struct buf *b, const char *s, size_t n)
{
	size_t	 cap;
	char	*p;

	if (b->b_err != SCIM_OK)
		return;
	if (n > b->b_max - b->b_len - 1 || b->b_len + 1 > b->b_max) {
		b->b_err = SCIM_ENOMEM;
		return;
	}
	if (b->b_len + n + 1 > b->b_cap) {
		cap = b->b_cap == 0 ? 4096 : b->b_cap;
		while (cap < b->b_len + n + 1)
			cap *= 2;
		if (cap > b->b_max)
			cap = b->b_max;
		if ((p = realloc(b->b_data, cap)) == NULL) {
			b->b_err = SCIM_ENOMEM;
			return;
		}
		b->b_data = p;
		b->b_cap = cap;
	}
	memcpy(b->b_data + b->b_len, s, n);
	b->b_len += n;
	b->b_data[b->b_len] = '\0';
}

void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_json_str(struct buf *b, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 esc[8];
	size_t			 i, start = 0;
	unsigned char		 c;

	buf_add(b, "\"", 1);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, s + start, i - start);
		start = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"':  esc[1] = '"'; buf_add(b, esc, 2); break;
		case '\\': esc[1] = '\\'; buf_add(b, esc, 2); break;
		case '\n': esc[1] = 'n'; buf_add(b, esc, 2); break;
		case '\r': esc[1] = 'r'; buf_add(b, esc, 2); break;
		case '\t': esc[1] = 't'; buf_add(b, esc, 2); break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			buf_add(b, esc, 6);
			break;
		}
	}
	buf_add(b, s + start, len - start);
	buf_add(b, "\"", 1);
}

void
buf_fail(struct buf *b)
{
	b->b_err = SCIM_ENOMEM;
}

enum scim_err
buf_failed(const struct buf *b)
{
	return b->b_err;
}

char *
buf_take(struct buf *b)
{
	char	*p;

	if (b->b_err != SCIM_OK) {
		buf_free(b);
		return NULL;
	}
	if (b->b_data == NULL)
		buf_add(b, "", 0);
	p = b->b_data;
	b->b_data = NULL;
	b->b_len = b->b_cap = 0;
	return p;
}

void
buf_free(struct buf *b)
{
	free(b->b_data);
	b->b_data = NULL;
	b->b_len = b->b_cap = 0;
}
