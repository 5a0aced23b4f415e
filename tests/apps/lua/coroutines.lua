local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i, i * i) end
    return "done"
  end)
end
local g = gen(3)
print(g()) print(g()) print(g()) print(g())
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "finished", a + b + c + d + e
end)
print(coroutine.status(co), coroutine.resume(co, 1, 2))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co), coroutine.resume(co))
print(coroutine.isyieldable(), select(2, coroutine.running()))
local bad = coroutine.create(function() error({code = 7}) end)
local ok, err = coroutine.resume(bad)
print(ok, type(err), err.code, coroutine.status(bad))
-- Producer/consumer with a filter in between.
local function producer()
  return coroutine.create(function()
    for _, w in ipairs({"alpha", "beta", "gamma", "delta"}) do coroutine.yield(w) end
  end)
end
local function filter(source)
  return coroutine.create(function()
    while true do
      local _, v = coroutine.resume(source)
      if v == nil then return end
      if #v > 4 then coroutine.yield(v:upper()) end
    end
  end)
end
local f = filter(producer())
while true do
  local _, v = coroutine.resume(f)
  if v == nil then break end
  io.write(v, " ")
end
print()
local pc = coroutine.wrap(function()
  local ok2, msg = pcall(function()
    coroutine.yield("yield inside pcall")
    error("after yield", 0)
  end)
  coroutine.yield(tostring(ok2) .. ": " .. msg)
end)
print(pc()) print(pc())
local closing = coroutine.create(function()
  local resource <close> = setmetatable({}, {__close = function() print("closed resource") end})
  coroutine.yield(1)
end)
coroutine.resume(closing)
print(coroutine.close(closing), coroutine.status(closing))
local function nest(n)
  if n == 0 then return 0 end
  local c = coroutine.wrap(function() coroutine.yield(nest(n - 1) + 1) end)
  return c()
end
print("nested", nest(100))
