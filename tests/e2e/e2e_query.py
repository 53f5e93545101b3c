#!/usr/bin/env python3
"""Queries: the filter language (RFC 7644 §3.4.2.2) on a fixture, sorting,
startIndex and cursor paging (RFC 9865), projection, and POST .search."""
import base64
import time
from urllib.parse import quote

from harness import Server, Tap, URN_ENT, URN_USER, patchop

t = Tap()
s = Server()
tok = s.tenant("acme")

people = [
    # userName, given, family, title, active, emails, employeeNumber
    ("ada@example.com", "Ada", "Lovelace", "Countess", True,
     [("ada@example.com", "work"), ("ada@home.org", "home")], "100"),
    ("bob@example.org", "Bob", "O'Malley", None, False,
     [("bob@example.org", "work")], "200"),
    ("carol@example.com", "Carol", "Shaw", "Engineer", True,
     [("carol@example.net", "home")], "300"),
    ("dave@corp.example", "Dave", "Cutler", "Engineer", True, [], None),
    ("Eve@Example.com", "Eve", "Adams", "Intern", False,
     [("eve@example.com", "work")], "050"),
]
ids = {}
for un, given, family, title, active, emails, emp in people:
    body = {"schemas": [URN_USER], "userName": un, "active": active,
            "name": {"givenName": given, "familyName": family},
            "emails": [{"value": v, "type": ty} for v, ty in emails]}
    if title:
        body["title"] = title
    if emp:
        body[URN_ENT] = {"employeeNumber": emp}
    r = s.req("POST", "/Users", body, token=tok)
    ids[un] = r.json["id"]


def names(f, **extra):
    q = "/Users?count=100&filter=" + quote(f)
    for k, v in extra.items():
        q += "&%s=%s" % (k, quote(str(v)))
    r = s.req("GET", q, token=tok)
    if r.status != 200:
        return ("status", r.status, r.json and r.json.get("detail"))
    return sorted(x["userName"] for x in r.json["Resources"])


A, B, C, D, E = (p[0] for p in people)
cases = [
    ('userName eq "ADA@example.com"', [A]),
    ('userName ne "ada@example.com"', [B, C, D, E]),
    ('userName co "EXAMPLE.C"', [A, C, E]),
    ('userName sw "c"', [C]),
    ('userName ew ".org"', [B]),
    ('userName gt "c"', [C, D, E]),
    ('userName le "bob@example.org"', [A, B]),
    ('title pr', [A, C, D, E]),
    ('not (title pr)', [B]),
    ('title eq "engineer" and active eq true', [C, D]),
    ('title eq "Intern" or name.familyName eq "shaw"', [C, E]),
    ('active eq false', [B, E]),
    ('active eq "False"', [B, E]),
    ('emails[type eq "home"]', [A, C]),
    ('emails[type eq "work" and value co "example.com"]', [A, E]),
    ('emails[type eq "work"].value eq "BOB@example.org"', [B]),
    ('emails.value ew ".net"', [C]),
    ('emails co "home.org"', [A]),
    ('emails pr', [A, B, C, E]),
    ('emails[type eq "work"].value pr', [A, B, E]),
    ('emails[type eq "home"].value pr', [A, C]),
    ('not (emails[type eq "work"].value pr)', [C, D]),
    ('name.familyName sw "o\'"', [B]),
    ('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber gt "099"',
     [A, B, C]),
    ('employeeNumber lt "100"', [E]),
    ('meta.created gt "2000-01-01T00:00:00Z"', [A, B, C, D, E]),
    ('meta.created lt "2000-01-01T00:00:00+01:00"', []),
    ('meta.lastModified ge "2000-01-01T00:00:00.5-07:00"', [A, B, C, D, E]),
    ('noSuchAttribute eq "x"', []),
    ('noSuchAttribute eq "x" or userName sw "d"', [D]),
    ('userName eq "a" or userName eq "Eve@example.com"', [E]),
    ('(userName sw "a" or userName sw "b") and not (active eq false)', [A]),
    ('id eq "%s"' % ids[C], [C]),
    ('userName sw O', []),
    ('title eq null', [B]),
]
for f, want in cases:
    t.eq(names(f), sorted(want), "filter: " + f)

for f, scimtype in (('active gt true', "invalidFilter"), ('name co "x"', "invalidFilter"),
                    ('userName eq', "invalidFilter"), ('(a eq 1', "invalidFilter"),
                    ('emails.primary gt true', "invalidFilter"),
                    ('emails[type eq "work"].primary gt true', "invalidFilter")):
    r = s.req("GET", "/Users?filter=" + quote(f), token=tok)
    t.error(r, 400, scimtype, "filter %r: 400 %s" % (f, scimtype))
r = s.req("GET", "/Users?filter=" + quote("userName eq"), token=tok)
t.ok("offset" in (r.json or {}).get("detail", ""), "the error says where", r.text)

# Sorting.
r = s.req("GET", "/Users?sortBy=name.familyName", token=tok)
t.eq([x["name"]["familyName"] for x in r.json["Resources"]],
     ["Adams", "Cutler", "Lovelace", "O'Malley", "Shaw"], "sortBy name.familyName")
r = s.req("GET", "/Users?sortBy=userName&sortOrder=descending&count=2&startIndex=2",
          token=tok)
t.eq([x["userName"] for x in r.json["Resources"]], [D, C],
     "descending, case-insensitive, paged after sorting")
r = s.req("GET", "/Users?sortBy=title", token=tok)
t.eq([x.get("title") for x in r.json["Resources"]],
     ["Countess", "Engineer", "Engineer", "Intern", None],
     "resources without the value sort last")
r = s.req("GET", "/Users?sortBy=emails", token=tok)
t.eq([x["userName"] for x in r.json["Resources"]][-1], D,
     "multi-valued sort key (no email: last)")
time.sleep(0.01)
s.req("PATCH", "/Users/" + ids[B], patchop({"op": "add", "path": "nickName", "value": "b"}),
      token=tok)
r = s.req("GET", "/Users?sortBy=meta.lastModified&sortOrder=descending&count=1", token=tok)
t.eq(r.json["Resources"][0]["userName"], B, "sortBy dateTime, descending")
r = s.req("GET", "/Users?sortOrder=sideways", token=tok)
t.error(r, 400, "invalidValue", "bad sortOrder: 400")

# Cursor paging: a walk sees every resource that exists throughout it
# exactly once, while others are created and deleted meanwhile.
extra = []
for i in range(20):
    extra.append(s.req("POST", "/Users", {"userName": "walk%02d@x" % i},
                       token=tok).json["id"])
everyone = set(ids.values()) | set(extra)
seen, cursor, pages, created = [], "", 0, []
victims = extra[::3]
while True:
    r = s.req("GET", "/Users?count=4&cursor=" + quote(cursor), token=tok)
    if r.status != 200:
        t.ok(False, "cursor page", r.text)
        break
    pages += 1
    seen += [x["id"] for x in r.json["Resources"]]
    if pages == 2:
        for v in victims:
            s.req("DELETE", "/Users/" + v, token=tok)
        for i in range(5):
            created.append(s.req("POST", "/Users", {"userName": "new%d@x" % i},
                                 token=tok).json["id"])
    if pages == 1:
        t.ok("previousCursor" not in r.json, "first page: no previousCursor", r.text)
        t.ok("startIndex" not in r.json and r.json.get("totalResults") == 25,
             "cursor page: totalResults, no startIndex", r.text)
    cursor = r.json.get("nextCursor")
    if not cursor or pages > 30:
        break
stable = everyone - set(victims)
t.ok(stable <= set(seen), "every resource that existed throughout was seen",
     sorted(stable - set(seen)))
t.eq(len(seen), len(set(seen)), "and none twice")
t.ok(set(seen) <= everyone | set(created), "nothing unknown")

r1 = s.req("GET", "/Users?count=3&cursor=", token=tok).json
r2 = s.req("GET", "/Users?count=3&cursor=" + quote(r1["nextCursor"]), token=tok).json
r3 = s.req("GET", "/Users?count=3&cursor=" + quote(r2["nextCursor"]), token=tok).json
back = s.req("GET", "/Users?count=3&cursor=" + quote(r3["previousCursor"]), token=tok).json
t.eq([x["id"] for x in back["Resources"]], [x["id"] for x in r2["Resources"]],
     "previousCursor leads back to the page before")
back = s.req("GET", "/Users?count=3&cursor=" + quote(r2["previousCursor"]), token=tok).json
t.eq([x["id"] for x in back["Resources"]], [x["id"] for x in r1["Resources"]],
     "and back to the first")
r = s.req("GET", "/Users?count=2&cursor=" + quote(r1["nextCursor"]) +
          "&filter=" + quote('userName sw "walk"'), token=tok)
t.ok(r.status == 200 and all(x["userName"].startswith("walk") for x in r.json["Resources"]),
     "cursor with a filter", r.text)
for bad in ("nope", "_" * 23, base64.urlsafe_b64encode(b"\x05" + b"x" * 16).decode().rstrip("=")):
    r = s.req("GET", "/Users?cursor=" + quote(bad), token=tok)
    t.error(r, 400, "invalidCursor", "cursor %r: 400 invalidCursor" % bad)

# Cursor paging with sortBy: the walk is in sort order, every match once,
# nextCursor on every page but the last, and previousCursor leads back.
def sorted_walk(extra, count):
    seen, cursor, pages, firsts = [], "", [], []
    while True:
        r = s.req("GET", "/Users?count=%d&cursor=%s%s" % (count, quote(cursor), extra),
                  token=tok)
        if r.status != 200:
            return ("status", r.status, r.text[:300]), pages
        pages.append(r.json)
        seen += [x["userName"] for x in r.json["Resources"]]
        cursor = r.json.get("nextCursor")
        if not cursor or len(pages) > 40:
            return seen, pages


for extra, name in (("&sortBy=userName", "ascending"),
                    ("&sortBy=userName&sortOrder=descending", "descending"),
                    ("&sortBy=title&filter=" + quote('userName sw "walk0" or title pr'),
                     "by title, with a filter and ties")):
    whole = [x["userName"] for x in s.req(
        "GET", "/Users?count=1000" + extra, token=tok).json["Resources"]]
    seen, pages = sorted_walk(extra, 3)
    t.eq(seen, whole, "cursor walk sorted %s: the sorted list, each once" % name)
    t.ok(len(pages) >= 3 and all("nextCursor" in p for p in pages[:-1]) and
         "nextCursor" not in pages[-1], "cursor walk sorted %s: nextCursor while more "
         "follow (%d pages)" % (name, len(pages)))
    t.ok(all(p.get("totalResults") == len(whole) and "startIndex" not in p for p in pages),
         "cursor walk sorted %s: totalResults, no startIndex" % name)
    if len(pages) >= 3:
        back = s.req("GET", "/Users?count=3&cursor=%s%s" % (
            quote(pages[2]["previousCursor"]), extra), token=tok).json
        t.eq([x["userName"] for x in back["Resources"]],
             [x["userName"] for x in pages[1]["Resources"]],
             "cursor walk sorted %s: previousCursor leads back" % name)
# Sort keys longer than a cursor carries: the walk still sees each once;
# and when the last resource shown is deleted meanwhile, none is missed.
longs = ["long%s%d@x" % ("x" * 150, i) for i in range(7)]
longids = [s.req("POST", "/Users", {"userName": u}, token=tok).json["id"] for u in longs]
lf = "&sortBy=userName&filter=" + quote('userName sw "long"')
seen, pages = sorted_walk(lf, 2)
t.eq(seen, longs, "cursor walk sorted by long keys: each once, in order")
for desc in ("", "&sortOrder=descending"):
    p1 = s.req("GET", "/Users?count=2&cursor=" + lf + desc, token=tok).json
    shown = [x["userName"] for x in p1["Resources"]]
    s.req("DELETE", "/Users/" + longids[longs.index(shown[-1])], token=tok)
    left = [x["userName"] for x in s.req("GET", "/Users?count=100" + lf + desc,
                                         token=tok).json["Resources"]]
    r = s.req("GET", "/Users?count=100&cursor=%s%s%s" % (quote(p1["nextCursor"]), lf, desc),
              token=tok)
    got = [x["userName"] for x in (r.json or {}).get("Resources", [])]
    t.ok(r.status == 200 and got == [u for u in left if u in got] and
         set(left) - set(shown) <= set(got), "cursor %s past a deleted resource with a "
         "long key: in order, nothing missed" % (desc or "ascending"),
         "left %r\nshown %r\ngot %r" % (left, shown, got))
first = s.req("GET", "/Users?count=2&cursor=&sortBy=userName", token=tok).json
r = s.req("GET", "/Users?count=2&sortBy=name.familyName&cursor=" + quote(first.get("nextCursor", "x")),
          token=tok)
t.error(r, 400, "invalidCursor", "a sorted cursor with another sortBy: 400 invalidCursor")
r = s.req("GET", "/Users?count=2&sortBy=userName&sortOrder=descending&cursor=" +
          quote(first.get("nextCursor", "x")), token=tok)
t.error(r, 400, "invalidCursor", "a sorted cursor with another sortOrder: 400 invalidCursor")
r = s.req("GET", "/Users?cursor=" + quote(r1["nextCursor"]) + "&sortBy=userName", token=tok)
t.error(r, 400, "invalidCursor", "an unsorted cursor with sortBy: 400 invalidCursor")
r = s.req("GET", "/Users?count=2&cursor=" + quote(first.get("nextCursor", "x")), token=tok)
t.error(r, 400, "invalidCursor", "a sorted cursor without sortBy: 400 invalidCursor")

# Projection, URN-qualified and sub-attributes.
r = s.req("GET", "/Users/%s?attributes=name.givenName,%s:employeeNumber" % (ids[A], URN_ENT),
          token=tok)
t.eq({k: v for k, v in r.json.items() if k != "schemas"},
     {"id": ids[A], "name": {"givenName": "Ada"}, URN_ENT: {"employeeNumber": "100"}},
     "attributes with a sub-attribute and a URN-qualified name")
r = s.req("GET", "/Users/%s?excludedAttributes=%s,emails.type,meta" % (ids[A], URN_ENT),
          token=tok)
t.ok(URN_ENT not in r.json and "meta" not in r.json and
     all("type" not in e for e in r.json["emails"]) and r.json.get("id") == ids[A],
     "excludedAttributes: extension, sub-attribute, meta; id always", r.text)
r = s.req("PATCH", "/Users/%s?attributes=userName" % ids[A], patchop(
    {"op": "replace", "path": "title", "value": "Countess of Lovelace"}), token=tok)
t.eq(set(r.json), {"schemas", "id", "userName"}, "PATCH response projected too")

# POST .search.
r = s.req("POST", "/Users/.search", {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
    "filter": 'title eq "Engineer"', "attributes": ["userName"],
    "sortBy": "userName", "sortOrder": "descending", "startIndex": 1, "count": 10},
    token=tok)
t.status(r, 200, "POST /Users/.search")
t.eq([x for x in r.json.get("Resources", [])], [{"schemas": [URN_USER], "id": ids[D],
     "userName": D}, {"schemas": [URN_USER], "id": ids[C], "userName": C}],
     ".search: filter, attributes, sort")
g = s.req("POST", "/Groups", {"displayName": "Engineers"}, token=tok).json["id"]
r = s.req("POST", "/.search", {"filter": 'displayName sw "eng" or title eq "Engineer"',
                               "excludedAttributes": ["meta"]}, token=tok)
t.eq(sorted(x["id"] for x in r.json.get("Resources", [])), sorted([ids[C], ids[D], g]),
     "root .search spans users and groups")
t.eq(r.json.get("totalResults"), 3, "root .search total")
r = s.req("POST", "/Groups/.search", {"filter": "displayName sw \"ENG\""}, token=tok)
t.eq([x["id"] for x in r.json.get("Resources", [])], [g], "POST /Groups/.search")
r = s.req("GET", "/Users/.search", token=tok)
t.error(r, 405, None, ".search takes POST")
r = s.req("POST", "/Users/.search", {"filter": 5}, token=tok)
t.error(r, 400, "invalidFilter", ".search with a non-string filter")

# pr after a value path: a work email without a value is not a work
# email value.
for un, emails in (("pr-value@x", [{"type": "work", "value": "v@x"}]),
                   ("pr-novalue@x", [{"type": "work", "display": "no value"},
                                     {"type": "home", "value": "h@x"}])):
    s.req("POST", "/Users", {"userName": un, "emails": emails}, token=tok)
t.eq(names('emails[type eq "work"].value pr and userName sw "pr-"'), ["pr-value@x"],
     "filter: a work email with no value has no work email value")
t.eq(names('emails[type eq "work"].display pr and userName sw "pr-"'),
     ["pr-novalue@x"], "filter: .display pr")

# Malformed filters and sort keys are 400 invalidFilter (RFC 7644
# §3.4.2.2 grammar), never 200 with nothing.
for f in ('userName.. eq "x"', 'userName. eq "x"', '.userName eq "x"', 'name.givenName.x eq "x"',
          'emails[value[type eq "x"]]', 'emails[type eq "work"]].value eq "x"',
          'userName eq "\\uZZZZ"', 'userName eq "\\u00"', 'userName eq "a\\qb"',
          'meta.created gt "garbage"', 'meta.lastModified eq "2020-13-01T00:00:00Z"',
          'meta.created lt 5', 'meta.created ge true',
          'emails[type eq "work"].value.x eq "y"'):
    r = s.req("GET", "/Users?filter=" + quote(f), token=tok)
    t.error(r, 400, "invalidFilter", "filter %r: 400 invalidFilter" % f)
for by in ("name[", "userName..", "name.", 'emails[type eq "work"].value', "a b", "$x", "1x"):
    r = s.req("GET", "/Users?sortBy=" + quote(by), token=tok)
    t.error(r, 400, "invalidFilter", "sortBy %r: 400 invalidFilter" % by)
    r = s.req("POST", "/Users/.search", {"sortBy": by}, token=tok)
    t.error(r, 400, "invalidFilter", ".search sortBy %r: 400 invalidFilter" % by)
for f, want in (('userName eq "\\u0041DA@example.com"', [A]),
                ('meta.created eq null', []),
                ('meta.created co "T"', [A, B, C, D, E]),
                ('urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "shaw"', [C])):
    t.eq(names(f + ' and not (userName sw "walk") and not (userName sw "new")'
               ' and not (userName sw "pr-") and not (userName sw "long")'),
         sorted(want), "filter: " + f)
for by in ("name.familyName", "urn:ietf:params:scim:schemas:core:2.0:User:userName",
           "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
           "noSuchAttribute", "members.$ref"):
    r = s.req("GET", "/Users?count=1&sortBy=" + quote(by), token=tok)
    t.status(r, 200, "sortBy %r: 200" % by)

# A SearchRequest naming filter twice is invalidSyntax, not one of them
# (json_parse_body refuses duplicate members).
r = s.req("POST", "/Users/.search", raw=b'{"filter":"userName eq \\"a\\"",'
          b'"filter":"userName pr"}', token=tok)
t.ok(r.status == 400 and (r.json or {}).get("scimType") == "invalidSyntax",
     ".search with filter given twice: 400 invalidSyntax", r.text[:300])

# Membership filters: members and groups are answered from the
# membership keys (the stored group has no members array).
gp = s.req("POST", "/Groups", {"displayName": "Pilots", "members": [
    {"value": ids[A]}, {"value": ids[B]}]}, token=tok).json["id"]
gc = s.req("POST", "/Groups", {"displayName": "Crew", "members": [
    {"value": ids[B]}, {"value": gp, "type": "Group"}]}, token=tok).json["id"]
ge = s.req("POST", "/Groups", {"displayName": "Empty"}, token=tok).json["id"]


def gnames(f, path="/Groups"):
    r = s.req("GET", path + "?count=100&excludedAttributes=members&filter=" + quote(f),
              token=tok)
    if r.status != 200:
        return ("status", r.status, r.json and r.json.get("detail"))
    return sorted(x["displayName"] for x in r.json["Resources"]
                  if x["displayName"] != "Engineers")


for f, want in (('members[value eq "%s"]' % ids[A], ["Pilots"]),
                ('members.value eq "%s"' % ids[B], ["Crew", "Pilots"]),
                ('members eq "%s"' % ids[B], ["Crew", "Pilots"]),
                ('members[value eq "%s"]' % gp, ["Crew"]),
                ('id eq "%s" and members[value eq "%s"]' % (gp, ids[A]), ["Pilots"]),
                ('id eq "%s" and members[value eq "%s"]' % (gc, ids[A]), []),
                ('members[value eq "%s" and type eq "User"]' % ids[B], ["Crew", "Pilots"]),
                ('members[value eq "%s" and type eq "User"]' % gp, []),
                ('members[type eq "Group"]', ["Crew"]),
                ('members.display eq "%s"' % A, ["Pilots"]),
                ('members pr', ["Crew", "Pilots"]),
                ('not (members pr)', ["Empty"]),
                ('members.value ne "%s"' % ids[A], ["Crew", "Empty"]),
                ('members.value eq "%s" or members.value eq "%s"' % (ids[A], gp),
                 ["Crew", "Pilots"]),
                ('members.value eq "not-a-uuid"', []),
                ('displayName sw "p" and members[value eq "%s"]' % ids[B], ["Pilots"])):
    t.eq(gnames(f), want, "group filter: " + f)
for f, want in (('groups.value eq "%s"' % gp, [A, B]),
                ('groups[value eq "%s"]' % gc, [B]),
                ('groups.value eq "%s" and userName sw "a"' % gp, [A]),
                ('groups.value eq "%s" or groups.value eq "%s"' % (gp, gc), [A, B]),
                ('groups pr', [A, B]),
                ('groups.display eq "crew"', [B]),
                ('groups[display eq "Pilots" and value eq "%s"]' % gp, [A, B]),
                ('groups.value eq "%s"' % ge, [])):
    t.eq(names(f), sorted(want), "user filter: " + f)
r = s.req("POST", "/.search", {"filter": 'members[value eq "%s"] or groups.value eq "%s"' % (
    ids[A], gc), "attributes": ["id"]}, token=tok)
t.eq(sorted(x["id"] for x in r.json.get("Resources", [])), sorted([gp, ids[B]]),
     "root .search: members and groups filters", r.text)
s.req("PATCH", "/Groups/" + gp, patchop({"op": "remove", "path": 'members[value eq "%s"]'
                                         % ids[A]}), token=tok)
t.eq(gnames('members[value eq "%s"]' % ids[A]), [], "group filter after the member left")
t.eq(names('groups.value eq "%s"' % gp), [B], "user filter after the member left")
s.req("DELETE", "/Groups/" + ge, token=tok)

# Page size cap: a tenant setting, advertised.
r = s.req("GET", "/ServiceProviderConfig", token=tok)
t.eq((r.json["filter"]["maxResults"], r.json["sort"]["supported"],
      r.json["pagination"]["cursor"]), (1000, True, True),
     "ServiceProviderConfig: maxResults, sort, cursor paging")
s.cli("tenant", "set", "acme", "max-results=3")
r = s.req("GET", "/Users?count=50", token=tok)
t.eq(r.json["itemsPerPage"], 3, "count capped by the tenant's max-results")
t.eq(s.req("GET", "/ServiceProviderConfig", token=tok).json["filter"]["maxResults"], 3,
     "and advertised")
t.eq(s.cli("tenant", "set", "acme", "max-results=0", check=False).returncode, 1,
     "max-results must be 1..10000")

s.stop()
t.done()
