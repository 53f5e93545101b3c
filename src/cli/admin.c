/*
 * admin.c: `scimlet admin ...`: the console's credentials and sessions
 * (src/admin.h), and its log.
 *
 *	admin issue --operator|--tenant T [--label TEXT]
 *	admin list [--json]
 *	admin revoke CREDENTIAL-ID
 *	admin sessions [--json]
 *	admin end SESSION-ID|--all
 *	admin log [--limit N] [--json]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "admin.h"
#include "cli/cli.h"
#include "store.h"
#include "util.h"

static const char *
str(const cJSON *o, const char *k)
{
	const char	*s;

	s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
	return s != NULL ? s : "-";
}

/* One record: a JSON line, or a row of the fields named. */
struct show {
	int		 json;
	const char	*const *fields;
	int		 nfields;
	long long	 limit;		/* log: the last N; 0: all */
	long long	 n;
	long long	 skip;
};

static void
show_rec(const cJSON *rec, void *arg)
{
	struct show	*sh = arg;
	char		*s;
	const char	*v[8];
	int		 i;

	if (sh->skip > 0) {
		sh->skip--;
		return;
	}
	sh->n++;
	if (sh->json) {
		if ((s = cJSON_PrintUnformatted(rec)) != NULL) {
			cli_json(stdout, s, strlen(s));
			fputc('\n', stdout);
			free(s);
		}
		return;
	}
	for (i = 0; i < sh->nfields && i < 8; i++)
		v[i] = str(rec, sh->fields[i]);
	switch (sh->nfields) {
	case 7:
		cli_row(stdout, 7, v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
		break;
	default:
		cli_row(stdout, 8, v[0], v[1], v[2], v[3], v[4], v[5], v[6],
		    v[7]);
		break;
	}
}

static void
count_rec(const cJSON *rec, void *arg)
{
	(void)rec;
	(*(long long *)arg)++;
}

/* The admin log's line for a command of this tool (a request id of its
 * own, so that two lines in one microsecond stay two). */
static enum scim_err
log_line(struct cli *cl, struct store_txn *tx, const char *action,
    const char *tenant, const char *id)
{
	uint8_t	rid[8];
	char	detail[512];

	if (util_random(rid, sizeof(rid)) == -1)
		return SCIM_ESTORE;
	snprintf(detail, sizeof(detail), "%s, by %s (%s)", id, cl->cl_user,
	    cl->cl_command);
	return admin_log(tx, rid, action, NULL, tenant, NULL, detail);
}

static int
issue(struct cli *cl, int argc, char **argv)
{
	struct store_txn	*tx = NULL;
	const char		*tenant = NULL, *label = NULL;
	char			 cred[ADMIN_CRED_LEN + 1], id[AUTH_ID_LEN + 1];
	enum admin_role		 role = 0;
	enum scim_err		 e;
	int			 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--operator") == 0 && role == 0)
			role = ADMIN_OPERATOR;
		else if (strcmp(argv[i], "--tenant") == 0 && i + 1 < argc &&
		    role == 0) {
			role = ADMIN_TENANT;
			tenant = argv[++i];
		} else if (strcmp(argv[i], "--label") == 0 && i + 1 < argc)
			label = argv[++i];
		else
			return cli_bad("admin", "issue: unexpected '%s'",
			    argv[i]);
	}
	if (role == 0)
		return cli_bad("admin", "issue: give --operator or "
		    "--tenant TENANT");
	if ((e = store_begin(cl->cl_store, 1, &tx)) != SCIM_OK)
		return cli_storefail("admin issue", e);
	e = admin_cred_issue(tx, role, tenant, label, cred, id);
	if (e == SCIM_OK)
		e = log_line(cl, tx, "credential issue", tenant, id);
	if (e == SCIM_OK)
		e = store_commit(&tx);
	store_abort(&tx);
	if (e == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: no tenant %s\n", tenant);
		return CLI_FAIL;
	}
	if (e == SCIM_EINVALVALUE) {
		fprintf(stderr, "scimlet: admin issue: a label is at most %d "
		    "bytes of text, no control characters\n", AUTH_LABEL_MAX);
		return CLI_FAIL;
	}
	if (e != SCIM_OK)
		return cli_storefail("admin issue", e);
	printf("%s\n", cred);
	fflush(stdout);
	util_bzero(cred, sizeof(cred));
	fprintf(stderr, "%s\n", id);
	return CLI_OK;
}

/* revoke ID, end ID|--all: one write transaction with its log line. */
static int
change(struct cli *cl, const char *verb, const char *id)
{
	struct store_txn	*tx = NULL;
	unsigned		 n = 0;
	enum scim_err		 e;
	int			 revoke = strcmp(verb, "revoke") == 0;

	if ((e = store_begin(cl->cl_store, 1, &tx)) != SCIM_OK)
		return cli_storefail("admin", e);
	e = revoke ? admin_cred_revoke(tx, id, &n) :
	    admin_session_end(tx, strcmp(id, "--all") == 0 ? NULL : id, &n);
	if (e == SCIM_OK)
		e = log_line(cl, tx, revoke ? "credential revoke" :
		    "session end", NULL, id);
	if (e == SCIM_OK)
		e = store_commit(&tx);
	store_abort(&tx);
	if (e == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: no %s %s\n", revoke ?
		    "credential" : "session", id);
		return CLI_FAIL;
	}
	if (e != SCIM_OK)
		return cli_storefail("admin", e);
	printf("%u session(s) ended\n", n);
	return CLI_OK;
}

static void
log_rec(const cJSON *rec, void *arg)
{
	show_rec(rec, arg);
}

int
cli_admin(struct cli *cl, int argc, char **argv)
{
	static const char *const cred_f[] = { "id", "role", "tenant", "label",
	    "created", "revoked", "last_used" };
	static const char *const sess_f[] = { "id", "credential", "role",
	    "tenant", "label", "created", "expires", "client" };
	static const char *const log_f[] = { "time", "action", "role",
	    "credential", "tenant", "client", "detail" };
	struct store_txn	*tx = NULL;
	struct show		 sh = { 0 };
	long long		 total = 0;
	enum scim_err		 e = SCIM_OK;
	int			 i;

	if (argc < 1)
		return cli_bad("admin", "missing word");
	if (strcmp(argv[0], "issue") == 0)
		return issue(cl, argc, argv);
	if (strcmp(argv[0], "revoke") == 0 || strcmp(argv[0], "end") == 0) {
		if (cli_nargs("admin", argc, argv, 2) != CLI_OK)
			return CLI_USAGE;
		return change(cl, argv[0], argv[1]);
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			sh.json = 1;
		else if (strcmp(argv[0], "log") == 0 &&
		    strcmp(argv[i], "--limit") == 0 && i + 1 < argc &&
		    util_strtonum(argv[i + 1], 1, 1000000, &sh.limit) == 0)
			i++;
		else
			return cli_bad("admin", "%s: unexpected '%s'", argv[0],
			    argv[i]);
	}
	if ((e = store_begin(cl->cl_store, 0, &tx)) != SCIM_OK)
		return cli_storefail("admin", e);
	if (strcmp(argv[0], "list") == 0) {
		sh.fields = cred_f;
		sh.nfields = 7;
		e = admin_cred_each(tx, show_rec, &sh);
	} else if (strcmp(argv[0], "sessions") == 0) {
		sh.fields = sess_f;
		sh.nfields = 8;
		e = admin_session_each(tx, 0, show_rec, &sh);
	} else if (strcmp(argv[0], "log") == 0) {
		sh.fields = log_f;
		sh.nfields = 7;
		if (sh.limit > 0 && (e = admin_log_each(tx, 0, count_rec,
		    &total)) == SCIM_OK && total > sh.limit)
			sh.skip = total - sh.limit;
		if (e == SCIM_OK)
			e = admin_log_each(tx, 0, log_rec, &sh);
	} else {
		store_abort(&tx);
		return cli_bad("admin", "unknown word '%s'", argv[0]);
	}
	store_abort(&tx);
	return e == SCIM_OK ? CLI_OK : cli_storefail("admin", e);
}
