/*
 * check_oom.c: growing sets when memory runs out.  realloc is wrapped
 * (-Wl,--wrap=realloc): fail_after counts down to a failure.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "roles.h"
#include "tap.h"

void	*__real_realloc(void *, size_t);
void	*__wrap_realloc(void *, size_t);

static int	fail_after = -1;	/* -1: never */

void *
__wrap_realloc(void *p, size_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	return __real_realloc(p, n);
}

int
main(void)
{
	struct roles_set	rs;
	uint8_t			id[16];
	int			i;

	memset(&rs, 0, sizeof(rs));
	memset(id, 0xab, sizeof(id));
	for (i = 0; i < 16; i++)
		roles_set_add(&rs, id);
	ok(rs.rs_n == 16 && rs.rs_cap == 16 && !rs.rs_oom, "16 ids fit");
	fail_after = 0;
	roles_set_add(&rs, id);
	ok(rs.rs_oom && rs.rs_n == 16 && rs.rs_cap == 16,
	    "a failed growth marks the set short and keeps its size");
	fail_after = -1;
	for (i = 0; i < 40; i++)
		roles_set_add(&rs, id);
	ok(rs.rs_n == 16 && rs.rs_cap == 16,
	    "and later adds write nothing past it");
	roles_set_free(&rs);
	return tap_done();
}
