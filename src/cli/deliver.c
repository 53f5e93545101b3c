/*
 * deliver.c: `scimlet deliver TENANT --url URL --secret-file FILE [--once]
 * [--batch N]`: push the tenant's change feed to an application.
 *
 * Batches of records, as stored, go out as one POST each:
 *   {"tenant":"acme","changes":[...],"next":SEQ}
 * (next: the last sequence in the batch, as in GET /.changes) with
 *   X-Scimlet-Signature: t=UNIXTIME,v1=HEX
 *   X-Scimlet-Delivery: FIRST-LAST
 * where v1 is HMAC-SHA256(secret, t "." body) in lower-case hex.
 *
 * At-least-once: the cursor (store_deliver_get(), one per tenant and URL)
 * moves past a batch, in a write transaction of its own, only after the
 * receiver answered 2xx.  Other answers and connection errors are retried
 * with exponential backoff and jitter; 410 stops (CLI_DELIVER_GONE)
 * without touching the cursor; a cursor whose next records were pruned
 * stops with CLI_GONE.  HTTP is libcurl's.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "buf.h"
#include "cli/cli.h"
#include "scim.h"
#include "store.h"
#include "util.h"

#define SECRET_MAX	1024
#define BATCH_DEFAULT	100
#define BATCH_MAX	1000
#define BACKOFF_FIRST	1000		/* ms */
#define BACKOFF_MAX	300000		/* ms: 5 minutes */
#define ONCE_GIVE_UP	60		/* --once: wait >= 60x the first */
#define BODY_MAX	(64 * 1024 * 1024)

static volatile sig_atomic_t	 stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/*
 * Sleep ms milliseconds, or less when a stop signal comes: in slices, so
 * that one arriving just before a slice starts delays the stop by at most
 * that slice.
 */
static void
nap(long long ms)
{
	struct timespec	ts;
	long long	slice;

	while (!stopping && ms > 0) {
		slice = ms > 200 ? 200 : ms;
		ts.tv_sec = 0;
		ts.tv_nsec = slice * 1000000L;
		(void)nanosleep(&ts, NULL);	/* EINTR: a signal */
		ms -= slice;
	}
}

/*
 * The secret: the first line of path, which only its owner may read.  Its
 * text is never logged.
 */
static int
read_secret(const char *path, char *out, size_t outsz, size_t *len)
{
	struct stat	sb;
	ssize_t		n;
	size_t		got = 0;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_NOCTTY)) == -1) {
		fprintf(stderr, "scimlet: deliver: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "scimlet: deliver: %s: not a regular file\n",
		    path);
		close(fd);
		return -1;
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		fprintf(stderr, "scimlet: deliver: %s: group or others have "
		    "access (mode %03o): chmod 600 it\n", path,
		    (unsigned)(sb.st_mode & 0777));
		close(fd);
		return -1;
	}
	while (got < outsz && (n = read(fd, out + got, outsz - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (got == outsz) {
		fprintf(stderr, "scimlet: deliver: %s: longer than %d bytes\n",
		    path, SECRET_MAX - 1);
		util_bzero(out, outsz);
		return -1;
	}
	if (got > 0 && out[got - 1] == '\n')
		got--;
	if (got > 0 && out[got - 1] == '\r')
		got--;
	if (got == 0) {
		fprintf(stderr, "scimlet: deliver: %s: empty secret\n", path);
		return -1;
	}
	out[got] = '\0';
	*len = got;
	return 0;
}

/* One batch, read from the feed. */
struct batch {
	struct buf	 b_body;
	uint64_t	 b_first;
	uint64_t	 b_last;
	long long	 b_left;
	int		 b_n;
};

static int
batch_one(uint64_t seq, const char *json, size_t len, void *arg)
{
	struct batch	*ba = arg;

	if (ba->b_left == 0)
		return 1;
	if (ba->b_n > 0)
		buf_add(&ba->b_body, ",", 1);
	else
		ba->b_first = seq;
	buf_add(&ba->b_body, json, len);
	ba->b_last = seq;
	ba->b_n++;
	ba->b_left--;
	return 0;
}

/*
 * The next batch after cursor into ba (b_n 0: nothing pending).  CLI_GONE
 * when records after cursor were pruned.
 */
static int
batch_read(struct store *st, const struct tenant *t, uint64_t cursor,
    long long max, struct batch *ba)
{
	struct store_txn	*tx;
	uint64_t		 floor, last;
	char			 num[64];
	enum scim_err		 e;

	memset(ba, 0, sizeof(*ba));
	if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
		return cli_storefail("deliver", e);
	if ((e = store_feed_bounds(tx, t->tn_id, &floor, &last)) != SCIM_OK) {
		store_abort(&tx);
		return cli_storefail("deliver", e);
	}
	if (cursor + 1 < floor) {
		store_abort(&tx);
		fprintf(stderr, "scimlet: deliver: tenant %s: changes after "
		    "%llu were pruned (the oldest kept is %llu): the receiver "
		    "must read the full state again; nothing was skipped\n",
		    t->tn_name, (unsigned long long)cursor,
		    (unsigned long long)floor);
		return CLI_GONE;
	}
	buf_init(&ba->b_body, BODY_MAX);
	buf_str(&ba->b_body, "{\"tenant\":");
	buf_json_str(&ba->b_body, t->tn_name, strlen(t->tn_name));
	buf_str(&ba->b_body, ",\"changes\":[");
	ba->b_left = max;
	e = store_feed_each(tx, t->tn_id, cursor + 1, batch_one, ba);
	store_abort(&tx);
	if (e != SCIM_OK) {
		buf_free(&ba->b_body);
		return cli_storefail("deliver", e);
	}
	snprintf(num, sizeof(num), "],\"next\":%llu}",
	    (unsigned long long)(ba->b_n > 0 ? ba->b_last : cursor));
	buf_str(&ba->b_body, num);
	if (buf_failed(&ba->b_body) != SCIM_OK) {
		buf_free(&ba->b_body);
		fprintf(stderr, "scimlet: deliver: batch too large or out of "
		    "memory: try a smaller --batch\n");
		return CLI_FAIL;
	}
	return CLI_OK;
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/*
 * POST body, signed, once.  Returns the HTTP status, or 0 after a
 * connection error (its text in err).
 */
static long
post(CURL *c, const char *url, const char *secret, size_t secretlen,
    const char *body, size_t len, const struct batch *ba, char *err)
{
	struct curl_slist	*hdrs = NULL, *h;
	crypto_auth_hmacsha256_state	 hs;
	unsigned char		 md[crypto_auth_hmacsha256_BYTES];
	char			 ts[32], hex[2 * sizeof(md) + 1];
	char			 sig[160], dl[80];
	size_t			 i;
	long			 status = 0;
	CURLcode		 rc;

	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	/*
	 * What is signed: t "." body, as in the header.  The key is the
	 * secret as it is, of any length (RFC 2104 section 2).
	 */
	crypto_auth_hmacsha256_init(&hs, (const unsigned char *)secret,
	    secretlen);
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)ts,
	    strlen(ts));
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&hs, md);
	sodium_memzero(&hs, sizeof(hs));
	for (i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(sig, sizeof(sig), "X-Scimlet-Signature: t=%s,v1=%s", ts,
	    hex);
	snprintf(dl, sizeof(dl), "X-Scimlet-Delivery: %llu-%llu",
	    (unsigned long long)ba->b_first, (unsigned long long)ba->b_last);
	if ((h = curl_slist_append(hdrs, "Content-Type: application/json")) ==
	    NULL || (hdrs = h, h = curl_slist_append(hdrs, sig)) == NULL ||
	    (hdrs = h, h = curl_slist_append(hdrs, dl)) == NULL ||
	    (hdrs = h, h = curl_slist_append(hdrs, "Expect:")) == NULL) {
		curl_slist_free_all(hdrs);
		snprintf(err, CURL_ERROR_SIZE, "out of memory");
		return 0;
	}
	hdrs = h;
	err[0] = '\0';
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "scimlet/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	if ((rc = curl_easy_perform(c)) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	else if (err[0] == '\0')
		snprintf(err, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hdrs);
	return status;
}

/* The cursor after a 2xx, in a write transaction of its own. */
static int
cursor_set(struct store *st, const struct tenant *t, const char *url,
    uint64_t seq)
{
	struct store_txn	*tx;
	enum scim_err		 e;

	if ((e = store_begin(st, 1, &tx)) != SCIM_OK)
		return cli_storefail("deliver", e);
	if ((e = store_deliver_set(tx, t->tn_id, url, seq)) != SCIM_OK) {
		store_abort(&tx);
		return cli_storefail("deliver", e);
	}
	if ((e = store_commit(&tx)) != SCIM_OK)
		return cli_storefail("deliver", e);
	return CLI_OK;
}

/* ms with ±20 % jitter. */
static long long
jitter(long long ms)
{
	uint32_t	r = 0;

	(void)util_random(&r, sizeof(r));
	return ms * 8 / 10 + (long long)((double)r / UINT32_MAX *
	    (double)(ms * 4 / 10));
}

struct deliver {
	struct store	*d_st;
	struct tenant	 d_t;
	const char	*d_url;
	char		 d_secret[SECRET_MAX];
	size_t		 d_secretlen;
	long long	 d_batch;
	long long	 d_first_ms;
	int		 d_once;
};

/*
 * Send ba until a 2xx.  CLI_OK when it was taken, CLI_DELIVER_GONE on
 * 410, CLI_FAIL when --once gives up, CLI_DELIVER_STOP on a stop signal.
 */
#define CLI_DELIVER_STOP	(-1)
static int
send_batch(struct deliver *d, CURL *c, struct batch *ba)
{
	const char	*body = ba->b_body.b_data;
	size_t		 len = ba->b_body.b_len;
	char		 err[CURL_ERROR_SIZE];
	long long	 wait = d->d_first_ms;
	long		 status;
	int		 attempt;

	for (attempt = 1;; attempt++) {
		status = post(c, d->d_url, d->d_secret, d->d_secretlen, body,
		    len, ba, err);
		if (status >= 200 && status < 300)
			return CLI_OK;
		if (status == 410) {
			fprintf(stderr, "scimlet: deliver: tenant %s: the "
			    "receiver answered 410 Gone to changes %llu-%llu: "
			    "stopping; the cursor stays at %llu\n",
			    d->d_t.tn_name, (unsigned long long)ba->b_first,
			    (unsigned long long)ba->b_last,
			    (unsigned long long)ba->b_first - 1);
			return CLI_DELIVER_GONE;
		}
		if (status != 0)
			snprintf(err, sizeof(err), "HTTP status %ld", status);
		if (d->d_once && wait >= d->d_first_ms * ONCE_GIVE_UP) {
			fprintf(stderr, "scimlet: deliver: tenant %s: changes "
			    "%llu-%llu: attempt %d: %s: giving up\n",
			    d->d_t.tn_name, (unsigned long long)ba->b_first,
			    (unsigned long long)ba->b_last, attempt, err);
			return CLI_FAIL;
		}
		fprintf(stderr, "scimlet: deliver: tenant %s: changes "
		    "%llu-%llu: attempt %d: %s: retrying in %lld ms\n",
		    d->d_t.tn_name, (unsigned long long)ba->b_first,
		    (unsigned long long)ba->b_last, attempt, err, wait);
		nap(jitter(wait));
		if (stopping)
			return CLI_DELIVER_STOP;
		wait = wait * 2 > BACKOFF_MAX ? BACKOFF_MAX : wait * 2;
	}
}

static int
deliver_run(struct deliver *d)
{
	struct store_txn	*tx;
	struct batch		 ba;
	CURL			*c;
	uint64_t		 cursor;
	enum scim_err		 e;
	int			 rc;

	if ((e = store_begin(d->d_st, 0, &tx)) != SCIM_OK)
		return cli_storefail("deliver", e);
	e = store_deliver_get(tx, d->d_t.tn_id, d->d_url, &cursor);
	store_abort(&tx);
	if (e != SCIM_OK)
		return cli_storefail("deliver", e);
	if ((c = curl_easy_init()) == NULL) {
		fputs("scimlet: deliver: cannot start libcurl\n", stderr);
		return CLI_FAIL;
	}
	for (rc = CLI_OK; !stopping;) {
		if ((rc = batch_read(d->d_st, &d->d_t, cursor, d->d_batch,
		    &ba)) != CLI_OK)
			break;
		if (ba.b_n == 0) {
			buf_free(&ba.b_body);
			if (d->d_once)
				break;
			nap(1000);	/* short read transactions */
			continue;
		}
		rc = send_batch(d, c, &ba);
		buf_free(&ba.b_body);
		if (rc == CLI_DELIVER_STOP) {
			rc = CLI_OK;
			break;
		}
		if (rc != CLI_OK)
			break;
		if ((rc = cursor_set(d->d_st, &d->d_t, d->d_url, ba.b_last)) !=
		    CLI_OK)
			break;
		printf("delivered changes %llu-%llu of tenant %s\n",
		    (unsigned long long)ba.b_first,
		    (unsigned long long)ba.b_last, d->d_t.tn_name);
		fflush(stdout);
		cursor = ba.b_last;
	}
	curl_easy_cleanup(c);
	return rc;
}

int
cli_deliver(struct cli *cl, int argc, char **argv)
{
	struct deliver		 d;
	struct store_txn	*tx;
	struct sigaction	 sa;
	const char		*secretfile = NULL, *env;
	long long		 n;
	enum scim_err		 e;
	int			 i, rc;

	memset(&d, 0, sizeof(d));
	d.d_st = cl->cl_store;
	d.d_batch = BATCH_DEFAULT;
	d.d_first_ms = BACKOFF_FIRST;
	if (argc < 1 || argv[0][0] == '-')
		return cli_bad("deliver", "missing argument TENANT");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--once") == 0)
			d.d_once = 1;
		else if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
			d.d_url = argv[++i];
		else if (strcmp(argv[i], "--secret-file") == 0 && i + 1 < argc)
			secretfile = argv[++i];
		else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
			if (util_strtonum(argv[++i], 1, BATCH_MAX, &n) == -1)
				return cli_bad("deliver", "--batch must be a "
				    "number from 1 to %d", BATCH_MAX);
			d.d_batch = n;
		} else
			return cli_bad("deliver", "unexpected argument '%s'",
			    argv[i]);
	}
	if (d.d_url == NULL)
		return cli_bad("deliver", "missing --url URL");
	if (strncmp(d.d_url, "http://", 7) != 0 &&
	    strncmp(d.d_url, "https://", 8) != 0)
		return cli_bad("deliver", "--url must be an http:// or "
		    "https:// URL");
	if (secretfile == NULL)
		return cli_bad("deliver", "missing --secret-file FILE");
	/* For the tests: a shorter first wait than a second. */
	if ((env = getenv("SCIMLET_DELIVER_BACKOFF_MS")) != NULL &&
	    util_strtonum(env, 1, BACKOFF_MAX, &n) == 0)
		d.d_first_ms = n;
	if ((e = store_begin(d.d_st, 0, &tx)) != SCIM_OK)
		return cli_storefail("deliver", e);
	e = store_tenant_get(tx, argv[0], &d.d_t);
	store_abort(&tx);
	if (e == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: no tenant %s\n", argv[0]);
		return CLI_FAIL;
	} else if (e != SCIM_OK)
		return cli_storefail("deliver", e);
	if (read_secret(secretfile, d.d_secret, sizeof(d.d_secret),
	    &d.d_secretlen) == -1)
		return CLI_FAIL;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: wake a sleep */
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fputs("scimlet: deliver: cannot start libcurl\n", stderr);
		rc = CLI_FAIL;
	} else {
		rc = deliver_run(&d);
		curl_global_cleanup();
	}
	util_bzero(d.d_secret, sizeof(d.d_secret));
	return rc;
}
