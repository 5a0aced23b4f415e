print(1 / 3, 10 / 2, 7 // 2, -7 // 2, 7 % -3, -7 % 3, 7.5 // 2, 2^10, 2^0.5)
print(math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger, -math.mininteger)
print(1e15, 1e16, 123456789012345678, 0.1 + 0.2, 100 * 1.1, 1e308 * 10, -1e308 * 10)
print(math.huge, -math.huge, math.pi, -0.0, 0.0 == -0.0, 3 | 5, 6 & 3, 5 ~ 3, ~0, 1 << 62, 256 >> 4)
print(string.format("%.3f %.10f %e %.2e %g %g %g %g", math.pi, 1 / 3, 12345.6789, 0.000123, 1e20, 1e-5, 100000, 1234567))
print(string.format("%a %.17g %.0f %5.1f|%-8.2f|", 1.0, 0.1, 0.5, 2.25, -1.5))
print(string.format("%5.2f %.3f %.14g %.20g", 1 / 7, 2 / 3, 2 ^ 53, 2 ^ 63))
print(math.floor(3.7), math.ceil(3.2), math.floor(-3.5), math.fmod(7, 3), math.fmod(-7, 3), math.abs(-4))
print(math.sqrt(16), math.sin(0), math.cos(0), math.exp(0), math.log(1), math.log(8, 2), math.log(100, 10))
print(math.max(3, 9, 2), math.min(3.5, -1, 2), math.type(1), math.type(1.0), math.type("1"))
print(math.tointeger(3.0), math.tointeger(3.5), math.ult(1, -1), 3 == 3.0, math.type(3 // 1), math.type(3 / 1))
print(tonumber("0x10"), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("777", 8), tonumber("abc"))
print(tonumber("0x1p4"), tonumber("inf"), tonumber(""), tostring(2^63), math.floor(2^62))
print(string.format("%d", 3.0), pcall(string.format, "%d", 3.5))
print(8 // 0.0, -8 // 0.0, 0/0 ~= 0/0, pcall(function() return 1 // 0 end))
math.randomseed(42)
local r = {}
for i = 1, 5 do r[i] = math.random(1, 1000) end
print(table.concat(r, " "), math.random() < 1)
math.randomseed(42)
print(math.random(1, 1000) == r[1])
local sum = 0
for i = 1, 1000000 do sum = sum + i * 0.5 end
print(sum, string.format("%.1f", sum))
local acc = 0.0
for i = 1, 100 do acc = acc + 0.1 end
print(acc, string.format("%.15f", acc), acc == 10)
for _, v in ipairs({0.1, 1/3, 2/3, 1e-10, 123.456, 6.02214076e23, 5e-324, 1.7976931348623157e308}) do
  io.write(string.format("%.17g|%g|%s ", v, v, tostring(v)))
end
print()
