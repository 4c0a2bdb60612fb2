-- wrk script: GET /v1/resolve at random points over the bounding box of the sample 水城区.
-- Usage: wrk -t2 -c32 -d10s --latency -s bench/resolve.lua http://localhost:8080
-- random points over 水城区's bounding box
math.randomseed(42)
request = function()
  local lon = 104.57 + math.random() * 0.69
  local lat = 26.05 + math.random() * 0.87
  return wrk.format("GET", string.format("/v1/resolve?lon=%.6f&lat=%.6f", lon, lat))
end
