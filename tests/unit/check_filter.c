/*
 * check_filter.c: the filter grammar, evaluation and index planning.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "indexes.h"
#include "schema.h"
#include "store.h"
#include "tap.h"
#include "util.h"

/* Valid filters (RFC 7644 §3.4.2.2 examples and client shapes). */
static const struct {
	int		 line;
	const char	*f;
} valid[] = {
	{ __LINE__, "userName Eq \"john\"" },
	{ __LINE__, "Username eq \"john\"" },
	{ __LINE__, "name.familyName co \"O'Malley\"" },
	{ __LINE__, "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"" },
	{ __LINE__, "title pr" },
	{ __LINE__, "meta.lastModified gt \"2011-05-13T04:42:34Z\"" },
	{ __LINE__, "title pr and userType eq \"Employee\"" },
	{ __LINE__, "title pr or userType eq \"Intern\"" },
	{ __LINE__, "schemas eq \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"" },
	{ __LINE__, "userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")" },
	{ __LINE__, "userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")" },
	{ __LINE__, "userType eq \"Employee\" and (emails.type eq \"work\")" },
	{ __LINE__, "userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]" },
	{ __LINE__, "emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]" },
	{ __LINE__, "emails[type eq \"work\"].value eq \"a@b.c\"" },
	{ __LINE__, "externalId eq jyoung" },
	{ __LINE__, "id eq 2819c223 and manager eq 4fab" },
	{ __LINE__, "active eq true" },
	{ __LINE__, "age gt 21.5" },
	{ __LINE__, "x eq null" },
	{ __LINE__, "((userName eq \"a\"))" },
	{ __LINE__, "userName eq \"with \\\"escaped\\\" quotes\"" },
	{ __LINE__, "userName eq \"\\u0041\\n\\t\\/\\\\\\b\\f\\r\"" },
	{ __LINE__, "members.$ref eq \"x\"" },
	{ __LINE__, "x-y_z.a-b eq 1" },
	{ __LINE__, "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq \"x\"" },
	{ __LINE__, "emails[(type eq \"work\") and not (value pr)]" },
	{ __LINE__, "title eq 1.5e3 or title eq -0.5 or title eq 0x10" },
};

/* Invalid filters, with the offset the error must name. */
static const struct {
	int		 line;
	const char	*f;
	const char	*at;
} invalid[] = {
	{ __LINE__, "userName eq", "offset 11" },
	{ __LINE__, "userName eq \"x", "offset 12" },
	{ __LINE__, "userName foo \"x\"", "offset 9" },
	{ __LINE__, "userName eq \"x\" garbage", "offset 16" },
	{ __LINE__, "(userName eq \"x\"", "offset 16" },
	{ __LINE__, "userName eq \"x\")", "offset 15" },
	{ __LINE__, "emails[type eq \"work\"", "offset 21" },
	{ __LINE__, "] eq 1", "offset 0" },
	{ __LINE__, "1abc eq 2", "offset 0" },
	{ __LINE__, "userName eq \"x\" and", "offset 19" },
	{ __LINE__, "", "offset 0: empty filter" },
	{ __LINE__, "   ", "offset 3: empty filter" },
	/* RFC 7644 §3.10 attribute paths. */
	{ __LINE__, "userName.. eq \"x\"", "offset 0: invalid attribute name" },
	{ __LINE__, "userName. eq \"x\"", "offset 0: invalid attribute name" },
	{ __LINE__, "name.givenName.x eq \"x\"", "offset 0: invalid attribute name" },
	{ __LINE__, "$x eq \"x\"", "offset 0: invalid attribute name" },
	{ __LINE__, "a:b: eq \"x\"", "offset 0: invalid attribute name" },
	{ __LINE__, "1a:b eq \"x\"", "offset 0: invalid attribute name" },
	{ __LINE__, "emails[type eq \"work\"].value.x eq \"y\"", "offset 22: invalid sub-attribute" },
	{ __LINE__, "emails[type eq \"work\"]. eq \"y\"", "offset 22" },
	/* valFilter holds no valuePath. */
	{ __LINE__, "emails[value[type eq \"x\"]]", "offset 12: a value filter inside" },
	{ __LINE__, "emails[type eq \"x\" and ims[type eq \"y\"]]", "offset 26: a value filter inside" },
	/* compValue strings are JSON strings. */
	{ __LINE__, "userName eq \"\\uZZZZ\"", "offset 12: invalid string" },
	{ __LINE__, "userName eq \"\\u00\"", "offset 12: invalid string" },
	{ __LINE__, "userName eq \"a\\qb\"", "offset 12: invalid string" },
	{ __LINE__, "userName eq \"a\tb\"", "offset 12: invalid string" },
	{ __LINE__, "userName eq \"\\uD800\"", "offset 12: invalid string" },
};

static const char *user_doc =
    "{\"id\":\"2819c223-7f76-453a-919d-413861904646\","
    "\"userName\":\"Bjensen@Example.com\",\"externalId\":\"EXT-1\","
    "\"active\":true,\"title\":\"Tour Guide\","
    "\"name\":{\"familyName\":\"Jensen\",\"givenName\":\"Barbara\"},"
    "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\"},"
    "{\"value\":\"babs@jensen.org\",\"type\":\"home\"}],"
    "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":"
    "{\"employeeNumber\":\"701984\",\"manager\":{\"value\":\"m-1\"}}}";

static const struct {
	int		 line;
	const char	*f;
	int		 match;
} matches[] = {
	{ __LINE__, "userName eq \"bjensen@example.com\"", 1 },
	{ __LINE__, "USERNAME EQ \"BJENSEN@EXAMPLE.COM\"", 1 },
	{ __LINE__, "externalId eq \"EXT-1\"", 1 },
	{ __LINE__, "externalId eq \"ext-1\"", 0 },
	{ __LINE__, "emails.value eq \"BABS@jensen.org\"", 1 },
	{ __LINE__, "emails eq \"bjensen@example.com\"", 1 },
	{ __LINE__, "emails[type eq \"work\"].value eq \"bjensen@example.com\"", 1 },
	{ __LINE__, "emails[type eq \"home\"].value eq \"bjensen@example.com\"", 0 },
	{ __LINE__, "emails[type eq \"home\"]", 1 },
	{ __LINE__, "emails[type eq \"other\"]", 0 },
	{ __LINE__, "name.familyName eq \"jensen\"", 1 },
	{ __LINE__, "active eq true", 1 },
	{ __LINE__, "active eq \"True\"", 1 },
	{ __LINE__, "active eq false", 0 },
	{ __LINE__, "title pr", 1 },
	{ __LINE__, "nickName pr", 0 },
	{ __LINE__, "userName eq \"x\" or title pr", 1 },
	{ __LINE__, "userName eq \"x\" and title pr", 0 },
	{ __LINE__, "not (userName eq \"x\")", 1 },
	{ __LINE__, "noSuchAttribute eq \"x\"", 0 },
	{ __LINE__, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"", 1 },
	{ __LINE__, "manager eq \"m-1\"", 1 },
	{ __LINE__, "id eq \"2819c223-7f76-453a-919d-413861904646\"", 1 },
	{ __LINE__, "id eq \"2819C223-7F76-453A-919D-413861904646\"", 0 },
};

static const struct {
	int		 line;
	int		 group;
	const char	*f;
	int		 ok;		/* 0: SCIM_EFILTER */
	enum plan_kind	 kind;
	enum store_idx	 idx;
	const char	*value;		/* folded as the index keeps it */
	int		 empty;
} plans[] = {
	{ __LINE__, 0, "userName eq \"Ada@X\"", 1, PLAN_INDEX, IDX_USERNAME, "ada@x", 0 },
	{ __LINE__, 0, "externalId eq \"AbC\"", 1, PLAN_INDEX, IDX_EXTERNALID, "AbC", 0 },
	{ __LINE__, 0, "emails.value eq \"A@B\"", 1, PLAN_INDEX, IDX_EMAIL, "a@b", 0 },
	{ __LINE__, 0, "emails[type eq \"work\"].value eq \"A@B\"", 1, PLAN_INDEX, IDX_EMAIL, "a@b", 0 },
	{ __LINE__, 0, "externalId eq \"e\" and userName eq \"u\"", 1, PLAN_INDEX, IDX_USERNAME, "u", 0 },
	{ __LINE__, 0, "emails.value eq \"m\" and externalId eq \"e\"", 1, PLAN_INDEX, IDX_EXTERNALID, "e", 0 },
	{ __LINE__, 0, "title pr and userName eq \"u\"", 1, PLAN_INDEX, IDX_USERNAME, "u", 0 },
	{ __LINE__, 0, "userName eq \"u\" and id eq \"2819c223-7f76-453a-919d-413861904646\"", 1, PLAN_ID, 0, NULL, 0 },
	{ __LINE__, 0, "id eq \"nope\"", 1, PLAN_ID, 0, NULL, 1 },
	{ __LINE__, 0, "userName sw \"AB\"", 1, PLAN_PREFIX, IDX_USERNAME, "ab", 0 },
	{ __LINE__, 0, "userName eq \"a\" or externalId eq \"b\"", 1, PLAN_UNION, 0, NULL, 0 },
	{ __LINE__, 0, "userName eq \"a\" or title eq \"b\"", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "externalId sw \"x\"", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "userName co \"u\"", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "title eq \"x\"", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "not (userName eq \"u\")", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "active gt true", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "emails[primary co \"t\"]", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "name eq \"x\"", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "noSuch gt 5", 1, PLAN_SCAN, 0, NULL, 0 },
	/* A dateTime compares with a dateTime. */
	{ __LINE__, 0, "meta.created gt \"garbage\"", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "meta.created eq \"2011-05-13\"", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "meta.lastModified le 5", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "meta.lastModified gt null", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "not (meta.created ne true)", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "meta.created co 5", 0, 0, 0, NULL, 0 },
	{ __LINE__, 1, "meta.created lt \"x\"", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "meta.created gt \"2011-05-13T04:42:34.5+02:00\"", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "meta.created eq null", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "meta.created ne \"2011-05-13T04:42:34Z\"", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "meta.created sw \"2011\"", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "meta.created pr", 1, PLAN_SCAN, 0, NULL, 0 },
	/* After a value path, the sub-attribute as for a plain path. */
	{ __LINE__, 0, "emails.primary gt true", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "emails[type eq \"work\"].primary gt true", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "emails[type eq \"work\"].primary CO \"t\"", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "not (emails[type eq \"work\"].primary le false)", 0, 0, 0, NULL, 0 },
	{ __LINE__, 0, "emails[type eq \"work\"].primary eq true", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "emails[type eq \"work\"].primary pr", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "emails.value co 5", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "emails[type eq \"work\"].value co 5", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "emails[type eq \"work\"].noSuch gt 5", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager[value eq \"m\"].value gt true", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 1, "displayName eq \"Eng\"", 1, PLAN_INDEX, IDX_DISPLAYNAME, "eng", 0 },
	{ __LINE__, 1, "externalId eq \"G\"", 1, PLAN_INDEX, IDX_EXTERNALID, "G", 0 },
	{ __LINE__, 1, "userName eq \"x\"", 1, PLAN_SCAN, 0, NULL, 0 },
	/* Value paths: the element has what its filter names. */
	{ __LINE__, 0, "emails[value eq \"A@B\"]", 1, PLAN_INDEX, IDX_EMAIL, "a@b", 0 },
	{ __LINE__, 0, "emails[type eq \"work\" and value eq \"A@B\"]", 1, PLAN_INDEX, IDX_EMAIL, "a@b", 0 },
	{ __LINE__, 0, "emails[value eq \"a\" or value eq \"b\"]", 1, PLAN_UNION, 0, NULL, 0 },
	{ __LINE__, 0, "emails[type eq \"work\"]", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "emails[not (value eq \"a\")]", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "emails eq \"A@B\"", 1, PLAN_INDEX, IDX_EMAIL, "a@b", 0 },
	{ __LINE__, 0, "emails.value sw \"A\"", 1, PLAN_PREFIX, IDX_EMAIL, "a", 0 },
	/* Membership: through the membership keys. */
	{ __LINE__, 1, "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]", 1, PLAN_MEMBEROF, 0, NULL, 0 },
	{ __LINE__, 1, "members.value eq \"2819c223-7f76-453a-919d-413861904646\"", 1, PLAN_MEMBEROF, 0, NULL, 0 },
	{ __LINE__, 1, "members eq \"2819c223-7f76-453a-919d-413861904646\"", 1, PLAN_MEMBEROF, 0, NULL, 0 },
	{ __LINE__, 1, "members[type eq \"User\"].value eq \"2819c223-7f76-453a-919d-413861904646\"", 1, PLAN_MEMBEROF, 0, NULL, 0 },
	{ __LINE__, 1, "members[value eq \"nope\"]", 1, PLAN_MEMBEROF, 0, NULL, 1 },
	{ __LINE__, 1, "id eq \"2819c223-7f76-453a-919d-413861904646\" and members[value eq \"2819c223-7f76-453a-919d-413861904647\"]", 1, PLAN_ID, 0, NULL, 0 },
	{ __LINE__, 1, "displayName eq \"x\" and members[value eq \"2819c223-7f76-453a-919d-413861904646\"]", 1, PLAN_INDEX, IDX_DISPLAYNAME, "x", 0 },
	{ __LINE__, 1, "members[type eq \"User\"]", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 1, "members.value ne \"2819c223-7f76-453a-919d-413861904646\"", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 0, "groups.value eq \"2819c223-7f76-453a-919d-413861904646\"", 1, PLAN_MEMBERS, 0, NULL, 0 },
	{ __LINE__, 0, "groups[value eq \"2819c223-7f76-453a-919d-413861904646\"]", 1, PLAN_MEMBERS, 0, NULL, 0 },
	{ __LINE__, 0, "groups.value eq \"2819c223-7f76-453a-919d-413861904646\" and userName eq \"u\"", 1, PLAN_INDEX, IDX_USERNAME, "u", 0 },
	{ __LINE__, 0, "members.value eq \"2819c223-7f76-453a-919d-413861904646\"", 1, PLAN_SCAN, 0, NULL, 0 },
	{ __LINE__, 1, "groups.value eq \"2819c223-7f76-453a-919d-413861904646\"", 1, PLAN_SCAN, 0, NULL, 0 },
};

/*
 * Every entry of the table of indexed attributes (indexes.h) is honoured
 * by the planner: ATTR eq "x" is answered through its index, with the
 * key as the index keeps it, and ATTR sw "x" by a range where the keys
 * are folded; and the table agrees with the schema.
 */
static void
check_table(void)
{
	static const enum res_type	 types[] = { RES_USER, RES_GROUP };
	const struct index_def		*d;
	const struct schema		*sc;
	const struct schema_attr	*a, *sub, *t;
	struct filter_plan		*pl;
	struct fnode			*f;
	const char			*ext;
	char				 text[256], path[128], err[256];
	size_t				 i, k;
	int				 names, good;

	for (k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
		sc = schema_static(types[k]);
		names = 0;
		for (i = 0; (d = indexes_get(types[k], i)) != NULL; i++) {
			snprintf(path, sizeof(path), "%s%s%s", d->ix_attr,
			    d->ix_sub != NULL ? "." : "",
			    d->ix_sub != NULL ? d->ix_sub : "");
			good = schema_resolve(sc, path, &a, &sub, &ext) == 0 &&
			    ext == NULL;
			t = good ? (sub != NULL ? sub : a) : NULL;
			ok(good && t->sa_type == AT_STRING &&
			    !(t->sa_flags & AF_CASEEXACT) ==
			    !!(d->ix_flags & IX_FOLD) &&
			    (t->sa_uniq != UNIQ_NONE) ==
			    !!(d->ix_flags & IX_UNIQUE) &&
			    (!(d->ix_flags & IX_NAME) ||
			    (t->sa_flags & AF_REQUIRED)),
			    "%s %s: a core string attribute whose case rule, "
			    "uniqueness and requiredness the entry repeats",
			    sc->sc_name, path);
			ok(indexes_find(types[k], d->ix_attr, d->ix_sub) == d,
			    "%s %s: found by name", sc->sc_name, path);
			names += (d->ix_flags & IX_NAME) != 0;

			snprintf(text, sizeof(text), "%s eq \"MiXed\"", path);
			pl = NULL;
			f = filter_parse(text, err, sizeof(err));
			ok(f != NULL && filter_plan(f, sc, &pl, err,
			    sizeof(err)) == SCIM_OK && pl->pl_kind ==
			    PLAN_INDEX && pl->pl_idx == d->ix_idx &&
			    !pl->pl_empty && strcmp(pl->pl_value,
			    (d->ix_flags & IX_FOLD) ? "mixed" : "MiXed") == 0,
			    "%s: %s planned through index %d", sc->sc_name,
			    text, (int)d->ix_idx);
			filter_plan_free(pl);
			filter_free(f);

			snprintf(text, sizeof(text), "%s sw \"MiX\"", path);
			pl = NULL;
			f = filter_parse(text, err, sizeof(err));
			ok(f != NULL && filter_plan(f, sc, &pl, err,
			    sizeof(err)) == SCIM_OK && ((d->ix_flags & IX_FOLD) ?
			    pl->pl_kind == PLAN_PREFIX && pl->pl_idx ==
			    d->ix_idx && strcmp(pl->pl_value, "mix") == 0 :
			    pl->pl_kind == PLAN_SCAN),
			    "%s: %s %s", sc->sc_name, text,
			    (d->ix_flags & IX_FOLD) ? "planned as a range" :
			    "scans (case-exact keys)");
			filter_plan_free(pl);
			filter_free(f);
		}
		ok(i >= 2 && names == 1 && indexes_name(types[k]) != NULL &&
		    (indexes_name(types[k])->ix_flags & IX_NAME),
		    "%s: %zu indexed attributes, one names the resource",
		    sc->sc_name, i);
	}
}

#define G1	"00000000-0000-4000-8000-0000000000a1"
#define G2	"00000000-0000-4000-8000-0000000000a2"
#define U1	"00000000-0000-4000-8000-0000000000b1"
#define U2	"00000000-0000-4000-8000-0000000000b2"

/* Group.members and User.groups come from the membership keys. */
static const struct {
	int		 line;
	int		 group;
	const char	*id;
	const char	*f;
	int		 match;
} members[] = {
	{ __LINE__, 1, G1, "members[value eq \"" U1 "\"]", 1 },
	{ __LINE__, 1, G1, "members[value eq \"" U2 "\"]", 0 },
	{ __LINE__, 1, G1, "members.value eq \"" U1 "\"", 1 },
	{ __LINE__, 1, G1, "members eq \"" U1 "\"", 1 },
	{ __LINE__, 1, G1, "members.value eq \"00000000-0000-4000-8000-0000000000B1\"", 0 },
	{ __LINE__, 1, G1, "members.value ne \"" U1 "\"", 0 },
	{ __LINE__, 1, G2, "members.value ne \"" U1 "\"", 1 },
	{ __LINE__, 1, G1, "members[value eq \"" U1 "\" and type eq \"user\"]", 1 },
	{ __LINE__, 1, G1, "members[value eq \"" G2 "\" and type eq \"User\"]", 0 },
	{ __LINE__, 1, G1, "members[type eq \"Group\"]", 1 },
	{ __LINE__, 1, G1, "members[type eq \"Group\"].value eq \"" G2 "\"", 1 },
	{ __LINE__, 1, G1, "members[type eq \"User\"].value eq \"" G2 "\"", 0 },
	{ __LINE__, 1, G1, "members.display eq \"ONE\"", 1 },
	{ __LINE__, 1, G1, "members.display co \"tw\"", 1 },
	{ __LINE__, 1, G1, "members.display eq \"three\"", 0 },
	{ __LINE__, 1, G1, "members pr", 1 },
	{ __LINE__, 1, G2, "members pr", 0 },
	{ __LINE__, 1, G2, "members eq null", 1 },
	{ __LINE__, 1, G1, "members eq null", 0 },
	{ __LINE__, 1, G1, "members[value eq \"nope\"]", 0 },
	{ __LINE__, 1, G1, "displayName eq \"first\" and members.value eq \"" U1 "\"", 1 },
	{ __LINE__, 0, U1, "groups.value eq \"" G1 "\"", 1 },
	{ __LINE__, 0, U1, "groups.value eq \"00000000-0000-4000-8000-0000000000A1\"", 1 },
	{ __LINE__, 0, U2, "groups.value eq \"" G1 "\"", 0 },
	{ __LINE__, 0, U1, "groups[value eq \"" G1 "\"]", 1 },
	{ __LINE__, 0, U1, "groups.display eq \"FIRST\"", 1 },
	{ __LINE__, 0, U1, "groups[display eq \"first\" and type eq \"direct\"]", 1 },
	{ __LINE__, 0, U1, "groups[display eq \"second\"]", 0 },
	{ __LINE__, 0, U1, "groups pr", 1 },
	{ __LINE__, 0, U2, "groups pr", 0 },
	{ __LINE__, 0, U2, "not (groups pr)", 1 },
};

static int
rm_rf(const char *dir)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void
check_members(void)
{
	struct store		*st = NULL;
	struct store_txn	*tx = NULL;
	struct filter_env	 env;
	struct fnode		*f;
	uint8_t			 g1[16], g2[16], u1[16];
	char			 dir[64], err[256], json[256];
	cJSON			*doc;
	size_t			 i;
	int			 m;

	snprintf(dir, sizeof(dir), "/tmp/check_filter.XXXXXX");
	if (mkdtemp(dir) == NULL ||
	    store_open(dir, STORE_CREATE, &st, err, sizeof(err)) != SCIM_OK ||
	    store_begin(st, 1, &tx) != SCIM_OK) {
		ok(0, "a store for the membership keys");
		return;
	}
	util_uuid_parse(G1, g1);
	util_uuid_parse(G2, g2);
	util_uuid_parse(U1, u1);
	store_res_put(tx, 1, RES_GROUP, g1, "{\"id\":\"" G1 "\","
	    "\"displayName\":\"First\"}", strlen("{\"id\":\"" G1 "\","
	    "\"displayName\":\"First\"}"), 1);
	store_member_put(tx, 1, g1, u1, RES_USER, "one", NULL);
	store_member_put(tx, 1, g1, g2, RES_GROUP, "two", NULL);
	memset(&env, 0, sizeof(env));
	env.fe_tx = tx;
	env.fe_tenant = 1;
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		snprintf(json, sizeof(json), "{\"id\":\"%s\",\"%s\":\"first\"}",
		    members[i].id, members[i].group ? "displayName" :
		    "userName");
		doc = cJSON_Parse(json);
		f = filter_parse(members[i].f, err, sizeof(err));
		m = f != NULL ? filter_match(f, schema_static(members[i].group ?
		    RES_GROUP : RES_USER), doc, &env) : -1;
		ok(m == members[i].match && env.fe_err == SCIM_OK,
		    "line %d: %s %s", members[i].line, members[i].f,
		    members[i].match ? "matches" : "does not match");
		filter_free(f);
		cJSON_Delete(doc);
	}
	/* Without the keys, only what the document holds. */
	doc = cJSON_Parse("{\"id\":\"" G1 "\",\"members\":[{\"value\":\"x\"}]}");
	f = filter_parse("members[value eq \"x\"]", err, sizeof(err));
	ok(filter_match(f, schema_static(RES_GROUP), doc, NULL) == 1 &&
	    filter_match(f, schema_static(RES_GROUP), doc, &env) == 0,
	    "members from the document without a store, else from the keys");
	filter_free(f);
	cJSON_Delete(doc);
	store_abort(&tx);
	store_close(st);
	if (rm_rf(dir) != 0)
		tap_diag("cannot remove %s", dir);
}

int
main(void)
{
	struct fnode		*f;
	struct filter_plan	*pl;
	struct fpath		 fp;
	char			 err[256], want[64], *big;
	cJSON			*doc;
	size_t			 i;
	enum scim_err		 e;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		f = filter_parse(valid[i].f, err, sizeof(err));
		ok(f != NULL, "line %d: parses: %s%s%s", valid[i].line,
		    valid[i].f, f ? "" : " -- ", f ? "" : err);
		filter_free(f);
	}
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		err[0] = '\0';
		f = filter_parse(invalid[i].f, err, sizeof(err));
		ok(f == NULL && strstr(err, invalid[i].at) != NULL,
		    "line %d: refused at %s: \"%s\" (%s)", invalid[i].line,
		    invalid[i].at, invalid[i].f, err);
		filter_free(f);
	}

	/* Limits. */
	big = malloc(SCIM_MAX_FILTER * 2);
	memset(big, '(', 40);
	strcpy(big + 40, "a eq 1");
	memset(big + 46, ')', 40);
	big[86] = '\0';
	ok(filter_parse(big, err, sizeof(err)) == NULL &&
	    strstr(err, "deeply"), "40 parentheses deep: refused (%s)", err);
	big[0] = '\0';
	for (i = 0; i < 300; i++)
		strcat(big, i ? " or a eq 1" : "a eq 1");
	ok(filter_parse(big, err, sizeof(err)) == NULL &&
	    strstr(err, "complex"), "300 terms: refused (%s)", err);
	memset(big, 'a', SCIM_MAX_FILTER + 1);
	big[SCIM_MAX_FILTER + 1] = '\0';
	snprintf(want, sizeof(want), "offset %d: filter longer than %d bytes",
	    SCIM_MAX_FILTER, SCIM_MAX_FILTER);
	ok(filter_parse(big, err, sizeof(err)) == NULL &&
	    strstr(err, want) != NULL, "over %d bytes: refused at the first "
	    "byte over (%s)", SCIM_MAX_FILTER, err);
	snprintf(want, sizeof(want), "offset %d: path longer than %d bytes",
	    SCIM_MAX_FILTER, SCIM_MAX_FILTER);
	ok(filter_parse_path(big, &fp, err, sizeof(err)) == -1 &&
	    strstr(err, want) != NULL, "path over %d bytes: refused at the "
	    "first byte over (%s)", SCIM_MAX_FILTER, err);
	free(big);

	doc = cJSON_Parse(user_doc);
	for (i = 0; i < sizeof(matches) / sizeof(matches[0]); i++) {
		f = filter_parse(matches[i].f, err, sizeof(err));
		ok(f != NULL && filter_match(f, schema_static(RES_USER), doc,
		    NULL) ==
		    matches[i].match, "line %d: %s %s", matches[i].line,
		    matches[i].f, matches[i].match ? "matches" : "does not match");
		filter_free(f);
	}
	cJSON_Delete(doc);

	for (i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		pl = NULL;
		f = filter_parse(plans[i].f, err, sizeof(err));
		e = f ? filter_plan(f, schema_static(plans[i].group ? RES_GROUP :
		    RES_USER), &pl, err, sizeof(err)) : SCIM_EINVALSYNTAX;
		if (!plans[i].ok)
			ok(e == SCIM_EFILTER, "line %d: refused: %s (%s)",
			    plans[i].line, plans[i].f, err);
		else
			ok(e == SCIM_OK && pl->pl_kind == plans[i].kind &&
			    pl->pl_empty == plans[i].empty &&
			    (plans[i].value == NULL ||
			    (pl->pl_idx == plans[i].idx &&
			    strcmp(pl->pl_value, plans[i].value) == 0)),
			    "line %d: plan for %s", plans[i].line, plans[i].f);
		filter_plan_free(pl);
		filter_free(f);
	}

	/* Attribute paths, as sortBy takes them. */
	ok(filter_attrpath_ok("userName") && filter_attrpath_ok("name.givenName") &&
	    filter_attrpath_ok("members.$ref") && filter_attrpath_ok("$ref") &&
	    filter_attrpath_ok("urn:ietf:params:scim:schemas:extension:"
	    "enterprise:2.0:User:manager.value") &&
	    filter_attrpath_ok("urn:ietf:params:scim:schemas:extension:"
	    "enterprise:2.0:User"), "attribute paths accepted");
	ok(!filter_attrpath_ok("") && !filter_attrpath_ok("name[") &&
	    !filter_attrpath_ok("userName..") && !filter_attrpath_ok("a.b.c") &&
	    !filter_attrpath_ok("a b") && !filter_attrpath_ok("1x") &&
	    !filter_attrpath_ok("$x") && !filter_attrpath_ok("urn:x:") &&
	    !filter_attrpath_ok(":a") && !filter_attrpath_ok("a.") &&
	    !filter_attrpath_ok("emails[type eq \"work\"].value") &&
	    !filter_attrpath_ok("a/b:c"), "non-paths refused");

	check_table();
	check_members();

	/* PATCH paths. */
	ok(filter_parse_path("emails[type eq \"work\"].value", &fp, err,
	    sizeof(err)) == 0 && strcmp(fp.fp_attr, "emails") == 0 &&
	    fp.fp_filter != NULL && strcmp(fp.fp_sub, "value") == 0,
	    "path with a filter and a sub-attribute");
	filter_path_free(&fp);
	ok(filter_parse_path("urn:ietf:params:scim:schemas:extension:"
	    "enterprise:2.0:User:manager", &fp, err, sizeof(err)) == 0 &&
	    fp.fp_filter == NULL && fp.fp_sub == NULL, "URN path");
	filter_path_free(&fp);
	ok(filter_parse_path("members[value eq \"x\"]", &fp, err,
	    sizeof(err)) == 0 && fp.fp_sub == NULL, "members[value eq]");
	filter_path_free(&fp);
	ok(filter_parse_path("emails[type eq", &fp, err, sizeof(err)) == -1,
	    "unterminated filter path refused");
	ok(filter_parse_path("name.givenName extra", &fp, err,
	    sizeof(err)) == -1, "junk after a path refused");
	ok(filter_parse_path("", &fp, err, sizeof(err)) == -1,
	    "empty path refused");
	return tap_done();
}
