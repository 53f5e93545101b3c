/*
 * util.c: randomness, UUIDs, timestamps, encodings.  No SCIM here.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/time.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

int
util_random(void *buf, size_t len)
{
	unsigned char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
util_uuid_new(uint8_t id[16])
{
	if (util_random(id, 16) == -1)
		return -1;
	id[6] = (id[6] & 0x0f) | 0x40;	/* version 4 (RFC 9562 §5.4) */
	id[8] = (id[8] & 0x3f) | 0x80;	/* variant 10 */
	return 0;
}

void
util_uuid_format(const uint8_t id[16], char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t		  i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[id[i] >> 4];
		out[o++] = hex[id[i] & 0xf];
	}
	out[o] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
util_uuid_parse(const char *s, uint8_t id[16])
{
	size_t	i, n = 0;
	int	hi, lo;

	for (i = 0; i < UUID_STRLEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		if ((hi = hexval((unsigned char)s[i])) < 0 ||
		    (lo = hexval((unsigned char)s[i + 1])) < 0)
			return -1;
		id[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return s[UUID_STRLEN] == '\0' ? 0 : -1;
}

void
util_time_now(char *out)
{
	struct timeval	tv;
	struct tm	tm;
	char		buf[32];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	/* 19 + ".mmmZ" = TIME_STRLEN */
	memcpy(out, buf, 19);
	out[19] = '.';
	out[20] = (char)('0' + (tv.tv_usec / 100000) % 10);
	out[21] = (char)('0' + (tv.tv_usec / 10000) % 10);
	out[22] = (char)('0' + (tv.tv_usec / 1000) % 10);
	out[23] = 'Z';
	out[24] = '\0';
}

void
util_time_format(double t, char *out)
{
	struct tm	tm;
	time_t		sec;
	long		ms;
	char		buf[32];

	if (t < 0)
		t = 0;
	sec = (time_t)t;
	ms = (long)((t - (double)sec) * 1000.0);
	if (ms < 0 || ms > 999)
		ms = 0;
	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, TIME_STRLEN + 1, "%.19s.%03ldZ", buf, ms);
}

double
util_time_secs(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)(tv.tv_usec / 1000) / 1000.0;
}

int
util_breaker_parse(const char *s, long long *n, int *pct)
{
	char		 num[16];
	size_t		 len = strlen(s);
	long long	 v;

	*n = 0;
	*pct = 0;
	if (len > 1 && len < sizeof(num) && s[len - 1] == '%') {
		memcpy(num, s, len - 1);
		num[len - 1] = '\0';
		if (util_strtonum(num, 1, 100, &v) == -1)
			return -1;
		*pct = (int)v;
		return 0;
	}
	return util_strtonum(s, 1, 10000000, n);
}

int
util_rate_parse(const char *s, long long *n, int *per)
{
	char		 num[16];
	size_t		 len = strlen(s);

	*n = 0;
	*per = 0;
	if (len < 3 || len - 2 >= sizeof(num) || s[len - 2] != '/' ||
	    (s[len - 1] != 's' && s[len - 1] != 'm'))
		return -1;
	memcpy(num, s, len - 2);
	num[len - 2] = '\0';
	if (util_strtonum(num, 1, 1000000, n) == -1)
		return -1;
	*per = s[len - 1] == 's' ? 1 : 60;
	return 0;
}

size_t
util_utoa(unsigned long long v, char *out)
{
	char	tmp[21];
	size_t	n = 0, i;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

uint64_t
util_now_us(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

int
util_duration_parse(const char *s, long long *out)
{
	long long	n = 0, mul;
	size_t		i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (n > UTIL_DURATION_MAX)
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	if (i == 0 || s[i] == '\0' || s[i + 1] != '\0')
		return -1;
	switch (s[i]) {
	case 'd':
		mul = 86400;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'm':
		mul = 60;
		break;
	case 's':
		mul = 1;
		break;
	default:
		return -1;
	}
	if (n > UTIL_DURATION_MAX / mul)
		return -1;
	*out = n * mul;
	return 0;
}

static int
digits(const char *s, int n)
{
	int	v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

int
util_time_parse(const char *s, double *out)
{
	struct tm	tm;
	double		frac = 0, scale = 0.1;
	int		off = 0, oh, om;
	time_t		t;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	if ((tm.tm_year = digits(s, 4)) < 0 || (tm.tm_mon = digits(s + 5, 2)) < 1 ||
	    tm.tm_mon > 12 || (tm.tm_mday = digits(s + 8, 2)) < 1 ||
	    tm.tm_mday > 31 || (tm.tm_hour = digits(s + 11, 2)) < 0 ||
	    tm.tm_hour > 23 || (tm.tm_min = digits(s + 14, 2)) < 0 ||
	    tm.tm_min > 59 || (tm.tm_sec = digits(s + 17, 2)) < 0 ||
	    tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	s += 19;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, scale /= 10)
			frac += (*s - '0') * scale;
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		if ((oh = digits(s + 1, 2)) < 0 || s[3] != ':' ||
		    (om = digits(s + 4, 2)) < 0)
			return -1;
		off = (oh * 60 + om) * 60 * (*s == '-' ? -1 : 1);
		s += 6;
	}
	if (*s != '\0' || (t = timegm(&tm)) == (time_t)-1)
		return -1;
	*out = (double)t - off + frac;
	return 0;
}

void
util_hex(const void *buf, size_t len, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = buf;
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 0xf];
	}
	out[2 * len] = '\0';
}

void
util_b64url(const void *buf, size_t len, char *out)
{
	static const char	 tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char	*p = buf;
	size_t			 i, o = 0;
	uint32_t		 v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
		out[o++] = tab[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)p[i] << 16;
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
	}
	out[o] = '\0';
}

long
util_b64url_decode(const char *s, uint8_t *out, size_t max)
{
	static const char	 tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char		*p;
	uint32_t		 acc = 0;
	size_t			 n = 0;
	int			 bits = 0;

	/* 4n+1 characters leave 6 bits: no byte string encodes so. */
	if (strlen(s) % 4 == 1)
		return -1;
	for (; *s != '\0'; s++) {
		if ((p = strchr(tab, *s)) == NULL)
			return -1;
		acc = acc << 6 | (uint32_t)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == max)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (long)n;
}

size_t
util_strlcpy(char *dst, const char *src, size_t size)
{
	size_t	len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t
util_utf8_len(const unsigned char *s, size_t avail)
{
	unsigned int	c, lo = 0x80, hi = 0xbf;
	size_t		n, i;

	if (avail == 0)
		return 0;
	if ((c = s[0]) < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;		/* no overlong forms */
		else if (c == 0xed)
			hi = 0x9f;		/* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;		/* nothing past U+10FFFF */
	} else
		return 0;
	if (avail < n)
		return 0;
	/* RFC 3629 §4: the second byte's range depends on the first. */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void
util_utf8_clean(char *s)
{
	unsigned char	*p = (unsigned char *)s;
	size_t		 n, left = strlen(s);

	while (*p != '\0') {
		if ((n = util_utf8_len(p, left)) == 0) {
			left--;
			*p++ = '?';
			continue;
		}
		p += n;
		left -= n;
	}
}

int
util_strcaseeq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

void
util_bzero(void *buf, size_t len)
{
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(buf, len);
#else
	volatile unsigned char *p = buf;
	while (len-- > 0)
		*p++ = 0;
#endif
}

int
util_strtonum(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
