local function counter(step)
  local n = 0
  return function() n = n + step; return n end
end
local c1, c2 = counter(1), counter(10)
print(c1(), c1(), c2(), c1(), c2())
local adders = {}
for i = 1, 3 do adders[i] = function(x) return x + i end end
print(adders[1](10), adders[2](10), adders[3](10))
local function compose(...)
  local fs = table.pack(...)
  return function(x)
    for i = fs.n, 1, -1 do x = fs[i](x) end
    return x
  end
end
print(compose(function(x) return x * 2 end, function(x) return x + 3 end)(4))
local function memoize(f)
  local cache, calls = {}, 0
  return function(n)
    if cache[n] == nil then calls = calls + 1; cache[n] = f(n) end
    return cache[n]
  end, function() return calls end
end
local fib
local fib_calls
fib, fib_calls = memoize(function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end)
print(fib(80), fib_calls())
local function varargs(...)
  local a, b = ...
  return select("#", ...), a, b, select(-1, ...)
end
print(varargs(1, nil, 3, nil))
local function tail(n, acc) if n == 0 then return acc end return tail(n - 1, acc + n) end
print(tail(100000, 0))
local shared = 0
local function make_pair()
  local v = 0
  return function() v = v + 1; shared = shared + 1 end, function() return v end
end
local inc, get = make_pair()
inc(); inc()
print(get(), shared, debug.getupvalue(get, 1))
print(string.dump(counter) ~= nil, load(string.dump(function() return "reloaded" end))())
