/*
 * check_auth.c: bearer tokens: issue, check, revoke; nothing secret kept.
 */
#define _GNU_SOURCE	/* memmem */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "auth.h"
#include "http.h"
#include "scim_error.h"
#include "store.h"
#include "tap.h"

struct seen {
	const char	*token;
	int		 leaked;
	int		 records;
};

static int
scan(const uint8_t hash[STORE_HASHLEN], const char *json, size_t len,
    void *arg)
{
	struct seen *s = arg;

	(void)hash;
	s->records++;
	if (memmem(json, len, s->token + 8, strlen(s->token) - 8) != NULL)
		s->leaked = 1;
	return 0;
}

static int	listed, revoked, labelled;

static void
count(const struct auth_token_info *ti, void *arg)
{
	(void)arg;
	listed++;
	if (ti->revoked != NULL)
		revoked++;
	if (ti->label != NULL && strcmp(ti->label, "ci runner") == 0)
		labelled++;
}

static enum auth_scope	lastscope;
/* Every check goes through a process's cache of token records, as the
 * worker's do: revocation, expiry and rotation below must still hold. */
static struct auth_cache	cache;

static enum scim_err
check(struct store *st, const char *hdr, struct tenant *t, char *id)
{
	struct scim_resp	 resp;
	struct store_txn	*tx = NULL;
	char			 name[SCIM_TENANT_MAX + 1];
	enum scim_err		 e;

	memset(&resp, 0, sizeof(resp));
	if ((e = store_begin(st, 0, &tx)) != SCIM_OK)
		return e;
	e = auth_check_cached(tx, &cache, hdr, name, id, NULL, &lastscope,
	    &resp);
	if (e == SCIM_OK)
		e = store_tenant_get(tx, name, t);
	store_abort(&tx);
	if (e != SCIM_OK && strstr(resp.rp_detail, "scimlet_") != NULL)
		tap_diag("detail shows the token: %s", resp.rp_detail);
	return e;
}

int
main(void)
{
	char			 dir[] = "/tmp/check_auth.XXXXXX", err[256];
	char			 tok[AUTH_TOKEN_LEN + 1], tok2[AUTH_TOKEN_LEN + 1];
	char			 id[AUTH_ID_LEN + 1], id2[AUTH_ID_LEN + 1];
	char			 gotid[AUTH_ID_LEN + 1], hdr[256], cmd[128];
	char			 tname[SCIM_TENANT_MAX + 1];
	struct store		*st;
	struct store_txn	*tx;
	struct tenant		 a, b, t;
	struct seen		 seen;
	size_t			 i;

	if (mkdtemp(dir) == NULL ||
	    store_open(dir, STORE_CREATE, &st, err, sizeof(err)) != SCIM_OK)
		return 1;
	store_begin(st, 1, &tx);
	store_tenant_add(tx, "a", "x", &a);
	store_tenant_add(tx, "b", "x", &b);
	ok(auth_token_issue(tx, &a, NULL, 0, AUTH_SCOPE_PROVISION, tok, id) ==
	    SCIM_OK, "issue a token");
	auth_token_issue(tx, &b, NULL, 0, AUTH_SCOPE_PROVISION, tok2,
	    id2);
	store_commit(&tx);

	ok(strlen(tok) == AUTH_TOKEN_LEN && strncmp(tok, "scimlet_", 8) == 0,
	    "token is scimlet_ + 43 characters");
	ok(strspn(tok + 8, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == 43, "base64url alphabet");
	ok(strlen(id) == 16 && strspn(id, "0123456789abcdef") == 16,
	    "token id is 16 hex digits");
	ok(strcmp(tok, tok2) != 0 && strcmp(id, id2) != 0, "tokens differ");

	snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
	ok(check(st, hdr, &t, gotid) == SCIM_OK && t.tn_id == a.tn_id &&
	    strcmp(gotid, id) == 0, "Bearer TOKEN selects its tenant and id");
	ok(lastscope == AUTH_SCOPE_PROVISION, "its scope is provision");
	snprintf(hdr, sizeof(hdr), "bearer %s", tok);
	ok(check(st, hdr, &t, gotid) == SCIM_OK, "bearer (lower case)");
	snprintf(hdr, sizeof(hdr), "BEARER  \t%s  ", tok);
	ok(check(st, hdr, &t, gotid) == SCIM_OK, "BEARER with extra blanks");
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok2);
	ok(check(st, hdr, &t, gotid) == SCIM_OK && t.tn_id == b.tn_id,
	    "the other token selects the other tenant");

	{
		static const char *bad[] = {
			NULL, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz",
			"Bearerscimlet_x", "Token abc", "Bearer a b",
			"Bearer scimlet_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		};
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			ok(check(st, bad[i], &t, gotid) == SCIM_EAUTH,
			    "refused: %s", bad[i] ? bad[i] : "(none)");
	}
	snprintf(hdr, sizeof(hdr), "Bearer %sx", tok);
	ok(check(st, hdr, &t, gotid) == SCIM_EAUTH, "token with a byte more");
	snprintf(hdr, sizeof(hdr), "Bearer %.*s", (int)strlen(tok) - 1, tok);
	ok(check(st, hdr, &t, gotid) == SCIM_EAUTH, "token with a byte less");

	memset(&seen, 0, sizeof(seen));
	seen.token = tok;
	store_begin(st, 0, &tx);
	store_token_each(tx, scan, &seen);
	listed = revoked = 0;
	auth_token_each(tx, "a", count, NULL);
	store_abort(&tx);
	ok(seen.records == 2 && !seen.leaked, "no stored record holds a token");
	is_int(listed, 1, "tenant a lists one token");

	store_begin(st, 1, &tx);
	ok(auth_token_revoke(tx, id, tname) == SCIM_OK && strcmp(tname, "a") == 0,
	    "revoke by id, naming the tenant");
	ok(auth_token_revoke(tx, "0123456789abcdef", tname) == SCIM_ENOTFOUND,
	    "revoking an unknown id: SCIM_ENOTFOUND");
	store_commit(&tx);
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
	ok(check(st, hdr, &t, gotid) == SCIM_EAUTH, "a revoked token is refused");
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok2);
	ok(check(st, hdr, &t, gotid) == SCIM_OK, "the other token still works");
	store_begin(st, 0, &tx);
	listed = revoked = 0;
	auth_token_each(tx, "a", count, NULL);
	store_abort(&tx);
	ok(listed == 1 && revoked == 1, "token list shows the revocation");

	/* Labels: bounded, no control characters. */
	ok(auth_label_ok(NULL) && auth_label_ok("ci runner") &&
	    auth_label_ok("caf\xc3\xa9"), "labels: plain text and UTF-8");
	memset(hdr, 'x', AUTH_LABEL_MAX);
	hdr[AUTH_LABEL_MAX] = '\0';
	ok(auth_label_ok(hdr), "a label of AUTH_LABEL_MAX bytes");
	hdr[AUTH_LABEL_MAX] = 'x';
	hdr[AUTH_LABEL_MAX + 1] = '\0';
	ok(!auth_label_ok(hdr), "a label one byte longer is refused");
	ok(!auth_label_ok("a\nb") && !auth_label_ok("a\x1b[31m") &&
	    !auth_label_ok("a\x7f") && !auth_label_ok("a\xc2\x85") &&
	    !auth_label_ok("a\xff"), "control characters and bad UTF-8 refused");
	store_begin(st, 1, &tx);
	ok(auth_token_issue(tx, &a, "a\tb", 0, AUTH_SCOPE_PROVISION, tok,
	    id) == SCIM_EINVALVALUE,
	    "issue refuses a bad label");
	ok(auth_token_issue(tx, &a, "ci runner", 1, AUTH_SCOPE_PROVISION,
	    tok, id) == SCIM_OK,
	    "issue with a label and a 1 s lifetime");
	store_commit(&tx);
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
	ok(check(st, hdr, &t, gotid) == SCIM_OK, "works before it expires");
	store_begin(st, 0, &tx);
	listed = revoked = labelled = 0;
	auth_token_each(tx, "a", count, NULL);
	store_abort(&tx);
	ok(listed == 2 && labelled == 1, "token list shows the label");
	sleep(2);
	ok(check(st, hdr, &t, gotid) == SCIM_EAUTH, "an expired token is refused");

	/* Rotation: grace 0 revokes at once; a dead token cannot rotate. */
	store_begin(st, 1, &tx);
	ok(auth_token_rotate(tx, id2, 0, tok, id, tname) == SCIM_OK &&
	    strcmp(tname, "b") == 0, "rotate, naming the tenant");
	ok(auth_token_rotate(tx, id2, 0, tok2, gotid, tname) == SCIM_EPRECOND,
	    "rotating a revoked token: SCIM_EPRECOND");
	ok(auth_token_rotate(tx, "0123456789abcdef", 0, tok2, gotid, tname) ==
	    SCIM_ENOTFOUND, "rotating an unknown id: SCIM_ENOTFOUND");
	store_commit(&tx);
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
	ok(check(st, hdr, &t, gotid) == SCIM_OK && t.tn_id == b.tn_id &&
	    strcmp(gotid, id) == 0, "the successor works for the same tenant");
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok2);
	ok(check(st, hdr, &t, gotid) == SCIM_EAUTH,
	    "rotated without grace: the old token is refused at once");

	/* Scopes: read is kept by rotation; a record without one is
	 * provision; an unknown one authenticates nobody. */
	store_begin(st, 1, &tx);
	ok(auth_token_issue(tx, &a, NULL, 0, AUTH_SCOPE_READ, tok, id) ==
	    SCIM_OK, "issue a read token");
	store_commit(&tx);
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
	ok(check(st, hdr, &t, gotid) == SCIM_OK &&
	    lastscope == AUTH_SCOPE_READ, "a read token authenticates as read");
	store_begin(st, 1, &tx);
	ok(auth_token_rotate(tx, id, 0, tok2, gotid, tname) == SCIM_OK,
	    "rotate the read token");
	store_commit(&tx);
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok2);
	ok(check(st, hdr, &t, gotid) == SCIM_OK &&
	    lastscope == AUTH_SCOPE_READ, "its successor is read too");
	for (i = 0; i < 2; i++) {
		uint8_t		 hash[32];
		char		 hex[65], rec[512];
		const char	*tk = "scimlet_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB";

		crypto_hash_sha256(hash, (const unsigned char *)tk, strlen(tk));
		for (size_t j = 0; j < 32; j++)
			snprintf(hex + 2 * j, 3, "%02x", hash[j]);
		/* Tokens issued before libsodium are found by the same key. */
		if (i == 0)
			is_str(hex, "32bcedd3efa6396e80ba19024a911fd3"
			    "ecdac61ffa58bd7fe25206b00b598818",
			    "a token's key: a known SHA-256");
		snprintf(rec, sizeof(rec), "{\"sha256\":\"%s\",\"tenant\":"
		    "\"a\",\"id\":\"00000000000000aa\",\"created\":"
		    "\"2020-01-01T00:00:00Z\",\"revoked\":null%s}", hex,
		    i == 0 ? "" : ",\"scope\":\"admin\"");
		store_begin(st, 1, &tx);
		store_token_put(tx, hash, rec);
		store_commit(&tx);
		snprintf(hdr, sizeof(hdr), "Bearer %s", tk);
		if (i == 0)
			ok(check(st, hdr, &t, gotid) == SCIM_OK &&
			    lastscope == AUTH_SCOPE_PROVISION,
			    "a record without a scope is provision");
		else
			ok(check(st, hdr, &t, gotid) == SCIM_EAUTH &&
			    lastscope == AUTH_SCOPE_READ,
			    "a record with an unknown scope is refused");
	}

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", dir);
	return tap_done();
}
