/*
 * cli.c: `scimlet [--db DIR] COMMAND ...`: option parsing, `init`, and
 * dispatch to the subcommand files.
 */
#include "config.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cli/cli.h"
#include "ctx.h"
#include "log.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

static void
usage(void)
{
	fputs("usage: scimlet [--db DIR] init\n"
	    "       scimlet [--db DIR] tenant add NAME\n"
	    "       scimlet [--db DIR] tenant list\n"
	    "       scimlet [--db DIR] tenant set TENANT patch-response="
	    "resource|no-content\n"
	    "       scimlet [--db DIR] tenant set TENANT max-results=N\n"
	    "       scimlet [--db DIR] tenant set TENANT unknown-members="
	    "reject|skip\n"
	    "       scimlet [--db DIR] token issue TENANT\n"
	    "       scimlet [--db DIR] token list TENANT\n"
	    "       scimlet [--db DIR] token revoke TOKEN-ID\n"
	    "       scimlet [--db DIR] role source TENANT roles|roleName|"
	    "ATTRIBUTE-URN\n"
	    "       scimlet [--db DIR] role map TENANT INCOMING-VALUE APP-ROLE\n"
	    "       scimlet [--db DIR] role map-group TENANT GROUP-NAME "
	    "APP-ROLE\n"
	    "       scimlet [--db DIR] role unmap|unmap-group TENANT VALUE\n"
	    "       scimlet [--db DIR] role default TENANT APP-ROLE|-\n"
	    "       scimlet [--db DIR] role unknown TENANT reject|default\n"
	    "       scimlet [--db DIR] role list TENANT\n"
	    "       scimlet [--db DIR] schema add TENANT ATTRIBUTE-URN TYPE "
	    "[--multi] [--case-exact]\n"
	    "       scimlet [--db DIR] schema list TENANT\n"
	    "       scimlet [--db DIR] schema remove TENANT ATTRIBUTE-URN\n"
	    "       scimlet [--db DIR] audit list TENANT [--since TIME|SEQ] "
	    "[--action A] [--id ID] [--limit N]\n"
	    "       scimlet [--db DIR] audit export TENANT [--since TIME|SEQ]\n"
	    "       scimlet [--db DIR] audit verify TENANT\n"
	    "       scimlet [--db DIR] audit prune TENANT --before TIME\n"
	    "       scimlet [--db DIR] restore TENANT SEQ [--dry-run]\n"
	    "       scimlet [--db DIR] restore TENANT --since TIME|SEQ "
	    "[--dry-run]\n"
	    "       scimlet [--db DIR] changes [--tenant T] --since SEQ "
	    "[--follow]\n"
	    "       scimlet [--db DIR] changes prune --before SEQ\n"
	    "       scimlet [--db DIR] user show TENANT ID|USERNAME\n"
	    "       scimlet [--db DIR] user list TENANT [--role APP-ROLE]\n"
	    "DIR defaults to $SCIMLET_DB.\n", stderr);
}

enum scim_err
cli_ctx(const struct cli *cl, struct store_txn *tx, const char *tenant,
    struct ctx *cx)
{
	return ctx_open(cx, cl->cl_store, tx, tenant, "cli", "", cl->cl_user,
	    cl->cl_command);
}

enum scim_err
cli_audit_op(const struct cli *cl, struct store_txn *tx, const char *tenant,
    const char *action, const char *type, const char *id, cJSON *detail)
{
	struct ctx	cx;
	enum scim_err	e;

	if ((e = cli_ctx(cl, tx, tenant, &cx)) == SCIM_OK)
		e = audit_record(tx, &cx, action, type, id, NULL, NULL,
		    detail);
	else
		cJSON_Delete(detail);
	ctx_close(&cx);
	return e;
}

/* Who runs the tool, and the command's first words, for the audit. */
static void
cli_actor(struct cli *cl, int argc, char **argv)
{
	struct passwd	*pw;
	size_t		 n;
	int		 i;

	if ((pw = getpwuid(geteuid())) != NULL)
		util_strlcpy(cl->cl_user, pw->pw_name, sizeof(cl->cl_user));
	else if ((size_t)snprintf(cl->cl_user, sizeof(cl->cl_user), "uid %lu",
	    (unsigned long)geteuid()) >= sizeof(cl->cl_user))
		cl->cl_user[0] = '\0';
	util_strlcpy(cl->cl_command, "scimlet", sizeof(cl->cl_command));
	/* The subcommand and its verb: never values (a token id is fine,
	 * but keep the entry's agent short and free of secrets). */
	for (i = 0; i < argc && i < 2; i++) {
		n = strlen(cl->cl_command);
		if (n + 1 + strlen(argv[i]) + 1 > sizeof(cl->cl_command))
			break;
		cl->cl_command[n] = ' ';
		util_strlcpy(cl->cl_command + n + 1, argv[i],
		    sizeof(cl->cl_command) - n - 1);
	}
}

void
cli_field(FILE *f, const char *s)
{
	char	buf[256];
	size_t	len, n;

	if (s == NULL)
		return;
	/* Each round takes at least one character: buf fits any escape. */
	for (len = strlen(s); len > 0; s += n, len -= n) {
		n = log_cescape(buf, sizeof(buf), s, len);
		fputs(buf, f);
	}
}

void
cli_row(FILE *f, int n, ...)
{
	va_list	ap;
	int	i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc('\t', f);
		cli_field(f, va_arg(ap, const char *));
	}
	va_end(ap);
	fputc('\n', f);
}

void
cli_json(FILE *f, const char *json, size_t len)
{
	const unsigned char	*s = (const unsigned char *)json;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (s[i] == 0x7f)
			fputs("\\u007f", f);
		else if (s[i] == 0xc2 && i + 1 < len && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9f) {
			fprintf(f, "\\u%04x", s[i + 1]);
			i++;
		} else
			fputc(s[i], f);
	}
}

int
cli_storefail(const char *what, int err)
{
	fprintf(stderr, "scimlet: %s: %s\n", what,
	    err == SCIM_EFULL ? "database is full (raise SCIMLET_MAP_SIZE)" :
	    "storage error");
	return CLI_FAIL;
}

int
main(int argc, char **argv)
{
	struct store	*st = NULL;
	struct cli	 cl;
	const char	*db = getenv("SCIMLET_DB");
	char		 err[512];
	int		 i = 1, rc, init;

	log_init("scimlet");
	memset(&cl, 0, sizeof(cl));
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strncmp(argv[i], "--db=", 5) == 0)
			db = argv[i] + 5;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			usage();
			return CLI_OK;
		} else {
			usage();
			return CLI_USAGE;
		}
	}
	if (i >= argc) {
		usage();
		return CLI_USAGE;
	}
	if (db == NULL || *db == '\0') {
		fputs("scimlet: no database: give --db DIR or set "
		    "SCIMLET_DB\n", stderr);
		return CLI_USAGE;
	}
	init = strcmp(argv[i], "init") == 0;
	if (init && i + 1 != argc) {
		usage();
		return CLI_USAGE;
	}
	if (!init && strcmp(argv[i], "tenant") != 0 &&
	    strcmp(argv[i], "token") != 0 && strcmp(argv[i], "role") != 0 &&
	    strcmp(argv[i], "user") != 0 && strcmp(argv[i], "schema") != 0 &&
	    strcmp(argv[i], "audit") != 0 && strcmp(argv[i], "restore") != 0 &&
	    strcmp(argv[i], "changes") != 0) {
		fprintf(stderr, "scimlet: unknown command: %s\n", argv[i]);
		usage();
		return CLI_USAGE;
	}
	if (store_open(db, init ? STORE_CREATE : 0, &st, err, sizeof(err)) !=
	    SCIM_OK) {
		fprintf(stderr, "scimlet: %s\n", err);
		return CLI_FAIL;
	}
	cl.cl_store = st;
	cli_actor(&cl, argc - i, argv + i);
	if (init)
		rc = CLI_OK;
	else if (strcmp(argv[i], "tenant") == 0)
		rc = cli_tenant(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "role") == 0)
		rc = cli_role(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "user") == 0)
		rc = cli_user(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "schema") == 0)
		rc = cli_schema(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "audit") == 0)
		rc = cli_audit(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "restore") == 0)
		rc = cli_audit(&cl, argc - i, argv + i);
	else if (strcmp(argv[i], "changes") == 0)
		rc = cli_changes(&cl, argc - i - 1, argv + i + 1);
	else
		rc = cli_token(&cl, argc - i - 1, argv + i + 1);
	if (rc == CLI_USAGE)
		usage();
	store_close(st);
	return rc;
}
