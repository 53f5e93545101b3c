/*
 * fixture.c: the schema and the stored resources the fuzz harnesses
 * parse, match and patch against, built once per run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"
#include "json.h"
#include "scim_error.h"

/* Declarations as a tenant record holds them (schema_overlay_load()). */
static const char decls[] = "["
    "{\"urn\":\"" URN_USER ":costCode\",\"type\":\"string\"},"
    "{\"urn\":\"" URN_USER ":hired\",\"type\":\"dateTime\"},"
    "{\"urn\":\"" FX_ACME ":badge\",\"type\":\"string\",\"auto\":true},"
    "{\"urn\":\"" FX_ACME ":level\",\"type\":\"integer\"},"
    "{\"urn\":\"" FX_ACME ":tags\",\"type\":\"string\",\"multi\":true},"
    "{\"urn\":\"" FX_ACME ":remote\",\"type\":\"boolean\"},"
    "{\"urn\":\"urn:ietf:params:scim:schemas:extension:contoso:2.0:User:"
    "badgeId\",\"type\":\"string\",\"caseExact\":true},"
    "{\"urn\":\"" FX_ACME ":ratio\",\"type\":\"decimal\"}"
    "]";

static const char user[] = "{"
    "\"schemas\":[\"" URN_USER "\",\"" URN_ENTERPRISE "\",\"" FX_ACME "\"],"
    "\"id\":\"2819c223-7f76-453a-919d-413861904646\","
    "\"externalId\":\"EXT-1\",\"userName\":\"Bjensen@Example.com\","
    "\"name\":{\"formatted\":\"Ms. Barbara J Jensen III\","
    "\"familyName\":\"Jensen\",\"givenName\":\"Barbara\"},"
    "\"displayName\":\"Babs Jensen\",\"nickName\":\"Babs\","
    "\"title\":\"Tour Guide\",\"userType\":\"Employee\","
    "\"preferredLanguage\":\"en-US\",\"locale\":\"en-US\","
    "\"timezone\":\"America/Los_Angeles\",\"active\":true,"
    "\"costCode\":\"CC-7\",\"hired\":\"2011-05-13T04:42:34Z\","
    "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\","
    "\"primary\":true},{\"value\":\"babs@jensen.org\",\"type\":\"home\"}],"
    "\"phoneNumbers\":[{\"value\":\"555-555-8377\",\"type\":\"work\"}],"
    "\"addresses\":[{\"type\":\"work\",\"streetAddress\":\"100 Universal "
    "City Plaza\",\"locality\":\"Hollywood\",\"postalCode\":\"91608\","
    "\"country\":\"US\",\"primary\":true}],"
    "\"roles\":[{\"value\":\"Admin\",\"display\":\"Admin\","
    "\"primary\":true}],"
    "\"" URN_ENTERPRISE "\":{\"employeeNumber\":\"701984\","
    "\"costCenter\":\"4130\",\"department\":\"Tour Operations\","
    "\"manager\":{\"value\":\"26118915-6090-4610-87e4-49d8ca9f808d\"}},"
    "\"" FX_ACME "\":{\"badge\":\"B-12\",\"level\":3,"
    "\"tags\":[\"a\",\"b\"],\"remote\":false,\"ratio\":0.5},"
    "\"meta\":{\"resourceType\":\"User\","
    "\"created\":\"2010-01-23T04:56:22Z\","
    "\"lastModified\":\"2011-05-13T04:42:34Z\",\"version\":\"W/\\\"3\\\"\"}"
    "}";

/* What a member of the stored Group reads in its "groups". */
static const char groups[] = "["
    "{\"value\":\"e9e30dba-f08f-4109-8486-d5c6a331660a\","
    "\"display\":\"Tour Guides\",\"type\":\"direct\"}]";

static const char group[] = "{"
    "\"schemas\":[\"" URN_GROUP "\"],"
    "\"id\":\"e9e30dba-f08f-4109-8486-d5c6a331660a\","
    "\"externalId\":\"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159\","
    "\"displayName\":\"Tour Guides\","
    "\"members\":[{\"value\":\"2819c223-7f76-453a-919d-413861904646\","
    "\"display\":\"Babs Jensen\"},{\"value\":\"902c246b-6245-4190-8e05-"
    "00816be7344a\",\"display\":\"Mandy Pepperidge\"}],"
    "\"meta\":{\"resourceType\":\"Group\","
    "\"created\":\"2010-01-23T04:56:22Z\","
    "\"lastModified\":\"2011-05-13T04:42:34Z\",\"version\":\"W/\\\"1\\\"\"}"
    "}";

char *
fx_string(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		return NULL;
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static struct schema_overlay	 fx_ov;
static const struct schema	*fx_sc;
static cJSON			*fx_u, *fx_uv, *fx_g;

const struct schema *
fx_user_schema(void)
{
	cJSON	*d;

	if (fx_sc == NULL) {
		if ((d = cJSON_Parse(decls)) == NULL ||
		    schema_overlay_load(&fx_ov, d) != SCIM_OK)
			abort();
		fx_sc = &fx_ov.so_sc;
	}
	return fx_sc;
}

void
fx_found_clear(void)
{
	cJSON_Delete(schema_overlay_found_take(&fx_ov));
}

const cJSON *
fx_user(void)
{
	if (fx_u == NULL && (fx_u = cJSON_Parse(user)) == NULL)
		abort();
	return fx_u;
}

const cJSON *
fx_user_view(void)
{
	cJSON	*g;

	if (fx_uv == NULL) {
		if ((fx_uv = cJSON_Duplicate(fx_user(), 1)) == NULL ||
		    (g = cJSON_Parse(groups)) == NULL)
			abort();
		cJSON_AddItemToObject(fx_uv, "groups", g);
	}
	return fx_uv;
}

const cJSON *
fx_group(void)
{
	if (fx_g == NULL && (fx_g = cJSON_Parse(group)) == NULL)
		abort();
	return fx_g;
}

void
fx_error(struct scim_resp *resp, enum scim_err err,
    const struct http_io *io)
{
	cJSON	*doc;

	scim_error_respond(resp, err);
	if (resp->rp_body == NULL || resp->rp_len != strlen(resp->rp_body) ||
	    !json_utf8_valid(resp->rp_body, resp->rp_len) ||
	    (doc = cJSON_Parse(resp->rp_body)) == NULL)
		abort();
	if (!cJSON_IsString(cJSON_GetObjectItem(doc, "detail")))
		abort();
	cJSON_Delete(doc);
	if (io != NULL && http_response_write(io, resp) == -1)
		abort();
	http_response_free(resp);
}

int
fx_fixpoint(void)
{
	return getenv("FUZZ_NO_FIXPOINT") == NULL;
}

void
fx_differ(const char *an, const cJSON *a, const char *bn, const cJSON *b,
    const char *detail)
{
	char	*as = cJSON_PrintUnformatted(a);
	char	*bs = b != NULL ? cJSON_PrintUnformatted(b) : NULL;

	fprintf(stderr, "%s: %s\n%s: %s (%s)\n", an, as ? as : "?", bn,
	    bs ? bs : "error", detail);
	fflush(stderr);
	abort();
}
