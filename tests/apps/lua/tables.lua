local t = {}
for i = 1, 10 do t[i] = i * i end
table.insert(t, 1, 0)
table.insert(t, 121)
print(#t, table.remove(t), table.remove(t, 1), #t, table.concat(t, " "))
print(table.unpack({1, 2, 3}), select("#", table.unpack({1, nil, 3}, 1, 3)), table.pack(4, 5, nil).n)
local moved = table.move({1, 2, 3, 4, 5}, 2, 4, 1, {})
print(table.concat(moved, ","))
local people = {
  {name = "Ada", age = 36}, {name = "Linus", age = 28}, {name = "Grace", age = 85},
  {name = "Alan", age = 41}, {name = "Barbara", age = 41},
}
table.sort(people, function(a, b)
  if a.age ~= b.age then return a.age < b.age end
  return a.name < b.name
end)
for _, p in ipairs(people) do io.write(p.name, "(", p.age, ") ") end
print()
local numbers = {}
math.randomseed(12345)
for i = 1, 2000 do numbers[i] = math.random(1, 100000) end
table.sort(numbers)
local sorted = true
for i = 2, #numbers do sorted = sorted and numbers[i - 1] <= numbers[i] end
print("sorted", sorted, #numbers)
table.sort(numbers, function(a, b) return a > b end)
print("descending first", numbers[1] >= numbers[2000])
-- Hash order depends on a seed: print keys sorted.
local dict = {}
for _, w in ipairs({"pear", "apple", "fig", "kiwi", "plum", "date"}) do dict[w] = #w end
local keys = {}
for k in pairs(dict) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do io.write(k, "=", dict[k], " ") end
print()
dict.fig = nil
local count = 0
for _ in pairs(dict) do count = count + 1 end
print("entries", count, next({}), rawlen({1, 2}), rawequal(t, t), rawget(dict, "pear"))
local nested = {a = {b = {c = {d = "deep"}}}}
print(nested.a.b.c.d, #{n = 1}, #{1, 2, 3, nil}, #"")
local matrix = {}
for i = 1, 3 do
  matrix[i] = {}
  for j = 1, 3 do matrix[i][j] = (i - 1) * 3 + j end
end
for i = 1, 3 do print(table.concat(matrix[i], " ")) end
