/*
 * check_auth.c: bearer tokens: issue, check, revoke; nothing secret kept.
 */
#define _GNU_SOURCE	/* memmem */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int	listed, revoked;

static void
count(const char *id, const char *created, const char *rv, void *arg)
{
	(void)id;
	(void)created;
	(void)arg;
	listed++;
	if (rv != NULL)
		revoked++;
}

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
	e = auth_check(tx, hdr, name, id, &resp);
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
	ok(auth_token_issue(tx, &a, tok, id) == SCIM_OK, "issue a token");
	auth_token_issue(tx, &b, tok2, id2);
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

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", dir);
	return tap_done();
}
