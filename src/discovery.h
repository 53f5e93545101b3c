/*
 * discovery.h: /ServiceProviderConfig (RFC 7644 §4, RFC 7643 §5).
 */
#ifndef DISCOVERY_H
#define DISCOVERY_H

#include "scim.h"

struct scim_req;
struct scim_resp;

enum scim_err	 discovery_spc(struct scim_req *, struct scim_resp *);

#endif /* DISCOVERY_H */
