-- wrk script: GET /v1/households/{id}/chain for ids drawn at random from a file, one id a
-- line, with an API key.
-- Usage: wrk -t1 -c8 -d10s --latency -s bench/households.lua http://localhost:8080 -- IDS_FILE KEY
-- (IDS_FILE: psql -Atc "SELECT id FROM households ORDER BY random() LIMIT 2000")
math.randomseed(42)
local ids = {}
local key
init = function(args)
  for line in io.lines(args[1]) do
    ids[#ids + 1] = line
  end
  key = args[2]
end
request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/v1/households/" .. id .. "/chain", {Authorization = "Bearer " .. key})
end
