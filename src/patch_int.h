/*
 * patch_int.h: what patch.c and patch_members.c share; not for other
 * modules (patch.h is the contract).
 */
#ifndef PATCH_INT_H
#define PATCH_INT_H

#include <cjson/cJSON.h>

#include "scim.h"

struct schema;
struct patch_members;
struct scim_resp;
struct fpath;

enum op { OP_ADD, OP_REPLACE, OP_REMOVE };

/* One PATCH request being applied. */
struct patch {
	const struct schema		*pt_sc;
	cJSON				*pt_doc;
	const struct patch_members	*pt_pm;
	struct scim_resp		*pt_resp;
};

/* An operation whose path is `members` (fp: the parsed path). */
enum scim_err	 patch_members_op(struct patch *, enum op,
		    const struct fpath *, const cJSON *value);

#endif /* PATCH_INT_H */
