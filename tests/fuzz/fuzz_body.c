/*
 * fuzz_body.c: a request body as POST and PUT receive it: parsed by
 * json_parse_body(), then normalised (RFC 7643 §2, §4) as a User of a
 * tenant with declared attributes and as a Group.  A normalised resource
 * must be a fixed point: normalising it again gives the same tree, and a
 * parsed body holds finite numbers only (abort() otherwise).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"
#include "json.h"

/* RFC 8259 §6: json_parse_body() keeps no number a double cannot hold. */
static int
all_finite(const cJSON *v)
{
	const cJSON	*c;

	if (cJSON_IsNumber(v))
		return isfinite(v->valuedouble);
	for (c = v->child; c != NULL; c = c->next)
		if (!all_finite(c))
			return 0;
	return 1;
}

static void
normalize(const struct schema *sc, const cJSON *in)
{
	struct scim_resp	 resp;
	cJSON			*out, *again, *urns;
	char			*text;
	enum scim_err		 e;

	memset(&resp, 0, sizeof(resp));
	if ((e = schema_normalize(sc, in, &out, &resp)) != SCIM_OK) {
		if (out != NULL)
			abort();
		fx_error(&resp, e, NULL);
		return;
	}
	memset(&resp, 0, sizeof(resp));
	if ((schema_normalize(sc, out, &again, &resp) != SCIM_OK ||
	    json_equal(out, again) != 1) && fx_fixpoint())
		fx_differ("normalised", out, "again", again, resp.rp_detail);
	urns = schema_urns(sc, out);
	text = cJSON_PrintUnformatted(out);
	free(text);
	cJSON_Delete(urns);
	cJSON_Delete(again);
	cJSON_Delete(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scim_resp	 resp;
	cJSON			*body;
	char			*text;
	enum scim_err		 e;

	if ((text = fx_string(data, size)) == NULL)
		return 0;
	memset(&resp, 0, sizeof(resp));
	if ((e = json_parse_body(text, size, &body, &resp)) != SCIM_OK) {
		fx_error(&resp, e, NULL);
		free(text);
		return 0;
	}
	if (!cJSON_IsObject(body) || !all_finite(body))
		abort();
	normalize(fx_user_schema(), body);
	fx_found_clear();
	normalize(schema_static(RES_GROUP), body);
	cJSON_Delete(body);
	free(text);
	return 0;
}
