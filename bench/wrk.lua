-- wrk script for bench/run.sh. It sends GET requests cycling through the
-- paths given after `--` (so a list page is measured over many pages, not
-- one cached page), with the headers a browser sends, and at the end prints
-- the exact figures on one line that run.sh parses: wrk's own text rounds
-- latency to two digits and hides the percentiles' units.

local reqs = {}
local n = 0
local i = 0

local headers = {
	["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8",
	["Accept-Encoding"] = "gzip",
	["Accept-Language"] = "th,en;q=0.5",
}

-- A signed-in page: run.sh signs in once and passes the session cookie.
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then
	headers["Cookie"] = cookie
end

-- An API page: run.sh makes a token once (khet token add) and passes
-- "Bearer khet_…"; a script asks for JSON.
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then
	headers["Authorization"] = auth
	headers["Accept"] = "application/json"
	headers["Accept-Language"] = nil
end

local threads = 0

function setup(thread)
	thread:set("offset", threads)
	threads = threads + 1
end

function init(args)
	for _, p in ipairs(args) do
		reqs[#reqs + 1] = wrk.format("GET", p, headers)
	end
	if #reqs == 0 then
		reqs[1] = wrk.format("GET", wrk.path, headers)
	end
	n = #reqs
	-- Threads start at different places so they do not ask in lockstep.
	i = ((offset or 0) * 17) % n
end

-- Requests are formatted once in init(); this only picks the next one, so
-- the client spends as little CPU as possible (it shares the machine).
function request()
	i = i % n + 1
	return reqs[i]
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		"BENCH requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f "
			.. "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
		summary.requests, summary.duration, summary.bytes,
		latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
		e.status, e.connect, e.read, e.write, e.timeout))
end
