print(collectgarbage("isrunning"), math.type(collectgarbage("count")) == "float", collectgarbage("count") > 0)
collectgarbage("collect")
local before = collectgarbage("count")
local junk = {}
for i = 1, 100000 do junk[i] = {i, tostring(i)} end
local during = collectgarbage("count")
junk = nil
collectgarbage("collect")
local after = collectgarbage("count")
print(during > before + 1000, after < during / 2)
-- Weak tables lose entries that nothing else references.
local cache = setmetatable({}, {__mode = "k"})
local keep = {}
for i = 1, 100 do
  local key = {}
  cache[key] = i
  if i % 10 == 0 then keep[#keep + 1] = key end
end
collectgarbage()
local n = 0
for _ in pairs(cache) do n = n + 1 end
print("weak keys left", n)
local values = setmetatable({}, {__mode = "v"})
values[1], values[2] = {}, keep[1]
collectgarbage()
print("weak values", values[1] == nil, values[2] == keep[1])
-- Finalizers run, in reverse order of marking, and may resurrect.
local finalized = {}
for i = 1, 5 do setmetatable({}, {__gc = function() finalized[#finalized + 1] = i end}) end
collectgarbage()
collectgarbage()
print("finalized", table.concat(finalized, ","))
print(collectgarbage("incremental"), collectgarbage("generational"), collectgarbage("incremental"))
print(collectgarbage("step", 0) ~= nil, collectgarbage("stop"), collectgarbage("isrunning"))
collectgarbage("restart")
print(collectgarbage("isrunning"))
-- Many short-lived strings and tables under both collectors.
for _, mode in ipairs({"generational", "incremental"}) do
  collectgarbage(mode)
  local total = 0
  for i = 1, 30000 do
    local s = ("item" .. i):rep(3)
    local t = {s, #s}
    total = total + t[2]
  end
  print(mode, total)
end
collectgarbage()
print(collectgarbage("count") < during)
