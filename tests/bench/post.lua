-- wrk: POST /Users with a fresh userName each time (scripts/bench limits).
-- TOKEN (environment): the bearer token; empty for the reference program.
local n = 0
local token = os.getenv("TOKEN") or ""
local threads = 0

-- Each thread's requests carry its number (the global id), so that
-- userNames never repeat across threads.
function setup(thread)
	threads = threads + 1
	thread:set("id", threads)
end

function request()
	n = n + 1
	local body = string.format(
	    '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",' ..
	    '"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],' ..
	    '"externalId":"w%d-%d-%d","userName":"w%d-%d-%d@contoso.example",' ..
	    '"active":true,"displayName":"Bench User %d","name":{"formatted":' ..
	    '"Bench User","familyName":"User","givenName":"Bench"},' ..
	    '"title":"Engineer","emails":[{"primary":true,"type":"work",' ..
	    '"value":"w%d-%d-%d@contoso.example"}],"addresses":[{"type":' ..
	    '"work","formatted":"1 Example Way","streetAddress":"1 Example ' ..
	    'Way","locality":"Redmond","region":"WA","postalCode":"98052",' ..
	    '"country":"US","primary":false}],"phoneNumbers":[{"type":' ..
	    '"work","value":"+1 555 0100","primary":false}],' ..
	    '"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":' ..
	    '{"employeeNumber":"%d","department":"Research and Development",' ..
	    '"costCenter":"CC-1000","organization":"Contoso"}}',
	    id, os.time(), n, id, os.time(), n, n, id, os.time(), n, n)
	local h = { ["Content-Type"] = "application/scim+json" }
	if token ~= "" then
		h["Authorization"] = "Bearer " .. token
	end
	return wrk.format("POST", nil, h, body)
end
