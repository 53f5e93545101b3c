/*
 * util.h: small helpers with no knowledge of SCIM: randomness, UUIDs,
 * timestamps, encodings, bounded string copies.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>

#define UUID_STRLEN	36	/* 8-4-4-4-12, without the NUL */
#define TIME_STRLEN	24	/* 2026-11-23T05:24:08.123Z, without the NUL */

/* Fill buf with len bytes from getrandom(2).  Returns 0, or -1 (errno). */
int	 util_random(void *buf, size_t len);

/* A random (version 4) UUID.  Returns 0, or -1 when randomness failed. */
int	 util_uuid_new(uint8_t id[16]);

/* Format id as lowercase 8-4-4-4-12 into out (UUID_STRLEN + 1 bytes). */
void	 util_uuid_format(const uint8_t id[16], char *out);

/*
 * Parse a UUID in 8-4-4-4-12 form, either case.  Returns 0, or -1 when s
 * is anything else (so untrusted ids never reach a key builder).
 */
int	 util_uuid_parse(const char *s, uint8_t id[16]);

/* The current UTC time as RFC 3339 with milliseconds (TIME_STRLEN + 1). */
void	 util_time_now(char *out);

/*
 * Parse an RFC 3339 date-time (xsd:dateTime as SCIM uses it):
 * YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); a missing offset is UTC.
 * *out is seconds since 1970 (with the fraction).  Returns 0 or -1.
 */
int	 util_time_parse(const char *s, double *out);

/* Format t (seconds since 1970, UTC) like util_time_now. */
void	 util_time_format(double t, char *out);

/* The current time as seconds since 1970, to the millisecond. */
double	 util_time_secs(void);

/*
 * Parse a duration: decimal digits and one unit, d, h, m or s ("90d",
 * "12h", "30m", "3600s"), at most UTIL_DURATION_MAX seconds.  *out is
 * the seconds.  Returns 0, or -1 when s is anything else.
 */
#define UTIL_DURATION_MAX	(3650LL * 86400)	/* ten years */
int	 util_duration_parse(const char *s, long long *out);
/*
 * Parse a breaker limit (breaker.h): "N" (1 to 10000000) sets *n and
 * *pct 0; "P%" (1 to 100) sets *pct and *n 0.  0 or -1.
 */
int	 util_breaker_parse(const char *s, long long *n, int *pct);
/*
 * Parse a request rate (plan.h): "N/s" or "N/m" (N from 1 to 1000000)
 * sets *n and *per (1 or 60 seconds).  0 or -1.
 */
int	 util_rate_parse(const char *s, long long *n, int *per);
/* v in decimal into out (at least 21 bytes); returns its length. */
size_t	 util_utoa(unsigned long long v, char *out);
/* The time now in microseconds since the epoch. */
uint64_t util_now_us(void);

/* Lowercase hex of len bytes into out (2 * len + 1 bytes). */
void	 util_hex(const void *buf, size_t len, char *out);

/* Unpadded base64url of len bytes into out (4 * len / 3 + 2 bytes). */
void	 util_b64url(const void *buf, size_t len, char *out);

/* Decode unpadded base64url into at most max bytes: the count, or -1. */
long	 util_b64url_decode(const char *s, uint8_t *out, size_t max);

/* Copy at most size - 1 bytes and terminate.  Returns strlen(src). */
size_t	 util_strlcpy(char *dst, const char *src, size_t size);

/*
 * Make s valid UTF-8 in place: a byte that starts no well-formed
 * sequence (overlong, surrogate, past U+10FFFF, or cut short by the end
 * of the string, as a bounded copy leaves it) becomes '?'.
 */
void	 util_utf8_clean(char *s);

/*
 * Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs,
 * surrogates or code points past U+10FFFF) that starts s and ends within
 * avail bytes: 1-4, or 0 if there is none.
 */
size_t	 util_utf8_len(const unsigned char *s, size_t avail);

/* ASCII case-insensitive equality (SCIM attribute names, schemes). */
int	 util_strcaseeq(const char *a, const char *b);

/* Clear memory the compiler may not optimise away (secrets). */
void	 util_bzero(void *buf, size_t len);

/* Parse a decimal in [min, max].  Returns 0, or -1 when s is not one. */
int	 util_strtonum(const char *s, long long min, long long max,
	    long long *out);

#endif /* UTIL_H */
