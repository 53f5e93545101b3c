-- wrk: GET /Users?startIndex=S&count=100 with S a random page start
-- among PAGES_FROM..PAGES_TO (environment), as Okta's import pages.
local token = os.getenv("TOKEN") or ""
local from = tonumber(os.getenv("PAGES_FROM") or "1")
local to = tonumber(os.getenv("PAGES_TO") or "1")

function request()
	local s = from + 100 * math.random(0, math.floor((to - from) / 100))
	return wrk.format("GET", wrk.path .. "?startIndex=" .. s .. "&count=100",
	    { ["Authorization"] = "Bearer " .. token })
end
