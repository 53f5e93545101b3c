/*
 * check_util.c: util.h: UUIDs (new, parse, format), base64url, hex,
 * util_strtonum, timestamps, util_strcaseeq, util_strlcpy; and the digests
 * scimlet asks of libsodium against their published test vectors.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "tap.h"
#include "util.h"

/* s with control bytes shown as \xNN, for test names. */
static const char *
esc(const char *s)
{
	static char	buf[4][256];
	static int	k;
	char		*o = buf[k = (k + 1) % 4];
	size_t		 n = 0;

	for (; *s != '\0' && n + 5 < sizeof(buf[0]); s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			n += (size_t)snprintf(o + n, sizeof(buf[0]) - n, "\\x%02x",
			    (unsigned char)*s);
		else
			o[n++] = *s;
	}
	o[n] = '\0';
	return o;
}

/* 8-4-4-4-12 lowercase hex with dashes at 8, 13, 18, 23. */
static int
uuid_shape(const char *s)
{
	size_t	i;

	if (strlen(s) != UUID_STRLEN)
		return 0;
	for (i = 0; i < UUID_STRLEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isdigit((unsigned char)s[i]) &&
		    !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	}
	return 1;
}

static void
test_uuid_new(void)
{
	uint8_t	id[16], prev[16];
	char	s[UUID_STRLEN + 1];
	int	i, badver = 0, badvar = 0, badshape = 0, same = 0, fail = 0;

	memset(prev, 0, sizeof(prev));
	for (i = 0; i < 2000; i++) {
		memset(s, 'X', sizeof(s));
		if (util_uuid_new(id) != 0) {
			fail++;
			continue;
		}
		if ((id[6] & 0xf0) != 0x40)
			badver++;
		if ((id[8] & 0xc0) != 0x80)
			badvar++;
		util_uuid_format(id, s);
		if (!uuid_shape(s) || s[14] != '4' ||
		    strchr("89ab", s[19]) == NULL)
			badshape++;
		if (i > 0 && memcmp(id, prev, 16) == 0)
			same++;
		memcpy(prev, id, 16);
	}
	is_int(fail, 0, "uuid_new: never fails (2000 calls)");
	is_int(badver, 0, "uuid_new: version nibble is 4 in every id");
	is_int(badvar, 0, "uuid_new: variant bits are 10 in every id");
	is_int(badshape, 0, "uuid_new: formatted 8-4-4-4-12 lowercase, "
	    "'4' at 14, [89ab] at 19");
	is_int(same, 0, "uuid_new: consecutive ids differ");
}

static const struct {
	int		 line;
	const char	*in;
	int		 rc;
	const char	*canon;	/* format(parse(in)) when rc == 0 */
} uuid_cases[] = {
	{ __LINE__, "6ba7b810-9dad-11d1-80b4-00c04fd430c8", 0,
	  "6ba7b810-9dad-11d1-80b4-00c04fd430c8" },
	{ __LINE__, "6BA7B810-9DAD-11D1-80B4-00C04FD430C8", 0,
	  "6ba7b810-9dad-11d1-80b4-00c04fd430c8" },
	{ __LINE__, "6Ba7b810-9dAd-11d1-80B4-00c04fD430c8", 0,
	  "6ba7b810-9dad-11d1-80b4-00c04fd430c8" },
	{ __LINE__, "00000000-0000-0000-0000-000000000000", 0,
	  "00000000-0000-0000-0000-000000000000" },
	{ __LINE__, "ffffffff-ffff-ffff-ffff-ffffffffffff", 0,
	  "ffffffff-ffff-ffff-ffff-ffffffffffff" },
	/* wrong length */
	{ __LINE__, "", -1, NULL },
	{ __LINE__, "6ba7b810", -1, NULL },
	{ __LINE__, "6ba7b810-9dad-11d1-80b4-00c04fd430c", -1, NULL },
	{ __LINE__, "6ba7b810-9dad-11d1-80b4-00c04fd430c88", -1, NULL },
	{ __LINE__, "6ba7b810-9dad-11d1-80b4-00c04fd430c8 ", -1, NULL },
	{ __LINE__, "6ba7b810-9dad-11d1-80b4-00c04fd430c8-", -1, NULL },
	/* dashes in the wrong places, or missing */
	{ __LINE__, "6ba7b8109-dad-11d1-80b4-00c04fd430c8", -1, NULL },
	{ __LINE__, "6ba7b810-9dad1-1d1-80b4-00c04fd430c8", -1, NULL },
	{ __LINE__, "6ba7b810-9dad-11d180-b4-00c04fd430c8", -1, NULL },
	{ __LINE__, "6ba7b810-9dad-11d1-80b400-c04fd430c8", -1, NULL },
	{ __LINE__, "6ba7b8109dad11d180b400c04fd430c8", -1, NULL },
	{ __LINE__, "6ba7b810_9dad_11d1_80b4_00c04fd430c8", -1, NULL },
	{ __LINE__, "-6ba7b81-9dad-11d1-80b4-00c04fd430c8", -1, NULL },
	/* not hex */
	{ __LINE__, "6ba7b81g-9dad-11d1-80b4-00c04fd430c8", -1, NULL },
	{ __LINE__, "6ba7b810-9dad-11d1-80b4-00c04fd430cz", -1, NULL },
	{ __LINE__, "6ba7b810-9dad-11d1-80b4-00c04fd430 8", -1, NULL },
	{ __LINE__, " 6ba7b810-9dad-11d1-80b4-00c04fd430c", -1, NULL },
	{ __LINE__, "{6ba7b810-9dad-11d1-80b4-00c04fd430c}", -1, NULL },
	{ __LINE__, "6ba7b810-9dad-11d1-80b4-00c04fd43-c8", -1, NULL },
	{ __LINE__, "6ba7b810-9dad-+1d1-80b4-00c04fd430c8", -1, NULL },
	{ __LINE__, "6ba7b810-9dad-11d1-80b4-00c04fd430\xc3\xa9", -1, NULL },
};

static void
test_uuid_parse(void)
{
	uint8_t		 id[16];
	char		 out[UUID_STRLEN + 1];
	size_t		 i;
	int		 rc;
	static const uint8_t want[16] = {
		0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
		0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8
	};

	for (i = 0; i < sizeof(uuid_cases) / sizeof(uuid_cases[0]); i++) {
		rc = util_uuid_parse(uuid_cases[i].in, id);
		if (!is_int(rc, uuid_cases[i].rc, "uuid_parse"))
			tap_diag("line %d: \"%s\"", uuid_cases[i].line,
			    esc(uuid_cases[i].in));
		if (rc == 0 && uuid_cases[i].canon != NULL) {
			util_uuid_format(id, out);
			ok(strcmp(out, uuid_cases[i].canon) == 0,
			    "line %d: format(parse(\"%s\")) = %s",
			    uuid_cases[i].line, esc(uuid_cases[i].in), out);
		}
	}
	ok(util_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", id) == 0 &&
	    memcmp(id, want, 16) == 0, "uuid_parse: the bytes in order");
	util_uuid_format(want, out);
	is_str(out, "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
	    "uuid_format: known bytes");

	/* parse(format(random)) round trip */
	{
		uint8_t	a[16], b[16];
		int	bad = 0, k;

		for (k = 0; k < 200; k++) {
			if (util_uuid_new(a) != 0) {
				bad++;
				continue;
			}
			util_uuid_format(a, out);
			if (util_uuid_parse(out, b) != 0 || memcmp(a, b, 16))
				bad++;
		}
		is_int(bad, 0, "parse(format(x)) == x for 200 random ids");
	}
}

static const struct {
	int		 line;
	const char	*in;
	size_t		 len;
	const char	*want;
} b64_cases[] = {
	/* RFC 4648 §10, unpadded */
	{ __LINE__, "", 0, "" },
	{ __LINE__, "f", 1, "Zg" },
	{ __LINE__, "fo", 2, "Zm8" },
	{ __LINE__, "foo", 3, "Zm9v" },
	{ __LINE__, "foob", 4, "Zm9vYg" },
	{ __LINE__, "fooba", 5, "Zm9vYmE" },
	{ __LINE__, "foobar", 6, "Zm9vYmFy" },
	/* the URL alphabet: 62 is '-', 63 is '_' (std "+/") */
	{ __LINE__, "\xfb\xff", 2, "-_8" },
	{ __LINE__, "\xff\xff\xff", 3, "____" },
	{ __LINE__, "\xfb\xef\xbe", 3, "----" },
	{ __LINE__, "\x00", 1, "AA" },
	{ __LINE__, "\x00\x00\x00", 3, "AAAA" },
	{ __LINE__, "\x3e\x3f", 2, "Pj8" },
	{ __LINE__, "\x14\xfb\x9c\x03\xd9\x7e", 6, "FPucA9l-" },
};

static void
test_b64url(void)
{
	char	out[64];
	uint8_t	dec[64], raw[256];
	size_t	i;
	long	n;
	int	bad;

	for (i = 0; i < sizeof(b64_cases) / sizeof(b64_cases[0]); i++) {
		memset(out, 'X', sizeof(out));
		util_b64url(b64_cases[i].in, b64_cases[i].len, out);
		ok(strcmp(out, b64_cases[i].want) == 0,
		    "line %d: b64url(%zu bytes) = \"%s\" (want \"%s\")",
		    b64_cases[i].line, b64_cases[i].len, out,
		    b64_cases[i].want);
		n = util_b64url_decode(b64_cases[i].want, dec, sizeof(dec));
		ok(n == (long)b64_cases[i].len &&
		    memcmp(dec, b64_cases[i].in, b64_cases[i].len) == 0,
		    "line %d: decode(\"%s\") gives the %zu bytes back (got %ld)",
		    b64_cases[i].line, b64_cases[i].want, b64_cases[i].len, n);
	}
	/* 32 random bytes (a token's secret): 43 characters, round trip. */
	bad = 0;
	for (i = 0; i < 100; i++) {
		char	enc[4 * 32 / 3 + 2];
		if (util_random(raw, 32) != 0) {
			bad++;
			continue;
		}
		util_b64url(raw, 32, enc);
		if (strlen(enc) != 43 || strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_") != 43 ||
		    util_b64url_decode(enc, dec, 32) != 32 ||
		    memcmp(dec, raw, 32) != 0)
			bad++;
	}
	is_int(bad, 0, "b64url: 32 bytes -> 43 url-safe chars, round trip "
	    "(100 random)");

	/* decode rejects other alphabets, padding, and overflow */
	is_int(util_b64url_decode("Zm9v+g", dec, sizeof(dec)), -1,
	    "decode: '+' (standard alphabet) rejected");
	is_int(util_b64url_decode("Zm9v/g", dec, sizeof(dec)), -1,
	    "decode: '/' rejected");
	is_int(util_b64url_decode("Zg==", dec, sizeof(dec)), -1,
	    "decode: padding rejected");
	is_int(util_b64url_decode("Zm 9v", dec, sizeof(dec)), -1,
	    "decode: space rejected");
	is_int(util_b64url_decode("Zm9vYmFy", dec, 5), -1,
	    "decode: 6 bytes into max 5 -> -1");
	is_int(util_b64url_decode("Zm9vYmFy", dec, 6), 6,
	    "decode: 6 bytes into max 6 -> 6");
	/* A length of 4n+1 characters encodes no byte string. */
	is_int(util_b64url_decode("A", dec, sizeof(dec)), -1,
	    "decode: \"A\" (length 1 mod 4) is not base64url -> -1");
	is_int(util_b64url_decode("Zm9vY", dec, sizeof(dec)), -1,
	    "decode: \"Zm9vY\" (length 1 mod 4) -> -1");
}

static void
test_hex(void)
{
	char	out[64];

	util_hex("", 0, out);
	is_str(out, "", "hex: empty");
	util_hex("\x00\x01\x7f\x80\xfe\xff", 6, out);
	is_str(out, "00017f80feff", "hex: lowercase, two digits per byte");
}

static const struct {
	int		 line;
	const char	*in;
	long long	 min, max;
	int		 rc;
	long long	 want;
} num_cases[] = {
	{ __LINE__, "0", 0, 10, 0, 0 },
	{ __LINE__, "10", 0, 10, 0, 10 },
	{ __LINE__, "11", 0, 10, -1, 0 },
	{ __LINE__, "-1", 0, 10, -1, 0 },
	{ __LINE__, "-5", -10, 10, 0, -5 },
	{ __LINE__, "-10", -10, 10, 0, -10 },
	{ __LINE__, "-11", -10, 10, -1, 0 },
	{ __LINE__, "007", 0, 10, 0, 7 },
	{ __LINE__, "1", 1, 1, 0, 1 },
	{ __LINE__, "9223372036854775807", 0, LLONG_MAX, 0, LLONG_MAX },
	{ __LINE__, "-9223372036854775808", LLONG_MIN, 0, 0, LLONG_MIN },
	/* overflow: strtoll clamps; must not pass as LLONG_MAX */
	{ __LINE__, "9223372036854775808", 0, LLONG_MAX, -1, 0 },
	{ __LINE__, "99999999999999999999999", 0, LLONG_MAX, -1, 0 },
	{ __LINE__, "-9223372036854775809", LLONG_MIN, 0, -1, 0 },
	/* junk */
	{ __LINE__, "", 0, 10, -1, 0 },
	{ __LINE__, " 1", 0, 10, -1, 0 },
	{ __LINE__, "\t1", 0, 10, -1, 0 },
	{ __LINE__, "\n1", 0, 10, -1, 0 },
	{ __LINE__, "1 ", 0, 10, -1, 0 },
	{ __LINE__, "1x", 0, 10, -1, 0 },
	{ __LINE__, "x1", 0, 10, -1, 0 },
	{ __LINE__, "0x10", 0, 100, -1, 0 },
	{ __LINE__, "1.5", 0, 10, -1, 0 },
	{ __LINE__, "1e2", 0, 1000, -1, 0 },
	{ __LINE__, "-", 0, 10, -1, 0 },
	{ __LINE__, "--1", -10, 10, -1, 0 },
};

static void
test_strtonum(void)
{
	long long	v;
	size_t		i;
	int		rc;

	for (i = 0; i < sizeof(num_cases) / sizeof(num_cases[0]); i++) {
		v = 4242;
		rc = util_strtonum(num_cases[i].in, num_cases[i].min,
		    num_cases[i].max, &v);
		ok(rc == num_cases[i].rc && (rc != 0 || v == num_cases[i].want) &&
		    (rc == 0 || v == 4242),
		    "line %d: strtonum(\"%s\", %lld, %lld) -> %d (%lld)",
		    num_cases[i].line, esc(num_cases[i].in), num_cases[i].min,
		    num_cases[i].max, rc, v);
	}
	v = 4242;
	ok(util_strtonum(NULL, 0, 10, &v) == -1 && v == 4242,
	    "strtonum(NULL) -> -1, out untouched");
}

static void
test_time(void)
{
	char	t[TIME_STRLEN + 8];
	double	d;
	time_t	now;
	size_t	i;
	int	shape = 1;

	memset(t, 'X', sizeof(t));
	now = time(NULL);
	util_time_now(t);
	is_int((long long)strlen(t), TIME_STRLEN, "time_now: 24 characters");
	ok(t[TIME_STRLEN - 1] == 'Z', "time_now: ends with Z (%s)", t);
	for (i = 0; i < TIME_STRLEN - 1; i++) {
		char want = i == 4 || i == 7 ? '-' : i == 10 ? 'T' :
		    i == 13 || i == 16 ? ':' : i == 19 ? '.' : 'd';
		if (want == 'd' ? !isdigit((unsigned char)t[i]) : t[i] != want)
			shape = 0;
	}
	ok(shape, "time_now: YYYY-MM-DDTHH:MM:SS.mmmZ (%s)", t);
	ok(util_time_parse(t, &d) == 0 && d >= (double)now - 2 &&
	    d <= (double)now + 2, "time_now parses back to about now");
}

static const struct {
	int		 line;
	const char	*in;
	int		 rc;
	double		 want;
} tp_cases[] = {
	{ __LINE__, "1970-01-01T00:00:00Z", 0, 0 },
	{ __LINE__, "1970-01-01T00:00:00", 0, 0 },
	{ __LINE__, "2011-05-13T04:42:34Z", 0, 1305261754 },
	{ __LINE__, "2011-05-13T06:42:34+02:00", 0, 1305261754 },
	{ __LINE__, "2011-05-13T03:42:34-01:00", 0, 1305261754 },
	{ __LINE__, "2011-05-13T04:42:34.5Z", 0, 1305261754.5 },
	{ __LINE__, "2011-13-13T04:42:34Z", -1, 0 },
	{ __LINE__, "2011-05-13T24:42:34Z", -1, 0 },
	{ __LINE__, "2011-05-13T04:42:34Zjunk", -1, 0 },
	{ __LINE__, "2011-05-13", -1, 0 },
	{ __LINE__, "not a date at all!!", -1, 0 },
};

static void
test_time_parse(void)
{
	double	d;
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(tp_cases) / sizeof(tp_cases[0]); i++) {
		d = -1;
		rc = util_time_parse(tp_cases[i].in, &d);
		ok(rc == tp_cases[i].rc && (rc != 0 || d == tp_cases[i].want),
		    "line %d: time_parse(\"%s\") -> %d (%.3f)",
		    tp_cases[i].line, tp_cases[i].in, rc, d);
	}
}

static const struct {
	int		 line;
	const char	*a, *b;
	int		 want;
} ceq_cases[] = {
	{ __LINE__, "userName", "USERNAME", 1 },
	{ __LINE__, "Bearer", "bearer", 1 },
	{ __LINE__, "abc", "abc", 1 },
	{ __LINE__, "", "", 1 },
	{ __LINE__, "abc", "abd", 0 },
	{ __LINE__, "abc", "abcd", 0 },
	{ __LINE__, "abcd", "abc", 0 },
	{ __LINE__, "a", "", 0 },
	{ __LINE__, "", "a", 0 },
	{ __LINE__, "a-b", "A_B", 0 },
	{ __LINE__, "@", "`", 0 },	/* 0x40 vs 0x60: not letters */
	{ __LINE__, "[", "{", 0 },
	{ __LINE__, "\xc3\xa9", "\xc3\x89", 0 },	/* é vs É: ASCII only */
};

static void
test_strcaseeq(void)
{
	size_t	i;

	for (i = 0; i < sizeof(ceq_cases) / sizeof(ceq_cases[0]); i++)
		ok(util_strcaseeq(ceq_cases[i].a, ceq_cases[i].b) ==
		    ceq_cases[i].want, "line %d: strcaseeq(\"%s\", \"%s\") = %d",
		    ceq_cases[i].line, esc(ceq_cases[i].a), esc(ceq_cases[i].b),
		    ceq_cases[i].want);
}

static void
test_strlcpy(void)
{
	char	buf[8];

	memset(buf, 'X', sizeof(buf));
	is_int((long long)util_strlcpy(buf, "abc", sizeof(buf)), 3,
	    "strlcpy: returns strlen(src)");
	is_str(buf, "abc", "strlcpy: short copy");
	is_int((long long)util_strlcpy(buf, "abcdefghij", sizeof(buf)), 10,
	    "strlcpy: returns strlen(src) when truncating");
	is_str(buf, "abcdefg", "strlcpy: truncated to size - 1, terminated");
	buf[0] = 'Q';
	is_int((long long)util_strlcpy(buf, "xyz", 0), 3,
	    "strlcpy: size 0 writes nothing");
	ok(buf[0] == 'Q', "strlcpy: size 0 leaves dst alone");
}

static void
test_duration(void)
{
	static const struct {
		const char	*in;
		long long	 want;	/* -1: refused */
	} c[] = {
		{ "90d", 90LL * 86400 }, { "12h", 12 * 3600 }, { "30m", 1800 },
		{ "3600s", 3600 }, { "0s", 0 }, { "3650d", 3650LL * 86400 },
		{ "3651d", -1 }, { "", -1 }, { "d", -1 }, { "12", -1 },
		{ "12x", -1 }, { "12hh", -1 }, { "-1s", -1 }, { "+1s", -1 },
		{ " 1s", -1 }, { "1s ", -1 }, { "1.5h", -1 }, { "1H", -1 },
		{ "99999999999999999999999s", -1 },
	};
	long long	got;
	size_t		i;
	int		r;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		got = -1;
		r = util_duration_parse(c[i].in, &got);
		if (c[i].want < 0)
			ok(r == -1, "duration: '%s' refused", c[i].in);
		else
			ok(r == 0 && got == c[i].want,
			    "duration: '%s' is %lld s", c[i].in, c[i].want);
	}
}

static void
test_rate(void)
{
	static const struct {
		const char	*in;
		long long	 n;	/* -1: refused */
		int		 per;
	} c[] = {
		{ "5/s", 5, 1 }, { "600/m", 600, 60 }, { "1/s", 1, 1 },
		{ "1000000/m", 1000000, 60 }, { "1000001/s", -1, 0 },
		{ "0/s", -1, 0 }, { "5/h", -1, 0 }, { "5", -1, 0 },
		{ "/s", -1, 0 }, { "5/", -1, 0 }, { "", -1, 0 },
		{ "-5/s", -1, 0 }, { "5/S", -1, 0 }, { "5 /s", -1, 0 },
		{ "5/ss", -1, 0 }, { "99999999999999999999/s", -1, 0 },
	};
	long long	n;
	size_t		i;
	int		per, r;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		n = -1;
		per = -1;
		r = util_rate_parse(c[i].in, &n, &per);
		if (c[i].n < 0)
			ok(r == -1, "rate: '%s' refused", c[i].in);
		else
			ok(r == 0 && n == c[i].n && per == c[i].per,
			    "rate: '%s' is %lld every %d s", c[i].in, c[i].n,
			    c[i].per);
	}
}

static void
test_utoa(void)
{
	static const struct {
		unsigned long long	 v;
		const char		*want;
	} c[] = {
		{ 0, "0" }, { 7, "7" }, { 10, "10" }, { 429, "429" },
		{ 1000000, "1000000" },
		{ 18446744073709551615ULL, "18446744073709551615" },
	};
	char	buf[21];
	size_t	i, n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		n = util_utoa(c[i].v, buf);
		ok(n == strlen(c[i].want) && strcmp(buf, c[i].want) == 0,
		    "utoa: %s", c[i].want);
	}
}

static void
test_time_format(void)
{
	char	buf[TIME_STRLEN + 1];
	double	t;

	util_time_format(0, buf);
	is_str(buf, "1970-01-01T00:00:00.000Z", "time_format: the epoch");
	util_time_format(1795000000.25, buf);
	ok(util_time_parse(buf, &t) == 0 && t == 1795000000.25,
	    "time_format: parses back (%s)", buf);
	ok(util_time_secs() > 1700000000.0, "time_secs: now");
}

/*
 * SHA-256 (FIPS 180-2, appendix B) and HMAC-SHA256 (RFC 4231 section 4,
 * cases 1, 2 and 6: a key longer than a block, as a deliver secret may
 * be), through the calls auth.c, audit.c, store_res.c and deliver use.
 */
static void
test_digests(void)
{
	crypto_auth_hmacsha256_state	 hs;
	unsigned char			 md[32], key[131];
	char				 hex[65];
	const char			*m;

	ok(sodium_init() >= 0, "sodium_init");
	m = "abc";
	crypto_hash_sha256(md, (const unsigned char *)m, strlen(m));
	util_hex(md, sizeof(md), hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad", "SHA-256 \"abc\"");
	m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	crypto_hash_sha256(md, (const unsigned char *)m, strlen(m));
	util_hex(md, sizeof(md), hex);
	is_str(hex, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1", "SHA-256, two blocks");

	memset(key, 0x0b, 20);
	m = "Hi There";
	crypto_auth_hmacsha256_init(&hs, key, 20);
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)m,
	    strlen(m));
	crypto_auth_hmacsha256_final(&hs, md);
	util_hex(md, sizeof(md), hex);
	is_str(hex, "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7", "HMAC-SHA256, RFC 4231 case 1");
	m = "what do ya want for nothing?";
	crypto_auth_hmacsha256_init(&hs, (const unsigned char *)"Jefe", 4);
	/* In two pieces, as deliver signs t "." body. */
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)m, 4);
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)m + 4,
	    strlen(m) - 4);
	crypto_auth_hmacsha256_final(&hs, md);
	util_hex(md, sizeof(md), hex);
	is_str(hex, "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843", "HMAC-SHA256, RFC 4231 case 2");
	memset(key, 0xaa, sizeof(key));
	m = "Test Using Larger Than Block-Size Key - Hash Key First";
	crypto_auth_hmacsha256_init(&hs, key, sizeof(key));
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)m,
	    strlen(m));
	crypto_auth_hmacsha256_final(&hs, md);
	util_hex(md, sizeof(md), hex);
	is_str(hex, "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54", "HMAC-SHA256, RFC 4231 case 6");

	ok(sodium_memcmp("abcd", "abcd", 4) == 0 &&
	    sodium_memcmp("abcd", "abce", 4) != 0, "sodium_memcmp");
}

int
main(void)
{
	test_digests();
	test_uuid_new();
	test_uuid_parse();
	test_b64url();
	test_hex();
	test_strtonum();
	test_time();
	test_time_parse();
	test_strcaseeq();
	test_strlcpy();
	test_duration();
	test_rate();
	test_utoa();
	test_time_format();
	return tap_done();
}
