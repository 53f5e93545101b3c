/*
 * cli.h: the scimlet operator tool.  One file per group of subcommands;
 * each command gets the open store and its own arguments.
 *
 * Exit codes: 0 done, 1 failed (message on stderr), 2 usage.
 */
#ifndef CLI_H
#define CLI_H

struct store;

#define CLI_OK		0
#define CLI_FAIL	1
#define CLI_USAGE	2

int	 cli_tenant(struct store *, int argc, char **argv);
int	 cli_token(struct store *, int argc, char **argv);
int	 cli_role(struct store *, int argc, char **argv);
int	 cli_user(struct store *, int argc, char **argv);
int	 cli_schema(struct store *, int argc, char **argv);
/* audit list|export|verify, and (argv[0] "restore") restore */
int	 cli_audit(struct store *, int argc, char **argv);
int	 cli_changes(struct store *, int argc, char **argv);

/* Report a failed store call for what ("tenant add") and return CLI_FAIL. */
int	 cli_storefail(const char *what, int err);

#endif /* CLI_H */
