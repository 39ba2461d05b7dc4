-- wrk script of bench.load: cycles through a pool of prepared requests (LOAD_POOL, a Lua file
-- written by bench/load.py), each thread from its own offset. Writes carry {{N}}, replaced by a
-- number unique to the thread and request so that no two writes create the same standard.
-- Every answer's status is counted; the first few error bodies are printed to help diagnose.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  pool = dofile(os.getenv("LOAD_POOL"))
  position = (id * 7919) % #pool
  sequence = 0
  statuses = {}
  shown = 0
  prepared = {}
  for i, r in ipairs(pool) do
    if not string.find(r.body, "{{N}}", 1, true) then
      prepared[i] = wrk.format(r.method, r.path, r.headers, r.body ~= "" and r.body or nil)
    end
  end
end

function request()
  position = position % #pool + 1
  local made = prepared[position]
  if made then return made end
  sequence = sequence + 1
  local r = pool[position]
  local body = string.gsub(r.body, "{{N}}", string.format("T%d-%d-%d", id, os.time() % 100000, sequence))
  return wrk.format(r.method, r.path, r.headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 400 and shown < 5 then
    shown = shown + 1
    io.stderr:write(string.format("status %d: %s\n", status, string.sub(body, 1, 300)))
  end
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses")
    for status, count in pairs(counted) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(totals) do table.insert(parts, status .. "=" .. count) end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
