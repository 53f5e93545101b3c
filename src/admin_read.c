/*
 * admin_read.c: the console's API for tenants/T/{cycles, activity, users, groups} (admin_int.h).
 */
#include "config.h"

#include "admin_int.h"
#include "scim_error.h"

enum scim_err
admin_read(struct admin_call *ac)
{
	return scim_fail(ac->ac_resp, SCIM_ENOTFOUND, "no such endpoint");
}
