-- wrk script: GET /tiles/public/{z}/{x}/{y}.mvt at random points over the bounding box of the
-- sample 水城区, zooms weighted like a dashboard session (gridmap bench -only tiles draws its
-- mix around grids of the database instead, and writes its own script).
-- Usage: wrk -t1 -c8 -d10s --latency -s bench/tiles.lua http://localhost:8080
-- Browsers ask for gzip: so does this script.
math.randomseed(42)
wrk.headers["Accept-Encoding"] = "gzip"
-- z8-z10 once each, z11 twice, z12-z16 three times: most of a session is spent close in.
local zooms = {8, 9, 10, 11, 11, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15, 16, 16, 16}
request = function()
  local lon = 104.57 + math.random() * 0.69
  local lat = 26.05 + math.random() * 0.87
  local z = zooms[math.random(#zooms)]
  local n = 2 ^ z
  local r = math.rad(lat)
  local x = math.floor((lon + 180) / 360 * n)
  local y = math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
  return wrk.format("GET", string.format("/tiles/public/%d/%d/%d.mvt", z, x, y))
end
