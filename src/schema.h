/*
 * schema.h: attribute definitions (RFC 7643 §4, §8.7) and the
 * normalisation every incoming resource goes through: attribute names to
 * their canonical case, string booleans to booleans, null to absent,
 * readOnly and writeOnly attributes dropped, types checked.
 */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <cjson/cJSON.h>

#include "scim.h"

enum attr_type {
	AT_STRING,
	AT_BOOLEAN,
	AT_DECIMAL,
	AT_INTEGER,
	AT_DATETIME,
	AT_BINARY,
	AT_REFERENCE,
	AT_COMPLEX
};

#define AF_MULTI	0x01	/* multiValued */
#define AF_REQUIRED	0x02
#define AF_CASEEXACT	0x04
#define AF_KEYSTR	0x08	/* indexed: at most SCIM_MAX_KEYSTR bytes */

enum attr_mut { MUT_RW, MUT_RO, MUT_IMMUTABLE, MUT_WO };
enum attr_ret { RET_DEFAULT, RET_ALWAYS, RET_NEVER, RET_REQUEST };
enum attr_uniq { UNIQ_NONE, UNIQ_SERVER, UNIQ_GLOBAL };

struct schema_attr {
	const char			*sa_name;	/* canonical case */
	enum attr_type			 sa_type;
	unsigned int			 sa_flags;
	enum attr_mut			 sa_mut;
	enum attr_ret			 sa_ret;
	enum attr_uniq			 sa_uniq;
	const struct schema_attr	*sa_sub;	/* complex: ends at
							   sa_name == NULL */
	const char *const		*sa_canon;	/* canonicalValues,
							   NULL-ended, or NULL */
};

struct schema_ext {
	const char			*se_urn;
	const struct schema_attr	*se_attrs;
	const char			*se_name;	/* "EnterpriseUser" */
	const char			*se_description;
};

struct schema {
	enum res_type			 sc_type;
	const char			*sc_name;	/* "User" */
	const char			*sc_description; /* "User Account" */
	const char			*sc_endpoint;	/* "Users" */
	const char			*sc_urn;	/* core schema URN */
	const struct schema_attr	*sc_attrs;
	const struct schema_ext		*sc_exts;	/* ends at se_urn NULL */
	/*
	 * Where normalisation records attributes found under extension
	 * URNs the schema does not declare (schema_found_add()), or NULL:
	 * a tenant's overlay points it at its own list.
	 */
	cJSON				**sc_found;
};

#define URN_USER	"urn:ietf:params:scim:schemas:core:2.0:User"
#define URN_GROUP	"urn:ietf:params:scim:schemas:core:2.0:Group"
#define URN_ENTERPRISE	\
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define URN_SCIMLET	"urn:scimlet:schemas:extension:2.0:User"
#define URN_CORE_NS	"urn:ietf:params:scim:schemas:core:"

/* The RFC's schema of a resource type, without a tenant's declarations. */
const struct schema		*schema_static(enum res_type);

/*
 * A tenant's User schema: the static one plus the attributes the tenant
 * declared (the "attributes" array of its record: [{"urn": "URN:attr",
 * "type", "multi", "caseExact", "auto"}]; core ones extend the User
 * table, the others become extensions).  Owned by the request context
 * (ctx.h); so_sc is the schema to use.
 */
struct schema_overlay {
	struct schema		 so_sc;
	struct schema_attr	*so_core;
	struct schema_ext	*so_exts;
	struct schema_attr	*so_extattrs;
	cJSON			*so_src;	/* owns the name strings */
	cJSON			*so_found;	/* to declare, this request */
};
/* decls (may be NULL) is consumed.  On error the overlay is empty. */
enum scim_err			 schema_overlay_load(struct schema_overlay *,
				    cJSON *decls);
void				 schema_overlay_free(struct schema_overlay *);
/* The attributes to declare (an array, or NULL); the caller owns it. */
cJSON				*schema_overlay_found_take(
				    struct schema_overlay *);
int				 schema_type_valid(const char *type);
/*
 * 1 when urn is a URN an extension can be named by: "urn:", a namespace
 * id of 1 to 32 letters, digits or '-', ':', and a non-empty specific
 * string without blanks (RFC 8141 §2).  "urn:x" is not one.
 */
int				 schema_urn_valid(const char *urn);
int				 schema_is_static_ext(const char *urn);

/*
 * 1 when key (any case) is in the namespace of the RFC's core schemas,
 * URN_CORE_NS: never an extension, so never kept or declared as one.
 */
int				 schema_is_core_ns(const char *key);

/*
 * An attribute under an extension URN the schema does not know is kept
 * as sent and recorded in sc->sc_found (when set): the write that stores
 * it declares it for the tenant.
 */
void				 schema_found_add(const struct schema *sc,
				    const char *urn, const char *attr,
				    const cJSON *v);

/*
 * The extension of sc whose URN (any case) prefixes path ("URN" or
 * "URN:attr"), or NULL; *rest is what follows the URN (past its colon).
 */
const struct schema_ext		*schema_ext_prefix(const struct schema *,
				    const char *path, const char **rest);

/* The attribute named name (any case) in a table, or NULL. */
const struct schema_attr	*schema_attr_find(const struct schema_attr *,
				    const char *name);

/*
 * Resolve "attr" or "attr.sub" (any case; optionally URN-qualified) to
 * its definitions.  *sub is NULL for a plain attribute.  *ext is the
 * extension URN the attribute lives under, or NULL for the core schema.
 * A name the core schema lacks is looked up in the extensions, so
 * Entra's unprefixed "manager" resolves.
 * Returns 0, or -1 when the path names no known attribute.
 */
int				 schema_resolve(const struct schema *,
				    const char *path,
				    const struct schema_attr **attr,
				    const struct schema_attr **sub,
				    const char **ext);

/*
 * The attribute part of key when key is "URN:attr" in the core schema's
 * own URN, any case ("urn:…:core:2.0:User:userName" is userName, RFC 7644
 * §3.10), or NULL.  The result points into key.
 */
const char			*schema_core_attr(const struct schema *,
				    const char *key);

/*
 * Normalise a resource from a request body into a new tree *out (the
 * caller frees it).  The result has no "schemas", "id" or "meta".
 * Errors: SCIM_EINVALVALUE (wrong type, bad boolean, oversized indexed
 * string), SCIM_EINVALSYNTAX (an attribute given twice), SCIM_ENOMEM.
 */
struct scim_resp;
enum scim_err			 schema_normalize(const struct schema *,
				    const cJSON *in, cJSON **out,
				    struct scim_resp *);

/*
 * Normalise the value v of attribute a as schema_normalize() does
 * (booleans, one-element arrays, bare strings for complex values, Entra's
 * JSON-string roles).  *out is a new tree, or NULL when v means "absent"
 * (null, []).  schema_single() does one element of a multi-valued
 * attribute, or the value of a single-valued one.
 */
enum scim_err			 schema_value(const struct schema_attr *,
				    const cJSON *v, cJSON **out,
				    struct scim_resp *);
enum scim_err			 schema_single(const struct schema_attr *,
				    const cJSON *v, cJSON **out,
				    struct scim_resp *);

/*
 * The RFC 7643 §7 Schema resource for a table (attributes with their
 * characteristics, sub-attributes nested), without meta.  NULL when out
 * of memory.
 */
cJSON				*schema_document(const char *urn,
				    const char *name, const char *description,
				    const struct schema_attr *attrs);

/* The "schemas" array for a stored resource: core URN + extensions. */
cJSON				*schema_urns(const struct schema *,
				    const cJSON *doc);

/*
 * Case folding for caseExact:false comparisons and index keys: ASCII
 * letters are lowered, other bytes kept.  out holds strlen(in) + 1.
 */
void				 schema_fold(const char *in, char *out);

#endif /* SCHEMA_H */
