-- wrk: every request with the bearer token TOKEN (environment).
local token = os.getenv("TOKEN") or ""
wrk.headers["Authorization"] = "Bearer " .. token
