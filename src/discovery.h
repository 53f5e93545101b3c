/*
 * discovery.h: /ServiceProviderConfig, /Schemas, /ResourceTypes
 * (RFC 7644 §4, RFC 7643 §5-7), made from the schema tables.
 */
#ifndef DISCOVERY_H
#define DISCOVERY_H

#include "scim.h"

struct scim_req;
struct scim_resp;

enum scim_err	 discovery_spc(struct scim_req *, struct scim_resp *);

/* /Schemas and /Schemas/{urn} (id NULL: all of them). */
enum scim_err	 discovery_schemas(struct scim_req *, struct scim_resp *,
		    const char *id);

/* /ResourceTypes and /ResourceTypes/{name}. */
enum scim_err	 discovery_types(struct scim_req *, struct scim_resp *,
		    const char *id);

#endif /* DISCOVERY_H */
