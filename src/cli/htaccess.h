/*
 * htaccess.h: reading an .htaccess for `scimlet setup-htaccess`
 * (src/cli/setup.c writes; src/cli/htaccess.c finds scimlet's block).
 */
#ifndef SCIMLET_CLI_HTACCESS_H
#define SCIMLET_CLI_HTACCESS_H

#include <stddef.h>

#define HT_BEGIN	"# BEGIN scimlet"
#define HT_END		"# END scimlet"

void	ht_rule_pat(const char *, char *, size_t);
int	ht_find(const char *, size_t, const char *, size_t *, size_t *,
	    char *, size_t);

#endif
