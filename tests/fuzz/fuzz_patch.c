/*
 * fuzz_patch.c: a PATCH request body (RFC 7644 §3.5.2) parsed by
 * json_parse_body() and applied to a copy of a stored User (the tenant's
 * schema, with declared attributes) and of a stored Group, whose
 * membership changes go to callbacks that only write them down.
 * A patched User must be in normal form: normalising what PATCH left
 * gives it back unchanged (abort() otherwise).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"
#include "json.h"
#include "patch.h"
#include "scim_error.h"

/* What the membership callbacks were told. */
struct calls {
	char	log[256];
	size_t	n;
};

static void
note(struct calls *c, char what, const char *id)
{
	size_t	len = strlen(c->log);

	c->n++;
	snprintf(c->log + len, sizeof(c->log) - len, "%c%.32s", what, id);
}

static enum scim_err
m_add(void *arg, const char *id, const char *display, struct scim_resp *resp)
{
	(void)display;
	if (id == NULL)
		abort();
	/* An unknown member, as the store would answer it. */
	if (strcmp(id, "bad") == 0)
		return scim_fail(resp, SCIM_EINVALVALUE, "member %.64s", id);
	note(arg, '+', id);
	return SCIM_OK;
}

static enum scim_err
m_remove(void *arg, const char *id, struct scim_resp *resp)
{
	(void)resp;
	if (id == NULL)
		abort();
	note(arg, '-', id);
	return SCIM_OK;
}

static enum scim_err
m_clear(void *arg, struct scim_resp *resp)
{
	(void)resp;
	note(arg, '0', "");
	return SCIM_OK;
}

/* The group's members become exactly list (an array, one value, null). */
static enum scim_err
m_set(void *arg, const cJSON *list, struct scim_resp *resp)
{
	const cJSON	*el, *v;

	note(arg, '=', "");
	for (el = cJSON_IsArray(list) ? list->child : cJSON_IsNull(list) ?
	    NULL : list; el != NULL; el = cJSON_IsArray(list) ? el->next :
	    NULL) {
		v = cJSON_IsObject(el) ? cJSON_GetObjectItem(el, "value") : el;
		if (!cJSON_IsString(v) || strcmp(v->valuestring, "bad") == 0)
			return scim_fail(resp, SCIM_EINVALVALUE,
			    "a member needs a value (its id)");
		note(arg, '+', v->valuestring);
	}
	return SCIM_OK;
}

/* The patched User, without what normalisation drops, is normal. */
static void
normal(const struct schema *sc, const cJSON *doc)
{
	struct scim_resp	 resp;
	cJSON			*copy, *again;

	if ((copy = cJSON_Duplicate(doc, 1)) == NULL)
		return;
	cJSON_DeleteItemFromObject(copy, "schemas");
	cJSON_DeleteItemFromObject(copy, "id");
	cJSON_DeleteItemFromObject(copy, "meta");
	memset(&resp, 0, sizeof(resp));
	if (schema_normalize(sc, copy, &again, &resp) != SCIM_OK ||
	    json_equal(copy, again) != 1)
		fx_differ("patched", copy, "normalised", again, resp.rp_detail);
	cJSON_Delete(again);
	cJSON_Delete(copy);
}

static void
apply(const struct schema *sc, const cJSON *body, cJSON *doc,
    const struct patch_members *pm)
{
	struct scim_resp	 resp;
	enum scim_err		 e;

	memset(&resp, 0, sizeof(resp));
	if ((e = patch_apply(sc, body, doc, pm, &resp)) != SCIM_OK)
		fx_error(&resp, e, NULL);
	else if (pm == NULL && fx_fixpoint())
		normal(sc, doc);
	cJSON_Delete(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scim_resp	 resp;
	struct calls		 calls;
	struct patch_members	 pm = { m_add, m_remove, m_clear, m_set,
				    &calls };
	cJSON			*body, *user, *group;
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
	if ((user = cJSON_Duplicate(fx_user(), 1)) == NULL ||
	    (group = cJSON_Duplicate(fx_group(), 1)) == NULL)
		abort();
	apply(fx_user_schema(), body, user, NULL);
	fx_found_clear();
	memset(&calls, 0, sizeof(calls));
	apply(schema_static(RES_GROUP), body, group, &pm);
	cJSON_Delete(body);
	free(text);
	return 0;
}
