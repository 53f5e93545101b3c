/*
 * cli.h: the scimlet operator tool.  One file per group of subcommands;
 * each command gets the open store and its own arguments.
 *
 * Exit codes: 0 done, 1 failed (message on stderr), 2 usage.
 */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "scim.h"

struct store;
struct store_txn;
struct ctx;

/* One run of the tool: the store, and who runs what (the audit's actor). */
struct cli {
	struct store	*cl_store;
	char		 cl_user[SCIM_ACTOR_CLIENT];	/* the Unix user */
	char		 cl_command[SCIM_ACTOR_AGENT];	/* "scimlet role map" */
};

#define CLI_OK		0
#define CLI_FAIL	1
#define CLI_USAGE	2
#define CLI_GONE	3	/* changes: what was asked for was pruned */
#define CLI_DELIVER_GONE 4	/* deliver: the receiver answered 410 */

int	 cli_tenant(struct cli *, int argc, char **argv);
int	 cli_token(struct cli *, int argc, char **argv);
int	 cli_role(struct cli *, int argc, char **argv);
int	 cli_user(struct cli *, int argc, char **argv);
int	 cli_schema(struct cli *, int argc, char **argv);
int	 cli_audit(struct cli *, int argc, char **argv);
int	 cli_restore(struct cli *, int argc, char **argv);

int	 cli_changes(struct cli *, int argc, char **argv);
int	 cli_backup(struct cli *, int argc, char **argv);
int	 cli_deliver(struct cli *, int argc, char **argv);
int	 cli_activity(struct cli *, int argc, char **argv);
int	 cli_cycles(struct cli *, int argc, char **argv);
int	 cli_cycle(struct cli *, int argc, char **argv);
int	 cli_breaker(struct cli *, int argc, char **argv);
/* `admin ...`: the console's credentials, sessions and log. */
int	 cli_admin(struct cli *, int argc, char **argv);
/* The breaker's state (breaker.h) for `tenant show`: an object, or
 * one line of text. */
struct breaker_status;
cJSON	*cli_breaker_json(const struct breaker_status *);
void	 cli_breaker_line(const struct breaker_status *, char *, size_t);
/* `preview report`; `tenant set T mode=...` (argv: set T mode=... [...]) */
int	 cli_preview(struct cli *, int argc, char **argv);
int	 cli_tenant_mode(struct cli *, int argc, char **argv);
/* `setup-htaccess DOCROOT ...`, with no store open: db is the global
 * --db (or SCIMLET_DB), NULL when none; argv0 the program's. */
int	 cli_setup(const char *argv0, const char *db, int argc, char **argv);

/*
 * The request context of a command on tenant, built as the worker builds
 * one (ctx_open(), in tx), with the operator as its actor.
 */
enum scim_err	 cli_ctx(const struct cli *, struct store_txn *tx,
		    const char *tenant, struct ctx *);

/*
 * The tenant named, read in a transaction of its own: CLI_OK, or the
 * error said ("no tenant NAME") and the exit status.  name NULL: none,
 * t zeroed (tenant 0).
 */
int		 cli_tenant_of(const struct cli *, const char *name,
		    struct tenant *t, const char *cmd);

/*
 * An operator.* audit entry for tenant in tx: action, what it acts on
 * (type "Tenant", "Token", "Role", "Schema"; id), detail (consumed).
 */
enum scim_err	 cli_audit_op(const struct cli *, struct store_txn *tx,
		    const char *tenant, const char *action, const char *type,
		    const char *id, cJSON *detail);

/*
 * Table output.  Values come from requests (a userName, a role value, a
 * declared attribute) and may hold TAB, LF, CR, ESC or any control
 * character: cli_field() writes s (NULL: nothing) with every control
 * character escaped as log_cescape() does, so a value can neither add a
 * column or a row nor drive the terminal.  cli_row() writes n such fields
 * (const char *) separated by TABs, and the newline.
 */
void	 cli_field(FILE *, const char *s);
void	 cli_row(FILE *, int n, ...);

/*
 * JSON text (as cJSON prints it: C0 already escaped) with DEL and C1
 * characters written as \u escapes too: the same JSON value, and nothing
 * a terminal acts on.
 */
void	 cli_json(FILE *, const char *json, size_t len);

/*
 * A usage error in command cmd ("role"): "scimlet: role: " and the
 * message on stderr, then the usage lines of cmd alone; CLI_USAGE.
 */
int	 cli_bad(const char *cmd, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/*
 * CLI_OK when argv (argv[0] the verb) has want words, else cli_bad()
 * naming the first extra word or the missing argument.
 */
int	 cli_nargs(const char *cmd, int argc, char **argv, int want);

/* Report a failed store call for what ("tenant add") and return CLI_FAIL. */
int	 cli_storefail(const char *what, int err);

#endif /* CLI_H */
