/*
 * backup.c: `scimlet backup DEST`: a hot, consistent, compacted copy of
 * the whole database while workers run (store_backup()).  It touches no
 * tenant, so it writes no audit entry.
 */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "scim.h"
#include "store.h"

int
cli_backup(struct cli *cl, int argc, char **argv)
{
	char	err[512];

	if (argc != 1) {
		if (argc == 0)
			return cli_bad("backup", "missing argument DEST");
		return cli_bad("backup", "unexpected argument '%s'", argv[1]);
	}
	if (argv[0][0] == '\0')
		return cli_bad("backup", "empty DEST");
	if (store_backup(cl->cl_store, argv[0], err, sizeof(err)) != SCIM_OK) {
		fprintf(stderr, "scimlet: backup: %s\n", err);
		return CLI_FAIL;
	}
	printf("backup written to %s\n", argv[0]);
	return CLI_OK;
}
