#!/usr/bin/env python3
"""Role sources and mappings (issue 5): every way the seed products send
roles ends as one answer, the user's application roles."""
import json
from urllib.parse import quote

from harness import Server, Tap, URN_USER, patchop

SCIMLET = "urn:scimlet:schemas:extension:2.0:User"
t = Tap()
s = Server()


def app_roles(tok, uid):
    r = s.req("GET", "/Users/" + uid, token=tok)
    return (r.json or {}).get(SCIMLET, {}).get("appRoles", [])


# Better Stack: a custom top-level roleName (Okta external name roleName).
bs = s.tenant("betterstack")
r = s.req("POST", "/Users", {"userName": "early@bs", "roleName": "Admin"}, token=bs)
t.ok("roleName" not in r.json, "an undeclared core attribute is ignored", r.text)
s.cli("schema", "add", "betterstack", "roleName", "string")
for args in (("source", "betterstack", "roleName"), ("map", "betterstack", "Admin", "admin"),
             ("map", "betterstack", "Team lead", "lead"),
             ("default", "betterstack", "member")):
    s.cli("role", *args)
r = s.req("POST", "/Users", {"schemas": [URN_USER], "userName": "ann@bs", "roleName": "Admin"},
          token=bs)
uid = r.json["id"]
t.eq(r.json.get(SCIMLET), {"appRoles": ["admin"]}, "roleName Admin -> admin, in the response")
t.ok(SCIMLET in r.json["schemas"], "the extension is listed in schemas", r.json["schemas"])
s.req("PATCH", "/Users/" + uid, patchop({"op": "Replace", "path": "roleName",
                                         "value": "team LEAD"}), token=bs)
t.eq(app_roles(bs, uid), ["lead"], "PATCH roleName (any case) -> lead")
s.req("PATCH", "/Users/" + uid, patchop({"op": "remove", "path": "roleName"}), token=bs)
t.eq(app_roles(bs, uid), ["member"], "no role value -> the default role")
s.cli("role", "unknown", "betterstack", "reject")
before = s.req("GET", "/Users/" + uid, token=bs).json
r = s.req("PATCH", "/Users/" + uid, patchop({"op": "replace", "path": "roleName",
                                             "value": "Billing admin"}), token=bs)
t.error(r, 400, "invalidValue", "unknown policy reject: unmapped value is 400")
t.ok("Billing admin" in r.json.get("detail", ""), "the detail names the value", r.text)
t.eq(s.req("GET", "/Users/" + uid, token=bs).json, before, "and nothing changed")
s.cli("role", "unknown", "betterstack", "default")
r = s.req("PATCH", "/Users/" + uid, patchop({"op": "replace", "path": "roleName",
                                             "value": "Billing admin"}), token=bs)
t.eq((r.status, app_roles(bs, uid)), (200, ["member"]),
     "unknown policy default: accepted, falls back")
r = s.req("PATCH", "/Users/" + uid, patchop({"op": "add", "path": SCIMLET + ":appRoles",
                                             "value": ["admin"]}), token=bs)
t.error(r, 400, "mutability", "appRoles is read-only")
r = s.req("POST", "/Users", {"userName": "sneaky@bs", SCIMLET: {"appRoles": ["admin"]}},
          token=bs)
t.eq(r.json.get(SCIMLET), {"appRoles": ["member"]}, "appRoles sent on create are ignored")

# Sumo Logic: Entra app roles into roles[primary eq "True"].value, and
# AppRoleAssignmentsComplex PATCHes with JSON-string values.
sumo = s.tenant("sumo")
s.cli("role", "map", "sumo", "Analyst", "analyst")
s.cli("role", "default", "sumo", "user")
r = s.req("POST", "/Users", {"userName": "bo@sumo", "roles": [
    {"primary": "True", "type": "WindowsAzureActiveDirectoryRole", "value": "Analyst"}]},
    token=sumo)
sid = r.json["id"]
t.eq(app_roles(sumo, sid), ["analyst"], "roles value Analyst -> analyst")
s.cli("role", "map", "sumo", "Admin", "administrator")
s.req("PATCH", "/Users/" + sid, patchop({"op": "Add", "path": "roles", "value": [{"value":
      "{\"id\":\"06b07648-ecfe-589f-9d2f-6325724a46ee\",\"value\":\"Admin\",\"displayName\":\"Admin\"}"}]}),
      token=sumo)
t.eq(app_roles(sumo, sid), ["administrator", "analyst"], "JSON-string role value mapped too")
r = s.req("GET", "/Users?filter=" + quote('appRoles eq "administrator"'), token=sumo)
t.eq([x["id"] for x in r.json["Resources"]], [sid], "filter appRoles eq")
r = s.req("GET", "/Users?filter=" + quote(SCIMLET + ':appRoles eq "analyst"'), token=sumo)
t.eq(r.json["totalResults"], 1, "filter by the URN-qualified name")
s.req("PATCH", "/Users/" + sid, patchop({"op": "replace", "path": "roles", "value": []}),
      token=sumo)
t.eq(app_roles(sumo, sid), ["user"], "assertive replace with no roles -> default")
bid = s.req("POST", "/Users", {"userName": "cy@sumo"}, token=sumo).json["id"]
t.eq(app_roles(sumo, bid), ["user"], "no roles at all -> default (Sumo's User)")

# Group names as roles, and mapping changes applied to every user at once.
acme = s.tenant("acme")
u1 = s.req("POST", "/Users", {"userName": "u1@acme"}, token=acme).json["id"]
u2 = s.req("POST", "/Users", {"userName": "u2@acme"}, token=acme).json["id"]
ops = s.req("POST", "/Groups", {"displayName": "Ops", "members": [{"value": u2}]},
            token=acme).json["id"]
t.eq(app_roles(acme, u2), [], "no mapping yet: no role")
v1 = s.req("GET", "/Users/" + u2, token=acme).json["meta"]["version"]
s.cli("role", "map-group", "acme", "ops", "operator")
t.eq(app_roles(acme, u2), ["operator"], "a new group mapping reaches existing members")
t.ok(s.req("GET", "/Users/" + u2, token=acme).json["meta"]["version"] != v1,
     "the user's version changed with its roles")
eng = s.req("POST", "/Groups", {"displayName": "Engineers"}, token=acme).json["id"]
s.cli("role", "map-group", "acme", "Engineers", "dev")
s.req("PATCH", "/Groups/" + eng, patchop({"op": "Add", "path": "members",
                                          "value": [{"value": u1}, {"value": u2}]}),
      token=acme)
t.eq((app_roles(acme, u1), app_roles(acme, u2)), (["dev"], ["dev", "operator"]),
     "added members get the group's role")
s.req("PATCH", "/Groups/" + eng, patchop({"op": "Remove", "path": "members",
                                          "value": [{"value": u1}]}), token=acme)
t.eq(app_roles(acme, u1), [], "a removed member loses it")
s.req("PATCH", "/Groups/" + eng, patchop({"op": "replace", "path": "displayName",
                                          "value": "Engineering"}), token=acme)
t.eq(app_roles(acme, u2), ["operator"], "renaming the group away from its mapping")
s.req("PATCH", "/Groups/" + eng, patchop({"op": "replace", "path": "displayName",
                                          "value": "engineers"}), token=acme)
t.eq(app_roles(acme, u2), ["dev", "operator"], "and back (names compare without case)")
s.req("PATCH", "/Groups/" + eng, patchop({"op": "remove", "path": "members"}), token=acme)
t.eq(app_roles(acme, u2), ["operator"], "clearing the group")
s.req("DELETE", "/Groups/" + ops, token=acme)
t.eq(app_roles(acme, u2), [], "deleting a group takes its role away")
s.cli("role", "default", "acme", "viewer")
t.eq((app_roles(acme, u1), app_roles(acme, u2)), (["viewer"], ["viewer"]),
     "a new default reaches every user")

# The CLI.
lst = s.cli("role", "list", "acme").stdout.splitlines()
t.ok("default\tviewer" in lst and "group\tengineers\tdev" in lst, "role list", lst)
show = json.loads(s.cli("user", "show", "sumo", "BO@sumo").stdout)
t.eq(show.get(SCIMLET, {}).get("appRoles"), ["user"], "user show by userName, any case")
out = s.cli("user", "list", "betterstack", "--role", "member").stdout.splitlines()
t.eq(sorted(l.split("\t")[1] for l in out), ["ann@bs", "early@bs", "sneaky@bs"],
     "user list --role")
t.eq(s.cli("role", "unknown", "acme", "maybe", check=False).returncode, 1,
     "role unknown takes reject or default")
t.eq(s.cli("role", "map", "nobody", "a", "b", check=False).returncode, 1,
     "role map for an unknown tenant fails")
s.stop()
t.done()
