local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
function Vec.__mul(a, k) return Vec.new(a.x * k, a.y * k) end
function Vec.__eq(a, b) return a.x == b.x and a.y == b.y end
function Vec.__lt(a, b) return a:len2() < b:len2() end
function Vec.__le(a, b) return a:len2() <= b:len2() end
function Vec.__tostring(v) return string.format("(%g, %g)", v.x, v.y) end
function Vec.__len(v) return 2 end
function Vec.__unm(v) return Vec.new(-v.x, -v.y) end
function Vec.__concat(a, b) return tostring(a) .. tostring(b) end
function Vec.__call(v, k) return v.x * k + v.y end
function Vec:len2() return self.x * self.x + self.y * self.y end
local a, b = Vec.new(1, 2), Vec.new(3, 4)
print(tostring(a + b), tostring(a * 3), a == Vec.new(1, 2), a < b, b <= a, #a, tostring(-a), a .. b, a(10))
local defaults = setmetatable({}, {__index = function(_, k) return "default " .. k end})
print(defaults.colour, rawget(defaults, "colour"))
local log = {}
local guarded = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v * 2) end})
guarded.a = 1; guarded.b = 2; guarded.a = 5
print(guarded.a, guarded.b, table.concat(log, ","))
local readonly = setmetatable({}, {__index = {x = 1}, __newindex = function() error("read-only table", 2) end})
print(readonly.x, pcall(function() readonly.y = 2 end))
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound) return setmetatable({name = name, sound = sound}, Animal) end
function Animal:speak() return self.name .. " says " .. self.sound end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name, "woof"); return setmetatable(d, Dog) end
function Dog:fetch() return self.name .. " fetches" end
local d = Dog.new("Rex")
print(d:speak(), d:fetch(), getmetatable(d) == Dog)
local protected = setmetatable({}, {__metatable = "locked"})
print(getmetatable(protected), pcall(setmetatable, protected, {}))
print(getmetatable("").__index == string, ("abc"):len())
do
  local order = {}
  do
    local x <close> = setmetatable({}, {__close = function() order[#order + 1] = "x" end})
    local y <close> = setmetatable({}, {__close = function() order[#order + 1] = "y" end})
  end
  print("close order", table.concat(order, ","))
end
local idiv = setmetatable({}, {__idiv = function() return "idiv" end, __mod = function() return "mod" end,
  __band = function() return "band" end, __shl = function() return "shl" end, __bnot = function() return "bnot" end})
print(idiv // 1, idiv % 1, idiv & 1, idiv << 1, ~idiv)
