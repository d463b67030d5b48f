-- wrk's script for `pnpm bench` (started by wrk.ts): builds each request, a create body whose zone
-- (and service) id comes from a counter so that creates spread over the zones, checks every answer's
-- status (and, for tRPC, its "ok":true envelopes), and prints one line: BENCH_RESULT {json}.
--
--   wrk -t1 -c32 -d5s -s load.lua URL -- KIND PATH STATUS OK_ENVELOPES BATCH ZONES FULL_ZONE THREADS GZIP TEMPLATE
-- TEMPLATE is a create body with ZONE_ID where the zone and service ids go.

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  kind = args[1]
  path = args[2]
  expected = tonumber(args[3])
  ok_envelopes = tonumber(args[4])
  batch = tonumber(args[5])
  zones = tonumber(args[6])
  full_zone = tonumber(args[7])
  thread_count = tonumber(args[8])
  template = args[10]
  headers = { ["Content-Type"] = "application/json" }
  if args[9] == "gzip" then headers["Accept-Encoding"] = "gzip" end
  -- Thread i sends zones i, i + THREADS, ...: no two threads walk the zones in step.
  counter = thread_index
  statuses = {}
  bad = 0
  first_bad = ""
end

local function body_for(zone)
  return (template:gsub("ZONE_ID", tostring(zone)))
end

local function next_zone()
  local zone = (counter % zones) + 1
  counter = counter + thread_count
  return zone
end

function request()
  if kind == "small-answer" then
    return wrk.format("GET", path, headers)
  end
  local body
  if kind == "rest-refused" then
    body = body_for(full_zone)
  elseif kind == "trpc-batch" then
    -- httpBatchLink's format: inputs keyed by their position in the batch.
    local inputs = {}
    for i = 0, batch - 1 do
      inputs[#inputs + 1] = string.format('"%d":%s', i, body_for(next_zone()))
    end
    body = "{" .. table.concat(inputs, ",") .. "}"
  else
    body = body_for(next_zone())
  end
  return wrk.format("POST", path, headers, body)
end

function response(status, _, body)
  local good = status == expected
  if good and ok_envelopes > 0 then
    local found = 0
    for _ in body:gmatch('"ok":true') do
      found = found + 1
    end
    good = found == ok_envelopes
  end
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if not good then
    bad = bad + 1
    if first_bad == "" then
      first_bad = key .. " " .. body:sub(1, 300)
    end
  end
end

local function json_string(text)
  return '"' .. text:gsub("[^ -~]", "?"):gsub('[\\"]', "\\%0") .. '"'
end

-- utime + stime of this wrk process, every thread included, in clock ticks.
local function cpu_ticks()
  local file = io.open("/proc/self/stat", "r")
  if file == nil then
    return -1
  end
  local stat = file:read("*a")
  file:close()
  local fields = {}
  for field in stat:sub(stat:find("%)[^)]*$") + 2):gmatch("%S+") do
    fields[#fields + 1] = field
  end
  return tonumber(fields[12]) + tonumber(fields[13])
end

function done(summary, latency, requests)
  local total = {}
  local bad_total = 0
  local first = ""
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
    bad_total = bad_total + thread:get("bad")
    if first == "" then
      first = thread:get("first_bad")
    end
  end
  local counts = {}
  for status, count in pairs(total) do
    counts[#counts + 1] = string.format('"%s":%d', status, count)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"durationUs":%d,"bad":%d,"statuses":{%s},"connectionErrors":%d,' ..
      '"timeouts":%d,"p50Us":%d,"p99Us":%d,"cpuTicks":%d,"firstBad":%s}\n',
    summary.requests, summary.duration, bad_total, table.concat(counts, ","),
    errors.connect + errors.read + errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(99), cpu_ticks(), json_string(first)))
end
