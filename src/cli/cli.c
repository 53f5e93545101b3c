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

#include <sodium.h>

#include "audit.h"
#include "cli/cli.h"
#include "ctx.h"
#include "log.h"
#include "scim_error.h"
#include "store.h"
#include "util.h"

/*
 * Every command's usage, one line each: `scimlet --help` prints them all,
 * `scimlet CMD --help` and a usage error those of CMD.  verbs: the first
 * word the line takes ("a|b": either), or NULL.
 */
static const struct {
	const char	*cmd;
	const char	*verbs;
	const char	*args;
} usages[] = {
	{ "init", NULL, "" },
	{ "tenant", "add", "NAME" },
	{ "tenant", "list", "[--json]" },
	{ "tenant", "set", "TENANT patch-response=resource|no-content" },
	{ "tenant", "set", "TENANT max-results=N" },
	{ "tenant", "set", "TENANT unknown-members=reject|skip" },
	{ "tenant", "set", "TENANT activity=on|off" },
	{ "tenant", "set", "TENANT activity-days=N" },
	{ "tenant", "set", "TENANT activity-max=N" },
	{ "tenant", "set", "TENANT cycle-gap=DURATION" },
	{ "tenant", "set", "TENANT breaker=N|P%|off" },
	{ "tenant", "set", "TENANT breaker-window=DURATION" },
	{ "tenant", "set", "TENANT max-users=N|off" },
	{ "tenant", "set", "TENANT max-groups=N|off" },
	{ "tenant", "set", "TENANT rate=N/s|N/m|off" },
	{ "tenant", "set", "TENANT bulk-max-operations=N" },
	{ "tenant", "set", "TENANT bulk-max-payload=BYTES" },
	{ "tenant", "set", "TENANT mode=preview|live [--discard]" },
	{ "tenant", "show", "TENANT [--json]" },
	{ "tenant", "remove", "TENANT --yes" },
	{ "token", "issue", "TENANT [--label TEXT] [--expires DURATION] "
	    "[--scope read|provision]" },
	{ "token", "list", "TENANT [--json]" },
	{ "token", "revoke", "TOKEN-ID" },
	{ "token", "rotate", "TOKEN-ID [--grace DURATION]" },
	{ "role", "source", "TENANT roles|roleName|ATTRIBUTE-URN" },
	{ "role", "map", "TENANT INCOMING-VALUE APP-ROLE" },
	{ "role", "map-group", "TENANT GROUP-NAME APP-ROLE" },
	{ "role", "unmap|unmap-group", "TENANT VALUE" },
	{ "role", "default", "TENANT APP-ROLE|-" },
	{ "role", "unknown", "TENANT reject|default" },
	{ "role", "list", "TENANT [--json]" },
	{ "schema", "add", "TENANT ATTRIBUTE-URN TYPE [--multi] "
	    "[--case-exact]" },
	{ "schema", "list", "TENANT [--json]" },
	{ "schema", "remove", "TENANT ATTRIBUTE-URN" },
	{ "audit", "list", "TENANT [--since TIME|SEQ] [--action A] [--id ID] "
	    "[--limit N] [--json]" },
	{ "audit", "export", "TENANT [--since TIME|SEQ]" },
	{ "audit", "verify", "TENANT" },
	{ "audit", "prune", "TENANT --before TIME" },
	{ "restore", NULL, "TENANT SEQ [--dry-run] [--json]" },
	{ "restore", NULL, "TENANT --since TIME|SEQ [--dry-run] [--json]" },
	{ "restore", NULL, "TENANT --cycle ID|last [--dry-run] [--json]" },
	{ "changes", NULL, "[--tenant T] --since TIME|SEQ [--follow]" },
	{ "changes", NULL, "prune --before SEQ" },
	{ "changes", NULL, "prune --tenant T --before SEQ" },
	{ "user", "show", "TENANT ID|USERNAME [--json]" },
	{ "user", "list", "TENANT [--role APP-ROLE] [--json]" },
	{ "user", "check", "TENANT ID|USERNAME [APP-ROLE]" },
	{ "activity", NULL, "TENANT|--unauthenticated [--since TIME|--last "
	    "DURATION] [--status 4xx|5xx|CODE] [--user ID|USERNAME] "
	    "[--group ID|NAME] [--request ID] [--limit N] [--json] "
	    "[--follow]" },
	{ "cycles", NULL, "TENANT [--limit N] [--json]" },
	{ "cycle", NULL, "TENANT ID|last [--json]" },
	{ "breaker", NULL, "TENANT status [--json]" },
	{ "breaker", NULL, "TENANT release [--for DURATION]" },
	{ "breaker", NULL, "TENANT reset" },
	{ "preview", "report", "TENANT [--json]" },
	{ "backup", NULL, "DEST" },
	{ "deliver", NULL, "TENANT --url URL --secret-file FILE [--once] "
	    "[--batch N]" },
	{ "admin", "issue", "--operator|--tenant TENANT [--label TEXT]" },
	{ "admin", "list|sessions", "[--json]" },
	{ "admin", "revoke", "CREDENTIAL-ID" },
	{ "admin", "end", "SESSION-ID|--all" },
	{ "admin", "log", "[--limit N] [--json]" },
	{ "setup-htaccess", NULL, "DOCROOT [--mount PATH] [--db DIR] [--cgi] "
	    "[--console] "
	    "[--url BASE] [--worker PATH]" },
};
#define NUSAGES	(sizeof(usages) / sizeof(usages[0]))

/* The usage lines of cmd, or all of them (cmd NULL). */
static void
usage_of(FILE *f, const char *cmd)
{
	size_t	i;
	int	first = 1;

	for (i = 0; i < NUSAGES; i++) {
		if (cmd != NULL && strcmp(usages[i].cmd, cmd) != 0)
			continue;
		fprintf(f, "%s scimlet [--db DIR] %s%s%s%s%s\n",
		    first ? "usage:" : "      ", usages[i].cmd,
		    usages[i].verbs != NULL ? " " : "",
		    usages[i].verbs != NULL ? usages[i].verbs : "",
		    usages[i].args[0] != '\0' ? " " : "", usages[i].args);
		first = 0;
	}
	if (cmd == NULL)
		fputs("       scimlet --version\n"
		    "       scimlet [COMMAND] --help\n"
		    "DIR defaults to $SCIMLET_DB.\n", f);
}

static void
usage(void)
{
	usage_of(stderr, NULL);
}

/* Is cmd a command? */
static int
is_command(const char *cmd)
{
	size_t	i;

	for (i = 0; i < NUSAGES; i++)
		if (strcmp(usages[i].cmd, cmd) == 0)
			return 1;
	return 0;
}

/* Is word one of cmd's verbs (1), is it not (0), or does cmd take none
 * (-1)? */
static int
is_verb(const char *cmd, const char *word)
{
	const char	*v, *bar;
	size_t		 i, len = strlen(word);
	int		 any = 0;

	for (i = 0; i < NUSAGES; i++) {
		if (strcmp(usages[i].cmd, cmd) != 0)
			continue;
		if ((v = usages[i].verbs) == NULL)
			return -1;
		any = 1;
		for (;; v = bar + 1) {
			bar = strchr(v, '|');
			if ((bar != NULL ? (size_t)(bar - v) : strlen(v)) ==
			    len && strncmp(v, word, len) == 0)
				return 1;
			if (bar == NULL)
				break;
		}
	}
	return any ? 0 : -1;
}

int
cli_nargs(const char *cmd, int argc, char **argv, int want)
{
	if (argc > want)
		return cli_bad(cmd, "unexpected argument '%s'", argv[want]);
	if (argc < want)
		return cli_bad(cmd, "%s: missing argument", argv[0]);
	return CLI_OK;
}

int
cli_bad(const char *cmd, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "scimlet: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage_of(stderr, cmd);
	return CLI_USAGE;
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

int
cli_tenant_of(const struct cli *cl, const char *name, struct tenant *t,
    const char *cmd)
{
	struct store_txn	*tx;
	enum scim_err		 e;

	memset(t, 0, sizeof(*t));
	if (name == NULL)
		return CLI_OK;
	if ((e = store_begin(cl->cl_store, 0, &tx)) != SCIM_OK)
		return cli_storefail(cmd, e);
	e = store_tenant_get(tx, name, t);
	store_abort(&tx);
	if (e == SCIM_ENOTFOUND) {
		fprintf(stderr, "scimlet: no tenant %s\n", name);
		return CLI_FAIL;
	}
	return e == SCIM_OK ? CLI_OK : cli_storefail(cmd, e);
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
	int		 i = 1, j, rc, init;

	log_init("scimlet");
	if (sodium_init() < 0) {
		fprintf(stderr, "scimlet: cannot initialise libsodium\n");
		return CLI_FAIL;
	}
	memset(&cl, 0, sizeof(cl));
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strncmp(argv[i], "--db=", 5) == 0)
			db = argv[i] + 5;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			usage_of(stdout, NULL);
			return CLI_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			puts("scimlet " PACKAGE_VERSION);
			return CLI_OK;
		} else {
			fprintf(stderr, "scimlet: unknown option '%s'\n",
			    argv[i]);
			usage();
			return CLI_USAGE;
		}
	}
	if (i >= argc) {
		fputs("scimlet: no command\n", stderr);
		usage();
		return CLI_USAGE;
	}
	if (!is_command(argv[i])) {
		fprintf(stderr, "scimlet: unknown command '%s'\n", argv[i]);
		usage();
		return CLI_USAGE;
	}
	/* `scimlet CMD --help`, anywhere after CMD: its usage, and no more. */
	for (j = i + 1; j < argc; j++)
		if (strcmp(argv[j], "--help") == 0 ||
		    (j == i + 1 && strcmp(argv[j], "-h") == 0)) {
			usage_of(stdout, argv[i]);
			return CLI_OK;
		}
	init = strcmp(argv[i], "init") == 0;
	if (init && i + 1 != argc)
		return cli_bad("init", "unexpected argument '%s'",
		    argv[i + 1]);
	/* A command that takes a verb: name a missing or unknown one. */
	if (i + 1 >= argc && is_verb(argv[i], "") == 0)
		return cli_bad(argv[i], "missing word");
	if (i + 1 < argc && is_verb(argv[i], argv[i + 1]) == 0)
		return cli_bad(argv[i], "unknown word '%s'", argv[i + 1]);
	/* Before the database exists: it makes it (src/cli/setup.c). */
	if (strcmp(argv[i], "setup-htaccess") == 0)
		return cli_setup(argv[0], db, argc - i - 1, argv + i + 1);
	if (db == NULL || *db == '\0') {
		fputs("scimlet: no database: give --db DIR or set "
		    "SCIMLET_DB\n", stderr);
		return CLI_USAGE;
	}
	if (store_open(db, init ? STORE_CREATE : 0, &st, err, sizeof(err)) !=
	    SCIM_OK) {
		fprintf(stderr, "scimlet: %s\n", err);
		return CLI_FAIL;
	}
	cl.cl_store = st;
	cli_actor(&cl, argc - i, argv + i);
	if (init)	/* the activity file too: its owner and mode now */
		rc = store_act_open(st) == SCIM_OK ? CLI_OK : CLI_FAIL;
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
		rc = cli_restore(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "changes") == 0)
		rc = cli_changes(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "activity") == 0)
		rc = cli_activity(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "cycles") == 0)
		rc = cli_cycles(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "cycle") == 0)
		rc = cli_cycle(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "breaker") == 0)
		rc = cli_breaker(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "backup") == 0)
		rc = cli_backup(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "deliver") == 0)
		rc = cli_deliver(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "preview") == 0)
		rc = cli_preview(&cl, argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "admin") == 0)
		rc = cli_admin(&cl, argc - i - 1, argv + i + 1);
	else
		rc = cli_token(&cl, argc - i - 1, argv + i + 1);
	store_close(st);
	return rc;
}
